"""Checks of targets and quotas: both parts present (their references and goals are checked
in :mod:`slacode.checks.names` and :mod:`slacode.checks.expressions`), one key after `by`."""
from __future__ import annotations

from typing import Iterator

from slacode.codes import semantics as codes
from slacode.diagnostics import Diagnostic
from slacode.checks.context import Context
from slacode.checks.registry import rule


@rule(codes.INCOMPLETE_AGGREGATE)
def complete_aggregates(ctx: Context) -> Iterator[Diagnostic]:
    for t in ctx.agreement.targets:
        name = t.name.value
        if t.rule is None:
            yield ctx.diag(codes.INCOMPLETE_AGGREGATE, f"target `{name}` has no `rule` line", t.name,
                           hint="say which rule it measures, such as `rule first_touch for hot`")
        if t.goal is None:
            yield ctx.diag(codes.INCOMPLETE_AGGREGATE, f"target `{name}` has no goal", t.name,
                           hint="add a line such as `at least 95% met per week`")
    for q in ctx.agreement.quotas:
        name = q.name.value
        if q.measure is None:
            yield ctx.diag(codes.INCOMPLETE_AGGREGATE, f"quota `{name}` has no `count` or `sum` line", q.name,
                           hint="say which events it counts, such as `count enter mql`, or what it adds up, "
                                "such as `sum amount of opportunity_created`")
        if q.goal is None:
            yield ctx.diag(codes.INCOMPLETE_AGGREGATE, f"quota `{name}` has no goal", q.name,
                           hint="add a line such as `at least 400 per month`")


@rule(codes.WORKING_PERIOD_WITHOUT_CALENDAR)
def working_period_names_a_calendar(ctx: Context) -> Iterator[Diagnostic]:
    """SLA374: `per working day` without `on CAL` (extension: the periods are a calendar's
    working dates). A calendar that is named but not declared is SLA304's."""
    calendars = list(ctx.calendars)
    for goal in (*ctx.agreement.targets, *ctx.agreement.quotas):
        line = goal.goal
        if line is None or line.period != "working day" or line.calendar is not None:
            continue
        if calendars:
            names = ", ".join(f"`{c}`" for c in calendars)
            hint = (f"name the calendar whose working dates are the periods: `per working day on {calendars[0]}`"
                    + (f" (declared: {names})" if len(calendars) > 1 else ""))
        else:
            hint = ("declare a calendar (`calendar office { timezone \"…\"; hours mon-fri 09:00-18:00 }`) and "
                    "write `per working day on office`, or set the goal `per day` (every date)")
        yield ctx.diag(codes.WORKING_PERIOD_WITHOUT_CALENDAR,
                       f"{goal.kind} `{goal.name.value}` is set `per working day` but names no calendar", line,
                       hint=hint)


@rule(codes.GROUP_BY_NOT_A_FIELD)
def group_by_a_lead_field(ctx: Context) -> Iterator[Diagnostic]:
    """SLA343: `by NAME` where NAME is a segment or `owner` (not a lead field; backquoted,
    the name is meant as a field's)."""
    for goal in (*ctx.agreement.targets, *ctx.agreement.quotas):
        for by in goal.items:
            if by.kind != "by_field":
                continue
            for f in by.fields:
                if f.quoted:
                    continue
                if f.name in ctx.segments:
                    where = (f"`rule {_rule_of(goal)} for {f.name}`" if goal.kind == "target"
                             else f"`{goal.measure.kind if goal.measure else 'count'} … for {f.name}`")
                    yield ctx.diag(codes.GROUP_BY_NOT_A_FIELD,
                                   f"`by {f.name}` groups {goal.kind} `{goal.name.value}` by a lead field called "
                                   f"`{f.name}`, but `{f.name}` is a segment: no event sets such a field", f,
                                   hint=f"to judge the segment's leads alone, write {where}; for a lead field of "
                                        f"that name, write it in backquotes: by `{f.name}`")
                elif f.name == "owner":
                    yield ctx.diag(codes.GROUP_BY_NOT_A_FIELD,
                                   f"`by owner` groups {goal.kind} `{goal.name.value}` by a lead field called "
                                   "`owner`; the rep of an `assigned` event is not a lead field", f,
                                   hint="one goal per rep is `by assignee`; for a lead field called `owner`, write "
                                        "it in backquotes: by `owner`")


def _rule_of(goal) -> str:
    line = goal._first("target_rule")
    return line.rule.value if line is not None else "RULE"


@rule(codes.GROUP_BY_SEVERAL, codes.GROUP_BY_STATE)
def one_group_key(ctx: Context) -> Iterator[Diagnostic]:
    """SLA341: `by region, assignee` (a goal is grouped by one key); SLA342: `by state`
    (the lifecycle keyword, where a field of that name is backquoted)."""
    for goal in (*ctx.agreement.targets, *ctx.agreement.quotas):
        for by in goal.items:
            if by.kind != "by_field":
                continue
            for f in by.fields:
                if f.name == "state" and not f.quoted:
                    yield ctx.diag(codes.GROUP_BY_STATE,
                                   f"{goal.kind} `{goal.name.value}` says `by state`: `state` is the lifecycle "
                                   "state, which a goal is not grouped by", f,
                                   hint="for a lead field called `state`, write its name in backquotes: by `state`")
            if len(by.fields) < 2:
                continue
            keys = ", ".join(f"`{f.text()}`" for f in by.fields)
            yield ctx.diag(codes.GROUP_BY_SEVERAL,
                           f"{goal.kind} `{goal.name.value}` is grouped by {len(by.fields)} keys ({keys}); "
                           "a goal is grouped by one", by,
                           hint=f"keep one key (`by {by.fields[0].text()}`), and declare another {goal.kind} "
                                "for each other key")
