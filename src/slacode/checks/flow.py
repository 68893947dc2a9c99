"""Checks of the lifecycle: `flow` lines against the `states` block."""
from __future__ import annotations

from typing import Iterator

from slacode.codes import semantics as codes
from slacode.diagnostics import Diagnostic
from slacode.checks.context import Context
from slacode.checks.registry import rule


@rule(codes.FINAL_STATE_EXIT)
def final_states_stay(ctx: Context) -> Iterator[Diagnostic]:
    for line in ctx.agreement.flow_lines:
        name = line.source.value
        if name in ctx.finals:
            yield ctx.diag(codes.FINAL_STATE_EXIT, f"state `{name}` is final, but this line leaves it", line.source,
                           hint=f"remove the line, or drop `final` from `{name}` if leads may leave it")


@rule(codes.STATE_NOT_IN_FLOW, codes.DEAD_END_STATE)
def states_in_flow(ctx: Context) -> Iterator[Diagnostic]:
    if not ctx.has_flow or not ctx.has_states:
        return
    sources = {line.source.value for line in ctx.agreement.flow_lines}
    targets = {t.value for line in ctx.agreement.flow_lines for t in line.targets}
    for name, decl in ctx.states.items():
        if name not in sources and name not in targets:
            yield ctx.diag(codes.STATE_NOT_IN_FLOW, f"state `{name}` appears in no `flow` line", decl.name,
                           hint=f"add the transitions into and out of `{name}`, or remove the state")
        elif name not in sources and not decl.final:
            yield ctx.diag(codes.DEAD_END_STATE, f"state `{name}` is not final but has no way out in `flow`",
                           decl.name, hint=_dead_end_hint(decl.name))


def _dead_end_hint(name) -> str:
    """`mark it `x final`, or add a line `x -> …``, the state written as in the file (a
    backquoted one, extension, fenced: `` `Qualified` final ``)."""
    from slacode.fmt import name_text
    from slacode.texts import code

    written = name_text(name.value, name.quoted)
    return f"mark it {code(written + ' final')}, or add a line {code(written + ' -> …')}"
