"""The library's front door: load, loads, lint (text → model → checks)."""
from __future__ import annotations

import os
from pathlib import Path

from slacode.diagnostics import Diagnostic, SpecError, has_errors, sort_diagnostics


def analyse(text: str, file: str | None = None):
    """Parse, build and check ``text``: ``(Agreement or None, sorted diagnostics)``."""
    from slacode.build import build
    from slacode.checks import check
    from slacode.parse import parse

    text = source_text(text)
    tree, diags = parse(text, file)
    agreement = None
    if tree is not None:
        agreement, more = build(tree, file)
        diags = diags + more
        if agreement is not None and not has_errors(more):
            diags = diags + check(agreement)
    return agreement, sort_diagnostics(diags)


def source_text(text) -> str:
    """An agreement's text as given to the library: ``str`` (``TypeError`` otherwise, saying
    what to do), without the byte order mark some editors write first (as files are read)."""
    if not isinstance(text, str):
        hint = "; decode it first, or use slacode.load(path)" if isinstance(text, (bytes, bytearray)) else ""
        raise TypeError(f"an agreement is text (str), not {type(text).__name__}{hint}")
    return text[1:] if text.startswith("\ufeff") else text


def lint(text: str, file: str | None = None) -> list[Diagnostic]:
    """Every diagnostic of an agreement's text (errors, warnings, information)."""
    return analyse(text, file)[1]


def loads(text: str, file: str | None = None):
    """The :class:`~slacode.model.Agreement` in ``text``; raises :class:`SpecError` with
    every diagnostic when it has errors. Warnings are kept on ``agreement.diagnostics``."""
    agreement, diags = analyse(text, file)
    if agreement is None or has_errors(diags):
        raise SpecError(diags)
    return agreement.model_copy(update={"diagnostics": tuple(diags)})


def read_source(path: str | os.PathLike) -> tuple[str | None, list[Diagnostic]]:
    """The text of an agreement file (OSError propagates: the caller reports exit 2)."""
    from slacode.parse import decode

    data = Path(path).read_bytes()
    return decode(data, str(path))


def load(path: str | os.PathLike):
    """:func:`loads` of a file's text."""
    text, diags = read_source(path)
    if text is None:
        raise SpecError(diags)
    return loads(text, str(path))
