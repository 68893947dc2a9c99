"""A lead's events → verdicts: a pure fold (no clock, no I/O, no state kept between calls
but the per-plan :class:`PlanInfo`; the caches of texts are in :mod:`slacode.texts` and
:mod:`slacode.verdict`, each entry a function of its key).

:class:`LeadFold` takes one lead's records in processing order (timestamp, then input
order) and keeps what the verdicts need: cycles with their start, pauses, attempts and
close. :meth:`LeadFold.verdicts` turns that into verdicts as of an instant, doing the
calendar arithmetic once per cycle. :func:`evaluate` runs it over many leads and adds the
aggregates (targets and quotas, :mod:`slacode.aggregate`). What the fold notices in the
events (a :class:`~slacode.notes.LeadNotes` per lead) is said once a run by
:mod:`slacode.notes`.

The semantics are LANGUAGE.md §4–§7, §11 and §13; the comments name the rule they follow.
"""
from __future__ import annotations

import functools
import operator
from decimal import Decimal
from numbers import Number
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterable

from slacode import diagnostics as dg
from slacode.calendar import CalendarError
from slacode.compile import (Plan, RulePlan, _is_num, _plain_num, field_instant, field_line_at, line_at, line_due_us,
                             same_line)
from slacode.errors import SlacodeError
from slacode.escalate import BreachRecord, escalated_fold
from slacode.far_events import far_event_diagnostics
from slacode.events import EventBatch, batch_parts, event_content, records_from_objects
from slacode.groups import group_key
from slacode.judges import _cycle_verdicts, _judges
from slacode.leadzone import LeadCalendar, lead_zone_name, line_in_zone, same_zone, zone_identity
from slacode.model import default_clause_of
from slacode.notes import _LANGUAGE_TYPES, _NO_FACTS, LeadNotes, RunNotes, note_diagnostics, unknown_state_diagnostics
from slacode.refs import cited_all
from slacode.texts import composed as nfc, decomposed as nfd, FieldTypos
from slacode.requirement import failed_conditions
from slacode.timestamps import EventInputError, parse_timestamp, timestamp_us
from slacode.verdict import VERDICT_KEYS, Verdict, _when, as_text, from_us, iso  # noqa: F401 (also imported from here)

#: JSON Lines reads an int at or past 2**64, or below -2**63, as a float (its last digits lost).
_INT_TOP, _INT_BOTTOM = float(2 ** 64), -float(2 ** 63)

UTC = timezone.utc
_EMPTY: dict = {}
_NO_BEFORE: dict = {}     # a cycle's `before` until its first trigger (never written to)
_NO_SEGMENTS = frozenset()


# ----------------------------------------------------------------------------- cycles

class Cycle:
    """One opening of a rule for a lead, from its start to its close (or as_of)."""

    __slots__ = ("number", "start", "start_ref", "line", "pauses", "paused", "closed_at", "close_kind",
                 "close_ref", "assignee", "require_missing", "require_failed", "attempts", "before",
                 "segments_at_start", "close_tz", "retargets", "groups", "escalates", "closed_by", "by_when",
                 "breach_by")

    def __init__(self, number, start, start_ref, line):
        self.number = number
        self.start = start
        self.start_ref = start_ref
        self.line = line                  # the within / at least line that applied
        self.pauses: list | tuple = ()    # [start_us, end_us | None] (a list once paused)
        self.paused = False
        self.closed_at = None
        self.close_kind = None            # stop | cancel | restart | breach (`breach on`, `breach when`)
        self.close_ref = None
        self.assignee = None
        self.require_missing = None
        self.require_failed = None        # `require … where`: (text, why) of each failed condition
        # (at, ref, props (first attempt only), state, lead timezone field[, assignee just before
        # (first attempt only)[, the breach (rule, clause, cycle) of a counted breach]])
        self.attempts: list | tuple = ()
        self.before: dict = _NO_BEFORE    # at_least_before key -> (at, ref, attempts before, what)
        self.segments_at_start = _NO_SEGMENTS
        self.close_tz = None              # the lead's `timezone` field at the close
        self.retargets: list | tuple = ()  # `retarget`: (at, ref, the line it replaced) per change
        self.groups = None                # `by FIELD` targets of the rule: field -> group key at the start
        # `breach of` / `warning of`: the virtual event that started it, as
        # :meth:`~slacode.escalate.BreachRecord.tag` (rule, clause, cycle, "breach" or
        # "warning", late, depth)
        self.escalates = None
        self.closed_by = None             # … of the one that closed it
        # closed by `stop when` / `cancel when` (extension), not by a trigger: the event after
        # which the predicate held is the closing event (``close_ref``)
        self.by_when = False
        # ``breach_by``: closed by `breach on` (extension), the trigger that matched, as
        # written; set only then (read only for such a cycle: no store for every other one)

    #: `recur` (extension): what opened a cycle the rule's recurrence opened
    #: (:class:`RecurredCycle`); None for every other cycle (a class attribute: no store)
    recurred = None

    def pause_list(self, until: int) -> list:
        """Pause intervals with an ongoing one ended at ``until`` (a cycle closed while paused
        keeps its last pause without an end: ``until`` is then its close)."""
        return [(s, e if e is not None else until) for s, e in self.pauses]


class RecurredCycle(Cycle):
    """A cycle that `recur` (extension) opened after the rule's previous cycle was stopped:
    ``recurred`` is ``(how, the previous cycle's number, the stop's event type, the stop's
    ref, the previous cycle's deadline)``, ``how`` being ``"stop"`` (the stop opened it) or
    ``"deadline"`` (`recur sequential`: opened at the previous cycle's deadline, after an
    early stop)."""

    __slots__ = ("recurred",)


def note_starts(fold: "LeadFold", records) -> bool:
    """SLA626's evidence of one lead of a run, after its fold: whether one of its ``records``
    has a type the agreement starts on (:attr:`PlanInfo.starts`; True too when any event can
    start something); if not, the note ``("no_start",)`` with the lead's events by type, and
    per type those that carry a `state` value (a `state` key or column on an event of another
    type is a property) and an `owner`.

    Once a lead of a run had such an event, no lead's note can make the run say SLA626 (every
    lead must have the note): the callers stop asking then, so most runs ask for one lead."""
    starts = fold.info.starts
    if starts is None or fold.quota_hits or (fold.flow_seen and fold.plan.flow is not None):
        return True                             # (something started: no need to look)
    for rf in fold.rules:
        if rf.number or rf.untracked or rf.once_skipped:
            return True
    for r in records:
        if r[3] in starts:                      # its type (a virtual kind equals no plain type)
            return True
    counts: dict = {}
    stated: dict = {}
    owned: dict = {}
    for r in records:
        t = r.type
        if t.__class__ is not str:
            continue
        counts[t] = counts.get(t, 0) + 1
        props = r.props
        if props:
            if t != "state" and props.get("state") is not None:
                stated[t] = stated.get(t, 0) + 1
            if t != "assigned" and props.get("owner") is not None:
                owned[t] = owned.get(t, 0) + 1
    if counts:
        fold.notes.add(("no_start",), (counts, stated, owned))
    return False


def _remembered(cache: dict, key, compute):
    """``compute()``, kept in ``cache`` under ``key`` for the next asking (up to 4,096 keys:
    an input of ever new names does not grow it)."""
    got = cache.get(key, False)
    if got is False:
        got = compute()
        if len(cache) < 4096:
            cache[key] = got
    return got


@functools.lru_cache(maxsize=1024)         # (a service's every call meets the same few names)
def zone_field_name(name: str) -> bool:
    """Whether a lead field named ``name`` (not `timezone`) most likely holds the lead's time
    zone under another name: `hs_timezone`, `time_zone`, `timeZone`, `Time Zone`,
    `lead_timezone`, `tz`, `lead_tz` (SLA625). Not `zone` alone, which names a sales territory as often."""
    if name == "timezone":
        return False
    low = name.lower()
    if "timezone" in "".join(c for c in low if c.isalnum()):
        return True
    return "tz" in "".join(c if c.isalnum() else " " for c in low).split()


#: Property names that most likely hold the rep where `owner` was meant (SLA606).
#: words of a property that names a rep other than the new one (`previous_owner`)
_PAST_OWNER = frozenset(("previous", "prev", "old", "prior", "former", "from", "last"))
_REP_KEYS = ("assignee", "assigned_to", "assignedto", "owner_id", "ownerid", "owner_name", "rep", "rep_id",
             "sales_rep", "salesrep", "user", "user_id", "agent", "seller", "salesperson", "to")


def _ownerless(props: dict, fields) -> tuple | None:
    """What an `assigned` event without a rep has instead, as a note's key: ``("empty",)``
    for an empty `owner` (a null one unassigns, as a missing one does), ``("key", K)`` when the rep seems to be under another
    property ``K``, ``("field",)`` when `owner` is a lead field of the event; None when
    nothing says a rep was meant (an event that only unassigns, a test's `at T assigned`)."""
    if "owner" in props:                            # `null` unassigns on purpose; `""` names no one
        return ("empty",) if props["owner"] is not None else None
    for key in props:
        if key.__class__ is not str:                # (a library event's dict may have any keys)
            continue
        low = key.lower().replace("-", "_").replace(" ", "_")
        if low in _REP_KEYS or low.replace("_", "") in _REP_KEYS:
            return ("key", key)
        # an export's spelling: `Owner`, `Lead Owner`, HubSpot's `Contact owner`, `hs_owner`
        # (not one that names an earlier rep: `previous_owner`)
        words = low.split("_")
        if "owner" in words and not _PAST_OWNER.intersection(words):
            return ("key", key)
    if fields and "owner" in fields:
        return ("field",)
    return None


#: How many events without an id of one instant a lead's fold compares (SLA620): a copy is
#: looked for among them (a lead with thousands of events in one second is no export overlap).
_SAME_INSTANT_KEPT = 64


def _same_content(a, b) -> bool:
    """Whether two records say the same, values compared as the duplicate-id check compares
    them (`true` is not `1`; `5` is `5.0`)."""
    return (event_content(a.lead, a.at, a.type, a.state, a.fields, a.props)
            == event_content(b.lead, b.at, b.type, b.state, b.fields, b.props))


class _Opening:
    """What closes a cycle `recur sequential` (extension) opened at a deadline when a `stop
    when` / `breach when` / `cancel when` holds then (no event of its own): the deadline and
    the stop the cycle cites."""

    __slots__ = ("at", "ref")
    type = None
    props = None

    def __init__(self, at: int, ref):
        self.at = at
        self.ref = ref


def _recurred_at(rf: "RuleFold", rec) -> bool:
    """Whether `recur` (extension) opened ``rf``'s latest cycle at ``rec`` (the stop that
    closed the one before): that cycle took the event's opening, and a start trigger of the
    same event opens no other, whether the cycle is still open or a `… when` closed it."""
    cycles = rf.cycles
    if not cycles:
        return False
    last = cycles[-1]
    return last.recurred is not None and last.start == rec.at and last.start_ref == rec.ref


class RuleFold:
    __slots__ = ("plan", "cycles", "open", "when_prev", "number", "untracked", "once_skipped", "pending")

    def __init__(self, plan: RulePlan):
        self.plan = plan
        self.cycles: list[Cycle] | tuple = ()   # a list from the first cycle
        self.open: Cycle | None = None
        self.when_prev = False
        self.number = 0
        self.untracked = 0                      # starts that no target line took (explain shows them)
        self.once_skipped = 0                   # starts after the lead's cycle of a `start once` rule
        # `recur sequential` (extension): the opening waiting for the stopped cycle's deadline,
        # ``(at, the stopped cycle, the stop's event type)``, or None
        self.pending = None


class PlanInfo:
    """What every evaluation with one plan needs and can compute once: the rules an event
    type can touch, the targets' segments, the aggregates' lookup tables.

    Kept on the plan by :func:`plan_info`."""

    __slots__ = ("plan", "dispatch", "quiet_dispatch", "moved_dispatch", "quiet_steps", "moved_steps",
                 "quota_dispatch", "segments", "wanted", "aggregate_order", "segmented", "grouped", "asks", "judges", "nth",
                 "read_types", "type_where", "typos", "short_virtual", "type_places", "read_fields", "field_places",
                 "field_typos", "near_fields", "where_watch", "first_reads", "facts", "twins", "state_names", "state_places",
                 "state_typos", "rep_history", "where_judged", "starts", "goal_shape")

    def __init__(self, plan: Plan):
        self.plan = plan
        self.facts = plan.facts                 # `seen` / `awaiting` (extension): {} in most plans
        self.dispatch: dict[str, tuple[int, ...]] = {}
        self.quiet_dispatch: dict[str, tuple[tuple[int, tuple], ...]] = {}
        self.moved_dispatch: dict[str, tuple[tuple[int, tuple], ...]] = {}
        # the same with each rule's `_counts_only` (what the fold reads)
        self.quiet_steps: dict[str, tuple[tuple[int, tuple, bool], ...]] = {}
        self.moved_steps: dict[str, tuple[tuple[int, tuple, bool], ...]] = {}
        self.asks = tuple(_asks(rp) for rp in plan.rules)      # every trigger list of each rule
        self.quota_dispatch: dict[str, tuple[int, ...]] = {}
        self.segments = _target_segments(plan)
        wanted: dict = {}
        for i, t in enumerate(plan.targets):
            wanted.setdefault((t.rule, t.clause), []).append(i)
        self.wanted = {k: tuple(v) for k, v in wanted.items()}
        items = [(t.index, "target", i) for i, t in enumerate(plan.targets)]
        items += [(q.index, "quota", i) for i, q in enumerate(plan.quotas)]
        self.aggregate_order = tuple((kind, i) for _, kind, i in sorted(items))
        self.segmented = any(t.segment is not None for t in plan.targets)
        self.grouped = any(t.by_field is not None for t in plan.targets)     # `by FIELD` targets
        self.rep_history = any(t.by_assignee for t in plan.targets)          # `by assignee` targets
        self.judges = tuple(_judges(rp) for rp in plan.rules)   # each rule's clause judges
        self.nth = _nth_info(plan) if plan.nth_watch else None
        # the event types some trigger, count or quota names, and those the language reads
        read = {"state", "assigned"}
        for rp in plan.rules:
            read.update(rp.watch_types or ())
        for q in plan.quotas:
            read.update(q.types)
        read.update(plan.facts)                         # `seen` / `awaiting` (extension)
        self.read_types = frozenset(read)
        self.starts = _start_types(plan)                # what some start can match (SLA626)
        self.goal_shape = None                          # slacode.aggregate's, made on its first use
        self.typos: dict[str, str | None] = {}      # an unread type -> the read type it misspells
        self.type_places = dict(plan.type_reads)    # a read type -> where a trigger first names it
        # the lead fields the agreement reads, where it first does, and per field name that
        # none reads, the read one it may misspell (SLA616)
        self.field_places = {name: (where, span) for name, where, span in plan.field_reads}
        self.read_fields = frozenset(self.field_places)
        self.field_typos: dict[str, str | None] = {}
        self.near_fields = None                 # (a FieldTypos, made when first asked)
        # per event type, the `where` reads of its events' properties: ((index into
        # plan.where_reads, property), ...) (SLA617, SLA618); empty without any `where`
        # A `first where` judges each cycle's first attempt only: its reads are watched there,
        # per (rule, type) (first_reads), not on every event of the type.
        watch: dict = {}
        first: dict = {}
        judged: list = []
        owners = {f"{rp.kind} `{rp.name}`": rp.name for rp in plan.rules}
        for k, (owner, role, ev_type, prop, *_) in enumerate(plan.where_reads):
            # (a backquoted `fields.x` is a property of that name: the lead field it means is x)
            item = (k, prop, prop[7:] if prop.startswith("fields.") else prop)
            if role == "first where" and owner in owners:
                first.setdefault((owners[owner], ev_type), []).append(item)
                judged.append((owners[owner], ev_type))
            else:
                watch.setdefault(ev_type, []).append(item)
                judged.append(ev_type)
        # per `where` read, the key of LeadFold.where_events that counts the events it judged
        self.where_judged = tuple(judged)
        self.where_watch = {t: tuple(v) for t, v in watch.items()}
        self.first_reads = {key: tuple(v) for key, v in first.items()}
        # per read type, its `where` reads (None: none): one lookup per event says both
        # whether the type is read (else SLA605 asks whether it is misspelt) and what to watch
        self.type_where = {t: self.where_watch.get(t) for t in read | set(watch)}
        # per read type, the other read types it is nearly (`disposition`, `dispositioned`):
        # their events are watched (a _Watched where), so that a run can say that one of
        # the two never came while the other did (SLA612); {} in most plans
        self.twins = _twin_types(read)
        # without a `states` block, the states the agreement names (None: a block, or none
        # named): a state event into another one, one letter off one of them, is SLA613
        self.state_places = dict(plan.state_reads)
        self.state_names = frozenset(self.state_places) if plan.states is None and self.state_places else None
        self.state_typos: dict = {}
        for t in self.twins:
            self.type_where[t] = _Watched(self.type_where.get(t) or ())
        # `breach of RULE` / `warning of RULE` as a trigger is written without its default
        # clause: an input event typed so is as likely a mistake as the kind's full text
        self.short_virtual = frozenset(
            str.__str__(ev_kind).rsplit(" clause ", 1)[0] for i, key, _, ev_kind in plan.breach_watch
            if key == default_clause_of(plan.rules[i].kind))

    def typo(self, ev_type: str) -> str | None:
        """The read type that ``ev_type`` (read by nothing) most likely misspells, or None;
        ``ev_type`` itself when it is the text of a virtual kind the plan reads (`breach of
        …`, `Nth attempt of …`), which only the fold makes: an input event never is one
        (also `breach of RULE` and `warning of RULE` as written, without their default
        clause)."""
        return _remembered(self.typos, ev_type, lambda: self._typo(ev_type))

    def _typo(self, ev_type: str) -> str | None:
        if ev_type in self.short_virtual or any(
                t.__class__ is not str and str.__eq__(t, ev_type) for t in self.read_types):
            return ev_type
        from slacode.texts import typo_of       # (not at import: a service's cold start)

        # (a virtual kind is no type an event could mean: `breach of …` is no typo of it)
        return typo_of(ev_type, sorted(t for t in self.read_types if t.__class__ is str))

    def state_typo(self, state) -> str | None:
        """The state the agreement names that ``state`` (named by nothing) most likely
        misspells, or None (:func:`slacode.texts.state_typo_of`)."""
        if state.__class__ is not str:
            return None
        from slacode.texts import state_typo_of

        return _remembered(self.state_typos, state, lambda: state_typo_of(state, sorted(self.state_places)))

    def field_typo(self, name: str) -> str | None:
        """The lead field read by the agreement that ``name`` (read by nothing) most likely
        misspells, or None (:func:`slacode.texts.field_typo_of`)."""
        if name.__class__ is not str:
            return None
        got = self.field_typos.get(name, False)     # (most leads ask again for the same names)
        if got is not False:
            return got
        near = self.near_fields
        if near is None:
            near = self.near_fields = FieldTypos(sorted(self.read_fields))
        return _remembered(self.field_typos, name, lambda: near(name))

    def rules_for(self, ev_type: str) -> tuple[int, ...]:
        """Indices of the rules an event of ``ev_type`` may touch, open or not (the fold
        still applies each rule's own test; this only leaves out rules it never passes)."""
        got = self.dispatch.get(ev_type)
        if got is None:
            got = tuple(i for i, rp in enumerate(self.plan.rules)
                        if not (rp.types is not None and ev_type not in rp.types
                                and rp.start_types is not None and ev_type not in rp.start_types))
            if len(self.dispatch) < 4096:
                self.dispatch[ev_type] = got
        return got

    def quiet_rules_for(self, ev_type: str) -> tuple[tuple[int, tuple], ...]:
        """:meth:`rules_for` of an event that changes no state (nothing entered or left),
        each rule with the trigger lists to ask (:func:`_asks`): only those with a trigger
        on events of ``ev_type`` can fire, never their `enter` / `leave` triggers."""
        got = self.quiet_dispatch.get(ev_type)
        if got is None:
            rules = self.plan.rules
            got = tuple((i, _quiet_asks(rules[i], ev_type)) for i in self.rules_for(ev_type))
            if len(self.quiet_dispatch) < 4096:
                self.quiet_dispatch[ev_type] = got
        return got

    def moved_rules_for(self, ev_type: str) -> tuple[tuple[int, tuple], ...]:
        """:meth:`rules_for` of a state event that changes the state: every trigger list."""
        got = self.moved_dispatch.get(ev_type)
        if got is None:
            got = tuple((i, self.asks[i]) for i in self.rules_for(ev_type))
            if len(self.moved_dispatch) < 4096:
                self.moved_dispatch[ev_type] = got
        return got

    def quiet_steps_for(self, ev_type: str) -> tuple[tuple[int, tuple, bool], ...]:
        """:meth:`quiet_rules_for`, each rule with :func:`_counts_only` of its lists."""
        return self._steps(self.quiet_steps, ev_type, self.quiet_rules_for)

    def moved_steps_for(self, ev_type: str) -> tuple[tuple[int, tuple, bool], ...]:
        """:meth:`moved_rules_for`, each rule with :func:`_counts_only` of its lists."""
        return self._steps(self.moved_steps, ev_type, self.moved_rules_for)

    def _steps(self, table: dict, ev_type: str, rules_for) -> tuple[tuple[int, tuple, bool], ...]:
        """``rules_for(ev_type)`` with each rule's :func:`_counts_only`, kept in ``table``."""
        got = table.get(ev_type)
        if got is None:
            rules = self.plan.rules
            got = tuple((i, asks, _counts_only(rules[i], asks)) for i, asks in rules_for(ev_type))
            if len(table) < 4096:
                table[ev_type] = got
        return got

    def quotas_for(self, ev_type: str) -> tuple[int, ...]:
        """Indices of the quotas that may count an event of ``ev_type``."""
        got = self.quota_dispatch.get(ev_type)
        if got is None:
            got = tuple(i for i, q in enumerate(self.plan.quotas) if ev_type in q.types)
            if len(self.quota_dispatch) < 4096:
                self.quota_dispatch[ev_type] = got
        return got


def _apply_facts(steps: tuple, props: dict, state, notes: LeadNotes) -> bool:
    """An event's :class:`~slacode.compile.FactStep` list applied to the lead's facts
    (extension): `seen` holds from the first matching event on; `awaiting A since B` holds
    from a B, no longer from an A. Whether any fact changed."""
    facts = notes.facts
    changed = False
    for key, op, where in steps:
        if op == "off":
            if key in facts:
                facts.discard(key)
                changed = True
        elif key not in facts and (where is None or where(props, state, notes)):
            if facts is _NO_FACTS:
                facts = notes.facts = set()
            facts.add(key)
            changed = True
    return changed


def _mark_open(verdicts: list, warned: bool = False) -> None:
    """`breach of RULE` (extension): the verdicts of a cycle open as of ``as_of`` say so
    (``cycle_open``, never written: `due`'s ``escalates_to`` leaves out a rule that would
    ignore a start), and whether it has warned (``warned``, `warning of RULE`: `due`'s
    ``warns_to`` names no warning that has happened)."""
    for v in verdicts:
        v.cycle_open = True
        if warned:
            v.warned = True


def _warned(plan: Plan, i: int, rp, cyc, as_of: int) -> bool:
    """Whether the open cycle ``cyc`` of rule ``i`` has reached its warning as of ``as_of``,
    for a rule a `warning of` trigger names (False for every other rule: never asked)."""
    from slacode.compile import WarningKind

    if not any(j == i and kind.__class__ is WarningKind for j, _, _, kind in plan.breach_watch):
        return False
    from slacode.escalate import warning_instant

    return warning_instant(rp, cyc, as_of) is not None


def _nth_info(plan: Plan) -> tuple:
    """For `Nth attempt of RULE` triggers: ``(order, listens, watched)`` — the rules in an
    order where each rule comes after the rules whose attempts it waits for (else in plan
    order), the kinds each rule's trigger lists name, and the (N, kind) of each watched rule."""
    kinds = {kind for _, _, kind in plan.nth_watch}
    listens = {}
    for j, rp in enumerate(plan.rules):
        named = {t.type for ts in (rp.starts, rp.stops, rp.cancels, rp.restarts, rp.breaches) for t in ts
                 if t.kind == "event" and t.type in kinds}
        if named:
            listens[j] = frozenset(named)
    watched: dict[int, list] = {}
    source = {}
    for i, n, kind in plan.nth_watch:
        watched.setdefault(i, []).append((n, kind))
        source[kind] = i
    order: list[int] = []
    done: set = set()

    def visit(j: int, path: frozenset) -> None:
        if j in done or j in path:                  # (a loop of rules: plan order decides)
            return
        for kind in sorted(listens.get(j, ())):
            visit(source[kind], path | {j})
        done.add(j)
        order.append(j)

    for j in range(len(plan.rules)):
        visit(j, frozenset())
    return tuple(order), listens, {i: tuple(v) for i, v in watched.items()}


def _line_for(rp: RulePlan, fields, state, notes, lead=None):
    """The line a cycle of a lead with these fields and state runs on: the line that applies
    (:func:`applying_line`), or for a line `on CHOICE` (a calendar choice) the line on the
    calendar it picks, chosen the same way among its picks (None when none holds and it has
    no default); on a calendar in the lead's zone (`timezone lead`, extension), that line
    on the calendar of the zone of the lead's `timezone` field (``lead``: for SLA603)."""
    ln = applying_line(rp, fields, state, notes)
    if ln is not None and ln.choose:
        choice, choose = ln.clock, ln.choose
        ln = _picked(choose, fields, state, notes)
        if choice.zones is not None and ln is not None and notes is not None \
                and not any(pick is ln and applies is not None for applies, pick in choose):
            _default_zone(rp, choice, ln, fields, notes)
    if ln is not None and ln.clock.__class__ is LeadCalendar:
        return line_in_zone(ln, fields, notes, lead)
    return ln


def _default_zone(rp: RulePlan, choice, line, fields, notes) -> None:
    """SLA622 (info, extension): a calendar choice's default pick serves a lead whose
    `timezone` field names a zone none of the choice's calendars is in; noted once per rule
    and zone (the run keeps the first lead). A link names the zone it links to
    (``US/Eastern`` is ``America/New_York``): compared by zone data, only here, when the
    names differ (:func:`slacode.leadzone.same_zone`)."""
    value = fields.get("timezone")
    if value.__class__ is not str or value in choice.zones:
        return
    zone = lead_zone_name(value)
    if zone is not None and not any(same_zone(zone, z) for z in choice.zones):
        # keyed by the zone, not its name: aliases (`US/Eastern`, `America/New_York`) are
        # one note, the names seen kept as its value (:meth:`RunNotes.take`)
        notes.add(("choice_zone", rp.name, zone_identity(zone), choice.span, choice.name, line.clock.name), zone)


def applying_line(rp: RulePlan, fields, state, notes):
    """The target line that applies to a lead with these fields and state (§6: the first
    `for` line whose segment holds, else the first line without `for`), or None."""
    default = None
    for ln in rp.lines:
        if ln.applies is None:
            if default is None:
                default = ln
        elif ln.applies(fields, state, notes) and (ln.field is None or _field_usable(ln.field, fields, notes)):
            return ln
    if default is not None and default.field is not None:     # `due at FIELD` (extension) without `for`
        return next((ln for ln in rp.lines if ln.applies is None
                     and (ln.field is None or _field_usable(ln.field, fields, notes))), None)
    return default


def _field_usable(ft, fields, notes) -> bool:
    """Whether a `due at FIELD` line (extension) can apply: the lead field holds an RFC 3339
    timestamp with an offset. A field that holds something else is noted (SLA621, once per
    rule and field in a run, with the first lead's value); a missing one silently is not."""
    value = fields.get(ft.name)
    found = field_instant(value)
    if found is None:
        return False
    if found.__class__ is str:
        if notes is not None:
            notes.add(("due_field", ft.rule, ft.name, ft.span), (value, found))
        return False
    return True


def _picked(choose: tuple, fields, state, notes):
    """The line of the first pick whose segment holds, else of the pick without one."""
    default = None
    for applies, line in choose:
        if applies is None:
            if default is None:
                default = line
        elif applies(fields, state, notes):
            return line
    return default


def _may_touch(rf, ev_type: str, touched: bool) -> bool:
    """Whether an event of ``ev_type`` can change rule ``rf`` (``touched``: the event sets
    fields, changes the state or is the lead's first, which `start when` and `pause while`
    see): with no open cycle, only its start triggers' types can; with one, the types of
    all its triggers and counts."""
    rp = rf.plan
    types = rp.types if rf.open is not None else rp.start_types
    if types is None:
        types = rp.watch_types
        return types is None or touched or ev_type in types
    return ev_type in types


def _when_closes(rp: RulePlan, fields, state, notes) -> str | None:
    """``"stop"`` if the rule's `stop when` holds for the lead's fields and state, else
    ``"breach"`` if its `breach when` does, else ``"cancel"`` if its `cancel when` does,
    else None (extensions: an open cycle is closed so where its triggers are judged, and a
    cycle the event opened once more)."""
    if rp.stop_when is not None and rp.stop_when(fields, state, notes):
        return "stop"
    if rp.breach_when is not None and rp.breach_when(fields, state, notes):
        return "breach"
    if rp.cancel_when is not None and rp.cancel_when(fields, state, notes):
        return "cancel"
    return None


def _breach_trigger(rp: RulePlan, ev_type, props, state, entered, left, notes, also: tuple = ()) -> str:
    """The first trigger of a rule's `breach on` (extension) that an event matches, as
    written (the event is known to match one; ``also``: its `Nth attempt of RULE` roles)."""
    for text, fn in rp.breach_each:
        if also:
            fn = _either(fn, also)
        if fn(ev_type, props, state, entered, left, notes):
            return text
    return " or ".join(text for text, _ in rp.breach_each)     # (unreachable)


def _either(fn, kinds: tuple):
    """A trigger matcher that also matches events of ``kinds`` (the Nth-attempt roles an
    event took), or None."""
    if fn is None:
        return None

    def match(ev_type, props, state, entered, left, notes):
        return fn(ev_type, props, state, entered, left, notes) or any(
            fn(k, props, state, None, None, notes) for k in kinds)
    return match


def _asks(rp: RulePlan) -> tuple:
    """A rule's trigger lists as the fold asks them: ``(count, befores, stop, cancel,
    restart)`` (matchers, or None; befores: ``(key, matcher)`` pairs)."""
    return rp.count_fn, rp.befores, rp.stop_fn, rp.cancel_fn, rp.restart_fn


def _quiet_asks(rp: RulePlan, ev_type: str) -> tuple:
    """:func:`_asks` for an event of ``ev_type`` that enters and leaves no state: a list
    with no trigger on that event type cannot fire, so it is left out (None, or no befores)."""
    def fires(triggers) -> bool:
        return any(t.kind == "event" and t.type == ev_type for t in triggers)

    befores = tuple((c.key, fn) for c, (key, fn) in zip(
        [c for c in rp.clauses if c.kind == "at_least_before"], rp.befores) if fires(c.triggers))
    return (rp.count_fn if fires(rp.counts) else None, befores,
            rp.stop_fn if fires(rp.stops) else None, rp.cancel_fn if fires(rp.cancels) else None,
            rp.restart_fn if fires(rp.restarts) else None)


def _counts_only(rp: RulePlan, asks: tuple) -> bool:
    """Whether all that an event can do to rule ``rp`` while a cycle is open is to be counted
    as an attempt (``asks``: the rule's trigger lists for the event, :func:`_asks`): it
    has a count and no other list, and the rule has no `start when`, `pause while`,
    `stop when`, `cancel when` or `retarget`. The fold then asks the count itself, without
    :meth:`LeadFold._rule_event` (which would take the same steps)."""
    count_fn, befores, stop_fn, cancel_fn, restart_fn = asks
    return (count_fn is not None and not befores and stop_fn is None and cancel_fn is None
            and restart_fn is None and rp.start_when is None and rp.pause is None and not rp.retarget
            and not rp.whens and rp.breach_fn is None)


def _start_types(plan: Plan) -> frozenset | None:
    """The plain event types of which an input event can start anything of ``plan`` (SLA626):
    each rule's `start on` types (`enter` / `leave`: `state`), `state` with a `flow` block
    (any state event gives the lead a flow verdict), each quota's counted types. None when
    any event can start something (a rule with `start when`, which fires at whatever event
    makes its predicate true) or when nothing can (no rule, flow or quota). The virtual kinds
    (`breach of …`, `Nth attempt of …`) are left out: only a start of another rule makes them."""
    types: set = set()
    for rp in plan.rules:
        if rp.start_types is None:
            return None
        types.update(t for t in rp.start_types if t.__class__ is str)
    if plan.flow is not None:
        types.add("state")
    for q in plan.quotas:
        types.update(t for t in q.types if t.__class__ is str)
    return frozenset(types) or None


def plan_info(plan: Plan) -> PlanInfo:
    """The :class:`PlanInfo` of ``plan``, kept on the plan itself (made on first use: it is
    derived from the plan, which is otherwise immutable)."""
    info = plan.info
    if info is None:
        info = PlanInfo(plan)
        object.__setattr__(plan, "info", info)
    return info


_UNREAD = object()          # PlanInfo.type_where's answer for a type the agreement does not read


class _Watched(tuple):
    """PlanInfo.type_where's answer for a read type nearly another read type: its `where`
    reads (maybe none), and a note per lead that has such an event (SLA612)."""

    __slots__ = ()


def _twin_types(read) -> dict:
    """``{type: (read types it is nearly, ...)}`` of the plain event types in ``read``
    (:func:`slacode.texts.near_types`; not `state` nor `assigned`)."""
    plain = sorted(t for t in read if t.__class__ is str and t not in _LANGUAGE_TYPES)
    if len(plain) < 2:
        return {}
    from slacode.texts import near_types

    twins: dict = {}
    for i, a in enumerate(plain):
        for b in plain[i + 1:]:
            if near_types(a, b):
                twins.setdefault(a, []).append(b)
                twins.setdefault(b, []).append(a)
    return {t: tuple(v) for t, v in twins.items()}


class LeadFold:
    """The fold over one lead's events (feed them in processing order)."""

    __slots__ = ("plan", "lead", "fields", "state", "assignee", "rules", "notes", "flow_seen", "flow_first",
                 "flow_final_at", "flow_evidence", "unknown_states", "odd_owners", "quota_hits", "target_segments",
                 "events", "first_at", "first_place", "info", "last", "flow_groups", "nulled", "where_seen",
                 "where_events", "same_instant", "recur_at", "flow_met_at", "flow_breach_at", "reps")

    def __init__(self, plan: Plan, lead: str, notes: LeadNotes | None = None,
                 target_segments: dict[str, tuple] | None = None):
        self.plan = plan
        self.lead = lead
        self.fields: dict = {}
        self.state = None
        self.assignee = None
        self.rules = [RuleFold(r) for r in plan.rules]
        self.notes = notes if notes is not None else LeadNotes()
        self.flow_seen = False
        self.flow_first = None
        self.flow_groups = None                 # `by FIELD` targets on `flow`: the groups at its start
        self.flow_final_at = None
        # the instants the `flow` verdict was first met (a final state reached before any
        # disallowed change) and first breached: `slacode changes` lists them
        self.flow_met_at = None
        self.flow_breach_at = None
        # The three lists below are () until their first item: most leads never get one,
        # and with time-ordered input every lead's fold is held until the end.
        self.flow_evidence: list | tuple = ()
        self.unknown_states: list | tuple = ()   # records into undeclared states
        self.odd_owners: list | tuple = ()       # `assigned` records whose owner is a list, object or boolean
        self.quota_hits: list | tuple = ()       # (quota index, at[, rep of a `by assignee` quota][, (source, line)
                                                 # for a `per working day` quota])
        self.target_segments = target_segments or _EMPTY
        self.events = 0
        self.first_at = None
        self.first_place = None                 # (source, line) of the first event (SLA610)
        self.last = None                        # the event before the one being fed
        self.same_instant: list | tuple = ()    # [event, matched] of an instant of several events (SLA620)
        self.info = plan_info(plan)
        self.nulled: set | tuple = ()           # fields set to null (gone from `fields`): SLA616
        # per `where` read (index into plan.where_reads): [events of its type, those without
        # the property, those of them that set the lead field of that name, the first of
        # them (source, line)]: SLA617, SLA618; () until the first such event
        self.where_seen: dict | tuple = ()
        # per read type (per (rule, type) for a `first where`): how many of the lead's events
        # a `where` judged, with the property or without: whether the events of a type mostly
        # have it (SLA617 or SLA618); None until the first such event
        self.where_events: dict | None = None
        # `recur sequential` (extension): the earliest instant a rule's next cycle waits for
        # (:attr:`RuleFold.pending`), None when none waits: the one test the fold makes per event
        self.recur_at = None
        # `by assignee` targets: (instant, assignee after it) per `assigned` event, so a
        # cycle still open at its period's end counts for the rep who held the lead then
        # (:func:`slacode.aggregate.rep_at`); None when the plan has no such target
        self.reps: list | None = [] if self.info.rep_history else None

    # -- one event (LANGUAGE.md §13 "One event at a time") ------------------------------
    def feed(self, rec) -> None:
        last = self.last
        if last is not None and last.at == rec.at:
            self._same_event(rec, last)                 # SLA620: a copy is noted, and evaluated (§4, §13)
        plan = self.plan
        self.events += 1
        t, ev_type, props = rec.at, rec.type, rec.props
        if self.recur_at is not None and t > self.recur_at:     # `recur sequential`: a deadline passed
            self.open_recurring(t, False)
        if self.first_at is None:
            self.first_at, self.first_place = t, (rec.source, rec.line)
        if rec.fields:                                  # fields first
            fields = self.fields
            for k, v in rec.fields.items():
                if not k.isascii():                     # `região` in either Unicode form: one field
                    k = nfc(k)
                if v is None:
                    fields.pop(k, None)
                    if self.nulled:
                        self.nulled.add(k)
                    else:
                        self.nulled = {k}
                else:
                    fields[k] = v
        entered = left = None
        known = True
        if ev_type == "state":
            new = rec.state
            if new.__class__ is str and not new.isascii():
                new = nfc(new)                          # `qualificação` decomposed is the same state
            if plan.states is not None and new not in plan.states:
                known = False                           # §11: warning, flow evidence, nothing else
                if self.unknown_states:
                    self.unknown_states.append(rec)
                else:
                    self.unknown_states = [rec]
                self.flow_seen = True
                if self.flow_first is None:             # the flow verdict's start: any state event
                    self._flow_start(t)
                self._flow_breach(rec)
            else:
                named = self.info.state_names
                if named is None:
                    pass
                elif new not in named:                  # SLA613: no `states` block, `mqll`
                    meant = self.info.state_typo(new)
                    if meant is not None:
                        self.notes.add(("state_typo", new, meant), (rec.source, rec.line))
                else:                                   # SLA613: the input has this named state, so
                    self.notes.add(("state_in", new))   # a state one letter off it is another one
                self._flow(rec, new)
                if new != self.state:                   # into the same state is no transition
                    entered, left = new, self.state
                    self.state = new
        state, fields, notes = self.state, self.fields, self.notes
        if known:
            info = self.info
            where = info.type_where.get(ev_type, _UNREAD)
            if where is _UNREAD and not ev_type.isascii():     # a read type in another Unicode form
                same = nfc(ev_type)
                where = info.type_where.get(same, _UNREAD)
                if where is not _UNREAD:
                    ev_type = same
            if where is _UNREAD:
                typo = info.typo(ev_type)
                if typo is not None:                    # SLA605: once per type, at its first event
                    notes.add(("typo", ev_type, typo, info.type_places.get(typo)), (rec.source, rec.line))
            elif where is not None:                     # SLA617/SLA618: a `where` reads this type's events
                if where.__class__ is _Watched:         # SLA612: a type nearly another read type
                    notes.add(("type_seen", ev_type))
                if where:
                    judged = self.where_events
                    if judged is None:
                        judged = self.where_events = {}
                    judged[ev_type] = judged.get(ev_type, 0) + 1
                for read in where:
                    if props.get(read[1]) is None:      # (a null is no value, §9)
                        self._where_lacks(where, rec, props)
                        break
            # `seen` / `awaiting` (extension): the event's facts first, as its fields (what its
            # own triggers and counts judge); `moved` re-judges the lead's predicates below
            moved = info.facts and ev_type in info.facts and _apply_facts(info.facts[ev_type], props, state, notes)
            if plan.quotas:
                counted = info.quota_dispatch.get(ev_type)
                if counted is None:
                    counted = info.quotas_for(ev_type)
                for i in counted:
                    q = plan.quotas[i]
                    if q.match(ev_type, props, state, entered, left, notes) and (
                            q.segment is None or q.segment(fields, state, notes)):
                        if q.prop is not None:              # `sum PROP of …`: (i, at, group, value)
                            hit = (i, t, self._group(q, ev_type, props, fields) if q.grouped else None,
                                   self._summand(q, rec, props, notes, fields))
                        else:
                            hit = (i, t, self._group(q, ev_type, props, fields)) if q.grouped else (i, t)
                        if q.calendar is not None:          # `per working day on CAL`: where it is, should it
                            hit += ((rec.source, rec.line),)    # fall on no working date (SLA619)
                        if self.quota_hits:
                            self.quota_hits.append(hit)
                        else:
                            self.quota_hits = [hit]
            # Skip rules this event cannot touch. A rule with `start when` / `pause while`
            # reads the lead's fields and state, which only an event with fields or a state
            # event changes; anything else gives those predicates the answer they gave before.
            touched = rec.fields is not None or ev_type == "state" or self.events == 1 or moved
            if entered is None:                         # no state change: fewer triggers can fire
                which = info.quiet_steps.get(ev_type)
                if which is None:
                    which = info.quiet_steps_for(ev_type)
            else:
                which = info.moved_steps.get(ev_type)
                if which is None:
                    which = info.moved_steps_for(ev_type)
            rules = self.rules
            if info.nth is not None:                    # `Nth attempt of RULE`: RULE first
                self._rules_nth(which, rec, t, ev_type, props, state, entered, left, fields, notes, touched)
                which = ()
            for i, asks, counts_only in which:          # (_may_touch, inline: the hottest loop)
                rf = rules[i]
                rp = rf.plan
                cyc = rf.open
                types = rp.types if cyc is not None else rp.start_types
                if types is None:
                    types = rp.watch_types
                    if types is not None and not touched and ev_type not in types:
                        continue
                elif ev_type not in types:
                    continue
                if counts_only and cyc is not None:     # _rule_event's steps for such an event
                    if asks[0](ev_type, props, state, entered, left, notes):
                        atts = cyc.attempts
                        if atts:
                            atts.append((t, rec.ref, None, state, fields.get("timezone")))
                        else:
                            self._attempt(cyc, rec, rp.name)
                    continue
                self._rule_event(rf, rec, t, ev_type, props, state, entered, left, fields, notes, asks)
            if self.recur_at is not None:               # `recur sequential`: a cancel while waiting
                self._pending_cancels(rec, ev_type, props, state, entered, left, fields, notes)
        elif rec.fields is not None or self.events == 1:
            self._fields_only(rec, t, state, fields, notes)
            if self.recur_at is not None:               # `recur sequential`: a `cancel when` while waiting
                self._pending_cancels(rec, ev_type, props, state, None, None, fields, notes, False)
        if ev_type == "assigned":                        # after the triggers: §13 assignee
            # §4: the owner of the latest assigned event; one without an owner unassigns
            owner = props.get("owner")
            # the assignee is text in every output (a CSV rep id `1234` is read as a number)
            if owner is None or owner.__class__ is str:
                self.assignee = notes.assignee = owner
                if self.reps is not None:
                    self.reps.append((t, owner))
                if not owner:                           # SLA606: once per kind, at its first event
                    why = _ownerless(props, rec.fields)
                    if why is not None:
                        notes.add(("no_owner", why), (rec.source, rec.line))
            else:
                self.assignee = notes.assignee = as_text(owner)
                if self.reps is not None:
                    self.reps.append((t, self.assignee))
                if owner.__class__ is bool or not isinstance(owner, (str, Number)):    # no rep's id: SLA604
                    if self.odd_owners:
                        self.odd_owners.append(rec)
                    else:
                        self.odd_owners = [rec]
        if rec.__class__ is BreachRecord:               # `breach of RULE` (extension), rare
            self._mark_breach_attempts(rec)
        self.last = rec

    def _same_event(self, rec, last) -> bool:
        """SLA620, for an event at the instant of the event before it (``last``): whether it
        is the same event as an earlier one of the instant (the same content,
        :func:`_same_content`) with at least one of the two without an `id`. Only ids make
        two events one (LANGUAGE.md §4, §13), so such a copy is evaluated, and noted: one of
        the two with an `id` and the other without (a webhook log read with a CRM export:
        ``("copy", "id")``, pairs matched one to one, so that an event with an id stands for
        one copy without and the reverse), or both without (``("copy",)``). The events of
        the instant kept so far are in ``same_instant`` as ``[record, matched]``, from the
        second event of an instant on."""
        if rec.__class__ is BreachRecord:
            return False
        group = self.same_instant
        if not group or group[0][0].at != rec.at:
            group = self.same_instant = [[last, False]]
        elif len(group) >= _SAME_INSTANT_KEPT:
            return False
        bare = rec.id is None
        copied = None
        for item in group:
            prev = item[0]
            if (prev.type == rec.type and prev.props == rec.props and prev.fields == rec.fields
                    and prev.state == rec.state and prev.__class__ is rec.__class__ and _same_content(prev, rec)):
                if (prev.id is None) is not bare and not item[1]:
                    item[1] = True
                    self.notes.add(("copy", "id"), (rec.source, rec.line, prev.source, prev.line,
                                                    prev.id if bare else rec.id, bare))
                    group.append([rec, True])
                    return True
                if bare and copied is None:
                    copied = prev
        group.append([rec, False])
        if copied is not None:
            self.notes.add(("copy",), (rec.source, rec.line, copied.source, copied.line))
        return False

    def _mark_breach_attempts(self, rec) -> None:
        """After a breach or a warning (a virtual record) was fed: the attempts it just became
        (an `attempts` rule's `count breach of …`, `count warning of …`) get its
        :meth:`~slacode.escalate.BreachRecord.tag` as a 7th item (the first attempt's ``who``
        slot kept; ``None`` for the others), so reasons name the breach (warning), not the
        real event its ``ref`` cites (the breached cycle's start).

        The breach comes after every real event of its instant and adds at most one attempt
        to a cycle: a cycle open when it came (still open, opened by it, or closed by it)
        whose last attempt has its instant and ref, and whose rule counts it, took it."""
        t, ref, escalates = rec.at, rec.ref, rec.tag()
        state, notes = self.state, self.notes
        for rf in self.rules:
            rp = rf.plan
            if rp.kind != "attempts" or rp.count_fn is None or not rf.cycles:
                continue
            if not rp.count_fn(rec.type, rec.props, state, None, None, notes):
                continue
            for cyc in rf.cycles[-2:]:
                atts = cyc.attempts
                if not atts or (cyc.closed_at is not None and (cyc.closed_at != t or cyc.closed_by != escalates)):
                    continue
                last = atts[-1]
                if last[0] == t and last[1] == ref and len(last) < 7:
                    atts[-1] = (last + (escalates,)) if len(last) == 6 else (last + (None, escalates))

    def _rules_nth(self, which, rec, t, ev_type, props, state, entered, left, fields, notes, touched) -> None:
        """The rules' pass over one event when some trigger is `Nth attempt of RULE`
        (extension): each rule after the rules whose attempts it waits for, so that when this
        event has just become the Nth attempt of a cycle of RULE (the cycle still open, or
        closed by this very event), a rule naming it takes the event in both roles at once,
        in the order of §6 (stop, cancel, restart, start), counting it as any other event."""
        order, listens, watched = self.info.nth
        asked = {i: asks for i, asks, _ in which}
        rules = self.rules
        hits: list = []
        for i in order:
            rf = rules[i]
            watch = watched.get(i, ())
            # the attempts the rule's last cycle had before this event: the Nth attempt is this
            # event only if the pass below made it (a virtual record shares its instant and its
            # ref with the start event of the cycle it is about, which may be an attempt)
            before = (rf.cycles[-1], len(rf.cycles[-1].attempts)) if watch and rf.cycles else (None, 0)
            also = tuple(k for k in hits if k in listens[i]) if hits and i in listens else ()
            if also:
                self._rule_event(rf, rec, t, ev_type, props, state, entered, left, fields, notes, None, also)
            elif i in asked and _may_touch(rf, ev_type, touched):
                self._rule_event(rf, rec, t, ev_type, props, state, entered, left, fields, notes, asked[i])
            for n, kind in watch:
                for cyc in rf.cycles[-2:]:
                    atts = cyc.attempts
                    had = before[1] if cyc is before[0] else 0
                    if had < n <= len(atts) and atts[n - 1][0] == t and atts[n - 1][1] == rec.ref:
                        hits.append(kind)
                        break

    def _flow_start(self, t: int) -> None:
        """The `flow` verdict starts: the groups of its `by FIELD` targets are taken now."""
        self.flow_first = t
        judged = self.target_segments.get("flow")
        if judged is not None and judged[1]:
            self.flow_groups = {f: group_key(self.fields.get(f)) for f in judged[1]}

    def _group(self, q, ev_type: str, props: dict, fields: dict):
        """The group an event counts in for a grouped quota: the rep (`by assignee`), or the
        key of the lead field's value after the event's own fields (`by FIELD`)."""
        if q.by_assignee:
            return self._rep(ev_type, props)
        return group_key(fields.get(q.by_field))

    @staticmethod
    def _summand(q, rec, props: dict, notes, fields=None):
        """What an event adds to a `sum PROP of …` quota: PROP's number (an int, a finite
        float or Decimal), or None when it has none, noted (SLA615) with the event's place;
        a whole float of 2**64 or more, or below -2**63 (JSON Lines reads an int that
        large as a float, its last digits lost) is added and noted too."""
        v = props.get(q.prop)
        if v is None and not q.prop.isascii():          # the property's name decomposed (NFD)
            v = props.get(nfd(q.prop))
        cls = v.__class__
        if cls is int or (cls is float and v - v == 0):     # (inf - inf and nan - nan are nan)
            if cls is float and (v >= _INT_TOP or v < _INT_BOTTOM) and v.is_integer():
                notes.add(("sum_value", q.name, q.prop, "big"), (rec.source, rec.line, rec.type, v))
            return v
        if cls is Decimal and v.is_finite():            # (a NUMERIC column): added as the decimal it is
            return v
        if v is not None and cls is not bool and _is_num(v):
            plain = _plain_num(v)                        # numpy: as Python's own
            if plain is not None and plain - plain == 0:
                return plain
        if v is None:
            why = "null" if q.prop in props else ("in_fields" if fields and fields.get(q.prop) is not None
                                                  else "missing")
        else:
            why = ("text" if isinstance(v, str) else "boolean" if isinstance(v, bool) else "number" if _is_num(v)
                   else "list" if isinstance(v, (list, tuple)) else "object" if isinstance(v, dict) else "other")
        notes.add(("sum_value", q.name, q.prop, why), (rec.source, rec.line, rec.type, v))
        return None

    def _rep(self, ev_type: str, props: dict):
        """Whom an event counts for in a `by assignee` quota: the rep holding the lead, an
        `assigned` event's own `owner` for that event (the rep it gives the lead to)."""
        rep = self.assignee
        if ev_type == "assigned":
            owner = props.get("owner")
            rep = owner if owner is None or owner.__class__ is str else as_text(owner)
        return rep or None                              # `"owner": ""` gives the lead to nobody

    def _flow(self, rec, new) -> None:
        flow = self.plan.flow
        self.flow_seen = True
        if self.flow_first is None:
            self._flow_start(rec.at)
        if flow is not None and self.state is not None and new != self.state:
            if (self.state, new) not in flow.allowed:
                self._flow_breach(rec)
        if new in self.plan.finals and new != self.state:
            self.flow_final_at = rec.at
            if self.flow_met_at is None and not self.flow_evidence:
                self.flow_met_at = rec.at

    def _flow_breach(self, rec) -> None:
        if self.flow_evidence:
            self.flow_evidence.append(rec.ref)
        else:
            self.flow_evidence = [rec.ref]
            self.flow_breach_at = rec.at

    def _rule_event(self, rf: RuleFold, rec, t, ev_type, props, state, entered, left, fields, notes,
                    asks: tuple | None = None, also: tuple = ()):
        """One event for one rule; ``asks``: the trigger lists that may fire (:func:`_asks`;
        the others cannot match this event). None: all of them. ``also``: the `Nth attempt
        of RULE` kinds the event is as well (its start, stop, cancel and restart triggers
        match those too)."""
        rp = rf.plan
        cyc = rf.open
        count_fn, befores, stop_fn, cancel_fn, restart_fn = asks if asks is not None else _asks(rp)
        start_fn = rp.start_fn
        breach_fn = rp.breach_fn                        # `breach on` (extension); None in most plans
        if also:
            stop_fn, cancel_fn, restart_fn, start_fn, breach_fn = (
                _either(fn, also) for fn in (stop_fn, cancel_fn, restart_fn, start_fn, breach_fn))
        is_attempt = count_fn is not None and count_fn(ev_type, props, state, entered, left, notes)
        new = why = None
        if cyc is not None:
            if befores:
                self._before(befores, cyc, rec, ev_type, props, state, entered, left, notes)
            if is_attempt:                              # _attempt, inline: most events of a cadence
                atts = cyc.attempts
                if atts:
                    atts.append((t, rec.ref, None, self.state, fields.get("timezone")))
                else:
                    self._attempt(cyc, rec, rp.name)
            if stop_fn is not None and stop_fn(ev_type, props, state, entered, left, notes):
                self._close(rf, cyc, rec, "stop")
            elif rp.whens and (why := _when_closes(rp, fields, state, notes)) == "stop":
                self._close(rf, cyc, rec, "stop", by_when=True)     # `stop when` (extension): as a stop
            elif breach_fn is not None and breach_fn(ev_type, props, state, entered, left, notes):
                self._close(rf, cyc, rec, "breach")                 # `breach on` (extension)
                cyc.breach_by = _breach_trigger(rp, ev_type, props, state, entered, left, notes, also)
            elif why == "breach":
                self._close(rf, cyc, rec, "breach", by_when=True)   # `breach when`: after a stop
            elif cancel_fn is not None and cancel_fn(ev_type, props, state, entered, left, notes):
                self._close(rf, cyc, rec, "cancel")
            elif why == "cancel":
                self._close(rf, cyc, rec, "cancel", by_when=True)   # `cancel when`: as a cancel
            elif restart_fn is not None and restart_fn(ev_type, props, state, entered, left, notes):
                self._close(rf, cyc, rec, "restart")
                new = self._open(rf, rec, t, fields, state, notes)
            if rp.retarget and rf.open is cyc:          # after its triggers: a close keeps the line
                self._retarget(rf, cyc, rec, t, fields, state, notes)
        fired = False
        if rp.start_when is not None:
            now = bool(rp.start_when(fields, state, notes))
            fired = now and not rf.when_prev
            rf.when_prev = now
        if rf.open is None and not _recurred_at(rf, rec):  # (a cycle `recur` opened here and a `… when`
            fn = start_fn                                   # closed at once took the event's opening)
            if fired or (fn is not None and fn(ev_type, props, state, entered, left, notes)):
                if rp.once and rf.number:                # `start once`: the lead had its cycle
                    rf.once_skipped += 1
                else:
                    new = self._open(rf, rec, t, fields, state, notes)
        if new is not None and rp.kind == "attempts":    # the start event belongs to the new cycle
            if rp.befores:
                self._before(rp.befores, new, rec, ev_type, props, state, entered, left, notes)
            if is_attempt:
                self._attempt(new, rec, rp.name)
        cyc = rf.open
        if new is not None and cyc is new and rp.whens:     # a cycle this event opened: `stop when` /
            why = _when_closes(rp, fields, state, notes)    # `cancel when` may hold already
            if why is not None:
                self._close(rf, cyc, rec, why, by_when=True)
                return
        if cyc is not None and rp.pause is not None:     # pauses are checked last
            self._pause(cyc, rp.pause(fields, state, notes), t)

    @staticmethod
    def _pause(cyc: "Cycle", p, t: int) -> None:
        """The pause predicate's answer ``p`` after an event at ``t``."""
        if p and not cyc.paused:
            if cyc.pauses:
                cyc.pauses.append([t, None])
            else:
                cyc.pauses = [[t, None]]
            cyc.paused = True
        elif not p and cyc.paused:
            cyc.pauses[-1][1] = t
            cyc.paused = False

    def _fields_only(self, rec, t, state, fields, notes) -> None:
        """An event that is no trigger (a `state` event into an undeclared state, §11) but
        whose fields applied (or by which the lead is first seen): `start when` and the
        pauses judge the lead's fields as of it (§13), as after any other event."""
        for rf in self.rules:
            rp = rf.plan
            cyc = rf.open
            if cyc is not None and rp.whens:            # `stop when` / `cancel when` (extension),
                why = _when_closes(rp, fields, state, notes)    # where a stop or a cancel is judged
                if why is not None:
                    self._close(rf, cyc, rec, why, by_when=True)
            if rp.start_when is not None:
                now = bool(rp.start_when(fields, state, notes))
                fired = now and not rf.when_prev
                rf.when_prev = now
                if fired and rf.open is None and not _recurred_at(rf, rec):
                    new = self._open(rf, rec, t, fields, state, notes)
                    if new is not None and rp.whens:    # … and on the cycle this event opened
                        why = _when_closes(rp, fields, state, notes)
                        if why is not None:
                            self._close(rf, new, rec, why, by_when=True)
                            continue
            cyc = rf.open
            if cyc is None or cyc.closed_at is not None:
                continue
            if rp.retarget:
                self._retarget(rf, cyc, rec, t, fields, state, notes)
            if cyc is not None and rp.pause is not None:
                self._pause(cyc, rp.pause(fields, state, notes), t)

    def _open(self, rf: RuleFold, rec, t, fields, state, notes, recurred: tuple | None = None) -> Cycle | None:
        """Open a cycle if a target line applies (§6: `for` lines in order, else the default);
        ``recurred``: opened by the rule's `recur` (extension), :attr:`RecurredCycle.recurred`
        (``rec`` is then None or the stop that opened it; the cycle cites the stop)."""
        rp = rf.plan
        line = _line_for(rp, fields, state, notes, self.lead)
        if line is None:
            if recurred is None:
                rf.untracked += 1                        # untracked: no number, blocks nothing
            return None
        if rf.pending is not None:                      # `recur sequential`: a start's cycle replaces
            self._drop_pending(rf)                      # the opening that waited for the deadline
        if line.day is not None:                        # by the working day: its target from this start
            line = self._line_at(rp, line, t, rf.number + 1)
        elif line.field is not None:                    # `due at FIELD`: the field as of this start
            line = self._line_at(rp, line, t, rf.number + 1, fields)
        rf.number += 1
        if recurred is None:
            prev = self.last
            if prev is not None and prev.at == t:
                self._before_start(rf, prev, rec, state, notes)
            cyc = Cycle(rf.number, t, rec.ref, line)
            if rec.__class__ is BreachRecord:           # `breach of RULE` / `warning of RULE` (extension)
                cyc.escalates = rec.tag()
        else:                                           # `recur` (extension): cites the stop
            cyc = RecurredCycle(rf.number, t, recurred[3], line)
            cyc.recurred = recurred
        judged = self.target_segments.get(rp.name)
        if judged is not None:                          # what the rule's targets judge at the start
            segs, by = judged
            if segs:
                cyc.segments_at_start = frozenset(name for name, pred in segs if pred(fields, state, notes))
            if by:
                cyc.groups = {f: group_key(fields.get(f)) for f in by}
        if rf.cycles:
            rf.cycles.append(cyc)
        else:
            rf.cycles = [cyc]
        rf.open = cyc
        return cyc

    def _before_start(self, rf: RuleFold, prev, rec, state, notes) -> None:
        """The event just before a cycle's start, at the same instant, counted for nothing
        since no cycle of the rule was open (§4: events of one instant keep their input
        order): SLA607 if it is one of the rule's stops, SLA608 if the rule counts it as an
        attempt — unless a cycle was open when it came: it closed that cycle, or the start
        does (a restart), and it counted there."""
        last = rf.cycles[-1] if rf.cycles else None
        if last is not None and last.closed_at == prev.at and last.close_ref in (prev.ref, rec.ref):
            return                                      # a cycle was open when it came
        if prev.__class__ is BreachRecord:              # a breach is no event of the input to reorder
            return
        rp = rf.plan
        # a start that is a breach (or a warning) comes after every event of its instant by
        # rule, not by the input's order: the note says so (its own hint)
        how = (rec.event,) if rec.__class__ is BreachRecord else ()
        if rp.stop_fn is not None and rp.stop_fn(prev.type, prev.props, state, None, None, notes):
            notes.add(("stop_first", rp.name, *how), (prev.source, prev.line))
        elif rp.kind == "attempts" and rp.count_fn is not None \
                and rp.count_fn(prev.type, prev.props, state, None, None, notes):
            notes.add(("attempt_first", rp.name, *how), (prev.source, prev.line))

    def _retarget(self, rf: RuleFold, cyc: Cycle, rec, t: int, fields, state, notes) -> None:
        """`retarget when segment changes` (extension), after an event's triggers left the
        cycle open: the line that applies now, chosen as at the start, replaces the cycle's
        line; its deadline counts from the cycle's start, in its own calendar, with the
        cycle's pauses. A line whose outcome is decided stays: its deadline passed before
        this event (a breach is never undone), or, in an `attempts` rule, its N attempts were
        made by it (this event's included). No line applying keeps the current."""
        line = _line_for(rf.plan, fields, state, notes, self.lead)
        current = cyc.line
        if line is None or same_line(line, current):
            return
        try:
            due = line_due_us(current, cyc.start, cyc.pause_list(t) if cyc.pauses else ())
        except CalendarError as e:                      # past the years calendars cover
            raise CalendarError(f"lead {self.lead!r}, rule `{rf.plan.name}`, cycle {cyc.number} (started "
                                f"{_when(cyc.start, current.clock.tz)}): {e}") from e
        if due < t:
            return
        n = current.n
        if rf.plan.kind == "attempts" and (n <= 0 or (len(cyc.attempts) >= n and cyc.attempts[n - 1][0] <= due)):
            return
        if line.day is not None:                        # as if it had applied from the start
            line = self._line_at(rf.plan, line, cyc.start, cyc.number)
        elif line.field is not None:                    # `due at FIELD`: the field as of now, counted
            line = self._line_at(rf.plan, line, cyc.start, cyc.number, fields)     # from the start
        cyc.line = line
        if cyc.retargets:
            cyc.retargets.append((t, rec.ref, current))
        else:
            cyc.retargets = [(t, rec.ref, current)]

    def _line_at(self, rp: RulePlan, line, start: int, number: int, fields=None):
        """:func:`~slacode.compile.line_at` (a target by the working day, from ``start``), or
        with ``fields`` :func:`~slacode.compile.field_line_at` (`due at FIELD`), with the lead,
        rule and cycle named when the calendar has no working day left."""
        try:
            return line_at(line, start) if fields is None else field_line_at(line, start, fields)
        except CalendarError as e:
            raise CalendarError(f"lead {self.lead!r}, rule `{rp.name}`, cycle {number} (started "
                                f"{_when(start, line.clock.tz)}): {e}") from e

    def _close(self, rf: RuleFold, cyc: Cycle, rec, kind: str, by_when: bool = False) -> None:
        cyc.closed_at = rec.at
        if by_when:                                     # `stop when` / `cancel when` (extension)
            cyc.by_when = True
        if rec.__class__ is BreachRecord and not by_when:   # `breach of RULE` / `warning of RULE` (extension);
            cyc.closed_by = rec.tag()                   # (`stop when` closing the cycle a breach opened: not by it)
        cyc.close_kind = kind
        cyc.close_ref = rec.ref
        cyc.assignee = self.assignee                     # before this event's own owner …
        if by_when and rec.type == "assigned" and cyc.start_ref == rec.ref and cyc.start == rec.at:
            owner = rec.props.get("owner")               # … unless the event opened the cycle it
            cyc.assignee = owner if owner is None or owner.__class__ is str else as_text(owner)   # closes at once
        cyc.close_tz = self.fields.get("timezone")       # the lead's zone then (only_between)
        # paused until it closed: the pause keeps no end of its own (every reader ends it at
        # the close, `pause_list`), so the warning instant tells a resume at the close's
        # instant from a pause the close ended (escalate.warning_instant)
        cyc.paused = False
        if kind == "stop" and rf.plan.require:
            fields = self.fields
            cyc.require_missing = [f for f in rf.plan.require if not _present(fields.get(f))]
            if rf.plan.conditions:                      # `require … where` (extension): at the stop
                cyc.require_failed = failed_conditions(rf.plan.conditions, fields, self.state, self.notes) or None
        rf.open = None
        if kind == "stop" and rf.plan.recur is not None:    # `recur` (extension): the next occurrence
            self._recur_after(rf, cyc, rec)

    # -- `recur [sequential] [while P]` (extension) --------------------------------------
    def _recur_after(self, rf: RuleFold, cyc: Cycle, rec) -> None:
        """After ``cyc`` was stopped by ``rec``: the rule's next cycle opens now, if its `while`
        holds (`recur`, or `recur sequential` stopped at or after the deadline), or waits
        for the deadline (`recur sequential` stopped before it, :attr:`RuleFold.pending`).
        A cycle stopped by the very event that opened it (`stop when` holding at once)
        opens nothing: the event would open and stop cycles without end."""
        t = rec.at
        if cyc.start == t and cyc.start_ref == rec.ref:
            return
        sequential, holds, _ = rf.plan.recur
        due = None
        if sequential:
            line = cyc.line
            try:
                due = line_due_us(line, cyc.start, cyc.pause_list(t) if cyc.pauses else ())
            except CalendarError as e:                  # past the years calendars cover
                raise CalendarError(f"lead {self.lead!r}, rule `{rf.plan.name}`, cycle {cyc.number} (started "
                                    f"{_when(cyc.start, line.clock.tz)}): {e}") from e
            if due > t:                                 # an early stop: the next one opens at the deadline
                rf.pending = (due, cyc, rec.type)
                if self.recur_at is None or due < self.recur_at:
                    self.recur_at = due
                return
        fields, state, notes = self.fields, self.state, self.notes
        if holds is not None and not holds(fields, state, notes):
            return
        new = self._open(rf, rec, t, fields, state, notes, ("stop", cyc.number, rec.type, rec.ref, due))
        if new is not None and rf.plan.whens:           # judged once more, as a cycle a start opens:
            why = _when_closes(rf.plan, fields, state, notes)   # `stop when`, `breach when`, `cancel when`
            if why is not None:                         # (a stop here recurs no more: the guard above)
                self._close(rf, new, rec, why, by_when=True)

    def open_recurring(self, t: int, inclusive: bool) -> None:
        """`recur sequential` (extension): open the cycles waiting for a deadline before ``t``
        (at or before it when ``inclusive``: as of ``t``, every event of ``t`` fed), each if its
        `while` holds over the lead's fields and state as of its deadline (the events up to
        it). The fold calls it before an event after such a deadline, and as of ``as_of``."""
        nxt = None
        for rf in self.rules:
            pending = rf.pending
            if pending is None:
                continue
            at = pending[0]
            if at < t or (inclusive and at == t):
                rf.pending = None
                self._recur_open(rf, pending)
            elif nxt is None or at < nxt:
                nxt = at
        self.recur_at = nxt

    def _recur_open(self, rf: RuleFold, pending: tuple) -> None:
        """Open the cycle that waited for ``pending``'s deadline, if the `while` holds."""
        at, prev, ev_type = pending
        rp = rf.plan
        fields, state, notes = self.fields, self.state, self.notes
        holds = rp.recur[1]
        if holds is not None and not holds(fields, state, notes):
            return
        cyc = self._open(rf, None, at, fields, state, notes, ("deadline", prev.number, ev_type, prev.close_ref, at))
        if cyc is None:
            return
        if rp.whens:                                    # judged at its opening, as a cycle a start opens
            why = _when_closes(rp, fields, state, notes)
            if why is not None:                         # closed at once, citing the stop it cites (so a
                self._close(rf, cyc, _Opening(at, cyc.start_ref), why, by_when=True)    # stop recurs no more)
                return
        if rp.pause is not None:                        # paused from the opening if the pause holds
            self._pause(cyc, rp.pause(fields, state, notes), at)

    def _drop_pending(self, rf: RuleFold) -> None:
        """Forget ``rf``'s waiting opening (a start opened a cycle, or a cancel came)."""
        rf.pending = None
        rest = [r.pending[0] for r in self.rules if r.pending is not None]
        self.recur_at = min(rest) if rest else None

    def _pending_cancels(self, rec, ev_type, props, state, entered, left, fields, notes,
                         triggers: bool = True) -> None:
        """`recur sequential`: a rule's cancel (`cancel on`, `cancel when`) while its next
        cycle waits for the deadline drops that opening. At the stop's own event only a
        `cancel when` holding after it does (as it cancels a cycle a start opens at once); its
        `cancel on` closed nothing, the stop coming first. ``triggers``: False for an event no
        trigger reads (an undeclared state), which only `cancel when` judges."""
        for rf in self.rules:
            pending = rf.pending
            if pending is None:
                continue
            prev = pending[1]
            rp = rf.plan
            own = prev.closed_at == rec.at and prev.close_ref == rec.ref
            if (triggers and not own and rp.cancel_fn is not None
                    and rp.cancel_fn(ev_type, props, state, entered, left, notes)) or (
                    rp.cancel_when is not None and rp.cancel_when(fields, state, notes)):
                self._drop_pending(rf)

    def _attempt(self, cyc: Cycle, rec, rule: str) -> None:
        tzfield = self.fields.get("timezone")
        # Only the first attempt's properties are ever read (`first where …`, with the lead's
        # assignee just before it for `== assignee`): holding the others would keep every
        # attempt's dict alive while the lead is open.
        if cyc.attempts:
            cyc.attempts.append((rec.at, rec.ref, None, self.state, tzfield))
        else:
            cyc.attempts = [(rec.at, rec.ref, rec.props, self.state, tzfield, self.assignee)]
            reads = self.info.first_reads
            if reads:                           # SLA617/SLA618 of `first where`: the attempt it judges
                mine = reads.get((rule, rec.type))
                if mine is not None:
                    judged = self.where_events
                    if judged is None:
                        judged = self.where_events = {}
                    key = (rule, rec.type)
                    judged[key] = judged.get(key, 0) + 1
                    props = rec.props or {}
                    if any(props.get(prop) is None for _, prop, _ in mine):
                        self._where_lacks(mine, rec, props)

    def _before(self, befores, cyc, rec, ev_type, props, state, entered, left, notes) -> None:
        for key, fn in befores:
            if key not in cyc.before and fn(ev_type, props, state, entered, left, notes):
                if cyc.before is _NO_BEFORE:
                    cyc.before = {}
                # what happened, for the reason: a breach's (warning's) tag, or the event
                what = rec.tag() if rec.__class__ is BreachRecord else (ev_type, entered, left)
                cyc.before[key] = (rec.at, rec.ref, len(cyc.attempts), what)

    # -- verdicts -------------------------------------------------------------------------
    def verdicts(self, as_of: int) -> list[Verdict]:
        if self.recur_at is not None:               # `recur sequential`: openings due as of as_of
            self.open_recurring(as_of, True)
        if self.info.read_fields:
            if self.fields or self.nulled:
                self._field_notes()
            else:                                   # SLA614: a lead without any field lacks them all
                self.notes.add(("fields_had",), (frozenset(), ()))
        if self.where_seen:
            self._where_notes()
        if self.plan.zone_reads:
            self._zone_notes()
        out: list[Verdict] = []
        rules = self.rules
        for i in self.plan.output_order:            # declaration order, the flow block included
            if i is None:
                v = self._flow_verdict()
                if v is not None:
                    out.append(v)
                continue
            rf = rules[i]
            cycles = rf.cycles
            if not cycles:
                continue
            rp = rf.plan
            judges = self.info.judges[i]
            if len(cycles) == 1:                    # already in clause order
                got = _cycle_verdicts(self, rp, cycles[0], as_of, judges)
                if rf.open is not None and self.plan.breach_watch:
                    _mark_open(got, _warned(self.plan, i, rp, rf.open, as_of))
                out.extend(got)
                continue
            per_clause: dict[str, list] = {}
            for cyc in cycles:
                got = _cycle_verdicts(self, rp, cyc, as_of, judges)
                if cyc is rf.open and self.plan.breach_watch:
                    _mark_open(got, _warned(self.plan, i, rp, cyc, as_of))
                for v in got:
                    per_clause.setdefault(v.clause, []).append(v)
            for c in rp.clauses:
                out.extend(per_clause.get(c.key, ()))
        return out

    def _where_lacks(self, where: tuple, rec, props) -> None:
        """An event of a type some `where` reads, lacking a property one of them reads: per
        such read, count it, and whether the lead had a field of that name then (set by this
        event or an earlier one: the `where` was surely meant to read it); the first such
        event of the lead is kept, with a property of nearly that name it had (a misspelt
        name in the agreement or the events). Events that have every property are not
        counted at all, so a lead whose events do adds nothing to its outcome."""
        seen = self.where_seen
        if not seen:
            seen = self.where_seen = {}
        fields = self.fields                    # (this event's own in place)
        for k, prop, lead_field in where:
            if props.get(prop) is not None or (not prop.isascii() and props.get(nfd(prop)) is not None):
                continue
            counts = seen.get(k)
            if counts is None:
                from slacode.texts import field_typo_of

                near = field_typo_of(prop, [p for p in props if props[p] is not None]) if props else None
                counts = seen[k] = [0, 0, (rec.source, rec.line, self.lead), near]
            counts[0] += 1
            if fields.get(lead_field) is not None:     # the lead has a field of that name
                counts[1] += 1

    def _where_notes(self) -> None:
        """SLA617/SLA618: one note per `where` read whose property some of the lead's events
        lacked, with its counts (the run adds them up: :meth:`RunNotes.take`). The key and
        counts are small ints and texts (the note goes with the lead's outcome); the plan
        names the read."""
        notes = self.notes
        if notes.items is None:
            notes.items = {}
        items = notes.items                     # (set, not kept from a first call: the counts so far)
        judged, keys = self.where_events or {}, self.info.where_judged
        for k, counts in self.where_seen.items():
            items["where_prop", k] = (*counts, judged.get(keys[k], counts[0]))

    def _zone_notes(self) -> None:
        """SLA625: a lead without a `timezone` field, in an agreement that reads the lead's
        zone, notes so, and each field it had whose name says it holds a zone (`hs_timezone`,
        `time_zone`, `tz`), with its text (the run says it when no lead had `timezone`)."""
        fields = self.fields
        if "timezone" in fields or (self.nulled and "timezone" in self.nulled):
            return
        notes = self.notes
        notes.add(("zone_missing",))
        for name, value in fields.items():
            if value.__class__ is str and value and name.__class__ is str and zone_field_name(name):
                notes.add(("zone_field", name), value)

    def _field_notes(self) -> None:
        """SLA616: a note for each field the lead had (a value or null) that the agreement
        does not read but that looks like a field it reads and the lead never had."""
        info = self.info
        had = self.fields.keys() | self.nulled if self.nulled else self.fields.keys()
        # SLA614: a lead that lacks a read field notes the read fields it had, and a few it had
        # (the run adds them up); one that has them all notes nothing (most leads, in good data)
        if not info.read_fields.issubset(had):
            self.notes.add(("fields_had",), (info.read_fields.intersection(had),
                                             tuple(sorted(k for k in had if k.__class__ is str))[:5]))
        for name in had - info.read_fields:
            meant = info.field_typo(name)
            if meant is None:
                continue
            if meant not in had:
                where, span = info.field_places[meant]
                self.notes.add(("field_typo", name, meant, where, span))
            else:                                   # the lead had both: two fields, not one
                self.notes.add(("field_both", name, meant))     # misspelt (for the run: SLA616)

    def _flow_verdict(self) -> Verdict | None:
        if not self.flow_seen:
            return None
        zone = self.plan.zone
        if self.flow_evidence:
            status = "breached"
            reason = (f"{len(self.flow_evidence):,} state change{'s' if len(self.flow_evidence) > 1 else ''} "
                      f"not allowed by the flow (or into an undeclared state): {cited_all(self.flow_evidence)}.")
        elif self.state in self.plan.finals:
            status = "met"
            reason = f"Every state change followed the flow; the lead ended in final state `{self.state}`."
        else:
            status = "pending"
            reason = (f"Every state change so far followed the flow; the lead is in `{self.state}`, "
                      f"not yet a final state." if self.state else "No declared state yet.")
        # positional, in field order (as _verdict)
        return Verdict(self.lead, "flow", "transition", None, status, None, self.assignee, None,
                       self.flow_first, None, self.flow_final_at if status == "met" else None, None,
                       None, None, None, None, list(self.flow_evidence), reason, None, None, zone)


def _present(v) -> bool:
    if v is None:
        return False
    if isinstance(v, str):
        return v.strip() != ""
    if isinstance(v, (list, dict)):
        return len(v) > 0
    return True


# ------------------------------------------------------------------------- the driver

class EventErrors(EventInputError):
    """Raised by :meth:`Result.raise_for_errors`: events that could not be used. ``errors``
    holds their diagnostics; the message lists each (``event 3: SLA504 …`` or
    ``file:line:col: CODE …``) with its hint."""

    def __init__(self, errors: Iterable[dg.Diagnostic]):
        self.errors = tuple(errors)
        n = len(self.errors)
        lines = [f"{n} event{'s' if n != 1 else ''} could not be used:"]
        for d in self.errors:
            lines.append(f"  {d}" + (f"\n    hint: {d.hint}" if d.hint else ""))
        super().__init__("\n".join(lines))

    def __reduce__(self):
        return (EventErrors, (self.errors,), dict(self.__dict__))


@dataclass
class Result:
    """Verdicts and diagnostics of one evaluation."""

    agreement_id: str | None
    version: str | None
    as_of: int
    zone: Any
    verdicts: list[Verdict]
    diagnostics: list[dg.Diagnostic]
    #: the agreement's own warnings and information (``Agreement.diagnostics``), which
    #: :meth:`to_dict` lists first, as ``check --format json`` does
    agreement_diagnostics: list[dg.Diagnostic] = field(default_factory=list)

    @property
    def errors(self) -> list[dg.Diagnostic]:
        """The diagnostics of severity ``error`` (the agreement's, then the events'): each an
        event that could not be used at all and was left out (a missing key, a bad timestamp
        …). Warnings and information are not among them."""
        return [d for d in (*self.agreement_diagnostics, *self.diagnostics) if d.severity == dg.ERROR]

    def raise_for_errors(self) -> "Result":
        """Raise :class:`EventErrors` (a :class:`slacode.EventInputError`) when the result
        has :attr:`errors`, its message listing each with its place and hint; else return
        the result, so that ``agreement.evaluate(…).raise_for_errors().verdicts`` chains."""
        errors = self.errors
        if errors:
            raise EventErrors(errors)
        return self

    def instant(self, key: str = "as_of") -> datetime:
        """``as_of`` as an aware datetime in the agreement's zone (as :meth:`Verdict.instant`
        gives a verdict's instants)."""
        if key != "as_of":
            raise ValueError(f"{key!r} is not an instant of a result: its one instant is 'as_of'")
        return from_us(self.as_of, self.zone)

    def to_dict(self) -> dict:
        """The document ``check --format json`` prints (``slacode schema verdicts``). The
        cyclic collector is paused while many verdicts are written (as :func:`evaluate`
        pauses it for many events): their dicts are all kept, and collecting would only
        traverse them again and again (about half the time at 80,000 verdicts)."""
        return {"agreement": {"id": self.agreement_id, "version": self.version},
                "as_of": iso(self.as_of, self.zone),
                "verdicts": self.verdict_dicts(),
                "diagnostics": [_diag_dict(d) for d in [*self.agreement_diagnostics, *self.diagnostics]],
                "summary": self.summary()}

    def verdict_dicts(self) -> list[dict]:
        """Every verdict as :meth:`Verdict.to_dict` gives it (the rows of a warehouse table),
        with the collector paused as :meth:`to_dict` pauses it."""
        if len(self.verdicts) >= _MANY_VERDICTS:
            from slacode._collector import paused_gc

            with paused_gc():
                return [v.to_dict() for v in self.verdicts]
        return [v.to_dict() for v in self.verdicts]

    @classmethod
    def __get_pydantic_core_schema__(cls, source, handler):
        """A result in a pydantic model or a FastAPI ``response_model``: taken as it is,
        serialised as :meth:`to_dict` gives it."""
        from slacode.verdict import to_dict_schema

        return to_dict_schema(cls)

    @classmethod
    def __get_pydantic_json_schema__(cls, core, handler) -> dict:
        from slacode.verdict import published_schema

        return published_schema("verdicts", "document")

    def summary(self) -> dict:
        """What ``check --format json`` writes as its ``summary``: the verdicts by status,
        the leads with verdicts, the diagnostics by severity and the input problems among
        them (those of the events, not the agreement's own)."""
        from collections import Counter

        from slacode.verdict import summary_of

        statuses = Counter(v.status for v in self.verdicts)
        leads = len({v.lead for v in self.verdicts if v.lead is not None})
        return summary_of(statuses, leads, len(self.verdicts), [*self.agreement_diagnostics, *self.diagnostics],
                          len(self.agreement_diagnostics))


def _diag_dict(d) -> dict:
    out = d.to_dict()
    return out


def as_of_us(as_of, default_tz=None) -> int:
    """``as_of`` (an aware datetime or RFC 3339 text) as epoch microseconds; without an
    offset it is read in ``default_tz`` (as the events are), an error without one."""
    if isinstance(as_of, str):
        return parse_timestamp(as_of, default_tz)
    if isinstance(as_of, datetime):
        if as_of.tzinfo is None or as_of.utcoffset() is None:
            if default_tz is None:
                raise ValueError("as_of must be timezone-aware (give it an offset or a zone, "
                                 "or name the zone it is in with default_tz=)")
            from slacode.timestamps import _zone

            as_of = as_of.replace(tzinfo=_zone(default_tz), fold=0)
        return timestamp_us(as_of)
    if isinstance(as_of, int) and not isinstance(as_of, bool):
        return as_of                    # epoch microseconds, from inside (a Result's as_of)
    raise TypeError(f"as_of must be a datetime or RFC 3339 text, not {type(as_of).__name__}")


def public_as_of(as_of, default_tz=None, name: str = "as_of") -> int:
    """:func:`as_of_us` for the library's callers: a number is refused, since it could be
    seconds or microseconds since 1970 (a Unix time in seconds would judge in 1970). An
    ``as_of`` that names no instant raises a :class:`~slacode.errors.SlacodeError`. ``name``:
    the argument's name the errors give (``since`` for :func:`slacode.report.changes.changes`)."""
    if isinstance(as_of, (int, float)):
        raise TypeError(f"{name} must be an aware datetime or RFC 3339 text, not {type(as_of).__name__} "
                        "(for a Unix time, give datetime.fromtimestamp(seconds, timezone.utc))")
    try:
        return as_of_us(as_of, default_tz)
    except TypeError as e:
        if name == "as_of" or not str(e).startswith("as_of"):
            raise
        raise TypeError(name + str(e)[len("as_of"):]) from None
    except ValueError as e:
        message = str(e)
        if isinstance(e, SlacodeError) and (name == "as_of" or not message.startswith("as_of")):
            raise
        from slacode.timestamps import InvalidAsOfError

        if message.startswith("as_of"):
            message = message[len("as_of"):]
        raise InvalidAsOfError(f"{name}{message}" if message[:1] in (":", " ") else f"{name}: {message}") from None


def evaluate(agreement, events: Iterable, *, as_of, default_tz=None, aggregates: bool = True,
             group_by: str | None = None, timestamp_formats=None, type_map=None) -> Result:
    """Verdicts of ``events`` (dicts, :class:`slacode.Event` or records, or an
    :class:`~slacode.events.EventBatch` of :func:`slacode.read_events`, whose reading
    diagnostics the result keeps, and whose files its diagnostics name) as of ``as_of``;
    ``aggregates=False``: without the target and quota verdicts (not computed) and the
    notes of a whole input's run (:func:`note_diagnostics` ``whole_run``; and a type map's
    SLA522); ``group_by``: a lead field whose group at each cycle's start every lead verdict carries
    (``start_groups``), for :func:`slacode.report.compliance` ``by=`` that field;
    ``timestamp_formats`` and ``type_map``: how the events not read yet are read, as
    :func:`slacode.read_events` reads files (:func:`records_from_objects`)."""
    check_group_by(group_by)
    plan = agreement.plan
    cutoff = public_as_of(as_of, default_tz)
    # (how events not read yet are read: checked by records_from_objects before it reads one)
    options = None if timestamp_formats is None and type_map is None else \
        {"timestamp_formats": timestamp_formats, "type_map": type_map}
    diagnostics: list = []
    if events is None or isinstance(events, (str, bytes, dict)) or not hasattr(events, "__iter__"):
        raise TypeError(f"events must be a list (or any iterable) of event dicts, slacode.Event or "
                        f"records of slacode.read_events, not {type(events).__name__}")
    size = len(getattr(events, "records", events)) if hasattr(events, "__len__") else 0    # a batch's records
    if size >= _MANY_EVENTS:
        # records and folds hold dicts, so the cyclic collector would traverse the growing
        # lists again and again (more than half of the time of building the records)
        from slacode._collector import paused_gc

        with paused_gc():
            return _evaluate_objects(plan, events, cutoff, default_tz, diagnostics, aggregates, group_by, options)
    return _evaluate_objects(plan, events, cutoff, default_tz, diagnostics, aggregates, group_by, options)


def check_group_by(group_by) -> None:
    """Refuse a ``group_by`` that is no lead field's name (None: not grouped)."""
    if group_by is not None and (group_by.__class__ is not str or not group_by):
        raise TypeError(f"group_by must be the name of a lead field, not {group_by!r}")


#: From this many events, :func:`evaluate` keeps the cyclic collector off while it works (a
#: service's one lead at a time leaves it alone: other threads of the process use it).
_MANY_EVENTS = 20_000
#: … and from this many verdicts, :meth:`Result.to_dict` likewise.
_MANY_VERDICTS = 20_000


def _evaluate_objects(plan, events, cutoff: int, default_tz, diagnostics: list, aggregates: bool = True,
                      group_by: str | None = None, options: dict | None = None) -> Result:
    sources = None
    if isinstance(events, EventBatch):      # its records, whose files it names, and what reading them found
        events, read, sources = batch_parts(events, default_tz)
        diagnostics.extend(read)
    # records of read_events too, alone or with dicts: the events after as_of are counted
    if options is None:
        records = records_from_objects(events, default_tz=default_tz, diagnostics=diagnostics, as_of_us=cutoff,
                                       as_of_zone=plan.zone, sources=sources or ())
    else:                                   # (a type map's SLA522: a whole input's, not one lead's)
        records = records_from_objects(events, default_tz=default_tz, diagnostics=diagnostics, as_of_us=cutoff,
                                       as_of_zone=plan.zone, sources=sources or (), whole_input=aggregates,
                                       **options)
    return evaluate_records(plan, records, cutoff, diagnostics, sources=sources, aggregates=aggregates,
                            group_by=group_by)


def group_by_lead(records) -> dict[str, list]:
    groups: dict[str, list] = {}
    for r in records:
        g = groups.get(r.lead)
        if g is None:
            groups[r.lead] = g = []
        g.append(r)
    return groups


def target_segments(plan: Plan) -> dict[str, tuple]:
    """Rule name -> (((segment name, predicate), …), (field, …)): what the targets of the
    rule judge at a cycle's start, their segments and the lead fields of `by FIELD`; only
    rules with such a target have an entry (shared: do not modify)."""
    return plan_info(plan).segments


def grouping_segments(plan: Plan, field: str) -> dict[str, tuple]:
    """:func:`target_segments` with the lead field ``field`` taken at the start of every
    rule's cycles and of the `flow` verdict, as a `by FIELD` target takes its field (for
    `report --by FIELD`: the fold computes the group keys the same way, in the same place)."""
    base = target_segments(plan)
    names = [rp.name for rp in plan.rules] + (["flow"] if plan.flow is not None else [])
    out = dict(base)
    for name in names:
        segs, by = base.get(name, ((), ()))
        out[name] = (segs, by if field in by else (*by, field))
    return out


def start_groups(fold: LeadFold) -> dict:
    """``(rule, cycle) -> {field: group key}`` of a fold's cycles (``("flow", None)``: the
    `flow` verdict's), each taken at its start: what a verdict's group is, for `by FIELD`
    targets and for `report --by FIELD` (only the fields its segments asked for)."""
    groups: dict = {}
    for rf in fold.rules:
        name = rf.plan.name
        for cyc in rf.cycles:
            groups[(name, cyc.number)] = cyc.groups
    groups[("flow", None)] = fold.flow_groups
    return groups


def stamp_groups(fold: LeadFold, verdicts: list) -> None:
    """Each of the fold's ``verdicts`` gets its cycle's :func:`start_groups` as
    ``start_groups`` (a fold made with :func:`grouping_segments`; `report --by FIELD`)."""
    groups = start_groups(fold)
    for v in verdicts:
        v.start_groups = groups.get((v.rule, v.cycle))


def _target_segments(plan: Plan) -> dict[str, tuple]:
    segs: dict[str, list] = {}
    by: dict[str, list] = {}
    for t in plan.targets:
        pred = t.applies if t.applies is not None else plan.segments.get(t.segment)
        if t.segment is not None and pred is not None:      # (`for a and b`: named `a and b`, extension)
            segs.setdefault(t.rule, []).append((t.segment, pred))
        if t.by_field is not None and t.by_field not in by.get(t.rule, ()):
            by.setdefault(t.rule, []).append(t.by_field)
    return {k: (tuple(segs.get(k, ())), tuple(by.get(k, ()))) for k in (*segs, *by)}


def fold_lead(plan: Plan, lead: str, records, segs, as_of: int | None = None) -> LeadFold:
    """The fold of one lead's records (sorted here, in place). With `breach of` triggers
    (extension) the lead is folded again with its breaches as of ``as_of``
    (:mod:`slacode.escalate`): ``as_of`` is then required."""
    fold = LeadFold(plan, lead, None, segs)
    records.sort(key=_order_key)
    for r in records:
        fold.feed(r)
    if plan.breach_watch:
        fold = escalate(fold, records, segs, as_of)
    if fold.recur_at is not None and as_of is not None:    # `recur sequential`: openings due as of as_of
        fold.open_recurring(as_of, True)
    return fold


def escalate(fold: LeadFold, records: list, segs, as_of: int | None) -> LeadFold:
    """``fold`` (over ``records``, sorted) folded again with the virtual records of its
    breaches as of ``as_of`` (:func:`slacode.escalate.escalated_fold`)."""
    if as_of is None:
        raise ValueError("a plan with `breach of` triggers folds a lead as of an instant: give as_of")
    plan, lead = fold.plan, fold.lead
    return escalated_fold(fold, records, as_of, lambda: LeadFold(plan, lead, None, segs))[0]


_order_key = operator.itemgetter(0, 1)    # a record's (at, seq): processing order


def evaluate_records(plan: Plan, records, as_of: int, diagnostics: list, sources=None,
                     aggregates: bool = True, group_by: str | None = None) -> Result:
    """The verdicts of records (any order; grouped by lead and sorted here); the targets'
    and quotas' too unless ``aggregates`` is False; ``group_by``: a lead field whose group
    at each cycle's start the verdicts carry (``start_groups``, :func:`stamp_groups`)."""
    notes = RunNotes()
    segs = target_segments(plan) if group_by is None else grouping_segments(plan, group_by)
    agg = None
    if aggregates and (plan.targets or plan.quotas):
        from slacode.aggregate import Aggregates    # (it imports this module)

        agg = Aggregates(plan, as_of)
    verdicts: list[Verdict] = []
    groups = group_by_lead(records)
    started = False                             # a lead had an event a start reads (SLA626: no)
    for lead in sorted(groups):
        fold = fold_lead(plan, lead, groups[lead], segs, as_of)
        if not started:
            started = note_starts(fold, groups[lead])
        lead_verdicts = fold.verdicts(as_of)
        if group_by is not None:
            stamp_groups(fold, lead_verdicts)
        notes.take(lead, fold.notes)            # after the verdicts: judging notes bad zones
        verdicts.extend(lead_verdicts)
        if agg is not None:
            agg.add(fold, lead_verdicts)
        diagnostics.extend(unknown_state_diagnostics(fold, sources))
        if agg is None:                         # (else SLA610 or SLA611 says it, once a run)
            diagnostics.extend(far_event_diagnostics(fold, as_of, sources))     # SLA627: one test a lead
    if agg is not None:
        verdicts.extend(agg.verdicts())
    if diagnostics:
        diagnostics[:] = dg.sort_by_place(diagnostics, sources or ())
    # a service's call for one lead (aggregates=False) is no run of the whole input: what no
    # lead of the input had (SLA612, SLA614, SLA625) is said by runs that have every lead
    diagnostics.extend(note_diagnostics(notes, sources, plan, whole_run=aggregates))
    if agg is not None:
        diagnostics.extend(agg.span_diagnostics(sources))
    return Result(plan.agreement_id, plan.version, as_of, plan.zone, verdicts, diagnostics)
