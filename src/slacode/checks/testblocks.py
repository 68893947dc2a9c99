"""Checks of `test` blocks: an `as of`, expectations that name real rules and clauses.
(Timestamps are checked in :mod:`slacode.checks.literals`, states of `enter` events in
:mod:`slacode.checks.names`.)"""
from __future__ import annotations

from typing import Iterator

from slacode import model as m
from slacode.codes import names as name_codes
from slacode.codes import semantics as codes
from slacode.diagnostics import Diagnostic
from slacode.checks.context import (FLOW_CLAUSE, FLOW_RULE, TARGET_CLAUSE, Context, clause_keys, did_you_mean,
                                  main_clause, quota_clause, walk_pred)
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
        return (quota_clause(decl),)
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


#: The keys of an event that its test line gives itself (`lead` line, `at T TYPE`, `set`).
_OWN_KEYS = ("lead", "at", "type", "fields")


def _event_problems(ctx: Context, item: m.TestEvent) -> Iterator[Diagnostic]:
    if item.type.value == "state" and item.state is None:
        yield ctx.diag(codes.TEST_EVENT_MISREAD, "a `state` event needs the state it enters", item.type,
                       hint="write `at T enter STATE`")
    for a in item.props:
        if a.key.name in _OWN_KEYS:
            own = {"lead": "the test's `lead \"…\"` line", "at": "the line's own `at T`",
                   "type": "the event type after `at T`", "fields": "`set FIELD = VALUE`"}[a.key.name]
            yield ctx.diag(codes.TEST_EVENT_MISREAD, f"`with {a.key.name} = …` would replace the event's own "
                           f"`{a.key.name}`", a.key, hint=f"give it with {own}; `with` sets the event's properties")
    for group, word in ((item.props, "with"), (item.sets, "set")):
        seen: set[str] = set()
        for a in group:
            if a.key.name in seen:
                yield ctx.diag(codes.TEST_EVENT_MISREAD, f"`{a.key.name}` is given twice on this line", a.key,
                               hint=f"keep one `{word} {a.key.name} = …`: only the last would count")
            seen.add(a.key.name)


def _read_option_problems(ctx: Context, item: m.TestEventsFrom) -> Iterator[Diagnostic]:
    """The lines of an `events from` block that cannot be used as written (the test fails
    on them, saying so): a delimiter or a column that cannot be read, a line given twice,
    CSV lines for a file that is not CSV. (An unknown `timezone` is SLA215.)"""
    from slacode.events import format_of
    from slacode.events_csv import csv_options

    seen: dict[tuple[str, str | None], m.ReadOption] = {}
    headers: dict[str, m.ReadOption] = {}
    csv_lines = [o for o in item.options if o.key in ("delimiter", "column")]
    zone = next((o.value.value for o in reversed(item.options) if o.key == "timezone"), None)
    types: list[tuple[str, str]] = []
    for o in item.options:
        if o.key in ("type", "timestamp format"):
            yield from _read_line_problems(ctx, o, types, zone, seen)
            continue
        said = f"`column {o.name} = …`" if o.key == "column" else f"`{o.key}`"
        if (o.key, o.name) in seen:
            yield ctx.diag(codes.TEST_EVENT_MISREAD, f"{said} is given twice in this `events from` block", o,
                           hint="keep one: only the last would count" if o.key != "column"
                           else "a column is read from one header; keep one")
            continue
        seen[o.key, o.name] = o
        if o.key == "column" and o.value.value.strip() in headers:
            yield ctx.diag(codes.TEST_EVENT_MISREAD, f"the header \"{o.value.value}\" is read twice in this "
                           "`events from` block", o, hint="a column is read under one name; keep one")
            continue
        if o.key == "column":
            headers[o.value.value.strip()] = o
        try:
            if o.key == "delimiter":
                csv_options(o.value.value)
            elif o.key == "column":
                csv_options(None, [(o.name, o.value.value)])
        except ValueError as e:
            yield ctx.diag(codes.TEST_EVENT_MISREAD, str(e), o.value,
                           hint='e.g. `delimiter ";"`, `column lead = "Lead ID"`, `column fields.score = "Score"`')
    if csv_lines and item.path.value.strip() and format_of(item.path.value) != "csv":
        yield ctx.diag(codes.TEST_EVENT_MISREAD, f"`{csv_lines[0].key}` reads CSV files, and \"{item.path.value}\" "
                       "is not one (its name does not end in .csv or .csv.gz)", csv_lines[0],
                       hint="leave the CSV lines out for a JSON Lines file, or name the CSV file")


def _read_line_problems(ctx: Context, o: m.ReadOption, types: list, zone: str | None,
                        seen: dict) -> Iterator[Diagnostic]:
    """A `type OURS = "THEIRS"` or `timestamp format "F"` line of an `events from` block that
    cannot be used, as `--type-map` and `--timestamp-format` would refuse it (``types``: the
    block's type lines so far, which this one joins; ``zone``: its `timezone`)."""
    if o.key == "type":
        from slacode.typemap import type_map_pairs

        try:
            type_map_pairs([*types, (o.name, o.value.value)])
        except ValueError as e:
            yield ctx.diag(codes.TEST_EVENT_MISREAD, str(e), o,
                           hint='e.g. `type state = "Status Change"`: the file\'s events of type "Status Change" '
                                'read as state (several types may be read as one, each on a line)')
            return
        types.append((o.name, o.value.value))
        return
    if (o.key, o.value.value) in seen:
        yield ctx.diag(codes.TEST_EVENT_MISREAD, f"`timestamp format \"{o.value.value}\"` is given twice in this "
                       "`events from` block", o, hint="keep one: the formats are tried in order")
        return
    seen[o.key, o.value.value] = o
    from slacode.timestamps import timestamp_formats

    try:
        timestamp_formats([o.value.value], zone or "UTC")
    except ValueError as e:
        yield ctx.diag(codes.TEST_EVENT_MISREAD, str(e), o.value,
                       hint='e.g. `timestamp format "%m/%d/%Y %I:%M %p"`, `timestamp format "epoch-ms"`')
        return
    if zone is None:
        try:
            timestamp_formats([o.value.value], None)
        except ValueError:
            yield ctx.diag(codes.TEST_EVENT_MISREAD, f"the format \"{o.value.value}\" reads times without an offset, "
                           "and this `events from` block names no zone to read them in", o,
                           hint='add `timezone "America/Sao_Paulo"` (the zone the export writes its times in) '
                                'to the block, or a %z to the format')


@rule(codes.TEST_EVENT_MISREAD, codes.TEST_EVENT_AFTER_AS_OF)
def test_events(ctx: Context) -> Iterator[Diagnostic]:
    for test in ctx.agreement.tests:
        as_of = next((i.at.value for i in reversed(test.items) if i.kind == "as_of"), None)
        for item in test.items:
            if item.kind == "lead" and not item.lead.value:
                yield ctx.diag(codes.TEST_EVENT_MISREAD, "the lead id is empty", item.lead,
                               hint='name the lead: `lead "L-1"`')
            elif item.kind == "events_from":
                if not item.path.value.strip():
                    yield ctx.diag(codes.TEST_EVENT_MISREAD, "`events from` names no file", item.path,
                                   hint='name a JSON Lines or CSV file, from the agreement\'s folder: '
                                        '`events from "fixtures/november.jsonl"`')
                yield from _read_option_problems(ctx, item)
            elif item.kind == "event":
                yield from _event_problems(ctx, item)
                at = item.at.value
                if as_of is not None and at is not None and at > as_of:
                    yield ctx.diag(codes.TEST_EVENT_AFTER_AS_OF,
                                   f"this event is after the test's `as of` ({as_of.isoformat()}), so it is "
                                   "not evaluated", item.at,
                                   hint="move the `as of` line later, or correct the event's date")


def _first_clause(decl) -> str:
    """The key of an attempts rule's first clause that gives verdicts (for a hint)."""
    from slacode.checks.attempts import VERDICT_CLAUSES

    return next((c.kind for c in decl.clauses if c.kind in VERDICT_CLAUSES), "gap")


_PERIOD_LABEL = {"day": r"\d{4}-\d{2}-\d{2}", "week": r"\d{4}-W\d{2}", "month": r"\d{4}-\d{2}",
                 "quarter": r"\d{4}-Q[1-4]", "working day": r"\d{4}-\d{2}-\d{2}"}
_PERIOD_EXAMPLE = {"day": "2026-11-24", "week": "2026-W48", "month": "2026-11", "quarter": "2026-Q4",
                   "working day": "2026-11-24"}


def is_period_label(label: str, period: str) -> bool:
    """Whether ``label`` names a period of kind ``period`` (as verdicts write it)."""
    import re
    from datetime import date

    if not re.fullmatch(_PERIOD_LABEL[period], label):
        return False
    year = int(label[:4])
    try:
        if period in ("day", "working day"):       # (a working date: its label is the date)
            date.fromisoformat(label)
        elif period == "week":
            date.fromisocalendar(year, int(label[6:]), 1)
        elif period == "month":
            date(year, int(label[5:]), 1)
    except ValueError:
        return False
    return True


@rule(codes.EXPECT_NEVER_MATCHES)
def expectations_can_match(ctx: Context) -> Iterator[Diagnostic]:
    for test in ctx.agreement.tests:
        for item in test.items:
            if item.kind != "expect":
                continue
            decl = ctx.rules.get(item.rule.value)
            aggregate = decl is not None and decl.kind in ("target", "quota")
            name = item.rule.value
            if decl is None and name != FLOW_RULE:
                continue                                    # SLA201 says so
            if item.period is not None and not aggregate:
                yield ctx.diag(codes.EXPECT_NEVER_MATCHES, f"`{name}` is judged per lead and cycle, not per "
                               "period", item.period, hint="drop `period \"…\"` (name a cycle with `cycle N`)")
            if item.assignee is not None and aggregate and not decl.by_assignee:
                yield ctx.diag(codes.EXPECT_NEVER_MATCHES,
                               f"`{name}` has no verdict per rep: only a target or quota with `by assignee` has",
                               item.assignee,
                               hint=f"drop `assignee \"…\"`, or add `by assignee` to {decl.kind} `{name}`")
            if item.group is not None and not (aggregate and decl.by_field is not None):
                if aggregate:
                    message = (f"`{name}` has no verdict per group: only a target or quota with `by FIELD` has"
                               + (" (a `by assignee` goal's rep is named with `assignee \"…\"`)"
                                  if decl.by_assignee else ""))
                    hint = (f"drop `group …`, or add `by FIELD` to {decl.kind} `{name}`" if not decl.by_assignee
                            else "write `assignee \"REP\"` for a rep's verdict")
                else:
                    message = f"`{name}` is judged per lead and cycle, not per group"
                    hint = "drop `group …` (groups are a target's or quota's, with `by FIELD`)"
                yield ctx.diag(codes.EXPECT_NEVER_MATCHES, message, item.group, hint=hint)
            if item.cycle is not None and aggregate:
                yield ctx.diag(codes.EXPECT_NEVER_MATCHES, f"{decl.kind} `{name}` is judged per period, not per "
                               "cycle", item, hint="drop `cycle N` (name the period with `period \"…\"`)")
            if item.cycle is not None and name == FLOW_RULE and decl is None:
                yield ctx.diag(codes.EXPECT_NEVER_MATCHES, "the `flow` rule gives one verdict per lead, with no "
                               "cycle", item, hint="drop `cycle N`")
            if item.cycle is not None and item.cycle >= 2 and whole_positive(item.cycle) and _one_cycle(decl):
                yield ctx.diag(codes.EXPECT_NEVER_MATCHES, f"`{name}` starts once and has no `restart on`, so a "
                               "lead has only its cycle 1", item,
                               hint=f"drop `cycle {item.cycle:g}`, or add a `restart on` line to `{name}`")
            key = item.clause.value if item.clause is not None else main_clause(ctx.agreement, name)
            if item.clause is None and key == "at_least_within" and not decl.of("at_least_within"):
                yield ctx.diag(codes.EXPECT_NEVER_MATCHES, f"attempts `{name}` has no `at least … within` line, "
                               "the clause an `expect` without a clause names", item.rule,
                               hint=f"name the clause: `expect {name}.{_first_clause(decl)} …`")
            elif item.due is not None and key is not None and \
                    key.rstrip("0123456789").rstrip("_") not in ("within", "at_least_within", "at_least_per_day",
                                                                  "gap_at_most"):
                what = f"`{name}.{key}`" if decl is not None and not aggregate else f"`{name}`"
                yield ctx.diag(codes.EXPECT_NEVER_MATCHES, f"{what} has no deadline, so no verdict of it has "
                               "a `due`", item.due, hint="drop `due …`")
            goal = decl.goal if aggregate else None
            if item.period is not None and goal is not None and goal.period in _PERIOD_LABEL \
                    and not is_period_label(item.period.value, goal.period):
                yield ctx.diag(codes.EXPECT_NEVER_MATCHES,
                               f"\"{item.period.value}\" is not a {goal.period} of {decl.kind} `{name}`", item.period,
                               hint=f"its periods are written like \"{_PERIOD_EXAMPLE[goal.period]}\"")


@rule(codes.EXPECT_NEVER_MATCHES)
def aggregate_statuses_can_match(ctx: Context) -> Iterator[Diagnostic]:
    """An `expect` of a status a target or quota never has: `paused` or `cancelled` (a
    period is met, breached or pending), and `at_risk` but for a quota with `warn behind
    pace` (extension) and an `at least` goal."""
    for test in ctx.agreement.tests:
        for item in test.items:
            if item.kind != "expect" or item.status in ("met", "breached", "pending"):
                continue
            decl = ctx.rules.get(item.rule.value)
            if decl is None or decl.kind not in ("target", "quota"):
                continue
            name = item.rule.value
            if item.status != "at_risk":
                can = "met, breached, pending or at_risk" if decl.kind == "quota" else "met, breached or pending"
                yield ctx.diag(codes.EXPECT_NEVER_MATCHES, f"{decl.kind} `{name}` is never {item.status}: a "
                               f"{decl.kind}'s period is {can}", item,
                               hint="expect `met`, `breached` or `pending`" + (
                                   ", or `at_risk` (with `warn behind pace`)" if decl.kind == "quota" else ""))
            elif decl.kind == "target":
                yield ctx.diag(codes.EXPECT_NEVER_MATCHES, f"target `{name}` is never at_risk: a target's period "
                               "is met, breached or pending", item,
                               hint="expect `pending` for a period that has not ended")
            elif decl.pace is None or (decl.goal is not None and decl.goal.bound == "most"):
                why = "its goal is `at most`" if decl.pace is not None else "it has no `warn behind pace` line"
                yield ctx.diag(codes.EXPECT_NEVER_MATCHES, f"quota `{name}` is never at_risk: {why}", item,
                               hint="expect `pending` for a period that has not ended" + (
                                   "" if decl.pace is not None else
                                   ", or add `warn behind pace` to the quota (at risk while behind its pace)"))


def _one_cycle(decl) -> bool:
    """Whether a lead rule can open only one cycle per lead: every start line says `once`
    (lines that disagree are SLA340's) and nothing restarts it."""
    if decl is None or decl.kind != "rule" or decl.of("restart_on"):
        return False
    starts = decl.of("start_on") + decl.of("start_when")
    return bool(starts) and all(s.once for s in starts)


@rule(codes.TEST_WITHOUT_EXPECT)
def tests_expect_something(ctx: Context) -> Iterator[Diagnostic]:
    for test in ctx.agreement.tests:
        if not any(item.kind == "expect" for item in test.items):
            yield ctx.diag(codes.TEST_WITHOUT_EXPECT, f'test "{test.name.value}" has no `expect` line: it '
                           "passes whatever the agreement does", test.name,
                           hint="add `expect RULE STATUS` lines for the verdicts it should check")


def _compared_types(preds) -> dict[str, tuple[set, str]]:
    """Per field name: the kinds (``number``, ``string``) it is compared with, and the first
    place that does (for the message)."""
    found: dict[str, tuple[set, str]] = {}
    for pred, where in preds:
        for node in walk_pred(pred):
            if node.kind not in ("compare", "member") or node.field.is_state:
                continue
            values = (node.value,) if node.kind == "compare" else node.values
            kinds = {v.kind for v in values if v.kind in ("number", "string")}
            if kinds:
                entry = found.setdefault(node.field.name, (set(), where))
                entry[0].update(kinds)
    return found


def _looks_numeric(value: m.Value) -> bool:
    import re

    return value.kind == "string" and re.fullmatch(r"-?\d+(\.\d+)?", str(value.value)) is not None


@rule(codes.TEST_VALUE_TYPE)
def test_values_have_the_compared_type(ctx: Context) -> Iterator[Diagnostic]:
    """`set score = "90"` where the agreement compares `score` with numbers (and back)."""
    if not ctx.agreement.tests:
        return
    lead_preds = [(d.predicate, f"segment `{d.name.value}`") for d in ctx.agreement.of("segment")]
    for r in ctx.agreement.rules:
        lead_preds += [(c.predicate, f"`{c.kind.replace('_', ' ')}` of `{r.name.value}`") for c in r.clauses
                       if c.kind in ("start_when", "pause_while", "stop_when", "cancel_when", "breach_when")]
        lead_preds += [(c.predicate, f"`require … where` of `{r.name.value}`") for c in r.of("require")
                       if c.predicate is not None]
    fields = _compared_types(lead_preds)
    props: dict[str, dict] = {}
    for t in ctx.triggers():
        if t.kind == "event" and t.where is not None:
            mine = props.setdefault(t.type.value, {})
            for k, (kinds, where) in _compared_types([(t.where, f"a `where` of `{t.type.value}`")]).items():
                mine.setdefault(k, (set(), where))[0].update(kinds)     # every trigger's comparisons
    for n in ctx.facts:                                 # `seen TYPE where P` (extension): P reads the same
        if n.kind == "seen" and n.where is not None:
            mine = props.setdefault(n.type.value, {})
            for k, (kinds, where) in _compared_types([(n.where, f"the `where` of `seen {n.type.value}`")]).items():
                mine.setdefault(k, (set(), where))[0].update(kinds)
    for test in ctx.agreement.tests:
        for item in test.items:
            if item.kind != "event":
                continue
            checks = [(a, fields, "set") for a in item.sets]
            checks += [(a, props.get(item.type.value, {}), "with") for a in item.props]
            for a, compared, word in checks:
                entry = compared.get(a.key.name)
                if entry is None:
                    continue
                kinds, where = entry
                name, value = a.key.name, a.value
                whose = "lead" if word == "set" else "event"
                if _looks_numeric(value) and kinds == {"number"}:
                    yield ctx.diag(codes.TEST_VALUE_TYPE,
                                   f"`{name}` is given the text \"{value.value}\" here, but {where} compares it "
                                   f"with numbers: that comparison is false for this {whose}", value,
                                   hint=f"write the number without quotes: `{word} {name} = {value.value}`")
                elif value.kind == "number" and kinds == {"string"}:
                    yield ctx.diag(codes.TEST_VALUE_TYPE,
                                   f"`{name}` is given the number {value.value} here, but {where} compares it "
                                   f"with text: that comparison is false for this {whose}", value,
                                   hint=f'write it as text, in double quotes, as the data sends it: `{word} {name} = "…"`')
