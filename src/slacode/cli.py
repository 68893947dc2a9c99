"""The command line: ``main(argv) -> int``.

Exit codes, the same for every command: 0 clean, 1 findings (lint errors, `--fail-on`
met, test failures, `fmt --check` would change), 2 usage, I/O or internal error. Machine
output goes to stdout, human chatter to stderr. Heavy modules are imported inside the
commands, so ``slacode --help`` stays fast.
"""
from __future__ import annotations

import os
import re
import sys
from typing import Any, NamedTuple, NoReturn
from collections.abc import Callable
from pathlib import Path

import click

EXIT_OK, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class Abort(Exception):
    """A usage or I/O problem: one line on stderr and exit 2."""


def _fail(message: str) -> NoReturn:
    raise Abort(message)


def _color(stream=None) -> bool:
    stream = stream or sys.stdout
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()


SKIPPED_FOLDERS = frozenset({"node_modules", "venv", "__pycache__"})
"""Folders never searched for agreements (nor are hidden ones, such as `.git` and `.venv`)."""


def _skipped(name: str) -> bool:
    return name.startswith(".") or name in SKIPPED_FOLDERS


def sla_files_under(folder: Path, broken: list | None = None) -> list[Path]:
    """The ``.sla`` files in ``folder`` and its subfolders, sorted, leaving out hidden
    folders, ``node_modules``, ``venv`` and ``__pycache__`` below it (as ruff does); the
    folder named itself is searched even if hidden. Links to folders are not followed.
    ``broken``: gets the ``.sla`` links whose target does not exist (not skipped unsaid)."""
    found = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = [d for d in dirs if not _skipped(d)]
        found.extend(Path(root, n) for n in names if n.endswith(".sla"))
    if broken is not None:
        broken.extend(str(f) for f in sorted(found) if f.is_symlink() and not f.exists())
    return sorted(f for f in found if f.is_file())


def not_found(path: str) -> str:
    """What to say of a path that names nothing: ``x.sla: no such file or folder``, or for a
    link whose target does not exist, where it points (and for a loop of links, that it is one)."""
    if os.path.islink(path):
        if _a_loop_of_links(path):
            return f"{path}: a link to {os.readlink(path)}, in a loop of links that reaches no file"
        return f"{path}: a link to {os.readlink(path)}, which does not exist"
    return f"{path}: no such file or folder"


def _a_loop_of_links(path: str) -> bool:
    """Whether following the links from ``path`` never ends (the system gives up: ELOOP)."""
    import errno

    try:
        os.stat(path)
    except OSError as e:
        return e.errno == errno.ELOOP
    return False


def agreement_files(paths: tuple[str, ...], missing: list | None = None) -> list[Path]:
    """The ``.sla`` files named by ``paths`` (files as given, folders searched with
    :func:`sla_files_under`). A path that does not exist is a usage error, or with
    ``missing`` is added to it (the caller goes on with the others, and says so at the end)."""
    found: list[Path] = []
    for p in paths:
        if not p:
            _fail(EMPTY_PATH)
        path = Path(p)
        if path.is_dir():
            found.extend(sla_files_under(path, missing))
        elif path.exists():
            found.append(path)
        elif missing is not None:
            missing.append(p)
        else:
            _fail(not_found(p))
    return found


#: An empty PATH argument (an unset shell variable) is not the current folder, as ``Path("")``
#: would read it: `slacode fmt "$FILE"` must not rewrite every agreement of the folder.
EMPTY_PATH = "an empty path names no file or folder (an unset variable in the command?); give the path"

NO_FILES_HERE = ("No .sla files found under the current folder (hidden folders, node_modules and venv "
                 "are skipped); name the files or folders to check.")


def files_to_read(paths: tuple[str, ...], stdin: str = "-") -> tuple[list[Path], list[str], bool]:
    """The agreement files that PATH arguments name (:func:`agreement_files`), the arguments
    that do not exist, and whether ``stdin`` is among them; a usage error when there is
    nothing at all to read. No PATH at all means the current folder (as ruff does), where
    finding nothing is no error: it is said on stderr, and the lists are empty."""
    if not paths:
        broken: list[str] = []              # (`.sla` links to nothing: said, as under a folder named)
        files = agreement_files((".",), broken)
        if not files and not broken:
            click.echo(f"slacode: warning: {NO_FILES_HERE}", err=True)
        return files, broken, False
    if paths.count(stdin) > 1:
        _fail(f"`{stdin}` is given {paths.count(stdin)} times: standard input can be read only once")
    missing: list[str] = []
    files = agreement_files(tuple(p for p in paths if p != stdin), missing)
    seen: set = set()                   # a file named twice (or by its folder too) is read once
    files = [f for f in files if not ((key := _same_file(f)) in seen or seen.add(key))]
    if not files and stdin not in paths:
        _fail("; ".join(not_found(p) for p in missing) if missing else "no .sla files found in " + ", ".join(paths))
    return files, missing, stdin in paths


def _a_number(value):
    """``value`` unless it is NaN (which every comparison passes: a gate that never shuts)."""
    if value is not None and value != value:
        raise click.BadParameter("not a number; give a percentage from 0 to 100")
    return value


def _same_file(path: Path):
    """What names one file whatever the path to it."""
    try:
        st = path.stat()
        return (st.st_dev, st.st_ino)
    except OSError:
        return str(path.resolve())


def _besides(undecoded: list, found: list) -> list:
    """``found`` without the SLA102 of each byte that ``undecoded`` (SLA104) already reports:
    read as U+FFFD, such a byte inside a name is an unexpected character too."""
    places = {(d.line, d.column) for d in undecoded}
    return [d for d in found if not (d.code == "SLA102" and (d.line, d.column) in places)]


def read_agreement_text(path: Path, lenient: bool = False):
    from slacode.api import read_source

    try:
        return read_source(path, lenient)
    except OSError as e:
        _fail(f"{path}: cannot read: {e.strerror or e}")


def load_agreement(spec: str, events=(), on_errors: "Callable | None" = None):
    """The agreement in ``spec`` (``-``: standard input, unless ``events`` read it), or exit
    2 printing its errors (``on_errors(errors, sources, agreement)`` writes them instead of
    the text on standard error: `check --format github` and `json`)."""
    if spec == "-":
        if "-" in events:
            _fail("`-` is given for the agreement and for the events: standard input can be only one of them")
        from slacode.parse import decode

        return _checked_agreement(*decode(sys.stdin.buffer.read(), "<stdin>"), "<stdin>", "-", on_errors)
    if not spec:
        _fail(EMPTY_PATH)
    path = Path(spec)
    if path.is_dir():
        _fail(f"{spec}: is a folder; give the agreement file first, then the events")
    if not path.exists():                       # (a device or a pipe, `<(git show …)`, is read)
        _fail(not_found(spec).replace(": no such file or folder", ": no such file"))
    from slacode.events import format_of

    if format_of(spec) is not None:             # `slacode check events.jsonl desk.sla`
        sla = next((e for e in events if e.endswith(".sla")), None)
        _fail(f"{spec} is an event file ({format_of(spec).upper()}), not an agreement: the agreement comes first"
              + (f", as in `slacode {click.get_current_context().info_name} {sla} {spec}`" if sla else ""))
    text, diags = read_agreement_text(path)
    return _checked_agreement(text, diags, str(path), spec, on_errors)


def _checked_agreement(text: str | None, diags: list, name: str, spec: str, on_errors: "Callable | None" = None):
    """The agreement of ``text`` (read from ``name``), or exit 2 printing its errors (with
    ``on_errors``, as :func:`load_agreement` says)."""
    from slacode.api import analyse
    from slacode.diagnostics import has_errors
    from slacode.reporters import diagnostics_text

    agreement = None
    if text is not None:
        agreement, diags = analyse(text, name)
    if agreement is None or has_errors(diags):
        errors = [d for d in diags if d.severity == "error"]
        where = "shown above"
        if on_errors is not None:
            where = on_errors(errors, {name: text}, agreement) or where
        else:
            click.echo(diagnostics_text(errors, {name: text}, _color(sys.stderr)), err=True)
        again = "run `slacode lint` on it" if spec == "-" else f"run `slacode lint {spec}`"   # (stdin is read)
        _fail(f"{spec}: the agreement has {len(errors)} error{'s' if len(errors) != 1 else ''} ({where}); "
              f"{again} for its warnings too")
    return agreement.model_copy(update={"diagnostics": tuple(_project_filter(diags))})


def _project_options(f):
    """``--config FILE`` and ``--isolated``, which choose the ``pyproject.toml`` a command
    reads its settings from (``[tool.slacode.lint]``, ``[tool.slacode.input]``), kept for the
    command's run in its context (:func:`_project_choice`)."""
    def keep(ctx, param, value):
        if value:
            ctx.meta.setdefault("slacode.project", {})[param.name] = value
            if len(ctx.meta["slacode.project"]) > 1:
                raise click.UsageError("--config and --isolated cannot be given together: --config reads that "
                                       "file's settings, --isolated reads none", ctx)
        return value

    f = click.option("--isolated", is_flag=True, expose_value=False, callback=keep,
                     help="Read no pyproject.toml: no [tool.slacode] settings, only the command line's.")(f)
    return click.option("--config", metavar="FILE", expose_value=False, callback=keep,
                        type=click.Path(exists=True, dir_okay=False),
                        help="Read the [tool.slacode] settings of this TOML file instead of the nearest "
                             "pyproject.toml at or above the current folder.")(f)


def _project_choice() -> dict:
    """The keywords of :func:`slacode.project.nearest_pyproject` the command line chose
    (``--config``, ``--isolated``; none: the nearest pyproject.toml)."""
    ctx = click.get_current_context(silent=True)
    return dict(ctx.meta.get("slacode.project", {})) if ctx is not None else {}


def _project_filter(diags: list) -> list:
    """The agreement's diagnostics that the nearest pyproject.toml's ``[tool.slacode.lint]``
    (``select``, ``ignore``) wants, as ``lint`` reports them: `check`, `report` and `due`
    show the agreement's warnings a repository chose to see (errors always). A setting that cannot be read is said on standard error and not applied (lint
    refuses it)."""
    if not diags or all(d.severity == "error" for d in diags):
        return diags
    from slacode.suppress import Selection, project_settings

    try:
        where, settings = project_settings(**_project_choice())
        if not settings:
            return diags
        return Selection.of(settings.get("select"), settings.get("ignore", ())).filter(diags)
    except ValueError as e:
        click.echo(f"slacode: warning: {e} (not applied; `slacode lint` says more)", err=True)
        return diags


#: commands that live in their own modules, imported only when used: name -> "module:attr"
LAZY_COMMANDS = {
    "fmt": "slacode.cmd_fmt:fmt",
    "diff": "slacode.cmd_diff:diff",
    "schema": "slacode.cmd_schema:schema",
    "report": "slacode.cmd_report:report",
    "due": "slacode.cmd_report:due",
    "changes": "slacode.cmd_changes:changes",
    "calendar": "slacode.cmd_calendar:calendar",
}


#: What `slacode --help` says of each command, in one line (its own help has the rest).
SUMMARIES = {
    "calendar": "Closed days and special hours of the calendars; deadlines on them.",
    "changes": "Transitions since the last run: warned, met, breached, cancelled.",
    "check": "Judge events against an agreement: verdicts and input problems.",
    "diff": "What changed between two versions, and which verdicts it changes.",
    "due": "Open clocks that will warn or fall due soon, soonest first.",
    "explain": "One lead's timeline: events, clocks, pauses, why each verdict.",
    "fmt": "Rewrite agreements in the canonical layout, comments kept.",
    "lint": "Check agreements: syntax, names, calendars, unkeepable promises.",
    "report": "Compliance per group and period; an HTML dashboard.",
    "rule": "Print the documentation of a diagnostic code (SLA301, or a name).",
    "schema": "Print the JSON Schema of a machine-readable output.",
    "test": "Run the `test` blocks written in agreements.",
}


def _near_leads(wanted, ids) -> dict:
    """Each lead of ``wanted`` that no id equals, with an id that differs from it only in
    case or spaces around it: of several, the nearest (:func:`slacode.output.nearness`)."""
    from slacode.output import lead_key, nearness

    keys = {lead_key(w): w for w in wanted if w not in ids}
    found: dict = {}
    for i in ids:
        w = keys.get(lead_key(i))
        if w is not None:
            found.setdefault(w, []).append(i)
    return {w: min(found[w], key=lambda i: nearness(i, w)) for w in found}


def _records_again(events, input_format, tz, csv_options=None):
    """The events' records read once more (only after a lead was not found; a spooled
    standard input is read from its start), their problems left out."""
    from slacode.events import iter_records

    for e in events:
        if hasattr(e, "name_for_refs"):
            e.seek(0)
    return iter_records(list(events), input_format=input_format, default_tz=tz, diagnostics=[],
                        **csv_arguments(csv_options))


def _lead_ids(events, input_format, tz, csv_options=None) -> set:
    """The lead ids of the events (:func:`_records_again`)."""
    return {r.lead for r in _records_again(events, input_format, tz, csv_options)}


def _leads_by_field_value(events, text: str, input_format, tz, csv_options=None, most: int = 3) -> str:
    """Up to ``most`` leads with a lead field whose text value is ``text``, case and spaces
    around it aside (a name or an e-mail given where an id was asked for), as words
    (``lead 'L-1' has name 'Ana Lima'``); empty when none has (:func:`_records_again`)."""
    from slacode.output import lead_key

    wanted = lead_key(text)
    if not wanted:
        return ""
    found: dict = {}
    for r in _records_again(events, input_format, tz, csv_options):
        if r.fields and r.lead not in found:
            for key, value in r.fields.items():
                if value.__class__ is str and lead_key(value) == wanted:
                    found[r.lead] = f"lead {r.lead!r} has {key} {value!r}"
                    break
        if len(found) >= most:
            break
    return "; ".join(found.values())


class InputOptions(NamedTuple):
    """How a command reads its event files beyond the format: ``csv``, the CSV options of
    ``--csv-delimiter`` and ``--column`` (:class:`slacode.events_csv.CsvOptions`, None:
    standard CSV), and ``type_map``, the ``--type-map OURS=THEIRS`` pairs (extension,
    :mod:`slacode.typemap`; JSON Lines and CSV alike), and ``timestamp_formats``, the checked
    ``--timestamp-format`` formats (extension, :func:`slacode.timestamps.timestamp_formats`).
    The commands receive them as their ``csv_options`` argument (None when no such option
    is given)."""

    csv: Any = None
    type_map: tuple = ()
    timestamp_formats: tuple = ()       # --timestamp-format (extension), checked


def csv_arguments(csv_options) -> dict:
    """The keyword arguments of :func:`slacode.events.iter_records` for the input options
    (:class:`InputOptions`, None: none given)."""
    if csv_options is None:
        return {}
    out: dict = {}
    csv = csv_of(csv_options)
    if csv is not None:
        out.update(csv_delimiter=csv.delimiter if csv.delimiter_given else None, csv_columns=csv.columns)
    types = type_map_of(csv_options)
    if types:
        out["type_map"] = types
    formats = getattr(csv_options, "timestamp_formats", ())
    if formats:
        out["timestamp_formats"] = formats
    return out


def csv_of(csv_options) -> Any:
    """The CSV options among the input options (None: standard CSV; CSV options alone are
    taken as they are)."""
    return csv_options.csv if isinstance(csv_options, InputOptions) else csv_options


def type_map_of(csv_options) -> tuple | None:
    """The ``--type-map`` pairs among the input options (None: no type map)."""
    return (csv_options.type_map or None) if isinstance(csv_options, InputOptions) else None


class LazyGroup(click.Group):
    """A group whose extra commands are imported on first use (``--help`` stays fast);
    a command whose module is not installed is simply not offered."""

    def format_commands(self, ctx, formatter) -> None:
        """The commands with their one-line :data:`SUMMARIES`, without importing any."""
        rows = [(name, SUMMARIES.get(name) or self.get_command(ctx, name).get_short_help_str(80))
                for name in self.list_commands(ctx)]
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)

    def list_commands(self, ctx):
        names = set(super().list_commands(ctx))
        names |= {n for n, target in LAZY_COMMANDS.items() if _module_exists(target.split(":")[0])}
        return sorted(names)

    def get_command(self, ctx, name):
        command = super().get_command(ctx, name)
        if command is not None or name not in LAZY_COMMANDS:
            return command
        module, attr = LAZY_COMMANDS[name].split(":")
        if not _module_exists(module):
            return None
        import importlib

        return getattr(importlib.import_module(module), attr)


def _module_exists(name: str) -> bool:
    import importlib.util

    return importlib.util.find_spec(name) is not None


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="slacode", prog_name="slacode")
def cli() -> None:
    """Service-level agreements between marketing and sales, as code."""


def _lint_formats() -> dict:
    from slacode.reporters import LINT_FORMATS

    return LINT_FORMATS


@cli.command()
@click.argument("paths", nargs=-1, required=False)
@click.option("--format", "fmt", type=click.Choice(list(_lint_formats())), default="text", show_default=True)
@click.option("--strict", is_flag=True, help="Fail (exit 1) on warnings too.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when problems are found.")
@click.option("--select", multiple=True, metavar="CODE",
              help="Report only these warnings and information: codes, names or prefixes such as SLA4 "
                   "(repeatable or comma-separated; replaces [tool.slacode.lint] select). Errors are "
                   "always reported.")
@click.option("--ignore", multiple=True, metavar="CODE",
              help="Do not report these warnings and information: codes, names or prefixes (repeatable or "
                   "comma-separated; added to [tool.slacode.lint] ignore).")
@click.option("--statistics", is_flag=True, help="Print how many diagnostics of each code were found, "
                                                 "instead of the diagnostics (text or json).")
@_project_options
def lint(paths, fmt, strict, exit_zero, select, ignore, statistics):
    """Check agreements (files or folders of .sla files, the current folder if none; `-` reads
    standard input)."""
    from slacode.api import analyse
    from slacode.diagnostics import sort_diagnostics
    from slacode.reporters import diagnostics_json, diagnostics_text, summary_line

    if statistics and fmt not in ("text", "json"):
        _fail(f"--statistics prints text or json, not {fmt}")
    selection = _lint_selection(select, ignore)
    files, missing, stdin = files_to_read(paths)
    diags, sources = [], {}
    for path in files:
        text, file_diags = read_agreement_text(path, lenient=True)
        if text is not None:
            sources[str(path)] = text
            file_diags += _besides(file_diags, analyse(text, str(path))[1])
        diags.extend(file_diags)
    if stdin:                                   # `-`: an editor's buffer, say
        from slacode.parse import decode

        text, file_diags = decode(sys.stdin.buffer.read(), "<stdin>", lenient=True)
        if text is not None:
            sources["<stdin>"] = text
            file_diags += _besides(file_diags, analyse(text, "<stdin>")[1])
        diags.extend(file_diags)
    diags = sort_diagnostics(selection.filter(diags))
    with answering():                           # the status answers even if the reader goes away
        if statistics:
            click.echo(_lint_statistics(diags, fmt), nl=False)
        elif fmt == "json":
            click.echo(diagnostics_json(diags))
        elif fmt != "text":
            click.echo(_lint_formats()[fmt](diags, sources), nl=False)
        elif diags:
            click.echo(diagnostics_text(diags, sources, _color()))
    for p in missing:                           # the others were linted; these could not be
        click.echo(f"slacode: {not_found(p)}", err=True)
    if fmt == "text" and (files or stdin or missing):
        click.echo(summary_line(diags, len(files) + stdin, len(missing)), err=True)
    failing = any(d.severity == "error" or (strict and d.severity == "warning") for d in diags)
    if missing:
        return EXIT_ERROR
    return EXIT_FINDINGS if failing and not exit_zero else EXIT_OK


class answering:
    """``with answering(): …write the output…`` in a command whose exit status answers a
    question (`lint`, `test`, `fmt --check`, `diff`): when the reader of standard output goes
    away (`| head -1`), the rest of the output is dropped and the command goes on, so that its
    status is the same as unpiped (the commands whose status is 0 anyway stop at once)."""

    def __enter__(self):
        return self

    def __exit__(self, kind, value, traceback) -> bool:
        if kind is not None and issubclass(kind, BrokenPipeError):
            _pipe_closed()
            return True
        return False


def _lint_selection(select: tuple, ignore: tuple):
    """``lint``'s :class:`~slacode.suppress.Selection`: ``--select`` (else the nearest
    pyproject.toml's ``[tool.slacode.lint] select``) and both ignores; exit 2 on a bad one."""
    from slacode.suppress import Selection, project_settings

    try:
        where, settings = project_settings(**_project_choice())
    except ValueError as e:
        _fail(str(e))
    try:
        config = Selection.of(settings.get("select"), settings.get("ignore", ()))
    except ValueError as e:
        _fail(f"{where}: [tool.slacode.lint]: {e}")
    try:
        given = Selection.of(select or None, ignore)
    except ValueError as e:
        _fail(str(e))
    _say_error_codes(ignore, "--ignore")
    _say_error_codes(settings.get("ignore", ()), f"{where}: [tool.slacode.lint] ignore")
    return Selection(given.select if select else config.select, config.ignore + given.ignore)


def _say_error_codes(ignored, where: str) -> None:
    """A warning on standard error for each code or name of ``ignored`` that is an error:
    errors cannot be ignored (as a `# slacode: ignore[…]` comment naming one is SLA111)."""
    from slacode.codes import CODES
    from slacode.suppress import resolve

    words = [ignored] if isinstance(ignored, str) else list(ignored)
    for word in (w.strip() for item in words for w in str(item).split(",")):
        code = resolve(word) if word else None
        if code is not None and CODES[code].severity == "error":
            click.echo(f"slacode: warning: {where} {word}: {code} `{CODES[code].name}` is an error, and errors cannot "
                       "be ignored: it is still reported", err=True)


def _lint_statistics(diags: list, fmt: str) -> str:
    """``lint --statistics``: how many diagnostics of each code, most frequent first."""
    from collections import Counter

    from slacode.codes import CODES

    counts = Counter(d.code for d in diags)
    rows = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    if fmt == "json":
        import json

        return json.dumps([{"code": c, "name": CODES[c].name, "severity": CODES[c].severity, "count": n}
                           for c, n in rows], indent=2) + "\n"
    width = max((len(str(n)) for _, n in rows), default=1)
    return "".join(f"{n:>{width}}  {c}  {CODES[c].severity:<7}  {CODES[c].name}\n" for c, n in rows)


@cli.command()
@click.argument("code", required=False)
@click.option("--all", "show_all", is_flag=True, help="List every code.")
def rule(code, show_all):
    """Print the documentation of a diagnostic code (e.g. SLA201), or list the codes whose
    name or summary has a word (`slacode rule warn`)."""
    from slacode.codes import CODES, by_name

    if show_all or code is None:
        click.echo(_code_rows(CODES.values()), nl=False)
        return EXIT_OK
    info = CODES.get(code.strip().upper()) or by_name(code.strip())
    if info is not None:
        click.echo(info.page(), nl=False)
        return EXIT_OK
    found = search_codes(code)
    if found:
        click.echo(_code_rows(found), nl=False)
        from slacode.texts import plural

        n = len(found)
        click.echo(f"{plural(n, 'code')} match{'es' if n == 1 else ''} {code!r}; `slacode rule CODE` prints "
                   "a code's page.", err=True)
        return EXIT_OK
    import difflib

    close = difflib.get_close_matches(code.upper(), list(CODES), n=3)
    close += difflib.get_close_matches(code, [i.name for i in CODES.values()], n=3)
    hint = f" (did you mean {', '.join(close)}?)" if close else "; `slacode rule --all` lists them"
    _fail(f"unknown code {code!r}, and no code's name or summary has the word{hint}")


def search_codes(word: str) -> list:
    """The codes a word that is no code and no name finds: a code prefix (`SLA3`) gives that
    group; otherwise the codes whose name has the word (case ignored; spaces read as
    hyphens), then those whose summary has a word starting with it. Each group in code order."""
    import re

    from slacode.codes import CODES

    word = word.strip()
    if not any(ch.isalnum() for ch in word):        # (`.`, `*`: no word to look for)
        return []
    if re.fullmatch(r"(?i)sla\d{0,2}", word):
        return [i for c, i in CODES.items() if c.startswith(word.upper())]
    key = re.sub(r"[\s_]+", "-", word.lower())
    in_name = [i for i in CODES.values() if key in i.name]
    pattern = re.compile(r"(?<![\w-])" + re.escape(word.lower()), re.IGNORECASE)
    in_summary = [i for i in CODES.values() if i not in in_name and pattern.search(i.summary)]
    return in_name + in_summary


def _code_rows(infos) -> str:
    """One line a code: code, severity, name and summary, the name column as wide as the
    longest name of all codes (so the summaries line up whatever is listed)."""
    from slacode.codes import CODES

    width = max(len(i.name) for i in CODES.values())
    return "".join(f"{i.code}  {i.severity:<7}  {i.name:<{width}}  {i.summary}\n" for i in infos)


def console() -> None:
    """The ``slacode`` program: :func:`main`, then exit with its status.

    SIGTERM (a timeout, ``docker stop``, a scheduler), SIGINT (Ctrl-C) and SIGHUP (the
    terminal or the SSH session closed) unwind the run (:class:`_Stopped`): the workers are
    stopped, the temporary files removed, one line says so, and the status is 128 + the
    signal's number (143, 130, 129). Whatever else happens,
    even a failure while reporting a failure, the status is never Python's 1 (findings):
    an exception that escapes everything is status 2 (:func:`_internal_error`). Standard
    output is flushed here, so that a full disk at the last write is said too.

    Before exiting, every object left is moved out of the cyclic collector's sight
    (``gc.freeze``): the interpreter's last collection would otherwise traverse the tens of
    thousands of objects of pydantic, Lark and the loaded agreement only to find nothing to
    collect (some 15 to 50 ms of every run). Nothing is lost: the process ends, and files
    are flushed and closed as usual. Tests call :func:`main`, which freezes nothing."""
    code, restore = EXIT_ERROR, None
    try:
        import gc

        sys.stderr = _QuietStderr(sys.stderr)
        restore = _stop_on_signals()
        code = _flushed(main())
        gc.freeze()
    except SystemExit:
        _restore_signals(restore)
        raise
    except _Stopped as e:
        code = _stopped(e.signum)
    except KeyboardInterrupt:
        code = _stopped(2)
    except BrokenPipeError:
        code = _pipe_closed()
    except BaseException as e:  # noqa: BLE001 - the last resort: a crash is 2, never Python's 1 (findings)
        code = _last_resort(e)
    _restore_signals(restore)
    sys.exit(code)


def _last_resort(exc: BaseException) -> int:
    """:func:`_internal_error` of what escaped :func:`main`; a signal while it is said is
    the signal's status."""
    try:
        return _internal_error(exc)
    except _Stopped as e:
        return _stopped(e.signum)


class _Stopped(BaseException):
    """A SIGTERM, SIGINT or SIGHUP the program received (:func:`_stop_on_signals`). It unwinds the
    stack as KeyboardInterrupt does, so every ``finally`` runs (the workers are stopped, the
    run's folder removed), but it is not one: click would print an empty line for it."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


#: The exit status and the word of each signal the program stops on: 128 + its number.
_SIGNAL_EXITS = {1: (129, "hung up"), 2: (130, "interrupted"), 15: (143, "terminated")}


def _stop_on_signals() -> dict | None:
    """Make SIGTERM, and SIGINT and SIGHUP unless they are ignored (a job started in the
    background, under ``nohup``), raise :class:`_Stopped` in this process; returns the
    handlers to put back. Only the first signal raises: those that follow are ignored, so
    that they do not cut the clean-up short. A worker forked a moment before (still with
    this handler) dies of it as usual."""
    import signal

    pid = os.getpid()

    def stop(signum, _frame):
        if os.getpid() != pid:                  # a worker that has not set its own handlers yet
            signal.signal(signum, signal.SIG_DFL)
            os.kill(os.getpid(), signum)
            return
        for s in before:
            if signal.getsignal(s) is stop:
                signal.signal(s, signal.SIG_IGN)
        raise _Stopped(signum)

    # each signal with the handler it has when nobody changed it: only that one is replaced
    usual = {signal.SIGTERM: signal.getsignal(signal.SIGTERM), signal.SIGINT: signal.default_int_handler,
             getattr(signal, "SIGHUP", None): signal.SIG_DFL}
    before: dict = {}
    try:
        for s, handler in usual.items():
            if s is not None and signal.getsignal(s) is handler:
                before[s] = handler
                signal.signal(s, stop)
    except (ValueError, OSError, AttributeError):  # pragma: no cover - not the main thread
        _restore_signals(before)
        return None
    return before


def _restore_signals(before: dict | None) -> None:
    """Put back the handlers :func:`_stop_on_signals` replaced (the interpreter's exit then
    dies of a late signal, as any program does)."""
    if not before:
        return
    try:
        import signal

        for s, handler in before.items():
            signal.signal(s, handler)
    except BaseException:  # noqa: BLE001, S110 - exiting anyway
        pass


def _stopped(signum: int) -> int:
    """Say that a signal stopped the run; its exit status (129 hung up, 130 interrupted, 143
    terminated).
    On a terminal the line starts on a line of its own (after the ``^C`` it echoed); in a
    log, with no empty line before it."""
    status, word = _SIGNAL_EXITS.get(signum, (128 + signum, f"stopped by signal {signum}"))
    try:
        lead = "\n" if sys.stderr.isatty() else ""
        click.echo(f"{lead}slacode: {word}", err=True)
    except BaseException:  # noqa: BLE001, S110 - the status says it too
        pass
    return status


def _flushed(code: int) -> int:
    """``code``, after standard output is flushed: a disk that fills at the last write is an
    I/O error (2) of standard output, not a message of the interpreter's exit (status 120)."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        _pipe_closed()                          # the reader had what it wanted
    except OSError as e:
        e.slacode_where = "stdout"
        return _internal_error(e)
    except (ValueError, AttributeError):        # closed, or replaced by something without flush
        pass
    return code


class _QuietStderr:
    """Standard error that a closed pipe does not break (`slacode lint … 2>&1 | head -1`):
    when the reader has gone, what is still written there (the summary after the output) is
    dropped, and the command ends with the status it answers, as when only standard output
    is piped (:class:`answering`). Everything else is the stream's own."""

    def __init__(self, stream):
        self._stream = stream

    def write(self, text):
        try:
            return self._stream.write(text)
        except BrokenPipeError:
            self._closed()
            return len(text)

    def flush(self):
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._closed()

    def _closed(self) -> None:
        import os

        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), self._stream.fileno())
        except (OSError, ValueError, AttributeError):
            pass

    def __getattr__(self, name):
        return getattr(self._stream, name)


def main(argv: list[str] | None = None) -> int:
    """Run the command line; returns the exit status."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        _say_unusable_tmpdir(args)
        result = cli.main(args=args, prog_name="slacode", standalone_mode=False)
    except Abort as e:
        click.echo(f"slacode: {_one_line(str(e))}", err=True)
        return EXIT_ERROR
    except click.exceptions.Exit as e:
        return e.exit_code
    except click.ClickException as e:
        e.show()
        return EXIT_ERROR
    except click.exceptions.Abort as e:
        if isinstance(e.__cause__, KeyboardInterrupt):      # click turns Ctrl-C into Abort
            return _stopped(2)
        click.echo("slacode: aborted", err=True)
        return EXIT_ERROR
    except BrokenPipeError:
        return _pipe_closed()
    except SystemExit as e:
        # click turns a write into a closed pipe (`slacode check … | head -1`) into exit 1,
        # the status of findings; the reader had what it wanted: 0, as for every format
        from click.utils import PacifyFlushWrapper

        if e.code == 1 and isinstance(sys.stdout, PacifyFlushWrapper):
            return EXIT_OK
        raise
    except _Stopped as e:
        return _stopped(e.signum)
    except KeyboardInterrupt:
        return _stopped(2)
    except Exception as e:  # noqa: BLE001 - a bug or a limit slacode should have caught: status 2, not 1
        return _internal_error(e)
    return result if isinstance(result, int) else EXIT_OK


#: The commands that keep temporary files (the evaluation's spools) when they read events.
_SPOOLING = frozenset({"check", "report", "due", "changes", "diff"})


def _say_unusable_tmpdir(args: list[str]) -> None:
    """Say once, for a command that keeps temporary files, that ``TMPDIR`` is set but cannot
    be used (empty, missing, not a folder, not writable), and where they go instead: Python
    falls back to another folder (``/tmp``) without a word, maybe a small one."""
    chosen = os.environ.get("TMPDIR")
    if chosen is None or "--help" in args:
        return
    command = next((a for a in args if not a.startswith("-")), None)
    if command not in _SPOOLING or command == "diff" and not any(a.startswith("--events") for a in args):
        return
    import tempfile

    try:
        folder = tempfile.gettempdir()
    except OSError:                             # none at all: said where a file is made
        return
    if chosen and os.path.abspath(chosen) == folder:
        return
    if not chosen:
        why = "is set but empty"
    elif not os.path.exists(chosen):
        why = f"({chosen}) does not exist"
    elif not os.path.isdir(chosen):
        why = f"({chosen}) is not a folder"
    else:
        why = f"({chosen}) cannot be written"
    click.echo(f"slacode: warning: TMPDIR {why}: temporary files go to {folder} instead", err=True)


def _one_line(message: str) -> str:
    """``message`` with the characters that are not printable (a line end, a tab, a NUL given
    in an option's value) written as escapes, so that it stays the one line it says."""
    if message.isprintable():
        return message
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)


def _pipe_closed() -> int:
    """The reader of standard output went away (`| head -1`): stop quietly, status 0, with
    standard output pointed at the null device so that the final flush raises nothing."""
    import os

    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass
    return EXIT_OK


def _internal_error(exc: BaseException) -> int:
    """An exception no command handled: one line saying what happened (the traceback with
    ``SLACODE_TRACEBACK=1``), and exit status 2 ("usage, I/O or internal error"), never 1,
    which means findings. Saying it imports nothing that may not be loaded already (an
    import can fail for the very lack of memory being reported); if saying it fails all
    the same, the least is written straight to the file descriptor, and the status is
    still 2. A signal (:class:`_Stopped`) meanwhile goes on up: it has its own status."""
    try:
        _say_internal_error(exc)
    except _Stopped:
        raise
    except BaseException:  # noqa: BLE001 - no memory to format it, stderr gone: say the least
        _last_words(exc)
    return EXIT_ERROR


def _last_words(exc: BaseException) -> None:
    """One line on file descriptor 2 with no formatting (nothing to allocate but the name)."""
    try:
        if isinstance(exc, MemoryError):
            os.write(2, b"slacode: out of memory\n")
        else:
            os.write(2, b"slacode: internal error: " + type(exc).__name__.encode("ascii", "replace") + b"\n")
    except BaseException:  # noqa: BLE001, S110 - the status 2 says it
        pass


def _say_internal_error(exc: BaseException) -> None:
    if os.environ.get("SLACODE_TRACEBACK"):
        import traceback

        traceback.print_exception(exc)
        worker = getattr(exc, "worker_traceback", None)     # where a worker process failed
        if worker:
            click.echo(f"in the worker:\n{worker}", err=True)
    calendar = sys.modules.get("slacode.calendar")          # (if it was never loaded, exc is none of its)
    parallel = sys.modules.get("slacode.parallel")
    hint = None
    known = tuple(c for c in (getattr(calendar, "CalendarError", None),    # a working-time limit the data reached
                              getattr(parallel, "WorkerKilled", None)) if c is not None)  # the OOM killer, a kill -9
    if known and isinstance(exc, known):
        message = str(exc)
    elif isinstance(exc, MemoryError) or _no_memory_to_load(exc):    # more verdicts than the machine holds
        message = "out of memory: the run needs more memory than this machine gives it"
        hint = ("check --as-of and the oldest events (a placeholder date makes goals report every period "
                "since); give the process more memory, or evaluate fewer events at once"
                + (", or use fewer --jobs (each process needs its own)" if hasattr(exc, "slacode_worker") else ""))
    elif isinstance(exc, OSError):           # the disk is full, too many open files: no bug of ours
        message, hint = _os_error_words(exc)
    else:
        message = f"internal error: {type(exc).__name__}: {exc}"
        hint = "this is a bug in slacode; run again with SLACODE_TRACEBACK=1 set to see where, and report it"
    click.echo(f"slacode: {message}", err=True)
    if hint:
        click.echo(f"  = hint: {hint}", err=True)


def _no_memory_to_load(exc: BaseException) -> bool:
    """Whether an ImportError is the dynamic loader's lack of memory (an extension module
    that could not be mapped), which is no bug either."""
    text = str(exc).lower()
    return isinstance(exc, ImportError) and ("failed to map segment" in text or "cannot allocate memory" in text)


def _os_error_words(exc: OSError) -> tuple[str, str | None]:
    """The message and hint of an OSError no command handled, saying which side failed
    where it can be known: the temporary folder (spools, a parallel run's folder) or
    standard output (:func:`_failed_side`)."""
    import errno

    text = exc.strerror or str(exc)
    side = _failed_side(exc)
    if exc.errno in (errno.EMFILE, errno.ENFILE):
        what = {"temporary": " (opening a temporary file)", "stdout": " (standard output)"}.get(side, "")
        named = f"{exc.filename}: " if side is None and exc.filename else ""
        limit = _open_files_limit()
        if exc.errno == errno.ENFILE:
            hint = "the whole system's table of open files is full: stop other programs, or use fewer --jobs"
        else:
            hint = (f"raise the limit of open files (`ulimit -n`{limit}) where the job starts, or use fewer "
                    "--jobs (each process opens its own files)")
        return f"{named}{text}{what}", hint
    if side == "temporary":
        folder = _temporary_folder()
        if folder is None:
            return f"no usable temporary folder: {text}", "set TMPDIR to a folder slacode can write in"
        if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", 122)):
            hint = ("while it runs, slacode keeps about the size of its output there (the evaluation's "
                    "spools): make room there, or set TMPDIR to a folder with more space")
            return f"{folder} is full: {text}", hint
        return f"{folder}: {text}", "set TMPDIR to a folder slacode can write in"
    if side == "stdout":
        if exc.errno == errno.ENOSPC:
            return f"standard output: {text}", "the disk standard output goes to is full; the output is incomplete"
        return f"standard output: {text}", None
    named = f"{exc.filename}: " if exc.filename else ""
    hint = None
    if exc.errno in (errno.ENOSPC, getattr(errno, "EDQUOT", 122)) and not exc.filename:
        folder = _temporary_folder() or "the temporary folder"
        hint = (f"a disk is full: the one standard output is written to, or the one of {folder} "
                "(TMPDIR sets another)")
    return f"{named}{text}", hint


def _temporary_folder() -> str | None:
    """``the temporary folder PATH`` (with ``(TMPDIR)`` when that variable chose it), or
    None when there is none that can be used."""
    tempfile = sys.modules.get("tempfile")
    try:
        if tempfile is None:
            import tempfile
        folder = tempfile.gettempdir()
    except (OSError, ImportError):           # "No usable temporary directory found in …"
        return None
    chosen = os.environ.get("TMPDIR")
    by_variable = bool(chosen) and os.path.abspath(chosen) == folder
    return f"the temporary folder {folder}" + (" (TMPDIR)" if by_variable else "")


def _open_files_limit() -> str:
    """``, now N`` for the soft limit of open files, or nothing when it cannot be read (asked
    of ``sysconf``: importing a module would need a file descriptor, the very thing missing)."""
    try:
        soft = os.sysconf("SC_OPEN_MAX")
    except (OSError, ValueError, AttributeError):
        return ""
    return f", now {soft}" if soft > 0 else ""


#: The modules of slacode that write temporary files (spools, spilled ids, a parallel run's folder).
_TEMPORARY_WRITERS = ("stream.py", "ids.py", "parallel.py")


def _failed_side(exc: OSError) -> str | None:
    """``"temporary"`` when an OSError is of the temporary folder, ``"stdout"`` when of
    standard output, None when it cannot be told cheaply. Told by a mark put on it
    (``slacode_where``, by a worker or by :func:`_flushed`), by a file named in the
    temporary folder, or by where it was raised: the innermost frame of slacode or of
    ``tempfile`` (a spool's write), and, for standard output, a reference to it there."""
    side = getattr(exc, "slacode_where", None)
    if side:
        return side
    tempfile = sys.modules.get("tempfile")
    folder = getattr(tempfile, "tempdir", None)
    name = exc.filename
    if isinstance(name, str) and folder:
        base = os.path.basename(name)
        in_folder = os.path.dirname(name) == folder and base.startswith(("tmp", "slacode-jobs-"))
        if in_folder or os.path.basename(os.path.dirname(name)).startswith("slacode-jobs-"):
            return "temporary"
    frames = []
    tb = exc.__traceback__
    while tb is not None:
        frames.append(tb.tb_frame)
        tb = tb.tb_next
    package = os.path.dirname(os.path.abspath(__file__))
    for frame in reversed(frames):                    # the innermost first
        filename = frame.f_code.co_filename
        if filename.endswith("tempfile.py"):
            return "temporary"
        if os.path.dirname(os.path.abspath(filename)) != package:
            continue
        if os.path.basename(filename) in _TEMPORARY_WRITERS or frame.f_code.co_name == "spool_stdin":
            return "temporary"
        try:
            if any(_is_stdout(v) for v in frame.f_locals.values()):
                return "stdout"
        except Exception:  # noqa: BLE001 - a frame's locals that cannot be read tell nothing
            return None
        return None
    return None


def _is_stdout(value, depth: int = 2) -> bool:
    """Whether ``value`` is standard output: the stream, its buffer, a bound method of one,
    or an object that holds one (``out``, ``stream``: the writers of the output)."""
    streams = [sys.stdout, sys.__stdout__]
    streams += [getattr(s, "buffer", None) for s in list(streams)]
    if any(value is s for s in streams if s is not None):
        return True
    if depth <= 0:
        return False
    return any(_is_stdout(getattr(value, attr, None), depth - 1)
               for attr in ("__self__", "out", "stream", "_stream") if getattr(value, attr, None) is not None)


# ------------------------------------------------------------------------ check & co.

def _as_of_option(f):
    return click.option("--as-of", "as_of", metavar="T",
                        help="Judge as of this RFC 3339 instant (default: now); without an offset, read in "
                             "--tz, else in the agreement's time zone.")(f)


def _event_options(f):
    """``--tz``, ``--input-format``, the CSV options and ``--type-map``, which the command
    receives as one ``csv_options`` (:class:`InputOptions`, None when none is given), each
    from the command line, else from the nearest pyproject.toml's ``[tool.slacode.input]``
    (read only when the command names events: `diff` without ``--events`` does not)."""
    import functools

    body = f

    @functools.wraps(body)
    def command(*args, csv_delimiter=None, columns=(), type_maps=(), timestamp_formats=(), verbose=False,
                **kwargs):
        given = {"tz": kwargs.get("tz") is not None, "input-format": kwargs.get("input_format") is not None,
                 "csv-delimiter": csv_delimiter is not None, "column": bool(columns), "type-map": bool(type_maps),
                 "timestamp-format": bool(timestamp_formats)}
        check_tz(kwargs.get("tz"))
        settings = _input_settings(kwargs.get("tz"), verbose, given) if kwargs.get("events") else {}
        if not given["tz"]:
            kwargs["tz"] = settings.get("tz")
        if not given["input-format"]:
            kwargs["input_format"] = settings.get("input-format")
        delimiter = csv_delimiter if given["csv-delimiter"] else settings.get("csv-delimiter")
        csv = cli_csv_options(delimiter, columns if given["column"] else settings.get("column", ()))
        types = cli_type_map(type_maps) if given["type-map"] else settings.get("type-map", ())
        formats = timestamp_formats if given["timestamp-format"] else settings.get("timestamp-format", ())
        formats = _cli_timestamp_formats(formats, kwargs.get("tz")) if formats else ()
        kwargs["csv_options"] = InputOptions(csv, types, formats) if csv is not None or types or formats else None
        if csv_delimiter is not None or columns:        # (the command line's: a setting says nothing)
            _say_unused_csv_options(csv_delimiter, columns, kwargs.get("events"), kwargs.get("input_format"))
        return body(*args, **kwargs)

    f = click.option("--tz", "tz", metavar="ZONE",
                     help="Zone for timestamps written without an offset (otherwise they are errors).")(command)
    f = click.option("--input-format", type=click.Choice(["jsonl", "csv"]),
                     help="Format of the event files (default: from the extension; stdin is JSON Lines, or CSV "
                          "with --csv-delimiter or --column).")(f)
    f = click.option("--csv-delimiter", "csv_delimiter", metavar="CHAR",
                     help="The character between CSV cells: , (default) ; | or tab (also written \\t).")(f)
    f = click.option("--column", "columns", multiple=True, metavar="NAME=HEADER",
                     help='Read the CSV column HEADER as NAME (lead, at, type, id, state, fields.X or a '
                          'property): --column lead="Lead ID". Repeatable.')(f)
    f = click.option("--type-map", "type_maps", multiple=True, metavar="OURS=THEIRS",
                     help='Read events of type THEIRS as type OURS, in JSON Lines and CSV: --type-map '
                          'state="Status Change" (an event read as state enters the state of its state key or '
                          'column). Repeatable.')(f)
    f = click.option("--timestamp-format", "timestamp_formats", multiple=True, metavar="FORMAT",
                     help="Also read timestamps that are not RFC 3339 (tried in order after it, for a value it "
                          "refuses): a strptime format such as '%m/%d/%Y %I:%M %p' (read in --tz without %z), "
                          "epoch-ms, epoch-s or iso8601. Repeatable.")(f)
    f = click.option("--verbose", "-v", "verbose", is_flag=True,
                     help="Say on standard error which input settings were read from pyproject.toml "
                          "([tool.slacode.input]) and which the command line replaced.")(f)
    return _project_options(f)


def _input_settings(tz: str | None, verbose: bool, given: dict) -> dict:
    """The checked settings of the nearest pyproject.toml's ``[tool.slacode.input]``
    (:func:`slacode.project.input_settings`; ``tz``: the command line's); exit 2 with every
    problem of the table. ``verbose``: say on standard error where they come from and which
    the command line replaced (``given``: the options it gave)."""
    from slacode.project import ProjectError, input_settings, shown_path

    choice = _project_choice()
    try:
        settings = input_settings(tz=tz, **choice)
    except ProjectError as e:
        for problem in e.problems[:-1]:
            click.echo(f"slacode: {_one_line(problem)}", err=True)
        _fail(e.problems[-1])
    if verbose:
        if choice.get("isolated"):
            click.echo("slacode: no [tool.slacode.input]: --isolated reads no pyproject.toml", err=True)
        elif settings.path is None:
            click.echo(f"slacode: no [tool.slacode.input]: no pyproject.toml with a [tool.slacode] table at or "
                       f"above {Path.cwd()}", err=True)
        elif not settings.values:
            click.echo(f"slacode: no [tool.slacode.input] in {shown_path(settings.path)}", err=True)
        else:
            used = [k for k in settings.values if not given.get(k)]
            replaced = [k for k in settings.values if given.get(k)]
            said = ", ".join(used) if used else "nothing"
            more = f" (the command line replaced {', '.join(replaced)})" if replaced else ""
            click.echo(f"slacode: using [tool.slacode.input] from {shown_path(settings.path)}: {said}{more}", err=True)
    return settings.values


def _cli_timestamp_formats(formats, tz: str | None) -> tuple[str, ...]:
    """The checked formats of ``--timestamp-format``; exit 2 for one that cannot be read."""
    from slacode.timestamps import timestamp_formats

    check_tz(tz)
    for text in formats:
        try:
            timestamp_formats([text], tz)
        except ValueError as e:
            _fail(f"--timestamp-format {text}: {e}")
    return timestamp_formats(list(formats), tz)


def cli_type_map(texts) -> tuple:
    """The ``(ours, theirs)`` pairs of the ``--type-map`` options (``()`` without one); exit 2
    for one that cannot be read, with an example."""
    if not texts:
        return ()
    from slacode.typemap import type_map_pairs

    for text in texts:
        if "=" not in text:
            _fail(f"--type-map {text}: write OURS=THEIRS, the type the agreement reads and the type the events "
                  f'have (--type-map state="Status Change")')
    try:
        return type_map_pairs(list(texts))
    except ValueError as e:
        _fail(f"--type-map: {e}")


def cli_csv_options(delimiter: str | None, columns) -> "object | None":
    """The CSV options of ``--csv-delimiter`` and ``--column`` (None when neither is given);
    exit 2 for one that cannot be read, saying what to write."""
    if delimiter is None and not columns:
        return None
    from slacode.events_csv import csv_options

    for text in columns:
        if isinstance(text, str) and "=" not in text:      # (pairs come checked from [tool.slacode.input])
            _fail(f"--column {text}: write NAME=HEADER, the column name slacode reads and the file's header "
                  f'for it (--column lead="Lead ID")')
    try:
        return csv_options(delimiter, list(columns) or None)
    except ValueError as e:
        if delimiter is not None and str(e).startswith("CSV delimiter"):
            _fail(f"--csv-delimiter {delimiter}: {str(e).split(': ', 1)[1]}")
        _fail(f"--column: {e}")


# ------------------------------------------------------------------------- --output

def output_option(f):
    """``--output FILE`` / ``-o FILE`` of `check`, `report`, `due` and `changes`."""
    return click.option("--output", "-o", "output_file", metavar="FILE",
                        help="Write the output to FILE instead of standard output, atomically: a temporary file "
                             "beside it, renamed over it only when the command completes (exit 0 or 1); a "
                             "failed or interrupted run leaves the old FILE as it was. `-`: standard output.")(f)


def writing_output(path: str | None, spec: str, events, html: str | None = None):
    """The context that sends standard output to ``--output`` ``path`` (:func:`slacode.writer.stdout_to`),
    or leaves it alone (no option, or ``-``); exit 2, before any work, for a path that cannot be
    written or that names an input of the run (the agreement, an event file, a file in an event
    folder: the next run would read it) or the ``--html`` page."""
    import contextlib
    import os

    if path is None or path == "-":
        return contextlib.nullcontext()
    if not path:
        _fail("--output needs the name of the file to write (or - for standard output)")
    if os.path.isdir(path):
        _fail(f"--output {path}: is a folder; give the file to write")
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        _fail(f"--output {path}: cannot write: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK) or (os.path.exists(path) and not os.access(path, os.W_OK)):
        _fail(f"--output {path}: cannot write: permission denied")
    from slacode.writer import input_among, stdout_to

    taken = input_among(path, [spec, *events])
    if taken is not None:
        what = "the agreement" if taken == spec else "an event file"
        _fail(f"--output {path}: that is {what} of this run ({taken}); writing the output there would replace it: "
              "give another file")
    real = os.path.realpath(path)
    for e in events:
        if e != "-" and os.path.isdir(e) and os.path.commonpath([real, os.path.realpath(e)]) == os.path.realpath(e):
            _fail(f"--output {path}: that is inside the event folder {e} of this run, whose files the next run would "
                  "read: write the output elsewhere")
    if html is not None and input_among(path, [html]) is not None:
        _fail(f"--output {path}: that is the --html page too; give them different names")
    return stdout_to(path)


def refuse_compressed(events) -> None:
    """Exit 2 for an event file named on the command line that is compressed in a format
    slacode does not read (bzip2, xz, zstd, zip: by its name or its first bytes), saying so
    and how to decompress it (review 31b L2), rather than reading its bytes as text (SLA508
    on every line). gzip is read; folders, pipes and standard input are left to the reader."""
    import os
    import stat

    from slacode.events import unread_compression

    for e in events:
        if e == "-" or not isinstance(e, str):
            continue
        try:
            if not stat.S_ISREG(os.stat(e).st_mode):
                continue
            with open(e, "rb") as f:
                head = f.read(6)
        except OSError:
            continue                                # (the reader says what is wrong)
        found = unread_compression(e, head)
        if found is not None:
            kind, command = found
            _fail(f"{e}: compressed with {kind}, which slacode does not read (it reads gzip, .gz, and plain "
                  f"text): decompress it first (`{command}`) and give the decompressed file")


def _jobs_option(f):
    return click.option("--jobs", "-j", "jobs", type=click.IntRange(min=0), default=0, show_default=True,
                        metavar="N", help="Evaluate in N processes, split by lead (0: one per core). "
                                          "The output is the same for every N.")(f)


#: ``2026-12-04T17:00[:00]`` with an offset of hours alone, or hours and minutes without a
#: colon (``-03``, ``-0300``), or none: what `--as-of` reads besides RFC 3339
_LOOSE = re.compile(r"(\d{4}-\d\d-\d\d[Tt ]\d\d:\d\d)(:\d\d(?:\.\d+)?)?(?:([Zz])|([+-]\d\d)(?::?(\d\d))?)?")
_DATE_ONLY = re.compile(r"\d{4}-\d\d-\d\d")


def resolve_as_of(text: str | None, tz: str | None = None, zone: str | None = None) -> int:
    """``--as-of`` in epoch microseconds (now when not given). Written without an offset,
    it is read in ``--tz``, else in ``zone`` (the agreement's time zone); a time of day may
    leave out its seconds. A date alone is refused with the instants it may mean."""
    from slacode.events import parse_timestamp
    from slacode.timestamps import MissingOffsetError

    check_tz(tz)
    if text is None:
        import time

        return time.time_ns() // 1000
    loose = _LOOSE.fullmatch(text.strip())
    if loose:                                       # seconds and the offset's minutes may be left out
        day_time, seconds, z, hours, minutes = loose.groups()
        written = day_time + (seconds or ":00") + (z or (f"{hours}:{minutes or '00'}" if hours else ""))
    else:
        written = text
    try:
        us = parse_timestamp(written, tz or zone)
        if loose and not (loose.group(3) or loose.group(4)):
            _say_shifted_as_of(text, written, tz or zone)
        return us
    except MissingOffsetError:
        _fail(f"--as-of {text}: the instant has no offset; add Z or ±HH:MM, or give --tz ZONE to read it in")
    except ValueError as e:
        if _DATE_ONLY.fullmatch(text.strip()):
            import datetime as _dt

            try:
                day = _dt.date.fromisoformat(text.strip())
            except ValueError:
                _fail(f"--as-of {text}: {e}")
            in_zone = f" (read in {tz or zone})" if tz or zone else ""
            _fail(f"--as-of {text}: a date alone is no instant; write {day}T00:00 for the start of that day or "
                  f"{day + _dt.timedelta(days=1)}T00:00 for its end{in_zone}")
        _fail(f"--as-of {text}: {e}")


def _say_shifted_as_of(text: str, written: str, zone: str | None) -> None:
    """A note on standard error when ``--as-of`` without an offset names a local time that a
    daylight saving change repeats or skips in ``zone`` (read with the earlier offset, as
    events are: SLA510)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    try:
        local = datetime.fromisoformat(written.replace("t", "T")).replace(tzinfo=ZoneInfo(zone or "UTC"))
    except (ValueError, OSError, KeyError):
        return
    first, second = local.replace(fold=0).utcoffset(), local.replace(fold=1).utcoffset()
    if first is None or second is None or first == second:
        return
    how = "repeat" if first > second else "skip"
    minutes = int(first.total_seconds()) // 60
    offset = f"{'+' if minutes >= 0 else '-'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
    click.echo(f"slacode: note: --as-of {text} is a local time that the clocks of {zone} {how}; it was read with "
               f"the earlier offset, {offset}: write the offset to choose", err=True)


def check_tz(tz: str | None) -> None:
    """Exit 2 when ``--tz`` names no IANA zone."""
    if tz is not None:
        from slacode.calendar import check_timezone

        problem = check_timezone(tz)
        if problem:
            _fail(f"--tz {tz}: {problem}")


class EventReader:
    """How a command reads its event sources: ``reader(diagnostics)`` streams the records
    (callable again: standard input is spooled, so a second pass can re-read it; ``ids``
    as in :func:`slacode.events.iter_records`)."""

    def __init__(self, events, as_of_us: int, tz: str | None, input_format: str | None, wrap=None,
                 zone=None, csv_options=None):
        check_tz(tz)
        self.zone = zone                  # the agreement's: how the count of later events writes as_of
        from slacode.events import EventInputError, source_names

        self.sources = spool_stdin(list(events))
        try:                                # a folder stands for its files: each is named as itself
            self.names = source_names(self.sources)
        except EventInputError as e:
            _fail(str(e))
        self.as_of, self.tz, self.input_format = as_of_us, tz, input_format
        self.csv_options = csv_options    # --csv-delimiter, --column, --type-map (InputOptions; None: none)
        self.wrap = wrap                  # e.g. a progress counter: wrap(records, pass_number)
        self.passes = 0

    def __call__(self, diagnostics: list, ids=None):
        from slacode.events import iter_records

        for s in self.sources:
            if not isinstance(s, str):
                s.seek(0)
        self.passes += 1
        records = iter_records(self.sources, input_format=self.input_format, default_tz=self.tz,
                               diagnostics=diagnostics, as_of_us=self.as_of, ids=ids, as_of_zone=self.zone,
                               **csv_arguments(self.csv_options))
        return self.wrap(records, self.passes) if self.wrap else records


def _say_unused_csv_options(csv_delimiter, columns, events, input_format) -> None:
    """A note when ``--csv-delimiter`` or ``--column`` is given and none of ``events`` is
    read as CSV (by ``--input-format``, or by its name: one that says neither, standard
    input among them, is CSV when CSV options are given): they changed nothing."""
    from slacode.events import EventInputError, format_of, source_names

    if not events:
        return
    if input_format is None:
        try:
            names = source_names(list(events) if isinstance(events, (list, tuple)) else [events])
        except (EventInputError, OSError):
            return                          # (the reader says what is wrong with them)
        if not names or not all(format_of(n) == "jsonl" for n in names):
            return
    elif input_format == "csv":
        return
    given = " and ".join(o for o, on in (("--csv-delimiter", csv_delimiter is not None), ("--column", bool(columns)))
                         if on)
    one = " and " not in given
    click.echo(f"slacode: note: {given} appl{'ies' if one else 'y'} to CSV files only, and every event file "
               f"here is JSON Lines: {'it' if one else 'they'} changed nothing", err=True)


def start_check(spec, events, as_of, tz, input_format, jobs: int = 1, csv_options=None, agreement=None):
    """Load (unless ``agreement`` is given, loaded already), read and fold (both passes):
    ``(agreement, run, as_of, diagnostics)``; the verdicts are then streamed from
    ``run.outcomes()``. Exit 2 on spec or input errors."""
    from slacode.events import EventInputError
    from slacode.output import count_events, serialize_verdicts

    if agreement is None:
        agreement = load_agreement(spec, events)
    cutoff = resolve_as_of(as_of, tz, agreement.plan.timezone)
    read = EventReader(events, cutoff, tz, input_format, zone=agreement.plan.zone, csv_options=csv_options)
    diagnostics: list = []
    try:                                # (count_events: the summary's events evaluated)
        run = _run(agreement.plan, read, cutoff, diagnostics, jobs, serialize_verdicts, fold_hook=count_events)
    except EventInputError as e:
        _fail(str(e))
    return agreement, run, cutoff, diagnostics


def _run(plan, read: "EventReader", cutoff: int, diagnostics: list, jobs: int, serialize=None,
         group_by: str | None = None, fold_hook=None):
    """Both passes over the events, in ``jobs`` processes when that is possible (0: all cores);
    ``group_by``: a lead field the verdicts carry the group of (`report --by FIELD`);
    ``fold_hook``: as :class:`slacode.stream.StreamEvaluation` takes it (run in the workers)."""
    from slacode.stream import run_stream

    if jobs != 1:
        from slacode.parallel import available_cores, max_jobs, parallel_sources, run_parallel

        jobs = max_jobs(jobs or available_cores())
        resolved = parallel_sources(read.sources, read.input_format, jobs, csv=csv_of(read.csv_options))
        if resolved is not None:
            run = run_parallel(plan, resolved, cutoff, diagnostics, jobs, names=read.names,
                               input_format=read.input_format, default_tz=read.tz, serialize=serialize,
                               group_by=group_by, fold_hook=fold_hook, type_map=type_map_of(read.csv_options),
                               timestamp_formats=getattr(read.csv_options, "timestamp_formats", ()))
            if run is not None:
                return run
    return run_stream(plan, read, cutoff, diagnostics, sources=read.names, serialize=serialize,
                      rereadable=True, group_by=group_by, fold_hook=fold_hook)


def evaluate_events(agreement, events, as_of, tz, input_format, wrap=None, jobs: int = 1,
                    group_by: str | None = None, read: "EventReader | None" = None, csv_options=None,
                    sink=None, fold_hook=None):
    """The :class:`~slacode.evaluate.Result` of event sources for a loaded agreement
    (``read``: an :class:`EventReader` of them made already, to read them again after;
    ``group_by`` as :func:`_run` takes it; ``sink``: each lead's verdicts are handed to it
    in lead order instead of kept, as :func:`slacode.stream.result_of` takes it; ``fold_hook``:
    what each lead's outcome carries instead of its verdicts, as :func:`_run` takes it)."""
    from slacode.events import EventInputError
    from slacode.stream import result_of

    if read is None:
        read = EventReader(events, resolve_as_of(as_of, tz, agreement.plan.timezone), tz, input_format, wrap,
                           zone=agreement.plan.zone, csv_options=csv_options)
    cutoff = read.as_of
    diagnostics: list = []
    try:
        run = _run(agreement.plan, read, cutoff, diagnostics, jobs, group_by=group_by, fold_hook=fold_hook)
        result = result_of(run, agreement.plan, cutoff, diagnostics, sink)
    except EventInputError as e:
        _fail(str(e))
    result.diagnostics[:0] = list(agreement.diagnostics)
    return result


def spool_stdin(events: list[str]) -> list:
    """Event sources with standard input, and any named pipe, copied to a temporary file:
    a lead whose events come out of order needs a second read, which a pipe cannot give."""
    import stat

    def is_pipe(e: str) -> bool:
        try:
            return e == "-" or not stat.S_ISREG(os.stat(e).st_mode) and not os.path.isdir(e)
        except (OSError, ValueError):
            return False                            # reported by the reader

    if events.count("-") > 1:
        _fail("- (standard input) is named more than once; name it once")
    if not any(is_pipe(e) for e in events):
        return events
    import shutil
    import tempfile

    out: list = []
    for e in events:
        if not is_pipe(e):
            out.append(e)
            continue
        spool = tempfile.TemporaryFile()
        if e == "-":
            shutil.copyfileobj(sys.stdin.buffer, spool)
        else:
            with open(e, "rb") as f:
                shutil.copyfileobj(f, spool)
        spool.name_for_refs = "<stdin>" if e == "-" else e
        spool.seek(0)
        out.append(spool)
    return out


class _TextAdapter:
    """A bytes writer over a text stream (stdout replaced by a StringIO, e.g. in tests)."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, data: bytes) -> None:
        self.stream.write(data.decode("utf-8"))

    def flush(self) -> None:
        self.stream.flush()


def _binary_stdout():
    buffer = getattr(sys.stdout, "buffer", None)
    if buffer is not None:
        sys.stdout.flush()
        return buffer
    return _TextAdapter(sys.stdout)


class _KeepGoing:
    """Standard output for `check --fail-on`: when its reader goes away (`| head`), the rest
    is dropped but the evaluation goes on, so that the exit status still answers --fail-on."""

    def __init__(self, out):
        self.out, self.gone = out, False

    def write(self, data: bytes) -> None:
        if not self.gone:
            try:
                self.out.write(data)
            except BrokenPipeError:
                self._away()

    def flush(self) -> None:
        if not self.gone:
            try:
                self.out.flush()
            except BrokenPipeError:
                self._away()

    def _away(self) -> None:
        self.gone = True
        _pipe_closed()                          # the interpreter's last flush must not fail either


def _extra_check_formats() -> list[str]:
    from slacode.reporters import CHECK_FORMATS

    return list(CHECK_FORMATS)


def _ignoring(ignored) -> "Callable | None":
    """The filter of ``check --ignore`` (errors always pass), or None without the option."""
    if not ignored:
        return None
    from slacode.suppress import Selection, SelectionError

    try:
        keep = Selection.of(None, ignored).filter
    except SelectionError as e:
        raise click.BadParameter(str(e), param_hint="'--ignore'") from None
    _say_error_codes(ignored, "--ignore")
    return keep


def _say_ignored(count: int) -> None:
    if count:
        click.echo(f"{count:,} diagnostic{'s' if count != 1 else ''} left out by --ignore (errors are always "
                   "shown).", err=True)


STATUSES = ("met", "breached", "at_risk", "paused", "pending", "cancelled")


@cli.command()
@click.argument("spec")
@click.argument("events", nargs=-1, required=True)
@_as_of_option
@click.option("--format", "fmt", type=click.Choice(["table", "json", "jsonl", "csv"] + _extra_check_formats()),
              default="table", show_default=True)
@click.option("--lead", "leads", multiple=True, metavar="ID", help="Only this lead's verdicts (repeatable).")
@click.option("--status", "statuses", type=click.Choice(STATUSES), multiple=True,
              help="Only print verdicts with this status (repeatable); the summary and --fail-on "
                   "still see every verdict.")
@click.option("--fail-on", type=click.Choice(["breached", "at_risk", "input"]), multiple=True,
              help="Exit 1 if any verdict is breached (at_risk: at risk or breached), or (input) if the "
                   "events had a problem (an error or warning while reading or evaluating them, on any "
                   "lead's line). Repeatable.")
@click.option("--ignore", "ignored", multiple=True, metavar="CODE",
              help="Leave out the warnings and information with this code, name or prefix (SLA505, "
                   "duplicate-event-id, SLA5): not shown, not counted by --fail-on input; how many were "
                   "left out goes to standard error. Errors are always shown. Repeatable or comma-separated.")
@_event_options
@_jobs_option
@output_option
def check(spec, events, as_of, fmt, leads, statuses, fail_on, ignored, tz, input_format, jobs, csv_options,
          output_file):
    """Evaluate EVENTS (JSON Lines or CSV files, `-` for stdin) against the agreement SPEC
    (`-` for stdin when the events are files)."""
    _one_agreement(spec, events)
    refuse_compressed(events)
    with writing_output(output_file, spec, events):
        return _check(spec, events, as_of, fmt, leads, statuses, fail_on, ignored, tz, input_format, jobs,
                      csv_options, to_file=output_file not in (None, "-"))


def _check(spec, events, as_of, fmt, leads, statuses, fail_on, ignored, tz, input_format, jobs, csv_options,
           to_file: bool = False):
    """The body of `check`, its output to standard output (``to_file``: which ``--output``
    sends to a file: an agreement's errors are then said on standard error, as the file is
    not replaced on exit 2)."""
    from slacode import output

    keep = _ignoring(ignored)
    agreement = load_agreement(spec, events, on_errors=None if to_file else _agreement_errors_writer(fmt, as_of, tz))
    if fmt in _extra_check_formats():                 # renderers of Verdict objects (github)
        from slacode.reporters import CHECK_FORMATS

        # at-risk clocks are annotated too when the run asks about them (CI must say why it fails)
        asked = "at_risk" in fail_on or "at_risk" in statuses
        # each lead's verdicts rendered as they come, into a temporary file (review 31b H2)
        sink = output.RenderedSpool(CHECK_FORMATS[fmt], agreement, leads, statuses, at_risk=asked)
        try:
            result = evaluate_events(agreement, events, as_of, tz, input_format, jobs=jobs, csv_options=csv_options,
                                     sink=sink)
            sink(result.verdicts)               # the targets' and quotas' (after every lead's)
            own = len(agreement.diagnostics)
            if keep is not None:
                every = result.diagnostics
                own = len(keep(every[:own]))
                result.diagnostics = keep(every)
                _say_ignored(len(every) - len(result.diagnostics))
            out = _binary_stdout()
            try:
                for piece in sink.pieces(result):
                    out.write(piece)
                out.flush()
            except BrokenPipeError:
                if not fail_on:
                    raise
                _pipe_closed()                  # the status below still answers --fail-on
        finally:
            sink.close()
        counts = sink.counts
        read_none = not sink.read_any
        after_as_of = output.input_counts(result.diagnostics)["after_as_of"]
        problems = sum(1 for d in result.diagnostics[own:] if d.severity != "info")
        click.echo(output.verdicts_summary(sum(counts.values()), sink.leads, counts, problems, tuple(statuses),
                                           sink.shown if statuses else 0), err=True)
        found = sink.found
        near = _near_leads(leads, sink.ids)
        run_diagnostics = result.diagnostics
    else:
        agreement, run, cutoff, diagnostics = start_check(spec, events, as_of, tz, input_format, jobs, csv_options,
                                                          agreement=agreement)
        from slacode.verdict import iso

        meta = {"id": agreement.id, "version": agreement.version}
        out = _binary_stdout()
        if fail_on:
            out = _KeepGoing(out)
        stats = output.stream_check(run, fmt, out, agreement_meta=meta,
                                    as_of_text=iso(cutoff, agreement.plan.zone),
                                    diagnostics=list(agreement.diagnostics) + diagnostics,
                                    leads=leads, color=_color(),
                                    agreement_diagnostics=len(agreement.diagnostics),
                                    shown=_lead_lines(leads) if leads and fmt == "table" else None,
                                    statuses=statuses, keep=keep)
        if fmt == "table":                          # the table's last line
            out.write(output.stream_summary(stats).encode() + b"\n")
        out.flush()
        _say_ignored(stats.ignored)
        if fmt == "csv" and stats.diagnostics:       # CSV has no place for them: standard error
            from slacode.reporters import diagnostics_text

            click.echo(diagnostics_text(stats.diagnostics, color=_color()), err=True)
        if fmt == "csv" or fmt in ("json", "jsonl") and (to_file or _a_file(sys.stdout)):
            # (CSV's output stays a CSV file; JSON's summary is in the output too, but the log of a
            # job that sends it to a file would say nothing: review 31b M6)
            click.echo(output.stream_summary(stats), err=True)
        if stats.hidden:
            click.echo(f"{stats.hidden} more diagnostic{'s' if stats.hidden != 1 else ''} on other leads' "
                       "lines (without --lead, `slacode check` lists them).", err=True)
        counts = stats.status
        notes = getattr(run, "notes", None)
        read_none = notes.leads == 0 if notes is not None else not stats.leads
        after_as_of = (stats.input_counts or {}).get("after_as_of", 0)
        found = stats.found
        near = stats.near
        run_diagnostics = stats.everything      # --fail-on input: those the table leaves out too
    missing = [lead for lead in dict.fromkeys(leads) if lead not in found]
    if missing:
        meant = [f"{near[lead]!r} for {lead!r}" for lead in missing if lead in near]
        click.echo(f"slacode: no verdicts for lead{'s' if len(missing) > 1 else ''} "
                   f"{', '.join(map(repr, missing))}: no usable events at or before as_of "
                   "(lead ids are matched exactly" + (f"; did you mean {', '.join(meant)}?)" if meant else ")"),
                   err=True)
        if "-" not in events:                   # (files can be read again: a name given for an id?)
            for lead in missing:
                named = "" if lead in near else _leads_by_field_value(list(events), lead, input_format, tz,
                                                                       csv_options)
                if named:
                    click.echo(f"slacode: --lead takes a lead's id: {named}", err=True)
    own = {id(d) for d in agreement.diagnostics}
    inputs = sum(1 for d in run_diagnostics if d.severity != "info" and id(d) not in own)
    why = fail_on_reasons(fail_on, counts, inputs)
    if why:
        click.echo(f"slacode: exit 1: {why}", err=True)
        return EXIT_FINDINGS
    lost = sum(1 for d in run_diagnostics if d.severity == "error" and id(d) not in own)
    if read_none and lost and not after_as_of and not leads:
        click.echo(nothing_read_note(lost), err=True)
    elif read_none and not leads:                # an empty export: said, as errors are (review 31b M7)
        click.echo(nothing_there_note(after_as_of, lost), err=True)
    return EXIT_OK


def _a_file(stream) -> bool:
    """Whether ``stream`` writes to a regular file (`> verdicts.jsonl`), not a terminal or a pipe."""
    import stat

    try:
        return stat.S_ISREG(os.fstat(stream.fileno()).st_mode)
    except (AttributeError, ValueError, OSError):       # (io.UnsupportedOperation is both)
        return False


def nothing_there_note(after_as_of: int, errors: int = 0) -> str:
    """What `check` says at the end when the input held no event to evaluate: an empty file
    or folder of empty files (SLA515), or events after as_of only (``after_as_of`` of them,
    and ``errors`` lines that could not be read); the exit status stays 0."""
    from slacode.texts import plural

    if after_as_of:
        also = f" ({plural(errors, 'input error')} besides)" if errors else ""
        return (f"slacode: no event was evaluated: the {plural(after_as_of, 'event')} of the input that could be "
                f"read {'is' if after_as_of == 1 else 'are'} after as_of{also} (check --as-of); the exit status is still 0")
    return ("slacode: no event was read: the input holds none (an empty file, or only blank lines); the exit "
            "status is still 0: pass --fail-on input to make an empty input fail")


def nothing_read_note(errors: int) -> str:
    """What `check` says at the end when not one event of the input could be read while
    ``errors`` input errors were reported (the exit status stays 0 without --fail-on input)."""
    from slacode.texts import plural

    return (f"slacode: no event of the input could be read ({plural(errors, 'input error')}); the exit status "
            "is still 0: pass --fail-on input to make this fail CI")


def fail_on_reasons(fail_on, counts, input_problems: int) -> str:
    """Why ``check --fail-on`` makes the exit status 1, in words (empty when it does not):
    ``1 verdict at_risk (--fail-on at_risk)``; ``counts``: the verdicts by status, of the
    leads asked for; ``input_problems``: the errors and warnings of the events."""
    from slacode.texts import plural

    reasons = []
    failing = [s for s in ("breached", "at_risk") if counts.get(s) and (
        s in fail_on if s == "at_risk" else "breached" in fail_on or "at_risk" in fail_on)]
    if failing:
        options = " ".join(f"--fail-on {s}" for s in ("breached", "at_risk") if s in fail_on)
        reasons.append(f"{_verdict_words(counts, failing)} ({options})")
    if "input" in fail_on and input_problems:
        reasons.append(f"{plural(input_problems, 'input problem')} (--fail-on input)")
    return "; ".join(reasons)


def _verdict_words(counts, statuses) -> str:
    """``1 verdict at_risk``, ``2 verdicts breached, 1 at_risk``."""
    first, *rest = statuses
    n = counts[first]
    text = f"{n:,} verdict{'s' if n != 1 else ''} {first}"
    return text + "".join(f", {counts[s]:,} {s}" for s in rest)


def _one_agreement(spec: str, events) -> None:
    """A usage error when an agreement (``.sla``) is among the event files: `check` takes one."""
    if spec == "-" or not spec.lower().endswith(".sla"):
        return
    other = next((e for e in events if e.lower().endswith(".sla") and not os.path.isdir(e)), None)
    if other is not None:
        _fail(f"{other} is an agreement, not an event file: check takes one agreement (SPEC) and then its event "
              f"files; run check once per agreement (`slacode check {other} EVENTS…`)")


def _agreement_errors_writer(fmt: str, as_of, tz) -> "Callable | None":
    """How `check --format FMT` writes the errors of an agreement it cannot load (None: as
    text on standard error, with csv and table): `github` as `::error` annotations, as
    `lint --format github` writes them, `json` as a document with no verdicts whose
    ``diagnostics`` hold them, and `jsonl` as its diagnostic records and summary."""
    if fmt == "github":
        def annotate(errors, sources, agreement):
            from slacode.reporters import diagnostics_github

            click.echo(diagnostics_github(errors, sources), nl=False)
            return "annotated above"
        return annotate
    if fmt == "jsonl":
        def records(errors, sources, agreement):
            import json
            from collections import Counter

            from slacode.verdict import summary_of

            for d in errors:
                click.echo(json.dumps({"record": "diagnostic", **d.to_dict()}, ensure_ascii=False, separators=(",", ":")))
            summary = summary_of(Counter(), 0, 0, errors, len(errors))
            click.echo(json.dumps({"record": "summary", **summary}, ensure_ascii=False, separators=(",", ":")))
            return "in the diagnostic records written"
        return records
    if fmt == "json":
        def document(errors, sources, agreement):
            import json
            from collections import Counter

            from slacode.verdict import iso, summary_of

            zone, name = _usable_zone(agreement)
            try:                                # (an --as-of without offset: read in UTC when no zone is known)
                cutoff = resolve_as_of(as_of, tz, name or "UTC")
            except Abort:                       # (an --as-of that is no instant: said on standard error)
                click.echo(diagnostics_text_of(errors, sources), err=True)
                return None
            doc = {"agreement": {"id": getattr(agreement, "id", None), "version": getattr(agreement, "version", None)},
                   "as_of": iso(cutoff, zone),
                   "verdicts": [],
                   "diagnostics": [d.to_dict() for d in errors],
                   "summary": summary_of(Counter(), 0, 0, errors, len(errors))}
            click.echo(json.dumps(doc, indent=2, ensure_ascii=False))
            return "in the JSON document's diagnostics"
        return document
    return None


def _usable_zone(agreement) -> tuple:
    """The time zone an agreement that did not load names, and its name, to read and write
    instants in: UTC and None when there is no agreement (a syntax error), or it names no
    zone there is (SLA215, among the errors being written)."""
    from datetime import timezone
    from zoneinfo import ZoneInfo

    from slacode.calendar import check_timezone

    name = getattr(agreement, "timezone", None)
    if name.__class__ is not str or check_timezone(name):
        return timezone.utc, None
    return ZoneInfo(name), name


def diagnostics_text_of(errors, sources) -> str:
    from slacode.reporters import diagnostics_text

    return diagnostics_text(errors, sources, _color(sys.stderr))


@cli.command()
@click.argument("spec")
@click.argument("events", nargs=-1, required=True)
@click.option("--lead", "leads", required=True, multiple=True, metavar="ID",
              help="The lead to explain; repeat it for several (explained in the order given).")
@_as_of_option
@_event_options
def explain(spec, events, leads, as_of, tz, input_format, csv_options):
    """Show one lead's timeline: events, clocks opening, pausing and closing, deadlines,
    and why each verdict is what it is (several leads: one after the other)."""
    from slacode.events import EventInputError, iter_records

    agreement = load_agreement(spec, events)
    cutoff = resolve_as_of(as_of, tz, agreement.plan.timezone)
    events = spool_stdin(list(events))      # read more than once: repeats compared, lead ids suggested
    leads = list(dict.fromkeys(leads))      # (a lead given twice is explained once)
    diagnostics: list = []
    by_lead: dict = {lead: [] for lead in leads}
    try:
        # read without the cut, to say how many of the lead's events come after as_of
        for r in iter_records(list(events), input_format=input_format, default_tz=tz,
                              diagnostics=diagnostics, **csv_arguments(csv_options)):
            if r.lead in by_lead:
                by_lead[r.lead].append(r)
    except EventInputError as e:
        _fail(str(e))
    if len(leads) == 1:
        return _explain_lead(agreement, events, leads[0], by_lead[leads[0]], diagnostics, cutoff, tz, input_format,
                             csv_options)
    failed = []
    for n, lead in enumerate(leads):
        if n:
            click.echo("")
        try:
            _explain_lead(agreement, events, lead, by_lead[lead], diagnostics, cutoff, tz, input_format,
                          csv_options)
        except Abort as e:                      # said in its place; the other leads are still explained
            click.echo(f"slacode: {_one_line(str(e))}", err=True)
            failed.append(lead)
    if failed:
        _fail(f"{plural_words(len(failed), 'lead')} of {len(leads)} could not be explained: "
              f"{', '.join(map(repr, failed))}")
    return EXIT_OK


def plural_words(n: int, word: str) -> str:
    from slacode.texts import plural

    return plural(n, word)


def _explain_lead(agreement, events, lead, found, diagnostics, cutoff, tz, input_format, csv_options) -> int:
    """`explain`'s output for one lead (``found``: its records, as_of or not); exit 2 (Abort)
    when it has no usable event."""
    from slacode.events import resolve_sources
    from slacode.instants import when as _when
    from slacode.explain import lead_problems, timeline

    records = [r for r in found if r.at <= cutoff]
    later = len(found) - len(records)
    if not found:
        near = _near_leads([lead], _lead_ids(events, input_format, tz, csv_options))
        if lead in near:
            _fail(f"no events for lead {lead!r} (lead ids are matched exactly); did you mean {near[lead]!r}?")
        named = _leads_by_field_value(events, lead, input_format, tz, csv_options)
        if named:
            _fail(f"no events for lead {lead!r}: --lead takes a lead's id, and {named}")
    mine, others = lead_problems(diagnostics, lead, _problem_lines(diagnostics))
    if not records:
        problems = _lead_problems_text(lead, mine, others)
        if problems:
            click.echo(problems, err=True, nl=False)
        _fail(f"no usable events for lead {lead!r} at or before {_when(cutoff, agreement.plan.zone)}"
              + (f" ({later} after it)" if later else ""))
    from slacode.notes import LeadNotes, RunNotes, note_diagnostics

    plan = agreement.plan
    notes = LeadNotes()
    found_here: list = []
    names = [s.name for s in resolve_sources(list(events), input_format)]
    lines = timeline(plan, lead, records, cutoff, notes, found_here, names)
    run_notes = RunNotes()
    run_notes.take(lead, notes)
    mine = mine + found_here + [d for d in note_diagnostics(run_notes, names, plan, whole_run=False) if d.lead in (None, lead)]
    problems = _lead_problems_text(lead, mine, others)
    from slacode.texts import visible

    version = f" (version {agreement.version})" if agreement.version else ""      # the language makes it optional
    click.echo(f"Lead {visible(lead)} under agreement {agreement.id or '?'}{version}:")
    click.echo("")
    for line in lines:
        click.echo(line)
    if later:
        click.echo("")
        click.echo(f"{later} later event{'s' if later != 1 else ''} of lead {lead} (after as_of "
                   f"{_when(cutoff, plan.zone)}) {'are' if later != 1 else 'is'} not evaluated.")
    if problems:
        click.echo("")
        click.echo(problems, nl=False)
    return EXIT_OK


def _lead_problems_text(lead: str, mine: list, others: int) -> str:
    """`explain`'s list of the problems about one lead, and how many others the read had."""
    problems = ""
    if mine:
        from slacode.reporters import diagnostics_text

        problems = f"Problems for lead {lead}:\n\n{diagnostics_text(mine)}\n"
    if others:
        problems += (f"{others} other input problem{'s' if others != 1 else ''} in the events; "
                     "`slacode check` lists them.\n")
    return problems


def _lead_lines(leads) -> Callable[[list], list]:
    """For ``check --lead``'s table: the diagnostics on lines of those leads (and those with
    no line: a whole file's)."""
    from slacode.explain import lead_problems

    def shown(diagnostics: list) -> list:
        texts = _problem_lines(diagnostics)
        mine = {id(d) for lead in leads for d in lead_problems(diagnostics, lead, texts)[0]}
        return [d for d in diagnostics if id(d) in mine or d.lead is None and (
            not d.line or d.severity == "info" or d.code.startswith("SLA6"))]   # SLA602: the agreement's
    return shown


def _problem_lines(diagnostics: list) -> dict:
    """The text of each line of an event file that an error or warning points at, by
    ``(file, line)`` (files that cannot be read again, such as stdin, give none)."""
    wanted: dict = {}
    for d in diagnostics:
        if d.severity != "info" and d.path and d.line:
            wanted.setdefault(d.path, set()).add(d.line)
    texts: dict = {}
    for path, numbers in wanted.items():
        try:
            from slacode.events import EventInputError, file_lines

            with file_lines(path) as handle:
                for n, raw in enumerate(handle, 1):
                    if n in numbers:
                        texts[(path, n)] = raw.decode("utf-8", "replace")
                        if len(texts) == sum(map(len, wanted.values())):
                            break
        except (OSError, EventInputError):
            continue
    return texts


@cli.command(name="test")
@click.argument("paths", nargs=-1, required=True)
@click.option("--format", "fmt", type=click.Choice(["text", "json", "junit"]), default="text", show_default=True)
@click.option("-k", "--match", "match", multiple=True, metavar="TEXT",
              help="Only the tests whose name contains TEXT (case-insensitive; repeatable: any of them).")
@click.option("--coverage", is_flag=True,
              help="Print what the tests cover instead of their results: each clause with the statuses the "
                   "tests expect of it and those it had, and the target lines no test used (--format text or "
                   "json). The exit code still says whether the tests passed.")
@click.option("--fail-under", type=click.FloatRange(0, 100), metavar="PCT", callback=lambda c, p, v: _a_number(v),
              help="With --coverage: exit 1 when an agreement has an expectation for less than PCT% of its "
                   "clauses.")
def test_cmd(paths, fmt, match, coverage, fail_under):
    """Run the `test` blocks of agreements (files or folders; `-` reads standard input)."""
    from slacode import testing

    if fail_under is not None and not coverage:
        _fail("--fail-under needs --coverage")
    if coverage and fmt == "junit":
        _fail("--coverage prints text or json, not junit")
    files, broken, stdin = files_to_read(paths)
    why: dict = {}                                  # file -> why its tests did not run (JUnit, JSON)
    for p in broken:                                # said now; the others still run
        why[p] = not_found(p)
        click.echo(f"slacode: {why[p]}", err=True)
    loaders = [(str(path), lambda path=path: load_agreement(str(path))) for path in files]
    if stdin:                                       # `-`: an editor's buffer, say (as `lint -`)
        from slacode.parse import decode

        loaders.insert(0, ("-", lambda: _checked_agreement(
            *decode(sys.stdin.buffer.read(), "<stdin>"), "<stdin>", "-")))
    results = []
    covers = []
    found = loaded = 0
    for name, load in loaders:
        try:
            agreement = load()
        except Abort as e:                          # its errors are printed; the other files still run
            click.echo(f"slacode: {e}", err=True)
            broken.append(name)
            why[name] = str(e)
            continue
        found += len(agreement.tests)
        loaded += 1
        mine = testing.run_tests(agreement, match)
        results.extend(mine)
        if coverage:
            covers.append(testing.coverage(agreement, mine))
    if loaded and not found:                        # a CI step that runs nothing should say so (still status 0)
        click.echo(f"slacode: note: no test blocks in {plural_words(loaded, 'file')}: nothing was tested", err=True)
    if match and found and not results:             # a filter that selects nothing is a mistake
        _fail(f"-k {' -k '.join(match)}: no test name contains it (of {found} test{'s' if found != 1 else ''})")
    failed = sum(not r.passed for r in results)
    if coverage:
        with answering():
            click.echo(testing.render_coverage_json(covers) if fmt == "json" else testing.render_coverage_text(covers),
                       nl=False)
        for r in results:                            # which tests failed: the results are not shown
            if not r.passed:
                click.echo(f"FAIL {r.name}  ({r.file or '<stdin>'}:{r.line})", err=True)
        skipped = f", {found - len(results)} not selected" if match and found > len(results) else ""
        click.echo(f"{len(results) - failed} passed, {failed} failed{skipped}"
                   + (f"; {len(broken)} file{'s' if len(broken) != 1 else ''} not run (errors above)" if broken
                      else ""), err=True)
        low = [c for c in covers if fail_under is not None and c.percent < fail_under]
        for c in low:
            click.echo(f"slacode: {c.file}: {c.percent:g}% of clauses have an expectation, under "
                       f"--fail-under {fail_under:g}", err=True)
        if broken:
            return EXIT_ERROR
        return EXIT_FINDINGS if failed or low else EXIT_OK
    with answering():
        if fmt == "json":
            click.echo(testing.render_json(results, why), nl=False)
        elif fmt == "junit":
            click.echo(testing.render_junit(results, why), nl=False)
        else:
            click.echo(testing.render_text(results, _color()), nl=False)
    if fmt not in ("json", "junit"):
        skipped = f", {found - len(results)} not selected" if match and found > len(results) else ""
        click.echo(f"{len(results) - failed} passed, {failed} failed{skipped}"
                   + (f"; {len(broken)} file{'s' if len(broken) != 1 else ''} not run (errors above)" if broken
                      else ""), err=True)
    if broken:
        return EXIT_ERROR
    return EXIT_FINDINGS if any(not r.passed for r in results) else EXIT_OK
