"""The evaluation's fast paths give what the plain paths give.

Each test runs a shortcut and the simple code it replaces on the same inputs (hypothesis
picks them) and requires the same answer: dict events read without the generic mapping
path, periods kept per UTC hour, texts and local times kept, the integer test of
`only between`, a calendar's batch test of attempts, and the plan's per-type rule table.
"""
from __future__ import annotations

import dataclasses
from datetime import date, datetime, timezone
from types import MappingProxyType
from zoneinfo import ZoneInfo

from hypothesis import given, settings, strategies as st

import slacode
from slacode import aggregate, instants
from slacode.calendar import Calendar
from slacode.evaluate import Cycle, LeadFold, as_of_us, evaluate_records, plan_info, target_segments
from slacode.judges import _never
from slacode.texts import gap_text as _gap_text, span_text as _span_text
from slacode.events import records_from_objects

# Zones with half-hour offsets, transitions at midnight and far from UTC.
ZONES = [ZoneInfo(z) for z in ("UTC", "America/Sao_Paulo", "Asia/Kolkata", "Australia/Lord_Howe",
                               "America/St_Johns", "America/Santiago", "Asia/Beirut", "America/Havana",
                               "Pacific/Kiritimati", "Europe/Lisbon")]
INSTANTS = st.integers(1_700_000_000_000_000, 1_900_000_000_000_000)

# --------------------------------------------------------------------------- events

_value = st.one_of(st.none(), st.integers(-3, 3), st.text(max_size=3), st.booleans(),
                   st.just({"score": 9}), st.just([1]))
_at = st.one_of(st.sampled_from(["2026-11-09T13:05:09-03:00", "2026-11-09T13:05:09Z",
                                 "2026-11-09T13:05:09.250+05:30", "2026-11-09 13:05:09",
                                 "2026-13-09T13:05:09Z", "", "2026-11-09T13:05:60Z"]),
                _value, st.just(datetime(2026, 11, 9, tzinfo=timezone.utc)))
_event = st.fixed_dictionaries(
    {}, optional={"lead": st.one_of(st.sampled_from(["L1", "L2", ""]), _value), "at": _at,
                  "type": st.one_of(st.sampled_from(["state", "assigned", "note"]), _value),
                  "state": st.one_of(st.sampled_from(["mql", "sql"]), _value),
                  "id": st.one_of(st.sampled_from(["a", "b", "c"]), _value),
                  "fields": st.one_of(st.just({"score": 5}), _value),
                  "channel": _value, "owner": _value})


class _Mapping(dict):
    """A dict subclass: read by the generic mapping path, not the dict fast path."""


@settings(max_examples=300, deadline=None)
@given(st.lists(_event, max_size=8), st.sampled_from([None, as_of_us("2026-11-09T16:05:09Z")]))
def test_dict_events_read_as_any_mapping(events, as_of):
    fast_diags: list = []
    fast = records_from_objects(events, diagnostics=fast_diags, as_of_us=as_of)
    for wrap in (MappingProxyType, _Mapping):
        diags: list = []
        plain = records_from_objects([wrap(e) for e in events], diagnostics=diags, as_of_us=as_of)
        assert fast == plain
        assert [list(r.props) for r in fast] == [list(r.props) for r in plain]      # key order too
        assert [d.to_dict() for d in fast_diags] == [d.to_dict() for d in diags]


def test_dict_events_are_not_modified():
    event = {"lead": "L1", "at": "2026-11-09T13:05:09Z", "type": "note", "id": "x", "channel": "phone"}
    copy = dict(event)
    (record,) = records_from_objects([event], diagnostics=[])
    assert event == copy
    assert record.props == {"channel": "phone"} and record.props is not event


# -------------------------------------------------------------------------- periods

@settings(max_examples=400, deadline=None)
@given(INSTANTS, st.sampled_from(ZONES), st.sampled_from(["day", "week", "month", "quarter"]))
def test_period_of_equals_the_local_date_rule(us, zone, period):
    local = datetime.fromtimestamp(us // 1_000_000, zone).date()
    expected = aggregate.period_of_date(local, period)
    assert aggregate.period_of(us, period, zone) == expected
    assert aggregate.period_of(us, period, zone) == expected      # again, from the hour's entry
    # every instant of the same UTC hour that is kept must be on that local date
    hour = us // 3_600_000_000
    day = instants.hour_day(hour, zone)
    if day is not None:
        for probe in (hour * 3_600_000_000, hour * 3_600_000_000 + 3_599_999_999):
            assert datetime.fromtimestamp(probe // 1_000_000, zone).date().toordinal() - 719_163 == day


def test_hour_day_refuses_hours_with_a_local_midnight():
    kolkata = ZoneInfo("Asia/Kolkata")                  # +05:30: 18:30 UTC is local midnight
    hour = int(datetime(2026, 11, 9, 18, tzinfo=timezone.utc).timestamp()) // 3600
    assert instants.hour_day(hour, kolkata) is None
    assert instants.hour_day(hour + 1, kolkata) is not None


# ----------------------------------------------------------------------------- texts

@given(st.integers(0, 10 ** 12))
def test_kept_gap_texts_equal_fresh_ones(us):
    assert _gap_text(us) == _span_text(us)
    assert _gap_text(us) == _span_text(us)


@given(INSTANTS, st.sampled_from(ZONES))
def test_kept_when_texts_equal_fresh_ones(us, zone):
    assert instants.when(us, zone) == instants._when((us, zone))
    assert instants.when(us, zone) == instants._when((us, zone))


# ------------------------------------------------------------------- never clauses

SPEC = '''agreement "speed" {
  version "1"
  timezone "America/Sao_Paulo"
  teams sales
}

calendar biz {
  timezone "America/Sao_Paulo"
  hours mon-fri 08:00-18:00
}

attempts cadence {
  owner sales
  start on assigned
  stop on enter sql
  count contact_attempt
  at least 2 within 1d on biz
  at most 2 per day on biz
  gap at least 1h
  only during biz
  only between 08:00-21:00 in lead timezone
  only between 22:00-06:30 in lead timezone
}
'''
AGREEMENT = slacode.loads(SPEC)


def _cycle(times, tzfields):
    cyc = Cycle(1, times[0] if times else 0, "s", None)
    cyc.attempts = [(t, f"a{i}", None, None, tz) for i, (t, tz) in enumerate(zip(times, tzfields))]
    return cyc


_tz_field = st.sampled_from([None, "Europe/Lisbon", "Asia/Kolkata", "Nowhere/Bad"])


def _attempts_case(offsets_us, tzfields, same_zone):
    """``(plan, rule, attempt instants, their timezone fields, verdict base)`` of a cycle of
    the first rule started 2026-10-20 with attempts at these offsets (µs)."""
    plan = AGREEMENT.plan
    rp = plan.rules[0]
    start = as_of_us("2026-10-20T00:00:00Z")
    times = [start + o for o in offsets_us]
    fields = [tzfields[0]] * len(times) if same_zone else tzfields[:len(times)]
    return plan, rp, times, fields, ("L", rp.name, 1, rp.owner, None, None, start, plan.zone)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 40 * 86_400), max_size=12).map(sorted),
       st.lists(_tz_field, min_size=12, max_size=12), st.booleans())
def test_never_clauses_with_shared_local_times_and_integer_windows(offsets, tzfields, same_zone):
    """Each clause alone (fresh local times; windows as floats: the minute path) gives what
    the clauses of one cycle give together (shared local times; integer windows)."""
    plan, rp, times, fields, base = _attempts_case([o * 1_000_000 for o in offsets], tzfields, same_zone)
    never = [c for c in rp.clauses if c.kind in ("at_most_per_day", "gap", "only_during", "only_between")]
    assert any(c.kind == "only_between" for c in never)
    memo: dict = {}
    fold_a, fold_b = LeadFold(plan, "L"), LeadFold(plan, "L")
    for c in never:
        together = _never(c, _cycle(times, fields), fold_a, base, memo)
        if c.kind == "only_between":
            c = c._replace(window=tuple(float(m) for m in c.window))
        alone = _never(c, _cycle(times, fields), fold_b, base)
        assert together == alone
    assert list(fold_a.notes) == list(fold_b.notes)


# ------------------------------------------------------------------------- calendars

@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(-3 * 365 * 86_400, 3 * 365 * 86_400), max_size=10), st.booleans())
def test_open_each_equals_is_open_one_by_one(offsets, fresh):
    """Across years not built yet (the tables grow in the middle of the batch)."""
    def calendar():
        return Calendar("America/Sao_Paulo", hours=[(range(5), [(8 * 60, 18 * 60)])], holidays=["BR"],
                        closed=[date(2026, 12, 24)])
    base = as_of_us("2026-06-01T12:00:00Z")
    instants_us = [base + o * 1_000_000 for o in offsets]
    batch = calendar()
    if not fresh:
        batch.is_open_us(base)
    single = calendar()
    assert batch.open_each(instants_us) == [single.is_open_us(t) for t in instants_us]


# ------------------------------------------------------------------------ plan info

def test_plan_info_is_per_plan_and_lists_the_rules_a_type_can_touch():
    plan = slacode.load("specs/northwind.sla").plan
    info = plan_info(plan)
    assert plan_info(plan) is info
    other = dataclasses.replace(plan)
    assert plan_info(other) is not info and plan_info(other).plan is other
    assert target_segments(plan) is info.segments
    names = [r.name for r in plan.rules]
    touched = {names[i] for i in info.rules_for("contact_attempt")}
    assert "first_touch" in touched and "follow_up" in touched and "mql_routing" not in touched
    assert {names[i] for i in info.rules_for("no_such_type")} == {
        r.name for r in plan.rules if r.types is None or r.start_types is None}


def test_evaluating_one_lead_twice_gives_the_same_result():
    """Nothing kept between calls leaks from one evaluation into the next."""
    agreement = slacode.load("specs/northwind.sla")
    events = [{"lead": "L", "at": "2026-11-09T09:00:00-03:00", "type": "state", "state": "mql",
               "fields": {"company": "c", "email": "e", "country": "BR", "score": 90, "phone": "1"}},
              {"lead": "L", "at": "2026-11-09T09:20:00-03:00", "type": "assigned", "owner": "r", "desk": "br"}]
    first = agreement.evaluate(events, as_of="2026-11-20T18:00:00-03:00").to_dict()
    again = agreement.evaluate(events, as_of="2026-11-20T18:00:00-03:00").to_dict()
    later = agreement.evaluate(events, as_of="2026-11-25T18:00:00-03:00").to_dict()
    assert first == again and first != later
    cutoff = as_of_us("2026-11-20T18:00:00-03:00")
    records = records_from_objects(events, diagnostics=[])
    assert [v.to_dict() for v in evaluate_records(agreement.plan, records, cutoff, [], None).verdicts] == \
        first["verdicts"]


_TYPES = ["state", "contact_attempt", "assigned", "note"]
_step = st.one_of(st.builds(lambda s: {"type": "state", "state": s},
                            st.sampled_from(["mql", "sal", "sql", "nurture", "limbo"])),
                  st.builds(lambda t: {"type": t, "channel": "phone", "owner": "r", "desk": "br"},
                            st.sampled_from(_TYPES[1:])))


@settings(max_examples=100, deadline=None)
@given(st.lists(_step, max_size=15))
def test_quotas_looked_up_by_type_count_what_every_quota_tested_counts(steps):
    """Widen every quota's types to all types (each quota tests each event): same hits."""
    agreement = slacode.load("specs/northwind.sla")
    plan = agreement.plan
    wide = dataclasses.replace(plan, quotas=tuple(q._replace(types=frozenset(_TYPES)) for q in plan.quotas))
    assert plan_info(wide).quotas_for("note") == tuple(range(len(plan.quotas)))
    assert plan_info(plan).quotas_for("note") == ()
    events = [{"lead": "L", "at": f"2026-11-{2 + i // 10:02d}T1{i % 10}:00:00Z", **body}
              for i, body in enumerate(steps)]
    records = records_from_objects(events, diagnostics=[])
    hits = []
    for p in (plan, wide):
        fold = LeadFold(p, "L")
        for r in records:
            fold.feed(r)
        hits.append(list(fold.quota_hits))
    assert hits[0] == hits[1]
    entries, state = 0, None                    # `count enter mql`: transitions into mql
    for body in steps:
        if body["type"] == "state" and body["state"] != "limbo":      # limbo: undeclared
            entries += body["state"] == "mql" and state != "mql"
            state = body["state"]
    mql = [i for i, q in enumerate(plan.quotas) if q.name == "mql_volume"]
    assert sum(1 for i, _ in hits[0] if i in mql) == entries


def _reference_violators(c, times, tzfields, plan):
    """The violators of a never clause by its definition, with datetime for local time."""
    refs = [f"a{i}" for i in range(len(times))]
    if c.kind == "gap":
        return [r for r, a, b in zip(refs[1:], times, times[1:]) if b - a < c.duration_us]
    if c.kind == "only_during":
        return [r for r, t in zip(refs, times) if not c.clock.is_open_us(t)]
    if c.kind == "at_most_per_day":
        seen: dict = {}
        out = []
        for r, t in zip(refs, times):
            day = datetime.fromtimestamp(t // 1_000_000, c.clock.tz).date()
            seen[day] = seen.get(day, 0) + 1
            if seen[day] > c.n:
                out.append(r)
        return out
    lo, hi = c.window
    out = []
    for r, t, tz in zip(refs, times, tzfields):
        try:
            zone = ZoneInfo(tz) if tz else plan.zone
        except Exception:  # noqa: BLE001 - a bad zone: the agreement's
            zone = plan.zone
        local = datetime.fromtimestamp(t / 1_000_000, zone)
        minute = local.hour * 60 + local.minute + (local.second + local.microsecond / 1e6) / 60
        inside = lo <= minute < hi if lo < hi else (minute >= lo or minute < hi)
        if not inside:
            out.append(r)
    return out


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(0, 40 * 86_400 * 1000), max_size=12).map(sorted),
       st.lists(_tz_field, min_size=12, max_size=12), st.booleans())
def test_never_clauses_equal_their_definition(offsets_ms, tzfields, same_zone):
    plan, rp, times, fields, base = _attempts_case([o * 1_000 for o in offsets_ms], tzfields, same_zone)
    memo: dict = {}
    for c in rp.clauses:
        if c.kind not in ("at_most_per_day", "gap", "only_during", "only_between"):
            continue
        v = _never(c, _cycle(times, fields), LeadFold(plan, "L"), base, memo)
        expected = _reference_violators(c, times, fields, plan)
        assert (v.evidence if v.status == "breached" else []) == expected, c.key


@given(st.integers(0, 500), st.integers(1, 500), st.floats(0, 1))
def test_kept_aggregate_texts_equal_fresh_ones(met, judged, threshold):
    from slacode.texts import rate_text

    assert aggregate._share_text(met, judged) == rate_text(met / judged)
    assert aggregate._share_text(met, judged) == rate_text(met / judged)
    assert aggregate._goal_text(threshold) == f"goal {threshold * 100:g}%"
    assert aggregate._goal_text(threshold) == f"goal {threshold * 100:g}%"


# ------------------------------------------------ trigger lists a quiet event may fire

from slacode import evaluate as _evaluate  # noqa: E402
from tests.test_fold_filter import SPEC as FILTER_SPEC, event as filter_event  # noqa: E402

# the fold filter's agreement, with a `before` and a cancel on plain event types
FILTER_AGREEMENT = slacode.loads(FILTER_SPEC.replace(
    "  at least 1 before enter on_hold\n",
    "  at least 1 before enter on_hold\n  at least 1 before enriched\n  cancel on note\n"))


def _unmasked(plan, monkeypatch):
    """A copy of ``plan`` whose folds ask every trigger list on every event."""
    with monkeypatch.context() as m:
        m.setattr(_evaluate, "_quiet_asks", lambda rp, ev_type: _evaluate._asks(rp))
        copy = dataclasses.replace(plan)
        for t in ("state", "contact_attempt", "assigned", "update", "note", "enriched"):
            plan_info(copy).quiet_rules_for(t)
    return copy


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(filter_event, st.integers(0, 600)), max_size=25))
def test_leaving_out_trigger_lists_never_changes_a_verdict(steps):
    """Events that change no state skip the trigger lists with no trigger on their type;
    asking every list instead gives the same verdicts."""
    from _pytest.monkeypatch import MonkeyPatch

    events, minute = [], 0
    for i, (body, gap) in enumerate(steps):
        minute += gap
        events.append({"lead": "L", "at": f"2026-11-0{2 + minute // 1440 % 6}T{minute // 60 % 24:02d}:"
                       f"{minute % 60:02d}:00Z", "id": f"e{i}", **body})
    cutoff = as_of_us("2026-11-10T00:00:00Z")
    plans = [FILTER_AGREEMENT.plan, _unmasked(FILTER_AGREEMENT.plan, MonkeyPatch())]
    unmasked = plan_info(plans[1])
    assert unmasked.quiet_rules_for("note") and all(
        asks == unmasked.asks[i] for i, asks in unmasked.quiet_rules_for("contact_attempt"))
    results = []
    for plan in plans:
        records = records_from_objects(events, diagnostics=[], as_of_us=cutoff)
        results.append([v.to_dict() for v in evaluate_records(plan, records, cutoff, [], None).verdicts])
    assert results[0] == results[1]


def test_trigger_lists_asked_in_the_bundled_agreement():
    plan = slacode.load("specs/northwind.sla").plan
    names = [r.name for r in plan.rules]
    asks = {names[i]: a for i, a in plan_info(plan).quiet_rules_for("contact_attempt")}
    follow_up = plan.rules[names.index("follow_up")]
    first_touch = plan.rules[names.index("first_touch")]
    assert asks["follow_up"] == (follow_up.count_fn, (), None, None, None)   # its stops, befores: `enter`s
    assert asks["first_touch"] == (None, (), first_touch.stop_fn, None, None)
    moved = dict(plan_info(plan).moved_rules_for("state"))
    assert moved[names.index("follow_up")] == _evaluate._asks(follow_up)
