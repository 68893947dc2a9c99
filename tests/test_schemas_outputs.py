"""The JSON Schemas of ``report``, ``due``, ``diff`` and ``test`` output describe the real outputs.

Each schema is a valid draft 2020-12 schema. The outputs of the bundled Northwind example
validate, and so do those of edge inputs that reach the rarer branches (an empty event file,
failing and broken test blocks, every ``--by`` and ``--period``, ``due --within`` and
``--overdue``, a diff without events, with them, of identical files, of a restatement and of
a reordering). Altered outputs (a key removed, a wrong type, an unknown status or kind) do not.
"""
from __future__ import annotations

import copy
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from slacode.schemas import SCHEMAS, load_schema
from tests.conftest import ROOT, run_slacode
from tests.test_schemas import problems as schema_problems
from tests.test_schemas import validator

AS_OF = "2026-11-20T18:00:00-03:00"
SLACODE = shutil.which("slacode")
DRAFT = "https://json-schema.org/draft/2020-12/schema"
NAMES = ("report", "due", "diff", "tests")
SPEC, SPEC_V2, EVENTS = "specs/northwind.sla", "specs/northwind_v2.sla", "specs/events.jsonl"
STATUSES = {"met", "breached", "cancelled", "paused", "at_risk", "pending"}


def run(*args, cwd=ROOT):
    """The command in this process (:func:`tests.conftest.run_slacode`)."""
    return run_slacode(args, cwd=cwd)


def output(*args, cwd=ROOT, codes=(0,)):
    """The JSON a command prints (its exit status must be one of ``codes``)."""
    proc = run(*args, cwd=cwd)
    assert proc.returncode in codes, (proc.returncode, proc.stderr[-2000:])
    return json.loads(proc.stdout)


def problems(name: str, instance, pointer: str = "") -> list[str]:
    return schema_problems(validator(name, pointer), instance)


def valid(name: str, instance, pointer: str = "") -> bool:
    return validator(name, pointer).is_valid(instance)


def altered(doc, change):
    """A deep copy of ``doc`` changed by ``change`` (which may change it in place)."""
    out = copy.deepcopy(doc)
    change(out)
    return out


# ------------------------------------------------------------------ the schemas

def test_the_new_schemas_are_registered():
    assert set(NAMES) <= set(SCHEMAS)
    assert all(SCHEMAS[n].startswith("`slacode ") for n in NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_schema_is_draft_2020_12_self_contained_and_described(name):
    schema = load_schema(name)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == DRAFT
    assert schema["$id"] == f"https://slacode.dev/schemas/{name}.schema.json"
    assert schema["title"] and schema["description"]
    text = json.dumps(schema)
    assert '"$ref": "http' not in text and ".schema.json#" not in text       # no other file
    refs = {r.split("/")[-1] for r in _refs(schema)}
    assert refs <= set(schema["$defs"]), refs - set(schema["$defs"])
    # every property says what it means (but in the verdict definition, the verdicts schema's own)
    undescribed = [path for path, prop in _properties(schema) if "description" not in prop
                   and not path.startswith("/$defs/verdictFields/")]
    assert undescribed == []


def _refs(node):
    if isinstance(node, dict):
        for k, v in node.items():
            if k == "$ref":
                yield v
            else:
                yield from _refs(v)
    elif isinstance(node, list):
        for v in node:
            yield from _refs(v)


def _properties(node, path=""):
    """(path, schema) of each property declared with a type (the ones a reader looks up)."""
    if isinstance(node, dict):
        for key, prop in (node.get("properties") or {}).items():
            if isinstance(prop, dict) and ("type" in prop or "enum" in prop):
                yield f"{path}/{key}", prop
        for k, v in node.items():
            if k not in ("properties", "if", "then", "else", "not"):
                yield from _properties(v, f"{path}/{k}")
            elif k == "properties":
                for key, prop in v.items():
                    yield from _properties(prop, f"{path}/{key}")


def test_the_verdict_definition_is_the_one_of_the_verdicts_schema():
    report, verdicts = load_schema("report")["$defs"], load_schema("verdicts")["$defs"]
    for key in ("verdict", "verdictFields", "instant"):
        assert report[key] == verdicts[key], key
    for name in ("due", "diff"):
        assert load_schema(name)["$defs"]["instant"] == verdicts["instant"]


# ----------------------------------------------------------------- report

@pytest.fixture(scope="module")
def report_json() -> dict:
    return output("report", SPEC, EVENTS, "--as-of", AS_OF, "--format", "json")


def test_report_of_the_example_validates(report_json):
    assert problems("report", report_json) == []
    assert report_json["rows"] and report_json["targets"] and report_json["quotas"] and report_json["recognition"]
    assert {t["status"] for t in report_json["targets"]} >= {"met", "breached"}
    assert any(r["median_seconds"] is not None for r in report_json["rows"])
    assert any(r["median_seconds"] is None for r in report_json["rows"])        # flow has no response times


PERIOD_LABELS = {"day": "2026-11-20", "week": "2026-W47", "month": "2026-11", "quarter": "2026-Q4"}


@pytest.mark.parametrize("by", ["rule", "owner", "assignee", "segment"])
@pytest.mark.parametrize("period", ["day", "week", "month", "quarter"])
def test_report_by_every_group_and_period_validates(by, period):
    doc = output("report", SPEC, EVENTS, "--as-of", AS_OF, "--format", "json", "--by", by, "--period", period)
    assert problems("report", doc) == []
    assert doc["by"] == by and doc["period"] == period
    assert doc["periods"][-1]["period"] == PERIOD_LABELS[period]
    if period == "day":
        assert any(r["rate"] is None for r in doc["rows"])                   # a quiet day (a weekend)
    assert all(by in row for row in doc["rows"]) and all(by in g for g in doc["groups"])
    # the group key of another grouping, or a label of another period, is refused
    other = "owner" if by != "owner" else "rule"
    assert not valid("report", altered(doc, lambda d: d["rows"][0].update({other: d["rows"][0].pop(by)})))
    wrong = PERIOD_LABELS["week" if period != "week" else "month"]
    assert not valid("report", altered(doc, lambda d: d["totals"][0].update(period=wrong)))


def test_report_placeholder_groups_validate():
    by_owner = output("report", SPEC, EVENTS, "--as-of", AS_OF, "--format", "json", "--by", "owner")
    assert "(no owner)" in {g["owner"] for g in by_owner["groups"]}
    by_segment = output("report", SPEC, EVENTS, "--as-of", AS_OF, "--format", "json", "--by", "segment")
    assert "(default)" in {g["segment"] for g in by_segment["groups"]}
    assert problems("report", by_owner) == [] and problems("report", by_segment) == []


def test_report_of_an_empty_event_file_validates(tmp_path: Path):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    doc = output("report", SPEC, empty, "--as-of", AS_OF, "--format", "json")
    assert problems("report", doc) == []
    assert doc["periods"] == doc["rows"] == doc["groups"] == doc["totals"] == doc["recognition"] == []
    assert doc["total"]["rate"] is None and doc["total"]["median_seconds"] is None


def test_report_with_owner_and_rule_filters_validates():
    doc = output("report", SPEC, EVENTS, "--as-of", AS_OF, "--format", "json", "--owner", "marketing",
                 "--by", "assignee", "--period", "month")
    assert problems("report", doc) == []
    assert {v["owner"] for v in doc["targets"] + doc["quotas"]} == {"marketing"}
    doc = output("report", SPEC, EVENTS, "--as-of", AS_OF, "--format", "json", "--rule", "first_touch")
    assert problems("report", doc) == []
    assert {r["rule"] for r in doc["rows"]} == {"first_touch.within"}


def _first_row_with(doc, **match):
    return next(i for i, r in enumerate(doc["rows"]) if all(r[k] == v for k, v in match.items()))


@pytest.mark.parametrize("change", [
    pytest.param(lambda d: d.pop("recognition"), id="recognition removed"),
    pytest.param(lambda d: d.pop("totals"), id="totals removed"),
    pytest.param(lambda d: d.update(by="team"), id="unknown grouping"),
    pytest.param(lambda d: d.update(period="year"), id="unknown period"),
    pytest.param(lambda d: d.update(extra=1), id="unknown key"),
    pytest.param(lambda d: d["rows"][0].pop("met"), id="row count removed"),
    pytest.param(lambda d: d["rows"][0].update(met="3"), id="count as text"),
    pytest.param(lambda d: d["rows"][0].update(met=-1), id="negative count"),
    pytest.param(lambda d: d["rows"][0].update(rate=1.5), id="rate above 1"),
    pytest.param(lambda d: d["rows"][0].update(complete="yes"), id="complete as text"),
    pytest.param(lambda d: d["rows"][0].update(late=0), id="unknown status count"),
    pytest.param(lambda d: d["total"].update(rate=None), id="no rate although judged"),
    pytest.param(lambda d: next(r for r in d["rows"] if r["responses"]).update(median_seconds=None),
                 id="a p90 but no median"),
    pytest.param(lambda d: d["total"].update(median_seconds=5.0), id="a median but no p90"),
    pytest.param(lambda d: d["rows"][-1].update(complete=False, settled=True), id="settled while running"),
    pytest.param(lambda d: d["periods"][0].pop("settled"), id="period without settled"),
    pytest.param(lambda d: d["rows"][0].pop("settled"), id="row without settled"),
    pytest.param(lambda d: d.update(response_clause="first_touch.require"), id="response clause untimed"),
    pytest.param(lambda d: d.pop("response_clause"), id="response clause removed"),
    pytest.param(lambda d: d["periods"][0].update(start="2026-10-05"), id="start not an instant"),
    pytest.param(lambda d: d["periods"][0].pop("end"), id="period end removed"),
    pytest.param(lambda d: d["groups"][0].update(period="2026-W47"), id="period on a group"),
    pytest.param(lambda d: d["targets"][0].update(status="late"), id="unknown target status"),
    pytest.param(lambda d: d["targets"][0].update(status="at_risk"), id="at_risk target"),
    pytest.param(lambda d: d["targets"][0].update(clause="count"), id="quota among targets"),
    pytest.param(lambda d: d["targets"][0].update(lead="nw-0001"), id="target with a lead"),
    pytest.param(lambda d: d["targets"][0].update(started_at=d["as_of"]), id="target with a start"),
    pytest.param(lambda d: d["quotas"][0].update(value=2.5), id="fractional count"),
    pytest.param(lambda d: d["quotas"][0].pop("reason"), id="quota reason removed"),
    pytest.param(lambda d: d["recognition"][0].update(points=None), id="points null"),
    pytest.param(lambda d: d["recognition"][0].update(perfect_weeks=["2026-11"]), id="perfect month"),
    pytest.param(lambda d: d["recognition"][0].update(badge="star"), id="unknown standing key"),
    pytest.param(lambda d: d["agreement"].pop("version"), id="version removed"),
])
def test_altered_reports_are_refused(report_json, change):
    assert valid("report", report_json)
    assert not valid("report", altered(report_json, change))


def test_library_compliance_validates():
    import slacode
    from slacode.report import compliance, standings

    agreement = slacode.load(str(ROOT / SPEC))
    result = agreement.evaluate(slacode.read_events(str(ROOT / EVENTS)).records, as_of=AS_OF)
    comp = compliance(result, by="assignee", period="month", plan=agreement.plan).to_dict()
    assert problems("report", comp, "/$defs/complianceDocument") == []
    assert problems("report", comp, "/$defs/compliance") == []
    assert not valid("report", comp)                                     # the command adds `recognition`
    assert not valid("report", {**comp, "recognition": []}, "/$defs/complianceDocument")
    board = [s.to_dict() for s in standings(result)]
    assert board and all(valid("report", s, "/$defs/standing") for s in board)
    assert problems("report", {**comp, "recognition": board}) == []


# -------------------------------------------------------------------- due

@pytest.fixture(scope="module")
def due_json() -> dict:
    return output("due", SPEC, EVENTS, "--as-of", AS_OF, "--format", "json", "--overdue")


def test_due_of_the_example_validates(due_json):
    assert problems("due", due_json) == []
    assert due_json["within_seconds"] is None
    kinds = {(d["next"], d["status"]) for d in due_json["due"]}
    assert {("due", "pending"), ("warn", "pending"), ("due", "paused"), ("overdue", "breached")} <= kinds
    assert any(d["warn_at"] is None for d in due_json["due"])
    assert {d["clause"] for d in due_json["due"]} == {"within", "at_least_within"}


def test_due_within_a_window_validates():
    doc = output("due", SPEC, EVENTS, "--as-of", "2026-11-19T11:00:00-03:00", "--within", "3h", "--format", "json")
    assert problems("due", doc) == []
    assert doc["within_seconds"] == 3 * 3600 and doc["due"]
    narrow = output("due", SPEC, EVENTS, "--as-of", AS_OF, "--within", "1m", "--format", "json")
    assert problems("due", narrow) == []


def test_due_of_an_empty_event_file_validates(tmp_path: Path):
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    doc = output("due", SPEC, empty, "--as-of", AS_OF, "--format", "json")
    assert problems("due", doc) == [] and doc["due"] == []


AT_RISK = """\
agreement "desk" { version "1"; timezone "UTC"; teams sales }
deadline first_touch {
  owner sales
  start on assigned
  stop on contact_attempt
  within 4h
  warn at 50%
}
"""


def test_due_jsonl_lines_and_an_at_risk_clock_validate(tmp_path: Path):
    (tmp_path / "desk.sla").write_text(AT_RISK, encoding="utf-8")
    (tmp_path / "events.jsonl").write_text(
        '{"lead": "L-1", "at": "2026-11-20T09:00:00Z", "type": "assigned"}\n'
        '{"lead": "L-2", "at": "2026-11-20T11:30:00Z", "type": "assigned", "owner": "ana"}\n', encoding="utf-8")
    proc = run("due", "desk.sla", "events.jsonl", "--as-of", "2026-11-20T12:00:00Z", "--format", "jsonl",
               cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    lines = [json.loads(line) for line in proc.stdout.splitlines()]
    assert {(d["status"], d["next"]) for d in lines} == {("at_risk", "due"), ("pending", "warn")}
    assert all(problems("due", d, "/$defs/clock") == [] for d in lines)
    assert not valid("due", lines[0])                                    # a line is not the document


@pytest.mark.parametrize("change", [
    pytest.param(lambda d: d.pop("within_seconds"), id="window removed"),
    pytest.param(lambda d: d.update(within_seconds="3h"), id="window as text"),
    pytest.param(lambda d: d["due"][0].pop("next_at"), id="next_at removed"),
    pytest.param(lambda d: d["due"][0].update(next="soon"), id="unknown next"),
    pytest.param(lambda d: d["due"][0].update(status="late"), id="unknown status"),
    pytest.param(lambda d: d["due"][0].update(status="met"), id="a closed clock"),
    pytest.param(lambda d: d["due"][0].update(cycle="1"), id="cycle as text"),
    pytest.param(lambda d: d["due"][0].update(clause="gap"), id="untimed clause"),
    pytest.param(lambda d: d["due"][0].update(paused="false"), id="paused as text"),
    pytest.param(lambda d: d["due"][0].update(working_left_seconds=-5.0), id="negative working time"),
    pytest.param(lambda d: d["due"][0].update(due_at="2026-11-20 18:00"), id="not an instant"),
    pytest.param(lambda d: d["due"][0].update(colour="red"), id="unknown key"),
])
def test_altered_due_lists_are_refused(due_json, change):
    assert valid("due", due_json)
    assert not valid("due", altered(due_json, change))


def test_due_kinds_hang_together(due_json):
    clocks = due_json["due"]
    overdue = next(d for d in clocks if d["next"] == "overdue")
    paused = next(d for d in clocks if d["status"] == "paused")
    warn = next(d for d in clocks if d["next"] == "warn")
    v = validator("due", "/$defs/clock")
    assert v.is_valid(overdue) and v.is_valid(paused) and v.is_valid(warn)
    assert not v.is_valid({**overdue, "status": "pending"})           # overdue is a breached clock
    assert not v.is_valid({**overdue, "time_left_seconds": 60.0})      # ... past its deadline
    assert not v.is_valid({**warn, "time_left_seconds": -60.0})        # an open clock is not past it
    assert not v.is_valid({**paused, "paused": False})
    assert not v.is_valid({**warn, "paused": True})
    assert not v.is_valid({**warn, "warn_at": None})


def test_library_due_items_validate():
    import slacode
    from slacode.report import upcoming

    agreement = slacode.load(str(ROOT / SPEC))
    items = upcoming(agreement, slacode.read_events(str(ROOT / EVENTS)).records, as_of=AS_OF, overdue=True)
    assert items and all(valid("due", d.to_dict(), "/$defs/clock") for d in items)


# ------------------------------------------------------------------- diff

@pytest.fixture(scope="module")
def diff_json() -> dict:
    return output("diff", SPEC, SPEC_V2, "--events", EVENTS, "--as-of", AS_OF, "--format", "json", codes=(1,))


def test_diff_of_the_example_validates(diff_json):
    assert problems("diff", diff_json) == []
    # the example's events have broken lines on purpose: the reading's diagnostics come along
    codes = {d["code"] for d in diff_json["diagnostics"]}
    assert {"SLA501", "SLA517"} <= codes, codes
    assert not valid("diff", {**diff_json, "diagnostics": [{"code": "SLA501"}]})
    assert diff_json["differs"] is True and diff_json["impact"]["changed"] > 0
    assert {c["kind"] for c in diff_json["changes"]} >= {"added", "removed", "changed"}
    assert any(c["subject"] is None for c in diff_json["changes"])
    assert any(lc["from"] is None for lead in diff_json["impact"]["leads"]["listed"] for lc in lead["changes"])


def test_diff_without_events_validates():
    doc = output("diff", SPEC, SPEC_V2, "--format", "json", codes=(1,))
    assert problems("diff", doc) == [] and doc["impact"] is None and doc["diagnostics"] == []
    assert not valid("diff", {**doc, "differs": False})                # a change in meaning differs


def test_diff_of_identical_files_validates():
    doc = output("diff", SPEC, SPEC, "--format", "json")
    assert problems("diff", doc) == [] and doc["changes"] == [] and doc["differs"] is False
    assert not valid("diff", {**doc, "differs": True})
    doc = output("diff", SPEC, SPEC, "--events", EVENTS, "--as-of", AS_OF, "--format", "json")
    assert problems("diff", doc) == []
    assert doc["impact"]["changed"] == 0 and doc["impact"]["by_clause"] == [] and doc["impact"]["leads"]["count"] == 0


def test_diff_with_no_leads_listed_validates():
    doc = output("diff", SPEC_V2, SPEC, "--events", EVENTS, "--as-of", AS_OF, "--format", "json",
                 "--leads-limit", "0", codes=(1,))
    assert problems("diff", doc) == []
    assert doc["impact"]["leads"]["listed"] == [] and doc["impact"]["leads"]["count"] > 0


OLD = """\
agreement "desk" { version "1"; timezone "America/Sao_Paulo"; teams sales, marketing }
calendar office { timezone "America/Sao_Paulo"; hours mon-fri 09:00-18:00 }
states {
  new
  working
  won final
  lost final
}
flow {
  new -> working, lost
  working -> won, lost
}
segment hot = score >= 80
let hours_to_touch = 4
deadline first_touch {
  owner sales
  start on assigned where owner == "ana" or channel == "web"
  stop on contact_attempt
  within 4h on office
  warn at 75%
}
target touches {
  owner sales
  rule first_touch
  at least 90% met per week
}
quota volume {
  owner marketing
  count assigned
  at least 3 per week
}
"""
NEW = (OLD.replace('version "1"', 'version "2"').replace("09:00-18:00", "09:00-17:00")
       .replace("new -> working, lost", "new -> working, won, lost").replace("score >= 80", "score >= 70")
       .replace("let hours_to_touch = 4", "let hours_to_touch = 3").replace("within 4h", "within 1h")
       .replace("warn at 75%", "warn at 50%").replace("at least 90%", "at least 80%")
       .replace("at least 3 per week", "at least 5 per week")
       + 'test "a quick touch" {\n  as of 2026-11-16T12:00:00-03:00\n'
         '  at 2026-11-16T10:00:00-03:00 assigned\n'
         '  at 2026-11-16T10:10:00-03:00 contact_attempt\n'
         '  expect first_touch met\n}\n')
RESTATED = OLD.replace('owner == "ana" or channel == "web"', 'channel == "web" or owner == "ana"')
REORDERED = OLD.replace("segment hot = score >= 80\n", "").replace("let hours_to_touch = 4\n",
                                                                     "let hours_to_touch = 4\nsegment hot = score >= 80\n")
DESK_EVENTS = "".join(
    json.dumps({"lead": f"L-{i}", "at": f"2026-11-{day}T{start}:00-03:00", "type": "assigned",
                "owner": "ana", "fields": {"score": 50}}) + "\n"
    + json.dumps({"lead": f"L-{i}", "at": f"2026-11-{day}T{touch}:00-03:00", "type": "contact_attempt"}) + "\n"
    for i, (day, start, touch) in enumerate([("09", "10:00", "10:20"), ("10", "10:00", "12:30"),
                                             ("11", "14:00", "14:50"), ("16", "09:00", "11:05"),
                                             ("17", "11:00", "11:40"), ("18", "15:00", "15:10")]))


@pytest.fixture
def desk(tmp_path: Path) -> Path:
    for name, text in (("old.sla", OLD), ("new.sla", NEW), ("restated.sla", RESTATED), ("reordered.sla", REORDERED)):
        (tmp_path / name).write_text(text, encoding="utf-8")
    (tmp_path / "events.jsonl").write_text(DESK_EVENTS, encoding="utf-8")
    return tmp_path


def test_diff_of_every_area_and_direction_validates(desk: Path):
    doc = output("diff", "old.sla", "new.sla", "--events", "events.jsonl", "--as-of", "2026-11-20T18:00:00-03:00",
                 "--format", "json", cwd=desk, codes=(1,))
    assert problems("diff", doc) == []
    areas = {c["area"] for c in doc["changes"]}
    assert {"agreement", "calendar", "flow", "segment", "let", "deadline", "target", "quota", "test"} <= areas
    directions = {c["direction"] for c in doc["changes"]}
    assert {"shorter", "loosened", "widened", "tightened", "earlier", None} <= directions
    assert doc["test_changes"] == 1
    by_clause = {(c["rule"], c["clause"]): c for c in doc["impact"]["by_clause"]}
    assert by_clause[("first_touch", "within")]["periods"] == []
    assert by_clause[("volume", "count")]["periods"]                       # an aggregate names its periods
    # the areas and directions hang together
    v = validator("diff", "/$defs/change")
    calendar = next(c for c in doc["changes"] if c["area"] == "calendar")
    assert v.is_valid(calendar) and not v.is_valid({**calendar, "area": "let"})
    assert not v.is_valid({**calendar, "subject": None})
    flow = next(c for c in doc["changes"] if c["area"] == "flow")
    assert not v.is_valid({**flow, "subject": "flow"})
    test = next(c for c in doc["changes"] if c["area"] == "test")
    assert not v.is_valid({**test, "subject": "a quick touch"})           # a test's name is quoted
    clause = validator("diff", "/$defs/clauseImpact")
    assert not clause.is_valid({**by_clause[("volume", "count")], "periods": []})
    assert not clause.is_valid({**by_clause[("first_touch", "within")], "periods": ["2026-W47"]})


def test_diff_of_a_restatement_and_of_a_reordering_validates(desk: Path):
    doc = output("diff", "old.sla", "restated.sla", "--format", "json", cwd=desk)
    assert problems("diff", doc) == []
    assert [(c["area"], c["kind"]) for c in doc["changes"]] == [("deadline", "restated")]
    assert doc["semantic_changes"] == 0 and doc["differs"] is False
    doc = output("diff", "old.sla", "reordered.sla", "--format", "json", cwd=desk)
    assert problems("diff", doc) == []
    assert [(c["area"], c["subject"], c["kind"]) for c in doc["changes"]] == [("file", None, "restated")]
    v = validator("diff", "/$defs/change")
    assert not v.is_valid({**doc["changes"][0], "kind": "changed"})       # a reordering is a restatement
    assert not v.is_valid({**doc["changes"][0], "before": "x"})


@pytest.mark.parametrize("change", [
    pytest.param(lambda d: d.pop("impact"), id="impact removed"),
    pytest.param(lambda d: d.pop("test_changes"), id="test_changes removed"),
    pytest.param(lambda d: d.update(differs="yes"), id="differs as text"),
    pytest.param(lambda d: d.update(extra=None), id="unknown key"),
    pytest.param(lambda d: d["old"].pop("source"), id="source removed"),
    pytest.param(lambda d: d["changes"][0].update(kind="modified"), id="unknown kind"),
    pytest.param(lambda d: d["changes"][0].update(area="rule"), id="unknown area"),
    pytest.param(lambda d: d["changes"][0].update(direction="up"), id="unknown direction"),
    pytest.param(lambda d: d["changes"][0].pop("text"), id="change text removed"),
    pytest.param(lambda d: d["changes"][0].update(message=""), id="empty message"),
    pytest.param(lambda d: d["impact"].update(changed="272"), id="changed as text"),
    pytest.param(lambda d: d["impact"].update(as_of="yesterday"), id="as_of not an instant"),
    pytest.param(lambda d: d["impact"]["verdicts"].pop("new"), id="verdict count removed"),
    pytest.param(lambda d: d["impact"]["by_clause"][0]["transitions"][0].update(to="late"), id="unknown status"),
    pytest.param(lambda d: d["impact"]["by_clause"][0]["transitions"][0].update(count=0), id="count 0"),
    pytest.param(lambda d: d["impact"]["by_clause"][0]["transitions"][0].update(to="met", **{"from": "met"}),
                 id="no change"),
    pytest.param(lambda d: d["impact"]["by_clause"][0].update(changed=0), id="clause without changes"),
    pytest.param(lambda d: d["impact"]["leads"]["listed"][0]["changes"][0].update(cycle_new=0), id="cycle 0"),
    pytest.param(lambda d: d["impact"]["leads"]["listed"][0]["changes"][0].update(cycle_new=None), id="cycle lost"),
    pytest.param(lambda d: d["impact"]["leads"]["listed"][0].update(changes=[]), id="lead without changes"),
    pytest.param(lambda d: d["impact"]["leads"].update(count=None), id="lead count null"),
])
def test_altered_diffs_are_refused(diff_json, change):
    assert valid("diff", diff_json)
    assert not valid("diff", altered(diff_json, change))


def test_library_diff_validates():
    import slacode
    from slacode.diff import impact, semantic_diff, to_json_dict

    old, new = slacode.load(str(ROOT / SPEC)), slacode.load(str(ROOT / SPEC_V2))
    changes = semantic_diff(old, new)
    assert problems("diff", to_json_dict(old, new, changes, None)) == []       # no sources: null
    imp = impact(old, new, slacode.read_events(str(ROOT / EVENTS)).records, AS_OF)
    assert problems("diff", to_json_dict(old, new, changes, imp, old_source="a", new_source="b")) == []


# ------------------------------------------------------------------ tests

BLOCKS = """\
agreement "desk" { version "1"; timezone "UTC"; teams sales }
segment hot = score >= 80
deadline first_touch {
  owner sales
  start on assigned
  stop on contact_attempt
  within 4h for hot
  within 8h
}
test "passes" {
  as of 2026-11-20T12:00:00Z
  at 2026-11-20T09:00:00Z assigned
  at 2026-11-20T09:30:00Z contact_attempt
  expect first_touch met
  expect first_touch.within met due 2026-11-20T17:00:00Z
}
test "fails" {
  as of 2026-11-20T20:00:00Z
  lead "L-1"
  at 2026-11-20T09:00:00Z assigned set score = "90"
  expect first_touch met due 2026-11-20T13:00:00Z
  expect first_touch cycle 2 met
  expect first_touch pending
}
test "cannot run" {
  as of 2026-11-20T12:00:00Z
  at 2026-11-20T09:00:00Z assigned with id = "e1"
  at 2026-11-20T09:30:00Z contact_attempt with id = "e1"
  expect first_touch met
}
"""


@pytest.fixture(scope="module")
def tests_json() -> list:
    return output("test", SPEC, SPEC_V2, "--format", "json")


def test_test_results_of_the_example_validate(tests_json):
    assert problems("tests", tests_json) == []
    assert tests_json and all(t["passed"] for t in tests_json)
    assert len({t["file"] for t in tests_json}) == 2


def test_failing_and_broken_test_blocks_validate(tmp_path: Path):
    (tmp_path / "desk.sla").write_text(BLOCKS, encoding="utf-8")
    doc = output("test", "desk.sla", "--format", "json", cwd=tmp_path, codes=(1,))
    assert problems("tests", doc) == []
    passes, fails, broken = doc
    assert passes["passed"] and passes["error"] is None and passes["warnings"] == []
    assert not fails["passed"] and fails["error"] is None
    assert [e["passed"] for e in fails["expectations"]] == [False, False, False]
    assert fails["warnings"] and all(w.startswith("SLA6") for w in fails["warnings"])
    assert not broken["passed"] and broken["error"] and broken["expectations"] == []
    v = validator("tests")
    assert not v.is_valid([{**passes, "passed": False}])                 # a failed test has a failure
    assert not v.is_valid([{**fails, "passed": True}])
    assert not v.is_valid([{**broken, "error": None}])
    assert not v.is_valid([{**broken, "passed": True}])
    assert not v.is_valid([{**passes, "warnings": ["SLA602 line 3: a number compared with text"]}])


def test_test_results_of_standard_input_and_of_nothing_validate(tmp_path: Path):
    proc = subprocess.run(([SLACODE] if SLACODE else [sys.executable, "-m", "slacode"]) + ["test", "-", "--format", "json"],
                          input=BLOCKS, capture_output=True, text=True, cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    assert problems("tests", json.loads(proc.stdout)) == []
    (tmp_path / "plain.sla").write_text(AT_RISK, encoding="utf-8")
    doc = output("test", "plain.sla", "--format", "json", cwd=tmp_path)
    assert doc == [] and problems("tests", doc) == []


@pytest.mark.parametrize("change", [
    pytest.param(lambda d: d[0].pop("warnings"), id="warnings removed"),
    pytest.param(lambda d: d[0].update(passed="true"), id="passed as text"),
    pytest.param(lambda d: d[0].update(line=0), id="line 0"),
    pytest.param(lambda d: d[0].update(skipped=False), id="unknown key"),
    pytest.param(lambda d: d[0]["expectations"][0].pop("actual"), id="actual removed"),
    pytest.param(lambda d: d[0]["expectations"][0].update(expected="late"), id="unknown status"),
    pytest.param(lambda d: d[0]["expectations"][0].update(actual="late"), id="unknown actual status"),
    pytest.param(lambda d: d[0]["expectations"][0].update(column="1"), id="column as text"),
    pytest.param(lambda d: d[0]["expectations"][0].update(passed=False), id="a failure in a passed test"),
    pytest.param(lambda d: d.append(None), id="null result"),
])
def test_altered_test_results_are_refused(tests_json, change):
    assert valid("tests", tests_json)
    assert not valid("tests", altered(tests_json, change))


def test_library_test_results_validate():
    import orjson

    import slacode
    from slacode import testing

    results = testing.run_tests(slacode.loads(BLOCKS))
    doc = orjson.loads(testing.render_json(results))
    assert doc[0]["file"] is None                                      # no file: null
    assert problems("tests", doc) == []


def test_due_of_the_extensions_validates(tmp_path):
    """review 14-d: a `gap at most` clock has no attempt counts, which the schema asked of every
    clause but `within`."""
    spec = tmp_path / "a.sla"
    spec.write_text(Path(ROOT / "tests" / "cases" / "947-gap-at-most" / "agreement.sla").read_text())
    events = ROOT / "tests" / "cases" / "947-gap-at-most" / "events.jsonl"
    doc = output("due", str(spec), str(events), "--as-of", "2026-11-05T12:00:00-03:00", "--format", "json",
                 "--overdue")
    assert problems("due", doc) == []
    clauses = {(c["clause"], c["attempts_made"]) for c in doc["due"]}
    assert ("gap_at_most", None) in clauses
    assert not valid("due", {**doc, "due": [{**doc["due"][0], "attempts_made": 1}]})
    choice = ROOT / "tests" / "cases" / "948-calendar-choice"
    doc = output("due", str(choice / "agreement.sla"), str(choice / "events.jsonl"), "--as-of",
                 "2026-11-03T12:00:00Z", "--format", "json", "--overdue")
    assert problems("due", doc) == [] and doc["due"]
