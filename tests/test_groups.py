"""`by FIELD` (extension): targets and quotas grouped by a lead field's value.

Worked by hand: a target's cycles are grouped by the field's value at the cycle's start, a
quota's events by the value in effect at the event (its own fields applied first); values
are told apart as §9 compares them; leads without the field are one group, last.
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import slacode
from slacode.groups import group_key, group_text, group_value, order

CASE = Path(__file__).parent / "cases" / "950-by-field"

HEAD = 'agreement "g" { version "1"; timezone "UTC"; teams sales }\n'
RULE = "deadline first_touch { owner sales; start on assigned; stop on contact_attempt; within 1h }\n"
GOALS = HEAD + RULE + """
target touch { owner sales; rule first_touch; by region; at least 50% met per day }
target touch_all { owner sales; rule first_touch; at least 50% met per day }
quota calls { owner sales; count contact_attempt; by region; at least 2 per day }
quota calls_all { owner sales; count contact_attempt; at least 2 per day }
"""


def _ev(lead, at, type_, **extra):
    return {"lead": lead, "at": f"2026-11-{at}:00Z", "type": type_, **extra}


def _goals(result, rule):
    return [(v.period, v.group, v.status, v.value) for v in result.verdicts if v.rule == rule]


# ------------------------------------------------------------------------- group keys

def test_values_are_told_apart_as_predicates_compare_them():
    assert group_key(1) == group_key(1.0) == group_key(Decimal("1")) == (1, 1)
    assert group_key("1") == (2, "1") != group_key(1)
    assert group_key(True) == (0, True) != group_key(1)             # (True == 1 in Python)
    assert group_key("true") != group_key(True)
    assert group_key("APAC") != group_key("apac")
    assert group_key(None) is None
    assert group_key(2.5) == (1, 2.5)
    assert group_key(["b", "a"]) == (3, '["b", "a"]') and group_key({"b": 1, "a": 2}) == (3, '{"a": 2, "b": 1}')
    assert group_key(float("nan")) == (3, "NaN")
    # the output writes the value back: integral numbers as integers
    assert [group_value(group_key(v)) for v in (1.0, "1", True, None, [1, 2])] == [1, "1", True, None, [1, 2]]


def test_groups_sort_booleans_numbers_text_other_then_missing():
    keys = [group_key(v) for v in (None, "b", [1], 10, "a", 2.5, False, True, -1)]
    assert [group_value(k) for k in sorted(keys, key=order)] == [False, True, -1, 2.5, 10, "a", "b", [1], None]


def test_group_text_names_the_group():
    assert group_text("region", group_key("APAC")) == 'region "APAC"'
    assert group_text("region", group_key(1.0)) == "region 1"
    assert group_text("vip", group_key(False)) == "vip false"
    assert group_text("region", None) == "(no region)"


# ------------------------------------------------------------------- the evaluation

EVENTS = [
    # A: APAC at the start, met; its call counts for APAC
    _ev("A", "02T09:00", "assigned", owner="ana", fields={"region": "APAC"}),
    _ev("A", "02T09:30", "contact_attempt"),
    # B: EMEA at the start, breached; the late call moves it to APAC: the call counts there
    _ev("B", "02T09:00", "assigned", owner="ana", fields={"region": "EMEA"}),
    _ev("B", "02T11:00", "contact_attempt", fields={"region": "APAC"}),
    # C: no region: met, in the missing group with its call
    _ev("C", "02T09:00", "assigned", owner="bo"),
    _ev("C", "02T09:10", "contact_attempt"),
    # D: region 1 (a number) then 1.0 at its call: one group
    _ev("D", "02T09:00", "assigned", owner="bo", fields={"region": 1}),
    _ev("D", "02T09:20", "contact_attempt", fields={"region": 1.0}),
    # E: region "1" (text), never called: breached
    _ev("E", "02T09:00", "assigned", owner="bo", fields={"region": "1"}),
]


def test_target_and_quota_by_region_worked_by_hand():
    """As of 2026-11-03 12:00Z (day periods 11-02, ended, and 11-03, running).

    touch, 11-02: 1 (D) 1 of 1 met; "1" (E) 0 of 1 breached; "APAC" (A) met; "EMEA" (B)
    0 of 1 breached; missing (C) met. 11-03: every group but the missing one, nothing to
    judge, pending. calls, 11-02: 1 (D) 1 breached; "APAC" 2 (A, and B's call, whose own
    fields set APAC) met; missing 1 (C) breached; no call for "1" or "EMEA", which have no
    verdict: their first counted event never came."""
    result = slacode.loads(GOALS).evaluate(EVENTS, as_of="2026-11-03T12:00:00Z")
    assert _goals(result, "touch") == [
        ("2026-11-02", {"region": 1}, "met", 1.0), ("2026-11-02", {"region": "1"}, "breached", 0.0),
        ("2026-11-02", {"region": "APAC"}, "met", 1.0), ("2026-11-02", {"region": "EMEA"}, "breached", 0.0),
        ("2026-11-02", {"region": None}, "met", 1.0),
        ("2026-11-03", {"region": 1}, "pending", None), ("2026-11-03", {"region": "1"}, "pending", None),
        ("2026-11-03", {"region": "APAC"}, "pending", None), ("2026-11-03", {"region": "EMEA"}, "pending", None)]
    assert _goals(result, "calls") == [
        ("2026-11-02", {"region": 1}, "breached", 1), ("2026-11-02", {"region": "APAC"}, "met", 2),
        ("2026-11-02", {"region": None}, "breached", 1),
        ("2026-11-03", {"region": 1}, "pending", 0), ("2026-11-03", {"region": "APAC"}, "pending", 0)]
    assert _goals(result, "touch_all") == [("2026-11-02", None, "met", 0.6), ("2026-11-03", None, "pending", None)]
    missing = next(v for v in result.verdicts if v.rule == "calls" and v.group == {"region": None})
    assert missing.reason == "(no region): 1 of at least 2 in 2026-11-02."
    apac = next(v for v in result.verdicts if v.rule == "touch" and v.group == {"region": "APAC"})
    assert apac.reason == 'region "APAC", 2026-11-02: 1 of 1 judged cycles met (100.0%; goal 50%).'
    assert apac.assignee is None
    dicts = [v.to_dict() for v in result.verdicts]
    assert all(("group" in d) == (d["rule"] in ("touch", "calls")) for d in dicts)
    assert next(d for d in dicts if d["rule"] == "calls")["group"] == {"region": 1}


def test_a_target_groups_by_the_value_at_the_start_with_the_start_events_own_fields():
    """The start event's own `fields` are in place (§6); later changes do not move a cycle."""
    events = [_ev("A", "02T09:00", "update", fields={"region": "old"}),
              _ev("A", "02T10:00", "assigned", owner="ana", fields={"region": "new"}),
              _ev("A", "02T10:10", "update", fields={"region": "later"}),
              _ev("A", "02T10:20", "contact_attempt")]
    result = slacode.loads(GOALS).evaluate(events, as_of="2026-11-02T12:00:00Z")
    assert [v.group for v in result.verdicts if v.rule == "touch"] == [{"region": "new"}]
    assert [v.group for v in result.verdicts if v.rule == "calls"] == [{"region": "later"}]


def test_null_and_missing_are_one_group_and_booleans_their_own():
    events = [_ev("A", "02T09:00", "contact_attempt", fields={"region": None}),
              _ev("B", "02T09:00", "contact_attempt"),
              _ev("C", "02T09:00", "contact_attempt", fields={"region": True}),
              _ev("D", "02T09:00", "contact_attempt", fields={"region": "true"}),
              _ev("E", "02T09:00", "contact_attempt", fields={"region": 1})]
    result = slacode.loads(GOALS).evaluate(events, as_of="2026-11-02T12:00:00Z")
    assert [(v.group["region"], v.value) for v in result.verdicts if v.rule == "calls"] == [
        (True, 1), (1, 1), ("true", 1), (None, 2)]


def test_a_groups_periods_start_at_its_first_counted_cycle_or_event():
    events = [_ev("A", "02T09:00", "contact_attempt", fields={"region": "APAC"}),
              _ev("B", "04T09:00", "contact_attempt", fields={"region": "EMEA"})]
    result = slacode.loads(GOALS).evaluate(events, as_of="2026-11-05T12:00:00Z")
    got = [(v.period, v.group["region"]) for v in result.verdicts if v.rule == "calls"]
    assert got == [("2026-11-02", "APAC"), ("2026-11-03", "APAC"), ("2026-11-04", "APAC"), ("2026-11-04", "EMEA"),
                   ("2026-11-05", "APAC"), ("2026-11-05", "EMEA")]


def test_a_grouped_target_for_a_segment_groups_only_the_cycles_in_it():
    text = HEAD + RULE + """
segment hot = score >= 80
target hot_touch { owner sales; rule first_touch for hot; by region; at least 50% met per day }
"""
    events = [_ev("A", "02T09:00", "assigned", owner="ana", fields={"region": "APAC", "score": 90}),
              _ev("B", "02T09:00", "assigned", owner="ana", fields={"region": "EMEA", "score": 10})]
    result = slacode.loads(text).evaluate(events, as_of="2026-11-03T12:00:00Z")
    assert [(v.period, v.group, v.status) for v in result.verdicts if v.lead is None] == [
        ("2026-11-02", {"region": "APAC"}, "breached"), ("2026-11-03", {"region": "APAC"}, "pending")]


def test_a_backquoted_field_and_a_field_called_assignee():
    text = HEAD + RULE + """
quota by_source { owner sales; count contact_attempt; by `utm-source`; at least 1 per day }
quota by_field { owner sales; count contact_attempt; by `assignee`; at least 1 per day }
quota by_rep { owner sales; count contact_attempt; by assignee; at least 1 per day }
"""
    events = [_ev("A", "02T09:00", "assigned", owner="ana", fields={"utm-source": "ads", "assignee": "zed"}),
              _ev("A", "02T09:10", "contact_attempt")]
    result = slacode.loads(text).evaluate(events, as_of="2026-11-02T12:00:00Z")
    got = {v.rule: (v.group, v.assignee) for v in result.verdicts if v.lead is None}
    assert got == {"by_source": ({"utm-source": "ads"}, None), "by_field": ({"assignee": "zed"}, None),
                   "by_rep": (None, "ana")}


def test_a_target_on_flow_groups_by_the_value_at_the_first_state_event():
    text = HEAD + """
states { mql; sql final }
flow { mql -> sql }
target clean_flow { owner sales; rule flow; by region; at least 50% met per day }
"""
    events = [_ev("A", "02T09:00", "state", state="mql", fields={"region": "APAC"}),
              _ev("A", "02T10:00", "state", state="sql", fields={"region": "EMEA"})]
    result = slacode.loads(text).evaluate(events, as_of="2026-11-02T12:00:00Z")
    assert [(v.group, v.status) for v in result.verdicts if v.lead is None] == [({"region": "APAC"}, "pending")]


def test_grouped_goals_are_the_same_in_several_processes():
    import random

    from slacode.parallel import MIN_PARALLEL_RECORDS, can_fork

    if not can_fork():
        pytest.skip("no fork")
    agreement = slacode.loads(GOALS)
    rng = random.Random(11)
    events, n = [], 0
    while len(events) <= MIN_PARALLEL_RECORDS:
        lead, day, minute = f"L{n:05d}", 2 + n % 5, rng.randrange(540, 1000)
        region = rng.choice(["APAC", "EMEA", 1, 1.0, "1", True, None, "-"])
        fields = {} if region == "-" else {"region": region}
        events.append({"lead": lead, "at": f"2026-11-{day:02d}T{minute // 60:02d}:{minute % 60:02d}:00Z",
                       "type": "assigned", "owner": "ana", "fields": fields})
        for _ in range(rng.randrange(1, 5)):
            minute += rng.randrange(5, 120)
            if minute < 1440:
                events.append({"lead": lead, "at": f"2026-11-{day:02d}T{minute // 60:02d}:{minute % 60:02d}:00Z",
                               "type": "contact_attempt"})
        n += 1
    one = agreement.evaluate_many(events, as_of="2026-11-09T12:00:00Z", jobs=1).to_dict()
    two = agreement.evaluate_many(events, as_of="2026-11-09T12:00:00Z", jobs=2).to_dict()
    assert one == two
    groups = {json.dumps(v["group"]) for v in one["verdicts"] if v["rule"] == "touch"}
    assert groups == {'{"region": "APAC"}', '{"region": "EMEA"}', '{"region": 1}', '{"region": "1"}',
                      '{"region": true}', '{"region": null}'}


# --------------------------------------------------------------- sums over the groups

_REGIONS = st.sampled_from(["APAC", "EMEA", 1, 1.0, "1", True, None, "-"])
_LEAD = st.tuples(st.integers(0, 4), st.integers(0, 23 * 60), _REGIONS,
                  st.lists(st.tuples(st.integers(1, 200), _REGIONS), max_size=4))


def _events(leads) -> list[dict]:
    events = []
    for n, (day, minute, region, calls) in enumerate(leads):
        def at(m):
            d, m = divmod(m, 1440)
            return f"2026-11-{2 + day + d:02d}T{m // 60:02d}:{m % 60:02d}:00Z"
        fields = {} if region == "-" else {"region": region}
        events.append({"lead": f"L{n}", "at": at(minute), "type": "assigned", "owner": "ana", "fields": fields})
        for step, moved in calls:
            minute += step
            call = {"lead": f"L{n}", "at": at(minute), "type": "contact_attempt"}
            if moved != "-":
                call["fields"] = {"region": moved}
            events.append(call)
    return events


_JUDGED = re.compile(r"([\d,]+) of ([\d,]+) judged cycles met")
_OPEN = re.compile(r"([\d,]+) still open")


def _target_counts(v) -> tuple[int, int, int]:
    """(met, breached, open) of a target verdict, read from its reason."""
    judged = _JUDGED.search(v.reason)
    still = _OPEN.search(v.reason)
    met, total = (int(judged.group(1).replace(",", "")), int(judged.group(2).replace(",", ""))) if judged else (0, 0)
    return met, total - met, int(still.group(1).replace(",", "")) if still else 0


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_LEAD, max_size=12), st.integers(0, 8 * 1440))
def test_the_groups_add_up_to_the_ungrouped_goal(leads, as_of_minutes):
    """Per period, a grouped quota's counts add up to the ungrouped quota's, and a grouped
    target's met, breached and open cycles to the ungrouped target's."""
    d, m = divmod(as_of_minutes, 1440)
    as_of = f"2026-11-{2 + d:02d}T{m // 60:02d}:{m % 60:02d}:00Z"
    result = slacode.loads(GOALS).evaluate(_events(leads), as_of=as_of)
    by_rule: dict = {}
    for v in result.verdicts:
        if v.lead is None:
            by_rule.setdefault(v.rule, []).append(v)
    for grouped, whole, measure in (("calls", "calls_all", lambda v: (v.value,)),
                                    ("touch", "touch_all", _target_counts)):
        sums: dict = {}
        for v in by_rule.get(grouped, ()):
            sums[v.period] = tuple(a + b for a, b in zip(sums.get(v.period, (0, 0, 0)), measure(v)))
        totals = {v.period: measure(v) for v in by_rule.get(whole, ())}
        assert set(sums) <= set(totals)
        for period, total in totals.items():
            assert sums.get(period, tuple(0 for _ in total)) == total, (grouped, period)
        # one verdict per period and group, ordered by period then group, the missing group last
        keys = [(v.period, order(group_key(v.group["region"]))) for v in by_rule.get(grouped, ())]
        assert keys == sorted(keys) and len(set(keys)) == len(keys)


# ------------------------------------------------------------- the hand-worked case

def test_the_hand_worked_case_per_group():
    """tests/cases/950-by-field: every verdict of its grouped goals, matched by period and
    group (the shared runner matches aggregates by period only), through the command line."""
    expected = json.loads((CASE / "expected.json").read_text())
    out = subprocess.run([sys.executable, "-m", "slacode", "check", str(CASE / "agreement.sla"),
                          str(CASE / "events.jsonl"), "--as-of", expected["as_of"], "--format", "json"],
                         capture_output=True, text=True, check=True)
    wants = expected["grouped_verdicts"]
    rules = {w["rule"] for w in wants}
    got = [v for v in json.loads(out.stdout)["verdicts"] if v["rule"] in rules]
    assert [(v["rule"], v["period"], v["group"]) for v in got] == [(w["rule"], w["period"], w["group"])
                                                                     for w in wants]
    for w, g in zip(wants, got):
        assert {k: g[k] for k in w} == w


# -------------------------------------------------------------------- the language

def test_by_field_parses_formats_and_keeps_by_assignee():
    from slacode import model as m

    agreement = slacode.loads(GOALS)
    touch = agreement.rule("touch") or next(t for t in agreement.targets if t.name.value == "touch")
    assert touch.by_field == "region" and not touch.by_assignee
    rep = slacode.loads(HEAD + "quota q { owner sales; count call; by assignee; at least 1 per day }")
    assert rep.quotas[0].by_assignee and rep.quotas[0].by_field is None
    assert isinstance(rep.quotas[0].items[-2], m.ByAssignee)
    text = HEAD + "quota q { owner sales; count call; by   `utm-source`  # per source\n at least 1 per day }\n"
    assert "  by `utm-source`  # per source\n" in slacode.format(text)


def _codes(text):
    return [(d.code, d.line, d.column) for d in slacode.lint(text) if d.severity != "info"]


def test_by_twice_several_keys_and_by_in_a_rule_are_diagnosed():
    twice = HEAD + "quota q {\n  owner sales\n  count call\n  by assignee\n  by region\n  at least 1 per day\n}\n"
    (d,) = [d for d in slacode.lint(twice) if d.severity == "error"]
    assert (d.code, d.line, d.column) == ("SLA205", 6, 3) and "second `by`" in d.message and d.hint
    assert _codes(twice.replace("by assignee", "by tier")) == [("SLA205", 6, 3)]
    several = HEAD + "quota q {\n  owner sales\n  count call\n  by region, assignee\n  at least 1 per day\n}\n"
    (d,) = [d for d in slacode.lint(several) if d.severity == "error"]
    assert (d.code, d.line, d.column, d.span.end_column) == ("SLA341", 5, 3, 22)
    assert "`region`, `assignee`" in d.message and "by region" in d.hint
    with pytest.raises(slacode.SpecError):
        slacode.loads(several)
    state = HEAD + "quota q {\n  owner sales\n  count call\n  by state\n  at least 1 per day\n}\n"
    (d,) = [d for d in slacode.lint(state) if d.severity == "error"]
    assert (d.code, d.line, d.column) == ("SLA342", 5, 6) and "by `state`" in d.hint
    assert _codes(state.replace("by state", "by `state`")) == []
    rule = HEAD + "deadline d {\n  owner sales\n  start on assigned\n  stop on call\n  within 1h\n  by region\n}\n"
    (d,) = slacode.lint(rule)
    assert (d.code, d.line, d.column) == ("SLA101", 7, 3) and "`by` groups a `target` or `quota`" in d.hint
    # on one line too (`;` is a line break), with the rule's kind named as such
    one_line = HEAD + "attempts a { owner sales; start on assigned; by region; at least 2 within 1d }\n"
    (d,) = [d for d in slacode.lint(one_line) if d.code == "SLA101"]
    assert "not an `attempts` rule" in d.hint


TESTED = GOALS + """
test "groups" {
  as of 2026-11-02T12:00:00Z
  lead "A"
  at 2026-11-02T09:00:00Z assigned with owner = "ana" set region = "APAC"
  at 2026-11-02T09:30:00Z contact_attempt
  lead "B"
  at 2026-11-02T09:00:00Z assigned with owner = "ana" set region = 1
  expect touch period "2026-11-02" group "APAC" pending
  expect calls period "2026-11-02" group "APAC" pending
  expect touch period "2026-11-02" group 1.0 pending
  expect touch period "2026-11-02" group "1" pending
  expect touch period "2026-11-02" pending
}
"""


def test_expect_names_a_group():
    from slacode.testing import run_tests

    assert not [d for d in slacode.lint(TESTED) if d.severity != "info"]
    assert 'expect touch period "2026-11-02" group 1.0 pending' in slacode.format(TESTED)
    (result,) = run_tests(slacode.loads(TESTED))
    assert [o.passed for o in result.outcomes] == [True, True, True, False, False]
    assert result.outcomes[3].actual == ('no verdict of the group "1" in 2026-11-02 (its groups then: region 1, '
                                         'region "APAC")')
    assert result.outcomes[4].actual.startswith('2 verdicts, one per group (region 1, region "APAC"); name one')


def test_a_group_where_there_are_none_never_matches():
    text = GOALS + """
quota reps { owner sales; count contact_attempt; by assignee; at least 1 per day }
test "wrong" {
  as of 2026-11-02T12:00:00Z
  lead "A"
  at 2026-11-02T09:00:00Z assigned with owner = "ana"
  expect calls_all period "2026-11-02" group "APAC" pending
  expect reps period "2026-11-02" group "ana" pending
  expect first_touch group "APAC" pending
}
"""
    found = [(d.code, d.line, d.column) for d in slacode.lint(text) if d.code == "SLA330"]
    assert found == [("SLA330", 14, 46), ("SLA330", 15, 41), ("SLA330", 16, 28)]      # at the value
    hints = [d.hint for d in slacode.lint(text) if d.code == "SLA330"]
    assert "add `by FIELD`" in hints[0] and 'assignee "REP"' in hints[1] and "drop `group" in hints[2]


# ----------------------------------------------------------------------- the outputs

def test_check_writes_the_group_in_json_csv_and_the_table(tmp_path):
    spec = tmp_path / "g.sla"
    spec.write_text(GOALS)
    events = tmp_path / "e.jsonl"
    events.write_text("".join(json.dumps(e) + "\n" for e in EVENTS))

    def check(fmt):
        return subprocess.run([sys.executable, "-m", "slacode", "check", str(spec), str(events), "--as-of",
                               "2026-11-02T12:00:00Z", "--format", fmt], capture_output=True, text=True).stdout

    lines = [json.loads(line) for line in check("jsonl").splitlines()]
    grouped = [d for d in lines if d.get("rule") == "calls"]
    assert [d["group"] for d in grouped] == [{"region": 1}, {"region": "APAC"}, {"region": None}]
    assert all("group" not in d for d in lines if d.get("rule") in ("calls_all", "first_touch"))
    import csv
    import io

    rows = list(csv.DictReader(io.StringIO(check("csv"))))
    assert [r["group"] for r in rows if r["rule"] == "calls"] == ['{"region":1}', '{"region":"APAC"}',
                                                                  '{"region":null}']
    assert all(r["group"] == "" for r in rows if r["rule"] != "calls" and r["rule"] != "touch")
    table = check("table")
    assert table.splitlines()[0].split()[:8] == ["lead", "rule", "clause", "cycle", "period", "status",
                                                 "assignee", "group"]
    assert re.search(r'calls\s+count\s+2026-11-02\s+met\s+region "APAC"', table)


def test_report_tables_and_html_show_the_group():
    from slacode.report import compliance
    from slacode.report.html import render_html
    from slacode.report.tables import goals_lines

    agreement = slacode.loads(GOALS)
    result = agreement.evaluate(EVENTS, as_of="2026-11-02T12:00:00Z")
    comp = compliance(result, by="rule", period="week", plan=agreement.plan)
    lines = goals_lines(comp)
    assert lines[2].split()[:3] == ["goal", "period", "group"]
    assert any(re.match(r'calls\s+2026-11-02 \*\s+region "APAC"\s+met\s+2\s+>= 2$', line) for line in lines)
    assert any(re.match(r"calls_all\s+2026-11-02 \*\s+—\s+met", line) for line in lines)
    page = render_html(agreement, result)
    assert "region &quot;APAC&quot;" in page and "(no region)" in page


def test_diff_pairs_grouped_verdicts_by_period_and_group_and_says_when_the_grouping_changes():
    from slacode.diff import semantic_diff
    from slacode.diff.impact import impact

    old = slacode.loads(GOALS)
    new = slacode.loads(GOALS.replace("at least 2 per day }\nquota calls_all", "at least 1 per day }\nquota calls_all"))
    found = impact(old, new, EVENTS, "2026-11-02T12:00:00Z")
    (calls,) = [c for c in found.clauses if c.rule == "calls"]
    # region 1 and the missing group go from pending (1 so far) to met; APAC stays met: two changes, one period
    assert (calls.compared, dict(calls.transitions), calls.periods) == (3, {("pending", "met"): 2}, ["2026-11-02"])
    changes = [c.message for c in semantic_diff(old, slacode.loads(GOALS.replace("by region; at least 2", "at least 2")))]
    assert changes == ["no longer one goal per `region`: one for all leads"]
    changes = [c.message for c in semantic_diff(old, slacode.loads(GOALS.replace("by region; at least 2",
                                                                                   "by tier; at least 2")))]
    assert changes == ["now one goal per value of `tier` (`by tier`), was `by region`"]
    changes = [c.message for c in semantic_diff(old, slacode.loads(GOALS.replace("by region; at least 2",
                                                                                   "by assignee; at least 2")))]
    assert changes == ["now one goal per rep (`by assignee`), was `by region`"]
    changes = [c.message for c in semantic_diff(old, slacode.loads(GOALS.replace("by region; at least 2",
                                                                                   "by `utm-source`; at least 2")))]
    assert changes == ["now one goal per value of `utm-source` (`` by `utm-source` ``), was `by region`"]


def test_the_documented_example_passes_its_test_block():
    """docs/extensions.md, "Goals grouped by a lead field": the ```sla example's test runs
    and passes (the docs harness parses and lints `sla` blocks; this runs the test)."""
    from slacode.testing import run_tests

    page = (Path(__file__).parents[1] / "docs" / "extensions.md").read_text(encoding="utf-8")
    section = page[page.index("### Goals grouped by a lead field"):]
    example = section[section.index("```sla\n") + 7:]
    example = example[:example.index("```")]
    (result,) = run_tests(slacode.loads(example))
    assert result.passed and len(result.outcomes) == 4


def test_an_unquoted_group_or_rep_in_an_expectation_is_told_to_quote_that_word_only():
    text = HEAD + """quota q { owner sales; count call; by region; at least 1 per day }
quota r { owner sales; count call; by assignee; at least 1 per day }
test "t" {
  as of 2026-11-03T12:00:00Z
  at 2026-11-02T09:00:00Z call set region = "APAC"
  expect q period "2026-11-02" group APAC met
  expect r period "2026-11-02" assignee ana met
}
"""
    hints = [d.hint for d in slacode.lint(text) if d.code == "SLA101"]
    assert hints == ['write it in double quotes: "APAC"', 'write it in double quotes: "ana"']


def test_html_cards_come_in_group_order_with_the_missing_group_last():
    from slacode.report.html import render_html

    agreement = slacode.loads(GOALS)
    events = [_ev("N", "02T09:00", "contact_attempt"),                                   # no region, day 1
              _ev("E", "03T09:00", "contact_attempt", fields={"region": "EMEA"}),        # day 2
              _ev("A", "03T09:00", "contact_attempt", fields={"region": "APAC"})]
    page = render_html(agreement, agreement.evaluate(events, as_of="2026-11-03T12:00:00Z"))
    shown = [page.index(label) for label in ("region &quot;APAC&quot;", "region &quot;EMEA&quot;", "(no region)")]
    assert shown == sorted(shown)
