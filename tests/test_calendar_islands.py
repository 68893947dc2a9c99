"""Sparse calendar tables: a year far from the others (a mistyped 1026 for 2026) builds
itself alone, not the thousand years between; answers stay those of contiguous tables."""
from __future__ import annotations

import concurrent.futures
import pickle
import sys
import threading
from datetime import datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from zoneinfo import ZoneInfo, available_timezones

import slacode
import slacode.calendar as calmod
from slacode.calendar import SECOND_US, Calendar, _offset_us, _year_start_us, _year_transitions

SP = ZoneInfo("America/Sao_Paulo")
HOURS = [((0, 1, 2, 3, 4), [(480, 1080)]), ((5,), [(540, 780)])]
H = timedelta(hours=1)


def make(**kw) -> Calendar:
    return Calendar("America/Sao_Paulo", hours=HOURS, holidays=["BR-SP"], **kw)



def us(year, month=6, day=10, hour=10, minute=0) -> int:
    return calmod.to_us(datetime(year, month, day, hour, minute, tzinfo=SP))


def test_a_deadline_in_a_mistyped_year_builds_that_year_only():
    cal = make()
    cal.add(datetime(2026, 11, 18, 10, tzinfo=SP), 4 * H)
    due = cal.add(datetime(1026, 11, 18, 10, 30, tzinfo=SP), 4 * H)
    assert due.year == 1026
    assert len(cal._years) <= 3                             # noqa: SLF001 - not the 1,000 between
    assert cal.years_built() == [(1026, 1026), (2026, 2026)]
    assert cal.is_open(datetime(1026, 11, 18, 11, tzinfo=SP)) and not cal.is_open(datetime(1026, 11, 18, 20, tzinfo=SP))


def test_working_time_across_islands_keeps_a_number_per_year_between_not_its_tables(monkeypatch):
    cal = make()
    a, b = datetime(1026, 11, 18, 10, 30, tzinfo=SP), datetime(2026, 11, 20, 18, tzinfo=SP)
    cal.add(b, H)
    got = cal.working_time(a, b)
    assert len(cal._years) <= 2 and len(cal._totals) <= 1000          # noqa: SLF001 - memory is bounded
    monkeypatch.setattr(calmod, "ISLAND_REACH", 10_000)                # every year joins: one table
    ref = make()
    assert ref.working_time(a, b) == got and got > timedelta(days=1000)
    assert ref.years_built() == [(1026, 2026)]


def test_a_near_year_joins_its_island_and_a_far_one_starts_its_own():
    cal = make()
    cal.is_open(datetime(2026, 6, 1, tzinfo=SP))
    cal.is_open(datetime(2026 + calmod.ISLAND_REACH, 6, 1, tzinfo=SP))
    assert cal.years_built() == [(2026, 2026 + calmod.ISLAND_REACH)]
    cal.is_open(datetime(2040, 6, 1, tzinfo=SP))
    cal.is_open(datetime(2011, 6, 1, tzinfo=SP))
    assert cal.years_built() == [(2011, 2011), (2026, 2029), (2040, 2040)]
    cal.working_time(datetime(2011, 6, 1, tzinfo=SP), datetime(2040, 6, 1, tzinfo=SP))
    assert cal.years_built() == [(2011, 2011), (2026, 2029), (2040, 2040)]      # totals, no merge
    cal.add(datetime(2029, 12, 1, tzinfo=SP), timedelta(days=1200))            # runs into 2040: merges
    assert cal.years_built() == [(2011, 2011), (2026, 2040)]


YEARS = (1026, 2001, 2013, 2026, 2027, 2033, 2062)


@st.composite
def instants(draw):
    year = draw(st.sampled_from(YEARS))
    return us(year, 1, 1, 0) + draw(st.integers(-3 * 86_400, 368 * 86_400)) * SECOND_US


_SHARED: dict = {}


def _pair():
    """One sparse calendar shared by the examples (islands come in random orders) and one
    contiguous reference, both fresh per test run."""
    if not _SHARED:
        _SHARED["sparse"] = make()
        saved = calmod.ISLAND_REACH
        calmod.ISLAND_REACH = 10_000
        try:
            ref = make()
            ref.is_open_us(us(1026))
            ref.is_open_us(us(2063))           # one table of 1026-2063
        finally:
            calmod.ISLAND_REACH = saved
        _SHARED["ref"] = ref
    return _SHARED["sparse"], _SHARED["ref"]


@settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
@given(instants(), instants(), st.integers(0, 400 * 3600))
def test_sparse_tables_answer_as_one_contiguous_table(a, b, seconds):
    sparse, ref = _pair()
    assert len(ref.years_built()) == 1                                  # one contiguous table
    assert sparse.working_us(a, b) == ref.working_us(a, b)
    d = seconds * SECOND_US
    assert sparse.add_us(a, d) == ref.add_us(a, d)
    assert sparse.is_open_us(b) == ref.is_open_us(b)
    assert sparse.next_open_us(b) == ref.next_open_us(b)
    assert sparse.open_each([a, b, a + d]) == ref.open_each([a, b, a + d])
    assert len(sparse._years) <= 3 * len(YEARS) + 4                    # noqa: SLF001


def test_threads_building_different_far_years_at_once_get_the_serial_answers():
    years = [1026, 1500, 2026, 3000, 4500, 6000, 8000, 9026]

    def ask(cal, year):
        start = datetime(year, 6, 10, 16, 0, tzinfo=SP)
        return (cal.add(start, timedelta(hours=4)), cal.working_time(start, start + timedelta(days=3)),
                cal.working_time(datetime(year - 12, 1, 5, tzinfo=SP), start))

    expected = {y: ask(make(), y) for y in years}
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        for _ in range(4):
            cal, barrier = make(), threading.Barrier(len(years))

            def job(year, cal=cal, barrier=barrier):
                barrier.wait()
                return ask(cal, year)
            with concurrent.futures.ThreadPoolExecutor(len(years)) as pool:
                assert dict(zip(years, pool.map(job, years))) == expected
            assert [first for first, _ in cal.years_built()] == [y for year in years for y in (year - 12, year)]
            assert len(cal._years) <= 3 * len(years)                   # noqa: SLF001
    finally:
        sys.setswitchinterval(interval)


def test_a_calendar_with_several_islands_pickles_with_them():
    cal = make()
    for year in (1026, 2026, 9026):
        cal.add(datetime(year, 11, 18, 10, tzinfo=SP), 4 * H)
    again = pickle.loads(pickle.dumps(cal))
    assert again.years_built() == cal.years_built() == [(1026, 1026), (2026, 2026), (9026, 9026)]
    start = datetime(1100, 3, 3, 10, tzinfo=SP)
    assert again.add(start, 4 * H) == make().add(start, 4 * H)             # its own lock works
    assert again.working_time(datetime(1026, 1, 5, tzinfo=SP), start) == make().working_time(
        datetime(1026, 1, 5, tzinfo=SP), start)


def test_a_service_lead_with_a_mistyped_year_builds_few_years_and_is_said(tmp_path):
    spec = __import__("pathlib").Path(__file__).resolve().parents[1] / "specs" / "northwind.sla"
    agreement = slacode.load(spec)
    events = [{"id": "1", "lead": "L", "at": "2026-11-18T10:00:00-03:00", "type": "state", "state": "mql",
               "fields": {"email": "a@b", "company": "c"}},
              {"id": "2", "lead": "L", "at": "1026-11-18T10:30:00-03:00", "type": "assigned", "owner": "ana"}]
    result = agreement.evaluate(events, as_of="2026-11-20T18:00:00-03:00", aggregates=False)
    far = [d for d in result.diagnostics if d.code == "SLA627"]
    assert len(far) == 1 and "1026-11-18" in far[0].message and "1026 for 2026" in far[0].hint
    assert any(v.to_dict()["started_at"].startswith("1026-") for v in result.verdicts)    # still evaluated
    for cal in agreement.calendars.values():
        assert len(cal._years) <= 4                                    # noqa: SLF001
    near = agreement.evaluate(events[:1], as_of="2026-11-20T18:00:00-03:00", aggregates=False)
    assert not [d for d in near.diagnostics if d.code == "SLA627"]


def _hourly(tz, year):
    """The offset changes of a year as the hourly scan found them (the old reference)."""
    start, end = _year_start_us(year) // SECOND_US, _year_start_us(year + 1) // SECOND_US
    found, prev_s, prev_off = [], start - 1, _offset_us(tz, start - 1)
    for s in [*range(start, end, 3600), end - 1]:
        off = _offset_us(tz, s)
        if off != prev_off:
            lo, hi = prev_s, s
            while hi - lo > 1:
                mid = (lo + hi) // 2
                lo, hi = (mid, hi) if _offset_us(tz, mid) == prev_off else (lo, mid)
            found.append((hi * SECOND_US, off))
        prev_s, prev_off = s, off
    return tuple(found)


ZONES = sorted(available_timezones())


#: Every zone, in this many tests (the i-th zone in part i % ZONE_PARTS), so that the
#: hourly reference scan of ~600 zones (some 10 s) spreads over the test workers.
ZONE_PARTS = 4


@pytest.mark.parametrize("part", range(ZONE_PARTS))
@pytest.mark.parametrize("year", [9026])
def test_the_daily_offset_scan_finds_what_the_hourly_one_found_in_every_zone(year, part):
    for zone in ZONES[part::ZONE_PARTS]:
        tz = ZoneInfo(zone)
        assert _year_transitions.__wrapped__(tz, year) == _hourly(tz, year), zone


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(ZONES), st.integers(1000, 9989))
def test_the_daily_offset_scan_finds_what_the_hourly_one_found(zone, year):
    tz = ZoneInfo(zone)
    assert _year_transitions.__wrapped__(tz, year) == _hourly(tz, year)
