"""`for A and B [and C …]` (an extension): a line, a target, a quota or a calendar pick for
a conjunction of segments. Grammar and model, evaluation (a property against a declared
segment `ab = (A's predicate) and (B's predicate)`), the checks, fmt, diff, explain and
coverage. The verdicts are worked out by hand in tests/cases/1003-for-and."""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import slacode
from slacode import model as m
from slacode import testing
from slacode.cmd_report import _in_segments
from slacode.diff import semantic_diff

HEAD = '''agreement "grid" {
  version "1"
  timezone "UTC"
  teams sales
}

calendar office {
  timezone "UTC"
  hours mon-fri 09:00-17:00
}

calendar late {
  timezone "UTC"
  hours mon-fri 12:00-20:00
}

segment hot = score >= 80
segment emea = region in ["EMEA", "UK"] and not (blocked == true)
'''

# The same agreement twice: with `for hot and emea`, and with a declared segment `ab` whose
# predicate is the `and` of theirs (`for ab`). Every place a `for` part stands is used.
BODY = '''
calendar desk = late for {seg}, office

deadline first_touch {{
  owner sales
  start on assigned
  stop on contact_attempt
  cancel on lost
  within 30m on office for {seg}
  within 1h on office for hot
  within 4h on desk
}}

attempts cadence {{
  owner sales
  start on assigned
  stop on won
  at least 2 within 2h on desk for {seg}
  at least 1 within 1d on office
}}

target grid_touch {{
  owner sales
  rule first_touch for {seg}
  at least 50% met per week
}}

quota grid_assigned {{
  owner sales
  count assigned for {seg}
  at least 2 per day
}}
'''
CONJ = HEAD + BODY.format(seg="hot and emea")
DECLARED = HEAD + 'segment ab = (score >= 80) and (region in ["EMEA", "UK"] and not (blocked == true))\n' + \
    BODY.format(seg="ab")


def lint(text: str) -> list[tuple]:
    return [(d.code, d.line, d.column, d.message) for d in slacode.lint(text) if d.severity != "info"]


def codes(text: str) -> list[str]:
    return [c for c, *_ in lint(text)]


def rule_text(lines: str, segments: str = "") -> str:
    return HEAD + segments + f'''
deadline first_touch {{
  owner sales
  start on assigned
  stop on contact_attempt
{lines}
  within 4h
}}
'''


# ------------------------------------------------------------------ grammar and model

def test_a_single_name_stays_a_name_and_a_conjunction_keeps_every_name_with_its_place():
    a = slacode.loads(CONJ)
    single = a.rule("first_touch").of("within")[1]
    assert type(single.segment) is m.Name and single.segment.value == "hot"
    line = a.rule("first_touch").of("within")[0]
    assert isinstance(line.segment, m.SegmentAnd)
    assert [n.value for n in m.segment_names(line.segment)] == ["hot", "emea"]
    assert line.segment.value == str(line.segment) == "hot and emea"
    hot, emea = line.segment.names
    assert (hot.span.line, hot.span.column, emea.span.column) == (27, 28, 36)
    assert (line.segment.span.column, line.segment.span.end_column) == (28, 40)
    assert m.segment_names(None) == ()
    assert m.segment_names(single.segment) == (single.segment,)
    target = a.targets[0].rule.segment
    quota = a.quotas[0].measure.segment
    pick = a.of("calendar_choice")[0].picks[0].segment
    assert target.value == quota.value == pick.value == "hot and emea"


def test_three_names_and_a_line_wrapped_after_and():
    text = rule_text("  within 5m for hot and\n      emea and hot_us", 'segment hot_us = country == "US"\n')
    line = slacode.loads(text).rule("first_touch").of("within")[0]
    assert [n.value for n in line.segment.names] == ["hot", "emea", "hot_us"]


@pytest.mark.parametrize("bad", ["within 5m for hot and", "within 5m for and hot", "within 5m for hot emea",
                                 "within 5m for hot, emea", "within 5m for hot or emea"])
def test_what_does_not_parse(bad):
    with pytest.raises(slacode.SpecError):
        slacode.loads(rule_text("  " + bad))


# ------------------------------------------------------------------------ evaluation

_OFFSETS = st.integers(min_value=0, max_value=48 * 60)          # minutes after Mon 2026-11-09 00:00Z
_FIELDS = st.fixed_dictionaries({}, optional={
    "score": st.sampled_from([0, 79, 80, 95, "90"]),
    "region": st.sampled_from(["EMEA", "UK", "US", None]),
    "blocked": st.sampled_from([True, False, None]),
})


def _at(minutes: int) -> str:
    day, rest = divmod(minutes, 24 * 60)
    return f"2026-11-{9 + day:02d}T{rest // 60:02d}:{rest % 60:02d}:00Z"


@st.composite
def _histories(draw) -> list[dict]:
    events = []
    for i in range(draw(st.integers(min_value=1, max_value=4))):
        lead = f"L{i}"
        for _ in range(draw(st.integers(min_value=1, max_value=6))):
            kind = draw(st.sampled_from(["assigned", "update", "contact_attempt", "won", "lost"]))
            ev = {"lead": lead, "at": _at(draw(_OFFSETS)), "type": kind}
            fields = draw(_FIELDS)
            if fields:
                ev["fields"] = fields
            events.append(ev)
    return events


def _verdicts(agreement, events, as_of) -> list[str]:
    return [json.dumps(v.to_dict(), sort_keys=True) for v in agreement.evaluate(events, as_of=as_of).verdicts]


_CONJ, _DECLARED = slacode.loads(CONJ), slacode.loads(DECLARED)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(events=_histories(), as_of=_OFFSETS)
def test_for_a_and_b_judges_as_a_declared_segment_of_both_predicates(events, as_of):
    mine = _verdicts(_CONJ, events, _at(as_of))
    theirs = _verdicts(_DECLARED, events, _at(as_of))
    assert [v.replace("hot and emea", "ab") for v in mine] == theirs      # (the segment key, the reasons)


def test_the_conjunction_is_chosen_at_the_start_and_names_the_verdict():
    events = [
        {"lead": "both", "at": "2026-11-09T10:00:00Z", "type": "assigned", "fields": {"score": 90, "region": "UK"}},
        {"lead": "hot", "at": "2026-11-09T10:00:00Z", "type": "assigned", "fields": {"score": 90, "region": "US"}},
        {"lead": "hot", "at": "2026-11-09T10:05:00Z", "type": "update", "fields": {"region": "UK"}},
        {"lead": "emea", "at": "2026-11-09T10:00:00Z", "type": "assigned", "fields": {"score": 10, "region": "UK"}},
        {"lead": "blocked", "at": "2026-11-09T10:00:00Z", "type": "assigned",
         "fields": {"score": 90, "region": "UK", "blocked": True}},
    ]
    got = {(v.lead, v.rule): v for v in _CONJ.evaluate(events, as_of="2026-11-09T10:10:00Z").verdicts}
    touch = {lead: got[(lead, "first_touch")] for lead in ("both", "hot", "emea", "blocked")}
    assert {k: v.segment for k, v in touch.items()} == {"both": "hot and emea", "hot": "hot", "emea": None,
                                                        "blocked": "hot"}
    assert touch["both"].to_dict()["due_at"] == "2026-11-09T10:30:00+00:00"
    # the default line runs on the choice `desk`, whose first pick is for hot and emea (not
    # for `emea`, a lead alone): on `office`, 4h from 10:00
    assert touch["emea"].to_dict()["due_at"] == "2026-11-09T14:00:00+00:00"
    cadence = got[("both", "cadence")]      # on `desk`, picked for hot and emea: `late`, from 12:00
    assert (cadence.segment, cadence.to_dict()["due_at"]) == ("hot and emea", "2026-11-09T14:00:00+00:00")
    quota = got[(None, "grid_assigned")]
    assert (quota.segment, quota.value) == ("hot and emea", 1)


def test_the_and_is_compiled_once_not_per_event(monkeypatch):
    agreement = slacode.loads(CONJ)
    plan = agreement.plan
    line = plan.rules[0].lines[0]
    assert line.segment == "hot and emea" and line.applies is not None
    import slacode.compile as compile_module

    def refuse(*_args, **_kwargs):
        raise AssertionError("a predicate compiled during evaluation")

    monkeypatch.setattr(compile_module, "compile_pred", refuse)
    events = [{"lead": "x", "at": "2026-11-09T10:00:00Z", "type": "assigned", "fields": {"score": 90, "region": "UK"}}]
    (first, *_rest) = agreement.evaluate(events, as_of="2026-11-09T10:10:00Z").verdicts
    assert first.segment == "hot and emea"
    target = plan.targets[0]
    assert target.segment == "hot and emea" and target.applies is not None


# ---------------------------------------------------------------------------- checks

def test_the_grid_lints_clean_and_each_name_is_used():
    assert lint(CONJ) == []
    only_in_conj = rule_text("  within 5m for hot and emea")
    assert "SLA217" not in codes(only_in_conj)              # `emea` is used only in the conjunction
    assert "SLA217" in codes(rule_text("  within 5m for hot"))


@pytest.mark.parametrize("where", ["  within 5m for hot and emeaa", "  within 5m for emeaa and hot"])
def test_an_unknown_name_is_reported_on_that_name(where):
    found = [d for d in lint(rule_text(where)) if d[0] == "SLA209"]
    column = where.index("emeaa") + 1
    assert found == [("SLA209", 24, column, "segment `emeaa` is not declared")]


def test_unknown_names_in_targets_quotas_and_picks():
    text = CONJ.replace("rule first_touch for hot and emea", "rule first_touch for hot and nope") \
        .replace("count assigned for hot and emea", "count assigned for nada and emea") \
        .replace("calendar desk = late for hot and emea", "calendar desk = late for hot and zilch")
    assert sorted(msg for c, _, _, msg in lint(text) if c == "SLA209") == [
        "segment `nada` is not declared", "segment `nope` is not declared", "segment `zilch` is not declared"]


COLD = 'segment cold = score < 20\nsegment hot_us = hot and country == "US"\nsegment never = false\n'


@pytest.mark.parametrize("lines, message", [
    ("  within 5m for hot and emea\n  within 6m for emea and hot",
     "this `for emea and hot` line never applies: line 27 has the same segments"),
    ("  within 5m for hot\n  within 6m for hot and emea",
     "this `for hot and emea` line never applies: every lead in `hot and emea` is also in `hot`, whose line comes "
     "first (line 27)"),
    ("  within 5m for emea and hot\n  within 6m for hot_us and emea",
     "this `for hot_us and emea` line never applies: every lead in `hot_us and emea` is also in `emea and hot`, "
     "whose line comes first (line 27)"),
    ("  within 5m for hot and cold",
     "this line never applies: segments `hot` and `cold` can never both hold at once"),
    ("  within 5m for hot and emea and never", "this line never applies: segment `never` can never hold"),
    ("  within 5m for hot_us\n  within 6m for hot_us and emea",
     "this `for hot_us and emea` line never applies: every lead in `hot_us and emea` is also in `hot_us`, whose "
     "line comes first (line 27)"),
])
def test_unreachable_conjunctions(lines, message):
    found = [msg for c, _, _, msg in lint(rule_text(lines, COLD)) if c == "SLA320"]
    assert found == [message]


@pytest.mark.parametrize("lines", [
    "  within 5m for hot and emea\n  within 6m for hot",           # the narrower first: fine
    "  within 5m for hot and emea\n  within 6m for hot and cold_not",
    "  within 5m for hot_us and emea\n  within 6m for hot and emea",
    "  within 5m for hot\n  within 6m for emea and cold",
])
def test_reachable_conjunctions(lines):
    segs = COLD + "segment cold_not = not (score < 20)\n"
    assert "SLA320" not in codes(rule_text(lines, segs))


def test_picks_are_judged_on_the_conjunction():
    text = CONJ.replace("calendar desk = late for hot and emea, office",
                        "calendar desk = late for hot, office for emea and hot, office")
    found = [msg for c, _, _, msg in lint(text) if c == "SLA320"]
    assert found == ["this `for emea and hot` pick never applies: every lead in `emea and hot` is also in `hot`, "
                     "whose pick comes first (`late for hot`)"]


def test_a_name_twice_and_a_name_another_implies():
    found = lint(rule_text("  within 5m for hot and hot\n  within 6m for hot_us and emea and hot", COLD))
    assert ("SLA223", 27, 25, "`for hot and hot` names segment `hot` twice") in found
    assert ("SLA353", 28, 37, "`hot` adds nothing to `for hot_us and emea and hot`: every lead in `hot_us` is "
            "also in `hot`") in found
    # two names of one meaning: only the later one is named
    same = rule_text("  within 5m for hot and hot2", "segment hot2 = score >= 80\n")
    assert [(c, line, col) for c, line, col, _ in lint(same) if c == "SLA353"] == [("SLA353", 25, 25)]


def test_no_sla223_or_sla353_for_independent_segments():
    assert not {"SLA223", "SLA353"} & set(codes(rule_text("  within 5m for hot and emea and cold_us",
                                                          'segment cold_us = country == "US"\n')))


# ------------------------------------------------------------------- fmt, diff, report

def test_fmt_writes_the_names_in_order_on_one_line_and_is_idempotent():
    messy = CONJ.replace("within 30m on office for hot and emea", "within 30m on office for  hot   and\n    emea")
    out = slacode.format(messy)
    assert "  within 30m on office for hot and emea\n" in out
    assert "rule first_touch for hot and emea\n" in out and "count assigned for hot and emea\n" in out
    assert "calendar desk = late for hot and emea, office\n" in out
    assert slacode.format(out) == out == slacode.format(CONJ)
    assert slacode.loads(out).model_dump() == slacode.loads(messy).model_dump()
    flipped = CONJ.replace("within 30m on office for hot and emea", "within 30m on office for emea and hot")
    assert "for emea and hot\n" in slacode.format(flipped)     # the order written is kept


def _diff(old: str, new: str) -> list[str]:
    return [c.message for c in semantic_diff(slacode.loads(old), slacode.loads(new))]


def test_diff_describes_a_changed_conjunction_line():
    tighter = CONJ.replace("within 30m on office for hot and emea", "within 20m on office for hot and emea")
    assert any("`within 30m on office for hot and emea` → `within 20m on office for hot and emea`" in msg
               and "the line for `hot and emea`" in msg for msg in _diff(CONJ, tighter))


def test_diff_says_when_a_segment_of_the_conjunction_changes_meaning():
    wider = CONJ.replace('region in ["EMEA", "UK"] and', 'region in ["EMEA", "UK", "IE"] and')
    found = _diff(CONJ, wider)
    assert "the line `within 30m on office for hot and emea` now applies to more leads: `hot and emea` widened" \
        in found
    assert any(msg.startswith("`rule first_touch for hot and emea` now measures the cycles of more leads")
               for msg in found), found


def test_report_due_segment_filter_takes_a_line_naming_the_segment():
    assert _in_segments("hot and emea", frozenset({"hot"}))
    assert _in_segments("hot and emea", frozenset({"emea"}))
    assert _in_segments("hot", frozenset({"hot"}))
    assert not _in_segments("hot and emea", frozenset({"cold"}))
    assert not _in_segments("hotter", frozenset({"hot"}))
    assert not _in_segments(None, frozenset({"hot"}))


# --------------------------------------------------------------- explain and coverage

def test_coverage_lists_the_conjunction_line():
    text = CONJ + '''
test "a hot emea lead gets 30 minutes" {
  as of 2026-11-09T12:00:00Z
  lead "a"
  at 2026-11-09T10:00:00Z assigned set score = 90, region = "UK"
  at 2026-11-09T10:10:00Z contact_attempt
  expect first_touch met
}
'''
    agreement = slacode.loads(text)
    cov = testing.coverage(agreement, testing.run_tests(agreement, ()))
    lines = {(ln["rule"], ln["segment"]): (ln["line"], ln["applied"]) for ln in cov.lines}
    assert lines[("first_touch", "hot and emea")] == ("within 30m on office for hot and emea", True)
    assert lines[("first_touch", "hot")][1] is False
    assert lines[("cadence", "hot and emea")][1] is True


def test_explain_names_the_conjunction(tmp_path, capsys):
    from slacode.cli import main

    spec = tmp_path / "grid.sla"
    spec.write_text(CONJ)
    events = tmp_path / "events.jsonl"
    events.write_text(json.dumps({"lead": "a", "at": "2026-11-09T10:00:00Z", "type": "assigned",
                                  "fields": {"score": 90, "region": "UK"}}) + "\n")
    code = main(["explain", str(spec), str(events), "--lead", "a", "--as-of", "2026-11-09T11:00:00Z"])
    out = capsys.readouterr().out
    assert code == 0
    assert "first_touch: cycle 1 opens (within 30m on office for hot and emea)" in out



@pytest.mark.parametrize("segment, leads", [("emea", ["F"]), ("hot", ["F"]), ("nobody", None)])
def test_due_segment_keeps_the_clocks_of_a_line_naming_it(capsys, segment, leads):
    from pathlib import Path

    from slacode.cli import main

    case = Path(__file__).parent / "cases" / "1003-for-and"
    text = (case / "agreement.sla").read_text().replace("segment emea", "segment nobody = false\nsegment emea")
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "a.sla"
        path.write_text(text)
        code = main(["due", str(path), str(case / "events.jsonl"), "--as-of", "2026-11-09T17:00:00Z",
                     "--segment", segment, "--format", "jsonl"])
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert code == 0
    found = [o["lead"] for o in out if o.get("lead")]
    assert found == (leads or [])


# review 28 (F10): a target's `rule … for` and a quota's `count` / `sum … for` that never hold
GOALS = ('agreement "g" { version "1"; timezone "UTC"; teams sales }\n'
         "segment hot = score >= 80\nsegment cold = score < 20\nsegment emea = region == \"EMEA\"\n"
         "segment never = score >= 80 and score < 20\n"
         "deadline first_touch {\n  owner sales\n  start on assigned\n  stop on contact_attempt\n  within 1h\n}\n")


def _goal(text: str) -> str:
    return GOALS + text


@pytest.mark.parametrize("goal, where, message", [
    ("target t2 {\n  owner sales\n  rule first_touch for hot and cold\n  at least 95% met per week\n}\n", (14, 3),
     "this `for hot and cold` never applies: segments `hot` and `cold` can never both hold at once, so target "
     "`t2` never counts a cycle"),
    ("target t1 {\n  owner sales\n  rule first_touch for never\n  at least 95% met per week\n}\n", (14, 3),
     "this `for never` never applies: segment `never` can never hold, so target `t1` never counts a cycle"),
    ("quota q2 {\n  owner sales\n  count assigned for hot and cold\n  at least 20 per week\n}\n", (14, 3),
     "this `for hot and cold` never applies: segments `hot` and `cold` can never both hold at once, so quota "
     "`q2` never counts an event"),
    ("quota q3 {\n  owner sales\n  count assigned for emea and never\n  at most 20 per week\n}\n", (14, 3),
     "this `for emea and never` never applies: segment `never` can never hold, so quota `q3` never counts an "
     "event"),
    ("quota rev {\n  owner sales\n  sum amount of deal_won for cold and hot\n  at least 1000 per month\n}\n",
     (14, 3), "this `for cold and hot` never applies: segments `cold` and `hot` can never both hold at once, so "
     "quota `rev` never adds an amount"),
])
def test_a_goal_whose_for_never_holds_is_sla320(goal, where, message):
    found = [(line, col, msg) for c, line, col, msg in lint(_goal(goal)) if c == "SLA320"]
    assert found == [(*where, message)]


@pytest.mark.parametrize("goal", [
    "target t {\n  owner sales\n  rule first_touch for hot and emea\n  at least 95% met per week\n}\n",
    "target t {\n  owner sales\n  rule first_touch for cold\n  at least 95% met per week\n}\n",
    "quota q {\n  owner sales\n  count assigned for hot and emea\n  at least 20 per week\n}\n",
    "quota q {\n  owner sales\n  sum amount of deal_won for emea\n  at least 1000 per month\n}\n",
])
def test_a_goal_whose_for_can_hold_is_not_reported(goal):
    assert "SLA320" not in codes(_goal(goal))
