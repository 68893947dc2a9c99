"""Checks of rule bodies (`handoff`, `deadline`, `attempts`): clauses in the right kind of
rule and not given twice, a start, a stop and a target, sensible numbers, `for` lines that
can apply, a start that is not also the stop."""
from __future__ import annotations

import re
from typing import Iterator

from slacode import model as m
from slacode.codes import names as name_codes
from slacode.codes import semantics as codes
from slacode.diagnostics import Diagnostic
from slacode.checks.context import TRIGGER_KINDS, Context, lead_field_reads, lead_predicates, line_of, walk_pred
from slacode.logic import always_holds, never_holds, pred_implies
from slacode.texts import code
from slacode.checks.names import for_parts, kind_word
from slacode.checks.registry import rule

_CLAUSE_WORDS = {
    "owner": "owner", "start_on": "start on", "start_when": "start when", "stop_on": "stop on",
    "cancel_on": "cancel on", "restart_on": "restart on", "pause_while": "pause while",
    "stop_when": "stop when", "cancel_when": "cancel when", "breach_on": "breach on", "breach_when": "breach when",
    "within": "within", "warn": "warn at", "retarget": "retarget when segment changes", "recur": "recur", "require": "require", "count": "count", "sum": "sum … of",
    "at_least_within": "at least … within", "at_least_before": "at least … before",
    "at_most_per_day": "at most … per day", "at_most_per_cycle": "at most … per cycle", "at_least_per_day": "at least … per day within", "by_assignee": "by assignee", "by_field": "by FIELD", "gap": "gap at least", "gap_at_most": "gap at most", "first": "first where",
    "only_during": "only during", "only_between": "only between",
    "version": "version", "timezone": "timezone", "lead_timezone": "timezone lead", "day_length": "day",
    "target_rule": "rule", "target_goal": "at least …% met per …", "quota_goal": "at least … per …",
    "as_of": "as of",
}


def clause_word(kind: str) -> str:
    return _CLAUSE_WORDS.get(kind, kind)


def describe_trigger(t: m.Trigger) -> str:
    if t.kind in ("enter", "leave"):
        return f"{t.kind} {', '.join(s.value for s in t.states)}"
    return t.type.value + (" where …" if t.where is not None else "")


# ------------------------------------------------------------------ duplicate clauses

def _once(ctx: Context, items, kinds: tuple[str, ...], where: str, says: str = "how {where} starts",
          hint: str = "keep one of them") -> Iterator[Diagnostic]:
    """SLA205 for the second and later items whose kind is one of ``kinds`` (``says``: what
    two items of different kinds both say, such as `start on` and `start when`)."""
    first = None
    for item in items:
        if item.kind not in kinds:
            continue
        if first is None:
            first = item
            continue
        if item.kind == first.kind:
            message = f"`{clause_word(item.kind)}` is given twice in {where}; the first is on {line_of(first)}"
        else:
            message = (f"`{clause_word(item.kind)}` and `{clause_word(first.kind)}` ({line_of(first)}) "
                       f"both say {says.format(where=where)}")
        yield ctx.diag(name_codes.DUPLICATE_CLAUSE, message, item, hint=hint)


def _one_by(ctx: Context, items, where: str) -> Iterator[Diagnostic]:
    """SLA205 for a second `by` line (`by assignee` or `by FIELD`) in a target or quota."""
    first = None
    for item in items:
        if item.kind not in ("by_assignee", "by_field"):
            continue
        if first is None:
            first = item
            continue
        yield ctx.diag(name_codes.DUPLICATE_CLAUSE,
                       f"`{_by_text(item)}` is a second `by` in {where}; the first, `{_by_text(first)}`, is on "
                       f"{line_of(first)}", item,
                       hint="a goal is grouped by one key: keep one `by` line, and declare another goal for the "
                            "other key")


def _by_text(item) -> str:
    if item.kind == "by_assignee":
        return "by assignee"
    return "by " + ", ".join(f.text() for f in item.fields)


def _default_lines(ctx: Context, r: m.Rule, kind: str) -> Iterator[Diagnostic]:
    first = None
    for c in r.of(kind):
        if c.segment is not None or getattr(c, "due", None) is not None:    # `due at FIELD` may not apply
            continue
        if first is None:
            first = c
            continue
        yield ctx.diag(name_codes.DUPLICATE_CLAUSE,
                       f"rule `{r.name.value}` has a second `{clause_word(kind)}` line without `for` "
                       f"(the first is on {line_of(first)})", c,
                       hint="one line without `for` is the default; give this one a segment with `for SEGMENT`, "
                            "or remove it")


@rule(name_codes.DUPLICATE_CLAUSE)
def duplicate_clauses(ctx: Context) -> Iterator[Diagnostic]:
    a = ctx.agreement
    for header in a.of("agreement"):
        for kind in ("version", "timezone"):
            yield from _once(ctx, header.items, (kind,), "the agreement")
    for cal in a.of("calendar"):
        for kinds in (("timezone", "lead_timezone"), ("day_length",)):    # (`timezone lead`: extension)
            yield from _once(ctx, cal.items, kinds, f"calendar `{cal.name.value}`", says="which zone {where} is in")
    for r in a.rules:
        where = f"rule `{r.name.value}`"
        for kinds in (("owner",), ("pause_while",), ("retarget",), ("stop_when",), ("cancel_when",),
                      ("breach_when",), ("recur",)):  # several `warn`: levels
            yield from _once(ctx, r.clauses, kinds, where)
        yield from _once(ctx, r.clauses, ("breach_on",), where,         # (extension)
                         hint="join the triggers with `or` on one `breach on` line")
        starts = r.of("start_when") + r.of("start_on")
        if r.of("start_when"):  # several `start on` lines add up; `start when` stands alone
            yield from _once(ctx, sorted(starts, key=_pos), ("start_when", "start_on"), where)
        yield from _default_lines(ctx, r, "within")
        yield from _default_lines(ctx, r, "at_least_within")
    for t in a.targets:
        for kind in ("owner", "target_rule", "target_goal"):
            yield from _once(ctx, t.items, (kind,), f"target `{t.name.value}`")
        yield from _one_by(ctx, t.items, f"target `{t.name.value}`")
    for q in a.quotas:
        for kinds in (("owner",), ("count", "sum")):
            yield from _once(ctx, q.items, kinds, f"quota `{q.name.value}`", "what {where} measures")
        yield from _one_goal(ctx, q)
        yield from _one_by(ctx, q.items, f"quota `{q.name.value}`")
    for test in a.tests:
        yield from _once(ctx, test.items, ("as_of",), f'test "{test.name.value}"')


def _one_goal(ctx: Context, q: m.QuotaDecl) -> Iterator[Diagnostic]:
    """SLA205 for a quota's second and later goals (`at least 1200 per month` and `at least
    300 per week`), each goal said as written."""
    goals = [i for i in q.items if i.kind == "quota_goal"]
    for goal in goals[1:]:
        said = f"at {goal.bound} … per {goal.period_text()}"
        first = f"at {goals[0].bound} … per {goals[0].period_text()}"
        yield ctx.diag(name_codes.DUPLICATE_CLAUSE,
                       f"quota `{q.name.value}` has a second goal, `{said}`; the first, `{first}`, is on "
                       f"{line_of(goals[0])}", goal,
                       hint="a quota has one goal: keep one of them, and give the other a quota of its own")


def _pos(node) -> tuple[int, int]:
    s = node.span
    return (s.line, s.column) if s is not None else (0, 0)


# --------------------------------------------------------------- clause placement

@rule(codes.MISPLACED_CLAUSE)
def misplaced_clauses(ctx: Context) -> Iterator[Diagnostic]:
    for r in ctx.agreement.rules:
        for c in r.clauses:
            if r.rule_kind != "attempts" and c.kind in m.ATTEMPTS_ONLY:
                yield ctx.diag(codes.MISPLACED_CLAUSE,
                               f"`{clause_word(c.kind)}` belongs to `attempts` rules, not to {kind_word(r)} "
                               f"`{r.name.value}`", c,
                               hint=f"move it into an `attempts` rule; a {r.rule_kind} promises a `within` time")
            elif c.kind == "require" and r.rule_kind != "handoff":
                yield ctx.diag(codes.MISPLACED_CLAUSE,
                               f"`require` belongs to handoffs, not to {kind_word(r)} `{r.name.value}`", c,
                               hint="make the rule a `handoff` if the fields must be present at its stop")
            elif c.kind == "recur" and r.rule_kind == "attempts":     # (extension)
                yield ctx.diag(codes.MISPLACED_CLAUSE,
                               f"`recur` belongs to handoffs and deadlines, not to attempts rule `{r.name.value}`: "
                               "it opens the next cycle after a stop, and an attempts rule's cycles are judged "
                               "on their attempts, not closed by a stop they could follow", c,
                               hint="put the periodic promise in a `deadline` (`stop on` the touch, `recur`, "
                                    "`within` the period), or keep this rule's cycles with `start on`")
            elif c.kind in ("breach_on", "breach_when") and r.rule_kind == "attempts":
                yield ctx.diag(codes.MISPLACED_CLAUSE,
                               f"`{clause_word(c.kind)}` belongs to handoffs and deadlines, not to attempts rule "
                               f"`{r.name.value}`: it closes a cycle as breached, and an attempts rule's clauses "
                               "(attempts by a deadline, caps, gaps) are judged on the attempts made, which a "
                               "breach does not change", c,
                               hint="put it in a `deadline` or `handoff` with the same start (its `within` is "
                               "then breached at the event), or close this cycle with `stop on` or `cancel on`")
            elif c.kind == "within" and r.rule_kind == "attempts" and c.due is not None:
                yield ctx.diag(codes.MISPLACED_CLAUSE,
                               f"`due at` belongs to handoffs and deadlines, not to attempts rule `{r.name.value}`: "
                               "an attempts rule's deadline is a time for its attempts, `at least N within …`", c,
                               hint="put `due at FIELD` in a `deadline` or `handoff` with the same start, or write "
                                    "`at least N within DURATION` here")
            elif c.kind == "within" and r.rule_kind == "attempts":
                yield ctx.diag(codes.MISPLACED_CLAUSE,
                               f"`within` belongs to handoffs and deadlines, not to attempts rule `{r.name.value}`",
                               c, hint="write `at least N within DURATION` for the attempts due in a time")


@rule(codes.MISSING_START, codes.MISSING_STOP, codes.MISSING_WITHIN)
def required_clauses(ctx: Context) -> Iterator[Diagnostic]:
    for r in ctx.agreement.rules:
        name = r.name.value
        if not r.of("start_on") and not r.of("start_when"):
            yield ctx.diag(codes.MISSING_START, f"{kind_word(r)} `{name}` has no `start on` or `start when`",
                           r.name, hint="say what opens a cycle, such as `start on assigned`")
        if not r.of("stop_on") and not r.of("stop_when") and r.rule_kind != "attempts":   # may close by cancel
            yield ctx.diag(codes.MISSING_STOP, f"{kind_word(r)} `{name}` has no `stop on` or `stop when`", r.name,
                           hint="say what fulfils the obligation, such as `stop on contact_attempt`")
        if r.rule_kind != "attempts" and not r.of("within"):
            yield ctx.diag(codes.MISSING_WITHIN, f"{r.rule_kind} `{name}` has no `within` line", r.name,
                           hint="say how long the owner has, such as `within 4h on br_sales`")


# ------------------------------------------------------------------------ numbers

@rule(codes.PERCENT_OUT_OF_RANGE)
def warn_percent(ctx: Context) -> Iterator[Diagnostic]:
    for r in ctx.agreement.rules:
        for c in r.of("warn"):
            if c.percent is not None and not 0 <= c.percent <= 100:
                yield ctx.diag(codes.PERCENT_OUT_OF_RANGE,
                               f"`warn at {c.percent:g}%` is outside 0–100% of the target", c,
                               hint="warn before the deadline, such as `warn at 75%`")


@rule(codes.DUPLICATE_WARN_LEVEL)
def duplicate_warn_levels(ctx: Context) -> Iterator[Diagnostic]:
    """The same warning level twice in a rule (several `warn` lines are levels)."""
    for r in ctx.agreement.rules:
        seen: dict = {}
        for c in r.of("warn"):
            level = ("%", c.percent) if c.before is None else ("before", c.before.seconds(), c.before.has_days)
            first = seen.setdefault(level, c)
            if first is not c:
                yield ctx.diag(codes.DUPLICATE_WARN_LEVEL,
                               f"`{c.text()}` is the same warning level as `{first.text()}` ({line_of(first)}) "
                               f"in rule `{r.name.value}`", c, hint="remove it, or give another level")


def whole_positive(n) -> bool:
    return whole(n) and n >= 1


def whole(n) -> bool:
    return not isinstance(n, bool) and float(n).is_integer() and n >= 0


@rule(codes.INVALID_COUNT)
def attempt_counts(ctx: Context) -> Iterator[Diagnostic]:
    for r in ctx.agreement.rules:
        for c in r.clauses:
            if c.kind in ("at_least_within", "at_least_before", "at_least_per_day") and not whole_positive(c.n):
                yield ctx.diag(codes.INVALID_COUNT,
                               f"`{clause_word(c.kind).replace('…', f'{c.n:g}')}` needs a positive whole number "
                               f"of attempts, not {c.n:g}", c,
                               hint="count attempts as 1, 2, 3 …")
            elif c.kind in ("at_most_per_day", "at_most_per_cycle") and not whole(c.n):     # `at most 0`: no attempt at all
                yield ctx.diag(codes.INVALID_COUNT,
                               f"`{clause_word(c.kind).replace('…', f'{c.n:g}')}` needs a whole number "
                               f"of attempts, not {c.n:g}", c,
                               hint="count attempts as 0, 1, 2 …")


@rule(codes.ZERO_DURATION)
def zero_durations(ctx: Context) -> Iterator[Diagnostic]:
    for r in ctx.agreement.rules:
        for c in r.clauses:
            if c.kind in ("within", "at_least_within", "at_least_per_day", "gap", "gap_at_most") and \
                    c.duration is not None and c.duration.seconds() == 0:
                what = "a gap" if c.kind in ("gap", "gap_at_most") else "a target"
                yield ctx.diag(codes.ZERO_DURATION, f"{what} of zero in rule `{r.name.value}`", c.duration,
                               hint="give the time the promise allows, such as `4h`" if c.kind != "gap"
                               else "give the least time between attempts, such as `2h`, or remove the line")
            elif c.kind == "warn" and c.before is not None and c.before.seconds() == 0:
                yield ctx.diag(codes.ZERO_DURATION, f"`{c.text()}` warns only when the deadline is reached: the "
                               f"cycles of `{r.name.value}` are never at risk ahead of it", c,
                               hint="warn with some time left, such as `warn 30m before`, or remove the line")
            elif c.kind == "warn" and c.percent is not None and c.percent == 0:
                yield ctx.diag(codes.ZERO_DURATION, f"`warn at 0%` makes every open cycle of `{r.name.value}` "
                               "at_risk from its start", c, hint="warn part of the way, such as `warn at 75%`, "
                                                                 "or remove the line")


@rule(codes.DAY_WITHOUT_CALENDAR)
def days_without_calendar(ctx: Context) -> Iterator[Diagnostic]:
    for r in ctx.agreement.rules:
        for c in r.clauses:
            if c.kind in ("within", "at_least_within") and c.calendar is None and c.duration is not None \
                    and c.duration.has_days:
                hours = c.duration.seconds() / 3600
                yield ctx.diag(codes.DAY_WITHOUT_CALENDAR,
                               f"`{c.duration.compact()}` without a calendar is wall-clock time: "
                               f"{hours:g} hours, nights and weekends included", c.duration,
                               hint="add `on CALENDAR` to count working days, or write hours to say it plainly")


# ------------------------------------------------------------------- `for` lines

@rule(codes.NO_DEFAULT_TARGET)
def default_lines(ctx: Context) -> Iterator[Diagnostic]:
    for r in ctx.agreement.rules:
        kind = m.default_clause_of(r.rule_kind)
        lines = r.of(kind)
        dues = [c for c in lines if getattr(c, "due", None) is not None]
        if lines and dues and all(c.segment is not None or c in dues for c in lines):
            fields = ", ".join(f"`{name}`" for name in dict.fromkeys(c.due.text() for c in dues))
            yield ctx.diag(codes.NO_DEFAULT_TARGET,
                           f"every line of `{r.name.value}` has `for` or `due at`: leads whose {fields} holds no "
                           "instant at the start (and that no other line takes) are not tracked", lines[0],
                           hint="end the lines with a `within` line without `for`, such as `within 4h`, as the "
                                "fallback; if leaving them untracked is the point, say so with `# slacode: "
                                "ignore[SLA319]` at the end of the line")
            continue
        if lines and all(c.segment is not None for c in lines):
            segs = ", ".join(f"`{name}`" for name in dict.fromkeys(c.segment.value for c in lines))
            yield ctx.diag(codes.NO_DEFAULT_TARGET,
                           f"every `{clause_word(kind)}` line of `{r.name.value}` has `for`: leads outside "
                           f"{segs} are not tracked", lines[0],
                           hint="add a line without `for` as the default for every other lead; if "
                                "leaving them untracked is the point, say so with `# slacode: "
                                "ignore[SLA319]` at the end of the line")
    for choice in ctx.agreement.of("calendar_choice"):
        picks = choice.picks
        if picks and all(p.segment is not None for p in picks):
            segs = ", ".join(f"`{p.segment.value}`" for p in picks)
            yield ctx.diag(codes.NO_DEFAULT_TARGET,
                           f"every pick of calendar choice `{choice.name.value}` has `for`: a line on it does not "
                           f"track leads outside {segs}", choice.name,
                           hint="end the list with a calendar without `for`, the default for every other lead")


@rule(codes.UNREACHABLE_LINE)
def unreachable_lines(ctx: Context) -> Iterator[Diagnostic]:
    segs = ctx.segments
    for r in ctx.agreement.rules:
        for kind in ("within", "at_least_within"):
            earlier: list = []
            default = None
            for c in r.of(kind):
                if c.segment is None and getattr(c, "due", None) is not None and default is not None:
                    yield ctx.diag(codes.UNREACHABLE_LINE,
                                   f"this `due at {c.due.text()}` line never applies: the line without `for` before "
                                   f"it ({line_of(default)}) takes every lead no `for` line takes", c,
                                   hint="move the `due at` line before the line without `for`: lines without "
                                        "`for` are tried in order, and a `due at` line applies only when its field "
                                        "holds an instant")
                if c.segment is None:
                    if getattr(c, "due", None) is None and default is None:
                        default = c
                    continue
                diag = _why_unreachable(ctx, c, c.segment, earlier, segs)
                if diag is not None:
                    yield diag
                if getattr(c, "due", None) is None:     # a `due at` line may not apply: the next is tried
                    earlier.append(c)
    for choice in ctx.agreement.of("calendar_choice"):      # its picks are tried in the same order
        earlier, default = [], None
        for pick in choice.picks:
            if pick.segment is None:
                if default is not None:
                    yield ctx.diag(codes.UNREACHABLE_LINE, "this calendar never applies: the pick without `for` "
                                   f"before it (`{default.calendar.value}`) takes every lead no `for` pick takes",
                                   pick, hint="keep one calendar without `for`, the last")
                default = default or pick
                continue
            diag = _why_unreachable(ctx, pick, pick.segment, earlier, segs, "pick")
            if diag is not None:
                yield diag
            earlier.append(pick)
    yield from _goals_that_never_count(ctx, segs)


def _goals_that_never_count(ctx: Context, segs) -> Iterator[Diagnostic]:
    """SLA320 for a target's `rule … for …` and a quota's `count` / `sum … for …` whose
    segment (or, for `for A and B`, conjunction) can never hold: the goal counts nothing."""
    parts = [(t.rule, t.rule.segment, f"target `{t.name.value}`", "a cycle") for t in ctx.agreement.targets
             if t.rule is not None and t.rule.segment is not None]
    parts += [(q.measure, q.measure.segment, f"quota `{q.name.value}`",
               "an event" if q.measure.kind == "count" else "an amount")
              for q in ctx.agreement.quotas if q.measure is not None and q.measure.segment is not None]
    for line, seg, who, thing in parts:
        pred = _for_pred(seg, segs)
        if pred is None or not never_holds(pred, segs):
            continue
        alone = next((n for n in m.segment_names(seg) if never_holds(segs[n.value].predicate, segs)), None)
        if alone is not None:
            why = f"segment `{alone.value}` can never hold"
            hint = f"fix the predicate of `{alone.value}`, or name the segment meant"
        else:
            written = list(dict.fromkeys(n.value for n in m.segment_names(seg)))
            both = " and ".join(f"`{n}`" for n in written) if len(written) == 2 else f"`{seg.value}`"
            why = f"segments {both} can never {'both ' if len(written) == 2 else 'all '}hold at once"
            hint = "fix the predicates of the segments, or name the segments meant"
        verb = "adds" if thing == "an amount" else "counts"
        yield ctx.diag(codes.UNREACHABLE_LINE, f"this `for {seg.value}` never applies: {why}, so {who} never {verb} "
                       f"{thing}", line, hint=hint)


def _for_pred(seg, segs):
    """The predicate of a line's `for …` part: its segment's, or for `for A and B …`
    (extension) the `and` of references to them; None if a name is not declared."""
    names = m.segment_names(seg)
    if any(n.value not in segs for n in names):
        return None
    if len(names) == 1:
        return segs[names[0].value].predicate
    return m.And.model_construct(items=tuple(m.SegmentRef.model_construct(name=n, span=n.span) for n in names))


def _why_unreachable(ctx: Context, line, seg, earlier: list, segs, what: str = "line") -> Diagnostic | None:
    """Why a `for` line (or a calendar choice's pick, ``what``) never applies, or None.
    ``seg`` is its `for` part: one segment, or (extension) `A and B …`, all of which must hold."""
    where = line_of if what == "line" else (lambda prev: f"`{prev.calendar.value} for {prev.segment.value}`")
    name = seg.value
    mine = {n.value for n in m.segment_names(seg)}
    for prev in earlier:
        theirs = {n.value for n in m.segment_names(prev.segment)}
        if theirs == mine:
            return ctx.diag(codes.UNREACHABLE_LINE,
                            f"this `for {name}` {what} never applies: {where(prev)} has the same segment"
                            f"{'s' if len(mine) > 1 else ''}", line,
                            hint=f"remove one of the two {what}s")
    pred = _for_pred(seg, segs)
    if pred is not None and never_holds(pred, segs):
        alone = next((n for n in m.segment_names(seg) if never_holds(segs[n.value].predicate, segs)), None)
        if alone is not None:
            return ctx.diag(codes.UNREACHABLE_LINE, f"this {what} never applies: segment `{alone.value}` can never "
                            "hold", line, hint=f"fix the predicate of `{alone.value}` or remove the {what}")
        written = list(dict.fromkeys(n.value for n in m.segment_names(seg)))
        both = " and ".join(f"`{n}`" for n in written) if len(written) == 2 else f"`{name}`"
        return ctx.diag(codes.UNREACHABLE_LINE,
                        f"this {what} never applies: segments {both} can never {'both ' if len(written) == 2 else 'all '}"
                        "hold at once", line,
                        hint=f"fix the predicates of the segments or remove the {what}")
    for prev in earlier:
        other = prev.segment.value
        theirs = {n.value for n in m.segment_names(prev.segment)}
        wider = _for_pred(prev.segment, segs) if pred is not None else None
        if theirs < mine or (wider is not None and pred_implies(pred, wider, segs)):    # `for a and b` after `for a`
            return ctx.diag(codes.UNREACHABLE_LINE,
                            f"this `for {name}` {what} never applies: every lead in `{name}` is also in `{other}`, "
                            f"whose {what} comes first ({where(prev)})", line,
                            hint=f"move this {what} before the `for {other}` {what}: the first that holds wins")
    return None


@rule(codes.REDUNDANT_SEGMENT_IN_FOR)
def redundant_segment_in_for(ctx: Context) -> Iterator[Diagnostic]:
    """A name of a `for A and B` part (extension) that another name of it implies, on that
    name (a repeated name is SLA223's)."""
    segs = ctx.segments
    for part in for_parts(ctx):
        names = m.segment_names(part)
        if len(names) < 2 or any(n.value not in segs for n in names):
            continue
        for name in names:
            pred = segs[name.value].predicate
            wider = next((o for o in names if o.value != name.value
                          and pred_implies(segs[o.value].predicate, pred, segs)), None)
            if wider is None or never_holds(segs[wider.value].predicate, segs):
                continue
            if pred_implies(pred, segs[wider.value].predicate, segs) and \
                    [n.value for n in names].index(name.value) < [n.value for n in names].index(wider.value):
                continue                        # (two names of one meaning: the later one is the redundant one)
            yield ctx.diag(codes.REDUNDANT_SEGMENT_IN_FOR,
                           f"`{name.value}` adds nothing to `for {part.value}`: every lead in `{wider.value}` is "
                           f"also in `{name.value}`", name,
                           hint=f"write `for {' and '.join(dict.fromkeys(n.value for n in names if n.value != name.value))}`, "
                                f"or name the segment you meant")


# ---------------------------------------------------------------- start and stop

def _covers(wider: m.Trigger, narrower: m.Trigger, segs) -> bool:
    """Whether every event that fires ``narrower`` also fires ``wider``."""
    if wider.kind != narrower.kind:
        return False
    if wider.kind in ("enter", "leave"):
        return {s.value for s in narrower.states} <= {s.value for s in wider.states}
    return wider.type.value == narrower.type.value and pred_implies(narrower.where, wider.where, segs)


def _same_trigger(start: m.Trigger, stop: m.Trigger, segs) -> str | None:
    """What fires both ``start`` and ``stop`` (for the message), or None."""
    if start.kind != stop.kind:
        return None
    if start.kind in ("enter", "leave"):
        common = [s.value for s in start.states if s.value in {t.value for t in stop.states}]
        return f"{start.kind} {', '.join(common)}" if common else None
    return describe_trigger(start) if _covers(stop, start, segs) else None


@rule(name_codes.RECUR_WITH_START_ONCE)
def recur_with_start_once(ctx: Context) -> Iterator[Diagnostic]:
    """`recur` (extension) in a rule that starts once per lead."""
    for r in ctx.agreement.rules:
        once = [c for c in r.of("start_on") + r.of("start_when") if c.once]
        for c in r.of("recur")[:1]:
            if once:
                yield ctx.diag(name_codes.RECUR_WITH_START_ONCE,
                               f"`recur` in `{r.name.value}`, which starts once per lead (`start once`, "
                               f"{line_of(once[0])}): the lead would have one cycle, then one after every stop", c,
                               hint="drop `once` for a clock that recurs after each stop, or drop `recur` for one "
                                    "cycle per lead")


@rule(codes.START_IS_STOP)
def start_is_stop(ctx: Context) -> Iterator[Diagnostic]:
    for r in ctx.agreement.rules:
        if r.of("recur"):                       # `recur` (extension): the next cycle is meant
            continue
        for stop in r.triggers("stop_on"):
            for start in r.triggers("start_on"):
                what = _same_trigger(start, stop, ctx.segments)
                if what is not None:
                    yield ctx.diag(codes.START_IS_STOP, f"`{what}` both starts and stops `{r.name.value}`", stop,
                                   hint="each occurrence closes one cycle (judged) and opens the next: one "
                                        "verdict per interval between them, as a periodic update wants (then "
                                        "keep it and add `# slacode: ignore[SLA322]`); for a fresh clock on a "
                                        "repeat, whose old cycle is cancelled, not judged, use `restart on`")
                    break


@rule(codes.TRIGGER_NEVER_TAKES_EFFECT)
def trigger_never_takes_effect(ctx: Context) -> Iterator[Diagnostic]:
    """A `breach`, `cancel` or `restart` trigger that a trigger applied before it always
    catches (stop, then breach, cancel, restart: `breach on` is an extension); a `breach
    when` or `cancel when` whose predicate implies that of a `… when` judged before it."""
    for r in ctx.agreement.rules:
        earlier = [("stop", t) for t in r.triggers("stop_on")]
        for kind, clause in (("breach", "breach_on"), ("cancel", "cancel_on"), ("restart", "restart_on")):
            for t in r.triggers(clause):
                cover = next(((k, e) for k, e in earlier if _covers(e, t, ctx.segments)), None)
                if cover is not None:
                    what, by = cover
                    yield ctx.diag(codes.TRIGGER_NEVER_TAKES_EFFECT,
                                   f"{code(f'{kind} on {describe_trigger(t)}')} never takes effect in "
                                   f"`{r.name.value}`: every such event also matches "
                                   f"{code(f'{what} on {describe_trigger(by)}')}, "
                                   f"which is applied first", t,
                                   hint=f"narrow the {what} trigger with `where`, or remove this one")
            earlier += [(kind, t) for t in r.triggers(clause)]
        # `breach when Q` / `cancel when Q` (extensions) after a `… when P` judged first that
        # holds whenever Q does: Q never closes a cycle itself
        whens = [(kind, c) for kind in ("stop", "breach", "cancel") for c in r.of(f"{kind}_when")]
        for k, (kind, c) in enumerate(whens):
            cover = next(((w, e) for w, e in whens[:k] if pred_implies(c.predicate, e.predicate, ctx.segments)),
                         None)
            if cover is not None:
                what, by = cover
                yield ctx.diag(codes.TRIGGER_NEVER_TAKES_EFFECT,
                               f"`{kind} when` never takes effect in `{r.name.value}`: whenever it holds, `{what} "
                               f"when` holds too, and it is judged first", c,
                               hint=f"narrow `{what} when`, or remove this line")


@rule(codes.CONSTANT_PAUSE)
def constant_pause(ctx: Context) -> Iterator[Diagnostic]:
    """`pause while true` (no clock ever runs) and `pause while false` (nothing pauses)."""
    for r in ctx.agreement.rules:
        if r.rule_kind == "attempts" and not r.of("at_least_within"):
            continue                                    # SLA334 says the pause has no effect at all
        for c in r.of("pause_while"):
            if always_holds(c.predicate, ctx.segments):
                yield ctx.diag(codes.CONSTANT_PAUSE,
                               f"`pause while` of `{r.name.value}` always holds: its clock never runs, so its "
                               "deadline never passes (no cycle is breached for lateness or at risk)", c,
                               hint="pause on a lead field that says the lead is on hold, such as "
                                    "`pause while on_hold == true`")
            elif never_holds(c.predicate, ctx.segments):
                yield ctx.diag(codes.CONSTANT_PAUSE,
                               f"`pause while` of `{r.name.value}` never holds: it pauses nothing", c,
                               hint="fix the predicate, or remove the line")


#: SLA352's hint for a `… when` that holds whenever `start when` fires, worded for each closing
_STARTED_HINTS = {
    "stop": "stop on what the work changes, not on what started the clock",
    "breach": "breach on what shows the promise was broken (`sal_status == \"Rejected\"`), not on what started "
              "the clock",
    "cancel": "cancel on what ends the need for the work, not on what started the clock",
}


@rule(codes.CONSTANT_WHEN)
def constant_when(ctx: Context) -> Iterator[Diagnostic]:
    """SLA352: a `stop when` / `breach when` / `cancel when` (extensions) that always holds,
    never holds, or holds whenever the rule's `start when` fires: every cycle closes as it
    opens, or none closes by it."""
    dones = {"stop": "stopped (`met`", "breach": "breached (`breached`", "cancel": "cancelled (`cancelled`"}
    for r in ctx.agreement.rules:
        start = r.of("start_when")
        for c in r.of("stop_when") + r.of("breach_when") + r.of("cancel_when"):
            word = c.kind[:-5]
            done = dones[word]
            if always_holds(c.predicate, ctx.segments):
                yield ctx.diag(codes.CONSTANT_WHEN,
                               f"`{word} when` of `{r.name.value}` always holds: every cycle is {done}, no time "
                               "counted) the moment it opens", c,
                               hint="test a field the work sets (`called == true`), or remove the line")
            elif never_holds(c.predicate, ctx.segments):
                yield ctx.diag(codes.CONSTANT_WHEN,
                               f"`{word} when` of `{r.name.value}` never holds: it closes nothing", c,
                               hint="fix the predicate, or remove the line")
            elif start and pred_implies(start[0].predicate, c.predicate, ctx.segments):
                yield ctx.diag(codes.CONSTANT_WHEN,
                               f"`{word} when` of `{r.name.value}` holds whenever its `start when` fires: every "
                               f"cycle is {done}, no time counted) the moment it opens", c,
                               hint=_STARTED_HINTS[word])


@rule(codes.CONSTANT_REQUIRE_CONDITION)
def constant_require_condition(ctx: Context) -> Iterator[Diagnostic]:
    """`require … where` (extension): conditions that can never all hold (each line, then
    the lines together, then with the fields the rule's `require` lines list, which are
    present and not empty at the handoff), and a condition (a part of a `where` joined by
    `and`) that always holds, on its own or once the listed fields are there."""
    from slacode.logic import conjunction, filled, implies, normal_pred
    from slacode.requirement import conjuncts

    for r in ctx.agreement.rules:
        if r.rule_kind != "handoff":
            continue                                    # SLA306 says `require` is misplaced
        listed = list(dict.fromkeys(f.name for c in r.of("require") for f in c.fields))
        fields = [filled(f) for f in listed]
        so_far = []
        for c in r.of("require"):
            if c.predicate is None:
                continue
            if never_holds(c.predicate, ctx.segments):
                yield ctx.diag(codes.CONSTANT_REQUIRE_CONDITION,
                               f"the condition of this `require` line of `{r.name.value}` never holds: every "
                               "handoff is breached", c.predicate,
                               hint="fix the predicate, or remove the `where`")
                continue
            normal = normal_pred(c.predicate, ctx.segments)
            against = [f for f in listed if conjunction([filled(f), normal]) == ("bool", False)]
            if against:
                names = ", ".join(f"`{f}`" for f in against)
                yield ctx.diag(codes.CONSTANT_REQUIRE_CONDITION,
                               f"the condition of this `require` line of `{r.name.value}` never holds with the "
                               f"fields `require` lists: {names} must be present and not empty at the handoff, "
                               "so every handoff is breached", c.predicate,
                               hint="a listed field is present and not empty (`\"\"` counts as missing): fix "
                                    "the condition, or take the field off the list")
                continue
            if so_far and never_holds(m.And.model_construct(items=(*so_far, c.predicate)), ctx.segments):
                yield ctx.diag(codes.CONSTANT_REQUIRE_CONDITION,
                               f"the conditions of the `require` lines of `{r.name.value}` never hold together "
                               f"(this line's and those of {', '.join(line_of(p) for p in so_far)}): every handoff is "
                               "breached", c.predicate,
                               hint="`require` lines add up: every condition must hold at once")
            so_far.append(c.predicate)
            for part in conjuncts(c.predicate):
                if always_holds(part, ctx.segments):
                    yield ctx.diag(codes.CONSTANT_REQUIRE_CONDITION,
                                   f"this condition of `{r.name.value}`'s `require` always holds: it checks nothing",
                                   part, hint="fix the predicate, or remove it")
                elif fields and implies(conjunction(fields), normal_pred(part, ctx.segments)):
                    yield ctx.diag(codes.CONSTANT_REQUIRE_CONDITION,
                                   f"this condition of `{r.name.value}`'s `require` always holds once the fields "
                                   "`require` lists are present: it checks nothing more", part,
                                   hint="remove it (a listed field is already required to be present and not empty)")


@rule(codes.REQUIRE_NOT_A_FIELD)
def require_lists_a_lead_field(ctx: Context) -> Iterator[Diagnostic]:
    """SLA351: `require state` or `require SEGMENT`: in the list, the name is a lead field's
    (one no event sets), not the lifecycle state or the segment's predicate; a backquoted
    name says a field of that name is meant."""
    for r in ctx.agreement.rules:
        for c in r.of("require"):
            for f in c.fields:
                if f.quoted or (f.name != "state" and f.name not in ctx.segments):
                    continue
                what = ("the lifecycle state" if f.name == "state" else f"the segment `{f.name}`")
                check = ("`where state == …`" if f.name == "state" else f"`where {f.name}`")
                yield ctx.diag(codes.REQUIRE_NOT_A_FIELD,
                               f"`require {f.name}` in `{r.name.value}` requires a lead field called `{f.name}`, "
                               f"not {what}: unless the events set a field of that name, every handoff is breached", f,
                               hint=f"list the fields that must be present and check {what} in the condition: "
                                    f"`require FIELD {check[1:-1]}`; for a lead field called `{f.name}`, write it "
                                    f"in backquotes: `` require `{f.name}` ``")


@rule(codes.TYPE_NAMED_LIKE_STATE)
def types_named_like_states(ctx: Context) -> Iterator[Diagnostic]:
    """`start on mql` with `mql` a declared state: `enter` is most likely missing."""
    if not ctx.has_states:
        return
    for trigger in ctx.triggers():
        if trigger.kind == "event" and trigger.type is not None and trigger.type.value in ctx.states \
                and trigger.type.value != "state":
            name = trigger.type.value
            yield ctx.diag(codes.TYPE_NAMED_LIKE_STATE,
                           f"`{name}` is a state, but here it names an event type: this fires on events of "
                           f"type `{name}`, not when a lead enters `{name}`", trigger.type,
                           hint=f"write `enter {name}` (or `leave {name}`) for the state")


def _lead_fields(ctx: Context) -> dict[str, str]:
    """Names the agreement uses as lead fields, each with where it first does (those its
    `test` blocks set included)."""
    found = {name: where for name, (where, _) in lead_field_reads(ctx.agreement).items()}
    for test in ctx.agreement.of("test"):
        for item in test.items:
            if item.kind == "event":
                for a in item.sets:
                    found.setdefault(a.key.name, f"test \"{test.name.value}\"")
    return found


@rule(codes.WHERE_READS_LEAD_FIELD)
def where_reads_lead_field(ctx: Context) -> Iterator[Diagnostic]:
    """`start on assigned where score >= 80` with `score` a lead field elsewhere; a quota's
    `sum PROP of …` with PROP a lead field elsewhere."""
    fields = _lead_fields(ctx)
    if not fields:
        return
    props = {a.key.name for test in ctx.agreement.of("test") for item in test.items
             if item.kind == "event" for a in item.props}
    seen: set = set()
    wheres = [(t.where, f"the `{t.type.value}` event's own property", "`where`")
              for t in ctx.triggers() if t.where is not None]
    wheres += [(c.predicate, "a property of the first attempt", "`first where`")
               for r in ctx.agreement.rules for c in r.of("first")]
    for where, meaning, written in wheres:
        for node in walk_pred(where):
            ref = getattr(node, "field", None)
            if ref is None or ref.is_state or ref.name not in fields or ref.name in props:
                continue
            key = (ref.name, ref.span.line if ref.span else None)
            if key in seen:
                continue
            seen.add(key)
            yield ctx.diag(codes.WHERE_READS_LEAD_FIELD,
                           f"`{ref.name}` is a lead field in this agreement ({fields[ref.name]}); in "
                           f"{written} it is {meaning}, not the lead's field",
                           ref, hint="if the lead's field is meant, judge it with a segment in a `for` line "
                                     "(`within 15m for hot`) or with `start when`")
    for q in ctx.agreement.quotas:                      # `sum PROP of …` adds the event's property
        for line in q.items:
            ref = line.prop if line.kind == "sum" else None
            if ref is None or ref.name not in fields or ref.name in props:
                continue
            yield ctx.diag(codes.WHERE_READS_LEAD_FIELD,
                           f"`{ref.name}` is a lead field in this agreement ({fields[ref.name]}); quota "
                           f"`{q.name.value}` adds up the matching events' own property `{ref.name}`, not the "
                           "lead's field", ref,
                           hint=f"send the amount as a property of each event the quota adds up, beside `type` "
                                f"(\"{ref.name}\": 1500), not only in `fields`")


# a number as the language writes one: no sign but `-`, no leading zero (`"007"`, `"01000"`
# are codes, where ordering text is what is meant)
_NUMBER_TEXT = re.compile(r"-?(0|[1-9][0-9]*(_[0-9]{3})*)(\.[0-9]+)?")


@rule(codes.NUMBER_AS_TEXT_ORDER)
def numbers_quoted_in_order_comparisons(ctx: Context) -> Iterator[Diagnostic]:
    """`score >= "80"`: text ordered letter by letter, not the number meant."""
    for pred in ctx.predicates():
        for node in walk_pred(pred):
            if node.kind != "compare" or node.op not in ("<", "<=", ">", ">=") or node.field.is_state:
                continue
            value = node.value
            if value.kind == "string" and isinstance(value.value, str) and _NUMBER_TEXT.fullmatch(value.value):
                yield ctx.diag(codes.NUMBER_AS_TEXT_ORDER,
                               f"`{node.field.text()} {node.op} \"{value.value}\"` orders text letter by letter "
                               f"(\"9\" comes after \"80\"), not numbers", value,
                               hint=f"write the number without quotes: `{node.field.text()} {node.op} {value.value}`")


@rule(codes.STATE_COMPARED_WRONGLY)
def state_compared_by_name(ctx: Context) -> Iterator[Diagnostic]:
    """`state > mql` (names ordered as text) and `state == 3` (never a state)."""
    for pred in ctx.predicates():
        for node in walk_pred(pred):
            if node.kind != "compare" or not node.field.is_state:
                continue
            value = node.value
            written = "null" if value.kind == "null" else (str(value.value).lower() if value.kind == "bool"
                                                         else value.value)
            if node.op in ("<", "<=", ">", ">="):
                yield ctx.diag(codes.STATE_COMPARED_WRONGLY,
                               f"`state {node.op} {written}` orders state names letter by letter: states "
                               "have no order", node,
                               hint="list the states meant: `state in [sal, won]`")
            elif value.kind in ("number", "bool", "null"):
                what = {"number": "a number", "bool": "a boolean", "null": "null"}[value.kind]
                never = "is never true" if node.op == "==" else "is true whatever the state (once it has one)"
                yield ctx.diag(codes.STATE_COMPARED_WRONGLY,
                               f"`state {node.op} {written}` {never}: a state is a name, not {what}", value,
                               hint="compare `state` with a state name (`state == on_hold`); "
                                    "`state missing` is true before the first state event")


_REP_WORDS = frozenset({"assignee", "assigned_to"})


@rule(codes.ASSIGNEE_AS_FIELD)
def assignee_as_field(ctx: Context) -> Iterator[Diagnostic]:
    """`assignee == "ana"` in a predicate over lead fields: a field, not the rep."""
    roots = [d.predicate for d in ctx.agreement.of("segment")]
    roots += [p for r in ctx.agreement.rules for p in lead_predicates(r)]
    for pred in roots:
        for node in walk_pred(pred):
            ref = getattr(node, "field", None)
            if isinstance(ref, m.FieldRef) and not ref.quoted and not ref.is_state and ref.name in _REP_WORDS:
                yield ctx.diag(codes.ASSIGNEE_AS_FIELD,
                               f"`{ref.name}` here is the lead field of that name (set by events' `fields`), "
                               "not the rep of the latest `assigned` event", ref,
                               hint="to test the rep, use the assigned event's property in a trigger: "
                                    "`start on assigned where owner == \"ana\"`; if your events do set this "
                                    f"field, write it in backquotes: `{ref.name}`".replace(f": `{ref.name}`",
                                                                                          f": `` `{ref.name}` ``"))


#: The text of a virtual trigger (`breach of R [clause K]`, `warning of R …`, `2nd attempt of R`).
_VIRTUAL_TEXT = re.compile(r"\s*(?:(?:breach|warning)\s+of\s+\w+(?:\s+clause\s+\w+)?"
                           r"|\d+(?:st|nd|rd|th)\s+attempt\s+of\s+\w+)\s*")


@rule(codes.MISSPELT_EVENT_TYPE)
def misspelt_event_types(ctx: Context) -> Iterator[Diagnostic]:
    """A trigger's or test event's type that is nearly one the language reads (`state`,
    `assigned`, and `contact_attempt` when an `attempts` rule counts it by default) or one
    named elsewhere (`asigned`, `contact_atempt`): once per place, the type named less
    often reported. A type named once that is one edit from `contact_attempt`, the default
    attempt type, is reported as well when no line names `contact_attempt` (review 24 UX-8)."""
    from slacode.compile import DEFAULT_COUNT_TYPE
    from slacode.fmt import name_text
    from slacode.texts import typo_of

    known = {"state": "a type the language reads (a lead's state changes)",
             "assigned": "a type the language reads (the lead's assignee)"}
    if any(r.rule_kind == "attempts" and not r.of("count") for r in ctx.agreement.rules):
        known[DEFAULT_COUNT_TYPE] = "the type `attempts` rules count by default"
    places: list[tuple[m.Name, int]] = []        # each type written, with the rule or quota it is in
    for decl in ctx.rule_likes:
        for clause in (decl.clauses if decl.kind == "rule" else decl.items):
            if clause.kind in TRIGGER_KINDS:
                places += [(t.type, id(decl)) for t in clause.triggers
                           if t.kind == "event" and t.type is not None and t.nth is None and t.breach is None
                           and t.warning is None and t.success is None]
    in_triggers = len(places)
    places += [(item.type, id(test)) for test in ctx.agreement.of("test") for item in test.items
               if item.kind == "event" and item.type is not None]
    for r in ctx.agreement.rules:               # `start on once`: the word of `start once on` misplaced
        for clause in r.of("start_on"):
            for t in clause.triggers:
                if t.kind == "event" and t.type is not None and t.type.value == "once" and t.nth is None:
                    yield ctx.diag(codes.MISSPELT_EVENT_TYPE,
                                   f"`start on once` starts `{r.name.value}` on events of type `once`; a rule that "
                                   "starts once per lead says `start once on …`", t.type,
                                   hint="write `start once on TRIGGER`; if `once` really is an event type, "
                                        "silence this line with `# slacode: ignore[SLA339]`")
    uses: dict[str, int] = {}
    within: dict[str, set] = {}
    for name, decl in places:
        uses[name.value] = uses.get(name.value, 0) + 1
        within.setdefault(name.value, set()).add(decl)
    for name, decl in places:
        word = name.value
        if word in known:
            continue
        # two close types in one rule (`stop on reply or replay`, `start on meeting_set` …
        # `stop on meeting_met`) are meant as two events
        meant = typo_of(word, [t for t in (*known, *uses) if t in known or uses[t] >= uses[word]
                               and decl not in within[t]])
        where = None
        if meant is None and uses[word] == 1 and DEFAULT_COUNT_TYPE not in uses and \
                typo_of(word, [DEFAULT_COUNT_TYPE]) is not None:
            # `stop on contact_atempt`, named nowhere else: the language's own attempt type
            meant, where = DEFAULT_COUNT_TYPE, ("the default attempt type (what an `attempts` rule "
                                                "counts without a `count` line)")
        if meant is None:
            continue
        where = where or known.get(meant) or \
            f"the type named {uses[meant]} time{'s' if uses[meant] > 1 else ''} elsewhere"
        yield ctx.diag(codes.MISSPELT_EVENT_TYPE,
                       f"event type `{word}` is nearly `{meant}`, {where}; types are matched exactly, so "
                       f"events of type `{meant}` do not match here", name,
                       hint=f"write {code(name_text(meant))}; if `{word}` is another kind of event, "
                            "silence this line with `# slacode: ignore[SLA339]`")
    for name, _ in places[:in_triggers]:        # `` stop on `breach of first_touch` `` (extension)
        shape = _VIRTUAL_TEXT.fullmatch(name.value) if name.quoted else None
        if shape is not None:
            yield ctx.diag(codes.MISSPELT_EVENT_TYPE,
                           f"event type `{name.value}` in backquotes is an input event of that type, not the "
                           f"trigger `{name.value}`: only the rules' verdicts and attempts make that one, and no "
                           "input event stands for it", name,
                           hint=f"write `{' '.join(name.value.split())}` without backquotes; if your events really "
                                "have this type, silence this line with `# slacode: ignore[SLA339]`")


@rule(name_codes.UNDEFINED_RULE, codes.INVALID_COUNT, codes.SETTING_WITHOUT_EFFECT)
def nth_attempt_triggers(ctx: Context) -> Iterator[Diagnostic]:
    """`Nth attempt of RULE`: RULE must be an `attempts` rule, N at least 1, and the trigger
    in a `start on`, `stop on`, `cancel on` or `restart on` line (nothing counts it)."""
    attempts = {r.name.value for r in ctx.agreement.rules if r.rule_kind == "attempts"}
    kinds = ("start_on", "stop_on", "cancel_on", "restart_on", "breach_on")
    placed = [(t, c.kind in kinds and (t.nth is None or t.nth[1].value != r.name.value))
              for r in ctx.agreement.rules for c in r.clauses if c.kind in TRIGGER_LISTS for t in c.triggers]
    placed += [(t, False) for q in ctx.agreement.quotas if q.measure is not None for t in q.measure.triggers]
    for t, usable in placed:
        if t.nth is None:
            continue
        n, name = t.nth
        if name.value not in attempts:
            others = sorted(attempts)
            yield ctx.diag(name_codes.UNDEFINED_RULE,
                           f"`{t.type.value}` names no `attempts` rule: `{name.value}` is "
                           + ("not declared" if ctx.agreement.rule(name.value) is None else "not an `attempts` rule"),
                           name, hint=f"attempts rules: {', '.join(others)}" if others else
                           "count attempts in an `attempts` rule, then name it here")
        elif n < 1:
            yield ctx.diag(codes.INVALID_COUNT, f"`{t.type.value}`: attempts are counted from the 1st", t,
                           hint="write `1st attempt of …` or a later one")
        elif not usable:
            yield ctx.diag(codes.SETTING_WITHOUT_EFFECT,
                           f"`{t.type.value}` matches nothing here: it can start, stop, cancel or restart another "
                           "rule, but is not counted, nor does it act on its own rule", t,
                           hint="use it in `start on`, `stop on`, `cancel on` or `restart on` of another rule")


TRIGGER_LISTS = frozenset({"start_on", "stop_on", "cancel_on", "restart_on", "breach_on", "count",
                           "at_least_before"})


def _breach_triggers(ctx: Context, warnings: bool = False) -> list[tuple]:
    """``(trigger, the rule or quota it is in)`` of every `breach of RULE` trigger (with
    ``warnings``, also of every `warning of RULE` and `success of RULE` trigger)."""
    def wanted(t) -> bool:
        return t.breach is not None or (warnings and (t.warning is not None or t.success is not None))

    found = [(t, r) for r in ctx.agreement.rules for c in r.clauses if c.kind in TRIGGER_LISTS
             for t in c.triggers if wanted(t)]
    found += [(t, q) for q in ctx.agreement.quotas if q.measure is not None for t in q.measure.triggers
              if wanted(t)]
    return found


def _named_clauses(ctx: Context, what: str):
    """``(trigger, (RULE, KEY), the rule named, its clause keys, the key)`` of every
    ``what`` (`"warning"`, `"success"`) `… of RULE [clause KEY]` trigger whose rule and
    clause exist (the others are SLA210's and SLA211's); KEY defaults to the rule's own."""
    from slacode.checks.context import clause_keys, default_clause

    rules = {r.name.value: r for r in ctx.agreement.rules}
    for t, _ in _breach_triggers(ctx, warnings=True):
        named = getattr(t, what)
        decl = rules.get(named[0].value) if named is not None else None
        if decl is None:
            continue
        keys = clause_keys(decl)
        key = named[1].value if named[1] is not None else default_clause(decl)
        if key in keys:
            yield t, named, decl, keys, key


def _named(t: m.Trigger) -> tuple[str, tuple]:
    """``("breach", (RULE, KEY))``, ``("warning", (RULE, KEY))`` or ``("success", (RULE,
    KEY))`` of a `breach of`, `warning of` or `success of` trigger."""
    if t.breach is not None:
        return ("breach", t.breach)
    return ("warning", t.warning) if t.warning is not None else ("success", t.success)


@rule(name_codes.UNDEFINED_RULE, name_codes.UNDEFINED_CLAUSE)
def breach_references(ctx: Context) -> Iterator[Diagnostic]:
    """`breach of RULE [clause KEY]` and `warning of RULE [clause KEY]` (extensions): RULE
    is a `handoff`, `deadline` or `attempts` rule, and KEY (else its default clause) one of
    its clauses."""
    from slacode.checks.context import clause_keys, default_clause, did_you_mean

    rules = {r.name.value: r for r in ctx.agreement.rules}
    for t, _ in _breach_triggers(ctx, warnings=True):
        word, (name, clause) = _named(t)
        decl = rules.get(name.value)
        if decl is None:
            other = ctx.rules.get(name.value)
            what = (f"`{name.value}` is a {kind_word(other)}" if other is not None
                    else f"the built-in `flow` rule has no cycles to {_VERB[word]}"
                    if name.value == "flow"
                    else f"rule `{name.value}` is not declared")
            yield ctx.diag(name_codes.UNDEFINED_RULE, f"`{t.type.value}`: {what}", name,
                           hint=did_you_mean(name.value, rules) or
                           f"`{word} of` names a `handoff`, `deadline` or `attempts` rule")
            continue
        keys = clause_keys(decl)
        key = clause.value if clause is not None else default_clause(decl)
        if key in keys:
            continue
        shown = ", ".join(f"`{k}`" for k in keys) or "none"
        about = f"to {_VERB[word]}" + (" about" if word == "warning" else "")
        if clause is None:
            yield ctx.diag(name_codes.UNDEFINED_CLAUSE, f"rule `{name.value}` has no `{key}` clause {about}", name,
                           hint=f"name one with `{word} of {name.value} clause KEY` (its clauses: {shown})"
                           if word == "breach" else
                           f"give `{name.value}` {'an `at least … within`' if key == 'at_least_within' else 'a `within`'} "
                           + ("line: a warning is a share of its target, or a time before its deadline"
                              if word == "warning" else "line: a success is a cycle met by its deadline"))
        else:
            yield ctx.diag(name_codes.UNDEFINED_CLAUSE, f"rule `{name.value}` has no clause `{key}`", clause,
                           hint=did_you_mean(key, keys) or f"its clauses are {shown}")


#: What a `breach of`, `warning of`, `success of` trigger's rule's cycles do, for messages.
_VERB = {"breach": "breach", "warning": "warn", "success": "succeed"}


@rule(codes.SUCCESS_OF_CLAUSE_WITHOUT_SUCCESS)
def success_references(ctx: Context) -> Iterator[Diagnostic]:
    """`success of RULE [clause KEY]` (extension): KEY names a clause met at an instant (the
    target lines: `within`, `at least … within`), SLA396. (An unknown rule or clause:
    SLA210, SLA211.)"""
    from slacode.checks.context import default_clause
    from slacode.compile import SUCCESS_KINDS

    for t, (name, clause), decl, keys, key in _named_clauses(ctx, "success"):
        if key in SUCCESS_KINDS:
            continue
        main = default_clause(decl)
        yield ctx.diag(codes.SUCCESS_OF_CLAUSE_WITHOUT_SUCCESS,
                       f"`{t.type.value}`: clause `{key}` of `{name.value}` has no moment of success; only its "
                       f"`{main}` clause is met at an instant (the stop, or the attempt, by its deadline)",
                       clause or name,
                       hint=(f"write `success of {name.value}` for the instant a cycle is met by its deadline, or "
                             if main in keys else "use ")
                       + f"`breach of {name.value} clause {key}` for the moment `{key}` is broken")


@rule(codes.WARNING_OF_CLAUSE_WITHOUT_WARNING, codes.WARNING_NEVER_FIRES)
def warning_references(ctx: Context) -> Iterator[Diagnostic]:
    """`warning of RULE [clause KEY]` (extension): KEY names a clause with warnings (the
    target lines: `within`, `at least … within`), SLA346; and RULE has a `warn` line, else
    the trigger never fires, SLA347. (An unknown rule or clause: SLA210, SLA211 above.)"""
    from slacode.checks.context import default_clause
    from slacode.compile import WARNING_KINDS

    for t, (name, clause), decl, keys, key in _named_clauses(ctx, "warning"):
        if key not in WARNING_KINDS:
            main = default_clause(decl)
            yield ctx.diag(codes.WARNING_OF_CLAUSE_WITHOUT_WARNING,
                           f"`{t.type.value}`: clause `{key}` of `{name.value}` has no warning; only its "
                           f"`{main}` clause warns (`warn` is about its target lines)", clause or name,
                           hint=_no_warning_hint(name.value, key, main in keys, bool(decl.of("warn"))))
            continue
        if not decl.of("warn"):
            yield ctx.diag(codes.WARNING_NEVER_FIRES,
                           f"`{t.type.value}` never happens: `{name.value}` has no `warn` line, so its cycles "
                           "never reach a warning", t,
                           hint=f"give `{name.value}` a warning level (`warn at 80%` or `warn 30m before`), or "
                                f"escalate on `breach of {name.value}`")


def _no_warning_hint(name: str, key: str, has_main: bool, warns: bool) -> str:
    """SLA346's hint: `breach of` for the moment the clause is broken, and the warning the
    rule does have (`warning of RULE`), or would have with a `warn` line (without one,
    `warning of RULE` never fires, SLA347)."""
    breach = f"`breach of {name} clause {key}` for the moment `{key}` is broken"
    if not has_main:
        return f"use {breach}"
    if warns:
        return f"write `warning of {name}` for the warning before its deadline, or {breach}"
    return (f"use {breach}; `{name}` has no `warn` line, so it has no warning either: give it one (`warn at "
            f"80%` or `warn 30m before`) to escalate on `warning of {name}` before its deadline")


@rule(codes.BREACH_LOOP)
def breach_loops(ctx: Context) -> Iterator[Diagnostic]:
    """A rule that waits, through `breach of` or `warning of` triggers, for its own breach
    or warning (extensions). A rule waits for RULE when it names `breach of RULE` or
    `warning of RULE` in any trigger list (a `count` or an `at least N before` too), and
    when its start, stop, cancel or restart names `Nth attempt of RULE` (RULE's attempts
    may be breaches); a loop is reported at its `breach of` and `warning of` triggers (a
    loop of `Nth attempt of` alone waits for no breach).

    An `at least N before` of a rule may name the rule's own warning, or the breach of one
    of its own clauses that is no `at least N before` (:func:`_own_before`): that trigger
    only decides the `at least N before` verdicts, which neither the warning nor those
    clauses' breaches depend on, so the folds settle (no wait, no loop)."""
    waits: dict[str, dict[str, dict[tuple, str]]] = {}     # rule -> rule it waits for -> what of it
    befores = {id(t) for r in ctx.agreement.rules for c in r.clauses if c.kind == "at_least_before"
               for t in c.triggers}

    def wait(me: str, named: str, order: tuple, what: str) -> None:
        waits.setdefault(me, {}).setdefault(named, {})[order] = what

    for t, decl in _breach_triggers(ctx, warnings=True):
        if decl.kind == "rule" and not (id(t) in befores and _own_before(t, decl)):
            word, (named, _) = _named(t)
            wait(decl.name.value, named.value, {"breach": (0, 0), "warning": (1, 0), "success": (1, 1)}[word], word)
    for r in ctx.agreement.rules:
        for kind in ("start_on", "stop_on", "cancel_on", "restart_on", "breach_on"):
            for t in r.triggers(kind):
                if t.nth is not None:           # `2nd attempt of RULE`: its attempt
                    wait(r.name.value, t.nth[1].value, (2, t.nth[0]), t.type.value.rsplit(" of ", 1)[0])

    def whats(a: str, b: str) -> list[str]:
        """What of ``b`` rule ``a`` waits for: ``["breach", "warning", "2nd attempt"]``."""
        return [w for _, w in sorted(waits[a][b].items())]

    def reaches(start: str, goal: str) -> list[str] | None:
        """The rules from ``start`` to ``goal`` along the waits, or None."""
        stack, seen = [(start, [start])], set()
        while stack:
            at, path = stack.pop()
            if at == goal:
                return path
            if at in seen:
                continue
            seen.add(at)
            stack.extend((n, path + [n]) for n in sorted(waits.get(at, ())))
        return None

    for t, decl in _breach_triggers(ctx, warnings=True):
        if decl.kind != "rule" or (id(t) in befores and _own_before(t, decl)):
            continue
        word, (named, _) = _named(t)
        me = decl.name.value
        path = reaches(named.value, me)
        if path is None:
            continue
        if len(path) == 1:
            own = [word]
            message = f"`{me}` waits for its own {word}: `{t.type.value}` in `{me}` itself"
        else:
            chain = f"`{me}` on the {word} of `{path[0]}`"
            for a, b in zip(path, path[1:]):
                chain += f" on the {' or the '.join(whats(a, b))} of `{b}`"
            own = whats(path[-2], path[-1])
            message = f"`{me}` waits for its own {' or '.join(own)}: {chain}"
        yield ctx.diag(codes.BREACH_LOOP, message, t, hint=_loop_hint(me, own))


def _own_before(t: m.Trigger, decl: m.Rule) -> bool:
    """Whether a trigger of an `at least N before` of rule ``decl`` names what of ``decl``
    itself does not depend on that trigger: its warning (its `at least … within`'s, never
    an `at least N before`'s), or the breach of a clause that is no `at least N before`
    (the trigger's instant is recorded for those clauses alone; the warning, deadlines,
    attempts, pauses and closes do not read it). The breach of an `at least N before` of
    its own stays a loop: that clause's breach is the instant of its trigger (or of another
    such clause's, which may name it back)."""
    from slacode.checks.context import default_clause

    word, (named, clause) = _named(t)
    if named.value != decl.name.value:
        return False
    if word != "breach":                # its warning, or its success (of a target line, SLA396)
        return True
    key = clause.value if clause is not None else default_clause(decl)
    return key.rstrip("0123456789").rstrip("_") != "at_least_before"


def _loop_hint(me: str, own: list[str]) -> str:
    """SLA345's hint: why, and what to write instead for what ``me`` waits for of its own
    (``own``: ``breach``, ``warning``, ``2nd attempt`` …)."""
    instead = []
    if "breach" in own:
        instead.append(f"to act on a breach of `{me}` (or give the lead a fresh clock), start another rule on it "
                       f"(`start on breach of {me}`) that `{me}` does not wait for")
    if "warning" in own:
        instead.append(f"to act on the warning of `{me}`, start another rule on it (`start on warning of {me}`, "
                       f"with its own owner and clock) that `{me}` does not wait for, and leave `{me}`'s cycle as "
                       "it is (a later `warn` level, or a looser target, gives the rep more time)")
    if "success" in own:
        instead.append(f"to act on a cycle of `{me}` met, start another rule on it (`start on success of {me}`) "
                       f"that `{me}` does not wait for")
    if any(w not in ("breach", "warning", "success") for w in own):
        instead.append(f"to act on an attempt of `{me}`, name it (`Nth attempt of {me}`) in a rule whose breaches "
                       f"and warnings `{me}` does not wait for")
    return ("a breach, a warning or a success may start, stop, cancel or restart a rule, or count in it, only if "
            "that rule does not lead back to it (through `breach of`, `warning of`, `success of`, `Nth attempt of`, "
            "`count` or `at least N before`); " + "; ".join(instead))


@rule(codes.SETTING_WITHOUT_EFFECT)
def retarget_has_lines(ctx: Context) -> Iterator[Diagnostic]:
    """`retarget when segment changes` needs two target lines to choose between (or a line on
    a calendar choice of two picks or more)."""
    choices = ctx.agreement.calendar_choices
    for r in ctx.agreement.rules:
        kind = m.default_clause_of(r.rule_kind)
        lines = r.of(kind)
        picks = sum(len(choices[ln.calendar.value].picks) for ln in lines
                    if ln.calendar is not None and ln.calendar.value in choices)
        if len(lines) >= 2 or picks >= 2:
            continue
        if any(ln.calendar is not None and getattr(ctx.calendars.get(ln.calendar.value), "lead_zone", False)
               for ln in lines):
            continue                    # `timezone lead` (extension): the zone is read again
        word = "at least … within" if kind == "at_least_within" else "within"
        for c in r.of("retarget"):
            yield ctx.diag(codes.SETTING_WITHOUT_EFFECT,
                           f"`retarget when segment changes` has no effect in `{r.name.value}`: it has "
                           f"{'one' if lines else 'no'} `{word}` line, so there is no other line to change to", c,
                           hint=f"add {'an' if word.startswith('at') else 'a'} `{word} … for SEGMENT` line for the "
                                "leads that get another target, or "
                                "remove this one")


@rule(codes.START_ONCE_MIXED)
def start_once_agrees(ctx: Context) -> Iterator[Diagnostic]:
    """`once` on every `start on` line of a rule, or on none."""
    for r in ctx.agreement.rules:
        starts = sorted(r.of("start_on"), key=_pos)
        once = [s for s in starts if s.once]
        if not once or len(once) == len(starts):
            continue
        first = once[0]
        for s in starts:
            if not s.once:
                where = ("another start on this line" if first.span.line == s.span.line
                         else f"the start on {line_of(first)}")
                yield ctx.diag(codes.START_ONCE_MIXED,
                               f"`start on` without `once` in `{r.name.value}`, where {where} says "
                               "`start once`: a rule starts once per lead or every time", s,
                               hint="write `start once on` on every start line of the rule, or `once` on none")


#: The keys of an event that are never one of its properties (LANGUAGE.md §4).
_EVENT_KEYS = ("lead", "at", "type", "id", "fields")


@rule(codes.SUM_OF_BREACH, codes.SUM_OF_RESERVED_KEY)
def sum_of_nothing(ctx: Context) -> Iterator[Diagnostic]:
    """`sum amount of breach of RULE` (a breach has no properties, nor has a warning) and
    `sum id of deal` (a key of the event itself, never a property): sums that can add
    nothing."""
    for q in ctx.agreement.quotas:
        for line in q.items:
            if line.kind != "sum":
                continue
            ref = line.prop
            if ref.name in _EVENT_KEYS and not ref.is_state:
                yield ctx.diag(codes.SUM_OF_RESERVED_KEY,
                               f"quota `{q.name.value}` adds up `{ref.name}`, which every event uses for "
                               "itself: it is never a property to add up", ref,
                               hint="name the property that holds the amount (`sum amount of …`), or count "
                                    "the events with `count …`")
            for t in line.triggers:
                if t.breach is not None or t.warning is not None or t.success is not None:
                    word = _named(t)[0]
                    yield ctx.diag(codes.SUM_OF_BREACH,
                                   f"quota `{q.name.value}` adds up `{ref.name}` of `{t.type.value}`, but a "
                                   f"{word} has no properties: it can never add anything", t,
                                   hint=f"count the {word}s (`count {t.type.value}`), or add up `{ref.name}` "
                                        "of the events that carry it")
