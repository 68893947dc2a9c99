"""Model (+ source text) → canonical text: the ``slacode fmt`` stage.

The layout is printed from the model, so it depends on what the agreement says and not on
how it was typed: two-space indentation, one statement per line (``;`` becomes a line break,
wrapped lines are joined), a blank line around every block declaration, compact durations
(``1h30m``), ``HH:MM`` times, predicates with only the parentheses their meaning needs,
``a, b`` lists and re-escaped strings. Three things come from the source text instead,
because the model does not hold them:

* **comments**, found by scanning the text (outside strings and backquoted names) and
  re-attached to the statement they precede or trail (:func:`_attach`);
* **blank lines** inside blocks and between one-line declarations: at most one is kept
  where the author left one;
* **digit grouping** of numbers (``1_000`` stays, ``1__0`` becomes ``10``).

:func:`format` reads its own output back and raises :class:`FormatError` unless it gives
the same model (``model_dump()``) and the same comments, so a bug in the printer can never
change an agreement's meaning or lose a comment.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from slacode import model as m

INDENT = "  "
#: spaces between a statement and its end-of-line comment (the least; runs are aligned)
COMMENT_GAP = 2


class FormatError(Exception):
    """The formatter's output did not read back as the same agreement with the same
    comments. This is a bug in the formatter; nothing should be written."""


# ------------------------------------------------------------------------- public API

def format(text: str, file: str | None = None) -> str:  # noqa: A001 - the documented name
    """The canonical layout of the agreement ``text``, comments kept.

    Raises :class:`slacode.SpecError` when ``text`` does not parse, and
    :class:`FormatError` when the result would not read back as the same agreement (a bug).
    """
    from slacode.api import source_text

    text = source_text(text)
    agreement = _read(text, file)
    out = _Layout(agreement, text).render()
    verify(text, out, agreement, file)
    return out


def one_line(node: Any) -> str:
    """The canonical one-line text of a predicate, an expression, a trigger list (a tuple of
    :class:`~slacode.model.Trigger`) or a one-line statement (a clause, ``segment`` or
    ``let``): what ``fmt`` writes for it. Shared with ``slacode diff``."""
    p = _Printer([])
    if isinstance(node, tuple):
        return p.triggers(node)
    if isinstance(node, (m.Or, m.And, m.Not, m.Compare, m.Member, m.Exists, m.TextTest,
                         m.SegmentRef, m.BoolConst, m.Seen, m.Awaiting)):
        return p.pred(node)
    if isinstance(node, (m.Number, m.Constant, m.Binary, m.Chain, m.Negate, m.Call)):
        return p.expr(node)
    return p.statement(node)


def print_agreement(agreement: m.Agreement) -> str:
    """The canonical text of a model (no comments: a model has none)."""
    return _Layout(agreement, None).render()


def verify(before: str, after: str, agreement: m.Agreement | None = None, file: str | None = None) -> None:
    """Raise :class:`FormatError` unless ``after`` parses to the same model as ``before``
    and keeps every comment of it, in order."""
    if agreement is None:
        agreement = _read(before, file)
    from slacode.diagnostics import SpecError

    try:
        again = _read(after, file)
    except SpecError as e:
        raise FormatError(f"the formatted text does not parse ({e})") from None
    old, new = agreement.model_dump(), again.model_dump()
    if old != new:
        where = _first_difference(old, new) or "the agreement"
        raise FormatError(f"the formatted text does not mean the same: {where} differs")
    lost = _comment_difference(comments(before), comments(after))
    if lost:
        raise FormatError(f"the formatted text {lost}")


def _read(text: str, file: str | None) -> m.Agreement:
    from slacode.build import build
    from slacode.diagnostics import SpecError, has_errors
    from slacode.parse import parse

    tree, diags = parse(text, file)
    if tree is None:
        raise SpecError(diags)
    agreement, more = build(tree, file)
    if agreement is None or has_errors(more):
        raise SpecError(list(diags) + list(more))
    return agreement


def _first_difference(a: Any, b: Any, path: str = "") -> str | None:
    """The path of the first place where two dumps differ (``declarations[2].clauses[5]``)."""
    if isinstance(a, dict) and isinstance(b, dict):
        for key in list(a) + [k for k in b if k not in a]:
            if a.get(key, _MISSING) != b.get(key, _MISSING):
                deeper = _first_difference(a.get(key), b.get(key), f"{path}.{key}" if path else key)
                return deeper or (f"{path}.{key}" if path else key)
        return None
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        for i, (x, y) in enumerate(zip(a, b)):
            if x != y:
                return _first_difference(x, y, f"{path}[{i}]") or f"{path}[{i}]"
        return f"{path} (length {len(a)} became {len(b)})" if len(a) != len(b) else None
    return path if a != b else None


_MISSING = object()


def _comment_difference(before: list[Comment], after: list[Comment]) -> str | None:
    old, new = [c.text for c in before], [c.text for c in after]
    if old == new:
        return None
    if len(old) != len(new):
        return f"has {len(new)} comments instead of {len(old)}"
    i = next(i for i, (x, y) in enumerate(zip(old, new)) if x != y)
    return f"changes the comment of line {before[i].line} ({old[i]!r} became {new[i]!r})"


# --------------------------------------------------------------------------- comments

@dataclass
class Comment:
    """A ``#`` comment: where it stands and its text (trailing white space removed)."""

    line: int
    column: int
    text: str
    own_line: bool                      # nothing but white space or `;` before it
    blank_before: bool = False          # set when attached: a blank line to keep above it

    @property
    def pos(self) -> tuple[int, int]:
        return (self.line, self.column)


def comments(text: str) -> list[Comment]:
    """Every comment of ``text``, in order. ``#`` inside a string or a backquoted name is
    not a comment; strings and backquoted names end at the end of their line."""
    found: list[Comment] = []
    line, line_start, i, n = 1, 0, 0, len(text)
    quote: str | None = None
    while i < n:
        ch = text[i]
        if ch == "\n":
            line, line_start, quote = line + 1, i + 1, None
        elif quote == '"':
            if ch == "\\" and i + 1 < n and text[i + 1] != "\n":
                i += 1
            elif ch == '"':
                quote = None
        elif quote == "`":
            if ch == "`":
                quote = None
        elif ch in "\"`":
            quote = ch
        elif ch == "#":
            end = text.find("\n", i)
            end = n if end < 0 else end
            own = text[line_start:i].strip(" \t\f\r;") == ""
            found.append(Comment(line, i - line_start + 1, text[i:end].rstrip(), own))
            i = end
            continue
        i += 1
    return found


# ------------------------------------------------------------------ statements and blocks

def block_items(node: Any) -> tuple | None:
    """The statements inside a block declaration, or None for a one-line statement."""
    if isinstance(node, (m.AgreementDecl, m.CalendarDecl, m.TargetDecl, m.QuotaDecl, m.TestDecl)):
        return node.items
    if isinstance(node, m.StatesDecl):
        return node.states
    if isinstance(node, m.FlowDecl):
        return node.lines
    if isinstance(node, m.Rule):
        return node.clauses
    if isinstance(node, m.TestEventsFrom) and node.options:
        return node.options
    return None


@dataclass
class _Stmt:
    """A statement of the file with the comments that go with it."""

    node: Any
    start: tuple[int, int]
    end: tuple[int, int]
    items: list[_Stmt] | None = None                        # block declarations only
    leading: list[Comment] = field(default_factory=list)    # own lines above it
    inner: list[Comment] = field(default_factory=list)      # from inside a wrapped statement
    trailing: Comment | None = None                         # end of its (last) line
    header: Comment | None = None                           # after `{`
    closing: list[Comment] = field(default_factory=list)    # own lines before `}`
    blank_before: bool = False

    @property
    def is_block(self) -> bool:
        return self.items is not None

    def contains(self, pos: tuple[int, int]) -> bool:
        return self.start <= pos < self.end


_NOWHERE = (0, 0)


def _stmt(node: Any, prev_end: tuple[int, int]) -> _Stmt:
    span = node.span
    if span is None:  # built by hand: nothing to attach to it
        start = end = prev_end
    else:
        start = (span.line, span.column)
        end = (span.end_line or span.line, span.end_column or span.column)
    items = block_items(node)
    stmt = _Stmt(node, start, end)
    if items is not None:
        stmt.items, last = [], start
        for item in items:
            child = _stmt(item, last)
            stmt.items.append(child)
            last = child.end
    return stmt


@dataclass
class _File:
    stmts: list[_Stmt]
    closing: list[Comment] = field(default_factory=list)    # after the last declaration


def _attach(agreement: m.Agreement, text: str | None) -> _File:
    """The file's statements, each with its comments."""
    stmts, last = [], _NOWHERE
    for decl in agreement.declarations:
        stmts.append(_stmt(decl, last))
        last = stmts[-1].end
    file = _File(stmts)
    if text is None:
        return file
    for c in comments(text):
        _place(file, c)
    blank = _blank_lines(text)
    _mark_blanks(stmts, file.closing, 0, blank)
    for s in stmts:
        if s.is_block:
            _mark_blanks(s.items, s.closing, s.start[0], blank)
    return file


def _place(file: _File, c: Comment) -> None:
    """Attach comment ``c`` to its statement.

    Inside a statement that wraps over lines: to that statement (printed above it, since
    the statement becomes one line). After code on its line: to the statement that ends
    there, or to the block whose ``{`` is there. Otherwise, on a line of its own: to the
    next statement of the same block (or file), else to the end of the block (or file).
    """
    container: _Stmt | None = None
    items = file.stmts
    while True:
        inside = next((s for s in items if s.contains(c.pos)), None)
        if inside is None:
            break
        if not inside.is_block:          # within a statement that wraps over lines
            inside.inner.append(c)
            return
        container, items = inside, inside.items
    if not c.own_line:
        before = [s for s in items if s.end <= c.pos and s.end[0] == c.line]
        if before:
            before[-1].trailing = c
            return
        if container is not None and c.line == container.start[0]:
            container.header = c
            return
    after = next((s for s in items if s.start > c.pos), None)
    if after is not None:
        after.leading.append(c)
    elif container is not None:
        container.closing.append(c)
    else:
        file.closing.append(c)


def _blank_lines(text: str) -> set[int]:
    return {i for i, line in enumerate(text.split("\n"), 1) if line.strip(" \t\f\r;") == ""}


def _mark_blanks(stmts: list[_Stmt], closing: list[Comment], first_line: int, blank: set[int]) -> None:
    """Note, for each comment and statement of one container, whether the author left a
    blank line between it and the element above it."""
    prev = first_line

    def gap(line: int) -> bool:
        return any(n in blank for n in range(prev + 1, line))

    for s in stmts:
        for c in s.leading:
            c.blank_before, prev = gap(c.line), c.line
        if s.node.span is not None:
            s.blank_before, prev = gap(s.start[0]), s.end[0]
    for c in closing:
        c.blank_before, prev = gap(c.line), c.line


# --------------------------------------------------------------------------- layout

@dataclass
class _Line:
    depth: int
    code: str                       # "" for a line that is only a comment
    comment: str | None = None


class _Layout:
    """Prints the statements of one file with their comments."""

    def __init__(self, agreement: m.Agreement, text: str | None):
        self.file = _attach(agreement, text)
        self.printer = _Printer(text.split("\n") if text is not None else [])
        self.lines: list[_Line | None] = []      # None is a blank line

    def render(self) -> str:
        stmts = self.file.stmts
        for i, s in enumerate(stmts):
            if i:
                keep = _head_blank(s)
                if stmts[i - 1].is_block or s.is_block:
                    keep = True
                self._blank(keep)
            self._statement(s, 0, first=i == 0)
        self._comments(self.file.closing, 0, first=not stmts)
        return _join(self.lines)

    # -- pieces --------------------------------------------------------------------
    def _blank(self, keep: bool) -> None:
        if keep and self.lines and self.lines[-1] is not None:
            self.lines.append(None)

    def _comments(self, found: list[Comment], depth: int, first: bool) -> None:
        for i, c in enumerate(found):
            if not (first and i == 0):
                self._blank(c.blank_before)
            self.lines.append(_Line(depth, "", c.text))

    def _statement(self, s: _Stmt, depth: int, first: bool) -> None:
        """Leading comments, then the statement (its block's items one deeper)."""
        self._comments(s.leading, depth, first)
        if s.leading:
            self._blank(s.blank_before)
        for c in s.inner:
            self.lines.append(_Line(depth, "", c.text))
        if not s.is_block:
            self.lines.append(_Line(depth, self.printer.statement(s.node), _text_of(s.trailing)))
            return
        head = _HEADERS[type(s.node)](s.node)
        if not s.items and not s.closing and s.header is None:
            self.lines.append(_Line(depth, head + " {}", _text_of(s.trailing)))
            return
        self.lines.append(_Line(depth, head + " {", _text_of(s.header)))
        for j, item in enumerate(s.items):
            if j:
                self._blank(_head_blank(item))
            self._statement(item, depth + 1, first=j == 0)
        self._comments(s.closing, depth + 1, first=not s.items)
        self.lines.append(_Line(depth, "}", _text_of(s.trailing)))


def _head_blank(s: _Stmt) -> bool:
    """Whether the author left a blank line above a statement (above its comments)."""
    return s.leading[0].blank_before if s.leading else s.blank_before


def _text_of(c: Comment | None) -> str | None:
    return c.text if c is not None else None


def _join(lines: list[_Line | None]) -> str:
    """The text of the lines, with runs of end-of-line comments aligned to one column."""
    while lines and lines[-1] is None:
        lines.pop()
    out: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        if line is None:
            out.append("")
            i += 1
            continue
        if not (line.code and line.comment):
            out.append((INDENT * line.depth + (line.code or line.comment or "")).rstrip())
            i += 1
            continue
        j = i
        while j < len(lines) and lines[j] is not None and lines[j].code and lines[j].comment:
            j += 1
        run = [INDENT * ln.depth + ln.code for ln in lines[i:j]]
        width = max(len(code) for code in run) + COMMENT_GAP
        out.extend(code.ljust(width) + ln.comment for code, ln in zip(run, lines[i:j]))
        i = j
    return "\n".join(out) + "\n" if out else ""


# -------------------------------------------------------------------------- printer

#: A number literal as the lexer reads it: its sign, integer digits and fraction digits.
_LITERAL = re.compile(r"(-?)(\d[\d_]*)(?:\.(\d+))?")
#: Integer digits fmt keeps as written: no leading zero, and no `_` but a grouping of thousands.
_INTEGER_AS_WRITTEN = re.compile(r"0|[1-9]\d*|[1-9]\d{0,2}(?:_\d{3})+")


def _plain_number(value: int | float) -> str:
    if isinstance(value, bool):
        raise TypeError("a boolean is not a number")
    if isinstance(value, int):
        return str(value)
    text = f"{Decimal(repr(value)):f}"
    return text if "." in text else text + ".0"


def number(value: int | float, source: str | None = None) -> str:
    """A number as slacode writes it: as the author wrote it (``source``), when that reads
    back as ``value`` itself, of its type: a fraction keeps every digit written (``0.10``
    stays ``0.10``: trailing zeros mean something to people, in money), the integer part its
    grouping of thousands (``1_000``); only an odd integer part is written plainly (``007.50``
    → ``7.50``, ``1__0`` → ``10``). Without a source (or another value), plain digits."""
    plain = _plain_number(value)
    found = _LITERAL.fullmatch(source) if source is not None and source != plain else None
    if found is None:
        return plain
    from slacode.build import number as read

    try:
        again = read(source)
    except ValueError:                  # more digits than Python reads: not the value
        return plain
    if again.__class__ is not value.__class__ or again != value:
        return plain
    sign, whole, fraction = found.groups()
    if not _INTEGER_AS_WRITTEN.fullmatch(whole):
        whole = str(int(whole.replace("_", "")))
    return f"{sign}{whole}.{fraction}" if fraction is not None else f"{sign}{whole}"


def string(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _duration(d: m.Duration) -> str:
    return d.compact()


def _field(f: m.FieldRef) -> str:
    return f.text()


_PLAIN_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_SNAKE_CASE = re.compile(r"_*[a-z][a-z0-9]*(?:_[a-z0-9]+)*_*")      # (as SLA401 reads it)


def name_text(value: str, quoted: bool = False) -> str:
    """An event type or a state as ``fmt`` writes it. Backquotes (an extension) where the
    text is no plain name (`` `Open - Not Contacted` ``, `` `form-fill` ``); a name written
    plain stays plain; one written in backquotes loses them where they change nothing: a
    snake_case name that is no keyword (`` `mql` `` → ``mql``). Others keep them: a keyword
    (`` `enter` `` as an event type) and a name the author chose to quote that is not
    snake_case (`` `Qualified` ``: the CRM's spelling, which spares a declared state SLA401)."""
    if not _PLAIN_NAME.fullmatch(value):
        return f"`{value}`"
    if not quoted:
        return value
    from slacode.parse import is_keyword

    if _SNAKE_CASE.fullmatch(value) and not is_keyword(value):
        return value
    return f"`{value}`"


def _name(n: m.Name) -> str:
    """:func:`name_text` of an event type or a state."""
    return name_text(n.value, n.quoted)


def _state_names(names) -> str:
    return ", ".join(_name(n) for n in names)


class _Printer:
    """One-line text of every statement, predicate, trigger and expression."""

    def __init__(self, source_lines: list[str]):
        self.source = source_lines

    # -- helpers -------------------------------------------------------------------
    def _source(self, node: Any) -> str | None:
        """The text a one-line node was read from, when it is known."""
        span = getattr(node, "span", None)
        if span is None or not self.source or span.end_line not in (None, span.line):
            return None
        if span.line > len(self.source) or span.end_column is None:
            return None
        return self.source[span.line - 1][span.column - 1:span.end_column - 1]

    def statement(self, node: Any) -> str:
        return _STATEMENTS[type(node)](self, node)

    def value(self, v: m.Value) -> str:
        if v.kind == "string":
            return string(v.value)
        if v.kind == "number":
            return number(v.value, self._source(v))
        if v.kind == "bool":
            return "true" if v.value else "false"
        if v.kind == "null":
            return "null"
        return name_text(str(v.value), v.quoted)

    # -- predicates ----------------------------------------------------------------
    def pred(self, p: Any) -> str:
        if isinstance(p, m.Or):
            return " or ".join(self._operand(i, 1) for i in p.items)
        if isinstance(p, m.And):
            return " and ".join(self._operand(i, 2) for i in p.items)
        if isinstance(p, m.Not):
            # `not` binds tightest, but `not x == 1` reads as `(not x) == 1`: a test with an
            # operator under `not` keeps its parentheses; names and `not` itself need none.
            inner = self.pred(p.item)
            bare = isinstance(p.item, (m.SegmentRef, m.BoolConst, m.Not, m.Seen, m.Awaiting))
            return "not " + (inner if bare else f"({inner})")
        if isinstance(p, m.Compare):
            return f"{_field(p.field)} {p.op} {self.value(p.value)}"
        if isinstance(p, m.Member):
            values = ", ".join(self.value(v) for v in p.values)
            return f"{_field(p.field)} {'not in' if p.negated else 'in'} [{values}]"
        if isinstance(p, m.Exists):
            return f"{_field(p.field)} {'missing' if p.negated else 'exists'}"
        if isinstance(p, m.TextTest):
            op = "contains" if p.op == "contains" else "starts with"
            return f"{_field(p.field)} {op} {string(p.text.value)}"
        if isinstance(p, m.SegmentRef):
            return p.name.value
        if isinstance(p, m.BoolConst):
            return "true" if p.value else "false"
        if isinstance(p, m.Seen):           # (extension) its `where` takes one test: a longer one in parentheses
            if p.where is None:
                return f"seen {_name(p.type)}"
            return f"seen {_name(p.type)} where {self._operand(p.where, 2)}"
        if isinstance(p, m.Awaiting):       # (extension)
            return f"awaiting {_name(p.type)} since {_name(p.since)}"
        raise TypeError(f"not a predicate: {type(p).__name__}")

    def _operand(self, p: Any, level: int) -> str:
        """``p`` inside an operator of precedence ``level`` (or 1, and 2, not 3)."""
        text = self.pred(p)
        return f"({text})" if _pred_level(p) <= level else text

    # -- triggers --------------------------------------------------------------------
    def triggers(self, triggers: tuple[m.Trigger, ...]) -> str:
        last = len(triggers) - 1
        return " or ".join(self.trigger(t, i == last) for i, t in enumerate(triggers))

    def trigger(self, t: m.Trigger, last: bool) -> str:
        if t.kind in ("enter", "leave"):
            return f"{t.kind} " + _state_names(t.states)
        # (`breach of R`, `2nd attempt of R`: their type is the trigger's text)
        virtual = t.nth is not None or t.breach is not None or t.warning is not None or t.success is not None
        type_ = t.type.value if virtual else _name(t.type)
        if t.where is None:
            return type_
        where = self.pred(t.where)
        # A bare `where` runs to the end of the clause. One that starts with `(` is wrapped
        # whole: after its first group, `or` and a name would begin another trigger.
        if last and not where.startswith("("):
            return f"{type_} where {where}"
        return f"{type_} where ({where})"

    # -- expressions ---------------------------------------------------------------
    def _arith_operand(self, e: Any, level: int, first: bool = False) -> str:
        """An operand of operators of ``level``, in parentheses where it binds more loosely
        (the first operand: less tightly; any later one: as tightly, `a - (b - c)`)."""
        text = self.expr(e)
        inner = _expr_level(e)
        if inner is not None and (inner < level if first else inner <= level):
            return f"({text})"
        return text

    def expr(self, e: Any) -> str:
        if isinstance(e, m.Number):
            return number(e.value, self._source(e))
        if isinstance(e, m.Constant):
            return e.name.value
        if isinstance(e, m.Call):
            return f"{e.func.value}(" + ", ".join(self.expr(a) for a in e.args) + ")"
        if isinstance(e, m.Negate):
            inner = self.expr(e.item)
            return "-" + (f"({inner})" if isinstance(e.item, (m.Binary, m.Chain, m.Negate)) else inner)
        if isinstance(e, (m.Binary, m.Chain)):
            ops, operands = ((e.op,), (e.left, e.right)) if isinstance(e, m.Binary) else (e.ops, (e.first,) + e.rest)
            level = _EXPR_LEVEL[ops[0]]
            parts = [self._arith_operand(operands[0], level, first=True)]
            for op, operand in zip(ops, operands[1:]):
                parts.append(f"{op} {self._arith_operand(operand, level)}")
            return " ".join(parts)
        raise TypeError(f"not an expression: {type(e).__name__}")


def _expr_level(e: Any) -> int | None:
    """The precedence of an arithmetic node's operators (None for a number, a name …)."""
    if isinstance(e, m.Binary):
        return _EXPR_LEVEL[e.op]
    if isinstance(e, m.Chain):
        return _EXPR_LEVEL[e.ops[0]]
    return None


def _pred_level(p: Any) -> int:
    if isinstance(p, m.Or):
        return 1
    if isinstance(p, m.And):
        return 2
    if isinstance(p, m.Not):
        return 3
    return 4


_EXPR_LEVEL = {"+": 1, "-": 1, "*": 2, "/": 2}


def _percent(p: _Printer, e: Any) -> str:
    """A target's percentage: ``(80 + 5)%`` rather than ``80 + 5%``."""
    text = p.expr(e)
    return f"({text})" if isinstance(e, (m.Binary, m.Chain, m.Negate)) else text


_PERCENT_WRITTEN = re.compile(r"(-?[\d_]+(?:\.\d+)?)\s*%$")


def _warn_percent(p: _Printer, c: m.Warn) -> str:
    """A `warn at P%` level's ``P``, as the author wrote it (:func:`number`; the statement's
    text ends with it: ``warn at 80.50%``, or ``80.50%`` for a further level)."""
    text = p._source(c)
    found = _PERCENT_WRITTEN.search(text) if text is not None else None
    return number(c.percent, found.group(1) if found else None)


def _on(name: m.Name | None) -> str:
    return f" on {name.value}" if name is not None else ""


def _target(c) -> str:
    """A `within` / `at least N within` line's target and calendar: ``4h on br``, or (a target
    by the working day) ``same working day on br, after 15:00 next working day``."""
    if c.day is not None:
        return c.day.text(_on(c.calendar))
    return f"{_duration(c.duration)}{_on(c.calendar)}"


def _for(name: m.Name | None) -> str:
    return f" for {name.value}" if name is not None else ""


def _names(names) -> str:
    return ", ".join(n.value for n in names)


def _ranges(ranges) -> str:
    return ", ".join(r.text() for r in ranges)


def _assignments(p: _Printer, word: str, items) -> str:
    if not items:
        return ""
    return f" {word} " + ", ".join(f"{_field(a.key)} = {p.value(a.value)}" for a in items)


def _column_name(name: str) -> str:
    """The name an `events from` block's `column` line reads a header as (`fields.score`)."""
    if name.startswith("fields.") and len(name) > 7:
        return "fields." + name_text(name[7:])
    return name_text(name)


def _test_event(p: _Printer, e: m.TestEvent) -> str:
    if e.state is not None:
        return f"at {e.at.text} enter {_name(e.state)}" + _assignments(p, "set", e.sets)
    return (f"at {e.at.text} {_name(e.type)}" + _assignments(p, "with", e.props)
            + _assignments(p, "set", e.sets))


def _expect(p: _Printer, e: m.Expect) -> str:
    parts = ["expect", e.rule.value + (f".{e.clause.value}" if e.clause is not None else "")]
    if e.period is not None:
        parts.append(f"period {string(e.period.value)}")
    if e.assignee is not None:
        parts.append(f"assignee {string(e.assignee.value)}")
    if e.group is not None:
        parts.append(f"group {p.value(e.group)}")
    if e.cycle is not None:
        parts.append(f"cycle {number(e.cycle)}")
    parts.append(e.status)
    if e.due is not None:
        parts.append(f"due {e.due.text}")
    return " ".join(parts)


#: the opening line of each block declaration (before ` {`)
_HEADERS = {
    m.AgreementDecl: lambda d: f"agreement {string(d.id.value)}",
    m.CalendarDecl: lambda d: f"calendar {d.name.value}",
    m.StatesDecl: lambda d: "states",
    m.FlowDecl: lambda d: "flow",
    m.Rule: lambda d: f"{d.rule_kind} {d.name.value}",
    m.TargetDecl: lambda d: f"target {d.name.value}",
    m.QuotaDecl: lambda d: f"quota {d.name.value}",
    m.TestDecl: lambda d: f"test {string(d.name.value)}",
    m.TestEventsFrom: lambda d: f"events from {string(d.path.value)}",
}

#: the one-line text of every statement that is not a block
_STATEMENTS = {
    # declarations
    m.SegmentDecl: lambda p, d: f"segment {d.name.value} = {p.pred(d.predicate)}",
    m.LetDecl: lambda p, d: f"let {d.name.value} = {p.expr(d.expr)}",
    m.CalendarChoice: lambda p, d: f"calendar {d.name.value} = " + ", ".join(
        k.calendar.value + (f" for {k.segment.value}" if k.segment else "") for k in d.picks),
    # agreement and calendar items
    m.Version: lambda p, i: f"version {string(i.value.value)}",
    m.Timezone: lambda p, i: f"timezone {string(i.value.value)}",
    m.LeadTimezone: lambda p, i: "timezone lead",
    m.Teams: lambda p, i: f"teams {_names(i.names)}",
    m.Hours: lambda p, i: "hours " + ",".join(d.text() for d in i.days) + f" {_ranges(i.ranges)}",
    m.Holidays: lambda p, i: "holidays " + ", ".join(string(r.value) for r in i.regions) + (
        " with " + ", ".join(k.value if k.category else string(k.value) for k in i.picks) if i.picks else ""),
    m.Closed: lambda p, i: "closed " + ", ".join(d.text() for d in i.dates),
    m.Open: lambda p, i: f"open {i.date.text()} {_ranges(i.ranges)}",
    m.DayLength: lambda p, i: f"day {_duration(i.duration)}",
    # lifecycle
    m.StateDecl: lambda p, s: _name(s.name) + (" final" if s.final else ""),
    m.FlowLine: lambda p, f: f"{_name(f.source)} -> {_state_names(f.targets)}",
    # rule clauses
    m.Owner: lambda p, c: f"owner {c.team.value}",
    m.StartOn: lambda p, c: f"start {'once ' if c.once else ''}on {p.triggers(c.triggers)}",
    m.StartWhen: lambda p, c: f"start {'once ' if c.once else ''}when {p.pred(c.predicate)}",
    m.StopOn: lambda p, c: f"stop on {p.triggers(c.triggers)}",
    m.CancelOn: lambda p, c: f"cancel on {p.triggers(c.triggers)}",
    m.StopWhen: lambda p, c: f"stop when {p.pred(c.predicate)}",
    m.CancelWhen: lambda p, c: f"cancel when {p.pred(c.predicate)}",
    m.BreachOn: lambda p, c: f"breach on {p.triggers(c.triggers)}",
    m.BreachWhen: lambda p, c: f"breach when {p.pred(c.predicate)}",
    m.RestartOn: lambda p, c: f"restart on {p.triggers(c.triggers)}",
    m.PauseWhile: lambda p, c: f"pause while {p.pred(c.predicate)}",
    m.Within: lambda p, c: (f"due at {_field(c.due)}{_on(c.calendar)}{_for(c.segment)}" if c.due is not None
                            else f"within {_target(c)}{_for(c.segment)}"),
    m.Warn: lambda p, c: f"warn {c.before.compact()} before" if c.before is not None else f"warn at {_warn_percent(p, c)}%",
    m.Require: lambda p, c: ("require " + ", ".join(_field(f) for f in c.fields)
                             + (f" where {p.pred(c.predicate)}" if c.predicate is not None else "")),
    m.Count: lambda p, c: f"count {p.triggers(c.triggers)}" + (f" for {c.segment.value}" if c.segment else ""),
    m.Sum: lambda p, c: (f"sum {_field(c.prop)} of {p.triggers(c.triggers)}"
                         + (f" for {c.segment.value}" if c.segment else "")),
    m.AtLeastWithin: lambda p, c: f"at least {number(c.n)} within {_target(c)}{_for(c.segment)}",
    m.AtLeastBefore: lambda p, c: f"at least {number(c.n)} before {p.triggers(c.triggers)}",
    m.AtMostPerDay: lambda p, c: f"at most {number(c.n)} per day{_on(c.calendar)}",
    m.AtMostPerCycle: lambda p, c: f"at most {number(c.n)} per cycle",
    m.Retarget: lambda p, c: "retarget when segment changes",
    m.Recur: lambda p, c: ("recur" + (" sequential" if c.sequential else "")
                           + (f" while {p.pred(c.predicate)}" if c.predicate is not None else "")),
    m.AtLeastPerDay: lambda p, c: f"at least {number(c.n)} per day within {_duration(c.duration)}{_on(c.calendar)}",
    m.Gap: lambda p, c: f"gap at least {_duration(c.duration)}",
    m.GapAtMost: lambda p, c: f"gap at most {_duration(c.duration)}{_on(c.calendar)}",
    m.First: lambda p, c: f"first where {p.pred(c.predicate)}",
    m.OnlyDuring: lambda p, c: f"only during {c.calendar.value}",
    m.OnlyBetween: lambda p, c: f"only between {c.window.text()} in lead timezone",
    # targets and quotas
    m.TargetRule: lambda p, t: (f"rule {t.rule.value}"
                                + (f" clause {t.clause.value}" if t.clause is not None else "")
                                + _for(t.segment)),
    m.TargetGoal: lambda p, g: f"at least {_percent(p, g.percent)}% met per {g.period_text()}",
    m.QuotaGoal: lambda p, g: f"at {g.bound} {p.expr(g.amount)} per {g.period_text()}",
    m.QuotaPace: lambda p, c: c.text(),
    # tests
    m.TestAsOf: lambda p, t: f"as of {t.at.text}",
    m.TestLead: lambda p, t: f"lead {string(t.lead.value)}",
    m.TestEventsFrom: lambda p, t: f"events from {string(t.path.value)}",
    m.ReadOption: lambda p, o: (f"column {_column_name(o.name)} = {string(o.value.value)}" if o.key == "column"
                                else f"type {name_text(o.name, o.quoted)} = {string(o.value.value)}"
                                if o.key == "type" else f"{o.key} {string(o.value.value)}"),
    m.TestEvent: _test_event,
    m.Expect: _expect,
    m.ByAssignee: lambda p, c: "by assignee",
    m.ByField: lambda p, c: "by " + ", ".join(_field(f) for f in c.fields),
}
