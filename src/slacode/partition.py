"""Lines of JSON Lines input shared out among processes by lead (:mod:`slacode.parallel`):
a lead's partition is a CRC-32 of its id, the same in every process and on every run, and
a line's lead is read from its bytes without parsing it when that is safe."""
from __future__ import annotations

import re
import zlib
from collections.abc import Iterable, Iterator

import orjson

_BOM = b"\xef\xbb\xbf"

_LEAD_VALUE = re.compile(rb'\s*:\s*"([^"\\]*)"')


def partition_of(lead: str, n: int) -> int:
    """The partition (0 … n-1) of a lead: the same in every process and on every run."""
    return zlib.crc32(lead.encode("utf-8", "surrogatepass")) % n


def line_lead(raw: bytes) -> bytes | None:
    """The UTF-8 bytes of a JSON line's ``lead``, or None when it has no usable one.

    Read from the bytes when the line has no escape at all and names ``"lead"`` once, with a
    string value (without escapes, the one ``"lead"`` is the top-level key or the event has
    no lead); otherwise the line is parsed (a byte-order mark is skipped)."""
    i = raw.find(b'"lead"')
    if i >= 0 and raw.find(b'"lead"', i + 6) < 0 and raw.find(b"\\") < 0:
        m = _LEAD_VALUE.match(raw, i + 6)
        if m is not None:
            return m.group(1)
    try:
        obj = orjson.loads(raw[3:] if raw.startswith(_BOM) else raw)
    except orjson.JSONDecodeError:
        return None
    lead = obj.get("lead") if obj.__class__ is dict else None
    return lead.encode("utf-8", "surrogatepass") if lead.__class__ is str else None


def owned_lines(lines: Iterable[bytes], k: int, n: int) -> Iterator[tuple[int, bytes]]:
    """``(line number, line)`` of the JSON Lines whose lead is in partition ``k`` of ``n``
    (see :func:`line_lead`). A line without a usable lead (not JSON, no ``lead``) belongs to
    partition 0, which reports it: every line is handled by exactly one partition."""
    find, match, crc = bytes.find, _LEAD_VALUE.match, zlib.crc32
    for lineno, raw in enumerate(lines, 1):
        i = find(raw, b'"lead"')                # line_lead's fast path, inline: every line
        if i >= 0 and find(raw, b'"lead"', i + 6) < 0 and find(raw, b"\\") < 0:
            j = find(raw, b'"', i + 8) if raw[i + 6:i + 8] == b':"' else -1
            if j >= 0:                          # compact JSON: the value is up to the next quote
                if crc(raw[i + 8:j]) % n == k:
                    yield lineno, raw
                continue
            m = match(raw, i + 6)
            if m is not None:
                if crc(m.group(1)) % n == k:
                    yield lineno, raw
                continue
        lead = line_lead(raw)
        if (crc(lead) % n if lead is not None else 0) == k:
            yield lineno, raw


def range_lines(handle, start: int, end: int) -> Iterator[bytes]:
    """The lines of an open binary file from byte ``start`` (a line start) to ``end``."""
    handle.seek(start)
    pos = start
    for line in handle:
        if pos >= end:
            return
        yield line
        pos += len(line)
