"""Epoch microseconds → local time and text, fast (verdicts write several instants each).

``datetime.fromtimestamp(…, zone).isoformat()`` costs a few microseconds: a zone lookup, a
datetime and the formatting. Here a zone's UTC offset is looked up once per hour of UTC
time and cached, and so are the texts that hour's instants share (the local date and hour,
the offset): writing an instant is a dictionary lookup, integer arithmetic and three
strings joined. An hour in which the offset changes (a transition that is not on the hour)
or whose offset is not whole hours takes the exact path. The text is exactly what
:meth:`datetime.isoformat` writes, but for local mean time's offsets with seconds, which
are written in whole minutes (RFC 3339 has no seconds in an offset).
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

_HOUR = 3_600_000_000
_DAY = 86_400_000_000
_EPOCH_ORDINAL = date(1970, 1, 1).toordinal()
_MIXED = object()                       # an hour that holds a transition


def _offset_text(seconds: int) -> str:
    sign = "-" if seconds < 0 else "+"
    h, rem = divmod(abs(seconds), 3600)
    m, s = divmod(rem, 60)
    return f"{sign}{h:02d}:{m:02d}:{s:02d}" if s else f"{sign}{h:02d}:{m:02d}"


_OFFSETS: dict[int, tuple[int, str]] = {}     # offset in seconds -> (µs, text)


class _Zone:
    """Offsets of one zone, per UTC hour."""

    __slots__ = ("zone", "hours")

    def __init__(self, zone):
        self.zone = zone
        self.hours: dict = {}

    def exact(self, us: int) -> tuple[int, str]:
        off = datetime.fromtimestamp(us // 1_000_000, self.zone).utcoffset()
        seconds = off.days * 86_400 + off.seconds
        got = _OFFSETS.get(seconds)     # one tuple per offset, shared by every hour that has it
        if got is None:
            got = _OFFSETS[seconds] = (seconds * 1_000_000, _offset_text(seconds))
        return got

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


# ------------------------------------------------------------------------------ texts
#
# Verdicts write several instants each (four in JSON, two or three in a reason), so writing
# one must cost about a dictionary lookup. Per zone and per UTC hour, :data:`_TEXTS` holds
# the texts that do not change within that hour: the local date and hour as ``iso`` and
# ``when`` write them, and the offset as each writes it. An instant then needs only its
# minutes and seconds from :data:`_MIN` / :data:`_MIN_SEC`. That holds when the hour has one
# offset and the offset is whole hours (a UTC hour is then one local hour); any other hour
# (``+05:30``, an hour with a transition inside it) is written by the exact functions
# :func:`_iso` and :func:`_when`, which the fast ones are tested equal to.

_TEXTS: dict = {}           # zone -> {UTC hour: (iso prefix, when prefix, iso suffix, when suffix) | None}
_ABSENT = object()
_MIN = tuple(f"{m:02d}" for m in range(60))                                 # "MM" by minute of the hour
_SUFFIXES: dict = {}        # offset text -> (iso suffix, when suffix), shared by every hour
# Fractions of whole milliseconds (timestamps in CRM exports mostly have three digits), by
# millisecond: ``.096000`` as ``iso`` writes them, ``.096`` as ``when`` does (no trailing zeros).
_ISO_MS = tuple(f".{ms:03d}000" for ms in range(1000))
_WHEN_MS = tuple(f".{ms:03d}".rstrip("0") for ms in range(1000))
_TEXT_HOURS_KEPT = 1 << 16  # per zone: about seven years of hours


def _hour_texts(zone, hour: int):
    """The entry of :data:`_TEXTS` for UTC hour ``hour`` in ``zone`` (made and kept), or
    None when that hour must be written by the exact functions."""
    texts = _TEXTS.get(zone)
    if texts is None:
        texts = _TEXTS[zone] = {}
    elif len(texts) > _TEXT_HOURS_KEPT:
        texts.clear()
    start = hour * _HOUR
    off, text = _offset(zone, start)
    entry = None
    if off % _HOUR == 0 and _ZONES[zone].hours.get(hour) is not _MIXED:
        iso_prefix = _hour_text(hour + off // _HOUR)          # ``2026-06-19T08:``
        suffixes = _SUFFIXES.get(text)
        if suffixes is None:
            suffixes = _SUFFIXES[text] = (text, " " + text)
        entry = (iso_prefix, iso_prefix[:10] + " " + iso_prefix[11:]) + suffixes
    texts[hour] = entry
    return entry


def iso(us: int, zone) -> str:
    """RFC 3339 text of an instant in ``zone``, exactly as ``datetime.isoformat`` writes it.
    (The pieces are joined by f-strings: one string made, where ``+`` makes one per step.)"""
    texts = _TEXTS.get(zone)
    hour = us // _HOUR
    entry = texts.get(hour, _ABSENT) if texts is not None else _ABSENT
    if entry is _ABSENT:
        entry = _hour_texts(zone, hour)
    if entry is None:
        return _iso((us, zone))
    secs, micro = divmod(us - hour * _HOUR, 1_000_000)
    if not micro:
        return f"{entry[0]}{_MIN_SEC[secs]}{entry[2]}"
    if micro % 1000 == 0:
        return f"{entry[0]}{_MIN_SEC[secs]}{_ISO_MS[micro // 1000]}{entry[2]}"
    return f"{entry[0]}{_MIN_SEC[secs]}.{str(1_000_000 + micro)[1:]}{entry[2]}"


def _written_offset(zone, us: int) -> tuple[int, str]:
    """The offset an instant is written with: the zone's, except that local mean time's
    (before a zone kept standard time: São Paulo's ``-03:06:28``) is written truncated to
    whole minutes (``-03:06``), since RFC 3339 offsets have no seconds; the local time
    written moves with it, so the text still names the exact instant."""
    off, text = _offset(zone, us)
    if len(text) > 6:                       # ``±HH:MM:SS``
        minutes = _whole_minutes(off // 1_000_000)
        off = minutes * 60_000_000
        text = _offset_text(minutes * 60)
    return off, text


def _whole_minutes(seconds: int) -> int:
    """An offset of ``seconds`` in whole minutes, truncated toward zero."""
    return -((-seconds) // 60) if seconds < 0 else seconds // 60


def iso_datetime(moment: datetime) -> str:
    """RFC 3339 text of an aware ``datetime``: its ``isoformat()``, but an offset with
    seconds (local mean time) written in whole minutes, as :func:`iso` writes it."""
    off = moment.utcoffset()
    if off is None or not (off.seconds % 60 or off.microseconds):
        return moment.isoformat()
    minutes = _whole_minutes(off.days * 86_400 + off.seconds)
    return moment.astimezone(timezone(timedelta(minutes=minutes))).isoformat()


def _iso(key: tuple) -> str:
    """:func:`iso` the exact way, of ``(us, zone)``: any offset, any hour."""
    us, zone = key
    off, text = _written_offset(zone, us)
    hour, rem = divmod(us + off, _HOUR)
    secs, micro = divmod(rem, 1_000_000)
    if micro:
        return _hour_text(hour) + _MIN_SEC[secs] + "." + str(1_000_000 + micro)[1:] + text
    return _hour_text(hour) + _MIN_SEC[secs] + text


def when(us: int, zone) -> str:
    """``2026-11-10 09:20 -03:00``: an instant for people (seconds only when not zero, the
    fraction without trailing zeros)."""
    texts = _TEXTS.get(zone)
    hour = us // _HOUR
    entry = texts.get(hour, _ABSENT) if texts is not None else _ABSENT
    if entry is _ABSENT:
        entry = _hour_texts(zone, hour)
    if entry is None:
        return _when((us, zone))
    rem = us - hour * _HOUR
    if rem % 60_000_000 == 0:                   # the usual case: a whole minute
        return f"{entry[1]}{_MIN[rem // 60_000_000]}{entry[3]}"
    secs, micro = divmod(rem, 1_000_000)
    if not micro:
        return f"{entry[1]}{_MIN_SEC[secs]}{entry[3]}"
    if micro % 1000 == 0:
        return f"{entry[1]}{_MIN_SEC[secs]}{_WHEN_MS[micro // 1000]}{entry[3]}"
    fraction = str(1_000_000 + micro)[1:].rstrip("0")
    return f"{entry[1]}{_MIN_SEC[secs]}.{fraction}{entry[3]}"


def _when(key: tuple) -> str:
    """:func:`when` the exact way, of ``(us, zone)``: any offset, any hour."""
    us, zone = key
    off, text = _written_offset(zone, us)
    hour, rem = divmod(us + off, _HOUR)
    secs, micro = divmod(rem, 1_000_000)
    day = _hour_text(hour)
    day = day[:10] + " " + day[11:]
    clock = _MIN_SEC[secs]
    if micro:
        return day + clock + "." + str(1_000_000 + micro)[1:].rstrip("0") + " " + text
    if secs % 60:
        return day + clock + " " + text
    return day + clock[:2] + " " + text
