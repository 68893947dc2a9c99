"""An independent reference model of working time, for the rules of ``wallclock_calendar.sla``.

Written from LANGUAGE.md §5 and §3 (calendars) alone, deliberately sharing no code with
slacode: it imports nothing from the package and reads no ``.sla`` text. A date's working
hours are its ``open`` hours if it has some, none if it is ``closed`` or a public holiday
(as the ``holidays`` package gives them, §3), else its weekday's regular hours; each
interval is turned into instants by reading its wall times in the calendar's zone, so a
DST change needs no special case. ``Nd`` is N times the longest regular day.

The rules themselves are the ones of ``tests/reference_wallclock.py`` (same lifecycle, same
triggers); :data:`CALENDAR` puts this calendar under them with the fixture's numbers.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from tests.reference_wallclock import (
    AttemptsRule,
    Clock,
    DeadlineRule,
    Interval,
    Spec,
    Target,
)

Hours = tuple[tuple[time, time], ...]


@cache
def public_holidays(country: str, year: int) -> frozenset[date]:
    """The public holidays of ``country`` in ``year``, default categories (§3 ``holidays``)."""
    import holidays

    return frozenset(holidays.country_holidays(country, years=year).keys())


@dataclass(frozen=True)
class CalendarClock(Clock):
    """A calendar: weekly hours, a holiday country, closed dates and special openings."""

    zone: ZoneInfo
    weekly: dict[int, Hours]
    country: str | None = None
    closed: frozenset[date] = frozenset()
    special: dict[date, Hours] = field(default_factory=dict)

    @property
    def day_length(self) -> timedelta:
        """What ``1d`` means here: the largest total of one weekday's regular hours."""
        return max(sum((_length(low, high) for low, high in hours), timedelta())
                   for hours in self.weekly.values())

    def hours_of(self, day: date) -> Hours:
        """The hours of one date: special, none (closed or holiday), or its weekday's."""
        if day in self.special:
            return self.special[day]
        if day in self.closed or (self.country and day in public_holidays(self.country, day.year)):
            return ()
        return self.weekly.get(day.weekday(), ())

    def intervals_of(self, day: date) -> list[Interval]:
        """The hours of one date as instants, wall times read in the calendar's zone."""
        return [(self._instant(day, low), self._instant(day, high)) for low, high in self.hours_of(day)]

    def open_intervals(self, start: datetime, end: datetime) -> list[Interval]:
        """Every interval of the local dates from the day before ``start`` to the day after ``end``."""
        day = start.astimezone(self.zone).date() - timedelta(days=1)
        last = end.astimezone(self.zone).date() + timedelta(days=1)
        intervals = []
        while day <= last:
            intervals.extend(self.intervals_of(day))
            day += timedelta(days=1)
        return intervals

    def _instant(self, day: date, wall: time) -> datetime:
        """The instant of a wall time on a date in the calendar's zone."""
        return datetime.combine(day, wall, tzinfo=self.zone)


def _length(low: time, high: time) -> timedelta:
    """The nominal length of one ``HH:MM-HH:MM`` interval (none here runs overnight)."""
    return datetime.combine(date.min, high) - datetime.combine(date.min, low)


NEW_YORK = ZoneInfo("America/New_York")
SPLIT_DAY: Hours = ((time(8), time(12)), (time(13), time(18)))

NY_SALES = CalendarClock(
    zone=NEW_YORK,
    weekly={0: SPLIT_DAY, 1: SPLIT_DAY, 2: SPLIT_DAY, 3: SPLIT_DAY, 4: SPLIT_DAY,
            5: ((time(9), time(12)),)},
    country="US",
    closed=frozenset({date(2026, 11, 4)}),
    special={date(2026, 11, 8): ((time(10), time(14)),)},
)
HOUR = timedelta(hours=1)

CALENDAR = Spec(
    zone=NEW_YORK,
    deadline=DeadlineRule("d1", "sales", target=4 * HOUR, hot_target=1 * NY_SALES.day_length,
                          warn=0.75, clock=NY_SALES),
    attempts=AttemptsRule(
        "f", "sales",
        clauses=("at_least_within", "at_most_per_day", "only_during", "gap"),
        at_least=3, within=2 * NY_SALES.day_length, clock=NY_SALES, per_day=2, day_zone=NY_SALES.zone,
        gap=timedelta(minutes=30), during=NY_SALES,
    ),
    targets=(Target("t", "sales", rule="f", clause="at_least_within", period="week", share=0.5),),
    quotas=(),
)
