"""`retarget when segment changes` (extension, docs/extensions.md): an open cycle's target
line is chosen again at every event, with the deadline counted from the cycle's start.

Every expected value was worked out by hand from the extension's documentation. The zone
is UTC; `biz` is open Monday–Friday 09:00–17:00; 2026-11-02 is a Monday.
"""
from __future__ import annotations

import subprocess
import sys

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import slacode
from tests.test_evaluate import E, HEAD, inst, pick, run, spec, when

TIMED = '''
deadline ft {
  owner sales
  start on assigned
  stop on contact_attempt
  cancel on enter disqualified
  restart on reassigned
  pause while state == on_hold
  within 1h for hot
  within 4h
  warn at 50%
  retarget when segment changes
}
'''


def _lead(*events):
    return list(events)


class TestTimed:
    def test_a_lead_that_becomes_hot_gets_the_hot_deadline_from_its_start(self):
        r = run(TIMED, [E("A", "2026-11-02 10:00", "assigned", "a1", owner="r", fields={"score": 10}),
                        E("A", "2026-11-02 10:30", "note", "a2", fields={"score": 90}),
                        E("A", "2026-11-02 10:50", "contact_attempt", "a3")], "2026-11-03 00:00")
        v = pick(r, "A", "ft")
        assert (v["status"], v["segment"], v["target_seconds"]) == ("met", "hot", 3600)
        assert when(v, "due_at") == inst("2026-11-02 11:00")
        assert v["evidence"] == ["a1", "a2", "a3"]
        assert "The target line changed at 2026-11-02 10:30 +00:00 (`within 4h` → `within 1h for hot`)." \
            in v["reason"]

    def test_a_tighter_line_whose_deadline_already_passed_is_breached_at_that_deadline(self):
        r = run(TIMED, [E("A", "2026-11-02 10:00", "assigned", "a1", owner="r", fields={"score": 10}),
                        E("A", "2026-11-02 11:30", "note", "a2", fields={"score": 90})], "2026-11-02 11:40")
        v = pick(r, "A", "ft")
        assert (v["status"], when(v, "due_at")) == ("breached", inst("2026-11-02 11:00"))
        # without `retarget` the 4h line stays and the cycle is still running (not yet at risk)
        plain = run(TIMED.replace("  retarget when segment changes\n", ""),
                    [E("A", "2026-11-02 10:00", "assigned", "a1", owner="r", fields={"score": 10}),
                     E("A", "2026-11-02 11:30", "note", "a2", fields={"score": 90})], "2026-11-02 11:40")
        assert (pick(plain, "A", "ft")["status"], pick(plain, "A", "ft")["segment"]) == ("pending", None)

    def test_a_lead_that_cools_down_before_its_deadline_gets_the_looser_line(self):
        r = run(TIMED, [E("A", "2026-11-02 10:00", "assigned", "a1", owner="r", fields={"score": 90}),
                        E("A", "2026-11-02 10:30", "note", "a2", fields={"score": 10}),
                        E("A", "2026-11-02 12:50", "contact_attempt", "a3")], "2026-11-03 00:00")
        v = pick(r, "A", "ft")
        assert (v["status"], v["segment"], when(v, "due_at")) == ("met", None, inst("2026-11-02 14:00"))

    def test_a_breach_is_never_undone_by_a_looser_line(self):
        r = run(TIMED, [E("A", "2026-11-02 10:00", "assigned", "a1", owner="r", fields={"score": 90}),
                        E("A", "2026-11-02 11:30", "note", "a2", fields={"score": 10}),
                        E("A", "2026-11-02 12:50", "contact_attempt", "a3")], "2026-11-03 00:00")
        v = pick(r, "A", "ft")
        assert (v["status"], v["segment"], when(v, "due_at")) == ("breached", "hot", inst("2026-11-02 11:00"))
        assert "target line changed" not in v["reason"] and v["evidence"] == ["a1", "a3"]

    def test_at_the_deadline_itself_the_line_can_still_change(self):
        # due 11:00 equals the event: not yet passed (a deadline equal to an instant is not breached)
        r = run(TIMED, [E("A", "2026-11-02 10:00", "assigned", "a1", owner="r", fields={"score": 90}),
                        E("A", "2026-11-02 11:00", "note", "a2", fields={"score": 10})], "2026-11-02 11:50")
        v = pick(r, "A", "ft")
        assert (v["status"], when(v, "due_at")) == ("pending", inst("2026-11-02 14:00"))

    def test_the_event_that_closes_the_cycle_does_not_change_its_line(self):
        # the stop is judged on the line in force before it: a call at 11:30 that also makes
        # the lead hot is on time for the 4h line, not late for a 1h line it never had
        r = run(TIMED, [E("A", "2026-11-02 10:00", "assigned", "a1", owner="r", fields={"score": 10}),
                        E("A", "2026-11-02 11:30", "contact_attempt", "a2", fields={"score": 90})],
                "2026-11-03 00:00")
        v = pick(r, "A", "ft")
        assert (v["status"], v["segment"], v["evidence"]) == ("met", None, ["a1", "a2"])
        r = run(TIMED, [E("A", "2026-11-02 10:00", "assigned", "a1", owner="r", fields={"score": 90}),
                        E("A", "2026-11-02 10:30", "state", "a2", state="disqualified", fields={"score": 5})],
                "2026-11-03 00:00")
        v = pick(r, "A", "ft")
        assert (v["status"], v["segment"]) == ("cancelled", "hot")

    def test_pauses_count_on_the_new_line(self):
        r = run(TIMED, [E("A", "2026-11-02 10:00", "assigned", "a1", owner="r", fields={"score": 10}),
                        E("A", "2026-11-02 10:10", "state", "a2", state="on_hold"),
                        E("A", "2026-11-02 10:40", "state", "a3", state="working"),
                        E("A", "2026-11-02 10:50", "note", "a4", fields={"score": 95})], "2026-11-02 11:05")
        v = pick(r, "A", "ft")
        # 1h of running clock from 10:00, with 10:10-10:40 paused: due 11:30; 35m run of 60 by 11:05
        assert (v["status"], when(v, "due_at"), v["elapsed_seconds"]) == ("at_risk", inst("2026-11-02 11:30"), 2100)
        assert when(v, "warn_at") == inst("2026-11-02 11:00")

    def test_changes_and_returns_are_each_told(self):
        r = run(TIMED, [E("A", "2026-11-02 10:00", "assigned", "a1", owner="r", fields={"score": 10}),
                        E("A", "2026-11-02 10:20", "note", "a2", fields={"score": 90}),
                        E("A", "2026-11-02 10:40", "note", "a3", fields={"score": 20}),
                        E("A", "2026-11-02 10:45", "note", "a4", fields={"score": 30})], "2026-11-02 12:00")
        v = pick(r, "A", "ft")
        # 2h of the 4h line used at 12:00: at the `warn at 50%` threshold
        assert (v["status"], v["segment"], when(v, "due_at")) == ("at_risk", None, inst("2026-11-02 14:00"))
        assert v["evidence"] == ["a1", "a2", "a3"]          # a4 changed no line
        assert ("changed at 2026-11-02 10:20 +00:00 (`within 4h` → `within 1h for hot`) and at "
                "2026-11-02 10:40 +00:00 (`within 1h for hot` → `within 4h`).") in v["reason"]

    def test_a_new_cycle_chooses_its_line_at_its_own_start(self):
        r = run(TIMED, [E("A", "2026-11-02 10:00", "assigned", "a1", owner="r", fields={"score": 10}),
                        E("A", "2026-11-02 10:20", "note", "a2", fields={"score": 90}),
                        E("A", "2026-11-02 10:30", "reassigned", "a3", fields={"score": 10})],
                "2026-11-02 12:00")
        first, second = pick(r, "A", "ft"), pick(r, "A", "ft", cycle=2)
        # a3 restarts cycle 1 on the hot line it had; cycle 2 chooses with a3's fields
        assert (first["status"], first["segment"]) == ("cancelled", "hot")
        assert (second["status"], second["segment"], when(second, "due_at")) == \
            ("pending", None, inst("2026-11-02 14:30"))
        assert "target line changed" not in second["reason"]

    def test_no_line_applying_keeps_the_current_one(self):
        body = TIMED.replace("  within 4h\n", "  within 2h for vip\n")
        r = run(body, [E("A", "2026-11-02 10:00", "assigned", "a1", owner="r", fields={"score": 90}),
                       E("A", "2026-11-02 10:20", "note", "a2", fields={"score": 10})], "2026-11-02 10:30")
        v = pick(r, "A", "ft")
        assert (v["segment"], when(v, "due_at")) == ("hot", inst("2026-11-02 11:00"))

    def test_each_line_keeps_its_own_calendar(self):
        body = '''
deadline ft {
  owner sales
  start on assigned
  stop on contact_attempt
  within 1h for hot
  within 2h on biz
  retarget when segment changes
}
'''
        # Friday 16:00 on biz: 1h of biz time is left on Friday, 1h more on Monday 09:00-10:00
        r = run(body, [E("A", "2026-11-06 16:00", "assigned", "a1", owner="r", fields={"score": 90}),
                       E("A", "2026-11-06 16:30", "note", "a2", fields={"score": 10})], "2026-11-07 12:00")
        v = pick(r, "A", "ft")
        assert (v["status"], when(v, "due_at")) == ("pending", inst("2026-11-09 10:00"))
        # the other way: from biz to the wall-clock hot line, counted from the start
        r = run(body, [E("A", "2026-11-06 16:00", "assigned", "a1", owner="r", fields={"score": 10}),
                       E("A", "2026-11-06 16:30", "note", "a2", fields={"score": 90})], "2026-11-06 16:45")
        v = pick(r, "A", "ft")
        assert (v["status"], when(v, "due_at")) == ("pending", inst("2026-11-06 17:00"))

    def test_a_state_event_can_retarget_a_segment_that_reads_the_state(self):
        head = HEAD + "segment urgent = state == sql\n"
        body = TIMED.replace("within 1h for hot", "within 1h for urgent")
        r = run(body, [E("A", "2026-11-02 10:00", "assigned", "a1", owner="r"),
                       E("A", "2026-11-02 10:15", "state", "a2", state="sql")], "2026-11-02 11:30", head=head)
        v = pick(r, "A", "ft")
        assert (v["status"], v["segment"], when(v, "due_at")) == ("breached", "urgent", inst("2026-11-02 11:00"))

    def test_fields_of_a_state_event_into_an_undeclared_state_still_retarget(self):
        # §11: such an event changes no state and no trigger, but its fields apply
        r = run(TIMED, [E("A", "2026-11-02 10:00", "assigned", "a1", owner="r", fields={"score": 10}),
                        E("A", "2026-11-02 10:15", "state", "a2", state="ghost", fields={"score": 90})],
                "2026-11-02 10:30")
        v = pick(r, "A", "ft")
        assert (v["segment"], when(v, "due_at"), v["evidence"]) == ("hot", inst("2026-11-02 11:00"), ["a1", "a2"])


ATTEMPTS = '''
attempts cadence {
  owner sales
  start on assigned
  stop on enter sql
  at least 3 within 1d for hot
  at least 2 within 2d
  retarget when segment changes
}
'''


class TestAttempts:
    def test_a_lead_that_becomes_hot_needs_the_hot_number_of_attempts_in_the_hot_window(self):
        r = run(ATTEMPTS, [E("A", "2026-11-02 10:00", "assigned", "a1", owner="r", fields={"score": 10}),
                           E("A", "2026-11-02 11:00", "contact_attempt", "a2"),
                           E("A", "2026-11-02 12:00", "note", "a3", fields={"score": 90}),
                           E("A", "2026-11-02 13:00", "contact_attempt", "a4")], "2026-11-03 12:00")
        v = pick(r, "A", "cadence", "at_least_within")
        assert (v["status"], v["segment"], when(v, "due_at")) == ("breached", "hot", inst("2026-11-03 10:00"))
        assert v["evidence"] == ["a2", "a3", "a4"]
        assert "Only 2 of 3 attempts by the deadline" in v["reason"]

    def test_attempts_already_made_by_the_deadline_keep_their_line(self):
        r = run(ATTEMPTS, [E("A", "2026-11-02 10:00", "assigned", "a1", owner="r", fields={"score": 10}),
                           E("A", "2026-11-02 11:00", "contact_attempt", "a2"),
                           E("A", "2026-11-02 11:30", "contact_attempt", "a3"),
                           E("A", "2026-11-02 12:00", "note", "a4", fields={"score": 90})], "2026-11-03 12:00")
        v = pick(r, "A", "cadence", "at_least_within")
        assert (v["status"], v["segment"], when(v, "completed_at")) == ("met", None, inst("2026-11-02 11:30"))

    def test_an_attempt_that_changes_the_line_counts_first_and_is_cited_once(self):
        r = run(ATTEMPTS, [E("A", "2026-11-02 10:00", "assigned", "a1", owner="r", fields={"score": 10}),
                           E("A", "2026-11-02 11:00", "contact_attempt", "a2", fields={"score": 90})],
                "2026-11-02 12:00")
        v = pick(r, "A", "cadence", "at_least_within")
        assert (v["status"], v["segment"], v["evidence"]) == ("pending", "hot", ["a2"])
        # the attempt that makes the default line's 2 is counted before the change: decided, kept
        r = run(ATTEMPTS, [E("A", "2026-11-02 10:00", "assigned", "a1", owner="r", fields={"score": 10}),
                           E("A", "2026-11-02 10:30", "contact_attempt", "a2"),
                           E("A", "2026-11-02 11:00", "contact_attempt", "a3", fields={"score": 90})],
                "2026-11-02 12:00")
        v = pick(r, "A", "cadence", "at_least_within")
        assert (v["status"], v["segment"], v["evidence"]) == ("met", None, ["a2", "a3"])

    def test_a_cooler_lead_needs_fewer_attempts(self):
        r = run(ATTEMPTS, [E("A", "2026-11-02 10:00", "assigned", "a1", owner="r", fields={"score": 90}),
                           E("A", "2026-11-02 11:00", "contact_attempt", "a2"),
                           E("A", "2026-11-02 12:00", "note", "a3", fields={"score": 10}),
                           E("A", "2026-11-02 13:00", "contact_attempt", "a4")], "2026-11-03 12:00")
        v = pick(r, "A", "cadence", "at_least_within")
        assert (v["status"], v["segment"], when(v, "completed_at")) == ("met", None, inst("2026-11-02 13:00"))


# ------------------------------------------------------------------- same as before

_SCORES = st.sampled_from([None, 10, 90])


@st.composite
def _histories(draw):
    """A lead whose score is set only by its first event (so no line ever changes) and
    whose later events are any mix of the rule's triggers and notes without fields."""
    score = draw(_SCORES)
    first = {"owner": "r"} if score is None else {"owner": "r", "fields": {"score": score}}
    events = [E("A", "2026-11-02 10:00", "assigned", "e0", **first)]
    kinds = st.sampled_from(["contact_attempt", "reassigned", "note", "assigned", "state:on_hold",
                             "state:working", "state:disqualified"])
    for i, (minutes, kind) in enumerate(draw(st.lists(st.tuples(st.integers(1, 600), kinds), max_size=8)), 1):
        at = f"2026-11-02 {10 + minutes // 60:02d}:{minutes % 60:02d}"
        if kind.startswith("state:"):
            events.append(E("A", at, "state", f"e{i}", state=kind[6:]))
        else:
            events.append(E("A", at, kind, f"e{i}", owner="r"))
    return events


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_histories(), st.sampled_from(["2026-11-02 11:00", "2026-11-02 14:30", "2026-11-03 09:00"]))
def test_a_lead_whose_segment_never_changes_gets_the_same_verdicts_with_or_without_retarget(events, as_of):
    plain = TIMED.replace("  retarget when segment changes\n", "")
    a = [v.to_dict() for v in run(TIMED, events, as_of).verdicts]
    b = [v.to_dict() for v in run(plain, events, as_of).verdicts]
    assert a == b


def test_one_line_gives_nothing_to_retarget_and_lint_says_so():
    body = '''
deadline ft {
  owner sales
  start on assigned
  stop on contact_attempt
  within 1h
  retarget when segment changes
}
'''
    agreement = slacode.loads(spec(body))
    assert not agreement.plan.rules[0].retarget
    assert [d.code for d in slacode.lint(spec(body)) if d.code == "SLA334"] == ["SLA334"]
    assert slacode.loads(spec(TIMED)).plan.rules[0].retarget


def _explain(tmp_path, as_of: str):
    """`slacode explain` of lead A in ``tmp_path``'s a.sla and e.jsonl."""
    return subprocess.run([sys.executable, "-m", "slacode", "explain", str(tmp_path / "a.sla"),
                           str(tmp_path / "e.jsonl"), "--lead", "A", "--as-of", as_of], capture_output=True, text=True)


def test_explain_tells_each_change_and_each_line_kept(tmp_path):
    (tmp_path / "a.sla").write_text(spec(TIMED))
    (tmp_path / "e.jsonl").write_text("\n".join([
        '{"lead":"A","at":"2026-11-02T10:00:00Z","type":"assigned","id":"a1","owner":"r","fields":{"score":10}}',
        '{"lead":"A","at":"2026-11-02T10:30:00Z","type":"note","id":"a2","fields":{"score":90}}',
        '{"lead":"A","at":"2026-11-02T11:30:00Z","type":"note","id":"a3","fields":{"score":10}}',
    ]) + "\n")
    out = _explain(tmp_path, "2026-11-02T12:00:00Z")
    assert out.returncode == 0, out.stderr
    assert ("ft: cycle 1 retargeted (within 1h for hot, was within 4h, the default line); "
            "due 2026-11-02 11:00 +00:00") in out.stdout
    assert ("ft: the lead now falls under within 4h, the default line, but cycle 1 keeps its line: its "
            "deadline 2026-11-02 11:00 +00:00 has passed (a breach stays)") in out.stdout


def test_explain_tells_a_change_while_paused_as_the_deadline_if_it_resumed_now(tmp_path):
    (tmp_path / "a.sla").write_text(spec(TIMED))
    (tmp_path / "e.jsonl").write_text("\n".join([
        '{"lead":"A","at":"2026-11-02T10:00:00Z","type":"assigned","id":"a1","owner":"r","fields":{"score":10}}',
        '{"lead":"A","at":"2026-11-02T10:10:00Z","type":"state","id":"a2","state":"on_hold"}',
        '{"lead":"A","at":"2026-11-02T10:40:00Z","type":"note","id":"a3","fields":{"score":90}}',
    ]) + "\n")
    out = _explain(tmp_path, "2026-11-02T11:00:00Z")
    assert out.returncode == 0, out.stderr
    # 10 minutes ran before the hold: 50 left of the hot hour if the clock ran again at 10:40
    assert ("ft: cycle 1 retargeted (within 1h for hot, was within 4h, the default line); paused, due "
            "2026-11-02 11:30 +00:00 if it resumed now") in out.stdout


def test_diff_names_the_setting_and_the_verdicts_it_moves(tmp_path):
    (tmp_path / "new.sla").write_text(spec(TIMED))
    (tmp_path / "old.sla").write_text(spec(TIMED.replace("  retarget when segment changes\n", "")))
    (tmp_path / "e.jsonl").write_text(
        '{"lead":"A","at":"2026-11-02T10:00:00Z","type":"assigned","id":"a1","owner":"r","fields":{"score":10}}\n'
        '{"lead":"A","at":"2026-11-02T11:30:00Z","type":"note","id":"a2","fields":{"score":90}}\n')
    out = subprocess.run([sys.executable, "-m", "slacode", "diff", str(tmp_path / "old.sla"), str(tmp_path / "new.sla"),
                          "--events", str(tmp_path / "e.jsonl"), "--as-of", "2026-11-02T12:00:00Z"],
                         capture_output=True, text=True)
    assert out.returncode == 1, out.stderr
    assert "now chooses an open cycle's target line again when the lead's segment changes" in out.stdout
    assert "A  ft/within cycle 1: at_risk → breached" in out.stdout      # 2h of 4h: at risk at 50%


def test_explain_tells_an_attempt_on_the_line_it_counted_on_then_the_change(tmp_path):
    (tmp_path / "a.sla").write_text(spec(ATTEMPTS))
    (tmp_path / "e.jsonl").write_text("\n".join([
        '{"lead":"A","at":"2026-11-02T10:00:00Z","type":"assigned","id":"a1","owner":"r","fields":{"score":10}}',
        '{"lead":"A","at":"2026-11-02T10:30:00Z","type":"contact_attempt","id":"a2"}',
        '{"lead":"A","at":"2026-11-02T11:00:00Z","type":"contact_attempt","id":"a3","fields":{"score":90}}',
    ]) + "\n")
    out = _explain(tmp_path, "2026-11-02T12:00:00Z")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    made = next(i for i, x in enumerate(lines) if "attempt 2 of 2 needed in cycle 1: the 2 attempts are made" in x)
    kept = next(i for i, x in enumerate(lines) if "but cycle 1 keeps its line: its attempts were made in time" in x)
    assert made < kept
