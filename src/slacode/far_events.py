"""SLA627: a lead's earliest event is decades before ``as_of`` (a mistyped year, most often).

The event is still evaluated (LANGUAGE.md §4: a valid timestamp is an event); the note says
that its year is probably wrong and that the lead's clocks count working time over every
year since. One comparison per lead: the fold keeps its first (earliest) event.
"""
from __future__ import annotations

#: An event more than this many years before ``as_of`` is noted (as SLA610 notes a run's).
FAR_EVENT_YEARS = 20
_FAR_EVENT_US = FAR_EVENT_YEARS * 365 * 86_400_000_000


def far_event_diagnostics(fold, as_of: int, sources) -> list:
    """SLA627 for the lead of ``fold`` when its earliest event is more than
    :data:`FAR_EVENT_YEARS` years before ``as_of``; else nothing."""
    first = fold.first_at
    if first is None or as_of - first <= _FAR_EVENT_US:
        return []
    from datetime import datetime, timezone

    from slacode import diagnostics as dg
    from slacode.codes import evaluation as codes

    source, line = fold.first_place or (None, None)
    file = sources[source] if sources and source is not None and source < len(sources) else None
    when = datetime(1970, 1, 1, tzinfo=timezone.utc).toordinal() + first // 86_400_000_000
    day = datetime.fromordinal(when).date()
    years = (as_of - first) // (365 * 86_400_000_000 + 21_600_000_000)       # years of 365.25 days
    return [dg.make(codes.FAR_EVENT, f"lead {fold.lead!r} has an event on {day.isoformat()} (UTC), {years:,} years "
                                     f"before as_of; it is evaluated as written, its clocks counting every year since",
                    dg.Span(line, 1, file=file) if line else None, file=file,
                    hint=f"if the year is a typo{_typo_of(day.year, as_of)}, fix it in the data; a placeholder "
                         "date (1900-01-01) is an unknown date: leave the event out",
                    lead=fold.lead)]


def _typo_of(year: int, as_of: int) -> str:
    """`` (1026 for 2026?)`` when ``year`` differs in one digit from the year of ``as_of``,
    else nothing."""
    from datetime import date

    meant = date.fromordinal(date(1970, 1, 1).toordinal() + as_of // 86_400_000_000).year
    a, b = f"{year:04d}", f"{meant:04d}"
    if len(a) == len(b) and sum(x != y for x, y in zip(a, b)) == 1:
        return f" ({year} for {meant}?)"
    return ""
