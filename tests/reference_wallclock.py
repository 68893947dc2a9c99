"""An independent reference model of slacode's rules, for the differential test.

It was written from LANGUAGE.md alone (§4 events, §5 time, §6 timed rules, §7 attempts,
§8 aggregates, §11 the flow rule and the verdict keys, §13 the settled details) and
deliberately shares no code with slacode: it imports nothing from the package, reads no
``.sla`` text and uses the standard library only. When it and slacode agree on random
histories, two readings of the language made independently agree; when they differ, one
of them misread it.

It knows one family of agreements, ``tests/fixtures/reference/wallclock*.sla``, whose
lifecycle and triggers it hard-codes:

* states ``a b c d`` (``d`` final) and the flow ``a -> b, c``, ``b -> c, d``, ``c -> a, d``;
* the segment ``hot`` = ``score >= 50``;
* deadline ``d1``: start on ``assigned``, stop on ``contact_attempt``, cancel on
  ``enter d``, restart on ``assigned``, pause while ``state == c``, a default target and
  one ``for hot``;
* attempts ``f``: start on ``assigned``, stop on ``enter d``, cancel on ``lost``, count
  ``contact_attempt``.

What differs between the fixtures (the targets and their clocks, the warn share, which
attempts clauses there are, the targets and quotas) is data, a :class:`Spec`.
:data:`WALLCLOCK` describes ``wallclock.sla`` (time without a calendar: §5, ``1d`` is 24
hours); ``tests/reference_calendar_rules.py`` describes ``wallclock_calendar.sla`` with a
working-time :class:`Clock` of its own.

The model is written to be read, not to be fast: each clock is measured from its open
intervals with plain loops. :func:`evaluate` returns a list of dicts holding the keys of
§11 that the model computes, in output order (§13), instants as aware ``datetime`` objects
and evidence as lists of event references.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

STATES = frozenset({"a", "b", "c", "d"})
FINAL_STATES = frozenset({"d"})
FLOW = frozenset({("a", "b"), ("a", "c"), ("b", "c"), ("b", "d"), ("c", "a"), ("c", "d")})
PAUSE_STATE = "c"
RESERVED_KEYS = frozenset({"lead", "at", "type", "id", "state", "fields"})
UNDECIDED = frozenset({"pending", "at_risk", "paused"})

Interval = tuple[datetime, datetime]


# -- events (§4, §13) ------------------------------------------------------------------------

@dataclass(frozen=True)
class Event:
    """One usable input event and the reference by which verdicts cite it."""

    lead: str
    at: datetime
    type: str
    state: str | None
    fields: dict[str, Any]
    props: dict[str, Any]
    ref: str
    order: int


def parse_instant(text: str) -> datetime:
    """An RFC 3339 timestamp with an offset (or ``Z``) as an aware ``datetime``."""
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"timestamp without an offset: {text!r}")
    return moment


def _to_event(raw: dict[str, Any], ref: str, order: int) -> Event:
    """The event of one JSON object: ``state`` is the entered state only on a ``state`` event."""
    is_state = raw["type"] == "state"
    reserved = RESERVED_KEYS if is_state else RESERVED_KEYS - {"state"}
    return Event(
        lead=raw["lead"],
        at=parse_instant(raw["at"]),
        type=raw["type"],
        state=raw["state"] if is_state else None,
        fields=dict(raw.get("fields") or {}),
        props={key: value for key, value in raw.items() if key not in reserved},
        ref=ref,
        order=order,
    )


def _first_of_each_id(numbered: Iterable[tuple[dict[str, Any], str]]) -> list[Event]:
    """Events in input order, without those whose id an earlier event already used."""
    seen: set[str] = set()
    events = []
    for order, (raw, place) in enumerate(numbered):
        event_id = raw.get("id")
        if event_id is not None:
            if event_id in seen:
                continue
            seen.add(event_id)
        events.append(_to_event(raw, event_id if event_id is not None else place, order))
    return events


def events_from_dicts(raws: Sequence[dict[str, Any]]) -> list[Event]:
    """Events handed to the library: cited by id, else by 1-based position in the list."""
    return _first_of_each_id((raw, str(position)) for position, raw in enumerate(raws, start=1))


def events_from_files(files: Sequence[tuple[str, Sequence[dict[str, Any]]]]) -> list[Event]:
    """Events of JSON Lines files read in the given order, one object a line.

    An event without an id is cited by its line, as ``"path:line"`` when several files are
    read; duplicate ids are judged across all files and the first wins.
    """
    several = len(files) > 1

    def place(path: str, line: int) -> str:
        return f"{path}:{line}" if several else str(line)

    return _first_of_each_id((raw, place(path, line))
                             for path, raws in files
                             for line, raw in enumerate(raws, start=1))


def is_hot(fields: dict[str, Any]) -> bool:
    """The segment ``hot = score >= 50``: a missing or non-numeric score is not hot (§9)."""
    score = fields.get("score")
    return isinstance(score, (int, float)) and not isinstance(score, bool) and score >= 50


# -- time (§5) -------------------------------------------------------------------------------

def _minus(pieces: list[Interval], hole: Interval) -> list[Interval]:
    """``pieces`` with the closed interval ``hole`` cut out."""
    kept = []
    for low, high in pieces:
        if hole[1] <= low or hole[0] >= high:
            kept.append((low, high))
            continue
        if hole[0] > low:
            kept.append((low, hole[0]))
        if hole[1] < high:
            kept.append((hole[1], high))
    return kept


class Clock:
    """Working time, given as the open intervals between two instants (subclasses say which)."""

    def open_intervals(self, start: datetime, end: datetime) -> list[Interval]:
        """Sorted, disjoint intervals of working time that cover ``[start, end]``."""
        raise NotImplementedError

    def is_open(self, moment: datetime) -> bool:
        """Whether ``moment`` is working time: intervals include their start, not their end."""
        return any(low <= moment < high for low, high in self.open_intervals(moment, moment))

    def counting(self, start: datetime, end: datetime, pauses: Sequence[Interval] = ()) -> list[Interval]:
        """The intervals in ``[start, end]`` during which a clock runs: open, not paused."""
        counted = []
        for low, high in self.open_intervals(start, end):
            low, high = max(low, start), min(high, end)
            if high <= low:
                continue
            pieces = [(low, high)]
            for pause in pauses:
                pieces = _minus(pieces, pause)
            counted.extend(pieces)
        return sorted(counted)

    def working_time(self, start: datetime, end: datetime, pauses: Sequence[Interval] = ()) -> timedelta:
        """Working time minus paused time between ``start`` and ``end``."""
        return sum((high - low for low, high in self.counting(start, end, pauses)), timedelta())

    def deadline(self, start: datetime, target: timedelta, pauses: Sequence[Interval] = ()) -> datetime:
        """The earliest instant ``t >= start`` whose counted time since ``start`` is ``target``.

        A target used up exactly at a closing (or at the start of a pause) is due then.
        """
        horizon = timedelta(days=30) + target + sum((b - a for a, b in pauses), timedelta())
        for _ in range(8):
            left = target
            for low, high in self.counting(start, start + horizon, pauses):
                if high - low >= left:
                    return low + left
                left -= high - low
            horizon *= 2
        raise ValueError(f"no deadline for {target} from {start} within {horizon}")


class WallClock(Clock):
    """Time without a calendar: every instant counts."""

    def open_intervals(self, start: datetime, end: datetime) -> list[Interval]:
        """One interval: all of ``[start, end]``."""
        return [(start, end)]


# -- the agreement as data -------------------------------------------------------------------

@dataclass(frozen=True)
class DeadlineRule:
    """Deadline ``d1``: ``within target``, ``within hot_target for hot``, ``warn at warn``."""

    name: str
    owner: str
    target: timedelta
    hot_target: timedelta
    warn: float
    clock: Clock


@dataclass(frozen=True)
class AttemptsRule:
    """Attempts ``f``: the clauses named in ``clauses``, in the file's order, and their numbers."""

    name: str
    owner: str
    clauses: tuple[str, ...]
    at_least: int
    within: timedelta
    clock: Clock
    per_day: int
    day_zone: ZoneInfo
    gap: timedelta
    first_channel: str | None = None
    before_state: str | None = None
    before_count: int = 0
    during: Clock | None = None


@dataclass(frozen=True)
class Target:
    """``target``: ``rule RULE clause CLAUSE [for hot]``, ``at least share met per period``."""

    name: str
    owner: str
    rule: str
    clause: str
    period: str
    share: float
    hot_only: bool = False


@dataclass(frozen=True)
class Quota:
    """``quota``: events for which ``counts(event, entered_state)`` holds, per period."""

    name: str
    owner: str
    period: str
    counts: Callable[[Event, str | None], bool]
    at_least: int | None = None
    at_most: int | None = None


@dataclass(frozen=True)
class Spec:
    """One agreement of the family: its zone, its two rules, its targets and quotas."""

    zone: ZoneInfo
    deadline: DeadlineRule
    attempts: AttemptsRule
    targets: tuple[Target, ...]
    quotas: tuple[Quota, ...]


NEW_YORK = ZoneInfo("America/New_York")
HOUR = timedelta(hours=1)

WALLCLOCK = Spec(
    zone=NEW_YORK,
    deadline=DeadlineRule("d1", "sales", target=3 * HOUR, hot_target=1 * HOUR, warn=0.5, clock=WallClock()),
    attempts=AttemptsRule(
        "f", "sales",
        clauses=("at_least_within", "at_most_per_day", "gap", "first", "at_least_before"),
        at_least=2, within=5 * HOUR, clock=WallClock(), per_day=2, day_zone=NEW_YORK,
        gap=timedelta(minutes=30), first_channel="phone", before_state="c", before_count=1,
    ),
    targets=(
        Target("t", "sales", rule="d1", clause="within", period="day", share=0.5),
        Target("t2", "sales", rule="d1", clause="within", period="week", share=0.5, hot_only=True),
    ),
    quotas=(
        Quota("q", "marketing", period="day", at_least=2,
              counts=lambda event, entered: entered == "b"),
        Quota("q2", "sales", period="week", at_most=3,
              counts=lambda event, entered: event.type == "contact_attempt"
              and event.props.get("channel") == "phone"),
    ),
)


# -- one lead's history (§6, §7, §13 "one event at a time") ---------------------------------------

@dataclass
class Cycle:
    """One cycle of a rule: how it opened, how (and whether) it closed, what happened inside."""

    number: int
    start: Event
    hot: bool
    closed_by: Event | None = None
    close_kind: str | None = None
    assignee_at_close: str | None = None
    pauses: list[list[datetime | None]] = field(default_factory=list)
    attempts: list[Event] = field(default_factory=list)
    before: tuple[Event, int] | None = None

    @property
    def is_open(self) -> bool:
        """Whether no stop, cancel or restart closed it."""
        return self.closed_by is None

    @property
    def closed_at(self) -> datetime | None:
        """When it closed, if it did."""
        return None if self.closed_by is None else self.closed_by.at

    @property
    def paused(self) -> bool:
        """Whether a pause is running."""
        return bool(self.pauses) and self.pauses[-1][1] is None

    def close(self, event: Event, kind: str, assignee: str | None) -> None:
        """Close it by ``kind`` (``stop``, ``cancel`` or ``restart``); a running pause ends."""
        self.closed_by, self.close_kind, self.assignee_at_close = event, kind, assignee
        if self.paused:
            self.pauses[-1][1] = event.at

    def set_paused(self, paused: bool, at: datetime) -> None:
        """Begin or end a pause at ``at`` when the pause predicate changed."""
        if paused and not self.paused:
            self.pauses.append([at, None])
        elif not paused and self.paused:
            self.pauses[-1][1] = at

    def pauses_until(self, end: datetime) -> list[Interval]:
        """The pauses as closed intervals, a running one ending at ``end``."""
        return [(begin, finish if finish is not None else end) for begin, finish in self.pauses]


@dataclass
class LeadHistory:
    """What one lead's events did, folded in processing order."""

    lead: str
    fields: dict[str, Any] = field(default_factory=dict)
    state: str | None = None
    assignee: str | None = None
    has_state_events: bool = False
    flow_evidence: list[str] = field(default_factory=list)
    deadline_cycles: list[Cycle] = field(default_factory=list)
    attempt_cycles: list[Cycle] = field(default_factory=list)
    entered: list[tuple[Event, str | None]] = field(default_factory=list)

    def open_cycle(self, cycles: list[Cycle]) -> Cycle | None:
        """The open cycle of a rule, if any."""
        return cycles[-1] if cycles and cycles[-1].is_open else None

    def apply_fields(self, event: Event) -> None:
        """Field updates; ``null`` clears a field."""
        for name, value in event.fields.items():
            if value is None:
                self.fields.pop(name, None)
            else:
                self.fields[name] = value

    def apply_state(self, event: Event) -> str | None:
        """The state the event enters, if it enters one; flow evidence for bad moves (§11)."""
        if event.type != "state":
            return None
        self.has_state_events = True
        new = event.state
        if new not in STATES:
            self.flow_evidence.append(event.ref)
            return None
        if new == self.state:
            return None
        if self.state is not None and (self.state, new) not in FLOW:
            self.flow_evidence.append(event.ref)
        self.state = new
        return new

    def step_deadline(self, event: Event, entered: str | None) -> None:
        """``d1``: stop, then cancel, then restart, then start; then the pause predicate."""
        cycles = self.deadline_cycles
        current = self.open_cycle(cycles)
        kind = None
        if current is not None:
            if event.type == "contact_attempt":
                kind = "stop"
            elif entered == "d":
                kind = "cancel"
            elif event.type == "assigned":
                kind = "restart"
            if kind is not None:
                current.close(event, kind, self.assignee)
        if event.type == "assigned" and (current is None or kind == "restart"):
            cycles.append(Cycle(len(cycles) + 1, event, is_hot(self.fields)))
        current = self.open_cycle(cycles)
        if current is not None:
            current.set_paused(self.state == PAUSE_STATE, event.at)

    def step_attempts(self, event: Event, entered: str | None, rule: AttemptsRule) -> None:
        """``f``: attempts and the ``before`` trigger of the open cycle, its close, a new start."""
        cycles = self.attempt_cycles
        current = self.open_cycle(cycles)
        if current is not None:
            if current.before is None and rule.before_state is not None and entered == rule.before_state:
                current.before = (event, len(current.attempts))
            if event.type == "contact_attempt":
                current.attempts.append(event)
            if entered == "d":
                current.close(event, "stop", self.assignee)
            elif event.type == "lost":
                current.close(event, "cancel", self.assignee)
        if self.open_cycle(cycles) is None and event.type == "assigned":
            cycles.append(Cycle(len(cycles) + 1, event, is_hot(self.fields)))

    def apply(self, event: Event, spec: Spec) -> None:
        """One event: its fields, its state, the rules' triggers, then the assignee it names."""
        self.apply_fields(event)
        entered = self.apply_state(event)
        self.entered.append((event, entered))
        self.step_deadline(event, entered)
        self.step_attempts(event, entered, spec.attempts)
        if event.type == "assigned":
            self.assignee = event.props.get("owner")


def fold_lead(lead: str, events: Iterable[Event], spec: Spec) -> LeadHistory:
    """The history of one lead from its events, already in processing order."""
    history = LeadHistory(lead)
    for event in events:
        history.apply(event, spec)
    return history


# -- verdicts of one lead --------------------------------------------------------------------

def _verdict(lead: str | None, rule: str, clause: str, **keys: Any) -> dict[str, Any]:
    """A verdict dict: its identity keys, then whatever the caller computed."""
    return {"lead": lead, "rule": rule, "clause": clause, **keys}


def flow_verdict(history: LeadHistory) -> dict[str, Any] | None:
    """The built-in ``flow`` rule's verdict, for a lead with state events."""
    if not history.has_state_events:
        return None
    if history.flow_evidence:
        status = "breached"
    elif history.state in FINAL_STATES:
        status = "met"
    else:
        status = "pending"
    return _verdict(history.lead, "flow", "transition", cycle=None, period=None, status=status,
                    evidence=list(history.flow_evidence))


def _timed_status(cycle: Cycle, due: datetime, as_of: datetime, elapsed: timedelta,
                  warn_after: timedelta) -> str:
    """The §6 status list, first that applies."""
    if cycle.is_open:
        if due < as_of:
            return "breached"
        if cycle.paused:
            return "paused"
        return "at_risk" if elapsed >= warn_after else "pending"
    if cycle.closed_at > due:
        return "breached"
    return "met" if cycle.close_kind == "stop" else "cancelled"


def within_verdict(history: LeadHistory, cycle: Cycle, rule: DeadlineRule, as_of: datetime) -> dict[str, Any]:
    """The ``within`` verdict of one ``d1`` cycle."""
    target = rule.hot_target if cycle.hot else rule.target
    end = cycle.closed_at or as_of
    pauses = cycle.pauses_until(end)
    due = rule.clock.deadline(cycle.start.at, target, pauses)
    elapsed = rule.clock.working_time(cycle.start.at, end, pauses)
    warn_after = target * rule.warn
    evidence = [cycle.start.ref] + ([] if cycle.is_open else [cycle.closed_by.ref])
    return _verdict(
        history.lead, rule.name, "within", cycle=cycle.number, period=None,
        status=_timed_status(cycle, due, as_of, elapsed, warn_after),
        owner=rule.owner,
        assignee=history.assignee if cycle.is_open else cycle.assignee_at_close,
        segment="hot" if cycle.hot else None,
        started_at=cycle.start.at,
        due_at=due,
        completed_at=cycle.closed_at if cycle.close_kind == "stop" else None,
        warn_at=rule.clock.deadline(cycle.start.at, warn_after, pauses) if cycle.is_open else None,
        target_seconds=target.total_seconds(),
        elapsed_seconds=elapsed.total_seconds(),
        value=None, threshold=None,
        evidence=evidence,
    )


def _never(violations: list[str], cycle: Cycle) -> dict[str, Any]:
    """A "never" clause: breached by its violators, else met once closed, pending while open."""
    if violations:
        return {"status": "breached", "evidence": violations}
    return {"status": "pending" if cycle.is_open else "met", "evidence": []}


def _at_least_within(cycle: Cycle, rule: AttemptsRule, as_of: datetime) -> dict[str, Any]:
    """``at least N within D``: decided by the Nth attempt, a close, or the deadline passing."""
    start = cycle.start.at
    due = rule.clock.deadline(start, rule.within)
    nth = cycle.attempts[rule.at_least - 1].at if len(cycle.attempts) >= rule.at_least else None
    closed_at = cycle.closed_at
    if nth is not None and nth <= due:
        status, completed = "met", nth
    elif closed_at is not None and closed_at <= due:
        status, completed = ("met" if cycle.close_kind == "stop" else "cancelled"), None
    elif due < as_of:
        status, completed = "breached", nth
    else:
        status, completed = "pending", None
    return {
        "status": status, "due_at": due, "completed_at": completed, "warn_at": None,
        "target_seconds": rule.within.total_seconds(),
        "elapsed_seconds": rule.clock.working_time(start, closed_at or as_of).total_seconds(),
        "evidence": [attempt.ref for attempt in cycle.attempts[:rule.at_least]],
    }


def _at_most_per_day(cycle: Cycle, rule: AttemptsRule) -> dict[str, Any]:
    """``at most N per day``: the (N+1)th and later attempts of a local date violate it."""
    per_date: dict[date, int] = {}
    violations = []
    for attempt in cycle.attempts:
        day = attempt.at.astimezone(rule.day_zone).date()
        per_date[day] = per_date.get(day, 0) + 1
        if per_date[day] > rule.per_day:
            violations.append(attempt.ref)
    return _never(violations, cycle)


def _gap(cycle: Cycle, rule: AttemptsRule) -> dict[str, Any]:
    """``gap at least D``: the later attempt of a pair closer than ``D`` (wall clock) violates it."""
    pairs = zip(cycle.attempts, cycle.attempts[1:])
    return _never([later.ref for earlier, later in pairs if later.at - earlier.at < rule.gap], cycle)


def _only_during(cycle: Cycle, rule: AttemptsRule) -> dict[str, Any]:
    """``only during CAL``: every attempt outside working time violates it."""
    return _never([a.ref for a in cycle.attempts if not rule.during.is_open(a.at)], cycle)


def _first(cycle: Cycle, rule: AttemptsRule) -> dict[str, Any]:
    """``first where channel == …``: decided by the first attempt's own properties."""
    if not cycle.attempts:
        return {"status": "pending" if cycle.is_open else "met", "evidence": [], "completed_at": None}
    first = cycle.attempts[0]
    status = "met" if first.props.get("channel") == rule.first_channel else "breached"
    return {"status": status, "evidence": [first.ref], "completed_at": first.at}


def _at_least_before(cycle: Cycle, rule: AttemptsRule) -> dict[str, Any]:
    """``at least N before enter S``: judged at the trigger's first occurrence in the cycle."""
    if cycle.before is None:
        return {"status": "pending" if cycle.is_open else "met", "evidence": [], "completed_at": None}
    trigger, counted = cycle.before
    status = "met" if counted >= rule.before_count else "breached"
    return {"status": status, "evidence": [trigger.ref], "completed_at": trigger.at}


def attempts_verdicts(history: LeadHistory, rule: AttemptsRule, as_of: datetime) -> list[dict[str, Any]]:
    """The verdicts of ``f``: clause by clause in the file's order, then cycle by cycle."""
    verdicts = []
    for clause in rule.clauses:
        for cycle in history.attempt_cycles:
            if clause == "at_least_within":
                keys = _at_least_within(cycle, rule, as_of)
            elif clause == "at_most_per_day":
                keys = _at_most_per_day(cycle, rule)
            elif clause == "gap":
                keys = _gap(cycle, rule)
            elif clause == "only_during":
                keys = _only_during(cycle, rule)
            elif clause == "first":
                keys = _first(cycle, rule)
            elif clause == "at_least_before":
                keys = _at_least_before(cycle, rule)
            else:
                raise ValueError(f"the model has no clause {clause!r}")
            if clause != "at_least_within":
                keys.setdefault("completed_at", None)
                keys.update(due_at=None, warn_at=None, target_seconds=None, elapsed_seconds=None)
            verdicts.append(_verdict(
                history.lead, rule.name, clause, cycle=cycle.number, period=None,
                owner=rule.owner, segment=None, started_at=cycle.start.at,
                assignee=history.assignee if cycle.is_open else cycle.assignee_at_close,
                value=None, threshold=None, **keys))
    return verdicts


def lead_verdicts(history: LeadHistory, spec: Spec, as_of: datetime) -> list[dict[str, Any]]:
    """A lead's verdicts in output order: ``flow`` (declared first), ``d1``, ``f``."""
    verdicts = []
    flow = flow_verdict(history)
    if flow is not None:
        verdicts.append(flow)
    verdicts.extend(within_verdict(history, cycle, spec.deadline, as_of) for cycle in history.deadline_cycles)
    verdicts.extend(attempts_verdicts(history, spec.attempts, as_of))
    return verdicts


# -- aggregates (§8) ------------------------------------------------------------------------------

def period_start(day: date, period: str) -> date:
    """The first date of the period holding ``day``: the date itself, or the ISO week's Monday."""
    if period == "day":
        return day
    if period == "week":
        return day - timedelta(days=day.weekday())
    raise ValueError(f"the model has no period {period!r}")


def next_period(first: date, period: str) -> date:
    """The first date of the following period."""
    return first + timedelta(days=1 if period == "day" else 7)


def period_label(first: date, period: str) -> str:
    """``2026-11-02`` for a day, ``2026-W45`` for an ISO week."""
    if period == "day":
        return first.isoformat()
    year, week, _ = first.isocalendar()
    return f"{year}-W{week:02d}"


def periods(earliest: datetime, as_of: datetime, period: str, zone: ZoneInfo) -> list[tuple[date, str, bool]]:
    """Every period from the one holding ``earliest`` to the one holding ``as_of``:
    (first date, label, whether it has ended by ``as_of``)."""
    first = period_start(earliest.astimezone(zone).date(), period)
    last = period_start(as_of.astimezone(zone).date(), period)
    spans = []
    while first <= last:
        following = next_period(first, period)
        ends = datetime(following.year, following.month, following.day, tzinfo=zone)
        spans.append((first, period_label(first, period), ends <= as_of))
        first = following
    return spans


def target_verdicts(target: Target, judged: list[tuple[datetime, str, bool]], as_of: datetime,
                    zone: ZoneInfo) -> list[dict[str, Any]]:
    """A target's periods from its rule's cycles: (start, status of the clause, hot at start)."""
    if not judged:
        return []
    verdicts = []
    for first, label, ended in periods(min(start for start, _, _ in judged), as_of, target.period, zone):
        statuses = [status for start, status, hot in judged
                    if period_start(start.astimezone(zone).date(), target.period) == first
                    and (hot or not target.hot_only)]
        met, breached = statuses.count("met"), statuses.count("breached")
        value = met / (met + breached) if met + breached else None
        if not ended or any(status in UNDECIDED for status in statuses):
            status = "pending"
        elif value is None or value >= target.share:
            status = "met"
        else:
            status = "breached"
        verdicts.append(_verdict(None, target.name, "ratio", cycle=None, period=label, status=status,
                                 owner=target.owner, segment="hot" if target.hot_only else None,
                                 assignee=None, value=value, threshold=target.share))
    return verdicts


def quota_verdicts(quota: Quota, earliest: datetime | None, hits: list[datetime], as_of: datetime,
                   zone: ZoneInfo) -> list[dict[str, Any]]:
    """A quota's periods, from the one holding the earliest input event."""
    if earliest is None:
        return []
    verdicts = []
    for first, label, ended in periods(earliest, as_of, quota.period, zone):
        count = sum(1 for hit in hits if period_start(hit.astimezone(zone).date(), quota.period) == first)
        if quota.at_least is not None:
            status = "met" if count >= quota.at_least else ("breached" if ended else "pending")
            threshold = quota.at_least
        else:
            status = "breached" if count > quota.at_most else ("met" if ended else "pending")
            threshold = quota.at_most
        verdicts.append(_verdict(None, quota.name, "count", cycle=None, period=label, status=status,
                                 owner=quota.owner, segment=None, assignee=None,
                                 value=count, threshold=threshold))
    return verdicts


# -- the whole evaluation ------------------------------------------------------------------------

def evaluate(spec: Spec, events: Sequence[Event], as_of: datetime) -> list[dict[str, Any]]:
    """All verdicts of ``events`` as of ``as_of``: per lead, then aggregates by rule and period.

    Events after ``as_of`` are not evaluated; the rest go in timestamp order, ties in input
    order (across offsets: instants are compared, not their text).
    """
    usable = sorted((e for e in events if e.at <= as_of), key=lambda e: (e.at, e.order))
    by_lead: dict[str, list[Event]] = {}
    for event in usable:
        by_lead.setdefault(event.lead, []).append(event)
    verdicts: list[dict[str, Any]] = []
    judged: dict[tuple[str, str], list[tuple[datetime, str, bool]]] = {}
    hits: dict[str, list[datetime]] = {quota.name: [] for quota in spec.quotas}
    for lead in sorted(by_lead):
        history = fold_lead(lead, by_lead[lead], spec)
        mine = lead_verdicts(history, spec, as_of)
        verdicts.extend(mine)
        _collect_judged(history, mine, spec, judged)
        for quota in spec.quotas:
            hits[quota.name].extend(e.at for e, entered in history.entered if quota.counts(e, entered))
    for target in spec.targets:
        verdicts.extend(target_verdicts(target, judged.get((target.rule, target.clause), []), as_of, spec.zone))
    earliest = usable[0].at if usable else None
    for quota in spec.quotas:
        verdicts.extend(quota_verdicts(quota, earliest, hits[quota.name], as_of, spec.zone))
    return verdicts


def _collect_judged(history: LeadHistory, verdicts: list[dict[str, Any]], spec: Spec,
                    judged: dict[tuple[str, str], list[tuple[datetime, str, bool]]]) -> None:
    """Add each cycle verdict's (start, status, hot at the start) under its (rule, clause)."""
    hot = {(spec.deadline.name, cycle.number): cycle.hot for cycle in history.deadline_cycles}
    hot.update({(spec.attempts.name, cycle.number): cycle.hot for cycle in history.attempt_cycles})
    for verdict in verdicts:
        if verdict["cycle"] is None:
            continue
        key = (verdict["rule"], verdict["clause"])
        judged.setdefault(key, []).append(
            (verdict["started_at"], verdict["status"], hot[(verdict["rule"], verdict["cycle"])]))
