"""Parallel evaluation (--jobs, evaluate_many) gives exactly the serial output."""
from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st

import slacode
from slacode import parallel
from slacode.cli import main
from slacode.evaluate import as_of_us
from slacode.partition import partition_of

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT.parent / "shared" / "bench"
SPEC = ROOT / "specs" / "northwind.sla"
AS_OF = "2026-11-20T18:00:00-03:00"

pytestmark = pytest.mark.skipif(not parallel.can_fork(), reason="parallel evaluation needs fork")


@pytest.fixture(autouse=True)
def small_inputs_in_parallel(monkeypatch):
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 0)
    monkeypatch.setattr(parallel, "MIN_PARALLEL_RECORDS", 0)


def run(capsys, *argv) -> tuple[int, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    # the outputs compared must be real ones: a run that failed (2) would match another failure
    assert code in (0, 1), captured.err
    return code, captured.out


def messy_events(tmp_path: Path) -> list[Path]:
    """The example's events split in two files, shuffled in places, with every kind of problem."""
    lines = (ROOT / "specs" / "events.jsonl").read_text().splitlines()
    rnd = random.Random(7)
    head, tail = lines[: len(lines) // 2], lines[len(lines) // 2:]
    rnd.shuffle(tail)                              # interleaved and out of order: replayed leads
    first = json.loads(head[0])
    head[0] = "\ufeff" + head[0]                   # a byte-order mark on line 1
    head.insert(5, "not json at all")
    head.insert(9, json.dumps({"lead": "L-bad", "at": "yesterday", "type": "note"}))
    head.insert(12, json.dumps({"at": "2026-11-10T10:00:00Z", "type": "note"}))       # no lead
    head.insert(15, json.dumps(dict(first, at="2026-11-10T10:00:00Z")))                  # duplicate id, same lead
    head.insert(17, '{"lead": "L\\u00e9x", "at": "2026-11-10T10:00:00Z", "type": "state", "state": "mql"}')
    head.insert(18, json.dumps({"lead": "Lé" + "x", "at": "2026-11-10T11:00:00Z", "type": "state", "state": "limbo"}))
    head.insert(20, json.dumps({"fields": {"lead": "other"}, "lead": "L-nested", "at": "2026-11-10T11:00:00Z",
                                "type": "assigned", "owner": "rep-9"}))
    tail.insert(40, head[30])                      # an exact repeat, in the other file (SLA517)
    tail.insert(60, json.dumps(dict(json.loads(head[31]), extra="x")))     # a clash (SLA505)
    tail.append(json.dumps({"lead": "L-late", "at": "2027-02-01T10:00:00Z", "type": "note"}))
    tail.append("")
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_text("\n".join(head) + "\n", encoding="utf-8")
    b.write_text("\n".join(tail) + "\n", encoding="utf-8")
    return [a, b]


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "table"])
def test_check_output_is_the_same_for_every_job_count(tmp_path, capsys, fmt):
    files = [str(p) for p in messy_events(tmp_path)]
    outputs = {}
    for jobs in ("1", "2", "3"):
        code, out = run(capsys, "check", str(SPEC), *files, "--as-of", AS_OF, "--format", fmt, "--jobs", jobs)
        outputs[jobs] = (code, out)
    assert outputs["2"] == outputs["1"]
    assert outputs["3"] == outputs["1"]
    if fmt == "json":
        doc = json.loads(outputs["1"][1])
        codes = {d["code"] for d in doc["diagnostics"]}
        assert len(doc["verdicts"]) > 100
        assert {"SLA501", "SLA502", "SLA503", "SLA505", "SLA506", "SLA517", "SLA601"} <= codes, codes
        repeats = [d for d in doc["diagnostics"] if d["code"] == "SLA517"]
        assert [d["file"].rsplit("/", 1)[-1] for d in repeats] == ["a.jsonl", "b.jsonl"], repeats


@pytest.mark.parametrize("fmt", ["jsonl", "table"])
def test_check_status_filter_is_the_same_for_every_job_count(tmp_path, capsys, fmt):
    files = [str(p) for p in messy_events(tmp_path)]
    args = ["check", str(SPEC), *files, "--as-of", AS_OF, "--format", fmt, "--status", "breached", "--status", "paused"]
    serial = run(capsys, *args, "--jobs", "1")
    assert run(capsys, *args, "--jobs", "2") == serial
    if fmt == "jsonl":
        _, every = run(capsys, "check", str(SPEC), *files, "--as-of", AS_OF, "--format", fmt, "--jobs", "2")
        want = [line for line in every.splitlines()
                if '"record":"diagnostic"' in line or '"record":"verdict"' in line
                and json.loads(line)["status"] in ("breached", "paused")]
        assert serial[1].splitlines()[:-1] == want and len(want) > 100
        assert json.loads(serial[1].splitlines()[-1])["record"] == "summary"


def test_partitions_really_split_the_leads(tmp_path):
    files = messy_events(tmp_path)
    names = [str(p) for p in files]
    resolved = parallel.parallel_sources(names, None, 3)
    diagnostics: list = []
    agreement = slacode.load(SPEC)
    run = parallel.run_parallel(agreement.plan, resolved, as_of_us(AS_OF), diagnostics, 3, names=names)
    assert run is not None
    counts = [m["count"] for m in run.metas]
    assert len([c for c in counts if c]) == 3, counts           # every worker had leads
    leads = [o.lead for o in run.outcomes()]
    assert leads == sorted(leads) and len(leads) == len(set(leads)) == sum(counts)


def test_an_id_shared_by_leads_of_two_partitions_falls_back_to_one_process(tmp_path, capsys):
    a = tmp_path / "e.jsonl"
    rows = []
    for i in range(40):
        rows.append({"lead": f"L{i}", "at": f"2026-11-10T1{i % 10}:00:00Z", "type": "state", "state": "mql",
                     "id": "same" if i in (3, 30) else f"e{i}"})
    a.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert partition_of("L3", 2) != partition_of("L30", 2) or partition_of("L3", 3) != partition_of("L30", 3)
    outs = [run(capsys, "check", str(SPEC), str(a), "--as-of", AS_OF, "--format", "json", "--jobs", j)
            for j in ("1", "2", "3")]
    assert outs[0] == outs[1] == outs[2]
    assert "already used" in outs[0][1]
    jobs = 2 if partition_of("L3", 2) != partition_of("L30", 2) else 3
    plan = slacode.load(SPEC).plan
    assert parallel.run_parallel(plan, parallel.parallel_sources([str(a)], None, jobs), as_of_us(AS_OF), [],
                                 jobs, names=[str(a)]) is None


def test_an_id_a_worker_saw_again_after_its_window_falls_back_too(tmp_path, capsys, monkeypatch):
    """Workers judge ids in a window and leave every id's hash in a file: an id one worker
    saw again after its window is found in the parent's check, which goes serial."""
    from slacode import ids

    a = tmp_path / "e.jsonl"
    rows = [{"lead": "L1", "at": f"2026-11-10T10:{i:02d}:00Z", "type": "note", "id": f"e{i}"} for i in range(30)]
    rows.append({"lead": "L1", "at": "2026-11-10T11:00:00Z", "type": "note", "id": "e0"})
    a.write_text("".join(json.dumps(r) + "\n" for r in rows))
    want = run(capsys, "check", str(SPEC), str(a), "--as-of", AS_OF, "--format", "json", "--jobs", "1")
    assert "already used" in want[1]
    monkeypatch.setattr(ids, "WINDOW_IDS", 4)
    plan = slacode.load(SPEC).plan
    assert parallel.run_parallel(plan, parallel.parallel_sources([str(a)], None, 2), as_of_us(AS_OF), [],
                                 2, names=[str(a)]) is None
    assert run(capsys, "check", str(SPEC), str(a), "--as-of", AS_OF, "--format", "json", "--jobs", "2") == want


def test_report_and_due_are_the_same_in_parallel(tmp_path, capsys):
    files = [str(p) for p in messy_events(tmp_path)]
    for cmd in (["report", "--format", "json"], ["due", "--format", "json"]):
        outs = [run(capsys, cmd[0], str(SPEC), *files, "--as-of", AS_OF, *cmd[1:], "--jobs", j)
                for j in ("1", "2")]
        assert outs[0] == outs[1]


def test_diff_is_the_same_in_parallel(capsys):
    args = ["diff", str(SPEC), str(ROOT / "specs" / "northwind_v2.sla"), "--events",
            str(ROOT / "specs" / "events.jsonl"), "--as-of", AS_OF, "--format", "json"]
    outs = [run(capsys, *args, "--jobs", j) for j in ("1", "2")]
    assert outs[0] == outs[1]
    assert json.loads(outs[0][1])["impact"]


def test_evaluate_many_equals_evaluate(tmp_path):
    agreement = slacode.load(SPEC)
    events = []
    for line in (ROOT / "specs" / "events.jsonl").read_text().splitlines():
        try:
            events.append(json.loads(line))
        except ValueError:
            pass                                    # the example's deliberately broken lines
    assert len(events) > 1000
    serial = agreement.evaluate(events, as_of=AS_OF).to_dict()
    assert agreement.evaluate_many(events, as_of=AS_OF, jobs=3).to_dict() == serial
    assert agreement.evaluate_many(events, as_of=AS_OF, jobs=1).to_dict() == serial
    files = messy_events(tmp_path)
    by_files = [agreement.evaluate_many(files, as_of=AS_OF, jobs=j).to_dict() for j in (1, 2)]
    assert by_files[0] == by_files[1]


@pytest.mark.skipif(not (BENCH / "gen_events.py").exists(), reason="needs ../shared/bench")
def test_time_ordered_bench_data_in_parallel(tmp_path, capsys):
    path = tmp_path / "time.jsonl"
    subprocess.run([sys.executable, str(BENCH / "gen_events.py"), "300", str(path), "--seed", "3",
                    "--order", "time"], check=True, capture_output=True)
    spec = str(BENCH / "bench.sla")
    outs = [run(capsys, "check", spec, str(path), "--as-of", "2026-09-01T00:00:00Z", "--format", "jsonl",
                "--jobs", j) for j in ("1", "2")]
    assert outs[0] == outs[1]


def grouped_events(tmp_path: Path, leads: int = 400) -> Path:
    path = tmp_path / "grouped.jsonl"
    subprocess.run([sys.executable, str(BENCH / "gen_events.py"), str(leads), str(path), "--seed", "5"],
                   check=True, capture_output=True)
    return path


@pytest.mark.skipif(not (BENCH / "gen_events.py").exists(), reason="needs ../shared/bench")
def test_a_file_grouped_by_lead_is_split_in_byte_ranges(tmp_path, capsys, monkeypatch):
    path = grouped_events(tmp_path)
    lines = path.read_text().splitlines()
    third = len(lines) // 3
    lines.insert(third, "{broken")                          # problems near the cuts
    lines.insert(2 * third, json.dumps({"lead": lines and json.loads(lines[2 * third - 1])["lead"],
                                        "at": "2026-13-01T00:00:00Z", "type": "note"}))
    lines.append(json.dumps({"lead": "L9999999", "at": "2027-03-01T00:00:00Z", "type": "note"}))
    path.write_text("\n".join(lines) + "\n")
    spans = parallel.byte_ranges(str(path), 3)
    assert spans is not None and len(spans) == 3
    assert [s[2] for s in spans][0] == 1 and spans[-1][1] == path.stat().st_size
    used = []
    real = parallel._run
    monkeypatch.setattr(parallel, "_run", lambda *a, **k: used.append(k.get("spans")) or real(*a, **k))
    spec = str(BENCH / "bench.sla")
    outs = [run(capsys, "check", spec, str(path), "--as-of", "2026-10-01T00:00:00Z", "--format", "json",
                "--jobs", j) for j in ("1", "2", "3")]
    assert outs[0] == outs[1] == outs[2]
    assert [len(s) for s in used] == [2, 3]                 # byte ranges, not partitions by lead
    assert {"SLA501", "SLA503", "SLA506"} <= {d["code"] for d in json.loads(outs[0][1])["diagnostics"]}


@pytest.mark.skipif(not (BENCH / "gen_events.py").exists(), reason="needs ../shared/bench")
def test_grouped_at_first_but_not_later_falls_back_to_lead_partitions(tmp_path, capsys, monkeypatch):
    path = grouped_events(tmp_path)
    lines = path.read_text().splitlines()
    lines.append(lines[0].replace('"id":"', '"id":"again-'))        # the first lead comes back at the end
    path.write_text("\n".join(lines) + "\n")
    assert parallel.byte_ranges(str(path), 2) is not None
    used = []
    real = parallel._run
    monkeypatch.setattr(parallel, "_run", lambda *a, **k: used.append(k.get("spans")) or real(*a, **k))
    spec = str(BENCH / "bench.sla")
    outs = [run(capsys, "check", spec, str(path), "--as-of", "2027-06-01T00:00:00Z", "--format", "jsonl",
                "--jobs", j) for j in ("1", "2")]
    assert outs[0] == outs[1]
    assert [s is not None for s in used] == [True, False]   # tried the ranges, then partitions


LEADS = st.sampled_from(["L1", "L2", "L3", "L10", "Lé", "L\"q", "Z9"])
TIMES = st.integers(0, 40).map(lambda h: f"2026-11-{9 + h // 10:02d}T{9 + h % 10:02d}:{h % 7 * 5:02d}:00-03:00")


@st.composite
def event_lines(draw):
    kind = draw(st.sampled_from(["state", "assigned", "contact_attempt", "note", "bad", "late", "noid"]))
    lead, at = draw(LEADS), draw(TIMES)
    eid = draw(st.sampled_from(["e1", "e2", "e3"])) if draw(st.booleans()) else draw(st.uuids()).hex
    ev = {"lead": lead, "at": at, "type": kind, "id": eid}
    if kind == "state":
        ev.update(state=draw(st.sampled_from(["mql", "sal", "sql", "nurture", "limbo"])),
                  fields={"score": draw(st.integers(0, 100)), "country": "BR", "email": "a@b.c",
                          "company": "X", "source": "web", "phone": "1", "employees": 300})
    elif kind == "assigned":
        ev.update(owner=draw(st.sampled_from(["rep-1", "rep-2"])), desk="br")
    elif kind == "contact_attempt":
        ev.update(channel=draw(st.sampled_from(["phone", "email"])))
    elif kind == "bad":
        return draw(st.sampled_from(["{oops", "", "[]", json.dumps({"lead": lead, "at": "later", "type": "x"})]))
    elif kind == "late":
        ev.update(type="note", at="2027-01-01T00:00:00Z")
    elif kind == "noid":
        ev.pop("id")
        ev["type"] = "contact_attempt"
    return json.dumps(ev, ensure_ascii=draw(st.booleans()))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=st.lists(st.lists(event_lines(), max_size=30), min_size=1, max_size=2), sort=st.booleans())
def test_any_input_gives_the_serial_output(tmp_path_factory, capsys, files, sort):
    folder = tmp_path_factory.mktemp("prop")
    paths = []
    for i, lines in enumerate(files):
        if sort:
            lines = sorted(lines)                       # often grouped by lead: byte ranges
        path = folder / f"e{i}.jsonl"
        path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        paths.append(str(path))
    outs = [run(capsys, "check", str(SPEC), *paths, "--as-of", AS_OF, "--format", "json", "--jobs", j)
            for j in ("1", "2", "3")]
    assert outs[1] == outs[0]
    assert outs[2] == outs[0]


# -- regressions found in review (notes/review-parallel.md) ------------------------------------

def test_a_lead_key_written_with_an_escape_stays_in_its_partition(tmp_path, capsys):
    path = tmp_path / "e.jsonl"
    path.write_text(
        '{"lead": "X", "at": "2026-11-10T10:00:00Z", "type": "state", "state": "mql"}\n'
        '{"l\\u0065ad": "X", "at": "2026-11-10T11:00:00Z", "type": "assigned", "owner": "rep-1", '
        '"meta": {"lead": "L1"}}\n'
        '{"lead": "L1", "at": "2026-11-10T10:00:00Z", "type": "state", "state": "mql"}\n')
    outs = [run(capsys, "check", str(SPEC), str(path), "--as-of", AS_OF, "--format", "jsonl", "--jobs", j)
            for j in ("1", "2", "3")]
    assert outs[0] == outs[1] == outs[2]
    assert sum('"lead":"X","rule":"mql_routing","clause":"within"' in line
               for line in outs[0][1].splitlines()) == 1


def test_notes_of_a_discarded_fold_are_not_reported(tmp_path, capsys):
    # L2's first fold (score "90" compared with 80) is thrown away when its events turn out
    # to be out of order; the replayed fold, where the score is 10 by then, compares nothing.
    path = tmp_path / "e.jsonl"
    path.write_text(
        '{"lead": "L2", "at": "2026-11-10T10:00:00Z", "type": "update", "fields": {"score": "90", "phone": "1"}}\n'
        '{"lead": "L2", "at": "2026-11-10T12:00:00Z", "type": "assigned", "owner": "rep-1"}\n'
        '{"lead": "L-A", "at": "2026-11-10T09:00:00Z", "type": "note"}\n'
        '{"lead": "L2", "at": "2026-11-10T11:00:00Z", "type": "update", "fields": {"score": 10}}\n')
    outs = [run(capsys, "check", str(SPEC), str(path), "--as-of", AS_OF, "--format", "jsonl", "--jobs", j)
            for j in ("1", "2")]
    assert outs[0] == outs[1]
    assert "SLA602" not in outs[0][1]
    events = [json.loads(line) for line in path.read_text().splitlines()]
    agreement = slacode.load(SPEC)
    assert not [d for d in agreement.evaluate(events, as_of=AS_OF).diagnostics if d.code == "SLA602"]
    assert agreement.evaluate_many(events, as_of=AS_OF, jobs=2).to_dict() == \
        agreement.evaluate(events, as_of=AS_OF).to_dict()


def test_an_empty_input_and_a_json_array_are_said_once_with_any_number_of_processes(tmp_path, capsys):
    events = tmp_path / "e.jsonl"
    events.write_text("".join(json.dumps({"lead": f"L{i}", "at": f"2026-11-10T1{i}:00:00Z", "type": "state",
                                          "state": "mql"}) + "\n" for i in range(8)))
    (tmp_path / "empty.jsonl").write_text("")
    (tmp_path / "array.json").write_text("[\n" + events.read_text().replace("\n", ",\n").rstrip(",\n") + "\n]\n")
    paths = [str(events), str(tmp_path / "empty.jsonl"), str(tmp_path / "array.json")]
    outs = [run(capsys, "check", str(SPEC), *paths, "--as-of", AS_OF, "--format", "jsonl", "--jobs", j)
            for j in ("1", "2", "3")]
    assert outs[0] == outs[1] == outs[2]
    said = [(d["code"], d["file"], d["line"]) for d in map(json.loads, outs[0][1].splitlines())
            if d["record"] == "diagnostic" and d["code"] in ("SLA514", "SLA515")]
    assert said == [("SLA515", paths[1], 1), ("SLA514", paths[2], 1)]


def test_the_lead_a_type_mismatch_names_is_the_same_with_any_number_of_processes(tmp_path, capsys):
    lines = [json.dumps({"lead": f"L{i:02d}", "at": f"2026-11-10T1{i % 10}:00:00Z", "type": "state", "state": "mql",
                         "fields": {"score": str(60 + i)}}) for i in range(40, 0, -3)]
    path = tmp_path / "e.jsonl"
    path.write_text("\n".join(lines) + "\n")
    outs = [run(capsys, "check", str(SPEC), str(path), "--as-of", AS_OF, "--format", "jsonl", "--jobs", j)
            for j in ("1", "2", "3")]
    assert outs[0] == outs[1] == outs[2]
    notes = [json.loads(line)["message"] for line in outs[0][1].splitlines() if '"SLA602"' in line]
    assert [n for n in notes if "(lead 'L01' has \"61\"; 14 leads in all)" in n] == notes != []


@pytest.mark.skipif(not hasattr(__import__("os"), "mkfifo"), reason="needs named pipes")
def test_a_named_pipe_among_the_sources_is_read_once_and_completely(tmp_path, capsys):
    import os
    import threading

    a, b = messy_events(tmp_path)
    fifo = tmp_path / "pipe.jsonl"
    os.mkfifo(fifo)
    want = run(capsys, "check", str(SPEC), str(a), str(b), "--as-of", AS_OF, "--format", "json", "--jobs", "1")
    for jobs in ("1", "2"):
        writer = threading.Thread(target=lambda: fifo.write_bytes(b.read_bytes()))
        writer.start()
        code, out = run(capsys, "check", str(SPEC), str(a), str(fifo), "--as-of", AS_OF, "--format", "json",
                        "--jobs", jobs)
        writer.join()
        assert code == want[0]
        assert out == want[1].replace(str(b), str(fifo))


def _in_a_daemon(queue):
    agreement = slacode.load(SPEC)
    events = [json.loads(line) for line in (ROOT / "specs" / "events.jsonl").read_text().splitlines()
              if line.startswith("{") and line.endswith("}")]
    queue.put(len(agreement.evaluate_many(events, as_of=AS_OF, jobs=2).verdicts))


@pytest.mark.parametrize("jobs, error", [("2", TypeError), (2.5, TypeError), (True, TypeError),
                                         (-1, ValueError)])
def test_evaluate_many_refuses_a_jobs_that_is_no_process_count(jobs, error):
    agreement = slacode.load(SPEC)
    with pytest.raises(error, match="jobs must be a whole number"):
        agreement.evaluate_many([], as_of=AS_OF, jobs=jobs)
    for fine in (None, 0, 1):
        assert agreement.evaluate_many([], as_of=AS_OF, jobs=fine).verdicts == []


def test_evaluate_many_inside_a_daemonic_process_runs_in_it():
    import multiprocessing

    ctx = multiprocessing.get_context("fork")
    queue = ctx.Queue()
    p = ctx.Process(target=_in_a_daemon, args=(queue,), daemon=True)
    p.start()
    p.join(120)
    assert p.exitcode == 0
    assert queue.get(timeout=5) > 100


def test_a_worker_failure_is_raised_with_its_traceback(tmp_path, monkeypatch):
    from slacode import stream

    files = [str(p) for p in messy_events(tmp_path)]

    def broken(*args, **kwargs):
        raise ZeroDivisionError("in the worker")

    monkeypatch.setattr(parallel, "run_stream", broken)
    plan = slacode.load(SPEC).plan
    with pytest.raises(parallel.WorkerError, match="ZeroDivisionError: in the worker") as raised:
        parallel.run_parallel(plan, parallel.parallel_sources(files, None, 2), as_of_us(AS_OF), [], 2,
                              names=files)
    assert stream.run_stream is not broken
    assert isinstance(raised.value, RuntimeError) and "Traceback" in raised.value.worker_traceback
    assert "\n" not in str(raised.value)


def test_a_worker_failure_on_the_command_line_is_one_line(tmp_path, monkeypatch, capsys):
    """docs/cli.md: an internal error is one line on standard error (the traceback, the
    worker's included, only with SLACODE_TRACEBACK=1), exit status 2."""
    files = [str(p) for p in messy_events(tmp_path)]

    def broken(*args, **kwargs):
        raise ZeroDivisionError("in the worker")

    monkeypatch.setattr(parallel, "run_stream", broken)
    monkeypatch.delenv("SLACODE_TRACEBACK", raising=False)
    assert main(["check", str(SPEC), *files, "--as-of", AS_OF, "--jobs", "2"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("slacode: internal error: WorkerError: evaluation worker ")
    assert "ZeroDivisionError: in the worker" in err and "Traceback" not in err
    monkeypatch.setenv("SLACODE_TRACEBACK", "1")
    assert main(["check", str(SPEC), *files, "--as-of", AS_OF, "--jobs", "2"]) == 2
    assert "in the worker:\nTraceback" in capsys.readouterr().err


def test_a_deadline_past_the_covered_years_is_the_same_error_in_parallel(tmp_path, capsys):
    spec = tmp_path / "far.sla"
    spec.write_text('agreement "far" { timezone "UTC"; teams sales }\n'
                    'deadline first_touch { owner sales; start on assigned; stop on call; within 9999d }\n',
                    encoding="utf-8")
    events = tmp_path / "far.jsonl"
    lines = [f'{{"lead": "L-{i:03d}", "at": "2026-06-01T10:00:00Z", "type": "assigned"}}' for i in range(50)]
    events.write_text("\n".join([*lines, '{"lead": "L-999", "at": "9989-06-01T10:00:00Z", "type": "assigned"}'])
                      + "\n", encoding="utf-8")
    for jobs in ("1", "2"):
        code = main(["check", str(spec), str(events), "--as-of", "9989-12-01T00:00:00Z", "--jobs", jobs])
        err = capsys.readouterr().err
        assert code == 2 and "slacode: lead 'L-999', rule `first_touch`, cycle 1" in err, (jobs, err)
        assert "internal error" not in err


_keys = st.sampled_from(["lead", "at", "type", "id", "fields", "x"])
_values = st.text(max_size=6) | st.integers() | st.none() | st.dictionaries(st.sampled_from(["lead", "a"]), st.text(max_size=3))


@settings(max_examples=300, deadline=None)
@given(st.dictionaries(_keys, _values, max_size=5), st.sampled_from([None, 0, 1, 2]),
       st.booleans(), st.integers(1, 4))
@example({"at": {"lead": "0"}}, None, False, 3)      # the one "lead" is not the event's
def test_each_line_belongs_to_the_partition_of_its_parsed_lead(obj, indent, ascii_only, n):
    """Whatever the spacing, escapes or nesting, a line is kept by exactly one partition,
    the one of its lead as a JSON parser reads it (so a lead's lines meet in one worker). A
    line without a usable lead is kept by one partition too, whichever: that worker reports it."""
    from slacode.partition import owned_lines

    text = json.dumps(obj, ensure_ascii=ascii_only, separators=(",", ":") if indent is None else (", ", ": "))
    raw = text.encode("utf-8") + b"\n"
    lead = obj.get("lead")
    owners = [k for k in range(n) if list(owned_lines([raw], k, n))]
    assert len(owners) == 1, (text, owners)
    if isinstance(lead, str):
        assert owners == [partition_of(lead, n)], (text, owners)


def test_a_process_with_other_threads_evaluates_in_itself(tmp_path, monkeypatch):
    """review 13-b: forking a process with threads (a web server's) can hang the children
    on a lock another thread held; workers started otherwise would run the caller's main
    module again. So there, evaluate_many works in its own process, with the same result."""
    import threading

    files = [str(p) for p in messy_events(tmp_path)]
    agreement = slacode.load(SPEC)
    want = agreement.evaluate_many(files, as_of=AS_OF, jobs=1).to_dict()
    assert parallel.can_fork()
    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        assert not parallel.can_fork()

        def no_workers(*args, **kwargs):
            raise AssertionError("workers were forked beside another thread")
        monkeypatch.setattr(parallel, "_run", no_workers)
        with pytest.warns(RuntimeWarning, match=r"jobs=2\) evaluates in this one process: this process has "
                                                r"other threads"):
            assert agreement.evaluate_many(files, as_of=AS_OF, jobs=2).to_dict() == want
        events = [json.loads(x) for x in (ROOT / "specs" / "events.jsonl").read_text().splitlines()[:300]
                  if x.startswith("{") and '"at": "2026-10-17T23:46:51"' not in x]
        with pytest.warns(RuntimeWarning, match="other threads"):
            assert agreement.evaluate_many(events, as_of=AS_OF, jobs=2).to_dict() == \
                agreement.evaluate(events, as_of=AS_OF).to_dict()
    finally:
        stop.set()
        other.join()


def test_the_librarys_stream_keeps_outcomes_in_memory_with_the_output_of_the_spool(tmp_path, monkeypatch):
    """evaluate_many in one process keeps every verdict in its Result, so the outcomes on
    their way are kept in lists, not pickled to a spool file (a third faster, and no more
    memory): the result is the spooled run's, for grouped and interleaved input."""
    from slacode import stream

    files = [str(p) for p in messy_events(tmp_path)]
    agreement = slacode.load(SPEC)
    kept = agreement.evaluate_many(files, as_of=AS_OF, jobs=1).to_dict()
    spooled_runs = []
    original = stream.run_stream

    def spooled(*args, in_memory=False, **kwargs):
        spooled_runs.append(in_memory)
        return original(*args, **kwargs)
    monkeypatch.setattr(stream, "run_stream", spooled)
    assert agreement.evaluate_many(files, as_of=AS_OF, jobs=1).to_dict() == kept
    assert spooled_runs == [True]
    assert isinstance(stream.OutcomeList(), list) and len(kept["verdicts"]) > 100
