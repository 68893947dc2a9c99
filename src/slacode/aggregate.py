"""Targets and quotas (LANGUAGE.md §8): verdicts per (rule, period) over many leads.

Periods are days, ISO weeks (Monday), months and quarters of the agreement's time zone, or
(extension, `per working day on CAL`) the working dates of a calendar, each from midnight to
midnight in the calendar's zone: an event (a cycle's start) on a date with no working time
counts in no period, and SLA619 says how many did. A period is ``pending`` until it ends (a quota already at its ``at least`` is ``met``, one
already over its ``at most`` is ``breached``; with `warn behind pace`, extension, a running
period of an ``at least`` quota is ``at_risk`` while behind its pace: :func:`on_pace`); a
target's period also stays ``pending`` while any of its cycles is undecided.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from fractions import Fraction
from typing import NamedTuple

from slacode import instants
from slacode.checks.expr import EXACT as _EXACT, as_decimal
from slacode.groups import group_text, group_value, order as group_order
from slacode.texts import grouped, rate_text
from slacode.evaluate import plan_info, start_groups
from slacode.verdict import Verdict

UNDECIDED = frozenset({"pending", "at_risk", "paused"})


_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_PERIODS: dict = {}         # (local day number, period) -> (label, first date)
_HOUR_PERIODS: dict = {}    # (UTC hour number, period, zone) -> (label, first date)
_HOUR = 3_600_000_000
_MIDNIGHTS: dict = {}       # (date, zone) -> µs
_SPANS: dict = {}           # (first period's date, last period's date, period, zone) -> periods()
_HOUR_SPANS: dict = {}      # (first UTC hour, last UTC hour, period, zone) -> periods(), hours of one local day


def period_of(us: int, period: str, zone) -> tuple[str, date]:
    """The label and first local date of the period holding instant ``us`` (kept per UTC
    hour when the whole hour is one local day, the usual case)."""
    hour_key = (us // _HOUR, period, zone)
    got = _HOUR_PERIODS.get(hour_key)
    if got is not None:
        return got
    key = (instants.local_day(us, zone), period)
    got = _PERIODS.get(key)
    if got is None:
        if len(_PERIODS) > 1 << 16:
            _PERIODS.clear()
        got = _PERIODS[key] = period_of_date(date.fromordinal(key[0] + _EPOCH_ORDINAL), period)
    if instants.hour_day(hour_key[0], zone) == key[0]:
        if len(_HOUR_PERIODS) > 1 << 16:
            _HOUR_PERIODS.clear()
        _HOUR_PERIODS[hour_key] = got
    return got


def period_of_date(d: date, period: str) -> tuple[str, date]:
    if period == "day":
        return d.isoformat(), d
    if period == "week":
        start = d - timedelta(days=d.weekday())
        iso = d.isocalendar()
        return f"{iso.year}-W{iso.week:02d}", start
    if period == "month":
        return f"{d.year:04d}-{d.month:02d}", d.replace(day=1)
    q = (d.month - 1) // 3
    return f"{d.year:04d}-Q{q + 1}", date(d.year, 3 * q + 1, 1)


def next_start(start: date, period: str) -> date:
    if period == "day":
        return start + timedelta(days=1)
    if period == "week":
        return start + timedelta(days=7)
    months = 1 if period == "month" else 3
    m = start.month - 1 + months
    return date(start.year + m // 12, m % 12 + 1, 1)


def local_midnight_us(d: date, zone) -> int:
    key = (d, zone)
    us = _MIDNIGHTS.get(key)
    if us is None:
        if len(_MIDNIGHTS) > 1 << 16:
            _MIDNIGHTS.clear()
        us = _MIDNIGHTS[key] = int(datetime(d.year, d.month, d.day, tzinfo=zone).timestamp()) * 1_000_000
    return us


def periods(first_us: int, last_us: int, period: str, zone) -> tuple:
    """(label, first date, start_us, end_us) of every period from the one holding
    ``first_us`` to the one holding ``last_us`` (kept: every evaluation as of the same
    instant asks for the same spans). A service judging one lead per call asks this once
    per target and quota, so the spans are also kept by the two instants' UTC hours when
    each of those hours is one local day (what :func:`period_of` keeps per hour)."""
    hour_key = (first_us // _HOUR, last_us // _HOUR, period, zone)
    spans = _HOUR_SPANS.get(hour_key)
    if spans is not None:
        return spans
    _, start = period_of(first_us, period, zone)
    _, last_start = period_of(last_us, period, zone)
    key = (start, last_start, period, zone)
    spans = _SPANS.get(key)
    if spans is None:
        if len(_SPANS) > 4096:
            _SPANS.clear()
        spans = _SPANS[key] = tuple(_spans(start, last_start, period, zone))
    if (hour_key[0], period, zone) in _HOUR_PERIODS and (hour_key[1], period, zone) in _HOUR_PERIODS:
        if len(_HOUR_SPANS) > 4096:
            _HOUR_SPANS.clear()
        _HOUR_SPANS[hour_key] = spans
    return spans


def _spans(start: date, last_start: date, period: str, zone):
    start_us = local_midnight_us(start, zone)
    while start <= last_start:
        nxt = next_start(start, period)
        label, _ = period_of_date(start, period)
        end_us = local_midnight_us(nxt, zone)
        yield label, start, start_us, end_us
        start, start_us = nxt, end_us


_WORKING: dict = {}         # (local day number, clock) -> (label, date), or None for no working date
_WORKING_HOURS: dict = {}   # (UTC hour number, clock) -> the same, when the whole hour is one local day
_WORKING_SPANS: dict = {}   # (first local day, last local day, clock) -> working_periods()


def working_period_of(us: int, clock) -> tuple[str, date] | None:
    """The label and date of the working date of ``clock`` (a calendar) that holds instant
    ``us`` (its local date in the calendar's zone), or None when that date has no working
    time (a weekend, a holiday, `closed`). Kept per date and per UTC hour, as :func:`period_of`."""
    hour_key = (us // _HOUR, clock)
    got = _WORKING_HOURS.get(hour_key, _UNSEEN)
    if got is not _UNSEEN:
        return got
    tz = clock.tz
    day = instants.local_day(us, tz)
    key = (day, clock)
    got = _WORKING.get(key, _UNSEEN)
    if got is _UNSEEN:
        if len(_WORKING) > 1 << 16:
            _WORKING.clear()
        got = _WORKING[key] = _working_date(day, clock)
    if instants.hour_day(hour_key[0], tz) == day:
        if len(_WORKING_HOURS) > 1 << 16:
            _WORKING_HOURS.clear()
        _WORKING_HOURS[hour_key] = got
    return got


def _working_date(day: int, clock) -> tuple[str, date] | None:
    """``(label, date)`` of local day number ``day`` when it is a working date of ``clock``."""
    ordinal = day + _EPOCH_ORDINAL
    if not clock.date_intervals_us(ordinal):
        return None
    d = date.fromordinal(ordinal)
    return d.isoformat(), d


def working_periods(first_us: int, last_us: int, clock) -> tuple:
    """(label, date, start_us, end_us) of every working date of ``clock`` from the local date
    holding ``first_us`` to the one holding ``last_us`` (dates of the calendar's zone; each
    from its midnight to the next midnight there). Kept, as :func:`periods`."""
    tz = clock.tz
    first, last = instants.local_day(first_us, tz), instants.local_day(last_us, tz)
    key = (first, last, clock)
    spans = _WORKING_SPANS.get(key)
    if spans is None:
        if len(_WORKING_SPANS) > 4096:
            _WORKING_SPANS.clear()
        out = []
        for day in range(first, last + 1):
            got = _WORKING.get((day, clock), _UNSEEN)
            if got is _UNSEEN:
                got = _WORKING[day, clock] = _working_date(day, clock)
            if got is not None:
                label, d = got
                out.append((label, d, local_midnight_us(d, tz), local_midnight_us(d + timedelta(days=1), tz)))
        spans = _WORKING_SPANS[key] = tuple(out)
    return spans


def count_working_periods(first_us: int, last_us: int, clock, most: int) -> int:
    """How many working dates :func:`working_periods` would give, counted up to ``most + 1``
    (enough to tell that there are too many), without keeping them."""
    tz = clock.tz
    n = 0
    for day in range(instants.local_day(first_us, tz), instants.local_day(last_us, tz) + 1):
        if clock.date_intervals_us(day + _EPOCH_ORDINAL):
            n += 1
            if n > most:
                break
    return n


_UNSEEN = object()


#: One target or quota never reports more periods than this (274 years of days): past it,
#: it gives no verdicts and SLA611 says why, rather than run out of memory (a year 1001
#: event, an `as_of` in 9989); the rest of the run goes on.
MAX_PERIODS = 100_000
#: A first period further back than this before `as_of` is said (a placeholder date?).
LONG_SPAN_YEARS = 20
_LONG_SPAN_US = LONG_SPAN_YEARS * 365 * 86_400_000_000     # (in µs: a first test, no calendar)


def count_periods(first: date, last: date, period: str) -> int:
    """How many periods run from the one starting on ``first`` to the one starting on
    ``last`` (both period starts), both included."""
    if period == "day":
        return (last - first).days + 1
    if period == "week":
        return (last - first).days // 7 + 1
    months = (last.year - first.year) * 12 + last.month - first.month
    return (months // 3 if period == "quarter" else months) + 1


def opening_hours(cal, day: date) -> str:
    """The hours to propose for opening ``day`` on calendar ``cal`` (an `open DATE …` line):
    its weekday's regular hours when it has any (a holiday, a `closed` date), else those of
    the calendar's longest regular day (the first of the week among equals): a Saturday on a
    `mon-fri 08:00-12:00, 13:00-17:00` calendar gets `08:00-12:00, 13:00-17:00`."""
    week = cal.hours or {d.weekday(): ivs for d, ivs in sorted(cal.open.items(), reverse=True)}
    if not week:                                    # (no working time at all: an office day)
        return "09:00-17:00"
    own = week.get(day.weekday())
    if own is None:
        def length(ivs) -> int:
            return sum((e - s) % 1440 or 1440 for s, e in ivs)

        own = max(week.values(), key=length)        # (max keeps the first of the week among equals)
    return ", ".join(f"{s // 60:02d}:{s % 60:02d}-{e // 60:02d}:{e % 60:02d}" for s, e in own)


def _goal_shape(plan) -> tuple:
    """What :class:`Aggregates` reads of a plan's goals: whether each target and quota is
    grouped (`by assignee`, `by FIELD`), and the calendars of `per working day on CAL` goals
    (extension) per quota and per target, or None when no quota (target) has one."""
    quota_cals = tuple(q.calendar for q in plan.quotas)
    target_cals = tuple(t.calendar for t in plan.targets)
    return (tuple(t.by_assignee or t.by_field is not None for t in plan.targets),
            tuple(q.grouped for q in plan.quotas),
            quota_cals if any(c is not None for c in quota_cals) else None,
            target_cals if any(c is not None for c in target_cals) else None)


class Aggregates:
    """Targets and quotas, accumulated lead by lead into per-period counters (memory grows
    with the number of periods, not of leads or events).

    ``timeline`` (`slacode changes`): the verdicts also carry when each period was decided
    and when a quota's goal was reached or exceeded (:attr:`Verdict.timeline`): the lead
    contributions then carry each target cycle's decision instant, and each quota period
    keeps the instants of its first counted events (as many as its goal needs: its ``N``
    smallest for `at least N`, ``N + 1`` for `at most N`; every ``(instant, value)`` of a
    `sum PROP of …` quota, whose running sum need not grow)."""

    def __init__(self, plan, as_of: int, timeline: bool = False):
        self.plan = plan
        self.as_of = as_of
        self.timeline = timeline
        # timeline: per quota, period key -> a max-heap (negated instants) of its first hits,
        # or a sum's [(instant, value)]; per target, period key -> the latest (instant, after)
        # a judged cycle of it was decided at
        self.quota_marks: list[dict] | None = [{} for _ in plan.quotas] if timeline else None
        self.quota_needs: tuple = tuple(_hits_needed(q) for q in plan.quotas) if timeline else ()
        self.target_marks: list[dict] | None = [{} for _ in plan.targets] if timeline else None
        self.first_event: int | None = None
        nq, nt = len(plan.quotas), len(plan.targets)
        # period start (and group: rep of `by assignee`, key of `by FIELD`) -> count
        self.quota_counts: list[dict] = [{} for _ in range(nq)]
        self.target_first: list[int | None] = [None] * nt
        # period start (and group) -> [met, breached, open]
        self.target_counts: list[dict] = [{} for _ in range(nt)]
        # grouped goals: group -> the instant of its first counted event or cycle
        self.quota_reps: list[dict] = [{} for _ in range(nq)]
        self.target_reps: list[dict] = [{} for _ in range(nt)]
        self._info = info = plan_info(plan)
        self._wanted: dict = info.wanted
        self.first_place: tuple | None = None    # (lead, source, line) of the earliest event
        # what the goals are, the same for every run of the plan (a service makes an
        # Aggregates per lead): kept with the plan's info
        shape = info.goal_shape
        if shape is None:
            shape = info.goal_shape = _goal_shape(plan)
        # whether each target (quota) is grouped; `per working day on CAL` (extension): each
        # goal's calendar (None: another period), None when no goal has one
        self._target_grouped, self._quota_grouped, self._quota_cals, self._target_cals = shape
        # ("quota" | "target", index) -> [events (cycles) on no working date, the first one's
        # (instant, lead, (source, line) of a quota's event | cycle number of a target's)]: SLA619
        self.left_out: dict = {}

    def contribution(self, fold, verdicts) -> tuple | None:
        """What one lead adds: (first event, quota hits, target cycles) — small and picklable."""
        if not (self.plan.quotas or self.plan.targets):
            return None
        cycles = []
        decisions = [] if self.timeline else None
        wanted = self._wanted
        if wanted:
            segments = {}
            groups = {}
            if self._info.segmented:
                for rf in fold.rules:
                    for cyc in rf.cycles:
                        segments[(rf.plan.name, cyc.number)] = cyc.segments_at_start
            if self._info.grouped:                      # `by FIELD`: the groups at each cycle's start
                groups = start_groups(fold)
            targets = self.plan.targets
            closes = None                               # `by assignee`: (rule, cycle) -> its close
            for v in verdicts:
                for i in wanted.get((v.rule, v.clause), ()):
                    t = targets[i]
                    segment = t.segment
                    # every cycle of the rule fixes where the periods start; only the target's
                    # segment's cycles are judged (status None: not judged by this target)
                    judged = segment is None or segment in segments.get((v.rule, v.cycle), ())
                    if t.by_field is None:
                        group = v.assignee or None          # (read by `by assignee` only)
                        if t.by_assignee and fold.reps is not None:
                            end = self._period_end(i, v.started_at)
                            if end is not None and end <= self.as_of:
                                if closes is None:
                                    closes = {(rf.plan.name, c.number): c.closed_at for rf in fold.rules
                                              for c in rf.cycles}
                                closed = closes.get((v.rule, v.cycle))
                                if closed is None or closed >= end:     # open at its period's end
                                    group = rep_at(fold.reps, end) or None
                    else:
                        at_start = groups.get((v.rule, v.cycle))
                        group = at_start.get(t.by_field) if at_start else None
                    if t.calendar is None:
                        cycles.append((i, v.started_at, v.status if judged else None, group))
                    else:                                   # (per working day: which cycle, for SLA619)
                        cycles.append((i, v.started_at, v.status if judged else None, group, v.rule, v.cycle))
                    if decisions is not None:
                        decisions.append(_decision(fold, v) if judged else None)
        first = fold.first_at if fold.events else None
        place = (fold.lead, *fold.first_place) if first is not None else None
        if decisions is not None:
            return first, tuple(fold.quota_hits), tuple(cycles), place, tuple(decisions)
        return first, tuple(fold.quota_hits), tuple(cycles), place

    def _period_end(self, i: int, started: int) -> int | None:
        """The end of target ``i``'s period that holds a cycle started at ``started`` (None:
        on no working date of a `per working day` target)."""
        t = self.plan.targets[i]
        cal = self._target_cals[i] if self._target_cals is not None else None
        if cal is None:
            _, start = period_of(started, t.period, self.plan.zone)
            return local_midnight_us(next_start(start, t.period), self.plan.zone)
        got = working_period_of(started, cal)
        return None if got is None else local_midnight_us(got[1] + timedelta(days=1), cal.tz)

    def add_contribution(self, contrib) -> None:
        if contrib is None:
            return
        first, hits, cycles, place = contrib[:4]
        decisions = contrib[4] if len(contrib) > 4 else None
        marks = self.quota_marks
        zone = self.plan.zone
        if first is not None and (self.first_event is None or first < self.first_event):
            self.first_event, self.first_place = first, place
        quotas = self.plan.quotas
        cals = self._quota_cals
        for hit in hits:
            i, at = hit[0], hit[1]
            cal = cals[i] if cals is not None else None
            if cal is None:
                _, start = period_of(at, quotas[i].period, zone)
            else:                                           # per working day: (…, (source, line))
                got = working_period_of(at, cal)
                if got is None:
                    self._leave_out("quota", i, at, place[0], hit[-1])
                    continue
                start, hit = got[1], hit[:-1]
            if len(hit) > 2:
                if len(hit) > 3:                            # `sum PROP of …`: (i, at, group, value)
                    self._add_sum(i, start, hit)
                    continue
                start = (start, hit[2])                     # grouped: (i, at, rep or group key)
                _earliest(self.quota_reps[i], hit[2], at)
            counts = self.quota_counts[i]
            counts[start] = counts.get(start, 0) + 1
            if marks is not None and self.quota_needs[i]:
                _keep_first(marks[i], start, at, self.quota_needs[i])
        grouped = self._target_grouped
        cals = self._target_cals
        for j, cycle in enumerate(cycles):
            i, started, status, rep = cycle[0], cycle[1], cycle[2], cycle[3]
            t = self.plan.targets[i]
            if self.target_first[i] is None or started < self.target_first[i]:
                self.target_first[i] = started
            if status is None:
                continue                                # (not in the target's segment)
            cal = cals[i] if cals is not None else None
            if cal is None:
                _, start = period_of(started, t.period, zone)
            else:                                       # per working day: none on a closed date
                got = working_period_of(started, cal)
                if got is None:
                    if status == "met" or status == "breached" or status in UNDECIDED:
                        self._leave_out("target", i, started, place[0], cycle[4:])
                    continue
                start = got[1]
            if grouped[i]:                              # a group's periods start at its first cycle counted
                _earliest(self.target_reps[i], rep, started)
            if grouped[i]:
                start = (start, rep)
            row = self.target_counts[i].get(start)
            if row is None:
                row = self.target_counts[i][start] = [0, 0, 0]
            if status == "met":
                row[0] += 1
            elif status == "breached":
                row[1] += 1
            elif status in UNDECIDED:
                row[2] += 1
            if decisions is not None and decisions[j] is not None:
                latest = self.target_marks[i]
                known = latest.get(start)
                if known is None or decisions[j] > known:
                    latest[start] = decisions[j]

    def _leave_out(self, kind: str, i: int, at: int, lead, where) -> None:
        """One event (cycle) of a `per working day` goal on no working date: counted in no
        period, kept for SLA619 (how many, and the first by instant, then lead)."""
        row = self.left_out.get((kind, i))
        first = (at, str(lead), where)
        if row is None:
            self.left_out[kind, i] = [1, first]
            return
        row[0] += 1
        if first[:2] < row[1][:2]:
            row[1] = first

    def _add_sum(self, i: int, start, hit: tuple) -> None:
        """One event of a `sum PROP of …` quota into its period's (and group's) :class:`Sum`."""
        if self._quota_grouped[i]:
            start = (start, hit[2])
            _earliest(self.quota_reps[i], hit[2], hit[1])
        counts = self.quota_counts[i]
        row = counts.get(start)
        if row is None:
            row = counts[start] = Sum()
        row.add(hit[3])
        if self.quota_marks is not None and hit[3] is not None:
            self.quota_marks[i].setdefault(start, []).append((hit[1], hit[3]))

    def add(self, fold, verdicts) -> None:
        self.add_contribution(self.contribution(fold, verdicts))

    def spans(self) -> list[tuple[str, str, int, int]]:
        """``(kind, name, first us, periods)`` of each target and quota with periods: from the
        one holding its first event or cycle to the one holding ``as_of``."""
        zone, out = self.plan.zone, []
        for kind, i in self._info.aggregate_order:
            goal = self.plan.targets[i] if kind == "target" else self.plan.quotas[i]
            first = self.target_first[i] if kind == "target" else self.first_event
            if first is None:
                continue
            if goal.calendar is not None:               # per working day: its working dates
                out.append((kind, goal.name, first,
                            count_working_periods(first, self.as_of, goal.calendar, MAX_PERIODS)))
                continue
            start, last = period_of(first, goal.period, zone)[1], period_of(self.as_of, goal.period, zone)[1]
            out.append((kind, goal.name, first, count_periods(start, last, goal.period)))
        return out

    def _periods(self, goal, first: int) -> tuple:
        """A goal's periods from the one holding ``first`` to the one holding ``as_of``, and
        the zone their instants are written in (a `per working day` goal's calendar's)."""
        if goal.calendar is not None:
            return working_periods(first, self.as_of, goal.calendar), goal.calendar.tz
        return periods(first, self.as_of, goal.period, self.plan.zone), self.plan.zone

    def span_diagnostics(self, sources=None) -> list:
        """The run's notes on the targets' and quotas' periods: SLA611 (:meth:`_too_many_periods`),
        SLA610 (:meth:`_long_span`), then SLA619 per `per working day` goal that left events out (:meth:`_left_out_notes`)."""
        return self._too_many_periods(sources) + self._long_span(sources) + self._left_out_notes(sources)

    def _left_out_notes(self, sources=None) -> list:
        """SLA619, in declaration order: how many events (cycles) of a `per working day on
        CAL` goal fell on no working date of CAL, and the first of them."""
        if not self.left_out:
            return []
        from slacode import diagnostics as dg
        from slacode.codes import evaluation as codes

        out = []
        for kind, i in self._info.aggregate_order:
            row = self.left_out.get((kind, i))
            if row is None:
                continue
            count, (at, lead, where) = row
            goal = self.plan.targets[i] if kind == "target" else self.plan.quotas[i]
            cal = goal.calendar
            local = datetime.fromtimestamp(at / 1e6, cal.tz)
            day = f"{local:%a} {local.date().isoformat()}"
            name = cal.name or cal.timezone
            span = file = None
            if kind == "quota":
                what = ("1 matching event" if count == 1 else f"{count:,} matching events")
                source, line = where
                file = sources[source] if sources and source is not None and source < len(sources) else None
                span = dg.Span(line, 1, file=file) if line else None
                first = f"lead {lead!r} on {day}"
                verb = "fell"
            else:
                rule, number = where
                what = "1 cycle" if count == 1 else f"{count:,} cycles"
                first = f"lead {lead!r}, `{rule}` cycle {number}, started on {day}"
                verb = "started"
            dates = ("a date that is not a working date" if count == 1 else "dates that are not working dates")
            counts = "counts" if count == 1 else "count"
            message = (f"{kind} `{goal.name}` is set per working day on `{name}`: {what} {verb} on {dates} of "
                       f"`{name}` and {counts} in no period (the first: {first})")
            out.append(dg.make(codes.OFF_WORKING_DAYS, message, span, file=file,
                               hint=f"to count every date, set the goal `per day`; if such a date is a working "
                                    f"date after all, open it in calendar `{name}` (`open {local.date().isoformat()} "
                                    f"{opening_hours(cal, local.date())}`)", lead=lead))
        return out

    def _long_span(self, sources=None) -> list:
        """SLA610 when the first period of the targets and quotas is more than
        :data:`LONG_SPAN_YEARS` before ``as_of`` (every period since is reported, §8), naming
        the earliest event."""
        if self.first_event is None or self.first_place is None or self.as_of - self.first_event <= _LONG_SPAN_US:
            return []
        from slacode import diagnostics as dg
        from slacode.codes import evaluation as codes

        zone = self.plan.zone
        first_day, last_day = instants.local_day(self.first_event, zone), instants.local_day(self.as_of, zone)
        if last_day - first_day <= LONG_SPAN_YEARS * 366:
            return []
        reported = [span for span in self.spans() if span[3] <= MAX_PERIODS]     # (the others: SLA611)
        if not reported:
            return []
        lead, source, line = self.first_place
        longest = max(reported, key=lambda s: s[3])
        when = datetime.fromtimestamp(self.first_event / 1e6, zone).date().isoformat()
        years = (last_day - first_day) // 365
        file = sources[source] if sources and source is not None and source < len(sources) else None
        return [dg.make(codes.LONG_AGGREGATE_SPAN,
                        f"lead {lead!r} has an event on {when}, {years:,} years before as_of: targets and quotas "
                        f"report every period since ({longest[3]:,} of {longest[0]} `{longest[1]}`)",
                        dg.Span(line, 1, file=file) if line else None, file=file,
                        hint="if the date is a placeholder (1900-01-01) or a typo, fix it in the data; if as_of is "
                             "wrong, fix --as-of", lead=lead)]

    def too_long(self) -> list[tuple[str, str, int, int]]:
        """The :meth:`spans` of the goals that would report more than :data:`MAX_PERIODS`
        periods: they give no verdicts, and :meth:`_too_many_periods` says why."""
        # (every goal's first period is at or after the first event: 20 years since it are far
        # fewer than MAX_PERIODS periods of any kind, so a service's call counts nothing)
        if self.first_event is None or self.as_of - self.first_event <= _LONG_SPAN_US:
            return []
        return [span for span in self.spans() if span[3] > MAX_PERIODS]

    def verdicts(self) -> list[Verdict]:
        skipped = {(kind, name) for kind, name, _, _ in self.too_long()}
        out: list[Verdict] = []
        for kind, i in self._info.aggregate_order:     # declaration order
            goal = self.plan.targets[i] if kind == "target" else self.plan.quotas[i]
            if (kind, goal.name) not in skipped:
                out.extend(self._target(i) if kind == "target" else self._quota(i))
        return out

    def _too_many_periods(self, sources=None) -> list:
        """SLA611 for each goal that would report more than :data:`MAX_PERIODS` periods (a
        placeholder date in the data, an `as_of` centuries ahead): it gives no verdicts, the
        rest of the run goes on. A quota's is at the earliest event, which its first period holds."""
        too_long = self.too_long()
        if not too_long:                                # (the usual run, and every service's call)
            return []
        from slacode import diagnostics as dg
        from slacode.codes import evaluation as codes

        out = []
        zone = self.plan.zone
        as_of = datetime.fromtimestamp(self.as_of / 1e6, zone).date().isoformat()
        for kind, name, first, count in too_long:
            when = datetime.fromtimestamp(first / 1e6, zone).date().isoformat()
            lead = source = line = None
            if kind == "quota" and self.first_place is not None:
                lead, source, line = self.first_place
            file = sources[source] if sources and source is not None and source < len(sources) else None
            who = f" (lead {lead!r})" if lead is not None else ""
            what = "first event" if kind == "quota" else "rule's first cycle"
            out.append(dg.make(
                codes.TOO_MANY_PERIODS,
                f"{kind} `{name}` would report {count:,} periods, from its {what}{who} on {when} to as_of "
                f"{as_of}, more than the {MAX_PERIODS:,} slacode reports: it gives no verdicts",
                dg.Span(line, 1, file=file) if line else None, file=file, lead=lead,
                hint=f"one of the two dates is probably wrong: if as_of is, fix --as-of (as_of= in Python); if "
                     f"{when} is a placeholder or a typo, fix it in the data; the other goals and every lead's "
                     "verdicts are reported as usual"))
        return out

    def _quota(self, i: int) -> list[Verdict]:
        q = self.plan.quotas[i]
        if self.first_event is None:
            return []
        if not q.grouped:
            return self._quota_periods(q, self.first_event, self.quota_counts[i], None, False)
        return _by_rep([self._quota_periods(q, first, self.quota_counts[i], rep, True)
                        for rep, first in _reps(self.quota_reps[i], q.by_field)])

    def _quota_periods(self, q, first: int, counts: dict, rep, by_rep: bool) -> list[Verdict]:
        """A quota's verdict per period from the one holding ``first`` (for one group of a
        grouped quota: ``rep`` is the rep of `by assignee`, the group key of `by FIELD`)."""
        spans, zone = self._periods(q, first)
        out = []
        n = q.amount
        summed = q.prop is not None
        amount = amount_text(n) if summed else count_text(n)
        who = f"{_who(rep, q.by_field)}: " if by_rep else ""
        assignee, group = _labels(rep, q.by_field, by_rep)
        clause = "count" if not summed else "sum"
        pace = q.pace                   # `warn behind pace` (extension): its clock, or None
        marks = None if self.quota_marks is None else self.quota_marks[_index_of(self.plan.quotas, q)]
        for label, start_date, start, end in spans:
            found = counts.get((start_date, rep) if by_rep else start_date)
            if summed:
                row = found if found is not None else _NO_SUM
                count, exact = row.value(), row.exact()
                if by_rep and rep is None and found is None:
                    continue                    # nobody's events: shown where there are some
                shown = amount_text(count)
            else:
                count = found or 0
                if by_rep and rep is None and not count:
                    continue                    # nobody's events: shown where there are some
                shown = grouped(count)
            ended = end <= self.as_of
            reached = exact if summed else count         # a sum: exactly, with the decimal goal
            goal = q.goal if summed and q.goal is not None else n
            if q.bound == "least":
                status = "met" if reached >= goal else ("breached" if ended else "pending")
                words = f"{shown} of at least {amount}"
            else:
                status = "breached" if reached > goal else ("met" if ended else "pending")
                words = f"{shown}, at most {amount} allowed"
            tail = "" if ended else " so far (the period has not ended)"
            warn_at = None
            if pace is not None and status == "pending":
                got = on_pace(pace, start, end, self.as_of, reached, goal, places=_written_places(amount))
                status, warn_at = ("at_risk" if got.behind else "pending"), got.warn_at
                tail = " so far, " + got.words(q.period, reached)
            if summed:
                words += f" ({row.words(q.prop, q.segment_name)})"
            elif q.segment_name is not None:
                words += f" (leads in `{q.segment_name}`)"
            # positional (lead, rule, clause, cycle, status, owner, assignee, segment, started_at,
            # due_at, completed_at, warn_at, target_seconds, elapsed_seconds, value, threshold,
            # evidence, reason, period, timezone, zone, overdue, response_seconds, attempts, group,
            # warnings, escalates, count): one per period and rule (keywords cost more)
            out.append(Verdict(None, q.name, clause, None, status, q.owner, assignee, q.segment_name, start, end,
                               None, warn_at, None, None, count, n, [], f"{who}{words} in {label}{tail}.", label,
                               None, zone, False, None, None, dict(group) if group else None, None, None,
                               row.added if summed else None))
            if marks is not None:
                key = (start_date, rep) if by_rep else start_date
                out[-1].timeline = (end, False, *self._reached(q, marks.get(key), goal))
        return out

    def _reached(self, q, mark, goal) -> tuple:
        """``(instant, transition)``: when a period's `at least` goal was first reached
        (``"met"``) or its `at most` first exceeded (``"breached"``), from its kept first hits
        (``mark``), or ``(None, None)``."""
        if not mark:
            return None, None
        least = q.bound == "least"
        if q.prop is None:                              # a count: the Nth (N + 1th) hit's instant
            need = _hits_needed(q)
            return (-mark[0], "met" if least else "breached") if len(mark) >= need else (None, None)
        total = Sum()
        items = sorted(mark, key=lambda m: m[0])
        for k, (at, value) in enumerate(items):         # the running sum after each instant
            total.add(value)
            if k + 1 < len(items) and items[k + 1][0] == at:
                continue
            reached = total.exact()
            if reached >= goal if least else reached > goal:
                return at, "met" if least else "breached"
        return None, None

    def _target(self, i: int) -> list[Verdict]:
        t = self.plan.targets[i]
        first = self.target_first[i]
        if first is None:
            return []
        if not self._target_grouped[i]:
            return self._target_periods(t, first, self.target_counts[i], None, False)
        return _by_rep([self._target_periods(t, rep_first, self.target_counts[i], rep, True)
                        for rep, rep_first in _reps(self.target_reps[i], t.by_field)])

    def _target_periods(self, t, first: int, counts: dict, rep, by_rep: bool) -> list[Verdict]:
        """A target's verdict per period from the one holding ``first`` (for one group of a
        grouped target: ``rep`` is the rep of `by assignee`, the group key of `by FIELD`)."""
        spans, zone = self._periods(t, first)
        out = []
        marks = None if self.target_marks is None else self.target_marks[_index_of(self.plan.targets, t)]
        goal = _goal_text(t.threshold)
        who = f"{_who(rep, t.by_field)}, " if by_rep else ""
        assignee, group = _labels(rep, t.by_field, by_rep)
        for label, start_date, start, end in spans:
            row = counts.get((start_date, rep) if by_rep else start_date)
            if row is None and by_rep and rep is None:
                continue                        # nobody's cycles: shown where there are some
            met, breached, undecided = row or (0, 0, 0)
            judged = met + breached
            value = met / judged if judged else None
            ended = end <= self.as_of
            if not ended or undecided:
                status = "pending"
            elif value is None or value >= t.threshold - 1e-12:
                status = "met"
            else:
                status = "breached"
            if judged:
                words = f"{met:,} of {judged:,} judged cycles met ({_share_text(met, judged)}; {goal})"
            else:
                words = f"no cycle to judge ({goal})"
            if undecided:
                words += f", {undecided:,} still open"
            if not ended:
                words += ", period in progress"
            # positional, as a quota's (overdue, response_seconds, attempts, then group)
            out.append(Verdict(None, t.name, "ratio", None, status, t.owner, assignee, t.segment, start, end,
                               None, None, None, None, value, t.threshold, [], f"{who}{label}: {words}.", label,
                               None, zone, False, None, None, dict(group) if group else None))
            if marks is not None:
                # decided at its end, or when its last undecided cycle was decided after it
                latest = marks.get((start_date, rep) if by_rep else start_date)
                decided = latest if latest is not None and latest > (end, False) else (end, False)
                out[-1].timeline = (*decided, None, None)
        return out


class Pace(NamedTuple):
    """Where a running period of an `at least` quota with `warn behind pace` stands as of
    ``as_of`` (:func:`on_pace`)."""

    share: Fraction             # the part of the period gone, 0..1 (its clock's time)
    expected: Fraction          # the goal times that share
    behind: bool                # the amount so far is below ``expected`` (strictly): at_risk
    warn_at: int | None         # the last instant still on pace if nothing more is counted
    timed: str | None           # the calendar whose working time the share is, None for wall-clock
    places: int = 0             # the decimals the goal is written with

    def words(self, period: str, amount) -> str:
        """``behind pace: 55% of the month gone, 660 expected by now`` or ``on pace (660
        expected by now)``; the expected amount rounded up to the decimals of the amount so
        far or of the goal, whichever has more (a count: a whole number), so "behind" reads
        as "fewer than the number shown", and the number shown is never above the goal."""
        expected = _expected_text(self.expected, amount, self.places)
        if not self.behind:
            return f"on pace ({expected} expected by now)"
        unit = "day" if period == "working day" else period
        what = f"the {unit}" if self.timed is None else f"the {unit}'s working time on `{self.timed}`"
        return f"behind pace: {rate_text(float(self.share), 0)} of {what} gone, {expected} expected by now"


def on_pace(clock, start: int, end: int, as_of: int, amount, goal, places: int | None = None) -> Pace:
    """The pace of a period from ``start`` to ``end`` (µs) running at ``as_of``, for an `at
    least` ``goal`` with ``amount`` so far (both exact: ints, Decimals, Fractions).

    The share gone is the clock's time from the start to ``as_of`` over the period's (real
    elapsed time for the agreement's wall clock, a DST change included; a calendar's working
    time, 0 throughout a period with none). The period is behind when ``amount < goal ×
    share``. ``warn_at`` is the last instant at which it is still on pace if nothing more is
    counted: it is behind at every instant after it (the expected amount passes the amount
    so far there); the period's start when it is behind from the start (an amount below
    zero), None when it never falls behind (the goal reached, a period with no working time).
    """
    places = _places(goal) if places is None else places      # the goal's decimals as written
    total = clock.working_us(start, end)
    done = clock.working_us(start, as_of) if total > 0 else 0
    share = Fraction(done, total) if total > 0 else Fraction(0)
    goal, amount = Fraction(goal), Fraction(amount)
    expected = goal * share
    if amount >= goal:
        warn_at = None
    elif amount < 0:                                    # below the pace of any share, even 0
        warn_at = start
    elif total <= 0:
        warn_at = None
    else:                                               # (0 <= amount < goal: goal > 0)
        # behind once the clock's time gone passes amount / goal of the period's: the first
        # whole µs past it is floor(amount × total / goal) + 1, and the instant before it is
        # the last one on pace
        warn_at = clock.add_us(start, amount * total // goal + 1) - 1
    timed = (clock.name or clock.timezone) if clock.time_words == "working time" else None
    return Pace(share, expected, amount < expected, warn_at, timed, places)


def _written_places(text: str) -> int:
    """The decimals of a number as the reason writes it (``10.5``, ``1,200``)."""
    point = text.find(".")
    return 0 if point < 0 else len(text) - point - 1


def _places(number) -> int:
    """The decimals ``number`` is written with (an int, a float as its shortest text, a
    Decimal as it is; a Fraction: none)."""
    if isinstance(number, float):
        number = Decimal(repr(number))
    return max(-number.as_tuple().exponent, 0) if isinstance(number, Decimal) else 0


def _expected_text(expected: Fraction, amount, goal_places: int = 0) -> str:
    """The expected amount rounded up to the decimals of ``amount`` or of the goal
    (``goal_places``), whichever has more (none for ints)."""
    places = max(_places(amount), goal_places)
    scaled = -(-expected.numerator * 10 ** places // expected.denominator)        # ceil
    if not places:
        return grouped(scaled)
    return grouped(Decimal(scaled).scaleb(-places))


class Sum:
    """One period's (and group's) sum of a `sum PROP of …` quota, added exactly in decimal:
    ints as ints, each float as the decimal it is written as (the shortest one that reads
    back as the same float, ``repr``: ``0.1`` is 1/10), a :class:`~decimal.Decimal` as
    itself; so neither the order of the events nor how the leads were split between
    processes changes a digit of it. A float is rounded once, when the value is written
    (:meth:`value`); the status compares the exact sum (:meth:`exact`) with the goal."""

    __slots__ = ("ints", "decimals", "added", "skipped", "floats")

    def __init__(self):
        self.ints = 0               # the ints added
        self.decimals = _ZERO       # the floats and Decimals added, exactly
        self.added = 0              # events added
        self.skipped = 0            # matching events without a number (SLA615)
        self.floats = False

    def add(self, value) -> None:
        if value is None:
            self.skipped += 1
            return
        self.added += 1
        if value.__class__ is int:
            self.ints += value
        else:
            self.decimals = _EXACT.add(self.decimals, as_decimal(value))
            self.floats = True

    def exact(self) -> int | Decimal:
        """The sum, exactly: an int, or a Decimal when a float or Decimal was added."""
        return _EXACT.add(self.decimals, self.ints) if self.floats else self.ints

    def value(self) -> int | float:
        """The sum as written: an int when every value added was an int, else the float
        nearest the exact decimal sum (its shortest form: ``0.3``); past the largest float,
        the whole number nearest it, exactly (a JSON number has no size limit)."""
        if not self.floats:
            return self.ints
        exact = self.exact()
        shown = float(exact)
        if shown - shown == 0:
            return shown
        return int(exact.to_integral_value(ROUND_HALF_EVEN))

    def words(self, prop: str, segment: str | None) -> str:
        """```amount` of 12 events of leads in `hot`; 2 more without a number in `amount`,
        not added``; ``no event to add up``."""
        leads = f" of leads in `{segment}`" if segment is not None else ""
        if not self.added and not self.skipped:
            return f"no event{leads} to add up"
        events = "1 event" if self.added == 1 else f"{self.added:,} events"
        text = f"`{prop}` of {events}{leads}"
        if self.skipped:
            text += f"; {self.skipped:,} more without a number in `{prop}`, not added"
        return text


_ZERO = Decimal(0)
_NO_SUM = Sum()             # an empty period (never added to)


def _index_of(goals: tuple, goal) -> int:
    return next(k for k, g in enumerate(goals) if g is goal)


def _hits_needed(q) -> int:
    """How many counted events a count quota's period needs to reach its `at least N` goal
    (``ceil(N)``) or exceed its `at most N` (``floor(N) + 1``); 0 when none does (a goal met
    or exceeded from the start: no event makes it happen); 0 for a sum (its values are kept)."""
    import math

    if q.prop is not None:
        return 0
    n = q.amount
    return max(math.ceil(n) if q.bound == "least" else math.floor(n) + 1, 0)


def _keep_first(marks: dict, key, at: int, need: int) -> None:
    """Keep the ``need`` earliest instants of period ``key`` (a max-heap of negated instants)."""
    import heapq

    heap = marks.get(key)
    if heap is None:
        marks[key] = [-at]
    elif len(heap) < need:
        heapq.heappush(heap, -at)
    elif at < -heap[0]:
        heapq.heapreplace(heap, -at)


def _decision(fold, v) -> tuple | None:
    """When a lead's verdict ``v`` (of a target's rule) was decided: ``(instant, after)``,
    :func:`slacode.escalate.decided_instant` (the `flow` verdict's: :func:`~slacode.escalate.flow_decided`),
    or None while undecided. A decided verdict that gives no instant counts as decided at its start."""
    from slacode.escalate import decided_instant, flow_decided

    if v.status in UNDECIDED:
        return None
    if v.cycle is None:                                 # the `flow` verdict
        got = flow_decided(fold)
    else:
        rf = next((r for r in fold.rules if r.plan.name == v.rule), None)
        cyc = None if rf is None else next((c for c in rf.cycles if c.number == v.cycle), None)
        clause = None if rf is None else next((c for c in rf.plan.clauses if c.key == v.clause), None)
        got = None if cyc is None or clause is None else decided_instant(clause, v, cyc, fold)
    if got is None and v.started_at is not None:
        got = (v.started_at, False)
    return got


def amount_text(n) -> str:
    """A sum or a sum's goal as people read it: ``1,250,000``, ``1,234.5``, ``-20`` (an int
    of any size exactly: :func:`~slacode.texts.grouped`)."""
    return grouped(n)


def rep_at(reps: list, end: int):
    """The rep who held the lead just before ``end`` (``reps``: the lead's ``(instant,
    assignee)`` per `assigned` event, in processing order; :attr:`LeadFold.reps`), None when
    nobody did. A `by assignee` target counts a cycle still open at its period's end for
    that rep: the period's groups are fixed once it has ended, whatever `as_of`."""
    from bisect import bisect_left

    k = bisect_left(reps, end, key=lambda r: r[0])
    return reps[k - 1][1] if k else None


def _earliest(firsts: dict, rep, at: int) -> None:
    known = firsts.get(rep)
    if known is None or at < known:
        firsts[rep] = at


def _reps(firsts: dict, by_field: str | None = None) -> list:
    """``(group, first instant)``: reps by name, nobody (``None``) last; the groups of a `by
    FIELD` goal by kind of value and value (:func:`slacode.groups.order`), missing last."""
    if by_field is not None:
        return sorted(firsts.items(), key=lambda kv: group_order(kv[0]))
    return sorted(firsts.items(), key=lambda kv: (kv[0] is None, kv[0] or ""))


def _who(rep, by_field: str | None) -> str:
    """The group as a reason names it: the rep, ``(unassigned)``, ``region "APAC"``."""
    return _rep_text(rep) if by_field is None else group_text(by_field, rep)


def _labels(rep, by_field: str | None, grouped: bool) -> tuple:
    """A verdict's ``assignee`` and ``group``: the rep of a `by assignee` goal, the
    ``{field: value}`` of a `by FIELD` goal."""
    if not grouped:
        return None, None
    if by_field is None:
        return rep, None
    return None, {by_field: group_value(rep)}


def _by_rep(per_rep: list[list[Verdict]]) -> list[Verdict]:
    """The verdicts of every rep, by period, then in the order of ``per_rep`` (stable sort)."""
    return sorted((v for verdicts in per_rep for v in verdicts), key=lambda v: v.started_at)


def _rep_text(rep) -> str:
    return rep if rep is not None else "(unassigned)"


def count_text(n) -> str:
    """A count or a count's goal as people read it, as :func:`amount_text` writes a sum:
    ``180``, ``2,000``, ``2.5``."""
    if n.__class__ is int:                  # exactly, however large (a goal of `let`s)
        return grouped(n)
    return f"{int(n):,}" if float(n).is_integer() else f"{n:,g}"


def _goal_text(threshold: float) -> str:
    """``goal 90%`` (one per target: kept)."""
    return _GOALS[threshold]


def _share_text(met: int, judged: int) -> str:
    """``87.5%``: ``met / judged`` as a percentage with one decimal (kept: periods of a few
    cycles give the same shares again and again)."""
    return _SHARES[met, judged]


_GOALS = instants.Kept(lambda threshold: f"goal {threshold * 100:g}%", 1024)
_SHARES = instants.Kept(lambda key: rate_text(key[0] / key[1]), 4096)
