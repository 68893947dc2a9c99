"""Checks: model → diagnostics (the semantic half of ``slacode lint``).

Each check is a small function in a module per group, registered with the code(s) it
reports (``@rule(codes.UNDEFINED_STATE)``); the code's documentation in
:mod:`slacode.codes` is the check's documentation. :func:`check` builds the shared
:class:`~slacode.lint.context.Context` once and runs every registered check.

Reusable helpers:

* :func:`slacode.lint.expr.evaluate_expr` — the value of a `let`/goal expression
  (``ExprError`` with code, message and node when it has none);
  :func:`slacode.lint.expr.constant_values` — every constant's value;
* :func:`slacode.lint.context.clause_keys` — a rule's verdict clause keys
  (``within``, ``require``, ``gap``, ``gap_2`` …), :func:`~slacode.lint.context.default_clause`;
* :func:`slacode.lint.logic.implies` — does one predicate always imply another.
"""
from __future__ import annotations

import sys
import types

from slacode.diagnostics import Diagnostic


def check(agreement) -> list[Diagnostic]:
    """Every semantic diagnostic of a built agreement (errors, warnings, information)."""
    from slacode.lint import registry
    from slacode.lint.context import Context

    _load_checks()
    return registry.run(Context.of(agreement))


def _load_checks() -> None:
    """Import the modules whose functions register themselves (once)."""
    from slacode.lint import (aggregates, attempts, calendars, expressions, flow, literals,  # noqa: F401
                              names, rules, style, testblocks)


class _CallableModule(types.ModuleType):
    """``slacode.lint`` is both this package and the public function ``slacode.lint(text)``:
    importing the package replaces the function on ``slacode``, so the package forwards
    calls to :func:`slacode.api.lint`."""

    def __call__(self, text: str, file: str | None = None) -> list[Diagnostic]:
        from slacode.api import lint

        return lint(text, file)


sys.modules[__name__].__class__ = _CallableModule
