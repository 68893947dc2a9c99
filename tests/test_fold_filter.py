"""The fold skips rules an event cannot touch (by event type, and for `start when` /
`pause while` / `stop when` / `cancel when` rules by whether the event changed fields or
state). Skipping must never
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
    st.builds(lambda s: {"type": "state", "state": s}, st.sampled_from(["mql", "sal", "on_hold", "sql", "nurture"])),
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
