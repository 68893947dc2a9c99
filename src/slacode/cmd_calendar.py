"""``slacode calendar``: what an agreement's calendars open and close, and the deadline
arithmetic on them, so a person can check a holiday or a due date without a lead.

The figures come from the same :class:`~slacode.calendar.Calendar` objects the evaluator
uses: ``--at T --add 4h`` is the due date of a ``within 4h on CAL`` clock started at ``T``
(without pauses), and ``--at A --until B`` the working time a clock counts between them.
"""
from __future__ import annotations

import re
from datetime import date

import click

from slacode.cli import _fail, load_agreement

_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DURATION = re.compile(r"\s*(?=\d)(?:\d+\s*d\s*)?(?:\d+\s*h\s*)?(?:\d+\s*m\s*)?", re.ASCII)
_DURATION_PART = re.compile(r"(\d+)\s*([dhm])", re.ASCII)
_SPELLED = re.compile(r"\s*(\d+)\s*(days?|hours?|minutes?|mins?|w|weeks?)\s*", re.IGNORECASE)


def _clocks(agreement, names: tuple[str, ...]) -> list:
    """The calendars named (all of them by default, in the order written); without any, the
    agreement's wall clock, so ``--add`` still answers. Exit 2 for a name the agreement does
    not declare, naming the ones it does."""
    calendars = agreement.calendars
    if not names:
        if calendars:
            return [calendars[n] for n in agreement.calendar_decls]
        from slacode.calendar import WallClock

        return [WallClock(agreement.timezone or "UTC")]
    chosen = []
    for name in names:
        if name not in calendars:
            known = ", ".join(agreement.calendar_decls) or "none: time is wall-clock time"
            near = _near(name, list(agreement.calendar_decls))
            _fail(f"{agreement.file or 'the agreement'} has no calendar {name!r}"
                  + (f"; did you mean {near!r}?" if near else "") + f" (calendars: {known})")
        chosen.append(calendars[name])
    return chosen


def _near(name: str, known: list[str]) -> str | None:
    import difflib

    close = difflib.get_close_matches(name, known, n=1, cutoff=0.6)
    return close[0] if close else None


def parse_duration(text: str, clock) -> int:
    """A duration written as in the language (``4h``, ``1d4h``, ``90m``, ``2d 3h``: days,
    hours, minutes, each at most once and in that order, not zero) in microseconds of the
    clock's time: a ``d`` is the calendar's day length. ``ValueError`` saying how to write it."""
    if not _DURATION.fullmatch(text):
        spelled = _SPELLED.fullmatch(text)
        hint = ""
        if spelled and spelled.group(2).lower().startswith("w"):
            hint = " (write weeks as days: `5d` is a working week of a calendar open five days)"
        elif spelled:
            hint = f" (`{spelled.group(1)}{spelled.group(2)[0].lower()}`)"
        raise ValueError(f"{text!r} is not a duration; write it as the agreement does: `4h`, `1d4h`, `90m`{hint}")
    day_seconds = int(clock.day_length.total_seconds())
    unit = {"d": day_seconds, "h": 3600, "m": 60}
    total = sum(int(n) * unit[u] for n, u in _DURATION_PART.findall(text)) * 1_000_000
    if not total:
        raise ValueError(f"{text!r} is no time at all; give a duration longer than 0, such as `4h`")
    return total


def _instant(text: str, clock, option: str) -> int:
    """``--at`` / ``--until`` in epoch µs: RFC 3339, or a local time (seconds may be left
    out) read in the calendar's time zone."""
    from slacode.cli import _DATE_ONLY, _LOOSE
    from slacode.events import parse_timestamp

    loose = _LOOSE.fullmatch(text.strip())
    written = text
    if loose:
        day_time, seconds, z, hours, minutes = loose.groups()
        written = day_time + (seconds or ":00") + (z or (f"{hours}:{minutes or '00'}" if hours else ""))
    elif _DATE_ONLY.fullmatch(text.strip()):
        written = text.strip() + "T00:00:00"
    try:
        return parse_timestamp(written, clock.tz)
    except ValueError as e:
        _fail(f"{option} {text}: {e}")


def _declaration_lines(agreement, name: str | None) -> list[str]:
    from slacode.fmt import one_line

    decl = agreement.calendar_decls.get(name) if name else None
    if decl is None:
        return []
    return [one_line(item) for item in decl.items]


def _span_words(us: int) -> str:
    """Working time in hours and minutes (never days: a day is the calendar's, not 24h)."""
    from slacode.texts import span_text

    return span_text(us, days=False)


def _wall_words(us: int) -> str:
    from slacode.texts import span_text

    return span_text(us, days=True)


def _wall_aside(clock, us: int, shape: str) -> str:
    """The wall-clock time beside a calendar's working time (nothing for the wall clock
    itself, whose time is already that)."""
    return shape.format(_wall_words(us)) if hasattr(clock, "closed_days") else ""


def _when_day(us: int, clock) -> str:
    """``Mon 2027-02-08 11:00 -03:00``: an instant for people, with its weekday."""
    from slacode.calendar import from_us
    from slacode.instants import when

    return f"{_WEEKDAYS[from_us(us, clock.tz).weekday()].capitalize()} {when(us, clock.tz)}"


def _interval_text(interval) -> str:
    start, end = interval
    return f"{start // 60:02d}:{start % 60:02d}-{end // 60:02d}:{end % 60:02d}"


def describe(agreement, clock, first: date, last: date) -> dict:
    """One calendar as ``--format json`` writes it: its zone, day length, declaration, and the
    dates from ``first`` to ``last`` that are closed although the regular hours open them
    (with why) and those with special hours."""
    closed = clock.closed_days(first, last) if hasattr(clock, "closed_days") else []
    special = sorted((d, ivs) for d, ivs in getattr(clock, "open", {}).items() if first <= d <= last)
    return {
        "name": clock.name,
        "timezone": clock.timezone,
        "day_length_seconds": int(clock.day_length.total_seconds()),
        "declaration": _declaration_lines(agreement, clock.name),
        "from": first.isoformat(),
        "to": last.isoformat(),
        "closed": [{"date": d.isoformat(), "weekday": _WEEKDAYS[d.weekday()], "why": why} for d, why in closed],
        "open": [{"date": d.isoformat(), "weekday": _WEEKDAYS[d.weekday()],
                  "hours": [_interval_text(i) for i in ivs]} for d, ivs in special],
        **({"lead_zone": True} if getattr(clock, "home", None) is not None else {}),    # `timezone lead`
    }


def deadline(clock, at_us: int, add_us: int, written: str) -> dict:
    """The due date of a clock of ``add_us`` working µs started at ``at_us`` (no pauses),
    with the closed days it skips."""
    from slacode.instants import iso

    due = clock.add_us(at_us, add_us)
    converted = f" ({_span_words(add_us)})" if "d" in written else ""
    skipped = []
    if hasattr(clock, "closed_days_between"):
        skipped = [{"date": d.isoformat(), "weekday": _WEEKDAYS[d.weekday()], "why": why}
                   for d, why in clock.closed_days_between(at_us, due)]
    return {"calendar": clock.name, "from": iso(at_us, clock.tz), "add": written,
            "add_seconds": add_us // 1_000_000, "due": iso(due, clock.tz),
            "wall_clock_seconds": (due - at_us) // 1_000_000, "closed_days_skipped": skipped,
            "text": f"{written}{converted} of {clock.time_words} from {_when_day(at_us, clock)} "
                    f"ends {_when_day(due, clock)}" + _wall_aside(clock, due - at_us, ", {} of wall-clock time later")}


def between(clock, a_us: int, b_us: int) -> dict:
    """The working time a clock counts from ``a_us`` to ``b_us`` (no pauses)."""
    from slacode.instants import iso

    worked = clock.working_us(a_us, b_us)
    return {"calendar": clock.name, "from": iso(a_us, clock.tz), "until": iso(b_us, clock.tz),
            "working_seconds": worked / 1e6, "working_us": worked, "wall_clock_seconds": (b_us - a_us) / 1e6,
            "text": f"from {_when_day(a_us, clock)} until {_when_day(b_us, clock)}: {_span_words(worked)} of "
                    f"{clock.time_words}" + _wall_aside(clock, b_us - a_us, " ({} of wall-clock time)")}


def _range(year: int | None, start: str | None, end: str | None, today: date) -> tuple[date, date]:
    """The dates listed: ``--from``/``--to``, else ``--year``, else this year."""
    if year is not None and (start or end):
        _fail("give --year or --from/--to, not both")
    if year is not None:
        if not 1900 <= year <= 2200:
            _fail(f"--year {year}: choose a year from 1900 to 2200")
        return date(year, 1, 1), date(year, 12, 31)
    if not (start or end):
        return date(today.year, 1, 1), date(today.year, 12, 31)
    try:
        first = date.fromisoformat(start) if start else None
        last = date.fromisoformat(end) if end else None
    except ValueError as e:
        _fail(f"--from/--to: {e}; write dates as 2027-02-08")
    first = first or date(last.year, 1, 1)
    last = last or date(first.year, 12, 31)
    if last < first:
        _fail(f"--to {last} is before --from {first}")
    if (last - first).days > 3660:
        _fail("--from/--to: list at most ten years at a time")
    return first, last


def _why(why: str) -> str:
    """Why a date is closed, for people: holiday names as they are, a `closed` line said so."""
    return "a `closed` date of the calendar" if why == "closed" else why


def _text(agreement, clock, facts: dict, sums: list[dict]) -> str:
    title = f"calendar {clock.name}" if clock.name else "wall clock (the agreement has no calendar)"
    day = _span_words(facts["day_length_seconds"] * 1_000_000)
    lines = [f"{title}  ({clock.timezone}; 1d = {day} of {clock.time_words})"]
    if facts.get("lead_zone"):                  # `timezone lead` (extension)
        shown = "the agreement's zone, which a lead without a usable `timezone` field gets" if clock.fallback \
            else "the zone --zone names"
        lines.append(f"  timezone lead: read in each lead's own zone (its `timezone` field); shown in {shown}"
                     + ("; --zone ZONE shows it in another" if clock.fallback else ""))
    lines += [f"  {line}" for line in facts["declaration"] if not line.startswith("timezone ")]
    if clock.name:
        span = f"{facts['from']} to {facts['to']}"
        if facts["closed"]:
            lines.append(f"  closed on working days, {span}:")
            lines += [f"    {c['weekday'].capitalize()} {c['date']}  {_why(c['why'])}" for c in facts["closed"]]
        else:
            lines.append(f"  no working day closed, {span}")
        if facts["open"]:
            lines.append(f"  special hours, {span}:")
            lines += [f"    {o['weekday'].capitalize()} {o['date']}  {', '.join(o['hours'])}" for o in facts["open"]]
    for s in sums:
        lines.append(f"  {s['text']}")
        if s.get("closed_days_skipped"):
            lines.append("    closed days skipped: " + "; ".join(
                f"{c['weekday'].capitalize()} {c['date']} {_why(c['why'])}" for c in s["closed_days_skipped"]))
    return "\n".join(lines)


@click.command()
@click.argument("agreement_path", metavar="AGREEMENT")
@click.argument("names", nargs=-1, metavar="[CALENDAR]...")
@click.option("--year", type=int, help="List the closed and special days of this year (default: this year).")
@click.option("--from", "start", metavar="DATE", help="List from this date (with --to).")
@click.option("--to", "end", metavar="DATE", help="List up to this date, included.")
@click.option("--at", "at", metavar="INSTANT",
              help="Start a clock here (RFC 3339; without an offset, in the calendar's zone).")
@click.option("--add", "add", metavar="DURATION", help="With --at: when a clock of this much time ends (`4h`, `2d`).")
@click.option("--until", "until", metavar="INSTANT", help="With --at: the working time from --at to this instant.")
@click.option("--zone", "zone", metavar="ZONE",
              help="Show calendars with `timezone lead` in this IANA zone (a lead's; default: the agreement's).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def calendar(agreement_path, names, year, start, end, at, add, until, zone, fmt):
    """What an agreement's calendars close and open, and deadlines on them.

    Lists each calendar's working days that are closed (holidays with their names, closed
    dates) and its special hours in a year. With --at and --add, the due date of a clock
    of that duration started at --at, as `within` computes it; with --at and --until, the
    working time between them."""
    import json

    if (add or until) and not at:
        _fail("--add and --until count from --at: give --at INSTANT too")
    if at and not (add or until):
        _fail("--at needs --add DURATION (a due date) or --until INSTANT (the working time between)")
    agreement = load_agreement(agreement_path)
    clocks = _clocks(agreement, names)
    if zone is not None:
        clocks = _in_zone(clocks, zone)
    out = []
    for clock in clocks:
        today = _today(clock)
        first, last = _range(year, start, end, today)
        facts = describe(agreement, clock, first, last)
        sums = []
        if at:
            at_us = _instant(at, clock, "--at")
            if add:
                try:
                    add_us = parse_duration(add, clock)
                except ValueError as e:
                    _fail(f"--add {add}: {e}")
                sums.append(deadline(clock, at_us, add_us, add.strip()))
            if until:
                sums.append(between(clock, at_us, _instant(until, clock, "--until")))
        facts["sums"] = sums
        out.append((clock, facts, sums))
    if fmt == "json":
        document = {"agreement": {"id": agreement.id, "version": agreement.version},
                    "calendars": [f for _, f, _ in out]}
        click.echo(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        click.echo("\n\n".join(_text(agreement, c, f, s) for c, f, s in out))
    return 0


def _in_zone(clocks: list, zone: str) -> list:
    """``--zone``: the calendars in the lead's zone (`timezone lead`) in ``zone``, the others
    as they are; exit 2 for a zone that is not a place's IANA zone, or when no calendar
    listed is in the lead's zone (their zones are their own)."""
    from slacode.calendar import check_timezone

    if not any(getattr(c, "home", None) is not None for c in clocks):
        _fail(f"--zone {zone}: it shows a calendar with `timezone lead` in a lead's zone, and no calendar listed "
              "has one (the others are in their own zone)")
    problem = check_timezone(zone)
    if problem:
        _fail(f"--zone {zone}: {problem}")
    return [c.in_zone(zone) if getattr(c, "home", None) is not None else c for c in clocks]


def _today(clock) -> date:
    """Today in the calendar's zone (the default year to list)."""
    from datetime import datetime

    return datetime.now(clock.tz).date()


__all__ = ["between", "calendar", "deadline", "describe", "parse_duration"]
