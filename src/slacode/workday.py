"""Targets by the working day (an extension, docs/extensions.md): where the deadline of a
line such as ``within same working day on office, after 15:00 by 12:00 next working day``
falls for a clock that starts at a given instant.

* The clock's **arrival day** D: the working date whose hours hold the start when it is
  in working time (the after-midnight part of an overnight interval belongs to the date
  the interval starts, §5), else the local date of the start.
* ``same working day``: when D is a working date and the start is before the cut-off
  (``after 15:00``, read on D's clock), the close of D (a start before D's opening counts
  from the opening). At or after the cut-off, or after D's close, the start is **late**:
  the line's late form applies on the first working date after D. Without a cut-off a
  start after D's close is due at the next working date's close. When D is no working
  date (a weekend, a holiday, ``closed``) the clock counts from the next opening, on
  working date W, and is due at W's close.
* ``next working day [by HH:MM]``: the first working date after D.
* The **deadline instant** is that date's close, or the instant ``by HH:MM`` shows on it,
  in working time or not (a promise of 12:30 is kept by a call at 12:15 in a lunch break).
  A ``by`` instant at or before the start (a night shift's lead at Sat 04:30 whose next
  working date is a day shift's Saturday, ``by 04:00``) is passed over for the ``by``
  instant of the next working date after it whose instant is after the start.

That instant is turned into a working time ``T`` once per cycle, from the start to it, and
the cycle is judged as a ``within T`` line (:func:`slacode.compile.line_at`), except for
where its deadline falls: without pauses it is the instant itself, and pauses move it later
by the working time they cover (:func:`slacode.compile.line_due_us`).

Without a calendar the wall clock stands in: every date of the agreement's timezone is a
working day from 00:00 to 24:00.
"""
from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import NamedTuple

_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
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

    instant: int                    # the deadline instant (epoch µs), without pauses
    day: int                        # the working date it belongs to (an ordinal)
    arrival: int                    # the arrival day D (an ordinal)
    late: bool                      # the start was at or after the cut-off (or after D's close)
    outside: bool                   # the start was outside working time
    by: int | None                  # the `by` time that applied (None: the close)
    after_close: bool = False       # the start was after the close of its (working) arrival day
    off: bool = False               # the arrival day is no working date
    passed: int | None = None       # the working date whose `by` instant was at or before the start


def spec_of(day) -> DaySpec:
    """The :class:`DaySpec` of a model :class:`~slacode.model.WorkingDay` (a cut-off part on
    `next working day`, which the checks refuse, is left out)."""
    late = day.late and day.cutoff is not None and day.first == "same"
    return DaySpec(day.first, day.by.minutes if day.by is not None else None,
                   day.cutoff.minutes if late else None,
                   day.late_by.minutes if late and day.late_by is not None else None,
                   day.head(), day.tail() if late else "")


def arrival_day(clock, start_us: int, outside: bool | None = None) -> int:
    """The arrival day of a clock started at ``start_us`` (an ordinal): the working date
    whose hours hold the start, or the start's local date when it is outside working time
    (``outside``, when the caller knows it already)."""
    if outside is None:
        outside = clock.next_open_us(start_us) != start_us
    if not outside:
        return clock.working_date_us(start_us)[0]
    from slacode.instants import local_day
    return local_day(start_us, clock.tz) + _EPOCH_ORDINAL


def due_of(clock, spec: DaySpec, start_us: int) -> DayDue:
    """Where the deadline of a clock on ``clock`` started at ``start_us`` falls (raises
    :class:`~slacode.calendar.CalendarError` when the calendar has no working day left)."""
    outside = clock.next_open_us(start_us) != start_us
    arrival = arrival_day(clock, start_us, outside)
    off = not clock.date_intervals_us(arrival)          # a weekend, a holiday, `closed`
    late, by, after = False, None, False
    if off:
        if spec.first == "same":
            day = clock.working_date_us(start_us)[0]
        else:
            day, by = clock.next_working_date(arrival), spec.by
    elif spec.first == "next":
        day, by = clock.next_working_date(arrival), spec.by
    else:
        close = clock.close_us(arrival)
        after = start_us >= close
        late = spec.cutoff is not None and (after or start_us >= clock.time_on_us(arrival, spec.cutoff))
        if late:
            day, by = clock.next_working_date(arrival), spec.late_by
        elif after:
            day = clock.next_working_date(arrival)
        else:
            day = arrival
    if by is None:
        return DayDue(clock.close_us(day), day, arrival, late, outside, by, after, off)
    instant, passed = clock.time_on_us(day, by), None
    while instant <= start_us:                          # already past: a later date's `by`
        passed = day if passed is None else passed
        day = clock.next_working_date(day)
        instant = clock.time_on_us(day, by)
    return DayDue(instant, day, arrival, late, outside, by, after, off, passed)


def day_label(ordinal: int) -> str:
    """``Mon 2026-11-02``."""
    d = date.fromordinal(ordinal)
    return f"{_DAYS[d.weekday()]} {d.isoformat()}"


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@lru_cache(maxsize=4096)
def due_words(spec: DaySpec, due: DayDue, tz) -> str:
    """The deadline in words, for reasons: the instant it is (local date and time in
    ``tz``), then what it is: ``Mon 2026-11-02 18:00, the close of its working day``,
    ``Tue 2026-11-03 12:00, by 12:00 on the next working day, as it started at or after 15:00``;
    with the working date when the instant falls on another date (a night shift), or when
    the next working day's ``by`` was not after the start, the working date it is on and
    why (``…, by 04:00 on the working day Mon 2026-11-16, as … 04:00 on the next working
    day, Sat 2026-11-14, was not after its start``)."""
    from slacode.calendar import from_us
    local = from_us(due.instant, tz)
    where = "its working day" if due.day == due.arrival else "the next working day"
    if due.passed is not None:
        what = f"by {_hhmm(due.by)} on the working day {day_label(due.day)}"
    else:
        what = f"the close of {where}" if due.by is None else f"by {_hhmm(due.by)} on {where}"
        if local.date().toordinal() != due.day:
            what += f", {day_label(due.day)}"
    if due.after_close:
        why = f"it started after the close of {day_label(due.arrival)}"
    elif due.late:
        why = f"it started at or after {_hhmm(spec.cutoff)}"
    elif due.off:
        why = f"it arrived on {day_label(due.arrival)}, not a working day"
    elif due.outside and spec.first == "same":
        why = "it arrived outside working time"
    else:
        why = ""
    if due.passed is not None:
        why += (" and " if why else "") + (f"{_hhmm(due.by)} on the next working day, {day_label(due.passed)}, "
                                           "was not after its start")
    return (f"{_DAYS[local.weekday()]} {local.date().isoformat()} {local:%H:%M}, {what}"
            + (f", as {why}" if why else ""))
