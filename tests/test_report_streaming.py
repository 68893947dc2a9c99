"""`report` and `due` reduce the verdicts lead by lead (review 22c F6): their output, in every
format, serial and in processes, is byte for byte what the whole verdict list gives.

The reference here is the one the commands had before: the library's evaluation
(``evaluate_many``, every verdict in memory) fed to :func:`~slacode.report.compliance`,
:func:`~slacode.report.standings`, :func:`~slacode.report.html.render_html` and
:func:`~slacode.report.due.due_list`. The commands go through the sinks of
:mod:`slacode.report.sinks`, which see one lead's verdicts at a time. The HTML page's due
cards, which keep only the clocks they show, are checked apart against the whole list.
"""
from __future__ import annotations

import json
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import slacode
from slacode import parallel
from slacode.cli import main
from slacode.cmd_report import _render_due
from slacode.report import tables
from slacode.report.due import due_list, escalations, window_of
from slacode.report.html import Dashboard, render_html
from slacode.report.scoring import standings
from slacode.report.teams import render_text as teams_text, team_standings
from tests.conftest import ROOT

NORTHWIND = ROOT / "specs" / "northwind.sla"
NORTHWIND_EVENTS = ROOT / "specs" / "events.jsonl"
NORTHWIND_AS_OF = "2026-11-20T18:00:00-03:00"

# several teams, two calendars' worth of clocks, warning levels, escalations (`breach of`,
# `warning of`), attempts clocks, a target per rep, a quota: what the sinks must carry
AGREEMENT = '''
agreement "stream-desk" {
  version "1"
  timezone "America/Sao_Paulo"
  teams marketing, sales, sales_mgmt
}

calendar office {
  timezone "America/Sao_Paulo"
  hours mon-fri 09:00-18:00
}

segment hot = score >= 80

deadline first_touch {
  owner sales
  start on assigned
  stop on contact_attempt
  restart on assigned
  pause while state == on_hold
  within 1h on office for hot
  within 2h on office
  warn 30m before
  warn at 50%
}

deadline manager_call {
  owner sales_mgmt
  start on breach of first_touch
  stop on manager_call
  within 1h on office
}

deadline heads_up {
  owner sales_mgmt
  start on warning of first_touch
  stop on reassigned
  within 3h on office
}

attempts follow_up {
  owner sales
  start on assigned
  stop on enter won
  count contact_attempt
  at least 2 within 1d on office
  at least 1 per day within 3d on office
  gap at most 1d on office
}

deadline routing {
  owner marketing
  start on enter mql
  stop on assigned
  within 4h
}

target hot_first_touch {
  owner sales
  rule first_touch for hot
  at least 80% met per week
}

target reps {
  owner sales
  rule follow_up
  by assignee
  at least 50% met per month
}

quota assignments {
  owner marketing
  count assigned
  at least 3 per week
}
'''
REPS = ("ana", "bob", "carla", "")
BASE = datetime(2026, 11, 2, 12, 0, tzinfo=timezone.utc)


PARALLEL_RUNS: list = []


@pytest.fixture(autouse=True)
def small_inputs_in_parallel(monkeypatch):
    """Small files are split among processes too (`--jobs 2`), as large ones are; the runs
    that were are counted, so that a test of `--jobs 2` knows it ran in processes."""
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 0)
    monkeypatch.setattr(parallel, "MIN_PARALLEL_RECORDS", 0)
    real = parallel.run_parallel

    def counted(*args, **kwargs):
        run = real(*args, **kwargs)
        PARALLEL_RUNS.append(run is not None)
        return run

    monkeypatch.setattr(parallel, "run_parallel", counted)


def run(capsys, *argv) -> tuple[str, str]:
    jobs = argv[argv.index("--jobs") + 1] if "--jobs" in argv else None
    before = len(PARALLEL_RUNS)
    code = main([str(a) for a in argv])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    if jobs == 2 and parallel.can_fork():       # the processes' path, not the serial one, was taken
        assert PARALLEL_RUNS[before:] == [True]
    return captured.out, captured.err


# ----------------------------------------------------------------------- references

def evaluated(agreement, events, as_of: str, group_by: str | None = None):
    """Every verdict in memory, the agreement's diagnostics first, as the commands had it."""
    result = agreement.evaluate_many([str(events)], as_of=as_of, jobs=1, group_by=group_by)
    result.diagnostics[:0] = list(agreement.diagnostics)
    return result


def selected_rules(plan, rules, owners):
    """The rules `--rule` and `--owner` select together (as the command works them out)."""
    selected = list(rules) or None
    if owners:
        selected = [rp.name for rp in plan.rules if rp.owner in owners and (not rules or rp.name in rules)]
    return selected


def reference_report(agreement, events, as_of, by, period, fmt, rules=(), owners=(), html=False, rank="points"):
    """``(stdout, page)`` of `report` computed from the whole verdict list."""
    plan = agreement.plan
    by, lead_field = tables.grouping(by)
    result = evaluated(agreement, events, as_of, lead_field)
    selected = selected_rules(plan, rules, owners)
    if owners:
        result.verdicts = [v for v in result.verdicts if v.lead is not None or v.owner in owners]
    comp = tables.compliance(result, by=by, period=period, plan=plan, rules=selected)
    teams = team_standings(comp, plan, owners)          # the teams' points for goals met
    if fmt == "json":
        board = [s.to_dict() for s in standings(result, rules=selected, response=comp.response, rank=rank)]
        out = tables.render_json(comp, {"recognition": board, "rank": rank, "team_standings": teams.to_dict()})
    elif fmt == "csv":
        out = tables.render_csv(comp)
    else:
        out = tables.render_text(comp) + (teams_text(teams) if by == "owner" else "")
    page = (render_html(agreement, result, by=by, period=period, rules=selected, compliance_table=comp, rank=rank,
                        owners=owners)
            if html else None)
    return out, page


def reference_due(agreement, events, as_of, within, overdue, assignees, fmt):
    """``(stdout, overdue clocks not listed, names no lead has)`` of `due` from the whole list."""
    result = evaluated(agreement, events, as_of)
    window = None if within is None else window_of(within, result.as_of, result.zone)
    keep = set(assignees) if assignees else None
    items = due_list(result.verdicts, result.as_of, window, overdue, escalations(agreement.plan))
    unknown = []
    if keep is not None:
        items = [d for d in items if d.assignee in keep]
        known = {v.assignee for v in result.verdicts if v.assignee}
        unknown = sorted(keep - known)
    missed = sum(1 for v in result.verdicts if v.overdue and (keep is None or v.assignee in keep))
    return _render_due(items, result, fmt, window), missed, unknown, len(items)


# --------------------------------------------------------------------------- checks

def check_report(capsys, tmp_path, agreement, spec, events, as_of, by, period, fmt, rules=(), owners=(),
                 html=False, jobs=1, rank="points"):
    argv = ["report", spec, events, "--as-of", as_of, "--by", by, "--period", period, "--format", fmt,
            "--jobs", jobs, "--rank", rank]
    for r in rules:
        argv += ["--rule", r]
    for o in owners:
        argv += ["--owner", o]
    page_file = tmp_path / f"page-{jobs}.html"
    if html:
        argv += ["--html", page_file]
    out, _ = run(capsys, *argv)
    want, page = reference_report(agreement, events, as_of, by, period, fmt, rules, owners, html, rank)
    assert out == want
    if html:
        assert page_file.read_text(encoding="utf-8") == page


def check_due(capsys, agreement, spec, events, as_of, within=None, overdue=False, assignees=(), fmt="table",
              jobs=1):
    argv = ["due", spec, events, "--as-of", as_of, "--format", fmt, "--jobs", jobs]
    if within is not None:
        argv += ["--within", within]
    if overdue:
        argv.append("--overdue")
    for a in assignees:
        argv += ["--assignee", a]
    out, err = run(capsys, *argv)
    want, missed, unknown, listed = reference_due(agreement, events, as_of, within, overdue, assignees, fmt)
    assert out == want
    if fmt == "table" and listed:
        assert f"{listed:,} open clock" in err
    if fmt == "table" and not overdue:
        assert (f"{missed} more clock" in err) == bool(missed), err
    for name in assignees:
        assert (f"no lead is assigned to {name!r}" in err) == (name in unknown), err


# ------------------------------------------------------------------ the example file

@pytest.fixture(scope="module")
def northwind():
    return slacode.load(NORTHWIND)


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("by, period, fmt, rules, owners, html", [
    ("rule", "week", "table", (), (), True),
    ("assignee", "week", "json", (), (), True),
    ("owner", "month", "csv", (), (), False),
    ("segment", "day", "json", (), (), True),
    ("country", "week", "json", (), (), True),              # a lead field
    ("field:owner", "week", "csv", (), (), False),          # a lead field named like a grouping
    ("assignee", "day", "table", ("follow_up",), (), True),
    ("rule", "quarter", "json", (), ("sales",), True),
    ("assignee", "week", "json", ("first_touch",), ("sales",), True),
])
def test_report_on_the_example_is_what_the_whole_verdict_list_gives(capsys, tmp_path, northwind, by, period, fmt,
                                                                     rules, owners, html, jobs):
    check_report(capsys, tmp_path, northwind, NORTHWIND, NORTHWIND_EVENTS, NORTHWIND_AS_OF, by, period, fmt, rules,
                 owners, html, jobs)


@pytest.mark.parametrize("rank", ["rate", "met", "median", "breached"])
def test_a_ranked_board_is_what_the_whole_verdict_list_gives(capsys, tmp_path, northwind, rank):
    check_report(capsys, tmp_path, northwind, NORTHWIND, NORTHWIND_EVENTS, NORTHWIND_AS_OF, "assignee", "week",
                 "json", (), (), True, 2, rank)


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("within, overdue, assignees, fmt", [
    (None, False, (), "table"),
    ("2h", False, (), "table"),
    ("1d", True, (), "json"),
    (None, True, ("carla.mendes", "jake.morison"), "table"),      # one known, one misspelt
    ("3d", False, ("diego.santos",), "csv"),
    ("today", False, (), "table"),
    ("tomorrow", True, ("diego.santos",), "json"),
    (None, True, (), "jsonl"),
])
def test_due_on_the_example_is_what_the_whole_verdict_list_gives(capsys, northwind, within, overdue, assignees,
                                                                  fmt, jobs):
    check_due(capsys, northwind, NORTHWIND, NORTHWIND_EVENTS, NORTHWIND_AS_OF, within, overdue, assignees, fmt, jobs)


# ---------------------------------------------------------------- generated events

def lead_events(rnd: random.Random, lead: str) -> list[dict]:
    """One lead's history: it enters mql (a score, maybe a region), is assigned, called,
    put on hold, escalated to a manager, reassigned, won, in some order over days."""
    at = BASE + timedelta(days=rnd.randrange(0, 35), minutes=rnd.randrange(0, 600))
    fields = {"score": rnd.choice([50, 90])}
    if rnd.random() < 0.7:
        fields["region"] = rnd.choice(["APAC", "EMEA", "LATAM"])
    out = [{"lead": lead, "at": at, "type": "state", "state": "mql", "fields": fields}]
    for _ in range(rnd.randrange(0, 9)):
        at += timedelta(minutes=rnd.choice([5, 20, 45, 90, 200, 600, 1500, 3000]))
        kind = rnd.choice(["assigned", "assigned", "contact_attempt", "contact_attempt", "contact_attempt",
                           "hold", "back", "won", "manager_call", "reassigned", "update"])
        if kind == "assigned":
            event = {"type": "assigned", "owner": rnd.choice(REPS)}
        elif kind == "hold":
            event = {"type": "state", "state": "on_hold"}
        elif kind in ("back", "won"):
            event = {"type": "state", "state": "mql" if kind == "back" else "won"}
        elif kind == "update":
            event = {"type": "update", "fields": {"region": rnd.choice(["APAC", "EMEA"]), "score": 90}}
        else:
            event = {"type": kind}
        out.append({"lead": lead, "at": at, **event})
    return out


def write_events(path: Path, seed: int, leads: int, order: str) -> None:
    rnd = random.Random(seed)
    events = [e for i in range(leads) for e in lead_events(rnd, f"L{i:03d}")]
    if order == "time":
        events.sort(key=lambda e: e["at"])
    elif order == "shuffled":
        rnd.shuffle(events)
    with path.open("w") as f:
        for e in events:
            f.write(json.dumps({**e, "at": e["at"].isoformat()}) + "\n")


@pytest.fixture(scope="module")
def desk():
    return slacode.loads(AGREEMENT)


@pytest.fixture(scope="module")
def desk_spec(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("spec") / "desk.sla"
    path.write_text(AGREEMENT)
    return path


SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
AS_OFS = st.integers(min_value=2, max_value=40).map(
    lambda days: (BASE + timedelta(days=days, hours=days % 7)).isoformat())


@SETTINGS
@given(seed=st.integers(0, 10**6), leads=st.integers(1, 14), order=st.sampled_from(["lead", "time", "shuffled"]),
       as_of=AS_OFS, by=st.sampled_from(["rule", "owner", "assignee", "segment", "region"]),
       period=st.sampled_from(["day", "week", "month"]), fmt=st.sampled_from(["table", "csv", "json"]),
       rules=st.sampled_from([(), ("first_touch",), ("follow_up", "routing")]),
       owners=st.sampled_from([(), ("sales",), ("marketing", "sales_mgmt")]), html=st.booleans(),
       jobs=st.sampled_from([1, 2]))
def test_report_on_generated_events_is_what_the_whole_verdict_list_gives(capsys, tmp_path, desk, desk_spec, seed,
                                                                        leads, order, as_of, by, period, fmt, rules,
                                                                        owners, html, jobs):
    events = tmp_path / f"events-{seed}-{leads}-{order}.jsonl"
    write_events(events, seed, leads, order)
    if owners and rules and not selected_rules(desk.plan, rules, owners):
        return                                  # refused: --owner and --rule select no rule together
    check_report(capsys, tmp_path, desk, desk_spec, events, as_of, by, period, fmt, rules, owners, html, jobs)


@SETTINGS
@given(seed=st.integers(0, 10**6), leads=st.integers(1, 14), order=st.sampled_from(["lead", "time", "shuffled"]),
       as_of=AS_OFS, within=st.sampled_from([None, "30m", "2h", "1d", "5d"]), overdue=st.booleans(),
       assignees=st.sampled_from([(), ("ana",), ("bob", "carla"), ("anna",)]),
       fmt=st.sampled_from(["table", "json", "jsonl", "csv"]), jobs=st.sampled_from([1, 2]))
def test_due_on_generated_events_is_what_the_whole_verdict_list_gives(capsys, tmp_path, desk, desk_spec, seed, leads,
                                                                     order, as_of, within, overdue, assignees, fmt,
                                                                     jobs):
    events = tmp_path / f"events-{seed}-{leads}-{order}.jsonl"
    write_events(events, seed, leads, order)
    check_due(capsys, desk, desk_spec, events, as_of, within, overdue, assignees, fmt, jobs)


# ------------------------------------------------------------------ the due cards

def cards_by_hand(verdicts, as_of: int, rules, due_limit: int, late_limit: int) -> tuple:
    """The page's due cards as the whole due list gives them: the first ``due_limit`` coming
    due, the ``late_limit`` most recently late (a stable sort), how many more, the oldest."""
    wanted = set(rules) if rules is not None else None
    dues = due_list([v for v in verdicts if v.lead is not None and (wanted is None or v.rule in wanted)], as_of,
                    overdue=True)
    coming = [d for d in dues if d.next != "overdue"]
    late = sorted((d for d in dues if d.next == "overdue"), key=lambda d: d.due_at, reverse=True)
    rest = late[late_limit:]
    oldest = min(d.due_at for d in rest) if rest else None
    return (coming[:due_limit], len(coming), late[:late_limit], len(late), len(rest),
            None if oldest is None else (oldest, oldest.utcoffset()),
            sum(d.status == "at_risk" for d in dues), sum(d.paused for d in dues))


@SETTINGS
@given(seed=st.integers(0, 10**6), leads=st.integers(1, 40), as_of=AS_OFS, due_limit=st.integers(0, 4),
       late_limit=st.integers(0, 4), rules=st.sampled_from([None, ["follow_up"]]))
def test_the_due_cards_keep_what_the_whole_list_shows(tmp_path, desk, seed, leads, as_of, due_limit, late_limit,
                                                      rules):
    """Fed a lead at a time and cut back as often as can be (no slack), the page's cards
    are the whole list's: the same clocks in the same order, ties included, and the
    oldest deadline not shown written in the same zone."""
    events = tmp_path / f"events-{seed}-{leads}.jsonl"
    write_events(events, seed, leads, "lead")
    result = evaluated(desk, events, as_of)
    facts = Dashboard(desk.plan, result.zone, result.as_of, rules=rules, due_limit=due_limit,
                      late_limit=late_limit)
    facts.SLACK = 0
    by_lead: dict = {}
    for v in result.verdicts:
        by_lead.setdefault(v.lead, []).append(v)
    for verdicts in by_lead.values():
        facts.add(verdicts)
    c = facts.clocks()
    got = (c.coming, c.coming_count, c.late, c.late_count, c.more,
           None if c.oldest_late is None else (c.oldest_late, c.oldest_late.utcoffset()), c.at_risk, c.paused)
    assert got == cards_by_hand(result.verdicts, result.as_of, rules, due_limit, late_limit)


def test_late_clocks_with_one_deadline_keep_their_order_and_the_oldest_not_shown():
    """Many clocks late since the same instant, in two zones: the card shows the first by
    lead, and the oldest not shown is the first of the rest, written in its own zone."""
    from slacode.verdict import Verdict

    as_of = 2_000_000_000_000_000
    zones = [timezone.utc, timezone(timedelta(hours=-3))]
    verdicts = [Verdict(f"L{i:02d}", "d", "within", 1, "breached", started_at=as_of - 10**10,
                        due_at=as_of - 10**9, overdue=True, zone=zones[i % 2]) for i in range(9)]
    for limit in range(0, 10):
        facts = Dashboard(None, timezone.utc, as_of, late_limit=limit)
        facts.SLACK = 0
        for v in reversed(verdicts):
            facts.add([v])
        c = facts.clocks()
        assert [d.lead for d in c.late] == [f"L{i:02d}" for i in range(min(limit, 9))]
        want = cards_by_hand(verdicts, as_of, None, 15, limit)
        assert (c.more, None if c.oldest_late is None else (c.oldest_late, c.oldest_late.utcoffset())) == want[4:6]
