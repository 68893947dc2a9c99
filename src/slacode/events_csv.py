"""Events in CSV (LANGUAGE.md §4): the header names the columns (`lead`, `at`, `type`,
optional `id` and `state`; `fields.X` updates lead field X; any other column is an event
property), and a cell that is a whole JSON number is read as a number.

Broken rows are reported where they are and the reading goes on: a row with the wrong
number of cells, a stray or missing quote (the lines a runaway quoted cell swallowed are
read again as rows of their own when they look like events), a line that is not UTF-8.
:class:`slacode.events._Reader` calls :func:`read_csv` for each CSV source.
"""
from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from slacode.events import (_BOM, _CUTS, _LINE_BITS, EventInputError, MissingOffsetError, Record, _bytes_hint,
                            _check_event, _diag, _new_record, _Reader, codes, event_content, misnamed_key,
                            reserved_slip)
from slacode.refs import LineRef

# §4: in CSV, `fields.X` columns update lead fields; a column named just `fields` is a property
_CSV_RESERVED = frozenset(("lead", "at", "type", "state", "id"))


class CsvOptions(NamedTuple):
    """How to read CSV files that are not written the standard way (an extension): the cell
    ``delimiter``, and ``columns``, pairs ``(name, header)``: read the column named
    ``header`` in the file as the column ``name`` (`lead`, `at`, `fields.X`, a property);
    ``delimiter_given``: the delimiter was named (`--csv-delimiter`, ``csv_delimiter=``), so
    every CSV file is read with it and no other separator is looked for (SLA519 is for files
    read without one named)."""

    delimiter: str = ","
    columns: tuple[tuple[str, str], ...] = ()
    delimiter_given: bool = False


#: the delimiters by name, as a shell passes them (`\t` as two characters included)
_DELIMITER_NAMES = {"tab": "\t", "\\t": "\t", "comma": ",", "semicolon": ";", "pipe": "|"}
#: the separators a one-column header is looked at for (the first found is named)
_SEPARATORS = ";\t|,"


def csv_options(delimiter: str | None = None, columns=None) -> CsvOptions | None:
    """The :class:`CsvOptions` of a delimiter and column mappings, None when neither is
    given (then CSV is read as it always is). ``delimiter``: one character (`,`
    `;` `|`, a tab), or `tab` / `\\t` / `comma` / `semicolon` / `pipe`. ``columns``: a
    mapping ``{name: header}``, or pairs, or ``"NAME=HEADER"`` texts. Raises
    :class:`ValueError` (:class:`TypeError` for a value of the wrong kind) saying what to write."""
    pairs = _column_pairs(columns)
    if delimiter is None and not pairs:
        return None
    return CsvOptions(_delimiter(delimiter), pairs, delimiter is not None)


def _delimiter(delimiter) -> str:
    if delimiter is None:
        return ","
    if not isinstance(delimiter, str):
        raise TypeError(f"the CSV delimiter is a text of one character, not {type(delimiter).__name__}")
    sep = _DELIMITER_NAMES.get(delimiter.lower() if len(delimiter) > 1 else delimiter, delimiter)
    if sep != "\t" and (len(sep) != 1 or sep == '"' or sep.isalnum() or sep.isspace() or not sep.isprintable()):
        raise ValueError(f"CSV delimiter {delimiter!r}: use one character that is not a letter, a digit, a "
                         "space or a quote: ',' (the default), ';', '|', or a tab (written tab or \\t)")
    return sep


def _column_pairs(columns) -> tuple[tuple[str, str], ...]:
    """``columns`` as checked ``(name, header)`` pairs: each name and each header once."""
    if columns is None:
        return ()
    if isinstance(columns, (str, bytes)):
        raise TypeError("CSV columns are a mapping {name: header} or a list of NAME=HEADER texts, not one text")
    items = columns.items() if hasattr(columns, "items") else columns
    pairs: list[tuple[str, str]] = []
    for item in items:
        if isinstance(item, str):
            name, eq, header = item.partition("=")
            if not eq:
                raise ValueError(f"column mapping {item!r}: write NAME=HEADER, the column name slacode reads and "
                                 f"the file's header for it (lead=\"Lead ID\")")
        else:
            try:
                name, header = item
            except (TypeError, ValueError):
                raise TypeError(f"a CSV column mapping is a pair (name, header), not {item!r}") from None
        if not isinstance(name, str) or not isinstance(header, str):
            raise TypeError(f"a CSV column mapping names texts, not {name!r} and {header!r}")
        name, header = name.strip(), header.strip()
        shown = mapping_text(name, header)
        if not name or not header:
            raise ValueError(f"column mapping {shown}: write NAME=HEADER with both parts (lead=\"Lead ID\")")
        if name.startswith("fields.") and not name[7:].strip():
            raise ValueError(f"column mapping {shown}: 'fields.' names no field (fields.score=\"Lead Score\")")
        pairs.append((name, header))
    for k, (name, header) in enumerate(pairs):
        for other, other_header in pairs[:k]:
            if other == name:
                raise ValueError(f"{name} is mapped twice ({mapping_text(name, other_header)} and "
                                 f"{mapping_text(name, header)}): a column is read from one header; keep one")
            if other_header == header:
                raise ValueError(f"the header {header!r} is mapped twice ({mapping_text(other, header)} and "
                                 f"{mapping_text(name, header)}): a column is read under one name; keep one")
    return tuple(pairs)


def mapping_text(name: str, header: str) -> str:
    """A column mapping as written on the command line: ``lead="Lead ID"``."""
    return f"{name}={shell_word(header)}"


def shell_word(text: str) -> str:
    """``text`` as a shell reads it back: bare when it is plain, else in double quotes."""
    if text and re.fullmatch(r"[A-Za-z0-9_.,:+@%/-]+", text):
        return text
    return '"' + re.sub(r'(["\\$`])', r"\\\1", text) + '"'


def read_csv(reader: _Reader, lines: Iterable[bytes], index: int, name: str,
             options: CsvOptions | None = None) -> Iterator[Record]:
    """Records of the lines of one CSV source, its problems reported through ``reader``
    (``options``: another delimiter, column mappings; None: the standard CSV of §4)."""
    _lift_cell_limit()
    tape = _Tape(lines)
    table = (csv.reader(tape, strict=True) if options is None
             else csv.reader(tape, delimiter=options.delimiter, strict=True))
    prev = 0
    header = None
    found = None                                    # (another separator, the header it gives)
    while header is None:
        tape.taken.clear()
        try:
            row = next(table)
        except StopIteration:
            if getattr(getattr(lines, "inner", lines), "damage", None) is None:
                reader.empty(name)                  # SLA515: no header, nothing (cut short: SLA520)
            return
        except csv.Error as exc:                    # (`"lead";"at";"type"` read with commas)
            found = None if _named(options) else _other_delimiter(None, tape.taken[0] if len(tape.taken) == 1 else "",
                                                                  options)
            if found is None:
                what, hint = _csv_problem(exc)
                hint = _named_delimiter_hint(tape.taken[0] if len(tape.taken) == 1 else "", options) or hint
                reader.diagnostics.append(_diag(codes.CSV_HEADER, f"the header cannot be read: {what}", name,
                                                prev + 1, hint=hint))
                return
            start, prev = prev + 1, tape.number
            header = found[1]
            break
        start, prev = prev + 1, tape.number
        bad = tape.bad_in(start, prev)
        if bad:
            tape.reported.add(bad[0][0])
            reader.bad_utf8(*bad[0][1], name, bad[0][0])
            reader.diagnostics.append(_diag(codes.CSV_HEADER,
                                            "the header is not valid UTF-8; no event is read",
                                            name, start))
            return
        if row and any(cell.strip() for cell in row):
            header = row
        elif tape.taken and tape.taken[0].strip(" \t\r\n"):   # `,,,,` before the header
            reader.diagnostics.append(_diag(
                codes.MALFORMED_EVENT, "the line has only empty cells and comes before the header; "
                "it is skipped, and the header is read from a later line", name, start))
    text = tape.taken[0] if tape.taken else ""
    if found is None and not _named(options):   # (a delimiter named is the one every file is read with)
        found = _other_delimiter(header, text, options)
    if found is not None:                       # `lead;at;type` read with commas: read with `;`
        sep, header, also = found
        if also:                                # (`lead;at;type;x|lead|at|type`: the first is taken)
            said_too = " or ".join(_shown(s) for s in also)
            said_too = f" ({said_too} splits it into lead, at and type as well)"
        else:
            said_too = ""
        options = CsvOptions(sep, options.columns if options is not None else ())
        table = csv.reader(tape, delimiter=sep, strict=True)
        reader.diagnostics.append(_diag(
            codes.CSV_DELIMITER_FOUND, f"the header's cells are separated by {_shown(sep)}: the file is read "
            f"with {_shown(sep)} between its cells{said_too}", name, start,
            hint="each file of a run is read with its own separator so; when all are written with "
                 f"{_shown(sep)}, say it with {delimiter_option(sep)} (csv_delimiter= in Python), or leave this note "
                 "out with --ignore SLA519"))
    plan = _csv_plan(reader, header, name, start, text, options)
    if plan is None:
        return
    mark, seq = len(reader.diagnostics), reader.seq
    yield from _csv_rows(reader, table, tape, plan, prev, index, name)
    if (reader.seq == seq and len(reader.diagnostics) == mark and not reader.pending      # no event, no problem, no
            and getattr(getattr(lines, "inner", lines), "damage", None) is None):         # repeat, not cut short
        reader.diagnostics.append(_diag(codes.EMPTY_EVENTS_FILE, "the input holds no events (a header and no row)",
                                        name, start, hint="check the export that made it"))


def _named_delimiter_hint(text: str, options: CsvOptions | None) -> str | None:
    """For a header that the delimiter named cannot read and another separator reads
    (`"lead";"at";"type"` with `--csv-delimiter ,`): the option that reads it."""
    if not _named(options):
        return None
    found = _other_delimiter(None, text, options)
    if found is None:
        return None
    other = found[0]
    if other == ",":
        return "the file seems separated by ','; leave out --csv-delimiter (a comma is the default)"
    return f"the file seems separated by {_shown(other)}; read it with {delimiter_option(other)}"


def _named(options: CsvOptions | None) -> bool:
    """Whether the delimiter was named: then it wins, and no other separator is looked for."""
    return options is not None and options.delimiter_given


#: the longest cell read: :mod:`csv` refuses cells over 131,072 characters by default (a note
#: or an e-mail body a CRM exports), which a JSON Lines event of any length is not
_CELL_LIMIT = 2**31 - 1


def _lift_cell_limit() -> None:
    """Raise :mod:`csv`'s cell length limit (process-wide) to :data:`_CELL_LIMIT`; never lower it."""
    if csv.field_size_limit() < _CELL_LIMIT:
        csv.field_size_limit(_CELL_LIMIT)


def _csv_problem(exc: csv.Error) -> tuple[str, str]:
    """What a :mod:`csv` error means for a person, and what to do about it: a carriage
    return alone (the line end of old Mac exports) is told as such, not in the module's words."""
    text = str(exc)
    if "new-line character seen in unquoted field" in text:
        return ("a carriage return (\\r) stands inside an unquoted cell: the line end of old Mac exports, or a "
                "stray one",
                "if the file's lines end with carriage returns, convert them to line feeds (`tr '\\r' '\\n' < "
                "export.csv > fixed.csv`, or save the file again as CSV UTF-8); else quote the cell")
    return text, _QUOTE_HINT


def _runaway_quote(reader, taken: list[str], ncols: int, i_at: int, name: str, line: int, sep: str = ",") -> None:
    """SLA512 when the lines that a quoted cell of the row at ``line`` took after its
    first read like events of their own (all the header's cells, a timestamp in `at`):
    a closing quote is probably missing, and they were read as text of that cell."""
    rows = _rows_like_events(reader, taken, ncols, i_at, line, sep)
    if rows:
        last = line + len(taken) - 1
        if len(rows) == 1:
            what = (f"line {rows[0]} reads like an event of its own: it was read as text of the "
                    "cell, not as an event")
        else:
            what = (f"lines {', '.join(map(str, rows))} read like events of their own: they were "
                    "read as text of the cell, not as events")
        reader.diagnostics.append(_diag(
            codes.CSV_QUOTE_SPANS_ROWS, f"a quoted cell of this row runs on to line {last}, and {what}",
            name, line, hint=_QUOTE_HINT))


def _rows_like_events(reader, taken: list[str], ncols: int, i_at: int, line: int, sep: str = ",") -> list[int]:
    """The lines after the first of a row (``taken``, from ``line``) that read like
    events of their own: all the header's cells, and a timestamp in `at`."""
    rows = []
    for offset, text in enumerate(taken[1:], 1):
        try:
            cells = next(csv.reader([text], delimiter=sep))
        except (csv.Error, StopIteration):
            continue
        if len(cells) == ncols:
            shifted = len(reader.clock.shifted)
            try:
                reader.clock.us(cells[i_at].strip())
            except MissingOffsetError:
                pass                    # a timestamp all the same
            except ValueError:
                continue
            finally:                    # only a probe: no SLA510 for a line not read as an event
                del reader.clock.shifted[shifted:]
            rows.append(line + offset)
    return rows


def _csv_plan(reader, header: list[str], name: str, line: int, text: str = "", options: CsvOptions | None = None):
    headers = [cell.strip() for cell in header]
    if headers and headers[0].startswith("\ufeff"):
        headers[0] = headers[0][1:].strip()
    sep = "," if options is None else options.delimiter
    names, absent, missing, problems, at, hint = _header_problems(headers, options, name, sep)
    if problems:
        split = _one_column_split(headers, text, sep, options)
        if split is not None:               # said as the separator the hint gives reads it
            other, cells, quoted = split
            try:
                problems = _header_problems([c.strip() for c in cells], CsvOptions(
                    other, options.columns if options is not None else ()), name, other)[3]
            except EventInputError:         # (a mapping that clashes split so: said when it is read so)
                pass
            if not problems:                # (read with the delimiter named, which wins)
                problems = [_split_words(headers, sep, other, _named(options))]
            if quoted:
                problems = ["the whole line is quoted, so it is one column", *problems]
        wide = _bytes_hint(text.encode("utf-8", "surrogatepass")) if "\x00" in text else None   # UTF-16, no BOM
        hint = wide or _header_hint(headers, names, missing, absent, sep, split, _named(options)) or hint
        column = csv_column(text, at, sep) if at is not None and text else 1
        reader.diagnostics.append(_diag(
            codes.CSV_HEADER, f"unusable CSV header: {'; '.join(problems)}; no event of "
            "the file is read", name, line, column, hint=hint))
        return None
    position = {n: i for i, n in enumerate(names)}
    _header_slips(reader, names, name, line, text, sep)
    fields = tuple((i, n[7:].strip()) for i, n in enumerate(names) if n.startswith("fields."))
    props = tuple((i, n) for i, n in enumerate(names)
                  if n not in _CSV_RESERVED and not n.startswith("fields."))
    return (len(names), position["lead"], position["at"], position["type"],
            position.get("id"), position.get("state"), fields, props, _column_names(headers), sep)


def _header_slips(reader, names: list[str], name: str, line: int, text: str, sep: str) -> None:
    """SLA521 for each column of a usable header read as a property whose name misspells a
    reserved one the header lacks: `ID` for `id`, `field.score` or `Fields.score` for
    `fields.score` (said once, at the header)."""
    has_id = "id" in names                              # once: not in the loop over the columns
    places = None                                       # where each column starts, found once
    for i, n in enumerate(names):
        if n in _CSV_RESERVED or n.startswith("fields."):
            continue
        head, dot, rest = n.partition(".")
        if dot and rest.strip() and reserved_slip(head, "fields"):
            meant = f"fields.{rest.strip()}"
            what = f"its cells are read as a property of the events, and the lead field {rest.strip()!r} is never set"
        elif not has_id and reserved_slip(n, "id"):
            meant, what = "id", "it is read as a property of the events, and they have no id"
        else:
            continue
        if places is None:
            places = csv_places(text, sep) if text else []
        offset, column = places[i] if i < len(places) else (0, 1)
        column = column if offset == 0 else 1               # as csv_column says it
        reader.diagnostics.append(_diag(
            codes.RESERVED_KEY_SLIP, f"the column {n!r} is not one slacode reserves: {what}; did you mean "
            f"{meant!r}?", name, line, column,
            hint=f"rename the column to `{meant}` (or map it: --column {mapping_text(meant, n)}); if it really "
                 "is a property of the events, leave this warning out with --ignore SLA521"))


def _header_problems(headers: list[str], options: CsvOptions | None, name: str, sep: str):
    """What makes ``headers`` (trimmed) unusable: ``(names after the mappings, the mappings
    whose header it lacks, the columns lead/at/type it lacks otherwise, the problems in
    words, the index of the first cell at fault or None, the general hint)``."""
    names, absent = (headers, []) if options is None or not options.columns else \
        _mapped(headers, options.columns, name)
    problems = []
    at = None                                           # the index of the first cell at fault
    if absent:
        problems.append("missing column" + ("s " if len(absent) > 1 else " ") + ", ".join(
            f"{h!r} (of the column mapping {mapping_text(n, h)})" for n, h in absent))
    unmapped = {n for n, _ in absent}
    missing = [c for c in ("lead", "at", "type") if c not in names and c not in unmapped]
    if missing:
        problems.append("missing column" + ("s " if len(missing) > 1 else " ")
                        + ", ".join(repr(c) for c in missing))
    hint = "the header needs lead, at and type; fields.X updates lead field X; other columns are event properties"
    if "" in names:
        at = names.index("")
        problems.append(f"column {at + 1} has no name")
        if not any(names[at:]):
            hint = (f"the header ends with a {_SEPARATOR_WORDS.get(sep, repr(sep))} (as spreadsheets write it): "
                    f"remove the last one, or name column {at + 1}")
        else:
            hint = f"name column {at + 1} (a column without a name cannot be read)"
    repeated = sorted(n for n, k in Counter(headers).items() if n and k > 1)     # (linear: a header
    if repeated:                                                                # may have 100,000 columns)
        problems.append("repeated column" + ("s " if len(repeated) > 1 else " ")
                        + ", ".join(repr(c) for c in repeated))
        second = _first_repeat(headers, set(repeated))
        at = second if at is None else min(at, second)
        if len(problems) == 1:
            hint = "name each column once (the values of two columns of one name cannot both be read)"
    if any(n.startswith("fields.") and not n[7:].strip() for n in names):
        problems.append("column 'fields.' names no field")
    return names, absent, missing, problems, at, hint


def _first_repeat(headers: list[str], repeated: set[str]) -> int:
    """The index of the first column whose name (one of ``repeated``) an earlier column has."""
    seen: set[str] = set()
    for i, n in enumerate(headers):
        if n in repeated:
            if n in seen:
                return i
            seen.add(n)
    raise ValueError("no column is repeated")


def _one_column_split(headers: list[str], text: str, sep: str, options: CsvOptions | None
                      ) -> tuple[str, list[str], bool] | None:
    """For a header that another usual separator splits better than the one it was read
    with: ``(that separator, the cells it splits the line into, whether the line is quoted
    whole)``, else None. A header of one column with a separator in it (`lead;at;type`,
    `a;b`): the column of a line quoted whole (`"lead;at;type"`) may hold the separator given
    too; the first separator that gives `lead`, `at` and `type` (after the mappings) is taken,
    else the first in it. A header of several columns, one of which holds another separator
    (`lead;at;type,x` read with commas, `lead,at,type;x` with `;`): :func:`_cleaner_split`."""
    if len(headers) > 1:
        return _cleaner_split(headers, text, sep, options)
    if len(headers) != 1 or not headers[0]:
        return None
    line = text.lstrip("\ufeff").strip()
    quoted = len(line) > 1 and line[0] == line[-1] == '"'
    mapped = _mapping_of(options)
    found = None
    for other in _SEPARATORS:
        if other not in headers[0] or (other == sep and not quoted):
            continue
        try:
            cells = next(csv.reader([headers[0]], delimiter=other))
        except (csv.Error, StopIteration):
            continue
        if {"lead", "at", "type"} <= {mapped.get(c.strip(), c.strip()) for c in cells}:
            return other, cells, quoted
        found = found or (other, cells, quoted)
    return found


def _cleaner_split(headers: list[str], text: str, sep: str, options: CsvOptions | None
                   ) -> tuple[str, list[str], bool] | None:
    """For a header of several columns read with ``sep``, one of whose names holds another
    usual separator: that separator, when it splits the whole line cleanly (it reads as CSV,
    into more columns than ``sep`` gives, none of them without a name) — the file is more
    likely written with it, and a column name holding it read with ``sep`` is the sign —
    and the cells it gives (the first that gives `lead`, `at` and `type`, else the one that
    gives the most columns); else None. Never when ``sep`` already gives `lead` and `at`
    (`lead,at,notes;x;y;z`): the file is then read with the right separator, and only the
    columns it really lacks are missing."""
    line = text.lstrip("\ufeff").rstrip("\r\n")
    mapped = _mapping_of(options)
    if {"lead", "at"} <= {mapped.get(h, h) for h in headers}:
        return None
    best = None
    for other in _SEPARATORS:
        if other == sep or not any(other in h for h in headers):
            continue
        try:
            cells = next(csv.reader([line], delimiter=other, strict=True))
        except (csv.Error, StopIteration):
            continue
        names = [c.strip() for c in cells]
        if len(names) <= len(headers) or not all(names):
            continue
        if {"lead", "at", "type"} <= {mapped.get(n, n) for n in names}:
            return other, cells, False
        if best is None or len(cells) > len(best[1]):
            best = (other, cells, False)
    return best


def _mapping_of(options: CsvOptions | None) -> dict:
    """header -> the column name it is read as, by the column mappings."""
    return {old: new for new, old in (options.columns if options is not None else ())}


def _split_sign(headers: list[str], other: str) -> str:
    """What shows that a header was read with the wrong separator: it is one column, or one
    of its columns holds ``other`` (`the column `type;x` holds ';'`)."""
    if len(headers) == 1:
        return "the header is one column"
    column = next(h for h in headers if other in h)
    return f"the column `{column}` holds {_shown(other)}"


def _split_words(headers: list[str], sep: str, other: str, named: bool = True) -> str:
    """What is wrong with a header that ``other`` splits into `lead`, `at` and `type` but that
    was read with ``sep``, the delimiter named (``named``) or the default comma: `read with
    ',', the default delimiter, it is 1 column; ';' splits it …`."""
    shown = f"{len(headers)} column{'s' if len(headers) != 1 else ''}"
    which = "the delimiter given" if named else "the default delimiter"
    return (f"read with {_shown(sep)}, {which}, it is {shown}; {_shown(other)} splits it into lead, at "
            "and type")


def _mapped(headers: list[str], columns: tuple[tuple[str, str], ...],
            name: str) -> tuple[list[str], list[tuple[str, str]]]:
    """The header's names with the column mappings applied, and the mappings whose header
    the file does not have. A mapping to a name the file has as a column of its own (and
    does not map away) raises :class:`EventInputError`: which of the two to read is the
    caller's choice."""
    where = {}
    for i, h in enumerate(headers):
        where.setdefault(h, i)
    names = list(headers)
    absent = []
    # a file with the column under its own name reads it (`type`, lacking `Activity Type`): the
    # mapping is for the exports that name it otherwise, and so is one that maps that name away
    # to make room for it (`record_type=type`)
    own = {new for new, old in columns if old not in where and new in where}
    columns = tuple((new, old) for new, old in columns if old not in own)
    moved = {h for _, h in columns if h in where}
    for new, old in columns:
        i = where.get(old)
        if i is None:
            if new not in own:
                absent.append((new, old))
            continue
        if new != old and new in where and new not in moved:
            raise EventInputError(
                f"{name}: the column mapping {mapping_text(new, old)} reads the column {old!r} as {new!r}, and the "
                f"file has a column {new!r} of its own: leave out the mapping to read that column as {new!r}, or map "
                f"that column to another name as well (--column {new}_2={shell_word(new)}; in Python "
                f"csv_columns={{..., {new + '_2'!r}: {new!r}}})")
        names[i] = new
    return names, absent


_SEPARATOR_WORDS = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


def _shown(sep: str) -> str:
    """A delimiter in a message: `';'`, `a tab`."""
    return "a tab" if sep == "\t" else repr(sep)


def _other_delimiter(header: list[str] | None, text: str, options: CsvOptions | None
                     ) -> tuple[str, list[str], list[str]] | None:
    """When the header read with the delimiter given (a comma by default) has no `lead`, `at`
    and `type` (after the column mappings), or cannot be read at all (``header`` None), and
    another usual separator splits its line (``text``) into one that has them: that separator
    and the header it gives (`lead;at;type;Amount, net`, `"lead";"at";"type"`), and the other
    separators that give one too (the first of ``;``, tab, ``|``, ``,`` is taken). Such a header
    could not be read as it was, so this only reads what would be refused; else None."""
    if not text:
        return None
    sep = options.delimiter if options is not None else ","
    mapped = {old: new for new, old in (options.columns if options is not None else ())}

    def usable(cells: list[str]) -> bool:
        names = {c.strip().lstrip("\ufeff").strip() for c in cells}
        return {"lead", "at", "type"} <= {mapped.get(n, n) for n in names}

    if header is not None and usable(header):
        return None
    fits = []
    for other in _SEPARATORS:
        if other == sep or other not in text:
            continue
        try:
            cells = next(csv.reader([text.rstrip("\r\n")], delimiter=other, strict=True))
        except (csv.Error, StopIteration):
            continue
        if usable(cells):
            fits.append((other, cells))
    if not fits:
        return None
    return fits[0][0], fits[0][1], [other for other, _ in fits[1:]]


def delimiter_option(sep: str) -> str:
    """The command-line option that reads cells separated by ``sep`` (not a comma: the default)."""
    return f"--csv-delimiter {'tab' if sep == chr(9) else repr(sep)}"


def _header_hint(headers: list[str], names: list[str], missing: list[str], absent: list[tuple[str, str]],
                 sep: str, split: tuple | None = None, named: bool = False) -> str | None:
    """What to do about an unusable header, when something better than the general hint is
    known: another separator (``split``: :func:`_one_column_split`'s answer), the quotes
    around a header line quoted whole, a mapping naming a header the file lacks, a near-miss
    name (`Lead ID` for `lead`: map it with --column lead="Lead ID"). ``named``: whether the
    delimiter ``sep`` was named (then exporting with it is no advice)."""
    if split is not None:
        other, cells, quoted = split
        split = [c.strip() for c in cells]
        maps = _suggestions([c for c in ("lead", "at", "type") if c not in split], split)
        maps += _optional_suggestions(split, {h for _, h in maps})
        then = " ".join(f"--column {mapping_text(k, h)}" for k, h in maps)
        left = _unmapped_hint(split, {h for _, h in maps}) if maps else None
        hint = _split_hint(headers, other, quoted, sep, named, then)
        return f"{hint}; {left}" if left else hint
    hints = [_absent_hint(n, h, headers) for n, h in absent]
    maps = _suggestions(missing, names) if missing else []
    if maps:
        hints.append(_missing_hint(missing, maps))
        extra = _optional_suggestions(names, {h for _, h in maps})
        if extra:
            hints.append("and read " + " and ".join(_OPTIONAL_WORDS[k] for k, _ in extra) + " with "
                         + " ".join(f"--column {mapping_text(k, h)}" for k, h in extra))
        left = _unmapped_hint(names, {h for _, h in maps + extra})
        if left:
            hints.append(left)
    return "; ".join(hints) or None


def _split_hint(headers: list[str], other: str, quoted: bool, sep: str, named: bool, then: str) -> str:
    """:func:`_header_hint` for a header that another separator ``other`` splits: the
    separator to read it with, and the mappings ``then``."""
    if quoted:                          # one cell whatever the separator: the quotes go first
        advice = ("remove the quotes around the header line (and around any row quoted whole: quotes go "
                  "around a cell, not a line)")
        if other == "," and sep != ",":
            return advice + ", then leave out --csv-delimiter (a comma is the default)" + (
                f", and read it with {then}" if then else "")
        option = " ".join(filter(None, [delimiter_option(other) if other != sep else "", then]))
        return advice + (f", then read it with {option}" if option else "")
    seen = _split_sign(headers, other)
    if other == ",":
        return (f"{seen}: the file seems separated by {_shown(other)}; leave out --csv-delimiter "
                f"(a comma is the default){f', and read it with {then}' if then else ''}")
    export = " (or export it with commas)" if sep == "," and not named else ""    # (not to one who named the comma)
    return (f"{seen}: the file seems separated by {_shown(other)}; read it with "
            f"{delimiter_option(other)}{' ' + then if then else ''}{export}")


def _missing_hint(missing: list[str], maps: list[tuple[str, str]]) -> str:
    """The hint for columns `lead`, `at` or `type` missing, with the headers likely meant."""
    options = " ".join(f"--column {mapping_text(k, h)}" for k, h in maps)
    if len(maps) == len(missing) and all(h.lower() == k for k, h in maps):
        return (f"column names are case-sensitive: write {', '.join(missing[:-1])}{' and ' if len(missing) > 1 else ''}"
                f"{missing[-1]} in lower case, or read the columns as they are with {options}")
    renames = ", ".join(f"`{h}` to `{k}`" for k, h in maps)
    lead = "rename the column" + ("s " if len(maps) > 1 else " ") + renames
    return (f"{lead}, or read {'them' if len(maps) > 1 else 'it'} as written with {options} (slacode reads the "
            "lead, the time and the type of an event from `lead`, `at` and `type`)")


def _absent_hint(name: str, header: str, headers: list[str]) -> str:
    """What to do about a column mapping whose header a file lacks."""
    near = _near_header(header, [h for h in headers if h])
    if near is not None and near != name:
        return f"the header has {near!r}: write {mapping_text(name, near)} (a header is matched exactly)"
    if name in headers:
        return (f"the file has a column {name!r} already and needs no mapping for it (a mapping applies to every "
                "CSV file read: read files with other headers in another run)")
    shown = ", ".join(repr(h) for h in headers[:8]) + (f" and {len(headers) - 8} more" if len(headers) > 8 else "")
    return f"{mapping_text(name, header)} names no column of the file; its columns: {shown}"


def _near_header(header: str, headers: list[str]) -> str | None:
    """The header of ``headers`` that nearly is ``header`` (case, spaces, a typo), or None."""
    key = _plain(header)
    for h in headers:
        if _plain(h) == key:
            return h
    import difflib

    plain = {_plain(h): h for h in headers}
    close = difflib.get_close_matches(key, list(plain), n=1, cutoff=0.8)
    return plain[close[0]] if close else None


def _plain(text: str) -> str:
    return re.sub(r"[\s_\-.]+", "", text.lower())


#: the words of a header that say it holds the event's time
_TIME_WORDS = frozenset(("at", "date", "time", "timestamp", "datetime", "when"))


#: The columns slacode reads when a file has them, and the words of headers meant for them:
#: an export's `Event ID` holds the ids that find an event sent twice, its `Lead Owner` the rep
_OPTIONAL_COLUMNS = (("id", {"id"}), ("owner", {"owner", "assignee", "rep"}),
                     ("state", {"state", "status", "stage"}))
_OPTIONAL_WORDS = {"id": "the events' ids (a repeated event is then found)", "owner": "the reps",
                   "state": "the states that `state` events enter"}

#: a header's first word that only says whose value it is (`Lead Score` holds the lead's `score`)
_WHOSE = frozenset(("lead", "contact", "account", "deal"))


def _field_name(header: str) -> str:
    """The lead field a header most likely holds, as a mapping names it: its words joined
    by `_`, less a first word that says whose it is (`Lead Score` -> `score`)."""
    words = re.findall(r"[a-z0-9]+", re.sub(r"([a-z])([A-Z])", r"\1 \2", header).lower())
    if len(words) > 1 and words[0] in _WHOSE:
        words = words[1:]
    return "_".join(words) or header


def _unmapped_hint(names: list[str], used: set[str]) -> str | None:
    """The columns of a header that no mapping of the hint reads, each read as a property of
    the events (up to three named), and how to read one as a lead field: "not mapped: …"."""
    left = [n for n in names if n and n not in used and n not in _CSV_RESERVED and not n.startswith("fields.")]
    if not left:
        return None
    shown = left[:3]
    more = f" and {len(left) - 3} more" if len(left) > 3 else ""
    maps = " ".join(f"--column {mapping_text('fields.' + _field_name(n), n)}" for n in shown)
    them = "it" if len(left) == 1 else "one"
    return (f"not mapped (read as properties of the events): {', '.join(shown)}{more} — map {them} to a lead "
            f"field with {maps} if the agreement reads it")


def _optional_suggestions(names: list[str], used: set[str]) -> list[tuple[str, str]]:
    """For `id` and `owner`, when the file has no such column: the one header of ``names``
    (not in ``used``) with the column's word in it (`Event ID`, `Lead Owner`), as pairs
    ``(column, header)``; none where no header or several fit."""
    out: list[tuple[str, str]] = []
    for key, wanted in _OPTIONAL_COLUMNS:
        if key in names:
            continue
        fits = [n for n in names if n and n not in used and n not in _CSV_RESERVED and not n.startswith("fields.")
                and set(re.findall(r"[a-z0-9]+", re.sub(r"([a-z])([A-Z])", r"\1 \2", n).lower())) & wanted]
        if len(fits) == 1:
            out.append((key, fits[0]))
            used = used | {fits[0]}
    return out


def _suggestions(missing: list[str], names: list[str]) -> list[tuple[str, str]]:
    """For each of ``missing`` (`lead`, `at`, `type`), the header of ``names`` most likely
    meant for it, as pairs ``(column, header)``: a name written otherwise (`Lead`,
    `lead_id`, `timestamp`), a header with the column's word in it (`Lead ID`, `Created
    Date`, `Activity Type`), or one letter or two off (`laed`). None for a column no header
    fits, or that two headers fit as well."""
    free = [n for n in names if n and n not in _CSV_RESERVED and not n.startswith("fields.")]
    out: list[tuple[str, str]] = []
    used: set[str] = set()
    for key in missing:
        options = [n for n in free if n not in used]
        found = misnamed_key(key, options)
        if found is None:
            words = {n: set(re.findall(r"[a-z0-9]+", re.sub(r"([a-z])([A-Z])", r"\1 \2", n).lower()))
                     for n in options}
            wanted = _TIME_WORDS if key == "at" else {key}
            fits = [n for n in options if words[n] & wanted]
            if len(fits) == 1:
                found = fits[0]
            elif not fits and len(key) > 2:
                import difflib

                plain = {}
                for n in options:
                    plain.setdefault(_plain(n), n)
                close = difflib.get_close_matches(key, list(plain), n=2, cutoff=0.75)
                if len(close) == 1:
                    found = plain[close[0]]
        if found is not None:
            used.add(found)
            out.append((key, found))
    return out


def _csv_rows(reader, table, tape: "_Tape", plan, prev: int, index: int,
              name: str) -> Iterator[Record]:
    ncols, i_lead, i_at, i_type, i_id, i_state, field_cols, prop_cols, _, sep = plan
    columns = {"lead": i_lead, "at": i_at, "type": i_type, "id": i_id, "state": i_state}
    clock = reader.clock
    hours, minutes, tails = clock.hours, clock.minutes, clock.tails
    cut1, cut2, cut3 = _CUTS
    as_of, first_use, new, record = reader.as_of, reader.seen.first, _new_record, Record
    prefix = name + ":" if reader.multi else ""
    base = index << _LINE_BITS
    seq = reader.seq
    after = after_first = 0
    cell = _csv_value
    taken = tape.taken
    spaced: dict = {}                           # SLA516: column -> [cells, (line, column), text]
    rename = reader.types.rename if reader.types is not None else None     # `--type-map` (extension)
    while True:
        taken.clear()
        try:
            row = next(table)
        except StopIteration:
            break
        except csv.Error as exc:
            # A broken row (a stray quote): reported, and the lines it took after its
            # first are read again as rows of their own (an unclosed quote takes them all).
            what, hint = _csv_problem(exc)
            reader.diagnostics.append(_diag(codes.MALFORMED_EVENT, f"the row cannot be read as CSV: {what}",
                                            name, prev + 1, hint=hint))
            prev += 1
            tape.again(taken[1:])
            continue
        lineno, prev = prev + 1, tape.number
        bad = tape.bad_in(lineno, prev)
        if bad:                                 # a row with a line that was not UTF-8
            for number, (raw, exc) in bad:
                if number not in tape.reported:
                    tape.reported.add(number)
                    reader.bad_utf8(raw, exc, name, number)
            if prev > lineno:                   # a quoted cell took lines
                again = _rows_like_events(reader, taken, ncols, i_at, lineno, sep)
                tail = ("; its lines after the first read like events and are read again as rows"
                        if again else "")
                reader.diagnostics.append(_diag(
                    codes.MALFORMED_EVENT,
                    f"the row over lines {lineno}-{prev} is not read (line {bad[0][0]} of it is not "
                    f"UTF-8){tail}", name, lineno, hint=_QUOTE_HINT if again else None))
                if again:
                    tape.again(taken[1:])
                    prev = lineno
            continue
        if len(row) != ncols:
            if prev == lineno and not taken[0].strip(" \t\r\n"):
                continue  # a blank line (`""` is an empty cell, not a blank line)
            spread = prev > lineno
            reader.diagnostics.append(_diag(
                codes.MALFORMED_EVENT,
                f"the row has {len(row)} cell{'s' if len(row) != 1 else ''}, "
                f"the header has {ncols}" + (f" (a quoted cell took lines {lineno}-{prev}; its "
                                             "later lines are read again as rows)" if spread else ""),
                name, lineno, hint=_QUOTE_HINT if spread else _cell_count_hint(row, plan)))
            if spread:
                tape.again(taken[1:])
                prev = lineno
            continue
        if prev > lineno:                       # a quoted cell over several lines: legal,
            _runaway_quote(reader, taken, ncols, i_at, name, lineno, sep)   # unless they look like rows
        lead, at, typ = row[i_lead], row[i_at], row[i_type]
        eid = row[i_id] or None if i_id is not None else None
        state = row[i_state] or None if i_state is not None else None
        if lead.strip() != lead or typ.strip() != typ or eid and eid.strip() != eid or state and state.strip() != state:
            _spaced(spaced, row, columns, taken, lineno, sep)
        if rename is not None:                  # the CRM's type read as the agreement's (before `state`)
            typ = rename(typ)
        fields = None
        props = {}                              # each record its own (a caller may change one)
        if state is not None and typ != "state":
            props["state"] = state              # §4: any other event's `state` is a property
            state = None
        for i, key in field_cols:
            value = row[i]
            if value:
                if fields is None:
                    fields = {}
                fields[key] = cell(value)
        for i, key in prop_cols:
            value = row[i]
            if value:
                props[key] = cell(value)
        try:
            us = hours[at[cut1]] + minutes[at[cut2]] + tails[at[cut3]]
            ok = lead and lead.isprintable() and lead[0] != " " and typ and (state or typ != "state")
        except KeyError:
            ok = False
        if not ok:
            problems, us, eid = _check_event(lead or None, at or None, typ or None, state,
                                             eid, fields, clock)
            if clock.shifted:
                below, column = _cell_place(taken, columns, "at", sep)
                reader.shifts(name, lineno + below, None if problems else us, column=column, lead=lead)
            if problems:
                reader.problems(problems, name, lineno, column_of=lambda key: _cell_place(taken, columns, key, sep),
                                keys=tuple(k for k, i in columns.items() if i is not None), lead=lead)
                continue
        if eid is not None:
            if first_use(eid, base | lineno if base else lineno) is not None:
                reader.duplicate(eid, name, lineno, content=event_content(lead, us, typ, state, fields, props),
                                 lead=lead)
                continue
        if as_of is not None and us > as_of:
            after += 1
            if after == 1:
                after_first = lineno
            continue
        yield new(record, (us, seq, lead, typ, state, fields, props, eid,
                           eid or (LineRef(prefix + str(lineno)) if prefix else LineRef(lineno)),
                           index, lineno))
        seq += 1
    reader.seq = seq
    for key, (count, (line, column), text, lead) in spaced.items():
        reader.diagnostics.append(_diag(
            codes.SPACED_CSV_CELL,
            f"{count:,} `{key}` cell{'s have' if count > 1 else ' has'} spaces around the text (the first: "
            f"{text!r}); they are used as written, so {text!r} is not {text.strip()!r}",
            name, line, column, "trim the cells where the file is made (a spreadsheet's TRIM), or fix the export",
            lead))
    if after:
        reader.after_as_of(after, after_first, name)


def _spaced(spaced: dict, row: list, columns: dict, taken: list, lineno: int, sep: str = ",") -> None:
    """Count the cells of ``lead``, ``type``, ``id`` and ``state`` with spaces around their
    text (SLA516), keeping where the first of each column was."""
    for key in ("lead", "type", "id", "state"):
        index = columns.get(key)
        text = row[index] if index is not None else ""
        if text and text.strip() != text:
            seen = spaced.get(key)
            if seen is None:
                below, column = _cell_place(taken, columns, key, sep)
                lead = columns.get("lead")
                spaced[key] = [1, (lineno + below, column), text, row[lead] if lead is not None else None]
            else:
                seen[0] += 1


def csv_column(text: str, index: int, sep: str = ",") -> int:
    """1-based character column where cell ``index`` of a CSV row starts on its first line
    (1 when the row's quoted cells carry it onto a later line; ``sep``: the delimiter)."""
    offset, column = csv_place(text, index, sep)
    return column if offset == 0 else 1


def csv_place(text: str, index: int, sep: str = ",") -> tuple[int, int]:
    """Where cell ``index`` of a CSV row (``text``: its lines joined, line breaks kept;
    ``sep``: the delimiter) starts: the number of lines after the row's first, and the
    1-based column on that line; ``(0, 1)`` for a cell the row does not have."""
    places = csv_places(text, sep, upto=index)
    return places[index] if index < len(places) else (0, 1)


def csv_places(text: str, sep: str = ",", upto: int | None = None) -> list[tuple[int, int]]:
    """:func:`csv_place` of every cell of a CSV row (up to cell ``upto``, when given), in one
    pass (a header of 20,000 columns would be read 20,000 times over otherwise); a cell past
    the last has none."""
    places: list[tuple[int, int]] = []
    cell, quoted, start, skip = 0, False, True, False
    line_start, offset = 0, 0
    for i, ch in enumerate(text):
        if cell == len(places):
            if upto is not None and cell > upto:
                return places
            places.append((offset, i - line_start + 1))
        if ch == "\n":
            offset, line_start = offset + 1, i + 1
        if skip:
            skip = False
        elif quoted:
            if ch == '"':
                if text[i + 1:i + 2] == '"':
                    skip = True
                else:
                    quoted = False
        elif ch == '"' and start:
            quoted = True
        elif ch == sep:
            cell += 1
            start = True
            continue
        start = False
    if cell == len(places):
        places.append((offset, len(text[line_start:].rstrip("\r\n")) + 1))
    return places


def _column_names(names: list[str]) -> list[str]:
    """The header's column names as the hints write them (``fields. x`` as ``fields.x``)."""
    return [f"fields.{n[7:].strip()}" if n.startswith("fields.") else n for n in names]


def _cell_count_hint(row: list[str], plan) -> str:
    """The hint of a row with too few or too many cells (SLA501). Too few: the columns left
    without a cell, taken to be the last ones (trailing empty cells left off), and that an
    empty cell is still written; the row stays refused, as it may be a line broken in two.
    Too many: how many more, and that a cell with a comma is quoted."""
    ncols, labels, sep = plan[0], plan[8], plan[9]
    word = _SEPARATOR_WORDS.get(sep, repr(sep))
    if row and row[0].lstrip().startswith("#"):     # `# exported 2026-11-24` (review 27b L8)
        return ("the line starts with `#`, as a comment would, but CSV has no comments: every line after the "
                "header is a row; delete the line, or put the note in a column of its own")
    if len(row) < ncols:
        names = labels[len(row):]
        k = len(names)
        shown = ", ".join(f"`{n}`" for n in names[:5]) + (f" and {k - 5} more" if k > 5 else "")
        columns = f"the last column ({shown}) has" if k == 1 else f"the last {k} columns ({shown}) have"
        needed = [_as_read(labels[i], key) for i, key in sorted(zip(plan[1:4], ("lead", "at", "type")))
                  if i >= len(row)]
        if needed:                  # (those cells are never empty: the row lacks more than empty cells)
            return (f"{columns} no cell, and {', '.join(needed)} cannot be empty: the line was "
                    "probably broken in two (join it) or cells are missing from it")
        commas = (f"1 {word} if that cell is" if k == 1 else f"{k} {word}s if those cells are")
        return (f"{columns} no cell: end the row with {commas} empty (an empty cell is still written, as "
                f"`{sep}{sep}`); or, if the line was broken in two, join it")
    extra = len(row) - ncols
    more = "1 cell more" if extra == 1 else f"{extra} cells more"
    trailing = (f", or remove the {f'trailing {word}' if extra == 1 else f'{extra} trailing {word}s'}"
                if not any(c.strip() for c in row[ncols:]) else "")
    example = "(`\"1,500\"`, `\"Smith, Jo\"`)" if sep == "," else f"(`\"a{sep}b\"`)"
    return (f"the row has {more} than the header: a cell with a {word} in it goes in double quotes "
            f"{example}{trailing}")


def _as_read(label: str, key: str) -> str:
    """A column of the header as a hint names it: ```Lead ID` (read as `lead`)`` when a
    column mapping reads it under another name."""
    return f"`{label}`" if label == key else f"`{label}` (read as `{key}`)"


_QUOTE_HINT = ('a cell that starts with " must end with " (a quote inside it is written ""): '
               'close the quote, or leave the cell unquoted')


class _Tape:
    """The text lines of a CSV source, as :func:`csv.reader` takes them: decoded (the
    first line's BOM dropped), counted, and those of the row being read kept in
    :attr:`taken`, so that the lines a broken row swallowed can be read again
    (:meth:`again`). Lines that are not UTF-8 are decoded with replacement characters and
    kept in :attr:`bad` until the row that holds them asks (:meth:`bad_in`)."""

    __slots__ = ("_lines", "_back", "taken", "number", "bad", "reported")

    def __init__(self, lines: Iterable[bytes]):
        self._lines = iter(lines)
        self._back: list[tuple[int, str]] = []     # lines to read again, the next one last
        self.taken: list[str] = []
        self.number = 0                            # lines given to the reader so far
        self.bad: dict[int, tuple] = {}            # line -> (raw bytes, UnicodeDecodeError)
        self.reported: set[int] = set()            # … those already said

    def __iter__(self) -> "_Tape":
        return self

    def __next__(self) -> str:
        if self._back:
            self.number, text = self._back.pop()
        else:
            raw = next(self._lines)
            self.number += 1
            if raw.startswith(_BOM):                # a file's start, or files joined with `cat`
                raw = raw[3:]
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                self.bad[self.number] = (raw, exc)
                text = raw.decode("utf-8", "replace")
        self.taken.append(text)
        return text

    def bad_in(self, first: int, last: int) -> list[tuple[int, tuple]]:
        """The lines from ``first`` to ``last`` that were not UTF-8 (the caller reports
        each once: :attr:`reported`)."""
        if not self.bad:
            return []
        return [(n, self.bad[n]) for n in range(first, last + 1) if n in self.bad]

    def again(self, texts: list[str]) -> None:
        """Give these lines (the last ones taken, in order) to the reader again."""
        last = self.number
        first = last - len(texts) + 1
        self._back.extend(reversed(list(zip(range(first, last + 1), texts))))
        self.number = first - 1


_JSON_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?", re.ASCII).fullmatch


def _csv_value(text: str):
    """A CSV cell: a number when the whole cell is a JSON number, else the text itself."""
    if text[0] in "-0123456789":
        m = _JSON_NUMBER(text)
        if m is not None:
            try:
                if m.group(1) is None and m.group(2) is None:
                    return int(text)
                value = float(text)
            except ValueError:  # an integer too long to convert
                return text
            if value - value == 0:  # finite
                return value
    return text


def _cell_place(taken: list[str], columns: dict, key: str, sep: str = ",") -> tuple[int, int]:
    """Where the cell of reserved column ``key`` starts: lines after the row's first, and
    the 1-based column ((0, 1) when there is no such column)."""
    index = columns.get(key)
    return (0, 1) if index is None else csv_place("".join(taken), index, sep)
