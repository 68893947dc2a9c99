"""Working time and deadlines: business calendars (LANGUAGE.md §5 and §13 "Calendars").

A :class:`Calendar` says which instants are *working time*: those whose local time, in the
calendar's IANA timezone, falls inside its opening hours on a working date (not a public
holiday, not ``closed``; ``open`` dates use their special hours). Working time between two
instants is the real elapsed time of that set between them, so a DST change inside opening
hours shortens or lengthens that day, and one outside them changes nothing.

How it is computed
------------------
Instants are integers: microseconds since the Unix epoch, UTC. For every UTC calendar year
that a query touches, the calendar builds (once, on demand) the sorted list of its open
intervals as UTC instants: each date's wall-clock intervals are mapped onto the zone's
constant-offset segments (between two offset transitions ``wall = utc + offset`` is
monotone, so the instants whose wall time lies in ``[S, E)`` are ``[S - off, E - off)``
clipped to the segment). Wall times inside a spring-forward gap are hit by no segment and
are not working time; wall times repeated by a fall-back are hit by two segments and count
twice. The built years form *islands*, runs of contiguous years, each flattened into arrays
of interval starts, ends and cumulative working time, so ``working time up to t`` is one
``bisect`` and a deadline is one ``bisect`` on the cumulative array: a query costs the same
for an hour as for ten years. Nothing steps through minutes or days at query time.

A year within :data:`ISLAND_REACH` years of an island joins it (the years between are built
too); a year farther from every island (an event whose year was mistyped, 1026 for 2026)
starts an island of its own, so it costs one year, not the thousand between. Working time
between instants of two islands needs every year between, so only such a query works them
out, each once, and keeps each as one number (its working time), not its table: the sum is
the one a single table would give. A deadline that runs past its island's end grows the
island, and merges it into the next one when it reaches it.

``import slacode.calendar`` does not import the ``holidays`` package; a calendar imports it
the first time it builds a year that needs public holidays.
"""
from __future__ import annotations

import os
import re
import threading
from bisect import bisect_left, bisect_right
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Iterable, Mapping, Sequence
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from slacode.errors import SlacodeError

__all__ = ["Calendar", "WallClock", "CalendarError", "check_timezone", "check_holidays"]

SECOND_US = 1_000_000
MINUTE_US = 60 * SECOND_US
HOUR_US = 60 * MINUTE_US
DAY_US = 24 * HOUR_US
MINUTES_PER_DAY = 1440

#: A deadline search gives up after this many consecutive years without working time.
MAX_IDLE_YEARS = 50
#: Calendar years a calendar can build tables for (UTC years of the instants queried).
MIN_YEAR, MAX_YEAR = 1000, 9990
#: A year this many years or fewer from a built island joins it (building the years between);
#: a year farther away starts an island of its own. Real histories run over consecutive
#: years (a lead of December judged in January, a cycle over new year) and queries between
#: them need the years between anyway, so joining them early costs little (a year is about a
#: millisecond) and keeps them one table; a year more than three years from every island is almost
#: always a mistyped one (1026, 2062, 9026), which must not cost the centuries between.
ISLAND_REACH = 3

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_ONE_US = timedelta(microseconds=1)
# No UTC offset is this large (the tz database stays within about ±16 h).
_MAX_OFFSET_US = 26 * HOUR_US
# Offset samples are taken this far apart (a day); every change between two samples is then
# located to the second by bisection. A change back to the same offset within one step would
# go unseen: the tz database's closest two changes of one zone's offset are four days apart
# (Africa/Freetown, 1939; a week for Gaza's predicted Ramadan changes), and the rules it
# extrapolates far years with change twice a year, months apart. tests/test_calendar_islands.py
# checks, on every zone, that the offsets found equal an hourly scan's.
_SCAN_STEP_S = 86_400
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_HOLIDAY_CODE = re.compile(r"^[A-Za-z]{2,3}(?:-[^-]+)?$")

Interval = tuple[int, int]
Paused = Sequence[tuple[int, "int | None"]]


class CalendarError(SlacodeError, ValueError):
    """A calendar was defined or queried wrongly (bad zone, naive datetime, no deadline…)."""


# ---------------------------------------------------------------------------------------
# instants
# ---------------------------------------------------------------------------------------

def to_us(moment: datetime, what: str = "instant") -> int:
    """Microseconds since the epoch of an aware datetime; naive ones are refused."""
    if not isinstance(moment, datetime):
        raise CalendarError(f"{what} must be a datetime, got {type(moment).__name__}")
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise CalendarError(
            f"{what} {moment.isoformat()} has no timezone; pass an aware datetime "
            "(for example datetime(..., tzinfo=ZoneInfo('UTC')))"
        )
    return (moment - _EPOCH) // _ONE_US


def from_us(instant: int, tz: ZoneInfo) -> datetime:
    """The aware datetime, in zone ``tz``, of an epoch-microsecond instant."""
    return (_EPOCH + timedelta(microseconds=instant)).astimezone(tz)


def duration_us(duration: timedelta) -> int:
    """A timedelta as whole microseconds."""
    if not isinstance(duration, timedelta):
        raise CalendarError(f"a duration must be a timedelta, got {type(duration).__name__}")
    return duration // _ONE_US


def _year_start_us(year: int) -> int:
    return (date(year, 1, 1).toordinal() - _EPOCH_ORDINAL) * DAY_US


#: The first instant after the supported years.
_END_US = _year_start_us(MAX_YEAR + 1)
_PAST_COVERED = f"the deadline falls after {MAX_YEAR}, the last year calendars cover"
_YEAR_US_MOST = 366 * 86_400_000_000       # the most working time a year can hold: all of it


def _year_of(instant: int) -> int:
    """The UTC calendar year of an instant (CalendarError outside the supported years)."""
    ordinal = instant // DAY_US + _EPOCH_ORDINAL
    if not date(MIN_YEAR, 1, 1).toordinal() <= ordinal < date(MAX_YEAR + 1, 1, 1).toordinal():
        try:
            shown = f"{date.fromordinal(ordinal).isoformat()} (UTC)"
        except (ValueError, OverflowError):
            shown = f"{instant} (epoch microseconds)"
        raise CalendarError(f"the instant {shown} is outside the years calendars cover, "
                            f"{MIN_YEAR}-{MAX_YEAR}")
    return date.fromordinal(ordinal).year


# ---------------------------------------------------------------------------------------
# zone offsets
# ---------------------------------------------------------------------------------------

def _offset_us(tz: ZoneInfo, second: int) -> int:
    """The zone's UTC offset (µs) at epoch second ``second``."""
    # fromutc reads the fields of a datetime whose tzinfo is the zone itself as UTC.
    utc_fields = datetime(1970, 1, 1, tzinfo=tz) + timedelta(seconds=second)
    return tz.utcoffset(tz.fromutc(utc_fields)) // _ONE_US


@lru_cache(maxsize=4096)
def _year_transitions(tz: ZoneInfo, year: int) -> tuple[tuple[int, int], ...]:
    """Every UTC-offset change in UTC year ``year``: ``(instant_us, new_offset_us)``.

    The offset is sampled daily; where two samples differ, the change is located to the
    second by bisection (tz database transitions fall on whole seconds), and again in the
    rest of the day when the offset found is not yet the later sample's (two changes in one
    day, which the tz database does not have, are still both found). A year costs ~400
    offset look-ups, where an hourly scan cost ~8,800.
    """
    start = _year_start_us(year) // SECOND_US
    end = _year_start_us(year + 1) // SECOND_US
    found: list[tuple[int, int]] = []
    prev_s, prev_off = start - 1, _offset_us(tz, start - 1)
    step = timedelta(seconds=_SCAN_STEP_S)
    utc_fields = datetime(1970, 1, 1, tzinfo=tz) + timedelta(seconds=start)
    fromutc, utcoffset = tz.fromutc, tz.utcoffset
    for s in range(start, end + _SCAN_STEP_S, _SCAN_STEP_S):
        if s >= end:  # the last sample is the year's last second
            s = end - 1
            utc_fields = datetime(1970, 1, 1, tzinfo=tz) + timedelta(seconds=s)
        off = utcoffset(fromutc(utc_fields)) // _ONE_US
        utc_fields += step
        lo, before = prev_s, prev_off
        while off != before:
            hi = s              # offset(lo) is ``before``, offset(hi) another one
            while hi - lo > 1:
                mid = (lo + hi) // 2
                if _offset_us(tz, mid) == before:
                    lo = mid
                else:
                    hi = mid
            before = _offset_us(tz, hi)
            found.append((hi * SECOND_US, before))
            lo = hi
        prev_s, prev_off = s, off
    return tuple(found)


def _segments(tz: ZoneInfo, lo: int, hi: int) -> tuple[list[int], list[int]]:
    """Constant-offset segments covering ``[lo, hi)``: their starts and offsets (µs)."""
    starts = [lo]
    offsets = [_offset_us(tz, lo // SECOND_US)]
    for year in range(_year_of(lo), _year_of(hi - 1) + 1):
        for instant, off in _year_transitions(tz, year):
            if lo < instant < hi and off != offsets[-1]:
                starts.append(instant)
                offsets.append(off)
    return starts, offsets


def _wall_to_instants(
    wall_start: int, wall_end: int, seg_starts: list[int], seg_offsets: list[int], hi: int
) -> list[Interval]:
    """The instants in the segments whose wall time (utc + offset) lies in [start, end)."""
    out = []
    n = len(seg_starts)
    k = max(0, bisect_right(seg_starts, wall_start - _MAX_OFFSET_US) - 1)
    while k < n and seg_starts[k] < wall_end + _MAX_OFFSET_US:
        off = seg_offsets[k]
        seg_end = seg_starts[k + 1] if k + 1 < n else hi
        a = max(seg_starts[k], wall_start - off)
        b = min(seg_end, wall_end - off)
        if a < b:
            out.append((a, b))
        k += 1
    return out


# ---------------------------------------------------------------------------------------
# validation helpers
# ---------------------------------------------------------------------------------------

def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _check_interval(interval: object, where: str) -> Interval:
    """Validate one ``(start, end)`` pair of minutes; returns it as a tuple."""
    try:
        start, end = interval  # type: ignore[misc]
    except (TypeError, ValueError):
        raise CalendarError(f"{where}: an interval is a (start, end) pair of minutes, got {interval!r}") from None
    for v in (start, end):
        if not isinstance(v, int) or isinstance(v, bool):
            raise CalendarError(f"{where}: interval bounds are whole minutes (int), got {v!r}")
    if not 0 <= start < MINUTES_PER_DAY:
        raise CalendarError(f"{where}: an interval starts between 00:00 and 23:59, got minute {start}")
    if not 0 <= end <= MINUTES_PER_DAY:
        raise CalendarError(f"{where}: an interval ends between 00:00 and 24:00, got minute {end}")
    if start == end:
        raise CalendarError(
            f"{where}: the interval {_hhmm(start)}-{_hhmm(end)} starts and ends at the same time"
        )
    return (start, end)


def _span(interval: Interval) -> Interval:
    """Minutes from the start of its date: overnight intervals end past 1440."""
    start, end = interval
    return (start, end if end > start else end + MINUTES_PER_DAY)


def _check_disjoint(spans: list[tuple[int, int, str]], where: str) -> None:
    """Raise if any two ``(start, end, label)`` minute ranges overlap."""
    spans = sorted(spans)
    for (s1, e1, l1), (s2, e2, l2) in zip(spans, spans[1:]):
        if s2 < e1:
            raise CalendarError(f"{where}: overlapping intervals {l1} and {l2}")


def _label(weekday: int, interval: Interval) -> str:
    return f"{_WEEKDAYS[weekday]} {_hhmm(interval[0])}-{_hhmm(interval[1])}"


def _as_date(value: object, where: str) -> date:
    if isinstance(value, datetime) or not isinstance(value, date):
        raise CalendarError(f"{where}: expected a date, got {value!r}")
    return value


def _load_zone(name: object) -> ZoneInfo:
    if isinstance(name, ZoneInfo):
        return name
    problem = check_timezone(name)  # type: ignore[arg-type]
    if problem:
        raise CalendarError(problem)
    return ZoneInfo(name)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------
# clocks
# ---------------------------------------------------------------------------------------

def _gap_end_us(tz: ZoneInfo, lo: int, hi: int) -> int:
    """The instant the clocks jump forward, between ``lo`` and ``hi`` (a skipped local time
    read with the offset after and before the change): the first one with the later offset."""
    after = from_us(hi, tz).utcoffset()
    while hi - lo > 1:
        mid = (lo + hi) // 2
        if from_us(mid, tz).utcoffset() == after:
            hi = mid
        else:
            lo = mid
    return hi


class _Clock:
    """What a calendar and the wall clock share: the datetime API and paused intervals.

    Subclasses provide ``_span_us(a, b)`` (working µs in ``[a, b]``, ``a <= b``) and
    ``_add_plain(a, d)`` (earliest ``t >= a`` with ``_span_us(a, t) >= d``, ``d > 0``).
    """

    name: str | None
    timezone: str
    tz: ZoneInfo
    _frozen = False                     # set once constructed: the public attributes are final

    def __setattr__(self, name: str, value) -> None:
        if self._frozen and not name.startswith("_"):
            raise AttributeError(f"a calendar cannot be changed ({name!r}); build another one")
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        if self._frozen and not name.startswith("_"):
            raise AttributeError(f"a calendar cannot be changed ({name!r}); build another one")
        object.__delattr__(self, name)

    # -- integer API --------------------------------------------------------------------
    def working_us(self, a_us: int, b_us: int, paused: Paused | None = None) -> int:
        """Working µs between two instants, minus paused time; negative when ``b < a``."""
        if b_us < a_us:
            return -self.working_us(b_us, a_us, paused)
        total = self._span_us(a_us, b_us)
        if paused:
            last_end: object = _NO_PAUSE
            for ps, pe in paused:
                _check_pause(ps, pe, last_end)
                last_end = pe
                lo = ps if ps > a_us else a_us
                hi = b_us if pe is None or pe > b_us else pe
                if lo < hi:
                    total -= self._span_us(lo, hi)
                if pe is None or pe >= b_us:
                    break
        return total

    def add_us(self, a_us: int, dur_us: int, paused: Paused | None = None) -> int:
        """Deadline: earliest ``t >= a`` whose working time from ``a``, minus pauses, is ``dur``."""
        if dur_us < 0:
            raise CalendarError("a deadline needs a duration of zero or more")
        if dur_us == 0:
            return a_us
        if not paused:
            return self._add_plain(a_us, dur_us)
        cursor, remaining = a_us, dur_us
        last_end: object = _NO_PAUSE
        for ps, pe in paused:
            _check_pause(ps, pe, last_end)
            last_end = pe
            if pe is not None and pe <= cursor:
                continue
            if ps > cursor:
                before = self._span_us(cursor, ps)
                if before >= remaining:
                    return self._add_plain(cursor, remaining)
                remaining -= before
            if pe is None:
                raise CalendarError(
                    "no deadline: the clock is paused with no end before the target is reached"
                )
            cursor = pe
        return self._add_plain(cursor, remaining)

    # -- datetime API -------------------------------------------------------------------
    def working_time(self, a: datetime, b: datetime, paused: Iterable | None = None) -> timedelta:
        """Working time between two aware datetimes (negative when ``b`` is before ``a``)."""
        us = self.working_us(to_us(a, "start"), to_us(b, "end"), _paused_us(paused))
        return timedelta(microseconds=us)

    def add(self, a: datetime, duration: timedelta, paused: Iterable | None = None) -> datetime:
        """The deadline of a clock started at ``a`` with target ``duration`` of working time.

        ``timedelta(days=2)`` is 48 working hours; converting the language's ``2d`` with
        :attr:`day_length` is the caller's job. The result is in the calendar's zone.
        """
        t = self.add_us(to_us(a, "start"), duration_us(duration), _paused_us(paused))
        return from_us(t, self.tz)

    def is_open(self, t: datetime) -> bool:
        """Whether ``t`` is working time (intervals include their start, exclude their end)."""
        return self.is_open_us(to_us(t))

    def next_open(self, t: datetime) -> datetime:
        """``t`` itself when open, else the next instant working time starts (calendar zone)."""
        return from_us(self.next_open_us(to_us(t)), self.tz)

    # -- working days (targets by the working day, an extension) ---------------------------
    def _spans_of(self, ordinal: int) -> tuple[Interval, ...]:  # pragma: no cover - abstract
        """A date's intervals in minutes from its midnight (overnight ones end past 1440)."""
        raise NotImplementedError

    def date_intervals_us(self, ordinal: int) -> list[Interval]:
        """The working intervals that belong to the local date ``ordinal`` (a proleptic
        Gregorian ordinal, ``date.toordinal()``), as sorted ``(start, end)`` epoch µs: its
        hours mapped through the zone as the tables map them (a local time the clocks skip
        is none, a repeated one counts twice). An overnight interval belongs to the date it
        starts (§5); a holiday or ``closed`` date has none. Kept per date once worked out."""
        cache = self._memo("_dates")
        found = cache.get(ordinal)
        if found is None:
            found = cache[ordinal] = tuple(self._date_intervals(ordinal))
        return list(found)

    def _date_intervals(self, ordinal: int) -> list[Interval]:
        spans = self._spans_of(ordinal)
        if not spans:
            return []
        midnight = (ordinal - _EPOCH_ORDINAL) * DAY_US          # the date's 00:00 as wall µs
        lo, hi = midnight - _MAX_OFFSET_US, midnight + 2 * DAY_US + _MAX_OFFSET_US
        if not _year_start_us(MIN_YEAR) <= lo or hi >= _END_US:
            raise CalendarError(f"the date {date.fromordinal(ordinal).isoformat()} is outside the years "
                                f"calendars cover, {MIN_YEAR}-{MAX_YEAR}")
        seg_starts, seg_offsets = _segments(self.tz, lo, hi)
        out: list[Interval] = []
        for s, e in spans:
            out.extend(_wall_to_instants(midnight + s * MINUTE_US, midnight + e * MINUTE_US,
                                         seg_starts, seg_offsets, hi))
        out.sort()
        return out

    def working_date_us(self, t_us: int) -> tuple[int, int]:
        """The working date a clock started at ``t`` counts in, and the first working instant
        at or after ``t``: ``(the date's ordinal, instant)``. That instant belongs to one of
        the date's intervals; an overnight interval's after-midnight part belongs to the date
        it started (where a special opening overlaps the previous night, the earlier date)."""
        first = self.next_open_us(t_us)
        local = from_us(first, self.tz).date().toordinal()
        for ordinal in (local - 1, local):
            if any(a <= first < b for a, b in self.date_intervals_us(ordinal)):
                return ordinal, first
        return local, first                                 # pragma: no cover - an open instant has a date

    def _memo(self, name: str) -> dict:
        """A dict kept on the calendar for one of the working-day lookups below, which are
        pure functions of the date (all leads share the calendar; a year has 365 dates)."""
        cache = self.__dict__.get(name)
        if cache is None:
            cache = self.__dict__[name] = {}
        return cache

    def next_working_date(self, ordinal: int) -> int:
        """The first date after ``ordinal`` with working time (its ordinal)."""
        memo = self._memo("_next_working")
        found = memo.get(ordinal)
        if found is not None:
            return found
        for k in range(1, MAX_IDLE_YEARS * 366 + 1):
            if self.date_intervals_us(ordinal + k):
                memo[ordinal] = ordinal + k
                return ordinal + k
        raise CalendarError(f"calendar {self.name or self.timezone!r} has no working day in the {MAX_IDLE_YEARS} "
                            f"years after {date.fromordinal(ordinal).isoformat()}")

    def close_us(self, ordinal: int) -> int:
        """The close of a working date: the end of its last interval (the next morning for an
        overnight one)."""
        memo = self._memo("_closes")
        found = memo.get(ordinal)
        if found is None:
            found = memo[ordinal] = max(b for _, b in self.date_intervals_us(ordinal))
        return found

    def time_on_us(self, ordinal: int, minutes: int) -> int:
        """The instant a working date's local clock shows ``minutes`` (after its midnight,
        ``1440`` = 24:00). A date whose hours run past midnight (a night shift) reads its
        times in the 24 hours from its first opening: a time before that opening is the next
        morning's (``04:00`` of a shift ``22:00-06:00`` or ``22:00-02:00`` is the morning
        after, even past the close). Any other date reads them on the date itself.
        A local time the clocks skip (a spring-forward gap) is the first instant after the
        gap, as the calendar's hours read it; one the clocks show twice is its first."""
        memo = self._memo("_times_on")
        found = memo.get((ordinal, minutes))
        if found is None:
            found = memo[ordinal, minutes] = self._time_on_us(ordinal, minutes)
        return found

    def _time_on_us(self, ordinal: int, minutes: int) -> int:
        spans = self._spans_of(ordinal)
        if spans and minutes < min(s for s, _ in spans) and max(e for _, e in spans) > MINUTES_PER_DAY:
            minutes += MINUTES_PER_DAY
        day = date.fromordinal(ordinal + minutes // MINUTES_PER_DAY)
        rest = minutes % MINUTES_PER_DAY
        local = datetime(day.year, day.month, day.day, rest // 60, rest % 60, tzinfo=self.tz)
        t = to_us(local)
        if from_us(t, self.tz).replace(tzinfo=None) == local.replace(tzinfo=None):
            return t
        return _gap_end_us(self.tz, to_us(local.replace(fold=1)), t)

    # -- to implement -------------------------------------------------------------------
    def _span_us(self, a: int, b: int) -> int:  # pragma: no cover - abstract
        raise NotImplementedError

    def _add_plain(self, a: int, d: int) -> int:  # pragma: no cover - abstract
        raise NotImplementedError

    def is_open_us(self, t_us: int) -> bool:  # pragma: no cover - abstract
        raise NotImplementedError

    def open_each(self, instants_us) -> list[bool]:
        """:meth:`is_open_us` of many instants (a cycle's attempts)."""
        return [self.is_open_us(t) for t in instants_us]

    def next_open_us(self, t_us: int) -> int:  # pragma: no cover - abstract
        raise NotImplementedError


def _check_pause(ps: int, pe: int | None, previous_end: object) -> None:
    """Refuse a paused interval that ends before it starts or overlaps the previous one."""
    if pe is not None and pe < ps:
        raise CalendarError("a paused interval ends before it starts")
    if previous_end is not _NO_PAUSE and (previous_end is None or ps < previous_end):  # type: ignore[operator]
        raise CalendarError("paused intervals must be sorted and disjoint")


_NO_PAUSE = object()
#: Every date of the wall clock: one working day from midnight to midnight.
_WHOLE_DAY: tuple[Interval, ...] = ((0, MINUTES_PER_DAY),)


def _paused_us(paused: Iterable | None) -> list[tuple[int, int | None]] | None:
    if not paused:
        return None
    out = []
    for item in paused:
        try:
            start, end = item
        except (TypeError, ValueError):
            raise CalendarError(f"a paused interval is a (start, end) pair, got {item!r}") from None
        out.append((to_us(start, "pause start"), None if end is None else to_us(end, "pause end")))
        _check_pause(*out[-1], out[-2][1] if len(out) > 1 else _NO_PAUSE)
    return out


class WallClock(_Clock):
    """No calendar: every instant is working time and a day is 24 hours."""

    time_words = "wall-clock time"      # how verdict reasons name the time it counts

    def __init__(self, timezone: str = "UTC", name: str | None = None) -> None:
        self.tz = _load_zone(timezone)
        self.timezone = self.tz.key
        self.name = name
        self._frozen = True

    @property
    def day_length(self) -> timedelta:
        return timedelta(hours=24)

    def __repr__(self) -> str:
        return f"WallClock(timezone={self.timezone!r})"

    def working_us(self, a_us: int, b_us: int, paused: Paused | None = None) -> int:
        """:meth:`_Clock.working_us`; without pauses, every instant counts."""
        if paused:
            return _Clock.working_us(self, a_us, b_us, paused)
        return b_us - a_us

    def add_us(self, a_us: int, dur_us: int, paused: Paused | None = None) -> int:
        """:meth:`_Clock.add_us`; without pauses, the duration itself."""
        if paused or dur_us < 0:
            t = _Clock.add_us(self, a_us, dur_us, paused)
        else:
            t = a_us + dur_us
        if t >= _END_US:                 # as a calendar's search stops there (and datetime soon after)
            raise CalendarError(_PAST_COVERED)
        return t

    def _span_us(self, a: int, b: int) -> int:
        return b - a

    def _add_plain(self, a: int, d: int) -> int:
        return a + d

    def is_open_us(self, t_us: int) -> bool:
        return True

    def _spans_of(self, ordinal: int) -> tuple[Interval, ...]:
        return _WHOLE_DAY

    def next_open_us(self, t_us: int) -> int:
        return t_us


class Calendar(_Clock):
    """Working hours in a timezone, with public holidays, closed dates and special openings.

    ``hours`` pairs a set of weekdays (0 = Monday … 6 = Sunday) with intervals in minutes of
    the local day; an interval whose end is before its start runs overnight and belongs to
    the date it starts; ``(0, 1440)`` is a whole day. ``holidays`` are country or
    ``country-subdivision`` codes of the ``holidays`` package (its default category,
    ``public``); ``holiday_categories`` maps a code to more categories of the package
    (``{"BR": ["optional"]}``) and ``holiday_names`` to the names of the days to add from
    the categories of days off (``{"BR": ["Carnival"]}``, matched in English, ignoring case:
    :mod:`slacode.holiday_days`).
    ``closed`` dates have no working time (including the after-midnight part of an
    overnight interval that starts on them). ``open`` maps a date to special hours that
    replace its regular ones; it wins over weekends, holidays and ``closed``.
    ``day_length`` is the length of ``1d``; by default the largest total of one weekday's
    intervals.
    """

    time_words = "working time"         # how verdict reasons name the time it counts

    def __init__(
        self,
        timezone: str = "UTC",
        hours: Iterable[tuple[Iterable[int], Iterable[Interval]]] = (),
        holidays: Iterable[str] = (),
        closed: Iterable[date] = (),
        open: Mapping[date, Iterable[Interval]] | None = None,  # noqa: A002 - the language's word
        day_length: timedelta | None = None,
        name: str | None = None,
        holiday_categories: Mapping[str, Iterable[str]] | None = None,
        holiday_names: Mapping[str, Iterable[str]] | None = None,
    ) -> None:
        self.name = name
        self.tz = _load_zone(timezone)
        self.timezone = self.tz.key
        self._weekly = _weekly_hours(hours)
        self.holidays = _holiday_codes(holidays)
        self.holiday_categories = _holiday_extras(holiday_categories, self.holidays, "holiday_categories")
        self.holiday_names = _holiday_extras(holiday_names, self.holidays, "holiday_names")
        self._holiday_keys = tuple(
            (code, tuple(sorted(set(self.holiday_categories.get(code, ())))),
             tuple(sorted({_fold_name(n) for n in self.holiday_names.get(code, ())})))
            for code in self.holidays)
        self.closed = frozenset(_as_date(d, "closed") for d in (closed or ()))
        self.open = _special_hours(open or {})
        self._day_length = _day_length(self._weekly, day_length)
        self._closed_ord = frozenset(d.toordinal() for d in self.closed)
        self._open_ord = {d.toordinal(): tuple(_span(i) for i in ivs) for d, ivs in self.open.items()}
        self._weekly_spans = tuple(tuple(_span(i) for i in self._weekly[w]) for w in range(7))
        # the most working time a year can hold: each weekday 53 times, with an hour more for a
        # day that gains one at a daylight-saving change, and every special opening in full
        minutes = sum(53 * (sum(e - s for s, e in spans) + (60 if spans else 0)) for spans in self._weekly_spans)
        minutes += sum(e - s for spans in self._open_ord.values() for s, e in spans)
        self._year_us_most = min(minutes * MINUTE_US, _YEAR_US_MOST)
        self._holiday_years: dict[int, frozenset[int]] = {}
        self._years: dict[int, tuple[list[int], list[int]]] = {}
        # the islands of built years: their snapshots (lo_us, hi_us, table), sorted, and their
        # lo_us; the main snapshot is the one the hot paths read first (none yet: empty)
        self._islands: tuple[tuple[int, ...], tuple[tuple[int, int, tuple], ...]] = ((), ())
        self._main: tuple[int, int, tuple] = (0, 0, ([], [], [], []))
        self._totals: dict[int, int] = {}   # working µs of years kept as a number (_year_total)
        self._lock = threading.Lock()       # one thread at a time changes the islands (_cover)
        self._lock_pid = os.getpid()        # … of this process (a fork makes its own)
        self._frozen = True

    def __getstate__(self) -> dict:
        state = self.__dict__.copy()
        del state["_lock"]
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)
        self._lock, self._lock_pid = threading.Lock(), os.getpid()

    # -- public properties --------------------------------------------------------------
    @property
    def day_length(self) -> timedelta:
        """The length of ``1d`` on this calendar."""
        return self._day_length

    @property
    def hours(self) -> dict[int, tuple[Interval, ...]]:
        """Regular hours by weekday (0 = Monday), as given (overnight ends below starts)."""
        return {w: ivs for w, ivs in enumerate(self._weekly) if ivs}

    def __repr__(self) -> str:
        return f"Calendar(name={self.name!r}, timezone={self.timezone!r})"

    # -- integer API --------------------------------------------------------------------
    # The hot paths read one snapshot, ``self._main``: ``(lo_us, hi_us, table)`` of an island
    # (the one last used), so a lead whose instants are all in one island reads no lock and
    # no list of islands. Any other instant goes through :meth:`_island`.
    def working_us(self, a_us: int, b_us: int, paused: Paused | None = None) -> int:
        """:meth:`_Clock.working_us`. Verdicts ask it once or twice per cycle, mostly with no
        pause and inside the built years: then it is two lookups in the cumulative table,
        without the general path's layers."""
        lo, hi, tab = self._main
        if paused or b_us < a_us or not (lo <= a_us and b_us < hi):
            return _Clock.working_us(self, a_us, b_us, paused)
        return _cumulative(tab, b_us) - _cumulative(tab, a_us)

    def add_us(self, a_us: int, dur_us: int, paused: Paused | None = None) -> int:
        """:meth:`_Clock.add_us`; with no pause and a positive duration, straight to
        :meth:`_add_plain` (the deadline of every cycle)."""
        if paused or dur_us <= 0:
            return _Clock.add_us(self, a_us, dur_us, paused)
        return self._add_plain(a_us, dur_us)

    def is_open_us(self, t_us: int) -> bool:
        """Whether the epoch-µs instant is working time."""
        lo, hi, tab = self._main
        if not lo <= t_us < hi:
            lo, hi, tab = self._island(t_us)
        starts, ends, _, _ = tab
        i = bisect_right(starts, t_us) - 1
        return i >= 0 and t_us < ends[i]

    def open_each(self, instants_us) -> list[bool]:
        """:meth:`is_open_us` of many instants (a cycle's attempts): when they all fall in
        the main island, one comprehension over its table; else one at a time, finding (or
        building) each one's island."""
        if instants_us.__class__ is not list:
            instants_us = list(instants_us)
        lo, hi, tab = self._main
        if instants_us and lo <= min(instants_us) and max(instants_us) < hi:
            starts, ends, _, _ = tab
            return [(i := bisect_right(starts, t) - 1) >= 0 and t < ends[i] for t in instants_us]
        out = []
        for t_us in instants_us:
            if not lo <= t_us < hi:
                lo, hi, tab = self._island(t_us)
            starts, ends, _, _ = tab
            i = bisect_right(starts, t_us) - 1
            out.append(i >= 0 and t_us < ends[i])
        return out

    def next_open_us(self, t_us: int) -> int:
        """``t`` when open, else the start of the next open interval (epoch µs)."""
        snap = self._main
        if not snap[0] <= t_us < snap[1]:
            snap = self._island(t_us)
        while True:
            starts, ends, _, _ = snap[2]
            i = bisect_right(starts, t_us) - 1
            if i >= 0 and t_us < ends[i]:
                return t_us
            if i + 1 < len(starts):
                return starts[i + 1]
            snap = self._extend_forward(t_us, snap)

    def _span_us(self, a: int, b: int) -> int:
        lo, hi, tab = self._main
        if not (lo <= a < hi and lo <= b < hi):
            return self._span_across(a, b)
        return _cumulative(tab, b) - _cumulative(tab, a)

    def _add_plain(self, a: int, d: int) -> int:
        snap = self._main
        if not snap[0] <= a < snap[1]:
            snap = self._island(a)
        while True:
            tab = snap[2]
            starts, _, cum, cum_end = tab
            target = _cumulative(tab, a) + d
            i = bisect_left(cum_end, target)
            if i < len(cum_end):
                return starts[i] + (target - cum[i])
            snap = self._extend_forward(a, snap, target - (cum_end[-1] if cum_end else 0))

    # -- tables -------------------------------------------------------------------------
    def years_built(self) -> list[tuple[int, int]]:
        """The islands of built years, as ``(first, last)`` UTC years, in order: what the
        calendar keeps in memory (each year a few tens of kB of tables)."""
        return [(_year_of(lo), _year_of(hi - 1)) for lo, hi, _ in self._islands[1]]

    def _island(self, t_us: int) -> tuple[int, int, tuple]:
        """The snapshot ``(lo_us, hi_us, table)`` of the island holding ``t`` (built when
        none does: :meth:`_ensure`); it becomes the main one, which the hot paths read."""
        los, snaps = self._islands
        k = bisect_right(los, t_us) - 1
        if k >= 0 and t_us < snaps[k][1]:
            snap = self._main = snaps[k]
            return snap
        return self._ensure(t_us)

    def _span_across(self, a: int, b: int) -> int:
        """Working µs in ``[a, b]`` (``a <= b``) when they are not both in the main island.
        In two islands: the rest of ``a``'s island, the working time of every year between
        (:meth:`_year_total`) and the start of ``b``'s island, the same sum a table of all
        those years would give, without keeping the tables of the years between."""
        snap = self._island(a)
        if not snap[0] <= b < snap[1]:
            other = self._island(b)                 # may have joined a's island (within reach)
            if not other[0] <= a < other[1]:
                tab = snap[2]
                cum_end = tab[3]
                total = (cum_end[-1] if cum_end else 0) - _cumulative(tab, a) + _cumulative(other[2], b)
                for year in range(_year_of(snap[1]), _year_of(other[0])):
                    total += self._year_total(year)
                return total
            snap = other
        tab = snap[2]
        return _cumulative(tab, b) - _cumulative(tab, a)

    def _year_total(self, year: int) -> int:
        """The working µs of UTC year ``year``: from its table when built, else worked out
        once and kept as one number (the years between two islands: a history of 1026 and
        2026 keeps a thousand numbers, not a thousand years of tables)."""
        found = self._totals.get(year)
        if found is None:
            built = self._years.get(year)
            starts, ends = built if built is not None else self._build_year(year)
            found = self._totals[year] = sum(ends) - sum(starts)
        return found

    def _extend_forward(self, since: int, snap: tuple[int, int, tuple], missing: int = 0) -> tuple[int, int, tuple]:
        """Build the year after the island ``snap`` (whose table ends before ``since``'s
        answer), unless working time has been missing for too long; with ``missing`` working
        time still to find past the table, as many years as the island's years suggest it
        needs, at once (each extension rebuilds the island's table: a year at a time, a clock
        of a century costs a century of rebuilds), and refuse at once a clock that cannot end
        before the last year covered, which only a year of wall time per year could reach.
        The island grows into the next one when it reaches it. Returns the grown island."""
        lo_us, hi_us, tab = snap
        starts, ends, _, cum_end = tab
        anchor = since
        if ends and ends[-1] > anchor:
            anchor = ends[-1]
        ylo = _year_of(lo_us)
        nxt = _year_of(hi_us - 1) + 1
        if nxt - _year_of(anchor) > MAX_IDLE_YEARS:
            raise CalendarError(
                f"calendar {self.name or self.timezone!r} has no working time in the "
                f"{MAX_IDLE_YEARS} years after {from_us(anchor, self.tz).isoformat()}"
            )
        if nxt > MAX_YEAR:
            raise CalendarError(_PAST_COVERED)
        years = 1
        if missing > 0:
            if self._year_us_most and missing > (MAX_YEAR - nxt + 1) * self._year_us_most:
                raise CalendarError(_PAST_COVERED)
            per_year = (cum_end[-1] if cum_end else 0) / (nxt - ylo)
            if per_year > 0:
                years = max(1, min(-(-missing // int(per_year) if per_year >= 1 else missing), MAX_YEAR - nxt + 1))
        return self._cover(ylo, nxt + years - 1)

    def _ensure(self, t_us: int) -> tuple[int, int, tuple]:
        """Build the tables for the UTC year of ``t``: in the island it is within
        :data:`ISLAND_REACH` years of (with the years between), else in an island of its own.
        Returns that island's snapshot, now the main one."""
        year = _year_of(t_us)
        return self._cover(year, year)

    def _cover(self, first: int, last: int) -> tuple[int, int, tuple]:
        """Make one island hold the years ``first`` … ``last``, with every island within
        :data:`ISLAND_REACH` years of them (the missing years are built); returns its
        snapshot, now the main one.

        Thread-safe: the islands are read and changed under the calendar's lock (so two
        threads building different years cannot lose one of them), and readers, which take
        no lock, only ever see complete snapshots: a snapshot ``(lo_us, hi_us, table)`` is a
        tuple built before it is published and never changed after, so its table covers its
        bounds; ``_main`` and ``_islands`` are each replaced by one assignment. A process
        forked while another thread held the lock gets a lock of its own."""
        if self._lock_pid != os.getpid():
            self._lock, self._lock_pid = threading.Lock(), os.getpid()
        with self._lock:
            lo_us, hi_us = _year_start_us(first), _year_start_us(last + 1)
            _, snaps = self._islands
            for snap in snaps:
                if snap[0] <= lo_us and hi_us <= snap[1]:        # another thread built it
                    self._main = snap
                    return snap
            lo, hi = first, last
            kept = []
            for snap in snaps:           # islands within reach join (they are farther apart)
                ylo, yhi = _year_of(snap[0]), _year_of(snap[1] - 1)
                if ylo <= last + ISLAND_REACH and yhi >= first - ISLAND_REACH:
                    lo, hi = min(lo, ylo), max(hi, yhi)
                else:
                    kept.append(snap)
            built = {y: self._build_year(y) for y in range(lo, hi + 1) if y not in self._years}
            self._years.update(built)    # may raise above: commit nothing before
            snap = self._flatten(lo, hi)
            kept.append(snap)
            kept.sort()
            self._islands = (tuple(s[0] for s in kept), tuple(kept))
            self._main = snap
            return snap

    def _flatten(self, lo: int, hi: int) -> tuple[int, int, tuple]:
        """The snapshot of the cumulative table of years ``lo`` … ``hi`` (built)."""
        starts: list[int] = []
        ends: list[int] = []
        for y in range(lo, hi + 1):
            ys, ye = self._years[y]
            starts.extend(ys)
            ends.extend(ye)
        cum: list[int] = []
        cum_end: list[int] = []
        acc = 0
        for s, e in zip(starts, ends):
            cum.append(acc)
            acc += e - s
            cum_end.append(acc)
        return (_year_start_us(lo), _year_start_us(hi + 1), (starts, ends, cum, cum_end))

    def _build_year(self, year: int) -> tuple[list[int], list[int]]:
        """The open intervals (UTC µs, sorted, merged) inside UTC year ``year``."""
        lo, hi = _year_start_us(year), _year_start_us(year + 1)
        seg_starts, seg_offsets = _segments(self.tz, lo, hi)
        # Dates whose intervals (≤ 48 h of wall time from their midnight) can reach an
        # instant of the year, whatever the offset (|offset| < 26 h).
        first = lo // DAY_US + _EPOCH_ORDINAL - 3
        last = hi // DAY_US + _EPOCH_ORDINAL + 2
        # A date whose 48 h (and the largest offset either side, twice) hold no segment's
        # edge maps its intervals with that segment's offset: the pieces _wall_to_instants
        # would give, without its search (most dates of most years).
        edges = [*seg_starts, hi]
        reach = 2 * _MAX_OFFSET_US
        special, closed, weekly = self._open_ord, self._closed_ord, self._weekly_spans
        # a date's holidays are those of its own year (a holiday observed on 31 December for
        # the next 1 January counts as the package lists it): the years of the dates first … last
        jan1, next_jan1 = date(year, 1, 1).toordinal(), date(year + 1, 1, 1).toordinal()
        holidays = (self._holidays_of(year - 1), self._holidays_of(year), self._holidays_of(year + 1)) \
            if self.holidays else (frozenset(),) * 3
        k = 0
        pieces: list[Interval] = []
        for ordinal in range(first, last + 1):
            spans = special.get(ordinal)
            if spans is None:
                if ordinal in closed or ordinal in holidays[(ordinal >= jan1) + (ordinal >= next_jan1)]:
                    continue
                spans = weekly[(ordinal - 1) % 7]
            if not spans:
                continue
            midnight = (ordinal - _EPOCH_ORDINAL) * DAY_US
            while k + 1 < len(seg_starts) and seg_starts[k + 1] <= midnight:
                k += 1
            if edges[k] <= midnight - reach and midnight + 2 * DAY_US + reach <= edges[k + 1]:
                off = seg_offsets[k]
                for s, e in spans:
                    pieces.append((midnight + s * MINUTE_US - off, midnight + e * MINUTE_US - off))
                continue
            for s, e in spans:
                pieces.extend(
                    _wall_to_instants(
                        midnight + s * MINUTE_US, midnight + e * MINUTE_US, seg_starts, seg_offsets, hi
                    )
                )
        pieces.sort()
        starts: list[int] = []
        ends: list[int] = []
        for s, e in pieces:
            if ends and s <= ends[-1]:
                if e > ends[-1]:
                    ends[-1] = e
            else:
                starts.append(s)
                ends.append(e)
        return starts, ends

    def _spans_of(self, ordinal: int) -> tuple[Interval, ...]:
        return self._day_spans(ordinal)

    def _day_spans(self, ordinal: int) -> tuple[Interval, ...]:
        """A date's intervals in minutes from its midnight (special, none, or regular)."""
        special = self._open_ord.get(ordinal)
        if special is not None:
            return special
        if ordinal in self._closed_ord:
            return ()
        if self.holidays and ordinal in self._holidays_of(date.fromordinal(ordinal).year):
            return ()
        return self._weekly_spans[(ordinal - 1) % 7]

    def closed_days(self, first: date, last: date) -> list[tuple[date, str]]:
        """The dates from ``first`` to ``last`` that the regular hours would open but that
        are closed, each with why: the names of its holidays (and whose they are), or
        ``closed`` for a date the calendar closes (for `explain`)."""
        out = []
        for ordinal in range(first.toordinal(), last.toordinal() + 1):
            if not self._weekly_spans[(ordinal - 1) % 7] or self._day_spans(ordinal):
                continue
            day = date.fromordinal(ordinal)
            if ordinal in self._closed_ord:
                out.append((day, "closed"))
                continue
            names = [f"{name} ({code})" for code, categories, picked in self._holiday_keys
                     for name in _holiday_names(code, day.year, categories, picked).get(ordinal, ())]
            out.append((day, ", ".join(dict.fromkeys(names)) or "a holiday"))
        return out

    def closed_days_between(self, a_us: int, b_us: int) -> list[tuple[date, str]]:
        """The closed days (as :meth:`closed_days` gives them) whose regular hours would have
        run between the instants ``a_us`` and ``b_us``: the working days a clock from one to
        the other skipped. A night shift belongs to the date it starts on, so the day before
        ``a_us`` is looked at too, and a date whose shift starts after ``b_us`` is not."""
        first = from_us(a_us, self.tz).date() - timedelta(days=1)
        last = from_us(b_us, self.tz).date()
        return [(day, why) for day, why in self.closed_days(first, last)
                if any(self._local_us(day, s) < b_us and self._local_us(day, e) > a_us
                       for s, e in self._weekly_spans[day.weekday()])]

    def _local_us(self, day: date, minutes: int) -> int:
        """The instant ``minutes`` after the local midnight starting ``day`` (past 1440: the
        next day's clock)."""
        on = date.fromordinal(day.toordinal() + minutes // MINUTES_PER_DAY)
        rest = minutes % MINUTES_PER_DAY
        return to_us(datetime(on.year, on.month, on.day, rest // 60, rest % 60, tzinfo=self.tz))

    def _holidays_of(self, year: int) -> frozenset[int]:
        found = self._holiday_years.get(year)
        if found is None:
            ordinals: set[int] = set()
            for code, categories, names in self._holiday_keys:
                ordinals.update(_holiday_ordinals(code, year, categories, names))
            found = self._holiday_years[year] = frozenset(ordinals)
        return found


def _cumulative(tab: tuple[list[int], list[int], list[int], list[int]], t: int) -> int:
    """Working µs from the start of the island whose table ``tab`` is up to ``t``."""
    starts, ends, cum, _ = tab
    i = bisect_right(starts, t) - 1
    if i < 0:
        return 0
    e = ends[i]
    return cum[i] + ((t if t < e else e) - starts[i])


# ---------------------------------------------------------------------------------------
# constructor helpers
# ---------------------------------------------------------------------------------------

def _weekly_hours(hours: Iterable) -> tuple[tuple[Interval, ...], ...]:
    """Regular hours per weekday; raises on bad days, bad intervals or overlaps."""
    week: list[list[Interval]] = [[] for _ in range(7)]
    for entry in hours or ():
        try:
            days, intervals = entry
        except (TypeError, ValueError):
            raise CalendarError(f"hours: each entry is (weekdays, intervals), got {entry!r}") from None
        days = [days] if isinstance(days, int) else list(days)
        for day in days:
            if not isinstance(day, int) or isinstance(day, bool) or not 0 <= day <= 6:
                raise CalendarError(f"hours: weekdays are 0 (Monday) to 6 (Sunday), got {day!r}")
        intervals = [_check_interval(i, "hours") for i in intervals]
        for day in days:
            week[day].extend(intervals)
    # Overlaps, on the circular week (an overnight Sunday interval reaches Monday).
    week_min = 7 * MINUTES_PER_DAY
    spans = []
    for day, intervals in enumerate(week):
        for iv in intervals:
            s, e = _span(iv)
            s, e = s + day * MINUTES_PER_DAY, e + day * MINUTES_PER_DAY
            label = _label(day, iv)
            if e > week_min:
                spans.append((s, week_min, label))
                spans.append((0, e - week_min, label))
            else:
                spans.append((s, e, label))
    _check_disjoint(spans, "hours")
    return tuple(tuple(sorted(ivs)) for ivs in week)


def _special_hours(special: Mapping) -> dict[date, tuple[Interval, ...]]:
    out = {}
    for day, intervals in special.items():
        day = _as_date(day, "open")
        checked = tuple(sorted(_check_interval(i, f"open {day}") for i in intervals))
        spans = [(*_span(iv), f"{_hhmm(iv[0])}-{_hhmm(iv[1])}") for iv in checked]
        _check_disjoint(spans, f"open {day}")
        out[day] = checked
    return out


def _day_length(week: tuple[tuple[Interval, ...], ...], given: timedelta | None) -> timedelta:
    if given is not None:
        if not isinstance(given, timedelta) or given <= timedelta(0):
            raise CalendarError(f"day_length must be a positive timedelta, got {given!r}")
        return given
    longest = max((sum(e - s for s, e in map(_span, ivs)) for ivs in week), default=0)
    return timedelta(minutes=longest)


def _holiday_codes(codes: Iterable[str]) -> tuple[str, ...]:
    if isinstance(codes, str):
        codes = [codes]
    out = []
    for code in codes or ():
        if not isinstance(code, str) or not _HOLIDAY_CODE.match(code):
            raise CalendarError(
                f"holidays: {code!r} is not a country code ('BR') or country-subdivision code ('US-CA')"
            )
        out.append(code)
    return tuple(out)


def _holiday_extras(extras: Mapping | None, codes: tuple[str, ...], what: str) -> dict[str, tuple[str, ...]]:
    """``holiday_categories`` / ``holiday_names``: code -> a tuple of strings, for codes
    the calendar has."""
    out: dict[str, tuple[str, ...]] = {}
    for code, items in (extras or {}).items():
        if code not in codes:
            raise CalendarError(f"{what}: {code!r} is not one of the calendar's holiday codes {list(codes)!r}")
        items = [items] if isinstance(items, str) else list(items)
        if not all(isinstance(i, str) and i.strip() for i in items):
            raise CalendarError(f"{what}: the entries for {code!r} must be non-empty strings, got {items!r}")
        out[code] = tuple(items)
    return out


def _fold_name(name: str) -> str:
    from slacode.holiday_days import fold_name

    return fold_name(name)


@lru_cache(maxsize=1024)
def _holiday_ordinals(code: str, year: int, categories: tuple[str, ...] = (),
                      names: tuple[str, ...] = ()) -> frozenset[int]:
    """Ordinals of the holidays of ``code`` in ``year``: its public ones, those of
    ``categories`` and those named ``names`` (folded) (imports ``holidays``)."""
    return frozenset(_holiday_names(code, year, categories, names))


def _holiday_names(code: str, year: int, categories: tuple[str, ...] = (),
                   names: tuple[str, ...] = ()) -> dict[int, tuple[str, ...]]:
    """The names of the holidays of ``code`` in ``year`` (as :func:`_holiday_ordinals`
    chooses them) by ordinal, in English (one date may hold two, which the package joins
    with "; ")."""
    from slacode.holiday_days import category_problem, chosen_days

    try:
        return chosen_days(code, year, categories, names)
    except (NotImplementedError, KeyError, ValueError) as error:
        problem = check_holidays(code) or next(
            (f"{p[0]}; {p[1]}" for c in categories if (p := category_problem(code, c))), None)
        raise CalendarError(problem or f"holidays {code!r}: {error}") from None


# ---------------------------------------------------------------------------------------
# checks for the linter
# ---------------------------------------------------------------------------------------

def check_timezone(name: str) -> str | None:
    """None when ``name`` is a known IANA timezone, else a sentence saying what is wrong."""
    if not isinstance(name, str) or not name.strip():
        return "A timezone must be an IANA name such as 'America/Sao_Paulo'."
    try:
        ZoneInfo(name)
        return _not_a_place(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        pass
    if abbreviation_zones(name):                # `CST`, `BRT`: the zones it usually means
        return (f"{name!r} is an abbreviation, not a time zone; {_abbreviation_advice(name)}")
    offset = _offset_parts(name)
    if offset:                                  # `+03:00`, `UTC-3`: an offset, not a zone
        sign, hours, minutes = offset.groups()
        fixed = f" (a fixed offset is 'Etc/GMT{'-' if sign == '+' else '+'}{int(hours)}', sign reversed)" \
            if (not minutes or minutes == "00") and int(hours) <= (14 if sign == "+" else 12) else ""
        places = _quoted(zones_at_offset(offset_seconds(name)))
        such_as = f", such as {places}" if places else ""
        return (f"{name!r} is an offset, not a time zone; name the place whose clock it is{such_as}{fixed}: "
                "an offset does not follow daylight saving time as a place's zone does.")
    from zoneinfo import available_timezones

    zones = sorted(z for z in available_timezones() if _not_a_place(z) is None)
    same = [z for z in zones if z.lower() == name.lower()]      # `utc`, `america/sao_paulo`
    suggestions = same or _close_matches(name, zones, key=lambda z: z.rsplit("/", 1)[-1])
    return f"Unknown timezone {name!r}" + _did_you_mean(suggestions)


#: Names the zone database opens that name no place's time: the machine's own zone, tz
#: database internals, and the legacy US/European rule zones (``EST`` is UTC-5 all year,
#: ``EST5EDT`` follows US rules of no particular city).
_NOT_PLACES = frozenset(("localtime", "posixrules", "Factory", "EST", "MST", "HST", "EST5EDT", "CST6CDT",
                         "MST7MDT", "PST8PDT", "CET", "EET", "WET", "MET"))


def _not_a_place(name: str) -> str | None:
    """Why a name the zone database opens is still refused (None: it is a place's zone)."""
    if name.startswith(("posix/", "right/")):
        return (f"{name!r} is a copy of the zone database's files, not a zone name "
                f"(did you mean {name.split('/', 1)[1]!r}?).")
    if name in ("localtime", "posixrules", "Factory"):
        return (f"{name!r} is not a time zone of a place (it depends on the machine or is internal "
                "to the zone database); use an IANA name such as 'America/Sao_Paulo'.")
    if name in _NOT_PLACES:
        zones = abbreviation_zones(name)
        return (f"{name!r} is a legacy abbreviation zone, not the time of a place"
                + (" (it stays at one offset all year, with no daylight saving time)" if len(name) == 3
                   and name not in ("CET", "EET", "WET", "MET") else "")
                + (f"; {_abbreviation_advice(name, one_offset=False)}" if zones
                   else "; use an IANA name such as 'America/New_York' or 'Europe/Paris'."))
    return None


#: Time zone abbreviations (and the legacy rule zones) people write for a place's time,
#: with the IANA zones they usually mean, each with a note when the abbreviation is used
#: in more than one part of the world. A short table on purpose: the common ones only.
_ABBREVIATIONS: dict[str, tuple[tuple[str, str], ...]] = {}


def _abbr(names: str, *zones: tuple[str, str]) -> None:
    for n in names.split():
        _ABBREVIATIONS[n] = zones


_abbr("EST EDT ET EST5EDT", ("America/New_York", "US Eastern"), ("America/Toronto", "Canada"))
_abbr("CST", ("America/Chicago", "US Central"), ("America/Mexico_City", "Mexico"),
      ("Asia/Shanghai", "China Standard Time"))
_abbr("CDT CT CST6CDT", ("America/Chicago", "US Central"), ("America/Mexico_City", "Mexico"))
_abbr("MST MDT MT MST7MDT", ("America/Denver", "US Mountain"),
      ("America/Phoenix", "Arizona, no daylight saving time"))
_abbr("PST PDT PT PST8PDT", ("America/Los_Angeles", "US Pacific"), ("America/Vancouver", "Canada"))
_abbr("AKST AKDT", ("America/Anchorage", ""))
_abbr("HST HDT", ("Pacific/Honolulu", ""))
_abbr("AST", ("America/Halifax", "Atlantic"), ("America/Puerto_Rico", "Caribbean"),
      ("Asia/Riyadh", "Arabia Standard Time"))
_abbr("ADT", ("America/Halifax", "Atlantic"))
_abbr("NST NDT", ("America/St_Johns", ""))
_abbr("BRT BRST", ("America/Sao_Paulo", ""))
_abbr("ART", ("America/Argentina/Buenos_Aires", ""))
_abbr("CLT CLST", ("America/Santiago", ""))
_abbr("COT", ("America/Bogota", ""))
_abbr("PET", ("America/Lima", ""))
_abbr("BST", ("Europe/London", "British Summer Time"))
_abbr("WET WEST", ("Europe/Lisbon", ""), ("Europe/London", ""))
_abbr("CET CEST MET MEST", ("Europe/Paris", ""), ("Europe/Berlin", ""), ("Europe/Madrid", ""))
_abbr("EET EEST", ("Europe/Athens", ""), ("Europe/Helsinki", ""), ("Europe/Bucharest", ""))
_abbr("MSK", ("Europe/Moscow", ""))
_abbr("IST", ("Asia/Kolkata", "India"), ("Europe/Dublin", "Ireland"), ("Asia/Jerusalem", "Israel"))
_abbr("PKT", ("Asia/Karachi", ""))
_abbr("GST", ("Asia/Dubai", "Gulf"))
_abbr("ICT", ("Asia/Bangkok", ""))
_abbr("WIB", ("Asia/Jakarta", ""))
_abbr("SGT", ("Asia/Singapore", ""))
_abbr("HKT", ("Asia/Hong_Kong", ""))
_abbr("JST", ("Asia/Tokyo", ""))
_abbr("KST", ("Asia/Seoul", ""))
_abbr("AEST AEDT", ("Australia/Sydney", ""), ("Australia/Melbourne", ""),
      ("Australia/Brisbane", "Queensland, no daylight saving time"))
_abbr("ACST ACDT", ("Australia/Adelaide", ""), ("Australia/Darwin", "no daylight saving time"))
_abbr("AWST", ("Australia/Perth", ""))
_abbr("NZST NZDT", ("Pacific/Auckland", ""))
_abbr("SAST", ("Africa/Johannesburg", ""))
_abbr("WAT", ("Africa/Lagos", ""))
_abbr("CAT", ("Africa/Maputo", ""))
_abbr("EAT", ("Africa/Nairobi", ""))


def abbreviation_zones(name: object) -> tuple[str, ...]:
    """The IANA zones a time zone abbreviation (``CST``, ``brt``) usually means; empty
    when ``name`` is no abbreviation of the table."""
    if not isinstance(name, str):
        return ()
    return tuple(z for z, _ in _ABBREVIATIONS.get(name.strip().upper(), ()))


def _abbreviation_advice(name: str, one_offset: bool = True) -> str:
    """``use the zone of the place, usually 'America/Chicago' (US Central) or …``, and with
    ``one_offset`` why: an abbreviation is one offset (the legacy rule zones, such as
    ``CET``, are not: they are refused as no place's time)."""
    zones = _ABBREVIATIONS[name.strip().upper()]
    said = [f"{z!r} ({note})" if note else repr(z) for z, note in zones]
    listed = said[0] if len(said) == 1 else ", ".join(said[:-1]) + " or " + said[-1]
    why = (": an abbreviation is one offset all year and does not follow daylight saving time as a "
           "place's zone does") if one_offset else ""
    return f"use the zone of the place, usually {listed}{why}."


def _offset_parts(name: str):
    """The match of an offset written as a zone (`+03:00`, `UTC-3`, `GMT+5:30`), or None."""
    return re.fullmatch(r"(?:UTC|GMT)?\s*([+-])(\d{1,2})(?::?(\d{2}))?", name.strip(), re.I)


def offset_seconds(name: object) -> int | None:
    """The seconds east of UTC of an offset written as a zone (`UTC-3`: -10800), or None."""
    offset = _offset_parts(name) if isinstance(name, str) else None
    if offset is None:
        return None
    sign, hours, minutes = offset.groups()
    return (int(hours) * 3600 + int(minutes or 0) * 60) * (1 if sign == "+" else -1)


def zones_at_offset(seconds: int, limit: int = 4) -> list[str]:
    """Zones of the abbreviation table whose clock is ``seconds`` ahead of UTC in January
    or in July (those at it all year first), at most ``limit``: examples of places for an
    offset someone wrote as a zone."""
    from datetime import datetime

    all_year, part = [], []
    for zones in _ABBREVIATIONS.values():
        for zone, _ in zones:
            if zone in all_year or zone in part:
                continue
            try:
                tz = ZoneInfo(zone)
            except (ZoneInfoNotFoundError, ValueError, OSError):
                continue
            offsets = {int(datetime(2025, month, 15, tzinfo=tz).utcoffset().total_seconds()) for month in (1, 7)}
            if offsets == {seconds}:
                all_year.append(zone)
            elif seconds in offsets:
                part.append(zone)
    return (all_year + part)[:limit]


def _quoted(zones: list[str]) -> str:
    said = [repr(z) for z in zones]
    return "" if not said else said[0] if len(said) == 1 else ", ".join(said[:-1]) + " or " + said[-1]


def check_holidays(code: str) -> str | None:
    """None when ``code`` names holidays the ``holidays`` package has, else a sentence."""
    shape = (
        f"Holiday code {code!r} is not a country code such as 'BR' or a "
        "country-subdivision code such as 'US-CA'"
    )
    if not isinstance(code, str):
        return shape + "."
    table = _holiday_codes_table()
    if table is not None:                     # the fast path: a known code needs no import
        country, dash, subdiv = code.partition("-")
        if country in table and (not dash or subdiv in table[country]):
            return None
    import holidays as holidays_pkg

    parts = [p for p in re.split(r"\s*[,;]\s*", code.strip()) if p]
    if len(parts) > 1 and all(_known_holiday_code(p) for p in parts):          # `"BR-SP,BR-RJ"`
        return (f"Holiday code {code!r} holds {len(parts)} codes in one string; write each in a string of "
                f"its own: {_holidays_line(*parts)}.")
    locale_tag = _locale_tag_advice(code)
    if locale_tag is not None:                # `es-AR`, `pt-br`, `PT-BR`: a language tag
        return locale_tag
    if not _HOLIDAY_CODE.match(code):
        dashed = code.replace("_", "-").replace(" ", "-")
        if dashed != code and check_holidays(dashed) is None:       # `BR_SP`, `BR SP`
            return shape + _did_you_mean([dashed])
        names = _country_names()
        return shape + _did_you_mean([names[g] for g in _close_matches(code, list(names))])

    classes = _country_classes()        # code -> class name, without importing 200 countries
    supported = classes
    country, _, subdiv = code.partition("-")
    if country not in supported:
        if country.upper() in supported:
            return f"Unknown holiday country {country!r}; codes are upper case: {code.upper()!r}."
        two = _alpha3().get(country.upper())
        if two is not None and two in supported:    # `DEU`, `GER`: three letters for two
            rest = f"-{subdiv}" if subdiv else ""
            return (f"The holidays package has no country {country!r}: countries are named by their two-letter "
                    f"ISO code" + _did_you_mean([two + rest]))
        names = _country_names()
        guess = _close_matches(country, list(supported) + list(names))
        guess = list(dict.fromkeys(names.get(g, g) for g in guess))
        return f"The holidays package has no country {country!r}" + _did_you_mean(guess)
    if not subdiv:
        return None
    codes = list(getattr(getattr(holidays_pkg, classes[country]), "subdivisions", ()))
    if subdiv in codes:
        return None
    if not codes:
        return f"The holidays package has no subdivisions for {country!r}; use {country!r}."
    aliases = _subdivision_aliases(holidays_pkg, country)
    by_name = {a.lower(): c for a, c in aliases.items()}
    if subdiv.upper() in codes:
        guess = [subdiv.upper()]
    elif subdiv.lower() in by_name:
        guess = [by_name[subdiv.lower()]]
    else:
        guess = _close_matches(subdiv, codes + list(aliases))
        guess = list(dict.fromkeys(aliases.get(g, g) for g in guess))
    if guess:
        return (
            f"{country!r} has no subdivision {subdiv!r} in the holidays package"
            + _did_you_mean([f"{country}-{g}" for g in guess])
        )
    shown = ", ".join(codes[:12]) + (", …" if len(codes) > 12 else "")
    return f"{country!r} has no subdivision {subdiv!r} in the holidays package; its subdivisions are {shown}."


def _locale_tag_advice(code: str) -> str | None:
    """The sentence for a language tag written as a holiday code (`es-AR`, `pt-br`,
    `PT-BR`: language and country, as in a locale): the country's code, named. None when
    ``code`` is no language tag of a country the holidays package has, or when it is a
    holiday code itself (`ES-AR`, Aragón); both readings when, all lower case, it may be
    either (`es-ar`: Argentina's Spanish, or Aragón written in lower case)."""
    import locale

    m = re.fullmatch(r"([A-Za-z]{2,3})[-_]([A-Za-z]{2})", code)
    if m is None or f"{m.group(1).lower()}_{m.group(2).lower()}" not in locale.locale_alias:
        return None
    classes = _country_classes()
    lang, country = m.group(1), m.group(2).upper()
    if country not in classes:
        return None
    upper = f"{lang.upper()}-{country}"
    as_subdivision = upper if "_" not in code and _known_holiday_code(upper) else None
    if as_subdivision is not None and code == upper:
        return None                                       # `ES-AR` is Aragón: a holiday code
    name = _country_name(classes[country])
    advice = f"write {_holidays_line(country)} for {name}"
    if as_subdivision is not None and code == code.lower():      # `es-ar`: either
        return (f"Holiday code {code!r} is not upper case, and reads two ways; {advice} ({code!r} as a language "
                f"tag), or {_holidays_line(upper)} for the subdivision {upper!r} of "
                f"{_country_name(classes[lang.upper()])}.")
    also = (f" ({upper!r} is a subdivision of {_country_name(classes[lang.upper()])})"
            if as_subdivision is not None else "")
    return (f"Holiday code {code!r} is a language tag (language-COUNTRY), not a holiday code; "
            f"{advice}{also}.")


def _known_holiday_code(code: str) -> bool:
    """Whether ``code`` is exactly a country or country-subdivision code of the holidays
    package (no advice, no near misses)."""
    country, dash, subdiv = code.partition("-")
    table = _holiday_codes_table()
    if table is None:
        import holidays as holidays_pkg

        table = holidays_pkg.list_supported_countries()
    return country in table and (not dash or subdiv in table[country])


def _holidays_line(*codes: str) -> str:
    """``'holidays "BR-SP", "BR-RJ"'``: the calendar line, quoted as the sentences of
    :func:`check_holidays` quote what to write (lint shows it in backquotes)."""
    return repr("holidays " + ", ".join(f'"{c}"' for c in codes))


#: Country names that read with "the" (`for the United States`).
_COUNTRY_ARTICLE = re.compile(r"United |.* Republic|.*Islands$|Netherlands$|Philippines$|Bahamas$|Maldives$")


def _country_name(class_name: str) -> str:
    """``UnitedStates`` -> ``the United States``: a holidays class name as a country's name."""
    name = re.sub(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", " ", class_name)
    return f"the {name}" if _COUNTRY_ARTICLE.match(name) else name


@lru_cache(maxsize=1)
def _holiday_codes_table() -> dict[str, list[str]] | None:
    """Country code -> subdivision codes of the installed ``holidays`` package, cached on
    disk per installed copy of the package (importing the package's countries costs ~0.2 s;
    a cached table lets a valid agreement load without it), and read once per process (the
    caller must not change it). None when no table can be had.

    The copy is named by its location and its ``__init__.py``'s size and time: finding the
    package is instant, where asking for its version through ``importlib.metadata`` costs
    tens of milliseconds at start-up. It is written with ``marshal`` (built in), where
    ``json`` is one more module to import before the first agreement is loaded, after the
    CRC-32 of those bytes: ``marshal`` is not meant to read damaged data (a few bytes changed
    can make it fail in any way), so a file whose bytes do not match is never given to it."""
    import marshal
    import os
    import zlib
    from importlib.util import find_spec

    spec = find_spec("holidays")
    if spec is None or not spec.origin:
        return None
    try:
        st = os.stat(spec.origin)
    except OSError:
        return None
    copy = zlib.crc32(f"{spec.origin}:{st.st_size}:{st.st_mtime_ns}".encode())
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = os.path.join(base, "slacode", f"holidays-{copy:08x}.marshal")
    try:
        with open(path, "rb") as f:
            data = f.read()
        body, crc = data[:-4], data[-4:]
        if body and zlib.crc32(body).to_bytes(4, "little") == crc:     # the bytes as written
            cached = marshal.loads(body)
            if _is_codes_table(cached):         # anything else (a foreign file) is rebuilt
                return cached
    except Exception:                           # unreadable, or bytes marshal will not read
        pass
    import holidays as holidays_pkg

    table = {c: list(subs) for c, subs in holidays_pkg.list_supported_countries().items()}
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        data = marshal.dumps(table)
        with open(tmp, "wb") as f:
            f.write(data + zlib.crc32(data).to_bytes(4, "little"))
        os.replace(tmp, path)
    except OSError:                             # no cache then; leave no half-written file
        try:
            os.remove(tmp)
        except OSError:
            pass
    return table


def _is_codes_table(value) -> bool:
    return (isinstance(value, dict) and bool(value)
            and all(isinstance(k, str) and isinstance(v, list) and all(isinstance(s, str) for s in v)
                    for k, v in value.items()))


def _country_classes() -> dict[str, str]:
    """Country code -> class name in the ``holidays`` package, read from its registry (the
    country modules themselves are imported only when a calendar needs one)."""
    from holidays.registry import COUNTRIES

    return {names[1]: names[0] for names in COUNTRIES.values()}


def _did_you_mean(suggestions: list[str]) -> str:
    """The end of a sentence: ``; did you mean 'x'?``, or a full stop without suggestions."""
    if not suggestions:
        return "."
    return "; did you mean " + " or ".join(repr(s) for s in suggestions) + "?"


def _close_matches(word: str, choices: list[str], key=None) -> list[str]:
    """Case-insensitive exact matches first, else difflib's close matches (at most 3)."""
    import difflib

    lowered: dict[str, str] = {}
    for choice in choices:
        lowered.setdefault(choice.lower(), choice)
        if key is not None:
            lowered.setdefault(key(choice).lower(), choice)
    w = word.lower().replace(" ", "_")
    if w in lowered:
        return [lowered[w]]
    found = difflib.get_close_matches(w, list(lowered), n=3, cutoff=0.75)
    return list(dict.fromkeys(lowered[f] for f in found))


#: Three-letter country codes of sport and vehicle plates that differ from ISO 3166 alpha-3,
#: as people write them for a country (`GER` for Germany): their ISO alpha-2 code.
_OTHER_ALPHA3 = {"GER": "DE", "SUI": "CH", "NED": "NL", "POR": "PT", "DEN": "DK", "CRO": "HR", "RSA": "ZA",
                 "UAE": "AE", "GRE": "GR", "BUL": "BG", "CHI": "CL", "PUR": "PR", "URU": "UY", "PAR": "PY",
                 "INA": "ID", "MAS": "MY", "PHI": "PH", "SIN": "SG", "VIE": "VN", "KSA": "SA", "ENG": "GB",
                 "UK": "GB", "LAT": "LV", "SLO": "SI", "ALG": "DZ", "NGR": "NG", "ZAM": "ZM", "ZIM": "ZW"}


def _alpha3() -> dict[str, str]:
    """Three-letter country codes (ISO 3166 alpha-3, from the holidays registry, and the
    usual others) -> the two-letter code the package names countries by."""
    try:
        from holidays.registry import COUNTRIES
    except ImportError:  # pragma: no cover - registry layout changed
        return dict(_OTHER_ALPHA3)
    found = {entry[2]: entry[1] for entry in COUNTRIES.values() if len(entry) > 2 and len(entry[2]) == 3}
    return {**_OTHER_ALPHA3, **found}


def _country_names() -> dict[str, str]:
    """Country names (snake case, as the holidays registry spells them) -> ISO code."""
    try:
        from holidays.registry import COUNTRIES
    except ImportError:  # pragma: no cover - registry layout changed
        return {}
    return {module: entry[1] for module, entry in COUNTRIES.items() if len(entry) > 1}


def _subdivision_aliases(holidays_pkg, country: str) -> dict[str, str]:
    try:
        return dict(getattr(holidays_pkg.country_holidays(country), "subdivisions_aliases", {}) or {})
    except Exception:  # pragma: no cover - defensive: aliases are only for suggestions
        return {}
