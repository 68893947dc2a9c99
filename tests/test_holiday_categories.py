"""`holidays "CC" with CATEGORY, "NAME"` (extension: docs/time.md, "More than the public
holidays") and SLA392-SLA394: which days a calendar closes, how names match, the checks,
fmt, diff, and the country of a timezone."""
from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import slacode
import slacode.api
from slacode import holiday_days
from slacode.calendar import Calendar, CalendarError
from slacode.fmt import format as format_source
from tests.conftest import run_fresh

WEEK = [(frozenset(range(5)), [(9 * 60, 18 * 60)])]
CARNIVAL_2027 = {date(2027, 2, 8), date(2027, 2, 9)}
ASH_WEDNESDAY_2027 = date(2027, 2, 10)
CORPUS_CHRISTI_2027 = date(2027, 5, 27)


def _closed(cal: Calendar, year: int) -> set[date]:
    return {date.fromordinal(o) for o in cal._holidays_of(year)}  # noqa: SLF001


def _agreement(holidays_lines: str, zone: str = "America/Sao_Paulo") -> str:
    return (f'agreement "x" {{ version "1"; timezone "{zone}"; teams sales }}\n'
            f'calendar office {{\n  timezone "{zone}"\n  hours mon-fri 09:00-18:00\n{holidays_lines}\n}}\n'
            "deadline d { owner sales; start on assigned; stop on contact_attempt; within 4h on office }\n")


def _lint(text: str, *codes: str) -> list:
    return [d for d in slacode.api.lint(text) if d.code in codes]


# ----------------------------------------------------------------------- the days

def test_public_holidays_alone_leave_carnival_a_working_day():
    cal = Calendar("America/Sao_Paulo", WEEK, holidays=["BR"])
    assert not (CARNIVAL_2027 | {ASH_WEDNESDAY_2027}) & _closed(cal, 2027)


def test_a_category_adds_all_its_days():
    cal = Calendar("America/Sao_Paulo", WEEK, holidays=["BR"], holiday_categories={"BR": ["optional"]})
    closed = _closed(cal, 2027)
    assert CARNIVAL_2027 | {ASH_WEDNESDAY_2027, CORPUS_CHRISTI_2027, date(2027, 12, 24)} <= closed
    assert date(2027, 11, 15) in closed                                  # the public ones stay


def test_names_add_only_their_days_and_match_ignoring_case_and_apostrophes():
    cal = Calendar("America/Sao_Paulo", WEEK, holidays=["BR"],
                   holiday_names={"BR": ["CARNIVAL", "ash wednesday", "Public Servant\u2019s Day"]})
    closed = _closed(cal, 2027)
    assert CARNIVAL_2027 | {ASH_WEDNESDAY_2027, date(2027, 10, 28)} <= closed
    assert CORPUS_CHRISTI_2027 not in closed and date(2027, 12, 24) not in closed
    public = _closed(Calendar("America/Sao_Paulo", WEEK, holidays=["BR"]), 2027)
    assert closed - public == CARNIVAL_2027 | {ASH_WEDNESDAY_2027, date(2027, 10, 28)}


def test_a_name_matches_its_observed_day():
    """Canada's `optional` Boxing Day falls on a Saturday in 2026: the package moves it to
    Monday 28 as `Boxing Day (observed)`, which the name closes too."""
    cal = Calendar("America/Toronto", WEEK, holidays=["CA"], holiday_names={"CA": ["Boxing Day"]})
    closed = _closed(cal, 2026)
    assert {date(2026, 12, 26), date(2026, 12, 28)} <= closed


def test_a_deadline_moves_over_carnival():
    start = "2027-02-05T16:00:00-03:00"

    def due(line: str) -> str:
        text = _agreement(f"  {line}")
        got = slacode.loads(text).evaluate([{"lead": "L", "at": start, "type": "assigned"}], as_of=start)
        return got.verdicts[0].to_dict()["due_at"]

    assert due('holidays "BR"') == "2027-02-08T11:00:00-03:00"
    assert due('holidays "BR" with "Carnival"') == "2027-02-10T11:00:00-03:00"
    assert due('holidays "BR" with optional') == "2027-02-11T11:00:00-03:00"


def test_the_names_explain_prints_are_english_whatever_the_locale(monkeypatch):
    monkeypatch.setenv("LANGUAGE", "pt_BR")
    monkeypatch.setenv("LC_ALL", "pt_BR.UTF-8")
    holiday_days.days_of.cache_clear()
    holiday_days.chosen_days.cache_clear()
    try:
        cal = Calendar("America/Sao_Paulo", WEEK, holidays=["BR"], holiday_names={"BR": ["Carnival"]})
        days = cal.closed_days(date(2027, 2, 5), date(2027, 2, 12))
        assert days == [(date(2027, 2, 8), "Carnival (BR)"), (date(2027, 2, 9), "Carnival (BR)")]
        public = Calendar("America/Sao_Paulo", WEEK, holidays=["BR"])
        assert public.closed_days(date(2027, 11, 1), date(2027, 11, 3)) == [(date(2027, 11, 2), "All Souls' Day (BR)")]
    finally:
        holiday_days.days_of.cache_clear()
        holiday_days.chosen_days.cache_clear()


def test_calendar_refuses_extras_for_a_code_it_lacks_and_a_bad_category():
    with pytest.raises(CalendarError, match="not one of the calendar's holiday codes"):
        Calendar("UTC", WEEK, holidays=["BR"], holiday_categories={"US": ["optional"]})
    with pytest.raises(CalendarError, match="non-empty strings"):
        Calendar("UTC", WEEK, holidays=["BR"], holiday_names={"BR": [""]})
    cal = Calendar("UTC", WEEK, holidays=["BR"], holiday_categories={"BR": ["bank"]})
    with pytest.raises(CalendarError, match="no category `bank`"):
        cal.is_open_us(0)


def test_calendars_with_different_picks_do_not_share_a_year():
    """The holiday tables are cached per code, year, categories and names: a calendar with
    Carnival and one without, built in either order, each close their own days."""
    plain = Calendar("America/Sao_Paulo", WEEK, holidays=["BR"])
    named = Calendar("America/Sao_Paulo", WEEK, holidays=["BR"], holiday_names={"BR": ["Carnival"]})
    assert CARNIVAL_2027 <= _closed(named, 2027)
    assert not CARNIVAL_2027 & _closed(plain, 2027)


BR_OPTIONAL = ["Carnival", "Ash Wednesday", "Corpus Christi", "Public Servant's Day", "Christmas Eve",
               "New Year's Eve"]


@settings(max_examples=40, deadline=None)
@given(picked=st.sets(st.sampled_from(BR_OPTIONAL)), year=st.integers(2005, 2055),
       upper=st.lists(st.booleans(), min_size=6, max_size=6))
def test_names_close_exactly_the_named_days_of_the_category(picked, year, upper):
    names = [n.upper() if up else n.lower() for n, up in zip(sorted(picked), upper)]
    named = _closed(Calendar("America/Sao_Paulo", WEEK, holidays=["BR"], holiday_names={"BR": names}), year)
    public = _closed(Calendar("America/Sao_Paulo", WEEK, holidays=["BR"]), year)
    optional = holiday_days.days_of("BR", year, ("optional",))
    want = {date.fromordinal(o) for o, day in optional.items() if set(day) & picked}
    assert named == public | want
    every = _closed(Calendar("America/Sao_Paulo", WEEK, holidays=["BR"],
                             holiday_categories={"BR": ["optional"]}), year)
    assert public <= named <= every


# ------------------------------------------------------------------ syntax and fmt

def test_picks_keep_their_kind_and_order():
    a = slacode.loads(_agreement('  holidays "BR", "BR-SP" with optional, "Carnival"'))
    (line,) = a.calendar_decls["office"].of("holidays")
    assert [(p.value, p.category) for p in line.picks] == [("optional", True), ("Carnival", False)]
    assert [r.value for r in line.regions] == ["BR", "BR-SP"]


def test_fmt_writes_with_back_and_is_idempotent():
    text = _agreement('  holidays   "BR"  with optional ,"Carnival",   "Ash Wednesday"')
    once = format_source(text)
    assert '  holidays "BR" with optional, "Carnival", "Ash Wednesday"\n' in once
    assert format_source(once) == once


@pytest.mark.parametrize("line, hint", [
    ('holidays "BR" optional', 'a holiday category follows `with`: `holidays "BR" with optional`'),
    ('holidays "BR" with optional "Carnival"',
     'separate the categories and holiday names with commas: `holidays "BR" with optional, "Carnival"`'),
])
def test_syntax_hints(line, hint):
    (d,) = [d for d in slacode.api.lint(_agreement(f"  {line}")) if d.code == "SLA101"]
    assert d.hint == hint


# ---------------------------------------------------------------------- the checks

def test_unknown_category_lists_the_countrys():
    (d,) = _lint(_agreement('  holidays "BR" with bank'), "SLA392")
    assert d.message == 'the holidays package has no category `bank` for "BR"'
    assert d.hint == 'the categories of "BR" are `optional`, `public`'
    assert (d.span.line, d.span.column) == (5, 22)


def test_category_in_capitals_and_half_days_and_workdays():
    (d,) = _lint(_agreement('  holidays "BR" with Optional'), "SLA392")
    assert d.hint.startswith("did you mean `optional`? Categories are written in lower case")
    (d,) = _lint(_agreement('  holidays "TR" with half_day', "Europe/Istanbul"), "SLA392")
    assert "names no days off" in d.message and "`open DATE HH:MM-HH:MM`" in d.hint
    (d,) = _lint(_agreement('  holidays "BY" with workday', "Europe/Minsk"), "SLA392")
    assert "working days" in d.hint


def test_known_categories_and_names_pass():
    assert not _lint(_agreement('  holidays "BR" with optional, "Carnival", "corpus christi"'),
                     "SLA392", "SLA393", "SLA205", "SLA394")


def test_unknown_names_get_the_closest_or_the_english_name():
    diags = _lint(_agreement('  holidays "BR" with "Carnivl", "Carnaval", "Quarta-feira de Cinzas", "Boxing Day"'),
                  "SLA393")
    by_col = {d.span.column: d for d in diags}
    assert len(diags) == 4
    typo, local, local2, other = (by_col[c] for c in sorted(by_col))
    assert typo.hint == 'did you mean "Carnival"?'
    assert typo.message.startswith('no holiday of "BR" is named "Carnivl" (in 2000-2060')
    assert local.hint.endswith('"Carnaval" (pt_BR) is "Carnival"')
    assert local2.hint.endswith('is "Ash Wednesday"')
    assert other.message.startswith('no holiday of "BR" is named "Boxing Day"')


def test_a_half_day_name_is_refused_with_the_open_advice():
    (d,) = _lint(_agreement('  holidays "TR" with "Republic Day (from 1pm)"', "Europe/Istanbul"), "SLA393")
    assert "category `half_day`" in d.message and "open DATE" in d.hint


def test_each_code_of_a_line_must_know_the_name():
    diags = _lint(_agreement('  holidays "BR", "US" with "Carnival"'), "SLA393")
    assert [d.message.split(" is named")[0] for d in diags] == ['no holiday of "US"']


def test_a_code_given_twice_with_a_with():
    (d,) = _lint(_agreement('  holidays "BR"\n  holidays "BR" with optional'), "SLA205")
    assert d.message == 'calendar `office` gives the holidays of "BR" twice (first on line 5)'
    assert d.hint == 'write the code once, with all it adds: `holidays "BR" with optional`'
    assert not _lint(_agreement('  holidays "BR", "BR"'), "SLA205")      # no `with`: the same days twice


def test_unknown_codes_are_left_to_sla216():
    diags = [d.code for d in slacode.api.lint(_agreement('  holidays "XX" with optional, "Carnival"'))]
    assert "SLA216" in diags and "SLA392" not in diags and "SLA393" not in diags


# ---------------------------------------------------------------- zone's country

@pytest.mark.parametrize("zone, codes, expected", [
    ("America/New_York", '"BR"', True),
    ("America/New_York", '"BR", "US-NY"', False),           # a subdivision counts as its country
    ("America/Sao_Paulo", '"BR-SP"', False),
    ("Europe/Zurich", '"FR"', False),                      # CH, DE, LI share it
    ("Europe/Berlin", '"US"', False),                      # DE, DK, NO, SE, SJ
    ("UTC", '"BR"', False),                                # no country
    ("US/Eastern", '"BR"', True),                          # a link, read as America/New_York
    ("America/St_Thomas", '"US-VI"', False),               # a territory: its zone is of "VI"
    ("Indian/Reunion", '"FR-974"', False),                 # Réunion, "RE"
    ("America/Sao_Paulo", '"BRA"', False),                 # the package's ISO-3 alias of "BR"
    ("America/Sao_Paulo", '"BRA-SP"', False),
    ("America/New_York", '"BRA"', True),
])
def test_holidays_not_of_the_zones_country(zone, codes, expected):
    diags = _lint(_agreement(f"  holidays {codes}", zone), "SLA394")
    assert bool(diags) is expected
    if expected:
        assert diags[0].severity == "info"
        assert diags[0].hint.startswith('if the desk follows the holidays of "US"')


@pytest.mark.parametrize("code", ['"XX"', '"Brazil"', '"BR", "XX"'])
def test_no_sla394_on_a_code_sla216_refuses(code):
    diags = [d.code for d in slacode.api.lint(_agreement(f"  holidays {code}", "America/New_York"))]
    assert "SLA216" in diags and "SLA394" not in diags


def test_the_calendar_inherits_the_agreements_zone():
    text = ('agreement "x" { version "1"; timezone "America/New_York"; teams sales }\n'
            'calendar office { hours mon-fri 09:00-18:00; holidays "BR" }\n'
            "deadline d { owner sales; start on assigned; stop on contact_attempt; within 4h on office }\n")
    assert [d.code for d in _lint(text, "SLA394")] == ["SLA394"]


def test_no_zone_tables_no_information(monkeypatch):
    monkeypatch.setattr(holiday_days, "_tab_texts", lambda: [])
    holiday_days._tables.cache_clear()
    holiday_days.zone_countries.cache_clear()
    try:
        assert holiday_days.zone_countries("America/New_York") == frozenset()
        assert not _lint(_agreement('  holidays "BR"', "America/New_York"), "SLA394")
    finally:
        holiday_days._tables.cache_clear()
        holiday_days.zone_countries.cache_clear()


def test_zone_countries():
    assert holiday_days.zone_countries("America/Sao_Paulo") == {"BR"}
    assert {"CH", "DE", "LI"} <= holiday_days.zone_countries("Europe/Zurich")
    assert holiday_days.zone_countries("UTC") == frozenset()
    assert holiday_days.zone_countries("../../etc/passwd") == frozenset()
    assert holiday_days.zone_countries("America/Sao") == frozenset()       # a prefix of a zone is none
    assert holiday_days.zone_countries("Europe/Berlin") >= {"DE"}
    assert holiday_days.zone_countries("US/Eastern") == {"US"}              # a link


def test_a_load_without_with_does_not_import_holidays():
    out = run_fresh("""
        import sys
        import slacode
        a = slacode.loads('agreement "x" { version "1"; timezone "America/New_York"; teams sales }\\n'
                          'calendar c { timezone "America/New_York"; hours mon-fri 09:00-18:00; holidays "BR" }\\n'
                          'deadline d { owner sales; start on assigned; stop on call; within 1h on c }\\n')
        print("holidays" in sys.modules, [d.code for d in a.diagnostics])
    """)
    assert out.split() == ["False", "['SLA394']"]


# ----------------------------------------------------------------------- diff

def test_diff_reports_a_changed_category_or_name():
    from slacode.diff.changes import semantic_diff

    old = slacode.loads(_agreement('  holidays "BR" with "Carnival"'))
    new = slacode.loads(_agreement('  holidays "BR" with optional'))
    changes = [c.message for c in semantic_diff(old, new) if c.semantic]
    assert changes == ['holidays "BR": category added: `optional`', 'holidays "BR": holiday removed: "Carnival"']
    same = slacode.loads(_agreement('  holidays "BR" with "carnival"'))
    assert not [c for c in semantic_diff(old, same) if c.semantic]


def test_diff_names_what_an_added_code_adds():
    from slacode.diff.changes import semantic_diff

    old = slacode.loads(_agreement('  holidays "BR"'))
    new = slacode.loads(_agreement('  holidays "BR", "BR-SP" with optional'))
    assert [c.message for c in semantic_diff(old, new) if c.semantic] == [
        'holiday region added: "BR-SP" with optional', 'holidays "BR": category added: `optional`']
