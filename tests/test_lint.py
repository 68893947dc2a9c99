"""Focused tests of the semantic checks (slacode.checks): the tricky ones, the helpers others
reuse, and that every shared example agreement lints without errors."""
from __future__ import annotations

import math
import re
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import slacode
import slacode.api
from slacode import model as m
from slacode.checks import registry
from slacode.checks.context import Context, clause_keys, did_you_mean
from slacode.checks.expr import ExprError, constant_values, evaluate_expr
from slacode.checks.graph import cycles
from slacode.logic import never_holds, pred_implies
from tests.conftest import ROOT, language_example, needs_shared, shared_agreements

HEADER = 'agreement "t" {\n  timezone "UTC"\n  teams sales\n}\n'


def lint(text: str) -> list:
    return slacode.api.lint(text, "t.sla")


def codes(text: str) -> list[str]:
    return [d.code for d in lint(text)]


def where(text: str, code: str) -> list[tuple[int, int]]:
    return [(d.line, d.column) for d in lint(text) if d.code == code]


def build(text: str) -> m.Agreement:
    from slacode.build import build as build_tree
    from slacode.parse import parse

    tree, diags = parse(text)
    assert not diags, diags
    agreement, diags = build_tree(tree)
    return agreement


# ------------------------------------------------------------------ shared examples

@needs_shared
@pytest.mark.parametrize("path", shared_agreements(), ids=lambda p: p.parent.name if p.name == "agreement.sla" else p.name)
def test_shared_agreements_have_no_errors(path: Path):
    errors = [d for d in lint(path.read_text(encoding="utf-8")) if d.severity == "error"]
    assert errors == []


@needs_shared
def test_language_example_has_no_errors():
    errors = [d for d in lint(language_example()) if d.severity == "error"]
    assert errors == []


@pytest.mark.parametrize("path", sorted((ROOT / "specs").glob("*.sla")), ids=lambda p: p.name)
def test_project_specs_have_no_errors(path: Path):
    errors = [d for d in lint(path.read_text(encoding="utf-8")) if d.severity == "error"]
    assert errors == []


# ------------------------------------------------------------------------ entry points

def test_slacode_lint_stays_callable_after_the_checks_run():
    import slacode.checks  # noqa: F401

    diags = slacode.lint("", "empty.sla")
    assert [d.code for d in diags] == ["SLA201"]
    assert (diags[0].line, diags[0].column) == (1, 1)
    assert [d.code for d in slacode.checks.check(build(HEADER))] == ["SLA224"]    # (a header: no rule)


def test_checks_only_run_on_text_that_parses():
    # a syntax error: no semantic diagnostic (like a missing agreement) is added
    assert codes("deadline x {\n  within on br\n}\n") == ["SLA101"]


def test_a_check_cannot_report_a_code_it_is_not_registered_for():
    def bad(ctx):
        yield ctx.diag("SLA201", "x")

    check = registry.Check(("SLA202",), bad)
    registry.CHECKS.append(check)
    try:
        with pytest.raises(AssertionError, match="SLA201"):
            lint(HEADER)
    finally:
        registry.CHECKS.remove(check)


def test_diagnostics_carry_the_file_and_a_hint():
    d = next(d for d in lint(HEADER + "deadline a {\n  owner slaes\n  start on x\n  stop on y\n  within 1h\n}\n")
             if d.code == "SLA206")
    assert d.path == "t.sla" and (d.line, d.column) == (6, 9)
    assert d.hint == "did you mean `sales`?"


# ------------------------------------------------------------------ calendar overlaps

def _calendar(*hours: str) -> str:
    lines = "\n".join(f"  hours {h}" for h in hours)
    return HEADER + f'calendar c {{\n  timezone "UTC"\n{lines}\n}}\n'


@pytest.mark.parametrize("hours, overlaps", [
    (("fri 22:00-06:00", "sat 05:00-12:00"), True),       # the after-midnight part spills into sat
    (("fri 22:00-06:00", "sat 06:00-12:00"), False),      # ends are exclusive
    (("sun 23:00-01:00", "mon 00:00-01:00"), True),       # sunday night wraps to monday
    (("sun 23:00-01:00", "mon 01:00-09:00"), False),
    (("daily 22:00-06:00",), False),                      # one overnight interval per day
    (("daily 12:00-11:00",), False),                      # 23 hours a day, never twice
    (("mon 00:00-24:00", "tue 00:00-01:00"), False),
    (("mon,mon-wed 09:00-10:00",), False),                # a day named twice is one day
    (("mon-fri 09:00-12:00, 11:00-13:00",), True),
    (("mon-fri 09:00-18:00", "sat 09:00-12:00"), False),
    (("thu 20:00-02:00", "fri 01:00-03:00", "fri 22:00-06:00"), True),
])
def test_overlapping_hours(hours, overlaps):
    assert ("SLA302" in codes(_calendar(*hours))) is overlaps


def test_overlap_reported_once_per_pair_at_the_later_interval():
    text = _calendar("mon-fri 09:00-18:00", "mon-fri 12:00-13:00")
    assert where(text, "SLA302") == [(8, 17)]


_times = st.integers(min_value=0, max_value=47).map(lambda i: i * 30)


@st.composite
def _hours_lines(draw):
    lines = []
    for _ in range(draw(st.integers(1, 4))):
        days = draw(st.sets(st.integers(0, 6), min_size=1, max_size=3))
        start = draw(_times)
        end = draw(_times.filter(lambda e: e != start) | st.just(1440))
        if end == start:
            end = (start + 30) % 1440 or 1440
        lines.append((sorted(days), start, end))
    return lines


def _minute_set(day: int, start: int, end: int) -> set[int]:
    length = end - start if end > start else 1440 - start + end
    return {(day * 1440 + start + i) % (7 * 1440) for i in range(0, length, 30)}


@settings(max_examples=60, deadline=None)
@given(_hours_lines())
def test_overlap_check_agrees_with_minute_sets(lines):
    def hhmm(x):
        return f"{x // 60:02d}:{x % 60:02d}"

    text = _calendar(*(f"{','.join(m.DAY_NAMES[d] for d in days)} {hhmm(s)}-{hhmm(e)}" for days, s, e in lines))
    sets = [(_minute_set(d, s, e)) for days, s, e in lines for d in days]
    brute = any(a & b for i, a in enumerate(sets) for b in sets[i + 1:])
    assert ("SLA302" in codes(text)) is brute


def test_calendar_value_checks():
    text = _calendar("mon 09:00-09:00", "tue 24:00-12:00", "wed 09:00-24:00")
    assert set(codes(text)) >= {"SLA301", "SLA108"}
    assert "SLA303" not in codes(text)
    assert "SLA303" in codes(HEADER + 'calendar c {\n  timezone "UTC"\n}\n')


# ------------------------------------------------------------------ impossible attempts

def _attempts(*lines: str, tz: str = "UTC", calendar: str = "") -> str:
    header = HEADER.replace('"UTC"', f'"{tz}"')
    body = "\n".join(f"  {line}" for line in lines)
    return header + calendar + f"attempts a {{\n  owner sales\n  start on assigned\n  stop on enter sql\n{body}\n}}\n"


@pytest.mark.parametrize("n, hours, per_day", [(6, 24, 2), (4, 12, 1), (7, 48, 2), (3, 1, 1), (10, 60, 3)])
def test_per_day_cap_on_wall_clock(n, hours, per_day):
    text = _attempts(f"at least {n} within {hours}h", f"at most {per_day} per day")
    dates = math.ceil(hours / 24) + 1              # UTC days are always 24 hours
    assert ("SLA323" in codes(text)) is (n > per_day * dates)


@pytest.mark.parametrize("line, invalid", [("at most 0 per day", False), ("at most 1.5 per day", True),
                                           ("at least 0 within 2h", True), ("at least 0 before enter sql", True)])
def test_counts_are_whole_and_at_most_may_be_zero(line, invalid):
    # `at most 0 per day` promises no attempt at all; `at least 0` promises nothing
    assert ("SLA312" in codes(_attempts(line))) is invalid


def test_at_least_with_no_attempt_allowed_is_impossible():
    found = [d for d in lint(_attempts("at least 2 within 48h", "at most 0 per day")) if d.code == "SLA323"]
    assert len(found) == 1 and "every attempt breaches" in found[0].message and found[0].line == 9


def test_daylight_saving_makes_the_per_day_bound_looser():
    # a 23-hour local day lets 24 hours touch three dates in New York, never in UTC
    assert "SLA323" in codes(_attempts("at least 6 within 24h", "at most 2 per day"))
    assert "SLA323" not in codes(_attempts("at least 6 within 24h", "at most 2 per day", tz="America/New_York"))


def test_a_pause_can_stretch_the_window_so_nothing_is_proven():
    assert "SLA323" not in codes(_attempts("at least 6 within 24h", "at most 2 per day", "pause while x > 1"))


@pytest.mark.parametrize("n, hours, gap, impossible", [(5, 4, 2, True), (3, 4, 2, False), (2, 1, 2, True),
                                                       (1, 1, 5, False), (4, 6, 2, False), (4, 5, 2, True)])
def test_gap_on_wall_clock(n, hours, gap, impossible):
    text = _attempts(f"at least {n} within {hours}h", f"gap at least {gap}h")
    assert ("SLA323" in codes(text)) is impossible


_CAL = 'calendar c {\n  timezone "UTC"\n  hours mon-fri 09:00-18:00\n  hours sat 09:00-13:00\n}\n'


def test_per_day_cap_on_a_calendar_needs_only_during():
    lines = ("at least 10 within 1d on c", "at most 2 per day on c")
    assert "SLA323" not in codes(_attempts(*lines, calendar=_CAL))    # attempts may fall on any date
    assert "SLA323" in codes(_attempts(*lines, "only during c", calendar=_CAL))


@pytest.mark.parametrize("n, per_day, target, expect_warning", [
    (3, 1, "1d", False), (5, 2, "1d", False), (6, 1, "2d", False), (7, 2, "9h", False), (9, 3, "1d", False),
    (4, 2, "2d", False), (4, 1, "4h", True), (3, 1, "3h", True), (5, 1, "1d", True), (11, 2, "1d", True),
])
def test_calendar_bound_is_sound(n, per_day, target, expect_warning):
    """Whenever the check warns, no start gives the window enough working dates: the
    real calendar is stepped through for starts all over a week."""
    text = _attempts(f"at least {n} within {target} on c", f"at most {per_day} per day on c", "only during c",
                     calendar=_CAL)
    warned = "SLA323" in codes(text)
    assert warned is expect_warning
    agreement = slacode.loads(text)
    cal = agreement.calendars["c"]
    line = agreement.rule("a").of("at_least_within")[0]
    target_td = timedelta(seconds=line.duration.seconds(int(cal.day_length.total_seconds())))
    most = 0
    start = datetime(2026, 11, 2, tzinfo=timezone.utc)   # a Monday
    for step in range(0, 7 * 24 * 4):
        s = start + timedelta(minutes=15 * step)
        d = cal.add(s, target_td)
        dates, t = set(), s
        while t <= d:
            if cal.is_open(t):
                dates.add(t.date())
            t += timedelta(minutes=15)
        most = max(most, len(dates))
    if warned:
        assert math.ceil(n / per_day) > most
    if math.ceil(n / per_day) <= most:
        assert not warned


# ---------------------------------------------------------------------- for lines

@pytest.mark.parametrize("contradiction", ['country == "BR" and country == "AR"', "score > 100 and score < 50",
                                           "hot and not hot", "score missing and score >= 1"])
def test_a_segment_whose_parts_contradict_each_other_never_applies(contradiction):
    text = HEADER + (
        f"segment hot = score >= 80\nsegment odd = {contradiction}\n"
        "deadline d {\n  owner sales\n  start on a\n  stop on b\n  within 1h for hot\n  within 15m for odd\n"
        "  within 4h\n}\n")
    found = [d for d in slacode.lint(text) if d.code == "SLA320"]
    assert len(found) == 1 and "`odd` can never hold" in found[0].message   # not "also in `hot`"
    plain = text.replace(contradiction, "score >= 90 and country == \"BR\"")
    assert "SLA320" in codes(plain) and "can never hold" not in str([d.message for d in slacode.lint(plain)])


def test_narrow_segment_after_a_broader_one_never_applies():
    text = HEADER + (
        'segment hot = score >= 80\nsegment hot_us = hot and country == "US"\n'
        "deadline d {\n  owner sales\n  start on a\n  stop on b\n"
        "  within 1h for hot\n  within 15m for hot_us\n  within 4h\n}\n")
    assert where(text, "SLA320") == [(12, 3)]
    swapped = text.replace("  within 1h for hot\n  within 15m for hot_us\n", "  within 15m for hot_us\n  within 1h for hot\n")
    assert "SLA320" not in codes(swapped)


@pytest.mark.parametrize("p, q, expected", [
    ("score >= 90", "score >= 80", True),
    ("score > 80", "score >= 80", True),
    ("score >= 80", "score > 80", False),
    ("score == 85", "score >= 80", True),
    ("score < 10", "score <= 10", True),
    ("score >= 80", "score >= 90", False),
    ('country == "US"', 'country in ["US", "CA"]', True),
    ('country in ["US", "CA"]', 'country == "US"', False),
    ('country in ["US"]', 'country in ["US", "CA"]', True),
    ('country == "US"', "country exists", True),
    ("country missing", "country exists", False),
    ('country == "US"', 'country != "BR"', True),
    ('country == "US"', 'country != "US"', False),
    ('a == 1 and b == 2', "a == 1", True),
    ("a == 1", "a == 1 or b == 2", True),
    ("a == 1 or b == 2", "a == 1", False),
    ("a == 1 or a == 2", "a in [1, 2]", True),
    ("x == 1", "true", True),
    ("false", "x == 1", True),
    ("not a == 1", "not a == 1", True),
    ("state == on_hold", 'state == "on_hold"', True),
])
def test_implies(p, q, expected):
    a = build(f"segment p = {p}\nsegment q = {q}\n")
    segs = a.segments
    assert pred_implies(segs["p"].predicate, segs["q"].predicate, segs) is expected


def test_implies_follows_segments_and_stops_at_circles():
    a = build("segment x = y\nsegment y = x\nsegment z = score > 1\n")
    segs = a.segments
    assert pred_implies(segs["z"].predicate, segs["z"].predicate, segs)
    assert not pred_implies(segs["x"].predicate, segs["z"].predicate, segs)   # terminates
    assert never_holds(build("segment f = x > 1 and false\n").segments["f"].predicate)


# --------------------------------------------------------------------- start / stop

@pytest.mark.parametrize("start, stop, warned", [
    ("assigned", "assigned", True),
    ("assigned", "contact_attempt or assigned", True),
    ('msg where channel == "email"', "msg", True),
    ("msg", 'msg where channel == "email"', False),
    ('msg where channel == "email"', 'msg where channel == "phone"', False),
    ("enter mql, sql", "enter sql", True),
    ("enter mql", "leave mql", False),
])
def test_start_is_stop(start, stop, warned):
    text = HEADER + f"deadline d {{\n  owner sales\n  start on {start}\n  stop on {stop}\n  within 1h\n}}\n"
    assert ("SLA322" in codes(text)) is warned


# ------------------------------------------------------------------- expressions

def _expr(text: str, lets: str = ""):
    a = build(lets + f"quota q {{\n  count x\n  at least {text} per month\n}}\n")
    return a.quotas[0].goal.amount, a.constants


@pytest.mark.parametrize("text, value", [
    ("1 + 2 * 3", 7), ("(1 + 2) * 3", 9), ("10 / 4", 2.5), ("-3 + 1", -2), ("ceil(10 / 3)", 4),
    ("floor(10 / 3)", 3), ("round(2.5)", 3), ("round(-2.5)", -3), ("round(2.4)", 2), ("min(3, 1, 2)", 1),
    ("max(3, 1, 2)", 3), ("1_000 - 1", 999),
])
def test_evaluate_expr(text, value):
    expr, constants = _expr(text)
    assert evaluate_expr(expr, constants) == value


def test_evaluate_expr_with_constants_and_errors():
    expr, constants = _expr("ceil(deals / rate)", "let deals = 12\nlet rate = 0.25\n")
    assert evaluate_expr(expr, constants) == 48
    assert evaluate_expr(expr, {"deals": 10, "rate": 4}) == 3          # plain numbers work too
    with pytest.raises(ExprError) as e:
        evaluate_expr(expr, {"deals": 10, "rate": 0})
    assert e.value.code == "SLA313"
    with pytest.raises(ExprError) as e:
        evaluate_expr(expr, {"deals": 10, "rat": 1})
    assert e.value.code == "SLA212" and e.value.hint == "did you mean `rat`?"
    expr, constants = _expr("a", "let a = b\nlet b = a\n")
    with pytest.raises(ExprError) as e:
        evaluate_expr(expr, constants)
    assert e.value.code == "SLA314"
    expr, _ = _expr("sqrt(4)")
    with pytest.raises(ExprError) as e:
        evaluate_expr(expr, {})
    assert e.value.code == "SLA213"


def test_constant_values_skips_the_broken_ones():
    a = build("let a = 2\nlet b = a * 3\nlet c = d\nlet e = e\n")
    assert constant_values(a) == {"a": 2, "b": 6}


@settings(max_examples=80, deadline=None)
@given(st.recursive(st.integers(0, 50).map(str),
                    lambda inner: st.tuples(inner, st.sampled_from("+-*"), inner).map(lambda t: f"({t[0]} {t[1]} {t[2]})"),
                    max_leaves=8))
def test_evaluate_expr_matches_python_arithmetic(text):
    expr, constants = _expr(text)
    assert evaluate_expr(expr, constants) == eval(text)  # noqa: S307 - digits and + - * only


def test_expression_diagnostics_are_not_repeated():
    text = HEADER + "let rate = 0\nlet a = 1 / rate\nlet b = a + a\n" \
        "quota q {\n  owner sales\n  count x\n  at least b + nope(1) per month\n}\n"
    got = [(d.code, d.line) for d in lint(text) if d.code in ("SLA313", "SLA213")]
    assert got == [("SLA313", 6), ("SLA213", 11)]


def test_cycles():
    assert cycles({"a": ["b"], "b": ["a"], "c": ["c"], "d": ["a"], "e": []}) == [["a", "b"], ["c"]]
    assert cycles({"a": ["b"], "b": ["c"], "c": []}) == []
    chain = {str(i): [str(i + 1)] for i in range(3000)}
    chain["3000"] = ["0"]
    assert len(cycles(chain)[0]) == 3001              # iterative: no recursion limit


# ------------------------------------------------------------------ clause keys, hints

def test_clause_keys():
    a = build("attempts a {\n  at least 3 within 1d for hot\n  at least 5 within 2d\n  gap at least 1h\n"
              "  gap at least 2h\n  first where x == 1\n  require y\n}\n"
              "handoff h {\n  within 1h\n  within 5m for hot\n  require a\n  require b\n}\n")
    assert clause_keys(a.rule("a")) == ("at_least_within", "gap", "gap_2", "first")
    assert clause_keys(a.rule("h")) == ("within", "require", "require_2")


def test_did_you_mean():
    assert did_you_mean("br_sale", ["br_sales", "us_sales"]) == "did you mean `br_sales`?"
    assert did_you_mean("Sales", ["sales"]) == "did you mean `sales`?"
    assert did_you_mean("zzz", ["sales"]) is None


# ------------------------------------------------------------------------ assorted

def test_states_only_checked_when_declared():
    rule = "deadline d {\n  owner sales\n  start on enter anything\n  stop on leave whatever\n  within 1h\n}\n"
    assert "SLA207" not in codes(HEADER + rule)
    assert "SLA207" in codes(HEADER + "states {\n  mql\n}\n" + rule)


def test_quoted_state_and_field_called_state():
    text = HEADER + 'states {\n  on_hold\n}\nsegment a = state == "on_hold"\nsegment b = `state` == "SP"\n' \
        "segment c = `state` == SP\n"
    assert where(text, "SLA207") == []
    assert where(text, "SLA214") == [(10, 24)]


def test_target_on_attempts_defaults_to_at_least_within():
    base = HEADER + "attempts a {\n  owner sales\n  start on x\n  stop on y\n{}}\n" \
        "target t {\n  owner sales\n  rule a\n  at least 90% met per week\n}\n"
    assert "SLA211" not in codes(base.replace("{}", "  at least 3 within 4h\n"))
    assert "SLA211" in codes(base.replace("{}", "  gap at least 1h\n"))


def test_flow_rule_in_targets_and_expects_needs_a_flow_block():
    text = HEADER + "states {\n  a\n  b final\n}\n{flow}target t {\n  owner sales\n  rule flow\n" \
        "  at least 90% met per week\n}\n"
    assert "SLA210" in codes(text.replace("{flow}", ""))
    assert "SLA210" not in codes(text.replace("{flow}", "flow {\n  a -> b\n}\n"))


def test_default_line_duplicates_but_segment_lines_may_repeat_kinds():
    rule = "deadline d {\n  owner sales\n  start on x\n  stop on y\n  within 1h\n  within 5m for s\n  within 2h\n}\n"
    assert where(HEADER + "segment s = a > 1\n" + rule, "SLA205") == [(12, 3)]


def test_snake_case():
    from slacode.checks.style import SNAKE_CASE, to_snake_case

    for good in ("a", "first_touch", "sql_2", "_private", "x1"):
        assert SNAKE_CASE.fullmatch(good)
    for bad in ("A", "firstTouch", "first__touch", "First_Touch", "MQL"):
        assert not SNAKE_CASE.fullmatch(bad)
    assert to_snake_case("firstTouch") == "first_touch"
    assert to_snake_case("HTTPRequest") == "http_request"
    assert to_snake_case("MQLs") == "mqls" and to_snake_case("hotLeads") == "hot_leads"


def test_context_tables():
    ctx = Context.of(build(HEADER + "states {\n  a\n  b final\n}\ncalendar c {\n}\n"
                           "deadline r {\n  start on x\n}\nquota q {\n  count y\n}\n"))
    assert list(ctx.states) == ["a", "b"] and ctx.finals == {"b"}
    assert list(ctx.teams) == ["sales"] and list(ctx.calendars) == ["c"]
    assert list(ctx.rules) == ["r", "q"]
    assert [t.type.value for t in ctx.triggers()] == ["x", "y"]


@settings(max_examples=150, deadline=None)
@given(st.integers(1, 40), st.integers(1, 6), st.integers(1, 96), st.booleans(),
       st.sampled_from(["UTC", "America/New_York", "Australia/Lord_Howe", "Asia/Tehran"]))
def test_per_day_warning_is_need_above_max_dates(n, per_day, hours, on_calendar, tz):
    """The check skips the zone's daylight-saving scan when no jump could matter; the
    verdict is still exactly `attempts needed > max_dates` (computed with the scan)."""
    from slacode.checks.attempts import max_dates, target_minutes

    on = " on c" if on_calendar else ""
    cal = _CAL.replace('"UTC"', f'"{tz}"')
    text = _attempts(f"at least {n} within {hours}h{on}", f"at most {per_day} per day{on}", "only during c",
                     tz=tz, calendar=cal)
    agreement, _ = slacode.api.analyse(text, "t.sla")
    ctx = Context.of(agreement)
    r = agreement.rule("a")
    line, cap = r.of("at_least_within")[0], r.of("at_most_per_day")[0]
    dates = max_dates(ctx, r, line, cap, target_minutes(ctx, line))
    expected = dates is not None and math.ceil(n / per_day) > dates
    assert ("SLA323" in codes(text)) is expected


@pytest.mark.parametrize("zone, found", [("EST", "no daylight saving"), ("EST5EDT", "legacy"), ("CET", "legacy"),
                                         ("localtime", "depends on the machine"), ("posixrules", "internal"),
                                         ("posix/Asia/Tokyo", "'Asia/Tokyo'"), ("right/UTC", "'UTC'")])
def test_zone_names_that_are_no_place_are_refused(zone, found):
    """The zone database opens these, but none is the time of a place (or is the same on
    every machine): each would make verdicts depend on a misunderstanding."""
    for text in (HEADER.replace('"UTC"', f'"{zone}"'),
                 HEADER + f'calendar c {{\n  timezone "{zone}"\n  hours mon-fri 09:00-18:00\n}}\n'):
        (d,) = [d for d in lint(text) if d.code == "SLA215"]
        assert found in d.hint and "not the time zone of a place" in d.message and d.severity == "error"


@pytest.mark.parametrize("zone, found", [("CST", "`America/Chicago` (US Central)"), ("BRT", "`America/Sao_Paulo`"),
                                         ("PST", "`America/Los_Angeles`")])
def test_zone_abbreviations_get_the_zones_they_usually_mean(zone, found):
    (d,) = [d for d in lint(HEADER.replace('"UTC"', f'"{zone}"')) if d.code == "SLA215"]
    assert "is an abbreviation" in d.message and found in d.hint, d.hint
    assert "daylight saving" in d.hint and "Sao_Paulo" not in d.hint.replace(found, "")


@pytest.mark.parametrize("zone", ["UTC", "Etc/GMT+3", "America/New_York", "US/Eastern"])
def test_place_zones_and_utc_are_accepted(zone):
    assert "SLA215" not in codes(HEADER.replace('"UTC"', f'"{zone}"'))


@pytest.mark.parametrize("written, hint", [
    ("4 h", "right after the number: `4h`"), ("4H", "lowercase: `4h`"), ("1.5h", "whole, without `.` or `_`"),
    ("1_000m", "whole, without `.` or `_`"), ("30min", "`30m` or `30 minutes`"), ("30s", "the least is `1m`"),
    ("1w", "weeks as days"), ("1 hour 30m", "in one form"), ("4 Hours", "`4h` or `4 hours`"),
])
def test_a_duration_slip_gets_a_hint_that_names_it(written, hint):
    text = HEADER + f"deadline d {{\n  owner sales\n  start on a\n  stop on b\n  within {written}\n}}\n"
    (d,) = [d for d in lint(text) if d.code == "SLA101"]
    assert hint in d.hint and d.line == 9


def test_a_syntax_error_does_not_hide_independent_problems():
    text = HEADER + ("deadline r {\n  owner sales\n  start on a\n  stop on b\n  within 4h on ofice\n}\n"
                     "segment s = x ==\n")
    assert [(d.code, d.line) for d in lint(text) if d.severity == "error"] == [("SLA208", 9), ("SLA101", 11)]


@pytest.mark.parametrize("end", ["", "\n", "\n\n# the end\n"])
def test_a_missing_last_brace_hides_no_other_problem(end):
    # the file ends inside the block: nothing of it was skipped, so its findings stand
    text = HEADER + ("calendar office {\n  hours mon-fri 09:00-25:00\n}\n"
                     "deadline first_touch {\n  owner salse\n  start on assigned\n  stop on contact_attempt\n"
                     "  within 4h on offfice" + end)
    found = [(d.code, d.line) for d in lint(text) if d.severity == "error"]
    assert found[:3] == [("SLA108", 6), ("SLA206", 9), ("SLA208", 12)] and found[3][0] == "SLA103"
    (eof,) = [d for d in lint(text) if d.code == "SLA103"]
    assert eof.hint == "add the closing `}` of the block opened on line 8"


def test_a_statement_cut_off_by_the_end_still_hides_what_it_may_explain():
    # `stop on` is unfinished at the end: "no `stop on`" would be the cut, not a mistake
    text = HEADER + "deadline d {\n  owner sales\n  start on assigned\n  within 4h\n  stop on"
    assert [d.code for d in lint(text) if d.severity == "error"] == ["SLA103"]


@pytest.mark.parametrize("block, inside", [("states", "  mql\n  sal\n"), ("flow", "  mql -> sal\n")])
def test_a_block_of_names_left_open_ends_at_the_next_declaration(block, inside):
    # `flow`, `segment` … are names a `states` or `flow` block can hold: the missing `}` is
    # found where the line goes on as a declaration, and the rest of the file is read
    states = "" if block == "states" else "states {\n  mql\n  sal final\n}\n"
    text = HEADER + states + f"{block} {{\n" + inside + "\nsegment hot = score >= 80\n" + \
        "deadline d {\n  owner sales\n  start on enter mql\n  stop on b\n  within 4h for hot\n" \
        "  within 1d on nocal\n}\n"
    found = [(d.code, d.message) for d in lint(text) if d.severity == "error"]
    assert [code for code, _ in found] == ["SLA101", "SLA208"], found
    assert "is not closed before this `segment`" in found[0][1] and "`nocal`" in found[1][1]


def test_a_brace_that_closes_its_block_early_is_one_error_and_the_block_reads_on():
    text = HEADER + ("deadline first_touch {\n  owner sales\n  start on assigned }\n  stop on contact_attempt\n"
                     "  within 4h on ofice\n  warn at 75%\n}\n")
    found = [(d.code, d.line, d.column) for d in lint(text) if d.severity == "error"]
    # no error per line below the `}`, no "has no `stop on`": the calendar is still checked
    assert found == [("SLA101", 7, 21), ("SLA208", 9, 16)], found
    assert "closes the block opened on line 5" in lint(text)[0].message


def test_a_string_left_open_before_the_blocks_brace_ends_there():
    text = HEADER + ('test "late on Friday {\n  as of 2026-11-09T12:00:00-03:00\n'
                     "  at 2026-11-06T17:00:00-03:00 assigned\n  expect first_touch met\n}\n")
    found = [(d.code, d.line) for d in lint(text) if d.severity == "error"]
    assert found == [("SLA105", 5), ("SLA210", 8)], found      # the test block is read: its rule is unknown
    assert lint(text)[0].hint == 'add the closing " before the `{`'


def test_a_brace_on_the_line_below_its_header_is_one_error_per_block():
    text = ('agreement "t"\n{\n  timezone "UTC"\n  teams sales\n}\n\n'
            "deadline d\n{\n  owner sales\n  start on a\n  stop on b\n  within 1h on cal\n}\n")
    found = [(d.code, d.line, d.message) for d in lint(text) if d.severity == "error"]
    assert [(c, n) for c, n, _ in found] == [("SLA101", 1), ("SLA101", 7), ("SLA208", 12)], found
    assert found[0][2] == "a block's `{` goes at the end of its header line"


@pytest.mark.parametrize("line, word", [("stop on contact_attempt or", "or"),
                                        ("stop on a where x == 1 and", "and")])
def test_an_error_on_a_line_the_line_above_ran_into_says_so(line, word):
    text = HEADER + f"deadline d {{\n  owner sales\n  start on assigned\n  {line}\n  within 4h\n}}\n"
    (d,) = [d for d in lint(text) if d.code == "SLA101"]
    assert d.line == 9 and d.hint == (f"line 8 ends with `{word}`, so this line was read as its continuation: "
                                      f"remove the `{word}` or finish line 8")
    text = HEADER + "calendar c {\n  hours mon-fri 09:00-18:00\n  closed 2026-12-24,\n\n  holidays \"BR\"\n}\n"
    (d,) = [d for d in lint(text) if d.code == "SLA101"]
    assert d.line == 9 and d.hint.startswith("line 7 ends with `,`")


def test_a_broken_line_hides_only_what_it_may_explain():
    # `strat` skips the start line: "no start" is left out, but the owner, the calendar and
    # the warning share are judged on their own lines
    text = HEADER + ("deadline first_touch {\n  owner salse\n  strat on assigned\n  stop on contact_attempt\n"
                     "  within 4h on offfice\n  warn at 150%\n}\n")
    assert [(d.code, d.line) for d in lint(text) if d.severity == "error"] == \
        [("SLA206", 6), ("SLA101", 7), ("SLA208", 9), ("SLA311", 10)]
    # a broken line of a rule uses names, it declares none: another rule's undeclared
    # calendar is still reported
    text = HEADER + ("deadline a {\n  owner sales\n  start on x\n  stop on y\n  within 4x on office\n}\n"
                     "deadline b {\n  owner sales\n  start on y\n  stop on z\n  within 2d on office\n}\n")
    assert [(d.code, d.line) for d in lint(text) if d.severity == "error"] == [("SLA101", 9), ("SLA208", 15)]


def test_a_line_that_starts_with_or_says_where_the_or_goes():
    text = HEADER + "deadline d {\n  owner sales\n  start on a\n  stop on b\n    or c\n  within 4h\n}\n"
    (d,) = [d for d in lint(text) if d.code == "SLA101"]
    assert (d.line, d.column) == (9, 5) and d.hint == (
        "a line continues only after `or`, not before it: move the `or` to the end of the line above")


def test_a_declaration_after_a_block_left_open_with_an_error_of_its_own_keeps_the_rest():
    # `flow { … ]` closes the open `states` block and fails on its own line: the parse goes
    # on outside both, so the checks of the rest of the file still run
    text = HEADER + ("states {\n  mql\n  sal\n\nflow { mql -> sal ]\nsegment unused = x > 1\n"
                     "deadline d {\n  owner sales\n  start on a\n  stop on b\n  within 1h\n")
    found = [(d.code, d.line) for d in lint(text)]
    assert ("SLA217", 10) in found and [c for c, _ in found].count("SLA101") == 2


def test_findings_a_skipped_line_may_explain_are_left_out():
    # the rule's `start` line is broken: no "missing start" for it; the segment whose line
    # broke is not reported as undeclared where it is used
    text = HEADER + ("segment hot = score >=\n"
                     "deadline r {\n  owner sales\n  start on on a\n  stop on b\n  within 4h for hot\n  within 8h\n}\n"
                     "deadline q {\n  owner sales\n  start on a\n  stop on b\n}\n")
    found = [(d.code, d.line) for d in lint(text) if d.severity == "error"]
    assert ("SLA309", 13) in found                                   # q has no `within`: independent
    assert not any(code in ("SLA307", "SLA209") for code, _ in found), found
    assert sum(code == "SLA101" for code, _ in found) == 2


def test_hints_for_a_trigger_after_where_and_a_share_without_percent():
    text = HEADER + ("deadline d {\n  owner sales\n  start on a\n  stop on call where a == 1 or enter mql\n"
                     "  within 1h\n}\ntarget t {\n  owner sales\n  rule d\n  at least 0.95 met per week\n}\n")
    hints = [d.hint for d in lint(text) if d.code == "SLA101"]
    assert any("runs to the end of the clause" in h for h in hints)
    assert any("`at least 95% met per week`" in h for h in hints)


@pytest.mark.parametrize("correct, written, meant", [
    ("deadline", "dealine", "`deadline`"), ("stop", "stpo", "`stop`"),
    ("within", "witihn", "`within`"), ("owner", "ownr", "`owner`"),
])
def test_a_misspelt_keyword_gets_did_you_mean(correct, written, meant):
    rule = "deadline d {\n  owner sales\n  start on a\n  stop on b\n  within 4h\n}\n"
    text = HEADER + re.sub(rf"\b{correct}\b", written, rule, count=1)
    (d,) = [d for d in lint(text) if d.code == "SLA101"]
    assert f"found `{written}`" in d.message and d.hint == f"did you mean {meant}?"


def test_a_word_for_a_comparison_is_answered_and_the_comparisons_are_listed_first():
    text = HEADER + 'deadline d {\n  owner sales\n  start on a where channel is "phone"\n  stop on b\n  within 4h\n}\n'
    (d,) = [d for d in lint(text) if d.code == "SLA101"]
    assert d.message.startswith("expected a comparison (`==`") and "`==`" in d.hint


def test_names_in_a_block_a_misspelt_keyword_skipped_are_not_reported_unused():
    text = HEADER + ("calendar ny {\n  timezone \"America/New_York\"\n  hours mon-fri 09:00-18:00\n}\n"
                     "segment us = country == \"US\"\n"
                     "dealine d {\n  owner sales\n  start on a\n  stop on b\n  within 4h on ny for us\n}\n")
    assert [d.code for d in lint(text)] == ["SLA101"]


def test_warn_at_zero_and_a_segment_named_twice_in_the_untracked_warning():
    text = HEADER + ("segment hot = score >= 80\n"
                     "deadline d {\n  owner sales\n  start on a\n  stop on b\n  within 1h for hot\n"
                     "  within 2h for hot\n  warn at 0%\n}\n")
    found = {d.code: d for d in lint(text)}
    assert "`warn at 0%`" in found["SLA321"].message and found["SLA321"].severity == "warning"
    assert "outside `hot` are not tracked" in found["SLA319"].message


def test_a_duration_written_in_both_forms_says_so():
    text = HEADER + "deadline d {\n  owner sales\n  start on a\n  stop on b\n  within 1h 30 minutes\n}\n"
    (d,) = [d for d in lint(text) if d.code == "SLA101"]
    assert "one form" in d.hint


def test_a_bad_literal_is_reported_beside_a_syntax_error_in_the_same_block():
    text = HEADER + ("deadline d {\n  owner sales\n  start on a\n  stop on b\n  within 1h\n}\n"
                     'test "t" {\n  as of 2026-12-01T12:00-03:00\n  lead "x"\n'
                     "  at 2026-12-01T10:00:00 a\n  at 2026-12-01T10:10:00-03:00 b with owner = carla\n"
                     "  expect d met\n}\n")
    assert [(d.code, d.line) for d in lint(text)] == [("SLA108", 12), ("SLA108", 14), ("SLA101", 15)]


def test_quoted_numbers_with_a_leading_zero_are_codes_not_numbers():
    text = HEADER + 'segment metro = cep >= "01000000" and cep <= "09999999" or n > "007"\n' \
                    'segment neg = balance > "-5" or balance > "+5"\n'
    found = [(d.code, d.message) for d in lint(text) if d.code == "SLA327"]
    assert len(found) == 1 and '"-5"' in found[0][1]


def test_a_duration_written_in_parts_says_to_join_them():
    text = HEADER + "deadline d {\n  owner sales\n  start on a\n  stop on b\n  within 1h 30m\n}\n"
    (d,) = [d for d in lint(text) if d.code == "SLA101"]
    assert "`1h30m`" in d.hint


def test_many_syntax_errors_are_filtered_in_linear_time():
    block = "dealine d{n} {{\n  owner sales\n  start on a\n  stop on b\n  within 1h\n}}\n"
    text = HEADER + "".join(block.format(n=n) for n in range(60))
    codes = [d.code for d in lint(text)]
    assert codes.count("SLA101") == 60 and set(codes) == {"SLA101"}


@pytest.mark.parametrize("per, label, fine", [
    ("day", "2026-11-02", True), ("day", "2026-11-31", False), ("day", "2026-W45", False),
    ("month", "2026-11", True), ("month", "2026-13", False), ("month", "2026-11-02", False),
    ("week", "2026-W53", True), ("week", "2027-W53", False), ("quarter", "2026-Q4", True),
    ("quarter", "2026-Q5", False),
])
def test_a_test_blocks_period_label_must_be_one_of_the_quotas_periods(per, label, fine):
    """SLA330: `expect QUOTA period "…"` names a real period of the quota's kind (2026 has
    an ISO week 53, 2027 has not)."""
    text = f'''agreement "t" {{ timezone "UTC"; teams sales }}
quota calls {{
  owner sales
  count call
  at most 2 per {per}
}}
test "labels" {{
  as of 2026-11-03T12:00:00Z
  expect calls period "{label}" met
}}
'''
    found = [(d.code, d.line) for d in slacode.lint(text) if d.code == "SLA330"]
    assert found == ([] if fine else [("SLA330", 9)])


def test_a_check_module_imported_again_does_not_report_twice():
    import importlib

    import slacode.checks.style as style
    from slacode.checks import registry

    text = 'agreement "t" { timezone "UTC"; teams sales }\nsegment Hot = score >= 80\n'
    before, count = slacode.lint(text), len(registry.CHECKS)
    importlib.reload(style)
    assert len(registry.CHECKS) == count and slacode.lint(text) == before


@pytest.mark.parametrize("line, code, hint", [
    ("  owner: sales", "SLA102", "no colon: write `owner sales`"),
    ("  start on: a", "SLA102", "no colon: write `start on a`"),
    ("  warn at 80 percent", "SLA101", "with `%`: `80%`"),
    ("  warn at 80", "SLA101", "with `%`: `80%`"),
])
def test_a_colon_or_a_spelt_percent_in_a_rule_gets_the_written_form(line, code, hint):
    rule = "deadline d {\n  owner sales\n  start on a\n  stop on b\n  within 4h\n}\n"
    if line.startswith("  warn"):
        rule = rule.replace("  within 4h\n", f"  within 4h\n{line}\n")
    else:
        rule = rule.replace("  " + line.strip().replace(":", "") + "\n", line + "\n")
    (d,) = [d for d in lint(HEADER + rule) if d.code == code]
    assert hint in d.hint, d.hint


@pytest.mark.parametrize("hours, hint", [
    ("monday-friday 09:00-18:00", "first three letters, lowercase: `mon`"),
    ("mon-fry 09:00-18:00", "did you mean `fri`?"),
    ("mon-fri: 09:00-18:00", "no colon: write `hours mon-fri 09:00-18:00`"),
])
def test_a_misspelt_day_or_a_colon_in_hours_gets_the_written_form(hours, hint):
    text = HEADER + f'calendar c {{\n  timezone "UTC"\n  hours {hours}\n}}\n'
    (d,) = [d for d in lint(text) if d.code in ("SLA101", "SLA102")]
    assert hint in d.hint and d.line == 7, (d.hint, d.line)


def test_a_segment_written_with_a_colon_is_told_to_use_equals():
    (d,) = [d for d in lint(HEADER + "segment hot: score > 3\n") if d.code == "SLA102"]
    assert "with `=`" in d.hint


def test_a_syntax_error_elsewhere_keeps_the_ends_of_the_other_spans():
    """review 9-b: recovering from a syntax error copied the parse with Lark's deepcopy,
    which drops each token's end: SLA208 then had no end, and one `^` under `ofice`."""
    rule = "deadline d {\n  owner sales\n  start on a\n  stop on b\n  within 4h on ofice\n}\n"
    broken = "quota q {\n  owner sales\n  count assigned\n  at least 10 per fortnight\n}\n"
    for text in (HEADER + rule, HEADER + rule + broken, HEADER + broken + rule):
        (d,) = [d for d in lint(text) if d.code == "SLA208"]
        assert (d.span.end_line, d.span.end_column - d.span.column) == (d.line, len("ofice")), text


def test_lint_checks_the_rest_of_a_file_with_bytes_that_are_not_utf8(tmp_path):
    """review 9-b: one Latin-1 `é` stopped every other check; now each line with such a
    byte is an error (with the character it reads as in Windows-1252) and the rest is
    linted. Loading the agreement still refuses it."""
    import subprocess
    import sys

    path = tmp_path / "latin1.sla"
    path.write_bytes(b'agreement "d" { version "1"; timezone "UTC"; teams sales }\n# Caf\xe9 team \xe9\n'
                     b"deadline d {\n  owner salez\n  start on assigned # na\xefve\n  stop on contact_attempt\n"
                     b"  within 4h on ofice\n}\n")
    proc = subprocess.run([sys.executable, "-m", "slacode", "lint", "--format", "json", str(path)],
                          capture_output=True, text=True)
    import json

    found = [(d["code"], d["line"], d["column"]) for d in json.loads(proc.stdout)]
    assert found == [("SLA104", 2, 6), ("SLA206", 4, 9), ("SLA104", 5, 25), ("SLA208", 7, 16)], found
    assert "`é`" in json.loads(proc.stdout)[0]["hint"] and proc.returncode == 1
    with pytest.raises(slacode.SpecError):
        slacode.load(path)


@pytest.mark.parametrize("text, code, column, hint", [
    ('agreement "d" { version: "1"; timezone: "UTC"; teams: sales }\n', "SLA102", 24, "write `version \"1\"`"),
    ('agreement "d" { version "1"; timezone: "UTC"; teams sales }\n', "SLA102", 38, "write `timezone \"UTC\"`"),
    (HEADER + 'calendar c {\n  timezone "UTC"\n  hours mon-fri 09:00–18:00\n}\n', "SLA102", 22, "plain `-`"),
    (HEADER + "segment warm = score => 80\n", "SLA101", 22, "write `>=`"),
    (HEADER + "segment warm = score =< 80\n", "SLA101", 22, "write `<=`"),
    (HEADER + 'deadline d {\n  owner "sales"\n  start on a\n  stop on b\n  within 4h\n}\n', "SLA101", 9,
     "without quotes: `sales`"),
    (HEADER + 'calendar c {\n  timezone UTC\n  hours mon-fri 09:00-18:00\n}\n', "SLA101", 12, 'double quotes: "UTC"'),
    ('agreement "d { version "1"; timezone "UTC"; teams sales }\n', "SLA101", 25, "column 11 runs on"),
    ('agreement "d" { version = "1"; timezone "UTC"; teams sales }\n', "SLA101", 25, "no `=`"),
])
def test_slips_copied_from_other_languages_get_the_hint_that_fixes_them(text, code, column, hint):
    """review 9-b: each hint must name the fix for its own slip (not text that is still wrong)."""
    found = [d for d in lint(text) if d.code == code]
    assert found and found[0].column == column and hint in found[0].hint, [(d.column, d.hint) for d in found]


def test_a_syntax_error_in_a_test_block_keeps_its_event_after_as_of_warning():
    """review 9-b: a broken `expect` line hid SLA329 of an event line of the same block."""
    rule = "deadline d {\n  owner sales\n  start on a\n  stop on b\n  within 4h\n}\n"
    block = ('test "t" {\n  as of 2026-11-24T12:00:00Z\n  at 2026-11-24T13:00:00Z a\n  expect d pending\n'
             "  expect d finished\n}\n")
    found = [(d.code, d.line) for d in lint(HEADER + rule + block)]
    assert ("SLA329", 13) in found and ("SLA101", 15) in found, found


@pytest.mark.parametrize("clause, hint", [
    ("within -4h", "never negative"),
    ("within four hours", "in digits: `4h`"),
    ("within 1 hour and 30 minutes", "without `and`"),
    ("within 4h\n  warn at 1e5%", "a plain number"),
])
def test_durations_and_shares_written_in_words_or_other_notations_get_a_hint(clause, hint):
    text = HEADER + f"deadline d {{\n  owner sales\n  start on a\n  stop on b\n  {clause}\n}}\n"
    (d,) = [d for d in lint(text) if d.code == "SLA101"]
    assert hint in d.hint, d.hint


def test_a_block_opened_on_the_next_line_or_not_at_all_is_told_where_the_brace_goes():
    text = HEADER + "deadline d\n  owner sales\n  start on a\n  stop on b\n  within 4h\n}\n"
    found = [d for d in lint(text) if d.code == "SLA101"]
    assert found[0].line == 5 and "put `{` at the end of this line" in found[0].hint


def test_a_segment_of_an_empty_list_never_holds():
    text = HEADER + ("segment s = country in []\ndeadline d {\n  owner sales\n  start on a\n  stop on b\n"
                     "  within 4h for s\n  within 8h\n}\n")
    assert "SLA320" in codes(text)


def test_a_rule_clause_in_a_target_or_quota_says_where_it_belongs():
    text = HEADER + ("deadline d {\n  owner sales\n  start on a\n  stop on b\n  within 4h\n}\n"
                     "target t {\n  owner sales\n  rule d\n  warn at 50%\n  at least 90% met per week\n}\n"
                     "quota q {\n  owner sales\n  count a\n  within 4h\n  at least 3 per week\n}\n")
    found = [d for d in lint(text) if d.code == "SLA101"]
    assert [(d.message.split(", found ")[1], d.hint) for d in found] == [
        ("`warn`", "`warn` begins a clause of a `handoff`, `deadline` or `attempts` rule, not of a `target`: "
                   "move it into the rule it is about"),
        ("`within`", "`within` begins a clause of a `handoff` or `deadline` rule, not of a `quota`: "
                     "move it into the rule it is about")]


@pytest.mark.parametrize("clause, rules", [
    ("breach on rejected", "a `handoff` or `deadline` rule"),     # SLA306 in an attempts rule (review 24c L4)
    ("breach when x == 1", "a `handoff` or `deadline` rule"),
    ("require email", "a `handoff` rule"),
    ("gap at least 2h", "an `attempts` rule"),
    ("only during office", "an `attempts` rule"),
    ("stop on b", "a `handoff`, `deadline` or `attempts` rule"),
])
def test_a_rule_clause_in_a_quota_names_the_rules_it_belongs_to(clause, rules):
    text = HEADER + f"quota q {{\n  owner sales\n  count a\n  {clause}\n  at least 3 per week\n}}\n"
    (d,) = [d for d in lint(text) if d.code == "SLA101"]
    assert d.hint == f"`{clause.split()[0]}` begins a clause of {rules}, not of a `quota`: move it into the rule it is about"


def test_count_for_a_segment_in_an_attempts_rule_says_it_is_a_quotas():
    text = HEADER + ("segment hot = x > 1\nattempts a {\n  owner sales\n  start on a\n  stop on b\n"
                     "  count call for hot\n  at least 2 within 1d\n}\n")
    (d,) = [d for d in lint(text) if d.code == "SLA101"]
    assert "belongs to a quota" in d.hint


@pytest.mark.parametrize("body, hint", [
    ('calendar c {\n  timezone America/Sao_Paulo\n  hours mon-fri 09:00-18:00\n}\n', '"America/Sao_Paulo"'),
    ("deadline d {\n  owner sales\n  start on a\n  stop on b\n  within two days\n}\n", "`2d` or `2 days`"),
    ("deadline d {\n  owner sales\n  start on a\n  stop on b\n  within thirty minutes\n}\n", "`30m` or `30 minutes`"),
    ("deadline d {\n  owner sales\n  start on a\n  stop on b\n  within one hour\n}\n", "`1h` or `1 hour`"),
    ("deadline d {\n  owner sales\n  start on a\n  stop on b\n  within 4h\n  warn at 0.8\n}\n", "`80%`"),
    ('deadline d {\n  owner sales\n  start on form where utm:source == "x"\n  stop on b\n  within 4h\n}\n',
     "`` `utm:source` ``"),
    ('segment a = utm:source == "x"\n', "`` `utm:source` ``"),
    ('calendar c {\n  timezone "UTC"\n  hours weekend 09:00-18:00\n}\n', "`sat-sun`"),
    ('calendar c {\n  timezone "UTC"\n  hours weekdays 09:00-18:00\n}\n', "`mon-fri`"),
])
def test_hints_give_the_right_advice_for_inputs_that_meet_their_conditions(body, hint):
    """review 9-e: each of these got advice that was itself wrong (`"America"`, `2h` for two
    days, `0.8%`, `utm source`, `wed` for weekend)."""
    found = [d for d in lint(HEADER + body) if d.code in ("SLA101", "SLA102")]
    assert found and hint in (found[0].hint or ""), [(d.message, d.hint) for d in found]


@pytest.mark.parametrize("body", [
    "segment a = score === 5\n",
    "segment a = score >= = 5\n",
    'segment a = note == "call the owner" foo\n',
    'segment a = note == "a;b" foo\n',
    "quota q {\n  owner sales\n  count enter mql for icp for icp\n  at least 1 per week\n}\nsegment icp = x > 1\n",
])
def test_hints_stay_silent_where_their_advice_would_be_wrong(body):
    for d in lint(HEADER + body):
        if d.code in ("SLA101", "SLA102") and d.hint:
            assert "no `=`" not in d.hint and "closing `\"`" not in d.hint and "belongs to a quota" not in d.hint, d.hint


def test_not_utf8_advice_fits_the_file():
    """review 9-e: the iconv advice spoilt a UTF-8 file with one stray byte, a UTF-16 file was
    told it read as Windows-1252, and each bad line cost a decode of the rest of the file."""
    from slacode.parse import decode

    latin = 'agreement "d" { teams s }\n# caf\xe9\n'.encode("latin-1")
    mixed = 'agreement "d" { teams s }\n# São\n'.encode("utf-8") + b"# caf\xe9\n"
    (d,) = decode(latin, "a.sla", lenient=True)[1]
    assert "iconv -f windows-1252" in d.hint and (d.line, d.column) == (2, 6)
    (d,) = decode(mixed, "a.sla", lenient=True)[1]
    assert "iconv" not in d.hint and (d.line, d.column) == (3, 6)
    text, (d,) = decode('agreement "d" { teams s }\n'.encode("utf-16"), "a.sla", lenient=True)
    assert text is None and "UTF-16" in d.message and "iconv -f utf-16" in d.hint
    (d,) = slacode.lint('agreement "d" { teams s }\n'.encode("utf-16-be").decode("utf-8"))   # no mark: NULs
    assert "UTF-16" in d.message and "iconv -f utf-16" in d.hint
    png = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00" * 10
    (d,) = decode(png, "a.sla", lenient=True)[1]
    assert "UTF-16" not in d.message and "not a text file" in d.message               # review 9-h: no UTF-16
    assert "iconv" not in d.hint and "binary file" in d.hint                          # (review29d M4: nor cp1252)
    many = b"".join(b"# caf\xe9 %d\n" % i for i in range(20_000))
    text, found = decode(many, "a.sla", lenient=True)
    assert len(found) == 20_000 and found[-1].line == 20_000 and text.count("\ufffd") == 20_000


def test_an_invisible_character_inside_a_backquoted_name_is_reported():
    """review 9-g: `` `\u200bscore` `` is another field than `score`, silently."""
    (d,) = lint(HEADER + "segment s = `\u200bscore` >= 2\ndeadline d {\n  owner sales\n  start on a\n  stop on b\n"
                         "  within 4h for s\n  within 8h\n}\n")
    assert (d.code, d.line, d.column) == ("SLA102", 5, 14) and "delete it" in d.hint
    assert not lint(HEADER + "segment s = `região` == \"SP\"\ndeadline d {\n  owner sales\n  start on a\n"
                             "  stop on b\n  within 4h for s\n  within 8h\n}\n")


@pytest.mark.parametrize("name", ["`می\u200cخواهم`", "`👩\u200d💻 owner`", "`região`"])
def test_joiners_that_belong_to_words_are_fine_in_backquoted_names(name):
    """review 9-h: the joiners of Persian words and emoji sequences are no slip."""
    text = HEADER + (f'segment s = {name} == "x"\ndeadline d {{\n  owner sales\n  start on a\n  stop on b\n'
                     "  within 4h for s\n  within 8h\n}\n")
    assert not lint(text)


@pytest.mark.parametrize("body, hint", [
    ('agreement "fx" { version "1"; timezone UTC }\n', 'double quotes: "UTC"'),
    ("deadline d {\n  owner sales\n  start on a\n  stop on b\n  within two weeks\n}\n", "`14d`"),
    ("deadline d {\n  owner sales\n  start on a\n  stop on b\n  within ten mins\n}\n", "`10m`"),
    ("deadline d {\n  owner sales\n  start on a\n  stop on b\n  within two business days\n}\n", "with a unit"),
])
def test_hints_read_the_whole_context_review_9h(body, hint):
    found = [d for d in lint(body if body.startswith("agreement") else HEADER + body) if d.code == "SLA101"]
    assert found and hint in found[0].hint and '"UTC }"' not in found[0].hint, [(d.message, d.hint) for d in found]


def test_sla337_merges_the_comparisons_of_every_trigger():
    """review 9-h: a quota comparing `zip` with a number and a rule comparing it with text:
    a test's number is right for one of them, so no warning."""
    text = HEADER.replace("teams sales", "teams sales") + (
        'deadline d {\n  owner sales\n  start on assigned\n  stop on call where zip == "01310"\n  within 4h\n}\n'
        "quota q {\n  owner sales\n  count call where zip == 1310\n  at least 1 per week\n}\n"
        'test "t" {\n  as of 2026-11-24T18:00:00Z\n  at 2026-11-24T09:00:00Z assigned\n'
        "  at 2026-11-24T09:30:00Z call with zip = 1310\n  expect d met\n}\n")
    assert "SLA337" not in codes(text)


def test_nth_attempt_triggers_name_an_attempts_rule_and_stand_where_they_can_match():
    text = '''agreement "x" { version "1"; timezone "UTC"; teams sales }
deadline first_touch { owner sales; start on assigned; stop on call; within 1h }
attempts follow_up { owner sales; start on assigned; stop on enter sql; at least 3 within 24h }
deadline a { owner sales; start on 6th attempt of nothing; stop on call; within 1h }
deadline b { owner sales; start on 2nd attempt of first_touch; stop on call; within 1h }
deadline c { owner sales; start on 0th attempt of follow_up; stop on call; within 1h }
quota q { owner sales; count 3rd attempt of follow_up; at least 1 per day }
deadline fine { owner sales; start on 3rd attempt of follow_up or enter mql; stop on call; within 1h }
attempts own { owner sales; start on assigned; restart on 2nd attempt of own; at least 3 within 24h }
'''
    found = [(d.code, d.line) for d in slacode.lint(text) if d.code in ("SLA210", "SLA312", "SLA334")]
    assert found == [("SLA210", 4), ("SLA210", 5), ("SLA312", 6), ("SLA334", 7), ("SLA334", 9)]
    assert "start on 2nd attempt of first_touch" in slacode.format(text.replace("2nd attempt", "2th attempt"))


def test_an_attempts_rule_used_only_as_a_counter_is_not_one_without_clauses():
    counter = '''agreement "x" { version "1"; timezone "UTC"; teams sales }
attempts assignments { owner sales; start on enter mql; stop on enter sql; count assigned }
deadline first_assignment { owner sales; start on 1st attempt of assignments; stop on call; within 1h }
'''
    assert "SLA335" not in codes(counter)
    # counted by nobody (its own restart does not count): nothing judges it
    alone = counter.replace("start on 1st attempt of assignments", "start on assigned")
    assert [(d.code, d.line) for d in slacode.lint(alone) if d.code == "SLA335"] == [("SLA335", 2)]
    own = alone.replace("count assigned }", "count assigned; restart on 3rd attempt of assignments }")
    assert "SLA335" in codes(own)


def test_a_name_used_only_on_a_broken_or_misspelt_line_is_not_also_unused():
    calendar = 'calendar br_sales {\n  hours mon-fri 09:00-18:00\n}\nsegment hot = score >= 80\n'
    broken = HEADER + calendar + ("deadline d {\n  owner sales\n  start on a\n  stop on b\n"
                                  "  within 4 hrs on br_sales for hot\n  within 8h\n}\n")
    assert [c for c in codes(broken) if c in ("SLA217", "SLA218")] == []
    assert "SLA101" in codes(broken)
    misspelt = HEADER + calendar + ("deadline d {\n  owner sales\n  start on a\n  stop on b\n"
                                    "  within 4h on br_sale for hott\n  within 8h\n}\n")
    assert sorted(c for c in codes(misspelt) if c.startswith("SLA2")) == ["SLA208", "SLA209"]
    # a name nothing resembles is still unused
    unrelated = misspelt.replace("segment hot", "segment enterprise")
    assert "SLA217" in codes(unrelated)


def test_a_stray_nul_is_shown_as_its_picture_and_the_rest_is_checked(tmp_path):
    path = tmp_path / "a.sla"
    path.write_bytes((HEADER + "segment hot = score >= 80\ndeadline d {\n  owner \x00sales\n  start on a\n"
                      "  stop on b\n  within 4h for hott\n}\n").encode())
    out = subprocess.run([sys.executable, "-m", "slacode", "lint", str(path)], capture_output=True, text=True)
    assert "\x00" not in out.stdout and "owner \u2400sales" in out.stdout
    assert "SLA104" in out.stdout and "SLA209" in out.stdout


def test_reading_stops_after_too_many_syntax_errors_and_says_where(monkeypatch):
    import slacode.parse

    monkeypatch.setattr(slacode.parse, "MAX_SYNTAX_ERRORS", 5)
    text = HEADER + "".join(f"segmnt s{i} = score >= {i}\n" for i in range(20))
    found = [d for d in lint(text) if d.code.startswith("SLA1")]
    assert [d.code for d in found] == ["SLA101"] * 5 + ["SLA113"]
    stop = found[-1]
    first = HEADER.count("\n") + 1
    assert stop.line == first + 4
    assert stop.message == (f"stopped reading after 5 syntax errors at line {first + 4}; lines {first + 5}–"
                            f"{first + 19} were not checked")


def test_a_bare_state_name_as_a_predicate_suggests_comparing_the_state():
    text = HEADER.replace("}\n", "}\nstates {\n  new\n  on_hold\n  done final\n}\n", 1) + (
        "deadline d {\n  owner sales\n  start on assigned\n  stop on enter done\n  pause while on_hold\n"
        "  within 1h\n}\n")
    (d,) = [d for d in lint(text) if d.code == "SLA209"]
    assert d.hint == "`on_hold` is a state: to test the lead's state, write `state == on_hold`"


def test_negative_counts_and_warnings_get_a_hint():
    body = "deadline d {\n  owner sales\n  start on a\n  stop on b\n  within 4h\n  warn at -10%\n}\n"
    (d,) = [d for d in lint(HEADER + body) if d.code == "SLA101"]
    assert d.hint.startswith("a warning is a share of the target from 0 to 100%")
    body = "attempts c {\n  owner sales\n  start on a\n  stop on b\n  at most -1 per day\n}\n"
    (d,) = [d for d in lint(HEADER + body) if d.code == "SLA101"]
    assert d.hint.startswith("a count is never negative")


@pytest.mark.parametrize("body, hint", [
    ('calendar c {\n  hours mon-fri 9am-6pm\n}\n', "write times of day on a 24-hour clock: `09:00-18:00`, not `9am-6pm`"),
    ("deadline d {\n  owner sales start on a\n  stop on b\n  within 4h\n}\n",
     "one clause per line: start `start` on a line of its own (or separate the two with `;`)"),
    ("attempts a {\n  owner sales\n  start on a\n  stop on b\n  gap at least 2\n}\n",
     "add a unit to the number: `2m`, `2h` or `2d`"),
    ("deadline first-touch {\n  owner sales\n  start on a\n  stop on b\n  within 4h\n}\n",
     "names are letters, digits and `_`: `first_touch`"),
])
def test_common_slips_get_a_hint(body, hint):
    found = [d for d in lint(HEADER + body) if d.code == "SLA101"]
    assert found and found[0].hint == hint, [(d.message, d.hint) for d in found]


def test_an_unquoted_version_is_told_to_take_quotes():
    text = 'agreement "x" {\n  version 2026.11\n  timezone "UTC"\n  teams sales\n}\n'
    (d,) = [d for d in lint(text) if d.code == "SLA101"]
    assert d.hint == 'write it in double quotes: "2026.11"'


def test_a_bare_name_that_reads_like_a_field_is_not_told_to_be_quoted_first():
    """Quoting `owner` would compare with the word (review 14-b): the hint says a predicate
    cannot compare two fields (and what bare `assignee` is); a plain word is still told to
    be quoted."""
    text = HEADER + ("segment mine = region == country\nsegment z = tier == gold\nsegment c = country exists\n"
                     "deadline d {\n  owner sales\n  start on assigned\n  stop on call where rep == owner\n"
                     "  within 1h for mine\n  within 2h for z\n  within 3h for c\n  within 4h\n}\n")
    hints = {d.message.split("`")[-2]: d.hint for d in slacode.lint(text) if d.code == "SLA214"}
    assert sorted(hints) == ["country", "gold", "owner"]
    for word in ("country", "owner"):
        assert hints[word].startswith(f"`{word}` reads like a field") and "cannot compare two fields" in hints[word]
        assert "`assignee`, bare, is the lead's rep in a `where`" in hints[word]
    assert hints["gold"] == 'quote it: `"gold"` (the right side of a comparison is a value)'


def test_an_expected_assignee_is_a_check_of_a_lead_rule_and_a_pick_of_a_per_rep_goal():
    text = '''agreement "t" { timezone "UTC"; teams sales }
deadline d { owner sales; start on assigned; stop on call; within 1h }
target t { owner sales; rule d; at least 90% met per month }
test "who" {
  as of 2026-11-03T12:00:00Z
  at 2026-11-03T09:00:00Z assigned with owner = "ana"
  expect d assignee "ana" cycle 1 breached
  expect t period "2026-11" assignee "ana" pending
}
'''
    found = {d.line: d for d in slacode.lint(text) if d.code == "SLA330"}
    assert sorted(found) == [8]                         # a lead verdict's assignee can be checked
    assert found[8].hint == "drop `assignee \"…\"`, or add `by assignee` to target `t`"


def test_warn_before_the_whole_target_is_found_on_each_pick_of_a_calendar_choice():
    """review 15-c: a line on a calendar choice was not checked (SLA321) at all."""
    from tests.test_calendar_choice import HEAD

    text = HEAD + """calendar desk = apac for in_apac, amer
deadline d {
  owner sales
  start on assigned
  stop on call
  within WITHIN on desk
  warn BEFORE before
}
"""

    def found(within: str, before: str) -> list[str]:
        return [d.message for d in slacode.lint(text.replace("WITHIN", within).replace("BEFORE", before))
                if d.code == "SLA321"]

    (message,) = found("2h", "3h")
    assert message.startswith("`warn 3h before` is at least the whole target of `within 2h` (line 16)")
    # a day is 9h on apac and 8h on amer: 8h30m is the whole day on amer only, 9h on both
    assert found("1d", "8h30m")[0].startswith("`warn 8h30m before` is at least the whole target of `within 1d` on "
                                               "`amer` (line 16)")
    assert "on `apac`" in found("1d", "9h")[0]
    assert found("1d", "7h") == [] and found("2h", "1h") == []


def test_sla380_an_interval_from_the_morning_that_runs_overnight_suggests_the_afternoon():
    text = ('agreement "x" { timezone "UTC"; teams sales }\n'
            "calendar c {\n  timezone \"UTC\"\n  hours mon-fri 8:00-5:00\n  hours sat 11:30-11:00\n"
            "  hours sun 22:00-06:00, 12:00-13:00\n}\n"
            "attempts a {\n  owner sales\n  start on assigned\n  stop on won\n  only between 9:00-8:30 in lead timezone\n}\n"
            "deadline d {\n  owner sales\n  start on assigned\n  stop on call\n  within 4h on c\n}\n")
    found = [d for d in lint(text) if d.code == "SLA380"]
    assert [(d.line, d.column, d.message, d.hint) for d in found] == [
        (4, 17, "`08:00-05:00` starts in the morning and runs overnight to 05:00 the next day (21h)",
         "did you mean `08:00-17:00`? Times of day are on the 24-hour clock"),
        (5, 13, "`11:30-11:00` starts in the morning and runs overnight to 11:00 the next day (23h 30m)",
         "did you mean `11:30-23:00`? Times of day are on the 24-hour clock"),
        (12, 16, "`09:00-08:30` starts in the morning and runs overnight to 08:30 the next day (23h 30m)",
         "did you mean `09:00-20:30`? Times of day are on the 24-hour clock")]


@pytest.mark.parametrize("last", ["segment warm = score >= 50 and", "segment warm = (score >= 50",
                                  "segment warm = score >= 50 and\n", "let big =", "deadline z { owner"])
def test_a_statement_cut_off_at_the_end_of_the_file_hides_no_other_problem(last):
    """review 21c: the file ends inside an expression: the declarations before it are still checked."""
    text = HEADER + ("deadline r {\n  owner sales\n  start on a\n  stop on b\n  within 4h on ofice\n  warn at 150%\n}\n"
                     + last)
    found = [d.code for d in lint(text)]
    assert found[:2] == ["SLA208", "SLA311"] and found[-1] in ("SLA103", "SLA101"), found


@pytest.mark.parametrize("states, code", [("", "SLA219"), ("states {\n  working\n  won final\n}\n", "SLA207")])
def test_an_event_type_listed_after_enter_is_read_as_a_state(states, code):
    from slacode.api import lint

    text = ('agreement "p" {\n  timezone "UTC"\n  teams sales\n}\n' + states
            + "deadline k {\n  owner sales\n  start on enter working, contact_attempt\n"
              "  stop on enter won\n  within 2d\n}\n")
    (diag,) = [d for d in lint(text) if d.code == code]
    assert diag.hint == ("after `enter`, a comma lists states; for the event `contact_attempt`, "
                         "write `enter working or contact_attempt`")
    # a state list of states only says nothing of the kind
    assert not [d for d in lint(text.replace(", contact_attempt", ", won")) if d.code in ("SLA219", "SLA207")]
