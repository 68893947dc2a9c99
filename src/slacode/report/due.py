"""Clocks about to warn or breach: what a reminder service or a CRM task queue needs.

:func:`upcoming` evaluates the events as of an instant and lists the open timed clauses
(``within``, ``at_least_within`` and ``at_least_per_day`` verdicts that are ``pending``,
``at_risk`` or ``paused``), soonest first. For each it gives the *next moment* worth a reminder: the
``warn_at`` instant while it is still ahead, else the deadline ``due_at``. A paused clock
is listed with its conditional deadline (the one it would have if the pause ended at
``as_of``) and ``paused`` set: it only becomes urgent once the pause ends. A rule with several
warning levels (several `warn` lines) is reminded at each: its next moment is the first of
its levels still ahead (``warn_at`` stays the earliest level, when it becomes ``at_risk``),
and ``warn_level`` says which (``50%``, ``30m before``).

``time_left`` is wall-clock time from ``as_of`` to the deadline; ``working_left`` is the
working time the clock still has (its target minus the working time already used). An
attempts clock also says how many attempts are made and needed (``at_least_per_day``: on
the day running).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any, Iterable

from slacode.evaluate import public_as_of
from slacode.instants import iso_datetime
from slacode.verdict import as_text, from_us

if TYPE_CHECKING:  # pragma: no cover
    from slacode.diagnostics import Diagnostic
    from slacode.model import Agreement

OPEN = frozenset({"pending", "at_risk", "paused"})
TIMED = frozenset({"within", "at_least_within", "at_least_per_day", "gap_at_most"})

_UNIT_SECONDS = {"w": 604_800, "week": 604_800, "weeks": 604_800,
                 "d": 86_400, "day": 86_400, "days": 86_400, "h": 3600, "hour": 3600, "hours": 3600,
                 "m": 60, "min": 60, "minute": 60, "minutes": 60, "s": 1, "second": 1, "seconds": 1}
#: the windows named by a word: up to the end of the day holding ``as_of`` (``today``) or of
#: the day after it (``tomorrow``), local midnight in the agreement's time zone; the number
#: is how many midnights ahead the window ends
DAY_WINDOWS = {"today": 1, "tomorrow": 2}
#: what a window may be, for the messages that refuse one
WINDOW_FORMS = ("a duration (30m, 2h, 1h30m, 1d, 2w) or a day: today (until midnight) or tomorrow (until the "
                "midnight after)")
#: the last instant a date can hold (the end of the year 9999), in epoch microseconds
_LAST_US = 253_402_300_799_999_999
_PART = re.compile(r"\s*(\d+)\s*([a-z]+)")
#: more digits than this in one part of a window is past the year 9999 in any unit (a second
#: is the smallest: 10**20 seconds is far past it), read without converting them
_MOST_DIGITS = 20


@dataclass(frozen=True)
class Due:
    """One open clock. Instants are aware datetimes in the zone the verdict is written in
    (the calendar's, else the agreement's)."""

    lead: str
    rule: str
    clause: str
    cycle: int
    status: str                       # pending | at_risk | paused (| breached: overdue)
    owner: str | None
    assignee: str | None
    segment: str | None
    started_at: datetime
    due_at: datetime
    warn_at: datetime | None
    next_at: datetime                 # warn_at (several levels: the next one) while ahead, else due_at
    next: str                         # "warn" or "due": which of the two next_at is ("overdue": due_at, past)
    time_left: timedelta              # wall clock, as_of -> due_at
    working_left: timedelta           # working time the clock still has
    attempts_made: int | None = None  # attempts clocks: made so far (at_least_per_day: on the day running)
    attempts_needed: int | None = None  # … and needed by due_at (None for `within`)
    # `breach of RULE` (extension): the rules whose cycle this clock's breach would start
    # (a clock not yet past its deadline), as the lead stands as of `as_of`: not a rule with
    # a cycle open then, nor a `start once` rule that had its cycle; empty when none, and
    # then not written
    escalates_to: tuple = ()
    # `warning of RULE` (extension): the same, for the rules its warning would start, on a
    # clock whose warning (its earliest level, ``warn_at``) is still ahead and whose cycle has
    # not warned already (after a `retarget`, on an earlier line: it warns once)
    warns_to: tuple = ()
    # several warning levels: the level ``next_at`` is when ``next`` is "warn", as the verdict's
    # ``warnings`` name it (``50%``, ``30m before``); None otherwise (one level: ``warn_at``)
    warn_level: str | None = None

    @property
    def paused(self) -> bool:
        return self.status == "paused"

    @property
    def next_words(self) -> str:
        """:attr:`next` for a table: ``warn 50%``, ``warn 30m before`` for a level of
        several, else ``warn``, ``due`` or ``overdue``."""
        return f"{self.next} {self.warn_level}" if self.warn_level else self.next

    @property
    def until_next(self) -> timedelta:
        """Wall-clock time from ``as_of`` to :attr:`next_at`."""
        return self.next_at - (self.due_at - self.time_left)

    @classmethod
    def __get_pydantic_core_schema__(cls, source, handler):
        """A clock in a pydantic model or a FastAPI ``response_model``: taken as it is,
        serialised as :meth:`to_dict` gives it (`slacode schema due`, ``#/$defs/clock``)."""
        from slacode.verdict import to_dict_schema

        return to_dict_schema(cls)

    @classmethod
    def __get_pydantic_json_schema__(cls, core, handler) -> dict:
        from slacode.verdict import published_schema

        return published_schema("due", "clock")

    def to_dict(self) -> dict:
        """JSON-ready: instants as RFC 3339 text, durations in seconds."""
        return {"lead": self.lead, "rule": self.rule, "clause": self.clause, "cycle": self.cycle,
                "status": self.status, "paused": self.paused, "owner": self.owner, "assignee": self.assignee,
                "segment": self.segment, "started_at": iso_datetime(self.started_at),
                "due_at": iso_datetime(self.due_at),
                "warn_at": iso_datetime(self.warn_at) if self.warn_at else None,
                "next_at": iso_datetime(self.next_at), "next": self.next, "warn_level": self.warn_level,
                "time_left_seconds": self.time_left.total_seconds(),
                "working_left_seconds": self.working_left.total_seconds(),
                "attempts_made": self.attempts_made, "attempts_needed": self.attempts_needed,
                **({"escalates_to": list(self.escalates_to)} if self.escalates_to else {}),
                **({"warns_to": list(self.warns_to)} if self.warns_to else {})}


def escalations(plan) -> dict:
    """``(rule, clause, event) -> ((rule, once), …)``: the rules that a breach (``event``
    ``"breach"``) or a warning (``"warning"``) of that clause starts (`start on breach of
    RULE [clause KEY]`, `start on warning of RULE [clause KEY]`, extensions), in the file's
    order, each with whether it starts `once`; empty without such triggers."""
    if not plan.breach_watch:
        return {}
    from slacode.compile import SuccessKind, WarningKind

    kinds = {kind: (plan.rules[i].name, key, "warning" if kind.__class__ is WarningKind
                    else "success" if kind.__class__ is SuccessKind else "breach")
             for i, key, _, kind in plan.breach_watch}
    out: dict = {}
    for rp in sorted(plan.rules, key=lambda r: r.index):
        for t in rp.starts:
            if t.kind == "event" and t.type in kinds:
                have = out.get(kinds[t.type], ())
                if all(name != rp.name for name, _ in have):
                    out[kinds[t.type]] = (*have, (rp.name, bool(rp.once)))
    return out


def _escalates_to(v, escalating: dict, leads: dict, event: str = "breach") -> tuple:
    """The rules a breach (``event`` ``"warning"``: a warning) of ``v``'s clock would start
    for its lead, as the lead stands as of ``as_of``: not a rule with a cycle still open then
    (it ignores a start), nor a `start once` rule that has had its cycle. ``leads``: lead ->
    (rules with an open cycle, rules with a cycle)."""
    started = escalating.get((v.rule, v.clause, event))
    if not started:
        return ()
    opened, had = leads.get(v.lead, ((), ()))
    return tuple(name for name, once in started if name not in opened and not (once and name in had))


def _lead_rules(verdicts: list, names: set) -> dict:
    """lead -> (the rules among ``names`` with a cycle open as of ``as_of``, those with a
    cycle), from the verdicts."""
    out: dict = {}
    for v in verdicts:
        if v.rule in names and v.cycle is not None:
            opened, had = out.setdefault(v.lead, (set(), set()))
            had.add(v.rule)
            if v.cycle_open:
                opened.add(v.rule)
    return out


def parse_window(value: str | timedelta) -> timedelta:
    """A look-ahead window: a ``timedelta`` or text such as ``2h``, ``1h30m``, ``45m``,
    ``1d`` (24 hours: the window is wall-clock time), ``2w`` or ``90 minutes``. The words
    ``today`` and ``tomorrow`` name a window that depends on ``as_of``: :func:`window_of`
    reads them."""
    if isinstance(value, timedelta):
        if value < timedelta(0):
            raise ValueError("the window cannot be negative")
        return value
    if not isinstance(value, str):
        raise TypeError(f"within must be a timedelta or text such as '2h', not {type(value).__name__}")
    text = value.strip().lower()
    if text in DAY_WINDOWS:
        raise ValueError(f"{value!r} ends at a midnight, which depends on as_of: read it with window_of()")
    pos, total = 0, 0
    while pos < len(text):
        m = _PART.match(text, pos)
        if m is None or m.group(2) not in _UNIT_SECONDS:
            raise ValueError(f"{brief_window(value, quoted=True)} is not a window; {_window_advice(text)}")
        digits = m.group(1).lstrip("0") or "0"
        if len(digits) > _MOST_DIGITS:      # (before int(), which refuses over 4,300 digits)
            raise ValueError(_too_far(value))
        total += int(digits) * _UNIT_SECONDS[m.group(2)]
        pos = m.end()
    if pos == 0:
        raise ValueError(f"{brief_window(value, quoted=True)} is not a window; {_window_advice(text)}")
    if total > _LAST_US // 1_000_000:
        raise ValueError(_too_far(value))
    return timedelta(seconds=total)


def _window_advice(text: str) -> str:
    """What to write instead of a window that cannot be read (``eod``: today)."""
    if text.replace(" ", "").replace("-", "").replace("_", "") in ("eod", "endofday", "tonight", "midnight"):
        return ("for the rest of the day, until midnight, write today (the end of a working day is the "
                f"calendar's, not the window's); give {WINDOW_FORMS}")
    return f"give {WINDOW_FORMS}"


def _too_far(value) -> str:
    return (f"{brief_window(value, quoted=True)} would end after the year 9999, past any date: leave the window "
            "out to list every open clock, or give a shorter one")


def brief_window(value, quoted: bool = False) -> str:
    """A window as messages show it: whole (``quoted``: as its ``repr``), or, over 40
    characters, its ends around an ellipsis and its length (a window of thousands of digits
    is not written back whole)."""
    text = str(value)
    if len(text) <= 40:
        return repr(value) if quoted else text
    short = f"{text[:16]}…{text[-8:]}"
    return f"{short!r} ({len(text):,} characters)" if quoted else f"{short} ({len(text):,} characters)"


def is_day_window(value) -> bool:
    """Whether ``value`` names a day window (``today``, ``tomorrow``, in any case)."""
    return isinstance(value, str) and value.strip().lower() in DAY_WINDOWS


def window_of(value: str | timedelta, as_of: int, zone: tzinfo) -> timedelta:
    """The window ``(as_of, as_of + window]`` of ``value`` as of ``as_of`` (epoch
    microseconds): a duration (:func:`parse_window`), or a day: ``today``, up to the local
    midnight in ``zone`` that ends the day holding ``as_of`` (that midnight included, as any
    window's end), ``tomorrow`` up to the one after. A window that would end after the year
    9999 is refused (``ValueError``): it would not be a window."""
    if is_day_window(value):
        from slacode.aggregate import local_midnight_us

        day = datetime.fromtimestamp(as_of / 1e6, zone).date()
        try:
            end = local_midnight_us(day + timedelta(days=DAY_WINDOWS[value.strip().lower()]), zone)
        except (OverflowError, ValueError):
            raise ValueError(_too_far(value)) from None
        return timedelta(microseconds=end - as_of)
    window = parse_window(value)
    if as_of + window // timedelta(microseconds=1) > _LAST_US:
        raise ValueError(_too_far(value))
    return window


def due_list(verdicts: Iterable, as_of: int, within: timedelta | None = None,
             overdue: bool = False, escalating: dict | None = None) -> list[Due]:
    """The open timed clocks among ``verdicts`` (judged as of ``as_of``, epoch
    microseconds) whose next moment falls after ``as_of`` and at or before ``as_of + within``
    (all of them when ``within`` is None: one window ``(as_of, as_of + within]`` for warnings
    and deadlines, so that runs every ``within`` list each moment once), soonest first; with ``overdue``, also those already past their
    deadline and still unfulfilled (``breached``, ``next`` = ``"overdue"``), which come first.
    ``escalating``: :func:`escalations` of the plan, to name on each clock not yet past its
    deadline the rules its breach would start for its lead (:func:`_escalates_to`), and on
    each whose warning is still ahead the rules its warning would start (none where the
    cycle has warned already, ``warned``: on an earlier line, after a `retarget`)."""
    clocks = DueClocks(as_of, within, overdue, escalating)
    clocks.add(verdicts)
    return clocks.items()


class DueClocks:
    """:func:`due_list` a lead at a time: :meth:`add` each lead's verdicts (in lead order, or
    all at once), then :meth:`items`. Only the clocks listed are kept (as :class:`Due`), not
    the verdicts: a run over many leads holds what it lists. ``keep``: only the clocks of
    these assignees (``due --assignee``)."""

    def __init__(self, as_of: int, within: timedelta | None = None, overdue: bool = False,
                 escalating: dict | None = None, keep: set | None = None):
        self.as_of = as_of
        self.horizon = None if within is None else as_of + int(within.total_seconds() * 1_000_000)
        self.overdue = overdue
        self.escalating = escalating or {}
        self.names = {name for started in self.escalating.values() for name, _ in started}
        self.keep = keep
        self.listed: list[tuple] = []           # (next_at, due_at, lead, rule, clause, cycle, Due)

    def add(self, verdicts: Iterable) -> None:
        """Take verdicts (one lead's, or several leads' whole: a lead's escalations are
        worked out from its own verdicts among them)."""
        self.listed.extend(self.clocks(verdicts))

    def clocks(self, verdicts: Iterable) -> list[tuple]:
        """The clocks of ``verdicts`` as ``(next_at, due_at, lead, rule, clause, cycle, Due)``
        in the verdicts' order (:meth:`items` sorts them)."""
        as_of, horizon, overdue, escalating = self.as_of, self.horizon, self.overdue, self.escalating
        leads: dict = {}
        if escalating:
            verdicts = list(verdicts)
            leads = _lead_rules(verdicts, self.names)
        out = []
        keep = self.keep
        for v in verdicts:
            if v.lead is None or v.clause.rstrip("0123456789").rstrip("_") not in TIMED or v.due_at is None:
                continue
            if v.status not in OPEN:
                if overdue and v.overdue and (keep is None or as_text(v.assignee) in keep):
                    out.append((v.due_at, v.due_at, v.lead, v.rule, v.clause, v.cycle,
                                _due(v, v.due_at, "overdue", as_of)))
                continue
            warn, level = v.warn_at, None
            if v.warnings:                          # several levels: the next one not yet passed
                level, warn = next(((words, at) for words, at, passed in v.warnings if not passed), (None, None))
            warn_ahead = warn is not None and warn > as_of
            nxt = warn if warn_ahead else v.due_at
            if horizon is not None and not as_of < nxt <= horizon:
                continue                            # (as_of, as_of + within]: a moment at as_of was the last run's
            if keep is not None and as_text(v.assignee) not in keep:
                continue
            warns_to = (_escalates_to(v, escalating, leads, "warning")
                        if v.warn_at is not None and v.warn_at > as_of and not v.warned else ())
            out.append((nxt, v.due_at, v.lead, v.rule, v.clause, v.cycle,
                        _due(v, nxt, "warn" if warn_ahead else "due", as_of, _escalates_to(v, escalating, leads),
                             warns_to, level if warn_ahead else None)))
        return out

    def items(self) -> list[Due]:
        """The clocks taken so far, soonest first (ties in the order they were taken)."""
        self.listed.sort(key=lambda x: x[:6])
        return [x[6] for x in self.listed]


def _due(v, nxt: int, kind: str, as_of: int, escalates_to: tuple = (), warns_to: tuple = (),
         warn_level: str | None = None) -> Due:
    zone = v.zone
    left_working = max((v.target_seconds or 0) - (v.elapsed_seconds or 0), 0)
    made, needed = v.attempts if v.attempts is not None else (None, None)
    return Due(lead=v.lead, rule=v.rule, clause=v.clause, cycle=v.cycle, status=v.status, owner=v.owner,
               assignee=as_text(v.assignee), segment=v.segment, started_at=from_us(v.started_at, zone),
               due_at=from_us(v.due_at, zone), warn_at=from_us(v.warn_at, zone) if v.warn_at else None,
               next_at=from_us(nxt, zone), next=kind,
               time_left=timedelta(microseconds=v.due_at - as_of),
               working_left=timedelta(seconds=left_working), attempts_made=made, attempts_needed=needed,
               escalates_to=escalates_to, warns_to=warns_to, warn_level=warn_level)


def _day_zone(agreement, default_tz) -> tzinfo:
    """The zone whose midnights end the windows ``today`` and ``tomorrow``: ``default_tz``
    when given (the zone the caller reads its events in), else the agreement's."""
    if default_tz is None:
        return agreement.plan.zone
    if isinstance(default_tz, str):
        from zoneinfo import ZoneInfo

        return ZoneInfo(default_tz)
    return default_tz


class DueList(list[Due]):
    """The :class:`Due` items of :func:`upcoming` (a list), with the ``diagnostics`` of the
    evaluation behind them: events that could not be used are said there, as in
    ``Result.diagnostics``."""

    def __init__(self, items: Iterable[Due] = (), diagnostics: list[Diagnostic] | None = None):
        super().__init__(items)
        self.diagnostics: list[Diagnostic] = diagnostics if diagnostics is not None else []


def upcoming(agreement: Agreement, events: Iterable[Any], *, as_of: str | datetime,
             within: str | timedelta | None = None, default_tz: str | tzinfo | None = None,
             overdue: bool = False, timestamp_formats: Any = None, type_map: Any = None) -> DueList:
    """The clocks of ``events`` that are open as of ``as_of`` and will warn or fall due
    within ``within`` (a ``timedelta`` or text such as ``"2h"``, or ``"today"`` /
    ``"tomorrow"``: until the midnight ending that day in ``default_tz``, else the
    agreement's time zone; None: every open clock),
    soonest first, in a list whose ``diagnostics`` say which events could not be used;
    ``overdue``: also the clocks already past their deadline and still unfulfilled, first.
    Pure: no clock, no I/O; ``as_of`` is required (an aware datetime or RFC 3339 text).
    ``timestamp_formats`` and ``type_map``: as :meth:`slacode.Agreement.evaluate` takes them."""
    if overdue.__class__ is not bool:
        raise TypeError(f"overdue is True or False, not {overdue!r}")
    cutoff = public_as_of(as_of, default_tz)
    if within is not None and not is_day_window(within):
        parse_window(within)                    # (refused before the events are evaluated)
    result = agreement.evaluate(events, as_of=as_of, default_tz=default_tz, timestamp_formats=timestamp_formats,
                                type_map=type_map)
    window = None if within is None else window_of(within, cutoff, _day_zone(agreement, default_tz))
    return DueList(due_list(result.verdicts, cutoff, window, overdue, escalations(agreement.plan)),
                   result.diagnostics)
