"""`slacode test`: test blocks in the language, their failures and output formats."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import slacode
from slacode import testing
from tests.test_cli import run

AGREEMENT = '''
agreement "t" {
  timezone "America/Sao_Paulo"
  teams sales
}
calendar sp {
  timezone "America/Sao_Paulo"
  hours mon-fri 09:00-18:00
}
deadline first_touch {
  owner sales
  start on assigned
  stop on contact_attempt
  restart on reassigned
  within 4h on sp
}
'''

PASSING = '''
test "touched in time" {
  as of 2026-11-10T12:00:00-03:00
  lead "A"
  at 2026-11-09T16:00:00-03:00 assigned with owner = "rep-1"
  at 2026-11-10T10:30:00-03:00 contact_attempt with channel = "phone"
  expect first_touch met due 2026-11-10T11:00:00-03:00
}
'''

FAILING = '''
test "wrong on purpose" {
  as of 2026-11-10T12:00:00-03:00
  at 2026-11-09T16:00:00-03:00 assigned with owner = "rep-1"
  expect first_touch met
  expect first_touch.within breached due 2026-11-10T10:00:00-03:00
}
'''


def test_passing_block():
    a = slacode.loads(AGREEMENT + PASSING)
    [r] = testing.run_tests(a)
    assert r.passed and len(r.outcomes) == 1


def test_failing_block_says_expected_and_actual_with_the_timeline():
    a = slacode.loads(AGREEMENT + FAILING)
    [r] = testing.run_tests(a)
    assert not r.passed
    bad = [o for o in r.outcomes if not o.passed]
    assert bad[0].expected == "met" and bad[0].actual.startswith("breached")
    text = testing.render_text([r])
    assert "FAIL wrong on purpose" in text and "expected: met" in text and "actual:   breached" in text
    assert "timeline of lead 'lead'" in text and "cycle 1 opens" in text


def test_several_cycles_need_a_cycle_number():
    block = '''
test "two cycles" {
  as of 2026-11-10T12:00:00-03:00
  at 2026-11-09T10:00:00-03:00 assigned
  at 2026-11-09T11:00:00-03:00 reassigned
  expect first_touch cancelled
  expect first_touch cycle 1 cancelled
  expect first_touch cycle 2 breached
}
'''
    [r] = testing.run_tests(slacode.loads(AGREEMENT + block))
    assert [o.passed for o in r.outcomes] == [False, True, True]
    assert "name one with `cycle N`" in r.outcomes[0].actual


def test_cli_exit_codes_and_formats(tmp_path):
    good = tmp_path / "good.sla"
    good.write_text(AGREEMENT + PASSING)
    bad = tmp_path / "bad.sla"
    bad.write_text(AGREEMENT + FAILING)
    assert run("test", str(good)).returncode == 0
    proc = run("test", str(bad))
    assert proc.returncode == 1 and "expected: met" in proc.stdout
    # each failing expectation at file:line:column, as editors and CI logs link it
    line = (AGREEMENT + FAILING).splitlines().index("  expect first_touch met") + 1
    assert f"    {bad}:{line}:3: expect first_touch met\n" in proc.stdout
    doc = json.loads(run("test", str(tmp_path), "--format", "json").stdout)
    assert [t["passed"] for t in doc] == [False, True]
    # which lead each expectation is about, and the timeline of a failing one, as the text shows
    assert {e["lead"] for t in doc for e in t["expectations"]} == {"lead", "A"}
    assert list(doc[0]["timelines"]) == ["lead"] and any("assigned" in x for x in doc[0]["timelines"]["lead"])
    assert doc[1]["timelines"] == {}
    junit = ET.fromstring(run("test", str(tmp_path), "--format", "junit").stdout)
    assert junit.get("tests") == "2" and junit.get("failures") == "1"
    broken = tmp_path / "broken.sla"
    broken.write_text("test {")
    assert run("test", str(broken)).returncode == 2
    # a broken file among others: its errors, and the others' tests still run
    proc = run("test", str(good), str(broken))
    assert proc.returncode == 2 and "PASS touched in time" in proc.stdout
    assert "1 passed, 0 failed; 1 file not run" in proc.stderr and "SLA1" in proc.stderr


def test_bundled_specs_pass():
    proc = run("test", "specs/")
    assert proc.returncode == 0, proc.stdout


def test_events_are_cited_by_their_line_in_the_file():
    a = slacode.loads(AGREEMENT + FAILING)             # the assigned event is on line 31
    [r] = testing.run_tests(a)
    line = next(i for i, t in enumerate((AGREEMENT + FAILING).splitlines(), 1) if "assigned with" in t)
    assert any(f"[line {line}]" in x for x in r.timelines["lead"])


def test_an_event_the_test_cannot_use_fails_it_with_its_line():
    text = AGREEMENT + '''
test "a repeated id" {
  as of 2026-11-10T12:00:00-03:00
  at 2026-11-09T16:00:00-03:00 assigned with id = "e1"
  at 2026-11-10T10:30:00-03:00 contact_attempt with id = "e1"
  expect first_touch pending
}
'''
    [r] = testing.run_tests(slacode.loads(text))
    lines = text.splitlines()
    first = next(i for i, t in enumerate(lines, 1) if "assigned with" in t)
    assert not r.passed and r.error == (f"line {first + 1}: id 'e1' was already used by another event, at line {first} (its time differs); "
                                        "this event is ignored")


def test_a_target_or_quota_expectation_needs_its_period():
    text = AGREEMENT + '''
quota touches {
  owner sales
  count contact_attempt
  at least 1 per day
}
test "quota" {
  as of 2026-11-10T12:00:00-03:00
  at 2026-11-10T10:30:00-03:00 contact_attempt
  expect touches met
}
'''
    [r] = testing.run_tests(slacode.loads(text))
    assert "name one with `period \"P\"` (its periods: 2026-11-10)" in r.outcomes[0].actual


def test_an_event_after_the_tests_as_of_is_a_lint_warning_and_fails_the_test():
    late = '''
test "called the next day" {
  as of 2026-11-10T12:00:00-03:00
  at 2026-11-10T09:00:00-03:00 assigned
  at 2026-11-11T09:30:00-03:00 contact_attempt
  expect first_touch breached
}
'''
    from slacode.api import analyse

    line = (AGREEMENT + late).splitlines().index("  at 2026-11-11T09:30:00-03:00 contact_attempt") + 1
    agreement, diags = analyse(AGREEMENT + late)
    # a warning: a slip in a test block never stops `check` from judging the events
    assert [(d.code, d.severity) for d in diags] == [("SLA329", "warning")]
    [r] = testing.run_tests(slacode.loads(AGREEMENT + late))
    assert not r.passed and r.error.startswith(f"line {line}: this event is after the test's `as of`")
    assert r.error.endswith("(SLA329)")
    # without lint's findings (a model built directly) the run itself says why
    [r] = testing.run_tests(agreement)
    assert not r.passed and r.error.startswith(f"line {line}: 1 event is after as_of")


def test_junit_is_well_formed_whatever_a_test_name_holds():
    odd = FAILING.replace('"wrong on purpose"', '"bell\a and <tag> & \\"quote\\""')
    [r] = testing.run_tests(slacode.loads(AGREEMENT + odd))
    suite = ET.fromstring(testing.render_junit([r]))
    case = suite.find("./testsuite/testcase")
    assert case.get("name") == 'bell\\u0007 and <tag> & "quote"'
    assert "expected: met" in case.find("failure").text


def test_an_agreement_on_standard_input_is_tested_too():
    from tests.conftest import ROOT

    text = (ROOT / "specs" / "northwind.sla").read_text(encoding="utf-8")
    proc = run("test", "-", stdin=text)
    assert proc.returncode == 0 and "(11 expectations, <stdin>:" in proc.stdout
    proc = run("test", "-", stdin="test {\n")
    assert proc.returncode == 2 and "<stdin>:1:6: SLA101" in proc.stderr


def test_a_failing_test_shows_what_the_evaluation_warned_about():
    """review 8-d: `set score = "90"` against `score >= 80` made a test fail with no word of
    the number compared with text (SLA602)."""
    from slacode.testing import render_json, render_text, run_test

    agreement = slacode.loads('agreement "a" { version "1"; timezone "UTC"; teams sales }\n'
                              "segment hot = score >= 80\n"
                              "deadline d {\n  owner sales\n  start on assigned\n  stop on call\n"
                              "  within 1h for hot\n  within 4h\n}\n"
                              'test "t" {\n  as of 2026-11-24T18:00:00Z\n  lead "L"\n'
                              '  at 2026-11-24T09:00:00Z assigned set score = "90"\n'
                              "  at 2026-11-24T11:00:00Z call\n  expect d breached\n}\n", "t.sla")
    result = run_test(agreement, agreement.tests[0])
    assert not result.passed and len(result.notes) == 1 and result.notes[0].startswith("SLA602 line 2: `score`")
    assert "    warning: SLA602 line 2" in render_text([result])
    import json

    assert json.loads(render_json([result]))[0]["warnings"] == result.notes


def test_due_of_a_quota_never_matches_as_its_json_has_none():
    """review 9-e: the runner compared the period's end kept on the object, so `due` on a
    quota passed although its verdict's `due_at` is null (§11) and lint says SLA330."""
    from slacode.testing import run_test

    text = ('agreement "a" { version "1"; timezone "UTC"; teams sales }\n'
            "quota calls {\n  owner sales\n  count call\n  at least 1 per month\n}\n"
            'test "t" {\n  as of 2026-12-02T00:00:00Z\n  at 2026-11-24T09:00:00Z call\n'
            '  expect calls period "2026-11" met due 2026-12-01T00:00:00Z\n}\n')
    agreement = slacode.loads(text)
    assert any(d.code == "SLA330" for d in agreement.diagnostics)
    (slip,) = run_test(agreement, agreement.tests[0]).outcomes      # lint's slip fails the expectation …
    assert not slip.passed and slip.actual.startswith("never matches: ") and slip.actual.endswith("(SLA330)")
    quiet = agreement.model_copy(update={"diagnostics": ()})
    (outcome,) = run_test(quiet, quiet.tests[0]).outcomes          # … and so does the comparison
    assert not outcome.passed and outcome.actual.startswith("met due none")


def test_k_runs_only_the_tests_whose_name_matches(tmp_path):
    both = tmp_path / "both.sla"
    both.write_text(AGREEMENT + PASSING + FAILING)
    proc = run("test", str(both), "-k", "TOUCHED")            # case-insensitive: only the passing one
    assert proc.returncode == 0 and "PASS touched in time" in proc.stdout and "wrong on purpose" not in proc.stdout
    assert "1 passed, 0 failed, 1 not selected" in proc.stderr
    proc = run("test", str(both), "-k", "touched", "--match", "purpose")     # any of them
    assert proc.returncode == 1 and "2 passed" not in proc.stderr and "1 passed, 1 failed" in proc.stderr
    proc = run("test", str(both), "-k", "nothing like it")
    assert proc.returncode == 2 and "no test name contains it (of 2 tests)" in proc.stderr
    doc = json.loads(run("test", str(both), "-k", "purpose", "--format", "json").stdout)
    assert [t["name"] for t in doc] == ["wrong on purpose"]


def test_an_expected_due_in_the_hour_a_clock_change_repeats_is_compared_as_an_instant():
    """review 12-b: `expect … due 2026-11-01T01:30:00-04:00` failed though the deadline was
    that instant (Python never finds datetimes of two zones equal in a repeated hour)."""
    from slacode.testing import run_test

    def passes(due: str) -> bool:
        agreement = slacode.loads('agreement "r" { version "1"; timezone "America/New_York"; teams sales }\n'
                                  "deadline ft {\n  owner sales\n  start on assigned\n  stop on call\n  within 1h\n}\n"
                                  'test "t" {\n  as of 2026-11-02T12:00:00Z\n  lead "L"\n'
                                  "  at 2026-11-01T00:30:00-04:00 assigned\n"
                                  f"  expect ft.within breached due {due}\n}}\n")
        return run_test(agreement, agreement.tests[0]).passed

    assert passes("2026-11-01T01:30:00-04:00") and passes("2026-11-01T05:30:00Z")
    assert not passes("2026-11-01T01:30:00-05:00")          # the second 01:30, an hour later


def test_an_expectation_that_never_matches_fails_alone_and_the_others_are_still_judged(tmp_path):
    """review 14-b: one SLA330 slip used to fail the whole test with that message alone,
    hiding what the test's other expectations found."""
    spec = tmp_path / "a.sla"
    spec.write_text('agreement "t" { timezone "UTC"; teams sales }\n'
                    "deadline d { owner sales; start on assigned; stop on call; within 1h }\n"
                    "target t { owner sales; rule d; at least 90% met per month }\n"
                    'test "who" {\n  as of 2026-11-03T12:00:00Z\n  at 2026-11-03T09:00:00Z assigned\n'
                    '  expect d cycle 1 met\n  expect t period "2026-W45" pending\n}\n')
    doc = json.loads(run("test", str(spec), "--format", "json").stdout)
    (test,) = doc
    assert test["error"] is None and not test["passed"]
    got = {e["line"]: (e["passed"], e["actual"]) for e in test["expectations"]}
    assert got[7][0] is False and got[7][1].startswith("breached — Not done")          # judged all the same
    assert got[8] == (False, 'never matches: "2026-W45" is not a month of target `t` (SLA330)')


def test_an_expectation_checks_who_held_a_lead_verdict(tmp_path):
    """`expect RULE assignee "REP" …` on a lead rule checks the verdict's assignee (review
    14-b): the rep held responsible for the cycle."""
    spec = tmp_path / "a.sla"
    spec.write_text('agreement "t" { timezone "UTC"; teams sales }\n'
                    "deadline d { owner sales; start on assigned; stop on call; within 1h }\n"
                    'test "who" {\n  as of 2026-11-03T12:00:00Z\n  at 2026-11-03T09:00:00Z assigned with owner = "ana"\n'
                    '  expect d assignee "ana" breached\n  expect d assignee "bo" breached\n'
                    '  expect d assignee "ana" met\n}\n')
    (test,) = json.loads(run("test", str(spec), "--format", "json").stdout)
    got = [(e["line"], e["passed"], e["expected"], e["actual"].split(" — ")[0]) for e in test["expectations"]]
    assert got == [(6, True, 'breached assignee "ana"', 'breached assignee "ana"'),
                   (7, False, 'breached assignee "bo"', 'breached assignee "ana"'),
                   (8, False, 'met assignee "ana"', 'breached assignee "ana"')]


def test_two_expectations_on_one_line_are_judged_each_on_its_own(tmp_path):
    """review 14-c: with `;`, an expectation that can never match (SLA330) made the other
    one on its line fail with its message."""
    spec = tmp_path / "a.sla"
    spec.write_text('agreement "t" { timezone "UTC"; teams sales }\n'
                    "deadline d { owner sales; start on assigned; stop on call; within 1h }\n"
                    'test "both" {\n  as of 2026-11-03T12:00:00Z\n  at 2026-11-03T09:00:00Z assigned\n'
                    '  expect d period "2026-11" met; expect d breached\n}\n')
    (test,) = json.loads(run("test", str(spec), "--format", "json").stdout)
    got = [(e["column"], e["passed"], e["actual"].split(" — ")[0][:14]) for e in test["expectations"]]
    assert got == [(3, False, "never matches:"), (34, True, "breached")], got


def test_notes_about_events_cite_their_line_in_the_file():
    # a warning of the evaluation about an event (here a misspelt type, SLA605) names the
    # line that wrote the event, however many events the test has before it
    events = "\n".join(f"  at 2026-11-09T12:{i:02d}:00-03:00 noted" for i in range(30)) + "\n"
    block = ('test "typo" {\n  as of 2026-11-10T12:00:00-03:00\n  at 2026-11-09T09:00:00-03:00 assigned\n'
             '  at 2026-11-09T09:30:00-03:00 contact_atempt\n' + events + '  expect first_touch met\n}\n')
    text = AGREEMENT + block
    [r] = testing.run_tests(slacode.loads(text))
    typo_line = text.splitlines().index("  at 2026-11-09T09:30:00-03:00 contact_atempt") + 1
    assert not r.passed and any(n.startswith(f"SLA605 line {typo_line}:") for n in r.notes), r.notes
