"""`due at FIELD` (extension, docs/extensions.md "A deadline from a lead field"): a deadline
taken from a lead field, read at the cycle's start."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings, strategies as st

import slacode
import slacode.api
from slacode.compile import field_instant
from slacode.diff import semantic_diff
from slacode.evaluate import as_of_us
from slacode.events import records_from_objects
from slacode.explain import timeline

HEAD = '''agreement "cb" { version "1"; timezone "UTC"; teams sales }
calendar office { timezone "UTC"; hours mon-fri 09:00-17:00 }
segment booked = kind == "booked"
'''

RULE = HEAD + '''deadline callback {
  owner sales
  start on callback_requested
  stop on call
  restart on rebook
  pause while status == "waiting"
  due at callback_at on office for booked
  within 4h on office
  warn at 75%
}
'''


def ask(lead: str, at: str, when=None, **fields) -> dict:
    """A `callback_requested` event of ``lead`` that sets ``callback_at`` (unless None)."""
    if when is not None:
        fields["callback_at"] = when
    fields.setdefault("kind", "booked")
    return {"lead": lead, "at": at, "type": "callback_requested", "fields": fields}


def verdicts(text: str, events: list[dict], as_of: str):
    result = slacode.loads(text).evaluate(events, as_of=as_of)
    return [v.to_dict() for v in result.verdicts], result.diagnostics


def one(text: str, events: list[dict], as_of: str) -> dict:
    got, _ = verdicts(text, events, as_of)
    assert len(got) == 1, got
    return got[0]


# ------------------------------------------------------------------------ reading the field

@pytest.mark.parametrize("value, us", [
    ("2026-11-10T15:00:00-03:00", datetime(2026, 11, 10, 18, tzinfo=timezone.utc)),
    ("2026-11-10T18:00:00Z", datetime(2026, 11, 10, 18, tzinfo=timezone.utc)),
    (" 2026-11-10t18:00:00.5z ", datetime(2026, 11, 10, 18, 0, 0, 500_000, tzinfo=timezone.utc)),
])
def test_a_timestamp_with_an_offset_is_the_instant_in_its_own_offset(value, us):
    got, zone = field_instant(value)
    assert got == int(us.timestamp() * 1_000_000)
    assert datetime.fromtimestamp(0, zone).utcoffset() == (timedelta(hours=-3) if "-03:00" in value else timedelta(0))


@pytest.mark.parametrize("value, words", [
    ("2026-11-10T15:00:00", "no offset"),
    ("2026-11-10", "date without a time"),
    ("tomorrow", "does not start with a date"),
    (1794322800, "a number"),
    (True, "a boolean"),
    (["2026-11-10T15:00:00Z"], "a list"),
    ({"at": "x"}, "an object"),
])
def test_a_value_that_names_no_instant_says_why(value, words):
    why = field_instant(value)
    assert isinstance(why, str) and words in why


def test_a_missing_value_is_none():
    assert field_instant(None) is None


# ---------------------------------------------------------------------------- the deadline

def test_the_deadline_is_the_fields_instant_and_the_target_the_working_time_up_to_it():
    v = one(RULE, [ask("A", "2026-11-09T09:00:00Z", "2026-11-09T12:00:00-03:00"),
                   {"lead": "A", "at": "2026-11-09T14:30:00Z", "type": "call"}], "2026-11-10T00:00:00Z")
    assert (v["status"], v["due_at"], v["target_seconds"]) == ("met", "2026-11-09T15:00:00+00:00", 6 * 3600)
    assert v["reason"].endswith("the requested time 2026-11-09 12:00 -03:00 (from `callback_at`).")


def test_a_deadline_outside_working_time_is_that_instant_with_the_working_time_before_it():
    v = one(RULE, [ask("B", "2026-11-09T10:00:00Z", "2026-11-09T20:00:00Z")], "2026-11-09T19:00:00Z")
    # 7h of working time (10:00-17:00); 75% of it is 15:15; 19:00 is before the 20:00 deadline
    assert (v["status"], v["due_at"], v["target_seconds"]) == ("at_risk", "2026-11-09T20:00:00+00:00", 7 * 3600)
    assert v["warn_at"] == "2026-11-09T15:15:00+00:00"
    late = one(RULE, [ask("B", "2026-11-09T10:00:00Z", "2026-11-09T20:00:00Z")], "2026-11-09T20:00:01Z")
    assert late["status"] == "breached"


def test_without_on_the_target_is_wall_clock_time():
    text = RULE.replace("due at callback_at on office for booked", "due at callback_at for booked")
    v = one(text, [ask("W", "2026-11-07T10:00:00Z", "2026-11-08T10:00:00Z")], "2026-11-07T11:00:00Z")
    assert (v["due_at"], v["target_seconds"]) == ("2026-11-08T10:00:00+00:00", 24 * 3600)


def test_warn_before_counts_back_from_the_fields_deadline():
    text = RULE.replace("warn at 75%", "warn 30m before")
    v = one(text, [ask("W", "2026-11-09T09:00:00Z", "2026-11-09T12:00:00Z")], "2026-11-09T11:40:00Z")
    assert (v["status"], v["warn_at"]) == ("at_risk", "2026-11-09T11:30:00+00:00")


@pytest.mark.parametrize("call, status", [("2026-11-09T11:00:00Z", "met"), ("2026-11-09T11:00:01Z", "breached")])
def test_an_instant_before_the_start_opens_the_cycle_past_due(call, status):
    v = one(RULE, [ask("P", "2026-11-09T11:00:00Z", "2026-11-09T10:00:00Z"),
                   {"lead": "P", "at": call, "type": "call"}], "2026-11-10T00:00:00Z")
    assert (v["status"], v["due_at"], v["target_seconds"]) == (status, "2026-11-09T11:00:00+00:00", 0)
    assert "the requested time 2026-11-09 10:00 +00:00 (from `callback_at`), which had passed when the cycle " \
           "started" in v["reason"]


def test_an_instant_before_the_start_is_breached_while_open():
    v = one(RULE, [ask("P", "2026-11-09T11:00:00Z", "2026-11-09T10:00:00Z")], "2026-11-09T11:00:01Z")
    assert v["status"] == "breached"


def test_a_pause_moves_the_deadline_by_the_working_time_it_covers():
    events = [ask("F", "2026-11-09T09:00:00Z", "2026-11-09T16:00:00Z"),
              {"lead": "F", "at": "2026-11-09T10:00:00Z", "type": "note", "fields": {"status": "waiting"}},
              {"lead": "F", "at": "2026-11-09T11:00:00Z", "type": "note", "fields": {"status": "open"}},
              {"lead": "F", "at": "2026-11-09T16:30:00Z", "type": "call"}]
    v = one(RULE, events, "2026-11-10T00:00:00Z")
    assert (v["status"], v["due_at"], v["target_seconds"]) == ("met", "2026-11-09T17:00:00+00:00", 7 * 3600)
    assert "the requested time 2026-11-09 16:00 +00:00 (from `callback_at`) before pauses moved it" in v["reason"]


def test_the_field_is_read_at_the_start_and_again_at_a_restart():
    events = [ask("G", "2026-11-09T09:00:00Z", "2026-11-09T12:00:00Z"),
              {"lead": "G", "at": "2026-11-09T10:00:00Z", "type": "note",
               "fields": {"callback_at": "2026-11-09T16:00:00Z"}},
              {"lead": "G", "at": "2026-11-09T11:00:00Z", "type": "rebook"},
              {"lead": "G", "at": "2026-11-09T15:00:00Z", "type": "call"}]
    got, _ = verdicts(RULE.replace("start on callback_requested", "start on callback_requested or rebook"),
                      events, "2026-11-10T00:00:00Z")
    assert [(v["cycle"], v["status"], v["due_at"]) for v in got] == [
        (1, "cancelled", "2026-11-09T12:00:00+00:00"),          # the 16:00 set at 10:00 changed nothing
        (2, "met", "2026-11-09T16:00:00+00:00")]               # the restart read it


def test_the_start_events_own_fields_are_read():
    v = one(RULE, [ask("S", "2026-11-09T09:00:00Z", None),
                   ask("S", "2026-11-09T09:00:00Z", "2026-11-09T10:00:00Z") | {"type": "noop"},
                   ], "2026-11-09T09:30:00Z")
    assert v["due_at"] == "2026-11-09T13:00:00+00:00"          # the field came after the start: 4h
    v = one(RULE, [ask("S", "2026-11-09T09:00:00Z", "2026-11-09T10:00:00Z")], "2026-11-09T09:30:00Z")
    assert v["due_at"] == "2026-11-09T10:00:00+00:00"


# ------------------------------------------------------------------- lines that do not apply

def test_a_missing_field_falls_back_silently_and_an_unusable_one_with_sla621_once():
    events = [ask("B", "2026-11-09T09:00:00Z", 1794322800),
              ask("A", "2026-11-09T09:00:00Z", "2026-11-09T15:00:00"),
              ask("C", "2026-11-09T09:00:00Z", None),
              ask("D", "2026-11-09T09:00:00Z", "2026-11-09T15:00:00Z")]
    got, diags = verdicts(RULE, events, "2026-11-09T10:00:00Z")
    assert {v["lead"]: v["due_at"] for v in got} == {
        "A": "2026-11-09T13:00:00+00:00", "B": "2026-11-09T13:00:00+00:00",
        "C": "2026-11-09T13:00:00+00:00", "D": "2026-11-09T15:00:00+00:00"}
    (found,) = [d for d in diags if d.code == "SLA621"]
    assert (found.line, found.column, found.severity) == (10, 10, "warning")
    # the first lead in lead order (A) and its value; both unusable leads counted
    assert "lead 'A' has \"2026-11-09T15:00:00\"" in found.message and "no offset" in found.message
    assert "2 leads in all" in found.message


def test_no_sla621_for_a_lead_a_for_line_before_it_takes():
    text = RULE.replace("  due at callback_at on office for booked\n",
                        "  within 1h for booked\n  due at callback_at on office\n")
    _, diags = verdicts(text, [ask("A", "2026-11-09T09:00:00Z", "bad")], "2026-11-09T10:00:00Z")
    assert not [d for d in diags if d.code == "SLA621"]


def test_a_due_line_without_for_is_tried_before_the_default_after_it():
    text = RULE.replace("  due at callback_at on office for booked\n", "  due at callback_at on office\n")
    got, _ = verdicts(text, [ask("A", "2026-11-09T09:00:00Z", "2026-11-09T16:00:00Z", kind="x"),
                             ask("B", "2026-11-09T09:00:00Z", None, kind="x")], "2026-11-09T10:00:00Z")
    assert [v["due_at"] for v in got] == ["2026-11-09T16:00:00+00:00", "2026-11-09T13:00:00+00:00"]


def test_a_failing_due_for_line_tries_the_next_for_line():
    text = RULE.replace("  within 4h on office\n", "  within 1h on office for booked\n  within 4h on office\n")
    v = one(text, [ask("A", "2026-11-09T09:00:00Z", None)], "2026-11-09T09:30:00Z")
    assert v["due_at"] == "2026-11-09T10:00:00+00:00"


def test_with_no_line_applying_the_start_is_not_tracked():
    text = RULE.replace("  within 4h on office\n", "")
    got, _ = verdicts(text, [ask("A", "2026-11-09T09:00:00Z", None)], "2026-11-09T09:30:00Z")
    assert got == []


def test_a_handoff_takes_its_deadline_from_a_field_too():
    text = HEAD + '''handoff proposal {
  owner sales
  start on demo_done
  stop on proposal_sent
  due at promised_by on office
  within 2d on office
}
'''
    v = one(text, [{"lead": "H", "at": "2026-11-09T09:00:00Z", "type": "demo_done",
                    "fields": {"promised_by": "2026-11-11T12:00:00Z"}},
                   {"lead": "H", "at": "2026-11-11T11:00:00Z", "type": "proposal_sent"}], "2026-11-12T00:00:00Z")
    assert (v["status"], v["due_at"], v["target_seconds"]) == ("met", "2026-11-11T12:00:00+00:00", 19 * 3600)


# ------------------------------------------------------------------------ fmt, lint, diff, explain

def test_fmt_round_trips_the_line():
    text = RULE.replace("due at callback_at on office for booked", "due   at  `callback at`  on office  for booked")
    out = slacode.format(text)
    assert "  due at `callback at` on office for booked\n" in out
    assert slacode.format(out) == out


def codes(text: str) -> list[tuple[str, int]]:
    return [(d.code, d.line) for d in slacode.api.lint(text, "t.sla")]


def test_lint_refuses_due_at_in_an_attempts_rule():
    text = HEAD + '''attempts follow {
  owner sales
  start on assigned
  due at callback_at
  at least 2 within 4h
}
'''
    found = [d for d in slacode.api.lint(text, "t.sla") if d.code == "SLA306"]
    assert [(d.line, d.severity) for d in found] == [(7, "error")] and "`due at`" in found[0].message


def test_lint_a_due_line_after_the_default_never_applies_and_one_before_it_is_no_second_default():
    after = RULE.replace("  due at callback_at on office for booked\n  within 4h on office\n",
                         "  within 4h on office\n  due at callback_at on office\n")
    assert ("SLA320", 11) in codes(after)
    before = RULE.replace("due at callback_at on office for booked", "due at callback_at on office")
    assert not [c for c in codes(before) if c[0] in ("SLA320", "SLA204", "SLA319")]


def test_lint_a_rule_without_a_fallback_line_is_told():
    alone = RULE.replace("  within 4h on office\n", "")
    assert ("SLA319", 10) in codes(alone)


def test_lint_a_line_after_a_due_line_of_its_segment_is_reachable():
    text = RULE.replace("  within 4h on office\n", "  within 1h for booked\n  within 4h on office\n")
    assert "SLA320" not in [c for c, _ in codes(text)]


def test_diff_names_an_added_line_and_a_changed_calendar():
    a = slacode.loads(RULE)
    b = slacode.loads(RULE.replace("due at callback_at on office for booked", "due at callback_at for booked"))
    assert [c.text for c in semantic_diff(a, b)] == ["deadline callback: the `due at callback_at` line for `booked`: "
                                                     "calendar office → (wall clock)"]
    c = slacode.loads(RULE.replace("due at callback_at", "due at booked_at"))
    texts = [c.text for c in semantic_diff(a, c)]
    assert "deadline callback: added the line `due at booked_at on office for booked`" in texts
    assert "deadline callback: removed the line `due at callback_at on office for booked`" in texts


def test_explain_tells_the_line_and_the_instant():
    agreement = slacode.loads(RULE)
    events = [ask("A", "2026-11-09T09:00:00Z", "2026-11-09T12:00:00-03:00")]
    lines = timeline(agreement.plan, "A", records_from_objects(events, diagnostics=[]), as_of_us("2026-11-09T10:00:00Z"))
    assert any("cycle 1 opens (due at callback_at on office for booked: 2026-11-09 12:00 -03:00, 6h of working time)"
               in line for line in lines), lines


# ------------------------------------------------------------------------------- properties

@settings(max_examples=60, deadline=None)
@given(start=st.integers(0, 7 * 24 * 60), ahead=st.integers(-3 * 24 * 60, 3 * 24 * 60),
       offset=st.integers(-12 * 4, 14 * 4), stop=st.integers(0, 4 * 24 * 60))
def test_wall_clock_deadline_is_the_instant_or_the_start(start, ahead, offset, stop):
    """Without `on`, the target is the wall-clock time to the instant (0 if it has passed),
    the deadline that instant (or the start), and a stop is met exactly when at or before it."""
    text = RULE.replace("due at callback_at on office for booked", "due at callback_at")
    base = datetime(2026, 11, 2, tzinfo=timezone.utc)
    started = base + timedelta(minutes=start)
    due = started + timedelta(minutes=ahead)
    zone = timezone(timedelta(minutes=15 * offset))
    stopped = started + timedelta(minutes=stop)
    v = one(text, [ask("L", started.isoformat(), due.astimezone(zone).isoformat()),
                   {"lead": "L", "at": stopped.isoformat(), "type": "call"}], "2026-12-31T00:00:00Z")
    expect_due = max(due, started)
    assert datetime.fromisoformat(v["due_at"]) == expect_due
    assert v["target_seconds"] == (expect_due - started).total_seconds()
    assert v["status"] == ("met" if stopped <= expect_due else "breached")


def test_due_at_outside_a_rule_is_said_to_belong_to_handoffs_and_deadlines():
    text = HEAD + "quota q {\n  owner sales\n  count call\n  due at callback_at\n  at least 1 per day\n}\n"
    (found,) = [d for d in slacode.api.lint(text, "t.sla") if d.severity == "error"]
    assert "`due` begins a clause of a `handoff` or `deadline` rule, not of a `quota`" in (found.hint or "")


def test_a_misspelt_due_field_is_told_by_sla616():
    text = RULE.replace("due at callback_at", "due at calback_at")
    _, diags = verdicts(text, [ask("A", "2026-11-09T09:00:00Z", "2026-11-09T16:00:00Z")], "2026-11-09T10:00:00Z")
    (found,) = [d for d in diags if d.code == "SLA616"]
    assert "`due at` of `callback`" in found.message and "`callback_at`" in found.message
