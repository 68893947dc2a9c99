"""`FIELD == assignee` / `FIELD != assignee` in a `where` (an extension): the field against
the lead's assignee just before the event, both as text. Worked out by hand."""
from __future__ import annotations

import slacode

HEAD = 'agreement "x" { version "1"; timezone "UTC"; teams sales }\n'


def ev(at: str, type_: str, **props) -> dict:
    return {"lead": "L", "at": f"2026-11-02T{at}:00Z", "type": type_, **props}


def statuses(text: str, events: list[dict], as_of: str = "2026-11-02T18:00:00Z") -> list[tuple]:
    result = slacode.loads(text).evaluate(events, as_of=as_of)
    return [(v.rule, v.cycle, v.status, v.assignee) for v in result.verdicts]


TOUCH = HEAD + """deadline first_touch {
  owner sales
  start on assigned
  restart on assigned where owner != assignee
  stop on call
  within 1h
}
"""


def test_a_restart_only_when_the_owner_changes():
    events = [ev("09:00", "assigned", owner="ana"),
              ev("09:50", "assigned", owner="ana"),       # the router says it again: no new hour
              ev("10:30", "call"),                        # late for the hour from 09:00
              ev("11:00", "assigned", owner="bruno"),     # a new rep: a new hour
              ev("11:40", "call")]
    assert statuses(TOUCH, events) == [("first_touch", 1, "breached", "ana"), ("first_touch", 2, "met", "bruno")]
    # without the `where`, the re-assertion hid the miss: a fresh hour from 09:50
    plain = TOUCH.replace(" where owner != assignee", "")
    assert statuses(plain, events)[:2] == [("first_touch", 1, "cancelled", "ana"), ("first_touch", 2, "met", "ana")]


def test_a_stop_only_by_the_rep_who_holds_the_lead():
    text = HEAD + """deadline first_touch {
  owner sales
  start on assigned
  stop on call where rep == assignee
  within 1h
}
"""
    events = [ev("09:00", "assigned", owner="ana"),
              ev("09:20", "call", rep="bruno"),           # not the assignee: the clock runs on
              ev("09:50", "call", rep="ana")]
    assert statuses(text, events) == [("first_touch", 1, "met", "ana")]
    late = [events[0], events[1], ev("10:10", "call", rep="ana")]
    assert statuses(text, late) == [("first_touch", 1, "breached", "ana")]
    # a CSV rep id read as a number is the assignee's text
    numbers = [ev("09:00", "assigned", owner=1234), ev("09:20", "call", rep=1234)]
    assert statuses(text, numbers) == [("first_touch", 1, "met", "1234")]


def test_no_assignee_or_no_field_makes_either_comparison_false():
    text = HEAD + """deadline d {
  owner sales
  start on enter mql
  stop on call where rep == assignee or note == "eq"
  stop on call where rep != assignee or note == "ne"
  within 1h
}
"""
    events = [ev("09:00", "state", state="mql"), ev("09:10", "call", rep="ana")]   # nobody holds it yet
    assert statuses(text, events, "2026-11-02T09:30:00Z") == [("d", 1, "pending", None)]     # not stopped
    held = [ev("08:00", "assigned", owner="ana"), ev("09:00", "state", state="mql"), ev("09:10", "call")]
    assert statuses(text, held, "2026-11-02T09:30:00Z") == [("d", 1, "pending", "ana")]      # no `rep` on it
    stopped = held[:2] + [ev("09:10", "call", rep="bruno")]
    assert statuses(text, stopped, "2026-11-02T09:30:00Z") == [("d", 1, "met", "ana")]       # `!=` stops


def test_attempts_counted_only_when_the_assignee_makes_them():
    text = HEAD + """attempts follow_up {
  owner sales
  start on assigned
  stop on enter sql
  count contact_attempt where rep == assignee
  at least 2 within 4h
  first where channel == "phone"
}
"""
    events = [ev("09:00", "assigned", owner="ana"),
              ev("09:10", "contact_attempt", rep="bruno", channel="email", id="b1"),
              ev("09:20", "contact_attempt", rep="ana", channel="phone", id="a1"),
              ev("10:00", "contact_attempt", rep="ana", channel="email", id="a2")]
    result = slacode.loads(text).evaluate(events, as_of="2026-11-02T18:00:00Z")
    got = {v.clause: (v.status, v.evidence) for v in result.verdicts}
    assert got["at_least_within"][0] == "met" and got["first"] == ("met", ["a1"])


def test_the_assignee_is_the_one_just_before_the_event():
    """An `assigned` event compares its owner with the rep who held the lead before it."""
    text = HEAD + """deadline handover {
  owner sales
  start on assigned where owner != assignee
  stop on call
  within 1h
}
"""
    events = [ev("09:00", "assigned", owner="ana"),       # none before: `!=` is false (§9)
              ev("09:30", "assigned", owner="bruno"),     # ana before: a handover
              ev("10:00", "assigned", owner="bruno")]     # bruno again: nothing
    assert statuses(text, events) == [("handover", 1, "breached", "bruno")]


def test_lint_fmt_and_where_it_may_stand():
    assert [d.code for d in slacode.lint(TOUCH)] == []
    assert "restart on assigned where owner != assignee" in slacode.format(TOUCH)
    misplaced = HEAD + """segment mine = rep == assignee
deadline d {
  owner sales
  start on assigned
  stop on call where rep > assignee
  within 1h for mine
  within 2h
}
"""
    found = [(d.code, d.line, d.message.split(":")[0]) for d in slacode.lint(misplaced) if d.code == "SLA214"]
    assert found == [("SLA214", 2, "`assignee` (the lead's rep) can be compared only in a `where` (of a trigger, "
                                   "a `count` or `first`)"),
                     ("SLA214", 6, "`assignee` (the lead's rep) is compared only with `==` or `!=`, not in `>`")]
    listed = TOUCH.replace("where owner != assignee", 'where owner in [assignee, "x"]')
    assert [d.message for d in slacode.lint(listed) if d.code == "SLA214"] == [
        "`assignee` (the lead's rep) cannot stand in a list"]


def test_first_where_reads_the_assignee_just_before_the_first_attempt():
    """review 14-c: `first where` was judged with the lead's last assignee."""
    text = HEAD + """attempts touch {
  owner sales
  start on enter mql
  stop on enter sql
  first where rep == assignee
}
"""
    events = [ev("09:00", "state", state="mql"), ev("09:10", "assigned", owner="ana"),
              ev("09:20", "contact_attempt", rep="ana"), ev("09:30", "assigned", owner="bo")]
    result = slacode.loads(text).evaluate(events, as_of="2026-11-02T18:00:00Z")
    assert [(v.clause, v.status) for v in result.verdicts] == [("first", "met")]
    # made while nobody held the lead, then given to that rep: not by the assignee
    early = [events[0], ev("09:05", "contact_attempt", rep="ana"), events[1]]
    result = slacode.loads(text).evaluate(early, as_of="2026-11-02T18:00:00Z")
    assert [(v.clause, v.status) for v in result.verdicts] == [("first", "breached")]


def test_an_empty_owner_is_nobody_in_a_comparison_with_the_assignee():
    """review 14-c: `owner ""` unassigns (SLA606), so it is no rep to compare with."""
    events = [ev("09:00", "assigned", owner="ana"), ev("09:10", "assigned", owner=""),
              ev("09:20", "assigned", owner="bo"), ev("09:40", "call")]
    # "" -> bo is not a change of hands between two reps: no restart; ana -> "" neither
    assert statuses(TOUCH, events) == [("first_touch", 1, "met", "bo")]
    text = HEAD + """deadline d {
  owner sales
  start on assigned
  stop on call where rep == assignee
  within 1h
}
"""
    nobody = [ev("09:00", "assigned", owner=""), ev("09:10", "call", rep="")]
    assert statuses(text, nobody, "2026-11-02T09:30:00Z") == [("d", 1, "pending", "")]       # not stopped


def test_lint_and_diff_tell_the_assignee_from_the_word():
    """review 14-c: the bare name and the text "assignee" had one normal form, so lint said a
    trigger never takes effect and diff called a change of meaning a restatement."""
    shadowed = HEAD + """deadline d {
  owner sales
  start on assigned
  stop on call where rep == "assignee"
  cancel on call where rep == assignee
  within 1h
}
"""
    assert "SLA333" not in [d.code for d in slacode.lint(shadowed)]
    same = shadowed.replace('rep == "assignee"', "rep == assignee")
    assert "SLA333" in [d.code for d in slacode.lint(same)]         # the same trigger twice: shadowed
    from slacode.diff import semantic_diff

    old, new = slacode.loads(TOUCH), slacode.loads(TOUCH.replace("owner != assignee", 'owner != "assignee"'))
    kinds = {c.kind for c in semantic_diff(old, new)}
    assert "changed" in kinds and "restated" not in kinds


def test_explain_judges_a_stop_with_the_assignee_before_the_event():
    """The 'stop before the start' note of explain read the assignee the event itself set."""
    from slacode.evaluate import as_of_us
    from slacode.events import records_from_objects
    from slacode.explain import timeline

    text = HEAD + """deadline handover {
  owner sales
  start on enter mql
  stop on assigned where owner != assignee
  within 1h
}
"""
    records = records_from_objects([ev("09:00", "assigned", owner="ana"), ev("09:10", "assigned", owner="bo"),
                                    ev("09:20", "state", state="mql")], diagnostics=[])
    lines = timeline(slacode.loads(text).plan, "L", records, as_of_us("2026-11-02T10:00:00Z"))
    notes = [i for i, line in enumerate(lines) if "a stop before the start counts for nothing" in line]
    assert len(notes) == 1 and "owner=\"bo\"" in lines[notes[0] - 1], lines     # ana -> bo, not ana itself
