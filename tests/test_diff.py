"""`slacode diff`: the semantic diff (every kind of change), the impact on verdicts (checked
against evaluating both versions independently), `REV:path` from git, and exit codes."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

import slacode
from slacode.diff import compare_preds, days_text, impact, pred_text, semantic_diff
from tests.conftest import ROOT, run_slacode

AS_OF = "2026-11-20T18:00:00-03:00"
SLACODE = shutil.which("slacode")

BASE = """\
agreement "t" {
  version "1"
  timezone "America/Sao_Paulo"
  teams marketing, sales
}
calendar office {
  timezone "America/Sao_Paulo"
  hours mon-fri 09:00-18:00
  holidays "BR"
  closed 2026-12-24
  open 2026-11-14 09:00-12:00
}
states {
  mql
  sal
  nurture
  won final
}
flow {
  mql -> sal, nurture
  sal -> won
  nurture -> mql
}
segment hot = score >= 80 and phone exists
let goal = 90
handoff routing {
  owner marketing
  start on enter mql
  stop on assigned
  within 2h on office
  within 30m on office for hot
  require company, email
  warn at 80%
}
attempts cadence {
  owner sales
  start on assigned
  stop on enter sal
  count contact_attempt
  at least 4 within 2d on office
  at least 3 before enter nurture
  at most 3 per day on office
  gap at least 2h
  first where channel == "phone"
  only during office
  only between 08:00-21:00 in lead timezone
}
target routing_goal {
  owner marketing
  rule routing
  at least goal% met per week
}
quota volume {
  owner marketing
  count enter mql
  at least 100 per month
}
"""


def run(*args, cwd=ROOT, env=None):
    """The command in this process (:func:`tests.conftest.run_slacode`)."""
    return run_slacode(args, cwd=cwd, env=env)


def edited(*pairs: tuple[str, str], text: str = BASE) -> str:
    for old, new in pairs:
        assert text.count(old) == 1, f"{old!r} should occur once"
        text = text.replace(old, new)
    return text


def changes_of(*pairs: tuple[str, str]):
    """The semantic changes from BASE to BASE with the replacements made."""
    return [c for c in semantic_diff(slacode.loads(BASE), slacode.loads(edited(*pairs))) if c.semantic]


def only(*pairs: tuple[str, str]):
    found = changes_of(*pairs)
    assert len(found) == 1, [c.text for c in found]
    return found[0]


# ------------------------------------------------------------------ no change

def test_identical_and_layout_only_versions_have_no_change():
    a = slacode.loads(BASE)
    assert semantic_diff(a, slacode.loads(BASE)) == []
    noisy = ("# a comment at the top\n\n" + BASE.replace("\n", "   # trailing\n", 3)
             .replace("  owner sales\n", "\n      owner sales\n\n").replace("  stop on assigned\n",
                                                                          "  stop on assigned  # done\n"))
    assert noisy != BASE
    assert semantic_diff(a, slacode.loads(noisy)) == []


def test_restated_predicate_is_not_a_semantic_change():
    found = semantic_diff(slacode.loads(BASE), slacode.loads(edited(
        ("segment hot = score >= 80 and phone exists", "segment hot = phone exists and (score >= 80)"))))
    assert [(c.kind, c.area, c.subject) for c in found] == [("restated", "segment", "hot")]
    assert not found[0].semantic


def test_split_hours_line_is_restated_not_changed():
    found = semantic_diff(slacode.loads(BASE), slacode.loads(edited(
        ("  hours mon-fri 09:00-18:00\n", "  hours mon-wed 09:00-18:00\n  hours thu, fri 09:00-18:00\n"))))
    assert [(c.kind, c.subject) for c in found] == [("restated", "office")]


@pytest.mark.parametrize("pair, subject", [
    # touching intervals are one stretch of working time
    (("  hours mon-fri 09:00-18:00\n", "  hours mon-fri 09:00-13:00, 13:00-18:00\n"), "office"),
    # a `where` is compared by meaning, its parts in any order, `in` one value as `==`
    (("  first where channel == \"phone\"", "  first where channel in [\"phone\"]"), "cadence"),
    (("  start on enter mql\n  stop on assigned\n",
      "  start on enter mql\n  stop on assigned where desk == \"br\" and tier in [1]\n"), None),
    # a target's clause written out as the rule's main one
    (("  rule routing\n", "  rule routing clause within\n"), "routing_goal"),
])
def test_rewrites_that_keep_the_meaning_are_restated(pair, subject):
    if subject is None:     # two versions that differ only in the order of a `where`'s parts
        old = edited(pair)
        new = old.replace('desk == "br" and tier in [1]', 'tier == 1 and desk in ["br"]')
        found = semantic_diff(slacode.loads(old), slacode.loads(new))
        assert [(c.kind, c.subject) for c in found] == [("restated", "routing")]
        return
    found = semantic_diff(slacode.loads(BASE), slacode.loads(edited(pair)))
    assert [(c.kind, c.subject) for c in found] == [("restated", subject)]


@pytest.mark.parametrize("before, after", [
    ("  within 2h on office\n", "  within 120m on office\n"),
    ("  within 2h on office\n", "  within 1 hour 60 minutes on office\n"),
    ("  at least 4 within 2d on office", "  at least 4 within 18h on office"),     # 2 days of 9 hours
    ("  at least 4 within 2d on office", "  at least 4 within 1d9h on office"),
])
def test_the_same_working_time_written_another_way_is_restated(before, after):
    found = semantic_diff(slacode.loads(BASE), slacode.loads(edited((before, after))))
    assert [c.kind for c in found] == ["restated"], [c.text for c in found]


def test_wall_clock_days_are_24_hours_in_a_diff():
    text = BASE.replace("  within 2h on office\n", "  within 2d\n")
    found = semantic_diff(slacode.loads(text), slacode.loads(text.replace("  within 2d\n", "  within 48h\n")))
    assert [c.kind for c in found] == ["restated"]


def test_test_blocks_alone_do_not_make_the_exit_status_1(tmp_path):
    block = '\ntest "t" {\n  as of 2026-11-02T12:00:00-03:00\n  lead "A"\n  expect routing pending\n}\n'
    old, new = tmp_path / "old.sla", tmp_path / "new.sla"
    old.write_text(BASE)
    new.write_text(BASE + block)
    proc = run("diff", str(old), str(new))
    assert proc.returncode == 0 and "test blocks" in proc.stdout, proc.stdout + proc.stderr
    assert run("diff", str(old), str(old), "--as-of", "yesterday").returncode == 2    # a usage error still


# ------------------------------------------------------------------ rules

def test_rule_added_and_removed():
    extra = "deadline touch {\n  owner sales\n  start on assigned\n  stop on contact_attempt\n  within 4h\n}\n"
    added = semantic_diff(slacode.loads(BASE), slacode.loads(BASE + extra))
    assert [(c.kind, c.area, c.subject) for c in added] == [("added", "deadline", "touch")]
    assert "within 4h" in added[0].after and added[0].before is None
    removed = semantic_diff(slacode.loads(BASE + extra), slacode.loads(BASE))
    assert [(c.kind, c.subject) for c in removed] == [("removed", "touch")]


def test_within_tightened_and_loosened():
    c = only(("  within 2h on office\n", "  within 1h30m on office\n"))
    assert (c.area, c.subject, c.direction) == ("handoff", "routing", "tightened")
    assert "from 2h to 1h30m" in c.message and "default line" in c.message
    c = only(("  within 30m on office for hot", "  within 45 minutes on office for hot"))
    assert c.direction == "loosened" and "`hot`" in c.message and "from 30m to 45m" in c.message


def test_days_compare_with_the_calendars_day_length():
    # 2d on office is 18 working hours: 20h is looser, not "changed"
    c = only(("  at least 4 within 2d on office", "  at least 4 within 20h on office"))
    assert c.direction == "loosened" and c.subject == "cadence"
    c = only(("  at least 4 within 2d on office", "  at least 5 within 2d on office"))
    assert c.direction == "tightened"
    c = only(("  at least 4 within 2d on office", "  at least 5 within 3d on office"))
    assert c.direction is None and "changed from 4 within 2d to 5 within 3d" in c.message


def test_for_line_added_removed_and_calendar_changed():
    c = only(("  within 30m on office for hot\n", ""))
    assert c.before == "within 30m on office for hot" and c.after is None and "removed the line" in c.message
    found = changes_of(("  within 2h on office\n", "  within 2h on office\n  within 1h on office for big\n"),
                       ("segment hot =", "segment big = employees >= 1000\nsegment hot ="))
    assert [(c.area, c.subject, c.kind) for c in found] == [("segment", "big", "added"),
                                                            ("handoff", "routing", "changed")]
    assert found[1].after == "within 1h on office for big" and "added the line" in found[1].message
    c = only(("  within 2h on office\n", "  within 2h\n"))
    assert "calendar office → (wall clock)" in c.message


def test_for_lines_in_another_order():
    text = edited(("  within 30m on office for hot\n",
                   "  within 30m on office for hot\n  within 1h on office for big\n"),
                  ("segment hot =", "segment big = employees >= 1000\nsegment hot ="))
    swapped = edited(("  within 30m on office for hot\n  within 1h on office for big\n",
                      "  within 1h on office for big\n  within 30m on office for hot\n"), text=text)
    found = [c for c in semantic_diff(slacode.loads(text), slacode.loads(swapped)) if c.semantic]
    assert len(found) == 1 and "another order: hot, big → big, hot" in found[0].message
    # moving the default line changes nothing: it applies only when no `for` line holds
    moved = edited(("  within 2h on office\n  within 30m on office for hot\n",
                    "  within 30m on office for hot\n  within 2h on office\n"))
    assert all(not c.semantic for c in semantic_diff(slacode.loads(BASE), slacode.loads(moved)))


def test_triggers_added_and_removed():
    c = only(("  stop on assigned\n", "  stop on assigned or enter nurture\n"))
    assert c.message == "now also stops on `enter nurture`" and c.after == "enter nurture"
    c = only(("  start on enter mql\n", "  start on enter mql, sal\n"))
    assert c.message == "now also starts on `enter sal`"
    found = changes_of(("  stop on enter sal\n", "  stop on enter won\n  cancel on enter nurture\n"))
    assert [c.message for c in found] == ["now also stops on `enter won`", "no longer stops on `enter sal`",
                                          "now also cancelled on `enter nurture`"]
    c = only(("  stop on enter sal\n", "  stop on enter sal\n  restart on assigned where desk == \"us\"\n"))
    assert c.message == 'now restarts on `assigned where desk == "us"`'


def test_default_count_is_contact_attempt():
    found = changes_of(("  count contact_attempt\n", ""))
    assert found == []
    c = only(("  count contact_attempt\n", "  count contact_attempt or meeting\n"))
    assert c.message == "now also counts `meeting`"


def test_owner_changed():
    assert only(("handoff routing {\n  owner marketing", "handoff routing {\n  owner sales")).message == \
        "owner marketing → sales"


def test_warn_and_require():
    c = only(("  warn at 80%", "  warn at 60%"))
    assert (c.direction, c.message) == ("earlier", "warns at 60%, was 80% (earlier)")
    assert only(("  warn at 80%\n", "")).message == "no longer warns (was at 80%)"
    c = only(("  warn at 80%", "  warn 30m before"))
    assert (c.direction, c.message) == (None, "warns `warn 30m before`, was `warn at 80%`")

    def between(a: str, b: str) -> list:
        old, new = (slacode.loads(edited(("  warn at 80%", f"  {w}"))) for w in (a, b))
        return [(c.message, c.direction) for c in semantic_diff(old, new) if c.semantic]

    assert between("warn 30m before", "warn 1h before") == [
        ("warns `warn 1h before`, was `warn 30m before` (earlier)", "earlier")]
    assert between("warn at 30m before", "warn 30 minutes before") == []
    assert between("warn 30m before", "warn at 75%")[0][1] is None
    c = only(("  require company, email", "  require company, email, phone"))
    assert (c.message, c.direction) == ("now requires `phone`", "tightened")
    c = only(("  require company, email", "  require email"))
    assert (c.message, c.direction) == ("no longer requires `company`", "loosened")


def test_rule_kind_and_pause():
    found = changes_of(("handoff routing {", "deadline routing {"), ("  require company, email\n", ""))
    assert found[0].message == "is now a deadline (was a handoff)"
    assert found[1].message == "no longer requires `company`, `email`"
    c = only(("  stop on enter sal\n", "  stop on enter sal\n  pause while state == nurture\n"))
    assert c.message == "added `pause while state == nurture`"


def test_attempts_clauses():
    c = only(("  at least 3 before enter nurture", "  at least 6 before enter nurture"))
    assert c.direction == "tightened" and "from 3 to 6 attempts" in c.message
    c = only(("  at most 3 per day on office", "  at most 4 per day on office"))
    assert c.direction == "loosened" and "at most 3 to at most 4 a day" in c.message
    c = only(("  gap at least 2h", "  gap at least 3h"))
    assert c.direction == "tightened" and "from 2h to 3h" in c.message
    c = only(("  only between 08:00-21:00", "  only between 09:00-20:00"))
    assert c.direction == "tightened" and "08:00-21:00 → 09:00-20:00" in c.message
    c = only(("  only during office\n", ""))
    assert c.kind == "changed" and c.before == "only during office" and c.direction == "loosened"
    c = only(("  first where channel == \"phone\"", "  first where channel in [\"phone\", \"video\"]"))
    assert c.direction == "widened" and c.block
    assert (c.before, c.after) == ('channel == "phone"', 'channel in ["phone", "video"]')
    c = only(("  gap at least 2h\n", "  gap at least 2h\n  gap at least 1d\n"))
    assert "(gap_2)" in c.message and c.after == "gap at least 1d"


# -------------------------------------------------------------- segments & logic

def segment_first(*pairs: tuple[str, str]):
    """The change of segment `hot`, and the other changes (those through it)."""
    found = changes_of(*pairs)
    assert (found[0].area, found[0].subject) == ("segment", "hot"), [c.text for c in found]
    return found[0], found[1:]


def test_segment_widened_narrowed_changed_with_texts():
    c, rest = segment_first(("score >= 80 and phone exists", "score >= 70 and phone exists"))
    assert (c.area, c.subject, c.direction) == ("segment", "hot", "widened")
    assert (c.before, c.after) == ("score >= 80 and phone exists", "score >= 70 and phone exists")
    c, rest = segment_first(("score >= 80 and phone exists", "score >= 80 and phone exists and country == \"BR\""))
    assert c.direction == "narrowed"
    c, rest = segment_first(("score >= 80 and phone exists", "score >= 90 or email exists"))
    assert c.direction is None and c.message == "changed"
    # the rule line `for hot`, whose own text is the same, is reported through the segment
    assert [(x.area, x.subject, x.message) for x in rest] == [
        ("handoff", "routing", "the line `within 30m on office for hot` now applies to other leads: `hot` changed")]


def test_what_uses_a_changed_segment_is_reported_through_it():
    pairs = [("score >= 80 and phone exists", "score >= 90 and phone exists"),
             ("start on assigned\n", "start on assigned where not hot\n"),
             ("count enter mql", "count assigned where hot"),
             ("rule routing\n", "rule routing for hot\n")]
    old = edited(*pairs[1:])
    new = edited(*pairs)
    found = [c for c in semantic_diff(slacode.loads(old), slacode.loads(new)) if c.semantic]
    assert [(c.area, c.subject, c.message) for c in found] == [
        ("segment", "hot", "narrowed"),
        ("handoff", "routing", "the line `within 30m on office for hot` now applies to fewer leads: `hot` narrowed"),
        ("attempts", "cadence", "`start on assigned where not hot` now matches more events: `hot` narrowed"),
        ("target", "routing_goal", "`rule routing for hot` now measures the cycles of fewer leads: `hot` narrowed"),
        ("quota", "volume", "`count assigned where hot` now matches fewer events: `hot` narrowed")]
    # a `start when` written the same way says which segment changed it
    old = edited(("stop on enter sal", "stop on enter sal\n  pause while hot"))
    new = edited(("stop on enter sal", "stop on enter sal\n  pause while hot"),
                 ("score >= 80 and phone exists", "score >= 70 and phone exists"), text=BASE)
    found = [c for c in semantic_diff(slacode.loads(old), slacode.loads(new)) if c.semantic]
    assert ("attempts", "cadence", "`pause while hot` widened through `hot`, which it uses (its own text is "
            "unchanged)") in [(c.area, c.subject, c.message) for c in found]
    # a segment that did not change its meaning reports nothing through it
    assert changes_of(("score >= 80 and phone exists", "phone exists and score >= 80")) == []


def test_a_segment_changes_through_the_segments_it_uses():
    base = edited(("segment hot = score >= 80 and phone exists",
                   "segment hot = score >= 80 and phone exists\nsegment hot_br = hot and country == \"BR\""))
    new = edited(("score >= 80 and phone", "score >= 60 and phone"), text=base)
    found = [c for c in semantic_diff(slacode.loads(base), slacode.loads(new)) if c.semantic]
    assert [(c.subject, c.direction) for c in found] == [("hot", "widened"), ("hot_br", "widened"), ("routing", None)]
    assert "through `hot`" in found[1].message


def test_pred_text_round_trips_through_the_parser():
    for text in ['(score >= 80 or source == "demo_request") and phone exists',
                 'not (a == 1 or b missing) and `utm-source` starts with "x\\"y"',
                 'state in [mql, sal] and name contains "a" and x not in [1, 2.5, true]']:
        agreement = slacode.loads('agreement "x" { teams s }\nsegment s1 = ' + text)
        assert pred_text(agreement.segments["s1"].predicate) == text


def _pred(text: str):
    return slacode.loads('agreement "x" { teams s }\nsegment s1 = ' + text).segments["s1"].predicate


@pytest.mark.parametrize("a,b,expected", [
    ("x >= 80", "x >= 70", "widened"),
    ("x > 80", "x >= 80", "widened"),
    ("x == 5", "x in [5, 6]", "widened"),
    ("x in [1, 2, 3]", "x in [1, 2]", "narrowed"),
    ("x not in [1]", "x not in [1, 2]", "narrowed"),
    ("x in [90, 95]", "x >= 80", "widened"),
    ("a == 1 or b == 2", "b == 2 or a == 1", None),
    ("a == 1 and b == 2", "a == 1", "widened"),
    ("x contains \"ab\"", "x contains \"a\"", "widened"),
    ("x starts with \"ab\"", "x exists", "widened"),
    ("x missing", "not (x >= 3)", "widened"),
    ("x missing", "not (x exists)", None),
    ("not (not (a == 1))", "a == 1", None),
    ("x >= 80", "y >= 80", "changed"),
    ("x >= 80", "x >= \"80\"", "changed"),
])
def test_compare_preds(a, b, expected):
    assert compare_preds(_pred(a), {}, _pred(b), {}) == expected


# -------------------------------------------------------------- calendars, states, flow

def test_calendar_changes_say_what():
    c = only(("  hours mon-fri 09:00-18:00\n", "  hours mon-fri 08:00-18:00\n  day 9h\n"))
    assert c.message == "hours on mon-fri: 09:00-18:00 → 08:00-18:00 (1h longer each day)"
    assert c.direction == "longer"
    found = changes_of(("  hours mon-fri 09:00-18:00\n", "  hours mon-fri 09:00-18:00\n  hours sat 09:00-13:00\n"))
    assert [c.message for c in found] == ["now open on sat: 09:00-13:00"]
    found = changes_of(("  hours mon-fri 09:00-18:00\n", "  hours mon-thu 09:00-18:00\n  hours fri 09:00-17:00\n"))
    assert [c.message for c in found] == ["hours on fri: 09:00-18:00 → 09:00-17:00 (1h shorter each day)"]
    # a working day's length changes the rules' `d` targets on the calendar, whose own text
    # is unchanged: said at the calendar and at each such line
    found = changes_of(("  hours mon-fri 09:00-18:00\n", "  hours mon-fri 09:00-18:00\n  day 8h\n"))
    assert [c.text for c in found] == [
        "calendar office: a working day (`1d` on this calendar) is 8h, was 9h",
        "attempts cadence: 4 within 2d on office tightened: now 16h of working time, was 18h (the default line)"]
    found = changes_of(("  hours mon-fri 09:00-18:00\n", "  hours mon-fri 09:00-19:00\n"))
    assert [c.message for c in found] == ["hours on mon-fri: 09:00-18:00 → 09:00-19:00 (1h longer each day)",
                                          "a working day (`1d` on this calendar) is 10h, was 9h",
                                          "4 within 2d on office loosened: now 20h of working time, was 18h "
                                          "(the default line)"]
    found = changes_of(('  holidays "BR"', '  holidays "BR-SP"'))
    assert [c.message for c in found] == ['holiday region added: "BR-SP"', 'holiday region removed: "BR"']
    assert only(("  closed 2026-12-24", "  closed 2026-12-24, 2026-12-31")).message == "now closed on 2026-12-31"
    assert only(("  closed 2026-12-24\n", "")).message == "no longer closed on 2026-12-24"
    assert only(("  open 2026-11-14 09:00-12:00", "  open 2026-11-14 09:00-13:00")).message == \
        "special opening on 2026-11-14: 09:00-12:00 → 09:00-13:00"
    assert only(("  open 2026-11-14 09:00-12:00\n", "")).message == \
        "special opening removed: 2026-11-14 09:00-12:00"
    c = only(('calendar office {\n  timezone "America/Sao_Paulo"', 'calendar office {\n  timezone "America/Bahia"'))
    assert c.message == "timezone America/Sao_Paulo → America/Bahia"


def test_calendar_added_removed():
    extra = 'calendar night {\n  hours daily 22:00-06:00\n}\n'
    found = semantic_diff(slacode.loads(BASE), slacode.loads(BASE + extra))
    assert [(c.area, c.subject, c.kind) for c in found] == [("calendar", "night", "added")]
    assert "hours daily 22:00-06:00" in found[0].after


def test_states_and_flow():
    found = changes_of(("  won final\n", "  won final\n  lost final\n"), ("  sal -> won\n", "  sal -> won, lost\n"))
    assert [(c.area, c.message) for c in found] == [("states", "state added: `lost`"),
                                                    ("flow", "now allowed: sal -> lost")]


def test_final_flag_and_flow_removal():
    found = changes_of(("  won final\n", "  won\n"), ("  sal -> won\n", "  sal -> won\n  won -> sal\n"))
    assert [c.message for c in found] == ["`won` is no longer final", "now allowed: won -> sal"]
    c = only(("  mql -> sal, nurture\n", "  mql -> sal\n"))
    assert (c.message, c.direction) == ("no longer allowed: mql -> nurture", "tightened")


# -------------------------------------------------------------- header, let, aggregates

def test_header_changes():
    found = changes_of(('version "1"', 'version "2"'), ('timezone "America/Sao_Paulo"\n  teams',
                                                      'timezone "America/Bahia"\n  teams'),
                       ("teams marketing, sales", "teams marketing, sales, partners"))
    assert [c.message for c in found][:2] == ['version "1" → "2"',
                                              found[1].message]
    assert found[1].message.startswith("timezone America/Sao_Paulo → America/Bahia")
    assert found[2].message == "team added: `partners`"


def test_constants_targets_and_quotas():
    # the target reads the constant: its goal changes though its own text does not
    found = changes_of(("let goal = 90", "let goal = 95"))
    assert [(c.area, c.subject, c.message) for c in found] == [
        ("let", "goal", "90 → 95"), ("target", "routing_goal", "tightened from 90% to 95% met")]


def test_constant_restated_and_target_threshold():
    found = semantic_diff(slacode.loads(BASE), slacode.loads(edited(("let goal = 90", "let goal = 180 / 2"))))
    assert [(c.kind, c.subject) for c in found] == [("restated", "goal")]
    c = only(("  at least goal% met per week", "  at least 95% met per week"))
    assert (c.area, c.subject, c.direction) == ("target", "routing_goal", "tightened")
    assert c.message == "tightened from 90% to 95% met"
    c = only(("  at least goal% met per week", "  at least goal% met per month"))
    assert c.message == "period per week → per month"
    c = only(("  rule routing\n", "  rule routing clause require\n"))
    assert c.message == "measures `rule routing clause require`, was `rule routing`"
    c = only(("  at least 100 per month", "  at least 120 per month"))
    assert (c.subject, c.direction, c.message) == ("volume", "tightened", "tightened from at least 100 to at least 120")
    c = only(("  at least 100 per month", "  at most 100 per month"))
    assert c.direction is None
    c = only(("  count enter mql\n  at least", "  count enter mql, sal\n  at least"))
    assert c.message == "now also counts `enter sal`"


def test_test_blocks_added_changed_removed():
    block = ('test "one" {\n  as of 2026-11-02T12:00:00-03:00\n  lead "a"\n'
             '  at 2026-11-02T10:00:00-03:00 enter mql\n  expect routing pending\n}\n')
    found = semantic_diff(slacode.loads(BASE), slacode.loads(BASE + block))
    assert [(c.area, c.subject, c.kind) for c in found] == [("test", '"one"', "added")]
    changed = block.replace("10:00:00", "10:30:00")
    found = semantic_diff(slacode.loads(BASE + block), slacode.loads(BASE + changed))
    assert [(c.area, c.kind) for c in found] == [("test", "changed")]


def test_days_text():
    assert days_text(range(5)) == "mon-fri"
    assert days_text([5, 6]) == "sat, sun"
    assert days_text(range(7)) == "daily"
    assert days_text([0, 2, 3, 4, 6]) == "mon, wed-fri, sun"


# ====================================================================== impact

V1, V2, EVENTS = ROOT / "specs" / "northwind.sla", ROOT / "specs" / "northwind_v2.sla", ROOT / "specs" / "events.jsonl"


def _event_dicts(path: Path) -> list[dict]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            out.append(json.loads(line))
        except ValueError:
            continue                                    # the example's deliberately cut line
    return out


def _independent_transitions(old, new, events, as_of) -> Counter:
    """Evaluate both versions through the public library and count status changes per
    (rule, clause, old status, new status), pairing verdicts by lead, rule, clause, cycle
    and period."""
    def keyed(result):
        return {(v.lead, v.rule, v.clause, v.cycle, v.period): v.status for v in result.verdicts}

    a, b = keyed(old.evaluate(events, as_of=as_of)), keyed(new.evaluate(events, as_of=as_of))
    counts: Counter = Counter()
    for key in set(a) | set(b):
        if a.get(key) != b.get(key):
            counts[(key[1], key[2], a.get(key), b.get(key))] += 1
    return counts


def _impact_transitions(imp) -> Counter:
    return Counter({(c.rule, c.clause, x, y): n for c in imp.clauses for (x, y), n in c.transitions.items()})


@pytest.fixture(scope="module")
def example():
    from slacode.events import read_events

    old, new = slacode.load(V1), slacode.load(V2)
    batch = read_events(str(EVENTS), as_of_us=slacode.events.parse_timestamp(AS_OF))
    expected = _independent_transitions(old, new, _event_dicts(EVENTS), AS_OF)
    return old, new, batch.records, expected


def test_example_impact_matches_evaluating_both_versions(example):
    old, new, records, expected = example
    imp = impact(old, new, records, AS_OF)
    assert _impact_transitions(imp) == expected
    assert imp.changed == sum(expected.values()) > 0
    # what the version change should do, in direction: the tighter first touch only breaches more
    first_touch = imp.clause("first_touch", "within")
    assert first_touch.changed > 0 and all(new_status == "breached" for _, new_status in first_touch.transitions)
    deal = imp.clause("deal_opening", "within")             # the added rule: every verdict is new
    assert deal.changed == deal.compared > 0 and all(old_status is None for old_status, _ in deal.transitions)
    assert imp.clause("flow", "transition").changed == 0


def test_example_through_the_command(example):
    old, new, records, expected = example
    proc = run("diff", str(V1), str(V2), "--events", str(EVENTS), "--as-of", AS_OF, "--format", "json",
               "--leads-limit", "3")
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    got = Counter({(c["rule"], c["clause"], t["from"], t["to"]): t["count"]
                   for c in doc["impact"]["by_clause"] for t in c["transitions"]})
    assert got == expected
    assert doc["differs"] is True and doc["impact"]["changed"] == sum(expected.values())
    leads = doc["impact"]["leads"]
    assert len(leads["listed"]) == 3 and leads["count"] > 3
    assert leads["listed"][0]["lead"] < leads["listed"][1]["lead"]
    text = run("diff", str(V1), str(V2), "--events", str(EVENTS), "--as-of", AS_OF)
    assert text.returncode == 1
    n = sum(v for (rule, clause, a, b), v in expected.items() if (rule, clause) == ("first_touch", "within"))
    moves = sorted(((a, b, v) for (rule, clause, a, b), v in expected.items()
                    if (rule, clause) == ("first_touch", "within")), key=lambda t: -t[2])
    line = f"  first_touch/within: {n} verdicts change: " + ", ".join(f"{a} → {b} {v}" for a, b, v in moves)
    assert line in text.stdout.splitlines()
    assert "target tightened from 4h to 2h" in text.stdout
    assert "hours on mon-fri: 08:00-18:00 → 08:00-19:00" in text.stdout
    assert "+ deadline deal_opening added" in text.stdout
    assert "segment hot\n  widened\n" in text.stdout


SMALL = """\
agreement "s" {
  timezone "America/Sao_Paulo"
  teams sales
}
calendar office {
  timezone "America/Sao_Paulo"
  hours mon-fri 09:00-18:00
}
segment hot = score >= 80
deadline touch {
  owner sales
  start on assigned
  stop on contact_attempt
  within 4h on office
}
"""


def _ev(lead, at, type_, **props):
    return {"lead": lead, "at": f"2026-11-16T{at}:00-03:00", "type": type_, **props}


def test_hand_worked_impact():
    events = [_ev("L1", "09:00", "assigned"), _ev("L1", "12:00", "contact_attempt"),   # 3h: met, then late
              _ev("L2", "09:00", "assigned"), _ev("L2", "10:00", "contact_attempt"),   # 1h: met in both
              _ev("L3", "11:00", "assigned"),                                          # due 15:00 / 13:00
              _ev("L4", "09:00", "assigned")]                                          # due 13:00 / 11:00
    old = slacode.loads(SMALL)
    new = slacode.loads(SMALL.replace("within 4h", "within 2h"))
    imp = impact(old, new, events, "2026-11-16T12:30:00-03:00")
    assert imp.clause("touch", "within").transitions == Counter({("met", "breached"): 1, ("pending", "breached"): 1})
    assert sorted(imp.leads) == ["L1", "L4"]
    assert imp.leads["L4"][0].text() == "touch/within cycle 1: pending → breached"
    assert imp.records == 6 and imp.leads_evaluated == 4 and imp.old_verdicts == imp.new_verdicts == 4
    same = impact(old, slacode.loads(SMALL), events, "2026-11-16T12:30:00-03:00")
    assert same.changed == 0 and same.leads == {}


def test_cycles_pair_by_their_start_not_their_number():
    """A start that becomes untracked shifts the cycle numbers after it; the later cycle,
    judged the same in both versions, is not a change."""
    old = slacode.loads(SMALL.replace("  within 4h on office\n",
                                      "  within 1h on office for hot\n  within 1h on office\n"))
    new = slacode.loads(SMALL.replace("  within 4h on office\n", "  within 1h on office for hot\n"))
    events = [_ev("L1", "09:00", "assigned"), _ev("L1", "09:30", "contact_attempt"),
              _ev("L1", "10:00", "update", fields={"score": 90}),
              _ev("L1", "11:00", "assigned"), _ev("L1", "11:20", "contact_attempt")]
    imp = impact(old, new, events, "2026-11-16T12:00:00-03:00")
    assert imp.clause("touch", "within").transitions == Counter({("met", None): 1})
    [change] = imp.leads["L1"]
    assert (change.cycle_old, change.cycle_new, change.old, change.new) == (1, None, "met", None)


# ====================================================================== the command

def test_exit_0_for_the_same_meaning(tmp_path):
    copy = tmp_path / "copy.sla"
    text = V1.read_text(encoding="utf-8").replace("  owner sales", "    owner sales")
    copy.write_text("# reformatted copy\n\n" + text, encoding="utf-8")
    proc = run("diff", str(V1), str(copy))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == "" and "No change in meaning" in proc.stderr
    proc = run("diff", str(V1), str(copy), "--events", str(EVENTS), "--as-of", AS_OF, "--format", "json")
    assert proc.returncode == 0
    doc = json.loads(proc.stdout)
    assert doc["differs"] is False and doc["changes"] == [] and doc["impact"]["changed"] == 0


def test_a_change_to_test_blocks_alone_differs_in_neither_the_exit_status_nor_the_json(tmp_path):
    text = V1.read_text(encoding="utf-8")
    changed = tmp_path / "tests_changed.sla"
    changed.write_text(text + '\ntest "one more" {\n  as of 2026-11-10T12:00:00-03:00\n}\n', encoding="utf-8")
    proc = run("diff", str(V1), str(changed))
    assert proc.returncode == 0 and "0 changes in meaning and 1 change to test blocks" in proc.stderr
    proc = run("diff", str(V1), str(changed), "--format", "json")
    doc = json.loads(proc.stdout)
    assert proc.returncode == 0
    assert (doc["differs"], doc["semantic_changes"], doc["test_changes"]) == (False, 0, 1)


def test_exit_1_without_events_lists_the_changes():
    proc = run("diff", str(V1), str(V2))
    assert proc.returncode == 1
    assert "Impact" not in proc.stdout and "widened through `hot`" in proc.stdout


def _small_files(tmp_path: Path) -> tuple[Path, Path, Path]:
    old, new, events = tmp_path / "old.sla", tmp_path / "new.sla", tmp_path / "events.jsonl"
    old.write_text(SMALL, encoding="utf-8")
    new.write_text(SMALL.replace("within 4h", "within 2h"), encoding="utf-8")
    events.write_text("".join(json.dumps(e) + "\n" for e in [
        _ev("L1", "09:00", "assigned"), _ev("L1", "12:00", "contact_attempt")]), encoding="utf-8")
    return old, new, events


def test_exit_2_errors(tmp_path):
    old, new, events = _small_files(tmp_path)
    assert run("diff", str(old), str(new)).returncode == 1
    assert run("diff", str(old), str(tmp_path / "missing.sla")).returncode == 2
    bad = tmp_path / "bad.sla"
    bad.write_text('agreement "x" { teams s }\ndeadline r {\n  owner s\n  within 1h on nowhere\n}\n')
    proc = run("diff", str(old), str(bad))
    assert proc.returncode == 2 and "SLA208" in proc.stderr
    assert run("diff", str(old), str(new), "--events", str(tmp_path / "none.jsonl")).returncode == 2
    assert run("diff", str(old), str(new), "--events", str(events), "--as-of", "yesterday").returncode == 2
    assert run("diff", str(old)).returncode == 2                      # usage


def test_events_from_stdin_and_leads_limit(tmp_path):
    old, new, events = _small_files(tmp_path)
    cmd = [SLACODE] if SLACODE else [sys.executable, "-m", "slacode"]
    proc = subprocess.run(cmd + ["diff", str(old), str(new), "--events", "-", "--as-of", "2026-11-16T13:00:00-03:00",
                                 "--leads-limit", "0"], input=events.read_text(), capture_output=True, text=True)
    assert proc.returncode == 1, proc.stderr
    assert "  touch/within: 1 verdict changes: met → breached 1" in proc.stdout.splitlines()
    assert "Leads whose verdicts change: 1 (showing 0; --leads-limit N to see more)." in proc.stdout


def test_events_from_stdin_are_kept_so_that_a_repeat_is_compared(tmp_path):
    old, new, events = _small_files(tmp_path)
    lines = [json.dumps({**json.loads(line), "id": f"e{n}"}) for n, line in enumerate(events.read_text().splitlines())]
    events.write_text("\n".join(lines) + "\n")
    first = lines[0]
    cmd = [SLACODE] if SLACODE else [sys.executable, "-m", "slacode"]
    proc = subprocess.run(cmd + ["diff", str(old), str(new), "--events", "-", "--as-of", "2026-11-16T13:00:00-03:00",
                                 "--format", "json"], input=events.read_text() + first + "\n",
                          capture_output=True, text=True)
    assert proc.returncode == 1, proc.stderr
    repeat = json.loads(proc.stdout)["diagnostics"]
    assert [d["code"] for d in repeat] == ["SLA517"] and repeat[0]["file"] == "<stdin>", repeat
    assert "not compared" not in repeat[0]["message"]


def _git(repo: Path, *args):
    subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", *args], cwd=repo,
                   check=True, capture_output=True)


def _repo_with(tmp_path, agreement: Path) -> Path:
    """A new git repository whose first commit holds ``agreement`` as agreement.sla."""
    repo = tmp_path / "repo"
    repo.mkdir()
    _git(repo, "init", "-q")
    (repo / "agreement.sla").write_text(agreement.read_text(encoding="utf-8"), encoding="utf-8")
    _git(repo, "add", "agreement.sla")
    _git(repo, "commit", "-q", "-m", "v1")
    return repo


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_rev_path_from_a_git_repository(tmp_path):
    old, new, events = _small_files(tmp_path)
    repo = _repo_with(tmp_path, old)
    (repo / "agreement.sla").write_text(new.read_text(encoding="utf-8"), encoding="utf-8")
    proc = run("diff", "HEAD:agreement.sla", "agreement.sla", cwd=repo)
    assert proc.returncode == 1, proc.stderr
    assert "target tightened from 4h to 2h" in proc.stdout
    assert run("diff", "HEAD:agreement.sla", "HEAD:agreement.sla", cwd=repo).returncode == 0
    _git(repo, "commit", "-q", "-am", "v2")
    proc = run("diff", "HEAD~1:agreement.sla", "HEAD:agreement.sla", "--events", str(events),
               "--as-of", "2026-11-16T13:00:00-03:00", "--format", "json", cwd=repo)
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["old"]["source"] == "HEAD~1:agreement.sla" and doc["impact"]["changed"] == 1
    proc = run("diff", "nosuchrev:agreement.sla", "agreement.sla", cwd=repo)
    assert proc.returncode == 2 and "git show failed" in proc.stderr
    proc = run("diff", "HEAD:missing.sla", "agreement.sla", cwd=repo)
    assert proc.returncode == 2 and "HEAD:missing.sla" in proc.stderr
    outside = tmp_path / "elsewhere"
    outside.mkdir()
    env = dict(os.environ, GIT_CEILING_DIRECTORIES=str(tmp_path))
    proc = run("diff", "HEAD:agreement.sla", str(repo / "agreement.sla"), cwd=outside, env=env)
    assert proc.returncode == 2 and "git show failed" in proc.stderr


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_an_argument_that_looks_like_an_option_never_reaches_git(tmp_path):
    """`REV:path` goes to `git show` as a revision only: `--output=FILE:x` is no file and no
    revision (git would write FILE:x), so it is refused before git runs."""
    old, _, _ = _small_files(tmp_path)
    repo = _repo_with(tmp_path, old)
    proc = run("diff", "--", "--output=written:x", "agreement.sla", cwd=repo)
    assert proc.returncode == 2 and "no such file" in proc.stderr
    assert not any(p.name.startswith("written") for p in repo.iterdir())
    assert run("diff", "HEAD:agreement.sla", "agreement.sla", cwd=repo).returncode == 0


def test_rev_path_without_git(tmp_path):
    env = dict(os.environ, PATH=str(tmp_path))                        # no git on the PATH
    cmd = [sys.executable, "-m", "slacode", "diff", "HEAD:specs/northwind.sla", str(V1)]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, env=env)
    assert proc.returncode == 2 and "git is not installed" in proc.stderr


def test_help_lists_diff():
    proc = run("--help")
    assert "diff" in proc.stdout
    assert run("diff", "--help").returncode == 0


def test_numbers_are_compared_exactly():
    # as floats, 10**20 and 10**20 + 1 are one number: the change would read as a restatement
    found = changes_of(("segment hot = score >= 80 and phone exists",
                        "segment hot = score >= 100000000000000000001 and phone exists"))
    assert [c.subject for c in found] == ["hot", "routing"]     # routing: its line `for hot`
    old = edited(("segment hot = score >= 80 and phone exists", "segment hot = score == 100000000000000000000"))
    new = old.replace("100000000000000000000", "100000000000000000001")
    found = [c for c in semantic_diff(slacode.loads(old), slacode.loads(new)) if c.semantic]
    assert [c.subject for c in found] == ["hot", "routing"]     # routing: its line `for hot`
    same = old.replace("100000000000000000000", "100000000000000000000.0")
    assert not [c for c in semantic_diff(slacode.loads(old), slacode.loads(same)) if c.semantic]


def test_a_folder_for_a_version_is_named_as_one(tmp_path):
    proc = run("diff", str(tmp_path), str(V1))
    assert proc.returncode == 2 and "is a folder; give the agreement file" in proc.stderr


def test_impact_counts_records_after_as_of(tmp_path):
    from slacode.diff import impact

    path = tmp_path / "e.jsonl"
    path.write_text('{"lead": "L", "at": "2026-11-09T10:00:00-03:00", "type": "assigned", "owner": "ana"}\n'
                    '{"lead": "L", "at": "2026-11-30T10:00:00-03:00", "type": "contact_attempt"}\n')
    records = slacode.read_events([str(path)]).records
    found = impact(slacode.loads(BASE), slacode.loads(BASE), records, "2026-11-20T18:00:00-03:00")
    # (and SLA614, an info, for each lead field BASE reads that this lead never had)
    assert [(d.code, d.line) for d in found.old_diagnostics if d.code != "SLA614"] == [("SLA506", 2)]
    assert {d.severity for d in found.old_diagnostics if d.code == "SLA614"} == {"info"}


def test_an_at_least_before_trigger_is_reported_through_its_segment():
    pairs = [("at least 3 before enter nurture", "at least 3 before meeting where hot")]
    old = edited(*pairs)
    new = edited(*pairs, ("score >= 80 and phone exists", "score >= 70 and phone exists"))
    found = [(c.area, c.subject, c.message) for c in semantic_diff(slacode.loads(old), slacode.loads(new))
             if c.semantic]
    assert ("attempts", "cadence", "at_least_before: `at least 3 before meeting where hot` now matches more "
            "events: `hot` widened") in found


def test_a_states_block_added_says_what_it_does_with_and_without_a_flow():
    head = 'agreement "t" { timezone "UTC"; teams sales }\n'
    rule = "deadline d { owner sales; start on enter mql; stop on call; within 1h }\n"
    states = "states { mql\n won final }\n"
    for flow, effect in (("", "change nothing"), ("flow { mql -> won }\n", "count against `flow`")):
        new = slacode.loads(head + states + flow + rule)
        added = [c for c in semantic_diff(slacode.loads(head + rule), new) if c.area == "states"]
        assert len(added) == 1 and added[0].kind == "added"
        assert effect in added[0].text and ("flow" in added[0].text) == bool(flow)


@pytest.mark.parametrize("pairs, expected", [
    ([("handoff routing {\n  owner marketing", "handoff routing {\n  owner sales")],
     ["handoff routing: owner marketing → sales"]),
    ([("target routing_goal {\n  owner marketing\n  rule routing\n  at least goal% met per week\n}\n", "")],
     ["target routing_goal: removed (owner marketing)"]),
    ([("quota volume {", "deadline extra {\n  owner sales\n  start on assigned\n  stop on call\n  within 1h\n}\n"
                         "quota volume {")],
     ["deadline extra: added (owner sales)"]),
    ([("at least 100 per month", "at least 100 per week")], ["quota volume: period per month → per week"]),
    ([("at least 100 per month", "at least 120 per month")], ["quota volume: tightened from at least 100 to at least 120"]),
    ([("at least 100 per month", "at most 100 per month")], ["quota volume: changed from at least 100 to at most 100"]),
    ([("warn at 80%", "warn at 70%")], ["handoff routing: warns at 70%, was 80% (earlier)"]),
    ([("  warn at 80%\n", "")], ["handoff routing: no longer warns (was at 80%)"]),
    ([('agreement "t"', 'agreement "u"')], ["agreement: id changed from 't' to 'u'"]),
    ([("count enter mql", "count enter sal")],
     ["quota volume: now also counts `enter sal`", "quota volume: no longer counts `enter mql`"]),
])
def test_each_kind_of_declaration_change_is_said_plainly(pairs, expected):
    assert [c.text for c in changes_of(*pairs)] == expected


# ============================================================== due dates that move

DESK = """\
agreement "desk" {
  version "1"
  timezone "America/Sao_Paulo"
  teams sales
}
calendar desk {
  timezone "America/Sao_Paulo"
  hours mon-fri 08:00-18:00
}
deadline first_touch {
  owner sales
  start on assigned
  stop on contact_attempt
  within 4h on desk
}
deadline callback {
  owner sales
  start on callback_requested
  stop on contact_attempt
  within 30m on desk
}
"""
# the desk opens an hour later and the first touch is halved: the reviewer's change
DESK_V2 = (DESK.replace('version "1"', 'version "2"').replace("08:00-18:00", "09:00-18:00")
           .replace("within 4h", "within 2h"))
DESK_AS_OF = "2026-11-23T08:30:00-03:00"                   # a Monday, before either opening


def _at(day: int, hm: str) -> str:
    return f"2026-11-{day}T{hm}:00-03:00"


DESK_EVENTS = [
    {"lead": "L-1", "at": _at(19, "09:00"), "type": "assigned"},          # Thu: met in both
    {"lead": "L-1", "at": _at(19, "10:00"), "type": "contact_attempt"},
    {"lead": "L-2", "at": _at(19, "09:00"), "type": "assigned"},          # Thu: breached in both
    {"lead": "L-2", "at": _at(19, "14:00"), "type": "contact_attempt"},
    {"lead": "L-3", "at": _at(20, "16:00"), "type": "assigned"},          # Fri: met, due Mon 10:00 / Fri 18:00
    {"lead": "L-3", "at": _at(20, "16:30"), "type": "contact_attempt"},
    {"lead": "L-4", "at": _at(20, "17:00"), "type": "assigned"},          # Fri: pending, Mon 11:00 / 10:00
    {"lead": "L-5", "at": _at(21, "10:00"), "type": "assigned"},          # Sat: pending, Mon 12:00 / 11:00
    {"lead": "L-6", "at": _at(23, "08:20"), "type": "callback_requested"},   # pending, 08:50 / 09:30
]
HOUR = 3600 * 1_000_000


def _us(text: str) -> int:
    return slacode.events.parse_timestamp(text)


def test_due_dates_that_move_earlier_and_later_with_the_open_ones():
    imp = impact(slacode.loads(DESK), slacode.loads(DESK_V2), DESK_EVENTS, DESK_AS_OF)
    assert imp.changed == 0                                 # no status changes...
    moves = {(mv.lead, mv.rule): mv for mv in imp.due_moves}
    assert len(moves) == len(imp.due_moves) == 6            # ...but every due date moves
    expected = {("L-1", "first_touch"): (_at(19, "13:00"), _at(19, "11:00"), "met"),
                ("L-2", "first_touch"): (_at(19, "13:00"), _at(19, "11:00"), "breached"),
                ("L-3", "first_touch"): (_at(23, "10:00"), _at(20, "18:00"), "met"),
                ("L-4", "first_touch"): (_at(23, "11:00"), _at(23, "10:00"), "pending"),
                ("L-5", "first_touch"): (_at(23, "12:00"), _at(23, "11:00"), "pending"),
                ("L-6", "callback"): (_at(23, "08:50"), _at(23, "09:30"), "pending")}
    for key, (old_due, new_due, status) in expected.items():
        mv = moves[key]
        assert (mv.old_at, mv.new_at, mv.old, mv.new) == (_us(old_due), _us(new_due), status, status), key
        assert mv.shift_us == _us(new_due) - _us(old_due)
        assert mv.open == (status == "pending")
    summary = imp.due_summary
    assert (summary.count, summary.earlier, summary.later, summary.open) == (6, 5, 1, 3)
    assert summary.most_earlier_us == 64 * HOUR             # L-3: Monday 10:00 → Friday 18:00
    assert summary.most_later_us == 40 * 60 * 1_000_000     # L-6: the desk opens later
    assert summary.open_largest_us == -HOUR                 # L-4 and L-5; L-6's 40m is smaller
    # open ones first, the soonest new due date first; then the decided ones by new due date
    assert [mv.lead for mv in imp.due_moves] == ["L-6", "L-4", "L-5", "L-1", "L-2", "L-3"]
    assert imp.warn_moves == []                             # no warn at: no warning to move


def test_due_moves_pair_as_status_changes_do():
    """A verdict whose status also changes counts; one in only one version does not."""
    events = [_ev("L1", "09:00", "assigned"), _ev("L1", "12:00", "contact_attempt"),   # met → breached
              _ev("L2", "09:00", "assigned"), _ev("L2", "10:00", "contact_attempt")]   # met in both
    old, new = slacode.loads(SMALL), slacode.loads(SMALL.replace("within 4h", "within 2h"))
    imp = impact(old, new, events, "2026-11-16T18:00:00-03:00")
    assert sorted((mv.lead, mv.old, mv.new, mv.shift_us) for mv in imp.due_moves) == [
        ("L1", "met", "breached", -2 * HOUR), ("L2", "met", "met", -2 * HOUR)]
    assert imp.due_summary.open == 0 and imp.due_summary.open_largest_us is None
    # open is the new version's status: pending → breached is not open, pending → pending is
    late = events + [_ev("L3", "11:00", "assigned"), _ev("L4", "09:00", "assigned")]
    imp = impact(old, new, late, "2026-11-16T12:30:00-03:00")
    states = {mv.lead: (mv.old, mv.new, mv.open) for mv in imp.due_moves}
    assert states["L3"] == ("pending", "pending", True) and states["L4"] == ("pending", "breached", False)
    assert imp.due_summary.open == 1 and imp.due_moves[0].lead == "L3"
    added = slacode.loads(SMALL + SMALL[SMALL.index("deadline"):].replace("deadline touch", "deadline other"))
    imp = impact(old, added, events, "2026-11-16T18:00:00-03:00")
    assert imp.changed == 2 and imp.due_moves == []         # the new rule's verdicts appear: no move


def test_no_moves_no_line(tmp_path):
    (tmp_path / "desk.sla").write_text(DESK, encoding="utf-8")
    (tmp_path / "owner.sla").write_text(DESK.replace("teams sales", "teams sales, ops")
                                        .replace("owner sales\n  start on callback", "owner ops\n  start on callback"),
                                        encoding="utf-8")
    (tmp_path / "e.jsonl").write_text("".join(json.dumps(e) + "\n" for e in DESK_EVENTS), encoding="utf-8")
    for other in ("desk.sla", "owner.sla"):                 # the same file; a change that moves no deadline
        proc = run("diff", "desk.sla", other, "--events", "e.jsonl", "--as-of", DESK_AS_OF, cwd=tmp_path)
        assert proc.returncode == (0 if other == "desk.sla" else 1), proc.stderr
        assert "no verdict changes status (6 verdicts)." in proc.stdout
        assert "due date" not in proc.stdout.lower() and "due date" not in proc.stderr
        doc = json.loads(run("diff", "desk.sla", other, "--events", "e.jsonl", "--as-of", DESK_AS_OF,
                             "--format", "json", cwd=tmp_path).stdout)
        assert doc["impact"]["due_moves"] == {"count": 0, "earlier": {"count": 0, "largest_seconds": None},
                                              "later": {"count": 0, "largest_seconds": None},
                                              "open": {"count": 0, "largest_shift_seconds": None}, "listed": []}


def _desk_files(tmp_path: Path) -> Path:
    (tmp_path / "desk.sla").write_text(DESK, encoding="utf-8")
    (tmp_path / "desk_v2.sla").write_text(DESK_V2, encoding="utf-8")
    (tmp_path / "e.jsonl").write_text("".join(json.dumps(e) + "\n" for e in DESK_EVENTS), encoding="utf-8")
    return tmp_path


def test_due_moves_in_the_text(tmp_path):
    _desk_files(tmp_path)
    args = ("diff", "desk.sla", "desk_v2.sla", "--events", "e.jsonl", "--as-of", DESK_AS_OF)
    proc = run(*args, "--leads-limit", "2", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr                # the meaning changed: as before
    lines = proc.stdout.splitlines()
    at = lines.index("Due dates move for 6 verdicts (5 earlier, up to 2d 16h by the wall clock; 1 later, up to 40m "
                     "by the wall clock); 3 of them open, the largest move 1h of working time earlier.")
    assert lines[at - 1].endswith("no verdict changes status (6 verdicts).")     # after the status summary
    assert lines[at + 1:] == [
        "Verdicts whose due date moves: 6 (showing 2, open ones first; --leads-limit N to see more):",
        "  L-6  callback/within cycle 1: due 2026-11-23 08:50 -03:00 → 2026-11-23 09:30 -03:00 (30m of working time (40m by the wall clock) later; pending)",
        "  L-4  first_touch/within cycle 1: due 2026-11-23 11:00 -03:00 → 2026-11-23 10:00 -03:00 (1h of working time earlier; pending)"]
    assert proc.stderr.strip().endswith("0 verdicts change status, 6 due dates move, 3 open.")
    none_listed = run(*args, "--leads-limit", "0", cwd=tmp_path).stdout.splitlines()
    assert none_listed[-1] == "Verdicts whose due date moves: 6 (showing 0, open ones first; --leads-limit N to see more)."
    every = run(*args, cwd=tmp_path).stdout.splitlines()
    assert every[-7] == "Verdicts whose due date moves: 6:"
    assert every[-1] == ("  L-3  first_touch/within cycle 1: due 2026-11-23 10:00 -03:00 → 2026-11-20 18:00 -03:00 "
                         "(1h of working time (2d 16h by the wall clock) earlier; met)")


def test_due_moves_in_json_validate(tmp_path):
    from tests.test_schemas import validator

    _desk_files(tmp_path)
    proc = run("diff", "desk.sla", "desk_v2.sla", "--events", "e.jsonl", "--as-of", DESK_AS_OF,
               "--format", "json", "--leads-limit", "3", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    doc = json.loads(proc.stdout)
    schema = validator("diff")
    assert [e.message for e in schema.iter_errors(doc)] == []
    moves = doc["impact"]["due_moves"]
    assert {k: v for k, v in moves.items() if k != "listed"} == {
        "count": 6, "earlier": {"count": 5, "largest_seconds": 64 * 3600},
        "later": {"count": 1, "largest_seconds": 40 * 60}, "open": {"count": 3, "largest_shift_seconds": -3600}}
    assert moves["listed"][0] == {"lead": "L-6", "rule": "callback", "clause": "within", "cycle_old": 1,
                                  "cycle_new": 1, "from": "pending", "to": "pending",
                                  "due_old": "2026-11-23T08:50:00-03:00", "due_new": "2026-11-23T09:30:00-03:00",
                                  "shift_seconds": 2400, "open": True}
    assert [m["lead"] for m in moves["listed"]] == ["L-6", "L-4", "L-5"]
    assert doc["impact"]["warn_moves"]["count"] == 0 and doc["impact"]["changed"] == 0

    def broken(change) -> dict:
        out = json.loads(proc.stdout)
        change(out["impact"])
        return out

    assert not schema.is_valid(broken(lambda i: i["due_moves"]["listed"][0].update(open=False)))   # pending: open
    assert not schema.is_valid(broken(lambda i: i["due_moves"]["listed"][0].update(shift_seconds=0)))
    assert not schema.is_valid(broken(lambda i: i["due_moves"]["later"].update(largest_seconds=None)))
    assert not schema.is_valid(broken(lambda i: i["due_moves"]["open"].update(count=0)))   # with a largest move
    assert not schema.is_valid(broken(lambda i: i.pop("warn_moves")))
    assert not schema.is_valid(broken(lambda i: i["due_moves"].update(count=0)))          # with moves listed


def test_warnings_that_move_without_the_due_date(tmp_path):
    old = DESK.replace("  within 4h on desk\n", "  within 4h on desk\n  warn at 50%\n")
    new = old.replace("warn at 50%", "warn at 75%")
    imp = impact(slacode.loads(old), slacode.loads(new), DESK_EVENTS, DESK_AS_OF)
    assert imp.due_moves == []
    by_lead = {mv.lead: mv for mv in imp.warn_moves}
    assert by_lead["L-4"].shift_us == HOUR and by_lead["L-4"].open        # 2h → 3h of the 4h: 09:00 → 10:00
    assert imp.warn_summary.later == imp.warn_summary.count and imp.warn_summary.earlier == 0
    (tmp_path / "a.sla").write_text(old, encoding="utf-8")
    (tmp_path / "b.sla").write_text(new, encoding="utf-8")
    (tmp_path / "e.jsonl").write_text("".join(json.dumps(e) + "\n" for e in DESK_EVENTS), encoding="utf-8")
    out = run("diff", "a.sla", "b.sla", "--events", "e.jsonl", "--as-of", DESK_AS_OF, cwd=tmp_path).stdout
    n = imp.warn_summary.count
    assert f"Warnings move for {n} verdicts ({n} later, up to " in out and "Due dates move" not in out


def test_due_moves_match_evaluating_both_versions(example):
    """Against the public library: pair the verdicts of leads by (lead, rule, clause, start)
    and compare their due dates."""
    old, new, records, _ = example
    events = _event_dicts(EVENTS)

    def keyed(agreement):
        res = agreement.evaluate(events, as_of=AS_OF)
        return {(v.lead, v.rule, v.clause, v.started_at): v for v in res.verdicts if v.lead is not None}

    a, b = keyed(old), keyed(new)
    expected = sorted((k[0], k[1], k[2], b[k].due_at - a[k].due_at) for k in set(a) & set(b)
                      if a[k].due_at is not None and b[k].due_at is not None and a[k].due_at != b[k].due_at)
    imp = impact(old, new, records, AS_OF)
    assert sorted((mv.lead, mv.rule, mv.clause, mv.shift_us) for mv in imp.due_moves) == expected
    assert len(expected) > 100
    opened = [mv for mv in imp.due_moves if mv.new in ("pending", "at_risk", "paused")]
    assert imp.due_summary.open == len(opened) > 0
    assert all(mv.open for mv in imp.due_moves[:len(opened)])                 # open ones first,
    assert [mv.new_at for mv in imp.due_moves[:len(opened)]] == sorted(mv.new_at for mv in opened)   # soonest first


def test_due_moves_are_the_same_in_parallel(example, monkeypatch, capsys):
    from slacode import parallel
    from slacode.cli import main

    if not parallel.can_fork():
        pytest.skip("parallel evaluation needs fork")
    monkeypatch.setattr(parallel, "MIN_PARALLEL_RECORDS", 0)
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 0)
    old, new, records, _ = example
    one, two = impact(old, new, records, AS_OF, jobs=1), impact(old, new, records, AS_OF, jobs=2)
    assert one.due_moves == two.due_moves and one.warn_moves == two.warn_moves and one.due_moves
    outs = []
    for fmt in ("text", "json"):
        for jobs in ("1", "2"):
            code = main(["diff", str(V1), str(V2), "--events", str(EVENTS), "--as-of", AS_OF, "--format", fmt,
                         "--jobs", jobs])
            outs.append((code, capsys.readouterr().out))
    assert outs[0] == outs[1] and outs[2] == outs[3]
    assert "Verdicts whose due date moves:" in outs[0][1] and json.loads(outs[2][1])["impact"]["due_moves"]["count"]


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(-10**12, 10**12).filter(bool),
                          st.sampled_from(["met", "breached", "cancelled", "pending", "at_risk", "paused"])),
                max_size=12))
def test_move_summary_counts_every_move_once(shifts):
    from slacode.diff import DueMove, MoveSummary

    base = _us("2026-11-16T09:00:00-03:00")
    moves = [DueMove(f"L{i}", "r", "within", 1, 1, "met", status, base, base + shift)
             for i, (shift, status) in enumerate(shifts)]
    summary = MoveSummary.of(moves)
    earlier = [-s for s, _ in shifts if s < 0]
    later = [s for s, _ in shifts if s > 0]
    opened = [s for s, status in shifts if status in ("pending", "at_risk", "paused")]
    assert (summary.count, summary.earlier, summary.later, summary.open) == (
        len(shifts), len(earlier), len(later), len(opened))
    assert summary.most_earlier_us == max(earlier, default=0) and summary.most_later_us == max(later, default=0)
    if opened:
        assert abs(summary.open_largest_us) == max(abs(s) for s in opened) and summary.open_largest_us in opened
    else:
        assert summary.open_largest_us is None
    doc = summary.to_dict()
    assert doc["count"] == doc["earlier"]["count"] + doc["later"]["count"]
