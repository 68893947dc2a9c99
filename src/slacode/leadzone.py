"""Calendars in the lead's own time zone (extension): ``calendar NAME { timezone lead … }``.

A :class:`LeadCalendar` is an ordinary :class:`~slacode.calendar.Calendar` in the
agreement's zone (the zone a lead without a usable `timezone` field falls back to) that
also builds, on demand, the same calendar in any other zone, once per zone: every lead in
one zone shares one calendar and its built years. A line written ``on NAME`` is compiled
against the fallback calendar; when a cycle starts, :func:`line_in_zone` gives the line on
the calendar of the lead's zone (the same line object for every lead of that zone, so
``retarget`` sees one line). Leads on fixed calendars never reach this module.
"""
from __future__ import annotations

import threading

from slacode.calendar import Calendar

__all__ = ["LeadCalendar", "lead_zone_name", "line_in_zone", "same_zone", "zone_identity"]


class LeadCalendar(Calendar):
    """A calendar whose zone is each lead's `timezone` field. This object is the calendar
    in ``timezone`` (the agreement's zone, the fallback); :meth:`in_zone` gives it in
    another zone (built once per zone, then shared). ``home`` is the fallback calendar
    (itself for the fallback); ``fallback`` whether this one is it."""

    def __init__(self, timezone: str = "UTC", *, span=None, _home: "LeadCalendar | None" = None, **kwargs) -> None:
        self.home = self if _home is None else _home
        self.fallback = _home is None
        self.span = span if _home is None else _home.span    # the `timezone lead` line (SLA603)
        super().__init__(timezone=timezone, **kwargs)
        self._kwargs = kwargs
        self._zones: dict[str, LeadCalendar] = {}
        self._lines: dict = {}
        self._zone_lock = threading.Lock()

    def __getstate__(self) -> dict:
        state = super().__getstate__()
        state.pop("_zone_lock", None)
        return state

    def __setstate__(self, state: dict) -> None:
        super().__setstate__(state)
        self._zone_lock = threading.Lock()

    def __repr__(self) -> str:
        return f"LeadCalendar(name={self.name!r}, timezone={self.timezone!r}, fallback={self.fallback!r})"

    @property
    def zone_words(self) -> str:
        """How explain names the zone a cycle used: ``America/Chicago, the lead's zone``. The
        fallback serves both the leads in the agreement's zone and those without a usable
        `timezone` field (one calendar), so its words allow both."""
        if self.fallback:
            return (f"{self.timezone}, the agreement's zone: the lead's own, or its `timezone` was "
                    "missing or unknown")
        return f"{self.timezone}, the lead's zone"

    def in_zone(self, zone: str) -> "LeadCalendar":
        """This calendar in IANA zone ``zone`` (known to be valid), built once and shared."""
        home = self.home
        if zone == home.timezone:
            return home
        found = home._zones.get(zone)
        if found is None:
            with home._zone_lock:
                found = home._zones.get(zone)
                if found is None:
                    found = LeadCalendar(zone, _home=home, **home._kwargs)
                    home._zones[zone] = found
        return found


def lead_zone_name(value) -> str | None:
    """The IANA zone a lead's `timezone` field names, or None (missing, not text, unknown,
    or no place's zone), as `only between … in lead timezone` reads it."""
    if value is None or value.__class__ is not str:
        return None
    from slacode.judges import _BAD_ZONE, _LEAD_ZONES, _lead_zone_of

    zone = _LEAD_ZONES.get(value)
    if zone is None:
        zone = _lead_zone_of(value)
    return None if zone is _BAD_ZONE else value


def line_in_zone(line, fields, notes, lead=None, span=None):
    """The line a cycle of a lead with these ``fields`` runs on when ``line`` is on a
    :class:`LeadCalendar`: the same line on the calendar of the lead's zone (made once per
    line and zone). A missing field, or one naming no zone, gives the line on the fallback
    (the agreement's zone); a field naming no zone is noted as `only between` notes it
    (SLA603, once per zone and calendar, counting the leads)."""
    home = line.clock.home
    value = fields.get("timezone") if fields is not None else None
    zone = lead_zone_name(value)
    if zone is None:
        if value is not None and notes is not None:
            notes.add(("bad_zone", str(value), f"for calendar `{home.name}`",
                       span if span is not None else home.span))
        cal = home
    else:
        cal = home.in_zone(zone)
    key = (id(line), cal.timezone)
    found = home._lines.get(key)
    if found is None or found[0] is not line:
        found = (line, line if line.clock is cal else line._replace(clock=cal))
        home._lines[key] = found
    return found[1]


_ZONE_DATA: dict[str, bytes | None] = {}    # IANA key -> the TZif data zoneinfo loads for it


def same_zone(a: str, b: str) -> bool:
    """Whether IANA zones ``a`` and ``b`` are one zone: the same name, or names whose zone
    data are the same file's (a link such as ``US/Eastern`` → ``America/New_York`` or
    ``Europe/Belfast`` → ``Europe/London``, installed as a symbolic link, a hard link or a
    copy). ``zoneinfo`` has no public way to resolve links; comparing the bytes it loads
    works for each way links are installed (the system's zone files, the ``tzdata``
    package). Zones whose data differ in any way (even only before 1970) stay distinct.
    Each zone's file is read once, on first use (a few KB)."""
    if a == b:
        return True
    data = _zone_data(a)
    return data is not None and data == _zone_data(b)


_ZONE_IDS: dict[str, str] = {}     # IANA key -> zone_identity


def zone_identity(key: str) -> str:
    """One text per zone, the same for each of its names (as :func:`same_zone` compares
    them): a digest of the zone data ``zoneinfo`` loads for ``key``, else the name itself.
    It keys notes made by several processes, so it depends on nothing but the zone."""
    found = _ZONE_IDS.get(key)
    if found is None:
        data = _zone_data(key)
        if data is None:
            found = "name:" + key
        else:
            import hashlib

            found = "data:" + hashlib.sha256(data).hexdigest()[:20]
        if len(_ZONE_IDS) > 4096:
            _ZONE_IDS.clear()
        _ZONE_IDS[key] = found
    return found


def _zone_data(key: str) -> bytes | None:
    """The TZif data ``zoneinfo`` loads for ``key``, searched as it searches (each
    directory of ``zoneinfo.TZPATH``, then the ``tzdata`` package), or None."""
    try:
        return _ZONE_DATA[key]
    except KeyError:
        pass
    data = None
    parts = key.split("/")
    if key and not key.startswith("/") and all(p not in ("", ".", "..") for p in parts):
        data = _system_zone_data(parts)
        if data is None:
            data = _package_zone_data(parts)
    if len(_ZONE_DATA) > 4096:
        _ZONE_DATA.clear()
    _ZONE_DATA[key] = data
    return data


def _system_zone_data(parts: list[str]) -> bytes | None:
    import os
    import zoneinfo

    for root in zoneinfo.TZPATH:
        path = os.path.join(root, *parts)
        if os.path.isfile(path):
            try:
                with open(path, "rb") as f:
                    return f.read()
            except OSError:
                return None
    return None


def _package_zone_data(parts: list[str]) -> bytes | None:
    try:
        from importlib import resources

        return resources.files("tzdata.zoneinfo").joinpath(*parts).read_bytes()
    except Exception:  # noqa: BLE001 - no tzdata package, or no such file in it
        return None
