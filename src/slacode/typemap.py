"""The type map, an input option (an extension): events whose type is a CRM's own name
(`Status Change`, `Owner Change`, `Call`) read as the types an agreement names (`state`,
`assigned`, `contact_attempt`).

``--type-map OURS=THEIRS`` on the command line, ``type_map=`` in the library
(:func:`slacode.read_events`, ``Agreement.evaluate_many`` and the others that read event
files; ``Agreement.evaluate`` and the others that take events in memory, for the dicts and
:class:`slacode.Event` objects among them: :func:`slacode.events.records_from_objects`). The reader renames an event's type before it looks at anything else, so an event
read as `state` is a real state event: its `state` key (in CSV, its `state` column) is the
state it enters, and one without a state is an error (SLA502), as any state event without
one. Each event is renamed once (``a=b`` with ``b=c`` does not read a `c` event as `a`).
A THEIRS that no event of the input had is said at the end of the read (SLA522): nothing
given is silently ignored. (Events in memory: only by a run of a whole input, not by a
service's call for one lead, ``aggregates=False``, where it would be noise.)
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

#: How many other types the reader keeps, to name the near ones of a type never seen.
_OTHERS_KEPT = 1_000
#: How many of the input's types the unseen type's hint names.
_OTHERS_NAMED = 5

_EXAMPLE = '--type-map state="Status Change"'


def type_map_pairs(type_map: Any) -> tuple[tuple[str, str], ...]:
    """``type_map`` as checked ``(ours, theirs)`` pairs, in the order given: a mapping
    ``{ours: theirs}`` (``theirs`` a text, or a list of texts: several CRM types read as one),
    pairs ``(ours, theirs)``, or ``"OURS=THEIRS"`` texts. Raises :class:`ValueError` for a
    text without ``=``, an empty part, a type mapped to itself or a THEIRS given twice (it
    could be read as one of two), :class:`TypeError` for a value of the wrong kind; ``None``
    and an empty map give ``()``."""
    if type_map is None:
        return ()
    if isinstance(type_map, (str, bytes)):
        raise TypeError(f"a type map is a mapping {{ours: theirs}} or a list of OURS=THEIRS texts, not one text "
                        f"({type_map!r}: write [{type_map!r}])")
    if isinstance(type_map, Mapping):
        items: Iterable = [(ours, theirs) for ours, many in type_map.items()
                           for theirs in (many if isinstance(many, (list, tuple)) else (many,))]
    else:
        items = type_map
    pairs: list[tuple[str, str]] = []
    for item in items:
        if isinstance(item, str):
            ours, eq, theirs = item.partition("=")
            if not eq:
                raise ValueError(f"type map {item!r}: write OURS=THEIRS, the type the agreement reads and the "
                                 f"type the events have ({_EXAMPLE})")
        else:
            try:
                ours, theirs = item
            except (TypeError, ValueError):
                raise TypeError(f"a type map item is a pair (ours, theirs) or an OURS=THEIRS text, "
                                f"not {item!r}") from None
        if not isinstance(ours, str) or not isinstance(theirs, str):
            raise TypeError(f"a type map names types as texts, not {ours!r} and {theirs!r}")
        ours, theirs = ours.strip(), theirs.strip()
        # (the map's text only for a message: a service gives the map with every call)
        if not ours or not theirs:
            raise ValueError(f"type map {mapping_text(ours, theirs)}: write OURS=THEIRS with both parts ({_EXAMPLE})")
        if ours == theirs:
            raise ValueError(f"type map {mapping_text(ours, theirs)}: maps the type {ours!r} to itself, which "
                             "changes nothing; leave it out")
        pairs.append((ours, theirs))
    for k, (ours, theirs) in enumerate(pairs):
        for other, other_theirs in pairs[:k]:
            if other_theirs == theirs:
                raise ValueError(f"the type {theirs!r} is mapped twice ({mapping_text(other, theirs)} and "
                                 f"{mapping_text(ours, theirs)}): an event is read as one type; keep one")
    return tuple(pairs)


def mapping_text(ours: str, theirs: str) -> str:
    """A mapping as the command line writes it: ``state="Status Change"``."""
    from slacode.events_csv import shell_word

    return f"{shell_word(ours)}={shell_word(theirs)}"


class TypeRenamer:
    """What a read with a type map keeps: ``{theirs: ours}``, the THEIRS seen (with their
    counts) and up to :data:`_OTHERS_KEPT` other types with theirs, to name near ones."""

    __slots__ = ("pairs", "table", "seen", "others")

    def __init__(self, pairs: tuple[tuple[str, str], ...]):
        self.pairs = pairs
        self.table = {theirs: ours for ours, theirs in pairs}
        self.seen: dict[str, int] = {}
        self.others: dict[str, int] = {}

    def rename(self, typ: Any) -> Any:
        """``typ`` read through the map (anything else, a missing type or a number, as it is);
        text of a ``str`` subclass (a ``StrEnum`` type of a caller's dict) is read as its text."""
        if typ.__class__ is not str:
            if not isinstance(typ, str):
                return typ
            typ = str.__str__(typ)
        if not typ:
            return typ
        ours = self.table.get(typ)
        if ours is None:
            others = self.others
            if typ in others:
                others[typ] += 1
            elif len(others) < _OTHERS_KEPT:
                others[typ] = 1
            return typ
        seen = self.seen
        seen[typ] = seen.get(typ, 0) + 1
        return ours

    def popper(self):
        """``dict.pop`` that renames what it pops (the JSON Lines reader pops `type` so)."""
        pop, rename = dict.pop, self.rename

        def pop_type(obj: dict, key: str, default: Any = None) -> Any:
            return rename(pop(obj, key, default))

        return pop_type

    def state(self) -> tuple:
        """What the parent of partitioned reads adds up: ``(seen, others)``."""
        return dict(self.seen), dict(self.others)


def unseen_diagnostics(pairs: tuple[tuple[str, str], ...], seen: Mapping[str, int],
                       others: Mapping[str, int]) -> list:
    """SLA522 for each THEIRS of ``pairs`` that no event of the input had (``seen``: those
    that some did; ``others``: the input's other types with their counts), naming the same
    type written otherwise (case, spaces) and the input's most common types."""
    from slacode.codes import events as codes
    from slacode.diagnostics import make

    out = []
    for ours, theirs in pairs:
        if theirs in seen:
            continue
        folded = _folded(theirs)
        near = [t for t in others if _folded(t) == folded]
        common = sorted({**others, **seen}.items(), key=lambda kv: (-kv[1], kv[0]))[:_OTHERS_NAMED]
        listed = ", ".join(f"{t!r} ({n:,})" for t, n in common)
        if near:
            hint = (f"types are matched exactly, case and spaces included: the events have {near[0]!r}; write "
                    f"--type-map {mapping_text(ours, near[0])}")
        elif common:
            hint = (f"types are matched exactly, case and spaces included; the input's most common types: "
                    f"{listed}")
        else:
            hint = "types are matched exactly, case and spaces included"
        out.append(make(codes.TYPE_MAP_UNSEEN,
                        f"type map {mapping_text(ours, theirs)}: no event of the input has the type {theirs!r}, "
                        f"so no event was read as {ours!r} through it", None,
                        hint=hint + "; leave the mapping out if such events are yet to come"))
    return out


def _folded(text: str) -> str:
    """``text`` without case, spaces, `_` and `-`: `Status Change` is `status_change`."""
    return "".join(ch for ch in text.casefold() if ch not in " _-\t")


def add_state(into: tuple, more: tuple) -> tuple:
    """Two partitions' :meth:`TypeRenamer.state` added up."""
    seen, others = dict(into[0]), dict(into[1])
    for t, n in more[0].items():
        seen[t] = seen.get(t, 0) + n
    for t, n in more[1].items():
        if t in others or len(others) < _OTHERS_KEPT:
            others[t] = others.get(t, 0) + n
    return seen, others
