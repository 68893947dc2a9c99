"""Checks of calendars and timezones: zones and holiday codes that exist, intervals that are
not empty and do not overlap (overnight parts included), some working time, dates that are
not both closed and open, a sensible `day` length."""
from __future__ import annotations

import re
from typing import Iterator

from slacode import model as m
from slacode.codes import names as name_codes
from slacode.codes import semantics as codes
from slacode.diagnostics import Diagnostic
from slacode.checks.context import Context, line_of
from slacode.checks.literals import time_ranges
from slacode.checks.registry import rule

DAY_MINUTES = 1440
WEEK_MINUTES = 7 * DAY_MINUTES


def usable(rng: m.TimeRange) -> bool:
    """Whether a range has valid ends and is not empty (other checks report the rest)."""
    return (rng.start.valid and rng.end.valid and rng.start.hour != 24
            and rng.start.minutes != rng.end.minutes)


def range_minutes(rng: m.TimeRange) -> tuple[int, int]:
    """``(start, end)`` in minutes from the start of the range's own day; an overnight range
    ends after 1440."""
    start, end = rng.start.minutes, rng.end.minutes
    return start, (end + DAY_MINUTES if end < start else end)


def _split_message(problem: str, default_hint: str) -> tuple[str, str]:
    """A calendar-module sentence ``"X; did you mean 'Y'?"`` as ``(message, hint)``, with
    quoted names in backquotes."""
    problem = re.sub(r"'([^'\n]*)'", r"`\1`", problem.strip())
    head, sep, tail = problem.partition("; ")
    message = head.rstrip(".")
    message = message[:1].lower() + message[1:]
    tail = tail.rstrip(".") if not tail.endswith("….") else tail[:-1]
    return message, (tail if sep else default_hint)


def _place_key(node) -> tuple[int, int]:
    s = node.span
    return (s.line, s.column) if s is not None else (0, 0)


# ---------------------------------------------------------------------------- zones

@rule(name_codes.UNKNOWN_TIMEZONE)
def known_timezones(ctx: Context) -> Iterator[Diagnostic]:
    from slacode.calendar import _not_a_place, abbreviation_zones, check_timezone

    zones: list[m.StringLit] = []
    for header in ctx.agreement.of("agreement"):
        zones.extend(i.value for i in header.items if i.kind == "timezone")
    for cal in ctx.agreement.of("calendar"):
        zones.extend(i.value for i in cal.items if i.kind == "timezone")
    for test in ctx.agreement.tests:         # `events from "…" { timezone "…" }` (extension)
        zones.extend(o.value for i in test.items if i.kind == "events_from" for o in i.options if o.key == "timezone")
    for zone in zones:
        problem = check_timezone(zone.value)
        if problem is not None and problem == _not_a_place(zone.value):
            yield ctx.diag(name_codes.UNKNOWN_TIMEZONE, f'timezone "{zone.value}" is not the time zone of a place',
                           zone, hint=problem)
        elif problem is not None:
            _, hint = _split_message(problem, "use an IANA name such as `America/Sao_Paulo` or `UTC`")
            what = "an abbreviation, not an IANA timezone name" if abbreviation_zones(zone.value) \
                else "not an IANA timezone name"
            yield ctx.diag(name_codes.UNKNOWN_TIMEZONE, f'timezone "{zone.value}" is {what}', zone, hint=hint)


@rule(name_codes.UNKNOWN_HOLIDAYS)
def known_holidays(ctx: Context) -> Iterator[Diagnostic]:
    from slacode.calendar import check_holidays

    for cal in ctx.agreement.of("calendar"):
        for item in cal.of("holidays"):
            for region in item.regions:
                problem = check_holidays(region.value)
                if problem is not None:
                    message, hint = _split_message(
                        problem, 'use a country code such as "BR" or a subdivision such as "BR-SP"')
                    yield ctx.diag(name_codes.UNKNOWN_HOLIDAYS, message, region, hint=hint)


def _holiday_lines(ctx: Context):
    """``(calendar, holidays line, code literal)`` for every code whose code is known (the
    others are SLA216's)."""
    from slacode.calendar import check_holidays

    for cal in ctx.agreement.of("calendar"):
        for item in cal.of("holidays"):
            for region in item.regions:
                if check_holidays(region.value) is None:
                    yield cal, item, region


@rule(codes.UNKNOWN_HOLIDAY_CATEGORY)
def known_holiday_categories(ctx: Context) -> Iterator[Diagnostic]:
    """`holidays "BR" with bank`: a category the country lacks, or one of no days off."""
    for _, item, region in _holiday_lines(ctx):
        picks = [p for p in item.picks if p.category]
        if not picks:
            continue
        from slacode.holiday_days import category_problem

        for pick in picks:
            problem = category_problem(region.value, pick.value)
            if problem is not None:
                yield ctx.diag(codes.UNKNOWN_HOLIDAY_CATEGORY, problem[0], pick, hint=problem[1])


@rule(codes.UNKNOWN_HOLIDAY_NAME)
def known_holiday_names(ctx: Context) -> Iterator[Diagnostic]:
    """`holidays "BR" with "Carnaval"`: a name no holiday of the country has."""
    for _, item, region in _holiday_lines(ctx):
        picks = [p for p in item.picks if not p.category]
        if not picks:
            continue
        from slacode.holiday_days import name_problem

        for pick in picks:
            problem = name_problem(region.value, pick.value)
            if problem is not None:
                yield ctx.diag(codes.UNKNOWN_HOLIDAY_NAME, problem[0], pick, hint=problem[1])


@rule(codes.REPEATED_HOLIDAY_PICK)
def holiday_picks_once(ctx: Context) -> Iterator[Diagnostic]:
    """`with "Carnival", "carnival"`, `with optional, optional`: the second adds nothing."""
    for cal in ctx.agreement.of("calendar"):
        for item in cal.of("holidays"):
            first: dict = {}
            for pick in item.picks:
                key = (pick.category, pick.value if pick.category else pick.value.casefold())
                if key not in first:
                    first[key] = pick
                    continue
                what = f"`{pick.value}`" if pick.category else f'"{pick.value}"'
                said = f"`{first[key].value}`" if pick.category else f'"{first[key].value}"'
                same = "" if said == what else f" (as {said}: names are matched ignoring case)"
                yield ctx.diag(codes.REPEATED_HOLIDAY_PICK,
                               f"{what} is given twice in this `with` list{same}; the second adds nothing",
                               pick, hint="remove it, or write the name that was meant")


@rule(name_codes.DUPLICATE_CLAUSE)
def holidays_of_a_code_twice(ctx: Context) -> Iterator[Diagnostic]:
    """A code given twice in a calendar, once at least with `with`: which days does it close?"""
    for cal in ctx.agreement.of("calendar"):
        seen: dict[str, tuple] = {}
        for item in cal.of("holidays"):
            for region in item.regions:
                first = seen.get(region.value)
                if first is None:
                    seen[region.value] = (item, region)
                    continue
                if not (item.picks or first[0].picks):
                    continue            # `holidays "BR", "BR"`: the same days twice, harmless
                picks = list(dict.fromkeys(
                    p.value if p.category else f'"{p.value}"' for p in first[0].picks + item.picks))
                line = f'holidays "{region.value}"' + (f" with {', '.join(picks)}" if picks else "")
                yield ctx.diag(name_codes.DUPLICATE_CLAUSE,
                               f'calendar `{cal.name.value}` gives the holidays of "{region.value}" twice '
                               f"(first on {line_of(first[1])})", region,
                               hint=f"write the code once, with all it adds: `{line}`")


@rule(codes.HOLIDAYS_NOT_OF_ZONE)
def holidays_of_the_zone(ctx: Context) -> Iterator[Diagnostic]:
    """A calendar in one country's zone that closes on another country's holidays only."""
    calendars = [c for c in ctx.agreement.of("calendar") if c.of("holidays") and not c.lead_zone]  # (`timezone lead`: any zone)
    if not calendars:
        return
    from slacode.calendar import check_holidays
    from slacode.holiday_days import zone_countries

    for cal in calendars:
        zone = cal.timezone.value if cal.timezone is not None else ctx.agreement.timezone
        countries = zone_countries(zone)
        if len(countries) != 1:
            continue                    # no country, or a zone shared by several
        (country,) = countries
        regions = [r for h in cal.of("holidays") for r in h.regions]
        if any(check_holidays(r.value) is not None for r in regions):
            continue                    # SLA216 reports the unknown code; fix it first
        # a code of the zone's country, or a subdivision that is that country's own code
        # (`US-VI` for America/St_Thomas, the U.S. Virgin Islands; `FR-974` is Réunion, `RE`)
        if any(country in _countries_of(r.value) for r in regions):
            continue
        codes_text = ", ".join(f'"{r.value}"' for r in regions)
        yield ctx.diag(codes.HOLIDAYS_NOT_OF_ZONE,
                       f"calendar `{cal.name.value}` keeps the holidays of {codes_text} but its timezone "
                       f'"{zone}" is the time of "{country}"', regions[0],
                       hint=f'if the desk follows the holidays of "{country}", add or write `holidays "{country}"`; '
                            "keep the line if the desk keeps another country's holidays")


@rule(codes.HOLIDAYS_OF_NO_REGION)
def holidays_of_a_region(ctx: Context) -> Iterator[Diagnostic]:
    """`holidays "GB"`: the nationwide days of a country whose every region keeps more."""
    from slacode.holiday_days import REGIONAL_HOLIDAYS

    for cal in ctx.agreement.of("calendar"):
        regions = [r for h in cal.of("holidays") for r in h.regions]
        if not any(r.value.upper() in REGIONAL_HOLIDAYS or len(r.value) == 3 for r in regions):
            continue
        from slacode.calendar import check_holidays

        if any(check_holidays(r.value) is not None for r in regions):
            continue                    # SLA216 reports the unknown code; fix it first
        # the countries of the codes with a region (`GB-ENG`, `GBR-ENG`): as `"GB"` and `"GBR"`
        named = {c for r in regions if "-" in r.value for c in _countries_of(r.value.partition("-")[0])}
        for region in regions:
            if "-" in region.value:
                continue
            country = next(iter(_countries_of(region.value)))
            subdivisions = REGIONAL_HOLIDAYS.get(region.value.upper()) or REGIONAL_HOLIDAYS.get(country)
            if subdivisions is None or country in named:
                continue
            shown = [f"{region.value}-{s}" for s in subdivisions if " " not in s]
            listed = ", ".join(shown[:8]) + (f" and {len(shown) - 8} more" if len(shown) > 8 else "")
            yield ctx.diag(codes.HOLIDAYS_OF_NO_REGION,
                           f'calendar `{cal.name.value}` keeps the holidays "{region.value}" has nationwide, but '
                           f"every region of it keeps more ({listed}): on this calendar a desk in any of them "
                           "works on some of its days off", region,
                           hint=f'name the desk\'s region, `holidays "{region.value}-{shown[0].partition("-")[2]}"` '
                                "(its days include the nationwide ones); keep the line if the desk follows only "
                                "the nationwide days")


def _countries_of(code: str) -> set[str]:
    """The countries a holidays code is of: its country, and for a subdivision that is a
    territory with a country code of its own (`US-VI`, `FR-974`) that code too, as the tz
    database names the territory's zone."""
    code = code.upper()
    country, dash, subdiv = code.partition("-")
    if len(country) == 3:               # `BRA`, `BRA-SP`: the package's ISO-3 alias of `BR`
        from slacode.calendar import _alpha3

        two = _alpha3().get(country)
        if two is not None:
            country, code = two, two + dash + subdiv
    return {country} | ({_TERRITORIES[code]} if code in _TERRITORIES else set())


#: subdivisions of the holidays package that are territories with a country code of their
#: own, which the tz database gives their zones
_TERRITORIES = {"US-AS": "AS", "US-GU": "GU", "US-MP": "MP", "US-PR": "PR", "US-UM": "UM", "US-VI": "VI",
                "FR-971": "GP", "FR-972": "MQ", "FR-973": "GF", "FR-974": "RE", "FR-976": "YT",
                "FR-BL": "BL", "FR-MF": "MF", "FR-NC": "NC", "FR-PF": "PF", "FR-PM": "PM", "FR-TF": "TF",
                "FR-WF": "WF"}


# ------------------------------------------------------------------------ intervals

@rule(codes.EMPTY_INTERVAL)
def empty_intervals(ctx: Context) -> Iterator[Diagnostic]:
    for rng in time_ranges(ctx):
        if rng.start.valid and rng.end.valid and rng.start.minutes == rng.end.minutes:
            yield ctx.diag(codes.EMPTY_INTERVAL, f"the interval `{rng.text()}` starts and ends at the same time",
                           rng, hint="write `00:00-24:00` for a whole day, or remove the interval")


@rule(codes.MORNING_OVERNIGHT)
def morning_overnight(ctx: Context) -> Iterator[Diagnostic]:
    """`8:00-5:00`: an interval that starts before noon and ends at an earlier time of the
    next day, most likely eight to five on the 12-hour clock."""
    for rng in time_ranges(ctx):
        if not usable(rng) or not rng.overnight or rng.start.minutes >= 12 * 60:
            continue
        length = DAY_MINUTES - rng.start.minutes + rng.end.minutes
        hours = f"{length // 60}h" + (f" {length % 60:02d}m" if length % 60 else "")
        pm = rng.end.minutes + 12 * 60
        if rng.end.minutes < 12 * 60 and pm > rng.start.minutes:
            meant = m.TimeRange(start=rng.start, end=m.TimeOfDay(hour=pm // 60, minute=pm % 60))
            hint = f"did you mean `{meant.text()}`? Times of day are on the 24-hour clock"
        else:
            hint = "times of day are on the 24-hour clock; an interval that ends before it starts runs overnight"
        yield ctx.diag(codes.MORNING_OVERNIGHT,
                       f"`{rng.text()}` starts in the morning and runs overnight to {rng.end.text()} the next day "
                       f"({hours})", rng, hint=hint)


def _weekly_spans(cal: m.CalendarDecl) -> list[tuple[int, int, int, m.TimeRange]]:
    """``(start, end, weekday, range)`` on the circular week, in minutes from Monday 00:00;
    an overnight Sunday range is split at the end of the week."""
    spans = []
    for item in cal.of("hours"):
        for rng in item.ranges:
            if not usable(rng):
                continue
            a, b = range_minutes(rng)
            for day in sorted(item.weekdays):
                s, e = day * DAY_MINUTES + a, day * DAY_MINUTES + b
                if e > WEEK_MINUTES:
                    spans.append((s, WEEK_MINUTES, day, rng))
                    spans.append((0, e - WEEK_MINUTES, day, rng))
                else:
                    spans.append((s, e, day, rng))
    return spans


def _label(day: int, rng: m.TimeRange) -> str:
    return f"{m.DAY_NAMES[day]} {rng.text()}"


def _overlaps(spans) -> Iterator[tuple]:
    """Pairs of overlapping spans ``(earlier in the file, later in the file)``, each pair of
    ranges once."""
    seen: set[tuple] = set()
    ordered = sorted(spans, key=lambda s: (s[0], s[1]))
    for i, a in enumerate(ordered):
        for b in ordered[i + 1:]:
            if b[0] >= a[1]:
                break
            first, second = sorted((a, b), key=lambda s: _place_key(s[3]))
            key = (_place_key(first[3]), _place_key(second[3]))
            if first[3] is second[3] or key in seen:
                continue
            seen.add(key)
            yield first, second


@rule(codes.OVERLAPPING_HOURS)
def overlapping_hours(ctx: Context) -> Iterator[Diagnostic]:
    for cal in ctx.agreement.of("calendar"):
        for first, second in _overlaps(_weekly_spans(cal)):
            earlier = _label(first[2], first[3])
            later = _label(second[2], second[3])
            notes = [f"`{_label(s[2], s[3])}` runs until {s[3].end.text()} on {m.DAY_NAMES[(s[2] + 1) % 7]}"
                     for s in (first, second) if s[3].overnight]
            hint = "intervals of one day add up, so write each minute once"
            if notes:
                hint += "; " + "; ".join(notes)
            yield ctx.diag(codes.OVERLAPPING_HOURS,
                           f"hours `{later}` overlap `{earlier}` ({line_of(first[3])}) in calendar `{cal.name.value}`",
                           second[3], hint=hint)
        yield from _overlapping_openings(ctx, cal)


def _overlapping_openings(ctx: Context, cal: m.CalendarDecl) -> Iterator[Diagnostic]:
    by_date: dict = {}
    for item in cal.of("open"):
        if item.date.value is None:
            continue
        for rng in item.ranges:
            if usable(rng):
                a, b = range_minutes(rng)
                by_date.setdefault(item.date.value, []).append((a, b, 0, rng))
    for day, spans in by_date.items():
        for first, second in _overlaps(spans):
            yield ctx.diag(codes.OVERLAPPING_HOURS,
                           f"the opening `{second[3].text()}` on {day.isoformat()} overlaps `{first[3].text()}` "
                           f"({line_of(first[3])})", second[3],
                           hint="intervals of one date add up, so write each minute once")


@rule(codes.NO_WORKING_TIME)
def some_working_time(ctx: Context) -> Iterator[Diagnostic]:
    for cal in ctx.agreement.of("calendar"):
        if any(usable(r) for item in cal.of("hours") for r in item.ranges):
            continue
        if any(not usable(r) for item in cal.of("hours") for r in item.ranges):
            continue  # its only intervals are already reported as invalid or empty
        extra = " (its `open` dates add single days only)" if cal.of("open") else ""
        yield ctx.diag(codes.NO_WORKING_TIME, f"calendar `{cal.name.value}` has no working hours{extra}",
                       cal.name, hint="add `hours DAYS HH:MM-HH:MM`, such as `hours mon-fri 09:00-18:00`")


@rule(codes.CLOSED_AND_OPEN)
def closed_and_open(ctx: Context) -> Iterator[Diagnostic]:
    for cal in ctx.agreement.of("calendar"):
        closed = {}
        for item in cal.of("closed"):
            for d in item.dates:
                if d.value is not None:
                    closed.setdefault(d.value, d)
        for item in cal.of("open"):
            d = item.date
            if d.value is not None and d.value in closed:
                yield ctx.diag(codes.CLOSED_AND_OPEN,
                               f"{d.text()} is both closed ({line_of(closed[d.value])}) and open in calendar "
                               f"`{cal.name.value}`", d,
                               hint="keep `open` for special hours on that date, or `closed` for none")


@rule(codes.INVALID_DAY_LENGTH)
def day_length(ctx: Context) -> Iterator[Diagnostic]:
    for cal in ctx.agreement.of("calendar"):
        for item in cal.of("day_length"):
            seconds = item.duration.seconds()
            if item.duration.has_days:          # `day 1d`: a day's length in days says nothing
                yield ctx.diag(codes.INVALID_DAY_LENGTH,
                               f"a working day's length is given in days (`day {item.duration.compact()}`)",
                               item.duration, hint="give it in hours and minutes, such as `day 8h`")
            elif seconds == 0:
                yield ctx.diag(codes.INVALID_DAY_LENGTH, f"calendar `{cal.name.value}` has a working day of zero length",
                               item.duration, hint="give the length of one working day, such as `day 8h`")
            elif seconds > 86_400:
                yield ctx.diag(codes.INVALID_DAY_LENGTH,
                               f"a working day of `{item.duration.compact()}` is longer than 24 hours",
                               item.duration, hint="give the length of one working day, such as `day 8h`")
