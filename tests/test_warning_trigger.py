"""Escalation on a warning: the trigger `warning of RULE [clause KEY]` (extension,
docs/extensions.md "Escalation on a warning"): the instant a cycle reached its warning
(`warn at P%`, `warn D before`, the earliest of several levels, per target line, moved by
pauses), only while the cycle was open and as of `as_of`; where it stands (start, stop,
cancel, restart, `count`, quotas); lint codes; explain, fmt, diff, due, CSV, schemas; and a
property on random histories against the `warn_at` the evaluator reports."""
from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import slacode
from slacode.cli import main

UTC = timezone.utc
HEAD = '''agreement "warn" { version "1"; timezone "UTC"; teams sales, sales_mgmt, direction }
calendar office {
  timezone "UTC"
  hours mon-fri 09:00-17:00
}
'''
FIRST = '''
deadline first_touch {
  owner sales
  start on assigned
  stop on contact_attempt
  cancel on lost
  restart on requeued
  pause while status == "waiting"
  within 4h on office
  warn at 75%
}
'''
HEADS_UP = '''
deadline manager_heads_up {
  owner sales_mgmt
  start on warning of first_touch
  stop on contact_attempt or reassigned
  within 30m on office
}
'''
SPEC = HEAD + FIRST + HEADS_UP
WARNING = {"rule": "first_touch", "clause": "within", "cycle": 1, "role": "start", "event": "warning"}


def ev(at: str, type_: str, lead: str = "L", **props) -> dict:
    """An event on Monday 2026-11-09 at ``at`` (HH:MM, UTC)."""
    return {"lead": lead, "at": f"2026-11-09T{at}:00Z", "type": type_, "id": f"{lead}-{at}-{type_}", **props}


def verdicts(text: str, events: list, as_of: str = "2026-11-09T16:00:00Z", rule: str | None = None) -> list[dict]:
    result = slacode.loads(text).evaluate(events, as_of=as_of)
    return [v.to_dict() for v in result.verdicts if rule is None or v.rule == rule]


def heads_up(text: str, events: list, as_of: str = "2026-11-09T16:00:00Z") -> list[str]:
    """The start times (HH:MM) of `manager_heads_up`'s cycles."""
    return [v["started_at"][11:16] for v in verdicts(text, events, as_of, "manager_heads_up")]


def errors(text: str) -> list[tuple[str, int, int]]:
    return [(d.code, d.line, d.column) for d in slacode.lint(text) if d.severity == "error"]


# -- the warning instant ----------------------------------------------------------------

def test_a_warning_at_a_share_starts_the_escalation_at_warn_at():
    events = [ev("09:00", "assigned"), ev("12:20", "reassigned")]
    first, manager = verdicts(SPEC, events)
    assert first["status"] == "breached"                    # 13:00 passed without a touch
    assert (manager["status"], manager["started_at"], manager["due_at"]) == (
        "met", "2026-11-09T12:00:00+00:00", "2026-11-09T12:30:00+00:00")
    assert manager["escalates"] == WARNING
    assert manager["evidence"] == ["L-09:00-assigned", "L-12:20-reassigned"]
    assert manager["reason"].endswith("Started by the warning of first_touch (cycle 1) at 2026-11-09 12:00 +00:00.")
    # the open cycle, judged as of the warning's instant, reports that very warn_at
    (open_first,) = verdicts(HEAD + FIRST, events[:1], as_of="2026-11-09T12:00:00Z")
    assert (open_first["status"], open_first["warn_at"]) == ("at_risk", "2026-11-09T12:00:00+00:00")


def test_a_warning_before_the_deadline():
    text = SPEC.replace("warn at 75%", "warn 30m before")
    assert heads_up(text, [ev("09:00", "assigned")]) == ["12:30"]


def test_several_levels_warn_once_at_the_earliest():
    text = SPEC.replace("warn at 75%", "warn at 90%\n  warn 1h before\n  warn at 50%")
    got = verdicts(text, [ev("09:00", "assigned")], rule="manager_heads_up")
    assert [v["started_at"][11:16] for v in got] == ["11:00"]       # 50%: the earliest level
    # the later levels start nothing: one cycle, closed by nothing, breached at 11:30
    assert got[0]["status"] == "breached"


def test_each_cycle_warns_on_its_own_target_line():
    text = HEAD + FIRST.replace("within 4h on office", "within 2h on office for hot\n  within 4h on office") + \
        "segment hot = score >= 80\n" + HEADS_UP
    events = [ev("09:00", "assigned", "cold"), ev("09:00", "assigned", "hot", fields={"score": 90})]
    assert heads_up(text, events[:1]) == ["12:00"]                  # 75% of 4h
    assert heads_up(text, events[1:]) == ["10:30"]                  # 75% of 2h


def test_a_pause_moves_the_warning():
    events = [ev("09:00", "assigned"), ev("10:00", "note", fields={"status": "waiting"}),
              ev("11:00", "note", fields={"status": "open"})]
    assert heads_up(SPEC, events) == ["13:00"]                      # 3h of working time: 09-10, 11-13
    # a pause that holds at as_of: the warning is not reached while the clock stands
    assert heads_up(SPEC, events[:2], as_of="2026-11-09T16:00:00Z") == []


def test_the_calendar_counts_working_time_only():
    # assigned Friday 16:00: 3h of working time is Friday 16-17 and Monday 09-11
    events = [{"lead": "L", "at": "2026-11-06T16:00:00Z", "type": "assigned"}]
    assert heads_up(SPEC, events, as_of="2026-11-09T12:00:00Z") == ["11:00"]


# -- which cycles warn ------------------------------------------------------------------

@pytest.mark.parametrize("close", ["contact_attempt", "lost", "requeued"])
def test_a_cycle_closed_before_its_warning_never_warned(close):
    assert heads_up(SPEC, [ev("09:00", "assigned"), ev("11:59", close)], as_of="2026-11-09T12:10:00Z") == []


@pytest.mark.parametrize("close", ["contact_attempt", "lost", "requeued"])
def test_a_close_at_the_warning_instant_comes_first(close):
    """A real event at the warning's instant is taken before the warning (as a stop at the
    deadline is on time): the cycle closed then never warned."""
    assert heads_up(SPEC, [ev("09:00", "assigned"), ev("12:00", close)], as_of="2026-11-09T12:10:00Z") == []


def test_a_cycle_stopped_after_its_warning_did_warn():
    got = verdicts(SPEC, [ev("09:00", "assigned"), ev("12:10", "contact_attempt")])
    first, manager = got
    assert first["status"] == "met"                                   # the touch was in time
    assert (manager["started_at"], manager["completed_at"], manager["status"]) == (
        "2026-11-09T12:00:00+00:00", "2026-11-09T12:10:00+00:00", "met")


def test_a_breached_cycle_warned_at_warn_at_not_at_its_deadline():
    first, manager = verdicts(SPEC, [ev("09:00", "assigned")])
    assert (first["status"], first["due_at"], first["warn_at"]) == (
        "breached", "2026-11-09T13:00:00+00:00", "2026-11-09T12:00:00+00:00")
    assert manager["started_at"] == "2026-11-09T12:00:00+00:00"
    # a late stop: still one warning, at 12:00
    assert heads_up(SPEC, [ev("09:00", "assigned"), ev("14:00", "contact_attempt")]) == ["12:00"]


def test_only_warnings_as_of_as_of_and_one_at_as_of_counts():
    events = [ev("09:00", "assigned")]
    assert heads_up(SPEC, events, as_of="2026-11-09T11:59:59Z") == []
    # warn_at == as_of is at risk (elapsed >= share), so it has warned
    (first,) = verdicts(HEAD + FIRST, events, as_of="2026-11-09T12:00:00Z")
    assert first["status"] == "at_risk"
    (manager,) = verdicts(SPEC, events, as_of="2026-11-09T12:00:00Z", rule="manager_heads_up")
    assert (manager["started_at"], manager["status"]) == ("2026-11-09T12:00:00+00:00", "pending")


def test_each_restarted_cycle_warns_in_its_turn():
    events = [ev("09:00", "assigned"), ev("12:20", "reassigned"), ev("13:00", "requeued"),
              ev("16:10", "reassigned")]
    got = verdicts(SPEC, events, as_of="2026-11-10T10:00:00Z", rule="manager_heads_up")
    # cycle 2 starts at 13:00: 3h of working time is 16:00
    assert [(v["started_at"][11:16], v["escalates"]["cycle"], v["status"]) for v in got] == [
        ("12:00", 1, "met"), ("16:00", 2, "met")]


def test_no_warn_line_no_warning_and_a_lint_warning():
    text = SPEC.replace("  warn at 75%\n", "")
    assert heads_up(text, [ev("09:00", "assigned")]) == []
    assert [d.code for d in slacode.lint(text) if d.code == "SLA347"] == ["SLA347"]


# -- where it stands --------------------------------------------------------------------

def test_a_chain_warning_then_breach_of_the_escalation():
    text = SPEC + '''
deadline director_review {
  owner direction
  start on breach of manager_heads_up
  stop on director_ack
  within 1h on office
}
'''
    got = verdicts(text, [ev("09:00", "assigned"), ev("13:10", "director_ack")])
    assert [(v["rule"], v["status"], v["started_at"][11:16]) for v in got] == [
        ("first_touch", "breached", "09:00"), ("manager_heads_up", "breached", "12:00"),
        ("director_review", "met", "12:30")]
    assert got[2]["escalates"] == {"rule": "manager_heads_up", "clause": "within", "cycle": 1, "role": "start"}
    assert got[1]["escalates"] == WARNING
    # a touch after the warning but in time for the manager: no breach of the escalation
    assert [v["rule"] for v in verdicts(text, [ev("09:00", "assigned"), ev("12:15", "contact_attempt")])] == [
        "first_touch", "manager_heads_up"]


def test_a_warning_can_stop_cancel_and_restart_another_rule():
    text = HEAD + FIRST + '''
deadline courtesy {
  owner sales
  start on assigned
  stop on warning of first_touch
  within 2h on office
}
deadline prep {
  owner sales
  start on assigned
  cancel on warning of first_touch
  stop on prepared
  within 5h on office
}
deadline watch {
  owner sales_mgmt
  start on assigned
  stop on contact_attempt
  restart on warning of first_touch
  within 8h on office
}
'''
    got = {(v["rule"], v["cycle"]): v for v in verdicts(text, [ev("09:00", "assigned")])}
    courtesy = got[("courtesy", 1)]
    assert (courtesy["status"], courtesy["completed_at"]) == ("breached", "2026-11-09T12:00:00+00:00")
    assert courtesy["escalates"] == {**WARNING, "role": "stop"}
    assert "Stopped by the warning of first_touch (cycle 1) at 2026-11-09 12:00 +00:00." in courtesy["reason"]
    assert got[("prep", 1)]["status"] == "cancelled"
    assert got[("prep", 1)]["escalates"]["role"] == "cancel"
    assert got[("watch", 1)]["status"] == "cancelled" and got[("watch", 1)]["escalates"]["role"] == "restart"
    assert got[("watch", 2)]["started_at"] == "2026-11-09T12:00:00+00:00"
    assert got[("watch", 2)]["escalates"] == WARNING                 # started by it: its start is named


def test_an_attempts_rule_warns_on_at_least_within():
    """`warn` in an `attempts` rule is about `at least N within`: the warning is that
    clause's, and only while it is undecided (its Nth attempt not made yet)."""
    text = HEAD + '''
attempts follow_up {
  owner sales
  start on assigned
  stop on won
  count contact_attempt
  at least 3 within 1d on office
  warn at 50%
}
deadline coach {
  owner sales_mgmt
  start on warning of follow_up
  stop on coached
  within 1h on office
}
'''
    calls = [ev("09:30", "contact_attempt"), ev("10:00", "contact_attempt")]
    got = verdicts(text, [ev("09:00", "assigned"), *calls], rule="coach")
    assert [v["started_at"][11:16] for v in got] == ["13:00"]           # 50% of 8h
    assert got[0]["escalates"] == {**WARNING, "rule": "follow_up", "clause": "at_least_within"}
    # the 3rd attempt before the warning: the clause is met, nothing to warn of
    assert verdicts(text, [ev("09:00", "assigned"), *calls, ev("12:00", "contact_attempt")], rule="coach") == []
    # … or at its very instant (the real event first)
    assert verdicts(text, [ev("09:00", "assigned"), *calls, ev("13:00", "contact_attempt")], rule="coach") == []
    # `clause at_least_within` is the same trigger
    named = text.replace("warning of follow_up", "warning of follow_up clause at_least_within")
    assert [v["started_at"] for v in verdicts(named, [ev("09:00", "assigned"), *calls], rule="coach")] == \
        [got[0]["started_at"]]


def test_warnings_count_as_attempts_and_before_an_at_least():
    text = HEAD + FIRST + '''
attempts nudges {
  owner sales_mgmt
  start on assigned
  stop on won
  count warning of first_touch
  at least 2 within 2d on office
  at least 1 before won
}
'''
    events = [ev("09:00", "assigned"), ev("12:30", "requeued"), ev("16:40", "won")]
    (within, before) = verdicts(text, events, as_of="2026-11-09T17:00:00Z", rule="nudges")
    # warnings at 12:00 (cycle 1) and 15:30 (cycle 2, from 12:30): two attempts
    assert (within["status"], within["completed_at"]) == ("met", "2026-11-09T15:30:00+00:00")
    assert within["evidence"] == ["L-09:00-assigned", "L-12:30-requeued"]      # the warned cycles' starts
    assert before["status"] == "met"


def test_a_quota_counts_warnings_in_the_period_of_the_warning():
    text = SPEC + "quota warned { owner sales_mgmt; count warning of first_touch; at most 1 per day }\n"
    events = [ev("09:00", "assigned", "A"), ev("10:00", "assigned", "B"),
              {"lead": "C", "at": "2026-11-09T16:00:00Z", "type": "assigned"},     # warns Tue 11:00
              ev("09:00", "assigned", "D"), ev("11:00", "contact_attempt", "D")]     # touched in time
    got = [v for v in verdicts(text, events, as_of="2026-11-10T12:00:00Z") if v["rule"] == "warned"]
    assert [(v["period"], v["value"], v["status"]) for v in got] == [
        ("2026-11-09", 2, "breached"), ("2026-11-10", 1, "pending")]      # (the 10th is not over)


def test_an_input_event_typed_like_a_warning_is_no_warning():
    spoof = [ev("09:00", "warning of first_touch clause within")]
    result = slacode.loads(SPEC).evaluate(spoof, as_of="2026-11-09T16:00:00Z")
    assert result.verdicts == []
    (d,) = [d for d in result.diagnostics if d.code == "SLA605"]
    assert "warning of first_touch clause within" in d.message and "warnings" in d.hint


def test_a_warning_is_no_breach_and_a_breach_no_warning():
    """Both triggers on the same rule and clause: two events, at their own instants, the
    warning first."""
    text = HEAD + FIRST + '''
deadline log {
  owner sales_mgmt
  start on warning of first_touch or breach of first_touch
  stop on warning of first_touch or breach of first_touch
  within 8h on office
}
'''
    got = verdicts(text, [ev("09:00", "assigned")], rule="log")
    assert [(v["started_at"][11:16], v["escalates"].get("event", "breach")) for v in got] == [
        ("12:00", "warning"), ("13:00", "breach")]


def test_a_warning_and_a_breach_at_one_instant_come_warning_first():
    """`warn at 100%` warns at the deadline itself: the cycle's warning comes before its
    breach, so `x` (started by the warning, stopped by the breach) closes at once."""
    text = HEAD + FIRST.replace("warn at 75%", "warn at 100%") + '''
deadline x {
  owner sales_mgmt
  start on warning of first_touch
  stop on breach of first_touch
  within 1h
}
'''
    (x,) = verdicts(text, [ev("09:00", "assigned")], rule="x")
    assert (x["started_at"], x["completed_at"], x["status"]) == (
        "2026-11-09T13:00:00+00:00", "2026-11-09T13:00:00+00:00", "met")


# -- the warning is the first instant the cycle is at risk (review 18w) ------------------

RETARGET = HEAD + '''
segment hot = score >= 80
deadline first_touch {
  owner sales
  start on assigned
  stop on contact_attempt
  within 1h on office for hot
  within 4h on office
  warn at 50%
  retarget when segment changes
}
''' + HEADS_UP.replace("within 30m on office", "within 3h on office")


def _scored(at: str, score: int) -> dict:
    return ev(at, "scored", fields={"score": score})


@pytest.mark.parametrize("events, warned", [
    # hot from the start (warning 09:30), cooled at 09:45: the 09:30 warning stays
    ([ev("09:00", "assigned", fields={"score": 90}), _scored("09:45", 10)], "09:30"),
    # cold (warning 11:00), hot at 11:30: the 11:00 warning stays, none moves before it
    ([ev("09:00", "assigned"), _scored("11:30", 90)], "11:00"),
    # cold, hot at 09:40, past the hot line's warning (09:30): at the change, not before it
    ([ev("09:00", "assigned"), _scored("09:40", 90)], "09:40"),
    # cold, hot at 10:30, past the hot deadline too (10:00, breached then): at the change
    ([ev("09:00", "assigned"), _scored("10:30", 90)], "10:30"),
    # cold, hot at 09:20, before the hot line's warning: the hot line's 09:30
    ([ev("09:00", "assigned"), _scored("09:20", 90)], "09:30"),
    # hot, cooled at 09:20 before its warning: the cold line's 11:00
    ([ev("09:00", "assigned", fields={"score": 90}), _scored("09:20", 10)], "11:00"),
])
def test_a_retarget_keeps_a_warning_that_happened_and_never_warns_before_the_change(events, warned):
    for as_of in ("16:00", "12:00"):
        assert heads_up(RETARGET, events, as_of=f"2026-11-09T{as_of}:00Z") == [warned]


def test_with_a_retarget_the_warning_does_not_change_with_as_of():
    """As the review saw it: as of 09:40 the heads-up started at 09:30; a later `as_of`
    must not move it (it moved to 11:00 when the lead cooled at 09:45)."""
    events = [ev("09:00", "assigned", fields={"score": 90}), _scored("09:45", 10)]
    seen = {at: heads_up(RETARGET, [e for e in events if e["at"] <= f"2026-11-09T{at}:00Z"],
                         as_of=f"2026-11-09T{at}:00Z") for at in ("09:29", "09:30", "09:40", "09:45", "16:00")}
    assert seen == {"09:29": [], "09:30": ["09:30"], "09:40": ["09:30"], "09:45": ["09:30"], "16:00": ["09:30"]}


def test_a_pause_that_starts_at_the_warning_instant_holds_the_warning():
    """As of 12:00 the cycle is `paused`, not `at_risk`: no warning then; it warns when the
    clock runs again (and not while the pause lasts)."""
    waiting = ev("12:00", "note", fields={"status": "waiting"})
    (first,) = verdicts(HEAD + FIRST, [ev("09:00", "assigned"), waiting], as_of="2026-11-09T12:00:00Z")
    assert first["status"] == "paused"
    assert heads_up(SPEC, [ev("09:00", "assigned"), waiting], as_of="2026-11-09T12:00:00Z") == []
    assert heads_up(SPEC, [ev("09:00", "assigned"), waiting]) == []
    resumed = ev("12:30", "note", fields={"status": "open"})
    assert heads_up(SPEC, [ev("09:00", "assigned"), waiting, resumed]) == ["12:30"]
    # … unless the cycle closed meanwhile
    assert heads_up(SPEC, [ev("09:00", "assigned"), waiting, ev("12:10", "contact_attempt"), resumed]) == []


OTHER = '''
deadline other {
  owner sales
  start on assigned
  stop on contact_attempt
  within 3h on office
}
'''


@pytest.mark.parametrize("order", ["first_touch first", "other first"])
def test_a_close_at_the_warning_instant_by_a_deadline_breach_does_not_prevent_the_warning(order):
    """`first_touch` warns at 12:00 and is stopped at 12:00 by the breach of `other`, due
    then. As of 12:00 that breach has not happened (a deadline equal to as_of is not yet
    breached), so the cycle is open and at risk: it warns, whatever the order of the rules,
    and the heads-up found as of 12:00 is still there as of 12:00:01."""
    first = FIRST.replace("stop on contact_attempt", "stop on contact_attempt or breach of other")
    text = HEAD + (first + OTHER if order == "first_touch first" else OTHER + first) + HEADS_UP
    events = [ev("09:00", "assigned")]
    for as_of in ("2026-11-09T12:00:00Z", "2026-11-09T12:00:01Z", "2026-11-09T16:00:00Z"):
        assert heads_up(text, events, as_of=as_of) == ["12:00"], as_of
    got = {v["rule"]: v for v in verdicts(text, events)}
    assert got["first_touch"]["completed_at"] == "2026-11-09T12:00:00+00:00"
    assert got["first_touch"]["escalates"]["role"] == "stop"


def test_a_close_at_the_warning_instant_by_what_has_happened_then_prevents_it():
    """A close at 12:00 by the breach of a `require` (decided by the 12:00 handoff, so a
    breach as of 12:00), or by a warning at 12:00, comes before the warning: no heads-up."""
    handoff = '''
handoff other {
  owner sales
  start on assigned
  stop on handed_off
  within 8h on office
  require email
}
'''
    first = FIRST.replace("stop on contact_attempt", "stop on contact_attempt or breach of other clause require")
    text = HEAD + first + handoff + HEADS_UP
    assert heads_up(text, [ev("09:00", "assigned"), ev("12:00", "handed_off")]) == []
    assert heads_up(text, [ev("09:00", "assigned"), ev("12:01", "handed_off")]) == ["12:00"]
    by_warning = HEAD + FIRST.replace("stop on contact_attempt", "stop on contact_attempt or warning of other") + \
        OTHER.replace("within 3h on office", "within 4h on office\n  warn at 75%") + HEADS_UP
    assert heads_up(by_warning, [ev("09:00", "assigned")]) == []


def test_a_resume_and_a_deadline_breach_closing_at_the_same_instant():
    """The warning held by a pause from 12:00: a resume at 12:30 and a stop by `other`'s
    breach due at 12:30 — as of 12:30 the cycle runs again and is open, so it warns then;
    still paused when that breach closed it, it never warned."""
    first = FIRST.replace("stop on contact_attempt", "stop on contact_attempt or breach of other")
    text = HEAD + first + OTHER.replace("within 3h on office", "within 210m on office") + HEADS_UP
    waiting = ev("12:00", "note", fields={"status": "waiting"})
    resumed = ev("12:30", "note", fields={"status": "open"})
    assert heads_up(text, [ev("09:00", "assigned"), waiting, resumed]) == ["12:30"]
    assert heads_up(text, [ev("09:00", "assigned"), waiting]) == []


@pytest.mark.parametrize("warn", ["warn at 0%", "warn 2h before"])
def test_a_cycle_opened_by_a_breach_warns_after_it(tmp_path, capsys, warn):
    """`mh` (first in the file) opens on the breach of `x` at 10:00 and is at risk from its
    start: its warning comes at 10:00, after the breach that opened the cycle (cause before
    effect), in the verdicts and in explain's timeline."""
    text = '''agreement "o" { version "1"; timezone "UTC"; teams sales }
deadline mh {
  owner sales
  start on breach of x
  stop on done
  within 1h
  WARN
}
deadline x {
  owner sales
  start on assigned
  stop on call
  within 1h
}
deadline z {
  owner sales
  start on warning of mh
  stop on done
  within 1h
}
'''.replace("WARN", warn)
    events = [ev("09:00", "assigned", "a")]
    got = {v["rule"]: v for v in verdicts(text, events, as_of="2026-11-09T12:00:00Z")}
    assert got["mh"]["started_at"] == got["z"]["started_at"] == "2026-11-09T10:00:00+00:00"
    assert got["z"]["escalates"]["event"] == "warning"
    # as of 10:00 the breach of x has not happened: neither has mh, nor its warning
    assert [v["rule"] for v in verdicts(text, events, as_of="2026-11-09T10:00:00Z")] == ["x"]
    spec, log = tmp_path / "o.sla", tmp_path / "o.jsonl"
    spec.write_text(text)
    log.write_text(json.dumps(events[0]) + "\n")
    main(["explain", str(spec), str(log), "--lead", "a", "--as-of", "2026-11-09T12:00:00Z"])
    out = capsys.readouterr().out
    assert out.index("BREACH of x.within") < out.index("mh: cycle 1 opens") < out.index("WARNING of mh.within") \
        < out.index("z: cycle 1 opens")


def test_records_that_happen_only_after_their_instant_come_after_those_that_happen_at_it():
    """`log` starts on the warning of `first_touch` or the breach of `other`, both at 12:00:
    the warning has happened as of 12:00, the deadline's breach only after it, so the
    warning starts `log` whatever the order of the rules in the file — as of 12:00 and
    later alike."""
    text = HEAD + OTHER + FIRST + '''
deadline log {
  owner sales_mgmt
  start on breach of other or warning of first_touch
  stop on done
  within 8h on office
}
'''
    for as_of in ("2026-11-09T12:00:00Z", "2026-11-09T16:00:00Z"):
        (log,) = verdicts(text, [ev("09:00", "assigned")], as_of=as_of, rule="log")
        assert log["escalates"]["rule"] == "first_touch" and log["escalates"]["event"] == "warning", as_of


def test_a_breach_decided_by_a_deadline_breach_also_happens_only_after_its_instant():
    """`touches` counts the breach of `x` (due 10:00): its cap is broken at 10:00 by that
    breach, so only after 10:00 too — after the warning of `ft` at 10:00, which starts `r`
    as of 10:00 and later alike."""
    text = '''agreement "o" { version "1"; timezone "UTC"; teams sales }
deadline x {
  owner sales
  start on assigned
  stop on done
  within 1h
}
attempts touches {
  owner sales
  start on assigned
  stop on won
  count call or breach of x
  at most 1 per cycle
}
deadline ft {
  owner sales
  start on assigned
  stop on done
  within 2h
  warn at 50%
}
deadline r {
  owner sales
  start on breach of touches clause at_most_per_cycle or warning of ft
  stop on done
  within 8h
}
'''
    events = [ev("09:00", "assigned"), ev("09:30", "call")]
    for as_of in ("2026-11-09T10:00:00Z", "2026-11-09T16:00:00Z"):
        (r,) = verdicts(text, events, as_of=as_of, rule="r")
        assert (r["escalates"]["rule"], r["escalates"].get("event")) == ("ft", "warning"), as_of
    (cap,) = [v for v in verdicts(text, events, rule="touches") if v["clause"] == "at_most_per_cycle"]
    assert cap["status"] == "breached"


def test_a_counted_warning_is_named_as_the_warning_it_is():
    text = HEAD + FIRST + '''
attempts nudges {
  owner sales_mgmt
  start on assigned
  stop on won
  count contact_attempt or warning of first_touch
  at least 2 within 8h on office
  first where channel == "phone"
}
'''
    (_, first) = verdicts(text, [ev("09:00", "assigned")], rule="nudges")
    assert first["status"] == "breached"
    assert first["reason"] == ("The first attempt (the warning of first_touch (cycle 1) at 2026-11-09 12:00 "
                               "+00:00) was not as required: `first where channel == \"phone\"`.")
    assert first["evidence"] == ["L-09:00-assigned"]                 # evidence: the warned cycle's start
    # counted by a cycle it also closes, it is named so too
    stopped = text.replace("stop on won", "stop on won or warning of first_touch")
    (_, first) = verdicts(stopped, [ev("09:00", "assigned")], rule="nudges")
    assert "(the warning of first_touch (cycle 1) at 2026-11-09 12:00 +00:00)" in first["reason"]


def test_a_loop_through_warnings_and_attempts_says_what_it_waits_for():
    text = '''agreement "t" { version "1"; timezone "UTC"; teams sales }
attempts a {
  owner sales
  start on warning of b
  stop on won
  count call
  at least 3 within 4h
}
deadline b {
  owner sales
  start on 2nd attempt of a
  stop on won
  within 4h
  warn at 50%
}
'''
    (d,) = [d for d in slacode.lint(text) if d.code == "SLA345"]
    assert d.message == "`a` waits for its own 2nd attempt: `a` on the warning of `b` on the 2nd attempt of `a`"
    assert "fresh clock" not in d.hint and "`Nth attempt of a`" in d.hint
    own = HEAD + FIRST.replace("restart on requeued", "restart on warning of first_touch")
    (d,) = [d for d in slacode.lint(own) if d.code == "SLA345"]
    assert "breached" not in d.hint and "fresh clock" not in d.hint
    assert "start another rule on it (`start on warning of first_touch`" in d.hint
    both = HEAD + FIRST.replace("stop on contact_attempt", "stop on contact_attempt or breach of manager_heads_up") + \
        HEADS_UP.replace("stop on contact_attempt or reassigned",
                         "stop on contact_attempt or reassigned or breach of first_touch")
    messages = sorted(d.message for d in slacode.lint(both) if d.code == "SLA345")
    assert any("on the breach or the warning of `first_touch`" in m for m in messages), messages


def test_sla346_without_a_warn_line_does_not_suggest_a_warning_that_never_fires():
    text = HEAD + FIRST.replace("deadline first_touch", "handoff first_touch").replace(
        "within 4h on office", "within 4h on office\n  require phone").replace("  warn at 75%\n", "") + \
        HEADS_UP.replace("warning of first_touch", "warning of first_touch clause require")
    (d,) = [d for d in slacode.lint(text) if d.code == "SLA346"]
    assert "`breach of first_touch clause require`" in d.hint
    assert "has no `warn` line" in d.hint and "write `warning of first_touch`" not in d.hint


@pytest.mark.parametrize("typed", ["warning of first_touch", "breach of first_touch"])
def test_an_input_event_typed_as_the_trigger_is_written_gets_sla605(typed):
    text = SPEC + HEADS_UP.replace("manager_heads_up", "breach_desk").replace("warning of", "breach of")
    result = slacode.loads(text).evaluate([ev("09:00", "assigned"), ev("09:10", typed)], as_of="2026-11-09T16:00:00Z")
    (d,) = [d for d in result.diagnostics if d.code == "SLA605"]
    assert f"that is what the trigger `{typed}` matches" in d.message
    # a clause that is not the default one is written with its `clause`: the short form is no such trigger
    other = text.replace("breach of first_touch", "breach of first_touch clause within")
    assert [d.code for d in slacode.loads(other).evaluate([ev("09:00", "assigned"), ev("09:10", "breach of x")],
                                                          as_of="2026-11-09T16:00:00Z").diagnostics
            if d.code == "SLA605"] == []


@pytest.mark.parametrize("trigger", ["warning of first_touch", "warning of first_touch clause within"])
def test_a_warning_after_a_where_gets_the_parentheses_hint(trigger):
    text = SPEC.replace("start on warning of first_touch", f"start on deal where amount > 1 or {trigger}")
    (d,) = [d for d in slacode.lint(text) if d.severity == "error"]
    assert d.code == "SLA101" and "runs to the end of the clause" in d.hint
    assert f"`deal where (amount > 1) or {trigger}`" in d.hint


def test_warn_before_can_warn_at_the_previous_working_day_close():
    """`warn 2h before` a deadline at Tuesday 11:00 (09:00-17:00): 2h of working time are
    left from Monday 17:00 on, so the warning comes then, not at Tuesday's opening."""
    text = SPEC.replace("warn at 75%", "warn 2h before")
    events = [ev("15:00", "assigned")]
    assert heads_up(text, events, as_of="2026-11-10T12:00:00Z") == ["17:00"]
    assert heads_up(text, events, as_of="2026-11-09T16:59:59Z") == []


# -- lint -------------------------------------------------------------------------------

def test_the_trigger_parses_fmt_keeps_it_and_stays_an_event_type():
    text = SPEC.replace("start on warning of first_touch",
                        "start on warning of first_touch clause within or escalate_now")
    assert errors(text) == []
    out = slacode.format(text)
    assert "start on warning of first_touch clause within or escalate_now" in out
    assert slacode.format(out) == out
    (t, other) = slacode.loads(out).rule("manager_heads_up").triggers("start_on")
    assert (t.warning[0].value, t.warning[1].value, t.breach) == ("first_touch", "within", None)
    assert other.warning is None and other.type.value == "escalate_now"
    # `warning` alone is still an event type
    plain = HEAD + FIRST.replace("stop on contact_attempt", "stop on contact_attempt or warning")
    assert errors(plain) == []
    (v,) = verdicts(plain, [ev("09:00", "assigned"), ev("09:30", "warning")])
    assert v["status"] == "met"


def test_unknown_rule_and_clause():
    bad = SPEC.replace("warning of first_touch", "warning of frist_touch")
    (d,) = [d for d in slacode.lint(bad) if d.severity == "error"]
    assert (d.code, d.line, d.column) == ("SLA210", 20, 23) and "did you mean `first_touch`?" in d.hint
    assert errors(SPEC.replace("warning of first_touch", "warning of first_touch clause gap")) == [("SLA211", 20, 42)]
    quota = SPEC + "quota q { owner sales; count assigned; at most 3 per month }\n"
    assert [c for c, _, _ in errors(quota.replace("warning of first_touch", "warning of q"))] == ["SLA210"]


def test_a_clause_without_warnings_is_sla346():
    text = HEAD + FIRST.replace("deadline first_touch", "handoff first_touch").replace(
        "within 4h on office", "within 4h on office\n  require phone") + HEADS_UP
    assert errors(text) == []
    bad = text.replace("warning of first_touch", "warning of first_touch clause require")
    (d,) = [d for d in slacode.lint(bad) if d.severity == "error"]
    assert (d.code, d.line, d.column) == ("SLA346", 21, 42)
    assert "`breach of first_touch clause require`" in d.hint and "`warning of first_touch`" in d.hint


def test_an_attempts_rule_without_at_least_within_has_nothing_to_warn_of():
    text = HEAD + '''
attempts cadence {
  owner sales
  start on assigned
  stop on won
  gap at least 1h
}
''' + HEADS_UP.replace("warning of first_touch", "warning of cadence")
    (d,) = [d for d in slacode.lint(text) if d.severity == "error"]
    assert d.code == "SLA211" and "at least … within" in d.hint
    assert [c for c, _, _ in errors(text.replace("warning of cadence", "warning of cadence clause gap"))] == ["SLA346"]


def test_loops_through_warnings_are_refused():
    own = HEAD + FIRST.replace("restart on requeued", "restart on warning of first_touch")
    (d,) = [d for d in slacode.lint(own) if d.severity == "error"]
    assert d.code == "SLA345" and "waits for its own warning" in d.message
    mixed = HEAD + FIRST.replace("stop on contact_attempt", "stop on breach of manager_heads_up") + HEADS_UP
    found = [d for d in slacode.lint(mixed) if d.severity == "error"]
    assert [d.code for d in found] == ["SLA345", "SLA345"]
    assert "on the warning of `first_touch`" in found[0].message + found[1].message
    assert errors(SPEC) == []                                          # a chain is no loop


#: an `attempts` rule whose `at least 1 before` names its own warning (review: SLA345 refused it)
OWN_BEFORE = HEAD + '''
attempts fu {
  owner sales
  start on assigned
  stop on won
  count contact_attempt
  at least 2 within 4h on office
  warn at 50%
  at least 1 before warning of fu
}
'''


def _fu(text: str, events: list, as_of: str) -> list[tuple]:
    return [(v["clause"], v["status"], v["completed_at"])
            for v in verdicts(text, events, as_of=f"2026-11-09T{as_of}:00Z", rule="fu")]


@pytest.mark.parametrize("calls, as_of, before", [
    (["10:00"], "10:59", ("pending", None)),                               # warns at 11:00, not yet
    (["10:00"], "11:00", ("met", "2026-11-09T11:00:00+00:00")),            # one attempt before it
    ([], "11:00", ("breached", "2026-11-09T11:00:00+00:00")),              # none
    (["11:00"], "16:00", ("met", "2026-11-09T11:00:00+00:00")),            # a real one at 11:00 comes first
    (["09:30", "10:00"], "16:00", ("pending", None)),                      # met by 10:00: never warned
])
def test_an_at_least_before_may_wait_for_the_rules_own_warning(calls, as_of, before):
    assert errors(OWN_BEFORE) == []
    events = [ev("09:00", "assigned"), *(ev(c, "contact_attempt") for c in calls)]
    within, got = _fu(OWN_BEFORE, events, as_of)
    assert got == ("at_least_before", *before)
    assert within[0] == "at_least_within"


def test_an_at_least_before_may_wait_for_the_rules_own_breach_of_another_clause():
    text = OWN_BEFORE.replace("warning of fu", "breach of fu")      # its at_least_within, due 13:00
    assert errors(text) == []
    events = [ev("09:00", "assigned"), ev("10:00", "contact_attempt")]
    assert _fu(text, events, "13:00")[1] == ("at_least_before", "pending", None)   # due 13:00: not yet breached
    assert _fu(text, events, "13:01") == [("at_least_within", "breached", None),
                                          ("at_least_before", "met", "2026-11-09T13:00:00+00:00")]


def test_a_chain_through_own_at_least_before_clauses_settles():
    """Each rule adds a link of its own (its warning, then its `at least 1 before` on it,
    whose breach starts the next): the folds settle past `len(rules) + 1` refolds."""
    def fu(name: str, start: str) -> str:
        return OWN_BEFORE.replace(HEAD, "").replace("attempts fu", f"attempts {name}").replace(
            "warning of fu", f"warning of {name}").replace("start on assigned", f"start on {start}").replace(
            "within 4h", "within 1h")

    text = HEAD + fu("a", "assigned") + "".join(
        fu(b, f"breach of {a} clause at_least_before") for a, b in zip("abc", "bcd"))
    assert errors(text) == []
    got = [(v["rule"], v["started_at"][11:16], v["completed_at"][11:16])
           for v in verdicts(text, [ev("09:00", "assigned")]) if v["clause"] == "at_least_before"]
    assert got == [("a", "09:00", "09:30"), ("b", "09:30", "10:00"), ("c", "10:00", "10:30"),
                   ("d", "10:30", "11:00")]


@pytest.mark.parametrize("old, new", [
    ("warning of fu", "breach of fu clause at_least_before"),   # its own verdict's instant: a loop
    ("stop on won", "stop on won or warning of fu"),
    ("count contact_attempt", "count contact_attempt or warning of fu"),
    ("start on assigned", "start on assigned or breach of fu"),
])
def test_real_loops_on_a_rules_own_warning_or_breach_are_still_refused(old, new):
    assert [c for c, _, _ in errors(OWN_BEFORE.replace(old, new))] == ["SLA345"]


def test_a_loop_that_slips_past_the_checks_is_an_internal_error():
    from slacode.api import analyse
    from slacode.escalate import EscalationLoopError
    from slacode.evaluate import evaluate

    agreement, diags = analyse(HEAD + FIRST.replace("restart on requeued", "restart on warning of first_touch"))
    assert "SLA345" in [d.code for d in diags]
    with pytest.raises(EscalationLoopError, match="`first_touch`"):
        evaluate(agreement, [ev("09:00", "assigned")], as_of="2026-11-10T16:00:00Z")


def test_a_sum_of_warnings_adds_nothing():
    text = SPEC + "quota q { owner sales; sum amount of warning of first_touch; at most 3 per month }\n"
    (d,) = [d for d in slacode.lint(text) if d.severity == "error"]
    assert d.code == "SLA360" and "a warning has no properties" in d.message


@pytest.mark.parametrize("line, col, says", [
    ("start when warning of first_touch", 22, "is a trigger, not a condition"),
    ("start on warning of first_touch.within", 34, "`warning of first_touch clause within`"),
    ("start on warning of first_touch clause", 41, "clauses with warnings"),
    ("start on warning of first_touch where x == 1", 35, "a warning has no properties"),
])
def test_a_warning_written_otherwise_gets_a_hint(line, col, says):
    text = SPEC.replace("start on warning of first_touch", line)
    (d,) = [d for d in slacode.lint(text) if d.severity == "error"]
    assert (d.code, d.line, d.column) == ("SLA101", 20, col)
    assert says in d.hint


# -- outputs ----------------------------------------------------------------------------

def test_explain_shows_the_virtual_warning(tmp_path, capsys):
    spec, events = tmp_path / "a.sla", tmp_path / "e.jsonl"
    spec.write_text(SPEC.replace("start on warning of first_touch", "start on warning of first_touch clause within"))
    events.write_text("\n".join(json.dumps(e) for e in [ev("09:00", "assigned"), ev("12:20", "reassigned")]) + "\n")
    assert main(["explain", str(spec), str(events), "--lead", "L", "--as-of", "2026-11-09T16:00:00Z"]) == 0
    out = capsys.readouterr().out
    line = next(ln for ln in out.splitlines() if "WARNING" in ln)
    assert line.startswith("2026-11-09 12:00")
    assert line.endswith("WARNING of first_touch.within, cycle 1  (virtual: not an input event; "
                         "the trigger `warning of first_touch`)")             # the default clause, unnamed
    assert out.index("WARNING") < out.index("manager_heads_up: cycle 1 opens") < out.index("12:20")
    assert "Started by the warning of first_touch (cycle 1)" in out


def test_explain_says_when_a_warning_start_is_ignored(tmp_path, capsys):
    spec, events = tmp_path / "a.sla", tmp_path / "e.jsonl"
    spec.write_text(SPEC.replace("within 30m on office\n}", "within 8h on office\n}"))
    events.write_text("\n".join(json.dumps(e) for e in [ev("09:00", "assigned"), ev("12:30", "requeued")]) + "\n")
    main(["explain", str(spec), str(events), "--lead", "L", "--as-of", "2026-11-09T16:00:00Z"])
    out = capsys.readouterr().out
    assert "WARNING of first_touch.within, cycle 2" in out
    assert "manager_heads_up: start ignored, cycle 1 still open" in out


def test_diff_says_same_meaning_for_the_default_clause_and_names_a_change(tmp_path, capsys):
    old, new = tmp_path / "old.sla", tmp_path / "new.sla"
    old.write_text(SPEC)
    new.write_text(SPEC.replace("warning of first_touch", "warning of first_touch clause within"))
    assert main(["diff", str(old), str(new)]) == 0
    assert "same meaning" in capsys.readouterr().out
    new.write_text(SPEC.replace("warning of first_touch", "breach of first_touch"))
    assert main(["diff", str(old), str(new)]) == 1
    out = capsys.readouterr().out
    assert "warning of first_touch" in out and "breach of first_touch" in out


def test_csv_json_and_schema(tmp_path, capsys):
    from tests.test_schemas import validator

    spec, events = tmp_path / "a.sla", tmp_path / "e.jsonl"
    spec.write_text(SPEC)
    events.write_text(json.dumps(ev("09:00", "assigned")) + "\n")
    main(["check", str(spec), str(events), "--as-of", "2026-11-09T12:10:00Z", "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows[1]["escalates"] == ('{"rule":"first_touch","clause":"within","cycle":1,"role":"start",'
                                    '"event":"warning"}')
    assert rows[0]["escalates"] == ""
    main(["check", str(spec), str(events), "--as-of", "2026-11-09T12:10:00Z", "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    check = validator("verdicts", "")
    assert doc["verdicts"][1]["escalates"] == WARNING and check.is_valid(doc)
    doc["verdicts"][1]["escalates"]["event"] = "breach"             # a breach's key has no `event`
    assert not check.is_valid(doc)


def test_a_test_block_checks_a_warning_escalation(tmp_path):
    spec = tmp_path / "a.sla"
    spec.write_text(SPEC + '''
test "the manager hears of it at 75%" {
  as of 2026-11-09T16:00:00Z
  at 2026-11-09T09:00:00Z assigned
  at 2026-11-09T12:20:00Z reassigned
  expect first_touch breached
  expect manager_heads_up cycle 1 met due 2026-11-09T12:30:00Z
}
''')
    assert main(["test", str(spec)]) == 0


def test_due_names_the_rules_a_warning_would_start(tmp_path, capsys):
    from tests.test_schemas import validator

    spec, events = tmp_path / "a.sla", tmp_path / "e.jsonl"
    spec.write_text(SPEC + HEADS_UP.replace("manager_heads_up", "breach_desk").replace("warning of", "breach of"))
    events.write_text("\n".join(json.dumps(e) for e in [ev("09:00", "assigned", "A"), ev("11:30", "assigned", "B")])
                      + "\n")
    assert main(["due", str(spec), str(events), "--as-of", "2026-11-09T12:10:00Z", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert validator("due", "").is_valid(doc)
    got = {(d["lead"], d["rule"]): (d.get("warns_to"), d.get("escalates_to")) for d in doc["due"]}
    # A warned at 12:00 (its escalation is open); B warns at 14:30, its breach at 15:30
    assert got[("A", "first_touch")] == (None, ["breach_desk"])
    assert got[("B", "first_touch")] == (["manager_heads_up"], ["breach_desk"])
    main(["due", str(spec), str(events), "--as-of", "2026-11-09T12:10:00Z"])
    table = capsys.readouterr().out.splitlines()
    assert table[0].rstrip().endswith("warns to")
    assert next(r for r in table if " B " in r).rstrip().endswith("manager_heads_up")


def test_due_names_no_warning_the_cycle_already_had_on_an_earlier_line():
    """Hot from 09:00 (warned 09:30, on the hot line), the heads-up stopped at 09:40, cooled at
    09:45: as of 09:50 the cold line's `warn_at` (11:00) is ahead, but the cycle has warned
    and will not again, so `warns_to` is empty (the heads-up is closed, so it would say so)."""
    events = [ev("09:00", "assigned", fields={"score": 90}), ev("09:40", "reassigned"), _scored("09:45", 10)]
    spec = slacode.loads(RETARGET)
    (d,) = [d for d in spec.upcoming(events, as_of="2026-11-09T09:50:00Z") if d.rule == "first_touch"]
    assert (d.status, d.warn_at.strftime("%H:%M"), d.next) == ("pending", "11:00", "warn")
    assert d.warns_to == ()
    assert heads_up(RETARGET, events, as_of="2026-11-09T09:50:00Z") == ["09:30"]
    # not yet warned (cold from the start, hot at 09:20 before the hot line's 09:30): it will
    events = [ev("09:00", "assigned"), _scored("09:20", 90)]
    (d,) = [d for d in spec.upcoming(events, as_of="2026-11-09T09:25:00Z") if d.rule == "first_touch"]
    assert (d.warn_at.strftime("%H:%M"), d.warns_to) == ("09:30", ("manager_heads_up",))


# -- a property on random histories ---------------------------------------------------

LOG = '''
deadline warn_log {
  owner sales_mgmt
  stop on warning of first_touch
  start on warning of first_touch
  within 8h on office
}
'''
#: `first_touch` with two lines it retargets between (warning after 45m hot, 90m cold), a
#: pause, a cancel, a restart, and a stop by the breach of `other`, due 90m of working time
#: after its own start (often the very instant of the cold line's warning)
RANDOM = HEAD + '''
segment hot = score >= 80
deadline first_touch {
  owner sales
  start on assigned
  stop on contact_attempt or breach of other
  cancel on lost
  restart on requeued
  pause while status == "waiting"
  within 1h on office for hot
  within 2h on office
  warn at 75%
  retarget when segment changes
}
deadline other {
  owner sales
  start on assigned
  stop on contact_attempt
  within 90m on office
}
'''
_TYPES = ["assigned", "assigned", "contact_attempt", "requeued", "lost", "waiting", "resumed", "hot", "cold",
          "note"]


def _events(history) -> list[dict]:
    base = datetime(2026, 11, 9, 8, tzinfo=UTC)
    out = []
    for i, (minute, kind) in enumerate(history):
        e = {"lead": "L", "at": (base + timedelta(minutes=minute)).isoformat(), "type": kind, "id": f"e{i}"}
        if kind in ("waiting", "resumed"):
            e["fields"] = {"status": "waiting" if kind == "waiting" else "open"}
        elif kind in ("hot", "cold"):
            e["fields"] = {"score": 90 if kind == "hot" else 10}
        out.append(e)
    return out


def _us(text: str) -> int:
    return int(datetime.fromisoformat(text).timestamp() * 1_000_000)


def _when(us: int) -> datetime:
    return datetime(1970, 1, 1, tzinfo=UTC) + timedelta(microseconds=us)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 600), st.sampled_from(_TYPES)), max_size=12),
       st.integers(0, 700), st.sampled_from(["warn at 75%", "warn 30m before", "warn at 100%", "warn at 0%",
                                             "warn at 90%, 50%"]))
@example(history=[(0, "assigned"), (1, "resumed"), (121, "hot"), (0, "waiting")], cut=121, warn="warn at 75%")
def test_the_warning_is_the_first_instant_the_cycle_is_at_risk(history, cut, warn):
    """The principle, checked directly: a cycle of `first_touch` warns (`warn_log` gets a
    cycle per warning) at the first instant ``t <= as_of`` at which `first_touch`, judged
    as of ``t`` alone (`check --as-of t`), has passed its warning — `at_risk`, or open and
    breached while its clock runs (a retarget to a line already past its deadline) —, and
    never when there is no such instant. The candidate instants: the events', every
    `warn_at` and `due_at` any of those judgements reports, and the instants just after
    them (the status changes only at those). Warning levels of several kinds, `warn at 0%`
    and `warn at 100%` (at the deadline, at risk as of it) included."""
    events = _events(history)
    base = datetime(2026, 11, 9, 8, tzinfo=UTC)
    as_of = _us((base + timedelta(minutes=cut)).isoformat())
    text = RANDOM.replace("warn at 75%", warn)
    got = slacode.loads(text + LOG).evaluate(events, as_of=_when(as_of)).verdicts
    warned = {v.escalates["cycle"]: v.started_at for v in got if v.rule == "warn_log"}
    assert all(v.escalates["event"] == "warning" for v in got if v.rule == "warn_log")
    alone = slacode.loads(text)
    judged: dict[int, dict] = {}

    def judge(t: int) -> dict:
        if t not in judged:
            judged[t] = {v.cycle: v for v in alone.evaluate(events, as_of=_when(t)).verdicts
                         if v.rule == "first_touch"}
        return judged[t]

    candidates = set()
    for t in sorted({_us(e["at"]) for e in events} | {as_of}):
        if t <= as_of:
            candidates.add(t)
            for v in judge(t).values():
                candidates.update(x for x in (v.warn_at, v.due_at) if x is not None)
    candidates |= {t + 1 for t in candidates}

    def paused(t: int) -> bool:
        said = [e["type"] for e in sorted(events, key=lambda e: _us(e["at"]))     # time order (stable: input
                if _us(e["at"]) <= t and e["type"] in ("waiting", "resumed")]       # order at one instant)
        return bool(said) and said[-1] == "waiting"

    def passed(v, t: int) -> bool:
        if v.status == "at_risk":
            return True
        return v.status == "breached" and v.reason.startswith("Not done") and not paused(t)

    cycles = judge(as_of)
    for number, cyc in cycles.items():
        first = next((t for t in sorted(candidates) if cyc.started_at <= t <= as_of
                      and number in judge(t) and passed(judge(t)[number], t)), None)
        assert warned.get(number) == first, (number, warned, first)
    assert set(warned) <= set(cycles)


def test_sla607_at_a_warning_says_the_warning_comes_after_the_events_of_its_instant():
    text = HEAD + FIRST + '''
deadline chase {
  owner sales_mgmt
  start on warning of first_touch
  stop on reassigned
  within 1h on office
}
'''
    result = slacode.loads(text).evaluate([ev("09:00", "assigned"), ev("12:00", "reassigned")],
                                          as_of="2026-11-09T16:00:00Z")
    (d,) = [d for d in result.diagnostics if d.code == "SLA607"]
    assert "before the warning that starts it" in d.message
    assert "a warning comes after every event of its instant" in d.hint


@pytest.mark.skipif(not __import__("slacode.parallel").parallel.can_fork(), reason="parallel evaluation needs fork")
@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_jobs_give_the_same_output(tmp_path, capsys, monkeypatch, fmt):
    from slacode import parallel

    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 0)
    monkeypatch.setattr(parallel, "MIN_PARALLEL_RECORDS", 0)
    spec, events = tmp_path / "a.sla", tmp_path / "e.jsonl"
    spec.write_text(SPEC + "quota warned { owner sales; count warning of first_touch; at most 5 per day }\n")
    # 40 leads assigned between 09:00 and 14:59; two in three touched at 15:xx or 16:xx
    rows = []
    for i in range(40):
        rows.append(ev(f"{9 + i % 6:02d}:{(7 * i) % 60:02d}", "assigned", f"L{i}"))
        if i % 3:
            rows.append(ev(f"{15 + i % 2}:{(11 * i) % 60:02d}", "contact_attempt", f"L{i}"))
    events.write_text("\n".join(json.dumps(e) for e in rows) + "\n")
    outs = []
    for jobs in ("1", "2"):
        main(["check", str(spec), str(events), "--as-of", "2026-11-10T12:00:00Z", "--format", fmt, "--jobs", jobs])
        outs.append(capsys.readouterr().out)
    assert outs[0] == outs[1]
    assert "Started by the warning" in outs[0]
