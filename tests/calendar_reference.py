"""A slow, obviously correct reference for working time: it steps real time cell by cell.

It reads LANGUAGE.md §5 literally. An instant is working time when its local wall time
(``t.astimezone(zone)``) is inside an interval of its own date, or inside the
after-midnight part of an overnight interval of the previous date, where a date's
intervals are its special ``open`` hours if it has some, none if it is closed or a holiday,
else the regular hours of its weekday. Nothing here knows about DST: the zone conversion
of each instant does all of it.

Why stepping is exact
---------------------
Working time is measured by stepping through UTC *cells* of ``step`` (a minute, or an hour)
and asking whether each cell is open, which is exact when open-ness is constant on every
cell. It is when (1) the zone's offset is a whole multiple of ``step`` and (2) it does not
change inside a cell, and (3) every interval edge is a multiple of ``step`` of wall time:
then the wall times of a cell form one whole wall cell of one date, and no edge cuts it.
(1) and (2) are asserted for every cell visited; (3) is the caller's promise (minute edges
always hold for a one-minute step; the hourly tests only draw whole-hour edges). Partial
cells at the ends of a span are measured by their overlap, so instants need not be aligned.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

UTC = timezone.utc
MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


@dataclass
class RefCalendar:
    """The same calendar description as ``slacode.calendar.Calendar`` takes, read naively."""

    timezone: str
    weekly: dict[int, list[tuple[int, int]]]
    closed: set[date] = field(default_factory=set)
    open: dict[date, list[tuple[int, int]]] = field(default_factory=dict)
    holidays: set[date] = field(default_factory=set)

    def __post_init__(self) -> None:
        self.tz = ZoneInfo(self.timezone)

    # -- the definition ---------------------------------------------------------------
    def intervals_of(self, day: date) -> list[tuple[int, int]]:
        if day in self.open:
            return list(self.open[day])
        if day in self.closed or day in self.holidays:
            return []
        return list(self.weekly.get(day.weekday(), []))

    def is_open(self, t: datetime) -> bool:
        local = t.astimezone(self.tz)
        day = local.date()
        minute = local.hour * 60 + local.minute
        for start, end in self.intervals_of(day):
            if end > start and start <= minute < end:
                return True
            if end < start and minute >= start:  # overnight, before midnight
                return True
        for start, end in self.intervals_of(day - timedelta(days=1)):
            if end < start and minute < end:  # overnight, after midnight
                return True
        return False

    # -- stepping -----------------------------------------------------------------------
    def _cell_start(self, t: datetime, step: timedelta) -> datetime:
        since = t.astimezone(UTC) - _EPOCH
        return _EPOCH + (since // step) * step

    def _check_cell(self, cell: datetime, step: timedelta) -> None:
        first = cell.astimezone(self.tz).utcoffset()
        last = (cell + step - timedelta(microseconds=1)).astimezone(self.tz).utcoffset()
        assert first == last and first % step == timedelta(0), (cell, step, first, last)

    def _working(self, cell: datetime, step: timedelta, paused) -> bool:
        self._check_cell(cell, step)
        if not self.is_open(cell):
            return False
        for ps, pe in paused or ():
            if ps <= cell and (pe is None or cell < pe):
                return False
        return True

    def working_time(self, a: datetime, b: datetime, step: timedelta = MINUTE, paused=None) -> timedelta:
        """Working time in [a, b); paused bounds must lie on the ``step`` grid."""
        if b < a:
            return -self.working_time(b, a, step, paused)
        total = timedelta(0)
        cell = self._cell_start(a, step)
        while cell < b:
            lo, hi = max(cell, a), min(cell + step, b)
            if lo < hi and self._working(cell, step, paused):
                total += hi - lo
            cell += step
        return total

    def add(self, a: datetime, duration: timedelta, step: timedelta = MINUTE, paused=None,
            limit: timedelta = timedelta(days=3 * 366)) -> datetime:
        """Earliest t >= a with working_time(a, t) >= duration (gives up after ``limit``)."""
        if duration <= timedelta(0):
            return a
        done = timedelta(0)
        t = a
        cell = self._cell_start(a, step)
        while t - a <= limit:
            end = cell + step
            if self._working(cell, step, paused):
                available = end - t
                if done + available >= duration:
                    return t + (duration - done)
                done += available
            t = cell = end
        raise AssertionError("reference: no deadline within the limit")
