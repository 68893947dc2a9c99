"""Escalation: `breach of RULE [clause KEY]` and `warning of RULE [clause KEY]` triggers
(extensions), by folding a lead again.

A breach is not an input event: it is the instant a cycle of RULE breached one of its
clauses, known only once RULE's verdicts are. So a lead of a plan with such triggers is
folded in strata: first over its real events; then the named rules' verdicts as of
``as_of`` give the breach instants, a *virtual* record is made for each, and the lead is
folded again over its real records and those, in processing order. A chain (C on the
breach of B, B on the breach of A) needs one more fold per link; the loop ends when a fold
finds exactly the breaches it was fed (the checks refuse loops of rules, SLA345, so that
happens after at most one fold more than the longest chain). A warning is such a virtual
event too, at the instant a cycle of RULE reached its warning (:func:`warning_instant`),
and goes through the same folds.

The instant of a breach, per clause kind (each the instant the verdict's own keys give):

* deadlines (``within``, ``at_least_within``, ``at_least_per_day``, ``gap_at_most``): the
  verdict's ``due_at``, the deadline that passed (pauses already moved it);
* clauses decided by one event (``require``: the stop; ``first``: the first attempt;
  ``at_least_before``: the trigger): the verdict's ``completed_at``;
* "never" clauses (``at_most_per_day``, ``at_most_per_cycle``, ``gap``, ``only_during``,
  ``only_between``): the first violating attempt's own instant (a counted breach shares its
  ref with a real event, so not found through the evidence).

Only breached verdicts as of ``as_of`` give one (a deadline equal to ``as_of`` is not yet
breached, LANGUAGE.md §6), so every breach is at or before ``as_of``. A virtual record
sorts after every real event of its instant (a stop exactly at a deadline is on time,
§5, and stops the cycle before its breach could act), breaches and warnings of one instant
in rule order (the file's), then clause, then cycle (a cycle's warning before its breach).
It has no properties and no fields, and
changes neither the lead's state nor its assignee; its ``ref`` (what evidence cites) is the
breached (or warned) cycle's start event, a real event, and it carries
:attr:`BreachRecord.escalates` and :attr:`BreachRecord.event`.

Plans without `breach of` or `warning of` never come here (:func:`slacode.evaluate.fold_lead`
tests one attribute of the plan).
"""
from __future__ import annotations

import heapq
from operator import itemgetter

from slacode.calendar import CalendarError
from slacode.compile import WarningKind
from slacode.events import Record

#: Deadline clauses: a breach at the verdict's ``due_at``.
DUE_KINDS = frozenset({"within", "at_least_within", "at_least_per_day", "gap_at_most"})
#: Clauses decided by one event: a breach at the verdict's ``completed_at``.
EVENT_KINDS = frozenset({"require", "first", "at_least_before"})
#: "Never" clauses: a breach at the first violating attempt.
NEVER_KINDS = frozenset({"at_most_per_day", "at_most_per_cycle", "gap", "only_during", "only_between"})

#: Virtual records' ``seq``: after every real record of their instant (a read's positions
#: are far smaller).
VIRTUAL_SEQ = 1 << 62


class BreachRecord(Record):
    """A virtual event: the breach of a rule's clause in one cycle, or (``event`` is
    ``"warning"``) its warning — not an input event.

    A :class:`~slacode.events.Record` (so the fold takes it as any other) with
    ``escalates``: ``(rule, clause key, cycle number)`` of the breach (or warning)."""

    # no __slots__: the instance holds `escalates` (and, for a warning, `event`)
    event = "breach"

    def __repr__(self) -> str:      # pragma: no cover - debugging aid
        rule, clause, cycle = self.escalates
        return f"BreachRecord({self.event} of {rule}.{clause} cycle {cycle} at {self.at})"


def breach_instant(clause, verdict, cyc, fold) -> int | None:
    """The instant of a breached ``verdict`` of ``clause`` (a clause of the plan) in cycle
    ``cyc`` of ``fold`` (epoch microseconds), or None when it is not breached (or gives no
    instant). A "never" clause's is its first violating attempt's own instant, found again
    among the cycle's attempts: not through the evidence, whose refs a counted breach shares
    with the real event that started the breached cycle."""
    if verdict.status != "breached":
        return None
    kind = clause.kind
    if kind in DUE_KINDS:
        return verdict.due_at
    if kind in EVENT_KINDS:
        return verdict.completed_at
    from slacode.judges import first_violation

    return first_violation(clause, cyc, fold)


def warning_instant(rp, cyc, as_of: int) -> int | None:
    """The instant a cycle ``cyc`` of ``rp`` (a rule of the plan) reached its warning, as of
    ``as_of`` (epoch microseconds), or None when it did not. The instant is the one the
    verdicts' ``warn_at`` is worked out as (the earliest level of the cycle's own target
    line, pauses moving it), for a closed cycle as judged when it closed: the cycle warned
    if that instant is at or before ``as_of`` (the cycle is ``at_risk`` from it, §6) and the
    cycle was still undecided then — not closed at or before it (a stop at that very
    instant comes first, as a real event before a virtual one), and in an `attempts` rule
    its Nth attempt not made at or before it (its `at least … within` is met)."""
    line = cyc.line
    warn_us = line.warn_us
    if warn_us is None:                                 # the rule has no `warn`
        return None
    closed = cyc.closed_at
    pauses = cyc.pause_list(closed if closed is not None else as_of) if cyc.pauses else ()
    clock = line.clock
    try:
        at = clock.add_us(cyc.start, warn_us, pauses)
    except CalendarError:                               # past the years calendars cover: the
        return None                                     # verdicts say so (_cycle_verdicts)
    if at > as_of or (closed is not None and closed <= at):
        return None
    if rp.kind == "attempts":
        n = line.n
        atts = cyc.attempts
        if n <= 0 or (len(atts) >= n and atts[n - 1][0] <= at):
            return None
    return at


def breaches(fold, as_of: int) -> list[tuple]:
    """The breaches and warnings a fold's cycles give for the plan's `breach of` and
    `warning of` triggers, in processing order: ``(at, rule index, clause position, cycle,
    0 for a warning or 1 for a breach, event kind, rule, key, the cycle's start ref)``."""
    from slacode.judges import _cycle_verdicts

    plan = fold.plan
    judges = fold.info.judges
    found = []
    wanted: dict[int, list] = {}
    for i, key, kind, ev_kind in plan.breach_watch:
        wanted.setdefault(i, []).append((key, kind, ev_kind))
    for i, keys in wanted.items():
        rf = fold.rules[i]
        rp = rf.plan
        position = {c.key: n for n, c in enumerate(rp.clauses)}
        clauses = rp.clauses
        breach_keys = [k for k in keys if k[2].__class__ is not WarningKind]
        warning_keys = [k for k in keys if k[2].__class__ is WarningKind]
        for cyc in rf.cycles:
            if warning_keys:
                at = warning_instant(rp, cyc, as_of)
                if at is not None:
                    for key, _, ev_kind in warning_keys:
                        found.append((at, i, position[key], cyc.number, 0, ev_kind, rp.name, key, cyc.start_ref))
            if not breach_keys:
                continue
            verdicts = {v.clause: v for v in _cycle_verdicts(fold, rp, cyc, as_of, judges[i])}
            for key, kind, ev_kind in breach_keys:
                v = verdicts.get(key)
                at = None if v is None else breach_instant(clauses[position[key]], v, cyc, fold)
                if at is None or at > as_of:
                    continue
                found.append((at, i, position[key], cyc.number, 1, ev_kind, rp.name, key, cyc.start_ref))
    found.sort(key=itemgetter(0, 1, 2, 3, 4))
    return found


def virtual_records(lead: str, found: list, places: dict) -> list[BreachRecord]:
    """A :class:`BreachRecord` per breach or warning of :func:`breaches` (in that order);
    ``places``: ref -> (source, line) of the real records (a virtual record has the
    breached cycle's start event's, where diagnostics would point)."""
    out = []
    for k, (at, _, _, cycle, order, ev_kind, rule, key, ref) in enumerate(found):
        source, line = places.get(ref, (0, 0))
        rec = BreachRecord(at, VIRTUAL_SEQ + k, lead, ev_kind, None, None, {}, None, ref, source, line)
        rec.escalates = (rule, key, cycle)
        if order == 0:
            rec.event = "warning"
        out.append(rec)
    return out


_order_key = itemgetter(0, 1)


class EscalationLoopError(RuntimeError):
    """Internal error: the folds of a lead with its breaches (or warnings) did not settle (a
    rule waits for its own breach or warning, which the checks refuse, SLA345)."""


def escalated_fold(fold, records: list, as_of: int, make):
    """The fold of a lead with its breaches: ``fold`` is the lead's fold over its real
    ``records`` (sorted); ``make()`` gives a new, empty fold of the same lead. Returns the
    final fold and the virtual records it took.

    Each refold settles at least one more link of the longest chain, so the breaches are
    those a fold was fed after at most ``len(rules) + 1`` refolds. That they still change
    then means a loop of rules (a rule waiting for its own breach): unreachable once the
    checks refuse loops (SLA345), and an :class:`EscalationLoopError` naming the rules
    rather than verdicts that contradict themselves."""
    used: list = []
    virtual: list = []
    places = None
    limit = len(fold.plan.rules) + 1
    rounds = 0
    while True:
        found = breaches(fold, as_of)
        if found == used:
            return fold, virtual
        if rounds == limit:
            names = sorted({b[6] for b in set(found) ^ set(used)})
            raise EscalationLoopError(
                f"internal error: lead {fold.lead!r}: the breaches of {', '.join(f'`{n}`' for n in names)} do not "
                f"settle after {limit} folds; a rule waits for its own breach (SLA345, which the checks "
                "should have refused)")
        rounds += 1
        used = found
        if places is None:
            places = {r.ref: (r.source, r.line) for r in records}
        virtual = virtual_records(fold.lead, found, places)
        fold = make()
        for rec in heapq.merge(records, virtual, key=_order_key):
            fold.feed(rec)
