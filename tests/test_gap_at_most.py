"""`gap at most D [on CAL]` (an extension): its lint, formatting, diff and `due` listing.
The verdicts themselves are worked out by hand in tests/cases/947-gap-at-most."""
from __future__ import annotations

from datetime import timedelta

import slacode
from slacode.diff import semantic_diff
from slacode.report import upcoming

RULE = """agreement "g" { version "1"; timezone "UTC"; teams sales }
calendar office {
  timezone "UTC"
  hours mon-fri 09:00-17:00
}
attempts cadence {
  owner sales
  start on assigned
  restart on assigned where owner != assignee
  stop on enter sql
  pause while on_hold == true
  gap at most 1d on office
}
"""


def ev(at: str, type_: str, **props) -> dict:
    return {"lead": "L", "at": at, "type": type_, **props}


def test_lint_accepts_it_and_a_pause_lengthens_it():
    assert [d.code for d in slacode.lint(RULE)] == []          # no SLA334: the pause has an effect


def test_lint_says_when_it_cannot_be_kept_or_is_zero():
    text = RULE.replace("  gap at most 1d on office\n", "  gap at least 3h\n  gap at most 2h\n  gap at most 0m\n")
    found = [(d.code, d.line) for d in slacode.lint(text) if d.code in ("SLA321", "SLA323")]
    assert sorted(found) == [("SLA321", 14), ("SLA323", 13), ("SLA323", 14)]
    # equal bounds leave exactly that gap (both include their end): no SLA323 (review 14-c)
    equal = RULE.replace("  gap at most 1d on office\n", "  gap at least 2h\n  gap at most 2h\n")
    assert "SLA323" not in [d.code for d in slacode.lint(equal)]
    # longer than a hundred years: no deadline can be placed (check crashed, review 14-c)
    far = [(d.code, d.line) for d in slacode.lint(RULE.replace("gap at most 1d", "gap at most 3000000d"))]
    assert ("SLA108", 12) in far
    # on a calendar the working hours decide: not compared
    assert "SLA323" not in [d.code for d in slacode.lint(text.replace("gap at most 2h", "gap at most 2h on office"))
                            if d.line == 13]


def test_fmt_writes_it_in_compact_form():
    assert "  gap at most 2d on office\n" in slacode.format(RULE.replace("gap at most 1d", "gap  at most 2 days"))


def test_diff_says_which_way_it_moved():
    before, after = slacode.loads(RULE), slacode.loads(RULE.replace("gap at most 1d on office", "gap at most 4h"))
    texts = [c.message for c in semantic_diff(before, after)]
    assert "gap_at_most: silence counted on office → wall-clock time" in texts
    # across two calendars no direction: 8 working hours can span a weekend (review 14-d)
    assert "gap_at_most: changed from at most 1d to at most 4h without an attempt" in texts
    # `1d` is a working day of the calendar, 8h on `office` (review 14-c: it was 24h)
    same = semantic_diff(before, slacode.loads(RULE.replace("gap at most 1d", "gap at most 8h")))
    assert [c.kind for c in same] == ["restated"]
    looser = semantic_diff(before, slacode.loads(RULE.replace("gap at most 1d", "gap at most 9h")))
    assert [c.message for c in looser] == ["gap_at_most: loosened from at most 1d to at most 9h without an attempt"]


def test_due_lists_the_next_attempt_it_waits_for():
    agreement = slacode.loads(RULE)
    events = [ev("2026-11-02T10:00:00Z", "assigned", owner="ana"), ev("2026-11-02T15:00:00Z", "contact_attempt")]
    (clock,) = upcoming(agreement, events, as_of="2026-11-03T09:00:00Z")
    assert (clock.clause, clock.next, clock.due_at.isoformat()) == ("gap_at_most", "due", "2026-11-03T15:00:00+00:00")
    assert clock.working_left == timedelta(hours=6)             # Tue 09:00-15:00
    assert clock.time_left == timedelta(hours=6)


def test_a_restart_in_time_cancels_the_cycle_and_the_next_one_counts_from_its_start():
    agreement = slacode.loads(RULE)
    events = [ev("2026-11-02T10:00:00Z", "assigned", owner="ana"), ev("2026-11-02T12:00:00Z", "contact_attempt"),
              ev("2026-11-02T16:00:00Z", "assigned", owner="bia")]
    got = [(v.cycle, v.status, v.to_dict()["due_at"]) for v in
           agreement.evaluate(events, as_of="2026-11-03T10:00:00Z").verdicts]
    assert got == [(1, "cancelled", "2026-11-03T12:00:00+00:00"),
                   (2, "pending", "2026-11-03T16:00:00+00:00")]        # 1h on Monday, 7h on Tuesday


def test_explain_replays_a_lead_with_it():
    from slacode.explain import timeline
    from slacode.events import records_from_objects
    from slacode.evaluate import as_of_us

    agreement = slacode.loads(RULE)
    records = records_from_objects([ev("2026-11-02T10:00:00Z", "assigned", owner="ana")], diagnostics=[])
    lines = timeline(agreement.plan, "L", records, as_of_us("2026-11-04T10:00:00Z"))
    assert any(line.startswith("  cadence.gap_at_most cycle 1: BREACHED.") for line in lines), lines
    assert ("    cadence: cycle 1 opens; next attempt due by 2026-11-03 10:00 +00:00 unless paused (gap at most 1d "
            "on office)") in lines
    records = records_from_objects([ev("2026-11-02T10:00:00Z", "assigned", owner="ana"),
                                    ev("2026-11-02T15:00:00Z", "contact_attempt", id="a1")], diagnostics=[])
    lines = timeline(agreement.plan, "L", records, as_of_us("2026-11-03T09:00:00Z"))
    assert ("    cadence: attempt 1 in cycle 1; next attempt due by 2026-11-03 15:00 +00:00 unless paused (gap at "
            "most 1d on office)") in lines
    assert ("  cadence.gap_at_most cycle 1: PENDING. Next attempt due by 2026-11-03 15:00 +00:00, at most 1d (8h of "
            "working time) after attempt a1 at 2026-11-02 15:00 +00:00.") in lines


def test_a_test_block_may_expect_its_due():
    from slacode.testing import run_tests

    text = RULE + '''test "next touch" {
  as of 2026-11-03T09:00:00Z
  at 2026-11-02T10:00:00Z assigned with owner = "ana"
  at 2026-11-02T15:00:00Z contact_attempt
  expect cadence.gap_at_most pending due 2026-11-03T15:00:00Z
}
'''
    agreement = slacode.loads(text)
    assert "SLA330" not in [d.code for d in agreement.diagnostics]
    (result,) = run_tests(agreement)
    assert result.passed, result.outcomes
