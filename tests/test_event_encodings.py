"""Event files as exports come (review 21c): gzip data without a `.gz` name, text in UTF-16
(Excel's "Unicode Text", some CRM report exports) or UTF-32 with its byte order mark. The
first bytes say what the file is; each is read as its UTF-8, uncompressed twin."""
from __future__ import annotations

import gzip
import io
import subprocess
import sys

import pytest

import slacode
from slacode.events import read_events

JSONL = ('{"lead": "L-1", "at": "2026-11-24T09:00:00-03:00", "type": "assigned", "owner": "Joâo"}\n'
         '{"lead": "L-1", "at": "2026-11-24T10:00:00-03:00", "type": "contact_attempt", "note": "ligação"}\n'
         '{"lead": "L-2", "at": "2026-11-24T09:30:00-03:00", "type": "assigned", "owner": "Zoë"}\n'
         'not json\n')
CSV = ("lead,at,type,owner\r\nL-1,2026-11-24T09:00:00-03:00,assigned,Joâo\r\n"
       "L-1,2026-11-24T10:00:00-03:00,contact_attempt,\r\nL-2,2026-11-24T09:30:00-03:00,assigned,Zoë\r\n")

SPEC = ('agreement "x" { version "1"; timezone "America/Sao_Paulo"; teams sales }\n'
        'deadline touch { owner sales; start on assigned; stop on contact_attempt; within 2h }\n')


def _seen(batch) -> list:
    """What a reading gave, without where it came from."""
    return ([(r.lead, r.at, r.type, r.props) for r in batch.records],
            [(d.code, d.line, d.message.split(": ", 1)[-1]) for d in batch.diagnostics])


ENCODINGS = [("utf-16", lambda t: t.encode("utf-16")),                       # the machine's order, with BOM
             ("utf-16-le", lambda t: b"\xff\xfe" + t.encode("utf-16-le")),
             ("utf-16-be", lambda t: b"\xfe\xff" + t.encode("utf-16-be")),
             ("utf-32", lambda t: t.encode("utf-32")),
             ("gzip", lambda t: gzip.compress(t.encode()))]


@pytest.mark.parametrize("name, encode", ENCODINGS, ids=[e[0] for e in ENCODINGS])
@pytest.mark.parametrize("suffix, text", [(".jsonl", JSONL), (".csv", CSV)])
def test_a_file_is_read_by_what_its_first_bytes_say(tmp_path, name, encode, suffix, text):
    plain, other = tmp_path / f"plain{suffix}", tmp_path / f"other{suffix}"
    plain.write_text(text, encoding="utf-8", newline="")
    other.write_bytes(encode(text))
    expected = _seen(read_events(plain))
    assert expected[0] and _seen(read_events(other)) == expected
    # a stream (standard input, spooled) is looked at the same way
    assert _seen(read_events(io.BytesIO(encode(text)), input_format=suffix[1:])) == expected


def test_the_command_line_reads_them_in_one_process_or_several(tmp_path):
    spec = tmp_path / "a.sla"
    spec.write_text(SPEC)
    text = JSONL * 50
    folders = {"plain": text.encode(), "wide": text.encode("utf-16"), "packed": gzip.compress(text.encode())}
    for name, data in folders.items():
        (tmp_path / name).mkdir()
        (tmp_path / name / "events.jsonl").write_bytes(data)

    def check(folder, *more):       # the same file name in each folder: the outputs can be equal
        done = subprocess.run([sys.executable, "-m", "slacode", "check", str(spec), "events.jsonl", "--format",
                               "jsonl", "--as-of", "2026-11-24T12:00:00-03:00", *more],
                              capture_output=True, text=True, cwd=tmp_path / folder)
        return done.returncode, done.stdout

    expected = check("plain")
    assert expected[0] == 0 and expected[1].count('"record":"verdict"') == 2 and '"line":200' in expected[1]
    for folder in ("wide", "packed"):
        assert check(folder) == expected and check(folder, "--jobs", "2") == expected
    # from standard input, which has no name to look at
    done = subprocess.run([sys.executable, "-m", "slacode", "check", str(spec), "-", "--format", "jsonl",
                           "--as-of", "2026-11-24T12:00:00-03:00"], input=folders["packed"], capture_output=True)
    assert done.returncode == 0 and done.stdout.decode().count('"record":"verdict"') == 2


def test_a_problem_line_of_a_wide_file_is_shown_as_text(tmp_path):
    spec = tmp_path / "a.sla"
    spec.write_text(SPEC)
    wide = tmp_path / "wide.jsonl"
    wide.write_bytes(JSONL.encode("utf-16"))
    done = subprocess.run([sys.executable, "-m", "slacode", "check", str(spec), str(wide), "--format", "github",
                           "--as-of", "2026-11-24T12:00:00-03:00"], capture_output=True, text=True)
    assert "line=4" in done.stdout and "SLA501" in done.stdout
    assert "\x00" not in done.stdout


def test_the_library_takes_wide_text_streams_it_can_seek():
    result = slacode.loads(SPEC).evaluate(read_events(io.BytesIO(JSONL.encode("utf-16"))).records,
                                          as_of="2026-11-24T12:00:00-03:00")
    assert [(v.lead, v.status) for v in result.verdicts] == [("L-1", "met"), ("L-2", "breached")]


from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(bom=st.sampled_from([b"\xff\xfe", b"\xfe\xff", b"\xff\xfe\x00\x00"]), data=st.binary(max_size=300),
       suffix=st.sampled_from([".jsonl", ".csv"]))
def test_arbitrary_wide_text_only_gives_diagnostics(tmp_path, bom, data, suffix):
    path = tmp_path / f"fuzz{suffix}"
    path.write_bytes(bom + data)
    batch = read_events(path)
    for d in batch.diagnostics:
        assert d.code.startswith("SLA5") and 1 <= d.line <= data.count(b"\n") + 1
    for r in batch.records:
        assert isinstance(r.at, int) and r.lead and r.type


def test_utf16_text_compressed_is_read_too(tmp_path):
    """review 21d: gzip of a UTF-16 export, named `.gz` or not, and on standard input."""
    plain = tmp_path / "plain.jsonl"
    plain.write_text(JSONL, encoding="utf-8")
    expected = _seen(read_events(plain))
    for name in ("wide.jsonl.gz", "wide.jsonl"):
        (tmp_path / name).write_bytes(gzip.compress(JSONL.encode("utf-16")))
        assert _seen(read_events(tmp_path / name)) == expected
    assert _seen(read_events(io.BytesIO(gzip.compress(JSONL.encode("utf-16"))))) == expected


# ------------------------------------------------------------- gzip data cut short (SLA520)

MANY = "".join(f'{{"lead": "L-{i % 7}", "at": "2026-11-24T{9 + i // 60:02d}:{i % 60:02d}:00Z", '
               f'"type": "contact_attempt", "n": {i}}}\n' for i in range(400))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cut=st.integers(min_value=2, max_value=10_000), suffix=st.sampled_from([".jsonl.gz", ".csv.gz"]))
def test_gzip_data_cut_anywhere_gives_the_lines_before_and_one_sla520(tmp_path, cut, suffix):
    """A download that stopped: every whole line before the cut is read, the cut line and the
    rest are not, SLA520 says at which line, and nothing raises."""
    text = MANY if suffix == ".jsonl.gz" else "lead,at,type,n\n" + "".join(
        f"L-{i % 7},2026-11-24T{9 + i // 60:02d}:{i % 60:02d}:00Z,contact_attempt,{i}\n" for i in range(400))
    packed = gzip.compress(text.encode())
    path = tmp_path / f"cut{suffix}"
    path.write_bytes(packed[:min(cut, len(packed) - 1)])
    batch = read_events(path)
    (damage,) = [d for d in batch.diagnostics if d.code == "SLA520"]
    assert [d.code for d in batch.diagnostics] == ["SLA520"]
    numbers = [r.props["n"] for r in batch.records]
    assert numbers == list(range(len(numbers)))                          # a prefix, nothing half read
    header = suffix == ".csv.gz"
    assert damage.line == len(numbers) + 1 + (header and damage.line > 1)
    assert "ends before its end" in damage.message


def test_gzip_data_followed_by_other_bytes_and_a_gz_name_on_plain_text(tmp_path):
    junk = tmp_path / "junk.jsonl.gz"
    junk.write_bytes(gzip.compress(MANY.encode()) + b"<html>proxy error</html>")
    batch = read_events(junk)
    assert len(batch.records) == 400
    assert [(d.code, d.line) for d in batch.diagnostics] == [("SLA520", 401)]
    assert "followed by bytes that are not gzip data" in batch.diagnostics[0].message
    # several members (files joined with cat) and zero padding are whole gzip data
    joined = tmp_path / "joined.jsonl.gz"
    joined.write_bytes(gzip.compress(MANY[:5000].encode()) + gzip.compress(MANY[5000:].encode()) + bytes(512))
    assert len(read_events(joined).records) == 400 and not read_events(joined).diagnostics
    # a `.gz` name on a file that is not compressed: read as what its bytes are
    plain = tmp_path / "plain.jsonl.gz"
    plain.write_text(MANY)
    assert len(read_events(plain).records) == 400 and not read_events(plain).diagnostics
    # a stream too (standard input, spooled), and UTF-16 text compressed
    assert [d.code for d in read_events(io.BytesIO(junk.read_bytes())).diagnostics] == ["SLA520"]
    wide = gzip.compress(MANY.encode("utf-16"))
    batch = read_events(io.BytesIO(wide[:len(wide) // 2]))
    assert [d.code for d in batch.diagnostics] == ["SLA520"] and 0 < len(batch.records) < 400


def test_a_damaged_gzip_file_does_not_stop_the_run(tmp_path):
    spec, good = tmp_path / "a.sla", tmp_path / "good.jsonl"
    spec.write_text(SPEC)
    good.write_text('{"lead": "L-9", "at": "2026-11-24T09:00:00-03:00", "type": "assigned"}\n')
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(gzip.compress(JSONL.encode())[:40])
    for jobs in ("1", "2"):
        proc = subprocess.run([sys.executable, "-m", "slacode", "check", str(spec), str(cut), str(good), "--as-of",
                               "2026-11-25T00:00:00Z", "--format", "jsonl", "--jobs", jobs],
                              capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
        assert '"lead":"L-9"' in proc.stdout and '"code":"SLA520"' in proc.stdout
    failing = subprocess.run([sys.executable, "-m", "slacode", "check", str(spec), str(cut), str(good), "--as-of",
                              "2026-11-25T00:00:00Z", "--fail-on", "input"], capture_output=True, text=True)
    assert failing.returncode == 1


def test_gzip_data_that_fails_its_checksum_gives_every_line_and_says_so(tmp_path):
    """review 22d: a file whose only damage is its checksum gave no line at all (the output of
    the failing call was lost); the lines come, and SLA520 says they may be damaged."""
    packed = bytearray(gzip.compress(MANY.encode()))
    packed[-6] ^= 0xFF                                               # a byte of the CRC-32
    path = tmp_path / "crc.jsonl.gz"
    path.write_bytes(bytes(packed))
    batch = read_events(path)
    assert [r.props["n"] for r in batch.records] == list(range(400))
    [d] = batch.diagnostics
    assert (d.code, d.line) == ("SLA520", 1) and "fails its checksum" in d.message
    # damage inside the compressed data: what came before the slice that failed is kept
    big = "".join(MANY for _ in range(60)).encode()                  # 24,000 lines, several chunks
    packed = bytearray(gzip.compress(big))
    packed[len(packed) * 3 // 4:len(packed) * 3 // 4 + 64] = bytes(64)
    path.write_bytes(bytes(packed))
    batch = read_events(path)
    assert len(batch.records) > 12_000 and any(d.code == "SLA520" for d in batch.diagnostics)
