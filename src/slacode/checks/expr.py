"""Arithmetic of `let` constants and goals: one evaluator for the linter and the compiler.

``evaluate_expr(expr, constants)`` gives the value of an expression node
(:class:`~slacode.model.Number`, ``Constant``, ``Binary``, ``Negate``, ``Call``) as a
float; ``constants`` maps names to ``let`` declarations, to expression nodes or to
numbers. Every problem raises :class:`ExprError`, which carries the diagnostic code, a
message, the node to point at and a hint, so callers can report it or re-raise it.

``evaluate_expr(expr, constants, exact=True)`` computes exactly instead, in fractions (a
quota's goal: ``0.1 * 3`` is 3/10, ``1_000 / 3 * 3`` is 1000, ``999_999_999_999_999 *
1000`` keeps every digit): each number is the decimal it is written as.

Functions: ``ceil(x)``, ``floor(x)``, ``round(x)`` (halves away from zero: ``round(2.5)``
is 3), ``min(a, …)``, ``max(a, …)``.
"""
from __future__ import annotations

import math
from decimal import Context, Decimal
from fractions import Fraction
from typing import Any, Mapping

from slacode.codes import names as name_codes
from slacode.codes import semantics as sem_codes


class ExprError(ValueError):
    """An expression without a value: unknown name or function, division by zero, cycle."""

    def __init__(self, code: str, message: str, node: Any = None, hint: str | None = None):
        super().__init__(message)
        self.code = code
        self.message = message
        self.node = node
        self.hint = hint

    @property
    def span(self):
        return getattr(self.node, "span", None)


def _round_half_away(x: float) -> float:
    if isinstance(x, Fraction):
        return Fraction(math.floor(abs(x) + Fraction(1, 2)) * (1 if x >= 0 else -1))
    return math.copysign(math.floor(abs(x) + 0.5), x)


def _same_kind(x, like):
    """``x`` as a Fraction when the arguments are Fractions (exact mode), else a float."""
    return Fraction(x) if isinstance(like, Fraction) else float(x)


#: name -> (function, fewest arguments, most arguments or None)
_FUNCTIONS = {
    "ceil": (lambda x: _same_kind(math.ceil(x), x), 1, 1),
    "floor": (lambda x: _same_kind(math.floor(x), x), 1, 1),
    "round": (_round_half_away, 1, 1),
    "min": (lambda *xs: _same_kind(min(xs), xs[0]), 1, None),
    "max": (lambda *xs: _same_kind(max(xs), xs[0]), 1, None),
}


def _constant_expr(value: Any):
    """The expression (or number) a ``constants`` entry stands for."""
    return getattr(value, "expr", value)


#: Decimal arithmetic without rounding, for adding decimals (a sum quota's amounts).
EXACT = Context(prec=999_999_999, Emax=999_999_999, Emin=-999_999_999)


def as_decimal(value) -> Decimal:
    """A number as the decimal it is written as: a float's shortest repr (``0.1`` is 1/10)."""
    if isinstance(value, Decimal):
        return value
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def _exact(value) -> Fraction:
    """A written number as an exact fraction (a float: the decimal it is written as)."""
    return Fraction(as_decimal(value)) if isinstance(value, float) else Fraction(value)


def evaluate_expr(expr: Any, constants: Mapping[str, Any] | None = None, _stack: tuple = (),
                  exact: bool = False) -> float:
    """The value of ``expr``; raises :class:`ExprError` when it has none. ``exact``: in
    fractions (a :class:`~fractions.Fraction`), as the module says."""
    constants = constants or {}
    kind = expr.kind
    if kind == "number":
        return _exact(expr.value) if exact else float(expr.value)
    if kind == "constant":
        return _constant(expr, constants, _stack, exact)
    if kind == "negate":
        return -evaluate_expr(expr.item, constants, _stack, exact)
    if kind == "binary":
        a = evaluate_expr(expr.left, constants, _stack, exact)
        b = evaluate_expr(expr.right, constants, _stack, exact)
        if expr.op == "+":
            return a + b
        if expr.op == "-":
            return a - b
        if expr.op == "*":
            return a * b
        if b == 0:
            raise ExprError(sem_codes.DIVISION_BY_ZERO, "this expression divides by zero",
                            expr if expr.span is not None else expr.right,
                            hint="check the constants the divisor is computed from")
        return a / b
    if kind == "call":
        return _call(expr, constants, _stack, exact)
    raise ExprError(sem_codes.DIVISION_BY_ZERO, f"unknown expression kind {kind!r}", expr)  # pragma: no cover


def _constant(expr, constants: Mapping[str, Any], stack: tuple, exact: bool = False) -> float:
    from slacode.checks.context import did_you_mean

    name = expr.name.value
    if name in stack:
        chain = " → ".join(f"`{n}`" for n in stack[stack.index(name):] + (name,))
        raise ExprError(sem_codes.CIRCULAR_DEFINITION,
                        f"constant `{name}` is defined in terms of itself ({chain})", expr.name,
                        hint="define one of these constants as a number")
    if name not in constants:
        raise ExprError(name_codes.UNDEFINED_CONSTANT, f"constant `{name}` is not declared", expr.name,
                        hint=did_you_mean(name, constants) or f"declare it with `let {name} = …`")
    value = _constant_expr(constants[name])
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return _exact(value) if exact else float(value)
    return evaluate_expr(value, constants, stack + (name,), exact)


def _call(expr, constants: Mapping[str, Any], stack: tuple, exact: bool = False) -> float:
    from slacode.checks.context import did_you_mean

    name = expr.func.value
    entry = _FUNCTIONS.get(name)
    if entry is None:
        raise ExprError(name_codes.UNKNOWN_FUNCTION, f"function `{name}` does not exist", expr.func,
                        hint=did_you_mean(name, _FUNCTIONS)
                        or "the functions are `ceil`, `floor`, `round`, `min` and `max`")
    func, fewest, most = entry
    n = len(expr.args)
    if n < fewest or (most is not None and n > most):
        wanted = "one number" if most == 1 else "one or more numbers"
        raise ExprError(name_codes.UNKNOWN_FUNCTION,
                        f"function `{name}` takes {wanted}, not {n} argument{'s' if n != 1 else ''}",
                        expr.func, hint=f"write `{name}(x)`" if most == 1 else f"write `{name}(a, b)`")
    args = [evaluate_expr(a, constants, stack, exact) for a in expr.args]
    return func(*args)


def constant_values(agreement) -> dict[str, float]:
    """The values of an agreement's ``let`` constants that have one."""
    constants = agreement.constants
    values: dict[str, float] = {}
    for name, decl in constants.items():
        try:
            values[name] = evaluate_expr(decl.expr, constants, (name,))
        except ExprError:
            continue
    return values
