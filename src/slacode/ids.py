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

import tempfile
from array import array
from bisect import bisect_left
from typing import Iterator

#: Ids kept in a plain dict before the table moves to arrays.
DICT_IDS = 1 << 16


class _Places:
    """``in`` and ``[]`` of a table of ids from its ``get`` (an id's first place, or None)."""

    __slots__ = ()

    def get(self, eid: str) -> int | None:
        raise NotImplementedError

    def __contains__(self, eid: str) -> bool:
        return self.get(eid) is not None

    def __getitem__(self, eid: str) -> int:
        place = self.get(eid)
        if place is None:
            raise KeyError(eid)
        return place


class IdTable(_Places):
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

    def __iter__(self) -> Iterator[str]:
        """The ids, in order of first use."""
        if self._dict is not None:
            yield from self._dict
            return
        start = 0
        for end in self._ends:
            yield self._bytes[start:end].decode("utf-8", "surrogatepass")
            start = end

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


#: :class:`SpilledIds` remembers exactly the ids of its last one or two generations of this many.
WINDOW_IDS = 1 << 16
#: Each spilled run of hashes is cut at this many equal hash ranges (its offsets kept in memory).
SPILL_PARTS = 1024
#: At the end, hashes are compared in groups of about this many (the memory the check takes).
CHECK_HASHES = 1 << 16

_BOUNDS = [-(1 << 63) + i * ((1 << 64) // SPILL_PARTS) for i in range(SPILL_PARTS)] + [1 << 63]


class SpilledIds(_Places):
    """The ids of a read that can be read again, in memory that does not grow with it.

    The last :data:`WINDOW_IDS` to twice as many distinct ids are held exactly, with their
    first place, in two dicts (when the newer one is full, the older is dropped), so an id
    used again within that window is judged a duplicate at once, as :class:`IdTable` would.
    The ``hash()`` of every id leaving the newer dict goes to a temporary file (or ``path``),
    sorted, one run per generation. An id used again after it left the window is added
    again, and its hash is then in the file twice: :meth:`repeats`, at the end, says whether
    any hash is (two different ids of equal hash, a 64-bit coincidence, say so too). If none
    is, every judgement was exact; if one is, the caller reads again with an :class:`IdTable`.
    Workers of one run compare their files together (:meth:`spilled`, :func:`any_repeated`).

    Memory: the two dicts, and per run of 65,536 ids the offsets of its hash ranges (8 KB).
    """

    __slots__ = ("_cur", "_old", "_file", "_runs", "_count", "path")

    def __init__(self, path: str | None = None) -> None:
        self.path = path
        self._cur: dict[str, int] = {}
        self._old: dict[str, int] = {}
        self._file = None
        self._runs: list[array] = []        # per run: where each hash range starts in the file
        self._count = 0                     # hashes in the file

    def first(self, eid: str, place: int) -> int | None:
        """The place where ``eid`` was first used if it is in the window, else None (it is
        then added with ``place``)."""
        cur = self._cur
        got = cur.get(eid)
        if got is None:
            got = self._old.get(eid)
            if got is None:
                cur[eid] = place
                if len(cur) >= WINDOW_IDS:
                    self._old = None        # freed before the spill's sort needs memory
                    self._spill()
                    self._old, self._cur = cur, {}
        return got

    def get(self, eid: str) -> int | None:
        """The place of ``eid``'s first use if it is in the window, else None."""
        got = self._cur.get(eid)
        return got if got is not None else self._old.get(eid)

    def repeats(self) -> bool:
        """Whether some id may have been used again after it left the window, so that a
        duplicate may have gone unseen (call once, at the end of the read; the table is
        then spent). False when no id ever left: the window held them all."""
        if self._file is None:
            return False
        self._spill()
        self._cur = self._old = {}
        return any_repeated([(self._file, self._runs)])

    def spilled(self) -> list[array]:
        """Every id's hash written to :attr:`path` (the table is then spent): the runs to
        give :func:`any_repeated` with that path, in another process."""
        if self._cur or self._file is None:
            self._spill()
        self._cur = self._old = {}
        self.close()
        return self._runs

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None

    def _spill(self) -> None:
        """The newer dict's hashes, sorted, as one run at the end of the file."""
        hashes = sorted(map(hash, self._cur))
        if self._file is None:
            self._file = tempfile.TemporaryFile() if self.path is None else open(self.path, "w+b")
        base = self._count
        self._runs.append(array("q", [base + bisect_left(hashes, lo) for lo in _BOUNDS]))
        array("q", hashes).tofile(self._file)
        self._count += len(hashes)


def any_repeated(spills: list[tuple]) -> bool:
    """Whether a hash occurs twice in the runs of these files (``(file or path, runs)``,
    as :class:`SpilledIds` writes them), comparing about :data:`CHECK_HASHES` at a time:
    consecutive hash ranges, read from every run."""
    files = [(open(f, "rb") if isinstance(f, str) else f, runs) for f, runs in spills]
    try:
        sizes = [0] * SPILL_PARTS
        for _, runs in files:
            for r in runs:
                for p in range(SPILL_PARTS):
                    sizes[p] += r[p + 1] - r[p]
        start = 0
        while start < SPILL_PARTS:
            end, size = start + 1, sizes[start]
            while end < SPILL_PARTS and size + sizes[end] <= CHECK_HASHES:
                size += sizes[end]
                end += 1
            hashes = array("q")
            for file, runs in files:
                for r in runs:
                    n = r[end] - r[start]
                    if n:
                        file.seek(8 * r[start])
                        hashes.fromfile(file, n)
            if len(set(hashes)) != len(hashes):
                return True
            start = end
        return False
    finally:
        for (f, _), (opened, _) in zip(spills, files):
            if isinstance(f, str):
                opened.close()
