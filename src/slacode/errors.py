"""The base of every exception slacode raises for what it was given.

``except slacode.SlacodeError`` catches them all: an agreement with errors
(:class:`~slacode.diagnostics.SpecError`), events that cannot be read at all
(:class:`~slacode.timestamps.EventInputError`, and its unknown zone), ``as_of`` without an
offset or zone, or an event's ``at`` given as a naive ``datetime``
(:class:`~slacode.timestamps.MissingOffsetError`), events that could not be used, from
``Result.raise_for_errors()`` (:class:`~slacode.evaluate.EventErrors`, an
``EventInputError``), calendar arithmetic asked
what it cannot do (:class:`~slacode.calendar.CalendarError`), a selection of codes that
matches none (:class:`~slacode.suppress.SelectionError`). Those of a value (a calendar, an
``as_of``, a zone, a selection) are also ``ValueError``s, so existing ``except ValueError``
clauses still work; ``SpecError`` and ``EventInputError`` derive from ``Exception`` only.
Arguments of the wrong type (a path where events belong) raise ``TypeError``: a mistake in
the calling code, not in its input.
"""
from __future__ import annotations


class SlacodeError(Exception):
    """What slacode was given cannot be used; the message says what and where."""
