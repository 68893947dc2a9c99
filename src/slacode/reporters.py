"""Output: one renderer per format. Renderers return text; the CLI decides where it goes.

Diagnostics render as ruff does: ``path:line:col: CODE message``, the source line, carets
under the span, then ``= hint: …``. JSON renders the same values as objects.
"""
from __future__ import annotations

import json
from typing import Iterable, Mapping

from slacode.diagnostics import Diagnostic


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def diagnostic_text(d: Diagnostic, source: str | None = None, color: bool = False) -> str:
    """One diagnostic, ruff style, with the source line when ``source`` is given."""
    def paint(text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if color else text

    span = d.span
    where = d.path or "<text>"
    if span is not None:
        where += f":{span.line}:{span.column}"
    sev = {"error": "1;31", "warning": "1;33", "info": "1;36"}[d.severity]
    head = f"{paint(where, '1')}: {paint(d.code, sev)} {d.message}"
    if d.severity != "error":
        head = f"{paint(where, '1')}: {paint(d.code, sev)} [{d.severity}] {d.message}"
    lines = [head]
    if source is not None and span is not None:
        src_lines = source.split("\n")
        if 1 <= span.line <= len(src_lines):
            text = src_lines[span.line - 1].rstrip("\r").expandtabs(1)
            if len(text) > 200:
                text = text[:200] + "…"
            num = str(span.line)
            pad = " " * len(num)
            start = max(span.column, 1)
            if span.end_line == span.line and span.end_column and span.end_column > start:
                width = span.end_column - start
            elif span.end_line and span.end_line > span.line:
                width = max(len(text) - start + 1, 1)
            else:
                width = 1
            width = max(1, min(width, max(len(text) - start + 1, 1)))
            lines.append(f"{pad} |")
            lines.append(f"{num} | {text}")
            lines.append(f"{pad} | {' ' * (start - 1)}{paint('^' * width, sev)}")
            if d.hint:
                lines.append(f"{pad} = hint: {d.hint}")
            return "\n".join(lines)
    if d.hint:
        lines.append(f"  = hint: {d.hint}")
    return "\n".join(lines)


def diagnostics_text(diags: Iterable[Diagnostic], sources: Mapping[str | None, str] | None = None,
                     color: bool = False) -> str:
    sources = sources or {}
    return "\n\n".join(diagnostic_text(d, sources.get(d.path), color) for d in diags)


def summary_line(diags: list[Diagnostic], files: int) -> str:
    errors = sum(d.severity == "error" for d in diags)
    warnings = sum(d.severity == "warning" for d in diags)
    infos = sum(d.severity == "info" for d in diags)
    if not diags:
        return f"All checks passed ({_plural(files, 'file')})."
    parts = [_plural(errors, "error"), _plural(warnings, "warning")]
    if infos:
        parts.append(f"{infos} info")
    return f"Found {', '.join(parts)} in {_plural(files, 'file')}."


def diagnostics_json(diags: Iterable[Diagnostic]) -> str:
    return json.dumps([d.to_dict() for d in diags], indent=2, ensure_ascii=False)


#: extra ``lint --format`` renderers: name -> function(diagnostics, sources) -> text
#: (``text`` and ``json`` are built in)
LINT_FORMATS: dict = {"text": None, "json": None}

#: extra ``check --format`` renderers: name -> function(result, verdicts, agreement) -> text
CHECK_FORMATS: dict = {}
