"""The installed console script, end to end (exit codes, formats, stdin, errors)."""
from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, SHARED, needs_shared, run_slacode

CASE = SHARED / "conformance" / "cases" / "001-first-touch"
AS_OF = "2026-11-16T12:05:00-03:00"
SLACODE = shutil.which("slacode")


def script(*args, stdin: str | None = None, cwd=ROOT):
    """The installed ``slacode`` script (``python -m slacode`` without one), a process of its own."""
    cmd = [SLACODE] if SLACODE else [sys.executable, "-m", "slacode"]
    return subprocess.run(cmd + list(args), capture_output=True, text=True, input=stdin, cwd=cwd)


def run(*args, stdin: str | None = None, cwd=ROOT):
    """The command in this process (:func:`tests.conftest.run_slacode`): what a test of the
    command's behaviour needs, without an interpreter's start-up; the tests of the script
    itself (installed, signals, pipes, the exit at the end) start a process (:func:`script`)."""
    return run_slacode(args, stdin=stdin, cwd=cwd)


def test_console_script_is_installed():
    assert SLACODE, "the `slacode` console script is not on PATH"
    proc = script("--help")
    assert proc.returncode == 0 and "lint" in proc.stdout and "check" in proc.stdout


def test_python_dash_m_works():
    proc = subprocess.run([sys.executable, "-m", "slacode", "--version"], capture_output=True, text=True)
    assert proc.returncode == 0 and "slacode" in proc.stdout


def test_lint_bundled_specs_is_clean():
    proc = script("lint", "specs/")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_lint_errors_exit_1_and_point_at_the_place(tmp_path):
    bad = tmp_path / "bad.sla"
    bad.write_text('agreement "x" {\n  teams sales\n}\ndeadline r {\n  within on c\n}\n')
    proc = run("lint", str(bad))
    assert proc.returncode == 1
    assert f"{bad}:5:10: SLA101" in proc.stdout
    assert "^^" in proc.stdout
    data = json.loads(run("lint", str(bad), "--format", "json").stdout)
    assert data[0]["code"] == "SLA101" and (data[0]["line"], data[0]["column"]) == (5, 10)
    assert run("lint", str(bad), "--exit-zero").returncode == 0


def test_lint_missing_path_is_exit_2():
    proc = run("lint", "no/such/file.sla")
    assert proc.returncode == 2 and "no such file" in proc.stderr
    assert proc.stderr.count("\n") == 1


def test_lint_and_test_go_on_with_the_files_that_exist(tmp_path):
    # a missing path among others: the others are checked, the missing one said, exit 2
    bad = tmp_path / "bad.sla"
    bad.write_text('agreement "a" {\n  teams sales\n}\nsegment hot = score > 1\n'
                   'deadline d {\n  owner sales\n  start on a\n  stop on b\n  within 1h\n}\n')
    proc = run("lint", "--format", "json", str(bad), "no/such.sla")
    assert proc.returncode == 2 and [d["code"] for d in json.loads(proc.stdout)] == ["SLA217"]
    assert "no/such.sla: no such file or folder" in proc.stderr
    proc = run("test", "specs/northwind.sla", "no/such.sla")
    assert proc.returncode == 2 and "PASS" in proc.stdout
    assert "no/such.sla: no such file or folder" in proc.stderr and "1 file not run" in proc.stderr


def test_lint_and_fmt_without_a_path_read_the_current_folder(tmp_path):
    # as ruff: no PATH is `.`; hidden folders, node_modules and venv are left out
    spec = (ROOT / "specs" / "northwind.sla").read_text()
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "one.sla").write_text(spec)
    (tmp_path / "two.sla").write_text(spec)
    for skipped in (".git", ".venv", "node_modules", "venv"):
        (tmp_path / skipped).mkdir()
        (tmp_path / skipped / "broken.sla").write_text("agreement {\n")
    proc = run("lint", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "All checks passed (2 files)." in proc.stderr
    proc = run("fmt", "--check", cwd=tmp_path)
    assert proc.returncode == 0 and "2 files already formatted." in proc.stderr, proc.stderr
    # a named hidden folder is searched; a broken file there is found
    assert run("lint", ".venv", cwd=tmp_path).returncode == 1
    # what is found is checked: a broken file under `.` makes lint fail and fmt refuse
    (tmp_path / "a" / "bad.sla").write_text("agreement {\n")
    assert run("lint", cwd=tmp_path).returncode == 1
    assert run("fmt", "--check", cwd=tmp_path).returncode == 2


def test_lint_and_fmt_without_a_path_and_no_agreement_warn_and_exit_0(tmp_path):
    (tmp_path / "node_modules").mkdir()
    (tmp_path / "node_modules" / "x.sla").write_text("agreement {\n")
    for args in (["lint"], ["fmt"], ["fmt", "--check"], ["lint", "--format", "json"]):
        proc = run(*args, cwd=tmp_path)
        assert proc.returncode == 0, (args, proc.stderr)
        assert "No .sla files found under the current folder" in proc.stderr
        assert "All checks passed" not in proc.stderr and "formatted" not in proc.stderr
    assert run("lint", "--format", "json", cwd=tmp_path).stdout.strip() == "[]"
    # a folder named that holds none is still a mistake
    (tmp_path / "empty").mkdir()
    proc = run("lint", "empty", cwd=tmp_path)
    assert proc.returncode == 2 and "no .sla files found in empty" in proc.stderr


def test_rule_prints_the_docs_page():
    proc = run("rule", "SLA101")
    assert proc.returncode == 0 and proc.stdout.startswith("# SLA101")
    page = (ROOT / "docs" / "rules" / "SLA101.md")
    if page.exists():
        assert page.read_text() == proc.stdout
    assert run("rule", "SLA000").returncode == 2


def test_rule_with_a_word_lists_the_codes_whose_name_or_summary_has_it():
    proc = run("rule", "warn")
    assert proc.returncode == 0, proc.stderr
    codes = [line.split()[0] for line in proc.stdout.splitlines()]
    # the names first (in code order), then the summaries
    assert codes[:3] == ["SLA344", "SLA346", "SLA347"]
    assert "SLA321" in codes[3:] and len(codes) == len(set(codes))
    assert "warning-never-fires" in proc.stdout and "codes match 'warn'" in proc.stderr
    # a space reads as a hyphen; a code prefix gives its group
    assert run("rule", "never fires").stdout.split()[:3] == ["SLA347", "warning", "warning-never-fires"]
    group = [line.split()[0] for line in run("rule", "sla1").stdout.splitlines()]
    assert group and all(c.startswith("SLA1") for c in group)
    # a word nothing has is still a usage error
    proc = run("rule", "qwxz")
    assert proc.returncode == 2 and "unknown code 'qwxz'" in proc.stderr and not proc.stdout
    for word in (".", "*", "[", ""):                # no word to look for: nothing matches
        proc = run("rule", word)
        assert proc.returncode == 2 and f"unknown code {word!r}" in proc.stderr and not proc.stdout


def test_rule_all_lines_the_summaries_up_past_the_longest_name():
    from slacode.codes import CODES

    lines = run("rule", "--all").stdout.splitlines()
    assert len(lines) == len(CODES)
    starts = {line.index(CODES[line.split()[0]].summary[:20]) for line in lines}
    assert len(starts) == 1, starts


@needs_shared
@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "table"])
def test_check_formats(fmt):
    proc = run("check", str(CASE / "agreement.sla"), str(CASE / "events.jsonl"), "--as-of", AS_OF,
               "--format", fmt)
    assert proc.returncode == 0, proc.stderr
    if fmt == "json":
        doc = json.loads(proc.stdout)
        assert list(doc) == ["agreement", "as_of", "verdicts", "diagnostics", "summary"]
        v = next(v for v in doc["verdicts"] if v["lead"] == "B")
        assert v["status"] == "breached" and v["due_at"] == "2026-11-10T09:20:00-03:00"
        statuses = {st: sum(v["status"] == st for v in doc["verdicts"]) for st in doc["summary"]["statuses"]}
        assert doc["summary"]["statuses"] == statuses and doc["summary"]["verdicts"] == len(doc["verdicts"]) == 10
        assert doc["summary"]["leads"] == len({v["lead"] for v in doc["verdicts"] if v["lead"]})
    elif fmt == "jsonl":
        rows = [json.loads(x) for x in proc.stdout.splitlines()]
        assert [r["record"] for r in rows if r["record"] not in ("verdict", "diagnostic")] == ["summary"]
        assert rows[-1]["record"] == "summary" and rows[-1]["verdicts"] == 10
        assert sum(r["record"] == "verdict" for r in rows) == 10
    elif fmt == "csv":
        rows = list(csv.DictReader(io.StringIO(proc.stdout)))
        assert len(rows) == 10 and rows[0]["lead"] == "A" and rows[0]["status"] == "met"
    else:
        # the summary is the table's last line, on standard output with it
        assert "breached" in proc.stdout and proc.stdout.splitlines()[-1].startswith("10 verdicts for 8 leads: ")
        assert "verdicts for" not in proc.stderr


@needs_shared
def test_check_fail_on_input_and_csv_diagnostics_on_stderr(tmp_path):
    spec = str(CASE / "agreement.sla")
    clean = run("check", spec, str(CASE / "events.jsonl"), "--as-of", AS_OF, "--fail-on", "input",
                "--format", "jsonl")
    assert clean.returncode == 0, clean.stderr
    semi = tmp_path / "export.csv"
    semi.write_text("Lead;At;Type\nA;2026-11-16T09:00:00-03:00;assigned\n")       # an Excel export
    unusable = run("check", spec, str(semi), "--as-of", AS_OF, "--fail-on", "breached", "--fail-on", "input")
    assert unusable.returncode == 1 and "SLA509" in unusable.stdout
    assert run("check", spec, str(semi), "--as-of", AS_OF, "--fail-on", "breached").returncode == 0
    bad = tmp_path / "e.jsonl"
    bad.write_text('{"lead":"A","at":"2026-11-16 09:00:00","type":"assigned"}\n')
    as_csv = run("check", spec, str(bad), "--as-of", AS_OF, "--format", "csv")
    assert as_csv.returncode == 0 and as_csv.stdout.startswith("lead,rule")
    assert f"{bad}:1:" in as_csv.stderr and "SLA504" in as_csv.stderr and "1 input problem" in as_csv.stderr
    assert run("check", spec, str(bad), "--as-of", AS_OF, "--format", "csv", "--fail-on", "input").returncode == 1


@needs_shared
def test_check_fail_on_and_lead_filter():
    args = ["check", str(CASE / "agreement.sla"), str(CASE / "events.jsonl"), "--as-of", AS_OF]
    assert run(*args, "--fail-on", "breached").returncode == 1
    assert run(*args, "--lead", "A", "--fail-on", "breached").returncode == 0
    assert run(*args, "--lead", "C", "--fail-on", "at_risk").returncode == 1
    doc = json.loads(run(*args, "--lead", "A", "--format", "json").stdout)
    assert {v["lead"] for v in doc["verdicts"]} == {"A"}


NORTHWIND = [str(ROOT / "specs" / "northwind.sla"), str(ROOT / "specs" / "events.jsonl"),
             "--as-of", "2026-11-20T18:00:00-03:00"]


def test_check_status_filter_prints_only_those_verdicts():
    jobs = "1"                      # --jobs 2 (really parallel): tests/test_parallel.py
    plain = run("check", *NORTHWIND, "--format", "jsonl", "--jobs", jobs)
    every = [json.loads(line) for line in plain.stdout.splitlines()]
    want = [r for r in every if r["record"] == "diagnostic"
            or r["record"] == "verdict" and r["status"] in ("breached", "paused")]
    proc = run("check", *NORTHWIND, "--format", "jsonl", "--jobs", jobs, "--status", "breached", "--status", "paused")
    got = [json.loads(line) for line in proc.stdout.splitlines()]
    assert got[:-1] == want
    # the summary counts every verdict, and says how many were written
    assert got[-1] == {**every[-1], "written": sum(r["record"] == "verdict" for r in want)}
    assert got[-1]["verdicts"] == sum(r["record"] == "verdict" for r in every) > got[-1]["written"]
    verdicts = [r for r in got if r["record"] == "verdict"]
    assert {r["status"] for r in verdicts} == {"breached", "paused"}
    assert any(r["lead"] is None for r in verdicts) and any(r["lead"] for r in verdicts)   # aggregates too
    doc = json.loads(run("check", *NORTHWIND, "--format", "json", "--jobs", jobs, "--status", "paused").stdout)
    assert [v["status"] for v in doc["verdicts"]] == ["paused"] * 3
    assert len(doc["diagnostics"]) == sum(r["record"] == "diagnostic" for r in every) > 0   # diagnostics all kept


def test_check_status_filter_keeps_the_summary_and_fail_on_whole():
    full = run("check", *NORTHWIND)
    proc = run("check", *NORTHWIND, "--status", "paused", "--fail-on", "breached")
    assert proc.returncode == 1                                 # the breaches still count
    rows = proc.stdout.splitlines()
    assert rows[0].split()[:5] == ["lead", "rule", "clause", "cycle", "status"]
    table = [r for r in rows[1:] if r.startswith("nw-")]
    assert len(table) == 3 and all(" paused " in r for r in table)
    summary = full.stdout.strip().splitlines()[-1]
    assert summary.startswith("3,538 verdicts for ")
    assert proc.stdout.strip().splitlines()[-1] == summary[:-1] + "; 3 shown (paused)."
    csv_rows = list(csv.DictReader(io.StringIO(run("check", *NORTHWIND, "--format", "csv", "--status", "met").stdout)))
    assert csv_rows and {r["status"] for r in csv_rows} == {"met"}
    github = run("check", *NORTHWIND, "--format", "github", "--status", "met").stdout
    assert "breached" not in github                             # no breach annotations asked for
    assert "breached" in run("check", *NORTHWIND, "--format", "github").stdout
    assert run("check", *NORTHWIND, "--status", "late").returncode == 2


@needs_shared
def test_check_reads_stdin_and_out_of_order_lines():
    lines = (CASE / "events.jsonl").read_text().splitlines()
    shuffled = "\n".join(reversed(lines)) + "\n"
    base = ["check", str(CASE / "agreement.sla"), "--as-of", AS_OF, "--format", "json"]
    want = json.loads(run(*base[:2], str(CASE / "events.jsonl"), *base[2:]).stdout)["verdicts"]
    got = json.loads(run(*base[:2], "-", *base[2:], stdin=shuffled).stdout)["verdicts"]
    strip = lambda vs: [{k: v for k, v in x.items() if k != "evidence"} for x in vs]  # noqa: E731
    assert strip(got) == strip(want)


@needs_shared
def test_check_reports_bad_lines_and_goes_on(tmp_path):
    events = tmp_path / "ev.jsonl"
    events.write_text('{"lead": "A", "at": "2026-11-09T16:00:00-03:00", "type": "assigned", "id": "a1"}\n'
                      "{not json\n"
                      '{"lead": "A", "at": "2026-11-10T10:30:00", "type": "contact_attempt"}\n'
                      '{"lead": "A", "at": "2026-11-10T10:30:00-03:00", "type": "contact_attempt", "id": "a1"}\n'
                      '{"lead": "A", "at": "2026-11-10T10:45:00-03:00", "type": "contact_attempt"}\n')
    proc = run("check", str(CASE / "agreement.sla"), str(events), "--as-of", AS_OF, "--format", "json")
    assert proc.returncode == 0
    doc = json.loads(proc.stdout)
    lines = sorted(d["line"] for d in doc["diagnostics"] if d["severity"] != "info" and d["file"] == str(events))
    assert lines == [2, 3, 4]
    v = doc["verdicts"][0]
    assert v["status"] == "met" and v["completed_at"] == "2026-11-10T10:45:00-03:00"


def test_check_with_a_broken_agreement_is_exit_2(tmp_path):
    spec = tmp_path / "x.sla"
    spec.write_text("deadline r {\n  within\n}\n")
    events = tmp_path / "e.jsonl"
    events.write_text("")
    proc = run("check", str(spec), str(events), "--as-of", AS_OF)
    assert proc.returncode == 2 and "SLA101" in proc.stderr


def test_check_unknown_event_format_is_exit_2(tmp_path):
    spec = ROOT / "specs" / "northwind.sla"
    weird = tmp_path / "events.txt"
    weird.write_text("")
    proc = run("check", str(spec), str(weird), "--as-of", AS_OF)
    assert proc.returncode == 2 and "format" in proc.stderr


@needs_shared
def test_explain_shows_clocks_and_reasons():
    proc = run("explain", str(CASE / "agreement.sla"), str(CASE / "events.jsonl"), "--lead", "F", "--as-of", AS_OF)
    assert proc.returncode == 0
    out = proc.stdout
    assert "cycle 1 opens" in out and "cycle 1 stopped on time" in out and "cycle 2 opens" in out
    assert "first_touch.within cycle 2: BREACHED" in out
    assert run("explain", str(CASE / "agreement.sla"), str(CASE / "events.jsonl"), "--lead", "nobody",
               "--as-of", AS_OF).returncode == 2


def one_hour_rule(tmp_path, name: str = "d"):
    """An agreement file with one rule: `assigned` starts a 1h clock that `call` stops."""
    spec = tmp_path / "a.sla"
    spec.write_text('agreement "x" {\n  timezone "UTC"\n  teams sales\n}\n'
                    f'deadline {name} {{\n  owner sales\n  start on assigned\n  stop on call\n  within 1h\n}}\n')
    return spec


def test_explain_keeps_standard_input_to_read_it_again(tmp_path):
    spec = one_hour_rule(tmp_path)
    lines = ['{"lead": "Acme-1", "at": "2026-11-09T09:00:00Z", "type": "assigned", "owner": "ana", "id": "e1"}',
             '{"lead": "Acme-1", "at": "2026-11-09T09:20:00Z", "type": "call", "id": "e2"}']
    text = "\n".join(lines + [lines[0]]) + "\n"              # line 3 repeats line 1 exactly
    proc = run("explain", str(spec), "-", "--lead", "Acme-1", "--as-of", "2026-11-09T12:00:00Z", stdin=text)
    assert proc.returncode == 0, proc.stderr
    assert "<stdin>:3:1: SLA517" in proc.stdout and "not compared" not in proc.stdout
    # a lead id not found: the input is read again for the one meant
    wrong = run("explain", str(spec), "-", "--lead", "acme-1", "--as-of", "2026-11-09T12:00:00Z", stdin=text)
    assert wrong.returncode == 2 and "did you mean 'Acme-1'?" in wrong.stderr, wrong.stderr


def test_explain_shows_the_input_problems_of_the_leads_lines(tmp_path):
    spec = one_hour_rule(tmp_path)
    events = tmp_path / "e.csv"
    events.write_text("lead,at,type,owner\n"
                      "A,2026-11-09T09:00:00Z,assigned,ana,extra\n"      # 2: a cell too many
                      "A,2026-11-09 09:30:00,call,\n"                    # 3: no offset
                      "A,2026-11-09T08:00:00Z,assigned,bruno\n"
                      "B,2026-11-09 09:30:00,call,\n"                    # 5: another lead's
                      "Ann,2026-11-09 09:30:00,call,\n")                 # 6: a lead named like A
    proc = run("explain", str(spec), str(events), "--lead", "A", "--as-of", "2026-11-09T12:00:00Z")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "Problems for lead A" in out
    assert "e.csv:2:1: SLA501" in out and "e.csv:3:3: SLA504" in out and ":5:" not in out and ":6:" not in out
    assert "2 other input problems in the events" in out
    picked = run("check", str(spec), str(events), "--lead", "A", "--lead", "B", "--as-of",
                 "2026-11-09T12:00:00Z", "--format", "jsonl")
    assert picked.returncode == 0 and '"lead":"A"' in picked.stdout
    assert "no verdicts for lead 'B'" in picked.stderr and "'A'" not in picked.stderr
    assert picked.stdout.count('"record":"diagnostic"') == 4       # machine output keeps them all
    table = run("check", str(spec), str(events), "--lead", "A", "--as-of", "2026-11-09T12:00:00Z")
    assert "e.csv:2:1: SLA501" in table.stdout and "e.csv:3:3: SLA504" in table.stdout
    assert "e.csv:5:" not in table.stdout and "e.csv:6:" not in table.stdout
    assert "2 more diagnostics on other leads' lines" in table.stderr
    gone = run("explain", str(spec), str(events), "--lead", "B", "--as-of", "2026-11-09T12:00:00Z")
    assert gone.returncode == 2
    assert "e.csv:5:3: SLA504" in gone.stderr and "no usable events for lead 'B'" in gone.stderr


def test_events_named_twice_exit_2(tmp_path):
    events = str(CASE / "events.jsonl")
    twice = run("check", str(CASE / "agreement.sla"), events, events, "--as-of", AS_OF)
    assert twice.returncode == 2 and "named twice" in twice.stderr
    stdin = run("check", str(CASE / "agreement.sla"), "-", "-", "--as-of", AS_OF, stdin="")
    assert stdin.returncode == 2 and "standard input" in stdin.stderr


def test_csv_has_a_timezone_column_when_the_agreement_has_quiet_hours():
    spec, events = "specs/northwind.sla", "specs/events.jsonl"
    proc = run("check", spec, events, "--as-of", "2026-11-20T18:00:00-03:00", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(proc.stdout)))
    quiet = [r for r in rows if r["clause"] == "only_between"]
    assert quiet and all(r["timezone"] for r in quiet) and all(not r["timezone"] for r in rows
                                                               if r["clause"] != "only_between")
    data = json.loads(run("check", spec, events, "--as-of", "2026-11-20T18:00:00-03:00", "--format", "json").stdout)
    assert [r["timezone"] for r in quiet] == [v["timezone"] for v in data["verdicts"] if v["clause"] == "only_between"]
    plain = run("check", str(CASE / "agreement.sla"), str(CASE / "events.jsonl"), "--as-of", AS_OF, "--format", "csv")
    assert plain.stdout.splitlines()[0] == proc.stdout.splitlines()[0]      # one header for every agreement
    assert plain.stdout.splitlines()[0].endswith(",evidence,reason,timezone,group,warnings,escalates,count")


def test_due_counts_follow_the_assignee_filter_and_leave_out_the_agreements_warnings(tmp_path):
    spec = one_hour_rule(tmp_path, "firstTouch")                 # SLA401: not snake_case
    events = tmp_path / "e.jsonl"
    events.write_text('{"lead":"A","at":"2026-11-24T08:00:00Z","type":"assigned","owner":"ana"}\n'
                      '{"lead":"B","at":"2026-11-24T08:00:00Z","type":"assigned","owner":"bia"}\n'
                      '{"lead":"C","at":"2026-11-24T08:00:00Z","type":"assigned","owner":"bia"}\n')
    args = ["due", str(spec), str(events), "--as-of", "2026-11-24T10:00:00Z"]
    ana = run(*args, "--assignee", "ana")
    assert ana.returncode == 0 and "1 more clock is past its deadline" in ana.stderr, ana.stderr
    assert "input problem" not in ana.stderr            # the agreement's SLA401 (camelCase) is not the events'
    assert "3 more clocks are past their deadline" in run(*args).stderr
    listed = run(*args, "--assignee", "bia", "--overdue", "--format", "jsonl").stdout.splitlines()
    assert [json.loads(x)["lead"] for x in listed] == ["B", "C"]
    assert "input problem" not in run("report", str(spec), str(events), "--as-of", "2026-11-24T10:00:00Z").stderr


def test_the_program_exits_with_mains_status_and_spares_the_last_collection(monkeypatch):
    """`slacode` (the console entry) exits with main()'s status, after gc.freeze() so that
    the interpreter's last collection does not walk every object left for nothing."""
    import gc

    from slacode import cli

    calls = []
    monkeypatch.setattr(cli, "main", lambda: calls.append("main") or 3)
    monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
    with pytest.raises(SystemExit) as exit_:
        cli.console()
    assert exit_.value.code == 3 and calls == ["main", "freeze"]
    assert script("--version").returncode == 0, "the installed script still runs"


def test_an_unhandled_exception_is_exit_2_with_one_line_not_a_traceback(monkeypatch, capsys):
    """Status 1 means findings: a bug must not look like one (docs/cli.md: 2 is internal error)."""
    from slacode import cli

    def broken(*_a, **_k):
        raise RuntimeError("boom")

    monkeypatch.setattr(cli, "load_agreement", broken)
    monkeypatch.delenv("SLACODE_TRACEBACK", raising=False)
    code = cli.main(["check", str(ROOT / "specs" / "northwind.sla"), str(ROOT / "specs" / "events.jsonl"),
                     "--as-of", "2026-11-20T18:00:00-03:00"])
    err = capsys.readouterr().err
    assert code == 2
    assert "slacode: internal error: RuntimeError: boom" in err and "Traceback" not in err
    monkeypatch.setenv("SLACODE_TRACEBACK", "1")
    assert cli.main(["check", str(ROOT / "specs" / "northwind.sla"), str(ROOT / "specs" / "events.jsonl"),
                     "--as-of", "2026-11-20T18:00:00-03:00"]) == 2
    assert "Traceback" in capsys.readouterr().err


def test_a_deadline_past_the_supported_years_names_the_lead_and_exits_2(tmp_path):
    """A target of 9,999 days lints clean; started in 9989 its deadline is past the years
    calendars (and datetime) cover: one clear error, with or without a calendar."""
    import slacode

    for clock in ("", " on office"):
        spec = tmp_path / "far.sla"
        spec.write_text('agreement "far" { timezone "UTC"; teams sales }\n'
                        'calendar office { timezone "UTC"; hours mon-fri 09:00-18:00 }\n'
                        f'deadline first_touch {{ owner sales; start on assigned; stop on call; within 9999d{clock} }}\n',
                        encoding="utf-8")
        events = tmp_path / "far.jsonl"
        events.write_text('{"lead": "L-1", "at": "9989-06-01T10:00:00Z", "type": "assigned"}\n', encoding="utf-8")
        assert run("lint", str(spec)).returncode == 0
        proc = run("check", str(spec), str(events), "--as-of", "9989-12-01T00:00:00Z")
        assert proc.returncode == 2, proc.stderr
        assert "lead 'L-1', rule `first_touch`, cycle 1" in proc.stderr
        assert "the deadline falls after 9990, the last year calendars cover" in proc.stderr
        assert "Traceback" not in proc.stderr
        with pytest.raises(slacode.CalendarError, match="L-1"):
            slacode.load(spec).evaluate([{"lead": "L-1", "at": "9989-06-01T10:00:00Z", "type": "assigned"}],
                                        as_of="9989-12-01T00:00:00Z")


def _is_full_device() -> bool:
    import stat
    try:
        return stat.S_ISCHR(os.stat("/dev/full").st_mode)      # (a plain file of that name takes anything)
    except OSError:
        return False


@pytest.mark.skipif(not _is_full_device(), reason="needs the /dev/full device")
def test_a_full_disk_is_an_io_error_not_a_bug():
    with open("/dev/full", "w") as full:
        proc = subprocess.run([sys.executable, "-m", "slacode", "check", "specs/northwind.sla", "specs/events.jsonl",
                               "--as-of", "2026-11-20T18:00:00-03:00", "--format", "jsonl"],
                              cwd=ROOT, stdout=full, stderr=subprocess.PIPE, text=True)
    assert proc.returncode == 2 and "No space left on device" in proc.stderr
    assert "internal error" not in proc.stderr and "Traceback" not in proc.stderr


def test_a_deadline_in_the_last_covered_year_is_fine_and_one_after_it_is_named(tmp_path):
    """9990 is the last year calendars cover: a deadline in it is given, one in 9991 is not;
    explain and test name the lead, rule and cycle as check does."""
    import slacode

    def spec(days: int) -> str:
        return ('agreement "far" { timezone "UTC"; teams sales }\n'
                f'deadline first_touch {{ owner sales; start on assigned; stop on call; within {days}d }}\n')

    event = [{"lead": "L-1", "at": "9989-06-01T10:00:00Z", "type": "assigned"}]
    ok = slacode.loads(spec(500)).evaluate(event, as_of="9989-12-01T00:00:00Z").verdicts[0]
    assert ok.to_dict()["due_at"] == "9990-10-14T10:00:00+00:00"
    with pytest.raises(slacode.CalendarError, match="after 9990"):
        slacode.loads(spec(600)).evaluate(event, as_of="9989-12-01T00:00:00Z")
    path = tmp_path / "far.sla"
    path.write_text(spec(600) + 'test "far" {\n  as of 9989-12-01T00:00:00Z\n  lead "L-1"\n'
                    '  at 9989-06-01T10:00:00Z assigned\n  expect first_touch pending\n}\n', encoding="utf-8")
    events = tmp_path / "far.jsonl"
    events.write_text('{"lead": "L-1", "at": "9989-06-01T10:00:00Z", "type": "assigned"}\n', encoding="utf-8")
    named = "lead 'L-1', rule `first_touch`, cycle 1"
    proc = run("explain", str(path), str(events), "--lead", "L-1", "--as-of", "9989-12-01T00:00:00Z")
    assert proc.returncode == 2 and named in proc.stderr
    proc = run("test", str(path))
    assert proc.returncode == 1 and named in proc.stdout


def test_diagnostics_come_by_file_line_and_column_and_errors_carry_no_tag(tmp_path):
    """STYLE.md: diagnostics sort by file and position. The input's by line (the count of
    events after as_of at its first line), then the notes of the evaluation by their place
    in the agreement (line 9 before line 16, not as text); the table tags all but errors,
    as `lint` does."""
    spec = tmp_path / "notes.sla"
    spec.write_text('agreement "notes" { timezone "UTC"; teams sales }\n\n\n\n\n\n'
                    'deadline first_touch {\n  owner sales\n  start on assigned where score >= 1\n'
                    '  stop on call\n  within 2h\n}\n\n'
                    'deadline second_touch {\n  owner sales\n  start on assigned where score >= 2\n'
                    '  stop on call\n  within 4h\n}\n', encoding="utf-8")
    events = tmp_path / "e.jsonl"
    events.write_text('{"lead": "L-1", "at": "2026-11-24T10:00:00Z", "type": "assigned", "score": "high"}\n'
                      '{"lead": "L-1", "at": "2026-11-24T13:00:00Z", "type": "call"}\n'
                      '{"lead": "L-2", "at": "2026-11-24T09:00:00", "type": "assigned"}\n'
                      'not json\n', encoding="utf-8")
    proc = run("check", str(spec), str(events), "--as-of", "2026-11-24T12:00:00Z", "--format", "jsonl")
    diags = [json.loads(x) for x in proc.stdout.splitlines() if '"diagnostic"' in x]
    assert [(d["code"], Path(d["file"]).name, d["line"]) for d in diags] == [
        ("SLA506", "e.jsonl", 2), ("SLA504", "e.jsonl", 3), ("SLA501", "e.jsonl", 4),
        ("SLA602", "notes.sla", 9), ("SLA602", "notes.sla", 16)]
    table = run("check", str(spec), str(events), "--as-of", "2026-11-24T12:00:00Z").stdout
    assert ": SLA501 the line is not valid JSON" in table and ": SLA506 [info] " in table
    assert ": SLA602 [warning] " in table


@needs_shared
def test_as_of_without_offset_is_read_in_tz():
    spec, events = str(CASE / "agreement.sla"), str(CASE / "events.jsonl")
    with_offset = run("check", spec, events, "--as-of", AS_OF, "--format", "json")
    local = run("check", spec, events, "--as-of", AS_OF[:19], "--tz", "America/Sao_Paulo", "--format", "json")
    assert with_offset.returncode == local.returncode == 0
    assert json.loads(local.stdout)["as_of"] == json.loads(with_offset.stdout)["as_of"]
    assert json.loads(local.stdout)["verdicts"] == json.loads(with_offset.stdout)["verdicts"]
    wrong = run("check", spec, events, "--as-of", AS_OF[:19], "--tz", "Mars/Olympus")
    assert wrong.returncode == 2 and "--tz Mars/Olympus" in wrong.stderr
    # without --tz: the agreement's time zone (America/Sao_Paulo); the seconds may be left out
    for bare in (AS_OF[:19], AS_OF[:16]):
        got = run("check", spec, events, "--as-of", bare, "--format", "json")
        assert got.returncode == 0, got.stderr
        assert json.loads(got.stdout)["as_of"] == json.loads(with_offset.stdout)["as_of"]
    utc = run("check", spec, events, "--as-of", AS_OF[:16], "--tz", "UTC", "--format", "json")
    assert json.loads(utc.stdout)["as_of"] == "2026-11-16T09:05:00-03:00"     # (written in the agreement's zone)
    for short in ("2026-11-16T12:05-03:00", "2026-11-16T12:05-03", "2026-11-16T12:05:00-0300"):
        got = run("check", spec, events, "--as-of", short, "--format", "json")
        assert json.loads(got.stdout)["as_of"] == json.loads(with_offset.stdout)["as_of"], short


@needs_shared
def test_as_of_a_date_alone_is_refused_with_the_instants_it_may_mean():
    spec, events = str(CASE / "agreement.sla"), str(CASE / "events.jsonl")
    got = run("check", spec, events, "--as-of", "2026-11-30")
    assert got.returncode == 2
    assert ("--as-of 2026-11-30: a date alone is no instant; write 2026-11-30T00:00 for the start of that day or "
            "2026-12-01T00:00 for its end (read in America/Sao_Paulo)") in got.stderr
    bad = run("check", spec, events, "--as-of", "2026-13-01")
    assert bad.returncode == 2 and "--as-of 2026-13-01:" in bad.stderr and "a date alone" not in bad.stderr


def test_owners_that_are_not_text_are_shown_as_text(tmp_path):
    """A CSV rep id such as 1234 is read as a number (§4); an assignee may be any JSON
    value. Every output shows it as text (the verdict schema's `assignee` is text); none
    fails on it."""
    spec = tmp_path / "a.sla"
    spec.write_text('agreement "r" {\n  timezone "UTC"\n  teams sales\n}\n'
                    'deadline d {\n  owner sales\n  start on assigned\n  stop on call\n  within 1h\n}\n'
                    'target t {\n  owner sales\n  rule d\n  at least 90% met per week\n}\n')
    events = tmp_path / "e.jsonl"
    events.write_text('{"lead":"A","at":"2026-11-09T09:00:00Z","type":"assigned","owner":1234}\n'
                      '{"lead":"B","at":"2026-11-09T09:00:00Z","type":"assigned","owner":["r1","r2"]}\n'
                      '{"lead":"C","at":"2026-11-09T09:00:00Z","type":"assigned","owner":"r3"}\n')
    as_of = ["--as-of", "2026-11-10T00:00:00Z"]
    table = run("check", str(spec), str(events), *as_of)
    assert table.returncode == 0 and "1234" in table.stdout and '["r1", "r2"]' in table.stdout, table.stderr
    data = json.loads(run("check", str(spec), str(events), *as_of, "--format", "json").stdout)
    assert [v["assignee"] for v in data["verdicts"] if v["lead"]] == ["1234", '["r1", "r2"]', "r3"]
    by = run("report", str(spec), str(events), *as_of, "--by", "assignee")
    assert by.returncode == 0 and "1234" in by.stdout and "r3" in by.stdout, by.stderr
    html = tmp_path / "r.html"
    assert run("report", str(spec), str(events), *as_of, "--html", str(html)).returncode == 0
    assert "1234" in html.read_text()
    due = run("due", str(spec), str(events), "--as-of", "2026-11-09T09:10:00Z", "--assignee", "1234")
    assert due.returncode == 0 and "A" in due.stdout and "r3" not in due.stdout, due.stderr


def test_lint_reads_standard_input_with_files():
    proc = run("lint", "-", "specs/northwind.sla", stdin='agreement "x" { teams s }\nsegment a = x ==\n')
    assert proc.returncode == 1 and "<stdin>:2:17: SLA101" in proc.stdout and "2 files" in proc.stderr


def test_the_agreement_can_come_from_standard_input():
    spec = (ROOT / "specs" / "northwind.sla").read_text()
    args = ["specs/events.jsonl", "--as-of", "2026-11-20T18:00:00-03:00", "--format", "jsonl"]
    piped = run("check", "-", *args, stdin=spec)
    assert piped.returncode == 0 and piped.stdout == run("check", "specs/northwind.sla", *args).stdout
    lead = ["specs/events.jsonl", "--lead", "nw-0002", "--as-of", "2026-11-20T18:00:00-03:00"]
    assert run("explain", "-", *lead, stdin=spec).stdout == run("explain", "specs/northwind.sla", *lead).stdout
    both = run("check", "-", "-", stdin=spec)
    assert both.returncode == 2 and "standard input can be only one of them" in both.stderr
    broken = run("report", "-", "specs/events.jsonl", stdin='agreement "x" {\n')
    assert broken.returncode == 2 and "<stdin>:1:16: SLA103" in broken.stderr


def test_fail_on_input_counts_other_leads_lines_in_every_format(tmp_path):
    # with --lead, the table shows only that lead's problems, but --fail-on input still
    # fails on a broken line of another lead, as the other formats do
    events = tmp_path / "e.jsonl"
    events.write_text('{"lead": "L-1", "at": "2026-11-09T10:00:00-03:00", "type": "assigned", "owner": "ana", "desk": "br"}\n'
                      '{"lead": "L-3", "at": "2026-11-09T10:30:00", "type": "contact_attempt"}\n')
    for fmt in ("table", "csv", "json", "jsonl"):
        proc = run("check", "specs/northwind.sla", str(events), "--as-of", "2026-11-09T12:00:00-03:00",
                   "--lead", "L-1", "--fail-on", "input", "--format", fmt)
        assert proc.returncode == 1, (fmt, proc.stderr)
    shown = run("check", "specs/northwind.sla", str(events), "--as-of", "2026-11-09T12:00:00-03:00",
                "--lead", "L-1")
    assert shown.returncode == 0 and "SLA504" not in shown.stdout and "1 more diagnostic" in shown.stderr


def test_a_folder_given_as_events_reads_its_event_files_in_path_order(tmp_path):
    lines = (ROOT / "specs" / "events.jsonl").read_text().splitlines(keepends=True)
    (tmp_path / "2026-11").mkdir()
    (tmp_path / ".old").mkdir()
    (tmp_path / "2026-11" / "b.jsonl").write_text("".join(lines[1000:]))
    (tmp_path / "2026-10.jsonl").write_text("".join(lines[:1000]))
    (tmp_path / ".old" / "x.jsonl").write_text("not json\n")        # hidden: not read
    (tmp_path / "README.md").write_text("# exports\n")             # not an event file
    (tmp_path / ".partial.jsonl").write_text("not json\n")
    as_of = ("--as-of", "2026-11-20T18:00:00-03:00", "--format", "jsonl", "--jobs", "1")
    folder = run("check", "specs/northwind.sla", str(tmp_path), *as_of)
    files = run("check", "specs/northwind.sla", str(tmp_path / "2026-10.jsonl"),
                str(tmp_path / "2026-11" / "b.jsonl"), *as_of)
    assert folder.returncode == files.returncode == 0, folder.stderr
    assert folder.stdout == files.stdout and '2026-10.jsonl:' in folder.stdout
    (tmp_path / "2026-12.tsv").write_text("lead\tat\ttype\n")       # an export under another name: said
    said = run("check", "specs/northwind.sla", str(tmp_path), *as_of)
    assert said.stdout.count('"code":"SLA518"') == 1 and "2026-12.tsv" in said.stdout
    swapped = run("check", "specs/northwind.sla", str(tmp_path / "2026-11" / "b.jsonl"),
                  str(tmp_path / "2026-10.jsonl"), *as_of)
    assert swapped.stdout != folder.stdout          # the order of the files is the order of the paths


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_evaluation_warnings_about_events_in_a_folder_name_their_own_file(tmp_path, jobs):
    lines = (ROOT / "specs" / "events.jsonl").read_text().splitlines(keepends=True)
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "2026-10.jsonl").write_text("".join(lines[:1400]))
    late = '{"lead": "nw-9999", "at": "2026-11-19T10:00:00-03:00", "type": "state", "state": "MQL"}\n'
    (tmp_path / "exports" / "2026-11.jsonl").write_text("".join(lines[1400:]) + late)
    (tmp_path / "other.jsonl").write_text('{"lead": "x", "at": "2026-11-19T10:00:00-03:00", "type": "state", '
                                          '"state": "BOGUS"}\n')
    as_of = ("--as-of", "2026-11-20T18:00:00-03:00", "--jobs", jobs)
    proc = run("check", "specs/northwind.sla", str(tmp_path / "exports"), str(tmp_path / "other.jsonl"),
               "--format", "jsonl", *as_of)
    assert proc.returncode == 0, proc.stderr
    found = [json.loads(x) for x in proc.stdout.splitlines() if '"SLA601"' in x]
    assert [(d["file"], d["line"]) for d in found] == [
        (str(tmp_path / "exports" / "2026-11.jsonl"), len(lines) - 1400 + 1), (str(tmp_path / "other.jsonl"), 1)]
    for command in (("report",), ("due",)):
        other = run(*command, "specs/northwind.sla", str(tmp_path / "exports"), *as_of)
        assert other.returncode == 0 and "internal error" not in other.stderr, other.stderr
    changed = run("diff", "specs/northwind.sla", "specs/northwind_v2.sla", "--events", str(tmp_path / "exports"),
                  *as_of)
    assert changed.returncode == 1 and "internal error" not in changed.stderr, changed.stderr


def test_a_folder_without_event_files_says_so(tmp_path):
    (tmp_path / "notes.txt").write_text("nothing\n")
    proc = run("check", "specs/northwind.sla", str(tmp_path), "--as-of", "2026-11-20T18:00:00Z")
    assert proc.returncode == 2 and "no event files" in proc.stderr and str(tmp_path) in proc.stderr


def test_explain_shows_a_day_target_as_written_and_in_working_hours():
    proc = run("explain", "specs/northwind.sla", "specs/events.jsonl", "--lead", "nw-0092",
               "--as-of", "2026-11-20T18:00:00-03:00")
    assert proc.returncode == 0, proc.stderr
    assert "within 4h on sao_paulo, the default line)" in proc.stdout          # hours: as they are
    assert "at least 6 within 10d on sao_paulo, the default line: 80h of working time" in proc.stdout


def test_explain_tells_attempts_rules_as_their_verdicts_do(tmp_path):
    spec = tmp_path / "a.sla"
    spec.write_text('agreement "x" {\n  timezone "UTC"\n  teams sales\n}\n'
                    "calendar office {\n  timezone \"UTC\"\n  hours mon-fri 09:00-17:00\n}\n"
                    "segment hot = score >= 80\n"
                    "attempts cadence {\n  owner sales\n  start on assigned\n  stop on won\n  gap at least 1h\n}\n"
                    "attempts tries {\n  owner sales\n  start on assigned\n  stop on won\n"
                    "  at least 2 within 2h on office\n}\n"
                    "deadline hot_touch {\n  owner sales\n  start on assigned\n  stop on contact_attempt\n"
                    "  within 15m on office for hot\n}\n")
    events = tmp_path / "e.jsonl"
    events.write_text("".join(json.dumps(e) + "\n" for e in [
        {"id": "e1", "lead": "A", "at": "2026-11-02T09:00:00Z", "type": "assigned", "owner": "ana",
         "fields": {"score": 10}},
        {"id": "e2", "lead": "A", "at": "2026-11-02T09:10:00Z", "type": "contact_attempt"},
        {"id": "e3", "lead": "A", "at": "2026-11-02T10:30:00Z", "type": "contact_attempt"},
        {"id": "e4", "lead": "A", "at": "2026-11-02T15:00:00Z", "type": "won"}]))
    out = run("explain", str(spec), str(events), "--lead", "A", "--as-of", "2026-11-03T12:00:00Z").stdout
    # no deadline for a rule without `at least … within`
    assert "cadence: cycle 1 opens (no deadline" in out and "cadence: cycle 1 stopped\n" in out
    assert "0m" not in out.split("Verdicts as of")[0]
    # kept by its 2nd attempt: the later stop is no delay
    assert "tries: attempt 2 of 2 needed in cycle 1: the 2 attempts are made, by the deadline" in out
    assert "tries: cycle 1 stopped; its 2 attempts were made by 2026-11-02 10:30 +00:00, before the deadline" in out
    assert "after the deadline" not in out
    # a start no line applies to is told
    assert "hot_touch: a start, but no `within` line applies" in out


def test_explain_tells_a_cycle_that_opens_paused_and_its_deadline_when_it_resumes(tmp_path):
    spec = tmp_path / "sp.sla"
    spec.write_text('agreement "sp" {\n  timezone "UTC"\n  teams sales\n}\n'
                    "states {\n  mql\n  on_hold\n  won final\n}\n"
                    "deadline d {\n  owner sales\n  start on assigned\n  stop on enter won\n"
                    "  pause while state == on_hold\n  within 4h\n}\n")
    events = tmp_path / "e.jsonl"
    events.write_text('{"lead":"A","at":"2026-11-02T09:00:00Z","type":"state","state":"on_hold"}\n'
                      '{"lead":"A","at":"2026-11-02T09:10:00Z","type":"assigned","owner":"r"}\n'
                      '{"lead":"A","at":"2026-11-02T10:00:00Z","type":"state","state":"mql"}\n')
    out = run("explain", str(spec), str(events), "--lead", "A", "--as-of", "2026-11-02T12:00:00Z").stdout
    assert "d: cycle 1 opens (within 4h, the default line), paused (the pause condition holds)" in out
    assert "unless paused\n" not in out.split("resumes")[0]           # no deadline while it has not run
    assert "d: cycle 1 resumes; due 2026-11-02 14:00 +00:00 unless paused again" in out


@needs_shared
def test_the_librarys_document_is_the_one_check_prints():
    # the agreement's own warnings (SLA318 here) first, then the events' problems
    import slacode

    events = CASE / "events.jsonl"
    doc = json.loads(run("check", str(CASE / "agreement.sla"), str(events), "--as-of", AS_OF,
                         "--format", "json", "--jobs", "1").stdout)
    agreement = slacode.load(str(CASE / "agreement.sla"))
    lib = json.loads(json.dumps(agreement.evaluate_many([str(events)], as_of=AS_OF, jobs=1).to_dict()))
    assert [d["code"] for d in doc["diagnostics"]] == [d["code"] for d in lib["diagnostics"]]
    assert doc["diagnostics"][0]["code"] == "SLA318"
    assert lib == doc


def test_check_lead_shows_the_evaluation_diagnostics_about_that_lead(tmp_path):
    """review 9-a: SLA603 points at the agreement but is about one lead: `--lead` shows it
    for that lead and counts it among the others' for another; SLA602 (about the agreement,
    no lead) is always shown."""
    spec = tmp_path / "a.sla"
    spec.write_text('agreement "m" { timezone "UTC"; teams sales }\nsegment hot = score >= 80\n'
                    "attempts calls {\n  owner sales\n  start on assigned\n  stop on enter won\n"
                    "  at least 1 within 4h for hot\n  at least 1 within 8h\n"
                    "  only between 08:00-20:00 in lead timezone\n}\n")
    events = tmp_path / "e.jsonl"
    events.write_text('{"lead":"Z1","at":"2026-11-24T09:00:00Z","type":"assigned","fields":{"timezone":"EST"}}\n'
                      '{"lead":"Z2","at":"2026-11-24T09:00:00Z","type":"assigned","fields":{"score":"90"}}\n')
    args = ("check", str(spec), str(events), "--as-of", "2026-11-24T12:00:00Z", "--lead")
    one, two = run(*args, "Z1"), run(*args, "Z2")
    assert "SLA603" in one.stdout and "1 more diagnostic" not in one.stdout + one.stderr
    assert "SLA603" not in two.stdout and "1 more diagnostic on other leads' lines" in two.stdout + two.stderr
    assert "SLA602" in one.stdout and "SLA602" in two.stdout


@pytest.mark.parametrize("args", [("check", "specs/northwind.sla", "specs/events.jsonl", "--format", "jsonl",
                                   "--as-of", "2026-11-20T18:00:00-03:00"),
                                  ("check", "specs/northwind.sla", "specs/events.jsonl",     # table
                                   "--as-of", "2026-11-20T18:00:00-03:00")])
def test_a_reader_that_closes_the_pipe_early_gets_status_0_and_no_noise(args):
    """… and with --fail-on, the status that answers it (review 9-e)."""
    """review 9-b: click turns a write into a closed pipe into exit 1 (findings)."""
    cmd = [SLACODE] if SLACODE else [sys.executable, "-m", "slacode"]
    proc = subprocess.Popen(cmd + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    proc.stdout.readline()
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait() == 0, err
    assert "Traceback" not in err and "Exception ignored" not in err


def test_events_given_where_the_agreement_goes_are_named_as_such():
    """review 9-b: `check events.jsonl desk.sla` printed 100 syntax errors of the events."""
    proc = run("check", "specs/events.jsonl", "specs/northwind.sla", "--as-of", "2026-11-20T18:00:00-03:00")
    assert proc.returncode == 2 and "SLA101" not in proc.stdout + proc.stderr
    assert "specs/events.jsonl is an event file (JSONL), not an agreement" in proc.stderr
    assert "`slacode check specs/northwind.sla specs/events.jsonl`" in proc.stderr


def test_stdin_named_twice_is_refused_by_lint_too():
    proc = run("lint", "-", "-", stdin='agreement "a" { teams s }\n')
    assert proc.returncode == 2 and "standard input can be read only once" in proc.stderr


@pytest.mark.parametrize("zone, fixed", [("+03:00", "Etc/GMT-3"), ("UTC-3", "Etc/GMT+3"), ("-05:30", None)])
def test_an_offset_given_as_tz_is_told_to_name_a_place(zone, fixed):
    proc = run("check", "specs/northwind.sla", "specs/events.jsonl", "--tz", zone)
    assert proc.returncode == 2 and "is an offset, not a time zone" in proc.stderr
    assert (fixed is None and "Etc/GMT" not in proc.stderr) or fixed in proc.stderr


@pytest.mark.parametrize("fmt", ["jsonl", "table", "github"])
def test_fail_on_still_answers_when_the_reader_closes_the_pipe(fmt):
    cmd = [SLACODE] if SLACODE else [sys.executable, "-m", "slacode"]
    proc = subprocess.Popen(cmd + ["check", "specs/northwind.sla", "specs/events.jsonl", "--format", fmt,
                                   "--as-of", "2026-11-20T18:00:00-03:00", "--fail-on", "breached"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=ROOT)
    proc.stdout.read(10)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    assert proc.wait() == 1, err
    assert "Traceback" not in err and "Exception ignored" not in err


def test_a_folder_as_the_agreement_and_stdin_for_diff_are_said_plainly(tmp_path):
    proc = run("check", str(tmp_path), "specs/events.jsonl")
    assert proc.returncode == 2 and "is a folder; give the agreement file first" in proc.stderr
    proc = run("diff", "-", "specs/northwind.sla")
    assert proc.returncode == 2 and "not from standard input" in proc.stderr


def test_loads_given_a_path_says_to_use_load():
    import slacode

    with pytest.raises(slacode.SpecError) as caught:
        slacode.loads("specs/northwind.sla")
    # the first error's hint says so, and the message shows it (review 20a: a hint, not a note)
    assert caught.value.errors[0].hint == "this looks like a file name: use slacode.load(path)"
    assert "hint: this looks like a file name: use slacode.load(path)" in str(caught.value)


def test_junit_counts_an_agreement_that_cannot_load_as_an_error(tmp_path):
    import xml.etree.ElementTree as ET

    (tmp_path / "brk.sla").write_text('agreement "x" {\n  timezone "UTC"\n  teams sales\n}\n'
                                      "deadline d {\n  owner sales\n  strat on a\n}\n")
    proc = run("test", str(tmp_path / "brk.sla"), "specs/northwind.sla", "--format", "junit")
    assert proc.returncode == 2
    root = ET.fromstring(proc.stdout)
    assert root.get("errors") == "1" and root.get("failures") == "0"
    (error,) = root.iter("error")
    assert "the agreement has 1 error" in error.get("message")


def test_a_file_named_twice_is_formatted_and_linted_once(tmp_path):
    path = tmp_path / "a.sla"
    path.write_text((ROOT / "specs" / "northwind.sla").read_text())
    proc = run("lint", str(path), str(path), str(tmp_path))
    assert proc.returncode == 0 and "(1 file)" in proc.stdout + proc.stderr


def test_the_package_lists_only_its_public_names():
    import slacode

    public = [n for n in dir(slacode) if not n.startswith("_")]
    assert public == sorted(slacode.__all__)


def test_help_lists_every_command_with_a_whole_sentence():
    proc = run("--help")
    rows = {ln.split()[0]: ln.split(None, 1)[1] for ln in proc.stdout.split("Commands:")[1].splitlines() if ln.strip()}
    assert sorted(rows) == ["calendar", "changes", "check", "diff", "due", "explain", "fmt", "lint", "report", "rule",
                            "schema", "test"]
    assert all(text.endswith(".") and "..." not in text for text in rows.values()), rows


def test_a_misspelt_schema_name_is_answered_with_the_one_meant():
    proc = run("schema", "verdict")
    assert proc.returncode == 2 and "no schema named 'verdict'; did you mean `verdicts`?" in proc.stderr


def test_a_lead_asked_for_in_the_wrong_case_is_answered_with_the_id_meant(tmp_path):
    events = tmp_path / "e.jsonl"
    events.write_text('{"lead": "L-1", "at": "2026-11-09T16:00:00-03:00", "type": "assigned", "owner": "ana"}\n')
    spec = str(CASE / "agreement.sla")
    for fmt in ("table", "json"):
        proc = run("check", spec, str(events), "--as-of", AS_OF, "--lead", "l-1", "--lead", "x", "--format", fmt)
        assert "did you mean 'L-1' for 'l-1'?" in proc.stderr, proc.stderr
    proc = run("explain", spec, str(events), "--as-of", AS_OF, "--lead", " l-1")
    assert proc.returncode == 2 and "did you mean 'L-1'?" in proc.stderr


def test_check_ignore_leaves_out_warnings_by_code_but_never_errors(tmp_path):
    events = tmp_path / "e.jsonl"
    one = '{"lead": "A", "at": "2026-11-09T16:00:00-03:00", "type": "assigned", "owner": "ana", "id": "a1"}\n'
    two, three = one.replace("ana", "bea"), one.replace("ana", "caio")
    events.write_text(one + two + three + "{not json\n")   # two clashes with a1 (SLA505), a broken line (SLA501)
    spec = str(CASE / "agreement.sla")

    def codes(*extra):
        proc = run("check", spec, str(events), "--as-of", AS_OF, "--format", "jsonl", "--fail-on", "input", *extra)
        found = [json.loads(x)["code"] for x in proc.stdout.splitlines() if '"code":"SLA5' in x]
        return proc.returncode, found, proc.stderr

    assert codes()[:2] == (1, ["SLA505", "SLA505", "SLA501"])
    code, found, err = codes("--ignore", "duplicate-event-id")
    assert (code, found) == (1, ["SLA501"]) and "2 diagnostics left out by --ignore (errors are always shown)." in err
    assert codes("--ignore", "SLA5")[:2] == (1, ["SLA501"])          # an error is never left out
    events.write_text(one + two)
    assert codes("--ignore", "SLA505")[:2] == (0, [])                # what is left out fails nothing
    proc = run("check", spec, str(events), "--as-of", AS_OF, "--ignore", "SLA5O5")
    assert proc.returncode == 2 and "--ignore" in proc.stderr and "SLA505" in proc.stderr


def test_an_agreement_read_from_a_pipe_or_a_device(tmp_path):
    """`slacode check <(git show main:desk.sla) events.jsonl` reads the pipe; /dev/null is
    an empty agreement, as lint reads it, not 'no such file' (review 14-a)."""
    import os
    import threading

    spec = one_hour_rule(tmp_path)
    events = tmp_path / "e.jsonl"
    events.write_text('{"lead": "A", "at": "2026-11-09T09:00:00Z", "type": "assigned", "owner": "ana"}\n')
    fifo = tmp_path / "agreement.fifo"
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: fifo.write_text(spec.read_text()))
    writer.start()
    proc = run("check", str(fifo), str(events), "--as-of", "2026-11-09T12:00:00Z")
    writer.join()
    assert proc.returncode == 0 and "1 verdict for 1 lead" in proc.stdout, proc.stderr
    empty = run("check", os.devnull, str(events), "--as-of", "2026-11-09T12:00:00Z")
    assert empty.returncode == 2 and "no such file" not in empty.stderr and "the agreement has 1 error" in empty.stderr
    assert "no such file" not in run("diff", os.devnull, str(spec)).stderr


def test_check_table_marks_the_leads_with_an_event_that_could_not_be_used(tmp_path):
    """review 19j #5: a breach built on a partly unreadable lead does not look like any other."""
    spec = tmp_path / "a.sla"
    spec.write_text('agreement "m" { timezone "UTC"; teams sales }\n'
                    "deadline d {\n  owner sales\n  start on assigned\n  stop on call\n  within 1h\n}\n")
    events = tmp_path / "e.jsonl"
    events.write_text('{"lead":"A","at":"2026-11-24T09:00:00Z","type":"assigned","id":"1"}\n'
                      '{"lead":"A","at":"2026-11-24 09:30:00","type":"call","id":"2"}\n'       # no offset
                      '{"lead":"B","at":"2026-11-24T09:00:00Z","type":"assigned","id":"3"}\n'
                      '{"lead":"C","at":"2026-11-24T09:00:00Z","type":"assigned","id":"4"}\n'
                      '{"lead":"C","at":"2026-11-24T09:10:00Z","type":"Call","id":"5"}\n'       # counts for nothing
                      '{"lead":"D","at":"2026-11-24T09:00:00Z","type":"assigned","id":"6"}\n'
                      '{"lead":"D","at":"2026-11-24T09:10:00Z","type":"call","id":"6"}\n')     # id used before
    table = run("check", str(spec), str(events), "--as-of", "2026-11-24T12:00:00Z").stdout.splitlines()
    leads = [line.split("  ")[0] for line in table[1:5]]
    assert leads == ["A !", "B", "C !", "D !"]
    assert table[5].startswith("! the lead has an event that could not be used or that counts for nothing")
    clean = tmp_path / "clean.jsonl"
    clean.write_text('{"lead":"B","at":"2026-11-24T09:00:00Z","type":"assigned","id":"3"}\n')
    out = run("check", str(spec), str(clean), "--as-of", "2026-11-24T12:00:00Z").stdout
    assert "!" not in out
    doc = json.loads(run("check", str(spec), str(events), "--as-of", "2026-11-24T12:00:00Z", "--format", "json").stdout)
    assert [v["lead"] for v in doc["verdicts"]] == ["A", "B", "C", "D"]      # only the table marks them


def test_as_of_without_offset_at_a_repeated_or_skipped_local_time_says_so(tmp_path):
    """review 19b #5: as SLA510 says of such an event."""
    spec = tmp_path / "ny.sla"
    spec.write_text('agreement "x" { timezone "America/New_York"; teams sales }\n')
    events = tmp_path / "e.jsonl"
    events.write_text('{"lead":"A","at":"2026-10-01T10:00:00Z","type":"x"}\n')
    repeated = run("check", str(spec), str(events), "--as-of", "2026-11-01T01:30", "--format", "json")
    assert repeated.returncode == 0
    assert json.loads(repeated.stdout)["as_of"] == "2026-11-01T01:30:00-04:00"      # the earlier offset
    assert ("--as-of 2026-11-01T01:30 is a local time that the clocks of America/New_York repeat; it was read "
            "with the earlier offset, -04:00") in repeated.stderr
    skipped = run("check", str(spec), str(events), "--as-of", "2026-03-08T02:30", "--format", "json")
    assert "America/New_York skip" in skipped.stderr
    for plain in ("2026-11-02T01:30", "2026-11-01T01:30-05:00"):
        assert "note:" not in run("check", str(spec), str(events), "--as-of", plain, "--format", "json").stderr


def test_explain_given_a_name_instead_of_an_id_names_the_leads_that_have_it(tmp_path):
    """review 19k #6: `--lead "Paula Oliveira"` said only "no usable events"."""
    spec = tmp_path / "a.sla"
    spec.write_text('agreement "m" { timezone "UTC"; teams sales }\n'
                    "deadline d {\n  owner sales\n  start on assigned\n  stop on call\n  within 1h\n}\n")
    events = tmp_path / "e.jsonl"
    events.write_text('{"lead":"L-1","at":"2026-11-24T09:00:00Z","type":"assigned","fields":{"name":"Ana Lima"}}\n'
                      '{"lead":"L-2","at":"2026-11-24T09:00:00Z","type":"assigned","fields":{"email":"ana@x.com"}}\n')
    proc = run("explain", str(spec), str(events), "--lead", " ana lima", "--as-of", "2026-11-24T12:00:00Z")
    assert proc.returncode == 2
    assert "--lead takes a lead's id, and lead 'L-1' has name 'Ana Lima'" in proc.stderr
    proc = run("explain", str(spec), str(events), "--lead", "ANA@X.COM", "--as-of", "2026-11-24T12:00:00Z")
    assert "lead 'L-2' has email 'ana@x.com'" in proc.stderr
    proc = run("explain", str(spec), str(events), "--lead", "zed", "--as-of", "2026-11-24T12:00:00Z")
    assert proc.returncode == 2 and "has name" not in proc.stderr and "no usable events for lead 'zed'" in proc.stderr


def test_check_lead_given_a_name_names_the_leads_that_have_it(tmp_path):
    spec = tmp_path / "a.sla"
    spec.write_text('agreement "m" { timezone "UTC"; teams sales }\n'
                    "deadline d {\n  owner sales\n  start on assigned\n  stop on call\n  within 1h\n}\n")
    events = tmp_path / "e.jsonl"
    events.write_text('{"lead":"L-1","at":"2026-11-24T09:00:00Z","type":"assigned","fields":{"name":"Ana Lima"}}\n')
    proc = run("check", str(spec), str(events), "--lead", "Ana Lima", "--as-of", "2026-11-24T12:00:00Z")
    assert proc.returncode == 0
    assert "no verdicts for lead 'Ana Lima'" in proc.stderr
    assert "--lead takes a lead's id: lead 'L-1' has name 'Ana Lima'" in proc.stderr
    other = run("check", str(spec), str(events), "--lead", "l-1", "--as-of", "2026-11-24T12:00:00Z")
    assert "did you mean 'L-1' for 'l-1'?" in other.stderr and "takes a lead's id" not in other.stderr


@pytest.mark.parametrize("wanted, ids, meant", [
    ("ANA", {"Ana ", "ana"}, "ana"),            # no spaces around it first
    ("ANA", {" ana", "Ana"}, "Ana"),
    ("ANA", {"ana", "Ana"}, "Ana"),             # then the fewest letters in another case
    ("l-1", {"L-1", "l-1 "}, "L-1"),
    ("zz", {"ana"}, None),
])
def test_the_near_lead_or_assignee_suggested_is_the_nearest(wanted, ids, meant):
    from slacode.cli import _near_leads

    assert _near_leads([wanted], ids).get(wanted) == meant


def test_check_lead_suggests_the_nearest_id_as_explain_does(tmp_path):
    events = tmp_path / "e.jsonl"
    events.write_text('{"lead": " acme-1", "at": "2026-11-09T10:00:00Z", "type": "assigned", "owner": "a"}\n'
                      '{"lead": "Acme-1", "at": "2026-11-09T10:00:00Z", "type": "assigned", "owner": "a"}\n')
    for command in ("check", "explain"):
        proc = run(command, "specs/northwind.sla", str(events), "--as-of", "2026-11-10T00:00:00Z", "--lead", "acme-1")
        assert "did you mean 'Acme-1'" in proc.stderr, (command, proc.stderr)


def test_check_lead_shows_the_runs_notes_as_they_concern_that_lead(tmp_path):
    """review 22d F5: SLA620 (an id-less copy) and SLA605 (a misspelt type) are said once per run,
    at the first lead that has one; `check --lead L3` hid them when L1 came first, though L3 has
    both. They are said of L3 now, at L3's lines; the run's own (of L1, counting two leads) is
    among those left out, and `--ignore` still leaves them out."""
    rows = [("L1", "09:00", "assigned"), ("L1", "09:00", "assigned"), ("L3", "09:30", "assigned"),
            ("L3", "10:00", "call"), ("L3", "10:00", "call"), ("L3", "10:05", "asigned"), ("L1", "10:05", "asigned")]
    args = _lead_notes_case(tmp_path, "deadline touch { owner sales; start on assigned; stop on call; within 2h }\n",
                            [{"lead": lead, "at": f"2026-11-24T{hhmm}:00Z", "type": kind} for lead, hhmm, kind in rows])
    whole = run(*args)
    assert "e.jsonl:2:1: SLA620" in whole.stdout and "2 leads have such a copy" in whole.stdout
    for jobs in ("1", "2"):
        l3 = run(*args, "--lead", "L3", "--jobs", jobs)
        assert l3.returncode == 0, l3.stderr
        assert "e.jsonl:5:1: SLA620 [warning] lead 'L3' has an event without an `id` that is a copy of line 4" in l3.stdout
        assert "e.jsonl:6:1: SLA605 [warning] lead 'L3' has an event of type 'asigned'" in l3.stdout
        assert "lead 'L1'" not in l3.stdout and "2 leads" not in l3.stdout
        assert l3.stdout.splitlines()[1].startswith("L3 !")                 # its verdicts leave a copy in
        assert "2 more diagnostics on other leads' lines" in l3.stderr      # the run's, of L1 too
        assert l3.stdout.rstrip().endswith("1 verdict for 1 lead: 1 met; 2 input problems reported.")
    quiet = run(*args, "--lead", "L3", "--ignore", "SLA620")
    assert "SLA620" not in quiet.stdout and "SLA605" in quiet.stdout
    both = run(*args, "--lead", "L3", "--lead", "L1")                      # the two leads asked: the run's own
    assert "e.jsonl:2:1: SLA620" in both.stdout and "2 leads have such a copy" in both.stdout
    assert "other leads' lines" not in both.stderr


def _lead_notes_case(tmp_path, body: str, events: list) -> tuple:
    """Write an agreement (UTC, team sales, then ``body``) and ``events`` as JSON Lines under
    ``tmp_path`` (``a.sla``, ``e.jsonl``): the arguments of `check` on them, as of 12:00."""
    spec, path = tmp_path / "a.sla", tmp_path / "e.jsonl"
    spec.write_text('agreement "m" { timezone "UTC"; teams sales }\n' + body)
    path.write_text("".join(json.dumps(e) + "\n" for e in events))
    return ("check", str(spec), str(path), "--as-of", "2026-11-24T12:00:00Z")


def test_check_lead_keeps_the_runs_sla616_at_the_agreements_line_as_documented(tmp_path):
    """review 23b F7: SLA616 sits at the agreement's line, as SLA602 does: `check --lead A` keeps the
    run's note (naming lead B) in the table when A has the field, and does not count it among the
    others; a lead asked that has the problem gets it said of itself. docs/cli.md says so."""
    rows = [("A", {"score": 90}), ("B", {"scor": 90}), ("C", {"scor": 10})]
    args = _lead_notes_case(tmp_path, "segment hot = score >= 80\n"
                            "deadline touch { owner sales; start on assigned; stop on call; within 2h for hot; within 4h }\n",
                            [{"lead": lead, "at": "2026-11-24T09:00:00Z", "type": "assigned", "fields": fields}
                             for lead, fields in rows])
    whole = run(*args)
    assert "a.sla:2:15: SLA616" in whole.stdout and "lead 'B' never had" in whole.stdout
    for jobs in ("1", "2"):
        a = run(*args, "--lead", "A", "--jobs", jobs)
        assert a.returncode == 0, a.stderr
        assert "a.sla:2:15: SLA616" in a.stdout and "lead 'B' never had" in a.stdout     # the run's, as it is
        assert "more diagnostic" not in a.stderr
        c = run(*args, "--lead", "C", "--jobs", jobs)
        assert "lead 'C' never had" in c.stdout and "lead 'B'" not in c.stdout
    quiet = run(*args, "--lead", "A", "--ignore", "SLA616")
    assert "SLA616" not in quiet.stdout


def test_explain_leaves_out_a_version_the_agreement_does_not_give(tmp_path):
    spec = one_hour_rule(tmp_path)
    events = tmp_path / "e.jsonl"
    events.write_text('{"lead": "L-1", "at": "2026-11-02T10:00:00Z", "type": "assigned"}\n')
    proc = run("explain", str(spec), str(events), "--lead", "L-1", "--as-of", "2026-11-02T12:00:00Z")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0] == "Lead L-1 under agreement x:"
    spec.write_text(spec.read_text().replace('timezone "UTC"', 'version "3"\n  timezone "UTC"'))
    proc = run("explain", str(spec), str(events), "--lead", "L-1", "--as-of", "2026-11-02T12:00:00Z")
    assert proc.stdout.splitlines()[0] == "Lead L-1 under agreement x (version 3):"


def test_check_text_lists_the_notes_in_line_order_and_json_keeps_its_order(tmp_path):
    """review 27b L4: SLA605 (a note made once the input is evaluated) at line 2 comes before
    the SLA504 of line 3 in the table and on csv's standard error; json keeps notes last."""
    spec = one_hour_rule(tmp_path)
    events = tmp_path / "e.jsonl"
    events.write_text('{"lead": "L-1", "at": "2026-11-02T10:00:00Z", "type": "assigned"}\n'
                      '{"lead": "L-1", "at": "2026-11-02T10:10:00Z", "type": "Call"}\n'
                      '{"lead": "L-1", "at": "2026-11-02T10:20:00", "type": "call"}\n')
    args = ("check", str(spec), str(events), "--as-of", "2026-11-02T12:00:00Z")
    table = run(*args).stdout
    csv_err = run(*args, "--format", "csv").stderr
    for text in (table, csv_err):
        lines = [line.split(" ")[:2] for line in text.splitlines() if line.startswith(str(events))]
        assert [code for _, code in lines] == ["SLA605", "SLA504"], text
    doc = json.loads(run(*args, "--format", "json").stdout)
    assert [d["code"] for d in doc["diagnostics"]] == ["SLA504", "SLA605"]
