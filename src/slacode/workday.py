"""Targets by the working day (an extension, docs/extensions.md): where the deadline of a
line such as ``within same working day on office, after 15:00 by 12:00 next working day``
falls for a clock that starts at a given instant.

* The clock's **working day** is the working date whose hours hold its first working
  instant at or after the start (:meth:`~slacode.calendar.Calendar.working_date_us`): a start
  outside working time counts from the next opening (§5), and the after-midnight part of an
  overnight interval belongs to the date the interval starts.
* **After the cut-off** (``after 15:00``): that first working instant is at or after 15:00
  of its working day's local clock; the line's late form then applies.
* The **deadline instant** is the close of the working day (``same working day``), or of the
  next working date after it (``next working day``), or the time ``by HH:MM`` shows on that
  next working date — the close, if the desk closes before.

That instant is turned into a working time once per cycle, from the start to it, and the
cycle is judged as a ``within`` line with that target (:func:`slacode.compile.line_at`): the
ordinary deadline arithmetic of :mod:`slacode.calendar` does the rest (pauses move the
deadline, ``warn at P%`` is a share of that working time).

Without a calendar the wall clock stands in: every date of the agreement's timezone is a
working day from 00:00 to 24:00.
"""
from __future__ import annotations

from datetime import date
from typing import NamedTuple

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


class DaySpec(NamedTuple):
    """A compiled :class:`~slacode.model.WorkingDay`: times in minutes after midnight."""

    first: str                      # same | next
    by: int | None                  # `next working day by T`
    cutoff: int | None              # `after T` (None: no cut-off part)
    late_by: int | None             # the late form's `by T` (None: the close)
    head: str                       # `same working day`, `next working day by 12:00`
    tail: str                       # `, after 15:00 next working day` or ""

    def text(self, on: str = "") -> str:
        """The target as written, with `` on CAL`` (``on``) in its place."""
        return f"{self.head}{on}{self.tail}"


class DayDue(NamedTuple):
    """Where one clock's deadline falls."""

    instant: int                    # the deadline instant (epoch µs)
    day: int                        # the date it falls on (an ordinal)
    counted: int                    # the working day the clock counts in (an ordinal)
    late: bool                      # the start was at or after the cut-off
    outside: bool                   # the start was outside working time
    by: int | None                  # the `by` time that applied (None: the close)


def spec_of(day) -> DaySpec:
    """The :class:`DaySpec` of a model :class:`~slacode.model.WorkingDay` (a cut-off part on
    `next working day`, which the checks refuse, is left out)."""
    late = day.late and day.cutoff is not None and day.first == "same"
    return DaySpec(day.first, day.by.minutes if day.by is not None else None,
                   day.cutoff.minutes if late else None,
                   day.late_by.minutes if late and day.late_by is not None else None,
                   day.head(), day.tail() if late else "")


def due_of(clock, spec: DaySpec, start_us: int) -> DayDue:
    """Where the deadline of a clock on ``clock`` started at ``start_us`` falls (raises
    :class:`~slacode.calendar.CalendarError` when the calendar has no working day left)."""
    counted, first = clock.working_date_us(start_us)
    late = spec.cutoff is not None and first >= clock.time_on_us(counted, spec.cutoff)
    if spec.first == "same" and not late:
        day, by = counted, None
    else:
        day, by = clock.next_working_date(counted), spec.late_by if late else spec.by
    close = clock.close_us(day)
    instant = close if by is None else min(clock.time_on_us(day, by), close)
    return DayDue(instant, day, counted, late, first != start_us, by)


def day_label(ordinal: int) -> str:
    """``Mon 2026-11-02``."""
    d = date.fromordinal(ordinal)
    return f"{_DAYS[d.weekday()]} {d.isoformat()}"


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def due_words(spec: DaySpec, due: DayDue) -> str:
    """The deadline in words, for reasons: ``the close of its working day, Mon 2026-11-02``,
    ``12:00 on the next working day, Tue 2026-11-03, as it started after 15:00``."""
    where = "its working day" if due.day == due.counted else "the next working day"
    what = f"the close of {where}" if due.by is None else f"{_hhmm(due.by)} on {where}"
    why = []
    if due.outside:
        why.append("it started outside working time" + (
            f" and counts from {day_label(due.counted)}" if due.day != due.counted else ""))
    if due.late:
        why.append(f"{'its clock' if due.outside else 'it'} started after {_hhmm(spec.cutoff)}")
    return f"{what}, {day_label(due.day)}" + (f", as {' and '.join(why)}" if why else "")
