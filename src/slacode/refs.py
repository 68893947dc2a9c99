"""How evidence cites an event without an ``id``, and how reasons write such a citation.

An event with an ``id`` is cited by it; one without, by its place in the input (LANGUAGE.md
§11: "ids (or input line numbers)"): its line (``"12"``, ``"a.jsonl:12"`` when several
sources are read) or, for the library's events, its 1-based position. Evidence keeps that
text as it is; a reason cannot: "More than 2 attempts on 2026-11-09: 4." reads as a count.
So the readers make those refs :class:`LineRef` or :class:`PositionRef` (``str`` subclasses
without a dict: equal to, hashed as and serialized as the plain text), and reasons write them
with :func:`cited`: ``line 12``, ``a.jsonl:12``, ``event 12`` (as the library's diagnostics
name its events). An id is written as it is, whatever it looks like (``12345``): whether an
event had an id is what decides, never the text.
"""
from __future__ import annotations

__all__ = ["LineRef", "PositionRef", "cited", "cited_all", "event_cited"]


class LineRef(str):
    """The ref of an event without an id read from a file: its line (``"12"``, or
    ``"a.jsonl:12"`` when several sources are read; CSV: the row's first line)."""

    __slots__ = ()


class PositionRef(str):
    """The ref of an event without an id given to the library: its 1-based position."""

    __slots__ = ()


def cited(ref) -> str:
    """A ref as a reason writes it: ``line 12``, ``a.jsonl:12`` (a file's line already
    reads as one), ``event 12`` (the library's events), an id as it is."""
    cls = ref.__class__
    if cls is LineRef:
        return ref if ":" in ref else "line " + ref
    if cls is PositionRef:
        return "event " + ref
    return str(ref)


def cited_all(refs) -> str:
    """Several refs, for a reason: ``lines 4, 5``, ``events 2, 3`` when they are all bare
    lines (all positions), else each as :func:`cited` writes it, separated by commas."""
    if len(refs) > 1:
        cls = refs[0].__class__
        if cls is PositionRef and all(r.__class__ is cls for r in refs):
            return "events " + ", ".join(refs)
        if cls is LineRef and all(r.__class__ is cls and ":" not in r for r in refs):
            return "lines " + ", ".join(refs)
    return ", ".join(map(cited, refs))


def event_cited(ref) -> str:
    """The event a ref cites, as the subject of a sentence: ``event evt-3`` (an id),
    ``the event on line 12``, ``the event at a.jsonl:12``, ``event 12`` (the library's)."""
    cls = ref.__class__
    if cls is LineRef:
        return f"the event at {ref}" if ":" in ref else f"the event on line {ref}"
    return f"event {ref}"


_KINDS = {str: 0, LineRef: 1, PositionRef: 2}
_CLASSES = (str, LineRef, PositionRef)


def ref_columns(records) -> tuple[list, bytes]:
    """Records (tuples) as :mod:`marshal` can write them, which refuses ``str`` subclasses:
    their columns, the refs as plain ``str``, and the class of each ref (a byte each).
    :func:`column_rows` gives the tuples back. Raises ``TypeError`` for a ref of another
    class."""
    columns = list(zip(*records))
    refs = columns[8]
    kinds = bytes(map(_KINDS.get, map(type, refs)))
    columns[8] = tuple(map(str.__str__, refs))
    return columns, kinds


def column_rows(written: tuple[list, bytes]) -> list[tuple]:
    """The tuples :func:`ref_columns` was given, their refs of the same classes."""
    columns, kinds = written
    if kinds.count(kinds[:1]) == len(kinds):            # the usual chunk: one kind of ref
        if kinds[0]:
            columns[8] = map(_CLASSES[kinds[0]], columns[8])
    else:
        columns[8] = [_CLASSES[k](r) if k else r for k, r in zip(kinds, columns[8])]
    return list(zip(*columns))
