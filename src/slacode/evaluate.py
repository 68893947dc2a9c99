"""A lead's events → verdicts: a pure fold (no clock, no I/O; what the module keeps between
calls is only caches of texts, each a function of its key).

:class:`LeadFold` takes one lead's records in processing order (timestamp, then input
order) and keeps what the verdicts need: cycles with their start, pauses, attempts and
close. :meth:`LeadFold.verdicts` turns that into verdicts as of an instant, doing the
calendar arithmetic once per cycle. :func:`evaluate` runs it over many leads and adds the
aggregates (targets and quotas, :mod:`slacode.aggregate`).

The semantics are LANGUAGE.md §4–§7, §11 and §13; the comments name the rule they follow.
"""
from __future__ import annotations

import operator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any, Iterable
from zoneinfo import ZoneInfo

from slacode import diagnostics as dg, instants
from slacode.calendar import CalendarError
from slacode.compile import Plan, RulePlan
from slacode.texts import gap_text, percent_text, span_text, window_text, work_text

UTC = timezone.utc
_EMPTY: dict = {}
_NO_BEFORE: dict = {}     # a cycle's `before` until its first trigger (never written to)
_NO_SEGMENTS = frozenset()
_NO_FIELD = object()      # no lead `timezone` field seen yet (None means "the field is absent")


# --------------------------------------------------------------------------- verdicts

VERDICT_KEYS = ("lead", "rule", "clause", "cycle", "period", "status", "owner", "assignee", "segment",
                "started_at", "due_at", "completed_at", "warn_at", "target_seconds", "elapsed_seconds",
                "value", "threshold", "evidence", "reason")



@dataclass(slots=True)
class Verdict:
    """One verdict: per (lead, rule, clause, cycle), or per (rule, period) for aggregates.

    Instants are epoch microseconds; ``zone`` is the zone they are written in (the
    calendar that applied, else the agreement's).
    """

    lead: str | None
    rule: str
    clause: str
    cycle: int | None
    status: str
    owner: str | None = None
    assignee: str | None = None
    segment: str | None = None
    started_at: int | None = None
    due_at: int | None = None
    completed_at: int | None = None
    warn_at: int | None = None
    target_seconds: float | None = None
    elapsed_seconds: float | None = None
    value: float | None = None
    threshold: float | None = None
    evidence: list = field(default_factory=list)
    reason: str = ""
    period: str | None = None
    timezone: str | None = None           # only_between: the zone used
    zone: Any = None
    # breached while still open: the deadline passed and the obligation is still unfulfilled
    # (`within`: no stop yet; `at_least_within`: fewer than N attempts): `slacode due --overdue`
    overdue: bool = False
    # working time from the start to the moment that answered the clause, where that is not
    # `elapsed_seconds`'s end: an `at_least_within`'s Nth attempt (reports' response time)
    response_seconds: float | None = None

    def instant(self, key: str) -> datetime | None:
        us = getattr(self, key)
        return None if us is None else from_us(us, self.zone or UTC)

    def to_dict(self) -> dict:
        global _last_start
        zone = self.zone or UTC
        started, due, completed, warn = self.started_at, self.due_at, self.completed_at, self.warn_at
        if self.period is not None:     # §11: an aggregate has no start or deadline ("null where it
            started = due = None        # does not apply"); its bounds stay on the object, for reports
        if started is None:
            started_text = None
        else:
            last = _last_start
            if last[0] == started and last[1] is zone:
                started_text = last[2]
            else:
                started_text = iso(started, zone)
                _last_start = (started, zone, started_text)
        out = {"lead": self.lead, "rule": self.rule, "clause": self.clause, "cycle": self.cycle,
               "period": self.period, "status": self.status, "owner": self.owner,
               "assignee": self.assignee, "segment": self.segment,
               "started_at": started_text,
               "due_at": None if due is None else iso(due, zone),
               "completed_at": None if completed is None else iso(completed, zone),
               "warn_at": None if warn is None else iso(warn, zone),
               "target_seconds": self.target_seconds, "elapsed_seconds": self.elapsed_seconds,
               "value": self.value, "threshold": self.threshold, "evidence": list(self.evidence),
               "reason": self.reason}
        if self.timezone is not None or self.clause.startswith("only_between"):
            out["timezone"] = self.timezone
        return out


# The last start written by Verdict.to_dict, as (us, zone, text): a lead's verdicts are
# written one after the other, and most of its rules start on the same event (every clause
# of a cycle shares its start), so its text is usually the previous verdict's. One tuple,
# replaced whole, so a reader never sees a text with another instant.
_last_start: tuple = (None, None, None)


def as_text(value) -> str | None:
    """A property value as people read it (None stays None): an assignee may be any JSON
    value the input gave (a CSV rep id such as ``1234`` is read as a number)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    import json

    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def from_us(us: int, zone) -> datetime:
    seconds, micro = divmod(us, 1_000_000)
    t = datetime.fromtimestamp(seconds, zone)
    return t.replace(microsecond=micro) if micro else t


iso = instants.iso          # RFC 3339 text of an instant in a zone
_when = instants.when      # ``2026-11-10 09:20 -03:00``: an instant for people


# ----------------------------------------------------------------------------- cycles

class Cycle:
    """One opening of a rule for a lead, from its start to its close (or as_of)."""

    __slots__ = ("number", "start", "start_ref", "line", "pauses", "paused", "closed_at", "close_kind",
                 "close_ref", "assignee", "require_missing", "attempts", "before", "segments_at_start",
                 "close_tz")

    def __init__(self, number, start, start_ref, line):
        self.number = number
        self.start = start
        self.start_ref = start_ref
        self.line = line                  # the within / at least line that applied
        self.pauses: list | tuple = ()    # [start_us, end_us | None] (a list once paused)
        self.paused = False
        self.closed_at = None
        self.close_kind = None            # stop | cancel | restart
        self.close_ref = None
        self.assignee = None
        self.require_missing = None
        self.attempts: list | tuple = ()  # (at, ref, props (first attempt only), state, lead timezone field)
        self.before: dict = _NO_BEFORE    # at_least_before key -> (at, ref, attempts before)
        self.segments_at_start = _NO_SEGMENTS
        self.close_tz = None              # the lead's `timezone` field at the close

    def pause_list(self, until: int) -> list:
        """Pause intervals with an ongoing one ended at ``until``."""
        return [(s, e if e is not None else until) for s, e in self.pauses]


class LeadNotes:
    """A fold's notes (compile-time places of odd comparisons, bad zones): a set made on
    the first note, since most leads have none and an empty set costs 216 bytes per lead."""

    __slots__ = ("items",)

    def __init__(self):
        self.items: set | None = None

    def add(self, note) -> None:
        if self.items is None:
            self.items = set()
        self.items.add(note)

    def __iter__(self):
        return iter(self.items or ())

    def __len__(self) -> int:
        return len(self.items or ())

    def __bool__(self) -> bool:
        return bool(self.items)


class RuleFold:
    __slots__ = ("plan", "cycles", "open", "when_prev", "number", "untracked")

    def __init__(self, plan: RulePlan):
        self.plan = plan
        self.cycles: list[Cycle] | tuple = ()   # a list from the first cycle
        self.open: Cycle | None = None
        self.when_prev = False
        self.number = 0
        self.untracked = 0                      # starts that no target line took (explain shows them)


class PlanInfo:
    """What every evaluation with one plan needs and can compute once: the rules an event
    type can touch, the targets' segments, the aggregates' lookup tables.

    Kept on the plan by :func:`plan_info`."""

    __slots__ = ("plan", "dispatch", "quiet_dispatch", "moved_dispatch", "quota_dispatch", "segments",
                 "wanted", "aggregate_order", "segmented", "asks", "judges")

    def __init__(self, plan: Plan):
        self.plan = plan
        self.dispatch: dict[str, tuple[int, ...]] = {}
        self.quiet_dispatch: dict[str, tuple[tuple[int, tuple], ...]] = {}
        self.moved_dispatch: dict[str, tuple[tuple[int, tuple], ...]] = {}
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
        self.judges = tuple(_judges(rp) for rp in plan.rules)   # each rule's clause judges

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

    def quotas_for(self, ev_type: str) -> tuple[int, ...]:
        """Indices of the quotas that may count an event of ``ev_type``."""
        got = self.quota_dispatch.get(ev_type)
        if got is None:
            got = tuple(i for i, q in enumerate(self.plan.quotas) if ev_type in q.types)
            if len(self.quota_dispatch) < 4096:
                self.quota_dispatch[ev_type] = got
        return got


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


def plan_info(plan: Plan) -> PlanInfo:
    """The :class:`PlanInfo` of ``plan``, kept on the plan itself (made on first use: it is
    derived from the plan, which is otherwise immutable)."""
    info = plan.info
    if info is None:
        info = PlanInfo(plan)
        object.__setattr__(plan, "info", info)
    return info


class LeadFold:
    """The fold over one lead's events (feed them in processing order)."""

    __slots__ = ("plan", "lead", "fields", "state", "assignee", "rules", "notes", "flow_seen", "flow_first",
                 "flow_final_at", "flow_evidence", "unknown_states", "quota_hits", "target_segments",
                 "events", "first_at", "info")

    def __init__(self, plan: Plan, lead: str, notes: set | None = None,
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
        self.flow_final_at = None
        # The three lists below are () until their first item: most leads never get one,
        # and with time-ordered input every lead's fold is held until the end.
        self.flow_evidence: list | tuple = ()
        self.unknown_states: list | tuple = ()   # records into undeclared states
        self.quota_hits: list | tuple = ()       # (quota index, at)
        self.target_segments = target_segments or _EMPTY
        self.events = 0
        self.first_at = None
        self.info = plan_info(plan)

    # -- one event (LANGUAGE.md §13 "One event at a time") ------------------------------
    def feed(self, rec) -> None:
        plan = self.plan
        self.events += 1
        t, ev_type, props = rec.at, rec.type, rec.props
        if self.first_at is None:
            self.first_at = t
        if rec.fields:                                  # fields first
            fields = self.fields
            for k, v in rec.fields.items():
                if v is None:
                    fields.pop(k, None)
                else:
                    fields[k] = v
        entered = left = None
        known = True
        if ev_type == "state":
            new = rec.state
            if plan.states is not None and new not in plan.states:
                known = False                           # §11: warning, flow evidence, nothing else
                if self.unknown_states:
                    self.unknown_states.append(rec)
                else:
                    self.unknown_states = [rec]
                self.flow_seen = True
                self._flow_breach(rec)
            else:
                self._flow(rec, new)
                if new != self.state:                   # into the same state is no transition
                    entered, left = new, self.state
                    self.state = new
        state, fields, notes = self.state, self.fields, self.notes
        if known:
            info = self.info
            if plan.quotas:
                counted = info.quota_dispatch.get(ev_type)
                if counted is None:
                    counted = info.quotas_for(ev_type)
                for i in counted:
                    if plan.quotas[i].match(ev_type, props, state, entered, left, notes):
                        if self.quota_hits:
                            self.quota_hits.append((i, t))
                        else:
                            self.quota_hits = [(i, t)]
            # Skip rules this event cannot touch. A rule with `start when` / `pause while`
            # reads the lead's fields and state, which only an event with fields or a state
            # event changes; anything else gives those predicates the answer they gave before.
            touched = rec.fields is not None or ev_type == "state" or self.events == 1
            if entered is None:                         # no state change: fewer triggers can fire
                which = info.quiet_dispatch.get(ev_type)
                if which is None:
                    which = info.quiet_rules_for(ev_type)
            else:
                which = info.moved_dispatch.get(ev_type)
                if which is None:
                    which = info.moved_rules_for(ev_type)
            rules = self.rules
            for i, asks in which:
                rf = rules[i]
                rp = rf.plan
                types = rp.types if rf.open is not None else rp.start_types
                if types is None:
                    types = rp.watch_types
                    if types is not None and not touched and ev_type not in types:
                        continue
                elif ev_type not in types:
                    continue
                self._rule_event(rf, rec, t, ev_type, props, state, entered, left, fields, notes, asks)
        elif rec.fields is not None or self.events == 1:
            self._fields_only(rec, t, state, fields, notes)
        if ev_type == "assigned":                        # after the triggers: §13 assignee
            # §4: the owner of the latest assigned event; one without an owner unassigns
            owner = props.get("owner")
            # the assignee is text in every output (a CSV rep id `1234` is read as a number)
            self.assignee = owner if owner is None or owner.__class__ is str else as_text(owner)

    def _flow(self, rec, new) -> None:
        flow = self.plan.flow
        self.flow_seen = True
        if self.flow_first is None:
            self.flow_first = rec.at
        if flow is not None and self.state is not None and new != self.state:
            if (self.state, new) not in flow.allowed:
                self._flow_breach(rec)
        if new in self.plan.finals and new != self.state:
            self.flow_final_at = rec.at

    def _flow_breach(self, rec) -> None:
        if self.flow_evidence:
            self.flow_evidence.append(rec.ref)
        else:
            self.flow_evidence = [rec.ref]

    def _rule_event(self, rf: RuleFold, rec, t, ev_type, props, state, entered, left, fields, notes,
                    asks: tuple | None = None):
        """One event for one rule; ``asks``: the trigger lists that may fire (:func:`_asks`;
        the others cannot match this event). None: all of them."""
        rp = rf.plan
        cyc = rf.open
        count_fn, befores, stop_fn, cancel_fn, restart_fn = asks if asks is not None else _asks(rp)
        is_attempt = count_fn is not None and count_fn(ev_type, props, state, entered, left, notes)
        new = None
        if cyc is not None:
            if befores:
                self._before(befores, cyc, rec, ev_type, props, state, entered, left, notes)
            if is_attempt:                              # _attempt, inline: most events of a cadence
                atts = cyc.attempts
                if atts:
                    atts.append((t, rec.ref, None, self.state, fields.get("timezone")))
                else:
                    self._attempt(cyc, rec)
            if stop_fn is not None and stop_fn(ev_type, props, state, entered, left, notes):
                self._close(rf, cyc, rec, "stop")
            elif cancel_fn is not None and cancel_fn(ev_type, props, state, entered, left, notes):
                self._close(rf, cyc, rec, "cancel")
            elif restart_fn is not None and restart_fn(ev_type, props, state, entered, left, notes):
                self._close(rf, cyc, rec, "restart")
                new = self._open(rf, rec, t, fields, state, notes)
        fired = False
        if rp.start_when is not None:
            now = bool(rp.start_when(fields, state, notes))
            fired = now and not rf.when_prev
            rf.when_prev = now
        if rf.open is None:
            fn = rp.start_fn
            if fired or (fn is not None and fn(ev_type, props, state, entered, left, notes)):
                new = self._open(rf, rec, t, fields, state, notes)
        if new is not None and rp.kind == "attempts":    # the start event belongs to the new cycle
            if rp.befores:
                self._before(rp.befores, new, rec, ev_type, props, state, entered, left, notes)
            if is_attempt:
                self._attempt(new, rec)
        cyc = rf.open
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
            if rp.start_when is not None:
                now = bool(rp.start_when(fields, state, notes))
                fired = now and not rf.when_prev
                rf.when_prev = now
                if fired and rf.open is None:
                    self._open(rf, rec, t, fields, state, notes)
            cyc = rf.open
            if cyc is not None and rp.pause is not None:
                self._pause(cyc, rp.pause(fields, state, notes), t)

    def _open(self, rf: RuleFold, rec, t, fields, state, notes) -> Cycle | None:
        """Open a cycle if a target line applies (§6: `for` lines in order, else the default)."""
        rp = rf.plan
        line = None
        default = None
        for ln in rp.lines:
            if ln.applies is None:
                if default is None:
                    default = ln
            elif ln.applies(fields, state, notes):
                line = ln
                break
        line = line or default
        if line is None:
            rf.untracked += 1                            # untracked: no number, blocks nothing
            return None
        rf.number += 1
        cyc = Cycle(rf.number, t, rec.ref, line)
        segs = self.target_segments.get(rp.name)
        if segs:
            cyc.segments_at_start = frozenset(name for name, pred in segs if pred(fields, state, notes))
        if rf.cycles:
            rf.cycles.append(cyc)
        else:
            rf.cycles = [cyc]
        rf.open = cyc
        return cyc

    def _close(self, rf: RuleFold, cyc: Cycle, rec, kind: str) -> None:
        cyc.closed_at = rec.at
        cyc.close_kind = kind
        cyc.close_ref = rec.ref
        cyc.assignee = self.assignee                     # before this event's own owner
        cyc.close_tz = self.fields.get("timezone")       # the lead's zone then (only_between)
        if cyc.paused:
            cyc.pauses[-1][1] = rec.at
            cyc.paused = False
        if kind == "stop" and rf.plan.require:
            fields = self.fields
            cyc.require_missing = [f for f in rf.plan.require if not _present(fields.get(f))]
        rf.open = None

    def _attempt(self, cyc: Cycle, rec) -> None:
        tzfield = self.fields.get("timezone")
        # Only the first attempt's properties are ever read (`first where …`): holding the
        # others would keep every attempt's dict alive while the lead is open.
        if cyc.attempts:
            cyc.attempts.append((rec.at, rec.ref, None, self.state, tzfield))
        else:
            cyc.attempts = [(rec.at, rec.ref, rec.props, self.state, tzfield)]

    def _before(self, befores, cyc, rec, ev_type, props, state, entered, left, notes) -> None:
        for key, fn in befores:
            if key not in cyc.before and fn(ev_type, props, state, entered, left, notes):
                if cyc.before is _NO_BEFORE:
                    cyc.before = {}
                cyc.before[key] = (rec.at, rec.ref, len(cyc.attempts))

    # -- verdicts -------------------------------------------------------------------------
    def verdicts(self, as_of: int) -> list[Verdict]:
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
                out.extend(_cycle_verdicts(self, rp, cycles[0], as_of, judges))
                continue
            per_clause: dict[str, list] = {}
            for cyc in cycles:
                for v in _cycle_verdicts(self, rp, cyc, as_of, judges):
                    per_clause.setdefault(v.clause, []).append(v)
            for c in rp.clauses:
                out.extend(per_clause.get(c.key, ()))
        return out

    def _flow_verdict(self) -> Verdict | None:
        if not self.flow_seen:
            return None
        zone = self.plan.zone
        if self.flow_evidence:
            status = "breached"
            reason = (f"{len(self.flow_evidence)} state change{'s' if len(self.flow_evidence) > 1 else ''} "
                      f"not allowed by the flow (or into an undeclared state): {', '.join(map(str, self.flow_evidence))}.")
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


# ---------------------------------------------------------------- one cycle's verdicts
#
# Each clause of a rule is judged by a function chosen once per plan (:func:`_judges`, kept
# on :class:`PlanInfo`): what a clause's kind, numbers and texts are is settled when the
# plan is first used, not tested again for every verdict. A judge is called as
# ``judge(fold, cyc, due, pauses, as_of, base, local)``, with what the cycle's clauses share:
# its deadline and pause intervals (worked out once per cycle), ``base`` (the verdict fields
# every clause of the cycle has: lead, rule, cycle, owner, assignee, segment, start, zone)
# and ``local`` (the attempts' local times by zone, made by the first clause that needs
# them). Each judge makes its Verdict in one call, with every field known.

def _cycle_verdicts(fold: LeadFold, rp: RulePlan, cyc: Cycle, as_of: int, judges=None) -> list[Verdict]:
    """The verdicts of one cycle, one per clause in clause order (``judges``: the rule's
    :func:`_judges`, else made here)."""
    line = cyc.line
    clock = line.clock
    closed = cyc.closed_at
    pauses = cyc.pause_list(closed if closed is not None else as_of) if cyc.pauses else ()
    try:
        due = clock.add_us(cyc.start, line.target_us, pauses)
    except CalendarError as e:                          # past the years calendars cover
        raise CalendarError(f"lead {fold.lead!r}, rule `{rp.name}`, cycle {cyc.number} (started "
                            f"{_when(cyc.start, clock.tz)}): {e}") from e
    assignee = cyc.assignee if closed is not None else fold.assignee
    base = (fold.lead, rp.name, cyc.number, rp.owner, assignee, line.segment, cyc.start, clock.tz)
    local: dict = {}                                    # zone -> the attempts' local times
    if judges is None:
        judges = _judges(rp)
    if len(judges) == 1:                                # most timed rules: no list to iterate
        return [judges[0](fold, cyc, due, pauses, as_of, base, local)]
    return [judge(fold, cyc, due, pauses, as_of, base, local) for judge in judges]


def _judges(rp: RulePlan) -> tuple:
    out = []
    for c in rp.clauses:
        if c.kind == "within":
            out.append(_within_judge(rp))
        elif c.kind == "require":
            out.append(_require)
        elif c.kind == "at_least_within":
            out.append(_at_least_within_judge(rp))
        elif c.kind == "at_least_before":
            out.append(_at_least_before_judge(c))
        elif c.kind == "first":
            out.append(_first_judge(c))
        else:
            out.append(_never_judge(c))
    return tuple(out)


def _warn_us(target_us: int, share: tuple[int, int]) -> int:
    """The working time at which a cycle has reached ``share`` (numerator, denominator) of
    its target: the first whole microsecond at or past it, in exact arithmetic (a float
    share would put 55% of an hour a microsecond late, and 29% of one a microsecond early)."""
    num, den = share
    return -(-target_us * num // den)


def _open_status(rp: RulePlan, cyc: Cycle, clock, line, pauses, due, as_of) -> tuple[str, int, int | None]:
    """Status of an open, not yet due cycle: paused, at_risk or pending (§6 order)."""
    elapsed = clock.working_us(cyc.start, as_of, pauses)
    warn_at = None
    if rp.warn is not None:
        warn_us = _warn_us(line.target_us, rp.warn)
        warn_at = clock.add_us(cyc.start, warn_us, pauses)
        if not cyc.paused and elapsed >= warn_us:
            return "at_risk", elapsed, warn_at
    if cyc.paused:
        return "paused", elapsed, warn_at
    return "pending", elapsed, warn_at


def _within_judge(rp: RulePlan):
    """``within``: the deadline of a timed rule's cycle (§6)."""
    warn = rp.warn

    def within(fold, cyc, due, pauses, as_of, base, local) -> Verdict:
        lead, rule, cycle, owner, assignee, segment, started, zone = base
        line = cyc.line
        clock = line.clock
        target = line.target_us
        closed = cyc.closed_at
        completed = warn_at = None
        evidence = [cyc.start_ref]
        if closed is not None:
            evidence.append(cyc.close_ref)
            elapsed = clock.working_us(started, closed, pauses)
            late = closed > due
            if cyc.close_kind == "stop":
                completed = closed
                if late:
                    status = "breached"
                    reason = (f"Stopped at {_when(closed, zone)}, {span_text(closed - due)} after "
                              f"the deadline {_when(due, zone)} (target {work_text(target)} of {clock.time_words}).")
                else:
                    status = "met"
                    reason = (f"Stopped at {_when(closed, zone)} after {span_text(elapsed, False)} of {clock.time_words}, "
                              f"within the {work_text(target)} target (due {_when(due, zone)}).")
            else:
                word = "cancelled" if cyc.close_kind == "cancel" else "restarted"
                if late:
                    status = "breached"
                    reason = (f"The deadline {_when(due, zone)} passed before the cycle was {word} at "
                              f"{_when(closed, zone)}.")
                else:
                    status = "cancelled"
                    reason = f"The cycle was {word} at {_when(closed, zone)}, before its deadline {_when(due, zone)}."
        elif due < as_of:
            status = "breached"
            elapsed = clock.working_us(started, as_of, pauses)
            if warn is not None:                        # open, so it has a warn_at (in the past)
                warn_at = clock.add_us(started, _warn_us(target, warn), pauses)
            reason = (f"Not done: the deadline {_when(due, zone)} passed {span_text(as_of - due)} before "
                      f"{_when(as_of, zone)} (target {work_text(target)} of {clock.time_words}).")
        else:
            status, elapsed, warn_at = _open_status(rp, cyc, clock, line, pauses, due, as_of)
            left = max(target - elapsed, 0)
            if status == "paused":
                reason = (f"Paused since {_when(cyc.pauses[-1][0], zone)}; {span_text(left, False)} of {clock.time_words} "
                          f"left, due {_when(due, zone)} if it resumed now.")
            elif status == "at_risk":
                reason = (f"Open with {span_text(elapsed, False)} of {work_text(target)} used "
                          f"(warning at {percent_text(warn)}); due {_when(due, zone)}.")
            else:
                reason = f"Open; {span_text(left, False)} of {clock.time_words} left, due {_when(due, zone)}."
        return Verdict(lead, rule, "within", cycle, status, owner, assignee, segment, started, due, completed,
                       warn_at, target / 1e6, elapsed / 1e6, None, None, evidence, reason, None, None, zone,
                       closed is None and status == "breached")
    return within


def _require(fold, cyc, due, pauses, as_of, base, local) -> Verdict:
    """``require``: the fields present at the stop (§6)."""
    lead, rule, cycle, owner, assignee, segment, started, zone = base
    evidence = [cyc.start_ref] + ([cyc.close_ref] if cyc.close_ref is not None else [])
    completed = None
    if cyc.closed_at is None:
        status = "pending"
        reason = "Not handed off yet: the required fields are checked at the stop."
    elif cyc.close_kind != "stop":
        status = "cancelled"
        reason = "The cycle closed without a stop, so the required fields were not checked."
    else:
        completed = cyc.closed_at
        if cyc.require_missing:
            status = "breached"
            reason = f"Handed off without {', '.join(f'`{f}`' for f in cyc.require_missing)}."
        else:
            status = "met"
            reason = "Every required field was present at the handoff."
    return Verdict(lead, rule, "require", cycle, status, owner, assignee, segment, started, None, completed,
                   None, None, None, None, None, evidence, reason, None, None, zone)


def _at_least_within_judge(rp: RulePlan):
    """``at least N within``: N attempts by the deadline (§7)."""
    warn = rp.warn

    def at_least_within(fold, cyc, due, pauses, as_of, base, local) -> Verdict:
        lead, rule, cycle, owner, assignee, segment, started, zone = base
        line = cyc.line
        clock = line.clock
        n, target = line.n, line.target_us
        atts = cyc.attempts
        closed = cyc.closed_at
        completed = warn_at = None
        evidence = [a[1] for a in atts[:n]]
        nth = atts[n - 1][0] if n >= 1 and len(atts) >= n else None
        if n <= 0:
            nth = started
        elapsed = None
        if nth is not None and nth <= due:               # §13: the first of …
            status, completed = "met", nth
            if closed is None and warn is not None:     # §13: every open cycle with `warn` has one
                warn_at = clock.add_us(started, _warn_us(target, warn), pauses)
            reason = f"{n} attempt{'s' if n != 1 else ''} by {_when(nth, zone)}, before the deadline {_when(due, zone)}."
        elif closed is not None and closed <= due:
            if cyc.close_kind == "stop":
                status = "met"
                reason = (f"Stopped at {_when(closed, zone)} before the deadline {_when(due, zone)}, "
                          f"after {len(atts)} attempt{'s' if len(atts) != 1 else ''}.")
            else:
                status = "cancelled"
                reason = (f"The cycle was {'cancelled' if cyc.close_kind == 'cancel' else 'restarted'} at "
                          f"{_when(closed, zone)}, before its deadline.")
        elif due < as_of:
            status = "breached"
            completed = nth                              # §13: the Nth attempt, even late (None if not made)
            if closed is None and warn is not None:
                warn_at = clock.add_us(started, _warn_us(target, warn), pauses)
            made = sum(1 for a in atts if a[0] <= due)
            reason = (f"Only {made} of {n} attempts by the deadline {_when(due, zone)} "
                      f"(target {work_text(target)} of {clock.time_words}).")
        else:
            status, elapsed, warn_at = _open_status(rp, cyc, clock, line, pauses, due, as_of)
            reason = (f"{len(atts)} of {n} attempts so far; due {_when(due, zone)}"
                      + (" (paused)." if status == "paused" else "."))
        if elapsed is None:     # §11: from the start to the stop, the close or as_of, whatever decided it
            elapsed = clock.working_us(started, closed if closed is not None else as_of, pauses)
        return Verdict(lead, rule, "at_least_within", cycle, status, owner, assignee, segment, started, due,
                       completed, warn_at, target / 1e6, elapsed / 1e6, None, None, evidence, reason, None,
                       None, zone, closed is None and nth is None and status == "breached",
                       None if nth is None else clock.working_us(started, nth, pauses) / 1e6)
    return at_least_within


def _at_least_before_judge(c):
    """``at least N before TRIGGER`` (§7)."""
    key, n = c.key, c.n

    def at_least_before(fold, cyc, due, pauses, as_of, base, local) -> Verdict:
        lead, rule, cycle, owner, assignee, segment, started, zone = base
        hit = cyc.before.get(key)
        completed = None
        if hit is not None:
            at, ref, count = hit
            completed, evidence = at, [ref]
            if count >= n:
                status = "met"
                reason = f"{count} attempt{'s' if count != 1 else ''} before the trigger at {_when(at, zone)} (needed {n})."
            else:
                status = "breached"
                reason = (f"Only {count} attempt{'s' if count != 1 else ''} before the trigger at {_when(at, zone)}; "
                          f"{n} {'was' if n == 1 else 'were'} needed.")
        else:
            evidence = []
            if cyc.closed_at is not None:
                status = "met"
                reason = "The cycle closed without the trigger, so nothing was due."
            else:
                status = "pending"
                made = len(cyc.attempts)
                reason = f"{made} attempt{'s' if made != 1 else ''} so far; the trigger has not happened."
        return Verdict(lead, rule, key, cycle, status, owner, assignee, segment, started, None, completed,
                       None, None, None, None, None, evidence, reason, None, None, zone)
    return at_least_before


def _first_judge(c):
    """``first where …``: the cycle's first attempt (§7)."""
    key, pred = c.key, c.pred

    def first(fold, cyc, due, pauses, as_of, base, local) -> Verdict:
        lead, rule, cycle, owner, assignee, segment, started, zone = base
        completed = None
        if cyc.attempts:
            at, ref, props, state, _ = cyc.attempts[0]
            completed, evidence = at, [ref]
            if pred(props, state, fold.notes):
                status = "met"
                reason = f"The first attempt ({ref}, {_when(at, zone)}) was as required."
            else:
                status = "breached"
                reason = f"The first attempt ({ref}, {_when(at, zone)}) was not as required."
        else:
            evidence = []
            if cyc.closed_at is not None:
                status = "met"
                reason = "The cycle closed before any attempt."
            else:
                status = "pending"
                reason = "No attempt yet."
        return Verdict(lead, rule, key, cycle, status, owner, assignee, segment, started, None, completed,
                       None, None, None, None, None, evidence, reason, None, None, zone)
    return first


def _local_times(atts, zone, memo: dict) -> list[int]:
    """The local wall-clock times (µs) of a cycle's attempts in ``zone`` (kept in ``memo``
    for the cycle's other clauses)."""
    got = memo.get(zone)
    if got is None:
        got = memo[zone] = instants.local_each([a[0] for a in atts], zone)
    return got


def _never(c, cyc, fold: LeadFold, base, memo: dict | None = None) -> Verdict:
    """``at_most_per_day``, ``gap``, ``only_during``, ``only_between``: breached from the first
    violation (evidence: every violator), else met once closed, pending while open.
    (Evaluation calls the clause's :func:`_never_judge`, made once per plan.)"""
    return _never_judge(c)(fold, cyc, None, (), None, base, {} if memo is None else memo)


def _never_judge(c):
    """The judge of a clause that a single attempt can break (:func:`_never`). Its texts
    are made here, once; ``violators(atts, fold, local)`` finds the attempts that break it
    and, for ``only between``, the zones it used."""
    kind = c.kind
    if kind == "at_most_per_day":
        n = c.n
        detail = f"more than {n} attempt{'s' if n != 1 else ''} on one day"
        violators = _per_day_violators(n, c.clock.tz)
    elif kind == "gap":
        detail = f"attempts less than {gap_text(c.duration_us)} apart"
        violators = _gap_violators(c.duration_us)
    elif kind == "only_during":
        detail = f"attempts outside `{c.clock.name}` working time"
        violators = _during_violators(c.clock)
    else:
        detail = f"attempts outside {window_text(c.window)} in the lead's time zone"
        violators = _between_violators(c)
    key = c.key
    head = f"{detail[0].upper()}{detail[1:]}: "
    met_reason = f"No {detail} in this cycle."
    open_reason = f"No {detail} so far."
    between = kind == "only_between"

    def never(fold, cyc, due, pauses, as_of, base, local) -> Verdict:
        lead, rule, cycle, owner, assignee, segment, started, zone = base
        if between and not cyc.attempts and cyc.closed_at is not None:
            # no attempt used a zone: the one the lead had when the cycle closed
            found, used = [], [_lead_zone(cyc.close_tz, fold, c.place)[1]]
        else:
            found, used = violators(cyc.attempts, fold, local)
        if found:
            status, reason = "breached", f"{head}{', '.join(map(str, found))}."
        elif cyc.closed_at is not None:
            status, reason, found = "met", met_reason, []
        else:
            status, reason, found = "pending", open_reason, []
        if between and used:                            # which zone the times were read in
            reason = f"{reason[:-1]} (read in {', '.join(used)})."
        return Verdict(lead, rule, key, cycle, status, owner, assignee, segment, started, None, None, None,
                       None, None, None, None, found, reason, None,
                       (", ".join(used) if used else None) if between else None, zone)
    return never


def _per_day_violators(n: int, zone):
    """``at most N per day``: the attempts past the N-th of their local day."""
    def violators(atts, fold, local):
        found = []
        if len(atts) > n:                               # else no day can have too many
            per_day: dict = {}
            get = per_day.get
            for a, lu in zip(atts, _local_times(atts, zone, local)):
                day = lu // 86_400_000_000
                k = get(day, 0) + 1
                per_day[day] = k
                if k > n:
                    found.append(a[1])
        return found, None
    return violators


def _gap_violators(least: int):
    """``gap at least D``: each attempt against the one before."""
    def violators(atts, fold, local):
        return [b[1] for a, b in zip(atts, atts[1:]) if b[0] - a[0] < least], None
    return violators


def _during_violators(clock):
    """``only during CALENDAR``: the attempts outside its working time (one batch test)."""
    def violators(atts, fold, local):
        if not atts:
            return [], None
        return [a[1] for a, is_open in zip(atts, clock.open_each([a[0] for a in atts])) if not is_open], None
    return violators


def _between_violators(c):
    """``only between HH:MM-HH:MM in lead timezone``: the attempts outside the window of
    the lead's local time (the zone its `timezone` field held at each attempt)."""
    start_min, end_min = c.window
    place = c.place
    integral = start_min.__class__ is int and end_min.__class__ is int
    lo, hi = (start_min * 60_000_000, end_min * 60_000_000) if integral else (0, 0)

    def violators(atts, fold, local):
        if not atts:                                    # no attempt: the zone that applies now
            return [], [_lead_zone(fold.fields.get("timezone"), fold, place)[1]]
        used: list[str] = []
        last_field, zone, name = _NO_FIELD, None, None
        if len({id(a[4]) for a in atts}) == 1:  # attempts mostly share the lead's zone
            zone, name = _lead_zone(atts[0][4], fold, place)
            used.append(name)
        else:
            for a in atts:
                tzfield = a[4]
                if tzfield is not last_field:
                    zone, name = _lead_zone(tzfield, fold, place)
                    last_field = tzfield
                    if name not in used:
                        used.append(name)
        if len(used) <= 1:
            times = _local_times(atts, zone, local)
        else:                                           # each attempt in its own zone
            zones: list = []
            last_field = _NO_FIELD
            for a in atts:
                tzfield = a[4]
                if tzfield is not last_field:
                    zone = _lead_zone(tzfield, fold, place)[0]
                    last_field = tzfield
                zones.append(zone)
            times = [instants.local_us(a[0], z) for a, z in zip(atts, zones)]
        if integral:
            # in µs of the local day: the same comparisons as in minutes, without division
            if start_min < end_min:
                found = [a[1] for a, lu in zip(atts, times) if not lo <= lu % 86_400_000_000 < hi]
            else:                                       # the window crosses midnight
                found = [a[1] for a, lu in zip(atts, times) if hi <= lu % 86_400_000_000 < lo]
        else:
            found = []
            for a, lu in zip(atts, times):
                minute = lu % 86_400_000_000 / 60_000_000   # of the local day
                if start_min < end_min:
                    inside = start_min <= minute < end_min
                else:                                       # the window crosses midnight
                    inside = minute >= start_min or minute < end_min
                if not inside:
                    found.append(a[1])
        return found, used
    return violators


def _lead_zone(tzfield, fold: LeadFold, place=None):
    """The lead's zone from its ``timezone`` field, else the agreement's (§7, §13)."""
    if tzfield is None:
        return fold.plan.zone, fold.plan.timezone
    zone = _LEAD_ZONES.get(tzfield) if tzfield.__class__ is str else None
    if zone is None:
        zone = _lead_zone_of(tzfield)
    if zone is _BAD_ZONE:
        fold.notes.add(("bad_zone", str(tzfield), fold.lead, place))
        return fold.plan.zone, fold.plan.timezone
    return zone, tzfield


_LEAD_ZONES: dict = {}      # a lead's `timezone` text -> ZoneInfo, or _BAD_ZONE
_BAD_ZONE = object()


def _lead_zone_of(tzfield):
    try:
        if not isinstance(tzfield, str) or not tzfield:
            raise ValueError(tzfield)
        zone = ZoneInfo(tzfield)
        from slacode.calendar import _not_a_place

        if _not_a_place(tzfield) is not None:       # `localtime`, `posix/…`, `EST`: no place's zone
            zone = _BAD_ZONE
    except Exception:  # noqa: BLE001 - zoneinfo raises several kinds for odd names
        zone = _BAD_ZONE
    if isinstance(tzfield, str):
        if len(_LEAD_ZONES) > 4096:
            _LEAD_ZONES.clear()
        _LEAD_ZONES[tzfield] = zone
    return zone


# ------------------------------------------------------------------------- the driver

@dataclass
class Result:
    """Verdicts and diagnostics of one evaluation."""

    agreement_id: str | None
    version: str | None
    as_of: int
    zone: Any
    verdicts: list[Verdict]
    diagnostics: list
    #: the agreement's own warnings and information (``Agreement.diagnostics``), which
    #: :meth:`to_dict` lists first, as ``check --format json`` does
    agreement_diagnostics: list = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"agreement": {"id": self.agreement_id, "version": self.version},
                "as_of": iso(self.as_of, self.zone),
                "verdicts": [v.to_dict() for v in self.verdicts],
                "diagnostics": [_diag_dict(d) for d in [*self.agreement_diagnostics, *self.diagnostics]]}


def _diag_dict(d) -> dict:
    out = d.to_dict()
    return out


def as_of_us(as_of, default_tz=None) -> int:
    """``as_of`` (an aware datetime or RFC 3339 text) as epoch microseconds; without an
    offset it is read in ``default_tz`` (as the events are), an error without one."""
    from slacode.events import parse_timestamp, timestamp_us

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


def public_as_of(as_of, default_tz=None) -> int:
    """:func:`as_of_us` for the library's callers: a number is refused, since it could be
    seconds or microseconds since 1970 (a Unix time in seconds would judge in 1970)."""
    if isinstance(as_of, (int, float)):
        raise TypeError(f"as_of must be an aware datetime or RFC 3339 text, not {type(as_of).__name__} "
                        "(for a Unix time, give datetime.fromtimestamp(seconds, timezone.utc))")
    return as_of_us(as_of, default_tz)


def evaluate(agreement, events: Iterable, *, as_of, default_tz=None) -> Result:
    """Verdicts of ``events`` (dicts, :class:`slacode.Event` or records) as of ``as_of``."""
    plan = agreement.plan
    cutoff = public_as_of(as_of, default_tz)
    diagnostics: list = []
    if events is None or isinstance(events, (str, bytes, dict)) or not hasattr(events, "__iter__"):
        raise TypeError(f"events must be a list (or any iterable) of event dicts, slacode.Event or "
                        f"records of slacode.read_events, not {type(events).__name__}")
    if hasattr(events, "__len__") and len(events) >= _MANY_EVENTS:
        # records and folds hold dicts, so the cyclic collector would traverse the growing
        # lists again and again (more than half of the time of building the records)
        from slacode.stream import paused_gc

        with paused_gc():
            return _evaluate_objects(plan, events, cutoff, default_tz, diagnostics)
    return _evaluate_objects(plan, events, cutoff, default_tz, diagnostics)


#: From this many events, :func:`evaluate` keeps the cyclic collector off while it works (a
#: service's one lead at a time leaves it alone: other threads of the process use it).
_MANY_EVENTS = 20_000


def _evaluate_objects(plan, events, cutoff: int, default_tz, diagnostics: list) -> Result:
    from slacode.events import records_from_objects

    # records of read_events too, alone or with dicts: the events after as_of are counted
    records = records_from_objects(events, default_tz=default_tz, diagnostics=diagnostics, as_of_us=cutoff)
    return evaluate_records(plan, records, cutoff, diagnostics, sources=None)


def group_by_lead(records) -> dict[str, list]:
    groups: dict[str, list] = {}
    for r in records:
        g = groups.get(r.lead)
        if g is None:
            groups[r.lead] = g = []
        g.append(r)
    return groups


def target_segments(plan: Plan) -> dict[str, tuple]:
    """Rule name -> ((segment name, predicate), …) of the targets with a segment (shared:
    do not modify)."""
    return plan_info(plan).segments


def _target_segments(plan: Plan) -> dict[str, tuple]:
    out: dict[str, list] = {}
    for t in plan.targets:
        if t.segment is not None and t.segment in plan.segments:
            out.setdefault(t.rule, []).append((t.segment, plan.segments[t.segment]))
    return {k: tuple(v) for k, v in out.items()}


def fold_lead(plan: Plan, lead: str, records, notes: set, segs) -> LeadFold:
    fold = LeadFold(plan, lead, notes, segs)
    records.sort(key=_order_key)
    for r in records:
        fold.feed(r)
    return fold


_order_key = operator.itemgetter(0, 1)    # a record's (at, seq): processing order


def evaluate_records(plan: Plan, records, as_of: int, diagnostics: list, sources=None) -> Result:
    """The verdicts of records (any order; grouped by lead and sorted here)."""
    from slacode.aggregate import Aggregates

    notes: set = set()
    segs = target_segments(plan)
    agg = Aggregates(plan, as_of)
    verdicts: list[Verdict] = []
    groups = group_by_lead(records)
    for lead in sorted(groups):
        fold = fold_lead(plan, lead, groups[lead], notes, segs)
        lead_verdicts = fold.verdicts(as_of)
        verdicts.extend(lead_verdicts)
        agg.add(fold, lead_verdicts)
        diagnostics.extend(unknown_state_diagnostics(fold, sources))
    verdicts.extend(agg.verdicts())
    diagnostics[:] = dg.sort_by_place(diagnostics, sources or ())
    diagnostics.extend(note_diagnostics(notes))
    return Result(plan.agreement_id, plan.version, as_of, plan.zone, verdicts, diagnostics)


def unknown_state_diagnostics(fold: LeadFold, sources) -> list:
    if not fold.unknown_states:
        return []
    from slacode.codes import evaluation as codes

    out = []
    effect = ("counts as a flow violation and changes nothing else" if fold.plan.flow is not None
              else "changes nothing")
    for rec in fold.unknown_states:
        file = sources[rec.source] if sources else None
        out.append(dg.make(codes.UNKNOWN_STATE,
                           f"lead {rec.lead!r} enters state {rec.state!r}, which the agreement does not declare",
                           dg.Span(rec.line, 1, file=file), file=file,
                           hint=f"declare the state in `states {{ … }}` or fix the event; the event {effect} "
                                "(its fields still apply)"))
    return out


def _note_place(note) -> tuple:
    """Where a note points in the agreement (file, line, column), then its text: the
    order of its diagnostic."""
    span = note[3] if isinstance(note, tuple) and note and note[0] == "bad_zone" else getattr(note, "span", None)
    place = (span.file or "", span.line or 0, span.column or 0) if span is not None else ("", 0, 0)
    return place, repr(note)


def note_diagnostics(notes: set) -> list:
    if not notes:
        return []
    from slacode.codes import evaluation as codes

    out = []
    for note in sorted(notes, key=_note_place):
        if isinstance(note, tuple) and note and note[0] == "bad_zone":
            _, zone, lead, span = note
            out.append(dg.make(codes.UNKNOWN_LEAD_ZONE,
                               f"lead {lead!r} has time zone {zone!r}, which is not an IANA zone; "
                               "the agreement's zone was used for its quiet hours",
                               span, file=span.file if span else None,
                               hint="use IANA names such as `America/Sao_Paulo` in the lead's `timezone` field"))
        else:
            out.append(dg.make(codes.NUMBER_STRING_COMPARISON,
                               "a number was compared with a string here; such comparisons are false",
                               note.span, file=note.span.file if note.span else None,
                               hint="make the field and the value the same type (quote the value, or send numbers)"))
    return out
