"""model.py: the agreement model as library callers hold it (pickling, read-only parts)."""
from __future__ import annotations

import pickle
from pathlib import Path

import pytest

import slacode
from tests.conftest import ROOT

EVENTS = [{"lead": "L", "at": "2026-11-09T10:00:00-03:00", "type": "assigned", "owner": "ana"}]
AS_OF = "2026-11-09T12:00:00-03:00"


def test_an_agreement_pickles_after_it_has_evaluated():
    # a batch job hands its (used) agreement to its own process pool: the plan it built,
    # which holds functions, is left out and built again by the copy
    agreement = slacode.load(ROOT / "specs" / "northwind.sla")
    before = agreement.evaluate(EVENTS, as_of=AS_OF).to_dict()
    copy = pickle.loads(pickle.dumps(agreement))
    assert "plan" not in copy.__dict__ and copy == agreement
    assert copy.evaluate(EVENTS, as_of=AS_OF).to_dict() == before


def test_an_agreements_calendars_are_read_only():
    agreement = slacode.load(ROOT / "specs" / "northwind.sla")
    with pytest.raises(TypeError):
        agreement.calendars["sao_paulo"] = agreement.calendars["new_york"]
    with pytest.raises(TypeError):
        del agreement.calendars["sao_paulo"]
    assert sorted(agreement.calendars) == ["new_york", "sao_paulo"]


def test_an_agreement_deep_copies_and_its_calendars_pickle():
    import copy

    agreement = slacode.load(ROOT / "specs" / "northwind.sla")
    before = agreement.evaluate(EVENTS, as_of=AS_OF).to_dict()
    for twin in (copy.deepcopy(agreement), agreement.model_copy(deep=True)):
        assert twin.evaluate(EVENTS, as_of=AS_OF).to_dict() == before
    calendars = pickle.loads(pickle.dumps(agreement.calendars))
    assert sorted(calendars) == ["new_york", "sao_paulo"] and dict(calendars)["sao_paulo"].name == "sao_paulo"


def test_the_models_day_length_is_the_calendars():
    """`1d` is one length everywhere: lint (`attempts` feasibility), diff and the calendar
    that evaluation uses agree on every calendar of the bundled agreements and docs."""
    from datetime import timedelta

    import slacode
    from tests.conftest import ROOT

    text = '''agreement "d" { timezone "UTC" }
calendar night { timezone "UTC"; hours mon-fri 22:00-06:00; hours sat 10:00-12:00 }
calendar split { timezone "UTC"; hours mon-thu 09:00-12:00, 13:00-18:00; hours fri 08:00-18:00 }
calendar fixed { timezone "UTC"; hours mon-fri 09:00-18:00; day 8h }
'''
    agreements = [slacode.loads(text)] + [slacode.load(p) for p in sorted((ROOT / "specs").glob("*.sla"))]
    checked = 0
    for agreement in agreements:
        for decl in (d for d in agreement.declarations if d.kind == "calendar"):
            assert agreement.calendars[decl.name.value].day_length == timedelta(minutes=decl.day_minutes())
            checked += 1
    assert checked >= 5


def test_the_api_values_print_as_people_read_them():
    """review 9-c: repr(agreement) was the whole tree (40,000 characters); str(diagnostic)
    the dataclass; Verdict.instant of a key that is no instant a TypeError; slacode.diff an
    AttributeError after `import slacode`."""
    import subprocess
    import sys

    root = Path(__file__).resolve().parents[1]
    agreement = slacode.load(root / "specs" / "northwind.sla")
    assert repr(agreement).startswith("<Agreement 'northwind-inbound' version '2026.11' from ") and \
        len(repr(agreement)) < 300 and "4 rules" in repr(agreement)
    (d,) = slacode.lint('agreement "a" { teams s }\ndeadline d {\n  owner s\n  start on a\n  stop on b\n}\n', "a.sla")
    assert str(d) == "a.sla:2:10: SLA309 deadline `d` has no `within` line"
    verdict = agreement.evaluate([{"lead": "L", "at": "2026-11-20T10:00:00-03:00", "type": "assigned"}],
                                 as_of="2026-11-20T12:00:00-03:00").verdicts[0]
    with pytest.raises(ValueError, match="not an instant"):
        verdict.instant("lead")
    code = "import slacode; print(slacode.diff.impact.__name__, slacode.report.upcoming.__name__, slacode.fmt.__name__)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.split() == ["impact", "upcoming", "slacode.fmt"], out.stderr
