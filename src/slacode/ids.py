"""The table of event ids seen in one read, kept compact (duplicate ids are judged across
every input, §13, so the table holds every id of a run: the one thing that grows with it).

A ``dict`` of the id strings costs about 120 bytes per id (the string object, the integer
of its first place, the dict's entry). :class:`IdTable` starts as such a dict, the fastest
for the few thousand ids of most reads; past :data:`DICT_IDS` ids it moves them into
arrays: per id its hash and its place (8 bytes each), its UTF-8 bytes in one shared buffer
and where they end (8 bytes), and 2 to 8 slots of 4 bytes of an open-addressing table (at
most half full; it grows fourfold, so that each id is placed again at most a few times):
about 45 to 65 bytes per id of 10 characters. Lookups stay exact: ids
whose hashes are equal are told apart by their bytes.
"""
from __future__ import annotations

from array import array
from typing import Iterator

#: Ids kept in a plain dict before the table moves to arrays.
DICT_IDS = 1 << 16


class IdTable:
    """Ids with the place of their first use: :meth:`first` adds an id or finds it."""

    __slots__ = ("_dict", "_slots", "_mask", "_limit", "_hashes", "_places", "_ends", "_bytes")

    def __init__(self) -> None:
        self._dict: dict[str, int] | None = {}
        self._slots = array("i")                   # open addressing: 1 + the id's number, 0 empty
        self._mask = -1
        self._limit = 0
        self._hashes = array("q")                  # by id number (order of first use): its hash
        self._places = array("q")                  # … the place of its first use
        self._ends = array("q")                    # … where its UTF-8 bytes end in _bytes
        self._bytes = bytearray()

    def __len__(self) -> int:
        return len(self._dict) if self._dict is not None else len(self._places)

    def first(self, eid: str, place: int) -> int | None:
        """The place where ``eid`` was first used, or None if it is new (it is then added
        with ``place``)."""
        d = self._dict
        if d is not None:
            got = d.get(eid)
            if got is not None:
                return got
            d[eid] = place
            if len(d) > DICT_IDS:
                self._to_arrays()
            return None
        # _slot, inline: this runs once per event of a large read
        h = hash(eid)
        slots, hashes, mask = self._slots, self._hashes, self._mask
        i = h & mask
        r = slots[i]
        while r:
            if hashes[r - 1] == h and self._text(r - 1) == eid.encode("utf-8", "surrogatepass"):
                return self._places[r - 1]
            i = (i + 1) & mask
            r = slots[i]
        hashes.append(h)
        slots[i] = n = len(hashes)
        self._places.append(place)
        self._bytes += eid.encode("utf-8", "surrogatepass")
        self._ends.append(len(self._bytes))
        if n > self._limit:
            self._resize((self._mask + 1) * 4)
        return None

    def get(self, eid: str) -> int | None:
        """The place of ``eid``'s first use, or None."""
        if self._dict is not None:
            return self._dict.get(eid)
        r = self._slot(eid, hash(eid))[1]
        return self._places[r - 1] if r else None

    def __contains__(self, eid: str) -> bool:
        return self.get(eid) is not None

    def __getitem__(self, eid: str) -> int:
        place = self.get(eid)
        if place is None:
            raise KeyError(eid)
        return place

    def __iter__(self) -> Iterator[str]:
        """The ids, in order of first use."""
        if self._dict is not None:
            yield from self._dict
            return
        start = 0
        for end in self._ends:
            yield self._bytes[start:end].decode("utf-8", "surrogatepass")
            start = end

    def hashes(self) -> array:
        """``hash()`` of every id (what :mod:`slacode.parallel` compares across workers)."""
        if self._dict is not None:
            return array("q", map(hash, self._dict))
        return array("q", self._hashes)

    # -- arrays --------------------------------------------------------------------------

    def _slot(self, eid: str, h: int) -> tuple[int, int]:
        """``(slot, 1 + id number)`` of ``eid`` (hash ``h``), or ``(free slot, 0)``."""
        slots, hashes, mask = self._slots, self._hashes, self._mask
        i = h & mask
        r = slots[i]
        while r:
            if hashes[r - 1] == h and self._text(r - 1) == eid.encode("utf-8", "surrogatepass"):
                return i, r
            i = (i + 1) & mask
            r = slots[i]
        return i, 0

    def _text(self, n: int) -> bytes:
        return bytes(self._bytes[self._ends[n - 1] if n else 0:self._ends[n]])

    def _to_arrays(self) -> None:
        """Move the dict's ids into the arrays, in their order of first use."""
        d, self._dict = self._dict, None
        buf, ends = self._bytes, self._ends
        for eid in d:
            buf += eid.encode("utf-8", "surrogatepass")
            ends.append(len(buf))
        self._places.extend(d.values())
        self._hashes.extend(map(hash, d))
        self._resize(1 << (len(d) * 4).bit_length())

    def _resize(self, size: int) -> None:
        """A table of ``size`` slots for the ids so far (at most half full)."""
        slots, mask = array("i", bytes(4 * size)), size - 1
        n = 0
        for h in self._hashes:
            n += 1
            i = h & mask
            while slots[i]:
                i = (i + 1) & mask
            slots[i] = n
        self._slots, self._mask, self._limit = slots, mask, size // 2
