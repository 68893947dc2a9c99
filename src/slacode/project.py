"""A repository's settings in its ``pyproject.toml`` (an extension): the nearest one at or
above the current folder that has a ``[tool.slacode]`` table holds them.

``[tool.slacode.lint]`` chooses codes for `lint` (:func:`slacode.suppress.project_settings`);
``[tool.slacode.input]`` (:func:`input_settings`) says how the commands that read events
read them, as their input options would: ``tz``, ``input-format``, ``csv-delimiter``,
``column``, ``type-map`` and ``timestamp-format``. Each setting is checked by the same
function as its option; every problem of the table is found, each with the file and the
line of its key (tomllib gives no positions: the key is found in the file's text).
"""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: The tables of ``[tool.slacode]``.
TABLES = ("lint", "input")

#: The settings of ``[tool.slacode.input]``, in the order of their options, each with how
#: it is written (the hint of a problem).
INPUT_KEYS = {
    "tz": 'tz = "America/Sao_Paulo"',
    "input-format": 'input-format = "csv"',
    "csv-delimiter": 'csv-delimiter = ";"',
    "column": 'column = { lead = "Lead ID", at = "Created Date" }',
    "type-map": 'type-map = { state = "Status Change", contact_attempt = ["Call", "Email"] }',
    "timestamp-format": 'timestamp-format = ["%m/%d/%Y %I:%M %p", "iso8601"]',
}

#: Other words for a setting, for the "did you mean" of an unknown key (spellings that
#: differ only in case, ``_`` for ``-`` or a plural are found without this table).
_OTHER_WORDS = {
    "timezone": "tz", "time-zone": "tz", "zone": "tz", "default-tz": "tz", "default-timezone": "tz",
    "format": "input-format", "delimiter": "csv-delimiter", "separator": "csv-delimiter",
    "sep": "csv-delimiter", "columns": "column", "headers": "column", "header": "column",
    "types": "type-map", "type": "type-map", "typemap": "type-map", "event-types": "type-map",
    "timestamp": "timestamp-format", "timestamps": "timestamp-format", "time-format": "timestamp-format",
    "datetime-format": "timestamp-format", "date-format": "timestamp-format",
}


class ProjectError(ValueError):
    """A ``pyproject.toml`` that cannot be read, or settings that cannot be used:
    ``problems`` holds one line for each (the message is the first)."""

    def __init__(self, problems: list[str]):
        super().__init__(problems[0])
        self.problems = list(problems)


def shown_path(path: Path) -> str:
    """``path`` as messages write it: relative to the current folder when inside it."""
    try:
        return str(path.relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def nearest_pyproject(start: str | Path | None = None, config: str | Path | None = None,
                      isolated: bool = False) -> tuple[Path | None, str, dict]:
    """The nearest ``pyproject.toml`` at or above ``start`` (the current folder) that has a
    ``[tool.slacode]`` table: ``(path, text, the table)``, or ``(None, "", {})``. ``config``
    (the command line's ``--config``): that file instead, which must have the table;
    ``isolated`` (``--isolated``): none at all. :class:`ProjectError` for a file that cannot
    be read (a broken one with tomllib's line and column) or a ``[tool.slacode]`` that is
    not a table."""
    if isolated:
        return None, "", {}
    if config is not None:
        path = Path(config)
        found = _read_pyproject(path)
        if found is None:
            raise ProjectError([f"{shown_path(path)}: has no [tool.slacode] table (--config names a TOML file "
                                "with [tool.slacode.lint] or [tool.slacode.input])"])
        return found
    here = Path(start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        path = folder / "pyproject.toml"
        if path.is_file():
            found = _read_pyproject(path)
            if found is not None:
                return found
    return None, "", {}


def _read_pyproject(path: Path) -> tuple[Path, str, dict] | None:
    """``(path, text, [tool.slacode])`` of one TOML file, None when it has no such table."""
    import tomllib

    try:
        text = path.read_text(encoding="utf-8")
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        where = re.search(r"\(at line (\d+), column (\d+)\)$", str(e))
        what = str(e)[:where.start()].rstrip() if where else str(e)
        at = f":{where[1]}:{where[2]}" if where else ""
        raise ProjectError([f"{shown_path(path)}{at}: cannot read: {what} (not TOML)"]) from None
    except (OSError, UnicodeDecodeError) as e:
        raise ProjectError([f"{shown_path(path)}: cannot read: {e}"]) from None
    tool = data.get("tool", {})
    tool = tool.get("slacode") if isinstance(tool, dict) else None
    if tool is None:
        return None
    if not isinstance(tool, dict):
        line = key_lines(text).get(("tool", "slacode"))
        raise ProjectError([f"{_at(path, line)}: [tool.slacode] is not a table; write its settings under "
                            "[tool.slacode.lint] and [tool.slacode.input]"])
    return path, text, tool


# --------------------------------------------------------------------- key positions

_KEY = r"""(?:[A-Za-z0-9_-]+|"(?:[^"\\\n]|\\.)*"|'[^'\n]*')"""
_DOTTED = rf"{_KEY}(?:[ \t]*\.[ \t]*{_KEY})*"
_HEADER = re.compile(rf"[ \t]*\[\[?[ \t]*({_DOTTED})[ \t]*\]\]?")
_ASSIGN = re.compile(rf"[ \t]*({_DOTTED})[ \t]*=")
_INLINE_KEY = re.compile(rf"[{{,][ \t]*({_DOTTED})[ \t]*=")


def _parts(dotted: str) -> tuple[str, ...]:
    """The keys of a dotted TOML key, unquoted."""
    import json

    out = []
    for part in re.findall(_KEY, dotted):
        if part.startswith('"'):
            try:
                part = json.loads(part)
            except ValueError:
                part = part[1:-1]
        elif part.startswith("'"):
            part = part[1:-1]
        out.append(part)
    return tuple(out)


def key_lines(text: str) -> dict[tuple[str, ...], int]:
    """The 1-based line where each key path of a TOML text is first written: table headers,
    ``key =`` lines (each prefix of a dotted key) and the keys of a one-line inline table
    (``column = { lead = "Lead ID" }``). A reading of the text, not a parser: a key it cannot
    see has no line."""
    lines: dict[tuple[str, ...], int] = {}
    table: tuple[str, ...] = ()
    in_string = False
    for number, line in enumerate(text.splitlines(), 1):
        if line.count('"""') % 2 or line.count("'''") % 2:     # a multi-line string opens or closes
            was, in_string = in_string, not in_string
            if was:
                continue
        elif in_string:
            continue
        header = _HEADER.match(line)
        if header:
            table = _parts(header[1])
            for k in range(1, len(table) + 1):
                lines.setdefault(table[:k], number)
            continue
        assign = _ASSIGN.match(line)
        if not assign:
            continue
        path = table + _parts(assign[1])
        for k in range(len(table) + 1, len(path) + 1):
            lines.setdefault(path[:k], number)
        rest = line[assign.end():]
        if rest.lstrip().startswith("{"):
            for inner in _INLINE_KEY.finditer(rest):
                lines.setdefault(path + _parts(inner[1]), number)
    return lines


def _at(path: Path, line: int | None) -> str:
    return f"{shown_path(path)}:{line}" if line else shown_path(path)


# --------------------------------------------------------------------- [tool.slacode.input]

@dataclass(frozen=True)
class InputSettings:
    """The settings of ``[tool.slacode.input]``: ``path`` (None: no table was read), and
    ``values`` by key (``tz``, ``input-format`` and ``csv-delimiter`` texts; ``column`` and
    ``type-map`` the checked pairs; ``timestamp-format`` a tuple of texts)."""

    path: Path | None = None
    values: dict = field(default_factory=dict)


def suggest(key: str) -> str | None:
    """The setting an unknown key of ``[tool.slacode.input]`` most likely means, or None."""
    import difflib

    word = key.strip().lstrip("-").lower().replace("_", "-").replace(" ", "-")
    for candidate in (word, word.rstrip("s")):
        if candidate in INPUT_KEYS:
            return candidate
        if candidate in _OTHER_WORDS:
            return _OTHER_WORDS[candidate]
    close = difflib.get_close_matches(word, [*INPUT_KEYS, *_OTHER_WORDS], n=1, cutoff=0.7)
    return (close[0] if close[0] in INPUT_KEYS else _OTHER_WORDS[close[0]]) if close else None


def input_settings(start: str | Path | None = None, tz: str | None = None, config: str | Path | None = None,
                   isolated: bool = False) -> InputSettings:
    """``[tool.slacode.input]`` of the nearest ``pyproject.toml`` with a ``[tool.slacode]``
    table (:func:`nearest_pyproject`), checked: an empty :class:`InputSettings` when there is
    none. ``tz``: the zone given on the command line (it replaces ``tz``), in which
    a ``timestamp-format`` without ``%z`` reads its times. :class:`ProjectError` with every
    problem of the table, each saying the file, the line of its key, what is wrong and what
    to write. ``config``, ``isolated``: as for :func:`nearest_pyproject`."""
    path, text, tool = nearest_pyproject(start, config, isolated)
    if path is None:
        return InputSettings()
    lines = key_lines(text)
    base = ("tool", "slacode", "input")
    problems: list[str] = []

    def say(keys: tuple[str, ...], what: str, hint: str | None = None) -> None:
        line = next((lines[base + keys[:k]] for k in range(len(keys), -1, -1) if base + keys[:k] in lines), None)
        name = f"[tool.slacode.input] {'.'.join(_key_text(k) for k in keys)}" if keys else "[tool.slacode.input]"
        problems.append(f"{_at(path, line)}: {name}: {what}" + (f"; write {hint}" if hint else ""))

    for key in sorted(set(tool) - set(TABLES)):     # an input setting straight under [tool.slacode]
        meant = suggest(key)
        if meant is not None:
            line = lines.get(("tool", "slacode", key))
            problems.append(f"{_at(path, line)}: [tool.slacode] has no setting {_key_text(key)}; "
                            f"{meant} goes under [tool.slacode.input]")
    table = tool.get("input")
    if table is None:
        if problems:
            raise ProjectError(problems)
        return InputSettings(path)
    if not isinstance(table, dict):
        say((), f"is a table of input settings, not {_kind(table)}", '[tool.slacode.input] with tz = "…" below it')
        raise ProjectError(problems)
    values: dict = {}
    for key, value in table.items():
        if key not in INPUT_KEYS:
            meant = suggest(key)
            said = f"; did you mean {meant}? ({INPUT_KEYS[meant]})" if meant else \
                f"; the settings are {', '.join(INPUT_KEYS)}"
            say((key,), f"no such setting{said}")
            continue
        checked = _CHECKS[key](value, lambda what, inner=(), hint=INPUT_KEYS[key], k=key: say((k, *inner), what, hint))
        if checked is not None:
            values[key] = checked
    formats = values.pop("timestamp-format", None)
    if formats is not None:                         # local times need the zone: the command line's, else tz
        zone = tz or values.get("tz")
        if zone is None and "tz" in table:
            zone = "UTC"                            # (tz is wrong and said already: check the rest)
        formats = _check_formats(formats, zone, lambda what, inner=(): say(("timestamp-format", *inner), what,
                                                                             INPUT_KEYS["timestamp-format"]))
        if formats is not None:
            values["timestamp-format"] = formats
    if problems:
        raise ProjectError(problems)
    return InputSettings(path, values)


def _key_text(key: str) -> str:
    """A key as TOML writes it (quoted when it is not bare)."""
    import json

    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else json.dumps(key, ensure_ascii=False)


def _kind(value: Any) -> str:
    names = {bool: "a boolean", int: "a number", float: "a number", str: "a text", list: "a list", dict: "a table"}
    return names.get(type(value), f"a {type(value).__name__}")


Say = Callable[..., None]


def _check_tz(value: Any, say: Say) -> str | None:
    from slacode.calendar import check_timezone

    if not isinstance(value, str):
        say(f"is the IANA name of a zone, a text, not {_kind(value)}")
        return None
    problem = check_timezone(value)
    if problem:
        say(problem.rstrip("."))
        return None
    return value


def _check_input_format(value: Any, say: Say) -> str | None:
    if value not in ("jsonl", "csv"):
        say(f"is jsonl or csv, not {value!r}" if isinstance(value, str) else f"is a text, not {_kind(value)}")
        return None
    return value


def _check_delimiter(value: Any, say: Say) -> str | None:
    from slacode.events_csv import csv_options

    try:
        csv_options(value, None)
    except (TypeError, ValueError) as e:
        say(str(e))
        return None
    return value


def _mapping_of(value: Any, say: Say, what: str, entry: Callable[[str, Any], Any]) -> tuple | None:
    """A table's entries checked one by one (``entry(key, value)`` raises), then together."""
    if not isinstance(value, dict):
        say(f"is a table of {what}, not {_kind(value)}")
        return None
    good = {}
    for key, item in value.items():
        try:
            entry(key, item)
            good[key] = item
        except (TypeError, ValueError) as e:
            say(str(e), (key,))
    if not good:
        return None
    try:
        together = entry(None, good)            # (each THEIRS, each header once)
    except (TypeError, ValueError) as e:
        say(str(e))
        return None
    return together if len(good) == len(value) else None


def _check_columns(value: Any, say: Say) -> tuple | None:
    from slacode.events_csv import csv_options

    def entry(name, header):
        if name is None:
            return csv_options(None, header).columns
        if not isinstance(header, str):
            raise TypeError(f"the header of {name} is a text, not {_kind(header)}")
        return csv_options(None, {name: header})

    return _mapping_of(value, say, "NAME = HEADER columns", entry)


def _check_type_map(value: Any, say: Say) -> tuple | None:
    from slacode.typemap import type_map_pairs

    def entry(ours, theirs):
        if ours is None:
            return type_map_pairs(theirs)
        if isinstance(theirs, list):
            if not theirs or not all(isinstance(t, str) for t in theirs):
                raise TypeError(f"the types read as {ours} are a text or a non-empty list of texts")
        elif not isinstance(theirs, str):
            raise TypeError(f"the type read as {ours} is a text (or a list of texts), not {_kind(theirs)}")
        return type_map_pairs({ours: theirs})

    return _mapping_of(value, say, "OURS = THEIRS types", entry)


def _check_format_shape(value: Any, say: Say) -> tuple | None:
    formats = [value] if isinstance(value, str) else value
    if not isinstance(formats, list) or not formats or not all(isinstance(f, str) for f in formats):
        say(f"is a text or a list of texts, not {_kind(value)}" + (" of other things" if isinstance(value, list)
                                                                      and value else ""))
        return None
    return tuple(formats)


def _check_formats(formats: tuple, zone: str | None, say: Say) -> tuple | None:
    from slacode.timestamps import timestamp_formats

    good = []
    for text in formats:
        try:
            good.extend(timestamp_formats([text], zone))
        except (TypeError, ValueError) as e:
            message = str(e)
            if zone is None and "%z" in message:
                message = message.replace("(--tz ZONE on the command line, default_tz= in the library)",
                                          "(tz = \"ZONE\" in [tool.slacode.input], or --tz ZONE)")
            say(message)
    return tuple(good) if len(good) == len(formats) else None


_CHECKS: dict[str, Callable[[Any, Say], Any]] = {
    "tz": _check_tz,
    "input-format": _check_input_format,
    "csv-delimiter": _check_delimiter,
    "column": _check_columns,
    "type-map": _check_type_map,
    "timestamp-format": _check_format_shape,
}
