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
from collections.abc import Iterable, Iterator

from slacode.events import (_BOM, _CUTS, _LINE_BITS, MissingOffsetError, Record, _check_event, _diag, _new_record,
                            _Reader, codes, event_content, misnamed_key)

# §4: in CSV, `fields.X` columns update lead fields; a column named just `fields` is a property
_CSV_RESERVED = frozenset(("lead", "at", "type", "state", "id"))


def read_csv(reader: _Reader, lines: Iterable[bytes], index: int, name: str) -> Iterator[Record]:
    """Records of the lines of one CSV source, its problems reported through ``reader``."""
    tape = _Tape(lines)
    table = csv.reader(tape, strict=True)
    prev = 0
    header = None
    while header is None:
        tape.taken.clear()
        try:
            row = next(table)
        except StopIteration:
            reader.empty(name)                      # SLA515: no header, nothing
            return
        except csv.Error as exc:
            what, hint = _csv_problem(exc)
            reader.diagnostics.append(_diag(codes.CSV_HEADER, f"the header cannot be read: {what}", name, prev + 1,
                                            hint=hint))
            return
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
    plan = _csv_plan(reader, header, name, start, tape.taken[0] if tape.taken else "")
    if plan is None:
        return
    mark, seq = len(reader.diagnostics), reader.seq
    yield from _csv_rows(reader, table, tape, plan, prev, index, name)
    if reader.seq == seq and len(reader.diagnostics) == mark and not reader.pending:   # no event, no problem, no repeat
        reader.diagnostics.append(_diag(codes.EMPTY_EVENTS_FILE, "the input holds no events (a header and no row)",
                                        name, start, hint="check the export that made it"))


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


def _runaway_quote(reader, taken: list[str], ncols: int, i_at: int, name: str, line: int) -> None:
    """SLA512 when the lines that a quoted cell of the row at ``line`` took after its
    first read like events of their own (all the header's cells, a timestamp in `at`):
    a closing quote is probably missing, and they were read as text of that cell."""
    rows = _rows_like_events(reader, taken, ncols, i_at, line)
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


def _rows_like_events(reader, taken: list[str], ncols: int, i_at: int, line: int) -> list[int]:
    """The lines after the first of a row (``taken``, from ``line``) that read like
    events of their own: all the header's cells, and a timestamp in `at`."""
    rows = []
    for offset, text in enumerate(taken[1:], 1):
        try:
            cells = next(csv.reader([text]))
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


def _csv_plan(reader, header: list[str], name: str, line: int, text: str = ""):
    names = [cell.strip() for cell in header]
    if names and names[0].startswith("\ufeff"):
        names[0] = names[0][1:].strip()
    problems = []
    at = None                                           # the index of the first cell at fault
    missing = [c for c in ("lead", "at", "type") if c not in names]
    if missing:
        problems.append("missing column" + ("s " if len(missing) > 1 else " ")
                        + ", ".join(repr(c) for c in missing))
    hint = "the header needs lead, at and type; fields.X updates lead field X; other columns are event properties"
    if "" in names:
        at = names.index("")
        problems.append(f"column {at + 1} has no name")
        if not any(names[at:]):
            hint = ("the header ends with a comma (as spreadsheets write it): remove the last comma, or name "
                    f"column {at + 1}")
        else:
            hint = f"name column {at + 1} (a column without a name cannot be read)"
    repeated = sorted({n for n in names if n and names.count(n) > 1})
    if repeated:
        problems.append("repeated column" + ("s " if len(repeated) > 1 else " ")
                        + ", ".join(repr(c) for c in repeated))
        second = min(i for i, n in enumerate(names) if n in repeated and names.index(n) < i)
        at = second if at is None else min(at, second)
        if len(problems) == 1:
            hint = "name each column once (the values of two columns of one name cannot both be read)"
    if any(n.startswith("fields.") and not n[7:].strip() for n in names):
        problems.append("column 'fields.' names no field")
    if problems:
        lower = {n.lower() for n in names}
        if len(names) == 1 and any(sep in names[0] for sep in ";\t|"):
            sep = next(s for s in ";\t|" if s in names[0])
            hint = (f"the header is one column: the file seems separated by {sep!r}; slacode reads "
                    "comma-separated CSV (export it with commas)")
        elif missing and all(c in lower for c in missing):
            hint = "column names are case-sensitive: write lead, at and type in lower case"
        elif missing and all(misnamed_key(c, names) for c in missing):
            hint = "rename the column" + ("s " if len(missing) > 1 else " ") + ", ".join(
                f"`{misnamed_key(c, names)}` to `{c}`" for c in missing) + " (slacode reads the lead, the time " \
                "and the type of an event from `lead`, `at` and `type`)"
        column = csv_column(text, at) if at is not None and text else 1
        reader.diagnostics.append(_diag(
            codes.CSV_HEADER, f"unusable CSV header: {'; '.join(problems)}; no event of "
            "the file is read", name, line, column, hint=hint))
        return None
    position = {n: i for i, n in enumerate(names)}
    fields = tuple((i, n[7:].strip()) for i, n in enumerate(names) if n.startswith("fields."))
    props = tuple((i, n) for i, n in enumerate(names)
                  if n not in _CSV_RESERVED and not n.startswith("fields."))
    return (len(names), position["lead"], position["at"], position["type"],
            position.get("id"), position.get("state"), fields, props)


def _csv_rows(reader, table, tape: "_Tape", plan, prev: int, index: int,
              name: str) -> Iterator[Record]:
    ncols, i_lead, i_at, i_type, i_id, i_state, field_cols, prop_cols = plan
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
                again = _rows_like_events(reader, taken, ncols, i_at, lineno)
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
            _runaway_quote(reader, taken, ncols, i_at, name, lineno)   # unless they look like rows
        lead, at, typ = row[i_lead], row[i_at], row[i_type]
        eid = row[i_id] or None if i_id is not None else None
        state = row[i_state] or None if i_state is not None else None
        if lead.strip() != lead or typ.strip() != typ or eid and eid.strip() != eid or state and state.strip() != state:
            _spaced(spaced, row, columns, taken, lineno)
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
            ok = lead and typ and (state or typ != "state")
        except KeyError:
            ok = False
        if not ok:
            problems, us, eid = _check_event(lead or None, at or None, typ or None, state,
                                             eid, fields, clock)
            if clock.shifted:
                below, column = _cell_place(taken, columns, "at")
                reader.shifts(name, lineno + below, None if problems else us, column=column, lead=lead)
            if problems:
                reader.problems(problems, name, lineno, column_of=lambda key: _cell_place(taken, columns, key),
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
                           eid or (prefix + str(lineno) if prefix else str(lineno)),
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


def _spaced(spaced: dict, row: list, columns: dict, taken: list, lineno: int) -> None:
    """Count the cells of ``lead``, ``type``, ``id`` and ``state`` with spaces around their
    text (SLA516), keeping where the first of each column was."""
    for key in ("lead", "type", "id", "state"):
        index = columns.get(key)
        text = row[index] if index is not None else ""
        if text and text.strip() != text:
            seen = spaced.get(key)
            if seen is None:
                below, column = _cell_place(taken, columns, key)
                lead = columns.get("lead")
                spaced[key] = [1, (lineno + below, column), text, row[lead] if lead is not None else None]
            else:
                seen[0] += 1


def csv_column(text: str, index: int) -> int:
    """1-based character column where cell ``index`` of a CSV row starts on its first line
    (1 when the row's quoted cells carry it onto a later line)."""
    offset, column = csv_place(text, index)
    return column if offset == 0 else 1


def csv_place(text: str, index: int) -> tuple[int, int]:
    """Where cell ``index`` of a CSV row (``text``: its lines joined, line breaks kept)
    starts: the number of lines after the row's first, and the 1-based column on that line."""
    cell, quoted, start, skip = 0, False, True, False
    line_start, offset = 0, 0
    for i, ch in enumerate(text):
        if cell == index:
            return offset, i - line_start + 1
        if ch == "\n":                             # inside a quoted cell: the row goes on
            offset, line_start = offset + 1, i + 1
        if skip:                                    # the second quote of a `""` in a quoted cell
            skip = False
        elif quoted:
            if ch == '"':
                if text[i + 1:i + 2] == '"':
                    skip = True
                else:
                    quoted = False
        elif ch == '"' and start:                   # only a cell's first character opens quotes
            quoted = True
        elif ch == ",":
            cell += 1
            start = True
            continue
        start = False
    if cell != index:
        return 0, 1
    return offset, len(text[line_start:].rstrip("\r\n")) + 1


def _column_names(plan) -> list[str]:
    """The header's column names, from a :func:`_csv_plan` plan."""
    ncols, i_lead, i_at, i_type, i_id, i_state, field_cols, prop_cols = plan
    names = [""] * ncols
    for i, n in ((i_lead, "lead"), (i_at, "at"), (i_type, "type"), (i_id, "id"), (i_state, "state")):
        if i is not None:
            names[i] = n
    for i, key in field_cols:
        names[i] = "fields." + key
    for i, key in prop_cols:
        names[i] = key
    return names


def _cell_count_hint(row: list[str], plan) -> str:
    """The hint of a row with too few or too many cells (SLA501). Too few: the columns left
    without a cell, taken to be the last ones (trailing empty cells left off), and that an
    empty cell is still written; the row stays refused, as it may be a line broken in two.
    Too many: how many more, and that a cell with a comma is quoted."""
    ncols = plan[0]
    if len(row) < ncols:
        names = _column_names(plan)[len(row):]
        k = len(names)
        shown = ", ".join(f"`{n}`" for n in names[:5]) + (f" and {k - 5} more" if k > 5 else "")
        columns = f"the last column ({shown}) has" if k == 1 else f"the last {k} columns ({shown}) have"
        commas = "1 comma if that cell is" if k == 1 else f"{k} commas if those cells are"
        return (f"{columns} no cell: end the row with {commas} empty (an empty cell is still written, as `,,`); "
                "or, if the line was broken in two, join it")
    extra = len(row) - ncols
    more = "1 cell more" if extra == 1 else f"{extra} cells more"
    trailing = (f", or remove the {'trailing comma' if extra == 1 else f'{extra} trailing commas'}"
                if not any(c.strip() for c in row[ncols:]) else "")
    return (f"the row has {more} than the header: a cell with a comma in it goes in double quotes "
            f"(`\"1,500\"`, `\"Smith, Jo\"`){trailing}")


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


def _cell_place(taken: list[str], columns: dict, key: str) -> tuple[int, int]:
    """Where the cell of reserved column ``key`` starts: lines after the row's first, and
    the 1-based column ((0, 1) when there is no such column)."""
    index = columns.get(key)
    return (0, 1) if index is None else csv_place("".join(taken), index)
