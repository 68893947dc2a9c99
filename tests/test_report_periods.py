"""How `slacode report` reads its periods for people (the ops and revenue leads' asks):
`--period day` labels carry the weekday, an empty day that no calendar of the rules works
reads `closed`, and each period's change of rate from the one before (`change`,
`rate_change`; an arrow in the HTML). The expected numbers are worked out here from the
verdicts of `check`, not from the report's own cells."""
from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

import slacode
from slacode.report import compliance
from slacode.report.html import render_html
from slacode.report.tables import render_csv, render_text
from slacode.report.trends import change_text, closed_periods, direction, rate_change

SP = ZoneInfo("America/Sao_Paulo")
HEAD = 'agreement "desk" { version "1"; timezone "America/Sao_Paulo"; teams sales }\n'
OFFICE = ('calendar office {\n  timezone "America/Sao_Paulo"\n  hours mon-fri 09:00-18:00\n'
          '  closed 2026-11-19\n}\n')
RULE = "deadline first_touch { owner sales; start on assigned; stop on call; within 2h on office }\n"
WALL = "deadline first_touch { owner sales; start on assigned; stop on call; within 2h }\n"


def _events(plan: list[tuple[str, int, str, str | None]]) -> list[dict]:
    """(lead, day of November 2026, assigned at, called at or None) -> events."""
    out = []
    for lead, day, start, call in plan:
        out.append({"lead": lead, "at": f"2026-11-{day:02d}T{start}:00-03:00", "type": "assigned", "owner": "ana"})
        if call:
            out.append({"lead": lead, "at": f"2026-11-{day:02d}T{call}:00-03:00", "type": "call"})
    return out


# Mon 16 met, Tue 17 one met one breached, Wed 18 breached, Thu 19 closed (nothing), Fri 20
# nothing, Sat 21 a call on the weekend (counted), Sun 22 nothing, Mon 23 met, Tue 24 open
WEEK = _events([("A", 16, "09:00", "09:30"), ("B", 17, "09:00", "10:00"), ("C", 17, "09:00", "12:00"),
                ("D", 18, "10:00", "15:00"), ("E", 21, "10:00", "10:30"), ("F", 23, "09:00", "09:10"),
                ("G", 24, "09:00", None)])
AS_OF = "2026-11-24T10:00:00-03:00"


def _report(text: str = HEAD + OFFICE + RULE, events=WEEK, period: str = "day", by: str = "rule"):
    agreement = slacode.loads(text)
    result = agreement.evaluate(events, as_of=AS_OF)
    return agreement, result, compliance(result, by=by, period=period, plan=agreement.plan)


def _expected_rates(result, period_of) -> dict:
    """period label -> (met, breached), from the lead verdicts' statuses and starts."""
    counts: dict = defaultdict(lambda: [0, 0])
    for v in result.verdicts:
        if v.lead is None or v.status not in ("met", "breached"):
            continue
        label = period_of(datetime.fromtimestamp(v.started_at / 1e6, SP).date())
        counts[label][v.status == "breached"] += 1
    return counts


def test_day_labels_carry_their_weekday_and_an_empty_closed_day_reads_closed():
    _, _, comp = _report()
    text = render_text(comp)
    rows = [line for line in text.splitlines() if re.search(r"\b2026-11-\d\d\b", line) and line[0] != "*"]
    for line in rows:
        day = date.fromisoformat(re.search(r"2026-11-\d\d", line).group(0))
        assert re.search(rf"{day.isoformat()} {day.strftime('%a')}\b", line), line
    by_day = {re.search(r"2026-11-\d\d", line).group(0): line for line in rows}
    # Thursday 19 is `closed` in the calendar, Sunday 22 a weekend: empty, so they read closed
    assert by_day["2026-11-19"].split() == ["2026-11-19", "Thu", "closed"]
    assert by_day["2026-11-22"].split() == ["2026-11-22", "Sun", "closed"]
    # Friday 20 is a working day with nothing started: zeros, not closed
    assert by_day["2026-11-20"].split()[:5] == ["2026-11-20", "Fri", "0", "0", "0"]
    # Saturday 21 is a weekend day, but a lead was assigned on it: counted, not closed
    assert "closed" not in by_day["2026-11-21"] and by_day["2026-11-21"].split()[2:4] == ["1", "0"]
    assert "closed: no calendar of the rules counted works that day, and nothing started" in text
    assert "2026-11-24 Tue *" in text


def test_csv_and_json_add_weekday_and_closed_at_the_end_only_for_days():
    _, _, comp = _report()
    rows = list(csv.reader(io.StringIO(render_csv(comp))))
    head = rows[0]
    assert head[-3:] == ["rate_change", "weekday", "closed"]
    assert head[:16] == ["rule", "period", "start", "end", "complete", "settled", "met", "breached", "rate",
                         "median_seconds", "p90_seconds", "responses", "pending", "at_risk", "paused", "cancelled"]
    got = {r[1]: (r[-2], r[-1]) for r in rows[1:]}
    for label, (weekday, closed) in got.items():
        day = date.fromisoformat(label)
        assert weekday == day.strftime("%a")
        assert closed == ("true" if day.weekday() >= 5 or label == "2026-11-19" else "false")
    doc = comp.to_dict()
    assert {p["period"]: p["closed"] for p in doc["periods"]}["2026-11-21"] is True     # a day, not its counts
    weekly = _report(period="week")[2]
    assert all((p["weekday"], p["closed"]) == (None, None) for p in weekly.to_dict()["periods"])
    assert all(r[-2:] == ["", ""] for r in list(csv.reader(io.StringIO(render_csv(weekly))))[1:])


def test_rules_on_no_calendar_have_no_closed_day():
    _, _, comp = _report(HEAD + WALL)
    assert comp.closed == frozenset()
    assert "closed" not in render_text(comp)
    assert "2026-11-22 Sun" in render_text(comp)


def test_a_holiday_closes_the_day_when_every_calendar_of_the_rules_is_closed():
    """BR's Consciência Negra, Fri 2026-11-20: closed on a calendar with `holidays "BR"`, open on one
    without; with rules on both, it is not closed (one of them works)."""
    br = 'calendar br { timezone "America/Sao_Paulo"; hours mon-fri 09:00-18:00; holidays "BR" }\n'
    plain = 'calendar plain { timezone "America/Sao_Paulo"; hours mon-fri 09:00-18:00 }\n'
    one = HEAD + br + RULE.replace("on office", "on br")
    both = one + plain + "deadline follow { owner sales; start on assigned; stop on call; within 4h on plain }\n"
    agreement = slacode.loads(one)
    result = agreement.evaluate(WEEK, as_of=AS_OF)
    comp = compliance(result, period="day", plan=agreement.plan)
    assert "2026-11-20" in comp.closed
    agreement = slacode.loads(both)
    comp = compliance(agreement.evaluate(WEEK, as_of=AS_OF), period="day", plan=agreement.plan)
    assert "2026-11-20" not in comp.closed and "2026-11-22" in comp.closed
    only = compliance(agreement.evaluate(WEEK, as_of=AS_OF), period="day", plan=agreement.plan, rules=["first_touch"])
    assert "2026-11-20" in only.closed                     # the rules counted are first_touch's alone
    assert closed_periods(agreement.plan, comp.periods, "week") == frozenset()


def test_a_wall_clock_rule_among_those_counted_keeps_every_day_open():
    """A rule on wall-clock time works every day: counted beside a calendar rule, it keeps the
    weekend and the `closed` date open (the same rows read the same with or without it)."""
    mixed = HEAD + OFFICE + RULE + WALL.replace("first_touch", "routing").replace("within 2h", "within 4h")
    agreement = slacode.loads(mixed)
    result = agreement.evaluate(WEEK, as_of=AS_OF)
    both = compliance(result, period="day", plan=agreement.plan)
    assert both.closed == frozenset()
    assert "closed" not in render_text(both).split("* period")[0]
    assert {p["period"]: p["closed"] for p in both.to_dict()["periods"]}["2026-11-22"] is False
    alone = compliance(result, period="day", plan=agreement.plan, rules=["routing"])
    assert alone.closed == frozenset()
    calendar_only = compliance(result, period="day", plan=agreement.plan, rules=["first_touch"])
    assert {"2026-11-19", "2026-11-22"} <= calendar_only.closed


@pytest.mark.parametrize("clause, closed", [
    ("at most 3 per day", False),                 # counts wall-clock days: every day is one
    ("at most 3 per day on office", True),
    ("gap at most 1d", False),
    ("gap at most 1d on office", True),
])
def test_an_attempts_rules_clauses_say_whether_it_works_every_day(clause, closed):
    """An attempts rule with no `at least … within` runs on its clauses' clocks (its placeholder
    line counts no time); beside a calendar rule, a wall-clock clause keeps the days open."""
    text = (HEAD + OFFICE + RULE
            + f"attempts follow {{ owner sales; start on assigned; stop on call; count call; {clause} }}\n")
    agreement = slacode.loads(text)
    comp = compliance(agreement.evaluate(WEEK, as_of=AS_OF), period="day", plan=agreement.plan)
    assert ("2026-11-22" in comp.closed) is closed


def test_a_choice_of_calendars_counts_each_calendar_it_may_pick():
    """A line written `on CHOICE` runs on the calendars it picks from; one of them the wall
    clock would keep every day open, so only calendars are tried here."""
    plain = 'calendar plain { timezone "America/Sao_Paulo"; hours mon-sat 09:00-18:00 }\n'
    choice = "calendar pick = office for hot, plain\n"
    rule = RULE.replace("on office", "on pick")
    text = HEAD + OFFICE + plain + "segment hot = score >= 80\n" + choice + rule
    agreement = slacode.loads(text)
    comp = compliance(agreement.evaluate(WEEK, as_of=AS_OF), period="day", plan=agreement.plan)
    assert "2026-11-22" in comp.closed                     # Sunday: neither calendar works
    assert "2026-11-21" not in comp.closed and "2026-11-19" not in comp.closed   # plain works


@pytest.mark.parametrize("period", ["day", "week"])
def test_rate_change_is_the_rate_minus_the_last_judged_periods_for_ended_periods(period):
    _, result, comp = _report(period=period)
    if period == "day":
        label_of = date.isoformat
    else:
        def label_of(d):
            iso = d.isocalendar()
            return f"{iso.year}-W{iso.week:02d}"
    counts = _expected_rates(result, label_of)

    def rate(label):
        met, breached = counts.get(label, (0, 0))
        return met / (met + breached) if met + breached else None

    labels = [p.label for p in comp.periods]
    as_of_day = date(2026, 11, 24)
    expected = []
    for i, label in enumerate(labels):
        ended = (date.fromisoformat(label) < as_of_day) if period == "day" else label != labels[-1]
        judged_before = [rate(x) for x in labels[:i] if rate(x) is not None]     # empty periods are skipped
        now, before = rate(label), judged_before[-1] if judged_before else None
        expected.append(now - before if ended and now is not None and before is not None else None)
    rows = comp.to_dict()["rows"]
    assert [r["rate_change"] for r in rows] == pytest.approx(expected)
    assert [t["rate_change"] for t in comp.to_dict()["totals"]] == pytest.approx(expected)   # one group
    got_csv = [float(r["rate_change"]) if r["rate_change"] else None
               for r in csv.DictReader(io.StringIO(render_csv(comp)))]
    assert got_csv == pytest.approx(expected)
    if period == "day":                        # Tue 17 (1 of 2) after Mon 16 (1 of 1): 50 points down
        assert expected[1] == pytest.approx(-0.5) and expected[2] == pytest.approx(-0.5)
        assert "-50.0" in render_text(comp)
        by_label = dict(zip(labels, expected))
        # review 23b F5: Sat 21 (1 of 1) after an empty Thu and Fri is compared with Wed 18 (0 of 1),
        # and Mon 23 (1 of 1) after the closed Sunday with Sat 21
        assert by_label["2026-11-21"] == pytest.approx(1.0) and by_label["2026-11-23"] == pytest.approx(0.0)
        assert by_label["2026-11-20"] is None and by_label["2026-11-22"] is None      # nothing judged: no change


def test_the_running_period_has_no_change_and_a_rate_that_moves_back_reads_as_such():
    _, _, comp = _report(period="day")
    assert comp.rows()[-1]["period"] == "2026-11-24" and comp.rows()[-1]["rate_change"] is None
    assert change_text(None) == "" and change_text(0.0) == "0.0" and change_text(0.0004) == "0.0"
    assert change_text(0.125) == "+12.5" and change_text(-1.0) == "-100.0"
    assert [direction(x) for x in (0.2, -0.2, 0.0, None)] == ["up", "down", "same", None]


def test_the_change_after_a_closed_weekend_is_from_the_last_day_judged_and_the_footnote_says_so():
    """review 23b F5: Monday after a closed weekend had no change; it is now Friday's."""
    events = _events([("A", 20, "09:00", "09:30"), ("B", 20, "09:00", "12:00"), ("C", 23, "09:00", "09:10")])
    _, _, comp = _report(events=events)
    assert {"2026-11-21", "2026-11-22"} <= comp.closed
    rows = {r["period"]: r["rate_change"] for r in comp.rows()}
    assert rows["2026-11-23"] == pytest.approx(0.5)             # 1 of 1 against Friday's 1 of 2
    text = render_text(comp)
    monday = next(line for line in text.splitlines() if "2026-11-23 Mon" in line)
    assert "+50.0" in monday
    assert "change: the rate's change from the last day before with something judged" in text


def test_rate_change_needs_both_periods_ended_and_judged():
    from slacode.report.tables import Cell, Period

    p1, p2 = Period("a", 0, 1, True), Period("b", 1, 2, True)
    judged, empty = Cell(met=3, breached=1), Cell()
    assert rate_change(judged, Cell(met=1, breached=1), p1, p2) == pytest.approx(-0.25)
    assert rate_change(empty, judged, p1, p2) is None
    assert rate_change(judged, empty, p1, p2) is None
    assert rate_change(judged, judged, p1, Period("b", 1, 2, False)) is None     # still running
    assert rate_change(None, judged, None, p2) is None


def test_by_group_each_line_is_compared_with_its_own_previous_period():
    events = WEEK + _events([("H", 17, "09:00", "09:20")])
    events[-2]["owner"] = "bruno"
    _, result, comp = _report(events=events, by="assignee")
    rows = {(r["assignee"], r["period"]): r for r in comp.to_dict()["rows"]}
    # bruno had nothing judged on Monday: no change on Tuesday, though ana's falls
    assert rows[("bruno", "2026-11-17")]["rate_change"] is None
    assert rows[("ana", "2026-11-17")]["rate_change"] == pytest.approx(-0.5)


def test_the_html_page_draws_an_arrow_for_each_change_with_its_points():
    agreement, result, comp = _report(period="day")
    page = render_html(agreement, result, period="day", compliance_table=comp)
    changes = [r["rate_change"] for r in comp.to_dict()["rows"] if r["rate_change"] is not None]
    assert changes
    heat = page[page.index("table class=\"heat\""):]
    # one arrow per changed cell of the row, and per changed period total of the all row
    assert heat.count('<span class="chg ') == 2 * len(changes)
    chart = page[page.index("Compliance over time"):page.index("table class=\"heat\"")]
    assert chart.count('<tspan class="chg ') == len(changes)
    assert "▼ -50.0 points from 2026-11-16" in page
    assert "▲ +100.0 points from 2026-11-18" in page         # Sat 21: the empty Thu and Fri skipped
    assert "An arrow after a rate: up or down from the last period before it with something judged" in page


def test_the_report_schema_takes_the_new_fields(tmp_path):
    from tests.test_schemas_outputs import problems

    _, result, comp = _report(period="day")
    from slacode.report.scoring import standings

    doc = json.loads(json.dumps({**comp.to_dict(), "recognition": [s.to_dict() for s in standings(result)],
                                 "rank": "points"}))
    assert problems("report", doc) == []
    doc["periods"][0]["weekday"] = "Monday"
    assert problems("report", doc)


# ------------------------------------------------------------------ the board's order

def _board_events() -> list[dict]:
    """ana: 3 met, 1 breached; bruno: 1 met; carla: 2 met, 2 breached; dora: nothing judged yet."""
    plan = [("ana", "A1", 16, "09:00", "09:10"), ("ana", "A2", 16, "10:00", "10:20"), ("ana", "A3", 17, "09:00", "09:30"),
            ("ana", "A4", 17, "09:00", "15:00"), ("bruno", "B1", 16, "09:00", "09:05"),
            ("carla", "C1", 16, "09:00", "09:50"), ("carla", "C2", 16, "09:00", "10:40"),
            ("carla", "C3", 17, "09:00", "16:00"), ("carla", "C4", 18, "09:00", "17:00"), ("dora", "D1", 24, "09:30", None)]
    out = []
    for rep, lead, day, start, call in plan:
        out += _events([(lead, day, start, call)])
        out[-2 if call else -1]["owner"] = rep
    return out


def _order(rank: str) -> list[str]:
    from slacode.report.scoring import standings

    agreement = slacode.loads(HEAD + OFFICE + RULE)
    result = agreement.evaluate(_board_events(), as_of=AS_OF)
    return [s.assignee for s in standings(result, response="first_touch.within", rank=rank)]


@pytest.mark.parametrize("rank, expected", [
    ("points", ["bruno", "ana", "carla", "dora"]),       # 1 + 5 (a perfect week), 3, 2, 0 points
    ("rate", ["bruno", "ana", "carla", "dora"]),         # 100% of 1, 75%, 50%; nothing judged last
    ("met", ["ana", "carla", "bruno", "dora"]),
    ("median", ["bruno", "ana", "carla", "dora"]),       # 5m; 25m; 1h 15m; none
    ("breached", ["carla", "ana", "bruno", "dora"]),     # 2, 1, then 0 breaches (dora, with nothing judged, last)
])
def test_the_board_is_ranked_as_asked(rank, expected):
    assert _order(rank) == expected


def test_a_rate_ranking_puts_the_rep_with_more_judged_first_among_equal_rates():
    from slacode.report.scoring import Standing, rank_key

    one, forty = Standing("a", met=1), Standing("b", met=40)
    assert sorted([one, forty], key=rank_key("rate")) == [forty, one]
    with pytest.raises(ValueError, match="use one of points, rate, met, median, breached"):
        rank_key("speed")


def test_the_command_ranks_the_json_and_the_page_and_says_when_nothing_shows_it(tmp_path):
    import subprocess
    import sys

    spec = tmp_path / "desk.sla"
    spec.write_text(HEAD + OFFICE + RULE)
    events = tmp_path / "e.jsonl"
    events.write_text("".join(json.dumps(e) + "\n" for e in _board_events()))
    base = [sys.executable, "-m", "slacode", "report", str(spec), str(events), "--as-of", AS_OF]
    done = subprocess.run(base + ["--format", "json", "--rank", "breached"], capture_output=True, text=True)
    doc = json.loads(done.stdout)
    assert doc["rank"] == "breached" and [s["assignee"] for s in doc["recognition"]] == ["carla", "ana", "bruno", "dora"]
    assert "note" not in done.stderr
    page = tmp_path / "r.html"
    subprocess.run(base + ["--rank", "breached", "--html", str(page), "--format", "csv"], capture_output=True, check=True)
    html = page.read_text()
    board = html[html.index('<table class="board">'):]
    board = board[:board.index("</table>")]
    assert [m for m in re.findall(r"<b>([a-z]+)</b>", board)] == ["carla", "ana", "bruno", "dora"]
    assert 'aria-label="rank 1"' not in board                     # most breaches: no medal
    assert "Ranked by breaches, most first" in html
    points = subprocess.run(base + ["--html", str(page), "--format", "csv"], capture_output=True, check=True)
    assert 'aria-label="rank 1"' in page.read_text() and b"note" not in points.stderr
    table = subprocess.run(base + ["--rank", "rate"], capture_output=True, text=True)
    assert table.returncode == 0
    assert "--rank rate orders the reps' leaderboard, which only the HTML page (--html) and --format json" in table.stderr
    bad = subprocess.run(base + ["--rank", "speed"], capture_output=True, text=True)
    assert bad.returncode == 2 and "'speed' is not one of" in bad.stderr


def test_a_median_ranking_with_no_median_anywhere_says_it_fell_back_to_points(tmp_path):
    """review 23b F6: `--rank median` when no rep has a median ranked by points in silence, under
    "fastest first" on the page. The page and standard error now say so; the order is by points."""
    import subprocess
    import sys

    from slacode.report.html import _rank_words
    from slacode.report.scoring import Standing, no_median, rank_key

    slow, fast = Standing("a", met=1), Standing("b", met=5)
    assert no_median([slow, fast]) and not no_median([])
    assert sorted([slow, fast], key=rank_key("median")) == [fast, slow]       # by points
    assert "fastest first" not in _rank_words("median", [slow, fast])
    assert "ranked by points instead" in _rank_words("median", [slow, fast])
    assert _rank_words("median", []) == " Ranked by the median response, fastest first."

    spec = tmp_path / "desk.sla"
    spec.write_text(HEAD + OFFICE + RULE)
    events = tmp_path / "e.jsonl"           # assigned on the morning of as_of, no call yet: all pending
    pending = []
    for rep, lead in (("ana", "A1"), ("bruno", "B1"), ("ana", "A2")):
        pending += _events([(lead, 24, "09:00", None)])
        pending[-1]["owner"] = rep
    events.write_text("".join(json.dumps(e) + "\n" for e in pending))
    base = [sys.executable, "-m", "slacode", "report", str(spec), str(events), "--as-of", AS_OF, "--rank", "median"]
    done = subprocess.run(base + ["--format", "json"], capture_output=True, text=True, check=True)
    doc = json.loads(done.stdout)
    assert all(s["median_seconds"] is None for s in doc["recognition"])
    assert ("slacode: note: --rank median: no rep has a median response (no verdict of first_touch.within has a "
            "response time yet), so the board is ranked by points") in done.stderr
    page = tmp_path / "r.html"
    done = subprocess.run(base + ["--html", str(page), "--format", "csv"], capture_output=True, text=True, check=True)
    html = page.read_text()
    assert "fastest first" not in html and "ranked by points instead" in html
    assert "--rank median: no rep has a median response" in done.stderr
    judged = tmp_path / "j.jsonl"
    judged.write_text("".join(json.dumps(e) + "\n" for e in _board_events()))
    base[5] = str(judged)
    done = subprocess.run(base + ["--format", "json"], capture_output=True, text=True, check=True)
    assert "note" not in done.stderr
