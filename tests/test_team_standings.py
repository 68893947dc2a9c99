"""Team standings by goals met (`report --by owner`, JSON `team_standings`, the page's card).

A point per target or quota verdict met, for the goal's owner team, added up per report
period by the goal period's start; the numbers are checked against `slacode check`'s goal
verdicts, counted here independently (periods worked out with zoneinfo).
"""
from __future__ import annotations

import json
import os
from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import slacode
from slacode.report import compliance, team_standings
from slacode.report.teams import TeamScore, rank_teams, render_text
from tests.conftest import ROOT, run_slacode

SPEC = "specs/northwind.sla"
EVENTS = "specs/events.jsonl"
AS_OF = "2026-11-20T18:00:00-03:00"

LEAGUE = """
agreement "league" {
  version "1"
  timezone "America/Sao_Paulo"
  teams marketing, sales
}

deadline first_touch {
  owner sales
  start on assigned
  stop on contact_attempt
  within 24h
}

target on_time {
  owner sales
  rule first_touch
  at least 90% met per month
}

quota calls_per_rep {
  owner sales
  count contact_attempt
  by assignee
  at least 1 per month
}

quota handoffs {
  owner marketing
  count assigned
  at least 2 per month
}

quota unfit_leads {
  owner marketing
  count disqualified
  at most 1 per month
}
"""


def ev(lead, at, type_, **kw):
    return {"lead": lead, "at": at, "type": type_, **kw}


LEAGUE_EVENTS = [
    ev("L-1", "2026-07-06T10:00:00-03:00", "assigned", owner="ana"),
    ev("L-1", "2026-07-06T15:00:00-03:00", "contact_attempt"),
    ev("L-2", "2026-07-20T10:00:00-03:00", "assigned", owner="bruno"),
    ev("L-2", "2026-07-21T09:00:00-03:00", "contact_attempt"),
    ev("L-3", "2026-08-10T10:00:00-03:00", "assigned", owner="ana"),
    ev("L-3", "2026-08-13T10:00:00-03:00", "contact_attempt"),
    ev("L-3", "2026-08-14T10:00:00-03:00", "disqualified"),
    ev("L-2", "2026-08-20T10:00:00-03:00", "disqualified"),
    ev("L-4", "2026-09-01T10:00:00-03:00", "assigned", owner="ana"),
    ev("L-4", "2026-09-01T11:00:00-03:00", "contact_attempt"),
    ev("L-5", "2026-09-02T10:00:00-03:00", "assigned", owner="bruno"),
    ev("L-5", "2026-09-02T16:00:00-03:00", "contact_attempt"),
    ev("L-6", "2026-09-15T10:00:00-03:00", "assigned", owner="ana"),
    ev("L-6", "2026-09-15T12:00:00-03:00", "contact_attempt"),
    ev("L-7", "2026-10-05T10:00:00-03:00", "assigned", owner="bruno"),
    ev("L-7", "2026-10-05T11:00:00-03:00", "contact_attempt"),
    ev("L-8", "2026-10-19T10:00:00-03:00", "assigned", owner="ana"),
    ev("L-8", "2026-10-22T10:00:00-03:00", "contact_attempt"),
    ev("L-8", "2026-10-23T10:00:00-03:00", "disqualified"),
    ev("L-9", "2026-11-03T10:00:00-03:00", "assigned", owner="ana"),
    ev("L-9", "2026-11-03T12:00:00-03:00", "contact_attempt"),
    ev("L-10", "2026-11-17T10:00:00-03:00", "assigned", owner="bruno"),
]
LEAGUE_AS_OF = "2026-11-18T12:00:00-03:00"


def run(*args, cwd=ROOT):
    env = dict(os.environ, NO_COLOR="1", COLUMNS="200")
    env.pop("FORCE_COLOR", None)
    return run_slacode(args, cwd=cwd, env=env)      # in this process (tests.conftest)


@pytest.fixture(scope="module")
def league_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("league")
    (folder / "league.sla").write_text(LEAGUE, encoding="utf-8")
    (folder / "league.jsonl").write_text("".join(json.dumps(e) + "\n" for e in LEAGUE_EVENTS), encoding="utf-8")
    return folder / "league.sla", folder / "league.jsonl"


def league(as_of=LEAGUE_AS_OF, events=LEAGUE_EVENTS, period="quarter", text=LEAGUE, owners=None):
    agreement = slacode.loads(text)
    result = agreement.evaluate(events, as_of=as_of)
    comp = compliance(result, by="owner", period=period, plan=agreement.plan)
    return comp, team_standings(comp, agreement.plan, owners)


def line(p, team):
    return next(s for s in p.teams if s.team == team)


# ------------------------------------------------------------------ the scoring

def test_a_quarter_of_monthly_goals_scores_a_point_per_goal_met():
    _, ts = league()
    q3, q4 = ts.periods
    assert (q3.label, q3.complete, q3.settled) == ("2026-Q3", True, True)
    # sales: on_time Jul, Sep met (Aug breached); calls ana Jul-Sep, bruno Jul, Sep met (Aug breached)
    assert (line(q3, "sales").points, line(q3, "sales").goals, line(q3, "sales").breached) == (7, 9, 2)
    # marketing: handoffs and unfit_leads met in July and September, both breached in August
    assert (line(q3, "marketing").points, line(q3, "marketing").goals) == (4, 6)
    assert [s.team for s in q3.teams] == ["sales", "marketing"] and q3.winners == ["sales"]
    assert [(s.rank, s.tied) for s in q3.teams] == [(1, False), (2, False)]


def test_a_running_period_counts_the_goals_met_so_far_and_not_the_pending_ones():
    _, ts = league()
    q4 = ts.periods[-1]
    assert not q4.complete and not q4.settled
    sales, marketing = line(q4, "sales"), line(q4, "marketing")
    # November: handoffs already reached (met while running); unfit_leads (at most) pending until the end
    assert (marketing.met, marketing.open, marketing.points) == (3, 1, 3)
    # November: ana's calls met; bruno's calls and on_time pending; October's on_time breached
    assert (sales.met, sales.open, sales.breached, sales.points) == (3, 2, 1, 3)
    # once November has ended its goals are decided: unfit_leads met (0 of at most 1), bruno's calls
    # and on_time breached (L-10 was never called)
    _, later = league(as_of="2026-12-01T00:00:00-03:00", period="month")
    november = next(p for p in later.periods if p.label == "2026-11")
    assert november.settled
    assert (line(november, "marketing").points, line(november, "marketing").open) == (2, 0)
    assert (line(november, "sales").points, line(november, "sales").breached) == (1, 2)


def test_ties_share_the_rank_and_are_listed_by_name():
    _, ts = league()
    q4 = ts.periods[-1]
    assert [(s.team, s.rank, s.tied) for s in q4.teams] == [("marketing", 1, True), ("sales", 1, True)]
    assert q4.winners == ["marketing", "sales"]
    text = render_text(ts)
    assert "2026-Q4 *  1=    marketing" in text and "           1=    sales" in text
    assert "=: tied on points" in text


def test_rank_teams_is_a_competition_ranking():
    scores = [TeamScore("d", met=1), TeamScore("b", met=3), TeamScore("a", met=3), TeamScore("c", met=2, empty=1)]
    ordered = rank_teams(scores)
    assert [(s.team, s.rank, s.tied) for s in ordered] == [("a", 1, True), ("b", 1, True), ("c", 3, True),
                                                          ("d", 3, True)]
    assert [(s.team, s.rank, s.tied) for s in rank_teams([TeamScore("x", met=2), TeamScore("y", met=1)])] == \
        [("x", 1, False), ("y", 2, False)]


def test_a_target_period_with_nothing_to_judge_is_met_but_worth_no_point():
    # no lead at all in August: on_time's August is met with no value; it scores nothing
    events = [e for e in LEAGUE_EVENTS if not e["at"].startswith("2026-08")]
    comp, ts = league(events=events)
    august = next(v for v in comp.targets if v.period == "2026-08")
    assert (august.status, august.value) == ("met", None)
    sales = line(ts.periods[0], "sales")
    assert sales.empty == 1 and sales.points == sales.met - 1
    text = render_text(ts)
    assert "empty" in text.splitlines()[2] and "met but worth no point" in text


def test_the_line_of_leads_nobody_was_assigned_is_nobodys_goal():
    events = LEAGUE_EVENTS + [ev("L-x", "2026-07-08T10:00:00-03:00", "assigned"),
                              ev("L-x", "2026-07-08T11:00:00-03:00", "contact_attempt")]
    comp, ts = league(events=events)
    nobody = [v for v in comp.quotas if v.rule == "calls_per_rep" and v.assignee is None]
    assert nobody and any(v.status == "met" for v in nobody)      # a point, were it counted
    _, before = league()
    assert line(ts.periods[0], "sales").points == line(before.periods[0], "sales").points
    assert line(ts.periods[0], "sales").goals == line(before.periods[0], "sales").goals
    assert ts.unassigned == len(nobody)
    assert "nobody was assigned left out" in render_text(ts)


def test_goals_longer_than_the_period_count_where_they_start():
    _, ts = league(period="week")
    assert ts.longer == ["on_time", "calls_per_rep", "handoffs", "unfit_leads"] and ts.longest == "month"
    # each monthly goal lands in the ISO week holding the 1st: 2026-07-01 is a Wednesday of 2026-W27
    assert [p.label for p in ts.periods][:3] == ["2026-W27", "2026-W31", "2026-W36"]
    assert "--period month fits them" in render_text(ts)
    _, quarterly = league(period="quarter")
    assert quarterly.longer == [] and "fits them" not in render_text(quarterly)


def test_owner_keeps_that_teams_goals_and_a_team_without_goals_is_named():
    _, ts = league(owners=["marketing"])
    assert ts.teams == ["marketing"] and all(len(p.teams) == 1 for p in ts.periods)
    no_marketing_goals = LEAGUE.replace("owner marketing", "owner sales")
    extra = no_marketing_goals + "\nhandoff route { owner marketing; start on created; stop on assigned; within 1h }\n"
    _, ts = league(text=extra)
    assert ts.teams == ["sales"] and ts.without_goals == ["marketing"]
    assert "owning rules but no target or quota, so scoring no point: marketing" in render_text(ts)


def test_no_goal_at_all_says_so():
    text = 'agreement "x" { version "1"; timezone "UTC"; teams sales }\n' \
           "deadline t { owner sales; start on assigned; stop on call; within 1h }\n"
    _, ts = league(text=text, events=[ev("a", "2026-11-02T09:00:00Z", "assigned", owner="ana")])
    assert ts.teams == [] and ts.periods == [] and ts.without_goals == ["sales"]
    assert "no target or quota" in render_text(ts)


# ------------------------------------------------- against `check`, counted apart

def _first_day(goal_period: str) -> date:
    """The first local date of a goal verdict's ``period`` label (``check`` writes no
    ``started_at`` for goals)."""
    if "-W" in goal_period:
        year, week = goal_period.split("-W")
        return date.fromisocalendar(int(year), int(week), 1)
    if "-Q" in goal_period:
        year, q = goal_period.split("-Q")
        return date(int(year), 3 * (int(q) - 1) + 1, 1)
    if goal_period.count("-") == 1:
        return date.fromisoformat(goal_period + "-01")
    return date.fromisoformat(goal_period)


def _label(day: date, period: str) -> str:
    if period == "month":
        return f"{day.year:04d}-{day.month:02d}"
    if period == "quarter":
        return f"{day.year:04d}-Q{(day.month - 1) // 3 + 1}"
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


@pytest.fixture(scope="module")
def checked():
    proc = run("check", SPEC, EVENTS, "--as-of", AS_OF, "--format", "json")
    assert proc.returncode in (0, 1), proc.stderr
    return [v for v in json.loads(proc.stdout)["verdicts"] if v["lead"] is None]


@pytest.mark.parametrize("period", ["week", "month", "quarter"])
def test_points_are_checks_goal_verdicts_met_per_owner_and_period(checked, period):
    proc = run("report", SPEC, EVENTS, "--as-of", AS_OF, "--format", "json", "--period", period)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)["team_standings"]
    points, goals = Counter(), Counter()
    for v in checked:
        key = (_label(_first_day(v["period"]), period), v["owner"])
        goals[key] += 1
        points[key] += v["status"] == "met" and v["value"] is not None
    got_points = {(p["period"], s["team"]): s["points"] for p in doc["periods"] for s in p["standings"]}
    got_goals = {(p["period"], s["team"]): s["goals"] for p in doc["periods"] for s in p["standings"]}
    assert {k: n for k, n in got_points.items() if n} == {k: n for k, n in points.items() if n}
    assert {k: n for k, n in got_goals.items() if n} == dict(goals)
    assert sorted(doc["teams"]) == sorted({v["owner"] for v in checked})
    total = {s["team"]: s["points"] for s in doc["total"]["standings"]}
    assert total == {t: sum(n for (_, team), n in points.items() if team == t) for t in doc["teams"]}


# ------------------------------------------------------------------ the property

_TEAMS = ("marketing", "sales")
_START = datetime(2026, 7, 1, 9, tzinfo=ZoneInfo("America/Sao_Paulo"))
_event = st.tuples(st.sampled_from(["L1", "L2", "L3", "L4", "L5"]), st.integers(0, 150), st.integers(0, 10),
                   st.sampled_from(["assigned", "contact_attempt", "disqualified"]),
                   st.sampled_from(["ana", "bruno", None]))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=st.lists(_event, max_size=25), as_of_day=st.integers(0, 200),
       period=st.sampled_from(["week", "month", "quarter"]))
def test_points_are_the_met_goal_verdicts_and_ranks_follow_points(raw, as_of_day, period):
    events = []
    for i, (lead, day, hour, type_, rep) in enumerate(raw):
        at = (_START + timedelta(days=day, hours=hour)).isoformat()
        e = ev(lead, at, type_, id=f"e{i}")
        if type_ == "assigned" and rep is not None:
            e["owner"] = rep
        events.append(e)
    as_of = (_START + timedelta(days=as_of_day)).isoformat()
    comp, ts = league(as_of=as_of, events=events, period=period)
    counted = [v for v in comp.targets + comp.quotas if not (v.rule == "calls_per_rep" and v.assignee is None)]
    for team in _TEAMS:
        mine = [v for v in counted if v.owner == team]
        total = line(ts.total, team)
        assert total.points == sum(v.status == "met" and v.value is not None for v in mine)
        assert total.goals == len(mine)
        assert total.open == sum(v.status in ("pending", "at_risk") for v in mine)
        assert total.points == sum(line(p, team).points for p in ts.periods)
    for p in ts.periods + [ts.total]:
        assert [s.team for s in p.teams] == sorted(_TEAMS, key=lambda t: (-line(p, t).points, t))
        for s in p.teams:
            assert s.rank == 1 + sum(o.points > s.points for o in p.teams)
            assert s.tied == any(o.points == s.points for o in p.teams if o is not s)
    assert ts.unassigned == sum(v.rule == "calls_per_rep" and v.assignee is None for v in comp.quotas)


# --------------------------------------------------------------- the command line

def test_the_table_by_owner_ends_with_the_standings(league_files):
    spec, events = league_files
    proc = run("report", spec, events, "--as-of", LEAGUE_AS_OF, "--by", "owner", "--period", "quarter")
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert out.index("targets and quotas") < out.index("team standings per quarter")
    assert "2026-Q3    1     sales           7      9         2          0" in out
    by_rule = run("report", spec, events, "--as-of", LEAGUE_AS_OF, "--period", "quarter").stdout
    assert "team standings" not in by_rule                # the table is by team only with --by owner
    csv_out = run("report", spec, events, "--as-of", LEAGUE_AS_OF, "--by", "owner", "--format", "csv").stdout
    assert "team standings" not in csv_out


def test_json_has_team_standings_and_recognition_unchanged(league_files):
    spec, events = league_files
    proc = run("report", spec, events, "--as-of", LEAGUE_AS_OF, "--period", "quarter", "--format", "json")
    doc = json.loads(proc.stdout)
    ts = doc["team_standings"]
    assert ts["period"] == "quarter" and ts["teams"] == ["marketing", "sales"]
    q4 = ts["periods"][-1]
    assert (q4["period"], q4["complete"], q4["settled"], q4["winners"]) == ("2026-Q4", False, False,
                                                                            ["marketing", "sales"])
    assert q4["standings"][0] == {"team": "marketing", "rank": 1, "tied": True, "points": 3, "goals": 4, "met": 3,
                                  "breached": 0, "open": 1, "empty": 0}
    assert set(ts["total"]) == {"period", "settled", "winners", "standings"}
    assert [set(s) for s in doc["recognition"]] == [{"assignee", "points", "met", "breached", "rate", "open",
                                                     "perfect_weeks", "median_seconds"}] * len(doc["recognition"])


def test_json_validates_against_the_report_schema(league_files):
    from tests.test_schemas_outputs import problems, valid

    spec, events = league_files
    for period in ("week", "quarter"):
        doc = json.loads(run("report", spec, events, "--as-of", LEAGUE_AS_OF, "--period", period,
                             "--format", "json").stdout)
        assert problems("report", doc) == []
    broken = json.loads(json.dumps(doc))
    broken["team_standings"]["periods"][0]["standings"][0]["points"] = -1
    assert not valid("report", broken)
    broken = json.loads(json.dumps(doc))
    broken["team_standings"]["total"]["start"] = broken["team_standings"]["periods"][0]["start"]
    assert not valid("report", broken)


def test_the_page_has_the_team_card(league_files, tmp_path):
    spec, events = league_files
    page = tmp_path / "p.html"
    proc = run("report", spec, events, "--as-of", LEAGUE_AS_OF, "--period", "quarter", "--html", page,
               "--format", "csv")
    assert proc.returncode == 0, proc.stderr
    html = page.read_text(encoding="utf-8")
    card = html[html.index("Goals met: team standings"):]
    card = card[:card.index("</section>")]
    assert card.index(">sales<") < card.index(">marketing<")     # by points over the whole report: 10, 7
    assert card.count('aria-label="leading team"') == 3            # Q3: sales; Q4 so far: both, tied
    assert 'title="2026-Q4: 3 points, rank 1= of 2' in card and "unsettled" in card


def test_jobs_give_identical_output(league_files, tmp_path, monkeypatch, capsys):
    from slacode import parallel
    from slacode.cli import main

    if not parallel.can_fork():
        pytest.skip("parallel evaluation needs fork")
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 0)
    monkeypatch.setattr(parallel, "MIN_PARALLEL_RECORDS", 0)
    spec, events = league_files
    outs = []
    for jobs in ("1", "2", "3"):
        page = tmp_path / f"p{jobs}.html"
        runs = []
        for extra in (["--format", "json"], ["--by", "owner"], ["--html", str(page), "--format", "csv"]):
            code = main(["report", str(spec), str(events), "--as-of", LEAGUE_AS_OF, "--period", "quarter",
                         "--jobs", jobs, *extra])
            assert code == 0
            runs.append(capsys.readouterr().out)
        runs.append(page.read_text(encoding="utf-8"))
        outs.append(runs)
    assert outs[0] == outs[1] == outs[2]
    assert "team standings per quarter" in outs[0][1] and json.loads(outs[0][0])["team_standings"]["periods"]


def test_the_missing_group_of_a_by_field_goal_is_nobodys_goal(tmp_path):
    """An `at least` quota by a field has a line for the leads without the field only in the
    periods where such leads have events: always met, it would be a point never at stake."""
    import slacode
    from slacode.report import compliance
    from slacode.report.teams import team_standings

    agreement = slacode.loads(
        'agreement "t" {\n  version "1"\n  timezone "UTC"\n  teams ops\n}\n'
        "quota big {\n  owner ops\n  count enter mql\n  at least 1 per week\n  by region\n}\n")
    events = [{"lead": "A", "at": "2026-11-03T10:00:00Z", "type": "state", "state": "mql"},
              {"lead": "B", "at": "2026-11-04T10:00:00Z", "type": "state", "state": "mql",
               "fields": {"region": "EU"}}]
    result = agreement.evaluate(events, as_of="2026-11-25T00:00:00Z")
    groups = sorted(str(v.group) for v in result.verdicts if v.rule == "big")
    assert "{'region': None}" in groups                 # the line exists …
    ts = team_standings(compliance(result, by="owner", period="week", plan=agreement.plan), agreement.plan)
    assert ts.ungrouped == 1                            # … but scores nothing
    (ops,) = ts.total.teams
    # the EU line: met in W45, breached in W46 and W47 (no event), pending in W48
    assert (ops.points, ops.met, ops.breached) == (1, 1, 2)
    assert ts.to_dict()["ungrouped_left_out"] == 1
