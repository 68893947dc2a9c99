"""Evaluation across processes, partitioned by lead, with the output of one process.

Every worker reads every source but keeps only the lines of its leads (a lead's partition
is a CRC-32 of its id, :func:`slacode.partition.partition_of`), and folds them exactly as the
serial path does (:mod:`slacode.stream`: both passes, spool, replay). It leaves in the
run's folder (:class:`Workdir`) its lead outcomes, in lead order (a
:class:`~slacode.stream.Spool`; with grouped input, the very spool of its pass) and the
hash of every id it used, in a file (:class:`~slacode.ids.SpilledIds`: a worker's memory
does not grow with its ids), and sends the parent through a pipe what the merge needs
besides (its line diagnostics, its counts of events after ``as_of``), or what stopped it:
a pipe needs no disk, which may be what is full. The parent takes each result as it comes,
and stops the other workers at the first failure that the run cannot survive.

Workers do not outlive the run: they die with their parent (Linux: ``PR_SET_PDEATHSIG``)
and of the parent's SIGTERM; the run's folder is removed at its end, and a folder left by
a run that was SIGKILLed is removed by a later run (:func:`remove_stale_workdirs`).

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
import contextlib
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
from slacode.notes import RunNotes, note_diagnostics
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


def available_cores(cgroup_root: str = "/sys/fs/cgroup", proc_cgroup: str = "/proc/self/cgroup") -> int:
    """The cores this process may use: those of its affinity mask (a cpuset), and no more
    than its control group's CPU quota allows (a container's `--cpus`, a Kubernetes CPU
    limit: :func:`cgroup_cpu_limit`), at least 1."""
    try:
        cores = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        cores = os.cpu_count() or 1
    limit = cgroup_cpu_limit(cgroup_root, proc_cgroup)
    return max(1, min(cores, limit) if limit is not None else cores)


def cgroup_cpu_limit(root: str = "/sys/fs/cgroup", proc_cgroup: str = "/proc/self/cgroup") -> int | None:
    """The CPU quota of this process's control group in whole cores, rounded up (at least
    1), or None when it has none (or this is not Linux). cgroup v2: ``cpu.max``, "QUOTA
    PERIOD" or "max PERIOD"; v1: ``cpu/cpu.cfs_quota_us`` (-1: none) over ``cpu.cfs_period_us``.
    The group's own folder (named in ``proc_cgroup``) and each folder above it up to
    ``root`` are read, and the smallest quota wins (a container sees its own group as the
    root)."""
    own = _own_cgroups(proc_cgroup)
    quotas = []
    for folder in _up_to(root, own.get("")):                    # v2: one unified tree
        quotas.append(_quota(os.path.join(folder, "cpu.max"), None))
    for folder in _up_to(os.path.join(root, "cpu"), own.get("cpu")):    # v1: the cpu controller's
        quotas.append(_quota(os.path.join(folder, "cpu.cfs_quota_us"), os.path.join(folder, "cpu.cfs_period_us")))
    found = [q for q in quotas if q is not None]
    return min(found) if found else None


def _own_cgroups(proc_cgroup: str) -> dict:
    """This process's group per controller from ``/proc/self/cgroup`` ("" for v2's unified
    tree; "cpu" for v1's cpu controller, mounted alone or as ``cpu,cpuacct``)."""
    groups: dict = {}
    try:
        with open(proc_cgroup, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except (OSError, ValueError):
        return groups
    for line in lines:
        parts = line.split(":", 2)
        if len(parts) != 3:
            continue
        _, controllers, path = parts
        if controllers == "":
            groups[""] = path
        elif "cpu" in controllers.split(","):
            groups["cpu"] = path
    return groups


def _up_to(root: str, own: str | None) -> list[str]:
    """The folders from the group ``own`` (a path below ``root``) up to ``root``; ``root``
    alone when the group is unknown or not visible there (a container without its own
    cgroup namespace sees the host's path)."""
    folders = [root]
    parts = [p for p in (own or "").split("/") if p and p not in (".", "..")]
    for n in range(1, len(parts) + 1):
        folder = os.path.join(root, *parts[:n])
        if not os.path.isdir(folder):
            break
        folders.append(folder)
    return folders


def _quota(path: str, period_path: str | None) -> int | None:
    """Whole cores of one quota file (v2 ``cpu.max`` when ``period_path`` is None, else v1's
    pair); None when it has none or cannot be read."""
    try:
        with open(path, encoding="ascii") as f:
            fields = f.read().split()
        if period_path is not None:
            with open(period_path, encoding="ascii") as f:
                fields = fields[:1] + f.read().split()[:1]
        if len(fields) < 2 or fields[0] in ("max", "-1"):
            return None
        quota, period = int(fields[0]), int(fields[1])
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    if quota <= 0 or period <= 0:
        return None
    return max(1, -(-quota // period))


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

    def __init__(self, plan, as_of: int, folder: Workdir, metas: list[dict], ranges: bool = False,
                 sources: list[str] | None = None, timeline: bool = False):
        self.agg = Aggregates(plan, as_of, timeline=timeline)
        self.sources = sources              # the names of the input files, in order
        self.workdir = folder.path
        self.metas = metas
        self.ranges = ranges                # byte ranges: the workers' leads follow each other
        self.notes = RunNotes()             # of the outcomes given so far
        # removed after the merge, or when the run is dropped unread (an error before output)
        self._cleanup = weakref.finalize(self, folder.remove)

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


WORKDIR_PREFIX = "slacode-jobs-"
_LOCK = "lock"
#: A run folder without a lock (left by a slacode older than the lock) is removed once
#: nothing in it has changed for this long.
_UNLOCKED_STALE_SECONDS = 24 * 3600


class Workdir:
    """The folder of one parallel run in the temporary folder (``slacode-jobs-*``: the
    workers' spools and results), with a lock held for the run's life.

    The lock is an ``flock`` on the file ``lock`` inside it, taken before the file gets
    that name. The forked workers share it (the open file, not a copy), so it is free only
    once the parent and every worker are gone: a folder whose lock can be taken belongs to
    a run that died without removing it (the parent SIGKILLed, the machine stopped), and
    :func:`remove_stale_workdirs` removes it. A live run's folder is never removed."""

    def __init__(self, parent: str | None = None):
        self.path = tempfile.mkdtemp(prefix=WORKDIR_PREFIX, dir=parent)
        self._fd: int | None = None
        try:
            fcntl = _fcntl()
            if fcntl is not None:
                fresh = os.path.join(self.path, f".{_LOCK}")
                fd = os.open(fresh, os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
                self._fd = fd
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                os.rename(fresh, os.path.join(self.path, _LOCK))
        except BaseException:
            self.remove()
            raise

    def remove(self) -> None:
        """Remove the folder, then let the lock go (idempotent)."""
        shutil.rmtree(self.path, ignore_errors=True)
        fd, self._fd = self._fd, None
        if fd is not None:
            try:
                os.close(fd)
            except OSError:  # pragma: no cover
                pass


def _fcntl():
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        return None
    return fcntl


def remove_stale_workdirs(parent: str | None = None) -> list[str]:
    """Remove the ``slacode-jobs-*`` folders of this user in the temporary folder (or
    ``parent``) whose run is dead: their lock can be taken (:class:`Workdir`), or, without a
    lock, nothing in them changed for a day. Returns the folders removed. Never fails: a
    folder that cannot be judged is left."""
    fcntl = _fcntl()
    removed: list[str] = []
    if fcntl is None or not hasattr(os, "getuid"):   # pragma: no cover - not POSIX
        return removed
    try:
        folder = parent if parent is not None else tempfile.gettempdir()
        uid = os.getuid()
        with os.scandir(folder) as entries:
            candidates = [e.path for e in entries if e.name.startswith(WORKDIR_PREFIX)]
        for path in candidates:
            try:
                st = os.lstat(path)
                if not stat.S_ISDIR(st.st_mode) or st.st_uid != uid:
                    continue
                if _stale_workdir(path, fcntl):
                    removed.append(path)
            except OSError:
                continue
    except OSError:
        pass
    return removed


def _stale_workdir(path: str, fcntl) -> bool:
    """Whether the run of the folder ``path`` is dead; if so, the folder is removed (holding
    its lock, so no other run removes it meanwhile)."""
    try:
        fd = os.open(os.path.join(path, _LOCK), os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0)
                     | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        import time

        newest = max([os.lstat(path).st_mtime] + [e.stat(follow_symlinks=False).st_mtime
                                                  for e in os.scandir(path)])
        if time.time() - newest < _UNLOCKED_STALE_SECONDS:
            return False                # being made (the lock not yet named), or an older slacode's run
        shutil.rmtree(path, ignore_errors=True)
        return True
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False                # a live run holds it
        shutil.rmtree(path, ignore_errors=True)
        return True
    finally:
        os.close(fd)


def _pdeathsig():
    """``prctl`` of the C library on Linux (to be killed with the parent), else None."""
    import sys

    if not sys.platform.startswith("linux"):
        return None
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl
    except (ImportError, OSError, AttributeError):  # pragma: no cover
        return None


_PR_SET_PDEATHSIG = 1


def _become_worker(parent: int, prctl) -> None:
    """Set up a freshly forked worker: it dies with its parent (Linux: PR_SET_PDEATHSIG; if
    the parent is already gone, at once), dies of SIGTERM (which the parent's
    :meth:`~multiprocessing.Process.terminate` sends) whatever the parent made of it, and
    of SIGINT and SIGHUP too unless the parent ignores them (a terminal's Ctrl-C, or its
    closing, reaches the whole job, and the parent reports it)."""
    import signal

    if prctl is not None:
        with contextlib.suppress(Exception):    # best effort: the lock still tells a dead run
            prctl(_PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0)
    if os.getppid() != parent:                  # the parent died before the line above
        os._exit(1)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    for s in (signal.SIGINT, signal.SIGHUP):
        if signal.getsignal(s) is not signal.SIG_IGN:
            signal.signal(s, signal.SIG_DFL)


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
    remove_stale_workdirs()
    folder = Workdir()
    workdir = folder.path
    ctx = multiprocessing.get_context("fork")
    job = (plan, files, parts, spans, as_of, names, serialize, workdir, jobs, group_by, fold_hook)
    setup = (os.getpid(), _pdeathsig())
    procs: list = []
    pipes: list = []
    run = None
    try:
        for k in range(jobs):
            receive, send = ctx.Pipe(duplex=False)
            pipes.append(receive)
            procs.append(ctx.Process(target=_worker, args=(k, job, send, setup), daemon=True))
            procs[-1].start()
            send.close()                        # the worker's alone: a later worker does not hold it
        metas = _results(procs, pipes)
        if spans is not None and not _ranges_disjoint(metas):
            return _NOT_GROUPED
        if any_repeated([m["ids"] for m in metas if m["ids"] is not None]):
            return None
        if files is not None:
            diagnostics.extend(_merged_diagnostics(metas, names, as_of, plan.zone))
            if files[4] is not None:            # `--type-map`: the types no partition saw
                diagnostics.extend(_unseen_types(files[4], metas))
        run = ParallelRun(plan, as_of, folder, metas, ranges=spans is not None, sources=names,
                          timeline=wants_timeline(fold_hook))  # owns the directory from here
        return run
    finally:
        _stop(procs)
        for receive in pipes:
            receive.close()
        if run is None:
            folder.remove()


def _stop(procs: list) -> None:
    """Stop the workers still running (an error, an interruption) and wait for them, so that
    none writes in the run's folder once it is removed."""
    started = [p for p in procs if p.pid is not None]
    for p in started:
        if p.is_alive():
            p.terminate()
    for p in started:
        p.join(5)
        if p.is_alive():                        # pragma: no cover - SIGTERM is not ignored in workers
            p.kill()
            p.join(5)


#: The exit status of a worker that ran out of memory and could not even say so.
_EXIT_NO_MEMORY = 3
#: Signals another process sends to the whole job (a terminal's Ctrl-C, `docker stop`, a
#: closed terminal): a worker that died of one waits a moment for the parent's own.
_JOB_SIGNALS = {2, 1, 15}


def _results(procs: list, pipes: list) -> list[dict]:
    """Each worker's result (its meta), taken as each one ends, whatever the order.

    A failure of the environment (a worker killed by a signal, out of memory, an I/O error
    of its files) is raised at once, and the ``finally`` of :func:`_run` stops the others.
    A problem of the input (an unreadable file, a deadline past the calendars' years, a bug)
    is raised as one process would, the lowest worker's first: the workers after it are
    stopped, those before it are waited for."""
    from multiprocessing.connection import wait

    metas: list = [None] * len(procs)
    failed: dict[int, BaseException] = {}
    pending = set(range(len(procs)))
    while pending and not (failed and min(pending) > min(failed)):
        waiting = {}
        for k in pending:
            waiting[pipes[k]] = waiting[procs[k].sentinel] = k
        for ready in wait(list(waiting)):
            k = waiting[ready]
            if k not in pending:
                continue
            meta = _receive(pipes[k])
            if meta is None:
                procs[k].join(5)
                if procs[k].is_alive():         # the pipe closed, the process not yet gone
                    continue
                raise _no_result(k, procs[k].exitcode)
            pending.discard(k)
            problem = _problem(k, meta)
            if problem is None:
                metas[k] = meta
            elif isinstance(problem, (EventInputError, CalendarError, WorkerError)):
                failed[k] = problem
                for j in [j for j in pending if j > k]:     # what they find cannot come first
                    procs[j].terminate()
                    pending.discard(j)
            else:
                raise problem
    if failed:
        raise failed[min(failed)]
    return metas


def _receive(conn) -> dict | None:
    """A worker's meta if it sent one (None: it ended without, or died while sending)."""
    try:
        if conn.poll():
            return conn.recv()
    except (EOFError, OSError, pickle.UnpicklingError, MemoryError, AttributeError, ValueError):
        pass
    return None


def _no_result(k: int, exitcode: int | None) -> BaseException:
    """Why worker ``k`` ended without a result: a signal (negative exit code), no memory."""
    if exitcode is not None and exitcode < 0:
        if -exitcode in _JOB_SIGNALS:           # sent to the whole job: the parent's own comes now
            import time

            time.sleep(0.2)
        return WorkerKilled(k, -exitcode)
    if exitcode == _EXIT_NO_MEMORY:
        return _in_worker(MemoryError(), k)
    return RuntimeError(f"evaluation worker {k} stopped (exit code {exitcode}) without a result")


def _problem(k: int, meta: dict) -> BaseException | None:
    """The exception a worker's meta reports, or None for a result."""
    if "error" in meta:
        return EventInputError(meta["error"])
    if "calendar" in meta:
        return CalendarError(meta["calendar"])
    if "crash" in meta:
        return WorkerError(k, meta["crash"])
    if "memory" in meta:
        return _in_worker(MemoryError(), k)
    if "oserror" in meta:
        errno, strerror, filename, temporary = meta["oserror"]
        exc = OSError(errno, strerror) if filename is None else OSError(errno, strerror, filename)
        if temporary:
            exc.slacode_where = "temporary"     # the command line names the temporary folder
        return _in_worker(exc, k)
    return None


def _in_worker(exc: BaseException, k: int) -> BaseException:
    """``exc``, marked as raised in evaluation worker ``k`` (the command line's hints say --jobs)."""
    exc.slacode_worker = k
    return exc


class WorkerKilled(RuntimeError):
    """An evaluation worker was killed by a signal: most often the kernel's out-of-memory
    killer (SIGKILL), else someone else's ``kill``. Not a bug of slacode: the command line
    says so, with what to do, and exits with status 2."""

    def __init__(self, k: int, signum: int):
        import signal

        try:
            name = signal.Signals(signum).name
        except ValueError:
            name = f"signal {signum}"
        if signum == signal.SIGKILL:
            why = "often the out-of-memory killer: give the job more memory or fewer --jobs"
        elif signum in _JOB_SIGNALS:
            why = "something outside slacode stopped it (a timeout, a stopped container)"
        else:
            why = "a crash of the interpreter or of a library it loaded; run again, and report it if it comes back"
        super().__init__(f"evaluation worker {k} was killed by signal {signum} ({name}) — {why}")
        self.signum = signum


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


def _worker(k: int, job: tuple, conn, setup: tuple) -> None:
    """Evaluate partition ``k`` of ``job`` and send the parent its meta, or what went wrong,
    through ``conn`` (a pipe: it needs no disk, which may be what is full)."""
    _become_worker(*setup)
    try:
        meta = _share(k, job)
    except EventInputError as e:
        meta = {"error": str(e)}
    except CalendarError as e:                  # a deadline past the years covered: the parent raises it
        meta = {"calendar": str(e)}
    except _NotGrouped:
        meta = {"not_grouped": True}
    except MemoryError:
        meta = {"memory": True}
    except OSError as e:                        # a full temporary folder, too many open files
        meta = {"oserror": (e.errno, e.strerror, e.filename if isinstance(e.filename, str) else None,
                            _temporary_side(e, job[7]))}
    except Exception:  # noqa: BLE001 - handed to the parent, which raises it with this traceback
        import traceback

        meta = {"crash": traceback.format_exc()}
    try:
        conn.send(meta)
        conn.close()
    except MemoryError:
        os._exit(_EXIT_NO_MEMORY)
    except Exception:  # noqa: BLE001 - the parent is gone: nobody to tell
        os._exit(1)


def _temporary_side(exc: OSError, workdir: str) -> bool:
    """Whether a worker's OSError is one of the temporary folder: a file named in the run's
    folder or the temporary folder, or an unnamed temporary file the spools write."""
    name = exc.filename
    if isinstance(name, str):                   # the run's files, or tempfile's (named tmpXXXXXXXX)
        folder = os.path.dirname(workdir)
        return name.startswith(workdir + os.sep) or (os.path.dirname(name) == folder
                                                     and os.path.basename(name).startswith("tmp"))
    tb = exc.__traceback__
    last = None
    package = os.path.dirname(os.path.abspath(__file__))
    while tb is not None:                       # the innermost frame of slacode or tempfile
        filename = tb.tb_frame.f_code.co_filename
        if os.path.dirname(os.path.abspath(filename)) == package or filename.endswith("tempfile.py"):
            last = filename
        tb = tb.tb_next
    return last is not None and os.path.basename(last) in ("stream.py", "ids.py", "parallel.py", "tempfile.py")


def _share(k: int, job: tuple) -> dict:
    """The work of worker ``k``: its meta (its outcomes are left in the run's folder)."""
    plan, files, parts, spans, as_of, names, serialize, workdir, n, group_by, fold_hook = job
    leads: list = [None, None]
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
    return meta


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
              call: str = "evaluate_many", timestamp_formats: Any = None, type_map: Any = None, fold_hook=None):
    """Both passes over event files (paths, folders) in ``jobs`` processes when that is
    possible and worth it, else in this one: ``(run, diagnostics)``, the run's outcomes
    still to be read (:func:`slacode.stream.result_of`, or lead by lead). ``serialize`` and
    ``in_memory`` as :func:`~slacode.stream.run_stream` takes them (in_memory: serial only;
    the workers always spool). ``asked``/``reason`` (:func:`checked_jobs`): warn once when
    processes were asked for, the files are worth splitting and this process cannot fork
    (naming ``call``, the method whose caller the warning points at). ``type_map``: as
    :func:`slacode.events.iter_records` takes it; ``fold_hook``: as
    :func:`~slacode.stream.run_stream` takes it (``check``'s count of each lead's events)."""
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
                           default_tz=default_tz, serialize=serialize, group_by=group_by, fold_hook=fold_hook,
                           timestamp_formats=timestamp_formats, type_map=type_map)
        if run is not None:
            return run, diagnostics
        diagnostics = []

    def read(diags, ids=None):
        return iter_records(events, input_format=input_format, default_tz=default_tz, diagnostics=diags,
                            as_of_us=cutoff, ids=ids, as_of_zone=plan.zone, csv_delimiter=csv_delimiter,
                            csv_columns=csv_columns, timestamp_formats=timestamp_formats, type_map=type_map)
    return stream.run_stream(plan, read, cutoff, diagnostics, sources=names, serialize=serialize,
                             rereadable=True, in_memory=in_memory, group_by=group_by, fold_hook=fold_hook), diagnostics


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
