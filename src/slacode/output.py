"""Renderers of evaluation results: table, JSON, JSON Lines, CSV."""
from __future__ import annotations

import csv
import io
import re
from collections import Counter
from typing import Generator, Iterator

import orjson

from slacode.diagnostics import sort_by_place
from slacode.verdict import STATUS_ORDER as _STATUS_ORDER, VERDICT_KEYS, as_text, summary_of
from slacode.texts import int_digits, plural as _plural, visible


def csv_rows(columns, rows) -> str:
    """A CSV text: a header of ``columns``, then each row (a dict) in that order, ``None`` as an
    empty cell (what ``due`` and ``changes`` write)."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(columns)
    for row in rows:
        w.writerow(["" if row[k] is None else row[k] for k in columns])
    return buf.getvalue()


def dumps(obj, option: int | None = None) -> bytes:
    """``obj`` as JSON (orjson), or, for the rare object holding an int beyond 64 bits (a sum
    of big amounts, a goal from a `let`), as :mod:`json` writes it: the int exactly, as a JSON
    number. ``option``: only :data:`orjson.OPT_INDENT_2` (two-space indent) is understood."""
    try:
        return orjson.dumps(obj) if option is None else orjson.dumps(obj, option=option)
    except TypeError as e:
        if "64-bit" not in str(e):
            raise
    if option:
        return json_text(obj, ensure_ascii=False, indent=2, default=str).encode()
    return json_text(obj, ensure_ascii=False, separators=(",", ":"), default=str).encode()


def json_text(obj, **options) -> str:
    """``json.dumps(obj, **options)``, also for an object holding an int of more digits than
    Python writes with ``str()`` (``sys.get_int_max_str_digits()``, 4,300 by default: a sum
    of such amounts, a library event's value): each int beyond 64 bits is then written as a
    unique placeholder string, replaced by its digits (:func:`~slacode.texts.int_digits`)."""
    import json

    try:
        return json.dumps(obj, **options)
    except ValueError:
        pass
    import uuid

    mark = f"\ue000{uuid.uuid4().hex}:"
    found: list[int] = []

    def swap(x):
        cls = x.__class__
        if cls is dict:
            return {k: swap(v) for k, v in x.items()}
        if cls in (list, tuple):
            return [swap(v) for v in x]
        if isinstance(x, int) and not isinstance(x, bool) and not -(1 << 63) <= x < 1 << 64:
            found.append(int(x))
            return f"{mark}{len(found) - 1}"
        return x

    text = json.dumps(swap(obj), **{**options, "ensure_ascii": False})
    for k, n in enumerate(found):
        text = text.replace(f'"{mark}{k}"', int_digits(n), 1)
    return text


#: A run of 19 digits: every int beyond 64 bits has one (2**63 has 19 digits).
_LONG_NUMBER = re.compile(rb"[0-9]{19}")


def loads(line: bytes | str):
    """JSON read back as :func:`dumps` wrote it: orjson, unless the line holds a run of 19
    digits or more, where an int beyond 64 bits may be (orjson reads one as a float, and one
    past the largest float not at all, wherever it stands: a sum, a goal, a `by FIELD`
    group); :mod:`json` then reads it exactly. A text with a long run of digits in it (a
    phone number) takes the same path, to the same result."""
    if _LONG_NUMBER.search(line if line.__class__ is bytes else line.encode()) is None:
        return orjson.loads(line)
    import json

    return json.loads(line, parse_int=read_int)


def read_int(text: str) -> int:
    """An int of JSON text that :func:`dumps` wrote, of any number of digits (``int()``
    refuses more than ``sys.get_int_max_str_digits()``; the decimal module reads them)."""
    try:
        return int(text)
    except ValueError:
        from decimal import Decimal

        return int(Decimal(text))


#: The verdict keys that may hold an int past Python's digit limit (a sum, its goal), and
#: the ints :func:`stream_check` writes as they are in CSV (smaller than 10**18: never past it).
_HUGE_KEYS = ("value", "threshold")
_SMALL = 10 ** 18

_STATUS_COLOR = {"met": "32", "breached": "1;31", "at_risk": "33", "paused": "36", "pending": "37",
                 "cancelled": "2"}


#: warnings about an event that then counts for nothing: an id used before with another
#: content (the later event is ignored), a type nearly one the agreement reads
_LOST_WARNINGS = frozenset({"SLA505", "SLA605"})


def lossy_leads(diagnostics) -> set:
    """The leads that have an event that could not be used (an error reading it) or that
    counts for nothing (:data:`_LOST_WARNINGS`): their verdicts leave it out."""
    return {d.lead for d in diagnostics if d.lead is not None and d.code[:4] == "SLA5" and d.severity == "error"
            or d.code in _LOST_WARNINGS and d.lead is not None}


#: the table's columns; ``period`` and ``group`` are left out when no row has one
_TABLE_HEAD = ("lead", "rule", "clause", "cycle", "period", "status", "assignee", "group", "due", "reason")
_PERIOD, _GROUP = 4, 7
_LOSSY_NOTE = ("! the lead has an event that could not be used or that counts for nothing (the problems "
               "below say which): its verdicts leave it out")


def _row_cells(d: dict) -> list:
    """A verdict dict's table cells, in :data:`_TABLE_HEAD` order; the lead as it is (a
    lossy lead's ``!`` mark is added, and the cell cut, once the diagnostics are known)."""
    return [d["lead"] or "", d["rule"], d["clause"], "" if d["cycle"] is None else str(d["cycle"]),
            d["period"] or "", d["status"], _cell(as_text(d["assignee"]) or ""),
            _cell(_group_cell(d.get("group"))), d["due_at"] or "", _cell(d["reason"], None)]


class TableSpool:
    """The rows of ``check``'s table, spooled to a temporary file as they come (one JSON
    array of cells a line) while the column widths are tracked, then written padded by
    :meth:`pieces`: memory follows one row, not the output (review 31b H2), and the text is
    the one a table of every row in memory gives."""

    def __init__(self):
        import tempfile

        self.file = tempfile.TemporaryFile()
        self.widths = [len(h) for h in _TABLE_HEAD]     # (the lead's and the reason's unused)
        self.has = [False] * len(_TABLE_HEAD)           # a non-empty cell seen, per column
        self.lead_width = len(_TABLE_HEAD[0])           # of the leads without a mark
        self.rows = 0
        self._buf: list = []
        self._size = 0

    def add(self, d: dict) -> None:
        cells = _row_cells(d)
        widths, has = self.widths, self.has
        for i in range(1, 9):
            n = len(cells[i])
            if n:
                has[i] = True
                if n > widths[i]:
                    widths[i] = n
        n = len(_cell(cells[0]))
        if n > self.lead_width:
            self.lead_width = n
        line = orjson.dumps(cells)
        self._buf.append(line)
        self._size += len(line) + 1
        self.rows += 1
        if self._size >= _WRITE_CHUNK:
            self._flush()

    def _flush(self) -> None:
        if self._buf:
            self.file.write(b"\n".join(self._buf) + b"\n")
            self._buf, self._size = [], 0

    def _rows(self) -> Iterator[list]:
        self._flush()
        self.file.seek(0)
        for line in self.file:
            yield orjson.loads(line)

    def close(self) -> None:
        self.file.close()

    def pieces(self, diagnostics: list, color: bool = False) -> Iterator[bytes]:
        """The table's text (``table`` output, before the summary line), about a MB at a
        time: the header, the rows, the note on lossy leads, the ``diagnostics``."""
        lossy = lossy_leads(diagnostics)
        lead_width, marked = self.lead_width, False
        if lossy:                                   # their mark widens the lead cells: measured again
            lead_width = len(_TABLE_HEAD[0])
            for cells in self._rows():
                lead = cells[0]
                if lead and lead in lossy:
                    lead, marked = lead + " !", True
                lead_width = max(lead_width, len(_cell(lead)))
        keep = [i for i in range(len(_TABLE_HEAD)) if i not in (_PERIOD, _GROUP) or self.has[i]]
        widths = {i: self.widths[i] for i in keep}
        widths[0] = lead_width
        last = keep[-1]
        status_col = 5

        def fmt_row(cells, paint=False) -> str:
            parts = []
            for i in keep:
                cell = cells[i]
                if i == last:
                    parts.append(cell)
                    break
                text = cell.ljust(widths[i])
                if paint and color and i == status_col:
                    text = f"\x1b[{_STATUS_COLOR.get(cell, '0')}m{text}\x1b[0m"
                parts.append(text)
            return "  ".join(parts).rstrip()

        out, size = [fmt_row(_TABLE_HEAD)], 0
        for cells in self._rows():
            lead = cells[0]
            if lead and lead in lossy:
                lead = lead + " !"
            cells[0] = _cell(lead)
            line = fmt_row(cells, True)
            out.append(line)
            size += len(line)
            if size >= _WRITE_CHUNK:
                yield ("\n".join(out) + "\n").encode()
                out, size = [], 0
        if marked:
            out.append(_LOSSY_NOTE)
        out.extend(diagnostic_lines(diagnostics))
        if out:
            yield ("\n".join(out) + "\n").encode()


def table(result, rows, color: bool = False) -> str:
    """The table of ``rows`` (verdicts, or objects with ``to_dict()``) and the diagnostics of
    ``result``, as ``check`` writes it (through a :class:`TableSpool`)."""
    spool = TableSpool()
    try:
        for v in rows:
            spool.add(v.to_dict())
        return b"".join(spool.pieces(result.diagnostics, color)).decode()
    finally:
        spool.close()


def diagnostic_lines(diagnostics) -> list:
    """The diagnostics as the table lists them under its rows: ``file:line:col: CODE
    message``, and the hint on the next line."""
    lines = []
    for d in diagnostics:
        where = visible(d.path) if d.path else "<events>"      # a newline in a file's name keeps one line
        if d.line:
            where += f":{d.line}:{d.column}" if d.column else f":{d.line}"
        tag = "" if d.severity == "error" else f" [{d.severity}]"     # as `lint` writes them
        lines.append(f"{where}: {d.code}{tag} {d.message}")
        if d.hint:                           # what to do about it, as `lint` prints it
            lines.append(f"  = hint: {d.hint}")
    return lines


#: the longest value a table cell shows whole (a lead id, a rep): a longer one ends in `…`
CELL_WIDTH = 60


def _cell(text: str, width: int | None = CELL_WIDTH) -> str:
    """A value as a table shows it (:func:`slacode.texts.visible`: control characters
    escaped, `\\n`, and those that reorder text named, `[U+202E]`), so one row stays one line
    that reads as it is; cut to ``width`` characters. The JSON, JSON Lines and CSV outputs
    keep values as they are."""
    from slacode.texts import visible

    text = visible(text)
    if width is not None and len(text) > width:
        text = text[:width - 1] + "…"
    return text


def _group_cell(group: dict | None) -> str:
    """A `by FIELD` verdict's group in a table: ``region "APAC"``, ``(no region)``."""
    if not group:
        return ""
    from slacode.groups import group_key, group_text

    (name, value), = group.items()
    return group_text(name, group_key(value))


def _group_json(group: dict | None) -> str | None:
    """A `by FIELD` verdict's group in a CSV cell: its JSON object, ``{"region":"APAC"}``."""
    return None if group is None else dumps(group).decode()


def _summary_dict(stats: "CheckStats", diagnostics: list, agreement_diagnostics: int,
                  agreement_meta: dict | None = None, as_of_text: str | None = None) -> dict:
    """:func:`slacode.verdict.summary_of` for a streamed ``check``; with ``agreement_meta``
    (the JSON Lines summary record, whose lines cannot otherwise be tied to their run: the
    JSON document says its agreement and as_of already, and stays the library's
    ``Result.to_dict()``), what a nightly job's dashboard wants of the run (review 31b M6):
    ``as_of``, the ``agreement``'s id and version, the ``slacode`` version, and the
    ``events`` (:func:`events_summary`)."""
    counts = stats.status
    shown = stats.shown
    written = sum(n for st, n in counts.items() if st in shown) if shown else sum(counts.values())
    summary = summary_of(counts, stats.leads, written, diagnostics, agreement_diagnostics, stats.ignored)
    if agreement_meta is None:
        return summary
    summary["as_of"] = as_of_text
    summary["agreement"] = dict(agreement_meta)
    summary["slacode"] = _version()
    summary["events"] = events_summary(stats.evaluated, stats.input_counts)
    return summary


def _version() -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("slacode")
    except PackageNotFoundError:
        return None



def input_counts(diagnostics) -> dict:
    """What the input's diagnostics (before ``--ignore``) say of its events: how many are
    after as_of (:data:`SLA506 <slacode.codes.events.AFTER_AS_OF>`, one a file), how many
    lines were refused (the errors reading them, SLA5xx: each a line, or the rest of a
    file, that could not be used) and how many events were left out as repeats of an id
    (SLA505, a different event under a used id; SLA517, an exact copy)."""
    after = refused = repeated = 0
    for d in diagnostics:
        code = d.code
        if code == "SLA506":
            after += d.count or 0
        elif code == "SLA505" or code == "SLA517":
            repeated += 1
        elif d.severity == "error" and code[:4] == "SLA5":
            refused += 1
    return {"after_as_of": after, "refused": refused, "repeated": repeated}


def events_summary(evaluated: int | None, counts: dict | None) -> dict:
    """The summary's ``events``: ``read`` (every event line of the input: the sum of the
    others), ``evaluated`` (at or before as_of, used), ``after_as_of``, ``refused`` and
    ``repeated`` (:func:`input_counts`); ``read`` and ``evaluated`` are null where the
    evaluation did not count (a library caller's own run)."""
    counts = counts or {"after_as_of": 0, "refused": 0, "repeated": 0}
    read = None if evaluated is None else evaluated + sum(counts.values())
    return {"read": read, "evaluated": evaluated, **counts}


def verdicts_summary(verdicts: int, leads: int, counts: Counter, problems: int, shown: tuple = (),
                     shown_count: int = 0) -> str:
    """``4 verdicts for 3 leads: 2 met, 1 breached, 1 at_risk.`` (and the input problems;
    with ``shown``, the statuses printed, how many verdicts that is)."""
    parts = [f"{counts[s]:,} {s}" for s in _STATUS_ORDER if counts[s]]
    text = f"{_plural(verdicts, 'verdict')} for {_plural(leads, 'lead')}: " + (", ".join(parts) if parts else "none")
    if problems:
        text += f"; {_plural(problems, 'input problem')} reported"
    if shown:
        names = [s for s in _STATUS_ORDER if s in shown]
        text += f"; {shown_count:,} shown ({' or '.join(names)})"
    return text + "."


# ------------------------------------------------------------------ streamed output

class CheckStats:
    """What the command needs after streaming: counts by status and leads seen."""

    def __init__(self):
        self.status: Counter = Counter()
        self.leads = 0
        self.verdicts = 0
        self.problems = 0
        self.found: set = set()             # the leads asked for with --lead that have verdicts
        self.near: dict = {}                # a lead asked for -> a lead id that differs in case or spaces
        self.diagnostics: list = []         # the diagnostics written (the agreement's first)
        self.everything: list = []          # every diagnostic of the run, written or not (--lead)
        self.hidden = 0                     # input problems left out of the table (other leads')
        self.ignored = 0                    # diagnostics left out by --ignore
        self.shown: tuple = ()              # --status: the statuses printed …
        self.shown_count = 0                # … and how many verdicts had them
        self.summary: dict | None = None    # the summary record (JSON and JSON Lines output)
        self.evaluated: int | None = 0      # the events evaluated (None: a lead's count unknown)
        self.input_counts: dict | None = None   # :func:`input_counts` of the input's diagnostics


def nearness(found: str, wanted: str) -> tuple:
    """How near an id equal to ``wanted`` but for case or spaces around it is, the nearest
    least: one without spaces around it first, then the fewest letters in another case,
    then the first in sorted order ("did you mean")."""
    return (found != found.strip(), sum(x != y for x, y in zip(found.strip(), wanted.strip())), found)


def lead_key(lead: str) -> str:
    """A lead id as `--lead` matches it when no id is equal: case and spaces around it
    aside (to say "did you mean")."""
    return lead.strip().casefold()


_VERDICT_LINE = b'{"record":"verdict",'
#: ``check --format jsonl`` writes its output in pieces of about this many bytes.
_WRITE_CHUNK = 1 << 20


class _Counted(list):
    """A lead's verdicts, with how many events its fold took (:func:`count_events`)."""

    __slots__ = ("events",)


def count_events(fold, verdicts) -> list:
    """The ``fold_hook`` of ``check`` (:class:`~slacode.stream.StreamEvaluation`): the lead's
    verdicts as they are, carrying the number of events evaluated for it, which
    :func:`serialize_verdicts` keeps for the summary's ``events.evaluated``."""
    counted = _Counted(verdicts)
    counted.events = fold.events
    return counted


def serialize_verdicts(verdicts) -> tuple[tuple, bytes, int | None]:
    """What the spool keeps of a lead's verdicts for ``check``: their statuses, their
    JSON Lines (``{"record":"verdict",…}``, one per line), ready to be written as they are,
    and the number of the lead's events evaluated (None unless :func:`count_events` ran)."""
    # the object's opening brace becomes the record's: one copy, where slicing and adding make two
    lines = [dumps(v.to_dict()).replace(b"{", _VERDICT_LINE, 1) for v in verdicts]
    lines.append(b"")
    return tuple([v.status for v in verdicts]), b"\n".join(lines), getattr(verdicts, "events", None)


def _only(statuses: tuple, blob: bytes, shown: frozenset | None) -> bytes:
    """The lines of ``blob`` (one verdict each, with these ``statuses``) whose status is
    ``shown`` (all of them when ``shown`` is None)."""
    if shown is None or shown.issuperset(statuses):
        return blob
    lines = blob.split(b"\n")
    kept = [line for line, status in zip(lines, statuses) if status in shown]
    kept.append(b"")
    return b"\n".join(kept) if len(kept) > 1 else b""


def _verdict_json(line: bytes) -> bytes:
    """A verdict's JSON object from its JSON Lines record (without ``"record"``)."""
    return b"{" + line[len(_VERDICT_LINE):]


def _verdict_dicts(blob: bytes) -> Iterator[dict]:
    for line in blob.splitlines():
        d = loads(line)
        del d["record"]
        yield d


CSV_COLUMNS = VERDICT_KEYS + ("timezone", "group", "warnings", "escalates", "count")
"""The CSV columns of ``check``, the same whatever the agreement: every verdict key, then the
keys of the extensions (``timezone``, the zone an `only between … in lead timezone` clause
used; ``group``, a `by FIELD` goal's group as a JSON object; ``warnings``, a rule's several
warning levels as a JSON array; ``escalates``, the breach that started or closed a cycle as a
JSON object; ``count``, the events a `sum PROP of …` quota added up), empty where they do not
apply. One header for every agreement, so that the CSVs of several agreements load into one
table."""


def stream_check(run, fmt: str, out, **options) -> CheckStats:
    """Write ``check`` output for a :class:`~slacode.stream.StreamEvaluation` (built with
    ``serialize=serialize_verdicts``) to the binary stream ``out`` lead by lead: the pieces
    of :func:`check_pieces` (which takes the same ``options``), each written as it comes."""
    pieces = check_pieces(run, fmt, **options)
    write = out.write
    try:
        while True:
            try:
                piece = next(pieces)
            except StopIteration as done:
                return done.value
            write(piece)
    finally:        # (a write that failed: the run's outcomes, which pause the collector, closed now)
        pieces.close()


def check_pieces(run, fmt: str, *, agreement_meta: dict, as_of_text: str, diagnostics: list,
                 leads=None, color: bool = False, columns: tuple[str, ...] = CSV_COLUMNS,
                 agreement_diagnostics: int = 0, shown=None, statuses=None,
                 keep=None) -> Generator[bytes, None, CheckStats]:
    """``check`` output for a :class:`~slacode.stream.StreamEvaluation` (built with
    ``serialize=serialize_verdicts``), in pieces of bytes, lead by lead (the table's rows
    wait in a :class:`TableSpool` on disk until the column widths are known); the generator returns the :class:`CheckStats`.
    JSON Lines pieces are whole lines, about a MB of them. The first
    ``agreement_diagnostics`` of ``diagnostics`` are the agreement's: written, but not
    counted as input problems.
    ``shown``: for the table, which of the events' diagnostics to print (the others are
    counted in ``stats.hidden``). ``statuses``: write only the verdicts with one of these
    statuses (the counts in ``stats`` are of every verdict of the leads asked for).
    ``keep``: the diagnostics to write of a list (``--ignore``; those left out are counted
    in ``stats.ignored``). ``stats.summary`` is the summary record's dict (JSON and JSON
    Lines)."""
    wanted = set(leads) if leads else None
    near = {lead_key(w): w for w in wanted} if wanted else {}
    shown_statuses = frozenset(statuses) if statuses else None
    stats = CheckStats()
    stats.shown = tuple(statuses or ())
    lead_diags: list = []
    asked_notes = None
    if wanted is not None and shown is not None:    # the run's notes as they concern the leads asked
        from slacode.notes import RunNotes

        asked_notes = RunNotes()

    def blobs() -> Iterator[bytes]:
        """Each lead's JSON Lines of verdicts (counted), then the aggregates' verdicts."""
        count = stats.status.update
        outcomes = iter(run.outcomes())
        try:
            yield from _lead_blobs(outcomes, count)
        finally:            # (closed before its end: the outcomes, which pause the collector, too)
            close = getattr(outcomes, "close", None)
            if close is not None:
                close()
        if wanted is None:
            found, blob, _ = serialize_verdicts(run.agg.verdicts())
            count(found)
            yield _only(found, blob, shown_statuses)

    def _lead_blobs(outcomes, count) -> Iterator[bytes]:
        for outcome in outcomes:
            if outcome.diagnostics:
                lead_diags.extend(outcome.diagnostics)
            if wanted is not None:
                if asked_notes is not None and outcome.lead in wanted:
                    asked_notes.take(outcome.lead, outcome.notes)
                if outcome.lead not in wanted:
                    meant = near.get(lead_key(outcome.lead))
                    if meant is not None:
                        had = stats.near.get(meant)
                        if had is None or nearness(outcome.lead, meant) < nearness(had, meant):
                            stats.near[meant] = outcome.lead
                    continue
                stats.found.add(outcome.lead)
            found, blob, events = outcome.verdicts
            if events is None:
                stats.evaluated = None
            elif stats.evaluated is not None:
                stats.evaluated += events
            if found:
                stats.leads += 1
            count(found)
            yield _only(found, blob, shown_statuses)

    finished: list = []

    def all_diags():
        """Every diagnostic, once the verdicts are written: the agreement's own first (sorted
        already), then the input's by file, line and column, then the evaluation's notes."""
        nonlocal agreement_diagnostics
        if not finished:
            own = diagnostics[:agreement_diagnostics]
            rest = (sort_by_place(diagnostics[agreement_diagnostics:] + lead_diags, run.sources or ())
                    + run.closing_diagnostics())
            stats.input_counts = input_counts(rest)
            if keep is not None:
                kept_own, kept_rest = keep(own), keep(rest)
                stats.ignored = len(own) + len(rest) - len(kept_own) - len(kept_rest)
                own, rest, agreement_diagnostics = kept_own, kept_rest, len(kept_own)
            finished.append(own + rest)
        return finished[0]

    if fmt == "jsonl":
        # a lead's lines are a few KB: written a MB at a time, not a system call per lead
        chunk, size = [], 0
        for blob in blobs():
            chunk.append(blob)
            size += len(blob)
            if size >= _WRITE_CHUNK:
                yield b"".join(chunk)
                chunk, size = [], 0
        yield b"".join(chunk)
        for d in all_diags():
            yield dumps({"record": "diagnostic", **d.to_dict()}) + b"\n"
        stats.summary = _summary_dict(stats, all_diags(), agreement_diagnostics, agreement_meta, as_of_text)
        yield dumps({"record": "summary", **stats.summary}) + b"\n"
    elif fmt == "json":
        yield (b'{\n  "agreement": ' + dumps(agreement_meta) + b',\n  "as_of": ' + dumps(as_of_text)
               + b',\n  "verdicts": [')
        sep = b"\n    "
        for blob in blobs():
            for line in blob.splitlines():
                yield sep + _verdict_json(line)
                sep = b",\n    "
        yield b"\n  ],\n  \"diagnostics\": ["
        sep = b"\n    "
        for d in all_diags():
            yield sep + dumps(d.to_dict())
            sep = b",\n    "
        stats.summary = _summary_dict(stats, all_diags(), agreement_diagnostics)    # (the library's Result's)
        yield b"\n  ],\n  \"summary\": " + dumps(stats.summary) + b"\n}\n"
    elif fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(columns)
        for blob in blobs():
            for d in _verdict_dicts(blob):
                d["evidence"] = " ".join(str(x) for x in d["evidence"])
                if "group" in d:
                    d["group"] = _group_json(d["group"])
                if d.get("warnings") is not None:
                    d["warnings"] = dumps(d["warnings"]).decode()
                if d.get("escalates") is not None:
                    d["escalates"] = dumps(d["escalates"]).decode()
                for k in _HUGE_KEYS:        # an int past Python's digit limit: csv's str() refuses it
                    if d.get(k).__class__ is int and not -_SMALL < d[k] < _SMALL:
                        d[k] = int_digits(d[k])
                w.writerow(["" if d.get(k) is None else d[k] for k in columns])
            if buf.tell() > 1 << 16:
                yield buf.getvalue().encode()
                buf.seek(0)
                buf.truncate()
        yield buf.getvalue().encode()
    else:
        spool = TableSpool()        # rows on disk, widths in memory (review 31b H2)
        try:
            for blob in blobs():
                for d in _verdict_dicts(blob):
                    spool.add(d)
            table_diags = all_diags()
            if shown is not None:               # --lead: the problems of those leads' lines
                candidates, shared = table_diags[agreement_diagnostics:], 0
                if asked_notes:
                    candidates, shared = _notes_of_leads(candidates, run, asked_notes, wanted, keep)
                kept = shown(candidates)
                stats.hidden = len(candidates) - len(kept) + shared
                table_diags = table_diags[:agreement_diagnostics] + kept
            table_diags = in_line_order(table_diags, agreement_diagnostics, run.sources)
            yield from spool.pieces(table_diags, color)
        finally:
            spool.close()
    stats.verdicts = sum(stats.status.values())
    if shown_statuses:
        stats.shown_count = sum(n for s, n in stats.status.items() if s in shown_statuses)
    stats.everything = all_diags()
    stats.diagnostics = stats.everything if fmt != "table" else table_diags
    if fmt == "csv":                    # listed as text on standard error: in line order as the table
        stats.diagnostics = in_line_order(stats.everything, agreement_diagnostics, run.sources)
    # input problems: those of the events (the agreement's own warnings come first)
    stats.problems = sum(1 for d in stats.diagnostics[agreement_diagnostics:] if d.severity != "info")
    return stats


def in_line_order(diagnostics: list, agreement_diagnostics: int, sources) -> list:
    """For text read by a person (review 27b L4): ``diagnostics`` with the run's notes at an
    event (SLA605 …, which the machine formats list after the reading problems, being made
    once the whole input is evaluated) merged into the order of file, line and column; the
    agreement's own ``agreement_diagnostics`` first, notes at a place in the agreement after
    the event files'. The JSON, JSON Lines and SARIF order is unchanged."""
    own, rest = diagnostics[:agreement_diagnostics], diagnostics[agreement_diagnostics:]
    return own + sort_by_place(rest, sources or ())


def _notes_of_leads(diagnostics: list, run, asked, wanted: set, keep=None) -> tuple[list, int]:
    """For ``check --lead``'s table: ``diagnostics`` with the run's notes (SLA602, SLA605 to
    SLA609, SLA615, SLA616, SLA620 …, said once per run at the first lead in lead order that
    has one, and counting the leads) replaced by the same notes made of the leads asked
    alone (``asked``: their :class:`~slacode.notes.RunNotes`; ``wanted``: those leads), so that a copy or a misspelt
    type of lead L3 is said of L3, not hidden under the first lead's line; and how many of
    the notes replaced also concern other leads (counted among those left out)."""
    from slacode.notes import RunNotes, note_diagnostics, unsaid_notes

    plan, everyone = run.agg.plan, run.notes.places
    # the notes the whole run shows to be no misspelling (SLA613, SLA616: a lead of the
    # input has both names) are no misspelling of the leads asked either
    unsaid = unsaid_notes(run.notes)
    general, shared = [], 0
    for key in asked.places:
        if key not in everyone:
            continue
        theirs = RunNotes()
        theirs.places = {key: everyone[key]}
        said = note_diagnostics(theirs, run.sources, plan, whole_run=False, unsaid=unsaid)
        general += said
        if everyone[key][0] > asked.places[key][0]:     # said of another lead too, at its line
            shared += sum(1 for d in said if d.lead is not None and d.lead not in wanted)
    own = note_diagnostics(asked, run.sources, plan, whole_run=False, unsaid=unsaid)
    if keep is not None:                                # (--ignore leaves them out too)
        own = keep(own)
    return [d for d in diagnostics if d not in general] + own, shared



class _NoDiagnostics:
    diagnostics: tuple = ()


class RenderedSpool:
    """The sink of ``check --format github`` (:func:`slacode.stream.result_of`): each lead's
    verdicts, as they come, counted and rendered by ``render`` (a
    :data:`~slacode.reporters.CHECK_FORMATS` renderer, given no diagnostics) into a temporary
    file, so that memory follows one lead, not the run (review 31b H2); the diagnostics'
    lines, which come first, are rendered at the end and :meth:`pieces` writes them, then
    the file. ``leads``: only those leads' verdicts (``--lead``); ``statuses``: only those
    rendered (``--status``), every one counted."""

    def __init__(self, render, agreement, leads=(), statuses=(), **options):
        import tempfile

        self.render, self.agreement, self.options = render, agreement, options
        self.wanted = set(leads) if leads else None
        self.statuses = frozenset(statuses) if statuses else None
        self.file = tempfile.TemporaryFile()
        self.counts: Counter = Counter()
        self.leads = 0                  # the leads with verdicts (of those asked for)
        self.shown = 0                  # the verdicts rendered
        self.read_any = False           # a lead had verdicts (asked for or not)
        self.found: set = set()         # the leads asked for that have verdicts
        self.ids: set = set()           # with --lead: every lead id, to say "did you mean"

    def __call__(self, verdicts) -> None:
        rows = verdicts
        ids = {v.lead for v in verdicts if v.lead is not None}
        if ids:
            self.read_any = True
        if self.wanted is not None:
            self.ids |= ids
            rows = [v for v in verdicts if v.lead in self.wanted]
            ids = {v.lead for v in rows if v.lead is not None}
            self.found |= ids
        self.leads += len(ids)
        self.counts.update(v.status for v in rows)
        shown = rows if self.statuses is None else [v for v in rows if v.status in self.statuses]
        self.shown += len(shown)
        if shown:
            text = self.render(_NoDiagnostics, shown, self.agreement, **self.options)
            if text:
                self.file.write(text.encode())

    def pieces(self, result) -> Iterator[bytes]:
        """The output: the diagnostics of ``result`` rendered, then every verdict's text."""
        yield self.render(result, [], self.agreement, **self.options).encode()
        self.file.seek(0)
        while True:
            chunk = self.file.read(_WRITE_CHUNK)
            if not chunk:
                return
            yield chunk

    def close(self) -> None:
        self.file.close()


def stream_summary(stats: CheckStats) -> str:
    return verdicts_summary(stats.verdicts, stats.leads, stats.status, stats.problems, stats.shown, stats.shown_count)
