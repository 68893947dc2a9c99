"""JSON Schemas (draft 2020-12) of slacode's machine-readable formats.

* ``events``: one event, as a line of a JSON Lines event file (LANGUAGE.md §4);
* ``verdicts``: ``slacode check --format json`` (``#/$defs/document``) and each line of
  ``--format jsonl`` (``#/$defs/record``); ``#/$defs/verdict`` is one verdict;
* ``diagnostics``: ``slacode lint --format json``; ``#/$defs/diagnostic`` is one
  diagnostic as :meth:`slacode.Diagnostic.to_dict` gives it;
* ``report``: ``slacode report --format json``; ``#/$defs/compliance`` is the compliance
  tables without ``recognition`` (``#/$defs/complianceDocument``: ``Compliance.to_dict()``);
* ``due``: ``slacode due --format json``; ``#/$defs/clock`` is one clock, and one line of
  ``--format jsonl``;
* ``changes``: ``slacode changes --format json``; ``#/$defs/change`` is one transition,
  and one line of ``--format jsonl``;
* ``diff``: ``slacode diff --format json``, with or without ``--events``;
* ``tests``: ``slacode test --format json``;
* ``coverage``: ``slacode test --coverage --format json``;
* ``calendar``: ``slacode calendar --format json``.

The files ship inside the package; ``slacode schema NAME`` prints one. Each schema is
self-contained (the diagnostic definition is repeated in ``verdicts``, the verdict
definition in ``report``) so that a consumer needs only the one file.
"""
from __future__ import annotations

import json
from importlib import resources

#: schema name -> one line saying what it describes
SCHEMAS = {
    "events": "one event: a line of a JSON Lines event file",
    "verdicts": "`slacode check --format json` and each line of `--format jsonl`",
    "diagnostics": "`slacode lint --format json`, and each diagnostic elsewhere",
    "report": "`slacode report --format json`: compliance per group and period, targets, quotas, standings",
    "due": "`slacode due --format json`; `#/$defs/clock` is each line of `--format jsonl`",
    "changes": "`slacode changes --format json`; `#/$defs/change` is each line of `--format jsonl`",
    "diff": "`slacode diff --format json`, with or without `--events`",
    "tests": "`slacode test --format json`: one result per test block",
    "coverage": "`slacode test --coverage --format json`: what each agreement's tests cover",
    "calendar": "`slacode calendar --format json`: closed days, special hours and due dates of the calendars",
}


def schema_text(name: str) -> str:
    """The text of schema ``name`` (``KeyError`` for an unknown name)."""
    if name not in SCHEMAS:
        raise KeyError(f"unknown schema {name!r}; known: {', '.join(SCHEMAS)}")
    return resources.files(__name__).joinpath(f"{name}.schema.json").read_text(encoding="utf-8")


def load_schema(name: str) -> dict:
    """Schema ``name`` as a dictionary."""
    return json.loads(schema_text(name))
