"""Evaluation of event streams too large to hold: memory follows one lead, or one bucket of leads, not the file.

Events arrive in input order. Two shapes are common and both are handled without sorting
the file:

* **grouped by lead, ascending** (CRM exports, ``gen_events.py --order lead``): the current
  lead's events are buffered; when the next (greater) lead starts, the lead is folded, its
  verdicts go to a spool file in lead order and nothing of it stays in memory;
* **interleaved** (time order): from the first lead that does not come after the previous
  one, records are partitioned by lead into a fixed number of buckets, kept in temporary
  files in chunks (:class:`Buckets`). At the end each bucket in turn is read back, its
  leads' records are sorted and folded, and their outcomes spooled in lead order: memory
  holds one bucket, not every open lead.

A spooled lead whose events come back later is set aside (its spooled verdicts are
retracted) and folded again in a second pass over the sources, sorted. At the end the
spools are merged by lead id, so the verdicts come out exactly as a full sort would give
them.
"""
from __future__ import annotations

import heapq
import marshal
import os
import pickle
import struct
import tempfile
from itertools import islice
from typing import Callable, Iterable, Iterator, NamedTuple

from slacode._collector import paused_gc
from slacode.aggregate import Aggregates
from slacode.far_events import far_event_diagnostics
from slacode.evaluate import LeadFold, Result, _order_key, escalate, grouping_segments, note_starts, stamp_groups, \
    target_segments
from slacode.notes import RunNotes, note_diagnostics, unknown_state_diagnostics
from slacode.diagnostics import sort_by_place
from slacode.events import Record
from slacode.ids import SpilledIds
from slacode.refs import column_rows, ref_columns

#: Interleaved input is partitioned into BUCKETS buckets by lead; a bucket's records are
#: written to its file CHUNK at a time. Memory holds at most BUCKETS x CHUNK records
#: waiting to be written, then one bucket (about 1/BUCKETS of the records) at the end.
BUCKETS = 32
CHUNK = 32
#: A bucket of more records than this is split before it is read into memory.
BUCKET_RECORDS = 50_000
#: The first records are kept until this many: input found interleaved within them (time
#: order, found at once) is bucketed whole instead of folding its few spooled leads again.
PREFIX_RECORDS = 4096
#: The spool's file buffer: a lead's outcome is a few KB, and a write per one costs a system call
#: (the spools of interleaved input's buckets, open together, keep the usual buffer).
SPOOL_BUFFER = 1 << 20


class LeadOutcome(NamedTuple):
    """Everything one lead contributes to the output."""

    lead: str
    verdicts: object                # its Verdicts, or what ``serialize`` made of them
    contribution: tuple | None      # to the aggregates
    diagnostics: list
    notes: object                   # the lead's LeadNotes (compile-time places, bad zones), or an empty set


_FRAME = struct.Struct("<cI")       # kind (b"M" marshal, b"P" pickle), payload length


class Spool:
    """Lead outcomes in a file, written in order and read back in that order.

    An outcome whose verdicts were serialized to strings and bytes (``check``) is written
    with :mod:`marshal`, several times cheaper than pickle for those types; what only pickle
    can write (Verdict objects, a lead's diagnostics and notes, which hold spans) is pickled.
    The file is private to one run and read by the same Python, so marshal's format, which
    may change between Python versions, is never a concern."""

    def __init__(self, path: str | None = None, buffering: int = SPOOL_BUFFER):
        self.path = path
        self.file = (open(path, "w+b", buffering=buffering) if path is not None
                     else tempfile.TemporaryFile(buffering=buffering))
        self.count = 0

    def write(self, outcome: LeadOutcome) -> None:
        lead, verdicts, contribution, diagnostics, notes = outcome
        try:
            extra = pickle.dumps((diagnostics, notes), pickle.HIGHEST_PROTOCOL) if diagnostics or notes else None
            kind, payload = b"M", marshal.dumps((lead, verdicts, contribution, extra))
        except ValueError:                      # not marshal's types: Verdict objects
            kind, payload = b"P", pickle.dumps(outcome, pickle.HIGHEST_PROTOCOL)
        self.file.write(_FRAME.pack(kind, len(payload)) + payload)
        self.count += 1

    def __iter__(self) -> Iterator[LeadOutcome]:
        """The outcomes written, in order (the file's position is moved)."""
        f = self.file
        f.flush()
        f.seek(0)
        read, unpack, size = f.read, _FRAME.unpack, _FRAME.size
        loads, outcome = marshal.loads, LeadOutcome
        for _ in range(self.count):
            kind, n = unpack(read(size))
            payload = read(n)
            if kind == b"M":
                lead, verdicts, contribution, extra = loads(payload)
                diagnostics, notes = pickle.loads(extra) if extra is not None else ([], set())
                yield outcome(lead, verdicts, contribution, diagnostics, notes)
            else:
                yield pickle.loads(payload)

    def close(self) -> None:
        self.file.close()

    def for_reading(self, buffering: int = -1) -> "Spool":
        """The same spool, written to the end, on a reader with a buffer of its own (the
        usual 8 KB by default): a spool written through a large buffer can be read back
        among many open at once without each keeping that buffer."""
        self.file.flush()
        reader = open(os.dup(self.file.fileno()), "rb", buffering=buffering)
        self.file.close()
        self.file = reader
        return self

    def keep(self, path: str) -> int:
        """Close the file and move it to ``path`` (the spool was opened with a path): what
        :meth:`open` reads. Returns the number of outcomes."""
        self.file.close()
        os.replace(self.path, path)
        return self.count

    @classmethod
    def open(cls, path: str, count: int) -> "Spool":
        """A spool written earlier (by another process) with ``count`` outcomes."""
        spool = cls.__new__(cls)
        spool.path, spool.file, spool.count = path, open(path, "rb"), count     # one per worker: the usual buffer
        return spool


class Buckets:
    """Records partitioned by lead into ``n`` buckets, each a list in memory until it holds
    ``chunk`` records, then a chunk appended to the bucket's temporary file (created on first
    use: small inputs never touch the disk). Chunks are written with marshal (as columns when
    they hold the refs of events without an id, ``str`` subclasses marshal refuses:
    :func:`slacode.refs.ref_columns`; pickle when a record holds values marshal cannot
    write: library events may carry any object).

    A lead's bucket is ``hash(lead) // divisor % n``: a bucket that is too large to hold is
    split into buckets of its own with the next digits of the same hash (:meth:`split`)."""

    def __init__(self, n: int | None = None, chunk: int | None = None, divisor: int = 1):
        self.n, self.chunk, self.divisor = n or BUCKETS, chunk or CHUNK, divisor
        n = self.n
        self.pending: list[list] = [[] for _ in range(n)]
        self.files: list = [None] * n
        self.chunks = [0] * n
        self.held: list[list] = [[] for _ in range(n)]   # chunks that could not be written

    def add(self, rec) -> None:
        k = hash(rec[2]) // self.divisor % self.n
        pending = self.pending[k]
        pending.append(rec)
        if len(pending) >= self.chunk:
            self._flush(k)

    def _flush(self, k: int) -> None:
        pending = self.pending[k]
        payload = None
        if pending[0][8].__class__ is str:              # an id (refs of events without one: below)
            plain = list(map(tuple, pending))           # marshal writes tuples, not Records
            try:
                kind, payload = b"M", marshal.dumps(plain)
            except ValueError:
                pass
        if payload is None:
            try:                                        # the refs of events without an id, str subclasses
                kind, payload = b"C", marshal.dumps(ref_columns(pending))
            except (ValueError, TypeError):
                try:
                    kind, payload = b"P", pickle.dumps(list(map(tuple, pending)), pickle.HIGHEST_PROTOCOL)
                except Exception:  # noqa: BLE001 - a library event's property that cannot be written
                    self.held[k].append(pending)        # kept in memory: nothing is lost
                    self.pending[k] = []
                    return
        f = self.files[k]
        if f is None:
            f = self.files[k] = tempfile.TemporaryFile()
        f.write(_FRAME.pack(kind, len(payload)) + payload)
        self.chunks[k] += 1
        self.pending[k] = []

    def size(self, k: int) -> int:
        """About how many records bucket ``k`` holds (whole chunks counted as full)."""
        return (self.chunks[k] + len(self.held[k])) * self.chunk + len(self.pending[k])

    def _chunks(self, k: int) -> Iterator[list]:
        """Bucket ``k``'s records, a chunk at a time (tuples from the file, then Records), and
        the bucket emptied. Chunks do not come in input order: folds sort a lead's records."""
        f = self.files[k]
        if f is not None:
            f.seek(0)
            read, unpack, size = f.read, _FRAME.unpack, _FRAME.size
            for _ in range(self.chunks[k]):
                kind, n = unpack(read(size))
                payload = read(n)
                if kind == b"C":
                    yield column_rows(marshal.loads(payload))
                else:
                    yield marshal.loads(payload) if kind == b"M" else pickle.loads(payload)
            f.close()
            self.files[k] = None
        held, pending = self.held[k], self.pending[k]
        self.held[k], self.pending[k], self.chunks[k] = [], [], 0
        yield from held
        yield pending

    def take(self, k: int) -> dict[str, list]:
        """Bucket ``k``'s Records by lead, and the bucket emptied."""
        groups: dict[str, list] = {}
        new = tuple.__new__
        for chunk in self._chunks(k):
            for t in chunk:
                group = groups.get(t[2])
                if group is None:
                    group = groups[t[2]] = []
                group.append(t if t.__class__ is Record else new(Record, t))
        return groups

    def split(self, k: int, n: int) -> "Buckets":
        """Bucket ``k``'s records in ``n`` new buckets (the next digits of the hash), and
        bucket ``k`` emptied."""
        sub = Buckets(n, self.chunk, self.divisor * self.n)
        new = tuple.__new__
        for chunk in self._chunks(k):
            for t in chunk:
                sub.add(t if t.__class__ is Record else new(Record, t))
        return sub

    def close(self) -> None:
        for f in self.files:
            if f is not None:
                f.close()
        self.files = [None] * self.n


class OutcomeList(list):
    """A :class:`Spool` kept in memory, for a run whose caller keeps every outcome anyway
    (the library's ``Result`` holds all verdicts): no pickling, nothing written."""

    path = None

    write = list.append

    @property
    def count(self) -> int:
        return len(self)

    def close(self) -> None:
        self.clear()

    def for_reading(self) -> "OutcomeList":
        return self


class StreamEvaluation:
    """One pass over records in input order, then the replay of leads that came back."""

    def __init__(self, plan, as_of: int, sources: list[str] | None, serialize=None,
                 spool_path: str | None = None, in_memory: bool = False, group_by: str | None = None,
                 fold_hook=None):
        self.serialize = serialize          # a lead's verdicts -> what outcomes carry (default: the list)
        # (fold, verdicts) -> what outcomes carry instead of the verdicts, for a caller that
        # needs the lead's cycles too (`changes`: the instants a verdict does not keep); a
        # hook with a true `timeline` attribute asks the aggregates for the instants their
        # periods were decided at (Aggregates' `timeline`)
        self.fold_hook = fold_hook
        self.plan = plan
        self.as_of = as_of
        self.sources = sources
        self.notes = RunNotes()             # of the outcomes given so far (each fold has its own)
        self.started = False                # a lead had an event of a type a start reads (SLA626: no)
        self.group_by = group_by            # a lead field the verdicts carry the group of (`report --by`)
        self.segs = target_segments(plan) if group_by is None else grouping_segments(plan, group_by)
        self.agg = Aggregates(plan, as_of, timeline=wants_timeline(fold_hook))
        self.grouped = True                 # still looks grouped by ascending lead id
        self.current: str | None = None
        self.buffer: list = []              # the current lead's records (grouped mode)
        self.head: list | None = None       # the first records, while they are all kept
        self.buckets: Buckets | None = None  # the records of interleaved input
        self.spooled: set[str] = set()     # leads in the spool (known once interleaved)
        self.retracted: set[str] = set()    # spooled leads that came back: folded in a replay
        self._replayed = False
        self.late: dict[str, LeadOutcome] = {}
        self._spool: Spool | None = None
        self._spool_path = spool_path       # a named spool (a worker's, kept as its result)
        self._spool_type = OutcomeList if in_memory else Spool

    # -- first pass -------------------------------------------------------------------
    def feed_all(self, records: Iterable) -> None:
        """The first pass over every record (once per run)."""
        records = iter(records)
        # The first records are kept too: input that turns out interleaved this early (time
        # order) is then bucketed whole, its spool dropped, with no second read.
        self.head = list(islice(records, PREFIX_RECORDS))
        self._feed_grouped(iter(self.head))
        if self.grouped:
            self.head = None
            self._feed_grouped(records)
        if not self.grouped:
            self._feed_interleaved(records)

    def _feed_grouped(self, records: Iterator) -> None:
        """Records while the leads come grouped in ascending order (the rest of ``records``
        is left to :meth:`_feed_interleaved` once they do not)."""
        for rec in records:
            lead = rec.lead
            if lead == self.current:
                self.buffer.append(rec)
                continue
            # leads so far came in ascending order, so none in the spool is after current
            if self.current is None or lead > self.current:
                self._flush_current()
                self.current = lead
                self.buffer = [rec]
                continue
            self._become_interleaved(rec)
            return

    def _feed_interleaved(self, records: Iterator) -> None:
        # Buckets.add, inlined: the hot loop of time-ordered input
        spooled, buckets = self.spooled, self.buckets
        pending, n, chunk, flush = buckets.pending, buckets.n, buckets.chunk, buckets._flush
        for rec in records:
            lead = rec[2]
            if lead in spooled:
                self._feed_live(rec)
                continue
            k = hash(lead) % n
            waiting = pending[k]
            waiting.append(rec)
            if len(waiting) >= chunk:
                flush(k)

    def _flush_current(self) -> None:
        if self.current is None:
            return
        fold = self._fold_sorted(self.current, self.buffer)
        self._spool_write(self._outcome(fold))
        self.current, self.buffer = None, []

    def _become_interleaved(self, rec) -> None:
        """The input is not grouped by ascending lead (``rec`` says so): partition records
        into buckets from now on. If every record so far is still at hand, they all go to
        the buckets and the spool is dropped; else the leads in the spool are learnt, and
        their records set aside from now on (such a lead is folded again in a second read)."""
        self.grouped = False
        self.buckets = Buckets()
        if self.head is not None:
            if self._spool is not None:
                self._spool.close()
                self._spool = None
            for r in self.head:
                self.buckets.add(r)
            self.current, self.buffer, self.head = None, [], None
            return
        if self._spool is not None:
            self.spooled = {outcome.lead for outcome in self._spool}
        for r in self.buffer:
            self.buckets.add(r)
        self.current, self.buffer = None, []
        self._feed_live(rec)

    def _feed_live(self, rec) -> None:
        lead = rec.lead
        if lead in self.spooled:                # a spooled lead came back: redo it
            self.retracted.add(lead)
            return
        self.buckets.add(rec)

    # -- second pass ------------------------------------------------------------------
    @property
    def needs_replay(self) -> bool:
        return bool(self.retracted) and not self._replayed

    def replay(self, records: Iterable) -> None:
        """Fold the retracted leads from all their records, sorted."""
        groups: dict[str, list] = {}
        wanted = self.retracted
        for rec in records:
            if rec.lead in wanted:
                groups.setdefault(rec.lead, []).append(rec)
        for lead, recs in groups.items():
            self.late[lead] = self._outcome(self._fold_sorted(lead, recs))
        self._replayed = True

    # -- results ----------------------------------------------------------------------
    def _fold_sorted(self, lead: str, records: list) -> LeadFold:
        records.sort(key=_order_key)
        fold = LeadFold(self.plan, lead, None, self.segs)
        for r in records:
            fold.feed(r)
        if self.plan.breach_watch:               # `breach of` (extension): folded again with its breaches
            fold = escalate(fold, records, self.segs, self.as_of)
        if not self.started:                     # SLA626: had the lead an event that can start anything?
            self.started = note_starts(fold, records)
        return fold

    def _outcome(self, fold: LeadFold) -> LeadOutcome:
        verdicts = fold.verdicts(self.as_of)
        if self.group_by is not None:
            stamp_groups(fold, verdicts)
        contribution = self.agg.contribution(fold, verdicts)
        if self.fold_hook is not None:
            verdicts = self.fold_hook(fold, verdicts)
        if self.serialize is not None:
            verdicts = self.serialize(verdicts)
        problems = unknown_state_diagnostics(fold, self.sources)
        if not (self.plan.targets or self.plan.quotas):    # (else SLA610 or SLA611 says it, once a run)
            problems += far_event_diagnostics(fold, self.as_of, self.sources)
        return LeadOutcome(fold.lead, verdicts, contribution, problems,
                           fold.notes)

    def _bucket_spools(self) -> list[Spool]:
        """Each bucket's outcomes, in lead order, in a spool of its own (one bucket in memory
        at a time)."""
        buckets, self.buckets = self.buckets, None
        spools: list[Spool] = []
        if buckets is not None:
            self._spool_buckets(buckets, spools)
        return spools

    def _spool_buckets(self, buckets: Buckets, spools: list[Spool]) -> None:
        try:
            for k in range(buckets.n):
                size = buckets.size(k)
                if size > BUCKET_RECORDS and buckets.divisor == 1:     # split once (one huge lead stays whole)
                    self._spool_buckets(buckets.split(k, -(-size // BUCKET_RECORDS) * 2), spools)
                    continue
                groups = buckets.take(k)
                if not groups:
                    continue
                spool = self._spool_type()      # written through the large buffer, one at a time,
                for lead in sorted(groups):
                    spool.write(self._outcome(self._fold_sorted(lead, groups.pop(lead))))
                spools.append(spool.for_reading())   # then read among all of them: the usual buffer
        finally:
            buckets.close()

    def _spool_write(self, outcome: LeadOutcome) -> None:
        if self._spool is None:
            self._spool = self._spool_type() if self._spool_path is None else Spool(self._spool_path)
        self._spool.write(outcome)

    def _spool_read(self) -> Iterator[LeadOutcome]:
        if self._spool is None:
            return
        retracted = self.retracted
        for outcome in self._spool:
            if outcome.lead not in retracted:
                yield outcome

    def outcomes(self) -> Iterator[LeadOutcome]:
        """Every lead's outcome in lead order (call once, after the passes)."""
        if self.grouped:
            self._flush_current()
        late = [self.late[k] for k in sorted(self.late)]
        self.late = {}
        with paused_gc():
            buckets = self._bucket_spools()
            try:
                for outcome in heapq.merge(self._spool_read(), late, *buckets, key=lambda o: o.lead):
                    self.agg.add_contribution(outcome.contribution)
                    self.notes.take(outcome.lead, outcome.notes)    # only kept folds: a retracted one takes its notes along
                    yield outcome
            finally:
                for spool in buckets:
                    spool.close()
        if self._spool is not None:
            self._spool.close()
            self._spool = None

    def close(self) -> None:
        """Drop what the run holds (its spool and buckets) without giving its outcomes."""
        if self._spool is not None:
            self._spool.close()
            self._spool = None
        if self.buckets is not None:
            self.buckets.close()
            self.buckets = None
        self.buffer, self.head, self.late = [], None, {}

    def save(self, path: str) -> int:
        """Leave every outcome, in lead order, in a :class:`Spool` file at ``path`` (instead
        of iterating :meth:`outcomes`); returns their number. When the input was grouped by
        ascending lead throughout, the spool written during the pass already is that file,
        and it is only moved. The notes are those of the outcomes saved."""
        if self.grouped:
            self._flush_current()
        if (self.grouped and not self.retracted and not self.late and self._spool is not None
                and self._spool.path is not None):
            count = self._spool.keep(path)
            self._spool = None
            return count
        out = Spool(path)
        for outcome in self.outcomes():
            out.write(outcome)
        out.close()
        return out.count

    def closing_diagnostics(self) -> list:
        """Diagnostics that are known only at the end (after :meth:`outcomes`)."""
        return note_diagnostics(self.notes, self.sources, self.plan) + self.agg.span_diagnostics(self.sources)


def wants_timeline(fold_hook) -> bool:
    """Whether a ``fold_hook`` asks the aggregates for their timeline (`changes`)."""
    return bool(getattr(fold_hook, "timeline", False))


def run_stream(plan, read: Callable[..., Iterator], as_of: int, diagnostics: list,
               sources: list[str] | None, serialize=None, spool_path: str | None = None,
               rereadable: bool = False, in_memory: bool = False, group_by: str | None = None,
               fold_hook=None) -> StreamEvaluation:
    """Both passes over ``read(diagnostics)`` (called again, with a throw-away list, only if
    some lead needs it). Then iterate :meth:`StreamEvaluation.outcomes`; ``serialize``
    turns a lead's verdicts into what the outcomes carry (to keep the spool small and fast);
    ``spool_path`` names the spool file (else it is an anonymous temporary file).

    ``rereadable``: ``read`` takes ``ids=`` (the table judging duplicate ids) and can read
    its sources again. Ids are then judged by a :class:`~slacode.ids.SpilledIds`, whose
    memory does not grow with the input; in the rare run where it cannot vouch for every
    judgement (an id used again long after its first use), the run is done again from the
    start with an exact table, so the output never depends on which table was used.
    ``in_memory``: the outcomes are kept in lists rather than spooled to files (for a
    caller that keeps them all). ``group_by``: a lead field whose group at each cycle's start
    the verdicts carry (``start_groups``: `report --by FIELD`). ``fold_hook``: as
    :class:`StreamEvaluation` takes it."""
    run = StreamEvaluation(plan, as_of, sources, serialize, spool_path, in_memory, group_by, fold_hook)
    with paused_gc():
        windowed = False
        if rereadable:
            mark = len(diagnostics)
            windowed = _with_spilled_ids(lambda ids: run.feed_all(read(diagnostics, ids=ids)))
            if not windowed:             # an id came back after its window: again, with every id kept
                run.close()
                del diagnostics[mark:]
                run = StreamEvaluation(plan, as_of, sources, serialize, spool_path, in_memory, group_by, fold_hook)
        if not windowed:
            run.feed_all(read(diagnostics))
        if run.needs_replay:             # judging ids as the first pass did, which was exact
            if windowed:
                _with_spilled_ids(lambda ids: run.replay(read([], ids=ids)))
            else:
                run.replay(read([]))
    return run


def _with_spilled_ids(work: Callable) -> bool:
    """``work(ids)`` with a new :class:`~slacode.ids.SpilledIds`; whether its every
    judgement was exact (no id came back after leaving the window)."""
    ids = SpilledIds()
    try:
        work(ids)
        return not ids.repeats()
    finally:
        ids.close()


def evaluate_stream(plan, read: Callable[..., Iterator], as_of: int, diagnostics: list,
                    sources: list[str] | None, rereadable: bool = False, group_by: str | None = None) -> Result:
    """The whole :class:`~slacode.evaluate.Result` of a stream (verdicts held in memory: so
    are the outcomes on their way, rather than spooled)."""
    return result_of(run_stream(plan, read, as_of, diagnostics, sources, rereadable=rereadable, in_memory=True,
                                group_by=group_by), plan, as_of, diagnostics)


def result_of(run, plan, as_of: int, diagnostics: list, sink: Callable[[list], None] | None = None) -> Result:
    """The :class:`~slacode.evaluate.Result` of a finished run (serial or parallel).

    ``sink``: called with each lead's verdicts in turn, in lead order (one list per lead,
    as the spool gives them back); the result's ``verdicts`` then hold only the targets'
    and quotas' (which come after every lead's): memory follows one lead, not the run,
    for a caller that reduces the verdicts as they come (`report`, `due`)."""
    verdicts: list = []
    lead_diags: list = []
    for outcome in run.outcomes():
        if sink is None:
            verdicts.extend(outcome.verdicts)
        else:
            sink(outcome.verdicts)
        lead_diags.extend(outcome.diagnostics)
    verdicts.extend(run.agg.verdicts())
    diagnostics[:] = sort_by_place(diagnostics + lead_diags, run.sources or ())
    diagnostics.extend(run.closing_diagnostics())
    return Result(plan.agreement_id, plan.version, as_of, plan.zone, verdicts, diagnostics)
