"""RFC 3339 timestamps to epoch microseconds, strictly and fast (LANGUAGE.md §13).

Kept apart from :mod:`slacode.events` (which re-exports what is public here) so that what
only needs to read a timestamp, such as checking an agreement's test blocks, does not
import the event readers, orjson and the pydantic event model.
"""
from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime, timedelta, timezone, tzinfo
from typing import Any

from slacode.errors import SlacodeError

EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_ONE_US = timedelta(microseconds=1)
_US_PER_DAY = 86_400_000_000
_ORDINAL_1970 = 719_163  # date(1970, 1, 1).toordinal()


class EventInputError(SlacodeError):
    """An event input that cannot be read at all (unknown format, unreadable file).

    A usage or I/O error: the command line reports the one-line message and exits with 2.
    """


class UnknownZoneError(EventInputError, ValueError):
    """A default zone (``default_tz``, ``--tz``) that names no IANA zone."""


class MissingOffsetError(SlacodeError, ValueError):
    """A timestamp without an offset, read without a default time zone."""


class InvalidAsOfError(SlacodeError, ValueError):
    """An ``as_of`` given to the library that names no instant (not a timestamp, a date
    that does not exist, a year outside 1001–9989); also a ``since`` after ``as_of``
    (:func:`slacode.report.changes`: the window would be empty)."""


# --------------------------------------------------------------------------------------------
# Timestamps
# --------------------------------------------------------------------------------------------

_DATE_HOUR = re.compile(r"(\d{4})-(\d\d)-(\d\d)[Tt ](\d\d)", re.ASCII).fullmatch
_MIN_SEC = re.compile(r":(\d\d):(\d\d)", re.ASCII).fullmatch
_TAIL = re.compile(r"(?:\.(\d+))?(?:([Zz])|([+-])(\d\d):(\d\d))?", re.ASCII).fullmatch
_SHAPE = "YYYY-MM-DDTHH:MM:SS[.fraction] followed by Z or an offset ±HH:MM"
# where a timestamp is cut for the caches (slice objects made once: Python 3.11 builds a
# new slice object for every ``text[:13]``)
_CUT1, _CUT2, _CUT3 = _CUTS = (slice(None, 13), slice(13, 19), slice(19, None))


_HOURS: dict[str, int] = {}
_MINUTES: dict[str, int] = {}
_TAILS: dict[str, int] = {}


#: Instants are evaluated in these years: the calendars' (1000-9990), less a day's margin
#: for offsets. A timestamp outside, such as the 0001-01-01 some CRM exports write for "no
#: date", is refused like any unusable timestamp (a diagnostic at its line).
FIRST_YEAR, LAST_YEAR = 1001, 9989

class _Clock:
    """Converts RFC 3339 text to epoch microseconds, with caches for speed.

    A timestamp is cut at fixed places into its date and hour (``text[:13]``), its minutes
    and seconds (``text[13:19]``) and its tail (fraction and offset, ``text[19:]``); each
    part's value is cached once validated, so a typical timestamp costs three slices and
    three dictionary lookups (cheaper than ``datetime.fromisoformat`` followed by a
    conversion to epoch microseconds). Only strictly valid parts enter the caches, so a hit
    on all three is a valid timestamp. Tails without an offset are never cached: their value
    depends on the zone and the moment.
    """

    __slots__ = ("hours", "minutes", "tails", "tz", "shifted")

    _MAX_HOURS = 250_000  # about 28 years of hours
    _MAX_TAILS = 200_000

    def __init__(self, tz: tzinfo | None = None):
        # Shared by every clock (none depends on the zone): a service that reads one lead
        # per call finds its timestamps' parts already validated.
        self.hours: dict[str, int] = _HOURS    # "2026-11-09T13" -> µs of that hour, UTC wall
        self.minutes: dict[str, int] = _MINUTES  # ":05:09" -> µs
        self.tails: dict[str, int] = _TAILS    # ".250-03:00" -> fraction µs minus offset µs
        self.tz = tz
        # (text, offset µs used, "repeated" | "skipped") of each local time read without an
        # offset that a daylight saving change repeats or skips in ``tz`` (the reader reports
        # and empties it)
        self.shifted: list[tuple[str, int, str]] = []

    def us(self, text: str) -> int:
        """Epoch microseconds of ``text``; ``ValueError`` saying what is wrong."""
        try:
            return (self.hours[text[_CUT1]] + self.minutes[text[_CUT2]]
                    + self.tails[text[_CUT3]])
        except KeyError:
            return self._parse(text)
        except TypeError:
            raise ValueError(f"a timestamp must be text, not {_kind(text)}") from None

    def _parse(self, text: str) -> int:
        hour_key, minute_key, tail_key = text[:13], text[13:19], text[19:]
        hour = self.hours.get(hour_key)
        if hour is None:
            hour = self._hour(hour_key, text)
        minute = self.minutes.get(minute_key)
        if minute is None:
            minute = self._minute(minute_key, text)
        tail = self.tails.get(tail_key)
        if tail is None:
            tail = self._tail(tail_key, text, hour + minute)
        return hour + minute + tail

    def _hour(self, key: str, text: str) -> int:
        m = _DATE_HOUR(key)
        if m is None:
            raise ValueError(_explain_timestamp(text))
        y, mo, d, hh = (int(g) for g in m.groups())
        if not FIRST_YEAR <= y <= LAST_YEAR:
            raise ValueError(_year_problem(text, y))
        try:
            days = date(y, mo, d).toordinal() - _ORDINAL_1970
        except ValueError:
            raise ValueError(f"{text!r}: {key[:10]} is not a date of the calendar") from None
        if hh > 23:
            raise ValueError(f"{text!r}: hour {hh:02d} is not an hour of the day")
        value = days * _US_PER_DAY + hh * 3_600_000_000
        if len(self.hours) < self._MAX_HOURS:
            self.hours[key] = value
        return value

    def _minute(self, key: str, text: str) -> int:
        m = _MIN_SEC(key)
        if m is None:
            raise ValueError(_explain_timestamp(text))
        mi, ss = int(m.group(1)), int(m.group(2))
        if mi > 59:
            raise ValueError(f"{text!r}: minute {mi:02d} is not a minute of the hour")
        if ss == 60:
            raise ValueError(f"{text!r} has seconds 60 (a leap second), which are not accepted")
        if ss > 59:
            raise ValueError(f"{text!r}: second {ss:02d} is not a second of the minute")
        value = (mi * 60 + ss) * 1_000_000
        self.minutes[key] = value  # at most 3,600 keys
        return value

    def _tail(self, key: str, text: str, wall: int) -> int:
        m = _TAIL(key)
        if m is None:
            raise ValueError(_explain_timestamp(text))
        frac, zulu, sign, oh, om = m.groups()
        if frac is not None and len(frac) > 9:
            raise ValueError(f"{text!r} has {len(frac)} fraction digits; at most 9 are accepted")
        value = _frac_us(frac)
        if zulu is None and sign is None:
            return value - self._offset(text, wall + value)
        if sign is not None:
            h, mi = int(oh), int(om)
            if h > 23 or mi > 59:
                raise ValueError(f"{text!r}: {key[-6:]} is not a valid offset (at most ±23:59)")
            offset = (h * 3600 + mi * 60) * 1_000_000
            value += offset if sign == "-" else -offset
        if len(self.tails) < self._MAX_TAILS:
            self.tails[key] = value
        return value

    def _offset(self, text: str, wall: int) -> int:
        """Offset (µs) of ``default_tz`` at local wall time ``wall`` (fold=0)."""
        if self.tz is None:
            raise MissingOffsetError(
                f"{text!r} has no offset (add Z or ±HH:MM, or name a default time zone)")
        local = datetime(1970, 1, 1, tzinfo=self.tz) + timedelta(microseconds=wall)
        offset = local.replace(fold=0).utcoffset()
        if offset is None:
            raise ValueError(f"the time zone {self.tz!r} gives no offset for {text!r}")
        other = local.replace(fold=1).utcoffset()
        if other is not None and other != offset:      # a change repeats (or skips) this time
            self.shifted.append((text, offset // _ONE_US, "repeated" if offset > other else "skipped"))
        return offset // _ONE_US


def _frac_us(frac: str | None) -> int:
    """Microseconds of a fraction's digits, truncated (``"1234569"`` → 123456)."""
    if not frac:
        return 0
    return int((frac + "00000")[:6])


def _explain_timestamp(text: str) -> str:
    """Why ``text`` (which does not match the timestamp shape) is refused, in one sentence."""
    if not text:
        return "the timestamp is empty"
    if not re.match(r"\d{4}-\d\d-\d\d", text, re.ASCII):
        return f"{text!r} does not start with a date YYYY-MM-DD (expected {_SHAPE})"
    if len(text) == 10:
        return f"{text!r} is a date without a time of day (expected {_SHAPE})"
    if re.match(r".{10}[Tt ]\d\d:\d\d(?!:)", text, re.ASCII):
        return f"{text!r} gives the time of day without seconds; write HH:MM:SS (expected {_SHAPE})"
    if not re.match(r".{10}[Tt ]\d\d:\d\d:\d\d", text, re.ASCII):
        return f"{text!r} does not have a time of day HH:MM:SS (expected {_SHAPE})"
    if re.search(r"[+-]\d{4}\Z", text, re.ASCII):
        return f"{text!r} has an offset without a colon; write it ±HH:MM"
    return f"{text!r} is not an RFC 3339 timestamp (expected {_SHAPE})"


_DEFAULT_CLOCK = _Clock()


# --------------------------------------------------------------------------------------------
# Timestamp formats other than RFC 3339 (extension: --timestamp-format, timestamp_formats=)
# --------------------------------------------------------------------------------------------

#: The named formats besides strptime ones.
NAMED_FORMATS = ("iso8601", "epoch-ms", "epoch-s")
_ISO8601 = re.compile(r"(\d{4}-\d\d-\d\d)[Tt ](\d\d):(\d\d)(?::(\d\d)(?:[.,](\d+))?)?"
                      r"(?:([Zz])|([+-])(\d\d)(?::?(\d\d))?)?", re.ASCII).fullmatch
_EPOCH_TEXT = re.compile(r"\d+(?:\.\d+)?", re.ASCII).fullmatch
_LOWEST_US = (datetime(FIRST_YEAR, 1, 1, tzinfo=timezone.utc) - EPOCH) // _ONE_US
_HIGHEST_US = (datetime(LAST_YEAR + 1, 1, 1, tzinfo=timezone.utc) - EPOCH) // _ONE_US - 1
#: what a strptime format must name, each by one of these directives
_NEEDED = (("a year", "Yy"), ("a month", "mbBj"), ("a day", "dj"), ("an hour", "HI"), ("the minutes", "M"))
_NO_MATCH = ("does not match format", "unconverted data remains")


class _NotThisShape(ValueError):
    """A value that a timestamp format does not read at all (another format may)."""


def timestamp_formats(formats: Any, default_tz: tzinfo | str | None = None) -> tuple[str, ...]:
    """``formats`` (one text, or texts, or None) as a checked tuple, in the order given:
    a strptime format (``"%m/%d/%Y %I:%M %p"``), ``"iso8601"``, ``"epoch-ms"`` or ``"epoch-s"``.
    A strptime format without ``%z`` reads local times: it needs ``default_tz``. Raises
    ``ValueError`` (``TypeError`` for a value of the wrong kind) saying what to write."""
    if formats is None:
        return ()
    if isinstance(formats, str):
        formats = (formats,)
    if isinstance(formats, (bytes, Mapping)) or not hasattr(formats, "__iter__"):
        raise TypeError(f"timestamp formats are a list of texts, not {_kind(formats)}")
    out = []
    for f in formats:
        if not isinstance(f, str):
            raise TypeError(f"a timestamp format is a text, not {_kind(f)}")
        out.append(_checked_format(f, default_tz))
    return tuple(out)


def _checked_format(text: str, default_tz) -> str:
    """One format, checked (``iso8601`` and the others named in any case)."""
    if text.lower() in NAMED_FORMATS:
        return text.lower()
    if "%" not in text:
        raise ValueError(f"timestamp format {text!r} is neither a strptime format (such as '%m/%d/%Y %I:%M %p') "
                         "nor one of iso8601, epoch-ms, epoch-s")
    directives = set(re.findall(r"%[-#]?(.)", text.replace("%%", "")))
    if "Z" in directives:
        raise ValueError(f"timestamp format {text!r}: %Z reads only a few zone names and keeps no offset; "
                         "use %z for an offset (+0000, -05:00), or leave the zone out and name it with --tz")
    sample = datetime(2026, 11, 9, 13, 5, 7, 250000, tzinfo=timezone(timedelta(hours=-3)))
    try:
        datetime.strptime(sample.strftime(text), text)
    except ValueError as e:
        raise ValueError(f"timestamp format {text!r} is not a strptime format Python reads: {e}") from None
    missing = [what for what, letters in _NEEDED if not directives.intersection(letters)]
    if missing:
        raise ValueError(f"timestamp format {text!r} does not read {', '.join(missing)}: an instant needs the "
                         "date and the time of day (%Y %m %d %H %M, or %I with %p)")
    if "I" in directives and "p" not in directives:
        raise ValueError(f"timestamp format {text!r} reads a 12-hour clock (%I) without AM or PM: add %p")
    if "z" not in directives and _zone(default_tz) is None:
        raise ValueError(f"timestamp format {text!r} has no offset (%z): its times are local times, so name "
                         "their zone (--tz ZONE on the command line, default_tz= in the library)")
    return text


def format_list(formats: tuple[str, ...]) -> str:
    """How a hint names the formats tried: ``RFC 3339, then '%m/%d/%Y %I:%M %p', epoch-ms``."""
    return "RFC 3339, then " + ", ".join(f if f in NAMED_FORMATS else repr(f) for f in formats)


class _FormatsClock(_Clock):
    """A :class:`_Clock` that reads a timestamp RFC 3339 refuses with other formats, tried
    in order (the RFC 3339 path and its caches first: a file in RFC 3339 is read as fast)."""

    __slots__ = ("formats",)

    def __init__(self, tz: tzinfo | None, formats: tuple[str, ...]):
        super().__init__(tz)
        self.formats = formats

    def _parse(self, text: str) -> int:
        try:
            return super()._parse(text)
        except MissingOffsetError:
            raise
        except ValueError as exc:
            return self._by_formats(text, exc)

    def number_us(self, value: int | float) -> int:
        """Epoch microseconds of a JSON number (``epoch-ms``, ``epoch-s``)."""
        return self._by_formats(value, None)

    def _by_formats(self, value, refused) -> int:
        problem = None
        for f in self.formats:
            try:
                return self._read(f, value)
            except _NotThisShape:
                continue
            except MissingOffsetError:
                raise
            except ValueError as exc:       # the format's shape, not a valid instant
                problem = problem or exc
        shown = value if isinstance(value, str) else repr(value)
        error = problem or ValueError(f"{shown!r} is not an RFC 3339 timestamp, nor one of the timestamp formats "
                                      f"given" if isinstance(value, str) else
                                      f"'at' {shown} is a number that no timestamp format given reads")
        error.hint = (f"formats tried: {format_list(self.formats)}; write the value in one of them, or add the "
                      "format it is in (--timestamp-format)")
        raise error

    def _read(self, fmt: str, value) -> int:
        if fmt.startswith("epoch-"):
            return _epoch_us(value, 1000 if fmt == "epoch-ms" else 1_000_000)
        if not isinstance(value, str):
            raise _NotThisShape(fmt)
        if fmt == "iso8601":
            return self._iso8601(value)
        try:
            moment = datetime.strptime(value, fmt)
        except ValueError as e:
            if any(words in str(e) for words in _NO_MATCH):
                raise _NotThisShape(fmt) from None
            raise ValueError(f"{value!r}: {e}") from None
        if not FIRST_YEAR <= moment.year <= LAST_YEAR:
            raise ValueError(_year_problem(value, moment.year))
        if moment.tzinfo is not None:
            return (moment - EPOCH) // _ONE_US
        wall = (moment.replace(tzinfo=timezone.utc) - EPOCH) // _ONE_US
        return wall - self._offset(value, wall)

    def _iso8601(self, text: str) -> int:
        """An ISO 8601 variant, written again as RFC 3339 and read as such."""
        m = _ISO8601(text.strip())
        if m is None:
            raise _NotThisShape("iso8601")
        day, hh, mi, ss, frac, zulu, sign, oh, om = m.groups()
        tail = ("." + frac if frac else "") + ("Z" if zulu else f"{sign}{oh}:{om or '00'}" if sign else "")
        written = f"{day}T{hh}:{mi}:{ss or '00'}{tail}"
        shifted = len(self.shifted)
        try:
            us = _Clock._parse(self, written)
        except ValueError as e:             # (MissingOffsetError included) said of the text as given
            raise type(e)(str(e).replace(repr(written), repr(text))) from None
        if len(self.shifted) > shifted:     # SLA510 names the text as given
            self.shifted[-1] = (text,) + self.shifted[-1][1:]
        return us


def _epoch_us(value, per_unit: int) -> int:
    """Microseconds of a count of seconds (``per_unit`` 1,000,000) or milliseconds (1,000)
    since 1970 (UTC): a JSON number, or a text of digits (a CSV cell)."""
    if value.__class__ is int:
        us = value * per_unit
    elif value.__class__ is float:
        us = round(value * per_unit)
    elif isinstance(value, str) and _EPOCH_TEXT(value.strip()):
        whole, _, frac = value.strip().partition(".")
        us = int(whole) * per_unit + (int((frac + "000000")[:6]) * per_unit // 1_000_000 if frac else 0)
    else:
        raise _NotThisShape("epoch")
    if not _LOWEST_US <= us <= _HIGHEST_US:
        unit = "milliseconds" if per_unit == 1000 else "seconds"
        raise _NotThisShape(f"{value!r} is not a count of {unit} since 1970 in the years evaluated")
    return us


def clock_of(tz: tzinfo | None, formats: tuple[str, ...] = ()) -> _Clock:
    """The clock a read uses: RFC 3339 only, or then ``formats`` (:func:`timestamp_formats`)."""
    return _FormatsClock(tz, formats) if formats else _Clock(tz)


def _zone(default_tz: tzinfo | str | None) -> tzinfo | None:
    """``default_tz`` as a tzinfo; a string is an IANA zone name."""
    if default_tz is None or isinstance(default_tz, tzinfo):
        return default_tz
    if isinstance(default_tz, str):
        from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

        from slacode.calendar import _not_a_place

        refused = _not_a_place(default_tz)     # `localtime` (the machine's), `EST`: as everywhere else
        if refused is not None:
            raise UnknownZoneError(f"unknown time zone {default_tz!r}: {refused}")
        try:
            return ZoneInfo(default_tz)
        except (ZoneInfoNotFoundError, ValueError):
            from slacode.calendar import check_timezone

            problem = check_timezone(default_tz) or ""
            said = f"Unknown timezone {default_tz!r}"       # (what this message says first already)
            if problem.startswith(said):
                problem = problem[len(said):].lstrip(";. ")
            problem = problem or "it is not an IANA name."
            raise UnknownZoneError(f"unknown time zone {default_tz!r}: {problem} Name one such as "
                                   "'America/Sao_Paulo' or 'UTC'.") from None
    raise TypeError(f"default_tz must be a tzinfo or a zone name, not {type(default_tz).__name__}")


def parse_timestamp(text: str, default_tz: tzinfo | str | None = None) -> int:
    """Epoch microseconds (UTC) of an RFC 3339 timestamp.

    Accepts ``T``, ``t`` or a space between date and time, ``Z`` or ``z``, offsets ``±HH:MM``
    and up to 9 fraction digits (truncated to the microsecond). Refuses seconds ``60``,
    dates and times that do not exist, and a missing offset unless ``default_tz`` is given
    (a tzinfo or an IANA name); then the local time is read in that zone with ``fold=0``:
    a time repeated by a backward change is its first occurrence, and a time skipped by a
    forward change is read with the offset in effect before the change (02:30 during a
    02:00→03:00 change is 03:30 of the new offset).

    Raises ``ValueError`` (``MissingOffsetError`` for a missing offset) saying what is wrong.
    """
    tz = _zone(default_tz)
    clock = _DEFAULT_CLOCK if tz is None else _Clock(tz)
    return clock.us(text)


def written_zone(text: str, default_tz: tzinfo | str | None = None) -> tzinfo | None:
    """The zone an RFC 3339 ``text`` (already read by :func:`parse_timestamp`) was written
    in: its own offset (``Z`` is UTC), else ``default_tz``, as a tzinfo; ``None`` if neither."""
    found = re.search(r"(?:([Zz])|([+-])(\d\d):(\d\d))\s*\Z", text, re.ASCII)
    if found is None:
        return _zone(default_tz)
    if found.group(1):
        return timezone.utc
    minutes = int(found.group(3)) * 60 + int(found.group(4))
    return timezone(timedelta(minutes=-minutes if found.group(2) == "-" else minutes))


def timestamp_us(moment: datetime) -> int:
    """Epoch microseconds of an aware datetime (``ValueError`` for a naive one, or one
    outside the years evaluated)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{moment.isoformat()} has no time zone; give an aware datetime")
    if not FIRST_YEAR <= moment.year <= LAST_YEAR:
        raise ValueError(_year_problem(moment.isoformat(), moment.year))
    return (moment - EPOCH) // _ONE_US


def _year_problem(text: str, year: int) -> str:
    return (f"{text!r} is in year {year}, outside the years slacode evaluates ({FIRST_YEAR}-{LAST_YEAR}); "
            "a placeholder such as 0001-01-01 or 9999-12-31 is not an instant")


def datetime_from_us(us: int, tz: tzinfo = timezone.utc) -> datetime:
    """The aware datetime of epoch microseconds ``us``, in ``tz`` (UTC by default)."""
    moment = EPOCH + timedelta(microseconds=us)
    return moment if tz is timezone.utc else moment.astimezone(tz)


def _kind(value: Any) -> str:
    """A JSON-ish name of ``value``'s kind, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, (list, tuple)):
        return "an array"
    return f"a {type(value).__name__}"
