"""diagnostics.py: SpecError as a process pool sends it back."""
from __future__ import annotations

import pickle

import pytest

import slacode


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
