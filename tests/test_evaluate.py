"""The evaluator against the contract (LANGUAGE.md §4–§7, §9, §11, §13).

Every expected value below was worked out by hand from the contract, not copied from a run.
Unless a test says otherwise the agreement's zone is UTC and `biz` is a UTC calendar open
Monday–Friday 09:00–17:00 (an 8 h working day). 2026-11-02 and 2026-11-09 are Mondays.
"""
from __future__ import annotations

import json
import random
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import slacode

UTC = timezone.utc

HEAD = '''agreement "t" {
  version "1"
  timezone "@TZ@"
  teams sales, marketing
}

calendar biz {
  timezone "UTC"
  hours mon-fri 09:00-17:00
  closed 2026-11-04
}

states {
  lead
  mql
  sal
  sql
  working
  on_hold
  nurture
  disqualified final
  customer final
}

segment hot = score >= 80
segment vip = employees >= 1000
'''


# --------------------------------------------------------------------------- helpers

def ts(at: str) -> str:
    """`"2026-11-02 10:00"` → `"2026-11-02T10:00:00Z"`; full RFC 3339 text is kept."""
    if len(at) == 16 and at[10] == " ":
        return at.replace(" ", "T") + ":00Z"
    return at


def inst(at: str) -> datetime:
    return datetime.fromisoformat(ts(at).replace("Z", "+00:00"))


def E(lead: str, at: str, type_: str, id_: str | None = None, **props) -> dict:
    event = {"lead": lead, "at": ts(at), "type": type_}
    if id_ is not None:
        event["id"] = id_
    event.update(props)
    return event


def spec(body: str, tz: str = "UTC", head: str = HEAD) -> str:
    return head.replace("@TZ@", tz) + body


def run(body: str, events: list, as_of: str, tz: str = "UTC", head: str = HEAD):
    agreement = slacode.loads(spec(body, tz, head))
    return agreement.evaluate(events, as_of=ts(as_of))


def pick(result, lead, rule, clause="within", cycle=1) -> dict:
    found = [v.to_dict() for v in result.verdicts
             if v.lead == lead and v.rule == rule and v.clause == clause and v.cycle == cycle]
    assert len(found) == 1, (lead, rule, clause, cycle, [v.to_dict() for v in result.verdicts])
    return found[0]


def cycles_of(result, lead, rule, clause="within") -> list:
    return [v.cycle for v in result.verdicts if v.lead == lead and v.rule == rule and v.clause == clause]


def when(d: dict, key: str) -> datetime | None:
    return None if d[key] is None else datetime.fromisoformat(d[key])


def ev(d: dict) -> list[str]:
    return [str(x) for x in d["evidence"]]


def codes(result) -> list[str]:
    return [d.code for d in result.diagnostics]


FIRST_TOUCH = '''
deadline ft {
  owner sales
  start on assigned
  stop on contact_attempt
  within 1h
}
'''


# ===================================================================== §4 events, input

class TestFieldsBeforeTriggers:
    BODY = '''
deadline ft {
  owner sales
  start on assigned
  stop on contact_attempt
  within 1h
  within 10m for hot
}
'''

    def test_fields_of_the_start_event_decide_its_segment(self):
        r = run(self.BODY, [E("A", "2026-11-02 10:00", "assigned", "a1", owner="r", fields={"score": 90})],
                "2026-11-02 10:05")
        v = pick(r, "A", "ft")
        assert v["segment"] == "hot" and v["target_seconds"] == 600
        assert when(v, "due_at") == inst("2026-11-02 10:10")

    def test_fields_of_a_later_event_at_the_same_instant_do_not_count(self):
        r = run(self.BODY, [E("A", "2026-11-02 10:00", "assigned", "a1", owner="r"),
                            E("A", "2026-11-02 10:00", "update", "a2", fields={"score": 90})],
                "2026-11-02 10:05")
        v = pick(r, "A", "ft")
        assert v["segment"] is None and v["target_seconds"] == 3600

    def test_fields_of_an_earlier_event_at_the_same_instant_count(self):
        r = run(self.BODY, [E("A", "2026-11-02 10:00", "update", "a1", fields={"score": 90}),
                            E("A", "2026-11-02 10:00", "assigned", "a2", owner="r")],
                "2026-11-02 10:05")
        assert pick(r, "A", "ft")["segment"] == "hot"

    def test_null_clears_a_field(self):
        r = run(self.BODY, [E("A", "2026-11-02 09:00", "update", "a1", fields={"score": 90}),
                            E("A", "2026-11-02 09:30", "update", "a2", fields={"score": None}),
                            E("A", "2026-11-02 10:00", "assigned", "a3", owner="r")],
                "2026-11-02 10:05")
        assert pick(r, "A", "ft")["segment"] is None


class TestOrdering:
    def test_same_timestamp_keeps_input_order_start_then_stop(self):
        r = run(FIRST_TOUCH, [E("A", "2026-11-02 10:00", "assigned", "a1", owner="r"),
                              E("A", "2026-11-02 10:00", "contact_attempt", "a2")], "2026-11-02 10:30")
        v = pick(r, "A", "ft")
        assert v["status"] == "met"
        assert when(v, "completed_at") == inst("2026-11-02 10:00")

    def test_same_timestamp_keeps_input_order_stop_before_start_stops_nothing(self):
        r = run(FIRST_TOUCH, [E("A", "2026-11-02 10:00", "contact_attempt", "a1"),
                              E("A", "2026-11-02 10:00", "assigned", "a2", owner="r")], "2026-11-02 10:30")
        v = pick(r, "A", "ft")
        assert v["status"] == "pending" and v["completed_at"] is None

    def test_events_are_processed_in_timestamp_order_not_input_order(self):
        r = run(FIRST_TOUCH, [E("A", "2026-11-02 10:30", "contact_attempt", "a1"),
                              E("A", "2026-11-02 10:00", "assigned", "a2", owner="r")], "2026-11-02 12:00")
        v = pick(r, "A", "ft")
        assert v["status"] == "met"
        assert when(v, "completed_at") == inst("2026-11-02 10:30")
        assert ev(v) == ["a2", "a1"]

    def test_offsets_are_compared_as_instants(self):
        # 10:00-03:00 is 13:00Z, after the 12:30Z attempt: the attempt stops nothing.
        r = run(FIRST_TOUCH, [E("A", "2026-11-02T10:00:00-03:00", "assigned", "a1", owner="r"),
                              E("A", "2026-11-02T12:30:00Z", "contact_attempt", "a2")], "2026-11-02 13:30")
        v = pick(r, "A", "ft")
        assert v["status"] == "pending"
        assert when(v, "due_at") == inst("2026-11-02 14:00")


class TestStateTriggers:
    BODY = '''
deadline d {
  owner sales
  start on enter mql
  stop on enter sql
  cancel on update
  within 1h
}

deadline lv {
  owner sales
  start on leave mql
  stop on enter sql, customer
  within 1h
}
'''

    def test_first_state_is_an_enter(self):
        r = run(self.BODY, [E("A", "2026-11-02 10:00", "state", "a1", state="mql")], "2026-11-02 10:30")
        v = pick(r, "A", "d")
        assert v["status"] == "pending" and when(v, "started_at") == inst("2026-11-02 10:00")

    def test_state_event_into_the_same_state_is_not_an_enter(self):
        r = run(self.BODY, [E("A", "2026-11-02 10:00", "state", "a1", state="mql"),
                            E("A", "2026-11-02 10:10", "update", "a2"),
                            E("A", "2026-11-02 10:20", "state", "a3", state="mql")], "2026-11-02 12:00")
        assert cycles_of(r, "A", "d") == [1]
        assert pick(r, "A", "d")["status"] == "cancelled"
        # and it is not a leave either
        assert cycles_of(r, "A", "lv") == []

    def test_leave(self):
        r = run(self.BODY, [E("A", "2026-11-02 10:00", "state", "a1", state="mql"),
                            E("A", "2026-11-02 10:15", "state", "a2", state="sal"),
                            E("A", "2026-11-02 10:45", "state", "a3", state="customer")], "2026-11-02 12:00")
        v = pick(r, "A", "lv")
        assert when(v, "started_at") == inst("2026-11-02 10:15")
        assert v["status"] == "met" and when(v, "completed_at") == inst("2026-11-02 10:45")

    def test_enter_lists_several_states(self):
        r = run(self.BODY, [E("A", "2026-11-02 10:00", "state", "a1", state="mql"),
                            E("A", "2026-11-02 10:15", "state", "a2", state="sal"),
                            E("A", "2026-11-02 10:20", "state", "a3", state="sql")], "2026-11-02 12:00")
        assert pick(r, "A", "lv")["status"] == "met"


class TestWhereTriggers:
    BODY = '''
deadline ft {
  owner sales
  start on assigned
  stop on contact_attempt where channel == "phone"
  within 1h
}
'''

    def test_where_reads_the_event_properties(self):
        r = run(self.BODY, [E("A", "2026-11-02 10:00", "assigned", "a1", owner="r"),
                            E("A", "2026-11-02 10:10", "contact_attempt", "a2", channel="email"),
                            E("A", "2026-11-02 10:20", "contact_attempt", "a3", channel="phone")],
                "2026-11-02 12:00")
        v = pick(r, "A", "ft")
        assert v["status"] == "met" and when(v, "completed_at") == inst("2026-11-02 10:20")

    def test_where_does_not_read_lead_fields(self):
        r = run(self.BODY, [E("A", "2026-11-02 10:00", "assigned", "a1", owner="r", fields={"channel": "phone"}),
                            E("A", "2026-11-02 10:10", "contact_attempt", "a2", channel="email")],
                "2026-11-02 10:30")
        assert pick(r, "A", "ft")["status"] == "pending"

    def test_start_on_or_triggers(self):
        body = '''
deadline ft {
  owner sales
  start on assigned or enter sal
  stop on contact_attempt
  within 1h
}
'''
        r = run(body, [E("A", "2026-11-02 10:00", "state", "a1", state="sal"),
                       E("B", "2026-11-02 10:00", "assigned", "b1", owner="r")], "2026-11-02 10:30")
        assert pick(r, "A", "ft")["status"] == "pending"
        assert pick(r, "B", "ft")["status"] == "pending"


class TestStartWhen:
    BODY = '''
deadline w {
  owner sales
  start when score >= 80
  stop on contact_attempt
  within 1h
}
'''

    def test_edges_only(self):
        events = [
            E("A", "2026-11-02 10:00", "update", "a1", fields={"score": 90}),   # first sight true → cycle 1
            E("A", "2026-11-02 10:10", "contact_attempt", "a2"),               # stops 1
            E("A", "2026-11-02 10:20", "update", "a3", fields={"score": 95}),  # still true: no edge
            E("A", "2026-11-02 10:30", "update", "a4", fields={"score": 50}),
            E("A", "2026-11-02 10:40", "update", "a5", fields={"score": 85}),  # edge → cycle 2
            E("A", "2026-11-02 10:45", "update", "a6", fields={"score": 40}),
            E("A", "2026-11-02 10:50", "update", "a7", fields={"score": 88}),  # edge while open: ignored
            E("A", "2026-11-02 11:00", "contact_attempt", "a8"),               # stops 2
            E("A", "2026-11-02 11:10", "update", "a9", fields={"score": 99}),  # no edge
        ]
        r = run(self.BODY, events, "2026-11-02 12:00")
        assert cycles_of(r, "A", "w") == [1, 2]
        c1, c2 = pick(r, "A", "w", cycle=1), pick(r, "A", "w", cycle=2)
        assert when(c1, "started_at") == inst("2026-11-02 10:00") and c1["status"] == "met"
        assert when(c1, "completed_at") == inst("2026-11-02 10:10")
        assert when(c2, "started_at") == inst("2026-11-02 10:40") and c2["status"] == "met"
        assert when(c2, "completed_at") == inst("2026-11-02 11:00")

    def test_first_sight_with_predicate_true_on_any_event(self):
        r = run(self.BODY, [E("B", "2026-11-02 10:00", "assigned", "b1", owner="r", fields={"score": 80})],
                "2026-11-02 10:30")
        assert when(pick(r, "B", "w"), "started_at") == inst("2026-11-02 10:00")

    def test_never_true_opens_nothing(self):
        r = run(self.BODY, [E("C", "2026-11-02 10:00", "update", "c1", fields={"score": 10}),
                            E("C", "2026-11-02 10:10", "update", "c2")], "2026-11-02 10:30")
        assert cycles_of(r, "C", "w") == []


class TestTargetLines:
    def test_first_matching_for_line_wins_and_default_stands_anywhere(self):
        body = '''
deadline ft {
  owner sales
  start on assigned
  stop on contact_attempt
  within 2h
  within 30m for hot
  within 10m for vip
}
'''
        events = [
            E("A", "2026-11-02 10:00", "assigned", "a1", owner="r", fields={"score": 90, "employees": 5000}),
            E("B", "2026-11-02 10:00", "assigned", "b1", owner="r", fields={"employees": 5000}),
            E("C", "2026-11-02 10:00", "assigned", "c1", owner="r"),
        ]
        r = run(body, events, "2026-11-02 10:01")
        a, b, c = pick(r, "A", "ft"), pick(r, "B", "ft"), pick(r, "C", "ft")
        assert (a["segment"], a["target_seconds"]) == ("hot", 1800)
        assert when(a, "due_at") == inst("2026-11-02 10:30")
        assert (b["segment"], b["target_seconds"]) == ("vip", 600)
        assert (c["segment"], c["target_seconds"]) == (None, 7200)
        assert when(c, "due_at") == inst("2026-11-02 12:00")

    def test_untracked_start_takes_no_number_and_blocks_nothing(self):
        body = '''
deadline ft {
  owner sales
  start on assigned
  stop on contact_attempt
  within 30m for hot
}
'''
        events = [
            E("A", "2026-11-02 10:00", "assigned", "a1", owner="r", fields={"score": 10}),   # untracked
            E("A", "2026-11-02 10:10", "update", "a2", fields={"score": 90}),
            E("A", "2026-11-02 10:20", "assigned", "a3", owner="r"),                        # cycle 1
        ]
        r = run(body, events, "2026-11-02 10:30")
        assert cycles_of(r, "A", "ft") == [1]
        v = pick(r, "A", "ft")
        assert when(v, "started_at") == inst("2026-11-02 10:20") and v["segment"] == "hot"
        assert when(v, "due_at") == inst("2026-11-02 10:50")

    def test_untracked_only_lead_has_no_verdict(self):
        body = '''
deadline ft {
  owner sales
  start on assigned
  stop on contact_attempt
  within 30m for hot
}
'''
        r = run(body, [E("A", "2026-11-02 10:00", "assigned", "a1", owner="r")], "2026-11-02 12:00")
        assert [v for v in r.verdicts if v.lead == "A"] == []


# ============================================================== §6 cycles and statuses

class TestCycles:
    RESTART = '''
deadline ft {
  owner sales
  start on assigned
  stop on contact_attempt
  restart on assigned
  within 1h
}
'''

    def test_restart_closes_and_opens_at_the_same_instant(self):
        events = [
            E("A", "2026-11-02 10:00", "assigned", "a1", owner="rep-1"),   # cycle 1, due 11:00
            E("A", "2026-11-02 10:30", "assigned", "a2", owner="rep-2"),   # 1 cancelled; cycle 2 due 11:30
            E("A", "2026-11-02 12:00", "assigned", "a3", owner="rep-3"),   # 2 breached; cycle 3 due 13:00
            E("A", "2026-11-02 12:10", "contact_attempt", "a4"),           # 3 met
        ]
        r = run(self.RESTART, events, "2026-11-02 14:00")
        assert cycles_of(r, "A", "ft") == [1, 2, 3]
        c1, c2, c3 = (pick(r, "A", "ft", cycle=n) for n in (1, 2, 3))
        assert c1["status"] == "cancelled" and c1["completed_at"] is None
        assert c1["assignee"] == "rep-1"
        assert ev(c1) == ["a1", "a2"]
        assert when(c2, "started_at") == inst("2026-11-02 10:30")
        assert when(c2, "due_at") == inst("2026-11-02 11:30")
        assert c2["status"] == "breached" and c2["completed_at"] is None
        assert c2["assignee"] == "rep-2"
        assert when(c3, "started_at") == inst("2026-11-02 12:00")
        assert c3["status"] == "met" and when(c3, "completed_at") == inst("2026-11-02 12:10")
        assert c3["assignee"] == "rep-3"

    def test_a_restart_with_no_open_cycle_opens_nothing(self):
        # §6: a restart "closes the open cycle … and opens a new one": with no cycle open
        # there is nothing to restart, and only a start opens a cycle (docs/semantics.md)
        body = self.RESTART.replace("restart on assigned", "restart on reassigned")
        r = run(body, [E("A", "2026-11-02 10:00", "reassigned", "a1", owner="rep-1")], "2026-11-02 14:00")
        assert [v for v in r.verdicts if v.lead == "A"] == []
        events = [E("A", "2026-11-02 10:00", "assigned", "a1"), E("A", "2026-11-02 10:10", "contact_attempt", "a2"),
                  E("A", "2026-11-02 10:20", "reassigned", "a3")]          # after the stop: nothing open
        r = run(body, events, "2026-11-02 14:00")
        assert cycles_of(r, "A", "ft") == [1] and pick(r, "A", "ft")["status"] == "met"

    def test_restart_exactly_at_the_deadline_is_cancelled(self):
        events = [E("B", "2026-11-02 10:00", "assigned", "b1", owner="rep-1"),
                  E("B", "2026-11-02 11:00", "assigned", "b2", owner="rep-2")]
        r = run(self.RESTART, events, "2026-11-02 11:30")
        assert pick(r, "B", "ft", cycle=1)["status"] == "cancelled"
        c2 = pick(r, "B", "ft", cycle=2)
        assert c2["status"] == "pending" and when(c2, "started_at") == inst("2026-11-02 11:00")

    def test_stop_and_cancel_on_one_event_stops(self):
        body = '''
deadline ft {
  owner sales
  start on assigned
  stop on contact_attempt
  cancel on contact_attempt where outcome == "wrong_number"
  within 1h
}
'''
        r = run(body, [E("A", "2026-11-02 10:00", "assigned", "a1", owner="r"),
                       E("A", "2026-11-02 10:20", "contact_attempt", "a2", outcome="wrong_number")],
                "2026-11-02 12:00")
        v = pick(r, "A", "ft")
        assert v["status"] == "met" and when(v, "completed_at") == inst("2026-11-02 10:20")

    def test_one_event_closes_a_cycle_and_opens_the_next(self):
        body = '''
deadline reply {
  owner sales
  start on message
  stop on message where direction == "out"
  within 1h
}
'''
        events = [E("A", "2026-11-02 10:00", "message", "a1", direction="in"),
                  E("A", "2026-11-02 10:30", "message", "a2", direction="out"),
                  E("A", "2026-11-02 11:00", "message", "a3", direction="in")]
        r = run(body, events, "2026-11-02 11:10")
        # a2 stops cycle 1 and (as a `message`) opens cycle 2 at the same instant.
        assert cycles_of(r, "A", "reply") == [1, 2]
        assert pick(r, "A", "reply", cycle=1)["status"] == "met"
        c2 = pick(r, "A", "reply", cycle=2)
        assert when(c2, "started_at") == inst("2026-11-02 10:30") and c2["status"] == "pending"

    def test_starts_are_ignored_while_open_and_breached_stays_open(self):
        events = [E("A", "2026-11-02 10:00", "assigned", "a1", owner="r"),
                  E("A", "2026-11-02 11:30", "assigned", "a2", owner="r2"),
                  E("A", "2026-11-02 12:30", "contact_attempt", "a3")]
        r = run(FIRST_TOUCH, events, "2026-11-02 13:00")
        assert cycles_of(r, "A", "ft") == [1]
        v = pick(r, "A", "ft")
        assert v["status"] == "breached"
        assert when(v, "completed_at") == inst("2026-11-02 12:30")   # late stop sets completed_at
        assert v["elapsed_seconds"] == 9000

    def test_cancel_after_the_deadline_is_breached(self):
        body = '''
deadline ft {
  owner sales
  start on assigned
  stop on contact_attempt
  cancel on enter disqualified
  within 1h
}
'''
        r = run(body, [E("A", "2026-11-02 10:00", "assigned", "a1", owner="r"),
                       E("A", "2026-11-02 11:30", "state", "a2", state="disqualified"),
                       E("B", "2026-11-02 10:00", "assigned", "b1", owner="r"),
                       E("B", "2026-11-02 10:30", "state", "b2", state="disqualified")],
                "2026-11-02 12:00")
        a, b = pick(r, "A", "ft"), pick(r, "B", "ft")
        assert a["status"] == "breached" and a["completed_at"] is None
        assert b["status"] == "cancelled" and b["completed_at"] is None
        assert ev(b) == ["b1", "b2"]


class TestDeadlines:
    def test_stop_exactly_at_the_deadline_is_met(self):
        r = run(FIRST_TOUCH, [E("A", "2026-11-02 10:00", "assigned", "a1", owner="r"),
                              E("A", "2026-11-02 11:00", "contact_attempt", "a2")], "2026-11-02 12:00")
        v = pick(r, "A", "ft")
        assert v["status"] == "met" and v["elapsed_seconds"] == 3600 and v["target_seconds"] == 3600

    def test_stop_one_microsecond_late_is_breached(self):
        r = run(FIRST_TOUCH, [E("A", "2026-11-02 10:00", "assigned", "a1", owner="r"),
                              E("A", "2026-11-02T11:00:00.000001Z", "contact_attempt", "a2")],
                "2026-11-02 12:00")
        assert pick(r, "A", "ft")["status"] == "breached"

    def test_deadline_equal_to_as_of_is_not_breached(self):
        events = [E("A", "2026-11-02 10:00", "assigned", "a1", owner="r")]
        assert pick(run(FIRST_TOUCH, events, "2026-11-02 11:00"), "A", "ft")["status"] == "pending"
        late = pick(run(FIRST_TOUCH, events, "2026-11-02T11:00:00.000001Z"), "A", "ft")
        assert late["status"] == "breached" and late["completed_at"] is None

    CAL = '''
deadline ft {
  owner sales
  start on assigned
  stop on contact_attempt
  within 1h on biz
}

deadline long {
  owner sales
  start on assigned
  stop on contact_attempt
  within 1d on biz
}

deadline four {
  owner sales
  start on assigned
  stop on contact_attempt
  within 4h on biz
}
'''

    def test_started_outside_working_time_counts_from_next_opening(self):
        r = run(self.CAL, [E("A", "2026-11-07 10:00", "assigned", "a1", owner="r"),     # Saturday
                           E("B", "2026-11-06 16:30", "assigned", "b1", owner="r")],    # Friday
                "2026-11-09 09:30")
        a = pick(r, "A", "ft")
        assert when(a, "started_at") == inst("2026-11-07 10:00")
        assert when(a, "due_at") == inst("2026-11-09 10:00")
        assert a["status"] == "pending" and a["elapsed_seconds"] == 1800
        b = pick(r, "B", "ft")
        assert when(b, "due_at") == inst("2026-11-09 09:30")
        assert b["status"] == "pending"           # due == as_of

    def test_day_is_the_calendar_day_length_and_closing_time_is_a_deadline(self):
        r = run(self.CAL, [E("A", "2026-11-02 13:00", "assigned", "a1", owner="r")], "2026-11-02 13:00")
        long, four = pick(r, "A", "long"), pick(r, "A", "four")
        assert long["target_seconds"] == 8 * 3600
        assert when(long, "due_at") == inst("2026-11-03 13:00")
        assert when(four, "due_at") == inst("2026-11-02 17:00")   # at closing, not next opening

    def test_closed_date_is_skipped(self):
        # Tuesday 15:00 + 8 working hours: 2 h Tuesday, Wednesday 4 Nov is closed, 6 h Thursday.
        r = run(self.CAL, [E("A", "2026-11-03 15:00", "assigned", "a1", owner="r")], "2026-11-03 15:00")
        assert when(pick(r, "A", "long"), "due_at") == inst("2026-11-05 15:00")


class TestWarn:
    BODY = '''
deadline ft {
  owner sales
  start on assigned
  stop on contact_attempt
  within 4h on biz
  warn at 75%
}
'''
    EVENTS = [E("A", "2026-11-02 09:00", "assigned", "a1", owner="r")]

    def test_before_the_warning(self):
        v = pick(run(self.BODY, self.EVENTS, "2026-11-02 11:59"), "A", "ft")
        assert v["status"] == "pending" and v["elapsed_seconds"] == 10740
        assert when(v, "warn_at") == inst("2026-11-02 12:00")
        assert when(v, "due_at") == inst("2026-11-02 13:00")

    def test_at_the_warning_share(self):
        v = pick(run(self.BODY, self.EVENTS, "2026-11-02 12:00"), "A", "ft")
        assert v["status"] == "at_risk" and when(v, "warn_at") == inst("2026-11-02 12:00")

    def test_warn_at_may_lie_in_the_past(self):
        v = pick(run(self.BODY, self.EVENTS, "2026-11-02 13:00"), "A", "ft")
        assert v["status"] == "at_risk" and when(v, "warn_at") == inst("2026-11-02 12:00")

    def test_warn_at_counts_working_time(self):
        # Friday 15:00: 2 h on Friday, the 3 h mark is Monday 10:00.
        v = pick(run(self.BODY, [E("A", "2026-11-06 15:00", "assigned", "a1", owner="r")], "2026-11-06 16:00"),
                 "A", "ft")
        assert when(v, "warn_at") == inst("2026-11-09 10:00")
        assert when(v, "due_at") == inst("2026-11-09 11:00")

    def test_closed_cycle_has_no_warn_at(self):
        r = run(self.BODY, self.EVENTS + [E("A", "2026-11-02 12:30", "contact_attempt", "a2")], "2026-11-02 14:00")
        v = pick(r, "A", "ft")
        assert v["status"] == "met" and v["warn_at"] is None


class TestPause:
    BODY = '''
deadline disp {
  owner sales
  start on assigned
  stop on enter sql
  pause while state == on_hold
  within 4h
  warn at 50%
}
'''

    def test_paused_status_and_due_at_if_the_pause_ended_now(self):
        r = run(self.BODY, [E("A", "2026-11-02 10:00", "assigned", "a1", owner="r"),
                            E("A", "2026-11-02 11:00", "state", "a2", state="on_hold")], "2026-11-02 13:00")
        v = pick(r, "A", "disp")
        assert v["status"] == "paused"
        assert v["elapsed_seconds"] == 3600
        assert when(v, "due_at") == inst("2026-11-02 16:00")
        assert when(v, "warn_at") == inst("2026-11-02 14:00")

    def test_resumed_clock_skips_the_pause(self):
        r = run(self.BODY, [E("A", "2026-11-02 10:00", "assigned", "a1", owner="r"),
                            E("A", "2026-11-02 11:00", "state", "a2", state="on_hold"),
                            E("A", "2026-11-02 14:00", "state", "a3", state="working")], "2026-11-02 15:00")
        v = pick(r, "A", "disp")
        assert v["status"] == "at_risk" and v["elapsed_seconds"] == 7200
        assert when(v, "due_at") == inst("2026-11-02 17:00")
        assert when(v, "warn_at") == inst("2026-11-02 15:00")

    def test_clock_can_start_paused(self):
        events = [E("A", "2026-11-02 09:00", "state", "a1", state="on_hold"),
                  E("A", "2026-11-02 10:00", "assigned", "a2", owner="r")]
        v = pick(run(self.BODY, events, "2026-11-02 12:00"), "A", "disp")
        assert v["status"] == "paused" and v["elapsed_seconds"] == 0
        assert when(v, "started_at") == inst("2026-11-02 10:00")
        assert when(v, "due_at") == inst("2026-11-02 16:00")
        assert when(v, "warn_at") == inst("2026-11-02 14:00")
        events.append(E("A", "2026-11-02 12:00", "state", "a3", state="working"))
        v = pick(run(self.BODY, events, "2026-11-02 12:30"), "A", "disp")
        assert v["status"] == "pending" and v["elapsed_seconds"] == 1800
        assert when(v, "due_at") == inst("2026-11-02 16:00")

    def test_pauses_do_not_count_as_elapsed(self):
        events = [E("A", "2026-11-02 10:00", "assigned", "a1", owner="r"),
                  E("A", "2026-11-02 10:30", "state", "a2", state="on_hold"),
                  E("A", "2026-11-02 12:30", "state", "a3", state="working"),
                  E("A", "2026-11-02 14:00", "state", "a4", state="sql")]
        v = pick(run(self.BODY, events, "2026-11-02 20:00"), "A", "disp")
        assert v["status"] == "met" and v["elapsed_seconds"] == 7200
        assert when(v, "due_at") == inst("2026-11-02 16:00")
        assert when(v, "completed_at") == inst("2026-11-02 14:00")

    def test_stop_while_paused(self):
        events = [E("A", "2026-11-02 10:00", "assigned", "a1", owner="r"),
                  E("A", "2026-11-02 11:00", "state", "a2", state="on_hold"),
                  E("A", "2026-11-02 16:00", "state", "a3", state="sql")]
        v = pick(run(self.BODY, events, "2026-11-02 20:00"), "A", "disp")
        assert v["status"] == "met" and v["elapsed_seconds"] == 3600
        assert when(v, "due_at") == inst("2026-11-02 19:00")

    def test_pause_counts_only_working_time_on_a_calendar(self):
        body = '''
deadline disp {
  owner sales
  start on assigned
  stop on enter sql
  pause while state == on_hold
  within 4h on biz
}
'''
        # Monday 10:00–11:00 runs (1 h), paused 11:00–Tuesday 10:00, then 3 h more: Tuesday 13:00.
        events = [E("A", "2026-11-02 10:00", "assigned", "a1", owner="r"),
                  E("A", "2026-11-02 11:00", "state", "a2", state="on_hold"),
                  E("A", "2026-11-03 10:00", "state", "a3", state="working")]
        v = pick(run(body, events, "2026-11-03 11:00"), "A", "disp")
        assert v["status"] == "pending" and v["elapsed_seconds"] == 7200
        assert when(v, "due_at") == inst("2026-11-03 13:00")


class TestRequire:
    BODY = '''
handoff h {
  owner marketing
  start on enter mql
  stop on assigned
  cancel on enter disqualified
  within 1h
  require name, email
}
'''

    def _run(self, events, as_of="2026-11-02 12:00"):
        return run(self.BODY, events, as_of)

    def test_met(self):
        r = self._run([E("A", "2026-11-02 10:00", "state", "a1", state="mql", fields={"name": "Ann", "email": "a@x"}),
                       E("A", "2026-11-02 10:30", "assigned", "a2", owner="r")])
        v = pick(r, "A", "h", "require")
        assert v["status"] == "met" and when(v, "completed_at") == inst("2026-11-02 10:30")
        assert pick(r, "A", "h", "within")["status"] == "met"

    def test_breached_lists_missing_fields(self):
        r = self._run([E("A", "2026-11-02 10:00", "state", "a1", state="mql", fields={"name": "Ann", "email": ""}),
                       E("A", "2026-11-02 10:30", "assigned", "a2", owner="r"),
                       E("B", "2026-11-02 10:00", "state", "b1", state="mql"),
                       E("B", "2026-11-02 10:30", "assigned", "b2", owner="r")])
        a, b = pick(r, "A", "h", "require"), pick(r, "B", "h", "require")
        assert a["status"] == "breached" and "email" in a["reason"]
        assert when(a, "completed_at") == inst("2026-11-02 10:30")
        assert b["status"] == "breached" and "email" in b["reason"] and "name" in b["reason"]
        assert pick(r, "A", "h", "within")["status"] == "met"     # the timing is judged apart

    def test_fields_of_the_stopping_event_count(self):
        r = self._run([E("A", "2026-11-02 10:00", "state", "a1", state="mql", fields={"name": "Ann"}),
                       E("A", "2026-11-02 10:30", "assigned", "a2", owner="r", fields={"email": "a@x"})])
        assert pick(r, "A", "h", "require")["status"] == "met"

    def test_fields_set_after_the_stop_do_not_count(self):
        r = self._run([E("A", "2026-11-02 10:00", "state", "a1", state="mql", fields={"name": "Ann"}),
                       E("A", "2026-11-02 10:30", "assigned", "a2", owner="r"),
                       E("A", "2026-11-02 10:30", "update", "a3", fields={"email": "a@x"})])
        assert pick(r, "A", "h", "require")["status"] == "breached"

    def test_cleared_field_is_missing(self):
        r = self._run([E("A", "2026-11-02 10:00", "state", "a1", state="mql", fields={"name": "Ann", "email": "a@x"}),
                       E("A", "2026-11-02 10:10", "update", "a2", fields={"email": None}),
                       E("A", "2026-11-02 10:30", "assigned", "a3", owner="r")])
        assert pick(r, "A", "h", "require")["status"] == "breached"

    def test_cancelled(self):
        r = self._run([E("A", "2026-11-02 10:00", "state", "a1", state="mql"),
                       E("A", "2026-11-02 10:20", "state", "a2", state="disqualified")])
        assert pick(r, "A", "h", "require")["status"] == "cancelled"
        assert pick(r, "A", "h", "within")["status"] == "cancelled"

    def test_pending_before_a_stop(self):
        r = self._run([E("A", "2026-11-02 10:00", "state", "a1", state="mql")], "2026-11-02 10:30")
        v = pick(r, "A", "h", "require")
        assert v["status"] == "pending" and v["completed_at"] is None


class TestAssignee:
    def test_closing_events_own_owner_does_not_count(self):
        body = '''
deadline r {
  owner sales
  start on enter sal
  stop on assigned
  within 1h
}
'''
        r = run(body, [E("A", "2026-11-02 09:00", "assigned", "a1", owner="rep-1"),
                       E("A", "2026-11-02 10:00", "state", "a2", state="sal"),
                       E("A", "2026-11-02 10:20", "assigned", "a3", owner="rep-2")], "2026-11-02 12:00")
        v = pick(r, "A", "r")
        assert v["status"] == "met" and v["assignee"] == "rep-1"

    def test_open_cycle_takes_the_assignee_at_as_of(self):
        body = '''
deadline r {
  owner sales
  start on enter sal
  stop on enter sql
  within 1d
}
'''
        r = run(body, [E("A", "2026-11-02 09:00", "assigned", "a1", owner="rep-1"),
                       E("A", "2026-11-02 10:00", "state", "a2", state="sal"),
                       E("A", "2026-11-02 11:00", "assigned", "a3", owner="rep-3"),
                       E("A", "2026-11-02 13:00", "assigned", "a4", owner="rep-4")], "2026-11-02 12:00")
        assert pick(r, "A", "r")["assignee"] == "rep-3"

    def test_no_assignment_is_null(self):
        body = '''
deadline r {
  owner sales
  start on enter sal
  stop on enter sql
  within 1d
}
'''
        r = run(body, [E("A", "2026-11-02 10:00", "state", "a1", state="sal")], "2026-11-02 12:00")
        v = pick(r, "A", "r")
        assert v["assignee"] is None and v["owner"] == "sales"


# ======================================================================= §7 attempts

class TestAtLeastWithin:
    BODY = '''
attempts fu {
  owner sales
  start on assigned
  stop on enter sql
  cancel on enter disqualified
  restart on reassigned
  at least 3 within 2h
}
'''

    def _events(self, lead, *rest):
        out = [E(lead, "2026-11-02 10:00", "assigned", f"{lead}0", owner="r")]
        for i, (at, type_, kw) in enumerate(rest, 1):
            out.append(E(lead, at, type_, f"{lead}{i}", **kw))
        return out

    def _att(self, hhmm):
        return (f"2026-11-02 {hhmm}", "contact_attempt", {})

    def _state(self, hhmm, state):
        return (f"2026-11-02 {hhmm}", "state", {"state": state})

    def test_decisions(self):
        A, S = self._att, self._state
        events = (
            self._events("A", A("10:10"), A("10:20"), A("10:30"))
            + self._events("B", A("10:10"), S("11:00", "sql"))
            + self._events("C", A("10:10"), S("11:00", "disqualified"))
            + self._events("D", A("10:10"), ("2026-11-02 11:00", "reassigned", {}))
            + self._events("E", A("10:10"), A("10:20"))
            + self._events("F", A("10:10"), A("10:20"), A("12:30"), S("12:40", "sql"))
            + self._events("G", A("10:10"), A("10:20"), A("10:30"), S("10:40", "disqualified"))
            + self._events("H", A("10:10"), A("10:20"), A("12:00"))
            + self._events("J", A("10:10"), S("12:00", "sql"))
            + self._events("K", A("10:10"), S("12:00", "disqualified"))
            + self._events("L", A("10:10"), S("12:30", "disqualified"))
        )
        r = run(self.BODY, events, "2026-11-02 13:00")
        get = lambda lead, cycle=1: pick(r, lead, "fu", "at_least_within", cycle)  # noqa: E731
        a = get("A")
        assert a["status"] == "met" and when(a, "completed_at") == inst("2026-11-02 10:30")
        assert ev(a) == ["A1", "A2", "A3"]
        assert when(a, "due_at") == inst("2026-11-02 12:00") and a["target_seconds"] == 7200
        b = get("B")
        assert b["status"] == "met" and b["completed_at"] is None      # stop before the deadline
        assert get("C")["status"] == "cancelled"
        assert get("D")["status"] == "cancelled"                         # restart before the deadline
        d2 = get("D", 2)
        assert d2["status"] == "pending" and when(d2, "started_at") == inst("2026-11-02 11:00")
        assert when(d2, "due_at") == inst("2026-11-02 13:00")
        assert get("E")["status"] == "breached"
        assert get("F")["status"] == "breached"                          # 3rd attempt after the deadline
        assert get("G")["status"] == "met"                               # Nth attempt came first
        h = get("H")
        assert h["status"] == "met" and when(h, "completed_at") == inst("2026-11-02 12:00")
        assert get("J")["status"] == "met"                               # stop exactly at the deadline
        assert get("K")["status"] == "cancelled"                         # cancel exactly at the deadline
        assert get("L")["status"] == "breached"                          # cancel after the deadline

    def test_deadline_equal_to_as_of_is_pending(self):
        r = run(self.BODY, self._events("I", self._att("10:10")), "2026-11-02 12:00")
        assert pick(r, "I", "fu", "at_least_within")["status"] == "pending"

    def test_attempts_run_from_the_start_event_through_the_closing_event(self):
        body = '''
attempts fu {
  owner sales
  start on contact_attempt where kind == "open"
  stop on contact_attempt where outcome == "qualified"
  at least 3 within 1d
}
'''
        events = [
            E("A", "2026-11-02 10:00", "contact_attempt", "a1", kind="open"),
            E("A", "2026-11-02 10:30", "email_sent", "a2"),
            E("A", "2026-11-02 11:00", "contact_attempt", "a3"),
            E("A", "2026-11-02 12:00", "contact_attempt", "a4", outcome="qualified"),
            E("B", "2026-11-02 09:00", "contact_attempt", "b1"),                 # before the start
            E("B", "2026-11-02 10:00", "contact_attempt", "b2", kind="open"),
            E("B", "2026-11-02 10:30", "contact_attempt", "b3", outcome="qualified"),
        ]
        r = run(body, events, "2026-11-03 12:00")
        a = pick(r, "A", "fu", "at_least_within")
        assert a["status"] == "met" and when(a, "completed_at") == inst("2026-11-02 12:00")
        assert ev(a) == ["a1", "a3", "a4"]
        b = pick(r, "B", "fu", "at_least_within")
        assert b["status"] == "met" and b["completed_at"] is None

    def test_count_names_the_attempts(self):
        body = '''
attempts fu {
  owner sales
  start on assigned
  stop on enter sql
  count call
  at least 2 within 1h
}
'''
        events = [E("A", "2026-11-02 10:00", "assigned", "a1", owner="r"),
                  E("A", "2026-11-02 10:10", "contact_attempt", "a2"),
                  E("A", "2026-11-02 10:20", "call", "a3"),
                  E("A", "2026-11-02 10:30", "contact_attempt", "a4"),
                  E("A", "2026-11-02 10:40", "call", "a5")]
        v = pick(run(body, events, "2026-11-02 12:00"), "A", "fu", "at_least_within")
        assert v["status"] == "met" and when(v, "completed_at") == inst("2026-11-02 10:40")
        assert ev(v) == ["a3", "a5"]

    def test_working_time_pause_and_warn(self):
        body = '''
attempts fu {
  owner sales
  start on assigned
  stop on enter sql
  pause while state == on_hold
  at least 2 within 4h on biz
  warn at 50%
}
'''
        events = [E("A", "2026-11-02 15:00", "assigned", "a1", owner="r"),
                  E("A", "2026-11-02 16:00", "state", "a2", state="on_hold"),
                  E("A", "2026-11-03 09:00", "state", "a3", state="working"),
                  E("A", "2026-11-03 09:30", "contact_attempt", "a4")]
        # runs 15:00–16:00 (1 h), paused until Tuesday 09:00, runs on: 2 h at 10:00, 4 h at 12:00.
        v = pick(run(body, events, "2026-11-03 10:30"), "A", "fu", "at_least_within")
        assert v["status"] == "at_risk" and v["elapsed_seconds"] == 9000
        assert when(v, "due_at") == inst("2026-11-03 12:00")
        assert when(v, "warn_at") == inst("2026-11-03 10:00")


class TestAtLeastBefore:
    BODY = '''
attempts ab {
  owner sales
  start on assigned
  stop on enter nurture, sql
  at least 1 within 30d
  cancel on enter disqualified
  at least 2 before enter nurture
  at least 1 before review
}
'''

    def test_cases(self):
        def lead(name, *rest):
            out = [E(name, "2026-11-02 10:00", "assigned", f"{name}0", owner="r")]
            for i, (hhmm, type_, kw) in enumerate(rest, 1):
                out.append(E(name, f"2026-11-02 {hhmm}", type_, f"{name}{i}", **kw))
            return out
        att = ("contact_attempt", {})
        events = (
            lead("A", ("10:10", *att), ("10:20", *att), ("10:30", "state", {"state": "nurture"}))
            + lead("B", ("10:10", *att), ("10:30", "state", {"state": "nurture"}))
            + lead("C", ("10:10", *att), ("10:30", "state", {"state": "sql"}))
            + lead("D", ("10:10", *att))
            + lead("E", ("10:05", "review", {}), ("10:10", *att), ("10:20", "review", {}))
            + lead("F", ("10:30", "state", {"state": "disqualified"}))
        )
        r = run(self.BODY, events, "2026-11-02 12:00")
        get = lambda name, key="at_least_before": pick(r, name, "ab", key)  # noqa: E731
        a = get("A")
        assert a["status"] == "met" and ev(a) == ["A3"]
        assert when(a, "completed_at") == inst("2026-11-02 10:30")
        b = get("B")                                   # the closing event is the trigger: checked first
        assert b["status"] == "breached" and ev(b) == ["B2"]
        assert b["reason"].startswith("Only 1 attempt before the lead entered `nurture` at") and b["reason"].endswith("; 2 were needed.")
        assert get("C")["status"] == "met"              # closed without the trigger
        assert get("D")["status"] == "pending"          # open, no trigger
        assert get("F")["status"] == "met"              # cancelled without the trigger
        e2 = get("E", "at_least_before_2")              # the first review decides
        assert e2["status"] == "breached" and ev(e2) == ["E1"]
        assert e2["reason"].startswith("Only 0 attempts before") and e2["reason"].endswith("; 1 was needed.")
        assert when(e2, "completed_at") == inst("2026-11-02 10:05")
        a2 = get("A", "at_least_before_2")
        assert a2["status"] == "met" and a2["completed_at"] is None


class TestAtMostPerDay:
    BODY = '''
calendar ny {
  timezone "America/New_York"
  hours mon-fri 09:00-17:00
}

attempts pd {
  owner sales
  start on assigned
  stop on enter sql
  at least 1 within 30d
  at most 2 per day on ny
  at most 2 per day
}
'''

    def test_local_dates_of_the_calendar_else_the_agreement(self):
        # instant (UTC)     New York         São Paulo        UTC date
        # a2 11-10 20:00    11-10 15:00      11-10 17:00      11-10
        # a3 11-10 22:00    11-10 17:00      11-10 19:00      11-10
        # a6 11-11 02:30    11-10 21:30      11-10 23:30      11-11
        # a4 11-11 03:30    11-10 22:30      11-11 00:30      11-11
        # a5 11-11 04:30    11-10 23:30      11-11 01:30      11-11
        events = [E("A", "2026-11-10 12:00", "assigned", "a1", owner="r"),
                  E("A", "2026-11-10 20:00", "contact_attempt", "a2"),
                  E("A", "2026-11-10 22:00", "contact_attempt", "a3"),
                  E("A", "2026-11-11 02:30", "contact_attempt", "a6"),
                  E("A", "2026-11-11 03:30", "contact_attempt", "a4"),
                  E("A", "2026-11-11 04:30", "contact_attempt", "a5")]
        r = run(self.BODY, events, "2026-11-12 12:00", tz="America/Sao_Paulo")
        ny = pick(r, "A", "pd", "at_most_per_day")
        assert ny["status"] == "breached" and ev(ny) == ["a6", "a4", "a5"]
        assert ny["due_at"] is None and ny["completed_at"] is None
        sp = pick(r, "A", "pd", "at_most_per_day_2")
        assert sp["status"] == "breached" and ev(sp) == ["a6"]

    def test_met_once_closed_pending_while_open(self):
        events = [E("A", "2026-11-10 12:00", "assigned", "a1", owner="r"),
                  E("A", "2026-11-10 13:00", "contact_attempt", "a2"),
                  E("A", "2026-11-10 14:00", "state", "a3", state="sql"),
                  E("B", "2026-11-10 12:00", "assigned", "b1", owner="r"),
                  E("B", "2026-11-10 13:00", "contact_attempt", "b2")]
        r = run(self.BODY, events, "2026-11-12 12:00", tz="America/Sao_Paulo")
        assert pick(r, "A", "pd", "at_most_per_day")["status"] == "met"
        assert pick(r, "B", "pd", "at_most_per_day")["status"] == "pending"


class TestGap:
    BODY = '''
attempts g {
  owner sales
  start on assigned
  stop on enter sql
  at least 1 within 30d
  gap at least 1h
  gap at least 30m
}
'''

    def test_later_attempt_of_each_too_close_consecutive_pair(self):
        events = [E("A", "2026-11-02 09:00", "assigned", "a0", owner="r")] + [
            E("A", f"2026-11-02 {hhmm}", "contact_attempt", f"a{i}")
            for i, hhmm in enumerate(["10:00", "10:30", "11:15", "12:15", "12:45"], 1)]
        r = run(self.BODY, events, "2026-11-02 14:00")
        g1 = pick(r, "A", "g", "gap")
        assert g1["status"] == "breached" and ev(g1) == ["a2", "a3", "a5"]
        g2 = pick(r, "A", "g", "gap_2")
        assert g2["status"] == "pending" and g2["evidence"] == []

    def test_gap_is_wall_clock_and_met_once_closed(self):
        events = [E("A", "2026-11-06 16:30", "assigned", "a0", owner="r"),
                  E("A", "2026-11-06 16:45", "contact_attempt", "a1"),
                  E("A", "2026-11-07 08:00", "contact_attempt", "a2"),
                  E("A", "2026-11-07 09:00", "state", "a3", state="sql")]
        r = run(self.BODY, events, "2026-11-09 12:00")
        assert pick(r, "A", "g", "gap")["status"] == "met"


class TestOnlyDuring:
    BODY = '''
attempts od {
  owner sales
  start on assigned
  stop on enter sql
  at least 1 within 30d
  only during biz
}
'''

    def test_violators(self):
        events = [E("A", "2026-11-02 08:00", "assigned", "a0", owner="r"),
                  E("A", "2026-11-02 08:30", "contact_attempt", "a1"),   # before opening
                  E("A", "2026-11-02 09:00", "contact_attempt", "a2"),   # start included
                  E("A", "2026-11-02 16:59", "contact_attempt", "a3"),
                  E("A", "2026-11-02 17:00", "contact_attempt", "a4"),   # end excluded
                  E("A", "2026-11-04 10:00", "contact_attempt", "a5"),   # closed date
                  E("A", "2026-11-07 10:00", "contact_attempt", "a6"),   # Saturday
                  E("A", "2026-11-09 10:00", "state", "a7", state="sql"),
                  E("B", "2026-11-02 08:00", "assigned", "b0", owner="r"),
                  E("B", "2026-11-02 10:00", "contact_attempt", "b1"),
                  E("B", "2026-11-02 11:00", "state", "b2", state="sql")]
        r = run(self.BODY, events, "2026-11-10 12:00")
        a = pick(r, "A", "od", "only_during")
        assert a["status"] == "breached" and ev(a) == ["a1", "a4", "a5", "a6"]
        assert pick(r, "B", "od", "only_during")["status"] == "met"


class TestOnlyBetween:
    BODY = '''
attempts qh {
  owner sales
  start on assigned
  stop on enter sql
  at least 1 within 30d
  only between 08:00-21:00 in lead timezone
}

attempts night {
  owner sales
  start on assigned
  stop on enter sql
  at least 1 within 30d
  only between 22:00-06:00 in lead timezone
}
'''

    def _r(self, events, as_of="2026-11-12 12:00"):
        return run(self.BODY, events, as_of, tz="America/Sao_Paulo")

    def test_lead_timezone(self):
        events = [E("A", "2026-11-10 10:00", "assigned", "a0", owner="r", fields={"timezone": "America/New_York"}),
                  E("A", "2026-11-10 12:59", "contact_attempt", "a1"),   # 07:59 New York
                  E("A", "2026-11-10 13:00", "contact_attempt", "a2"),   # 08:00
                  E("A", "2026-11-11 01:59", "contact_attempt", "a3"),   # 20:59
                  E("A", "2026-11-11 02:00", "contact_attempt", "a4")]   # 21:00, end excluded
        v = pick(self._r(events), "A", "qh", "only_between")
        assert v["status"] == "breached" and ev(v) == ["a1", "a4"]
        assert v["timezone"] == "America/New_York"

    def test_agreement_zone_without_the_field(self):
        events = [E("B", "2026-11-10 10:00", "assigned", "b0", owner="r"),
                  E("B", "2026-11-10 10:30", "contact_attempt", "b1"),   # 07:30 São Paulo
                  E("B", "2026-11-10 11:00", "contact_attempt", "b2")]   # 08:00 São Paulo
        r = self._r(events)
        v = pick(r, "B", "qh", "only_between")
        assert v["status"] == "breached" and ev(v) == ["b1"]
        assert v["timezone"] == "America/Sao_Paulo"
        assert "SLA603" not in codes(r)

    def test_unknown_zone_warns_and_falls_back(self):
        events = [E("C", "2026-11-10 10:00", "assigned", "c0", owner="r", fields={"timezone": "Mars/Olympus"}),
                  E("C", "2026-11-10 10:30", "contact_attempt", "c1")]   # 07:30 São Paulo, 10:30 UTC
        r = self._r(events)
        v = pick(r, "C", "qh", "only_between")
        assert v["status"] == "breached" and ev(v) == ["c1"]
        assert v["timezone"] == "America/Sao_Paulo"
        warn = [d for d in r.diagnostics if d.code == "SLA603"]
        # how many warnings (per lead, per clause) the contract leaves open; at least one
        assert warn and all(d.severity == "warning" for d in warn)

    def test_an_abbreviated_lead_zone_gets_the_zones_it_usually_means(self):
        events = [E("C", "2026-11-10 10:00", "assigned", "c0", owner="r", fields={"timezone": "EST"}),
                  E("C", "2026-11-10 10:30", "contact_attempt", "c1")]
        warn = [d for d in self._r(events).diagnostics if d.code == "SLA603"]
        assert warn and "`America/New_York`" in warn[0].hint and "abbreviation" in warn[0].hint

    def test_a_lead_zone_written_as_an_offset_gets_places_at_that_offset(self):
        for written, place in (("GMT+3", "`Europe/Moscow`"), ("UTC-3", "`America/Sao_Paulo`"),
                               ("+05:30", "`Asia/Kolkata`")):
            events = [E("C", "2026-11-10 10:00", "assigned", "c0", owner="r", fields={"timezone": written}),
                      E("C", "2026-11-10 10:30", "contact_attempt", "c1")]
            warn = [d for d in self._r(events).diagnostics if d.code == "SLA603"]
            assert warn and warn[0].hint.startswith(f"`{written}` is an offset, one all year") and place in warn[0].hint

    def test_field_is_read_at_each_attempt(self):
        events = [E("D", "2026-11-10 02:00", "assigned", "d0", owner="r", fields={"timezone": "Asia/Tokyo"}),
                  E("D", "2026-11-10 03:00", "contact_attempt", "d1"),   # 12:00 Tokyo (22:00 New York)
                  E("D", "2026-11-10 04:00", "update", "d2", fields={"timezone": "America/New_York"}),
                  E("D", "2026-11-10 05:00", "contact_attempt", "d3")]   # 00:00 New York (14:00 Tokyo)
        v = pick(self._r(events), "D", "qh", "only_between")
        assert v["status"] == "breached" and ev(v) == ["d3"]

    def test_window_crossing_midnight(self):
        events = [E("E", "2026-11-10 20:00", "assigned", "e0", owner="r", fields={"timezone": "Europe/London"}),
                  E("E", "2026-11-10 23:00", "contact_attempt", "e1"),
                  E("E", "2026-11-11 05:59", "contact_attempt", "e2"),
                  E("E", "2026-11-11 06:00", "contact_attempt", "e3"),
                  E("E", "2026-11-11 21:59", "contact_attempt", "e4"),
                  E("E", "2026-11-11 22:00", "contact_attempt", "e5"),
                  E("E", "2026-11-12 00:00", "state", "e6", state="sql")]
        v = pick(self._r(events), "E", "night", "only_between")
        assert v["status"] == "breached" and ev(v) == ["e3", "e4"]
        assert v["timezone"] == "Europe/London"

    def test_met_when_closed_without_violation(self):
        events = [E("F", "2026-11-10 12:00", "assigned", "f0", owner="r"),
                  E("F", "2026-11-10 13:00", "contact_attempt", "f1"),   # 10:00 São Paulo
                  E("F", "2026-11-10 14:00", "state", "f2", state="sql")]
        v = pick(self._r(events), "F", "qh", "only_between")
        assert v["status"] == "met" and v["timezone"] == "America/Sao_Paulo"


class TestFirst:
    BODY = '''
attempts fw {
  owner sales
  start on assigned
  stop on enter sql
  at least 1 within 30d
  first where channel == "phone"
}
'''

    def test_cases(self):
        def lead(name, *rest):
            out = [E(name, "2026-11-02 10:00", "assigned", f"{name}0", owner="r")]
            for i, (hhmm, type_, kw) in enumerate(rest, 1):
                out.append(E(name, f"2026-11-02 {hhmm}", type_, f"{name}{i}", **kw))
            return out
        events = (
            lead("A", ("10:10", "contact_attempt", {"channel": "phone"}), ("10:20", "contact_attempt", {"channel": "email"}))
            + lead("B", ("10:10", "contact_attempt", {"channel": "email"}), ("10:20", "contact_attempt", {"channel": "phone"}))
            + lead("C")
            + lead("D", ("10:10", "state", {"state": "sql"}))
            + lead("E", ("10:10", "contact_attempt", {}))
        )
        r = run(self.BODY, events, "2026-11-02 12:00")
        a = pick(r, "A", "fw", "first")
        assert a["status"] == "met" and ev(a) == ["A1"]
        assert when(a, "completed_at") == inst("2026-11-02 10:10")
        b = pick(r, "B", "fw", "first")
        assert b["status"] == "breached" and ev(b) == ["B1"]
        assert pick(r, "C", "fw", "first")["status"] == "pending"
        assert pick(r, "D", "fw", "first")["status"] == "met"
        assert pick(r, "E", "fw", "first")["status"] == "breached"     # missing property: false


class TestClauseKeys:
    def test_repeated_kinds_are_numbered(self):
        body = '''
attempts k {
  owner sales
  start on assigned
  stop on enter sql
  at least 1 within 1h
  gap at least 1h
  first where channel == "phone"
  gap at least 2h
  at most 3 per day
  at most 1 per day
  gap at least 10m
}
'''
        r = run(body, [E("A", "2026-11-02 10:00", "assigned", "a0", owner="r")], "2026-11-02 10:30")
        assert [v.clause for v in r.verdicts if v.lead == "A"] == [
            "at_least_within", "gap", "first", "gap_2", "at_most_per_day", "at_most_per_day_2", "gap_3"]


# =========================================================================== flow

def test_a_lead_whose_state_events_are_all_undeclared_starts_its_flow_verdict_and_counts_in_a_target():
    # review 8-d: the flow verdict had no start, and a target on `flow` crashed on it
    text = ('agreement "f" { timezone "UTC"; teams revops }\nstates { lead; customer final }\n'
            "flow { lead -> customer }\ntarget clean { owner revops; rule flow; at least 99% met per month }\n")
    events = [E("y", "2026-11-03 10:00", "state", "y1", state="bogus"),
              E("z", "2026-11-04 10:00", "state", "z1", state="lead"),
              E("z", "2026-11-05 10:00", "state", "z2", state="customer")]
    r = slacode.loads(text).evaluate(events, as_of=ts("2026-12-02 00:00"))
    flow = {v.lead: v.to_dict() for v in r.verdicts if v.rule == "flow"}
    assert flow["y"]["status"] == "breached" and when(flow["y"], "started_at") == inst("2026-11-03 10:00")
    assert flow["z"]["status"] == "met" and when(flow["z"], "started_at") == inst("2026-11-04 10:00")
    (target,) = [v for v in r.verdicts if v.rule == "clean" and v.period == "2026-11"]
    assert (target.period, target.status, target.value) == ("2026-11", "breached", 0.5)
    assert [d.code for d in r.diagnostics] == ["SLA601"]


class TestFlow:
    BODY = '''
flow {
  mql -> sal, nurture, disqualified
  sal -> sql, disqualified
  sql -> customer
  nurture -> mql
}

deadline d {
  owner sales
  start on enter mql
  stop on leave mql
  within 1d
}
'''

    def test_flow_verdicts(self):
        def states(lead, *names):
            return [E(lead, f"2026-11-02 1{i}:00", "state", f"{lead}{i}", state=s) for i, s in enumerate(names, 1)]
        events = (
            states("A", "mql", "sal", "sql")
            + states("B", "mql", "sal", "customer")
            + states("C", "sql", "customer")
            + states("D", "mql", "mql", "disqualified")
            + [E("F", "2026-11-02 10:00", "update", "f1", fields={"x": 1})]
        )
        r = run(self.BODY, events, "2026-11-03 12:00")
        a = pick(r, "A", "flow", "transition", None)
        assert a["status"] == "pending" and a["evidence"] == [] and a["cycle"] is None
        b = pick(r, "B", "flow", "transition", None)
        assert b["status"] == "breached" and ev(b) == ["B3"]
        c = pick(r, "C", "flow", "transition", None)
        assert c["status"] == "met"                         # a first state may be any declared state
        d = pick(r, "D", "flow", "transition", None)
        assert d["status"] == "met" and d["evidence"] == []  # mql → mql is no transition
        assert [v for v in r.verdicts if v.lead == "F" and v.rule == "flow"] == []

    def test_undeclared_state(self):
        events = [E("E", "2026-11-02 10:00", "state", "e1", state="mql"),
                  E("E", "2026-11-02 10:10", "state", "e2", state="bogus"),
                  E("E", "2026-11-02 10:20", "state", "e3", state="sal")]
        r = run(self.BODY, events, "2026-11-03 12:00")
        f = pick(r, "E", "flow", "transition", None)
        assert f["status"] == "breached" and ev(f) == ["e2"]   # mql → sal is allowed: the state stayed mql
        warn = [d for d in r.diagnostics if d.code == "SLA601"]
        assert len(warn) == 1 and warn[0].severity == "warning" and warn[0].line == 2
        v = pick(r, "E", "d")                                  # `bogus` is no leave of mql
        assert v["status"] == "met" and when(v, "completed_at") == inst("2026-11-02 10:20")

    def test_undeclared_state_keeps_the_current_state(self):
        body = self.BODY + '''
segment in_mql = state == mql

deadline pre {
  owner sales
  start on assigned
  stop on contact_attempt
  within 1h
  within 10m for in_mql
}
'''
        events = [E("G", "2026-11-02 10:00", "state", "g1", state="mql"),
                  E("G", "2026-11-02 10:05", "state", "g2", state="zzz"),
                  E("G", "2026-11-02 10:10", "assigned", "g3", owner="r")]
        r = run(body, events, "2026-11-02 10:20")
        assert pick(r, "G", "pre")["segment"] == "in_mql"

    def test_no_flow_block_no_flow_verdict(self):
        r = run(FIRST_TOUCH, [E("A", "2026-11-02 10:00", "state", "a1", state="mql"),
                              E("A", "2026-11-02 11:00", "state", "a2", state="customer")], "2026-11-02 12:00")
        assert [v for v in r.verdicts if v.rule == "flow"] == []


# ===================================================================== §9 predicates

PRED_BODY = '''
segment p = @PRED@

deadline ft {
  owner sales
  start on assigned
  stop on contact_attempt
  within 10m for p
  within 1h
}
'''


def holds(pred: str, fields: dict, state: str | None = None) -> bool:
    events = []
    if state is not None:
        events.append(E("A", "2026-11-02 09:00", "state", "s1", state=state))
    events.append(E("A", "2026-11-02 09:30", "update", "u1", fields=fields) if fields else
                  E("A", "2026-11-02 09:30", "update", "u1"))
    events.append(E("A", "2026-11-02 10:00", "assigned", "a1", owner="r"))
    r = run(PRED_BODY.replace("@PRED@", pred), events, "2026-11-02 10:05")
    seg = pick(r, "A", "ft")["segment"]
    assert seg in ("p", None)
    return seg == "p"


@pytest.mark.parametrize("pred, fields, state, expected", [
    # a missing field makes every comparison false, != and not in included; not applies after
    ('plan == "pro"', {}, None, False),
    ('plan != "pro"', {}, None, False),
    ('plan not in ["pro"]', {}, None, False),
    ('plan in ["pro"]', {}, None, False),
    ("score < 10", {}, None, False),
    ('not (plan == "pro")', {}, None, True),
    ('not (plan != "pro")', {}, None, True),
    ('not (plan not in ["pro"])', {}, None, True),
    ('plan != "pro"', {"plan": "basic"}, None, True),
    ('plan not in ["pro", "team"]', {"plan": "basic"}, None, True),
    # exists / missing; null clears
    ("plan exists", {}, None, False),
    ("plan missing", {}, None, True),
    ("plan exists", {"plan": None}, None, False),
    ("plan missing", {"plan": None}, None, True),
    ("plan exists", {"plan": "x"}, None, True),
    # integers and decimals compare as numbers
    ("score == 80", {"score": 80.0}, None, True),
    ("score == 80.0", {"score": 80}, None, True),
    ("score > 79.5", {"score": 80}, None, True),
    ("score <= 0.5", {"score": 0.5}, None, True),
    ("score >= 1_000", {"score": 1000}, None, True),
    # booleans equal neither numbers nor strings
    ("paid == true", {"paid": True}, None, True),
    ("paid == false", {"paid": True}, None, False),
    ("paid == 1", {"paid": True}, None, False),
    ('paid == "true"', {"paid": True}, None, False),
    ("score == true", {"score": 1}, None, False),
    ("paid != 1", {"paid": True}, None, True),
    ("paid in [1, \"true\"]", {"paid": True}, None, False),
    # number vs string is false, != included
    ("score >= 80", {"score": "85"}, None, False),
    ("score != 80", {"score": "85"}, None, False),
    ("not (score >= 80)", {"score": "85"}, None, True),
    ('code == "7"', {"code": 7}, None, False),
    # … and `not in` too (a chain of `!=`): a match makes `in` true, a mixed pair `not in` false
    ("code not in [1, 2]", {"code": "3"}, None, False),
    ('code not in ["1", "2"]', {"code": 3}, None, False),
    ('code not in [3, "x"]', {"code": "y"}, None, False),
    ('not (code not in [1, 2])', {"code": "3"}, None, True),
    ('code in [3, "x"]', {"code": "x"}, None, True),
    ('code in [3, "x"]', {"code": 3}, None, True),
    ('code in [3, "x"]', {"code": "y"}, None, False),
    ("code not in [1, 2]", {"code": 3}, None, True),
    ('paid not in [1, "true"]', {"paid": True}, None, True),
    # text
    ('email contains "@acme"', {"email": "x@acme.com"}, None, True),
    ('email contains "@acme"', {"email": "x@other.com"}, None, False),
    ('email starts with "x@"', {"email": "x@acme.com"}, None, True),
    ('email starts with "acme"', {"email": "x@acme.com"}, None, False),
    # and / or / parentheses
    ("score >= 80 or employees >= 1000", {"employees": 2000}, None, True),
    ("score >= 80 and employees >= 1000", {"employees": 2000}, None, False),
    ("not (score >= 80 and employees >= 1000)", {"employees": 2000}, None, True),
    # state
    ("state == mql", {}, "mql", True),
    ("state == mql", {}, None, False),
    ("state != mql", {}, None, False),
    ("not (state == mql)", {}, None, True),
    ("state in [mql, sal]", {}, "sal", True),
    ("state not in [mql, sal]", {}, "sql", True),
    # a segment's name stands for its predicate
    ("hot and vip", {"score": 90, "employees": 1000}, None, True),
    ("hot and vip", {"score": 90, "employees": 999}, None, False),
    # backquoted names: a dash, or a keyword used as a field
    ('`utm-source` == "ads"', {"utm-source": "ads"}, None, True),
    ('`state` == "SP"', {"state": "SP"}, "mql", True),
    ('`state` == "SP"', {}, "mql", False),
])
def test_predicates(pred, fields, state, expected):
    assert holds(pred, fields, state) is expected


def test_where_exists_and_missing_treat_null_as_missing():
    body = '''
deadline ft {
  owner sales
  start on assigned
  stop on contact_attempt where outcome missing
  within 1h
}
'''
    r = run(body, [E("A", "2026-11-02 10:00", "assigned", "a1", owner="r"),
                   E("A", "2026-11-02 10:10", "contact_attempt", "a2", outcome="busy"),
                   E("A", "2026-11-02 10:20", "contact_attempt", "a3", outcome=None)], "2026-11-02 12:00")
    v = pick(r, "A", "ft")
    assert v["status"] == "met" and when(v, "completed_at") == inst("2026-11-02 10:20")


def test_number_string_comparison_is_reported_once_per_place():
    body = '''
segment p = score >= 80

deadline ft {
  owner sales
  start on assigned
  stop on contact_attempt where tries > 2
  within 10m for p
  within 1h
}
'''
    text = spec(body)
    events = [E(lead, "2026-11-02 10:00", "assigned", f"{lead}1", owner="r", fields={"score": "85"})
              for lead in ("A", "B", "C")]
    events += [E(lead, "2026-11-02 10:05", "contact_attempt", f"{lead}2", tries="3") for lead in ("A", "B")]
    agreement = slacode.loads(text)
    r = agreement.evaluate(events, as_of="2026-11-02T12:00:00Z")
    again = agreement.evaluate(events, as_of="2026-11-02T12:00:00Z")      # no state kept between calls
    assert [d.code for d in again.diagnostics].count("SLA602") == 2
    for lead in ("A", "B", "C"):
        assert pick(r, lead, "ft")["segment"] is None
    assert pick(r, "A", "ft")["status"] == "breached"          # the where was false: no stop
    found = [d for d in r.diagnostics if d.code == "SLA602"]
    assert len(found) == 2
    lines = text.splitlines()
    seg_line = next(i for i, ln in enumerate(lines, 1) if ln.startswith("segment p ="))
    where_line = next(i for i, ln in enumerate(lines, 1) if "tries > 2" in ln)
    assert sorted(d.line for d in found) == [seg_line, where_line]


@pytest.mark.parametrize("pred", ['code contains "4"', 'code starts with "4"', 'code not in [1, 2]'])
def test_text_and_membership_tests_report_a_number_meeting_a_string(pred):
    body = f'''
quota q {{
  owner sales
  count update where {pred}
  at least 1 per month
}}
'''
    text = spec(body)
    events = [E("A", "2026-11-02 10:00", "update", "a1", code=42 if "not in" not in pred else "42")]
    r = slacode.loads(text).evaluate(events, as_of="2026-11-02T12:00:00Z")
    (q,) = [v for v in r.verdicts if v.rule == "q"]
    assert q.value == 0                                         # false: not counted
    (d,) = [d for d in r.diagnostics if d.code == "SLA602"]
    assert d.line == next(i for i, ln in enumerate(text.splitlines(), 1) if pred in ln)


# ======================================================================= §4 / §13 input

class TestInput:
    def test_events_after_as_of_are_ignored_and_reported_once(self):
        events = [E("A", "2026-11-02 10:00", "assigned", "a1", owner="r"),
                  E("A", "2026-11-02 11:30", "contact_attempt", "a2"),
                  E("A", "2026-11-02 12:30", "contact_attempt", "a3"),
                  E("B", "2026-11-02 10:00", "assigned", "b1", owner="r"),
                  E("B", "2026-11-02 11:00", "contact_attempt", "b2")]      # exactly at as_of: evaluated
        r = run(FIRST_TOUCH, events, "2026-11-02 11:00")
        a = pick(r, "A", "ft")
        assert a["status"] == "pending" and a["completed_at"] is None
        assert pick(r, "B", "ft")["status"] == "met"
        info = [d for d in r.diagnostics if d.code == "SLA506"]
        assert len(info) == 1 and info[0].severity == "info" and "2" in info[0].message

    def test_a_lead_seen_only_after_as_of_has_no_verdict(self):
        r = run(FIRST_TOUCH, [E("Z", "2026-11-03 10:00", "assigned", "z1", owner="r")], "2026-11-02 11:00")
        assert r.verdicts == []

    def test_duplicate_id_first_wins(self):
        events = [E("A", "2026-11-02 10:30", "contact_attempt", "k"),
                  E("A", "2026-11-02 10:00", "assigned", "k2", owner="r"),
                  E("A", "2026-11-02 10:10", "contact_attempt", "k")]
        r = run(FIRST_TOUCH, events, "2026-11-02 12:00")
        v = pick(r, "A", "ft")
        assert v["status"] == "met" and when(v, "completed_at") == inst("2026-11-02 10:30")
        dup = [d for d in r.diagnostics if d.code == "SLA505"]
        assert len(dup) == 1 and dup[0].line == 3 and dup[0].severity == "warning"

    def test_duplicate_id_across_leads(self):
        events = [E("A", "2026-11-02 10:00", "assigned", "x", owner="r"),
                  E("B", "2026-11-02 10:00", "assigned", "x", owner="r")]
        r = run(FIRST_TOUCH, events, "2026-11-02 10:30")
        assert cycles_of(r, "A", "ft") == [1] and cycles_of(r, "B", "ft") == []
        assert codes(r).count("SLA505") == 1

    def test_events_without_id_are_cited_by_position(self):
        r = run(FIRST_TOUCH, [E("A", "2026-11-02 10:00", "update"),
                              E("A", "2026-11-02 10:00", "assigned", owner="r"),
                              E("A", "2026-11-02 10:30", "contact_attempt")], "2026-11-02 12:00")
        assert ev(pick(r, "A", "ft")) == ["2", "3"]

    def test_timestamp_without_offset_needs_a_default_zone(self):
        events = [E("A", "2026-11-02T10:00:00", "assigned", "a1", owner="r"),
                  E("A", "2026-11-02T10:30:00Z", "contact_attempt", "a2")]
        agreement = slacode.loads(spec(FIRST_TOUCH))
        r = agreement.evaluate(events, as_of="2026-11-02T14:00:00Z")
        assert "SLA504" in codes(r) and cycles_of(r, "A", "ft") == []    # the line is dropped, reported
        r = agreement.evaluate(events, as_of="2026-11-02T14:00:00Z", default_tz="America/Sao_Paulo")
        v = pick(r, "A", "ft")                         # 10:00 in São Paulo is 13:00Z: after the attempt
        assert v["status"] == "pending" and when(v, "started_at") == inst("2026-11-02 13:00")
        assert when(v, "due_at") == inst("2026-11-02 14:00")

    def test_naive_as_of_is_refused(self):
        agreement = slacode.loads(spec(FIRST_TOUCH))
        with pytest.raises((ValueError, TypeError)):
            agreement.evaluate([], as_of=datetime(2026, 11, 2, 12, 0))

    def test_as_of_without_offset_is_read_in_default_tz_like_the_events(self):
        agreement = slacode.loads(spec(FIRST_TOUCH))
        events = [E("A", "2026-11-02T10:00:00", "assigned", "a1", owner="r")]
        zoned = "2026-11-02T10:59:00-03:00"            # a minute before the 11:00 (-03:00) deadline
        result = agreement.evaluate(events, as_of=zoned, default_tz="America/Sao_Paulo")
        assert pick(result, "A", "ft")["status"] in ("pending", "at_risk")
        want = result.to_dict()
        for as_of in ("2026-11-02T10:59:00", "2026-11-02 10:59:00", datetime(2026, 11, 2, 10, 59)):
            for call in (agreement.evaluate, agreement.evaluate_many):
                got = call(events, as_of=as_of, default_tz="America/Sao_Paulo").to_dict()
                assert got == want, as_of
            assert len(agreement.upcoming(events, as_of=as_of, default_tz="America/Sao_Paulo")) == 1
        with pytest.raises(ValueError, match="default_tz"):
            agreement.evaluate(events, as_of=datetime(2026, 11, 2, 10, 59))
        with pytest.raises(ValueError, match="no offset"):
            agreement.evaluate(events, as_of="2026-11-02T10:59:00")

    def test_an_unknown_default_tz_is_a_value_error_that_names_the_likely_zone(self):
        agreement = slacode.loads(spec(FIRST_TOUCH))
        with pytest.raises(slacode.EventInputError, match="'UTC'") as caught:
            agreement.evaluate([], as_of="2026-11-02T10:59:00Z", default_tz="utc")
        assert isinstance(caught.value, ValueError)

    @pytest.mark.parametrize("as_of", [1795446000, 1795446000.0, True])
    def test_a_number_as_of_is_refused_seconds_or_microseconds_unknown(self, as_of):
        agreement = slacode.loads(spec(FIRST_TOUCH))
        for call in (agreement.evaluate, agreement.evaluate_many, agreement.upcoming):
            with pytest.raises(TypeError, match="fromtimestamp"):
                call([], as_of=as_of)

    @pytest.mark.parametrize("events", [None, "events.jsonl", {"lead": "A"}])
    def test_events_that_are_not_a_list_are_refused_clearly(self, events):
        agreement = slacode.loads(spec(FIRST_TOUCH))
        with pytest.raises(TypeError, match="events must be"):
            agreement.evaluate(events, as_of="2026-11-02T14:00:00Z")

    def test_text_with_a_byte_order_mark_reads_as_from_a_file(self):
        text = spec(FIRST_TOUCH)
        assert slacode.loads("\ufeff" + text).model_dump() == slacode.loads(text).model_dump()
        assert slacode.lint("\ufeff" + text) == slacode.lint(text)
        assert slacode.format("\ufeff" + text) == slacode.format(text)
        with pytest.raises(TypeError, match="decode it first"):
            slacode.loads(text.encode())

    def test_load_and_loads_point_at_each_other(self, tmp_path):
        path = tmp_path / "a.sla"
        path.write_text(spec(FIRST_TOUCH))
        with pytest.raises(TypeError, match=r"slacode.load\(path\)"):
            slacode.loads(path)
        with pytest.raises(FileNotFoundError, match=r"slacode.loads\(text\)"):
            slacode.load(spec(FIRST_TOUCH))
        assert slacode.load(str(path)).id == slacode.load(path).id

    def test_as_of_as_datetime(self):
        agreement = slacode.loads(spec(FIRST_TOUCH))
        r = agreement.evaluate([E("A", "2026-11-02 10:00", "assigned", "a1", owner="r")],
                               as_of=datetime(2026, 11, 2, 9, 0, tzinfo=timezone(timedelta(hours=-3))))
        assert pick(r, "A", "ft")["status"] == "breached"          # 12:00Z is after the 11:00Z deadline


# ========================================================================= §11 output

class TestOutput:
    BODY = '''
deadline zeta {
  owner sales
  start on assigned
  stop on contact_attempt
  restart on reassigned
  within 1h
}

quota qz {
  owner sales
  count contact_attempt
  at most 100 per day
}

attempts alpha {
  owner sales
  start on assigned
  stop on enter sql
  restart on reassigned
  gap at least 1h
  at least 1 within 1h
  first where channel == "phone"
}

target ta {
  owner sales
  rule zeta
  at least 50% met per day
}
'''

    def test_order(self):
        events = [E("B", "2026-11-02 10:00", "assigned", "b1", owner="r"),
                  E("A", "2026-11-02 10:00", "assigned", "a1", owner="r"),
                  E("A", "2026-11-02 10:10", "reassigned", "a2"),
                  E("A", "2026-11-02 10:20", "contact_attempt", "a3", channel="phone")]
        r = run(self.BODY, events, "2026-11-03 12:00")
        got = [(v.lead, v.rule, v.clause, v.cycle, v.period) for v in r.verdicts]
        lead_a = [("A", "zeta", "within", 1, None), ("A", "zeta", "within", 2, None),
                  ("A", "alpha", "gap", 1, None), ("A", "alpha", "gap", 2, None),
                  ("A", "alpha", "at_least_within", 1, None), ("A", "alpha", "at_least_within", 2, None),
                  ("A", "alpha", "first", 1, None), ("A", "alpha", "first", 2, None)]
        lead_b = [("B", "zeta", "within", 1, None), ("B", "alpha", "gap", 1, None),
                  ("B", "alpha", "at_least_within", 1, None), ("B", "alpha", "first", 1, None)]
        aggregates = [(None, "qz", "count", None, "2026-11-02"), (None, "qz", "count", None, "2026-11-03"),
                      (None, "ta", "ratio", None, "2026-11-02"), (None, "ta", "ratio", None, "2026-11-03")]
        assert got == lead_a + lead_b + aggregates

    def test_leads_by_code_point_and_flow_where_its_block_stands(self):
        text = ('agreement "o" { timezone "UTC"; teams sales }\n'
                'handoff aa { owner sales; start on assigned; stop on call; require email; within 4h }\n'
                "states { new; won final }\nflow { new -> won }\n"
                "deadline zz { owner sales; start on assigned; stop on call; within 1h }\n")
        events = [E(lead, "2026-11-09 13:00", "assigned", f"{lead}1", owner="r") for lead in ("b", "A", "a10", "a9")]
        events.append(E("a9", "2026-11-09 13:10", "state", "s1", state="new"))
        r = slacode.loads(text).evaluate(events, as_of=ts("2026-11-09 14:00"))
        got = [(v.lead, v.rule, v.clause) for v in r.verdicts]
        # ids compare by code point ("A" < "a10" < "a9" < "b"); clauses in the order written
        # (`require` before `within` here); `flow` between the rules, where its block is
        per_lead = {lead: [(lead, "aa", "require"), (lead, "aa", "within"), (lead, "zz", "within")]
                    for lead in ("A", "a10", "a9", "b")}
        per_lead["a9"].insert(2, ("a9", "flow", "transition"))
        assert got == per_lead["A"] + per_lead["a10"] + per_lead["a9"] + per_lead["b"]

    def test_every_key_is_present(self):
        r = run(self.BODY, [E("A", "2026-11-02 10:00", "assigned", "a1", owner="r")], "2026-11-02 10:30")
        keys = {"lead", "rule", "clause", "cycle", "period", "status", "owner", "assignee", "segment",
                "started_at", "due_at", "completed_at", "warn_at", "target_seconds", "elapsed_seconds",
                "value", "threshold", "evidence", "reason"}
        for v in r.verdicts:
            d = v.to_dict()
            assert keys <= set(d), keys - set(d)
            assert isinstance(d["reason"], str) and d["reason"]
            assert d["status"] in {"met", "breached", "cancelled", "paused", "at_risk", "pending"}
        lead = pick(r, "A", "zeta")
        assert lead["period"] is None and lead["value"] is None and lead["threshold"] is None
        agg = [v.to_dict() for v in r.verdicts if v.lead is None]
        assert agg and all(d["cycle"] is None and d["lead"] is None for d in agg)

    def test_instants_in_the_calendar_offset_else_the_agreement(self):
        body = '''
calendar ny {
  timezone "America/New_York"
  hours mon-fri 09:00-17:00
}

deadline on_ny {
  owner sales
  start on assigned
  stop on contact_attempt
  within 1h on ny
}

deadline plain {
  owner sales
  start on assigned
  stop on contact_attempt
  within 1h
}

deadline span {
  owner sales
  start on assigned
  stop on contact_attempt
  within 2d on ny
}
'''
        events = [E("A", "2026-11-10 15:00", "assigned", "a1", owner="r"),
                  E("A", "2026-11-10 15:30", "contact_attempt", "a2"),
                  E("B", "2026-10-30 14:00", "assigned", "b1", owner="r")]   # Friday 10:00 EDT
        r = run(body, events, "2026-11-11 12:00", tz="America/Sao_Paulo")
        ny = pick(r, "A", "on_ny")
        assert ny["started_at"] == "2026-11-10T10:00:00-05:00"
        assert ny["due_at"] == "2026-11-10T11:00:00-05:00"
        assert ny["completed_at"] == "2026-11-10T10:30:00-05:00"
        plain = pick(r, "A", "plain")
        assert plain["started_at"] == "2026-11-10T12:00:00-03:00"
        assert plain["due_at"] == "2026-11-10T13:00:00-03:00"
        # 2d = 16 working hours: 7 h Friday, 8 h Monday 2 Nov (EST now), 1 h Tuesday → 10:00-05:00
        sp = pick(r, "B", "span")
        assert sp["started_at"] == "2026-10-30T10:00:00-04:00"
        assert sp["due_at"] == "2026-11-03T10:00:00-05:00"

    def test_check_command_json(self, tmp_path):
        (tmp_path / "a.sla").write_text(spec(FIRST_TOUCH), encoding="utf-8")
        (tmp_path / "e.jsonl").write_text(
            "\n".join(json.dumps(e) for e in [E("A", "2026-11-02 10:00", "assigned", "a1", owner="r"),
                                               E("A", "2026-11-02 10:30", "contact_attempt", "a2")]) + "\n",
            encoding="utf-8")
        out = subprocess.run([sys.executable, "-m", "slacode", "check", str(tmp_path / "a.sla"),
                              str(tmp_path / "e.jsonl"), "--as-of", "2026-11-02T12:00:00Z", "--format", "json"],
                             capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        doc = json.loads(out.stdout)
        assert doc["agreement"] == {"id": "t", "version": "1"}
        assert datetime.fromisoformat(doc["as_of"]) == inst("2026-11-02 12:00")
        assert isinstance(doc["diagnostics"], list)
        [v] = doc["verdicts"]
        assert (v["lead"], v["rule"], v["clause"], v["cycle"], v["status"]) == ("A", "ft", "within", 1, "met")
        assert v["evidence"] == ["a1", "a2"] and v["elapsed_seconds"] == 1800 and v["target_seconds"] == 3600


class TestCheckCommand:
    """`slacode check` reads files (a streaming path); it must agree with the library."""

    @staticmethod
    def check(tmp_path, *files, as_of, fmt="json", extra=()):
        out = subprocess.run([sys.executable, "-m", "slacode", "check", str(tmp_path / "a.sla"),
                              *[str(tmp_path / f) for f in files], "--as-of", as_of, "--format", fmt, *extra],
                             capture_output=True, text=True, timeout=300)
        return out

    @staticmethod
    def write(tmp_path, name, events):
        (tmp_path / name).write_text("".join(json.dumps(e) + "\n" for e in events), encoding="utf-8")

    def test_evidence_cites_path_and_line_when_several_files_are_read(self, tmp_path):
        (tmp_path / "a.sla").write_text(spec(FIRST_TOUCH), encoding="utf-8")
        self.write(tmp_path, "e1.jsonl", [E("A", "2026-11-02 10:00", "assigned", owner="r"),
                                          E("B", "2026-11-02 10:00", "assigned", owner="r")])
        self.write(tmp_path, "e2.jsonl", [E("A", "2026-11-02 10:30", "contact_attempt"),
                                          E("A", "2026-11-02 13:30", "contact_attempt")])
        out = self.check(tmp_path, "e1.jsonl", "e2.jsonl", as_of="2026-11-02T12:00:00Z")
        assert out.returncode == 0, out.stderr
        doc = json.loads(out.stdout)
        by_lead = {v["lead"]: v for v in doc["verdicts"]}
        assert by_lead["A"]["status"] == "met"
        assert [str(x).replace("\\", "/").rsplit("/", 1)[-1] for x in by_lead["A"]["evidence"]] == [
            "e1.jsonl:1", "e2.jsonl:1"]
        assert by_lead["B"]["status"] == "breached"
        late = [d for d in doc["diagnostics"] if d["code"] == "SLA506"]
        assert len(late) == 1 and late[0]["severity"] == "info" and late[0]["line"] == 2

    def test_jsonl_records(self, tmp_path):
        (tmp_path / "a.sla").write_text(spec(FIRST_TOUCH), encoding="utf-8")
        self.write(tmp_path, "e.jsonl", [E("A", "2026-11-02 10:00", "assigned", "a1", owner="r"),
                                         E("A", "2026-11-02 10:00", "assigned", "a1", owner="s")])
        out = self.check(tmp_path, "e.jsonl", as_of="2026-11-02T12:00:00Z", fmt="jsonl")
        assert out.returncode == 0, out.stderr
        rows = [json.loads(line) for line in out.stdout.splitlines() if line.strip()]
        # the agreement's own warnings come first; this test is about the events
        rows = [r for r in rows if not str(r.get("file") or "").endswith("a.sla")]
        kinds = sorted(r["record"] for r in rows)
        assert kinds == ["diagnostic", "summary", "verdict"]
        diag = next(r for r in rows if r["record"] == "diagnostic")
        assert diag["code"] == "SLA505" and diag["line"] == 2
        assert {"severity", "code", "message", "file", "line", "column"} <= set(diag)

    def test_fail_on_breached(self, tmp_path):
        (tmp_path / "a.sla").write_text(spec(FIRST_TOUCH), encoding="utf-8")
        self.write(tmp_path, "e.jsonl", [E("A", "2026-11-02 10:00", "assigned", "a1", owner="r")])
        assert self.check(tmp_path, "e.jsonl", as_of="2026-11-02T10:30:00Z",
                          extra=("--fail-on", "breached")).returncode == 0
        assert self.check(tmp_path, "e.jsonl", as_of="2026-11-02T12:00:00Z",
                          extra=("--fail-on", "breached")).returncode == 1

    def test_agrees_with_the_library_whatever_the_input_order(self, tmp_path):
        rnd = random.Random(2026)
        events, n = [], 0
        for k in range(40):
            lead = f"L{k:03d}"
            for minute in sorted(rnd.sample(range(HORIZON_MIN), 12)):
                type_, extra = rnd.choice(KIND_LIST)
                events.append({"lead": lead, "at": as_of_at(minute), "type": type_, "id": f"e{n}", **extra})
                n += 1
        as_of = as_of_at(HORIZON_MIN // 2)
        expected = [v.to_dict() for v in PROP_AGREEMENT.evaluate(events, as_of=as_of).verdicts]
        (tmp_path / "a.sla").write_text(spec(PROP_BODY), encoding="utf-8")
        first_lead_tail = {e["id"] for e in [e for e in events if e["lead"] == "L000"][-3:]}
        orders = {
            "grouped.jsonl": events,                                             # by lead, ascending
            "chrono.jsonl": sorted(events, key=lambda e: e["at"]),               # leads interleaved
            "descending.jsonl": sorted(events, key=lambda e: e["lead"], reverse=True),
            "shuffled.jsonl": rnd.sample(events, len(events)),                   # out of time order
            "reappearing.jsonl": [e for e in events if e["id"] not in first_lead_tail]
                                 + [e for e in events if e["id"] in first_lead_tail],
        }
        for name, seq in orders.items():
            self.write(tmp_path, name, seq)
            out = self.check(tmp_path, name, as_of=as_of)
            assert out.returncode == 0, out.stderr
            got = json.loads(out.stdout)["verdicts"]
            assert got == json.loads(json.dumps(expected)), name


# ================================================================ properties (hypothesis)

PROP_BODY = '''
deadline ft {
  owner sales
  start on assigned
  stop on contact_attempt
  cancel on enter disqualified
  restart on reassigned
  pause while state == on_hold
  within 2h on biz
  within 30m for hot
  warn at 50%
}

handoff h {
  owner marketing
  start on enter mql
  stop on assigned
  within 1h
  require email
}

attempts fu {
  owner sales
  start on assigned
  stop on enter sql
  cancel on enter disqualified
  at least 2 within 1d on biz
  at least 1 before enter nurture
  at most 2 per day
  gap at least 1h
  first where channel == "phone"
  only during biz
}

target t {
  owner sales
  rule ft
  at least 50% met per day
}

quota q {
  owner sales
  count contact_attempt
  at least 2 per week
}
'''
PROP_AGREEMENT = slacode.loads(spec(PROP_BODY))
BASE = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
HORIZON_MIN = 6 * 24 * 60

KIND_LIST = [
    ("assigned", {"owner": "rep-1"}), ("assigned", {"owner": "rep-2"}), ("reassigned", {}),
    ("contact_attempt", {"channel": "phone"}), ("contact_attempt", {"channel": "email"}),
    ("state", {"state": "mql"}), ("state", {"state": "sql"}), ("state", {"state": "on_hold"}),
    ("state", {"state": "working"}), ("state", {"state": "nurture"}), ("state", {"state": "disqualified"}),
    ("update", {"fields": {"score": 90}}), ("update", {"fields": {"score": 10}}),
    ("update", {"fields": {"email": "x@y"}}), ("update", {"fields": {"email": None}}),
]
KINDS = st.sampled_from(KIND_LIST)


@st.composite
def histories(draw, max_events=25):
    n = draw(st.integers(1, max_events))
    minutes = draw(st.lists(st.integers(0, HORIZON_MIN), min_size=n, max_size=n, unique=True))
    out = []
    for i, minute in enumerate(minutes):
        lead = draw(st.sampled_from(["A", "B", "C"]))
        type_, extra = draw(KINDS)
        at = (BASE + timedelta(minutes=minute)).isoformat()
        out.append({"lead": lead, "at": at, "type": type_, "id": f"e{i}", **extra})
    return out


def verdict_dicts(result) -> list[dict]:
    return [v.to_dict() for v in result.verdicts]


def as_of_at(minute: int) -> str:
    return (BASE + timedelta(minutes=minute)).isoformat()


PROP = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROP
@given(histories(), st.integers(0, HORIZON_MIN + 600), st.randoms(use_true_random=False))
def test_shuffling_input_lines_changes_nothing(events, as_of_min, rnd):
    as_of = as_of_at(as_of_min)
    first = PROP_AGREEMENT.evaluate(events, as_of=as_of)
    shuffled = list(events)
    rnd.shuffle(shuffled)
    second = PROP_AGREEMENT.evaluate(shuffled, as_of=as_of)
    assert verdict_dicts(first) == verdict_dicts(second)


@PROP
@given(histories(), histories(max_events=8), st.integers(0, HORIZON_MIN))
def test_events_after_as_of_change_nothing(events, later, as_of_min):
    as_of = as_of_at(as_of_min)
    after = []
    for i, e in enumerate(later):
        moved = dict(e, id=f"late{i}")
        moved["at"] = (BASE + timedelta(minutes=as_of_min + 1 + i * 7)).isoformat()
        after.append(moved)
    base = PROP_AGREEMENT.evaluate(events, as_of=as_of)
    more = PROP_AGREEMENT.evaluate(events + after, as_of=as_of)
    assert verdict_dicts(base) == verdict_dicts(more)


@PROP
@given(histories(), st.integers(0, HORIZON_MIN + 600), st.integers(0, 5 * 24 * 60))
def test_met_or_breached_never_changes_as_as_of_grows(events, as_of_min, step):
    early = PROP_AGREEMENT.evaluate(events, as_of=as_of_at(as_of_min))
    late = PROP_AGREEMENT.evaluate(events, as_of=as_of_at(as_of_min + step))
    key = lambda v: (v.lead, v.rule, v.clause, v.cycle, v.period)  # noqa: E731
    later = {key(v): v.status for v in late.verdicts}
    for v in early.verdicts:
        if v.status in ("met", "breached"):
            assert later.get(key(v)) == v.status, (key(v), v.status, later.get(key(v)))


@PROP
@given(histories(), st.integers(0, HORIZON_MIN + 600))
def test_leads_together_or_one_by_one_give_the_same_verdicts(events, as_of_min):
    as_of = as_of_at(as_of_min)
    together = [v.to_dict() for v in PROP_AGREEMENT.evaluate(events, as_of=as_of).verdicts if v.lead is not None]
    alone = []
    for lead in sorted({e["lead"] for e in events}):
        mine = [e for e in events if e["lead"] == lead]
        alone += [v.to_dict() for v in PROP_AGREEMENT.evaluate(mine, as_of=as_of).verdicts if v.lead is not None]
    assert together == alone


def test_property_agreement_produces_every_kind_of_status():
    """Guard: the generated histories above can reach the interesting statuses."""
    rnd = random.Random(7)
    seen = set()
    for _ in range(200):
        events = []
        for i, minute in enumerate(sorted(rnd.sample(range(HORIZON_MIN), 15))):
            type_, extra = rnd.choice(KIND_LIST)
            events.append({"lead": rnd.choice("AB"), "at": as_of_at(minute), "type": type_, "id": f"e{i}", **extra})
        for v in PROP_AGREEMENT.evaluate(events, as_of=as_of_at(rnd.randrange(HORIZON_MIN))).verdicts:
            seen.add(v.status)
    assert {"met", "breached", "cancelled", "pending", "paused", "at_risk"} <= seen


def test_restart_event_that_is_an_attempt_counts_in_the_new_cycle():
    """§7: attempts run from the start event through the closing event, both included; a
    restart event closes one cycle and starts the next, so it counts in both."""
    body = '''
attempts fu {
  owner sales
  start on assigned
  stop on enter sql
  restart on contact_attempt where outcome == "handover"
  at least 2 within 1d
}
'''
    r = run(body, [E("A", "2026-11-02 10:00", "assigned", "a0", owner="r"),
                   E("A", "2026-11-02 10:10", "contact_attempt", "a1", outcome="handover"),
                   E("A", "2026-11-02 10:20", "contact_attempt", "a2")], "2026-11-02 12:00")
    c1 = pick(r, "A", "fu", "at_least_within", 1)
    assert c1["status"] == "cancelled" and ev(c1) == ["a1"]
    c2 = pick(r, "A", "fu", "at_least_within", 2)
    assert when(c2, "started_at") == inst("2026-11-02 10:10")
    assert c2["status"] == "met" and when(c2, "completed_at") == inst("2026-11-02 10:20")
    assert ev(c2) == ["a1", "a2"]


# ============================================ formerly known bugs (fixed; kept as regressions)

def test_attempts_rule_without_at_least_within_still_has_cycles():
    body = '''
attempts g {
  owner sales
  start on assigned
  stop on enter sql
  gap at least 1h
  first where channel == "phone"
}
'''
    r = run(body, [E("A", "2026-11-02 10:00", "assigned", "a0", owner="r"),
                   E("A", "2026-11-02 10:10", "contact_attempt", "a1", channel="phone"),
                   E("A", "2026-11-02 10:20", "contact_attempt", "a2")], "2026-11-02 12:00")
    g = pick(r, "A", "g", "gap")
    assert g["status"] == "breached" and ev(g) == ["a2"]
    assert pick(r, "A", "g", "first")["status"] == "met"


def test_trigger_clauses_on_several_lines_are_one_list():
    body = ("deadline d {\n  owner sales\n  start on a\n  start on x\n  stop on b\n  stop on c\n"
            "  cancel on q\n  cancel on r\n  within 4h\n}\n")
    events = [E("A", "2026-11-02 10:00", "a", "a1"), E("A", "2026-11-02 10:30", "c", "a2"),
              E("B", "2026-11-02 10:00", "x", "b1"), E("B", "2026-11-02 10:30", "r", "b2")]
    r = run(body, events, "2026-11-02 12:00")
    assert pick(r, "A", "d")["status"] == "met"          # started by the first line, stopped by the second
    assert pick(r, "B", "d")["status"] == "cancelled"    # started and cancelled by the second lines


# ------------------------------------------------------------ the library's boundary

_BOUNDARY = """
agreement "b" { timezone "UTC"; teams sales }
deadline d {
  owner sales
  start on assigned
  stop on contact_attempt
  within 4h
}
"""


def test_text_of_a_str_subclass_is_its_text():
    # a service models event types as a StrEnum and ids as a str subclass
    import enum

    class Kind(str, enum.Enum):
        ASSIGNED = "assigned"

    class LeadId(str):
        pass

    agreement = slacode.loads(_BOUNDARY)
    events = [{"lead": LeadId("L1"), "at": LeadId("2026-11-09T10:00:00Z"), "type": Kind.ASSIGNED, "id": LeadId("e1")}]
    result = agreement.evaluate(events, as_of="2026-11-09T11:00:00Z")
    assert [(v.lead, v.status, v.evidence) for v in result.verdicts] == [("L1", "pending", ["e1"])]
    assert result.diagnostics == [] and type(result.verdicts[0].lead) is str


def test_records_of_read_events_alone_or_with_dicts(tmp_path):
    path = tmp_path / "e.jsonl"
    path.write_text('{"lead": "L", "at": "2026-11-09T10:00:00Z", "type": "assigned", "id": "a"}\n'
                    '{"lead": "L", "at": "2026-11-09T13:00:00Z", "type": "contact_attempt", "id": "b"}\n')
    agreement = slacode.loads(_BOUNDARY)
    records = slacode.read_events([str(path)]).records
    # the events after as_of are counted, as for dicts (nothing dropped silently)
    early = agreement.evaluate(records, as_of="2026-11-09T12:00:00Z")
    assert [v.status for v in early.verdicts] == ["pending"]
    assert [(d.code, d.line) for d in early.diagnostics] == [("SLA506", 2)]
    # a history read from a file, and the webhook's new event as a dict
    webhook = {"lead": "L", "at": "2026-11-09T11:00:00Z", "type": "contact_attempt", "id": "c"}
    both = agreement.evaluate(records[:1] + [webhook], as_of="2026-11-09T12:00:00Z")
    assert [(v.status, v.evidence) for v in both.verdicts] == [("met", ["a", "c"])] and both.diagnostics == []
    again = agreement.evaluate(records + [dict(webhook, id="a")], as_of="2026-11-09T14:00:00Z")
    assert [d.code for d in again.diagnostics] == ["SLA505"]     # the id of a record, used again
    assert agreement.evaluate_many(records[:1] + [webhook], as_of="2026-11-09T12:00:00Z", jobs=1).to_dict() \
        == both.to_dict()


@pytest.mark.parametrize("events", [None, 5, b"{}", {"lead": "L"}])
def test_events_that_are_no_list_of_events_are_refused(events):
    agreement = slacode.loads(_BOUNDARY)
    for call in (agreement.evaluate, agreement.evaluate_many):
        with pytest.raises(TypeError, match="events must be"):
            call(events, as_of="2026-11-09T12:00:00Z")


@pytest.mark.parametrize("zone", ["localtime", "EST", "posix/America/Sao_Paulo"])
def test_default_tz_is_the_zone_of_a_place(zone):
    agreement = slacode.loads(_BOUNDARY)
    events = [{"lead": "L", "at": "2026-11-09 10:00:00", "type": "assigned"}]
    with pytest.raises(slacode.EventInputError, match="unknown time zone"):
        agreement.evaluate(events, as_of="2026-11-09T12:00:00Z", default_tz=zone)


def test_a_naive_datetime_in_a_clock_change_is_reported_as_its_text_is():
    # a TIMESTAMP WITHOUT TIME ZONE column: 01:30 on the night New York's clocks go back
    agreement = slacode.loads(_BOUNDARY)
    for at in (datetime(2026, 11, 1, 1, 30), "2026-11-01 01:30:00", datetime(2026, 3, 8, 2, 30)):
        result = agreement.evaluate([{"lead": "L", "at": at, "type": "assigned"}],
                                    as_of="2026-12-01T00:00:00Z", default_tz="America/New_York")
        assert [d.code for d in result.diagnostics] == ["SLA510"]
    text = agreement.evaluate([{"lead": "L", "at": "2026-11-01 01:30:00", "type": "assigned"}],
                              as_of="2026-12-01T00:00:00Z", default_tz="America/New_York")
    assert result.verdicts[0].started_at != text.verdicts[0].started_at     # (the skipped one is another)
    naive = agreement.evaluate([{"lead": "L", "at": datetime(2026, 11, 1, 1, 30), "type": "assigned"}],
                               as_of="2026-12-01T00:00:00Z", default_tz="America/New_York")
    assert naive.verdicts[0].started_at == text.verdicts[0].started_at      # the first 01:30 (EDT)


def test_a_verdicts_dict_is_a_copy():
    agreement = slacode.loads(_BOUNDARY)
    events = [{"lead": "L", "at": "2026-11-09T10:00:00Z", "type": "assigned", "id": "a"}]
    (verdict,) = agreement.evaluate(events, as_of="2026-11-09T11:00:00Z").verdicts
    verdict.to_dict()["evidence"].append("x")
    assert verdict.evidence == ["a"] and verdict.to_dict()["evidence"] == ["a"]


def test_many_events_leave_the_cyclic_collector_as_they_found_it():
    import gc

    from slacode.evaluate import _MANY_EVENTS

    agreement = slacode.loads(_BOUNDARY)
    events = [{"lead": f"L{i % 500}", "at": "2026-11-09T10:00:00Z", "type": "x"} for i in range(_MANY_EVENTS)]
    assert gc.isenabled()
    agreement.evaluate(events, as_of="2026-11-09T11:00:00Z")
    assert gc.isenabled()
    gc.disable()
    try:
        agreement.evaluate(events, as_of="2026-11-09T11:00:00Z")
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_librarys_diagnostics_come_in_the_order_of_the_events_given():
    """The count of events after as_of sits at the first of them, an unknown state at its
    event: by position, as on the command line (not in the order they were found)."""
    from tests.conftest import ROOT

    agreement = slacode.load(ROOT / "specs" / "northwind.sla")
    result = agreement.evaluate([
        {"lead": "B", "at": "2026-11-01T00:00:00Z", "type": "state", "state": "no_such_state"},
        {"lead": "A", "at": "2027-01-01T00:00:00Z", "type": "note"},
        {"lead": "A", "at": "2026-11-01T00:00:00", "type": "note"},
    ], as_of="2026-11-20T00:00:00Z")
    # (SLA614: notes at the agreement's reads of fields that these events never set)
    assert [(d.code, d.line) for d in result.diagnostics if d.code != "SLA614"] == [
        ("SLA601", 1), ("SLA506", 2), ("SLA504", 3)]


def test_an_open_at_least_within_past_its_deadline_keeps_its_warn_at():
    """§13: `warn_at` for every open cycle with `warn`, even one already breached (in the past)."""
    body = '''
attempts cad {
  owner sales
  start on assigned
  stop on enter sql
  at least 3 within 4h
  warn at 50%
}
'''
    result = run(body, [E("A", "2026-11-02 09:00", "assigned", "a1"),
                        E("A", "2026-11-02 09:30", "contact_attempt", "a2")], "2026-11-02 15:00")
    d = pick(result, "A", "cad", "at_least_within")
    assert (d["status"], when(d, "warn_at"), d["completed_at"]) == ("breached", inst("2026-11-02 11:00"), None)
    assert d["elapsed_seconds"] == 6 * 3600


def test_start_when_fires_on_the_fields_of_an_event_into_an_undeclared_state():
    """§11/§13: the event changes no state and no trigger, but its fields apply, and `start
    when` judges the lead's fields as of every event."""
    body = '''
deadline big {
  owner sales
  start when employees >= 500
  stop on contact_attempt
  within 2h
}
'''
    result = run(body, [E("A", "2026-11-02 09:00", "state", "s1", state="bogus", fields={"employees": 800}),
                        E("A", "2026-11-02 10:00", "contact_attempt", "s2")], "2026-11-02 15:00")
    d = pick(result, "A", "big")
    assert (d["status"], when(d, "started_at"), ev(d)) == ("met", inst("2026-11-02 09:00"), ["s1", "s2"])
    assert [c for c in codes(result) if c != "SLA614"] == ["SLA601"]    # (fields the header reads, never set)


@pytest.mark.parametrize("value, present", [
    ([], False), ({}, False), ("   ", False), (None, False),
    (0, True), (False, True), ([0], True), ("x", True), (0.0, True),
])
def test_require_treats_empty_lists_objects_and_blank_text_as_missing_and_zero_false_as_present(value, present):
    body = '''
handoff h {
  owner marketing
  start on enter mql
  stop on assigned
  within 1h
  require company
}
'''
    result = run(body, [E("A", "2026-11-02 09:00", "state", "r1", state="mql", fields={"company": value}),
                        E("A", "2026-11-02 09:30", "assigned", "r2", owner="ana")], "2026-11-02 15:00")
    d = pick(result, "A", "h", "require")
    assert d["status"] == ("met" if present else "breached")
    assert ("`company`" in d["reason"]) == (not present)


@pytest.mark.parametrize("test, before, after", [("state exists", False, True), ("state missing", True, False)])
def test_state_exists_and_missing_follow_the_first_state_event(test, before, after):
    """§9: `state` before the first state event is missing (and then every comparison is false)."""
    body = f'''
deadline p {{
  owner sales
  start on ping where n == 1
  stop on pong
  within 1h for s
  within 2h
}}
segment s = {test}
'''
    result = run(body, [E("A", "2026-11-02 09:00", "ping", "p1", n=1),
                        E("A", "2026-11-02 09:10", "pong", "p2"),
                        E("A", "2026-11-02 09:20", "state", "p3", state="mql"),
                        E("A", "2026-11-02 09:30", "ping", "p4", n=1)], "2026-11-02 15:00")
    segments = [pick(result, "A", "p", cycle=n)["segment"] for n in (1, 2)]
    assert segments == [("s" if before else None), ("s" if after else None)]


def test_aggregates_false_leaves_out_targets_and_quotas_of_one_leads_evaluation():
    """review 9-c: a service evaluating one lead got quota breaches computed from that lead."""
    agreement = slacode.load(Path(__file__).resolve().parents[1] / "specs" / "northwind.sla")
    events = [{"lead": "L1", "at": "2026-10-16T10:00:00-03:00", "type": "state", "state": "mql",
               "fields": {"score": 50}}]
    full = agreement.evaluate(events, as_of="2026-11-20T12:00:00-03:00")
    lean = agreement.evaluate(events, as_of="2026-11-20T12:00:00-03:00", aggregates=False)
    assert any(v.lead is None and v.status == "breached" for v in full.verdicts)
    assert lean.verdicts == [v for v in full.verdicts if v.lead is not None] and lean.verdicts
    many = agreement.evaluate_many(events, as_of="2026-11-20T12:00:00-03:00", jobs=1, aggregates=False)
    assert [v.to_dict() for v in many.verdicts] == [v.to_dict() for v in lean.verdicts]


def test_evaluate_refuses_paths_and_cites_a_late_record_by_its_reference():
    """review 9-c: `evaluate(["events.jsonl"])` gave 0 verdicts and an SLA501 per path;
    a record after as_of was cited by its list position only (now: its id and its file line)."""
    root = Path(__file__).resolve().parents[1]
    agreement = slacode.load(root / "specs" / "northwind.sla")
    with pytest.raises(TypeError, match="evaluate_many"):
        agreement.evaluate([str(root / "specs" / "events.jsonl")], as_of="2026-11-20T18:00:00-03:00")
    batch = slacode.read_events([root / "specs" / "events.jsonl"])
    result = agreement.evaluate(batch.records, as_of="2026-11-16T10:01:00-03:00")
    (late,) = [d for d in result.diagnostics if d.code == "SLA506"]
    first = next(r for r in batch.records if r.at > slacode.events.parse_timestamp("2026-11-16T10:01:00-03:00"))
    assert f"first at event {first.ref!r}, line {first.line})" in late.message
    assert late.line == first.line          # its line in the file (review 11-f), not its place in the list


def test_result_instant_gives_as_of_in_the_agreements_zone():
    agreement = slacode.load(Path(__file__).resolve().parents[1] / "specs" / "northwind.sla")
    result = agreement.evaluate([], as_of="2026-11-20T21:00:00Z")
    assert result.instant("as_of").isoformat() == "2026-11-20T18:00:00-03:00"
    with pytest.raises(ValueError, match="one instant is 'as_of'"):
        result.instant("due_at")


def test_reasons_say_at_the_deadline_when_the_close_or_the_nth_attempt_is_exactly_then():
    body = '''
deadline ft {
  owner sales
  start on assigned
  stop on contact_attempt
  cancel on dropped
  within 1h
}

attempts tries {
  owner sales
  start on assigned
  stop on enter sql
  cancel on dropped
  at least 2 within 1h
}
'''
    events = [E("A", "2026-11-02 10:00", "assigned", "a1", owner="r"),
              E("A", "2026-11-02 11:00", "dropped", "a2"),
              E("B", "2026-11-02 10:00", "assigned", "b1", owner="r"),
              E("B", "2026-11-02 10:30", "contact_attempt", "b2"),
              E("B", "2026-11-02 11:00", "state", "b3", state="sql"),
              E("C", "2026-11-02 10:00", "assigned", "c1", owner="r"),
              E("C", "2026-11-02 10:59", "contact_attempt", "c2"),
              E("C", "2026-11-02 11:00", "contact_attempt", "c3"),
              E("D", "2026-11-02 10:00", "assigned", "d1", owner="r"),
              E("D", "2026-11-02 10:40", "dropped", "d2")]
    r = run(body, events, "2026-11-02 12:00")
    assert pick(r, "A", "ft")["reason"] == ("The cycle was cancelled at 2026-11-02 11:00 +00:00, at its deadline "
                                            "2026-11-02 11:00 +00:00.")
    assert pick(r, "A", "tries", "at_least_within")["reason"] == "The cycle was cancelled at 2026-11-02 11:00 +00:00, at its deadline."
    assert pick(r, "B", "tries", "at_least_within")["reason"].startswith(
        "Stopped at 2026-11-02 11:00 +00:00, at the deadline 2026-11-02 11:00 +00:00, after 1 attempt")
    assert pick(r, "C", "tries", "at_least_within")["reason"] == ("2 attempts by 2026-11-02 11:00 +00:00, at the "
                                                                  "deadline 2026-11-02 11:00 +00:00.")
    assert pick(r, "D", "ft")["reason"] == ("The cycle was cancelled at 2026-11-02 10:40 +00:00, before its deadline "
                                            "2026-11-02 11:00 +00:00.")


def test_a_batch_gives_one_result_with_the_readings_problems_by_evaluate_and_evaluate_many():
    """review 13-b: evaluate_many(batch) read the batch's three fields as three events (0
    verdicts, three SLA501); evaluate(batch) left out what reading had found. Now both give
    the result evaluate_many(paths) gives, diagnostics by file and line."""
    root = Path(__file__).resolve().parents[1]
    agreement = slacode.load(root / "specs" / "northwind.sla")
    path = root / "specs" / "events.jsonl"
    batch = slacode.read_events([path])
    as_of = "2026-11-20T18:00:00-03:00"
    one = agreement.evaluate(batch, as_of=as_of)
    assert len(one.verdicts) > 3000
    codes = [d.code for d in one.diagnostics]
    assert {"SLA501", "SLA504", "SLA517", "SLA506"} <= set(codes)
    assert [d.line for d in one.diagnostics] == sorted(d.line for d in one.diagnostics)
    for jobs in (1, 2):
        assert agreement.evaluate_many(batch, as_of=as_of, jobs=jobs).to_dict() == one.to_dict()
    from_paths = agreement.evaluate_many([path], as_of=as_of, jobs=1)
    assert from_paths.to_dict()["verdicts"] == one.to_dict()["verdicts"]
    # the same problems at the same places (records after as_of are cited by id and line)
    assert [(d.code, d.path, d.line) for d in from_paths.diagnostics] == [(d.code, d.path, d.line) for d in one.diagnostics]
    assert [d.code for d in agreement.evaluate(batch.records, as_of=as_of).diagnostics] == ["SLA506"]


def test_every_exception_for_what_slacode_was_given_is_a_slacode_error(tmp_path):
    """review 13-b: one `except slacode.SlacodeError` for a service's bad input; each keeps
    its built-in base."""
    agreement = slacode.load(Path(__file__).resolve().parents[1] / "specs" / "northwind.sla")
    attempts = [
        lambda: slacode.loads("agreement {"),
        lambda: slacode.read_events([tmp_path / "none.jsonl"]),
        lambda: agreement.evaluate([], as_of="2026-11-09T10:00:00"),
        lambda: agreement.evaluate([], as_of="2026-11-09T10:00:00", default_tz="utc"),
        lambda: agreement.calendars["sao_paulo"].add(datetime(2026, 11, 9), timedelta(hours=1)),
        lambda: slacode.lint(_BOUNDARY, ignore=["SLA999"]),
    ]
    for attempt in attempts:
        with pytest.raises(slacode.SlacodeError):
            attempt()
    assert issubclass(slacode.CalendarError, ValueError) and issubclass(slacode.EventInputError, Exception)
    assert not issubclass(TypeError, slacode.SlacodeError)


def test_loads_names_a_path_given_as_file_as_text():
    """review 13-b: `loads(text, file=Path(...))` kept the Path: diagnostics JSON could not write."""
    import json

    with pytest.raises(slacode.SpecError) as caught:
        slacode.loads("agreement {", file=Path("crm") / "agreement.sla")
    d = caught.value.diagnostics[0]
    assert d.path == str(Path("crm") / "agreement.sla")
    json.dumps(d.to_dict())


def test_the_collector_is_paused_only_while_no_other_thread_runs():
    """review 13-b: a nightly evaluation in a thread turned the collector off for the threads
    answering requests beside it."""
    import gc
    import threading

    from slacode._collector import paused_gc

    with paused_gc():
        assert not gc.isenabled()
    assert gc.isenabled()
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        with paused_gc():
            assert gc.isenabled()
    finally:
        stop.set()
        other.join()
    gc.disable()
    try:
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_an_as_of_that_names_no_instant_is_a_slacode_error():
    """review 13-c: only the missing offset was; the others were plain ValueErrors."""
    agreement = slacode.loads(_BOUNDARY)
    for as_of in ("yesterday", "2026-02-30T00:00:00Z", "2026-01-01T25:00:00Z", "1000-01-01T00:00:00Z",
                  datetime(2026, 1, 1), "2026-01-01T00:00:00"):
        with pytest.raises(slacode.SlacodeError) as caught:
            agreement.evaluate([], as_of=as_of)
        assert isinstance(caught.value, ValueError) and "as_of" in str(caught.value) or "offset" in str(caught.value)
    with pytest.raises(slacode.SlacodeError):
        agreement.prepare(as_of="x")
    with pytest.raises(TypeError):
        agreement.evaluate([], as_of=1_700_000_000)


def test_at_most_per_day_names_the_days_and_the_zone_they_are_read_in():
    """The third attempt at 04:30Z on Nov 4 falls on Nov 3 in New York: the reason says
    which day broke the limit, in which zone (review 14-b C6)."""
    text = ('agreement "x" { timezone "UTC"; teams sales }\n'
            'calendar amer { timezone "America/New_York"; hours mon-fri 09:00-17:00 }\n'
            "attempts f {\n  owner sales\n  start on assigned\n  stop on enter sql\n"
            "  at most 2 per day on amer\n  only during amer\n}\n")
    agreement = slacode.loads(text)
    at = ["2026-11-03T14:00:00Z", "2026-11-03T20:00:00Z", "2026-11-04T04:30:00Z", "2026-11-04T14:00:00Z",
          "2026-11-05T14:00:00Z", "2026-11-05T15:00:00Z", "2026-11-05T16:00:00Z"]
    events = [{"lead": "A", "at": "2026-11-03T13:00:00Z", "type": "assigned", "owner": "ana"}] + [
        {"lead": "A", "at": t, "type": "contact_attempt", "id": f"c{i}"} for i, t in enumerate(at)]
    result = agreement.evaluate(events, as_of="2026-11-06T12:00:00Z")
    (v,) = [v for v in result.verdicts if v.clause == "at_most_per_day"]
    assert v.status == "breached" and v.evidence == ["c2", "c6"]
    assert v.reason == "More than 2 attempts on 2026-11-03 and 2026-11-05 (America/New_York): c2, c6."
    # without `on amer`, days are the agreement's (UTC): Nov 3 and 4 have two each
    utc = slacode.loads(text.replace("per day on amer", "per day")).evaluate(
        events, as_of="2026-11-06T12:00:00Z")
    (v,) = [v for v in utc.verdicts if v.clause == "at_most_per_day"]
    assert v.reason == "More than 2 attempts on 2026-11-05 (UTC): c6."


def test_an_input_event_typed_like_an_nth_attempt_is_no_attempt():
    """`Nth attempt of RULE` matches the event that became RULE's Nth attempt, never an
    input event whose type merely reads `2nd attempt of follow_up` (the fold's kind is one
    no input type equals, as for `breach of`)."""
    text = '''agreement "nth" { version "1"; timezone "UTC"; teams sales }
attempts follow_up {
  owner sales
  start on assigned
  stop on won
  count call
  at least 3 within 1d
}
deadline after_two {
  owner sales
  start on 2nd attempt of follow_up
  stop on won
  within 1h
}
'''
    agreement = slacode.loads(text)

    def rule_starts(events):
        result = agreement.evaluate(events, as_of="2026-11-09T18:00:00Z")
        return [v.to_dict()["started_at"] for v in result.verdicts if v.rule == "after_two"]

    def ev(at, type_):
        return {"lead": "L", "at": f"2026-11-09T{at}:00Z", "type": type_, "id": f"{at}-{type_}"}

    assert rule_starts([ev("09:00", "assigned"), ev("09:10", "2nd attempt of follow_up")]) == []
    real = [ev("09:00", "assigned"), ev("09:10", "call"), ev("09:20", "call")]
    assert rule_starts(real) == ["2026-11-09T09:20:00+00:00"]


def test_a_first_breach_says_what_the_first_attempt_had_to_be():
    """review 19k #6: "was not as required" named no requirement."""
    agreement = slacode.loads('agreement "x" { timezone "UTC"; teams sales }\nsegment big = employees >= 100\n'
                              "attempts a {\n  owner sales\n  start on assigned\n  stop on won\n  count attempt\n"
                              '  first where `call-type` == "phone" or big\n}\n')
    events = [{"lead": "L", "at": "2026-11-02T10:00:00Z", "type": "assigned", "id": "a"},
              {"lead": "L", "at": "2026-11-02T10:05:00Z", "type": "attempt", "id": "b", "call-type": "email"}]
    verdict = next(v for v in agreement.evaluate(events, as_of="2026-11-03T00:00:00Z").verdicts if v.clause == "first")
    assert verdict.status == "breached"
    assert verdict.reason.endswith('was not as required: `` first where `call-type` == "phone" or big ``.')
