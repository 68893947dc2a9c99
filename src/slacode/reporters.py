"""Output: one renderer per format. Renderers return text; the CLI decides where it goes.

Diagnostics render as ruff does: ``path:line:col: CODE message``, the source line, carets
under the span, then ``= hint: …``. JSON renders the same values as objects. For CI there
are SARIF 2.1.0 (GitHub code scanning) and GitHub Actions annotations (workflow commands),
for ``lint`` and, as annotations only, for ``check``. The CLI finds the renderers in
:data:`LINT_FORMATS` and :data:`CHECK_FORMATS`.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
from pathlib import Path
from typing import Iterable, Mapping
from urllib.parse import quote

from slacode.diagnostics import Diagnostic
from slacode.refs import cited
from slacode.texts import plural as _plural


def diagnostic_text(d: Diagnostic, source: "str | list[str] | None" = None, color: bool = False) -> str:
    """One diagnostic, ruff style, with the source line when ``source`` (the text, or its
    lines) is given."""
    def paint(text: str, code: str) -> str:
        return f"\x1b[{code}m{text}\x1b[0m" if color else text

    from slacode.texts import visible

    span = d.span
    where = visible(d.path) if d.path else "<text>"     # a newline in a file's name keeps one line
    if span is not None:
        where += f":{span.line}:{span.column}"
    sev = {"error": "1;31", "warning": "1;33", "info": "1;36"}[d.severity]
    head = f"{paint(where, '1')}: {paint(d.code, sev)} {d.message}"
    if d.severity != "error":
        head = f"{paint(where, '1')}: {paint(d.code, sev)} [{d.severity}] {d.message}"
    lines = [head]
    if source is not None and span is not None:
        src_lines = source.split("\n") if isinstance(source, str) else source
        if 1 <= span.line <= len(src_lines):
            # control characters as their pictures (a NUL would reach the terminal), one column each
            text = src_lines[span.line - 1].rstrip("\r").expandtabs(1).translate(_PICTURES)
            num = str(span.line)
            pad = " " * len(num)
            start = max(span.column, 1)
            if span.end_line == span.line and span.end_column and span.end_column > start:
                width = span.end_column - start
            elif span.end_line and span.end_line > span.line:
                width = max(len(text) - start + 1, 1)
            else:
                width = 1
            text, start = _window(text, start)
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


#: C0 control characters and DEL -> the Unicode pictures of them (``␀``), for source lines.
_PICTURES = {c: 0x2400 + c for c in range(32)} | {0x7F: 0x2421}

#: The most characters of a source line shown under a diagnostic.
_SHOWN = 200


def _window(text: str, column: int) -> tuple[str, int]:
    """At most :data:`_SHOWN` characters of a long line, around ``column`` (cut ends marked
    ``…``), and where ``column`` is in them: the caret stays under the place it points at."""
    if len(text) <= _SHOWN:
        return text, column
    first = 0 if column <= _SHOWN - 40 else min(column - 1 - 60, len(text) - _SHOWN)
    head = "…" if first else ""
    tail = "…" if first + _SHOWN < len(text) else ""
    return head + text[first:first + _SHOWN] + tail, column - first + len(head)


def diagnostics_text(diags: Iterable[Diagnostic], sources: Mapping[str | None, str] | None = None,
                     color: bool = False) -> str:
    sources = sources or {}
    split: dict = {}                        # each file's lines, split once (not per diagnostic)

    def lines_of(path):
        if path not in split:
            text = sources.get(path)
            split[path] = text.split("\n") if text is not None else None
        return split[path]
    return "\n\n".join(diagnostic_text(d, lines_of(d.path), color) for d in diags)


def summary_line(diags: list[Diagnostic], files: int, unread: int = 0) -> str:
    """`lint`'s last line: what was found in ``files`` files; ``unread``: how many paths
    could not be read (named before it), so that a run that fails does not end "passed"."""
    errors = sum(d.severity == "error" for d in diags)
    warnings = sum(d.severity == "warning" for d in diags)
    infos = sum(d.severity == "info" for d in diags)
    besides = f"; {unread} could not be read (named above)" if unread else ""
    if not diags:
        if unread:
            return f"No problems in {_plural(files, 'file')}{besides}." if files else f"Nothing checked{besides}."
        return f"All checks passed ({_plural(files, 'file')})."
    parts = [_plural(errors, "error"), _plural(warnings, "warning")]
    if infos:
        parts.append(f"{infos} info")
    return f"Found {', '.join(parts)} in {_plural(files, 'file')}{besides}."


def diagnostics_json(diags: Iterable[Diagnostic]) -> str:
    return json.dumps([d.to_dict() for d in diags], indent=2, ensure_ascii=False)


# ------------------------------------------------------------------------------ paths

def artifact_path(path: str, root: str | None = None) -> tuple[str, bool]:
    """``path`` as CI tools want it: ``(text, relative)``.

    A file inside ``root`` is given relative to it with forward slashes
    (``specs/acme.sla``); any other file keeps its absolute path. Without ``root``, that is
    the checkout of a GitHub Actions job (``GITHUB_WORKSPACE``, where annotations and code
    scanning resolve paths) when the variable is set and the current folder is inside it
    (a step with a `working-directory`), else the current folder (:func:`uri_base`). Symbolic links are not followed, so the path stays the one the user
    named.
    """
    here = Path(os.path.abspath(root if root is not None else os.getcwd()))
    full = Path(os.path.normpath(here / path))      # an absolute ``path`` replaces ``here``
    base = uri_base(root)
    try:
        return full.relative_to(base).as_posix(), True
    except ValueError:
        return full.as_posix(), False


def _workspaces() -> list[Path]:
    """The checkout of a GitHub Actions job (``GITHUB_WORKSPACE``), as written and with its
    symbolic links resolved (the current folder is the resolved one), or none."""
    found = os.environ.get("GITHUB_WORKSPACE")
    if not found or not os.path.isabs(found):
        return []
    written = Path(os.path.normpath(found))
    resolved = Path(os.path.realpath(found))
    return [written] if resolved == written else [written, resolved]


def uri_base(root: str | None = None) -> Path:
    """The folder relative artifact paths are relative to (:func:`artifact_path`): ``root``,
    else ``GITHUB_WORKSPACE`` when the current folder is inside it, else the current folder."""
    if root is not None:
        return Path(os.path.abspath(root))
    cwd = Path(os.getcwd())
    for base in _workspaces():
        if cwd == base or base in cwd.parents:
            return base
    return cwd


# ------------------------------------------------------------------------------ SARIF

SARIF_VERSION = "2.1.0"
#: the ``$schema`` written in SARIF logs: the OASIS schema of SARIF 2.1.0
SARIF_SCHEMA = "https://raw.githubusercontent.com/oasis-tcs/sarif-spec/master/Schemata/sarif-schema-2.1.0.json"
INFORMATION_URI = "https://slacode.dev/docs/"
#: the base every relative artifact URI is resolved against (the repository root)
SRCROOT = "SRCROOT"
#: the key of slacode's own partial fingerprint (bump the suffix if the recipe changes)
FINGERPRINT_KEY = "slacodeFingerprint/v1"

_SARIF_LEVEL = {"error": "error", "warning": "warning", "info": "note"}
_GROUPS = {"1": "syntax", "2": "names", "3": "semantics", "4": "style", "5": "events", "6": "evaluation"}


def _section(doc: str, title: str) -> str:
    """The text of the ``## title`` section of a code's documentation, or ``""``."""
    m = re.search(rf"^## {re.escape(title)}\s*\n(.*?)(?=^## |\Z)", doc, re.S | re.M)
    return m.group(1).strip() if m else ""


def _unwrap(text: str) -> str:
    """Paragraphs on one line each (plain-text viewers do not reflow), code blocks kept."""
    if "```" in text:
        return text
    return "\n\n".join(" ".join(p.split()) for p in re.split(r"\n\s*\n", text) if p.strip())


def sarif_rules() -> list[dict]:
    """A SARIF ``reportingDescriptor`` for every registered code, in code order."""
    from slacode.codes import CODES
    from slacode.diagnostics import DOCS_URL

    rules = []
    for code in sorted(CODES):
        info = CODES[code]
        why = _unwrap(_section(info.doc, "Why"))
        page = info.page()
        rules.append({
            "id": code,
            "name": info.name,
            "shortDescription": {"text": info.summary},
            "fullDescription": {"text": f"{info.summary}\n\n{why}" if why else info.summary},
            "help": {"text": page, "markdown": page},
            "helpUri": DOCS_URL.format(code=code),
            "defaultConfiguration": {"level": _SARIF_LEVEL[info.severity]},
            "properties": {"tags": ["slacode", _GROUPS.get(code[3], "other")]},
        })
    return rules


def _source_line(sources: Mapping, path: str | None, line: int | None) -> str | None:
    text = sources.get(path) if path is not None else None
    if text is None or not line:
        return None
    lines = text.split("\n")
    return lines[line - 1].strip() if line <= len(lines) else None


def fingerprints(diags: Iterable[Diagnostic], sources: Mapping | None = None,
                 root: str | None = None) -> list[str]:
    """A stable identity for each diagnostic, for SARIF's ``partialFingerprints``.

    It hashes the code, the file, the *text* of the line (stripped), not its number, and the
    message, then numbers repeats (``…:1``, ``…:2``), as GitHub's own line hash does. So a
    finding keeps its identity when lines are added above it, and code scanning does not
    close it and open a new one.
    """
    sources = sources or {}
    seen: dict[str, int] = {}
    out = []
    for d in diags:
        span = d.span
        where = artifact_path(d.path, root)[0] if d.path else ""
        line_text = _source_line(sources, d.path, span.line if span else None)
        anchor = line_text if line_text is not None else f"line {span.line if span else 0}"
        digest = hashlib.sha256("\0".join((d.code, where, anchor, d.message)).encode()).hexdigest()[:32]
        seen[digest] = seen.get(digest, 0) + 1
        out.append(f"{digest}:{seen[digest]}")
    return out


def _sarif_location(d: Diagnostic, root: str | None) -> dict | None:
    if not d.path or d.path.startswith("<"):
        return None
    path, relative = artifact_path(d.path, root)
    artifact = ({"uri": quote(path), "uriBaseId": SRCROOT} if relative
                else {"uri": Path(path).as_uri()})
    physical: dict = {"artifactLocation": artifact}
    span = d.span
    # a diagnostic of a whole file (no span) points at its first line: code scanning
    # needs a line to show a result
    region = {"startLine": max(span.line, 1) if span else 1}
    if span is not None and span.column:
        region["startColumn"] = max(span.column, 1)
        if span.end_line and span.end_column and span.end_line >= span.line:
            region["endLine"] = span.end_line
            region["endColumn"] = max(span.end_column, 1)
    physical["region"] = region
    return {"physicalLocation": physical}


def _message_text(d: Diagnostic) -> str:
    return f"{d.message}\nhint: {d.hint}" if d.hint else d.message


def sarif_log(diags: Iterable[Diagnostic], sources: Mapping | None = None,
              root: str | None = None) -> dict:
    """A SARIF 2.1.0 log of ``diags`` (one run), as GitHub code scanning accepts it.

    Every registered code is listed as a rule (so code scanning can show its help page even
    for codes not found this time); each result names its rule by id and index. Relative
    URIs are relative to ``root`` (default: :func:`uri_base`) under the base id
    ``SRCROOT``; columns count Unicode code points, as slacode's spans do.
    """
    from slacode import __version__

    diags = list(diags)
    rules = sarif_rules()
    index = {r["id"]: i for i, r in enumerate(rules)}
    results = []
    for d, fingerprint in zip(diags, fingerprints(diags, sources, root)):
        result: dict = {"ruleId": d.code}
        if d.code in index:
            result["ruleIndex"] = index[d.code]
        result["level"] = _SARIF_LEVEL[d.severity]
        result["message"] = {"text": _message_text(d)}
        location = _sarif_location(d, root)
        if location is not None:
            result["locations"] = [location]
        result["partialFingerprints"] = {FINGERPRINT_KEY: fingerprint}
        results.append(result)
    driver = {
        "name": "slacode",
        "version": __version__,
        "semanticVersion": __version__,
        "informationUri": INFORMATION_URI,
        "rules": rules,
    }
    run = {"tool": {"driver": driver}, "columnKind": "unicodeCodePoints", "results": results}
    if any("uriBaseId" in loc["physicalLocation"]["artifactLocation"]
           for r in results for loc in r.get("locations", ())):
        # where SRCROOT is, for viewers outside GitHub (which sets it to the checkout)
        uri = uri_base(root).resolve().as_uri()
        run["originalUriBaseIds"] = {SRCROOT: {"uri": uri if uri.endswith("/") else uri + "/"}}
    return {"$schema": SARIF_SCHEMA, "version": SARIF_VERSION, "runs": [run]}


def diagnostics_sarif(diags: Iterable[Diagnostic], sources: Mapping | None = None) -> str:
    """``slacode lint --format sarif``: the SARIF log as indented JSON."""
    return json.dumps(sarif_log(diags, sources), indent=2, ensure_ascii=False) + "\n"


# --------------------------------------------------------------- GitHub annotations

_ANNOTATION_LEVEL = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    """A workflow command's message: ``%``, CR and LF escaped."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """A workflow command's property value: as a message, and ``:`` and ``,`` too."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def annotation(level: str, message: str, *, file: str | None = None, line: int | None = None,
               col: int | None = None, end_line: int | None = None, end_column: int | None = None,
               title: str | None = None) -> str:
    """One GitHub Actions workflow command: ``::error file=…,line=…,title=…::message``.

    ``level`` is ``error``, ``warning`` or ``notice``; properties that are ``None`` are
    left out. ``endLine``/``endColumn`` are only written with a start line.
    """
    if level not in ("error", "warning", "notice"):
        raise ValueError(f"unknown annotation level {level!r}")
    props = [("file", file), ("line", line)]
    if line is not None:
        props += [("col", col), ("endLine", end_line), ("endColumn", end_column)]
    props.append(("title", title))
    text = ",".join(f"{k}={escape_property(str(v))}" for k, v in props if v is not None)
    return f"::{level}{' ' + text if text else ''}::{escape_data(message)}"


def _diagnostic_annotation(d: Diagnostic, root: str | None) -> str:
    span = d.span
    file = artifact_path(d.path, root)[0] if d.path and not d.path.startswith("<") else None
    has_end = span is not None and span.end_line is not None and span.end_column is not None
    return annotation(_ANNOTATION_LEVEL[d.severity], _message_text(d), file=file,
                      line=span.line if span else None,
                      col=span.column if span else None,
                      end_line=span.end_line if has_end else None,
                      end_column=span.end_column if has_end else None,
                      title=d.code)


def diagnostics_github(diags: Iterable[Diagnostic], sources: Mapping | None = None,
                       root: str | None = None) -> str:
    """``slacode lint --format github``: one annotation a diagnostic (errors, warnings,
    information as notices), titled with the code."""
    return "".join(_diagnostic_annotation(d, root) + "\n" for d in diags)


# ------------------------------------------------------- check --format github

def _clause_span(rule, verdict):
    """The span of the clause of ``rule`` (a model Rule) that ``verdict`` judges."""
    key = verdict.clause
    kind, _, number = key.rpartition("_")
    if not (number.isdigit() and kind):
        kind, number = key, "1"
    clauses = rule.of(kind)
    if not clauses:
        return None
    if kind in ("within", "at_least_within"):           # the line that applied, by segment
        for c in clauses:
            seg = c.segment.value if c.segment is not None else None
            if seg == verdict.segment:
                return c.span
        return clauses[0].span
    n = int(number)
    return clauses[n - 1].span if n <= len(clauses) else clauses[0].span


def promise_span(agreement, verdict):
    """Where the promise a verdict judges is written: the clause of a rule, the target or
    quota declaration, or the ``flow`` block; ``None`` when the agreement does not say."""
    for decl in agreement.declarations:
        if verdict.rule == "flow" and decl.kind == "flow":
            return decl.span
        name = getattr(getattr(decl, "name", None), "value", None)
        if name != verdict.rule or decl.kind not in ("rule", "target", "quota"):
            continue
        if decl.kind == "rule":
            return _clause_span(decl, verdict) or decl.span
        return decl.span
    return None


def _named(ref, reason: str) -> bool:
    """Whether ``reason`` cites ``ref`` already: as :func:`~slacode.refs.cited` writes it, or
    in a list of lines (events), ``lines 4, 5``."""
    said = cited(ref)
    if said not in reason and (said == ref or ":" in ref):
        return False                                    # (the usual answer, without a pattern)
    if said == ref or ":" in ref:                       # an id, a file's line: not inside a longer one
        return re.search(rf"(?<![\w.:-]){re.escape(said)}(?![\w-]|[.:]\w)", reason) is not None
    word = said.partition(" ")[0]                       # `line 4`, also in `lines 3, 4`
    return re.search(rf"\b{word}s? (?:\d+, )*{ref}\b", reason) is not None


class _Citations:
    """:func:`_named` for every ref of one verdict in one pass over its reason: the reason's
    words (an id, a file's line) and the numbers of its ``lines 3, 4`` lists are gathered
    once, so that a verdict citing thousands of events costs a set lookup per event rather
    than a search of the whole reason (which lists them all). A ref those sets cannot judge
    (an id with a space or a slash in it, ending in `.` or `:`) is searched for as before."""

    _WORD = re.compile(r"[\w.:-]+")
    _PLAIN = re.compile(r"[\w.:-]*[\w-]")
    _STOP = re.compile(r"[.:](?!\w)")

    def __init__(self, reason: str):
        self.reason = reason
        words = set()
        for token in self._WORD.findall(reason):        # each maximal run of an id's characters
            words.add(token)
            for m in self._STOP.finditer(token):        # and what ends at a `.` or `:` that ends a
                words.add(token[:m.start()])            # sentence (`… ev-1.`, `ev-1:`), not `ev-1.x`
        self.words = words
        self.lists: dict[str, set] = {}

    def __call__(self, ref) -> bool:
        said = cited(ref)
        if said == ref or ":" in ref:                   # an id, a file's line
            if self._PLAIN.fullmatch(said) is None:
                return _named(ref, self.reason)
            return said in self.words
        word = said.partition(" ")[0]                   # `line 4`, also in `lines 3, 4`
        numbers = self.lists.get(word)
        if numbers is None:
            numbers = self.lists[word] = {n for m in re.finditer(rf"\b{word}s? ((?:\d+, )*\d+)\b", self.reason)
                                          for n in m.group(1).split(", ")}
        return str(ref) in numbers if str(ref).isdigit() else _named(ref, self.reason)


def _verdict_message(v) -> str:
    if v.lead is None:
        # (a goal's reason names its period, and group, first: `2026-W41: 7 of 8 …`)
        head = f"{v.rule}, period {v.period}" if v.period and v.period not in v.reason else v.rule
    else:
        head = f"Lead {v.lead}" + (f", cycle {v.cycle}" if v.cycle is not None else "")
    text = f"{head}: {v.reason}"
    named = _Citations(v.reason) if len(v.evidence) > 4 else (lambda e: _named(e, v.reason))
    unnamed = [cited(e) for e in v.evidence if not named(e)]
    if unnamed:
        text += f" (evidence: {', '.join(unnamed)})"
    return text


#: how ``check --format github`` annotates a verdict of each status it annotates
_VERDICT_ANNOTATION = {"breached": ("error", "breached"), "at_risk": ("warning", "at risk")}


def check_github(result, verdicts, agreement, root: str | None = None, at_risk: bool = False) -> str:
    """``slacode check --format github``: GitHub annotations.

    First the diagnostics (the agreement's, at its lines; the events', at the event file's
    line where known), then one ``error`` per breached verdict, placed on the clause of
    the agreement that was breached and titled ``rule.clause breached``; with ``at_risk``
    (`--fail-on at_risk` or `--status at_risk` asked about them), one ``warning`` per
    at-risk verdict too, in the same place, titled ``rule.clause at risk``.
    """
    lines = [_diagnostic_annotation(d, root) for d in result.diagnostics]
    spans: dict = {}
    for v in verdicts:
        if v.status != "breached" and not (at_risk and v.status == "at_risk"):
            continue
        level, words = _VERDICT_ANNOTATION[v.status]
        key = (v.rule, v.clause, v.segment)
        if key not in spans:
            spans[key] = promise_span(agreement, v)
        span = spans[key]
        path = (span.file if span is not None and span.file else None) or getattr(agreement, "file", None)
        file = artifact_path(path, root)[0] if path and not path.startswith("<") else None
        placed = span is not None and file is not None
        lines.append(annotation(
            level, _verdict_message(v), file=file,
            line=span.line if placed else None, col=span.column if placed else None,
            end_line=span.end_line if placed else None, end_column=span.end_column if placed else None,
            title=f"{v.rule}.{v.clause} {words}"))
    return "".join(line + "\n" for line in lines)


#: ``lint --format`` renderers: name -> function(diagnostics, sources) -> text
#: (``text`` and ``json`` are rendered by the CLI itself)
LINT_FORMATS: dict = {"text": None, "json": None, "sarif": diagnostics_sarif, "github": diagnostics_github}

#: extra ``check --format`` renderers: name -> function(result, verdicts, agreement) -> text.
#: There is no ``sarif`` here on purpose: SARIF describes defects in files under review,
#: while a breach is a fact about a lead's history (see docs/ci.md).
CHECK_FORMATS: dict = {"github": check_github}
