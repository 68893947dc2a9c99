"""Model → an immutable plan of plain functions (no I/O, no globals, no clock).

The plan is built once per agreement and shared by batch evaluation, one-lead service
calls and parallel workers. Predicates become closures ``pred(fields, state, notes)``:
``fields`` is the lead's field dict (or an event's properties, for ``where``), ``state`` the
lead's lifecycle state, ``notes`` the fold's :class:`~slacode.notes.LeadNotes`, which
collects the places where a number was compared with a string, with the value met there
(reported once per place). Triggers become ``match(ev, entered, left, notes)``.
"""
# No ``from __future__ import annotations``: the plan's record classes are NamedTuples, which
# would turn every annotation text into a ForwardRef (compiling it) when each class is made.

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal
from numbers import Real
from typing import Any, Callable, NamedTuple

from slacode import model as m
from slacode.checks.context import fact_nodes, fact_nodes_of, lead_field_reads, state_reads, walk_pred
from slacode.requirement import compile_conditions

Pred = Callable[[dict, Any, set], bool]
_MISSING = object()
DEFAULT_COUNT_TYPE = "contact_attempt"


# ----------------------------------------------------------------------- predicates

#: What a number is in a lead's fields: Python's own, and those a library caller may pass
#: (``Decimal`` from a database driver's NUMERIC column, numpy's integers and floats).
_NUMBERS = (int, float, Decimal, Real)


def _is_num(v) -> bool:
    return isinstance(v, _NUMBERS) and not isinstance(v, bool)


def _plain_num(v):
    """A number of another type as Python's own: ``Decimal("19.99")`` is the agreement's
    ``19.99`` (a float), not the float's exact binary value; an integral one is an int.
    None for a value no number equals (a signalling NaN)."""
    if v.__class__ is int or v.__class__ is float:
        return v
    try:
        if isinstance(v, float):                # numpy's float64 and the like
            return float(v)
        as_float = float(v)
        if as_float.is_integer() and v == int(v):
            return int(v)                       # exact, however large
        return as_float
    except (ArithmeticError, ValueError, TypeError, OverflowError):
        return None


def _equal(a, b) -> bool | None:
    """Equality by the language's rules; None when a number meets a string (reported)."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if _is_num(a) and _is_num(b):
        a, b = _plain_num(a), _plain_num(b)
        return a is not None and b is not None and a == b
    if isinstance(a, str) and isinstance(b, str):
        return a == b
    if (_is_num(a) and isinstance(b, str)) or (isinstance(a, str) and _is_num(b)):
        return None
    return False


_BOOL_TEXTS = frozenset({"true", "false"})


def _bool_text(a, b) -> bool:
    """Whether one of ``a``, ``b`` is a boolean and the other its spelling as text (`true`
    against a CSV cell `"TRUE"`): false by the language's rules, and worth saying (SLA609)."""
    if isinstance(a, bool):
        return isinstance(b, str) and b.strip().lower() in _BOOL_TEXTS
    return isinstance(b, bool) and isinstance(a, str) and a.strip().lower() in _BOOL_TEXTS


def _not_number(v) -> bool:
    """Whether ``v`` is a value that no number compares with and that is not text either: a
    boolean, a list, an object. Its comparison with a number is false, as text's is, and
    said the same way (SLA602)."""
    return isinstance(v, (bool, list, tuple, dict))


def _order(a, b, op: str) -> bool | None:
    if isinstance(a, bool) or isinstance(b, bool):
        return False
    if _is_num(a) and _is_num(b):
        a, b = _plain_num(a), _plain_num(b)
        if a is None or b is None:
            return False
    if (_is_num(a) and _is_num(b)) or (isinstance(a, str) and isinstance(b, str)):
        try:
            if op == "<":
                return bool(a < b)
            if op == "<=":
                return bool(a <= b)
            if op == ">":
                return bool(a > b)
            return bool(a >= b)
        except ArithmeticError:         # Decimal("NaN") refuses to be ordered: as a float NaN, false
            return False
    if (_is_num(a) and isinstance(b, str)) or (isinstance(a, str) and _is_num(b)):
        return None
    return False


def _value(v: m.Value):
    return v.value


class Place(NamedTuple):
    """Where in the agreement a predicate stands (for diagnostics about it)."""

    span: Any
    text: str
    wants: str = ""         # what the comparison needs: "a number", "text" ("": either, a mixed list);
    #                         "a boolean" / "boolean text": a boolean met its spelling as text (SLA609)


def _both(a: Pred, b: Pred) -> Pred:
    return lambda f, s, n: a(f, s, n) and b(f, s, n)


def _never(f, s, n) -> bool:
    """The test of an undeclared segment (refused by the checks): never holds."""
    return False


def _either(a: Pred, b: Pred) -> Pred:
    return lambda f, s, n: a(f, s, n) or b(f, s, n)


def compile_pred(pred, segments: dict[str, m.SegmentDecl], _stack: tuple = ()) -> Pred:
    """A closure for ``pred``; segment references are compiled inline (cycles are refused).

    Closures are specialised at compile time (a chain of two-way and/or, the field read
    inline, the operator chosen once) so that a predicate costs about as much per event as
    the same test written by hand."""
    kind = pred.kind
    if kind in ("or", "and"):
        items = [compile_pred(p, segments, _stack) for p in pred.items]
        join = _either if kind == "or" else _both
        fn = items[-1]
        for p in reversed(items[:-1]):
            fn = join(p, fn)
        return fn
    if kind == "not":
        inner = compile_pred(pred.item, segments, _stack)
        return lambda f, s, n: not inner(f, s, n)
    if kind == "bool":
        const = bool(pred.value)
        return lambda f, s, n: const
    if kind == "segment":
        name = pred.name.value
        decl = segments.get(name)
        if decl is None or name in _stack:
            return lambda f, s, n: False
        return compile_pred(decl.predicate, segments, _stack + (name,))
    if kind in m.FACT_KINDS:
        return _fact_leaf(fact_key(pred))
    fref: m.FieldRef = pred.field
    key = fref.name
    leaf = _leaf(pred, kind, fref.is_state, key)
    if fref.is_state or (key.isascii() and all(not isinstance(c, str) or c.isascii() for c in _consts(pred, kind))):
        return leaf
    return _either_form(leaf, key)


def fact_key(pred) -> str:
    """The text that names a `seen TYPE [where P]` / `awaiting A since B` (extension) in a
    fold's :attr:`~slacode.notes.LeadNotes.facts`: the predicate as ``fmt`` writes it, so
    that the same fact written twice is kept once."""
    from slacode.fmt import one_line

    return one_line(pred)


def _fact_leaf(key: str) -> Pred:
    """`seen …` / `awaiting …` (extension): whether the fold holds the fact ``key`` true now
    (a set lookup; notes that are no fold's hold none)."""
    def fact(f, s, n):
        try:
            return key in n.facts
        except AttributeError:
            return False
    return fact


class FactStep(NamedTuple):
    """What an event of one type does to one fact (extension): ``op`` is ``seen`` (the fact
    holds from now on, if ``where`` holds for the event), ``on`` (an `awaiting`'s `since`
    type: it holds) or ``off`` (its awaited type: it no longer holds)."""

    key: str
    op: str
    where: Pred | None = None


def fact_table(agreement: m.Agreement, nodes: list | None = None) -> dict:
    """Per event type, the :class:`FactStep` of each fact an event of that type changes
    (extension; empty for an agreement without `seen` / `awaiting`): the fold applies them
    to the lead's facts after the event's fields and state, before its triggers."""
    table: dict[str, dict] = {}
    segments = agreement.segments
    for node in (fact_nodes(agreement) if nodes is None else nodes):
        key = fact_key(node)
        if node.kind == "seen":
            where = compile_pred(node.where, segments) if node.where is not None else None
            steps = [(node.type.value, FactStep(key, "seen", where))]
        else:
            steps = [(node.since.value, FactStep(key, "on")), (node.type.value, FactStep(key, "off"))]
        for ev_type, step in steps:
            table.setdefault(ev_type, {}).setdefault((key, step.op), step)
    return {t: tuple(v.values()) for t, v in table.items()}


def _consts(pred, kind: str) -> tuple:
    """The constants a leaf predicate compares with (texts, numbers, booleans)."""
    if kind == "compare":
        return (_value(pred.value),)
    if kind == "member":
        return tuple(_value(v) for v in pred.values)
    if kind == "text":
        return (pred.text.value,)
    return ()


def _either_form(leaf: Pred, key: str) -> Pred:
    """``leaf`` (a test of the field or property ``key``) when the name or a text it compares
    with is not ASCII: the name is found in either Unicode form, and a text value is
    compared in the composed form (NFC) the agreement's texts are in, so a CRM export that
    writes `ã` as `a` and a combining tilde is read as it was meant. (An ASCII test, nearly
    all of them, pays nothing for this.)"""
    from slacode.texts import composed, decomposed

    other = decomposed(key)
    if other == key:
        other = None

    def either_form(f, s, n):
        v = f.get(key)
        if v is None:
            if other is None or f.get(other) is None:
                return leaf(f, s, n)
            v = f[other]
            f = {key: v}
        if v.__class__ is str:
            same = composed(v)
            if same is not v:
                f = {key: same}
        return leaf(f, s, n)
    return either_form


def _leaf(pred, kind: str, is_state: bool, key: str) -> Pred:
    """A closure for a predicate on one field, property or the state."""
    place = Place(pred.span, "state" if is_state else key, _wants(pred, kind))
    if kind == "exists":
        want = not pred.negated
        if is_state:
            return lambda f, s, n: (s is not None) == want
        return lambda f, s, n: (f.get(key) is not None) == want
    if kind == "compare":
        if pred.value.kind == "name" and pred.value.value == m.ASSIGNEE and not is_state and pred.op in ("==", "!="):
            return _compare_assignee(pred.op == "==", key)
        return _compare(pred.op, _value(pred.value), is_state, key, place)
    if kind == "member":
        consts = tuple(_value(v) for v in pred.values)
        negated = pred.negated
        strings = frozenset(c for c in consts if isinstance(c, str))
        plain = len(strings) == len(consts)
        numbers = place.wants == "a number"

        def member(f, s, n):
            v = s if is_state else f.get(key)
            if v is None:
                return False
            if plain and isinstance(v, str):            # the common case: text in a list of text
                return (v in strings) != negated
            # `in` is a chain of `==` joined by `or`; `not in`, of `!=` joined by `and`. A
            # number meeting a string makes its comparison false whatever the operator (§9),
            # so it can make `not in` false but never `in` true.
            mixed = False
            if not negated and numbers and _not_number(v):    # `in [1, 2]` of a list: as text
                n.add(place, v)
                return False
            for c in consts:
                r = _equal(v, c)
                if r is None:
                    n.add(place, v)
                    mixed = True
                elif r:
                    return not negated
                elif _bool_text(v, c):              # unequal all the same (§9), but said
                    n.add(place._replace(wants="a boolean" if isinstance(c, bool) else "boolean text"), v)
            return negated and not mixed
        return member
    if kind == "text":
        text, contains = pred.text.value, pred.op == "contains"

        def text_test(f, s, n):
            v = s if is_state else f.get(key)
            if not isinstance(v, str):
                if _is_num(v):                          # a number meets a string (§9): reported
                    n.add(place, v)
                return False
            return text in v if contains else v.startswith(text)
        return text_test
    raise ValueError(f"unknown predicate kind {kind}")  # pragma: no cover


def _compare_assignee(eq: bool, key: str) -> Pred:
    """``FIELD == assignee`` / ``FIELD != assignee``: the field against the lead's assignee
    just before the event (the fold keeps it on ``notes``), both as text (a CSV rep id `1234`
    is read as a number, the assignee is its text). No assignee (none yet, or an empty or
    null `owner`: nobody, as SLA606 says), or no value (missing, null or empty), makes either
    comparison false, as a missing field does (§9)."""
    from slacode.verdict import as_text

    def compare_assignee(f, s, n):
        v = f.get(key)
        who = getattr(n, "assignee", None)
        if v is None or not who or v == "":
            return False
        return ((v if v.__class__ is str else as_text(v)) == who) == eq
    return compare_assignee


def _wants(pred, kind: str) -> str:
    """What type a field must hold for the comparison ``pred`` to be true: "a number" or
    "text" ("" for a list of both, and predicates that compare nothing)."""
    if kind == "text":
        return "text"
    if kind == "compare":
        consts = (_value(pred.value),)
    elif kind == "member":
        consts = tuple(_value(v) for v in pred.values)
    else:
        return ""
    if consts and all(_is_num(c) for c in consts):
        return "a number"
    if consts and all(isinstance(c, str) for c in consts):
        return "text"
    return ""


def _compare(op: str, const, is_state: bool, key: str, place) -> Pred:
    """``FIELD op CONST``: the fast path for the usual type pairing, the language's rules
    (and the number/string report) otherwise."""
    num = _is_num(const)
    if op in ("==", "!="):
        eq = op == "=="

        def compare_eq(f, s, n):
            v = s if is_state else f.get(key)
            if v is None:
                return False
            if type(v) is type(const):
                return (v == const) == eq
            r = _equal(v, const)
            if r is None or (eq and num and _not_number(v)):   # a list == 80: false, said as text's is
                n.add(place, v)
                return False
            if _bool_text(v, const):        # unequal all the same (§9); said once per place
                n.add(bool_place, v)
            return r == eq
        bool_place = place._replace(wants="a boolean" if isinstance(const, bool) else "boolean text")
        return compare_eq
    import operator

    cmp = {"<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge}[op]

    def compare_order(f, s, n):
        v = s if is_state else f.get(key)
        if v is None:
            return False
        t = type(v)
        if (num and (t is int or t is float)) or (t is str and type(const) is str):
            return cmp(v, const)
        r = _order(v, const, op)
        if r is None or (num and _not_number(v)):      # a list, an object, a boolean: as text
            n.add(place, v)
            return False
        return r
    return compare_order


# -------------------------------------------------------------------------- triggers

class Trigger(NamedTuple):
    kind: str                       # enter | leave | event
    states: frozenset = frozenset()
    type: str | None = None
    where: Pred | None = None

    def matches(self, ev_type: str, props: dict, state, entered, left, notes: set) -> bool:
        if self.kind == "enter":
            return entered is not None and entered in self.states
        if self.kind == "leave":
            return left is not None and left in self.states
        if ev_type != self.type:
            return False
        return self.where is None or self.where(props, state, notes)


def _share(percent: int | float) -> tuple[int, int]:
    """``P%`` as the exact fraction of the target the agreement wrote: 62.5 -> (125, 200)."""
    from decimal import Decimal     # already imported by pydantic

    num, den = Decimal(repr(percent)).as_integer_ratio()
    return num, den * 100


class VirtualKind(str):
    """The kind of a virtual event, one the fold makes rather than reads (a breach, an Nth
    attempt): its text, as every output shows it, but equal only to a kind of the same class
    and text. An input event's type is a plain ``str``, so an event whose ``type`` is
    ``breach of RULE clause KEY`` or ``6th attempt of follow_up`` is an event of that type
    like any other, never the virtual one (a trigger's frozenset or a dispatch table never
    takes one for the other)."""

    __slots__ = ()

    def __eq__(self, other) -> bool:
        return other.__class__ is self.__class__ and str.__eq__(self, other)

    def __ne__(self, other) -> bool:
        return not self.__eq__(other)

    def __hash__(self) -> int:
        return hash((self.__class__, str.__str__(self)))

    def __reduce__(self):
        return self.__class__, (str.__str__(self),)


class BreachKind(VirtualKind):
    """The kind of a virtual breach event (:func:`breach_kind`)."""

    __slots__ = ()


class WarningKind(VirtualKind):
    """The kind of a virtual warning event (:func:`warning_kind`)."""

    __slots__ = ()


class NthKind(VirtualKind):
    """The kind an event takes on as the Nth attempt of a cycle (`Nth attempt of RULE`)."""

    __slots__ = ()


def breach_kind(rule: str, clause: str) -> BreachKind:
    """The event kind of the virtual event at a breach of ``rule``'s ``clause`` (extension,
    `breach of RULE [clause KEY]`): ``breach of RULE clause KEY``, the clause always named,
    so `breach of first_touch` and `breach of first_touch clause within` are one kind; a
    :class:`BreachKind`, which no input event's type equals."""
    return BreachKind(f"breach of {rule} clause {clause}")


class SuccessKind(VirtualKind):
    """The kind of a virtual success event (:func:`success_kind`)."""

    __slots__ = ()


def success_kind(rule: str, clause: str) -> SuccessKind:
    """The event kind of the virtual event at the success of ``rule``'s ``clause``
    (extension, `success of RULE [clause KEY]`): ``success of RULE clause KEY``, the clause
    always named, as :func:`breach_kind`."""
    return SuccessKind(f"success of {rule} clause {clause}")


def warning_kind(rule: str, clause: str) -> WarningKind:
    """The event kind of the virtual event at the warning of ``rule``'s ``clause``
    (extension, `warning of RULE [clause KEY]`): ``warning of RULE clause KEY``, the clause
    always named, as :func:`breach_kind`; a :class:`WarningKind`, which no input event's
    type equals (nor a breach's kind)."""
    return WarningKind(f"warning of {rule} clause {clause}")


#: The clause kinds that have warnings (`warn` concerns the target lines): what `warning
#: of RULE clause KEY` may name.
WARNING_KINDS = frozenset({"within", "at_least_within"})
#: The clause kinds that have a success instant (the stop by the deadline, or the Nth
#: attempt by it): what `success of RULE clause KEY` may name.
SUCCESS_KINDS = WARNING_KINDS


def compile_triggers(triggers, segments, defaults: dict | None = None) -> tuple[Trigger, ...]:
    """The plan's triggers; ``defaults``: each rule's default clause (a `breach of RULE`
    trigger matches the event kind :func:`breach_kind` of RULE's clause, a `warning of
    RULE` trigger :func:`warning_kind`)."""
    out = []
    for t in triggers:
        if t.kind in ("enter", "leave"):
            out.append(Trigger(t.kind, frozenset(s.value for s in t.states)))
        elif t.breach is not None:
            rule, clause = t.breach
            key = clause.value if clause is not None else (defaults or {}).get(rule.value, "within")
            out.append(Trigger("event", type=breach_kind(rule.value, key)))
        elif t.warning is not None:
            rule, clause = t.warning
            key = clause.value if clause is not None else (defaults or {}).get(rule.value, "within")
            out.append(Trigger("event", type=warning_kind(rule.value, key)))
        elif t.success is not None:
            rule, clause = t.success
            key = clause.value if clause is not None else (defaults or {}).get(rule.value, "within")
            out.append(Trigger("event", type=success_kind(rule.value, key)))
        elif t.nth is not None:
            out.append(Trigger("event", type=NthKind(t.type.value)))
        else:
            where = compile_pred(t.where, segments) if t.where is not None else None
            out.append(Trigger("event", type=t.type.value, where=where))
    return tuple(out)


def any_match(triggers, ev_type, props, state, entered, left, notes) -> bool:
    for t in triggers:
        if t.matches(ev_type, props, state, entered, left, notes):
            return True
    return False


def matcher(triggers: tuple[Trigger, ...]):
    """One function for a list of triggers, specialised to what they test, or None when
    there are none: ``match(ev_type, props, state, entered, left, notes) -> bool``."""
    if not triggers:
        return None
    types = frozenset(t.type for t in triggers if t.kind == "event" and t.where is None)
    enters = frozenset(s for t in triggers if t.kind == "enter" for s in t.states)
    leaves = frozenset(s for t in triggers if t.kind == "leave" for s in t.states)
    wheres = tuple((t.type, t.where) for t in triggers if t.kind == "event" and t.where is not None)
    if not enters and not leaves and not wheres:
        def match_types(ev_type, props, state, entered, left, notes):
            return ev_type in types
        return match_types
    if not types and not leaves and not wheres:
        def match_enter(ev_type, props, state, entered, left, notes):
            return entered is not None and entered in enters
        return match_enter

    def match(ev_type, props, state, entered, left, notes):
        if ev_type in types:
            return True
        if entered is not None and entered in enters:
            return True
        if left is not None and left in leaves:
            return True
        for typ, where in wheres:
            if ev_type == typ and where(props, state, notes):
                return True
        return False
    return match


# ------------------------------------------------------------------------- calendars

def _minutes(t: m.TimeOfDay) -> int:
    return t.hour * 60 + t.minute


def calendar_of(decl: m.CalendarDecl, default_tz: str):
    """The :class:`~slacode.calendar.Calendar` a calendar declaration describes."""
    from slacode.calendar import Calendar

    hours = [(h.weekdays, [(_minutes(r.start), _minutes(r.end)) for r in h.ranges]) for h in decl.of("hours")]
    holidays = list(dict.fromkeys(r.value for h in decl.of("holidays") for r in h.regions))
    categories: dict[str, list[str]] = {}
    names: dict[str, list[str]] = {}
    for h in decl.of("holidays"):        # `holidays "BR" with optional, "Carnival"` (extension)
        for r in h.regions:
            for pick in h.picks:
                (categories if pick.category else names).setdefault(r.value, []).append(pick.value)
    closed = [d.value for c in decl.of("closed") for d in c.dates if d.value is not None]
    opened: dict = {}
    for o in decl.of("open"):
        if o.date.value is not None:
            opened.setdefault(o.date.value, []).extend((_minutes(r.start), _minutes(r.end)) for r in o.ranges)
    day = decl.of("day_length")
    day_length = timedelta(seconds=day[0].duration.seconds(86_400)) if day else None
    tz = decl.timezone.value if decl.timezone is not None else default_tz
    if decl.lead_zone:                  # `timezone lead` (extension): in the agreement's zone, and per lead's
        from slacode.leadzone import LeadCalendar

        cal = LeadCalendar(default_tz, hours=hours, holidays=holidays, closed=closed, open=opened,
                           day_length=day_length, name=decl.name.value, holiday_categories=categories,
                           holiday_names=names, span=next(i.span for i in decl.items if i.kind == "lead_timezone"))
        return cal
    return Calendar(timezone=tz, hours=hours, holidays=holidays, closed=closed, open=opened,
                    day_length=day_length, name=decl.name.value, holiday_categories=categories,
                    holiday_names=names)


def build_calendars(agreement: m.Agreement) -> dict:
    return {name: calendar_of(decl, agreement.timezone) for name, decl in agreement.calendar_decls.items()}


# ------------------------------------------------------------------------------ plan

class Line(NamedTuple):
    """One ``within`` / ``at least N within`` line: which segment, which clock, what target."""

    segment: str | None
    applies: Pred | None            # None: the default line
    clock: Any                      # Calendar or WallClock
    target_us: int
    n: int = 0                      # attempts needed (at least N within)
    written: str = ""               # the target as written (`10d`), for people
    warn_us: int | None = None      # working time at which an open cycle is at risk (`warn`)
    # `on CHOICE` (a calendar choice): ((segment predicate or None, this line on that calendar), …),
    # one of which a cycle takes at its start; ``clock`` is then a :class:`ChoiceName`
    choose: tuple = ()
    # a rule with several warning levels (extension): ((level as written, its working time), …)
    # in time order (ties in the order written); ``warn_us`` is the first's. Empty with one `warn`.
    levels: tuple = ()
    # a target by the working day (extension): its :class:`DayTarget`. The line as compiled has
    # no target yet (``target_us`` 0, ``warn_us`` None); each cycle runs on the copy
    # :func:`line_at` makes at its start, whose ``template`` is this line and ``due_words``
    # the deadline in words
    day: Any = None
    template: Any = None
    due_words: str = ""
    due_us: int | None = None       # by the working day, for a cycle: its deadline instant without pauses
    # `due at FIELD` (extension): its :class:`FieldTarget`; as for a target by the working day,
    # each cycle runs on the copy :func:`field_line_at` makes at its start (``due_when``: the
    # field's instant as explain shows it, ``2026-11-10 15:00 -03:00``)
    field: Any = None
    due_when: str = ""


class FieldTarget(NamedTuple):
    """What a `due at FIELD` line needs to work out a cycle's target at its start."""

    name: str                       # the lead field
    rule: str                       # the rule's name (for SLA621)
    span: Any                       # where the agreement names the field (for SLA621)
    warn: tuple                     # the rule's `warn` lines (model nodes)


class DayTarget(NamedTuple):
    """What a line by the working day needs to work out a cycle's target at its start."""

    spec: Any                       # slacode.workday.DaySpec
    warn: tuple                     # the rule's `warn` lines (model nodes)


def line_at(line: Line, start_us: int) -> Line:
    """The line a cycle started at ``start_us`` runs on: ``line`` itself, or for a target by
    the working day a copy whose target is the working time from the start to the deadline
    instant (:mod:`slacode.workday`), with its warning thresholds worked out from it as for
    any line; the cycle is then judged exactly as a ``within`` line with that target."""
    day = line.day
    if day is None or line.template is not None:
        return line
    from slacode import workday

    clock = line.clock
    due = workday.due_of(clock, day.spec, start_us)
    target = clock.working_us(start_us, due.instant)
    return line._replace(target_us=target, warn_us=_warn_at_us(day.warn, target, clock),
                         levels=_warn_levels(day.warn, target, clock), template=line,
                         due_words=workday.due_words(day.spec, due, clock.tz), due_us=due.instant)


def field_instant(value) -> tuple[int, Any] | str | None:
    """A `due at FIELD` line's field value read as a deadline: ``(epoch microseconds, the
    zone of its own offset)``; None for a missing (None) value; else why it is unusable, in
    words (not text, no offset, not an RFC 3339 timestamp)."""
    from slacode.timestamps import MissingOffsetError, parse_timestamp, written_zone

    if value is None:
        return None
    if value.__class__ is not str:
        kind = "a boolean" if value.__class__ is bool else "a number" if isinstance(value, (int, float)) else \
            "a list" if isinstance(value, list) else "an object" if isinstance(value, dict) else "not text"
        return f"it is {kind}, not an RFC 3339 timestamp in text"
    try:
        us = parse_timestamp(value.strip())
    except MissingOffsetError:
        return "it has no offset (Z or ±HH:MM), so it names no instant"
    except ValueError as e:
        return str(e)
    return us, written_zone(value.strip())


def field_line_at(line: Line, start_us: int, fields) -> Line:
    """The line a cycle started at ``start_us`` runs on for a `due at FIELD` line (extension):
    a copy whose deadline is the instant in the lead field (``fields`` as of the start, where
    :func:`slacode.evaluate.applying_line` found it usable) and whose target is the working
    time from the start to it; an instant at or before the start gives a deadline at the
    start (a target of zero: the cycle opens past due unless stopped at that instant)."""
    ft = line.field
    if ft is None or line.template is not None:
        return line
    from slacode.instants import when

    found = field_instant(fields.get(ft.name))
    if found is None or found.__class__ is str:     # (applying_line chose it: not reached)
        raise ValueError(f"lead field `{ft.name}` holds no deadline")
    instant, zone = found
    clock = line.clock
    shown = when(instant, zone)
    words = f"the requested time {shown} (from `{ft.name}`)"
    if instant < start_us:
        words += ", which had passed when the cycle started"
        shown += ", which had passed when the cycle started"
    due = max(instant, start_us)
    target = clock.working_us(start_us, due) if due > start_us else 0
    return line._replace(target_us=target, warn_us=_warn_at_us(ft.warn, target, clock),
                         levels=_warn_levels(ft.warn, target, clock), template=line,
                         due_words=words, due_us=due, due_when=shown)


def line_due_us(line: Line, start_us: int, pauses=()) -> int:
    """The deadline of a cycle started at ``start_us`` on ``line`` (as :func:`line_at` made
    it), with its pause intervals: the working time target added to the start, pauses
    moving it. By the working day, the deadline instant itself (``by 12:30`` is 12:30 even
    in a lunch break or after the close) unless pauses moved the deadline: then it is
    ``T`` of unpaused working time from the start, later than that instant."""
    clock = line.clock
    due = clock.add_us(start_us, line.target_us, pauses)
    if line.due_us is None or (pauses and due != clock.add_us(start_us, line.target_us)):
        return due
    return line.due_us


def same_line(a, b) -> bool:
    """Whether two lines (as compiled, or as :func:`line_at` made them) are one line."""
    if a is None or b is None:
        return a is b
    return (a.template if a.template is not None else a) is (b.template if b.template is not None else b)


class ChoiceName(NamedTuple):
    """The clock of a line written `on CHOICE`: only its name (a cycle runs on the line its
    choice picked, see :attr:`Line.choose`). ``zones``: the zones of its calendars (None
    when one is in the lead's zone), ``span`` where the choice is declared (SLA622)."""

    name: str
    time_words: str = "working time"
    zones: Any = None
    span: Any = None


def _lead_zoned(line: Line) -> bool:
    """Whether a line runs on a calendar in the lead's zone (`timezone lead`), itself or
    through a calendar choice's pick."""
    from slacode.leadzone import LeadCalendar

    return line.clock.__class__ is LeadCalendar or any(p.clock.__class__ is LeadCalendar for _, p in line.choose)


class Clause(NamedTuple):
    key: str                        # verdict clause key (gap, gap_2 …)
    kind: str                       # model clause kind
    n: int = 0
    duration_us: int = 0
    clock: Any = None               # per-day / only_during calendar or zone holder
    pred: Pred | None = None
    triggers: tuple = ()
    window: tuple[int, int] = (0, 0)  # only_between, minutes
    place: Any = None
    written: str = ""               # the duration as written (`2d` of a `gap at most 2d on CAL`)


# A dataclass with slots, not a NamedTuple like the plan's smaller records: the fold reads a
# rule plan's attributes for every event, and slot reads are specialised by the interpreter
# where a NamedTuple's field getters are not (about 0.1 µs of the fold's 1.4 per event).
@dataclass(frozen=True, slots=True)
class RulePlan:
    name: str
    kind: str                       # handoff | deadline | attempts
    owner: str | None
    index: int                      # position among declarations (output order)
    starts: tuple
    start_when: Pred | None
    stops: tuple
    cancels: tuple
    restarts: tuple
    pause: Pred | None
    lines: tuple[Line, ...]         # within (timed) or at least N within (attempts)
    warn: str | None                # the `warn` line in words (`warning at 75%`), None without one
                                    # (with several levels, the first written); each line's own
                                    # threshold is its `warn_us`, its levels its `levels`
    require: tuple[str, ...]
    counts: tuple                   # attempts: count triggers
    clauses: tuple[Clause, ...]     # output order of clause keys (timed: within, require)
    default_zone: Any               # ZoneInfo for instants when no calendar applies
    start_fn: Any = None            # matcher() of each trigger list (None: no trigger)
    stop_fn: Any = None
    cancel_fn: Any = None
    restart_fn: Any = None
    count_fn: Any = None
    befores: tuple = ()             # (key, matcher) of at_least_before clauses
    types: frozenset | None = None  # event types that can touch this rule (None: any event)
    start_types: frozenset | None = None  # … while it has no open cycle (None: any event)
    # Where ``types`` is None because of ``start when`` / ``pause while`` / ``stop when`` /
    # ``cancel when`` (predicates on the lead's fields and state): the trigger types; any
    # other event matters only if it carries fields, is a state event or is the lead's
    # first (None: every event matters).
    watch_types: frozenset | None = None
    # `retarget when segment changes` (extension), with more than one line to choose from:
    # an open cycle's line is chosen again at every event that sets fields or the state
    retarget: bool = False
    # `start once on …` / `start once when …` (extension): a start opens a cycle only while
    # the lead has had none of this rule (a restart still opens the next)
    once: bool = False
    # `require … where PREDICATE` (extension): the conditions of every `require` line
    # (slacode.requirement.Condition), judged at the stop with the fields present
    conditions: tuple = ()
    # `stop when P` / `cancel when P` (extension): after each event (its fields, its triggers,
    # its start), an open cycle is stopped if ``stop_when`` holds, else cancelled if
    # ``cancel_when`` does; ``whens`` says the rule has either, ``when_texts`` the two
    # predicates as written (for reasons), "" for the one it lacks
    stop_when: Pred | None = None
    cancel_when: Pred | None = None
    whens: bool = False
    when_texts: tuple[str, ...] = ("", "", "")
    # `breach on TRIGGER` / `breach when P` (extension, handoffs and deadlines): an open cycle
    # is closed as breached by an event its triggers match, or after which ``breach_when``
    # holds (after a stop, before a cancel or a restart); ``breach_each``: (the trigger as
    # written, its matcher) per trigger, to name the one that matched; ``when_texts[2]``
    # is the predicate as written
    breaches: tuple = ()
    breach_fn: Any = None
    breach_when: Pred | None = None
    breach_each: tuple = ()
    # the `warn D before` lines, for reasons on a calendar (where `1d` is a working day, said in
    # working time): (the first `warn`'s level as written when it is one, else None;
    # then (each such level as written, `30m before`, its model Duration), …); () without one
    warn_before: tuple = ()
    # `recur [sequential] [while P]` (extension, handoffs and deadlines): ``(sequential, P or
    # None, P as written or "")``; None without it (the fold then never looks at recurrence)
    recur: tuple | None = None


class FlowPlan(NamedTuple):
    index: int
    allowed: frozenset              # (from, to) pairs


class TargetPlan(NamedTuple):
    name: str
    owner: str | None
    rule: str
    clause: str
    segment: str | None
    threshold: float                # share 0..1
    period: str
    index: int
    by_assignee: bool = False       # one goal per rep (`by assignee`)
    by_field: str | None = None     # one goal per value of this lead field (`by FIELD`)
    calendar: Any = None            # `per working day on CAL` (extension): CAL's clock; None for other periods
    # the compiled test of its `for …` part (None without one): a segment's predicate, or the AND
    # of several (`for A and B`, extension); ``segment`` is then the names as written, `a and b`
    applies: Any = None


class QuotaPlan(NamedTuple):
    name: str
    owner: str | None
    counts: tuple
    bound: str                      # least | most
    amount: float
    period: str
    index: int
    types: frozenset = frozenset()   # the event types that can be counted
    match: Any = None                # matcher(counts)
    segment: Any = None              # `count … for SEGMENT`: pred(fields, state, notes) of the lead, or None
    segment_name: str | None = None
    by_assignee: bool = False        # one goal per rep (`by assignee`)
    by_field: str | None = None      # one goal per value of this lead field (`by FIELD`)
    grouped: bool = False            # by_assignee or by_field: its hits carry their group
    prop: str | None = None          # `sum PROP of …` (extension): the event property added up; None counts
    goal: Any = None                 # the goal in decimal, exactly (a Fraction; ``amount`` is as written)
    calendar: Any = None             # `per working day on CAL` (extension): CAL's clock; None for other periods
    pace: Any = None                 # `warn behind pace [on CAL]` (extension): the clock whose time is the
    #                                  share of a period gone (CAL's, else the agreement zone's wall clock)


@dataclass(frozen=True, slots=True)
class Plan:
    agreement_id: str | None
    version: str | None
    timezone: str
    zone: Any
    states: frozenset | None        # declared states (None: no states block, all known)
    finals: frozenset
    rules: tuple[RulePlan, ...]
    flow: FlowPlan | None
    targets: tuple[TargetPlan, ...]
    quotas: tuple[QuotaPlan, ...]
    segments: dict = field(default_factory=dict)
    needs_fields_history: bool = False
    output_order: tuple = ()        # indices into rules, None for the flow, in declaration order
    # `Nth attempt of RULE` triggers: (index of RULE in rules, N, the event kind they match)
    nth_watch: tuple = ()
    # `breach of RULE [clause KEY]` and `warning of RULE [clause KEY]` triggers (extension),
    # anywhere (rules and quotas): one (index of RULE in rules, clause key, clause kind, the
    # event kind they match: a BreachKind or a WarningKind) per kind
    breach_watch: tuple = ()
    # where the agreement reads each lead field and each event type first, for the warnings
    # that tell a misspelt name in the agreement from one in the events (SLA605, SLA616):
    # ((name, words for a message, Span), ...) and ((type, Span), ...)
    field_reads: tuple = ()
    type_reads: tuple = ()
    # the states the agreement names, each where it first does ((state, Span), ...): a state
    # event into another state one letter off one of them (without a `states` block: SLA613)
    state_reads: tuple = ()
    # the event properties each `where` of a trigger, count or `first` reads (SLA617, SLA618):
    # ((owner's words, role, event type, property, Span, predicate, its closure), ...),
    # :func:`_where_reads`
    where_reads: tuple = ()
    # the places that read a lead's zone from its `timezone` field (SLA625): ((words for a
    # message, Span), ...) of each `only between … in lead timezone` and used `timezone lead`
    # calendar, in the file's order; :func:`_zone_reads`
    zone_reads: tuple = ()
    # where the agreement first starts anything (a rule's `start` line, the `flow` block, a
    # quota's `count`): ``(words for a message, Span)``, None without any (SLA626)
    start_place: Any = None
    # `seen TYPE` / `awaiting A since B` (extension): per event type, the facts its events
    # change (FactStep, fact_table); empty without either
    facts: dict = field(default_factory=dict)
    # what evaluation derives from the plan once (slacode.evaluate.PlanInfo), made on first use
    info: Any = field(default=None, init=False, compare=False, repr=False)


def workday_spec(day: m.WorkingDay):
    """The compiled form of a target by the working day (:class:`slacode.workday.DaySpec`)."""
    from slacode.workday import spec_of

    return spec_of(day)


def _whole(n: float) -> int | float:
    """A count as a count: ``180.0`` -> ``180`` (a quota's threshold is written as the goal)."""
    return int(n) if isinstance(n, float) and n.is_integer() else n


def _warn_words(warn: m.Warn) -> str:
    """``warning at 75%``, ``warning 30m before the deadline``: for reasons."""
    if warn.before is not None:
        return f"warning {warn.before.compact()} before the deadline"
    return f"warning at {warn.percent:g}%"


def _warn_at_us(warn: list, target_us: int, clock) -> int | None:
    """The working time at which a line's open cycle is at risk: ``P%`` of its target (the
    first whole microsecond at or past it, in exact arithmetic: the float 0.55 would put 55%
    of an hour a microsecond late), or the target less ``D before`` (``d`` in the line's
    calendar's days), never below zero; with several levels, the earliest. None without
    `warn`."""
    if not warn:
        return None
    return min(_level_us(w, target_us, clock) for w in warn)


def _level_us(w: m.Warn, target_us: int, clock) -> int:
    """The working time at which one warning level is reached on a line (see _warn_at_us)."""
    if w.before is not None:
        return max(target_us - _duration_us(w.before, clock), 0)
    num, den = _share(w.percent)
    return -(-target_us * num // den)


def _warn_levels(warn: list, target_us: int, clock) -> tuple:
    """A line's warning levels, ``((written, working time), …)`` in time order (ties in the
    order written; the same level twice counts once): empty for fewer than two levels."""
    if len(warn) < 2:
        return ()
    found: dict = {}            # the level (its kind and amount, as the clock counts it) -> (written, working time)
    for w in warn:
        same = ("before", _duration_us(w.before, clock)) if w.before is not None else ("share", w.percent)
        found.setdefault(same, (_level_words(w), _level_us(w, target_us, clock)))
    if len(found) < 2:
        return ()
    return tuple(sorted(found.values(), key=lambda item: item[1]))


def _warn_befores(warn: list) -> tuple:
    """:attr:`RulePlan.warn_before` of a rule's `warn` lines."""
    befores = tuple((_level_words(w), w.before) for w in warn if w.before is not None)
    if not befores:
        return ()
    return (_level_words(warn[0]) if warn[0].before is not None else None, *befores)


def _level_words(w: m.Warn) -> str:
    """A level as the verdict's ``warnings`` names it: ``80%``, ``30m before``."""
    return f"{w.before.compact()} before" if w.before is not None else f"{w.percent:g}%"


def _duration_us(d: m.Duration, clock) -> int:
    day_s = int(clock.day_length.total_seconds())
    return d.seconds(day_s) * 1_000_000


def evaluate_expr(expr, constants, exact: bool = False) -> float:
    """The value of a goal expression (the linter's evaluator: one meaning everywhere);
    ``exact``: in decimal (a quota's goal)."""
    from slacode.checks.expr import evaluate_expr as value

    return value(expr, constants, exact=exact)


def _written(goal) -> int | float:
    """A quota's decimal goal as verdicts write it: an int when whole (exactly, however
    large), else the nearest float (``0.3``)."""
    if goal.denominator == 1:
        return int(goal)
    try:
        return float(goal)
    except OverflowError:           # (a fraction past the largest float: its whole part)
        return round(goal)


def compile_agreement(agreement: m.Agreement) -> Plan:
    """The evaluation plan of a (checked) agreement."""
    from slacode.calendar import WallClock

    tzname = agreement.timezone
    wall = WallClock(tzname)
    calendars = agreement.calendars
    choices = agreement.calendar_choices
    segments = agreement.segments
    seg_preds = {name: compile_pred(d.predicate, segments) for name, d in segments.items()}

    def holds(seg) -> Pred | None:
        """The compiled test of a `for …` part (None without one): a segment's predicate, or
        for `for A and B …` (extension) the AND of theirs, joined once here."""
        names = m.segment_names(seg)
        if not names:
            return None
        preds = [seg_preds.get(n.value, _never) for n in names]
        fn = preds[-1]
        for p in reversed(preds[:-1]):
            fn = _both(p, fn)
        return fn
    index = {id(d): i for i, d in enumerate(agreement.declarations)}
    defaults = {r.name.value: m.default_clause_of(r.rule_kind) for r in agreement.rules}

    def clock_of(name: m.Name | None):
        if name is None:
            return wall
        return calendars.get(name.value, wall)

    def period_clock(goal):
        """The clock whose working dates are a goal's periods (`per working day on CAL`), else None."""
        return clock_of(goal.calendar) if goal.period == m.WORKING_DAY else None

    def pace_clock(q: m.QuotaDecl):
        """The clock of a quota's `warn behind pace [on CAL]` (extension), None without one (or
        where the checks refuse it: an `at most` goal, a goal per day or per working day)."""
        pace = q.pace
        if pace is None or q.goal.bound != "least" or q.goal.period in ("day", m.WORKING_DAY):
            return None
        return clock_of(pace.calendar)

    rules = []
    for rule in agreement.rules:
        starts = compile_triggers(rule.triggers("start_on"), segments, defaults)
        sw = rule.of("start_when")
        start_when = compile_pred(sw[0].predicate, segments) if sw else None
        pause = rule.of("pause_while")
        pause_pred = compile_pred(pause[0].predicate, segments) if pause else None
        stop_w, cancel_w = rule.of("stop_when"), rule.of("cancel_when")
        stop_when = compile_pred(stop_w[0].predicate, segments) if stop_w else None
        cancel_when = compile_pred(cancel_w[0].predicate, segments) if cancel_w else None
        breach_w = rule.of("breach_when") if rule.rule_kind != "attempts" else ()
        breach_when = compile_pred(breach_w[0].predicate, segments) if breach_w else None
        recur_c = rule.of("recur") if rule.rule_kind != "attempts" else ()
        recur = (recur_c[0].sequential, compile_pred(recur_c[0].predicate, segments)
                 if recur_c[0].predicate is not None else None,
                 _when_text(recur_c) if recur_c[0].predicate is not None else "") if recur_c else None
        warn = rule.of("warn")
        line_kind = m.default_clause_of(rule.rule_kind)
        lines = []
        if rule.rule_kind == "attempts" and not rule.of("at_least_within"):
            # no `at least … within`: every start opens a cycle for the other clauses (§7)
            lines.append(Line(None, None, wall, 0, 0))
        for ln in rule.of(line_kind):
            applies = holds(ln.segment)
            n = int(ln.n) if line_kind == "at_least_within" else 0

            def on(clock, choose=()):
                segment = ln.segment.value if ln.segment else None
                if getattr(ln, "due", None) is not None:    # `due at FIELD`: its target is worked out per cycle
                    ft = FieldTarget(ln.due.name, rule.name.value, ln.due.span, tuple(warn))
                    return Line(segment, applies, clock, 0, n, f"at {ln.due.text()}", None, choose,
                                _warn_levels(warn, 0, clock) if not choose else (), field=ft)
                if ln.day is not None:          # by the working day: its target is worked out per cycle
                    spec = workday_spec(ln.day)
                    day = DayTarget(spec, tuple(warn)) if not choose else None
                    # (the levels, against no target, only say that the line has several)
                    return Line(segment, applies, clock, 0, n, spec.text(), None, choose,
                                _warn_levels(warn, 0, clock) if not choose else (), day)
                target_us = _duration_us(ln.duration, clock) if not choose else 0
                return Line(segment, applies, clock, target_us, n,
                            ln.duration.compact(), _warn_at_us(warn, target_us, clock) if not choose else None,
                            choose, _warn_levels(warn, target_us, clock) if not choose else ())
            choice = choices.get(ln.calendar.value) if ln.calendar is not None else None
            if choice is None:
                lines.append(on(clock_of(ln.calendar)))
            else:                       # one line per calendar it may pick
                picks = tuple((holds(p.segment),
                               on(clock_of(p.calendar))) for p in choice.picks)
                zones = [getattr(ln_.clock, "timezone", None) if getattr(ln_.clock, "home", None) is None else None
                         for _, ln_ in picks]
                lines.append(on(ChoiceName(choice.name.value, zones=None if None in zones else frozenset(zones),
                                           span=choice.name.span), picks))
        clauses: list[Clause] = []
        seen: dict[str, int] = {}
        for c in rule.clauses:
            if c.kind in ("within", "at_least_within", "require", "at_least_before", "at_least_per_day", "at_most_per_day",
                          "at_most_per_cycle", "gap", "gap_at_most", "first", "only_during", "only_between"):
                if c.kind in ("within", "at_least_within", "require") and c.kind in seen:
                    continue            # one verdict: target lines choose one; `require` lines add up
                if rule.rule_kind != "attempts" and c.kind not in ("within", "require"):
                    continue
                seen[c.kind] = seen.get(c.kind, 0) + 1
                key = c.kind if seen[c.kind] == 1 else f"{c.kind}_{seen[c.kind]}"
                clauses.append(_clause(c, key, clock_of, segments, wall, defaults))
        counts = compile_triggers(rule.triggers("count"), segments, defaults) if rule.of("count") else (
            Trigger("event", type=DEFAULT_COUNT_TYPE),)
        require = tuple(dict.fromkeys(f.name for c in rule.of("require") for f in c.fields))   # each once
        starts_t = starts                       # each list compiled once: the plan's triggers
        stops_t = compile_triggers(rule.triggers("stop_on"), segments, defaults)     # and its matchers agree
        cancels_t = compile_triggers(rule.triggers("cancel_on"), segments, defaults)
        restarts_t = compile_triggers(rule.triggers("restart_on"), segments, defaults)
        breach_on = rule.triggers("breach_on") if rule.rule_kind != "attempts" else ()
        breaches_t = compile_triggers(breach_on, segments, defaults)
        counts_t = counts if rule.rule_kind == "attempts" else ()
        befores = tuple((c.key, matcher(c.triggers)) for c in clauses if c.kind == "at_least_before")
        every = starts_t + stops_t + cancels_t + restarts_t + breaches_t + counts_t + tuple(
            t for c in clauses if c.kind == "at_least_before" for t in c.triggers)
        types = start_types = None
        watch_types = _types_of(every)
        retarget = bool(rule.of("retarget")) and (len(lines) > 1 or any(len(ln.choose) > 1 for ln in lines)
                                                  or any(_lead_zoned(ln) for ln in lines))
        whens = stop_when is not None or cancel_when is not None or breach_when is not None
        if start_when is None and pause_pred is None and not retarget and not whens:
            types = watch_types
        if start_when is None:                  # closed, only a start trigger can act
            start_types = _types_of(starts_t)
        rules.append(RulePlan(
            name=rule.name.value, kind=rule.rule_kind, owner=rule.owner.value if rule.owner else None,
            index=index[id(rule)], starts=starts, start_when=start_when,
            stops=stops_t, cancels=cancels_t, restarts=restarts_t,
            pause=pause_pred, lines=tuple(lines),
            warn=_warn_words(warn[0]) if warn else None, require=require,
            counts=counts_t, clauses=tuple(clauses),
            default_zone=wall.tz, start_fn=matcher(starts_t), stop_fn=matcher(stops_t),
            cancel_fn=matcher(cancels_t), restart_fn=matcher(restarts_t), count_fn=matcher(counts_t),
            befores=befores, types=types, start_types=start_types, watch_types=watch_types,
            retarget=retarget, once=any(c.once for c in rule.of("start_on") + rule.of("start_when")),
            conditions=compile_conditions(rule, segments) if rule.rule_kind == "handoff" else (),
            stop_when=stop_when, cancel_when=cancel_when, whens=whens,
            when_texts=(_when_text(stop_w), _when_text(cancel_w), _when_text(breach_w)),
            breaches=breaches_t, breach_fn=matcher(breaches_t), breach_when=breach_when,
            breach_each=_each_trigger(breach_on, breaches_t), warn_before=_warn_befores(warn),
            recur=recur))
    flow = None
    flows = agreement.of("flow")
    if flows:
        allowed = frozenset((ln.source.value, t.value) for ln in agreement.flow_lines for t in ln.targets)
        flow = FlowPlan(index[id(flows[0])], allowed)
    states = frozenset(s.name.value for s in agreement.state_decls) if agreement.of("states") else None
    finals = frozenset(s.name.value for s in agreement.state_decls if s.final)
    constants = agreement.constants
    targets = []
    for t in agreement.targets:
        if t.rule is None or t.goal is None:
            continue
        rule = agreement.rule(t.rule.rule.value)
        if rule is None and t.rule.rule.value == "flow":
            default_clause = "transition"              # the built-in rule's one clause
        else:
            default_clause = m.default_clause_of(rule.rule_kind if rule is not None else None)
        targets.append(TargetPlan(
            name=t.name.value, owner=t.owner.value if t.owner else None, rule=t.rule.rule.value,
            clause=t.rule.clause.value if t.rule.clause else default_clause,
            segment=t.rule.segment.value if t.rule.segment else None, applies=holds(t.rule.segment),
            threshold=evaluate_expr(t.goal.percent, constants) / 100.0, period=t.goal.period,
            index=index[id(t)], by_assignee=t.by_assignee, by_field=t.by_field, calendar=period_clock(t.goal)))
    quotas = []
    for q in agreement.quotas:
        measure = q.measure
        if measure is None or q.goal is None:
            continue
        counts = compile_triggers(measure.triggers, segments, defaults)
        quotas.append(QuotaPlan(
            name=q.name.value, owner=q.owner.value if q.owner else None,
            counts=counts, bound=q.goal.bound,
            amount=_written(goal := evaluate_expr(q.goal.amount, constants, exact=True)), goal=goal,
            period=q.goal.period, index=index[id(q)],
            types=_types_of(counts), match=matcher(counts),
            segment=holds(measure.segment),
            segment_name=measure.segment.value if measure.segment else None, by_assignee=q.by_assignee,
            by_field=q.by_field, grouped=q.by_assignee or q.by_field is not None,
            prop=measure.prop.name if measure.kind == "sum" else None, calendar=period_clock(q.goal),
            pace=pace_clock(q)))
    order = [(r.index, i) for i, r in enumerate(rules)] + ([(flow.index, None)] if flow is not None else [])
    facts = fact_nodes(agreement)           # `seen` / `awaiting` (extension)
    return Plan(agreement_id=agreement.id, version=agreement.version, timezone=tzname, zone=wall.tz,
                states=states, finals=finals, rules=tuple(rules), flow=flow, targets=tuple(targets),
                quotas=tuple(quotas), segments=seg_preds,
                output_order=tuple(i for _, i in sorted(order, key=lambda x: x[0])),
                nth_watch=_nth_watch(agreement, rules), breach_watch=_breach_watch(agreement, rules, defaults),
                field_reads=_field_reads(agreement),
                type_reads=_type_reads(agreement, facts), where_reads=_where_reads(agreement),
                zone_reads=_zone_reads(agreement),
                state_reads=tuple(state_reads(agreement).items()),
                facts=fact_table(agreement, facts), start_place=_start_place(agreement))


def _start_place(agreement: m.Agreement) -> tuple | None:
    """``(words, Span)`` of the first thing in the file that starts anything: a rule's first
    `start on` / `start when` line, the `flow` block, a quota's `count` (or `sum`) line
    (SLA626 is said there); None when nothing starts."""
    found = []
    for r in agreement.rules:
        starts = [c for c in r.clauses if c.kind in ("start_on", "start_when")]
        if starts and starts[0].span is not None:
            found.append((f"`start` of {r.rule_kind} `{r.name.value}`", starts[0].span))
    for f in agreement.of("flow"):
        if f.span is not None:
            found.append(("the `flow` block", f.span))
    for q in agreement.quotas:
        if q.measure is not None and q.measure.span is not None:
            found.append((f"`{q.measure.kind}` of quota `{q.name.value}`", q.measure.span))
    if not found:
        return None
    return min(found, key=lambda item: (item[1].line or 0, item[1].column or 0))


def _field_reads(agreement: m.Agreement) -> tuple:
    """``(name, where, span)`` of each lead field the agreement reads (SLA614, SLA616), but
    not in a segment nothing uses (SLA217 says that one; its fields decide no verdict)."""
    from slacode.checks.context import Context
    from slacode.checks.names import used_segments

    unused = set(agreement.segments) - used_segments(Context.of(agreement)) if agreement.segments else ()
    return tuple((name, where, ref.span) for name, (where, ref) in lead_field_reads(agreement, unused).items())


def _zone_reads(agreement: m.Agreement) -> tuple:
    """``(words, Span)`` of each place that reads a lead's zone from its `timezone` field
    (SLA625): an `only between … in lead timezone` clause, and a `timezone lead` calendar
    (extension) that a rule's line or a used calendar choice names (at its `timezone lead`
    line), in the file's order."""
    from slacode.checks.context import CALENDAR_KINDS

    found = []
    used: set = set()
    for r in agreement.rules:
        for c in r.clauses:
            if c.kind == "only_between":
                found.append((f"`only between … in lead timezone` of {r.rule_kind} `{r.name.value}`", c.span))
            elif c.kind in CALENDAR_KINDS and getattr(c, "calendar", None) is not None:
                used.add(c.calendar.value)
    choices = agreement.calendar_choices
    used |= {p.calendar.value for name in used & set(choices) for p in choices[name].picks}
    for decl in agreement.of("calendar"):
        if decl.lead_zone and decl.name.value in used:
            span = next(i.span for i in decl.items if i.kind == "lead_timezone")
            found.append((f"calendar `{decl.name.value}` (`timezone lead`)", span))
    found.sort(key=lambda item: (item[1].line or 0, item[1].column or 0) if item[1] is not None else (0, 0))
    return tuple(found)


#: the words of a trigger list's clause in a diagnostic (`stop on`, `count`)
_ROLE_WORDS = {"start_on": "start on", "stop_on": "stop on", "cancel_on": "cancel on", "restart_on": "restart on",
               "breach_on": "breach on",
               "count": "count", "at_least_before": "at least … before", "sum": "sum … of"}


def _where_reads(agreement: m.Agreement) -> tuple:
    """Each event property a `where` reads, once per (rule or quota, clause, event type,
    property), in the file's order: ``(owner, role, type, property, Span, predicate, the
    predicate's closure)``, the owner as words (``deadline `accept```), the role the
    clause's words and the type (`stop on lead_updated`, `count call`, or `first where`). Only plain event types (not `enter`, `leave` nor virtual kinds); a
    `first where` reads the properties of the rule's attempts (its `count` types); the
    `where` of a `seen TYPE where P` fact, those of TYPE's events (role ``seen TYPE``)."""
    found: dict = {}

    def note(owner: str, role: str, types, pred) -> None:
        handled = _absence_handled(pred)
        for node in walk_pred(pred):
            ref = getattr(node, "field", None)
            if ref is None or ref.is_state or ref.name in handled:
                continue
            for ev_type in types:
                found.setdefault((owner, role, ev_type, ref.name), (ref.span, pred))

    def plain(t) -> bool:
        return t.kind == "event" and t.type is not None and t.nth is None and t.breach is None \
            and t.warning is None and t.success is None

    for r in agreement.rules:
        owner = f"{r.rule_kind} `{r.name.value}`"
        count_types = []
        for c in r.clauses:
            role = _ROLE_WORDS.get(c.kind)
            if role is None or not getattr(c, "triggers", None):
                continue
            for t in c.triggers:
                if plain(t):
                    if c.kind == "count":
                        count_types.append(t.type.value)
                    if t.where is not None:
                        note(owner, f"{role} {t.type.value}", (t.type.value,), t.where)
        for c in r.clauses:
            if c.kind == "first":
                note(owner, "first where", count_types or ([DEFAULT_COUNT_TYPE] if r.rule_kind == "attempts"
                                                           else []), c.predicate)
    for q in agreement.quotas:
        if q.measure is None:
            continue
        role = "count" if q.measure.kind == "count" else "sum … of"
        for t in q.measure.triggers:
            if plain(t) and t.where is not None:
                note(f"quota `{q.name.value}`", f"{role} {t.type.value}", (t.type.value,), t.where)
    # `seen TYPE where P` (extension): P reads the properties of TYPE's events, as a trigger's
    # `where` does, wherever the fact stands (a segment, a `when`, a trigger's `where` …)
    for owner, root in _owned_roots(agreement):
        for node in fact_nodes_of(root):
            if node.kind == "seen" and node.where is not None:
                note(owner, f"seen {node.type.value}", (node.type.value,), node.where)
    return tuple((owner, role, ev_type, prop, span, pred, compile_pred(pred, agreement.segments))
                 for (owner, role, ev_type, prop), (span, pred) in found.items())


def _owned_roots(agreement: m.Agreement):
    """``(owner words, predicate)`` of each predicate root of the agreement, in file order:
    segments (``segment `hot```), the clauses' predicates and the `where` of triggers of
    rules (``deadline `d```) and quotas (``quota `q```)."""
    for decl in agreement.declarations:
        kind = decl.kind
        if kind == "segment":
            yield f"segment `{decl.name.value}`", decl.predicate
            continue
        if kind not in ("rule", "quota"):
            continue
        owner = f"{decl.rule_kind} `{decl.name.value}`" if kind == "rule" else f"quota `{decl.name.value}`"
        for clause in (decl.clauses if kind == "rule" else decl.items):
            pred = getattr(clause, "predicate", None)
            if pred is not None:
                yield owner, pred
            for t in getattr(clause, "triggers", None) or ():
                if t.where is not None:
                    yield owner, t.where


def _absence_handled(pred) -> set:
    """The properties whose absence a predicate says what to do with: tested with `exists`
    or `missing`, or read under a `not` (`not (outcome == "connected")` holds without an
    `outcome`). A `where` that reads them so is not reported for events without them."""
    handled: set = set()
    stack = [(pred, False)]
    while stack:
        node, negated = stack.pop()
        kind = node.kind
        if kind in ("or", "and"):
            stack.extend((item, negated) for item in node.items)
        elif kind == "not":
            stack.append((node.item, True))
        else:
            ref = getattr(node, "field", None)
            if ref is not None and (negated or kind == "exists"):
                handled.add(ref.name)
    return handled


def _when_text(clauses: tuple) -> str:
    """The predicate of a rule's `stop when` (`cancel when`) line on one line, "" without one."""
    if not clauses:
        return ""
    from slacode.fmt import one_line

    return one_line(clauses[0].predicate)


def _each_trigger(written: tuple, compiled: tuple) -> tuple:
    """``(the trigger as written, its matcher)`` of each trigger of a list (`breach on`, for
    reasons naming the one that matched)."""
    if not written:
        return ()
    from slacode.fmt import one_line

    return tuple((one_line((w,)), matcher((c,))) for w, c in zip(written, compiled))


def _type_reads(agreement: m.Agreement, facts: list = ()) -> tuple:
    """``(type, Span)`` of the first trigger of the file naming each plain event type (not
    `enter`, `leave`, nor the extensions' virtual kinds)."""
    lists = [c.triggers for r in agreement.rules for c in r.clauses if getattr(c, "triggers", None)]
    lists += [q.measure.triggers for q in agreement.quotas if q.measure is not None]
    def place(span) -> tuple:
        return (span.line or 0, span.column or 0) if span is not None else (0, 0)

    found: dict = {}
    for triggers in lists:
        for t in triggers:
            if t.kind == "event" and t.type is not None and t.nth is None and t.breach is None \
                    and t.warning is None and t.success is None:
                had = found.get(t.type.value, False)
                if had is False or place(t.type.span) < place(had):
                    found[t.type.value] = t.type.span
    for node in facts:                                  # `seen TYPE`, `awaiting A since B` (extension)
        for name in ((node.type,) if node.kind == "seen" else (node.type, node.since)):
            had = found.get(name.value, False)
            if had is False or place(name.span) < place(had):
                found[name.value] = name.span
    return tuple(found.items())


def _breach_watch(agreement: m.Agreement, rules: list, defaults: dict) -> tuple:
    """The `breach of RULE [clause KEY]` and `warning of RULE [clause KEY]` triggers of
    every trigger list (rules' and quotas') whose RULE and clause exist (for a warning, a
    clause with warnings: :data:`WARNING_KINDS`): ``(RULE's index, key, clause kind, event
    kind)``, once each (the checks report the others)."""
    index = {rp.name: i for i, rp in enumerate(rules)}
    lists = [c.triggers for r in agreement.rules for c in r.clauses if getattr(c, "triggers", None)]
    lists += [q.measure.triggers for q in agreement.quotas if q.measure is not None]
    found: dict = {}
    for triggers in lists:
        for t in triggers:
            named = t.breach if t.breach is not None else t.warning if t.warning is not None else t.success
            if named is None or named[0].value not in index:
                continue
            rule, clause = named
            i = index[rule.value]
            key = clause.value if clause is not None else defaults[rule.value]
            kinds = {c.key: c.kind for c in rules[i].clauses}
            if key not in kinds:
                continue
            if t.breach is not None:
                kind = breach_kind(rule.value, key)
            elif t.warning is not None and kinds[key] in WARNING_KINDS:
                kind = warning_kind(rule.value, key)
            elif t.success is not None and kinds[key] in SUCCESS_KINDS:
                kind = success_kind(rule.value, key)
            else:
                continue
            found.setdefault(kind, (i, key, kinds[key], kind))
    return tuple(found.values())


def _nth_watch(agreement: m.Agreement, rules: list) -> tuple:
    """The `Nth attempt of RULE` triggers of the rules' start, stop, cancel and restart
    lists (and `breach on`, extension) whose RULE is an `attempts` rule: ``(its index, N, the
    event kind)``, once each."""
    index = {rp.name: i for i, rp in enumerate(rules) if rp.kind == "attempts"}
    found: dict = {}
    for rule in agreement.rules:
        for kind in ("start_on", "stop_on", "cancel_on", "restart_on", "breach_on"):
            for t in rule.triggers(kind):
                if t.nth is not None and t.nth[1].value in index and t.nth[0] >= 1:
                    found.setdefault(t.type.value, (index[t.nth[1].value], t.nth[0], NthKind(t.type.value)))
    return tuple(found.values())


def _types_of(triggers) -> frozenset:
    """The event types that can fire any of ``triggers`` (enter/leave: ``state`` events)."""
    types = frozenset(t.type for t in triggers if t.kind == "event")
    if any(t.kind in ("enter", "leave") for t in triggers):
        types |= {"state"}
    return types


def _clause(c, key, clock_of, segments, wall, defaults=None) -> Clause:
    if c.kind in ("within", "at_least_within", "require"):
        return Clause(key, c.kind)
    if c.kind == "at_least_before":
        return Clause(key, c.kind, n=int(c.n), triggers=compile_triggers(c.triggers, segments, defaults))
    if c.kind == "at_most_per_day":
        return Clause(key, c.kind, n=int(c.n), clock=clock_of(c.calendar) if c.calendar else wall)
    if c.kind == "at_least_per_day":
        clock = clock_of(c.calendar) if c.calendar else wall
        return Clause(key, c.kind, n=int(c.n), duration_us=_duration_us(c.duration, clock), clock=clock)
    if c.kind == "at_most_per_cycle":
        return Clause(key, c.kind, n=int(c.n))
    if c.kind == "gap":
        return Clause(key, c.kind, duration_us=c.duration.seconds(86_400) * 1_000_000)
    if c.kind == "gap_at_most":
        clock = clock_of(c.calendar) if c.calendar else wall
        return Clause(key, c.kind, duration_us=_duration_us(c.duration, clock), clock=clock,
                      written=c.duration.compact())
    if c.kind == "first":       # (the predicate as written, for the reason of a breach)
        return Clause(key, c.kind, pred=compile_pred(c.predicate, segments), place=c.predicate)
    if c.kind == "only_during":
        return Clause(key, c.kind, clock=clock_of(c.calendar))
    if c.kind == "only_between":
        w = c.window
        return Clause(key, c.kind, window=(_minutes(w.start), _minutes(w.end)), clock=wall, place=c.span)
    raise ValueError(c.kind)  # pragma: no cover
