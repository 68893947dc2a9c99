"""Differential test: slacode against independent reference models, on random histories.

The models (tests/reference_wallclock.py, tests/reference_calendar_rules.py) were written
from LANGUAGE.md without looking at slacode's code and import nothing from it. Each seed
draws a random set of events for the agreements in tests/fixtures/reference/ — ties at one
instant written with different offsets, lines in no particular order, duplicate ids,
events without ids, events after ``as_of``, unknown states, cleared fields, pauses and
restarts — and every key the model computes must match what slacode gives through its
public API: ``evaluate`` on dicts, and ``read_events`` on JSON Lines files split at random
(line-number evidence, duplicate ids across files).
"""
from __future__ import annotations

import json
import random
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

import slacode
from tests.reference_calendar_rules import CALENDAR
from tests.reference_wallclock import (
    WALLCLOCK,
    evaluate,
    events_from_dicts,
    events_from_files,
)

FIXTURES = Path(__file__).parent / "fixtures" / "reference"
INSTANT_KEYS = frozenset({"started_at", "due_at", "completed_at", "warn_at"})
NUMBER_KEYS = frozenset({"target_seconds", "elapsed_seconds", "value", "threshold"})


@dataclass(frozen=True)
class Shape:
    """How a fixture's random histories look: a grid of ``steps`` instants ``step`` apart."""

    base: datetime
    step: timedelta
    steps: int
    as_of_min: int
    jitter: bool


# 16:00 in New York the day before it falls back: the span crosses the DST change, and the
# days and ISO weeks of the aggregates.
WALL_SHAPE = Shape(datetime(2026, 10, 31, 20, 0, tzinfo=UTC), timedelta(minutes=10), 300, 50, jitter=False)
# Thursday 29 October to mid-November: the DST change (a Sunday), the closed Wednesday
# 4 November, the special Sunday opening on 8 November and Veterans Day (11 November).
CALENDAR_SHAPE = Shape(datetime(2026, 10, 29, 12, 0, tzinfo=UTC), timedelta(minutes=30), 768, 48, jitter=True)

CASES = {
    "wallclock": (FIXTURES / "wallclock.sla", WALLCLOCK, WALL_SHAPE),
    "calendar": (FIXTURES / "wallclock_calendar.sla", CALENDAR, CALENDAR_SHAPE),
}
TYPES = ["assigned", "assigned", "contact_attempt", "contact_attempt", "contact_attempt",
         "state", "state", "state", "lost", "update"]
STATE_CHOICES = ["a", "b", "c", "d", "a", "b", "c", "zz"]
SCORES = [10, 60, 90, None, 50, 49.5, "70", True]   # 50 is hot; text and booleans never are
OFFSETS = [UTC, timezone(timedelta(hours=-3)), timezone(timedelta(hours=-5))]

# Two agreements x (1,000 + 250) seeds: about 8 s on a two-core machine, within the 20 s budget.
LIBRARY_SEEDS = range(1000)
FILE_SEEDS = range(5000, 5250)


def random_history(rng: random.Random, shape: Shape) -> tuple[list[dict[str, Any]], datetime]:
    """Between 5 and 40 events of up to five leads, in random order, and an ``as_of``."""
    leads = ["A", "B", "C", "D", "E"][: rng.randint(1, 5)]
    grid = [shape.base + shape.step * rng.randint(0, shape.steps) for _ in range(12)]
    events: list[dict[str, Any]] = []
    ids: list[str] = []
    for index in range(rng.randint(5, 40)):
        if rng.random() < 0.3:
            at = rng.choice(grid)      # ties with other events, often written in another offset
        else:
            at = shape.base + shape.step * rng.randint(0, shape.steps)
        if shape.jitter and rng.random() < 0.2:
            at += timedelta(minutes=rng.randint(0, 29))
        kind = rng.choice(TYPES)
        event: dict[str, Any] = {"lead": rng.choice(leads), "at": at.astimezone(rng.choice(OFFSETS)).isoformat(),
                                 "type": kind}
        if kind == "state":
            event["state"] = rng.choice(STATE_CHOICES)
        elif kind == "assigned":
            event["owner"] = rng.choice(["r1", "r2", "r3"])
        elif kind == "contact_attempt":
            event["channel"] = rng.choice(["phone", "email"])
        if rng.random() < 0.3:
            event["fields"] = {"score": rng.choice(SCORES)}
        draw = rng.random()
        if draw < 0.08 and ids:
            event["id"] = rng.choice(ids)
        elif draw < 0.85:
            event["id"] = f"e{index}"
            ids.append(event["id"])
        events.append(event)
    as_of = shape.base + shape.step * rng.randint(shape.as_of_min, shape.steps + 30)
    as_of += timedelta(minutes=rng.choice([0, 0, 7]))
    return events, as_of


def _same(key: str, want: Any, got: Any) -> bool:
    """Instants as instants, evidence as a set of strings, numbers within 1e-6."""
    if want is None or got is None:
        return want is None and got is None
    if key in INSTANT_KEYS:
        return want == datetime.fromisoformat(got)
    if key == "evidence":
        return {str(ref) for ref in want} == {str(ref) for ref in got}
    if key in NUMBER_KEYS:
        return abs(want - got) < 1e-6
    return want == got


def _show(value: Any) -> str:
    """A reference value as slacode writes it: instants in RFC 3339."""
    return repr(value.isoformat() if isinstance(value, datetime) else value)


def _identity(verdict: dict[str, Any]) -> tuple:
    return (verdict["lead"], verdict["rule"], verdict["clause"], verdict["cycle"], verdict["period"])


def differences(want: list[dict[str, Any]], got: list[dict[str, Any]]) -> list[str]:
    """Every disagreement between the reference's verdicts and slacode's, one line each."""
    wanted, given = [_identity(v) for v in want], [_identity(v) for v in got]
    if wanted != given:
        lines = [f"only the reference has {key}" for key in wanted if key not in given]
        lines += [f"only slacode has {key}" for key in given if key not in wanted]
        return lines or [f"same verdicts in another order:\n  reference {wanted}\n  slacode   {given}"]
    lines = []
    for reference, actual in zip(want, got):
        for key, value in reference.items():
            if not _same(key, value, actual[key]):
                lines.append(f"{_identity(reference)} {key}: reference {_show(value)}, slacode {actual[key]!r}")
    return lines


def _report(case: str, seed: int, as_of: datetime, events: list[dict[str, Any]], problems: list[str]) -> str:
    """The assertion message: what differs, then the input that shows it."""
    history = "\n".join(json.dumps(event) for event in events)
    return (f"{case} seed {seed}, as_of {as_of.isoformat()}: slacode and the reference disagree on "
            f"{len(problems)} key(s):\n  " + "\n  ".join(problems) + f"\nevents:\n{history}")


@pytest.fixture(scope="module")
def agreements() -> dict[str, slacode.Agreement]:
    return {case: slacode.load(path) for case, (path, _, _) in CASES.items()}


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("seed", LIBRARY_SEEDS)
def test_library_agrees_with_reference(agreements, case: str, seed: int) -> None:
    _, spec, shape = CASES[case]
    events, as_of = random_history(random.Random(seed), shape)
    got = agreements[case].evaluate(events, as_of=as_of).to_dict()["verdicts"]
    want = evaluate(spec, events_from_dicts(events), as_of)
    problems = differences(want, got)
    assert not problems, _report(case, seed, as_of, events, problems)


def _split_into_files(rng: random.Random, events: list[dict[str, Any]], folder: Path) -> list[tuple[str, list]]:
    """The events dealt at random into one to three JSON Lines files, each keeping list order."""
    count = rng.randint(1, 3)
    files: list[tuple[str, list]] = [(str(folder / f"part{n}.jsonl"), []) for n in range(count)]
    for event in events:
        rng.choice(files)[1].append(event)
    for path, lines in files:
        Path(path).write_text("".join(json.dumps(event) + "\n" for event in lines), encoding="utf-8")
    return files


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("seed", FILE_SEEDS)
def test_files_agree_with_reference(agreements, case: str, seed: int, tmp_path: Path) -> None:
    _, spec, shape = CASES[case]
    rng = random.Random(seed)
    events, as_of = random_history(rng, shape)
    files = _split_into_files(rng, events, tmp_path)
    records = slacode.read_events([path for path, _ in files]).records
    got = agreements[case].evaluate(records, as_of=as_of).to_dict()["verdicts"]
    want = evaluate(spec, events_from_files(files), as_of)
    problems = differences(want, got)
    merged = [event for _, lines in files for event in lines]
    assert not problems, _report(case, seed, as_of, merged, problems)


def _reference_runs(case: str) -> list[tuple[list[dict[str, Any]], datetime, list[dict[str, Any]]]]:
    _, spec, shape = CASES[case]
    runs = []
    for seed in LIBRARY_SEEDS:
        events, as_of = random_history(random.Random(seed), shape)
        runs.append((events, as_of, evaluate(spec, events_from_dicts(events), as_of)))
    return runs


@pytest.mark.parametrize("case", list(CASES))
def test_seeds_are_not_vacuous(case: str) -> None:
    """The seeds give many verdicts, every status of every kind of clause, and the input
    traps they are meant to exercise, so agreement above means something."""
    runs = _reference_runs(case)
    statuses: dict[tuple[str, str], Counter] = {}
    for _, _, verdicts in runs:
        for verdict in verdicts:
            statuses.setdefault((verdict["rule"], verdict["clause"]), Counter())[verdict["status"]] += 1
    assert sum(len(verdicts) for _, _, verdicts in runs) >= 8 * len(runs)
    expected = {
        ("flow", "transition"): {"met", "breached", "pending"},
        ("d1", "within"): {"met", "breached", "cancelled", "paused", "at_risk", "pending"},
        ("f", "at_least_within"): {"met", "breached", "cancelled", "pending"},
        ("f", "gap"): {"met", "breached", "pending"},
        ("f", "at_most_per_day"): {"met", "breached", "pending"},
    }
    if case == "wallclock":
        expected.update({("f", "first"): {"met", "breached", "pending"},
                         ("f", "at_least_before"): {"met", "breached", "pending"},
                         ("t", "ratio"): {"met", "breached", "pending"},
                         ("t2", "ratio"): {"met", "breached", "pending"},
                         ("q", "count"): {"met", "breached", "pending"},
                         ("q2", "count"): {"met", "breached", "pending"}})
    else:
        expected.update({("f", "only_during"): {"met", "breached", "pending"},
                         ("t", "ratio"): {"met", "breached", "pending"}})
    for key, wanted in expected.items():
        seen = set(statuses.get(key, ()))
        assert wanted <= seen, f"{case}: {key} never {sorted(wanted - seen)} over {len(runs)} seeds"
    _assert_input_traps(case, runs)


def _assert_input_traps(case: str, runs: list) -> None:
    """Duplicate ids, events without ids, events after as_of, unknown states, cleared
    fields and same-instant ties written with different offsets all occur."""
    traps: Counter = Counter()
    for events, as_of, _ in runs:
        ids = [e["id"] for e in events if "id" in e]
        traps["duplicate id"] += len(ids) != len(set(ids))
        traps["no id"] += any("id" not in e for e in events)
        traps["after as_of"] += any(datetime.fromisoformat(e["at"]) > as_of for e in events)
        traps["unknown state"] += any(e.get("state") == "zz" for e in events)
        traps["cleared field"] += any(e.get("fields", {}).get("score", 0) is None for e in events)
        texts_at: dict[datetime, set[str]] = {}
        for e in events:
            texts_at.setdefault(datetime.fromisoformat(e["at"]), set()).add(e["at"])
        traps["tie across offsets"] += any(len(texts) > 1 for texts in texts_at.values())
    for trap in ("duplicate id", "no id", "after as_of", "unknown state", "cleared field", "tie across offsets"):
        assert traps[trap] >= 10, f"{case}: only {traps[trap]} seeds have a {trap}"
