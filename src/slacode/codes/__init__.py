"""The registry of diagnostic codes: one table, every code with its documentation.

Codes are ``SLA`` + three digits, grouped by hundreds:

* ``SLA1xx`` syntax: text that does not parse;
* ``SLA2xx`` names and references: undefined, duplicate or misused names;
* ``SLA3xx`` semantics and feasibility: values that cannot mean anything, promises that
  cannot be kept, rules that can never apply;
* ``SLA4xx`` style: naming and completeness habits;
* ``SLA5xx`` event input: lines of an event file that cannot be used;
* ``SLA6xx`` evaluation: what happened while judging events against the agreement.

Each group lives in a module of this package. A code is declared once with :func:`define`
and its documentation text (Markdown: a summary line, then *Why*, *Avoid*, *Prefer*
sections). ``slacode rule CODE`` prints that text and ``docs/rules/CODE.md`` holds the same
text (a test keeps them equal). A code is never reused for another meaning.
"""
from __future__ import annotations

import re
from typing import NamedTuple

_CODE_RE = re.compile(r"^SLA[1-9]\d\d$")


class CodeInfo(NamedTuple):
    code: str
    name: str
    severity: str
    text: str  # the documentation as written in the source (indented); ``doc`` is it dedented

    @property
    def doc(self) -> str:
        """The documentation (Markdown): dedented when asked for, not when every code is
        registered on import (a millisecond of every cold start, for text few runs show)."""
        import textwrap

        return textwrap.dedent(self.text).strip()

    @property
    def summary(self) -> str:
        first = self.doc.strip().split("\n\n")[0]
        return " ".join(line.strip() for line in first.splitlines())

    def page(self) -> str:
        """The documentation page, as ``slacode rule`` prints it and docs/rules holds it."""
        return f"# {self.code} `{self.name}` ({self.severity})\n\n{self.doc.strip()}\n"


CODES: dict[str, CodeInfo] = {}


def define(code: str, name: str, severity: str, doc: str) -> str:
    """Register ``code``; returns it, so modules can bind ``SYNTAX = define(...)``."""
    if not _CODE_RE.match(code):
        raise ValueError(f"bad code {code!r}")
    if code in CODES:
        raise ValueError(f"code {code} defined twice")
    if severity not in ("error", "warning", "info"):
        raise ValueError(f"bad severity {severity!r} for {code}")
    CODES[code] = CodeInfo(code, name, severity, doc)
    return code


def by_name(name: str) -> CodeInfo | None:
    for info in CODES.values():
        if info.name == name:
            return info
    return None


# Every group registers itself on import; the registry is complete once this module is.
from slacode.codes import syntax, names, semantics, style, events, evaluation  # noqa: E402,F401
