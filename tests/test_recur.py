"""`recur [sequential] [while P]` (an extension, docs/extensions.md "Recurring clocks"):
parsing, fmt, lint, the fold (independent and sequential recurrence), explain, due,
changes, diff, escalation, and a property: `recur` equals the start+stop chain written out
by hand. Verdicts worked out by hand are in tests/cases/999-recur-independent and
tests/cases/1000-recur-sequential."""
from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings, strategies as st

import slacode
from slacode.cli import main
from slacode.diff import semantic_diff

HEAD = '''agreement "r" { version "1"; timezone "UTC"; teams sales }
states { new; working; closed }
'''
RULE = '''
deadline touch {
  owner sales
  start on enter working or assigned
  stop on contact_attempt
  cancel on leave working or unsubscribe
  RECUR
  within 2d
}
'''


def text_of(recur: str = "recur", extra: str = "") -> str:
    return (HEAD + RULE.replace("RECUR", recur)).replace("  within 2d\n", extra + "  within 2d\n")


def agreement(recur: str = "recur", extra: str = "") -> slacode.Agreement:
    return slacode.loads(text_of(recur, extra))


def at(day: int, hh: int = 9) -> str:
    return f"2026-11-{day:02d}T{hh:02d}:00:00Z"


def ev(day: int, hh: int, type_: str, **props) -> dict:
    return {"lead": "L", "id": f"e{day}-{hh}-{type_}", "at": at(day, hh), "type": type_, **props}


def cycles(a: slacode.Agreement, events: list[dict], as_of: str = at(20)) -> list[tuple]:
    """(cycle, status, started_at, completed_at) of each verdict of rule `touch`."""
    return [(v.cycle, v.status, v.to_dict()["started_at"][:16], (v.to_dict()["completed_at"] or "")[:16])
            for v in a.evaluate(events, as_of=as_of).verdicts if v.rule == "touch"]


def working(day: int = 2, hh: int = 9) -> dict:
    return ev(day, hh, "state", state="working")


# ----------------------------------------------------------------- parse, fmt, lint

def test_it_parses_formats_and_lints_clean():
    for line in ("recur", "recur sequential", "recur while state == working",
                 "recur sequential while state == working and not (stage == \"lost\")"):
        text = text_of(line)
        a = slacode.loads(text)
        assert [d.code for d in slacode.lint(text) if d.severity != "info"] == []
        recur = a.rules[0].of("recur")[0]
        assert recur.sequential == ("sequential" in line)
        assert (recur.predicate is not None) == ("while" in line)
        assert f"\n  {line}\n" in slacode.format(text)
        assert slacode.format(slacode.format(text)) == slacode.format(text)


def codes(text: str) -> list[str]:
    return [d.code for d in slacode.lint(text) if d.severity != "info"]


def test_lint_refuses_recur_with_start_once_in_attempts_and_twice():
    once = HEAD + RULE.replace("RECUR", "recur").replace("start on", "start once on")
    assert codes(once) == ["SLA222"]
    attempts = HEAD + '''
attempts cadence {
  owner sales
  start on assigned
  recur
  at least 2 within 2d
}
'''
    assert codes(attempts) == ["SLA306"]
    twice = HEAD + RULE.replace("RECUR", "recur\n  recur sequential")
    assert codes(twice) == ["SLA205"]


def test_sla322_is_silent_with_recur_but_not_for_the_chain():
    chain = HEAD + RULE.replace("RECUR\n", "").replace("or assigned", "or contact_attempt")
    assert "SLA322" in codes(chain)
    recur = HEAD + RULE.replace("RECUR", "recur").replace("or assigned", "or contact_attempt")
    assert "SLA322" not in codes(recur)


def test_recur_is_no_clause_of_a_quota_or_target():
    text = HEAD + RULE.replace("RECUR", "recur") + '''
target on_time {
  owner sales
  rule touch
  recur
  at least 80% met per week
}
'''
    assert any(c.startswith("SLA1") for c in codes(text))


def test_diff_names_a_change_of_recurrence():
    plain = slacode.loads(HEAD + RULE.replace("RECUR\n", ""))
    on = [c.message for c in semantic_diff(plain, agreement("recur sequential"))]
    assert on == ["now opens the next cycle by itself after each stop (`recur sequential`)"]
    off = [c.message for c in semantic_diff(agreement(), plain)]
    assert off == ["no longer opens the next cycle by itself after a stop: only a start opens one (was `recur`)"]
    changed = [c.message for c in semantic_diff(agreement(), agreement("recur while state == working"))]
    assert changed == ["now recurs as `recur while state == working` (was `recur`)"]
    assert semantic_diff(agreement(), agreement()) == []


# ------------------------------------------------------------------- independent

def test_a_stop_opens_the_next_cycle_at_its_instant():
    events = [working(), ev(3, 9, "contact_attempt"), ev(5, 12, "contact_attempt")]
    got = cycles(agreement(), events, as_of=at(6, 12))
    assert got == [(1, "met", "2026-11-02T09:00", "2026-11-03T09:00"),
                   (2, "breached", "2026-11-03T09:00", "2026-11-05T12:00"),
                   (3, "pending", "2026-11-05T12:00", "")]
    v = agreement().evaluate(events, as_of=at(6, 12)).verdicts[1]
    assert v.evidence == ["e3-9-contact_attempt", "e5-12-contact_attempt"]
    assert ("Cycle 2 recurred (`recur`): opened by the stop contact_attempt at 2026-11-03 09:00 +00:00 "
            "(event e3-9-contact_attempt) that closed cycle 1.") in v.reason
    plain = slacode.loads(HEAD + RULE.replace("RECUR\n", ""))
    assert [c[:2] for c in cycles(plain, events, as_of=at(6, 12))] == [(1, "met")]


def test_cancel_breach_and_restart_open_nothing_by_recurrence():
    extra = "  breach on escalated\n  restart on requeued\n"
    a = agreement("recur", extra)
    cancelled = [working(), ev(3, 9, "unsubscribe"), ev(3, 10, "contact_attempt")]
    assert [c[:2] for c in cycles(a, cancelled)] == [(1, "cancelled")]
    breached = [working(), ev(3, 9, "escalated"), ev(3, 10, "contact_attempt")]
    assert [c[:2] for c in cycles(a, breached)] == [(1, "breached")]
    restarted = [working(), ev(3, 9, "requeued"), ev(3, 10, "contact_attempt")]   # the restart's own cycle
    assert [c[:2] for c in cycles(a, restarted, as_of=at(4, 9))] == [(1, "cancelled"), (2, "met"), (3, "pending")]


def test_while_is_judged_at_the_stop_and_turning_true_later_opens_nothing():
    a = agreement("recur while stage == \"open\"")
    events = [ev(2, 9, "state", state="working", fields={"stage": "open"}), ev(3, 9, "contact_attempt"),
              ev(3, 10, "note", fields={"stage": "paused"}), ev(3, 11, "contact_attempt"),
              ev(3, 12, "note", fields={"stage": "open"}), ev(3, 13, "contact_attempt")]
    assert [c[:2] for c in cycles(a, events)] == [(1, "met"), (2, "met")]
    # the stop's own fields are applied before the `while` is judged
    events = [ev(2, 9, "state", state="working", fields={"stage": "open"}),
              ev(3, 9, "contact_attempt", fields={"stage": "lost"})]
    assert [c[:2] for c in cycles(a, events)] == [(1, "met")]


def test_stop_when_recurs_but_not_on_the_event_that_opened_the_cycle():
    text = HEAD + '''
deadline touch {
  owner sales
  start on enter working
  stop when touched == true
  recur
  within 2d
}
'''
    a = slacode.loads(text)
    events = [working(), ev(2, 10, "note", fields={"touched": True}), ev(2, 11, "note", fields={"touched": False}),
              ev(2, 12, "note", fields={"touched": True})]
    assert [c[:2] for c in cycles(a, events, as_of=at(3))] == [(1, "met"), (2, "met"), (3, "pending")]
    # a cycle that `stop when` closes as it opens does not recur (it would without end)
    at_once = [ev(2, 9, "state", state="working", fields={"touched": True})]
    assert [c[:2] for c in cycles(a, at_once, as_of=at(3))] == [(1, "met")]


# --------------------------------------------------------------------- sequential

SEQ = "recur sequential"


def test_sequential_opens_at_the_deadline_after_an_early_stop():
    events = [working(), ev(3, 9, "contact_attempt")]
    got = cycles(agreement(SEQ), events, as_of=at(6, 12))
    assert got == [(1, "met", "2026-11-02T09:00", "2026-11-03T09:00"),
                   (2, "breached", "2026-11-04T09:00", "")]
    v = agreement(SEQ).evaluate(events, as_of=at(6, 12)).verdicts[1]
    assert v.to_dict()["due_at"].startswith("2026-11-06T09:00")
    assert ("Cycle 2 recurred (`recur sequential`): opened at the previous deadline 2026-11-04 09:00 +00:00, "
            "cycle 1 having been stopped before it by contact_attempt (event e3-9-contact_attempt).") in v.reason


def test_sequential_late_stop_opens_at_the_stop():
    events = [working(), ev(5, 9, "contact_attempt")]
    assert cycles(agreement(SEQ), events, as_of=at(6)) == [
        (1, "breached", "2026-11-02T09:00", "2026-11-05T09:00"), (2, "pending", "2026-11-05T09:00", "")]


def test_sequential_stops_while_waiting_count_for_nothing():
    events = [working(), ev(2, 10, "contact_attempt"), ev(3, 9, "contact_attempt"), ev(4, 9, "contact_attempt"),
              ev(5, 9, "contact_attempt")]
    # cycle 1 due Wed 4th 09:00: the touch on the 3rd (and the one at 09:00 on the 4th, which
    # comes before the opening at that instant) count for nothing; cycle 2 opens 4th 09:00
    got = cycles(agreement(SEQ), events, as_of=at(5, 12))
    assert got[:2] == [(1, "met", "2026-11-02T09:00", "2026-11-02T10:00"),
                       (2, "met", "2026-11-04T09:00", "2026-11-05T09:00")]
    assert len(got) == 2                        # cycle 3 waits for 6th 09:00, after as_of


def test_no_verdict_before_the_opening_and_one_from_it():
    events = [working(), ev(2, 10, "contact_attempt")]
    a = agreement(SEQ)
    assert [c[0] for c in cycles(a, events, as_of="2026-11-04T08:59:59Z")] == [1]
    assert cycles(a, events, as_of=at(4))[1] == (2, "pending", "2026-11-04T09:00", "")


def test_a_start_while_waiting_replaces_the_opening_and_a_cancel_drops_it():
    a = agreement(SEQ)
    started = [working(), ev(2, 10, "contact_attempt"), ev(3, 9, "assigned", owner="ana")]
    assert [c[:3] for c in cycles(a, started, as_of=at(4, 12))] == [
        (1, "met", "2026-11-02T09:00"), (2, "pending", "2026-11-03T09:00")]
    cancelled = [working(), ev(2, 10, "contact_attempt"), ev(3, 9, "unsubscribe")]
    assert [c[:2] for c in cycles(a, cancelled, as_of=at(6))] == [(1, "met")]


def test_sequential_while_is_judged_as_of_the_deadline():
    a = agreement("recur sequential while state == working")
    left = [working(), ev(2, 10, "contact_attempt"), ev(3, 9, "state", state="closed")]
    assert [c[:2] for c in cycles(a, left, as_of=at(6))] == [(1, "met")]
    # the field changes after the deadline: the opening was judged before it
    b = agreement("recur sequential while not (hold == true)")
    later = [working(), ev(2, 10, "contact_attempt"), ev(4, 10, "note", fields={"hold": True})]
    assert [c[:3] for c in cycles(b, later, as_of=at(5))] == [(1, "met", "2026-11-02T09:00"),
                                                             (2, "pending", "2026-11-04T09:00")]
    before = [working(), ev(2, 10, "contact_attempt"), ev(4, 8, "note", fields={"hold": True}),
              ev(4, 10, "note", fields={"hold": False})]
    assert [c[:2] for c in cycles(b, before, as_of=at(5))] == [(1, "met")]


def test_a_recurred_cycle_pauses_and_warns_as_any_other():
    a = agreement(SEQ, "  pause while hold == true\n  warn at 50%\n")
    events = [working(), ev(2, 10, "contact_attempt"), ev(3, 9, "note", fields={"hold": True}),
              ev(5, 9, "note", fields={"hold": False})]
    v = [x for x in a.evaluate(events, as_of=at(6, 9)).verdicts if x.cycle == 2][0].to_dict()
    # opened paused at the 4th 09:00, running from the 5th 09:00: due the 7th 09:00, warned the 6th 09:00
    assert (v["started_at"][:16], v["due_at"][:16], v["warn_at"][:16], v["status"]) == (
        "2026-11-04T09:00", "2026-11-07T09:00", "2026-11-06T09:00", "at_risk")


def test_a_calendar_deadline_opens_the_next_cycle_at_its_working_instant():
    text = HEAD + '''
calendar office {
  timezone "UTC"
  hours mon-fri 09:00-17:00
}
''' + RULE.replace("RECUR", SEQ).replace("within 2d", "within 1d on office")
    a = slacode.loads(text)
    events = [ev(6, 16, "state", state="working"), ev(6, 16, "contact_attempt", n=1)]   # Fri 16:00
    events[1]["id"] = "touch"
    # 1d on office from Fri 16:00 = 8h of working time (Fri 16-17, Mon 09-16): Mon 16:00
    assert [c[:3] for c in cycles(a, events, as_of=at(9, 16))][1:] == [(2, "pending", "2026-11-09T16:00")]
    assert [c[0] for c in cycles(a, events, as_of=at(9, 15))] == [1]


def test_breach_of_a_recurred_cycle_escalates():
    text = HEAD + RULE.replace("RECUR", SEQ) + '''
deadline manager {
  owner sales
  start on breach of touch
  stop on reassigned
  within 1h
}
'''
    events = [working(), ev(2, 10, "contact_attempt")]
    got = [(v.rule, v.cycle, v.status) for v in slacode.loads(text).evaluate(events, as_of=at(6, 12)).verdicts]
    # cycle 2 opened at the 4th 09:00 is breached at the 6th 09:00: the manager's clock starts then
    assert ("touch", 2, "breached") in got and ("manager", 1, "breached") in got


# ---------------------------------------------------------------- explain, due, changes

def _files(tmp_path, text: str, events: list[dict]):
    spec = tmp_path / "a.sla"
    spec.write_text(text, encoding="utf-8")
    data = tmp_path / "e.jsonl"
    data.write_text("".join(json.dumps(e) + "\n" for e in events), encoding="utf-8")
    return str(spec), str(data)


def _cli(capsys, *args) -> str:
    main(list(args))
    return capsys.readouterr().out


def test_explain_shows_the_waiting_and_the_opening(tmp_path, capsys):
    events = [working(), ev(2, 10, "contact_attempt"), ev(3, 9, "contact_attempt")]
    spec, data = _files(tmp_path, text_of(SEQ), events)
    out = _cli(capsys, "explain", spec, data, "--lead", "L", "--as-of", at(4, 12))
    assert ("touch: this event would stop it, but it comes before the next occurrence opens at "
            "2026-11-04 09:00 +00:00 (`recur sequential`, after the deadline of cycle 1): it counts for nothing") in out
    lines = out.splitlines()
    deadline = lines.index("2026-11-04 09:00 +00:00  deadline of touch cycle 1, stopped before it: the next "
                           "occurrence is due (`recur sequential`)")
    assert lines[deadline + 1].startswith("    touch: cycle 2 opens by recurrence, at the previous deadline (")
    assert lines.index("2026-11-03 09:00 +00:00  contact_attempt  [e3-9-contact_attempt]") < deadline
    independent = _cli(capsys, "explain", *_files(tmp_path, text_of(), events), "--lead", "L", "--as-of", at(4, 12))
    assert "touch: cycle 2 opens by recurrence, at the stop of cycle 1" in independent


def test_due_and_changes_show_no_clock_before_it_opens(tmp_path, capsys):
    events = [working(), ev(2, 10, "contact_attempt")]
    spec, data = _files(tmp_path, text_of(SEQ), events)
    assert "No open clock" in _cli(capsys, "due", spec, data, "--as-of", "2026-11-04T08:00:00Z")
    after = _cli(capsys, "due", spec, data, "--as-of", "2026-11-04T10:00:00Z")
    assert "touch.within" in after and "2026-11-06 09:00" in after
    none = _cli(capsys, "changes", spec, data, "--since", "2026-11-03T00:00:00Z", "--as-of", "2026-11-04T08:00:00Z")
    assert "opened" not in none
    opened = _cli(capsys, "changes", spec, data, "--since", "2026-11-03T00:00:00Z", "--as-of", "2026-11-04T10:00:00Z")
    assert [ln.split()[:4] for ln in opened.splitlines() if "opened" in ln] == [
        ["2026-11-04", "09:00", "+00:00", "opened"]]


# ------------------------------------------------------------ property: the chain

CHAIN_HEAD = '''agreement "r" { version "1"; timezone "UTC"; teams sales }
states { new; working; closed }
'''
CHAIN_RULE = '''
deadline touch {
  owner sales
  START
  stop on contact_attempt
  pause while hold == true
  RECUR
  within 6h
  warn at 50%
}
'''

KINDS = ("contact_attempt", "assigned", "note_hold", "note_free", "enter_new", "enter_working", "other")


def _history(steps: list[tuple[int, int]]) -> list[dict]:
    out = [{"lead": "L", "id": "e0", "at": "2026-11-02T09:00:00Z", "type": "assigned", "owner": "ana"}]
    minute = 0
    for k, (gap, kind) in enumerate(steps, 1):
        minute += gap
        base = {"lead": "L", "id": f"e{k}", "at": f"2026-11-02T{9 + minute // 60:02d}:{minute % 60:02d}:00Z"}
        name = KINDS[kind]
        if name == "note_hold":
            base.update(type="note", fields={"hold": True})
        elif name == "note_free":
            base.update(type="note", fields={"hold": False})
        elif name.startswith("enter_"):
            base.update(type="state", state=name[6:])
        elif name == "assigned":
            base.update(type="assigned", owner="bo")
        else:
            base.update(type=name)
        out.append(base)
    return out


def _judged(text: str, events: list[dict], as_of: str) -> tuple:
    result = slacode.loads(text).evaluate(events, as_of=as_of)
    verdicts = []
    for v in result.verdicts:
        d = v.to_dict()
        d["reason"] = d["reason"].split(" Cycle ")[0] if " recurred (`recur" in d["reason"] else d["reason"]
        verdicts.append(d)
    return verdicts, sorted(d.code for d in result.diagnostics if d.code != "SLA322")


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 200), st.integers(0, len(KINDS) - 1)), max_size=14),
       st.integers(0, 1800))
def test_recur_equals_the_start_stop_chain(steps, as_of_minute):
    """`recur` (no `while`) after a first start gives the verdicts of `start on assigned or
    contact_attempt` / `stop on contact_attempt` (SLA322 aside, and the reasons' sentence
    saying the cycle recurred): every history here begins with the start."""
    events = _history(steps)
    as_of = f"2026-11-02T{9 + as_of_minute // 60:02d}:{as_of_minute % 60:02d}:00Z" if as_of_minute < 900 \
        else "2026-11-03T12:00:00Z"
    recur = CHAIN_HEAD + CHAIN_RULE.replace("START", "start on assigned").replace("RECUR", "recur")
    chain = CHAIN_HEAD + CHAIN_RULE.replace("START", "start on assigned or contact_attempt").replace("RECUR\n", "")
    assert _judged(recur, events, as_of) == _judged(chain, events, as_of)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 200), st.integers(0, len(KINDS) - 1)), max_size=14))
def test_recur_while_equals_the_chain_with_where(steps):
    """`recur while state == working` with `start on enter working` equals the chain `start on
    enter working or contact_attempt where state == working`: in `working` a cycle is open
    (it opened on entering it, and each stop in it opens the next), so the chain's extra start
    fires only at its own stop."""
    events = _history(steps)[1:]
    recur = CHAIN_HEAD + CHAIN_RULE.replace("START", "start on enter working").replace(
        "RECUR", "recur while state == working")
    chain = CHAIN_HEAD + CHAIN_RULE.replace(
        "START", "start on enter working or contact_attempt where state == working").replace("RECUR\n", "")
    assert _judged(recur, events, "2026-11-03T12:00:00Z") == _judged(chain, events, "2026-11-03T12:00:00Z")


def test_a_test_block_expects_a_recurred_cycle(tmp_path, capsys):
    text = text_of(SEQ) + '''
test "the next touch is due two days after the deadline" {
  as of 2026-11-04T12:00:00Z
  lead "L"
  at 2026-11-02T09:00:00Z enter working
  at 2026-11-02T10:00:00Z contact_attempt
  expect touch cycle 1 met
  expect touch cycle 2 pending due 2026-11-06T09:00:00Z
}
'''
    spec = tmp_path / "t.sla"
    spec.write_text(text, encoding="utf-8")
    assert main(["test", str(spec)]) == 0
    spec.write_text(text.replace("due 2026-11-06T09:00:00Z", "due 2026-11-06T10:00:00Z"), encoding="utf-8")
    assert main(["test", str(spec)]) != 0
    capsys.readouterr()
