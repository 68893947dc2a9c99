"""`events from "PATH"` in test blocks (an extension): a fixture file's events beside the
test's own, read where the line stands, relative to the agreement's folder."""
from __future__ import annotations

import json

import pytest

import slacode
from slacode import testing
from tests.test_cli import run

RULE = """agreement "t" { version "1"; timezone "UTC"; teams sales }
deadline touch {
  owner sales
  start on assigned
  stop on contact_attempt
  within 1h
}
"""


def line(lead: str, at: str, type_: str, **props) -> str:
    return json.dumps({"lead": lead, "at": f"2026-11-02T{at}:00Z", "type": type_, **props})


EXPORT = "\n".join([
    line("L1", "09:00", "assigned", owner="ana", id="f1"),
    line("L1", "09:30", "contact_attempt", id="f2"),
    line("L2", "09:00", "assigned", owner="bo", id="f3"),
    json.dumps({"lead": "L3", "at": "2026-11-09T09:00:00Z", "type": "assigned", "id": "f4"}),   # after as of
]) + "\n"


def results(tmp_path, block: str, files: dict[str, str] | None = None) -> list[testing.TestResult]:
    for name, text in (files or {"fixtures/nov.jsonl": EXPORT}).items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    spec = tmp_path / "a.sla"
    spec.write_text(RULE + block)
    return testing.run_tests(slacode.load(str(spec)))


def test_a_fixture_file_gives_its_leads_to_the_test(tmp_path):
    [r] = results(tmp_path, """test "t" {
  as of 2026-11-03T12:00:00Z
  events from "fixtures/nov.jsonl"
  lead "L1"
  expect touch met
  lead "L2"
  expect touch met
}
""")
    assert [o.passed for o in r.outcomes] == [True, False]
    assert r.outcomes[1].actual.startswith("breached")
    # the evidence of a fixture's event is its id; events after `as of` are left out quietly
    assert r.timelines["L2"][0].endswith('assigned  [f3]  owner="bo"')


def test_own_events_and_the_file_are_merged_by_time_then_as_written(tmp_path):
    [r] = results(tmp_path, """test "t" {
  as of 2026-11-03T12:00:00Z
  lead "L2"
  at 2026-11-02T09:10:00Z contact_attempt
  events from "fixtures/nov.jsonl"
  expect touch met
}
""")
    assert r.passed


def test_csv_fixtures_and_paths_from_the_agreements_folder(tmp_path, monkeypatch):
    csv = "lead,at,type,owner\nL9,2026-11-02T09:00:00Z,assigned,ana\nL9,2026-11-02T09:20:00Z,contact_attempt,\n"
    monkeypatch.chdir("/")                      # not the working folder
    [r] = results(tmp_path, """test "t" {
  as of 2026-11-03T12:00:00Z
  events from "data/leads.csv"
  lead "L9"
  expect touch met
}
""", {"data/leads.csv": csv})
    assert r.passed


@pytest.mark.parametrize("fixture, message", [
    # an unusable line fails the test with the file and line, never passes without it
    (line("L1", "09:00", "assigned", id="f1") + '\n{"lead":"L1","at":"2026-11-02 09:30","type":"x"}\n',
     "fixtures/nov.jsonl:2: '2026-11-02 09:30' gives the time of day without seconds"),
    # ids are judged across the test's own events and its files: the first wins (§13)
    (line("L1", "09:05", "contact_attempt", id="own") + "\n",
     "fixtures/nov.jsonl:1: id 'own' was already used by another event, at a.sla:11"),
])
def test_problems_in_a_fixture_fail_the_test_where_they_are(tmp_path, fixture, message):
    [r] = results(tmp_path, """test "t" {
  as of 2026-11-03T12:00:00Z
  lead "L1"
  at 2026-11-02T09:00:00Z assigned with id = "own"
  events from "fixtures/nov.jsonl"
  expect touch met
}
""", {"fixtures/nov.jsonl": fixture})
    assert not r.passed and message in r.error


def test_a_missing_file_fails_the_test_and_the_others_still_run(tmp_path):
    missing, fine = results(tmp_path, """test "missing" {
  as of 2026-11-03T12:00:00Z
  events from "fixtures/nope.jsonl"
  expect touch met
}
test "fine" {
  as of 2026-11-03T12:00:00Z
  events from "fixtures/nov.jsonl"
  lead "L1"
  expect touch met
}
""")
    assert missing.error.startswith('line 10: cannot read the events of "fixtures/nope.jsonl"')
    assert "No such file" in missing.error and fine.passed


def test_lint_and_the_command_line(tmp_path):
    empty = RULE + 'test "t" {\n  as of 2026-11-03T12:00:00Z\n  events from ""\n  expect touch met\n}\n'
    [d] = [d for d in slacode.lint(empty) if d.code == "SLA328"]
    assert (d.line, d.column) == (10, 15) and "names no file" in d.message
    assert slacode.format(RULE + 'test "t" {\n  events   from  "x.jsonl"\n}\n').endswith(
        '  events from "x.jsonl"\n}\n')
    results(tmp_path, """test "t" {
  as of 2026-11-03T12:00:00Z
  events from "fixtures/nov.jsonl"
  lead "L2"
  expect touch breached
}
""")
    proc = run("test", str(tmp_path / "a.sla"))
    assert proc.returncode == 0 and "PASS t" in proc.stdout
    (tmp_path / "fixtures/nov.jsonl").unlink()
    proc = run("test", str(tmp_path / "a.sla"))
    assert proc.returncode == 1 and "cannot read the events of" in proc.stdout


def test_a_folder_is_refused_and_messages_name_only_what_a_test_can_do(tmp_path):
    (tmp_path / "fixtures" / "nov").mkdir(parents=True)
    folder, naive, odd = results(tmp_path, """test "folder" {
  as of 2026-11-03T12:00:00Z
  events from "fixtures/nov"
  expect touch met
}
test "naive" {
  as of 2026-11-03T12:00:00Z
  events from "fixtures/naive.jsonl"
  expect touch met
}
test "odd" {
  as of 2026-11-03T12:00:00Z
  events from "fixtures/export.txt"
  expect touch met
}
""", {"fixtures/naive.jsonl": '{"lead":"L","at":"2026-11-02T09:00:00","type":"assigned"}\n',
      "fixtures/export.txt": EXPORT})
    assert folder.error == 'line 10: "fixtures/nov" is a folder: `events from` reads one file (a line per file)'
    # a test has no --tz and no --input-format: the messages do not send people there
    assert "has no offset (add Z or ±HH:MM) (SLA504)" in naive.error and "time zone" not in naive.error
    assert "(use .jsonl, .ndjson, .json or .csv)" in odd.error and "--input-format" not in odd.error


def test_an_undeclared_state_in_a_fixture_fails_the_test(tmp_path):
    # written in the test itself, the same event is an error of the agreement (SLA207)
    states = RULE.replace("teams sales }", "teams sales }\nstates { mql; sql final }")
    spec = tmp_path / "a.sla"
    spec.write_text(states + 'test "t" {\n  as of 2026-11-03T12:00:00Z\n  events from "f.jsonl"\n'
                    '  lead "L1"\n  expect touch met\n}\n')
    (tmp_path / "f.jsonl").write_text(EXPORT + line("L1", "10:00", "state", state="won") + "\n")
    [r] = testing.run_tests(slacode.load(str(spec)))
    assert not r.passed and r.error.startswith("f.jsonl:5: ") and "(SLA601)" in r.error
