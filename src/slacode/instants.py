"""Epoch microseconds → local time and text, fast (verdicts write several instants each).

``datetime.fromtimestamp(…, zone).isoformat()`` costs a few microseconds: a zone lookup, a
datetime and the formatting. Here a zone's UTC offset is looked up once per hour of UTC
time and cached; the rest is integer arithmetic and one f-string. An hour in which the
offset changes (a transition that is not on the hour) is never cached: its instants take
the exact path. The text is exactly what :meth:`datetime.isoformat` writes.
"""
from __future__ import annotations

from datetime import date, datetime

_HOUR = 3_600_000_000
_DAY = 86_400_000_000
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_MIXED = object()                       # an hour that holds a transition


def _offset_text(seconds: int) -> str:
    sign = "-" if seconds < 0 else "+"
    h, rem = divmod(abs(seconds), 3600)
    m, s = divmod(rem, 60)
    return f"{sign}{h:02d}:{m:02d}:{s:02d}" if s else f"{sign}{h:02d}:{m:02d}"


class _Zone:
    """Offsets of one zone, per UTC hour."""

    __slots__ = ("zone", "hours")

    def __init__(self, zone):
        self.zone = zone
        self.hours: dict = {}

    def exact(self, us: int) -> tuple[int, str]:
        off = datetime.fromtimestamp(us // 1_000_000, self.zone).utcoffset()
        seconds = off.days * 86_400 + off.seconds
        return seconds * 1_000_000, _offset_text(seconds)

    def offset(self, us: int) -> tuple[int, str]:
        """``(offset in µs, offset text such as "-03:00")`` at instant ``us``."""
        hour = us // _HOUR
        got = self.hours.get(hour)
        if got is None:
            first, last = self.exact(hour * _HOUR), self.exact(hour * _HOUR + _HOUR - 1)
            got = first if first[0] == last[0] else _MIXED
            if len(self.hours) > 1 << 18:
                self.hours.clear()
            self.hours[hour] = got
        return self.exact(us) if got is _MIXED else got


class Kept(dict):
    """A bounded memo: ``kept[key]`` is ``make(key)``, made on first use. Past ``limit``
    entries it starts again: texts that repeat (a cycle's start, deadlines on a calendar's
    opening hours, ``as_of``) repeat close together, so the newest are the ones worth
    keeping."""

    __slots__ = ("make", "limit")

    def __init__(self, make, limit: int):
        super().__init__()
        self.make, self.limit = make, limit

    def __missing__(self, key):
        if len(self) > self.limit:
            self.clear()
        value = self[key] = self.make(key)
        return value


_ZONES: dict = {}
_HOURS: dict = {}
_WHEN_HOURS: dict = {}
_MIN_SEC = tuple(f"{m:02d}:{s:02d}" for m in range(60) for s in range(60))    # "MM:SS" by second of the hour


def _offset(zone, us: int) -> tuple[int, str]:
    z = _ZONES.get(zone)
    if z is None:
        z = _ZONES[zone] = _Zone(zone)
    got = z.hours.get(us // _HOUR)
    return got if got is not None and got is not _MIXED else z.offset(us)


def _hour_text(hour: int) -> str:
    """``2026-06-19T08:`` for a local hour number (hours since 1970-01-01 00:00)."""
    text = _HOURS.get(hour)
    if text is None:
        if len(_HOURS) > 1 << 18:
            _HOURS.clear()
        days, h = divmod(hour, 24)
        text = _HOURS[hour] = f"{date.fromordinal(days + _EPOCH_ORDINAL).isoformat()}T{h:02d}:"
    return text


def local_us(us: int, zone) -> int:
    """The local wall-clock time of ``us`` in ``zone``, as microseconds since 1970-01-01 00:00."""
    return us + _offset(zone, us)[0]


def local_each(instants_us, zone) -> list[int]:
    """:func:`local_us` of many instants (one zone lookup for all: a cycle's attempts)."""
    z = _ZONES.get(zone)
    if z is None:
        z = _ZONES[zone] = _Zone(zone)
    hours = z.hours
    try:                                    # every hour known and whole (no change inside)
        return [us + hours[us // _HOUR][0] for us in instants_us]
    except (KeyError, TypeError):           # an hour not seen yet, or _MIXED
        pass
    out = []
    for us in instants_us:
        got = hours.get(us // _HOUR)
        if got is None or got is _MIXED:
            got = z.offset(us)
        out.append(us + got[0])
    return out


def hour_day(hour: int, zone) -> int | None:
    """The local day number of every instant of UTC hour ``hour`` (hours since 1970) in
    ``zone``, or None when the hour holds an offset change or a local midnight."""
    z = _ZONES.get(zone)
    if z is None:
        z = _ZONES[zone] = _Zone(zone)
    start = hour * _HOUR
    off = z.offset(start)
    if z.hours.get(hour) is _MIXED:
        return None
    day = (start + off[0]) // _DAY
    return day if (start + _HOUR - 1 + off[0]) // _DAY == day else None


def local_day(us: int, zone) -> int:
    """The local date of ``us`` in ``zone`` as a day number (days since 1970-01-01)."""
    return (us + _offset(zone, us)[0]) // _DAY


def iso(us: int, zone) -> str:
    """RFC 3339 text of an instant in ``zone``, as ``datetime.isoformat`` writes it (the
    last few thousand are kept: a cycle's start and common deadlines repeat)."""
    return _ISO[us, zone]


def _iso(key: tuple) -> str:
    us, zone = key
    z = _ZONES.get(zone)                    # _offset, inline: this runs once per instant written
    got = z.hours.get(us // _HOUR) if z is not None else None
    off, text = got if got is not None and got is not _MIXED else _offset(zone, us)
    hour, rem = divmod(us + off, _HOUR)
    secs, micro = divmod(rem, 1_000_000)
    if micro:
        return _hour_text(hour) + _MIN_SEC[secs] + "." + str(1_000_000 + micro)[1:] + text
    return _hour_text(hour) + _MIN_SEC[secs] + text


def when(us: int, zone) -> str:
    """``2026-11-10 09:20 -03:00``: an instant for people (seconds only when not zero, the
    fraction without trailing zeros). The last few thousand are kept, as by :func:`iso`:
    ``as_of`` and deadlines on a calendar's opening hours come back in many reasons."""
    return _WHEN[us, zone]


def _when(key: tuple) -> str:
    us, zone = key
    z = _ZONES.get(zone)                    # _offset, inline: this runs once per instant written
    got = z.hours.get(us // _HOUR) if z is not None else None
    off, text = got if got is not None and got is not _MIXED else _offset(zone, us)
    hour, rem = divmod(us + off, _HOUR)
    secs, micro = divmod(rem, 1_000_000)
    day = _WHEN_HOURS.get(hour)
    if day is None:
        if len(_WHEN_HOURS) > 1 << 18:
            _WHEN_HOURS.clear()
        day = _hour_text(hour)
        day = _WHEN_HOURS[hour] = day[:10] + " " + day[11:]
    clock = _MIN_SEC[secs]
    if micro:
        return day + clock + "." + str(1_000_000 + micro)[1:].rstrip("0") + " " + text
    if secs % 60:
        return day + clock + " " + text
    return day + clock[:2] + " " + text


_ISO = Kept(_iso, 4096)
_WHEN = Kept(_when, 4096)
