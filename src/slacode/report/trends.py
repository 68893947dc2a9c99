"""How the report reads periods for people: a day's weekday, the days no calendar works,
and each period's change of rate from the one before.

* :func:`weekday` names a day period's weekday (``Sat``), in English whatever the locale;
* :func:`closed_periods` finds the day periods on which no rule counted works: none runs on
  wall-clock time (which works every day) and no calendar of theirs has working time (a
  weekend, a holiday, a `closed` date): an empty such day is *closed*, not a quiet working
  day;
* :func:`rate_change` is a period's rate minus the rate of the last period before it that
  had something judged (periods with nothing judged are skipped: Monday after a closed
  weekend is compared with Friday), for a line of the report (a group, or the total of
  every group), given only when the period has ended and has something judged: a period
  still running is compared with none, since its mets come in before its breaches (see
  ``settled`` in :mod:`slacode.report.tables`).

Nothing here counts verdicts: the functions read a :class:`~slacode.report.tables.Compliance`
(or its periods) and the agreement's plan.
"""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Iterable

if TYPE_CHECKING:  # pragma: no cover
    from slacode.report.tables import Cell, Compliance, Period

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
#: below this, in points (hundredths of a share), a change is shown as none: rates are shown
#: to one decimal, and ``+0.0`` would say a change that the rates do not show
_NO_CHANGE = 0.0005


def weekday(p: Period, zone) -> str:
    """The weekday of a day period (``Sat``): of its first instant in ``zone``."""
    return WEEKDAYS[datetime.fromtimestamp(p.start / 1e6, zone).weekday()]


def day_label(p: Period, zone, kind: str) -> str:
    """A period's label for a table: a day's with its weekday (``2026-10-10 Sat``), any
    other period's as it is."""
    return f"{p.label} {weekday(p, zone)}" if kind == "day" else p.label


def _clocks(rp) -> list:
    """The clocks a rule's time runs on: its target lines' (each calendar a line written `on
    CHOICE` may pick) and its clauses' (`per day`, `gap at most`, `only during`), but not the
    placeholder line of an attempts rule with no `at least … within` nor `only between`'s
    zone holder, which count no time."""
    out = []
    if not (rp.kind == "attempts" and not any(c.kind == "at_least_within" for c in rp.clauses)):
        for line in rp.lines:
            if line.choose:
                out.extend(pick.clock for _, pick in line.choose)
            else:
                out.append(line.clock)
    out.extend(c.clock for c in rp.clauses if c.clock is not None and c.kind != "only_between")
    return out


def _counted(plan, rules: Iterable[str] | None) -> list:
    """The rule plans counted (``rules``; None: every rule), in the agreement's order."""
    wanted = set(rules) if rules is not None else None
    return [rp for rp in sorted(plan.rules, key=lambda r: r.index) if wanted is None or rp.name in wanted]


def calendars_of(plan, rules: Iterable[str] | None = None) -> list:
    """The calendars (not wall clocks) that the rules counted (``rules``; None: every rule)
    run on: their deadlines' and attempts' lines (each calendar of a choice), and their
    clauses' (`only during`, `per day on`, `gap at most … on`), each once, in the
    agreement's order."""
    from slacode.calendar import Calendar

    found: dict[int, object] = {}
    for rp in _counted(plan, rules):
        for clock in _clocks(rp):
            if isinstance(clock, Calendar):
                found.setdefault(id(clock), clock)
    return list(found.values())


def on_wall_clock(plan, rules: Iterable[str] | None = None) -> bool:
    """Whether a rule counted (``rules``; None: every rule) runs on wall-clock time, which
    works every day: a target line, or a `per day` or `gap at most` clause, on no calendar."""
    from slacode.calendar import WallClock

    return any(isinstance(clock, WallClock) for rp in _counted(plan, rules) for clock in _clocks(rp))


def closed_periods(plan, periods: Iterable[Period], kind: str, rules: Iterable[str] | None = None) -> frozenset:
    """The labels of the day periods on which no rule counted works: no calendar of theirs
    has working time that day (its weekend, a holiday, a `closed` date). None for other
    kinds of period, nor when a rule counted runs on wall-clock time (:func:`on_wall_clock`:
    it works every day), nor when no rule counted runs on a calendar."""
    if kind != "day" or plan is None:
        return frozenset()
    calendars = calendars_of(plan, rules)
    if not calendars or on_wall_clock(plan, rules):
        return frozenset()
    return frozenset(p.label for p in periods
                     if all(cal.working_us(p.start, p.end) == 0 for cal in calendars))


def rate_change(before: Cell | None, cell: Cell, period_before: Period | None, period: Period) -> float | None:
    """``cell``'s rate minus ``before``'s (the same line's last period before with something
    judged, see :func:`changes_from`), a share (0.05 is 5 points); None for the first
    period, a period still running, or when either period has nothing judged."""
    if before is None or period_before is None or not period.complete:
        return None
    if cell.rate is None or before.rate is None:
        return None
    return cell.rate - before.rate


def changes_from(comp: Compliance, group: str | None = None) -> list[tuple[float | None, Period | None]]:
    """Each period of ``comp`` for ``group`` (None: every group together, the periods'
    totals), in time order: its :func:`rate_change` and the period it is compared with (or
    ``(None, None)``). That period is the last one before it that had something judged:
    periods with nothing judged (a closed weekend, a quiet day) are skipped, so Monday is
    compared with Friday, not with an empty Sunday."""
    cells = [comp.cell(group, p.label) if group is not None else comp.period_total(p.label) for p in comp.periods]
    out: list[tuple[float | None, Period | None]] = []
    last: tuple[Cell, Period] | None = None          # the last period with something judged
    for p, cell in zip(comp.periods, cells):
        change = rate_change(last[0], cell, last[1], p) if last is not None else None
        out.append((change, last[1] if change is not None else None))
        if cell.rate is not None:
            last = (cell, p)
    return out


def changes(comp: Compliance, group: str | None = None) -> list[float | None]:
    """:func:`rate_change` of each period of ``comp`` for ``group`` (None: every group
    together, the periods' totals), in time order (see :func:`changes_from`)."""
    return [change for change, _ in changes_from(comp, group)]


def change_text(change: float | None) -> str:
    """A change of rate for a table, in points with one decimal: ``+5.0``, ``-12.5``, ``0.0``
    (a change that rounds to nothing); empty for None."""
    if change is None:
        return ""
    if abs(change) < _NO_CHANGE:
        return "0.0"
    return f"{change * 100:+.1f}"


def direction(change: float | None) -> str | None:
    """``up``, ``down`` or ``same`` for a change (as :func:`change_text` rounds it); None
    without one."""
    if change is None:
        return None
    if abs(change) < _NO_CHANGE:
        return "same"
    return "up" if change > 0 else "down"
