"""Messages for Portuguese-, Spanish- and Romanian-speaking users (review 24): a language tag
as a holiday code (BUG-1), day names (UX-2), units, periods, `por`, day-first dates,
`feriados` and a decimal comma (UX-3), wording slips (UX-6) and a misspelt
`contact_attempt` (UX-8). Each was a misleading hint, a bare "expected X, found Y" or nothing."""
from __future__ import annotations

import pytest

import slacode
from slacode.calendar import check_holidays

HEAD = 'agreement "m" { version "1"; timezone "America/Sao_Paulo"; teams sales }\n'
RULE = "deadline t {{ owner sales; start on assigned; stop on contact_attempt; within {target} }}\n"
CAL = "calendar br {{\n  timezone \"America/Sao_Paulo\"\n  {line}\n}}\n"
QUOTA = "quota q {{ owner sales; count enter mql; {goal} }}\n"


def only(text: str, code: str):
    found = [d for d in slacode.lint(HEAD + text) if d.code == code]
    assert len(found) == 1, [(d.code, d.message) for d in slacode.lint(HEAD + text)]
    return found[0]


def errors(text: str) -> list:
    return [(d.code, d.message) for d in slacode.lint(HEAD + text) if d.severity == "error"]


def calendar(line: str) -> str:
    """A calendar with ``line`` (and working hours, unless ``line`` gives them)."""
    if not line.startswith("hours"):
        line = "hours mon-fri 09:00-18:00\n  " + line
    return CAL.format(line=line) + RULE.format(target="4h on br")


# ------------------------------------------------------------------ BUG-1: holiday codes

@pytest.mark.parametrize("written, country, name", [
    ("es-AR", "AR", "Argentina"), ("pt-BR", "BR", "Brazil"), ("pt-br", "BR", "Brazil"), ("PT-BR", "BR", "Brazil"),
    ("ro-RO", "RO", "Romania"), ("es-MX", "MX", "Mexico"), ("en-US", "US", "the United States"),
    ("en_GB", "GB", "the United Kingdom"),
])
def test_a_language_tag_as_holiday_code_names_the_country(written, country, name):
    d = only(calendar(f'holidays "{written}"'), "SLA216")
    assert "language tag" in d.message, d.message
    assert d.hint.startswith(f'write `holidays "{country}"` for {name}'), d.hint
    assert "upper case" not in d.message + d.hint


def test_es_ar_is_not_upper_cased_into_aragon():
    """`ES-AR` is Spain's Aragón: the old hint sent an Argentine desk to Spain's holidays."""
    d = only(calendar('holidays "es-AR"'), "SLA216")
    assert d.hint == 'write `holidays "AR"` for Argentina (`ES-AR` is a subdivision of Spain)'
    assert "did you mean `ES-AR`" not in d.hint


def test_an_all_lower_case_code_that_reads_both_ways_gets_both():
    d = only(calendar('holidays "es-ar"'), "SLA216")
    assert '`holidays "AR"` for Argentina' in d.hint and '`holidays "ES-AR"` for the subdivision `ES-AR` of Spain' \
        in d.hint


@pytest.mark.parametrize("code", ["ES-AR", "BR-SP", "AR", "US-CA"])
def test_holiday_codes_themselves_pass(code):
    assert check_holidays(code) is None


@pytest.mark.parametrize("code, hint", [("br", "'BR'"), ("br-sp", "'BR-SP'"), ("US-ca", "'US-CA'")])
def test_a_holiday_code_in_lower_case_still_gets_upper_case(code, hint):
    assert hint in check_holidays(code) and "language tag" not in check_holidays(code)


@pytest.mark.parametrize("written, line", [("BR-SP,BR-RJ", 'holidays "BR-SP", "BR-RJ"'),
                                           ("BR-SP, BR-RJ", 'holidays "BR-SP", "BR-RJ"'),
                                           ("AR;ES-AR", 'holidays "AR", "ES-AR"')])
def test_several_codes_in_one_string_are_split(written, line):
    d = only(calendar(f'holidays "{written}"'), "SLA216")
    assert d.hint == f"write each in a string of its own: `{line}`"
    assert not errors(calendar(line))                      # the hint's line is valid


def test_codes_in_one_string_with_one_unknown_get_no_split_hint():
    assert "string of its own" not in check_holidays("BR-SP,BR-XX")


def test_the_suggested_country_lints_clean():
    assert not errors(calendar('holidays "AR"'))
