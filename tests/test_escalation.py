"""Escalation on a breach: the trigger `breach of RULE [clause KEY]` (extension,
docs/extensions.md "Escalation on a breach"): parsing, fmt, lint, the stratified fold,
the `escalates` key, explain, CSV, `--jobs`, and a property on random histories."""
from __future__ import annotations

import csv
import io
import json
import random
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import slacode
from slacode import parallel
from slacode.cli import main

UTC = timezone.utc
HEAD = 'agreement "esc" { version "1"; timezone "UTC"; teams sales, sales_mgmt, direction }\n'
FIRST = '''
deadline first_touch {
  owner sales
  start on assigned
  stop on contact_attempt
  restart on requeued
  within 1h
}
'''
MANAGER = '''
deadline manager_reassign {
  owner sales_mgmt
  start on breach of first_touch
  stop on reassigned
  within 30m
}
'''
DIRECTOR = '''
deadline director_review {
  owner direction
  start on breach of manager_reassign
  stop on director_ack
  within 2h
}
'''
SPEC = HEAD + FIRST + MANAGER


def ev(at: str, type_: str, lead: str = "L", **props) -> dict:
    return {"lead": lead, "at": f"2026-11-09T{at}:00Z", "type": type_, "id": f"{lead}-{at}-{type_}", **props}


def verdicts(text: str, events: list, as_of: str = "2026-11-09T18:00:00Z", rule: str | None = None) -> list[dict]:
    result = slacode.loads(text).evaluate(events, as_of=as_of)
    return [v.to_dict() for v in result.verdicts if rule is None or v.rule == rule]


def codes(text: str) -> list[tuple[str, int, int]]:
    return [(d.code, d.line, d.column) for d in slacode.lint(text) if d.severity == "error"]


# -- parsing, fmt -----------------------------------------------------------------------

def test_the_trigger_parses_and_fmt_keeps_it():
    text = HEAD + FIRST + MANAGER.replace("start on breach of first_touch",
                                          "start on breach of first_touch clause within or escalate_now")
    assert codes(text) == []
    out = slacode.format(text)
    assert "start on breach of first_touch clause within or escalate_now" in out
    assert slacode.format(out) == out
    rule = slacode.loads(out).rule("manager_reassign")
    (t, other) = rule.triggers("start_on")
    assert (t.breach[0].value, t.breach[1].value) == ("first_touch", "within")
    assert other.breach is None and other.type.value == "escalate_now"


def test_breach_stays_an_event_type():
    text = HEAD + FIRST.replace("stop on contact_attempt", "stop on contact_attempt or breach")
    assert codes(text) == []
    got = verdicts(text, [ev("09:00", "assigned"), ev("09:30", "breach")])
    assert got[0]["status"] == "met" and got[0]["completed_at"].startswith("2026-11-09T09:30")


def test_another_word_before_of_is_refused():
    found = slacode.lint(HEAD + FIRST + MANAGER.replace("breach of first_touch", "breech of first_touch"))
    assert [(d.code, d.line, d.column) for d in found if d.severity == "error"] == [("SLA101", 13, 12)]


def test_a_where_on_a_breach_is_a_syntax_error():
    found = slacode.lint(HEAD + FIRST + MANAGER.replace("breach of first_touch", "breach of first_touch where x == 1"))
    (d,) = [d for d in found if d.severity == "error"]
    assert (d.code, d.line, d.column) == ("SLA101", 13, 34)
    assert "takes no `where`" in d.hint


# -- lint -------------------------------------------------------------------------------

def test_unknown_rule_and_clause_use_the_reference_codes():
    bad = HEAD + FIRST + MANAGER.replace("breach of first_touch", "breach of frist_touch")
    (code, line, col), = codes(bad)
    assert (code, line, col) == ("SLA210", 13, 22)
    assert "did you mean `first_touch`?" in str(slacode.lint(bad)[0].hint)
    bad = HEAD + FIRST + MANAGER.replace("breach of first_touch", "breach of first_touch clause gap")
    assert codes(bad) == [("SLA211", 13, 41)]
    quota = HEAD + FIRST + "quota q { owner sales; count assigned; at most 3 per month }\n" + \
        MANAGER.replace("breach of first_touch", "breach of q")
    assert [c for c, _, _ in codes(quota)] == ["SLA210"]


def test_an_attempts_rule_without_at_least_within_has_no_default_clause():
    text = HEAD + '''
attempts cadence {
  owner sales
  start on assigned
  stop on won
  gap at least 1h
}
''' + MANAGER.replace("breach of first_touch", "breach of cadence")
    assert [c for c, _, _ in codes(text)] == ["SLA211"]
    assert codes(text.replace("breach of cadence", "breach of cadence clause gap")) == []


def test_loops_are_refused():
    assert [c for c, _, _ in codes(HEAD + FIRST.replace("restart on requeued", "restart on breach of first_touch"))] \
        == ["SLA345"]
    loop = HEAD + FIRST.replace("stop on contact_attempt", "stop on breach of manager_reassign") + MANAGER
    assert [c for c, _, _ in codes(loop)] == ["SLA345", "SLA345"]
    assert codes(HEAD + FIRST + MANAGER + DIRECTOR) == []          # a chain is no loop


NTH_LOOP = HEAD + '''
attempts touches {
  owner sales
  start on assigned
  stop on won
  count contact_attempt or breach of checker
  at least 5 within 1d
}
deadline checker {
  owner sales_mgmt
  start on 2nd attempt of touches
  stop on 3rd attempt of touches
  within 1h
}
'''


def test_a_loop_through_nth_attempt_of_is_refused():
    # `checker` starts and stops on attempts of `touches`, which counts checker's breach
    found = [d for d in slacode.lint(NTH_LOOP) if d.severity == "error"]
    assert [(d.code, d.line, d.column) for d in found] == [("SLA345", 7, 28)]
    assert found[0].message == ("`touches` waits for its own 2nd attempt or 3rd attempt: `touches` on the breach "
                                "of `checker` on the 2nd attempt or the 3rd attempt of `touches`")
    # the same triggers without the breach counted: no loop
    assert codes(NTH_LOOP.replace(" or breach of checker", "")) == []
    # nor is a chain that only reads attempts of a rule the breach does not reach
    chain = NTH_LOOP.replace("breach of checker", "breach of first_touch") + FIRST
    assert codes(chain) == []


def test_a_fold_that_does_not_settle_is_an_internal_error():
    from slacode.api import analyse
    from slacode.escalate import EscalationLoopError
    from slacode.evaluate import evaluate

    agreement, diags = analyse(NTH_LOOP)           # past the checks (SLA345 refuses it)
    assert "SLA345" in [d.code for d in diags]
    events = [ev("09:00", "assigned"), ev("10:00", "contact_attempt"), ev("11:00", "contact_attempt")]
    with pytest.raises(EscalationLoopError, match="`checker`"):
        evaluate(agreement, events, as_of="2026-11-09T23:00:00Z")


# -- evaluation -------------------------------------------------------------------------

def test_a_breach_starts_the_escalation_at_the_deadline():
    got = verdicts(SPEC, [ev("09:00", "assigned"), ev("10:20", "reassigned"), ev("11:00", "contact_attempt")])
    first, manager = got
    assert (first["status"], first["due_at"], first["completed_at"]) == (
        "breached", "2026-11-09T10:00:00+00:00", "2026-11-09T11:00:00+00:00")
    assert manager["started_at"] == "2026-11-09T10:00:00+00:00" and manager["status"] == "met"
    assert manager["escalates"] == {"rule": "first_touch", "clause": "within", "cycle": 1, "role": "start"}
    assert manager["evidence"] == ["L-09:00-assigned", "L-10:20-reassigned"]
    assert manager["reason"].endswith("Started by the breach of first_touch (cycle 1) at 2026-11-09 10:00 +00:00.")
    assert "escalates" not in first


def test_no_breach_no_escalation():
    assert verdicts(SPEC, [ev("09:00", "assigned"), ev("09:59", "contact_attempt")], rule="manager_reassign") == []
    assert verdicts(SPEC, [ev("09:00", "assigned"), ev("10:00", "contact_attempt")], rule="manager_reassign") == []


def test_a_breach_after_as_of_or_at_it_does_not_exist():
    events = [ev("09:00", "assigned")]
    assert verdicts(SPEC, events, as_of="2026-11-09T10:00:00Z", rule="manager_reassign") == []
    (v,) = verdicts(SPEC, events, as_of="2026-11-09T10:00:00.000001Z", rule="manager_reassign")
    assert v["status"] == "pending" and v["started_at"] == "2026-11-09T10:00:00+00:00"


def test_a_stop_at_the_breach_instant_comes_first():
    """A real event at the breach's instant is taken before the breach: a `reassigned` at
    10:00 finds no open escalation, and the one the breach opens right after stays open."""
    (v,) = verdicts(SPEC, [ev("09:00", "assigned"), ev("10:00", "reassigned")], rule="manager_reassign")
    assert v["started_at"] == "2026-11-09T10:00:00+00:00" and v["completed_at"] is None
    assert v["status"] == "breached"


def test_a_chain_escalates_step_by_step_and_stops_where_met():
    text = HEAD + DIRECTOR + MANAGER + FIRST               # declared in reverse: order does not matter
    got = verdicts(text, [ev("09:00", "assigned"), ev("11:00", "director_ack")])
    assert [(v["rule"], v["status"], v["started_at"][11:16]) for v in got] == [
        ("director_review", "met", "10:30"), ("manager_reassign", "breached", "10:00"),
        ("first_touch", "breached", "09:00")]
    assert got[0]["escalates"]["rule"] == "manager_reassign"
    assert got[0]["evidence"] == ["L-09:00-assigned", "L-11:00-director_ack"]
    assert verdicts(text, [ev("09:00", "assigned"), ev("10:10", "reassigned")], rule="director_review") == []


def test_a_breach_can_stop_another_rule():
    text = SPEC + '''
deadline courtesy {
  owner sales
  start on assigned
  stop on breach of first_touch
  within 30m
}
'''
    (v,) = verdicts(text, [ev("09:00", "assigned")], rule="courtesy")
    assert (v["status"], v["completed_at"]) == ("breached", "2026-11-09T10:00:00+00:00")
    assert v["escalates"] == {"rule": "first_touch", "clause": "within", "cycle": 1, "role": "stop"}
    assert v["evidence"] == ["L-09:00-assigned"]
    assert "Stopped by the breach of first_touch (cycle 1)" in v["reason"]


def test_require_breaches_at_the_stop_and_first_at_the_first_attempt():
    text = HEAD + '''
handoff to_sales {
  owner sales
  start on enter mql
  stop on assigned
  require phone
  within 1d
}
attempts calls {
  owner sales
  start on assigned
  stop on won
  first where channel == "phone"
}
deadline fix_data {
  owner sales_mgmt
  start on breach of to_sales clause require
  stop on updated
  within 1h
}
deadline coach {
  owner sales_mgmt
  start on breach of calls clause first
  stop on coached
  within 1h
}
'''
    events = [ev("09:00", "state", state="mql"), ev("09:30", "assigned"), ev("10:15", "contact_attempt", channel="email")]
    fix = verdicts(text, events, rule="fix_data")
    assert [v["started_at"][11:16] for v in fix] == ["09:30"]
    coach = verdicts(text, events, rule="coach")
    assert [v["started_at"][11:16] for v in coach] == ["10:15"]
    assert coach[0]["escalates"]["clause"] == "first"


def test_a_quota_counts_breaches_in_the_period_of_the_breach():
    text = SPEC + "quota late { owner sales; count breach of first_touch; at most 1 per day }\n"
    events = [ev("09:00", "assigned", "A"), ev("22:00", "assigned", "B"), ev("23:00", "assigned", "C")]
    got = [v for v in verdicts(text, events, as_of="2026-11-10T01:00:00Z") if v["rule"] == "late"]
    # A breached on the 9th (10:00), B on the 9th at 23:00, C on the 10th at 00:00
    assert [(v["period"], v["value"]) for v in got] == [("2026-11-09", 2), ("2026-11-10", 1)]


def test_attempts_count_breaches():
    text = SPEC + '''
attempts reminders {
  owner sales_mgmt
  start on assigned
  stop on won
  count breach of first_touch
  at least 2 within 1d
}
'''
    events = [ev("09:00", "assigned"), ev("12:00", "requeued")]
    (v,) = verdicts(text, events, rule="reminders")
    assert v["status"] == "met" and v["completed_at"] == "2026-11-09T13:00:00+00:00"    # breaches at 10:00, 13:00


@pytest.mark.parametrize("never", ["gap at least 2h", "at most 1 per cycle"])
def test_a_never_clause_breaches_at_its_violator_even_a_counted_breach(never):
    # the breach of first_touch (10:30) is an attempt of `touches` citing c1, the event that
    # started first_touch and is an attempt itself: the violator is the breach, not c1
    key = "gap" if never.startswith("gap") else "at_most_per_cycle"
    text = HEAD + f'''
deadline first_touch {{
  owner sales
  start on contact_attempt
  stop on meeting_booked
  within 1h
}}
attempts touches {{
  owner sales
  start on assigned
  stop on won
  count contact_attempt or breach of first_touch
  {never}
}}
deadline esc {{
  owner sales_mgmt
  start on breach of touches clause {key}
  stop on won
  within 1h
}}
'''
    events = [ev("09:00", "assigned"), ev("09:30", "contact_attempt")]
    (touches,) = verdicts(text, events, as_of="2026-11-09T16:00:00Z", rule="touches")
    assert touches["status"] == "breached"
    (esc,) = verdicts(text, events, as_of="2026-11-09T16:00:00Z", rule="esc")
    assert (esc["started_at"], esc["due_at"]) == ("2026-11-09T10:30:00+00:00", "2026-11-09T11:30:00+00:00")
    # as of 10:00 nothing has violated the clause yet
    assert verdicts(text, events, as_of="2026-11-09T10:00:00Z", rule="esc") == []


def test_an_input_event_typed_like_a_breach_is_no_breach(tmp_path, capsys):
    spoof = [ev("09:00", "breach of first_touch clause within")]
    assert verdicts(SPEC, spoof) == []                      # it starts no escalation
    real = [ev("09:00", "assigned")]
    (manager,) = verdicts(SPEC, real, rule="manager_reassign")
    assert manager["started_at"] == "2026-11-09T10:00:00+00:00"
    # the same through the CLI with --jobs 2 (plans and records cross processes)
    spec, events = tmp_path / "a.sla", tmp_path / "e.jsonl"
    spec.write_text(SPEC)
    events.write_text("\n".join(json.dumps(e) for e in [*spoof, ev("09:00", "assigned", "B")]) + "\n")
    main(["check", str(spec), str(events), "--as-of", "2026-11-09T18:00:00Z", "--format", "json", "--jobs", "2"])
    got = [(v["lead"], v["rule"]) for v in json.loads(capsys.readouterr().out)["verdicts"]]
    assert got == [("B", "first_touch"), ("B", "manager_reassign")]


def test_sla607_and_608_at_a_breach_say_the_breach_comes_after_the_events_of_its_instant():
    text = SPEC + '''
attempts chase {
  owner sales_mgmt
  start on breach of first_touch
  stop on won
  count reassigned
  at least 1 within 1h
}
'''
    # the reassignment at the breach instant (10:00) comes before the breach
    result = slacode.loads(text).evaluate([ev("09:00", "assigned"), ev("10:00", "reassigned")],
                                          as_of="2026-11-09T18:00:00Z")
    found = {d.code: d for d in result.diagnostics}
    assert set(found) == {"SLA607", "SLA608"}
    for d in found.values():
        assert "before the breach that starts" in d.message
        assert "put the start first" not in d.hint and "a breach comes after every event of its instant" in d.hint
    # a real start keeps the input-order hint
    plain = slacode.loads(SPEC).evaluate([ev("09:00", "contact_attempt"), ev("09:00", "assigned")],
                                         as_of="2026-11-09T18:00:00Z")
    (d,) = [d for d in plain.diagnostics if d.code == "SLA607"]
    assert "put the start first" in d.hint and "before the event that starts it" in d.message


# -- outputs ----------------------------------------------------------------------------

def test_explain_shows_the_virtual_event(tmp_path, capsys):
    spec, events = tmp_path / "a.sla", tmp_path / "e.jsonl"
    spec.write_text(SPEC)
    events.write_text("\n".join(json.dumps(e) for e in [ev("09:00", "assigned"), ev("10:20", "reassigned")]) + "\n")
    assert main(["explain", str(spec), str(events), "--lead", "L", "--as-of", "2026-11-09T12:00:00Z"]) == 0
    out = capsys.readouterr().out
    line = next(ln for ln in out.splitlines() if "BREACH" in ln)
    assert line.startswith("2026-11-09 10:00") and "not an input event" in line
    assert out.index("BREACH") < out.index("manager_reassign: cycle 1 opens")
    assert line.endswith("the trigger `breach of first_touch`)")        # the default clause


def test_explain_names_the_clause_of_a_breach_of_another_clause():
    """(review 17c M2) `breach of R` alone means R's default clause: the timeline writes the
    trigger of any other clause with its `clause KEY`."""
    from slacode.escalate import BreachRecord
    from slacode.explain import _describe_event

    plan = slacode.loads(SPEC).plan
    rec = BreachRecord(0, 0, "L", "x", None, None, {}, None, "r", 0, 0)
    rec.escalates = ("first_touch", "require", 1)
    assert _describe_event(rec, plan).endswith("the trigger `breach of first_touch clause require`)")
    rec.escalates = ("first_touch", "within", 2)
    assert _describe_event(rec, plan).endswith("the trigger `breach of first_touch`)")


def test_csv_has_an_escalates_column(tmp_path, capsys):
    spec, events = tmp_path / "a.sla", tmp_path / "e.jsonl"
    spec.write_text(SPEC)
    events.write_text(json.dumps(ev("09:00", "assigned")) + "\n")
    main(["check", str(spec), str(events), "--as-of", "2026-11-09T12:00:00Z", "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert rows[1]["escalates"] == '{"rule":"first_touch","clause":"within","cycle":1,"role":"start"}'
    assert rows[0]["escalates"] == ""


def test_a_test_block_checks_an_escalation(tmp_path, capsys):
    spec = tmp_path / "a.sla"
    spec.write_text(SPEC + '''
test "late touch escalates" {
  as of 2026-11-09T12:00:00Z
  at 2026-11-09T09:00:00Z assigned with owner = "ana"
  at 2026-11-09T10:20:00Z reassigned
  expect first_touch breached
  expect manager_reassign cycle 1 met due 2026-11-09T10:30:00Z
}
''')
    assert main(["test", str(spec)]) == 0


def many_events(seed: int = 3, leads: int = 60) -> list[dict]:
    rnd = random.Random(seed)
    out = []
    for i in range(leads):
        t = datetime(2026, 11, 9, 8, tzinfo=UTC) + timedelta(minutes=rnd.randrange(600))
        for k in range(rnd.randrange(1, 6)):
            kind = rnd.choice(["assigned", "contact_attempt", "requeued", "reassigned", "director_ack"])
            out.append({"lead": f"L{i}", "at": t.isoformat(), "type": kind, "id": f"L{i}-{k}"})
            t += timedelta(minutes=rnd.randrange(0, 90))
    rnd.shuffle(out)                                    # interleaved leads
    return out


@pytest.mark.skipif(not parallel.can_fork(), reason="parallel evaluation needs fork")
@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "table"])
def test_jobs_give_the_same_output(tmp_path, capsys, monkeypatch, fmt):
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 0)
    monkeypatch.setattr(parallel, "MIN_PARALLEL_RECORDS", 0)
    spec, events = tmp_path / "a.sla", tmp_path / "e.jsonl"
    spec.write_text(HEAD + FIRST + MANAGER + DIRECTOR + "quota late { owner sales; count breach of first_touch; "
                    "at most 5 per day }\n")
    events.write_text("\n".join(json.dumps(e) for e in many_events()) + "\n")
    outs = []
    for jobs in ("1", "2"):
        code = main(["check", str(spec), str(events), "--as-of", "2026-11-10T06:00:00Z", "--format", fmt,
                     "--jobs", jobs])
        outs.append((code, capsys.readouterr().out))
    assert outs[0] == outs[1]
    assert "escalates" in outs[0][1] or fmt == "table"
    assert "Started by the breach" in outs[0][1]


# -- a property on random histories ---------------------------------------------------

_TYPES = ["assigned", "contact_attempt", "requeued", "reassigned"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.integers(0, 600), st.sampled_from(_TYPES)), max_size=14),
       st.integers(0, 700))
def test_escalations_start_at_the_breaches_up_to_as_of(history, cut):
    """The escalation's cycles start exactly at the `due_at` of `first_touch`'s breached
    verdicts (≤ as_of), each unless a cycle of it is still open then (a start while open is
    ignored); a `reassigned` at the very instant a cycle starts comes before the breach and
    does not close it."""
    base = datetime(2026, 11, 9, 8, tzinfo=UTC)
    events = [{"lead": "L", "at": (base + timedelta(minutes=m)).isoformat(), "type": t, "id": f"e{i}"}
              for i, (m, t) in enumerate(history)]
    as_of = base + timedelta(minutes=cut)
    got = slacode.loads(SPEC).evaluate(events, as_of=as_of)
    first = [v for v in got.verdicts if v.rule == "first_touch"]
    manager = [v for v in got.verdicts if v.rule == "manager_reassign"]
    as_of_us = int(as_of.timestamp() * 1_000_000)
    breaches = sorted((v.due_at, v.cycle) for v in first if v.status == "breached")
    assert all(at < as_of_us for at, _ in breaches)
    stops = sorted(int(datetime.fromisoformat(e["at"]).timestamp() * 1_000_000)
                   for e in events if e["type"] == "reassigned" and datetime.fromisoformat(e["at"]) <= as_of)
    want, closes = [], None
    for at, cycle in breaches:
        if closes is not None and at < closes:
            continue                                     # the escalation is still open: ignored
        want.append((at, cycle))
        closes = next((s for s in stops if s > at), float("inf"))
    assert [(v.started_at, v.escalates["cycle"]) for v in manager] == want
    assert all(v.escalates == {"rule": "first_touch", "clause": "within", "cycle": c, "role": "start"}
               for v, (_, c) in zip(manager, want))
    quota = slacode.loads(SPEC + "quota q { owner sales; count breach of first_touch; at most 99 per month }\n")
    counted = [v for v in quota.evaluate(events, as_of=as_of).verdicts if v.rule == "q"]
    assert sum(v.value for v in counted) == len(breaches)


def test_breaches_of_one_instant_come_in_the_order_of_the_rules():
    """Two rules breached at the same instant: the earlier rule's breach comes first. `x`
    starts on `b`'s breach and stops on `a`'s: with `a` first, the stop finds nothing open
    and the start opens a cycle; with `b` first, the start opens it and the stop closes it
    at once."""
    rules = {name: f"deadline {name} {{ owner sales; start on assigned; stop on done; within 1h }}\n"
             for name in ("a", "b")}
    x = "deadline x { owner sales_mgmt; start on breach of b; stop on breach of a; within 2h }\n"
    events = [ev("09:00", "assigned")]
    (open_x,) = verdicts(HEAD + rules["a"] + rules["b"] + x, events, as_of="2026-11-09T10:30:00Z", rule="x")
    assert (open_x["status"], open_x["completed_at"]) == ("pending", None)
    (closed,) = verdicts(HEAD + rules["b"] + rules["a"] + x, events, as_of="2026-11-09T10:30:00Z", rule="x")
    assert (closed["status"], closed["completed_at"]) == ("met", "2026-11-09T10:00:00+00:00")
    assert closed["escalates"]["role"] == "start" and closed["escalates"]["rule"] == "b"
    assert "Stopped by the breach of a (cycle 1)" in closed["reason"]


def test_check_json_with_escalations_validates_and_a_wrong_escalates_does_not(tmp_path, capsys):
    from tests.test_schemas import validator

    spec, events = tmp_path / "a.sla", tmp_path / "e.jsonl"
    spec.write_text(SPEC)
    events.write_text(json.dumps(ev("09:00", "assigned")) + "\n")
    main(["check", str(spec), str(events), "--as-of", "2026-11-09T12:00:00Z", "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    check = validator("verdicts", "")
    assert doc["verdicts"][1]["escalates"]["role"] == "start"
    assert check.is_valid(doc)
    doc["verdicts"][1]["escalates"]["role"] = "begin"
    assert not check.is_valid(doc)


def test_diff_sees_a_changed_breach_trigger_and_not_a_restated_one(tmp_path, capsys):
    old, same, other = tmp_path / "old.sla", tmp_path / "same.sla", tmp_path / "other.sla"
    old.write_text(SPEC)
    same.write_text(SPEC.replace("breach of first_touch", "breach of first_touch clause within"))
    other.write_text(SPEC.replace("start on breach of first_touch", "start on assigned"))
    assert main(["diff", str(old), str(same)]) == 0
    capsys.readouterr()
    assert main(["diff", str(old), str(other)]) == 1
    out = capsys.readouterr().out
    assert "no longer starts on `breach of first_touch`" in out and "now also starts on `assigned`" in out


def test_report_and_its_html_take_escalations(tmp_path, capsys):
    spec, events, page = tmp_path / "a.sla", tmp_path / "e.jsonl", tmp_path / "r.html"
    spec.write_text(SPEC)
    events.write_text("\n".join(json.dumps(e) for e in [ev("09:00", "assigned"), ev("10:20", "reassigned")]) + "\n")
    assert main(["report", str(spec), str(events), "--as-of", "2026-11-09T12:00:00Z", "--by", "rule",
                 "--html", str(page)]) == 0
    out = capsys.readouterr().out
    row = next(ln for ln in out.splitlines() if ln.startswith("manager_reassign"))
    assert row.split()[3:5] == ["1", "0"]                                  # one met, none breached
    assert "manager_reassign" in page.read_text()


def test_due_names_the_escalation_a_breach_would_start(tmp_path, capsys):
    from tests.test_schemas import validator

    spec, events = tmp_path / "a.sla", tmp_path / "e.jsonl"
    spec.write_text(SPEC + DIRECTOR)
    events.write_text("\n".join(json.dumps(e) for e in [ev("09:00", "assigned", "A"), ev("08:00", "assigned", "B")])
                      + "\n")
    assert main(["due", str(spec), str(events), "--as-of", "2026-11-09T09:10:00Z", "--format", "json",
                 "--overdue"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert validator("due", "").is_valid(doc)
    got = {(d["lead"], d["rule"]): d.get("escalates_to") for d in doc["due"]}
    # A's first touch is open: its breach would start the manager's rule; B's escalation is
    # open (its breach would start the director's); B's first touch is overdue: already escalated
    assert got == {("A", "first_touch"): ["manager_reassign"], ("B", "manager_reassign"): ["director_review"],
                   ("B", "first_touch"): None}
    main(["due", str(spec), str(events), "--as-of", "2026-11-09T09:10:00Z"])
    table = capsys.readouterr().out.splitlines()
    assert table[0].rstrip().endswith("escalates to") and table[1].rstrip().endswith("director_review")


def test_due_names_only_the_rules_the_breach_would_start_for_this_lead():
    from slacode.report.due import upcoming

    text = SPEC + '''
deadline once_review {
  owner sales_mgmt
  start once on breach of first_touch
  stop on reviewed
  within 1d
}
'''
    spec = slacode.loads(text)
    # A: first touch open, nothing escalated yet: both rules would start
    # B: breached at 10:00 (both escalations started), restarted at 10:30: the manager's
    #    cycle is still open (it would ignore the start), the `once` rule has had its cycle
    # C: as B, but the manager reassigned in time: its cycle closed, a breach starts it again
    events = [ev("11:00", "assigned", "A"),
              ev("09:00", "assigned", "B"), ev("10:30", "requeued", "B"),
              ev("09:00", "assigned", "C"), ev("10:20", "reassigned", "C"), ev("10:30", "requeued", "C")]
    got = {(d.lead, d.rule, d.cycle): d.escalates_to
           for d in upcoming(spec, events, as_of="2026-11-09T11:10:00Z") if d.rule == "first_touch"}
    assert got == {("A", "first_touch", 1): ("manager_reassign", "once_review"),
                   ("B", "first_touch", 2): (),
                   ("C", "first_touch", 2): ("manager_reassign",)}


@pytest.mark.parametrize("line, col, says", [
    ("start when breach of first_touch", 21, "is a trigger, not a condition"),
    ("start on breach of first_touch.within", 33, "`breach of first_touch clause within`"),
    ("start on breach of first_touch clause", 40, "`clause` names one of `first_touch`'s clauses"),
])
def test_breach_written_otherwise_gets_a_hint(line, col, says):
    text = HEAD + FIRST + MANAGER.replace("start on breach of first_touch", line)
    (d,) = [d for d in slacode.lint(text) if d.severity == "error"]
    assert (d.code, d.line, d.column) == ("SLA101", 13, col)
    assert says in (d.hint or "")


def test_explain_says_why_a_breach_started_nothing(tmp_path, capsys):
    spec, events = tmp_path / "a.sla", tmp_path / "e.jsonl"
    spec.write_text(SPEC.replace("within 30m\n}", "within 3h\n}"))
    # breach at 10:00 starts the manager's cycle (due 13:00); the restart's breach at 12:00
    # finds it open
    events.write_text("\n".join(json.dumps(e) for e in [ev("09:00", "assigned"), ev("11:00", "requeued")]) + "\n")
    assert main(["explain", str(spec), str(events), "--lead", "L", "--as-of", "2026-11-09T12:30:00Z"]) == 0
    out = capsys.readouterr().out.splitlines()
    at = next(i for i, ln in enumerate(out) if ln.startswith("2026-11-09 12:00") and "BREACH" in ln)
    assert out[at + 1].strip() == "manager_reassign: start ignored, cycle 1 still open"



def test_an_input_event_typed_like_a_virtual_one_gets_a_warning_that_says_so():
    """(review 17c M7) An input event whose type is the text of a breach or an Nth attempt
    the agreement reads is an ordinary event: SLA605 says why nothing reads it."""
    text = SPEC + '''
attempts chase {
  owner sales
  start on assigned
  stop on won
  count call
  at least 3 within 1d
}
deadline after_two {
  owner sales
  start on 2nd attempt of chase
  stop on won
  within 1h
}
'''
    events = [ev("09:00", "breach of first_touch clause within"), ev("09:05", "2nd attempt of chase", "M")]
    result = slacode.loads(text).evaluate(events, as_of="2026-11-09T18:00:00Z")
    found = [d for d in result.diagnostics if d.code == "SLA605"]
    assert [d.message.split(":")[0] for d in found] == [
        "lead 'L' has an input event of type 'breach of first_touch clause within'",
        "lead 'M' has an input event of type '2nd attempt of chase'"]
    assert "only the rules' own verdicts make those events" in found[0].message
    assert [v for v in result.verdicts if v.rule in ("manager_reassign", "after_two")] == []


# -- a counted breach named as the breach it is, in reasons (review M1) -----------------

COUNTED = HEAD + FIRST + '''
attempts breaches {
  owner sales_mgmt
  start on created
  stop on won
  count breach of first_touch
  CLAUSE
}
'''
BREACH_2 = "the breach of first_touch (cycle 2) at 2026-11-09 13:00 +00:00"


@pytest.mark.parametrize("clause, key", [
    ("at most 1 per day", "at_most_per_day"),
    ("gap at least 4h", "gap"),
    ("only between 08:00-12:00 in lead timezone", "only_between"),
    ("at most 1 per cycle", "at_most_per_cycle"),
    ("only during office", "only_during"),
])
def test_a_never_clause_names_a_violating_counted_breach_as_the_breach(clause, key):
    # first_touch breaches at 10:00 (cycle 1, restarted at 12:00 by `requeued`) and at 13:00
    # (cycle 2, started by `requeued`): the 13:00 breach violates each clause; it cites the
    # `requeued` event (evidence cites real events), but the reason names the breach
    text = COUNTED.replace("CLAUSE", clause)
    if key == "only_during":
        text += 'calendar office { timezone "UTC"; hours mon-fri 09:00-12:00 }\n'
    events = [ev("08:00", "created"), ev("09:00", "assigned"), ev("12:00", "requeued")]
    (v,) = [v for v in verdicts(text, events, as_of="2026-11-09T16:00:00Z", rule="breaches") if v["clause"] == key]
    assert v["status"] == "breached"
    assert v["evidence"] == ["L-12:00-requeued"]
    assert BREACH_2 in v["reason"], v["reason"]
    assert "L-12:00-requeued" not in v["reason"]


def test_first_and_gap_at_most_name_a_counted_breach_as_the_breach():
    text = COUNTED.replace("CLAUSE", 'first where channel == "phone"\n  gap at most 2h')
    events = [ev("08:00", "created"), ev("12:00", "assigned")]       # breach at 13:00 (cycle 1)
    got = {v["clause"]: v for v in verdicts(text, events, as_of="2026-11-09T16:00:00Z", rule="breaches")}
    once = "the breach of first_touch (cycle 1) at 2026-11-09 13:00 +00:00"
    assert got["first"]["status"] == "breached" and got["first"]["evidence"] == ["L-12:00-assigned"]
    assert got["first"]["reason"] == f'The first attempt ({once}) was not as required: `first where channel == "phone"`.'
    gap = got["gap_at_most"]
    assert gap["status"] == "breached" and gap["completed_at"] == "2026-11-09T13:00:00+00:00"
    assert once in gap["reason"] and "L-12:00-assigned" not in gap["reason"], gap["reason"]


def test_a_real_attempt_is_still_named_by_its_id_beside_a_counted_breach():
    # `count contact_attempt or breach of first_touch`: c2 (real) and the breach both violate
    text = HEAD + FIRST + '''
attempts touches {
  owner sales_mgmt
  start on created
  stop on won
  count contact_attempt or breach of first_touch
  at most 1 per cycle
}
'''
    events = [ev("08:00", "created"), ev("08:30", "contact_attempt"), ev("09:00", "assigned"),
              ev("11:00", "contact_attempt")]
    (v,) = verdicts(text, events, as_of="2026-11-09T16:00:00Z", rule="touches")
    assert v["reason"] == ("More than 1 attempt in the cycle: the breach of first_touch (cycle 1) at "
                           "2026-11-09 10:00 +00:00, L-11:00-contact_attempt.")


# -- `breach of` after a `where`: the predicate runs to the end of the clause (review M6) --

@pytest.mark.parametrize("block", [
    "deadline d { owner sales; start on deal where amount > 1 or breach of first_touch; stop on won; within 1h }",
    "deadline d { owner sales; start on deal; stop on won where amount > 1 or breach of first_touch; within 1h }",
    "deadline d { owner sales; start on deal; cancel on lost where x == 1 or breach of first_touch; within 1h }",
    "deadline d { owner sales; start on deal; restart on moved where x == 1 or breach of first_touch; within 1h }",
    "attempts d { owner sales; start on deal; count call where x == 1 or breach of first_touch clause within }",
    "attempts d { owner sales; start on deal; at least 1 before won where x == 1 or breach of first_touch }",
    "quota q { owner sales; count deal where amount > 1 or breach of first_touch; at least 5 per day }",
    "quota q { owner sales; sum amount of deal where amount > 1 or breach of first_touch; at least 5 per day }",
    "quota q { owner sales; sum `deal-amount` of deal where amount > 1 or breach of first_touch; at most 5 per day }",
    "quota q {\n  owner sales\n  sum amount of deal where amount > 1 or\n    breach of first_touch\n  at least 5 per day\n}",
])
def test_a_breach_after_a_where_gets_the_parentheses_hint(block):
    text = HEAD + FIRST + block + "\n"
    errors = [d for d in slacode.lint(text) if d.severity == "error"]
    assert errors and errors[0].code == "SLA101", errors
    hint = errors[0].hint or ""
    assert "runs to the end of the clause" in hint, hint
    assert "or breach of first_touch" in hint and "where (" in hint, hint


def test_a_breach_after_a_where_in_parentheses_is_a_trigger():
    text = HEAD + FIRST + ("quota q { owner sales; count deal where (amount > 1) or breach of first_touch; "
                           "at least 5 per day }\n")
    assert [d for d in slacode.lint(text) if d.severity == "error"] == []


@pytest.mark.parametrize("clause", ["count deal, call", "sum amount of deal, call"])
def test_a_quota_line_listed_with_commas_gets_the_or_hint_for_sum_as_for_count(clause):
    text = HEAD + f"quota q {{ owner sales; {clause}; at least 5 per day }}\n"
    (d,) = [d for d in slacode.lint(text) if d.severity == "error"]
    assert d.code == "SLA101" and "join triggers with `or`" in (d.hint or ""), d


@pytest.mark.parametrize("trigger", ["breach of first_touch", "2nd attempt of first_touch"])
def test_a_breach_after_a_where_that_went_on_is_no_segment(trigger):
    # `where (P) or Q or breach of R`: the predicate went on after its parentheses, so runs to
    # the end of the clause; the trigger after it is the error a trigger there is, not an
    # undeclared segment called `breach of first_touch`
    text = HEAD + FIRST + (f"deadline d {{ owner sales; start on deal; stop on won where (amount > 1) or x == 2 "
                           f"or {trigger}; within 1h }}\n")
    errors = [d for d in slacode.lint(text) if d.severity == "error"]
    assert [d.code for d in errors] == ["SLA101"], errors
    assert "runs to the end of the clause" in errors[0].message and "parentheses" in errors[0].hint
