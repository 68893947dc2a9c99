"""The run's notes said as diagnostics (``slacode.notes.note_diagnostics``): several kinds
of note in one lead, in the order of the input."""
import slacode

AGREEMENT = """
agreement "notes" {
  version "1"
  timezone "UTC"
  teams sales
}

deadline first_touch {
  owner sales
  start on assigned
  stop on contact_attempt
  within 4h
}
"""


def test_a_stop_before_its_start_then_a_misspelt_type_are_both_said():
    # SLA607 comes first (the earlier event); its branch once rebound the name of the text
    # helper the SLA605 after it calls, and the call raised TypeError
    agreement = slacode.loads(AGREEMENT, "notes.sla")
    events = [
        {"lead": "A", "at": "2026-11-09T10:00:00Z", "type": "contact_attempt", "id": "c1"},
        {"lead": "A", "at": "2026-11-09T10:00:00Z", "type": "assigned", "owner": "r", "id": "a1"},
        {"lead": "A", "at": "2026-11-09T11:00:00Z", "type": "contact_atempt", "id": "c2"},
    ]
    result = agreement.evaluate(events, as_of="2026-11-10T00:00:00Z")
    said = [(d.code, d.line) for d in result.diagnostics]
    assert said == [("SLA607", 1), ("SLA605", 3)]
    typo = result.diagnostics[1]
    assert "did you mean `contact_attempt`, which the agreement reads" in typo.message
    assert "write `contact_atempt` in the agreement" in typo.hint


def test_a_lead_without_notes_gets_no_note_diagnostics():
    agreement = slacode.loads(AGREEMENT, "notes.sla")
    events = [
        {"lead": "A", "at": "2026-11-09T10:00:00Z", "type": "assigned", "owner": "r", "id": "a1"},
        {"lead": "A", "at": "2026-11-09T11:00:00Z", "type": "contact_attempt", "id": "c1"},
    ]
    for aggregates in (True, False):
        result = agreement.evaluate(events, as_of="2026-11-10T00:00:00Z", aggregates=aggregates)
        assert result.diagnostics == []
        assert [v.status for v in result.verdicts] == ["met"]
