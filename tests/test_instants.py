"""Fast instant text (slacode.instants) against datetime, the reference it must equal."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings, strategies as st

from slacode import instants

ZONES = ["America/Sao_Paulo", "America/New_York", "Australia/Lord_Howe", "Asia/Kathmandu",
         "America/St_Johns", "Europe/Dublin", "Pacific/Chatham", "Africa/Monrovia", "UTC"]


def reference(us: int, zone) -> datetime:
    seconds, micro = divmod(us, 1_000_000)
    t = datetime.fromtimestamp(seconds, zone)
    return t.replace(microsecond=micro) if micro else t


def written(us: int, zone) -> str:
    """What ``instants.iso`` must write: ``datetime.isoformat``, but an offset with seconds
    (local mean time, Monrovia's -00:44:30 until 1972) truncated to whole minutes, the local
    time moved with it (RFC 3339 offsets have no seconds)."""
    t = reference(us, zone)
    seconds = int(t.utcoffset().total_seconds())
    if seconds % 60:
        minutes = int(seconds / 60)                     # toward zero
        t = t.astimezone(timezone(timedelta(minutes=minutes)))
    return t.isoformat()


RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?([+-]\d\d:\d\d|Z)")


instants_us = st.one_of(
    st.integers(-2_500_000_000_000_000, 4_100_000_000_000_000),
    st.integers(-2_500_000_000, 4_100_000_000).map(lambda s: s * 1_000_000),           # whole seconds
    st.integers(-40_000_000, 70_000_000).map(lambda m: m * 60_000_000),                # whole minutes
)


@settings(max_examples=400, deadline=None)
@given(us=instants_us, name=st.sampled_from(ZONES))
def test_iso_equals_datetime_isoformat(us, name):
    zone = ZoneInfo(name)
    text = instants.iso(us, zone)
    assert text == written(us, zone)
    assert RFC3339.fullmatch(text)
    back = datetime.fromisoformat(text)
    assert (back - datetime(1970, 1, 1, tzinfo=timezone.utc)) // timedelta(microseconds=1) == us


@pytest.mark.parametrize("name, text, when", [
    ("America/Sao_Paulo", "1001-11-13T00:00:00-03:06:28", "1001-11-13 00:00:28 -03:06"),
    ("America/Sao_Paulo", "1913-12-31T23:59:00-03:06:28", "1913-12-31 23:59:28 -03:06"),
    ("Africa/Monrovia", "1970-06-01T09:00:00-00:44:30", "1970-06-01 09:00:30 -00:44"),
    ("Asia/Kolkata", "1850-01-01T00:00:00+05:53:28", "1849-12-31 23:59:32 +05:53"),
])
def test_offsets_with_seconds_are_written_in_whole_minutes(name, text, when):
    # the same instant, named with an RFC 3339 offset: the local time moves by the seconds
    zone = ZoneInfo(name)
    at = datetime.fromisoformat(text)
    us = (at - datetime(1970, 1, 1, tzinfo=timezone.utc)) // timedelta(microseconds=1)
    assert instants.when(us, zone) == when
    iso = instants.iso(us, zone)
    assert RFC3339.fullmatch(iso) and datetime.fromisoformat(iso) == at
    assert instants.local_us(us, zone) == (at.replace(tzinfo=None) - datetime(1970, 1, 1)) // timedelta(microseconds=1)


@settings(max_examples=300, deadline=None)
@given(us=instants_us, name=st.sampled_from(ZONES))
def test_local_day_and_time(us, name):
    zone = ZoneInfo(name)
    local = reference(us, zone).replace(tzinfo=None)
    epoch = datetime(1970, 1, 1)
    assert instants.local_day(us, zone) == (local.date() - epoch.date()).days
    delta = local - epoch
    assert instants.local_us(us, zone) == (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


@settings(max_examples=150, deadline=None)
@given(many=st.lists(instants_us, max_size=30), name=st.sampled_from(ZONES))
def test_local_each_is_local_us_of_each(many, name):
    zone = ZoneInfo(name)
    assert instants.local_each(many, zone) == [instants.local_us(us, zone) for us in many]


@pytest.mark.parametrize("us, text", [
    (1_762_777_200_000_000, "2025-11-10 09:20 -03:00"),
    (1_762_777_207_000_000, "2025-11-10 09:20:07 -03:00"),
    (1_762_777_207_120_000, "2025-11-10 09:20:07.12 -03:00"),
])
def test_when_for_people(us, text):
    assert instants.when(us, ZoneInfo("America/Sao_Paulo")) == text


def test_transition_inside_an_hour_is_exact():
    # Lord Howe moves by 30 minutes at 02:00 local, i.e. inside a UTC hour's neighbourhood;
    # Monrovia changed its offset by 44m30s in 1972, an odd instant: both take the exact path.
    for name, day in (("Australia/Lord_Howe", "2026-04-05"), ("Africa/Monrovia", "1972-01-07")):
        zone = ZoneInfo(name)
        start = int(datetime.fromisoformat(day + "T00:00:00+00:00").timestamp()) - 86_400
        for minute in range(0, 3 * 24 * 60, 7):
            us = (start + minute * 60) * 1_000_000 + 1
            assert instants.iso(us, zone) == written(us, zone)
    assert instants.iso(0, timezone.utc) == "1970-01-01T00:00:00+00:00"


@pytest.mark.parametrize("text, written_as", [
    ("2026-11-10T09:20:00-03:00", "2026-11-10T09:20:00-03:00"),
    ("1970-06-01T09:00:00-00:44:30", "1970-06-01T09:00:30-00:44"),
    ("1850-01-01T00:00:00.250000+05:53:28", "1849-12-31T23:59:32.250000+05:53"),
])
def test_iso_datetime_writes_whole_minute_offsets(text, written_as):
    at = datetime.fromisoformat(text)
    assert instants.iso_datetime(at) == written_as
    assert datetime.fromisoformat(written_as) == at
