"""`slacode report`, `slacode due`, slacode.report: compliance tables, upcoming clocks, progress.

The report's numbers are checked against `slacode check --format json`, counted here
independently (periods worked out with zoneinfo, percentiles by hand).
"""
from __future__ import annotations

import csv
import io
import json
import math
import os
import shutil
import subprocess
import sys
import threading
from collections import Counter, defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import slacode
from slacode.report import compliance, parse_window, standings, upcoming
from slacode.report.progress import Progress, wanted
from slacode.report.tables import duration_text, percentile, render_csv, render_rich, render_text
from tests.conftest import ROOT, run_slacode

SPEC = "specs/northwind.sla"
EVENTS = "specs/events.jsonl"
AS_OF = "2026-11-20T18:00:00-03:00"
SLACODE = shutil.which("slacode")


def run(*args, cwd=ROOT, stdin=None):
    """The command in this process (:func:`tests.conftest.run_slacode`); the terminal tests
    start a real process."""
    env = dict(os.environ, NO_COLOR="1")
    env.pop("FORCE_COLOR", None)
    return run_slacode(args, cwd=cwd, env=env, stdin=stdin)


def agreement_text(zone: str = "America/New_York", extra: str = "") -> str:
    return f'''
agreement "desk" {{
  version "1"
  timezone "{zone}"
  teams marketing, sales
}}

segment hot = score >= 80

deadline first_touch {{
  owner sales
  start on assigned
  stop on contact_attempt
  restart on assigned
  within 30m for hot
  within 2h
  warn at 50%
}}

deadline decision {{
  owner sales
  start on assigned
  stop on enter won
  pause while state == on_hold
  within 1d
}}

quota assignments {{
  owner marketing
  count assigned
  at least 2 per week
}}
{extra}'''


def ev(lead, at, type_, **props):
    return {"lead": lead, "at": at, "type": type_, **props}


# ------------------------------------------------------- independent counting helpers

def label_of(instant: str, period: str, zone: str) -> str:
    """The period label of an RFC 3339 instant, worked out with zoneinfo (not slacode)."""
    d = datetime.fromisoformat(instant).astimezone(ZoneInfo(zone)).date()
    if period == "day":
        return d.isoformat()
    if period == "week":
        y, w, _ = d.isocalendar()
        return f"{y}-W{w:02d}"
    if period == "month":
        return f"{d.year}-{d.month:02d}"
    return f"{d.year}-Q{(d.month - 1) // 3 + 1}"


def group_label(v: dict, by: str) -> str:
    if by == "rule":
        return f"{v['rule']}.{v['clause']}"
    value = v[by]
    return value if value is not None else {"owner": "(no owner)", "assignee": "(unassigned)",
                                             "segment": "(default)"}[by]


def by_hand(verdicts: list[dict], by: str, period: str, zone: str, only: str | None = None) -> dict:
    """(group, period) -> counts and sorted response times, from check's JSON verdicts;
    ``only``: the response times of that clause (``rule.clause``) alone."""
    out: dict = defaultdict(lambda: {"counts": Counter(), "responses": []})
    for v in verdicts:
        if v["lead"] is None:
            continue
        cell = out[(group_label(v, by), label_of(v["started_at"], period, zone))]
        cell["counts"][v["status"]] += 1
        # a response time is to an answer: not of a breached clock that has none yet
        if v["clause"] in ("within", "at_least_within") and (
                v["status"] == "met" or v["status"] == "breached" and v["completed_at"] is not None) and (
                only is None or f"{v['rule']}.{v['clause']}" == only):
            cell["responses"].append(response_by_hand(v))
    return out


def response_by_hand(v: dict) -> float:
    """A verdict's response time: its elapsed working time, but an `at least … within`'s
    ends at its Nth attempt (`completed_at`) when that was made (northwind's are on the
    `sao_paulo` calendar and never paused)."""
    if v["clause"] != "at_least_within" or v["completed_at"] is None:
        return v["elapsed_seconds"]
    sao_paulo = _NORTHWIND.calendars["sao_paulo"]
    start, nth = (datetime.fromisoformat(v[k]) for k in ("started_at", "completed_at"))
    return sao_paulo.working_time(start, nth).total_seconds()


_NORTHWIND = slacode.load(ROOT / SPEC)


def hand_median(xs):
    xs = sorted(xs)
    if not xs:
        return None
    mid = len(xs) // 2
    return xs[mid] if len(xs) % 2 else (xs[mid - 1] + xs[mid]) / 2


def hand_p90(xs):
    xs = sorted(xs)
    return xs[math.ceil(0.9 * len(xs)) - 1] if xs else None


# ------------------------------------------------------------ against check's verdicts

@pytest.fixture(scope="module")
def checked() -> dict:
    proc = run("check", SPEC, EVENTS, "--as-of", AS_OF, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout)


@pytest.mark.parametrize("by, period", [("rule", "week"), ("assignee", "month"), ("owner", "day"),
                                        ("segment", "quarter")])
def test_report_numbers_match_checks_verdicts(checked, by, period):
    proc = run("report", SPEC, EVENTS, "--as-of", AS_OF, "--by", by, "--period", period, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    rep = json.loads(proc.stdout)
    zone = "America/Sao_Paulo"
    # northwind's first `deadline` (mql_routing, before it, is a `handoff`): a line of several
    # rules has the response times of that one clause, never a mix of deadlines (review 22c-2)
    assert rep["response_clause"] == "first_touch.within"
    expected = by_hand(checked["verdicts"], by, period, zone, None if by == "rule" else "first_touch.within")
    got = {(r[by], r["period"]): r for r in rep["rows"]}
    # every non-empty cell counted by hand is in the report, with the same numbers
    for key, cell in expected.items():
        row = got[key]
        c = cell["counts"]
        for status in ("met", "breached", "pending", "at_risk", "paused", "cancelled"):
            assert row[status] == c[status], (key, status)
        judged = c["met"] + c["breached"]
        assert row["rate"] == (pytest.approx(c["met"] / judged) if judged else None)
        assert row["median_seconds"] == hand_median(cell["responses"])
        assert row["p90_seconds"] == hand_p90(cell["responses"])
        assert row["responses"] == len(cell["responses"])
    # and the report's other cells are empty periods
    for key, row in got.items():
        if key not in expected:
            assert row["met"] == row["breached"] == row["pending"] == row["cancelled"] == 0
            assert row["rate"] is None and row["median_seconds"] is None
    # grand total = every per-lead verdict of check
    per_lead = [v for v in checked["verdicts"] if v["lead"] is not None]
    statuses = Counter(v["status"] for v in per_lead)
    assert {s: rep["total"][s] for s in statuses} == dict(statuses)
    # nothing left out silently: check's diagnostics, and no verdict without a period
    assert rep["diagnostics"] == checked["diagnostics"] and rep["diagnostics"]
    assert rep["undated"] == 0
    # targets and quotas are check's aggregate verdicts, unchanged
    aggregates = [v for v in checked["verdicts"] if v["lead"] is None]
    assert rep["targets"] + rep["quotas"] == [v for v in aggregates if v["clause"] == "ratio"] + \
        [v for v in aggregates if v["clause"] == "count"]


def test_recognition_points_match_checks_verdicts(checked):
    rep = json.loads(run("report", SPEC, EVENTS, "--as-of", AS_OF, "--format", "json").stdout)
    met = Counter(v["assignee"] for v in checked["verdicts"]
                  if v["lead"] is not None and v["assignee"] and v["status"] == "met")
    weeks: dict = defaultdict(Counter)
    for v in checked["verdicts"]:
        if v["lead"] is not None and v["assignee"]:
            weeks[(v["assignee"], label_of(v["started_at"], "week", "America/Sao_Paulo"))][v["status"]] += 1
    current = label_of(AS_OF, "week", "America/Sao_Paulo")
    perfect = defaultdict(list)
    for (rep_name, week), c in sorted(weeks.items()):
        if week < current and c["met"] and not c["breached"]:
            perfect[rep_name].append(week)
    board = {s["assignee"]: s for s in rep["recognition"]}
    assert set(board) == set(met)
    for name, s in board.items():
        assert s["met"] == met[name]
        assert s["perfect_weeks"] == perfect[name]
        assert s["points"] == met[name] + 5 * len(perfect[name])
    assert any(s["perfect_weeks"] for s in board.values()), "the example should show at least one badge"
    points = [s["points"] for s in rep["recognition"]]
    assert points == sorted(points, reverse=True)


def test_an_empty_owner_is_nobody_on_the_board_as_in_the_assignee_table():
    import slacode
    from slacode.report.scoring import standings
    from slacode.report.tables import UNASSIGNED, compliance

    agreement = slacode.loads("""
agreement "e" { version "1"; timezone "UTC"; teams sales }
deadline first_touch { owner sales; start on assigned; stop on call; within 1h }
""")
    events = [{"lead": "a", "at": "2026-11-02T09:00:00Z", "type": "assigned", "owner": ""},
              {"lead": "a", "at": "2026-11-02T09:10:00Z", "type": "call"},
              {"lead": "b", "at": "2026-11-02T09:00:00Z", "type": "assigned", "owner": "ana"},
              {"lead": "b", "at": "2026-11-02T09:10:00Z", "type": "call"}]
    result = agreement.evaluate(events, as_of="2026-11-20T00:00:00Z")
    assert [s.assignee for s in standings(result)] == ["ana"]
    assert set(compliance(result, by="assignee").groups) == {"ana", UNASSIGNED}


def test_report_table_and_csv_agree_with_json():
    args = ("report", SPEC, EVENTS, "--as-of", AS_OF, "--by", "owner", "--period", "month")
    rep = json.loads(run(*args, "--format", "json").stdout)
    rows = list(csv.DictReader(io.StringIO(run(*args, "--format", "csv").stdout)))
    assert len(rows) == len(rep["rows"])
    for r, j in zip(rows, rep["rows"]):
        assert (r["owner"], r["period"], int(r["met"]), int(r["breached"])) == \
            (j["owner"], j["period"], j["met"], j["breached"])
    table = run(*args).stdout
    marketing = next(g for g in rep["groups"] if g["owner"] == "marketing")
    all_line = [ln for ln in table.splitlines() if ln.split()[:1] == ["all"]]
    assert any(f"{marketing['met']}" in ln and f"{marketing['rate']:.1%}" in ln for ln in all_line)
    assert "* period still in progress" in table


# ---------------------------------------------------------------- periods and zones

DST_EVENTS = [
    # Sunday 1 November 2026, 23:30 in New York (EST): Monday 04:30 in UTC. Week 44, not 45.
    ev("sun-late", "2026-11-01T23:30:00-05:00", "assigned", owner="ana"),
    # Monday 00:30 in New York: week 45.
    ev("mon-early", "2026-11-02T00:30:00-05:00", "assigned", owner="ana"),
    # 01:30 twice on 1 November (EDT, then EST): both the same local day.
    ev("first-0130", "2026-11-01T01:30:00-04:00", "assigned", owner="bob"),
    ev("second-0130", "2026-11-01T01:30:00-05:00", "assigned", owner="bob"),
]


def test_weeks_and_days_follow_the_agreements_zone_across_the_fall_back():
    a = slacode.loads(agreement_text("America/New_York"))
    result = a.evaluate(DST_EVENTS, as_of="2026-11-03T12:00:00-05:00")
    week = compliance(result, by="rule", period="week", plan=a.plan)
    assert [p.label for p in week.periods] == ["2026-W44", "2026-W45"]
    assert week.cell("first_touch.within", "2026-W44").total == 3
    assert week.cell("first_touch.within", "2026-W45").total == 1
    day = compliance(result, by="rule", period="day", plan=a.plan)
    assert day.cell("first_touch.within", "2026-11-01").total == 3
    doc = day.to_dict()
    nov1 = next(p for p in doc["periods"] if p["period"] == "2026-11-01")
    # the day of the change starts at EDT midnight and ends at EST midnight: 25 hours
    assert (nov1["start"], nov1["end"]) == ("2026-11-01T00:00:00-04:00", "2026-11-02T00:00:00-05:00")
    w44 = next(p for p in week.to_dict()["periods"] if p["period"] == "2026-W44")
    assert (w44["start"], w44["end"]) == ("2026-10-26T00:00:00-04:00", "2026-11-02T00:00:00-05:00")


def test_spring_forward_day_is_23_hours():
    a = slacode.loads(agreement_text("America/New_York"))
    events = [ev("x", "2026-03-08T01:59:00-05:00", "assigned", owner="ana"),
              ev("y", "2026-03-08T03:00:00-04:00", "assigned", owner="ana")]
    result = a.evaluate(events, as_of="2026-03-09T12:00:00-04:00")
    comp = compliance(result, period="day", plan=a.plan)
    p = comp.periods[0]
    assert p.label == "2026-03-08" and p.end - p.start == 23 * 3600 * 1_000_000
    assert comp.cell("first_touch.within", "2026-03-08").total == 2


@pytest.mark.parametrize("zone, month", [("Europe/Lisbon", "2026-10"), ("America/Sao_Paulo", "2026-10"),
                                         ("UTC", "2026-10"), ("Europe/Berlin", "2026-11"),
                                         ("Asia/Tokyo", "2026-11")])
def test_the_same_instant_falls_in_the_month_of_the_agreements_zone(zone, month):
    # 2026-10-31T23:30Z: still 31 October in Lisbon (UTC+0 since summer time ended on
    # 25 October), São Paulo and UTC; already 1 November in Berlin (UTC+1) and Tokyo.
    a = slacode.loads(agreement_text(zone))
    result = a.evaluate([ev("x", "2026-10-31T23:30:00Z", "assigned", owner="ana")],
                        as_of="2026-11-05T00:00:00Z")
    comp = compliance(result, period="month", plan=a.plan)
    assert comp.periods[0].label == month
    assert comp.cell("first_touch.within", month).total == 1
    assert label_of("2026-10-31T23:30:00Z", "month", zone) == month      # the helper agrees


def test_empty_periods_are_listed_with_zeros():
    a = slacode.loads(agreement_text("UTC"))
    events = [ev("a", "2026-10-06T10:00:00Z", "assigned", owner="ana"),
              ev("a", "2026-10-06T10:20:00Z", "contact_attempt"),
              ev("b", "2026-10-21T10:00:00Z", "assigned", owner="ana"),
              ev("b", "2026-10-21T13:00:00Z", "contact_attempt")]
    result = a.evaluate(events, as_of="2026-10-30T00:00:00Z")
    comp = compliance(result, by="assignee", period="week", plan=a.plan)
    assert [p.label for p in comp.periods] == ["2026-W41", "2026-W42", "2026-W43", "2026-W44"]
    empty = comp.cell("ana", "2026-W42")
    assert empty.total == 0 and empty.rate is None and empty.median_seconds is None
    rows = {r["period"]: r for r in comp.rows()}
    assert rows["2026-W42"]["met"] == 0 and rows["2026-W42"]["rate"] is None
    # touched in 20 minutes; no decision within the day
    assert (rows["2026-W41"]["met"], rows["2026-W41"]["breached"]) == (1, 1)
    csv_rows = list(csv.DictReader(io.StringIO(render_csv(comp))))
    w42 = next(r for r in csv_rows if r["period"] == "2026-W42")
    assert w42["rate"] == "" and w42["median_seconds"] == "" and w42["met"] == "0"
    text = render_text(comp)
    assert "2026-W42" in text and "2026-W44 *" in text


def test_a_period_in_progress_is_marked_and_its_open_clocks_counted():
    a = slacode.loads(agreement_text("UTC"))
    events = [ev("a", "2026-10-05T10:00:00Z", "assigned", owner="ana", ),
              ev("a", "2026-10-05T10:10:00Z", "contact_attempt"),
              ev("b", "2026-10-14T10:00:00Z", "assigned", owner="ana")]
    result = a.evaluate(events, as_of="2026-10-14T11:30:00Z")      # Wednesday of W42
    comp = compliance(result, by="rule", period="week", plan=a.plan)
    assert [(p.label, p.complete) for p in comp.periods] == [("2026-W41", True), ("2026-W42", False)]
    now = comp.cell("first_touch.within", "2026-W42")
    assert (now.at_risk, now.met, now.breached) == (1, 0, 0)     # 1h30 of 2h used, warning at 50%
    assert comp.cell("decision.within", "2026-W42").pending == 1
    doc = comp.to_dict()
    assert doc["periods"][-1]["complete"] is False and doc["rows"][-1]["complete"] is False


def test_a_quota_met_mid_period_is_met_in_the_report(tmp_path):
    spec = tmp_path / "desk.sla"
    spec.write_text(agreement_text("UTC"))
    events = tmp_path / "events.jsonl"
    events.write_text("".join(json.dumps(e) + "\n" for e in [
        ev("a", "2026-10-12T10:00:00Z", "assigned", owner="ana"),     # Monday of W42
        ev("b", "2026-10-13T10:00:00Z", "assigned", owner="bob"),     # Tuesday: the quota's 2 reached
    ]))
    proc = run("report", str(spec), str(events), "--as-of", "2026-10-14T12:00:00Z", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    rep = json.loads(proc.stdout)
    (quota,) = rep["quotas"]
    assert (quota["rule"], quota["period"], quota["status"], quota["value"]) == ("assignments", "2026-W42", "met", 2)
    assert rep["periods"][-1]["complete"] is False                # the week is still running
    assert "so far" in quota["reason"]


def test_response_percentiles_and_durations():
    assert percentile([], 90) is None
    assert percentile([5.0], 90) == 5.0
    assert percentile(list(map(float, range(1, 11))), 90) == 9.0     # nearest rank: 9th of 10
    assert percentile(list(map(float, range(1, 12))), 90) == 10.0    # ceil(9.9) = 10th of 11
    assert duration_text(None) == "" and duration_text(42) == "42s"
    assert duration_text(3600 * 27 + 300) == "27h 05m"               # working time: never days


def test_rich_table_has_the_same_numbers():
    pytest.importorskip("rich")
    a = slacode.load(ROOT / SPEC)
    result = a.evaluate(slacode.read_events(ROOT / EVENTS).records, as_of=AS_OF)
    comp = compliance(result, by="owner", period="month", plan=a.plan)
    text = render_rich(comp, width=160, color=False)
    sales = comp.group_total("sales")
    assert "sales" in text and f"{sales.rate:.1%}" in text and str(sales.met) in text


def test_unknown_grouping_or_period_is_refused():
    a = slacode.loads(agreement_text("UTC"))
    result = a.evaluate([], as_of="2026-10-14T12:00:00Z")
    with pytest.raises(ValueError, match="names no lead field"):      # any other name is a lead field
        compliance(result, by="field:")
    with pytest.raises(ValueError, match="period"):
        compliance(result, period="year")
    assert compliance(result).periods == [] and render_text(compliance(result)) == "No verdicts to report.\n"


simple_events = st.lists(
    st.tuples(st.integers(0, 5), st.integers(0, 60 * 24 * 20), st.sampled_from(["assigned", "contact_attempt",
                                                                                 "won", "hold"]),
              st.sampled_from(["ana", "bob", "cy"]), st.integers(0, 100)),
    max_size=40)


def _to_events(items):
    out = []
    for lead, minute, kind, owner, score in items:
        at = (datetime(2026, 10, 20, tzinfo=ZoneInfo("America/Sao_Paulo")) + timedelta(minutes=minute)).isoformat()
        if kind == "assigned":
            out.append(ev(f"L{lead}", at, "assigned", owner=owner, fields={"score": score}))
        elif kind == "won":
            out.append(ev(f"L{lead}", at, "state", state="won"))
        elif kind == "hold":
            out.append(ev(f"L{lead}", at, "state", state="on_hold"))
        else:
            out.append(ev(f"L{lead}", at, "contact_attempt"))
    return out


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(simple_events, st.sampled_from(["day", "week", "month"]))
def test_every_grouping_counts_every_verdict_once(items, period):
    a = slacode.loads(agreement_text("America/Sao_Paulo"))
    result = a.evaluate(_to_events(items), as_of="2026-11-15T12:00:00-03:00")
    per_lead = [v for v in result.verdicts if v.lead is not None]
    statuses = Counter(v.status for v in per_lead)
    for by in ("rule", "owner", "assignee", "segment"):
        comp = compliance(result, by=by, period=period, plan=a.plan)
        total = comp.total
        assert {s: getattr(total, s) for s in statuses} == dict(statuses)
        assert total.total == len(per_lead)
        for (g, label), cell in comp.cells.items():
            assert label in {p.label for p in comp.periods}
            if cell.rate is not None:
                assert 0 <= cell.rate <= 1
            if cell.responses:
                assert min(cell.responses) <= cell.median_seconds <= cell.p90_seconds <= max(cell.responses)
    board = standings(result)
    assert sum(s.met for s in board) == sum(1 for v in per_lead if v.status == "met" and v.assignee)


# -------------------------------------------------------------------------- upcoming

UP_EVENTS = [
    # first touch 2h, warn at 50%: assigned 10:00, so warns at 11:00, due 12:00
    ev("calm", "2026-10-14T10:00:00Z", "assigned", owner="ana"),
    # assigned 09:00: at 10:30 it is at risk (1h30 of 2h); next moment is the deadline 11:00
    ev("risky", "2026-10-14T09:00:00Z", "assigned", owner="bob"),
    # hot: 30 min; assigned 10:20, due 10:50, warn 10:35
    ev("hot", "2026-10-14T10:20:00Z", "assigned", owner="cy", fields={"score": 90}),
    # touched in time: first touch met, nothing to remind; decision still open
    ev("done", "2026-10-14T08:00:00Z", "assigned", owner="ana"),
    ev("done", "2026-10-14T08:05:00Z", "contact_attempt"),
    # on hold since 09:00: the decision clock is paused
    ev("held", "2026-10-13T10:00:00Z", "assigned", owner="dan"),
    ev("held", "2026-10-13T10:01:00Z", "contact_attempt"),
    ev("held", "2026-10-14T09:00:00Z", "state", state="on_hold"),
    # breached already (assigned yesterday, never touched): not upcoming
    ev("late", "2026-10-13T06:00:00Z", "assigned", owner="eve"),
    ev("late", "2026-10-13T06:01:00Z", "state", state="won"),
]


def test_upcoming_lists_open_clocks_soonest_first():
    a = slacode.loads(agreement_text("UTC"))
    dues = upcoming(a, UP_EVENTS, as_of="2026-10-14T10:30:00Z")
    keys = [(d.lead, d.rule, d.status, d.next) for d in dues]
    # every open timed clause is there, and nothing else
    result = a.evaluate(UP_EVENTS, as_of="2026-10-14T10:30:00Z")
    open_timed = {(v.lead, v.rule) for v in result.verdicts
                  if v.lead and v.status in ("pending", "at_risk", "paused") and v.clause == "within"}
    assert {(d.lead, d.rule) for d in dues} == open_timed
    assert ("late", "first_touch") not in open_timed
    assert keys[:3] == [("hot", "first_touch", "pending", "warn"),        # 10:35
                        ("risky", "first_touch", "at_risk", "due"),       # 11:00
                        ("calm", "first_touch", "pending", "warn")]       # 11:00 (warn), due 12:00 after
    nexts = [d.next_at for d in dues]
    assert nexts == sorted(nexts)
    hot = dues[0]
    assert hot.next_at == datetime.fromisoformat("2026-10-14T10:35:00+00:00")
    assert hot.due_at == datetime.fromisoformat("2026-10-14T10:50:00+00:00")
    assert hot.time_left == timedelta(minutes=20) and hot.working_left == timedelta(minutes=20)
    assert hot.until_next == timedelta(minutes=5) and hot.segment == "hot" and hot.assignee == "cy"
    held = next(d for d in dues if d.lead == "held" and d.rule == "decision")
    assert held.paused and held.status == "paused"
    # 23h used before the hold; if the hold ended now, 1h would remain: due 11:30
    assert held.working_left == timedelta(hours=1)
    assert held.due_at == datetime.fromisoformat("2026-10-14T11:30:00+00:00")
    doc = held.to_dict()
    assert doc["paused"] is True and doc["next"] == "due" and doc["working_left_seconds"] == 3600


def test_upcoming_keeps_the_diagnostics_of_events_it_could_not_use():
    a = slacode.loads(agreement_text("UTC"))
    events = list(UP_EVENTS) + [{"lead": "x", "at": "2026-10-14 09:00:00", "type": "assigned"}]
    dues = upcoming(a, events, as_of="2026-10-14T10:30:00Z")
    assert [d.code for d in dues.diagnostics] == ["SLA504"]
    assert list(dues) == list(upcoming(a, UP_EVENTS, as_of="2026-10-14T10:30:00Z"))
    assert upcoming(a, UP_EVENTS, as_of="2026-10-14T10:30:00Z").diagnostics == []


def test_upcoming_overdue_adds_the_open_clocks_past_their_deadline_first():
    a = slacode.loads(agreement_text("UTC"))
    as_of = "2026-10-14T10:30:00Z"
    plain = upcoming(a, UP_EVENTS, as_of=as_of)
    late = upcoming(a, UP_EVENTS, as_of=as_of, overdue=True)
    result = a.evaluate(UP_EVENTS, as_of=as_of)
    overdue = {(v.lead, v.rule) for v in result.verdicts if v.overdue}
    assert ("late", "first_touch") in overdue
    # only breached clocks that are still open: a stopped or cancelled one is not overdue
    assert all(v.status == "breached" and v.completed_at is None for v in result.verdicts if v.overdue)
    assert [d for d in late if d.next != "overdue"] == list(plain)
    firsts = late[:len(overdue)]
    assert {(d.lead, d.rule) for d in firsts} == overdue and all(d.next == "overdue" for d in firsts)
    assert all(d.status == "breached" and d.time_left.total_seconds() < 0 for d in firsts)
    assert [d.next_at for d in late] == sorted(d.next_at for d in late)
    assert all(d.next_at == d.due_at for d in firsts)


def test_upcoming_window_keeps_what_warns_or_falls_due_in_time():
    a = slacode.loads(agreement_text("UTC"))
    soon = upcoming(a, UP_EVENTS, as_of="2026-10-14T10:30:00Z", within="30m")
    assert [(d.lead, d.rule) for d in soon] == [("hot", "first_touch"), ("risky", "first_touch"),
                                                ("calm", "first_touch")]
    assert upcoming(a, UP_EVENTS, as_of="2026-10-14T10:30:00Z", within=timedelta(minutes=4)) == []
    every = upcoming(a, UP_EVENTS, as_of="2026-10-14T10:30:00Z")
    assert len(every) > len(soon)
    with pytest.raises(ValueError, match="timezone-aware"):
        upcoming(a, UP_EVENTS, as_of=datetime(2026, 10, 14, 10, 30))


@pytest.mark.parametrize("text, minutes", [("2h", 120), ("1h30m", 90), ("45m", 45), ("1d", 1440),
                                           ("90 minutes", 90), ("1 hour 5 minutes", 65), (" 0m ", 0)])
def test_parse_window(text, minutes):
    assert parse_window(text) == timedelta(minutes=minutes)


@pytest.mark.parametrize("text", ["", "2", "h", "2 fortnights", "-1h", "2h30"])
def test_parse_window_refuses_nonsense(text):
    with pytest.raises(ValueError, match="duration"):
        parse_window(text)


def test_a_window_too_long_for_a_timedelta_is_refused_plainly():
    assert parse_window("2900000d") == timedelta(days=2_900_000)
    with pytest.raises(ValueError, match="would end after the year 9999"):
        parse_window("1000000000d")


def test_due_list_against_checks_verdicts(checked):
    proc = run("due", SPEC, EVENTS, "--as-of", AS_OF, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    expected = {(v["lead"], v["rule"], v["clause"], v["cycle"]) for v in checked["verdicts"]
                if v["lead"] and v["status"] in ("pending", "at_risk", "paused")
                and v["clause"] in ("within", "at_least_within")}
    got = [(d["lead"], d["rule"], d["clause"], d["cycle"]) for d in doc["due"]]
    assert set(got) == expected and len(got) == len(expected)
    # the input's problems are said, as check says them (the example's events have some)
    assert doc["diagnostics"] == checked["diagnostics"] != []
    instants = [datetime.fromisoformat(d["next_at"]) for d in doc["due"]]
    assert instants == sorted(instants)
    paused = [d for d in doc["due"] if d["paused"]]
    assert len(paused) == sum(1 for v in checked["verdicts"] if v["status"] == "paused")
    by_key = {(v["lead"], v["rule"], v["clause"], v["cycle"]): v for v in checked["verdicts"] if v["lead"]}
    for d in doc["due"]:
        v = by_key[(d["lead"], d["rule"], d["clause"], d["cycle"])]
        assert d["due_at"] == v["due_at"]
        assert d["working_left_seconds"] == pytest.approx(max(v["target_seconds"] - v["elapsed_seconds"], 0))


def test_due_command_formats_and_window():
    args = ("due", SPEC, EVENTS, "--as-of", "2026-11-19T11:00:00-03:00")
    table = run(*args, "--within", "3h")
    assert table.returncode == 0 and "nw-0323" in table.stdout and "open clocks" in table.stderr
    lines = run(*args, "--within", "3h", "--format", "jsonl").stdout.splitlines()
    rows = [json.loads(x) for x in lines]
    assert rows and all(r["lead"] for r in rows)
    horizon = datetime.fromisoformat("2026-11-19T14:00:00-03:00")
    assert all(datetime.fromisoformat(r["next_at"]) <= horizon for r in rows)
    as_csv = list(csv.DictReader(io.StringIO(run(*args, "--within", "3h", "--format", "csv").stdout)))
    assert [r["lead"] for r in as_csv] == [r["lead"] for r in rows]
    mine = run(*args, "--assignee", "felipe.araujo", "--format", "json")
    assert {d["assignee"] for d in json.loads(mine.stdout)["due"]} == {"felipe.araujo"}
    bad = run(*args, "--within", "soon")
    assert bad.returncode == 2 and "--within soon" in bad.stderr


def test_report_command_errors_exit_2(tmp_path):
    assert run("report", SPEC, EVENTS, "--rule", "nope").returncode == 2
    assert run("report", SPEC, EVENTS, "--by", "field:").returncode == 2      # (`--by team`: a lead field)
    assert run("report", "missing.sla", EVENTS).returncode == 2
    proc = run("report", SPEC, EVENTS, "--as-of", AS_OF, "--html", str(tmp_path / "no" / "dir" / "r.html"))
    assert proc.returncode == 2 and "cannot write" in proc.stderr
    assert proc.stdout == "", "refused before the report is printed, not after"
    proc = run("report", SPEC, EVENTS, "--as-of", AS_OF, "--html", str(tmp_path))
    assert proc.returncode == 2 and "is a folder" in proc.stderr and proc.stdout == ""
    proc = run("report", SPEC, EVENTS, "--as-of", AS_OF, "--html", "")
    assert proc.returncode == 2 and "needs the name of the file" in proc.stderr and proc.stdout == ""


def test_due_times_under_a_minute_ago_are_zero_minutes_not_minus_zero():
    from datetime import timedelta

    from slacode.cmd_report import _wall

    assert [_wall(timedelta(seconds=s)) for s in (-30, 0, 59, -60, -3600 - 61)] == ["0m", "0m", "0m", "-1m", "-1h 01m"]


def test_report_rule_filter():
    rep = json.loads(run("report", SPEC, EVENTS, "--as-of", AS_OF, "--rule", "first_touch", "--rule", "disposition",
                         "--format", "json").stdout)
    assert [g["rule"] for g in rep["groups"]] == ["first_touch.within", "disposition.within"]


def test_report_owner_filter_keeps_the_rules_of_that_team():
    """review 9-a: a rep's leaderboard counted marketing's handoffs (recycled cycles carry the
    previous rep); `--owner sales` keeps the rules sales owns."""
    agreement = slacode.load(ROOT / SPEC)
    sales = {rp.name for rp in agreement.plan.rules if rp.owner == "sales"}
    assert sales and sales != {rp.name for rp in agreement.plan.rules}
    rep = json.loads(run("report", SPEC, EVENTS, "--as-of", AS_OF, "--owner", "sales", "--format", "json").stdout)
    assert {g["rule"].split(".")[0] for g in rep["groups"]} == sales
    assert {v["owner"] for v in rep["quotas"] + rep["targets"]} == {"sales"}
    marketing = json.loads(run("report", SPEC, EVENTS, "--as-of", AS_OF, "--owner", "marketing", "--format",
                               "json").stdout)
    assert {v["owner"] for v in marketing["quotas"] + marketing["targets"]} == {"marketing"}
    bad = run("report", SPEC, EVENTS, "--as-of", AS_OF, "--owner", "legal")
    assert bad.returncode == 2 and "--owner legal: no rule, target or quota of the agreement" in bad.stderr


def test_report_reads_stdin():
    data = (ROOT / EVENTS).read_text(encoding="utf-8")
    a = run("report", SPEC, "-", "--as-of", AS_OF, "--format", "json", stdin=data)
    b = run("report", SPEC, EVENTS, "--as-of", AS_OF, "--format", "json")
    assert json.loads(a.stdout)["total"] == json.loads(b.stdout)["total"]


# -------------------------------------------------------------------------- progress

class FakeTTY(io.StringIO):
    encoding = "utf-8"

    def isatty(self):
        return True


def test_progress_passes_records_through_and_erases_its_line():
    ticks = iter(range(10_000))
    stream = FakeTTY()
    with Progress(stream, interval=0.5, clock=lambda: next(ticks)) as p:
        out = list(p.wrap(range(1000)))
        assert out == list(range(1000)) and p.count == 1000
        shown = stream.getvalue()
        assert "reading events… 256" in shown and "1,000 done" in shown
    assert stream.getvalue().endswith("\r\x1b[2K")


def test_progress_disabled_writes_nothing():
    stream = FakeTTY()
    with Progress(stream, enabled=False) as p:
        assert list(p.wrap(iter("abc"))) == ["a", "b", "c"]
        p.note("hello")
    assert stream.getvalue() == ""


def test_progress_is_wanted_only_for_people_on_a_terminal():
    assert wanted("table", FakeTTY())
    assert not wanted("json", FakeTTY()) and not wanted("csv", FakeTTY()) and not wanted("jsonl", FakeTTY())
    assert not wanted("table", io.StringIO())


def _many_events(path, leads=10_000):
    with open(path, "w", encoding="utf-8") as f:
        for i in range(leads):
            f.write(json.dumps(ev(f"L{i:06d}", "2026-10-14T10:00:00Z", "assigned", owner="ana")) + "\n")
            f.write(json.dumps(ev(f"L{i:06d}", "2026-10-14T10:30:00Z", "contact_attempt")) + "\n")


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pseudo-terminal")
@pytest.mark.parametrize("fmt, shown", [("table", True), ("json", False)])
def test_progress_shows_on_a_terminal_only_for_tables(tmp_path, fmt, shown):
    import pty

    spec = tmp_path / "desk.sla"
    spec.write_text(agreement_text("UTC"))
    events = tmp_path / "many.jsonl"
    _many_events(events)
    master, slave = pty.openpty()
    cmd = ([SLACODE] if SLACODE else [sys.executable, "-m", "slacode"]) + [
        "report", str(spec), str(events), "--as-of", "2026-10-15T00:00:00Z", "--format", fmt]
    chunks: list[bytes] = []

    def drain():                       # read the terminal side while the command runs
        while True:
            try:
                chunk = os.read(master, 65536)
            except OSError:
                return
            if not chunk:
                return
            chunks.append(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=slave, cwd=ROOT)
    os.close(slave)
    stdout, _ = proc.communicate(timeout=120)
    reader.join(timeout=10)
    os.close(master)
    err = b"".join(chunks)
    assert proc.returncode == 0
    text = err.decode("utf-8", "replace")
    assert ("reading events" in text) == shown, text
    if shown:
        assert text.rstrip("\r\n").endswith("\x1b[2K") or "\x1b[2K" in text
    assert b"reading events" not in stdout
    # a pipe never gets it
    piped = run("report", str(spec), str(events), "--as-of", "2026-10-15T00:00:00Z", "--format", fmt)
    assert "reading events" not in piped.stderr and "\r" not in piped.stderr


def test_agreement_upcoming_is_the_library_entry_point():
    import slacode
    from slacode.report import upcoming

    agreement = slacode.load("specs/northwind.sla")
    events = slacode.read_events(["specs/events.jsonl"]).records
    as_of = "2026-11-20T18:00:00-03:00"
    got = agreement.upcoming(events, as_of=as_of, within="4d")
    assert got == upcoming(agreement, events, as_of=as_of, within="4d")
    assert got, "the bundled example has clocks due by Tuesday (as of a Friday evening)"
    assert [d.next_at for d in got] == sorted(d.next_at for d in got)


def test_due_with_nothing_open_says_so_with_or_without_a_window(tmp_path):
    events = tmp_path / "none.jsonl"
    events.write_text("")
    assert run("due", SPEC, str(events), "--as-of", AS_OF).stdout == "No open clock.\n"
    assert run("due", SPEC, str(events), "--as-of", AS_OF, "--within", "2h").stdout == \
        "No open clock in that window.\n"


def test_rates_are_never_shown_as_100_percent_with_a_breach_nor_0_with_a_met():
    from slacode.texts import rate_text

    assert [rate_text(r) for r in (0.9996, 1.0, 0.0004, 0.0, 0.875)] == [">99.9%", "100.0%", "<0.1%", "0.0%", "87.5%"]
    assert [rate_text(r, 0) for r in (0.996, 0.004, 0.5)] == [">99%", "<1%", "50%"]


def test_report_of_an_agreement_with_only_quotas_shows_them(tmp_path):
    """review 9-f: "No verdicts to report." while two quota periods were breached."""
    spec = tmp_path / "q.sla"
    spec.write_text('agreement "q" { version "1"; timezone "UTC"; teams sales }\n'
                    "quota calls {\n  owner sales\n  count call\n  at least 5 per week\n}\n")
    events = tmp_path / "e.jsonl"
    events.write_text('{"lead":"A","at":"2026-11-10T10:00:00Z","type":"call"}\n')
    out = run("report", str(spec), str(events), "--as-of", "2026-11-24T10:00:00Z").stdout
    assert out.startswith("No lead verdicts to report.\n")
    rows = [ln.split() for ln in out.splitlines() if ln.startswith("calls ")]
    assert rows == [["calls", "2026-W46", "breached", "1", ">=", "5"], ["calls", "2026-W47", "breached", "0", ">=", "5"],
                    ["calls", "2026-W48", "*", "pending", "0", ">=", "5"]]
    page = tmp_path / "q.html"
    run("report", str(spec), str(events), "--as-of", "2026-11-24T10:00:00Z", "--html", str(page))
    assert "No lead verdict was breached; 2 target or quota periods were" in page.read_text()


def test_html_shows_text_reordering_characters_by_name_and_each_due_time_with_its_offset(tmp_path):
    from slacode.report.html import _dt, escape

    assert escape("\u202eevil<b>") == "[U+202E]evil&lt;b&gt;"
    from datetime import datetime, timezone, timedelta

    assert _dt(datetime(2026, 11, 23, 11, 2, tzinfo=timezone(timedelta(hours=-5)))) == "Mon 23 Nov 11:02 -05:00"


def test_due_names_an_assignee_it_does_not_know_and_html_refuses_dash():
    proc = run("due", SPEC, EVENTS, "--as-of", AS_OF, "--assignee", "carla.mendez")
    assert "no lead is assigned to 'carla.mendez' (did you mean 'carla.mendes'?)" in proc.stderr
    # a difference of case (any amount of it) or spaces, as `check --lead` matches lead ids
    for written in ("Carla.Mendes", "CARLA.MENDES", " carla.mendes"):
        proc = run("due", SPEC, EVENTS, "--as-of", AS_OF, "--assignee", written)
        assert f"no lead is assigned to {written!r} (did you mean 'carla.mendes'?)" in proc.stderr, proc.stderr
        # nothing listed: said once, not also as a count of none
        assert proc.stdout == "No open clock.\n" and "0 open clocks" not in proc.stderr
    proc = run("due", SPEC, EVENTS, "--as-of", AS_OF, "--assignee", "zzzz")
    assert "(did you mean" not in proc.stderr and "no lead is assigned to 'zzzz'" in proc.stderr
    proc = run("report", SPEC, EVENTS, "--as-of", AS_OF, "--html", "-")
    assert proc.returncode == 2 and "--html writes a file" in proc.stderr


def test_the_plain_table_pads_wide_characters_by_their_width():
    from slacode.report.tables import display_width

    assert [display_width(s) for s in ("ana", "李小龍", "José", "😀", "e\u0301")] == [3, 6, 4, 2, 1]


def test_late_clocks_show_how_late_with_a_minus_and_goals_keep_their_decimals():
    """review 9-h: -1800 s read `-1d 23h` (floor division of a negative number); a goal of
    99.5% read `goal 100%`."""
    from slacode.report.html import _wall

    assert [_wall(s) for s in (-1800, -60, -104400, 0, 59, 7500)] == ["-30m", "-1m", "-1d 5h", "0m", "0m", "2h 05m"]
    agreement = slacode.loads('agreement "a" { version "1"; timezone "UTC"; teams sales }\n'
                              "deadline d {\n  owner sales\n  start on a\n  stop on b\n  within 1h\n}\n"
                              "target t {\n  owner sales\n  rule d\n  at least 99.5% met per week\n}\n")
    result = agreement.evaluate([{"lead": "L", "at": "2026-11-02T10:00:00Z", "type": "a"},
                                 {"lead": "L", "at": "2026-11-02T10:30:00Z", "type": "b"}], as_of="2026-11-10T00:00:00Z")
    assert any("goal 99.5%" in v.reason for v in result.verdicts if v.rule == "t")


def test_terminal_tables_show_text_reordering_characters_by_name():
    """review 9-h: `due` and the text tables printed U+202E raw, and the terminal reordered the line."""
    import tempfile
    from pathlib import Path

    from slacode.texts import visible

    assert visible("\u202eevil") == "[U+202E]evil" and visible("José") == "José"
    with tempfile.TemporaryDirectory() as folder:
        spec, events = Path(folder) / "a.sla", Path(folder) / "e.jsonl"
        spec.write_text('agreement "a" { version "1"; timezone "UTC"; teams sales }\n'
                        "deadline d {\n  owner sales\n  start on assigned\n  stop on call\n  within 4h\n}\n")
        events.write_text('{"lead":"L","at":"2026-11-24T09:00:00Z","type":"assigned","owner":"\u202eevil"}\n'
                          '{"lead":"M","at":"2026-11-23T09:00:00Z","type":"assigned","owner":"\u202eevil"}\n'
                          '{"lead":"M","at":"2026-11-23T10:00:00Z","type":"call"}\n', encoding="utf-8")
        due = run("due", str(spec), str(events), "--as-of", "2026-11-24T10:00:00Z").stdout
        table = run("report", str(spec), str(events), "--as-of", "2026-11-24T10:00:00Z", "--by", "assignee").stdout
    assert "[U+202E]evil" in due and "\u202e" not in due
    assert "[U+202E]evil" in table and "\u202e" not in table


def test_the_text_report_ends_with_the_targets_and_quotas_as_check_judges_them(checked):
    out = run("report", SPEC, EVENTS, "--as-of", AS_OF).stdout
    table = out[out.index("targets and quotas"):].splitlines()[2:]
    aggregates = [v for v in checked["verdicts"] if v["lead"] is None]
    assert len(table) == len(aggregates)
    for line, v in zip(table, aggregates):
        cells = line.split()
        assert cells[0] == v["rule"] and cells[1] == v["period"] and v["status"] in cells


def test_attempts_clocks_say_how_many_attempts_are_made_and_needed(tmp_path):
    text = '''agreement "t" {
  version "1"
  timezone "UTC"
  teams sales
}
segment hot = score >= 80
attempts cadence {
  owner sales
  start on assigned
  stop on enter sql
  at least 3 within 1d for hot
  at least 4 within 2d
}
attempts daily {
  owner sales
  start on assigned
  stop on enter sql
  at least 2 per day within 3d
}
deadline first_touch {
  owner sales
  start on assigned
  stop on contact_attempt
  within 4h
}
'''
    a = slacode.loads(text)
    events = [ev("A", "2026-11-02T10:00:00Z", "assigned", owner="ana"),
              ev("A", "2026-11-02T11:00:00Z", "contact_attempt"),
              ev("A", "2026-11-03T09:00:00Z", "contact_attempt"),
              ev("A", "2026-11-03T09:30:00Z", "contact_attempt"),
              ev("B", "2026-11-01T08:00:00Z", "assigned", owner="bo", fields={"score": 90}),
              ev("B", "2026-11-01T09:00:00Z", "contact_attempt")]
    as_of = "2026-11-03T12:00:00Z"
    dues = upcoming(a, events, as_of=as_of, overdue=True)
    got = {(d.lead, d.rule, d.clause): (d.status, d.attempts_made, d.attempts_needed) for d in dues}
    # A: 3 of the default line's 4 in the cycle; on day 2 of `daily` (from 10:00 on the 3rd) none yet
    assert got[("A", "cadence", "at_least_within")] == ("pending", 3, 4)
    assert got[("A", "daily", "at_least_per_day")] == ("pending", 0, 2)
    # B: hot, 1 of 3 and its day ended: overdue, and the count says how far it got
    assert got[("B", "cadence", "at_least_within")] == ("breached", 1, 3)
    assert all(d.attempts_made is None and d.attempts_needed is None for d in dues if d.clause == "within")
    doc = next(d for d in dues if d.lead == "A" and d.rule == "cadence").to_dict()
    assert (doc["attempts_made"], doc["attempts_needed"]) == (3, 4)
    (tmp_path / "a.sla").write_text(text)
    (tmp_path / "e.jsonl").write_text("".join(json.dumps(e) + "\n" for e in events))
    out = subprocess.run([sys.executable, "-m", "slacode", "due", "a.sla", "e.jsonl", "--as-of", as_of],
                         cwd=tmp_path, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    head, *rows = out.stdout.splitlines()
    assert head.rstrip().endswith("attempts")
    assert next(r for r in rows if "cadence" in r).rstrip().endswith("3 of 4")


def test_a_team_goal_beside_per_rep_goals_names_no_rep(tmp_path):
    """A team-wide target listed beside a `by assignee` one: its row has no rep ("—"), and
    `(unassigned)` stays the leads nobody held (review 14-b)."""
    spec = tmp_path / "a.sla"
    spec.write_text('agreement "a" { version "1"; timezone "UTC"; teams sales }\n'
                    "deadline d {\n  owner sales\n  start on enter mql\n  stop on call\n  within 4h\n}\n"
                    "target team { owner sales; rule d; at least 50% met per month }\n"
                    "target reps { owner sales; rule d; by assignee; at least 50% met per month }\n")
    events = tmp_path / "e.jsonl"
    events.write_text("".join(json.dumps(e) + "\n" for e in [
        ev("L", "2026-11-02T09:00:00Z", "assigned", owner="ana"), ev("L", "2026-11-02T09:00:00Z", "state", state="mql"),
        ev("L", "2026-11-02T10:00:00Z", "call"),
        ev("M", "2026-11-03T09:00:00Z", "state", state="mql")]))           # nobody holds M
    out = run("report", str(spec), str(events), "--as-of", "2026-11-30T23:00:00Z").stdout
    cells = {tuple(line.split()[:4]) for line in out[out.index("targets and quotas"):].splitlines()[2:]}
    assert cells == {("team", "2026-11", "*", "—"), ("reps", "2026-11", "*", "ana"),
                     ("reps", "2026-11", "*", "(unassigned)")}, out


def test_the_table_says_which_days_its_last_week_is():
    """review 19k: `2026-W47` alone gives no dates."""
    weekly = run("report", SPEC, EVENTS, "--as-of", AS_OF).stdout
    assert "weeks are ISO weeks, Monday to Sunday: 2026-W47 is Mon 2026-11-16 to Sun 2026-11-22" in weekly
    monthly = run("report", SPEC, EVENTS, "--as-of", AS_OF, "--period", "month").stdout
    assert "ISO weeks" not in monthly


# ------------------------------------------------- review 22c: settled periods, one-clause medians

MIXED = '''
agreement "mix" {
  version "1"
  timezone "UTC"
  teams marketing, sales
}

handoff routing {
  owner marketing
  start on mql
  stop on assigned
  within 1h
}

deadline first_touch {
  owner sales
  start on assigned
  stop on contact_attempt
  within 4h
}

deadline cadence {
  owner sales
  start on assigned where desk == "br"
  stop on won
  within 20d
}
'''


def _mixed_events():
    """ana (the `br` desk, so `cadence` applies) touches in 10 and 20 minutes and wins in 20
    and 30 hours; bob (no `cadence`) touches in 60 and 90 minutes. W41 is 2026-10-05..11."""
    out = []
    for lead, rep, desk, day, touch, won in (("a1", "ana", "br", 5, 10, 20 * 60), ("a2", "ana", "br", 6, 20, 30 * 60),
                                             ("b1", "bob", "us", 5, 60, None), ("b2", "bob", "us", 6, 90, None)):
        start = datetime(2026, 10, day, 9, 0, tzinfo=ZoneInfo("UTC"))
        out.append(ev(lead, start.isoformat(), "assigned", owner=rep, desk=desk))
        out.append(ev(lead, (start + timedelta(minutes=touch)).isoformat(), "contact_attempt"))
        if won is not None:
            out.append(ev(lead, (start + timedelta(minutes=won)).isoformat(), "won"))
    return out


def test_a_reps_median_is_of_one_clause_not_a_mix_of_deadlines():
    """review 22c-2: ana's 10-minute touches were mixed with her 20-hour cadences, so bob (to
    whom no cadence applies) looked faster than her."""
    a = slacode.loads(MIXED)
    result = a.evaluate(_mixed_events(), as_of="2026-10-14T12:00:00Z")
    comp = compliance(result, by="assignee", plan=a.plan)
    assert comp.response == "first_touch.within"      # the first `deadline`: not the `handoff` before it
    ana, bob = comp.group_total("ana"), comp.group_total("bob")
    assert (ana.median_seconds, bob.median_seconds) == (900.0, 4500.0)          # 15m < 1h 15m
    assert (len(ana.responses), ana.p90_seconds) == (2, 1200.0)
    assert comp.total.median_seconds == 2400.0                 # 10, 20, 60, 90 minutes
    assert comp.to_dict()["response_clause"] == "first_touch.within"
    board = {s.assignee: s.to_dict()["median_seconds"] for s in standings(result, response=comp.response)}
    assert board == {"ana": 900.0, "bob": 4500.0}
    # another clause, by name or by rule (its first timed clause), or by choosing the rules
    assert compliance(result, by="assignee", plan=a.plan, response="cadence").group_total("ana").median_seconds \
        == 25 * 3600.0
    only = compliance(result, by="assignee", plan=a.plan, rules=["cadence"])
    assert only.response == "cadence.within" and only.group_total("bob").median_seconds is None
    with pytest.raises(ValueError, match="no timed clause"):
        compliance(result, by="assignee", plan=a.plan, response="first_touch.require")
    text = render_text(comp)
    assert "first_touch.within alone" in text and "--rule picks another" in text


def test_by_rule_each_row_has_its_own_median_and_a_mix_has_none():
    a = slacode.loads(MIXED)
    result = a.evaluate(_mixed_events(), as_of="2026-10-14T12:00:00Z")
    comp = compliance(result, by="rule", plan=a.plan)
    assert comp.group_total("first_touch.within").median_seconds == 2400.0
    assert comp.group_total("cadence.within").median_seconds == 25 * 3600.0
    total = comp.total.to_dict()
    assert total["responses"] == 6 and total["median_seconds"] is None and total["p90_seconds"] is None
    assert "lines that add up several clauses show none" in render_text(comp)
    # without a plan to choose by, a line of several clauses has no median either
    loose = compliance(result, by="assignee")
    assert loose.response is None and loose.group_total("ana").median_seconds is None
    assert loose.group_total("bob").median_seconds == 4500.0        # bob's are of one clause
    # with one timed clause counted, the `all` line has its median
    one = compliance(result, by="rule", plan=a.plan, rules=["first_touch"])
    assert one.total.median_seconds == 2400.0


def test_an_ended_period_with_undecided_verdicts_is_not_settled():
    """review 22c-1: a finished week whose long clocks were still open read as final and
    better than it was (mets come early, breaches late)."""
    a = slacode.loads(MIXED)
    events = [e for e in _mixed_events() if not (e["lead"] == "a2" and e["type"] == "won")]
    result = a.evaluate(events, as_of="2026-10-14T12:00:00Z")           # Wednesday of W42
    comp = compliance(result, by="rule", plan=a.plan)
    w41, w42 = comp.periods
    assert (w41.complete, w42.complete) == (True, False)
    cadence, touch = comp.cell("cadence.within", "2026-W41"), comp.cell("first_touch.within", "2026-W41")
    assert (cadence.met, cadence.pending, cadence.rate) == (1, 1, 1.0)   # 100%, but a2's clock still runs
    assert not cadence.settled(w41) and touch.settled(w41) and not comp.cell("cadence.within", "2026-W42").settled(w42)
    rows = {(r["rule"], r["period"]): r for r in comp.rows()}
    assert rows[("cadence.within", "2026-W41")]["complete"] is True
    assert rows[("cadence.within", "2026-W41")]["settled"] is False
    assert rows[("first_touch.within", "2026-W41")]["settled"] is True
    assert rows[("first_touch.within", "2026-W42")]["settled"] is False      # running: never settled
    doc = comp.to_dict()
    assert [(p["complete"], p["settled"]) for p in doc["periods"]] == [(True, False), (False, False)]
    assert [t["settled"] for t in doc["totals"]] == [False, False]
    text = render_text(comp)
    assert any(ln.split()[:3] == ["cadence.within", "2026-W41", "~"] for ln in text.splitlines()), text
    assert any(ln.split()[:2] == ["first_touch.within", "2026-W41"] and ln.split()[2] != "~"
               for ln in text.splitlines())
    assert "~ period ended, but some of the line's verdicts are still undecided" in text
    csv_rows = {(r["rule"], r["period"]): r for r in csv.DictReader(io.StringIO(render_csv(comp)))}
    assert csv_rows[("cadence.within", "2026-W41")]["settled"] == "false"
    assert csv_rows[("first_touch.within", "2026-W41")]["settled"] == "true"
    # every period settled: no mark, no note
    done = compliance(a.evaluate(_mixed_events(), as_of="2026-10-14T12:00:00Z"), by="rule", plan=a.plan,
                      rules=["first_touch", "cadence"])
    assert "~" not in render_text(done)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(simple_events, st.sampled_from(["day", "week"]))
def test_settled_means_ended_with_nothing_undecided(items, period):
    a = slacode.loads(agreement_text("America/Sao_Paulo"))
    result = a.evaluate(_to_events(items), as_of="2026-11-03T12:00:00-03:00")
    comp = compliance(result, by="assignee", period=period, plan=a.plan)
    open_by_cell = Counter()
    for v in result.verdicts:
        if v.lead is not None and v.status in ("pending", "at_risk", "paused") and v.clause != "transition":
            label = label_of(datetime.fromtimestamp(v.started_at / 1e6, ZoneInfo("UTC")).isoformat(), period,
                             "America/Sao_Paulo")
            open_by_cell[(as_text_or(v.assignee), label)] += 1
    for row in comp.rows():
        key = (row["assignee"], row["period"])
        assert row["settled"] == (row["complete"] and open_by_cell[key] == 0), key


def as_text_or(assignee) -> str:
    return assignee if assignee else "(unassigned)"


def test_a_pending_flow_verdict_does_not_keep_a_period_from_settling():
    """A lead that never reaches a final state keeps its `flow` verdict pending for ever:
    counted as undecided, it does not make its week unsettled (a clock still open does)."""
    a = slacode.loads(MIXED.replace("deadline cadence", "states {\n  new\n  won final\n}\n\nflow {\n  new -> won\n}\n\ndeadline cadence"))
    events = [ev("f1", "2026-10-05T08:00:00+00:00", "state", state="new")] + [
        e for e in _mixed_events() if not (e["lead"] == "a2" and e["type"] == "won")]
    result = a.evaluate(events, as_of="2026-10-14T12:00:00Z")
    assert [v.status for v in result.verdicts if v.lead == "f1"] == ["pending"]          # the flow
    comp = compliance(result, by="assignee", plan=a.plan, rules=["first_touch", "flow"])
    w41 = comp.periods[0]
    cell = comp.cell("(unassigned)", "2026-W41")
    assert (cell.pending, cell.lasting, cell.settled(w41)) == (1, 1, True)
    with_clock = compliance(result, by="assignee", plan=a.plan)      # a2's cadence clock still runs
    assert not with_clock.cell("ana", "2026-W41").settled(w41)
