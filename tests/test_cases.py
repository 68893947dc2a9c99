"""The hand-worked cases in tests/cases, compared as the shared conformance runner compares
(every listed key; instants as instants, evidence as a set, null as absent or null)."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

from tests.conftest import SHARED, needs_shared, run_slacode

CASES = sorted(p for p in (Path(__file__).parent / "cases").iterdir() if (p / "expected.json").exists())

#: Every how many cases one is run through a fresh ``python -m slacode`` rather than in this
#: process (all of them with SLACODE_TEST_SUBPROCESS=1): the in-process run is the same
#: ``slacode.cli.main``, and these few keep the start-from-nothing path in the comparison.
FRESH_EVERY = 50


class _InProcess:
    """Stands in for the ``subprocess`` module of the shared runner: its ``run`` gives the
    ``slacode ...`` command (the runner's ``[sys.executable, "-m", "slacode", ...]``) to
    :func:`tests.conftest.run_slacode`, in this process."""

    def __init__(self, fresh: bool):
        self.fresh = fresh

    def run(self, argv, **_kwargs):
        assert list(argv[:3]) == [sys.executable, "-m", "slacode"], argv
        return run_slacode(argv[3:], subprocess_=self.fresh)


def _runner(fresh: bool = True):
    spec = importlib.util.spec_from_file_location("conformance_run", SHARED / "conformance" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.subprocess = _InProcess(fresh)
    return module


def _fresh(case) -> bool:
    return CASES.index(case) % FRESH_EVERY == 0


def _grouped(case) -> bool:
    """Whether the case pins goal verdicts per group or rep (``group``/``assignee`` on a
    verdict without a lead): several verdicts of one goal and period that the shared runner,
    which tells verdicts apart by clause, cycle and period only, cannot pair."""
    import json

    expected = json.loads((case / "expected.json").read_text())
    return any(v.get("lead") is None and ("group" in v or "assignee" in v) for v in expected.get("verdicts", []))


@needs_shared
@pytest.mark.parametrize("case", CASES, ids=[p.name for p in CASES])
def test_hand_worked_case(case):
    if _grouped(case):
        problems = _run_grouped(case)
    else:
        problems = _runner(_fresh(case)).run_case(case, [sys.executable, "-m", "slacode"])
    assert not problems, "\n".join(problems)


def _run_grouped(case) -> list[str]:
    """The shared runner's comparison (its ``same`` for each key) with a goal's verdicts told
    apart by ``group`` and ``assignee`` too."""
    import json


    runner = _runner()
    expected = json.loads((case / "expected.json").read_text())
    events = next(p for p in sorted(case.iterdir()) if p.stem == "events")
    done = run_slacode(["check", case / "agreement.sla", events, "--as-of", expected["as_of"], "--format", "json"],
                       subprocess_=_fresh(case))
    got = json.loads(done.stdout)["verdicts"]
    problems = []
    keys = ("lead", "rule", "clause", "cycle", "period", "group", "assignee")
    for want in expected["verdicts"]:
        found = [g for g in got if all(runner.same(k, want[k], g.get(k)) for k in keys if k in want)]
        if len(found) != 1:
            problems.append(f"{ {k: want[k] for k in keys if k in want} }: {len(found)} verdicts match")
            continue
        problems += [f"{want.get('rule')}: {k} expected {v!r}, got {found[0].get(k)!r}"
                     for k, v in want.items() if not runner.same(k, v, found[0].get(k))]
    for d in expected.get("diagnostics", []):
        if not any(all(runner.same(k, v, g.get(k)) for k, v in d.items())
                   for g in json.loads(done.stdout).get("diagnostics", [])):
            problems.append(f"diagnostic {d} not reported")
    return problems


def test_there_are_cases():
    assert len(CASES) >= 70


@pytest.mark.parametrize("case", CASES, ids=[p.name for p in CASES])
def test_every_case_pins_something(case):
    """The runner checks only the verdicts and diagnostics a case lists: a case listing none
    would pass whatever slacode printed."""
    import json

    expected = json.loads((case / "expected.json").read_text())
    assert expected.get("verdicts") or expected.get("diagnostics")


ABSENT = [p for p in CASES if (p / "absent.json").exists()]


@needs_shared
@pytest.mark.parametrize("case", ABSENT, ids=[p.name for p in ABSENT])
def test_leads_without_a_verdict_have_none(case):
    """``absent.json`` lists (lead, rule) pairs that must get no verdict at all (a lead whose
    rule never started, an event that could not be used): the runner checks only what a case
    lists, so a verdict that should not exist would pass it."""
    import json


    expected = json.loads((case / "expected.json").read_text())
    events = next(p for p in sorted(case.iterdir()) if p.stem == "events")
    done = run_slacode(["check", case / "agreement.sla", events, "--as-of", expected["as_of"], "--format", "json"],
                       subprocess_=_fresh(case))
    got = {(v["lead"], v["rule"]) for v in json.loads(done.stdout)["verdicts"]}
    absent = {tuple(pair) for pair in json.loads((case / "absent.json").read_text())["absent"]}
    assert not absent & got, sorted(absent & got)
