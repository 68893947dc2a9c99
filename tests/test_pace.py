"""`warn behind pace [on CAL]` in a quota (extension, review 24s GAP-1): the period running at
`as_of` of an `at least` quota is `at_risk` while the amount so far is below goal × the share
of the period gone (wall-clock time, or CAL's working time).

Every expected value below was worked out by hand (the reasoning is in the comments); the
property tests compare with the definition written out independently in exact integers.
"""
from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import slacode
from slacode import parallel
from slacode.aggregate import on_pace
from slacode.calendar import Calendar, WallClock
from slacode.cli import main
from tests.test_schemas import problems as schema_problems, validator

UTC = timezone.utc
H = 3_600_000_000                                   # an hour in µs


def us(text: str) -> int:
    return int(datetime.fromisoformat(text).timestamp()) * 1_000_000


def iso_of(v, key="warn_at"):
    return v.to_dict()[key]


def head(tz: str = "UTC", calendars: str = "") -> str:
    return f'agreement "pace" {{ version "1"; timezone "{tz}"; teams marketing, sales }}\n{calendars}\n'


def quotas(result, name: str) -> list:
    return [v for v in result.verdicts if v.lead is None and v.rule == name]


def one(result, name: str, period: str, assignee=None):
    found = [v for v in quotas(result, name) if v.period == period and v.assignee == assignee]
    assert len(found) == 1, [v.to_dict() for v in quotas(result, name)]
    return found[0]


def events(type_: str, ats: list[str], **props) -> list[dict]:
    return [{"lead": f"{type_}-{i}", "at": at, "type": type_, **props} for i, at in enumerate(ats)]


MONTHLY = head() + """
quota mqls {
  owner marketing
  count enter mql
  at least 30 per month
  warn behind pace
}
"""


def mqls(n: int, at: str = "2026-11-01T06:00:00Z") -> list[dict]:
    """``n`` leads entering `mql` at ``at`` (each its own lead: a lead already in `mql` does not enter it again)."""
    return [{"lead": f"M{at}-{i}", "at": at, "type": "state", "state": "mql"} for i in range(n)]


# ------------------------------------------------------------------ the share at the edges

def test_the_share_of_a_wall_clock_period_at_its_edges():
    clock = WallClock("UTC")
    start, end = us("2026-11-01T00:00:00+00:00"), us("2026-12-01T00:00:00+00:00")
    at_start = on_pace(clock, start, end, start, 0, 30)
    assert (at_start.share, at_start.expected, at_start.behind) == (0, 0, False)
    assert at_start.warn_at == start                 # nothing counted: behind right after the start
    at_end = on_pace(clock, start, end, end, 29, 30)
    assert (at_end.share, at_end.expected, at_end.behind) == (1, 30, True)
    # 29 of 30 are the pace of 29 days: on pace until Nov 30 00:00, behind after it
    assert at_end.warn_at == us("2026-11-30T00:00:00+00:00")
    assert on_pace(clock, start, end, end, 30, 30).warn_at is None      # the goal reached
    half = on_pace(clock, start, end, us("2026-11-16T00:00:00+00:00"), 15, 30)
    assert (half.share, half.expected, half.behind) == (Fraction(1, 2), 15, False)   # exactly on pace
    assert half.warn_at == us("2026-11-16T00:00:00+00:00")


def test_as_of_at_a_period_start_expects_nothing_and_at_its_end_judges_it():
    # October's 40 MQLs exceed the goal; November has 3. As of Dec 1 00:00 November has ended
    # (breached, no warn_at) and December has just begun: share 0, nothing expected, pending.
    got = slacode.loads(MONTHLY).evaluate(mqls(40, "2026-10-05T10:00:00Z") + mqls(3), as_of="2026-12-01T00:00:00Z")
    nov, dec = one(got, "mqls", "2026-11"), one(got, "mqls", "2026-12")
    assert (nov.status, nov.warn_at, nov.reason) == ("breached", None, "3 of at least 30 in 2026-11.")
    assert dec.status == "pending"
    assert dec.reason == "0 of at least 30 in 2026-12 so far, on pace (0 expected by now)."
    assert iso_of(dec) == "2026-12-01T00:00:00+00:00"      # behind from the first instant after it
    # a microsecond before the end: the whole goal is expected (and the share is not 100%)
    got = slacode.loads(MONTHLY).evaluate(mqls(29), as_of="2026-11-30T23:59:59.999999Z")
    nov = one(got, "mqls", "2026-11")
    assert nov.status == "at_risk"
    assert nov.reason == "29 of at least 30 in 2026-11 so far, behind pace: >99% of the month gone, 30 expected by now."
    assert iso_of(nov) == "2026-11-30T00:00:00+00:00"


def test_a_quota_that_reaches_its_goal_is_met_and_has_no_warn_at():
    got = slacode.loads(MONTHLY).evaluate(mqls(30), as_of="2026-11-02T00:00:00Z")
    nov = one(got, "mqls", "2026-11")
    assert (nov.status, nov.warn_at) == ("met", None)
    assert nov.reason == "30 of at least 30 in 2026-11 so far (the period has not ended)."


@pytest.mark.parametrize("n, as_of, status, warn_at, tail", [
    # 1 per day: n counted are on pace until n days after Nov 1 00:00
    (0, "2026-11-01T00:00:00Z", "pending", "2026-11-01T00:00:00+00:00", "on pace (0 expected by now)"),
    (0, "2026-11-01T00:00:01Z", "at_risk", "2026-11-01T00:00:00+00:00",
     "behind pace: <1% of the month gone, 1 expected by now"),
    (3, "2026-11-04T00:00:00Z", "pending", "2026-11-04T00:00:00+00:00", "on pace (3 expected by now)"),
    (3, "2026-11-04T00:00:00.000001Z", "at_risk", "2026-11-04T00:00:00+00:00",
     "behind pace: 10% of the month gone, 4 expected by now"),
    (3, "2026-11-03T12:00:00Z", "pending", "2026-11-04T00:00:00+00:00", "on pace (3 expected by now)"),
    (20, "2026-11-16T12:00:00Z", "pending", "2026-11-21T00:00:00+00:00", "on pace (16 expected by now)"),
    (12, "2026-11-16T12:00:00Z", "at_risk", "2026-11-13T00:00:00+00:00",
     "behind pace: 52% of the month gone, 16 expected by now"),
])
def test_status_warn_at_and_reason_by_hand(n, as_of, status, warn_at, tail):
    got = slacode.loads(MONTHLY).evaluate(mqls(n) + [{"lead": "x", "at": "2026-11-01T00:00:00Z", "type": "note"}],
                                          as_of=as_of)
    nov = one(got, "mqls", "2026-11")
    assert (nov.status, iso_of(nov)) == (status, warn_at)
    assert nov.reason == f"{n} of at least 30 in 2026-11 so far, {tail}."


# ------------------------------------------------------------------------ wall clock, DST

DST = head("America/New_York") + """
quota hourly {
  owner marketing
  count enter mql
  at least @GOAL@ per month
  warn behind pace
}
"""


@pytest.mark.parametrize("month, goal, as_of, on_pace_at, behind_at", [
    # November 2026 in New York: DST ends Nov 1 02:00, 30 days + 1h = 721 real hours. As of Nov 1
    # 12:00 EST (17:00Z) 13 real hours are gone since 00:00 EDT (04:00Z): 13 of a goal of 721
    # are on pace, 12 behind (on the local clock, 12 hours, 12 would look on pace)
    ("11", 721, "2026-11-01T12:00:00-05:00", 13, 12),
    # March 2026: DST starts Mar 8 02:00, 31 days - 1h = 743 hours. As of Mar 10 12:00 EDT
    # (16:00Z) 227 real hours are gone since Mar 1 00:00 EST (05:00Z): 227 on pace, 226 behind
    # (on the local clock, 228 of 744 hours: 227.7 expected, and 227 would look behind)
    ("03", 743, "2026-03-10T12:00:00-04:00", 227, 226),
])
def test_a_wall_clock_share_counts_the_real_hours_of_a_month_with_a_dst_change(month, goal, as_of, on_pace_at,
                                                                                behind_at):
    agreement = slacode.loads(DST.replace("@GOAL@", str(goal)))
    first = f"2026-{month}-01T00:30:00-0{5 if month == '03' else 4}:00"
    for n, status in ((on_pace_at, "pending"), (behind_at, "at_risk")):
        got = agreement.evaluate(mqls(n, first), as_of=as_of)
        (v,) = quotas(got, "hourly")
        assert v.status == status, v.reason
        expected = on_pace_at
        assert f"{expected} expected by now" in v.reason
    # the warn_at of 12 in November: 12 real hours after 04:00Z, 11:00 EST (the 01:00 hour twice)
    got = agreement.evaluate(mqls(12, "2026-11-01T00:30:00-04:00"), as_of="2026-11-01T12:00:00-05:00") \
        if month == "11" else None
    if got is not None:
        assert iso_of(quotas(got, "hourly")[0]) == "2026-11-01T11:00:00-05:00"


# -------------------------------------------------------------------- calendars, holidays

BR = """calendar br {
  timezone "America/Sao_Paulo"
  hours mon-fri 09:00-18:00
  holidays "BR"
}"""

# November 2026 on br: 21 weekdays, less Nov 2 (All Souls') and Nov 20 (Black Consciousness Day):
# 19 working days of 9h = 171h, so a goal of 171 expects one per working hour
WORKING = head("America/Sao_Paulo", BR) + """
quota demos {
  owner sales
  count demo_held
  at least 171 per month
  warn behind pace on br
}
"""


def demos(n: int, at: str = "2026-11-01T10:00:00-03:00") -> list[dict]:
    return events("demo_held", [at] * n) + [{"lead": "x", "at": "2026-11-01T08:00:00-03:00", "type": "note"}]


@pytest.mark.parametrize("as_of, hours_gone", [
    ("2026-11-01T12:00:00-03:00", 0),        # a Sunday
    ("2026-11-02T15:00:00-03:00", 0),        # Monday, a holiday
    ("2026-11-03T09:00:00-03:00", 0),        # the first working instant
    ("2026-11-03T12:00:00-03:00", 3),
    ("2026-11-03T20:00:00-03:00", 9),        # after hours
    ("2026-11-19T18:00:00-03:00", 117),      # Nov 3-6, 9-13, 16-19: 13 days
    ("2026-11-20T15:00:00-03:00", 117),      # Friday 20, a holiday: no working time passes
    ("2026-11-23T09:00:00-03:00", 117),
    ("2026-11-30T18:00:00-03:00", 171),      # the month's last working instant
    ("2026-11-30T23:00:00-03:00", 171),
])
def test_a_calendar_share_is_the_working_time_gone_holidays_left_out(as_of, hours_gone):
    agreement = slacode.loads(WORKING)
    on = one(agreement.evaluate(demos(hours_gone), as_of=as_of), "demos", "2026-11")
    if hours_gone == 171:                               # the whole goal: met
        assert on.status == "met"
    else:
        assert (on.status, on.reason) == ("pending", f"{hours_gone} of at least 171 in 2026-11 so far, on pace "
                                                     f"({hours_gone} expected by now).")
    if hours_gone == 0:
        # nothing counted: on pace until the first working time starts, Tuesday 09:00
        assert iso_of(on) == "2026-11-03T09:00:00-03:00"
        return
    behind = one(agreement.evaluate(demos(hours_gone - 1), as_of=as_of), "demos", "2026-11")
    assert behind.status == "at_risk"
    share = {3: "2%", 9: "5%", 117: "68%", 171: "100%"}[hours_gone]     # 1.75%, 5.26%, 68.4%, all of it
    assert behind.reason == (f"{hours_gone - 1} of at least 171 in 2026-11 so far, behind pace: {share} of the "
                             f"month's working time on `br` gone, {hours_gone} expected by now.")


def test_warn_at_on_a_calendar_skips_nights_weekends_and_holidays():
    agreement = slacode.loads(WORKING)
    # 9 counted: on pace through Tuesday's 9 working hours, until Wednesday 09:00 (the night
    # adds no working time); 36: through Nov 3-6 (36h), until Monday 9 at 09:00; 117: until the
    # working time after the Friday-20 holiday and the weekend, Monday 23 at 09:00
    for n, warn_at in ((9, "2026-11-04T09:00:00-03:00"), (36, "2026-11-09T09:00:00-03:00"),
                       (117, "2026-11-23T09:00:00-03:00"), (4, "2026-11-03T13:00:00-03:00")):
        (v,) = quotas(agreement.evaluate(demos(n), as_of="2026-11-03T10:00:00-03:00"), "demos")
        assert (v.status, iso_of(v)) == ("pending", warn_at), n


def test_a_period_with_no_working_time_has_a_share_of_0_until_it_ends():
    cal = """calendar shut {
  timezone "UTC"
  hours mon-fri 09:00-18:00
  closed 2026-11-09, 2026-11-10, 2026-11-11, 2026-11-12, 2026-11-13
}"""
    agreement = slacode.loads(head("UTC", cal) + """
quota weekly {
  owner sales
  count demo_held
  at least 5 per week
  warn behind pace on shut
}
""")
    got = agreement.evaluate(demos(0) + events("demo_held", ["2026-11-02T10:00:00Z"]),
                             as_of="2026-11-15T23:00:00Z")
    w46 = one(got, "weekly", "2026-W46")
    assert (w46.status, w46.warn_at) == ("pending", None)
    assert w46.reason == "0 of at least 5 in 2026-W46 so far, on pace (0 expected by now)."
    assert one(got, "weekly", "2026-W45").status == "breached"


def test_the_pace_calendar_may_be_in_another_zone_than_the_periods():
    # the agreement's weeks are UTC; the calendar works 09:00-18:00 in Tokyo (00:00-09:00 UTC),
    # 45h a week. As of Wed Nov 4 12:00 UTC: Mon, Tue and Wed's whole shifts, 27h: 27/45 = 60%
    cal = 'calendar tokyo { timezone "Asia/Tokyo"; hours mon-fri 09:00-18:00 }'
    agreement = slacode.loads(head("UTC", cal) + """
quota weekly {
  owner sales
  count demo_held
  at least 10 per week
  warn behind pace on tokyo
}
""")
    (v,) = quotas(agreement.evaluate(events("demo_held", ["2026-11-02T01:00:00Z"] * 5),
                                     as_of="2026-11-04T12:00:00Z"), "weekly")
    assert v.status == "at_risk"
    assert v.reason == ("5 of at least 10 in 2026-W45 so far, behind pace: 60% of the week's working time on "
                        "`tokyo` gone, 6 expected by now.")
    # 5 are the pace of 22h30m of Tokyo's working time: Wed 09:00 + 4h30m Tokyo = 04:30 UTC
    assert iso_of(v) == "2026-11-04T04:30:00+00:00"


# ---------------------------------------------------------------------------- groups

GROUPED = head() + """
quota reps {
  owner sales
  count contact_attempt
  by assignee
  at least 10 per week
  warn behind pace
}
quota regions {
  owner sales
  count contact_attempt
  by region
  at least 10 per week
  warn behind pace
}
"""


def test_grouped_quotas_compare_each_groups_amount_with_the_whole_goals_pace():
    # W45 is Mon Nov 2 - Sun Nov 8 (UTC); as of Thu Nov 5 12:00 half the week is gone: 5 expected
    evs = []
    for i in range(5):
        evs += [{"lead": f"A{i}", "at": "2026-11-02T09:00:00Z", "type": "assigned", "owner": "ana",
                 "fields": {"region": "EMEA"}},
                {"lead": f"A{i}", "at": "2026-11-02T10:00:00Z", "type": "contact_attempt"}]
    for i in range(4):
        evs += [{"lead": f"B{i}", "at": "2026-11-02T09:00:00Z", "type": "assigned", "owner": "bruno",
                 "fields": {"region": "APAC"}},
                {"lead": f"B{i}", "at": "2026-11-02T10:00:00Z", "type": "contact_attempt"}]
    got = slacode.loads(GROUPED).evaluate(evs, as_of="2026-11-05T12:00:00Z")
    ana, bruno = one(got, "reps", "2026-W45", "ana"), one(got, "reps", "2026-W45", "bruno")
    assert (ana.status, ana.reason) == ("pending", "ana: 5 of at least 10 in 2026-W45 so far, on pace "
                                                   "(5 expected by now).")
    assert (bruno.status, bruno.reason) == ("at_risk", "bruno: 4 of at least 10 in 2026-W45 so far, behind pace: "
                                                       "50% of the week gone, 5 expected by now.")
    # ana's 5 are on pace until Thursday noon, bruno's 4 until Wednesday 19:12 (4/10 of 7 days)
    assert (iso_of(ana), iso_of(bruno)) == ("2026-11-05T12:00:00+00:00", "2026-11-04T19:12:00+00:00")
    by_region = {v.group["region"]: v for v in quotas(got, "regions")}
    assert (by_region["EMEA"].status, by_region["APAC"].status) == ("pending", "at_risk")
    assert by_region["APAC"].reason.startswith('region "APAC": 4 of at least 10 in 2026-W45 so far, behind pace')


# ------------------------------------------------------------------------------- sums

SUMS = head() + """
quota fees {
  owner marketing
  sum amount of fee
  at least 1.4 per week
  warn behind pace
}
"""


def test_a_sum_is_compared_exactly_and_the_expected_amount_written_to_its_decimals():
    agreement = slacode.loads(SUMS)
    evs = [{"lead": "A", "at": "2026-11-02T01:00:00Z", "type": "fee", "amount": Decimal("0.10")},
           {"lead": "B", "at": "2026-11-02T02:00:00Z", "type": "fee", "amount": Decimal("0.25")}]
    # a quarter of W45 is gone as of Tue Nov 3 18:00 (42h of 168h): 1.4 / 4 = 0.35 expected, exactly
    # the sum: on pace (a float goal × share would not be exact)
    (v,) = quotas(agreement.evaluate(evs, as_of="2026-11-03T18:00:00Z"), "fees")
    assert (v.status, v.value) == ("pending", 0.35)
    assert v.reason == ("0.35 of at least 1.4 (`amount` of 2 events) in 2026-W45 so far, on pace (0.35 expected "
                        "by now).")
    assert iso_of(v) == "2026-11-03T18:00:00+00:00"
    # an hour later: 1.4 × 43 / 168 = 0.3583…, written rounded up to the sum's 2 decimals
    (v,) = quotas(agreement.evaluate(evs, as_of="2026-11-03T19:00:00Z"), "fees")
    assert v.status == "at_risk"
    assert v.reason == ("0.35 of at least 1.4 (`amount` of 2 events) in 2026-W45 so far, behind pace: 26% of the "
                        "week gone, 0.36 expected by now.")
    # the same amounts as floats are added as the decimals they are written as: the same verdict
    floats = [dict(e, amount=float(e["amount"])) for e in evs]
    (w,) = quotas(agreement.evaluate(floats, as_of="2026-11-03T19:00:00Z"), "fees")
    assert (w.status, w.reason, w.warn_at) == (v.status, v.reason, v.warn_at)


def test_a_sum_below_zero_is_behind_from_the_periods_start():
    agreement = slacode.loads(SUMS)
    (v,) = quotas(agreement.evaluate([{"lead": "A", "at": "2026-11-02T01:00:00Z", "type": "fee", "amount": -5}],
                                     as_of="2026-11-02T02:00:00Z"), "fees")
    assert (v.status, iso_of(v)) == ("at_risk", "2026-11-02T00:00:00+00:00")


# ------------------------------------------------------------------- the definition, by property

def _hour_clock():
    return Calendar("UTC", [(range(5), [(540, 720), (780, 1080)])], closed=[date(2026, 11, 11), date(2026, 11, 26)],
                    name="office")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(start_day=st.integers(0, 60), days=st.sampled_from([7, 30, 31, 91]),
       at=st.floats(0, 1), goal=st.integers(1, 5_000), amount=st.integers(0, 6_000),
       calendar=st.booleans())
def test_behind_exactly_when_the_amount_is_below_goal_times_share(start_day, days, at, goal, amount, calendar):
    clock = _hour_clock() if calendar else WallClock("UTC")
    start = us("2026-10-01T00:00:00+00:00") + start_day * 24 * H
    end = start + days * 24 * H
    as_of = start + int((end - start) * at)
    got = on_pace(clock, start, end, as_of, amount, goal)
    total, done = clock.working_us(start, end), clock.working_us(start, as_of)
    assert got.behind == (amount * total < goal * done)                # amount < goal × done / total
    if amount >= goal:
        assert got.warn_at is None
        return
    # warn_at: on pace there, behind at the next microsecond (and so at every later one)
    w = got.warn_at
    assert start <= w < end
    assert amount * total >= goal * clock.working_us(start, w)
    assert amount * total < goal * clock.working_us(start, w + 1)
    assert got.behind == (as_of > w)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(0, 40), goal=st.integers(1, 40), minutes=st.integers(0, 30 * 24 * 60 - 1))
def test_a_verdict_is_at_risk_exactly_when_behind_the_wall_clock_pace(n, goal, minutes):
    agreement = slacode.loads(MONTHLY.replace("at least 30 per month", f"at least {goal} per month"))
    as_of = datetime(2026, 11, 1, tzinfo=UTC) + timedelta(minutes=minutes)
    note = {"lead": "x", "at": "2026-11-01T00:00:00Z", "type": "note"}      # (periods start at the first event)
    got = agreement.evaluate(mqls(n, "2026-11-01T00:00:00Z") + [note], as_of=as_of.isoformat())
    (v,) = quotas(got, "mqls")
    # November is 43,200 minutes: expected = goal × minutes / 43,200
    if n >= goal:
        assert v.status == "met"
    else:
        assert v.status == ("at_risk" if n * 43_200 < goal * minutes else "pending")
        warn = datetime.fromisoformat(iso_of(v))
        assert (v.status == "at_risk") == (as_of > warn)


# ----------------------------------------------------------------- lint, fmt, diff, tests

def codes_of(text: str) -> list[tuple[str, int, int]]:
    return [(d.code, d.line, d.column) for d in slacode.api.lint(text)]


def test_the_line_is_checked():
    text = head("UTC", BR) + """calendar desk = br
quota twice {
  owner sales
  count demo
  at least 40 per month
  warn behind pace
  warn behind pace on br
}
quota nowhere {
  owner sales
  count demo
  at least 40 per month
  warn behind pace on bx
}
quota chosen {
  owner sales
  count demo
  at least 40 per month
  warn behind pace on desk
}
"""
    got = codes_of(text)
    assert ("SLA205", 13, 3) in got
    assert ("SLA208", 19, 23) in got and ("SLA208", 25, 23) in got
    assert not any(c in ("SLA390", "SLA391", "SLA218") for c, _, _ in got)      # br is used: by the pace
    message = next(d.message for d in slacode.api.lint(text) if d.code == "SLA208" and d.line == 25)
    assert "calendar choice" in message


def test_a_calendar_used_only_by_a_pace_is_used():
    text = head("UTC", BR) + "quota q { owner sales; count demo; at least 40 per month; warn behind pace on br }\n"
    assert [c for c, _, _ in codes_of(text) if c.startswith("SLA2")] == []


@pytest.mark.parametrize("line", ["warn at 50%", "warn 1d before", "warn behind", "warn behind schedule"])
def test_a_rules_warning_in_a_quota_is_a_syntax_error_whose_hint_points_to_the_pace(line):
    text = head() + f"quota q {{\n  owner sales\n  count demo\n  at least 40 per month\n  {line}\n}}\n"
    (d,) = [d for d in slacode.api.lint(text) if d.code == "SLA101"]
    assert "`warn behind pace`" in d.hint and "`warn behind pace on CAL`" in d.hint


def test_fmt_writes_the_line_and_reads_it_back():
    text = head("UTC", BR) + "quota q { owner sales; count demo; at least 40 per month; warn   behind pace   on br }\n"
    out = slacode.format(text)
    assert "  warn behind pace on br\n" in out
    assert slacode.format(out) == out


def test_diff_says_when_the_pace_comes_goes_or_changes_clock(tmp_path: Path, capsys):
    cal = BR + '\ncalendar mx { timezone "America/Mexico_City"; hours mon-fri 09:00-18:00 }'
    base = "quota {n} {{ owner sales; count demo; at least 40 per month{pace} }}\n"

    def write(name, paces):
        path = tmp_path / name
        path.write_text(head("UTC", cal) + "".join(base.format(n=n, pace=p) for n, p in paces.items()))
        return str(path)

    old = write("old.sla", {"a": "", "b": "; warn behind pace", "c": "; warn behind pace", "d": "; warn behind pace on br"})
    new = write("new.sla", {"a": "; warn behind pace on mx", "b": "", "c": "; warn behind pace on br",
                            "d": "; warn behind pace on mx"})
    assert main(["diff", old, new, "--format", "json"]) == 1
    changes = {(c["subject"], c["message"]) for c in json.loads(capsys.readouterr().out)["changes"]}
    assert changes == {("a", "now warns behind pace: `warn behind pace on mx`"),
                       ("b", "no longer warns behind pace (was `warn behind pace`)"),
                       ("c", "its pace is now measured in `br`'s working time, was wall-clock time"),
                       ("d", "its pace is now measured in `mx`'s working time, was `br`'s working time")}


def test_test_blocks_can_expect_a_quota_at_risk_and_are_warned_where_it_cannot_be():
    text = MONTHLY + """
quota plain { owner marketing; count enter mql; at least 30 per month }
test "behind" {
  as of 2026-11-16T00:00:00Z
  lead "A"
  at 2026-11-02T10:00:00Z enter mql
  expect mqls period "2026-11" at_risk
  expect plain period "2026-11" pending
}
test "on pace" {
  as of 2026-11-02T00:00:00Z
  lead "A"
  at 2026-11-01T10:00:00Z enter mql
  expect mqls period "2026-11" pending
}
test "never" {
  as of 2026-11-02T00:00:00Z
  lead "A"
  at 2026-11-01T10:00:00Z enter mql
  expect plain period "2026-11" at_risk
  expect mqls period "2026-11" paused
}
"""
    agreement = slacode.loads(text)
    results = {r.name: r.passed for r in slacode.testing.run_tests(agreement)}
    assert results == {"behind": True, "on pace": True, "never": False}
    never = [(d.line, d.message) for d in slacode.api.lint(text) if d.code == "SLA330"]
    line = text.splitlines().index('  expect plain period "2026-11" at_risk') + 1
    assert never == [(line, "quota `plain` is never at_risk: it has no `warn behind pace` line"),
                     (line + 1, "quota `mqls` is never paused: a quota's period is met, breached, pending or at_risk")]


# ------------------------------------------------------------------ the command line

@pytest.fixture()
def files(tmp_path: Path) -> tuple[str, str]:
    spec = tmp_path / "pace.sla"
    spec.write_text(MONTHLY + "quota plain { owner marketing; count enter mql; at least 2 per month }\n")
    evs = tmp_path / "events.jsonl"
    evs.write_text("".join(json.dumps(e) + "\n" for e in mqls(3, "2026-11-02T10:00:00Z")))
    return str(spec), str(evs)


AS_OF = "2026-11-16T00:00:00Z"       # 15 days of 30 gone: 15 expected, 3 counted


def test_check_fails_on_an_at_risk_quota_counts_it_and_its_json_validates(files, capsys):
    spec, evs = files
    assert main(["check", spec, evs, "--as-of", AS_OF]) == 0
    out = capsys.readouterr()
    assert "1 at_risk" in out.out and "behind pace: 50% of the month gone, 15 expected by now." in out.out
    assert main(["check", spec, evs, "--as-of", AS_OF, "--fail-on", "at_risk"]) == 1
    assert "1 verdict at_risk (--fail-on at_risk)" in capsys.readouterr().err
    assert main(["check", spec, evs, "--as-of", AS_OF, "--fail-on", "breached"]) == 0
    capsys.readouterr()
    main(["check", spec, evs, "--as-of", AS_OF, "--format", "json"])
    doc = json.loads(capsys.readouterr().out)
    assert doc["summary"]["statuses"]["at_risk"] == 1
    (v,) = [v for v in doc["verdicts"] if v["rule"] == "mqls"]
    assert (v["status"], v["warn_at"]) == ("at_risk", "2026-11-04T00:00:00+00:00")
    assert schema_problems(validator("verdicts"), doc) == []


def test_report_shows_the_quota_at_risk_in_every_format(files, capsys, tmp_path: Path):
    spec, evs = files
    html = tmp_path / "dash.html"
    assert main(["report", spec, evs, "--as-of", AS_OF, "--html", str(html)]) == 0
    text = capsys.readouterr().out
    (row,) = [line for line in text.splitlines() if line.startswith("mqls")]
    assert row.split()[:3] == ["mqls", "2026-11", "*"] and "at_risk" in row.split()
    page = html.read_text()
    assert ">behind pace</div>" in page and "1 behind pace" in page
    assert main(["report", spec, evs, "--as-of", AS_OF, "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    (q,) = [q for q in doc["quotas"] if q["rule"] == "mqls"]
    assert (q["status"], q["warn_at"]) == ("at_risk", "2026-11-04T00:00:00+00:00")
    assert schema_problems(validator("report"), doc) == []


def test_due_lists_lead_clocks_only(files, capsys):
    spec, evs = files
    assert main(["due", spec, evs, "--as-of", AS_OF, "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["due"] == []


@pytest.mark.skipif(not parallel.can_fork(), reason="parallel evaluation needs fork")
def test_jobs_2_gives_the_same_output(tmp_path: Path, capsys, monkeypatch):
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 0)
    monkeypatch.setattr(parallel, "MIN_PARALLEL_RECORDS", 0)
    spec = tmp_path / "pace.sla"
    spec.write_text(head("America/Sao_Paulo", BR) + """
quota demos { owner sales; count demo_held; by assignee; at least 40 per month; warn behind pace on br }
quota pipeline { owner sales; sum amount of deal; at least 50_000 per month; warn behind pace }
""")
    lines = []
    for i in range(400):
        rep = ["ana", "bruno", "caio"][i % 3]
        day = 1 + i % 16
        lines.append({"lead": f"L{i}", "at": f"2026-11-{day:02d}T10:00:00-03:00", "type": "assigned", "owner": rep})
        if i % 4:
            lines.append({"lead": f"L{i}", "at": f"2026-11-{day:02d}T11:00:00-03:00", "type": "demo_held"})
        if i % 7 == 0:
            lines.append({"lead": f"L{i}", "at": f"2026-11-{day:02d}T12:00:00-03:00", "type": "deal",
                          "amount": 123.45 + i})
    evs = tmp_path / "events.jsonl"
    evs.write_text("".join(json.dumps(e) + "\n" for e in lines))
    outs = []
    for jobs in ("1", "2"):
        code = main(["check", str(spec), str(evs), "--as-of", "2026-11-17T12:00:00-03:00", "--format", "json",
                     "--jobs", jobs])
        assert code == 0
        outs.append(capsys.readouterr().out)
    assert outs[0] == outs[1]
    statuses = {v["status"] for v in json.loads(outs[0])["verdicts"] if v["lead"] is None}
    assert "at_risk" in statuses or "pending" in statuses


def test_plans_without_the_line_have_no_pace():
    plan = slacode.loads(head() + "quota q { owner sales; count demo; at least 4 per month }\n").plan
    assert plan.quotas[0].pace is None
    paced = slacode.loads(head() + "quota q { owner sales; count demo; at least 4 per month; warn behind pace }\n")
    assert isinstance(paced.plan.quotas[0].pace, WallClock)


def test_the_expected_amount_is_written_with_the_goals_decimals_and_never_above_it():
    # (review 24c L1) a sum goal of 10.5 with nothing summed: "10.5 expected" near the end of
    # the week (not 11), and "0.1 expected" a microsecond after its start (not 1)
    spec = slacode.loads(head() + "quota amt { owner sales; sum amount of deal; at least 10.5 per week; "
                         "warn behind pace }\n")
    seen = [{"lead": "A", "at": "2026-11-09T00:00:00Z", "type": "note"}]      # (the periods start with the data)
    late = one(spec.evaluate(seen, as_of="2026-11-15T23:59:59Z"), "amt", "2026-W46")
    assert late.status == "at_risk" and "10.5 expected by now" in late.reason
    early = one(spec.evaluate(seen, as_of="2026-11-09T00:00:00.000001Z"), "amt", "2026-W46")
    assert early.status == "at_risk" and "0.1 expected by now" in early.reason


def test_warn_at_in_a_one_line_quota_gets_the_pace_hint():
    # (review 24c M2) the `;` layout the docs use for short quotas gets the same hint
    for layout in ("quota q { owner sales; count call; at least 10 per week; warn at 80% }\n",
                   "quota q {\n  owner sales\n  count call\n  at least 10 per week\n  warn at 80%\n}\n"):
        with pytest.raises(slacode.SpecError) as e:
            slacode.loads(head() + layout)
        hints = [d.hint or "" for d in e.value.diagnostics]
        assert any(h.startswith("in a quota, `warn` is `warn behind pace`") for h in hints), hints
