"""Review 30b (slacode in a CRM-webhook service): keys of event dicts that are not text
(SLA507) and `fields.X` keys (SLA513) on the library's path, as in files and in `fields`."""
from __future__ import annotations

import pytest

import slacode

WHERE = '''
agreement "k" { version "1"; timezone "UTC"; teams sales }
attempts calls { owner sales; start on assigned where desk == "br"; stop on won; at most 2 per day }
'''
AS_OF = "2026-11-21T00:00:00Z"
EVENT = {"lead": "L", "at": "2026-11-20T10:00:00Z", "type": "assigned", "owner": "ana"}


@pytest.fixture(scope="module")
def where():
    return slacode.loads(WHERE)


@pytest.mark.parametrize("key", [5, b"desk", ("a",), 1.5, None])
@pytest.mark.parametrize("extra", [{}, {"id": "e1", "fields": {"score": 1}}, {"desk": "br"}])
def test_a_key_that_is_not_text_is_sla507_not_a_crash(where, key, extra):
    """H2: the `where` reads a property the event lacks (the crash of texts.py) or has it
    (silent before); with or without `fields` and `id` (no SLA521 check then)."""
    ev = {**EVENT, **extra, key: "x"}
    for result in (where.evaluate([ev], as_of=AS_OF), where.evaluate([ev], as_of=AS_OF, aggregates=False),
                   where.evaluate_many([ev], as_of=AS_OF, jobs=1)):
        codes = [(d.code, d.line) for d in result.diagnostics]
        assert ("SLA507", 1) in codes
        (d,) = [d for d in result.diagnostics if d.code == "SLA507"]
        assert d.message.startswith("event 1: the keys of an event are names: text, not ") and repr(key) in d.message
    due = where.upcoming([ev], as_of=AS_OF)
    assert [d.code for d in due.diagnostics] == ["SLA507"]


def test_the_rest_of_the_events_is_read(where):
    good = {**EVENT, "lead": "M", "desk": "br"}
    result = where.evaluate([{**EVENT, 5: "x"}, good], as_of=AS_OF)
    assert [d.code for d in result.diagnostics] == ["SLA507"]
    assert {v.lead for v in result.verdicts} == {"M"}


def test_a_key_that_is_not_text_in_fields_is_said_alike(where):
    result = where.evaluate([{**EVENT, "fields": {5: "x"}}], as_of=AS_OF)
    assert [d.code for d in result.diagnostics] == ["SLA507"]


@pytest.mark.parametrize("extra", [{}, {"id": "e1"}, {"id": "e1", "fields": {"email": "a@b"}}])
def test_a_dotted_fields_key_is_sla513_for_dicts_as_in_a_file(where, extra, tmp_path):
    """M5: `"fields.score"` (a flattened payload) is a property, not the field: said every
    time, not only for the first event (the innocent-keys cache must not learn it)."""
    events = [{**EVENT, **extra, "fields.score": 90},
              {**EVENT, **{k: v + "2" if k == "id" else v for k, v in extra.items()}, "fields.score": 91}]
    result = where.evaluate(events, as_of=AS_OF)
    said = [(d.code, d.line) for d in result.diagnostics if d.code != "SLA618"]   # (one event per moment)
    assert said == [("SLA513", 1), ("SLA513", 2)]
    assert "'fields.score' is read as a property of the event, not as the lead's field 'score'" in \
        result.diagnostics[0].message
    path = tmp_path / "e.jsonl"
    import json
    path.write_text("".join(json.dumps(e) + "\n" for e in events), encoding="utf-8")
    from_file = where.evaluate(slacode.read_events([path]), as_of=AS_OF)
    assert [d.code for d in from_file.diagnostics if d.code != "SLA618"] == ["SLA513", "SLA513"]
