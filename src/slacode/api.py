"""The library's front door: load, loads, lint (text → model → checks)."""
from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

from slacode.diagnostics import SUPPRESSION_MARK, Diagnostic, SpecError, has_errors, sort_diagnostics

if TYPE_CHECKING:  # pragma: no cover
    from slacode.model import Agreement


def analyse(text: str, file: str | None = None):
    """Parse, build and check ``text``: ``(Agreement or None, sorted diagnostics)``, with
    the suppression comments of the text applied (:mod:`slacode.suppress`)."""
    from slacode.build import build
    from slacode.checks import check
    from slacode.parse import parse, parse_partial

    text = source_text(text)
    if file is not None:
        file = os.fspath(file)              # a Path names the file as text, as load does
    tree, diags = parse(text, file)
    broken = tree is None and has_errors(diags)
    skipping = diags
    if broken:                               # syntax errors: what parsed, for the other checks
        tree, _, harmless = parse_partial(text, file)
        # errors recovered from without skipping a line (a `}` missing at the end) hide nothing
        skipping = [d for d in diags if (d.code, d.line, d.column) not in harmless]
    agreement = None
    if tree is not None:
        agreement, more = build(tree, file)
        diags = diags + more
        if agreement is not None and not has_errors(more):
            checked = check(agreement)
            diags = diags + (_independent(checked, agreement, skipping + more, text) if broken else checked)
    if SUPPRESSION_MARK.search(text):
        from slacode.suppress import apply_comments  # only a file that may hold a directive needs it

        diags = apply_comments(text, diags, file)
    return (None if broken else agreement), sort_diagnostics(diags)


#: Checks whose finding may only mean that a declaration or line they refer to did not parse.
_CROSS_CODES = frozenset(("SLA201", "SLA206", "SLA207", "SLA208", "SLA209", "SLA210", "SLA211", "SLA212",
                          "SLA214", "SLA217", "SLA218", "SLA317", "SLA318", "SLA319", "SLA320"))


#: Checks of one line by itself (a literal, a count, a percentage, a name it refers to): a
#: line skipped elsewhere in its declaration cannot cause them (a name it refers to is still
#: left out when a skipped line may have declared it: :data:`_CROSS_CODES`).
_LOCAL_CODES = frozenset(("SLA108", "SLA206", "SLA207", "SLA208", "SLA209", "SLA210", "SLA211", "SLA212",
                          "SLA213", "SLA214", "SLA215", "SLA216", "SLA301", "SLA305", "SLA306", "SLA311",
                          "SLA312", "SLA313", "SLA321", "SLA324", "SLA325", "SLA327", "SLA328", "SLA329",
                          "SLA330", "SLA331", "SLA336", "SLA401"))

#: "Declared but not used" findings: a skipped line anywhere may be where the name was used.
_UNUSED_CODES = frozenset(("SLA217", "SLA218"))

#: Findings about the whole file that any skipped line may explain (a rule that did not parse
#: is still a rule: "the agreement has no rule" is no finding then).
_WHOLE_FILE_CODES = frozenset(("SLA224",))

#: Declarations whose lines declare nothing another declaration refers to (but their name).
_USING_KINDS = frozenset(("rule", "target", "quota", "test"))


def _independent(checked: list, agreement, syntax: list, text: str) -> list:
    """The findings of the checks that a file's syntax errors cannot have caused, so that
    one pass reports every independent problem: nothing inside a declaration that holds a
    syntax error (a skipped line can explain a missing clause), except a literal that cannot
    be read on another line of it; and no finding about a name written on a line with a
    syntax error (`calendar `x` is not declared` when the line declaring `x` was skipped)."""
    import re

    lines = text.split("\n")
    bad_lines = {d.span.line for d in syntax if d.span is not None and d.span.line}
    # lines that did not parse (the end of the file is no such line: what stands on the last
    # line before it was read whole, or the file would have no tree)
    broken_lines = {d.span.line for d in syntax if d.span is not None and d.span.line and d.code != "SLA103"}
    starts = sorted(d.span.line for d in agreement.declarations if d.span is not None)
    # the parser skipped from each error to the next declaration it could read: a name used
    # anywhere in between (`on new_york` in a misspelt `dealine` block) counts too (each line
    # read once, however many errors share it)
    from bisect import bisect_right

    skipped: set[int] = set()
    for n in sorted(bad_lines):
        if n in skipped:
            continue
        i = bisect_right(starts, n)
        end = starts[i] if i < len(starts) else len(lines) + 1
        skipped.update(range(n, min(end, len(lines) + 1)))
    # the words of skipped lines may be names they declared, unless the lines are inside a
    # rule, target, quota or test (whose lines only use names): `within 4x on office` does
    # not make `office` undeclared elsewhere any less so
    using = [(d.span.line, d.span.end_line or d.span.line) for d in agreement.declarations
             if d.span is not None and d.kind in _USING_KINDS]
    words: set[str] = set()
    used: set[str] = set()          # any skipped line may have used a name: "`x` is not used" is no finding
    name = re.compile(r"[A-Za-z_][A-Za-z0-9_]*").findall
    for k in skipped:
        if 0 < k <= len(lines):
            found = name(lines[k - 1])
            used.update(found)
            if not any(a < k <= b for a, b in using):
                words.update(found)
    spoiled = []
    for decl in agreement.declarations:
        if decl.span is None:
            continue
        a, b = decl.span.line, decl.span.end_line or decl.span.line
        if any(a <= n <= b for n in bad_lines):
            spoiled.append((a, b))
            name = getattr(decl, "name", None)     # `rule `r` has no clause `gap`` when r's line broke
            if name is not None and isinstance(getattr(name, "value", None), str):
                words.add(name.value)
    out = []
    for d in checked:
        if d.code in _WHOLE_FILE_CODES:
            continue
        line = d.span.line if d.span is not None else None
        if line is not None and any(a <= line <= b for a, b in spoiled) and \
                not (d.code in _LOCAL_CODES and line not in broken_lines):
            continue
        if d.code in _CROSS_CODES and (d.code == "SLA201" or set(re.findall(r"`([^`]+)`", d.message)) & words):
            continue
        if d.code in _UNUSED_CODES and set(re.findall(r"`([^`]+)`", d.message)) & used:
            continue
        out.append(d)
    return out


def source_text(text) -> str:
    """An agreement's text as given to the library: ``str`` (``TypeError`` otherwise, saying
    what to do), without the byte order mark some editors write first and with lines ended
    by a lone carriage return made lines (as files are read)."""
    if not isinstance(text, str):
        if isinstance(text, (bytes, bytearray)):
            hint = "; decode it first, or use slacode.load(path)"
        elif isinstance(text, os.PathLike):
            hint = "; for a file, use slacode.load(path)"
        else:
            hint = ""
        raise TypeError(f"an agreement is text (str), not {type(text).__name__}{hint}")
    from slacode.parse import line_ends

    return line_ends(text[1:] if text.startswith("\ufeff") else text)


def lint(text: str, file: str | None = None, *, select: Iterable[str] | None = None,
         ignore: Iterable[str] = ()) -> list[Diagnostic]:
    """Every diagnostic of an agreement's text (errors, warnings, information) that its
    suppression comments leave. ``select``/``ignore``: codes, names or prefixes (``SLA4``)
    of the warnings and information to report, as ``slacode lint --select/--ignore`` (a
    ``ValueError`` for one that matches no code); errors are always reported."""
    diags = analyse(text, file)[1]
    if select is None and not ignore:
        return diags
    from slacode.suppress import Selection

    return Selection.of(select, ignore).filter(diags)


def loads(text: str, file: str | None = None) -> Agreement:
    """The :class:`~slacode.model.Agreement` in ``text``; raises :class:`SpecError` with
    every diagnostic when it has errors. Warnings are kept on ``agreement.diagnostics``."""
    agreement, diags = analyse(text, file)
    if agreement is None or has_errors(diags):
        if _looks_like_a_path(text):             # `loads("desk.sla")`: the first error says so
            diags = _path_hint(diags)
        raise SpecError(diags)
    return agreement.model_copy(update={"diagnostics": tuple(diags)})


_PATH_HINT = "this looks like a file name: use slacode.load(path)"


def _looks_like_a_path(text: str) -> bool:
    """Whether a text given to ``loads`` is rather a file's name: one line, no ``{``, ending
    with ``.sla``."""
    name = text.strip()
    return "\n" not in name and "{" not in name and name.endswith(".sla")


def _path_hint(diags: list[Diagnostic]) -> list[Diagnostic]:
    """``diags`` with :data:`_PATH_HINT` on the first error (before its own hint, if any)."""
    from dataclasses import replace

    out = list(diags)
    for i, d in enumerate(out):
        if d.severity == "error":
            out[i] = replace(d, hint=_PATH_HINT if not d.hint else f"{_PATH_HINT}; {d.hint}")
            break
    return out


def read_source(path: str | os.PathLike, lenient: bool = False) -> tuple[str | None, list[Diagnostic]]:
    """The text of an agreement file (OSError propagates: the caller reports exit 2);
    ``lenient``: see :func:`slacode.parse.decode`."""
    from slacode.parse import decode

    data = Path(path).read_bytes()
    return decode(data, str(path), lenient)


def load(path: str | os.PathLike) -> Agreement:
    """:func:`loads` of a file's text.

    A file that cannot be read raises :class:`~slacode.errors.FileReadError`: a
    :class:`~slacode.SlacodeError` that is also the ``OSError`` of its cause
    (``FileNotFoundError``, ``IsADirectoryError``, ``PermissionError``)."""
    from slacode.errors import MissingFileError, file_read_error

    if isinstance(path, str) and ("\n" in path or "{" in path) and not os.path.exists(path):
        raise MissingFileError(f"slacode.load takes a file's path, and this looks like an agreement's "
                               f"text: use slacode.loads(text) ({path[:40]!r}…)")
    try:
        text, diags = read_source(path)
    except OSError as exc:
        raise file_read_error(exc, f"{os.fspath(path)}: cannot read: {exc.strerror or exc}") from None
    if text is None:
        raise SpecError(diags)
    return loads(text, str(path))
