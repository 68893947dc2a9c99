"""Differential test: slacode's timed rules against an independent reference model.

``reference_timed.py`` is a minute-grid model written from LANGUAGE.md alone (it imports
nothing from slacode). Here seeded random event histories — times biased toward opening
and closing hours, several UTC offsets, same-instant pairs, reassignments, pauses, score
changes, lead time zones — are evaluated both by ``slacode.load(...).evaluate(...)`` and by
the model, for the two agreements in ``fixtures/reference/``, and every key the model
decides must agree for every (lead, rule, clause, cycle).
"""
from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from functools import cache
from pathlib import Path
from typing import Any

import pytest

import slacode
from tests.reference_timed import evaluate_timed, evaluate_timed2, timed2_calendar, timed_calendars

FIXTURES = Path(__file__).parent / "fixtures" / "reference"
UTC = timezone.utc
SEEDS = range(1, 61)
LEADS_PER_SEED = 80
STATUSES = {"met", "breached", "cancelled", "paused", "at_risk", "pending"}
CLAUSES = {
    "timed": {("dl", "within"), ("dl2", "within"), ("fu", "at_least_within"), ("fu", "at_least_before"),
              ("fu", "at_most_per_day"), ("fu", "gap"), ("fu", "first"), ("fu", "only_during")},
    "timed2": {("w", "within"), ("n", "within"), ("q", "at_least_within"), ("q", "at_most_per_day"),
               ("q", "only_between"), ("q", "only_during")},
}

Events = list[dict[str, Any]]


# -- random histories -------------------------------------------------------------------------

@dataclass(frozen=True)
class Scenario:
    """An agreement, its reference, and what its random events draw from."""

    name: str
    spec: str
    reference: Callable[[Events, datetime], Events]
    states: tuple[str, ...]
    update: Callable[[random.Random], dict[str, Any]]


def timed_update(rnd: random.Random) -> dict[str, Any]:
    """An ``update`` event's fields for timed.sla: a score (``None`` clears it)."""
    return {"score": rnd.choice([10, 50, 80, 95, None])}


def timed2_update(rnd: random.Random) -> dict[str, Any]:
    """An ``update`` event's fields for timed2.sla: a score and a lead zone (one unknown)."""
    zone = rnd.choice(["America/New_York", "Asia/Tokyo", "Mars/Base", None, "America/Sao_Paulo"])
    return {"score": rnd.choice([10, 50, 80, 95, None]), "timezone": zone}


SCENARIOS = {
    "timed": Scenario("timed", "timed.sla", evaluate_timed,
                      ("mql", "sal", "on_hold", "on_hold", "nurture", "sql", "disqualified", "sal"), timed_update),
    "timed2": Scenario("timed2", "timed2.sla", evaluate_timed2,
                       ("mql", "sal", "on_hold", "sal", "sql", "sal", "mql"), timed2_update),
}


def random_instant(rnd: random.Random, base: datetime) -> datetime:
    """A whole-minute instant within five days of ``base``, often on an hour that matters."""
    day = base + timedelta(days=rnd.randint(0, 4))
    hour = rnd.choice([rnd.randint(0, 23), 9, 12, 13, 17, 18, 20, 1, 2])
    minute = rnd.choice([0, 0, 0, 30, rnd.randint(0, 59), 59, 1])
    offset = timezone(timedelta(hours=rnd.choice([-3, -3, -5, -4, 0])))
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=offset)


def random_event(rnd: random.Random, scenario: Scenario, lead: str, base: datetime) -> dict[str, Any]:
    """One event of a lead: an assignment, an attempt, a state change or a field update."""
    kind = rnd.choice(["assigned", "assigned", "contact_attempt", "contact_attempt", "contact_attempt",
                       "state", "state", "update"])
    event: dict[str, Any] = {"lead": lead, "at": random_instant(rnd, base).isoformat(), "type": kind}
    if kind == "assigned":
        event["owner"] = rnd.choice(["r1", "r2", "r3"])
        if rnd.random() < 0.4:
            event["reason"] = "re"
    elif kind == "contact_attempt":
        event["channel"] = rnd.choice(["phone", "email"])
    elif kind == "state":
        event["state"] = rnd.choice(scenario.states)
    else:
        event["fields"] = scenario.update(rnd)
    if kind != "update" and rnd.random() < 0.3:
        event["fields"] = {"score": rnd.choice([10, 85, 90, 40])}
    return event


def random_history(scenario: Scenario, seed: int, leads: int) -> tuple[Events, datetime]:
    """Shuffled events of ``leads`` leads (ids ``e1``…) and an ``as_of`` in November 2026."""
    rnd = random.Random(seed)
    events: Events = []
    for number in range(leads):
        base = datetime(2026, 10, 27) + timedelta(days=rnd.randint(0, 26))
        history = [random_event(rnd, scenario, f"L{number}", base) for _ in range(rnd.randint(2, 12))]
        if len(history) > 1 and rnd.random() < 0.5:
            history[1]["at"] = history[0]["at"]
        events.extend(history)
    for position, event in enumerate(events, start=1):
        event["id"] = f"e{position}"
    rnd.shuffle(events)
    as_of = datetime(2026, 11, 1, tzinfo=UTC) + timedelta(minutes=rnd.randint(0, 60 * 24 * 30))
    return events, as_of


# -- comparing --------------------------------------------------------------------------------

def same(key: str, want: Any, got: Any) -> bool:
    """Instants as instants, evidence as a set of strings, numbers within 1e-6, the rest equal."""
    if want is None or got is None:
        return want is None and got is None
    if key.endswith("_at"):
        return datetime.fromisoformat(want) == datetime.fromisoformat(got)
    if key == "evidence":
        return set(map(str, want)) == set(map(str, got))
    if isinstance(want, (int, float)) and isinstance(got, (int, float)):
        return abs(want - got) <= 1e-6
    return want == got


def verdict_key(verdict: dict[str, Any]) -> tuple[Any, ...]:
    """(lead, rule, clause, cycle)."""
    return verdict["lead"], verdict["rule"], verdict["clause"], verdict["cycle"]


def differences(wanted: Events, got: Events) -> list[tuple[Any, ...]]:
    """(lead, rule, clause, cycle, key, reference value, slacode value) for every disagreement."""
    want_by_key = {verdict_key(v): v for v in wanted}
    got_by_key = {verdict_key(v): v for v in got}
    assert len(want_by_key) == len(wanted) and len(got_by_key) == len(got), "a (lead, rule, clause, cycle) twice"
    found = []
    for key in sorted(set(want_by_key) | set(got_by_key), key=str):
        if key not in got_by_key:
            found.append((*key, "verdict", want_by_key[key]["status"], "missing"))
        elif key not in want_by_key:
            found.append((*key, "verdict", "missing", got_by_key[key]["status"]))
        else:
            theirs = got_by_key[key]
            for name, value in want_by_key[key].items():
                if name not in theirs or not same(name, value, theirs[name]):
                    found.append((*key, name, value, theirs.get(name, "<no such key>")))
    return found


@cache
def agreement(name: str) -> slacode.Agreement:
    """The fixture agreement, loaded once."""
    return slacode.load(FIXTURES / SCENARIOS[name].spec)


@dataclass(frozen=True)
class Outcome:
    """One seed's comparison."""

    as_of: datetime
    found: list[tuple[Any, ...]]
    statuses: Counter
    clauses: Counter
    segments: Counter


@cache
def compare(name: str, seed: int) -> Outcome:
    """Evaluate one seed's history with slacode and with the reference (cached for the mix test)."""
    scenario = SCENARIOS[name]
    events, as_of = random_history(scenario, seed, LEADS_PER_SEED)
    got = agreement(name).evaluate([dict(event) for event in events], as_of=as_of).to_dict()["verdicts"]
    wanted = scenario.reference(events, as_of)
    statuses = Counter(v["status"] for v in wanted)
    clauses = Counter((v["rule"], v["clause"], v["status"]) for v in wanted)
    segments = Counter((v["rule"], v["segment"]) for v in wanted)
    return Outcome(as_of, differences(wanted, got), statuses, clauses, segments)


def report(name: str, seed: int, outcome: Outcome) -> str:
    """A readable list of disagreements."""
    lines = [f"{name} seed {seed} (as_of {outcome.as_of.isoformat()}): {len(outcome.found)} differences",
             "  (lead, rule, clause, cycle, key): reference != slacode"]
    for lead, rule, clause, cycle, key, want, got in outcome.found[:40]:
        lines.append(f"  ({lead}, {rule}, {clause}, {cycle}, {key}): {want!r} != {got!r}")
    return "\n".join(lines)


# -- tests ------------------------------------------------------------------------------------

@pytest.fixture(scope="module", autouse=True)
def grids() -> None:
    """Tabulate the reference calendars once for the module."""
    timed_calendars()
    timed2_calendar()


@pytest.mark.parametrize("name", sorted(SCENARIOS))
@pytest.mark.parametrize("seed", SEEDS)
def test_slacode_agrees_with_reference(name: str, seed: int) -> None:
    outcome = compare(name, seed)
    if outcome.found:
        pytest.fail(report(name, seed, outcome), pytrace=False)
    assert sum(outcome.statuses.values()) >= LEADS_PER_SEED // 2, f"too few verdicts: {outcome.statuses}"


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_seeds_exercise_every_status_and_clause(name: str) -> None:
    """Guard against a vacuous pass: together the seeds reach every status, every clause
    met, breached and pending, and both a segment line and the default line."""
    statuses: Counter = Counter()
    clauses: Counter = Counter()
    segments: Counter = Counter()
    for seed in SEEDS:
        outcome = compare(name, seed)
        statuses += outcome.statuses
        clauses += outcome.clauses
        segments += outcome.segments
    assert sum(statuses.values()) >= 100 * len(SEEDS), statuses
    assert set(statuses) == STATUSES, statuses
    by_clause: dict[tuple[str, str], set[str]] = {}
    for rule, clause, status in clauses:
        by_clause.setdefault((rule, clause), set()).add(status)
    assert set(by_clause) == CLAUSES[name]
    thin = {key: seen for key, seen in by_clause.items() if not {"met", "breached", "pending"} <= seen}
    assert not thin, f"clauses never met, breached or pending over all seeds: {thin}"
    if name == "timed":
        assert {("dl", None), ("dl", "hot"), ("fu", None), ("fu", "hot"), ("dl2", "hot")} <= set(segments), segments
