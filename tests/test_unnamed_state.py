"""SLA613: a state event into a state nothing names, one letter off one the agreement names
(no `states` block); SLA601's did-you-mean for a one-letter slip (review 27b, H1)."""
from __future__ import annotations

import slacode
from slacode.texts import state_typo_of

_AGREEMENT = ('agreement "x" { timezone "UTC"; teams sales }\nsegment hot = score >= 80\n'
              "deadline d {\n  owner sales\n  start on enter mql\n  stop on call\n  within 4h\n}\n")


def _state(lead: str, state: str, minute: int = 0) -> dict:
    return {"lead": lead, "at": f"2026-11-20T10:{minute:02d}:00Z", "type": "state", "state": state}


def _codes(text: str, events: list, code: str) -> list:
    result = slacode.loads(text).evaluate(events, as_of="2026-11-20T12:00:00Z")
    return [d for d in result.diagnostics if d.code == code]


def test_state_typo_of_is_case_or_one_edit():
    assert state_typo_of("MQL", ["mql", "sql"]) == "mql"
    assert state_typo_of("mqll", ["mql", "sql"]) == "mql"
    assert state_typo_of("sqk", ["mql", "sql"]) == "sql"
    assert state_typo_of("nurture", ["mql", "sql"]) is None
    assert state_typo_of("xql", ["mql", "sql"]) is None          # two equally near: no guess


def test_a_misspelt_state_is_said_once_per_state_with_its_leads_and_first_place():
    events = [_state("B", "mqll"), _state("A", "mqll"), _state("A", "MQL", 1), _state("C", "mql")]
    found = _codes(_AGREEMENT, events, "SLA613")
    assert [(d.line, d.lead) for d in found] == [(2, "A"), (3, "A")]   # in the order of the input
    by_state = {d.message.split("'")[3]: d for d in found}
    assert by_state["mqll"].message == ("lead 'A' enters state 'mqll', which nothing in the agreement names; did you "
                                        "mean `mql`, which it names (line 5, column 18)? (2 leads have one)")
    assert "(2 leads" not in by_state["MQL"].message
    assert all(d.severity == "warning" for d in found)


def test_nothing_for_a_state_far_from_every_name_or_named_or_with_a_states_block():
    assert _codes(_AGREEMENT, [_state("A", "nurture"), _state("A", "mql", 1)], "SLA613") == []
    named = _AGREEMENT.replace("within 4h", "within 4h\n  pause while state == mqll")
    assert _codes(named, [_state("A", "mqll")], "SLA613") == []
    block = _AGREEMENT.replace("segment hot", "states {\n  mql\n  sql final\n}\nsegment hot")
    assert _codes(block, [_state("A", "mqll")], "SLA613") == []
    assert _codes('agreement "x" { timezone "UTC"; teams sales }\ndeadline d {\n  owner sales\n'
                  "  start on assigned\n  stop on call\n  within 4h\n}\n", [_state("A", "mqll")], "SLA613") == []


def test_sla601_asks_about_a_one_letter_slip_too():
    block = _AGREEMENT.replace("segment hot", "states {\n  mql\n  sql final\n}\nsegment hot")
    found = _codes(block, [_state("A", "mqll"), _state("B", "nurture")], "SLA601")
    assert [d.message.endswith("did you mean `mql`?") for d in found] == [True, False]
