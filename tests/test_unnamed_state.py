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
    assert state_typo_of("sqlk", ["mql", "sql"]) == "sql"
    assert state_typo_of("SQL", ["mql", "sql"]) == "sql"           # case only: any length
    assert state_typo_of("nurture", ["mql", "sql"]) is None
    assert state_typo_of("xql", ["mql", "sql"]) is None          # two equally near: no guess


def test_a_misspelt_state_is_said_once_per_state_with_its_leads_and_first_place():
    events = [_state("B", "mqll"), _state("A", "mqll"), _state("A", "MQL", 1), _state("C", "nurture")]
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


# review 28 (F5): `sal` (sales-accepted lead) is a funnel stage of its own, not `sql` misspelt
_FUNNEL = ('agreement "x" { timezone "UTC"; teams sales }\n'
           "deadline routing {\n  owner sales\n  start on enter mql\n  stop on enter sql\n  within 2d\n}\n")


def test_state_typo_of_makes_no_one_letter_match_of_a_name_of_three_letters():
    assert state_typo_of("sal", ["mql", "sql"]) is None
    assert state_typo_of("sal", ["sql"]) is None
    assert state_typo_of("sqk", ["mql", "sql"]) is None
    assert state_typo_of("pql", ["sql"]) is None


def test_sal_beside_sql_is_no_misspelling_in_the_same_lead_or_another():
    same = [_state("L1", "mql"), _state("L1", "sal", 1), _state("L1", "sql", 2)]
    assert _codes(_FUNNEL, same, "SLA613") == []
    alone = [_state("L2", "mql"), _state("L2", "sal", 1)]          # (no lead enters `sql` yet)
    assert _codes(_FUNNEL, alone, "SLA613") == []


def test_a_four_letter_slip_is_no_misspelling_when_a_lead_of_the_input_enters_the_named_state():
    other = [_state("A", "mql"), _state("A", "sqll", 1), _state("B", "mql"), _state("B", "sql", 1)]
    assert _codes(_FUNNEL, other, "SLA613") == []
    same = [_state("A", "mql"), _state("A", "sqll", 1), _state("A", "sql", 2)]
    assert _codes(_FUNNEL, same, "SLA613") == []


def test_a_real_slip_is_still_caught_and_another_case_even_beside_the_named_state():
    slip = [_state("A", "mql"), _state("A", "sqll", 1), _state("B", "mql"), _state("B", "sqll", 1)]
    found = _codes(_FUNNEL, slip, "SLA613")
    assert [(d.lead, d.message.split("'")[3]) for d in found] == [("A", "sqll")]
    assert "(2 leads have one)" in found[0].message
    assert "if `sqll` is a state of its own, leave this warning out" in found[0].hint.replace("If", "if")
    assert "starts on it" not in found[0].hint
    upper = [_state("A", "mql"), _state("A", "SQL", 1), _state("B", "mql"), _state("B", "sql", 1)]
    assert [d.message.split("'")[3] for d in _codes(_FUNNEL, upper, "SLA613")] == ["SQL"]


def test_check_lead_weighs_the_named_states_of_the_whole_input(tmp_path, capsys):
    import json

    from slacode.cli import main

    sla = tmp_path / "f.sla"
    sla.write_text(_FUNNEL)
    events = tmp_path / "e.jsonl"
    args = ["check", str(sla), str(events), "--as-of", "2026-11-20T12:00:00Z", "--lead", "A"]
    events.write_text("".join(json.dumps(e) + "\n" for e in
                              [_state("A", "mql"), _state("A", "sqll", 1), _state("B", "mql"), _state("B", "sql", 1)]))
    main(args)
    out = capsys.readouterr()
    assert "SLA613" not in out.out + out.err
    events.write_text("".join(json.dumps(e) + "\n" for e in [_state("A", "mql"), _state("A", "sqll", 1)]))
    main(args)
    out = capsys.readouterr()
    assert "SLA613" in out.out + out.err
