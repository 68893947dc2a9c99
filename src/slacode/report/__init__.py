"""The managers' view of verdicts: compliance tables, an HTML dashboard, reminders.

* :func:`compliance` counts per-lead verdicts per group (rule, owner, assignee or
  segment) and period (:mod:`slacode.report.tables`, which also renders text, CSV, JSON);
* :func:`standings` scores reps for kept promises (:mod:`slacode.report.scoring`);
* :func:`team_standings` scores teams for goals met: a point per target or quota period
  met, per period, ranked (:mod:`slacode.report.teams`);
* :func:`render_html` draws one self-contained page with inline SVG charts
  (:mod:`slacode.report.html`);
* :func:`upcoming` lists the open clocks that will warn or fall due soon
  (:mod:`slacode.report.due`), in a :class:`DueList` (with the ``diagnostics``);
* :func:`slacode.report.changes.changes` lists what happened to the clocks between two
  instants, in a :class:`ChangeList` (with the ``diagnostics``);
* :class:`Progress` shows a counter of events read on a terminal
  (:mod:`slacode.report.progress`).
"""
from __future__ import annotations

from slacode.report.scoring import PERFECT_WEEK_BONUS, Standing, standings
from slacode.report.tables import Cell, Compliance, Period, compliance
from slacode.report.due import Due, DueList, due_list, parse_window, upcoming, window_of
from slacode.report.teams import TeamStandings, team_standings

__all__ = ["Cell", "ChangeList", "Compliance", "Due", "DueList", "PERFECT_WEEK_BONUS", "Period", "Progress",
           "Standing", "TeamStandings", "compliance", "due_list", "parse_window", "render_html",
           "standings", "team_standings", "upcoming", "window_of"]


def __getattr__(name: str):
    if name == "render_html":
        from slacode.report.html import render_html

        return render_html
    if name == "ChangeList":
        from slacode.report.changes import ChangeList

        return ChangeList
    if name == "Progress":
        from slacode.report.progress import Progress

        return Progress
    raise AttributeError(f"module 'slacode.report' has no attribute {name!r}")
