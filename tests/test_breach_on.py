"""`breach on TRIGGER` and `breach when P` (extension, docs/extensions.md "Breach on an event
or a condition"): in `handoff` and `deadline` rules, an event closes the open cycle as
breached — judged after the stop (`stop on`, then `stop when`) and before the cancel and
the restart (`breach on`, then `breach when`), and once more on a cycle the event opened.

Every expected value was worked out by hand. The zone is UTC; `biz` is open Monday–Friday
09:00–17:00 (closed 2026-11-04); 2026-11-02 is a Monday.
"""
from __future__ import annotations

import json
from datetime import timedelta

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import slacode
from tests.test_evaluate import E, inst, pick, run, spec, when

ACCEPT = '''
deadline accepted {
  owner sales
  start on enter mql
  stop on enter sal
  breach on enter disqualified or rejected where reason != "duplicate"
  breach when sal_status == "Rejected"
  cancel on rejected
  within 4h on biz
}
'''


def _one(body: str, events: list, as_of: str = "2026-11-03 00:00", rule: str = "d", clause: str = "within",
         cycle: int = 1) -> dict:
    return pick(run(body, events, as_of), events[0]["lead"], rule, clause, cycle)


class TestVerdict:
    def test_a_breach_before_the_deadline(self):
        v = _one(ACCEPT, [E("A", "2026-11-02 09:00", "state", "a1", state="mql"),
                          E("A", "2026-11-02 10:30", "state", "a2", state="disqualified")], rule="accepted")
        assert v["status"] == "breached"
        assert when(v, "due_at") == inst("2026-11-02 13:00")        # its deadline as usual
        assert v["completed_at"] is None                             # nothing was completed
        assert v["elapsed_seconds"] == 5400                          # to the close
        assert v["evidence"] == ["a1", "a2"]
        assert v["reason"] == ("Breached at 2026-11-02 10:30 +00:00 by `breach on enter disqualified` (event a2), "
                               "before the deadline 2026-11-02 13:00 +00:00.")

    def test_the_reason_names_the_trigger_that_matched(self):
        v = _one(ACCEPT, [E("A", "2026-11-02 09:00", "state", "a1", state="mql"),
                          E("A", "2026-11-02 10:00", "rejected", "a2", reason="not icp")], rule="accepted")
        assert v["status"] == "breached"
        assert 'by `breach on rejected where reason != "duplicate"` (event a2)' in v["reason"]

    def test_breach_when_reads_the_fields_the_event_itself_sets(self):
        v = _one(ACCEPT, [E("A", "2026-11-02 09:00", "state", "a1", state="mql"),
                          E("A", "2026-11-02 11:00", "update", "a2", fields={"sal_status": "Rejected"})],
                 rule="accepted")
        assert (v["status"], v["completed_at"], v["elapsed_seconds"]) == ("breached", None, 7200)
        assert v["reason"].startswith('Breached at 2026-11-02 11:00 +00:00 by `breach when sal_status == "Rejected"` '
                                      "(held after event a2), before the deadline")

    def test_an_event_property_is_not_a_field(self):
        v = _one(ACCEPT, [E("A", "2026-11-02 09:00", "state", "a1", state="mql"),
                          E("A", "2026-11-02 10:00", "update", "a2", sal_status="Rejected")], rule="accepted")
        assert v["status"] == "breached" and "Not done" in v["reason"]    # the deadline, not the event

    def test_a_breach_after_the_deadline_says_both(self):
        v = _one(ACCEPT, [E("A", "2026-11-02 09:00", "state", "a1", state="mql"),
                          E("A", "2026-11-02 15:00", "state", "a2", state="disqualified")], rule="accepted")
        assert (v["status"], v["completed_at"], v["elapsed_seconds"]) == ("breached", None, 21600)
        assert v["reason"] == ("The deadline 2026-11-02 13:00 +00:00 passed first (target 4h of working time); "
                               "the cycle was then breached at 2026-11-02 15:00 +00:00 by `breach on enter "
                               "disqualified` (event a2), 2h of working time after it.")
        assert v["evidence"] == ["a1", "a2"]

    def test_a_breach_at_the_deadline_is_the_events(self):
        v = _one(ACCEPT, [E("A", "2026-11-02 09:00", "state", "a1", state="mql"),
                          E("A", "2026-11-02 13:00", "state", "a2", state="disqualified")], rule="accepted")
        assert v["reason"].endswith("at the deadline 2026-11-02 13:00 +00:00.")

    def test_breach_when_already_true_at_the_start_breaches_the_new_cycle_at_once(self):
        v = _one(ACCEPT, [E("A", "2026-11-02 08:00", "update", "a0", fields={"sal_status": "Rejected"}),
                          E("A", "2026-11-02 09:00", "state", "a1", state="mql")], rule="accepted")
        assert (v["status"], v["completed_at"], v["elapsed_seconds"], v["evidence"]) == ("breached", None, 0, ["a1"])
        assert when(v, "started_at") == inst("2026-11-02 09:00")
        assert "(already held after event a1, which opened the cycle)" in v["reason"]

    def test_a_pause_ends_at_the_close(self):
        body = ACCEPT.replace("  within 4h on biz", "  pause while state == on_hold\n  within 4h on biz")
        v = _one(body, [E("A", "2026-11-02 09:00", "state", "a1", state="mql"),
                        E("A", "2026-11-02 10:00", "state", "a2", state="on_hold"),
                        E("A", "2026-11-02 12:00", "rejected", "a3", reason="spam")], "2026-11-05 00:00",
                 rule="accepted")
        assert (v["status"], v["elapsed_seconds"]) == ("breached", 3600)
        assert when(v, "due_at") == inst("2026-11-02 15:00")         # 1h, paused 10:00-12:00, then 3h


HANDOFF = '''
handoff h {
  owner marketing
  start on enter mql
  stop on accepted
  breach on enter disqualified
  within 4h on biz
  require company
}
'''


def test_a_handoff_closed_by_a_breach_had_no_handoff_so_require_is_cancelled():
    events = [E("A", "2026-11-02 09:00", "state", "a1", state="mql", fields={"company": "Acme"}),
              E("A", "2026-11-02 10:00", "state", "a2", state="disqualified")]
    r = run(HANDOFF, events, "2026-11-03 00:00")
    assert pick(r, "A", "h")["status"] == "breached"
    req = pick(r, "A", "h", "require")
    assert (req["status"], req["completed_at"], req["evidence"]) == ("cancelled", None, ["a1", "a2"])
    assert req["reason"] == ("No handoff: the cycle was breached at 2026-11-02 10:00 +00:00 by `breach on enter "
                             "disqualified` (event a2), so the required fields were not checked.")


# ------------------------------------------------------------------- precedence (a table)

BODY = '''
deadline d {
  owner sales
  start on assigned
  stop on call
  stop when done == true
  breach on lost or call where outcome == "rude"
  breach when rejected == true
  cancel on lost or withdrawn
  cancel when gone == true
  restart on requeued
  within 4h
}
'''


@pytest.mark.parametrize("second, closes, cycles", [
    # a stop wins over a breach: `call` matches `stop on` first
    (E("L", "2026-11-02 10:00", "call", "e1", outcome="rude"), "met", 1),
    # `stop when` wins over `breach on`
    (E("L", "2026-11-02 10:00", "lost", "e1", fields={"done": True}), "met", 1),
    # `breach on` wins over `cancel on` (both match `lost`)
    (E("L", "2026-11-02 10:00", "lost", "e1"), "breached", 1),
    # `breach when` wins over `cancel on` and `cancel when`
    (E("L", "2026-11-02 10:00", "withdrawn", "e1", fields={"rejected": True, "gone": True}), "breached", 1),
    # `breach when` wins over `restart on`: no new cycle is opened by that restart
    (E("L", "2026-11-02 10:00", "requeued", "e1", fields={"rejected": True}), "breached", 1),
    # a breach does not stop the start: an `assigned` that breaches opens the next cycle
    (E("L", "2026-11-02 10:00", "assigned", "e1", owner="r2", fields={"rejected": True}), "breached", 2),
    # the others as before
    (E("L", "2026-11-02 10:00", "withdrawn", "e1"), "cancelled", 1),
    (E("L", "2026-11-02 10:00", "update", "e1", fields={"gone": True}), "cancelled", 1),
    (E("L", "2026-11-02 10:00", "requeued", "e1"), "cancelled", 2),
])
def test_precedence_within_one_event(second, closes, cycles):
    events = [E("L", "2026-11-02 09:00", "assigned", "e0", owner="r"), second]
    r = run(BODY, events, "2026-11-02 11:00")
    first = pick(r, "L", "d")
    assert first["status"] == closes
    assert when(first, "completed_at") == (inst("2026-11-02 10:00") if closes == "met" else None)
    got = [v for v in r.verdicts if v.rule == "d"]
    assert len(got) == cycles
    if cycles == 2:
        second_cycle = pick(r, "L", "d", cycle=2)
        # the next cycle opened by the same event: `breach when` still holds, so it is
        # breached at once; a restart's new cycle is open
        assert second_cycle["status"] == ("breached" if closes == "breached" else "pending")


def _reference(events):
    """The precedence written directly: ``(start, close, kind)`` per cycle. Fields apply
    first; an open cycle is stopped (`stop on`, then `stop when`), else breached (`breach
    on`, then `breach when`), else cancelled (`cancel on`, then `cancel when`), else
    restarted; then a start opens a cycle if none is open; a cycle the event opened (a
    start or a restart) is judged once more on the three predicates."""
    fields, cycles, open_ = {}, [], None

    def whens(at):
        for key, kind in (("done", "stop"), ("rejected", "breach"), ("gone", "cancel")):
            if fields.get(key) is True:
                cycles.append((open_, at, kind))
                return None
        return open_

    for e in events:
        fields.update(e.get("fields", {}))
        t, at = e["type"], e["at"]
        new = False
        if open_ is not None:
            if t == "call":
                kind = "stop"
            elif fields.get("done") is True:
                kind = "stop"
            elif t == "lost" or (t == "call" and e.get("outcome") == "rude"):
                kind = "breach"
            elif fields.get("rejected") is True:
                kind = "breach"
            elif t in ("lost", "withdrawn") or fields.get("gone") is True:
                kind = "cancel"
            elif t == "requeued":
                kind = "restart"
            else:
                kind = None
            if kind is not None:
                cycles.append((open_, at, kind))
                open_ = None
                if kind == "restart":
                    open_, new = at, True
        if open_ is None and t == "assigned":
            open_, new = at, True
        if new:
            open_ = whens(at)
    if open_ is not None:
        cycles.append((open_, None, None))
    return cycles


_KINDS = st.sampled_from(["assigned", "call", "lost", "withdrawn", "requeued", "update", "note"])
_FIELDS = st.fixed_dictionaries({}, optional={"done": st.booleans(), "rejected": st.booleans(),
                                              "gone": st.booleans()})


@settings(max_examples=120, deadline=None)
@example([("assigned", {}, ""), ("lost", {"done": True}, "")])
@example([("assigned", {"rejected": True}, ""), ("requeued", {"rejected": False}, "")])
@example([("assigned", {}, "")] * 30 + [("lost", {}, "")])                 # breached after the deadline
@given(st.lists(st.tuples(_KINDS, _FIELDS, st.sampled_from(["", "rude"])), max_size=14))
def test_cycles_match_a_direct_reading_of_the_precedence(steps):
    events = []
    for i, (kind, fields, outcome) in enumerate(steps):
        e = E("L", f"2026-11-02 {9 + i // 6:02d}:{i % 6 * 10:02d}", kind, f"e{i}")
        if kind == "assigned":
            e["owner"] = "r"
        if kind == "call" and outcome:
            e["outcome"] = outcome
        if fields:
            e["fields"] = fields
        events.append(e)
    r = run(BODY, events, "2026-11-02 23:00")
    got = [v.to_dict() for v in r.verdicts]
    want = _reference(events)
    assert len(got) == len(want)
    for v, (start, close, kind) in zip(got, want):
        assert when(v, "started_at") == inst(start[:16].replace("T", " "))
        late = close is not None and inst(close[:16].replace("T", " ")) - inst(start[:16].replace("T", " ")) \
            > timedelta(hours=4)
        if kind == "stop":
            assert v["status"] == ("breached" if late else "met")
            assert when(v, "completed_at") == inst(close[:16].replace("T", " "))
        elif kind == "breach":
            assert v["status"] == "breached" and v["completed_at"] is None
            assert v["evidence"][-1] == next(e["id"] for e in events if e["at"] == close)
            assert "Breached at" in v["reason"] or "passed first" in v["reason"]
        elif kind in ("cancel", "restart"):
            assert v["status"] == ("breached" if late else "cancelled")
        else:                                           # open as of 23:00: past every 4h deadline
            assert v["status"] == "breached" and "Not done" in v["reason"]


# ------------------------------------------------------------------ warnings, escalation

ESC = '''
deadline first_touch {
  owner sales
  start on assigned
  stop on call
  breach on lost
  within 4h
  warn at 50%
}
deadline manager_review {
  owner sales
  start on breach of first_touch
  stop on reviewed
  within 2h
}
deadline heads_up {
  owner sales
  start on warning of first_touch
  stop on call
  within 1h
}
'''


@pytest.mark.parametrize("lost_at, review_start, warned", [
    ("2026-11-02 10:00", "2026-11-02 10:00", False),    # before the warning: none; the breach at the event
    ("2026-11-02 11:00", "2026-11-02 11:00", False),    # at the warning's instant: the event comes first
    ("2026-11-02 12:00", "2026-11-02 12:00", True),     # after the warning
    ("2026-11-02 13:00", "2026-11-02 13:00", True),     # at the deadline: the event's
    ("2026-11-02 15:00", "2026-11-02 13:00", True),     # after it: the breach was at the deadline
])
def test_escalation_takes_the_breach_at_the_event_before_the_deadline(lost_at, review_start, warned):
    r = run(ESC, [E("L", "2026-11-02 09:00", "assigned", "a1", owner="r"), E("L", lost_at, "lost", "a2")],
            "2026-11-02 18:00")
    review = pick(r, "L", "manager_review")
    assert when(review, "started_at") == inst(review_start)
    assert review["escalates"] == {"rule": "first_touch", "clause": "within", "cycle": 1, "role": "start"}
    assert [v.rule for v in r.verdicts if v.rule == "heads_up"] == (["heads_up"] if warned else [])


def test_a_breach_of_another_rule_can_breach_this_one():
    body = '''
deadline first_touch {
  owner sales
  start on assigned
  stop on call
  within 1h
}
handoff qualify {
  owner marketing
  start on assigned
  stop on qualified
  breach on breach of first_touch
  within 4h
  require company
}
'''
    r = run(body, [E("L", "2026-11-02 09:00", "assigned", "a1", owner="r")], "2026-11-02 11:00")
    v = pick(r, "L", "qualify")
    assert v["status"] == "breached" and v["completed_at"] is None
    assert v["escalates"] == {"rule": "first_touch", "clause": "within", "cycle": 1, "role": "breach"}
    # the cause once (review 24c L3): the clause says "breach of first_touch", the parenthesis which cycle
    assert v["reason"] == ("Breached at 2026-11-02 10:00 +00:00 by `breach on breach of first_touch` (cycle 1 of "
                           "first_touch), before the deadline 2026-11-02 13:00 +00:00.")
    assert v["reason"].count("breach of first_touch") == 1
    assert pick(r, "L", "qualify", "require")["status"] == "cancelled"
    from jsonschema import Draft202012Validator

    from slacode.schemas import schema_text

    schema = json.loads(schema_text("verdicts"))
    errors = list(Draft202012Validator(schema).iter_errors(json.loads(json.dumps(r.to_dict(), default=str))))
    assert not errors, errors[0].message          # the role `breach` is in the schema's enum


def test_an_nth_attempt_can_breach():
    body = '''
attempts chase {
  owner sales
  start on assigned
  stop on enter sal
  at least 1 within 1d
}
deadline accept {
  owner sales
  start on assigned
  stop on enter sal
  breach on 3rd attempt of chase
  within 1d
}
'''
    events = [E("L", "2026-11-02 09:00", "assigned", "a1", owner="r")] + [
        E("L", f"2026-11-02 1{i}:00", "contact_attempt", f"c{i}") for i in range(3)]
    v = pick(run(body, events, "2026-11-02 18:00"), "L", "accept")
    assert v["status"] == "breached" and "by `breach on 3rd attempt of chase` (event c2)" in v["reason"]


# ------------------------------------------------------------------ due, targets, report

def test_due_never_lists_a_breached_cycle_and_a_target_counts_it(tmp_path):
    import subprocess
    import sys

    text = spec(ACCEPT + "\ntarget rate {\n  owner sales\n  rule accepted\n  at least 50% met per week\n}\n")
    (tmp_path / "a.sla").write_text(text)
    events = [E("A", "2026-11-02 09:00", "state", "a1", state="mql"),
              E("A", "2026-11-02 10:00", "state", "a2", state="disqualified"),
              E("B", "2026-11-02 09:00", "state", "b1", state="mql"),
              E("B", "2026-11-02 10:00", "state", "b2", state="sal"),
              E("C", "2026-11-02 09:00", "state", "c1", state="mql")]
    (tmp_path / "e.jsonl").write_text("".join(json.dumps(e) + "\n" for e in events))
    cmd = [sys.executable, "-m", "slacode"]
    due = subprocess.run(cmd + ["due", str(tmp_path / "a.sla"), str(tmp_path / "e.jsonl"), "--as-of",
                                "2026-11-02T11:00:00Z", "--format", "jsonl"], capture_output=True, text=True)
    rows = [json.loads(line) for line in due.stdout.splitlines() if line.strip()]
    assert [row["lead"] for row in rows] == ["C"], due.stdout + due.stderr
    r = slacode.loads(text).evaluate(events, as_of="2026-11-09T00:00:00Z")
    target = next(v for v in r.verdicts if v.rule == "rate")
    assert (target.status, target.value) == ("breached", pytest.approx(1 / 3))    # B met; A and C breached
    assert [v.status for v in r.verdicts if v.rule == "accepted"] == ["breached", "met", "breached"]


# ------------------------------------------------------------------------ lint, fmt, diff

@pytest.mark.parametrize("lines, code, says", [
    ("breach on lost\n  breach on enter disqualified", "SLA205", "`breach on` is given twice"),
    ("breach when x == 1\n  breach when y == 1", "SLA205", "`breach when` is given twice"),
    ("breach on lost\n  cancel on lost", "SLA333", "`cancel on lost` never takes effect"),
    ("stop on lost\n  breach on lost where r == 1", "SLA333", "`breach on lost where …` never takes effect"),
    ("breach when true", "SLA352", "`breach when` of `d` always holds: every cycle is breached"),
])
def test_lint(lines, code, says):
    text = spec("deadline d {\n  owner sales\n  start on assigned\n  stop on call\n  " + lines + "\n  within 1h\n}\n")
    found = [d for d in slacode.lint(text) if d.code == code]
    assert len(found) == 1 and says in found[0].message, [d.message for d in slacode.lint(text)]


@pytest.mark.parametrize("line", ["breach on lost", "breach when x == 1"])
def test_an_attempts_rule_refuses_them_and_says_where_they_go(line):
    text = spec(f"attempts a {{\n  owner sales\n  start on assigned\n  {line}\n  at least 2 within 1d\n}}\n")
    found = [d for d in slacode.lint(text) if d.code == "SLA306"]
    assert len(found) == 1
    assert "belongs to handoffs and deadlines, not to attempts rule `a`" in found[0].message
    assert "`deadline` or `handoff`" in found[0].hint


def test_a_breach_event_type_and_breach_of_still_parse():
    text = spec("deadline d {\n  owner sales\n  start on assigned\n  stop on breach\n  breach on breach of e\n"
                "  within 1h\n}\ndeadline e {\n  owner sales\n  start on assigned\n  stop on call\n  within 1h\n}\n")
    agreement = slacode.loads(text)
    d = agreement.rule("d")
    assert [t.type.value for t in d.triggers("stop_on")] == ["breach"]
    assert d.triggers("breach_on")[0].breach is not None


def test_fmt_keeps_them_and_diff_compares_them():
    from slacode.diff import semantic_diff
    from slacode.fmt import format as format_text

    base = spec("deadline d {\n  owner sales\n  start on enter mql\n  stop on call\n  within 4h\n}\n")
    more = base.replace("  within 4h", '  breach   on enter disqualified\n  breach when r=="x"\n  within 4h')
    out = format_text(more)
    assert '  breach on enter disqualified\n  breach when r == "x"\n' in out
    assert format_text(out) == out
    texts = [c.text for c in semantic_diff(slacode.loads(base), slacode.loads(more))]
    assert texts == ["deadline d: now also breached on `enter disqualified`", 'deadline d: added `breach when r == "x"`']
    wider = more.replace('r=="x"', 'r=="x" or r=="y"').replace("on enter disqualified", "on enter disqualified or lost")
    texts = [c.text for c in semantic_diff(slacode.loads(more), slacode.loads(wider))]
    assert texts == ["deadline d: now also breached on `lost`", "deadline d: `breach when` widened"]
    texts = [c.text for c in semantic_diff(slacode.loads(more), slacode.loads(base))]
    assert texts == ["deadline d: no longer breached on `enter disqualified`", 'deadline d: removed `breach when r == "x"`']


# --------------------------------------------------------------------------------- explain

def _timeline(body, events, as_of="2026-11-03 00:00"):
    from slacode.evaluate import as_of_us
    from slacode.events import records_from_objects
    from slacode.explain import timeline
    from tests.test_evaluate import ts

    agreement = slacode.loads(spec(body))
    records = records_from_objects(events, diagnostics=[], as_of_us=as_of_us(ts(as_of)))
    return timeline(agreement.plan, events[0]["lead"], records, as_of_us(ts(as_of)))


def test_explain_says_what_breached_the_cycle():
    lines = _timeline(HANDOFF, [E("A", "2026-11-02 09:00", "state", "a1", state="mql"),
                                E("A", "2026-11-02 10:00", "state", "a2", state="disqualified")])
    at = next(i for i, line in enumerate(lines) if "[a2]" in line)
    assert lines[at + 1] == ("    h: cycle 1 breached before the deadline; 1h of working time counted, due was "
                             "2026-11-02 13:00 +00:00 (breached by `breach on enter disqualified`)")
    assert lines[at + 2] == "    h: require not checked: no handoff happened (the cycle was breached)"
    assert not any("deadline of h.within" in line for line in lines)     # it did not pass with the cycle open


def test_explain_a_breach_when_and_a_late_breach():
    lines = _timeline(ACCEPT, [E("A", "2026-11-02 09:00", "state", "a1", state="mql"),
                               E("A", "2026-11-02 15:00", "update", "a2", fields={"sal_status": "Rejected"})])
    deadline = next(i for i, line in enumerate(lines) if "deadline of accepted.within cycle 1 passes" in line)
    at = next(i for i, line in enumerate(lines) if "[a2]" in line)
    assert deadline < at
    assert lines[at + 1].startswith("    accepted: cycle 1 breached after the deadline, which had passed first;")
    assert lines[at + 1].endswith('(breached by `breach when sal_status == "Rejected"`, which became true at this '
                                  "event)")


def test_reasons_cite_an_id_less_event_as_its_line_on_the_command_line(tmp_path):
    # (review 24c M1) the breaching event without an id is "the event on line 2", never
    # "event 2" (the library's positions), in the within and require reasons and breach when's
    import subprocess
    import sys

    (tmp_path / "a.sla").write_text('''agreement "b" { version "1"; timezone "UTC"; teams sales }
states { mql; disqualified final }
handoff h {
  owner sales
  start on enter mql
  stop on assigned
  breach on enter disqualified
  within 3h
  require company
}
deadline w {
  owner sales
  start on enter mql
  stop on assigned
  breach when flag == "no"
  within 3h
}
''')
    (tmp_path / "e.jsonl").write_text(
        '{"lead": "A", "at": "2026-11-10T10:00:00Z", "type": "state", "state": "mql"}\n'
        '{"lead": "A", "at": "2026-11-10T11:00:00Z", "type": "state", "state": "disqualified", '
        '"fields": {"flag": "no"}}\n')
    done = subprocess.run([sys.executable, "-m", "slacode", "check", str(tmp_path / "a.sla"), str(tmp_path / "e.jsonl"),
                           "--as-of", "2026-11-10T20:00:00Z", "--format", "jsonl"], capture_output=True, text=True)
    verdicts = [json.loads(x) for x in done.stdout.splitlines() if '"verdict"' in x]
    reasons = {(v["rule"], v["clause"]): v["reason"] for v in verdicts}
    assert "(the event on line 2)" in reasons["h", "within"] and "(the event on line 2)" in reasons["h", "require"]
    assert "held after the event on line 2" in reasons["w", "within"]
    assert not any("event 2" in r.replace("the event on line 2", "") for r in reasons.values())
    assert {tuple(v["evidence"]) for v in verdicts if v["clause"] == "within"} == {("1", "2")}


@pytest.mark.parametrize(("lines", "warned"), [
    ('stop when flag == "no"; breach when flag == "no"', ["breach"]),
    ('stop when flag == "no"; breach when flag == "no" and x == 1; cancel when flag == "no"', ["breach", "cancel"]),
    ('stop on call; breach when flag == "no"; cancel when flag == "no" or flag == "no"', ["cancel"]),
    ('stop when flag == "yes"; breach when flag == "no"; cancel when x == 1', []),
])
def test_a_condition_another_judged_first_always_covers_never_takes_effect(lines, warned):
    # (review 24c) `breach when Q` beside `stop when P` where Q implies P breaches nothing
    a = slacode.loads('agreement "b" { version "1"; timezone "UTC"; teams sales }\n'
                      f"deadline w {{ owner sales; start on assigned; {lines}; within 3h }}\n")
    said = [d.message.split("`")[1] for d in a.diagnostics if d.code == "SLA333"]
    assert said == [f"{kind} when" for kind in warned]
