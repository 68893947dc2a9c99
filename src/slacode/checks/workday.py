"""Checks of targets by the working day (extension): `within same working day on CAL,
after 15:00 by 12:00 next working day` and `within next working day by 12:00 on CAL`.

The times are read against the calendar's weekly hours as evaluation reads them on a date
(:meth:`slacode.calendar.Calendar.time_on_us`): on a day whose hours run past midnight, a
time before its first opening is the next morning's; on any other day, the day's own.
"""
from __future__ import annotations

from typing import Iterator

from slacode import model as m
from slacode.codes import semantics as codes
from slacode.diagnostics import Diagnostic
from slacode.checks.context import Context
from slacode.checks.registry import rule

_DAY = 1440
_WHOLE_WEEK = {w: (0, _DAY) for w in range(7)}


def _lines(ctx: Context) -> Iterator[tuple[m.Rule, object]]:
    for r in ctx.agreement.rules:
        for c in r.of("within") + r.of("at_least_within"):
            if c.day is not None:
                yield r, c


def _week(decl: m.CalendarDecl) -> dict[int, tuple[int, int]]:
    """Weekday -> (first opening, last close) in minutes of the day (an overnight close past
    1440), from the calendar's `hours` lines; days without hours are left out."""
    spans: dict[int, list[tuple[int, int]]] = {}
    for item in decl.of("hours"):
        for rng in item.ranges:
            s, e = rng.start, rng.end
            if not (s.valid and e.valid and s.hour != 24 and s.minutes != e.minutes):
                continue                            # (reported by the literal and calendar checks)
            end = e.minutes if e.minutes > s.minutes else e.minutes + _DAY
            for w in item.weekdays:
                spans.setdefault(w, []).append((s.minutes, end))
    return {w: (min(a for a, _ in v), max(b for _, b in v)) for w, v in spans.items()}


def _calendars(ctx: Context, line) -> list[tuple[str | None, dict]]:
    """``(calendar name, weekly hours)`` of each calendar the line may run on: its calendar,
    each pick of a calendar choice, or the wall clock (None: every day 00:00-24:00)."""
    if line.calendar is None:
        return [(None, _WHOLE_WEEK)]
    name = line.calendar.value
    choice = ctx.agreement.calendar_choices.get(name)
    names = [p.calendar.value for p in choice.picks] if choice is not None else [name]
    out = []
    for n in dict.fromkeys(names):
        decl = ctx.calendars.get(n)
        if decl is not None:
            week = _week(decl)
            if week:
                out.append((n, week))
    return out


def _shapes(decl: m.CalendarDecl | None) -> list[list[tuple[int, int]]]:
    """The intervals (minutes of the day, an overnight end past 1440) of each weekday with
    hours and of each `open` date: the day shapes a working date of the calendar can have
    (None: the wall clock, every day 00:00-24:00)."""
    if decl is None:
        return [[(0, _DAY)]]
    days: dict[object, list[tuple[int, int]]] = {}
    for item in decl.of("hours") + decl.of("open"):
        for rng in item.ranges:
            s, e = rng.start, rng.end
            if not (s.valid and e.valid and s.hour != 24 and s.minutes != e.minutes):
                continue                            # (reported by the literal and calendar checks)
            end = e.minutes if e.minutes > s.minutes else e.minutes + _DAY
            for key in (item.weekdays if item.kind == "hours" else (item.date.value,)):
                days.setdefault((item.kind, key), []).append((s.minutes, end))
    return list(days.values())


def longest_target(day: m.WorkingDay, decl: m.CalendarDecl | None) -> tuple[int, str] | None:
    """An upper bound of the working time (minutes) a line by the working day can give a
    cycle on the calendar ``decl`` (None: the wall clock), from its hours, with the words
    that say how it is made; None when the calendar has no hours.

    * `same working day`: the longest working day (a start before the opening counts from
      it; one after the close, or on no working date, gets a whole working day at most).
    * its late form (`, after C …`): also what a late start can get, the most working time
      a day's hours hold after C plus the next one's up to the `by` time or its close.
    * `next working day [by T]`: the longest working day plus the most a day's hours hold
      up to T (read as evaluation reads it) or its close.

    A day the clocks go back on can be an hour longer: the checks read the hours as written."""
    shapes = [sh for sh in _shapes(decl) if sh]
    if not shapes:
        return None
    longest = max(sum(e - s for s, e in sh) for sh in shapes)
    late = day.first == "same" and day.late and day.cutoff is not None and day.cutoff.valid
    if day.first == "same" and not late:
        return longest, "the longest working day"
    by = day.by if day.first == "next" else day.late_by
    if by is not None and not by.valid:
        return None
    part, up_to = longest, "its close"
    if by is not None:
        part, up_to = 0, by.text()
        for sh in shapes:
            t = _on_day(by.minutes, min(s for s, _ in sh), max(e for _, e in sh))
            part = max(part, sum(max(0, min(e, t) - s) for s, e in sh))
        ends = [max(e for _, e in sh) for sh in shapes]
        if any(e > _DAY for e in ends) and any(e <= _DAY for e in ends):
            # a lead in on a night shift's morning may find the next working date's `by`
            # behind it and be due on the working date after: up to one more working day
            part += longest
            up_to += " (or a working day later, when a night shift's lead finds it passed)"
    if not late:
        return longest + part, f"the longest working day and the next one's hours up to {up_to}"
    after = 0
    for sh in shapes:
        t = _on_day(day.cutoff.minutes, min(s for s, _ in sh), max(e for _, e in sh))
        after = max(after, sum(max(0, e - max(s, t)) for s, e in sh))
    if longest >= after + part:
        return longest, "the longest working day (a lead in after the cut-off gets less)"
    return after + part, (f"the most working time after {day.cutoff.text()} on a working day and the next "
                          f"one's hours up to {up_to}")


def _on_day(minutes: int, first: int, last: int) -> int:
    """A time of day on a working day that runs from ``first`` to ``last``, as evaluation
    reads it: on a day whose hours run past midnight, a time before its first opening is
    the next morning's (``+ 1440``), even past the close; else the day's own."""
    if last > _DAY and minutes < first:
        return minutes + _DAY
    return minutes


def _inside(week: dict[int, tuple[int, int]], avoid: int) -> str:
    """A cut-off inside the hours of the calendar's most common working day (three hours
    before its close, or half-way through a shorter day), never ``avoid``."""
    shapes = list(week.values())
    first, last = max(set(shapes), key=lambda sh: (shapes.count(sh), sh))
    t = last - 180 if last - 180 > first else (first + last) // 2
    if t % _DAY == avoid:
        t = (t + first) // 2
    t %= _DAY
    return f"{t // 60:02d}:{t % 60:02d}"


def _days(weekdays: list[int]) -> str:
    """``mon-fri``, ``sat``, ``mon, wed``: weekdays as `hours` lines write them."""
    runs: list[list[int]] = []
    for w in sorted(weekdays):
        if runs and runs[-1][-1] == w - 1:
            runs[-1].append(w)
        else:
            runs.append([w])
    names = m.DAY_NAMES
    return ", ".join(names[r[0]] if len(r) == 1 else f"{names[r[0]]}-{names[r[-1]]}" for r in runs)


def _passed_words(week: dict[int, tuple[int, int]], early: list[int], by: str) -> str:
    """What SLA371 adds when a night shift's lead can arrive after a day's early `by`: a
    day shape among ``early`` and a night shift in the week (the shift's morning runs into
    that date, so its `by` can be at or before the lead's arrival)."""
    if any(week[w][1] <= _DAY for w in early) and any(last > _DAY for _, last in week.values()):
        return (f"; a lead in at or after {by} that morning, on a night shift, is due at {by} of the next "
                f"working day whose {by} is after its arrival")
    return ""


def _which(name: str | None) -> str:
    return f"calendar `{name}`" if name is not None else "the wall clock (every day 00:00-24:00)"


@rule(codes.CUTOFF_ON_NEXT_DAY)
def cutoff_on_next_day(ctx: Context) -> Iterator[Diagnostic]:
    for _, c in _lines(ctx):
        day = c.day
        if day.first == "next" and day.late:
            yield ctx.diag(codes.CUTOFF_ON_NEXT_DAY,
                           "a cut-off has no meaning after `next working day`: every lead already has until "
                           "the next working day", day.cutoff or c,
                           hint="write `same working day` before the cut-off (`within same working day on CAL, "
                                "after 15:00 next working day`), or remove the cut-off")


@rule(codes.CUTOFF_OUTSIDE_HOURS)
def cutoff_outside_hours(ctx: Context) -> Iterator[Diagnostic]:
    for _, c in _lines(ctx):
        day = c.day
        if day.first != "same" or not day.late or day.cutoff is None or not day.cutoff.valid or day.cutoff.hour == 24:
            continue
        cut = day.cutoff.minutes
        for name, week in _calendars(ctx, c):
            spans = [(first, last, _on_day(cut, first, last)) for first, last in week.values()]
            if not any(t < last for first, last, t in spans):
                yield ctx.diag(codes.CUTOFF_OUTSIDE_HOURS,
                               f"the cut-off `after {day.cutoff.text()}` is at or after the close of {_which(name)} "
                               "on every working day: it splits no working day, and only leads in after the close are late, "
                               "as with any cut-off",
                               day.cutoff, hint=f"give a time during the calendar's hours, such as "
                                                f"`after {_inside(week, cut)}`")
            elif not any(t > first for first, last, t in spans):
                yield ctx.diag(codes.CUTOFF_OUTSIDE_HOURS,
                               f"the cut-off `after {day.cutoff.text()}` is at or before the opening of {_which(name)} "
                               "on every working day: every lead that arrives in working hours is late",
                               day.cutoff, hint=f"give a time during the calendar's hours, such as "
                                                f"`after {_inside(week, cut)}`, or write `within next working day` "
                                                "if that is the promise")


@rule(codes.BY_OUTSIDE_HOURS)
def by_outside_hours(ctx: Context) -> Iterator[Diagnostic]:
    for _, c in _lines(ctx):
        day = c.day
        by = day.by if day.first == "next" else day.late_by if day.late else None
        if by is None or not by.valid or by.hour == 24:        # `24:00`: SLA108
            continue
        for name, week in _calendars(ctx, c):
            early, late = [], []
            for w, (first, last) in week.items():
                t = _on_day(by.minutes, first, last)
                if t <= first:
                    early.append(w)
                elif t > last:
                    late.append(w)
            if early:
                yield ctx.diag(codes.BY_OUTSIDE_HOURS,
                               f"`by {by.text()}` is not after the opening of {_which(name)} on {_days(early)}: on "
                               f"such a day the deadline is {by.text()} itself, before the opening, so a lead gets "
                               "none of that day's working time" + _passed_words(week, early, by.text()), by,
                               hint="give a time after the opening, or drop `by` for the close of the next working day")
            if late:
                yield ctx.diag(codes.BY_OUTSIDE_HOURS,
                               f"`by {by.text()}` is after the close of {_which(name)} on {_days(late)}: on such a "
                               f"day the deadline is {by.text()} itself, after the desk has closed", by,
                               hint="give a time during the calendar's hours, or drop `by` for the close of the day")


@rule(codes.WORKING_DAY_WITHOUT_CALENDAR)
def working_day_without_calendar(ctx: Context) -> Iterator[Diagnostic]:
    for _, c in _lines(ctx):
        if c.calendar is None:
            yield ctx.diag(codes.WORKING_DAY_WITHOUT_CALENDAR,
                           f"`{m.target_text(c)}` names no calendar: every day is a working day, from midnight to "
                           "midnight in the agreement's timezone", c,
                           hint="add `on CALENDAR` to count the calendar's working days and hours")
