"""``slacode fmt [PATH…] [--check] [--diff]``: rewrite agreements in the canonical layout.

Without options the files are rewritten in place (only those that change). ``--check``
changes nothing and lists the files that would change; ``--diff`` prints a unified diff of
the changes instead of writing them. ``-`` reads standard input and writes the result to
standard output. Exit status: 0 done (``--check``/``--diff``: nothing would change), 1 a file
would change (``--check``/``--diff``), 2 a file could not be read, does not parse, or the
formatter refused to write (its output would not read back as the same agreement).
"""
from __future__ import annotations

import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import click

from slacode.cli import EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, _color, answering, files_to_read, not_found
from slacode.texts import visible

STDIN = "-"
STDIN_NAME = "<stdin>"


@dataclass
class Outcome:
    """What formatting one input gave: the old and new text, or an error already printed."""

    name: str
    before: str | None = None
    after: str | None = None
    error: bool = False

    @property
    def changed(self) -> bool:
        return not self.error and self.before != self.after


@click.command(name="fmt")
@click.argument("paths", nargs=-1, required=False)
@click.option("--check", is_flag=True, help="Change nothing; exit 1 if a file would be reformatted.")
@click.option("--diff", "show_diff", is_flag=True,
              help="Print a unified diff instead of writing files; exit 1 if a file would change.")
def fmt(paths, check, show_diff):
    """Rewrite agreements in the canonical layout, keeping every comment (files or folders,
    the current folder if none; `-` for stdin)."""
    files, missing, _ = files_to_read(paths, STDIN)
    for p in missing:                   # said now; the others are still formatted
        click.echo(f"slacode: {not_found(p)}", err=True)
    write = not (check or show_diff)
    outcomes = []
    if STDIN in paths:  # read once, however often it is named
        outcomes.append(_format_stdin(write))
    for path in files:
        outcome = _format_file(path)
        if outcome.changed and write:
            _write(path, outcome)
        outcomes.append(outcome)
    with answering():                   # `fmt --check | head -1` still exits 1 when a file would change
        for o in outcomes:
            if o.changed and show_diff:
                _out(_diff(o))
            elif o.changed and check:
                _out(f"would reformat {visible(o.name)}\n")     # (a newline in a name keeps one line)
    only_stdin = all(o.name == STDIN_NAME for o in outcomes)
    if outcomes and not (write and only_stdin):
        click.echo(_summary(outcomes, write, len(missing)), err=True)
    if missing or any(o.error for o in outcomes):
        return EXIT_ERROR
    if not write and any(o.changed for o in outcomes):
        return EXIT_FINDINGS
    return EXIT_OK


# ---------------------------------------------------------------------------- steps

def _format_file(path: Path) -> Outcome:
    from slacode.api import read_source

    try:
        text, problems = read_source(path)
    except OSError as e:
        click.echo(f"slacode: {path}: cannot read: {e.strerror or e}", err=True)
        return Outcome(str(path), error=True)
    return _format_text(str(path), text, problems)


def _format_stdin(write: bool) -> Outcome:
    from slacode.parse import decode

    data = sys.stdin.buffer.read()
    outcome = _format_text(STDIN_NAME, *decode(data, STDIN_NAME))
    if write and not outcome.error:
        _out(outcome.after)
    return outcome


def _format_text(name: str, text: str | None, problems: list) -> Outcome:
    """Format one input's text (None when it could not be decoded: ``problems`` say why),
    printing its problems on stderr."""
    from slacode.diagnostics import SpecError
    from slacode.fmt import FormatError, format

    if text is None:
        _report(problems, name, None)
        return Outcome(name, error=True)
    try:
        after = format(text, name)
        if _crlf(text):                     # a Windows checkout stays as it is (as ruff does)
            after = after.replace("\n", "\r\n")
        return Outcome(name, text, after)
    except SpecError as e:
        _report(e.errors or e.diagnostics, name, text)
        click.echo(f"slacode: {name}: not formatted: it has syntax errors", err=True)
    except FormatError as e:
        click.echo(f"slacode: {name}: refused to reformat: {e}. The file is left as it was; "
                   "this is a bug in `slacode fmt`, please report it with the file.", err=True)
    return Outcome(name, text, error=True)


def _crlf(text: str) -> bool:
    """Whether the text's first line ends with `\r\n`: its line ends are kept."""
    i = text.find("\n")
    return i > 0 and text[i - 1] == "\r"


def _report(diags: list, name: str, text: str | None) -> None:
    from slacode.reporters import diagnostics_text

    if diags:
        click.echo(diagnostics_text(diags, {name: text} if text is not None else None,
                                    _color(sys.stderr)), err=True)


def _write(path: Path, outcome: Outcome) -> None:
    """Replace the file's content at once (a temporary file renamed over it; through a
    symbolic link, the file it points to)."""
    data = outcome.after.encode("utf-8")
    try:
        path = path.resolve()
        mode = path.stat().st_mode & 0o7777
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".fmt", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(data)
            os.chmod(tmp, mode)
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as e:
        click.echo(f"slacode: {path}: cannot write: {e.strerror or e}", err=True)
        outcome.error = True


def _diff(o: Outcome) -> str:
    import difflib

    lines = difflib.unified_diff(o.before.splitlines(keepends=True), o.after.splitlines(keepends=True),
                                 fromfile=o.name, tofile=f"{o.name} (formatted)")
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                   for line in lines)


def _out(text: str) -> None:
    stream = sys.stdout.buffer
    stream.write(text.encode("utf-8"))
    stream.flush()


def _summary(outcomes: list[Outcome], write: bool, unread: int = 0) -> str:
    """The last line on standard error; ``unread``: the paths that could not be read (named
    before it), counted so that a run that exits 2 does not end as if all was done."""
    def files(n: int) -> str:
        return f"{n} file{'' if n == 1 else 's'}"

    changed = sum(o.changed for o in outcomes)
    same = sum(not o.error and not o.changed for o in outcomes)
    failed = sum(o.error for o in outcomes)
    parts = [f"{files(changed)} {'reformatted' if write else 'would be reformatted'}"] if changed else []
    if same:
        parts.append(f"{files(same)} {'left unchanged' if write else 'already formatted'}")
    if failed:
        parts.append(f"{files(failed)} with errors")
    besides = f"; {unread} could not be read (named above)" if unread else ""
    return ", ".join(parts) + besides + "." if parts else "Nothing to format" + besides + "."
