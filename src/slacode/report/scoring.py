"""Recognition of reps: points for kept promises and badges for perfect weeks.

The scoring, in full (it is printed on the HTML report too):

* **1 point** for every ``met`` verdict of a lead while the rep was its assignee (the
  verdict's ``assignee`` key: who held the lead when the cycle closed, or holds it now);
* a **perfect week** is an ISO week of the agreement's time zone that has ended by
  ``as_of``, in which the rep had at least one ``met`` verdict and no ``breached`` one
  (a verdict belongs to the week its cycle started in); each earns a badge and
  :data:`PERFECT_WEEK_BONUS` extra points.

Breaches cost no points: the board rewards kept promises; the compliance tables show the
misses. The median response is of one clause (``response``: by default the agreement's first
``deadline``, :func:`slacode.report.tables.response_clause`), never a mix of deadlines. Verdicts without an assignee (a lead nobody was given yet, or given to an empty
`owner`) score for nobody.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from slacode.aggregate import period_of
from slacode.verdict import as_text
from slacode.report.tables import Cell

PERFECT_WEEK_BONUS = 5
#: how the board may be ordered (``report --rank``): by points (the default), by rate, by
#: promises kept, by speed (the median response), or by breaches (most first)
RANKINGS = ("points", "rate", "met", "median", "breached")
#: the orderings that put the best first (the page gives their first three a medal)
BEST_FIRST = frozenset({"points", "rate", "met", "median"})


@dataclass
class Standing:
    """One rep's line on the board."""

    assignee: str
    met: int = 0
    breached: int = 0
    open: int = 0
    perfect_weeks: list[str] = field(default_factory=list)
    responses: Cell = field(default_factory=Cell)

    @property
    def points(self) -> int:
        return self.met + PERFECT_WEEK_BONUS * len(self.perfect_weeks)

    @property
    def rate(self) -> float | None:
        judged = self.met + self.breached
        return self.met / judged if judged else None

    def to_dict(self) -> dict:
        return {"assignee": self.assignee, "points": self.points, "met": self.met, "breached": self.breached,
                "rate": self.rate, "open": self.open, "perfect_weeks": list(self.perfect_weeks),
                "median_seconds": self.responses.median_seconds}


def standings(result, rules=None, response: str | None = None, rank: str = "points") -> list[Standing]:
    """The board, ordered by ``rank`` (:func:`rank_key`; by default best first by points,
    then rate, then name). ``rules`` restricts the verdicts counted, as in
    :func:`slacode.report.tables.compliance`; ``response`` (``rule.clause``) is the clause
    whose response times the median is of (None: every clause, and no median for a rep with
    several)."""
    from slacode.report.tables import _check_result

    _check_result(result, "standings")
    order = rank_key(rank)                      # (an unknown ranking is refused before counting)
    board = Board(result.zone, rules=rules, response=response)
    board.add(result.verdicts)
    return board.standings(result.as_of, order)


class Board:
    """:func:`standings` a lead at a time: :meth:`add` verdicts as they come, then
    :meth:`standings`. It keeps a :class:`Standing` per rep and the met and breached counts
    per rep and week, not the verdicts. Arguments as :func:`standings` takes them, ``zone``
    the result's."""

    def __init__(self, zone, rules=None, response: str | None = None):
        self.zone = zone
        self.wanted = set(rules) if rules is not None else None
        self.response = response
        self.board: dict[str, Standing] = {}
        self.weeks: dict[tuple[str, str], list[int]] = {}      # (rep, week) -> [met, breached]

    def add(self, verdicts) -> None:
        wanted, response, zone, board, weeks = self.wanted, self.response, self.zone, self.board, self.weeks
        for v in verdicts:
            if v.lead is None or v.assignee is None or v.started_at is None:
                continue
            if wanted is not None and v.rule not in wanted:
                continue
            rep = as_text(v.assignee)
            if not rep:                                 # `"owner": ""`: nobody, as in `--by assignee`
                continue
            s = board.get(rep)
            if s is None:
                s = board[rep] = Standing(rep)
            if v.status == "met":
                s.met += 1
            elif v.status == "breached":
                s.breached += 1
            elif v.status in ("pending", "at_risk", "paused"):
                s.open += 1
            s.responses.add(v, response)
            label, _ = period_of(v.started_at, "week", zone)
            w = weeks.setdefault((rep, label), [0, 0])
            w[0] += v.status == "met"
            w[1] += v.status == "breached"

    def standings(self, as_of: int, rank="points") -> list[Standing]:
        """The board as of ``as_of``, ordered by ``rank`` (a name of :data:`RANKINGS`, or
        the key :func:`rank_key` gives; its standings' perfect weeks worked out anew at each
        call)."""
        board, weeks = self.board, self.weeks
        for s in board.values():
            s.perfect_weeks = []
        ended = _ended_weeks({label for _, label in weeks}, as_of, self.zone)
        for (rep, label), (met, breached) in sorted(weeks.items()):
            if label in ended and met and not breached:
                board[rep].perfect_weeks.append(label)
        return sorted(board.values(), key=rank_key(rank) if rank.__class__ is str else rank)


def no_median(board) -> bool:
    """Whether a board of reps (:class:`Standing`) has reps but none with a median response
    (no verdict of the one clause it times has an answer, or no one clause is timed): ranked
    by ``median``, it is then in the order of points (:func:`rank_key`)."""
    reps = list(board)
    return bool(reps) and all(s.responses.median_seconds is None for s in reps)


def rank_key(rank: str = "points"):
    """The sort key of a board ordered by ``rank`` (one of :data:`RANKINGS`):

    * ``points``: most points first, then the higher rate, then the name;
    * ``rate``: the highest rate first, and among equal rates the rep with more judged
      verdicts (a 100% of 40 before a 100% of 1), then points; reps with nothing judged last;
    * ``met``: most promises kept first, then the higher rate;
    * ``median``: the fastest median response first (of the one clause the board times);
      reps without one last, by points (all of them when no rep has one: :func:`no_median`);
    * ``breached``: most breaches first, then the lower rate: who needs a hand, not a prize.

    Ties end with the name, so the order is the same on every run."""
    if rank == "points":
        return lambda s: (-s.points, -(s.rate or 0), s.assignee)
    if rank == "rate":
        return lambda s: (s.rate is None, -(s.rate or 0), -(s.met + s.breached), -s.points, s.assignee)
    if rank == "met":
        return lambda s: (-s.met, -(s.rate or 0), s.assignee)
    if rank == "median":
        def fastest(s):
            median = s.responses.median_seconds
            return (median is None, median or 0, -s.points, s.assignee)
        return fastest
    if rank == "breached":
        return lambda s: (-s.breached, s.rate if s.rate is not None else 2, s.assignee)
    raise ValueError(f"unknown ranking {rank!r}; use one of {', '.join(RANKINGS)}")


def _ended_weeks(labels: set[str], as_of: int, zone) -> set[str]:
    """The week labels whose week has ended by ``as_of``."""
    current, _ = period_of(as_of, "week", zone)
    return {label for label in labels if label < current}
