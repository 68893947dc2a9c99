"""Odd input read and explained (review29d): keys of `fields` that are not text, a stream of
indented JSON objects, two events on one line, values that are not numbers compared with a
number, blank lead ids, and the speed of `explain` and of a wide CSV header."""
from __future__ import annotations

import pytest

import slacode

AS_OF = "2026-11-25T00:00:00Z"
_DEADLINE = ('agreement "x" { version "1"; timezone "UTC"; teams sales }\n'
             'deadline d { owner sales; start on assigned; stop on won; within 1h }\n')


def _two(bad: dict) -> list[dict]:
    return [{"lead": "L", "at": "2026-11-24T10:00:00Z", "type": "assigned", **bad},
            {"lead": "M", "at": "2026-11-24T10:00:00Z", "type": "assigned"}]


@pytest.mark.parametrize("key, kind", [(1, "a number"), (None, "null"), ((1, 2), "an array"), (2.5, "a number")])
@pytest.mark.parametrize("jobs", [None, 1, 2])
def test_a_fields_key_that_is_not_text_is_sla507_and_the_event_is_skipped(key, kind, jobs):
    ag = slacode.loads(_DEADLINE)
    events = _two({"fields": {"score": 1, key: 2}})
    if jobs is None:
        result = ag.evaluate(events, as_of=AS_OF)
    else:
        result = ag.evaluate_many(events, as_of=AS_OF, jobs=jobs)
    assert [v.lead for v in result.verdicts] == ["M"]
    (d,) = result.diagnostics
    assert d.code == "SLA507" and d.line == 1
    assert f"the keys of 'fields' are field names: text, not {kind}" in d.message


def test_fields_keys_of_text_are_read_as_before():
    ag = slacode.loads(_DEADLINE.replace("within 1h", "within 1h for hot\n within 2h")
                       .replace("deadline", "segment hot = score >= 80\ndeadline"))
    result = ag.evaluate(_two({"fields": {"score": 90}}), as_of=AS_OF)
    assert not [d for d in result.diagnostics if d.code == "SLA507"]
    assert {v.lead: v.target_seconds for v in result.verdicts} == {"L": 3600.0, "M": 7200.0}
