"""`require FIELD, … where PREDICATE` (extension, docs/extensions.md "Conditions on required
fields"): a §9 predicate over the lead's fields at the stop, part of the one `require`
verdict. Verdicts and reasons, the stop event's own fields, segments and `state`, the
number/string diagnostic, several lines, cancelled/pending, fmt, diff, explain, lint, test
blocks, and a property against a tiny reference evaluator over random fields."""
from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import slacode
from slacode.cli import main
from slacode.diff import semantic_diff
from slacode.verdict import VERDICT_KEYS

HEAD = '''agreement "req" { version "1"; timezone "UTC"; teams marketing, sales }
segment hot = score >= 80
'''


def spec(*require: str, stop: str = "assigned", extra: str = "") -> str:
    lines = "\n".join(f"  {r}" for r in require)
    return HEAD + extra + f'''
handoff h {{
  owner marketing
  start on enter mql
  stop on {stop}
  cancel on enter disqualified
  within 1h
{lines}
}}
'''


WHERE = spec("require name, email", 'require email, budget where email contains "@" and budget > 0')


def ev(at: str, type_: str, lead: str = "L", fields: dict | None = None, **props) -> dict:
    e = {"lead": lead, "at": f"2026-11-09T{at}:00Z", "type": type_, "id": f"{lead}-{at}-{type_}", **props}
    if fields is not None:
        e["fields"] = fields
    return e


def mql(at: str = "09:00", lead: str = "L", **fields) -> dict:
    return ev(at, "state", lead, fields or None, state="mql")


def require_verdicts(text: str, events: list, as_of: str = "2026-11-09T12:00:00Z"):
    result = slacode.loads(text).evaluate(events, as_of=as_of)
    return [v for v in result.verdicts if v.clause == "require"], result.diagnostics


def one(text: str, events: list, as_of: str = "2026-11-09T12:00:00Z"):
    found, _ = require_verdicts(text, events, as_of)
    assert len(found) == 1, [(v.lead, v.cycle, v.status) for v in found]
    return found[0]


GOOD = {"name": "Jo", "email": "jo@x.com", "budget": 500}


# ------------------------------------------------------------------------ verdicts

def test_met_when_fields_present_and_conditions_hold():
    v = one(WHERE, [mql(**GOOD), ev("09:30", "assigned", owner="ana")])
    assert v.status == "met"
    assert v.reason == "Every required field was present and every condition held at the handoff."
    assert v.evidence == ["L-09:00-state", "L-09:30-assigned"]
    assert v.to_dict()["completed_at"] == "2026-11-09T09:30:00+00:00"
    assert set(v.to_dict()) == set(VERDICT_KEYS), "no new output key"


def test_breached_by_a_missing_field_only():
    # budget is missing: `budget > 0` fails too, and says the field is missing
    v = one(WHERE, [mql(name="Jo", email="jo@x.com"), ev("09:30", "assigned", owner="ana")])
    assert v.status == "breached"
    assert v.reason == ("Handed off without `budget`. Not as required at the handoff: "
                        "`budget > 0` (budget is missing).")


def test_breached_by_a_missing_field_with_the_conditions_holding():
    v = one(spec("require name, email", 'require email where email contains "@"'),
            [mql(email="jo@x.com"), ev("09:30", "assigned", owner="ana")])
    assert (v.status, v.reason) == ("breached", "Handed off without `name`.")


def test_breached_by_a_failed_condition_names_it_with_the_value_seen():
    v = one(WHERE, [mql(name="Jo", email="jo.example.com", budget=500), ev("09:30", "assigned", owner="ana")])
    assert v.status == "breached"
    assert v.reason == ('Not as required at the handoff: `email contains "@"` '
                        '(email "jo.example.com" does not contain "@").')


def test_breached_by_both_lists_both():
    v = one(WHERE, [mql(email="jo.example.com", budget=0), ev("09:30", "assigned", owner="ana")])
    assert v.status == "breached"
    assert v.reason == ('Handed off without `name`. Not as required at the handoff: `email contains "@"` '
                        '(email "jo.example.com" does not contain "@"); `budget > 0` (budget is 0).')


def test_fields_set_by_the_stop_event_are_in_place():
    bad_then_fixed = [mql(name="Jo", email="jo.example.com", budget=500),
                      ev("09:30", "assigned", owner="ana", fields={"email": "jo@x.com"})]
    assert one(WHERE, bad_then_fixed).status == "met"
    good_then_broken = [mql(**GOOD), ev("09:30", "assigned", owner="ana", fields={"budget": -5})]
    v = one(WHERE, good_then_broken)
    assert (v.status, v.reason) == ("breached", "Not as required at the handoff: `budget > 0` (budget is -5).")
    # a later event at the same instant is not in place
    later = [mql(**GOOD), ev("09:30", "assigned", owner="ana"), ev("09:30", "update", fields={"budget": 0})]
    assert one(WHERE, later).status == "met"


def test_a_segment_name_stands_for_its_predicate():
    text = spec("require score where hot")
    assert one(text, [mql(score=90), ev("09:30", "assigned", owner="ana")]).status == "met"
    v = one(text, [mql(score=50), ev("09:30", "assigned", owner="ana")])
    assert v.status == "breached"
    assert v.reason == "Not as required at the handoff: `hot` (the lead is not in segment `hot`: score is 50)."


def test_state_is_the_state_at_the_stop():
    # the stop enters the state: it is the lead's state when the condition is judged
    text = spec("require score where hot or state == nurture", stop="enter sal, nurture")
    assert one(text, [mql(score=10), ev("09:30", "state", state="nurture")]).status == "met"
    v = one(text, [mql(score=10), ev("09:30", "state", state="sal")])
    assert v.status == "breached"
    assert v.reason == "Not as required at the handoff: `hot or state == nurture` (score is 10, state is `sal`)."


def test_number_compared_with_text_is_false_and_reported_once_per_place():
    events = [mql(lead=lead, name="Jo", email="jo@x.com", budget="500") for lead in ("A", "B")]
    events += [ev("09:30", "assigned", lead, owner="ana") for lead in ("A", "B")]
    found, diags = require_verdicts(WHERE, events)
    assert [v.status for v in found] == ["breached", "breached"]
    assert found[0].reason == ('Not as required at the handoff: `budget > 0` '
                               '(budget is "500": text, compared with a number).')
    mixed = [d for d in diags if d.code == "SLA602"]
    assert len(mixed) == 1, mixed
    assert (mixed[0].line, mixed[0].column) == (WHERE.splitlines().index(
        '  require email, budget where email contains "@" and budget > 0') + 1, 54)


def test_the_type_note_inside_compound_conditions():
    text = spec('require budget, country where budget > 0 and (hot or budget > 5) and '
                '(budget > 9 or country == "BR") and not (country in [1, 2])')
    v = one(text, [mql(budget="500", score="90", country=3), ev("09:30", "assigned", owner="ana")])
    assert v.reason == (
        'Not as required at the handoff: `budget > 0` (budget is "500": text, compared with a number); '
        '`hot or budget > 5` (score is "90": text, compared with a number, budget is "500": text, compared with a '
        'number); `budget > 9 or country == "BR"` (budget is "500": text, compared with a number, country is 3: a '
        'number, compared with text).')
    # compared with a number and with text in the same condition: no note, the value only
    v = one(spec('require budget where budget > 5 or budget == "x"'),
            [mql(budget="500"), ev("09:30", "assigned", owner="ana")])
    assert v.reason == 'Not as required at the handoff: `budget > 5 or budget == "x"` (budget is "500").'


def test_a_backquoted_name_in_a_condition_is_fenced_with_two_backquotes(tmp_path, capsys):
    text = spec('require `utm-source`, `state` where `state` == "SP" and `utm-source` contains "ads" and state == mql')
    events = [mql(**{"utm-source": "web", "state": "RJ"}), ev("09:30", "assigned", owner="ana")]
    v = one(text, events)
    assert v.reason == ('Not as required at the handoff: `` `state` == "SP" `` (`state` is "RJ"); '
                        '`` `utm-source` contains "ads" `` (`utm-source` "web" does not contain "ads").')
    sla, log = tmp_path / "req.sla", tmp_path / "events.jsonl"
    sla.write_text(text)
    log.write_text("\n".join(json.dumps(e) for e in events) + "\n")
    assert main(["explain", str(sla), str(log), "--lead", "L", "--as-of", "2026-11-09T12:00:00Z"]) == 0
    assert '`` `state` == "SP" `` does not hold (`state` is "RJ")' in capsys.readouterr().out
    assert _changes(text, text.replace('`state` == "SP"', '`state` == "BA"')) == [
        ('the `require` condition `` `state` == "SP" `` became `` `state` == "BA" ``', None)]


def test_several_require_lines_add_up_fields_and_conditions():
    text = spec("require name", "require country where country in [\"BR\", \"AR\"]",
                "require budget where budget >= 100")
    result = slacode.loads(text)
    assert [c.key for c in result.plan.rules[0].clauses] == ["within", "require"]     # one verdict
    v = one(text, [mql(country="US", budget=50), ev("09:30", "assigned", owner="ana")])
    assert v.status == "breached"
    assert v.reason == ('Handed off without `name`. Not as required at the handoff: '
                        '`country in ["BR", "AR"]` (country is "US"); `budget >= 100` (budget is 50).')
    assert one(text, [mql(name="Jo", country="AR", budget=100), ev("09:30", "assigned", owner="ana")]).status == "met"


def test_a_condition_written_twice_is_judged_and_named_once(tmp_path, capsys):
    text = spec('require email where email contains "@"', "require email, budget where budget > 0",
                'require budget where budget > 0 and email contains "@" and budget > 0')
    events = [mql(email="ax.com"), ev("09:30", "assigned", owner="ana")]
    v = one(text, events)
    assert v.reason == ('Handed off without `budget`. Not as required at the handoff: '
                        '`email contains "@"` (email "ax.com" does not contain "@"); `budget > 0` (budget is missing).')
    sla, log = tmp_path / "req.sla", tmp_path / "events.jsonl"
    sla.write_text(text)
    log.write_text("\n".join(json.dumps(e) for e in events) + "\n")
    assert main(["explain", str(sla), str(log), "--lead", "L", "--as-of", "2026-11-09T12:00:00Z"]) == 0
    assert "2 required fields and 2 conditions checked at the stop" in capsys.readouterr().out


def test_cancelled_and_pending_as_without_a_condition():
    plain = spec("require name, email, budget")
    for events in ([mql(**GOOD)],                                              # no stop yet
                   [mql(email="bad"), ev("09:20", "state", state="disqualified")],  # cancelled
                   [mql(email="bad"), ev("09:20", "state", state="disqualified"), mql("10:00")]):
        with_where = require_verdicts(WHERE, events)[0]
        without = require_verdicts(plain, events)[0]
        assert [(v.status, v.completed_at, v.evidence) for v in with_where] == \
               [(v.status, v.completed_at, v.evidence) for v in without]
        assert {v.status for v in with_where} <= {"pending", "cancelled"}
    v = one(WHERE, [mql(**GOOD)])
    assert (v.status, v.reason) == ("pending", "Not handed off yet: the required fields and conditions are "
                                               "checked at the stop.")


def test_each_cycle_is_judged_at_its_own_stop():
    events = [mql(**GOOD), ev("09:30", "assigned", owner="ana"),
              ev("10:00", "state", state="nurture", fields={"email": "lost"}), mql("10:30"),
              ev("11:00", "assigned", owner="bo")]
    found, _ = require_verdicts(WHERE, events)
    assert [(v.cycle, v.status) for v in found] == [(1, "met"), (2, "breached")]


def test_expect_in_a_test_block(tmp_path):
    text = WHERE + '''
test "a work e-mail at handoff" {
  as of 2026-11-09T12:00:00Z
  lead "L1"
  at 2026-11-09T09:00:00Z enter mql set name = "Jo", email = "jo.example.com", budget = 500
  at 2026-11-09T09:20:00Z assigned with owner = "ana"
  expect h.require breached
  expect h met
}
'''
    path = tmp_path / "req.sla"
    path.write_text(text)
    assert main(["test", str(path)]) == 0
    path.write_text(text.replace("expect h.require breached", "expect h.require met"))
    assert main(["test", str(path)]) == 1


def test_a_breach_of_the_require_clause_can_escalate():
    text = WHERE + '''
deadline fix_the_lead {
  owner marketing
  start on breach of h clause require
  stop on update
  within 1h
}
'''
    result = slacode.loads(text).evaluate([mql(name="Jo", email="jo.example.com", budget=5),
                                           ev("09:30", "assigned", owner="ana")], as_of="2026-11-09T12:00:00Z")
    fix = [v for v in result.verdicts if v.rule == "fix_the_lead"]
    assert [(v.status, v.to_dict()["started_at"]) for v in fix] == [("breached", "2026-11-09T09:30:00+00:00")]


# ------------------------------------------------------------------------ the text

def test_fmt_writes_one_canonical_line_and_reads_back_the_same():
    messy = spec("require name", 'require  email ,budget   where (email contains "@") and\n'
                                 '      (budget > 0   or hot)')
    out = slacode.format(messy)
    assert '  require email, budget where email contains "@" and (budget > 0 or hot)\n' in out
    assert slacode.format(out) == out
    assert slacode.loads(out).model_dump() == slacode.loads(messy).model_dump()
    require = slacode.loads(out).rule("h").of("require")
    assert require[0].predicate is None and require[1].predicate.kind == "and"


def test_a_field_list_is_needed_before_where():
    with pytest.raises(slacode.SpecError):
        slacode.loads(spec('require where email contains "@"'))


@pytest.mark.parametrize("line, message, hint", [
    ("require where x > 1", "`require` lists its fields before `where`",
     "list the fields before `where`: `require x where x > 1`"),
    ("require where", "`require` lists its fields before `where`", "list the fields before `where`: `require FIELD where …`"),
    ('require email, where email contains "@"', "`where` after a comma",
     'drop the comma before `where`: `require email where email contains "@"`'),
    ("require email, budget, where", "`where` after a comma", "drop the comma before `where`: `require email, budget where …`"),
    ("require `utm-source`, where `utm-source` exists", "`where` after a comma",
     "drop the comma before `where`: `` require `utm-source` where `utm-source` exists ``"),
])
def test_where_is_not_a_field_after_require_or_a_comma(line, message, hint):
    diags = [d for d in slacode.lint(spec(line)) if d.code.startswith("SLA1")]
    assert [(d.code, d.line, d.column) for d in diags] == [("SLA101", 10, line.index("where") + 3)]
    assert diags[0].message.startswith(message) and diags[0].hint.startswith(hint)
    assert "`` `where` ``" in diags[0].hint


@pytest.mark.parametrize("line, shown", [
    ("require where hot and budget > 0", "require budget where hot and budget > 0"),
    ('require where state == sal and `utm-source` == "x"', 'require `utm-source` where state == sal and'),
    ("require where state != nurture or rejection_reason exists", "require FIELD where state != nurture or"),
    ("require where hot or budget > 0", "require FIELD where hot or budget > 0"),
    ("require where state == sal", "require FIELD where state == sal"),
    ("require where not (budget > 0)", "require FIELD where not (budget > 0)"),
    ("require where budget missing", "require FIELD where budget missing"),
])
def test_the_hint_lists_only_a_plain_field_that_the_condition_needs(line, shown):
    """Review 20b #4: `require state where …` (or a segment's name) lints clean and then
    requires a lead field named `state`; under `or`, `not` or `missing` a listed field would
    be required where the condition does not need it. The hint then shows the form."""
    diag, = [d for d in slacode.lint(spec(line)) if d.code == "SLA101"]
    assert shown in diag.hint, diag.hint
    if "FIELD" in shown:
        assert "required whatever the condition says" in diag.hint
        assert "require state " not in diag.hint and "require hot " not in diag.hint


@pytest.mark.parametrize("line, name", [("require state where state == sal", "state"),
                                        ("require email, hot", "hot")])
def test_a_require_list_naming_state_or_a_segment_is_warned(line, name):
    diag, = [d for d in slacode.lint(spec(line)) if d.code == "SLA351"]
    assert diag.severity == "warning" and f"lead field called `{name}`" in diag.message
    assert f"require `{name}`" in diag.hint and "in the condition" in diag.hint
    # a backquoted name says a field of that name is meant: no warning
    quoted = spec(line.replace(f" {name}", f" `{name}`", 1))
    assert not [d for d in slacode.lint(quoted) if d.code == "SLA351"]


def test_a_required_state_field_is_what_the_verdict_reads():
    """What SLA351 warns about: `require state` breaches a handoff whose lead is in a state."""
    found = one(spec("require state where state == mql"),
                [mql("09:00", email="a@b.c"), ev("09:30", "assigned")])
    assert found.status == "breached"


def test_a_field_named_where_is_backquoted():
    text = spec("require `where`, email where `where` > 1")
    assert not [d for d in slacode.lint(text) if d.severity == "error"]
    require, = slacode.loads(text).rules[0].of("require")
    assert [f.name for f in require.fields] == ["where", "email"]


@pytest.mark.parametrize("line, word", [('require email contains "@"', "contains"),
                                        ("require name, budget > 0", ">"),
                                        ("require `utm-source` in [\"ads\"]", "in")])
def test_a_condition_without_where_is_a_syntax_error_with_a_hint(line, word):
    diag, = [d for d in slacode.lint(spec(line)) if d.code.startswith("SLA1")]
    assert diag.code == "SLA101" and diag.line == 10
    assert diag.hint.startswith("a condition on required fields comes after `where`: `")
    assert " where " in diag.hint and f" {word} …" in diag.hint


@pytest.mark.parametrize("line, hint", [
    ("require email and budget", "list fields with commas: `require email, budget`"),
    ("require email and budget and phone", "list fields with commas: `require email, budget, phone`"),
    ("require name, email and budget > 0",
     "list fields with commas, and put a condition after `where`: `require name, email, budget where budget > …`"),
    ("require email or phone", '`require` has no "one of": every field it lists must be present; for either of '
                               "two, write `require … where email exists or phone exists`"),
    ("require email, budget > 0", "a condition on required fields comes after `where`: "
                                  "`require email, budget where budget > …`"),
    ('require email == "x"', "a condition on required fields comes after `where`: `require email where email == …`"),
    ("require email and `utm-source`", "list fields with commas: `` require email, `utm-source` ``"),
])
def test_hints_for_near_misses_of_a_require_line(line, hint):
    diag, = [d for d in slacode.lint(spec(line)) if d.code.startswith("SLA1")]
    assert diag.code == "SLA101" and diag.hint.startswith(hint), diag.hint


@pytest.mark.parametrize("line, found", [('require email == "x"', "`==`"), ('require email <= 3', "`<=`"),
                                         ('require email = "x"', "`=`")])
def test_the_error_names_a_comparison_as_written(line, found):
    """A comparison where none can stand is lexed one `=` at a time; the message names
    what the line says (`==`, not `=`)."""
    diag, = [d for d in slacode.lint(spec(line)) if d.code.startswith("SLA1")]
    assert diag.message.endswith(f"found {found}"), diag.message


def _changes(old: str, new: str) -> list:
    return [(c.message, c.direction) for c in semantic_diff(slacode.loads(old), slacode.loads(new)) if c.semantic]


def test_diff_names_added_removed_and_changed_conditions():
    base = spec("require email, budget where budget > 0")
    assert _changes(base, spec('require email, budget where budget > 0 and email contains "@"')) == [
        ('now requires the condition `email contains "@"` at the handoff', "tightened")]
    assert _changes(spec('require email, budget where budget > 0 and email contains "@"'), base) == [
        ('no longer requires the condition `email contains "@"` at the handoff', "loosened")]
    assert _changes(base, spec("require email, budget where budget >= 100")) == [
        ("the `require` condition `budget > 0` became `budget >= 100` (tightened)", "tightened")]
    assert _changes(base, spec("require email, budget where budget > -10")) == [
        ("the `require` condition `budget > 0` became `budget > -10` (loosened)", "loosened")]
    # the same conditions on other lines, or in another order, mean the same
    assert _changes(spec("require email where email exists and budget > 0"),
                    spec("require email", "require email where budget > 0", "require email where email exists")) == []


@pytest.mark.parametrize("old, new", [
    ("require a where a > 0", "require a where a > 0 and a > -5"),            # implied by `a > 0`
    ("require a where a > 0 and a > 10", "require a where a > 5 and a > 10"),   # `a > 10` rules both
    ("require a where not (a > 0 or b > 0)", "require a where not (a > 0) and not (b > 0)"),   # De Morgan
    ("require a where a > 0", "require a where a > 0 and a exists"),
    ("require a", "require a where a exists"),                                  # a listed field exists
])
def test_diff_compares_the_requirement_as_a_whole(old, new, tmp_path, capsys):
    assert _changes(spec(old), spec(new)) == []
    assert _changes(spec(new), spec(old)) == []
    a, b = tmp_path / "a.sla", tmp_path / "b.sla"
    a.write_text(spec(old))
    b.write_text(spec(new))
    assert main(["diff", str(a), str(b)]) == 0
    assert "written differently, same meaning" in capsys.readouterr().out


def test_diff_names_only_what_the_other_conditions_do_not_ensure():
    # `a > 0` → `a > 5` is no change while `a > 10` stays; dropping `b > 0` is
    assert _changes(spec("require a where a > 0 and a > 10 and b > 0"), spec("require a where a > 5 and a > 10")) == [
        ("no longer requires the condition `b > 0` at the handoff", "loosened")]
    # a condition the new one makes redundant is not named as removed
    assert _changes(spec("require a where a > 0"), spec("require a where a > 10 and a > 5")) == [
        ("the `require` condition `a > 0` became `a > 10` (tightened)", "tightened")]
    # one way tighter, the other looser: each named with its own direction
    assert _changes(spec("require a where a > 0 and b > 0 and c > 0"), spec("require a where a > 1 and b > 0")) == [
        ("the `require` condition `a > 0` became `a > 1` (tightened)", "tightened"),
        ("no longer requires the condition `c > 0` at the handoff", "loosened")]


def test_diff_a_condition_through_a_changed_segment():
    old = spec("require score where hot")
    new = old.replace("segment hot = score >= 80", "segment hot = score >= 70")
    assert ("the `require` condition `hot` now holds for more leads: `hot` widened (its own text is unchanged)",
            "loosened") in _changes(old, new)


def test_diff_command_line(tmp_path, capsys):
    a, b = tmp_path / "a.sla", tmp_path / "b.sla"
    a.write_text(spec("require email, budget where budget > 0"))
    b.write_text(spec("require email, budget where budget >= 100"))
    assert main(["diff", str(a), str(b), "--format", "json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    change, = [c for c in doc["changes"] if c["area"] == "handoff"]
    assert (change["before"], change["after"], change["direction"]) == ("budget > 0", "budget >= 100", "tightened")


def test_explain_shows_the_conditions_at_the_stop(tmp_path, capsys):
    sla, events = tmp_path / "req.sla", tmp_path / "events.jsonl"
    sla.write_text(WHERE)
    events.write_text("\n".join(json.dumps(e) for e in [
        mql(name="Jo", email="jo.example.com", budget=500), ev("09:30", "assigned", owner="ana")]) + "\n")
    assert main(["explain", str(sla), str(events), "--lead", "L", "--as-of", "2026-11-09T12:00:00Z"]) == 0
    out = capsys.readouterr().out
    assert ('    h: require breached: 3 required fields and 2 conditions checked at the stop; '
            '`email contains "@"` does not hold (email "jo.example.com" does not contain "@")') in out
    assert 'h.require cycle 1: BREACHED. Not as required at the handoff: `email contains "@"`' in out


# ------------------------------------------------------------------------ lint

def _codes(text: str) -> list[tuple[str, int]]:
    return [(d.code, d.line) for d in slacode.lint(text)]


def test_lint_treats_the_condition_as_a_lead_predicate():
    assert _codes(WHERE) == [("SLA217", 2)]                 # `hot` is not used there
    # a segment used only in a condition is used; an undeclared one is an error
    assert _codes(spec("require score where hot")) == []
    assert ("SLA209", 10) in _codes(spec("require score where warm"))
    # `assignee` is the rep only in a `where` of an event: here it is an error (SLA214)
    assert ("SLA214", 10) in _codes(spec("require owner_id where owner_id == assignee"))
    # a field named like the rep is the lead's field (SLA338); a quoted number is text (SLA327)
    assert ("SLA338", 10) in _codes(spec('require assignee where assignee == "ana"'))
    assert ("SLA327", 10) in _codes(spec('require budget where budget > "100"'))
    # an undeclared state in the condition
    states = "states { mql; sal; disqualified final }\n"
    assert ("SLA207", 11) in _codes(spec("require score where state == sql", extra=states))


def test_a_condition_field_is_a_lead_field_for_where_checks():
    text = spec('require email where country == "BR"').replace("start on enter mql",
                                                                'start on enter mql\n  stop on call where country == "BR"')
    assert "SLA326" in [c for c, _ in _codes(text)]


def test_test_values_of_the_other_type_than_a_condition_compares():
    text = spec("require budget where budget > 0") + '''
test "budget as text" {
  as of 2026-11-09T12:00:00Z
  at 2026-11-09T09:00:00Z enter mql set budget = "500"
  at 2026-11-09T09:10:00Z assigned
  expect h.require breached
}
'''
    assert "SLA337" in [c for c, _ in _codes(text)]


def test_constant_conditions_are_reported():
    assert ("SLA350", 10) in _codes(spec("require budget where budget > 10 and budget < 5"))
    assert ("SLA350", 10) in _codes(spec("require budget where budget > 0 and true"))
    assert ("SLA350", 11) in _codes(spec("require budget where budget > 10", "require budget where budget < 5"))


@pytest.mark.parametrize("lines", [("require a where a missing",), ("require a where not (a exists)",),
                                   ('require a where a == ""',), ("require a", "require b where a missing")])
def test_a_condition_against_the_listed_fields_is_reported(lines):
    diag, = [d for d in slacode.lint(spec(*lines)) if d.code == "SLA350"]
    assert diag.line == 9 + len(lines)
    assert "never holds with the fields `require` lists: `a` must be present and not empty" in diag.message


@pytest.mark.parametrize("line, message", [
    ("require a where a exists or a missing", "always holds: it checks nothing"),
    ("require a where a > 5 or not (a > 5)", "always holds: it checks nothing"),
    ("require a where b > 0 and a exists", "always holds once the fields `require` lists are present"),
])
def test_a_condition_that_always_holds_is_reported(line, message):
    diag, = [d for d in slacode.lint(spec(line)) if d.code == "SLA350"]
    assert message in diag.message


@pytest.mark.parametrize("line", ["require a where a > 5 or a <= 5", "require a where a != 1 or a == 1",
                                  'require a where a != ""', 'require a where a in ["", "x"]',
                                  "require a where b exists", "require a where a missing or b > 1",
                                  "require a where a in [1, 2] or a not in [1, 2]"])
def test_conditions_that_can_go_either_way_are_not_reported(line):
    assert "SLA350" not in [c for c, _ in _codes(spec(line))]


def test_require_where_outside_a_handoff_is_misplaced():
    text = spec("require email where email exists").replace("handoff h", "deadline h")
    assert ("SLA306", 10) in _codes(text)


# ------------------------------------------------------------------ the property

FIELDS = ("email", "budget", "score", "country")
REQUIRED = ("email", "budget")
TEXTS = ("", " ", "a@b", "jo.example.com", "BR", "US", "@", "100")

values = st.one_of(st.none(), st.booleans(), st.integers(-5, 120),
                   st.floats(-5, 120, allow_nan=False, allow_infinity=False), st.sampled_from(TEXTS))
constants = st.one_of(st.integers(-5, 120), st.sampled_from(TEXTS))


def _num(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _eq(a, b):
    """§9 equality: None where a number meets a string."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if _num(a) and _num(b):
        return a == b
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    if (_num(a) and isinstance(b, str)) or (isinstance(a, str) and _num(b)):
        return None
    return False


def _order(a, b, op):
    if isinstance(a, bool) or isinstance(b, bool):
        return False
    if (_num(a) and _num(b)) or (isinstance(a, str) and isinstance(b, str)):
        return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]
    return False


def reference(p, fields: dict, state) -> bool:
    """A tiny evaluator of the predicates :func:`preds` draws, from §9 alone."""
    kind = p[0]
    if kind == "and":
        return reference(p[1], fields, state) and reference(p[2], fields, state)
    if kind == "or":
        return reference(p[1], fields, state) or reference(p[2], fields, state)
    if kind == "not":
        return not reference(p[1], fields, state)
    if kind == "hot":
        return fields.get("score") is not None and _order(fields["score"], 80, ">=")
    if kind == "state":
        return state is not None and state == p[1]
    f = fields.get(p[1])
    if kind == "exists":
        return f is not None
    if kind == "missing":
        return f is None
    if f is None:
        return False
    if kind == "contains":
        return isinstance(f, str) and p[2] in f
    if kind == "in":
        return any(_eq(f, c) is True for c in p[2])
    if kind == "not in":
        results = [_eq(f, c) for c in p[2]]
        return None not in results and True not in results
    op, c = p[2], p[3]
    if op in ("==", "!="):
        r = _eq(f, c)
        return False if r is None else (r if op == "==" else not r)
    return _order(f, c, op)


def text_of(p) -> str:
    kind = p[0]
    if kind in ("and", "or"):
        return f"({text_of(p[1])}) {kind} ({text_of(p[2])})"
    if kind == "not":
        return f"not ({text_of(p[1])})"
    if kind == "hot":
        return "hot"
    if kind == "state":
        return f"state == {p[1]}"
    if kind in ("exists", "missing"):
        return f"{p[1]} {kind}"
    if kind == "contains":
        return f"{p[1]} contains {json.dumps(p[2])}"
    if kind in ("in", "not in"):
        return f"{p[1]} {kind} [{', '.join(json.dumps(c) for c in p[2])}]"
    return f"{p[1]} {p[2]} {json.dumps(p[3])}"


fields_ = st.sampled_from(FIELDS)
atoms = st.one_of(
    st.tuples(st.just("cmp"), fields_, st.sampled_from(["==", "!=", "<", "<=", ">", ">="]), constants),
    st.tuples(st.sampled_from(["in", "not in"]), fields_, st.lists(constants, min_size=1, max_size=3)),
    st.tuples(st.sampled_from(["exists", "missing"]), fields_),
    st.tuples(st.just("contains"), fields_, st.sampled_from(["@", "BR", "."])),
    st.just(("hot",)),
    st.tuples(st.just("state"), st.sampled_from(["sal", "nurture"])),
)
preds = st.recursive(atoms, lambda inner: st.one_of(
    st.tuples(st.sampled_from(["and", "or"]), inner, inner), st.tuples(st.just("not"), inner)), max_leaves=5)


def _present(v) -> bool:
    return v is not None and not (isinstance(v, str) and not v.strip())


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pred=preds, before=st.fixed_dictionaries({f: values for f in FIELDS}), at_stop=st.dictionaries(fields_, values),
       into=st.sampled_from(["sal", "nurture"]))
def test_met_iff_fields_present_and_the_predicate_holds(pred, before, at_stop, into):
    text = spec("require " + ", ".join(REQUIRED) + " where " + text_of(pred), stop="enter sal, nurture")
    agreement = slacode.loads(text)
    events = [mql(**{k: v for k, v in before.items() if v is not None}),
              ev("09:30", "state", fields=at_stop, state=into)]
    v, = [v for v in agreement.evaluate(events, as_of="2026-11-09T12:00:00Z").verdicts if v.clause == "require"]
    fields = {k: v for k, v in before.items() if v is not None}
    for k, x in at_stop.items():                    # the stop event's fields (null clears)
        if x is None:
            fields.pop(k, None)
        else:
            fields[k] = x
    present = all(_present(fields.get(f)) for f in REQUIRED)
    holds = reference(pred, fields, into)
    assert v.status == ("met" if present and holds else "breached"), (text_of(pred), fields, into, v.reason)
    if not present:
        assert v.reason.startswith("Handed off without ")
    if not holds:
        assert "Not as required at the handoff: `" in v.reason
    if present and not holds:
        assert not v.reason.startswith("Handed off without")


def test_the_reference_is_not_trivial():
    # the reference agrees with §9 on the corner cases the property leans on
    assert reference(("cmp", "budget", "!=", 5), {"budget": "5"}, None) is False       # number vs text
    assert reference(("cmp", "budget", "!=", 5), {"budget": True}, None) is True       # a boolean is no number
    assert reference(("not in", "budget", [1, "x"]), {"budget": 2}, None) is False     # a mixed list
    assert reference(("not", ("cmp", "budget", ">", 0)), {}, None) is True             # `not` after missing
