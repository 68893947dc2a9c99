"""Suppression comments (`# slacode: ignore[…]`, `ignore-file`, `# noqa`) and selections
(`lint --select/--ignore`, `[tool.slacode.lint]`, `slacode.lint(select=, ignore=)`)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

import slacode
from slacode.codes import CODES
from slacode.suppress import Selection, SelectionError, apply_comments, resolve
from tests.conftest import run_slacode

SLACODE = shutil.which("slacode")

HEAD = 'agreement "fx" { timezone "UTC"; teams sales }\n'
RULE = """deadline first_touch {
  owner sales
  start on assigned
  stop on contact_attempt
  within 4h
}
"""


#: Most examples here declare no rule, which is SLA224 at the `agreement` block (tested
#: with its fixture): left out of what these tests compare.
NO_RULE = "SLA224"


def found(text: str, **kw) -> list[tuple[str, int, int]]:
    return [(d.code, d.line, d.column) for d in slacode.lint(text, "t.sla", **kw) if d.code != NO_RULE]


def codes(text: str, **kw) -> list[str]:
    return [d.code for d in slacode.lint(text, "t.sla", **kw) if d.code != NO_RULE]


def run(*args, cwd=None, stdin=None):
    """The command in this process (:func:`tests.conftest.run_slacode`)."""
    return run_slacode(args, cwd=cwd, stdin=stdin)


# ------------------------------------------------------------------ the forms of comment

def test_without_comments_the_warning_is_reported():
    assert found(HEAD + "segment hot = score >= 80\n") == [("SLA217", 2, 9)]


@pytest.mark.parametrize("comment", [
    "# slacode: ignore[SLA217]",
    "# slacode: ignore[unused-segment]",
    "# slacode: ignore[sla217]",
    "#slacode:ignore[ SLA217 ]",
    "# slacode: ignore",
    "# noqa: SLA217",
    "# noqa:unused-segment",
    "# noqa",
    "# NOQA: SLA217",
    "# hot leads come later  # slacode: ignore[SLA217]",
    "# slacode: ignore[SLA217]  kept for the Q3 campaign",
])
def test_an_end_of_line_comment_suppresses_its_line(comment: str):
    assert found(HEAD + f"segment hot = score >= 80  {comment}\n") == []


def test_a_list_suppresses_only_the_codes_it_names():
    text = HEAD + "segment hot = score >= 80  # slacode: ignore[SLA218, SLA217]\ncalendar c {\n" \
        '  timezone "UTC"\n  hours mon-fri 09:00-17:00\n}\n'
    # SLA218 stands on line 3, not on the comment's line: it stays, and the entry is unused
    assert found(text) == [("SLA112", 2, 46), ("SLA218", 3, 10)]
    text = HEAD + "segment hot = score >= 80  # slacode: ignore[SLA401]\n"
    assert codes(text) == ["SLA217", "SLA112"]


def test_an_own_line_comment_applies_to_the_next_statement_over_blanks_and_comments():
    text = HEAD + "# slacode: ignore[unused-segment]\n\n# hot leads\n\nsegment hot = score >= 80\n"
    assert found(text) == []
    # ... and only to it
    text = HEAD + "# slacode: ignore[SLA217]\nsegment hot = score >= 80\nsegment warm = score >= 50\n"
    assert found(text) == [("SLA217", 4, 9)]


def test_an_own_line_noqa_applies_to_the_next_statement_too():
    assert found(HEAD + "# noqa: SLA217\nsegment hot = score >= 80\n") == []


def test_stacked_own_line_comments_all_apply_to_the_next_statement():
    text = HEAD + "# slacode: ignore[SLA217]\n# slacode: ignore[SLA401]\nsegment Hot = score >= 80\n"
    assert found(text) == []


def test_an_end_of_line_comment_does_not_reach_the_next_line():
    text = HEAD + "segment hot = score >= 80  # slacode: ignore[SLA401]\nsegment Warm = score >= 50\n"
    assert ("SLA401", 3, 9) in found(text)


def test_a_comment_after_a_semicolon_statement_is_not_an_own_line_comment():
    text = HEAD + "segment hot = score >= 80; segment warm = score >= 50  # slacode: ignore[SLA217]\n"
    assert found(text) == []        # both segments start on the comment's line


def test_a_file_level_comment_anywhere_suppresses_the_whole_file():
    body = "segment hot = score >= 80\nsegment warm = score >= 50\n"
    assert found(HEAD + body + "# slacode: ignore-file[unused-segment]\n") == []
    assert found(HEAD + "# slacode: ignore-file[SLA217]\n" + body) == []
    assert found("# slacode: ignore-file\n" + HEAD + body.replace("hot", "Hot")) == []
    assert [c for c, _, _ in found(HEAD + body + "# slacode: ignore-file[SLA401]\n")] == ["SLA217", "SLA217",
                                                                                          "SLA112"]


def test_hash_inside_strings_and_backquoted_names_is_not_a_comment():
    text = HEAD + 'segment hot = source == "x # slacode: ignore[SLA217]"\n'
    assert found(text) == [("SLA217", 2, 9)]


def test_a_diagnostic_of_a_multi_line_statement_is_suppressed_on_the_line_it_starts():
    rule = RULE.replace("  owner sales\n", "")              # SLA402 missing-owner, at the rule's name
    assert found(HEAD + rule) == [("SLA402", 2, 10)]
    assert found(HEAD + rule.replace("{", "{  # slacode: ignore[missing-owner]", 1)) == []
    assert found(HEAD + "# slacode: ignore[SLA402]\n" + rule) == []
    # a comment inside the block is on another line than where the diagnostic starts
    inside = rule.replace("  start on assigned\n", "  start on assigned  # slacode: ignore[SLA402]\n")
    assert found(HEAD + inside) == [("SLA402", 2, 10), ("SLA112", 3, 40)]


# ----------------------------------------------------------------- errors, unknown, unused

def test_errors_are_never_suppressed_and_naming_one_is_a_warning():
    text = HEAD + RULE.replace("within 4h", "within 4h on ofice  # slacode: ignore[SLA208]")
    got = slacode.lint(text, "t.sla")
    assert [(d.code, d.severity) for d in got] == [("SLA208", "error"), ("SLA111", "warning")]
    assert "errors cannot be suppressed" in got[1].message and "SLA208" in got[1].message
    # a bare comment leaves the error too (and with an error, unused comments are not reported)
    text = HEAD + RULE.replace("within 4h", "within 4h on ofice  # slacode: ignore")
    assert codes(text) == ["SLA208"]
    text = "# slacode: ignore-file\n" + HEAD + RULE.replace("within 4h", "within 4h on ofice")
    assert codes(text) == ["SLA208"]


def test_an_unknown_code_or_name_is_a_warning_at_its_place_with_a_suggestion():
    text = HEAD + "segment hot = score >= 80  # slacode: ignore[unused-segmnet, SLA999]\n"
    got = [d for d in slacode.lint(text, "t.sla") if d.code != NO_RULE]
    assert [(d.code, d.line, d.column) for d in got] == [("SLA217", 2, 9), ("SLA111", 2, 46), ("SLA111", 2, 62)]
    assert got[1].message == "`unused-segmnet` is not a diagnostic code or name"
    assert "unused-segment" in got[1].hint
    assert (got[1].span.end_column - got[1].span.column) == len("unused-segmnet")


@pytest.mark.parametrize("comment", [
    "# slacode: ignore SLA217",          # no brackets
    "# slacode: ignore[SLA217",          # unclosed
    "# slacode: ignor[SLA217]",          # misspelt
    "# slacode: ignore[]",               # empty list
    "# noqa SLA217",                     # ruff's form needs the colon
    "# noqa:",
])
def test_a_directive_that_cannot_be_read_is_a_warning_and_suppresses_nothing(comment: str):
    got = found(HEAD + f"segment hot = score >= 80  {comment}\n")
    assert got == [("SLA217", 2, 9), ("SLA111", 2, 28)]


def test_an_unused_suppression_is_reported_at_the_entry_or_the_comment():
    text = HEAD + RULE.replace("deadline first_touch {", "deadline first_touch {  # slacode: ignore[SLA402]")
    assert found(text) == [("SLA112", 2, 43)]
    text = HEAD + RULE.replace("deadline first_touch {", "deadline first_touch {  # slacode: ignore")
    got = slacode.lint(text, "t.sla")
    assert [(d.code, d.line, d.column) for d in got] == [("SLA112", 2, 25)]
    assert "no warning or information on line 2" in got[0].message
    got = slacode.lint(HEAD + RULE + "# slacode: ignore[SLA217]\n", "t.sla")
    assert [d.code for d in got] == ["SLA112"] and "no statement follows" in got[0].message


def test_a_line_comment_made_redundant_by_a_file_level_one_is_unused():
    text = HEAD + "segment hot = score >= 80  # slacode: ignore[SLA217]\n# slacode: ignore-file[SLA217]\n"
    assert found(text) == [("SLA112", 2, 46)]


def test_a_repeated_code_is_reported():
    text = HEAD + "segment hot = score >= 80  # slacode: ignore[SLA217, unused-segment]\n"
    got = [d for d in slacode.lint(text, "t.sla") if d.code != NO_RULE]
    assert [(d.code, d.column) for d in got] == [("SLA111", 54)] and "repeats SLA217" in got[0].message


def test_a_comment_naming_the_comment_codes_silences_what_is_said_about_itself():
    text = HEAD + RULE.replace("deadline first_touch {",
                               "deadline first_touch {  # slacode: ignore[SLA402, unused-suppression]")
    assert found(text) == []
    text = HEAD + "segment hot = score >= 80  # slacode: ignore[SLA999, SLA111]\n"
    assert codes(text) == ["SLA217"]
    # ... but not about another comment, unless it is file-level
    text = HEAD + RULE + "# slacode: ignore[SLA401]\nsegment hot = score >= 80  # slacode: ignore[SLA217]\n"
    assert codes(text) == ["SLA112"]
    assert codes(text + "# slacode: ignore-file[unused-suppression]\n") == []


def test_with_suppressions_only_ordinary_comments_change_nothing():
    text = HEAD + "# hot: score over 80 (noqa is not used here)\nsegment hot = score >= 80  # see slacode docs\n"
    assert found(text) == [("SLA217", 3, 9)]


@given(st.sampled_from(sorted(c for c, i in CODES.items() if i.severity != "error")))
def test_every_warning_code_and_its_name_resolve(code):
    assert resolve(code) == code == resolve(code.lower()) == resolve(CODES[code].name)


def test_apply_comments_keeps_errors_whatever_the_comment_says():
    from slacode.diagnostics import Span, make

    err = make("SLA208", "calendar `x` is not declared", Span(2, 1, 2, 5, "t.sla"))
    warn = make("SLA217", "segment `y` is not used", Span(2, 1, 2, 5, "t.sla"))
    text = "x  # slacode: ignore\ny  # slacode: ignore\n# slacode: ignore-file\n"
    assert apply_comments(text, [err, warn], "t.sla") == [err]


# ------------------------------------------------------------------------------ selections

WARNINGS = HEAD + "segment hot = score >= 80\n" + RULE.replace("first_touch", "firstTouch").replace(
    "  owner sales\n", "")          # SLA217 2:9, SLA401 3:10, SLA402 3:10


@pytest.mark.parametrize("select, ignore, want", [
    (None, (), ["SLA217", "SLA401", "SLA402"]),
    (["SLA217"], (), ["SLA217"]),
    (["unused-segment"], (), ["SLA217"]),
    (["SLA4"], (), ["SLA401", "SLA402"]),
    (["SLA"], (), ["SLA217", "SLA401", "SLA402"]),
    (None, ["SLA4"], ["SLA217"]),
    (None, ["missing-owner", "sla217"], ["SLA401"]),
    (["SLA4"], ["SLA401"], ["SLA402"]),          # the more specific selector decides
    (["SLA401"], ["SLA4"], ["SLA401"]),
    (["SLA4"], ["SLA4"], []),                    # a tie: ignore wins
    (["SLA2,SLA40"], (), ["SLA217", "SLA401", "SLA402"]),
    ("SLA217", (), ["SLA217"]),
])
def test_select_and_ignore_choose_warnings(select, ignore, want):
    assert codes(WARNINGS, select=select, ignore=ignore) == want


def test_errors_are_reported_whatever_is_selected():
    text = WARNINGS.replace("within 4h", "within 4h on ofice")
    assert codes(text, select=["SLA4"], ignore=["SLA2"]) == ["SLA401", "SLA402", "SLA208"]


@pytest.mark.parametrize("bad", ["SLA9", "SLA999", "unused-segmnet", "E501", "SLA2x"])
def test_a_selector_that_matches_no_code_is_refused(bad):
    with pytest.raises(SelectionError, match="not a diagnostic code"):
        Selection.of([bad])
    with pytest.raises(ValueError):
        slacode.lint(WARNINGS, ignore=[bad])


def test_the_selection_applies_to_the_comments_own_codes_too():
    text = HEAD + "segment hot = score >= 80  # slacode: ignore[SLA401]\n"
    assert codes(text) == ["SLA217", "SLA112"]
    assert codes(text, ignore=["unused-suppression"]) == ["SLA217"]


# ------------------------------------------------------------------------- command line

@pytest.fixture()
def project(tmp_path: Path) -> Path:
    (tmp_path / "a.sla").write_text(WARNINGS, encoding="utf-8")
    return tmp_path


def _lint_codes(*args, cwd) -> list[str]:
    proc = run("lint", "--format", "json", *args, "a.sla", cwd=cwd)
    assert proc.returncode in (0, 1), proc.stderr
    return [d["code"] for d in json.loads(proc.stdout)]


def test_lint_select_and_ignore_options(project):
    assert _lint_codes(cwd=project) == ["SLA217", "SLA401", "SLA402"]
    assert _lint_codes("--select", "SLA4", "--ignore", "not-snake-case", cwd=project) == ["SLA402"]
    assert _lint_codes("--ignore", "SLA217,SLA401", "--ignore", "SLA402", cwd=project) == []
    assert _lint_codes("--select", "SLA217", "--select", "missing-owner", cwd=project) == ["SLA217", "SLA402"]
    proc = run("lint", "--strict", "--select", "SLA217", "--ignore", "SLA217", "a.sla", cwd=project)
    assert proc.returncode == 0 and "All checks passed" in proc.stderr
    assert run("lint", "--strict", "--select", "SLA2", "a.sla", cwd=project).returncode == 1


def test_lint_refuses_an_unknown_selector_with_exit_2(project):
    proc = run("lint", "--select", "SLA99", "a.sla", cwd=project)
    assert proc.returncode == 2 and "`SLA99` is not a diagnostic code" in proc.stderr


def test_lint_reads_tool_slacode_lint_from_the_nearest_pyproject(project):
    (project / "pyproject.toml").write_text('[tool.slacode.lint]\nselect = ["SLA4"]\nignore = ["SLA402"]\n')
    sub = project / "deeper"
    sub.mkdir()
    (sub / "pyproject.toml").write_text('[project]\nname = "not-slacode"\n')   # no [tool.slacode]: skipped
    (sub / "a.sla").write_text(WARNINGS, encoding="utf-8")
    assert _lint_codes(cwd=sub) == ["SLA401"]
    assert _lint_codes("--select", "SLA2", cwd=sub) == ["SLA217"]                 # --select replaces select
    assert _lint_codes("--ignore", "SLA401", cwd=sub) == []                       # --ignore adds to ignore


@pytest.mark.parametrize("toml, message", [
    ('[tool.slacode.lint]\nselect = ["SLA9"]\n', "`SLA9` is not a diagnostic code"),
    ('[tool.slacode.lint]\nignores = ["SLA4"]\n', "no setting ignores"),
    ('[tool.slacode.lint]\nselect = "SLA4"\n', "is a list"),
    ('[tool.slacode.lint\n', "cannot read"),
    ('[tool.slacode]\nignore = ["SLA4"]\n', "[tool.slacode] has no setting ignore; ignore goes under [tool.slacode.lint]"),
    ('[tool.slacode]\nline-length = 9\n', "[tool.slacode] has no setting line-length; its settings are in"),
])
def test_a_bad_pyproject_setting_is_exit_2(project, toml, message):
    (project / "pyproject.toml").write_text(toml)
    proc = run("lint", "a.sla", cwd=project)
    assert proc.returncode == 2 and message in proc.stderr and "pyproject.toml" in proc.stderr


def test_the_other_commands_show_the_agreements_warnings_the_project_wants(project):
    """review 21c: `[tool.slacode.lint]` is one place: a warning the repository ignores is not
    annotated by the nightly `check --format github` either, nor listed by report."""
    (project / "e.jsonl").write_text('{"lead": "A", "at": "2026-11-24T09:00:00Z", "type": "assigned"}\n')
    as_of = ("--as-of", "2026-11-24T12:00:00Z")

    def codes(*args) -> list[str]:
        proc = run(*args, cwd=project)
        assert proc.returncode in (0, 1), proc.stderr
        return sorted({c for c in ("SLA217", "SLA401", "SLA402") if c in proc.stdout + proc.stderr})

    everything = ["SLA217", "SLA401", "SLA402"]
    assert codes("check", "a.sla", "e.jsonl", *as_of, "--format", "github") == everything
    (project / "pyproject.toml").write_text('[tool.slacode.lint]\nignore = ["SLA4"]\n')
    assert codes("check", "a.sla", "e.jsonl", *as_of, "--format", "github") == ["SLA217"]
    assert codes("check", "a.sla", "e.jsonl", *as_of, "--format", "json") == ["SLA217"]
    assert codes("report", "a.sla", "e.jsonl", *as_of, "--format", "json") == ["SLA217"]
    assert codes("due", "a.sla", "e.jsonl", *as_of, "--format", "json") == ["SLA217"]
    # a setting lint refuses is said and not applied: the run goes on
    (project / "pyproject.toml").write_text('[tool.slacode.lint]\nignore = "SLA4"\n')
    proc = run("check", "a.sla", "e.jsonl", *as_of, cwd=project)
    assert proc.returncode == 0 and "is a list" in proc.stderr and "not applied" in proc.stderr
    assert "SLA401" in proc.stdout


def test_lint_statistics(project):
    (project / "b.sla").write_text(HEAD + "segment warm = score >= 50\nsegment cold = score >= 10\n" + RULE)
    proc = run("lint", "--statistics", "a.sla", "b.sla", cwd=project)
    assert proc.returncode == 0
    assert proc.stdout.splitlines() == ["3  SLA217  warning  unused-segment",
                                        "1  SLA401  warning  not-snake-case",
                                        "1  SLA402  warning  missing-owner"]
    proc = run("lint", "--statistics", "--format", "json", "--ignore", "SLA4", "a.sla", "b.sla", cwd=project)
    assert json.loads(proc.stdout) == [{"code": "SLA217", "name": "unused-segment", "severity": "warning",
                                        "count": 3}]
    assert run("lint", "--statistics", "--format", "sarif", "a.sla", cwd=project).returncode == 2


def test_lint_text_output_honours_comments_from_stdin():
    text = HEAD + "segment hot = score >= 80  # slacode: ignore[SLA217]\n" + RULE
    proc = run("lint", "--strict", "-", stdin=text)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    proc = run("lint", "--strict", "-", stdin=text.replace("SLA217", "SLA218"))
    assert proc.returncode == 1 and "SLA217" in proc.stdout and "SLA112" in proc.stdout


CHECKED = HEAD + "segment hot = score >= 80\n" + RULE
EVENTS = ('{"lead": "A", "at": "2026-11-09T10:00:00-03:00", "type": "assigned", "id": "a1"}\n'
          '{"lead": "A", "at": "2026-11-09T11:00:00-03:00", "type": "contact_attempt", "id": "a2"}\n')


def test_check_prints_the_agreement_warnings_that_comments_leave(tmp_path):
    (tmp_path / "e.jsonl").write_text(EVENTS)
    args = ("--as-of", "2026-11-10T00:00:00-03:00", "--format", "json")
    for text, want in [(CHECKED, ["SLA217"]),
                       (CHECKED.replace("score >= 80", "score >= 80  # slacode: ignore[SLA217]"), []),
                       (CHECKED + "# slacode: ignore-file[unused-segment]\n", []),
                       (CHECKED + "# slacode: ignore-file[SLA401]\n", ["SLA217", "SLA112"])]:
        (tmp_path / "a.sla").write_text(text)
        proc = run("check", "a.sla", "e.jsonl", *args, cwd=tmp_path)
        assert proc.returncode == 0, proc.stderr
        out = json.loads(proc.stdout)
        assert [d["code"] for d in out["diagnostics"]] == want
        assert [v["status"] for v in out["verdicts"]] == ["met"]
    (tmp_path / "a.sla").write_text(CHECKED)
    proc = run("check", "a.sla", "e.jsonl", "--as-of", "2026-11-10T00:00:00-03:00", cwd=tmp_path)
    assert "SLA217" in proc.stdout + proc.stderr
    (tmp_path / "a.sla").write_text(CHECKED.replace("score >= 80", "score >= 80  # noqa: SLA217"))
    proc = run("check", "a.sla", "e.jsonl", "--as-of", "2026-11-10T00:00:00-03:00", cwd=tmp_path)
    assert "SLA217" not in proc.stdout + proc.stderr


def test_the_library_agreement_diagnostics_honour_comments_too():
    assert [d.code for d in slacode.loads(CHECKED).diagnostics] == ["SLA217"]
    quiet = CHECKED.replace("score >= 80", "score >= 80  # slacode: ignore[SLA217]")
    assert slacode.loads(quiet).diagnostics == ()


TESTED = HEAD + RULE + """
test "called within the hour" {
  as of 2026-11-09T12:00:00-03:00
  at 2026-11-09T10:00:00-03:00 assigned
  at 2026-11-09T11:00:00-03:00 contact_attempt
  expect first_touch period "2026-W46" met
}
"""


def test_test_command_honours_comments_on_the_slips_it_reports(tmp_path):
    # SLA330 (an expectation that can never match) makes the test fail with that reason;
    # suppressed, the expectation is judged as written
    assert "SLA330" in codes(TESTED)
    (tmp_path / "a.sla").write_text(TESTED)
    loud = run("test", "--format", "json", "a.sla", cwd=tmp_path)
    assert loud.returncode == 1 and "SLA330" in loud.stdout
    (tmp_path / "a.sla").write_text(TESTED.replace(' met\n', ' met  # slacode: ignore[SLA330]\n'))
    assert "SLA330" not in codes(TESTED.replace(' met\n', ' met  # slacode: ignore[SLA330]\n'))
    quiet = run("test", "--format", "json", "a.sla", cwd=tmp_path)
    assert "SLA330" not in quiet.stdout, quiet.stdout


def test_rule_pages_of_the_new_codes():
    for code, name in (("SLA111", "invalid-suppression"), ("SLA112", "unused-suppression")):
        assert CODES[code].name == name and CODES[code].severity == "warning"
        proc = run("rule", name)
        assert proc.returncode == 0 and proc.stdout.startswith(f"# {code} `{name}` (warning)")
