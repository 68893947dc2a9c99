"""`slacode due --within`: durations (weeks too), the day windows `today` and `tomorrow`, and
the windows refused with what is accepted (the ops lead's ask; fuzz 23's `100000w`)."""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings, strategies as st

import slacode
from slacode.report import parse_window, upcoming, window_of

SPEC = '''agreement "desk" { version "1"; timezone "America/Sao_Paulo"; teams sales }
calendar office { timezone "America/Sao_Paulo"; hours mon-fri 09:00-18:00 }
deadline first_touch {
  owner sales
  start on assigned
  stop on contact_attempt
  within 2h on office
  warn at 50%
}
'''
SP = ZoneInfo("America/Sao_Paulo")


def _assigned(lead: str, hhmm: str, day: int = 24) -> dict:
    return {"lead": lead, "at": f"2026-11-{day}T{hhmm}:00-03:00", "type": "assigned", "owner": "ana"}


# L-1 at 15:00: warns 16:00, due 17:00; L-2 at 16:30: warns 17:30, due 09:30 the next morning;
# L-3 at 17:50 on Wednesday: warns 09:50 Thursday, due 10:50 Thursday
EVENTS = [_assigned("L-1", "15:00"), _assigned("L-2", "16:30"), _assigned("L-3", "17:50", 25)]


def _us(text: str) -> int:
    return int(datetime.fromisoformat(text).timestamp() * 1_000_000)


def _run(*args, tmp_path):
    spec = tmp_path / "desk.sla"
    spec.write_text(SPEC)
    events = tmp_path / "e.jsonl"
    events.write_text("".join(json.dumps(e) + "\n" for e in EVENTS))
    return subprocess.run([sys.executable, "-m", "slacode", "due", str(spec), str(events), *args],
                          capture_output=True, text=True)


@pytest.mark.parametrize("as_of, within, expected", [
    # Tuesday 15:30: today holds L-1's warning; L-2 is not assigned yet
    ("2026-11-24T15:30:00-03:00", "today", [("L-1", "warn")]),
    # 17:45: L-2's warning has passed; its deadline is tomorrow at 09:30
    ("2026-11-24T17:45:00-03:00", "today", []),
    ("2026-11-24T17:45:00-03:00", "tomorrow", [("L-2", "due")]),
    # Wednesday 18:00: L-3's warning (Thursday 09:50) is tomorrow, not today
    ("2026-11-25T18:00:00-03:00", "today", []),
    ("2026-11-25T18:00:00-03:00", "tomorrow", [("L-3", "warn")]),
    ("2026-11-25T18:00:00-03:00", " Tomorrow ", [("L-3", "warn")]),
])
def test_day_windows_end_at_the_midnight_of_the_agreements_zone(as_of, within, expected):
    agreement = slacode.loads(SPEC)
    events = [e for e in EVENTS if e["at"] <= as_of]
    got = upcoming(agreement, events, as_of=as_of, within=within)
    assert [(d.lead, d.next) for d in got] == expected


def test_today_is_the_rest_of_the_day_in_the_zone_given_midnight_included():
    as_of = _us("2026-11-24T22:30:00-03:00")
    assert window_of("today", as_of, SP) == timedelta(hours=1, minutes=30)
    assert window_of("tomorrow", as_of, SP) == timedelta(hours=25, minutes=30)
    # the same instant is 01:30 on the 25th in UTC: its today ends 22h30m later
    assert window_of("today", as_of, timezone.utc) == timedelta(hours=22, minutes=30)
    agreement = slacode.loads(SPEC)
    at_midnight = [{"lead": "L-9", "at": "2026-11-24T09:00:00-03:00", "type": "assigned", "owner": "ana"}]
    # a 15h calendar-free clock started at 09:00 is due at midnight, the window's end: in it
    text = SPEC.replace("within 2h on office", "within 15h")
    got = upcoming(slacode.loads(text), at_midnight, as_of="2026-11-24T22:30:00-03:00", within="today")
    assert [(d.lead, d.next, d.next_at.isoformat()) for d in got] == [("L-9", "due", "2026-11-25T00:00:00-03:00")]
    assert upcoming(agreement, at_midnight, as_of="2026-11-24T22:30:00-03:00", within="today") == []


def test_today_ends_at_the_days_first_instant_when_its_midnight_is_skipped():
    """São Paulo's clocks went from 00:00 to 01:00 on 2018-11-04: that day starts at 01:00 -02."""
    as_of = _us("2018-11-03T23:00:00-03:00")
    assert window_of("today", as_of, SP) == timedelta(hours=1)


@given(st.integers(min_value=_us("2001-01-01T00:00:00+00:00"), max_value=_us("2040-01-01T00:00:00+00:00")),
       st.sampled_from(["UTC", "America/Sao_Paulo", "Europe/London", "Asia/Kathmandu", "America/Santiago"]))
@settings(max_examples=200, deadline=None)
def test_today_ends_at_the_next_local_date_and_tomorrow_a_day_after(as_of, name):
    zone = ZoneInfo(name)
    end = as_of + window_of("today", as_of, zone) // timedelta(microseconds=1)
    later = as_of + window_of("tomorrow", as_of, zone) // timedelta(microseconds=1)
    day = datetime.fromtimestamp(as_of / 1e6, zone).date()
    assert as_of < end < later
    assert datetime.fromtimestamp(end / 1e6, zone).date() == day + timedelta(days=1)
    assert datetime.fromtimestamp((end - 1) / 1e6, zone).date() == day       # the last instant of today
    assert datetime.fromtimestamp(later / 1e6, zone).date() == day + timedelta(days=2)
    assert datetime.fromtimestamp((later - 1) / 1e6, zone).date() == day + timedelta(days=1)


def test_weeks_are_a_unit_of_durations():
    assert parse_window("2w") == timedelta(days=14)
    assert parse_window("1 week 2d") == timedelta(days=9)
    assert parse_window("100000w") == timedelta(weeks=100_000)


@pytest.mark.parametrize("within, words", [
    ("eod", "for the rest of the day, until midnight, write today"),
    ("end of day", "write today"),
    ("xyz", "give a duration (30m, 2h, 1h30m, 1d, 2w) or a day: today (until midnight) or tomorrow"),
    ("2 fortnights", "give a duration"),
])
def test_a_window_that_cannot_be_read_says_what_is_accepted(within, words):
    with pytest.raises(ValueError) as caught:
        window_of(within, _us("2026-11-24T10:00:00-03:00"), SP)
    assert words in str(caught.value) and "tomorrow" in str(caught.value)


@pytest.mark.parametrize("within", ["2000000w", "1000000000d", "9" * 30 + "d", timedelta.max,
                                    "9" * 5000 + "h", "1h" + "9" * 4400 + "s"],   # (past int()'s 4,300 digits)
                         ids=lambda w: w if isinstance(w, str) and len(w) < 40 else f"long-{len(str(w))}")
def test_a_window_past_the_year_9999_is_refused_clearly(within):
    with pytest.raises(ValueError, match=r"would end after the year 9999, past any date: leave the window out"):
        window_of(within, _us("2026-11-24T10:00:00-03:00"), SP)
    with pytest.raises(ValueError, match="would end after the year 9999"):
        upcoming(slacode.loads(SPEC), [], as_of="2026-11-24T10:00:00-03:00", within=within)


def test_a_window_that_ends_in_9999_from_a_late_as_of_is_refused_too():
    with pytest.raises(ValueError, match="would end after the year 9999"):
        window_of("100000w", _us("9989-01-01T00:00:00+00:00"), SP)
    assert window_of("1w", _us("9989-01-01T00:00:00+00:00"), SP) == timedelta(weeks=1)


def test_parse_window_points_day_words_to_window_of():
    with pytest.raises(ValueError, match=r"depends on as_of: read it with window_of\(\)"):
        parse_window("today")


def test_the_command_reads_day_windows_and_refuses_the_others_with_status_2(tmp_path):
    evening = ("--as-of", "2026-11-25T18:00:00-03:00")
    today = _run(*evening, "--within", "today", tmp_path=tmp_path)
    assert today.returncode == 0 and today.stdout == "No open clock in that window.\n"
    tomorrow = _run(*evening, "--within", "tomorrow", "--format", "json", tmp_path=tmp_path)
    doc = json.loads(tomorrow.stdout)
    assert [d["lead"] for d in doc["due"]] == ["L-3"]
    assert doc["within_seconds"] == 30 * 3600                    # 18:00 to the midnight after tomorrow's
    utc = _run(*evening, "--within", "today", "--tz", "UTC", "--format", "json", tmp_path=tmp_path)
    assert json.loads(utc.stdout)["within_seconds"] == 3 * 3600      # 21:00 UTC: three hours to its midnight
    for bad, said in (("eod", "write today"), ("100000000w", "would end after the year 9999")):
        refused = _run(*evening, "--within", bad, tmp_path=tmp_path)
        assert refused.returncode == 2 and refused.stdout == ""
        assert refused.stderr.startswith(f"slacode: --within {bad}: ") and said in refused.stderr
        assert "Traceback" not in refused.stderr
    huge = _run(*evening, "--within", "9" * 5000 + "h", tmp_path=tmp_path)      # review 23b F8
    assert huge.returncode == 2 and huge.stdout == ""
    assert "would end after the year 9999" in huge.stderr and "(5,001 characters)" in huge.stderr
    assert "4300" not in huge.stderr and "set_int_max_str_digits" not in huge.stderr
    assert len(huge.stderr) < 400                                # not written back whole
