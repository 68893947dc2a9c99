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
    # cycle 2 opens at the stop, where `touched == true` holds: stopped at once (met, no time),
    # as a cycle a start opens then; it does not recur, and only a start opens the next
    assert cycles(a, events, as_of=at(3)) == [(1, "met", "2026-11-02T09:00", "2026-11-02T10:00"),
                                              (2, "met", "2026-11-02T10:00", "2026-11-02T10:00")]
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


# ------------------------------------------------- `… when` judged at a recurred opening (review26 H1)

SW = """agreement "t" { version "1"; timezone "UTC"; teams sales }
deadline touch {
  owner sales
  start on assigned
  STOP
  CANCEL
  RECUR
  within 2h
}
"""


def _sw(recur: str, stop: str = "stop when touched == true", cancel: str = "", within: str = "2h") -> slacode.Agreement:
    return slacode.loads(SW.replace("RECUR", recur).replace("STOP", stop).replace("  CANCEL\n", cancel)
                         .replace("within 2h", f"within {within}"))


def _at(hhmm: str) -> str:
    return f"2026-11-02T{hhmm}:00Z"


def _e(hhmm: str, type_: str, ref: str, **fields) -> dict:
    out = {"lead": "A", "at": _at(hhmm), "type": type_, "id": ref}
    if fields:
        out["fields"] = fields
    return out


SW_EVENTS = [_e("09:00", "assigned", "a"), _e("09:10", "update", "u1", touched=True),
             _e("09:20", "update", "u2", note="x"), _e("09:30", "update", "u3", note="y")]
CW_EVENTS = [_e("09:00", "assigned", "a"), _e("09:30", "contact_attempt", "c1", dq=True)]


def test_review26_sw_a_recurred_cycle_is_stopped_at_once_by_stop_when():
    """Cycle 1 is stopped at u1 (09:10); cycle 2 opens there, where `touched == true` holds,
    so it is stopped at once (met, 0m) and recurs no more: the unrelated u2, u3 do nothing."""
    a = _sw("recur")
    assert cycles(a, SW_EVENTS, as_of=_at("14:00")) == [(1, "met", "2026-11-02T09:00", "2026-11-02T09:10"),
                                                       (2, "met", "2026-11-02T09:10", "2026-11-02T09:10")]
    v = a.evaluate(SW_EVENTS, as_of=_at("14:00")).verdicts[1]
    assert "already held after event u1, which opened the cycle, so it was stopped at once" in v.reason
    assert v.to_dict()["evidence"] == ["u1"]


def test_review26_sws_a_sequential_opening_is_stopped_at_once_at_the_deadline():
    """Cycle 1 (due 11:00) is stopped early at 09:10; cycle 2 opens at the 11:00 deadline with
    `touched == true` still holding: stopped at once there, and no cycle 3 (u2 at 12:00 opens
    nothing)."""
    events = [_e("09:00", "assigned", "a"), _e("09:10", "update", "u1", touched=True),
              _e("12:00", "update", "u2", note="x")]
    a = _sw("recur sequential")
    assert cycles(a, events, as_of=_at("14:00")) == [(1, "met", "2026-11-02T09:00", "2026-11-02T09:10"),
                                                    (2, "met", "2026-11-02T11:00", "2026-11-02T11:00")]
    second = a.evaluate(events, as_of=_at("14:00")).verdicts[1]
    assert "already held when the cycle opened at the previous deadline, so it was stopped at once" in second.reason
    # as of an instant between the opening and u2: the same, nothing pending
    assert [c[1] for c in cycles(a, events[:2], as_of=_at("11:30"))] == ["met", "met"]
    # touched made false before the deadline: cycle 2 opens and runs (breached at 13:00)
    cleared = events[:2] + [_e("10:00", "update", "u9", touched=False)]
    assert cycles(a, cleared, as_of=_at("14:00"))[1][:2] == (2, "breached")


def test_review26_cw_a_recurred_cycle_is_cancelled_at_once_by_cancel_when():
    """`recur`: the stop c1 sets dq, so cycle 2, opened at c1, is cancelled at once (as a cycle
    a start opens while `cancel when` holds); no breach."""
    a = _sw("recur", "stop on contact_attempt", "  cancel when dq == true\n")
    assert cycles(a, CW_EVENTS, as_of=_at("14:00")) == [(1, "met", "2026-11-02T09:00", "2026-11-02T09:30"),
                                                       (2, "cancelled", "2026-11-02T09:30", "")]
    v = a.evaluate(CW_EVENTS, as_of=_at("14:00")).verdicts[1]
    assert "`cancel when dq == true` already held after event c1" in v.reason


def test_review26_cws_a_cancel_when_at_the_stop_drops_the_sequential_opening():
    """`recur sequential`: `cancel when` holds after the stop's own event, so the opening that
    would wait for 11:00 is dropped (no cycle 2); a `cancel on` matching the stop's own event
    does not drop it (the stop comes first, and the trigger cancels no cycle a start opens)."""
    a = _sw("recur sequential", "stop on contact_attempt", "  cancel when dq == true\n")
    assert cycles(a, CW_EVENTS, as_of=_at("14:00")) == [(1, "met", "2026-11-02T09:00", "2026-11-02T09:30")]
    b = _sw("recur sequential", "stop on contact_attempt", "  cancel on contact_attempt\n")
    assert [c[:2] for c in cycles(b, CW_EVENTS, as_of=_at("14:00"))] == [(1, "met"), (2, "breached")]


def test_review26_breach_when_at_a_recurred_opening_breaches_at_once():
    a = _sw("recur", "stop on contact_attempt", "  breach when lost == true\n")
    events = [_e("09:00", "assigned", "a"), _e("09:30", "contact_attempt", "c1", lost=True)]
    assert cycles(a, events, as_of=_at("14:00")) == [(1, "met", "2026-11-02T09:00", "2026-11-02T09:30"),
                                                    (2, "breached", "2026-11-02T09:30", "")]
    seq = _sw("recur sequential", "stop on contact_attempt", "  breach when lost == true\n")
    assert cycles(seq, events, as_of=_at("14:00"))[1][:3] == (2, "breached", "2026-11-02T11:00")


def test_review26_a_start_at_the_stop_opens_no_second_cycle():
    """An `assigned` event that stops cycle 1 (it sets `touched`) is a start too: the cycle
    `recur` opened there, stopped at once, took the event's opening (no third cycle)."""
    events = [_e("09:00", "assigned", "a"), {**_e("09:10", "assigned", "a2", touched=True), "owner": "bo"}]
    assert [c[:2] for c in cycles(_sw("recur"), events, as_of=_at("14:00"))] == [(1, "met"), (2, "met")]


def _cli_out(args, capsys) -> str:
    main(args)
    return capsys.readouterr().out


def test_review26_explain_at_a_recurred_opening(tmp_path, capsys):
    spec, log = tmp_path / "a.sla", tmp_path / "e.jsonl"
    spec.write_text(SW.replace("RECUR", "recur sequential").replace("STOP", "stop when touched == true")
                    .replace("  CANCEL\n", ""), encoding="utf-8")
    log.write_text("\n".join(json.dumps(e) for e in SW_EVENTS[:2]) + "\n", encoding="utf-8")
    out = _cli_out(["explain", str(spec), str(log), "--lead", "A", "--as-of", _at("10:30")], capsys)
    assert "touch: the next occurrence opens at 2026-11-02 11:00 +00:00, the deadline of cycle 1" in out
    out = _cli_out(["explain", str(spec), str(log), "--lead", "A", "--as-of", _at("14:00")], capsys)
    assert "cycle 2 stopped on time" in out and "already holds as it opens at the previous deadline" in out
    spec.write_text(SW.replace("RECUR", "recur sequential").replace("STOP", "stop on contact_attempt")
                    .replace("  CANCEL\n", "  cancel when dq == true\n"), encoding="utf-8")
    log.write_text("\n".join(json.dumps(e) for e in CW_EVENTS) + "\n", encoding="utf-8")
    out = _cli_out(["explain", str(spec), str(log), "--lead", "A", "--as-of", _at("14:00")], capsys)
    assert "no next occurrence: `cancel when dq == true` holds after this event" in out


def test_review26_explain_says_held_before_not_became_true():
    """`explain` says a `stop when` became true at the closing event only if it did not hold
    before it."""
    from slacode.explain import _because

    class C:                    # the fields `_because` reads
        close_kind, by_when, closed_at, start, close_ref, start_ref, recurred = "stop", True, 2, 1, "x", "s", None

    rp = _sw("recur").plan.rules[0]
    assert "became true at this event" in _because(rp, C())
    assert "as it did before it" in _because(rp, C(), frozenset({"stop"}))


def test_review26_l1_a_stop_at_the_deadline_says_at():
    a = _sw("recur sequential", "stop on contact_attempt")
    events = [_e("09:00", "assigned", "a"), _e("11:00", "contact_attempt", "c1")]
    reason = a.evaluate(events, as_of=_at("14:00")).verdicts[1].reason
    assert "that closed cycle 1, at the previous deadline 2026-11-02 11:00 +00:00" in reason
    late = [_e("09:00", "assigned", "a"), _e("11:30", "contact_attempt", "c1")]
    assert ", after the previous deadline 2026-11-02 11:00" in a.evaluate(late, as_of=_at("14:00")).verdicts[1].reason


def test_review26_m1_diff_pairs_recurred_cycles_by_number():
    """`within 2h` → `3h` under `recur sequential`: cycle 2 opens at the previous deadline, so
    its start moves (11:00 → 12:00); it is breached in both, so no status changes, and both
    due dates move (11:00 → 12:00, 13:00 → 15:00)."""
    from slacode.diff.impact import impact

    old = _sw("recur sequential", "stop on contact_attempt")
    new = _sw("recur sequential", "stop on contact_attempt", within="3h")
    events = [_e("09:00", "assigned", "a"), _e("09:30", "contact_attempt", "c1")]
    got = impact(old, new, events, _at("20:00"))
    assert got.changed == 0
    assert sorted((mv.old_at, mv.new_at) for mv in got.due_moves) == sorted(
        (slacode_us(_at(a)), slacode_us(_at(b))) for a, b in (("11:00", "12:00"), ("13:00", "15:00")))


def slacode_us(text: str) -> int:
    from slacode.evaluate import as_of_us

    return as_of_us(text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 120), st.sampled_from(["set", "clear", "note", "assign", "assign_set"])),
                max_size=12))
def test_recur_with_stop_when_equals_the_plain_rule_plus_an_at_once_cycle(steps):
    """`recur` + `stop when P` against a hand-written reference: the rule without `recur`
    gives the same cycles, except that after each cycle stopped by a later event (P turned
    true) a cycle opens at that event and is stopped at once (P holds there), unless that
    event is a start, whose own cycle (stopped at once too) is then that one."""
    events, minute = [_e("09:00", "assigned", "e0")], 0
    for k, (gap, kind) in enumerate(steps, 1):
        minute += gap
        hhmm = f"{9 + minute // 60:02d}:{minute % 60:02d}"
        fields = {"set": {"touched": True}, "clear": {"touched": False}, "note": {"note": k},
                  "assign": {}, "assign_set": {"touched": True}}[kind]
        e = _e(hhmm, "assigned" if kind.startswith("assign") else "update", f"e{k}", **fields)
        if kind.startswith("assign"):
            e["owner"] = "bo"
        events.append(e)
    as_of = "2026-11-03T12:00:00Z"
    plain = [v.to_dict() for v in _sw("").evaluate(events, as_of=as_of).verdicts]
    expected = []
    for i, v in enumerate(plain):
        expected.append((v["status"], v["started_at"], v["completed_at"]))
        stopper = v["evidence"][-1] if v["completed_at"] and len(v["evidence"]) == 2 else None
        if stopper is not None and not (i + 1 < len(plain) and plain[i + 1]["evidence"][0] == stopper):
            expected.append(("met", v["completed_at"], v["completed_at"]))     # by a later event
    got = [(d["status"], d["started_at"], d["completed_at"])
           for d in (v.to_dict() for v in _sw("recur").evaluate(events, as_of=as_of).verdicts)]
    assert got == expected


# ----------------------------------------------- combined with other features (small27)

RETARGET = HEAD + '''segment hot = score >= 80

deadline touch {
  owner sales
  start on enter working
  stop on contact_attempt
  RECUR
  retarget when segment changes
  within 1d for hot
  within 2d
}
'''


def verdict_rows(text: str, events: list[dict], as_of: str, rule: str = "touch") -> list[tuple]:
    """(cycle, clause, status, started_at, due_at, segment) of each verdict of ``rule``."""
    out = []
    for v in slacode.loads(text).evaluate(events, as_of=as_of).verdicts:
        if v.rule == rule:
            d = v.to_dict()
            out.append((v.cycle, v.clause, v.status, d["started_at"][5:16], (d["due_at"] or "")[5:16], v.segment))
    return out


def test_recur_with_retarget_the_recurred_cycle_is_retargeted_from_its_own_start():
    # cycle 1: 2d from Mon 2nd 09:00, met at 12:00; cycle 2 opens at the stop on 2d (no score
    # yet), due Wed 4th 12:00; the score set on Tue 3rd 10:00 makes it hot: 1d from its own
    # start (Mon 12:00) is Tue 3rd 12:00, still ahead, so it is retargeted and breached then
    events = [working(), ev(2, 12, "contact_attempt"), ev(3, 10, "update", fields={"score": 90})]
    assert verdict_rows(RETARGET.replace("RECUR", "recur"), events, at(4, 0)) == [
        (1, "within", "met", "11-02T09:00", "11-04T09:00", None),
        (2, "within", "breached", "11-02T12:00", "11-03T12:00", "hot")]


def test_recur_picks_the_line_at_its_opening_with_the_stops_own_fields():
    events = [working(), ev(2, 12, "contact_attempt", fields={"score": 90})]
    assert verdict_rows(RETARGET.replace("RECUR", "recur"), events, at(3, 0)) == [
        (1, "within", "met", "11-02T09:00", "11-04T09:00", None),
        (2, "within", "pending", "11-02T12:00", "11-03T12:00", "hot")]


def test_recur_sequential_with_retarget_picks_the_line_at_the_deadline_opening():
    # the score changes while the opening waits (no cycle to retarget); the cycle that opens at
    # cycle 1's deadline (Wed 4th 09:00) reads it: hot, due Thu 5th 09:00
    events = [working(), ev(2, 12, "contact_attempt"), ev(3, 10, "update", fields={"score": 90})]
    assert verdict_rows(RETARGET.replace("RECUR", "recur sequential"), events, at(6, 0)) == [
        (1, "within", "met", "11-02T09:00", "11-04T09:00", None),
        (2, "within", "breached", "11-04T09:00", "11-05T09:00", "hot")]
    # a drop of the score before the opening's deadline is retargeted back while it runs
    events += [ev(4, 12, "update", fields={"score": 10})]
    assert verdict_rows(RETARGET.replace("RECUR", "recur sequential"), events, at(5, 12)) == [
        (1, "within", "met", "11-02T09:00", "11-04T09:00", None),
        (2, "within", "pending", "11-04T09:00", "11-06T09:00", None)]


CHOICE = HEAD + '''segment am = shift == "am"

calendar early {
  timezone "UTC"
  hours mon-fri 08:00-12:00
}

calendar late {
  timezone "UTC"
  hours mon-fri 13:00-17:00
}

calendar desk = early for am, late

deadline touch {
  owner sales
  start on enter working
  stop on contact_attempt
  RECUR
  within 2h on desk
}
'''


def test_recur_with_a_calendar_choice_picks_the_calendar_at_each_opening():
    # Mon 2nd: cycle 1 on `early` (shift am) from 09:00, due 11:00, met at 10:00; the shift
    # turns pm at 10:30. `recur`: cycle 2 opens at the stop (10:00), still am: early, due
    # 12:00, breached. `recur sequential`: it opens at cycle 1's deadline, 11:00, pm: `late`,
    # 2h from 13:00 is 15:00
    events = [ev(2, 9, "state", state="working", fields={"shift": "am"}), ev(2, 10, "contact_attempt"),
              {"lead": "L", "id": "u", "at": "2026-11-02T10:30:00Z", "type": "update", "fields": {"shift": "pm"}}]
    rows = verdict_rows(CHOICE.replace("RECUR", "recur"), events, "2026-11-02T16:00:00Z")
    assert [r[:5] for r in rows] == [(1, "within", "met", "11-02T09:00", "11-02T11:00"),
                                     (2, "within", "breached", "11-02T10:00", "11-02T12:00")]
    rows = verdict_rows(CHOICE.replace("RECUR", "recur sequential"), events, "2026-11-02T16:00:00Z")
    assert [r[:5] for r in rows] == [(1, "within", "met", "11-02T09:00", "11-02T11:00"),
                                     (2, "within", "breached", "11-02T11:00", "11-02T15:00")]


HANDOFF = '''agreement "r" { version "1"; timezone "UTC"; teams marketing }

handoff pass {
  owner marketing
  start on mql_ready
  stop on accepted
  require email
  RECUR
  within 1h
}
'''


def test_recur_in_a_handoff_gives_each_cycle_its_require_verdict():
    # 09:00 start; accepted 09:30 without an email: met on time, require breached; cycle 2
    # opens at 09:30; accepted 10:00 setting the email: met, require met; cycle 3 opens at
    # 10:00 and is pending (both clauses) as of 10:20
    events = [ev(2, 9, "mql_ready"), {"lead": "L", "at": "2026-11-02T09:30:00Z", "type": "accepted"},
              {"lead": "L", "at": "2026-11-02T10:00:00Z", "type": "accepted", "fields": {"email": "a@b.c"}}]
    rows = verdict_rows(HANDOFF.replace("RECUR", "recur"), events, "2026-11-02T10:20:00Z", rule="pass")
    assert sorted(r[:4] for r in rows) == [
        (1, "require", "breached", "11-02T09:00"), (1, "within", "met", "11-02T09:00"),
        (2, "require", "met", "11-02T09:30"), (2, "within", "met", "11-02T09:30"),
        (3, "require", "pending", "11-02T10:00"), (3, "within", "pending", "11-02T10:00")]


def test_recur_sequential_in_a_handoff_ignores_stops_while_the_opening_waits():
    # cycle 1 (due 10:00) accepted at 09:30; the 09:45 accept (with the email) comes before
    # cycle 2 opens at 10:00, so it stops nothing; as of 10:20 cycle 2 is pending; the accept
    # at 10:30 stops it, the email (set at 09:45) present: met and met; cycle 3 opens at
    # cycle 2's deadline, 11:00
    events = [ev(2, 9, "mql_ready"), {"lead": "L", "at": "2026-11-02T09:30:00Z", "type": "accepted"},
              {"lead": "L", "at": "2026-11-02T09:45:00Z", "type": "accepted", "fields": {"email": "a@b.c"}}]
    text = HANDOFF.replace("RECUR", "recur sequential")
    rows = verdict_rows(text, events, "2026-11-02T10:20:00Z", rule="pass")
    assert sorted(r[:4] for r in rows) == [
        (1, "require", "breached", "11-02T09:00"), (1, "within", "met", "11-02T09:00"),
        (2, "require", "pending", "11-02T10:00"), (2, "within", "pending", "11-02T10:00")]
    events.append({"lead": "L", "at": "2026-11-02T10:30:00Z", "type": "accepted"})
    rows = verdict_rows(text, events, "2026-11-02T10:40:00Z", rule="pass")
    assert sorted(r[:4] for r in rows)[2:] == [
        (2, "require", "met", "11-02T10:00"), (2, "within", "met", "11-02T10:00")]    # cycle 3: at 11:00
    rows = verdict_rows(text, events, "2026-11-02T11:00:00Z", rule="pass")
    assert sorted(r[:4] for r in rows)[4:] == [
        (3, "require", "pending", "11-02T11:00"), (3, "within", "pending", "11-02T11:00")]


SUCCESS_OF = HEAD + RULE.replace("RECUR", "recur").replace("  within 2d\n", "  within 1d\n") + '''
deadline follow {
  owner sales
  start on success of touch
  stop on meeting
  within 2h
}
'''


def test_success_of_a_recurring_rule_is_one_event_per_met_cycle():
    # touch 1 (from 09:00) met at 10:00: a success, follow 1 from 10:00, met by the meeting
    # at 11:00; touch 2 (recurred at 10:00) met at 15:00: its own success, follow 2 from
    # 15:00, breached at 17:00; touch 3 recurred at 15:00 is pending
    events = [working(), ev(2, 10, "contact_attempt"), ev(2, 11, "meeting"), ev(2, 15, "contact_attempt")]
    result = slacode.loads(SUCCESS_OF).evaluate(events, as_of=at(3, 12))
    touch = [(v.cycle, v.status, v.to_dict()["started_at"][8:16]) for v in result.verdicts if v.rule == "touch"]
    assert touch == [(1, "met", "02T09:00"), (2, "met", "02T10:00"), (3, "pending", "02T15:00")]
    follow = [v.to_dict() for v in result.verdicts if v.rule == "follow"]
    assert [(v["cycle"], v["status"], v["started_at"][8:16], v["due_at"][8:16]) for v in follow] == [
        (1, "met", "02T10:00", "02T12:00"), (2, "breached", "02T15:00", "02T17:00")]
    assert [v["escalates"]["cycle"] for v in follow] == [1, 2]      # each cites its own touch cycle
    assert "Started by the met touch (cycle 2) at 2026-11-02 15:00 +00:00." in follow[1]["reason"]


def test_success_of_a_sequential_recurring_rule_is_at_each_stop_not_at_the_openings():
    # sequential: touch 2 opens at touch 1's deadline (Tue 3rd 09:00), not at the stop; its
    # success is the contact that stops it (Tue 3rd 12:00), not its opening; touch 3 opens at
    # touch 2's deadline (Wed 4th 09:00), after as_of: no verdict yet
    text = SUCCESS_OF.replace("  recur\n", "  recur sequential\n")
    events = [working(), ev(2, 10, "contact_attempt"), ev(2, 11, "meeting"), ev(2, 15, "contact_attempt"),
              ev(3, 12, "contact_attempt")]
    result = slacode.loads(text).evaluate(events, as_of=at(3, 13))
    touch = [(v.cycle, v.status, v.to_dict()["started_at"][8:16]) for v in result.verdicts if v.rule == "touch"]
    assert touch == [(1, "met", "02T09:00"), (2, "met", "03T09:00")]
    follow = [(v.cycle, v.status, v.to_dict()["started_at"][8:16], v.to_dict()["escalates"]["cycle"])
              for v in result.verdicts if v.rule == "follow"]
    assert follow == [(1, "met", "02T10:00", 1), (2, "pending", "03T12:00", 2)]
