"""`timestamp_formats=` and `type_map=` of `Agreement.evaluate` (and of `evaluate_many` of
dicts, `upcoming`, `changes`): a service's webhook events in a CRM's own types and epoch
milliseconds read as `read_events` reads files (task api30), with the same code, the same
checks and the same errors; records of `read_events` are taken as they were read; a type
map's SLA522 only for a whole input."""
from __future__ import annotations

import enum
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import slacode
from slacode.report.changes import changes

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_service import lead_events  # noqa: E402  (the service benchmark's lead: 20 events, 18 verdicts)

NORTHWIND = slacode.load(ROOT / "specs" / "northwind.sla")
AS_OF = "2026-11-20T18:00:00-03:00"
CRM = {"state": "Status Change", "assigned": "Owner Change", "contact_attempt": "Call"}
SP = ZoneInfo("America/Sao_Paulo")


def crm_events(events: list[dict], names: dict[str, str] = CRM) -> list[dict]:
    """``events`` with their types written as the CRM writes them."""
    return [{**e, "type": names.get(e["type"], e["type"])} for e in events]


def verdicts(result) -> list[dict]:
    return [v.to_dict() for v in result.verdicts]


def codes(result) -> list[str]:
    return [d.code for d in result.diagnostics]


# -- type_map ------------------------------------------------------------------------------

def test_crm_types_with_the_map_give_the_verdicts_of_the_agreement_types():
    events = lead_events()
    plain = NORTHWIND.evaluate(events, as_of=AS_OF, aggregates=False)
    assert len(plain.verdicts) == 12
    crm = crm_events(events)
    mapped = NORTHWIND.evaluate(crm, as_of=AS_OF, aggregates=False, type_map=CRM)
    assert verdicts(mapped) == verdicts(plain)
    assert mapped.diagnostics == plain.diagnostics == []
    # without the map nothing starts: the webhook's types are no type the agreement reads
    unread = NORTHWIND.evaluate(crm, as_of=AS_OF, aggregates=False)
    assert all(v.rule == "flow" or v.cycle is None for v in unread.verdicts) or unread.verdicts == []
    assert verdicts(unread) != verdicts(plain)


@pytest.mark.parametrize("given_as", [
    CRM,
    [("state", "Status Change"), ("assigned", "Owner Change"), ("contact_attempt", "Call")],
    ['state=Status Change', 'assigned=Owner Change', 'contact_attempt=Call'],
    {"state": ["Status Change"], "assigned": "Owner Change", "contact_attempt": ("Call", "Email")},
])
def test_every_shape_read_events_takes(given_as):
    events = lead_events()
    plain = NORTHWIND.evaluate(events, as_of=AS_OF, aggregates=False)
    mapped = NORTHWIND.evaluate(crm_events(events), as_of=AS_OF, aggregates=False, type_map=given_as)
    assert verdicts(mapped) == verdicts(plain)


def test_a_state_key_becomes_the_state_entered_once_the_type_is_renamed():
    """As the reader does: renamed before anything else looks at the event, so an event read
    as `state` enters its `state` key, and one without a state is SLA502."""
    hook = {"lead": "W", "at": "2026-11-18T10:00:00-03:00", "type": "Status Change", "state": "mql",
            "fields": {"company": "X", "email": "x@y.z", "country": "BR"}}
    as_is = NORTHWIND.evaluate([hook], as_of=AS_OF, aggregates=False)
    assert as_is.verdicts == []                       # a property `state` of an unknown type
    mapped = NORTHWIND.evaluate([hook], as_of=AS_OF, aggregates=False, type_map=CRM).verdicts
    assert ("mql_routing", "within", "breached") in [(v.rule, v.clause, v.status) for v in mapped]
    stateless = {k: v for k, v in hook.items() if k != "state"}
    result = NORTHWIND.evaluate([stateless], as_of=AS_OF, aggregates=False, type_map=CRM)
    assert codes(result) == ["SLA502"] and result.verdicts == []
    read = slacode.read_events([_jsonl([stateless])], type_map=CRM)        # (a whole read: SLA522 too)
    assert [d.code for d in read.diagnostics] == ["SLA502", "SLA522", "SLA522"]
    assert read.diagnostics[0].message == result.diagnostics[0].message.replace("event 1: ", "")


def _jsonl(events: list[dict]):
    import io
    import json

    return io.BytesIO(b"".join(json.dumps(e).encode() + b"\n" for e in events))


def test_event_objects_mappings_and_str_enum_types_are_renamed_too():
    class Kind(enum.StrEnum):
        OWNER = "Owner Change"
        CALL = "Call"

    from types import MappingProxyType

    events = [
        slacode.Event(lead="L", at="2026-11-18T10:00:00-03:00", type="Status Change", state="mql",
                      fields={"company": "X", "email": "x@y.z", "country": "BR"}),
        MappingProxyType({"lead": "L", "at": "2026-11-18T10:10:00-03:00", "type": "Owner Change",
                          "owner": "rep-1", "desk": "br"}),
        {"lead": "L", "at": "2026-11-18T10:12:00-03:00", "type": Kind.CALL, "channel": "phone"},
    ]
    plain = [
        {"lead": "L", "at": "2026-11-18T10:00:00-03:00", "type": "state", "state": "mql",
         "fields": {"company": "X", "email": "x@y.z", "country": "BR"}},
        {"lead": "L", "at": "2026-11-18T10:10:00-03:00", "type": "assigned", "owner": "rep-1", "desk": "br"},
        {"lead": "L", "at": "2026-11-18T10:12:00-03:00", "type": "contact_attempt", "channel": "phone"},
    ]
    mapped = NORTHWIND.evaluate(events, as_of=AS_OF, aggregates=False, type_map=CRM)
    assert verdicts(mapped) == verdicts(NORTHWIND.evaluate(plain, as_of=AS_OF, aggregates=False))
    assert {v.rule for v in mapped.verdicts} >= {"mql_routing", "first_touch"}


def test_each_event_is_renamed_once_and_unnamed_types_are_read_as_they_are():
    chained = {"assigned": "contact_attempt", "contact_attempt": "Call"}
    events = [{"lead": "L", "at": "2026-11-18T10:10:00-03:00", "type": "contact_attempt", "owner": "r", "desk": "br"},
              {"lead": "L", "at": "2026-11-18T10:12:00-03:00", "type": "Call"},
              {"lead": "L", "at": "2026-11-18T10:13:00-03:00", "type": "note"}]
    plain = [{**events[0], "type": "assigned"}, {**events[1], "type": "contact_attempt"}, events[2]]
    assert verdicts(NORTHWIND.evaluate(events, as_of=AS_OF, type_map=chained)) == \
        verdicts(NORTHWIND.evaluate(plain, as_of=AS_OF))


_NAMES = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), min_size=1, max_size=12)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_any_renaming_read_back_through_its_map_gives_the_same_result(data):
    """Hypothesis: rename any of the lead's types to any CRM names (distinct, none a type of
    the events), and the map of those names gives the very same verdicts and diagnostics, with
    aggregates and without."""
    events = lead_events()
    types = sorted({e["type"] for e in events})
    chosen = data.draw(st.lists(st.sampled_from(types), min_size=1, unique=True), label="renamed")
    theirs = data.draw(st.lists(_NAMES.map(lambda t: "CRM " + t.strip()).filter(lambda t: t != "CRM "),
                                min_size=len(chosen), max_size=len(chosen), unique=True), label="names")
    names = dict(zip(chosen, theirs))
    crm = crm_events(events, names)
    aggregates = data.draw(st.booleans(), label="aggregates")
    plain = NORTHWIND.evaluate(events, as_of=AS_OF, aggregates=aggregates)
    mapped = NORTHWIND.evaluate(crm, as_of=AS_OF, aggregates=aggregates, type_map=names)
    assert verdicts(mapped) == verdicts(plain)
    assert codes(mapped) == codes(plain)


# -- timestamp_formats ---------------------------------------------------------------------

def _us(at: str) -> int:
    return (datetime.fromisoformat(at) - datetime(1970, 1, 1, tzinfo=timezone.utc)) // timedelta(microseconds=1)


def test_epoch_milliseconds_read_as_the_rfc_3339_instants():
    events = lead_events()
    as_ms = [{**e, "at": _us(e["at"]) // 1000} for e in events]
    as_ms_text = [{**e, "at": str(_us(e["at"]) // 1000)} for e in events]
    plain = NORTHWIND.evaluate(events, as_of=AS_OF, aggregates=False)
    for given_as in (as_ms, as_ms_text):
        assert codes(NORTHWIND.evaluate(given_as, as_of=AS_OF, aggregates=False)) == ["SLA503"] * len(events)
        read = NORTHWIND.evaluate(given_as, as_of=AS_OF, aggregates=False, timestamp_formats="epoch-ms")
        assert verdicts(read) == verdicts(plain) and read.diagnostics == []


@settings(max_examples=40, deadline=None)
@given(start=st.datetimes(min_value=datetime(2026, 1, 5), max_value=datetime(2027, 12, 20)),
       minutes=st.integers(min_value=0, max_value=3_000), seconds=st.integers(min_value=0, max_value=59))
def test_every_format_reads_the_instant_rfc_3339_gives(start, minutes, seconds):
    """Hypothesis: the same instants written in RFC 3339, epoch-ms, epoch-s, iso8601 and a
    local strptime format give the same verdicts."""
    start = start.replace(microsecond=0, tzinfo=SP)
    later = start + timedelta(minutes=minutes, seconds=seconds)
    as_of = later + timedelta(hours=5)
    moments = [start, start + timedelta(minutes=1), later]

    def lead(write) -> list[dict]:
        at = [write(t) for t in moments]
        return [{"lead": "L", "at": at[0], "type": "state", "state": "mql",
                 "fields": {"company": "X", "email": "x@y.z", "country": "BR", "score": 90}},
                {"lead": "L", "at": at[1], "type": "assigned", "owner": "rep", "desk": "br"},
                {"lead": "L", "at": at[2], "type": "contact_attempt", "channel": "phone"}]

    epoch_s = lambda t: int(t.timestamp())   # noqa: E731
    expected = verdicts(NORTHWIND.evaluate(lead(lambda t: t.isoformat()), as_of=as_of, aggregates=False))
    for write, formats, zone in [
        (lambda t: epoch_s(t) * 1000, ["epoch-ms"], None),
        (lambda t: str(epoch_s(t)), ["epoch-s"], None),
        (lambda t: t.strftime("%Y-%m-%dT%H:%M%z") if t.second == 0 else t.strftime("%Y-%m-%d %H:%M:%S%z"),
         ["iso8601"], None),
        (lambda t: t.strftime("%d/%m/%Y %H:%M:%S"), ["%d/%m/%Y %H:%M:%S"], "America/Sao_Paulo"),
        (lambda t: epoch_s(t) * 1000, ["%d/%m/%Y %H:%M:%S", "epoch-s", "epoch-ms"], "America/Sao_Paulo"),
    ]:
        got = NORTHWIND.evaluate(lead(write), as_of=as_of, aggregates=False, timestamp_formats=formats,
                                 default_tz=zone)
        assert got.diagnostics == [], formats
        assert verdicts(got) == expected, formats


def test_a_value_no_format_reads_is_sla503_naming_the_formats_tried():
    events = [{"lead": "L", "at": "yesterday", "type": "assigned"}]
    result = NORTHWIND.evaluate(events, as_of=AS_OF, timestamp_formats=["epoch-ms"])
    (problem,) = result.diagnostics
    read = slacode.read_events([_jsonl(events)], timestamp_formats=["epoch-ms"])
    assert problem.code == "SLA503" and problem.hint.startswith("formats tried: RFC 3339, then epoch-ms")
    assert problem.hint == read.diagnostics[0].hint


# -- the same errors as read_events -------------------------------------------------------

@pytest.mark.parametrize("options", [
    {"type_map": ["state"]},
    {"type_map": [("a", "x"), ("b", "x")]},
    {"type_map": {"call": "call"}},
    {"type_map": {"state": ""}},
    {"type_map": "state=Status Change"},
    {"type_map": [("state", 3)]},
    {"timestamp_formats": "yesterday"},
    {"timestamp_formats": ["%d/%m/%Y"]},
    {"timestamp_formats": ["%d/%m/%Y %H:%M"]},           # local times without default_tz
    {"timestamp_formats": ["%Y-%m-%d %H:%M %Z"]},
    {"timestamp_formats": [3]},
])
def test_a_bad_map_or_format_raises_what_read_events_raises(options):
    with pytest.raises((ValueError, TypeError)) as expected:
        slacode.read_events([_jsonl(lead_events())], **options)
    for call in (lambda: NORTHWIND.evaluate([], as_of=AS_OF, **options),            # even without events
                 lambda: NORTHWIND.evaluate(lead_events(), as_of=AS_OF, aggregates=False, **options),
                 lambda: NORTHWIND.evaluate_many(lead_events(), as_of=AS_OF, jobs=1, **options),
                 lambda: NORTHWIND.upcoming(lead_events(), as_of=AS_OF, **options),
                 lambda: changes(NORTHWIND, lead_events(), since=AS_OF, as_of=AS_OF, **options)):
        with pytest.raises(expected.type) as got:
            call()
        assert str(got.value) == str(expected.value)


# -- records and batches --------------------------------------------------------------------

def test_history_read_with_the_map_and_a_webhook_dict_with_the_map():
    """The service's case: a lead's history read from a CRM file through the map, its new
    event a dict in the CRM's types: the records are taken as read, the dict is renamed."""
    events = lead_events()
    history = slacode.read_events([_jsonl(crm_events(events[:-1]))], type_map=CRM)
    assert history.diagnostics == []
    hook = crm_events(events[-1:])[0]
    got = NORTHWIND.evaluate(history.records + [hook], as_of=AS_OF, aggregates=False, type_map=CRM)
    want = NORTHWIND.evaluate(slacode.read_events([_jsonl(events[:-1])]).records + events[-1:], as_of=AS_OF,
                              aggregates=False)
    assert verdicts(got) == verdicts(want) and got.diagnostics == []
    # the whole batch with the map: its records taken as read (renamed then), nothing said again
    batch = NORTHWIND.evaluate(history, as_of=AS_OF, type_map=CRM)
    assert verdicts(batch) == verdicts(NORTHWIND.evaluate(history, as_of=AS_OF))
    assert "SLA522" not in codes(batch)


def test_records_read_without_the_map_are_refused_with_it():
    history = slacode.read_events([_jsonl(crm_events(lead_events()))])      # read without the map
    for given_as in (history, history.records, [*history.records[:2], {"lead": "L1", "at": AS_OF, "type": "x"}]):
        with pytest.raises(ValueError, match=r"event 1 is a record of slacode.read_events of type 'Status Change', "
                                             r"which type_map reads as 'state'.*give type_map to read_events"):
            NORTHWIND.evaluate(given_as, as_of=AS_OF, aggregates=False, type_map=CRM)
    with pytest.raises(ValueError, match="give type_map to read_events"):
        changes(NORTHWIND, history, since=AS_OF, as_of=AS_OF, type_map=CRM)
    # a type of the map's OURS as well as a THEIRS (`a=b`, `b=c`) may have been renamed: it passes
    chained = slacode.read_events([_jsonl([{"lead": "L", "at": AS_OF, "type": "c"}])], type_map={"b": "c", "a": "b"})
    assert [r.type for r in chained.records] == ["b"]
    NORTHWIND.evaluate(chained, as_of=AS_OF, type_map={"b": "c", "a": "b"})


def test_records_keep_the_instants_they_were_read_with():
    events = lead_events()
    batch = slacode.read_events([_jsonl(events)])
    with_formats = NORTHWIND.evaluate(batch, as_of=AS_OF, aggregates=False, timestamp_formats=["epoch-ms"])
    assert verdicts(with_formats) == verdicts(NORTHWIND.evaluate(batch, as_of=AS_OF, aggregates=False))
    # a webhook's epoch milliseconds beside them
    hook = {**events[-1], "at": _us(events[-1]["at"]) // 1000}
    mixed = NORTHWIND.evaluate(slacode.read_events([_jsonl(events[:-1])]).records + [hook], as_of=AS_OF,
                               aggregates=False, timestamp_formats="epoch-ms")
    assert verdicts(mixed) == verdicts(NORTHWIND.evaluate(events, as_of=AS_OF, aggregates=False))


# -- SLA522: a whole input's note, not a service's ----------------------------------------

def test_a_mapped_type_no_event_had_is_said_by_a_whole_input_only():
    events = crm_events(lead_events())
    mapping = {**CRM, "contact_attempt": ["Call", "Email"]}
    one_lead = NORTHWIND.evaluate(events, as_of=AS_OF, aggregates=False, type_map=mapping)
    assert "SLA522" not in codes(one_lead)
    whole = NORTHWIND.evaluate(events, as_of=AS_OF, type_map=mapping)
    (said,) = [d for d in whole.diagnostics if d.code == "SLA522"]
    read = slacode.read_events([_jsonl(events)], type_map=mapping)
    (read_said,) = read.diagnostics
    assert (said.message, said.hint) == (read_said.message, read_said.hint)
    assert "'Email'" in said.message
    many = NORTHWIND.evaluate_many(events, as_of=AS_OF, jobs=1, type_map=mapping)
    assert [d.message for d in many.diagnostics if d.code == "SLA522"] == [said.message]
    assert verdicts(many) == verdicts(whole)
    # with records among the events, the read that made them said it (or could have)
    history = slacode.read_events([_jsonl(events[:-1])], type_map=mapping)
    mixed = NORTHWIND.evaluate(history.records + events[-1:], as_of=AS_OF, type_map=mapping)
    assert "SLA522" not in codes(mixed)


def test_the_due_list_and_the_changes_read_the_same_way():
    events = lead_events()[:3]                   # mql, sal, assigned: clocks open
    crm = [{**e, "type": CRM.get(e["type"], e["type"]), "at": _us(e["at"]) // 1000} for e in events]
    as_of = "2026-11-09T09:30:00-03:00"
    options = {"type_map": CRM, "timestamp_formats": ["epoch-ms"]}
    due = NORTHWIND.upcoming(crm, as_of=as_of, **options)
    assert due and [d.to_dict() for d in due] == [d.to_dict() for d in NORTHWIND.upcoming(events, as_of=as_of)]
    since = "2026-11-09T09:00:00-03:00"
    got = changes(NORTHWIND, crm, since=since, as_of=as_of, **options)
    assert got and [c.to_dict() for c in got] == [c.to_dict() for c in changes(NORTHWIND, events, since=since,
                                                                                as_of=as_of)]


def test_a_repeated_id_read_with_formats_and_the_map_is_compared_as_read():
    """A repeated id's first copy is read again to compare contents: with the call's formats
    and map (before, `evaluate_many` of epoch-ms dicts with a repeated id raised ValueError)."""
    first = {"id": "h1", "lead": "L", "at": 1763373600000, "type": "Owner Change", "owner": "rep", "desk": "br"}
    for many in (False, True):
        call = NORTHWIND.evaluate_many if many else NORTHWIND.evaluate
        kw = {"jobs": 1} if many else {}
        same = call([first, dict(first)], as_of=AS_OF, timestamp_formats="epoch-ms", type_map=CRM, **kw)
        assert [d.code for d in same.diagnostics if d.code.startswith("SLA5") and d.code != "SLA522"] == ["SLA517"]
        other = call([first, {**first, "owner": "other"}], as_of=AS_OF, timestamp_formats="epoch-ms",
                     type_map=CRM, **kw)
        assert [d.code for d in other.diagnostics if d.code.startswith("SLA5") and d.code != "SLA522"] == ["SLA505"]       # the same id, other content


def test_without_the_options_nothing_changes():
    events = lead_events()
    assert NORTHWIND.evaluate(events, as_of=AS_OF, timestamp_formats=None, type_map=None).to_dict() == \
        NORTHWIND.evaluate(events, as_of=AS_OF).to_dict()
    empty = NORTHWIND.evaluate(crm_events(events), as_of=AS_OF, timestamp_formats=[], type_map={})
    assert empty.to_dict() == NORTHWIND.evaluate(crm_events(events), as_of=AS_OF).to_dict()
