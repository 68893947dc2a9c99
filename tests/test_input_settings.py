"""`[tool.slacode.input]` in pyproject.toml: the input options of the commands that read
events, kept in the repository (src/slacode/project.py, `_event_options` in cli.py)."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from slacode import parallel
from slacode.cli import main
from slacode.project import input_settings, key_lines, suggest

ROOT = Path(__file__).resolve().parents[1]
CLI_PAGE = ROOT / "docs" / "cli.md"

AGREEMENT = """agreement "revops" {
  timezone "America/Sao_Paulo"
  teams marketing, sales
}

states {
  `MQL`
  `SQL` final
}

handoff routing {
  owner marketing
  start on enter `MQL`
  stop on assigned
  within 30m
}

deadline first_touch {
  owner sales
  start on assigned
  stop on contact_attempt
  within 1h
}
"""

#: a CRM export as it comes: `;`, its own headers and types, local US-style times (one in ISO 8601)
EXPORT = """Lead ID;Activity;Status;Owner;Created Date
L-1;Status Change;MQL;;12/01/2026 10:00 AM
L-1;Owner Change;;ana;12/01/2026 10:10 AM
L-1;Call;;;12/01/2026 10:40 AM
L-2;Status Change;MQL;;12/01/2026 10:00 AM
L-3;Status Change;MQL;;2026-12-01 11:00
L-3;Owner Change;;bia;12/01/2026 11:50 AM
L-3;Email;;;12/01/2026 12:20 PM
L-4;Status Change;MQL;;12/01/2026 01:00 PM
"""

#: the same options on the command line as the docs' table gives
OPTIONS = ["--tz", "America/Sao_Paulo", "--input-format", "csv", "--csv-delimiter", ";",
           "--column", "lead=Lead ID", "--column", "at=Created Date", "--column", "type=Activity",
           "--column", "owner=Owner", "--column", "state=Status",
           "--type-map", "state=Status Change", "--type-map", "assigned=Owner Change",
           "--type-map", "contact_attempt=Call", "--type-map", "contact_attempt=Email",
           "--timestamp-format", "%m/%d/%Y %I:%M %p", "--timestamp-format", "iso8601"]

AS_OF = ("--as-of", "2026-12-01T14:00")


def docs_table() -> str:
    """The example ```toml table of docs/cli.md's "Input settings in pyproject.toml"."""
    section = CLI_PAGE.read_text(encoding="utf-8").split("### Input settings in pyproject.toml", 1)[1]
    return section.split("```toml\n", 1)[1].split("```", 1)[0]


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def repo(tmp_path: Path, monkeypatch) -> Path:
    """A repository with the agreement and the export, as the current folder."""
    (tmp_path / "revops.sla").write_text(AGREEMENT, encoding="utf-8")
    (tmp_path / "export.txt").write_text(EXPORT, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def verdicts(out: str) -> list[tuple]:
    return [(v["lead"], v["rule"], v["status"], v["assignee"]) for v in json.loads(out)["verdicts"]]


# --------------------------------------------------------------------------- the same verdicts

def test_the_docs_table_gives_the_verdicts_of_the_same_options(repo, capsys):
    """The example table of docs/cli.md, read from the page, and run: the verdicts of the
    long command line, and of nothing read without it."""
    code, bare, _ = run(capsys, "check", "revops.sla", "export.txt", *AS_OF, "--format", "json")
    assert code == 2 or verdicts(bare) == []          # (a .txt file is no event file by its name)
    code, by_options, err = run(capsys, "check", "revops.sla", "export.txt", *AS_OF, "--format", "json", *OPTIONS)
    assert code == 0, err
    assert verdicts(by_options) == [
        ("L-1", "routing", "met", None), ("L-1", "first_touch", "met", "ana"),
        ("L-2", "routing", "breached", None),
        ("L-3", "routing", "breached", None), ("L-3", "first_touch", "met", "bia"),
        ("L-4", "routing", "breached", None)]
    (repo / "pyproject.toml").write_text('[project]\nname = "revops"\n\n' + docs_table(), encoding="utf-8")
    code, by_settings, err = run(capsys, "check", "revops.sla", "export.txt", *AS_OF, "--format", "json")
    assert code == 0, err
    assert by_settings == by_options
    assert err == ""                                   # (quiet unless --verbose)


def test_json_lines_with_a_type_map_from_the_settings(repo, capsys):
    lines = [{"lead": "A", "at": "2026-12-01T10:00:00-03:00", "type": "Status Change", "state": "MQL"},
             {"lead": "A", "at": "2026-12-01T10:05:00-03:00", "type": "Owner Change", "owner": "ana"},
             {"lead": "A", "at": "2026-12-01T11:30:00-03:00", "type": "Call"},
             {"lead": "B", "at": "2026-12-01T10:00:00-03:00", "type": "Status Change", "state": "MQL"}]
    (repo / "e.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    args = ["check", "revops.sla", "e.jsonl", *AS_OF, "--format", "json"]
    wanted = run(capsys, *args, "--type-map", "state=Status Change", "--type-map", "assigned=Owner Change",
                 "--type-map", "contact_attempt=Call")
    assert verdicts(wanted[1]) == [("A", "routing", "met", None), ("A", "first_touch", "breached", "ana"),
                                   ("B", "routing", "breached", None)]
    (repo / "pyproject.toml").write_text(
        '[tool.slacode.input]\ntype-map = { state = "Status Change", assigned = "Owner Change", '
        'contact_attempt = "Call" }\n', encoding="utf-8")
    assert run(capsys, *args) == wanted


def test_every_command_that_reads_events_reads_the_settings(repo, capsys):
    (repo / "pyproject.toml").write_text(docs_table(), encoding="utf-8")
    (repo / "revops2.sla").write_text(AGREEMENT.replace("within 1h", "within 2h"), encoding="utf-8")
    for command in (["explain", "revops.sla", "export.txt", "--lead", "L-3", *AS_OF],
                    ["report", "revops.sla", "export.txt", *AS_OF, "--format", "json"],
                    ["due", "revops.sla", "export.txt", *AS_OF, "--format", "json", "--overdue"],
                    ["changes", "revops.sla", "export.txt", "--since", "2026-12-01T09:00:00-03:00", *AS_OF, "--format", "json"],
                    ["diff", "revops.sla", "revops2.sla", "--events", "export.txt", *AS_OF, "--format", "json"]):
        by_settings = run(capsys, *command)
        assert by_settings[0] in (0, 1), by_settings[2]
        (repo / "pyproject.toml").rename(repo / "away.toml")
        try:
            by_options = run(capsys, *command, *OPTIONS)
            bare = run(capsys, *command)                # neither: the export cannot be read
        finally:
            (repo / "away.toml").rename(repo / "pyproject.toml")
        assert by_settings == by_options, command[0]
        assert bare != by_settings, command[0]


@pytest.mark.skipif(not parallel.can_fork(), reason="parallel evaluation needs fork")
def test_jobs_2_gives_what_jobs_1_gives_with_the_settings(repo, capsys, monkeypatch):
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 0)
    monkeypatch.setattr(parallel, "MIN_PARALLEL_RECORDS", 0)
    many = EXPORT + "".join(f"M-{i};Status Change;MQL;;12/01/2026 {9 + i % 4:02d}:{i % 60:02d} AM\n"
                            f"M-{i};Owner Change;;rep{i % 3};12/01/2026 {10 + i % 2:02d}:{i % 50:02d} AM\n"
                            for i in range(60))
    (repo / "export.txt").write_text(many, encoding="utf-8")
    (repo / "pyproject.toml").write_text(docs_table(), encoding="utf-8")
    for fmt in ("json", "table"):
        outs = [run(capsys, "check", "revops.sla", "export.txt", *AS_OF, "--format", fmt, "--jobs", j)
                for j in ("1", "2")]
        assert outs[0][0] == 0 and outs[0] == outs[1]
        assert "M-59" in outs[0][1]
    (repo / "pyproject.toml").unlink()
    assert run(capsys, "check", "revops.sla", "export.txt", *AS_OF, "--format", "table", "--jobs", "2",
               *OPTIONS) == outs[1]


# --------------------------------------------------------------------------- precedence

def test_an_option_on_the_command_line_replaces_its_setting(repo, capsys):
    table = docs_table().replace('"America/Sao_Paulo"', '"UTC"').replace('owner = "Owner", ', "")
    (repo / "pyproject.toml").write_text(table, encoding="utf-8")
    args = ["check", "revops.sla", "export.txt", *AS_OF, "--format", "json"]
    # the file's zone reads 10:00 AM as 10:00Z; --tz replaces it, and --as-of is read in it too
    in_utc = json.loads(run(capsys, *args)[1])
    assert in_utc["as_of"] == "2026-12-01T11:00:00-03:00"
    by_tz = run(capsys, *args, "--tz", "America/Sao_Paulo")
    assert json.loads(by_tz[1])["as_of"] == "2026-12-01T14:00:00-03:00"
    started = {v["lead"]: v["started_at"] for v in json.loads(by_tz[1])["verdicts"] if v["rule"] == "routing"}
    assert started["L-1"] == "2026-12-01T10:00:00-03:00"
    assert {v["lead"]: v["started_at"] for v in in_utc["verdicts"] if v["rule"] == "routing"}["L-1"] \
        == "2026-12-01T07:00:00-03:00"
    # the file's column table has no owner: no assignee; one --column replaces the whole table
    assert {v["assignee"] for v in json.loads(by_tz[1])["verdicts"]} == {None}
    columns = [a for k, a in enumerate(OPTIONS) if k and OPTIONS[k - 1] == "--column"]
    partial = run(capsys, *args, "--tz", "America/Sao_Paulo", "--column", "lead=Lead ID")
    assert partial[0] == 0 and json.loads(partial[1])["verdicts"] == []       # no `at`, `type`: nothing read
    full = run(capsys, *args, "--tz", "America/Sao_Paulo", *[x for c in columns for x in ("--column", c)])
    assert {v["assignee"] for v in json.loads(full[1])["verdicts"]} == {None, "ana", "bia"}
    # --type-map and --timestamp-format replace theirs too
    no_email = run(capsys, *args, "--tz", "America/Sao_Paulo", "--type-map", "state=Status Change",
                   "--type-map", "assigned=Owner Change")
    assert not [v for v in json.loads(no_email[1])["verdicts"] if v["status"] == "met" and v["rule"] == "first_touch"]
    iso_only = run(capsys, *args, "--tz", "America/Sao_Paulo", "--timestamp-format", "iso8601")
    assert [d["code"] for d in json.loads(iso_only[1])["diagnostics"]].count("SLA503") == 7


def test_the_nearest_pyproject_with_a_tool_slacode_table_wins(repo, capsys, monkeypatch):
    (repo / "pyproject.toml").write_text('[tool.slacode.input]\ntz = "Asia/Tokyo"\n', encoding="utf-8")
    deeper = repo / "team" / "nightly"
    deeper.mkdir(parents=True)
    for name in ("revops.sla", "export.txt"):
        (deeper / name).write_text((repo / name).read_text())
    (repo / "team" / "pyproject.toml").write_text(docs_table(), encoding="utf-8")
    (deeper / "pyproject.toml").write_text('[project]\nname = "nightly"\n[tool.other]\ntz = 1\n', encoding="utf-8")
    monkeypatch.chdir(deeper)
    code, out, err = run(capsys, "check", "revops.sla", "export.txt", *AS_OF, "--format", "json", "--verbose")
    assert code == 0 and len(verdicts(out)) == 6
    assert err == f"slacode: using [tool.slacode.input] from {repo / 'team' / 'pyproject.toml'}: tz, input-format, " \
                  "csv-delimiter, column, type-map, timestamp-format\n"
    # a [tool.slacode] table without input in the nearer file: the search stops there
    (deeper / "pyproject.toml").write_text('[tool.slacode.lint]\nignore = ["SLA4"]\n', encoding="utf-8")
    code, out, err = run(capsys, "check", "revops.sla", "export.txt", *AS_OF, "--format", "json", "-v")
    assert code == 2 or verdicts(out) == []
    assert "slacode: no [tool.slacode.input] in pyproject.toml" in err


def test_verbose_says_what_the_command_line_replaced_and_keeps_stdout(repo, capsys):
    (repo / "pyproject.toml").write_text(docs_table(), encoding="utf-8")
    args = ["check", "revops.sla", "export.txt", *AS_OF, "--tz", "America/Sao_Paulo"]
    quiet = run(capsys, *args)
    loud = run(capsys, *args, "--verbose")
    assert loud[:2] == quiet[:2] and quiet[2] == ""
    assert loud[2] == ("slacode: using [tool.slacode.input] from pyproject.toml: input-format, csv-delimiter, "
                       "column, type-map, timestamp-format (the command line replaced tz)\n")
    (repo / "pyproject.toml").unlink()
    assert "no [tool.slacode.input]: no pyproject.toml with a [tool.slacode] table at or above" in \
        run(capsys, *args, "-v")[2]


def test_a_setting_says_no_note_that_its_option_would(repo, capsys):
    """`--column` on JSON Lines alone says it changed nothing; the same setting, read on every
    run of the repository, says nothing."""
    (repo / "e.jsonl").write_text('{"lead": "A", "at": "2026-12-01T10:00:00Z", "type": "assigned"}\n')
    (repo / "pyproject.toml").write_text('[tool.slacode.input]\ncolumn = { lead = "Lead ID" }\n')
    assert run(capsys, "check", "revops.sla", "e.jsonl", *AS_OF)[2] == ""
    assert "changed nothing" in run(capsys, "check", "revops.sla", "e.jsonl", *AS_OF, "--column", "lead=X")[2]


# --------------------------------------------------------------------------- problems

PROBLEMS = [
    ('timezone = "America/Sao_Paulo"\n',
     ['pyproject.toml:2: [tool.slacode.input] timezone: no such setting; did you mean tz? '
      '(tz = "America/Sao_Paulo")']),
    ('columns = { lead = "Lead ID" }\n',
     ["pyproject.toml:2: [tool.slacode.input] columns: no such setting; did you mean column? "
      '(column = { lead = "Lead ID", at = "Created Date" })']),
    ('input_format = "csv"\n', ["pyproject.toml:2: [tool.slacode.input] input_format: no such setting; did you mean "
                                'input-format? (input-format = "csv")']),
    ('colour = "blue"\n', ["pyproject.toml:2: [tool.slacode.input] colour: no such setting; the settings are tz, "
                           "input-format, csv-delimiter, column, type-map, timestamp-format"]),
    ("tz = 3\n", ["pyproject.toml:2: [tool.slacode.input] tz: is the IANA name of a zone, a text, not a number; "
                  'write tz = "America/Sao_Paulo"']),
    ('tz = "America/Sao_Pablo"\n', ["pyproject.toml:2: [tool.slacode.input] tz: Unknown timezone 'America/Sao_Pablo'"
                                    "; did you mean 'America/Sao_Paulo'"]),
    ('tz = "BRT"\n', ["pyproject.toml:2: [tool.slacode.input] tz: 'BRT' is an abbreviation, not a time zone"]),
    ('input-format = "xlsx"\n', ["pyproject.toml:2: [tool.slacode.input] input-format: is jsonl or csv, not 'xlsx'"]),
    ('csv-delimiter = "ab"\n', ["pyproject.toml:2: [tool.slacode.input] csv-delimiter: CSV delimiter 'ab': use one "
                                "character"]),
    ('column = ["lead=Lead ID"]\n', ["pyproject.toml:2: [tool.slacode.input] column: is a table of NAME = HEADER "
                                     "columns, not a list; write column = {"]),
    ('[tool.slacode.input.column]\nlead = "Lead ID"\nat = 3\n',
     ["pyproject.toml:4: [tool.slacode.input] column.at: the header of at is a text, not a number"]),
    ('column = { lead = "Lead ID", id = "Lead ID" }\n',
     ["pyproject.toml:2: [tool.slacode.input] column: the header 'Lead ID' is mapped twice"]),
    ('column = { "fields." = "Score" }\n',
     ["pyproject.toml:2: [tool.slacode.input] column.\"fields.\": column mapping fields.=Score: 'fields.' names "
      "no field"]),
    ('type-map = { state = "state" }\n',
     ["pyproject.toml:2: [tool.slacode.input] type-map.state: type map state=state: maps the type 'state' to itself"]),
    ('type-map = { state = "Call", contact_attempt = ["Call", "Email"] }\n',
     ["pyproject.toml:2: [tool.slacode.input] type-map: the type 'Call' is mapped twice"]),
    ('type-map = { contact_attempt = [] }\n',
     ["pyproject.toml:2: [tool.slacode.input] type-map.contact_attempt: the types read as contact_attempt are a "
      "text or a non-empty list of texts"]),
    ('type-map.state = 7\n', ["pyproject.toml:2: [tool.slacode.input] type-map.state: the type read as state is a "
                              "text (or a list of texts), not a number"]),
    ('timestamp-format = "%m/%d/%Y %H:%M"\n',
     ["pyproject.toml:2: [tool.slacode.input] timestamp-format: timestamp format '%m/%d/%Y %H:%M' has no offset (%z)"
      ': its times are local times, so name their zone (tz = "ZONE" in [tool.slacode.input], or --tz ZONE)']),
    ('timestamp-format = ["epoch-ms", 5]\n',
     ["pyproject.toml:2: [tool.slacode.input] timestamp-format: is a text or a list of texts, not a list of other "
      "things"]),
    ('timestamp-format = "%Y"\ntz = "UTC"\n',
     ["pyproject.toml:2: [tool.slacode.input] timestamp-format: timestamp format '%Y' does not read"]),
]


@pytest.mark.parametrize(("body", "said"), PROBLEMS, ids=[p[0].split("=")[0].strip() for p in PROBLEMS])
def test_a_problem_of_the_table_is_a_usage_error_with_its_line(repo, capsys, body, said):
    text = body if body.startswith("[") else "[tool.slacode.input]\n" + body
    if body.startswith("["):
        text = "[tool.slacode]\n" + body           # (the key's line counts this header too)
    (repo / "pyproject.toml").write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "check", "revops.sla", "export.txt", *AS_OF)
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert len(lines) == len(said)
    for line, start in zip(lines, said):
        assert line.startswith("slacode: " + start), line


def test_every_problem_of_the_table_is_said(repo, capsys):
    (repo / "pyproject.toml").write_text(
        "[project]\nname = 'x'\n\n[tool.slacode.input]\ntimezone = 'UTC'\ncsv-delimiter = 'ab'\n"
        "column = { lead = 'Lead ID', at = 3 }\n"
        "type-map = { state = 'Status Change', assigned = ['Owner Change', 4] }\n"
        "timestamp-format = ['%m/%d/%Y %I:%M %p', 'nope']\n", encoding="utf-8")
    code, out, err = run(capsys, "report", "revops.sla", "export.txt", *AS_OF)
    assert code == 2 and out == ""
    where = [re.match(r"slacode: pyproject\.toml:(\d+): \[tool\.slacode\.input\] ([\w.-]+):", line).groups()
             for line in err.splitlines()]
    assert where == [("5", "timezone"), ("6", "csv-delimiter"), ("7", "column.at"), ("8", "type-map.assigned"),
                     ("9", "timestamp-format"), ("9", "timestamp-format")]
    assert "name their zone" in err and "'nope' is neither" in err


def test_the_docs_problem_lines_are_what_slacode_says(repo, capsys):
    section = CLI_PAGE.read_text(encoding="utf-8").split("### Input settings in pyproject.toml", 1)[1]
    shown = section.split("**Problems.**", 1)[1].split("```text\n", 1)[1].split("```", 1)[0]
    (repo / "pyproject.toml").write_text(
        '[tool.slacode.input]\ncsv-delimiter = ";"\ntimezone = "America/Sao_Paulo"\n'
        'type-map = { state = "Status Change" }\ncolumn = { lead = "Lead ID", at = 3 }\n', encoding="utf-8")
    assert run(capsys, "check", "revops.sla", "export.txt")[2] == shown


def test_a_broken_toml_file_is_said_with_its_line_and_column(repo, capsys):
    (repo / "pyproject.toml").write_text('[tool.slacode.input]\ntz = "UTC\n', encoding="utf-8")
    code, out, err = run(capsys, "check", "revops.sla", "export.txt", *AS_OF)
    assert code == 2 and out == ""
    assert err.startswith("slacode: pyproject.toml:2:") and "cannot read" in err and "(not TOML)" in err
    assert re.match(r"slacode: pyproject\.toml:2:\d+: cannot read: ", err)


def test_an_input_setting_straight_under_tool_slacode_is_said_to_go_under_input(repo, capsys):
    (repo / "pyproject.toml").write_text('[tool.slacode]\ntz = "UTC"\n', encoding="utf-8")
    code, _, err = run(capsys, "check", "revops.sla", "export.txt", *AS_OF)
    assert code == 2
    assert err == "slacode: pyproject.toml:2: [tool.slacode] has no setting tz; tz goes under [tool.slacode.input]\n"
    (repo / "pyproject.toml").write_text('[tool.slacode]\ninput = "csv"\n', encoding="utf-8")
    code, _, err = run(capsys, "check", "revops.sla", "export.txt", *AS_OF)
    assert code == 2 and "[tool.slacode.input]: is a table of input settings, not a text" in err


def test_a_bad_tz_on_the_command_line_is_said_as_the_options(repo, capsys):
    (repo / "pyproject.toml").write_text(docs_table(), encoding="utf-8")
    code, _, err = run(capsys, "check", "revops.sla", "export.txt", "--tz", "Mars/Base")
    assert code == 2 and err.startswith("slacode: --tz Mars/Base: Unknown timezone")


# --------------------------------------------------------------------------- who does not read it

BROKEN = '[tool.slacode.input]\ntimezone = "UTC"\n'


def test_lint_fmt_test_and_diff_without_events_do_not_read_the_table(repo, capsys):
    (repo / "pyproject.toml").write_text(BROKEN + '[tool.slacode.lint]\nignore = ["SLA4"]\n', encoding="utf-8")
    assert run(capsys, "lint", "revops.sla")[0] == 0
    assert run(capsys, "fmt", "--check", "revops.sla")[0] in (0, 1)
    assert run(capsys, "fmt", "--check", "revops.sla")[2].count("tool.slacode") == 0
    assert run(capsys, "test", "revops.sla")[0] == 0
    (repo / "revops2.sla").write_text(AGREEMENT.replace("within 1h", "within 2h"), encoding="utf-8")
    code, out, err = run(capsys, "diff", "revops.sla", "revops2.sla")
    assert code == 1 and "first_touch" in out and "tool.slacode" not in err
    # the commands that read events refuse it
    assert run(capsys, "diff", "revops.sla", "revops2.sla", "--events", "export.txt")[0] == 2
    assert run(capsys, "explain", "revops.sla", "export.txt", "--lead", "L-1")[0] == 2


def test_lint_takes_an_input_table_beside_its_own(repo, capsys):
    """Old `lint` refused any table of [tool.slacode] but `lint`."""
    (repo / "pyproject.toml").write_text(docs_table() + '\n[tool.slacode.lint]\nselect = ["SLA2"]\n')
    code, out, err = run(capsys, "lint", "revops.sla")
    assert code == 0 and "tool.slacode" not in out + err


# --------------------------------------------------------------------------- --config, --isolated

def test_config_reads_a_named_file_from_another_folder(repo, capsys, monkeypatch, tmp_path_factory):
    """A cron job that starts elsewhere names the repository's file: every command that
    reads events gives what it gives in the repository."""
    (repo / "pyproject.toml").write_text(docs_table(), encoding="utf-8")
    (repo / "revops2.sla").write_text(AGREEMENT.replace("within 1h", "within 2h"), encoding="utf-8")
    commands = (["check", "revops.sla", "export.txt", *AS_OF, "--format", "json"],
                ["explain", "revops.sla", "export.txt", "--lead", "L-3", *AS_OF],
                ["report", "revops.sla", "export.txt", *AS_OF, "--format", "json"],
                ["due", "revops.sla", "export.txt", *AS_OF, "--format", "json", "--overdue"],
                ["changes", "revops.sla", "export.txt", "--since", "2026-12-01T09:00:00-03:00", *AS_OF,
                 "--format", "json"],
                ["diff", "revops.sla", "revops2.sla", "--events", "export.txt", *AS_OF, "--format", "json"])
    in_repo = [run(capsys, *c) for c in commands]
    elsewhere = tmp_path_factory.mktemp("cron")
    monkeypatch.chdir(elsewhere)
    for command, wanted in zip(commands, in_repo):
        absolute = [str(repo / a) if (repo / a).is_file() and a.endswith((".sla", ".txt")) else a for a in command]
        got = run(capsys, *absolute, "--config", repo / "pyproject.toml")
        assert got[0] == wanted[0] and got[0] in (0, 1), got[2]
        assert got[1].replace(str(repo) + "/", "") == wanted[1], command[0]
        assert run(capsys, *absolute)[1] != got[1], command[0]          # (without it: nothing read)
    # any TOML file with the table will do
    (elsewhere / "nightly.toml").write_text(docs_table(), encoding="utf-8")
    code, out, err = run(capsys, "check", repo / "revops.sla", repo / "export.txt", "--config", "nightly.toml",
                         *AS_OF, "--format", "json", "-v")
    assert code == 0 and len(verdicts(out)) == 6
    assert err.startswith("slacode: using [tool.slacode.input] from nightly.toml: tz, input-format")


def test_isolated_reads_no_settings(repo, capsys):
    (repo / "pyproject.toml").write_text(docs_table(), encoding="utf-8")
    args = ["check", "revops.sla", "export.txt", *AS_OF, "--format", "json"]
    assert len(verdicts(run(capsys, *args)[1])) == 6
    code, out, err = run(capsys, *args, "--isolated", "-v")
    assert code == 2 or verdicts(out) == []              # (a .txt file is no event file by its name)
    assert "slacode: no [tool.slacode.input]: --isolated reads no pyproject.toml" in err
    code, out, err = run(capsys, *args, "--isolated", *OPTIONS)
    assert (code, out) == run(capsys, *args)[:2]


def test_config_and_isolated_refuse_what_cannot_be_read(repo, capsys):
    (repo / "other.toml").write_text('[project]\nname = "x"\n', encoding="utf-8")
    args = ["check", "revops.sla", "export.txt", *AS_OF]
    code, _, err = run(capsys, *args, "--config", "other.toml")
    assert code == 2 and "other.toml: has no [tool.slacode] table" in err
    code, _, err = run(capsys, *args, "--config", "missing.toml")
    assert code == 2 and "'missing.toml' does not exist" in err
    code, _, err = run(capsys, *args, "--config", "other.toml", "--isolated")
    assert code == 2 and "--config and --isolated cannot be given together" in err
    (repo / "broken.toml").write_text("[tool.slacode.input\n", encoding="utf-8")
    code, _, err = run(capsys, *args, "--config", "broken.toml")
    assert code == 2 and "broken.toml:1:" in err and "(not TOML)" in err
    code, _, err = run(capsys, "lint", "revops.sla", "--config", "other.toml")
    assert code == 2 and "other.toml: has no [tool.slacode] table" in err


def test_lint_and_check_take_the_lint_table_of_config_or_none(repo, capsys):
    (repo / "warned.sla").write_text(AGREEMENT.replace("first_touch", "firstTouch"), encoding="utf-8")
    code, out, _ = run(capsys, "lint", "warned.sla")
    assert code == 0 and "SLA401" in out
    (repo / "quiet.toml").write_text('[tool.slacode.lint]\nignore = ["SLA4"]\n', encoding="utf-8")
    (repo / "pyproject.toml").write_text('[tool.slacode.lint]\nignore = ["SLA4"]\n', encoding="utf-8")
    assert "SLA401" not in run(capsys, "lint", "warned.sla")[1]
    assert "SLA401" in run(capsys, "lint", "warned.sla", "--isolated")[1]
    (repo / "pyproject.toml").unlink()
    assert "SLA401" not in run(capsys, "lint", "warned.sla", "--config", "quiet.toml")[1]
    lines = [{"lead": "A", "at": "2026-12-01T10:00:00-03:00", "type": "assigned", "owner": "ana"}]
    (repo / "e.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    check = ["check", "warned.sla", "e.jsonl", *AS_OF]
    assert "SLA401" in run(capsys, *check)[1]
    assert "SLA401" not in run(capsys, *check, "--config", "quiet.toml")[1]


# --------------------------------------------------------------------------- the pieces

def test_key_lines_finds_headers_dotted_and_inline_keys():
    text = ('[project]\nname = "x"\n\n[tool.slacode.input]\ntz = "UTC"\n"csv-delimiter" = ";"\n'
            'column = { lead = "Lead ID", "at" = "Created" }\ntype-map.state = "Status Change"\n'
            'doc = """\nfake = 1\n"""\n[tool.slacode.input.timestamp-format]\n')
    lines = key_lines(text)
    base = ("tool", "slacode", "input")
    assert lines[base] == 4 and lines[base + ("tz",)] == 5 and lines[base + ("csv-delimiter",)] == 6
    assert lines[base + ("column", "lead")] == lines[base + ("column", "at")] == 7
    assert lines[base + ("type-map",)] == lines[base + ("type-map", "state")] == 8
    assert base + ("fake",) not in lines                       # inside a multi-line string
    assert lines[base + ("timestamp-format",)] == 12


@pytest.mark.parametrize(("key", "meant"), [
    ("timezone", "tz"), ("TZ", "tz"), ("time_zone", "tz"), ("columns", "column"), ("type_map", "type-map"),
    ("type-maps", "type-map"), ("timestamp_formats", "timestamp-format"), ("delimiter", "csv-delimiter"),
    ("csv_delimiter", "csv-delimiter"), ("--tz", "tz"), ("input-fromat", "input-format"), ("colour", None)])
def test_suggest(key, meant):
    assert suggest(key) == meant


def test_input_settings_values(tmp_path):
    (tmp_path / "pyproject.toml").write_text(docs_table(), encoding="utf-8")
    settings = input_settings(tmp_path)
    assert settings.path == tmp_path / "pyproject.toml"
    assert settings.values["column"][0] == ("lead", "Lead ID")
    assert settings.values["type-map"][-2:] == (("contact_attempt", "Call"), ("contact_attempt", "Email"))
    assert settings.values["timestamp-format"] == ("%m/%d/%Y %I:%M %p", "iso8601")
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n", encoding="utf-8")
    assert input_settings(tmp_path).path is None or input_settings(tmp_path).path != tmp_path / "pyproject.toml"
