"""``slacode diff OLD NEW``: what changed between two versions of an agreement, in plain
words, and (with ``--events``) which verdicts the change moves.

OLD and NEW are files, or ``REV:path`` read with ``git show REV:path`` in the current
directory. Exit status: 0 same meaning (and, with events, no verdict changes status),
1 differs, 2 usage, I/O or agreement error, or an event file of which no event could be read.
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click

from slacode.cli import (EMPTY_PATH, EXIT_ERROR, EXIT_FINDINGS, EXIT_OK, _as_of_option, _color, _event_options, _fail,
                         _jobs_option, answering, read_agreement_text, resolve_as_of, spool_stdin)


def read_spec_text(spec: str) -> tuple[str | None, list, str]:
    """``(text, diagnostics, name)`` of a file or of ``REV:path`` (via ``git show``)."""
    if not spec:
        _fail(EMPTY_PATH)
    path = Path(spec)
    if path.exists() and not path.is_dir():         # a file, or a pipe such as `<(git show …)`
        text, diags = read_agreement_text(path)
        return text, diags, spec
    if path.is_dir():
        _fail(f"{spec}: is a folder; give the agreement file (or REV:path to read it from git)")
    if spec == "-":
        _fail("-: diff reads both versions from files or git (REV:path), not from standard input")
    if ":" not in spec or path.exists() or spec.startswith("-"):
        _fail(f"{spec}: no such file (give a file, or REV:path to read it from git)")
    return (*git_show(spec), spec)


def git_show(spec: str) -> tuple[str | None, list]:
    """The text of ``REV:path`` as ``git show`` prints it, run in the current directory."""
    from slacode.parse import decode

    try:
        proc = subprocess.run(["git", "show", spec], capture_output=True, check=False)   # (no spec starts with "-")
    except FileNotFoundError:
        _fail(f"{spec}: git is not installed, so REV:path cannot be read")
    except OSError as e:
        _fail(f"{spec}: cannot run git: {e.strerror or e}")
    if proc.returncode != 0:
        message = proc.stderr.decode("utf-8", "replace").strip().splitlines()
        detail = message[-1] if message else f"exit status {proc.returncode}"
        _fail(f"{spec}: git show failed: {detail}")
    return decode(proc.stdout, spec)


def load_spec(spec: str):
    """The agreement in a file or ``REV:path``, or exit 2 printing its errors."""
    from slacode.api import analyse
    from slacode.diagnostics import has_errors
    from slacode.reporters import diagnostics_text

    text, diags, name = read_spec_text(spec)
    agreement = None
    if text is not None:
        agreement, diags = analyse(text, name)
    if agreement is None or has_errors(diags):
        errors = [d for d in diags if d.severity == "error"]
        click.echo(diagnostics_text(errors, {name: text}, _color(sys.stderr)), err=True)
        _fail(f"{spec}: the agreement has {len(errors)} error{'s' if len(errors) != 1 else ''}")
    return agreement


def _read_records(events, cutoff: int, tz, input_format, zone=None, csv_options=None) -> tuple[list, list]:
    """The records of the event files (``tz`` was checked with ``--as-of``)."""
    from slacode.cli import csv_arguments
    from slacode.events import EventInputError, iter_records

    diagnostics: list = []
    try:
        records = list(iter_records(list(events), input_format=input_format, default_tz=tz,
                                    diagnostics=diagnostics, as_of_us=cutoff, as_of_zone=zone,
                                    **csv_arguments(csv_options)))
    except EventInputError as e:
        _fail(str(e))
    return records, diagnostics


@click.command()
@click.argument("old")
@click.argument("new")
@click.option("--events", "events", multiple=True, metavar="FILE",
              help="Evaluate both versions over these events (repeatable; `-` for stdin).")
@_as_of_option
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--leads-limit", type=click.IntRange(min=0), default=10, show_default=True, metavar="N",
              help="List at most N leads whose verdicts change, and N verdicts whose due date moves.")
@_event_options
@_jobs_option
def diff(old, new, events, as_of, fmt, leads_limit, tz, input_format, jobs, csv_options):
    """Show what changed between two versions of an agreement (files or REV:path from git),
    and with --events which verdicts the change moves. Exit 0 same, 1 differs, 2 error."""
    from slacode import diff as d

    before = load_spec(old)
    after = load_spec(new)
    changes = d.semantic_diff(before, after)
    imp = None
    read_diags: list = []
    unread: list = []
    if events:
        cutoff = resolve_as_of(as_of, tz, after.plan.timezone)
        sources = spool_stdin(list(events))         # so that a repeated id is compared with its first copy
        records, read_diags = _read_records(sources, cutoff, tz, input_format, after.plan.zone, csv_options)
        from slacode.events import source_names

        names = source_names(sources)               # a folder stands for its files (read without error above)
        unread = unreadable_sources(names, records, read_diags)
        if not unread:
            imp = d.impact(before, after, records, cutoff, sources=names, jobs=jobs)
    elif as_of is not None:
        resolve_as_of(as_of, tz, after.plan.timezone)   # still a usage error when it is not an instant
        click.echo("slacode: --as-of has no effect without --events", err=True)
    if not events and csv_options is not None:
        from slacode.cli import csv_of, type_map_of

        given = [words for words, there in (("--csv-delimiter and --column", csv_of(csv_options) is not None),
                                            ("--type-map", bool(type_map_of(csv_options))),
                                            ("--timestamp-format", bool(csv_options.timestamp_formats))) if there]
        said = ", ".join(given[:-1]) + " and " + given[-1] if len(given) > 1 else given[0]
        verb = "have" if len(given) > 1 or given[0].startswith("--csv") else "has"
        click.echo(f"slacode: {said} {verb} no effect without --events", err=True)
    semantic = [c for c in changes if c.semantic]
    # test blocks are part of the review, but change no verdict: not a difference in meaning
    differs = any(c.area != "test" for c in semantic) or bool(imp is not None and imp.changed)
    if fmt == "json":
        doc = d.to_json_dict(before, after, changes, imp, old_source=old, new_source=new,
                             leads_limit=leads_limit, diagnostics=read_diags)
        with answering():
            click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
    else:
        text = d.render_text(changes, imp, leads_limit=leads_limit, events=", ".join(events) or None)
        if unread:
            text += ("\n" if text else "") + _unread_text(unread, read_diags)
        with answering():                       # `diff … | head` still answers with its status
            click.echo(text, nl=False)
        if not unread:
            click.echo(_summary(old, new, semantic, changes, imp, read_diags), err=True)
    if unread:
        click.echo(f"slacode: no event could be read from {', '.join(unread)}: the verdicts were not compared "
                   "(exit 2)", err=True)
        return EXIT_ERROR
    return EXIT_FINDINGS if differs else EXIT_OK


def unreadable_sources(names: list, records: list, diagnostics: list) -> list:
    """The event sources (by name) of which no event could be read: none of their records is
    among ``records``, and none was left out for being after as_of (SLA506): a file whose
    header or shape is unusable (SLA509, SLA514), that is not UTF-8 (SLA508), that is empty
    (SLA515) or whose every line is unusable."""
    read = {r.source for r in records}
    later = {d.path for d in diagnostics if d.code == "SLA506"}
    return [name for i, name in enumerate(names) if i not in read and name not in later]


#: the most problems of an unreadable event file `diff` prints (`slacode check` lists them all)
_SHOWN_PROBLEMS = 5


def _unread_text(unread: list, diagnostics: list) -> str:
    """What `diff --events` prints for event files of which no event could be read: each
    with its problems (the first few: those of the whole file come first), as `check` lists
    them, in place of an impact on no events."""
    from slacode.reporters import diagnostics_text

    parts = []
    for name in unread:
        mine = [x for x in diagnostics if x.path == name and x.severity != "info"]
        mine.sort(key=lambda x: x.line is not None)         # (stable: a whole file's problems first)
        head = f"No event could be read from {name}"
        if not mine:
            parts.append(head + ": it holds no events.\n")
            continue
        shown = mine[:_SHOWN_PROBLEMS]
        text = f"{head}:\n\n{diagnostics_text(shown)}\n"
        if len(mine) > len(shown):
            more = len(mine) - len(shown)
            text += f"\n… and {more:,} more problem{'s' if more != 1 else ''} in {name} (`slacode check` lists them).\n"
        parts.append(text)
    return "\n".join(parts)


def _summary(old, new, semantic, changes, imp, read_diags) -> str:
    if semantic:
        tests = sum(1 for c in semantic if c.area == "test")
        rest = len(semantic) - tests
        text = f"{rest} change{'s' if rest != 1 else ''} in meaning"
        if tests:
            text += f" and {tests} change{'s' if tests != 1 else ''} to test blocks"
        text += f" from {old} to {new}"
    elif changes:
        text = f"No change in meaning from {old} to {new} (only restated)"
    else:
        text = f"No change in meaning from {old} to {new}"
    if imp is not None:
        text += f"; {imp.changed:,} verdict{'s change' if imp.changed != 1 else ' changes'} status"
        if imp.due_moves:
            moved = imp.due_summary
            text += f", {moved.count:,} due date{'s move' if moved.count != 1 else ' moves'}, {moved.open:,} open"
        problems = input_problems(read_diags, imp.new_diagnostics)
        if problems:
            text += (f" ({problems} input problem{'s' if problems != 1 else ''} reading or evaluating the events "
                     f"under {new}; `slacode check {new}` lists them)")
    return text + "."


def input_problems(read_diags: list, evaluated: list) -> int:
    """The errors and warnings of the events as `check` counts them under one agreement
    (review 27b L5): those of reading (``read_diags``) and the evaluation's notes
    (``evaluated``, which holds what the impact's own reading found too: counted once)."""
    def key(d):
        s = d.span
        return d.code, d.path, s.line if s else None, s.column if s else None, d.message

    seen = {key(d) for d in read_diags if d.severity != "info"}
    return len(seen | {key(d) for d in evaluated if d.severity != "info"})
