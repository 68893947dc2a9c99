"""Syntax tree → model: one transformer method per grammar rule, one model class each.

Values are kept as written (see :mod:`slacode.model`); the only problems reported here are
literals that cannot be read at all, with code SLA108.
"""
from __future__ import annotations

import re

import slacode._lark  # noqa: F401,I001  (first: only the parts of Lark that parsing uses, see there)
from lark.lexer import Token
from lark.tree import Tree

from slacode import diagnostics as dg
from slacode import model as m
from slacode.codes import syntax as codes
from slacode.diagnostics import Diagnostic, Span
from slacode.texts import composed as _composed

_DURATION_PART = re.compile(r"(\d+)([mhd])")
_ESCAPE = re.compile(r'\\(["\\])')
_UNITS = {"minute": "minutes", "minutes": "minutes", "hour": "hours", "hours": "hours",
          "day": "days", "days": "days"}


def build(tree, file: str | None = None) -> tuple[m.Agreement | None, list[Diagnostic]]:
    """The :class:`~slacode.model.Agreement` of a parse tree, and literal diagnostics."""
    builder = _Builder(file)
    try:
        agreement = builder.transform(tree)
    except RecursionError:
        return None, [dg.make(codes.TOO_DEEP, "the agreement is nested too deeply to read",
                              Span(1, 1, file=file), file=file)]
    return agreement, builder.diagnostics


def _joined(first: Span | None, last: Span | None) -> Span | None:
    """From the start of ``first`` to the end of ``last``."""
    if first is None or last is None:
        return first or last
    return Span(first.line, first.column, last.end_line, last.end_column, first.file)


#: No count, share, goal or duration is this large (see :meth:`_Builder.num`).
_LARGEST = 10 ** 15


def number(text: str) -> int | float:
    text = text.replace("_", "")
    return float(text) if "." in text else int(text)


def unescape(quoted: str) -> str:
    return _ESCAPE.sub(r"\1", quoted[1:-1])


class _Builder:
    """One method per grammar rule, called as ``method(meta, children)`` with the children
    already built, bottom-up: what a Lark ``Transformer`` with ``v_args(meta=True)`` and
    ``visit_tokens=False`` does, without its per-call wrapper objects (about 1,100 for an
    ordinary agreement, since the helpers below are called through them too). A rule without
    a method stays a ``Tree`` (the grammar's ``?`` rules are inlined by Lark before this)."""

    def __init__(self, file: str | None):
        self.file = file
        self.diagnostics: list[Diagnostic] = []

    def transform(self, tree: Tree):
        children = [self.transform(c) if isinstance(c, Tree) else c for c in tree.children]
        method = getattr(self, tree.data, None)
        if method is None:
            return Tree(tree.data, children, tree.meta)
        return method(tree.meta, children)

    # -- helpers -------------------------------------------------------------------
    def _span(self, meta) -> Span | None:
        if getattr(meta, "empty", True):
            return None
        return Span(meta.line, meta.column, meta.end_line, meta.end_column, self.file)

    def _tok_span(self, tok: Token) -> Span:
        return Span.of_token(tok, self.file)

    def name(self, tok: Token) -> m.Name:
        """A name; a backquoted one (an event type or a state, extension) is its text."""
        if tok.type == "QNAME":
            value = _composed(str(tok)[1:-1])
            if not value.strip():
                self._blank_name(tok)
            return m.Name.model_construct(value=value, quoted=True, span=self._tok_span(tok))
        return m.Name.model_construct(value=_composed(str(tok)), span=self._tok_span(tok))

    def _blank_name(self, tok: Token) -> None:
        """SLA108 for an event type or a state in backquotes that holds only spaces."""
        self.diagnostics.append(dg.make(
            codes.BAD_LITERAL, "this backquoted name is only white space: no event type or state is blank",
            self._tok_span(tok), hint="write the type or the state between the backquotes: `form-fill`, "
            "`Open - Not Contacted`", file=self.file))

    def string(self, tok: Token) -> m.StringLit:
        return m.StringLit.model_construct(value=_composed(unescape(str(tok))), span=self._tok_span(tok))

    def timestamp(self, tok: Token) -> m.TimestampLit:
        return m.TimestampLit.model_construct(text=str(tok), span=self._tok_span(tok))

    def date(self, tok: Token) -> m.DateLit:
        y, mo, d = (int(x) for x in str(tok).split("-"))
        return m.DateLit.model_construct(year=y, month=mo, day=d, span=self._tok_span(tok))

    def num(self, tok: Token, bounded: bool = True, what: str = "a count, a share or a goal") -> int | float:
        """A number literal. ``bounded`` (a count, a share, a goal): at most
        999,999,999,999,999, so that no check or clock works on an absurd value; a value
        compared in a predicate may be larger (an id), though not of more digits than Python
        reads. Too large: SLA108 at the literal, and the largest value allowed instead."""
        text = str(tok)
        try:
            value = number(text)
        except ValueError:                  # more than 4,300 digits: Python refuses to read it
            self._too_large(tok, text, "has more digits than any number slacode reads")
            return _LARGEST if bounded else float("inf")
        if bounded and not abs(value) < _LARGEST:
            self._too_large(tok, text, f"is too large for {what} (at most 999,999,999,999,999)")
            return _LARGEST if value > 0 else -_LARGEST
        return value

    def _too_large(self, tok: Token, text: str, why: str) -> None:
        shown = text if len(text) <= 24 else f"{text[:12]}…{text[-4:]}` ({len(text):,} characters) `"
        self.diagnostics.append(dg.make(codes.BAD_LITERAL, f"`{shown}` {why}".replace("`` ", ""),
                                        self._tok_span(tok), hint="write the number the promise means", file=self.file))

    # -- file and declarations -----------------------------------------------------
    def start(self, meta, children):
        return m.Agreement.model_construct(file=self.file, declarations=tuple(children), span=self._span(meta))

    def agreement(self, meta, children):
        ident, *items = children
        return m.AgreementDecl.model_construct(id=self.string(ident), items=tuple(items), span=self._span(meta))

    def version(self, meta, children):
        return m.Version.model_construct(value=self.string(children[0]), span=self._span(meta))

    def timezone(self, meta, children):
        return m.Timezone.model_construct(value=self.string(children[0]), span=self._span(meta))

    def lead_timezone(self, meta, children):
        return m.LeadTimezone.model_construct(span=self._span(meta))

    def teams(self, meta, children):
        return m.Teams.model_construct(names=tuple(self.name(t) for t in children), span=self._span(meta))

    def states(self, meta, children):
        return m.StatesDecl.model_construct(states=tuple(children), span=self._span(meta))

    def state_decl(self, meta, children):
        name, final = children
        return m.StateDecl.model_construct(name=self.name(name), final=final is not None, span=self._span(meta))

    def flow(self, meta, children):
        return m.FlowDecl.model_construct(lines=tuple(children), span=self._span(meta))

    def flow_line(self, meta, children):
        source, *targets = children
        return m.FlowLine.model_construct(source=self.name(source), targets=tuple(self.name(t) for t in targets),
                          span=self._span(meta))

    def segment(self, meta, children):
        name, pred = children
        return m.SegmentDecl.model_construct(name=self.name(name), predicate=pred, span=self._span(meta))

    def let(self, meta, children):
        name, expr = children
        return m.LetDecl.model_construct(name=self.name(name), expr=expr, span=self._span(meta))

    # -- calendars -----------------------------------------------------------------
    def calendar(self, meta, children):
        name, *items = children
        return m.CalendarDecl.model_construct(name=self.name(name), items=tuple(items), span=self._span(meta))

    def calendar_choice(self, meta, children):
        name, *picks = children
        return m.CalendarChoice.model_construct(name=self.name(name), picks=tuple(picks), span=self._span(meta))

    def calendar_pick(self, meta, children):
        calendar, segment = children
        return m.CalendarPick.model_construct(calendar=self.name(calendar), segment=segment, span=self._span(meta))

    def hours(self, meta, children):
        days, *ranges = children
        return m.Hours.model_construct(days=days, ranges=tuple(ranges), span=self._span(meta))

    def day_set(self, meta, children):
        return tuple(children)

    def day_range(self, meta, children):
        a, b = children
        return m.DayItem.model_construct(first=m.DAY_NAMES.index(str(a)), last=m.DAY_NAMES.index(str(b)),
                         span=self._span(meta))

    def day_single(self, meta, children):
        return m.DayItem.model_construct(first=m.DAY_NAMES.index(str(children[0])), span=self._span(meta))

    def daily(self, meta, children):
        return m.DayItem.model_construct(daily=True, span=self._span(meta))

    def _time(self, tok: Token) -> m.TimeOfDay:
        h, mi = str(tok).split(":")
        return m.TimeOfDay.model_construct(hour=int(h), minute=int(mi), span=self._tok_span(tok))

    def time_range(self, meta, children):
        a, b = children
        return m.TimeRange.model_construct(start=self._time(a), end=self._time(b), span=self._span(meta))

    def holidays(self, meta, children):
        *codes, picks = children
        return m.Holidays.model_construct(regions=tuple(self.string(s) for s in codes), picks=picks or (),
                                          span=self._span(meta))

    def holiday_with(self, meta, children):
        return tuple(children)

    def holiday_category(self, meta, children):
        return m.HolidayPick.model_construct(value=_composed(str(children[0])), category=True,
                                             span=self._tok_span(children[0]))

    def holiday_name(self, meta, children):
        name = self.string(children[0])
        return m.HolidayPick.model_construct(value=name.value, category=False, span=name.span)

    def closed(self, meta, children):
        return m.Closed.model_construct(dates=tuple(self.date(d) for d in children), span=self._span(meta))

    def open(self, meta, children):
        date, *ranges = children
        return m.Open.model_construct(date=self.date(date), ranges=tuple(ranges), span=self._span(meta))

    def day_length(self, meta, children):
        return m.DayLength.model_construct(duration=children[0], span=self._span(meta))

    def duration(self, meta, children):
        parts = {"days": 0, "hours": 0, "minutes": 0}
        if len(children) == 1 and isinstance(children[0], Token):
            for value, unit in _DURATION_PART.findall(str(children[0])):
                key = {"d": "days", "h": "hours", "m": "minutes"}[unit]
                n = number(value) if len(value) < 16 else _LARGEST
                if n >= _LARGEST:
                    self._too_large(children[0], str(children[0]), "is too long for a duration")
                    n = _LARGEST
                parts[key] += n
        else:
            for value, unit in children:
                parts[unit] += value
        return m.Duration.model_construct(**parts, span=self._span(meta))

    def spelled_part(self, meta, children):
        value, unit = children
        n = self.num(value, what="a duration")
        if not isinstance(n, int):
            self.diagnostics.append(dg.make(
                codes.BAD_LITERAL, f"durations count whole units; `{value}` is not a whole number",
                self._tok_span(value), hint="write `1h30m` or `90 minutes` instead of `1.5 hours`",
                file=self.file))
            n = int(n)
        return n, _UNITS[str(unit)]

    # -- rules ---------------------------------------------------------------------
    def rule(self, meta, children):
        kind, name, *found = children
        clauses = []
        for c in found:                 # `warn at 50%, 80%` is one clause a level
            if c.__class__ is tuple:
                clauses.extend(c)
            else:
                clauses.append(c)
        return m.Rule.model_construct(rule_kind=str(kind), name=self.name(name), clauses=tuple(clauses),
                      span=self._span(meta))

    def owner(self, meta, children):
        return m.Owner.model_construct(team=self.name(children[0]), span=self._span(meta))

    def start_on(self, meta, children):
        once, triggers = children
        return m.StartOn.model_construct(triggers=triggers, once=once is not None, span=self._span(meta))

    def start_when(self, meta, children):
        once, predicate = children
        return m.StartWhen.model_construct(predicate=predicate, once=once is not None, span=self._span(meta))

    def stop_on(self, meta, children):
        return m.StopOn.model_construct(triggers=children[0], span=self._span(meta))

    def cancel_on(self, meta, children):
        return m.CancelOn.model_construct(triggers=children[0], span=self._span(meta))

    def stop_when(self, meta, children):
        return m.StopWhen.model_construct(predicate=children[0], span=self._span(meta))

    def cancel_when(self, meta, children):
        return m.CancelWhen.model_construct(predicate=children[0], span=self._span(meta))

    def breach_on(self, meta, children):
        return m.BreachOn.model_construct(triggers=children[0], span=self._span(meta))

    def breach_when(self, meta, children):
        return m.BreachWhen.model_construct(predicate=children[0], span=self._span(meta))

    def restart_on(self, meta, children):
        return m.RestartOn.model_construct(triggers=children[0], span=self._span(meta))

    def pause_while(self, meta, children):
        return m.PauseWhile.model_construct(predicate=children[0], span=self._span(meta))

    def within(self, meta, children):
        duration, calendar, segment = children
        return m.Within.model_construct(duration=duration, calendar=calendar, segment=segment, span=self._span(meta))

    def within_day(self, meta, children):
        """`within same working day …` / `within next working day …` (extension)."""
        day, calendar, cutoff, segment = children
        return m.Within.model_construct(day=self._working_day(day, cutoff), calendar=calendar, segment=segment,
                                        span=self._span(meta))

    def due_at(self, meta, children):
        """`due at FIELD [on CAL] [for SEGMENT]` (extension): the deadline from a lead field."""
        field, calendar, segment = children
        return m.Within.model_construct(due=field, calendar=calendar, segment=segment, span=self._span(meta))

    def same_working_day(self, meta, children):
        return ("same", None, self._span(meta))

    def next_working_day(self, meta, children):
        return ("next", children[0], self._span(meta))

    def cutoff(self, meta, children):
        time, by = children
        return self._time(time), by

    def by_time(self, meta, children):
        return self._time(children[0])

    def _working_day(self, day, cutoff) -> m.WorkingDay:
        """The :class:`~slacode.model.WorkingDay` of a line's `same|next working day` part and
        its cut-off part (None when it has none); it spans the whole target."""
        first, by, span = day
        late = cutoff is not None
        cut, late_by = cutoff if late else (None, None)
        return m.WorkingDay.model_construct(first=first, by=by, late=late, cutoff=cut, late_by=late_by, span=span)

    def on_calendar(self, meta, children):
        return self.name(children[0])

    def for_segment(self, meta, children):
        """`for A` → the :class:`~slacode.model.Name` A; `for A and B …` (extension) → a
        :class:`~slacode.model.SegmentAnd` spanning the names."""
        names = tuple(self.name(c) for c in children)
        if len(names) == 1:
            return names[0]
        return m.SegmentAnd.model_construct(names=names, span=_joined(names[0].span, names[-1].span))

    def warn(self, meta, children):
        """`warn at P%`, or `warn at P%, Q%, …` (several warning levels, docs/extensions.md):
        one :class:`~slacode.model.Warn` a level, as if each were on its own line. The first
        spans `warn at P%`, each further one its `Q%`."""
        first, *more = children
        span = self._span(meta)
        if span is not None and first[1] is not None:
            span = Span(span.line, span.column, first[1].end_line, first[1].end_column, self.file)
        nodes = [m.Warn.model_construct(percent=first[0], span=span)]
        nodes.extend(m.Warn.model_construct(percent=n, span=s) for n, s in more)
        return nodes[0] if not more else tuple(nodes)

    def warn_level(self, meta, children):
        return self.num(children[0]), self._span(meta)

    def warn_before(self, meta, children):
        return m.Warn.model_construct(before=children[0], span=self._span(meta))

    def require(self, meta, children):
        *fields, predicate = children           # `where PREDICATE` (extension), else None
        return m.Require.model_construct(fields=tuple(fields), predicate=predicate, span=self._span(meta))

    def field_name(self, meta, children):
        return self._field(children[0])

    def count(self, meta, children):
        return m.Count.model_construct(triggers=children[0], span=self._span(meta))

    def quota_count(self, meta, children):
        triggers, segment = children
        return m.Count.model_construct(triggers=triggers, segment=segment, span=self._span(meta))

    def quota_sum(self, meta, children):
        prop, triggers, segment = children
        return m.Sum.model_construct(prop=prop, triggers=triggers, segment=segment, span=self._span(meta))

    def at_least_within(self, meta, children):
        n, duration, calendar, segment = children
        return m.AtLeastWithin.model_construct(n=self.num(n), duration=duration, calendar=calendar, segment=segment,
                               span=self._span(meta))

    def at_least_within_day(self, meta, children):
        """`at least N within same working day …` (extension)."""
        n, day, calendar, cutoff, segment = children
        return m.AtLeastWithin.model_construct(n=self.num(n), day=self._working_day(day, cutoff), calendar=calendar,
                                               segment=segment, span=self._span(meta))

    def at_least_before(self, meta, children):
        n, triggers = children
        return m.AtLeastBefore.model_construct(n=self.num(n), triggers=triggers, span=self._span(meta))

    def at_most_per_day(self, meta, children):
        n, calendar = children
        return m.AtMostPerDay.model_construct(n=self.num(n), calendar=calendar, span=self._span(meta))

    def at_least_per_day(self, meta, children):
        n, duration, calendar = children
        return m.AtLeastPerDay.model_construct(n=self.num(n), duration=duration, calendar=calendar,
                                               span=self._span(meta))

    def recur(self, meta, children):
        """`recur [sequential] [while P]` (extension)."""
        sequential, predicate = children
        return m.Recur.model_construct(sequential=sequential is not None, predicate=predicate, span=self._span(meta))

    def retarget(self, meta, children):
        return m.Retarget.model_construct(span=self._span(meta))

    def at_most_per_cycle(self, meta, children):
        return m.AtMostPerCycle.model_construct(n=self.num(children[0]), span=self._span(meta))

    def gap(self, meta, children):
        return m.Gap.model_construct(duration=children[0], span=self._span(meta))

    def gap_at_most(self, meta, children):
        duration, calendar = children
        return m.GapAtMost.model_construct(duration=duration, calendar=calendar, span=self._span(meta))

    def first(self, meta, children):
        return m.First.model_construct(predicate=children[0], span=self._span(meta))

    def only_during(self, meta, children):
        return m.OnlyDuring.model_construct(calendar=self.name(children[0]), span=self._span(meta))

    def only_between(self, meta, children):
        return m.OnlyBetween.model_construct(window=children[0], span=self._span(meta))

    # -- triggers ------------------------------------------------------------------
    def triggers(self, meta, children):
        """The triggers of a clause. A predicate piece (``pred_more``: after `or`, something
        no trigger starts with) goes on with the `where` before it, which then runs to the
        end of the clause (LANGUAGE.md §6): a later bare name is a segment of it."""
        out: list = []
        open_where = False
        for c in children:
            if c is None:
                continue
            if isinstance(c, m.Trigger) and not open_where:
                out.append(c)
                continue
            if isinstance(c, m.Trigger) and c.kind == "event" and c.where is None \
                    and c.breach is None and c.nth is None:    # (`breach of R`, `2nd attempt of R`: triggers)
                if c.type.quoted:               # a backquoted name is an event type, never a segment
                    self._piece_error(c, open_where)
                    continue
                c = m.SegmentRef.model_construct(kind="segment", name=c.type, span=c.span)
            last = out[-1] if out else None
            if isinstance(c, m.Trigger) or last is None or last.where is None:
                self._piece_error(c, open_where)
                continue
            # the parenthesised predicate stays one item (its own `or`s are a tree of their own)
            items = (last.where.items if open_where else (last.where,)) + (c,)
            where = m.Or.model_construct(items=items, span=_joined(last.where.span, c.span))
            out[-1] = last.model_copy(update={"where": where, "span": _joined(last.span, c.span)})
            open_where = True
        return tuple(out)

    def _piece_error(self, node, open_where: bool) -> None:
        span = node.span or Span(1, 1, file=self.file)
        if isinstance(node, (m.Seen, m.Awaiting)) and not open_where:
            self._fact_piece_error(node, span)
            return
        if open_where:
            message = ("a trigger cannot follow a `where` predicate that goes on after its parentheses: "
                       "the predicate runs to the end of the clause")
            hint = "put the whole predicate in parentheses, `where (… or …)`, or write this trigger first"
        else:
            message = "a condition here needs an event type before it: `TYPE where …`"
            hint = "join triggers with `or` (`call or meeting where …`); a condition follows `TYPE where`"
        self.diagnostics.append(dg.make(codes.UNEXPECTED_TOKEN, message, span, file=self.file, hint=hint))

    def _fact_piece_error(self, node, span: Span) -> None:
        """`call or seen reply`: a fact after `or` where no `where` goes on is a condition in
        a list of events (`seen` alone would be the event type `seen`)."""
        if isinstance(node, m.Seen):
            text = f"seen {node.type.value}"
        else:
            text = f"awaiting {node.type.value} since {node.since.value}"
        self.diagnostics.append(dg.make(
            codes.UNEXPECTED_TOKEN,
            f"`{text}` is a condition on the lead's events, not a trigger: a trigger list names "
            "events, and only a `where` before it takes a condition after `or`",
            span, file=self.file,
            hint=f"to close the rule once it holds, write it in a `when` clause (`stop when {text}`); "
                 f"to test it on a trigger, write `TYPE where {text}`, or after a `where` in "
                 f"parentheses, `TYPE where (…) or {text}`"))

    def pred_more(self, meta, children):
        if len(children) == 1:
            return children[0]
        return m.And.model_construct(items=tuple(children), span=self._span(meta))

    def more_not(self, meta, children):
        return m.Not.model_construct(item=children[0], span=self._span(meta))

    def where_paren_more(self, meta, children):
        name, first, *rest = children
        pred = first if not rest else m.Or.model_construct(items=(first, *rest), span=self._span(meta))
        return m.Trigger.model_construct(kind="event", type=self.name(name), where=pred, span=self._span(meta))

    def enter(self, meta, children):
        return m.Trigger.model_construct(kind="enter", states=tuple(self.name(t) for t in children), span=self._span(meta))

    def leave(self, meta, children):
        return m.Trigger.model_construct(kind="leave", states=tuple(self.name(t) for t in children), span=self._span(meta))

    def event(self, meta, children):
        return m.Trigger.model_construct(kind="event", type=self.name(children[0]), span=self._span(meta))

    def nth_attempt(self, meta, children):
        ordinal, rule = children
        n = int(str(ordinal).rstrip("stndrh"))
        name = self.name(rule)
        text = m.Name.model_construct(value=m.nth_type(n, name.value), span=self._span(meta))
        return m.Trigger.model_construct(kind="event", type=text, nth=(n, name), span=self._span(meta))

    def breach_of(self, meta, children):
        """`breach of RULE [clause KEY]`, `warning of RULE [clause KEY]` and `success of RULE
        [clause KEY]` (extensions); the grammar reads the first word as a name, so that
        `breach`, `warning` and `success` stay event types elsewhere: any other word is an
        error."""
        word, rule, clause = children
        span = self._span(meta)
        virtual = str(word) if str(word) in ("warning", "success") else "breach"
        if str(word) not in ("breach", "warning", "success"):
            self.diagnostics.append(dg.make(
                codes.UNEXPECTED_TOKEN, f"`{word} of {rule}` is no trigger: the trigger at a rule's breach is "
                f"`breach of {rule}`, at its warning `warning of {rule}`, at its success `success of {rule}`",
                self._tok_span(word), file=self.file,
                hint=f"write `breach of {rule}`, `warning of {rule}` or `success of {rule}` (each with "
                     "`clause KEY` to name a clause)"))
        name = self.name(rule)
        key = self.name(clause) if clause is not None else None
        if virtual == "warning":
            text = m.Name.model_construct(value=m.warning_type(name.value, key.value if key else None), span=span)
            return m.Trigger.model_construct(kind="event", type=text, warning=(name, key), span=span)
        if virtual == "success":
            text = m.Name.model_construct(value=m.success_type(name.value, key.value if key else None), span=span)
            return m.Trigger.model_construct(kind="event", type=text, success=(name, key), span=span)
        text = m.Name.model_construct(value=m.breach_type(name.value, key.value if key else None), span=span)
        return m.Trigger.model_construct(kind="event", type=text, breach=(name, key), span=span)

    def event_where_paren(self, meta, children):
        name, pred = children
        return m.Trigger.model_construct(kind="event", type=self.name(name), where=pred, span=self._span(meta))

    last_trigger = event_where_paren

    # -- predicates ----------------------------------------------------------------
    def or_(self, meta, children):
        if len(children) == 1:  # the grammar's alias keeps single-item chains: unwrap
            return children[0]
        return m.Or.model_construct(items=tuple(children), span=self._span(meta))

    def and_(self, meta, children):
        if len(children) == 1:
            return children[0]
        return m.And.model_construct(items=tuple(children), span=self._span(meta))

    def not_(self, meta, children):
        return m.Not.model_construct(item=children[0], span=self._span(meta))

    def _field(self, tok: Token) -> m.FieldRef:
        text = str(tok)
        if tok.type == "QNAME":
            return m.FieldRef.model_construct(name=_composed(text[1:-1]), quoted=True, span=self._tok_span(tok))
        if tok.type == "STATE_KW":
            return m.FieldRef.model_construct(name="state", is_state=True, span=self._tok_span(tok))
        return m.FieldRef.model_construct(name=_composed(text), span=self._tok_span(tok))

    def operand(self, meta, children):
        return self._field(children[0])

    def value(self, meta, children):
        tok = children[0]
        span = self._tok_span(tok)
        if tok.type == "STRING":
            return m.Value.model_construct(kind="string", value=_composed(unescape(str(tok))), span=span)
        if tok.type in ("NUMBER", "NEG_NUMBER"):
            return m.Value.model_construct(kind="number", value=self.num(tok, bounded=False), span=span)
        if tok.type in ("TRUE", "FALSE"):
            return m.Value.model_construct(kind="bool", value=tok.type == "TRUE", span=span)
        if tok.type == "NULL":
            return m.Value.model_construct(kind="null", value=None, span=span)
        if tok.type == "QNAME":             # `state == `Working - Contacted`` (extension)
            if not str(tok)[1:-1].strip():
                self._blank_name(tok)
            return m.Value.model_construct(kind="name", value=_composed(str(tok)[1:-1]), quoted=True, span=span)
        return m.Value.model_construct(kind="name", value=_composed(str(tok)), span=span)

    literal = value

    def value_list(self, meta, children):
        return tuple(c for c in children if c is not None)

    def compare(self, meta, children):
        field, op, value = children
        return m.Compare.model_construct(field=field, op=str(op), value=value, span=self._span(meta))

    def member(self, meta, children):
        field, values = children
        return m.Member.model_construct(field=field, values=values, span=self._span(meta))

    def not_member(self, meta, children):
        field, values = children
        return m.Member.model_construct(field=field, values=values, negated=True, span=self._span(meta))

    def exists(self, meta, children):
        return m.Exists.model_construct(field=children[0], span=self._span(meta))

    def missing(self, meta, children):
        return m.Exists.model_construct(field=children[0], negated=True, span=self._span(meta))

    def contains(self, meta, children):
        field, text = children
        return m.TextTest.model_construct(field=field, op="contains", text=self.string(text), span=self._span(meta))

    def starts_with(self, meta, children):
        field, text = children
        return m.TextTest.model_construct(field=field, op="starts_with", text=self.string(text), span=self._span(meta))

    def segment_ref(self, meta, children):
        return m.SegmentRef.model_construct(name=self.name(children[0]), span=self._span(meta))

    def bool_test(self, meta, children):
        return m.BoolConst.model_construct(value=children[0].type == "TRUE", span=self._span(meta))

    def seen_test(self, meta, children):
        """`seen TYPE [where P]` (extension)."""
        _, type_, where = children
        return m.Seen.model_construct(type=self.name(type_), where=where, span=self._span(meta))

    def awaiting_test(self, meta, children):
        """`awaiting A since B` (extension)."""
        _, type_, since = children
        return m.Awaiting.model_construct(type=self.name(type_), since=self.name(since), span=self._span(meta))

    # -- aggregates ----------------------------------------------------------------
    def target(self, meta, children):
        name, *items = children
        return m.TargetDecl.model_construct(name=self.name(name), items=tuple(items), span=self._span(meta))

    def target_rule(self, meta, children):
        rule, clause, segment = children
        return m.TargetRule.model_construct(rule=self.name(rule), clause=self.name(clause) if clause is not None else None,
                            segment=segment, span=self._span(meta))

    def target_goal(self, meta, children):
        percent, period = children
        period, calendar = self._period(period)
        return m.TargetGoal.model_construct(percent=percent, period=period, calendar=calendar, span=self._span(meta))

    def working_period(self, meta, children):
        """`working day [on CAL]` after a goal's `per` (extension): the calendar's Name or None."""
        return (m.WORKING_DAY, children[0])

    @staticmethod
    def _period(period) -> tuple[str, m.Name | None]:
        """A goal's period and calendar: a PERIOD token, or :meth:`working_period`'s pair."""
        return period if isinstance(period, tuple) else (str(period), None)

    def group_by(self, meta, children):
        """`by assignee` (one goal per rep) or `by FIELD` (one per value of a lead field)."""
        span = self._span(meta)
        if len(children) == 1 and children[0].name == m.ASSIGNEE and not children[0].quoted:
            return m.ByAssignee.model_construct(span=span)
        return m.ByField.model_construct(fields=tuple(children), span=span)

    def by_rep(self, meta, children):
        """The word `assignee` after `by`: the rep (a lead field of that name is backquoted)."""
        return m.FieldRef.model_construct(name=m.ASSIGNEE, span=self._span(meta))

    def quota(self, meta, children):
        name, *items = children
        return m.QuotaDecl.model_construct(name=self.name(name), items=tuple(items), span=self._span(meta))

    def quota_goal(self, meta, children):
        bound, amount, period = children
        period, calendar = self._period(period)
        return m.QuotaGoal.model_construct(bound=str(bound), amount=amount, period=period, calendar=calendar,
                                           span=self._span(meta))

    def quota_pace(self, meta, children):
        """`warn behind pace [on CAL]` in a quota (extension)."""
        return m.QuotaPace.model_construct(calendar=children[0], span=self._span(meta))

    # -- expressions ---------------------------------------------------------------
    def number(self, meta, children):
        return m.Number.model_construct(value=self.num(children[0]), span=self._span(meta))

    def constant(self, meta, children):
        return m.Constant.model_construct(name=self.name(children[0]), span=self._span(meta))

    def binary(self, meta, children):
        """``a + b - c …`` (one precedence level): a Binary for one operator, a flat Chain
        for more (see :func:`slacode.model.arithmetic`), never a tree as deep as the sum
        is long."""
        first, last = children[0], children[-1]
        if len(children) == 1:
            return first
        span = None
        if first.span is not None and last.span is not None:
            span = Span(first.span.line, first.span.column, last.span.end_line, last.span.end_column, self.file)
        if len(children) == 3:
            return m.arithmetic(str(children[1]), first, last, span)
        ops = [str(op) for op in children[1::2]]
        rest = list(children[2::2])
        level = m.EXPR_LEVEL[ops[0]]
        if first.kind == "binary" and m.EXPR_LEVEL[first.op] == level:        # `(a + b) + c + d`
            ops, rest, first = [first.op] + ops, [first.right] + rest, first.left
        elif first.kind == "chain" and m.EXPR_LEVEL[first.ops[0]] == level:
            ops, rest, first = list(first.ops) + ops, list(first.rest) + rest, first.first
        return m.Chain.model_construct(first=first, ops=tuple(ops), rest=tuple(rest), span=span)

    def negate(self, meta, children):
        return m.Negate.model_construct(item=children[0], span=self._span(meta))

    def call(self, meta, children):
        func, *args = children
        return m.Call.model_construct(func=self.name(func), args=tuple(args), span=self._span(meta))

    # -- tests ---------------------------------------------------------------------
    def test(self, meta, children):
        name, *items = children
        return m.TestDecl.model_construct(name=self.string(name), items=tuple(items), span=self._span(meta))

    def test_as_of(self, meta, children):
        return m.TestAsOf.model_construct(at=self.timestamp(children[0]), span=self._span(meta))

    def test_lead(self, meta, children):
        return m.TestLead.model_construct(lead=self.string(children[0]), span=self._span(meta))

    def test_events_from(self, meta, children):
        path, *options = children
        return m.TestEventsFrom.model_construct(path=self.string(path), options=tuple(o for o in options if o is not None),
                                                span=self._span(meta))

    def read_delimiter(self, meta, children):
        return m.ReadOption.model_construct(key="delimiter", name=None, value=self.string(children[0]),
                                            span=self._span(meta))

    def read_column(self, meta, children):
        first, second, header = children
        name = first.name if second is None else f"{first.name}.{second.name}"
        return m.ReadOption.model_construct(key="column", name=name, value=self.string(header), span=self._span(meta))

    def read_timezone(self, meta, children):
        return m.ReadOption.model_construct(key="timezone", name=None, value=self.string(children[0]),
                                            span=self._span(meta))

    def read_type(self, meta, children):
        ours, theirs = children
        name = self.name(ours)
        return m.ReadOption.model_construct(key="type", name=name.value, quoted=name.quoted, value=self.string(theirs),
                                            span=self._span(meta))

    def read_timestamp_format(self, meta, children):
        return m.ReadOption.model_construct(key="timestamp format", name=None, value=self.string(children[0]),
                                            span=self._span(meta))

    def test_event(self, meta, children):
        at, type_, props, sets = children
        return m.TestEvent.model_construct(at=self.timestamp(at), type=self.name(type_), props=props or (),
                           sets=sets or (), span=self._span(meta))

    def test_state_event(self, meta, children):
        at, state, sets = children
        span = self._span(meta)
        return m.TestEvent.model_construct(at=self.timestamp(at), type=m.Name.model_construct(value="state", span=span),
                           state=self.name(state), sets=sets or (), span=span)

    def with_part(self, meta, children):
        return tuple(children)

    set_part = with_part

    def assignment(self, meta, children):
        key, value = children
        return m.Assignment.model_construct(key=key, value=value, span=self._span(meta))

    def expect(self, meta, children):
        rule, clause, period, assignee, group, cycle, status, due = children
        return m.Expect.model_construct(rule=self.name(rule), clause=self.name(clause) if clause is not None else None,
                        period=self.string(period) if period is not None else None,
                        assignee=self.string(assignee) if assignee is not None else None, group=group,
                        cycle=self.num(cycle) if cycle is not None else None, status=str(status),
                        due=self.timestamp(due) if due is not None else None, span=self._span(meta))
