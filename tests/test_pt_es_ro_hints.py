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


# ------------------------------------------------------------------ UX-2: day names

@pytest.mark.parametrize("days, english, said", [
    ("lun-vie", "mon-fri", "(Monday to Friday)"), ("seg-sex", "mon-fri", "(Monday to Friday)"),
    ("Lun-Vie", "mon-fri", "(Monday to Friday)"), ("mon-vie", "mon-fri", "(Monday to Friday)"),
    ("mar-jue", "tue-thu", "(Tuesday to Thursday)"), ("luni-vineri", "mon-fri", "(Monday to Friday)"),
    ("joi", "thu", "(Thursday)"), ("sáb", "sat", "(Saturday)"), ("sâm", "sat", "(Saturday)"),
    ("mié", "wed", "(Wednesday)"), ("dum", "sun", "(Sunday)"), ("segunda-feira", "mon", "(Monday)"),
    ("lun, mié, vie", "mon, wed, fri", ""),
])
def test_days_in_portuguese_spanish_or_romanian_get_the_english_days(days, english, said):
    d = only(calendar(f"hours {days} 09:00-18:00"), "SLA101")
    assert d.hint == f"days are written in English: `{english}`{' ' + said if said else ''}, not `{days}`", d.hint
    assert not errors(calendar(f"hours {english} 09:00-18:00"))


@pytest.mark.parametrize("days", ["lun-vie", "jue", "sam", "ter-qui"])
def test_no_day_of_another_language_gets_an_edit_distance_guess(days):
    """`lun` is Monday, not `sun`; `jue` Thursday, not `tue`; `sam` Saturday (right by chance)."""
    hint = only(calendar(f"hours {days} 09:00-18:00"), "SLA101").hint
    assert "did you mean" not in hint and hint.startswith("days are written in English"), hint


def test_an_english_slip_keeps_its_guess_but_another_first_letter_gets_none():
    assert "did you mean `fri`?" in only(calendar("hours mon-fry 09:00-18:00"), "SLA101").hint
    for word in ("xue", "hun"):         # `tue` and `sun` with another first letter: no guess
        hint = only(calendar(f"hours mon-{word} 09:00-18:00"), "SLA101").hint
        assert "did you mean" not in hint and "`mon` `tue`" in hint, hint


def test_a_day_set_with_an_unknown_word_names_the_one_day():
    hint = only(calendar("hours lun-xyz 09:00-18:00"), "SLA101").hint
    assert hint == "days are written in English: `mon` (Monday), not `lun`"


# ------------------------------------------------------------------ UX-3: units, periods, dates, words

@pytest.mark.parametrize("target, hint", [
    ("4 horas on br", "`horas` is `hours`: write `4h` or `4 hours`"),
    ("1 hora on br", "`hora` is `hour`: write `1h` or `1 hour`"),
    ("30 minutos on br", "`minutos` is `minutes`: write `30m` or `30 minutes`"),
    ("2 dias on br", "`dias` is `days`: write `2d` or `2 days`"),
    ("2 días on br", "`días` is `days`: write `2d` or `2 days`"),
    ("4 ore on br", "`ore` is `hours`: write `4h` or `4 hours`"),
    ("3 zile on br", "`zile` is `days`: write `3d` or `3 days`"),
    ("2 semanas on br", "`semanas` are weeks, and durations count days: write `14d`, or `10d` on a calendar of "
                        "working days"),
    ("2 dias úteis on br", "working time comes from the calendar named with `on`: write `within 2d on br`"),
    ("2 días hábiles on br", "working time comes from the calendar named with `on`: write `within 2d on br`"),
])
def test_units_in_portuguese_spanish_or_romanian(target, hint):
    d = only(CAL.format(line="hours mon-fri 09:00-18:00") + RULE.format(target=target), "SLA101")
    assert d.hint.startswith(hint), d.hint


def test_minute_in_romanian_is_the_english_word_and_valid():
    assert not errors(RULE.format(target="30 minute"))


@pytest.mark.parametrize("goal, hint", [
    ("at least 90 per mes", "`mes` is `month`: write `per month`"),
    ("at least 90 per mês", "`mês` is `month`: write `per month`"),
    ("at least 90 per semana", "`semana` is `week`: write `per week`"),
    ("at least 9 per dia", "`dia` is `day`: write `per day`"),
    ("at least 9 per día", "`día` is `day`: write `per day`"),
    ("at least 9 per zi", "`zi` is `day`: write `per day`"),
    ("at least 90 per trimestre", "`trimestre` is `quarter`: write `per quarter`"),
    ("at least 90 per lună", "`lună` is `month`: write `per month`"),
    ("at least 90 per săptămână", "`săptămână` is `week`: write `per week`"),
    ("at least 900 per año", "`año` is a year, and a goal's period is a `day`, `week`, `month` or `quarter`"),
    ("at least 900 per ano", "`ano` is a year"),
    ("at least 900 per year", "a goal's period is a `day`, `week`, `month` or `quarter`, none of them a year"),
    ("at least 90 por semana", "write `per week`, not `por semana`"),
    ("at least 90 por mes", "write `per month`, not `por mes`"),
    ("at least 90 pe lună", "write `per month`, not `pe lună`"),
    ("at least 90 por month", "write `per month`, not `por month`"),
])
def test_periods_and_per_in_portuguese_spanish_or_romanian(goal, hint):
    d = only(QUOTA.format(goal=goal), "SLA101")
    assert d.hint.startswith(hint), d.hint


def test_por_in_an_attempts_rule_and_a_cycle():
    text = "states {{ mql; sql }}\nattempts a {{ owner sales; start on assigned; stop on enter sql; at most 2 {per} }}\n"
    assert only(text.format(per="por día"), "SLA101").hint == "write `per day`, not `por día`"
    assert only(text.format(per="per ciclo"), "SLA101").hint == "`ciclo` is `cycle`: write `per cycle`"


def test_an_english_period_slip_keeps_its_hint():
    assert "did you mean `week`?" in only(QUOTA.format(goal="at least 90 per weeks"), "SLA101").hint


@pytest.mark.parametrize("line, hint", [
    ("closed 24/12/2026", "dates are written year first, YYYY-MM-DD: `2026-12-24` for `24/12/2026`"),
    ("closed 24.12.2026", "dates are written year first, YYYY-MM-DD: `2026-12-24` for `24.12.2026`"),
    ("closed 24-12-2026", "dates are written year first, YYYY-MM-DD: `2026-12-24` for `24-12-2026`"),
    ("closed 12/24/2026", "dates are written year first, YYYY-MM-DD: `2026-12-24` for `12/24/2026`"),
    ("closed 2026/12/24", "dates are written year first, YYYY-MM-DD: `2026-12-24` for `2026/12/24`"),
    ("closed 2026-12-25, 31/12/2026", "`2026-12-31` for `31/12/2026`"),
    ("open 24/12/2026 09:00-13:00", "`2026-12-24` for `24/12/2026`"),
    ("closed 05/12/2026", "`05/12/2026` is `2026-12-05` read day first, or `2026-05-12` read month first: write "
                          "the one meant as YYYY-MM-DD"),
])
def test_a_date_written_day_first_or_month_first(line, hint):
    d = only(calendar("hours mon-fri 09:00-18:00\n  " + line), "SLA101")
    assert d.hint is not None and hint in d.hint, d.hint


def test_a_date_that_is_none_either_way_gets_no_made_up_date():
    d = only(calendar("hours mon-fri 09:00-18:00\n  closed 31/02/2026"), "SLA101")
    assert d.hint is None or "2026-02-31" not in d.hint


@pytest.mark.parametrize("word", ["feriados", "festivos", "sărbători", "sarbatori"])
def test_holidays_in_portuguese_spanish_or_romanian(word):
    d = only(calendar(f'hours mon-fri 09:00-18:00\n  {word} "BR"'), "SLA101")
    assert d.hint == f'`{word}` is `holidays`: write `holidays "BR"`', d.hint


def _sum_warning(amount):
    agreement = slacode.loads(HEAD + "quota pipeline { owner sales; sum amount of deal; at least 1000 per month }\n")
    result = agreement.evaluate([{"lead": "A", "at": "2026-11-02T10:00:00-03:00", "type": "deal", "amount": amount}],
                                as_of="2026-11-03T12:00:00-03:00")
    (d,) = [d for d in result.diagnostics if d.code == "SLA615"]
    return d


@pytest.mark.parametrize("amount, number", [("1500,50", "1500.50"), ("50.000,00", "50000.00"),
                                            ("1 500,5", "1500.5"), ("-12,5", "-12.5")])
def test_an_amount_with_a_decimal_comma_gets_the_number_it_means(amount, number):
    hint = _sum_warning(amount).hint
    assert hint == (f"send `amount` as a JSON number, with a decimal point and no thousands separators: `{number}` "
                    f'for "{amount}"'), hint


@pytest.mark.parametrize("amount", ["1,500", "1.500", "abc"])
def test_an_amount_that_reads_two_ways_or_none_gets_the_plain_hint(amount):
    assert _sum_warning(amount).hint == "send `amount` as a JSON number (without quotes or thousands separators)"


# ------------------------------------------------------------------ UX-6: wording slips

TARGET = RULE.format(target="4h").replace("{", "{{").replace("}", "}}") + \
    "target x {{ owner sales; rule t; at least {share} met per week }}\n"


@pytest.mark.parametrize("share, percent", [("90", "90"), ("0.9", "90"), ("0.955", "95.5"), ("80", "80")])
def test_a_share_without_percent_is_the_users_own_number(share, percent):
    d = only(TARGET.format(share=share), "SLA101")
    assert d.hint == f"write the share as a percentage: `at least {percent}% met per week`", d.hint
    assert not errors(TARGET.format(share=f"{percent}%"))


def test_a_share_past_a_hundred_gets_no_made_up_percentage():
    hint = only(TARGET.format(share="950"), "SLA101").hint
    assert "950%" not in hint and "from 0% to 100%" in hint


def test_two_goals_in_a_quota_are_said_without_grammar_notation():
    d = only(QUOTA.format(goal="at least 1200 per month; at least 300 per week"), "SLA205")
    assert "|" not in d.message
    assert d.message == ("quota `q` has a second goal, `at least … per week`; the first, `at least … per month`, "
                         "is on line 2")
    assert "a quota of its own" in d.hint


def test_warn_in_a_quota_says_what_warn_is_in_a_quota():
    d = only(QUOTA.format(goal="at least 1200 per month\n  warn at 50%"), "SLA101")
    assert d.hint.startswith("in a quota, `warn` is `warn behind pace`") and "the rule it is about" not in d.hint


def test_a_field_with_an_accent_is_shown_in_single_backquotes():
    d = only('segment sp = região == "SP"\n' + RULE.format(target="4h for sp; within 8h"), "SLA102")
    assert d.hint.endswith("goes in backquotes: `região`") and "``" not in d.hint, d.hint


def test_sla618_names_a_backquoted_property_without_doubled_backquotes():
    agreement = slacode.loads(HEAD + 'deadline t { owner sales; start on assigned; '
                              'stop on call where `região` == "SP"; within 4h }\n')
    events = [{"lead": "A", "at": "2026-11-02T10:00:00Z", "type": "assigned", "owner": "ana"},
              {"lead": "A", "at": "2026-11-02T11:00:00Z", "type": "call", "região": "SP"},
              {"lead": "B", "at": "2026-11-02T10:00:00Z", "type": "assigned", "owner": "ana"},
              {"lead": "B", "at": "2026-11-02T11:00:00Z", "type": "call"}]
    (d,) = [d for d in agreement.evaluate(events, as_of="2026-11-03T12:00:00Z").diagnostics if d.code == "SLA618"]
    assert "reads the property `região`" in d.message and "``" not in d.message + d.hint, (d.message, d.hint)
    assert "send `região` on every `call` event, or test `região` missing in the `where`" in d.hint


# ------------------------------------------------------------------ UX-8: contact_attempt

def test_a_trigger_one_letter_off_contact_attempt_is_reported():
    d = only(RULE.format(target="4h").replace("stop on contact_attempt", "stop on contact_atempt"), "SLA339")
    assert "nearly `contact_attempt`, the default attempt type" in d.message
    assert d.hint.startswith("write `contact_attempt`")


@pytest.mark.parametrize("text", [
    # the type named twice: a type of the CRM's own, not a slip
    RULE.format(target="4h").replace("contact_attempt", "contact_atempt")
    + "deadline u { owner sales; start on assigned; stop on contact_atempt; within 8h }\n",
    # beside `contact_attempt` in one rule: two events, as SLA339 reads close types in one rule
    RULE.format(target="4h").replace("contact_attempt", "contact_attempt or contact_atempt"),
    # another name altogether
    RULE.format(target="4h").replace("contact_attempt", "contact_made"),
])
def test_no_contact_attempt_guess_where_the_type_is_meant(text):
    assert not [d for d in slacode.lint(HEAD + text) if d.code == "SLA339"]
