"""`--type-map OURS=THEIRS` (an input option) and SLA626: a CRM export whose event types are
the CRM's own names (review 29b: `Status Change`, `Owner Change`, `Call` read as they are
started nothing, and `check --fail-on input` passed with "0 verdicts for 0 leads")."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import slacode
from slacode import parallel
from slacode.cli import main

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent / "fixtures" / "typemap"
SFDC, REVOPS = HERE / "sfdc_min.csv", HERE / "revops.sla"
COLUMNS = ("--column", "lead=Lead ID", "--column", "at=Created Date", "--column", "type=Activity",
           "--column", "owner=Owner", "--column", "state=Status")
CRM_MAP = ("--type-map", "state=Status Change", "--type-map", "assigned=Owner Change",
           "--type-map", "contact_attempt=Call")
AS_OF = "2026-12-02T00:00:00Z"
NORTHWIND = ROOT / "specs" / "northwind.sla"
CRM_NAMES = {"state": "Status Change", "assigned": "Owner Change", "contact_attempt": "Call"}


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def jsonl_records(out: str, record: str) -> list[dict]:
    return [r for r in map(json.loads, out.splitlines()) if r.get("record") == record]


# -- the review's export, end to end ----------------------------------------------------

def test_the_review_export_fails_ci_with_sla626_and_says_why(capsys):
    code, out, err = run(capsys, "check", REVOPS, SFDC, *COLUMNS, "--as-of", AS_OF,
                         "--fail-on", "input", "--fail-on", "breached", "--ignore", "SLA614")
    assert code == 1
    assert "slacode: exit 1: 1 input problem (--fail-on input)" in err
    said = [line for line in (out + err).splitlines() if "SLA626 [warning]" in line]
    assert said == [f"{REVOPS}:35:3: SLA626 [warning] `start` of handoff `routing`: the agreement starts on events "
                    "of type `assigned` or `state`, and no event of the input has one of those types: its 3 events "
                    "are of type 'Status Change' (2), 'Owner Change' (1); so nothing started (no cycle, no flow "
                    "verdict, nothing counted)"]
    hint = (out + err).split("SLA626", 1)[1].split("= hint: ", 1)[1].splitlines()[0]
    assert '--type-map state="Status Change" --type-map assigned="Owner Change"' in hint
    assert ("2 events of type 'Status Change' carry a `state` value, read as a plain property of an event that "
            'is not of type `state`: --type-map state="Status Change" reads them as state events entering it') in hint
    assert "docs/extensions.md, Names in backquotes" in hint


def test_without_fail_on_the_run_still_exits_0_but_warns(capsys):
    code, out, err = run(capsys, "check", REVOPS, SFDC, *COLUMNS, "--as-of", AS_OF, "--format", "jsonl")
    assert code == 0
    found = [d for d in jsonl_records(out, "diagnostic") if d["code"] == "SLA626"]
    assert len(found) == 1 and found[0]["severity"] == "warning"
    assert (found[0]["file"], found[0]["line"], found[0]["column"]) == (str(REVOPS), 35, 3)
    assert jsonl_records(out, "summary")[0]["input_problems"] == 1


def test_the_type_map_reads_the_export_as_the_agreement_names_it(capsys):
    code, out, err = run(capsys, "check", REVOPS, SFDC, *COLUMNS, *CRM_MAP, "--as-of", AS_OF, "--format", "jsonl")
    assert code == 0, err
    verdicts = jsonl_records(out, "verdict")
    # L-1 entered `MQL` (a state the agreement spells `mql`: SLA601) and was assigned to ana
    assert {(v["lead"], v["rule"], v["clause"]) for v in verdicts if v["lead"]} == {
        ("L-1", "first_touch", "within"), ("L-1", "follow_up", "at_least_within"),
        ("L-1", "follow_up", "at_most_per_day")}
    assert [v["assignee"] for v in verdicts if v["lead"]] == ["ana"] * 3
    codes = [d["code"] for d in jsonl_records(out, "diagnostic")]
    assert "SLA522" in codes and "SLA626" not in codes     # `Call`: no event had it (the mapping is said, once)
    unseen = [d for d in jsonl_records(out, "diagnostic") if d["code"] == "SLA522"]
    assert [d["message"] for d in unseen] == [
        "type map contact_attempt=Call: no event of the input has the type 'Call', so no event was read as "
        "'contact_attempt' through it"]
    assert unseen[0]["file"] is None
    # the state events are real ones now: an undeclared state is said as such
    assert codes.count("SLA601") == 2


# -- the type map gives what renamed events give -----------------------------------------

def crm_copy(src: Path, dest: Path, names: dict = CRM_NAMES) -> Path:
    """``src`` (JSON Lines) with each event type of ``names`` written as the CRM's, line for line."""
    out = []
    for line in src.read_text().splitlines():
        try:
            obj = json.loads(line)
        except ValueError:
            out.append(line)
            continue
        if isinstance(obj, dict) and obj.get("type") in names:
            obj["type"] = names[obj["type"]]
            line = json.dumps(obj)
        out.append(line)
    dest.write_text("\n".join(out) + "\n")
    return dest


def map_options(names: dict = CRM_NAMES) -> list[str]:
    return [a for ours, theirs in names.items() for a in ("--type-map", f"{ours}={theirs}")]


def verdict_lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if '"record":"verdict"' in line]


def test_jsonl_with_a_type_map_gives_the_verdicts_of_the_renamed_events(tmp_path, capsys):
    crm = crm_copy(ROOT / "specs" / "events.jsonl", tmp_path / "crm.jsonl")
    _, plain, _ = run(capsys, "check", NORTHWIND, ROOT / "specs" / "events.jsonl", "--as-of", AS_OF,
                      "--format", "jsonl")
    code, mapped, err = run(capsys, "check", NORTHWIND, crm, *map_options(), "--as-of", AS_OF, "--format", "jsonl")
    assert code == 0, err
    assert verdict_lines(mapped) == verdict_lines(plain) and len(verdict_lines(plain)) > 1000
    assert "SLA626" not in mapped and "SLA626" not in plain        # the example data: nothing to say
    # read as they are, the CRM's types start nothing (northwind's quotas count state events)
    code, unmapped, _ = run(capsys, "check", NORTHWIND, crm, "--as-of", AS_OF, "--format", "jsonl")
    assert '"code":"SLA626"' in unmapped


def test_csv_with_a_type_map_gives_the_verdicts_of_the_renamed_events(tmp_path):
    rows = ["lead,at,type,state,owner,channel",
            "A,2026-11-16T10:00:00-03:00,{s},mql,,",
            "A,2026-11-16T10:05:00-03:00,{a},,ana,",
            "A,2026-11-16T10:20:00-03:00,{c},,,phone",
            "B,2026-11-16T11:00:00-03:00,{s},mql,,",
            "B,2026-11-16T11:30:00-03:00,{a},,bob,",
            "B,2026-11-16T12:00:00-03:00,{s},sal,,"]
    ours = tmp_path / "ours.csv"
    ours.write_text("\n".join(rows).format(s="state", a="assigned", c="contact_attempt") + "\n")
    theirs = tmp_path / "theirs.csv"
    theirs.write_text("\n".join(rows).format(s="Status Change", a="Owner Change", c="Call") + "\n")
    agreement = slacode.load(NORTHWIND)
    plain = agreement.evaluate_many([ours], as_of=AS_OF, jobs=1)
    mapped = agreement.evaluate_many([theirs], as_of=AS_OF, jobs=1, type_map=CRM_NAMES)
    assert [v.to_dict() for v in mapped.verdicts] == [v.to_dict() for v in plain.verdicts]
    assert {v.lead for v in plain.verdicts if v.lead} == {"A", "B"}
    # read_events and the pairs / OURS=THEIRS spellings read alike
    for spelled in (CRM_NAMES, list(CRM_NAMES.items()), [f"{k}={v}" for k, v in CRM_NAMES.items()]):
        batch = slacode.read_events(theirs, type_map=spelled)
        assert [(r.type, r.state) for r in batch.records] == [(r.type, r.state) for r in slacode.read_events(ours).records]
        assert not batch.diagnostics


def test_several_crm_types_read_as_one_and_each_event_renamed_once(tmp_path):
    path = tmp_path / "e.jsonl"
    path.write_text("\n".join(json.dumps(e) for e in [
        {"lead": "A", "at": "2026-11-16T10:00:00Z", "type": "Call"},
        {"lead": "A", "at": "2026-11-16T10:01:00Z", "type": "Email"},
        {"lead": "A", "at": "2026-11-16T10:02:00Z", "type": "a"},
        {"lead": "A", "at": "2026-11-16T10:03:00Z", "type": "b"}]) + "\n")
    batch = slacode.read_events(path, type_map={"contact_attempt": ["Call", "Email"], "b": "a", "c": "b"})
    assert [r.type for r in batch.records] == ["contact_attempt", "contact_attempt", "b", "c"]
    assert not batch.diagnostics


def test_an_event_read_as_state_without_a_state_is_an_error_as_any_state_event(tmp_path):
    path = tmp_path / "e.jsonl"
    path.write_text(json.dumps({"lead": "A", "at": "2026-11-16T10:00:00Z", "type": "Status Change"}) + "\n")
    batch = slacode.read_events(path, type_map=["state=Status Change"])
    assert batch.records == []
    assert [d.code for d in batch.diagnostics] == ["SLA502"]


def test_an_exact_repeat_of_a_mapped_event_is_a_repeat_not_a_clash(tmp_path):
    line = json.dumps({"id": "e1", "lead": "A", "at": "2026-11-16T10:00:00Z", "type": "Call"})
    path = tmp_path / "e.jsonl"
    path.write_text(line + "\n" + line + "\n")
    batch = slacode.read_events(path, type_map={"contact_attempt": "Call"})
    assert [d.code for d in batch.diagnostics] == ["SLA517"]


# -- a THEIRS no event had ------------------------------------------------------------

def test_a_mapped_type_no_event_had_is_said_at_the_end_with_the_near_spelling(tmp_path):
    path = tmp_path / "e.jsonl"
    path.write_text(json.dumps({"lead": "A", "at": "2026-11-16T10:00:00Z", "type": "status change",
                                "state": "mql"}) + "\n" + "{bad\n")
    batch = slacode.read_events(path, type_map={"state": "Status Change"})
    assert [d.code for d in batch.diagnostics] == ["SLA501", "SLA522"]     # after the file's own
    said = batch.diagnostics[-1]
    assert said.message == ("type map state=\"Status Change\": no event of the input has the type 'Status Change', "
                            "so no event was read as 'state' through it")
    assert said.hint.startswith("types are matched exactly, case and spaces included: the events have "
                                "'status change'; write --type-map state=\"status change\"")


# -- bad values -------------------------------------------------------------------------

@pytest.mark.parametrize("given, said", [
    (["state"], '--type-map state: write OURS=THEIRS, the type the agreement reads and the type the events have '
                '(--type-map state="Status Change")'),
    (["state="], '--type-map: type map state="": write OURS=THEIRS with both parts (--type-map state="Status Change")'),
    (["=Call"], '--type-map: type map ""=Call: write OURS=THEIRS with both parts'),
    (["a=x", "b=x"], "--type-map: the type 'x' is mapped twice (a=x and b=x): an event is read as one type; keep one"),
    (["call=call"], "--type-map: type map call=call: maps the type 'call' to itself"),
])
def test_bad_type_maps_are_usage_errors_with_an_example(capsys, given, said):
    argv = [a for g in given for a in ("--type-map", g)]
    code, out, err = run(capsys, "check", REVOPS, SFDC, *COLUMNS, *argv, "--as-of", AS_OF)
    assert code == 2
    assert said in err
    assert out == ""


def test_bad_type_maps_in_the_library():
    with pytest.raises(ValueError, match="write OURS=THEIRS"):
        slacode.read_events(SFDC, type_map=["state"])
    with pytest.raises(ValueError, match="mapped twice"):
        slacode.read_events(SFDC, type_map=[("a", "x"), ("b", "x")])
    with pytest.raises(TypeError, match="not one text"):
        slacode.read_events(SFDC, type_map="state=Status Change")
    with pytest.raises(TypeError):
        slacode.read_events(SFDC, type_map=[("state", 3)])
    agreement = slacode.load(REVOPS)
    with pytest.raises(ValueError, match="mapped twice"):      # in memory too, before any event is read
        agreement.evaluate_many([{"lead": "A", "at": AS_OF, "type": "Call"}], as_of=AS_OF,
                                type_map=[("a", "Call"), ("b", "Call")])


@pytest.mark.parametrize("command", ["check", "explain", "report", "due", "changes"])
def test_every_command_that_reads_events_takes_the_type_map(capsys, command):
    code, out, err = run(capsys, command, "--help")
    assert code == 0 and "--type-map OURS=THEIRS" in out


# -- when SLA626 is not said ------------------------------------------------------------

def sla626(result) -> list:
    return [d for d in result.diagnostics if d.code == "SLA626"]


def test_not_on_the_shared_conformance_cases():
    cases = sorted((ROOT.parent / "shared" / "conformance" / "cases").glob("*/agreement.sla"))
    assert cases
    for spec in cases:
        result = slacode.load(spec).evaluate_many([spec.parent / "events.jsonl"], as_of="2027-01-01T00:00:00Z", jobs=1)
        assert not sla626(result), spec


def test_not_on_the_bench_data(tmp_path):
    bench = ROOT.parent / "shared" / "bench"
    path = tmp_path / "bench.jsonl"
    subprocess.run([sys.executable, str(bench / "gen_events.py"), "300", str(path), "--seed", "42"], check=True,
                   capture_output=True)
    result = slacode.load(bench / "bench.sla").evaluate_many([path], as_of="2027-01-01T00:00:00Z", jobs=1)
    assert result.verdicts and not sla626(result)


def test_not_for_a_service_call_nor_explain_of_one_lead(capsys):
    agreement = slacode.load(REVOPS)
    events = [{"lead": "A", "at": "2026-12-01T10:00:00Z", "type": "Status Change", "state": "MQL"}]
    assert not sla626(agreement.evaluate(events, as_of=AS_OF))          # a service's lead: no export
    assert not sla626(agreement.evaluate(events, as_of=AS_OF, aggregates=False))
    assert sla626(agreement.evaluate(slacode.read_events(SFDC, csv_columns={
        "lead": "Lead ID", "at": "Created Date", "type": "Activity"}), as_of=AS_OF))   # a file read: said
    code, out, err = run(capsys, "explain", REVOPS, SFDC, *COLUMNS, "--lead", "L-1", "--as-of", AS_OF)
    assert code == 0 and "SLA626" not in out + err


AGREEMENT = 'agreement "x" {{ timezone "UTC"; teams sales }}\n{body}\n'


def files_result(tmp_path, body: str, events: list[dict]):
    path = tmp_path / "e.jsonl"
    path.write_text("\n".join(json.dumps(e) for e in events) + "\n")
    return slacode.loads(AGREEMENT.format(body=body)).evaluate_many([path], as_of=AS_OF, jobs=1)


STATE_EVENT = {"lead": "A", "at": "2026-12-01T10:00:00Z", "type": "state", "state": "mql"}
NOTE_EVENT = {"lead": "B", "at": "2026-12-01T10:00:00Z", "type": "note"}


def test_state_events_count_only_when_the_agreement_reads_states(tmp_path):
    deadline = "deadline d {\n  owner sales\n  start on assigned\n  stop on call\n  within 1h\n}"
    said = sla626(files_result(tmp_path, deadline, [STATE_EVENT, NOTE_EVENT]))
    assert len(said) == 1 and "starts on events of type `assigned`," in said[0].message
    assert "its 2 events are of type 'note' (1), 'state' (1)" in said[0].message
    entering = "deadline d {\n  owner sales\n  start on enter mql\n  stop on call\n  within 1h\n}"
    assert not sla626(files_result(tmp_path, entering, [STATE_EVENT, NOTE_EVENT]))


def test_a_flow_starts_on_any_state_event_and_a_quota_on_what_it_counts(tmp_path):
    flow = "states { mql; sql }\nflow {\n  mql -> sql\n}"
    assert not sla626(files_result(tmp_path, flow, [STATE_EVENT]))
    assert sla626(files_result(tmp_path, flow, [NOTE_EVENT]))
    quota = "quota q {\n  owner sales\n  count note\n  at least 1 per month\n}"
    assert not sla626(files_result(tmp_path, quota, [NOTE_EVENT]))
    said = sla626(files_result(tmp_path, quota, [STATE_EVENT]))
    assert len(said) == 1 and said[0].message.startswith("`count` of quota `q`: the agreement starts on events of "
                                                         "type `note`, and no event")


def test_a_start_when_can_start_on_any_event(tmp_path):
    when = "deadline d {\n  owner sales\n  start when score >= 80\n  stop on call\n  within 1h\n}"
    assert not sla626(files_result(tmp_path, when, [NOTE_EVENT]))


def test_one_lead_with_a_start_type_is_enough(tmp_path):
    deadline = "deadline d {\n  owner sales\n  start on assigned where owner == \"zed\"\n  stop on call\n  within 1h\n}"
    # the start does not fire (its `where`), but the type is the agreement's: no SLA626
    assigned = {"lead": "C", "at": "2026-12-01T10:00:00Z", "type": "assigned", "owner": "ana"}
    assert not sla626(files_result(tmp_path, deadline, [NOTE_EVENT, assigned]))


# -- --jobs N as one process ------------------------------------------------------------

@pytest.mark.skipif(not parallel.can_fork(), reason="parallel evaluation needs fork")
@pytest.mark.parametrize("mapped", [False, True])
def test_jobs_2_says_what_one_process_says(tmp_path, capsys, monkeypatch, mapped):
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 0)
    monkeypatch.setattr(parallel, "MIN_PARALLEL_RECORDS", 0)
    crm = crm_copy(ROOT / "specs" / "events.jsonl", tmp_path / "crm.jsonl")
    options = [*map_options(), "--type-map", "meeting_booked=Meeting"] if mapped else []
    outs = []
    for jobs in ("1", "2"):
        code, out, err = run(capsys, "check", NORTHWIND, crm, *options, "--as-of", AS_OF, "--format", "jsonl",
                             "--jobs", jobs, "--fail-on", "input")
        outs.append((code, out))
    assert outs[0] == outs[1]
    codes = [d["code"] for d in jsonl_records(outs[0][1], "diagnostic")]
    # read as they are, no event starts anything (SLA626); mapped, only `Meeting` was never seen (SLA522)
    assert (codes.count("SLA626"), codes.count("SLA522")) == ((0, 1) if mapped else (1, 0))
    assert outs[0][0] == 1
