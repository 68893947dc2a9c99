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


# -- M3: changes() keeps the diagnostics, raises SlacodeError for since > as_of -------------

NORTHWIND = "specs/northwind.sla"
WINDOW = {"since": "2026-11-01T00:00:00Z", "as_of": "2026-11-20T18:00:00-03:00"}


@pytest.fixture(scope="module")
def northwind():
    from tests.conftest import ROOT

    return slacode.load(ROOT / NORTHWIND), ROOT


def test_changes_gives_the_diagnostics_the_cli_prints(northwind):
    import json
    import subprocess
    import sys

    from slacode.report import ChangeList
    from slacode.report.changes import changes

    agreement, root = northwind
    events = root / "specs" / "events.jsonl"
    got = changes(agreement, slacode.read_events([events]), **WINDOW)
    assert isinstance(got, ChangeList) and isinstance(got, list)
    assert {d.code for d in got.diagnostics} >= {"SLA501", "SLA504", "SLA506", "SLA517"}
    proc = subprocess.run([sys.executable, "-m", "slacode", "changes", str(root / NORTHWIND), str(events),
                           "--since", WINDOW["since"], "--as-of", WINDOW["as_of"], "--format", "json"],
                          capture_output=True, text=True, cwd=root)
    doc = json.loads(proc.stdout)
    assert [d.to_dict() for d in got.diagnostics] == doc["diagnostics"]
    assert [c.to_dict() for c in got] == doc["changes"]


def test_changes_of_dicts_says_the_events_it_could_not_use(northwind):
    from slacode.report.changes import changes

    agreement, _ = northwind
    events = [{"lead": "A", "at": "2026-11-10T10:00:00Z", "type": "state", "state": "mql"},
              {"lead": "A", "at": "not a time", "type": "state", "state": "sql"},
              {"lead": "A", "at": "2026-11-10T11:00:00Z", "type": "assigned", "owner": "ana", 5: "x"}]
    got = changes(agreement, events, **WINDOW)
    assert [(d.code, d.line) for d in got.diagnostics if d.severity == "error"] == [("SLA503", 2), ("SLA507", 3)]
    assert got and all(c.lead == "A" for c in got if c.lead is not None)


def test_the_change_list_is_exported_beside_the_due_list():
    import slacode.report
    from slacode.report.changes import ChangeList

    assert "ChangeList" in slacode.report.__all__ and slacode.report.ChangeList is ChangeList
    assert "changes" not in slacode.report.__all__      # the module's name: slacode.report.changes.changes


def test_since_after_as_of_is_a_slacode_error(northwind):
    from slacode.report.changes import changes

    agreement, _ = northwind
    with pytest.raises(slacode.SlacodeError, match="since is after as_of") as caught:
        changes(agreement, [], since="2026-11-21T00:00:00Z", as_of="2026-11-20T00:00:00Z")
    assert isinstance(caught.value, ValueError)         # (as before)


def test_a_path_among_the_events_of_changes_says_read_events(northwind, tmp_path):
    from slacode.report.changes import changes

    agreement, _ = northwind
    with pytest.raises(TypeError) as caught:
        changes(agreement, [str(tmp_path / "events.jsonl")], **WINDOW)
    message = str(caught.value)
    assert "evaluate_many" not in message and "changes takes events" in message
    assert "changes(agreement, slacode.read_events([path]), …)" in message


# -- M7: what evaluate raises, said by help() and importable from slacode --------------------

@pytest.mark.parametrize("method", ["evaluate", "evaluate_many", "upcoming"])
def test_the_docstrings_say_what_is_raised(method):
    doc = getattr(slacode.Agreement, method).__doc__
    raises = doc[doc.index("Raises:"):]
    for name in ("slacode.SlacodeError", "InvalidAsOfError", "MissingOffsetError", "UnknownZoneError",
                 "CalendarError", "TypeError"):
        assert name in raises, (method, name)


@pytest.mark.parametrize("name, module", [("InvalidAsOfError", "slacode.timestamps"),
                                          ("MissingOffsetError", "slacode.timestamps"),
                                          ("UnknownZoneError", "slacode.timestamps"),
                                          ("EventErrors", "slacode.evaluate")])
def test_the_documented_exceptions_are_importable_from_slacode(name, module):
    import importlib

    assert name in slacode.__all__
    assert getattr(slacode, name) is getattr(importlib.import_module(module), name)
    assert issubclass(getattr(slacode, name), slacode.SlacodeError)


def test_the_exceptions_are_the_ones_raised(where):
    with pytest.raises(slacode.InvalidAsOfError):
        where.evaluate([], as_of="yesterday")
    with pytest.raises(slacode.MissingOffsetError):
        where.evaluate([], as_of="2026-11-20T10:00:00")
    with pytest.raises(slacode.UnknownZoneError):
        where.evaluate([], as_of=AS_OF, default_tz="Mars/Olympus")
    with pytest.raises(slacode.EventErrors):
        where.evaluate([{**EVENT, "at": "later"}], as_of=AS_OF).raise_for_errors()


def test_import_slacode_still_imports_none_of_their_modules():
    import subprocess
    import sys

    code = ("import sys, slacode; print(sorted(m for m in ('slacode.timestamps', 'slacode.evaluate', "
            "'slacode.events') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# -- L1, L3, L4: the owner's kind, raise_for_errors' wording, the zone's message ------------

HANDOFF = '''
agreement "o" { version "1"; timezone "UTC"; teams sales }
handoff h { owner sales; start on assigned; stop on won; within 1h }
'''


@pytest.mark.parametrize("owner, kind, assignee", [
    ({"ana"}, "a set", '["ana"]'), (frozenset({"ana"}), "a set", '["ana"]'), (("a",), "a tuple", '["a"]'),
    (b"ana", "bytes", "ana"), (bytearray(b"ana"), "bytes", "ana"), (["a"], "a list", '["a"]'),
    ({"a": 1}, "an object", '{"a": 1}'), (True, "a boolean", "true")])
def test_an_owner_that_is_no_rep_says_its_own_kind(owner, kind, assignee):
    """L1: a set was called "a boolean"; bytes became the text "b'ana'" without a word."""
    agreement = slacode.loads(HANDOFF)
    result = agreement.evaluate([{**EVENT, "owner": owner}], as_of=AS_OF)
    (d,) = result.diagnostics
    assert d.code == "SLA604" and f"an `owner` that is {kind};" in d.message
    assert [v.assignee for v in result.verdicts] == [assignee]


@pytest.mark.parametrize("owner", ["ana", 1234, None])
def test_an_owner_that_is_text_a_number_or_null_is_not_sla604(owner):
    agreement = slacode.loads(HANDOFF)
    assert agreement.evaluate([{**EVENT, "owner": owner}], as_of=AS_OF).diagnostics == []


def test_raise_for_errors_keeps_the_subject_of_the_message(where):
    """L3: `event 1: SLA501 is an array` lost its subject."""
    with pytest.raises(slacode.EventErrors) as caught:
        where.evaluate([[1], {**EVENT, "at": "later"}], as_of=AS_OF).raise_for_errors()
    lines = str(caught.value).splitlines()
    assert "  event 1: SLA501 the event is an array, not a dict, Event or record" in lines
    assert any(ln.startswith("  event 2: SLA503 ") for ln in lines)


def test_an_unknown_zone_is_said_once(where):
    """L4: `unknown time zone 'utc': Unknown timezone 'utc'; did you mean 'UTC'?`."""
    with pytest.raises(slacode.UnknownZoneError) as caught:
        where.evaluate([], as_of=AS_OF, default_tz="utc")
    message = str(caught.value)
    assert message.startswith("unknown time zone 'utc': did you mean 'UTC'?")
    assert message.lower().count("unknown time") == 1
    with pytest.raises(slacode.UnknownZoneError, match="^unknown time zone 'Mars/Olympus': it is not an IANA name"):
        where.evaluate([], as_of=AS_OF, default_tz="Mars/Olympus")


# -- L8: every attribute of a Verdict is documented; DueList exported ------------------------

def test_every_verdict_attribute_is_documented():
    import dataclasses

    from tests.conftest import ROOT

    page = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    section = page[page.index("### Verdicts"):page.index("### A service that evaluates one lead")]
    missing = [f.name for f in dataclasses.fields(slacode.Verdict) if f"`{f.name}`" not in section]
    assert missing == []


def test_duelist_is_exported_where_due_is(where):
    import slacode.report

    assert "DueList" in slacode.__all__ and "DueList" in slacode.report.__all__
    assert isinstance(where.upcoming([EVENT], as_of=AS_OF), slacode.DueList)
    assert slacode.DueList is slacode.report.DueList
