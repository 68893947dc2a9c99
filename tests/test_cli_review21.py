"""The command line as a CI power user drives it (review 21c): a failing step says why, a
check mode answers whatever happens to its log, unreadable input is not "no change", and
options that were ignored without a word now say so."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT, run_slacode

DESK = """agreement "desk" {
  version "1"
  timezone "America/Sao_Paulo"
  teams marketing, sales
}

calendar office {
  timezone "America/Sao_Paulo"
  hours mon-fri 09:00-18:00
}

deadline first_touch {
  owner sales
  start on assigned
  stop on contact_attempt
  within 2h on office
  warn at 50%
}

quota assignments {
  owner marketing
  count assigned
  at least 3 per day
}
"""

EVENTS = """\
{"id": "e1", "lead": "L-1", "at": "2026-11-24T09:00:00-03:00", "type": "assigned", "owner": "ana"}
{"id": "e2", "lead": "L-1", "at": "2026-11-24T10:00:00-03:00", "type": "contact_attempt", "channel": "phone"}
{"id": "e3", "lead": "L-2", "at": "2026-11-24T10:00:00-03:00", "type": "assigned", "owner": "bruno"}
{"id": "e4", "lead": "L-3", "at": "2026-11-24T08:00:00-03:00", "type": "assigned", "owner": "ana"}
{"id": "e5", "lead": "L-3", "at": "2026-11-24T12:00:00-03:00", "type": "contact_attempt", "channel": "email"}
"""

BROKEN = DESK.replace("within 2h on office", "within 2h on ofice")
AS_OF = "2026-11-24T11:30:00-03:00"
SLACODE = [sys.executable, "-m", "slacode"]


def run(*args, cwd=None, env=None, stdin=None):
    """The command in this process (:func:`tests.conftest.run_slacode`); the tests of a real
    process (a closed pipe, a git hook) start one."""
    return run_slacode(args, cwd=cwd, env=env, stdin=stdin)


@pytest.fixture
def desk(tmp_path: Path) -> Path:
    (tmp_path / "desk.sla").write_text(DESK)
    (tmp_path / "events.jsonl").write_text(EVENTS)
    (tmp_path / "atrisk.jsonl").write_text(EVENTS.splitlines()[2] + "\n")     # L-2 alone: at risk at 11:30
    (tmp_path / "broken.sla").write_text(BROKEN)
    return tmp_path


# ------------------------------------------------------- F14: a red step says why

def test_github_fail_on_at_risk_annotates_the_clock_and_says_why_on_stderr(desk):
    proc = run("check", "desk.sla", "atrisk.jsonl", "--as-of", AS_OF, "--format", "github", "--fail-on", "at_risk",
               cwd=desk)
    assert proc.returncode == 1
    warning = [line for line in proc.stdout.splitlines() if line.startswith("::warning ")]
    assert len(warning) == 1 and "title=first_touch.within at risk::Lead L-2, cycle 1: Open" in warning[0]
    assert "file=desk.sla,line=16," in warning[0]          # the `within` line, as breaches are placed
    assert "2 verdicts for 1 lead: 1 at_risk, 1 pending." in proc.stderr
    assert "slacode: exit 1: 1 verdict at_risk (--fail-on at_risk)" in proc.stderr


def test_github_status_at_risk_annotates_at_risk_and_the_summary_counts_what_was_shown(desk):
    proc = run("check", "desk.sla", "atrisk.jsonl", "--as-of", AS_OF, "--format", "github", "--status", "at_risk",
               cwd=desk)
    assert proc.returncode == 0
    assert "title=first_touch.within at risk" in proc.stdout
    assert "1 shown (at_risk)" in proc.stderr and "exit 1" not in proc.stderr


def test_github_without_a_question_about_at_risk_still_annotates_only_breaches(desk):
    proc = run("check", "desk.sla", "events.jsonl", "--as-of", AS_OF, "--format", "github", cwd=desk)
    assert proc.returncode == 0
    assert "at risk" not in proc.stdout and "title=first_touch.within breached::Lead L-3" in proc.stdout
    assert proc.stderr.strip() == "4 verdicts for 3 leads: 2 met, 1 breached, 1 at_risk."


@pytest.mark.parametrize("fmt", ["table", "json", "jsonl", "csv", "github"])
def test_every_format_says_why_fail_on_fired(desk, fmt):
    proc = run("check", "desk.sla", "events.jsonl", "--as-of", AS_OF, "--format", fmt, "--fail-on", "at_risk",
               cwd=desk)
    assert proc.returncode == 1
    assert proc.stderr.splitlines()[-1] == "slacode: exit 1: 1 verdict breached, 1 at_risk (--fail-on at_risk)"
    passed = run("check", "desk.sla", "events.jsonl", "--as-of", "2026-11-24T09:30:00-03:00", "--format", fmt,
                 "--fail-on", "breached", cwd=desk)
    assert passed.returncode == 0 and "exit 1" not in passed.stderr


def test_fail_on_input_says_how_many_problems(desk):
    (desk / "bad.jsonl").write_text(EVENTS + '{"lead": "L-9", "at": "2026-11-24T09:00:00", "type": "assigned"}\n')
    proc = run("check", "desk.sla", "bad.jsonl", "--as-of", AS_OF, "--format", "jsonl", "--fail-on", "input",
               cwd=desk)
    assert proc.returncode == 1
    assert proc.stderr.splitlines()[-1] == "slacode: exit 1: 1 input problem (--fail-on input)"


# ------------------------------------- F18: an agreement with errors, in CI formats

def test_github_writes_the_agreements_errors_as_lint_does_and_exits_2(desk):
    proc = run("check", "broken.sla", "events.jsonl", "--as-of", AS_OF, "--format", "github", cwd=desk)
    lint = run("lint", "broken.sla", "--format", "github", cwd=desk)
    errors = [line for line in lint.stdout.splitlines() if line.startswith("::error ")]
    assert proc.returncode == 2 and errors
    assert proc.stdout.splitlines() == errors
    assert "title=SLA208::calendar `ofice` is not declared" in proc.stdout
    assert "annotated above" in proc.stderr and "SLA208" not in proc.stderr


def test_json_writes_a_document_of_the_errors_and_exits_2(desk):
    from jsonschema import Draft202012Validator

    proc = run("check", "broken.sla", "events.jsonl", "--as-of", AS_OF, "--format", "json", cwd=desk)
    assert proc.returncode == 2
    doc = json.loads(proc.stdout)
    assert doc["verdicts"] == [] and [d["code"] for d in doc["diagnostics"]] == ["SLA208"]
    assert doc["summary"]["diagnostics"]["error"] == 1 and doc["summary"]["input_problems"] == 0
    assert doc["as_of"] == AS_OF and doc["agreement"] == {"id": "desk", "version": "1"}
    schema = json.loads(run("schema", "verdicts").stdout)
    assert Draft202012Validator(schema).is_valid(doc)


def test_jsonl_writes_the_errors_as_diagnostic_records_and_a_summary(desk):
    from jsonschema import Draft202012Validator

    proc = run("check", "broken.sla", "events.jsonl", "--as-of", AS_OF, "--format", "jsonl", cwd=desk)
    assert proc.returncode == 2
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert [(r["record"], r.get("code")) for r in records] == [("diagnostic", "SLA208"), ("summary", None)]
    assert records[1]["diagnostics"]["error"] == 1 and records[1]["verdicts"] == 0
    schema = json.loads(run("schema", "verdicts").stdout)
    assert all(Draft202012Validator(schema).is_valid(r) for r in records)
    assert "SLA208" not in proc.stderr and "diagnostic records" in proc.stderr


@pytest.mark.parametrize("fmt", ["csv", "table"])
def test_other_formats_keep_the_errors_on_stderr(desk, fmt):
    proc = run("check", "broken.sla", "events.jsonl", "--as-of", AS_OF, "--format", fmt, cwd=desk)
    assert proc.returncode == 2 and proc.stdout == ""
    assert "SLA208 calendar `ofice` is not declared" in proc.stderr and "(shown above)" in proc.stderr


# ------------------------------------- F6: the status of a check mode, log cut or not

def _closed_stdout(args, cwd) -> tuple[int, str]:
    """Run with standard output's reader gone before the first write (`| head -0`)."""
    proc = subprocess.Popen(SLACODE + list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=cwd)
    proc.stdout.close()
    err = proc.stderr.read().decode()
    return proc.wait(), err


MESSY = 'agreement "m" {version "1"\ntimezone "UTC"\nteams sales}\n'


@pytest.mark.parametrize("args, status", [
    (("fmt", "--check", "messy.sla"), 1),
    (("fmt", "--diff", "messy.sla"), 1),
    (("lint", "broken.sla"), 1),
    (("lint", "--format", "github", "broken.sla"), 1),
    (("lint", "--format", "json", "desk.sla", "broken.sla"), 1),
    (("test", "failing.sla"), 1),
    (("test", "--format", "junit", "failing.sla"), 1),
    (("diff", "desk.sla", "tighter.sla"), 1),
    (("diff", "desk.sla", "tighter.sla", "--format", "json"), 1),
    (("check", "desk.sla", "events.jsonl", "--as-of", AS_OF, "--fail-on", "breached"), 1),
    (("check", "desk.sla", "events.jsonl", "--as-of", AS_OF, "--format", "github", "--fail-on", "breached"), 1),
    (("check", "desk.sla", "events.jsonl", "--as-of", AS_OF), 0),       # no question asked: stops, 0
    (("fmt", "--check", "desk.sla"), 0),
])
def test_a_check_mode_answers_when_the_reader_of_stdout_is_gone(desk, args, status):
    (desk / "messy.sla").write_text(MESSY)
    (desk / "tighter.sla").write_text(DESK.replace("within 2h on office", "within 1h on office"))
    (desk / "failing.sla").write_text(DESK + """
test "a lead nobody calls is met (it is not)" {
  as of 2026-11-24T12:00:00-03:00
  lead "L-1"
  at 2026-11-24T09:00:00-03:00 assigned with owner = "ana"
  expect first_touch.within met
}
""")
    code, err = _closed_stdout(args, desk)
    assert code == status, err
    assert "Traceback" not in err and "Exception ignored" not in err


# --------------------------------------- F13: diff --events on an unreadable export

@pytest.mark.parametrize("content, code", [
    ('[{"id": "e1", "lead": "L-1", "at": "2026-11-24T09:00:00-03:00", "type": "assigned"}]\n', "SLA514"),
    ("Event ID;Lead ID;Created Date;Event Type\ne1;L-1;2026-11-24T09:00:00-03:00;assigned\n", "SLA509"),
    ("", "SLA515"),
])
def test_diff_on_an_export_of_which_nothing_was_read_exits_2_and_says_why(desk, content, code):
    name = "export.csv" if code == "SLA509" else "export.json" if code == "SLA514" else "export.jsonl"
    (desk / name).write_text(content)
    (desk / "tighter.sla").write_text(DESK.replace("within 2h on office", "within 1h on office"))
    proc = run("diff", "desk.sla", "tighter.sla", "--events", name, "--as-of", AS_OF, cwd=desk)
    assert proc.returncode == 2, proc.stderr
    assert "Impact on 0 events" not in proc.stdout and "no verdict changes" not in proc.stdout
    assert f"No event could be read from {name}:" in proc.stdout and code in proc.stdout
    assert "target tightened from 2h to 1h" in proc.stdout          # the changes in meaning are still shown
    assert "no event could be read" in proc.stderr
    same = run("diff", "desk.sla", "desk.sla", "--events", name, "--as-of", AS_OF, cwd=desk)
    assert same.returncode == 2
    document = run("diff", "desk.sla", "tighter.sla", "--events", name, "--as-of", AS_OF, "--format", "json",
                   cwd=desk)
    assert document.returncode == 2
    said = json.loads(document.stdout)
    assert said["impact"] is None and [d["code"] for d in said["diagnostics"]] == [code]


def test_diff_counts_the_input_problems_as_check_counts_them_under_the_new_agreement(desk):
    """review 27b L5: a misspelt type (SLA605, a note of the evaluation) besides a broken line
    (SLA501, of reading): `diff --events` said 1 where `check` said 2."""
    (desk / "part.jsonl").write_text(EVENTS + "{not json\n" + EVENTS.splitlines()[1].replace(
        '"e2"', '"e9"').replace("contact_attempt", "contact-attempt") + "\n")
    (desk / "tighter.sla").write_text(DESK.replace("within 2h on office", "within 1h on office"))
    check = run("check", "tighter.sla", "part.jsonl", "--as-of", AS_OF, cwd=desk)
    assert "; 2 input problems reported." in check.stdout, check.stdout
    proc = run("diff", "desk.sla", "tighter.sla", "--events", "part.jsonl", "--as-of", AS_OF, cwd=desk)
    assert "(2 input problems reading or evaluating the events under tighter.sla; `slacode check tighter.sla` " \
           "lists them)" in proc.stderr, proc.stderr


def test_diff_on_an_export_with_some_events_read_keeps_its_status(desk):
    (desk / "part.jsonl").write_text(EVENTS + "{not json\n")
    (desk / "tighter.sla").write_text(DESK.replace("within 2h on office", "within 1h on office"))
    proc = run("diff", "desk.sla", "tighter.sla", "--events", "part.jsonl", "--as-of", AS_OF, cwd=desk)
    assert proc.returncode == 1 and "Impact on 4 events" in proc.stdout
    assert "(1 input problem reading or evaluating the events under tighter.sla; `slacode check tighter.sla` " \
           "lists them)" in proc.stderr
    later = run("diff", "desk.sla", "tighter.sla", "--events", "events.jsonl", "--as-of",
                "2026-11-20T09:00:00-03:00", cwd=desk)       # every event after as_of: read, nothing to compare
    assert later.returncode == 1 and "Impact on 0 events" in later.stdout


# ----------------------------------------------- F8: several leads; one --within

def test_explain_explains_every_lead_given_in_order(desk):
    proc = run("explain", "desk.sla", "events.jsonl", "--lead", "L-3", "--lead", "L-1", "--as-of", AS_OF, cwd=desk)
    assert proc.returncode == 0
    heads = [line for line in proc.stdout.splitlines() if line.startswith("Lead ")]
    assert heads == ["Lead L-3 under agreement desk (version 1):", "Lead L-1 under agreement desk (version 1):"]
    one = run("explain", "desk.sla", "events.jsonl", "--lead", "L-3", "--as-of", AS_OF, cwd=desk).stdout
    assert proc.stdout.startswith(one + "\n")                  # the single-lead output, then a blank line


def test_explain_goes_on_past_a_lead_it_cannot_explain_and_exits_2(desk):
    proc = run("explain", "desk.sla", "events.jsonl", "--lead", "l-3", "--lead", "L-1", "--as-of", AS_OF, cwd=desk)
    assert proc.returncode == 2
    assert "Lead L-1 under agreement" in proc.stdout
    assert "did you mean 'L-3'?" in proc.stderr and "1 lead of 2 could not be explained: 'l-3'" in proc.stderr


def test_due_within_given_twice_is_a_usage_error(desk):
    proc = run("due", "desk.sla", "events.jsonl", "--as-of", AS_OF, "--within", "30m", "--within", "2h", cwd=desk)
    assert proc.returncode == 2 and proc.stdout == ""
    assert "given 2 times (--within 30m --within 2h); give it once" in proc.stderr


# ------------------------------------ F21: one half-open window (as_of, as_of + within]

def test_due_within_lists_each_moment_once_over_runs_every_window(desk):
    seen = []
    for t in ("10:00", "10:30", "11:00", "11:30", "12:00"):
        proc = run("due", "desk.sla", "atrisk.jsonl", "--as-of", f"2026-11-24T{t}:00-03:00", "--within", "30m",
                   "--format", "jsonl", cwd=desk)
        assert proc.returncode == 0, proc.stderr
        seen += [(d["next"], d["next_at"]) for d in map(json.loads, proc.stdout.splitlines())]
    assert seen == [("warn", "2026-11-24T11:00:00-03:00"), ("due", "2026-11-24T12:00:00-03:00")]
    # without --within, a clock due exactly now is still open, and listed
    now = run("due", "desk.sla", "atrisk.jsonl", "--as-of", "2026-11-24T12:00:00-03:00", "--format", "jsonl",
              cwd=desk)
    assert [json.loads(line)["next"] for line in now.stdout.splitlines()] == ["due"]


def test_due_list_window_is_open_at_as_of():
    from datetime import timedelta

    import slacode
    from slacode.report import upcoming

    agreement = slacode.loads(DESK)
    events = [{"lead": "L-2", "at": "2026-11-24T10:00:00-03:00", "type": "assigned", "owner": "bruno"}]
    at = "2026-11-24T{}:00-03:00".format
    assert [d.next for d in upcoming(agreement, events, as_of=at("11:00"), within=timedelta(hours=1))] == ["due"]
    assert upcoming(agreement, events, as_of=at("12:00"), within="30m") == []
    assert [d.next for d in upcoming(agreement, events, as_of=at("11:30"), within="30m")] == ["due"]


# --------------------------------------------------- F17: say what was meant

def test_report_rule_and_owner_suggest_the_name_meant(desk):
    proc = run("report", "desk.sla", "events.jsonl", "--as-of", AS_OF, "--rule", "frist_touch", cwd=desk)
    assert proc.returncode == 2 and "did you mean `first_touch`?" in proc.stderr
    proc = run("report", "desk.sla", "events.jsonl", "--as-of", AS_OF, "--owner", "Sales", cwd=desk)
    assert proc.returncode == 2 and "did you mean `sales`?" in proc.stderr
    proc = run("report", "desk.sla", "events.jsonl", "--as-of", AS_OF, "--owner", "zzz", cwd=desk)
    assert proc.returncode == 2 and "did you mean" not in proc.stderr and "owners: marketing, sales" in proc.stderr


def test_check_given_two_agreements_says_it_takes_one(desk):
    (desk / "other.sla").write_text(DESK)
    proc = run("check", "desk.sla", "other.sla", "events.jsonl", "--as-of", AS_OF, cwd=desk)
    assert proc.returncode == 2 and proc.stdout == ""
    assert "other.sla is an agreement, not an event file: check takes one agreement" in proc.stderr
    assert "run check once per agreement" in proc.stderr and "unknown event file format" not in proc.stderr


# ------------------------------------------------ F16: no silent no-ops

@pytest.mark.parametrize("word", ["SLA208", "undefined-calendar", "sla208,SLA4"])
def test_ignoring_an_error_code_says_errors_cannot_be_ignored(desk, word):
    proc = run("lint", "--ignore", word, "broken.sla", cwd=desk)
    assert proc.returncode == 1 and "SLA208" in proc.stdout
    assert "is an error, and errors cannot be ignored" in proc.stderr
    assert run("lint", "--ignore", "SLA4", "broken.sla", cwd=desk).stderr.count("cannot be ignored") == 0


def test_check_ignore_of_an_error_code_says_so_and_keeps_the_status(desk):
    proc = run("check", "desk.sla", "events.jsonl", "--as-of", AS_OF, "--ignore", "SLA501", cwd=desk)
    assert proc.returncode == 0 and "SLA501 `malformed-event` is an error, and errors cannot be ignored" in proc.stderr


def test_test_on_agreements_without_test_blocks_says_nothing_was_tested(desk):
    proc = run("test", "desk.sla", "broken.sla", cwd=desk)
    assert proc.returncode == 2                 # (broken.sla does not load)
    assert "no test blocks in 1 file: nothing was tested" in proc.stderr
    (desk / "two.sla").write_text(DESK)
    proc = run("test", "desk.sla", "two.sla", cwd=desk)
    assert proc.returncode == 0 and "no test blocks in 2 files: nothing was tested" in proc.stderr
    assert "no test blocks" not in run("test", str(ROOT / "specs" / "northwind.sla")).stderr


# ---------------------------- F12, F15: paths of CI output, the Git hook of ci.md

def test_annotation_and_sarif_paths_are_relative_to_the_github_workspace(desk):
    specs = desk / "specs"
    specs.mkdir()
    shutil.copy(desk / "broken.sla", specs / "broken.sla")
    env = dict(os.environ, GITHUB_WORKSPACE=str(desk))
    github = run("lint", "--format", "github", "broken.sla", cwd=specs, env=env)
    assert "::error file=specs/broken.sla,line=16," in github.stdout
    sarif = json.loads(run("lint", "--format", "sarif", "broken.sla", cwd=specs, env=env).stdout)
    run_ = sarif["runs"][0]
    location = run_["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "specs/broken.sla", "uriBaseId": "SRCROOT"}
    assert run_["originalUriBaseIds"]["SRCROOT"]["uri"] == desk.resolve().as_uri() + "/"
    plain = {k: v for k, v in os.environ.items() if k != "GITHUB_WORKSPACE"}
    assert "::error file=broken.sla,line=16," in run("lint", "--format", "github", "broken.sla", cwd=specs,
                                                      env=plain).stdout
    # a current folder outside the workspace: relative to it, as before
    elsewhere = dict(os.environ, GITHUB_WORKSPACE=str(desk / "nowhere"))
    assert "::error file=broken.sla," in run("lint", "--format", "github", "broken.sla", cwd=specs,
                                             env=elsewhere).stdout


def _hook_text() -> str:
    text = (ROOT / "docs" / "ci.md").read_text(encoding="utf-8")
    start = text.index("```sh\n#!/bin/sh\n# .git/hooks/pre-commit") + len("```sh\n")
    return text[start:text.index("```", start)]


@pytest.mark.skipif(shutil.which("git") is None or shutil.which("xargs") is None, reason="needs git and xargs")
def test_the_pre_commit_hook_of_ci_md_takes_names_with_spaces_and_accents(tmp_path):
    repo = tmp_path / "repo"
    (repo / "specs").mkdir(parents=True)
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    wrapper = bin_dir / "slacode"
    wrapper.write_text(f"#!/bin/sh\nexec {sys.executable} -m slacode \"$@\"\n")
    wrapper.chmod(0o755)
    hook = repo / "hook.sh"
    hook.write_text(_hook_text())
    hook.chmod(0o755)
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ['PATH']}", GIT_AUTHOR_NAME="t",
               GIT_AUTHOR_EMAIL="t@example.com", GIT_COMMITTER_NAME="t", GIT_COMMITTER_EMAIL="t@example.com")

    def git(*args):
        subprocess.run(["git", *args], cwd=repo, env=env, check=True, capture_output=True)

    def hook_status() -> subprocess.CompletedProcess:
        return subprocess.run([str(hook)], cwd=repo, env=env, capture_output=True, text=True)

    git("init", "-q")
    assert hook_status().returncode == 0                    # nothing staged: nothing linted
    (repo / "elsewhere.sla").write_text(BROKEN)               # not staged: not linted
    for name in ("west coast.sla", "são_paulo.sla"):
        (repo / "specs" / name).write_text(DESK)
        git("add", f"specs/{name}")
    proc = hook_status()
    assert proc.returncode == 0, proc.stderr
    assert "All checks passed (2 files)." in proc.stderr
    (repo / "specs" / "são_paulo.sla").write_text(BROKEN)
    git("add", "specs/são_paulo.sla")
    proc = hook_status()
    assert proc.returncode != 0 and "specs/são_paulo.sla:16:16: SLA208" in proc.stdout
    # a name that starts with `-` at the root is a file, not an option (review 21d: `--`)
    (repo / "specs" / "são_paulo.sla").write_text(DESK)
    git("add", "specs/são_paulo.sla")
    (repo / "-y.sla").write_text(DESK)
    git("add", "--", "-y.sla")
    proc = hook_status()
    assert proc.returncode == 0 and "All checks passed (3 files)." in proc.stderr, proc.stderr


def test_a_link_to_nothing_in_a_folder_is_said_not_skipped(tmp_path):
    """review 21c (F16): a dangling `.sla` link under a folder is an I/O problem of lint,
    fmt and test (exit 2, named with where it points), the other files still done."""
    (tmp_path / "ok.sla").write_text(DESK)
    (tmp_path / "gone.sla").symlink_to(tmp_path / "elsewhere" / "x.sla")
    for args in (["lint", "."], ["lint"], ["fmt", "--check", "."], ["test", "."]):
        proc = run(*args, cwd=tmp_path)
        assert proc.returncode == 2, (args, proc.stderr)
        assert f"gone.sla: a link to {tmp_path / 'elsewhere' / 'x.sla'}, which does not exist" in proc.stderr
    assert "No problems in 1 file; 1 could not be read (named above)." in run("lint", ".", cwd=tmp_path).stderr


def test_a_folder_of_only_a_link_to_nothing_says_where_it_points(tmp_path):
    (tmp_path / "g").mkdir()
    (tmp_path / "g" / "a.sla").symlink_to(tmp_path / "nowhere.sla")
    proc = run("lint", "g", cwd=tmp_path)
    assert proc.returncode == 2 and f"g/a.sla: a link to {tmp_path / 'nowhere.sla'}, which does not exist" in proc.stderr
    proc = run("lint", cwd=tmp_path / "g")                        # (no PATH: nothing fails with a usage error)
    assert proc.returncode == 2 and proc.stderr.splitlines()[-1] == "Nothing checked; 1 could not be read (named above)."


# ------------------------------------------------- review 21e: links to nothing, said in full

def _folder_with_links_to_nothing(tmp_path: Path) -> Path:
    folder = tmp_path / "d"
    (folder / "sub").mkdir(parents=True)
    (folder / "good.sla").write_text(DESK)
    (folder / "broken.sla").symlink_to(tmp_path / "nowhere" / "x.sla")
    (folder / "sub" / "rel.sla").symlink_to(Path("..") / "missing.sla")
    return folder


def test_lint_does_not_say_passed_when_a_link_could_not_be_read(tmp_path):
    """review 21e (F6): the links are named first, and the summary counts them, so the last line
    of a run that exits 2 does not say it passed."""
    _folder_with_links_to_nothing(tmp_path)
    proc = run("lint", "d", cwd=tmp_path)
    assert proc.returncode == 2
    assert "All checks passed" not in proc.stderr
    lines = proc.stderr.splitlines()
    assert lines[-1] == "No problems in 1 file; 2 could not be read (named above)."
    assert lines[0].startswith("slacode: d/broken.sla: a link to ") and lines[1].startswith("slacode: d/sub/rel.sla")
    (tmp_path / "d" / "good.sla").write_text(BROKEN)
    proc = run("lint", "d", "--exit-zero", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[-1] == "Found 1 error, 0 warnings in 1 file; 2 could not be read (named above)."
    proc = run("fmt", "--check", "d", cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[-1].endswith("; 2 could not be read (named above).")


def test_test_junit_and_json_show_a_link_that_could_not_be_read(tmp_path):
    """review 21e (F7): a link to nothing is an errored case in the machine output, as an
    agreement that does not load is, so a CI report of an exit-2 run is not green and empty."""
    import xml.etree.ElementTree as ET

    _folder_with_links_to_nothing(tmp_path)
    (tmp_path / "d" / "bad.sla").write_text(BROKEN)
    proc = run("test", "d", "--format", "junit", cwd=tmp_path)
    assert proc.returncode == 2
    suites = ET.fromstring(proc.stdout)
    assert suites.get("errors") == "3" and suites.get("tests") == "3"
    errored = {s.get("name"): s.find("testcase/error").get("message") for s in suites.iter("testsuite")}
    assert set(errored) == {"d/broken.sla", "d/sub/rel.sla", "d/bad.sla"}
    assert errored["d/broken.sla"] == f"d/broken.sla: a link to {tmp_path / 'nowhere' / 'x.sla'}, which does not exist"
    assert {c.get("name") for c in suites.iter("testcase")} == {"the agreement loads"}
    proc = run("test", "d", "--format", "json", cwd=tmp_path)
    assert proc.returncode == 2
    doc = json.loads(proc.stdout)
    assert {(r["file"], r["name"], r["passed"]) for r in doc} == {
        (f, "the agreement loads", False) for f in ("d/broken.sla", "d/sub/rel.sla", "d/bad.sla")}
    assert next(r for r in doc if r["file"] == "d/sub/rel.sla")["error"] == (
        "d/sub/rel.sla: a link to ../missing.sla, which does not exist")
    from tests.test_schemas_outputs import problems

    assert problems("tests", doc) == []


def test_a_loop_of_links_is_called_a_loop(tmp_path):
    """review 21e (F8): not "a link to loop.sla, which does not exist"."""
    (tmp_path / "e").mkdir()
    (tmp_path / "e" / "good.sla").write_text(DESK)
    (tmp_path / "e" / "loop.sla").symlink_to("loop.sla")
    (tmp_path / "e" / "a.sla").symlink_to("b.sla")
    (tmp_path / "e" / "b.sla").symlink_to("a.sla")
    proc = run("lint", "e", cwd=tmp_path)
    assert proc.returncode == 2
    assert "slacode: e/loop.sla: a link to loop.sla, in a loop of links that reaches no file" in proc.stderr
    assert "slacode: e/a.sla: a link to b.sla, in a loop of links that reaches no file" in proc.stderr
    assert "does not exist" not in proc.stderr
