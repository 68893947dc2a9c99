"""Evaluation across processes, partitioned by lead, with the output of one process.

Every worker reads every source but keeps only the lines of its leads (a lead's partition
is a CRC-32 of its id, :func:`slacode.partition.partition_of`), and folds them exactly as the
serial path does (:mod:`slacode.stream`: both passes, spool, replay). It leaves in a
temporary directory its lead outcomes, in lead order (a :class:`~slacode.stream.Spool`;
with grouped input, the very spool of its pass), and what the merge needs: its line
diagnostics, its counts of events after ``as_of`` and the hash of every id it used, in
a file (:class:`~slacode.ids.SpilledIds`: a worker's memory does not grow with its ids).

The parent merges the outcomes by lead id (byte ranges of a grouped file only follow each
other), adds the aggregates and the leads' notes, and puts the diagnostics back in input
order, so the output is byte for byte the serial one. For ``check`` an outcome carries its
verdicts already written as JSON Lines, so the parent only copies bytes. Two things
only one process can judge fall back to the serial path: an id hash found twice in those
files (the same event id under leads of different partitions, §13: duplicate ids are judged
across all inputs, the first wins; or an id a worker saw again after its window) and
inputs that are not JSON Lines files (CSV, standard input). Workers are forked: they share
the loaded agreement and its compiled plan; where ``fork`` is missing, evaluation is serial.
"""
from __future__ import annotations

import bisect
import heapq
import itertools
import multiprocessing
import os
import pickle
import shutil
import stat
import tempfile
import threading
import weakref
from typing import Any, Iterator

from slacode.aggregate import Aggregates
from slacode.calendar import CalendarError
from slacode.evaluate import RunNotes, note_diagnostics
from slacode.events import EventInputError, after_as_of_diagnostic, iter_partition, iter_range, resolve_sources
from slacode.ids import SpilledIds, any_repeated
from slacode.partition import line_lead, partition_of
from slacode.stream import Spool, run_stream, wants_timeline

#: Inputs smaller than this are evaluated in one process: starting workers costs more.
MIN_PARALLEL_BYTES = 4 << 20
#: … and so are fewer records than this when they are already in memory.
MIN_PARALLEL_RECORDS = 20_000


def can_fork() -> bool:
    """Whether workers can be started here: ``fork`` exists, this process may have children
    (a ``multiprocessing`` pool's workers, being daemons, may not), and it has no other
    thread: a forked child gets only the thread that forked, and a lock another thread
    held at that moment (the import lock, a logging handler's) stays locked in it for ever
    (Python 3.12 warns of it). Workers started any other way would run the caller's main
    module again, which a script without ``if __name__ == "__main__"`` does not survive;
    so a process with threads evaluates in itself."""
    return ("fork" in multiprocessing.get_all_start_methods() and not multiprocessing.current_process().daemon
            and threading.active_count() == 1)


def serial_reason() -> str | None:
    """Why workers cannot be started here (see :func:`can_fork`), or None when they can."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return "this platform cannot fork processes"
    if multiprocessing.current_process().daemon:
        return "this process is a daemonic worker (of a multiprocessing pool), which may not have children"
    if threading.active_count() != 1:
        names = ", ".join(sorted(t.name for t in threading.enumerate() if t is not threading.current_thread()))
        return (f"this process has other threads ({names}): workers are forked, and a forked child could "
                "inherit a lock held by another thread")
    return None


def _warn_serial(jobs: int, reason: str, stacklevel: int = 4, call: str = "evaluate_many") -> None:
    """The warning of an ``evaluate_many(jobs=N)`` (or ``call``) that runs in one process
    after all; ``stacklevel`` points at the caller's line."""
    import warnings

    warnings.warn(f"{call}(jobs={jobs}) evaluates in this one process: {reason}. The result is the "
                  "same; to use several processes, run the evaluation as a process of its own with no other "
                  "thread (a scheduled `slacode check --jobs N`, or a script calling evaluate_many before it "
                  "starts any thread), or pass jobs=1 to say one process is meant",
                  RuntimeWarning, stacklevel=stacklevel)


def max_jobs(jobs: int) -> int:
    """``jobs`` bounded by four processes per core (more only adds reading and memory)."""
    return max(1, min(jobs, 4 * available_cores()))


def available_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def parallel_sources(sources, input_format: str | None, jobs: int, min_bytes: int | None = None, csv=None,
                     forking: bool = True):
    """The resolved sources when evaluating them in ``jobs`` processes is possible and worth
    it, else None (serial): JSON Lines files only, ``fork`` available, enough bytes (CSV,
    with its options ``csv`` or without, is read in one process). ``forking=False``: whether
    they would be, leaving out whether this process can fork."""
    if jobs <= 1 or (forking and not can_fork()):
        return None
    if not all(isinstance(s, (str, os.PathLike)) and os.fspath(s) != "-" for s in sources):
        return None
    resolved = resolve_sources(list(sources), input_format, csv)
    if any(s.fmt != "jsonl" or s.path is None for s in resolved):
        return None
    try:
        stats = [os.stat(s.path) for s in resolved]
    except OSError:
        return None
    if not all(stat.S_ISREG(st.st_mode) for st in stats):   # a pipe cannot be read by every worker
        return None
    size = sum(st.st_size for st in stats)
    if size < (MIN_PARALLEL_BYTES if min_bytes is None else min_bytes):
        return None
    if any(_json_document(s.path) for s in resolved):    # one JSON document: said once (SLA514), not in parts
        return None
    return resolved


def _json_document(path: str) -> bool:
    """Whether a JSON Lines file starts as one JSON document does (a `[`, or a line that is
    a lone `{`): the reader says so once, at its start, which a split file would not."""
    try:
        with open(path, "rb") as f:
            head = f.read(4096)
    except OSError:
        return False
    head = head.lstrip(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
    return head[:1] == b"[" or head.split(b"\n", 1)[0].strip(b" \t\r") == b"{"


class ParallelRun:
    """The merged result of the workers, read like a :class:`~slacode.stream.StreamEvaluation`:
    :meth:`outcomes` in lead order, then ``agg`` and :meth:`closing_diagnostics`."""

    def __init__(self, plan, as_of: int, workdir: str, metas: list[dict], ranges: bool = False,
                 sources: list[str] | None = None, timeline: bool = False):
        self.agg = Aggregates(plan, as_of, timeline=timeline)
        self.sources = sources              # the names of the input files, in order
        self.workdir = workdir
        self.metas = metas
        self.ranges = ranges                # byte ranges: the workers' leads follow each other
        self.notes = RunNotes()             # of the outcomes given so far
        # removed after the merge, or when the run is dropped unread (an error before output)
        self._cleanup = weakref.finalize(self, shutil.rmtree, workdir, True)

    def outcomes(self) -> Iterator:
        spools = [Spool.open(os.path.join(self.workdir, f"outcomes-{k}"), m["count"])
                  for k, m in enumerate(self.metas)]
        # Byte ranges hold ascending, disjoint leads (checked): their outcomes only follow
        # each other. Partitions by hash interleave and are merged by lead.
        merged = itertools.chain(*spools) if self.ranges else heapq.merge(*spools, key=lambda o: o.lead)
        add, notes = self.agg.add_contribution, self.notes
        try:
            for outcome in merged:
                add(outcome.contribution)
                notes.take(outcome.lead, outcome.notes)     # (every lead: RunNotes counts them, SLA614)
                yield outcome
        finally:
            for spool in spools:
                spool.close()
            self.close()

    def closing_diagnostics(self) -> list:
        return note_diagnostics(self.notes, self.sources, self.agg.plan) + self.agg.span_diagnostics(self.sources)

    def close(self) -> None:
        self._cleanup()


def run_parallel(plan, sources, as_of: int, diagnostics: list, jobs: int, *, names: list[str],
                 input_format: str | None = None, default_tz=None, serialize=None,
                 group_by: str | None = None, fold_hook=None, timestamp_formats=(),
                 type_map=None) -> ParallelRun | None:
    """Evaluate ``sources`` (resolved by :func:`parallel_sources`) in ``jobs`` processes
    (``group_by``, ``fold_hook``: as :func:`~slacode.stream.run_stream` takes them; the hook
    runs in the workers, which inherit it, and what it returns is spooled back; ``type_map``:
    as :func:`slacode.events.iter_records` takes it, its unseen types said once for all).

    Appends the reading diagnostics to ``diagnostics`` in input order and returns the run, or
    None when the input needs the serial path (an id used under leads of two partitions).
    Raises :class:`EventInputError` if a worker could not read its input. ``timestamp_formats``
    and ``type_map``: as :func:`slacode.read_events` takes them."""
    files = ([s.path for s in sources], input_format, default_tz, timestamp_formats, type_map)
    if len(sources) == 1 and not sources[0].gzip and sources[0].encoding is None:
        spans = byte_ranges(sources[0].path, jobs)
        if spans is not None:                   # looks grouped by ascending lead: split the file
            run = _run(plan, as_of, diagnostics, len(spans), names, serialize, files=files, spans=spans,
                       group_by=group_by, fold_hook=fold_hook)
            if run is not _NOT_GROUPED:
                return run
    return _run(plan, as_of, diagnostics, jobs, names, serialize, files=files, group_by=group_by, fold_hook=fold_hook)


_NOT_GROUPED = object()
_PROBE_LINES = 2_000


class _NotGrouped(Exception):
    """A byte range's leads are not grouped in ascending order."""


def byte_ranges(path: str, n: int) -> list[tuple[int, int, int]] | None:
    """``n`` (or fewer) byte ranges of a JSON Lines file that split it between leads, as
    ``(start, end, number of the first line)``; None when its first lines are not grouped by
    ascending lead (time-ordered input: the partitions by lead hash are used instead)."""
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        prev = None
        for _, raw in zip(range(_PROBE_LINES), f):
            lead = line_lead(raw)
            if lead is None:
                continue
            if prev is not None and lead != prev and lead < prev:
                return None
            prev = lead
        cuts = [0]
        for k in range(1, n):
            f.seek(max(size * k // n, cuts[-1]))
            f.readline()                        # to the next line start
            cut = _lead_change(f)
            if cut is not None and cut > cuts[-1] and cut < size:
                cuts.append(cut)
        cuts.append(size)
        f.seek(0)
        lines, pos, starts = 1, 0, []
        for cut in cuts[:-1]:                   # the line number at each cut
            while pos < cut:
                chunk = f.read(min(1 << 22, cut - pos))
                if not chunk:                   # the file shrank meanwhile
                    return None
                lines += chunk.count(b"\n")
                pos += len(chunk)
            starts.append(lines)
    return [(cuts[i], cuts[i + 1], starts[i]) for i in range(len(cuts) - 1)]


def _lead_change(f, limit: int = 100_000) -> int | None:
    """The offset of the first line, from the file's position on, whose lead differs from
    the line before it (None if none within ``limit`` lines)."""
    prev = None
    pos = f.tell()
    for _ in range(limit):
        raw = f.readline()
        if not raw:
            return None
        lead = line_lead(raw)
        if lead is not None:
            if prev is not None and lead != prev:
                return pos
            prev = lead
        pos += len(raw)
    return None


def run_records_parallel(plan, records: list, as_of: int, jobs: int, sources=None,
                         group_by: str | None = None) -> ParallelRun:
    """Evaluate records already read (ids judged, as_of applied) in ``jobs`` processes."""
    parts: list[list] = [[] for _ in range(jobs)]
    for r in records:
        parts[partition_of(r.lead, jobs)].append(r)
    run = _run(plan, as_of, [], jobs, sources, None, parts=parts, group_by=group_by)
    assert run is not None                      # no ids to judge: never falls back
    return run


def _run(plan, as_of, diagnostics, jobs, names, serialize, files=None, parts=None, spans=None, group_by=None,
         fold_hook=None):
    workdir = tempfile.mkdtemp(prefix="slacode-jobs-")
    ctx = multiprocessing.get_context("fork")
    job = (plan, files, parts, spans, as_of, names, serialize, workdir, jobs, group_by, fold_hook)
    procs = [ctx.Process(target=_worker, args=(k, job), daemon=True) for k in range(jobs)]
    run = None
    try:
        for p in procs:
            p.start()
        for p in procs:
            p.join()
        metas = [_meta(workdir, k, p.exitcode) for k, p in enumerate(procs)]
        if spans is not None and not _ranges_disjoint(metas):
            return _NOT_GROUPED
        if any_repeated([m["ids"] for m in metas if m["ids"] is not None]):
            return None
        if files is not None:
            diagnostics.extend(_merged_diagnostics(metas, names, as_of, plan.zone))
            if files[4] is not None:            # `--type-map`: the types no partition saw
                diagnostics.extend(_unseen_types(files[4], metas))
        run = ParallelRun(plan, as_of, workdir, metas, ranges=spans is not None, sources=names,
                          timeline=wants_timeline(fold_hook))  # owns the directory from here
        return run
    finally:
        for p in procs:
            if p.is_alive():
                p.terminate()
        if run is None:
            shutil.rmtree(workdir, ignore_errors=True)


def _meta(workdir: str, k: int, exitcode: int | None) -> dict:
    path = os.path.join(workdir, f"meta-{k}")
    try:
        with open(path, "rb") as f:
            meta = pickle.load(f)
    except (OSError, EOFError, pickle.UnpicklingError):
        raise RuntimeError(f"evaluation worker {k} stopped (exit code {exitcode}) without a result") from None
    if "error" in meta:
        raise EventInputError(meta["error"])
    if "calendar" in meta:
        raise CalendarError(meta["calendar"])
    if "crash" in meta:
        raise WorkerError(k, meta["crash"])
    return meta


class WorkerError(RuntimeError):
    """An evaluation worker failed: the message is its last line (the exception), the
    worker's whole traceback is ``worker_traceback``."""

    def __init__(self, k: int, worker_traceback: str):
        lines = worker_traceback.strip().splitlines()
        super().__init__(f"evaluation worker {k} failed: {lines[-1] if lines else 'no traceback'}")
        self.worker_traceback = worker_traceback


def _ranges_disjoint(metas: list[dict]) -> bool:
    """Whether every byte range held its leads in ascending order, each range's after the
    previous one's: then no lead is in two ranges."""
    last = None
    for meta in metas:
        if meta.get("not_grouped"):
            return False
        first, final = meta["leads"]
        if first is None:
            continue
        if last is not None and not first > last:
            return False
        last = final
    return True


def _merged_diagnostics(metas: list[dict], names: list[str], as_of: int, zone=None) -> list:
    """Reading diagnostics as one process writes them: each source's in line order, then its
    count of events after ``as_of``."""
    per_source: list[list] = [[] for _ in names]
    for meta in metas:
        for index, diag in meta["diagnostics"]:
            per_source[index].append(diag)
    out = []
    for index, diags in enumerate(per_source):
        diags.sort(key=lambda d: d.span.line if d.span is not None else 0)
        out.extend(diags)
        late = [meta["late"][index] for meta in metas if meta["late"].get(index, (0, 0))[0]]
        if late:
            out.append(after_as_of_diagnostic(sum(c for c, _ in late), min(f for _, f in late),
                                              names[index], as_of, zone=zone))
    return out


def _unseen_types(type_map, metas: list[dict]) -> list:
    """SLA522 for each type of ``type_map`` that no worker's events had (their counts added
    up), as one process says it at the end of its read."""
    from slacode.events import type_map_pairs_of
    from slacode.typemap import add_state, unseen_diagnostics

    state: tuple = ({}, {})
    for meta in metas:
        if meta.get("types") is not None:
            state = add_state(state, meta["types"])
    return unseen_diagnostics(type_map_pairs_of(type_map), *state)


def _ascending(records, leads: list) -> Iterator:
    """``records``, checking that their leads are grouped in ascending order; ``leads``
    ends up holding the first and the last lead."""
    prev = None
    for rec in records:
        lead = rec.lead
        if lead != prev:
            if prev is None:
                leads[0] = lead
            elif lead < prev:
                raise _NotGrouped
            prev = leads[1] = lead
        yield rec


def _worker(k: int, job: tuple) -> None:
    plan, files, parts, spans, as_of, names, serialize, workdir, n, group_by, fold_hook = job
    meta: dict
    leads: list = [None, None]
    try:
        first: dict = {}

        def read(diags: list):
            if files is None:
                return iter(parts[k])
            paths, input_format, default_tz, formats, type_map = files
            # the first read's ids go to a file the parent compares with the other workers'
            ids = SpilledIds(os.path.join(workdir, f"ids-{k}") if "reader" not in first else None)
            if spans is not None:
                start, end, line = spans[k]
                reader, records = iter_range(paths[0], start, end, line, input_format=input_format,
                                             default_tz=default_tz, diagnostics=diags, as_of_us=as_of, ids=ids,
                                             as_of_zone=plan.zone, timestamp_formats=formats, type_map=type_map)
                first.setdefault("reader", reader)
                return _ascending(records, leads)
            reader, records = iter_partition(paths, k, n, input_format=input_format,
                                             default_tz=default_tz, diagnostics=diags, as_of_us=as_of, ids=ids,
                                             as_of_zone=plan.zone, timestamp_formats=formats, type_map=type_map)
            first.setdefault("reader", reader)
            return records

        diagnostics: list = []
        run = run_stream(plan, read, as_of, diagnostics, sources=names, serialize=serialize,
                         spool_path=os.path.join(workdir, f"spool-{k}"), group_by=group_by, fold_hook=fold_hook)
        count = run.save(os.path.join(workdir, f"outcomes-{k}"))
        meta = {"count": count, "late": {}, "ids": None, "diagnostics": [], "leads": tuple(leads)}
        reader = first.get("reader")
        if reader is not None:
            marks = reader.marks
            meta.update(late=reader.late, ids=(reader.seen.path, reader.seen.spilled()),
                        types=reader.types.state() if reader.types is not None else None,
                        diagnostics=[(bisect.bisect_right(marks, i) - 1, d) for i, d in enumerate(diagnostics)])
    except EventInputError as e:
        meta = {"error": str(e)}
    except CalendarError as e:                  # a deadline past the years covered: the parent raises it
        meta = {"calendar": str(e)}
    except _NotGrouped:
        meta = {"not_grouped": True}
    except KeyboardInterrupt:                   # the parent reports the interruption
        return
    except Exception:  # noqa: BLE001 - handed to the parent, which raises it with this traceback
        import traceback

        meta = {"crash": traceback.format_exc()}
    with open(os.path.join(workdir, f"meta-{k}"), "wb") as f:
        pickle.dump(meta, f, protocol=pickle.HIGHEST_PROTOCOL)


def checked_jobs(jobs) -> tuple[int | None, int, str | None]:
    """The ``jobs`` argument of the library's many-lead calls: ``(asked, jobs, reason)``, the
    number given (None: not given), the processes to use (0 or None: one per core, at most
    :func:`max_jobs`), and why several cannot be had here when they were asked for (else
    None). A ``jobs`` that is no whole number of 0 or more raises ValueError / TypeError."""
    if jobs is not None and (jobs.__class__ is not int or jobs < 0):
        raise (ValueError if isinstance(jobs, int) and not isinstance(jobs, bool) else TypeError)(
            f"jobs must be a whole number of processes, 1 or more (0 or None: one per core), not {jobs!r}")
    asked = jobs                        # an explicit number of processes, warned of if it cannot be had
    jobs = max_jobs(jobs or available_cores())
    return asked, jobs, serial_reason() if asked is not None and jobs > 1 else None


def run_files(plan, events: list, cutoff: int, jobs: int, *, asked: int | None = None, reason: str | None = None,
              default_tz=None, input_format: str | None = None, csv_delimiter: str | None = None,
              csv_columns: Any = None, group_by: str | None = None, serialize=None, in_memory: bool = False,
              call: str = "evaluate_many", timestamp_formats: Any = None, type_map: Any = None):
    """Both passes over event files (paths, folders) in ``jobs`` processes when that is
    possible and worth it, else in this one: ``(run, diagnostics)``, the run's outcomes
    still to be read (:func:`slacode.stream.result_of`, or lead by lead). ``serialize`` and
    ``in_memory`` as :func:`~slacode.stream.run_stream` takes them (in_memory: serial only;
    the workers always spool). ``asked``/``reason`` (:func:`checked_jobs`): warn once when
    processes were asked for, the files are worth splitting and this process cannot fork
    (naming ``call``, the method whose caller the warning points at). ``type_map``: as
    :func:`slacode.events.iter_records` takes it."""
    from slacode import stream       # (looked up at the call: tests replace stream.run_stream)
    from slacode.events import csv_options_of, iter_records

    csv = csv_options_of(csv_delimiter, csv_columns)
    names = [s.name for s in resolve_sources(events, input_format, csv)]
    resolved = parallel_sources(events, input_format, jobs, csv=csv)
    if reason is not None and parallel_sources(events, input_format, jobs, csv=csv, forking=False):
        _warn_serial(asked, reason, 5, call)    # files worth splitting, in a process that cannot fork
    diagnostics: list = []
    if resolved is not None:
        run = run_parallel(plan, resolved, cutoff, diagnostics, jobs, names=names, input_format=input_format,
                           default_tz=default_tz, serialize=serialize, group_by=group_by,
                           timestamp_formats=timestamp_formats, type_map=type_map)
        if run is not None:
            return run, diagnostics
        diagnostics = []

    def read(diags, ids=None):
        return iter_records(events, input_format=input_format, default_tz=default_tz, diagnostics=diags,
                            as_of_us=cutoff, ids=ids, as_of_zone=plan.zone, csv_delimiter=csv_delimiter,
                            csv_columns=csv_columns, timestamp_formats=timestamp_formats, type_map=type_map)
    return stream.run_stream(plan, read, cutoff, diagnostics, sources=names, serialize=serialize,
                             rereadable=True, in_memory=in_memory, group_by=group_by), diagnostics


def evaluate_many(agreement, events, *, as_of, jobs: int | None = None, default_tz=None,
                  input_format: str | None = None, group_by: str | None = None,
                  csv_delimiter: str | None = None, csv_columns: Any = None, timestamp_formats: Any = None,
                  type_map: Any = None):
    """The :class:`~slacode.evaluate.Result` of many leads' events, in ``jobs`` processes
    (default: every core), identical to one process's.

    ``events``: event files (paths; ``input_format`` as in :func:`slacode.read_events`), an
    iterable of event dicts / :class:`slacode.Event` / records (validated here, then split
    by lead), or the ``EventBatch`` of :func:`slacode.read_events` (its reading diagnostics
    kept, as :func:`slacode.evaluate.evaluate` keeps them); ``group_by`` as
    :func:`slacode.evaluate.evaluate` takes it; ``csv_delimiter`` and ``csv_columns``: how
    CSV files are read, as :func:`slacode.read_events` takes them (CSV files are read in
    one process; the evaluation too, as splitting them among processes is not done);
    ``timestamp_formats``: how timestamps that are not RFC 3339 are read, as
    :func:`slacode.read_events` takes them (event files and dicts). ``type_map``: the event
    types of another system, read as :func:`slacode.read_events` reads them (event files,
    and the dicts and :class:`slacode.Event` objects in memory, as
    :func:`slacode.evaluate.evaluate` reads them: records were read already and are taken
    as they are).

    An explicit ``jobs`` other than 1 that cannot be had (this process has other threads,
    is a daemonic pool worker, or cannot fork) gives one ``RuntimeWarning`` saying why,
    when the input is large enough to be split; the result is the same either way."""
    from slacode.evaluate import check_group_by, evaluate_records, public_as_of
    from slacode.events import EventBatch, batch_parts, csv_options_of, records_from_objects, type_map_pairs_of
    from slacode.stream import result_of
    from slacode.timestamps import timestamp_formats as _timestamp_formats

    check_group_by(group_by)
    csv_options_of(csv_delimiter, csv_columns)             # (checked before anything is read)
    timestamp_formats = _timestamp_formats(timestamp_formats, default_tz)
    pairs = type_map_pairs_of(type_map)
    plan = agreement.plan
    cutoff = public_as_of(as_of, default_tz)
    asked, jobs, reason = checked_jobs(jobs)
    if isinstance(events, (str, os.PathLike)):
        events = [events]
    if events is None or isinstance(events, (bytes, dict)) or not hasattr(events, "__iter__"):
        raise TypeError(f"events must be event files (paths) or a list (or any iterable) of event dicts, "
                        f"slacode.Event or records of slacode.read_events, not {type(events).__name__}")
    diagnostics: list = []
    sources = None
    if isinstance(events, EventBatch):      # as evaluate takes it: its records, files and reading problems
        events, read, sources = batch_parts(events, default_tz)
        diagnostics.extend(read)
    events = list(events)
    if sources is None and events and all(isinstance(e, (str, os.PathLike)) for e in events):
        run, diagnostics = run_files(plan, events, cutoff, jobs, asked=asked, reason=reason, default_tz=default_tz,
                                     input_format=input_format, csv_delimiter=csv_delimiter,
                                     csv_columns=csv_columns, group_by=group_by, in_memory=True,
                                     timestamp_formats=timestamp_formats, type_map=type_map)
        return result_of(run, plan, cutoff, diagnostics)
    records = records_from_objects(events, default_tz=default_tz, diagnostics=diagnostics, as_of_us=cutoff,
                                   as_of_zone=plan.zone, sources=sources or (), timestamp_formats=timestamp_formats,
                                   type_map=pairs)
    if reason is not None and len(records) >= MIN_PARALLEL_RECORDS:
        _warn_serial(asked, reason)
    if jobs <= 1 or len(records) < MIN_PARALLEL_RECORDS or not can_fork():
        return evaluate_records(plan, records, cutoff, diagnostics, sources=sources, group_by=group_by)
    return result_of(run_records_parallel(plan, records, cutoff, jobs, sources=sources, group_by=group_by),
                     plan, cutoff, diagnostics)
