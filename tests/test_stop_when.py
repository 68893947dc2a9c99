"""`stop when P` and `cancel when P` (extension, docs/extensions.md): after each event (its
fields in place, its stop / cancel / restart / start triggers done), an open cycle is
stopped if P holds over the lead's fields and state, else cancelled if the `cancel when`
predicate holds.

Every expected value was worked out by hand. The zone is UTC; `biz` is open Monday–Friday
09:00–17:00 (closed 2026-11-04); 2026-11-02 is a Monday.
"""
from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import slacode
from slacode.fmt import format as format_text
from tests.test_evaluate import E, cycles_of, inst, pick, run, spec, when

SAL = '''
handoff sal {
  owner marketing
  start on enter mql
  stop when sal_status in ["Accepted", "Qualified"]
  cancel when state == disqualified or sal_status == "Rejected"
  within 4h on biz
  require company
}
'''


class TestStopWhen:
    def test_the_cycle_stops_at_the_event_after_which_p_holds(self):
        r = run(SAL, [E("A", "2026-11-02 09:00", "state", "a1", state="mql"),
                      E("A", "2026-11-02 10:00", "update", "a2", fields={"company": "Acme"}),
                      E("A", "2026-11-02 11:30", "update", "a3", fields={"sal_status": "Accepted"})],
                "2026-11-03 00:00")
        v = pick(r, "A", "sal")
        assert v["status"] == "met"
        assert when(v, "completed_at") == inst("2026-11-02 11:30")
        assert v["evidence"] == ["a1", "a3"]
        assert ('`stop when sal_status in ["Accepted", "Qualified"]` held after event a3, so the cycle was '
                "stopped then.") in v["reason"]
        assert pick(r, "A", "sal", "require")["status"] == "met"

    def test_a_where_on_the_event_never_sees_the_field_but_stop_when_does(self):
        """The review's blocker: `stop on update where sal_status == …` reads the event's own
        properties, where the value is not (it is in `fields`)."""
        events = [E("A", "2026-11-02 09:00", "state", "a1", state="mql"),
                  E("A", "2026-11-02 10:00", "update", "a2", fields={"sal_status": "Accepted", "company": "x"})]
        where = SAL.replace('stop when sal_status in ["Accepted", "Qualified"]',
                            'stop on update where sal_status == "Accepted"')
        assert pick(run(where, events, "2026-11-03 00:00"), "A", "sal")["status"] == "breached"
        assert pick(run(SAL, events, "2026-11-03 00:00"), "A", "sal")["status"] == "met"

    def test_p_true_before_the_start_stops_the_cycle_at_its_start(self):
        r = run(SAL, [E("B", "2026-11-02 08:00", "update", "b0", fields={"sal_status": "Qualified"}),
                      E("B", "2026-11-02 09:00", "state", "b1", state="mql")], "2026-11-03 00:00")
        v = pick(r, "B", "sal")
        assert v["status"] == "met"
        assert when(v, "completed_at") == when(v, "started_at") == inst("2026-11-02 09:00")
        assert v["evidence"] == ["b1"]                  # the start is the closing event: cited once
        assert "already held after event b1, which opened the cycle, so it was stopped at once" in v["reason"]
        req = pick(r, "B", "sal", "require")
        assert req["status"] == "breached"              # judged at that stop: no company yet

    def test_p_made_true_by_the_start_events_own_fields(self):
        r = run(SAL, [E("C", "2026-11-02 09:00", "state", "c1", state="mql",
                        fields={"sal_status": "Accepted", "company": "x"})], "2026-11-03 00:00")
        assert pick(r, "C", "sal")["status"] == "met"
        assert pick(r, "C", "sal", "require")["status"] == "met"

    def test_same_instant_events_later_fields_count_at_their_own_event(self):
        r = run(SAL, [E("D", "2026-11-02 09:00", "state", "d1", state="mql"),
                      E("D", "2026-11-02 09:00", "update", "d2", fields={"sal_status": "Accepted"})],
                "2026-11-03 00:00")
        v = pick(r, "D", "sal")
        assert v["status"] == "met"
        assert v["evidence"] == ["d1", "d2"]            # stopped by d2, not at d1's start

    def test_toggling_reopens_only_with_a_new_start(self):
        r = run(SAL, [E("T", "2026-11-02 09:00", "state", "t1", state="mql"),
                      E("T", "2026-11-02 10:00", "update", "t2", fields={"sal_status": "Accepted"}),
                      E("T", "2026-11-02 11:00", "update", "t3", fields={"sal_status": "Working"}),
                      E("T", "2026-11-02 12:00", "state", "t4", state="sal"),
                      E("T", "2026-11-02 13:00", "state", "t5", state="mql"),
                      E("T", "2026-11-02 14:00", "update", "t6", fields={"sal_status": "Qualified"})],
                "2026-11-03 00:00")
        assert cycles_of(r, "T", "sal") == [1, 2]
        two = pick(r, "T", "sal", cycle=2)
        assert when(two, "started_at") == inst("2026-11-02 13:00")
        assert when(two, "completed_at") == inst("2026-11-02 14:00")

    def test_an_event_that_changes_nothing_stops_nothing(self):
        r = run(SAL, [E("N", "2026-11-02 09:00", "state", "n1", state="mql"),
                      E("N", "2026-11-02 10:00", "note", "n2"),
                      E("N", "2026-11-02 10:30", "update", "n3", fields={"sal_status": "Working"})],
                "2026-11-02 12:00")
        assert pick(r, "N", "sal")["status"] == "pending"

    def test_stop_when_is_judged_before_cancel_when(self):
        r = run(SAL, [E("S", "2026-11-02 09:00", "state", "s1", state="mql"),
                      E("S", "2026-11-02 10:00", "state", "s2", state="disqualified",
                        fields={"sal_status": "Accepted"})], "2026-11-03 00:00")
        assert pick(r, "S", "sal")["status"] == "met"

    def test_cancel_when(self):
        r = run(SAL, [E("X", "2026-11-02 09:00", "state", "x1", state="mql"),
                      E("X", "2026-11-02 10:00", "update", "x2", fields={"sal_status": "Rejected"})],
                "2026-11-03 00:00")
        v = pick(r, "X", "sal")
        assert v["status"] == "cancelled" and v["evidence"] == ["x1", "x2"]
        assert "`cancel when state == disqualified or sal_status == \"Rejected\"` held after event x2" in v["reason"]
        assert pick(r, "X", "sal", "require")["status"] == "cancelled"

    def test_late_stop_when_is_breached(self):
        r = run(SAL, [E("L", "2026-11-02 09:00", "state", "l1", state="mql"),
                      E("L", "2026-11-02 15:00", "update", "l2", fields={"sal_status": "Accepted"})],
                "2026-11-03 00:00")
        v = pick(r, "L", "sal")
        assert v["status"] == "breached" and when(v, "completed_at") == inst("2026-11-02 15:00")

    def test_beside_stop_on_either_closes(self):
        body = SAL.replace("  within 4h", "  stop on meeting_booked\n  within 4h")
        r = run(body, [E("M", "2026-11-02 09:00", "state", "m1", state="mql"),
                       E("M", "2026-11-02 09:30", "meeting_booked", "m2")], "2026-11-03 00:00")
        v = pick(r, "M", "sal")
        assert v["status"] == "met" and "stop when" not in v["reason"]

    def test_with_restart_the_new_cycle_is_stopped_at_once_while_p_holds(self):
        body = '''
deadline ft {
  owner sales
  start on assigned
  restart on reassigned
  stop when called == true
  within 1h
}
'''
        r = run(body, [E("R", "2026-11-02 09:00", "assigned", "r1", owner="a"),
                       E("R", "2026-11-02 09:20", "reassigned", "r2", owner="b", fields={"called": True})],
                "2026-11-03 00:00")
        # the event stops cycle 1 as a `stop on` matching it would: a stop comes before a restart
        one = pick(r, "R", "ft")
        assert one["status"] == "met" and when(one, "completed_at") == inst("2026-11-02 09:20")
        assert [v.cycle for v in r.verdicts] == [1]
        # a restart while P does not hold closes cycle 1 and opens cycle 2, which `stop when` stops later
        r = run(body.replace("stop when called == true", "stop when called == true\n  cancel on lost"),
                [E("S", "2026-11-02 09:00", "update", "s0", fields={"called": True}),
                 E("S", "2026-11-02 09:10", "update", "s1", fields={"called": False}),
                 E("S", "2026-11-02 09:20", "assigned", "s2", owner="a"),
                 E("S", "2026-11-02 09:30", "reassigned", "s3", owner="b", fields={"called": False}),
                 E("S", "2026-11-02 09:40", "update", "s4", fields={"called": True})], "2026-11-03 00:00")
        assert [(v.cycle, v.status) for v in r.verdicts] == [(1, "cancelled"), (2, "met")]
        two = pick(r, "S", "ft", cycle=2)
        assert when(two, "started_at") == inst("2026-11-02 09:30") and when(two, "completed_at") == inst(
            "2026-11-02 09:40")

    def test_with_pause_while_a_paused_cycle_is_stopped_and_its_pause_ends(self):
        body = '''
deadline ft {
  owner sales
  start on assigned
  pause while state == on_hold
  stop when called == true
  within 1h
}
'''
        r = run(body, [E("P", "2026-11-02 09:00", "assigned", "p1", owner="a"),
                       E("P", "2026-11-02 09:10", "state", "p2", state="on_hold"),
                       E("P", "2026-11-02 11:00", "update", "p3", fields={"called": True})], "2026-11-03 00:00")
        v = pick(r, "P", "ft")
        assert v["status"] == "met"
        assert v["elapsed_seconds"] == 600              # 09:00–09:10; paused until the stop
        assert when(v, "due_at") == inst("2026-11-02 11:50")

    def test_with_segments(self):
        body = '''
segment accepted = sal_status in ["Accepted", "Qualified"]
segment dead = state in [disqualified, nurture]

handoff sal {
  owner marketing
  start on enter mql
  stop when accepted
  cancel when dead
  within 4h for hot
  within 1d on biz
}
'''
        r = run(body, [E("G", "2026-11-02 09:00", "state", "g1", state="mql", fields={"score": 90}),
                       E("G", "2026-11-02 09:30", "update", "g2", fields={"sal_status": "Qualified"}),
                       E("H", "2026-11-02 09:00", "state", "h1", state="mql"),
                       E("H", "2026-11-02 10:00", "state", "h2", state="nurture")], "2026-11-03 00:00")
        assert pick(r, "G", "sal")["status"] == "met"
        assert "`stop when accepted` held after event g2" in pick(r, "G", "sal")["reason"]
        assert pick(r, "H", "sal")["status"] == "cancelled"


class TestAttempts:
    BODY = '''
attempts cadence {
  owner sales
  start on assigned
  stop when state in [sal, sql]
  cancel when do_not_call == true
  count contact_attempt
  at least 2 within 1d on biz
  at least 1 before enter sal
  gap at least 10m
}
'''

    def test_the_closing_event_is_counted_and_judged_first(self):
        r = run(self.BODY, [E("A", "2026-11-02 09:00", "assigned", "a1", owner="r"),
                            E("A", "2026-11-02 10:00", "contact_attempt", "a2"),
                            E("A", "2026-11-02 11:00", "state", "a3", state="sal")], "2026-11-03 00:00")
        v = pick(r, "A", "cadence", "at_least_within")
        assert (v["status"], v["evidence"]) == ("met", ["a2"])     # as for a `stop on`: the attempts
        assert "held after event a3" in v["reason"]
        b = pick(r, "A", "cadence", "at_least_before")
        assert b["status"] == "met" and when(b, "completed_at") == inst("2026-11-02 11:00")
        assert pick(r, "A", "cadence", "gap")["status"] == "met"

    def test_a_start_while_p_holds_makes_a_closed_cycle_with_its_start_attempt(self):
        body = self.BODY.replace("start on assigned", "start on assigned or contact_attempt")
        r = run(body, [E("B", "2026-11-02 09:00", "state", "b0", state="sal"),
                       E("B", "2026-11-02 09:30", "contact_attempt", "b1")], "2026-11-03 00:00")
        v = pick(r, "B", "cadence", "at_least_within")
        assert v["status"] == "met"                     # stopped at its start, before the deadline
        assert when(v, "started_at") == inst("2026-11-02 09:30")

    def test_cancel_when(self):
        r = run(self.BODY, [E("C", "2026-11-02 09:00", "assigned", "c1", owner="r"),
                            E("C", "2026-11-02 09:30", "update", "c2", fields={"do_not_call": True})],
                "2026-11-03 00:00")
        assert pick(r, "C", "cadence", "at_least_within")["status"] == "cancelled"
        assert pick(r, "C", "cadence", "at_least_before")["status"] == "met"   # closed without the trigger


class TestLanguage:
    def test_fmt_round_trip_and_idempotent(self):
        text = spec('handoff h {\n  owner sales\n  start on enter mql\n  stop   when  ( a == 1 or b == 2 ) and c exists\n'
                    '  cancel when not (state in [nurture])\n  within 4h\n}\n')
        once = format_text(text)
        assert "  stop when (a == 1 or b == 2) and c exists\n" in once
        assert "  cancel when not state in [nurture]\n" in once or "  cancel when not (state in [nurture])\n" in once
        assert format_text(once) == once
        a, b = slacode.loads(text).plan.rules[0], slacode.loads(once).plan.rules[0]
        assert a.when_texts == b.when_texts

    def test_stop_when_counts_as_a_stop(self):
        ok = spec("deadline d {\n  owner sales\n  start on assigned\n  stop when called == true\n  within 1h\n}\n")
        assert "SLA308" not in [d.code for d in slacode.lint(ok)]

    def test_unknown_segment_and_state_are_reported(self):
        bad = spec("deadline d {\n  owner sales\n  start on assigned\n  stop when warm\n"
                   "  cancel when state == gone\n  within 1h\n}\n")
        found = {(d.code, d.message) for d in slacode.lint(bad)}
        assert ("SLA209", "segment `warm` is not declared") in found
        assert ("SLA207", "state `gone` is not declared") in found

    def test_a_misspelt_field_of_the_events_is_named_for_stop_when(self):
        r = run(SAL, [E("A", "2026-11-02 09:00", "state", "a1", state="mql"),
                      E("A", "2026-11-02 10:00", "update", "a2", fields={"sal_stauts": "Accepted"})],
                "2026-11-03 00:00")
        found = [d for d in r.diagnostics if d.code == "SLA616"]
        assert len(found) == 1 and "`stop when` of `sal`" in found[0].message

    def test_twice_is_a_duplicate(self):
        text = spec("deadline d {\n  owner sales\n  start on assigned\n  stop when a == 1\n  stop when b == 1\n"
                    "  within 1h\n}\n")
        assert "SLA205" in [d.code for d in slacode.lint(text)]


# ---------------------------------------------------------------- a reference model

BODY = '''
deadline d {
  owner sales
  start on assigned
  stop when x == 1
  cancel when y == 1
  within 1h
}
'''


def _reference(events):
    """The extension's semantics written directly: (start, close, kind) of each cycle. An
    open cycle is judged where a stop or a cancel is, before the start; a cycle the event
    opens is judged once more."""
    fields, cycles, open_ = {}, [], None

    def judge(at):
        if fields.get("x") == 1:
            cycles.append((open_, at, "stop"))
            return None
        if fields.get("y") == 1:
            cycles.append((open_, at, "cancel"))
            return None
        return open_

    for e in events:
        fields.update(e.get("fields", {}))
        if open_ is not None:
            open_ = judge(e["at"])
        if open_ is None and e["type"] == "assigned":
            open_ = e["at"]
            open_ = judge(e["at"])
    if open_ is not None:
        cycles.append((open_, None, None))
    return cycles


@settings(max_examples=60, deadline=None)
@example([("assigned", {})] * 7 + [("assigned", {"x": 1})])            # stopped 70 minutes in: late
@example([("assigned", {})] * 7 + [("assigned", {"x": 0, "y": 1})])    # cancelled late: a breach
@given(st.lists(st.tuples(st.sampled_from(["assigned", "update", "note"]),
                          st.fixed_dictionaries({}, optional={"x": st.sampled_from([0, 1]),
                                                              "y": st.sampled_from([0, 1])})), max_size=12))
def test_cycles_match_a_direct_reading_of_the_semantics(steps):
    events = []
    for i, (kind, f) in enumerate(steps):
        e = E("L", f"2026-11-02 {9 + i // 6:02d}:{i % 6 * 10:02d}", kind, f"e{i}")
        if kind == "assigned":
            e["owner"] = "r"
        if f:
            e["fields"] = f
        events.append(e)
    r = run(BODY, events, "2026-11-02 23:00")
    got = []
    for v in r.verdicts:
        d = v.to_dict()
        closed = d["completed_at"] if d["status"] in ("met", "breached") and d["completed_at"] else None
        got.append((d["status"], d["started_at"], closed))
    want = _reference(events)
    assert len(got) == len(want)
    for (status, started, closed), (s, c, kind) in zip(got, want):
        assert inst(started.replace("+00:00", "Z")[:16].replace("T", " ")) == inst(s[:16].replace("T", " "))
        # `within 1h` of wall-clock time: a close after it is a breach (§6: a late stop stays
        # breached, a cancel after the deadline is one)
        late = kind is not None and inst(c[:16].replace("T", " ")) - inst(s[:16].replace("T", " ")) > timedelta(hours=1)
        if kind == "stop":
            assert status == ("breached" if late else "met") and closed is not None
        elif kind == "cancel":
            assert status == ("breached" if late else "cancelled")
        else:
            assert status in ("pending", "breached")


class TestExplain:
    @staticmethod
    def _timeline(events, as_of="2026-11-03 00:00"):
        from slacode.evaluate import as_of_us
        from slacode.events import records_from_objects
        from slacode.explain import timeline

        from tests.test_evaluate import ts

        agreement = slacode.loads(spec(SAL))
        records = records_from_objects(events, diagnostics=[], as_of_us=as_of_us(ts(as_of)))
        return timeline(agreement.plan, events[0]["lead"], records, as_of_us(ts(as_of)))

    def test_the_line_names_the_predicate_that_became_true_at_the_event(self):
        lines = self._timeline([E("A", "2026-11-02 09:00", "state", "a1", state="mql"),
                                E("A", "2026-11-02 10:00", "update", "a2", fields={"sal_status": "Accepted"})])
        at = next(i for i, line in enumerate(lines) if "[a2]" in line)
        assert lines[at + 1] == ('    sal: cycle 1 stopped on time; 1h of working time counted, due was '
                                 '2026-11-02 13:00 +00:00 (`stop when sal_status in ["Accepted", "Qualified"]` '
                                 'became true at this event)')

    def test_a_cycle_stopped_as_it_opens_says_so_under_its_opening(self):
        lines = self._timeline([E("B", "2026-11-02 08:00", "update", "b0", fields={"sal_status": "Accepted"}),
                                E("B", "2026-11-02 09:00", "state", "b1", state="mql")])
        at = next(i for i, line in enumerate(lines) if "[b1]" in line)
        assert lines[at + 1] == ("    sal: cycle 1 opens (within 4h on biz, the default line); "
                                 "due 2026-11-02 13:00 +00:00")
        assert lines[at + 2].startswith("    sal: cycle 1 stopped on time; 0m of working time counted")
        assert lines[at + 2].endswith("already holds after this event, which opened it)")
        assert lines[at + 3] == "    sal: require breached: 1 required field checked at the stop; without `company`"

    def test_cancel_when_line(self):
        lines = self._timeline([E("C", "2026-11-02 09:00", "state", "c1", state="mql"),
                                E("C", "2026-11-02 09:30", "state", "c2", state="disqualified")])
        assert any(line.startswith("    sal: cycle 1 cancelled before the deadline") and line.endswith(
            "(`cancel when state == disqualified or sal_status == \"Rejected\"` became true at this event)")
            for line in lines)


def test_a_cycle_a_breach_opened_and_stop_when_closed_at_once_says_so():
    body = '''
deadline d {
  owner sales
  start on assigned
  stop on contact_attempt
  within 1h
}
deadline esc {
  owner sales
  start on breach of d
  stop when st == "A"
  within 1h
}
'''
    r = run(body, [E("L", "2026-11-02 09:00", "assigned", "a1", owner="r"),
                   E("L", "2026-11-02 09:10", "update", "a2", fields={"st": "A"})], "2026-11-03 00:00")
    v = pick(r, "L", "esc")
    assert v["status"] == "met" and v["escalates"]["role"] == "start"
    assert "Stopped by the breach" not in v["reason"] and "after event a1" not in v["reason"]
    assert v["reason"].endswith("Started by the breach of d (cycle 1) at 2026-11-02 10:00 +00:00. `stop when "
                                'st == "A"` already held when the breach opened the cycle, so it was stopped at once.')


@pytest.mark.parametrize("lines, says", [
    ("start on assigned\n  stop when true", "always holds"),
    ("start on assigned\n  stop when x exists or x missing", "always holds"),
    ("start on assigned\n  cancel when false", "never holds"),
    ("start when score >= 80\n  stop when score >= 50", "holds whenever its `start when` fires"),
    ("start when hot\n  cancel when score >= 80", "holds whenever its `start when` fires"),
])
def test_sla352_a_when_that_closes_every_cycle_at_once_or_never(lines, says):
    text = spec("segment hot = score >= 90\ndeadline d {\n  owner sales\n  " + lines + "\n  within 1h\n}\n")
    found = [d for d in slacode.lint(text) if d.code == "SLA352"]
    assert len(found) == 1 and says in found[0].message


def test_sla352_not_for_a_condition_the_start_does_not_make_true():
    text = spec("deadline d {\n  owner sales\n  start when score >= 80\n  stop when called == true\n"
                "  cancel when score < 50\n  within 1h\n}\n")
    assert not [d for d in slacode.lint(text) if d.code == "SLA352"]


def test_a_cycle_an_assignment_opens_and_stop_when_closes_at_once_is_the_new_reps():
    body = '''
deadline d {
  owner sales
  start on assigned
  stop when touched == true
  within 1h
}
'''
    r = run(body, [E("A", "2026-11-02 09:00", "assigned", "a1", owner="ana"),
                   E("A", "2026-11-02 09:30", "assigned", "a2", owner="bo", fields={"touched": True}),
                   E("B", "2026-11-02 09:00", "assigned", "b1", owner="cy", fields={"touched": True})],
            "2026-11-02 12:00")
    got = [(v.lead, v.cycle, v.status, v.assignee) for v in r.verdicts]
    # a2 stops ana's cycle (a stop wins over the start), then opens bo's, met at once
    assert got == [("A", 1, "met", "ana"), ("A", 2, "met", "bo"), ("B", 1, "met", "cy")]
