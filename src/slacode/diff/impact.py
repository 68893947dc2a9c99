"""The impact of a change: both versions evaluated over the same records, verdicts paired
and counted by status change (see :mod:`slacode.diff`)."""
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

    @property
    def changed(self) -> int:
        """How many verdicts change status (appearing and disappearing ones included)."""
        return sum(c.changed for c in self.clauses)

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
                                     for n in shown]}}


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
    clauses: dict[tuple[str, str], ClauseImpact] = {}
    for v in list(res_new.verdicts) + list(res_old.verdicts):   # new file's order first
        clauses.setdefault((v.rule, v.clause), ClauseImpact(v.rule, v.clause))
    leads: dict[str, list[LeadChange]] = {}
    for key in list(keyed_old) + [k for k in keyed_new if k not in keyed_old]:
        a, b = keyed_old.get(key), keyed_new.get(key)
        v = a or b
        ci = clauses[(v.rule, v.clause)]
        ci.compared += 1
        sa, sb = (a.status if a else None), (b.status if b else None)
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
    return Impact(cutoff, new.plan.zone, len(recs), lead_count, len(res_old.verdicts),
                  len(res_new.verdicts), list(clauses.values()), leads, diags_old, diags_new)
