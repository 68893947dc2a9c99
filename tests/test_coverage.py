"""`slacode test --coverage`: what an agreement's test blocks cover (clauses expected and
judged, target lines used), its JSON against its schema, and `--fail-under`."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

import slacode
from slacode import testing
from tests.test_schemas_outputs import altered, problems, valid

DESK = '''agreement "desk" {
  version "1"
  timezone "UTC"
  teams sales
}

segment hot = score >= 80

deadline first_touch {
  owner sales
  start on assigned
  stop on contact_attempt
  within 1h for hot
  within 4h
}

attempts cadence {
  owner sales
  start on assigned
  stop on enter sql
  at least 2 within 1d
  gap at least 1h
}

target touch_rate {
  owner sales
  rule first_touch
  at least 90% met per week
}

test "a cold lead called in time" {
  as of 2026-11-02T18:00:00Z
  at 2026-11-02T10:00:00Z assigned with owner = "ana"
  at 2026-11-02T11:00:00Z contact_attempt
  expect first_touch met
}
'''

TWO_TESTS = DESK + '''
test "a cold lead called late, and again too soon" {
  as of 2026-11-03T18:00:00Z
  at 2026-11-02T10:00:00Z assigned with owner = "ana"
  at 2026-11-02T15:00:00Z contact_attempt
  at 2026-11-02T15:30:00Z contact_attempt
  expect first_touch breached
  expect cadence.gap breached
}
'''


def _cov(text: str, match=()) -> testing.Coverage:
    agreement = slacode.loads(text)
    return testing.coverage(agreement, testing.run_tests(agreement, match))


def _clause(cov, rule, clause):
    return next(c for c in cov.clauses if c["rule"] == rule and c["clause"] == clause)


def test_clauses_list_the_statuses_expected_and_judged():
    cov = _cov(DESK)
    assert [(c["rule"], c["clause"], c["kind"]) for c in cov.clauses] == [
        ("first_touch", "within", "deadline"), ("cadence", "at_least_within", "attempts"),
        ("cadence", "gap", "attempts"), ("touch_rate", "ratio", "target")]
    assert _clause(cov, "first_touch", "within") == {"rule": "first_touch", "clause": "within", "kind": "deadline",
                                                      "expected": ["met"], "judged": ["met"]}
    # judged without an expectation: one attempt of two, the day not over; no gap broken yet
    assert _clause(cov, "cadence", "at_least_within")["expected"] == []
    assert _clause(cov, "cadence", "at_least_within")["judged"] == ["pending"]
    assert _clause(cov, "touch_rate", "ratio")["judged"] == ["pending"]       # the week is not over
    assert (cov.expected, len(cov.clauses), cov.percent, cov.not_run) == (1, 4, 25.0, 0)
    assert cov.lines == [
        {"rule": "first_touch", "segment": "hot", "line": "within 1h for hot", "applied": False},
        {"rule": "first_touch", "segment": None, "line": "within 4h", "applied": True},
        {"rule": "cadence", "segment": None, "line": "at least 2 within 1d", "applied": True}]


def test_more_tests_cover_more_and_k_narrows_what_counts():
    cov = _cov(TWO_TESTS)
    assert _clause(cov, "first_touch", "within")["expected"] == ["met", "breached"]
    assert _clause(cov, "cadence", "gap")["expected"] == ["breached"]
    assert (cov.expected, cov.percent) == (2, 50.0)
    assert _cov(TWO_TESTS, ("cold lead called in time",)).percent == 25.0


def test_the_command_prints_coverage_and_fails_under_the_threshold(tmp_path):
    (tmp_path / "desk.sla").write_text(TWO_TESTS)

    def run(*args):
        return subprocess.run([sys.executable, "-m", "slacode", "test", "desk.sla", "--coverage", *args],
                              cwd=tmp_path, capture_output=True, text=True)

    out = run()
    assert out.returncode == 0, out.stderr
    assert out.stdout.splitlines()[0] == "Coverage of desk.sla by 2 tests:"
    assert "target line no test's cycle used:\n    first_touch `within 1h for hot`\n" in out.stdout
    assert "2 of 4 clauses have an expectation (50%)" in out.stdout
    assert "2 passed, 0 failed" in out.stderr
    low = run("--fail-under", "60")
    assert low.returncode == 1 and "desk.sla: 50% of clauses have an expectation, under --fail-under 60" in low.stderr
    assert run("--fail-under", "50").returncode == 0
    doc = json.loads(run("--format", "json").stdout)
    assert problems("coverage", doc) == []
    assert doc[0]["percent"] == 50.0 and doc[0]["file"] == "desk.sla"
    usage = subprocess.run([sys.executable, "-m", "slacode", "test", "desk.sla", "--fail-under", "50"],
                           cwd=tmp_path, capture_output=True, text=True)
    assert usage.returncode == 2 and "--fail-under needs --coverage" in usage.stderr


def test_a_failing_test_still_fails_with_coverage(tmp_path):
    (tmp_path / "desk.sla").write_text(DESK.replace("expect first_touch met", "expect first_touch breached"))
    out = subprocess.run([sys.executable, "-m", "slacode", "test", "desk.sla", "--coverage"], cwd=tmp_path,
                         capture_output=True, text=True)
    assert out.returncode == 1 and "0 passed, 1 failed" in out.stderr
    assert "first_touch.within" in out.stdout


@pytest.mark.parametrize("change", [
    pytest.param(lambda d: d[0].pop("lines"), id="lines removed"),
    pytest.param(lambda d: d[0]["clauses"][0].update(expected=["late"]), id="unknown status"),
    pytest.param(lambda d: d[0]["clauses"][0].update(kind="rule"), id="unknown kind"),
    pytest.param(lambda d: d[0].update(percent=101), id="percent over 100"),
    pytest.param(lambda d: d[0]["lines"][0].update(applied="yes"), id="applied as text"),
])
def test_altered_coverage_is_refused(change):
    doc = json.loads(testing.render_coverage_json([_cov(TWO_TESTS)]))
    assert valid("coverage", doc)
    assert not valid("coverage", altered(doc, change))


RETARGETED = DESK.replace("  within 4h\n}", "  within 4h\n  retarget when segment changes\n}", 1).replace(
    "  at 2026-11-02T11:00:00Z contact_attempt\n",
    "  at 2026-11-02T10:20:00Z scored set score = 90\n  at 2026-11-02T10:50:00Z contact_attempt\n", 1)


def test_a_retargeted_cycle_used_both_its_lines():
    assert "retarget when segment changes" in RETARGETED and "set score = 90" in RETARGETED
    cov = _cov(RETARGETED)
    assert [(ln["line"], ln["applied"]) for ln in cov.lines if ln["rule"] == "first_touch"] == [
        ("within 1h for hot", True), ("within 4h", True)]


def test_a_test_that_cannot_run_still_counts_its_expectations_and_is_named(tmp_path):
    text = DESK.replace("as of 2026-11-02T18:00:00Z", "as of 2026-11-02T10:30:00Z")   # an event after it
    cov = _cov(text)
    assert (cov.not_run, cov.expected) == (1, 1)
    assert _clause(cov, "first_touch", "within")["judged"] == []
    (tmp_path / "desk.sla").write_text(text)
    out = subprocess.run([sys.executable, "-m", "slacode", "test", "desk.sla", "--coverage"], cwd=tmp_path,
                         capture_output=True, text=True)
    assert out.returncode == 1
    assert "by 1 test (1 could not run: only their expectations count)" in out.stdout
    assert "FAIL a cold lead called in time  (desk.sla:" in out.stderr


def test_the_gate_compares_the_share_as_shown_and_refuses_nan(tmp_path):
    start = TWO_TESTS.index("target touch_rate")
    three = TWO_TESTS[:start] + TWO_TESTS[TWO_TESTS.index("test ", start):]     # 2 of 3 clauses expected
    assert _cov(three).percent == 66.7
    (tmp_path / "desk.sla").write_text(three)

    def gate(value):
        return subprocess.run([sys.executable, "-m", "slacode", "test", "desk.sla", "--coverage", "--fail-under",
                               value], cwd=tmp_path, capture_output=True, text=True).returncode

    assert (gate("66.7"), gate("66.8")) == (0, 1)        # 66.7 as shown passes a gate of 66.7
    assert gate("nan") == 2
