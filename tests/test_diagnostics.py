"""diagnostics.py: SpecError as a process pool sends it back; a diagnostic's count."""
from __future__ import annotations

import pickle

import pytest

import slacode
from slacode.diagnostics import Span, make


def test_a_spec_error_pickles_with_its_diagnostics():
    with pytest.raises(slacode.SpecError) as caught:
        slacode.loads('agreement "x" { teams sales }\ndeadline d {\n  owner nobody\n}\n')
    again = pickle.loads(pickle.dumps(caught.value))
    assert isinstance(again, slacode.SpecError) and str(again) == str(caught.value)
    assert again.diagnostics == caught.value.diagnostics and again.errors
    caught.value.add_note("while loading tenant 42's agreement")
    caught.value.tenant = 42
    again = pickle.loads(pickle.dumps(caught.value))
    assert again.__notes__ == ["while loading tenant 42's agreement"] and again.tenant == 42


def test_the_events_after_as_of_are_counted_from_the_diagnostic_not_its_message():
    from slacode.events import after_as_of_diagnostic
    from slacode.output import input_counts

    one = after_as_of_diagnostic(1234, 7, "a.jsonl", 0)
    assert one.count == 1234 and one.line == 7 and "1234 events are after as_of" in one.message
    moved = pickle.loads(pickle.dumps(one))            # (as a worker sends it)
    assert moved.count == 1234 and moved == one
    reworded = make("SLA506", "some later events were left out", Span(1, 1, file="b.jsonl"), count=5)
    assert input_counts([one, reworded, make("SLA506", "no count given", Span(2, 1))])["after_as_of"] == 1239
    assert "count" not in one.to_dict()
