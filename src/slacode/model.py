"""The agreement model: frozen pydantic nodes, one class per grammar rule.

Every node carries the :class:`~slacode.diagnostics.Span` it was read from (excluded from
dumps and equality of dumps, so ``a.model_dump() == b.model_dump()`` compares meaning, not
layout). Values are kept as written (a time ``25:00`` is a ``TimeOfDay(hour=25)``) so that
the checks in :mod:`slacode.checks` can point at them; the checks decide what is valid.

The root is :class:`Agreement`; it also offers the runtime entry points (calendars,
evaluation) by importing those stages lazily.
"""
# No ``from __future__ import annotations`` here: pydantic would then evaluate every field's
# annotation from its text when each class is created (some 200 ``eval`` calls, about 4 ms of
# a cold start); written as objects they cost nothing extra. Forward references are quoted.

import datetime as _dt
import importlib.util
import sys
import types
from collections.abc import Mapping
from functools import cached_property
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Iterable, Literal, Union


def _import_pydantic() -> None:
    """Import pydantic without running ``asyncio/__init__.py`` (about 10 ms of a cold start).

    Importing pydantic decorates a few functions with ``typing_extensions.deprecated``, which
    does ``import asyncio.coroutines`` to ask whether each is a coroutine function; that
    imports the whole ``asyncio`` package (sockets, ssl, subprocesses, event loops), which
    slacode never uses. While pydantic is imported, ``asyncio`` here is a stand-in package
    with the real one's folder, so ``asyncio.coroutines`` (a small module) is the real file;
    any other use of the stand-in imports the real package. Afterwards neither name is left
    in ``sys.modules``: a later ``import asyncio`` is the ordinary, complete one. Nothing
    happens when pydantic or asyncio is imported already.
    """
    if "pydantic.main" in sys.modules or "asyncio" in sys.modules:
        return
    spec = importlib.util.find_spec("asyncio")
    if spec is None or not spec.submodule_search_locations:
        import pydantic.main  # noqa: F401
        return
    stand_in = _AsyncioStandIn("asyncio")
    stand_in.__path__ = list(spec.submodule_search_locations)
    sys.modules["asyncio"] = stand_in
    try:
        import pydantic.main  # noqa: F401
    finally:
        if sys.modules.get("asyncio") is stand_in:
            del sys.modules["asyncio"]
            loaded = stand_in.__dict__.get("coroutines")
            if loaded is not None and sys.modules.get("asyncio.coroutines") is loaded:
                del sys.modules["asyncio.coroutines"]


class _AsyncioStandIn(types.ModuleType):
    """``asyncio`` while pydantic is imported: its submodules are the real files; any other
    attribute imports the real package (and is that package's)."""

    def __getattr__(self, attr: str):
        if sys.modules.get("asyncio") is self:
            del sys.modules["asyncio"]
            if sys.modules.get("asyncio.coroutines") is self.__dict__.get("coroutines"):
                del sys.modules["asyncio.coroutines"]
        import asyncio
        return getattr(asyncio, attr)


_import_pydantic()

from pydantic import BaseModel, ConfigDict, Field  # noqa: E402

from slacode.diagnostics import Span  # noqa: E402

if TYPE_CHECKING:  # pragma: no cover
    import os
    from typing import BinaryIO, Iterator

    from slacode.evaluate import Result
    from slacode.report.due import DueList

DAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class Calendars(Mapping):
    """An agreement's calendars by name: a read-only mapping that copies and pickles."""

    __slots__ = ("_by_name",)

    def __init__(self, by_name: dict):
        self._by_name = dict(by_name)

    def __getitem__(self, name: str):
        return self._by_name[name]

    def __iter__(self):
        return iter(self._by_name)

    def __len__(self) -> int:
        return len(self._by_name)

    def __repr__(self) -> str:
        return f"Calendars({self._by_name!r})"

    def __getstate__(self) -> dict:
        return {"_by_name": self._by_name}

    def __setstate__(self, state: dict) -> None:
        self._by_name = state["_by_name"]


class Node(BaseModel):
    # Validators are built on first use only: the builder constructs nodes from a parse tree
    # it has already checked (``model_construct``), so loading never pays for them.
    model_config = ConfigDict(frozen=True, extra="forbid", defer_build=True)

    span: Span | None = Field(default=None, exclude=True, repr=False)


# ------------------------------------------------------------------------- literals

class Name(Node):
    """An identifier as written, with its place (declarations and references alike).

    An event type or a state may be written in backquotes (an extension: `` `form-fill` ``,
    `` `Open - Not Contacted` ``): ``value`` is the text between them, and ``quoted`` says
    so. ``quoted`` is layout, not meaning (excluded from dumps like the span): `` `mql` `` is
    the state `mql`; it only spares a declared state the snake_case warning and tells ``fmt``
    to keep the backquotes where they are not needed to read the name."""

    value: str
    quoted: bool = Field(default=False, exclude=True, repr=False)

    def __str__(self) -> str:
        return self.value


class SegmentAnd(Node):
    """`for A and B [and C …]` (extension, docs/extensions.md): a line that applies when every
    named segment holds. ``value`` (and ``str()``) is the conjunction as written,
    ``hot and emea``: what `fmt` writes after `for` and what a verdict's ``segment`` says. A
    line `for A` keeps a plain :class:`Name`; :func:`segment_names` reads both."""

    names: tuple[Name, ...]

    @property
    def value(self) -> str:
        return " and ".join(n.value for n in self.names)

    def __str__(self) -> str:
        return self.value


def segment_names(segment) -> "tuple[Name, ...]":
    """The segment names of a line's `for …` part: ``()`` without one, ``(A,)`` for `for A`,
    ``(A, B)`` for `for A and B` (extension)."""
    if segment is None:
        return ()
    if isinstance(segment, SegmentAnd):
        return segment.names
    return (segment,)


class StringLit(Node):
    """A quoted text as written (a test's name, a period …): ``value`` is the text, and so
    is ``str()`` of it."""

    value: str

    def __str__(self) -> str:
        return self.value


class Duration(Node):
    """``1d4h30m``: days are working days on a calendar (its day length), 24h without."""

    days: int = 0
    hours: int = 0
    minutes: int = 0

    def seconds(self, day_seconds: int = 86_400) -> int:
        return self.days * day_seconds + self.hours * 3600 + self.minutes * 60

    @property
    def has_days(self) -> bool:
        return self.days != 0

    def compact(self) -> str:
        parts = [f"{v}{u}" for v, u in ((self.days, "d"), (self.hours, "h"), (self.minutes, "m")) if v]
        return "".join(parts) or "0m"


class TimeOfDay(Node):
    hour: int
    minute: int

    @property
    def minutes(self) -> int:
        return self.hour * 60 + self.minute

    @property
    def valid(self) -> bool:
        return (0 <= self.hour < 24 and 0 <= self.minute < 60) or (self.hour == 24 and self.minute == 0)

    def text(self) -> str:
        return f"{self.hour:02d}:{self.minute:02d}"


class TimeRange(Node):
    start: TimeOfDay
    end: TimeOfDay

    @property
    def overnight(self) -> bool:
        return self.end.minutes < self.start.minutes

    def text(self) -> str:
        return f"{self.start.text()}-{self.end.text()}"


class DateLit(Node):
    year: int
    month: int
    day: int

    @property
    def value(self) -> _dt.date | None:
        try:
            return _dt.date(self.year, self.month, self.day)
        except ValueError:
            return None

    def text(self) -> str:
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"


class TimestampLit(Node):
    text: str

    @property
    def value(self) -> _dt.datetime | None:
        """The instant, or None when the text is not a valid RFC 3339 timestamp with offset."""
        try:
            t = _dt.datetime.fromisoformat(self.text)
        except ValueError:
            return None
        return t if t.tzinfo is not None else None


class DayItem(Node):
    """``mon``, ``mon-fri`` (``last`` set) or ``daily``."""

    first: int | None = None
    last: int | None = None
    daily: bool = False

    @property
    def weekdays(self) -> frozenset[int]:
        if self.daily:
            return frozenset(range(7))
        if self.last is None:
            return frozenset({self.first})
        if self.last >= self.first:
            return frozenset(range(self.first, self.last + 1))
        return frozenset(list(range(self.first, 7)) + list(range(0, self.last + 1)))

    def text(self) -> str:
        if self.daily:
            return "daily"
        if self.last is None:
            return DAY_NAMES[self.first]
        return f"{DAY_NAMES[self.first]}-{DAY_NAMES[self.last]}"


# ----------------------------------------------------------------------- predicates

class FieldRef(Node):
    """A lead field or event property; ``state`` (the keyword) is the lifecycle state."""

    name: str
    quoted: bool = False
    is_state: bool = False

    def text(self) -> str:
        if self.is_state:
            return "state"
        return f"`{self.name}`" if self.quoted else self.name


#: The bare name that stands for the lead's assignee on the right of `==` / `!=` in a
#: `where` (an extension: `restart on assigned where owner != assignee`).
ASSIGNEE = "assignee"


class Value(Node):
    kind: Literal["string", "number", "bool", "name", "null"]
    value: str | int | float | bool | None
    #: a name written in backquotes (`` state == `Working - Contacted` ``): layout only, see :class:`Name`
    quoted: bool = Field(default=False, exclude=True, repr=False)


class Or(Node):
    kind: Literal["or"] = "or"
    items: tuple["Pred", ...]


class And(Node):
    kind: Literal["and"] = "and"
    items: tuple["Pred", ...]


class Not(Node):
    kind: Literal["not"] = "not"
    item: "Pred"


class Compare(Node):
    kind: Literal["compare"] = "compare"
    field: FieldRef
    op: Literal["==", "!=", "<", "<=", ">", ">="]
    value: Value


class Member(Node):
    kind: Literal["member"] = "member"
    field: FieldRef
    values: tuple[Value, ...]
    negated: bool = False


class Exists(Node):
    """``FIELD exists`` (or ``FIELD missing`` when ``negated``)."""

    kind: Literal["exists"] = "exists"
    field: FieldRef
    negated: bool = False


class TextTest(Node):
    """``FIELD contains "x"`` / ``FIELD starts with "x"``."""

    kind: Literal["text"] = "text"
    field: FieldRef
    op: Literal["contains", "starts_with"]
    text: StringLit


class SegmentRef(Node):
    kind: Literal["segment"] = "segment"
    name: Name


class BoolConst(Node):
    kind: Literal["bool"] = "bool"
    value: bool


class Seen(Node):
    """``seen TYPE [where P]`` (extension): true from the lead's first event of ``type`` (for
    which ``where``, judged on that event's own properties, holds) onwards."""

    kind: Literal["seen"] = "seen"
    type: Name
    where: "Pred | None" = None


class Awaiting(Node):
    """``awaiting A since B`` (extension): true from each event of type ``since`` up to the
    next event of type ``type`` (that one excluded)."""

    kind: Literal["awaiting"] = "awaiting"
    type: Name
    since: Name


#: the predicate kinds that read the lead's events rather than its fields (extension)
FACT_KINDS = frozenset({"seen", "awaiting"})


Pred = Annotated[Union[Or, And, Not, Compare, Member, Exists, TextTest, SegmentRef, BoolConst, Seen, Awaiting],
                 Field(discriminator="kind")]


# ------------------------------------------------------------------------- triggers

def default_clause_of(rule_kind: str) -> str:
    """The clause a rule of ``rule_kind`` is measured by when none is named (a target's
    `rule R`, a trigger's `breach of R`): `at_least_within` for `attempts`, else `within`."""
    return "at_least_within" if rule_kind == "attempts" else "within"


def nth_type(n: int, rule: str) -> str:
    """The text of the trigger ``Nth attempt of RULE`` (``6th attempt of follow_up``): also
    the event kind the evaluation gives it, which no event's ``type`` can equal."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix} attempt of {rule}"


def breach_type(rule: str, clause: str | None) -> str:
    """The text of the trigger ``breach of RULE [clause KEY]`` as written (also what ``fmt``
    writes); the evaluation matches the canonical ``breach of RULE clause KEY``, the default
    clause filled in (:func:`slacode.compile.breach_kind`)."""
    return f"breach of {rule}" + (f" clause {clause}" if clause is not None else "")


def warning_type(rule: str, clause: str | None) -> str:
    """The text of the trigger ``warning of RULE [clause KEY]`` as written (also what ``fmt``
    writes); the evaluation matches the canonical ``warning of RULE clause KEY``, the default
    clause filled in (:func:`slacode.compile.warning_kind`)."""
    return f"warning of {rule}" + (f" clause {clause}" if clause is not None else "")


def success_type(rule: str, clause: str | None) -> str:
    """The text of the trigger ``success of RULE [clause KEY]`` as written (also what ``fmt``
    writes); the evaluation matches the canonical ``success of RULE clause KEY``, the default
    clause filled in (:func:`slacode.compile.success_kind`)."""
    return f"success of {rule}" + (f" clause {clause}" if clause is not None else "")


class Trigger(Node):
    """``enter a, b`` / ``leave a`` / ``TYPE`` / ``TYPE where PREDICATE`` / ``Nth attempt of
    RULE`` (extension: an event kind of its own, the event that is that rule's Nth attempt
    in a cycle; ``type`` holds its text, and ``nth`` its parts: the plan matches a kind no
    input event's type equals) /
    ``breach of RULE [clause KEY]`` (extension: the virtual event at the instant a cycle of
    RULE breached that clause; ``type`` holds its text, ``breach`` the rule and the clause
    as written, None for the rule's default clause) /
    ``warning of RULE [clause KEY]`` (extension: the virtual event at the instant a cycle of
    RULE reached its (earliest) warning; ``warning`` holds the rule and the clause as
    ``breach`` does) /
    ``success of RULE [clause KEY]`` (extension: the virtual event at the instant a cycle of
    RULE was met, a stop by its deadline or, in an `attempts` rule, its Nth attempt;
    ``success`` holds the rule and the clause as ``breach`` does)."""

    kind: Literal["enter", "leave", "event"]
    states: tuple[Name, ...] = ()
    type: Name | None = None
    where: Pred | None = None
    nth: tuple[int, Name] | None = None
    breach: tuple[Name, Name | None] | None = None
    warning: tuple[Name, Name | None] | None = None
    success: tuple[Name, Name | None] | None = None


# -------------------------------------------------------------------------- clauses

class Owner(Node):
    kind: Literal["owner"] = "owner"
    team: Name


class StartOn(Node):
    kind: Literal["start_on"] = "start_on"
    triggers: tuple[Trigger, ...]
    once: bool = False              # `start once on …` (extension): one cycle per lead


class StartWhen(Node):
    kind: Literal["start_when"] = "start_when"
    predicate: Pred
    once: bool = False              # `start once when …` (extension): one cycle per lead


class StopOn(Node):
    kind: Literal["stop_on"] = "stop_on"
    triggers: tuple[Trigger, ...]


class CancelOn(Node):
    kind: Literal["cancel_on"] = "cancel_on"
    triggers: tuple[Trigger, ...]


class StopWhen(Node):
    """`stop when PREDICATE` (extension): after each event, an open cycle is stopped if the
    predicate (over the lead's fields and state) holds."""

    kind: Literal["stop_when"] = "stop_when"
    predicate: Pred


class CancelWhen(Node):
    """`cancel when PREDICATE` (extension): as `stop when`, but the cycle is cancelled (judged
    after `stop when`)."""

    kind: Literal["cancel_when"] = "cancel_when"
    predicate: Pred


class BreachOn(Node):
    """`breach on TRIGGER` (extension, handoffs and deadlines): an event that matches closes
    the open cycle as breached (judged after a stop, before a cancel or a restart)."""

    kind: Literal["breach_on"] = "breach_on"
    triggers: tuple[Trigger, ...]


class BreachWhen(Node):
    """`breach when PREDICATE` (extension, handoffs and deadlines): as `stop when`, but the
    cycle is closed as breached (judged after `stop when`, before `cancel when`)."""

    kind: Literal["breach_when"] = "breach_when"
    predicate: Pred


class RestartOn(Node):
    kind: Literal["restart_on"] = "restart_on"
    triggers: tuple[Trigger, ...]


class PauseWhile(Node):
    kind: Literal["pause_while"] = "pause_while"
    predicate: Pred


class WorkingDay(Node):
    """A target by the working day (extension, docs/extensions.md): `same working day`, with
    an optional cut-off (`, after 15:00 [by 12:00] next working day`), or `next working day
    [by 12:00]`. ``first`` is the form, ``by`` the time of `next working day by T`; ``late``
    says the line has a cut-off part, ``cutoff`` its time and ``late_by`` its `by` time
    (None: the close of the next working day)."""

    first: Literal["same", "next"]
    by: TimeOfDay | None = None
    late: bool = False
    cutoff: TimeOfDay | None = None
    late_by: TimeOfDay | None = None

    def head(self) -> str:
        """``same working day``, ``next working day by 12:00``: the part before `on CAL`."""
        by = f" by {self.by.text()}" if self.by is not None else ""
        return f"{self.first} working day{by}"

    def tail(self) -> str:
        """``, after 15:00 by 12:00 next working day`` (the cut-off part, after `on CAL`), or ``""``."""
        if not self.late or self.cutoff is None:
            return ""
        by = f" by {self.late_by.text()}" if self.late_by is not None else ""
        return f", after {self.cutoff.text()}{by} next working day"

    def text(self, on: str = "") -> str:
        """The target as `fmt` writes it, with `` on CAL`` (``on``) in its place."""
        return f"{self.head()}{on}{self.tail()}"


class Within(Node):
    """``within DURATION [on CAL] [for SEGMENT]``, or (extension) a target by the working
    day: ``within same working day [on CAL][, after …] [for SEGMENT]`` (``day`` set,
    ``duration`` None), or (extension) a deadline from a lead field: ``due at FIELD [on CAL]
    [for SEGMENT]`` (``due`` set, ``duration`` None)."""

    kind: Literal["within"] = "within"
    duration: Duration | None = None
    calendar: Name | None = None
    segment: Union[Name, SegmentAnd, None] = None
    day: WorkingDay | None = None
    #: ``due at FIELD [on CAL] [for SEGMENT]`` (extension, docs/extensions.md): the deadline is
    #: the instant in lead field FIELD at the cycle's start (``duration`` and ``day`` None)
    due: FieldRef | None = None


class Retarget(Node):
    """`retarget when segment changes` (extension): while a cycle is open, the target line
    is chosen again at every event, as at the start (docs/extensions.md)."""

    kind: Literal["retarget"] = "retarget"


class Recur(Node):
    """`recur [sequential] [while P]` (extension, handoffs and deadlines): after a cycle is
    stopped, the next cycle of the rule opens by itself if P holds then (no `while`:
    always); at the stop, or (``sequential``) at the later of the stop and the closed
    cycle's deadline (docs/extensions.md)."""

    kind: Literal["recur"] = "recur"
    sequential: bool = False
    predicate: Pred | None = None


class Warn(Node):
    """`warn at P%` (``percent``) or `warn DURATION before` (``before``: the working time
    left at which the clock is at risk)."""

    kind: Literal["warn"] = "warn"
    percent: int | float | None = None
    before: Duration | None = None

    def text(self) -> str:
        """The line as `fmt` writes it."""
        if self.before is not None:
            return f"warn {self.before.compact()} before"
        return f"warn at {self.percent:g}%"


class Require(Node):
    """`require FIELD, … [where PREDICATE]`: the fields present and non-empty at the stop,
    and (extension) the predicate over the lead's fields holding there."""

    kind: Literal["require"] = "require"
    fields: tuple[FieldRef, ...]
    predicate: Pred | None = None


class Count(Node):
    kind: Literal["count"] = "count"
    triggers: tuple[Trigger, ...]
    #: a quota's `count … for SEGMENT`: only events of leads in the segment (extension)
    segment: Union[Name, SegmentAnd, None] = None


class Sum(Node):
    """A quota's `sum PROP of TRIGGER… [for SEGMENT]` (extension): adds up the event
    property ``prop`` of the matching events instead of counting them."""

    kind: Literal["sum"] = "sum"
    prop: FieldRef
    triggers: tuple[Trigger, ...]
    segment: Union[Name, SegmentAnd, None] = None


class AtLeastWithin(Node):
    """``at least N within DURATION [on CAL] [for SEGMENT]``, or by the working day (``day``
    set, ``duration`` None; see :class:`Within`)."""

    kind: Literal["at_least_within"] = "at_least_within"
    n: int | float
    duration: Duration | None = None
    calendar: Name | None = None
    segment: Union[Name, SegmentAnd, None] = None
    day: WorkingDay | None = None


def target_text(line) -> str:
    """The target of a `within` / `at least N within` line with its calendar, as `fmt` writes
    it: ``4h on br``, ``same working day on br, after 15:00 next working day``."""
    on = f" on {line.calendar.value}" if line.calendar is not None else ""
    if getattr(line, "due", None) is not None:
        return f"at {line.due.text()}{on}"
    if line.day is not None:
        return line.day.text(on)
    return f"{line.duration.compact()}{on}"


def day_times(line) -> tuple:
    """The times of day a target by the working day names (`by`, `after`), else ``()``."""
    day = line.day
    if day is None:
        return ()
    return tuple(t for t in (day.by, day.cutoff, day.late_by) if t is not None)


class AtLeastBefore(Node):
    kind: Literal["at_least_before"] = "at_least_before"
    n: int | float
    triggers: tuple[Trigger, ...]


class AtMostPerDay(Node):
    kind: Literal["at_most_per_day"] = "at_most_per_day"
    n: int | float
    calendar: Name | None = None


class AtLeastPerDay(Node):
    kind: Literal["at_least_per_day"] = "at_least_per_day"
    n: int | float
    duration: Duration
    calendar: Name | None = None


class AtMostPerCycle(Node):
    kind: Literal["at_most_per_cycle"] = "at_most_per_cycle"
    n: int | float


class Gap(Node):
    kind: Literal["gap"] = "gap"
    duration: Duration


class GapAtMost(Node):
    """``gap at most D [on CAL]`` (extension): no longer than ``D`` without an attempt."""

    kind: Literal["gap_at_most"] = "gap_at_most"
    duration: Duration
    calendar: Name | None = None


class First(Node):
    kind: Literal["first"] = "first"
    predicate: Pred


class OnlyDuring(Node):
    kind: Literal["only_during"] = "only_during"
    calendar: Name


class OnlyBetween(Node):
    kind: Literal["only_between"] = "only_between"
    window: TimeRange


Clause = Annotated[Union[Owner, StartOn, StartWhen, StopOn, StopWhen, CancelOn, CancelWhen, BreachOn,
                         BreachWhen, RestartOn, PauseWhile,
                         Within, Warn, Retarget, Recur, Require, Count, AtLeastWithin, AtLeastBefore, AtMostPerDay,
                         AtLeastPerDay, AtMostPerCycle, Gap, GapAtMost, First, OnlyDuring, OnlyBetween],
                   Field(discriminator="kind")]

#: clause kinds that only make sense in an `attempts` rule
ATTEMPTS_ONLY = frozenset({"count", "at_least_within", "at_least_before", "at_most_per_day",
                           "at_least_per_day", "at_most_per_cycle", "gap", "gap_at_most", "first", "only_during",
                           "only_between"})


# ---------------------------------------------------------------------- expressions

class Number(Node):
    kind: Literal["number"] = "number"
    value: int | float


class Constant(Node):
    kind: Literal["constant"] = "constant"
    name: Name


class Binary(Node):
    kind: Literal["binary"] = "binary"
    op: Literal["+", "-", "*", "/"]
    left: "Expr"
    right: "Expr"


class Negate(Node):
    kind: Literal["negate"] = "negate"
    item: "Expr"


class Call(Node):
    kind: Literal["call"] = "call"
    func: Name
    args: tuple["Expr", ...]


class Chain(Node):
    """``a + b - c …`` or ``a * b / c …``: two or more operators of one precedence, applied
    left to right (``((a + b) - c) …``). The flat form of what would otherwise be a Binary
    nested once per operator, so that a generated sum of thousands of terms is one node
    deep, not thousands (every walker, ``model_dump`` and pickling included, copes)."""
    kind: Literal["chain"] = "chain"
    first: "Expr"
    ops: tuple[Literal["+", "-", "*", "/"], ...]
    rest: tuple["Expr", ...]


#: precedence of the arithmetic operators (a Chain holds operators of one level)
EXPR_LEVEL = {"+": 1, "-": 1, "*": 2, "/": 2}


def arithmetic(op: str, left: Any, right: Any, span: Any = None):
    """``left op right`` in the one form the parser gives: a :class:`Binary`, or a
    :class:`Chain` when ``left`` already applies operators of ``op``'s level (``(a + b) +
    c`` is the chain ``a + b + c``, as it means the same)."""
    level = EXPR_LEVEL[op]
    kind = getattr(left, "kind", None)
    if kind == "binary" and EXPR_LEVEL[left.op] == level:
        return Chain.model_construct(first=left.left, ops=(left.op, op), rest=(left.right, right), span=span)
    if kind == "chain" and EXPR_LEVEL[left.ops[0]] == level:
        return Chain.model_construct(first=left.first, ops=left.ops + (op,), rest=left.rest + (right,), span=span)
    return Binary.model_construct(op=op, left=left, right=right, span=span)


Expr = Annotated[Union[Number, Constant, Binary, Chain, Negate, Call], Field(discriminator="kind")]


# --------------------------------------------------------------------- declarations

class Version(Node):
    kind: Literal["version"] = "version"
    value: StringLit


class Timezone(Node):
    kind: Literal["timezone"] = "timezone"
    value: StringLit


class Teams(Node):
    kind: Literal["teams"] = "teams"
    names: tuple[Name, ...]


AgreementItem = Annotated[Union[Version, Timezone, Teams], Field(discriminator="kind")]


class Block(Node):
    """A declaration whose body is a list of ``items``, each with a ``kind``."""

    def _first(self, kind):
        return next((i for i in self.items if i.kind == kind), None)


class OwnedBlock(Block):
    """A :class:`Block` with an `owner` item (targets and quotas)."""

    @property
    def owner(self) -> Name | None:
        item = self._first("owner")
        return item.team if item else None


class AgreementDecl(Block):
    kind: Literal["agreement"] = "agreement"
    id: StringLit
    items: tuple[AgreementItem, ...] = ()

    @property
    def version(self) -> str | None:
        item = self._first("version")
        return item.value.value if item else None

    @property
    def timezone(self) -> StringLit | None:
        item = self._first("timezone")
        return item.value if item else None

    @property
    def teams(self) -> tuple[Name, ...]:
        return tuple(n for i in self.items if i.kind == "teams" for n in i.names)


class Hours(Node):
    kind: Literal["hours"] = "hours"
    days: tuple[DayItem, ...]
    ranges: tuple[TimeRange, ...]

    @property
    def weekdays(self) -> frozenset[int]:
        out: set[int] = set()
        for d in self.days:
            out |= d.weekdays
        return frozenset(out)


class HolidayPick(Node):
    """One item after `holidays "CC" with` (extension): a category of the ``holidays``
    package (``category``, written as a word: `optional`) or the name of a holiday to add
    (written as a string: `"Carnival"`)."""

    value: str
    category: bool


class Holidays(Node):
    kind: Literal["holidays"] = "holidays"
    regions: tuple[StringLit, ...]
    #: `with …`: categories and holiday names added to each code's public holidays
    picks: tuple[HolidayPick, ...] = ()


class Closed(Node):
    kind: Literal["closed"] = "closed"
    dates: tuple[DateLit, ...]


class Open(Node):
    kind: Literal["open"] = "open"
    date: DateLit
    ranges: tuple[TimeRange, ...]


class DayLength(Node):
    kind: Literal["day_length"] = "day_length"
    duration: Duration


class LeadTimezone(Node):
    """`timezone lead` in a calendar (extension): its hours are read in the zone of each
    lead's `timezone` field, as of the cycle's start (the agreement's zone without one)."""

    kind: Literal["lead_timezone"] = "lead_timezone"


CalendarItem = Annotated[Union[Timezone, LeadTimezone, Hours, Holidays, Closed, Open, DayLength],
                         Field(discriminator="kind")]


class CalendarDecl(Node):
    kind: Literal["calendar"] = "calendar"
    name: Name
    items: tuple[CalendarItem, ...] = ()

    def of(self, kind: str) -> tuple:
        """The calendar's lines of one kind (``"hours"``, ``"holidays"`` …), in file order."""
        return tuple(i for i in self.items if i.kind == kind)

    @property
    def timezone(self) -> StringLit | None:
        tz = self.of("timezone")
        return tz[0].value if tz else None

    @property
    def lead_zone(self) -> bool:
        """Whether the calendar is in each lead's own zone (`timezone lead`, extension)."""
        return any(i.kind == "lead_timezone" for i in self.items)

    def day_minutes(self) -> int:
        """What `1d` means on this calendar, in minutes: its `day` line, else the largest
        total of one weekday's hours (overnight parts included, §13). Ranges without
        valid, distinct ends count for nothing (the checks report them)."""
        given = self.of("day_length")
        if given:
            return given[0].duration.seconds() // 60
        totals = [0] * 7
        for item in self.of("hours"):
            for rng in item.ranges:
                start, end = rng.start, rng.end
                if not (start.valid and end.valid and start.hour != 24 and start.minutes != end.minutes):
                    continue
                length = end.minutes - start.minutes if end.minutes > start.minutes else end.minutes + 1440 - start.minutes
                for day in item.weekdays:
                    totals[day] += length
        return max(totals)


class StateDecl(Node):
    name: Name
    final: bool = False


class StatesDecl(Node):
    kind: Literal["states"] = "states"
    states: tuple[StateDecl, ...] = ()


class FlowLine(Node):
    source: Name
    targets: tuple[Name, ...]


class FlowDecl(Node):
    kind: Literal["flow"] = "flow"
    lines: tuple[FlowLine, ...] = ()


class CalendarPick(Node):
    """One choice of a :class:`CalendarChoice`: a calendar, for a segment (None: the default)."""

    calendar: Name
    segment: Union[Name, SegmentAnd, None] = None


class CalendarChoice(Node):
    """``calendar NAME = CAL for SEGMENT, …, CAL`` (extension): a name for one of several
    calendars, picked per lead when a cycle starts (the first pick whose segment holds, else
    the one without `for`), in `within` and `at least … within` lines."""

    kind: Literal["calendar_choice"] = "calendar_choice"
    name: Name
    picks: tuple[CalendarPick, ...] = ()


class SegmentDecl(Node):
    kind: Literal["segment"] = "segment"
    name: Name
    predicate: Pred


class LetDecl(Node):
    kind: Literal["let"] = "let"
    name: Name
    expr: Expr


class Rule(Node):
    """A ``handoff``, ``deadline`` or ``attempts`` rule; clauses in the order written."""

    kind: Literal["rule"] = "rule"
    rule_kind: Literal["handoff", "deadline", "attempts"]
    name: Name
    clauses: tuple[Clause, ...] = ()

    def of(self, kind: str) -> tuple:
        """The rule's clauses of one kind (``"within"``, ``"warn"`` …), in file order."""
        return tuple(c for c in self.clauses if c.kind == kind)

    @property
    def owner(self) -> Name | None:
        owners = self.of("owner")
        return owners[0].team if owners else None

    def triggers(self, kind: str) -> tuple[Trigger, ...]:
        """All triggers of every clause of ``kind`` (``start_on``, ``stop_on`` …)."""
        return tuple(t for c in self.of(kind) for t in c.triggers)


class TargetRule(Node):
    kind: Literal["target_rule"] = "target_rule"
    rule: Name
    clause: Name | None = None
    segment: Union[Name, SegmentAnd, None] = None


class TargetGoal(Node):
    """`at least P% met per PERIOD`; ``period`` is `day`, `week`, `month`, `quarter` or
    (extension) `working day`, whose calendar is ``calendar`` (`per working day on CAL`)."""

    kind: Literal["target_goal"] = "target_goal"
    percent: Expr
    period: str
    calendar: Name | None = None

    def period_text(self) -> str:
        """The period as written: ``week``, ``working day on office``."""
        return period_text(self.period, self.calendar)


class ByAssignee(Node):
    """`by assignee` in a target or quota: one goal per rep (extension)."""

    kind: Literal["by_assignee"] = "by_assignee"


class ByField(Node):
    """`by FIELD` in a target or quota: one goal per value of a lead field (extension).
    ``fields`` holds every key written; more than one is refused by the checks (SLA341), and
    a key written as the bare word `assignee` beside others is kept as a field of that name."""

    kind: Literal["by_field"] = "by_field"
    fields: tuple[FieldRef, ...]

    @property
    def field(self) -> FieldRef:
        return self.fields[0]


TargetItem = Annotated[Union[Owner, TargetRule, TargetGoal, ByAssignee, ByField], Field(discriminator="kind")]


class TargetDecl(OwnedBlock):
    kind: Literal["target"] = "target"
    name: Name
    items: tuple[TargetItem, ...] = ()

    @property
    def rule(self) -> TargetRule | None:
        return self._first("target_rule")

    @property
    def goal(self) -> TargetGoal | None:
        return self._first("target_goal")

    @property
    def by_assignee(self) -> bool:
        return self._first("by_assignee") is not None

    @property
    def by_field(self) -> str | None:
        """The lead field a `by FIELD` line groups by (its first key), or None."""
        by = self._first("by_field")
        return by.field.name if by is not None else None


class QuotaGoal(Node):
    """`at least|most N per PERIOD`; ``period`` as :class:`TargetGoal`'s."""

    kind: Literal["quota_goal"] = "quota_goal"
    bound: Literal["least", "most"]
    amount: Expr
    period: str
    calendar: Name | None = None

    def period_text(self) -> str:
        """The period as written: ``month``, ``working day on office``."""
        return period_text(self.period, self.calendar)


#: A goal's period of working dates (extension: `per working day on CAL`).
WORKING_DAY = "working day"


def period_text(period: str, calendar: Name | None) -> str:
    """A goal's period as written after `per` (``working day on office``)."""
    return f"{period} on {calendar.value}" if calendar is not None else period


class QuotaPace(Node):
    """`warn behind pace [on CAL]` in a quota (extension): a running period of an `at least`
    goal is ``at_risk`` while the amount so far is below the goal times the share of the
    period gone, wall-clock time or (``calendar``) the working time of CAL."""

    kind: Literal["quota_pace"] = "quota_pace"
    calendar: Name | None = None

    def text(self) -> str:
        """The line as written: ``warn behind pace on br``."""
        return "warn behind pace" + (f" on {self.calendar.value}" if self.calendar is not None else "")


QuotaItem = Annotated[Union[Owner, Count, Sum, QuotaGoal, ByAssignee, ByField, QuotaPace], Field(discriminator="kind")]


class QuotaDecl(OwnedBlock):
    kind: Literal["quota"] = "quota"
    name: Name
    items: tuple[QuotaItem, ...] = ()

    @property
    def count(self) -> Count | None:
        """The `count` line (None for a quota that sums: see :attr:`measure`)."""
        return self._first("count")

    @property
    def sum(self) -> Sum | None:
        """The `sum PROP of …` line (extension), or None."""
        return self._first("sum")

    @property
    def measure(self) -> Count | Sum | None:
        """What the quota measures: its first `count` or `sum` line (triggers and segment)."""
        return next((i for i in self.items if i.kind in ("count", "sum")), None)

    @property
    def goal(self) -> QuotaGoal | None:
        return self._first("quota_goal")

    @property
    def pace(self) -> QuotaPace | None:
        """The `warn behind pace [on CAL]` line (extension), or None."""
        return self._first("quota_pace")

    @property
    def by_assignee(self) -> bool:
        return self._first("by_assignee") is not None

    @property
    def by_field(self) -> str | None:
        """The lead field a `by FIELD` line groups by (its first key), or None."""
        by = self._first("by_field")
        return by.field.name if by is not None else None


# ---------------------------------------------------------------------------- tests

class Assignment(Node):
    key: FieldRef
    value: Value


class TestAsOf(Node):
    __test__: ClassVar[bool] = False   # not a test class for pytest

    kind: Literal["as_of"] = "as_of"
    at: TimestampLit


class TestLead(Node):
    __test__: ClassVar[bool] = False   # not a test class for pytest

    kind: Literal["lead"] = "lead"
    lead: StringLit


class TestEvent(Node):
    """``at T TYPE with k = v set f = v`` (``state`` set for ``at T enter STATE``)."""

    __test__: ClassVar[bool] = False   # not a test class for pytest

    kind: Literal["event"] = "event"
    at: TimestampLit
    type: Name
    state: Name | None = None
    props: tuple[Assignment, ...] = ()
    sets: tuple[Assignment, ...] = ()


class ReadOption(Node):
    """One line of an ``events from`` block (extension): how to read the file, as the
    command line's ``--csv-delimiter``, ``--column NAME=HEADER``, ``--tz``,
    ``--type-map OURS=THEIRS`` and ``--timestamp-format`` do."""

    key: Literal["delimiter", "column", "timezone", "type", "timestamp format"]
    name: str | None = None             # `column NAME = …`: the name read (`fields.X` too); `type OURS = …`
    quoted: bool = Field(default=False, exclude=True, repr=False)   # `type `OURS` = …` (layout, as Name's)
    value: StringLit


class TestEventsFrom(Node):
    """``events from "PATH"`` (extension): the events of a JSON Lines or CSV file, read where
    the line stands (a relative path is from the agreement's folder); ``options``: its block's
    lines (a CSV delimiter, columns, the zone of timestamps without an offset, types read
    as others, timestamp formats)."""

    __test__: ClassVar[bool] = False   # not a test class for pytest

    kind: Literal["events_from"] = "events_from"
    path: StringLit
    options: tuple[ReadOption, ...] = ()


class Expect(Node):
    kind: Literal["expect"] = "expect"
    rule: Name
    clause: Name | None = None
    period: StringLit | None = None
    assignee: StringLit | None = None       # of a `by assignee` target's or quota's verdict
    group: Value | None = None              # of a `by FIELD` target's or quota's verdict (null: no value)
    cycle: int | float | None = None
    status: Literal["met", "breached", "cancelled", "paused", "at_risk", "pending"]
    due: TimestampLit | None = None


TestItem = Annotated[Union[TestAsOf, TestLead, TestEvent, TestEventsFrom, Expect], Field(discriminator="kind")]


class TestDecl(Node):
    __test__: ClassVar[bool] = False   # not a test class for pytest

    kind: Literal["test"] = "test"
    name: StringLit
    items: tuple[TestItem, ...] = ()


Decl = Annotated[Union[AgreementDecl, CalendarDecl, CalendarChoice, StatesDecl, FlowDecl, SegmentDecl, LetDecl,
                       Rule, TargetDecl, QuotaDecl, TestDecl],
                 Field(discriminator="kind")]


# ----------------------------------------------------------------------------- root

def _first_by_name(decls) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for d in decls:
        out.setdefault(d.name.value, d)
    return out


class Agreement(Node):
    """A parsed agreement: its declarations in file order, and the runtime entry points."""

    model_config = ConfigDict(frozen=True, extra="forbid", arbitrary_types_allowed=True, defer_build=True)

    file: str | None = Field(default=None, exclude=True)
    declarations: tuple[Decl, ...] = ()
    #: warnings and information found when the agreement was loaded
    diagnostics: tuple[Any, ...] = Field(default=(), exclude=True, repr=False)

    def __repr__(self) -> str:
        """A line for logs (the whole tree is ``model_dump()``'s): id, version, file, sizes."""
        counts: dict[str, int] = {}
        for d in self.declarations:
            counts[d.kind] = counts.get(d.kind, 0) + 1
        what = ", ".join(f"{k} block" if k in ("states", "flow") else f"{n} {k}{'s' if n != 1 else ''}"
                         for k, n in counts.items() if k != "agreement")
        file = f" from {self.file!r}" if self.file else ""
        return f"<Agreement {self.id!r} version {self.version!r}{file}: {what or 'no declarations'}>"

    __str__ = __repr__

    # -- declarations by kind ----------------------------------------------------
    def of(self, kind: str) -> tuple:
        """The declarations of one kind (``"deadline"``, ``"calendar"``, ``"test"`` …), in file order."""
        return tuple(d for d in self.declarations if d.kind == kind)

    @property
    def header(self) -> AgreementDecl | None:
        found = self.of("agreement")
        return found[0] if found else None

    @property
    def id(self) -> str | None:
        return self.header.id.value if self.header else None

    @property
    def version(self) -> str | None:
        return self.header.version if self.header else None

    @property
    def timezone(self) -> str:
        """The agreement's zone (``UTC`` when it names none)."""
        tz = self.header.timezone if self.header else None
        return tz.value if tz is not None else "UTC"

    @property
    def teams(self) -> tuple[str, ...]:
        return tuple(n.value for n in self.header.teams) if self.header else ()

    @property
    def calendar_decls(self) -> dict[str, CalendarDecl]:
        return _first_by_name(self.of("calendar"))

    @property
    def calendar_choices(self) -> dict[str, CalendarChoice]:
        return _first_by_name(self.of("calendar_choice"))

    @property
    def state_decls(self) -> tuple[StateDecl, ...]:
        return tuple(s for block in self.of("states") for s in block.states)

    @property
    def flow_lines(self) -> tuple[FlowLine, ...]:
        return tuple(line for block in self.of("flow") for line in block.lines)

    @property
    def segments(self) -> dict[str, SegmentDecl]:
        return _first_by_name(self.of("segment"))

    @property
    def constants(self) -> dict[str, LetDecl]:
        return _first_by_name(self.of("let"))

    @property
    def rules(self) -> tuple[Rule, ...]:
        return self.of("rule")

    @property
    def targets(self) -> tuple[TargetDecl, ...]:
        return self.of("target")

    @property
    def quotas(self) -> tuple[QuotaDecl, ...]:
        return self.of("quota")

    @property
    def tests(self) -> tuple[TestDecl, ...]:
        return self.of("test")

    def rule(self, name: str) -> Rule | None:
        return next((r for r in self.rules if r.name.value == name), None)

    # -- runtime -----------------------------------------------------------------
    @cached_property
    def calendars(self) -> "Calendars":
        """Working-time calendars by name (:class:`slacode.calendar.Calendar`), read-only."""
        from slacode.compile import build_calendars

        return Calendars(build_calendars(self))

    def __getstate__(self) -> dict:
        """Pickled without what it builds on first use (the plan holds functions); a copy
        builds them again."""
        state = super().__getstate__()
        kept = {k: v for k, v in state["__dict__"].items() if k not in ("calendars", "plan")}
        return {**state, "__dict__": kept}

    @cached_property
    def plan(self):
        """The compiled, immutable evaluation plan (built once)."""
        from slacode.compile import compile_agreement

        return compile_agreement(self)

    def prepare(self, *, as_of: "str | _dt.datetime", default_tz: "str | _dt.tzinfo | None" = None) -> "Agreement":
        """Build now what a first evaluation as of about ``as_of`` would: the plan, the
        evaluation's modules, and each calendar's working time for that year (importing
        ``holidays`` for a calendar that names them: about 100 ms, once per process). A
        service calls it after loading, so that no request pays for it. Returns the
        agreement; evaluating without it gives the same verdicts."""
        from slacode.evaluate import evaluate, public_as_of

        cutoff = public_as_of(as_of, default_tz)
        evaluate(self, [], as_of=as_of, default_tz=default_tz)
        for calendar in self.calendars.values():
            calendar.is_open_us(cutoff)
        return self

    def evaluate(self, events: "Iterable", *, as_of: "str | _dt.datetime",
                 default_tz: "str | _dt.tzinfo | None" = None, aggregates: bool = True,
                 group_by: "str | None" = None, timestamp_formats: "str | Iterable[str] | None" = None,
                 type_map: "Mapping[str, str | Iterable[str]] | Iterable[tuple[str, str] | str] | None" = None
                 ) -> "Result":
        """Verdicts for ``events`` as of ``as_of``: dicts shaped like JSON Lines events,
        :class:`slacode.Event` objects, records of :func:`slacode.read_events`, or the
        ``EventBatch`` it returns (whose reading diagnostics the result then holds).

        Pure: no clock, no I/O. Returns a :class:`slacode.Result`. ``aggregates=False``
        leaves out the target and quota verdicts (judged per period over every lead given: from
        one lead's events, as a service evaluates them, they say nothing about the team), and
        the notes about what no lead of the input had (SLA612, SLA614, SLA625, and SLA522 of a
        type map).
        ``group_by="region"``: every lead verdict also carries the group of the lead field
        `region` at its cycle's start, for :func:`slacode.report.compliance` ``by="region"``.
        ``timestamp_formats`` (``"epoch-ms"``, ``"iso8601"``, strptime formats) and
        ``type_map`` (``{"state": "Status Change"}``) read the dicts and Event objects as
        :func:`slacode.read_events` reads files, with its errors; records of
        :func:`slacode.read_events` were read with its own options and are taken as they are.

        Events that cannot be used never raise: each is a diagnostic (``Result.errors``,
        ``Result.raise_for_errors()``, which raises :class:`slacode.EventErrors`).

        Raises:
            slacode.SlacodeError: the base of each of these, one ``except`` for bad input:
            slacode.InvalidAsOfError: an ``as_of`` that names no instant (a naive datetime,
                not a timestamp, a year outside 1001–9989); also a ``ValueError``.
            slacode.MissingOffsetError: an ``as_of`` text, or an event's ``at`` datetime,
                without an offset and no ``default_tz``; also a ``ValueError``.
            slacode.UnknownZoneError: a ``default_tz`` that names no IANA zone (an
                :class:`slacode.EventInputError`, also a ``ValueError``).
            slacode.CalendarError: a deadline past the years calendars cover (after 9990).
            TypeError: a calling mistake: ``events`` not an iterable of events (one dict,
                None), or a path, a text or another object among them.
            ValueError: a ``timestamp_formats`` or ``type_map`` that cannot be used.
        """
        import slacode.evaluate     # (not at load: a cold start needs no evaluation)

        result = slacode.evaluate.evaluate(self, events, as_of=as_of, default_tz=default_tz, aggregates=aggregates,
                                           group_by=group_by, timestamp_formats=timestamp_formats, type_map=type_map)
        result.agreement_diagnostics = list(self.diagnostics)
        return result

    def evaluate_many(self, events: "Iterable", *, as_of: "str | _dt.datetime", jobs: "int | None" = None,
                      default_tz: "str | _dt.tzinfo | None" = None, input_format: "str | None" = None,
                      aggregates: bool = True, group_by: "str | None" = None,
                      csv_delimiter: "str | None" = None,
                      csv_columns: "Mapping[str, str] | Iterable[tuple[str, str] | str] | None" = None,
                      timestamp_formats: "str | Iterable[str] | None" = None,
                      type_map: "Mapping[str, str | Iterable[str]] | Iterable[tuple[str, str] | str] | None" = None
                      ) -> "Result":
        """:meth:`evaluate` for many leads, in ``jobs`` processes (default: every core), with
        the same result. ``events``: event files (paths), or what :meth:`evaluate` takes;
        ``csv_delimiter`` and ``csv_columns`` read CSV exports, ``timestamp_formats``
        timestamps that are not RFC 3339, as :func:`slacode.read_events` does, and ``type_map``
        the event types of another system (of event files, and of events in memory as
        :meth:`evaluate` reads them; a run of many leads says a mapped type no event had,
        SLA522, whatever ``aggregates`` is).

        Raises:
            slacode.SlacodeError: as :meth:`evaluate` (``InvalidAsOfError``,
                ``MissingOffsetError``, ``UnknownZoneError``, ``CalendarError``), and
                :class:`slacode.EventInputError` for an event file that cannot be read at
                all (missing, a folder, an unknown format: also the ``OSError`` of its cause).
            TypeError: a calling mistake (as :meth:`evaluate`; ``jobs`` not an integer).
            ValueError: options that cannot be used (``timestamp_formats``, ``type_map``,
                ``csv_columns``, ``input_format``)."""
        from slacode.parallel import evaluate_many

        result = evaluate_many(self, events, as_of=as_of, jobs=jobs, default_tz=default_tz,
                               input_format=input_format, group_by=group_by,
                               csv_delimiter=csv_delimiter, csv_columns=csv_columns,
                               timestamp_formats=timestamp_formats, type_map=type_map)
        result.agreement_diagnostics = list(self.diagnostics)
        return result if aggregates else _without_aggregates(result)

    def write_verdicts(self, events: "Iterable", out: "str | os.PathLike | BinaryIO", *,
                       as_of: "str | _dt.datetime", jobs: "int | None" = None,
                       default_tz: "str | _dt.tzinfo | None" = None, input_format: "str | None" = None,
                       csv_delimiter: "str | None" = None,
                       csv_columns: "Mapping[str, str] | Iterable[tuple[str, str] | str] | None" = None,
                       format: str = "jsonl", timestamp_formats: "str | Iterable[str] | None" = None,
                       type_map: "Mapping[str, str | Iterable[str]] | Iterable[tuple[str, str] | str] | None" = None
                       ) -> dict:
        """Write the verdicts of event files to ``out`` (a path, written atomically, or a
        binary file object) as `slacode check --format jsonl` writes them, byte for byte,
        with memory that follows one lead rather than the input (``format="json"``: as
        ``--format json``). ``events``: event files or folders, read as :meth:`evaluate_many`
        reads them (events in memory raise TypeError: give them to :meth:`evaluate_many`),
        with its errors. Returns the summary record as a dict (``Result.summary()``'s)."""
        from slacode.writer import write_verdicts

        return write_verdicts(self, events, out, as_of=as_of, jobs=jobs, default_tz=default_tz,
                              input_format=input_format, csv_delimiter=csv_delimiter, csv_columns=csv_columns,
                              format=format, timestamp_formats=timestamp_formats, type_map=type_map)

    def iter_verdicts(self, events: "Iterable", *, as_of: "str | _dt.datetime", jobs: "int | None" = None,
                      default_tz: "str | _dt.tzinfo | None" = None, input_format: "str | None" = None,
                      csv_delimiter: "str | None" = None,
                      csv_columns: "Mapping[str, str] | Iterable[tuple[str, str] | str] | None" = None,
                      timestamp_formats: "str | Iterable[str] | None" = None,
                      type_map: "Mapping[str, str | Iterable[str]] | Iterable[tuple[str, str] | str] | None" = None
                      ) -> "Iterator[dict]":
        """The records :meth:`write_verdicts` writes, as dicts, one at a time: the verdicts
        (``record == "verdict"``), then the diagnostics, then the summary. The events are
        read when it is called (errors are raised then); the verdicts are made as the
        iterator is consumed, memory following about a MB of output."""
        from slacode.writer import iter_verdicts

        return iter_verdicts(self, events, as_of=as_of, jobs=jobs, default_tz=default_tz, input_format=input_format,
                             csv_delimiter=csv_delimiter, csv_columns=csv_columns,
                             timestamp_formats=timestamp_formats, type_map=type_map)

    def upcoming(self, events: "Iterable", *, as_of: "str | _dt.datetime",
                 within: "str | _dt.timedelta | None" = None, default_tz: "str | _dt.tzinfo | None" = None,
                 overdue: bool = False, timestamp_formats: "str | Iterable[str] | None" = None,
                 type_map: "Mapping[str, str | Iterable[str]] | Iterable[tuple[str, str] | str] | None" = None
                 ) -> "DueList":
        """The open clocks that will warn or fall due soon (within ``within``, a timedelta,
        text such as ``"2h"``, or ``"today"`` / ``"tomorrow"``: until that day's midnight;
        None: all), soonest first — what a reminder service needs.

        Clocks already past their deadline and still open (breached, nobody acted: the most
        urgent) are left out unless ``overdue=True``, which lists them first (as ``slacode
        due`` without and with ``--overdue``). Pure, like :meth:`evaluate`. Returns a list of
        :class:`slacode.Due` items whose ``diagnostics`` say which events could not be used
        (a :class:`slacode.report.DueList`).
        ``timestamp_formats`` and ``type_map``: as :meth:`evaluate` takes them.

        Raises:
            slacode.SlacodeError: as :meth:`evaluate` (``InvalidAsOfError``,
                ``MissingOffsetError``, ``UnknownZoneError``, ``CalendarError``).
            TypeError: a calling mistake (as :meth:`evaluate`; ``overdue`` not a bool).
            ValueError: a ``within`` that is no duration, and options as :meth:`evaluate`."""
        from slacode.report import upcoming

        return upcoming(self, events, as_of=as_of, within=within, default_tz=default_tz, overdue=overdue,
                        timestamp_formats=timestamp_formats, type_map=type_map)


def _without_aggregates(result: "Result") -> "Result":
    """``result`` without its target and quota verdicts (those of no lead)."""
    result.verdicts = [v for v in result.verdicts if v.lead is not None]
    return result
