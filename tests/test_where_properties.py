"""SLA617 / SLA618 (review 20b #1, #2): a `where` of a trigger, a count or `first` reads the
event's own properties. At check time each read whose property some events of its type
lacked is reported once per run: SLA617 (a warning) when those events set the lead field of
that name or had a property of nearly that name, else SLA618 (information), saying how many,
the first of them, and what to write; `explain` says so under each event such a `where` left
out. Only events that lack the property are counted."""
from __future__ import annotations

import json

import pytest

import slacode
from slacode import parallel
from slacode.cli import main

AS_OF = "2026-11-20T00:00:00Z"

ACCEPT = '''agreement "a" { version "1"; timezone "UTC"; teams sales }
deadline accept {
  owner sales
  start on enter mql
  stop on lead_updated where status == "Accepted"
  within 24h
}
'''

CALLS = '''agreement "c" { version "1"; timezone "UTC"; teams sales }
attempts follow_up {
  owner sales
  start on assigned
  stop on enter sal
  count contact_attempt where outcome != "connected"
  at least 2 within 1d
}
'''


def ev(lead: str, at: str, type_: str, fields: dict | None = None, **props) -> dict:
    e = {"lead": lead, "at": f"2026-11-16T{at}:00Z", "type": type_, **props}
    if fields is not None:
        e["fields"] = fields
    return e


def found(text: str, events: list, code: str) -> list:
    result = slacode.loads(text).evaluate(events, as_of=AS_OF)
    return [d for d in result.diagnostics if d.code == code]


def accepted_by_field(lead: str) -> list:
    return [ev(lead, "10:00", "state", state="mql"), ev(lead, "12:00", "lead_updated", {"status": "Accepted"})]


def test_a_where_on_a_property_the_events_set_as_a_lead_field_is_a_warning_naming_it():
    events = [e for lead in ("B", "A", "C") for e in accepted_by_field(lead)]
    diag, = found(ACCEPT, events, "SLA617")
    assert diag.severity == "warning" and (diag.line, diag.column) == (5, 30) and diag.lead is None   # (the run's)
    assert diag.message.startswith("the `where` of `stop on lead_updated` in deadline `accept` reads the property "
                                   "`status`, which 3 `lead_updated` events did not have (first: lead 'A'")
    assert ("the leads of all of them have a field `status` (set by the event or an earlier one), which a `where` "
            "does not read") in diag.message
    assert "`!=` included" in diag.message
    assert 'write `stop when status == "Accepted"`' in diag.hint and "--ignore SLA617" in diag.hint
    assert not found(ACCEPT, events, "SLA618")


def test_events_that_carry_the_property_give_no_note():
    events = [ev("A", "10:00", "state", state="mql"), ev("A", "12:00", "lead_updated", status="Accepted")]
    result = slacode.loads(ACCEPT).evaluate(events, as_of=AS_OF)
    assert not [d for d in result.diagnostics if d.code in ("SLA617", "SLA618")]
    assert [v.status for v in result.verdicts] == ["met"]


def test_some_events_without_the_property_is_information_with_the_count():
    events = [ev("A", "10:00", "assigned", owner="ana"), ev("A", "11:00", "contact_attempt", outcome="busy"),
              ev("B", "10:00", "assigned", owner="ana"), ev("B", "11:00", "contact_attempt"),
              ev("B", "12:00", "contact_attempt", outcome=None)]        # null is no value (§9)
    diag, = found(CALLS, events, "SLA618")
    assert diag.severity == "info" and diag.lead is None
    assert "reads the property `outcome`, which 2 `contact_attempt` events did not have" in diag.message
    assert "for those events every comparison on it is false, `!=` included (docs/language.md, Predicates)" in diag.message
    assert 'write `not (outcome == "connected")`' in diag.hint and "--ignore SLA618" in diag.hint
    assert not found(CALLS, events, "SLA617")
    # the same whatever the input's order (one note per run, the first lead in lead order,
    # its first such event in time order: here on the input's event 2)
    again, = found(CALLS, events[::-1], "SLA618")
    assert again.message == diag.message.replace("event 4)", "event 2)") != diag.message


def test_first_where_and_quota_counts_are_read_too():
    text = CALLS.replace("  at least 2 within 1d\n", '  at least 2 within 1d\n  first where channel != "email"\n') + \
        'quota holds {\n  owner sales\n  count update where on_hold == true\n  at least 1 per month\n}\n'
    events = [ev("A", "10:00", "assigned", owner="ana"), ev("A", "11:00", "contact_attempt", outcome="busy"),
              ev("A", "12:00", "update", {"on_hold": True})]
    (note,) = found(text, events, "SLA618")                 # no `channel`, nothing like it
    assert (note.line, note.message.split(" reads")[0]) == (8, "`first where` of attempts `follow_up`")
    (diag,) = found(text, events, "SLA617")                 # `on_hold` is a lead field of the update
    assert (diag.line, diag.message.split(" reads")[0]) == (12, "the `where` of `count update` in quota `holds`")
    assert "send `on_hold` as a property of the event" in diag.hint


def test_a_property_of_nearly_that_name_is_a_warning_that_names_it():
    events = [ev("A", "10:00", "assigned", owner="ana"), ev("A", "11:00", "contact_attempt", outcom="busy"),
              ev("A", "12:00", "contact_attempt", outcom="voicemail")]
    diag, = found(CALLS, events, "SLA617")
    assert "which 2 `contact_attempt` events did not have (first: lead 'A', event 2); the first of them has a " \
        "property `outcom`" in diag.message
    assert diag.hint.startswith("check the name: the `where` reads `outcome`, the events send `outcom`")
    assert not found(CALLS, events, "SLA618")


def test_a_lead_whose_events_have_the_property_adds_no_note_to_its_outcome():
    from slacode.evaluate import LeadFold
    from slacode.events import records_from_objects

    plan = slacode.loads(CALLS).plan
    fold = LeadFold(plan, "A")
    for rec in records_from_objects([ev("A", "10:00", "assigned", owner="ana"),
                                     ev("A", "11:00", "contact_attempt", outcome="busy")], diagnostics=[]):
        fold.feed(rec)
    fold.verdicts(10**18)
    assert not fold.notes


def test_check_reports_once_per_run_and_ignore_leaves_it_out(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 0)
    spec = tmp_path / "a.sla"
    spec.write_text(ACCEPT)
    events = tmp_path / "e.jsonl"
    events.write_text("".join(json.dumps(e) + "\n" for lead in "ABCDEF" for e in accepted_by_field(lead)))
    for jobs in ("1", "2"):
        main(["check", str(spec), str(events), "--as-of", AS_OF, "--format", "json", "--jobs", jobs])
        diags = [d for d in json.loads(capsys.readouterr().out)["diagnostics"] if d["code"] == "SLA617"]
        assert len(diags) == 1 and "which 6 `lead_updated` events did not have" in diags[0]["message"], jobs
    main(["check", str(spec), str(events), "--as-of", AS_OF, "--format", "json", "--ignore", "SLA617"])
    assert not [d for d in json.loads(capsys.readouterr().out)["diagnostics"] if d["code"] == "SLA617"]


def test_explain_notes_each_event_the_where_left_out(tmp_path, capsys):
    spec = tmp_path / "c.sla"
    spec.write_text(CALLS)
    events = tmp_path / "e.jsonl"
    rows = [ev("B", "10:00", "assigned", owner="ana"), ev("B", "11:00", "contact_attempt", id="b1"),
            ev("B", "12:00", "contact_attempt", id="b2", outcome="busy"),
            ev("B", "13:00", "contact_attempt", id="b3", outcome="connected")]
    events.write_text("".join(json.dumps(e) + "\n" for e in rows))
    main(["explain", str(spec), str(events), "--lead", "B", "--as-of", AS_OF])
    out = capsys.readouterr().out.splitlines()
    note = ("    follow_up: the `where` of `count contact_attempt` left this event out: it has no property "
            "`outcome`, and a missing property makes every comparison false, `!=` included")
    at = [i for i, line in enumerate(out) if "contact_attempt  [" in line]
    assert out[at[0] + 1] == note                          # b1: no outcome
    assert note not in out[at[1] + 1:]                     # b2 counted, b3 left out by its value
    assert out.count(note) == 1


def test_explain_names_the_lead_field_the_event_set(tmp_path, capsys):
    spec = tmp_path / "a.sla"
    spec.write_text(ACCEPT)
    events = tmp_path / "e.jsonl"
    events.write_text("".join(json.dumps(e) + "\n" for e in accepted_by_field("A")))
    main(["explain", str(spec), str(events), "--lead", "A", "--as-of", AS_OF])
    out = capsys.readouterr().out
    assert ("accept: the `where` of `stop on lead_updated` left this event out: it has no property `status` (it "
            "sets the lead field `status`, which a `where` does not read)") in out


@pytest.mark.parametrize("where", ['not (status == "x")', 'status == "x" or kind == "y"'])
def test_explain_says_nothing_when_the_where_matched_all_the_same(tmp_path, capsys, where):
    spec = tmp_path / "a.sla"
    spec.write_text(ACCEPT.replace('status == "Accepted"', where))
    events = tmp_path / "e.jsonl"
    rows = [ev("A", "10:00", "state", state="mql"), ev("A", "12:00", "lead_updated", kind="y")]
    events.write_text("".join(json.dumps(e) + "\n" for e in rows))
    main(["explain", str(spec), str(events), "--lead", "A", "--as-of", AS_OF])
    assert "left this event out" not in capsys.readouterr().out


def test_check_with_lead_shows_the_runs_notes_whichever_lead_came_first(tmp_path, capsys):
    spec = tmp_path / "a.sla"
    spec.write_text(ACCEPT)
    events = tmp_path / "e.jsonl"
    events.write_text("".join(json.dumps(e) + "\n" for lead in "AB" for e in accepted_by_field(lead)))
    for lead in ("A", "B"):
        main(["check", str(spec), str(events), "--as-of", AS_OF, "--lead", lead])
        out, err = capsys.readouterr()
        assert "SLA617" in out and "other leads' lines" not in err, lead


def test_a_lead_field_set_by_an_earlier_event_is_the_same_mistake():
    text = ACCEPT.replace('stop on lead_updated where status == "Accepted"', 'stop on assigned where tier == "gold"')
    events = [ev("A", "10:00", "state", {"tier": "gold"}, state="mql"), ev("A", "11:00", "assigned", owner="ana")]
    diag, = found(text, events, "SLA617")
    assert "its lead has a field `tier`" in diag.message and 'write `stop when tier == "gold"`' in diag.hint


@pytest.mark.parametrize("where", ['not (outcome == "connected")', 'outcome exists and outcome != "connected"',
                                   'outcome missing or outcome != "connected"'])
def test_a_where_that_says_what_a_missing_property_means_is_not_reported(where):
    events = [ev("B", "10:00", "assigned", owner="ana"), ev("B", "11:00", "contact_attempt")]
    text = CALLS.replace('outcome != "connected"', where)
    assert not found(text, events, "SLA618") and not found(text, events, "SLA617")
    assert found(CALLS, events, "SLA618")                   # (the plain form is)


FIRST = '''agreement "cad" { version "1"; timezone "UTC"; teams sales }
attempts follow_up {
  owner sales
  start on assigned
  stop on won
  restart on reopened
  count meeting_invite or contact_attempt where channel != "sms"
  at least 2 within 2d
  first where channel == "phone"
}
'''


def test_first_where_counts_only_the_first_attempts_it_judges():
    """review 21e (older note): `first where` judges a cycle's first attempt only; an attempt
    after it (e5) or an event of a counted type that is no attempt (e6) is not what it read."""
    events = [ev("A", "10:00", "assigned", id="e1"), ev("A", "11:00", "contact_attempt", id="e2", channel="sms"),
              ev("A", "12:00", "contact_attempt", id="e3", channel="email"),
              ev("A", "13:00", "contact_attempt", id="e4", channel="phone"),
              ev("A", "14:00", "meeting_invite", id="e5"), ev("A", "15:00", "contact_attempt", id="e6")]
    assert not [d for d in found(FIRST, events, "SLA618") if d.message.startswith("`first where`")]
    # cycle 2's first attempt has no channel (e8), nor has the first of lead B (b2): said, with
    # how many first attempts of each type, and the first of them
    events += [ev("A", "16:00", "reopened", id="e7"), ev("A", "17:00", "meeting_invite", id="e8"),
               ev("A", "18:00", "meeting_invite", id="e9"),
               ev("B", "10:00", "assigned", id="b1"), ev("B", "11:00", "meeting_invite", id="b2")]
    notes = [d for d in found(FIRST, events, "SLA618") if d.message.startswith("`first where`")]
    assert [d.message.split(": for")[0] for d in notes] == [
        "`first where` of attempts `follow_up` reads the property `channel`, which 2 first attempts "
        "(`meeting_invite` events) did not have (first: lead 'A', event 8)"]
    (note,) = [d for d in found(FIRST, events[:9], "SLA618") if d.message.startswith("`first where`")]   # A alone
    assert "which one first attempt (a `meeting_invite` event) did not have (lead 'A', event 8)" in note.message


# review 28 (F7): a lead-level `channel` beside an attempt's own; most attempts carry it
CHANNEL = '''agreement "ch" { version "1"; timezone "UTC"; teams sales }
attempts follow {
  owner sales
  start on assigned
  stop on won
  count contact_attempt where channel == "phone"
  at least 2 within 1d
}
'''


def test_a_few_events_without_a_property_most_carry_are_a_note_even_beside_a_lead_field():
    events = [ev("L1", "09:00", "assigned", {"channel": "paid_search"}, owner="ana"),
              ev("L1", "09:10", "contact_attempt", channel="phone"),
              ev("L1", "09:20", "contact_attempt", channel="phone"),
              ev("L1", "09:30", "contact_attempt", note="logged from mobile app")]
    assert found(CHANNEL, events, "SLA617") == []
    note, = found(CHANNEL, events, "SLA618")
    assert ("reads the property `channel`, which one `contact_attempt` event did not have (lead 'L1', event 4; "
            "2 others of the same lead had it): for that event") in note.message
    assert "a field `channel`" not in note.message and "lead's fields" not in note.hint
    # the count adds up over the leads that had such an event (not over the others)
    more = events + [ev("L2", "09:00", "assigned", {"channel": "web"}, owner="ana"),
                     ev("L2", "09:10", "contact_attempt"), ev("L2", "09:20", "contact_attempt", channel="sms"),
                     ev("L2", "09:30", "contact_attempt", channel="sms"),
                     ev("L3", "09:00", "assigned", owner="ana"), ev("L3", "09:10", "contact_attempt", channel="x")]
    note, = found(CHANNEL, more, "SLA618")
    assert "which 2 `contact_attempt` events did not have (first: lead 'L1', event 4; 4 others of the same " \
           "leads had it)" in note.message
    # as many without as with it (L3's attempt is not counted: its lead lacked none)
    assert len(found(CHANNEL, more[:6], "SLA617")) == 1


def test_events_that_mostly_lack_the_property_their_lead_has_are_still_the_warning():
    events = [ev("L1", "09:00", "assigned", {"channel": "paid_search"}, owner="ana"),
              ev("L1", "09:10", "contact_attempt", channel="phone"),
              ev("L1", "09:20", "contact_attempt"), ev("L1", "09:30", "contact_attempt")]
    diag, = found(CHANNEL, events, "SLA617")
    assert "which 2 `contact_attempt` events did not have (first: lead 'L1', event 3; 1 other of the same lead " \
           "had it); the leads of all of them have a field `channel`" in diag.message
    assert found(CHANNEL, events, "SLA618") == []
    # half and half is no "mostly": still the warning
    assert len(found(CHANNEL, events[:3], "SLA617")) == 1


def test_a_property_of_nearly_that_name_on_a_few_events_most_spell_right_is_a_note_naming_it():
    events = [ev("A", "10:00", "assigned", owner="ana")] + \
        [ev("A", f"1{i}:00", "contact_attempt", outcome="busy") for i in range(1, 4)] + \
        [ev("A", "15:00", "contact_attempt", outcom="voicemail")]
    assert found(CALLS, events, "SLA617") == []
    note, = found(CALLS, events, "SLA618")
    assert "it has a property `outcom`" in note.message and "3 others of the same lead had it" in note.message
    assert note.hint.startswith("check the name: the `where` reads `outcome`, the events send `outcom`")
