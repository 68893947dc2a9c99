"""Events: the input stage.

A lead's history is a list of events (LANGUAGE.md §4). This module reads them from JSON Lines
and CSV files (or standard input) and from Python objects, and turns every usable event into
a :class:`Record`, a small tuple the evaluator folds over. Every event that cannot be used
gives a diagnostic (codes ``SLA5xx``, :mod:`slacode.codes.events`) with its file, line and,
where known, column; reading always goes on with the rest of the input.

Two representations:

* :class:`Event`: the public, validated pydantic model, for people building events in code;
* :class:`Record`: the internal record of the file path. Reading millions of events must
  cost little more than ``orjson.loads`` and the timestamp conversion, so records are plain
  tuples (a ``namedtuple`` subclass, sortable by ``(at, seq)``), built without pydantic, and
  instants are integers: microseconds since 1970-01-01T00:00:00Z.

Readers stream: files are read a line at a time and never held in memory. CSV has a
module of its own, :mod:`slacode.events_csv`; sharing JSON Lines out among processes by
lead, :mod:`slacode.partition`.
"""
from __future__ import annotations

import dataclasses
import errno
import io
import json
import os
import stat
import re
import sys
import zlib
from collections import namedtuple
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime, tzinfo
from itertools import chain
from typing import Any, NamedTuple

import orjson
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator, model_validator

from slacode.codes import events as codes
from slacode.diagnostics import Diagnostic, Span, make
from slacode.errors import FileReadError, FolderGivenError, MissingFileError, NotAllowedError, file_read_error
from slacode.ids import IdTable, SpilledIds
from slacode.partition import owned_lines, range_lines
from slacode.refs import LineRef, PositionRef
from slacode.timestamps import (  # noqa: F401  (parse_timestamp, timestamp_us: public here too)
    _CUTS, _DEFAULT_CLOCK, _ONE_US, EPOCH, EventInputError, MissingOffsetError, _Clock, _kind, _zone,
    FIRST_YEAR, LAST_YEAR, _year_problem, clock_of, datetime_from_us, parse_timestamp, timestamp_us)
from slacode.timestamps import timestamp_formats as _timestamp_formats

__all__ = [
    "Event",
    "EventBatch",
    "EventInputError",
    "MissingOffsetError",
    "Record",
    "datetime_from_us",
    "iter_records",
    "parse_timestamp",
    "read_events",
    "records_from_objects",
    "timestamp_us",
]

_RESERVED = frozenset(("lead", "at", "type", "state", "id", "fields"))
_STDIN_NAME = "<stdin>"
_BOM = b"\xef\xbb\xbf"
_JSON_SPACE = b" \t\r\n"          # what JSON counts as whitespace (a form feed is not)
_LINE_BITS = 40  # a first-seen id's place: source index << 40 | line
_LINE_MASK = (1 << _LINE_BITS) - 1
#: Repeated ids kept before they are compared with their first copies (then again from there).
_PENDING_REPEATS = 1 << 16
_READ_ERRORS = (OSError, EOFError, zlib.error)  # a file that fails while it is read


class EventFileError(EventInputError, FileReadError):
    """An event file that cannot be read: an :class:`EventInputError` that is also the
    ``OSError`` of its cause (see :class:`~slacode.errors.FileReadError`)."""


class MissingEventFileError(EventFileError, MissingFileError):
    """An event file that does not exist."""


class EventFolderGivenError(EventFileError, FolderGivenError):
    """A folder named where an event file belongs."""


class EventFileNotAllowedError(EventFileError, NotAllowedError):
    """An event file this process may not read."""


_EVENT_FILE_ERRORS = ((FileNotFoundError, MissingEventFileError), (IsADirectoryError, EventFolderGivenError),
                      (PermissionError, EventFileNotAllowedError))


def _file_error(cause: OSError, message: str) -> EventFileError:
    """The :class:`EventFileError` for ``cause``."""
    return file_read_error(cause, message, _EVENT_FILE_ERRORS, EventFileError)   # type: ignore[return-value]


def _folder_error(name: str) -> EventFileError:
    """A folder named as an event file."""
    return _file_error(IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), name),
                       f"{name}: is a directory, not an event file (name the files: {name.rstrip('/')}/*.jsonl)")


def _parse_datetime(text: str) -> datetime:
    """An aware datetime from RFC 3339 text, keeping its offset (strict, as parse_timestamp)."""
    us = _DEFAULT_CLOCK.us(text)
    if text[-1] == "z":
        text = text[:-1] + "Z"
    moment = datetime.fromisoformat(text)  # valid RFC 3339 at this point
    if (moment - EPOCH) // _ONE_US != us:  # pragma: no cover - defensive
        raise ValueError(f"{text!r} could not be read exactly")
    return moment


# --------------------------------------------------------------------------------------------
# The public model and the internal record
# --------------------------------------------------------------------------------------------


class Event(BaseModel):
    """One event of a lead's history (docs/events.md), validated.

    ``at`` is an aware datetime (RFC 3339 text is accepted and read strictly); ``id`` may be
    given as an integer and is kept as its decimal text. Every key besides ``lead``, ``at``,
    ``type``, ``state``, ``id`` and ``fields`` is a property of the event, in
    :attr:`properties` (and so is ``state`` on an event whose type is not ``state``: a
    record's :attr:`state` is only the state a ``state`` event enters).
    """

    model_config = ConfigDict(frozen=True, extra="allow", defer_build=True)

    lead: str = Field(min_length=1)
    at: AwareDatetime
    type: str = Field(min_length=1)
    state: str | None = None
    id: str | None = None
    fields: dict[str, Any] | None = None

    @field_validator("at", mode="before")
    @classmethod
    def _read_at(cls, value: Any) -> Any:
        if isinstance(value, str):
            return _parse_datetime(value)
        if not isinstance(value, datetime):
            raise ValueError(
                f"'at' must be an RFC 3339 timestamp or a datetime, not {_kind(value)}")
        return value

    @field_validator("id", mode="before")
    @classmethod
    def _read_id(cls, value: Any) -> Any:
        if type(value) is int:
            return str(value)
        if value == "":
            return None
        return value

    @model_validator(mode="after")
    def _state_event_needs_state(self) -> "Event":
        if self.type == "state" and not self.state:
            raise ValueError("an event of type 'state' needs a non-empty 'state'")
        return self

    @property
    def properties(self) -> dict[str, Any]:
        """The event's own properties: every key that is not one of the six above, and
        ``state`` on an event whose type is not ``state``."""
        props = dict(self.model_extra or {})
        if self.type != "state" and self.state is not None:
            props["state"] = self.state
        return props


_RecordBase = namedtuple(
    "_RecordBase", "at seq lead type state fields props id ref source line")


class Record(_RecordBase):
    """One usable event, as the evaluator reads it (a tuple: cheap to build, sortable).

    ``at``: epoch microseconds (UTC); ``seq``: 0-based position among all records of one
    read, across every source (so ``sorted(records)`` is timestamp order with ties in input
    order); ``lead``, ``type``; ``state``: the state a ``state`` event enters (``None`` on other
    events, whose ``state`` key is one of their properties); ``fields``: lead field updates or ``None``
    (a value ``None`` clears the field); ``props``: the event's properties, never ``None``,
    a dict of its own; ``id`` or ``None``; ``ref``: how
    evidence cites the event: its id, else its line (``"12"``; ``"path:12"`` when several
    sources are read; the 1-based position for library events), then a
    :class:`~slacode.refs.LineRef` (:class:`~slacode.refs.PositionRef`), which reasons
    write as ``line 12`` (``event 12``); ``source``: index of the
    source; ``line``: 1-based line (CSV: the row's first line; library: the position).
    """

    __slots__ = ()

    def to_event(self) -> Event:
        """The public :class:`Event` of this record (instant in UTC). A property named like
        one of the event's own keys (a CSV column ``fields``) cannot be one of an
        :class:`Event`'s properties: that raises ``ValueError``, naming it."""
        props = dict(self.props)
        state = self.state
        if self.type != "state" and "state" in props:   # §4: a property here, Event.state there
            state = props.pop("state")
        clash = sorted(k for k in props if k in Event.model_fields)
        if clash:
            raise ValueError(f"the event at line {self.line} has a property named {clash[0]!r}, which an Event "
                             f"keeps for its own key; read it from the record's props instead")
        return Event(lead=self.lead, at=datetime_from_us(self.at), type=self.type,
                     state=state, id=self.id, fields=self.fields, **props)


_new_record = tuple.__new__


class EventBatch(NamedTuple):
    """Every record of a read, in input order, what was reported while reading (by file,
    in the order given, then line), and the names of the inputs (a record's ``source`` is
    its index there). Give the batch itself to ``agreement.evaluate`` (or
    ``evaluate_many``): the result then holds the reading's diagnostics with the
    evaluation's, and names the files in them."""

    records: list[Record]
    diagnostics: list[Diagnostic]
    sources: tuple[str, ...] = ()


def batch_parts(batch: EventBatch, default_tz) -> tuple:
    """``(records, diagnostics, sources)`` of a batch given to ``evaluate`` (or
    ``evaluate_many``) with ``default_tz``. Its timestamps were read when the batch was: a
    ``default_tz`` given only now cannot bring back the events that :func:`read_events`
    reported without an offset and left out (SLA504), so that is a :class:`ValueError`
    saying where the zone belongs, rather than their diagnostics repeating a hint the caller
    has followed."""
    if default_tz is not None:
        naive = sum(1 for d in batch.diagnostics if d.code == codes.NO_OFFSET)
        if naive:
            raise ValueError(
                f"default_tz is given to evaluate, but these events were read by read_events without it: "
                f"{naive:,} timestamp{'s' if naive != 1 else ''} without an offset "
                f"{'were' if naive != 1 else 'was'} reported (SLA504) and left out then; pass "
                f"default_tz to read_events (read_events(paths, default_tz=...)), or give evaluate "
                f"the paths themselves")
    return batch.records, batch.diagnostics, batch.sources or None


# --------------------------------------------------------------------------------------------
# Checking one event (the slow path, shared by every reader)
# --------------------------------------------------------------------------------------------

class _Problem(NamedTuple):
    code: str
    key: str | None
    message: str
    hint: str | None = None


_TZ_HINT = "give the offset in the data, or name the zone: --tz ZONE (default_tz= in the library)"


def _check_event(lead, at, typ, state, eid, fields, clock: _Clock):
    """Validate the six reserved values of one event.

    Returns ``(problems, at_us, id)``: ``problems`` is empty when the event is usable.
    """
    problems: list[_Problem] = []
    if lead is None:
        problems.append(_Problem(codes.MISSING_KEY, "lead", "the event has no 'lead'"))
    elif type(lead) is not str:
        problems.append(_Problem(codes.INVALID_VALUE, "lead",
                                 f"'lead' must be text, not {_kind(lead)}",
                                 'write the lead id as a string: "lead": "123"'))
    elif not lead:
        problems.append(_Problem(codes.MISSING_KEY, "lead", "'lead' is empty"))

    us = None
    if at is None:
        problems.append(_Problem(codes.MISSING_KEY, "at", "the event has no 'at'"))
    elif isinstance(at, datetime):
        if not FIRST_YEAR <= at.year <= LAST_YEAR:
            problems.append(_Problem(codes.INVALID_TIMESTAMP, "at", f"'at' {_year_problem(at.isoformat(), at.year)}"))
        elif at.tzinfo is not None and at.utcoffset() is not None:
            us = (at - EPOCH) // _ONE_US
        elif clock.tz is not None:
            # read as a text without an offset is: in default_tz, a repeated or skipped time noted
            wall = (at.replace(tzinfo=EPOCH.tzinfo) - EPOCH) // _ONE_US
            us = wall - clock._offset(at.isoformat(), wall)
        else:
            problems.append(_Problem(codes.NO_OFFSET, "at",
                                     f"'at' {at.isoformat()} has no time zone", _TZ_HINT))
    elif type(at) is not str:
        number = getattr(clock, "number_us", None)     # --timestamp-format epoch-ms (extension)
        if number is not None and type(at) in (int, float):
            try:
                us = number(at)
            except ValueError as exc:
                problems.append(_Problem(codes.INVALID_TIMESTAMP, "at", str(exc), getattr(exc, "hint", None)))
        else:
            problems.append(_Problem(codes.INVALID_TIMESTAMP, "at",
                                     f"'at' must be an RFC 3339 timestamp, not {_kind(at)}",
                                     'write it as text: "2026-11-09T16:00:00-03:00"'))
    else:
        try:
            us = clock.us(at)
        except MissingOffsetError as exc:
            problems.append(_Problem(codes.NO_OFFSET, "at", str(exc), _TZ_HINT))
        except ValueError as exc:                       # (a hint when --timestamp-format was given)
            problems.append(_Problem(codes.INVALID_TIMESTAMP, "at", str(exc), getattr(exc, "hint", None)))

    if typ is None:
        problems.append(_Problem(codes.MISSING_KEY, "type", "the event has no 'type'"))
    elif type(typ) is not str:
        problems.append(_Problem(codes.INVALID_VALUE, "type",
                                 f"'type' must be text, not {_kind(typ)}"))
    elif not typ:
        problems.append(_Problem(codes.MISSING_KEY, "type", "'type' is empty"))

    if state is not None and type(state) is not str:
        problems.append(_Problem(codes.INVALID_VALUE, "state",
                                 f"'state' must be text, not {_kind(state)}"))
    elif typ == "state" and not state:
        problems.append(_Problem(codes.MISSING_KEY, "state",
                                 "an event of type 'state' needs the state it enters in 'state'",
                                 'add it: "state": "mql"'))

    if eid is not None:
        if type(eid) is int:
            try:
                eid = str(eid)
            except ValueError:                  # more digits than Python writes (4,300)
                problems.append(_Problem(codes.INVALID_VALUE, "id",
                                         f"'id' is an integer of more digits than slacode reads "
                                         f"({sys.get_int_max_str_digits() or 4300:,})",
                                         'write the id as text: "id": "…"'))
        elif type(eid) is not str:
            big = type(eid) is float and eid.is_integer() and abs(eid) >= 2 ** 63
            problems.append(_Problem(codes.INVALID_VALUE, "id",
                                     f"'id' must be text or an integer, not {_kind(eid)}"
                                     + (" (an integer this large is read as a decimal number, its last "
                                        "digits lost)" if big else ""),
                                     'write the id as text: "id": "…"'))
        elif not eid:
            eid = None  # an empty id is no id

    if fields is not None and not isinstance(fields, dict):
        problems.append(_Problem(codes.INVALID_VALUE, "fields",
                                 f"'fields' must be an object of field values, not {_kind(fields)}",
                                 'write it as an object: "fields": {"score": 90}'))
    elif fields and not _text_keys(fields):
        bad = next(k for k in fields if not isinstance(k, str))
        problems.append(_Problem(codes.INVALID_VALUE, "fields",
                                 f"the keys of 'fields' are field names: text, not {_kind(bad)} ({bad!r})",
                                 "name each field with a string: \"fields\": {\"score\": 90} "
                                 "(a table with numbered columns: rename them first)"))
    return problems, us, eid


def _text_keys(values: dict) -> bool:
    """Whether every key of ``values`` is text (a dict of the library's caller may have any
    key; JSON's are text). ``str.join`` checks them in C: the usual event pays little."""
    try:
        "".join(values)
    except TypeError:
        return False
    return True


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------

_FORMATS = {"jsonl": "jsonl", "ndjson": "jsonl", "json": "jsonl", "jsonlines": "jsonl",
            "csv": "csv"}


class _Source(NamedTuple):
    name: str          # as shown in diagnostics and refs
    fmt: str           # "jsonl" or "csv"
    path: str | None   # a file to open, or None for a stream
    stream: Any        # an open stream (stdin or given), or None
    gzip: bool
    start: int | None = None   # where it can be read again from: 0 for a regular file, the start
    #                            of a binary stream that can seek; None: it cannot
    csv: Any = None            # CSV: its slacode.events_csv.CsvOptions (None: standard CSV)
    encoding: str | None = None    # a file in UTF-16 (or -32) by its byte order mark: read as UTF-8

    @property
    def rereadable(self) -> bool:
        """Whether its lines can be read again: a regular file, or a binary stream that can
        seek (a named pipe cannot: opening it again would wait for a writer)."""
        return self.start is not None


def format_of(name: str) -> str | None:
    """The event format a file's name says (`jsonl` or `csv`, `.gz` looked through), or None."""
    lower = name.lower()
    if lower.endswith(".gz"):
        lower = lower[:-3]
    ext = os.path.splitext(lower)[1].lstrip(".")
    return _FORMATS.get(ext)


def _resolve(source: Any, input_format: str | None, csv: Any = None) -> _Source:
    """Where and how to read one source; ``EventInputError`` if it cannot be read.
    ``csv``: the CSV options (standard input is then CSV unless ``input_format`` says)."""
    if isinstance(source, (str, os.PathLike)):
        name = os.fspath(source)
        if isinstance(name, bytes):
            name = os.fsdecode(name)
        if name == "-":
            return _Source(_STDIN_NAME, input_format or ("csv" if csv else "jsonl"), None, None, False, csv=csv)
        if not name:
            raise EventInputError("an empty path names no event file (an unset variable in the command?); "
                                  "give the path, or - for standard input")
        fmt = input_format or format_of(name)
        if os.path.isdir(name):
            raise _folder_error(name)
        if fmt is None:
            if not os.path.exists(name) and not os.path.islink(name):
                raise EventInputError(f"{name}: no such file or folder")
            raise EventInputError(
                f"{name}: unknown event file format (use .jsonl, .ndjson, .json or .csv, "
                "or give the input format: --input-format jsonl|csv)")
        head = b""
        try:
            regular = stat.S_ISREG(os.stat(name).st_mode)
            if regular:                     # can it be opened? (a pipe is not opened twice: a
                with open(name, "rb") as handle:    # writer that met this open would lose its data)
                    head = handle.read(4)
            elif not os.access(name, os.R_OK):
                raise PermissionError(13, "Permission denied", name)
        except IsADirectoryError:
            raise _folder_error(name) from None
        except OSError as exc:
            raise _file_error(exc, f"{name}: cannot read: {exc.strerror or exc}") from None
        # what the first bytes say, whatever the name: gzip data (an export saved without `.gz`),
        # text in UTF-16 (Excel's "Unicode Text") or UTF-32, by its byte order mark
        packed, encoding = _what_bytes_say(head, name)
        return _Source(name, fmt, name, None, packed, 0 if regular else None, csv, encoding)
    if source.__class__ is _SkippedFile:
        return _Source(source.path, "skipped", source.path, None, False)
    if hasattr(source, "read"):
        raw_name = getattr(source, "name_for_refs", None) or getattr(source, "name", None)
        name = raw_name if isinstance(raw_name, str) else "<stream>"
        fmt = input_format or format_of(name) or ("csv" if csv else "jsonl")
        start = _start_of(source)
        packed, encoding = False, None
        if start is not None:               # a binary stream that can seek (stdin spooled): peek
            head = source.read(4)
            source.seek(start)
            packed, encoding = _what_bytes_say(head)
        return _Source(name, fmt, None, source, packed, start, csv, encoding)
    raise TypeError(f"an event source is a path, '-' or a stream, not {type(source).__name__}")


_GZIP_MAGIC = b"\x1f\x8b"
#: byte order marks of the wide encodings (UTF-32's first: it begins as UTF-16's little-endian one)
_WIDE_BOMS = ((b"\xff\xfe\x00\x00", "utf-32"), (b"\x00\x00\xfe\xff", "utf-32"),
              (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))


_REPLACED = "\ufffd".encode("utf-8")


def _wide_encoding(head: bytes) -> str | None:
    """The wide encoding (`utf-16`, `utf-32`) a text's first bytes name by its byte order mark, or None."""
    return next((e for bom, e in _WIDE_BOMS if head.startswith(bom)), None)


def _what_bytes_say(head: bytes, name: str = "") -> tuple[bool, str | None]:
    """Whether a file is gzip data, and else its wide encoding: by its first bytes, whatever
    its name (a `.jsonl.gz` that holds plain text is read as text); an empty `.gz` file
    is gzip (it holds nothing either way)."""
    if head[:2] == _GZIP_MAGIC or (not head and name.lower().endswith(".gz")):
        return True, None
    return False, _wide_encoding(head)


def _wide_inside(handle) -> str | None:
    """The wide encoding of the text a gzip file holds, by its byte order mark, or None."""
    return _wide_encoding(handle.peek(4)[:4])


class _Gunzip(io.RawIOBase):
    """The decompressed bytes of gzip data (one member or several, as `gzip` reads them),
    which stop, rather than raise, where the data is cut short or damaged: every byte
    decompressed before that point is given, the error is kept in ``damage`` and the
    number of `\\n` given in ``newlines`` (SLA520 says where the rest was lost). Seeking
    starts again from the beginning (and reads forward to the place asked for)."""

    _CHUNK = 1 << 16

    def __init__(self, fileobj: Any, owned: bool):
        super().__init__()
        self._file, self._owned = fileobj, owned
        self._origin = fileobj.tell() if fileobj.seekable() else None
        self._rewind()

    def _rewind(self) -> None:
        self._inflate: Any = None           # a member's deflate data being read (None: between members)
        self._crc = self._size = self._members = 0
        self._input = b""                   # input not read yet: a header or trailer cut by a chunk
        self._pending = memoryview(b"")
        self._held = b""                    # a line begun, given once it ends (dropped at damage)
        self._ended = False                 # no more data (the end, or damage)
        self.damage: BaseException | None = None
        self.newlines = 0
        self._pos = 0
        self.newline = b"\n"

    #: how a line ends in the decompressed bytes (a wide text's own, by its byte order mark:
    #: UTF-16's `\\n\\0` …), so that a line cut by damage is not given in part
    newline = b"\n"

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return self._origin is not None

    def tell(self) -> int:
        return self._pos

    def seek(self, offset: int, whence: int = 0) -> int:
        if whence == 1:
            offset += self._pos
        elif whence != 0:
            raise io.UnsupportedOperation("can only seek from the start of decompressed data")
        if offset < self._pos:
            self._file.seek(self._origin)
            self._rewind()
        while self._pos < offset and self.read(min(offset - self._pos, self._CHUNK)):
            pass
        return self._pos

    def _fill(self) -> None:
        """Decompress more input until there is data to give or none is left."""
        while not self._pending and not self._ended:
            chunk = self._file.read(self._CHUNK)
            if not chunk:
                if self._inflate is not None or self._input.strip(b"\x00"):
                    self._stop(EOFError("Compressed file ended before the end-of-stream marker was reached"))
                else:                               # the end: the last line, if it has no `\n`
                    self._pending, self._held = memoryview(self._held), b""
                self._ended = True
                return
            out: list[bytes] = []
            try:
                self._take(chunk, out)
            except _ChecksumError as exc:           # every byte came; some may be wrong
                self._give(b"".join(out))
                self._pending, self._held = memoryview(self._pending.tobytes() + self._held), b""
                self.damage, self._ended = exc, True
                return
            except (zlib.error, OSError) as exc:
                self._give(b"".join(out))
                self._stop(exc)
                return
            self._give(b"".join(out))

    def _take(self, data: bytes, out: list) -> None:
        """Read ``data``, the next input, into ``out``: members' headers, their deflate data
        (a slice at a time, so that damage loses little of what came before it) and trailers,
        whose checksum is checked here (the data is given before it is known)."""
        data = self._input + data if self._input else data
        self._input = b""
        while data:
            inflate = self._inflate
            if inflate is None:                     # a member's header
                if self._members and not data.strip(b"\x00"):
                    return                          # zero padding after the last member, as gzip allows
                size = _gzip_header_size(data)
                if size is None:
                    self._input = data              # (a header cut by the chunk: with the next one)
                    return
                data = data[size:]
                self._inflate, self._crc, self._size = zlib.decompressobj(-15), 0, 0
            elif not inflate.eof:
                piece, data = data[:8192], data[8192:]
                got = inflate.decompress(piece)
                self._crc, self._size = zlib.crc32(got, self._crc), self._size + len(got)
                out.append(got)
                if inflate.eof:
                    data = inflate.unused_data + data
            elif len(data) < 8:                     # its trailer, cut by the chunk
                self._input = data
                return
            else:
                crc, size = int.from_bytes(data[:4], "little"), int.from_bytes(data[4:8], "little")
                data = data[8:]
                if crc != self._crc or size != self._size & 0xFFFFFFFF:
                    raise _ChecksumError("CRC check failed")
                self._inflate = None
                self._members += 1

    def _give(self, data: bytes) -> None:
        """Make ``data`` the bytes to give, up to its last `\\n` (the rest waits for its end)."""
        data = self._held + data
        if self._pos == 0 and len(data) >= 4:       # the text's first bytes: a wide text's line end
            wide = _wide_encoding(data[:4])
            if wide is not None:
                order = "le" if data[:1] == b"\xff" else "be"
                self.newline = "\n".encode(f"{wide}-{order}")
        newline, unit = self.newline, len(self.newline)
        at = data.rfind(newline)
        while at >= 0 and (self._pos + at) % unit:     # (a wide text's: where a character starts)
            at = data.rfind(newline, 0, at + unit - 1)
        cut = at + unit if at >= 0 else 0
        self._pending, self._held = memoryview(data[:cut]), data[cut:]

    def _stop(self, exc: BaseException) -> None:
        """The data stops here: a line begun and not ended is not given (it is cut)."""
        self.damage, self._ended, self._held = exc, True, b""

    def readinto(self, buffer: Any) -> int:
        self._fill()
        n = min(len(buffer), len(self._pending))
        if n:
            given = self._pending[:n]
            buffer[:n] = given
            self.newlines += given.tobytes().count(self.newline)
            self._pending = self._pending[n:]
            self._pos += n
        return n

    def close(self) -> None:
        if not self.closed and self._owned:
            self._file.close()
        super().close()


class _ChecksumError(OSError):
    """A gzip member's data came whole, but its checksum or length does not match."""


def _gzip_header_size(data: bytes) -> int | None:
    """The length of the gzip member header at the start of ``data`` (RFC 1952), None when
    ``data`` ends inside it; ``gzip.BadGzipFile`` when it is no gzip header."""
    if data[:2] != _GZIP_MAGIC[:len(data[:2])] or (len(data) > 2 and data[2] != 8):
        import gzip

        raise gzip.BadGzipFile(f"Not a gzipped file ({data[:2]!r})")
    if len(data) < 10:
        return None
    flags, at = data[3], 10
    if flags & 4:                           # FEXTRA
        if len(data) < at + 2:
            return None
        at += 2 + int.from_bytes(data[at:at + 2], "little")
    for flag in (8, 16):                    # FNAME, FCOMMENT: texts ended by a zero byte
        if flags & flag:
            end = data.find(b"\x00", at)
            if end < 0:
                return None
            at = end + 1
    if flags & 2:                           # FHCRC
        at += 2
    return at if len(data) >= at else None


class _GzipLines(io.BufferedReader):
    """A :class:`_Gunzip`, buffered (lines, peeking), its ``damage`` and ``newlines`` at hand."""

    @property
    def damage(self) -> BaseException | None:
        return self.raw.damage

    @property
    def newlines(self) -> int:
        return self.raw.newlines


def _gzip_file(path: str | None = None, fileobj: Any = None) -> _GzipLines:
    """The decompressed lines of gzip data in a file (``path``) or a binary stream, which
    end where the data is cut short or damaged (:class:`_Gunzip`) rather than failing."""
    if path is not None:
        return _GzipLines(_Gunzip(open(path, "rb"), owned=True), 1 << 16)
    return _GzipLines(_Gunzip(fileobj, owned=False), 1 << 16)


class _Recoded:
    """The lines of a file in a wide encoding, as UTF-8 bytes (the readers' input)."""

    def __init__(self, handle: Any, encoding: str, owned: bool = True):
        import io

        # lines end at `\n` only, as a UTF-8 file's do (a lone `\r` stays inside its line);
        # bytes that are no character of the encoding (a damaged export) are read as U+FFFD …
        self._text = io.TextIOWrapper(handle, encoding=encoding, errors="replace", newline="\n")
        self._owned = owned
        self.inner = handle             # (a compressed file's: where its damage is kept)

    def __iter__(self) -> Iterator[bytes]:
        # … which the line gives as a byte no UTF-8 text has (0xff): the line is refused,
        # SLA508, as a damaged UTF-8 line is, not read with the damage in its values
        return (line.encode("utf-8").replace(_REPLACED, b"\xff") if "\ufffd" in line else line.encode("utf-8")
                for line in self._text)

    def seekable(self) -> bool:
        return False                # (read as a stream is: its first line is looked at, not its bytes)

    def close(self) -> None:
        if self._owned:
            self._text.close()
        else:                       # a stream the caller gave: left open
            self._text.detach()

    def __enter__(self) -> "_Recoded":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def _start_of(stream: Any) -> int | None:
    """Where a binary stream that can seek is now (its events start there: it can be read
    again from there, as standard input spooled to a file is), else None."""
    import io

    if isinstance(stream, io.TextIOBase) or getattr(stream, "buffer", None) is not None:
        return None
    try:
        return stream.tell() if stream.seekable() else None
    except (AttributeError, OSError, ValueError):
        return None


def _binary_lines(stream: Any) -> Iterable[bytes]:
    """Lines of ``stream`` as bytes (text streams are encoded back)."""
    buffer = getattr(stream, "buffer", None)
    if buffer is not None:
        return buffer
    import io

    if isinstance(stream, io.TextIOBase):
        return (line.encode("utf-8", "surrogatepass") for line in stream)
    return stream


def _diag(code: str, message: str, file: str | None, line: int, column: int = 1,
          hint: str | None = None, lead: Any = None) -> Diagnostic:
    """A diagnostic of an event line; ``lead``: the lead the line names, when it names one
    (not an empty or non-text value)."""
    return make(code, message, Span(line, column, file=file), hint=hint, file=file,
                lead=lead if lead.__class__ is str and lead else None)


def _column_of_key(raw: bytes, key: str) -> int:
    """1-based character column of ``"key":`` in a JSON line, or 1."""
    m = re.search(b'"' + re.escape(key.encode()) + rb'"\s*:', raw)
    if m is None:
        return 1
    return len(raw[:m.start()].decode("utf-8", "replace")) + 1


def _colons_of(obj: dict, spaced: bool = False) -> int:
    """How many ``":`` the compact JSON text of ``obj`` holds: one after each key, one for
    each ``":`` inside a key or a text (written ``\\":`` there), and one for each key or
    text that starts with a colon (its opening quote and that colon); with ``spaced``, the
    same for ``" :`` (the line then counts both)."""
    n = 0
    stack = [obj]
    pop, push = stack.pop, stack.append
    while stack:
        value = pop()
        if value.__class__ is dict:
            n += len(value)
            for key in value:
                if '"' in key or key[:1] == ":" or spaced and key[:2] == " :":
                    n += _colons_in(key, spaced)
            value = value.values()
        for item in value:
            kind = item.__class__
            if kind is str:
                if '"' in item or item[:1] == ":" or spaced and item[:2] == " :":
                    n += _colons_in(item, spaced)
            elif kind is dict or kind is list:
                push(item)
    return n


def _colons_in(text: str, spaced: bool) -> int:
    """The ``":`` (and, ``spaced``, ``" :``) that a key or text adds to its line."""
    n = text.count('":') + (text[:1] == ":")
    if spaced:
        n += text.count('" :') + (text[:2] == " :")
    return n


def repeated_keys(raw: bytes, obj: dict) -> list[tuple[str, int]]:
    """The keys that one object of a JSON line names again (orjson, like most readers, keeps
    the last value), each once with the 1-based character column of its first repeat.

    Cheap when there are none: every key is followed by ``":`` (or ``" :``), so a line
    holds exactly :func:`_colons_of` of them; only a line with more (a repeated key), or
    written some other way (``"key"  :``), is scanned key by key."""
    spaced = b'" :' in raw
    seen = raw.count(b'":') + (raw.count(b'" :') if spaced else 0)
    if seen == _colons_of(obj, spaced):
        return []
    return _scan_repeats(raw.decode("utf-8", "replace"))


def _scan_repeats(text: str) -> list[tuple[str, int]]:
    """(key, column) of each key that an object of ``text`` (one valid JSON value) names
    again, in the order of the repeats. The standard library's parser says first whether
    any key repeats (fast on wide lines); only then is the text walked for the columns."""
    repeats: list[str] = []

    def pairs(items):
        if len(items) > 1 and len({k for k, _ in items}) < len(items):
            repeats.append(items[0][0])
        return None

    try:
        json.loads(text, object_pairs_hook=pairs)
    except (ValueError, RecursionError):
        return []
    if not repeats:
        return []
    found: dict[str, int] = {}
    stack: list = []                        # per open object its keys; None for an array
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch == '"':
            j = i + 1
            while True:                     # the closing quote: one not escaped
                j = text.find('"', j)
                if j < 0:
                    return list(found.items())
                k = j - 1
                while text[k] == "\\":
                    k -= 1
                if (j - 1 - k) % 2 == 0:
                    break
                j += 1
            m = j + 1
            while m < n and text[m] in " \t\r\n":
                m += 1
            if m < n and text[m] == ":" and stack and stack[-1] is not None:
                key = json.loads(text[i:j + 1])
                if key in stack[-1]:
                    found.setdefault(key, i + 1)
                else:
                    stack[-1].add(key)
            i = j + 1
            continue
        if ch == "{":
            stack.append(set())
        elif ch == "[":
            stack.append(None)
        elif ch in "}]" and stack:
            stack.pop()
        i += 1
    return list(found.items())


def _bytes_hint(raw: bytes) -> str | None:
    """What the bytes of a line that cannot be read say it is, when not UTF-8 text: UTF-16
    without its byte order mark (a NUL beside each ASCII character), or gzip data in a file
    that was decompressed already (compressed twice). Gzip's magic is looked for first: a
    gzip header holds NUL bytes of its own (its flags, often its time), and a short first
    line of it can have as many as UTF-16 text."""
    if raw.startswith(_GZIP_MAGIC):
        return ("the line is gzip data: the file was compressed twice; decompress it once more "
                "(`gunzip -c FILE | gunzip > NEW_FILE`)")
    if raw.count(0) * 3 >= len(raw.strip(b"\r\n\x00")) and 0 in raw:      # (the NUL after a file's last \n too)
        known = raw[:1] != b"\x00" and raw[1:2] == b"\x00"      # `{\0`: little-endian (later lines can be either)
        return ("the file seems to be UTF-16 without a byte order mark (a NUL byte beside each character): "
                "convert it with `iconv -f UTF-16LE -t UTF-8 FILE > NEW_FILE`"
                f"{'' if known else ' (UTF-16BE if that reads garbled)'}, or export it as UTF-8")
    return None


_LATIN1_HINT = ("the file is probably in Windows-1252 or Latin-1, as spreadsheets export accented names: "
                "convert it with `iconv -f WINDOWS-1252 -t UTF-8 FILE > NEW_FILE`, or save it as UTF-8")
_JSON_LINES_HINT = ("slacode reads JSON Lines, one event object per line; indented objects one after "
                    "another convert with `jq -c . FILE > events.jsonl`, a JSON array (`[` first) with "
                    "`jq -c '.[]' FILE > events.jsonl`")


def _top_keys(raw: bytes) -> dict:
    """The top-level object of a JSON line (a byte order mark before it allowed), or {}."""
    try:
        obj = orjson.loads(raw[3:] if raw.startswith(_BOM) else raw)
    except orjson.JSONDecodeError:
        return {}
    return obj if obj.__class__ is dict else {}


#: the largest file read whole to see whether it is one JSON object holding the events
_WRAPPED_MAX_BYTES = 64 * 1024 * 1024


def _events_under(obj: Any) -> str | None:
    """The key of ``obj`` (a JSON object) whose value is an array of events (objects with a
    `lead`, `at` or `type`), when one key is: `results` of `{"results": [...], "paging": …}`."""
    if obj.__class__ is not dict or not _RESERVED_TOP.isdisjoint(obj):
        return None
    keys = [k for k, v in obj.items() if v.__class__ is list and v and v[0].__class__ is dict
            and not _RESERVED_TOP.isdisjoint(v[0])]
    if not keys:                    # a page with no events (a quiet day): its one empty array, under
        keys = [k for k, v in obj.items() if v.__class__ is list]    # a name APIs give the results
        keys = keys if len(keys) == 1 and not obj[keys[0]] and keys[0].lower() in _PAGE_KEYS else []
    return keys[0] if len(keys) == 1 else None


_RESERVED_TOP = frozenset(("lead", "at", "type"))
#: the keys under which APIs return a page of results
_PAGE_KEYS = frozenset(("results", "records", "data", "items", "events", "rows", "value", "hits", "entries",
                        "objects", "elements", "list"))


def _lone_brace(handle) -> bool:
    """Whether a file's first line that is not blank is a lone `{` (an indented document).
    The file is left at its start."""
    head = handle.read(4096)
    handle.seek(0)
    first = next((ln for ln in head.lstrip(_BOM).splitlines() if ln.strip(_JSON_SPACE)), b"")
    return first.strip(_JSON_SPACE) == b"{"


def _wrapped_events(handle) -> str | None:
    """For a file whose first line is a lone `{` (a JSON document written over many lines),
    or that is one line (an API response saved as it came): the key of the array of events
    it holds, read whole (up to 64 MiB), or None. The file is left at its start."""
    head = handle.read(4096)
    handle.seek(0)
    lines = [ln for ln in head.lstrip(_BOM).splitlines() if ln.strip(_JSON_SPACE)]
    first = lines[0] if lines else b""
    if first.strip(_JSON_SPACE) != b"{":
        if len(lines) != 1:
            return None                 # (JSON Lines: each line is judged on its own)
        line = handle.readline(_WRAPPED_MAX_BYTES + 1)
        rest = handle.read(4096)
        handle.seek(0)
        if len(line) > _WRAPPED_MAX_BYTES or rest.strip(_JSON_SPACE):
            return None
        try:
            return _events_under(orjson.loads(line.lstrip(_BOM)))
        except orjson.JSONDecodeError:
            return None
    data = handle.read(_WRAPPED_MAX_BYTES + 1)
    handle.seek(0)
    if len(data) > _WRAPPED_MAX_BYTES:
        return None
    try:
        return _events_under(orjson.loads(data.lstrip(_BOM)))
    except orjson.JSONDecodeError:
        return None


def _object_stream(handle) -> int:
    """For a file whose first line is a lone `{`: how many JSON objects it holds one after
    another (indented, as ``json.dumps(indent=2)`` writes each), read whole (up to 64 MiB);
    0 when it is anything else (one of its values no object, a line that is no JSON). The
    file is left at its start."""
    data = handle.read(_WRAPPED_MAX_BYTES + 1)
    handle.seek(0)
    if len(data) > _WRAPPED_MAX_BYTES:
        return 0
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return 0
    decoder, count, pos, end = json.JSONDecoder(), 0, 0, len(text)
    while True:
        pos = _skip_json_space(text, pos)
        if pos >= end:
            return count
        try:
            value, pos = decoder.raw_decode(text, pos)
        except ValueError:
            return 0
        if value.__class__ is not dict:
            return 0
        count += 1


def _skip_json_space(text: str, pos: int) -> int:
    """The index of the first character at or after ``pos`` that is not JSON white space."""
    end = len(text)
    while pos < end and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _jq_key(key: str) -> str:
    """``key`` as a jq path step: bare when it is a plain name, else quoted."""
    return key if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", key) else '"' + key.replace('"', '\\"') + '"'


def _nested_key(obj: dict, key: str) -> bool:
    """Whether ``key`` is a key of an object inside ``obj`` (not of ``obj`` itself)."""
    todo = [v for v in obj.values() if v.__class__ in (dict, list)]
    while todo:
        value = todo.pop()
        if value.__class__ is dict:
            if key in value:
                return True
            todo.extend(value.values())
        elif value.__class__ is list:
            todo.extend(v for v in value if v.__class__ in (dict, list))
    return False


#: A JSON integer (no fraction, no exponent), its digits in group 1.
_JSON_INTEGER = re.compile(r"-?([0-9]+)(?![0-9.eE])")
_HUGE_INTEGER_HINT = ("send the number as text (in quotes), in a smaller unit, or the events as CSV, where a whole "
                      "number of up to 4,300 digits is read exactly")


def _huge_integer_words(text: str, found: re.Match) -> str:
    """Why a JSON line with an integer past the largest float cannot be read: JSON Lines
    are read with a parser that takes an integer past 64 bits as a float, and there is no
    float that large."""
    key = re.search(r'"((?:[^"\\]|\\.)*)"\s*:\s*\Z', text[:found.start()])
    what = f"`{key.group(1)}` is an integer" if key else "an integer"
    return (f"the line cannot be read: {what} of {len(found.group(1)):,} digits, beyond the largest number "
            "a float holds (about 1.8e308), and JSON Lines are read with integers past 64 bits as floats")


def _json_hint(text: str, pos: int, msg: str) -> str | None:
    """What to do about a line that is not JSON, for the usual slips of hand-written or
    exported JSON (Python's literals, single quotes, a trailing comma, a pretty-printed file)."""
    bare = text.strip()
    if bare in ("[", "{", "]", "}", "},", "],") or (bare.startswith('"') and ('":' in bare or bare.endswith(","))):
        return _JSON_LINES_HINT
    rest = text[pos:]
    if "after document" in msg and rest.lstrip(" \t").startswith("{") and bare.startswith("{"):
        at = pos + len(rest) - len(rest.lstrip(" \t")) + 1        # the 1-based column of the second `{`
        return (f"a line break is missing at column {at}: two events on this line (JSON Lines holds one "
                "event object a line; put the second on a line of its own)")
    if "trailing comma" in msg:
        return "remove the comma before the closing bracket: JSON allows no trailing comma"
    if re.match(r"(True|False|None)\b", rest):
        word = {"T": "true", "F": "false", "N": "null"}[rest[0]]
        return f"JSON writes `{word}` in lower case (this looks like Python's `{rest.split(',')[0].split('}')[0]}`)"
    if rest.startswith("'"):
        return "JSON strings and keys are in double quotes: \"lead\", not 'lead'"
    if rest.startswith(("NaN", "Infinity", "-Infinity")) or "infinity" in msg:
        return "JSON has no NaN or infinite numbers: leave the key out, or write null"
    if "{" not in bare and bare.count(",") >= 2:        # `lead,at,type` / `L1,2026-…,assigned`
        return ("this looks like CSV: name the file `….csv`, or give --input-format csv (standard input and "
                "`.jsonl` files are read as JSON Lines)")
    return None


#: Names exports give the three keys every event needs and a state event's `state`
#: (compared lowercased, without `_`, `-` or spaces).
_KEY_NAMES = {
    "lead": ("leadid", "leadkey", "idlead", "contactid", "contact", "prospectid", "prospect", "personid",
             "recordid", "customerid"),
    "at": ("timestamp", "time", "ts", "datetime", "date", "createdat", "occurredat", "eventtime", "eventat",
           "when", "happenedat", "eventdate", "eventtimestamp"),
    "type": ("eventtype", "event", "eventname", "activitytype", "activity", "action", "kind"),
    "state": ("status", "stage", "leadstatus", "lifecyclestage", "newstatus", "newstate", "newstage", "tostate",
              "tostatus"),
}


def misnamed_key(key: str, keys) -> str | None:
    """The key of ``keys`` that most likely meant ``key`` (``Lead``, ``lead_id`` for
    ``lead``; ``timestamp`` for ``at``), or None."""
    for k in keys:
        if k.__class__ is str and k != key and k.lower() == key:
            return k
    plain = {}
    for k in keys:
        if k.__class__ is str:
            plain.setdefault(k.lower().replace("_", "").replace("-", "").replace(" ", ""), k)
    return next((plain[a] for a in _KEY_NAMES[key] if a in plain), None)   # the likeliest name first


def _lacks_key(raw: bytes, key: str) -> bool:
    """Whether the JSON line ``raw`` has no key ``key`` at all (nor as text): a cheap test
    first, then where the key would be (`"state"` is also the type of a state event)."""
    quoted = b'"%s"' % key.encode()
    return quoted not in raw or (key == "state" and _column_of_key(raw, key) == 1)


def reserved_slip(key: Any, reserved: str) -> bool:
    """Whether the key ``key`` (a property, or a column) most likely misspells the reserved
    key ``reserved``: the same letters in another case (`Fields`, `ID`), or, for a reserved
    key of four letters or more, one edit away (a letter added, left out or changed, or two
    neighbours swapped: `field`, `typ`, `feilds`). SLA521; SLA502's did-you-mean."""
    if key.__class__ is not str or key == reserved:
        return False
    low = key.strip().lower()
    if low == reserved:
        return True
    if len(reserved) < 4 or abs(len(low) - len(reserved)) > 1:
        return False
    from slacode.texts import _edits     # (not at import: a service's cold start)

    return _edits(low, reserved, 1) <= 1


def slipped_key(reserved: str, keys) -> str | None:
    """The one key of ``keys`` that most likely misspells ``reserved`` (:func:`reserved_slip`),
    or None (none, or more than one)."""
    found = [k for k in keys if reserved_slip(k, reserved)]
    return found[0] if len(found) == 1 else None


def _slip_shaped(value: Any, meant: str) -> bool:
    """Whether ``value`` has the shape the reserved key ``meant`` holds, so that a key one
    letter off it that holds ``value`` can be that key misspelt: `fields` holds an object
    (a CRM history's `"field": "Status"` is a property), `id` a string or an integer."""
    if meant == "fields":
        return isinstance(value, Mapping)
    return isinstance(value, (str, int)) and value.__class__ is not bool


#: property keys found to misspell no reserved key (SLA521), shared by every reading in the
#: process (a service reads the same few keys in every request); at most 4,096
_PLAIN_KEYS: set[str] = set()


#: the reserved keys an event that is read may still lack, each misspelt key of it losing what
#: it holds (SLA521): `fields` (the lead's data becomes a property) and `id`
_OPTIONAL_RESERVED = ("fields", "id")


#: the keys a missing one of which SLA502 looks for one letter off (`typ`, `stat`)
_SLIP_KEYS = frozenset(("lead", "at", "type", "state"))


def _slip_message(key: str, meant: str) -> str:
    """SLA521's message: the key ``key`` read as a property where ``meant`` was meant."""
    what = ("its value is read as a property of the event, and no lead field is set" if meant == "fields"
            else "it is read as a property of the event, and the event has no id")
    return f"the key {key!r} is not one slacode reserves: {what}; did you mean {meant!r}?"


def _slip_hint(key: str, meant: str) -> str:
    """SLA521's hint: rename ``key`` to ``meant``."""
    if key.lower() == meant:
        return f"keys are case-sensitive: write `{meant}`, not `{key}` (or leave this out with --ignore SLA521)"
    return (f"rename `{key}` to `{meant}` where the events are made; if `{key}` really is a property of "
            "the event, leave this warning out with --ignore SLA521")


def key_hint(key: str, found: str) -> str:
    """What to do about ``found``, which most likely meant the key ``key``."""
    if found.lower() == key:
        return f"keys are case-sensitive: write `{key}`, not `{found}`"
    what = {"lead": "the lead's id", "at": "the event's time", "type": "the event's type",
            "state": "the state a `state` event enters"}[key]
    return f"slacode reads {what} from `{key}`: rename `{found}` to `{key}` (or map it when exporting)"


def after_as_of_diagnostic(count: int, first: int, name: str | None, as_of: int,
                           what: str = "line", zone: tzinfo | None = None) -> Diagnostic:
    """The one ``info`` of a source about its events after ``as_of`` (written in ``zone``,
    the agreement's, when given: as the verdicts write their instants; else in UTC)."""
    moment = datetime_from_us(as_of)
    when = (moment.astimezone(zone) if zone is not None else moment).isoformat().replace("+00:00", "Z")
    noun = "event is" if count == 1 else "events are"
    return make(codes.AFTER_AS_OF, f"{count} {noun} after as_of {when} and not evaluated (first at {what} {first})",
                Span(first, 1, file=name), file=name, count=count)


#: The parts of :func:`event_content`, as a clash names the first that differs.
CONTENT_PARTS = ("lead", "time", "type", "state", "fields", "properties")


def event_content(lead: str, at: int, typ: str, state: str | None, fields: dict | None, props: dict | None) -> tuple:
    """What an event says, compared exactly: equal for two events with the same lead,
    instant, type, state, fields and properties, however their keys were ordered, their
    time written or a whole number written (``5`` and ``5.0``, which slacode compares
    alike)."""
    return (lead, at, typ, state or None, _canonical(fields), _canonical(props))


def _canonical(values: dict | None):
    if not values:
        return None
    whole = {k: int(v) if v.__class__ is float and v.is_integer() else v for k, v in values.items()}
    try:
        return orjson.dumps(whole, option=orjson.OPT_SORT_KEYS)
    except TypeError:                   # a library caller's value JSON has no word for
        return repr(sorted(whole.items(), key=repr))


def content_difference(first: tuple, other: tuple) -> str:
    """The first part of two events' contents that differs (``"fields"``), for a clash."""
    return next((name for name, a, b in zip(CONTENT_PARTS, first, other) if a != b), "content")


def _contents_at(source: _Source, index: int, lines: set[int], default_tz,
                 formats: tuple[str, ...] = (), types: tuple = ()) -> Iterator[tuple[int, tuple]]:
    """(line, :func:`event_content`) of the events on ``lines`` of a file, read again
    (JSON Lines: the other lines are not parsed); ``formats``: the read's timestamp formats,
    ``types``: its type map pairs."""
    reader = _Reader([], default_tz, None, multi=False, ids=_Unjudged(), formats=formats)
    reader.only = lines
    if types:
        from slacode.typemap import TypeRenamer

        reader.types = TypeRenamer(types)
    last = max(lines)
    stream = source.stream if source.path is None else None
    if stream is not None:                     # read from its start, then left where it was
        back = stream.tell()
        stream.seek(source.start)
    records = reader.jsonl(source, index) if source.fmt == "jsonl" else reader.csv(source, index)
    try:
        for r in records:
            if r.line in lines:
                yield r.line, event_content(r.lead, r.at, r.type, r.state, r.fields, r.props)
            if r.line >= last:
                break
    finally:
        records.close()
        if stream is not None:
            stream.seek(back)


class _Unjudged:
    """An id table for reading a file again: every id is new."""

    @staticmethod
    def first(eid: str, place: int) -> None:
        return None


_NOTHING = object()      # what `_Reader._recover` gives for a line with nothing to use


class _Reader:
    """State shared by the sources of one read: diagnostics, ids seen, order, as_of."""

    def __init__(self, diagnostics: list, default_tz: tzinfo | None, as_of_us: int | None,
                 multi: bool, ids: IdTable | SpilledIds | None = None, as_of_zone: tzinfo | None = None,
                 formats: tuple[str, ...] = ()):
        self.diagnostics = diagnostics
        self.clock = clock_of(default_tz, formats)      # RFC 3339, then `formats` (--timestamp-format)
        self.formats = formats
        self.as_of = as_of_us
        self.as_of_zone = as_of_zone                # how the SLA506 info writes as_of
        self.multi = multi
        # id -> its place (source << 40 | line)
        self.seen: IdTable | SpilledIds | dict = ids if ids is not None else IdTable()
        self.names: list[str] = []
        self.seq = 0
        self.part: tuple[int, int] | None = None    # (k, n): only the lines of partition k
        self.span: tuple[int, int, int] | None = None  # (start, end, first line): a byte range
        self.marks: list[int] = []                  # len(diagnostics) when each source began
        self.late: dict[int, tuple[int, int]] | None = None  # source -> (after as_of, first line)
        self.default_tz = default_tz
        self.sources: list[_Source] = []            # to read the first copy of a repeated id again
        # the repeated ids of the source being read, judged at its end (see _judge):
        # (len(diagnostics) then, id, line, place of the first, content, lead)
        self.pending: list[tuple[int, str, int, int, tuple, Any]] = []
        self.only: set[int] | None = None           # reading again: only these lines
        self.wide: dict[str, str] = {}              # source name -> its wide encoding (UTF-16 …)
        self.plain: set[str] = _PLAIN_KEYS          # property keys that misspell no reserved key (SLA521)
        # `--type-map OURS=THEIRS` (extension, slacode.typemap): renames each event's type as
        # it is read; None without one (the JSON Lines loop then pops `type` as it always did)
        self.types: Any = None

    # -- reports -------------------------------------------------------------------------

    def _where(self, place: int, what: str = "line") -> str:
        """How a diagnostic cites an event's place: ``path:line`` when several inputs are
        read, else ``line N`` (``position N`` for the library's events: ``what``)."""
        source, line = place >> _LINE_BITS, place & _LINE_MASK
        if self.multi:
            return f"{self.names[source]}:{line}"
        return f"{what} {line}"

    def duplicate(self, eid: str, name: str | None, line: int, what: str = "line",
                  content: tuple | None = None, lead: Any = None) -> None:
        """An event whose id an earlier one has (it is ignored): with its ``content``
        (:func:`event_content`) and a first copy that can be read again, compared with that
        copy at the end of its source (:meth:`_judge`); otherwise SLA505 now."""
        place = self.seen[eid]
        if content is not None and self.sources[place >> _LINE_BITS].rereadable:
            self.pending.append((len(self.diagnostics), eid, line, place, content, lead))
            if len(self.pending) >= _PENDING_REPEATS:      # memory that does not grow with the repeats
                self._judge(name)
            return
        self.diagnostics.append(self._clash(eid, name, line, place, what, None, lead))

    def _clash(self, eid: str, name: str | None, line: int, place: int, what: str,
               differs: str | None, lead: Any = None) -> Diagnostic:
        """SLA505 for an event whose id the event at ``place`` had: ``differs`` names the
        first part of its content that is not the same (None: they could not be compared)."""
        first = self._where(place, what)
        if differs is not None:
            said = f"id {eid!r} was already used by another event, at {first} (its {differs} differ" \
                   f"{'s' if differs in ('lead', 'time', 'type', 'state') else ''})"
        else:
            said = (f"id {eid!r} was already used by the event at {first} (not compared: that input "
                    "cannot be read again)")
        return _diag(codes.DUPLICATE_ID, f"{said}; this event is ignored", name, line, lead=lead)

    def _repeat(self, eid: str, name: str | None, line: int, place: int, what: str, lead: Any = None) -> Diagnostic:
        """SLA517 for an event that repeats the one at ``place`` exactly."""
        first = self._where(place, what)
        return _diag(codes.REPEATED_EVENT, f"the event repeats the one at {first} exactly (id {eid!r}, same "
                     "content); this copy is ignored", name, line, lead=lead)

    def _judge(self, name: str | None) -> None:
        """Compare the pending repeated ids with their first copies, read again (each file
        once, only the lines needed), and report each where it was found, in line order:
        an exact repeat (SLA517) or a clash (SLA505)."""
        pending, self.pending = self.pending, []
        if not pending:
            return
        wanted: dict[int, set[int]] = {}
        for _, _, _, place, _, _ in pending:
            wanted.setdefault(place >> _LINE_BITS, set()).add(place & _LINE_MASK)
        known: dict[int, tuple] = {}
        for src, lines in wanted.items():
            for line, content in _contents_at(self.sources[src], src, lines, self.default_tz, self.formats,
                                              self.types.pairs if self.types is not None else ()):
                known[src << _LINE_BITS | line] = content
        # each where it was found: merged into the list in one pass (inserting them one by
        # one would move the rest of the list each time)
        diagnostics, merged, done = self.diagnostics, [], 0
        for at, eid, line, place, content, lead in pending:
            merged += diagnostics[done:at]
            done = at
            seen = known.get(place)
            merged.append(self._repeat(eid, name, line, place, "line", lead) if seen == content
                          else self._clash(eid, name, line, place, "line",
                                           None if seen is None else content_difference(seen, content), lead))
        merged += diagnostics[done:]
        diagnostics[:] = merged

    def shifts(self, name: str | None, line: int, us: int | None, raw: bytes | None = None,
               what: str = "line", column: int | None = None, lead: Any = None) -> None:
        """SLA510 for the local time just read (into ``us``; None: the event is refused for
        another reason, and only that is said) that a daylight saving change repeats or
        skips in the default zone."""
        shifted = self.clock.shifted
        if us is not None:
            zone = self.clock.tz
            for text, offset, kind in shifted:
                read = datetime.fromtimestamp(us // 1_000_000, zone).replace(microsecond=us % 1_000_000).isoformat()
                if kind == "repeated":
                    message = (f"{text!r} happens twice in {zone} (the clocks go back); it was read as "
                               f"its first occurrence, {read}")
                else:
                    message = (f"{text!r} does not exist in {zone} (the clocks skip it); it was read "
                               f"with the offset before the change, as {read}")
                where = f"event {line}: " if what != "line" else ""
                at_column = _column_of_key(raw, "at") if raw is not None else column or 1
                self.diagnostics.append(_diag(codes.SHIFTED_LOCAL_TIME, where + message, name, line, at_column,
                                              "write the offset in the timestamp (…-05:00 or …Z) to name "
                                              "the instant", lead))
        shifted.clear()

    def after_as_of(self, count: int, first: int, name: str | None, what: str = "line") -> None:
        self.diagnostics.append(after_as_of_diagnostic(count, first, name, self.as_of, what, self.as_of_zone))

    def problems(self, problems: list[_Problem], name: str | None, line: int,
                 raw: bytes | None = None, column_of=None, keys=(), lead: Any = None) -> None:
        """Report an event's problems, each at the column of its key: in a JSON line
        (``raw``), or where ``column_of(key)`` says (a CSV row's cell: lines below the row's
        first, column). ``keys``: the line's other keys, one of which may be a missing key
        misnamed (``Lead``, ``timestamp``)."""
        if raw is not None and any(p.code == codes.MISSING_KEY and p.key in _KEY_NAMES for p in problems):
            under = _events_under(_top_keys(raw))
            if under is not None:                   # an API response on this line: one SLA514, not
                self.diagnostics.append(_diag(      # a problem per missing key (a stream, a part)
                    codes.JSON_ARRAY_FILE, f"the line is one JSON object with the events in an array under "
                    f"`{under}` (an API response), not an event: none of its events is read", name, line, 1,
                    f"convert the file with `jq -c '.{_jq_key(under)}[]' FILE > events.jsonl`", lead))
                return
        for p in problems:
            column, hint = 1, p.hint
            if column_of is not None and p.code == codes.MISSING_KEY and p.key == "state":     # CSV words
                hint = "fill the row's `state` cell with the state it enters, such as `mql`" \
                    if "state" in keys else "add a `state` column with the state it enters, such as `mql`"
            # the key written under another name (`Lead`, `timestamp`), when the line lacks it
            found = misnamed_key(p.key, keys) if (p.code == codes.MISSING_KEY and keys and p.key in _KEY_NAMES
                                                  and raw is not None and _lacks_key(raw, p.key)) else None
            message = p.message
            if (found is None and p.code == codes.MISSING_KEY and keys and raw is not None
                    and p.key in _SLIP_KEYS and _column_of_key(raw, p.key) == 1):     # (not as a key)
                found = slipped_key(p.key, keys)        # `typ`, `Tpye`, `stat`: one letter off
                if found is not None:
                    message = f"{message}; did you mean its key {found!r}?"
            if found is not None:
                hint = key_hint(p.key, found)
                if raw is not None:
                    column = _column_of_key(raw, found)
            elif (p.code == codes.MISSING_KEY and raw is not None and p.key in _KEY_NAMES
                  and b'"%s"' % p.key.encode() in raw and _nested_key(_top_keys(raw), p.key)):
                hint = f"`{p.key}` is inside an object of the event (such as `fields`) here: give it at the top level"
            below = 0
            if found is None and p.key:
                if raw is not None:
                    column = _column_of_key(raw, p.key)
                elif column_of is not None:             # a CSV cell: (lines below the row's first, column)
                    below, column = column_of(p.key)
            self.diagnostics.append(_diag(p.code, message, name, line + below, column, hint, lead))

    def slips(self, obj: dict, raw: bytes, name: str | None, line: int, fields: bool, eid: bool,
              lead: Any = None) -> None:
        """SLA521 for each property of an event that is read whose key misspells a reserved
        key it lacks (``fields``, ``eid``: whether it lacks `fields`, `id`): `field`, `Fields`,
        `ID`. Keys found innocent are kept in ``self.plain`` so that most lines cost one
        set test (see :meth:`jsonl`)."""
        plain = self.plain
        for key in obj:
            if key in plain:
                continue
            slipped = [r for r in _OPTIONAL_RESERVED if reserved_slip(key, r)]
            if not slipped:
                if len(plain) < 4096 and key.__class__ is str and not key.startswith("fields."):
                    plain.add(key)              # (`fields.X` is SLA513's, on the library's path too)
                continue
            meant = slipped[0]
            if (meant == "fields" and not fields) or (meant == "id" and not eid):
                continue                                # the reserved key is there too
            if not _slip_shaped(obj[key], meant):
                continue                                # `"field": "Status"`: a property (not kept
                                                        # in plain: another line's value may be an object)
            self.diagnostics.append(_diag(codes.RESERVED_KEY_SLIP, _slip_message(key, meant), name, line,
                                          _column_of_key(raw, key) if raw is not None else 1,
                                          _slip_hint(key, meant), lead))

    def repeated(self, raw: bytes, obj: dict, name: str | None, line: int) -> None:
        """SLA511 for each key that one object of the line names twice (the last value
        is used)."""
        for key, column in repeated_keys(raw, obj):
            self.diagnostics.append(_diag(
                codes.REPEATED_KEY, f"the key {key!r} appears more than once in one object of this "
                f"event; its last value is used", name, line, column,
                "give each key once (remove the value that is not meant)", obj.get("lead")))

    def dotted(self, raw: bytes | None, obj: dict, name: str | None, line: int, lead: Any = None) -> None:
        """SLA513 for each property named `fields.NAME` (in JSON, a property, not a field;
        ``raw`` None: an event of the library's caller, cited by its position)."""
        for key in obj:
            if key.startswith("fields.") and key[7:]:
                self.diagnostics.append(_diag(
                    codes.DOTTED_FIELD_KEY, f"the key {key!r} is read as a property of the event, not as "
                    f"the lead's field {key[7:]!r}", name, line, 1 if raw is None else _column_of_key(raw, key),
                    f'to update the field, write "fields": {{"{key[7:]}": …}}', lead))

    def keys_of(self, props: dict, position: int, fields: bool, eid: bool, lead: Any = None) -> bool:
        """The checks of the property keys of an event given to the library (a dict of the
        caller's, whose keys need not be text), when they are not all known innocent
        (``fields``, ``eid``: whether the event lacks `fields`, `id`). A key that is not text
        is SLA507, as in `fields`, and the event is not read: True. Else SLA513 for each
        `fields.NAME` and SLA521 for each slip of a reserved key it lacks (:meth:`slips`)."""
        for key in props:
            if not isinstance(key, str):
                self.diagnostics.append(_diag(
                    codes.INVALID_VALUE, f"event {position}: the keys of an event are names: text, not "
                    f"{'bytes' if isinstance(key, (bytes, bytearray)) else _kind(key)} ({key!r})", None, position, 1,
                    "name each property with a string, e.g. \"channel\": \"web\" (a payload decoded from "
                    "msgpack, YAML or a form: convert its keys to text first)", lead))
                return True
        self.dotted(None, props, None, position, lead)
        # (also with `fields` and `id` both there, when no slip is said: it learns the keys
        # that are innocent, so that the next event with them costs one set test)
        self.slips(props, None, None, position, fields, eid, lead)
        return False

    def bad_json(self, raw: bytes, exc: Exception, name: str, line: int) -> None:
        try:
            text = raw.decode("utf-8").rstrip("\r\n")
        except UnicodeDecodeError as bad:
            self.bad_utf8(raw, bad, name, line)
            return
        msg = getattr(exc, "msg", None) or str(exc)
        column = min(getattr(exc, "pos", 0) or 0, len(text)) + 1
        if "\r" in text and "after document" in msg:  # events joined by carriage returns: old Mac line ends
            events = text.count("\r") + 1
            self.diagnostics.append(_diag(
                codes.MALFORMED_EVENT, f"the line is not valid JSON: it holds {events - 1} carriage return"
                f"{'s' if events > 2 else ''} (\\r), which end lines in old Mac files: up to {events} events are "
                "on this line", name, line, column,
                "convert the line ends to line feeds, e.g. `tr '\\r' '\\n' < events.jsonl > fixed.jsonl`"))
            return
        whole = _JSON_INTEGER.match(text, column - 1) if "infinity" in msg else None
        if whole is not None:       # an integer past the largest float: no NaN or infinity was written
            self.diagnostics.append(_diag(codes.MALFORMED_EVENT, _huge_integer_words(text, whole), name, line,
                                          column, _HUGE_INTEGER_HINT))
            return
        self.diagnostics.append(_diag(codes.MALFORMED_EVENT, f"the line is not valid JSON: {msg}", name, line, column,
                                      _bytes_hint(raw) or _json_hint(text, column - 1, msg)))

    def bad_utf8(self, raw: bytes, exc: UnicodeDecodeError, name: str, line: int) -> None:
        column = len(raw[:exc.start].decode("utf-8", "replace")) + 1
        wide = self.wide.get(name)
        if wide is not None:                # (see _Recoded: a byte that is no character of it)
            self.diagnostics.append(_diag(
                codes.INVALID_UTF8, f"the line is not valid {wide.upper()} (the encoding the file's byte order "
                f"mark names): bytes at column {column} are no character", name, line, column,
                "the export is damaged (cut off, or text of another encoding pasted in): export it again"))
            return
        self.diagnostics.append(_diag(
            codes.INVALID_UTF8,
            f"the line is not valid UTF-8 (byte 0x{raw[exc.start]:02x} at column {column})",
            name, line, column, _bytes_hint(raw) or (_LATIN1_HINT if raw[exc.start] >= 0x80 else None)))

    # -- JSON Lines ----------------------------------------------------------------------

    def jsonl(self, source: _Source, index: int) -> Iterator[Record]:
        """Records of one JSON Lines source (the hot path: keep per-line work minimal)."""
        name = source.name
        with _lines_of(source) as lines:
            loads, decode_error = orjson.loads, orjson.JSONDecodeError
            pop, new, record, dict_, colons = dict.pop, _new_record, Record, dict, bytes.count
            # (with a type map, a `pop` that renames the type: without one, dict.pop itself)
            pop_type = pop if self.types is None else self.types.popper()
            clock = self.clock
            hours, minutes, tails, slow_us = clock.hours, clock.minutes, clock.tails, clock.us
            cut1, cut2, cut3 = _CUTS
            as_of, first_use = self.as_of, self.seen.first
            dotted = b'"fields.'
            plain = self.plain
            prefix = name + ":" if self.multi else ""
            base = index << _LINE_BITS
            seq = self.seq
            after = after_first = 0
            self.marks.append(len(self.diagnostics))
            peeked = source.path is not None and lines.seekable()     # (not a named pipe)
            blank = False                               # the first 4 KB of a file are blank
            if peeked:
                first, first_line = _first_byte(lines)
                if first == b"[":
                    self._array(source, index, first_line)      # SLA514: the file once, no event
                    return
                if first == b"{" and self.span is None and self.part is None:
                    under = _wrapped_events(lines)
                    if under is not None:               # SLA514: an API response's events array
                        self._array(source, index, first_line, under)
                        return
                    many = _lone_brace(lines) and _object_stream(lines)
                    if many:                            # SLA514: indented objects, one after another
                        self._array(source, index, first_line, objects=many)
                        return
                if first == b"" and self._first_reader() and getattr(lines, "damage", None) is None:
                    self.empty(name)                    # SLA515 (not for data cut short: SLA520)
                blank = first is None and self.span is None and self.part is None
            mark, seq_start = len(self.diagnostics), seq
            if self.span is not None:                  # a byte range of one file
                start, end, first_line = self.span
                numbered = enumerate(range_lines(lines, start, end), first_line)
            elif self.part is not None:                # the leads of one partition
                numbered = owned_lines(lines, *self.part)
            else:
                numbered = enumerate(lines, 1)
            if self.only is not None:                  # reading again: only the lines asked for
                only = self.only
                numbered = (item for item in numbered if item[0] in only)
            for lineno, raw in numbered:
                try:
                    obj = loads(raw)
                except decode_error as exc:
                    if (not peeked and seq == seq_start and len(self.diagnostics) == mark and not self.pending
                            and not after and raw.lstrip(_JSON_SPACE + _BOM)[:1] == b"["):
                        self._array(source, index, lineno)      # a stream: its first line that is not blank
                        return
                    obj = self._recover(raw, exc, name, lineno)
                    if obj is _NOTHING:                         # blank, or reported
                        continue
                if obj.__class__ is not dict_:
                    self.diagnostics.append(_diag(
                        codes.MALFORMED_EVENT, f"expected a JSON object, found {_kind(obj)}",
                        name, lineno, 1, _JSON_LINES_HINT if obj.__class__ is list else None))
                    continue
                # SLA511: every key of compact JSON is followed by `":`; more of those than
                # keys (besides those of `fields`) means a nested object, a `":` in a text or
                # a repeated key. (A key repeated with a space before its colon is not seen:
                # looking for `" :` too would cost as much again on every line.)
                extra = colons(raw, b'":') - len(obj)
                if extra:
                    fields = obj.get("fields")
                    if fields.__class__ is not dict_ or extra != len(fields):
                        self.repeated(raw, obj, name, lineno)
                lead = pop(obj, "lead", None)
                at = pop(obj, "at", None)
                typ = pop_type(obj, "type", None)
                state = pop(obj, "state", None)
                if state is not None and typ != "state":
                    obj["state"] = state        # §4: any other event's `state` is a property
                    state = None
                eid = pop(obj, "id", None)
                fields = pop(obj, "fields", None)
                if (lead.__class__ is str and lead and typ.__class__ is str and typ
                        and at.__class__ is str
                        and (eid is None or eid.__class__ is str and eid)
                        and (fields is None or fields.__class__ is dict_)
                        and (state is None or state.__class__ is str)
                        and (state or typ != "state")):
                    try:
                        us = hours[at[cut1]] + minutes[at[cut2]] + tails[at[cut3]]
                    except KeyError:
                        try:
                            us = slow_us(at)
                        except ValueError:
                            us = None
                        if clock.shifted:
                            self.shifts(name, lineno, us, raw, lead=lead)
                    if us is None:
                        problems, _, _ = _check_event(lead, at, typ, state, eid, fields, clock)
                        self.problems(problems, name, lineno, raw, keys=obj, lead=lead)
                        continue
                else:
                    problems, us, eid = _check_event(lead, at, typ, state, eid, fields, clock)
                    if clock.shifted:
                        self.shifts(name, lineno, None if problems else us, raw, lead=lead)
                    if problems:
                        self.problems(problems, name, lineno, raw, keys=obj, lead=lead)
                        continue
                if eid is not None and first_use(eid, base | lineno if base else lineno) is not None:
                    self.duplicate(eid, name, lineno, content=event_content(lead, us, typ, state, fields, obj),
                                   lead=lead)
                    continue
                if dotted in raw:                       # `"fields.score": 95`, the CSV spelling
                    self.dotted(raw, obj, name, lineno, lead)
                if obj and (fields is None or eid is None) and not plain.issuperset(obj):
                    self.slips(obj, raw, name, lineno, fields is None, eid is None, lead)   # SLA521: `field`
                if as_of is not None and us > as_of:
                    after += 1
                    if after == 1:
                        after_first = lineno
                    continue
                yield new(record, (us, seq, lead, typ, state or None, fields or None,
                                   obj or {}, eid,      # (an emptied dict keeps its size)
                                   eid or (LineRef(prefix + str(lineno)) if prefix else LineRef(lineno)),
                                   index, lineno))
                seq += 1
            self._damaged(lines, name)
            self.seq = seq
            if (not peeked or blank) and seq == seq_start and not after and len(self.diagnostics) == mark \
                    and not self.pending:
                self.empty(name)                        # one reader of it all: no line but blank ones
            if self.late is not None:           # a partition: the caller adds up the counts
                self.late[index] = (after, after_first)
            elif after:
                self.after_as_of(after, after_first, name)
            self._judge(name)

    def _array(self, source: _Source, index: int, line: int, under: str | None = None, objects: int = 0) -> None:
        """SLA514 for a JSON Lines input that holds one JSON array (once: by the reader of
        its first line, when it is read in parts), or one object with the events in an array
        under the key ``under`` (an API response: `{"results": [...]}`), or ``objects``
        indented JSON objects one after another (`json.dumps(indent=2)` of each)."""
        if self.late is not None:
            self.late[index] = (0, 0)
        if not self._first_reader():
            return
        if objects:
            what = ("an indented JSON object" if objects == 1 else
                    f"{objects:,} indented JSON objects one after another")
            path = "."
        elif under is None:
            what, path = "a JSON array (it starts with `[`)", ".[]"
        else:
            what, path = f"one JSON object with the events in an array under `{under}` (an API response)", \
                f".{_jq_key(under)}[]"
        self.diagnostics.append(_diag(
            codes.JSON_ARRAY_FILE, f"the file holds {what}, not JSON Lines, one event object a line: none of its "
            "events is read", source.name, line, 1, f"convert it with `jq -c '{path}' FILE > events.jsonl`"))

    def _first_reader(self) -> bool:
        """Whether this reader reads a file's first line (the one to report what is said
        of the whole file, when processes read it in parts)."""
        return (self.span is None or self.span[0] == 0) and (self.part is None or self.part[0] == 0)

    def skipped(self, source: _Source, index: int) -> Iterator[Record]:
        """SLA518 for a file of a folder that is not read (no event file's name, a link to a
        folder, not a regular file): no record."""
        self.marks.append(len(self.diagnostics))
        if os.path.isdir(source.name):
            target, here = os.path.realpath(source.name), os.path.realpath(os.path.dirname(source.name))
            up = os.path.commonpath([target, here]) == target        # back to its own folder or above
            self.diagnostics.append(_diag(
                codes.FILE_NOT_READ, "not read: a link to a folder (links to folders inside a folder of "
                "events are not followed: one could lead back up, or to files named already)", source.name,
                1, 1, f"leave the link out: it leads back up to {target}" if up else
                f"name the folder it points to on its own ({target}), or put its files in this folder"))
            return iter(())
        if not os.path.exists(source.name):          # a link to nothing: a day's export lost?
            self.diagnostics.append(_diag(
                codes.FILE_NOT_READ, f"not read: {_dangling_words(source.name)}", source.name, 1, 1,
                "its events are not in this run: restore the file it points to, or remove the link"))
            return iter(())
        if os.path.exists(source.name) and not os.path.isfile(source.name):
            self.diagnostics.append(_diag(
                codes.FILE_NOT_READ, "not read: not a regular file (a named pipe, a device or a socket, "
                "which reading could wait on forever)", source.name, 1, 1,
                "name it on its own to read it (`slacode check SPEC PIPE`), or move it out of the folder"))
            return iter(())
        packed = unread_compression(source.name)
        if packed is not None:                      # renamed, its bytes would be read as text
            kind, command = packed
            self.diagnostics.append(_diag(
                codes.FILE_NOT_READ, f"not read: compressed with {kind}, which slacode does not read (it reads "
                "gzip, .gz, and plain text)", source.name, 1, 1,
                f"decompress it in the folder (`{command}`), or keep it out of the folder"))
            return iter(())
        kind = os.path.splitext(source.name)[1].lower()
        also = (" (a comma-separated file as .csv, one with tabs as .csv read with --csv-delimiter tab)"
                if kind in (".tsv", ".txt", ".tab") else "")
        self.diagnostics.append(_diag(
            codes.FILE_NOT_READ, "not read: the name of this file of the folder is no event file's (.jsonl, "
            ".ndjson, .json or .csv, each also .gz)", source.name, 1, 1,
            f"rename it{also}, or move it out of the folder; a file named on its own is read with "
            "--input-format jsonl|csv"))
        return iter(())

    def empty(self, name: str) -> None:
        """SLA515 for an input with no line at all."""
        self.diagnostics.append(_diag(codes.EMPTY_EVENTS_FILE, "the input holds no events (it is empty, or only blank lines)", name, 1, 1,
                                      "check the export that made it"))

    def _recover(self, raw: bytes, exc: Exception, name: str, lineno: int):
        """The value of a line orjson refused, when it only had a BOM before it (a file's
        start, or files joined with `cat`): any JSON value, `null` too, which the caller
        judges; :data:`_NOTHING` for a blank line or one reported here."""
        if not raw.strip(_JSON_SPACE):
            return _NOTHING
        if raw.startswith(_BOM):
            try:
                return orjson.loads(raw[3:])
            except orjson.JSONDecodeError as again:
                exc, raw = again, raw[3:]
                if not raw.strip(_JSON_SPACE):
                    return _NOTHING
        self.bad_json(raw, exc, name, lineno)
        return _NOTHING

    # -- CSV -----------------------------------------------------------------------------

    def csv(self, source: _Source, index: int) -> Iterator[Record]:
        """Records of one CSV source (:mod:`slacode.events_csv`)."""
        from slacode.events_csv import read_csv

        self.marks.append(len(self.diagnostics))
        with _lines_of(source) as lines:
            yield from read_csv(self, lines, index, source.name, source.csv)
            self._damaged(lines, source.name)
        self._judge(source.name)

    def _damaged(self, lines: Any, name: str) -> None:
        """SLA520 when a compressed file's data stopped short of its end (:func:`_gzip_file`):
        its lines before that were read, the rest of the file could not be."""
        damage = getattr(getattr(lines, "inner", lines), "damage", None)
        if damage is None:
            return
        line = getattr(lines, "inner", lines).newlines + 1
        text = str(damage)
        if isinstance(damage, _ChecksumError):     # every line came: which is wrong cannot be known
            self.diagnostics.append(_diag(
                codes.DAMAGED_COMPRESSED, "the file's gzip data fails its checksum: every line of it was read, "
                "but some may be damaged", name, 1, 1,
                "download or copy the export again; `gzip -t FILE` tells whether a file is whole"))
            return
        if isinstance(damage, EOFError):
            what = "ends before its end (the file was cut short: a download or a copy that stopped)"
            hint = "download or copy the export again; `gzip -t FILE` tells whether a file is whole"
        elif text.startswith("Not a gzipped file"):
            what = "is followed by bytes that are not gzip data"
            hint = ("the file has something after its compressed events (two files joined, or padding): "
                    "`gzip -t FILE` says so; decompress it with `zcat FILE > events.jsonl` and look at its end")
        else:
            what = f"is damaged ({text})"
            hint = "download or copy the export again; `gzip -t FILE` tells whether a file is whole"
        read = (f"the lines before line {line:,} were read, the rest of the file could not be" if line > 1
                else "no line of it could be read")
        self.diagnostics.append(_diag(codes.DAMAGED_COMPRESSED, f"the file's gzip data {what}: {read}",
                                      name, line, 1, hint))


def iter_records(sources: Any, *, input_format: str | None = None,
                 default_tz: tzinfo | str | None = None, diagnostics: list,
                 as_of_us: int | None = None, ids: IdTable | SpilledIds | None = None,
                 as_of_zone: tzinfo | None = None, csv_delimiter: str | None = None,
                 csv_columns: Any = None, timestamp_formats: Any = None, type_map: Any = None) -> Iterator[Record]:
    """Stream the records of event files, in input order (source order, then line).

    ``sources``: paths (``str``/``Path``), ``"-"`` for standard input, or open streams
    (binary or text; named in diagnostics and refs by their ``name_for_refs`` attribute, else
    their ``name`` when it is text, else ``"<stream>"``); a single path is accepted too.
    The format comes from ``input_format`` (``"jsonl"`` or ``"csv"``) when given, else from
    the extension (``.jsonl``, ``.ndjson``, ``.json`` →
    JSON Lines, ``.csv`` → CSV, optionally followed by ``.gz``); standard input and streams
    without a known extension are JSON Lines. Every unusable line appends a diagnostic to
    ``diagnostics`` and is skipped. Ids are judged across all sources (the first wins);
    events later than ``as_of_us`` are left out and counted, one ``info`` per source.
    ``ids`` is the table of ids to judge them with (default: a new exact :class:`IdTable`;
    a :class:`SpilledIds` keeps memory flat, and its ``repeats()`` then says whether the
    read must be done again with an exact table). ``as_of_zone``: the zone the count of
    events after ``as_of`` writes it in (the agreement's; default UTC). ``csv_delimiter``
    and ``csv_columns``: how to read CSV exports, and ``timestamp_formats``: how to read
    timestamps that are not RFC 3339, as :func:`read_events` takes them; ``type_map`` too (a
    type map naming a type no event had: SLA522 at the end).

    Raises :class:`EventInputError` at once for an unknown format or an unreadable file
    (and while iterating if a file fails to read, or a CSV column mapping clashes with a
    column of the file).
    """
    reader, resolved = _open(sources, input_format, default_tz, diagnostics, as_of_us, ids, as_of_zone,
                             csv_options_of(csv_delimiter, csv_columns), timestamp_formats, type_map)
    return _iterate(reader, resolved)


def csv_options_of(csv_delimiter: str | None = None, csv_columns: Any = None):
    """The :class:`slacode.events_csv.CsvOptions` of a delimiter and column mappings (None:
    standard CSV, read without looking at options); ``ValueError`` for one that cannot be."""
    if csv_delimiter is None and csv_columns is None:
        return None
    from slacode.events_csv import csv_options

    return csv_options(csv_delimiter, csv_columns)


def resolve_sources(sources: Any, input_format: str | None = None, csv: Any = None) -> list[_Source]:
    """Each source's name, format and path (``EventInputError`` for an unreadable one);
    ``csv``: the CSV options (:func:`csv_options_of`) its CSV sources are read with."""
    if isinstance(sources, (str, os.PathLike)) or hasattr(sources, "read"):
        sources = [sources]
    fmt = None
    if input_format is not None:
        fmt = {"jsonl": "jsonl", "ndjson": "jsonl", "csv": "csv"}.get(input_format.lower())
        if fmt is None:
            raise EventInputError(f"unknown input format {input_format!r} (use jsonl or csv)")
    resolved = [_resolve(s, fmt, csv) for s in _expand_folders(sources)]
    seen: dict = {}
    for src in resolved:                    # the same file twice: every event would count twice
        key = _STDIN_NAME if src.path is None and src.stream is None else _file_key(src.path) \
            if src.path is not None else None
        if key is None:
            continue
        if key in seen:
            named = src.name if src.name == seen[key] else f"{seen[key]!r} and {src.name!r}"
            raise EventInputError(f"{named}: the same events are named twice (their events would "
                                  "count twice); name each file once")
        seen[key] = src.name
    return resolved


def source_names(sources: Any) -> list[str]:
    """The name each event source is cited by in diagnostics and refs, folders expanded
    into their files, in reading order: what :func:`iter_records` names them (the index of
    a record's ``source`` is into this list). ``EventInputError`` for a folder with no
    event files."""
    if isinstance(sources, (str, os.PathLike)) or hasattr(sources, "read"):
        sources = [sources]
    names = []
    for source in _expand_folders(sources):
        if isinstance(source, (str, os.PathLike)):
            name = os.fsdecode(os.fspath(source))
            names.append(_STDIN_NAME if name == "-" else name)
        else:
            raw = getattr(source, "name_for_refs", None) or getattr(source, "name", None)
            names.append(raw if isinstance(raw, str) else "<stream>")
    return names


def _expand_folders(sources) -> list:
    """``sources`` with each folder replaced by the event files in it and its subfolders
    (``.jsonl``, ``.ndjson``, ``.json``, ``.csv``, each optionally ``.gz``; hidden ones
    skipped), sorted by path: the order of same-instant ties is the order of the names."""
    out: list = []
    for source in sources:
        if not isinstance(source, (str, os.PathLike)) or not os.path.isdir(source):
            out.append(source)
            continue
        name = os.fsdecode(os.fspath(source))
        found, other = [], []
        for folder, subfolders, files in os.walk(name):
            subfolders[:] = [d for d in subfolders if not d.startswith(".")]
            # a link to a folder is not walked (it could lead back up, or to files named already): said
            other.extend(_SkippedFile(os.path.join(folder, d), "link") for d in subfolders
                         if os.path.islink(os.path.join(folder, d)))
            for f in files:
                if f.startswith("."):
                    continue
                path = os.path.join(folder, f)
                if format_of(f) is None:
                    if not _is_documentation(f):
                        other.append(_SkippedFile(path))
                elif not os.path.exists(path):          # a link to nothing (or a loop of links)
                    other.append(_SkippedFile(path, "dangling"))
                elif not os.path.isfile(path):          # a named pipe would be waited on
                    other.append(_SkippedFile(path, "special"))
                else:
                    found.append(path)
        if not found:
            seen = f" (it has {', '.join(sorted(_skipped_text(s, name) for s in other)[:3])}" \
                   f"{' …' if len(other) > 3 else ''})" if other else ""
            raise EventInputError(f"{name}: a folder with no event files in it{seen} (slacode reads its "
                                  ".jsonl, .ndjson, .json and .csv files, .gz too); name the files")
        out.extend(sorted(found, key=lambda f: f.split(os.sep)))
        # the other files are said (SLA518), not read: a day's export saved as `.tsv` is not lost unsaid
        out.extend(sorted(other, key=lambda s: s.path.split(os.sep)))
    return out


def _skipped_text(skipped: "_SkippedFile", folder: str) -> str:
    """A file of ``folder`` that is not read, as the folder's error names it."""
    what = {"link": ", a link to a folder", "special": ", not a regular file",
            "dangling": f", {_dangling_words(skipped.path)}"}.get(skipped.why, "")
    return os.path.relpath(skipped.path, folder) + what


#: compressed formats slacode does not read: first bytes, name, extension, the commands that
#: decompress a file named with the extension (beside it) and one named otherwise (to stdout)
_UNREAD_COMPRESSION = ((b"BZh", "bzip2", ".bz2", "bzip2 -dk", "bzip2 -dc"),
                       (b"\xfd7zXZ\x00", "xz", ".xz", "xz -dk", "xz -dc"),
                       (b"\x28\xb5\x2f\xfd", "zstd", ".zst", "zstd -d", "zstd -dc"),
                       (b"PK\x03\x04", "zip", ".zip", "unzip", "unzip -p"))


def unread_compression(name: str, head: bytes = b"") -> tuple[str, str] | None:
    """``(format, a command that decompresses it)`` of a file compressed in a format slacode
    does not read (bzip2, xz, zstd, zip), by its name or its first bytes ``head``; else None.
    A zip file is known by its name only: an .xlsx is zip data too, and no export."""
    lower = name.lower()
    for magic, kind, ext, beside, to_stdout in _UNREAD_COMPRESSION:
        if lower.endswith(ext):
            return kind, f"{beside} {name}"
        if (kind != "zip" and head.startswith(magic)
                and (kind != "bzip2" or head[3:4] != b"" and head[3:4] in b"123456789")):
            stem, dot, suffix = name.rpartition(".")
            plain = f"{stem}.plain.{suffix}" if dot and "/" not in suffix else f"{name}.plain"
            return kind, f"{to_stdout} {name} > {plain}"
    return None


def _dangling_words(path: str) -> str:
    """What a link that leads to no file is: ``a link to T, which does not exist``, or a
    loop of links."""
    try:
        target = os.readlink(path)
    except OSError:
        return "a file that is not there"
    try:
        os.stat(path)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return f"a link to {target}, in a loop of links that reaches no file"
    return f"a link to {target}, which does not exist"


def _is_documentation(name: str) -> bool:
    """A folder's notes (`README`, `*.md`): not read, and not said either."""
    lower = name.lower()
    return lower.startswith(("readme", "license", "changelog")) or lower.endswith((".md", ".rst"))


class _SkippedFile(NamedTuple):
    """A file of a folder of event files that is not read: its name is no event file's
    (``why`` "name"), it is a link to a folder ("link"), not a regular file ("special"), or
    a link to no file ("dangling")."""

    path: str
    why: str = "name"


def _file_key(path: str):
    """What names one file whatever the path to it (symbolic and hard links included)."""
    try:
        st = os.stat(path)
        return (st.st_dev, st.st_ino)
    except OSError:
        return os.path.realpath(path)


def _open(sources, input_format, default_tz, diagnostics, as_of_us, ids=None,
          as_of_zone=None, csv=None, formats=None, type_map: Any = None) -> tuple[_Reader, list[_Source]]:
    formats = _timestamp_formats(formats, default_tz)   # (checked before anything is read)
    pairs = type_map_pairs_of(type_map)
    resolved = resolve_sources(sources, input_format, csv)
    reader = _Reader(diagnostics, _zone(default_tz), as_of_us, multi=len(resolved) > 1, ids=ids,
                     as_of_zone=as_of_zone, formats=formats)
    reader.names = [s.name for s in resolved]
    reader.wide = {s.name: s.encoding for s in resolved if s.encoding is not None}
    reader.sources = resolved
    if pairs:
        from slacode.typemap import TypeRenamer

        reader.types = TypeRenamer(pairs)
    return reader, resolved


def type_map_pairs_of(type_map: Any) -> tuple:
    """The checked ``(ours, theirs)`` pairs of a type map (:func:`slacode.typemap.type_map_pairs`);
    ``()`` for None, without importing anything."""
    if type_map is None:
        return ()
    from slacode.typemap import type_map_pairs

    return type_map_pairs(type_map)


def iter_partition(sources: Any, k: int, n: int, *, input_format: str | None = None, as_of_zone=None,
                   default_tz: tzinfo | str | None = None, diagnostics: list,
                   as_of_us: int | None = None, ids: IdTable | SpilledIds | None = None,
                   timestamp_formats: Any = None, type_map: Any = None) -> tuple[_Reader, Iterator[Record]]:
    """:func:`iter_records` restricted to the leads of partition ``k`` of ``n`` (JSON Lines
    only; see :func:`owned_lines`). Events after ``as_of_us`` are counted in ``reader.late``
    (per source) instead of reported: the caller adds up the partitions. ``reader.seen`` holds
    the ids this partition used (``ids`` as in :func:`iter_records`), ``reader.marks`` where
    each source's diagnostics begin; with a ``type_map``, ``reader.types`` the types it saw
    (the caller adds them up and says the unseen ones)."""
    reader, resolved = _open(sources, input_format, default_tz, diagnostics, as_of_us, ids, as_of_zone,
                             formats=timestamp_formats, type_map=type_map)
    if any(s.fmt != "jsonl" for s in resolved):
        raise ValueError("partitioned reading needs JSON Lines sources")
    reader.part, reader.late = (k, n), {}
    return reader, _iterate(reader, resolved)


def iter_range(path: str, start: int, end: int, first_line: int, *, input_format: str | None = None,
               as_of_zone=None,
               default_tz: tzinfo | str | None = None, diagnostics: list,
               as_of_us: int | None = None, ids: IdTable | SpilledIds | None = None,
               timestamp_formats: Any = None, type_map: Any = None) -> tuple[_Reader, Iterator[Record]]:
    """:func:`iter_partition` for the lines of one plain JSON Lines file between two byte
    offsets (line starts); ``first_line`` is the number of the line at ``start``."""
    reader, resolved = _open([path], input_format, default_tz, diagnostics, as_of_us, ids, as_of_zone,
                             formats=timestamp_formats, type_map=type_map)
    if resolved[0].fmt != "jsonl" or resolved[0].gzip or resolved[0].encoding is not None:
        raise ValueError("range reading needs a plain JSON Lines file")
    reader.span, reader.late = (start, end, first_line), {}
    return reader, _iterate(reader, resolved)


def _first_byte(handle) -> tuple[bytes | None, int]:
    """An open file's first byte that is not blank (`[` for a JSON array, not JSON Lines)
    and its line; ``b""`` if the file holds nothing else, None if its first 4 KB are blank.
    The file is left at its start."""
    head = handle.read(4096)
    handle.seek(0)
    rest = head.lstrip(_JSON_SPACE + _BOM)
    line = head[:len(head) - len(rest)].count(b"\n") + 1
    return (rest[:1] if rest or len(head) < 4096 else None), line


@contextmanager
def _lines_of(source: _Source) -> Iterator[Iterable[bytes]]:
    """The lines (bytes) of one source, open for the duration of the block."""
    if source.path is None:
        try:
            lines = _binary_lines(source.stream if source.stream is not None else sys.stdin)
            if source.gzip:                 # (found by its first bytes: streams have no `.gz`)
                lines = _gzip_file(fileobj=source.stream)
                wide = _wide_inside(lines)
                if wide is not None:
                    lines = _Recoded(lines, wide, owned=False)
            elif source.encoding is not None:
                lines = _Recoded(source.stream, source.encoding, owned=False)
            try:
                yield lines
            finally:
                if lines.__class__ is _Recoded:
                    lines.close()       # (detached: the stream stays open)
        except _READ_ERRORS as exc:
            raise _read_error(source.name, exc) from None
        return
    try:
        if source.gzip:
            handle = _gzip_file(source.path)
            wide = _wide_inside(handle)
            if wide is not None:            # UTF-16 text, compressed
                handle = _Recoded(handle, wide)
        else:
            handle = open(source.path, "rb")
        if source.encoding is not None:
            handle = _Recoded(handle, source.encoding)
    except _READ_ERRORS as exc:
        raise _read_error(source.name, exc) from None
    try:
        with handle:
            yield handle
    except _READ_ERRORS as exc:  # raised while the block read the file
        raise _read_error(source.name, exc) from None


@contextmanager
def file_lines(path: str) -> Iterator[Iterable[bytes]]:
    """The lines of an event file as the readers see them (gzip data, by its name or its
    first bytes, decompressed; UTF-16 and UTF-32 text as UTF-8), open for the block: for
    showing a line a diagnostic points at. ``OSError`` if it cannot be read."""
    with open(path, "rb") as handle:
        head = handle.read(4)
    packed, encoding = _what_bytes_say(head, path)
    with _lines_of(_Source(path, "jsonl", path, None, packed, 0, None, encoding)) as lines:
        yield lines


def _read_error(name: str, exc: BaseException) -> EventInputError:
    detail = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    message = f"{name}: cannot read: {detail}"
    return _file_error(exc, message) if isinstance(exc, OSError) else EventInputError(message)


def _iterate(reader: _Reader, sources: list[_Source]) -> Iterator[Record]:
    """The records of every source in turn (one generator per source, chained in C); with
    a type map, then the types it names that no event had (SLA522), unless the read is one
    part of the input (a partition's caller says them for all parts)."""
    each = ((reader.jsonl if source.fmt == "jsonl" else reader.csv if source.fmt == "csv" else reader.skipped)(
        source, index) for index, source in enumerate(sources))
    if reader.types is not None and reader.part is None and reader.span is None:
        each = chain(each, (_unseen_types(reader),))
    return chain.from_iterable(each)


def _unseen_types(reader: _Reader) -> Iterator[Record]:
    """No record: at the end of a whole read, SLA522 for each type of the type map that no
    event had (:func:`slacode.typemap.unseen_diagnostics`), after every source's own."""
    from slacode.typemap import unseen_diagnostics

    types = reader.types
    found = unseen_diagnostics(types.pairs, types.seen, types.others)
    if found:
        reader.marks.append(len(reader.diagnostics))     # (a block of their own, after the sources')
        reader.diagnostics.extend(found)
    return
    yield


def _zone_written(as_of, default_tz) -> tzinfo | None:
    """The zone the caller wrote ``as_of`` in (its own zone or offset, else ``default_tz``),
    for the count of events after it; ``None``: UTC."""
    from slacode.timestamps import _zone, written_zone

    if isinstance(as_of, str):
        return written_zone(as_of, default_tz)
    if isinstance(as_of, datetime) and as_of.utcoffset() is not None:
        return as_of.tzinfo
    return _zone(default_tz)


def read_events(sources: Any, *, input_format: str | None = None,
                default_tz: tzinfo | str | None = None, as_of: Any = None,
                as_of_us: int | None = None, as_of_zone: tzinfo | None = None,
                csv_delimiter: str | None = None, csv_columns: Any = None,
                timestamp_formats: Any = None, type_map: Any = None) -> EventBatch:
    """The :class:`EventBatch` of ``sources``: every usable event's record, and a
    diagnostic for every line that is not used.

    ``sources``: a path, ``"-"`` for standard input, an open stream, a folder (its event
    files), or a list of them, read in that order (ids are judged across all of them). The
    format comes from each name (``.jsonl``, ``.ndjson``, ``.json``, ``.csv``, each may end in
    ``.gz``) or ``input_format``. ``default_tz``: the zone of timestamps written without an
    offset. ``as_of`` (an aware datetime or RFC 3339 text, as :meth:`Agreement.evaluate`
    takes it; or ``as_of_us``, epoch microseconds, see :func:`parse_timestamp`): events
    later than it are counted (one ``info`` a file) and left out; ``as_of_zone`` is the zone
    that count writes it in (by default as the caller wrote ``as_of``: a datetime's own zone,
    the text's offset, else ``default_tz``).

    CSV exports written otherwise (an extension): ``csv_delimiter`` separates the cells
    (``";"``, ``"|"``, ``"\\t"`` or ``"tab"``; default ``","``), and ``csv_columns``
    (``{"lead": "Lead ID", "at": "Created Date"}``, or pairs) reads a column of the file
    under a name slacode knows (`lead`, `at`, `type`, `id`, `state`, `fields.X`, a
    property). They apply to the CSV sources (standard input and unnamed streams are then
    CSV unless ``input_format`` says); ``ValueError`` for one that cannot be read.

    Timestamps that are not RFC 3339 (an extension): ``timestamp_formats``, a format or a
    list of them, tried in order after RFC 3339 for a value it refuses: a strptime format
    (``"%m/%d/%Y %I:%M %p"``, read in ``default_tz`` when it has no ``%z``), ``"epoch-ms"`` or
    ``"epoch-s"`` (a JSON number, or a text of digits), ``"iso8601"`` (``±HHMM`` or ``±HH``
    offsets, no seconds, a space for ``T``); ``ValueError`` for one that cannot be.

    Event types of another system (an extension): ``type_map`` reads an event whose type is
    THEIRS as type OURS, for JSON Lines and CSV alike: a mapping ``{"state": "Status Change",
    "contact_attempt": ["Call", "Email"]}``, pairs ``(ours, theirs)`` or ``"OURS=THEIRS"``
    texts. An event read as `state` enters the state of its `state` key (column). A THEIRS
    no event had gives SLA522 at the end; ``ValueError`` for a map that cannot be read (a
    THEIRS given twice, a type mapped to itself).

    Raises :class:`EventInputError` for an input that cannot be read at all (a missing
    file, an unknown format, a column mapping to a name the file has a column of)."""
    from slacode._collector import paused_gc

    if as_of is not None:
        if as_of_us is not None:
            raise TypeError("give as_of or as_of_us, not both")
        from slacode.evaluate import public_as_of

        as_of_us = public_as_of(as_of, default_tz)
        if as_of_zone is None:
            as_of_zone = _zone_written(as_of, default_tz)
    diagnostics: list[Diagnostic] = []
    reader, resolved = _open(sources, input_format, default_tz, diagnostics, as_of_us, None, as_of_zone,
                             csv_options_of(csv_delimiter, csv_columns), timestamp_formats, type_map)
    records = _iterate(reader, resolved)
    # Records hold dicts, so the cyclic collector would scan the growing list again and
    # again while it is built (nearly halving the speed); nothing read here forms a cycle.
    with paused_gc():
        kept = list(records)
    # in the order of the inputs given, then lines (a file's count of events after as_of is
    # found at its end, and cited at its first such line); by input, not by name: two
    # streams without a name are both `<stream>`
    marks = reader.marks + [len(diagnostics)]
    by_place = [d for k in range(len(marks) - 1)
                for d in sorted(diagnostics[marks[k]:marks[k + 1]], key=_line_column)]
    return EventBatch(kept, diagnostics[:marks[0]] + by_place, tuple(s.name for s in resolved))


def _line_column(d: Diagnostic) -> tuple[int, int]:
    return (d.line or 0, d.column or 0)


def records_from_objects(events: Iterable[Mapping[str, Any] | Event], *,
                         default_tz: tzinfo | str | None = None, diagnostics: list,
                         as_of_us: int | None = None, as_of_zone: tzinfo | None = None,
                         sources: tuple[str, ...] = (), timestamp_formats: Any = None,
                         type_map: Any = None, whole_input: bool = True, caller: str = "evaluate") -> list[Record]:
    """Records of events given as dicts or :class:`Event` objects (the library's input).

    Dicts follow the JSON Lines rules (``at`` may also be an aware ``datetime``); they are
    not modified. Refs of events without an id, and diagnostic lines, are 1-based positions
    (diagnostics have no file). Duplicate ids and ``as_of_us`` work as in
    :func:`iter_records` (one ``info`` for all events after ``as_of_us``). ``sources``: the
    names of the files that records of :func:`read_events` among the events come from (an
    :class:`EventBatch`'s), to name the file of the first event after ``as_of_us``.

    ``timestamp_formats`` and ``type_map``: as :func:`read_events` takes them, checked
    alike, for the events not read yet (the formats read the ``at`` of dicts and mappings;
    an :class:`Event`'s is a datetime already; the map renames the type of dicts, mappings
    and :class:`Event` objects alike, before anything else looks at it). A record of
    :func:`read_events` was read when it was made, with that call's options, and is taken
    as it is: one whose type the map reads as another was evidently read without it, a
    ``ValueError`` that says where the map belongs. With ``whole_input`` (the events are a
    whole input, not a service's one lead) and no record among the events, SLA626 at the
    end for each type of the map that no event had, as :func:`read_events` says it.
    ``caller``: the function the caller called, which the ``TypeError`` of an event that is
    no event (a path, a text) names, with that function's way to read files.
    """
    # the events are in memory already (their ids too): a plain dict is the fastest table
    seen: dict[str, int] = {}
    formats = _timestamp_formats(timestamp_formats, default_tz)
    pairs = () if type_map is None else type_map_pairs_of(type_map)
    reader = _Reader(diagnostics, _zone(default_tz), as_of_us, multi=False, ids=seen, as_of_zone=as_of_zone,
                     formats=formats)
    as_of = as_of_us
    clock = reader.clock
    clock_us = clock.us
    hours, minutes, tails = clock.hours, clock.minutes, clock.tails
    cut1, cut2, cut3 = _CUTS
    pop, dict_, str_, record_, text_keys = dict.pop, dict, str, Record, _text_keys
    innocent = reader.plain.issuperset      # (the set itself learns: see _Reader.slips)
    # with a type map (an extension), a `pop` that renames the type (as the JSON Lines reader's)
    renamer = _renamer(pairs) if pairs else None
    pop_type = pop if renamer is None else renamer.popper()
    read_before = 0                         # records among the events (taken as they are)
    out: list[Record] = []
    # the events after as_of, per place to name: a source file of read_events (by index),
    # else None (positions, or lines of records whose file is not known) -> [count, first, ref]
    late: dict[int | None, list] = {}
    for position, event in enumerate(events, 1):
        if event.__class__ is record_:      # read before (read_events): checked then, keeps its reference
            us, lead, typ, state, fields, props, eid = (event.at, event.lead, event.type, event.state,
                                                        event.fields, event.props, event.id)
            ref, source, line = event.ref, event.source, event.line
            if renamer is not None:
                read_before += 1
                _read_without(renamer, typ, position)
        else:
            if event.__class__ is dict_:    # the usual input: one copy, the reserved keys popped
                props = event.copy()
                lead = pop(props, "lead", None)
                at = pop(props, "at", None)
                typ = pop_type(props, "type", None)
                state = pop(props, "state", None)
                if state is not None and typ != "state":
                    props["state"] = state          # §4: any other event's `state` is a property
                    state = None
                eid = pop(props, "id", None)
                fields = pop(props, "fields", None)
            elif isinstance(event, Event):
                lead, at, typ, state, eid, fields = (event.lead, event.at, event.type, event.state,
                                                     event.id, event.fields)
                if renamer is not None:
                    typ = renamer.rename(typ)
                props = dict(event.model_extra or ())
                if state is not None and typ != "state":
                    props, state = {**props, "state": state}, None
            else:
                mapped = event if isinstance(event, Mapping) else _mapping_of(event, position, caller)
                if mapped is None:          # a JSON value that is no object (a list, a number, null)
                    diagnostics.append(_diag(codes.MALFORMED_EVENT,
                                             f"event {position} is {_kind(event)}, not a dict, Event or record",
                                             None, position))
                    continue
                get = mapped.get
                lead, at, typ, state, eid, fields = (get("lead"), get("at"), get("type"),
                                                     get("state"), get("id"), get("fields"))
                if renamer is not None:
                    typ = renamer.rename(typ)
                props = {k: v for k, v in mapped.items() if k not in _RESERVED}
                if state is not None and typ != "state":
                    props, state = {**props, "state": state}, None
            if fields is not None and fields.__class__ is not dict_ and isinstance(fields, Mapping):
                fields = dict(fields)           # a read-only or ordered mapping of a caller's payload
            us = None
            if (lead.__class__ is str_ and lead and typ.__class__ is str_ and typ          # the usual event
                    and at.__class__ is str_ and (eid is None or eid.__class__ is str_ and eid)
                    and (fields is None or fields.__class__ is dict_ and text_keys(fields))
                    and (state is None or state.__class__ is str_) and (state or typ != "state")):
                try:
                    us = hours[at[cut1]] + minutes[at[cut2]] + tails[at[cut3]]
                except KeyError:
                    try:
                        us = clock_us(at)
                    except ValueError:
                        pass
                    if clock.shifted:
                        reader.shifts(None, position, us, what="position", lead=lead)
            if us is None:                  # anything else: _check_event says what is wrong, or converts
                # text of a str subclass (a StrEnum event type, a typed id) is its text
                lead, at, typ, state, eid = (str.__str__(v) if isinstance(v, str) and v.__class__ is not str_ else v
                                             for v in (lead, at, typ, state, eid))
                if isinstance(at, datetime) and clock.tz is None and at.utcoffset() is None:
                    raise MissingOffsetError(_naive_message(position, at))
                problems, us, eid = _check_event(lead, at, typ, state, eid, fields, reader.clock)
                if clock.shifted:
                    reader.shifts(None, position, None if problems else us, what="position", lead=lead)
                if problems:
                    for p in problems:
                        diagnostics.append(_diag(p.code, f"event {position}: {p.message}", None,
                                                 position, 1, p.hint, lead))
                    continue
            ref, source, line = eid or PositionRef(position), 0, position
            # keys not all known innocent (text that misspells no reserved key, not `fields.X`):
            # one set test for the usual event
            if props and not innocent(props) and reader.keys_of(
                    props, position, fields is None, eid is None, lead):
                continue                    # SLA507: a key that is not text
        if eid is not None:
            if eid in seen:
                first = seen[eid]
                known = _object_content(events, first, default_tz, formats, pairs)
                content = event_content(lead, us, typ, state, fields, props)
                if known is not None and known == content:
                    diagnostics.append(reader._repeat(eid, None, position, first, "position", lead))
                else:
                    diagnostics.append(reader._clash(eid, None, position, first, "position",
                                                     None if known is None else content_difference(known, content),
                                                     lead))
                continue
            seen[eid] = position
        if as_of is not None and us > as_of:
            if event.__class__ is record_ and line and 0 <= source < len(sources):
                key, first = source, (line, None)       # a record read from a file: its line there
            else:
                key, first = None, ((line, ref) if event.__class__ is record_ and line else (position, None))
            count = late.get(key)
            if count is None:
                late[key] = [1, *first]
            else:
                count[0] += 1
            continue
        out.append(_new_record(Record, (us, len(out), lead, typ, state or None, fields or None,
                                        props, eid, ref, source, line)))
    # one info per file, as `slacode check` says it of the files it reads; a record whose file
    # is not known is cited as its evidence is (its id, else its line)
    for key in sorted(late, key=lambda k: (k is None, k or 0)):
        count, first, ref = late[key]
        if key is not None:
            reader.after_as_of(count, first, sources[key])
        else:
            reader.after_as_of(count, first, None, what="position" if ref is None else f"event {ref!r}, line")
    if renamer is not None and whole_input and not read_before:
        from slacode.typemap import unseen_diagnostics      # SLA522, as at the end of a whole read

        diagnostics.extend(unseen_diagnostics(pairs, renamer.seen, renamer.others))
    return out


def _renamer(pairs: tuple):
    """The :class:`~slacode.typemap.TypeRenamer` of a type map's (checked) pairs."""
    from slacode.typemap import TypeRenamer

    return TypeRenamer(pairs)


def _read_without(renamer, typ: Any, position: int) -> None:
    """Refuse a record (read before, by :func:`read_events`) whose type ``typ`` the type map
    given now reads as another: it was read without that map (a type that is also the
    map's OURS, `b` of ``a=b`` with ``b=c``, may be a renamed one, and passes)."""
    ours = renamer.table.get(typ)
    if ours is None or any(typ == other for other, _ in renamer.pairs):
        return
    raise ValueError(f"event {position} is a record of slacode.read_events of type {typ!r}, which type_map reads "
                     f"as {ours!r}: records were read when read_events made them, and this one without the map; "
                     f"give type_map to read_events (read_events(path, type_map=...)), whose records are then "
                     f"read through it")


#: What the library reads an event from, said by the errors of other objects.
_TAKES = ("evaluate takes events as dicts (or any Mapping), slacode.Event objects, records of "
          "slacode.read_events, pydantic models (read with model_dump()) or dataclass instances")


def _mapping_of(event: Any, position: int, caller: str = "evaluate") -> Mapping[str, Any] | None:
    """The keys of an event given as an object of the caller's own (``events`` of the
    library): a pydantic model's ``model_dump()``, a dataclass instance's fields (shallow:
    the values themselves); None for a JSON value that is no object (a list, a number,
    ``None``: what parsing a bad line gives, reported as such). Any other object (a text,
    a path, a tuple, an object of some class) is a mistake of the calling code: ``TypeError``."""
    if event is None or isinstance(event, (list, bool, int, float)):
        return None
    if isinstance(event, (str, os.PathLike)):     # a caller's slip, not a datum: say so at once
        if isinstance(event, str) and event.lstrip().startswith("{"):
            advice = "parse each JSON line first (json.loads), or read a file with slacode.read_events"
        elif caller != "evaluate":              # (no variant of its own that reads files)
            advice = (f"for event files read them first: {caller}(agreement, slacode.read_events([path]), …), "
                      f"with no events of other kinds beside them")
        else:
            advice = ("for event files use agreement.evaluate_many([path], …) or slacode.read_events(path), "
                      "with no events of other kinds beside them")
        raise TypeError(f"event {position} is text ({str(event)[:60]!r}), not an event: {caller} takes "
                        f"events (dicts, Event objects or records); {advice}")
    if not isinstance(event, type):
        dump = getattr(event, "model_dump", None)
        if callable(dump):
            dumped = dump()
            if isinstance(dumped, Mapping):
                return dumped
        if dataclasses.is_dataclass(event):
            return {f.name: getattr(event, f.name) for f in dataclasses.fields(event)}
    advice = ""
    if isinstance(event, tuple) and hasattr(event, "_asdict"):
        advice = "; give event._asdict() for a named tuple"
    raise TypeError(f"event {position} is a {type(event).__module__}.{type(event).__qualname__}, not an event: "
                    f"{_TAKES}{advice}")


def _naive_message(position: int, at: datetime) -> str:
    return (f"event {position}: 'at' is a datetime without a time zone ({at.isoformat()}): give an aware "
            f"datetime (tzinfo=ZoneInfo(\"America/Sao_Paulo\") or timezone.utc), or name the zone such "
            f"times are in with default_tz=")


def _object_content(events, position: int, default_tz, formats: tuple = (), pairs: tuple = ()) -> tuple | None:
    """:func:`event_content` of the event at 1-based ``position`` of the library's
    ``events``, read again as it was (``formats``, ``pairs``: the read's timestamp formats
    and type map; None when they cannot be: an iterator)."""
    if not isinstance(events, (list, tuple)):
        return None
    (r,) = records_from_objects([events[position - 1]], default_tz=default_tz, diagnostics=[],
                                timestamp_formats=formats, type_map=pairs, whole_input=False)
    return event_content(r.lead, r.at, r.type, r.state, r.fields, r.props)
