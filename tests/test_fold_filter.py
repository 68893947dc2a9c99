"""The fold skips rules an event cannot touch (by event type, and for `start when` /
`pause while` / `stop when` / `cancel when` / `breach when` rules by whether the event
changed fields or state; `breach on` triggers count among a rule's types). Skipping must never
change a verdict: here every generated history is judged twice, once with the plan as
compiled and once with every rule's filter removed (each rule sees every event)."""
from __future__ import annotations

import dataclasses

from hypothesis import given, settings, strategies as st

import slacode
from slacode.evaluate import as_of_us, evaluate_records
from slacode.events import records_from_objects

SPEC = '''agreement "filter" {
  version "1"
  timezone "UTC"
  teams sales
}

calendar biz {
  timezone "UTC"
  hours mon-fri 09:00-17:00
}

states {
  mql
  sal
  on_hold
  sql
  nurture
  disqualified final
}

segment hot = score >= 80

deadline hot_call {
  owner sales
  start when score >= 80 and not phone exists
  stop on contact_attempt where channel == "phone"
  within 1h on biz
}

deadline disposition {
  owner sales
  start on enter sal
  stop on enter sql, nurture, disqualified
  pause while state == on_hold or paused == true
  restart on assigned
  within 4h on biz for hot
  within 1d on biz
}

attempts cadence {
  owner sales
  start on assigned
  stop on enter sql, disqualified
  pause while paused == true
  count contact_attempt
  at least 2 within 4h on biz
  at least 1 before enter on_hold
  at most 2 per day on biz
}

deadline enrich {
  owner sales
  start when not email exists
  stop on enriched
  within 2h on biz
}

handoff accept {
  owner sales
  start on enter mql or assigned
  stop when sal_status == "Accepted" or state == sql
  cancel when state == disqualified or paused == true
  restart on enriched
  pause while state == on_hold
  within 4h on biz for hot
  within 1d on biz
  retarget when segment changes
  require phone
}

attempts chase {
  owner sales
  start on assigned
  stop when score >= 95
  cancel when sal_status == "Rejected"
  count contact_attempt
  at least 2 within 4h on biz
  at least 1 before enter sql
}

deadline accepted {
  owner sales
  start on enter mql
  stop on enter sal
  breach on enter disqualified or rejected where reason != "duplicate"
  cancel on note
  within 1d on biz
}

handoff qualify {
  owner sales
  start when score >= 80
  stop on contact_attempt
  breach when sal_status == "Rejected" or state == nurture
  cancel when paused == true
  pause while state == on_hold
  within 4h on biz
  require phone
}

quota touches {
  owner sales
  count contact_attempt where channel == "email"
  at least 3 per week
}
'''

AGREEMENT = slacode.loads(SPEC)
UNFILTERED = dataclasses.replace(AGREEMENT.plan, rules=tuple(
    dataclasses.replace(r, types=None, start_types=None, watch_types=None) for r in AGREEMENT.plan.rules))

event = st.one_of(
    st.builds(lambda s: {"type": "state", "state": s}, st.sampled_from(["mql", "sal", "on_hold", "sql", "nurture",
                                                                                "disqualified"])),
    st.builds(lambda f: {"type": "update", "fields": f},
              st.fixed_dictionaries({}, optional={"score": st.sampled_from([10, 85, 95, None]),
                                                  "phone": st.sampled_from(["1", None]),
                                                  "paused": st.booleans(),
                                                  "email": st.sampled_from(["a@b.c", None]),
                                                  "sal_status": st.sampled_from(["Accepted", "Rejected",
                                                                                 "Working", None])})),
    st.just({"type": "update"}),
    st.builds(lambda c: {"type": "contact_attempt", "channel": c}, st.sampled_from(["phone", "email"])),
    st.just({"type": "assigned", "owner": "rep"}),
    st.just({"type": "note"}),
    st.just({"type": "enriched"}),
    st.builds(lambda r: {"type": "rejected", "reason": r}, st.sampled_from(["duplicate", "not icp"])),
)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(event, st.integers(0, 600)), max_size=25))
def test_skipping_rules_never_changes_a_verdict(steps):
    events, minute = [], 0
    for i, (body, gap) in enumerate(steps):
        minute += gap
        at = f"2026-11-02T{9 + minute // 60 % 24:02d}:{minute % 60:02d}:00Z" if minute < 15 * 60 else \
            f"2026-11-0{3 + minute // 1440 % 6}T{minute // 60 % 24:02d}:{minute % 60:02d}:00Z"
        events.append({"lead": "L", "at": at, "id": f"e{i}", **body})
    cutoff = as_of_us("2026-11-10T00:00:00Z")
    results = []
    for plan in (AGREEMENT.plan, UNFILTERED):
        records = records_from_objects(events, diagnostics=[], as_of_us=cutoff)
        results.append([v.to_dict() for v in evaluate_records(plan, records, cutoff, [], None).verdicts])
    assert results[0] == results[1]


# `breach on` / `breach when` (extension): the same property on the two rules that use them,
# with events drawn from what they read, so the generated histories reach their closes often
BREACH_SPEC = SPEC.split("deadline hot_call")[0] + "deadline accepted" + \
    SPEC.split("deadline accepted")[1].split("quota touches")[0]
BREACH = slacode.loads(BREACH_SPEC)
BREACH_UNFILTERED = dataclasses.replace(BREACH.plan, rules=tuple(
    dataclasses.replace(r, types=None, start_types=None, watch_types=None) for r in BREACH.plan.rules))

breach_event = st.one_of(
    st.builds(lambda s: {"type": "state", "state": s},
              st.sampled_from(["mql", "sal", "on_hold", "nurture", "disqualified"])),
    st.builds(lambda f: {"type": "update", "fields": f},
              st.fixed_dictionaries({}, optional={"score": st.sampled_from([10, 85]),
                                                  "paused": st.booleans(),
                                                  "sal_status": st.sampled_from(["Rejected", "Working"])})),
    st.builds(lambda r: {"type": "rejected", "reason": r}, st.sampled_from(["duplicate", "not icp"])),
    st.sampled_from([{"type": "update"}, {"type": "note"}, {"type": "contact_attempt"}, {"type": "enriched"}]),
)


def _judged_both_ways(plans, steps) -> list:
    events = [{"lead": "L", "at": f"2026-11-02T{9 + i // 6:02d}:{i % 6 * 10:02d}:00Z", "id": f"e{i}", **body}
              for i, body in enumerate(steps)]
    cutoff = as_of_us("2026-11-02T23:00:00Z")
    out = []
    for plan in plans:
        records = records_from_objects(events, diagnostics=[], as_of_us=cutoff)
        out.append([v.to_dict() for v in evaluate_records(plan, records, cutoff, [], None).verdicts])
    return out


@settings(max_examples=150, deadline=None)
@given(st.lists(breach_event, max_size=30))
def test_skipping_never_changes_a_breach_on_or_breach_when(steps):
    filtered, unfiltered = _judged_both_ways((BREACH.plan, BREACH_UNFILTERED), steps)
    assert filtered == unfiltered


def test_the_breach_rules_are_filtered_and_a_missed_trigger_would_show():
    """The rules above do skip events (so the property tests something), and a plan that
    forgot `breach on`'s types would skip the breaching event."""
    accepted = next(r for r in BREACH.plan.rules if r.name == "accepted")
    assert accepted.types == frozenset({"state", "note", "rejected"})
    qualify = next(r for r in BREACH.plan.rules if r.name == "qualify")
    assert qualify.types is None and qualify.watch_types == frozenset({"contact_attempt"})
    blind = dataclasses.replace(BREACH.plan, rules=tuple(
        dataclasses.replace(r, types=r.types - {"rejected"}) if r.name == "accepted" else r
        for r in BREACH.plan.rules))
    steps = [{"type": "state", "state": "mql"}, {"type": "rejected", "reason": "not icp"}]
    right, wrong = _judged_both_ways((BREACH.plan, blind), steps)
    assert [v["status"] for v in right if v["rule"] == "accepted"] == ["breached"]
    assert right != wrong and "breach on rejected" in right[0]["reason"]
