"""SLA6xx: each evaluation code has an event fixture that triggers it at an exact place.

A fixture ``tests/fixtures/codes/SLA6xx.jsonl`` starts with ``# expect: CODE LINE:COL``
lines (the place: in the event file for event problems, in ``tests/fixtures/evaluation.sla``
for problems located in the agreement) and a ``# as-of: T`` line; it is evaluated against
``tests/fixtures/evaluation.sla`` (or the one a ``# agreement: NAME.sla`` line names). Header lines are not events (they are reported as
malformed lines, which this test ignores).
"""
from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import slacode
from slacode.evaluate import as_of_us
from slacode.events import iter_records
from slacode.stream import evaluate_stream

FIXTURES = Path(__file__).resolve().parent / "fixtures"
CASES = sorted((FIXTURES / "codes").glob("SLA6*.jsonl"))


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.stem)
def test_evaluation_code_at_its_place(path):
    text = path.read_text()
    expected = [(m.group(1), int(m.group(2)), int(m.group(3)))
                for m in re.finditer(r"^# expect: (SLA\d+) (\d+):(\d+)$", text, re.M)]
    as_of = as_of_us(re.search(r"^# as-of: (\S+)$", text, re.M).group(1))
    other = re.search(r"^# agreement: (\S+)$", text, re.M)      # another agreement of fixtures/
    agreement = slacode.load(FIXTURES / (other.group(1) if other else "evaluation.sla"))
    diags: list = []
    evaluate_stream(agreement.plan, lambda d: iter_records([str(path)], diagnostics=d, as_of_us=as_of),
                    as_of, diags, [str(path)])
    got = sorted((d.code, d.line, d.column) for d in diags if d.code == path.stem)
    assert got == sorted(expected), [(d.code, d.line, d.column, d.message) for d in diags]
    assert all(d.path for d in diags if d.code == path.stem)


def test_sla602_names_the_field_and_the_type_the_comparison_needs():
    agreement = slacode.loads('agreement "x" { timezone "UTC"; teams sales }\nsegment hot = score >= 80\n'
                              'segment br = country == "BR"\nsegment mixed = tier in [1, "gold"]\n'
                              "deadline d {\n  owner sales\n  start on assigned\n  stop on call\n"
                              "  within 4h for hot\n  within 2h for br\n  within 1h for mixed\n  within 8h\n}\n")
    result = agreement.evaluate([{"lead": "A", "at": "2026-11-20T10:00:00Z", "type": "assigned",
                                  "fields": {"score": "90", "country": 55, "tier": 2.5}}],
                                as_of="2026-11-20T12:00:00Z")
    found = {d.message.split("`")[1]: d for d in result.diagnostics if d.code == "SLA602"}
    assert found["score"].message.startswith("`score` held text where this comparison needs a number")
    assert found["score"].hint == "send `score` as a JSON number (without quotes), or compare it with text here"
    assert found["country"].message.startswith("`country` held a number where this comparison needs text")
    assert found["country"].hint == "send `country` as text (in quotes), or compare it with a number here"
    # a list of both types needs neither in particular
    assert found["tier"].message.startswith("`tier` was compared here with a value of the other type")


def test_sla602_names_the_first_lead_in_lead_order_its_value_and_how_many_leads():
    agreement = slacode.loads('agreement "x" { timezone "UTC"; teams sales }\nsegment hot = score >= 80\n'
                              "deadline d {\n  owner sales\n  start on assigned\n  stop on call\n"
                              "  within 4h for hot\n  within 8h\n}\n")
    events = [{"lead": lead, "at": f"2026-11-20T10:0{i}:00Z", "type": "assigned", "fields": {"score": score}}
              for i, (lead, score) in enumerate([("L2", "95"), ("L1", "x" * 60), ("L3", 90), ("L0", "70")])]
    for given in (events, events[::-1]):
        notes = [d.message for d in agreement.evaluate(given, as_of="2026-11-20T12:00:00Z").diagnostics
                 if d.code == "SLA602"]
        # L3's number compares; L0 comes first among the three leads whose score is text
        assert notes == ['`score` held text where this comparison needs a number (lead \'L0\' has "70"; '
                         "3 leads in all); such comparisons are false"]
    one = agreement.evaluate(events[1:2], as_of="2026-11-20T12:00:00Z").diagnostics
    assert [d.message for d in one if d.code == "SLA602"] == [
        '`score` held text where this comparison needs a number (lead \'L1\' has "' + "x" * 36 + '…); '
        "such comparisons are false"]


def test_sla605_a_type_nearly_one_the_agreement_reads_is_reported_once_with_its_leads():
    agreement = slacode.loads('agreement "x" { timezone "UTC"; teams sales }\n'
                              "deadline d {\n  owner sales\n  start on assigned\n  stop on call_made\n  within 4h\n}\n")
    events = [{"lead": lead, "at": "2026-11-20T10:00:00Z", "type": typ}
              for lead, typ in [("B", "call_mad"), ("A", "Call Made"), ("C", "call_mad"), ("A", "call_mad"),
                                ("D", "reassigned"), ("D", "note"), ("D", "call_made2"), ("D", "Assigned")]]
    found = [(d.line, d.lead, d.message) for d in agreement.evaluate(events, as_of="2026-11-20T12:00:00Z").diagnostics
             if d.code == "SLA605"]
    read = "which the agreement reads (line 5, column 11)"
    assert found == [       # in the input's order
        (2, "A", "lead 'A' has an event of type 'Call Made', which nothing in the agreement reads; did you mean "
                 f"`call_made`, {read}?"),
        (4, "A", "lead 'A' has an event of type 'call_mad', which nothing in the agreement reads; did you mean "
                 f"`call_made`, {read}? (3 leads have one)"),
        (8, "D", "lead 'D' has an event of type 'Assigned', which nothing in the agreement reads; did you mean "
                 "`assigned`?")]


@pytest.mark.parametrize("event, words", [
    ({"assignee": "ana"}, "with no `owner`, but a property `assignee`"),
    ({"Sales Rep": "ana"}, "with no `owner`, but a property `Sales Rep`"),
    # the spellings of CRM exports (review 21c): Salesforce's `Owner`, `Lead Owner`, HubSpot's `Contact owner`
    ({"Owner": "ana"}, "with no `owner`, but a property `Owner`"),
    ({"Lead Owner": "ana"}, "with no `owner`, but a property `Lead Owner`"),
    ({"Contact owner": "ana"}, "with no `owner`, but a property `Contact owner`"),
    ({"fields": {"owner": "ana"}}, "with no `owner` property, but a lead field `owner` in `fields`"),
    ({"owner": ""}, "with an empty `owner`")])
def test_sla606_an_assigned_event_that_names_no_rep_is_reported_with_what_it_has_instead(event, words):
    agreement = slacode.loads('agreement "x" { timezone "UTC"; teams sales }\n'
                              "deadline d {\n  owner sales\n  start on assigned\n  stop on call\n  within 4h\n}\n")
    events = [{"lead": lead, "at": "2026-11-20T10:00:00Z", "type": "assigned", **event} for lead in ("B", "A")]
    events.append({"lead": "C", "at": "2026-11-20T10:00:00Z", "type": "assigned", "owner": "bo"})
    result = agreement.evaluate(events, as_of="2026-11-20T12:00:00Z")
    (found,) = [d for d in result.diagnostics if d.code == "SLA606"]
    assert (found.lead, found.line, found.severity) == ("A", 2, "warning")
    assert f"lead 'A' has an `assigned` event {words}" in found.message
    assert found.message.endswith("; 2 leads have such an event")
    after = ('the lead has no rep from then on (its verdicts show the assignee `""`)' if event.get("owner") == ""
             else "the lead is unassigned from then on")
    assert f": {after};" in found.message
    # the assignee is the owner property as sent (§4): none, or the empty text
    assert [v.assignee for v in result.verdicts] == [event.get("owner")] * 2 + ["bo"]


def test_sla606_an_assigned_event_with_nothing_like_an_owner_only_unassigns():
    agreement = slacode.loads('agreement "x" { timezone "UTC"; teams sales }\n'
                              "deadline d {\n  owner sales\n  start on assigned\n  stop on call\n  within 4h\n}\n")
    events = [{"lead": "A", "at": "2026-11-20T10:00:00Z", "type": "assigned", "owner": "ana"},
              {"lead": "A", "at": "2026-11-20T10:30:00Z", "type": "assigned", "channel": "web",
               "fields": {"score": 5}},
              {"lead": "B", "at": "2026-11-20T10:30:00Z", "type": "assigned", "owner": None, "assignee": "x"},
              # a property naming the rep before this one says nothing of the new one
              {"lead": "C", "at": "2026-11-20T10:30:00Z", "type": "assigned", "previous_owner": "ana"}]
    result = agreement.evaluate(events, as_of="2026-11-20T12:00:00Z")
    assert not result.diagnostics
    assert [v.assignee for v in result.verdicts] == [None, None, None]


def test_sla604_an_owner_that_names_no_rep_is_used_as_text_and_reported():
    agreement = slacode.loads('agreement "x" { timezone "UTC"; teams sales }\n'
                              "deadline d {\n  owner sales\n  start on assigned\n  stop on call\n  within 4h\n}\n")
    result = agreement.evaluate([
        {"lead": "A", "at": "2026-11-20T10:00:00Z", "type": "assigned", "owner": ["ana", "bo"]},
        {"lead": "B", "at": "2026-11-20T10:00:00Z", "type": "assigned", "owner": 1234},
        {"lead": "C", "at": "2026-11-20T10:00:00Z", "type": "assigned", "owner": True}],
        as_of="2026-11-20T12:00:00Z")
    assert [(v.lead, v.assignee) for v in result.verdicts] == [("A", '["ana", "bo"]'), ("B", "1234"), ("C", "true")]
    found = [(d.code, d.lead, d.line) for d in result.diagnostics]
    assert found == [("SLA604", "A", 1), ("SLA604", "C", 3)], found


def test_an_owner_of_another_number_type_is_the_same_rep_as_the_plain_number():
    from decimal import Decimal
    from enum import IntEnum

    class Rep(IntEnum):
        BO = 1234

    agreement = slacode.loads('agreement "x" { timezone "UTC"; teams sales }\n'
                              "deadline d {\n  owner sales\n  start on assigned\n  stop on call\n  within 4h\n}\n")
    owners = {"A": 1234, "B": Decimal("1234"), "C": Rep.BO, "D": Decimal("12.50"), "E": ("ana", "bo"),
              "F": {"ana"}}
    result = agreement.evaluate([{"lead": lead, "at": "2026-11-20T10:00:00Z", "type": "assigned", "owner": owner}
                                 for lead, owner in owners.items()], as_of="2026-11-20T12:00:00Z")
    assert [(v.lead, v.assignee) for v in result.verdicts] == [
        ("A", "1234"), ("B", "1234"), ("C", "1234"), ("D", "12.5"), ("E", '["ana", "bo"]'), ("F", '["ana"]')]
    assert [(d.code, d.lead) for d in result.diagnostics] == [("SLA604", "E"), ("SLA604", "F")]


@pytest.mark.parametrize("word, meant", [
    ("asigned", "assigned"), ("assignde", "assigned"), ("Assigned", "assigned"),
    ("Contact Attempt", "contact_attempt"), ("contact-attempt", "contact_attempt"),
    ("contact_atempt", "contact_attempt"), ("contact_attempts", "contact_attempt"),
    ("emial_sent", "email_sent"),
    # different events, not typos: another word, a number, a prefix, short words, two edits
    ("email_open", None), ("reassigned", None), ("assigned2", None), ("stat", None), ("note", None),
    ("stage", None),
    ("contcat_atempt", None), ("assigned", None)])
def test_typo_of_finds_only_a_near_spelling_of_one_type(word, meant):
    from slacode.texts import typo_of

    assert typo_of(word, ["state", "assigned", "contact_attempt", "email_sent", "Contact_Attempt"]) == meant


def test_typo_of_gives_nothing_when_two_types_are_equally_near():
    from slacode.texts import typo_of

    assert typo_of("call_mode", ["call_made", "call_node"]) is None
    assert typo_of("call_mode", ["call_made", "call_nodes"]) == "call_made"


def test_sla607_a_stop_just_before_its_start_at_the_same_instant_is_said_once_per_rule():
    agreement = slacode.loads('agreement "x" { timezone "UTC"; teams sales }\n'
                              "deadline d {\n  owner sales\n  start on assigned\n  stop on call\n  within 4h\n}\n")
    at = "2026-11-20T10:00:00Z"
    events = [{"lead": "B", "at": at, "type": "call"}, {"lead": "B", "at": at, "type": "assigned"},
              {"lead": "A", "at": at, "type": "call"}, {"lead": "A", "at": at, "type": "assigned"},
              # the start first, or a call a second earlier: nothing to say
              {"lead": "C", "at": at, "type": "assigned"}, {"lead": "C", "at": at, "type": "call"},
              {"lead": "E", "at": "2026-11-20T09:59:59Z", "type": "call"}, {"lead": "E", "at": at, "type": "assigned"}]
    result = agreement.evaluate(events, as_of="2026-11-20T18:00:00Z")
    (found,) = [d for d in result.diagnostics if d.code == "SLA607"]
    assert (found.lead, found.line, found.severity) == ("A", 3, "warning")
    assert "stops `d`, but comes before the event that starts it at the same instant" in found.message
    assert found.message.endswith("(in 2 leads)")
    assert {v.lead: v.status for v in result.verdicts} == {"A": "breached", "B": "breached", "C": "met",
                                                            "E": "breached"}


def test_sla339_leaves_close_types_of_one_rule_alone():
    import slacode

    text = ('agreement "a" { version "1"; timezone "UTC"; teams sales }\n'
            "deadline d {\n  owner sales\n  start on meeting_set\n  stop on reply or replay\n  within 4h\n}\n"
            "deadline e {\n  owner sales\n  start on meeting_set\n  stop on replay\n  within 4h\n}\n"
            "deadline f {\n  owner sales\n  start on meeting_met\n  stop on repyl\n  within 4h\n}\n")
    found = [(d.span.line, d.message.split("`")[1]) for d in slacode.lint(text) if d.code == "SLA339"]
    # `meeting_met` and `meeting_set` are each used in one rule with no other; `repyl` is
    # nearly `reply`/`replay` from another rule: both equally near, so no guess
    assert found == [(16, "meeting_met")]


def test_sla608_an_attempt_just_before_its_start_at_the_same_instant_is_said_once_per_rule():
    agreement = slacode.loads('agreement "x" { timezone "UTC"; teams sales }\n'
                              "attempts f {\n  owner sales\n  start on assigned\n  restart on reassigned\n"
                              "  stop on won\n  at least 2 within 1d\n}\n")
    at = "2026-11-20T10:00:00Z"
    events = [{"lead": "B", "at": at, "type": "contact_attempt"}, {"lead": "B", "at": at, "type": "assigned"},
              {"lead": "A", "at": at, "type": "contact_attempt"}, {"lead": "A", "at": at, "type": "assigned"},
              # the start first, an attempt a second earlier, or one counted in the cycle a restart closes
              {"lead": "C", "at": at, "type": "assigned"}, {"lead": "C", "at": at, "type": "contact_attempt"},
              {"lead": "E", "at": "2026-11-20T09:59:59Z", "type": "contact_attempt"},
              {"lead": "E", "at": at, "type": "assigned"},
              {"lead": "R", "at": "2026-11-20T09:00:00Z", "type": "assigned"},
              {"lead": "R", "at": at, "type": "contact_attempt"}, {"lead": "R", "at": at, "type": "reassigned"}]
    result = agreement.evaluate(events, as_of="2026-11-20T18:00:00Z")
    assert [d.code for d in result.diagnostics] == ["SLA608"]
    (found,) = result.diagnostics
    assert (found.lead, found.line, found.severity) == ("A", 3, "warning")
    assert "`f` counts this event as an attempt, but it comes before the event that starts the cycle" in found.message
    assert found.message.endswith("(in 2 leads)")


def test_sla609_a_boolean_against_its_spelling_as_text_is_said_and_keeps_its_meaning():
    agreement = slacode.loads(
        'agreement "x" { timezone "UTC"; teams sales }\n'
        "deadline held {\n  owner sales\n  start on assigned\n  stop on call\n  pause while on_hold == true\n"
        "  within 1h\n}\n"
        "deadline vip {\n  owner sales\n  start on assigned where vip != \"true\"\n  stop on call\n  within 1h\n}\n"
        "deadline tier {\n  owner sales\n  start on assigned where tier in [true, \"gold\"]\n  stop on call\n"
        "  within 1h\n}\n")
    events = [{"lead": "A", "at": "2026-11-20T10:00:00Z", "type": "assigned", "owner": "x", "vip": True,
               "tier": "True", "fields": {"on_hold": "TRUE"}},
              {"lead": "B", "at": "2026-11-20T10:00:00Z", "type": "assigned", "owner": "x", "vip": "yes",
               "tier": "yes", "fields": {"on_hold": "yes"}},
              {"lead": "C", "at": "2026-11-20T10:00:00Z", "type": "assigned", "owner": "x", "vip": False,
               "fields": {"on_hold": True}}]
    result = agreement.evaluate(events, as_of="2026-11-20T12:00:00Z")
    status = {(v.lead, v.rule): v.status for v in result.verdicts}
    # the text "TRUE" is not the boolean: A's clock never paused; C's did
    assert status[("A", "held")] == "breached" and status[("C", "held")] == "paused"
    # `!=` keeps the language's meaning (a boolean equals no text), the warning only explains
    assert status[("A", "vip")] == "breached" and status[("C", "vip")] == "breached"
    assert ("A", "tier") not in status                 # "True" is not `true`
    found = sorted((d.line, d.message.split("`")[1], d.hint) for d in result.diagnostics if d.code == "SLA609")
    assert found == [
        (6, "on_hold", 'compare `on_hold` with the text the export writes ("TRUE", in quotes), or send it as '
                       "a JSON true/false"),
        (11, "vip", "compare `vip` with `true`, without quotes"),
        (17, "tier", 'compare `tier` with the text the export writes ("True", in quotes), or send it as '
                     "a JSON true/false")], result.diagnostics
    # other text (B's "yes") is no boolean's spelling: nothing said about it
    assert not any("'B'" in d.message for d in result.diagnostics)


def test_sla605_says_either_name_may_be_misspelt_but_never_the_language_s_own_types():
    agreement = slacode.loads('agreement "x" { timezone "UTC"; teams sales }\n'
                              "deadline d {\n  owner sales\n  start on assigned\n  stop on contact_atempt\n"
                              "  within 4h\n}\nquota q {\n  owner sales\n  count contact_atempt\n  at least 1 per month\n}\n")
    events = [{"lead": "A", "at": "2026-11-20T10:00:00Z", "type": "contact_attempt"},
              {"lead": "A", "at": "2026-11-20T10:05:00Z", "type": "Assigned"}]
    found = {d.line: d for d in agreement.evaluate(events, as_of="2026-11-20T12:00:00Z").diagnostics
             if d.code == "SLA605"}
    # the first trigger of the file naming the type: the rule's, not the quota's
    assert "`contact_atempt`, which the agreement reads (line 5, column 11)?" in found[1].message
    assert found[1].hint.startswith("one of the two is misspelt: fix the type where the events are made "
                                    "(`contact_atempt`), or, if the events have it right, write `contact_attempt` "
                                    "in the agreement (line 5, column 11)")
    # `assigned` means what the language says: the events are wrong
    assert found[2].message.endswith("did you mean `assigned`?")
    assert found[2].hint.startswith("fix the type where the events are made (`assigned`)")


def test_sla616_a_field_read_by_the_agreement_that_leads_never_had_beside_one_nearly_so_named():
    agreement = slacode.loads('agreement "x" { timezone "UTC"; teams sales }\n'
                              "segment big = employes >= 1000\n"
                              "handoff h {\n  owner sales\n  start on enter mql\n  stop on enter sal\n"
                              "  within 1h\n  require emial, name where region != \"X\"\n}\n"
                              "deadline d {\n  owner sales\n  start on assigned\n  stop on call\n  within 4h for big\n"
                              "  within 8h\n}\n")
    def ev(lead, fields, t="assigned"):
        return {"lead": lead, "at": "2026-11-20T10:00:00Z", "type": t, "fields": fields}

    events = [ev("B", {"employees": 5000, "email": "b@x", "nmae": "B", "Region": "EU"}),
              ev("A", {"employees": 20, "email": None}),           # a field set to null was still had
              ev("C", {"employees": 3}),
              ev("D", {"mail": "d@x", "regions": "EU"}),           # `mail`: two letters off `emial`
              ev("E", {"nam": "e", "emal": None, "na": 1})]        # `nam`: under four letters
    diags = [d for d in agreement.evaluate(events, as_of="2026-11-20T12:00:00Z").diagnostics if d.code == "SLA616"]
    assert all(d.lead is None for d in diags)            # about the run: the message names the lead
    got = [(d.line, d.column, d.message) for d in diags]
    assert got == [
        (2, 15, "segment `big` reads the lead field `employes`, which lead 'A' never had, but it had a field "
                     "`employees`: did you mean `employees`? (3 leads have `employees` and no `employes`)"),
        (8, 11, "`require` of `h` reads the lead field `emial`, which lead 'A' never had, but it had a field "
                     "`email`: did you mean `email`? (2 leads have `email` and no `emial`)"),
        (8, 11, "`require` of `h` reads the lead field `emial`, which lead 'E' never had, but it had a field "
                     "`emal`: did you mean `emal`?"),
        (8, 18, "`require` of `h` reads the lead field `name`, which lead 'B' never had, but it had a field "
                     "`nmae`: did you mean `nmae`?"),
        (8, 29, "`require … where` of `h` reads the lead field `region`, which lead 'B' never had, but it had a "
                     "field `Region`: did you mean `Region`?"),
        (8, 29, "`require … where` of `h` reads the lead field `region`, which lead 'D' never had, but it had a "
                     "field `regions`: did you mean `regions`?")]
    assert diags[0].hint.startswith("one of the two names is misspelt: write `employees` here if the events have "
                                    "it right, or fix the field where the events are made (`employes`)")
    # the same notes whatever the input's order, and none when the names are right
    again = agreement.evaluate(events[::-1], as_of="2026-11-20T12:00:00Z").diagnostics
    assert [(d.line, d.column, d.message) for d in again if d.code == "SLA616"] == got
    right = [ev("A", {"employes": 1, "emial": "x", "name": "n", "region": "r", "other": 1})]
    assert not [d for d in agreement.evaluate(right, as_of="2026-11-20T12:00:00Z").diagnostics
                if d.code == "SLA616"]


def test_sla601_suggests_the_declared_state_an_unknown_one_misspells():
    agreement = slacode.loads('agreement "x" { timezone "UTC"; teams sales }\nstates {\n  mql\n  working\n}\n')
    events = [{"lead": "A", "at": "2026-11-20T10:00:00Z", "type": "state", "state": s}
              for s in ("MQL", "workng", "lost")]
    found = [d for d in agreement.evaluate(events, as_of="2026-11-20T12:00:00Z").diagnostics if d.code == "SLA601"]
    assert [d.message.split("declare")[1] for d in found] == ["; did you mean `mql`?", "; did you mean `working`?", ""]
    assert found[0].hint.startswith("fix the state where the events are made (`mql`), or declare `MQL` in `states")
    assert found[2].hint.startswith("declare the state in `states { … }` or fix the event")


COPY_SPEC = ('agreement "x" { timezone "UTC"; teams sales }\n'
             "attempts cadence {\n  owner sales\n  start on assigned\n  count call\n  at most 1 per day\n}\n")


def test_sla620_an_id_less_copy_of_the_event_before_it_is_said_once_and_still_counted():
    agreement = slacode.loads(COPY_SPEC)
    call = {"at": "2026-11-20T11:00:00Z", "type": "call", "outcome": "no answer"}
    events = [{"lead": "B", "at": "2026-11-20T10:00:00Z", "type": "assigned", "owner": "ana"},
              {"lead": "B", **call}, {"lead": "B", **call},
              {"lead": "A", "at": "2026-11-20T10:00:00Z", "type": "assigned", "owner": "ana"},
              {"lead": "A", **call}, {"lead": "A", **call}]
    result = agreement.evaluate(events, as_of="2026-11-21T00:00:00Z")
    (found,) = [d for d in result.diagnostics if d.code == "SLA620"]
    assert (found.lead, found.line, found.severity) == ("A", 6, "warning")
    assert found.message.startswith("lead 'A' has an event without an `id` that is a copy of event 5 ")
    assert found.message.endswith("; 2 leads have such a copy")
    assert [v.status for v in result.verdicts] == ["breached", "breached"]     # both copies count


@pytest.mark.parametrize("second", [
    {"lead": "A", "at": "2026-11-20T11:00:00Z", "type": "call", "outcome": "voicemail"},   # another property
    {"lead": "A", "at": "2026-11-20T11:00:01Z", "type": "call", "outcome": "no answer"},   # another instant
    {"lead": "A", "at": "2026-11-20T11:00:00Z", "type": "call", "outcome": "no answer", "fields": {"x": 1}},
    {"lead": "A", "at": "2026-11-20T11:00:00Z", "type": "call", "outcome": "no answer", "ok": 1}])
def test_sla620_is_not_said_of_events_that_differ(second):
    """(One of two events with an id is the same event as the other: tests/test_copies_with_ids.py.)"""
    agreement = slacode.loads(COPY_SPEC)
    first = {"lead": "A", "at": "2026-11-20T11:00:00Z", "type": "call", "outcome": "no answer"}
    if "ok" in second:
        first = {**first, "ok": True}                       # `true` is not `1`
    events = [{"lead": "A", "at": "2026-11-20T10:00:00Z", "type": "assigned", "owner": "ana"}, first, second]
    result = agreement.evaluate(events, as_of="2026-11-21T00:00:00Z")
    assert "SLA620" not in [d.code for d in result.diagnostics]


def test_sla620_finds_a_copy_among_the_events_of_its_instant():
    """review 22d: two exports that both hold two calls of one minute read A, B, A', B': each
    copy comes after another event, not after its original."""
    agreement = slacode.loads(COPY_SPEC)
    a = {"lead": "A", "at": "2026-11-20T11:00:00Z", "type": "call", "n": "x"}
    b = {**a, "n": "y"}
    events = [{"lead": "A", "at": "2026-11-20T10:00:00Z", "type": "assigned", "owner": "ana"}, a, b, a, b]
    (found,) = [d for d in agreement.evaluate(events, as_of="2026-11-21T00:00:00Z").diagnostics if d.code == "SLA620"]
    assert found.line == 4 and "a copy of event 2 " in found.message


def test_sla620_names_the_other_export_and_says_the_same_with_two_processes(tmp_path):
    spec, monday, week = tmp_path / "a.sla", tmp_path / "monday.jsonl", tmp_path / "week.jsonl"
    spec.write_text(COPY_SPEC)
    monday.write_text('{"lead":"A","at":"2026-11-20T10:00:00Z","type":"assigned","owner":"ana"}\n'
                      '{"lead":"A","at":"2026-11-20T11:00:00Z","type":"call"}\n')
    week.write_text('{"lead":"A","at":"2026-11-20T11:00:00Z","type":"call"}\n'
                    '{"lead":"B","at":"2026-11-20T10:00:00Z","type":"assigned","owner":"bo"}\n')
    outs = []
    for jobs in ("1", "2"):
        proc = subprocess.run([sys.executable, "-m", "slacode", "check", str(spec), str(monday), str(week),
                               "--as-of", "2026-11-21T00:00:00Z", "--format", "json", "--jobs", jobs],
                              capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
        outs.append(proc.stdout)
    assert outs[0] == outs[1]
    (found,) = [d for d in json.loads(outs[0])["diagnostics"] if d["code"] == "SLA620"]
    assert (found["file"], found["line"]) == (str(week), 1)
    assert f"a copy of {monday}:2 " in found["message"]
