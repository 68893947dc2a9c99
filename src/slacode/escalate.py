"""Escalation: `breach of RULE [clause KEY]`, `warning of RULE [clause KEY]` and `success of
RULE [clause KEY]` triggers (extensions), by folding a lead again.

A breach is not an input event: it is the instant a cycle of RULE breached one of its
clauses, known only once RULE's verdicts are. So a lead of a plan with such triggers is
folded in strata: first over its real events; then the named rules' verdicts as of
``as_of`` give the breach instants, a *virtual* record is made for each, and the lead is
folded again over its real records and those, in processing order. A chain (C on the
breach of B, B on the breach of A) needs one more fold per link; the loop ends when a fold
finds exactly the breaches it was fed (the checks refuse loops of rules, SLA345, so that
happens after at most one fold more than the longest chain, in which a rule's `at least N
before` on its own warning or breach is a link of its own). A warning is such a virtual
event too, at the first instant a cycle of RULE, judged as of that instant, had passed its
warning (:func:`warning_instant`), and goes through the same folds; so is a success
(:func:`success_instant`), the instant a cycle of RULE was met (its stop by the deadline,
or an `attempts` rule's Nth attempt by it).

The instant of a breach, per clause kind (each the instant the verdict's own keys give):

* deadlines (``within``, ``at_least_within``, ``at_least_per_day``, ``gap_at_most``): the
  verdict's ``due_at``, the deadline that passed (pauses already moved it); a ``within``
  closed as breached by an event (`breach on`, `breach when`, extensions) at or before its
  deadline: that event's instant, which has happened as of it (a real event: not ``late``);
* clauses decided by one event (``require``: the stop; ``first``: the first attempt;
  ``at_least_before``: the trigger): the verdict's ``completed_at``;
* "never" clauses (``at_most_per_day``, ``at_most_per_cycle``, ``gap``, ``only_during``,
  ``only_between``): the first violating attempt's own instant (a counted breach shares its
  ref with a real event, so not found through the evidence).

Only breached verdicts as of ``as_of`` give one (a deadline equal to ``as_of`` is not yet
breached, LANGUAGE.md §6), so every breach is at or before ``as_of``. A virtual record
sorts after every real event of its instant (a stop exactly at a deadline is on time,
§5, and stops the cycle before its breach could act); of one instant, those that have
happened as of it (warnings, breaches decided by an event) before those that happen only
after it (a deadline's breach: ``late``), a record of a cycle another one of that instant
opened after that one (``depth``), then rule order (the file's), clause, cycle (a cycle's
warning before its breach): :func:`breaches`.
It has no properties and no fields, and
changes neither the lead's state nor its assignee; its ``ref`` (what evidence cites) is the
breached (or warned) cycle's start event, a real event, and it carries
:attr:`BreachRecord.escalates` and :attr:`BreachRecord.event`.

Plans without `breach of` or `warning of` never come here (:func:`slacode.evaluate.fold_lead`
tests one attribute of the plan).
"""
from __future__ import annotations

import heapq
from bisect import bisect_left
from operator import itemgetter

from slacode.calendar import CalendarError
from slacode.compile import SuccessKind, WarningKind
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

    # no __slots__: the instance holds `escalates` (and, for a warning, `event`; `late` and
    # `depth` when not 0)
    event = "breach"
    #: 1 when it happens only after its instant (:func:`_later`): a deadline's breach, or an
    #: event of a cycle such a breach opened at that instant
    late = 0
    #: how many virtual events of its instant it follows from: 0, or one more than the one
    #: that opened its cycle at that instant
    depth = 0

    def tag(self) -> tuple:
        """What a cycle it starts, closes or counts in keeps of it: ``(rule, clause, cycle,
        "breach" or "warning", late, depth)``."""
        return (*self.escalates, self.event, self.late, self.depth)

    def __repr__(self) -> str:      # pragma: no cover - debugging aid
        rule, clause, cycle = self.escalates
        return f"BreachRecord({self.event} of {rule}.{clause} cycle {cycle} at {self.at})"


def breach_instant(clause, verdict, cyc, fold) -> int | None:
    """The instant of a breached ``verdict`` of ``clause`` (a clause of the plan) in cycle
    ``cyc`` of ``fold`` (epoch microseconds), or None when it is not breached (or gives no
    instant). A "never" clause's is its first violating attempt's own instant, found again
    among the cycle's attempts: not through the evidence, whose refs a counted breach shares
    with the real event that started the breached cycle."""
    got = breach_decided(clause, verdict, cyc, fold)
    return None if got is None else got[0]


def breach_decided(clause, verdict, cyc, fold) -> tuple[int, bool] | None:
    """:func:`breach_instant` as ``(instant, after)``: ``after`` is True for a deadline's
    breach, which happens just *after* the deadline (one equal to ``as_of`` is not yet
    breached); a breach made known by a retarget (:func:`known_after_retarget`) happens at
    that change, not after it."""
    if verdict.status != "breached":
        return None
    kind = clause.kind
    if kind in DUE_KINDS:
        if cyc.close_kind == "breach" and cyc.closed_at <= verdict.due_at:     # `breach on` / `breach when`
            return cyc.closed_at, False                 # (extension): the event, by the deadline
        return known_after_retarget(cyc, kind, (verdict.due_at, True))
    if kind in EVENT_KINDS:
        at = verdict.completed_at
        return None if at is None else (at, False)
    from slacode.judges import first_violation

    at = first_violation(clause, cyc, fold)
    return None if at is None else (at, False)


#: the clauses whose line `retarget when segment changes` (extension) chooses again
LINE_KINDS = frozenset({"within", "at_least_within"})


def known_after_retarget(cyc, kind: str, got: tuple[int, bool] | None) -> tuple[int, bool] | None:
    """When a decision ``got`` (``(instant, after)``) of a ``within`` / ``at_least_within``
    clause of ``cyc`` became known: a cycle whose line was changed (`retarget when segment
    changes`, extension) was undecided as of every instant before its last change (a line
    already decided stays, so the line it replaced was open and undecided then), so a
    decision the new line dates before that change — its deadline already behind the
    change, or its Nth attempt made by it — happens at the change, as its warning does
    (:func:`warning_instant`). Others are as given."""
    if got is None or not cyc.retargets or kind not in LINE_KINDS:
        return got
    change = cyc.retargets[-1][0]
    return (change, False) if got[0] < change else got


def decided_instant(clause, verdict, cyc, fold) -> tuple[int, bool] | None:
    """When ``verdict`` (of ``clause``, a clause of the plan, in cycle ``cyc`` of ``fold``,
    judged as of the run's ``as_of``) stopped being undecided, as ``(instant, after)``, or
    None while it is undecided (or gives no instant): ``after`` is True when it happens just
    *after* the instant (a deadline's breach: a deadline equal to ``as_of`` is not yet
    breached). A ``met`` verdict's ``completed_at``, else its cycle's close; a ``breached``
    one's :func:`breach_instant`; a ``cancelled`` one's close. (`slacode changes`: the
    ``met``, ``breached`` and ``cancelled`` transitions, and when a target's period is decided.)"""
    status = verdict.status
    if status == "met":
        at = verdict.completed_at if verdict.completed_at is not None else cyc.closed_at
        return None if at is None else known_after_retarget(cyc, clause.kind, (at, False))
    if status == "breached":
        return breach_decided(clause, verdict, cyc, fold)
    if status == "cancelled":
        return None if cyc.closed_at is None else (cyc.closed_at, False)
    return None


def flow_instants(fold) -> tuple[int | None, int | None]:
    """``(met, breached)``: the instants the lead's `flow` verdict was first met (a final
    state reached before any disallowed change) and first breached (the first disallowed
    change, or change into an undeclared state), None for what has not happened. A met
    flow can still be breached later (a change out of the final state); a breach is final."""
    return fold.flow_met_at, fold.flow_breach_at


def flow_decided(fold) -> tuple[int, bool] | None:
    """When the lead's `flow` verdict stopped being ``pending`` (met or breached, whichever
    came first), as :func:`decided_instant` gives it, or None while it is pending."""
    met, breached = fold.flow_met_at, fold.flow_breach_at
    if met is None and breached is None:
        return None
    return (met if breached is None or (met is not None and met < breached) else breached), False


def success_instant(clause, verdict, cyc) -> tuple[int, bool] | None:
    """The instant a cycle ``cyc`` was met on ``clause`` (`success of RULE [clause KEY]`,
    extension; a ``within`` or an `attempts` rule's ``at_least_within``), with whether it
    happens only after that instant (:func:`_later`: decided by a deadline's breach of
    another rule), or None when ``verdict`` (as of ``as_of``) is not met:

    * ``within``: the stop at or before the deadline (the verdict's ``completed_at``);
    * ``at_least_within``: the Nth attempt made by the deadline (its ``completed_at``), or,
      with fewer attempts, the stop at or before the deadline that closed it as met."""
    if verdict.status != "met":
        return None
    at = verdict.completed_at
    if at is None:
        if cyc.close_kind != "stop" or cyc.closed_at is None:
            return None
        at = cyc.closed_at
    if clause.kind == "at_least_within" and verdict.completed_at is not None:
        n = cyc.line.n
        if n <= 0:                                      # nothing to make: met at the start
            return known_after_retarget(cyc, clause.kind, (at, False))
        nth = cyc.attempts[n - 1]
        return known_after_retarget(cyc, clause.kind, (at, len(nth) == 7 and bool(_later(nth[6]))))
    return known_after_retarget(cyc, clause.kind, (at, at == cyc.closed_at and bool(_later(cyc.closed_by))))


def warning_instant(rp, cyc, as_of: int, level: str | None = None) -> int | None:
    """The instant a cycle ``cyc`` of ``rp`` (a rule of the plan) reached its warning, as of
    ``as_of`` (epoch microseconds), or None when it did not: the first instant ``t <= as_of``
    at which the cycle, judged as of ``t`` (as `check --as-of t` would: every event at or
    before ``t``, and the virtual ones that have happened by then), has passed its warning —
    open, not paused, with the working time its line in force then warns at used (``at_risk``,
    or already breached). So:

    * each line the cycle had (``retarget``) warns in its own time: the cycle's lines in
      force from its start, then from each change (:func:`_line_spans`); a line's warning
      instant is counted from the start (its ``warn_at``, pauses moving it), and one already
      behind the change that made it the line warns at the change. A warning that happened
      on an earlier line stays: the first one is the warning;
    * a pause at that instant holds the warning until the clock runs again (as of the
      instant the cycle is ``paused``, not ``at_risk``): the resume, or no warning while the
      pause lasts;
    * a close at or before it means no warning (a real event at that very instant comes
      first, as a stop at the deadline is on time), except a close by a virtual event that
      has not happened as of that instant: a deadline's breach at that instant (a deadline
      equal to ``as_of`` is not yet breached, §6);
    * in an `attempts` rule, its `at least … within` met (the Nth attempt made by its
      deadline, at or before the instant) means nothing left to warn of.

    A cycle opened by a virtual event warns at its start at the earliest (its records come
    after the one that opened it, :func:`breaches`).

    ``level``: one of the rule's several warning levels, as written (``"80%"``, ``"30m
    before"``: :func:`warning_levels`): the first instant the cycle had passed that level,
    found the same way (a line without it is skipped); None: the earliest level, the warning."""
    if cyc.line.warn_us is None:                        # the rule has no `warn`
        return None
    closed = cyc.closed_at
    pauses = cyc.pause_list(closed if closed is not None else as_of) if cyc.pauses else ()
    for begin, end, line in _line_spans(cyc):
        us = line.warn_us if level is None else next((u for w, u in line.levels if w == level), None)
        if us is None:
            continue
        try:
            at = line.clock.add_us(cyc.start, us, pauses)
        except CalendarError:                           # past the years calendars cover: the
            return None                                 # verdicts say so (_cycle_verdicts)
        if at < begin:                                  # a line already past its warning: at the change
            at = begin
        if end is not None and at >= end:               # the next line came first
            continue
        at = _unpaused(cyc.pauses, at)
        if at is None:                                  # paused from then on (so are the later lines)
            return None
        if end is not None and at >= end:               # paused until the next line came
            continue
        if at > as_of:                                  # not yet
            return None
        if closed is not None and (closed < at or (closed == at and not _later(cyc.closed_by))):
            return None
        if rp.kind == "attempts" and _met(line, cyc, at, pauses):
            return None
        return at
    return None


def warning_levels(cyc) -> tuple:
    """The warning levels of a cycle's rule when it has several (extension), as written, in
    the time order of the cycle's first line (ties in the order written); () for a rule
    with one `warn` or none."""
    out: dict = {}
    for _, _, line in _line_spans(cyc):
        for words, _ in line.levels:
            out.setdefault(words, None)
    return tuple(out)


def _later(tag) -> bool:
    """Whether a virtual event (its :meth:`BreachRecord.tag`, None for a real event) has
    happened only after its instant, as of which it is not there yet: a deadline's breach
    (a deadline equal to ``as_of`` is not yet breached), or an event of a cycle such a
    breach opened at that instant."""
    return tag is not None and tag[4]


def _line_spans(cyc) -> list[tuple]:
    """The target lines a cycle had, each with the span it was in force: ``(from, until or
    None, line)``, from the start (`retarget`: each change at an event's instant, the line
    it replaced recorded with it)."""
    if not cyc.retargets:
        return [(cyc.start, None, cyc.line)]
    out = []
    begin = cyc.start
    for at, _, replaced in cyc.retargets:
        out.append((begin, at, replaced))
        begin = at
    out.append((begin, None, cyc.line))
    return out


def _unpaused(pauses, at: int) -> int | None:
    """The first instant from ``at`` at which the cycle's clock runs (``pauses``: its raw
    ``[start, end or None]`` intervals, in time order; a pause is in force from its start
    and over at its end), or None when a pause holds from then on (ongoing as of ``as_of``,
    or until the cycle closed)."""
    for ps, pe in pauses:
        if pe is not None and pe <= at:
            continue
        if ps > at:
            break
        if pe is None:
            return None
        at = pe
    return at


def _met(line, cyc, at: int, pauses) -> bool:
    """Whether an `attempts` cycle's `at least … within` on ``line`` is met as of ``at``: its
    Nth attempt made by the deadline, at or before ``at`` (not a counted breach of a deadline
    at ``at``, which has not happened as of ``at``)."""
    n = line.n
    if n <= 0:
        return True
    atts = cyc.attempts
    if len(atts) < n:
        return False
    nth = atts[n - 1]
    if nth[0] > at or (nth[0] == at and len(nth) == 7 and _later(nth[6])):
        return False
    try:
        return nth[0] <= line.clock.add_us(cyc.start, line.target_us, pauses)
    except CalendarError:
        return False


def breaches(fold, as_of: int) -> list[tuple]:
    """The breaches, warnings and successes a fold's cycles give for the plan's `breach of`,
    `warning of` and `success of` triggers, in processing order: ``(at, late, depth, rule
    index, clause position, cycle, 0 for a warning, 1 for a breach or 2 for a success,
    event kind, rule, key, the cycle's start ref)``.

    At one instant: first what has happened as of that instant (warnings, breaches decided
    by an event), then what happens only after it (``late``: a deadline's breach, §6, and
    what a cycle it opened gives at once), so that judging as of a later instant only adds
    records after those already taken; within each, a record of a cycle opened at that
    instant by another after it (``depth``: cause before effect); then the rules' order in
    the file, clause, cycle, a cycle's warning before its breach."""
    from slacode.judges import _cycle_verdicts

    plan = fold.plan
    if fold.recur_at is not None:                       # `recur sequential`: openings due as of as_of
        fold.open_recurring(as_of, True)
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
        breach_keys = [k for k in keys if k[2].__class__ is not WarningKind and k[2].__class__ is not SuccessKind]
        warning_keys = [k for k in keys if k[2].__class__ is WarningKind]
        success_keys = [k for k in keys if k[2].__class__ is SuccessKind]
        for cyc in rf.cycles:
            if warning_keys:
                at = warning_instant(rp, cyc, as_of)
                if at is not None:
                    late, depth = _rank(cyc, at, 0)
                    for key, _, ev_kind in warning_keys:
                        found.append((at, late, depth, i, position[key], cyc.number, 0, ev_kind, rp.name, key,
                                      cyc.start_ref))
            if not breach_keys and not success_keys:
                continue
            verdicts = {v.clause: v for v in _cycle_verdicts(fold, rp, cyc, as_of, judges[i])}
            for key, kind, ev_kind in success_keys:
                v = verdicts.get(key)
                got = None if v is None else success_instant(clauses[position[key]], v, cyc)
                if got is None or got[0] > as_of:
                    continue
                at, later = got
                late, depth = _rank(cyc, at, later)
                found.append((at, late, depth, i, position[key], cyc.number, 2, ev_kind, rp.name, key,
                              cyc.start_ref))
            for key, kind, ev_kind in breach_keys:
                v = verdicts.get(key)
                got = None if v is None else breach_decided(clauses[position[key]], v, cyc, fold)
                if got is None or got[0] > as_of:
                    continue
                at, by_due = got
                late, depth = _rank(cyc, at, by_due or _decided_late(cyc, at))
                found.append((at, late, depth, i, position[key], cyc.number, 1, ev_kind, rp.name, key,
                              cyc.start_ref))
    found.sort(key=itemgetter(0, 1, 2, 3, 4, 5, 6))
    return found


def _decided_late(cyc, at: int) -> bool:
    """Whether a breach decided by an event at ``at`` (``require``'s stop, ``first``'s first
    attempt, a "never" clause's violating attempt) was decided by a virtual event that
    happens only after ``at``: every record of the cycle at ``at`` (its attempts, its close)
    is one (a real one, or one that has happened, would come first and decide it). (An `at
    least N before` trigger is no attempt: its breach counts as having happened.)"""
    atts = cyc.attempts
    k = bisect_left(atts, at, key=itemgetter(0)) if atts else 0
    tags = []
    while k < len(atts) and atts[k][0] == at:
        tags.append(atts[k][6] if len(atts[k]) == 7 else None)
        k += 1
    if cyc.closed_at == at:
        tags.append(cyc.closed_by)
    return bool(tags) and all(_later(t) for t in tags)


def _rank(cyc, at: int, late: bool) -> tuple[int, int]:
    """``(late, depth)`` of a record of ``cyc`` at ``at`` (:func:`breaches`): a cycle opened
    at that very instant by a virtual event makes it follow that event (and happen after
    the instant when that one does)."""
    tag = cyc.escalates
    if tag is not None and cyc.start == at:
        return (1 if late or tag[4] else 0), tag[5] + 1
    return (1 if late else 0), 0


def virtual_records(lead: str, found: list, places: dict) -> list[BreachRecord]:
    """A :class:`BreachRecord` per breach or warning of :func:`breaches` (in that order);
    ``places``: ref -> (source, line) of the real records (a virtual record has the
    breached cycle's start event's, where diagnostics would point)."""
    out = []
    for k, (at, late, depth, _, _, cycle, order, ev_kind, rule, key, ref) in enumerate(found):
        source, line = places.get(ref, (0, 0))
        rec = BreachRecord(at, VIRTUAL_SEQ + k, lead, ev_kind, None, None, {}, None, ref, source, line)
        rec.escalates = (rule, key, cycle)
        if order == 0:
            rec.event = "warning"
        elif order == 2:
            rec.event = "success"
        if late:
            rec.late = 1
        if depth:
            rec.depth = depth
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
    those a fold was fed after at most ``2 * len(rules) + 1`` refolds (a chain passes each
    rule once, and a rule can add a link of its own: an `at least N before` on its own
    warning or breach, whose breach a further rule may wait for, SLA345 allows). That they
    still change then means a loop of rules (a rule waiting for its own breach):
    unreachable once the checks refuse loops (SLA345), and an :class:`EscalationLoopError`
    naming the rules rather than verdicts that contradict themselves."""
    used: list = []
    virtual: list = []
    places = None
    limit = 2 * len(fold.plan.rules) + 1
    rounds = 0
    while True:
        found = breaches(fold, as_of)
        if found == used:
            return fold, virtual
        if rounds == limit:
            names = sorted({b[8] for b in set(found) ^ set(used)})
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
