"""Checks of targets and quotas: both parts present (their references and goals are checked
in :mod:`slacode.checks.names` and :mod:`slacode.checks.expressions`), one key after `by`, a
quota's `warn behind pace` where it means something."""
from __future__ import annotations

from typing import Iterator

from slacode.codes import names as name_codes
from slacode.codes import semantics as codes
from slacode.diagnostics import Diagnostic
from slacode.checks.context import Context, did_you_mean, line_of
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


# ------------------------------------------------------------- warn behind pace

def _paces(quota) -> list:
    return [item for item in quota.items if item.kind == "quota_pace"]


@rule(codes.PACE_WITH_AT_MOST, codes.PACE_ON_A_DAY)
def pace_on_a_long_at_least_goal(ctx: Context) -> Iterator[Diagnostic]:
    """SLA390: `warn behind pace` in an `at most` quota (at risk when about to be exceeded,
    not when behind); SLA391: in a quota per day or per working day (a day is too short for
    a pace)."""
    for q in ctx.agreement.quotas:
        goal = q.goal
        if goal is None:
            continue
        name = q.name.value
        for pace in _paces(q)[:1]:                     # (a second line is SLA205's)
            if goal.bound == "most":
                yield ctx.diag(codes.PACE_WITH_AT_MOST,
                               f"quota `{name}` is an `at most` goal: `warn behind pace` is for an `at least` one, "
                               "and an at-most quota is at risk when it is about to be exceeded, not when it is "
                               "behind", pace,
                               hint="remove the line (an amount below the pace is what an `at most` goal asks for)")
            elif goal.period in ("day", "working day"):
                yield ctx.diag(codes.PACE_ON_A_DAY,
                               f"quota `{name}` is set per {goal.period_text()}: a day is too short for a pace, its "
                               "events come in bursts and it would read at risk for most of its hours", pace,
                               hint="remove the line, and set the pace on a longer goal, beside this one if both "
                                    "matter (`at least … per week` with `warn behind pace`)")


@rule(name_codes.DUPLICATE_CLAUSE)
def one_pace(ctx: Context) -> Iterator[Diagnostic]:
    """SLA205: a second `warn behind pace` line in a quota."""
    for q in ctx.agreement.quotas:
        paces = _paces(q)
        for again in paces[1:]:
            yield ctx.diag(name_codes.DUPLICATE_CLAUSE,
                           f"`warn behind pace` is given twice in quota `{q.name.value}`; the first is on "
                           f"{line_of(paces[0])}", again, hint="keep one of them")


@rule(name_codes.UNDEFINED_CALENDAR)
def pace_calendar_declared(ctx: Context) -> Iterator[Diagnostic]:
    """SLA208: `warn behind pace on CAL` where CAL is not a declared calendar (a calendar
    choice, which picks a calendar per lead, included: a quota counts every lead's events)."""
    choices = ctx.agreement.calendar_choices
    for q in ctx.agreement.quotas:
        for pace in _paces(q):
            cal = pace.calendar
            decl = ctx.calendars.get(cal.value) if cal is not None else None
            if decl is not None and decl.lead_zone:      # `timezone lead` (extension): per lead, as a choice
                yield ctx.diag(name_codes.UNDEFINED_CALENDAR,
                               f"`{cal.value}` is a calendar in the lead's zone (`timezone lead`), read per lead: the "
                               f"pace of quota `{q.name.value}` is one calendar's, for every lead", cal,
                               hint="name a calendar with a `timezone \"…\"` of its own here")
                continue
            if cal is None or cal.value in ctx.calendars:
                continue
            if cal.value in choices:
                picks = choices[cal.value].picks
                yield ctx.diag(name_codes.UNDEFINED_CALENDAR,
                               f"`{cal.value}` is a calendar choice, which picks a calendar per lead: the pace of "
                               f"quota `{q.name.value}` is one calendar's, for every lead", cal,
                               hint=f"name one calendar here (`on {picks[0].calendar.value}`)" if picks else None)
                continue
            hint = did_you_mean(cal.value, list(ctx.calendars) + list(choices)) or \
                f"declare it with `calendar {cal.value} {{ … }}`"
            yield ctx.diag(name_codes.UNDEFINED_CALENDAR, f"calendar `{cal.value}` is not declared", cal, hint=hint)
