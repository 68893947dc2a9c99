"""`check --format json|jsonl` on an agreement that does not load because of a syntax error
or a time zone there is no such thing as (review 23a F1): the errors are written as data,
with `as_of` in UTC, where they used to end in an internal error or a bare message."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

SLACODE = [sys.executable, "-m", "slacode"]
EVENTS = '{"lead":"A","at":"2026-11-02T10:00:00Z","type":"assigned"}\n'
BROKEN = {
    "syntax": ('agreement "x" { version "1"; timezone "UTC"; teams s }\n'
               "deadline d { owner s; start on assigned; stop on call; within 1h; bogus }\n", "SLA101", (2, 67)),
    "zone": ('agreement "x" { version "1"; timezone "Mars/Base"; teams s }\n'
             "deadline d { owner s; start on assigned; stop on call; within 1h }\n", "SLA215", (1, 39)),
    "calendar zone": ('agreement "x" { version "1"; timezone "Europe/Lisbon"; teams s }\n'
                      'calendar c { timezone "Mars/Base"; hours mon-fri 09:00-18:00 }\n'
                      "deadline d { owner s; start on assigned; stop on call; within 1h on c }\n", "SLA215", (2, 23)),
}


def run(*args, cwd):
    return subprocess.run(SLACODE + list(args), capture_output=True, text=True, cwd=cwd)


@pytest.mark.parametrize("kind", sorted(BROKEN))
@pytest.mark.parametrize("as_of", ["2026-11-02T11:00:00Z", "2026-11-02T08:00:00-03:00",
                                   "2026-11-02T11:00"])      # no offset: UTC, or Lisbon's (review 23b F4)
def test_json_document_of_an_agreement_that_does_not_load(tmp_path, kind, as_of):
    text, code, (line, column) = BROKEN[kind]
    (tmp_path / "a.sla").write_text(text)
    (tmp_path / "e.jsonl").write_text(EVENTS)
    proc = run("check", "a.sla", "e.jsonl", "--as-of", as_of, "--format", "json", cwd=tmp_path)
    assert proc.returncode == 2, proc.stderr
    assert "internal error" not in proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["verdicts"] == []
    assert [(d["code"], d["file"], d["line"], d["column"]) for d in doc["diagnostics"]] == [(code, "a.sla", line, column)]
    # the instant given, in UTC (no agreement, or no zone there is) or Lisbon's (+00:00 in November)
    assert doc["as_of"] == "2026-11-02T11:00:00+00:00"


@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_jsonl_records_of_an_agreement_that_does_not_load(tmp_path, kind):
    text, code, _ = BROKEN[kind]
    (tmp_path / "a.sla").write_text(text)
    (tmp_path / "e.jsonl").write_text(EVENTS)
    proc = run("check", "a.sla", "e.jsonl", "--as-of", "2026-11-02T11:00:00Z", "--format", "jsonl", cwd=tmp_path)
    assert proc.returncode == 2 and "internal error" not in proc.stderr
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [r["record"] for r in records] == ["diagnostic", "summary"] and records[0]["code"] == code


def test_an_as_of_without_offset_is_read_in_the_agreements_zone_when_it_names_one_there_is(tmp_path):
    text = BROKEN["calendar zone"][0]           # Lisbon, UTC+0 in November
    (tmp_path / "a.sla").write_text(text.replace("Europe/Lisbon", "America/Sao_Paulo"))
    (tmp_path / "e.jsonl").write_text(EVENTS)
    proc = run("check", "a.sla", "e.jsonl", "--as-of", "2026-11-02T08:00:00", "--format", "json", cwd=tmp_path)
    assert proc.returncode == 2
    assert json.loads(proc.stdout)["as_of"] == "2026-11-02T08:00:00-03:00"
