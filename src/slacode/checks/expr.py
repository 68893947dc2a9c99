"""Arithmetic of `let` constants and goals: one evaluator for the linter and the compiler.

``evaluate_expr(expr, constants)`` gives the value of an expression node
(:class:`~slacode.model.Number`, ``Constant``, ``Binary``, ``Chain``, ``Negate``, ``Call``) as a
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
                  exact: bool = False, memo: dict | None = None) -> float:
    """The value of ``expr``; raises :class:`ExprError` when it has none. ``exact``: in
    fractions (a :class:`~fractions.Fraction`), as the module says.

    It walks the expression and the constants it names with a list of its own, not by
    recursion, so a sum of thousands of terms or a chain of thousands of ``let``s each
    naming the next has a value like any other (each constant is computed once). ``memo``
    (a dict the caller keeps, for one ``constants`` and one ``exact``) carries the
    constants' values, and their errors, from one call to the next: evaluating every
    ``let`` of a long chain stays linear (a circle's error is the one first met, naming
    the circle from where that call entered it)."""
    constants = constants or {}
    active: dict[str, int] = {name: i for i, name in enumerate(_stack)}   # constants being computed
    order: list[str] = list(_stack)
    known: dict[str, Any] = {} if memo is None else memo                 # name -> value or ExprError
    values: list = []
    todo: list = [("eval", expr)]
    try:
        while todo:
            _step(todo.pop(), constants, exact, active, order, known, values, todo)
    except ExprError as e:
        for name in order[len(_stack):]:                    # each constant on the way has no value either
            known[name] = e
        raise
    return values[-1]


def _step(task, constants, exact, active, order, known, values, todo) -> None:
    """One step of :func:`evaluate_expr`'s walk."""
    step, node = task[0], task[1]
    if step == "eval":
        _visit(node, constants, exact, active, order, known, values, todo)
    elif step == "leave":                              # constant ``node`` has its value on top
        known[node] = values[-1]
        del active[node]
        order.pop()
    elif step == "neg":
        values[-1] = -values[-1]
    elif step == "call":
        n = len(node.args)
        args = values[-n:]
        del values[-n:]
        values.append(task[2](*args))
    else:                                              # "ops": a Binary or a Chain, its operands on top
        operands = _operands(node)
        n = len(operands)
        args = values[-n:]
        del values[-n:]
        values.append(_fold(node, operands, args))


def _operands(node) -> tuple:
    return (node.left, node.right) if node.kind == "binary" else (node.first,) + tuple(node.rest)


def _fold(node, operands: tuple, args: list):
    """``args[0] op1 args[1] op2 …`` left to right; division by zero raises ExprError
    pointing at the division (the operands up to the divisor)."""
    ops = (node.op,) if node.kind == "binary" else node.ops
    acc = args[0]
    for i, op in enumerate(ops, 1):
        b = args[i]
        if op == "+":
            acc = acc + b
        elif op == "-":
            acc = acc - b
        elif op == "*":
            acc = acc * b
        elif b == 0:
            raise ExprError(sem_codes.DIVISION_BY_ZERO, "this expression divides by zero",
                            _division(node, operands, i), hint="check the constants the divisor is computed from")
        else:
            acc = acc / b
    return acc


def _division(node, operands: tuple, i: int):
    """The node to point at for the ``i``-th operator of ``node`` dividing by zero: the
    whole Binary, or the part of a Chain from its start to that divisor."""
    if node.kind == "binary" or i == len(operands) - 1:
        return node if node.span is not None else operands[i]
    first, divisor = operands[0].span, operands[i].span
    if first is None or divisor is None:
        return operands[i]
    from types import SimpleNamespace

    from slacode.diagnostics import Span

    return SimpleNamespace(span=Span(first.line, first.column, divisor.end_line, divisor.end_column, first.file))


def _visit(node, constants, exact, active, order, known, values, todo) -> None:
    """One ``eval`` step of :func:`evaluate_expr`: a value pushed, or the steps that give it."""
    kind = node.kind
    if kind == "number":
        values.append(_exact(node.value) if exact else float(node.value))
    elif kind == "constant":
        name = node.name.value
        if name in active:
            chain = " → ".join(f"`{n}`" for n in order[active[name]:] + [name])
            raise ExprError(sem_codes.CIRCULAR_DEFINITION,
                            f"constant `{name}` is defined in terms of itself ({chain})", node.name,
                            hint="define one of these constants as a number")
        if name in known:
            value = known[name]
            if isinstance(value, ExprError):
                raise value
            values.append(value)
            return
        if name not in constants:
            from slacode.checks.context import did_you_mean

            raise ExprError(name_codes.UNDEFINED_CONSTANT, f"constant `{name}` is not declared", node.name,
                            hint=did_you_mean(name, constants) or f"declare it with `let {name} = …`")
        value = _constant_expr(constants[name])
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            values.append(_exact(value) if exact else float(value))
            return
        active[name] = len(order)
        order.append(name)
        todo.append(("leave", name))
        todo.append(("eval", value))
    elif kind == "negate":
        todo.append(("neg", node))
        todo.append(("eval", node.item))
    elif kind in ("binary", "chain"):
        todo.append(("ops", node))
        todo.extend(("eval", operand) for operand in reversed(_operands(node)))
    elif kind == "call":
        todo.append(("call", node, _function(node)))
        todo.extend(("eval", a) for a in reversed(node.args))
    else:  # pragma: no cover
        raise ExprError(sem_codes.DIVISION_BY_ZERO, f"unknown expression kind {kind!r}", node)


def _function(expr):
    """The function a call names, its number of arguments checked."""
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
    return func


def constant_values(agreement) -> dict[str, float]:
    """The values of an agreement's ``let`` constants that have one."""
    constants = agreement.constants
    values: dict[str, float] = {}
    memo: dict = {}
    for name, decl in constants.items():
        try:
            values[name] = evaluate_expr(decl.expr, constants, (name,), memo=memo)
        except ExprError:
            continue
    return values
