"""Style checks (SLA4xx): snake_case names, an owner for every promise."""
from __future__ import annotations

import re
from typing import Iterator

from slacode.codes import style as codes
from slacode.diagnostics import Diagnostic
from slacode.checks.context import Context
from slacode.checks.registry import rule

SNAKE_CASE = re.compile(r"_*[a-z][a-z0-9]*(?:_[a-z0-9]+)*_*")


def to_snake_case(name: str) -> str:
    """``firstTouch`` → ``first_touch``, ``HTTPServer`` → ``http_server``, ``MQLs`` → ``mqls``."""
    s = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    s = re.sub(r"([A-Z]+)([A-Z][a-z]{2,})", r"\1_\2", s)     # `HTTPServer`; `MQLs` is one word
    s = re.sub(r"_+", "_", s).lower()
    return s


def declared_names(ctx: Context):
    """``(kind word, Name)`` of every declared name the style applies to."""
    a = ctx.agreement
    for decl in ctx.rule_likes:
        yield (decl.rule_kind if decl.kind == "rule" else decl.kind), decl.name
    for s in a.state_decls:
        yield "state", s.name
    for d in a.of("segment"):
        yield "segment", d.name
    for d in (*a.of("calendar"), *a.of("calendar_choice")):
        yield "calendar", d.name
    for d in a.of("let"):
        yield "constant", d.name
    for header in a.of("agreement"):
        for n in header.teams:
            yield "team", n


@rule(codes.NOT_SNAKE_CASE)
def snake_case_names(ctx: Context) -> Iterator[Diagnostic]:
    for word, name in declared_names(ctx):
        if SNAKE_CASE.fullmatch(name.value):
            continue
        if name.quoted:                 # a state in backquotes: the CRM's own name (extension)
            continue
        hint = f"rename it `{to_snake_case(name.value)}` (lower case words joined by `_`)"
        if word == "state":
            hint += (f"; if it is the CRM's own name of the state, write it in backquotes, "
                     f"`` `{name.value}` ``, where it is declared")
        yield ctx.diag(codes.NOT_SNAKE_CASE, f"{word} name `{name.value}` is not snake_case", name, hint=hint)


@rule(codes.MISSING_OWNER)
def owners(ctx: Context) -> Iterator[Diagnostic]:
    for decl in ctx.rule_likes:
        if decl.owner is None:
            word = decl.rule_kind if decl.kind == "rule" else decl.kind
            hint = "add `owner TEAM`"
            if ctx.teams:
                hint += " (" + ", ".join(f"`{t}`" for t in ctx.teams) + ")"
            yield ctx.diag(codes.MISSING_OWNER, f"{word} `{decl.name.value}` has no owner", decl.name, hint=hint)


#: Words that mean something of their own in a predicate, where segment and state names are used.
_UNUSABLE = frozenset(("state", "true", "false", "null", "not"))


@rule(codes.UNUSABLE_NAME)
def unusable_names(ctx: Context) -> Iterator[Diagnostic]:
    a = ctx.agreement
    named = [("segment", d.name) for d in a.of("segment")] + [("state", s.name) for s in a.state_decls]
    for kind, name in named:
        if name.value in _UNUSABLE and kind == "state":     # (a state may be backquoted there: extension)
            yield ctx.diag(codes.UNUSABLE_NAME, f"state `{name.value}` reads as the word `{name.value}` in a "
                           "predicate, where it has a meaning of its own", name,
                           hint=f"rename the state, or write it in backquotes where a predicate names it: "
                                f"`` state == `{name.value}` ``")
        elif name.value in _UNUSABLE:
            yield ctx.diag(codes.UNUSABLE_NAME, f"{kind} `{name.value}` can never be referred to in a predicate: "
                           f"there `{name.value}` has a meaning of its own", name, hint=f"rename the {kind}")
