"""`calendar NAME = CAL for SEGMENT, …, CAL` (an extension): lint, fmt, diff, retarget and
explain. The verdicts are worked out by hand in tests/cases/948-calendar-choice."""
from __future__ import annotations

import slacode
from slacode.diff import semantic_diff

HEAD = '''agreement "x" { version "1"; timezone "UTC"; teams sales }
calendar apac {
  timezone "Asia/Singapore"
  hours mon-fri 09:00-18:00
}
calendar amer {
  timezone "America/New_York"
  hours mon-fri 09:00-17:00
}
segment in_apac = region == "APAC"
'''
RULE = HEAD + '''calendar desk = apac for in_apac, amer
deadline first_touch {
  owner sales
  start on assigned
  stop on call
  within 4h on desk
}
'''


def ev(at: str, type_: str, **props) -> dict:
    return {"lead": "L", "at": at, "type": type_, **props}


def lint(text: str) -> list[tuple]:
    return [(d.code, d.line, d.message) for d in slacode.lint(text) if d.severity != "info"]


def test_a_choice_lints_clean_and_formats_on_one_line():
    assert lint(RULE) == []
    wrapped = RULE.replace("calendar desk = apac for in_apac, amer", "calendar desk = apac  for in_apac,\n  amer")
    assert "\ncalendar desk = apac for in_apac, amer\n" in slacode.format(wrapped)


def test_lint_names_what_a_choice_cannot_be_or_hold():
    text = HEAD + '''calendar desk = apacc for in_apc, amer
calendar again = desk, amer
calendar amer = apac
attempts a {
  owner sales
  start on assigned
  stop on call
  at least 1 within 1d on desk
  at most 2 per day on desk
}
'''
    found = lint(text)
    assert ("SLA208", 11, "calendar `apacc` is not declared") in found
    assert ("SLA209", 11, "segment `in_apc` is not declared") in found
    assert ("SLA208", 12, "`desk` is a calendar choice: a choice picks among calendars") in found
    assert ("SLA203", 13, "calendar `amer` is already declared on line 6") in found
    assert ("SLA208", 19, "`desk` is a calendar choice, which picks a calendar per lead when a cycle starts: it "
                          "can stand only in `within` and `at least … within` lines") in found
    assert ("SLA218", 12, "calendar choice `again` is not used") in found
    # a choice with no default leaves leads untracked; its calendars and segments are used
    partial = RULE.replace("apac for in_apac, amer", "apac for in_apac")
    assert [c for c, *_ in lint(partial)] == ["SLA218", "SLA319"]            # `amer` unused now
    assert "SLA217" not in [c for c, *_ in lint(RULE)]


def test_the_pick_is_made_when_the_cycle_starts_and_retarget_moves_it():
    agreement = slacode.loads(RULE)
    events = [ev("2026-11-02T06:00:00Z", "assigned", owner="ana", fields={"region": "APAC"}),   # 14:00 SGT
              ev("2026-11-02T07:00:00Z", "update", fields={"region": "AMER"})]
    (v,) = agreement.evaluate(events, as_of="2026-11-02T08:00:00Z").verdicts
    assert v.to_dict()["due_at"] == "2026-11-02T18:00:00+08:00"                              # stays on apac
    moving = slacode.loads(RULE.replace("  within 4h on desk\n", "  within 2h on desk for in_apac\n"
                                        "  within 4h on desk\n  retarget when segment changes\n"))
    (v,) = moving.evaluate(events, as_of="2026-11-02T08:00:00Z").verdicts
    # on amer from 14:00 SGT (01:00 EST, before it opens): due 13:00 EST
    assert v.to_dict()["due_at"] == "2026-11-02T13:00:00-05:00"
    assert "(`within 2h on apac for in_apac` → `within 4h on amer`)" in v.reason


def test_explain_names_the_calendar_picked():
    from slacode.evaluate import as_of_us
    from slacode.events import records_from_objects
    from slacode.explain import timeline

    agreement = slacode.loads(RULE)
    records = records_from_objects([ev("2026-11-02T14:00:00Z", "assigned", owner="ana")], diagnostics=[])
    lines = timeline(agreement.plan, "L", records, as_of_us("2026-11-02T15:00:00Z"))
    assert any("cycle 1 opens (within 4h on amer, the default line)" in line for line in lines), lines


def test_diff_says_which_picks_changed():
    after = slacode.loads(RULE.replace("apac for in_apac, amer", "amer"))
    changes = [(c.area, c.subject, c.kind, c.message) for c in semantic_diff(slacode.loads(RULE), after)]
    assert ("calendar", "desk", "changed", "picks apac for in_apac, amer → amer") in changes
    assert not any(kind == "restated" for _, _, kind, _ in changes)


def test_test_coverage_lists_the_line_as_written():
    from slacode.testing import coverage, run_tests

    text = RULE + '''test "t" {
  as of 2026-11-02T12:00:00Z
  at 2026-11-02T06:00:00Z assigned with owner = "ana" set region = "APAC"
  expect first_touch pending
}
'''
    agreement = slacode.loads(text)
    cov = coverage(agreement, run_tests(agreement))
    assert [(ln["line"], ln["applied"]) for ln in cov.lines] == [("within 4h on desk", True)]


def test_retarget_picks_again_on_a_single_line_on_a_choice():
    """review 14-c: with one line `on desk`, `retarget` never picked again (and lint called it
    useless, SLA334)."""
    text = RULE.replace("  within 4h on desk\n", "  within 4h on desk\n  retarget when segment changes\n")
    assert "SLA334" not in [d.code for d in slacode.lint(text)]
    events = [ev("2026-11-02T06:00:00Z", "assigned", owner="ana", fields={"region": "APAC"}),
              ev("2026-11-02T07:00:00Z", "update", fields={"region": "AMER"})]
    (v,) = slacode.loads(text).evaluate(events, as_of="2026-11-02T08:00:00Z").verdicts
    assert v.to_dict()["due_at"] == "2026-11-02T13:00:00-05:00"
    assert "(`within 4h on apac` → `within 4h on amer`)" in v.reason


def test_explain_says_a_choice_has_no_calendar_for_the_lead():
    from slacode.evaluate import as_of_us
    from slacode.events import records_from_objects
    from slacode.explain import timeline

    agreement = slacode.loads(RULE.replace("apac for in_apac, amer", "apac for in_apac"))
    records = records_from_objects([ev("2026-11-02T14:00:00Z", "assigned", owner="ana")], diagnostics=[])
    lines = timeline(agreement.plan, "L", records, as_of_us("2026-11-02T15:00:00Z"))
    assert ("    first_touch: a start, but calendar choice `desk` of its line `within 4h on desk` has no calendar for "
            "the lead (it is in none of the picks' segments, and the choice has no calendar without `for`): not "
            "tracked") in lines


def test_lint_says_which_picks_never_apply():
    text = HEAD + '''segment apac_big = region == "APAC" and employees >= 1000
calendar desk = apac for in_apac, amer for in_apac, amer for apac_big, apac, amer
deadline d { owner sales; start on assigned; stop on call; within 4h on desk }
'''
    found = [(d.column, d.message) for d in slacode.lint(text) if d.code == "SLA320"]
    assert found == [
        (35, "this `for in_apac` pick never applies: `apac for in_apac` has the same segment"),
        (53, "this `for apac_big` pick never applies: every lead in `apac_big` is also in `in_apac`, whose pick "
             "comes first (`apac for in_apac`)"),
        (78, "this calendar never applies: the pick without `for` before it (`apac`) takes every lead no `for` "
             "pick takes")], found


def test_diff_of_a_line_on_a_choice_gives_no_direction_when_its_days_differ():
    """review 14-d: `1d` on a choice of calendars of different day lengths was read as 24h,
    so `9h` → `1d` was called loosened though a day is 8h on one of them."""
    from slacode.diff import semantic_diff

    nine = slacode.loads(RULE.replace("within 4h on desk", "within 9h on desk"))
    day = slacode.loads(RULE.replace("within 4h on desk", "within 1d on desk"))
    (change,) = [c for c in semantic_diff(nine, day) if c.kind == "changed"]
    assert change.direction is None and change.message.startswith("target changed from 9h to 1d")
    # one day length for every calendar of the choice: compared in it (apac 9h, amer 8h here differ)
    same = RULE.replace("hours mon-fri 09:00-17:00", "hours mon-fri 09:00-18:00")
    eight = semantic_diff(slacode.loads(same.replace("within 4h on desk", "within 9h on desk")),
                          slacode.loads(same.replace("within 4h on desk", "within 1d on desk")))
    assert [c.kind for c in eight] == ["restated"]
