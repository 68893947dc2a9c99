"""What `slacode report` and `slacode due` keep of an evaluation, taken a lead at a time.

The streamed evaluation hands each lead's verdicts, in lead order, to a *sink*
(:func:`slacode.stream.result_of`); the sinks here reduce them at once to what the command
prints, so that memory follows one lead and the output, not every verdict of the run:

* :class:`ReportSink`: the compliance cells (counts, response times as numbers), the
  board of reps, and for ``--html`` the charts' table by rule, the breach counts and the
  few clocks the page lists;
* :class:`DueSink`: the clocks ``due`` lists, the count of the others past their deadline
  (its closing note) and, with ``--assignee``, the assignees seen (for its typo hint).

The targets' and quotas' verdicts, a few per period, stay in ``Result.verdicts`` and are
added by :meth:`finish`. The output is the one the whole verdict list gives.
"""
from __future__ import annotations

from slacode.report.due import DueClocks
from slacode.report.scoring import Board
from slacode.report.tables import ComplianceCounter


class ReportSink:
    """`report`'s counts of the verdicts: the table under ``by`` and ``period`` of ``rules``
    (None: every rule); ``board``: the reps' standings too (JSON); ``html``: what the page
    draws too (a :class:`~slacode.report.html.Dashboard`: its due cards are bounded)."""

    def __init__(self, plan, as_of: int, *, by: str, period: str, rules=None, board: bool = False,
                 html: bool = False):
        zone = plan.zone
        self.counter = ComplianceCounter(zone, by=by, period=period, plan=plan, rules=rules)
        response = self.counter.named
        self.board = Board(zone, rules=rules, response=response) if board and not html else None
        self.dashboard = None
        if html:                            # (the page's board serves JSON too)
            from slacode.report.html import Dashboard

            self.dashboard = Dashboard(plan, zone, as_of, by=self.counter.by, period=period, rules=rules,
                                       response=response, table=False)
            self.board = self.dashboard.board

    def __call__(self, verdicts: list) -> None:
        """Count one lead's verdicts."""
        self.counter.add(verdicts)
        if self.dashboard is not None:
            self.dashboard.add(verdicts)
        elif self.board is not None:
            self.board.add(verdicts)

    def finish(self, result, owners=None):
        """Add the targets' and quotas' verdicts of ``result`` (only those ``owners`` own,
        when given), and return the compliance table."""
        if owners:
            result.verdicts = [v for v in result.verdicts if v.lead is not None or v.owner in owners]
        self(result.verdicts)
        return self.counter.table(result)


class DueSink:
    """`due`'s clocks (:class:`~slacode.report.due.DueClocks`: a window, the overdue ones,
    the escalations, ``keep``: the assignees asked for) and the little its notes need."""

    def __init__(self, as_of: int, within=None, overdue: bool = False, escalating: dict | None = None,
                 keep: set | None = None, only=None):
        self.clocks = DueClocks(as_of, within, overdue, escalating, keep)
        self.keep = keep
        self.only = only                # a test of a verdict (--rule, --owner, --segment), or None
        self.known: set = set()         # the assignees seen (with --assignee: its typo hint)
        self.missed = 0                 # the clocks past their deadline and still open (of keep's)

    def __call__(self, verdicts: list) -> None:
        """Take one lead's verdicts (all of them: a clock's escalations depend on the
        lead's other rules, which ``only`` may leave out of the list)."""
        self.clocks.add(verdicts)
        keep, only = self.keep, self.only
        for v in verdicts:
            if v.overdue and (keep is None or v.assignee in keep) and (only is None or only(v)):
                self.missed += 1
        if keep is not None:
            self.known.update(v.assignee for v in verdicts if v.assignee)

    def finish(self, result) -> list:
        """Take ``result``'s own verdicts (targets' and quotas'), and return the clocks,
        soonest first."""
        self(result.verdicts)
        items = self.clocks.items()
        return items if self.only is None else [d for d in items if self.only(d)]
