"""Diagnostics: the values every stage reports problems with.

A diagnostic is a plain immutable value: a registered code (``SLA`` + three digits), a
severity, a span (file, line, column, end line, end column; 1-based), a one-sentence
message, an optional hint and the URL of the code's documentation page. Stages never print:
they return diagnostics, and :mod:`slacode.reporters` renders them.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Iterable

from slacode.errors import SlacodeError

DOCS_URL = "https://slacode.dev/docs/rules/{code}"

ERROR = "error"
WARNING = "warning"
INFO = "info"
SEVERITIES = (ERROR, WARNING, INFO)
_SEVERITY_RANK = {ERROR: 0, WARNING: 1, INFO: 2}

#: What every suppression comment holds (``slacode: ignore[…]`` or ``noqa`` after a ``#``):
#: a text without it has none, and loading it need not import :mod:`slacode.suppress`.
SUPPRESSION_MARK = re.compile(r"slacode\s*:|noqa", re.I)


@dataclass(frozen=True, slots=True)
class Span:
    """A region of a source file, 1-based, end exclusive (``end_column`` is one past)."""

    line: int
    column: int
    end_line: int | None = None
    end_column: int | None = None
    file: str | None = None

    @classmethod
    def of_token(cls, token, file: str | None = None) -> "Span":
        """The span of a Lark token (which carries 1-based positions)."""
        return cls(token.line, token.column, token.end_line, token.end_column, file)


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding, of an agreement or of events: its ``code`` (``SLA505``), ``severity``
    (``error``, ``warning`` or ``info``), ``message``, where it is (``path``, ``line``,
    ``column``; ``span`` for the range), a ``hint`` saying what to do, and for a finding of
    the evaluation about one lead, that ``lead``. ``to_dict()`` is its JSON form."""

    code: str
    severity: str
    message: str
    span: Span | None = None
    hint: str | None = None
    file: str | None = field(default=None)
    #: the lead a diagnostic of the evaluation is about, where it is about one (it may point
    #: at the agreement, as SLA603 does): `check --lead` and `explain` show it for that lead
    lead: str | None = field(default=None, compare=False)
    #: for a diagnostic that stands for several events of its file (SLA506, the events after
    #: as_of), how many: the run's summary adds them up (not part of ``to_dict()``; the message says it)
    count: int | None = field(default=None, compare=False)

    @property
    def line(self) -> int | None:
        return self.span.line if self.span else None

    @property
    def column(self) -> int | None:
        return self.span.column if self.span else None

    @property
    def path(self) -> str | None:
        if self.span is not None and self.span.file is not None:
            return self.span.file
        return self.file

    @property
    def url(self) -> str:
        return DOCS_URL.format(code=self.code)

    @property
    def event_position(self) -> int | None:
        """For a diagnostic of an event given to the library as an object (no file: a dict,
        an ``Event``), the event's 1-based position in the list, which ``line`` holds too;
        else None (a line of a file, the agreement's own diagnostics)."""
        s = self.span
        if (s is not None and self.path is None and s.column == 1 and s.end_line is None
                and self.code[:4] in ("SLA5", "SLA6")):
            return s.line
        return None

    def __str__(self) -> str:
        """``file:line:col: CODE [severity] message`` — the form a log line or an editor reads;
        ``event N: CODE …`` for an event given to the library (:attr:`event_position`)."""
        position = self.event_position
        message = self.message
        if position is not None:
            place = f"event {position}"
            if message.startswith(f"{place}: "):        # a message that starts by naming it
                message = message[len(place) + 2:]
            elif message.startswith(f"{place} "):       # … as the subject: `event 1 is an array`
                message = "the event " + message[len(place) + 1:]
        else:
            place = ":".join(str(p) for p in (self.path, self.line, self.column) if p is not None)
        severity = "" if self.severity == "error" else f" [{self.severity}]"
        return f"{place + ': ' if place else ''}{self.code}{severity} {message}"

    def sort_key(self) -> tuple[str, int, int, int, str, str]:
        """Sorts by file, line, column, severity (errors first), code and message."""
        s = self.span
        return (self.path or "", s.line if s else 0, s.column if s else 0,
                _SEVERITY_RANK[self.severity], self.code, self.message)

    def to_dict(self) -> dict:
        s = self.span
        return {
            "severity": self.severity,
            "code": self.code,
            "message": self.message,
            "file": self.path,
            "line": s.line if s else None,
            "column": s.column if s else None,
            "end_line": s.end_line if s else None,
            "end_column": s.end_column if s else None,
            "hint": self.hint,
            "url": self.url,
            "lead": self.lead,
        }


def make(code: str, message: str, span: Span | None = None, *, hint: str | None = None,
         severity: str | None = None, file: str | None = None, lead: str | None = None,
         count: int | None = None) -> Diagnostic:
    """A diagnostic of a registered code, with the code's default severity unless given."""
    from slacode.codes import CODES  # the registry imports nothing heavy

    info = CODES.get(code)
    if info is None:
        raise KeyError(f"unregistered diagnostic code {code}")
    return Diagnostic(code, severity or info.severity, message, span, hint, file, lead, count)


def has_errors(diagnostics: Iterable[Diagnostic]) -> bool:
    return any(d.severity == ERROR for d in diagnostics)


def sort_diagnostics(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    return sorted(diagnostics, key=Diagnostic.sort_key)


def sort_by_place(diagnostics: Iterable[Diagnostic], files: Iterable[str | None] = ()) -> list[Diagnostic]:
    """Diagnostics of inputs by file (``files`` in the order given, then any other file in
    order of first appearance), line and column. Diagnostics at the same place keep their
    order: the sort is stable, so two runs that found the same problems in the same order
    (one process or several) list them alike."""
    rank = {f: i for i, f in enumerate(files)}

    def key(d: Diagnostic):
        path = d.path
        r = rank.get(path)
        if r is None:
            r = rank[path] = len(rank)
        s = d.span
        return (r, s.line if s else 0, s.column if s else 0)

    return sorted(diagnostics, key=key)


#: How many of its errors a :class:`SpecError`'s message lists (all are on ``errors``).
_ERRORS_SHOWN = 20


def _error_line(d: Diagnostic) -> str:
    """``file:line:col: CODE message``, and its hint on the next line (a SpecError's message)."""
    where = f"{d.path or '<text>'}:{d.span.line}:{d.span.column}: " if d.span is not None else ""
    hint = f"\n    hint: {d.hint}" if d.hint else ""
    return f"{where}{d.code} {d.message}{hint}"


class SpecError(SlacodeError):
    """An agreement that cannot be used: carries every diagnostic found (errors, warnings and
    information), sorted by file and position. Its message lists the errors (the first
    20, then how many more), one a line as ``file:line:col: CODE message``, each followed by
    its hint (``    hint: …``) when it has one."""

    def __init__(self, diagnostics: Iterable[Diagnostic]):
        self.diagnostics = tuple(sort_diagnostics(diagnostics))
        errors = [d for d in self.diagnostics if d.severity == ERROR] or list(self.diagnostics[:1])
        if not errors:
            text = "invalid agreement"
        else:
            shown = errors[:_ERRORS_SHOWN]
            text = "\n".join(_error_line(d) for d in shown)
            if len(errors) > len(shown):
                more = len(errors) - len(shown)
                text += f"\n… and {more} more error{'s' if more > 1 else ''} (all in .errors)"
        super().__init__(text)

    def __reduce__(self):
        # unpickled from its diagnostics, not its message (a process pool sends it back);
        # what a caller added (notes, attributes) comes along
        return (SpecError, (self.diagnostics,), dict(self.__dict__))

    @property
    def errors(self) -> tuple[Diagnostic, ...]:
        return tuple(d for d in self.diagnostics if d.severity == ERROR)
