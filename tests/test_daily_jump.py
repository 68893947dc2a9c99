"""The week-stepping search for a zone's largest offset jump equals the day-by-day one."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from slacode.checks.attempts import largest_daily_jump


def day_by_day(zone: str) -> int:
    tz = ZoneInfo(zone)
    t, end = datetime(1970, 1, 1, 12, tzinfo=timezone.utc), datetime(2100, 1, 1, tzinfo=timezone.utc)
    previous, jump = t.astimezone(tz).utcoffset(), timedelta(0)
    while t < end:
        t += timedelta(days=1)
        offset = t.astimezone(tz).utcoffset()
        jump = max(jump, offset - previous)
        previous = offset
    return int(jump.total_seconds() // 60) + (1 if jump.total_seconds() % 60 else 0)


@pytest.mark.parametrize("zone", ["America/Sao_Paulo", "America/New_York", "Africa/Casablanca",
                                  "Australia/Lord_Howe", "Pacific/Apia", "Asia/Tehran", "Europe/Moscow",
                                  "Africa/Monrovia", "UTC"])
def test_same_as_day_by_day(zone):
    assert largest_daily_jump(zone) == day_by_day(zone)


def test_unknown_zone():
    assert largest_daily_jump("Mars/Olympus") is None
