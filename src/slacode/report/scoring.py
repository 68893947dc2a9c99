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


def standings(result, rules=None, response: str | None = None) -> list[Standing]:
    """The board, best first (points, then rate, then name). ``rules`` restricts the
    verdicts counted, as in :func:`slacode.report.tables.compliance`; ``response``
    (``rule.clause``) is the clause whose response times the median is of (None: every
    clause, and no median for a rep with several)."""
    board = Board(result.zone, rules=rules, response=response)
    board.add(result.verdicts)
    return board.standings(result.as_of)


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

    def standings(self, as_of: int) -> list[Standing]:
        """The board as of ``as_of``, best first (its standings' perfect weeks worked out
        anew at each call)."""
        board, weeks = self.board, self.weeks
        for s in board.values():
            s.perfect_weeks = []
        ended = _ended_weeks({label for _, label in weeks}, as_of, self.zone)
        for (rep, label), (met, breached) in sorted(weeks.items()):
            if label in ended and met and not breached:
                board[rep].perfect_weeks.append(label)
        return sorted(board.values(), key=lambda s: (-s.points, -(s.rate or 0), s.assignee))


def _ended_weeks(labels: set[str], as_of: int, zone) -> set[str]:
    """The week labels whose week has ended by ``as_of``."""
    current, _ = period_of(as_of, "week", zone)
    return {label for label in labels if label < current}
