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
    assert "has no offset (add Z or ±HH:MM, or give the `events from` line a `timezone` in its block) (SLA504)" in naive.error and "time zone" not in naive.error
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


# -- a block saying how to read the file: CSV delimiter, columns, zone (extension) ------------

EXPORT_CSV = ("Lead ID;Created Date;Activity Type;Lead Score\n"
              "L-7;2026-11-02 09:00:00;assigned;85\n"
              "L-7;2026-11-02 09:40:00;contact_attempt;85\n"
              "L-8;2026-11-02 09:00:00;assigned;40\n")

BLOCK = """events from "crm/export.csv" {
    delimiter ";"
    column lead = "Lead ID"
    column at = "Created Date"
    column type = "Activity Type"
    column fields.score = "Lead Score"
    timezone "America/Sao_Paulo"
  }"""


def test_a_block_reads_a_crm_export_as_it_comes(tmp_path):
    [r] = results(tmp_path, f"""test "t" {{
  as of 2026-11-02T13:00:00Z
  {BLOCK}
  lead "L-7"
  expect touch met
  lead "L-8"
  expect touch pending
}}
""", {"crm/export.csv": EXPORT_CSV})
    assert r.passed, r.error
    # 09:00 in São Paulo is 12:00 UTC: at 13:00 UTC the 1h clock of L-8 is just due, not late
    assert [o.passed for o in r.outcomes] == [True, True]


def test_the_zone_decides_the_instants(tmp_path):
    """Without an offset, `09:40` is read in the block's zone: the same file is late in Tokyo's."""
    block = BLOCK.replace("America/Sao_Paulo", "Asia/Tokyo")
    [r] = results(tmp_path, f"""test "t" {{
  as of 2026-11-02T13:00:00Z
  {block}
  lead "L-8"
  expect touch breached
}}
""", {"crm/export.csv": EXPORT_CSV})
    assert r.passed, r.error


def test_a_timezone_line_serves_json_lines_too(tmp_path):
    lines = ('{"lead": "L1", "at": "2026-11-02 09:00:00", "type": "assigned"}\n'
             '{"lead": "L1", "at": "2026-11-02 09:30:00", "type": "contact_attempt"}\n')
    [zoned, bare] = results(tmp_path, """test "zoned" {
  as of 2026-11-03T12:00:00Z
  events from "f.jsonl" { timezone "Europe/Lisbon" }
  lead "L1"
  expect touch met
}
test "bare" {
  as of 2026-11-03T12:00:00Z
  events from "f.jsonl"
  lead "L1"
  expect touch met
}
""", {"f.jsonl": lines})
    assert zoned.passed and not bare.passed
    assert "has no offset (add Z or ±HH:MM, or give the `events from` line a `timezone` in its block)" in bare.error


def test_without_the_block_the_failure_says_which_lines_to_write(tmp_path):
    [r] = results(tmp_path, """test "t" {
  as of 2026-11-03T12:00:00Z
  events from "crm/export.csv"
  lead "L-7"
  expect touch met
}
""", {"crm/export.csv": EXPORT_CSV})
    assert not r.passed
    assert r.error.startswith("crm/export.csv:1: unusable CSV header")
    assert ('in the `events from` block: the header is one column: the file seems separated by \';\'; read it with '
            '`delimiter ";"` `column lead = "Lead ID"` `column at = "Created Date"` `column type = "Activity Type"`'
            ) in r.error
    assert "--" not in r.error                      # no command-line option in a test's message


def test_a_mapping_onto_a_column_the_file_has_fails_in_the_blocks_words(tmp_path):
    csv = "lead,at,type,Lead ID\nL1,2026-11-02T09:00:00Z,assigned,x\n"
    [r] = results(tmp_path, """test "t" {
  as of 2026-11-03T12:00:00Z
  events from "f.csv" { column lead = "Lead ID" }
  expect touch met
}
""", {"f.csv": csv})
    assert not r.passed and "the file has a column 'lead' of its own" in r.error
    assert '`column lead_2 = "lead"`' in r.error and "--column" not in r.error


@pytest.mark.parametrize("block, where, message", [
    ('{ delimiter "ab" }', (10, 35), "CSV delimiter 'ab': use one character"),
    ('{ column lead = "A"; column lead = "B" }', (10, 44), "`column lead = …` is given twice"),
    ('{ column lead = "A"; column id = "A" }', (10, 44), 'the header "A" is read twice'),
    ('{ delimiter ";"; delimiter "|" }', (10, 40), "`delimiter` is given twice"),
    ('{ column fields. = "A" }', None, None),          # a syntax error, not SLA328
])
def test_lint_checks_the_block(block, where, message):
    text = RULE + f'test "t" {{\n  as of 2026-11-03T12:00:00Z\n  events from "x.csv" {block}\n  expect touch met\n}}\n'
    found = slacode.lint(text)
    if where is None:
        assert [d.code for d in found if d.severity == "error"] == ["SLA101"]
        return
    [d] = [d for d in found if d.code == "SLA328"]
    assert (d.line, d.column) == where and d.message.startswith(message)


def test_lint_csv_lines_for_a_json_lines_file_and_an_unknown_zone():
    text = RULE + ('test "t" {\n  as of 2026-11-03T12:00:00Z\n'
                   '  events from "x.jsonl" { column lead = "A"; timezone "America/Sao_Paolo" }\n  expect touch met\n}\n')
    found = {d.code: d for d in slacode.lint(text)}
    assert "reads CSV files, and \"x.jsonl\" is not one" in found["SLA328"].message
    assert found["SLA215"].severity == "error" and (found["SLA215"].line, found["SLA215"].column) == (10, 55)


def test_a_bad_line_fails_the_test_at_run_time_too(tmp_path):
    [r] = results(tmp_path, """test "t" {
  as of 2026-11-03T12:00:00Z
  events from "f.csv" { delimiter "ab" }
  expect touch met
}
""", {"f.csv": "lead,at,type\n"})
    # lint's warning fails the test on its line, as every SLA328 does
    assert not r.passed and r.error.startswith("line 10: CSV delimiter 'ab': use one character")
    assert r.error.endswith("(SLA328)")


def test_fmt_writes_the_block_one_line_a_line_and_reads_it_back():
    text = RULE + ('test "t" {\n  as of 2026-11-03T12:00:00Z\n'
                   '  events from "x.csv" { delimiter ";"; column `Lead ID` = "L"; column fields.score = "S" }  # crm\n'
                   '  events from "y.jsonl" {}\n}\n')
    out = slacode.format(text)
    assert ('  events from "x.csv" {\n    delimiter ";"\n    column `Lead ID` = "L"\n    column fields.score = "S"\n'
            '  }  # crm\n  events from "y.jsonl"\n}\n') in out
    assert slacode.format(out) == out
    again = slacode.loads(out).tests[0].items[1]
    assert [(o.key, o.name, o.value.value) for o in again.options] == [
        ("delimiter", None, ";"), ("column", "Lead ID", "L"), ("column", "fields.score", "S")]


def test_diff_sees_a_change_to_the_block():
    old = RULE + 'test "t" {\n  as of 2026-11-03T12:00:00Z\n  events from "x.csv" { delimiter ";" }\n  expect touch met\n}\n'
    new = old.replace('delimiter ";"', 'delimiter ";"; timezone "UTC"')
    from slacode.diff import semantic_diff

    [change] = [c for c in semantic_diff(slacode.loads(old), slacode.loads(new)) if c.area == "test"]
    assert change.after.endswith('events from "x.csv" { delimiter ";"; timezone "UTC" }, 1 expectations }')


def test_a_misspelt_header_in_the_block_gets_the_header_meant(tmp_path):
    """review 21d: the hint `check` gives (`the header has 'Lead ID'`), in the block's words."""
    [r] = results(tmp_path, """test "t" {
  as of 2026-11-03T12:00:00Z
  events from "crm/export.csv" {
    delimiter ";"
    column lead = "Lead Id"
    column at = "Created Date"
    column type = "Activity Type"
    timezone "America/Sao_Paulo"
  }
  expect touch met
}
""", {"crm/export.csv": EXPORT_CSV})
    assert not r.passed
    assert "in the `events from` block: the header has 'Lead ID': write `column lead = \"Lead ID\"`" in r.error


# -- `type OURS = "THEIRS"` and `timestamp format "F"`: the CRM's own types and times

CRM_LOG = "\n".join(json.dumps(e) for e in [
    {"lead": "L1", "at": "11/02/2026 09:00 AM", "type": "Owner Change", "owner": "ana"},
    {"lead": "L1", "at": "11/02/2026 09:40 AM", "type": "Call"},
    {"lead": "L2", "at": "11/02/2026 09:00 AM", "type": "Owner Change", "owner": "bo"},
    {"lead": "L2", "at": "1793621700000", "type": "Email"},            # 12:15 UTC, 09:15 in São Paulo
]) + "\n"

CRM_BLOCK = """{
    timezone "America/Sao_Paulo"
    type assigned = "Owner Change"
    type contact_attempt = "Call"
    type `contact_attempt` = "Email"
    timestamp format "%m/%d/%Y %I:%M %p"
    timestamp format "epoch-ms"
  }"""


def test_a_block_reads_the_crms_types_and_times(tmp_path):
    [r] = results(tmp_path, f"""test "t" {{
  as of 2026-11-02T18:00:00Z
  events from "crm.jsonl" {CRM_BLOCK}
  lead "L1"
  expect touch met
  lead "L2"
  expect touch met
}}
""", {"crm.jsonl": CRM_LOG})
    assert r.passed, r.error
    assert [o.passed for o in r.outcomes] == [True, True]
    # (L2's e-mail is 09:15 in São Paulo only if the epoch is read as UTC: 12:15 would breach)


def test_the_same_block_reads_csv_and_the_read_events_options_give_the_same(tmp_path):
    csv = ("lead,at,type,owner\nL1,11/02/2026 09:00 AM,Owner Change,ana\nL1,11/02/2026 10:40 AM,Call,\n"
           "L1,11/02/2026 10:50 AM,Email,\n")
    [r] = results(tmp_path, f"""test "t" {{
  as of 2026-11-02T18:00:00Z
  events from "crm.csv" {CRM_BLOCK}
  lead "L1"
  expect touch breached
}}
""", {"crm.csv": csv})
    assert r.passed, r.error
    item = slacode.loads(RULE + f'test "t" {{\n  as of 2026-11-02T18:00:00Z\n  events from "x.csv" {CRM_BLOCK}\n}}\n'
                         ).tests[0].items[1]
    assert testing.read_options(item) == {
        "default_tz": "America/Sao_Paulo",
        "type_map": [("assigned", "Owner Change"), ("contact_attempt", "Call"), ("contact_attempt", "Email")],
        "timestamp_formats": ["%m/%d/%Y %I:%M %p", "epoch-ms"]}


def test_without_the_type_lines_the_crms_types_start_nothing(tmp_path):
    block = CRM_BLOCK.replace('    type assigned = "Owner Change"\n', "")
    [r] = results(tmp_path, f"""test "t" {{
  as of 2026-11-02T18:00:00Z
  events from "crm.jsonl" {block}
  lead "L1"
  expect touch met
}}
""", {"crm.jsonl": CRM_LOG})
    assert not r.passed


@pytest.mark.parametrize("lines, where, message", [
    ('type assigned = "Call"; type contact_attempt = "Call"', (10, 51),
     "the type 'Call' is mapped twice (assigned=Call and contact_attempt=Call)"),
    ('type call = "Call"', None, None),                 # (a different case is another type)
    ('type `Call` = "Call"', (10, 27), "type map Call=Call: maps the type 'Call' to itself"),
    ('timestamp format "%Q"; timezone "UTC"', (10, 44), "timestamp format '%Q' is not a strptime format"),
    ('timestamp format "%d/%m/%Y %H:%M"', (10, 27), 'the format "%d/%m/%Y %H:%M" reads times without an offset, '
                                                    "and this `events from` block names no zone"),
    ('timestamp format "%d/%m/%Y %H:%M %z"', None, None),
    ('timestamp format "epoch-s"; timestamp format "epoch-s"', (10, 55), '`timestamp format "epoch-s"` is given twice'),
])
def test_lint_checks_the_type_and_format_lines(lines, where, message):
    text = RULE + (f'test "t" {{\n  as of 2026-11-03T12:00:00Z\n  events from "x.jsonl" {{ {lines} }}\n'
                   '  expect touch met\n}\n')
    found = [d for d in slacode.lint(text) if d.code == "SLA328"]
    assert [d for d in slacode.lint(text) if d.severity == "error"] == []
    if where is None:
        assert found == []
        return
    [d] = found
    assert (d.line, d.column) == where and d.message.startswith(message), (d.line, d.column, d.message)


def test_a_bad_type_line_fails_the_test(tmp_path):
    [r] = results(tmp_path, """test "t" {
  as of 2026-11-03T12:00:00Z
  events from "crm.jsonl" { type assigned = "Call"; type contact_attempt = "Call" }
  expect touch met
}
""", {"crm.jsonl": CRM_LOG})
    assert not r.passed and "is mapped twice" in r.error and r.error.endswith("(SLA328)")


def test_fmt_and_diff_write_the_type_and_format_lines():
    text = RULE + ('test "t" {\n  as of 2026-11-03T12:00:00Z\n'
                   '  events from "x.jsonl" { type `Contact Attempt` = "Call"; type `assigned` = "Owner";'
                   ' timestamp format "epoch-ms"; timezone "UTC" }\n}\n')
    out = slacode.format(text)
    assert ('  events from "x.jsonl" {\n    type `Contact Attempt` = "Call"\n    type assigned = "Owner"\n'
            '    timestamp format "epoch-ms"\n    timezone "UTC"\n  }\n') in out
    assert slacode.format(out) == out
    again = slacode.loads(out).tests[0].items[1]
    assert [(o.key, o.name, o.value.value) for o in again.options] == [
        ("type", "Contact Attempt", "Call"), ("type", "assigned", "Owner"), ("timestamp format", None, "epoch-ms"),
        ("timezone", None, "UTC")]
    from slacode.diff import semantic_diff

    new = text.replace('"epoch-ms"', '"epoch-s"')
    [change] = [c for c in semantic_diff(slacode.loads(text), slacode.loads(new)) if c.area == "test"]
    assert 'timestamp format "epoch-s"' in change.after and 'timestamp format "epoch-ms"' in change.before


def test_type_and_format_stay_names_elsewhere():
    text = RULE.replace("stop on contact_attempt", 'stop on contact_attempt where type == "x" and format != 1 '
                        "and timestamp > 0")
    assert [d for d in slacode.lint(text) if d.severity == "error"] == []
