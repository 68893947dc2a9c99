"""Review 20a (a backend developer's first hour): events as the caller's own objects, naive
datetimes refused, Result.errors / raise_for_errors, names as text, upcoming typed and
exported, the jobs fallback warned of, SpecError's message, event positions in diagnostics."""
from __future__ import annotations

import collections
import dataclasses
import inspect
import pickle
import threading
import typing
import warnings
from datetime import datetime, timedelta, timezone

import pytest
from pydantic import BaseModel

import slacode
from slacode.diagnostics import Diagnostic, Span, SpecError
from tests.conftest import ROOT

SPEC = '''
agreement "r20" { version "1"; timezone "UTC"; teams marketing, sales }
handoff routing {
  owner marketing
  start on enter mql
  stop on assigned
  within 1h
}
test "routing in time" {
  at 2026-11-24T10:00:00Z enter mql
  at 2026-11-24T10:20:00Z assigned with owner = "ana"
  as of 2026-11-24T12:00:00Z
  expect routing met
}
test "Routing late" {
  at 2026-11-24T10:00:00Z enter mql
  as of 2026-11-24T12:00:00Z
  expect routing breached
}
'''
AS_OF = "2026-11-24T12:00:00Z"
T0 = datetime(2026, 11, 24, 10, 0, tzinfo=timezone.utc)


@pytest.fixture(scope="module")
def agreement():
    return slacode.loads(SPEC)


class CrmEvent(BaseModel):
    lead: str
    at: datetime
    type: str
    state: str | None = None
    owner: str | None = None


@dataclasses.dataclass
class Row:
    lead: str
    at: datetime
    type: str
    state: str | None = None
    fields: dict | None = None


def statuses(result):
    return [(v.lead, v.rule, v.status) for v in result.verdicts]


# -- 1. events as objects -------------------------------------------------------------------

def test_pydantic_models_are_read_as_their_dump(agreement):
    events = [CrmEvent(lead="L-1", at=T0, type="state", state="mql"),
              CrmEvent(lead="L-1", at=T0 + timedelta(minutes=20), type="assigned", owner="ana")]
    as_dicts = [e.model_dump() for e in events]
    result = agreement.evaluate(events, as_of=AS_OF)
    assert result.diagnostics == []
    assert statuses(result) == [("L-1", "routing", "met")] == statuses(agreement.evaluate(as_dicts, as_of=AS_OF))
    many = agreement.evaluate_many(events, as_of=AS_OF, jobs=1)
    assert many.to_dict() == result.to_dict()


def test_dataclasses_are_read_as_their_fields_shallow(agreement):
    fields = {"score": 90}
    events = [Row("L-2", T0, "state", "mql", fields)]
    result = agreement.evaluate(events, as_of=AS_OF)
    assert statuses(result) == [("L-2", "routing", "breached")] and result.diagnostics == []
    assert events[0].fields is fields and fields == {"score": 90}      # not copied deeply, not changed


@pytest.mark.parametrize("event, named", [
    (object(), "builtins.object"),
    (collections.namedtuple("Ev", "lead at type")("L", AS_OF, "x"), "_asdict()"),
    (("L", AS_OF, "x"), "builtins.tuple"),
    (b'{"lead": "L"}', "builtins.bytes"),
    (Row, "type"),                                    # the class, not an instance
])
def test_other_objects_raise_type_error(agreement, event, named):
    good = {"lead": "L", "at": AS_OF, "type": "x"}
    with pytest.raises(TypeError, match=r"event 2 is a .*not an event: evaluate takes events") as caught:
        agreement.evaluate([good, event], as_of=AS_OF)
    assert named in str(caught.value)
    with pytest.raises(TypeError):
        agreement.evaluate_many([good, event], as_of=AS_OF, jobs=1)


@pytest.mark.parametrize("value, kind", [([1, 2], "an array"), (None, "null"), (3, "a number"),
                                         (True, "a boolean")])
def test_json_values_stay_diagnostics(agreement, value, kind):
    result = agreement.evaluate([value], as_of=AS_OF)
    assert [(d.code, d.line) for d in result.diagnostics] == [("SLA501", 1)]
    assert kind in result.diagnostics[0].message


def test_a_naive_datetime_is_refused_without_default_tz(agreement):
    naive = {"lead": "L-3", "at": datetime(2026, 11, 24, 10, 0), "type": "state", "state": "mql"}
    with pytest.raises(slacode.SlacodeError, match=r"event 1: 'at' is a datetime without a time zone") as caught:
        agreement.evaluate([naive], as_of=AS_OF)
    assert isinstance(caught.value, ValueError) and "default_tz" in str(caught.value)
    with pytest.raises(slacode.SlacodeError):          # in a model too
        agreement.evaluate([CrmEvent(lead="L", at=datetime(2026, 11, 24, 10), type="x")], as_of=AS_OF)
    # with default_tz it is read in that zone, as a text without an offset is
    later = "2026-11-24T15:00:00Z"                      # 10:00 in São Paulo is 13:00Z
    read = agreement.evaluate([naive], as_of=later, default_tz="America/Sao_Paulo")
    text = agreement.evaluate([{**naive, "at": "2026-11-24T10:00:00"}], as_of=later, default_tz="America/Sao_Paulo")
    assert read.to_dict() == text.to_dict()
    assert read.verdicts[0].instant("started_at") == datetime(2026, 11, 24, 13, 0, tzinfo=timezone.utc)
    # text without an offset stays a diagnostic
    assert [d.code for d in agreement.evaluate([{**naive, "at": "2026-11-24T10:00:00"}], as_of=AS_OF).diagnostics] \
        == ["SLA504"]


# -- 2. Result.errors and raise_for_errors ----------------------------------------------------

def test_result_errors_and_raise_for_errors(agreement):
    events = [{"lead": "L-1", "at": "2026-11-24T10:00:00Z", "type": "state", "state": "mql"},
              {"lead": "L-1", "at": "2026-11-24T10:00:00", "type": "assigned"},     # no offset: an error
              {"lead": "L-2", "at": "2026-11-25T10:00:00Z", "type": "x"}]          # after as_of: info
    result = agreement.evaluate(events, as_of=AS_OF)
    assert [d.code for d in result.diagnostics] == ["SLA504", "SLA506"]
    assert [d.code for d in result.errors] == ["SLA504"]
    with pytest.raises(slacode.EventInputError) as caught:
        result.raise_for_errors()
    assert isinstance(caught.value, slacode.SlacodeError) and caught.value.errors == tuple(result.errors)
    message = str(caught.value)
    assert message.startswith("1 event could not be used:")
    assert "event 2: SLA504" in message and "hint: give the offset" in message
    again = pickle.loads(pickle.dumps(caught.value))
    assert str(again) == message and again.errors == caught.value.errors
    fine = agreement.evaluate(events[:1], as_of=AS_OF)
    assert fine.errors == [] and fine.raise_for_errors() is fine


# -- 3. names ---------------------------------------------------------------------------------

def test_declaration_names_as_text(agreement):
    test = agreement.tests[0]
    assert str(test.name) == test.name.value == "routing in time"
    assert str(agreement.rules[0].name) == "routing"
    assert agreement.rule("routing") is agreement.rules[0]
    from slacode.testing import run_tests

    assert [r.name for r in run_tests(agreement, match=test.name)] == ["routing in time"]
    assert [r.name for r in run_tests(agreement, match=agreement.rules[0].name)] == \
        ["routing in time", "Routing late"]
    assert [r.name for r in run_tests(agreement, match="LATE")] == ["Routing late"]      # one text, not letters
    assert len(run_tests(agreement, match=("time", "late"))) == 2


# -- 4. upcoming ------------------------------------------------------------------------------

def test_upcoming_is_typed_and_due_exported(agreement):
    assert "Due" in slacode.__all__ and slacode.Due is slacode.report.due.Due
    hints = typing.get_type_hints(type(agreement).upcoming, globalns=vars(__import__("slacode.model").model),
                                  localns={"DueList": slacode.report.due.DueList})
    assert set(hints) == {"events", "as_of", "within", "default_tz", "overdue", "timestamp_formats", "type_map",
                          "return"}
    late = [{"lead": "L-9", "at": "2026-11-24T10:00:00Z", "type": "state", "state": "mql"}]
    assert agreement.upcoming(late, as_of=AS_OF) == []                    # breached and open: left out …
    (due,) = agreement.upcoming(late, as_of=AS_OF, overdue=True)        # … unless asked for
    assert isinstance(due, slacode.Due) and (due.status, due.next) == ("breached", "overdue")


# -- 5. the jobs fallback ---------------------------------------------------------------------

@pytest.fixture
def other_thread():
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait, name="metrics", daemon=True)
    thread.start()
    yield thread
    stop.set()
    thread.join()


def _many(agreement, events, **kw):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = agreement.evaluate_many(events, as_of=AS_OF, **kw)
    return result, [w for w in caught if issubclass(w.category, RuntimeWarning)]


def test_jobs_fallback_warns_once_when_asked(agreement, other_thread, monkeypatch):
    import slacode.parallel as parallel

    monkeypatch.setattr(parallel, "available_cores", lambda: 2)
    monkeypatch.setattr(parallel, "MIN_PARALLEL_RECORDS", 50)
    events = [{"lead": f"L-{i}", "at": "2026-11-24T10:00:00Z", "type": "state", "state": "mql"} for i in range(60)]
    result, warned = _many(agreement, events, jobs=2)
    assert len(warned) == 1 and len(result.verdicts) == 60
    text = str(warned[0].message)
    assert "jobs=2" in text and "other threads (metrics)" in text and "jobs=1" in text
    assert warned[0].filename == __file__                       # the caller's line
    assert len(_many(agreement, events, jobs=0)[1]) == 1        # 0: one per core, asked for explicitly
    assert _many(agreement, events)[1] == []                     # the default: no warning
    assert _many(agreement, events, jobs=1)[1] == []
    assert _many(agreement, events[:10], jobs=2)[1] == []        # too small to split anyway


def test_jobs_fallback_warns_for_files(agreement, other_thread, monkeypatch, tmp_path):
    import json

    import slacode.parallel as parallel

    monkeypatch.setattr(parallel, "available_cores", lambda: 2)
    path = tmp_path / "e.jsonl"
    path.write_text("".join(json.dumps({"lead": f"L-{i}", "at": "2026-11-24T10:00:00Z", "type": "state",
                                        "state": "mql"}) + "\n" for i in range(20)))
    assert _many(agreement, [path], jobs=2)[1] == []             # below MIN_PARALLEL_BYTES
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 100)
    result, warned = _many(agreement, [path], jobs=2)
    assert len(warned) == 1 and len(result.verdicts) == 20


def test_no_warning_when_processes_can_be_used(agreement, monkeypatch):
    import slacode.parallel as parallel

    monkeypatch.setattr(parallel, "serial_reason", lambda: None)
    monkeypatch.setattr(parallel, "can_fork", lambda: False)     # (and evaluate serially here)
    monkeypatch.setattr(parallel, "MIN_PARALLEL_RECORDS", 5)
    events = [{"lead": f"L-{i}", "at": "2026-11-24T10:00:00Z", "type": "state", "state": "mql"} for i in range(6)]
    assert _many(agreement, events, jobs=2)[1] == []


# -- 6. typing --------------------------------------------------------------------------------

def test_annotations():
    import slacode.api as api

    source = inspect.getsource(slacode)
    assert "if not TYPE_CHECKING:\n    # Hidden from type checkers" in source
    assert inspect.signature(slacode.__getattr__).return_annotation == "object"
    lint = inspect.signature(api.lint)
    assert all(lint.parameters[p].annotation is not inspect.Parameter.empty for p in ("select", "ignore"))
    many = inspect.signature(slacode.Agreement.evaluate_many)
    assert many.parameters["csv_columns"].annotation is not inspect.Parameter.empty
    assert inspect.signature(Diagnostic.sort_key).return_annotation != inspect.Signature.empty
    with pytest.raises(AttributeError, match="laod"):
        slacode.laod


# -- 7. testing -------------------------------------------------------------------------------

def test_test_classes_are_not_collected(agreement):
    from slacode import model
    from slacode.testing import TestResult, render_text, run_tests

    assert TestResult.__test__ is False
    assert all(getattr(model, n).__test__ is False for n in dir(model)
               if n.startswith("Test") and isinstance(getattr(model, n), type))
    assert run_tests.__doc__ and render_text.__doc__
    results = run_tests(agreement)
    assert [r.passed for r in results] == [True, True]
    assert str(results[0]).startswith("PASS routing in time")


# -- 8. SpecError -----------------------------------------------------------------------------

def _diag(n: int, hint: str | None = None) -> Diagnostic:
    return Diagnostic("SLA208", "error", f"problem {n}", Span(n, 3, file="x.sla"), hint)


def test_spec_error_lists_every_error_with_its_hint():
    error = SpecError([_diag(1, "did you mean `office`?"), _diag(2),
                       Diagnostic("SLA401", "warning", "style", Span(3, 1, file="x.sla"))])
    assert str(error) == ("x.sla:1:3: SLA208 problem 1\n    hint: did you mean `office`?\n"
                          "x.sla:2:3: SLA208 problem 2")
    many = SpecError([_diag(n) for n in range(1, 26)])
    lines = str(many).split("\n")
    assert len(lines) == 21 and lines[19] == "x.sla:20:3: SLA208 problem 20"
    assert lines[20] == "… and 5 more errors (all in .errors)"
    assert str(pickle.loads(pickle.dumps(many))) == str(many)


def test_loads_of_a_file_name_hints_load():
    for text in ("acme.sla", "  specs/acme.sla\n"):
        with pytest.raises(SpecError) as caught:
            slacode.loads(text)
        assert caught.value.errors[0].hint.startswith("this looks like a file name: use slacode.load(path)")
        assert "hint: this looks like a file name" in str(caught.value)
    with pytest.raises(SpecError) as caught:
        slacode.loads("agreement { acme.sla")
    assert "file name" not in str(caught.value)


# -- 9. positions of events in diagnostics ------------------------------------------------------

def test_event_diagnostics_print_their_position(agreement):
    events = [{"lead": "L", "at": "2026-11-24T10:00:00Z", "type": "x"}, [1],
              {"lead": "L", "at": "2026-11-24T10:00:00", "type": "x"},
              {"lead": "L", "at": "2026-11-25T10:00:00Z", "type": "x"}]
    shown = [str(d) for d in agreement.evaluate(events, as_of=AS_OF).diagnostics]
    assert shown == ["event 2: SLA501 the event is an array, not a dict, Event or record",
                     "event 3: SLA504 '2026-11-24T10:00:00' has no offset (add Z or ±HH:MM, or name a default "
                     "time zone)",
                     "event 4: SLA506 [info] 1 event is after as_of 2026-11-24T12:00:00Z and not evaluated "
                     "(first at position 4)"]
    assert all(d.event_position == d.line for d in agreement.evaluate(events, as_of=AS_OF).diagnostics)
    # a file's line and an agreement's position keep their form
    d = Diagnostic("SLA504", "error", "x", Span(3, 1, file="e.jsonl"))
    assert str(d) == "e.jsonl:3:1: SLA504 x" and d.event_position is None
    lint = slacode.lint(SPEC.replace("handoff routing", "handoff Routing"))
    assert str(lint[0]).startswith("3:9: SLA401") and lint[0].event_position is None


def test_run_tests_match_none_runs_every_test_and_odd_matches_are_refused():
    from slacode.testing import run_tests

    spec = slacode.load(ROOT / "specs" / "northwind.sla")
    assert len(run_tests(spec, match=None)) == len(run_tests(spec)) == len(spec.tests)
    for odd in (b"hot", 3, [b"hot"]):
        with pytest.raises(TypeError, match="match is a text"):
            run_tests(spec, match=odd)


def test_upcoming_refuses_an_overdue_that_is_not_a_boolean(agreement):
    with pytest.raises(TypeError, match="overdue is True or False"):
        agreement.upcoming([], as_of="2026-11-24T12:00:00-03:00", overdue="yes")


def test_read_events_takes_as_of_as_evaluate_does(tmp_path):
    from slacode.events import parse_timestamp, read_events
    from slacode.timestamps import InvalidAsOfError

    path = tmp_path / "e.jsonl"
    path.write_text('{"lead": "A", "at": "2026-11-09T10:00:00Z", "type": "x"}\n'
                    '{"lead": "A", "at": "2026-11-10T10:00:00Z", "type": "x"}\n')
    cut = "2026-11-09T12:00:00Z"
    by_text = read_events(path, as_of=cut)
    assert len(by_text.records) == 1
    assert by_text.records == read_events(path, as_of_us=parse_timestamp(cut)).records
    assert read_events(path, as_of=datetime(2026, 11, 9, 12, tzinfo=timezone.utc)).records == by_text.records
    with pytest.raises(TypeError, match="not both"):
        read_events(path, as_of=cut, as_of_us=parse_timestamp(cut))
    with pytest.raises(InvalidAsOfError):
        read_events(path, as_of="2026-11-09")


@pytest.mark.parametrize(("as_of", "default_tz", "written"), [
    ("2026-11-09T09:00:00-03:00", None, "2026-11-09T09:00:00-03:00"),
    ("2026-11-09T12:00:00Z", None, "2026-11-09T12:00:00Z"),
    ("2026-11-09T17:30:00+05:30", None, "2026-11-09T17:30:00+05:30"),
    ("2026-11-09T09:00:00", "America/Sao_Paulo", "2026-11-09T09:00:00-03:00"),
    (datetime(2026, 11, 9, 9), "America/Sao_Paulo", "2026-11-09T09:00:00-03:00"),
])
def test_read_events_writes_as_of_as_the_caller_wrote_it(tmp_path, as_of, default_tz, written):
    from slacode.events import read_events

    path = tmp_path / "e.jsonl"
    path.write_text('{"lead": "A", "at": "2026-11-09T10:00:00Z", "type": "x"}\n'
                    '{"lead": "A", "at": "2026-11-10T10:00:00Z", "type": "x"}\n')
    (info,) = read_events(path, as_of=as_of, default_tz=default_tz).diagnostics
    assert f"after as_of {written} " in info.message
