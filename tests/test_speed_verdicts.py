"""The verdict stage's calendar shortcuts give what the general path gives.

``Calendar.add_us`` / ``working_us`` and their ``WallClock`` versions answer a call with no
pause (and, for a calendar, inside the years already built) without the general path's
layers; any other call takes that path. Hypothesis picks instants across years not built
yet, before and after each other, with and without pauses, and each answer must equal the
general path's (``_Clock``'s methods, called on a fresh calendar).
"""
from __future__ import annotations

from datetime import date

from hypothesis import given, settings, strategies as st

from slacode.calendar import Calendar, WallClock, _Clock

START = 1_790_000_000_000_000            # 2026-09-21
OFFSETS = st.integers(-2 * 365 * 86_400, 2 * 365 * 86_400).map(lambda s: s * 1_000_000 + 123)
DURATIONS = st.one_of(st.just(0), st.integers(1, 400 * 3600).map(lambda s: s * 1_000_000))
PAUSES = st.lists(st.integers(0, 60 * 86_400).map(lambda s: s * 1_000_000), max_size=4).map(sorted)


def _calendar() -> Calendar:
    return Calendar("America/Sao_Paulo", hours=[(range(5), [(8 * 60, 12 * 60), (13 * 60, 18 * 60)])],
                    holidays=["BR"], closed=[date(2026, 12, 24)])


def _pauses(points: list[int]) -> list:
    """Disjoint, sorted pause intervals from sorted points (pairs; an odd last one is open)."""
    out = [(START + points[i], START + points[i + 1]) for i in range(0, len(points) - 1, 2)]
    if len(points) % 2:
        out.append((START + points[-1], None))
    return [p for p in out if p[1] is None or p[0] < p[1]]


@settings(max_examples=300, deadline=None)
@given(a=OFFSETS, b=OFFSETS, d=DURATIONS, points=PAUSES, built=st.booleans())
def test_calendar_shortcuts_equal_the_general_path(a, b, d, points, built):
    fast, plain = _calendar(), _calendar()
    if built:                                   # the tables already hold some years
        fast.working_us(START, START + 86_400_000_000)
    a, b = START + a, START + b
    for paused in (None, [], _pauses(points)):
        assert fast.working_us(a, b, paused) == _Clock.working_us(plain, a, b, paused)
        try:
            expected = _Clock.add_us(plain, a, d, paused)
        except ValueError as error:            # paused with no end: both refuse
            expected = type(error)
        try:
            got = fast.add_us(a, d, paused)
        except ValueError as error:
            got = type(error)
        assert got == expected


@settings(max_examples=200, deadline=None)
@given(a=OFFSETS, b=OFFSETS, d=st.one_of(DURATIONS, st.just(-1)), points=PAUSES)
def test_wall_clock_shortcuts_equal_the_general_path(a, b, d, points):
    clock = WallClock("America/Sao_Paulo")
    a, b = START + a, START + b
    for paused in (None, [], _pauses(points)):
        assert clock.working_us(a, b, paused) == _Clock.working_us(clock, a, b, paused)
        outcomes = []
        for add in (clock.add_us, lambda *args: _Clock.add_us(clock, *args)):
            try:
                outcomes.append(add(a, d, paused))
            except ValueError as error:
                outcomes.append(type(error))
        assert outcomes[0] == outcomes[1]


# --------------------------------------------------------------------- aggregate periods

ZONES = ["UTC", "America/Sao_Paulo", "Asia/Kolkata", "Australia/Lord_Howe", "America/St_Johns",
         "Asia/Beirut", "Pacific/Kiritimati"]


@settings(max_examples=300, deadline=None)
@given(first=st.integers(0, 3 * 365 * 86_400), length=st.integers(0, 400 * 86_400),
       zone=st.sampled_from(ZONES), period=st.sampled_from(["day", "week", "month", "quarter"]))
def test_periods_kept_by_hour_equal_the_periods_of_the_local_dates(first, length, zone, period):
    """Spans kept by the UTC hours of their two instants are those of the two local dates."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from slacode import aggregate

    tz = ZoneInfo(zone)
    first_us = 1_700_000_000_000_000 + first * 1_000_000
    last_us = first_us + length * 1_000_000
    start = aggregate.period_of_date(datetime.fromtimestamp(first_us // 1_000_000, tz).date(), period)[1]
    last = aggregate.period_of_date(datetime.fromtimestamp(last_us // 1_000_000, tz).date(), period)[1]
    expected = tuple(aggregate._spans(start, last, period, tz))
    assert aggregate.periods(first_us, last_us, period, tz) == expected
    assert aggregate.periods(first_us, last_us, period, tz) == expected     # again, kept
    # another instant of the same two UTC hours: the same spans only when each hour is one day
    hour = 3_600_000_000
    other = (first_us // hour * hour + hour - 1, last_us // hour * hour)
    if other[0] <= other[1]:
        start = aggregate.period_of_date(datetime.fromtimestamp(other[0] // 1_000_000, tz).date(), period)[1]
        last = aggregate.period_of_date(datetime.fromtimestamp(other[1] // 1_000_000, tz).date(), period)[1]
        assert aggregate.periods(*other, period, tz) == tuple(aggregate._spans(start, last, period, tz))


def test_periods_of_an_hour_holding_a_local_midnight_are_not_kept_by_hour():
    from datetime import datetime, timezone
    from zoneinfo import ZoneInfo

    from slacode import aggregate

    kolkata = ZoneInfo("Asia/Kolkata")                  # +05:30: 18:30 UTC is local midnight
    as_of = int(datetime(2026, 11, 20, 6, tzinfo=timezone.utc).timestamp()) * 1_000_000
    before = int(datetime(2026, 11, 9, 18, 10, tzinfo=timezone.utc).timestamp()) * 1_000_000
    after = before + 40 * 60 * 1_000_000                # 18:50 UTC, the next local day
    first = aggregate.periods(before, as_of, "day", kolkata)
    second = aggregate.periods(after, as_of, "day", kolkata)
    assert first[0][0] == "2026-11-09" and second[0][0] == "2026-11-10"
    assert first[1:] == second
