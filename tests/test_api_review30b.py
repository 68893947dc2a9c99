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
