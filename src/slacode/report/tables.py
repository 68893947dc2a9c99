"""Compliance tables: verdicts counted per group and period, and their renderers.

A *cell* is one (group, period): how many verdicts were ``met``, ``breached``, still
open (``pending``, ``at_risk``, ``paused``) or ``cancelled``, the compliance ``rate``
``met / (met + breached)``, and the median and 90th percentile of the *response time*:
the working time (minus pauses) from the start to the answer of the ``met`` and
``breached`` verdicts of timed clauses: a ``within``'s ``elapsed_seconds`` (to the stop,
the close or ``as_of``), an ``at_least_within``'s to its Nth attempt when it was made (its
``elapsed_seconds`` runs on to the close or ``as_of``).

Response times of different clauses are never mixed in one median: a 15-minute call
promise and a ten-day cadence would rank people by which rules apply to them. Under
``--by rule`` each row is one clause; a line that adds up several (the ``all`` lines) has
no median. Under every other grouping, the cells count the response times of one clause
alone, :attr:`Compliance.response` (:func:`response_clause`: the agreement's first
``deadline``, among the rules counted).

A period has *ended* (``complete``) once ``as_of`` is past it; a cell is *settled* when
its period has ended and none of its verdicts is still undecided (``pending``,
``at_risk``, ``paused``; a pending ``flow`` verdict, which waits for the lead's final
state rather than a clock, aside): until then its rate can still change (mets come early,
the breaches of long clocks late), so every renderer marks it.

A verdict belongs to the period (day, ISO week, month or quarter of the agreement's time
zone) that holds its cycle's ``started_at``, as targets count cycles (LANGUAGE.md §8).
Every period from the one holding the earliest counted start to the one holding
``as_of`` is listed, for every group, so an empty period shows as an empty row rather
than a gap. Only per-lead verdicts count; target and quota verdicts are kept aside in
:attr:`Compliance.targets` and :attr:`Compliance.quotas`.
"""
from __future__ import annotations

import csv
import io
import math
import statistics
from array import array
from dataclasses import dataclass, field
from typing import Any, Iterable

from slacode.aggregate import amount_text, count_text, period_of, periods as period_spans
from slacode.texts import visible
from slacode.verdict import as_text, from_us, iso

GROUPINGS = ("rule", "owner", "assignee", "segment")
#: ``--by field:NAME``: the lead field NAME, even when NAME is one of :data:`GROUPINGS`
FIELD_PREFIX = "field:"
PERIODS = ("day", "week", "month", "quarter")
TIMED_CLAUSES = frozenset({"within", "at_least_within"})
STATUSES = ("met", "breached", "pending", "at_risk", "paused", "cancelled")

#: labels of verdicts without the grouping key
NO_OWNER, UNASSIGNED, DEFAULT_LINE = "(no owner)", "(unassigned)", "(default)"
ALL = "all"


# --------------------------------------------------------------------------- numbers

def median(values: list[float]) -> float | None:
    """The median (the mean of the two middle values for an even count), None when empty."""
    return statistics.median(values) if values else None


def percentile(values: list[float], p: float) -> float | None:
    """The nearest-rank percentile: the smallest value with at least ``p`` % of the values
    at or below it (``p`` in 0..100). None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass
class Cell:
    """The counts of one (group, period), or of a total."""

    met: int = 0
    breached: int = 0
    pending: int = 0
    at_risk: int = 0
    paused: int = 0
    cancelled: int = 0
    #: the response times, in seconds: compact numbers (8 bytes each), not objects
    responses: array = field(default_factory=lambda: array("d"))
    #: the clauses (``rule.clause``) the response times are of: a median is taken over one only
    clauses: set = field(default_factory=set)
    #: of the undecided verdicts, the `flow` ones: pending until the lead reaches a final
    #: state, which may be never, so they do not keep a period from settling
    lasting: int = 0

    def add(self, v, response: str | None = None) -> None:
        """Count verdict ``v``; its response time too, if it has one and, given ``response``
        (``rule.clause``), it is of that clause."""
        setattr(self, v.status, getattr(self, v.status) + 1)
        if v.clause == "transition" and v.status == "pending":
            self.lasting += 1
        # a response time is a time to an answer: a breached clock with none yet (no stop,
        # no Nth attempt) has no response time, and its working time so far would only say
        # how long ago it started
        if v.clause in TIMED_CLAUSES and (v.status == "met" or v.status == "breached" and v.completed_at is not None):
            time = v.response_seconds if v.response_seconds is not None else v.elapsed_seconds
            if time is not None:
                key = f"{v.rule}.{v.clause}"
                if response is None or key == response:
                    self.responses.append(float(time))
                    self.clauses.add(key)

    def merge(self, other: "Cell") -> None:
        for s in STATUSES:
            setattr(self, s, getattr(self, s) + getattr(other, s))
        self.responses.extend(other.responses)
        self.clauses |= other.clauses
        self.lasting += other.lasting

    @property
    def judged(self) -> int:
        return self.met + self.breached

    @property
    def open(self) -> int:
        return self.pending + self.at_risk + self.paused

    @property
    def total(self) -> int:
        return self.judged + self.open + self.cancelled

    @property
    def rate(self) -> float | None:
        """``met / (met + breached)``; None when nothing was judged."""
        return self.met / self.judged if self.judged else None

    @property
    def mixed(self) -> bool:
        """Whether the response times are of several clauses (then there is no median)."""
        return len(self.clauses) > 1

    @property
    def median_seconds(self) -> float | None:
        """The median response time; None without any, or over several clauses."""
        return None if self.mixed else median(self.responses)

    @property
    def p90_seconds(self) -> float | None:
        return None if self.mixed else percentile(self.responses, 90)

    @property
    def unsettled(self) -> int:
        """The undecided verdicts that keep the cell's period from settling: all but the
        pending `flow` verdicts (:attr:`lasting`)."""
        return self.open - self.lasting

    def settled(self, period: "Period") -> bool:
        """Whether this cell of ``period`` is final: the period has ended and no verdict
        in it is undecided (a pending `flow` verdict aside: it waits for the lead's final
        state, not for a clock)."""
        return period.complete and not self.unsettled

    def to_dict(self) -> dict:
        return {"met": self.met, "breached": self.breached, "rate": self.rate,
                "median_seconds": self.median_seconds, "p90_seconds": self.p90_seconds,
                "responses": len(self.responses), "pending": self.pending, "at_risk": self.at_risk,
                "paused": self.paused, "cancelled": self.cancelled}


@dataclass(frozen=True)
class Period:
    """One period of the report: its label, bounds (epoch microseconds) and whether it has
    ended by ``as_of``."""

    label: str
    start: int
    end: int
    complete: bool


@dataclass
class Compliance:
    """Verdicts counted per group and period (see the module's docstring)."""

    agreement_id: str | None
    version: str | None
    as_of: int
    zone: Any
    by: str
    period: str
    periods: list[Period]
    groups: list[str]
    cells: dict[tuple[str, str], Cell]
    targets: list = field(default_factory=list)
    quotas: list = field(default_factory=list)
    diagnostics: list = field(default_factory=list)
    undated: int = 0                     # per-lead verdicts without a start (not counted)
    at_most: frozenset = frozenset()     # the quotas whose goal is `at most` (from the plan)
    per_rep: frozenset | None = None     # the goals written `by assignee` (None: those with a rep)
    lead_field: str | None = None        # grouped by this lead field (``by`` is ``field:NAME``)
    keys: dict = field(default_factory=dict)    # a lead field's group label -> its group key
    #: the clause (``rule.clause``) whose response times the cells count under every grouping
    #: but ``rule`` (whose rows are one clause each, and whose lines that add up several have
    #: no median); None (no plan to choose by): each cell its own, and no median where mixed
    response: str | None = None
    #: whether the rules counted have several timed clauses (whose times one median would mix)
    several_timed: bool = True
    #: ``--period day``: the labels of the days no calendar of the rules counted works, none
    #: when one of them runs on wall-clock time (:func:`slacode.report.trends.closed_periods`);
    #: an empty one reads as closed
    closed: frozenset = frozenset()
    #: the runs of more than :data:`LONGEST_GAP` periods in a row with nothing counted, left
    #: out of ``periods``: ``(periods, first label, last label)`` each (:func:`without_long_gaps`)
    left_out: tuple = ()

    @property
    def column(self) -> str:
        """The group column's name: the grouping, or ``group`` for a lead field (its labels,
        ``region "APAC"``, name the field, as a `by FIELD` goal's group column does)."""
        return self.by if self.lead_field is None else "group"

    @property
    def grouping(self) -> str:
        """What the verdicts are grouped by, for people: ``assignee``, ``region``."""
        return self.by if self.lead_field is None else self.lead_field

    def group_value(self, group: str):
        """A group as JSON writes it: its label; for a lead field ``{field: value}`` (the
        value null for the missing group), as a `by FIELD` goal's verdict writes its group."""
        if self.lead_field is None:
            return group
        from slacode.groups import group_value

        return {self.lead_field: group_value(self.keys[group])}

    def cell(self, group: str, label: str) -> Cell:
        return self.cells.get((group, label)) or Cell()

    def group_total(self, group: str) -> Cell:
        out = Cell()
        for p in self.periods:
            out.merge(self.cell(group, p.label))
        return out

    def period_total(self, label: str) -> Cell:
        out = Cell()
        for g in self.groups:
            out.merge(self.cell(g, label))
        return out

    @property
    def total(self) -> Cell:
        out = Cell()
        for c in self.cells.values():
            out.merge(c)
        return out

    def rows(self) -> list[dict]:
        """One dict per (group, period), groups in order, periods in time order; each with
        ``rate_change``, the rate's change from the group's last earlier period with something
        judged (:func:`slacode.report.trends.changes`)."""
        from slacode.report.trends import changes

        out = []
        for g in self.groups:
            for p, change in zip(self.periods, changes(self, g)):
                cell = self.cell(g, p.label)
                out.append({self.column: self.group_value(g), "period": p.label, "complete": p.complete,
                            "settled": cell.settled(p), **cell.to_dict(), "rate_change": change})
        return out

    def period_fields(self, p: Period) -> dict:
        """What a period is besides its label and bounds: for ``--period day``, its
        ``weekday`` (``Sat``) and whether it is ``closed`` (no calendar of the rules counted
        works that day); both None for longer periods."""
        if self.period != "day":
            return {"weekday": None, "closed": None}
        from slacode.report.trends import weekday

        return {"weekday": weekday(p, self.zone), "closed": p.label in self.closed}

    def to_text(self) -> str:
        """The table as `slacode report` prints it without colour: one block per group,
        its periods and an ``all`` line (:func:`render_text`)."""
        return render_text(self)

    def to_csv(self) -> str:
        """One row per group and period, as `slacode report --format csv` writes it."""
        return render_csv(self)

    def to_dict(self) -> dict:
        zone = self.zone
        totals = [(p, self.period_total(p.label)) for p in self.periods]
        return {
            "agreement": {"id": self.agreement_id, "version": self.version},
            "as_of": iso(self.as_of, zone),
            "by": self.by,
            **({"field": self.lead_field} if self.lead_field is not None else {}),
            "period": self.period,
            "response_clause": self.response,
            "periods": [{"period": p.label, "start": iso(p.start, zone), "end": iso(p.end, zone),
                         "complete": p.complete, "settled": t.settled(p), **self.period_fields(p)}
                        for p, t in totals],
            "rows": self.rows(),
            "groups": [{self.column: self.group_value(g), **self.group_total(g).to_dict()} for g in self.groups],
            "totals": [{"period": p.label, "complete": p.complete, "settled": t.settled(p), **t.to_dict(),
                        "rate_change": change} for (p, t), change in zip(totals, _total_changes(self))],
            "total": self.total.to_dict(),
            "targets": [v.to_dict() for v in self.targets],
            "quotas": [v.to_dict() for v in self.quotas],
            "undated": self.undated,
            "left_out": [{"periods": n, "from": a, "to": b} for n, a, b in self.left_out],
            "diagnostics": [d.to_dict() for d in self.diagnostics],
        }


def _total_changes(comp: Compliance) -> list:
    from slacode.report.trends import changes

    return changes(comp)


# ------------------------------------------------------------------------- counting

def grouping(by: str) -> tuple[str, str | None]:
    """``(by, field)`` of a ``--by`` value: a built-in grouping (``rule``, ``owner``,
    ``assignee``, ``segment``) with no field, or ``("field:NAME", NAME)`` for a lead field:
    any other name, or ``field:NAME`` (a lead field named like a built-in grouping)."""
    if by.__class__ is not str:
        raise TypeError(f"by must be text (a grouping or a lead field's name), not {type(by).__name__}")
    if by in GROUPINGS:
        return by, None
    name = by[len(FIELD_PREFIX):] if by.startswith(FIELD_PREFIX) else by
    if not name:
        raise ValueError(f"{by!r} names no lead field: use {', '.join(GROUPINGS)}, a lead field's name, "
                         "or field:NAME")
    return FIELD_PREFIX + name, name


def group_of(v, by: str) -> str:
    """The group label of verdict ``v`` under grouping ``by`` (a built-in one)."""
    if by == "rule":
        return f"{v.rule}.{v.clause}"
    if by == "owner":
        return v.owner or NO_OWNER
    if by == "assignee":
        return as_text(v.assignee) or UNASSIGNED
    if by == "segment":
        return v.segment or DEFAULT_LINE
    raise ValueError(f"unknown grouping {by!r}; use one of {', '.join(GROUPINGS)}")


def response_clause(plan, rules: Iterable[str] | None = None, response: str | None = None) -> str | None:
    """The clause (``rule.clause``) whose response times a line that adds up several rules
    shows: ``response`` when given (``rule.clause``, or a rule: its first timed clause);
    else the agreement's first ``deadline`` among ``rules`` (all when None), its ``within``;
    else the first timed clause (a ``handoff``'s ``within``, an ``attempts`` rule's
    ``at_least_within``) of those rules, in the agreement's order. None without a ``plan``
    (unless ``response`` names one) or without any timed clause."""
    if plan is None:
        if response is not None and "." not in response:
            raise ValueError(f"name the clause as RULE.CLAUSE ({response}.within), or give the plan")
        return response
    wanted = set(rules) if rules is not None else None
    timed = {rp.name: [f"{rp.name}.{c.key}" for c in rp.clauses if c.key in TIMED_CLAUSES]
             for rp in sorted(plan.rules, key=lambda r: r.index)}
    if response is not None:
        if response in timed:
            if not timed[response]:
                raise ValueError(f"rule {response!r} has no within or at least … within clause to time responses by")
            return timed[response][0]
        if not any(response in keys for keys in timed.values()):
            choices = ", ".join(k for keys in timed.values() for k in keys)
            raise ValueError(f"{response!r} is no timed clause of the agreement (timed clauses: {choices or 'none'})")
        return response
    kinds = {rp.name: rp.kind for rp in plan.rules}
    counted = [name for name in timed if timed[name] and (wanted is None or name in wanted)]
    first = next((n for n in counted if kinds[n] == "deadline"), counted[0] if counted else None)
    return timed[first][0] if first is not None else None


def compliance(result, *, by: str = "rule", period: str = "week", plan=None,
               rules: Iterable[str] | None = None, response: str | None = None) -> Compliance:
    """Count ``result``'s per-lead verdicts per group and period.

    ``by``: ``rule`` (groups ``rule.clause``), ``owner``, ``assignee`` or ``segment``, or a
    lead field (any other name, or ``field:NAME``): its value at each verdict's cycle start,
    as a `by FIELD` target groups cycles, which ``result`` must have been evaluated to carry
    (``group_by=NAME``); groups are named, told apart and ordered as a `by FIELD` goal's
    (``region "APAC"``, missing or null last: ``(no region)``);
    ``period``: ``day``, ``week``, ``month`` or ``quarter``; ``plan`` (the agreement, or
    its compiled plan) orders the rule groups as the agreement does and gives the quotas'
    bounds for the goals' table; ``rules``, if given,
    keeps only those rules' verdicts (targets and quotas are kept whatever they judge);
    ``response`` (``rule.clause`` or a rule) names the clause whose response times the
    cells count, under every grouping but ``rule``: by default the agreement's first
    ``deadline`` among the rules counted (:func:`response_clause`).
    """
    _check_result(result, "compliance")
    counter = ComplianceCounter(result.zone, by=by, period=period, plan=plan, rules=rules, response=response)
    counter.add(result.verdicts)
    return counter.table(result)


def _check_result(result, call: str) -> None:
    """Refuse what is no evaluation's result (``None``, a list of verdicts) with a
    :class:`TypeError` that says what to give."""
    if not (hasattr(result, "verdicts") and hasattr(result, "zone") and hasattr(result, "as_of")):
        raise TypeError(f"{call} counts a slacode.Result (what agreement.evaluate or evaluate_many returns), "
                        f"not {type(result).__name__}")


def _plan_of(plan):
    """``plan=`` as :func:`compliance` takes it: the agreement itself, or its compiled plan."""
    from slacode.model import Agreement

    return plan.plan if isinstance(plan, Agreement) else plan


class ComplianceCounter:
    """:func:`compliance` a lead at a time: :meth:`add` verdicts as they come (each lead's in
    turn, then the targets' and quotas'), then :meth:`table`. It keeps the cells (counts and
    response times as numbers), not the verdicts; target and quota verdicts, a few per
    period, are kept as they are. Arguments as :func:`compliance` takes them, ``zone``
    the result's."""

    def __init__(self, zone, *, by: str = "rule", period: str = "week", plan=None,
                 rules: Iterable[str] | None = None, response: str | None = None):
        by, lead_field = grouping(by)
        if period not in PERIODS:
            raise ValueError(f"unknown period {period!r}; use one of {', '.join(PERIODS)}")
        plan = _plan_of(plan)
        self.zone, self.by, self.lead_field, self.period, self.plan = zone, by, lead_field, period, plan
        self.wanted = wanted = set(rules) if rules is not None else None
        self.named = response_clause(plan, rules, response)
        self.several = plan is None or sum(1 for rp in plan.rules if wanted is None or rp.name in wanted
                                           for c in rp.clauses if c.key in TIMED_CLAUSES) > 1
        self.only = self.named if by != "rule" else None     # a rule's rows are one clause each
        self.cells: dict[tuple[str, str], Cell] = {}
        self.groups: dict[str, None] = {}
        self.targets: list = []
        self.quotas: list = []
        self.first: int | None = None
        self.undated = 0
        self.keys: dict = {}
        self.label_of = _field_labeller(lead_field, self.keys) if lead_field is not None else None

    def add(self, verdicts: Iterable) -> None:
        """Count ``verdicts`` (per-lead ones in the cells, targets' and quotas' kept)."""
        wanted, by, label_of, only, zone, period = (self.wanted, self.by, self.label_of, self.only, self.zone,
                                                    self.period)
        cells, groups = self.cells, self.groups
        first = self.first
        for v in verdicts:
            if v.lead is None:
                (self.targets if v.clause == "ratio" else self.quotas).append(v)
                continue
            if wanted is not None and v.rule not in wanted:
                continue
            if v.started_at is None:
                self.undated += 1
                continue
            g = group_of(v, by) if label_of is None else label_of(v)
            groups.setdefault(g, None)
            label, _ = period_of(v.started_at, period, zone)
            cell = cells.get((g, label))
            if cell is None:
                cell = cells[(g, label)] = Cell()
            cell.add(v, only)
            first = v.started_at if first is None or v.started_at < first else first
        self.first = first

    def table(self, result) -> Compliance:
        """The :class:`Compliance` of the verdicts added, for ``result`` (its agreement,
        ``as_of`` and diagnostics)."""
        plan, by, period, zone, first, groups = self.plan, self.by, self.period, self.zone, self.first, self.groups
        spans, left_out = [], ()
        if first is not None:
            spans = [Period(label, s, e, e <= result.as_of)
                     for label, _, s, e in period_spans(first, max(first, result.as_of), period, zone)]
            if len(spans) > LONGEST_GAP:
                spans, left_out = without_long_gaps(spans, {label for _, label in self.cells})
        at_most = frozenset(q.name for q in plan.quotas if q.bound == "most") if plan is not None else frozenset()
        per_rep = (frozenset(g.name for g in (*plan.targets, *plan.quotas) if g.by_assignee)
                   if plan is not None else None)
        keys = self.keys
        if self.lead_field is not None:
            from slacode.groups import order

            ordered = sorted(groups, key=lambda g: order(keys[g]))
        else:
            ordered = _order_groups(list(groups), by, plan)
        return Compliance(result.agreement_id, result.version, result.as_of, zone, by, period, spans,
                          ordered, self.cells, list(self.targets), list(self.quotas), list(result.diagnostics),
                          self.undated, at_most, per_rep, self.lead_field, keys, self.named, self.several,
                          _closed(plan, spans, period, self.wanted), left_out)


def _closed(plan, spans: list[Period], period: str, rules) -> frozenset:
    from slacode.report.trends import closed_periods

    return closed_periods(plan, spans, period, rules)


#: More periods than this in a row with nothing counted are left out of a report's periods:
#: such a gap is a date far from the others (a placeholder year, a typo), and showing it
#: would print every week or day since the year 1001 (review 23b F1).
LONGEST_GAP = 366


def without_long_gaps(spans: list[Period], used: set, longest: int = LONGEST_GAP) -> tuple[list, tuple]:
    """``spans`` less each run of more than ``longest`` periods in a row whose labels are not
    in ``used`` (nothing counted in any group), and those runs as ``(periods, first label,
    last label)``. The last period (the one holding ``as_of``) is always kept."""
    kept: list[Period] = []
    gaps: list[tuple] = []
    run: list[Period] = []
    for i, p in enumerate(spans):
        if p.label not in used and i < len(spans) - 1:
            run.append(p)
            continue
        if len(run) > longest:
            gaps.append((len(run), run[0].label, run[-1].label))
        else:
            kept.extend(run)
        run = []
        kept.append(p)
    return kept, tuple(gaps)


def _field_labeller(name: str, keys: dict):
    """``v -> label`` of a verdict's group of lead field ``name`` (its ``start_groups``),
    each label's key kept in ``keys``."""
    from slacode.groups import group_text

    labels: dict = {}

    def label_of(v) -> str:
        at_start = v.start_groups
        if at_start is None or name not in at_start:
            raise ValueError(f"the verdicts carry no group of lead field {name!r}: evaluate with "
                             f"group_by={name!r} to report by it")
        key = at_start[name]
        label = labels.get(key)
        if label is None:
            label = labels[key] = group_text(name, key)
            keys[label] = key
        return label

    return label_of


def _order_groups(groups: list[str], by: str, plan) -> list[str]:
    """Rule groups in the agreement's order (rule, then clause); others by name, the
    placeholder groups (no owner, unassigned, default line) last."""
    if by == "rule" and plan is not None:
        order: dict[str, tuple] = {}
        for rp in plan.rules:
            for j, c in enumerate(rp.clauses):
                order[f"{rp.name}.{c.key}"] = (rp.index, j)
        if plan.flow is not None:
            order["flow.transition"] = (plan.flow.index, 0)
        return sorted(groups, key=lambda g: (order.get(g, (math.inf, 0)), g))
    return sorted(groups, key=lambda g: (g.startswith("("), g))


# ------------------------------------------------------------------------ rendering

def duration_text(seconds: float | None) -> str:
    """A working-time duration for a table: ``45s``, ``12m``, ``3h 05m`` (never days,
    since a working day's length depends on the calendar); empty for None."""
    if seconds is None:
        return ""
    s = int(round(seconds))
    if s < 60:
        return f"{s}s"
    minutes = int(round(seconds / 60))
    h, m = divmod(minutes, 60)
    return f"{h}h {m:02d}m" if h else f"{m}m"


def rate_text(rate: float | None) -> str:
    from slacode.texts import rate_text as share

    return "" if rate is None else share(rate)


_COLUMNS = ("period", "met", "breached", "rate", "change", "median", "p90", "pending", "at_risk", "paused",
            "cancelled")


def _table_rows(comp: Compliance) -> list[tuple[str, list[str], str]]:
    """(kind, cells, group) rows of the terminal table: ``row``, ``total`` and ``grand``."""
    from slacode.report.trends import change_text, changes

    out = []

    def cells(label: str, c: Cell, change: float | None = None) -> list[str]:
        return [label, str(c.met), str(c.breached), rate_text(c.rate), change_text(change),
                duration_text(c.median_seconds), duration_text(c.p90_seconds), str(c.pending), str(c.at_risk),
                str(c.paused), str(c.cancelled)]

    for g in comp.groups:
        for p, change in zip(comp.periods, changes(comp, g)):
            cell = comp.cell(g, p.label)
            if p.label in comp.closed and not cell.total:       # a weekend's empty day: closed, not quiet
                out.append(("row", [row_label(comp, p, cell)] + [""] * (len(_COLUMNS) - 1), g))
                continue
            out.append(("row", cells(row_label(comp, p, cell), cell, change), g))
        out.append(("total", cells(ALL, comp.group_total(g)), g))
    if len(comp.groups) > 1:
        out.append(("grand", cells(ALL, comp.total), ALL))
    return out


#: after the label of an empty day that no calendar of the rules counted works
CLOSED_WORD = "closed"


def row_label(comp: Compliance, p: Period, cell: Cell) -> str:
    """A row's period as the table shows it: a day with its weekday (``2026-11-21 Sat``),
    ``closed`` after an empty day no calendar works, then the mark of
    :func:`period_mark` (``*`` running, ``~`` not settled)."""
    from slacode.report.trends import day_label

    label = day_label(p, comp.zone, comp.period)
    if p.label in comp.closed and not cell.total:
        label += f" {CLOSED_WORD}"
    return label + period_mark(p, cell)[len(p.label):]


#: the marks after a period's label: still running; ended, but with verdicts still undecided
RUNNING_MARK, UNSETTLED_MARK = "*", "~"


def period_mark(p: Period, cell: Cell) -> str:
    """A row's period label with its mark: ``2026-W48 *`` while the period runs, ``2026-W47 ~``
    once it has ended while some of the row's verdicts are still undecided (its rate can
    still change), the bare label once settled."""
    if not p.complete:
        return f"{p.label} {RUNNING_MARK}"
    return p.label if cell.settled(p) else f"{p.label} {UNSETTLED_MARK}"


def _nothing(comp: Compliance) -> str:
    """What the table says when no lead verdict is counted (targets and quotas may be judged)."""
    aggregates = comp.targets + comp.quotas
    if not aggregates:
        return "No verdicts to report.\n"
    return "No lead verdicts to report.\n" + "\n".join(goals_lines(comp)[1:]) + "\n"


def render_text(comp: Compliance) -> str:
    """The plain-text table: one block per group, its periods and an ``all`` line."""
    head = [comp.column] + list(_COLUMNS)
    rows = _table_rows(comp)
    if not rows:
        return _nothing(comp)
    data = [[visible(g) if (k == "grand" or i == 0) else "", *c] for i, (k, c, g) in _numbered(rows)]
    widths = [max(display_width(r[i]) for r in [head] + data) for i in range(len(head))]
    numeric = set(range(2, len(head)))

    def line(cells):
        pads = [" " * (widths[i] - display_width(c)) for i, c in enumerate(cells)]
        return "  ".join(pads[i] + c if i in numeric else c + pads[i] for i, c in enumerate(cells)).rstrip()

    lines = [line(head)]
    prev = None
    for (kind, _, g), cells in zip(rows, data):
        if prev is not None and g != prev:
            lines.append("")
        lines.append(line(cells))
        prev = g
    lines.extend(_footnotes(comp))
    return "\n".join(lines + goals_lines(comp)) + "\n"


def goals_lines(comp: Compliance) -> list[str]:
    """The targets' and quotas' verdicts as a plain table (a blank line first), one line per
    goal, period (``*`` while running) and, for a `by assignee` goal, rep (for a `by FIELD`
    goal, group); none without."""
    verdicts = comp.targets + comp.quotas
    if not verdicts:
        return []
    by_rep = comp.per_rep if comp.per_rep is not None else {v.rule for v in verdicts if v.assignee is not None}
    per_rep = any(v.rule in by_rep for v in verdicts)
    per_group = any(v.group is not None for v in verdicts)
    head = (["goal", "period"] + (["assignee"] if per_rep else []) + (["group"] if per_group else [])
            + ["status", "value", "goal "])
    rows = []
    for v in verdicts:
        share = v.clause == "ratio"
        number = _amount if v.clause == "sum" else _count
        value = ("—" if v.value is None else rate_text(v.value)) if share else number(v.value)
        goal = (f">= {v.threshold * 100:g}%" if share else
                f"{'<=' if v.rule in comp.at_most else '>='} {number(v.threshold)}")
        running = v.due_at is not None and v.due_at > comp.as_of
        rep = []
        if per_rep:                 # a team-wide goal beside `by assignee` ones: no rep ("—")
            rep = [(visible(v.assignee) if v.assignee is not None else UNASSIGNED) if v.rule in by_rep else "—"]
        if per_group:               # a goal without `by FIELD` beside grouped ones: no group ("—")
            rep.append(visible(group_label(v.group)) if v.group is not None else "—")
        rows.append([visible(v.rule), f"{v.period} *" if running else v.period] + rep + [v.status, value, goal])
    widths = [max(display_width(r[i]) for r in [head] + rows) for i in range(len(head))]
    right = {len(head) - 2}

    def line(cells):
        return "  ".join(" " * (widths[i] - display_width(c)) + c if i in right else
                         c + " " * (widths[i] - display_width(c)) for i, c in enumerate(cells)).rstrip()

    what = "count of events" + (", or their sum" if any(v.clause == "sum" for v in comp.quotas) else "")
    return ["", f"targets and quotas (value: share of judged cycles met, or {what})", line(head)] + \
        [line(r) for r in rows]


def group_label(group: dict) -> str:
    """A `by FIELD` verdict's group as its reason names it: ``region "APAC"``, ``(no region)``."""
    from slacode.groups import group_key, group_text

    (name, value), = group.items()
    return group_text(name, group_key(value))


def _count(n) -> str:
    return "—" if n is None else count_text(n)


def _amount(n) -> str:
    """A sum quota's value or goal: ``1,250,000.5``."""
    return "—" if n is None else amount_text(n)


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: wide (CJK, emoji) characters two, combining
    marks and zero-width characters none."""
    import unicodedata

    if text.isascii():
        return len(text)
    return sum(0 if unicodedata.combining(c) or unicodedata.category(c) in ("Mn", "Me", "Cf")
               else 2 if unicodedata.east_asian_width(c) in ("W", "F") else 1 for c in text)


def _numbered(rows):
    """Rows with their index inside their group (the group name is printed once)."""
    prev, i = None, 0
    for row in rows:
        i = 0 if row[2] != prev else i + 1
        prev = row[2]
        yield i, row


def _footnotes(comp: Compliance) -> list[str]:
    notes = []
    if comp.periods and not comp.periods[-1].complete:
        notes.append(f"{RUNNING_MARK} period still in progress as of {_local(comp.as_of, comp.zone)}")
    if any(not comp.cell(g, p.label).settled(p) for g in comp.groups for p in comp.periods if p.complete):
        notes.append(f"{UNSETTLED_MARK} period ended, but some of the line's verdicts are still undecided (pending, "
                     "at_risk, paused): not settled, its rate can still change")
    if comp.periods and "-W" in comp.periods[-1].label:     # ISO weeks: which days the last one is
        last = comp.periods[-1]
        first_day = from_us(last.start, comp.zone).strftime("%a %Y-%m-%d")
        last_day = from_us(last.end - 1, comp.zone).strftime("%a %Y-%m-%d")
        notes.append(f"weeks are ISO weeks, Monday to Sunday: {last.label} is {first_day} to {last_day}")
    for n, a, b in comp.left_out:
        notes.append(f"{n:,} {comp.period}s in a row with nothing counted, {a} to {b}, are left out: a date far "
                     "from the others (a placeholder year?); `slacode check` names the events")
    notes.append("rate = met / (met + breached); " + response_words(comp))
    notes.append(f"change: the rate's change from the last {comp.period} before with something judged, in points "
                 f"(ended {comp.period}s with something judged; {comp.period}s with nothing judged are skipped)")
    if any(p.label in comp.closed for p in comp.periods):
        notes.append(f"{CLOSED_WORD}: no calendar of the rules counted works that day, and nothing started")
    if len(comp.groups) > 1:
        what = ("every clause of every rule (deadlines, required fields, cadences, the flow alike)"
                if comp.column == "rule" else f"the verdicts of every {comp.column} above")
        notes.append(f"the last line adds up {what}")
    return [""] + notes


def response_words(comp: Compliance) -> str:
    """What the median and p90 columns are of: one clause each row (``--by rule``), or the
    one clause named for every row; said so that no reader takes them for a mix."""
    what = "working time to respond (within / at_least_within verdicts with an answer)"
    if comp.by == "rule":
        mixed = comp.total.mixed or any(comp.period_total(p.label).mixed for p in comp.periods)
        return (f"median and p90: {what}, each line of its own clause"
                + ("; lines that add up several clauses show none" if mixed else ""))
    if comp.response is not None and not comp.several_timed:
        return f"median and p90: {what}, of {comp.response}"
    if comp.response is not None:
        return (f"median and p90: {what}, of {comp.response} alone (several rules' deadlines would "
                "mix; --rule picks another)")
    return f"median and p90: {what}; none where a line mixes several clauses (--rule picks one)"


def _local(us: int, zone) -> str:
    t = from_us(us, zone)
    off = t.strftime("%z")
    return t.strftime("%Y-%m-%d %H:%M") + (f" {off[:3]}:{off[3:]}" if off else "")


def render_rich(comp: Compliance, width: int | None = None, color: bool = True) -> str:
    """The table drawn with ``rich`` (for a terminal); rates are coloured: at least 90%
    green, at least 75% yellow, below that red."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    rows = _table_rows(comp)
    if not rows:
        return _nothing(comp)
    table = Table(show_edge=False, pad_edge=False, header_style="bold")
    table.add_column(comp.column)
    for name in _COLUMNS:
        table.add_column(name, justify="left" if name == "period" else "right")
    prev = None
    for kind, cells, g in rows:
        if prev is not None and g != prev:
            table.add_section()
        label = escape(g) if g != prev else ""         # (a group is text, not markup: `x [bold]`)
        styled = list(cells)
        rate = styled[3]
        if rate:
            value = float(rate.rstrip("%")) / 100
            colour = "green" if value >= 0.9 else ("yellow" if value >= 0.75 else "red")
            styled[3] = f"[{colour}]{rate}[/]"
        style = "bold" if kind != "row" else None
        table.add_row(label, *styled, style=style)
        prev = g
    buf = io.StringIO()
    console = Console(file=buf, width=width or 200, force_terminal=color, no_color=not color,
                      color_system="standard" if color else None, highlight=False)
    console.print(table)
    for note in _footnotes(comp)[1:] + goals_lines(comp):
        console.print(note, markup=False, highlight=False)
    return buf.getvalue()


CSV_COLUMNS = ("period", "start", "end", "complete", "settled", "met", "breached", "rate", "median_seconds",
               "p90_seconds", "responses", "pending", "at_risk", "paused", "cancelled", "rate_change", "weekday",
               "closed")


def render_csv(comp: Compliance) -> str:
    """One row per (group, period); empty cells where a value does not apply."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow((comp.column,) + CSV_COLUMNS)
    zone = comp.zone
    from slacode.report.trends import changes

    for g in comp.groups:
        for p, change in zip(comp.periods, changes(comp, g)):
            cell = comp.cell(g, p.label)
            d = cell.to_dict()
            d.update(period=p.label, start=iso(p.start, zone), end=iso(p.end, zone),
                     complete="true" if p.complete else "false", settled="true" if cell.settled(p) else "false",
                     rate_change=change, **_csv_period_fields(comp, p))
            w.writerow([g if comp.lead_field is None else _json_cell(comp.group_value(g))]
                       + ["" if d[k] is None else d[k] for k in CSV_COLUMNS])
    return buf.getvalue()


def _csv_period_fields(comp: Compliance, p: Period) -> dict:
    """The day columns of a CSV row: ``weekday`` and ``closed`` (``true``/``false``), empty
    for longer periods."""
    fields = comp.period_fields(p)
    closed = fields["closed"]
    return {"weekday": fields["weekday"], "closed": None if closed is None else "true" if closed else "false"}


def _json_cell(value) -> str:
    """A lead field's group in a CSV cell: its JSON object, ``{"region":"APAC"}``, as
    ``check --format csv`` writes a `by FIELD` goal's group."""
    from slacode.output import dumps

    return dumps(value).decode()


def render_json(comp: Compliance, extra: dict | None = None) -> str:
    import orjson

    from slacode.output import dumps

    doc = comp.to_dict()
    if extra:
        doc.update(extra)
    return dumps(doc, orjson.OPT_INDENT_2).decode() + "\n"
