"""The impact of a change: both versions evaluated over the same records, verdicts paired
and counted by status change, and the paired verdicts whose due date (or warning) moved
(see :mod:`slacode.diff`)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from slacode import model as m


# ========================================================================== impact

@dataclass
class LeadChange:
    """One verdict of a lead whose status differs (``None``: no such verdict)."""

    rule: str
    clause: str
    cycle_old: int | None
    cycle_new: int | None
    old: str | None
    new: str | None

    def text(self) -> str:
        cycles = {c for c in (self.cycle_old, self.cycle_new) if c is not None}
        cycle = ""
        if len(cycles) == 1:
            cycle = f" cycle {cycles.pop()}"
        elif cycles:
            cycle = f" cycle {self.cycle_old}→{self.cycle_new}"
        return f"{self.rule}/{self.clause}{cycle}: {self.old or 'none'} → {self.new or 'none'}"

    def to_dict(self) -> dict:
        return {"rule": self.rule, "clause": self.clause, "cycle_old": self.cycle_old,
                "cycle_new": self.cycle_new, "from": self.old, "to": self.new}


@dataclass
class ClauseImpact:
    """How the verdicts of one rule and clause move: ``(old, new) → count``."""

    rule: str
    clause: str
    transitions: Counter = field(default_factory=Counter)
    periods: list[str] = field(default_factory=list)
    compared: int = 0

    @property
    def changed(self) -> int:
        return sum(self.transitions.values())

    def ordered(self) -> list[tuple[str | None, str | None, int]]:
        return [(a, b, n) for (a, b), n in sorted(self.transitions.items(),
                                                    key=lambda kv: (-kv[1], kv[0][0] or "", kv[0][1] or ""))]

    def text(self) -> str:
        moves = ", ".join(f"{a or 'none'} → {b or 'none'} {n}" for a, b, n in self.ordered())
        noun = "verdict changes" if self.changed == 1 else "verdicts change"
        text = f"{self.rule}/{self.clause}: {self.changed} {noun}: {moves}"
        if self.periods:
            text += f" (period{'s' if len(self.periods) > 1 else ''} {', '.join(self.periods)})"
        return text

    def to_dict(self) -> dict:
        return {"rule": self.rule, "clause": self.clause, "changed": self.changed,
                "compared": self.compared,
                "transitions": [{"from": a, "to": b, "count": n} for a, b, n in self.ordered()],
                "periods": list(self.periods)}


#: the statuses of a cycle still running as of `as_of`: the moves a RevOps lead can act on
OPEN_STATUSES = frozenset({"pending", "at_risk", "paused"})


@dataclass
class DueMove:
    """One lead's verdict, paired in both versions, whose due date (or warning) is another
    instant: ``old_at`` and ``new_at`` in epoch microseconds, each with its verdict's zone."""

    lead: str
    rule: str
    clause: str
    cycle_old: int | None
    cycle_new: int | None
    old: str
    new: str
    old_at: int
    new_at: int
    old_zone: Any = None
    new_zone: Any = None
    #: on a calendar (the new version's clock of the rule), the move in its working time, signed
    #: as :attr:`shift_us`; None where no calendar applies (the move is wall-clock time)
    work_us: int | None = None

    @property
    def shift_us(self) -> int:
        """New minus old: negative when the instant comes earlier."""
        return self.new_at - self.old_at

    @property
    def open(self) -> bool:
        """Whether the cycle is still running in the new version (pending, at risk, paused)."""
        return self.new in OPEN_STATUSES

    def shift_text(self) -> str:
        """``2h earlier``, ``1d 3h later`` (wall-clock time, where a day is 24 hours); on a
        calendar in its working time first, as targets are written there: ``1h of working
        time (16h by the wall clock) earlier`` (:func:`slacode.texts.apart_text`)."""
        from slacode.texts import apart_text

        work = None if self.work_us is None else abs(self.work_us)
        return f"{apart_text(abs(self.shift_us), work)} {'earlier' if self.shift_us < 0 else 'later'}"

    def text(self) -> str:
        """``touch/within cycle 1: due 2026-11-16 13:00 -03:00 → 2026-11-16 11:00 -03:00
        (2h earlier; pending)``."""
        from datetime import timezone

        from slacode.instants import when

        cycle = (f" cycle {self.cycle_new}" if self.cycle_old == self.cycle_new
                 else f" cycle {self.cycle_old}→{self.cycle_new}")
        status = self.new if self.old == self.new else f"{self.old} → {self.new}"
        return (f"{self.rule}/{self.clause}{cycle}: due {when(self.old_at, self.old_zone or timezone.utc)} → "
                f"{when(self.new_at, self.new_zone or timezone.utc)} ({self.shift_text()}; {status})")

    def to_dict(self) -> dict:
        from datetime import timezone

        from slacode.verdict import iso

        return {"lead": self.lead, "rule": self.rule, "clause": self.clause, "cycle_old": self.cycle_old,
                "cycle_new": self.cycle_new, "from": self.old, "to": self.new,
                "due_old": iso(self.old_at, self.old_zone or timezone.utc),
                "due_new": iso(self.new_at, self.new_zone or timezone.utc),
                "shift_seconds": _seconds(self.shift_us), "open": self.open}


def _seconds(us: int) -> int | float:
    """Microseconds as seconds: a whole number when it is one."""
    return us // 1_000_000 if us % 1_000_000 == 0 else us / 1_000_000


@dataclass
class MoveSummary:
    """How many paired verdicts' instants moved, earlier and later, and how far at most."""

    count: int = 0
    earlier: int = 0
    later: int = 0
    most_earlier_us: int = 0            # the largest move earlier, as a positive span
    most_later_us: int = 0
    open: int = 0
    open_largest_us: int | None = None  # the open verdicts' largest move, signed (new - old)
    open_largest: DueMove | None = None  # … and its move, to say it as the list does
    on_calendar: bool = False           # whether some move is on a calendar (its spans then say "wall clock")

    @classmethod
    def of(cls, moves: list[DueMove]) -> MoveSummary:
        out = cls(count=len(moves))
        for mv in moves:
            shift = mv.shift_us
            if shift < 0:
                out.earlier += 1
                out.most_earlier_us = max(out.most_earlier_us, -shift)
            else:
                out.later += 1
                out.most_later_us = max(out.most_later_us, shift)
            if mv.work_us is not None:
                out.on_calendar = True
            if mv.open:
                out.open += 1
                best = out.open_largest_us
                # the larger span wins; between equal spans, the earlier move (the one that hurts)
                if best is None or (abs(shift), -shift) > (abs(best), -best):
                    out.open_largest_us = shift
                    out.open_largest = mv
        return out

    def text(self, what: str = "due dates") -> str:
        """``due dates move for 23 verdicts (20 earlier, up to 3h; 3 later, up to 1h); 18 of
        them open, the largest move 3h earlier`` (capitalised by the caller)."""
        from slacode.texts import span_text

        parts = []
        wall = " by the wall clock" if self.on_calendar else ""      # (on a calendar `1d` is a working day)
        if self.earlier:
            parts.append(f"{self.earlier:,} earlier, up to {span_text(self.most_earlier_us)}{wall}")
        if self.later:
            parts.append(f"{self.later:,} later, up to {span_text(self.most_later_us)}{wall}")
        noun = "verdict" if self.count == 1 else "verdicts"
        text = f"{what} move for {self.count:,} {noun} ({'; '.join(parts)})"
        if self.open_largest_us is None:
            return text + ("; it is not open" if self.count == 1 else "; none of them open")
        shift = self.open_largest_us
        largest = (self.open_largest.shift_text() if self.open_largest is not None
                   else f"{span_text(abs(shift))} {'earlier' if shift < 0 else 'later'}")
        if self.count == 1:
            return text + "; it is open"
        if self.open == 1:
            return text + f"; 1 of them open, moved {largest}"
        return text + f"; {self.open:,} of them open, the largest move {largest}"

    def to_dict(self) -> dict:
        def side(n: int, most: int) -> dict:
            return {"count": n, "largest_seconds": _seconds(most) if n else None}

        return {"count": self.count, "earlier": side(self.earlier, self.most_earlier_us),
                "later": side(self.later, self.most_later_us),
                "open": {"count": self.open,
                         "largest_shift_seconds": None if self.open_largest_us is None
                         else _seconds(self.open_largest_us)}}


def _move_order(mv: DueMove) -> tuple:
    """Open cycles first, the soonest new due date first; then the lead, rule and clause."""
    return (not mv.open, mv.new_at, mv.lead, mv.rule, mv.clause, mv.cycle_new or 0, mv.old_at)


@dataclass
class Impact:
    """The verdicts both versions give for the same records as of the same instant."""

    as_of: int
    zone: Any
    records: int
    leads_evaluated: int
    old_verdicts: int
    new_verdicts: int
    clauses: list[ClauseImpact]
    leads: dict[str, list[LeadChange]]
    old_diagnostics: list = field(default_factory=list)
    new_diagnostics: list = field(default_factory=list)
    #: the lead verdicts paired in both versions whose due date differs, open ones first
    #: (the soonest new due date first), whatever their status does
    due_moves: list[DueMove] = field(default_factory=list)
    #: the same for the warning instant (`warn_at`): no due date in these
    warn_moves: list[DueMove] = field(default_factory=list)

    @property
    def changed(self) -> int:
        """How many verdicts change status (appearing and disappearing ones included)."""
        return sum(c.changed for c in self.clauses)

    @property
    def due_summary(self) -> MoveSummary:
        """How many due dates move, earlier and later, how far, and how many are open."""
        return MoveSummary.of(self.due_moves)

    @property
    def warn_summary(self) -> MoveSummary:
        """The same for warnings (`warn_at`)."""
        return MoveSummary.of(self.warn_moves)

    def clause(self, rule: str, clause: str) -> ClauseImpact | None:
        return next((c for c in self.clauses if c.rule == rule and c.clause == clause), None)

    def to_dict(self, leads_limit: int | None = None) -> dict:
        from slacode.verdict import iso

        names = sorted(self.leads)
        shown = names if leads_limit is None else names[:leads_limit]
        return {"as_of": iso(self.as_of, self.zone), "events": self.records,
                "leads_evaluated": self.leads_evaluated,
                "verdicts": {"old": self.old_verdicts, "new": self.new_verdicts},
                "changed": self.changed,
                "by_clause": [c.to_dict() for c in self.clauses if c.changed],
                "leads": {"count": len(names),
                          "listed": [{"lead": n, "changes": [c.to_dict() for c in self.leads[n]]}
                                     for n in shown]},
                "due_moves": {**self.due_summary.to_dict(),
                              "listed": [mv.to_dict() for mv in self.due_moves[:leads_limit]]},
                "warn_moves": self.warn_summary.to_dict()}


def _verdict_keys(verdicts) -> dict[tuple, Any]:
    """Each verdict under its pairing key: (lead, rule, clause, start, n) for a lead's
    verdicts, (None, rule, clause, period, rep, group) for aggregates (the rep of a `by
    assignee` goal, the (field, group key) of a `by FIELD` goal)."""
    out: dict[tuple, Any] = {}
    seen: Counter = Counter()
    for v in verdicts:
        if v.lead is None:
            key = (None, v.rule, v.clause, v.period, v.assignee, _group_id(v.group))
        else:
            base = (v.lead, v.rule, v.clause, v.started_at)
            key = base + (seen[base],)
            seen[base] += 1
        out[key] = v
    return out


def _paired_escalations(keyed_old: dict, keyed_new: dict) -> dict:
    """``keyed_new`` with the verdicts of a cycle started by a breach or a warning (`start on
    breach of RULE`, `start on warning of RULE`, extensions) that found no partner by their
    start keyed as their partner in ``keyed_old``: a cycle keeps its identity across two
    versions by what started it, the breach (warning) of that rule's clause and cycle, and
    that instant moves with the breached rule's target (a `within 4h` made `within 3h`
    moves the breach an hour, and the cycle it starts with it). Paired so, an escalation
    whose status stays the same is no change (not `breached → none` plus `none → breached`),
    and its due date that moved is a move. Verdicts paired by their start are left as
    they are; an escalation's partner must be one too, the first left over of the lead, rule
    and clause that escalates from the same breach (warning)."""
    new_only = [k for k in keyed_new if k not in keyed_old and k[0] is not None]
    if not new_only:
        return keyed_new
    old_only = [k for k in keyed_old if k not in keyed_new and k[0] is not None]
    waiting: dict = {}
    for k in old_only:
        ident = _escalation_id(keyed_old[k])
        if ident is not None:
            waiting.setdefault(ident, []).append(k)
    if not waiting:
        return keyed_new
    out = dict(keyed_new)
    for k in new_only:
        ident = _escalation_id(keyed_new[k])
        partners = waiting.get(ident) if ident is not None else None
        if partners:
            out[partners.pop(0)] = out.pop(k)
    return out


def _recurring_rules(plan) -> set[str]:
    """The names of a plan's rules with `recur` (extension)."""
    return {rp.name for rp in plan.rules if getattr(rp, "recur", None) is not None}


def _paired_recurrences(keyed_old: dict, keyed_new: dict, names: set[str]) -> dict:
    """``keyed_new`` with the verdicts of a rule with `recur` (extension, in either version)
    that found no partner by their start keyed as the one of ``keyed_old`` with the same
    lead, rule, clause and cycle number, left over too: a recurred cycle keeps its identity
    across two versions by its place in the chain, since its start moves with the previous
    cycle (`recur sequential` opens it at the previous deadline, which a `within 2h` made
    `within 3h` moves). Paired so, a cycle whose status stays the same is no change (not
    `breached → none` plus `none → breached`), and its due date that moved is a move."""
    if not names:
        return keyed_new
    old_only = {}
    for k in keyed_old:
        if k not in keyed_new and k[0] is not None and k[1] in names:
            v = keyed_old[k]
            old_only.setdefault((v.lead, v.rule, v.clause, v.cycle), k)
    if not old_only:
        return keyed_new
    out = dict(keyed_new)
    for k in [k for k in keyed_new if k not in keyed_old and k[0] is not None and k[1] in names]:
        v = keyed_new[k]
        partner = old_only.pop((v.lead, v.rule, v.clause, v.cycle), None)
        if partner is not None and partner not in out:
            out[partner] = out.pop(k)
    return out


def _escalation_id(v) -> tuple | None:
    """What started a lead verdict's cycle when a breach or a warning did: ``(lead, rule,
    clause, breached rule, its clause, its cycle, "breach" or "warning")``; None otherwise."""
    esc = getattr(v, "escalates", None)
    if not esc or esc.get("role") != "start":
        return None
    return (v.lead, v.rule, v.clause, esc["rule"], esc["clause"], esc["cycle"], esc.get("event", "breach"))


def _group_id(group: dict | None) -> tuple | None:
    """A `by FIELD` verdict's group as a key: (field, group key); None without a group."""
    if group is None:
        return None
    from slacode.groups import group_key

    (name, value), = group.items()
    return name, group_key(value)


def _records_of(records, as_of: int, diagnostics: list, zone=None) -> list:
    from slacode.events import Record, after_as_of_diagnostic, records_from_objects

    records = list(records)
    if all(isinstance(r, Record) for r in records):
        kept = [r for r in records if r.at <= as_of]
        if len(kept) < len(records):                # counted, as evaluate counts them (SLA506)
            first = next(i for i, r in enumerate(records, 1) if r.at > as_of)
            diagnostics.append(after_as_of_diagnostic(len(records) - len(kept), first, None, as_of,
                                                      what="position", zone=zone))
        return kept
    return records_from_objects(records, diagnostics=diagnostics, as_of_us=as_of, as_of_zone=zone)


def impact(old: m.Agreement, new: m.Agreement, records, as_of, *, sources=None, jobs: int = 1) -> Impact:
    """Evaluate ``old`` and ``new`` over the same ``records`` as of ``as_of`` and compare
    (in ``jobs`` processes, 0 for one per core: the same result).

    ``records``: :class:`slacode.events.Record` objects (``slacode.read_events(paths).records``:
    read them once and pass the list), or event dicts / :class:`slacode.Event`.
    ``as_of``: an aware datetime, RFC 3339 text or epoch microseconds. Pure: no I/O, no clock.
    """
    from slacode.evaluate import as_of_us, evaluate_records

    cutoff = as_of_us(as_of)
    read_diags: list = []
    recs = _records_of(records, cutoff, read_diags, new.plan.zone)
    diags_old, diags_new = list(read_diags), list(read_diags)
    from slacode import parallel

    if jobs == 1 or len(recs) < parallel.MIN_PARALLEL_RECORDS or not parallel.can_fork():
        res_old = evaluate_records(old.plan, recs, cutoff, diags_old, sources=sources)
        res_new = evaluate_records(new.plan, recs, cutoff, diags_new, sources=sources)
    else:                                           # the same results, in several processes
        from slacode.stream import result_of

        jobs = parallel.max_jobs(jobs or parallel.available_cores())
        res_old, res_new = (result_of(parallel.run_records_parallel(a.plan, recs, cutoff, jobs, sources), a.plan,
                                      cutoff, diags) for a, diags in ((old, diags_old), (new, diags_new)))
    keyed_old, keyed_new = _verdict_keys(res_old.verdicts), _verdict_keys(res_new.verdicts)
    keyed_new = _paired_escalations(keyed_old, keyed_new)
    keyed_new = _paired_recurrences(keyed_old, keyed_new, _recurring_rules(old.plan) | _recurring_rules(new.plan))
    clauses: dict[tuple[str, str], ClauseImpact] = {}
    for v in list(res_new.verdicts) + list(res_old.verdicts):   # new file's order first
        clauses.setdefault((v.rule, v.clause), ClauseImpact(v.rule, v.clause))
    leads: dict[str, list[LeadChange]] = {}
    due_moves: list[DueMove] = []
    warn_moves: list[DueMove] = []
    calendars = _rule_calendars(new.plan)
    for key in list(keyed_old) + [k for k in keyed_new if k not in keyed_old]:
        a, b = keyed_old.get(key), keyed_new.get(key)
        v = a or b
        ci = clauses[(v.rule, v.clause)]
        ci.compared += 1
        sa, sb = (a.status if a else None), (b.status if b else None)
        if a is not None and b is not None and v.lead is not None:
            _moved(a, b, "due_at", due_moves, calendars)
            _moved(a, b, "warn_at", warn_moves, calendars)
        if sa == sb:
            continue
        ci.transitions[(sa, sb)] += 1
        if v.lead is None:
            if v.period not in ci.periods:
                ci.periods.append(v.period)
        else:
            leads.setdefault(v.lead, []).append(LeadChange(
                v.rule, v.clause, a.cycle if a else None, b.cycle if b else None, sa, sb))
    lead_count = len({r.lead for r in recs})
    due_moves.sort(key=_move_order)
    warn_moves.sort(key=_move_order)
    return Impact(cutoff, new.plan.zone, len(recs), lead_count, len(res_old.verdicts),
                  len(res_new.verdicts), list(clauses.values()), leads, diags_old, diags_new,
                  due_moves, warn_moves)


def _moved(a, b, attr: str, into: list[DueMove], calendars: dict | None = None) -> None:
    """Add a :class:`DueMove` to ``into`` when the paired lead verdicts ``a`` (old) and ``b``
    (new) both have the instant ``attr`` and it differs (one without it is no move: there
    is nothing to compare). ``calendars``: :func:`_rule_calendars` of the new version, to
    say a move on a calendar in its working time."""
    at_a, at_b = getattr(a, attr), getattr(b, attr)
    if at_a is None or at_b is None or at_a == at_b:
        return
    clock = _clock_of(b, (calendars or {}).get((b.rule, b.clause)))
    work = None
    if clock is not None:
        work = clock.working_us(at_a, at_b) if at_a < at_b else -clock.working_us(at_b, at_a)
    into.append(DueMove(b.lead, b.rule, b.clause, a.cycle, b.cycle, a.status, b.status, at_a, at_b,
                        a.zone, b.zone, work))


def _rule_calendars(plan) -> dict:
    """``(rule name, clause key) -> (clock, …)``: the clocks the timed clauses of ``plan``
    count on: a rule's `within` / `at least … within` those of its target lines (the lines
    a calendar choice may pick included), an `at least N per day within` or a `gap at most`
    its own (see :func:`_clock_of`)."""
    out = {}
    for rp in plan.rules:
        clocks = {}
        for line in rp.lines:
            for pick in ([pick for _, pick in line.choose] if line.choose else [line]):
                clocks[getattr(pick.clock, "name", None) or id(pick.clock)] = pick.clock
        for c in rp.clauses:
            out[(rp.name, c.key)] = tuple(clocks.values()) if c.kind in ("within", "at_least_within") else (c.clock,)
    return out


def _clock_of(v, clocks) -> object | None:
    """The calendar a lead verdict ``v`` counted on, of its clause's ``clocks``: the one
    clock, or of several the one whose zone the verdict is written in (a verdict is written
    in its calendar's offset) when only one has it; None on the wall clock, or when that
    cannot be told (its moves are then said in wall-clock time)."""
    if not clocks:
        return None
    if len(clocks) > 1:
        zone = str(getattr(v, "zone", None))
        clocks = tuple(c for c in clocks if str(getattr(c, "tz", None)) == zone)
        if len(clocks) != 1:
            return None
    clock = clocks[0]
    return clock if getattr(clock, "time_words", "") == "working time" and hasattr(clock, "working_us") else None
