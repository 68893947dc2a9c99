"""Team standings: a point for every goal a team met, per period of the report.

The seed article 004 scores "points for each service level met or exceeded monthly, and
recognition of the teams with the most total points each quarter". The service levels are
the agreement's goals, its ``target`` and ``quota`` blocks, whose verdicts (one per goal and
period, and per rep or group of a `by assignee` or `by FIELD` goal) already carry the team
that owns the goal (``owner``). The scoring, in full:

* **1 point** for every goal verdict that is ``met``, for the goal's ``owner`` team: a
  target's or a quota's period, and of a grouped goal each rep's or each group's line (each
  is a goal of its own, judged on its own);
* a **target period with no cycle to judge** (``value`` null) is ``met`` by LANGUAGE.md §8,
  but scores no point: nothing was served (it is counted as ``empty``);
* the line of a `by assignee` goal that counts the leads **nobody was assigned**, and that
  of a `by FIELD` goal that counts the leads **without the field**, are nobody's goal: they
  are left out, neither a point nor a miss (the second exists only in periods with events of
  such leads, so an `at least` line of it could never be missed);
* ``breached`` costs nothing and ``pending`` or ``at_risk`` is not met (yet): a period still
  running scores the goals already met in it (a quota reached before the period ends is
  ``met`` at once), so its points can still grow, and a `sum` quota's can fall back;
* a goal verdict counts in the report period (``--period``) that holds its own period's
  start, as every verdict of the report counts by its start; a goal whose period is longer
  than the report's (a quarterly quota in a weekly report) therefore lands in the period
  holding its first day.

Each period's teams are ranked by points, most first; teams with as many points share the
rank (``1=``), and are listed by name, so that two runs order alike. Nothing here reads the
events: the standings are worked out from the goal verdicts a :class:`Compliance` holds.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from slacode.aggregate import local_midnight_us, next_start, period_of
from slacode.report.tables import ALL, NO_OWNER, RUNNING_MARK, UNSETTLED_MARK, Compliance, display_width
from slacode.texts import visible
from slacode.verdict import iso

#: how many days a period is at most, to tell a goal period longer than the report's
_LENGTH = {"day": 1, "week": 7, "month": 31, "quarter": 92}
_OPEN = ("pending", "at_risk", "paused")


@dataclass
class TeamScore:
    """One team's line in one period (or over all of them)."""

    team: str
    met: int = 0            # goal verdicts met (``empty`` ones among them)
    breached: int = 0
    open: int = 0           # not decided yet: pending, at_risk
    empty: int = 0          # met with nothing to judge (a target period without cycles): no point
    rank: int = 0
    tied: bool = False

    @property
    def points(self) -> int:
        """One per goal met with something measured: ``met`` less ``empty``."""
        return self.met - self.empty

    @property
    def goals(self) -> int:
        """Every goal verdict of the team in the period."""
        return self.met + self.breached + self.open

    def add(self, v) -> None:
        if v.status == "met":
            self.met += 1
            if v.clause == "ratio" and v.value is None:
                self.empty += 1
        elif v.status == "breached":
            self.breached += 1
        elif v.status in _OPEN:
            self.open += 1

    def merge(self, other: "TeamScore") -> None:
        self.met += other.met
        self.breached += other.breached
        self.open += other.open
        self.empty += other.empty

    def to_dict(self) -> dict:
        return {"team": self.team, "rank": self.rank, "tied": self.tied, "points": self.points,
                "goals": self.goals, "met": self.met, "breached": self.breached, "open": self.open,
                "empty": self.empty}


@dataclass
class TeamPeriod:
    """The ranked teams of one report period (``label`` :data:`ALL` for every period)."""

    label: str
    start: int | None
    end: int | None
    complete: bool
    teams: list[TeamScore] = field(default_factory=list)

    @property
    def settled(self) -> bool:
        """Ended, and no goal of it undecided: its points are final."""
        return self.complete and not any(s.open for s in self.teams)

    @property
    def winners(self) -> list[str]:
        """The teams ranked first, when anyone scored (none when every team has 0 points)."""
        return [s.team for s in self.teams if s.rank == 1 and s.points]

    def to_dict(self, zone) -> dict:
        out = {"period": self.label}
        if self.label != ALL:
            out.update(start=iso(self.start, zone), end=iso(self.end, zone), complete=self.complete)
        out.update(settled=self.settled, winners=self.winners, standings=[s.to_dict() for s in self.teams])
        return out


@dataclass
class TeamStandings:
    """Team standings by goals met (see the module's docstring): one :class:`TeamPeriod` per
    report period in which a goal period starts, and the :attr:`total` over them."""

    period: str
    zone: object
    as_of: int
    teams: list[str]
    periods: list[TeamPeriod]
    total: TeamPeriod
    #: teams that own a rule but no target or quota: they can score no point
    without_goals: list[str] = field(default_factory=list)
    #: the goals (names) whose period is longer than the report's (each counts in the period
    #: holding its start), and the longest goal period (the report period that fits them)
    longer: list[str] = field(default_factory=list)
    longest: str | None = None
    #: the `by assignee` lines of leads nobody was assigned, left out
    unassigned: int = 0
    #: the `by FIELD` lines of leads without the field, left out
    ungrouped: int = 0

    def to_dict(self) -> dict:
        return {"period": self.period, "teams": list(self.teams), "without_goals": list(self.without_goals),
                "periods": [p.to_dict(self.zone) for p in self.periods], "total": self.total.to_dict(self.zone),
                "longer_goals": list(self.longer), "unassigned_left_out": self.unassigned,
                "ungrouped_left_out": self.ungrouped}


def rank_teams(scores: list[TeamScore]) -> list[TeamScore]:
    """``scores`` ordered by points, most first, then by team name; each given its
    competition rank (1, 1, 3: two teams on top share the first place, the next is third)
    and whether it shares it (``tied``)."""
    ordered = sorted(scores, key=lambda s: (-s.points, s.team))
    counts: dict[int, int] = {}
    for s in ordered:
        counts[s.points] = counts.get(s.points, 0) + 1
    for i, s in enumerate(ordered):
        s.rank = ordered[i - 1].rank if i and s.points == ordered[i - 1].points else i + 1
        s.tied = counts[s.points] > 1
    return ordered


def team_standings(comp: Compliance, plan=None, owners=None) -> TeamStandings:
    """The teams' standings by goals met, per period of ``comp`` (its ``period``, zone and
    ``as_of``), from its targets' and quotas' verdicts. The teams are those owning a target
    or quota of ``plan`` (only ``owners``' when given, as ``--owner`` selects), each listed in
    every period, with 0 where nothing of theirs starts; without ``plan``, the owners of the
    verdicts."""
    goals = list(comp.targets) + list(comp.quotas)
    per_rep = comp.per_rep if comp.per_rep is not None else frozenset()
    wanted = set(owners) if owners else None
    if plan is not None:
        owned = {g.owner or NO_OWNER for g in (*plan.targets, *plan.quotas)}
        ruled = {rp.owner for rp in plan.rules if rp.owner}
        mine = [g for g in (*plan.targets, *plan.quotas) if wanted is None or g.owner in wanted]
        longer = [g.name for g in mine if _LENGTH[g.period] > _LENGTH[comp.period]]
        longest = max((g.period for g in mine), key=_LENGTH.__getitem__, default=None)
    else:
        owned, ruled, longer, longest = {v.owner or NO_OWNER for v in goals}, set(), [], None
    if wanted is not None:
        owned, ruled = owned & wanted, ruled & wanted
    teams = sorted(owned, key=lambda t: (t.startswith("("), t))
    cells: dict[tuple[str, str], TeamScore] = {}
    spans: dict[str, tuple[int, int]] = {}
    unassigned = ungrouped = 0
    for v in goals:
        team = v.owner or NO_OWNER
        if team not in owned:
            continue
        if v.rule in per_rep and v.assignee is None:       # a `by assignee` goal's leads of nobody
            unassigned += 1
            continue
        if v.group is not None and all(value is None for value in v.group.values()):
            ungrouped += 1                                  # a `by FIELD` goal's leads without it
            continue
        label, first = period_of(v.started_at, comp.period, comp.zone)
        if label not in spans:
            spans[label] = (local_midnight_us(first, comp.zone),
                            local_midnight_us(next_start(first, comp.period), comp.zone))
        cell = cells.get((label, team))
        if cell is None:
            cell = cells[(label, team)] = TeamScore(team)
        cell.add(v)
    periods = []
    totals = {t: TeamScore(t) for t in teams}
    for label in sorted(spans, key=lambda lab: spans[lab][0]):
        start, end = spans[label]
        scores = [cells.get((label, t)) or TeamScore(t) for t in teams]
        for s in scores:
            totals[s.team].merge(s)
        periods.append(TeamPeriod(label, start, end, end <= comp.as_of, rank_teams(scores)))
    total = TeamPeriod(ALL, None, None, all(p.complete for p in periods), rank_teams(list(totals.values())))
    return TeamStandings(comp.period, comp.zone, comp.as_of, teams, periods, total,
                         sorted(ruled - owned), longer, longest, unassigned, ungrouped)


# ------------------------------------------------------------------------ rendering

def rank_text(s: TeamScore) -> str:
    """A rank as the table shows it: ``1``, or ``1=`` when shared."""
    return f"{s.rank}=" if s.tied else str(s.rank)


def period_text(p: TeamPeriod) -> str:
    """A period's label with its mark: ``*`` running, ``~`` ended with goals undecided."""
    if p.label == ALL:
        return ALL
    if not p.complete:
        return f"{p.label} {RUNNING_MARK}"
    return p.label if p.settled else f"{p.label} {UNSETTLED_MARK}"


_HEAD = ("period", "rank", "team", "points", "goals", "breached", "undecided", "empty")


def render_text(ts: TeamStandings) -> str:
    """The standings as plain text, a blank line first: one block per period (the teams in
    the order of their rank), then ``all``, then notes; a line saying so when no team owns a
    goal. The ``empty`` column is shown only when some target period had nothing to judge."""
    if not ts.teams:
        return "\nteam standings: no target or quota, so no team scores (a point is a goal met)\n"
    empty = any(s.empty for s in ts.total.teams)
    rows = []
    for p in ts.periods + [ts.total]:
        for i, s in enumerate(p.teams):
            rows.append([period_text(p) if i == 0 else "", rank_text(s), visible(s.team), f"{s.points:,}",
                         f"{s.goals:,}", f"{s.breached:,}", f"{s.open:,}"] + ([f"{s.empty:,}"] if empty else []))
    head = list(_HEAD if empty else _HEAD[:-1])
    widths = [max(display_width(r[i]) for r in [head] + rows) for i in range(len(head))]
    numeric = set(range(3, len(head)))

    def line(cells):
        return "  ".join(" " * (widths[i] - display_width(c)) + c if i in numeric else
                         c + " " * (widths[i] - display_width(c)) for i, c in enumerate(cells)).rstrip()

    out = ["", f"team standings per {ts.period}: a point per goal met (a target's or quota's period; "
               "each rep's or group's, of a goal by assignee or by a field)", line(head)]
    out += [line(r) for r in rows]
    return "\n".join(out + _notes(ts, empty)) + "\n"


def _notes(ts: TeamStandings, empty: bool) -> list[str]:
    notes = [""]
    if ts.periods and not ts.periods[-1].complete:
        notes.append(f"{RUNNING_MARK} period still running: the goals met so far count, pending ones do not")
    if any(p.complete and not p.settled for p in ts.periods):
        notes.append(f"{UNSETTLED_MARK} period ended with goals still undecided (a target's cycle still open, or a "
                     "goal period longer than it still running)")
    if any(s.tied for p in ts.periods + [ts.total] for s in p.teams):
        notes.append("=: tied on points, sharing the rank (listed by name)")
    notes.append("goals: the team's goal verdicts in the period; undecided: pending or at risk, not met (yet)"
                 + ("; empty: a target period with no cycle to judge, met but worth no point" if empty else ""))
    if ts.longer:
        notes.append(f"goals with periods longer than a {ts.period} ({', '.join(ts.longer)}) count in the "
                     f"{ts.period} holding their start: --period {ts.longest} fits them")
    if ts.unassigned:
        notes.append(f"{ts.unassigned:,} line{'s' if ts.unassigned != 1 else ''} of by assignee goals for leads "
                     "nobody was assigned left out (nobody's goal)")
    if ts.ungrouped:
        notes.append(f"{ts.ungrouped:,} line{'s' if ts.ungrouped != 1 else ''} of by FIELD goals for leads "
                     "without the field left out (nobody's goal)")
    if ts.without_goals:
        notes.append(f"owning rules but no target or quota, so scoring no point: {', '.join(ts.without_goals)}")
    return notes
