"""Which warnings and information of an agreement are reported.

Two mechanisms, both leaving errors alone (an agreement with errors cannot be evaluated,
so an error is never hidden):

* **suppression comments** in the agreement itself, honoured wherever its diagnostics are
  shown (:func:`slacode.api.analyse` applies them, so `lint`, `check`, `test`, `loads` …
  all agree)::

      calendar spare {            # slacode: ignore[SLA218]       this line only
      # slacode: ignore[unused-segment, SLA401]                   the next statement's line
      # slacode: ignore-file[SLA402]                              the whole file
      segment hot = score > 80    # noqa: SLA217                  ruff's spelling, same meaning

  A bare ``# slacode: ignore`` (``# noqa``) suppresses every warning and information on
  its line, a bare ``# slacode: ignore-file`` every one in the file. A comment that cannot
  be used (an unknown code, an error's code, a malformed directive) is SLA111; one that
  suppresses nothing is SLA112. A directive naming SLA111 or SLA112 silences what is said
  about itself (a file-level one: about every directive). :func:`apply_comments`.

* **selections** (`slacode lint --select/--ignore`, ``[tool.slacode.lint]`` in a
  ``pyproject.toml``, ``slacode.lint(select=…, ignore=…)``): codes, names or prefixes
  (``SLA4``) of the warnings and information to report. :class:`Selection`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from slacode.diagnostics import ERROR, SUPPRESSION_MARK, Diagnostic, Span, has_errors, make
from slacode.errors import SlacodeError

INVALID = "SLA111"
UNUSED = "SLA112"
#: the codes of the comments themselves: a comment may name them to silence what is said
#: about that very comment (or, file-level, about every comment)
_META = frozenset((INVALID, UNUSED))

#: where a directive may start in a comment: its `#`, or a later `#` after white space
#: (``# legacy calendar  # slacode: ignore[SLA218]``)
_DIRECTIVE = re.compile(r"(?:^|(?<=\s))#\s*(?:(?P<slacode>slacode\s*:)|(?P<noqa>noqa)(?![\w-]))", re.I)
_SLACODE = re.compile(r"\s*(?P<kind>ignore-file|ignore)(?![\w-])(?:\[(?P<list>[^\]]*)\](?P<after>.*)|(?P<rest>.*))$",
                      re.I)
_WORD = re.compile(r"[^\s,\[\]]+")


@dataclass
class _Entry:
    """One code or name written in a directive's list."""

    word: str
    column: int
    code: str | None = None         # resolved: a registered code; None when unknown or unusable
    used: bool = False


@dataclass
class _Pragma:
    """A directive: the comment's place, the line it suppresses (None: the whole file; 0:
    none, when no statement follows a comment on its own line) and its entries (None: every
    warning and information)."""

    line: int
    column: int
    end_column: int
    text: str
    target: int | None
    entries: list[_Entry] | None
    used: bool = False
    problems: list[Diagnostic] = field(default_factory=list)


# ------------------------------------------------------------------------ comments

def apply_comments(text: str, diagnostics: list[Diagnostic], file: str | None = None) -> list[Diagnostic]:
    """``diagnostics`` of the agreement ``text`` without the warnings and information its
    suppression comments suppress, plus SLA111/SLA112 about those comments. Errors are
    always kept. Unused suppressions are not reported when there are errors: checks that
    errors stop might have used them."""
    if not SUPPRESSION_MARK.search(text):
        return list(diagnostics)
    pragmas = _pragmas(text, file)
    if not pragmas:
        return list(diagnostics)
    line_pragmas: dict[int, list[_Pragma]] = {}
    for p in pragmas:
        if p.target is not None:
            line_pragmas.setdefault(p.target, []).append(p)
    whole = [p for p in pragmas if p.target is None]
    kept = []
    for d in diagnostics:
        if d.severity == ERROR or d.code in _META:
            kept.append(d)
            continue
        # the file-level directives first, as ruff does: a line's directive that one of them
        # makes redundant is reported unused (so is a second directive of a line)
        covering = whole + (line_pragmas.get(d.span.line, []) if d.span is not None else [])
        if not any(_suppress(p, d.code) for p in covering):
            kept.append(d)
    meta = [(p, d) for p in pragmas for d in p.problems]
    if not has_errors(diagnostics):
        meta += [(p, d) for p in pragmas for d in _unused(p, file)]
    # what is said about a comment, unless it (or a file-level one) names that code
    shown = [d for p, d in meta if not any(_suppress(q, d.code) for q in [p, *whole])]
    return kept + shown


def _suppress(p: _Pragma, code: str) -> bool:
    """Whether directive ``p`` covers ``code`` (and mark what did). A bare directive covers
    every code but the comments' own."""
    if p.entries is None:
        if code in _META:
            return False
        p.used = True
        return True
    hit = False
    for e in p.entries:
        if e.code == code:
            e.used = hit = True
            break
    return hit


def _unused(p: _Pragma, file: str | None) -> list[Diagnostic]:
    """SLA112 for a directive, or each entry of it, that suppressed nothing (an entry naming
    SLA111 or SLA112 is never reported: it only says not to report)."""
    where = ("in this file" if p.target is None else f"on line {p.target}" if p.target > 0
             else "below it (no statement follows the comment)")
    if p.entries is None:
        if p.used:
            return []
        return [make(UNUSED, f"`{p.text}` suppresses nothing: no warning or information {where}",
                     Span(p.line, p.column, p.line, p.end_column, file), hint="remove the comment")]
    from slacode.codes import CODES

    out = []
    for e in p.entries:
        if e.code is None or e.used or e.code in _META:
            continue
        info = CODES[e.code]
        out.append(make(UNUSED, f"`{e.word}` suppresses nothing: no {info.code} `{info.name}` {where}",
                        Span(p.line, e.column, p.line, e.column + len(e.word), file),
                        hint=f"remove `{e.word}` from the comment" if len(p.entries) > 1 else "remove the comment"))
    return out


def _pragmas(text: str, file: str | None) -> list[_Pragma]:
    """The suppression directives of ``text``, each with its target line resolved."""
    from slacode.fmt import comments

    lines = text.split("\n")
    found = []
    for c in comments(text):
        m = _DIRECTIVE.search(c.text)
        if m is None:
            continue
        start = c.column + m.start()
        p = _read(c.text[m.start():], c.line, start, m.group("noqa") is not None, file)
        if p.target is not None and c.own_line:     # a comment on its own: the next statement
            p.target = _next_statement(lines, c.line)
        found.append(p)
    return found


def _next_statement(lines: list[str], line: int) -> int:
    """The first line after ``line`` that is neither blank nor only a comment (0: none)."""
    for n in range(line + 1, len(lines) + 1):
        stripped = lines[n - 1].strip(" \t\f\r;")
        if stripped and not stripped.startswith("#"):
            return n
    return 0


def _read(directive: str, line: int, column: int, noqa: bool, file: str | None) -> _Pragma:
    """A directive from its text (``# slacode: …`` or ``# noqa…``), at ``line``/``column``."""
    text = directive.rstrip()
    p = _Pragma(line, column, column + len(text), text, line, None)
    head = text.index(":") + 1 if not noqa else text.lower().index("noqa") + 4
    body = text[head:]
    if noqa:                                # the bare form, or with a colon and codes (ruff's form)
        if not body.strip():
            return p
        if not body.startswith(":"):
            return _malformed(p, file, "write `# noqa: CODE, …` (with a colon), or `# slacode: ignore[CODE, …]`")
        p.entries = _entries(body[1:], column + head + 1, p, file)
    else:
        m = _SLACODE.match(body)
        if m is None or (m.group("rest") or "").strip():
            return _malformed(p, file, "write `# slacode: ignore[CODE, …]`, `# slacode: ignore` (every warning "
                                       "on the line) or `# slacode: ignore-file[CODE, …]`")
        if m.group("kind").lower() == "ignore-file":
            p.target = None
        if m.group("list") is not None:
            p.entries = _entries(m.group("list"), column + head + m.start("list"), p, file)
    if p.entries == []:
        return _malformed(p, file, "name codes in the list, or leave the list out to suppress every warning "
                                   "and information")
    return p


def _malformed(p: _Pragma, file: str | None, hint: str) -> _Pragma:
    p.problems.append(make(INVALID, f"`{p.text}` is not a suppression slacode can read",
                           Span(p.line, p.column, p.line, p.end_column, file), hint=hint))
    p.entries, p.used = [], True           # suppresses nothing, and is not also "unused"
    return p


def _entries(listed: str, column: int, p: _Pragma, file: str | None) -> list[_Entry]:
    """The codes and names of a directive's list (``column``: where ``listed`` starts)."""
    from slacode.codes import CODES

    entries = []
    seen: dict[str, str] = {}
    for m in _WORD.finditer(listed):
        e = _Entry(m.group(), column + m.start())
        span = Span(p.line, e.column, p.line, e.column + len(e.word), file)
        code = resolve(e.word)
        if code is None:
            p.problems.append(make(INVALID, f"`{e.word}` is not a diagnostic code or name", span,
                                   hint=_unknown_hint(e.word)))
        elif CODES[code].severity == ERROR:
            p.problems.append(make(INVALID, f"`{e.word}` names an error ({code} `{CODES[code].name}`), and errors "
                                            "cannot be suppressed", span,
                                   hint="fix it instead: an agreement with errors cannot be evaluated"))
        elif code in seen:
            p.problems.append(make(INVALID, f"`{e.word}` repeats {code}, named already as `{seen[code]}`", span,
                                   hint=f"remove `{e.word}`"))
        else:
            e.code = code
            seen[code] = e.word
        entries.append(e)
    return entries


def _unknown_hint(word: str) -> str:
    import difflib

    from slacode.codes import CODES

    if re.fullmatch(r"(?i)SLA\d{0,2}", word):
        return "a suppression names whole codes (SLA218) or names; prefixes are for `--select`/`--ignore`"
    close = difflib.get_close_matches(word.upper(), list(CODES), n=2)
    close += difflib.get_close_matches(word.lower(), [i.name for i in CODES.values()], n=2)
    return f"did you mean {' or '.join(f'`{c}`' for c in close)}?" if close else \
        "`slacode rule --all` lists the codes and their names"


def resolve(word: str) -> str | None:
    """The registered code ``word`` is (``SLA218``, ``sla218``) or names
    (``unused-calendar``), else None."""
    from slacode.codes import CODES, by_name

    if word.upper() in CODES:
        return word.upper()
    info = by_name(word.lower())
    return info.code if info is not None else None


# ---------------------------------------------------------------------- selections

class SelectionError(SlacodeError, ValueError):
    """A selector that is no code, name or prefix of a code."""


@dataclass(frozen=True)
class Selection:
    """Which warnings and information to report: ``select`` (None: all) minus ``ignore``.
    Each is codes, names or prefixes (``SLA2``, ``SLA21``); for a code, the most specific
    selector that matches it decides (``select=["SLA4"], ignore=["SLA401"]`` reports SLA402
    but not SLA401; ``select=["SLA401"], ignore=["SLA4"]`` reports SLA401), and ``ignore``
    wins a tie. Errors are always reported."""

    select: tuple[str, ...] | None = None
    ignore: tuple[str, ...] = ()

    @classmethod
    def of(cls, select: Iterable[str] | None = None, ignore: Iterable[str] = ()) -> "Selection":
        """A selection of selectors as given (a comma-separated string counts as several);
        :class:`SelectionError` (a ``ValueError``) for one that matches no code."""
        picked = None if select is None else tuple(_selectors(select))
        return cls(picked, tuple(_selectors(ignore)))

    def wants(self, code: str) -> bool:
        best_select = max((_specificity(s, code) for s in self.select), default=-1) if self.select is not None else 0
        best_ignore = max((_specificity(s, code) for s in self.ignore), default=-1)
        return best_select >= 0 and best_select > best_ignore

    def filter(self, diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
        """The diagnostics to report: every error, and the others this selection wants."""
        if self.select is None and not self.ignore:
            return list(diagnostics)
        return [d for d in diagnostics if d.severity == ERROR or self.wants(d.code)]


def _selectors(given: Iterable[str] | str) -> list[str]:
    """Each selector as a code or prefix in upper case (names become their code)."""
    from slacode.codes import CODES

    if isinstance(given, str):
        given = [given]
    out = []
    for item in given:
        for word in (w.strip() for w in str(item).split(",")):
            if not word:
                continue
            code = resolve(word)
            if code is not None:
                out.append(code)
            elif re.fullmatch(r"(?i)SLA\d{0,2}", word) and any(c.startswith(word.upper()) for c in CODES):
                out.append(word.upper())
            else:
                hint = _unknown_hint(word)
                if re.fullmatch(r"(?i)SLA\d{0,2}", word):
                    hint = "no code starts with it; `slacode rule --all` lists them"
                raise SelectionError(f"`{word}` is not a diagnostic code, name or prefix ({hint})")
    return out


def _specificity(selector: str, code: str) -> int:
    """How closely ``selector`` (a code or prefix) matches ``code``: its length, or -1."""
    return len(selector) if code.startswith(selector) else -1


def project_settings(start: str | Path | None = None, config: str | Path | None = None,
                     isolated: bool = False) -> tuple[Path | None, dict]:
    """``[tool.slacode.lint]`` of the nearest ``pyproject.toml`` at or above ``start`` (the
    current directory) that has a ``[tool.slacode]`` table: ``(path, {"select": […],
    "ignore": […]})``, or ``(None, {})``. ``ValueError`` for a file that cannot be read or
    a setting that is not a list of strings (``[tool.slacode.input]`` is not looked at:
    :func:`slacode.project.input_settings`). ``config``, ``isolated``: the command line's
    ``--config`` and ``--isolated`` (:func:`slacode.project.nearest_pyproject`)."""
    from slacode.project import TABLES, nearest_pyproject, shown_path

    path, _, tool = nearest_pyproject(start, config, isolated)
    if path is None:
        return None, {}
    lint = tool.get("lint", {})
    if not isinstance(lint, dict):
        raise ValueError(f"{shown_path(path)}: [tool.slacode.lint] is not a table")
    stray = sorted(set(tool) - set(TABLES))
    if stray:                       # (`ignore = […]` straight under [tool.slacode], as ruff takes it)
        from slacode.project import suggest

        moved = [k for k in stray if k in ("select", "ignore")]
        inputs = [k for k in stray if k not in moved and suggest(k)]
        where = (f"; {' and '.join(moved)} go{'es' if len(moved) == 1 else ''} under [tool.slacode.lint]"
                 if moved else f"; {' and '.join(inputs)} go{'es' if len(inputs) == 1 else ''} under "
                 "[tool.slacode.input]" if inputs else
                 "; its settings are in [tool.slacode.lint] (select, ignore) and [tool.slacode.input]")
        raise ValueError(f"{shown_path(path)}: [tool.slacode] has no setting {', '.join(stray)}{where}")
    unknown = sorted(set(lint) - {"select", "ignore"})
    if unknown:
        raise ValueError(f"{shown_path(path)}: [tool.slacode.lint] has no setting {', '.join(unknown)} "
                         "(it takes select and ignore)")
    for key, value in lint.items():
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ValueError(f"{shown_path(path)}: [tool.slacode.lint] {key} is a list of codes, names or prefixes")
    return path, dict(lint)
