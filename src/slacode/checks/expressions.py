"""Checks of `let` constants and computed goals, and of circles among definitions."""
from __future__ import annotations

from fractions import Fraction
from typing import Iterator

from slacode.codes import names as name_codes
from slacode.codes import semantics as codes
from slacode.diagnostics import Diagnostic
from slacode.checks.context import Context, segment_refs, walk_expr
from slacode.checks.expr import ExprError, evaluate_expr
from slacode.checks.graph import cycles
from slacode.checks.registry import rule
from slacode.texts import int_digits


def _names(items: list[str]) -> str:
    quoted = [f"`{n}`" for n in items]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


@rule(codes.CIRCULAR_DEFINITION)
def circular_definitions(ctx: Context) -> Iterator[Diagnostic]:
    constants = {name: [n.name.value for n in walk_expr(d.expr) if n.kind == "constant"]
                 for name, d in ctx.constants.items()}
    for circle in cycles(constants):
        first = ctx.constants[circle[0]]
        if len(circle) == 1:
            message = f"constant `{circle[0]}` is defined in terms of itself"
        else:
            message = f"constants {_names(circle)} are defined in terms of each other"
        yield ctx.diag(codes.CIRCULAR_DEFINITION, message, first.name,
                       hint="define one of them as a number, without the others")
    segments = {name: [n.value for n in segment_refs(d.predicate)] for name, d in ctx.segments.items()}
    for circle in cycles(segments):
        first = ctx.segments[circle[0]]
        if len(circle) == 1:
            message = f"segment `{circle[0]}` is defined in terms of itself"
        else:
            message = f"segments {_names(circle)} are defined in terms of each other"
        yield ctx.diag(codes.CIRCULAR_DEFINITION, message, first.name,
                       hint="define one of them by fields only, without the others")


def expressions(ctx: Context) -> Iterator[tuple[object, object]]:
    """``(owner, expr)`` of every expression: `let` declarations, then goals."""
    for decl in ctx.agreement.of("let"):
        yield decl, decl.expr
    for t in ctx.agreement.targets:
        for goal in t.items:
            if goal.kind == "target_goal":
                yield goal, goal.percent
    for q in ctx.agreement.quotas:
        for goal in q.items:
            if goal.kind == "quota_goal":
                yield goal, goal.amount


@rule(name_codes.UNDEFINED_CONSTANT, name_codes.UNKNOWN_FUNCTION)
def names_in_expressions(ctx: Context) -> Iterator[Diagnostic]:
    for _, expr in expressions(ctx):
        for node in walk_expr(expr):
            if node.kind == "constant" and node.name.value not in ctx.constants:
                yield _as_diag(ctx, _problem(node, ctx))
            elif node.kind == "call":
                problem = _problem(node, ctx)
                if problem is not None:
                    yield _as_diag(ctx, problem)


def _problem(node, ctx: Context) -> ExprError | None:
    """The error evaluating ``node`` alone raises about its own name (not its arguments)."""
    if node.kind == "call":
        from slacode.model import Call, Number

        probe = Call(func=node.func, args=tuple(Number(value=1) for _ in node.args))
        try:
            evaluate_expr(probe, {})
        except ExprError as e:
            return e
        return None
    try:
        evaluate_expr(node, ctx.constants, memo=ctx.memo("expr-float"))
    except ExprError as e:
        return e
    return None


def _shown(value: Fraction) -> str:
    """An exact value as a message shows it: a whole or decimal one with every digit
    (``10000000000000000.5``; ``0.1 * 3`` is exactly ``0.3``), another as its float."""
    for places in range(31):
        scaled = value * 10 ** places
        if scaled.denominator == 1:
            digits = int_digits(abs(scaled.numerator)).rjust(places + 1, "0")
            sign = "-" if value < 0 else ""
            return sign + (digits if not places else f"{digits[:-places]}.{digits[-places:]}")
    return repr(float(value))


def _as_diag(ctx: Context, e: ExprError) -> Diagnostic:
    return ctx.diag(e.code, e.message, e.span, hint=e.hint)


def goal_values(ctx: Context) -> Iterator[tuple[object, Fraction | None, ExprError | None]]:
    """``(owner, value, error)`` of every expression (value None when it has none), worked
    out exactly, as the plan works out a quota's goal (a whole count is whole exactly).
    Worked out once per lint (several checks read them)."""
    memo = ctx.memo("goal-values")
    if "all" not in memo:
        constants = ctx.memo("expr-exact")
        found = []
        for owner, expr in expressions(ctx):
            stack = (owner.name.value,) if owner.kind == "let" else ()
            try:
                found.append((owner, evaluate_expr(expr, ctx.constants, stack, exact=True, memo=constants), None))
            except ExprError as e:
                found.append((owner, None, e))
        memo["all"] = found
    yield from memo["all"]


@rule(codes.DIVISION_BY_ZERO)
def division_by_zero(ctx: Context) -> Iterator[Diagnostic]:
    seen: set = set()
    for _, _, error in goal_values(ctx):
        if error is None or error.code != codes.DIVISION_BY_ZERO:
            continue  # names are reported above, circles by circular_definitions
        span = error.span
        key = (span.line, span.column) if span is not None else None
        if key in seen:
            continue
        seen.add(key)
        yield _as_diag(ctx, error)


@rule(codes.PERCENT_OUT_OF_RANGE, codes.INVALID_COUNT)
def goal_ranges(ctx: Context) -> Iterator[Diagnostic]:
    # a quota that adds up a property (`sum PROP of …`) may have any goal: amounts are not
    # whole, and a sum with refunds in it may be negative
    summed = {id(q.goal) for q in ctx.agreement.quotas if q.measure is not None and q.measure.kind == "sum"}
    for goal, value, _ in goal_values(ctx):
        if value is None or goal.kind == "let" or id(goal) in summed:
            continue
        if goal.kind == "target_goal" and not 0 <= value <= 100:
            yield ctx.diag(codes.PERCENT_OUT_OF_RANGE, f"a target of {_approx(value)}% is outside 0–100%", goal.percent,
                           hint="a share of met cycles is between 0% and 100%, such as `at least 95% met`")
        elif goal.kind == "quota_goal" and _too_many_digits(value):
            continue                    # GOAL_TOO_LARGE says so (its digits cannot be written)
        elif goal.kind == "quota_goal" and (value < 0 or value.denominator != 1):
            what = "negative" if value < 0 else "not a whole number"
            yield ctx.diag(codes.INVALID_COUNT, f"a quota of {_shown(value)} events is {what}", goal.amount,
                           hint="events are counted whole: round a computed amount with `ceil(…)` or `floor(…)`"
                           if value >= 0 else "a quota counts events, from 0 up")


@rule(codes.GOAL_TOO_LARGE)
def goals_python_writes(ctx: Context) -> Iterator[Diagnostic]:
    """A quota's goal (a `let` expression: a written number is at most 15 digits, SLA108)
    whose whole part has more digits than Python writes (``sys.get_int_max_str_digits()``,
    4,300 by default): no verdict could hold it as a number."""
    for goal, value, _ in goal_values(ctx):
        if value is None or goal.kind != "quota_goal" or not _too_many_digits(value):
            continue
        digits = len(int_digits(abs(value.numerator) // value.denominator))
        yield ctx.diag(codes.GOAL_TOO_LARGE,
                       f"this goal is a number of {digits:,} digits, more than the {_digit_limit():,} slacode "
                       "writes in a verdict", goal.amount,
                       hint="a goal is an amount per period: check the constants it is computed from")


def _digit_limit() -> int:
    """The most digits of an int Python writes and reads (``sys.get_int_max_str_digits()``;
    0, no limit, is taken as its default, 4,300)."""
    import sys

    return sys.get_int_max_str_digits() or 4300


def _too_many_digits(value: Fraction) -> bool:
    """Whether ``value``'s whole part has more digits than :func:`_digit_limit`."""
    whole = abs(value.numerator) // value.denominator
    return whole.bit_length() > 3 * _digit_limit() and whole >= 10 ** _digit_limit()


def _approx(value: Fraction) -> str:
    """``150``, ``1e+375``: a value as ``{:g}`` writes its float, also past the largest float."""
    try:
        return f"{float(value):g}"
    except OverflowError:
        from decimal import Decimal

        text = f"{Decimal(value.numerator) / Decimal(value.denominator):.6g}"
        mantissa, _, exponent = text.partition("e")
        mantissa = mantissa.rstrip("0").rstrip(".") if "." in mantissa else mantissa
        return f"{mantissa}e{exponent}" if exponent else mantissa
