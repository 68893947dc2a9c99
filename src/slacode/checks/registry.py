"""The table of checks: each check is a small function registered with its code(s).

A check takes the shared :class:`~slacode.checks.context.Context` and yields diagnostics of
the codes it is registered with (and of no other code: :func:`run` refuses that, so a
code's documentation always describes the function that reports it).
"""
from __future__ import annotations

from typing import Callable, Iterable, NamedTuple

from slacode.diagnostics import Diagnostic

CheckFn = Callable[["object"], Iterable[Diagnostic]]


class Check(NamedTuple):
    codes: tuple[str, ...]
    func: CheckFn

    @property
    def name(self) -> str:
        return f"{self.func.__module__}.{self.func.__name__}"


CHECKS: list[Check] = []


def rule(*codes: str) -> Callable[[CheckFn], CheckFn]:
    """Register the decorated function as the check that reports ``codes``."""
    from slacode.codes import CODES

    for code in codes:
        if code not in CODES:
            raise KeyError(f"unregistered diagnostic code {code}")

    def register(func: CheckFn) -> CheckFn:
        check = Check(tuple(codes), func)
        for i, known in enumerate(CHECKS):      # a module imported again (importlib.reload)
            if known.name == check.name:        # replaces its checks, never runs them twice
                CHECKS[i] = check
                return func
        CHECKS.append(check)
        return func

    return register


def run(ctx) -> list[Diagnostic]:
    """Every diagnostic of every registered check, in registration order."""
    out: list[Diagnostic] = []
    for check in CHECKS:
        for diag in check.func(ctx):
            if diag.code not in check.codes:
                raise AssertionError(f"{check.name} reported {diag.code}, registered for {check.codes}")
            out.append(diag)
    return out


def codes_checked() -> frozenset[str]:
    """The codes some check can report."""
    return frozenset(c for check in CHECKS for c in check.codes)
