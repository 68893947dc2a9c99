"""An independent reference model of slacode's timed rules, for differential tests.

It was written from the text of LANGUAGE.md (§4 events, §5 time, §6 timed rules, §7
attempts, §13 settled details) and deliberately shares no code with slacode: it imports
nothing from the package, and it works on a *minute grid* instead of slacode's interval
arithmetic. Every instant is a whole number of minutes since the Unix epoch; a calendar is
a table saying, minute by minute, whether that minute is working time (its local wall
time, converted with ``zoneinfo``, falls inside the hours of its date or in the
after-midnight part of the previous date's overnight interval); working time between two
instants is a difference of running totals of that table, and a deadline is found by
bisection on it. Nothing here knows about DST: the zone conversion of each minute does it.

It is not a general evaluator. It models the two agreements of
``tests/fixtures/reference/``, each rule written out by hand below from its ``.sla`` text:

* ``timed.sla`` (:func:`evaluate_timed`): two calendars (national holidays, a closed date, a
  special opening on a Sunday, split hours, an overnight Sunday interval, New York's DST
  change), ``for`` lines, pause, restart, warn, a rule with no default line, and every §7
  clause but ``only_between``;
* ``timed2.sla`` (:func:`evaluate_timed2`): ``start when``, wall-clock time, ``leave``
  triggers, an overnight calendar with a closed date, ``at most per day`` in the
  agreement's zone and ``only between`` in the lead's own zone.

Both return verdicts as dicts with the keys of LANGUAGE.md §11 that the model decides (a
key it does not decide is left out rather than guessed). Events must carry an ``id``, have
timestamps on whole minutes and lie, with their deadlines, between :data:`GRID_START` and
:data:`GRID_END`.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from functools import cache
from itertools import accumulate, pairwise
from typing import Any, Protocol
from zoneinfo import ZoneInfo

UTC = timezone.utc
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
GRID_START = datetime(2026, 10, 1, tzinfo=UTC)
GRID_END = datetime(2027, 2, 1, tzinfo=UTC)

Pauses = list[tuple[int, int]]
Hours = dict[int, list[tuple[int, int]]]


# -- instants on the minute grid ------------------------------------------------------------

def minute_of(when: str | datetime) -> int:
    """Minutes since the epoch of an RFC 3339 text or an aware datetime (whole minutes only)."""
    moment = when if isinstance(when, datetime) else datetime.fromisoformat(when)
    if moment.tzinfo is None:
        raise ValueError(f"naive instant {when!r}")
    seconds = (moment - EPOCH).total_seconds()
    if seconds % 60:
        raise ValueError(f"{when!r} is not on a whole minute")
    return int(seconds // 60)


def instant(minute: int) -> datetime:
    """The UTC instant of a grid minute."""
    return EPOCH + timedelta(minutes=minute)


def iso(minute: int) -> str:
    """The grid minute as RFC 3339 text (UTC)."""
    return instant(minute).isoformat()


GRID_LO = minute_of(GRID_START)
GRID_HI = minute_of(GRID_END)


def hhmm(text: str) -> int:
    """Minutes after midnight of ``HH:MM``."""
    hours, minutes = text.split(":")
    return int(hours) * 60 + int(minutes)


def span(text: str) -> tuple[int, int]:
    """An interval ``HH:MM-HH:MM`` as minutes after midnight (the end may be the smaller)."""
    start, end = text.split("-")
    return hhmm(start), hhmm(end)


# -- clocks ---------------------------------------------------------------------------------

class Clock(Protocol):
    """What a timed rule needs from its time: working minutes and deadlines."""

    day_minutes: int

    def worked(self, start: int, end: int, pauses: Pauses) -> int:
        """Working minutes in ``[start, end)`` outside the pauses."""

    def deadline(self, start: int, target: int, pauses: Pauses) -> int:
        """The earliest minute ``t >= start`` with ``worked(start, t) >= target``."""


def bisect_deadline(clock: Clock, start: int, target: int, pauses: Pauses, upper: int) -> int:
    """The earliest ``t`` in ``[start, upper]`` with ``clock.worked(start, t, pauses) >= target``.

    Working time is non-decreasing in ``t``, so bisection finds it; ``upper`` must reach it.
    """
    if target == 0:
        return start
    if clock.worked(start, upper, pauses) < target:
        raise ValueError(f"deadline of {target} minutes from {iso(start)} is beyond the grid")
    low, high = start, upper
    while low < high:
        middle = (low + high) // 2
        if clock.worked(start, middle, pauses) >= target:
            high = middle
        else:
            low = middle + 1
    return low


def paused_overlap(start: int, end: int, pauses: Pauses) -> list[tuple[int, int]]:
    """The parts of ``[start, end)`` that fall inside the pauses."""
    parts = []
    for pause_start, pause_end in pauses:
        low, high = max(start, pause_start), min(end, pause_end)
        if low < high:
            parts.append((low, high))
    return parts


class WallClock:
    """Time without a calendar: every minute counts and ``1d`` is 24 hours (§5)."""

    day_minutes = 1440

    def worked(self, start: int, end: int, pauses: Pauses) -> int:
        """Elapsed minutes in ``[start, end)`` outside the pauses."""
        paused = sum(high - low for low, high in paused_overlap(start, end, pauses))
        return end - start - paused

    def deadline(self, start: int, target: int, pauses: Pauses) -> int:
        """Start plus target, pushed later by the pauses in the way."""
        upper = start + target + sum(high - low for low, high in pauses)
        return bisect_deadline(self, start, target, pauses, upper)


class GridCalendar:
    """A calendar (§3, §5, §13) tabulated minute by minute over the grid.

    ``hours`` maps a weekday (Monday 0) to its intervals in minutes after midnight; an
    interval whose end is not after its start runs overnight and belongs to the date it
    starts. ``opened`` gives special hours that replace a date's regular ones.
    """

    def __init__(self, zone: str, hours: Hours, country: str, closed: frozenset[date] = frozenset(),
                 opened: dict[date, list[tuple[int, int]]] | None = None) -> None:
        import holidays

        self.zone = ZoneInfo(zone)
        self.hours = hours
        self.holidays = set(holidays.country_holidays(country, years=range(GRID_START.year, GRID_END.year + 1)))
        self.closed = set(closed)
        self.opened = dict(opened or {})
        self.day_minutes = max(sum(interval_length(s, e) for s, e in day) for day in hours.values())
        open_minutes = (1 if self.is_open(m) else 0 for m in range(GRID_LO, GRID_HI))
        self.running = [0, *accumulate(open_minutes)]

    def intervals_of(self, day: date) -> list[tuple[int, int]]:
        """A date's intervals: its special opening, none if closed or a holiday, else its weekday's."""
        if day in self.opened:
            return self.opened[day]
        if day in self.closed or day in self.holidays:
            return []
        return self.hours.get(day.weekday(), [])

    def is_open(self, minute: int) -> bool:
        """Whether the minute starting at ``minute`` is working time (the definition, slow)."""
        local = instant(minute).astimezone(self.zone)
        day = local.date()
        clock = local.hour * 60 + local.minute
        for start, end in self.intervals_of(day):
            if start < end and start <= clock < end:
                return True
            if end <= start and clock >= start:
                return True
        for start, end in self.intervals_of(day - timedelta(days=1)):
            if end <= start and clock < end:
                return True
        return False

    def open_at(self, minute: int) -> bool:
        """Whether an attempt at ``minute`` falls in working time (from the table)."""
        return self.total(minute + 1) > self.total(minute)

    def total(self, minute: int) -> int:
        """Working minutes from the grid's start to ``minute``."""
        if not GRID_LO <= minute <= GRID_HI:
            raise ValueError(f"{iso(minute)} is outside the grid")
        return self.running[minute - GRID_LO]

    def worked(self, start: int, end: int, pauses: Pauses) -> int:
        """Working minutes in ``[start, end)`` outside the pauses."""
        paused = sum(self.total(high) - self.total(low) for low, high in paused_overlap(start, end, pauses))
        return self.total(end) - self.total(start) - paused

    def deadline(self, start: int, target: int, pauses: Pauses) -> int:
        """The earliest minute by which ``target`` working minutes (net of pauses) have run."""
        return bisect_deadline(self, start, target, pauses, GRID_HI)


def interval_length(start: int, end: int) -> int:
    """Length in minutes of an interval, overnight ones included."""
    return end - start if end > start else end + 1440 - start


# -- rules as data --------------------------------------------------------------------------

@dataclass(frozen=True)
class Step:
    """One event as a rule sees it: its fields already applied, its state change worked out."""

    minute: int
    event: dict[str, Any]
    fields: dict[str, Any]
    state: str | None
    entered: str | None
    left: str | None

    @property
    def type(self) -> str:
        """The event's type."""
        return self.event["type"]

    @property
    def ref(self) -> str:
        """How a verdict cites the event."""
        return str(self.event["id"])


Trigger = Callable[[Step], bool]


def never(step: Step) -> bool:
    """A trigger the rule does not have."""
    return False


def on_type(kind: str, **properties: Any) -> Trigger:
    """``TYPE`` or ``TYPE where p == v and ...`` (equality on the event's own properties)."""
    def matches(step: Step) -> bool:
        return step.type == kind and all(step.event.get(k) == v for k, v in properties.items())
    return matches


def on_enter(state: str) -> Trigger:
    """``enter STATE``."""
    return lambda step: step.entered == state


def on_leave(state: str) -> Trigger:
    """``leave STATE``."""
    return lambda step: step.left == state


def in_state(state: str) -> Callable[[Step], bool]:
    """``state == STATE`` (the lead's current state, as a pause predicate)."""
    return lambda step: step.state == state


def score_at_least(fields: dict[str, Any], bound: float = 80) -> bool:
    """``score >= bound``: false when missing or not a number (booleans are not numbers)."""
    score = fields.get("score")
    return isinstance(score, (int, float)) and not isinstance(score, bool) and score >= bound


@dataclass(frozen=True)
class Line:
    """One ``within`` (or ``at least N within``) line: its segment, clock and target."""

    segment: str | None
    clock: Clock
    target: int
    count: int | None = None


@dataclass(frozen=True)
class AttemptClauses:
    """The §7 clauses of an ``attempts`` rule (``None``: the rule does not have it)."""

    counted: Trigger
    before: tuple[Trigger, int] | None = None
    per_day: tuple[ZoneInfo, int] | None = None
    gap: int | None = None
    first: Callable[[dict[str, Any]], bool] | None = None
    only_during: GridCalendar | None = None
    only_between: tuple[int, int, str] | None = None


@dataclass(frozen=True)
class Rule:
    """A timed rule, clause by clause; ``attempts`` set makes it an ``attempts`` rule."""

    name: str
    lines: tuple[Line, ...]
    start: Trigger = never
    start_when: Callable[[dict[str, Any]], bool] | None = None
    stop: Trigger = never
    cancel: Trigger = never
    restart: Trigger = never
    pause: Callable[[Step], bool] | None = None
    warn: int | None = None
    attempts: AttemptClauses | None = None
    segments: dict[str, Callable[[dict[str, Any]], bool]] = field(default_factory=dict)
    owner: str = "sales"

    def line_for(self, fields: dict[str, Any]) -> Line | None:
        """The line applied at a start: the first ``for`` whose segment holds, else the default."""
        for line in self.lines:
            if line.segment is not None and self.segments[line.segment](fields):
                return line
        return next((line for line in self.lines if line.segment is None), None)


# -- one lead's cycles ----------------------------------------------------------------------

@dataclass
class Attempt:
    """A counted event inside a cycle, with the lead's ``timezone`` field at that moment."""

    minute: int
    ref: str
    event: dict[str, Any]
    lead_zone: Any


@dataclass
class Cycle:
    """One cycle of a rule for one lead, as it stands after the events up to ``as_of``."""

    number: int
    start: int
    start_ref: str
    line: Line
    closed: int | None = None
    how: str | None = None
    close_ref: str | None = None
    assignee: str | None = None
    pauses: Pauses = field(default_factory=list)
    paused_since: int | None = None
    attempts: list[Attempt] = field(default_factory=list)
    before: tuple[int, str, int] | None = None

    def pauses_until(self, end: int) -> Pauses:
        """The closed pauses, and an open one taken to end at ``end``."""
        if self.paused_since is None:
            return list(self.pauses)
        return [*self.pauses, (self.paused_since, end)]


class RuleTracker:
    """Opens, closes and feeds the cycles of one rule for one lead, event by event (§6, §13)."""

    def __init__(self, rule: Rule) -> None:
        self.rule = rule
        self.cycles: list[Cycle] = []
        self.current: Cycle | None = None
        self.was_true = False

    def apply(self, step: Step, assignee: str | None) -> None:
        """Stop, then cancel, then restart, then start; then the pause predicate again."""
        rule = self.rule
        rising = self.rises(step)
        if self.current is not None:
            self.feed(self.current, step)
            if rule.stop(step):
                self.close(step, "stop", assignee)
            elif rule.cancel(step):
                self.close(step, "cancel", assignee)
            elif rule.restart(step):
                self.close(step, "restart", assignee)
                self.open(step)
        if self.current is None and (rule.start(step) or rising):
            self.open(step)
        self.check_pause(step)

    def rises(self, step: Step) -> bool:
        """For ``start when``: whether the predicate went from false to true at this event."""
        if self.rule.start_when is None:
            return False
        now = self.rule.start_when(step.fields)
        rising = now and not self.was_true
        self.was_true = now
        return rising

    def open(self, step: Step) -> None:
        """Open the next cycle, unless no line applies (an untracked start takes no number)."""
        line = self.rule.line_for(step.fields)
        if line is None:
            return
        cycle = Cycle(len(self.cycles) + 1, step.minute, step.ref, line)
        self.cycles.append(cycle)
        self.current = cycle
        self.feed(cycle, step)

    def feed(self, cycle: Cycle, step: Step) -> None:
        """Attempts count from the start event through the closing event, both included."""
        clauses = self.rule.attempts
        if clauses is None:
            return
        if clauses.before is not None and cycle.before is None and clauses.before[0](step):
            cycle.before = (step.minute, step.ref, len(cycle.attempts))
        if clauses.counted(step):
            cycle.attempts.append(Attempt(step.minute, step.ref, step.event, step.fields.get("timezone")))

    def close(self, step: Step, how: str, assignee: str | None) -> None:
        """Close the open cycle (and its pause, if any) at this event."""
        cycle = self.current
        cycle.closed, cycle.how, cycle.close_ref, cycle.assignee = step.minute, how, step.ref, assignee
        if cycle.paused_since is not None:
            cycle.pauses.append((cycle.paused_since, step.minute))
            cycle.paused_since = None
        self.current = None

    def check_pause(self, step: Step) -> None:
        """Start or end the open cycle's pause as the predicate now says."""
        cycle = self.current
        if cycle is None or self.rule.pause is None:
            return
        paused = self.rule.pause(step)
        if paused and cycle.paused_since is None:
            cycle.paused_since = step.minute
        elif not paused and cycle.paused_since is not None:
            cycle.pauses.append((cycle.paused_since, step.minute))
            cycle.paused_since = None


def fold_lead(rules: tuple[Rule, ...],
              events: list[tuple[int, int, dict[str, Any]]]) -> tuple[list[RuleTracker], str | None]:
    """Run one lead's events (already sorted and cut at ``as_of``) through every rule.

    Returns the trackers and the lead's assignee at the end.
    """
    trackers = [RuleTracker(rule) for rule in rules]
    fields: dict[str, Any] = {}
    state = None
    assignee = None
    for minute, _, event in events:
        for name, value in (event.get("fields") or {}).items():
            if value is None:
                fields.pop(name, None)
            else:
                fields[name] = value
        entered = left = None
        if event["type"] == "state" and event["state"] != state:
            entered, left, state = event["state"], state, event["state"]
        step = Step(minute, event, dict(fields), state, entered, left)
        for tracker in trackers:
            tracker.apply(step, assignee)
        if event["type"] == "assigned":
            assignee = event.get("owner")
    return trackers, assignee


# -- verdicts -------------------------------------------------------------------------------

def warn_minutes(rule: Rule, target: int) -> int | None:
    """The elapsed working minutes at which an open cycle becomes ``at_risk``."""
    if rule.warn is None:
        return None
    share = target * rule.warn
    if share % 100:
        raise ValueError("a warn share off the minute grid")
    return share // 100


def open_status(rule: Rule, cycle: Cycle, as_of: int) -> str:
    """An undecided open cycle: ``paused``, else ``at_risk`` past the warn share, else ``pending``."""
    if cycle.paused_since is not None:
        return "paused"
    line = cycle.line
    threshold = warn_minutes(rule, line.target)
    elapsed = line.clock.worked(cycle.start, as_of, cycle.pauses_until(as_of))
    if threshold is not None and elapsed >= threshold:
        return "at_risk"
    return "pending"


def warn_at(rule: Rule, cycle: Cycle, as_of: int) -> str | None:
    """For an open cycle with ``warn``: when it becomes ``at_risk`` (pauses taken to end at ``as_of``)."""
    threshold = warn_minutes(rule, cycle.line.target)
    if threshold is None or cycle.closed is not None:
        return None
    return iso(cycle.line.clock.deadline(cycle.start, threshold, cycle.pauses_until(as_of)))


def common_keys(lead: str, rule: Rule, cycle: Cycle, assignee: str | None) -> dict[str, Any]:
    """Keys every verdict of the cycle shares."""
    return {
        "lead": lead,
        "rule": rule.name,
        "cycle": cycle.number,
        "period": None,
        "owner": rule.owner,
        "segment": cycle.line.segment,
        "assignee": cycle.assignee if cycle.closed is not None else assignee,
        "started_at": iso(cycle.start),
    }


def within_verdict(rule: Rule, cycle: Cycle, as_of: int, base: dict[str, Any]) -> dict[str, Any]:
    """The ``within`` clause of a ``handoff``/``deadline`` cycle (§6 status order)."""
    line = cycle.line
    end = cycle.closed if cycle.closed is not None else as_of
    pauses = cycle.pauses_until(end)
    due = line.clock.deadline(cycle.start, line.target, pauses)
    verdict = dict(base, clause="within", due_at=iso(due), target_seconds=line.target * 60,
                   elapsed_seconds=line.clock.worked(cycle.start, end, pauses) * 60,
                   warn_at=warn_at(rule, cycle, as_of), completed_at=None, evidence=[cycle.start_ref])
    if cycle.closed is not None:
        late = cycle.closed > due
        verdict["evidence"] = [cycle.start_ref, cycle.close_ref]
        if cycle.how == "stop":
            verdict.update(status="breached" if late else "met", completed_at=iso(cycle.closed))
        else:
            verdict["status"] = "breached" if late else "cancelled"
    elif due < as_of:
        verdict["status"] = "breached"
    else:
        verdict["status"] = open_status(rule, cycle, as_of)
    return verdict


def at_least_within_verdict(rule: Rule, cycle: Cycle, as_of: int, base: dict[str, Any]) -> dict[str, Any]:
    """``at least N within``: the Nth attempt, a stop, a cancel or the deadline, first wins (§13)."""
    line = cycle.line
    end = cycle.closed if cycle.closed is not None else as_of
    pauses = cycle.pauses_until(end)
    due = line.clock.deadline(cycle.start, line.target, pauses)
    attempts = cycle.attempts
    nth = attempts[line.count - 1].minute if len(attempts) >= line.count else None
    verdict = dict(base, clause="at_least_within", due_at=iso(due), target_seconds=line.target * 60,
                   elapsed_seconds=line.clock.worked(cycle.start, end, pauses) * 60,
                   warn_at=warn_at(rule, cycle, as_of), evidence=[a.ref for a in attempts[:line.count]])
    if nth is not None and nth <= due:
        verdict.update(status="met", completed_at=iso(nth))
    elif cycle.closed is not None and cycle.closed <= due:
        verdict.update(status="met" if cycle.how == "stop" else "cancelled", completed_at=None)
    elif due < as_of:
        verdict["status"] = "breached"
    else:
        verdict.update(status=open_status(rule, cycle, as_of), completed_at=None)
    return verdict


def at_least_before_verdict(clauses: AttemptClauses, cycle: Cycle, base: dict[str, Any]) -> dict[str, Any]:
    """``at least N before TRIGGER``: judged at the trigger's first occurrence in the cycle."""
    if cycle.before is not None:
        minute, ref, count = cycle.before
        status = "met" if count >= clauses.before[1] else "breached"
        return dict(base, clause="at_least_before", status=status, completed_at=iso(minute), evidence=[ref])
    status = "met" if cycle.closed is not None else "pending"
    return dict(base, clause="at_least_before", status=status, completed_at=None, evidence=[])


def never_verdict(key: str, cycle: Cycle, violators: list[str], base: dict[str, Any], **extra: Any) -> dict[str, Any]:
    """A "never" clause: breached from its first violation, else met once closed, else pending."""
    if violators:
        status = "breached"
    else:
        status = "met" if cycle.closed is not None else "pending"
    return dict(base, clause=key, status=status, evidence=violators, completed_at=None, due_at=None, **extra)


def per_day_violators(attempts: list[Attempt], zone: ZoneInfo, most: int) -> list[str]:
    """The attempts beyond ``most`` on their local date."""
    seen: dict[date, int] = {}
    violators = []
    for attempt in attempts:
        day = instant(attempt.minute).astimezone(zone).date()
        seen[day] = seen.get(day, 0) + 1
        if seen[day] > most:
            violators.append(attempt.ref)
    return violators


def gap_violators(attempts: list[Attempt], least: int) -> list[str]:
    """The later attempt of every consecutive pair closer than ``least`` minutes (wall clock)."""
    return [later.ref for earlier, later in pairwise(attempts) if later.minute - earlier.minute < least]


def lead_zone(value: Any, fallback: str) -> str:
    """The lead's ``timezone`` field when it names an IANA zone, else the agreement's zone."""
    if not isinstance(value, str):
        return fallback
    try:
        ZoneInfo(value)
    except (ValueError, KeyError, OSError):
        return fallback
    return value


def in_window(clock: int, window_start: int, window_end: int) -> bool:
    """Whether a local time of day is in a window (start included, end excluded, may wrap)."""
    if window_start < window_end:
        return window_start <= clock < window_end
    return clock >= window_start or clock < window_end


def only_between_verdict(clauses: AttemptClauses, cycle: Cycle, base: dict[str, Any]) -> dict[str, Any]:
    """``only between`` in the lead's zone; the verdict names the zone when exactly one was used."""
    window_start, window_end, fallback = clauses.only_between
    violators, used = [], []
    for attempt in cycle.attempts:
        zone = lead_zone(attempt.lead_zone, fallback)
        if zone not in used:
            used.append(zone)
        local = instant(attempt.minute).astimezone(ZoneInfo(zone))
        if not in_window(local.hour * 60 + local.minute, window_start, window_end):
            violators.append(attempt.ref)
    extra = {"timezone": used[0]} if len(used) == 1 else {}
    return never_verdict("only_between", cycle, violators, base, **extra)


def first_verdict(clauses: AttemptClauses, cycle: Cycle, base: dict[str, Any]) -> dict[str, Any]:
    """``first where``: decided by the first attempt; before any, pending while open."""
    if cycle.attempts:
        first = cycle.attempts[0]
        status = "met" if clauses.first(first.event) else "breached"
        return dict(base, clause="first", status=status, completed_at=iso(first.minute), evidence=[first.ref])
    status = "met" if cycle.closed is not None else "pending"
    return dict(base, clause="first", status=status, completed_at=None, evidence=[])


def attempts_verdicts(rule: Rule, cycle: Cycle, as_of: int, base: dict[str, Any]) -> list[dict[str, Any]]:
    """Every clause verdict of one ``attempts`` cycle, in the rule's clause order."""
    clauses = rule.attempts
    verdicts = [at_least_within_verdict(rule, cycle, as_of, base)]
    if clauses.before is not None:
        verdicts.append(at_least_before_verdict(clauses, cycle, base))
    if clauses.per_day is not None:
        zone, most = clauses.per_day
        verdicts.append(never_verdict("at_most_per_day", cycle, per_day_violators(cycle.attempts, zone, most), base))
    if clauses.gap is not None:
        verdicts.append(never_verdict("gap", cycle, gap_violators(cycle.attempts, clauses.gap), base))
    if clauses.first is not None:
        verdicts.append(first_verdict(clauses, cycle, base))
    if clauses.only_between is not None:
        verdicts.append(only_between_verdict(clauses, cycle, base))
    if clauses.only_during is not None:
        outside = [a.ref for a in cycle.attempts if not clauses.only_during.open_at(a.minute)]
        verdicts.append(never_verdict("only_during", cycle, outside, base))
    return verdicts


def evaluate(rules: tuple[Rule, ...], events: list[dict[str, Any]], as_of: datetime) -> list[dict[str, Any]]:
    """Verdicts of ``rules`` for ``events`` as of ``as_of``, lead by lead."""
    cut = minute_of(as_of)
    by_lead: dict[str, list[tuple[int, int, dict[str, Any]]]] = {}
    for position, event in enumerate(events):
        by_lead.setdefault(event["lead"], []).append((minute_of(event["at"]), position, event))
    verdicts = []
    for lead in sorted(by_lead):
        history = sorted((item for item in by_lead[lead] if item[0] <= cut), key=lambda item: item[:2])
        trackers, assignee = fold_lead(rules, history)
        for tracker in trackers:
            for cycle in tracker.cycles:
                base = common_keys(lead, tracker.rule, cycle, assignee)
                if tracker.rule.attempts is None:
                    verdicts.append(within_verdict(tracker.rule, cycle, cut, base))
                else:
                    verdicts.extend(attempts_verdicts(tracker.rule, cycle, cut, base))
    return verdicts


# -- the two agreements, written out by hand ------------------------------------------------

def weekly(days: list[int], *intervals: str) -> Hours:
    """The same intervals on each of ``days`` (Monday 0)."""
    return {day: [span(text) for text in intervals] for day in days}


MON_FRI = [0, 1, 2, 3, 4]


@cache
def timed_calendars() -> tuple[GridCalendar, GridCalendar]:
    """``sp`` and ``ny`` of timed.sla (built once: tabulating takes a moment)."""
    sp = GridCalendar("America/Sao_Paulo", {**weekly(MON_FRI, "09:00-18:00"), **weekly([5], "09:00-12:00")}, "BR",
                      closed=frozenset({date(2026, 11, 10)}), opened={date(2026, 11, 15): [span("10:00-12:00")]})
    ny = GridCalendar("America/New_York", {**weekly(MON_FRI, "09:00-12:00", "13:00-17:00"),
                                           **weekly([6], "20:00-02:00")}, "US")
    return sp, ny


@cache
def timed_rules() -> tuple[Rule, ...]:
    """The rules of timed.sla: ``dl``, ``dl2`` and ``fu``."""
    sp, ny = timed_calendars()
    segments = {"hot": score_at_least}
    reassigned = on_type("assigned", reason="re")
    dl = Rule("dl", (Line(None, sp, 240), Line("hot", ny, 60)), start=on_type("assigned"),
              stop=on_type("contact_attempt"), cancel=on_enter("disqualified"), restart=reassigned,
              pause=in_state("on_hold"), warn=75, segments=segments)
    dl2 = Rule("dl2", (Line("hot", ny, 1 * ny.day_minutes),), start=on_type("assigned"), stop=on_enter("sql"),
               segments=segments)
    clauses = AttemptClauses(counted=on_type("contact_attempt"), before=(on_enter("nurture"), 2),
                             per_day=(ny.zone, 2), gap=60, first=lambda props: props.get("channel") == "phone",
                             only_during=ny)
    fu = Rule("fu", (Line(None, sp, 1 * sp.day_minutes, 3), Line("hot", ny, 180, 2)), start=on_type("assigned"),
              stop=on_enter("sql"), cancel=on_enter("disqualified"), restart=reassigned, pause=in_state("on_hold"),
              warn=50, attempts=clauses, segments=segments)
    return dl, dl2, fu


def evaluate_timed(events: list[dict[str, Any]], as_of: datetime) -> list[dict[str, Any]]:
    """Reference verdicts of ``tests/fixtures/reference/timed.sla``."""
    return evaluate(timed_rules(), events, as_of)


@cache
def timed2_calendar() -> GridCalendar:
    """``sp`` of timed2.sla: overnight weekday hours, a Saturday, a closed date."""
    return GridCalendar("America/Sao_Paulo", {**weekly(MON_FRI, "22:00-06:00"), **weekly([5], "10:00-14:00")}, "BR",
                        closed=frozenset({date(2026, 11, 12)}))


@cache
def timed2_rules() -> tuple[Rule, ...]:
    """The rules of timed2.sla: ``w``, ``n`` and ``q`` (agreement zone America/New_York)."""
    sp = timed2_calendar()
    agreement_zone = "America/New_York"
    w = Rule("w", (Line(None, WallClock(), 1440),), start_when=score_at_least,
             stop=on_type("contact_attempt", channel="phone"), cancel=on_leave("sal"),
             pause=in_state("on_hold"), warn=60)
    n = Rule("n", (Line(None, sp, 1 * sp.day_minutes),), start=on_enter("sal"), stop=on_leave("sal"), warn=25)
    clauses = AttemptClauses(counted=on_type("contact_attempt"), per_day=(ZoneInfo(agreement_zone), 1),
                             only_between=(hhmm("21:00"), hhmm("03:00"), agreement_zone), only_during=sp)
    q = Rule("q", (Line(None, sp, 240, 2),), start=on_type("assigned"), stop=on_enter("sql"), attempts=clauses)
    return w, n, q


def evaluate_timed2(events: list[dict[str, Any]], as_of: datetime) -> list[dict[str, Any]]:
    """Reference verdicts of ``tests/fixtures/reference/timed2.sla``."""
    return evaluate(timed2_rules(), events, as_of)
