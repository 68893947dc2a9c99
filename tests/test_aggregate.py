"""Targets and quotas against the contract (LANGUAGE.md §8).

Every expected value was worked out by hand from the contract. Periods are days, ISO weeks,
months and quarters of the agreement's time zone; 2026-11-02 is a Monday (ISO week 45).
"""
from __future__ import annotations


import json
import pytest

import slacode

HEAD = '''agreement "agg" {
  version "1"
  timezone "@TZ@"
  teams sales, marketing
}

states {
  mql
  sql
  disqualified final
}

segment hot = score >= 80
'''


def ts(at: str) -> str:
    if len(at) == 16 and at[10] == " ":
        return at.replace(" ", "T") + ":00Z"
    return at


def E(lead: str, at: str, type_: str, id_: str, **props) -> dict:
    return {"lead": lead, "at": ts(at), "type": type_, "id": id_, **props}


def run(body: str, events: list, as_of: str, tz: str = "UTC"):
    agreement = slacode.loads(HEAD.replace("@TZ@", tz) + body)
    return agreement.evaluate(events, as_of=ts(as_of))


def periods(result, rule: str) -> list[tuple]:
    """(period, status, value) of one aggregate, in output order."""
    return [(v.period, v.status, v.value) for v in result.verdicts if v.lead is None and v.rule == rule]


def agg(result, rule: str, period: str) -> dict:
    found = [v.to_dict() for v in result.verdicts if v.lead is None and v.rule == rule and v.period == period]
    assert len(found) == 1, (rule, period, [v.to_dict() for v in result.verdicts if v.lead is None])
    return found[0]


# ============================================================================ quotas

ATTEMPT_QUOTAS = '''
quota l2 {
  owner sales
  count contact_attempt
  at least 2 per month
}

quota l5 {
  owner sales
  count contact_attempt
  at least 5 per month
}

quota m2 {
  owner sales
  count contact_attempt
  at most 2 per month
}

quota m3 {
  owner sales
  count contact_attempt
  at most 3 per month
}

quota m5 {
  owner sales
  count contact_attempt
  at most 5 per month
}
'''
ATTEMPTS_NOV = [E("A", "2026-11-03 10:00", "contact_attempt", "a1"),
                E("B", "2026-11-05 10:00", "contact_attempt", "b1"),
                E("A", "2026-11-10 10:00", "contact_attempt", "a2")]


class TestQuotaStatus:
    def test_mid_period(self):
        r = run(ATTEMPT_QUOTAS, ATTEMPTS_NOV, "2026-11-20 00:00")
        assert periods(r, "l2") == [("2026-11", "met", 3)]        # already at its `at least`
        assert periods(r, "l5") == [("2026-11", "pending", 3)]
        assert periods(r, "m2") == [("2026-11", "breached", 3)]   # already over its `at most`
        assert periods(r, "m3") == [("2026-11", "pending", 3)]    # at, not over
        assert periods(r, "m5") == [("2026-11", "pending", 3)]

    def test_after_the_period(self):
        r = run(ATTEMPT_QUOTAS, ATTEMPTS_NOV, "2026-12-02 00:00")
        assert periods(r, "l2") == [("2026-11", "met", 3), ("2026-12", "pending", 0)]
        assert periods(r, "l5") == [("2026-11", "breached", 3), ("2026-12", "pending", 0)]
        assert periods(r, "m2") == [("2026-11", "breached", 3), ("2026-12", "pending", 0)]
        assert periods(r, "m3") == [("2026-11", "met", 3), ("2026-12", "pending", 0)]
        assert periods(r, "m5") == [("2026-11", "met", 3), ("2026-12", "pending", 0)]

    def test_keys(self):
        r = run(ATTEMPT_QUOTAS, ATTEMPTS_NOV, "2026-11-20 00:00")
        d = agg(r, "l5", "2026-11")
        assert d["clause"] == "count" and d["lead"] is None and d["cycle"] is None
        assert d["owner"] == "sales" and d["threshold"] == 5 and d["value"] == 3

    def test_events_after_as_of_do_not_count(self):
        r = run(ATTEMPT_QUOTAS, ATTEMPTS_NOV + [E("C", "2026-11-25 10:00", "contact_attempt", "c1")],
                "2026-11-20 00:00")
        assert periods(r, "l2") == [("2026-11", "met", 3)]


class TestQuotaPeriods:
    BODY = '''
quota mqls {
  owner marketing
  count enter mql
  at least 1 per month
}
'''

    def test_empty_months_are_shortfalls_and_periods_are_in_the_agreement_zone(self):
        events = [
            E("C", "2026-10-20T12:00:00-03:00", "update", "c1"),               # earliest input event
            E("A", "2026-11-10T12:00:00-03:00", "state", "a1", state="mql"),
            E("D", "2026-12-01T01:00:00Z", "state", "d1", state="mql"),         # 30 Nov, 22:00 in São Paulo
            E("B", "2027-01-05T12:00:00-03:00", "state", "b1", state="mql"),
        ]
        r = run(self.BODY, events, "2027-01-20T00:00:00-03:00", tz="America/Sao_Paulo")
        assert periods(r, "mqls") == [("2026-10", "breached", 0), ("2026-11", "met", 2),
                                      ("2026-12", "breached", 0), ("2027-01", "met", 1)]

    def test_only_enters_count(self):
        events = [E("A", "2026-11-02 10:00", "state", "a1", state="mql"),
                  E("A", "2026-11-02 11:00", "state", "a2", state="mql"),       # same state: no enter
                  E("A", "2026-11-02 12:00", "state", "a3", state="sql"),
                  E("B", "2026-11-02 10:00", "update", "b1")]
        r = run(self.BODY, events, "2026-11-20 00:00")
        assert periods(r, "mqls") == [("2026-11", "met", 1)]

    def test_iso_weeks(self):
        body = '''
quota weekly {
  owner sales
  count contact_attempt
  at least 2 per week
}
'''
        events = [E("A", "2026-12-31 12:00", "contact_attempt", "a1"),
                  E("A", "2027-01-01 12:00", "contact_attempt", "a2"),
                  E("B", "2027-01-04 12:00", "contact_attempt", "b1")]
        r = run(body, events, "2027-01-05 00:00")
        assert periods(r, "weekly") == [("2026-W53", "met", 2), ("2027-W01", "pending", 1)]

    def test_quarters_and_days(self):
        body = '''
quota qq {
  owner sales
  count contact_attempt
  at least 1 per quarter
}

quota dd {
  owner sales
  count contact_attempt
  at least 1 per day
}
'''
        events = [E("A", "2026-09-29 12:00", "contact_attempt", "a1"),
                  E("A", "2026-10-01 12:00", "contact_attempt", "a2")]
        r = run(body, events, "2026-10-01 18:00")
        assert periods(r, "qq") == [("2026-Q3", "met", 1), ("2026-Q4", "met", 1)]
        assert periods(r, "dd") == [("2026-09-29", "met", 1), ("2026-09-30", "breached", 0),
                                    ("2026-10-01", "met", 1)]


class TestQuotaDst:
    BODY = '''
quota two {
  owner sales
  count contact_attempt
  at least 2 per day
}

quota three {
  owner sales
  count contact_attempt
  at least 3 per day
}
'''

    def test_fall_back_day_is_25_hours(self):
        # 1 Nov 2026 in New York runs from 04:00Z to 05:00Z on 2 Nov.
        events = [E("A", "2026-11-01T04:30:00Z", "contact_attempt", "a1"),    # 00:30 EDT
                  E("A", "2026-11-02T04:30:00Z", "contact_attempt", "a2")]    # 23:30 EST, same date
        r = run(self.BODY, events, "2026-11-02T04:45:00Z", tz="America/New_York")
        assert periods(r, "two") == [("2026-11-01", "met", 2)]
        assert periods(r, "three") == [("2026-11-01", "pending", 2)]        # the day has not ended

    def test_spring_forward_day_is_23_hours(self):
        # 8 Mar 2026 in New York runs from 05:00Z to 04:00Z on 9 Mar.
        events = [E("A", "2026-03-08T05:30:00Z", "contact_attempt", "a1"),    # 00:30 EST
                  E("A", "2026-03-09T03:30:00Z", "contact_attempt", "a2")]    # 23:30 EDT
        r = run(self.BODY, events, "2026-03-09T04:30:00Z", tz="America/New_York")
        assert periods(r, "two") == [("2026-03-08", "met", 2), ("2026-03-09", "pending", 0)]
        assert periods(r, "three") == [("2026-03-08", "breached", 2), ("2026-03-09", "pending", 0)]

    def test_dst_change_at_midnight(self):
        # Santiago: 6 Sep 2026 starts at 04:00Z (00:00 -04:00 becomes 01:00 -03:00) and ends at
        # 03:00Z on 7 Sep.
        events = [E("A", "2026-09-06T03:59:00Z", "contact_attempt", "a1"),    # 5 Sep 23:59
                  E("A", "2026-09-06T04:00:00Z", "contact_attempt", "a2"),    # 6 Sep 01:00
                  E("A", "2026-09-07T02:59:00Z", "contact_attempt", "a3")]    # 6 Sep 23:59
        r = run(self.BODY, events, "2026-09-07T03:00:00Z", tz="America/Santiago")
        assert periods(r, "two") == [("2026-09-05", "breached", 1), ("2026-09-06", "met", 2),
                                     ("2026-09-07", "pending", 0)]

    def test_dst_end_at_midnight(self):
        # Santiago: 4 Apr 2026 runs from 03:00Z to 04:00Z on 5 Apr (25 hours).
        events = [E("A", "2026-04-05T03:30:00Z", "contact_attempt", "a1"),    # 4 Apr 23:30 -04:00
                  E("A", "2026-04-05T04:30:00Z", "contact_attempt", "a2")]    # 5 Apr 00:30 -04:00
        r = run(self.BODY, events, "2026-04-05T05:00:00Z", tz="America/Santiago")
        assert periods(r, "two") == [("2026-04-04", "breached", 1), ("2026-04-05", "pending", 1)]


# =========================================================================== targets

TARGET_BODY = '''
deadline ft {
  owner sales
  start on assigned
  stop on contact_attempt
  cancel on enter disqualified
  within 1h
}

target daily {
  owner sales
  rule ft
  at least 75% met per day
}

target weekly {
  owner sales
  rule ft
  at least 95% met per week
}
'''


def target_events() -> list[dict]:
    return [
        E("A", "2026-11-02 10:00", "assigned", "a1", owner="r"), E("A", "2026-11-02 10:30", "contact_attempt", "a2"),
        E("B", "2026-11-02 11:00", "assigned", "b1", owner="r"), E("B", "2026-11-02 11:10", "contact_attempt", "b2"),
        E("C", "2026-11-02 12:00", "assigned", "c1", owner="r"), E("C", "2026-11-02 12:59", "contact_attempt", "c2"),
        # starts on the 2nd, breached on the 3rd: belongs to the 2nd
        E("D", "2026-11-02 23:30", "assigned", "d1", owner="r"), E("D", "2026-11-03 01:00", "contact_attempt", "d2"),
        # cancelled: neither met nor breached
        E("E", "2026-11-02 14:00", "assigned", "e1", owner="r"), E("E", "2026-11-02 14:10", "state", "e2",
                                                                   state="disqualified"),
        E("F", "2026-11-03 10:00", "assigned", "f1", owner="r"), E("F", "2026-11-03 12:00", "contact_attempt", "f2"),
        E("G", "2026-11-03 10:00", "assigned", "g1", owner="r"), E("G", "2026-11-03 10:05", "contact_attempt", "g2"),
        # nothing on the 4th
        E("H", "2026-11-05 23:30", "assigned", "h1", owner="r"),                 # open at as_of
        E("I", "2026-11-05 10:00", "assigned", "i1", owner="r"), E("I", "2026-11-05 10:10", "contact_attempt", "i2"),
    ]


class TestTargets:
    def test_daily_shares(self):
        r = run(TARGET_BODY, target_events(), "2026-11-06 00:10")
        assert periods(r, "daily") == [
            ("2026-11-02", "met", 0.75),        # 3 of 4 judged (E cancelled), goal 0.75
            ("2026-11-03", "breached", 0.5),
            ("2026-11-04", "met", None),        # nothing to judge, ended
            ("2026-11-05", "pending", 1.0),     # H still undecided
            ("2026-11-06", "pending", None),    # in progress
        ]
        d = agg(r, "daily", "2026-11-02")
        assert d["threshold"] == 0.75 and d["clause"] == "ratio" and d["owner"] == "sales"
        assert d["segment"] is None and d["cycle"] is None and d["lead"] is None

    def test_threshold_in_units_of_value(self):
        r = run(TARGET_BODY, target_events(), "2026-11-06 00:10")
        [w] = [v.to_dict() for v in r.verdicts if v.rule == "weekly"]
        assert w["period"] == "2026-W45" and w["status"] == "pending"
        assert w["threshold"] == pytest.approx(0.95)
        assert w["value"] == pytest.approx(5 / 7)                 # A B C G I met; D F breached

    def test_ended_period_decides(self):
        r = run(TARGET_BODY, target_events(), "2026-11-09 12:00")   # H is breached by now
        daily = dict((p, (s, v)) for p, s, v in periods(r, "daily"))
        assert daily["2026-11-05"] == ("breached", 0.5)
        [w] = [v for v in r.verdicts if v.rule == "weekly" and v.period == "2026-W45"]
        assert w.status == "breached" and w.value == pytest.approx(5 / 8)
        assert [v.period for v in r.verdicts if v.rule == "weekly"] == ["2026-W45", "2026-W46"]

    def test_only_cancelled_cycles_give_null_value(self):
        events = [E("E", "2026-11-02 14:00", "assigned", "e1", owner="r"),
                  E("E", "2026-11-02 14:10", "state", "e2", state="disqualified")]
        r = run(TARGET_BODY, events, "2026-11-02 20:00")
        assert periods(r, "daily") == [("2026-11-02", "pending", None)]
        r = run(TARGET_BODY, events, "2026-11-03 01:00")
        assert periods(r, "daily") == [("2026-11-02", "met", None), ("2026-11-03", "pending", None)]

    def test_at_risk_and_paused_cycles_are_undecided(self):
        body = '''
deadline ft {
  owner sales
  start on assigned
  stop on contact_attempt
  within 2h
  warn at 10%
}

target daily {
  owner sales
  rule ft
  at least 50% met per day
}
'''
        events = [E("A", "2026-11-02 23:00", "assigned", "a1", owner="r"),
                  E("B", "2026-11-02 10:00", "assigned", "b1", owner="r"),
                  E("B", "2026-11-02 10:10", "contact_attempt", "b2")]
        r = run(body, events, "2026-11-03 00:30")                   # A is at_risk, due 01:00
        assert periods(r, "daily") == [("2026-11-02", "pending", 1.0), ("2026-11-03", "pending", None)]

    def test_no_cycles_no_target_verdicts(self):
        r = run(TARGET_BODY, [E("A", "2026-11-02 10:00", "update", "a1")], "2026-11-03 00:00")
        assert periods(r, "daily") == []


class TestTargetSegmentsAndClauses:
    BODY = '''
attempts fu {
  owner sales
  start on assigned
  stop on enter sql
  at least 2 within 1d
  gap at least 1h
}

target hot_reach {
  owner sales
  rule fu clause at_least_within for hot
  at least 60% met per week
}

target spacing {
  owner sales
  rule fu clause gap
  at least 100% met per week
}
'''

    def events(self):
        return [
            # A: hot at the start; 2 attempts in time (met); 1.5 h apart (gap met)
            E("A", "2026-11-02 10:00", "assigned", "a1", owner="r", fields={"score": 90}),
            E("A", "2026-11-02 10:30", "contact_attempt", "a2"),
            E("A", "2026-11-02 12:00", "contact_attempt", "a3"),
            E("A", "2026-11-02 13:00", "state", "a4", state="sql"),
            # B: hot only after the start (not counted by hot_reach); no attempt, stopped late
            E("B", "2026-11-02 10:00", "assigned", "b1", owner="r"),
            E("B", "2026-11-02 10:05", "update", "b2", fields={"score": 95}),
            E("B", "2026-11-04 10:00", "state", "b3", state="sql"),
            # C: hot; one attempt, stopped after the deadline (breached); gap met
            E("C", "2026-11-03 10:00", "assigned", "c1", owner="r", fields={"score": 90}),
            E("C", "2026-11-03 10:10", "contact_attempt", "c2"),
            E("C", "2026-11-05 10:00", "state", "c3", state="sql"),
            # D: hot; 2 attempts 10 minutes apart (met; gap breached)
            E("D", "2026-11-04 09:00", "assigned", "d1", owner="r", fields={"score": 85}),
            E("D", "2026-11-04 09:10", "contact_attempt", "d2"),
            E("D", "2026-11-04 09:20", "contact_attempt", "d3"),
            E("D", "2026-11-04 10:00", "state", "d4", state="sql"),
        ]

    def test_segment_is_judged_at_the_start_and_clause_is_named(self):
        r = run(self.BODY, self.events(), "2026-11-10 12:00")
        hot = [(p, s, v) for p, s, v in periods(r, "hot_reach")]
        assert hot[0][0] == "2026-W45" and hot[0][1] == "met" and hot[0][2] == pytest.approx(2 / 3)
        assert hot[1] == ("2026-W46", "pending", None)
        assert agg(r, "hot_reach", "2026-W45")["segment"] == "hot"
        assert periods(r, "spacing") == [("2026-W45", "breached", 0.75), ("2026-W46", "pending", None)]
        d = agg(r, "spacing", "2026-W45")
        assert d["threshold"] == 1.0 and d["segment"] is None


class TestTargetPeriodsInTheAgreementZone:
    def test_cycle_belongs_to_the_local_day_of_its_start(self):
        body = '''
deadline ft {
  owner sales
  start on assigned
  stop on contact_attempt
  within 1h
}

target daily {
  owner sales
  rule ft
  at least 50% met per day
}
'''
        # 01:00Z on the 10th is 22:00 on the 9th in São Paulo.
        events = [E("A", "2026-11-10T01:00:00Z", "assigned", "a1", owner="r"),
                  E("A", "2026-11-10T01:10:00Z", "contact_attempt", "a2")]
        r = run(body, events, "2026-11-10T12:00:00-03:00", tz="America/Sao_Paulo")
        assert periods(r, "daily") == [("2026-11-09", "met", 1.0), ("2026-11-10", "pending", None)]


SEGMENT_TARGET = '''
deadline ft {
  owner sales
  start on assigned
  stop on contact_attempt
  within 1h
}

target hot_daily {
  owner sales
  rule ft for hot
  at least 50% met per day
}
'''


def test_segment_target_periods_start_at_the_rules_earliest_cycle():
    """§8: every period from the one holding the *rule's* earliest cycle start, even with `for`."""
    events = [E("A", "2026-11-02 10:00", "assigned", "a1", owner="r"),                        # not hot
              E("B", "2026-11-04 10:00", "assigned", "b1", owner="r", fields={"score": 90}),  # hot
              E("B", "2026-11-04 10:20", "contact_attempt", "b2")]
    r = run(SEGMENT_TARGET, events, "2026-11-05 12:00")
    assert periods(r, "hot_daily") == [("2026-11-02", "met", None), ("2026-11-03", "met", None),
                                       ("2026-11-04", "met", 1.0), ("2026-11-05", "pending", None)]


def test_segment_target_without_segment_cycles_still_reports_periods():
    """§8: periods with nothing to judge have value null and are met once ended."""
    events = [E("A", "2026-11-02 10:00", "assigned", "a1", owner="r")]                        # not hot
    r = run(SEGMENT_TARGET, events, "2026-11-03 12:00")
    assert periods(r, "hot_daily") == [("2026-11-02", "met", None), ("2026-11-03", "pending", None)]


def test_aggregate_bounds_are_in_the_agreement_offset_and_null_in_the_output():
    """A period's bounds are kept on the Verdict (for reports), in the agreement's offset;
    the output has no start or deadline for an aggregate (§11: null where it does not apply)."""
    r = run(ATTEMPT_QUOTAS, [E("A", "2026-11-03T10:00:00Z", "contact_attempt", "a1")],
            "2026-11-20T00:00:00Z", tz="America/Sao_Paulo")
    aggregates = [v for v in r.verdicts if v.period is not None]
    assert aggregates
    for v in aggregates:
        d = v.to_dict()
        assert d["started_at"] is None and d["due_at"] is None and d["period"] == v.period
        for key in ("started_at", "due_at"):
            assert v.instant(key).utcoffset().total_seconds() == -3 * 3600


def test_a_target_on_the_flow_rule_measures_its_transition_clause():
    """`rule flow` names no clause: the built-in rule has one, `transition` (there is no
    `within` to measure), so it is the default."""
    body = '''
flow {
  mql -> sql, disqualified
}

target clean {
  owner sales
  rule flow
  at least 50% met per month
}
'''
    events = [E("A", "2026-11-02 10:00", "state", "a1", state="mql"),
              E("A", "2026-11-03 10:00", "state", "a2", state="disqualified"),      # allowed, final: met
              E("B", "2026-11-02 10:00", "state", "b1", state="sql"),
              E("B", "2026-11-04 10:00", "state", "b2", state="mql"),               # not allowed: breached
              E("C", "2026-12-01 10:00", "state", "c1", state="mql")]               # open: pending
    r = run(body, events, "2026-12-02 00:00")
    assert periods(r, "clean") == [("2026-11", "met", 0.5), ("2026-12", "pending", None)]
    assert agg(r, "clean", "2026-11")["clause"] == "ratio"
    assert [d for d in slacode.lint(HEAD.replace("@TZ@", "UTC") + body) if d.severity == "error"] == []


QUOTA_FOR = '''agreement "q" { version "1"; timezone "UTC"; teams marketing }
segment icp = employees >= 200
quota icp_mqls {
  owner marketing
  count enter mql or form where source == "web" for icp
  at least 2 per month
}
'''


def test_a_quota_for_a_segment_counts_the_events_of_leads_in_it_at_that_moment():
    """Extension `count TRIGGER for SEGMENT`: the segment is judged at the counted event,
    with the fields that event sets already in place (as for triggers, §6); a lead that
    joins the segment later is not counted back."""
    agreement = slacode.loads(QUOTA_FOR)
    events = [
        {"lead": "A", "at": "2026-11-02T10:00:00Z", "type": "state", "state": "mql", "fields": {"employees": 500}},
        {"lead": "B", "at": "2026-11-03T10:00:00Z", "type": "state", "state": "mql", "fields": {"employees": 20}},
        {"lead": "C", "at": "2026-11-04T10:00:00Z", "type": "update", "fields": {"employees": 300}},
        {"lead": "C", "at": "2026-11-05T10:00:00Z", "type": "form", "source": "web"},
        {"lead": "C", "at": "2026-11-05T11:00:00Z", "type": "form", "source": "ad"},
        {"lead": "D", "at": "2026-11-06T10:00:00Z", "type": "state", "state": "mql", "fields": {"employees": 10}},
        {"lead": "D", "at": "2026-11-07T10:00:00Z", "type": "update", "fields": {"employees": 1000}},
        {"lead": "E", "at": "2026-11-08T10:00:00Z", "type": "state", "state": "mql"},        # no field: not in
    ]
    result = agreement.evaluate(events, as_of="2026-12-01T00:00:00Z")
    (november,) = [v for v in result.verdicts if v.period == "2026-11"]
    assert (november.value, november.status, november.segment) == (2, "met", "icp")
    assert "(leads in `icp`)" in november.reason
    from slacode import parallel

    patch, split = pytest.MonkeyPatch(), []
    patch.setattr(parallel, "MIN_PARALLEL_RECORDS", 0)      # split even these few events
    real = parallel.run_records_parallel
    patch.setattr(parallel, "run_records_parallel", lambda *a, **k: split.append(1) or real(*a, **k))
    try:
        many = agreement.evaluate_many(events, as_of="2026-12-01T00:00:00Z", jobs=2)
    finally:
        patch.undo()
    assert split and many.to_dict() == result.to_dict()


def test_a_quota_for_a_segment_is_linted_formatted_and_diffed():
    from slacode.diff import semantic_diff

    assert slacode.lint(QUOTA_FOR) == []                    # `icp` is used: no SLA217
    undeclared = QUOTA_FOR.replace("for icp", "for icpp")
    # `icpp` is said once: its error suggests `icp`, which is then not also "not used"
    found = slacode.lint(undeclared)
    assert [(d.code, d.line) for d in found] == [("SLA209", 5)] and "`icp`" in found[0].hint
    assert slacode.format(QUOTA_FOR).count('count enter mql or form where source == "web" for icp') == 1
    changes = semantic_diff(slacode.loads(QUOTA_FOR.replace(" for icp", "")), slacode.loads(QUOTA_FOR))
    (change,) = [c for c in changes if c.subject == "icp_mqls"]
    assert (change.message, change.direction) == ("now counts only the events of leads in `icp`", "tightened")
    changes = semantic_diff(slacode.loads(QUOTA_FOR), slacode.loads(QUOTA_FOR.replace(" for icp", "")))
    (change,) = [c for c in changes if c.subject == "icp_mqls"]
    assert (change.message, change.direction) == (
        "now counts the events of leads in any segment, not only `icp`", "loosened")
    summed = QUOTA_FOR.replace("count enter mql or form", "sum amount of form")
    other = summed.replace("for icp", "for big").replace("segment icp", "segment big = score > 90\nsegment icp")
    changes = semantic_diff(slacode.loads(summed), slacode.loads(other))
    assert [c.message for c in changes if c.subject == "icp_mqls"] == [
        "now adds up the events of leads in `big`, not `icp`"]


# ------------------------------------------------------------------ `by assignee` (extension)

PER_REP = """
agreement "per-rep" { version "1"; timezone "America/Sao_Paulo"; teams sales }
deadline first_touch { owner sales; start on assigned; stop on contact_attempt; restart on assigned; within 1h }
target ft_rep { owner sales; rule first_touch; by assignee; at least 50% met per week }
quota dials { owner sales; count contact_attempt; by assignee; at least 2 per day }
quota handoffs { owner sales; count assigned; by assignee; at most 1 per week }
"""


def _ev(lead, at, type_, eid, **props):
    return {"lead": lead, "at": f"2026-11-02T{at}:00-03:00", "type": type_, "id": eid, **props}


PER_REP_EVENTS = [
    _ev("L1", "09:00", "assigned", "l1a", owner="ana"), _ev("L1", "09:30", "contact_attempt", "l1b"),
    _ev("L1", "11:00", "contact_attempt", "l1c"),
    _ev("L2", "09:00", "assigned", "l2a", owner="bruno"), _ev("L2", "10:30", "contact_attempt", "l2b"),
    _ev("L3", "10:00", "assigned", "l3a", owner="ana"), _ev("L3", "10:20", "assigned", "l3b", owner="bruno"),
    _ev("L3", "10:40", "contact_attempt", "l3c"),
    _ev("L4", "12:00", "contact_attempt", "l4a"),
]


def test_by_assignee_goals_are_judged_per_rep_as_worked_out_by_hand():
    """Worked by hand (as of Mon 2026-11-09 12:00 -03:00, weeks 2026-W45 and W46):
    first_touch: L1 met (ana), L2 breached (bruno), L3 cycle 1 cancelled by the reassignment
    (ana, the rep just before the close), L3 cycle 2 met (bruno). ft_rep W45: ana 1 of 1
    judged (the cancelled cycle is not judged), bruno 1 of 2 = 50%: both met. dials: on
    11-02 ana 2 (l1b, l1c), bruno 2 (l2b, and l3c: L3 was bruno's then), nobody 1 (l4a: L4
    was never assigned) — shown only on the days it has events; then 0 a day. handoffs:
    each rep got two leads in W45 (an `assigned` event counts for its own owner)."""
    agreement = slacode.loads(PER_REP)
    result = agreement.evaluate(PER_REP_EVENTS, as_of="2026-11-09T12:00:00-03:00")
    got = [(v.rule, v.period, v.assignee, v.status, v.value) for v in result.verdicts if v.lead is None]
    days = [f"2026-11-0{d}" for d in range(3, 9)]
    assert got == (
        [("ft_rep", "2026-W45", "ana", "met", 1.0), ("ft_rep", "2026-W45", "bruno", "met", 0.5),
         ("ft_rep", "2026-W46", "ana", "pending", None), ("ft_rep", "2026-W46", "bruno", "pending", None)]
        + [("dials", "2026-11-02", "ana", "met", 2), ("dials", "2026-11-02", "bruno", "met", 2),
           ("dials", "2026-11-02", None, "breached", 1)]
        + [("dials", d, rep, "breached", 0) for d in days for rep in ("ana", "bruno")]
        + [("dials", "2026-11-09", "ana", "pending", 0), ("dials", "2026-11-09", "bruno", "pending", 0)]
        + [("handoffs", "2026-W45", "ana", "breached", 2), ("handoffs", "2026-W45", "bruno", "breached", 2),
           ("handoffs", "2026-W46", "ana", "pending", 0), ("handoffs", "2026-W46", "bruno", "pending", 0)])
    nobody = next(v for v in result.verdicts if v.rule == "dials" and v.assignee is None)
    assert nobody.reason == "(unassigned): 1 of at least 2 in 2026-11-02."
    assert result.to_dict()["verdicts"][4]["assignee"] == "ana"       # the rep is the verdict's `assignee`


def test_by_assignee_is_linted_formatted_tested_and_diffed():
    from slacode.diff import semantic_diff

    text = PER_REP + """
test "reps" {
  as of 2026-11-03T12:00:00-03:00
  lead "L1"
  at 2026-11-02T09:00:00-03:00 assigned with owner = "ana"
  at 2026-11-02T09:30:00-03:00 contact_attempt
  expect dials period "2026-11-02" assignee "ana" breached
  expect dials period "2026-11-02" breached
}
"""
    assert not [d for d in slacode.lint(text) if d.severity != "info"]
    assert "  by assignee\n" in slacode.format(text)
    assert 'expect dials period "2026-11-02" assignee "ana" breached' in slacode.format(text)
    twice = slacode.lint(text.replace("by assignee;", "by assignee; by assignee;", 1))
    assert [d.code for d in twice if d.severity == "error"] == ["SLA205"]
    from slacode.testing import run_tests

    (result,) = run_tests(slacode.loads(text))
    assert [o.passed for o in result.outcomes] == [True, True]
    text2 = text.replace("at 2026-11-02T09:30:00-03:00 contact_attempt\n",
                         "at 2026-11-02T09:30:00-03:00 contact_attempt\n  lead \"L2\"\n"
                         "  at 2026-11-02T09:00:00-03:00 assigned with owner = \"bruno\"\n"
                         "  at 2026-11-02T09:10:00-03:00 contact_attempt\n")
    (result,) = run_tests(slacode.loads(text2))
    assert not result.outcomes[1].passed and 'name one with `assignee "NAME"`' in result.outcomes[1].actual
    changes = [c.message for c in semantic_diff(slacode.loads(PER_REP), slacode.loads(
        PER_REP.replace("count contact_attempt; by assignee;", "count contact_attempt;")))]
    assert changes == ["no longer one goal per rep: one for the whole team"]


def test_by_assignee_goals_are_the_same_in_several_processes():
    import random

    from slacode.parallel import MIN_PARALLEL_RECORDS, can_fork

    if not can_fork():
        pytest.skip("no fork")
    agreement = slacode.loads(PER_REP)
    rng = random.Random(7)
    events, n = [], 0
    while len(events) <= MIN_PARALLEL_RECORDS:
        lead, day, minute = f"L{n:05d}", 2 + n % 5, rng.randrange(540, 1000)
        rep = rng.choice(["ana", "bruno", "caio", None])
        if rep is not None:
            events.append({"lead": lead, "at": f"2026-11-{day:02d}T{minute // 60:02d}:{minute % 60:02d}:00-03:00",
                           "type": "assigned", "owner": rep})
        for k in range(rng.randrange(1, 8)):
            minute += rng.randrange(5, 120)
            if minute < 1440:
                events.append({"lead": lead, "at": f"2026-11-{day:02d}T{minute // 60:02d}:{minute % 60:02d}:00-03:00",
                               "type": "contact_attempt"})
        n += 1
    one = agreement.evaluate_many(events, as_of="2026-11-09T12:00:00-03:00", jobs=1).to_dict()
    two = agreement.evaluate_many(events, as_of="2026-11-09T12:00:00-03:00", jobs=2).to_dict()
    assert one == two
    reps = {v["assignee"] for v in one["verdicts"] if v["lead"] is None and v["rule"] == "dials"}
    assert reps == {"ana", "bruno", "caio", None}


def test_a_per_rep_target_for_a_segment_starts_a_reps_periods_at_their_first_cycle_in_it():
    """Review 10-g: a rep whose leads are all outside the target's segment has no verdict."""
    text = PER_REP.replace("segment_placeholder", "") + """
segment hot = score >= 80
target hot_rep { owner sales; rule first_touch for hot; by assignee; at least 50% met per day }
"""
    events = [_ev("L1", "09:00", "assigned", "h1", owner="ana", fields={"score": 90}),
              _ev("L1", "09:30", "contact_attempt", "h2"),
              _ev("L2", "09:00", "assigned", "c1", owner="carla", fields={"score": 10}),
              _ev("L2", "09:30", "contact_attempt", "c2")]
    result = slacode.loads(text).evaluate(events, as_of="2026-11-03T12:00:00-03:00")
    got = [(v.period, v.assignee, v.status) for v in result.verdicts if v.rule == "hot_rep"]
    assert got == [("2026-11-02", "ana", "met"), ("2026-11-03", "ana", "pending")]
    expect_text = text + """
test "unknown rep" {
  as of 2026-11-03T12:00:00-03:00
  lead "L1"
  at 2026-11-02T09:00:00-03:00 assigned with owner = "ana" set score = 90
  at 2026-11-02T09:30:00-03:00 contact_attempt
  expect hot_rep period "2026-11-02" assignee "carla" met
}
"""
    from slacode.testing import run_tests

    (result,) = run_tests(slacode.loads(expect_text))
    assert result.outcomes[0].actual == 'no verdict of rep "carla" in 2026-11-02 (its reps then: ana)'


def test_count_periods_matches_the_periods_listed():
    from datetime import date

    from slacode.aggregate import count_periods, period_of_date, periods
    from slacode.evaluate import as_of_us
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("America/Sao_Paulo")
    first, last = as_of_us("2019-12-30T12:00:00-03:00"), as_of_us("2026-11-24T12:00:00-03:00")
    for period in ("day", "week", "month", "quarter"):
        spans = periods(first, last, period, zone)
        start, end = period_of_date(date(2019, 12, 30), period)[1], period_of_date(date(2026, 11, 24), period)[1]
        assert count_periods(start, end, period) == len(spans), period


def test_an_event_decades_before_as_of_is_said_and_an_absurd_span_is_refused():
    """review 14-a: a placeholder date made the goals report tens of thousands of periods
    with no word, and an as_of in 9989 ran out of memory."""
    from datetime import date

    agreement = slacode.loads('agreement "x" { timezone "UTC"; teams sales }\n'
                              "quota calls { owner sales; count call; at least 1 per day }\n")
    events = [{"lead": "A", "at": "2026-11-23T10:00:00Z", "type": "call"},
              {"lead": "B", "at": "1900-01-01T00:00:00Z", "type": "call"}]
    result = agreement.evaluate(events, as_of="2026-11-24T12:00:00Z")
    days = (date(2026, 11, 24) - date(1900, 1, 1)).days + 1     # §8: every day since, as the contract says
    assert len(result.verdicts) == days == 46_349
    (warning,) = [d for d in result.diagnostics if d.code == "SLA610"]
    assert warning.lead == "B" and warning.line == 2
    assert warning.message == ("lead 'B' has an event on 1900-01-01, 126 years before as_of: targets and quotas "
                               "report every period since (46,349 of quota `calls`)")
    recent = agreement.evaluate(events[:1], as_of="2026-11-24T12:00:00Z")
    assert not recent.diagnostics


def test_a_goal_past_the_periods_reported_is_left_out_with_a_diagnostic_and_the_run_goes_on(tmp_path):
    """fuzz 23: a goal of more than 100,000 periods (an as_of in 2999) stopped the whole run with
    a CalendarError; it is SLA611 now, at the earliest event, and the other goals and the leads'
    verdicts are reported (the monthly quota's 97,069 periods are below the limit: SLA610)."""
    agreement = slacode.loads('agreement "x" { timezone "UTC"; teams sales }\n'
                              "deadline touch { owner sales; start on assigned; stop on call; within 1h }\n"
                              "quota calls { owner sales; count call; at least 1 per day }\n"
                              "quota monthly { owner sales; count call; at least 1 per month }\n")
    events = [{"lead": "A", "at": "2026-11-23T10:00:00Z", "type": "assigned"},
              {"lead": "A", "at": "2026-11-23T10:30:00Z", "type": "call"},
              {"lead": "B", "at": "1900-01-01T00:00:00Z", "type": "call"}]
    from datetime import date

    path = tmp_path / "e.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in events))
    for jobs in (1, 2):
        result = (agreement.evaluate(events, as_of="9989-01-01T00:00:00Z") if jobs == 1 else
                  agreement.evaluate_many([str(path)], as_of="9989-01-01T00:00:00Z", jobs=2))
        assert [(v.lead, v.rule, v.status) for v in result.verdicts if v.lead] == [("A", "touch", "met")]
        assert {v.rule for v in result.verdicts if v.lead is None} == {"monthly"}
        assert sum(v.rule == "monthly" for v in result.verdicts) == (9989 - 1900) * 12 + 1
        (error,) = [d for d in result.diagnostics if d.code == "SLA611"]
        assert (error.severity, error.lead, error.line) == ("error", "B", 3)
        days = (date(9989, 1, 1) - date(1900, 1, 1)).days + 1
        assert error.message == (f"quota `calls` would report {days:,} periods, from its first event (lead 'B') on "
                                 "1900-01-01 to as_of 9989-01-01, more than the 100,000 slacode reports: it gives no "
                                 "verdicts")
        assert "fix --as-of" in error.hint
        (warning,) = [d for d in result.diagnostics if d.code == "SLA610"]
        assert warning.message.endswith("(97,069 of quota `monthly`)")


# -- counts in reasons are written as amounts are: with thousands separators (review M5) --

def test_count_quota_and_target_reasons_write_counts_with_thousands_separators():
    body = '''
deadline touch { owner sales; start on assigned; stop on contact_attempt; within 1h }
target touch_rate { owner sales; rule touch; at least 90% met per month }
quota calls { owner sales; count contact_attempt; at least 2_000 per month }
quota capped { owner sales; count contact_attempt; at most 1_000 per month }
'''
    events = []
    for k in range(1_500):
        minute = f"{k // 60 % 24:02d}:{k % 60:02d}"
        events.append(E(f"L{k}", f"2026-11-02 {minute}", "assigned", f"a{k}"))
        events.append(E(f"L{k}", f"2026-11-02 {minute}", "contact_attempt", f"c{k}"))
    got = {v.rule: v for v in run(body, events, "2026-12-01T00:00:00Z").verdicts if v.period == "2026-11"}
    assert got["calls"].reason == "1,500 of at least 2,000 in 2026-11."
    assert got["capped"].reason == "1,500, at most 1,000 allowed in 2026-11."
    assert got["touch_rate"].reason == "2026-11: 1,500 of 1,500 judged cycles met (100.0%; goal 90%)."


def test_attempts_reasons_write_counts_with_thousands_separators():
    body = '''
attempts dial { owner sales; start on assigned; count call; at least 1_200 within 1d; at most 1_000 per cycle }
'''
    events = [E("L", "2026-11-02 00:00", "assigned", "a")]
    events += [E("L", f"2026-11-02 {k // 60:02d}:{k % 60:02d}", "call", f"c{k}") for k in range(1_100)]
    got = {v.clause: v for v in run(body, events, "2026-11-02T23:59:00Z").verdicts}
    assert got["at_least_within"].reason == "1,100 of 1,200 attempts so far; due 2026-11-03 00:00 +00:00."
    assert got["at_most_per_cycle"].reason.startswith("More than 1,000 attempts in the cycle: c1000, ")


def test_check_with_an_as_of_centuries_ahead_reports_the_rest_and_says_which_goal_it_left_out(tmp_path):
    """fuzz 23: `check --as-of 2999-01-01` with a goal per day exited 2 with one line; now the
    verdicts are printed, the goal is SLA611 in the diagnostics, and the exit status is 0 (1 with
    --fail-on input: it is an error the input caused)."""
    import subprocess
    import sys

    spec = tmp_path / "a.sla"
    spec.write_text('agreement "x" { timezone "UTC"; teams sales }\n'
                    "deadline touch { owner sales; start on assigned; stop on call; within 1h }\n"
                    "quota calls { owner sales; count call; at least 1 per day }\n")
    events = tmp_path / "e.jsonl"
    events.write_text('{"lead": "A", "at": "2026-11-23T10:00:00Z", "type": "assigned"}\n')
    base = [sys.executable, "-m", "slacode", "check", str(spec), str(events), "--as-of", "2999-01-01T00:00:00Z"]
    done = subprocess.run(base + ["--format", "json"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert [(v["lead"], v["status"]) for v in doc["verdicts"]] == [("A", "breached")]
    assert [d["code"] for d in doc["diagnostics"]] == ["SLA611"]
    assert subprocess.run(base + ["--fail-on", "input"], capture_output=True, text=True).returncode == 1
