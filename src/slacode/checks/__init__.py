"""Checks: model → diagnostics (the semantic half of ``slacode lint``).

Each check is a small function in a module per group, registered with the code(s) it
reports (``@rule(codes.UNDEFINED_STATE)``); the code's documentation in
:mod:`slacode.codes` is the check's documentation. :func:`check` builds the shared
:class:`~slacode.checks.context.Context` once and runs every registered check.

Reusable helpers:

* :func:`slacode.checks.expr.evaluate_expr` — the value of a `let`/goal expression
  (``ExprError`` with code, message and node when it has none);
  :func:`slacode.checks.expr.constant_values` — every constant's value;
* :func:`slacode.checks.context.clause_keys` — a rule's verdict clause keys
  (``within``, ``require``, ``gap``, ``gap_2`` …), :func:`~slacode.checks.context.default_clause`;
* :func:`slacode.logic.pred_implies` — does one predicate always imply another
  (:mod:`slacode.logic`, shared with the diff).
"""
from __future__ import annotations

from slacode.diagnostics import Diagnostic


def check(agreement) -> list[Diagnostic]:
    """Every semantic diagnostic of a built agreement (errors, warnings, information);
    only SLA106 when its segments name each other in chains too deep to read in
    (:mod:`slacode.checks.depth`)."""
    from slacode.checks import registry
    from slacode.checks.context import Context

    from slacode.checks.depth import too_deep

    deep = too_deep(agreement, agreement.file)   # segments chained too deep for the checks that read them in
    if deep:
        return deep
    _load_checks()
    return registry.run(Context.of(agreement))


def _load_checks() -> None:
    """Import the modules whose functions register themselves (once)."""
    from slacode.checks import (aggregates, attempts, calendars, expressions, flow, literals,  # noqa: F401
                              names, rules, style, testblocks, workday)
