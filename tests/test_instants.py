"""Fast instant text (slacode.instants) against datetime, the reference it must equal."""
from __future__ import annotations

from datetime import datetime, timezone
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


instants_us = st.one_of(
    st.integers(-2_500_000_000_000_000, 4_100_000_000_000_000),
    st.integers(-2_500_000_000, 4_100_000_000).map(lambda s: s * 1_000_000),           # whole seconds
    st.integers(-40_000_000, 70_000_000).map(lambda m: m * 60_000_000),                # whole minutes
)


@settings(max_examples=400, deadline=None)
@given(us=instants_us, name=st.sampled_from(ZONES))
def test_iso_equals_datetime_isoformat(us, name):
    zone = ZoneInfo(name)
    assert instants.iso(us, zone) == reference(us, zone).isoformat()


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
            assert instants.iso(us, zone) == reference(us, zone).isoformat()
    assert instants.iso(0, timezone.utc) == "1970-01-01T00:00:00+00:00"
