"""Evaluation of event streams too large to hold: memory follows the open leads, not the file.

Each lead has a :class:`~slacode.evaluate.LeadFold` fed as its events arrive. That is
exact as long as a lead's events arrive in time order (events at the same instant keep
input order), which is how CRM exports and the benchmark files come. Two refinements:

* when the input is grouped by lead in ascending id order, a lead is finished as soon as
  the next lead starts: its verdicts are computed and its fold dropped;
* a lead whose events arrive out of time order stops being fed; after the first pass its
  events are read again (a second pass over the sources, which is why standard input is
  spooled), sorted and folded. The result is the same as sorting everything first.
"""
from __future__ import annotations

from typing import Callable, Iterable, Iterator

from slacode.aggregate import Aggregates
from slacode.evaluate import (LeadFold, Result, Verdict, _order_key, note_diagnostics, target_segments,
                              unknown_state_diagnostics)


class StreamEvaluation:
    """One pass over records (input order) with the replay of out-of-order leads."""

    def __init__(self, plan, as_of: int, sources: list[str] | None):
        self.plan = plan
        self.as_of = as_of
        self.sources = sources
        self.notes: set = set()
        self.segs = target_segments(plan)
        self.agg = Aggregates(plan, as_of)
        self.folds: dict[str, LeadFold] = {}
        self.last_at: dict[str, int] = {}
        self.done: dict[str, list[Verdict]] = {}      # finished leads' verdicts
        self.finished: set[str] = set()
        self.disordered: set[str] = set()
        self.current: str | None = None
        self.ascending = True
        self.diagnostics: list = []

    def feed_all(self, records: Iterable) -> None:
        folds, last_at = self.folds, self.last_at
        disordered = self.disordered
        for rec in records:
            lead = rec.lead
            if lead != self.current:
                self._switch(lead)
            if lead in disordered:
                continue
            fold = folds.get(lead)
            if fold is None:
                if lead in self.finished:             # a finished lead came back: replay it
                    self._reopen(lead)
                    continue
                fold = folds[lead] = LeadFold(self.plan, lead, self.notes, self.segs)
            elif rec.at < last_at[lead]:
                disordered.add(lead)
                del folds[lead]
                continue
            last_at[lead] = rec.at
            fold.feed(rec)

    def _switch(self, lead: str) -> None:
        prev = self.current
        if prev is not None and self.ascending:
            if lead > prev and lead not in self.finished:
                self._finish(prev)
            else:
                self.ascending = False
        self.current = lead

    def _finish(self, lead: str) -> None:
        fold = self.folds.pop(lead, None)
        if fold is None:
            return
        self.last_at.pop(lead, None)
        self.finished.add(lead)
        self._collect(fold)

    def _collect(self, fold: LeadFold) -> None:
        verdicts = fold.verdicts(self.as_of)
        self.agg.add(fold, verdicts)
        self.done[fold.lead] = verdicts
        self.diagnostics.extend(unknown_state_diagnostics(fold, self.sources))

    def _reopen(self, lead: str) -> None:
        """A lead thought finished has more events: forget its verdicts and replay it."""
        self.disordered.add(lead)
        self.finished.discard(lead)
        self.done.pop(lead, None)
        self.agg.forget_lead(lead)
        self.diagnostics = [d for d in self.diagnostics if not _about_lead(d, lead)]

    def replay(self, records: Iterable) -> None:
        """Second pass: fold the out-of-order leads from all their records, sorted."""
        groups: dict[str, list] = {}
        for rec in records:
            if rec.lead in self.disordered:
                groups.setdefault(rec.lead, []).append(rec)
        for lead, recs in groups.items():
            recs.sort(key=_order_key)
            fold = LeadFold(self.plan, lead, self.notes, self.segs)
            for r in recs:
                fold.feed(r)
            self._collect(fold)

    def result(self, diagnostics: list) -> Result:
        for lead in list(self.folds):
            self._collect(self.folds.pop(lead))
        verdicts: list[Verdict] = []
        for lead in sorted(self.done):
            verdicts.extend(self.done[lead])
        verdicts.extend(self.agg.verdicts())
        diagnostics.extend(self.diagnostics)
        diagnostics.extend(note_diagnostics(self.notes))
        plan = self.plan
        return Result(plan.agreement_id, plan.version, self.as_of, plan.zone, verdicts, diagnostics)


def _about_lead(diag, lead: str) -> bool:
    return f"lead {lead!r}" in diag.message


def evaluate_stream(plan, read: Callable[[list], Iterator], as_of: int, diagnostics: list,
                    sources: list[str] | None) -> Result:
    """Evaluate the records ``read(diagnostics)`` yields; ``read`` is called a second time
    (with a throw-away diagnostics list) only if some lead's events were out of order."""
    run = StreamEvaluation(plan, as_of, sources)
    run.feed_all(read(diagnostics))
    if run.disordered:
        run.replay(read([]))
    return run.result(diagnostics)
