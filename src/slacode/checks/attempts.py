"""Feasibility of `attempts` rules: can `at least N within T` be kept together with
`at most M per day` and `gap at least G`?

Only certain impossibility is reported (a warning), so every bound here errs on the side of
"possible":

* per day: N attempts at no more than M per local date need ceil(N/M) distinct dates. The
  window from the start to the deadline touches at most ``ceil(T / L) + 1`` local dates,
  where L is the shortest a date can be: a calendar day (24 hours, less the largest
  daylight-saving jump of the zone) for a wall-clock target, or the shortest working day of
  the calendar (less that jump) when `only during` keeps the attempts in the target's own
  calendar, whose dates are those of the `per day` count.
* gap: N attempts at least G apart need (N - 1) × G of wall-clock time; a wall-clock target
  T allows exactly T.

A `pause while` can stretch the window without bound, so rules with one are not judged;
neither are calendars with overnight hours (a working day then spans two dates).
"""
from __future__ import annotations

import math
from functools import lru_cache
from typing import Iterator

from slacode import model as m
from slacode.codes import semantics as codes
from slacode.diagnostics import Diagnostic
from slacode.checks.calendars import range_minutes, usable
from slacode.checks.context import Context, line_of
from slacode.checks.registry import rule
from slacode.checks.rules import whole, whole_positive

DAY_MINUTES = 1440


@lru_cache(maxsize=64)
def largest_daily_jump(zone: str) -> int | None:
    """The largest forward offset change (minutes) of ``zone`` within one day, 1970–2100;
    None for an unknown zone. A local date of the zone lasts at least 1440 minus this."""
    from datetime import datetime, timedelta, timezone
    from zoneinfo import ZoneInfo

    try:
        tz = ZoneInfo(zone)
    except Exception:  # unknown zone: reported by unknown-timezone
        return None
    t = datetime(1970, 1, 1, 12, tzinfo=timezone.utc)
    end = datetime(2100, 1, 1, tzinfo=timezone.utc)
    day, week = timedelta(days=1), timedelta(days=7)
    previous = t.astimezone(tz).utcoffset()
    jump = timedelta(0)
    while t < end:
        # A week at a time; a week whose offset moved is walked day by day. (No zone changes
        # its offset and changes it back within one week.)
        later = (t + week).astimezone(tz).utcoffset()
        if later != previous:
            for k in range(1, 8):
                offset = (t + k * day).astimezone(tz).utcoffset()
                if offset - previous > jump:
                    jump = offset - previous
                previous = offset
        t += week
    return int(jump.total_seconds() // 60) + (1 if jump.total_seconds() % 60 else 0)


def _cached(ctx: Context, key, compute):
    """A value computed once per check run (per calendar, say)."""
    cache = ctx.__dict__.setdefault("_attempts_cache", {})
    if key not in cache:
        cache[key] = compute()
    return cache[key]


def calendar_zone(ctx: Context, decl: m.CalendarDecl) -> str:
    """A calendar's timezone: its own, else the agreement's."""
    return decl.timezone.value if decl.timezone is not None else ctx.timezone


def shortest_working_day(decl: m.CalendarDecl) -> int | None:
    """The fewest working minutes any working date of the calendar has (weekdays with hours
    and `open` dates); None when the calendar has overnight hours or none at all."""
    totals: dict[int, int] = {}
    openings: dict = {}
    for item in decl.items:
        if item.kind not in ("hours", "open"):
            continue
        for rng in item.ranges:
            if not usable(rng):
                return None
            if rng.overnight:
                return None
            a, b = range_minutes(rng)
            if item.kind == "hours":
                for day in item.weekdays:
                    totals[day] = totals.get(day, 0) + b - a
            else:
                openings[item.date.text()] = openings.get(item.date.text(), 0) + b - a
    values = [v for v in list(totals.values()) + list(openings.values()) if v > 0]
    return min(values) if values else None


def target_minutes(ctx: Context, line: m.AtLeastWithin) -> int | None:
    """The target of an `at least … within` line in minutes (working minutes on a calendar);
    None for a target by the working day (it depends on the start)."""
    if line.duration is None:
        return None
    if line.calendar is None:
        return line.duration.seconds() // 60
    decl = ctx.calendars.get(line.calendar.value)
    if decl is None:
        return None
    day = _cached(ctx, ("day", line.calendar.value), decl.day_minutes)
    return line.duration.seconds(day * 60) // 60


def max_dates(ctx: Context, r: m.Rule, line: m.AtLeastWithin, cap: m.AtMostPerDay, target: int) -> int | None:
    """The most local dates (of ``cap``'s zone) the window of ``line`` can touch, or None
    when it cannot be bounded."""
    found = _date_length(ctx, r, line, cap)
    if found is None:
        return None
    length, cap_zone = found
    jump = largest_daily_jump(cap_zone)
    if jump is None:
        return None
    shortest = length - jump
    if shortest <= 0:
        return None
    return math.ceil(target / shortest) + 1


def _date_length(ctx: Context, r: m.Rule, line: m.AtLeastWithin, cap: m.AtMostPerDay) -> tuple[int, str] | None:
    """The shortest a date of ``cap``'s zone lasts before daylight-saving time takes its part
    (a calendar day, or the calendar's shortest working day), and that zone; None when the
    dates cannot be bounded."""
    if cap.calendar is not None:
        cap_decl = ctx.calendars.get(cap.calendar.value)
        if cap_decl is None:
            return None
        cap_zone = calendar_zone(ctx, cap_decl)
    else:
        cap_zone = ctx.timezone
    if line.calendar is None:
        return DAY_MINUTES, cap_zone
    decl = ctx.calendars.get(line.calendar.value)
    during = {c.calendar.value for c in r.of("only_during")}
    if decl is None or line.calendar.value not in during or calendar_zone(ctx, decl) != cap_zone:
        return None
    working = _cached(ctx, ("shortest", line.calendar.value), lambda: shortest_working_day(decl))
    if working is None:
        return None
    return working, cap_zone


def _fmt_minutes(minutes: float) -> str:
    minutes = int(minutes)
    h, mi = divmod(minutes, 60)
    return (f"{h}h" if h else "") + (f"{mi}m" if mi or not h else "")


def _on(clause) -> str:
    return f" on {clause.calendar.value}" if clause.calendar is not None else ""


def _line_text(line: m.AtLeastWithin) -> str:
    return f"at least {line.n:g} within {m.target_text(line)}"


@rule(codes.IMPOSSIBLE_ATTEMPTS)
def feasible_attempts(ctx: Context) -> Iterator[Diagnostic]:
    for r in ctx.agreement.rules:
        if r.rule_kind != "attempts":
            continue
        for line in r.of("at_least_within"):
            diag = _per_cycle(ctx, r, line)
            if diag is not None:
                yield diag
        for floor in r.of("at_least_per_day"):
            diag = _daily_floor(ctx, r, floor)
            if diag is not None:
                yield diag
        yield from _gaps_apart(ctx, r)
        if r.of("pause_while"):
            continue
        for line in r.of("at_least_within"):
            target = target_minutes(ctx, line)
            if not whole_positive(line.n) or not target:
                continue
            diag = _per_day(ctx, r, line, target) or _gap(ctx, r, line, target)
            if diag is not None:
                yield diag


def _gaps_apart(ctx: Context, r: m.Rule) -> Iterator[Diagnostic]:
    """`gap at least A` with `gap at most B` on wall-clock time, B shorter than A: the second
    attempt can be neither soon enough nor late enough (both bounds include their end, so
    B equal to A leaves exactly A; working time on a calendar is not compared: its hours
    decide)."""
    for most in r.of("gap_at_most"):
        if most.calendar is not None:
            continue
        for least in r.of("gap"):
            if most.duration.seconds() < least.duration.seconds():
                yield ctx.diag(
                    codes.IMPOSSIBLE_ATTEMPTS,
                    f"`gap at most {most.duration.compact()}` cannot be kept with `gap at least "
                    f"{least.duration.compact()}` ({line_of(least)}): no next attempt is both that soon and that "
                    "late", most, hint="make the longest silence at least as long as the shortest gap between attempts")
                break


def _per_cycle(ctx: Context, r: m.Rule, line: m.AtLeastWithin) -> Diagnostic | None:
    """`at least N within …` asks for more attempts than `at most M per cycle` allows."""
    for cap in r.of("at_most_per_cycle"):
        if whole_positive(line.n) and whole(cap.n) and line.n > cap.n:
            return ctx.diag(
                codes.IMPOSSIBLE_ATTEMPTS,
                f"`{_line_text(line)}` cannot be kept with `at most {cap.n:g} per cycle` ({line_of(cap)}): "
                f"{'every attempt breaches' if cap.n == 0 else f'an attempt past the {int(cap.n)} allowed breaches'} "
                "that line", line,
                hint="ask for fewer attempts, or allow more per cycle")
    return None


def _daily_floor(ctx: Context, r: m.Rule, floor: m.AtLeastPerDay) -> Diagnostic | None:
    """`at least N per day within …` against `at most M per day` (M < N) or `at most M per
    cycle` (fewer than N attempts for each day of the window)."""
    if not whole_positive(floor.n):
        return None
    text = f"at least {floor.n:g} per day within {floor.duration.compact()}{_on(floor)}"
    for cap in r.of("at_most_per_day"):
        if whole(cap.n) and cap.n < floor.n:
            return ctx.diag(codes.IMPOSSIBLE_ATTEMPTS,
                            f"`{text}` cannot be kept with `at most {cap.n:g} per day{_on(cap)}` ({line_of(cap)}): "
                            f"a day needs {floor.n:g} attempts and a date allows {cap.n:g}", floor,
                            hint="ask for fewer attempts a day, or allow more")
    window, day = _minutes_on(ctx, floor.duration, floor.calendar), _day_minutes(ctx, floor.calendar)
    for cap in r.of("at_most_per_cycle"):
        if whole(cap.n) and window and day:
            need = int(floor.n) * -(-window // day)
            if need > cap.n:
                return ctx.diag(codes.IMPOSSIBLE_ATTEMPTS,
                                f"`{text}` cannot be kept with `at most {cap.n:g} per cycle` ({line_of(cap)}): "
                                f"its {-(-window // day)} days need {need} attempts", floor,
                                hint="ask for fewer attempts or fewer days, or allow more per cycle")
    return None


def _day_minutes(ctx: Context, calendar: m.Name | None) -> int | None:
    if calendar is None:
        return 24 * 60
    decl = ctx.calendars.get(calendar.value)
    return None if decl is None else _cached(ctx, ("day", calendar.value), decl.day_minutes)


def _per_day(ctx: Context, r: m.Rule, line: m.AtLeastWithin, target: int) -> Diagnostic | None:
    n = int(line.n)
    for cap in r.of("at_most_per_day"):
        if cap.n == 0 and not isinstance(cap.n, bool):
            return ctx.diag(
                codes.IMPOSSIBLE_ATTEMPTS,
                f"`{_line_text(line)}` cannot be kept with `at most 0 per day{_on(cap)}` ({line_of(cap)}): "
                "every attempt breaches that line", line,
                hint="allow attempts on some days, or remove one of the two lines")
        if not whole_positive(cap.n):
            continue
        need = math.ceil(n / int(cap.n))
        found = _date_length(ctx, r, line, cap)
        if found is None or need <= math.ceil(target / found[0]) + 1:
            # enough dates even if no time were lost to daylight saving: a jump can only add
            # dates, so the zone's jump (a scan of 130 years, ~5 ms) is not needed
            continue
        dates = max_dates(ctx, r, line, cap, target)
        if dates is not None and need > dates:
            return ctx.diag(
                codes.IMPOSSIBLE_ATTEMPTS,
                f"`{_line_text(line)}` cannot be kept with `at most {cap.n:g} per day{_on(cap)}` ({line_of(cap)}): "
                f"{n} attempts need {need} dates, and the time allowed spans at most {dates}", line,
                hint="allow more time, ask for fewer attempts, or allow more attempts per day")
    return None


def _gap(ctx: Context, r: m.Rule, line: m.AtLeastWithin, target: int) -> Diagnostic | None:
    if line.calendar is not None:
        return None  # the wall-clock span of working time is not bounded
    n = int(line.n)
    for gap in r.of("gap"):
        need = (n - 1) * gap.duration.seconds() / 60
        if need > target:
            return ctx.diag(
                codes.IMPOSSIBLE_ATTEMPTS,
                f"`{_line_text(line)}` cannot be kept with `gap at least {gap.duration.compact()}` ({line_of(gap)}): "
                f"{n} attempts that far apart take {_fmt_minutes(need)}, more than {_fmt_minutes(target)}", line,
                hint="allow more time, ask for fewer attempts, or shorten the gap")
    return None


#: The clauses of an `attempts` rule that give verdicts (LANGUAGE.md §7).
VERDICT_CLAUSES = ("at_least_within", "at_least_before", "at_least_per_day", "at_most_per_day", "at_most_per_cycle", "gap",
                   "gap_at_most", "first", "only_during",
                   "only_between")


@rule(codes.SETTING_WITHOUT_EFFECT, codes.ATTEMPTS_WITHOUT_CLAUSES)
def attempts_clauses(ctx: Context) -> Iterator[Diagnostic]:
    """An `attempts` rule with nothing to judge (and no other rule's `Nth attempt of` it:
    a counter), or with `warn`/`pause` and no deadline."""
    counted = {t.nth[1].value for r in ctx.agreement.rules for c in r.clauses
               if c.kind in ("start_on", "stop_on", "cancel_on", "restart_on", "breach_on") for t in c.triggers
               if t.nth is not None and t.nth[1].value != r.name.value}
    for r in ctx.agreement.rules:
        if r.rule_kind != "attempts":
            continue
        if not any(r.of(kind) for kind in VERDICT_CLAUSES) and r.name.value not in counted:
            yield ctx.diag(codes.ATTEMPTS_WITHOUT_CLAUSES,
                           f"attempts `{r.name.value}` has no clause to judge, so it gives no verdicts", r.name,
                           hint="add what the attempts must keep, such as `at least 6 within 10d` or "
                                "`at most 3 per day`")
            continue
        if r.of("at_least_within"):
            continue
        # pauses lengthen the days of `at least N per day within D` and the silences of `gap at
        # most D` too (warnings do not)
        pauses = () if r.of("at_least_per_day") or r.of("gap_at_most") else r.of("pause_while")
        for c in r.of("warn") + pauses:
            written = c.text() if c.kind == "warn" else "pause while"
            yield ctx.diag(codes.SETTING_WITHOUT_EFFECT,
                           f"`{written}` has no effect in `{r.name.value}`: in an attempts rule, pauses and "
                           "warnings concern `at least … within`, and this rule has none", c,
                           hint="add an `at least N within DURATION` line, or remove this one")


def _minutes_on(ctx: Context, duration: m.Duration, calendar: m.Name | None) -> int | None:
    """``duration`` in minutes, a `d` counted in ``calendar``'s working days (else 24h)."""
    if calendar is None:
        return duration.seconds() // 60
    decl = ctx.calendars.get(calendar.value)
    if decl is None:
        return None
    return duration.seconds(_cached(ctx, ("day", calendar.value), decl.day_minutes) * 60) // 60


@rule(codes.ZERO_DURATION)
def warn_before_the_start(ctx: Context) -> Iterator[Diagnostic]:
    """`warn D before` with D at least a line's target: at risk from the start."""
    for r in ctx.agreement.rules:
        kind = m.default_clause_of(r.rule_kind)
        for w in r.of("warn"):
            if w.before is None:
                continue
            for line in r.of(kind):
                if line.day is not None:
                    found = _warned_from_start_by_day(ctx, line, w)
                    if found is not None:
                        yield ctx.diag(codes.ZERO_DURATION, found[0], w, hint=found[1])
                        break
                    continue
                found = _warned_from_start(ctx, line, w)
                if found is not None:
                    target, picked = found
                    days = line.duration.has_days or w.before.has_days      # then the pick's day decides
                    on = f" on `{picked.value}`" if days and picked is not None and picked != line.calendar else ""
                    yield ctx.diag(codes.ZERO_DURATION,
                                   f"`{w.text()}` is at least the whole target of `{kind.replace('_', ' ')} "
                                   f"{line.duration.compact()}`{on} ({line_of(line)}): its cycles are at_risk "
                                   "from their start", w, hint="warn with less time left than the target, such "
                                   f"as `warn {max(target // 4, 1)}m before`, or as a share: `warn at 75%`")
                    break


def _warned_from_start_by_day(ctx: Context, line, warn) -> tuple[str, str] | None:
    """``(message, hint)`` when ``warn``'s time before is at least the longest target a line
    by the working day can give on a calendar it may run on (each pick of a choice, in
    order): every cycle is then at_risk from its start, as with a duration line."""
    from slacode.checks.workday import longest_target
    from slacode.texts import work_text

    choice = ctx.agreement.calendar_choices.get(line.calendar.value) if line.calendar is not None else None
    for calendar in ([p.calendar for p in choice.picks] if choice is not None else [line.calendar]):
        decl = ctx.calendars.get(calendar.value) if calendar is not None else None
        if calendar is not None and decl is None:
            continue
        bound = longest_target(line.day, decl)
        before = _minutes_on(ctx, warn.before, calendar)
        if bound is None or before is None or before < bound[0]:
            continue
        on = f" on `{calendar.value}`" if choice is not None else ""
        most = work_text(bound[0] * 60_000_000)
        lead = f"at least {line.n:g} within" if line.kind == "at_least_within" else "within"
        less = "1h" if bound[0] >= 240 else f"{max(bound[0] // 4, 1)}m"
        return (f"`{warn.text()}` is at least the longest target `{lead} {m.target_text(line)}`{on} can give "
                f"({line_of(line)}): {most}, {bound[1]}, so its cycles are at_risk from their start",
                "warn as a share of each cycle's own target, such as `warn at 75%`, or with less time left, "
                f"such as `warn {less} before`")
    return None


def _warned_from_start(ctx: Context, line, warn) -> tuple[int, m.Name | None] | None:
    """``(target minutes, calendar)`` of the first calendar ``line`` may run on (each pick of
    a calendar choice, in order) where ``warn``'s time before is the whole target or more."""
    if line.duration is None:                   # by the working day: the target depends on the start
        return None
    choice = ctx.agreement.calendar_choices.get(line.calendar.value) if line.calendar is not None else None
    for calendar in ([p.calendar for p in choice.picks] if choice is not None else [line.calendar]):
        target = _minutes_on(ctx, line.duration, calendar)
        before = _minutes_on(ctx, warn.before, calendar)
        if target and before is not None and before >= target:
            return target, calendar
    return None
