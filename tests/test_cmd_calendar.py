"""`slacode calendar`: its due dates and working times are the evaluator's own, and its
listing names every closed working day with why."""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import slacode
from slacode.cli import main
from slacode.cmd_calendar import between, deadline, parse_duration
from slacode.events import parse_timestamp

DESK = """\
agreement "desk" {
  version "1"
  timezone "America/Sao_Paulo"
  teams sales
}

calendar sp {
  timezone "America/Sao_Paulo"
  hours mon-fri 08:00-12:00, 13:00-18:00
  hours sat 09:00-12:00
  day 8h
  holidays "BR-SP"
  closed 2026-12-24
  open 2026-11-15 10:00-14:00
}

calendar ny {
  timezone "America/New_York"
  hours mon-fri 09:00-17:00
  holidays "US"
}

deadline touch_sp {
  owner sales
  start on assigned
  stop on contact_attempt
  within {target} on sp
}

deadline touch_ny {
  owner sales
  start on assigned
  stop on contact_attempt
  within {target} on ny
}
"""

FAR = "2031-01-01T00:00:00Z"
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def _moment(us: int) -> datetime:
    return EPOCH + timedelta(microseconds=us)


def _agreement(target: str):
    return slacode.loads(DESK.replace("{target}", target))


@pytest.fixture
def desk(tmp_path):
    path = tmp_path / "desk.sla"
    path.write_text(DESK.replace("{target}", "4h"))
    return path


durations = st.builds(
    lambda d, h, m: "".join(f"{n}{u}" for n, u in ((d, "d"), (h, "h"), (m, "m")) if n) or "1m",
    st.integers(0, 4), st.integers(0, 30), st.integers(0, 59))
starts = st.integers(parse_timestamp("2026-10-01T00:00:00Z"), parse_timestamp("2027-12-01T00:00:00Z"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(target=durations, start_us=starts.map(lambda us: us - us % 60_000_000))
def test_the_due_date_is_the_one_a_within_clock_gets(target, start_us):
    agreement = _agreement(target)
    at = _moment(start_us).isoformat()
    result = agreement.evaluate([{"lead": "L", "at": at, "type": "assigned"}], as_of=FAR)
    for verdict in result.verdicts:
        clock = agreement.calendars[verdict.rule.removeprefix("touch_")]
        computed = deadline(clock, start_us, parse_duration(target, clock), target)
        assert parse_timestamp(computed["due"]) == verdict.due_at, (verdict.rule, at, target)


@settings(max_examples=60, deadline=None)
@given(start_us=starts, hours=st.integers(1, 400))
def test_the_working_time_between_is_the_elapsed_time_a_clock_counts(start_us, hours):
    agreement = _agreement("40d")
    as_of_us = start_us + hours * 3_600_000_000
    at = _moment(start_us).isoformat()
    as_of = _moment(as_of_us)
    result = agreement.evaluate([{"lead": "L", "at": at, "type": "assigned"}], as_of=as_of)
    for verdict in result.verdicts:
        clock = agreement.calendars[verdict.rule.removeprefix("touch_")]
        assert between(clock, start_us, as_of_us)["working_us"] == round(verdict.elapsed_seconds * 1e6)


def test_a_day_is_the_calendars_day_length():
    clock = _agreement("1h").calendars["sp"]
    assert parse_duration("1d", clock) == 8 * 3600 * 1_000_000
    assert parse_duration("1d 2h30m", clock) == (10 * 3600 + 30 * 60) * 1_000_000
    assert parse_duration("2d", _agreement("1h").calendars["ny"]) == 16 * 3600 * 1_000_000


@pytest.mark.parametrize(("text", "says"), [
    ("3 hours", "`3h`"), ("2 days", "`2d`"), ("2w", "write weeks as days"), ("soon", "`4h`, `1d4h`"),
    ("1h1h", "`4h`, `1d4h`"), ("30m2h", "`4h`, `1d4h`"), ("h", "`4h`, `1d4h`")])
def test_a_duration_it_cannot_read_says_how_to_write_it(text, says):
    with pytest.raises(ValueError, match="not a duration") as e:
        parse_duration(text, _agreement("1h").calendars["sp"])
    assert says in str(e.value)


def test_a_zero_duration_is_refused():
    with pytest.raises(ValueError, match="no time at all"):
        parse_duration("0h", _agreement("1h").calendars["sp"])


def test_the_listing_names_each_closed_working_day_and_the_special_hours(desk, capsys):
    assert main(["calendar", str(desk), "sp", "--from", "2026-11-01", "--to", "2026-12-31"]) == 0
    out = capsys.readouterr().out
    assert "calendar sp  (America/Sao_Paulo; 1d = 8h of working time)" in out
    assert "Mon 2026-11-02  All Souls' Day (BR-SP)" in out
    assert "Fri 2026-11-20  National Day of Zumbi and Black Awareness (BR-SP)" in out
    assert "Thu 2026-12-24  a `closed` date of the calendar" in out
    assert "Sun 2026-11-15  10:00-14:00" in out           # a Sunday opened, a holiday too
    assert "Sat 2026-11-21" not in out                     # open on Saturdays: not closed
    assert "calendar ny" not in out


def test_json_lists_every_calendar_with_the_sums_asked(desk, capsys):
    assert main(["calendar", str(desk), "--year", "2026", "--format", "json",
                 "--at", "2026-11-26T16:00", "--add", "1d", "--until", "2026-11-30T09:00"]) == 0
    data = json.loads(capsys.readouterr().out)
    sp, ny = data["calendars"]
    assert (sp["name"], ny["name"]) == ("sp", "ny")
    assert ny["from"] == "2026-01-01" and ny["to"] == "2026-12-31"
    assert {"date": "2026-11-26", "weekday": "thu", "why": "Thanksgiving Day (US)"} in ny["closed"]
    due, worked = ny["sums"]
    # from Thursday 16:00 New York (Thanksgiving, closed): Fri 9-17 is 8h, one day
    assert due["due"] == "2026-11-27T17:00:00-05:00"
    assert [c["date"] for c in due["closed_days_skipped"]] == ["2026-11-26"]
    assert worked["working_seconds"] == 8 * 3600
    # the same local time in São Paulo: Thu 16-18 is 2h, Fri 08-12 4h and 13-15 the last 2h
    assert sp["sums"][0]["due"] == "2026-11-27T15:00:00-03:00"


@pytest.mark.parametrize(("args", "says"), [
    (["nope"], "has no calendar 'nope'"),
    (["s"], "(calendars: sp, ny)"),
    (["--add", "4h"], "give --at INSTANT too"),
    (["--at", "2026-11-02T10:00"], "--at needs --add"),
    (["--at", "2026-11-02T10:00", "--add", "4 hours"], "`4h`"),
    (["--at", "tomorrow", "--add", "4h"], "--at tomorrow"),
    (["--year", "2026", "--from", "2026-01-01"], "not both"),
    (["--from", "2026-12-01", "--to", "2026-11-01"], "is before --from"),
])
def test_usage_errors_exit_2_saying_what_to_do(desk, capsys, args, says):
    assert main(["calendar", str(desk), *args]) == 2
    assert says in capsys.readouterr().err


def test_a_name_close_to_a_calendar_is_suggested(tmp_path, capsys):
    path = tmp_path / "a.sla"
    path.write_text(DESK.replace("{target}", "4h").replace("calendar sp", "calendar sao_paulo")
                    .replace("on sp", "on sao_paulo"))
    assert main(["calendar", str(path), "sao_paolo"]) == 2
    assert "did you mean 'sao_paulo'?" in capsys.readouterr().err


def test_without_a_calendar_the_wall_clock_answers(tmp_path, capsys):
    path = tmp_path / "w.sla"
    path.write_text('agreement "w" {\n  version "1"\n  timezone "Europe/Bucharest"\n  teams sales\n}\n')
    assert main(["calendar", str(path), "--at", "2026-10-24T12:00", "--add", "1d"]) == 0
    out = capsys.readouterr().out
    # 24 real hours across the change back to winter time
    assert "1d (24h) of wall-clock time from Sat 2026-10-24 12:00 +03:00 ends Sun 2026-10-25 11:00 +02:00" in out


def test_the_default_year_is_this_one(desk, capsys):
    assert main(["calendar", str(desk), "ny", "--format", "json"]) == 0
    (ny,) = json.loads(capsys.readouterr().out)["calendars"]
    this_year = datetime.now(timezone(timedelta(hours=-5))).year
    assert ny["from"] in (f"{this_year}-01-01", f"{this_year + 1}-01-01", f"{this_year - 1}-01-01")
    assert date.fromisoformat(ny["to"]).year == date.fromisoformat(ny["from"]).year


def test_json_validates_against_the_shipped_schema(desk, tmp_path, capsys):
    import jsonschema

    from slacode.schemas import load_schema

    validator = jsonschema.Draft202012Validator(load_schema("calendar"))
    wall = tmp_path / "w.sla"
    wall.write_text('agreement "w" {\n  version "1"\n  timezone "UTC"\n  teams sales\n}\n')
    for args in (["--year", "2026"], ["--at", "2026-11-26T16:00", "--add", "2d3h", "--until", "2026-11-20T09:00"]):
        for path in (desk, wall):
            assert main(["calendar", str(path), "--format", "json", *args]) == 0
            document = json.loads(capsys.readouterr().out)
            assert not list(validator.iter_errors(document)), document
            assert document["agreement"]["id"] in ("desk", "w")


NIGHTS = """\
agreement "n" {
  version "1"
  timezone "America/New_York"
  teams sales
}

calendar nights {
  timezone "America/New_York"
  hours mon-fri 22:00-06:00
  holidays "US"
}
"""


@pytest.mark.parametrize(("at", "add", "due", "skipped"), [
    # Wednesday's shift runs into Thanksgiving morning: nothing skipped
    ("2026-11-25T22:00", "3h", "2026-11-26T01:00:00-05:00", []),
    # … and on past it: Thanksgiving's own shift (Thu 22:00 - Fri 06:00) is skipped
    ("2026-11-25T22:00", "10h", "2026-11-28T00:00:00-05:00", ["2026-11-26"]),
    # Veterans Day (Wed) closes the shift that starts that evening, even seen from Thursday 02:00
    ("2026-11-12T02:00", "1h", "2026-11-12T23:00:00-05:00", ["2026-11-11"]),
])
def test_a_night_shift_belongs_to_the_date_it_starts_on(tmp_path, capsys, at, add, due, skipped):
    path = tmp_path / "n.sla"
    path.write_text(NIGHTS)
    assert main(["calendar", str(path), "--format", "json", "--at", at, "--add", add]) == 0
    (sums,) = json.loads(capsys.readouterr().out)["calendars"][0]["sums"]
    assert sums["due"] == due
    assert [d["date"] for d in sums["closed_days_skipped"]] == skipped
