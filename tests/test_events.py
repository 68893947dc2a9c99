"""Tests of slacode.events: reading event files and objects into records."""
from __future__ import annotations

import gc
import gzip
import io
import json
import sys
import tracemalloc
from datetime import datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from slacode.codes import CODES
from slacode.events import (
    Event,
    EventBatch,
    EventInputError,
    MissingOffsetError,
    Record,
    datetime_from_us,
    iter_records,
    parse_timestamp,
    read_events,
    records_from_objects,
    timestamp_us,
)

CONFORMANCE = Path(__file__).resolve().parents[2] / "shared" / "conformance" / "cases"
UTC = timezone.utc


def us(text: str) -> int:
    """Reference conversion through the standard library (offset required)."""
    moment = datetime.fromisoformat(text.replace("z", "+00:00").replace("Z", "+00:00"))
    return (moment - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def read(*sources, **kwargs) -> EventBatch:
    return read_events(list(sources), **kwargs)


def codes_of(batch: EventBatch) -> list[tuple[str, int | None, int | None]]:
    return [(d.code, d.line, d.column) for d in batch.diagnostics]


def line(**event) -> str:
    import json

    return json.dumps(event)


EV = {"lead": "A", "at": "2026-11-09T16:00:00-03:00", "type": "assigned"}


# --------------------------------------------------------------------------------------------
# Timestamps
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "2026-11-09T16:00:00-03:00",
    "2026-11-09T19:00:00Z",
    "2026-11-09T19:00:00z",
    "2026-11-09t19:00:00Z",
    "2026-11-09 19:00:00+00:00",
    "2026-11-09T19:00:00-00:00",
    "2026-11-09T19:00:00.5Z",
    "2026-11-09T19:00:00.123+05:30",
    "2026-11-09T19:00:00.123456-09:45",
    "1969-07-20T20:17:40Z",
    "1001-01-01T00:00:00Z",                 # the first and last years evaluated
    "9989-12-31T23:59:59.999999+23:59",
])
def test_parse_timestamp_accepts_rfc3339(text):
    assert parse_timestamp(text) == us(text)


def test_parse_timestamp_value():
    assert parse_timestamp("1970-01-01T00:00:01Z") == 1_000_000
    assert parse_timestamp("1970-01-01T00:00:00-00:01") == 60_000_000
    assert parse_timestamp("2026-11-09T16:00:00-03:00") == parse_timestamp("2026-11-09T19:00:00Z")


def test_nine_fraction_digits_are_truncated_to_the_microsecond():
    assert parse_timestamp("2026-11-09T19:00:00.123456789Z") == us("2026-11-09T19:00:00.123456Z")
    assert parse_timestamp("2026-11-09T19:00:00.999999999Z") == us("2026-11-09T19:00:00.999999Z")
    with pytest.raises(ValueError, match="10 fraction digits"):
        parse_timestamp("2026-11-09T19:00:00.1234567890Z")


@pytest.mark.parametrize("text, why", [
    ("2026-11-09T19:00:60Z", "leap second"),
    ("2016-12-31T23:59:60Z", "leap second"),
    ("2026-02-30T10:00:00Z", "not a date"),
    ("2026-13-01T10:00:00Z", "not a date"),
    ("2027-02-29T10:00:00Z", "not a date"),
    ("0000-01-01T00:00:00Z", "outside the years"),
    ("0001-01-01T00:00:00Z", "outside the years"),     # a CRM's "no date" placeholder
    ("1000-12-31T23:59:59Z", "outside the years"),
    ("9990-01-01T00:00:00Z", "outside the years"),
    ("2026-11-09T24:00:00Z", "hour 24"),
    ("2026-11-09T10:60:00Z", "minute 60"),
    ("2026-11-09T10:00:61Z", "second 61"),
    ("2026-11-09T10:00:00+24:00", "offset"),
    ("2026-11-09T10:00:00+03:60", "offset"),
    ("2026-11-09T10:00:00+0300", "colon"),
    ("2026-11-09", "without a time"),
    ("2026-11-09T10:00Z", "HH:MM:SS"),
    ("2026-11-09T10:00:00.Z", "RFC 3339"),
    ("2026-11-09T10:00:00,5Z", "RFC 3339"),
    ("2026-11-09X10:00:00Z", "HH:MM:SS"),
    ("2026-11-09T10:00:00Z ", "RFC 3339"),
    (" 2026-11-09T10:00:00Z", "date"),
    ("1794250800", "date"),
    ("09/11/2026 10:00", "date"),
    ("２０２６-11-09T10:00:00Z", "date"),
    ("2026-11-09T10:00:00+03:00:00", "RFC 3339"),
    ("", "empty"),
])
def test_parse_timestamp_refuses(text, why):
    with pytest.raises(ValueError, match=why):
        parse_timestamp(text)


def test_refusals_are_not_hidden_by_the_caches():
    assert parse_timestamp("2026-11-09T10:00:00Z") == us("2026-11-09T10:00:00Z")
    for bad in ("2026-11-09T10:00:00Zx", "2026-11-09T10:00:00", "2026-11-09T10:00:60Z",
                "2026-11-09T10:00:00ZZ", "2026-11-09T1"):
        with pytest.raises(ValueError):
            parse_timestamp(bad)
    assert parse_timestamp("2026-11-09T10:00:00Z") == us("2026-11-09T10:00:00Z")


def test_non_text_timestamp():
    with pytest.raises(ValueError, match="must be text"):
        parse_timestamp(1794250800)  # type: ignore[arg-type]


def test_missing_offset():
    with pytest.raises(MissingOffsetError, match="no offset"):
        parse_timestamp("2026-11-09T16:00:00")
    with pytest.raises(MissingOffsetError):
        parse_timestamp("2026-11-09T16:00:00.250")


def test_default_zone_reads_local_time():
    sp = ZoneInfo("America/Sao_Paulo")
    assert parse_timestamp("2026-11-09T16:00:00", sp) == us("2026-11-09T16:00:00-03:00")
    assert parse_timestamp("2026-11-09T16:00:00.250", "America/Sao_Paulo") == \
        us("2026-11-09T16:00:00.250-03:00")
    # an explicit offset wins over the default zone
    assert parse_timestamp("2026-11-09T16:00:00Z", sp) == us("2026-11-09T16:00:00Z")


def test_default_zone_gap_and_fold_use_fold_0():
    ny = ZoneInfo("America/New_York")
    # 02:30 does not exist on 2026-03-08: read with the offset before the change (EST)
    assert parse_timestamp("2026-03-08T02:30:00", ny) == us("2026-03-08T02:30:00-05:00")
    # 01:30 happens twice on 2026-11-01: the first occurrence (EDT)
    assert parse_timestamp("2026-11-01T01:30:00", ny) == us("2026-11-01T01:30:00-04:00")


def test_unknown_default_zone():
    with pytest.raises(EventInputError, match="unknown time zone"):
        parse_timestamp("2026-11-09T16:00:00", "Mars/Olympus")


def test_timestamp_helpers():
    moment = datetime(2026, 11, 9, 16, 0, 0, 250, tzinfo=ZoneInfo("America/Sao_Paulo"))
    assert datetime_from_us(timestamp_us(moment)) == moment
    assert datetime_from_us(0) == datetime(1970, 1, 1, tzinfo=UTC)
    assert datetime_from_us(0, ZoneInfo("America/Sao_Paulo")).utcoffset() == timedelta(hours=-3)
    with pytest.raises(ValueError, match="no time zone"):
        timestamp_us(datetime(2026, 1, 1))


offsets = st.integers(min_value=-(23 * 60 + 59), max_value=23 * 60 + 59).map(
    lambda m: timezone(timedelta(minutes=m)))


@given(st.datetimes(min_value=datetime(1001, 1, 1), max_value=datetime(9989, 12, 31),
                    timezones=offsets))
def test_timestamp_round_trip(moment):
    text = moment.isoformat()
    expected = (moment - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)
    assert parse_timestamp(text) == expected
    assert datetime_from_us(parse_timestamp(text)) == moment


@given(st.datetimes(min_value=datetime(1900, 1, 1), max_value=datetime(2200, 1, 1),
                    timezones=st.just(UTC)),
       st.sampled_from("Tt "), st.sampled_from(["Z", "z", "+00:00", "-00:00"]),
       st.text(alphabet="0123456789", max_size=3))
def test_timestamp_variants(moment, sep, zulu, extra_digits):
    fraction = f".{moment.microsecond:06d}{extra_digits}"
    text = moment.strftime(f"%Y-%m-%d{sep}%H:%M:%S") + fraction + zulu
    expected = (moment - datetime(1970, 1, 1, tzinfo=UTC)) // timedelta(microseconds=1)
    assert parse_timestamp(text) == expected


# --------------------------------------------------------------------------------------------
# The Event model and records from objects
# --------------------------------------------------------------------------------------------

def test_event_model():
    event = Event(lead="A", at="2026-11-09T16:00:00-03:00", type="assigned", owner="rep-1",
                  id=42)
    assert event.id == "42"
    assert event.properties == {"owner": "rep-1"}
    assert event.at.utcoffset() == timedelta(hours=-3)
    with pytest.raises(ValidationError, match="frozen"):
        event.lead = "B"


@pytest.mark.parametrize("kwargs, why", [
    ({"lead": "", "at": "2026-11-09T16:00:00Z", "type": "x"}, r"\nlead\n"),
    ({"lead": 5, "at": "2026-11-09T16:00:00Z", "type": "x"}, r"\nlead\n"),
    ({"lead": "A", "at": "2026-11-09T16:00:00", "type": "x"}, r"\nat\n"),
    ({"lead": "A", "at": datetime(2026, 11, 9), "type": "x"}, r"\nat\n"),
    ({"lead": "A", "at": "2026-11-09T16:00:60Z", "type": "x"}, r"\nat\n"),
    ({"lead": "A", "at": "2026-11-09T16:00:00Z", "type": "state"}, "needs a non-empty 'state'"),
    ({"lead": "A", "at": "2026-11-09T16:00:00Z", "type": ""}, r"\ntype\n"),
    ({"lead": "A", "at": "2026-11-09T16:00:00Z", "type": "x", "fields": [1]}, r"\nfields\n"),
    ({"lead": "A", "at": 1794250800, "type": "x"}, r"\nat\n"),
])
def test_event_model_refuses(kwargs, why):
    with pytest.raises(ValidationError, match=why):
        Event(**kwargs)


def test_records_from_objects():
    diags: list = []
    source = [
        {"lead": "A", "at": "2026-11-09T16:00:00-03:00", "type": "assigned", "owner": "r"},
        Event(lead="A", at=datetime(2026, 11, 9, 20, tzinfo=UTC), type="contact_attempt",
              channel="phone", id="e2"),
        {"lead": "B", "at": datetime(2026, 11, 9, 21, tzinfo=UTC), "type": "state",
         "state": "mql", "fields": {"score": 90, "x": None}},
        {"lead": "B", "at": "2026-11-09T21:00:00Z", "type": "state"},          # no state
        ["not", "an", "event"],
        {"lead": "C", "at": "2026-11-09T22:00:00Z", "type": "x", "id": "e2"},  # duplicate
    ]
    copy = [dict(e) if isinstance(e, dict) else e for e in source]
    records = records_from_objects(source, diagnostics=diags)
    assert source == copy  # not modified
    assert [r.ref for r in records] == ["1", "e2", "3"]
    assert [r.seq for r in records] == [0, 1, 2]
    assert [r.line for r in records] == [1, 2, 3]
    assert records[0].props == {"owner": "r"} and records[1].props == {"channel": "phone"}
    assert records[2].fields == {"score": 90, "x": None} and records[2].state == "mql"
    assert records[1].at == us("2026-11-09T20:00:00Z")
    assert [(d.code, d.line, d.file) for d in diags] == [
        ("SLA502", 4, None), ("SLA501", 5, None), ("SLA505", 6, None)]
    assert "position 2" in diags[2].message


def test_records_from_objects_naive_datetimes_and_as_of():
    diags: list = []
    events = [{"lead": "A", "at": datetime(2026, 11, 9, 16), "type": "x"}]
    # a naive datetime object is the calling code's mistake (review 20a): refused, not reported
    with pytest.raises(MissingOffsetError, match="event 1: 'at' is a datetime without a time zone"):
        records_from_objects(events, diagnostics=diags)
    assert diags == []
    diags = []
    records = records_from_objects(
        events + [{"lead": "A", "at": "2026-11-10T16:00:00", "type": "x"},
                  {"lead": "A", "at": "2026-11-11T16:00:00", "type": "x"}],
        default_tz="America/Sao_Paulo", diagnostics=diags,
        as_of_us=us("2026-11-09T19:00:00Z"))
    assert [r.at for r in records] == [us("2026-11-09T16:00:00-03:00")]
    assert [(d.code, d.severity, d.line) for d in diags] == [("SLA506", "info", 2)]
    assert "2 events" in diags[0].message


def test_record_is_sortable_and_converts_back():
    diags: list = []
    records = records_from_objects([
        {"lead": "A", "at": "2026-11-09T16:00:00Z", "type": "b", "k": 1},
        {"lead": "A", "at": "2026-11-09T15:00:00Z", "type": "a"},
        {"lead": "A", "at": "2026-11-09T16:00:00Z", "type": "c"},
    ], diagnostics=diags)
    assert [r.type for r in sorted(records)] == ["a", "b", "c"]
    event = records[0].to_event()
    assert event.properties == {"k": 1} and event.at == datetime(2026, 11, 9, 16, tzinfo=UTC)
    assert isinstance(records[0], tuple) and isinstance(records[0], Record)


def test_a_state_property_of_another_event_survives_record_and_event_alike(tmp_path):
    """§4: on an event that is not a `state` event, `state` is a property: in the record's
    props, in Event.properties, and back again through to_event."""
    diags: list = []
    rec, = records_from_objects([{"lead": "A", "at": "2026-11-09T16:00:00Z", "type": "update", "state": "SP",
                                  "channel": "x"}], diagnostics=diags)
    assert rec.state is None and rec.props == {"state": "SP", "channel": "x"}
    event = rec.to_event()
    assert event.properties == {"state": "SP", "channel": "x"}
    again, = records_from_objects([event], diagnostics=diags)
    assert (again.state, again.props) == (None, {"state": "SP", "channel": "x"}) and not diags
    entered = Event(lead="A", at="2026-11-09T16:00:00Z", type="state", state="sal")
    assert entered.properties == {}
    path = tmp_path / "e.csv"
    path.write_text("lead,at,type,fields\nA,2026-11-09T16:00:00Z,update,x\n", encoding="utf-8")
    rec, = read_events([str(path)]).records
    assert rec.props == {"fields": "x"}
    with pytest.raises(ValueError, match="property named 'fields'"):
        rec.to_event()


# --------------------------------------------------------------------------------------------
# JSON Lines
# --------------------------------------------------------------------------------------------

def test_jsonl_records(tmp_path):
    path = write(tmp_path, "e.jsonl", "\n".join([
        line(lead="A", at="2026-11-09T16:00:00-03:00", type="assigned", owner="rep-1", id="a1"),
        "",
        line(lead="A", at="2026-11-10T10:30:00.123456789Z", type="contact_attempt"),
        line(lead="B", at="2026-11-10 10:30:00+01:00", type="state", state="mql",
             fields={"score": 90, "team": None}),
        "   ",
    ]) + "\n")
    batch = read(path)
    assert batch.diagnostics == []
    a1, attempt, state = batch.records
    assert a1 == Record(us("2026-11-09T16:00:00-03:00"), 0, "A", "assigned", None, None,
                        {"owner": "rep-1"}, "a1", "a1", 0, 1)
    assert attempt.ref == "3" and attempt.line == 3 and attempt.seq == 1
    assert attempt.at == us("2026-11-10T10:30:00.123456Z") and attempt.props == {}
    assert state.state == "mql" and state.fields == {"score": 90, "team": None}


def test_jsonl_malformed_lines(tmp_path):
    path = write(tmp_path, "e.jsonl", "\n".join([
        '{"lead": "A", "at": "2026-11-09T16:00:00Z", "type": "x"',   # 1 cut short
        '[1, 2]',                                                      # 2 array
        '"text"',                                                      # 3 string
        '{"lead": "A", "at": "2026-11-09T16:00:00Z", "type": "x"} {}',  # 4 two objects
        line(**EV),                                                    # 5 fine
    ]) + "\n")
    batch = read(path)
    assert [r.line for r in batch.records] == [5]
    found = codes_of(batch)
    assert [c[:2] for c in found] == [("SLA501", 1), ("SLA501", 2), ("SLA501", 3), ("SLA501", 4)]
    assert found[0][2] == 56  # where the JSON stops
    assert found[3][2] == 58
    assert "array" in batch.diagnostics[1].message
    assert all(d.file == str(path) and d.span.file == str(path) for d in batch.diagnostics)


def test_jsonl_missing_and_invalid_keys(tmp_path):
    rows = [
        {"at": "2026-11-09T16:00:00Z", "type": "x"},                         # no lead
        {"lead": "", "at": "2026-11-09T16:00:00Z", "type": "x"},             # empty lead
        {"lead": 12, "at": "2026-11-09T16:00:00Z", "type": "x"},             # number lead
        {"lead": "A", "type": "x"},                                          # no at
        {"lead": "A", "at": None, "type": "x"},                              # null at
        {"lead": "A", "at": 1794250800, "type": "x"},                        # epoch at
        {"lead": "A", "at": "2026-11-09T16:00:00Z"},                         # no type
        {"lead": "A", "at": "2026-11-09T16:00:00Z", "type": 3},              # number type
        {"lead": "A", "at": "2026-11-09T16:00:00Z", "type": "state"},        # no state
        {"lead": "A", "at": "2026-11-09T16:00:00Z", "type": "state", "state": ""},
        {"lead": "A", "at": "2026-11-09T16:00:00Z", "type": "state", "state": 1},
        {"lead": "A", "at": "2026-11-09T16:00:00Z", "type": "x", "fields": [1]},
        {"lead": "A", "at": "2026-11-09T16:00:00Z", "type": "x", "fields": "a=1"},
        {"lead": "A", "at": "2026-11-09T16:00:00Z", "type": "x", "id": 1.5},
        {"lead": "A", "at": "2026-11-09T16:00:00Z", "type": "x", "id": True},
        {"lead": "A", "at": "2026-11-09T16:00:00Z", "type": "x", "id": ["a"]},
        {"lead": None, "at": "2026-11-09T16:00", "type": None},             # three problems
    ]
    import json

    path = write(tmp_path, "e.jsonl", "\n".join(json.dumps(r) for r in rows))
    batch = read(path)
    assert batch.records == []
    assert [(c, ln) for c, ln, _ in codes_of(batch)] == [
        ("SLA502", 1), ("SLA502", 2), ("SLA507", 3), ("SLA502", 4), ("SLA502", 5),
        ("SLA503", 6), ("SLA502", 7), ("SLA507", 8), ("SLA502", 9), ("SLA502", 10),
        ("SLA507", 11), ("SLA507", 12), ("SLA507", 13), ("SLA507", 14), ("SLA507", 15),
        ("SLA507", 16), ("SLA502", 17), ("SLA503", 17), ("SLA502", 17)]
    # columns point at the key when it is there
    by_line = {d.line: d for d in batch.diagnostics}
    lines = path.read_text().splitlines()
    assert by_line[3].column == lines[2].index('"lead"') + 1 == 2
    assert by_line[6].column == lines[5].index('"at"') + 1
    assert by_line[12].column == lines[11].index('"fields"') + 1
    assert by_line[1].column == 1


def test_jsonl_ids(tmp_path):
    path = write(tmp_path, "e.jsonl", "\n".join([
        line(**EV, id=7), line(**EV, id=""), line(**EV, id="7"), line(**EV, id=None)]))
    batch = read(path)
    assert [(r.id, r.ref) for r in batch.records] == [("7", "7"), (None, "2"), (None, "4")]
    assert codes_of(batch) == [("SLA517", 3, 1)]      # the same event again (id 7 is "7")
    assert "line 1" in batch.diagnostics[0].message


def test_a_repeated_id_is_a_clash_when_the_events_differ_and_a_repeat_when_they_agree(tmp_path):
    """Every skipped event is said on its line, in line order among the other problems:
    SLA517 when it repeats the first exactly, SLA505 when its content differs. Content is
    what is read (keys in any order, the instant however written); a property, a field,
    the type or the lead that differs makes another event."""
    first = dict(lead="A", at="2026-11-09T16:00:00-03:00", type="x", id="e1", fields={"n": 1}, channel="web")
    same = '{"channel": "web", "fields": {"n": 1}, "id": "e1", "type": "x", "at": "2026-11-09T19:00:00Z", "lead": "A"}'
    path = write(tmp_path, "e.jsonl", "\n".join([
        line(**first),
        same,
        line(**{**first, "channel": "phone"}),
        line(lead="A", at="2026-11-09T16:00:00Z", type="x") + "}",
        line(**{**first, "fields": {"n": 2}}),
        line(**{**first, "lead": "B"}),
        line(**{**first, "at": "2026-11-10T16:00:00Z"}),
        line(**first),
    ]))
    batch = read(path, as_of_us=parse_timestamp("2026-11-10T00:00:00Z"))
    assert [(c, ln) for c, ln, _ in codes_of(batch)] == [
        ("SLA517", 2), ("SLA505", 3), ("SLA501", 4), ("SLA505", 5), ("SLA505", 6), ("SLA505", 7), ("SLA517", 8)]
    assert batch.diagnostics[0].message == ("the event repeats the one at line 1 exactly (id 'e1', same content); "
                                            "this copy is ignored")
    assert [d.message.split("(its ")[-1].split(")")[0] for d in batch.diagnostics if d.code == "SLA505"] == [
        "properties differ", "fields differ", "lead differs", "time differs"]
    assert {d.severity for d in batch.diagnostics} == {"warning", "error"}
    assert [r.line for r in batch.records] == [1]


def test_a_repeat_is_compared_with_its_first_copy_in_another_file_and_format(tmp_path):
    jsonl = write(tmp_path, "a.jsonl", line(lead="A", at="2026-11-09T16:00:00Z", type="x", id="e1",
                                            fields={"score": 9}))
    csv_path = write(tmp_path, "b.csv", "id,lead,at,type,fields.score\n"
                                         "e1,A,2026-11-09T16:00:00Z,x,9\ne1,A,2026-11-09T16:00:00Z,y,9\n")
    batch = read(jsonl, csv_path)
    assert [(d.code, d.line, d.path) for d in batch.diagnostics] == [
        ("SLA517", 2, str(csv_path)), ("SLA505", 3, str(csv_path))]
    assert "a.jsonl:1" in batch.diagnostics[0].message
    only_repeats = write(tmp_path, "c.csv", "id,lead,at,type,fields.score\ne1,A,2026-11-09T16:00:00Z,x,9\n")
    assert [d.code for d in read(jsonl, only_repeats).diagnostics] == ["SLA517"]   # not empty (SLA515)
    twice = write(tmp_path, "d.jsonl", (line(lead="A", at="2026-11-09T16:00:00Z", type="x", id="e1",
                                             fields={"score": 9}) + "\n") * 2)
    assert [d.code for d in read(jsonl, twice).diagnostics] == ["SLA517", "SLA517"]


def test_many_repeats_are_compared_in_batches_with_the_same_result(tmp_path, monkeypatch):
    """Repeated ids wait for their comparison in batches (memory that does not grow with
    them): a batch of 2 gives what one batch does, a clash in the middle included."""
    import slacode.events as events_module

    rows = [line(lead=f"L{i % 3}", at=f"2026-11-09T1{i}:00:00Z", type="x", id=f"e{i}") for i in range(8)]
    again = rows[:3] + [rows[3].replace('"type": "x"', '"type": "y"')] + rows[4:]
    path = write(tmp_path, "e.jsonl", "\n".join(rows + again + [rows[0]]) + "\n")
    whole = read(path).diagnostics
    monkeypatch.setattr(events_module, "_PENDING_REPEATS", 2)
    assert read(path).diagnostics == whole
    assert [(d.code, d.line) for d in whole] == [("SLA517", n) for n in (9, 10, 11)] + [("SLA505", 12)] + [
        ("SLA517", n) for n in (13, 14, 15, 16, 17)]


def test_a_binary_stream_that_can_seek_is_read_again_from_where_it_started_and_left_at_its_end():
    """Standard input is spooled to a file by `slacode check`; a library caller's BytesIO or
    open file too can be read again. A stream that cannot seek gives SLA505 for every
    repeated id (nothing to compare with)."""
    event = (line(lead="A", at="2026-11-09T16:00:00Z", type="x", id="e1") + "\n").encode()
    stream = io.BytesIO(b"skipped header\n" + event * 2)
    stream.readline()                                  # the caller's events start here
    batch = read(stream)
    assert [(d.code, d.line) for d in batch.diagnostics] == [("SLA517", 2)]
    assert "the one at line 1 exactly" in batch.diagnostics[0].message
    assert stream.tell() == len(stream.getvalue())    # where reading had left it

    class Pipe(io.RawIOBase):
        def __init__(self, data):
            self.data = io.BytesIO(data)

        def readable(self):
            return True

        def readinto(self, buffer):
            return self.data.readinto(buffer)

    piped = read(io.BufferedReader(Pipe(event * 2)))
    assert [d.code for d in piped.diagnostics] == ["SLA505"]
    assert piped.diagnostics[0].message == ("id 'e1' was already used by the event at line 1 (not compared: "
                                            "that input cannot be read again); this event is ignored")


def test_jsonl_id_too_large_for_an_integer_says_so(tmp_path):
    path = write(tmp_path, "e.jsonl", '{"lead":"A","at":"2026-11-09T16:00:00Z","type":"x","id":123456789012345678901234}\n')
    (d,) = read(path).diagnostics
    assert d.code == "SLA507" and "last digits lost" in d.message and '"id": "' in d.hint


def test_jsonl_timestamps(tmp_path):
    path = write(tmp_path, "e.jsonl", "\n".join([
        line(lead="A", at="2026-11-09T16:00:00", type="x"),
        line(lead="A", at="2026-11-09T16:00:60Z", type="x"),
        line(lead="A", at="2026-02-30T16:00:00Z", type="x"),
        line(lead="A", at="2026-11-09t16:00:00z", type="x"),
        line(lead="A", at="2026-11-09 16:00:00.123456789-03:00", type="x"),
    ]))
    batch = read(path)
    assert [(c, ln) for c, ln, _ in codes_of(batch)] == [
        ("SLA504", 1), ("SLA503", 2), ("SLA503", 3)]
    assert "--tz" in batch.diagnostics[0].hint
    assert "leap second" in batch.diagnostics[1].message
    assert "not a date" in batch.diagnostics[2].message
    assert [r.at for r in batch.records] == [us("2026-11-09T16:00:00Z"),
                                             us("2026-11-09T16:00:00.123456-03:00")]
    zoned = read(path, default_tz="America/Sao_Paulo")
    assert [r.line for r in zoned.records] == [1, 4, 5]
    assert zoned.records[0].at == us("2026-11-09T16:00:00-03:00")


def test_jsonl_invalid_utf8(tmp_path):
    path = write(tmp_path, "e.jsonl", b"\n".join([
        line(**EV).encode(),
        b'{"lead": "Jos\xe9", "at": "2026-11-09T16:00:00Z", "type": "x"}',
        b"\xff\xfe\x00garbage",
        line(**EV).encode(),
    ]))
    batch = read(path)
    assert [r.line for r in batch.records] == [1, 4]
    assert codes_of(batch) == [("SLA508", 2, 14), ("SLA508", 3, 1)]
    assert "0xe9" in batch.diagnostics[0].message


def test_jsonl_bom_and_crlf(tmp_path):
    path = write(tmp_path, "e.jsonl",
                 b"\xef\xbb\xbf" + line(**EV).encode() + b"\r\n" + line(**EV).encode() + b"\r\n")
    batch = read(path)
    assert batch.diagnostics == [] and [r.line for r in batch.records] == [1, 2]


def test_jsonl_repeated_keys_are_reported_with_the_last_value_used(tmp_path):
    lines = [
        '{"lead":"A","at":"2026-11-09T16:00:00Z","type":"assigned","owner":"r1","owner":"r2"}',
        '{"lead":"A","lead":"B","at":"2026-11-09T16:00:00Z","type":"x"}',
        '{"lead":"C","at":"2026-11-09T16:00:00Z","type":"state","state":"mql","fields":{"s":1,"s":2}}',
        '{"lead" : "D", "at" : "2026-11-09T16:00:00Z", "type" : "x", "type": "y"}',
        '{"lead":"E","at":"2026-11-09T16:00:00Z","type":"x","items":[{"a":1},{"b":2,"b":3}]}',
        # no repeat: nested objects, a `":` inside a text, spaces before colons
        '{"lead":"F","at":"2026-11-09T16:00:00Z","type":"x","fields":{"s":1},"meta":{"lead":"G"}}',
        '{"lead":"F","at":"2026-11-09T16:00:00Z","type":"x","note":"say \\":\\" twice"}',
        '{"lead" : "F", "at" : "2026-11-09T16:00:00Z", "type" : "x"}',
    ]
    batch = read(write(tmp_path, "e.jsonl", "\n".join(lines)))
    def second(text: str, key: str) -> int:         # 1-based column of the key's repeat
        return text.index(f'"{key}"', text.index(f'"{key}"') + 1) + 1

    assert codes_of(batch) == [("SLA511", n, second(lines[n - 1], key))
                               for n, key in ((1, "owner"), (2, "lead"), (3, "s"), (4, "type"), (5, "b"))]
    assert [d.severity for d in batch.diagnostics] == ["warning"] * 5
    assert "'owner'" in batch.diagnostics[0].message and "last value" in batch.diagnostics[0].message
    # every event is still read, each with the last value of its repeated key
    assert [(r.lead, r.type) for r in batch.records][:5] == [
        ("A", "assigned"), ("B", "x"), ("C", "state"), ("D", "y"), ("E", "x")]
    assert batch.records[0].props == {"owner": "r2"} and batch.records[2].fields == {"s": 2}
    assert len(batch.records) == 8


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-10**6, 10**6)
    | st.text(alphabet=st.sampled_from('ab": \\{}[],\n'), max_size=8),
    lambda inner: st.lists(inner, max_size=3)
    | st.dictionaries(st.text(alphabet=st.sampled_from('ab": \\'), max_size=4), inner, max_size=3),
    max_leaves=8)


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(st.text(alphabet=st.sampled_from('ab": '), max_size=4), _JSON_VALUES, max_size=5),
       st.sampled_from([(",", ":"), (", ", ": "), (" , ", " : ")]))
def test_repeated_keys_none_in_any_dict_and_the_scanner_only_when_needed(obj, separators):
    import json as std_json

    from slacode import events

    raw = std_json.dumps(obj, separators=separators, ensure_ascii=False).encode()
    assert events.repeated_keys(raw, obj) == []
    if separators != (" , ", " : "):        # compact or spaced after the colon: counted, never scanned
        calls = []
        real, events._scan_repeats = events._scan_repeats, lambda text: calls.append(text) or []
        try:
            events.repeated_keys(raw, obj)
        finally:
            events._scan_repeats = real
        assert calls == []
    if obj:                                 # a key written again is always found, at its repeat
        key = next(iter(obj))
        text = raw.decode()
        again = std_json.dumps(key, ensure_ascii=False) + separators[1] + "1" + separators[0]
        doubled = "{" + again + text[1:]
        assert events.repeated_keys(doubled.encode(), std_json.loads(doubled)) == [(key, len(again) + 2)]


def test_unicode_values(tmp_path):
    path = write(tmp_path, "e.jsonl", line(lead="São Paulo ☕", at="2026-11-09T16:00:00Z",
                                           type="x", nome="José") + "\n")
    (record,) = read(path).records
    assert record.lead == "São Paulo ☕" and record.props == {"nome": "José"}


def test_multiple_files_refs_duplicates_and_order(tmp_path):
    a = write(tmp_path, "a.jsonl", "\n".join([
        line(lead="A", at="2026-11-09T16:00:00Z", type="x", id="e1"),
        line(lead="A", at="2026-11-09T17:00:00Z", type="y")]))
    b = write(tmp_path, "b.ndjson", "\n".join([
        line(lead="B", at="2026-11-09T15:00:00Z", type="z"),
        line(lead="B", at="2026-11-09T18:00:00Z", type="w", id="e1")]))
    c = write(tmp_path, "c.csv", "lead,at,type,id\n"
              "C,2026-11-09T16:00:00Z,v,\nC,2026-11-09T16:00:00Z,u,e1\n")
    batch = read(a, b, c)
    assert [(r.ref, r.seq, r.source, r.line) for r in batch.records] == [
        ("e1", 0, 0, 1), (f"{a}:2", 1, 0, 2), (f"{b}:1", 2, 1, 1), (f"{c}:2", 3, 2, 2)]
    assert [(d.code, d.path, d.line) for d in batch.diagnostics] == [
        ("SLA505", str(b), 2), ("SLA505", str(c), 3)]
    assert f"{a}:1" in batch.diagnostics[0].message
    # a single file: refs are bare line numbers
    assert [r.ref for r in read(b).records] == ["1", "e1"]


def test_events_after_as_of_one_info_per_file(tmp_path):
    a = write(tmp_path, "a.jsonl", "\n".join([
        line(lead="A", at="2026-11-09T16:00:00Z", type="x"),
        line(lead="A", at="2026-11-09T16:00:01Z", type="x"),
        line(lead="A", at="2026-11-09T15:00:00Z", type="x"),
        line(lead="A", at="2026-11-10T00:00:00Z", type="x")]))
    b = write(tmp_path, "b.jsonl", line(lead="B", at="2026-11-09T16:00:00Z", type="x"))
    c = write(tmp_path, "c.csv",
              "lead,at,type\nC,2027-01-01T00:00:00Z,x\nC,2028-01-01T00:00:00Z,x\n")
    batch = read(a, b, c, as_of_us=us("2026-11-09T16:00:00Z"))
    # an event exactly at as_of is evaluated
    assert [r.ref for r in batch.records] == [f"{a}:1", f"{a}:3", f"{b}:1"]
    assert [r.seq for r in batch.records] == [0, 1, 2]
    infos = [(d.code, d.severity, d.path, d.line) for d in batch.diagnostics]
    assert infos == [("SLA506", "info", str(a), 2), ("SLA506", "info", str(c), 2)]
    assert batch.diagnostics[0].message.startswith("2 events are after as_of 2026-11-09T16:00:00Z")
    assert "first at line 2" in batch.diagnostics[0].message


def test_the_same_file_named_twice_is_refused(tmp_path, monkeypatch):
    path = write(tmp_path, "e.jsonl", line(**EV) + "\n")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(EventInputError, match="named twice"):
        read(path, "./e.jsonl")
    with pytest.raises(EventInputError, match="named twice"):
        read("-", "-")
    (tmp_path / "link.jsonl").symlink_to(path)
    with pytest.raises(EventInputError, match="'link.jsonl'"):
        read("e.jsonl", "link.jsonl")
    (tmp_path / "hard.jsonl").hardlink_to(path)
    with pytest.raises(EventInputError, match="'hard.jsonl'"):
        read("e.jsonl", "hard.jsonl")


def test_stdin(monkeypatch):
    data = (line(**EV) + "\n" + "oops\n").encode()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data), encoding="utf-8"))
    batch = read("-")
    assert [r.ref for r in batch.records] == ["1"]
    assert [(d.code, d.path, d.line) for d in batch.diagnostics] == [("SLA501", "<stdin>", 2)]


def test_stdin_text_only_and_csv(monkeypatch, tmp_path):
    monkeypatch.setattr(sys, "stdin", io.StringIO("lead,at,type\nA,2026-11-09T16:00:00Z,x\n"))
    batch = read("-", input_format="csv")
    assert [(r.lead, r.type) for r in batch.records] == [("A", "x")]
    f = write(tmp_path, "f.jsonl", line(**EV))
    monkeypatch.setattr(sys, "stdin", io.StringIO(line(**EV)))
    assert [r.ref for r in read(f, "-").records] == [f"{f}:1", "<stdin>:1"]


def test_streams_as_sources(tmp_path):
    batch = read(io.BytesIO(line(**EV).encode()))
    assert [r.lead for r in batch.records] == ["A"]
    import tempfile

    spool = tempfile.TemporaryFile()
    spool.write(f"{line(**EV)}\nbad\n".encode())
    spool.seek(0)
    spool.name_for_refs = "<stdin>"
    other = write(tmp_path, "o.jsonl", line(**EV))
    batch = read(other, spool)
    assert [r.ref for r in batch.records] == [f"{other}:1", "<stdin>:1"]
    assert [(d.path, d.line) for d in batch.diagnostics] == [("<stdin>", 2)]
    with open(other, "rb") as handle:
        assert [r.ref for r in read(handle, other).records] == [f"{other}:1", f"{other}:1"]


def test_gzip(tmp_path):
    path = tmp_path / "e.jsonl.gz"
    path.write_bytes(gzip.compress((line(**EV) + "\n").encode()))
    assert [r.lead for r in read(path).records] == ["A"]
    # a `.gz` name on bytes that are no gzip data: read as what they are (here, a CSV whose
    # header is unusable), not a failure of the whole run
    broken = tmp_path / "broken.csv.gz"
    broken.write_bytes(b"not gzip at all")
    assert [(d.code, d.path) for d in read(broken).diagnostics] == [("SLA509", str(broken))]


def test_input_errors(tmp_path):
    with pytest.raises(EventInputError, match="unknown event file format"):
        read(write(tmp_path, "events.txt", line(**EV)))
    with pytest.raises(EventInputError, match="cannot read"):
        read(tmp_path / "missing.jsonl")
    (tmp_path / "dir.jsonl").mkdir()
    with pytest.raises(EventInputError, match="a folder with no event files"):
        read(tmp_path / "dir.jsonl")
    with pytest.raises(EventInputError, match="input format"):
        read(write(tmp_path, "e.jsonl", ""), input_format="xml")
    # errors come at once, before any record is produced
    good = write(tmp_path, "good.jsonl", line(**EV))
    with pytest.raises(EventInputError):
        iter_records([good, tmp_path / "missing.jsonl"], diagnostics=[])
    # an input format makes any extension readable
    assert len(read(tmp_path / "events.txt", input_format="jsonl").records) == 1
    # the message is one line
    try:
        read(tmp_path / "nope.csv")
    except EventInputError as exc:
        assert "\n" not in str(exc)


def test_iter_records_streams_and_accepts_a_single_path(tmp_path):
    path = write(tmp_path, "e.jsonl", "\n".join(line(**EV) for _ in range(3)))
    diags: list = []
    it = iter_records(path, diagnostics=diags)
    first = next(it)
    assert first.line == 1
    assert [r.line for r in it] == [2, 3]


def test_read_events_restores_gc(tmp_path):
    path = write(tmp_path, "e.jsonl", line(**EV))
    assert gc.isenabled()
    read(path)
    assert gc.isenabled()
    gc.disable()
    try:
        read(path)
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_conformance_event_files_read_cleanly():
    files = sorted(CONFORMANCE.glob("*/events.jsonl"))
    if not files:
        pytest.skip("conformance cases not available")
    for path in files:
        batch = read(path)
        assert batch.diagnostics == [], path
        assert len(batch.records) == sum(1 for ln in path.read_text().splitlines() if ln.strip())


# --------------------------------------------------------------------------------------------
# CSV
# --------------------------------------------------------------------------------------------

@pytest.mark.parametrize("cell, value", [
    ("5", 5), ("-5", -5), ("0", 0), ("2.5", 2.5), ("-0.5", -0.5), ("1e3", 1000.0),
    ("1E-2", 0.01), ("12345678901234567890", 12345678901234567890),
    ("007", "007"), ("+5", "+5"), ("1_000", "1_000"), ("true", "true"), ("false", "false"),
    ("null", "null"), (" 5", " 5"), ("5 ", "5 "), ("1.", "1."), (".5", ".5"), ("0x10", "0x10"),
    ("NaN", "NaN"), ("Infinity", "Infinity"), ("1e999", "1e999"), ("-", "-"), ("5-3", "5-3"),
    ("١٢", "١٢"), ("phone", "phone"),
])
def test_csv_number_rule(tmp_path, cell, value):
    path = write(tmp_path, "e.csv",
                 f'lead,at,type,p,fields.f\nA,2026-11-09T16:00:00Z,x,"{cell}","{cell}"\n')
    (record,) = read(path).records
    assert record.props == {"p": value} and type(record.props["p"]) is type(value)
    assert record.fields == {"f": value}


def test_csv_columns(tmp_path):
    path = write(tmp_path, "e.csv", "\n".join([
        "lead,at,type,id,state,owner,fields.score,fields.utm.source,channel",
        "007,2026-11-09T16:00:00-03:00,state,0042,mql,,90,ads,",
        "007,2026-11-09T17:00:00-03:00,assigned,,,rep-1,,,",
        "007,2026-11-09T18:00:00-03:00,contact_attempt,,,,,,phone",
        "1,2026-11-09T18:00:00-03:00,5,7,8,,,,",
    ]) + "\n")
    batch = read(path)
    assert batch.diagnostics == []
    s, a, c, n = batch.records
    assert (s.lead, s.id, s.ref, s.state, s.type) == ("007", "0042", "0042", "mql", "state")
    assert s.fields == {"score": 90, "utm.source": "ads"} and s.props == {}
    assert a.fields is None and a.props == {"owner": "rep-1"} and a.id is None and a.ref == "3"
    assert c.props == {"channel": "phone"}
    # lead, type, id and state stay text even when they look like numbers
    # (the state of an event of another type is a property, text too)
    assert (n.lead, n.type, n.id, n.state, n.props) == ("1", "5", "7", None, {"state": "8"})


def test_csv_row_problems(tmp_path):
    path = write(tmp_path, "e.csv", "\n".join([
        "lead,at,type,state",
        "A,2026-11-09T16:00:00Z,x",                   # 2 too few cells
        "A,2026-11-09T16:00:00Z,x,,extra",            # 3 too many
        ",2026-11-09T16:00:00Z,x,",                   # 4 no lead
        "A,,x,",                                      # 5 no at
        "A,2026-11-09T16:00:00Z,,",                   # 6 no type
        "A,2026-11-09T16:00:00Z,state,",              # 7 state without state
        "A,2026-11-09 16:00:00,x,",                   # 8 no offset
        "A,2026-11-09T16:00:60Z,x,",                  # 9 leap second
        "",                                           # 10 blank
        "A,2026-11-09T16:00:00Z,state,mql",           # 11 fine
    ]) + "\n")
    batch = read(path)
    assert [r.line for r in batch.records] == [11]
    assert [(c, ln) for c, ln, _ in codes_of(batch)] == [
        ("SLA501", 2), ("SLA501", 3), ("SLA502", 4), ("SLA502", 5), ("SLA502", 6),
        ("SLA502", 7), ("SLA504", 8), ("SLA503", 9)]
    assert "3 cells, the header has 4" in batch.diagnostics[0].message
    # the hints: the columns without a cell and the commas that would end the row; a cell too many
    short, long = batch.diagnostics[0].hint, batch.diagnostics[1].hint
    assert "the last column (`state`) has no cell" in short and "1 comma" in short
    assert "1 cell more than the header" in long and '`"1,500"`' in long
    assert "trailing comma" not in long          # the extra cell is not empty


def test_csv_rows_with_the_wrong_number_of_cells_get_a_hint_that_names_the_columns(tmp_path):
    path = tmp_path / "e.csv"
    head = "lead,at,type,id,state,owner,channel,fields.employees,fields.email,fields.company,fields.phone"
    path.write_text("\n".join([
        head,
        "C-4,2026-12-02T10:00:00-06:00,assigned,c8,,dana",                     # 2: 6 of 11
        "C-5,2026-12-02T10:00:00-06:00,assigned,c9,,dana,,,,,,,",              # 3: 13, two empty
        "C-6,2026-12-02T10:00:00-06:00,state,c10,mql,,,1,500,a@b.test,A,5",    # 4: 12, `1,500` unquoted
        "C-7",                                                                   # 5: 1 of 11
        "C-8,2026-12-02T10:00:00-06:00,assigned,c11,,dana,,,,,",               # 6: fine
    ]) + "\n")
    batch = read(path)
    assert [r.line for r in batch.records] == [6]                # the short row is still refused
    hints = {d.span.line: d.hint for d in batch.diagnostics if d.code == "SLA501"}
    assert sorted(hints) == [2, 3, 4, 5]
    assert hints[2].startswith("the last 5 columns (`channel`, `fields.employees`, `fields.email`, "
                               "`fields.company`, `fields.phone`) have no cell: end the row with 5 commas")
    assert "2 cells more" in hints[3] and "remove the 2 trailing commas" in hints[3]
    assert "1 cell more" in hints[4] and "double quotes" in hints[4] and "trailing" not in hints[4]
    assert "the last 10 columns (`at`, `type`, `id`, `state`, `owner` and 5 more)" in hints[5]
    # `at` and `type` are never empty: no commas suggested for them
    assert "and `at`, `type` cannot be empty: the line was probably broken in two" in hints[5]
    assert "commas" not in hints[5]


def test_a_csv_comment_line_is_a_row_with_a_hint_for_a_comment(tmp_path):
    """review 27b L8: CSV has no comments; a `#` line is still refused (never skipped), with a
    hint that fits it rather than "the line was probably broken in two"."""
    path = tmp_path / "e.csv"
    path.write_text("\n".join([
        "lead,at,type,state,fields.score",
        "Z-1,2026-11-24T10:00:00-03:00,state,mql,90",
        "# exported by hand",                                                  # 3: 1 of 5
        "  #, note, with, many, commas, here",                                 # 4: 6 of 5
        "Z-1,2026-11-24T10:05:00-03:00,contact_attempt,,",
    ]) + "\n")
    batch = read(path)
    assert [r.line for r in batch.records] == [2, 5]
    hints = {d.span.line: d.hint for d in batch.diagnostics if d.code == "SLA501"}
    assert sorted(hints) == [3, 4]
    for hint in hints.values():
        assert hint.startswith("the line starts with `#`, as a comment would, but CSV has no comments"), hint
        assert "broken in two" not in hint


def test_csv_row_problems_point_at_their_cell(tmp_path):
    rows = ["lead,at,type,state",
            "A,2026-11-09 16:00:00,x,",                 # the at cell: column 3
            '"B",,x,',                                  # the empty at cell after a quoted lead: 5
            "C,2026-11-09T16:00:00Z,,",                 # the empty type cell: 24
            "D,2026-11-09T16:00:00Z,state,"]            # the empty state cell, last: 30
    batch = read(write(tmp_path, "e.csv", "\n".join(rows) + "\n"))
    assert [(c, ln, col) for c, ln, col in codes_of(batch)] == [
        ("SLA504", 2, 3), ("SLA502", 3, 5), ("SLA502", 4, 24), ("SLA502", 5, 30)]


@pytest.mark.parametrize("header, why, column, hint", [
    ("lead,when,type", "missing column 'at'", 1, "rename the column `when` to `at`"),
    ("id,owner", "missing columns 'lead', 'at', 'type'", 1, "the header needs lead"),
    ("lead,at,type,,x", "column 4 has no name", 14, "name column 4"),
    ("lead,at,type,", "column 4 has no name", 14, "ends with a comma"),
    ("lead,at,type,owner,owner", "repeated column 'owner'", 20, "name each column once"),
    ("lead,at,type,fields.", "names no field", 1, "the header needs lead"),
])
def test_csv_header_problems(tmp_path, header, why, column, hint):
    ncols = header.count(",") + 1
    row = ",".join(["A", "2026-11-09T16:00:00Z", "x"] + [""] * (ncols - 3))
    path = write(tmp_path, "e.csv", f"{header}\n{row}\n{row}\n")
    batch = read(path)
    assert batch.records == []
    assert codes_of(batch) == [("SLA509", 1, column)]
    assert why in batch.diagnostics[0].message and hint in batch.diagnostics[0].hint


@pytest.mark.parametrize("header, hint", [
    ("Lead,At,Type", "case-sensitive"),
    ("Lead;At;Type", "separated by ';'"),              # (`lead;at;type` is read: SLA519)
    ("Lead\tAt\tType", "separated by a tab"),
])
def test_csv_header_hints_name_the_slip(tmp_path, header, hint):
    batch = read(write(tmp_path, "e.csv", f"{header}\nA,2026-11-09T16:00:00Z,x\n"))
    (d,) = batch.diagnostics
    assert d.code == "SLA509" and hint in d.hint


def test_csv_field_column_names_are_trimmed(tmp_path):
    (record,) = read(write(tmp_path, "e.csv", "lead,at,type,fields. score\nA,2026-11-09T16:00:00Z,x,5\n")).records
    assert record.fields == {"score": 5}
    batch = read(write(tmp_path, "f.csv", "lead,at,type,fields. \nA,2026-11-09T16:00:00Z,x,5\n"))
    assert [d.code for d in batch.diagnostics] == ["SLA509"] and "names no field" in batch.diagnostics[0].message


def test_csv_header_whitespace_bom_and_blank_lines(tmp_path):
    path = write(tmp_path, "e.csv",
                 b"\xef\xbb\xbf\r\n lead , at ,type\r\nA,2026-11-09T16:00:00Z,x\r\n")
    batch = read(path)
    assert batch.diagnostics == []
    assert [(r.lead, r.line) for r in batch.records] == [("A", 3)]


def test_csv_multiline_cells_and_utf8(tmp_path):
    path = write(tmp_path, "e.csv", b"\n".join([
        b"lead,at,type,note",
        b'A,2026-11-09T16:00:00Z,x,"two',
        b'lines"',
        b"B,2026-11-09T16:00:00Z,x,caf\xe9",
        b'C,2026-11-09T16:00:00Z,x,"\xff',
        b'still C"',
        b"D,2026-11-09T16:00:00Z,x,ok",
    ]) + b"\n")
    batch = read(path)
    assert [(r.lead, r.line, r.props["note"]) for r in batch.records] == [
        ("A", 2, "two\nlines"), ("D", 7, "ok")]
    assert codes_of(batch) == [("SLA508", 4, 29), ("SLA501", 5, 1), ("SLA508", 5, 27)]     # by place
    assert "lines 5-6 is not read" in batch.diagnostics[1].message      # its note: not re-read


def test_csv_stray_quotes_are_reported_and_the_rows_they_took_are_read_again(tmp_path):
    rows = [
        "lead,at,type,note",
        'A,2026-11-24T09:00:00-03:00,x,"Acme, Inc',        # 2: never closed until line 4
        "B,2026-11-24T09:05:00-03:00,x,fine",              # 3
        'C,2026-11-24T09:10:00-03:00,x,"ok"',              # 4: its quote closes A's: `"ok` broken
        "D,2026-11-24T09:15:00-03:00,x,fine",              # 5
        'E,2026-11-24T09:20:00-03:00,x,"q"x',              # 6: text after a closing quote
        "F,2026-11-24T09:25:00-03:00,x,fine",              # 7
        'G,2026-11-24T09:30:00-03:00,x,"left open',        # 8: open to the end of the file
        "H,2026-11-24T09:35:00-03:00,x,fine",              # 9
    ]
    batch = read(write(tmp_path, "e.csv", "\n".join(rows) + "\n"))
    assert [(r.lead, r.line) for r in batch.records] == [
        ("B", 3), ("C", 4), ("D", 5), ("F", 7), ("H", 9)]
    assert [(c, ln) for c, ln, _ in codes_of(batch)] == [("SLA501", 2), ("SLA501", 6), ("SLA501", 8)]
    assert all('""' in d.hint for d in batch.diagnostics)


def test_csv_quoted_cell_over_lines_that_read_like_rows_is_a_warning(tmp_path):
    rows = [
        "lead,at,type,note",
        'A,2026-11-24T09:00:00-03:00,x,"Acme, Inc',        # 2-4: one valid row, 4 cells
        "B,2026-11-24T09:05:00-03:00,x,called",
        "C,2026-11-24T09:05:00-03:00,x,again\"",
        'D,2026-11-24T09:10:00-03:00,x,"a note',            # 5-6: a note over two lines
        'over two lines, with commas, here"',
    ]
    batch = read(write(tmp_path, "e.csv", "\n".join(rows) + "\n"))
    assert [(r.lead, r.line) for r in batch.records] == [("A", 2), ("D", 5)]
    assert [(c, ln) for c, ln, _ in codes_of(batch)] == [("SLA512", 2)]
    (warning,) = batch.diagnostics
    assert warning.severity == "warning" and "lines 3, 4 read like events" in warning.message


def test_csv_a_line_not_utf8_taken_by_a_stray_quote_is_reported_once_and_no_row_is_lost(tmp_path):
    path = write(tmp_path, "e.csv", b"\n".join([
        b"lead,at,type,note",
        b'A,2026-11-24T09:00:00Z,x,"Acme, Inc',          # 2: left open, takes lines 3-5
        b"B,2026-11-24T09:05:00Z,x,called",
        b"\xff\xfeC,2026-11-24T09:06:00Z,x,ok",          # 4: not UTF-8
        b"D,2026-11-24T09:07:00Z,x,ok",
    ]) + b"\n")
    batch = read(path)
    assert [(r.lead, r.line) for r in batch.records] == [("B", 3), ("D", 5)]
    assert [(c, ln) for c, ln, _ in codes_of(batch)] == [("SLA501", 2), ("SLA508", 4)]


def test_csv_quote_probe_does_not_report_a_shifted_time_for_lines_it_only_looked_at(tmp_path):
    path = write(tmp_path, "e.csv", "\n".join([
        "lead,at,type,note",
        'A,2026-11-24 09:00:00,x,"a note that runs on',
        'B,2026-03-08 02:30:00,x,into a line that reads like a row"',
    ]) + "\n")
    batch = read(path, default_tz="America/New_York")
    assert [d.code for d in batch.diagnostics] == ["SLA512"]


def test_csv_cell_columns_with_a_quote_inside_an_unquoted_cell(tmp_path):
    path = write(tmp_path, "e.csv", 'note,lead,at,type\n5" screen,A,notatime,x\n"a ""b"", c",B,nope,x\n')
    assert [(c, ln, col) for c, ln, col in codes_of(read(path))] == [("SLA503", 2, 13), ("SLA503", 3, 16)]


def test_csv_a_multiline_row_with_a_line_not_utf8_is_reported_and_its_lines_read_again(tmp_path):
    path = write(tmp_path, "e.csv", b"\n".join([
        b"lead,at,type,note",
        b'A,2026-11-24T09:00:00Z,x,"runs on',               # 2: the quote closes on line 4
        b"B,2026-11-24T09:05:00Z,x,caf\xe9",                 # 3: not UTF-8
        b'C,2026-11-24T09:06:00Z,x,ok"',                     # 4
        b"D,2026-11-24T09:07:00Z,x,ok",                      # 5
    ]) + b"\n")
    batch = read(path)
    assert [r.lead for r in batch.records] == ["C", "D"]
    found = [(c, ln) for c, ln, _ in codes_of(batch)]
    assert ("SLA508", 3) in found and ("SLA501", 2) in found and found.count(("SLA508", 3)) == 1
    # every line is accounted for: read, or named by a diagnostic
    assert {2, 3, 4, 5} <= {ln for _, ln in found} | {r.line for r in batch.records}


def test_csv_swallowed_lines_without_an_offset_still_read_like_events(tmp_path):
    path = write(tmp_path, "e.csv", "\n".join([
        "lead,at,type,note",
        'A,2026-11-24T09:00:00Z,x,"runs on',
        "B,2026-11-24 09:05:00,x,called",
        'C,2026-11-24 09:06:00,x,ok"',
    ]) + "\n")
    (d,) = read(path).diagnostics
    assert d.code == "SLA512" and "lines 3, 4 read like events" in d.message


def test_csv_quoted_empty_cells_are_not_blank_lines_and_a_bom_inside_is_dropped(tmp_path):
    path = write(tmp_path, "e.csv", b'lead,at,type\n""\n\xef\xbb\xbfA,2026-11-24T09:00:00Z,x\n\n')
    batch = read(path)
    assert [(r.lead, r.line) for r in batch.records] == [("A", 3)]
    assert [(c, ln) for c, ln, _ in codes_of(batch)] == [("SLA501", 2)]


def test_jsonl_form_feed_is_not_blank_and_a_bom_inside_is_dropped(tmp_path):
    path = write(tmp_path, "e.jsonl", b"\x0c\n\xef\xbb\xbf" + line(**EV).encode() + b"\n \t\n")
    batch = read(path)
    assert [r.line for r in batch.records] == [2]
    assert [(c, ln) for c, ln, _ in codes_of(batch)] == [("SLA501", 1)]


@pytest.mark.parametrize("value, kind", [(b"null", "null"), (b"1", "a number"), (b'"x"', "text"),
                                         (b"[]", "an array")])
def test_jsonl_a_bom_before_a_value_that_is_no_event_is_said(tmp_path, value, kind):
    """Files joined with `cat` put a BOM on a middle line: `null` after it was dropped without
    a word (review 14-a), as a blank line is."""
    path = write(tmp_path, "e.jsonl", line(**EV).encode() + b"\n\xef\xbb\xbf" + value + b"\r\n\xef\xbb\xbf \n")
    batch = read(path)
    assert [r.line for r in batch.records] == [1]
    found = [(c, ln, d.message) for c, ln, d in ((d.code, d.line, d) for d in batch.diagnostics)]
    assert found == [("SLA501", 2, f"expected a JSON object, found {kind}")], found


def test_line_ends_of_carriage_returns_alone_are_told_with_how_to_convert_them(tmp_path):
    """Old Mac exports end lines with `\\r` alone (review 14-a): the reader said what Python's
    csv module says, or 'unexpected content after document'."""
    events = [line(**EV), line(**{**EV, "id": "e2"}), line(**{**EV, "id": "e3"})]
    batch = read(write(tmp_path, "e.jsonl", "\r".join(events) + "\r"))
    (d,) = batch.diagnostics
    assert (d.code, d.line) == ("SLA501", 1) and "2 carriage returns (\\r)" in d.message
    assert "up to 3 events are on this line" in d.message and "tr '\\r' '\\n'" in d.hint
    header = read(write(tmp_path, "e.csv", "lead,at,type\rA,2026-11-09T16:00:00Z,x\r"))
    (d,) = header.diagnostics
    assert d.code == "SLA509" and "carriage return (\\r) stands inside an unquoted cell" in d.message
    assert "new-line character" not in d.message and "tr '\\r' '\\n'" in d.hint
    # a raw carriage return inside a JSON text is no line end: the usual message
    inside = read(write(tmp_path, "f.jsonl", line(**{**EV, "note": "x"}).replace('"x"', '"a\rb"') + "\n"))
    assert "carriage" not in inside.diagnostics[0].message


def test_csv_a_line_of_empty_cells_before_the_header_is_said(tmp_path):
    batch = read(write(tmp_path, "e.csv", "\n,,,\n \nlead,at,type\nA,2026-11-09T16:00:00Z,x\n"))
    assert [(r.lead, r.line) for r in batch.records] == [("A", 5)]
    assert [(c, ln) for c, ln, _ in codes_of(batch)] == [("SLA501", 2)]


def test_csv_column_named_fields_is_a_property(tmp_path):
    (record,) = read(write(tmp_path, "e.csv", "lead,at,type,fields\nA,2026-11-09T16:00:00Z,x,hot\n")).records
    assert record.props == {"fields": "hot"} and record.fields is None


def test_csv_header_not_utf8(tmp_path):
    path = write(tmp_path, "e.csv", b"lead,at,type,caf\xe9\nA,2026-11-09T16:00:00Z,x,1\n")
    batch = read(path)
    assert batch.records == []
    assert [d.code for d in batch.diagnostics] == ["SLA509", "SLA508"]    # by place: the header's column 1 first


def test_csv_empty_file(tmp_path):
    # nothing to evaluate, and said (SLA515): a failed export must not pass a CI gate unseen
    for name, text, words, line in (("e.csv", "", "it is empty", 1), ("h.csv", "lead,at,type\n", "a header and no row", 1),
                                    ("b.csv", "\r\nlead,at,type\r\n\r\n\r\n", "a header and no row", 2)):
        batch = read(write(tmp_path, name, text))
        assert batch.records == []
        assert [(d.code, d.severity, d.line) for d in batch.diagnostics] == [("SLA515", "warning", line)]
        assert words in batch.diagnostics[0].message


def test_an_empty_or_blank_jsonl_input_is_said_once_and_a_json_array_refused_once(tmp_path):
    for text in ("", "\n\n  \n", "\n" * 5000):                  # (past the 4 KB looked at first)
        batch = read(write(tmp_path, "e.jsonl", text))
        assert [(d.code, d.line) for d in batch.diagnostics] == [("SLA515", 1)]
        batch = read(io.BytesIO(text.encode()))
        assert [(d.code, d.line) for d in batch.diagnostics] == [("SLA515", 1)]
    array = ('\n[\n' + line(lead="A", at="2026-11-09T16:00:00Z", type="assigned") + ',\n'
             + line(lead="B", at="2026-11-09T16:00:00Z", type="assigned") + '\n]\n')
    for source in (write(tmp_path, "a.json", array), io.BytesIO(array.encode())):
        batch = read(source)
        assert batch.records == []
        assert [(d.code, d.severity, d.line) for d in batch.diagnostics] == [("SLA514", "error", 2)]
    # an input with events only after as_of, or only broken lines, is not said to be empty
    late = read(write(tmp_path, "l.jsonl", line(lead="A", at="2027-11-09T16:00:00Z", type="assigned") + "\n"),
                as_of_us=parse_timestamp("2026-12-01T00:00:00Z"))
    assert [d.code for d in late.diagnostics] == ["SLA506"]
    assert [d.code for d in read(write(tmp_path, "b.jsonl", "{x\n")).diagnostics] == ["SLA501"]


def test_csv_and_jsonl_agree(tmp_path):
    j = write(tmp_path, "e.jsonl", "\n".join([
        line(lead="A", at="2026-11-09T16:00:00Z", type="state", state="mql", id="1",
             fields={"score": 90}, channel="web"),
        line(lead="A", at="2026-11-09T17:00:00.5Z", type="assigned", owner="r", n=2.5)]))
    c = write(tmp_path, "e.csv", "lead,at,type,state,id,fields.score,channel,owner,n\n"
              "A,2026-11-09T16:00:00Z,state,mql,1,90,web,,\n"
              "A,2026-11-09T17:00:00.5Z,assigned,,,,,r,2.5\n")
    def same(records):
        return [r._replace(line=0, ref=r.id) for r in records]

    assert same(read(j).records) == same(read(c).records)


# --------------------------------------------------------------------------------------------
# Robustness and streaming
# --------------------------------------------------------------------------------------------

@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=400))
def test_arbitrary_bytes_as_jsonl_only_give_diagnostics(tmp_path, data):
    path = tmp_path / "fuzz.jsonl"
    path.write_bytes(data)
    if data[:2] == b"\x1f\x8b":         # gzip by its first bytes: damaged, it cannot be read at all
        try:
            batch = read(path)
        except EventInputError as e:
            assert "cannot read" in str(e)
            return
    batch = read(path)
    nlines = data.count(b"\n") + 1
    for d in batch.diagnostics:
        assert d.code in CODES and d.code.startswith("SLA5")
        assert 1 <= d.line <= nlines and d.column >= 1
    for r in batch.records:
        assert isinstance(r.at, int) and r.lead and r.type


@settings(max_examples=200, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.binary(max_size=300))
def test_arbitrary_bytes_as_csv_only_give_diagnostics(tmp_path, data):
    path = tmp_path / "fuzz.csv"
    path.write_bytes(b"lead,at,type,p,fields.f\n" + data)
    batch = read(path)
    for d in batch.diagnostics:
        assert d.code in CODES and d.code.startswith("SLA5") and d.line >= 1


# orjson reads integers beyond 64 bits as floats: the library keeps them exact
int64 = st.integers(min_value=-(2 ** 63), max_value=2 ** 63 - 1)


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.fixed_dictionaries(
    {"lead": st.text(min_size=1, max_size=5), "type": st.sampled_from(["x", "state"]),
     "at": st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1),
                        timezones=offsets).map(lambda d: d.isoformat())},
    optional={"state": st.text(max_size=3), "id": st.text(max_size=3) | int64,
              "fields": st.dictionaries(st.text(max_size=3), st.none() | int64),
              "p": int64 | st.text()}), max_size=20))
def test_jsonl_matches_objects(tmp_path, events):
    import json

    path = tmp_path / "h.jsonl"
    path.write_text("\n".join(json.dumps(e) for e in events), encoding="utf-8")
    from_file = read(path)
    diags: list = []
    from_objects = records_from_objects(events, diagnostics=diags)
    assert from_file.records == from_objects
    # (a file with no line at all is said to be empty: a list of no events is not)
    assert [(d.code, d.line) for d in from_file.diagnostics if events or d.code != "SLA515"] == \
        [(d.code, d.line) for d in diags]


def test_huge_file_is_streamed(tmp_path):
    path = tmp_path / "big.jsonl"
    n = 200_000
    with path.open("w") as out:
        for i in range(n):
            out.write(f'{{"lead": "L{i % 5000}", "at": "2026-11-{1 + i % 28:02d}T'
                      f'{i % 24:02d}:{i % 60:02d}:{(i // 60) % 60:02d}.{i % 1000:03d}-03:00", '
                      f'"type": "contact_attempt", "channel": "phone"}}\n')
    size = path.stat().st_size
    diags: list = []
    records = iter_records([path], diagnostics=diags)
    count = 0
    # tracemalloc makes every allocation slow: trace two windows of 10,000 lines, after the
    # timestamp caches have filled up, and read the rest untraced
    for _ in zip(range(60_000), records):
        count += 1
    tracemalloc.start()
    try:
        for _ in zip(range(10_000), records):
            count += 1
        first = tracemalloc.get_traced_memory()[0]
        for _ in zip(range(10_000), records):
            count += 1
        second, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    for _ in records:
        count += 1
    assert count == n and diags == []
    assert peak < size / 20, (peak, size)                  # the file is never held in memory
    assert second - first < 64 * 1024, (first, second)  # and memory does not grow with lines


# --------------------------------------------------------------------------------------------
# Codes
# --------------------------------------------------------------------------------------------

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "codes"
EVENT_FIXTURES = sorted(p for p in FIXTURES.glob("SLA5*") if p.suffix in (".jsonl", ".csv", ".tsv"))


def read_fixture(path: Path) -> tuple[list[tuple[int, int]], EventBatch]:
    """A fixture's ``# expect: CODE LINE:COL`` lines and the batch read from it, as a file
    of the fixture's name in the current folder (a file can be read again: SLA517).

    The leading ``#`` lines are read as blank lines, so line numbers stay those of the file;
    ``# as-of: T`` sets ``as_of``, ``# tz: ZONE`` the default zone, ``# type-map: OURS=THEIRS``
    a type map, ``# gzip: junk after`` writes the file gzip-compressed with bytes that are no
    gzip data after it. ``# expect: CODE 0:0``: a diagnostic of the whole read, without a place.
    """
    import re

    expected, as_of, tz, lines = [], None, None, path.read_bytes().splitlines(keepends=True)
    type_map: dict = {}
    gzipped = False
    for i, raw in enumerate(lines):
        if not raw.startswith(b"#"):
            break
        text = raw.decode().strip()
        if m := re.fullmatch(r"# expect: (SLA\d{3}) (\d+):(\d+)", text):
            assert m[1] == path.stem
            expected.append((int(m[2]), int(m[3])))
        elif m := re.fullmatch(r"# as-of: (\S+)", text):
            as_of = parse_timestamp(m[1])
        elif m := re.fullmatch(r"# tz: (\S+)", text):
            tz = m[1]
        elif m := re.fullmatch(r"# type-map: (\w+)=(.+)", text):
            type_map[m[1]] = m[2]
        elif text == "# gzip: junk after":      # the file compressed, then bytes that are no gzip data
            gzipped = True
        lines[i] = b"\n"
    if path.suffix == ".tsv":               # a file no reader takes, in a folder of event files
        Path("exports").mkdir()
        Path("exports", "a.jsonl").write_text('{"lead": "A", "at": "2026-11-24T09:00:00Z", "type": "x"}\n')
        Path("exports", path.name).write_bytes(b"".join(lines))
        return expected, read("exports", as_of_us=as_of, default_tz=tz)
    data = b"".join(lines)
    if gzipped:
        import gzip

        data = gzip.compress(data) + b"PK\x03\x04 not gzip"
    Path(path.name).write_bytes(data)
    batch = read(path.name, as_of_us=as_of, default_tz=tz, type_map=type_map or None)
    return expected, batch


def test_every_event_code_has_a_fixture():
    assert sorted(p.stem for p in EVENT_FIXTURES) == [f"SLA5{i:02d}" for i in range(1, 23)]


@pytest.mark.parametrize("path", EVENT_FIXTURES, ids=lambda p: p.stem)
def test_fixture_triggers_its_code_exactly(path, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    expected, batch = read_fixture(path)
    assert expected, f"{path.name} has no `# expect:` lines"
    got = sorted((d.line or 0, d.column or 0) for d in batch.diagnostics if d.code == path.stem)
    assert got == sorted(expected), [(d.code, d.line, d.column, d.message)
                                     for d in batch.diagnostics]
    for d in batch.diagnostics:
        placed = d.path in (path.name, f"exports/{path.name}")
        assert (placed or d.line is None and (0, 0) in expected) and d.severity == CODES[d.code].severity
        assert d.message[0].islower() or d.message[0] in "'0123456789", d.message
        assert not d.message.endswith(".")

def test_event_codes_are_documented():
    ours = {c: i for c, i in CODES.items() if c.startswith("SLA5")}
    assert sorted(ours) == [f"SLA5{i:02d}" for i in range(1, 23)]
    for info in ours.values():
        assert info.summary and not info.summary.startswith("#")
        for section in ("## Why", "## Avoid", "## Prefer"):
            assert section in info.doc, (info.code, section)
    assert CODES["SLA505"].severity == "warning" and CODES["SLA506"].severity == "info"


def test_local_times_a_clock_change_repeats_or_skips_are_reported_in_every_reader(tmp_path):
    """SLA510: read (first occurrence / offset before the change) and said, never silent."""
    from slacode.events import records_from_objects

    path = write(tmp_path, "e.csv", "lead,at,type\nA,2026-11-01T01:30:00,x\nA,2026-03-08T02:30:00,x\n"
                                    "A,2026-03-08T01:30:00,x\n")
    batch = read(path, default_tz="America/New_York")
    assert [(d.code, d.line) for d in batch.diagnostics] == [("SLA510", 2), ("SLA510", 3)]
    assert [r.at for r in batch.records] == [parse_timestamp("2026-11-01T01:30:00-04:00"),
                                             parse_timestamp("2026-03-08T02:30:00-05:00"),
                                             parse_timestamp("2026-03-08T01:30:00-05:00")]
    assert "does not exist" in batch.diagnostics[1].message and "03:30:00-04:00" in batch.diagnostics[1].message
    diagnostics: list = []
    records = records_from_objects([{"lead": "A", "at": "2026-11-01T01:30:00", "type": "x"},
                                    {"lead": "A", "at": "2026-11-01T01:30:00", "type": 5}],
                                   default_tz="America/New_York", diagnostics=diagnostics)
    assert len(records) == 1 and [(d.code, d.line) for d in diagnostics] == [("SLA510", 1), ("SLA507", 2)]
    assert diagnostics[0].message.startswith("event 1: '2026-11-01T01:30:00' happens twice")


def test_records_without_properties_do_not_share_a_dict(tmp_path):
    # a batch job that tags one record in place must not tag every other record of the process
    path = tmp_path / "e.jsonl"
    path.write_text('{"lead": "A", "at": "2026-11-09T10:00:00Z", "type": "state", "state": "mql"}\n'
                    '{"lead": "B", "at": "2026-11-09T10:00:00Z", "type": "state", "state": "mql"}\n')
    csv_path = tmp_path / "e.csv"
    csv_path.write_text("lead,at,type,state\nC,2026-11-09T10:00:00Z,state,mql\nD,2026-11-09T10:00:00Z,state,mql\n")
    dicts = [{"lead": "E", "at": "2026-11-09T10:00:00Z", "type": "x"},
             {"lead": "F", "at": "2026-11-09T10:00:00Z", "type": "x"}]
    from slacode.events import records_from_objects

    for records in (read_events([str(path)]).records, read_events([str(csv_path)]).records,
                    records_from_objects(dicts, diagnostics=[])):
        first, second = records
        assert first.props == second.props == {}
        first.props["tag"] = 1
        assert second.props == {}


@pytest.mark.parametrize("line, column, hint", [
    ('{"Lead": "A", "at": "2026-11-24T10:00:00Z", "type": "x"}', 2, "case-sensitive: write `lead`, not `Lead`"),
    ('{"lead_id": "A", "at": "2026-11-24T10:00:00Z", "type": "x"}', 2, "rename `lead_id` to `lead`"),
    ('{"lead": "A", "timestamp": "2026-11-24T10:00:00Z", "type": "x"}', 15, "rename `timestamp` to `at`"),
    ('{"lead": "A", "at": "2026-11-24T10:00:00Z", "event_type": "x"}', 45, "rename `event_type` to `type`"),
    ('{"lead": "A", "at": "2026-11-24T10:00:00Z", "other": "x"}', 1, None),
    ('{"lead": "B", "at": "2026-11-24T10:00:00Z", "name": "Ana", "event": "assigned"}', 60, "rename `event` to `type`"),
    ('{"lead": "C", "at": "2026-11-24T10:00:00Z", "name": "Ana Souza"}', 1, None),
    ('{"lead": "", "lead_id": "A", "at": "2026-11-24T10:00:00Z", "type": "x"}', 2, None),
    ('{"lead": "A", "at": null, "timestamp": "2026-11-24T10:00:00Z", "type": "x"}', 15, None),
])
def test_a_missing_key_written_under_another_name_gets_a_hint_at_that_key(line, column, hint):
    """review 9-b: an export's `Lead`, `lead_id`, `timestamp` gave hint-less SLA502s."""
    batch = read_events(io.BytesIO(line.encode() + b"\n"))
    (d,) = batch.diagnostics
    assert (d.code, d.column) == ("SLA502", column)
    assert (hint is None and d.hint is None) or hint in d.hint, d.hint


def test_a_json_array_or_an_indented_document_is_told_to_become_json_lines():
    events = [{"lead": "A", "at": "2026-11-24T10:00:00Z", "type": "x"}]
    for text in (json.dumps(events), json.dumps(events, indent=2)):
        batch = read_events(io.BytesIO(text.encode() + b"\n"))
        assert batch.diagnostics and all("jq -c" in d.hint for d in batch.diagnostics), text


def test_csv_header_with_other_names_for_lead_at_type_says_which_to_rename():
    batch = read_events(io.BytesIO(b"lead_id,timestamp,event\nA,2026-11-24T10:00:00Z,x\n"), input_format="csv")
    (d,) = batch.diagnostics
    assert d.code == "SLA509" and "`lead_id` to `lead`, `timestamp` to `at`, `event` to `type`" in d.hint


def test_csv_cells_are_located_for_sla510_and_a_state_row_gets_a_csv_hint(tmp_path):
    """review 9-b: SLA510 pointed at column 1 of a CSV row; a `state` row without its state
    was told to add `"state": "mql"` (JSON)."""
    path = write(tmp_path, "e.csv", "lead,at,type,state\nA,2026-03-08 02:30:00,assigned,\nB,2026-03-09T10:00:00Z,state,\n")
    batch = read_events(path, default_tz="America/New_York")
    assert [(d.code, d.line, d.column) for d in batch.diagnostics] == [("SLA510", 2, 3), ("SLA502", 3, 30)]
    assert "fill the row's `state` cell" in batch.diagnostics[1].hint


@pytest.mark.parametrize("line, hint", [
    (b"{'lead': 'A'}", "double quotes"),
    (b'{"lead": "A", "x": True}', "`true` in lower case"),
    (b'{"lead": "A", "x": None}', "`null` in lower case"),
    (b'{"lead": "A",}', "no trailing comma"),
    (b'{"x": 1e400}', "no NaN or infinite"),
    (b'{"x": NaN}', "no NaN or infinite"),
    (b'{"lead": "A" "x": 1}', None),
])
def test_json_slips_get_a_hint(line, hint):
    (d,) = read_events(io.BytesIO(line + b"\n")).diagnostics
    assert d.code == "SLA501" and ((hint is None and d.hint is None) or hint in d.hint), d.hint


def test_a_csv_rows_problem_points_at_its_cell_on_a_later_line_of_the_row(tmp_path):
    """review 9-b: a row whose quoted note spans two lines had its bad `at` reported at the
    row's first line, column 1."""
    path = write(tmp_path, "e.csv", 'note,lead,at,type\n"hello\nworld",A,2026-13-08T02:30:00Z,x\n'
                                    '"one\ntwo",B,2026-03-08 02:30:00,x\n')
    batch = read_events(path, default_tz="America/New_York")
    assert [(d.code, d.line, d.column) for d in batch.diagnostics] == [
        ("SLA503", 3, 10), ("SLA512", 4, 1), ("SLA510", 5, 8)]


def test_a_key_given_only_inside_fields_is_told_to_move_to_the_top_level():
    """review 9-g: SLA502 pointed at the nested `lead` with no word about it."""
    line = b'{"at": "2026-11-02T10:00:00Z", "type": "assigned", "fields": {"x": 1, "lead": "B"}}\n'
    (d,) = read_events(io.BytesIO(line)).diagnostics
    assert d.code == "SLA502" and "at the top level" in d.hint


def test_the_nested_key_hint_needs_the_key_as_a_key_not_a_value():
    """review 9-h: `"role": "lead"` inside `fields` is no nested `lead` key."""
    line = b'{"at": "2026-11-02T10:00:00Z", "type": "assigned", "fields": {"role": "lead"}}\n'
    (d,) = read_events(io.BytesIO(line)).diagnostics
    assert d.code == "SLA502" and (d.hint is None or "top level" not in d.hint)


def test_a_folder_of_event_files_is_its_files_in_path_order(tmp_path):
    import slacode

    from tests.conftest import ROOT

    agreement = slacode.load(ROOT / "specs" / "northwind.sla")
    lines = (ROOT / "specs" / "events.jsonl").read_text().splitlines(keepends=True)
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "2.jsonl.gz").write_bytes(gzip.compress("".join(lines[1500:]).encode()))
    (tmp_path / "a.jsonl").write_text("".join(lines[:1500]))
    (tmp_path / "notes.txt").write_text("not events")
    as_of = "2026-11-20T18:00:00-03:00"
    folder = agreement.evaluate_many(tmp_path, as_of=as_of, jobs=1)
    files = agreement.evaluate_many([tmp_path / "a.jsonl", tmp_path / "b" / "2.jsonl.gz"], as_of=as_of, jobs=1)
    assert folder.verdicts and folder.verdict_dicts() == files.verdict_dicts()
    # the same problems, and the file not read is said (SLA518)
    skipped = [d for d in folder.diagnostics if d.code == "SLA518"]
    assert [d.path for d in skipped] == [str(tmp_path / "notes.txt")]
    assert [d for d in folder.diagnostics if d.code != "SLA518"] == list(files.diagnostics)
    (tmp_path / "empty").mkdir()
    with pytest.raises(EventInputError, match="no event files"):
        read_events([tmp_path / "empty"])


def test_the_count_of_events_after_as_of_writes_as_of_in_the_agreements_zone(tmp_path):
    import slacode

    agreement = slacode.loads('agreement "z" { version "1"; timezone "America/Sao_Paulo"; teams sales }\n'
                              "deadline d { owner sales; start on assigned; stop on call; within 1h }\n")
    events = [{"lead": "A", "at": "2026-11-09T10:00:00Z", "type": "assigned"},
              {"lead": "A", "at": "2026-11-09T20:00:00Z", "type": "call"}]
    as_of = "2026-11-09T12:00:00Z"
    said = {d.message for d in agreement.evaluate(events, as_of=as_of).diagnostics if d.code == "SLA506"}
    assert said == {"1 event is after as_of 2026-11-09T09:00:00-03:00 and not evaluated (first at position 2)"}
    path = tmp_path / "e.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in events))
    for jobs in (1, 2):
        result = agreement.evaluate_many([path], as_of=as_of, jobs=jobs)
        assert [d.message for d in result.diagnostics if d.code == "SLA506"] == [
            "1 event is after as_of 2026-11-09T09:00:00-03:00 and not evaluated (first at line 2)"]
    # without an agreement (read_events), in UTC
    assert read_events([path], as_of_us=parse_timestamp(as_of)).diagnostics[0].message.startswith(
        "1 event is after as_of 2026-11-09T12:00:00Z")


@pytest.mark.parametrize("text, said", [
    ("2026-11-02 10:05", "'2026-11-02 10:05' gives the time of day without seconds; write HH:MM:SS"),
    ("2026-11-02T10:05Z", "'2026-11-02T10:05Z' gives the time of day without seconds; write HH:MM:SS"),
    ("2026-11-02", "'2026-11-02' is a date without a time of day"),
    ("2026-11-02T10", "'2026-11-02T10' does not have a time of day HH:MM:SS"),
    ("2026-11-02T10:05:00-0300", "'2026-11-02T10:05:00-0300' has an offset without a colon; write it ±HH:MM"),
    ("nope", "'nope' does not start with a date YYYY-MM-DD"),
])
def test_a_refused_timestamp_says_what_is_wrong_with_it(text, said):
    from slacode.timestamps import _explain_timestamp

    assert _explain_timestamp(text).startswith(said)


def test_csv_read_as_json_lines_is_told_to_name_its_format():
    diags: list = []
    list(iter_records([io.BytesIO(b"lead,at,type\nA,2026-11-02T10:00:00Z,assigned\n")], diagnostics=diags))
    assert [d.code for d in diags] == ["SLA501", "SLA501"]
    assert all("this looks like CSV" in d.hint and "--input-format csv" in d.hint for d in diags)


def test_a_line_in_windows_1252_is_told_how_to_convert_the_file(tmp_path):
    for name, text in (("l.csv", b"lead,at,type,name\nA,2026-11-02T10:00:00Z,assigned,Jos\xe9\n"),
                       ("l.jsonl", b'{"lead": "A", "at": "2026-11-02T10:00:00Z", "type": "assigned", "name": "Jos\xe9"}\n')):
        (d,) = read(write(tmp_path, name, text)).diagnostics
        assert d.code == "SLA508" and "iconv -f WINDOWS-1252 -t UTF-8" in d.hint


def test_a_batch_given_to_evaluate_names_its_files_in_the_evaluations_diagnostics(tmp_path):
    import slacode

    first = write(tmp_path, "a.jsonl", line(lead="A", at="2026-11-09T16:00:00Z", type="assigned", owner="ana") + "\n")
    second = write(tmp_path, "b.jsonl", line(lead="B", at="2026-11-09T16:00:00Z", type="state", state="won") + "\n"
                   + line(lead="B", at="2027-01-09T16:00:00Z", type="assigned", owner="bo") + "\n")
    agreement = slacode.loads('agreement "x" { timezone "UTC"; teams sales }\nstates {\n  mql\n}\n'
                              "deadline d {\n  owner sales\n  start on assigned\n  stop on call\n  within 4h\n}\n")
    batch = read_events([str(first), str(second)])
    assert batch.sources == (str(first), str(second))
    named = agreement.evaluate(batch, as_of="2026-12-01T00:00:00Z")
    assert [(d.code, d.path, d.line) for d in named.diagnostics] == [("SLA601", str(second), 1),
                                                                     ("SLA506", str(second), 2)]
    bare = agreement.evaluate(batch.records, as_of="2026-12-01T00:00:00Z")
    assert [(d.code, d.path, d.line) for d in bare.diagnostics] == [("SLA601", None, 1), ("SLA506", None, 2)]
    assert named.to_dict()["verdicts"] == bare.to_dict()["verdicts"]


def test_read_events_lists_diagnostics_by_file_then_line(tmp_path):
    """Reading finds a file's count of events after as_of at its end, and a repeat's
    judgement at the end of its file; the batch lists them where they are."""
    a = write(tmp_path, "a.jsonl", "\n".join([
        line(lead="A", at="2027-01-01T00:00:00Z", type="x", id="e1"),       # after as_of
        line(lead="A", at="2026-11-09T16:00:00Z", type="x", id="e1"),       # a clash with line 1
        "not json"]) + "\n")
    b = write(tmp_path, "b.jsonl", "not json either\n")
    batch = read(a, b, as_of_us=parse_timestamp("2026-12-01T00:00:00Z"))
    assert [(d.path.rsplit("/", 1)[-1], d.line, d.code) for d in batch.diagnostics] == [
        ("a.jsonl", 1, "SLA506"), ("a.jsonl", 2, "SLA505"), ("a.jsonl", 3, "SLA501"), ("b.jsonl", 1, "SLA501")]


def test_fields_may_be_any_mapping_in_the_library():
    from types import MappingProxyType

    events = [MappingProxyType({"lead": "A", "at": "2026-11-09T16:00:00Z", "type": "x",
                                "fields": MappingProxyType({"score": 90})})]
    diagnostics: list = []
    (record,) = records_from_objects(events, diagnostics=diagnostics)
    assert record.fields == {"score": 90} and type(record.fields) is dict and diagnostics == []


def test_a_problem_of_an_event_line_names_the_lead_of_the_line(tmp_path):
    """review 13-b: a CRM told of a bad event needs its lead; a line whose lead cannot be
    read (broken JSON, an empty or non-text lead) has none."""
    path = write(tmp_path, "e.jsonl", "\n".join([
        line(lead="A", at="2026-11-09T16:00:00", type="x"),                 # SLA504
        "{broken",                                                          # SLA501
        line(lead="", at="2026-11-09T16:00:00Z", type="x"),                 # SLA502
        line(lead="B", at="2026-11-09T16:00:00Z", type="x", id="e1"),
        line(lead="B", at="2026-11-09T17:00:00Z", type="x", id="e1"),       # SLA505
        line(lead="C", at="2026-11-09T16:00:00Z", type="x", **{"fields.n": 1}),  # SLA513
    ]) + "\n")
    batch = read(path)
    assert [(d.code, d.lead) for d in batch.diagnostics] == [
        ("SLA504", "A"), ("SLA501", None), ("SLA502", None), ("SLA505", "B"), ("SLA513", "C")]
    assert batch.diagnostics[0].to_dict()["lead"] == "A"
    csv_path = write(tmp_path, "e.csv", "lead,at,type\nD,2026-11-09T16:00:00,x\n")
    assert [(d.code, d.lead) for d in read(csv_path).diagnostics] == [("SLA504", "D")]
    spaced = write(tmp_path, "s.csv", "lead,at,type\nL-2 ,2026-11-09T16:00:00Z,x\n")
    assert [(d.code, d.lead) for d in read(spaced).diagnostics] == [("SLA516", "L-2 ")]    # the lead as written
    diagnostics: list = []
    records_from_objects([{"lead": "E", "at": "2026-11-09T16:00:00", "type": "x"}], diagnostics=diagnostics)
    assert [(d.code, d.lead) for d in diagnostics] == [("SLA504", "E")]


def test_review_13c_repeats_on_streams_pipes_and_near_values(tmp_path):
    """review 13-c: a stream's repeats before a line starting with `[` were lost (and it was
    called an array file); a named pipe was opened again to compare (and hung); instants
    1 µs apart before 1970 compared equal (hash(-1) == hash(-2)); 5 and 5.0 were a clash;
    two unnamed streams' diagnostics were mixed by line."""
    import os
    import threading

    first = line(lead="A", at="2026-11-09T10:00:00Z", type="x", id="e1") + "\n"
    a = write(tmp_path, "a.jsonl", first)
    stream = io.BytesIO((first + '[{"id": "e7"}]\n').encode())
    batch = read(a, stream)
    assert [(d.code, d.line, d.path) for d in batch.diagnostics] == [("SLA517", 1, "<stream>"),
                                                                     ("SLA501", 2, "<stream>")]
    fifo = tmp_path / "p.jsonl"
    os.mkfifo(fifo)
    writer = threading.Thread(target=lambda: fifo.write_text(first * 2))
    writer.start()
    try:
        piped = read(fifo)
    finally:
        writer.join()
    assert [d.code for d in piped.diagnostics] == ["SLA505"] and "not compared" in piped.diagnostics[0].message
    epoch = write(tmp_path, "epoch.jsonl", "\n".join([
        line(lead="A", at="1969-12-31T23:59:59.999999Z", type="x", id="e1"),
        line(lead="A", at="1969-12-31T23:59:59.999998Z", type="x", id="e1"),
        line(lead="A", at="2026-11-09T10:00:00Z", type="x", id="e2", fields={"score": 5}),
        line(lead="A", at="2026-11-09T10:00:00Z", type="x", id="e2", fields={"score": 5.0})]) + "\n")
    assert [(d.code, d.line) for d in read(epoch).diagnostics] == [("SLA505", 2), ("SLA517", 4)]
    bad = b'{"lead": "A", "at": "x", "type": "t"}\n' * 2
    assert [d.line for d in read(io.BytesIO(bad), io.BytesIO(bad)).diagnostics] == [1, 2, 1, 2]


def test_a_named_pipe_is_opened_once(tmp_path, monkeypatch):
    """Checking that a source can be read opened a named pipe once more before reading it:
    a writer that met that open lost its data or the read waited forever (seen in CI)."""
    import builtins
    import os
    import threading

    fifo = tmp_path / "p.jsonl"
    os.mkfifo(fifo)
    opened = []
    real_open = builtins.open

    def counting_open(file, *args, **kwargs):
        if os.fspath(file) == str(fifo):
            opened.append(file)
        return real_open(file, *args, **kwargs)

    writer = threading.Thread(target=lambda: real_open(fifo, "w").write(line(**EV) + "\n"))
    writer.start()
    monkeypatch.setattr(builtins, "open", counting_open)
    try:
        batch = read(fifo)
    finally:
        writer.join()
    assert len(batch.records) == 1 and len(opened) == 1


def test_a_folder_says_the_files_it_does_not_read(tmp_path):
    """review 21c: a day's export saved as `.tsv` in the exports folder is named (SLA518), not lost."""
    folder = tmp_path / "exports"
    (folder / "old").mkdir(parents=True)
    (folder / "a.jsonl").write_text('{"lead": "A", "at": "2026-11-24T09:00:00Z", "type": "x"}\n')
    (folder / "old" / "b.csv").write_text("lead,at,type\nB,2026-11-24T09:00:00Z,x\n")
    (folder / "d.tsv").write_text("lead\tat\ttype\nD,2026-11-24T09:00:00Z,x\n")
    (folder / "notes.txt").write_text("read me\n")
    (folder / "README.md").write_text("# exports\n")             # notes stay unsaid
    (folder / ".hidden.tsv").write_text("x\n")                   # hidden files stay unsaid
    batch = read(folder)
    assert [r.lead for r in batch.records] == ["A", "B"]
    assert [(d.code, d.severity, d.path) for d in batch.diagnostics] == [
        ("SLA518", "warning", str(folder / "d.tsv")), ("SLA518", "warning", str(folder / "notes.txt"))]
    assert "one with tabs as .csv read with --csv-delimiter tab" in batch.diagnostics[0].hint
    # a folder of only such files is still refused, naming what it has
    (tmp_path / "stray").mkdir()
    (tmp_path / "stray" / "leads.xlsx").write_bytes(b"PK\x03\x04")
    with pytest.raises(EventInputError, match=r"a folder with no event files in it \(it has leads.xlsx\)"):
        read(tmp_path / "stray")


def test_a_link_to_nothing_in_a_folder_is_named_and_the_rest_is_read(tmp_path):
    """fuzz 22: a link to a day's export that was moved failed the whole run (exit 2) without
    saying it was a link; now SLA518 names where it points (or the loop), and the rest is read."""
    folder = tmp_path / "exports"
    folder.mkdir()
    (folder / "a.jsonl").write_text('{"lead": "A", "at": "2026-11-24T09:00:00Z", "type": "x"}\n')
    (folder / "b.jsonl").symlink_to(tmp_path / "moved" / "b.jsonl")
    (folder / "c.jsonl").symlink_to("c.jsonl")                          # a link to itself
    batch = read(folder)
    assert [r.lead for r in batch.records] == ["A"]
    found = [(d.code, d.severity, d.path, d.message) for d in batch.diagnostics]
    assert found == [
        ("SLA518", "warning", str(folder / "b.jsonl"),
         f"not read: a link to {tmp_path / 'moved' / 'b.jsonl'}, which does not exist"),
        ("SLA518", "warning", str(folder / "c.jsonl"),
         "not read: a link to c.jsonl, in a loop of links that reaches no file")]
    # a folder of only such links is refused, naming them and where they point
    (folder / "a.jsonl").unlink()
    with pytest.raises(EventInputError, match=r"it has b.jsonl, a link to .*moved/b.jsonl, which does not exist"):
        read(folder)


def test_an_api_response_saved_as_the_export_is_one_problem_with_its_jq(tmp_path):
    """review 21c: `{"results": [...], "paging": …}` written over many lines is SLA514, once,
    with the `jq` that takes its events out, and on one line too."""
    import json as _json

    events = [{"lead": "A", "at": "2026-11-24T09:00:00Z", "type": "assigned"},
              {"lead": "A", "at": "2026-11-24T10:00:00Z", "type": "call"}]
    pretty = write(tmp_path, "response.json", _json.dumps({"results": events, "paging": None}, indent=2))
    batch = read(pretty)
    assert not batch.records
    [d] = batch.diagnostics
    assert (d.code, d.line) == ("SLA514", 1) and "under `results` (an API response)" in d.message
    assert d.hint == "convert it with `jq -c '.results[]' FILE > events.jsonl`"
    quoted = write(tmp_path, "q.json", _json.dumps({"data items": events}, indent=1))
    assert read(quoted).diagnostics[0].hint == "convert it with `jq -c '.\"data items\"[]' FILE > events.jsonl`"
    # on one line too (fuzz 22: it was one SLA502 per missing key, each with the jq)
    one = write(tmp_path, "one.jsonl", _json.dumps({"results": events}) + "\n")
    [d] = read(one).diagnostics
    assert (d.code, d.line, d.hint) == ("SLA514", 1, "convert it with `jq -c '.results[]' FILE > events.jsonl`")
    # a file of one event, or of events on several lines, is JSON Lines as before
    assert [r.type for r in read(write(tmp_path, "ev.jsonl", _json.dumps(events[0]))).records] == ["assigned"]
    two = write(tmp_path, "two.jsonl", _json.dumps({"results": events}) + "\n" + _json.dumps(events[1]) + "\n")
    assert [(d.code, d.line) for d in read(two).diagnostics] == [("SLA514", 1)] and len(read(two).records) == 1
    # a pretty-printed object that holds no events array is one indented object (review 29d M2):
    # SLA514 once, with the jq that makes it one line (`.[]` would print its values)
    other = write(tmp_path, "o.json", _json.dumps({"lead": "A", "at": "2026-11-24T09:00:00Z", "type": "x"}, indent=2))
    [d] = read(other).diagnostics
    assert (d.code, d.line, d.hint) == ("SLA514", 1, "convert it with `jq -c '.' FILE > events.jsonl`")


def test_an_api_response_on_a_line_of_a_stream_or_of_a_part_is_one_sla514(tmp_path):
    """review 22d: piped in (or read in parts by --jobs), a one-line API response was one
    SLA502 per missing key; any line that is an API response is one SLA514 now."""
    import io as _io
    import json as _json

    from slacode import parallel

    events = [{"lead": "A", "at": "2026-11-24T09:00:00Z", "type": "assigned"}]
    response = _json.dumps({"data": events, "paging": {"next": None}}) + "\n"
    batch = read(_io.BytesIO(response.encode()))
    assert [(d.code, d.line, d.hint) for d in batch.diagnostics] == [
        ("SLA514", 1, "convert the file with `jq -c '.data[]' FILE > events.jsonl`")]
    mixed = read(_io.BytesIO((_json.dumps(events[0]) + "\n" + response).encode()))
    assert [r.lead for r in mixed.records] == ["A"] and [(d.code, d.line) for d in mixed.diagnostics] == [("SLA514", 2)]
    # a file that starts as one JSON document is not split between processes (said once, at its start)
    pretty = write(tmp_path, "pretty.jsonl", _json.dumps({"results": events * 3}, indent=2))
    lines = write(tmp_path, "lines.jsonl", "".join(_json.dumps(e) + "\n" for e in events * 3))
    array = write(tmp_path, "array.jsonl", "\n [" + _json.dumps(events) + "]\n")
    assert parallel.parallel_sources([str(lines)], None, 2, min_bytes=0, forking=False) is not None
    assert parallel.parallel_sources([str(pretty)], None, 2, min_bytes=0, forking=False) is None
    assert parallel.parallel_sources([str(lines), str(array)], None, 2, min_bytes=0, forking=False) is None


def test_an_empty_api_page_is_one_problem_too(tmp_path):
    """review 21d: a quiet day's page, `{"records": []}`, is the same SLA514 (not four broken lines)."""
    pretty = write(tmp_path, "page.json", '{\n  "records": [\n  ],\n  "next": null\n}\n')
    [d] = read(pretty).diagnostics
    assert d.code == "SLA514" and d.hint == "convert it with `jq -c '.records[]' FILE > events.jsonl`"
    one = write(tmp_path, "page.jsonl", '{"records": [], "next": null}\n')
    assert all("`jq -c '.records[]' FILE" in d.hint for d in read(one).diagnostics)
    # an event written with other names and an empty list is not taken for a page
    odd = write(tmp_path, "odd.jsonl", '{"customer": "x", "when": "2026-11-24T09:00:00Z", "kind": "call", "tags": []}\n')
    assert not any("API response" in (d.hint or "") for d in read(odd).diagnostics)
