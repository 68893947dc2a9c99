"""Reasons cite an event without an `id` by its place, and say so (review 24 UX-1).

Evidence cites such an event by its line ("4"; "a.jsonl:4" with several files; the 1-based
position for the library's events, LANGUAGE.md §11) and stays exactly that. A reason that
wrote the bare number ("More than 2 attempts on 2026-11-09 (UTC): 4.") read as a count or an
ordinal: reasons write `line 4`, `a.jsonl:4`, `event 4`. An id is written as it is, even one
that is all digits: whether the event had an id decides, never what the text looks like.
"""
from __future__ import annotations

import json
import pickle

import pytest

import slacode
from slacode import parallel
from slacode.cli import main
from slacode.refs import LineRef, PositionRef, cited, cited_all, event_cited

AS_OF = "2026-11-13T00:00:00Z"

CALLS = """
agreement "r" { version "1"; timezone "UTC"; teams sales }
states { new; mql; sql final }
flow { new -> mql; mql -> sql }
attempts calls {
  owner sales
  start on assigned
  stop on enter sql
  at least 3 within 120h
  at most 2 per day
  gap at most 24h
  first where channel == "phone"
}
"""

# the review's repro: 3 attempts on 11-09 (lines 2-4), the 4th three days later (line 5)
EVENTS = [
    {"lead": "L", "at": "2026-11-09T09:00:00Z", "type": "assigned", "owner": "ana"},
    {"lead": "L", "at": "2026-11-09T10:00:00Z", "type": "contact_attempt", "channel": "email"},
    {"lead": "L", "at": "2026-11-09T11:00:00Z", "type": "contact_attempt", "channel": "phone"},
    {"lead": "L", "at": "2026-11-09T12:00:00Z", "type": "contact_attempt", "channel": "phone"},
    {"lead": "L", "at": "2026-11-12T12:00:00Z", "type": "contact_attempt", "channel": "phone"},
]


def _files(tmp_path, events=EVENTS, agreement=CALLS):
    sla = tmp_path / "calls.sla"
    sla.write_text(agreement)
    path = tmp_path / "events.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in events))
    return sla, path


def _check(capsys, *argv) -> dict:
    code = main(["check", *map(str, argv), "--as-of", AS_OF, "--format", "jsonl"])
    out = capsys.readouterr().out
    assert code in (0, 1)
    rows = [json.loads(line) for line in out.splitlines()]
    return {(v["lead"], v["clause"]): v for v in rows if v.get("record") == "verdict"}


def test_the_reviews_repro_names_lines_and_keeps_the_evidence(tmp_path, capsys):
    got = _check(capsys, *_files(tmp_path))
    per_day, gap, first = got["L", "at_most_per_day"], got["L", "gap_at_most"], got["L", "first"]
    assert per_day["evidence"] == ["4"]
    assert per_day["reason"] == "More than 2 attempts on 2026-11-09 (UTC): line 4."
    assert gap["evidence"] == ["5"]
    assert gap["reason"] == ("No attempt for more than 24h of wall-clock time: attempt at 2026-11-12 12:00 +00:00 "
                             "(line 5) came after attempt at 2026-11-09 12:00 +00:00 (line 4), past "
                             "2026-11-10 12:00 +00:00.")
    assert first["evidence"] == ["2"]
    assert first["reason"].startswith("The first attempt (line 2, 2026-11-09 10:00 +00:00) was not as required")
    assert got["L", "at_least_within"]["evidence"] == ["2", "3", "4"]


def test_an_id_of_digits_stays_an_id_and_lines_are_listed_as_lines(tmp_path, capsys):
    events = [dict(e) for e in EVENTS]
    events[3]["id"] = "12345"                       # a CRM id, all digits: not a line
    events.insert(4, {"lead": "L", "at": "2026-11-09T13:00:00Z", "type": "contact_attempt", "channel": "sms"})
    got = _check(capsys, *_files(tmp_path, events))
    per_day = got["L", "at_most_per_day"]
    assert per_day["evidence"] == ["12345", "5"]
    assert per_day["reason"] == "More than 2 attempts on 2026-11-09 (UTC): 12345, line 5."


def test_several_lines_are_one_list_and_the_flow_names_them(tmp_path, capsys):
    events = [{"lead": "F", "at": "2026-11-09T08:00:00Z", "type": "state", "state": "new"},
              {"lead": "F", "at": "2026-11-09T08:10:00Z", "type": "state", "state": "sql"},
              {"lead": "F", "at": "2026-11-09T08:20:00Z", "type": "state", "state": "new"},
              {"lead": "F", "at": "2026-11-09T08:30:00Z", "type": "state", "state": "sql"}]
    events += [dict(e, lead="F") for e in EVENTS]
    events.append({"lead": "F", "at": "2026-11-09T12:30:00Z", "type": "contact_attempt", "channel": "sms"})
    got = _check(capsys, *_files(tmp_path, events))
    flow = got["F", "transition"]
    assert flow["evidence"] == ["2", "3", "4"]
    assert flow["reason"] == ("3 state changes not allowed by the flow (or into an undeclared state): "
                              "lines 2, 3, 4.")
    assert got["F", "at_most_per_day"]["reason"] == "More than 2 attempts on 2026-11-09 (UTC): lines 8, 10."


def test_several_files_keep_their_file_line_form(tmp_path, capsys, monkeypatch):
    sla, _ = _files(tmp_path)
    monkeypatch.chdir(tmp_path)
    a, b = "a.jsonl", "b.jsonl"
    (tmp_path / a).write_text("".join(json.dumps(e) + "\n" for e in EVENTS[:3]))
    (tmp_path / b).write_text("".join(json.dumps(e) + "\n" for e in EVENTS[3:]))
    got = _check(capsys, sla, a, b)
    assert got["L", "at_most_per_day"]["evidence"] == ["b.jsonl:1"]
    assert got["L", "at_most_per_day"]["reason"] == "More than 2 attempts on 2026-11-09 (UTC): b.jsonl:1."
    assert "attempt at 2026-11-12 12:00 +00:00 (b.jsonl:2) came after" in got["L", "gap_at_most"]["reason"]


def test_csv_rows_are_cited_by_their_line(tmp_path, capsys):
    sla, _ = _files(tmp_path)
    csv = tmp_path / "events.csv"
    csv.write_text("lead,at,type,owner,channel\n" + "".join(
        f"{e['lead']},{e['at']},{e['type']},{e.get('owner', '')},{e.get('channel', '')}\n" for e in EVENTS))
    got = _check(capsys, sla, csv)
    assert got["L", "at_most_per_day"]["evidence"] == ["5"]                 # the header is line 1
    assert got["L", "at_most_per_day"]["reason"] == "More than 2 attempts on 2026-11-09 (UTC): line 5."


def test_the_librarys_events_are_cited_as_events_and_records_as_lines(tmp_path):
    agreement = slacode.loads(CALLS)
    got = {v.clause: v for v in agreement.evaluate(EVENTS, as_of=AS_OF).verdicts}
    assert got["at_most_per_day"].evidence == ["4"]
    assert got["at_most_per_day"].reason == "More than 2 attempts on 2026-11-09 (UTC): event 4."
    assert got["first"].reason.startswith("The first attempt (event 2, ")
    # records of read_events keep the line they were read with
    _, path = _files(tmp_path)
    batch = slacode.read_events(path)
    assert [r.ref.__class__ for r in batch.records] == [LineRef] * 5
    got = {v.clause: v for v in agreement.evaluate(batch.records, as_of=AS_OF).verdicts}
    assert got["at_most_per_day"].reason == "More than 2 attempts on 2026-11-09 (UTC): line 4."
    assert json.loads(json.dumps(got["at_most_per_day"].to_dict()))["evidence"] == ["4"]


def test_stop_when_names_the_event_by_its_place(tmp_path, capsys):
    text = """
agreement "s" { version "1"; timezone "UTC"; teams sales }
deadline d { owner sales; start on assigned; stop when stage == "won"; within 4h }
"""
    agreement = slacode.loads(text)
    events = [{"lead": "A", "at": "2026-11-09T09:00:00Z", "type": "assigned"},
              {"lead": "A", "at": "2026-11-09T10:00:00Z", "type": "update", "fields": {"stage": "won"}},
              {"lead": "B", "at": "2026-11-09T09:00:00Z", "type": "assigned", "id": "b1"},
              {"lead": "B", "at": "2026-11-09T10:00:00Z", "type": "update", "fields": {"stage": "won"}, "id": "77"}]
    got = {v.lead: v for v in agreement.evaluate(events, as_of=AS_OF).verdicts}
    assert "held after event 2, so the cycle was stopped then." in got["A"].reason
    assert "held after event 77, so" in got["B"].reason
    sla, path = _files(tmp_path, events, text)
    got = _check(capsys, sla, path)
    assert "held after the event on line 2, so the cycle was stopped then." in got["A", "within"]["reason"]
    assert got["A", "within"]["evidence"] == ["1", "2"]


def test_the_text_helpers():
    assert [cited(LineRef(4)), cited(LineRef("a.jsonl:4")), cited(PositionRef(4)), cited("4")] == \
        ["line 4", "a.jsonl:4", "event 4", "4"]
    assert cited_all([LineRef(4), LineRef(9)]) == "lines 4, 9"
    assert cited_all([PositionRef(4), PositionRef(9)]) == "events 4, 9"
    assert cited_all([LineRef(4), "9"]) == "line 4, 9"
    assert cited_all([LineRef("a.jsonl:4"), LineRef("a.jsonl:9")]) == "a.jsonl:4, a.jsonl:9"
    assert [event_cited(LineRef(4)), event_cited(LineRef("b.csv:4")), event_cited(PositionRef(4)),
            event_cited("e1")] == ["the event on line 4", "the event at b.csv:4", "event 4", "event e1"]
    # equal to, hashed as, serialized as the plain text; pickled as themselves
    ref = LineRef(4)
    assert ref == "4" and hash(ref) == hash("4") and {ref: 1}["4"] == 1
    assert json.dumps([ref]) == '["4"]'
    back = pickle.loads(pickle.dumps([ref, PositionRef(2)]))
    assert [r.__class__ for r in back] == [LineRef, PositionRef]
    with pytest.raises(AttributeError):
        ref.note = 1                                 # no dict: as small as a str


def test_explain_cites_as_the_reasons_do(tmp_path, capsys):
    sla, path = _files(tmp_path)
    main(["explain", str(sla), str(path), "--lead", "L", "--as-of", AS_OF])
    out = capsys.readouterr().out
    assert "assigned  [line 1]" in out and "More than 2 attempts on 2026-11-09 (UTC): line 4." in out
    from slacode.events import parse_timestamp, records_from_objects
    from slacode.explain import timeline

    agreement = slacode.loads(CALLS)
    lines = timeline(agreement.plan, "L", records_from_objects(EVENTS, diagnostics=[]), parse_timestamp(AS_OF))
    assert any("assigned  [event 1]" in ln for ln in lines)


def test_test_blocks_cite_the_line_in_the_agreement(tmp_path):
    from slacode import testing

    text = CALLS + """
test "too many calls" {
  as of 2026-11-10T00:00:00Z
  lead "T"
  at 2026-11-09T09:00:00Z assigned with owner = "ana"
  at 2026-11-09T10:00:00Z contact_attempt with channel = "phone"
  at 2026-11-09T11:00:00Z contact_attempt with channel = "phone"
  at 2026-11-09T12:00:00Z contact_attempt with channel = "phone"
  expect calls.at_most_per_day met
}
"""
    [r] = testing.run_tests(slacode.loads(text))
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "12:00:00Z contact_attempt" in t)
    [bad] = [o for o in r.outcomes if not o.passed]
    assert bad.actual.endswith(f"More than 2 attempts on 2026-11-09 (UTC): line {line}.")


def test_evaluate_many_in_processes_keeps_the_refs(tmp_path, monkeypatch):
    if not parallel.can_fork():
        pytest.skip("parallel evaluation needs fork")
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 0)
    monkeypatch.setattr(parallel, "MIN_PARALLEL_RECORDS", 0)
    agreement = slacode.loads(CALLS)
    events = [dict(e, lead=f"L{k}") for k in range(8) for e in EVENTS]
    one = agreement.evaluate_many(events, as_of=AS_OF, jobs=1)
    two = agreement.evaluate_many(events, as_of=AS_OF, jobs=2)
    assert [v.to_dict() for v in one.verdicts] == [v.to_dict() for v in two.verdicts]
    assert "(UTC): event 4." in next(v.reason for v in two.verdicts if v.clause == "at_most_per_day")
    _, path = _files(tmp_path, events)
    files = agreement.evaluate_many([path], as_of=AS_OF, jobs=2)
    reasons = [v.reason for v in files.verdicts if v.clause == "at_most_per_day"]
    assert reasons[0] == "More than 2 attempts on 2026-11-09 (UTC): line 4."


def test_github_annotations_do_not_repeat_what_the_reason_cites(tmp_path, capsys):
    sla, path = _files(tmp_path)
    main(["check", str(sla), str(path), "--as-of", AS_OF, "--format", "github"])
    out = capsys.readouterr().out
    said = next(ln for ln in out.splitlines() if "at_most_per_day" in ln)
    assert said.endswith("More than 2 attempts on 2026-11-09 (UTC): line 4.")
