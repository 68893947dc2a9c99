"""Evaluation of event streams too large to hold: memory follows the open leads, not the file.

Events arrive in input order. Two shapes are common and both are handled without sorting
the file:

* **grouped by lead, ascending** (CRM exports, ``gen_events.py --order lead``): the current
  lead's events are buffered; when the next (greater) lead starts, the lead is folded, its
  verdicts go to a spool file in lead order and nothing of it stays in memory;
* **interleaved** (time order): from the first lead that does not come after the previous
  one, every lead keeps a live :class:`~slacode.evaluate.LeadFold` fed as its events arrive.

A lead whose events arrive out of time order, or a spooled lead whose events come back
later, is set aside (its spooled verdicts are retracted) and folded again in a second pass
over the sources, sorted. At the end the spool and the in-memory leads are merged by lead
id, so the verdicts come out exactly as a full sort would give them.
"""
from __future__ import annotations

import gc
import heapq
import marshal
import os
import pickle
import struct
import tempfile
from contextlib import contextmanager
from typing import Callable, Iterable, Iterator, NamedTuple

from slacode.aggregate import Aggregates
from slacode.evaluate import LeadFold, Result, _order_key, note_diagnostics, target_segments, \
    unknown_state_diagnostics


class LeadOutcome(NamedTuple):
    """Everything one lead contributes to the output."""

    lead: str
    verdicts: object                # its Verdicts, or what ``serialize`` made of them
    contribution: tuple | None      # to the aggregates
    diagnostics: list
    notes: set                      # the lead's notes (compile-time places, bad zones)


_FRAME = struct.Struct("<cI")       # kind (b"M" marshal, b"P" pickle), payload length


class Spool:
    """Lead outcomes in a file, written in order and read back in that order.

    An outcome whose verdicts were serialized to strings and bytes (``check``) is written
    with :mod:`marshal`, several times cheaper than pickle for those types; what only pickle
    can write (Verdict objects, a lead's diagnostics and notes, which hold spans) is pickled.
    The file is private to one run and read by the same Python, so marshal's format, which
    may change between Python versions, is never a concern."""

    def __init__(self, path: str | None = None):
        self.path = path
        self.file = open(path, "w+b") if path is not None else tempfile.TemporaryFile()
        self.count = 0

    def write(self, outcome: LeadOutcome) -> None:
        lead, verdicts, contribution, diagnostics, notes = outcome
        try:
            extra = pickle.dumps((diagnostics, notes), pickle.HIGHEST_PROTOCOL) if diagnostics or notes else None
            kind, payload = b"M", marshal.dumps((lead, verdicts, contribution, extra))
        except ValueError:                      # not marshal's types: Verdict objects
            kind, payload = b"P", pickle.dumps(outcome, pickle.HIGHEST_PROTOCOL)
        self.file.write(_FRAME.pack(kind, len(payload)))
        self.file.write(payload)
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
        spool.path, spool.file, spool.count = path, open(path, "rb"), count
        return spool


class StreamEvaluation:
    """One pass over records in input order, then the replay of out-of-order leads."""

    def __init__(self, plan, as_of: int, sources: list[str] | None, serialize=None,
                 spool_path: str | None = None):
        self.serialize = serialize          # a lead's verdicts -> what outcomes carry (default: the list)
        self.plan = plan
        self.as_of = as_of
        self.sources = sources
        self.notes: set = set()             # of the outcomes given so far (each fold has its own)
        self.segs = target_segments(plan)
        self.agg = Aggregates(plan, as_of)
        self.grouped = True                 # still looks grouped by ascending lead id
        self.current: str | None = None
        self.buffer: list = []              # the current lead's records (grouped mode)
        self.folds: dict[str, LeadFold] = {}
        self.last_at: dict[str, int] = {}
        self.spooled: set[str] = set()
        self.retracted: set[str] = set()
        self.disordered: set[str] = set()
        self.late: dict[str, LeadOutcome] = {}
        self._spool: Spool | None = None
        self._spool_path = spool_path       # a named spool (a worker's, kept as its result)

    # -- first pass -------------------------------------------------------------------
    def feed_all(self, records: Iterable) -> None:
        for rec in records:
            lead = rec.lead
            if self.grouped:
                if lead == self.current:
                    self.buffer.append(rec)
                    continue
                if self.current is None or (lead > self.current and lead not in self.spooled):
                    self._flush_current()
                    self.current = lead
                    self.buffer = [rec]
                    continue
                self._become_interleaved()
            self._feed_live(rec)

    def _flush_current(self) -> None:
        if self.current is None:
            return
        fold = self._fold_sorted(self.current, self.buffer)
        self._spool_write(self._outcome(fold))
        self.spooled.add(self.current)
        self.current, self.buffer = None, []

    def _become_interleaved(self) -> None:
        """The input is not grouped by ascending lead: keep live folds from now on."""
        self.grouped = False
        if self.current is not None and self.buffer:
            self.buffer.sort(key=_order_key)
            fold = self.folds[self.current] = LeadFold(self.plan, self.current, None, self.segs)
            for r in self.buffer:
                fold.feed(r)
            self.last_at[self.current] = self.buffer[-1].at
        self.buffer = []

    def _feed_live(self, rec) -> None:
        lead = rec.lead
        if lead in self.disordered:
            return
        fold = self.folds.get(lead)
        if fold is None:
            if lead in self.spooled:            # a spooled lead came back: redo it
                self.retracted.add(lead)
                self.disordered.add(lead)
                return
            fold = self.folds[lead] = LeadFold(self.plan, lead, None, self.segs)
        elif rec.at < self.last_at[lead]:
            self.disordered.add(lead)
            del self.folds[lead]
            del self.last_at[lead]
            return
        self.last_at[lead] = rec.at
        fold.feed(rec)

    # -- second pass ------------------------------------------------------------------
    @property
    def needs_replay(self) -> bool:
        return bool(self.disordered)

    def replay(self, records: Iterable) -> None:
        """Fold the set-aside leads from all their records, sorted."""
        groups: dict[str, list] = {}
        wanted = self.disordered
        for rec in records:
            if rec.lead in wanted:
                groups.setdefault(rec.lead, []).append(rec)
        for lead, recs in groups.items():
            self.late[lead] = self._outcome(self._fold_sorted(lead, recs))
        self.disordered = set()

    # -- results ----------------------------------------------------------------------
    def _fold_sorted(self, lead: str, records: list) -> LeadFold:
        records.sort(key=_order_key)
        fold = LeadFold(self.plan, lead, None, self.segs)
        for r in records:
            fold.feed(r)
        return fold

    def _outcome(self, fold: LeadFold) -> LeadOutcome:
        verdicts = fold.verdicts(self.as_of)
        contribution = self.agg.contribution(fold, verdicts)
        if self.serialize is not None:
            verdicts = self.serialize(verdicts)
        return LeadOutcome(fold.lead, verdicts, contribution, unknown_state_diagnostics(fold, self.sources),
                           fold.notes)

    def _live_outcomes(self) -> Iterator[LeadOutcome]:
        """The live folds' outcomes in lead order, each made when the merge needs it (and the
        fold dropped then): verdicts are never all in memory at once."""
        folds = self.folds
        self.folds = {}
        for lead in sorted(folds):
            yield self._outcome(folds.pop(lead))

    def _spool_write(self, outcome: LeadOutcome) -> None:
        if self._spool is None:
            self._spool = Spool(self._spool_path)
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
            for outcome in heapq.merge(self._spool_read(), late, self._live_outcomes(), key=lambda o: o.lead):
                self.agg.add_contribution(outcome.contribution)
                self.notes.update(outcome.notes)    # only kept folds: a retracted one takes its notes along
                yield outcome
        if self._spool is not None:
            self._spool.close()
            self._spool = None

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
        return note_diagnostics(self.notes)


def run_stream(plan, read: Callable[[list], Iterator], as_of: int, diagnostics: list,
                sources: list[str] | None, serialize=None, spool_path: str | None = None) -> StreamEvaluation:
    """Both passes over ``read(diagnostics)`` (called again, with a throw-away list, only if
    some lead needs it). Then iterate :meth:`StreamEvaluation.outcomes`; ``serialize``
    turns a lead's verdicts into what the outcomes carry (to keep the spool small and fast);
    ``spool_path`` names the spool file (else it is an anonymous temporary file)."""
    run = StreamEvaluation(plan, as_of, sources, serialize, spool_path)
    with paused_gc():
        run.feed_all(read(diagnostics))
        if run.needs_replay:
            run.replay(read([]))
    return run


@contextmanager
def paused_gc():
    """The cyclic collector off for the block. Folds and records hold dicts, so with many
    leads open (time-ordered input) the collector would traverse them again and again (a
    third of the time at 20,000 leads); what the fold builds has no cycles, and anything
    cyclic left over is collected when the collector is back on."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def evaluate_stream(plan, read: Callable[[list], Iterator], as_of: int, diagnostics: list,
                    sources: list[str] | None) -> Result:
    """The whole :class:`~slacode.evaluate.Result` of a stream (verdicts held in memory)."""
    return result_of(run_stream(plan, read, as_of, diagnostics, sources), plan, as_of, diagnostics)


def result_of(run, plan, as_of: int, diagnostics: list) -> Result:
    """The :class:`~slacode.evaluate.Result` of a finished run (serial or parallel)."""
    verdicts: list = []
    lead_diags: list = []
    for outcome in run.outcomes():
        verdicts.extend(outcome.verdicts)
        lead_diags.extend(outcome.diagnostics)
    verdicts.extend(run.agg.verdicts())
    diagnostics.extend(lead_diags)
    diagnostics.extend(run.closing_diagnostics())
    return Result(plan.agreement_id, plan.version, as_of, plan.zone, verdicts, diagnostics)
