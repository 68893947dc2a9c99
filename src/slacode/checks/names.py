"""Checks of names and references (SLA2xx): the agreement block, duplicates, undefined and
unused names."""
from __future__ import annotations

import dataclasses

from typing import Iterator

from slacode import model as m
from slacode.codes import names as codes
from slacode.codes import semantics as sem_codes
from slacode.diagnostics import Diagnostic
from slacode.checks.context import (CALENDAR_KINDS, FLOW_CLAUSE, FLOW_RULE, SEGMENT_KINDS, Context, clause_keys,
                                  default_clause, did_you_mean, fact_nodes_of, line_of, segment_refs, walk_pred)
from slacode.checks.registry import rule

_KIND_WORD = {"handoff": "handoff", "deadline": "deadline", "attempts": "attempts rule",
              "target": "target", "quota": "quota"}


def kind_word(decl) -> str:
    """``deadline``, ``target`` … for messages."""
    return _KIND_WORD[decl.rule_kind if decl.kind == "rule" else decl.kind]


# ------------------------------------------------------------------- the agreement block

@rule(codes.MISSING_AGREEMENT, codes.DUPLICATE_AGREEMENT)
def agreement_block(ctx: Context) -> Iterator[Diagnostic]:
    blocks = ctx.agreement.of("agreement")
    if not blocks:
        first = ctx.agreement.declarations[0] if ctx.agreement.declarations else None
        where = first.span if first is not None and first.span is not None else None
        if where is None:
            from slacode.diagnostics import Span

            where = Span(1, 1, file=ctx.file)
        yield ctx.diag(codes.MISSING_AGREEMENT, "the file has no `agreement` block", where,
                       hint='start the file with `agreement "id" { version "1"; timezone "UTC"; teams … }`')
    for extra in blocks[1:]:
        yield ctx.diag(codes.DUPLICATE_AGREEMENT,
                       f"a second `agreement` block (the first is on {line_of(blocks[0])})", extra.id,
                       hint="keep one `agreement` block per file; put other agreements in their own files")


@rule(codes.NO_PROMISE)
def agreement_without_rules(ctx: Context) -> Iterator[Diagnostic]:
    blocks = ctx.agreement.of("agreement")
    if not blocks or any(ctx.agreement.of(kind) for kind in ("rule", "target", "quota", "flow")):
        return
    yield ctx.diag(codes.NO_PROMISE, f"agreement {blocks[0].id.value!r} has no rule, target, quota or `flow`: "
                                     "it gives no verdict", blocks[0].id or blocks[0],
                   hint="add the rules the teams promise (`deadline`, `handoff`, `attempts`); a file cut "
                        "short by a copy or a merge lost them")


# -------------------------------------------------------------------------- duplicates

def _duplicates(items, what: str, ctx: Context) -> Iterator[Diagnostic]:
    """SLA203 for every later ``(name, node)`` whose name was seen before."""
    seen: dict[str, object] = {}
    for name, first_word in items:
        if name.value in seen:
            earlier = seen[name.value]
            yield ctx.diag(codes.DUPLICATE_NAME,
                           f"{first_word} `{name.value}` is already declared on {line_of(earlier)}",
                           name, hint=(f"remove the repeated {first_word}" if first_word in ("team", "state")
                                       else f"rename one of them; every {what} needs its own name"))
        else:
            seen[name.value] = name


@rule(codes.DUPLICATE_NAME)
def duplicate_names(ctx: Context) -> Iterator[Diagnostic]:
    a = ctx.agreement
    yield from _duplicates(((d.name, kind_word(d)) for d in ctx.rule_likes), "rule, target and quota", ctx)
    yield from _duplicates(((d.name, "calendar") for d in (*a.of("calendar"), *a.of("calendar_choice"))),
                           "calendar", ctx)
    yield from _duplicates(((d.name, "segment") for d in a.of("segment")), "segment", ctx)
    yield from _duplicates(((d.name, "constant") for d in a.of("let")), "constant", ctx)
    yield from _duplicates(((s.name, "state") for s in a.state_decls), "state", ctx)
    for header in a.of("agreement")[:1]:
        yield from _duplicates(((n, "team") for n in header.teams), "team", ctx)
    seen: dict[str, object] = {}
    for test in a.tests:
        name = test.name.value
        if name in seen:
            yield ctx.diag(codes.DUPLICATE_NAME, f'test "{name}" is already declared on {line_of(seen[name])}',
                           test.name, hint="give every test its own name: results are reported by name")
        else:
            seen[name] = test.name


@rule(codes.RESERVED_NAME)
def reserved_names(ctx: Context) -> Iterator[Diagnostic]:
    for decl in ctx.rule_likes:
        if decl.name.value == FLOW_RULE:
            yield ctx.diag(codes.RESERVED_NAME,
                           f"`{FLOW_RULE}` is the built-in rule of the `flow` block and cannot name a {kind_word(decl)}",
                           decl.name, hint="choose another name, such as `lifecycle`")


# -------------------------------------------------------------------------- references

@rule(codes.UNDEFINED_TEAM)
def owners_are_teams(ctx: Context) -> Iterator[Diagnostic]:
    if not ctx.agreement.of("agreement"):
        return  # reported as missing-agreement
    for decl in ctx.rule_likes:
        clauses = decl.clauses if decl.kind == "rule" else decl.items
        for clause in clauses:
            if clause.kind != "owner":
                continue
            team = clause.team
            if team.value in ctx.teams:
                continue
            if not ctx.teams:
                yield ctx.diag(codes.UNDEFINED_TEAM,
                               f"owner `{team.value}` is not a team: the agreement declares no teams", team,
                               hint=f"add `teams {team.value}` to the `agreement` block")
            else:
                hint = did_you_mean(team.value, ctx.teams) or (
                    f"add `{team.value}` to the `teams` line, or choose one of "
                    + ", ".join(f"`{t}`" for t in ctx.teams))
                yield ctx.diag(codes.UNDEFINED_TEAM, f"owner `{team.value}` is not one of the agreement's teams",
                               team, hint=hint)


def _undefined_state(ctx: Context, name: m.Name | m.Value, text: str | None = None,
                     trigger: m.Trigger | None = None) -> Diagnostic:
    value = text if text is not None else name.value
    hint = (trigger is not None and _event_in_state_list(ctx, trigger, name)) or did_you_mean(value, ctx.states) \
        or f"declare `{value}` in the `states` block"
    return ctx.diag(codes.UNDEFINED_STATE, f"state `{value}` is not declared", name, hint=hint)


#: event types every agreement knows: the default attempt type and the assignment
_BUILT_IN_TYPES = frozenset({"contact_attempt", "assigned"})


def _event_types(ctx: Context) -> frozenset:
    """The event types the agreement's triggers name, and the built-in ones."""
    return _BUILT_IN_TYPES | {t.type.value for t in ctx.triggers() if t.kind == "event" and t.type is not None}


def _event_in_state_list(ctx: Context, trigger: m.Trigger, name: m.Name) -> str | None:
    """For a name after the first of an `enter`/`leave` list that is an event type, not a
    state: the advice to join the event with `or` (None otherwise)."""
    listed = [n.value for n in trigger.states]
    if len(listed) < 2 or name.value == listed[0] or name.value not in _event_types(ctx):
        return None
    states = ", ".join(v for v in listed if v != name.value)
    return (f"after `{trigger.kind}`, a comma lists states; for the event `{name.value}`, write "
            f"`{trigger.kind} {states} or {name.value}`")


@rule(codes.STATE_NAMED_LIKE_EVENT)
def state_named_like_an_event(ctx: Context) -> Iterator[Diagnostic]:
    """Without a `states` block: `enter working, contact_attempt`, a state list that names
    an event type (with one, SLA207 says it, with the same hint)."""
    if ctx.has_states:
        return
    for trigger in ctx.triggers():
        for name in trigger.states:
            hint = _event_in_state_list(ctx, trigger, name)
            if hint:
                yield ctx.diag(codes.STATE_NAMED_LIKE_EVENT,
                               f"`{name.value}` is read as a state here (an event type elsewhere)", name, hint=hint)


def _state_names_in(pred) -> Iterator[m.Value]:
    """The values compared with the lifecycle `state` in a predicate."""
    for node in walk_pred(pred):
        if node.kind == "compare" and node.field.is_state:
            values = (node.value,)
        elif node.kind == "member" and node.field.is_state:
            values = node.values
        else:
            continue
        for value in values:
            if value.kind in ("name", "string"):
                yield value


@rule(codes.UNDEFINED_STATE)
def states_are_declared(ctx: Context) -> Iterator[Diagnostic]:
    if not ctx.has_states:
        return  # without a `states` block every state is known
    for line in ctx.agreement.flow_lines:
        for name in (line.source, *line.targets):
            if name.value not in ctx.states:
                yield _undefined_state(ctx, name)
    for trigger in ctx.triggers():
        for name in trigger.states:
            if name.value not in ctx.states:
                yield _undefined_state(ctx, name, trigger=trigger)
    for pred in ctx.predicates():
        for value in _state_names_in(pred):
            if value.value not in ctx.states:
                diag = _undefined_state(ctx, value, str(value.value))
                if value.kind == "string" and did_you_mean(str(value.value), ctx.states) is None:
                    # `state == "SP"`: most likely a field of the lead called `state`
                    diag = dataclasses.replace(diag, hint=(f'for a lead field called `state`, write it in '
                                                           f'backquotes: `` `state` == "{value.value}" ``; '
                                                           f'for a lifecycle state, declare `{value.value}` '
                                                           'in the `states` block'))
                yield diag
    for test in ctx.agreement.tests:
        for item in test.items:
            if item.kind == "event" and item.state is not None and item.state.value not in ctx.states:
                yield _undefined_state(ctx, item.state)


@rule(codes.UNDEFINED_CALENDAR)
def calendars_are_declared(ctx: Context) -> Iterator[Diagnostic]:
    choices = ctx.agreement.calendar_choices
    for r in ctx.agreement.rules:
        for clause in r.clauses:
            if clause.kind not in CALENDAR_KINDS:
                continue
            name = clause.calendar
            if name is not None and _lead_zoned(ctx, name) and clause.kind not in SEGMENT_KINDS:
                yield _lead_zone_here(ctx, name, "starts: it can stand only in `within` and `at least … within` lines")
                continue
            if name is None or name.value in ctx.calendars:
                continue
            if name.value in choices:               # a choice: only where a line is picked per cycle
                if clause.kind in SEGMENT_KINDS:
                    continue
                yield ctx.diag(codes.UNDEFINED_CALENDAR,
                               f"`{name.value}` is a calendar choice, which picks a calendar per lead when a cycle "
                               "starts: it can stand only in `within` and `at least … within` lines", name,
                               hint=_one_calendar(choices[name.value]))
                continue
            yield _undeclared_calendar(ctx, name, choices)
    for goal in (*ctx.agreement.targets, *ctx.agreement.quotas):     # `per working day on CAL` (extension)
        name = goal.goal.calendar if goal.goal is not None else None
        if name is not None and _lead_zoned(ctx, name):
            yield _lead_zone_here(ctx, name, f"starts: the working days of {goal.kind} `{goal.name.value}` "
                                        "are one calendar's, for every lead")
            continue
        if name is None or name.value in ctx.calendars:
            continue
        if name.value in choices:
            yield ctx.diag(codes.UNDEFINED_CALENDAR,
                           f"`{name.value}` is a calendar choice, which picks a calendar per lead: the working days "
                           f"of {goal.kind} `{goal.name.value}` are one calendar's, for every lead", name,
                           hint=_one_calendar(choices[name.value]))
            continue
        yield _undeclared_calendar(ctx, name, choices)
    for choice in ctx.agreement.of("calendar_choice"):
        for pick in choice.picks:
            name = pick.calendar
            if name.value in ctx.calendars:
                continue
            if name.value in choices:
                yield ctx.diag(codes.UNDEFINED_CALENDAR,
                               f"`{name.value}` is a calendar choice: a choice picks among calendars", name,
                               hint="name the calendars themselves")
                continue
            hint = did_you_mean(name.value, ctx.calendars) or f"declare it with `calendar {name.value} {{ … }}`"
            yield ctx.diag(codes.UNDEFINED_CALENDAR, f"calendar `{name.value}` is not declared", name, hint=hint)


def _undefined_segment(ctx: Context, name: m.Name) -> Diagnostic:
    if name.value in ctx.states:                    # `pause while on_hold`: the lead's state, surely
        hint = f"`{name.value}` is a state: to test the lead's state, write `state == {name.value}`"
    else:
        hint = did_you_mean(name.value, ctx.segments) or (
            f"declare it with `segment {name.value} = …`; to test a field, write `{name.value} exists`")
    return ctx.diag(codes.UNDEFINED_SEGMENT, f"segment `{name.value}` is not declared", name, hint=hint)


def for_parts(ctx: Context) -> Iterator:
    """Every `for …` part (rule lines, targets, quotas, calendar picks): a
    :class:`~slacode.model.Name`, or a :class:`~slacode.model.SegmentAnd` for `for A and B`
    (extension), in file order per kind."""
    for r in ctx.agreement.rules:
        for clause in r.clauses:
            if clause.kind in SEGMENT_KINDS and clause.segment is not None:
                yield clause.segment
    for target in ctx.agreement.targets:
        if target.rule is not None and target.rule.segment is not None:
            yield target.rule.segment
    for quota in ctx.agreement.quotas:
        if quota.measure is not None and quota.measure.segment is not None:
            yield quota.measure.segment
    for choice in ctx.agreement.of("calendar_choice"):
        for pick in choice.picks:
            if pick.segment is not None:
                yield pick.segment


def for_segment_names(ctx: Context) -> Iterator[m.Name]:
    """Every segment name a `for …` part names, each name of a `for A and B` on its own."""
    for part in for_parts(ctx):
        yield from m.segment_names(part)


@rule(codes.SEGMENT_REPEATED_IN_FOR)
def segment_repeated_in_for(ctx: Context) -> Iterator[Diagnostic]:
    """`for A and A` (extension `for A and B`): the second mention, on its name."""
    for part in for_parts(ctx):
        seen: set[str] = set()
        for name in m.segment_names(part):
            if name.value in seen:
                yield ctx.diag(codes.SEGMENT_REPEATED_IN_FOR,
                               f"`for {part.value}` names segment `{name.value}` twice", name,
                               hint="name each segment once; did you mean another segment?")
            seen.add(name.value)


@rule(codes.UNDEFINED_SEGMENT)
def segments_are_declared(ctx: Context) -> Iterator[Diagnostic]:
    for name in for_segment_names(ctx):
        if name.value not in ctx.segments:
            yield _undefined_segment(ctx, name)
    for pred in ctx.predicates():
        for name in segment_refs(pred):
            if name.value not in ctx.segments:
                yield _undefined_segment(ctx, name)


def measurable_rules(ctx: Context) -> list[str]:
    names = [r.name.value for r in ctx.agreement.rules]
    return names + [FLOW_RULE] if ctx.has_flow else names


@rule(codes.UNDEFINED_RULE, codes.UNDEFINED_CLAUSE)
def target_references(ctx: Context) -> Iterator[Diagnostic]:
    for target in ctx.agreement.targets:
        for line in target.items:
            if line.kind == "target_rule":
                yield from _target_line(ctx, line)


def _target_line(ctx: Context, line: m.TargetRule) -> Iterator[Diagnostic]:
    name = line.rule.value
    if name == FLOW_RULE and ctx.has_flow and name not in ctx.rules:
        keys: tuple[str, ...] = (FLOW_CLAUSE,)
        default = FLOW_CLAUSE
    else:
        decl = ctx.rules.get(name)
        if decl is None:
            yield ctx.diag(codes.UNDEFINED_RULE, f"rule `{name}` is not declared", line.rule,
                           hint=did_you_mean(name, measurable_rules(ctx))
                           or "a target measures a `handoff`, `deadline` or `attempts` rule")
            return
        if decl.kind != "rule":
            yield ctx.diag(codes.UNDEFINED_RULE,
                           f"`{name}` is a {kind_word(decl)}; a target measures a `handoff`, `deadline` or `attempts` rule",
                           line.rule, hint="name the rule whose cycles the target counts")
            return
        keys = clause_keys(decl)
        default = default_clause(decl)
    clause = line.clause.value if line.clause is not None else default
    if clause in keys:
        return
    where = line.clause if line.clause is not None else line.rule
    shown = ", ".join(f"`{k}`" for k in keys) or "none"
    if line.clause is None:
        message = f"rule `{name}` has no `{clause}` clause to measure"
        hint = f"name one with `clause KEY` (its clauses: {shown})"
    else:
        message = f"rule `{name}` has no clause `{clause}`"
        hint = did_you_mean(clause, keys) or f"its clauses are {shown}"
    yield ctx.diag(codes.UNDEFINED_CLAUSE, message, where, hint=hint)


#: Words that name who holds the lead: a comparison with one of them is meant to compare
#: two people (quoting it would compare with the word); `assignee` itself is the lead's rep.
_PEOPLE = frozenset({"owner", "rep", "assigned_to", "owner_id"})


def _assignee_misuse(node, value, in_where: bool) -> tuple[str, str] | None:
    """``(message, hint)`` when the bare name `assignee` (the lead's rep, an extension) is
    used where it cannot be: only `FIELD == assignee` / `!=` in a `where` (of a trigger, a
    `count` or `first`), where the fold knows the assignee just before the event."""
    if node.kind != "compare" or node.op not in ("==", "!="):
        return (f"`assignee` (the lead's rep) is compared only with `==` or `!=`, not in `{node.op}`"
                if node.kind == "compare" else "`assignee` (the lead's rep) cannot stand in a list",
                f"write `{node.field.name} == assignee` (or `!=`); quote it only if you mean the text "
                f'`"assignee"`')
    if not in_where:
        return ("`assignee` (the lead's rep) can be compared only in a `where` (of a trigger, a `count` or "
                "`first`): it is the rep just before that event",
                f'write `… where {node.field.name} == assignee` on the trigger; quote it only if you mean the '
                f'text `"assignee"`')
    return None


@rule(codes.UNQUOTED_VALUE)
def bare_names_compared(ctx: Context) -> Iterator[Diagnostic]:
    fields = {node.field.name for pred in ctx.predicates() for node in walk_pred(pred)
              if node.kind in ("compare", "member", "exists", "text") and not node.field.is_state}
    wheres = {id(t.where) for t in ctx.triggers() if t.where is not None}
    wheres |= {id(c.predicate) for r in ctx.agreement.rules for c in r.clauses if c.kind == "first"}
    for pred in ctx.predicates():
        for node in walk_pred(pred):
            if node.kind == "compare":
                values = (node.value,)
            elif node.kind == "member":
                values = node.values
            else:
                continue
            if node.field.is_state:
                continue
            for value in values:
                if value.kind != "name":
                    continue
                if value.value == m.ASSIGNEE:
                    misuse = _assignee_misuse(node, value, id(pred) in wheres)
                    if misuse is not None:
                        yield ctx.diag(codes.UNQUOTED_VALUE, misuse[0], value, hint=misuse[1])
                    continue
                hint = f'quote it: `"{value.value}"` (the right side of a comparison is a value)'
                if value.value in fields or value.value in _PEOPLE:
                    hint = (f"`{value.value}` reads like a field, but the right side of a comparison is a value: "
                            "a predicate cannot compare two fields (`assignee`, bare, is the lead's rep in a "
                            f'`where`); quote it only if you mean the text `"{value.value}"`')
                if value.value in ctx.states:
                    hint += f"; to test the lifecycle state write `state == {value.value}`"
                yield ctx.diag(codes.UNQUOTED_VALUE,
                               f"field `{node.field.name}` is compared with the bare name `{value.value}`",
                               value, hint=hint)


# ------------------------------------------------------------------------------ unused

def _meant(name: str, misspelt: set[str]) -> bool:
    """Whether a reference to an undeclared name is probably ``name`` misspelt: the error
    about that reference suggests ``name`` already, and "``name`` is not used" would say the
    same mistake twice."""
    return any(did_you_mean(word, [name]) for word in misspelt)


def used_segments(ctx: Context) -> set[str]:
    """The segment names the agreement uses: in a `for` part (each name of a `for A and B`),
    a predicate, or another segment (undeclared names included: SLA209 says those)."""
    used: set[str] = set()
    for decl in ctx.agreement.of("segment"):
        used.update(n.value for n in segment_refs(decl.predicate) if n.value != decl.name.value)
    for pred in ctx.predicates(segments=False):
        used.update(n.value for n in segment_refs(pred))
    used.update(n.value for n in for_segment_names(ctx))
    return used


@rule(codes.UNUSED_SEGMENT)
def unused_segments(ctx: Context) -> Iterator[Diagnostic]:
    used = used_segments(ctx)
    misspelt = used - set(ctx.segments)                 # SLA209 says each, with a did-you-mean
    for decl in ctx.agreement.of("segment"):
        if decl.name.value not in used and ctx.segments.get(decl.name.value) is decl and \
                not _meant(decl.name.value, misspelt):
            yield ctx.diag(codes.UNUSED_SEGMENT, f"segment `{decl.name.value}` is not used", decl.name,
                           hint="use it in a `for` line, a target or a predicate, or remove it")


@rule(codes.UNUSED_CALENDAR)
def unused_calendars(ctx: Context) -> Iterator[Diagnostic]:
    used = {c.calendar.value for r in ctx.agreement.rules for c in r.clauses
            if c.kind in CALENDAR_KINDS and c.calendar is not None}
    used |= {g.goal.calendar.value for g in (*ctx.agreement.targets, *ctx.agreement.quotas)     # per working day on
             if g.goal is not None and g.goal.calendar is not None}
    used |= {item.calendar.value for q in ctx.agreement.quotas for item in q.items      # warn behind pace on
             if item.kind == "quota_pace" and item.calendar is not None}
    choices = ctx.agreement.calendar_choices
    used |= {p.calendar.value for name in used & set(choices) for p in choices[name].picks}
    misspelt = used - set(ctx.calendars) - set(choices)     # SLA208 says each, with a did-you-mean
    for decl in (*ctx.agreement.of("calendar"), *ctx.agreement.of("calendar_choice")):
        name = decl.name.value
        first = ctx.calendars.get(name) or choices.get(name)
        if name in used or first is not decl or _meant(name, misspelt):
            continue
        if decl.kind == "calendar_choice":
            yield ctx.diag(codes.UNUSED_CALENDAR, f"calendar choice `{name}` is not used", decl.name,
                           hint=f"use it in a `within` or `at least … within` line with `on {name}`, or remove it")
        else:
            yield ctx.diag(codes.UNUSED_CALENDAR, f"calendar `{name}` is not used", decl.name,
                           hint=f"use it with `on {name}` or `only during {name}`, or remove it")


def _lead_zoned(ctx: Context, name) -> bool:
    """Whether ``name`` is a declared calendar in the lead's zone (`timezone lead`, extension)."""
    decl = ctx.calendars.get(name.value)
    return decl is not None and decl.lead_zone


def _lead_zone_here(ctx: Context, name, where: str) -> Diagnostic:
    """SLA208 for a calendar in the lead's zone where one calendar for every lead belongs."""
    return ctx.diag(codes.UNDEFINED_CALENDAR,
                    f"`{name.value}` is a calendar in the lead's zone (`timezone lead`), read per lead when a cycle "
                    + where, name,
                    hint="name a calendar with a `timezone \"…\"` of its own here")


def _one_calendar(choice) -> str | None:
    """The hint for a calendar choice where one calendar belongs: its first pick's."""
    return f"name one calendar here (`on {choice.picks[0].calendar.value}`)" if choice.picks else None


def _undeclared_calendar(ctx: Context, name, choices: dict) -> Diagnostic:
    """SLA208 for a calendar name that is neither declared nor a choice, with the nearest name."""
    hint = did_you_mean(name.value, list(ctx.calendars) + list(choices)) or \
        f"declare it with `calendar {name.value} {{ … }}`"
    return ctx.diag(codes.UNDEFINED_CALENDAR, f"calendar `{name.value}` is not declared", name, hint=hint)


# ------------------------------------------------- `seen` and `awaiting` (extension)

#: the event types LANGUAGE.md §4 names
_DEFINED_TYPES = ("state", "assigned", "contact_attempt", "update")


@rule(codes.AWAITING_ITSELF, codes.FACT_OF_UNKNOWN_TYPE)
def fact_types(ctx: Context) -> Iterator[Diagnostic]:
    """`awaiting A since A` (SLA220); `seen X` / `awaiting A since B` naming a type that no
    trigger names and the language does not define, close to one that is (SLA221, a likely
    misspelling; a type only these conditions read, unlike any other, is no finding)."""
    facts = ctx.facts
    if not facts:
        return
    known = {t.type.value for t in ctx.triggers() if t.kind == "event" and t.type is not None
             and t.nth is None and t.breach is None and t.warning is None}
    known.update(_DEFINED_TYPES)
    known.update(item.type.value for test in ctx.agreement.of("test") for item in test.items    # a test's events
                 if item.kind == "event" and getattr(item, "type", None) is not None)
    said: set = set()
    for node in facts:
        names = (node.type,) if node.kind == "seen" else (node.type, node.since)
        if node.kind == "awaiting" and node.type.value == node.since.value:
            yield ctx.diag(codes.AWAITING_ITSELF,
                           f"`awaiting {node.type.value} since {node.since.value}` names one event type twice: "
                           "each such event would both begin and end the wait", node,
                           hint="name the event that begins the wait after `since` and the one that ends it "
                                "after `awaiting` (`awaiting inbound_message since meeting_proposed`)")
            continue
        for name in names:
            if name.value in known or name.value in said:
                continue
            said.add(name.value)
            hint = did_you_mean(name.value, sorted(known))
            if hint is None:        # a type only these conditions read (`since meeting_proposed`): fine
                continue
            yield ctx.diag(codes.FACT_OF_UNKNOWN_TYPE,
                           f"no trigger names the event type `{name.value}`, and the language defines no such "
                           "type, but one close to it is named: if it is misspelt, this condition reads no event",
                           name, hint=hint)


@rule(sem_codes.FACT_IN_FIRST_WHERE)
def facts_in_first_where(ctx: Context) -> Iterator[Diagnostic]:
    """`first where seen …` (SLA395): a `first where` is judged after the events, not at the
    attempt, so the lead's facts as of the attempt are not there to read."""
    for r in ctx.agreement.rules:
        for c in r.of("first"):
            for node in fact_nodes_of(c.predicate, ctx.segments):
                word = "seen" if node.kind == "seen" else "awaiting"
                yield ctx.diag(sem_codes.FACT_IN_FIRST_WHERE,
                               f"`{word}` in the `first where` of `{r.name.value}`: a `first where` is judged on the "
                               "first attempt's properties after the events, and the lead's facts as of that "
                               "attempt are not kept", node,
                               hint="judge it where it happens: `count TYPE where …` or `stop when` / `cancel when`")
