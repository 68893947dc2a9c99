"""Hints for spellings brought from Zendesk, Jira Service Management and Salesforce (review
20b #7), and for a quota's `per day` on a calendar (#6): each was a bare "expected X, found
Y"."""
from __future__ import annotations

import pytest

import slacode

RULE = '''agreement "a" {{ version "1"; timezone "UTC"; teams sales }}
states {{ new; on_hold }}
deadline d {{
  owner sales
  start on assigned
  stop on contact_attempt
  within 4h
  {line}
}}
'''

QUOTA = '''agreement "q" {{ version "1"; timezone "UTC"; teams sales }}
quota q {{
  owner sales
  count enter mql
  {line}
}}
'''


def syntax_error(text: str):
    diag, = [d for d in slacode.lint(text) if d.code == "SLA101"]
    return diag


@pytest.mark.parametrize("line, hint", [
    ("pause when state == on_hold", "`pause` takes `while` and a condition: `pause while state == on_hold`"),
    ("pause on waiting_started", "`pause` reads a condition on the lead, not an event (`waiting_started` is an "
                                 "event): `pause while state == on_hold` for a state, or `pause while FIELD == …`"),
    ("pause until replied", "`pause` reads a condition on the lead, not an event: `pause while state"),
    ("warn 30m before breach", "`warn 30m before` already counts back from the deadline (the breach): end the "
                               "line there, `warn 30m before`"),
    ("warn at 2h before the deadline", "`warn 2h before` already counts back from the deadline"),
    ("warn at 50% remaining", "a warning level is the share of the target already elapsed, not the time left: "
                              "50% remaining is `warn at 50%`"),
    ("warn at 10% left", "10% remaining is `warn at 90%`"),
    ("warn at 12.5% remaining", "12.5% remaining is `warn at 87.5%`"),
    ("warn at 80% elapsed", "`warn at 80%` is already the share of the target elapsed: drop `elapsed`"),
    ("warn when 25% remaining", "a warning is `warn at P%`, P the share of the target already elapsed: 25% "
                                "remaining is `warn at 75%`"),
    ("warn when 2h remaining", "a time before the deadline is written `warn 2h before`"),
    ("warn at 2h remaining", "a time before the deadline is written `warn 2h before`"),
    ("warn when 80%", "write `warn at 80%` (the share of the target elapsed)"),
    ("warn if late", "write `warn at 75%` (the share of the target elapsed: 25% remaining is `warn at 75%`)"),
    ("recurring every 1d", "slacode has no recurring clock"),
    ("every 1d", "slacode has no recurring clock"),
])
def test_a_migrants_spelling_gets_a_hint(line, hint):
    diag = syntax_error(RULE.format(line=line))
    assert diag.hint is not None and hint in diag.hint, diag.hint
    assert diag.hint.startswith(hint) or hint[0].isdigit(), diag.hint


def test_the_recurring_hint_names_what_the_language_has():
    hint = syntax_error(RULE.format(line="recurring every 1d")).hint
    assert "`gap at most 1d`" in hint and "`restart on …`" in hint


@pytest.mark.parametrize("line", ["pause while state == on_hold", "warn 30m before", "warn at 75%",
                                  "warn at 50%, 80%"])
def test_the_forms_the_hints_suggest_are_valid(line):
    assert not [d for d in slacode.lint(RULE.format(line=line)) if d.severity == "error"]


@pytest.mark.parametrize("line, calendar", [("at least 2 per day on br", "br"),
                                            ("at least 2 per business day", "CALENDAR"),
                                            ("at most 9 per day on br", "br")])
def test_a_quota_per_day_on_a_calendar_offers_per_working_day(line, calendar):
    hint = syntax_error(QUOTA.format(line=line)).hint
    assert hint.startswith("for the working dates of a calendar (weekends, holidays and closed dates left out) "
                           f"write `per working day on {calendar}`")
    assert "`per day` is every calendar date of the agreement's time zone and takes no calendar" in hint


def test_a_quota_per_working_day_without_a_calendar_is_sla374():
    (diag,) = [d for d in slacode.lint(QUOTA.format(line="at least 2 per working day")) if d.severity == "error"]
    assert diag.code == "SLA374" and "declare a calendar" in diag.hint


def test_a_quota_per_day_breaches_a_day_without_events():
    """What the hint and docs/language.md say: every calendar day is a period of its own."""
    agreement = slacode.loads(QUOTA.format(line="at least 1 per day"))
    events = [{"lead": "A", "at": "2026-11-20T10:00:00Z", "type": "state", "state": "mql"},     # a Friday
              {"lead": "B", "at": "2026-11-23T10:00:00Z", "type": "state", "state": "mql"}]     # a Monday
    result = agreement.evaluate(events, as_of="2026-11-23T12:00:00Z")
    assert [(v.period, v.status) for v in result.verdicts] == [
        ("2026-11-20", "met"), ("2026-11-21", "breached"), ("2026-11-22", "breached"), ("2026-11-23", "met")]


@pytest.mark.parametrize("line", ["warn at 100% remaining", "warn at 150% remaining", "warn when 120% remaining"])
def test_a_share_remaining_of_all_the_target_or_more_is_no_level_and_the_hint_says_so(line):
    hint = syntax_error(RULE.format(line=line)).hint
    assert "at or before the start" in hint and "write a level between 0% and 100%" in hint
    assert "warn at 0%" not in hint and "-" not in hint.split("remaining")[1]


@pytest.mark.parametrize("line, hint", [
    ("warn 30 minutes before breach", "`warn 30 minutes before` already counts back from the deadline"),
    ("warn 25% remaining", "a warning level is written `warn at P%`, P the share of the target elapsed: 25% "
                           "remaining is `warn at 75%`"),
    ("warn 80%", "a warning level is written `warn at 80%` (the share of the target elapsed)"),
])
def test_more_spellings_of_a_warning(line, hint):
    assert syntax_error(RULE.format(line=line)).hint.startswith(hint)


def test_a_quota_period_on_a_calendar_says_only_working_day_takes_one():
    text = QUOTA.format(line="at least 5 per week on office")
    assert syntax_error(text).hint.startswith("only `per working day` takes a calendar (`per working day on "
                                              "office`); `per week` is a week of the agreement's time zone")


@pytest.mark.parametrize("line, hint", [
    ('stop on lead_updated when status == "x"', "a trigger's condition on the event's own properties is written "
                                                "`where`; for a condition on the lead's fields, `stop when status "
                                                '== "x"` on a line of its own'),
    ("restart on reassigned when x == 1", "a trigger's condition on the event's own properties is written `where`"),
    ("cancel unless score > 5", "write `cancel when not (score > 5)`"),
])
def test_when_after_a_trigger_and_unless(line, hint):
    assert syntax_error(RULE.format(line=line)).hint == hint


@pytest.mark.parametrize("line", ["warn at 75%  // heads up", "// a comment", "warn at 75% /* heads up */",
                                  "/* a comment */"])
def test_a_c_style_comment_gets_the_comment_sign(line):
    diag = syntax_error(RULE.format(line=line))
    assert diag.hint is not None and diag.hint.startswith("comments start with `#`"), diag.hint


def test_a_c_style_comment_at_the_top_level_gets_the_comment_sign():
    diag = syntax_error("// the desk's agreement\n" + RULE.format(line=""))
    assert (diag.line, diag.column) == (1, 1)
    assert diag.hint.startswith("comments start with `#`"), diag.hint


def test_a_division_keeps_its_own_message():
    diags = [d for d in slacode.lint(RULE.format(line="warn at 75% / 2")) if d.code == "SLA101"]
    assert diags and not any((d.hint or "").startswith("comments start") for d in diags)


@pytest.mark.parametrize("line, owner", [("escalate to sales_manager", "sales_manager"), ("escalate", "TEAM"),
                                         ("on breach escalate to sales_manager", "sales_manager"),
                                         ("escalation to sales_manager", "sales_manager")])
def test_an_escalation_clause_points_at_a_rule_started_by_the_breach(line, owner):
    hint = syntax_error(RULE.format(line=line)).hint
    assert hint is not None and hint.startswith("a rule has no `escalate` clause"), hint
    assert f"`deadline escalate_d {{ owner {owner}; start on breach of d; stop on EVENT; within 1h }}`" in hint
    assert '"Escalation on a breach"' in hint


def test_the_escalation_the_hint_suggests_is_valid():
    hint = syntax_error(RULE.format(line="escalate to sales_manager")).hint
    rule = hint.split("`")[3].replace("EVENT", "reassigned")
    text = RULE.format(line="").replace("teams sales", "teams sales, sales_manager") + rule + "\n"
    assert not [d for d in slacode.lint(text) if d.severity == "error"]


def test_escalate_as_a_word_elsewhere_gets_no_escalation_hint():
    diag = syntax_error(RULE.format(line="stop on contact_attempt escalate"))
    assert not (diag.hint or "").startswith("a rule has no `escalate` clause")
