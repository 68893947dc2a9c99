"""The shared context of the checks: the agreement plus name tables computed once.

Also the small walkers every group of checks needs (all predicates, all triggers) and the
clause keys of a rule (LANGUAGE.md §7 and §11), which the compiler and the test runner can
reuse: :func:`clause_keys`.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Iterable, Iterator

from slacode import diagnostics as dg
from slacode import model as m
from slacode.diagnostics import Diagnostic, Span

#: clause kinds that give a verdict, per rule kind, in the order of LANGUAGE.md
TIMED_KEYS = ("within", "require")
ATTEMPTS_KEYS = ("at_least_within", "at_least_before", "at_least_per_day", "at_most_per_day", "at_most_per_cycle", "gap",
                 "gap_at_most", "first",
                 "only_during", "only_between")
#: kinds whose several lines form one clause (one line applies per cycle)
LINE_KINDS = frozenset({"within", "at_least_within"})
#: the built-in rule of the `flow` block and its clause; the clause of targets and quotas
FLOW_RULE, FLOW_CLAUSE = "flow", "transition"
TARGET_CLAUSE, QUOTA_CLAUSE = "ratio", "count"
#: the clause of a quota that adds up a property (`sum PROP of …`, extension)
SUM_CLAUSE = "sum"
#: clause kinds that hold triggers, predicates, a calendar, a segment
TRIGGER_KINDS = frozenset({"start_on", "stop_on", "cancel_on", "restart_on", "breach_on", "count", "sum",
                           "at_least_before"})
PREDICATE_KINDS = frozenset({"start_when", "pause_while", "stop_when", "cancel_when", "breach_when", "first"})
CALENDAR_KINDS = frozenset({"within", "at_least_within", "at_least_per_day", "at_most_per_day", "gap_at_most",
                            "only_during"})
SEGMENT_KINDS = frozenset({"within", "at_least_within"})


def clause_keys(rule: m.Rule) -> tuple[str, ...]:
    """The verdict clause keys of ``rule`` in clause order: ``within``, ``require``, ``gap``,
    ``gap_2`` …; the lines of ``within`` (``at_least_within``) make one clause."""
    allowed = ATTEMPTS_KEYS if rule.rule_kind == "attempts" else TIMED_KEYS
    if rule.rule_kind != "handoff":
        allowed = tuple(k for k in allowed if k != "require")
    seen: dict[str, int] = {}
    keys: list[str] = []
    for clause in rule.clauses:
        kind = clause.kind
        if kind not in allowed or (kind in LINE_KINDS and kind in seen):
            continue
        seen[kind] = seen.get(kind, 0) + 1
        keys.append(kind if seen[kind] == 1 else f"{kind}_{seen[kind]}")
    return tuple(keys)


def default_clause(rule: m.Rule) -> str:
    """The clause a target measures when it names none."""
    return m.default_clause_of(rule.rule_kind)


def main_clause(agreement: m.Agreement, rule: str) -> str | None:
    """The clause an expectation (``expect RULE …``) names when it names none: the built-in
    rule's transition, a rule's main clause, a target's ratio, a quota's count (its sum for
    a quota that adds up a property); None for a name that is none of these."""
    if rule == FLOW_RULE:
        return FLOW_CLAUSE
    r = agreement.rule(rule)
    if r is not None:
        return default_clause(r)
    if any(t.name.value == rule for t in agreement.targets):
        return TARGET_CLAUSE
    for q in agreement.quotas:
        if q.name.value == rule:
            return quota_clause(q)
    return None


def quota_clause(quota: m.QuotaDecl) -> str:
    """The clause key of a quota's verdicts: ``sum`` for `sum PROP of …`, else ``count``."""
    measure = quota.measure
    return SUM_CLAUSE if measure is not None and measure.kind == "sum" else QUOTA_CLAUSE


def did_you_mean(word: str, choices: Iterable[str]) -> str | None:
    """``did you mean `x`?`` for close matches of ``word`` (difflib: at most three, the best
    and those nearly as good), else None."""
    choices = list(dict.fromkeys(choices))
    lowered = {c.lower(): c for c in choices}
    if word.lower() in lowered and lowered[word.lower()] != word:
        found = [lowered[word.lower()]]
    else:
        import difflib  # only when a name is misspelt

        scored = sorted(((difflib.SequenceMatcher(None, word, c).ratio(), c) for c in choices), reverse=True)
        best = scored[0][0] if scored else 0.0
        found = [c for r, c in scored[:3] if r >= 0.6 and r >= best - 0.15]
    if not found:
        return None
    return "did you mean " + " or ".join(f"`{f}`" for f in found) + "?"


def span_of(where) -> Span | None:
    if where is None or isinstance(where, Span):
        return where
    return getattr(where, "span", None)


def line_of(where) -> str:
    """``line N`` of a node, for messages that point back at an earlier place."""
    span = span_of(where)
    return f"line {span.line}" if span is not None else "elsewhere"


def lead_predicates(rule: m.Rule, with_start_pause: bool = True) -> list:
    """A rule's predicates over the lead's fields (not an event's properties): `start
    when`, `pause while`, `stop when`, `cancel when`, `breach when` (unless ``with_start_pause``
    is false) and the `where` of its `require` lines (extension)."""
    kinds = ("start_when", "pause_while", "stop_when", "cancel_when", "breach_when") if with_start_pause else ()
    return [c.predicate for c in rule.clauses
            if c.kind in kinds or (c.kind in ("require", "recur") and c.predicate is not None)]


def lead_field_reads(agreement: m.Agreement, skip: frozenset | set = frozenset()) -> dict[str, tuple[str, m.FieldRef]]:
    """The names the agreement reads as lead fields, each with where it first does (words
    for a message: ``segment `hot```) and the reference there (its span): segments, `start
    when`, `pause while`, `require` (and its `where`), `due at FIELD`, `by FIELD` of targets and quotas, in
    the file's order within each kind. Not `where` of triggers: those read an event's own
    properties; nor the segments named in ``skip``."""
    found: dict[str, tuple[str, m.FieldRef]] = {}

    def note(pred, where: str) -> None:
        for node in walk_pred(pred):
            ref = getattr(node, "field", None)
            if ref is not None and not ref.is_state:
                found.setdefault(ref.name, (where, ref))

    for name, seg in agreement.segments.items():
        if name not in skip:
            note(seg.predicate, f"segment `{name}`")
    for r in agreement.rules:
        for clause in r.clauses:
            if clause.kind == "start_when":
                note(clause.predicate, f"`start when` of `{r.name.value}`")
            elif clause.kind == "pause_while":
                note(clause.predicate, f"`pause while` of `{r.name.value}`")
            elif clause.kind in ("stop_when", "cancel_when", "breach_when"):
                note(clause.predicate, f"`{clause.kind.replace('_', ' ')}` of `{r.name.value}`")
            elif clause.kind == "recur" and clause.predicate is not None:     # (extension)
                note(clause.predicate, f"`recur … while` of `{r.name.value}`")
            elif clause.kind == "require":
                for ref in clause.fields:
                    found.setdefault(ref.name, (f"`require` of `{r.name.value}`", ref))
                if clause.predicate is not None:
                    note(clause.predicate, f"`require … where` of `{r.name.value}`")
            elif clause.kind == "within" and getattr(clause, "due", None) is not None:    # `due at FIELD` (extension)
                found.setdefault(clause.due.name, (f"`due at` of `{r.name.value}`", clause.due))
    for goal in (*agreement.targets, *agreement.quotas):
        for item in goal.items:
            if item.kind == "by_field":
                found.setdefault(item.field.name, (f"`by` of `{goal.name.value}`", item.field))
    return found


def state_reads(agreement: m.Agreement) -> dict:
    """``{state: Span}``: the states the agreement names (its `states` block, `flow` lines,
    `enter` / `leave` triggers and the values compared with `state` in a predicate), each
    with the first place in the file that names it. SLA613."""
    ctx = Context.of(agreement)
    found: dict = {}

    def note(name) -> None:
        value = getattr(name, "value", None)
        if value.__class__ is str and value:
            span = getattr(name, "span", None)
            had = found.get(value)
            if had is None or (span is not None and (span.line or 0, span.column or 0) < (had.line or 0, had.column or 0)):
                found[value] = span
    for decl in agreement.state_decls:
        note(decl.name)
    for line in agreement.flow_lines:
        for name in (line.source, *line.targets):
            note(name)
    for trigger in ctx.triggers():
        for name in trigger.states:
            note(name)
    for pred in ctx.predicates():
        for node in walk_pred(pred):
            if node.kind == "compare" and node.field.is_state:
                note(node.value)
            elif node.kind == "member" and node.field.is_state:
                for value in node.values:
                    note(value)
    return found


def walk_pred(pred) -> Iterator:
    """Every node of a predicate tree, parents first."""
    stack = [pred]
    while stack:
        node = stack.pop()
        yield node
        kind = node.kind
        if kind in ("or", "and"):
            stack.extend(reversed(node.items))
        elif kind == "not":
            stack.append(node.item)


def walk_expr(expr) -> Iterator:
    """Every node of an arithmetic expression, parents first."""
    stack = [expr]
    while stack:
        node = stack.pop()
        yield node
        kind = node.kind
        if kind == "binary":
            stack.extend((node.right, node.left))
        elif kind == "chain":
            stack.extend(reversed((node.first,) + tuple(node.rest)))
        elif kind == "negate":
            stack.append(node.item)
        elif kind == "call":
            stack.extend(reversed(node.args))


def _pred_roots(agreement: m.Agreement) -> Iterator:
    """Every predicate root of the agreement: segments, the clauses' predicates (`start
    when`, `pause while`, `require … where`, `first where` …) and the `where` of triggers."""
    for decl in agreement.declarations:
        kind = decl.kind
        if kind == "segment":
            yield decl.predicate
            continue
        if kind not in ("rule", "quota"):
            continue
        for clause in (decl.clauses if kind == "rule" else decl.items):
            pred = getattr(clause, "predicate", None)
            if pred is not None:
                yield pred
            for t in getattr(clause, "triggers", None) or ():
                if t.where is not None:
                    yield t.where


def fact_nodes_of(pred, segments: dict | None = None, _stack: tuple = ()) -> list:
    """The `seen` / `awaiting` nodes (extension) of one predicate, in file order (a `seen`
    before those in its `where`); with ``segments``, also through the segments it names
    (each once along a path)."""
    out: list = []
    stack = [pred]
    while stack:
        node = stack.pop()
        kind = node.kind
        if kind in ("or", "and"):
            stack.extend(reversed(node.items))
        elif kind == "not":
            stack.append(node.item)
        elif kind in m.FACT_KINDS:
            out.append(node)
            if kind == "seen" and node.where is not None:
                stack.append(node.where)
        elif kind == "segment" and segments is not None:
            name = node.name.value
            decl = segments.get(name)
            if decl is not None and name not in _stack:
                out.extend(fact_nodes_of(decl.predicate, segments, _stack + (name,)))
    return out


def fact_nodes(agreement: m.Agreement) -> list:
    """The agreement's `seen` / `awaiting` predicates (extension), in file order."""
    return [node for root in _pred_roots(agreement) for node in fact_nodes_of(root)]


def segment_refs(pred) -> Iterator[m.Name]:
    """The names of the segments a predicate refers to directly."""
    for node in walk_pred(pred):
        if node.kind == "segment":
            yield node.name


@dataclass
class Context:
    """The agreement being checked and its name tables (first declaration of each name)."""

    agreement: m.Agreement
    file: str | None
    states: dict[str, m.StateDecl]
    has_states: bool
    finals: frozenset[str]
    has_flow: bool
    calendars: dict[str, m.CalendarDecl]
    segments: dict[str, m.SegmentDecl]
    constants: dict[str, m.LetDecl]
    teams: dict[str, m.Name]
    #: rules of every kind by name: handoff, deadline, attempts, target, quota
    rules: dict[str, object]
    #: the agreement's timezone (``UTC`` when it names none)
    timezone: str = "UTC"

    @classmethod
    def of(cls, agreement: m.Agreement) -> "Context":
        states: dict[str, m.StateDecl] = {}
        for s in agreement.state_decls:
            states.setdefault(s.name.value, s)
        teams: dict[str, m.Name] = {}
        for header in agreement.of("agreement")[:1]:
            for name in header.teams:
                teams.setdefault(name.value, name)
        rules: dict[str, object] = {}
        for decl in agreement.declarations:
            if decl.kind in ("rule", "target", "quota"):
                rules.setdefault(decl.name.value, decl)
        return cls(
            agreement=agreement,
            file=agreement.file,
            states=states,
            has_states=bool(agreement.of("states")),
            finals=frozenset(s.name.value for s in agreement.state_decls if s.final),
            has_flow=bool(agreement.of("flow")),
            calendars=agreement.calendar_decls,
            segments=agreement.segments,
            constants=agreement.constants,
            teams=teams,
            rules=rules,
            timezone=agreement.timezone,
        )

    # -- reporting -----------------------------------------------------------------
    def diag(self, code: str, message: str, where=None, hint: str | None = None) -> Diagnostic:
        """A diagnostic of ``code`` at ``where`` (a node with a span, or a span)."""
        return dg.make(code, message, span_of(where), hint=hint, file=self.file)

    @cached_property
    def _memos(self) -> dict[str, dict]:
        return {}

    def memo(self, key: str) -> dict:
        """A dict kept for this check run under ``key``: work several checks share (the
        values of the `let` constants, worked out once however many checks read them)."""
        return self._memos.setdefault(key, {})

    # -- declarations --------------------------------------------------------------
    @cached_property
    def rule_likes(self) -> tuple:
        """Rules, targets and quotas in file order."""
        return tuple(d for d in self.agreement.declarations if d.kind in ("rule", "target", "quota"))

    def is_state(self, name: str) -> bool:
        """Whether ``name`` is a known state (every name is, without a `states` block)."""
        return not self.has_states or name in self.states

    def segment_pred(self, name: str):
        decl = self.segments.get(name)
        return decl.predicate if decl is not None else None

    # -- walkers -------------------------------------------------------------------
    @cached_property
    def _triggers(self) -> tuple[m.Trigger, ...]:
        out: list[m.Trigger] = []
        for decl in self.rule_likes:
            clauses = decl.clauses if decl.kind == "rule" else decl.items
            for clause in clauses:
                if clause.kind in TRIGGER_KINDS:
                    out.extend(clause.triggers)
        return tuple(out)

    def triggers(self) -> tuple[m.Trigger, ...]:
        """Every trigger of every rule and quota."""
        return self._triggers

    @cached_property
    def _clause_predicates(self) -> tuple:
        out = [t.where for t in self._triggers if t.where is not None]
        for rule in self.agreement.rules:
            out.extend(c.predicate for c in rule.clauses if c.kind in PREDICATE_KINDS)
            out.extend(lead_predicates(rule, with_start_pause=False))
        # the `where` of each `seen TYPE where P` (extension): a predicate of its own, on the
        # event's properties, as a trigger's `where` is
        out.extend(n.where for n in self.facts if n.kind == "seen" and n.where is not None)
        return tuple(out)

    @cached_property
    def facts(self) -> tuple:
        """The `seen` / `awaiting` predicates (extension), in file order."""
        return tuple(fact_nodes(self.agreement))

    def predicates(self, segments: bool = True) -> tuple:
        """Every predicate root: segments (unless ``segments`` is false), `where` of
        triggers, `start when`, `pause while`, `first where`, `require … where`."""
        if not segments:
            return self._clause_predicates
        return tuple(d.predicate for d in self.agreement.of("segment")) + self._clause_predicates
