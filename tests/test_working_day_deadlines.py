"""Deadlines by the working day (extension, docs/extensions.md "Deadlines by the working
day"): `within same working day on CAL[, after HH:MM [by HH:MM] next working day]` and
`within next working day [by HH:MM] on CAL`, in timed and attempts rules.

Expected values are worked out by hand. `office` is open Monday-Friday 09:00-18:00 in São
Paulo (no DST in 2026) and closed on Friday 2026-11-20; 2026-11-02 is a Monday. The last
part compares evaluation with a small independent reference that steps through dates
with ``zoneinfo`` for random starts.
"""
from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import slacode
from slacode.calendar import Calendar, CalendarError, WallClock
from slacode.diff import semantic_diff
from slacode.evaluate import as_of_us
from slacode.events import records_from_objects
from slacode.explain import timeline
from slacode.testing import run_tests

SP = "-03:00"
HEAD = '''agreement "wd" { version "1"; timezone "America/Sao_Paulo"; teams sales }
calendar office {
  timezone "America/Sao_Paulo"
  hours mon-fri 09:00-18:00
  closed 2026-11-20
}
segment hot = score >= 80
'''

SAME = "within same working day on office"
CUT = "within same working day on office, after 15:00 next working day"
CUT_BY = "within same working day on office, after 15:00 by 12:00 next working day"
NEXT = "within next working day on office"
NEXT_BY = "within next working day by 12:00 on office"
TARGET = "target on_time {\n  owner sales\n  rule r\n  at least 50% met per week\n}\n"


def rule(line: str, extra: str = "", kind: str = "deadline") -> str:
    stop = "stop on enter won" if kind == "attempts" else "stop on call"
    return HEAD + f"{kind} r {{\n  owner sales\n  start on assigned\n  {stop}\n  {line}\n{extra}}}\n"


def at(day: int, hhmm: str) -> str:
    return f"2026-11-{day:02d}T{hhmm}:00{SP}"


def ev(lead: str, when: str, type_: str, **fields) -> dict:
    e = {"lead": lead, "at": when, "type": type_}
    if fields:
        e["fields"] = fields
    return e


def verdicts(text: str, events: list, as_of: str) -> list[dict]:
    return [v.to_dict() for v in slacode.loads(text).evaluate(events, as_of=as_of).verdicts]


def one(text: str, events: list, as_of: str) -> dict:
    (v,) = verdicts(text, events, as_of)
    return v


def deadline(line: str, start: str) -> tuple[str, float]:
    """``(due_at, target hours)`` of a clock started at ``start`` (judged as of the start)."""
    v = one(rule(line), [ev("L", start, "assigned")], start)
    return v["due_at"], v["target_seconds"] / 3600


# ------------------------------------------------------------------------- the forms

@pytest.mark.parametrize("line, start, due, hours", [
    # same working day: the close of the day the clock arrives on
    (SAME, at(2, "10:00"), at(2, "18:00"), 8),
    (SAME, at(2, "17:59"), at(2, "18:00"), 1 / 60),
    # with a cut-off: before 15:00 the same day; at or after it the next working day
    (CUT, at(2, "14:59"), at(2, "18:00"), 3 + 1 / 60),
    (CUT, at(2, "15:00"), at(3, "18:00"), 3 + 9),
    (CUT, at(2, "16:00"), at(3, "18:00"), 2 + 9),
    (CUT_BY, at(2, "10:00"), at(2, "18:00"), 8),
    (CUT_BY, at(2, "16:00"), at(3, "12:00"), 2 + 3),
    # next working day: its close, or the `by` time
    (NEXT, at(2, "10:00"), at(3, "18:00"), 8 + 9),
    (NEXT_BY, at(2, "10:00"), at(3, "12:00"), 8 + 3),
    (NEXT_BY, at(2, "17:00"), at(3, "12:00"), 1 + 3),
])
def test_each_form_before_and_after_the_cut_off(line, start, due, hours):
    got_due, got_hours = deadline(line, start)
    assert got_due == due and got_hours == pytest.approx(hours)


@pytest.mark.parametrize("line, start, due, hours", [
    # Friday after the cut-off: the next working day is Monday
    (CUT, at(6, "16:00"), at(9, "18:00"), 2 + 9),
    (CUT_BY, at(6, "16:00"), at(9, "12:00"), 2 + 3),
    (NEXT, at(6, "10:00"), at(9, "18:00"), 8 + 9),
    # Thursday after the cut-off, Friday 20 closed: Monday 23
    (CUT_BY, at(19, "16:00"), at(23, "12:00"), 2 + 3),
    (NEXT, at(19, "10:00"), at(23, "18:00"), 8 + 9),
])
def test_the_next_working_day_skips_weekends_and_closed_dates(line, start, due, hours):
    got_due, got_hours = deadline(line, start)
    assert got_due == due and got_hours == pytest.approx(hours)


@pytest.mark.parametrize("line, start, due, hours", [
    # an evening start arrives on Monday after its close: the next working day is Tuesday
    (SAME, at(2, "20:00"), at(3, "18:00"), 9),
    (NEXT, at(2, "20:00"), at(3, "18:00"), 9),
    # before the opening: the same day, from 09:00
    (SAME, at(2, "07:00"), at(2, "18:00"), 9),
    (NEXT, at(2, "07:00"), at(3, "18:00"), 9 + 9),
    # a weekend: no working day; the clock counts from Monday 09:00 and is early
    (SAME, at(7, "10:00"), at(9, "18:00"), 9),
    (CUT_BY, at(8, "23:00"), at(9, "18:00"), 9),
    (NEXT_BY, at(7, "10:00"), at(9, "12:00"), 3),
    # a closed date: Friday 20 is no working day; Monday 23 is
    (SAME, at(20, "10:00"), at(23, "18:00"), 9),
    (CUT, at(20, "16:00"), at(23, "18:00"), 9),
    (NEXT, at(20, "16:00"), at(23, "18:00"), 9),
])
def test_a_start_outside_working_time_counts_from_the_next_opening(line, start, due, hours):
    got_due, got_hours = deadline(line, start)
    assert got_due == due and got_hours == pytest.approx(hours)


@pytest.mark.parametrize("start, cut_by, next_by", [
    # the table of docs/extensions.md: (due, hours) of CUT_BY and of NEXT_BY, by hand
    (at(2, "10:00"), (at(2, "18:00"), 8), (at(3, "12:00"), 8 + 3)),
    (at(2, "14:59"), (at(2, "18:00"), 3 + 1 / 60), (at(3, "12:00"), 6 + 1 / 60)),
    (at(2, "15:00"), (at(3, "12:00"), 3 + 3), (at(3, "12:00"), 6)),
    (at(2, "17:59"), (at(3, "12:00"), 3 + 1 / 60), (at(3, "12:00"), 3 + 1 / 60)),
    (at(2, "18:00"), (at(3, "12:00"), 3), (at(3, "12:00"), 3)),          # after the close: late
    (at(2, "23:00"), (at(3, "12:00"), 3), (at(3, "12:00"), 3)),
    (at(7, "10:00"), (at(9, "18:00"), 9), (at(9, "12:00"), 3)),          # Saturday: early, Monday
    (at(20, "10:00"), (at(23, "18:00"), 9), (at(23, "12:00"), 3)),       # a closed Friday
    (at(2, "07:00"), (at(2, "18:00"), 9), (at(3, "12:00"), 9 + 3)),      # before the opening
    (at(6, "16:00"), (at(9, "12:00"), 2 + 3), (at(9, "12:00"), 2 + 3)),  # Friday late: Monday
])
def test_the_arrival_day_decides(start, cut_by, next_by):
    assert deadline(CUT_BY, start) == (cut_by[0], pytest.approx(cut_by[1]))
    assert deadline(NEXT_BY, start) == (next_by[0], pytest.approx(next_by[1]))


def test_reasons_say_the_deadline_in_words():
    text = rule(CUT_BY)
    late = one(text, [ev("L", at(6, "16:00"), "assigned")], at(9, "13:00"))
    assert late["status"] == "breached"
    assert late["reason"] == ("Not done: the deadline 2026-11-09 12:00 -03:00 passed 1h of working time before "
                              "2026-11-09 13:00 "
                              "-03:00: Mon 2026-11-09 12:00, by 12:00 on the next working day, as it started at or "
                              "after 15:00 (5h of working time).")
    early = one(text, [ev("L", at(2, "10:00"), "assigned")], at(2, "11:00"))
    assert early["reason"] == ("Open; 7h of working time left, due 2026-11-02 18:00 -03:00: Mon 2026-11-02 "
                               "18:00, the close of its working day.")
    weekend = one(text, [ev("L", at(7, "10:00"), "assigned"), ev("L", at(9, "17:00"), "call")], at(9, "18:00"))
    assert weekend["reason"] == ("Stopped at 2026-11-09 17:00 -03:00 after 8h of working time, in time for the "
                                 "deadline 2026-11-09 18:00 -03:00: Mon 2026-11-09 18:00, the close of the next "
                                 "working day, as it arrived on Sat 2026-11-07, not a working day.")
    stopped_late = one(rule(NEXT), [ev("L", at(7, "10:00"), "assigned"), ev("L", at(9, "18:30"), "call")],
                       at(9, "19:00"))
    assert stopped_late["reason"] == (
        "Stopped at 2026-11-09 18:30 -03:00, 30m by the wall clock (no working time) after the deadline "
        "2026-11-09 18:00 -03:00: Mon 2026-11-09 18:00, "
        "the close of the next working day, as it arrived on Sat 2026-11-07, not a working day (9h of working time).")
    evening = one(rule(SAME), [ev("L", at(2, "19:00"), "assigned")], at(3, "10:00"))
    assert evening["reason"] == ("Open; 8h of working time left, due 2026-11-03 18:00 -03:00: Tue 2026-11-03 18:00, "
                                 "the close of the next working day, as it started after the close of Mon 2026-11-02.")


def test_reasons_name_the_instant_the_deadline_is():
    lunch = '''agreement "b" { version "1"; timezone "UTC"; teams sales }
calendar lunch { timezone "UTC"; hours mon-fri 09:00-12:00, 13:00-18:00 }
deadline r { owner sales; start on assigned; stop on call; pause while waiting == true
  within same working day on lunch, after 15:00 by 12:30 next working day }
'''
    # a call at 12:45 in the break, after 12:30: the words say 12:30, the deadline it is
    v = one(lunch, [ev("L", "2026-11-02T16:00:00Z", "assigned"), ev("L", "2026-11-03T12:45:00Z", "call")],
            "2026-11-03T14:00:00Z")
    # (in the lunch break: 15 minutes late by the wall clock, none of them working time)
    assert v["reason"] == ("Stopped at 2026-11-03 12:45 +00:00, 15m by the wall clock (no working time) after the "
                           "deadline 2026-11-03 12:30 +00:00: "
                           "Tue 2026-11-03 12:30, by 12:30 on the next working day, as it started at or after 15:00 "
                           "(5h of working time).")
    # a night shift's close falls on the next date: the working day is named after the instant
    night = one(NIGHT.replace("LINE", "within same working day on night"), [ev("L", "2026-11-06T23:00:00Z", "assigned")],
                "2026-11-07T07:00:00Z")
    assert night["reason"].endswith(": Sat 2026-11-07 06:00, the close of its working day, Fri 2026-11-06 "
                                    "(7h of working time).")
    # pauses: one pair of parentheses, and the instant named is where the deadline was
    paused = one(lunch, [ev("L", "2026-11-02T16:00:00Z", "assigned"), ev("L", "2026-11-02T16:30:00Z", "hold", waiting=True),
                         ev("L", "2026-11-02T17:00:00Z", "resume", waiting=False)], "2026-11-03T14:00:00Z")
    assert paused["reason"] == ("Not done: the deadline 2026-11-03 13:30 +00:00 passed 30m of working time before "
                                "2026-11-03 14:00 +00:00: Tue 2026-11-03 12:30 before pauses moved it, by 12:30 on the next working "
                                "day, as it started at or after 15:00 (5h of working time).")
    # a lead in during the break, on a working day: no "counts from" the same day
    inbreak = one(rule(SAME), [ev("L", at(2, "07:00"), "assigned")], at(2, "07:00"))
    assert inbreak["reason"].endswith(": Mon 2026-11-02 18:00, the close of its working day, as it arrived outside "
                                      "working time.")


# ----------------------------------------------------------------- overnight and DST

NIGHT = '''agreement "n" { version "1"; timezone "UTC"; teams sales }
calendar night {
  timezone "UTC"
  hours mon-fri 22:00-06:00
  closed 2026-11-04
}
deadline r { owner sales; start on assigned; stop on call; LINE }
'''


@pytest.mark.parametrize("line, start, due", [
    # Saturday 03:00 is the after-midnight part of Friday's shift: Friday is its working day
    ("within same working day on night", "2026-11-07T03:00:00Z", "2026-11-07T06:00:00Z"),
    # the cut-off 02:00 is read on the shift's own night (Saturday 02:00)
    ("within same working day on night, after 02:00 next working day", "2026-11-07T01:59:00Z",
     "2026-11-07T06:00:00Z"),
    ("within same working day on night, after 02:00 next working day", "2026-11-07T02:00:00Z",
     "2026-11-10T06:00:00Z"),
    # `by 04:00` of Monday's shift is Tuesday 04:00
    ("within same working day on night, after 02:00 by 04:00 next working day", "2026-11-07T03:00:00Z",
     "2026-11-10T04:00:00Z"),
    ("within next working day by 23:00 on night", "2026-11-09T23:30:00Z", "2026-11-10T23:00:00Z"),
    # Saturday 23:00: no shift until Monday 22:00
    ("within same working day on night", "2026-11-07T23:00:00Z", "2026-11-10T06:00:00Z"),
    # Wednesday 4 is closed, and so is the after-midnight part of its shift (Thursday 03:00)
    ("within same working day on night", "2026-11-05T03:00:00Z", "2026-11-06T06:00:00Z"),
    # Tuesday's shift runs into Wednesday morning: Wednesday 05:00 is Tuesday's working day,
    # and the next working day after Tuesday is Thursday (Wednesday closed)
    ("within next working day on night", "2026-11-04T05:00:00Z", "2026-11-06T06:00:00Z"),
])
def test_an_overnight_interval_belongs_to_the_date_it_starts(line, start, due):
    v = one(NIGHT.replace("LINE", line), [ev("L", start, "assigned")], start)
    assert v["due_at"] == due.replace("Z", "+00:00")


UNEVEN = '''agreement "u" { version "1"; timezone "UTC"; teams sales }
calendar night {
  timezone "UTC"
  hours mon-thu 22:00-06:00
  hours fri 22:00-02:00
}
deadline r { owner sales; start on assigned; stop on call; LINE }
'''


@pytest.mark.parametrize("line, start, due, hours", [
    # Thursday's lead, next working day Friday: its `by 04:00` is Saturday 04:00 (after Friday's
    # 02:00 close), not Friday 04:00 inside Thursday's own shift; 7h + 4h of working time
    ("within next working day by 04:00 on night", "2026-11-05T23:00:00Z", "2026-11-07T04:00:00Z", 7 + 4),
    ("within next working day by 04:00 on night", "2026-11-04T23:00:00Z", "2026-11-06T04:00:00Z", 7 + 6),
    # Friday's shift ends at 02:00, before the 03:00 cut-off: a lead in at 23:00 is early
    ("within same working day on night, after 03:00 next working day", "2026-11-06T23:00:00Z",
     "2026-11-07T02:00:00Z", 3),
    ("within same working day on night, after 03:00 next working day", "2026-11-05T23:00:00Z",
     "2026-11-06T06:00:00Z", 7),
    ("within same working day on night, after 03:00 next working day", "2026-11-06T03:30:00Z",
     "2026-11-07T02:00:00Z", 2.5 + 4),                   # Thursday's shift, after its 03:00: late
])
def test_night_shifts_of_different_lengths_read_times_on_their_own_night(line, start, due, hours):
    v = one(UNEVEN.replace("LINE", line), [ev("L", start, "assigned")], start)
    assert (v["due_at"], v["target_seconds"] / 3600) == (due.replace("Z", "+00:00"), pytest.approx(hours))


def test_lint_reads_night_shifts_of_different_lengths_as_evaluation_does():
    found = [(d.code, d.message) for d in slacode.lint(UNEVEN.replace("LINE", "within next working day by 04:00 on night"))
             if d.code.startswith("SLA37")]
    assert found == [("SLA371", "`by 04:00` is after the close of calendar `night` on fri: on such a day the deadline "
                                "is 04:00 itself, after the desk has closed")]
    cut = UNEVEN.replace("LINE", "within same working day on night, after 03:00 next working day")
    assert not [d for d in slacode.lint(cut) if d.code.startswith("SLA37")]


def test_the_working_day_of_a_dst_change_is_as_long_as_it_really_is():
    text = '''agreement "d" { version "1"; timezone "America/New_York"; teams sales }
calendar whole { timezone "America/New_York"; hours daily 00:00-24:00 }
calendar day { timezone "America/New_York"; hours daily 09:00-17:00 }
deadline a { owner sales; start on assigned; stop on call; within same working day on whole }
deadline b { owner sales; start on assigned; stop on call; within same working day on day }
deadline c { owner sales; start on assigned; stop on call; within next working day by 12:00 on whole }
'''
    # 2026-03-08 has 23 hours in New York; 2026-11-01 has 25
    spring = verdicts(text, [ev("L", "2026-03-08T00:30:00-05:00", "assigned")], "2026-03-08T00:30:00-05:00")
    assert [(v["due_at"], v["target_seconds"] / 3600) for v in spring] == [
        ("2026-03-09T00:00:00-04:00", 22.5), ("2026-03-08T17:00:00-04:00", 8), ("2026-03-09T12:00:00-04:00", 34.5)]
    autumn = verdicts(text, [ev("L", "2026-11-01T00:00:00-04:00", "assigned")], "2026-11-01T00:00:00-04:00")
    assert [(v["due_at"], v["target_seconds"] / 3600) for v in autumn] == [
        ("2026-11-02T00:00:00-05:00", 25), ("2026-11-01T17:00:00-05:00", 8), ("2026-11-02T12:00:00-05:00", 37)]


def test_a_skipped_local_time_is_the_first_instant_after_the_gap():
    """2026-03-08 in New York jumps from 02:00 EST to 03:00 EDT: 02:30 is never shown, and
    is read as 03:00 EDT (as a calendar's hours read it); 01:30 is an ordinary time."""
    text = '''agreement "d" { version "1"; timezone "America/New_York"; teams sales }
deadline a { owner sales; start on assigned; stop on call; within same working day, after 02:30 next working day }
deadline b { owner sales; start on assigned; stop on call; within next working day by 02:30 }
'''
    after_gap, before = (verdicts(text, [ev("L", t, "assigned")], t)
                         for t in ("2026-03-08T03:10:00-04:00", "2026-03-08T01:50:00-05:00"))
    assert after_gap[0]["due_at"] == "2026-03-10T00:00:00-04:00"             # late: Monday's close
    assert before[0]["due_at"] == "2026-03-09T00:00:00-04:00"                # early: Sunday's close
    saturday = verdicts(text, [ev("L", "2026-03-07T10:00:00-05:00", "assigned")], "2026-03-07T10:00:00-05:00")
    assert (saturday[1]["due_at"], saturday[1]["target_seconds"]) == ("2026-03-08T03:00:00-04:00", 16 * 3600)


def test_without_a_calendar_every_day_runs_from_midnight_to_midnight():
    text = '''agreement "w" { version "1"; timezone "America/Sao_Paulo"; teams sales }
deadline r { owner sales; start on assigned; stop on call; within same working day, after 18:00 by 09:00 next working day }
'''
    agreement = slacode.loads(text)
    assert [d.code for d in agreement.diagnostics] == ["SLA373"]
    early = one(text, [ev("L", at(7, "10:00"), "assigned")], at(7, "10:00"))       # a Saturday counts
    assert (early["due_at"], early["target_seconds"]) == (at(8, "00:00"), 14 * 3600)
    late = one(text, [ev("L", at(7, "18:00"), "assigned")], at(7, "18:00"))
    assert (late["due_at"], late["target_seconds"]) == (at(8, "09:00"), 15 * 3600)
    assert "wall-clock time" in one(text, [ev("L", at(7, "18:00"), "assigned")], at(8, "10:00"))["reason"]


# ------------------------------------------------------- judged as `within T`

def test_a_pause_moves_the_deadline_by_the_working_time_paused():
    text = rule(SAME, "  pause while waiting == true\n")
    events = [ev("L", at(4, "14:00"), "assigned"), ev("L", at(4, "15:00"), "hold", waiting=True),
              ev("L", at(4, "16:00"), "resume", waiting=False)]
    v = one(text, events, at(4, "17:00"))
    # the target is the working time to the close (4h); an hour paused moves it to Thu 10:00
    assert (v["status"], v["due_at"], v["target_seconds"]) == ("pending", at(5, "10:00"), 4 * 3600)
    assert v["reason"].endswith(": Wed 2026-11-04 18:00 before pauses moved it, the close of its working day.")
    # paused at as_of: the deadline if the pause ended then
    paused = one(text, events[:2], at(4, "16:30"))
    assert (paused["status"], paused["due_at"]) == ("paused", at(5, "10:30"))


def test_warn_at_a_share_is_a_share_of_the_cycles_own_target():
    text = rule(CUT, "  warn at 50%\n")
    early = one(text, [ev("L", at(2, "10:00"), "assigned")], at(2, "13:59"))       # 8h: warned at 14:00
    assert (early["status"], early["warn_at"]) == ("pending", at(2, "14:00"))
    late = one(text, [ev("L", at(2, "16:00"), "assigned")], at(3, "12:00"))        # 11h: 5h30m in
    assert (late["status"], late["warn_at"]) == ("pending", at(3, "12:30"))
    risky = one(text, [ev("L", at(2, "16:00"), "assigned")], at(3, "12:30"))
    assert risky["status"] == "at_risk"
    assert risky["reason"] == ("Open with 5h 30m of 11h of working time used (warning at 50%); due 2026-11-03 18:00 -03:00: Tue "
                               "2026-11-03 18:00, the close of the next working day, as it started at or after 15:00.")


def test_warn_before_and_several_levels():
    text = rule(CUT_BY, "  warn 1h before\n  warn at 50%\n")
    v = one(text, [ev("L", at(2, "16:00"), "assigned")], at(3, "09:00"))          # 5h, due Tue 12:00
    assert (v["status"], v["warn_at"]) == ("pending", at(3, "09:30"))             # 50% (2h30m in) first
    assert [(w["level"], w["at"]) for w in v["warnings"]] == [("50%", at(3, "09:30")), ("1h before", at(3, "11:00"))]
    later = one(text, [ev("L", at(2, "16:00"), "assigned")], at(3, "11:00"))
    assert later["status"] == "at_risk" and "(past the warning 1h of working time before the deadline)" in later["reason"]


def test_stop_exactly_at_the_close_is_on_time_and_a_deadline_at_as_of_is_not_breached():
    text = rule(SAME)
    assert one(text, [ev("L", at(2, "10:00"), "assigned"), ev("L", at(2, "18:00"), "call")],
               at(2, "19:00"))["status"] == "met"
    assert one(text, [ev("L", at(2, "10:00"), "assigned")], at(2, "18:00"))["status"] == "pending"
    assert one(text, [ev("L", at(2, "10:00"), "assigned")], at(2, "18:01"))["status"] == "breached"


def test_by_is_the_promised_instant_even_in_a_break():
    text = '''agreement "b" { version "1"; timezone "UTC"; teams sales }
calendar lunch { timezone "UTC"; hours mon-fri 09:00-12:00, 13:00-18:00 }
deadline r { owner sales; start on assigned; stop on call; pause while waiting == true
  within next working day by 12:30 on lunch }
'''
    v = one(text, [ev("L", "2026-11-02T10:00:00Z", "assigned")], "2026-11-02T10:00:00Z")
    assert (v["due_at"], v["target_seconds"]) == ("2026-11-03T12:30:00+00:00", (7 + 3) * 3600)
    # a call at 12:15, in the lunch break, keeps the promise; one at 12:31 does not
    met = one(text, [ev("L", "2026-11-02T10:00:00Z", "assigned"), ev("L", "2026-11-03T12:15:00Z", "call")],
              "2026-11-03T14:00:00Z")
    late = one(text, [ev("L", "2026-11-02T10:00:00Z", "assigned"), ev("L", "2026-11-03T12:31:00Z", "call")],
               "2026-11-03T14:00:00Z")
    assert (met["status"], late["status"]) == ("met", "breached")
    # an hour of working time paused moves the deadline an hour of working time past 12:00
    paused = one(text, [ev("L", "2026-11-02T10:00:00Z", "assigned"),
                        ev("L", "2026-11-02T11:00:00Z", "hold", waiting=True),
                        ev("L", "2026-11-02T12:30:00Z", "resume", waiting=False)], "2026-11-02T14:00:00Z")
    assert paused["due_at"] == "2026-11-03T14:00:00+00:00"
    # a pause in the night covers no working time: the deadline stays 12:30
    night = one(text, [ev("L", "2026-11-02T10:00:00Z", "assigned"),
                       ev("L", "2026-11-02T20:00:00Z", "hold", waiting=True),
                       ev("L", "2026-11-02T21:00:00Z", "resume", waiting=False)], "2026-11-02T22:00:00Z")
    assert night["due_at"] == "2026-11-03T12:30:00+00:00"


def test_by_a_time_after_the_days_close_is_that_time():
    text = '''agreement "b" { version "1"; timezone "UTC"; teams sales }
calendar short { timezone "UTC"; hours mon-fri 09:00-18:00; hours sat 09:00-12:00 }
deadline r { owner sales; start on assigned; stop on call; within next working day by 15:00 on short }
'''
    agreement = slacode.loads(text)
    assert [d.code for d in agreement.diagnostics] == ["SLA371"]                   # `15:00` is after Saturday's close
    v = one(text, [ev("L", "2026-11-06T10:00:00Z", "assigned")], "2026-11-06T10:00:00Z")
    assert (v["due_at"], v["target_seconds"]) == ("2026-11-07T15:00:00+00:00", (8 + 3) * 3600)
    early = '''agreement "b" { version "1"; timezone "UTC"; teams sales }
calendar office { timezone "UTC"; hours mon-fri 09:00-18:00 }
deadline r { owner sales; start on assigned; stop on call; within next working day by 08:00 on office }
'''
    # before the opening: 08:00 itself, with no working time of that day; a call at 07:30 is on time
    v = one(early, [ev("L", "2026-11-02T10:00:00Z", "assigned"), ev("L", "2026-11-03T07:30:00Z", "call")],
            "2026-11-03T10:00:00Z")
    assert (v["status"], v["due_at"], v["target_seconds"]) == ("met", "2026-11-03T08:00:00+00:00", 8 * 3600)


NIGHT_SAT = '''agreement "n" { version "1"; timezone "America/Sao_Paulo"; teams sales }
calendar night { timezone "America/Sao_Paulo"; hours mon-fri 22:00-06:00; hours sat 10:00-14:00
  open 2026-12-25 10:00-14:00 }
deadline r { owner sales; start on assigned; stop on call; %s }
'''


@pytest.mark.parametrize("line, start, due, hours, passed", [
    # Friday's shift runs to Sat 06:00; Saturday (a day shape) reads 04:00 on itself: passed at 04:30,
    # so Monday's shift's 04:00 (Tue 04:00): 1h30m of Friday's shift, Saturday's 4h, Monday's 6h
    ("within same working day on night, after 03:00 by 04:00 next working day", at(14, "04:30"), at(17, "04:00"),
     1.5 + 4 + 6, "Sat 2026-11-14"),
    ("within next working day by 04:00 on night", at(14, "04:30"), at(17, "04:00"), 1.5 + 4 + 6, "Sat 2026-11-14"),
    # exactly at the `by` instant is not after the start either
    ("within next working day by 04:00 on night", at(14, "04:00"), at(17, "04:00"), 2 + 4 + 6, "Sat 2026-11-14"),
    # still ahead: Sat 04:00 itself, with none of Saturday's working time
    ("within next working day by 04:00 on night", at(14, "03:59"), at(14, "04:00"), 1 / 60, None),
    # an `open` day-shape date after a night shift (Thursday's shift runs into Christmas Friday 2026-12-25)
    # and the next working date, Saturday, has its 04:00 ahead: Sat 2026-12-26 04:00
    ("within next working day by 04:00 on night", "2026-12-25T04:59:00-03:00", "2026-12-26T04:00:00-03:00",
     1 + 1 / 60 + 4, "Fri 2026-12-25"),
])
def test_a_deadline_is_never_at_or_before_the_start(line, start, due, hours, passed):
    v = one(NIGHT_SAT % line, [ev("L", start, "assigned")], start)
    assert (v["status"], v["due_at"]) == ("pending", due)
    assert v["target_seconds"] / 3600 == pytest.approx(hours)
    words = f"04:00 on the next working day, {passed}, was not after its start."
    assert v["reason"].endswith(words) == (passed is not None), v["reason"]
    if passed is not None:                  # the reason names the date the deadline is on, not "the next"
        on = "Sat 2026-12-26" if passed.endswith("12-25") else "Mon 2026-11-16"
        assert f"by 04:00 on the working day {on}, as " in v["reason"]
        assert "by 04:00 on the next working day" not in v["reason"]


def test_sla371_says_what_happens_when_the_by_time_can_be_past_on_arrival():
    (d,) = [d for d in slacode.lint(NIGHT_SAT % "within next working day by 04:00 on night") if d.code == "SLA371"]
    assert d.message.endswith("none of that day's working time; a lead in at or after 04:00 that morning, on a "
                              "night shift, is due at 04:00 of the next working day whose 04:00 is after its arrival")
    # without a night shift no lead can arrive after it: the message stops at the working time
    (d,) = [d for d in slacode.lint(rule("within next working day by 08:00 on office")) if d.code == "SLA371"]
    assert d.message.endswith("none of that day's working time")


# ----------------------------------------------------------- lines, segments, rules

def test_segment_lines_mix_a_duration_and_a_working_day():
    text = rule("within 1h on office for hot\n  " + CUT_BY)
    hot = one(text, [ev("L", at(2, "16:00"), "assigned", score=90)], at(2, "16:30"))
    cold = one(text, [ev("L", at(2, "16:00"), "assigned", score=10)], at(2, "16:30"))
    assert (hot["segment"], hot["due_at"], hot["target_seconds"]) == ("hot", at(2, "17:00"), 3600)
    assert (cold["segment"], cold["due_at"], cold["target_seconds"]) == (None, at(3, "12:00"), 5 * 3600)


def test_retarget_counts_a_working_day_line_from_the_cycles_start():
    text = rule("within 1h on office for hot\n  " + SAME, "  retarget when segment changes\n")
    # cold at the start (due Mon 18:00), hot at 10:30: the hot line from 10:00 is due 11:00
    hot = one(text, [ev("L", at(2, "10:00"), "assigned", score=10), ev("L", at(2, "10:30"), "scored", score=90)],
              at(2, "10:45"))
    assert (hot["segment"], hot["due_at"]) == ("hot", at(2, "11:00"))
    # hot at the start, cold at 10:30 (before its 11:00 deadline): the close of Monday, counted from 10:00
    cold = one(text, [ev("L", at(2, "10:00"), "assigned", score=90), ev("L", at(2, "10:30"), "scored", score=10)],
               at(2, "10:45"))
    assert (cold["segment"], cold["due_at"], cold["target_seconds"]) == (None, at(2, "18:00"), 8 * 3600)
    assert cold["reason"].endswith("(`within 1h on office for hot` → `within same working day on office`).")
    # a score that changes while the line stays the same changes nothing
    same = one(text, [ev("L", at(2, "10:00"), "assigned", score=10), ev("L", at(2, "10:30"), "scored", score=20)],
               at(2, "10:45"))
    assert "changed" not in same["reason"]


def test_a_calendar_choice_gives_each_lead_the_close_of_its_own_desk():
    text = '''agreement "c" { version "1"; timezone "UTC"; teams sales }
calendar lisbon { timezone "Europe/Lisbon"; hours mon-fri 09:00-17:00 }
calendar tokyo { timezone "Asia/Tokyo"; hours mon-fri 09:00-17:00 }
segment in_japan = country == "JP"
calendar desk = tokyo for in_japan, lisbon
deadline r { owner sales; start on assigned; stop on call; within same working day on desk, after 15:00 next working day }
'''
    events = [ev("J", "2026-11-02T06:30:00Z", "assigned", country="JP"),     # 15:30 in Tokyo: late
              ev("P", "2026-11-02T06:30:00Z", "assigned", country="PT")]     # 06:30 in Lisbon: before 09:00
    j, p = verdicts(text, events, "2026-11-02T07:00:00Z")
    assert j["due_at"] == "2026-11-03T17:00:00+09:00" and p["due_at"] == "2026-11-02T17:00:00+00:00"


def test_attempts_at_least_n_within_a_working_day():
    text = rule("at least 2 within same working day on office, after 15:00 next working day", "  warn at 50%\n",
                kind="attempts")
    events = [ev("L", at(2, "16:00"), "assigned"), ev("L", at(2, "17:00"), "contact_attempt"),
              ev("L", at(3, "10:00"), "contact_attempt")]
    v = one(text, events, at(3, "11:00"))
    assert (v["clause"], v["status"], v["due_at"], v["completed_at"]) == (
        "at_least_within", "met", at(3, "18:00"), at(3, "10:00"))
    pending = one(text, events[:2], at(3, "11:00"))
    assert pending["reason"] == ("1 of 2 attempts so far; due 2026-11-03 18:00 -03:00: Tue 2026-11-03 18:00, the "
                                 "close of the next working day, as it started at or after 15:00.")
    # 4h of the 11h target used by Tuesday 11:00; 50% is 5h30m in: Tuesday 12:30
    assert (pending["status"], pending["warn_at"], pending["target_seconds"]) == ("pending", at(3, "12:30"), 11 * 3600)
    # the summary's `at least N within next working day [by HH:MM]` form: Tuesday 12:00, 2h + 3h
    nxt = one(rule("at least 2 within next working day by 12:00 on office", kind="attempts"), events[:2],
              at(3, "11:00"))
    assert (nxt["status"], nxt["due_at"], nxt["target_seconds"]) == ("pending", at(3, "12:00"), 5 * 3600)


def test_cycles_each_get_their_own_target():
    text = rule(CUT, "  restart on reassigned\n")
    events = [ev("L", at(2, "10:00"), "assigned"), ev("L", at(2, "16:00"), "reassigned")]
    first, second = verdicts(text, events, at(2, "17:00"))
    assert (first["status"], first["due_at"]) == ("cancelled", at(2, "18:00"))
    assert (second["status"], second["due_at"], second["target_seconds"]) == ("pending", at(3, "18:00"), 11 * 3600)


def test_a_breach_of_a_working_day_deadline_escalates_at_its_due_at():
    text = rule(SAME) + '''deadline manager {
  owner sales
  start on breach of r
  stop on reassigned
  within 1h on office
}
'''
    r, manager = verdicts(text, [ev("L", at(2, "16:00"), "assigned")], at(3, "12:00"))
    assert r["due_at"] == at(2, "18:00") and manager["started_at"] == at(2, "18:00")
    assert manager["due_at"] == at(3, "10:00")


# --------------------------------------------------------------- the language around it

TESTED = HEAD + '''deadline first_touch {
  owner sales
  start on assigned
  stop on call
  within 1h on office for hot
  within same working day on office, after 15:00 by 12:00 next working day
}
test "in by 15:00: the same day; later: by noon the next" {
  as of 2026-11-10T12:00:00-03:00
  lead "early"
  at 2026-11-09T14:30:00-03:00 assigned
  at 2026-11-09T17:00:00-03:00 call
  expect first_touch met due 2026-11-09T18:00:00-03:00
  lead "late"
  at 2026-11-09T15:30:00-03:00 assigned
  expect first_touch pending due 2026-11-10T12:00:00-03:00
  lead "hot"
  at 2026-11-09T15:30:00-03:00 assigned set score = 90
  expect first_touch breached due 2026-11-09T16:30:00-03:00
}
'''


def test_test_blocks_use_them():
    [result] = run_tests(slacode.loads(TESTED))
    assert result.passed and len(result.outcomes) == 3
    wrong = TESTED.replace("pending due 2026-11-10T12:00:00-03:00", "pending due 2026-11-09T18:00:00-03:00")
    [failed] = run_tests(slacode.loads(wrong))
    assert not failed.passed and [o.passed for o in failed.outcomes] == [True, False, True]


def test_fmt_writes_one_canonical_form():
    messy = HEAD + '''deadline r { owner sales; start on assigned; stop on call
  within same working day on office,
      after 15:00 next working day by 9:30 for hot
  within next working day by 9:00 on office
}
attempts a { owner sales; start on assigned; stop on enter won; at least 2 within same working day }
'''
    out = slacode.format(messy)
    assert "  within same working day on office, after 15:00 by 09:30 next working day for hot\n" in out
    assert "  within next working day by 09:00 on office\n" in out
    assert "  at least 2 within same working day\n" in out
    assert slacode.format(out) == out
    assert slacode.loads(out).model_dump() == slacode.loads(messy).model_dump()


def test_the_syntax_does_not_take_the_words_from_names():
    """`same`, `next`, `working`, `after` and `by` are still names where a name stands."""
    text = HEAD + '''segment next = same > 1 and after == 2 and working == 3 and by == 4
deadline r { owner sales; start on after where same == 1; stop on working; within same working day on office for next }
'''
    assert not [d for d in slacode.lint(text) if d.severity == "error"]


@pytest.mark.parametrize("text, hint", [
    ("within same day on office", "write `same working day` or `next working day`"),
    ("within same working day on office after 15:00 next working day", "a cut-off follows a comma"),
    ("within same working day on office, after 15:00", "say what a clock that starts after the cut-off gets"),
    ("within same working day on office, before 15:00 next working day", "a cut-off is written `after HH:MM`"),
    ("within next working day on office by 12:00", "write `within next working day by 12:00 on office`: `by` comes "
                                                   "before `on`"),
    ("within same working day on office, after 15:00 by 12:00 next working day by 13:00", None),
])
def test_broken_lines_are_syntax_errors_with_hints(text, hint):
    (syntax,) = [d for d in slacode.lint(rule(text)) if d.code.startswith("SLA1")]
    assert (syntax.hint or "").startswith(hint or ""), syntax.hint
    if hint is None:
        assert syntax.message == "expected `for`, `}` or the end of the line, found `by`"


_NEAR_MISSES = [       # (as written, the token the parser stops at, the line written the right way)
    ("within same business day on office", "business", "within same working day on office"),
    ("within next business day on office for hot", "business", "within next working day on office for hot"),
    ("within same workday on office", "workday", "within same working day on office"),
    ("within next workday by 12:00 on office", "workday", "within next working day by 12:00 on office"),
    ("within next working day by noon on office", "noon", "within next working day by 12:00 on office"),
    ("within next working day by 12 on office", "12", "within next working day by 12:00 on office"),
    ("within same working day on office, after 15:00 by noon next working day", "noon", CUT_BY),
    ("within same working day on office, after 3pm by 12 next working day", "3", CUT_BY),
    ("within same working day on office, after 15:00 by 12:00 next business day", "business", CUT_BY),
    ("within same working day on office, after 15:00 by 12:00 the next working day", "the", CUT_BY),
    ("within the next working day on office", "the", NEXT),
    ("within the same workday on office", "the", SAME),
    ("within same working day on office for hot, after 15:00 next working day", ",", CUT + " for hot"),
    ("within same working day on office for hot, after 15:00 by 12:00 next working day", ",", CUT_BY + " for hot"),
    ("within next working day on office by noon", "by", NEXT_BY),
    ("within 1 working day on office", "working", "within 1d on office"),
    ("within 1 business day on office for hot", "business", "within 1d on office for hot"),
]


@pytest.mark.parametrize("written, token, right", _NEAR_MISSES)
def test_near_miss_spellings_get_the_line_written_the_right_way(written, token, right):
    """The hint is at the place of the error and shows the whole line written the right way,
    and that line is read."""
    text = rule(written)
    (syntax,) = [d for d in slacode.lint(text) if d.code.startswith("SLA1")]
    line = text.splitlines()[syntax.span.line - 1]
    assert line[syntax.span.column - 1:].startswith(token), (line, syntax.span)
    assert f"write `{right}`" in (syntax.hint or ""), syntax.hint
    assert not [d for d in slacode.lint(rule(right)) if d.severity == "error"]


def test_near_miss_hints_read_the_whole_statement():
    """On a one-line rule (clauses split by `;`) and in an attempts rule, the line shown is
    the target's own statement, nothing of the clauses around it."""
    text = HEAD + "deadline r { owner sales; start on assigned; stop on call; within same workday on office; warn at 50% }\n"
    (syntax,) = [d for d in slacode.lint(text) if d.code.startswith("SLA1")]
    assert syntax.hint.startswith("write `within same working day on office`: the words are `working day`"), syntax.hint
    (syntax,) = [d for d in slacode.lint(rule("at least 3 within 1 working day on office", kind="attempts"))
                 if d.code.startswith("SLA1")]
    assert "`at least 3 within 1d on office`" in syntax.hint
    assert "or `at least 3 within next working day on office` for the close of the next working day" in syntax.hint
    (syntax,) = [d for d in slacode.lint(rule("within same working day by 16:00 on office")) if d.code.startswith("SLA1")]
    assert syntax.hint == ("`same working day` is due at the close of the day and takes no `by`: write `within same "
                           "working day on office`, or `within next working day by 16:00 on office` for a time on the "
                           "next working day")
    # a near-miss elsewhere on the line than where the parser stopped gives no rewrite of it
    (syntax,) = [d for d in slacode.lint(rule("within same working day on office, after 15:00 by 12:00 next working "
                                              "day by noon")) if d.code.startswith("SLA1")]
    assert not (syntax.hint or "").startswith("write `"), syntax.hint


def test_lint_checks_the_times_against_the_calendar():
    def found(line: str) -> list[tuple[str, str]]:
        return [(d.code, d.message) for d in slacode.lint(rule(line)) if d.code.startswith("SLA37")]

    assert found(CUT_BY) == []
    assert found("within same working day on office, after 18:00 next working day") == [(
        "SLA370", "the cut-off `after 18:00` is at or after the close of calendar `office` on every working day: it "
                  "splits no working day, and only leads in after the close are late, as with any cut-off")]
    assert [c for c, _ in found("within same working day on office, after 09:00 next working day")] == ["SLA370"]
    assert found("within next working day by 19:00 on office") == [(
        "SLA371", "`by 19:00` is after the close of calendar `office` on mon-fri: on such a day the deadline is "
                  "19:00 itself, after the desk has closed")]
    assert [c for c, _ in found("within next working day by 09:00 on office")] == ["SLA371"]
    assert [c for c, _ in found("within next working day on office, after 15:00 next working day")] == ["SLA372"]
    assert [c for c, _ in found("within same working day")] == ["SLA373"]
    with pytest.raises(slacode.SpecError):                                           # SLA372 is an error
        slacode.loads(rule("within next working day on office, after 15:00 next working day"))


def test_sla370_and_sla371_report_every_calendar_of_a_choice_that_has_the_problem():
    text = '''agreement "c" { version "1"; timezone "UTC"; teams sales }
calendar a { timezone "UTC"; hours mon-fri 08:00-16:00 }
calendar b { timezone "UTC"; hours mon-fri 09:00-12:00 }
calendar c { timezone "UTC"; hours mon-fri 08:00-20:00 }
segment x = region == "x"
segment y = region == "y"
calendar desk = a for x, c for y, b
deadline r { owner sales; start on assigned; stop on call
  within same working day on desk, after 17:00 by 19:00 next working day }
'''
    found = [(d.code, d.message.split("calendar `")[1][0]) for d in slacode.lint(text) if d.code.startswith("SLA37")]
    # past the close of `a` (16:00) and `b` (12:00), inside `c`'s hours (08:00-20:00)
    assert found == [("SLA370", "a"), ("SLA370", "b"), ("SLA371", "a"), ("SLA371", "b")]


@pytest.mark.parametrize("line, longest, start", [
    (SAME, 9, at(2, "09:00")),                         # the longest working day
    (CUT_BY, 9, at(2, "09:00")),                       # 3h after 15:00 and 3h up to 12:00: less than a day
    ("within same working day on office, after 10:00 by 17:00 next working day", 16, at(2, "10:00")),  # 8h + 8h
    (CUT, 12, at(2, "15:00")),                         # 3h after 15:00 and the next whole day
    (NEXT, 18, at(2, "07:00")),                        # a start before the opening: two whole days
    (NEXT_BY, 12, at(2, "09:00")),
])
def test_a_warning_before_the_longest_working_day_target_is_sla321(line, longest, start):
    """`warn D before` with D at least the longest target the line can give on the
    calendar's hours: every cycle is at_risk from its start (SLA321, as for `within 2h` and
    `warn 2h before`). The bound is reached: a start gets exactly that target, and is
    at_risk from its start with D, not with a minute less."""
    def warned(warn: str) -> list[str]:
        return [d.message for d in slacode.lint(rule(line, f"  {warn}\n")) if d.code == "SLA321"]

    (message,) = warned(f"warn {longest}h before")
    assert message.startswith(f"`warn {longest}h before` is at least the longest target `{line}` can give (line 12): "
                              f"{longest}h, "), message
    assert warned(f"warn {longest * 60 - 1}m before") == []
    v = one(rule(line, f"  warn {longest}h before\n"), [ev("L", start, "assigned")], start)
    assert (v["target_seconds"], v["status"], v["warn_at"]) == (longest * 3600, "at_risk", start)
    v = one(rule(line, f"  warn {longest * 60 - 1}m before\n"), [ev("L", start, "assigned")], start)
    assert v["status"] == "pending"


def test_the_longest_working_day_target_reads_each_calendar_of_a_choice_and_the_wall_clock():
    # a night desk: a whole shift (8h) and the next one's up to 04:00 the morning after (6h)
    night = NIGHT.replace("LINE", "within next working day by 04:00 on night; warn WARN before")
    (message,) = [d.message for d in slacode.lint(night.replace("WARN", "14h")) if d.code == "SLA321"]
    assert ": 14h, the longest working day and the next one's hours up to 04:00" in message
    assert not [d for d in slacode.lint(night.replace("WARN", "13h59m")) if d.code == "SLA321"]
    start = "2026-11-09T22:00:00+00:00"                 # Monday's shift opens: due Wednesday 04:00
    v = one(night.replace("WARN", "14h"), [ev("L", start, "assigned")], start)
    assert (v["due_at"], v["target_seconds"], v["warn_at"]) == ("2026-11-11T04:00:00+00:00", 14 * 3600, start)
    wall = rule("within same working day", "  warn 1d before\n")
    (message,) = [d.message for d in slacode.lint(wall) if d.code == "SLA321"]
    assert "24h, the longest working day" in message
    assert not [d for d in slacode.lint(rule("within same working day", "  warn 23h before\n")) if d.code == "SLA321"]
    choice = '''agreement "c" { version "1"; timezone "UTC"; teams sales }
calendar long { timezone "UTC"; hours mon-fri 08:00-20:00 }
calendar short { timezone "UTC"; hours mon-fri 09:00-13:00 }
segment small = size < 10
calendar desk = short for small, long
deadline r { owner sales; start on assigned; stop on call; within same working day on desk; warn 5h before }
'''
    (message,) = [d.message for d in slacode.lint(choice) if d.code == "SLA321"]
    assert "`within same working day on desk` on `short` can give" in message and ": 4h, " in message


def test_the_cut_off_hint_suggests_a_time_inside_the_calendars_hours():
    def hint(text: str) -> str:
        (d,) = [d for d in slacode.lint(text) if d.code == "SLA370"]
        return d.hint

    assert "`after 15:00`" in hint(rule("within same working day on office, after 19:00 next working day"))
    night = NIGHT.replace("LINE", "within same working day on night, after 15:00 next working day")
    assert "`after 03:00`" in hint(night)                     # 15:00 is outside a 22:00-06:00 desk's hours
    late = HEAD.replace("09:00-18:00", "09:00-15:00") + "deadline r { owner sales; start on assigned; stop on call\n" \
        "  within same working day on office, after 15:00 next working day }\n"
    assert "`after 12:00`" in hint(late)                      # never the flagged time itself
    for text in (rule("within same working day on office, after 19:00 next working day"), night, late):
        suggested = hint(text).split("`after ")[1].split("`")[0]
        fixed = text.replace("after 19:00", f"after {suggested}").replace("after 15:00", f"after {suggested}")
        assert not [d for d in slacode.lint(fixed) if d.code == "SLA370"], suggested


def test_a_bad_time_is_a_bad_literal():
    assert "SLA108" in {d.code for d in slacode.lint(rule("within next working day by 25:00 on office"))}
    # `24:00` only ends an interval: refused as a `by` time or a cut-off, and only SLA108 says so
    for line, hint in (("within next working day by 24:00 on office", "drop `by 24:00`"),
                       ("within same working day on office, after 15:00 by 24:00 next working day", "drop `by 24:00`"),
                       ("within same working day on office, after 24:00 next working day",
                        "drop the `, after …` part")):
        found = [d for d in slacode.lint(rule(line)) if d.code.startswith(("SLA1", "SLA37"))]
        assert [(d.code, d.severity) for d in found] == [("SLA108", "error")], line
        assert "`24:00` can only end an interval" in found[0].message and hint in found[0].hint
        with pytest.raises(slacode.SpecError):
            slacode.loads(rule(line))
    assert not [d for d in slacode.lint(rule("within next working day by 00:00 on office")) if d.code == "SLA108"]


def _diff(old: str, new: str) -> list[tuple[str, str | None]]:
    return [(c.message, c.direction) for c in semantic_diff(slacode.loads(rule(old)), slacode.loads(rule(new)))
            if c.semantic]


def test_diff_names_a_change_of_such_a_line():
    # a lead in at 15:00 gets more time, one in at 18:30 less (Tue 18:00 → Tue 12:00): neither way
    assert _diff(SAME, CUT_BY) == [(
        "target changed from the close of the working day it arrives on to the close of the working day it "
        "arrives on (in at 15:00 or later: 12:00 on the next working day): `within same working day on office` → "
        "`within same working day on office, after 15:00 by 12:00 next working day` (the default line)", None)]
    assert _diff(CUT, CUT_BY)[0][1] == "tightened"
    assert _diff(NEXT_BY, NEXT)[0][1] == "loosened"
    # early leads: the close → the next day, but a Saturday lead: Monday's close → Monday 12:00
    assert _diff(CUT_BY, NEXT_BY)[0][1] is None
    assert _diff(SAME, NEXT)[0][1] == "loosened"
    assert _diff(CUT, "within same working day on office, after 14:00 next working day")[0][1] == "loosened"
    assert _diff("within same working day on office, after 14:00 by 10:00 next working day",
                 "within same working day on office, after 15:00 next working day")[0][1] is None
    assert _diff("within 4h on office", SAME) == [(
        "target changed from 4h to the close of the working day it arrives on: `within 4h on office` → `within same "
        "working day on office` (the default line)", None)]
    assert _diff(CUT_BY, CUT_BY.replace("by 12:00", "by 12:00")) == []
    # the same line in another layout is no change
    assert semantic_diff(slacode.loads(rule(CUT_BY)), slacode.loads(rule(CUT_BY.replace(
        "after 15:00 by 12:00 next working day", "after 15:00 next working day by 12:00")))) == []


def test_diff_reads_night_desks_as_evaluation_does():
    def direction(old: str, new: str):
        texts = [NIGHT.replace("LINE", line) for line in (old, new)]
        (change,) = [c for c in semantic_diff(slacode.loads(texts[0]), slacode.loads(texts[1])) if c.semantic]
        return change.direction

    # by 04:00 is the morning after the shift starts, by 23:00 the evening it starts: earlier
    assert direction("within next working day by 04:00 on night", "within next working day by 23:00 on night") \
        == "tightened"
    # after 03:00 is late in the shift, after 23:00 early: fewer leads are late, none due earlier
    assert direction("within same working day on night, after 03:00 next working day",
                     "within same working day on night, after 23:00 next working day") == "loosened"
    # another calendar's hours in the new version: the direction cannot be told
    old = NIGHT.replace("LINE", "within next working day by 04:00 on night")
    new = old.replace("22:00-06:00", "21:00-05:00").replace("by 04:00", "by 03:00")
    (change,) = [c for c in semantic_diff(slacode.loads(old), slacode.loads(new)) if c.semantic and "target" in c.message]
    assert change.direction is None


def test_explain_shows_the_cycles_deadline():
    events = [ev("L", at(6, "16:00"), "assigned", score=10), ev("L", at(9, "11:00"), "call")]
    agreement = slacode.loads(rule(CUT_BY))
    lines = timeline(agreement.plan, "L", records_from_objects(events, diagnostics=[]), as_of_us(at(9, "12:00")))
    assert ("    r: cycle 1 opens (within same working day on office, after 15:00 by 12:00 next working day, the "
            "default line: Mon 2026-11-09 12:00, by 12:00 on the next working day, as it started at or after 15:00, "
            "5h of working time); due 2026-11-09 12:00 -03:00") in lines


def test_explain_says_a_retargeted_deadline_moved_by_pauses_as_reasons_do():
    text = rule("within 1h on office for hot\n  " + CUT_BY,
                "  pause while waiting == true\n  retarget when segment changes\n")
    events = [ev("L", at(9, "16:00"), "assigned", score=90), ev("L", at(9, "16:10"), "u", waiting=True),
              ev("L", at(9, "16:40"), "u", waiting=False), ev("L", at(9, "16:50"), "scored", score=10)]
    lines = timeline(slacode.loads(text).plan, "L", records_from_objects(events, diagnostics=[]),
                     as_of_us(at(10, "13:00")))
    (line,) = [x for x in lines if "retargeted" in x]
    # 5h of working time from 16:00, 30m of it paused: due 12:30, and 12:00 is where it was without the pause
    assert "the default line: Tue 2026-11-10 12:00 before pauses moved it, by 12:00 on the next working day" in line
    assert line.endswith("due 2026-11-10 12:30 -03:00")
    (v,) = verdicts(text, events, at(10, "13:00"))
    assert "Tue 2026-11-10 12:00 before pauses moved it, by 12:00 on the next working day" in v["reason"]


def test_json_csv_and_due_need_nothing_new(tmp_path):
    spec = tmp_path / "a.sla"
    spec.write_text(rule(CUT_BY))
    events = tmp_path / "e.jsonl"
    events.write_text('{"lead": "L", "at": "2026-11-06T16:00:00-03:00", "type": "assigned"}\n')
    run = [sys.executable, "-m", "slacode"]
    csv = subprocess.run(run + ["check", str(spec), str(events), "--as-of", at(9, "10:00"), "--format", "csv"],
                         capture_output=True, text=True)
    assert csv.returncode == 0 and ",2026-11-09T12:00:00-03:00,,2026-11-09T10:30:00-03:00," not in csv.stdout
    assert "2026-11-09T12:00:00-03:00" in csv.stdout and ",18000.0," in csv.stdout
    due = subprocess.run(run + ["due", str(spec), str(events), "--as-of", at(9, "10:00"), "--format", "json"],
                         capture_output=True, text=True)
    assert due.returncode == 0 and "2026-11-09T12:00:00-03:00" in due.stdout
    (clock,) = slacode.loads(rule(CUT_BY)).upcoming(
        [{"lead": "L", "at": at(6, "16:00"), "type": "assigned"}], as_of=at(9, "10:00"))
    assert clock.due_at == datetime(2026, 11, 9, 12, 0, tzinfo=timezone(timedelta(hours=-3)))


def test_a_target_counts_working_day_verdicts_as_any_others(tmp_path):
    text = rule("within 1h on office for hot\n  " + CUT_BY) + TARGET
    events = [ev("A", at(2, "10:00"), "assigned"), ev("A", at(2, "17:00"), "call"),            # met
              ev("B", at(2, "16:00"), "assigned"), ev("B", at(3, "12:30"), "call"),            # late: breached
              ev("C", at(3, "16:00"), "assigned", score=90), ev("C", at(3, "16:30"), "call")]  # hot: met
    week = [v for v in verdicts(text, events, at(16, "10:00")) if v["rule"] == "on_time" and v["period"] == "2026-W45"]
    assert [(w["status"], w["value"]) for w in week] == [("met", pytest.approx(2 / 3))]
    spec = tmp_path / "a.sla"
    spec.write_text(text)
    log = tmp_path / "e.jsonl"
    log.write_text("".join(json.dumps(e) + "\n" for e in events))
    report = subprocess.run([sys.executable, "-m", "slacode", "report", str(spec), str(log), "--as-of", at(16, "10:00")],
                            capture_output=True, text=True)
    assert report.returncode == 0 and "on_time" in report.stdout


# --------------------------------------------------------------- the calendar API

def test_calendar_working_days():
    cal = Calendar("UTC", hours=[({0, 1, 2, 3, 4}, [(22 * 60, 6 * 60)])], closed=[date(2026, 11, 4)])
    utc = timezone.utc

    def us(*args) -> int:
        return int(datetime(*args, tzinfo=utc).timestamp()) * 1_000_000

    fri = date(2026, 11, 6).toordinal()
    assert cal.date_intervals_us(fri) == [(us(2026, 11, 6, 22), us(2026, 11, 7, 6))]
    assert cal.date_intervals_us(date(2026, 11, 4).toordinal()) == []                     # closed
    assert cal.working_date_us(us(2026, 11, 7, 3)) == (fri, us(2026, 11, 7, 3))           # Friday's night
    assert cal.working_date_us(us(2026, 11, 7, 7)) == (date(2026, 11, 9).toordinal(), us(2026, 11, 9, 22))
    assert cal.next_working_date(date(2026, 11, 3).toordinal()) == date(2026, 11, 5).toordinal()
    assert cal.close_us(fri) == us(2026, 11, 7, 6)
    assert cal.time_on_us(fri, 4 * 60) == us(2026, 11, 7, 4)                              # the shift's 04:00
    assert cal.time_on_us(fri, 23 * 60) == us(2026, 11, 6, 23)
    wall = WallClock("America/Sao_Paulo")
    assert wall.close_us(fri) == int(datetime(2026, 11, 7, 3, tzinfo=utc).timestamp()) * 1_000_000
    only_one_day = Calendar("UTC", open={date(2026, 1, 5): [(540, 600)]})
    with pytest.raises(CalendarError, match="no working day in the 50 years after 2026-01-05"):
        only_one_day.next_working_date(date(2026, 1, 5).toordinal())


# ------------------------------------------------- an independent reference, randomly

class RefCalendar:
    """Working hours as a person reads them, one date at a time: a date's intervals are its
    `open` hours, or none when closed, or its weekday's; each is turned into aware datetimes
    of its endpoints (an overnight one ends the next day)."""

    def __init__(self, zone: str, weekly: dict, closed=(), opened=None):
        self.tz = ZoneInfo(zone)
        self.weekly, self.closed, self.opened = weekly, set(closed), dict(opened or {})

    def _local(self, d: date, minutes: int) -> datetime:
        d = d + timedelta(days=minutes // 1440)
        m = minutes % 1440
        return datetime.combine(d, time(m // 60, m % 60), tzinfo=self.tz).astimezone(timezone.utc)

    def intervals(self, d: date) -> list[tuple[datetime, datetime]]:
        spans = self.opened[d] if d in self.opened else [] if d in self.closed else self.weekly.get(d.weekday(), [])
        return [(self._local(d, s), self._local(d, e if e > s else e + 1440)) for s, e in spans]

    def time_on(self, d: date, minutes: int) -> datetime:
        """A time of day on working day ``d``: the next morning's when ``d``'s hours run
        past midnight and the time is before its first opening; else on ``d``."""
        spans = self.opened[d] if d in self.opened else [] if d in self.closed else self.weekly.get(d.weekday(), [])
        overnight = any(e <= s for s, e in spans)
        if overnight and minutes < min(s for s, _ in spans):
            d, minutes = d + timedelta(days=1), minutes
        while True:                                    # a skipped time: the first local minute after it
            here = self._local(d, minutes)
            wall = here.astimezone(self.tz)
            if (wall.date(), wall.hour * 60 + wall.minute) == (d + timedelta(days=minutes // 1440), minutes % 1440):
                return here
            minutes += 1


def reference(cal: RefCalendar, form: tuple, start: datetime) -> tuple[datetime, timedelta]:
    """``(deadline, target)`` of a clock started at ``start`` by stepping through dates."""
    first_kind, cutoff, by = form
    local = start.astimezone(cal.tz).date()
    holding = [d for d in (local - timedelta(days=1), local) if any(a <= start < b for a, b in cal.intervals(d))]
    arrival = holding[0] if holding else local          # the arrival day
    day = local - timedelta(days=2)
    while True:                                        # the first interval not over at the start
        found = next(((a, b) for a, b in cal.intervals(day) if b > start), None)
        if found is not None:
            break
        day += timedelta(days=1)
    opened = day                                       # the working date of the next opening

    def after(d: date) -> date:
        d += timedelta(days=1)
        while not cal.intervals(d):
            d += timedelta(days=1)
        return d

    counted, by_time = arrival, None
    if not cal.intervals(arrival):
        target_day = opened if first_kind == "same" else after(arrival)
        by_time = by if first_kind == "next" else None
        counted = min(opened, arrival)
    elif first_kind == "next":
        target_day, by_time = after(arrival), by
    else:
        beyond = start >= max(b for _, b in cal.intervals(arrival))
        late = cutoff is not None and (beyond or start >= cal.time_on(arrival, cutoff))
        target_day = after(arrival) if late or beyond else arrival
        by_time = by if late else None
    close = max(b for _, b in cal.intervals(target_day))
    instant = close if by_time is None else cal.time_on(target_day, by_time)
    while instant <= start:                            # already past: the next working date's `by`
        target_day = after(target_day)
        instant = cal.time_on(target_day, by_time)
    pieces = []
    d = counted - timedelta(days=1)
    while d <= target_day + timedelta(days=1):
        pieces += [(max(a, start), min(b, instant)) for a, b in cal.intervals(d) if min(b, instant) > max(a, start)]
        d += timedelta(days=1)
    pieces.sort()
    target = sum((b - a for a, b in pieces), timedelta(0))
    return instant, target                             # the instant itself (no pauses here)


_MONFRI = {w: [(9 * 60, 12 * 60), (13 * 60, 18 * 60)] for w in range(5)}
CALENDARS = {
    "day": ("calendar day {\n  timezone \"America/New_York\"\n  hours mon-fri 09:00-12:00, 13:00-18:00\n"
            "  hours sat 10:00-14:00\n  closed 2026-11-03, 2026-11-26, 2026-03-10\n  open 2026-11-08 10:00-12:00\n}\n",
            RefCalendar("America/New_York", {**_MONFRI, 5: [(600, 840)]},
                        closed=[date(2026, 11, 3), date(2026, 11, 26), date(2026, 3, 10)],
                        opened={date(2026, 11, 8): [(600, 720)]})),
    "night": ("calendar night {\n  timezone \"America/New_York\"\n  hours daily 22:00-06:00\n"
              "  closed 2026-11-05, 2026-03-09\n}\n",
              RefCalendar("America/New_York", {w: [(22 * 60, 6 * 60)] for w in range(7)},
                          closed=[date(2026, 11, 5), date(2026, 3, 9)])),
    "berlin": ("calendar berlin {\n  timezone \"Europe/Berlin\"\n  hours mon-fri 08:00-17:00\n  closed 2026-10-26\n}\n",
               RefCalendar("Europe/Berlin", {w: [(8 * 60, 17 * 60)] for w in range(5)}, closed=[date(2026, 10, 26)])),
    "mixed": ("calendar mixed {\n  timezone \"America/New_York\"\n  hours mon-fri 22:00-06:00\n"
              "  hours sat 10:00-14:00\n  closed 2026-11-05\n  open 2026-11-26 09:00-17:00\n}\n",
              RefCalendar("America/New_York", {**{w: [(22 * 60, 6 * 60)] for w in range(5)}, 5: [(600, 840)]},
                          closed=[date(2026, 11, 5)], opened={date(2026, 11, 26): [(540, 1020)]})),
    None: ("", RefCalendar("America/New_York", {w: [(0, 1440)] for w in range(7)})),
}


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def line_of(cal: str | None, form: tuple) -> str:
    first, cutoff, by = form
    on = f" on {cal}" if cal else ""
    if first == "next":
        return f"within next working day{f' by {_hhmm(by)}' if by is not None else ''}{on}"
    if cutoff is None:
        return f"within same working day{on}"
    return (f"within same working day{on}, after {_hhmm(cutoff)}{f' by {_hhmm(by)}' if by is not None else ''} "
            "next working day")


@lru_cache(maxsize=512)
def _agreement(cal: str | None, form: tuple):
    text = ('agreement "p" { version "1"; timezone "America/New_York"; teams sales }\n' + CALENDARS[cal][0]
            + f"deadline r {{\n  owner sales\n  start on assigned\n  stop on call\n  {line_of(cal, form)}\n}}\n")
    return slacode.loads(text)


_QUARTERS = st.integers(0, 95).map(lambda q: q * 15)
_FORMS = st.one_of(
    st.tuples(st.just("same"), st.none(), st.none()),
    st.tuples(st.just("same"), _QUARTERS, st.one_of(st.none(), _QUARTERS)),
    st.tuples(st.just("next"), st.none(), st.one_of(st.none(), _QUARTERS)),
)
_DAYS = st.one_of(st.dates(date(2026, 10, 20), date(2026, 12, 1)),    # the end of DST, both zones
                  st.dates(date(2026, 3, 1), date(2026, 4, 3)))       # its start, both zones
#: local times where the answer changes: openings, closes, a lunch break, midnight
_EDGES = [0, 6 * 60, 8 * 60, 9 * 60, 10 * 60, 12 * 60, 13 * 60, 14 * 60, 17 * 60, 18 * 60, 22 * 60]


@st.composite
def _start(draw, cal: str | None, form: tuple) -> datetime:
    """A start on a random local date, at a random minute or at one where the answer
    changes (the cut-off, the `by` time, an opening or a close), a minute off or not."""
    minute = draw(st.one_of(st.integers(0, 1439), st.sampled_from(
        _EDGES + [m for m in form[1:] if m is not None]).flatmap(lambda m: st.sampled_from([m, m - 1, m + 1]))))
    day = draw(_DAYS) + timedelta(days=minute // 1440)
    minute %= 1440
    local = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=CALENDARS[cal][1].tz)
    return local.astimezone(timezone.utc)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), cal=st.sampled_from(list(CALENDARS)), form=_FORMS)
def test_deadlines_agree_with_a_day_by_day_reference(data, cal, form):
    start = data.draw(_start(cal, form))
    due, target = reference(CALENDARS[cal][1], form, start)
    when = start.isoformat()
    (v,) = _agreement(cal, form).evaluate([{"lead": "L", "at": when, "type": "assigned"}], as_of=when).verdicts
    assert v.instant("due_at").timestamp() == due.timestamp(), (line_of(cal, form), when)
    assert v.target_seconds == target.total_seconds(), (line_of(cal, form), when)


MIXED_DESK = """agreement "mixed" { version "1"; timezone "UTC"; teams sales }
calendar desk {
  timezone "UTC"
  hours mon-thu 22:00-06:00
  hours fri 09:00-17:00
}
deadline d {
  owner sales
  start on assigned
  stop on call
  LINE
}
"""


def test_a_passed_over_by_time_is_in_the_sla321_bound_and_diff_does_not_guess_its_direction():
    """On a desk with night shifts and a day shift, a lead in on Friday 04:30 (Thursday's
    shift) finds Friday's `by 04:00` behind it and is due Tuesday 04:00: more than the
    longest day plus the next day's hours up to 04:00 (14h). SLA321 must not say such a
    line's cycles are all at risk from their start, and diff cannot call `by 04:00` →
    `by 05:00` a loosening (that lead's deadline moves from Tuesday 04:00 to Friday 05:00)."""
    line = "within next working day by 04:00 on desk"
    text = MIXED_DESK.replace("LINE", line)
    start = "2026-11-13T04:30:00Z"                                       # a Friday
    v = one(text, [ev("L", start, "assigned")], start)
    assert v["due_at"] == "2026-11-17T04:00:00+00:00" and v["target_seconds"] > 14 * 3600
    warned = text.replace(line, line + "\n  warn 14h30m before")
    assert [d for d in slacode.lint(warned) if d.code == "SLA321"] == []
    later = text.replace("by 04:00", "by 05:00")
    v2 = one(later, [ev("L", start, "assigned")], start)
    assert v2["due_at"] == "2026-11-13T05:00:00+00:00"                   # earlier for this lead
    (change,) = [c for c in semantic_diff(slacode.loads(text), slacode.loads(later)) if c.semantic]
    assert change.direction is None and change.message.startswith("target changed from")
