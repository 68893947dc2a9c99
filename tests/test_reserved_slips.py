"""SLA521 and SLA502's did-you-mean: an event key one letter off a reserved key (review 27b, H3)."""
from __future__ import annotations

import slacode
from slacode.events import records_from_objects, reserved_slip, iter_records

_AGREEMENT = ('agreement "x" { timezone "UTC"; teams sales }\nsegment hot = score >= 80\n'
              "deadline d {\n  owner sales\n  start on enter mql\n  stop on call\n"
              "  within 15m for hot\n  within 4h\n}\n")


def _read(tmp_path, text: str, name: str = "e.jsonl") -> list:
    path = tmp_path / name
    path.write_text(text)
    diags: list = []
    list(iter_records([str(path)], diagnostics=diags))
    return diags


def test_reserved_slip_is_case_or_one_edit_for_long_keys_and_case_only_for_short():
    assert reserved_slip("field", "fields") and reserved_slip("Fields", "fields")
    assert reserved_slip("feilds", "fields") and reserved_slip("fieldz", "fields")
    assert reserved_slip("ID", "id") and reserved_slip("Id", "id")
    assert not reserved_slip("ip", "id") and not reserved_slip("kid", "id")
    assert not reserved_slip("fieldset", "fields") and not reserved_slip("yieldz", "fields")
    assert not reserved_slip("fields", "fields") and not reserved_slip(3, "fields")


def test_a_misspelt_fields_key_warns_at_its_column_and_the_event_is_still_read(tmp_path):
    line = '{"lead": "K-1", "at": "2026-11-24T10:00:00Z", "type": "state", "state": "mql", "field": {"score": 95}}\n'
    diags = _read(tmp_path, line)
    assert [(d.code, d.line, d.column) for d in diags] == [("SLA521", 1, line.index('"field"') + 1)]
    assert diags[0].severity == "warning" and diags[0].message.endswith("did you mean 'fields'?")
    assert diags[0].lead == "K-1"
    result = slacode.loads(_AGREEMENT).evaluate(
        [{"lead": "K-1", "at": "2026-11-24T10:00:00Z", "type": "state", "state": "mql", "field": {"score": 95}}],
        as_of="2026-11-24T12:00:00Z")
    assert [d.code for d in result.diagnostics] == ["SLA521", "SLA614"]    # (and `score` is never set)
    assert [v.status for v in result.verdicts] == ["pending"]     # read: the 4h line, as written


def test_no_warning_when_the_reserved_key_is_there_or_the_key_is_far(tmp_path):
    both = '{"lead": "A", "at": "2026-11-24T10:00:00Z", "type": "x", "fields": {"a": 1}, "field": "f"}\n'
    far = '{"lead": "A", "at": "2026-11-24T10:00:00Z", "type": "x", "channel": "web", "kid": 3}\n'
    with_id = '{"lead": "A", "at": "2026-11-24T11:00:00Z", "type": "x", "id": "e1", "ID": "E1", "fields": {}}\n'
    assert _read(tmp_path, both + far + with_id) == []


def test_the_same_key_on_many_lines_warns_on_each_and_clean_keys_are_remembered(tmp_path):
    lines = "".join(f'{{"lead": "A", "at": "2026-11-24T1{i}:00:00Z", "type": "x", "Id": "{i}", "note": "n"}}\n'
                    for i in range(3))
    diags = _read(tmp_path, lines)
    assert [(d.code, d.line) for d in diags] == [("SLA521", 1), ("SLA521", 2), ("SLA521", 3)]
    assert "did you mean 'id'?" in diags[0].message


def test_sla502_missing_type_asks_about_the_key_one_letter_off(tmp_path):
    line = '{"lead": "K-2", "at": "2026-11-24T10:00:00Z", "typ": "state", "state": "mql"}\n'
    diags = _read(tmp_path, line)
    assert [(d.code, d.column) for d in diags] == [("SLA502", line.index('"typ"') + 1)]
    assert diags[0].message == "the event has no 'type'; did you mean its key 'typ'?"
    assert "rename `typ` to `type`" in diags[0].hint


def test_sla502_missing_state_asks_about_stat_and_not_about_a_far_key(tmp_path):
    stat = '{"lead": "K", "at": "2026-11-24T10:00:00Z", "type": "state", "stat": "mql"}\n'
    none = '{"lead": "K", "at": "2026-11-24T10:00:00Z", "type": "state", "status": "mql"}\n'
    diags = _read(tmp_path, stat + none)
    assert [d.code for d in diags] == ["SLA502", "SLA502"]
    assert diags[0].message.endswith("did you mean its key 'stat'?")
    assert "did you mean" not in diags[1].message


def test_library_objects_warn_by_position():
    diags: list = []
    out = records_from_objects([{"lead": "A", "at": "2026-11-24T10:00:00Z", "type": "x", "Fields": {"s": 1}},
                                {"lead": "A", "at": "2026-11-24T10:00:00Z", "type": "x", "note": 1}],
                               diagnostics=diags)
    assert len(out) == 2
    assert [(d.code, d.line, d.path) for d in diags] == [("SLA521", 1, None)]
    assert "case-sensitive" in diags[0].hint


def test_a_csv_column_field_dot_x_or_ID_warns_at_the_header(tmp_path):
    text = "lead,at,type,state,field.score,ID\nA,2026-11-24T10:00:00Z,state,mql,95,x1\n"
    diags = _read(tmp_path, text, "e.csv")
    assert [(d.code, d.line, d.column) for d in diags] == [("SLA521", 1, 20), ("SLA521", 1, 32)]
    assert "did you mean 'fields.score'?" in diags[0].message and "--column fields.score=field.score" in diags[0].hint
    clean = "lead,at,type,state,fields.score,id,Owner\nA,2026-11-24T10:00:00Z,state,mql,95,x1,ana\n"
    assert _read(tmp_path, clean, "f.csv") == []


# review 28 (F4): a CRM field-history export's `"field": "Status"` is a property, not `fields`
_HISTORY = ('agreement "hist" { timezone "UTC"; teams sales }\nsegment hot = score >= 80\n'
            "deadline first_touch {\n  owner sales\n  start on assigned\n"
            '  stop on contact_attempt or field_change where field == "Status"\n'
            "  within 1h for hot\n  within 4h\n}\n")


def test_a_field_key_holding_a_string_is_a_property_and_not_a_misspelt_fields(tmp_path):
    lines = ('{"lead": "L1", "at": "2026-11-02T09:00:00Z", "type": "assigned", "owner": "ana", "fields": {"score": 90}}\n'
             '{"lead": "L1", "at": "2026-11-02T09:30:00Z", "type": "field_change", "field": "Status", '
             '"old": "Open", "new": "Working"}\n'
             '{"lead": "L2", "at": "2026-11-02T09:30:00Z", "type": "field_change", "field": 7}\n'
             '{"lead": "L3", "at": "2026-11-02T09:30:00Z", "type": "x", "Fields": ["a"], "ID": {"n": 1}}\n')
    assert _read(tmp_path, lines) == []
    result = slacode.loads(_HISTORY).evaluate(
        [{"lead": "L1", "at": "2026-11-02T09:00:00Z", "type": "assigned", "owner": "ana", "fields": {"score": 90}},
         {"lead": "L1", "at": "2026-11-02T09:30:00Z", "type": "field_change", "field": "Status"}],
        as_of="2026-11-02T12:00:00Z")
    assert [d.code for d in result.diagnostics] == []
    assert [v.status for v in result.verdicts] == ["met"]     # the `where` read the property


def test_a_field_key_holding_an_object_is_still_a_misspelt_fields_beside_string_ones(tmp_path):
    text = ('{"lead": "L1", "at": "2026-11-02T09:30:00Z", "type": "field_change", "field": "Status"}\n'
            '{"lead": "L2", "at": "2026-11-02T09:40:00Z", "type": "assigned", "field": {"score": 90}}\n'
            '{"lead": "L3", "at": "2026-11-02T09:50:00Z", "type": "x", "Id": 12}\n')
    diags = _read(tmp_path, text)
    assert [(d.code, d.line) for d in diags] == [("SLA521", 2), ("SLA521", 3)]
    assert diags[0].message.endswith("did you mean 'fields'?") and diags[1].message.endswith("did you mean 'id'?")
