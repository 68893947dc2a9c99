"""Renderers for CI: SARIF 2.1.0 (checked against the standard's own schema) and GitHub
Actions annotations, for ``lint`` and ``check``."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from slacode.codes import CODES
from slacode.diagnostics import DOCS_URL, Diagnostic, Span
from slacode.reporters import (
    CHECK_FORMATS,
    FINGERPRINT_KEY,
    LINT_FORMATS,
    annotation,
    artifact_path,
    diagnostics_github,
    escape_data,
    escape_property,
    fingerprints,
    sarif_log,
)
from tests.conftest import ROOT, run_slacode

SARIF_SCHEMA = json.loads((ROOT / "tests" / "schemas" / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))
# Not Draft202012Validator.check_schema: the standard's schema has one pattern Python's `re`
# refuses (`^(?i)…` for run.language, which slacode never writes); validation itself works.
SARIF = Draft202012Validator(SARIF_SCHEMA)
AS_OF = "2026-11-20T18:00:00-03:00"
SLACODE = shutil.which("slacode")

BROKEN = """\
agreement "broken" {
  version "1"
  timezone "America/Sao_Paulo"
  teams marketing, sales
}

calendar office {
  timezone "America/Sao_Paulo"
  hours mon-fri 09:00-18:00
}

deadline firstTouch {
  owner sales
  start on assigned
  stop on contact_attempt
  within 4h on ofice
}

calendar spare {
  hours mon-fri 09:00-18:00
}
"""


def run(*args, cwd=ROOT):
    """The command in this process (:func:`tests.conftest.run_slacode`)."""
    return run_slacode(args, cwd=cwd)


def sarif_errors(log: dict) -> list[str]:
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in SARIF.iter_errors(log)]


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    (tmp_path / "specs").mkdir()
    path = tmp_path / "specs" / "broken.sla"
    path.write_text(BROKEN, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- SARIF

def test_lint_sarif_is_valid_sarif_2_1_0(broken: Path):
    proc = run("lint", "--format", "sarif", "specs", cwd=broken.parent.parent)
    assert proc.returncode == 1, proc.stderr               # the error still fails the run
    log = json.loads(proc.stdout)
    assert sarif_errors(log) == []
    assert log["version"] == "2.1.0" and log["$schema"].endswith("sarif-schema-2.1.0.json")
    assert len(log["runs"]) == 1
    assert proc.stderr == ""                                # no summary line mixed in
    assert run("lint", "--format", "sarif", "--exit-zero", "specs", cwd=broken.parent.parent).returncode == 0
    # the base id of the relative URIs is defined, for viewers other than GitHub's
    (run_,) = log["runs"]
    assert {loc["physicalLocation"]["artifactLocation"]["uriBaseId"]
            for r in run_["results"] for loc in r["locations"]} == {"SRCROOT"}
    assert run_["originalUriBaseIds"]["SRCROOT"]["uri"] == broken.parent.parent.resolve().as_uri() + "/"


def test_the_sarif_schema_can_reject_a_log():
    """The validation above is not vacuous: the stored schema refuses a malformed log."""
    log = sarif_log([Diagnostic("SLA208", "error", "x", Span(1, 1), file="a.sla")], {}, root="/")
    assert sarif_errors(log) == []
    log["runs"][0]["results"][0]["level"] = "fatal"
    assert sarif_errors(log)
    del log["runs"][0]["results"][0]["level"]
    log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = 0
    assert sarif_errors(log)
    assert sarif_errors({"version": "2.1.0"})               # runs is required


def test_sarif_rules_describe_every_code(broken: Path):
    log = json.loads(run("lint", "--format", "sarif", "specs", cwd=broken.parent.parent).stdout)
    driver = log["runs"][0]["tool"]["driver"]
    assert driver["name"] == "slacode"
    import slacode

    assert driver["version"] == slacode.__version__ and driver["informationUri"].startswith("https://")
    rules = driver["rules"]
    assert [r["id"] for r in rules] == sorted(CODES)
    level = {"error": "error", "warning": "warning", "info": "note"}
    for r in rules:
        info = CODES[r["id"]]
        assert r["name"] == info.name
        assert r["shortDescription"]["text"] == info.summary
        assert r["fullDescription"]["text"].startswith(info.summary)
        assert r["help"]["markdown"] == info.page() == r["help"]["text"]
        assert r["helpUri"] == DOCS_URL.format(code=r["id"])
        assert r["defaultConfiguration"]["level"] == level[info.severity]


def test_sarif_results_point_at_the_problem(broken: Path):
    log = json.loads(run("lint", "--format", "sarif", "specs", cwd=broken.parent.parent).stdout)
    run_ = log["runs"][0]
    rules = run_["tool"]["driver"]["rules"]
    found = {}
    for res in run_["results"]:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        loc = res["locations"][0]["physicalLocation"]
        assert loc["artifactLocation"] == {"uri": "specs/broken.sla", "uriBaseId": "SRCROOT"}
        found[res["ruleId"]] = (res["level"], loc["region"], res["message"]["text"])
    assert set(found) == {"SLA208", "SLA218", "SLA401"}
    level, region, text = found["SLA208"]
    assert level == "error"
    assert region == {"startLine": 16, "startColumn": 16, "endLine": 16, "endColumn": 21}
    assert text == "calendar `ofice` is not declared\nhint: did you mean `office`?"
    assert found["SLA218"][0] == "warning"      # `spare`; not `office`, which `ofice` surely meant
    assert found["SLA218"][1] == {"startLine": 19, "startColumn": 10, "endLine": 19, "endColumn": 15}
    assert run_["columnKind"] == "unicodeCodePoints"


def test_sarif_of_a_clean_run_has_no_results_and_stays_valid(tmp_path: Path):
    (tmp_path / "ok.sla").write_text('agreement "ok" { version "1"; timezone "UTC"; teams sales }\n'
                                     'deadline d {\n  owner sales\n  start on a\n  stop on b\n  within 1h\n}\n')
    proc = run("lint", "--format", "sarif", "ok.sla", cwd=tmp_path)
    log = json.loads(proc.stdout)
    assert proc.returncode == 0 and log["runs"][0]["results"] == [] and sarif_errors(log) == []


def test_info_is_a_note_and_a_spanless_diagnostic_points_at_line_1():
    diags = [Diagnostic("SLA506", "info", "2 events are after as_of", None, file="events.jsonl")]
    log = sarif_log(diags, {}, root="/repo")
    res = log["runs"][0]["results"][0]
    assert res["level"] == "note"
    assert res["locations"][0]["physicalLocation"]["region"] == {"startLine": 1}
    assert sarif_errors(log) == []


def test_paths_are_relative_to_the_root_with_forward_slashes(tmp_path: Path):
    assert artifact_path("specs/a.sla", "/repo") == ("specs/a.sla", True)
    assert artifact_path("./specs/../specs/a.sla", "/repo") == ("specs/a.sla", True)
    assert artifact_path("/repo/specs/a.sla", "/repo") == ("specs/a.sla", True)
    assert artifact_path("/elsewhere/a.sla", "/repo") == ("/elsewhere/a.sla", False)
    spaced = Diagnostic("SLA208", "error", "x", Span(2, 3, 2, 5), file="my specs/a b.sla")
    far = Diagnostic("SLA208", "error", "x", Span(2, 3, 2, 5), file="/elsewhere/a.sla")
    results = sarif_log([spaced, far], {}, root="/repo")["runs"][0]["results"]
    uris = [r["locations"][0]["physicalLocation"]["artifactLocation"] for r in results]
    assert uris == [{"uri": "my%20specs/a%20b.sla", "uriBaseId": "SRCROOT"}, {"uri": "file:///elsewhere/a.sla"}]


def test_fingerprints_survive_moved_lines_and_tell_repeats_apart():
    from slacode.api import lint

    shifted = BROKEN.replace("calendar office {", "# a comment\n\n# another\ncalendar office {")
    before = lint(BROKEN, "specs/a.sla")
    after = lint(shifted, "specs/a.sla")
    assert [d.line for d in after] != [d.line for d in before]
    assert fingerprints(before, {"specs/a.sla": BROKEN}) == fingerprints(after, {"specs/a.sla": shifted})
    # the same finding on two identical lines: two identities, numbered
    text = "x\n  within 4h on ofice\n  within 4h on ofice\n"
    twice = [Diagnostic("SLA208", "error", "calendar `ofice` is not declared", Span(n, 16), file="b.sla")
             for n in (2, 3)]
    marks = fingerprints(twice, {"b.sla": text})
    assert marks[0].split(":")[0] == marks[1].split(":")[0] and marks[0] != marks[1]
    assert [m.split(":")[1] for m in marks] == ["1", "2"]
    # a different message is a different finding
    other = lint(BROKEN.replace("ofice", "offfice"), "specs/a.sla")
    assert set(fingerprints(other, {"specs/a.sla": BROKEN.replace("ofice", "offfice")})) != set(
        fingerprints(before, {"specs/a.sla": BROKEN}))
    log = sarif_log(before, {"specs/a.sla": BROKEN}, root=".")
    assert all(FINGERPRINT_KEY in r["partialFingerprints"] for r in log["runs"][0]["results"])


# ------------------------------------------------------------------ annotations

def unescape_property(text: str) -> str:
    for code, char in (("%0D", "\r"), ("%0A", "\n"), ("%3A", ":"), ("%2C", ","), ("%25", "%")):
        text = text.replace(code, char)
    return text


def test_escaping_of_data_and_properties():
    assert escape_data("50% done\r\nnext: a, b") == "50%25 done%0D%0Anext: a, b"
    assert escape_property("50% done\r\nnext: a, b") == "50%25 done%0D%0Anext%3A a%2C b"
    assert escape_data("%0A") == "%250A"                   # already-escaped-looking text survives


@given(st.text())
def test_escaped_properties_are_safe_and_reversible(text):
    escaped = escape_property(text)
    assert not any(c in escaped for c in "\r\n:,")
    assert unescape_property(escaped) == text
    assert "\n" not in escape_data(text) and "\r" not in escape_data(text)


def test_annotation_layout():
    assert annotation("error", "bad: 1, 2", file="a,b.sla", line=3, col=4, end_line=3, end_column=9,
                      title="SLA208") == \
        "::error file=a%2Cb.sla,line=3,col=4,endLine=3,endColumn=9,title=SLA208::bad: 1, 2"
    assert annotation("notice", "hello") == "::notice::hello"
    assert annotation("warning", "x", file="a.sla", col=3) == "::warning file=a.sla::x"   # no col without line
    with pytest.raises(ValueError):
        annotation("info", "x")


def test_lint_github_format(broken: Path):
    proc = run("lint", "--format", "github", "specs/broken.sla", cwd=broken.parent.parent)
    assert proc.returncode == 1
    assert proc.stdout.splitlines() == [
        "::warning file=specs/broken.sla,line=12,col=10,endLine=12,endColumn=20,title=SLA401::"
        "deadline name `firstTouch` is not snake_case%0Ahint: rename it `first_touch` (lower case words joined by `_`)",
        "::error file=specs/broken.sla,line=16,col=16,endLine=16,endColumn=21,title=SLA208::"
        "calendar `ofice` is not declared%0Ahint: did you mean `office`?",
        "::warning file=specs/broken.sla,line=19,col=10,endLine=19,endColumn=15,title=SLA218::"
        "calendar `spare` is not used%0Ahint: use it with `on spare` or `only during spare`, or remove it",
    ]
    assert run("lint", "--format", "github", "--exit-zero", "specs", cwd=broken.parent.parent).returncode == 0


def test_lint_github_names_files_outside_the_root_absolutely(broken: Path, tmp_path: Path):
    other = tmp_path / "elsewhere"
    other.mkdir()
    text = diagnostics_github([Diagnostic("SLA401", "warning", "x", Span(1, 2), file=str(broken))], root=str(other))
    assert text == f"::warning file={escape_property(broken.as_posix())},line=1,col=2,title=SLA401::x\n"


def test_registries():
    assert {"text", "json", "sarif", "github"} <= set(LINT_FORMATS)
    assert "github" in CHECK_FORMATS
    assert "sarif" not in CHECK_FORMATS          # a decision: verdicts are not code-scanning alerts
    assert run("check", "--format", "sarif", "specs/northwind.sla", "specs/events.jsonl").returncode == 2


# --------------------------------------------------------- check --format github

@pytest.fixture(scope="module")
def northwind_github():
    proc = run("check", "specs/northwind.sla", "specs/events.jsonl", "--as-of", AS_OF, "--format", "github")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(run("check", "specs/northwind.sla", "specs/events.jsonl", "--as-of", AS_OF,
                         "--format", "json").stdout)
    return proc.stdout.splitlines(), doc


def _props(line: str) -> tuple[str, dict, str]:
    head, _, message = line[2:].partition("::")
    level, _, props = head.partition(" ")
    return level, {k: unescape_property(v) for k, v in (p.split("=", 1) for p in props.split(",") if p)}, message


def test_check_github_annotates_input_problems_at_their_lines(northwind_github):
    lines, doc = northwind_github
    wanted = [(d["code"], d["line"]) for d in doc["diagnostics"]]
    got = []
    for line in lines[:len(wanted)]:
        level, props, _ = _props(line)
        assert props["file"] == "specs/events.jsonl"
        got.append((props["title"], int(props["line"])))
    assert got == wanted and len(wanted) >= 3
    levels = {_props(line)[1]["title"]: _props(line)[0] for line in lines[:len(wanted)]}
    assert levels["SLA501"] == "error" and levels["SLA517"] == "warning" and levels["SLA506"] == "notice"


def test_check_github_has_one_error_per_breach_on_the_promise(northwind_github):
    lines, doc = northwind_github
    breached = [v for v in doc["verdicts"] if v["status"] == "breached"]
    annotations = [_props(line) for line in lines if "breached::" in line]
    assert len(annotations) == len(breached) > 50
    source = (ROOT / "specs" / "northwind.sla").read_text(encoding="utf-8").split("\n")
    # where each kind of clause is written in specs/northwind.sla
    opening = {"within": "within", "require": "require", "at_least_within": "at least",
               "at_least_before": "at least", "at_most_per_day": "at most", "gap": "gap", "first": "first",
               "only_during": "only during", "only_between": "only between", "transition": "flow",
               "ratio": "target", "count": "quota"}
    for (level, props, message), v in zip(annotations, breached):
        assert level == "error" and props["file"] == "specs/northwind.sla"
        assert props["title"] == f"{v['rule']}.{v['clause']} breached"
        text = source[int(props["line"]) - 1].strip()
        assert text.startswith(opening[v["clause"]]), (props, text)
        if v["clause"] == "within":
            assert (f"for {v['segment']}" in text) == (v["segment"] is not None)
        assert v["reason"] in unescape_property(message)
        if v["lead"] is not None:
            assert message.startswith(f"Lead {v['lead']}")


def test_check_github_with_fail_on_still_fails():
    proc = run("check", "specs/northwind.sla", "specs/events.jsonl", "--as-of", AS_OF, "--format", "github",
               "--fail-on", "breached")
    assert proc.returncode == 1 and "::error" in proc.stdout


def test_check_github_places_each_line_of_a_rule(tmp_path: Path):
    spec = tmp_path / "desk.sla"
    spec.write_text("""\
agreement "desk" { version "1"; timezone "UTC"; teams sales }

segment hot = score >= 80

deadline first_touch {
  owner sales
  start on assigned
  stop on contact_attempt
  within 1h for hot
  within 4h
}
""", encoding="utf-8")
    events = tmp_path / "events.jsonl"
    events.write_text("\n".join(json.dumps(e) for e in [
        {"id": "a1", "lead": "H", "at": "2026-11-02T09:00:00Z", "type": "assigned", "fields": {"score": 90}},
        {"id": "a2", "lead": "C", "at": "2026-11-02T09:00:00Z", "type": "assigned", "fields": {"score": 10}},
        {"id": "a3", "lead": "C", "at": "2026-11-02T09:30:00Z", "type": "contact_attempt"},
        "not an event",
    ]) + "\n", encoding="utf-8")
    proc = run("check", "desk.sla", "events.jsonl", "--as-of", "2026-11-02T18:00:00Z", "--format", "github",
               cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert [(_props(x)[1]["title"], _props(x)[1].get("line")) for x in lines] == [
        ("SLA501", "4"), ("first_touch.within breached", "9")]
    assert _props(lines[1])[2].startswith("Lead H, cycle 1: ")


# ------------------------------------------------------------------ pre-commit

def test_pre_commit_hooks_run_real_commands_on_sla_files(tmp_path: Path):
    import re

    yaml = pytest.importorskip("yaml")
    hooks = {h["id"]: h for h in yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))}
    assert set(hooks) == {"slacode-lint", "slacode-fmt"}
    assert hooks["slacode-lint"]["entry"] == "slacode lint" and hooks["slacode-fmt"]["entry"] == "slacode fmt"
    for hook in hooks.values():
        assert hook["language"] == "python" and hook["name"] and hook["description"]
        files = re.compile(hook["files"])
        assert files.search("specs/northwind.sla") and files.search("a.sla")
        assert not files.search("a.sla.bak") and not files.search("notes.md")
    from slacode.cli import LAZY_COMMANDS, cli

    assert "lint" in cli.commands and "fmt" in LAZY_COMMANDS
    # pre-commit appends the staged file names to the entry
    entry = hooks["slacode-lint"]["entry"].split()[1:]
    (tmp_path / "bad.sla").write_text(BROKEN, encoding="utf-8")
    assert run(*entry, str(ROOT / "specs" / "northwind.sla")).returncode == 0
    assert run(*entry, str(tmp_path / "bad.sla")).returncode == 1


def test_a_long_source_line_is_cut_around_the_place_and_the_caret_stays_under_it():
    from slacode.diagnostics import Diagnostic, Span
    from slacode.reporters import diagnostic_text

    for column in (5, 190, 300, 498):
        line = "a" * (column - 1) + "X" + "b" * (500 - column)
        d = Diagnostic("SLA101", "error", "here", Span(1, column, 1, column + 1, file="f.sla"), None, "f.sla")
        out = diagnostic_text(d, line + "\n").splitlines()
        shown, caret = out[2].split(" | ", 1), out[3].split(" | ", 1)[1]
        assert len(shown[1]) <= 202 and shown[1][caret.index("^")] == "X", column
