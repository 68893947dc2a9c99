"""The JSON Schemas of slacode's machine-readable formats describe its real outputs.

Every schema is a valid draft 2020-12 schema; real outputs (``check`` json and jsonl of the
bundled Northwind example, ``lint`` json of a broken agreement, the events of
``specs/events.jsonl``) validate, and altered ones do not. For events, the schema and the
reader must agree on which objects are usable events.
"""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from slacode.schemas import SCHEMAS, load_schema, schema_text
from tests.conftest import ROOT, run_slacode

AS_OF = "2026-11-20T18:00:00-03:00"
SLACODE = shutil.which("slacode")
DRAFT = "https://json-schema.org/draft/2020-12/schema"


def run(*args, cwd=ROOT):
    """The command in this process (:func:`tests.conftest.run_slacode`)."""
    return run_slacode(args, cwd=cwd)


def validator(name: str, pointer: str = "") -> Draft202012Validator:
    """A validator of schema ``name`` (or of the part at ``#pointer``), checking formats."""
    schema = load_schema(name)
    if not pointer:
        return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    registry = Registry().with_resource(schema["$id"], Resource.from_contents(schema))
    return Draft202012Validator({"$ref": f"{schema['$id']}#{pointer}"}, registry=registry,
                                format_checker=Draft202012Validator.FORMAT_CHECKER)


def problems(v: Draft202012Validator, instance) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message[:200]}" for e in v.iter_errors(instance)]


# ------------------------------------------------------------------ the schemas

@pytest.mark.parametrize("name", list(SCHEMAS))
def test_schema_is_draft_2020_12_with_an_id(name):
    schema = load_schema(name)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == DRAFT
    assert schema["$id"] == f"https://slacode.dev/schemas/{name}.schema.json"
    assert schema["title"] and schema["description"]


@pytest.mark.parametrize("name", list(SCHEMAS))
def test_schema_command_prints_the_shipped_file(name):
    proc = run("schema", name)
    assert proc.returncode == 0 and proc.stderr == ""
    assert proc.stdout == schema_text(name)
    packaged = ROOT / "src" / "slacode" / "schemas" / f"{name}.schema.json"
    assert json.loads(proc.stdout) == json.loads(packaged.read_text(encoding="utf-8"))


def test_schema_command_lists_names_and_refuses_unknown_ones():
    proc = run("schema")
    assert proc.returncode == 0
    assert [line.split()[0] for line in proc.stdout.splitlines()] == list(SCHEMAS)
    assert run("schema", "verdict").returncode == 2
    with pytest.raises(KeyError):
        schema_text("nope")


@pytest.mark.parametrize("name", ["verdicts", "due", "diff"])
def test_the_diagnostic_definition_is_the_same_in_every_schema(name):
    a, b = load_schema("diagnostics")["$defs"], load_schema(name)["$defs"]
    assert a["diagnosticFields"] == b["diagnosticFields"]
    assert a["diagnostic"] == b["diagnostic"]


@pytest.mark.slow
def test_the_wheel_ships_the_schemas(tmp_path: Path):
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                            "-w", str(tmp_path), str(ROOT)], capture_output=True, text=True)
    assert build.returncode == 0, build.stderr[-2000:]
    names = zipfile.ZipFile(next(tmp_path.glob("slacode-*.whl"))).namelist()
    for name in SCHEMAS:
        assert f"slacode/schemas/{name}.schema.json" in names


# ------------------------------------------------------------------- verdicts

@pytest.fixture(scope="module")
def check_json() -> dict:
    proc = run("check", "specs/northwind.sla", "specs/events.jsonl", "--as-of", AS_OF, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.fixture(scope="module")
def check_jsonl() -> list[dict]:
    proc = run("check", "specs/northwind.sla", "specs/events.jsonl", "--as-of", AS_OF, "--format", "jsonl")
    assert proc.returncode == 0, proc.stderr
    return [json.loads(line) for line in proc.stdout.splitlines()]


def test_check_json_validates(check_json):
    assert problems(validator("verdicts"), check_json) == []
    assert problems(validator("verdicts", "/$defs/document"), check_json) == []
    kinds = {(v["lead"] is None, v["clause"]) for v in check_json["verdicts"]}
    assert (True, "ratio") in kinds and (True, "count") in kinds and (False, "transition") in kinds
    assert any("timezone" in v for v in check_json["verdicts"])
    assert check_json["diagnostics"]


def test_every_jsonl_record_validates(check_jsonl):
    v = validator("verdicts")
    record = validator("verdicts", "/$defs/record")
    bad = [(i + 1, p) for i, r in enumerate(check_jsonl) for p in problems(v, r)]
    assert bad == []
    assert all(record.is_valid(r) for r in check_jsonl)
    assert {r["record"] for r in check_jsonl} == {"verdict", "diagnostic", "summary"}
    assert check_jsonl[-1]["record"] == "summary"
    assert not record.is_valid({**check_jsonl[-1], "statuses": {"met": 1}})


def _first(records, **match):
    return next(dict(r) for r in records if all(r.get(k) == val for k, val in match.items()))


@pytest.mark.parametrize("change", [
    pytest.param(lambda r: r.update(status="late"), id="unknown status"),
    pytest.param(lambda r: r.pop("reason"), id="missing key"),
    pytest.param(lambda r: r.update(colour="red"), id="unknown key"),
    pytest.param(lambda r: r.update(cycle=0), id="cycle 0"),
    pytest.param(lambda r: r.update(due_at="2026-11-20 18:00"), id="not an instant"),
    pytest.param(lambda r: r.update(record="verdicts"), id="unknown record kind"),
    pytest.param(lambda r: r.update(period="2026-11"), id="period on a lead verdict"),
    pytest.param(lambda r: r.update(clause="deadline"), id="unknown clause key"),
])
def test_altered_verdict_records_are_refused(check_jsonl, change):
    record = _first(check_jsonl, record="verdict", clause="within")
    v = validator("verdicts")
    assert v.is_valid(record)
    change(record)
    assert not v.is_valid(record)


def test_aggregate_and_flow_and_only_between_rules(check_jsonl):
    v = validator("verdicts")
    ratio = _first(check_jsonl, record="verdict", clause="ratio")
    assert v.is_valid(ratio)
    assert not v.is_valid({**ratio, "cycle": 1})
    assert not v.is_valid({**ratio, "period": None})
    assert not v.is_valid({**ratio, "value": 1.5})
    count = _first(check_jsonl, record="verdict", clause="count")
    assert v.is_valid(count) and not v.is_valid({**count, "value": -1})
    flow = _first(check_jsonl, record="verdict", clause="transition")
    assert v.is_valid(flow) and not v.is_valid({**flow, "cycle": 1}) and not v.is_valid({**flow, "rule": "x"})
    between = _first(check_jsonl, record="verdict", clause="only_between")
    assert v.is_valid(between)
    del between["timezone"]
    assert not v.is_valid(between)


def test_a_verdict_alone_validates_against_its_definition(check_json):
    one = validator("verdicts", "/$defs/verdict")
    assert all(one.is_valid(x) for x in check_json["verdicts"])
    assert not one.is_valid({**check_json["verdicts"][0], "record": "verdict"})


def test_library_results_validate():
    import slacode

    agreement = slacode.loads('''
agreement "quiet-hours" { version "1"; timezone "America/Sao_Paulo"; teams sales }
attempts calls {
  owner sales
  start on assigned
  stop on enter sal
  at least 3 within 2d
  gap at least 1h
  gap at least 10m
  only between 08:00-21:00 in lead timezone
}
''')
    result = agreement.evaluate([
        {"lead": "pt-1", "at": "2026-11-03T12:00:00Z", "type": "assigned", "fields": {"timezone": "Europe/Lisbon"}},
        {"lead": "pt-1", "at": "2026-11-03T21:30:00Z", "type": "contact_attempt"},
        {"lead": "pt-1", "at": "2026-11-03T21:35:00Z", "type": "contact_attempt"},
        {"lead": "pt-1", "at": "2026-11-09T12:00:00", "type": "contact_attempt"},
    ], as_of="2026-11-04T12:00:00Z")
    doc = result.to_dict()
    assert {v["clause"] for v in doc["verdicts"]} >= {"gap", "gap_2", "only_between", "at_least_within"}
    assert doc["diagnostics"]                                      # the event without an offset
    assert problems(validator("verdicts"), doc) == []


# ---------------------------------------------------------------- diagnostics

BROKEN = """\
agreement "broken" { version "1"; timezone "UTC"; teams sales }
calendar office { timezone "UTC"; hours mon-fri 09:00-18:00 }
deadline firstTouch {
  owner sales
  start on assigned
  stop on contact_attempt
  within 4h on ofice
}
"""
SYNTAX_ERROR = 'agreement "x" {\n  teams sales\n}\ndeadline r {\n  within on c\n}\n'


def test_lint_json_of_a_broken_file_validates(tmp_path: Path):
    (tmp_path / "broken.sla").write_text(BROKEN, encoding="utf-8")
    (tmp_path / "syntax.sla").write_text(SYNTAX_ERROR, encoding="utf-8")
    proc = run("lint", "--format", "json", ".", cwd=tmp_path)
    assert proc.returncode == 1
    found = json.loads(proc.stdout)
    assert {d["severity"] for d in found} >= {"error", "warning"}
    assert {d["code"][:4] for d in found} >= {"SLA1", "SLA2", "SLA4"}
    v = validator("diagnostics")
    assert problems(v, found) == []
    one = validator("diagnostics", "/$defs/diagnostic")
    assert all(one.is_valid(d) for d in found)
    for change in ({"severity": "fatal"}, {"code": "SLA08"}, {"line": 0}, {"extra": 1}, {"message": ""}):
        assert not v.is_valid([{**found[0], **change}]), change
    assert not v.is_valid([{k: val for k, val in found[0].items() if k != "url"}])


def test_library_diagnostics_validate():
    from slacode.api import lint

    found = [d.to_dict() for d in lint(BROKEN, None)]
    assert found and problems(validator("diagnostics"), found) == []


# -------------------------------------------------------------------- events

def _reader_accepts(obj) -> bool:
    """Whether slacode's reader uses ``obj`` as an event (no default zone)."""
    from slacode.events import records_from_objects

    diagnostics: list = []
    records = records_from_objects([obj], diagnostics=diagnostics)
    return bool(records) and not any(d.severity == "error" for d in diagnostics)


def test_every_valid_line_of_the_bundled_events_validates():
    from slacode.events import read_events

    path = ROOT / "specs" / "events.jsonl"
    batch = read_events(str(path))
    error_lines = {d.line for d in batch.diagnostics if d.severity == "error"}
    assert error_lines                                 # the file has deliberate mistakes
    v = validator("events")
    checked = refused = 0
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        try:
            obj = json.loads(line)
        except json.JSONDecodeError:
            assert number in error_lines
            continue
        if number in error_lines:
            assert not v.is_valid(obj), f"line {number} is refused by the reader but fits the schema"
            refused += 1
        else:
            assert problems(v, obj) == [], f"line {number}"
            checked += 1
    assert checked > 2500 and refused >= 1


GOOD_TIMESTAMPS = [
    "2026-11-09T16:00:00-03:00", "2026-11-09T16:00:00Z", "2026-11-09t16:00:00z", "2026-11-09 16:00:00+05:30",
    "2026-11-09T16:00:00.123456789Z", "2026-11-09T23:59:59.5-23:59", "2024-02-29T00:00:00+00:00",
]
BAD_TIMESTAMPS = [
    "2026-11-09T16:00:00", "2026-11-09 16:00", "2026-11-09T16:00:00.1234567891Z", "2026-11-09T16:00:60Z",
    "2026-11-09T24:00:00Z", "2026-13-09T16:00:00Z", "2026-11-09T16:00:00+24:00", "2026-11-09T16:00:00+0300",
    "09/11/2026 16:00", "", 1794250800, None,
]
ABSENT = object()
#: key -> (values the reader accepts, values it refuses); ABSENT leaves the key out
KEYS = {
    "lead": (["A", "lead 7", "ü"], ["", 123, True, None, ["A"], ABSENT]),
    "at": (GOOD_TIMESTAMPS, BAD_TIMESTAMPS + [ABSENT]),
    "type": (["assigned", "state", "contact_attempt"], ["", 5, None, ABSENT]),
    "state": (["mql", None, ABSENT], ["", 5]),            # (a `state` event also needs a state)
    "id": (["e1", "", 7, -3, None, ABSENT], [1.5, True, {"a": 1}]),
    "fields": ([{"score": 90}, {"x": None}, {}, None, ABSENT], [["score", 90], "score", 3]),
    "channel": (["phone", 3, None, {"deep": [1, 2]}, ABSENT], []),
}


@st.composite
def events(draw):
    """Event-like objects, each key usually acceptable, sometimes not."""
    obj = {}
    for key, (good, bad) in KEYS.items():
        pool = bad if bad and draw(st.integers(0, 9)) == 0 else good
        value = draw(st.sampled_from(pool))
        if value is not ABSENT:
            obj[key] = value
    return obj


@settings(max_examples=400, deadline=None)
@given(events())
def test_the_event_schema_and_the_reader_agree(obj):
    assert validator("events").is_valid(obj) == _reader_accepts(obj), obj


@pytest.mark.parametrize("obj, ok", [
    ({"lead": "A", "at": "2026-11-09T16:00:00-03:00", "type": "assigned", "owner": "ana"}, True),
    ({"lead": "A", "at": "2026-11-09T16:00:00-03:00", "type": "state", "state": "mql"}, True),
    ({"lead": "A", "at": "2026-11-09T16:00:00-03:00", "type": "state"}, False),
    ({"lead": "A", "at": "2026-11-09T16:00:00", "type": "assigned"}, False),
    ({"lead": 123, "at": "2026-11-09T16:00:00Z", "type": "update", "fields": ["score", 90]}, False),
    ({"at": "2026-11-09T16:00:00Z", "type": "assigned"}, False),
])
def test_documented_examples(obj, ok):
    assert validator("events").is_valid(obj) is ok is _reader_accepts(obj)


@pytest.mark.parametrize("name", list(SCHEMAS))
def test_every_clause_key_the_language_has_matches_the_schemas_clause_patterns(name):
    """A clause kind added to the language is added to every schema that lists clause keys."""
    import re

    from slacode.checks.context import ATTEMPTS_KEYS, TIMED_KEYS

    def patterns(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "pattern" and "at_least_within" in value and "only_between" in value:   # every key
                    yield value
                else:
                    yield from patterns(value)
        elif isinstance(node, list):
            for value in node:
                yield from patterns(value)

    for pattern in patterns(load_schema(name)):
        prefix = "rule." if pattern.startswith("^.+") else ""
        for key in TIMED_KEYS + ATTEMPTS_KEYS:
            for numbered in (key, f"{key}_2"):
                assert re.search(pattern, prefix + numbered), (pattern, numbered)


def test_the_due_schema_names_every_clause_due_lists():
    """`slacode due` lists the open clocks of the clauses in report.due.TIMED: each (and its
    numbered form where a rule may have several) fits the due schema's clause pattern."""
    import re

    from slacode.report.due import TIMED

    pattern = load_schema("due")["$defs"]["clock"]["properties"]["clause"]["pattern"]
    for key in TIMED:
        assert re.search(pattern, key), key
    for key in ("at_least_per_day_2", "gap_at_most_2"):
        assert re.search(pattern, key), key
    assert not re.search(pattern, "gap") and not re.search(pattern, "require")
