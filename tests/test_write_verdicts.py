"""Agreement.write_verdicts / iter_verdicts: `slacode check --format jsonl` from the library."""
from __future__ import annotations

import io
import os
import subprocess
import sys
import tracemalloc
from pathlib import Path

import pytest

import slacode
from slacode import parallel
from slacode.cli import main
from slacode.errors import SlacodeError
from slacode.events import EventInputError
from slacode.output import dumps
from slacode.timestamps import InvalidAsOfError

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "specs" / "northwind.sla"
EVENTS = ROOT / "specs" / "events.jsonl"
AS_OF = "2026-11-01T00:00:00Z"
BENCH = next((p for p in (ROOT.parent / "shared" / "bench", Path("/work/shared/bench"))
              if (p / "gen_events.py").exists()), None)
needs_bench = pytest.mark.skipif(BENCH is None, reason="needs shared/bench/gen_events.py")


@pytest.fixture
def small_inputs_in_parallel(monkeypatch):
    """Split even small files among processes, so that jobs=2 really forks."""
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 0)


def cli_output(capsys, spec, *argv) -> bytes:
    capsys.readouterr()
    assert main(["check", str(spec), *map(str, argv)]) == 0
    return capsys.readouterr().out.encode()


def generated(tmp_path: Path, leads: int, order: str = "lead", seed: int = 7) -> Path:
    path = tmp_path / f"gen-{leads}-{order}.jsonl"
    subprocess.run([sys.executable, str(BENCH / "gen_events.py"), str(leads), str(path), "--seed", str(seed),
                    "--order", order], check=True, capture_output=True)
    return path


@pytest.mark.parametrize("jobs", [1, 2])
def test_specs_byte_identical_to_the_command(capsys, tmp_path, jobs, small_inputs_in_parallel):
    expected = cli_output(capsys, SPEC, EVENTS, "--as-of", AS_OF, "--format", "jsonl", "--jobs", jobs)
    agreement = slacode.load(SPEC)
    buffer = io.BytesIO()
    summary = agreement.write_verdicts([EVENTS], buffer, as_of=AS_OF, jobs=jobs)
    assert buffer.getvalue() == expected
    out = tmp_path / "verdicts.jsonl"
    assert agreement.write_verdicts(str(EVENTS), out, as_of=AS_OF, jobs=jobs) == summary
    assert out.read_bytes() == expected
    assert summary == agreement.evaluate_many([EVENTS], as_of=AS_OF, jobs=1).summary()
    assert summary["verdicts"] > 1000 and summary["input_problems"] > 0     # verdicts and diagnostics both
    assert b'"record":"diagnostic"' in expected


@needs_bench
@pytest.mark.parametrize("order", ["lead", "time"])
def test_generated_file_byte_identical_for_jobs_1_and_2(capsys, tmp_path, order, small_inputs_in_parallel):
    events = generated(tmp_path, 3000, order)
    spec = BENCH / "bench.sla"
    as_of = "2026-09-01T00:00:00Z"
    expected = cli_output(capsys, spec, events, "--as-of", as_of, "--format", "jsonl", "--jobs", 1)
    agreement = slacode.load(spec)
    for jobs in (1, 2):
        buffer = io.BytesIO()
        agreement.write_verdicts([events], buffer, as_of=as_of, jobs=jobs)
        assert buffer.getvalue() == expected, jobs
        out = tmp_path / f"out-{jobs}.jsonl"
        agreement.write_verdicts([str(tmp_path / events.name)], out, as_of=as_of, jobs=jobs)
        assert out.read_bytes() == expected, jobs


def test_json_format_is_the_commands_document(capsys):
    expected = cli_output(capsys, SPEC, EVENTS, "--as-of", AS_OF, "--format", "json", "--jobs", 1)
    buffer = io.BytesIO()
    slacode.load(SPEC).write_verdicts([EVENTS], buffer, as_of=AS_OF, jobs=1, format="json")
    assert buffer.getvalue() == expected


def test_iter_verdicts_gives_the_records_of_the_stream(capsys):
    expected = cli_output(capsys, SPEC, EVENTS, "--as-of", AS_OF, "--format", "jsonl", "--jobs", 1)
    records = list(slacode.load(SPEC).iter_verdicts([EVENTS], as_of=AS_OF, jobs=1))
    assert [dumps(r) for r in records] == expected.splitlines()
    kinds = [r["record"] for r in records]
    assert kinds[-1] == "summary" and kinds.count("summary") == 1
    assert kinds.index("diagnostic") > max(i for i, k in enumerate(kinds) if k == "verdict")


def test_a_dropped_iterator_leaves_no_files(tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    records = slacode.load(SPEC).iter_verdicts([EVENTS], as_of=AS_OF, jobs=1)
    assert next(records)["record"] == "verdict"
    records.close()
    assert list(tmp_path.iterdir()) == []


def test_a_folder_of_events(tmp_path, capsys):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.jsonl").write_bytes(EVENTS.read_bytes())
    expected = cli_output(capsys, SPEC, tmp_path / "in", "--as-of", AS_OF, "--format", "jsonl")
    buffer = io.BytesIO()
    slacode.load(SPEC).write_verdicts(tmp_path / "in", buffer, as_of=AS_OF)
    assert buffer.getvalue() == expected


# ---------------------------------------------------------------------------- memory

@needs_bench
def test_memory_follows_a_lead_not_the_file(tmp_path, monkeypatch):
    # the ids are judged exactly in a window of the newest ones (slacode.ids): a small window
    # shows at 6,000 leads what the default one shows past some 130,000 events
    from slacode import ids

    monkeypatch.setattr(ids, "WINDOW_IDS", 4096)
    events = generated(tmp_path, 6_000)
    agreement = slacode.load(BENCH / "bench.sla")
    as_of = "2026-09-01T00:00:00Z"
    agreement.prepare(as_of=as_of)

    def peak(work) -> int:
        tracemalloc.start()
        try:
            work()
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    out = tmp_path / "verdicts.jsonl"
    streamed = peak(lambda: agreement.write_verdicts([events], out, as_of=as_of, jobs=1))
    held = peak(lambda: agreement.evaluate_many([events], as_of=as_of, jobs=1))
    assert out.stat().st_size > 3_000_000
    assert streamed * 1.5 < held, (streamed, held)   # measured: 9.9 MB against 17.4 MB (20,000 leads and
                                                     # the default window: 18 MB against 54 MB)


# ---------------------------------------------------------------------------- errors

def test_errors_are_evaluate_manys(tmp_path):
    agreement = slacode.load(SPEC)
    out = tmp_path / "out.jsonl"
    cases = [
        (dict(events=[EVENTS], as_of="2026-11-01"), InvalidAsOfError),
        (dict(events=[EVENTS], as_of="2026-11-01T00:00:00", default_tz="Mars/Olympus"), SlacodeError),
        (dict(events=[tmp_path / "missing.jsonl"], as_of=AS_OF), EventInputError),
        (dict(events=[SPEC], as_of=AS_OF), EventInputError),
        (dict(events=[EVENTS], as_of=AS_OF, jobs=-1), ValueError),
        (dict(events=[EVENTS], as_of=AS_OF, csv_delimiter="ab"), ValueError),
    ]
    for kwargs, kind in cases:
        with pytest.raises(kind) as many:
            agreement.evaluate_many(**kwargs)
        with pytest.raises(kind) as written:
            agreement.write_verdicts(out=out, **kwargs)
        assert type(written.value) is type(many.value) and str(written.value) == str(many.value)
        with pytest.raises(kind):
            agreement.iter_verdicts(**kwargs)
    assert list(tmp_path.iterdir()) == []       # nothing written, no temporary file left


def test_events_in_memory_point_to_evaluate_many():
    agreement = slacode.load(SPEC)
    with pytest.raises(TypeError, match="evaluate_many"):
        agreement.write_verdicts([{"lead": "L1", "at": AS_OF, "type": "state", "state": "mql"}], io.BytesIO(),
                                 as_of=AS_OF)
    with pytest.raises(TypeError, match="paths"):
        agreement.write_verdicts({"lead": "L1"}, io.BytesIO(), as_of=AS_OF)


def test_bad_outputs_and_formats(tmp_path):
    agreement = slacode.load(SPEC)
    with pytest.raises(ValueError, match="jsonl"):
        agreement.write_verdicts([EVENTS], io.BytesIO(), as_of=AS_OF, format="csv")
    with pytest.raises(TypeError, match="binary"):
        agreement.write_verdicts([EVENTS], io.StringIO(), as_of=AS_OF)
    with pytest.raises(IsADirectoryError):
        agreement.write_verdicts([EVENTS], tmp_path, as_of=AS_OF)
    with pytest.raises(FileNotFoundError):
        agreement.write_verdicts([EVENTS], tmp_path / "no" / "out.jsonl", as_of=AS_OF)
    with pytest.raises(TypeError, match="path or a binary file"):
        agreement.write_verdicts([EVENTS], 3, as_of=AS_OF)


def test_an_output_in_a_missing_folder_is_named_before_the_events_are_read(tmp_path, monkeypatch):
    """(fuzz) The error named the temporary file beside the output (`.out.jsonl.x1y2.tmp`),
    which the caller never gave, and came after both passes over the events."""
    agreement = slacode.load(SPEC)
    missing = tmp_path / "no" / "out.jsonl"
    monkeypatch.setattr("slacode.writer._start", lambda *a, **k: pytest.fail("the events were read"))
    with pytest.raises(FileNotFoundError) as caught:
        agreement.write_verdicts([EVENTS], missing, as_of=AS_OF)
    message = str(caught.value)
    assert str(tmp_path / "no") in message and ".tmp" not in message
    assert caught.value.filename == str(missing)


def test_a_failed_run_keeps_the_old_file(tmp_path, monkeypatch):
    out = tmp_path / "verdicts.jsonl"
    out.write_bytes(b"yesterday\n")
    agreement = slacode.load(SPEC)
    from slacode import output

    def broken(*args, **kwargs):
        yield b'{"record":"verdict"}\n'
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(output, "check_pieces", broken)
    with pytest.raises(OSError, match="No space"):
        agreement.write_verdicts([EVENTS], out, as_of=AS_OF, jobs=1)
    assert out.read_bytes() == b"yesterday\n"
    assert [p.name for p in tmp_path.iterdir()] == ["verdicts.jsonl"]


def test_a_written_file_has_the_usual_permissions(tmp_path):
    out = tmp_path / "verdicts.jsonl"
    slacode.load(SPEC).write_verdicts([EVENTS], out, as_of=AS_OF, jobs=1)
    mask = os.umask(0o022)
    os.umask(mask)
    assert out.stat().st_mode & 0o777 == 0o666 & ~mask
