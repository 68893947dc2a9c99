"""One self-contained HTML page for the weekly and monthly review.

No network, no scripts, no web fonts: the styles are inline and every chart is an SVG
drawn here. Sections:

1. key numbers (compliance, promises kept, breaches, open clocks, targets, quotas);
2. compliance over time, one small bar chart per rule and clause, with the goal of a
   target on that clause as a dashed line;
3. breaches by clause and reason;
4. target status per period;
5. quota progress per period (bars against the goal);
6. recognition: points for kept promises and badges for perfect weeks
   (:mod:`slacode.report.scoring`);
7. team standings: a point per goal (target or quota period) met, per team and period
   (:mod:`slacode.report.teams`);
8. the compliance table by the chosen grouping (rate per group and period);
9. the clocks that fall due next, soonest first, and apart from them the ones already late,
   most recently late first.

A period that has ended while some of its verdicts are still undecided is not *settled*:
its bars and cells are drawn pale with a dashed edge, as the running period's are and as a
target's chip is while a cycle in it is open, since its rate can still change.

Every text that comes from the agreement or the events is escaped.
"""
from __future__ import annotations

import heapq
import math
import re
from dataclasses import dataclass
from html import escape as _escape

from slacode.texts import rate_text, visible
from slacode.verdict import from_us
from slacode.report.scoring import PERFECT_WEEK_BONUS, Board
from slacode.report.tables import Cell, Compliance, ComplianceCounter, duration_text
from slacode.report.due import DueClocks

GREEN, AMBER, RED, GREY, BLUE = "#1a7f37", "#b7791f", "#c9302c", "#8c959f", "#2f6fdd"
STATUS_COLOURS = {"met": GREEN, "breached": RED, "at_risk": AMBER, "pending": GREY, "paused": BLUE,
                  "cancelled": "#57606a"}

#: why a breached verdict is breached, by clause kind (``within`` splits in two)
BREACH_REASONS = {
    "at_least_within": "too few attempts before the deadline",
    "require": "required fields missing (or not as required) at the handoff",
    "at_least_before": "gave up before enough attempts",
    "at_most_per_day": "too many attempts in one day",
    "at_most_per_cycle": "too many attempts in one cycle",
    "at_least_per_day": "a day without enough attempts",
    "gap": "attempts too close together",
    "gap_at_most": "too long without an attempt",
    "first": "first attempt not as required",
    "only_during": "attempt outside working hours",
    "only_between": "attempt outside the lead's allowed hours",
    "transition": "state change the flow does not allow",
}


def render_html(agreement, result, *, by: str = "rule", period: str = "week", rules=None,
                compliance_table: Compliance | None = None, due_limit: int = 15, late_limit: int = 10,
                facts: "Dashboard | None" = None, rank: str = "points", teams=None, owners=None) -> str:
    """The dashboard page of ``result`` (an evaluation of ``agreement``) as HTML text: the
    "Due next" card lists the first ``due_limit`` clocks coming due and the ``late_limit``
    most recently late ones; the leaderboard is ordered by ``rank``
    (:func:`slacode.report.scoring.rank_key`). ``facts``: a :class:`Dashboard` the per-lead
    verdicts were added to as they came (then ``result.verdicts`` need only hold the
    targets' and quotas', and ``rules``, ``due_limit`` and ``late_limit`` are the
    Dashboard's). ``teams``: the teams' standings by goals met
    (:func:`slacode.report.teams.team_standings`), worked out here when None (of ``owners``'
    goals, when given)."""
    plan = agreement.plan
    if facts is None:                           # counted here from the result's verdicts
        given = compliance_table
        facts = Dashboard(plan, result.zone, result.as_of, by=given.by if given else by,
                          period=given.period if given else period, rules=rules,
                          response=given.response if given else None, table=given is None,
                          due_limit=due_limit, late_limit=late_limit)
        facts.add(result.verdicts)
    comp = compliance_table or facts.compliance(result)
    per_rule = comp if comp.by == "rule" else facts.per_rule(result)
    board = facts.board.standings(result.as_of, rank)
    if teams is None:
        from slacode.report.teams import team_standings

        teams = team_standings(comp, plan, owners)
    clocks = facts.clocks()
    parts = [
        _header(agreement, result, comp),
        _kpis(per_rule, clocks, comp),
        _section("Compliance over time",
                 f"Share of verdicts met among those judged (met or breached), per {comp.period}, "
                 "for each rule and clause. A dashed line is the goal of a target on that clause. "
                 "A pale bar with a dashed edge is not settled: its period is still running, or has "
                 "ended with verdicts still undecided (a clock still running, a cycle still open, a lead "
                 "not yet in a final state), so its rate can still change: a deadline met is known early, "
                 "a long one breached only late. " + _ARROW_WORDS,
                 _rule_charts(per_rule, plan)),
        '<div class="two">',
        _section("Breaches by reason", "Breached verdicts, by clause and what went wrong.",
                 _breach_chart(facts.breaches, sum(v.status == "breached" for v in comp.targets + comp.quotas))),
        _section("Targets", "Each period's share of met cycles against the goal.", _targets(comp, plan)),
        "</div>",
        _section("Quotas", "Matching events per period, counted or their amount added up, against the goal; the last "
                 "period may still be running.",
                 _quotas(comp, plan)),
        _section("Promises kept: recognition",
                 f"1 point per met verdict of a lead the rep held (its assignee when the cycle closed, "
                 f"or now); a perfect week (an ended week "
                 f"with no breach and at least one promise kept) earns a star and {PERFECT_WEEK_BONUS} "
                 "bonus points. Breaches cost nothing here: the tables show them. "
                 + _median_words(comp.response) + _rank_words(rank, board),
                 _board(board, comp.response, rank)),
        _section("Goals met: team standings",
                 f"1 point to the owning team for every target or quota period met (each rep's or group's line "
                 f"of a goal by assignee or by a lead field is a goal of its own), added up per {comp.period} "
                 "(by the goal period's start); the leading team of each is crowned. A goal still pending is "
                 "not met: a running period's points can still grow. A target period with no cycle to judge "
                 "is worth no point; breaches cost nothing. Ties share the rank.",
                 _team_board(teams)),
        _section(f"Compliance by {comp.grouping} and {comp.period}",
                 "Rate = met / (met + breached); the number under it is how many were judged. A dashed "
                 "frame: not settled, verdicts of that period are still undecided. " + _ARROW_WORDS + " "
                 + _heat_median_words(comp),
                 _heat_table(comp)),
        _section("Due next", _due_intro(clocks, due_limit, late_limit),
                 _due_tables(clocks, late_limit)),
        _footer(result),
    ]
    title = f"{agreement.id or 'agreement'} — service-level review"
    return (f'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n<main>\n"
            + "\n".join(parts) + "\n</main>\n</body>\n</html>\n")


@dataclass
class Clocks:
    """What the page shows of the open clocks (:func:`slacode.report.due.due_list` with the
    overdue ones): the first coming due, the most recently late, and counts of all."""

    coming: list            # the first ``due_limit`` clocks coming due, soonest first
    coming_count: int
    late: list              # the ``late_limit`` most recently late (the most recent first)
    late_count: int
    more: int               # the late clocks not shown
    oldest_late: object     # the deadline of the oldest late clock not shown (None: every one shown)
    at_risk: int
    paused: int

    @property
    def count(self) -> int:
        return self.coming_count + self.late_count


class Dashboard:
    """What :func:`render_html` draws from the per-lead verdicts, counted a lead at a time:
    :meth:`add` each lead's verdicts as they come (or all at once), then hand it to
    :func:`render_html` as ``facts``. It keeps the compliance cells (by rule too, for the
    charts), the board, the breach counts, and of the open clocks only the few the page
    lists (bounded by ``due_limit`` and ``late_limit``) and their counts: not the verdicts.

    ``by``, ``period``, ``rules``, ``response`` as :func:`~slacode.report.tables.compliance`
    takes them; ``table``: count the table under that grouping here (False: the caller counts
    it, and hands it to :func:`render_html` as ``compliance_table``; ``response`` is then
    the clause its medians are of, :attr:`~slacode.report.tables.Compliance.response`, as it
    is for the board, :attr:`board`, which a JSON report shares)."""

    #: the clocks kept beyond twice those shown before the lists are cut back to them
    SLACK = 256

    def __init__(self, plan, zone, as_of: int, *, by: str = "rule", period: str = "week", rules=None,
                 response: str | None = None, table: bool = True, due_limit: int = 15, late_limit: int = 10):
        self.plan, self.zone, self.as_of, self.rules = plan, zone, as_of, rules
        self.wanted = set(rules) if rules is not None else None
        self.counter = None
        if table:
            self.counter = ComplianceCounter(zone, by=by, period=period, plan=plan, rules=rules, response=response)
            by, response = self.counter.by, self.counter.named
        # the charts' table by rule and clause (the table itself, when it is by rule)
        self.by_rule = (ComplianceCounter(zone, by="rule", period=period, plan=plan, rules=rules)
                        if by != "rule" else None)
        self.board = Board(zone, rules=rules, response=response)
        self.due_limit, self.late_limit = due_limit, late_limit
        self._clocks = DueClocks(as_of, overdue=True)
        self._coming: list = []                 # (next_at, due_at, lead, rule, clause, cycle, seq, Due)
        self._late: list = []                   # (-due_at, lead, rule, clause, cycle, seq, Due)
        self._seq = 0
        self.coming_count = self.late_count = self.at_risk = self.paused = 0
        self._oldest: tuple | None = None       # ((due_at, lead, rule, clause, cycle, seq), Due)
        self.breaches: dict[tuple[str, str, str], int] = {}     # (rule, clause, reason) -> count

    def add(self, verdicts) -> None:
        """Count ``verdicts`` (one lead's, or several leads' whole, targets' and quotas' too)."""
        if not isinstance(verdicts, list):
            verdicts = list(verdicts)
        if self.counter is not None:
            self.counter.add(verdicts)
        if self.by_rule is not None:
            self.by_rule.add(verdicts)
        self.board.add(verdicts)
        wanted = self.wanted
        mine = [v for v in verdicts if v.lead is not None and (wanted is None or v.rule in wanted)]
        breaches = self.breaches
        for v in mine:
            if v.status == "breached":
                key = (v.rule, v.clause, breach_reason(v))
                breaches[key] = breaches.get(key, 0) + 1
        for item in self._clocks.clocks(mine):
            self._take(item)

    def _take(self, item: tuple) -> None:
        d = item[6]
        self._seq += 1
        self.at_risk += d.status == "at_risk"
        self.paused += d.paused
        if d.next != "overdue":
            self.coming_count += 1
            self._coming.append((*item[:6], self._seq, d))
            if self.due_limit >= 0 and len(self._coming) > 2 * self.due_limit + self.SLACK:
                self._coming = heapq.nsmallest(self.due_limit, self._coming, key=_head)
            return
        # late: the most recently late first (ties in the order of the due list: lead, rule,
        # clause, cycle); one more than shown is kept, and the oldest of all
        self.late_count += 1
        key = (-item[1], *item[2:6], self._seq)
        self._late.append((*key, d))
        if self.late_limit >= 0 and len(self._late) > 2 * self.late_limit + self.SLACK:
            self._late = heapq.nsmallest(self.late_limit + 1, self._late, key=_head)
        oldest = (item[1], *item[2:6], self._seq)
        if self._oldest is None or oldest < self._oldest[0]:
            self._oldest = (oldest, d)

    def clocks(self) -> Clocks:
        """The open clocks as the page shows them."""
        coming = [x[-1] for x in sorted(self._coming, key=_head)][:self.due_limit]
        late = sorted(self._late, key=_head)
        shown = [x[-1] for x in late[:self.late_limit]]
        rest = late[self.late_limit:]
        more = len(rest) if self.late_limit < 0 else self.late_count - len(shown)
        oldest = None
        if more:
            # the oldest deadline among those not shown, the first of them when several are as old
            # (each is written in its own zone)
            if self.late_limit < 0:
                oldest = min(x[-1].due_at for x in rest)
            elif -rest[0][0] == self._oldest[0][0]:
                oldest = rest[0][-1].due_at
            else:
                oldest = self._oldest[1].due_at
        return Clocks(coming, self.coming_count, shown, self.late_count, more, oldest, self.at_risk, self.paused)

    def compliance(self, result) -> Compliance:
        """The table under the chosen grouping (counted here: made with ``table=True``)."""
        if self.counter is None:
            raise ValueError("this Dashboard counts no table (table=False): give render_html the compliance_table")
        return self.counter.table(result)

    def per_rule(self, result) -> Compliance:
        """The table by rule and clause the charts are drawn from."""
        return self.by_rule.table(result)


def _head(item: tuple) -> tuple:
    return item[:-1]


# ------------------------------------------------------------------------- sections

def _section(title: str, intro: str, body: str) -> str:
    return (f'<section><h2>{escape(title)}</h2><p class="intro">{escape(intro)}</p>{body}</section>')


def _input_problems(result) -> int:
    """The events' problems (SLA5xx reading them, SLA6xx evaluating them), not the
    agreement's warnings: errors and warnings, as ``check`` counts them."""
    return sum(1 for d in result.diagnostics if d.severity != "info" and d.code[:4] in ("SLA5", "SLA6"))


def _header(agreement, result, comp: Compliance) -> str:
    version = f" · version {escape(agreement.version)}" if agreement.version else ""
    span = ""
    if comp.periods:
        span = f" · {escape(comp.periods[0].label)} to {escape(comp.periods[-1].label)}"
    # the events' problems (SLA5xx reading them, SLA6xx evaluating them; not the agreement's
    # warnings): said where the figures are read, since they leave out what could not be used
    problems = _input_problems(result)
    notice = (f'<div class="notice" role="note">{problems:,} input problem{"s were" if problems != 1 else " was"} '
              "reported while reading or evaluating the events (lines that could not be used, repeated ids, "
              "misspelt types …): the figures below leave out what could not be used. "
              "<code>slacode check</code> lists them.</div>" if problems else "")
    return (f'<header><div class="eyebrow">Service-level review</div>'
            f"<h1>{escape(agreement.id or 'agreement')}</h1>"
            f'<div class="meta">as of {escape(_when(result.as_of, result.zone))}{version}'
            f" · periods of {escape(str(result.zone))}{span}</div>{notice}</header>")


def _kpis(per_rule: Compliance, clocks: Clocks, comp: Compliance) -> str:
    total = per_rule.total
    at_risk, paused, late = clocks.at_risk, clocks.paused, clocks.late_count
    ended_t = _latest([v for v in comp.targets if v.due_at <= comp.as_of])
    latest_q = _latest(comp.quotas)
    deadlines = Cell()                      # the main clause of each rule: its deadline
    for group in per_rule.groups:
        if group.endswith((".within", ".at_least_within")):
            deadlines.merge(per_rule.group_total(group))
    cards = [
        ("Deadlines met", _pct(deadlines.rate),
         f"{deadlines.met:,} of {deadlines.judged:,} judged deadlines (within, at least … within); "
         f"every clause: {_pct(total.rate)}", _rate_colour(deadlines.rate)),
        ("Promises kept", f"{total.met:,}", "met verdicts", GREEN),
        ("Breaches", f"{total.breached:,}", "breached lead verdicts", RED if total.breached else GREEN),
        ("Open clocks", f"{clocks.count:,}", f"{late} late · {at_risk} at risk · {paused} paused",
         RED if late else AMBER if at_risk else GREY),
        ("Targets", _status_counts(ended_t), _ended_words(ended_t, bool(comp.targets)), _worst(ended_t)),
        ("Quotas", _status_counts(latest_q), _latest_words(latest_q, "quota"), _worst(latest_q)),
    ]
    body = "".join(f'<div class="kpi" style="border-top-color:{c}"><div class="k-label">{escape(label)}</div>'
                   f'<div class="k-value">{escape(value)}</div><div class="k-sub">{escape(sub)}</div></div>'
                   for label, value, sub, c in cards)
    return f'<div class="kpis">{body}</div>'


def _latest(aggregates) -> list:
    last: dict[str, object] = {}
    for v in aggregates:
        last[v.rule] = v
    return list(last.values())


def _status_counts(items) -> str:
    if not items:
        return "—"
    met = sum(v.status == "met" for v in items)
    return f"{met} / {len(items)} met"


def _ended_words(items, any_target: bool) -> str:
    if not any_target:
        return "no target in the agreement"
    b = sum(v.status == "breached" for v in items)
    return f"last ended periods · {b} breached" if items else "no period has ended yet"


def _latest_words(items, kind: str) -> str:
    if not items:
        return f"no {kind} in the agreement"
    b = sum(v.status == "breached" for v in items)
    p = sum(v.status == "pending" or v.status == "at_risk" for v in items)
    behind = sum(v.status == "at_risk" for v in items)          # (`warn behind pace`)
    return f"this period · {b} breached · {p} in progress" + (f" · {behind} behind pace" if behind else "")


def _worst(items) -> str:
    statuses = {v.status for v in items}
    if "breached" in statuses:
        return RED
    if "pending" in statuses or "at_risk" in statuses:
        return AMBER
    return GREEN if items else GREY


# ----------------------------------------------------------------- per-rule charts

def _rule_charts(per_rule: Compliance, plan) -> str:
    if not per_rule.groups:
        return '<p class="empty">No verdicts yet.</p>'
    goals: dict[str, list] = {}
    for t in plan.targets:
        goals.setdefault(f"{t.rule}.{t.clause}", []).append(t)
    owners = {rp.name: rp.owner for rp in plan.rules}
    cards = []
    for g in per_rule.groups:
        rule, _, clause = g.partition(".")
        total = per_rule.group_total(g)
        targets = goals.get(g, [])
        plain = [t for t in targets if t.segment is None]
        goal = plain[0].threshold if plain else None
        notes = [f"goal {t.threshold:.0%} for {t.segment}" for t in targets if t.segment is not None]
        owner = owners.get(rule)
        chips = f'<span class="pill">{escape(owner)}</span>' if owner else ""
        sub = f"{total.met:,} met · {total.breached:,} breached"
        if total.open:
            sub += f" · {total.open:,} undecided"
        if notes:
            sub += " · " + "; ".join(notes)
        chart = rate_chart(per_rule.periods, [per_rule.cell(g, p.label) for p in per_rule.periods], goal,
                           per_rule.period, changes=_changes(per_rule, g), befores=_befores(per_rule, g))
        cards.append(f'<div class="card"><div class="card-head"><div><div class="card-title">{escape(rule)}'
                     f' <span class="clause">{escape(clause)}</span> {chips}</div>'
                     f'<div class="card-sub">{escape(sub)}</div></div>'
                     f'<div class="big" style="color:{_rate_colour(total.rate, goal)}">{escape(_pct(total.rate))}'
                     f"</div></div>{chart}</div>")
    return f'<div class="grid">{"".join(cards)}</div>'


def rate_chart(periods, cells: list[Cell], goal: float | None, period: str, width: int = 360,
               height: int = 150, changes: list | None = None, befores: list | None = None) -> str:
    """Bars of the rate per period (0–100 %), a dashed goal line, the judged count under
    each label; pale bars with a dashed edge for periods not settled (in progress, or ended
    with verdicts still undecided), a dash for periods with nothing judged; with ``changes``
    (:func:`slacode.report.trends.changes`), an arrow after each value that changed from
    the period it is compared with (``befores``, :func:`slacode.report.trends.changes_from`;
    by default the period before)."""
    changes = changes or [None] * len(periods)
    befores = befores or [None, *periods[:-1]]
    left, right, top, bottom = 34, 30, 14, 32
    pw, ph = width - left - right, height - top - bottom
    n = max(len(periods), 1)
    slot = pw / n
    bw = min(30.0, slot * 0.64)
    labels = _short_labels([p.label for p in periods], period)
    every = _label_step(labels, n, pw)
    out = [_svg_open(width, height, "compliance per period")]
    for frac in (0, 0.5, 1):
        y = top + ph * (1 - frac)
        out.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}"/>'
                   f'<text class="axis" x="{left - 5}" y="{y + 3.5:.1f}" text-anchor="end">{int(frac * 100)}%</text>')
    for i, (p, cell) in enumerate(zip(periods, cells)):
        cx = left + slot * (i + 0.5)
        tip = f"{p.label}: {_pct(cell.rate)} ({cell.met} met, {cell.breached} breached"
        tip += f", {cell.open} undecided)" if cell.open else ")"
        settled = cell.settled(p)
        tip += _unsettled_words(p, cell) + _change_words(changes[i], befores[i])
        if cell.rate is None:
            out.append(f'<g><title>{escape(tip)}</title><line class="nodata" x1="{cx - bw / 2:.1f}" '
                       f'x2="{cx + bw / 2:.1f}" y1="{top + ph:.1f}" y2="{top + ph:.1f}"/></g>')
        else:
            h = max(ph * cell.rate, 1.5)
            colour = _rate_colour(cell.rate, goal)
            look = ('fill-opacity="1"' if settled else
                    f'fill-opacity="0.4" stroke="{colour}" stroke-width="1.2" stroke-dasharray="3 2" '
                    'class="unsettled"')
            out.append(f'<g><title>{escape(tip)}</title><rect x="{cx - bw / 2:.1f}" y="{top + ph - h:.1f}" '
                       f'width="{bw:.1f}" height="{h:.1f}" rx="2" fill="{colour}" {look}/></g>')
            if slot >= 26:
                out.append(f'<text class="val" x="{cx:.1f}" y="{top + ph - h - 3:.1f}" text-anchor="middle">'
                           f"{cell.rate * 100:.0f}{_change_arrow(changes[i], svg=True)}</text>")
        if i % every == 0:
            out.append(f'<text class="axis" x="{cx:.1f}" y="{top + ph + 13:.1f}" text-anchor="middle">'
                       f"{escape(labels[i])}</text>")
            out.append(f'<text class="count" x="{cx:.1f}" y="{top + ph + 25:.1f}" text-anchor="middle">'
                       f"{cell.judged}</text>")
    if goal is not None:
        y = top + ph * (1 - goal)
        out.append(f'<line class="goal" x1="{left}" x2="{width - right + 2}" y1="{y:.1f}" y2="{y:.1f}"/>'
                   f'<text class="goal-label" x="{width - right + 5}" y="{y + 3.5:.1f}">{goal:.0%}</text>')
    out.append("</svg>")
    return "".join(out)


def _changes(comp: Compliance, group: str | None = None) -> list:
    from slacode.report.trends import changes

    return changes(comp, group)


def _befores(comp: Compliance, group: str | None = None) -> list:
    """The period each period's change is from (the last before it with something judged), or None."""
    from slacode.report.trends import changes_from

    return [before for _, before in changes_from(comp, group)]


_ARROW_WORDS = ("An arrow after a rate: up or down from the last period before it with something judged "
                "(hover for the points and that period), for periods that have ended.")
#: the arrows of a rate's change from the period before: up, down, the same
_ARROWS = {"up": "\u25b2", "down": "\u25bc", "same": "\u25b6"}


def _change_arrow(change: float | None, svg: bool = False) -> str:
    """An arrow for a change of rate (green up, red down, grey the same), as a ``tspan`` in
    a chart or a ``span`` in a table; nothing without a change."""
    from slacode.report.trends import direction

    way = direction(change)
    if way is None:
        return ""
    if svg:
        return f'<tspan class="chg {way}" dx="1">{_ARROWS[way]}</tspan>'
    return f'<span class="chg {way}">{_ARROWS[way]}</span>'


def _change_words(change: float | None, before) -> str:
    """What a tip adds about a change of rate: `` — ▲ +5.0 points from W46``."""
    from slacode.report.trends import change_text, direction

    way = direction(change)
    if way is None or before is None:
        return ""
    return f" — {_ARROWS[way]} {change_text(change)} points from {before.label}"


def _unsettled_words(p, cell: Cell) -> str:
    """What a tip adds for a period not settled: still running, or ended with ``N`` verdicts
    still undecided (its rate can still change); nothing once settled."""
    if not p.complete:
        return " — in progress"
    left = cell.unsettled
    if left:
        return (f" — not settled: the {_period_word(p.label)} has ended, but {left:,} "
                f"verdict{'s are' if left != 1 else ' is'} still undecided, so the rate can still change")
    return ""


def _period_word(label: str) -> str:
    if "-W" in label:
        return "week"
    if "-Q" in label:
        return "quarter"
    return "day" if label.count("-") == 2 else "month"


# ------------------------------------------------------------------------ breaches

def breach_reason(v) -> str:
    """A short phrase for why verdict ``v`` is breached (by its clause kind)."""
    kind = re.sub(r"_\d+$", "", v.clause)
    if kind == "within":
        return "done after the deadline" if v.completed_at is not None else "not done by the deadline"
    return BREACH_REASONS.get(kind, "breached")


def _breach_chart(counts: dict, aggregates_breached: int = 0) -> str:
    """The breaches chart of ``counts``, ``(rule, clause, reason) -> breached verdicts``."""
    if not counts and aggregates_breached:
        return (f'<p class="empty">No lead verdict was breached; {aggregates_breached} target or quota '
                f'period{"s were" if aggregates_breached != 1 else " was"} (below).</p>')
    if not counts:
        return '<p class="empty">No breach. Every judged promise was kept.</p>'
    items = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return hbar_chart([(f"{r} · {c}", why, n) for (r, c, why), n in items])


def hbar_chart(items: list[tuple[str, str, int]], width: int = 540) -> str:
    """Horizontal bars: a two-line label (title, reason) and a count per row."""
    row, label_w, right = 36, 230, 44
    height = row * len(items) + 6
    top = max(n for _, _, n in items) or 1
    out = [_svg_open(width, height, "breaches by clause and reason")]
    for i, (title, why, n) in enumerate(items):
        y = 4 + i * row
        w = max((width - label_w - right) * n / top, 2)
        out.append(f'<g><title>{escape(title)}: {escape(why)} ({n})</title>'
                   f'<text class="hb-title" x="0" y="{y + 14}">{escape(title)}</text>'
                   f'<text class="hb-why" x="0" y="{y + 28}">{escape(why)}</text>'
                   f'<rect x="{label_w}" y="{y + 8}" width="{w:.1f}" height="16" rx="3" fill="{RED}" fill-opacity="0.85"/>'
                   f'<text class="val" x="{label_w + w + 6:.1f}" y="{y + 20}">{n}</text></g>')
    out.append("</svg>")
    return "".join(out)


# ------------------------------------------------------------------ targets, quotas

def _targets(comp: Compliance, plan) -> str:
    if not comp.targets:
        return '<p class="empty">The agreement sets no target, or no cycle has started yet.</p>'
    plans = {t.name: t for t in plan.targets}
    blocks = []
    for (name, rep), vs in _by_goal(comp.targets, plans).items():
        t = plans.get(name)
        what = ""
        if t is not None:
            what = f"{t.rule}" + (f" {t.clause}" if t.clause not in ("within",) else "")
            what += f" for {t.segment}" if t.segment else ""
            what += f" · at least {t.threshold:.0%} met per {_per(t)}"
        owner = vs[0].owner
        chips = "".join(_target_chip(v, t.period if t else "week") for v in vs)
        blocks.append(f'<div class="target"><div class="t-head"><b>{escape(name)}</b>{_rep_label(rep)}'
                      + (f' <span class="pill">{escape(owner)}</span>' if owner else "")
                      + f'<div class="card-sub">{escape(what)}</div></div><div class="chips">{chips}</div></div>')
    legend = ('<div class="legend"><span class="sw" style="background:#dcfce4"></span>met'
              '<span class="sw" style="background:#fde2e1"></span>breached'
              '<span class="sw dashed"></span>in progress or still open</div>')
    return "".join(blocks) + legend


def _by_goal(verdicts, plans: dict) -> dict:
    """A goal's verdicts, in order; a `by assignee` goal's by rep, a `by FIELD` goal's by
    group: one block each, the goals in the verdicts' order and, within a goal, the blocks
    in the verdicts' order of reps and groups (names; groups by value), nobody and the
    missing group last."""
    from slacode.groups import group_key, order
    from slacode.report.tables import group_label

    out: dict[tuple, list] = {}
    rank: dict[tuple, tuple] = {}
    for v in verdicts:
        goal = plans.get(v.rule)
        if v.group is not None:
            rep = group_label(v.group)
            rank.setdefault((v.rule, rep), order(group_key(next(iter(v.group.values())))))
        else:
            rep = (v.assignee or "(unassigned)") if goal is not None and goal.by_assignee else None
            rank.setdefault((v.rule, rep), (v.assignee is None, v.assignee or ""))
        out.setdefault((v.rule, rep), []).append(v)
    goals = {rule: i for i, rule in enumerate(dict.fromkeys(rule for rule, _ in out))}
    return {k: out[k] for k in sorted(out, key=lambda k: (goals[k[0]], rank[k]))}


def _rep_label(rep: str | None) -> str:
    return f' <span class="k-sub">· {escape(rep)}</span>' if rep is not None else ""


def _target_chip(v, period: str) -> str:
    label = _short_labels([v.period], period)[0]
    value = "—" if v.value is None else rate_text(v.value, 0)
    tip = v.reason
    return (f'<div class="chip {escape(v.status)}" title="{escape(tip)}"><div class="c-period">{escape(label)}</div>'
            f'<div class="c-value">{escape(value)}</div></div>')


def _quotas(comp: Compliance, plan) -> str:
    if not comp.quotas:
        return '<p class="empty">The agreement sets no quota, or no event has been read yet.</p>'
    plans = {q.name: q for q in plan.quotas}
    cards = []
    for (name, rep), vs in _by_goal(comp.quotas, plans).items():
        q = plans.get(name)
        bound = q.bound if q else "least"
        period = q.period if q else "month"
        goal = vs[0].threshold
        summed = f" of {q.prop}" if q is not None and q.prop is not None else ""    # `sum PROP of …`
        words = f"at {'least' if bound == 'least' else 'most'} {_num(goal)}{summed} per {_per(q) if q else period}"
        last = vs[-1]
        state = {"met": "met", "breached": "breached", "pending": "in progress",
                 "at_risk": "behind pace"}.get(last.status, last.status)
        current = f"{_num(last.value)} in {last.period} so far" if last.due_at > comp.as_of else \
            f"{_num(last.value)} in {last.period}"
        cards.append(f'<div class="card"><div class="card-head"><div><div class="card-title">{escape(name)}{_rep_label(rep)} '
                     + (f'<span class="pill">{escape(vs[0].owner)}</span>' if vs[0].owner else "")
                     + f'</div><div class="card-sub">{escape(words)} · {escape(current)}</div></div>'
                     f'<div class="big" style="color:{STATUS_COLOURS.get(last.status, GREY)}">{escape(state)}</div>'
                     f"</div>{quota_chart(vs, goal, bound, period, comp.as_of)}</div>")
    return f'<div class="grid">{"".join(cards)}</div>'


def _plottable(x) -> float:
    """A value as a float to draw, within ±1e307 (room to scale a sum past the largest float)."""
    try:
        return max(-1e307, min(float(x), 1e307))
    except OverflowError:
        return 1e307 if x > 0 else -1e307


def quota_chart(vs, goal: float, bound: str, period: str, as_of: int, width: int = 360, height: int = 160) -> str:
    """Bars of the count per period against a dashed goal line, coloured by status; the
    period in progress is pale unless already met (or, for ``at most``, breached)."""
    left, right, top, bottom = 34, 8, 16, 22
    pw, ph = width - left - right, height - top - bottom
    values = [_plottable(v.value or 0) for v in vs]
    goal = _plottable(goal)
    top_value = max([goal, 0] + values) * 1.12 or 1
    low = min([goal, 0] + values) * 1.12                # a sum may be negative: its bar hangs below 0
    span = (top_value - low) or 1
    zero_y = top + ph * top_value / span
    n = max(len(vs), 1)
    slot = pw / n
    bw = min(34.0, slot * 0.64)
    labels = _short_labels([v.period for v in vs], period)
    every = _label_step(labels, n, pw)
    out = [_svg_open(width, height, "quota per period")]
    out.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{zero_y:.1f}" y2="{zero_y:.1f}"/>')
    goal_y = zero_y - ph * goal / span
    for i, v in enumerate(vs):
        cx = left + slot * (i + 0.5)
        value = v.value or 0
        h = max(ph * abs(values[i]) / span, 1.5)
        bar_y = zero_y - h if values[i] >= 0 else zero_y
        running = v.due_at > as_of
        colour = STATUS_COLOURS.get(v.status, GREY)
        if v.status == "pending":
            colour = BLUE
        opacity = "0.5" if running and v.status == "pending" else "1"
        tip = v.reason
        out.append(f'<g><title>{escape(tip)}</title><rect x="{cx - bw / 2:.1f}" y="{bar_y:.1f}" '
                   f'width="{bw:.1f}" height="{h:.1f}" rx="2" fill="{colour}" fill-opacity="{opacity}"/></g>')
        if slot >= 26:
            y = bar_y - 3 if values[i] >= 0 else bar_y + h + 11
            inside = values[i] >= 0 and abs(y - 3 - goal_y) < 8 and h > 18      # keep the number off the goal line
            y = bar_y + 12 if inside else y
            cls = "val inside" if inside and opacity == "1" else "val"
            out.append(f'<text class="{cls}" x="{cx:.1f}" y="{y:.1f}" text-anchor="middle">{_num(value)}</text>')
        if i % every == 0:
            label = labels[i] + (" (so far)" if running and slot >= 60 else "")
            out.append(f'<text class="axis" x="{cx:.1f}" y="{top + ph + 14:.1f}" text-anchor="middle">'
                       f"{escape(label)}</text>")
    out.append(f'<line class="goal" x1="{left}" x2="{width - right}" y1="{goal_y:.1f}" y2="{goal_y:.1f}"/>'
               f'<text class="goal-label" x="{left - 5}" y="{goal_y + 3.5:.1f}" text-anchor="end">{_num(goal)}</text>')
    out.append("</svg>")
    return "".join(out)


# ------------------------------------------------------------------- recognition

def _median_words(response: str | None) -> str:
    """What the median response of the board and the heat map is of."""
    if response is None:
        return "Median response: shown only where it is of one clause."
    return (f"Median response: working time to respond to {response} alone, one clause, since several "
            "rules' deadlines would mix (slacode report --rule picks another rule).")


def _heat_median_words(comp: Compliance) -> str:
    if comp.by == "rule":
        return ("Median and p90: working time to respond, each row of its own clause (within / at least … "
                "within); the all row adds up several clauses and shows none.")
    return _median_words(comp.response).replace("Median response:", "Median and p90:")


#: what a board ranked otherwise than by points is ordered by, said under its heading
_RANK_WORDS = {"rate": "Ranked by rate (met among judged; among equal rates, more verdicts judged first).",
               "met": "Ranked by promises kept (met verdicts).",
               "median": "Ranked by the median response, fastest first.",
               "breached": "Ranked by breaches, most first: who may need a hand (no medals)."}


def _rank_words(rank: str, board=()) -> str:
    """What the board is ordered by, said under its heading (nothing for points). Asked for
    the median when no rep has one, it says that the board fell back to points."""
    from slacode.report.scoring import no_median

    if rank == "median" and no_median(board):
        return (" Asked to rank by the median response, but no rep has one (a median is of one timed clause, "
                "with answers): ranked by points instead, most first.")
    words = _RANK_WORDS.get(rank)
    return f" {words}" if words else ""


def _bar_share(s, rank: str, board) -> float | None:
    """How long a rep's bar is, a share of the longest (points, met, breaches: of the
    board's most; rate: the rate itself); None for the median (no bar)."""
    if rank == "rate":
        return s.rate or 0.0
    if rank == "median":
        return None
    measure = {"points": lambda x: x.points, "met": lambda x: x.met, "breached": lambda x: x.breached}[rank]
    most = max(measure(x) for x in board) or 1
    return measure(s) / most


def _board(board, response: str | None = None, ranking: str = "points") -> str:
    from slacode.report.scoring import BEST_FIRST

    if not board:
        return '<p class="empty">No verdict has an assignee yet.</p>'
    rows = []
    for rank, s in enumerate(board, 1):
        prized = ranking in BEST_FIRST and (s.points if ranking == "points" else s.met)
        medal = _medal(rank) if rank <= 3 and prized else f'<span class="rank">{rank}</span>'
        stars = "".join(f'<span class="star" title="perfect week {escape(w)}">{_STAR}</span>'
                        for w in s.perfect_weeks)
        weeks = f'{stars}<span class="weeks">{", ".join(escape(w.split("-")[-1]) for w in s.perfect_weeks)}</span>' \
            if s.perfect_weeks else '<span class="muted">—</span>'
        share = _bar_share(s, ranking, board)
        bar = f'<div class="pbar"><div style="width:{100 * share:.1f}%"></div></div>' if share is not None else ""
        rows.append(f"<tr><td class=\"c\">{medal}</td><td><b>{escape(s.assignee)}</b></td>"
                    f'<td class="num"><b>{s.points:,}</b></td><td>{bar}</td>'
                    f'<td class="num">{s.met:,}</td><td class="num">{s.breached:,}</td>'
                    f'<td class="num" style="color:{_rate_colour(s.rate)}">{escape(_pct(s.rate))}</td>'
                    f'<td class="num">{escape(duration_text(s.responses.median_seconds)) or "—"}</td>'
                    f'<td class="num">{s.open:,}</td><td>{weeks}</td></tr>')
    head = ("<tr><th></th><th>rep</th><th class=\"num\">points</th><th></th><th class=\"num\">met</th>"
            "<th class=\"num\">breached</th><th class=\"num\">rate</th>"
            f"<th class=\"num\">median response{_clause_note(response)}</th>"
            "<th class=\"num\" title=\"verdicts still undecided (pending, at risk or paused), of every clause: more than the open clocks above, which count deadlines only\">undecided</th><th>perfect weeks</th></tr>")
    return f'<table class="board"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'


def _period_heads(periods, period: str) -> str:
    """A heading cell per period, short-labelled, the running one marked `so far`."""
    labels = _short_labels([p.label for p in periods], period)
    return "".join(f'<th class="num" title="{escape(p.label)}">{escape(lab)}'
                   f'{"<br><span class=so-far>so far</span>" if not p.complete else ""}</th>'
                   for p, lab in zip(periods, labels))


def _team_board(ts) -> str:
    """The teams' standings by goals met: a row per team in the order of the whole report's
    ranking, a column per period with the team's points (the period's leaders crowned, a
    running or unsettled period framed dashed), then the total and its rank."""
    from slacode.report.teams import rank_text

    if not ts.teams:
        return '<p class="empty">No target or quota: no team scores (a point is a goal met).</p>'
    head = _period_heads(ts.periods, ts.period)
    rows = []
    for total in ts.total.teams:
        cells = []
        for p in ts.periods:
            s = next(x for x in p.teams if x.team == total.team)
            tip = (f"{p.label}: {s.points:,} point{'s' if s.points != 1 else ''}, rank {rank_text(s)} of "
                   f"{len(p.teams)}; {s.met:,} met of {s.goals:,} goals, {s.breached:,} breached, "
                   f"{s.open:,} undecided" + (f", {s.empty:,} with nothing to judge" if s.empty else ""))
            crown = _CROWN if total.team in p.winners else ""
            cls = "num" if p.settled else "num unsettled"
            cells.append(f'<td class="{cls}" title="{escape(tip)}">{crown}{s.points:,}'
                         f'<span class="n">{s.points:,}/{s.goals - s.empty:,}</span></td>')
        prized = total.rank <= 3 and total.points
        medal = _medal(total.rank) if prized else f'<span class="rank">{escape(rank_text(total))}</span>'
        tied = ' <span class="muted" title="tied on points">=</span>' if total.tied and prized else ""
        rows.append(f'<tr><td class="c">{medal}{tied}</td><th class="rowhead">{escape(total.team)}</th>'
                    f'{"".join(cells)}<td class="num"><b>{total.points:,}</b></td>'
                    f'<td class="num">{total.breached:,}</td><td class="num">{total.open:,}</td></tr>')
    notes = []
    if ts.longer:
        notes.append(f"Goals with periods longer than a {ts.period} ({', '.join(ts.longer)}) count in the "
                     f"{ts.period} holding their start.")
    if ts.unassigned:
        notes.append(f"{ts.unassigned:,} line(s) of goals by assignee for leads nobody was assigned are left out.")
    if ts.ungrouped:
        notes.append(f"{ts.ungrouped:,} line(s) of goals by a field for leads without the field are left out.")
    if ts.without_goals:
        notes.append(f"Owning rules but no target or quota, so scoring no point: {', '.join(ts.without_goals)}.")
    foot = f'<p class="more muted">{escape(" ".join(notes))}</p>' if notes else ""
    return (f'<div class="scroll"><table class="heat teams"><thead><tr><th></th><th>team</th>{head}'
            '<th class="num">points</th><th class="num">breached</th>'
            '<th class="num" title="goals not decided yet (pending or at risk)">undecided</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>'
            '<p class="more muted">Each cell: points, and under them goals met of goals judged or running '
            '(a target period with nothing to judge is in neither).</p>'
            + foot)


_CROWN = ('<svg viewBox="0 0 20 14" width="16" height="11" role="img" aria-label="leading team" '
          'style="margin-right:3px;vertical-align:-1px"><path fill="#d4a017" d="M1 13h18l1-10-5 4-5-6-5 6-5-4z"/></svg>')

_STAR = ('<svg viewBox="0 0 20 20" width="15" height="15" aria-hidden="true"><path fill="#e3a008" '
         'd="M10 1.5l2.6 5.5 6 .7-4.5 4.1 1.2 5.9L10 14.8l-5.3 2.9 1.2-5.9L1.4 7.7l6-.7z"/></svg>')


def _medal(rank: int) -> str:
    fill = {1: "#d4a017", 2: "#a7b1bb", 3: "#c07a3f"}[rank]
    return (f'<svg viewBox="0 0 24 24" width="22" height="22" role="img" aria-label="rank {rank}">'
            f'<path d="M7 1h4l2 6H9z" fill="#2f6fdd"/><path d="M13 1h4l-2 6h-4z" fill="#c9302c"/>'
            f'<circle cx="12" cy="14.5" r="8" fill="{fill}"/><circle cx="12" cy="14.5" r="6" fill="none" '
            f'stroke="#fff" stroke-opacity=".55"/><text x="12" y="18.4" text-anchor="middle" font-size="10" '
            f'font-weight="700" fill="#fff">{rank}</text></svg>')


# ------------------------------------------------------------------- heat table

def _clause_note(response: str | None) -> str:
    """The clause a median column is of, small under its heading (nothing without one)."""
    return f'<br><span class="so-far">{escape(response)}</span>' if response else ""


def _heat_table(comp: Compliance) -> str:
    if not comp.groups:
        return '<p class="empty">No verdicts yet.</p>'
    head = _period_heads(comp.periods, comp.period)
    rows = []
    for g in comp.groups:
        cells = "".join(_heat_cell(comp.cell(g, p.label), p.label, period=p, change=c, before=b)
                        for p, c, b in zip(comp.periods, _changes(comp, g), _befores(comp, g)))
        t = comp.group_total(g)
        rows.append(f'<tr><th class="rowhead">{escape(g)}</th>{cells}{_heat_cell(t, "all periods", True)}'
                    f"{_median_cells(t)}"
                    f'<td class="num">{t.open:,}</td></tr>')
    foot_cells = "".join(_heat_cell(comp.period_total(p.label), p.label, True, p, c, b)
                         for p, c, b in zip(comp.periods, _changes(comp), _befores(comp)))
    total = comp.total
    rows.append(f'<tr class="total"><th class="rowhead">all</th>{foot_cells}{_heat_cell(total, "all", True)}'
                f"{_median_cells(total)}"
                f'<td class="num">{total.open:,}</td></tr>')
    note = _clause_note(comp.response if comp.by != "rule" else None)
    undecided = ("verdicts not decided yet (pending, at risk or paused), of every clause: more than the open "
                 "clocks of the key numbers and of Due next, which count deadlines only")
    return (f'<div class="scroll"><table class="heat"><thead><tr><th>{escape(comp.column)}</th>{head}'
            f'<th class="num">all</th><th class="num">median{note}</th><th class="num">p90{note}</th>'
            f'<th class="num" title="{escape(undecided)}">undecided</th></tr></thead>'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


def _median_cells(cell: Cell) -> str:
    """A line's median and p90 cells: a dash without a response time, or over several clauses
    (which one median would mix; the title says so)."""
    if cell.mixed:
        why = escape("several clauses: see each row")
        return f'<td class="num muted" title="{why}">—</td><td class="num muted" title="{why}">—</td>'
    return (f'<td class="num">{escape(duration_text(cell.median_seconds)) or "—"}</td>'
            f'<td class="num">{escape(duration_text(cell.p90_seconds)) or "—"}</td>')


def _heat_cell(cell: Cell, label: str, bold: bool = False, period=None, change: float | None = None,
               before=None) -> str:
    """A rate cell; with its ``period``, framed dashed while not settled; with its ``change``
    from the period ``before``, an arrow after the rate."""
    tip = f"{label}: {cell.met} met, {cell.breached} breached, {cell.open} undecided, {cell.cancelled} cancelled"
    unsettled = period is not None and not cell.settled(period)
    if unsettled:
        tip += _unsettled_words(period, cell)
    tip += _change_words(change, before)
    if cell.rate is None:
        return f'<td class="num heat-empty" title="{escape(tip)}">—</td>'
    weight = "font-weight:600;" if bold else ""
    cls = "num unsettled" if unsettled else "num"
    return (f'<td class="{cls}" style="background:{_heat_bg(cell.rate)};{weight}" title="{escape(tip)}">'
            f'{rate_text(cell.rate, 0)}{_change_arrow(change)}<span class="n">{cell.judged:,}</span></td>')


def _heat_bg(rate: float) -> str:
    """A pale red → amber → green background for a rate."""
    stops = [(0.5, (252, 214, 212)), (0.8, (253, 236, 200)), (1.0, (205, 240, 214))]
    if rate <= stops[0][0]:
        r, g, b = stops[0][1]
    else:
        r, g, b = stops[-1][1]
        for (x0, c0), (x1, c1) in zip(stops, stops[1:]):
            if rate <= x1:
                f = (rate - x0) / (x1 - x0)
                r, g, b = (round(a + (bb - a) * f) for a, bb in zip(c0, c1))
                break
    return f"rgb({r},{g},{b})"


# ----------------------------------------------------------------------- due next

def _due_intro(clocks: Clocks, due_limit: int, late_limit: int) -> str:
    coming, late = clocks.coming_count, clocks.late_count
    shown = min(due_limit, coming)
    words = (f"The clocks coming due next, soonest first ({shown} of {coming:,}"
             f"{'' if shown == coming else '; slacode due lists them all'}): the warning moment while it is "
             "ahead, else the deadline. Paused clocks show the deadline they would have if the pause ended now.")
    if late:
        words += (f" Below them, apart, the clocks already past their deadline and still open, the most recently "
                  f"late first ({min(late_limit, late)} of {late:,}; slacode due --overdue lists them all).")
    return words


def _due_tables(clocks: Clocks, late_limit: int) -> str:
    """The clocks coming due, soonest first (the first ``due_limit``); then, apart, the late
    ones, most recently late first: the first ``late_limit``, and how many more there are."""
    coming, late = clocks.coming, clocks.late_count
    if not coming and not late:
        return '<p class="empty">No clock is running.</p>'
    parts = [_due_table(coming) if coming else '<p class="empty">No clock comes due: every open clock is late.</p>']
    if late:
        parts.append(f'<h3>Overdue, most recently late first <span class="k-sub">{late:,} '
                     f'clock{"s" if late != 1 else ""} past the deadline and still open</span></h3>')
        parts.append(_late_table(clocks.late))
        if clocks.more:
            parts.append(f'<p class="muted more">… and {clocks.more:,} more overdue, the oldest due '
                         f"{escape(_dt(clocks.oldest_late))}.</p>")
    return "".join(parts)


def _clock_cells(d) -> str:
    """The cells both tables of clocks share: lead, rep, rule and clause, status."""
    return (f"<td>{escape(d.lead)}</td><td>{escape(d.assignee or '—')}</td>"
            f"<td>{escape(d.rule)} <span class=\"clause\">{escape(d.clause)}</span></td>"
            f"<td>{_status_pill(d.status)}</td>")


def _due_table(dues) -> str:
    rows = []
    for d in dues:
        rows.append(f'<tr><td>{escape(_dt(d.next_at))}</td><td class="muted">{escape(d.next_words)}</td>'
                    f'<td class="num">{escape(_wall(d.until_next.total_seconds()))}</td>'
                    f'{_clock_cells(d)}<td>{escape(_dt(d.due_at))}</td>'
                    f'<td class="num">{escape(duration_text(d.working_left.total_seconds()))}</td>'
                    f'<td class="num">{_attempts(d)}</td></tr>')
    head = ("<tr><th>next</th><th></th><th class=\"num\">in (wall clock)</th><th>lead</th><th>rep</th><th>rule</th>"
            "<th>status</th><th>due</th><th class=\"num\">working time left</th><th class=\"num\">attempts</th></tr>")
    return f'<div class="scroll"><table class="due"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table></div>'


def _late_table(dues) -> str:
    """Late clocks: their passed deadline and how long ago (wall clock), most recent first."""
    rows = []
    for d in dues:
        rows.append(f'<tr><td>{escape(_dt(d.due_at))}</td>'
                    f'<td class="num">{escape(_wall(-d.time_left.total_seconds()))}</td>'
                    f'{_clock_cells(d)}<td class="num">{_attempts(d)}</td></tr>')
    head = ("<tr><th>deadline</th><th class=\"num\">late by (wall clock)</th><th>lead</th><th>rep</th><th>rule</th>"
            "<th>status</th><th class=\"num\">attempts</th></tr>")
    return (f'<div class="scroll"><table class="due late"><thead>{head}</thead><tbody>{"".join(rows)}</tbody>'
            "</table></div>")


def _attempts(d) -> str:
    return "" if d.attempts_needed is None else f"{d.attempts_made} of {d.attempts_needed}"


def _status_pill(status: str) -> str:
    return (f'<span class="status" style="background:{STATUS_COLOURS.get(status, GREY)}">'
            f"{escape(status.replace('_', ' '))}</span>")


def _footer(result) -> str:
    import slacode

    problems = _input_problems(result)
    note = (f" {problems:,} input problem{'s were' if problems != 1 else ' was'} reported while reading or "
            "evaluating the events; `slacode check` lists them." if problems else "")
    return (f"<footer>Made by slacode {escape(slacode.__version__)} from agreement "
            f"{escape(result.agreement_id or '?')}"
            + (f" (version {escape(result.version)})" if result.version else "") + ". Verdicts count in "
            f"the period their cycle started in. Response times are working time.{escape(note)}</footer>")


# ------------------------------------------------------------------------- helpers

def _svg_open(width: int, height: int, label: str) -> str:
    return (f'<svg class="chart" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
            f'role="img" aria-label="{escape(label)}" xmlns="http://www.w3.org/2000/svg">')


def _label_step(labels: list[str], n: int, width: float) -> int:
    """Label every how many bars so that the labels do not overlap: a label is about 6.5 px a
    character (11 px type) plus a gap, and never less than 34 px."""
    room = max(34.0, max((len(lab) for lab in labels), default=0) * 6.5 + 8)
    return max(1, math.ceil(n / max(1, int(width // room))))


def _per(goal) -> str:
    """A plan's target or quota period as written after `per` (``working day on office``)."""
    cal = goal.calendar
    return f"{goal.period} on {cal.name or cal.timezone}" if cal is not None else goal.period


def _short_labels(labels: list[str], period: str) -> list[str]:
    """Compact period labels (``W45``, ``Nov``, ``11-02``, ``Q4``) when all are of one year."""
    if len({lab[:4] for lab in labels}) > 1:
        return list(labels)
    months = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    out = []
    for lab in labels:
        if period == "week" or "-W" in lab:
            out.append(lab.split("-")[1])
        elif period == "quarter" or "-Q" in lab:
            out.append(lab.split("-")[1])
        elif period == "day" or lab.count("-") == 2:
            out.append(lab[5:])
        else:
            out.append(months[int(lab[5:7]) - 1])
    return out


def _rate_colour(rate: float | None, goal: float | None = None) -> str:
    """Green at or above the goal (90% without one), amber within ten points of it, red below."""
    if rate is None:
        return GREY
    goal = 0.9 if goal is None else goal
    if rate >= goal - 1e-12:
        return GREEN
    if rate >= goal - 0.10:
        return AMBER
    return RED


def _pct(rate: float | None) -> str:
    return "—" if rate is None else rate_text(rate)


def _num(x) -> str:
    if x is None:
        return "—"
    if isinstance(x, int):                # exactly, however large: a sum beyond 64 bits, or
        from slacode.texts import grouped   # past Python's digit limit

        return grouped(x)
    return f"{int(x):,}" if float(x).is_integer() else f"{x:,.1f}"


def _when(us: int, zone) -> str:
    t = from_us(us, zone)
    off = t.strftime("%z")
    return t.strftime("%a %d %b %Y, %H:%M") + (f" ({off[:3]}:{off[3:]})" if off else "")


def escape(text, quote: bool = True) -> str:
    """HTML-escaped text, with the characters that reorder text shown as ``[U+202E]``."""
    return _escape(visible(str(text)), quote)


def _dt(t) -> str:
    """``Mon 23 Nov 11:02 -05:00``: clocks of several calendars mix zones, so each says its own."""
    off = t.strftime("%z")
    return t.strftime("%a %d %b %H:%M") + (f" {off[:3]}:{off[3:]}" if off else "")


def _wall(seconds: float) -> str:
    """``2h 05m``, ``1d 5h``; a time in the past (a late clock) with a ``-`` in front."""
    sign = "-" if seconds <= -60 else ""
    minutes = int(abs(seconds)) // 60
    d, rem = divmod(minutes, 1440)
    h, m = divmod(rem, 60)
    if d:
        return f"{sign}{d}d {h}h"
    return sign + (f"{h}h {m:02d}m" if h else f"{m}m")


_CSS = """
:root{--ink:#1f2328;--muted:#656d76;--line:#d8dee4;--bg:#f6f8fa;--card:#fff}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--ink);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue","Liberation Sans",Arial,sans-serif}
main{max-width:1200px;margin:0 auto;padding:28px 32px 40px}
header{margin-bottom:18px}
.eyebrow{text-transform:uppercase;letter-spacing:.08em;font-size:12px;color:var(--muted);font-weight:600}
h1{margin:2px 0 4px;font-size:28px;letter-spacing:-.01em}
.meta{color:var(--muted)}
.notice{margin-top:10px;padding:8px 12px;border:1px solid #d4a72c;border-left:4px solid #d4a72c;border-radius:6px;background:#fff8c5}
h2{font-size:18px;margin:0 0 2px}
section{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:18px 20px;margin:16px 0}
.intro{color:var(--muted);margin:0 0 14px;font-size:13px;max-width:900px}
.kpis{display:grid;grid-template-columns:repeat(6,1fr);gap:12px}
.kpi{background:var(--card);border:1px solid var(--line);border-top:4px solid var(--muted);border-radius:10px;padding:12px 14px}
.k-label{font-size:12px;color:var(--muted);font-weight:600}
.k-value{font-size:26px;font-weight:700;margin:2px 0;font-variant-numeric:tabular-nums}
.k-sub{font-size:12px;color:var(--muted)}
.grid{display:grid;grid-template-columns:repeat(3,1fr);gap:14px}
.two{display:grid;grid-template-columns:minmax(0,1.1fr) minmax(0,1fr);gap:16px}
.two section{margin:0}
.card{border:1px solid var(--line);border-radius:8px;padding:10px 12px 6px}
.card-head{display:flex;justify-content:space-between;align-items:flex-start;gap:8px;margin-bottom:4px}
.card-title{font-weight:650}
.card-sub{font-size:12px;color:var(--muted)}
.big{font-size:20px;font-weight:700;font-variant-numeric:tabular-nums;white-space:nowrap}
.clause{font-family:ui-monospace,"DejaVu Sans Mono",monospace;font-size:12px;color:#0550ae;background:#ddf4ff;border-radius:4px;padding:0 4px}
.pill{font-size:11px;color:var(--muted);border:1px solid var(--line);border-radius:999px;padding:0 7px;font-weight:500}
svg.chart{display:block;width:100%;height:auto;overflow:visible}
svg .grid{stroke:#eaeef2;stroke-width:1}
svg .axis{font-size:10px;fill:var(--muted)}
svg .count{font-size:9px;fill:#8c959f}
svg .val{font-size:10px;fill:var(--ink);font-weight:600}
svg .val.inside{fill:#fff}
svg .goal{stroke:var(--ink);stroke-width:1.2;stroke-dasharray:4 3}
svg .goal-label{font-size:10px;fill:var(--ink);font-weight:600}
svg .nodata{stroke:#afb8c1;stroke-width:2;stroke-dasharray:2 2}
svg .hb-title{font-size:12px;font-weight:600;fill:var(--ink)}
svg .hb-why{font-size:11px;fill:var(--muted)}
.target{padding:8px 0;border-bottom:1px solid #eef1f4}
.target:last-of-type{border-bottom:0}
.t-head{margin-bottom:6px}
.chips{display:flex;flex-wrap:wrap;gap:6px}
.chip{min-width:54px;text-align:center;border-radius:6px;padding:3px 6px;border:1px solid transparent}
.chip.met{background:#dcfce4;border-color:#aceebb}
.chip.breached{background:#fde2e1;border-color:#f5b5b2}
.chip.pending{background:#fff;border:1px dashed #afb8c1}
.c-period{font-size:11px;color:var(--muted)}
.c-value{font-weight:700;font-variant-numeric:tabular-nums}
.legend{margin-top:10px;font-size:12px;color:var(--muted);display:flex;gap:6px;align-items:center}
.legend .sw{display:inline-block;width:14px;height:12px;border-radius:3px;margin-left:8px}
.legend .sw.dashed{border:1px dashed #afb8c1}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{padding:6px 8px;border-bottom:1px solid #eef1f4;text-align:left;vertical-align:middle}
thead th{font-size:12px;color:var(--muted);font-weight:600;border-bottom:1px solid var(--line)}
.num{text-align:right}
.c{text-align:center;width:34px}
.rank{color:var(--muted);font-weight:600}
.muted{color:var(--muted)}
.pbar{background:#eef1f4;border-radius:4px;height:8px;width:150px}
.pbar div{background:linear-gradient(90deg,#2f6fdd,#1a7f37);height:8px;border-radius:4px}
.star{display:inline-block;vertical-align:-2px;margin-right:1px}
.weeks{font-size:11px;color:var(--muted);margin-left:4px}
.scroll{overflow-x:auto}
table.heat td{border:2px solid #fff;border-radius:4px;white-space:nowrap}
table.heat .n{display:block;font-size:10px;color:var(--muted);font-weight:400}
table.heat .heat-empty{color:#afb8c1}
table.heat td.unsettled{outline:1.5px dashed #6e7781;outline-offset:-3px}
.chg{font-size:9px;margin-left:2px}
.chg.up{color:#1a7f37;fill:#1a7f37}
.chg.down{color:#c9302c;fill:#c9302c}
.chg.same{color:#8c959f;fill:#8c959f}
.rowhead{font-weight:600;font-size:13px;white-space:nowrap}
tr.total th,tr.total td{border-top:2px solid var(--line)}
.so-far{font-weight:400;font-size:10px}
table.due td{white-space:nowrap}
h3{font-size:14px;margin:18px 0 6px}
.more{font-size:12px;margin:6px 0 0}
.status{color:#fff;border-radius:999px;padding:1px 8px;font-size:12px;font-weight:600;white-space:nowrap}
.empty{color:var(--muted);font-style:italic}
footer{color:var(--muted);font-size:12px;margin-top:18px}
@media (max-width:900px){.kpis{grid-template-columns:repeat(2,1fr)}.grid,.two{grid-template-columns:1fr}}
@media print{body{background:#fff}section{break-inside:avoid}}
"""
