"""Review 31b (a nightly batch job's output): the table streamed through a spool (H2),
`--output FILE` (M5), the summary's run facts (M6), an empty input (M7), compressed files
slacode does not read (L2)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

import slacode
from slacode import output
from slacode.texts import visible
from slacode.verdict import as_text
from tests.conftest import ROOT, run_slacode

SPEC = ROOT / "specs" / "northwind.sla"
EVENTS = ROOT / "specs" / "events.jsonl"
AS_OF = "2026-11-20T22:00:00-03:00"


def run(*args, env=None, cwd=ROOT):
    """``slacode ARGS`` in this process (:func:`tests.conftest.run_slacode`), output as bytes."""
    environment = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    environment.pop("FORCE_COLOR", None)
    environment.update(env or {})
    return run_slacode(args, env=environment, cwd=cwd, text=False)


def copies(path: Path, n: int) -> Path:
    """specs/events.jsonl ``n`` times over, each copy's leads and ids renamed (``L1~3``):
    ``n`` times the leads, the same kinds of lines (the broken ones too)."""
    lines = EVENTS.read_text(encoding="utf-8").splitlines()
    out = []
    for k in range(n):
        for line in lines:
            out.append(line.replace('"lead": "', f'"lead": "c{k}~').replace('"lead":"', f'"lead":"c{k}~')
                       .replace('"id": "', f'"id": "c{k}~').replace('"id":"', f'"id":"c{k}~'))
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


# ------------------------------------------------------------------ H2: the table, spooled

_COLOR = {"met": "32", "breached": "1;31", "at_risk": "33", "paused": "36", "pending": "37", "cancelled": "2"}


def reference_table(rows: list[dict], diagnostics, color: bool = False) -> str:
    """The table as `check` wrote it before review 31b, every row in memory: the oracle."""
    head = ["lead", "rule", "clause", "cycle", "period", "status", "assignee", "group", "due", "reason"]
    data = []
    lossy = output.lossy_leads(diagnostics)
    marked = False
    for d in rows:
        lead = d["lead"] or ""
        if lead and lead in lossy:
            lead, marked = lead + " !", True
        data.append([output._cell(lead), d["rule"], d["clause"], "" if d["cycle"] is None else str(d["cycle"]),
                     d["period"] or "", d["status"], output._cell(as_text(d["assignee"]) or ""),
                     output._cell(output._group_cell(d.get("group"))), d["due_at"] or "",
                     output._cell(d["reason"], None)])
    if not any(r[7] for r in data):
        head.pop(7)
        data = [r[:7] + r[8:] for r in data]
    if not any(r[4] for r in data):
        head.pop(4)
        data = [r[:4] + r[5:] for r in data]
    widths = [max([len(h)] + [len(r[i]) for r in data]) for i, h in enumerate(head[:-1])]
    status_col = head.index("status")

    def fmt_row(cells, paint=False):
        parts = []
        for i, cell in enumerate(cells[:-1]):
            text = cell.ljust(widths[i])
            if paint and color and i == status_col:
                text = f"\x1b[{_COLOR.get(cell, '0')}m{text}\x1b[0m"
            parts.append(text)
        return "  ".join(parts + [cells[-1]]).rstrip()

    lines = [fmt_row(head)] + [fmt_row(r, True) for r in data]
    if marked:
        lines.append("! the lead has an event that could not be used or that counts for nothing (the problems "
                     "below say which): its verdicts leave it out")
    for d in diagnostics:
        where = visible(d.path) if d.path else "<events>"
        if d.line:
            where += f":{d.line}:{d.column}" if d.column else f":{d.line}"
        tag = "" if d.severity == "error" else f" [{d.severity}]"
        lines.append(f"{where}: {d.code}{tag} {d.message}")
        if d.hint:
            lines.append(f"  = hint: {d.hint}")
    return "\n".join(lines) + "\n"


class _Result:
    def __init__(self, diagnostics):
        self.diagnostics = diagnostics


class _Row:
    def __init__(self, d):
        self.d = d

    def to_dict(self):
        return self.d


@pytest.fixture(scope="module")
def northwind():
    agreement = slacode.load(SPEC)
    return agreement.evaluate_many([str(EVENTS)], as_of=AS_OF, jobs=1)


@pytest.mark.parametrize("color", [False, True])
def test_spooled_table_is_the_in_memory_table(northwind, color):
    rows = [v.to_dict() for v in northwind.verdicts]
    assert output.lossy_leads(northwind.diagnostics)            # (some leads get the ! mark)
    got = output.table(northwind, [_Row(d) for d in rows], color)
    assert got == reference_table(rows, northwind.diagnostics, color)
    assert " !  " in got and "\x1b[" in got if color else "\x1b[" not in got


_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=80)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.fixed_dictionaries({
    "lead": st.one_of(st.none(), _text), "rule": st.sampled_from(["first_touch", "r", "a_long_rule_name"]),
    "clause": st.sampled_from(["within", "ratio", "gap_2"]), "cycle": st.one_of(st.none(), st.integers(1, 300)),
    "period": st.one_of(st.none(), st.sampled_from(["2026-W45", "2026-11"])),
    "status": st.sampled_from(sorted(_COLOR) + ["odd"]), "assignee": st.one_of(st.none(), _text),
    "group": st.one_of(st.none(), st.builds(lambda v: {"region": v}, _text)),
    "due_at": st.one_of(st.none(), st.just("2026-11-20T10:00:00-03:00")), "reason": _text}), max_size=25),
    st.booleans())
def test_spooled_table_equals_the_reference_for_any_rows(rows, color):
    got = output.table(_Result([]), [_Row(d) for d in rows], color)
    assert got == reference_table(rows, [], color)


def test_table_is_the_same_for_one_and_two_processes_and_for_a_bigger_input(tmp_path):
    big = copies(tmp_path / "big.jsonl", 3)
    for events in (EVENTS, big):
        one = run("check", SPEC, events, "--as-of", AS_OF, "--jobs", "1")
        two = run("check", SPEC, events, "--as-of", AS_OF, "--jobs", "2")
        assert one.returncode == two.returncode == 0, one.stderr
        assert one.stdout == two.stdout and one.stdout.count(b"\n") > 2000
    lead = run("check", SPEC, big, "--as-of", AS_OF, "--lead", "c1~nw-0092", "--status", "met", "--status", "breached")
    assert lead.returncode == 0 and b"c1~nw-0092" in lead.stdout and b"c0~nw-0092" not in lead.stdout


def test_github_annotations_rendered_lead_by_lead_are_the_whole_runs(tmp_path):
    big = copies(tmp_path / "big.jsonl", 3)
    one = run("check", SPEC, big, "--as-of", AS_OF, "--format", "github", "--fail-on", "at_risk", "-j", "1")
    two = run("check", SPEC, big, "--as-of", AS_OF, "--format", "github", "--fail-on", "at_risk", "-j", "2")
    assert one.returncode == two.returncode == 1 and one.stdout == two.stdout and one.stderr == two.stderr
    lines = one.stdout.decode().splitlines()
    breached = [x for x in lines if x.startswith("::error") and "breached::" in x]
    assert len(breached) > 500 and lines.index(breached[0]) > 0         # (the diagnostics come first)
    only = run("check", SPEC, big, "--as-of", AS_OF, "--format", "github", "--status", "breached")
    got = only.stdout.decode().splitlines()
    assert [x for x in got if "breached::" in x] == breached
    assert b"verdicts for 1,179 leads" in only.stderr or b" shown (breached)" in only.stderr
    asked = run("check", SPEC, big, "--as-of", AS_OF, "--format", "github", "--lead", "c2~nw-0092", "--lead", "C2~NW-0093")
    assert b"did you mean 'c2~nw-0093' for 'C2~NW-0093'" in asked.stderr, asked.stderr


def _peak_kb(*args) -> int:
    code = ("import resource, sys; from slacode.cli import main; sys.stdout = open(__import__('os').devnull, 'w'); "
            f"rc = main({[str(a) for a in args]!r}); "
            "sys.stderr.write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=str(ROOT / "src")), cwd=ROOT)
    return int(done.stderr.strip().splitlines()[-1])


def test_table_memory_does_not_grow_with_the_input(tmp_path):
    """Before review 31b the table held every row (about 1 KB more memory an event: 52 MB
    more here for 5 times the events) and `github` every Verdict; now the rows wait on disk."""
    # 1 and 5 copies (it was 2 and 10): the held rows grew by some 6.5 MB a copy, 26 MB over
    # these 4 copies more, four times the margin allowed below; half the events to evaluate
    small, large = copies(tmp_path / "s.jsonl", 1), copies(tmp_path / "l.jsonl", 5)
    growth = {}
    for fmt in ("table", "github", "jsonl"):
        a = _peak_kb("check", SPEC, small, "--as-of", AS_OF, "--jobs", "1", "--format", fmt)
        b = _peak_kb("check", SPEC, large, "--as-of", AS_OF, "--jobs", "1", "--format", fmt)
        growth[fmt] = b - a
    assert growth["table"] < growth["jsonl"] + 6_000, growth
    assert growth["github"] < growth["jsonl"] + 6_000, growth


# ------------------------------------------------------------------ H5, M5: written atomically

def test_html_page_that_cannot_be_written_whole_leaves_yesterdays_page(tmp_path, monkeypatch, capsys):
    """A disk that fills while the page is written (here: at its fsync) leaves the page of the
    day before whole (before review 31b: truncated, then the new page written over it)."""
    import slacode.writer
    from slacode.cli import main

    page = tmp_path / "dash.html"
    page.write_text("<!DOCTYPE html>yesterday's page\n")

    def full(fd):
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(slacode.writer.os, "fsync", full)
    assert main(["report", str(SPEC), str(EVENTS), "--as-of", AS_OF, "--html", str(page)]) == 2
    assert "dash.html: cannot write: No space left on device" in capsys.readouterr().err
    assert page.read_text() == "<!DOCTYPE html>yesterday's page\n"
    assert [p.name for p in tmp_path.iterdir()] == ["dash.html"]        # (no temporary file left)
    monkeypatch.undo()
    assert main(["report", str(SPEC), str(EVENTS), "--as-of", AS_OF, "--html", str(page)]) == 0
    assert len(page.read_bytes()) > 60_000


@pytest.mark.parametrize("fmt", ["table", "jsonl", "json", "csv", "github"])
def test_check_output_file_is_the_standard_output(tmp_path, fmt):
    out = tmp_path / "v.out"
    plain = run("check", SPEC, EVENTS, "--as-of", AS_OF, "--format", fmt)
    to_file = run("check", SPEC, EVENTS, "--as-of", AS_OF, "--format", fmt, "--output", out)
    assert plain.returncode == to_file.returncode == 0
    assert to_file.stdout == b"" and out.read_bytes() == plain.stdout
    assert os.listdir(tmp_path) == ["v.out"]


def test_output_file_is_replaced_only_when_the_command_completes(tmp_path):
    out = tmp_path / "v.jsonl"
    out.write_text("yesterday\n")
    bad = run("check", SPEC, EVENTS, "--as-of", "garbage", "--format", "jsonl", "-o", out)
    assert bad.returncode == 2 and out.read_text() == "yesterday\n"
    failing = run("check", SPEC, EVENTS, "--as-of", AS_OF, "--fail-on", "breached", "-o", out)
    assert failing.returncode == 1 and out.read_text().endswith("3 input problems reported.\n")
    assert os.listdir(tmp_path) == ["v.jsonl"]


def test_output_file_of_an_agreement_with_errors_says_them_on_standard_error(tmp_path):
    spec = tmp_path / "bad.sla"
    spec.write_text('agreement "x" {\n  teams sales\n}\ndeadline r {\n  within on c\n}\n')
    out = tmp_path / "v.jsonl"
    out.write_text("yesterday\n")
    done = run("check", spec, EVENTS, "--as-of", AS_OF, "--format", "jsonl", "-o", out)
    assert done.returncode == 2 and b"SLA101" in done.stderr and out.read_text() == "yesterday\n"


@pytest.mark.parametrize("command", [
    ("check",), ("due",), ("report", "--format", "csv"),
    ("changes", "--since", "2026-11-19T12:00:00-03:00", "--format", "jsonl")])
def test_every_command_writes_output_files_and_refuses_its_inputs(tmp_path, command):
    name, *options = command
    out = tmp_path / "out.txt"
    plain = run(name, SPEC, EVENTS, "--as-of", AS_OF, *options)
    done = run(name, SPEC, EVENTS, "--as-of", AS_OF, *options, "--output", out)
    assert done.returncode == plain.returncode == 0 and out.read_bytes() == plain.stdout and done.stdout == b""
    copy = tmp_path / "events.jsonl"
    copy.write_bytes(EVENTS.read_bytes())
    for target in (copy, SPEC, tmp_path / "in" / ".." / "events.jsonl", tmp_path / "x.jsonl"):
        inputs = [tmp_path] if target.name == "x.jsonl" else [copy]
        refused = run(name, SPEC, *inputs, "--as-of", AS_OF, *options, "-o", target)
        assert refused.returncode == 2 and b"--output" in refused.stderr, refused.stderr
    assert copy.read_bytes() == EVENTS.read_bytes() and not (tmp_path / "x.jsonl").exists()
    dash = run(name, SPEC, EVENTS, "--as-of", AS_OF, *options, "-o", "-")
    assert dash.stdout == plain.stdout


@pytest.mark.parametrize(("failure", "status"), [(lambda: OSError(28, "No space left on device"), 2),
                                                 (KeyboardInterrupt, 130)])
def test_output_file_of_a_run_that_fails_while_writing_stays_as_it_was(tmp_path, monkeypatch, capsys, failure, status):
    from slacode.cli import main

    real = output.check_pieces

    def breaks(*args, **kwargs):
        pieces = real(*args, **kwargs)
        yield next(pieces)
        raise failure()
    monkeypatch.setattr(output, "check_pieces", breaks)
    out = tmp_path / "v.jsonl"
    out.write_text("yesterday\n")
    assert main(["check", str(SPEC), str(EVENTS), "--as-of", AS_OF, "--format", "jsonl", "-o", str(out)]) == status
    assert out.read_text() == "yesterday\n" and os.listdir(tmp_path) == ["v.jsonl"]
    assert capsys.readouterr().out == ""
    import gc

    assert gc.isenabled()                   # (the run's outcomes, which pause the collector, were closed)


# ------------------------------------------------------------------ M6: the summary's run facts

def test_summary_says_the_run_and_its_events(tmp_path):
    import jsonschema

    from slacode.schemas import load_schema

    lines = EVENTS.read_text(encoding="utf-8").count("\n")
    early = "2026-11-20T12:00:00-03:00"
    one = run("check", SPEC, EVENTS, "--as-of", early, "--format", "jsonl", "--jobs", "1")
    summary = json.loads(one.stdout.splitlines()[-1])
    assert summary["record"] == "summary" and summary["as_of"] == early
    assert summary["agreement"] == {"id": "northwind-inbound", "version": "2026.11"}
    assert summary["slacode"] == slacode.__version__
    ev = summary["events"]
    assert ev["after_as_of"] > 0 and ev["refused"] == 2 and ev["repeated"] == 1
    assert ev["read"] == ev["evaluated"] + ev["after_as_of"] + ev["refused"] + ev["repeated"] == lines
    doc = json.loads(run("check", SPEC, EVENTS, "--as-of", early, "--format", "json").stdout)
    run_keys = ("record", "as_of", "agreement", "slacode", "events")
    assert doc["summary"] == {k: v for k, v in summary.items() if k not in run_keys}        # (the library's)
    assert (doc["as_of"], doc["agreement"]) == (summary["as_of"], summary["agreement"])
    big = copies(tmp_path / "big.jsonl", 4)
    ones = json.loads(run("check", SPEC, big, "--as-of", early, "--format", "jsonl", "-j", "1").stdout.splitlines()[-1])
    twos = json.loads(run("check", SPEC, big, "--as-of", early, "--format", "jsonl", "-j", "2").stdout.splitlines()[-1])
    assert ones == twos and ones["events"]["read"] == 4 * lines
    schema = load_schema("verdicts")
    jsonschema.validate(doc, schema)
    for line in one.stdout.splitlines()[-5:]:
        jsonschema.validate(json.loads(line), schema)
    # the library writes the command's output, byte for byte
    from slacode.writer import write_verdicts

    out = tmp_path / "lib.jsonl"
    write_verdicts(slacode.load(SPEC), [str(EVENTS)], out, as_of=early, jobs=1)
    assert out.read_bytes() == one.stdout


def test_machine_output_to_a_file_says_the_summary_on_standard_error(tmp_path):
    for fmt in ("jsonl", "json"):
        done = run("check", SPEC, EVENTS, "--as-of", AS_OF, "--format", fmt, "-o", tmp_path / "v")
        assert done.returncode == 0
        last = done.stderr.decode().splitlines()[-1]
        assert " verdicts for " in last and last.endswith("input problems reported."), done.stderr
    with open(tmp_path / "redirected", "wb") as f:                                       # `> file`
        done = subprocess.run([sys.executable, "-m", "slacode", "check", str(SPEC), str(EVENTS), "--as-of", AS_OF,
                               "--format", "jsonl"], stdout=f, stderr=subprocess.PIPE, cwd=ROOT,
                              env=dict(os.environ, PYTHONPATH=str(ROOT / "src")))
    assert b" verdicts for " in done.stderr
    piped = run("check", SPEC, EVENTS, "--as-of", AS_OF, "--format", "jsonl")        # (a pipe: its reader has it)
    assert b" verdicts for " not in piped.stderr


# ------------------------------------------------------------------ M7: an empty input

def test_an_empty_input_is_said_on_standard_error_with_status_0(tmp_path):
    empty = tmp_path / "empty.jsonl"
    empty.write_bytes(b"")
    for fmt in ("jsonl", "table", "json", "csv", "github"):
        done = run("check", SPEC, empty, "--as-of", AS_OF, "--format", fmt)
        assert done.returncode == 0
        assert b"slacode: no event was read: the input holds none" in done.stderr, (fmt, done.stderr)
    assert run("check", SPEC, empty, "--as-of", AS_OF, "--fail-on", "input").returncode == 1
    late = run("check", SPEC, EVENTS, "--as-of", "2026-10-01T00:00:00-03:00", "--format", "jsonl")
    assert late.returncode == 0 and b"of the input that could be read are after as_of (2 input errors besides)" in late.stderr, late.stderr
    some = run("check", SPEC, EVENTS, "--as-of", AS_OF, "--format", "jsonl")
    assert b"no event" not in some.stderr


# ------------------------------------------------------------------ L2: compressed files not read

@pytest.mark.parametrize(("name", "data", "kind"), [
    ("e.jsonl.bz2", b"BZh91AY&SY", "bzip2"), ("e.jsonl.xz", b"\xfd7zXZ\x00\x00", "xz"),
    ("e.jsonl.zst", b"\x28\xb5\x2f\xfd\x00", "zstd"), ("e.jsonl", b"BZh91AY&SY", "bzip2"),
    ("e.zip", b"PK\x03\x04", "zip")])
def test_a_file_compressed_in_a_format_slacode_does_not_read_is_said(tmp_path, name, data, kind):
    path = tmp_path / name
    path.write_bytes(data + b"\x00" * 40)
    for command in (("check",), ("due",), ("report",), ("changes", "--since", "2026-11-19T00:00:00Z")):
        done = run(*command, SPEC, path, "--as-of", AS_OF, "--input-format", "jsonl")
        assert done.returncode == 2, done.stderr
        assert f"compressed with {kind}, which slacode does not read".encode() in done.stderr
        assert b"decompress it first" in done.stderr and b"SLA508" not in done.stderr


@pytest.mark.parametrize("name", ["e.jsonl.bz2", "e.jsonl"])
def test_the_command_the_refusal_names_decompresses_the_file(tmp_path, name):
    """bzip2 -dk guesses the name it writes from `.bz2`; a file named otherwise is decompressed
    to standard output, into a name the message gives."""
    import shlex
    import shutil

    if shutil.which("bzip2") is None:
        pytest.skip("no bzip2 here")
    plain = EVENTS.read_bytes()
    path = tmp_path / name
    path.write_bytes(subprocess.run(["bzip2", "-c"], input=plain, capture_output=True, check=True).stdout)
    done = run("check", SPEC, path, "--as-of", AS_OF)
    command = done.stderr.decode().split("decompress it first (`")[1].split("`)")[0]
    subprocess.run(command, shell=True, check=True, cwd=tmp_path)
    written = shlex.split(command)[-1] if ">" in command else str(path)[:-len(".bz2")]
    assert Path(written).read_bytes() == plain and Path(written) != path


def test_a_compressed_file_in_a_folder_is_said_with_how_to_decompress_it_and_the_rest_is_read(tmp_path):
    folder = tmp_path / "landing"
    folder.mkdir()
    (folder / "a.jsonl").write_bytes(EVENTS.read_bytes())
    (folder / "b.jsonl.xz").write_bytes(b"\xfd7zXZ\x00" + b"\x00" * 40)
    done = run("check", SPEC, folder, "--as-of", AS_OF, "--format", "json")
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    (said,) = [d for d in doc["diagnostics"] if d["code"] == "SLA518"]
    assert said["file"].endswith("b.jsonl.xz") and "compressed with xz" in said["message"]
    assert f"`xz -dk {said['file']}`" in said["hint"] and "--input-format" not in said["hint"]
    assert doc["verdicts"]                                    # (a.jsonl was read)
