"""Literal values that do not exist (SLA108): times of day, dates and timestamps.

The model keeps literals as written (``25:00`` is ``TimeOfDay(hour=25)``), so this check
can point at exactly the value that is wrong.
"""
from __future__ import annotations

from typing import Iterator

from slacode import model as m
from slacode.codes import syntax as codes
from slacode.diagnostics import Diagnostic
from slacode.checks.context import Context
from slacode.checks.registry import rule

_TIME_HINT = "times of day run from `00:00` to `23:59`; `24:00` may only end an interval"


def time_ranges(ctx: Context) -> Iterator[m.TimeRange]:
    """Every time range of the agreement: calendar hours and openings, `only between`."""
    for cal in ctx.agreement.of("calendar"):
        for item in cal.items:
            if item.kind in ("hours", "open"):
                yield from item.ranges
    for r in ctx.agreement.rules:
        for clause in r.of("only_between"):
            yield clause.window


def _bad_time(ctx: Context, t: m.TimeOfDay, as_start: bool) -> Diagnostic | None:
    if not t.valid:
        return ctx.diag(codes.BAD_LITERAL, f"`{t.text()}` is not a time of day", t, hint=_TIME_HINT)
    if as_start and t.hour == 24:
        return ctx.diag(codes.BAD_LITERAL, "`24:00` can only end an interval, not start one", t,
                        hint="start the interval at `00:00` (of the next day)")
    return None


def _midnight_end(ctx: Context, day: m.WorkingDay, t: m.TimeOfDay) -> Diagnostic | None:
    """`by 24:00` or `after 24:00` on a working-day line: `24:00` only ends an interval, and
    the end of a working day is its close, which the line says without a time."""
    if t.hour != 24:
        return None
    if t is day.cutoff:
        return ctx.diag(codes.BAD_LITERAL, "`after 24:00` is not a cut-off: `24:00` can only end an interval", t,
                        hint="a cut-off at the end of the day makes no lead late that a close does not: drop the "
                             "`, after …` part, or give a time during the calendar's hours, such as `after 15:00`")
    return ctx.diag(codes.BAD_LITERAL, "`by 24:00` is not a time of day: `24:00` can only end an interval", t,
                    hint="for the end of the working day drop `by 24:00` (the deadline is then the day's close, "
                         "24:00 on a desk that closes at midnight); `by 00:00` is the start of the day, not its end")


def _date_hint(d: m.DateLit) -> str:
    if 1 <= d.month <= 12 and d.year >= 1:
        import calendar as _stdcal  # only for a date that does not exist

        last = _stdcal.monthrange(d.year, d.month)[1]
        return f"{_stdcal.month_name[d.month]} {d.year} has {last} days"
    return "dates are `YYYY-MM-DD` with a month from 01 to 12"


def calendar_dates(ctx: Context) -> Iterator[m.DateLit]:
    for cal in ctx.agreement.of("calendar"):
        for item in cal.items:
            if item.kind == "closed":
                yield from item.dates
            elif item.kind == "open":
                yield item.date


def timestamps(ctx: Context) -> Iterator[m.TimestampLit]:
    for test in ctx.agreement.tests:
        for item in test.items:
            if item.kind in ("as_of", "event"):
                yield item.at
            elif item.kind == "expect" and item.due is not None:
                yield item.due


def timestamp_problem(text: str) -> tuple[str, str] | None:
    """``(message, hint)`` when ``text`` is not an RFC 3339 timestamp with an offset."""
    try:
        from slacode.timestamps import MissingOffsetError, parse_timestamp
    except ImportError:  # pragma: no cover - the event stage is always installed
        value = m.TimestampLit(text=text).value
        return None if value is not None else (f"`{text}` is not an RFC 3339 timestamp with an offset",
                                               "write it like `2026-11-02T10:00:00-03:00`")
    try:
        parse_timestamp(text)
    except MissingOffsetError:
        return (f"timestamp `{text}` has no UTC offset",
                "add `Z` or the offset of the local time, such as `-03:00`")
    except ValueError as e:
        reason = str(e).rstrip(".")
        for prefix in (repr(text) + ": ", repr(text) + " "):
            if reason.startswith(prefix):
                reason = reason[len(prefix):]
                if reason.split(" ", 1)[0] in ("has", "is", "does"):
                    reason = "it " + reason
                break
        return (f"`{text}` is not a valid timestamp", f"{reason}; write it like `2026-11-02T10:00:00-03:00`")
    return None


@rule(codes.BAD_LITERAL)
def literal_values(ctx: Context) -> Iterator[Diagnostic]:
    for rng in time_ranges(ctx):
        for t, as_start in ((rng.start, True), (rng.end, False)):
            diag = _bad_time(ctx, t, as_start)
            if diag is not None:
                yield diag
    for r in ctx.agreement.rules:                  # `by 12:00`, `after 15:00` (targets by the working day)
        for c in r.of("within") + r.of("at_least_within"):
            for t in m.day_times(c):
                diag = _bad_time(ctx, t, False) or _midnight_end(ctx, c.day, t)
                if diag is not None:
                    yield diag
    for d in calendar_dates(ctx):
        if d.value is None:
            yield ctx.diag(codes.BAD_LITERAL, f"`{d.text()}` is not a date", d, hint=_date_hint(d))
    for ts in timestamps(ctx):
        problem = timestamp_problem(ts.text)
        if problem is not None:
            yield ctx.diag(codes.BAD_LITERAL, problem[0], ts, hint=problem[1])
    for r in ctx.agreement.rules:
        for c in r.clauses:
            # a deadline past the years instants are evaluated in cannot be placed (and no
            # promise between teams runs for a century): refused here, not a crash in `check`
            if c.kind in ("within", "at_least_within", "at_least_per_day", "gap_at_most") and \
                    c.duration is not None and c.duration.seconds() > _LONGEST_TARGET:
                yield ctx.diag(codes.BAD_LITERAL,
                               f"`{c.duration.compact()}` is longer than a hundred years: no deadline that far "
                               "can be placed", c.duration, hint="give the time the promise allows, such as `2d`")


_LONGEST_TARGET = 36_525 * 86_400      # a hundred years of days (a calendar `d` is shorter still)
