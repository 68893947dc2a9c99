"""What happened to the clocks between two instants: `slacode changes --since T0 --as-of T1`.

The events are evaluated as of ``T1`` (``as_of``); each verdict then lists the
*transitions* whose instant lies in the window ``(T0, T1]``, derived from the verdict's own
instants and status and from its cycle (not by judging twice and comparing):

* ``opened``: a cycle's start (one per cycle; ``clause`` null); a cycle opened by a
  deadline's breach (`start on breach of RULE`) opens just after it, as that breach;
* ``warned``: a ``within`` / ``at least … within`` clause reaching its warning
  (:func:`slacode.escalate.warning_instant`: pauses, a retarget and a close before it are
  taken into account); a rule with several levels lists each level the cycle reached, at
  the instant it had passed it, found the same way, with ``level`` its text, whether the
  cycle is open or closed at ``T1`` (the earliest is the warning, ``escalates_to``);
* ``met``: a ``met`` verdict's ``completed_at``, else its cycle's close (a "never" clause,
  ``at least N before`` without the trigger); the `flow` rule's first entry into a final
  state (before any disallowed change); the counted event that reached an `at least N`
  quota's goal in its period (the Nth; a `sum`: the first instant its running sum reached it);
* ``breached``: :func:`slacode.escalate.breach_instant`: a deadline's instant for a cycle
  that passed it open or stopped late, the event of ``breach on`` / ``breach when``, the
  first violating attempt of a "never" clause, the stop of ``require`` and the decision of
  ``first`` / ``at least N before``. A deadline's breach happens *just after* it (a deadline
  equal to ``as_of`` is not yet breached), so it is listed when ``T0 <= due_at < T1``; one
  that a retarget dates before the change happens at the change, when it becomes known
  (:func:`slacode.escalate.known_after_retarget`; an `at least … within` met that way too). Also
  the `flow` rule's first disallowed change (or change into an undeclared state), and the
  counted event that took an `at most N` quota past its goal (the (N+1)th; a `sum`: the first
  instant its running sum exceeded it);
* ``completed_late``: the late stop (``completed_at``) of a breached timed clause;
* ``cancelled``: the close (cancel or restart) of a ``cancelled`` verdict's cycle;
* ``decided``: a target's or quota's period, with its status as of ``T1``, when it was
  decided: a quota's at its end; a target's at its end, or, when a cycle of it was still
  undecided then, when its last such cycle was decided (its stop, cancel, breach: just after
  a deadline, as a breach); a `by assignee` target's groups are fixed at the period's end
  (:func:`slacode.aggregate.rep_at`), so each group's ``decided`` has one key in every run.

Every line's ``at`` is when the transition became known (the first ``as_of`` whose run
shows it), so consecutive windows list each transition once, under one key.

The flow's and the quotas' ``met`` and ``breached`` are listed when they happened, whatever
the status as of ``T1`` (a flow met, then left its final state: ``breached`` later), so
consecutive windows list each once.

Pure: no clock, no I/O.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable

from slacode.verdict import as_text, from_us

#: the transitions, in the order a table explains them
TRANSITIONS = ("opened", "warned", "met", "breached", "completed_late", "cancelled", "decided")
_WARNING_KINDS = frozenset({"within", "at_least_within"})
_TIMED = frozenset({"within", "at_least_within", "at_least_per_day", "gap_at_most"})


@dataclass(frozen=True)
class Change:
    """One transition of one verdict, at ``at`` (epoch microseconds), in the window."""

    at: int
    transition: str
    lead: str | None
    rule: str
    clause: str | None
    cycle: int | None
    period: str | None
    level: str | None
    status: str                     # the verdict's status as of T1
    owner: str | None
    assignee: str | None
    segment: str | None
    reason: str
    zone: object
    escalates_to: tuple = ()
    # a `by assignee` / `by FIELD` target's or quota's: ("assignee", rep) / (field, value),
    # the group its period is of (the key's last item); None for every other change
    group: tuple | None = None

    @property
    def key(self) -> str:
        """``[lead, rule, clause, cycle or period, transition, level]`` as compact JSON (a
        grouped target's or quota's: ``[…, level, [by, group]]``): the same transition has
        the same key in every run that lists it."""
        import json

        where = self.period if self.period is not None else self.cycle
        parts = [self.lead, self.rule, self.clause, where, self.transition, self.level]
        if self.group is not None:
            parts.append(list(self.group))
        return json.dumps(parts, ensure_ascii=False, separators=(",", ":"), default=str)

    def sort_key(self) -> tuple:
        return (self.at, self.key)

    def to_dict(self) -> dict:
        """JSON-ready (``slacode schema changes``, ``#/$defs/change``)."""
        from slacode.instants import iso_datetime

        out = {"key": self.key, "at": iso_datetime(from_us(self.at, self.zone)), "transition": self.transition,
               "lead": self.lead, "rule": self.rule, "clause": self.clause, "cycle": self.cycle,
               "period": self.period, "level": self.level, "status": self.status, "owner": self.owner,
               "assignee": self.assignee, "segment": self.segment, "reason": self.reason}
        if self.escalates_to:
            out["escalates_to"] = list(self.escalates_to)
        return out


def _in(at, since: int, as_of: int) -> bool:
    return at is not None and since < at <= as_of


def lead_changes(fold, verdicts: Iterable, since: int, as_of: int, escalating: dict | None = None) -> list:
    """The transitions in ``(since, as_of]`` of one lead's ``verdicts`` (judged as of
    ``as_of`` from ``fold``, the lead's :class:`~slacode.evaluate.LeadFold`).
    ``escalating``: :func:`slacode.report.due.escalations` of the plan (``escalates_to``)."""
    from slacode.escalate import decided_instant

    escalating = escalating or {}
    folds = {rf.plan.name: rf for rf in fold.rules}
    out: list = []
    opened: set = set()
    for v in verdicts:
        if v.lead is None:
            continue
        if v.cycle is None:
            if v.rule == "flow":
                out.extend(_flow_changes(fold, v, since, as_of))
            continue
        rf = folds.get(v.rule)
        if rf is None:
            continue
        rp = rf.plan
        cyc = next((c for c in rf.cycles if c.number == v.cycle), None)
        clause = next((c for c in rp.clauses if c.key == v.clause), None)
        if cyc is None or clause is None:
            continue
        kind = clause.kind

        def add(at, transition, level=None, clause_key=v.clause, event=None):
            to = tuple(name for name, _ in escalating.get((v.rule, v.clause, event), ())) if event else ()
            out.append(Change(at, transition, v.lead, v.rule, clause_key, v.cycle, None, level, v.status, v.owner,
                              as_text(v.assignee), v.segment, v.reason, v.zone, to))

        if (v.rule, v.cycle) not in opened:
            opened.add((v.rule, v.cycle))
            # a cycle a deadline's breach opened (`breach of`) opens just after that instant too
            late = cyc.escalates is not None and cyc.escalates[4]
            if since <= cyc.start < as_of if late else _in(cyc.start, since, as_of):
                add(cyc.start, "opened", clause_key=None)
        if kind in _WARNING_KINDS:
            _warned(rp, cyc, since, as_of, add)
        status = v.status
        decided = decided_instant(clause, v, cyc, fold)
        if decided is not None and _within(decided, since, as_of):
            at = decided[0]
            if status == "breached":
                add(at, "breached", event="breach")
            else:                                       # met, cancelled
                add(at, status)
        if status == "breached" and kind in _TIMED and v.completed_at is not None and v.due_at is not None \
                and v.completed_at > v.due_at and _in(v.completed_at, since, as_of):
            add(v.completed_at, "completed_late")
    return out


def _warned(rp, cyc, since: int, as_of: int, add) -> None:
    """A cycle's ``warned`` lines in the window: with one `warn`, its warning (level null);
    with several levels, each level it reached, at the first instant it had passed that
    level (:func:`slacode.escalate.warning_instant`), keyed by the level as written, in
    every run alike (open or closed as of ``as_of``); the earliest (ties: the level first
    in time order on the cycle's first line) is the warning that `warning of` escalates."""
    from slacode.escalate import warning_instant, warning_levels

    levels = warning_levels(cyc)
    if not levels:
        first = warning_instant(rp, cyc, as_of)
        if _in(first, since, as_of):
            add(first, "warned", None, event="warning")
        return
    reached = [(at, k, words) for k, words in enumerate(levels)
               if (at := warning_instant(rp, cyc, as_of, words)) is not None]
    if not reached:
        return
    warning = min(reached)
    for item in reached:
        if _in(item[0], since, as_of):
            add(item[0], "warned", item[2], event="warning" if item is warning else None)


def _within(decided: tuple, since: int, as_of: int) -> bool:
    """Whether ``(instant, after)`` happened in ``(since, as_of]``: one that happens just
    after its instant (a deadline's breach) when ``since <= instant < as_of``."""
    at, after = decided
    return since <= at < as_of if after else since < at <= as_of


def _flow_changes(fold, v, since: int, as_of: int) -> list:
    """The `flow` verdict's ``met`` (its first entry into a final state, before any
    disallowed change; not when that change comes at the same instant, as of which the flow
    is breached already) and ``breached`` (its first disallowed change) in the window."""
    from slacode.escalate import flow_instants

    out = []
    met, breached = flow_instants(fold)
    if met is not None and met == breached:
        met = None                  # left the final state at the instant it entered it: no run showed it met
    for at, transition in ((met, "met"), (breached, "breached")):
        if _in(at, since, as_of):
            out.append(Change(at, transition, v.lead, v.rule, v.clause, None, None, None, v.status, v.owner,
                              as_text(v.assignee), v.segment, v.reason, v.zone))
    return out


def goal_groups(plan) -> dict:
    """``{name: "assignee" | FIELD}`` of the plan's targets and quotas set `by assignee` or
    `by FIELD` (one verdict per group and period: the group is part of their changes' key)."""
    return {g.name: (g.by_field if g.by_field is not None else "assignee")
            for g in (*plan.targets, *plan.quotas) if g.by_assignee or g.by_field is not None}


def _group_of(v, groups: dict) -> tuple | None:
    by = groups.get(v.rule)
    if by is None:
        return None
    if by == "assignee" and v.group is None:
        return "assignee", as_text(v.assignee)
    return by, (v.group or {}).get(by)


def aggregate_changes(verdicts: Iterable, since: int, as_of: int, groups: dict | None = None) -> list:
    """The targets' and quotas' periods (verdicts with a ``period``): ``decided`` when the
    period was decided in ``(since, as_of]`` (and is, ``met`` or ``breached``, as of
    ``as_of``): its end, or a target's last undecided cycle's decision after it; an `at
    least` quota's ``met`` and an `at most` quota's ``breached`` when its goal was reached
    or exceeded in the window (:attr:`~slacode.verdict.Verdict.timeline`; verdicts judged
    without it are decided at their end). ``groups``: :func:`goal_groups` of the plan."""
    out = []
    groups = groups or {}
    for v in verdicts:
        if v.lead is not None or v.period is None:
            continue
        group = _group_of(v, groups) if groups else None
        decided, after, reached, transition = v.timeline if v.timeline is not None else (v.due_at, False, None, None)
        if transition is not None and _in(reached, since, as_of):
            out.append(Change(reached, transition, None, v.rule, v.clause, None, v.period, None, v.status, v.owner,
                              as_text(v.assignee), v.segment, v.reason, v.zone, group=group))
        if v.status in ("met", "breached") and decided is not None and _within((decided, after), since, as_of):
            out.append(Change(decided, "decided", None, v.rule, v.clause, None, v.period, None, v.status, v.owner,
                              as_text(v.assignee), v.segment, v.reason, v.zone, group=group))
    return out


class ChangesSink:
    """`changes` lead by lead: :meth:`hook` turns a lead's fold and verdicts into its
    changes (what the run's outcomes carry, so no verdict is kept), :meth:`__call__` takes
    them in lead order, :meth:`finish` adds the targets' and quotas' and sorts. ``only``:
    a test of a change (``--rule``, ``--owner``), or None."""

    def __init__(self, since: int, as_of: int, escalating: dict | None = None, only=None, groups: dict | None = None):
        self.since, self.as_of, self.escalating, self.only = since, as_of, escalating or {}, only
        self.groups = groups or {}          # goal_groups() of the plan
        self.items: list = []
        self.hook = _Hook(since, as_of, self.escalating)

    def __call__(self, changes: list) -> None:
        only = self.only
        self.items.extend(c for c in changes if only is None or only(c))

    def finish(self, result) -> list:
        """Add ``result``'s targets' and quotas' decisions; every change, by ``at`` then key."""
        self(aggregate_changes(result.verdicts, self.since, self.as_of, self.groups))
        return sorted(self.items, key=Change.sort_key)


class _Hook:
    """A lead's fold and verdicts -> its changes (run where the lead is folded: in the
    workers with ``--jobs``). ``timeline``: the run's aggregates keep the instants their
    periods were decided at (:func:`slacode.stream.wants_timeline`)."""

    timeline = True

    def __init__(self, since: int, as_of: int, escalating: dict):
        self.since, self.as_of, self.escalating = since, as_of, escalating

    def __call__(self, fold, verdicts: list) -> list:
        return lead_changes(fold, verdicts, self.since, self.as_of, self.escalating)


class ChangeList(list):
    """The :class:`Change` items of :func:`changes` (a list, so code that took the plain
    list of earlier versions works as it did), with the ``diagnostics`` of the evaluation
    behind them: the events that could not be used and the run's notes, as in
    ``Result.diagnostics`` and in ``slacode changes --format json``."""

    def __init__(self, items: Iterable[Change] = (), diagnostics: list | None = None):
        super().__init__(items)
        self.diagnostics: list = diagnostics if diagnostics is not None else []


def changes(agreement, events, *, since, as_of, default_tz=None, timestamp_formats=None,
            type_map=None) -> ChangeList:
    """The transitions of ``events`` in ``(since, as_of]`` (aware datetimes or RFC 3339
    text), by instant then key, as :class:`Change` items (``to_dict()``: as ``slacode
    changes --format jsonl`` writes them) in a :class:`ChangeList`, whose ``diagnostics``
    say which events could not be used (as ``changes --format json``'s): the events are
    evaluated once, as of ``as_of``, as :meth:`slacode.Agreement.evaluate` does
    (``timestamp_formats`` and ``type_map`` as it takes them; event files: give
    ``slacode.read_events([path])``). Pure: no clock, no I/O.

    Raises :class:`~slacode.timestamps.InvalidAsOfError` (a :class:`slacode.SlacodeError` and a
    ``ValueError``) for a ``since`` or ``as_of`` that names no instant, and for a ``since``
    after ``as_of``; ``TypeError`` for calling mistakes (a path among the events)."""
    from slacode import diagnostics as dg
    from slacode.aggregate import Aggregates
    from slacode.evaluate import (EventBatch, batch_parts, fold_lead, group_by_lead, public_as_of,
                                  records_from_objects, target_segments)
    from slacode.notes import RunNotes, note_diagnostics, unknown_state_diagnostics
    from slacode.report.due import escalations
    from slacode.timestamps import InvalidAsOfError

    plan = agreement.plan
    t0 = public_as_of(since, default_tz, name="since")
    t1 = public_as_of(as_of, default_tz)
    if t0 > t1:
        raise InvalidAsOfError("since is after as_of: the window (since, as_of] would be empty; "
                               "give the previous run's as_of as since")
    sink = ChangesSink(t0, t1, escalations(plan), groups=goal_groups(plan))
    diagnostics: list = []
    sources = None
    if isinstance(events, EventBatch):      # its records, and what reading them found (as evaluate)
        events, read, sources = batch_parts(events, default_tz)
        diagnostics.extend(read)
    records = records_from_objects(events, default_tz=default_tz, diagnostics=diagnostics, as_of_us=t1,
                                   as_of_zone=plan.zone, sources=sources or (), timestamp_formats=timestamp_formats,
                                   type_map=type_map, caller="changes")
    segs = target_segments(plan)
    agg = Aggregates(plan, t1, timeline=True) if plan.targets or plan.quotas else None
    notes = RunNotes()
    groups = group_by_lead(records)
    for lead in sorted(groups):
        fold = fold_lead(plan, lead, groups[lead], segs, t1)
        verdicts = fold.verdicts(t1)
        notes.take(lead, fold.notes)
        if agg is not None:
            agg.add(fold, verdicts)
        sink(sink.hook(fold, verdicts))
        diagnostics.extend(unknown_state_diagnostics(fold, sources))
    if diagnostics:
        diagnostics[:] = dg.sort_by_place(diagnostics, sources or ())
    diagnostics.extend(note_diagnostics(notes, sources, plan, whole_run=True))
    if agg is not None:
        diagnostics.extend(agg.span_diagnostics(sources))
    return ChangeList(sink.finish(_Aggregated(agg.verdicts() if agg is not None else [])), diagnostics)


@dataclass
class _Aggregated:
    verdicts: list

