"""Escalation on a success: the trigger `success of RULE [clause KEY]` (extension,
docs/extensions.md "Follow-up on a success"): the instant a cycle of RULE was met (its stop
at or before the deadline; in an `attempts` rule, the Nth attempt by the deadline), only as
of `as_of`; where it stands (start, stop, cancel, `count`, quotas); lint codes (SLA210,
SLA211, SLA345, SLA360, SLA396); explain, fmt, diff, CSV, JSON schema, `--jobs`; and a
property on random histories against the verdicts of the rule it names."""
from __future__ import annotations

import csv
import io
import json

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import slacode
from slacode.cli import main

HEAD = '''agreement "met" { version "1"; timezone "UTC"; teams sales, sales_mgmt }
'''
FIRST = '''
deadline first_touch {
  owner sales
  start on assigned
  stop on contact_attempt
  cancel on lost
  within 4h
}
'''
FOLLOW = '''
deadline follow_up {
  owner sales
  start on success of first_touch
  stop on meeting_booked
  within 24h
}
'''
SPEC = HEAD + FIRST + FOLLOW
SUCCESS = {"rule": "first_touch", "clause": "within", "cycle": 1, "role": "start", "event": "success"}


def ev(at: str, type_: str, lead: str = "L", day: int = 9, **props) -> dict:
    """An event on 2026-11-``day`` at ``at`` (HH:MM, UTC)."""
    return {"lead": lead, "at": f"2026-11-{day:02d}T{at}:00Z", "type": type_, "id": f"{lead}-{day}-{at}-{type_}",
            **props}


def verdicts(text: str, events: list, as_of: str = "2026-11-10T16:00:00Z", rule: str | None = None) -> list[dict]:
    result = slacode.loads(text).evaluate(events, as_of=as_of)
    return [v.to_dict() for v in result.verdicts if rule is None or v.rule == rule]


def starts(text: str, events: list, as_of: str = "2026-11-10T16:00:00Z", rule: str = "follow_up") -> list[str]:
    """The start times (HH:MM) of ``rule``'s cycles."""
    return [v["started_at"][11:16] for v in verdicts(text, events, as_of, rule)]


def errors(text: str) -> list[tuple[str, int, int]]:
    return [(d.code, d.line, d.column) for d in slacode.lint(text) if d.severity == "error"]


# -- the success instant ----------------------------------------------------------------

def test_a_stop_by_the_deadline_starts_the_follow_up_at_the_stop():
    (v,) = verdicts(SPEC, [ev("09:00", "assigned"), ev("10:30", "contact_attempt")], rule="follow_up")
    assert v["started_at"] == "2026-11-09T10:30:00+00:00" and v["status"] == "breached"
    assert v["escalates"] == SUCCESS
    assert "Started by the met first_touch (cycle 1) at 2026-11-09 10:30 +00:00." in v["reason"]


def test_a_stop_exactly_at_the_deadline_is_a_success():
    assert starts(SPEC, [ev("09:00", "assigned"), ev("13:00", "contact_attempt")]) == ["13:00"]


@pytest.mark.parametrize("events", [
    [ev("09:00", "assigned"), ev("13:01", "contact_attempt")],       # late: breached
    [ev("09:00", "assigned"), ev("10:00", "lost")],                  # cancelled
    [ev("09:00", "assigned")],                                       # breached, never stopped
    [ev("09:00", "assigned", day=10), ev("10:00", "contact_attempt", day=11)],  # after as_of
])
def test_no_success_without_a_met_cycle_as_of_as_of(events):
    assert starts(SPEC, events) == []


def test_only_successes_at_or_before_as_of():
    events = [ev("09:00", "assigned"), ev("10:30", "contact_attempt")]
    assert starts(SPEC, events, as_of="2026-11-09T10:29:00Z") == []
    assert starts(SPEC, events, as_of="2026-11-09T10:30:00Z") == ["10:30"]


def test_each_met_cycle_succeeds_and_a_start_while_open_is_ignored():
    events = [ev("09:00", "assigned"), ev("09:30", "contact_attempt"), ev("10:00", "assigned"),
              ev("11:00", "contact_attempt"), ev("12:00", "meeting_booked"), ev("13:00", "assigned"),
              ev("14:00", "contact_attempt")]
    # cycle 2's success at 11:00 comes while follow_up's cycle 1 (09:30) is open: ignored
    assert starts(SPEC, events) == ["09:30", "14:00"]
    cycles = [v["escalates"]["cycle"] for v in verdicts(SPEC, events, rule="follow_up")]
    assert cycles == [1, 3]


def test_a_success_can_stop_and_cancel_another_rule():
    text = HEAD + FIRST + '''
deadline nurture {
  owner sales_mgmt
  start on enter mql
  stop on success of first_touch
  within 8h
}
deadline reminder {
  owner sales_mgmt
  start on enter mql
  stop on never_sent
  cancel on success of first_touch
  within 8h
}
'''
    events = [ev("08:00", "state", state="mql"), ev("09:00", "assigned"), ev("10:00", "contact_attempt")]
    (n,) = verdicts(text, events, rule="nurture")
    assert (n["status"], n["completed_at"]) == ("met", "2026-11-09T10:00:00+00:00")
    assert n["escalates"] == {**SUCCESS, "role": "stop"}
    assert "Stopped by the met first_touch (cycle 1) at 2026-11-09 10:00 +00:00." in n["reason"]
    (r,) = verdicts(text, events, rule="reminder")
    assert r["status"] == "cancelled" and r["escalates"]["role"] == "cancel"


def test_an_attempts_rule_succeeds_at_its_nth_attempt():
    text = HEAD + '''
attempts cadence {
  owner sales
  start on assigned
  stop on won
  at least 3 within 8h
}
deadline qualify {
  owner sales_mgmt
  start on success of cadence
  stop on qualified
  within 2h
}
'''
    calls = [ev("09:00", "assigned"), ev("10:00", "contact_attempt"), ev("11:00", "contact_attempt"),
             ev("12:00", "contact_attempt"), ev("13:00", "contact_attempt")]
    assert starts(text, calls, rule="qualify") == ["12:00"]                 # the 3rd, not the 4th
    assert starts(text, calls[:3], rule="qualify") == []                    # 2 of 3, open, then breached
    # fewer attempts, but won (stopped) by the deadline: met at the stop
    assert starts(text, calls[:2] + [ev("10:30", "won")], rule="qualify") == ["10:30"]
    # the third after the deadline: breached, no success
    late = calls[:3] + [ev("17:01", "contact_attempt")]
    assert starts(text, late, rule="qualify") == []


def test_a_quota_counts_successes_in_the_period_of_the_success():
    text = SPEC + "quota touched { owner sales_mgmt; count success of first_touch; at least 2 per day }\n"
    events = [ev("09:00", "assigned", "a"), ev("10:00", "contact_attempt", "a"),
              ev("22:00", "assigned", "b"), ev("01:00", "contact_attempt", "b", day=10),
              ev("09:00", "assigned", "c"), ev("15:00", "contact_attempt", "c")]        # c: late
    got = [(v["period"], v["status"], v["reason"]) for v in verdicts(text, events, rule="touched")]
    assert got[0][:2] == ("2026-11-09", "breached") and got[0][2].startswith("1 of at least 2")   # a only
    assert got[1][:2] == ("2026-11-10", "pending") and got[1][2].startswith("1 of at least 2")    # b, at 01:00
    events.append(ev("11:00", "contact_attempt", "d", day=9))
    events.append(ev("10:59", "assigned", "d", day=9))
    got = [(v["period"], v["status"]) for v in verdicts(text, events, rule="touched")]
    assert got[0] == ("2026-11-09", "met")


def test_a_success_is_no_breach_and_a_breach_no_success():
    text = SPEC + FOLLOW.replace("follow_up", "rescue").replace("success of", "breach of")
    events = [ev("09:00", "assigned", "a"), ev("10:00", "contact_attempt", "a"),
              ev("09:00", "assigned", "b"), ev("14:00", "contact_attempt", "b")]
    assert [v["lead"] for v in verdicts(text, events, rule="follow_up")] == ["a"]
    assert [v["lead"] for v in verdicts(text, events, rule="rescue")] == ["b"]


def test_an_input_event_typed_like_a_success_is_no_success():
    events = [ev("09:00", "assigned"), ev("09:30", "success of first_touch clause within")]
    result = slacode.loads(SPEC).evaluate(events, as_of="2026-11-10T16:00:00Z")
    assert [v for v in result.verdicts if v.rule == "follow_up"] == []


def test_a_chain_success_of_an_escalation():
    text = SPEC + '''
deadline onboarding {
  owner sales_mgmt
  start on success of follow_up
  stop on signed
  within 48h
}
'''
    events = [ev("09:00", "assigned"), ev("10:00", "contact_attempt"), ev("15:00", "meeting_booked")]
    (v,) = verdicts(text, events, rule="onboarding")
    assert v["started_at"] == "2026-11-09T15:00:00+00:00"
    assert v["escalates"] == {"rule": "follow_up", "clause": "within", "cycle": 1, "role": "start",
                              "event": "success"}


def test_a_success_decided_by_a_deadline_breach_comes_after_what_happened_at_that_instant():
    # first_touch stops on the breach of `sla_clock` (due 13:00, a virtual event that happens
    # only after 13:00); first_touch is due 13:00 too, so the stop is on time: a success at
    # 13:00 that happens after the instant
    text = HEAD + '''
deadline sla_clock {
  owner sales
  start on assigned
  stop on never_sent
  within 4h
}
deadline first_touch {
  owner sales
  start on assigned
  stop on breach of sla_clock
  within 4h
}
''' + FOLLOW
    (v,) = verdicts(text, [ev("09:00", "assigned")], rule="follow_up")
    assert v["started_at"] == "2026-11-09T13:00:00+00:00"
    (ft,) = verdicts(text, [ev("09:00", "assigned")], rule="first_touch")
    assert ft["status"] == "met"
    # as of 13:00 the breach has not happened, so neither has the success
    assert starts(text, [ev("09:00", "assigned")], as_of="2026-11-09T13:00:00Z") == []


# -- lint -------------------------------------------------------------------------------

def test_the_trigger_parses_fmt_keeps_it_and_success_stays_an_event_type():
    text = SPEC.replace("start on success of first_touch", "start on success of first_touch clause within or go")
    assert errors(text) == []
    out = slacode.format(text)
    assert "start on success of first_touch clause within or go" in out
    assert slacode.format(out) == out
    (t, other) = slacode.loads(out).rule("follow_up").triggers("start_on")
    assert (t.success[0].value, t.success[1].value, t.breach, t.warning) == ("first_touch", "within", None, None)
    assert other.success is None and other.type.value == "go"
    plain = HEAD + FIRST.replace("stop on contact_attempt", "stop on contact_attempt or success")
    assert errors(plain) == []
    (v,) = verdicts(plain, [ev("09:00", "assigned"), ev("09:30", "success")])
    assert v["status"] == "met"


def test_unknown_rule_and_clause():
    bad = SPEC.replace("success of first_touch", "success of frist_touch")
    (d,) = [d for d in slacode.lint(bad) if d.severity == "error"]
    assert d.code == "SLA210" and "did you mean `first_touch`?" in d.hint
    (d,) = [d for d in slacode.lint(SPEC.replace("success of first_touch", "success of first_touch clause gap"))
            if d.severity == "error"]
    assert d.code == "SLA211"
    text = HEAD + '''
attempts cadence {
  owner sales
  start on assigned
  stop on won
  gap at least 1h
}
''' + FOLLOW.replace("success of first_touch", "success of cadence")
    (d,) = [d for d in slacode.lint(text) if d.severity == "error"]
    assert d.code == "SLA211" and "has no `at_least_within` clause to succeed" in d.message
    assert "a success is a cycle met by its deadline" in d.hint


def test_a_clause_without_a_success_is_sla396():
    text = HEAD + FIRST.replace("deadline first_touch", "handoff first_touch").replace(
        "within 4h", "within 4h\n  require phone") + FOLLOW
    assert errors(text) == []
    bad = text.replace("success of first_touch", "success of first_touch clause require")
    (d,) = [d for d in slacode.lint(bad) if d.severity == "error"]
    assert (d.code, d.line, d.column) == ("SLA396", 14, 42)
    assert "`breach of first_touch clause require`" in d.hint and "`success of first_touch`" in d.hint


def test_loops_through_successes_are_refused():
    own = HEAD + FIRST.replace("cancel on lost", "restart on success of first_touch")
    (d,) = [d for d in slacode.lint(own) if d.code == "SLA345"]
    assert d.message == ("`first_touch` waits for its own success: `success of first_touch` in `first_touch` "
                         "itself")
    assert "`start on success of first_touch`" in d.hint
    both = HEAD + FIRST.replace("cancel on lost", "cancel on lost or success of follow_up") + FOLLOW
    messages = sorted(d.message for d in slacode.lint(both) if d.code == "SLA345")
    assert messages and all("success" in m for m in messages), messages


def test_a_sum_of_successes_adds_nothing():
    text = SPEC + "quota q { owner sales; sum amount of success of first_touch; at least 10 per month }\n"
    (d,) = [d for d in slacode.lint(text) if d.code == "SLA360"]
    assert "a success has no properties" in d.message


def test_another_word_of_rule_names_all_three():
    (d,) = [d for d in slacode.lint(SPEC.replace("success of first_touch", "triumph of first_touch"))
            if d.severity == "error"]
    assert "`success of first_touch`" in d.hint


# -- outputs ----------------------------------------------------------------------------

def test_explain_shows_the_virtual_success(tmp_path, capsys):
    spec, events = tmp_path / "a.sla", tmp_path / "e.jsonl"
    spec.write_text(SPEC)
    events.write_text("\n".join(json.dumps(e) for e in [ev("09:00", "assigned"), ev("10:30", "contact_attempt")])
                      + "\n")
    assert main(["explain", str(spec), str(events), "--lead", "L", "--as-of", "2026-11-10T16:00:00Z"]) == 0
    out = capsys.readouterr().out
    line = next(ln for ln in out.splitlines() if "SUCCESS" in ln)
    assert line.startswith("2026-11-09 10:30")
    assert line.endswith("SUCCESS of first_touch.within, cycle 1 (met)  (virtual: not an input event; "
                         "the trigger `success of first_touch`)")
    assert out.index("first_touch: cycle 1 stopped") < out.index("SUCCESS") < out.index("follow_up: cycle 1 opens")


def test_diff_says_same_meaning_for_the_default_clause_and_names_a_change(tmp_path, capsys):
    old, new = tmp_path / "old.sla", tmp_path / "new.sla"
    old.write_text(SPEC)
    new.write_text(SPEC.replace("success of first_touch", "success of first_touch clause within"))
    assert main(["diff", str(old), str(new)]) == 0
    assert "same meaning" in capsys.readouterr().out
    new.write_text(SPEC.replace("success of first_touch", "breach of first_touch"))
    assert main(["diff", str(old), str(new)]) == 1
    out = capsys.readouterr().out
    assert "success of first_touch" in out and "breach of first_touch" in out


def test_csv_json_and_schema(tmp_path, capsys):
    from tests.test_schemas import validator

    spec, events = tmp_path / "a.sla", tmp_path / "e.jsonl"
    spec.write_text(SPEC)
    events.write_text("\n".join(json.dumps(e) for e in [ev("09:00", "assigned"), ev("10:30", "contact_attempt")])
                      + "\n")
    main(["check", str(spec), str(events), "--as-of", "2026-11-10T16:00:00Z", "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows[1]["escalates"] == ('{"rule":"first_touch","clause":"within","cycle":1,"role":"start",'
                                    '"event":"success"}')
    main(["check", str(spec), str(events), "--as-of", "2026-11-10T16:00:00Z", "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    check = validator("verdicts", "")
    assert doc["verdicts"][1]["escalates"] == SUCCESS and check.is_valid(doc)
    doc["verdicts"][1]["escalates"]["event"] = "met"
    assert not check.is_valid(doc)


def test_due_names_no_success_as_a_breach_escalation(tmp_path, capsys):
    spec, events = tmp_path / "a.sla", tmp_path / "e.jsonl"
    spec.write_text(SPEC)
    events.write_text(json.dumps(ev("09:00", "assigned")) + "\n")
    assert main(["due", str(spec), str(events), "--as-of", "2026-11-09T12:00:00Z", "--format", "json"]) == 0
    assert "follow_up" not in capsys.readouterr().out


@pytest.mark.skipif(not __import__("slacode.parallel").parallel.can_fork(), reason="parallel evaluation needs fork")
@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_jobs_give_the_same_output(tmp_path, capsys, monkeypatch, fmt):
    from slacode import parallel

    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 0)
    monkeypatch.setattr(parallel, "MIN_PARALLEL_RECORDS", 0)
    spec, events = tmp_path / "a.sla", tmp_path / "e.jsonl"
    spec.write_text(SPEC + "quota touched { owner sales; count success of first_touch; at most 5 per day }\n")
    rows = []
    for i in range(40):
        rows.append(ev(f"{9 + i % 6:02d}:{(7 * i) % 60:02d}", "assigned", f"L{i}"))
        if i % 3:
            rows.append(ev(f"{12 + i % 4}:{(11 * i) % 60:02d}", "contact_attempt", f"L{i}"))
    events.write_text("\n".join(json.dumps(e) for e in rows) + "\n")
    outs = []
    for jobs in ("1", "2"):
        main(["check", str(spec), str(events), "--as-of", "2026-11-10T12:00:00Z", "--format", fmt, "--jobs", jobs])
        outs.append(capsys.readouterr().out)
    assert outs[0] == outs[1]
    assert "Started by the met first_touch" in outs[0]


# -- a property -------------------------------------------------------------------------

_KINDS = st.sampled_from(["assigned", "contact_attempt", "lost", "meeting_booked"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 47), _KINDS), max_size=12), st.integers(0, 48))
# a booking at the very instant a follow-up opens comes before the success that opens it (a
# virtual event comes after the events of its instant), so it does not close that cycle
@example([(0, "assigned"), (1, "meeting_booked"), (1, "contact_attempt"), (2, "assigned"), (3, "contact_attempt")], 48)
def test_follow_ups_start_exactly_at_the_met_stops_not_inside_an_open_one(history, cut):
    """Against the verdicts of `first_touch` alone: `follow_up` opens at each instant a
    `first_touch` cycle met (completed_at of a met verdict, at or before as_of), except
    while a `follow_up` cycle opened earlier is still open (a start then is ignored)."""
    events = [ev(f"{9 + q // 4:02d}:{(q % 4) * 15:02d}", kind) for q, kind in history]
    as_of = f"2026-11-09T{9 + cut // 4:02d}:{(cut % 4) * 15:02d}:00Z"
    alone = verdicts(HEAD + FIRST, events, as_of, "first_touch")
    met = sorted(v["completed_at"] for v in alone if v["status"] == "met")
    got = verdicts(SPEC, events, as_of, "follow_up")
    assert [v["started_at"] for v in got] == sorted(v["started_at"] for v in got)
    # every follow-up cycle started at a success; a success not taken falls inside an open cycle
    assert set(v["started_at"] for v in got) <= set(met)
    bookings = sorted(e["at"].replace("Z", "+00:00") for e in events if e["type"] == "meeting_booked")
    for at in met:
        if at in {v["started_at"] for v in got}:
            continue
        before = [v for v in got if v["started_at"] < at]
        assert before, at
        last = before[-1]
        # open at `at`: not closed before it (a booking at `at` sorts before the success, and
        # so does one at the instant the open cycle started)
        closed = last["completed_at"]
        assert closed is None or closed >= at
        assert not any(last["started_at"] < b < at for b in bookings)
