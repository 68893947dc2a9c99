"""An attempts rule's `at least N before TRIGGER` (LANGUAGE.md §7) says in its reason what
happened: the event's type (`before `qualified` at …`), the state change (`before the lead
entered `nurture` at …`), or, for the extension triggers `breach of RULE` and `warning of
RULE`, the breach or warning as other reasons name it (`before the warning of first_touch
(cycle 1) at …`)."""
from __future__ import annotations

import pytest

import slacode

HEAD = '''agreement "b" { version "1"; timezone "UTC"; teams sales }
states { new; working; nurture }
'''
TOUCH = '''
deadline first_touch {
  owner sales
  start on assigned
  stop on contact_attempt
  within 2h
  warn at 50%
}
'''


def attempts(before: str, extra: str = "") -> str:
    return HEAD + extra + f'''
attempts fu {{
  owner sales
  start on assigned
  stop on won
  count call
  at least 2 before {before}
}}
'''


def ev(at: str, type_: str, **props) -> dict:
    return {"lead": "L", "at": f"2026-11-09T{at}:00Z", "type": type_, "id": f"L-{at}-{type_}", **props}


def reason(text: str, events: list, as_of: str = "2026-11-09T18:00:00Z") -> tuple[str, str]:
    (v,) = [v for v in slacode.loads(text).evaluate(events, as_of=as_of).verdicts
            if v.rule == "fu" and v.clause == "at_least_before"]
    return v.status, v.reason


@pytest.mark.parametrize("before, extra, events, status, said", [
    ("qualified", "", [ev("09:00", "assigned"), ev("09:10", "call"), ev("09:20", "qualified")], "breached",
     "Only 1 attempt before `qualified` at 2026-11-09 09:20 +00:00; 2 were needed."),
    ("demo or qualified where score > 5", "",
     [ev("09:00", "assigned"), ev("09:10", "call"), ev("09:15", "call"), ev("09:20", "demo")], "met",
     "2 attempts before `demo` at 2026-11-09 09:20 +00:00 (needed 2)."),
    ("demo or qualified where score > 5", "",
     [ev("09:00", "assigned"), ev("09:10", "call"), ev("09:15", "qualified", score=1), ev("09:20", "qualified", score=9)],
     "breached", "Only 1 attempt before `qualified` at 2026-11-09 09:20 +00:00; 2 were needed."),
    ("enter nurture", "", [ev("09:00", "assigned"), ev("09:10", "call"), ev("09:20", "state", state="nurture")],
     "breached", "Only 1 attempt before the lead entered `nurture` at 2026-11-09 09:20 +00:00; 2 were needed."),
    ("leave new", "", [ev("08:00", "state", state="new"), ev("09:00", "assigned"),
                       ev("09:20", "state", state="working")],
     "breached", "Only 0 attempts before the lead left `new` at 2026-11-09 09:20 +00:00; 2 were needed."),
    ("warning of first_touch", TOUCH, [ev("09:00", "assigned"), ev("09:10", "call")], "breached",
     "Only 1 attempt before the warning of first_touch (cycle 1) at 2026-11-09 10:00 +00:00; 2 were needed."),
    ("breach of first_touch", TOUCH, [ev("09:00", "assigned"), ev("09:10", "call"), ev("10:30", "call")], "met",
     "2 attempts before the breach of first_touch (cycle 1) at 2026-11-09 11:00 +00:00 (needed 2)."),
])
def test_the_reason_names_what_happened(before, extra, events, status, said):
    got = reason(attempts(before, extra), events)
    assert got == (status, said)
    assert "the trigger" not in got[1]


def test_the_open_and_closed_reasons_are_unchanged():
    text = attempts("qualified")
    assert reason(text, [ev("09:00", "assigned"), ev("09:10", "call")]) == (
        "pending", "1 attempt so far; the trigger has not happened.")
    assert reason(text, [ev("09:00", "assigned"), ev("09:10", "won")]) == (
        "met", "The cycle closed without the trigger, so nothing was due.")
