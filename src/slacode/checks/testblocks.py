"""Checks of `test` blocks: an `as of`, expectations that name real rules and clauses.
(Timestamps are checked in :mod:`slacode.checks.literals`, states of `enter` events in
:mod:`slacode.checks.names`.)"""
from __future__ import annotations

from typing import Iterator

from slacode import model as m
from slacode.codes import names as name_codes
from slacode.codes import semantics as codes
from slacode.diagnostics import Diagnostic
from slacode.checks.context import (FLOW_CLAUSE, FLOW_RULE, QUOTA_CLAUSE, TARGET_CLAUSE, Context, clause_keys,
                                  did_you_mean)
from slacode.checks.registry import rule
from slacode.checks.rules import whole_positive


@rule(codes.TEST_WITHOUT_AS_OF)
def tests_have_as_of(ctx: Context) -> Iterator[Diagnostic]:
    for test in ctx.agreement.tests:
        if not any(item.kind == "as_of" for item in test.items):
            yield ctx.diag(codes.TEST_WITHOUT_AS_OF, f'test "{test.name.value}" has no `as of` line', test.name,
                           hint="add `as of TIMESTAMP`, the moment its verdicts are judged")


def expect_keys(ctx: Context, name: str) -> tuple[str, ...] | None:
    """The clause keys an `expect` may name for ``name``, or None when it is no rule."""
    decl = ctx.rules.get(name)
    if decl is None:
        return (FLOW_CLAUSE,) if name == FLOW_RULE and ctx.has_flow else None
    if decl.kind == "target":
        return (TARGET_CLAUSE,)
    if decl.kind == "quota":
        return (QUOTA_CLAUSE,)
    return clause_keys(decl)


def _expectation(ctx: Context, item: m.Expect) -> Iterator[Diagnostic]:
    name = item.rule.value
    keys = expect_keys(ctx, name)
    if keys is None:
        known = list(ctx.rules) + ([FLOW_RULE] if ctx.has_flow else [])
        hint = did_you_mean(name, known)
        if hint is None and name == FLOW_RULE:
            hint = "the built-in `flow` rule exists only when the agreement has a `flow` block"
        yield ctx.diag(name_codes.UNDEFINED_RULE, f"rule `{name}` is not declared", item.rule,
                       hint=hint or "expect a verdict of a rule, target or quota of this agreement")
    elif item.clause is not None and item.clause.value not in keys:
        shown = ", ".join(f"`{k}`" for k in keys) or "none"
        yield ctx.diag(name_codes.UNDEFINED_CLAUSE, f"rule `{name}` has no clause `{item.clause.value}`",
                       item.clause, hint=did_you_mean(item.clause.value, keys) or f"its clauses are {shown}")


@rule(name_codes.UNDEFINED_RULE, name_codes.UNDEFINED_CLAUSE, codes.INVALID_COUNT)
def expectations(ctx: Context) -> Iterator[Diagnostic]:
    for test in ctx.agreement.tests:
        for item in test.items:
            if item.kind != "expect":
                continue
            yield from _expectation(ctx, item)
            if item.cycle is not None and not whole_positive(item.cycle):
                yield ctx.diag(codes.INVALID_COUNT, f"`cycle {item.cycle:g}` is not a cycle number", item,
                               hint="cycles are numbered 1, 2, 3 … from the first start")
