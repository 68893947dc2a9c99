"""--timestamp-format / timestamp_formats= (extension): timestamps as CRMs write them, read
only when asked for, after RFC 3339 (which stays the default, exactly)."""
from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

import slacode
from slacode import parallel, timestamps
from slacode.cli import main
from slacode.timestamps import timestamp_formats

UTC = timezone.utc
SPEC = ('agreement "x" { timezone "America/New_York"; teams sales }\n'
        "attempts cadence {\n  owner sales\n  start on assigned\n  count call\n  at most 9 per day\n}\n")
AS_OF = "2026-12-31T00:00:00Z"
NY = "America/New_York"
SLASHED = "%m/%d/%Y %I:%M %p"


def instants(path, **options) -> tuple[list, list]:
    batch = slacode.read_events(str(path), **options)
    return ([datetime.fromtimestamp(r.at / 1e6, UTC) for r in batch.records],
            [(d.code, d.line) for d in batch.diagnostics])


def at(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def write_csv(tmp_path: Path, cells: list[str], name: str = "e.csv") -> Path:
    path = tmp_path / name
    path.write_text("lead,at,type\n" + "".join(f'L1,"{c}",call\n' for c in cells))
    return path


def write_jsonl(tmp_path: Path, values: list, name: str = "e.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join(json.dumps({"lead": "L1", "at": v, "type": "call"}) + "\n" for v in values))
    return path


# -- each format ---------------------------------------------------------------------------

@pytest.mark.parametrize("fmt, cell, when", [
    ("iso8601", "2026-12-04T06:17:00.000+0000", at(2026, 12, 4, 6, 17)),       # Salesforce REST
    ("iso8601", "2026-12-04T15:12-05:00", at(2026, 12, 4, 20, 12)),            # no seconds
    ("iso8601", "2026-12-04 15:12:30-05", at(2026, 12, 4, 20, 12, 30)),        # a space, ±HH
    ("iso8601", "2026-12-04T15:12:30,5Z", at(2026, 12, 4, 15, 12, 30, 500000)),
    ("epoch-ms", "1796073420000", at(2026, 11, 30, 21, 17)),                    # HubSpot
    ("epoch-s", "1796073420", at(2026, 11, 30, 21, 17)),
    ("epoch-s", "1796073420.25", at(2026, 11, 30, 21, 17, 0, 250000)),
    ("%Y-%m-%dT%H:%M:%S.%f%z", "2026-12-04T06:17:00.000+0000", at(2026, 12, 4, 6, 17)),
    (SLASHED, "12/01/2026 09:35 AM", at(2026, 12, 1, 14, 35)),                # in --tz
    (SLASHED, "12/01/2026 09:35 PM", at(2026, 12, 2, 2, 35)),
])
def test_each_format_reads_its_values_in_csv(tmp_path, fmt, cell, when):
    path = write_csv(tmp_path, [cell])
    assert instants(path, default_tz=NY, timestamp_formats=[fmt]) == ([when], [])
    assert instants(path, default_tz=NY)[1] == [("SLA503", 2)]        # the default refuses it, as before


def test_epoch_numbers_in_json_lines(tmp_path):
    path = write_jsonl(tmp_path, [1796073420000, 1796073420000.5, "1796073420000", True])
    got, problems = instants(path, timestamp_formats="epoch-ms")
    assert got == [at(2026, 11, 30, 21, 17), at(2026, 11, 30, 21, 17, 0, 500), at(2026, 11, 30, 21, 17)]
    assert problems == [("SLA503", 4)]                                 # a boolean is no count
    assert instants(path)[1] == [("SLA503", 1), ("SLA503", 2), ("SLA503", 3), ("SLA503", 4)]


def test_the_unit_is_told_by_the_years_evaluated(tmp_path):
    """Seconds read as milliseconds fall in 1970 (evaluated), so the order given decides; ms
    read as seconds fall after 9989: not that format, the next is tried."""
    path = write_csv(tmp_path, ["1796073420000", "1796073420"])
    assert instants(path, timestamp_formats=["epoch-s", "epoch-ms"])[0] == [at(2026, 11, 30, 21, 17)] * 2


def test_the_default_is_exactly_rfc_3339(tmp_path):
    path = write_jsonl(tmp_path, ["2026-12-04T15:12-05:00"])
    batch = slacode.read_events(str(path))
    (d,) = batch.diagnostics
    assert (d.code, d.hint) == ("SLA503", None)
    assert d.message == ("'2026-12-04T15:12-05:00' gives the time of day without seconds; write HH:MM:SS "
                         "(expected YYYY-MM-DDTHH:MM:SS[.fraction] followed by Z or an offset ±HH:MM)")


def test_rfc_3339_is_read_first_and_the_formats_only_for_what_it_refuses(tmp_path, monkeypatch):
    tried = []
    real = timestamps._FormatsClock._by_formats
    monkeypatch.setattr(timestamps._FormatsClock, "_by_formats",
                        lambda self, value, refused: tried.append(value) or real(self, value, refused))
    path = write_csv(tmp_path, ["2026-12-04T06:17:00Z", "2026-12-04T06:17:00.000+0000", "2026-12-04T01:17:00-05:00"])
    got, _ = instants(path, timestamp_formats=["%Y-%m-%dT%H:%M:%S.%f%z"])
    assert got == [at(2026, 12, 4, 6, 17)] * 3
    assert tried == ["2026-12-04T06:17:00.000+0000"]


def test_a_mixed_file_in_formats_tried_in_order(tmp_path):
    path = write_csv(tmp_path, ["2026-12-01T09:00:00-05:00", "12/01/2026 09:35 AM", "1796073420000",
                                "2026-12-04T15:12-05:00", "yesterday", "13/45/2026 09:35 AM"])
    got, problems = instants(path, default_tz=NY, timestamp_formats=[SLASHED, "epoch-ms", "iso8601"])
    assert got == [at(2026, 12, 1, 14), at(2026, 12, 1, 14, 35), at(2026, 11, 30, 21, 17), at(2026, 12, 4, 20, 12)]
    assert problems == [("SLA503", 6), ("SLA503", 7)]
    batch = slacode.read_events(str(path), default_tz=NY, timestamp_formats=[SLASHED, "epoch-ms", "iso8601"])
    first = batch.diagnostics[0]
    assert first.message == "'yesterday' is not an RFC 3339 timestamp, nor one of the timestamp formats given"
    assert first.hint.startswith("formats tried: RFC 3339, then '%m/%d/%Y %I:%M %p', epoch-ms, iso8601; ")


def test_naive_formats_are_read_in_the_zone_given(tmp_path):
    path = write_csv(tmp_path, ["12/01/2026 09:35 AM", "2026-12-01 09:35"])
    formats = [SLASHED, "iso8601"]
    assert instants(path, default_tz=NY, timestamp_formats=formats)[0] == [at(2026, 12, 1, 14, 35)] * 2
    assert instants(path, default_tz="Europe/Lisbon", timestamp_formats=formats)[0] == [at(2026, 12, 1, 9, 35)] * 2
    # an offset written in the value wins over the zone
    offset = write_csv(tmp_path, ["2026-12-01 09:35+0100"], "o.csv")
    assert instants(offset, default_tz=NY, timestamp_formats=formats)[0] == [at(2026, 12, 1, 8, 35)]
    # iso8601 without an offset and without a zone: SLA504, as an RFC 3339 text without one
    assert instants(path, timestamp_formats=["iso8601"])[1] == [("SLA503", 2), ("SLA504", 3)]


def test_dst_repeated_and_skipped_local_times_are_read_as_rfc_3339_ones_and_said(tmp_path):
    """As a local RFC 3339 time under --tz (docs/events.md): a repeated time is its first
    occurrence, a skipped one is read with the offset before the change; each is SLA510."""
    path = write_csv(tmp_path, ["11/01/2026 01:30 AM", "03/08/2026 02:30 AM", "2026-11-01 01:30"])
    batch = slacode.read_events(str(path), default_tz=NY, timestamp_formats=[SLASHED, "iso8601"])
    got = [datetime.fromtimestamp(r.at / 1e6, UTC) for r in batch.records]
    assert got == [at(2026, 11, 1, 5, 30), at(2026, 3, 8, 7, 30), at(2026, 11, 1, 5, 30)]
    said = [(d.code, d.line, d.message.split(" ")[0]) for d in batch.diagnostics]
    assert said == [("SLA510", 2, "'11/01/2026"), ("SLA510", 3, "'03/08/2026"), ("SLA510", 4, "'2026-11-01")]
    assert "repeated" in batch.diagnostics[0].message or "twice" in batch.diagnostics[0].message


@pytest.mark.parametrize("fmt, words", [
    ("rfc2822", "neither a strptime format"),
    ("%Y-%m-%d", "does not read an hour, the minutes"),
    ("%m/%d/%Y %I:%M", "without AM or PM"),
    ("%Q %Y", "bad directive"),
    ("%Y-%m-%d %H:%M %Z", "%Z reads only"),
    ("%m/%d/%Y %H:%M", "has no offset (%z)"),           # local times, and no zone named
])
def test_a_format_that_cannot_be_is_refused_before_reading(tmp_path, fmt, words):
    with pytest.raises(ValueError, match=words.replace("(", r"\(").replace(")", r"\)")):
        slacode.read_events(str(tmp_path / "missing.csv"), timestamp_formats=[fmt])
    with pytest.raises(TypeError):
        timestamp_formats(5)


def run(capsys, *argv) -> tuple[int, str, str]:
    code = main([str(a) for a in argv])
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.mark.parametrize("fmt", ["rfc2822", "%m/%d/%Y %I:%M", "%m/%d/%Y %I:%M %p"])
def test_a_bad_format_is_a_usage_error_on_every_command(tmp_path, capsys, fmt):
    spec = tmp_path / "a.sla"
    spec.write_text(SPEC)
    events = write_csv(tmp_path, ["12/01/2026 09:35 AM"])
    for command in (["check", spec, events], ["explain", spec, events, "--lead", "L1"], ["report", spec, events]):
        code, out, err = run(capsys, *command, "--as-of", AS_OF, "--timestamp-format", fmt)
        assert code == 2 and out == ""
        assert err.startswith(f"slacode: --timestamp-format {fmt}: timestamp format ")


def test_the_command_line_reads_a_crm_export_and_the_hint_names_the_formats(tmp_path, capsys):
    spec = tmp_path / "a.sla"
    spec.write_text(SPEC)
    events = tmp_path / "e.csv"
    events.write_text("lead,at,type\nL1,1796073420000,assigned\nL1,12/01/2026 09:35 AM,call\nL1,soon,call\n")
    args = ["check", spec, events, "--as-of", AS_OF, "--format", "json", "--tz", NY,
            "--timestamp-format", "epoch-ms", "--timestamp-format", SLASHED]
    code, out, err = run(capsys, *args)
    assert code == 0, err
    doc = json.loads(out)
    (verdict,) = [v for v in doc["verdicts"] if v["clause"] == "at_most_per_day"]
    assert verdict["started_at"] == "2026-11-30T16:17:00-05:00"
    (bad,) = [d for d in doc["diagnostics"] if d["code"] == "SLA503"]
    assert bad["line"] == 4 and "'%m/%d/%Y %I:%M %p'" in bad["hint"] and "epoch-ms" in bad["hint"]
    code, out, _ = run(capsys, *args[:9])                              # without the option: refused
    assert [d["code"] for d in json.loads(out)["diagnostics"]].count("SLA503") == 3


@pytest.mark.skipif(not parallel.can_fork(), reason="parallel evaluation needs fork")
def test_two_processes_read_them_as_one(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 0)
    monkeypatch.setattr(parallel, "MIN_PARALLEL_RECORDS", 0)
    spec = tmp_path / "a.sla"
    spec.write_text(SPEC)
    lines = []
    for n in range(60):
        lead = f"L{n:02d}"
        lines.append({"lead": lead, "at": 1796073420000 + n * 60_000, "type": "assigned", "owner": "ana"})
        lines.append({"lead": lead, "at": f"12/01/2026 0{n % 9 + 1}:35 PM", "type": "call"})
        lines.append({"lead": lead, "at": "2026-12-02T10:00:00Z", "type": "call"})
        lines.append({"lead": lead, "at": "2026-12-02 10:00-0500", "type": "call"})
    events = tmp_path / "e.jsonl"
    events.write_text("".join(json.dumps(e) + "\n" for e in lines))
    args = ["check", spec, events, "--as-of", AS_OF, "--format", "json", "--tz", NY,
            "--timestamp-format", "epoch-ms", "--timestamp-format", SLASHED, "--timestamp-format", "iso8601"]
    outs = [run(capsys, *args, "--jobs", jobs) for jobs in ("1", "2")]
    assert outs[0] == outs[1] and outs[0][0] == 0
    doc = json.loads(outs[0][1])
    assert not [d for d in doc["diagnostics"] if d["severity"] == "error"]
    assert len(doc["verdicts"]) == 60


def test_the_library_entry_points_take_the_formats(tmp_path):
    agreement = slacode.loads(SPEC)
    events = write_jsonl(tmp_path, [1796073420000])
    many = agreement.evaluate_many([str(events)], as_of=AS_OF, jobs=1, timestamp_formats=["epoch-ms"])
    assert [d.code for d in many.diagnostics] == ["SLA626"] and many.verdicts == []   # a call alone: nothing starts
    dicts = agreement.evaluate_many([{"lead": "L1", "at": 1796073420000, "type": "assigned"}], as_of=AS_OF,
                                    jobs=1, timestamp_formats="epoch-ms")
    assert [v.started_at for v in dicts.verdicts] == [1796073420000000]         # epoch µs
    records = list(agreement.iter_verdicts([str(events)], as_of=AS_OF, timestamp_formats=["epoch-ms"]))
    assert [r["code"] for r in records if r["record"] == "diagnostic"] == ["SLA626"]
