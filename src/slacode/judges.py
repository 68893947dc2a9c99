"""One cycle's verdicts: a judge per clause of a rule (LANGUAGE.md §6, §7, §11, §13).

Each clause of a rule is judged by a function chosen once per plan (:func:`_judges`) and
kept with it; the calendar arithmetic of a cycle (its deadline) is done once, in
:func:`_cycle_verdicts`, for all its clauses.
"""
from __future__ import annotations

from bisect import bisect_right
from datetime import date, timedelta
from operator import itemgetter
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from slacode import instants
from slacode.calendar import CalendarError
from slacode.compile import RulePlan, line_due_us
from slacode.leadzone import LeadCalendar
from slacode.refs import LineRef, PositionRef, cited, cited_all, event_cited
from slacode.requirement import reason_part
from slacode.texts import apart_text, clock_text, code, gap_text, span_text, window_text, work_text
from slacode.verdict import Verdict, _when

if TYPE_CHECKING:  # pragma: no cover
    from slacode.evaluate import Cycle, LeadFold

_NO_FIELD = object()      # no lead `timezone` field seen yet (None means "the field is absent")

#
# Each clause of a rule is judged by a function chosen once per plan (:func:`_judges`, kept
# on :class:`PlanInfo`): what a clause's kind, numbers and texts are is settled when the
# plan is first used, not tested again for every verdict. A judge is called as
# ``judge(fold, cyc, due, pauses, as_of, base, local)``, with what the cycle's clauses share:
# its deadline and pause intervals (worked out once per cycle), ``base`` (the verdict fields
# every clause of the cycle has: lead, rule, cycle, owner, assignee, segment, start, zone)
# and ``local`` (the attempts' local times by zone, made by the first clause that needs
# them). Each judge makes its Verdict in one call, with every field known.

def _cycle_verdicts(fold: LeadFold, rp: RulePlan, cyc: Cycle, as_of: int, judges=None,
                    recur: bool = True) -> list[Verdict]:
    """The verdicts of one cycle, one per clause in clause order (``judges``: the rule's
    :func:`_judges`, else made here; ``recur``: say in the reasons that `recur` opened the
    cycle, when it did)."""
    if recur and rp.recur is not None and cyc.recurred is not None:    # `recur` (extension)
        return _recurred(_cycle_verdicts(fold, rp, cyc, as_of, judges, False), rp, cyc)
    line = cyc.line
    clock = line.clock
    closed = cyc.closed_at
    pauses = cyc.pause_list(closed if closed is not None else as_of) if cyc.pauses else ()
    try:
        due = line_due_us(line, cyc.start, pauses)
    except CalendarError as e:                          # past the years calendars cover
        raise CalendarError(f"lead {fold.lead!r}, rule `{rp.name}`, cycle {cyc.number} (started "
                            f"{_when(cyc.start, clock.tz)}): {e}") from e
    assignee = cyc.assignee if closed is not None else fold.assignee
    base = (fold.lead, rp.name, cyc.number, rp.owner, assignee, line.segment, cyc.start, clock.tz)
    local: dict = {}                                    # zone -> the attempts' local times
    if judges is None:
        judges = _judges(rp)
    if cyc.escalates is not None or cyc.closed_by is not None:     # `breach of` / `warning of` (extension)
        got = _escalated([judge(fold, cyc, due, pauses, as_of, base, local) for judge in judges], cyc, clock.tz)
        got = _closed_when(got, rp, cyc) if cyc.by_when else got
    elif cyc.by_when:                                   # `stop when` / `cancel when` (extension)
        got = _closed_when([judge(fold, cyc, due, pauses, as_of, base, local) for judge in judges], rp, cyc)
    elif len(judges) == 1:                              # most timed rules: no list to iterate
        got = [judges[0](fold, cyc, due, pauses, as_of, base, local)]
    else:
        got = [judge(fold, cyc, due, pauses, as_of, base, local) for judge in judges]
    if clock.__class__ is LeadCalendar:                 # `timezone lead` (extension): the zone it was read in
        _zone_used(got, clock.timezone)
    return got


_LINE_CLAUSES = ("within", "at_least_within", "require")


def _zone_used(verdicts: list, zone: str) -> None:
    """The verdicts a cycle on a calendar in the lead's zone judged on it (its `within`,
    `at least … within` and `require` clauses) carry that zone as their ``timezone``."""
    for v in verdicts:
        if v.timezone is None and v.clause.rstrip("_0123456789") in _LINE_CLAUSES:
            v.timezone = zone


def _recurred(verdicts: list, rp: RulePlan, cyc: Cycle) -> list:
    """The verdicts of a cycle that `recur` (extension) opened, their reasons saying so:
    opened by the previous cycle's stop, or (`recur sequential`) at its deadline."""
    how, number, ev_type, ref, due = cyc.recurred
    zone = cyc.line.clock.tz
    written = "recur sequential" if rp.recur[0] else "recur"
    if how == "deadline":
        said = (f"Cycle {cyc.number} recurred ({code(written)}): opened at the previous deadline "
                f"{_when(cyc.start, zone)}, cycle {number} having been stopped before it by {ev_type} "
                f"({event_cited(ref)}).")
    else:
        late = "" if due is None else (         # (a stop at the very deadline: "at" it)
            f", {'at' if due == cyc.start else 'after'} the previous deadline {_when(due, zone)}")
        said = (f"Cycle {cyc.number} recurred ({code(written)}): opened by the stop {ev_type} at "
                f"{_when(cyc.start, zone)} ({event_cited(ref)}) that closed cycle {number}{late}.")
    for v in verdicts:
        v.reason = f"{v.reason} {said}"
    return verdicts


def _escalated(verdicts: list, cyc: Cycle, zone) -> list:
    """The verdicts of a cycle started or closed by a breach or a warning (`breach of RULE`,
    `warning of RULE`, extensions), with their ``escalates`` key and the breach (warning) in
    their reason."""
    said = []
    if cyc.escalates is not None:
        said.append(f"Started by the {_virtual_words(cyc.escalates)} at "
                    f"{_when(cyc.start, zone)}.")
    if cyc.closed_by is not None and cyc.close_kind != "breach":    # a breach's reason names it (breach_words)
        word = {"stop": "Stopped", "cancel": "Cancelled", "restart": "Restarted"}[cyc.close_kind]
        said.append(f"{word} by the {_virtual_words(cyc.closed_by)} at "
                    f"{_when(cyc.closed_at, zone)}.")
    rule, clause, number, event = (cyc.escalates if cyc.escalates is not None else cyc.closed_by)[:4]
    role = "start" if cyc.escalates is not None else cyc.close_kind
    for v in verdicts:
        v.escalates = {"rule": rule, "clause": clause, "cycle": number, "role": role}
        if event != "breach":                   # (a breach's key is as it was before warnings)
            v.escalates["event"] = event        # "warning", or "success" (`success of RULE`)
        if said:
            v.reason = f"{v.reason} {' '.join(said)}"
        if len(v.evidence) > 1:             # a breach cites its cycle's start: maybe this cycle's own start too
            v.evidence = list(dict.fromkeys(v.evidence))
    return verdicts


def breach_words(rp: RulePlan, cyc: Cycle) -> str:
    """What closed a cycle as breached (`breach on`, `breach when`, extensions), for reasons:
    ``` `breach on enter disqualified` (event q2)```, ``` `breach when sal_status ==
    "Rejected"` (event q2)```, or for a cycle `breach when` closed as it opened ``…
    (already held after event q2, which opened the cycle)``."""
    if not cyc.by_when:
        return f"{code(f'breach on {cyc.breach_by}')} ({_event_words(cyc)})"
    clause = code(f"breach when {rp.when_texts[2]}")      # (a backquoted name inside: fenced, ``…``)
    if cyc.closed_at == cyc.start and cyc.escalates is not None:    # opened by a breach (warning), no event
        return f"{clause} (already held when the {cyc.escalates[3]} opened the cycle)"
    if cyc.closed_at == cyc.start and _at_deadline(cyc):            # `recur sequential`: no event either
        return f"{clause} (already held when the cycle opened at the previous deadline)"
    if cyc.closed_at == cyc.start and cyc.close_ref == cyc.start_ref:
        return f"{clause} (already held after {event_cited(cyc.close_ref)}, which opened the cycle)"
    return f"{clause} (held after {event_cited(cyc.close_ref)})"


def _at_deadline(cyc: Cycle) -> bool:
    """Whether `recur sequential` (extension) opened ``cyc`` at the previous cycle's deadline
    (an opening with no event of its own)."""
    return cyc.recurred is not None and cyc.recurred[0] == "deadline"


def _event_words(cyc: Cycle) -> str:
    """``event q2`` (``the event on line 4`` without an id, :func:`slacode.refs.event_cited`),
    or for a cycle closed by a virtual event (`breach on breach of RULE`, whose clause already
    says "breach of") which one: ``cycle 1 of first_touch``, ``cycle 2 of follow_up.gap``."""
    if cyc.closed_by is not None:
        rule, clause, number = cyc.closed_by[:3]
        name = rule if clause in ("within", "at_least_within") else f"{rule}.{clause}"
        return f"cycle {number} of {name}"
    return event_cited(cyc.close_ref)


def when_words(rp: RulePlan, cyc: Cycle) -> str:
    """Why a cycle closed by `stop when P` / `cancel when P` (extension) closed, naming the
    event after which P held: ``` `stop when sal_status == "Accepted"` held after event e7,
    so the cycle was stopped then.```"""
    kind = cyc.close_kind
    clause = code(f"{kind} when {rp.when_texts[0 if kind == 'stop' else 1]}")
    done = "stopped" if kind == "stop" else "cancelled"
    if cyc.closed_at == cyc.start and cyc.escalates is not None:    # opened by a breach (warning), no event
        return f"{clause} already held when the {cyc.escalates[3]} opened the cycle, so it was {done} at once."
    if cyc.closed_at == cyc.start and _at_deadline(cyc):            # `recur sequential`: no event either
        return f"{clause} already held when the cycle opened at the previous deadline, so it was {done} at once."
    if cyc.closed_at == cyc.start and cyc.close_ref == cyc.start_ref:
        return (f"{clause} already held after {event_cited(cyc.close_ref)}, which opened the cycle, so it was "
                f"{done} at once.")
    return f"{clause} held after {event_cited(cyc.close_ref)}, so the cycle was {done} then."


def _closed_when(verdicts: list, rp: RulePlan, cyc: Cycle) -> list:
    """The verdicts of a cycle closed by `stop when` / `cancel when` (extension): their
    reasons say which predicate held after which event (the closing event, in the evidence
    once even when it is also the start); those of `breach when` say it already
    (:func:`breach_words`)."""
    said = when_words(rp, cyc) if cyc.close_kind != "breach" else ""
    for v in verdicts:
        if said:
            v.reason = f"{v.reason} {said}"
        if len(v.evidence) > 1:
            v.evidence = list(dict.fromkeys(v.evidence))
    return verdicts


def _virtual_words(tag: tuple) -> str:
    """A virtual event by its tag, for reasons: ``breach of first_touch (cycle 1)``,
    ``warning of follow_up.gap (cycle 2)``, and a success (`success of RULE`, extension)
    ``met first_touch (cycle 1)``."""
    if tag[3] == "success":
        return f"met {_breach_words(tag)}"
    return f"{tag[3]} of {_breach_words(tag)}"


def _breach_words(escalates: tuple) -> str:
    """``first_touch (cycle 1)``, ``follow_up.gap (cycle 2)``: a breach (or warning), for
    reasons."""
    rule, clause, number = escalates[:3]
    name = rule if clause in ("within", "at_least_within") else f"{rule}.{clause}"
    return f"{name} (cycle {number})"


def attempt_name(a, zone) -> str:
    """How a reason names an attempt (a record of a cycle's ``attempts``): its ref as
    :func:`~slacode.refs.cited` writes it (an id, ``line 12``, ``event 12``), or, for a counted breach or warning (`count breach of RULE`, `count warning of
    RULE`, extensions), the breach (warning) itself, ``the breach of first_touch (cycle 2)
    at 2026-11-09 13:00 +00:00`` (its ref, which the evidence cites, is the breached
    cycle's start event: another event, at another time)."""
    if len(a) == 7:
        return f"the {_virtual_words(a[6])} at {_when(a[0], zone)}"
    return cited(a[1])


def _attempt_at(a, zone) -> str:
    """``attempt c2 at 2026-11-09 10:00 +00:00``; an event without an id, ``attempt at
    2026-11-09 10:00 +00:00 (line 12)``; or a counted breach (warning) as
    :func:`attempt_name` names it (its instant included)."""
    if len(a) == 7:
        return attempt_name(a, zone)
    ref = a[1]
    if ref.__class__ is LineRef or ref.__class__ is PositionRef:
        return f"attempt at {_when(a[0], zone)} ({cited(ref)})"
    return f"attempt {ref} at {_when(a[0], zone)}"


def _judges(rp: RulePlan) -> tuple:
    out = []
    for c in rp.clauses:
        if c.kind == "within":
            out.append(_within_judge(rp))
        elif c.kind == "require":
            out.append(_require_judge(rp))
        elif c.kind == "at_least_within":
            out.append(_at_least_within_judge(rp))
        elif c.kind == "at_least_before":
            out.append(_at_least_before_judge(c))
        elif c.kind == "first":
            out.append(_first_judge(c))
        elif c.kind == "at_least_per_day":
            out.append(_at_least_per_day_judge(c))
        elif c.kind == "gap_at_most":
            out.append(_gap_at_most_judge(c))
        else:
            out.append(_never_judge(c))
    return tuple(out)


def _open_status(rp: RulePlan, cyc: Cycle, clock, line, pauses, due, as_of) -> tuple[str, int, int | None]:
    """Status of an open, not yet due cycle: paused, at_risk or pending (§6 order)."""
    elapsed = clock.working_us(cyc.start, as_of, pauses)
    warn_at = None
    if rp.warn is not None:
        warn_us = line.warn_us
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
        words = _day_words(line, due, started, pauses, zone) if line.due_words else ""
        if closed is not None:
            evidence.append(cyc.close_ref)
            elapsed = clock.working_us(started, closed, pauses)
            late = closed > due
            if cyc.close_kind == "stop":
                completed = closed
                if late:
                    status = "breached"
                    reason = (f"Stopped at {_when(closed, zone)}, {late_words(clock, due, closed, pauses)} after "
                              f"the deadline {_when(due, zone)}{_target_note(words, target, clock)}.")
                elif words:                # by the working day (extension)
                    status = "met"
                    reason = (f"Stopped at {_when(closed, zone)} after {clock_text(elapsed, clock)} of {clock.time_words}, "
                              f"in time for the deadline {_when(due, zone)}: {words}.")
                else:
                    status = "met"
                    reason = (f"Stopped at {_when(closed, zone)} after {clock_text(elapsed, clock)} of {clock.time_words}, "
                              f"within the {clock_text(target, clock)} target (due {_when(due, zone)}).")
            elif cyc.close_kind == "breach":           # `breach on` / `breach when` (extension)
                status = "breached"
                by = breach_words(rp, cyc)
                if late:
                    reason = (f"The deadline {_when(due, zone)} passed first{_target_note(words, target, clock)}; "
                              f"the cycle was then breached at {_when(closed, zone)} by {by}, "
                              f"{late_words(clock, due, closed, pauses)} after it.")
                else:
                    reason = (f"Breached at {_when(closed, zone)} by {by}, "
                              f"{'at' if closed == due else 'before'} the deadline {_when(due, zone)}.")
            else:
                word = "cancelled" if cyc.close_kind == "cancel" else "restarted"
                if late:
                    status = "breached"
                    reason = (f"The deadline {_when(due, zone)} passed before the cycle was {word} at "
                              f"{_when(closed, zone)}.")
                else:
                    status = "cancelled"
                    reason = (f"The cycle was {word} at {_when(closed, zone)}, "
                              f"{'at' if closed == due else 'before'} its deadline {_when(due, zone)}.")
        elif due < as_of:
            status = "breached"
            elapsed = clock.working_us(started, as_of, pauses)
            if warn is not None:                        # open, so it has a warn_at (in the past)
                warn_at = clock.add_us(started, line.warn_us, pauses)
            reason = (f"Not done: the deadline {_when(due, zone)} passed {late_words(clock, due, as_of, pauses)} before "
                      f"{_when(as_of, zone)}{_target_note(words, target, clock)}.")
        else:
            status, elapsed, warn_at = _open_status(rp, cyc, clock, line, pauses, due, as_of)
            left = max(target - elapsed, 0)
            if status == "paused":
                reason = (f"Paused since {_when(cyc.pauses[-1][0], zone)}; {clock_text(left, clock)} of {clock.time_words} "
                          f"left, due {_when(due, zone)} if it resumed now.")
            elif status == "at_risk":
                reason = (f"Open with {clock_text(elapsed, clock)} of {clock_text(target, clock)} of {clock.time_words} used "
                          f"({_passed_words(rp, line, elapsed) if line.levels else warn_words(rp, clock)}); "
                          f"due {_when(due, zone)}"
                          f"{_due_note(words)}.")
            else:
                reason = f"Open; {clock_text(left, clock)} of {clock.time_words} left, due {_when(due, zone)}{_due_note(words)}."
        if cyc.retargets:
            reason += _retargeted(rp, cyc, zone)
            evidence[1:1] = [r[1] for r in cyc.retargets]         # never the start or the close
        v = Verdict(lead, rule, "within", cycle, status, owner, assignee, segment, started, due, completed,
                    warn_at, target / 1e6, elapsed / 1e6, None, None, evidence, reason, None, None, zone,
                    closed is None and status == "breached")
        if line.levels:
            v.warnings = _warnings(line, started, pauses, as_of) if warn_at is not None else ()
        return v
    return within


def _day_words(line, due: int, started: int, pauses, zone) -> str:
    """A target by the working day in words, for reasons (``""`` for a duration): ``Mon
    2026-11-02 18:00, the close of its working day``; when pauses moved the deadline, that
    instant is where it was without them (``Mon 2026-11-02 18:00 before pauses moved it, …``)."""
    words = line.due_words
    if words and pauses:
        plain = line.due_us if line.due_us is not None else line.clock.add_us(started, line.target_us)
        words = moved_words(words, plain != due)
    return words


def moved_words(words: str, moved: bool) -> str:
    """A working-day deadline in words (``Mon 2026-11-02 18:00, the close of its working
    day``), said as its instant before pauses moved it when ``moved``."""
    if not moved:
        return words
    when, _, what = words.partition(", ")
    return f"{when} before pauses moved it, {what}" if what else f"{when} before pauses moved it"


def _target_note(words: str, target: int, clock) -> str:
    """A breached deadline's target, for reasons: `` (target 4h of working time)``, or by the
    working day ``: Mon 2026-11-02 18:00, the close of its working day (8h of working time)``."""
    if words:
        return f": {words} ({clock_text(target, clock)} of {clock.time_words})"
    return f" (target {clock_text(target, clock)} of {clock.time_words})"


def _due_note(words: str) -> str:
    """What an open deadline by the working day is, for reasons: ``: Mon 2026-11-02 18:00, the
    close of its working day`` (nothing for a duration)."""
    return f": {words}" if words else ""


def _warnings(line, started: int, pauses, as_of: int) -> tuple:
    """An open cycle's warning levels (several `warn` lines): ``((written, instant, passed),
    …)`` in time order, each instant worked out as ``warn_at`` is (a paused clock's as if the
    pause ended at ``as_of``)."""
    add = line.clock.add_us
    out = []
    for words, us in line.levels:
        at = add(started, us, pauses)
        out.append((words, at, at <= as_of))
    return tuple(out)


def _passed_words(rp: RulePlan, line, elapsed: int) -> str:
    """The latest warning level an at_risk cycle has passed, for its reason: ``past the 80%
    warning``, ``past the warning 30m before the deadline`` (on a calendar ``past the
    warning 9h of working time before the deadline`` for `1d before`, as
    :func:`warn_words` says it)."""
    words = line.levels[0][0]
    for written, us in line.levels:
        if us <= elapsed:
            words = written
    if words.endswith(" before"):                       # `30m before`: the warning 30m before the deadline
        return f"past the warning {_before_words(rp, words, line.clock)} the deadline"
    return f"past the {words} warning"


def warn_words(rp: RulePlan, clock) -> str:
    """A rule's (first) `warn` line in words, for the reason of an at_risk cycle on
    ``clock``: ``warning at 75%``, ``warning 30m before the deadline``; on a calendar, a
    `D before` in working time, as targets are written there (a `1d` is a working day):
    ``warning 9h of working time before the deadline``."""
    written = rp.warn_before[0] if rp.warn_before else None
    if written is None or clock.time_words != "working time":
        return rp.warn
    return f"warning {_before_words(rp, written, clock)} the deadline"


def _before_words(rp: RulePlan, written: str, clock) -> str:
    """``30m before`` (a warning level as written) as a reason writes it on ``clock``: as it
    is on the wall clock, in working time on a calendar (``9h of working time before`` for
    `1d before` on a calendar of 9-hour days)."""
    if clock.time_words != "working time":
        return written
    duration = dict(rp.warn_before[1:]).get(written)
    if duration is None:                                # (not a level of this rule: as written)
        return written
    return f"{work_text(duration.seconds(int(clock.day_length.total_seconds())) * 1_000_000)} of working time before"


def late_words(clock, due: int, at: int, pauses=()) -> str:
    """How late ``at`` is after the deadline ``due``, for reasons (:func:`slacode.texts.apart_text`):
    ``1d 2h`` without a calendar; on one, the working time between them (less pauses,
    so that it is the cycle's elapsed time minus its target), then the wall-clock span when
    it differs: ``27h 15m of working time (5d 15m by the wall clock)``."""
    if clock.time_words != "working time":
        return span_text(at - due)
    return apart_text(at - due, clock.working_us(due, at, pauses or None))


def line_words(rule_kind: str, line) -> str:
    """A target line as written: ``within 1h for hot``, ``at least 3 within 2d on br_sales``,
    ``within same working day on office, after 15:00 next working day``, ``due at callback_at``."""
    kind = f"at least {line.n} within" if rule_kind == "attempts" else "due" if line.field is not None else "within"
    return f"{kind} {line_target(line)}{f' for {line.segment}' if line.segment else ''}"


def line_target(line) -> str:
    """A line's target and calendar as written: ``2d on br_sales``, ``same working day on
    office, after 15:00 next working day`` (`on` before a cut-off part)."""
    where = f" on {line.clock.name}" if getattr(line.clock, "name", None) else ""
    if line.day is not None:
        return line.day.spec.text(where)
    if line.choose and line.choose[0][1].day is not None:    # on a calendar choice
        return line.choose[0][1].day.spec.text(where)
    return f"{line.written}{where}"


def _retargeted(rp: RulePlan, cyc: Cycle, zone) -> str:
    """What `retarget when segment changes` did to a cycle, for its reason: `` The target
    line changed at T (`within 4h` → `within 1h for hot`).`` A change of the zone a
    `timezone lead` calendar is read in names the zones (:func:`_retarget_pair`)."""
    lines = [line for _, _, line in cyc.retargets] + [cyc.line]
    changes = [f"at {_when(at, zone)} ({_retarget_pair(rp.kind, lines[i], lines[i + 1])})"
               for i, (at, _, _) in enumerate(cyc.retargets)]
    return f" The target line changed {' and '.join(changes)}."


def _retarget_pair(kind: str, was, now) -> str:
    """A retarget's two lines as written, `` `within 4h` → `within 1h for hot` ``. When
    either is on a calendar in the lead's zone (`timezone lead`, extension) and the zone the
    cycle is read in changed, each such side names its zone, as explain does (`` `within 2h
    on lead_day (Europe/Lisbon)` → `within 2h on lead_day (Asia/Tokyo)` ``): the lines as
    written may be the same."""
    before, after = line_words(kind, was), line_words(kind, now)
    zoned_was, zoned_now = was.clock.__class__ is LeadCalendar, now.clock.__class__ is LeadCalendar
    if (zoned_was or zoned_now) and getattr(was.clock, "timezone", None) != getattr(now.clock, "timezone", None):
        if zoned_was:
            before += f" ({_zone_short(was.clock)})"
        if zoned_now:
            after += f" ({_zone_short(now.clock)})"
    return f"`{before}` → `{after}`"


def _zone_short(clock: LeadCalendar) -> str:
    """The zone a `timezone lead` calendar was read in, for a reason: ``Asia/Tokyo``, or
    ``America/New_York, the agreement's zone`` for the fallback (the lead's own zone when it
    is the agreement's, else its `timezone` was missing or unknown)."""
    return f"{clock.timezone}, the agreement's zone" if clock.fallback else clock.timezone


def _require_judge(rp: RulePlan):
    """``require``: the fields present at the stop (§6) and, with `require … where`
    (extension), every condition holding there."""
    checked = "the required fields and conditions" if rp.conditions else "the required fields"

    def judge(fold, cyc, due, pauses, as_of, base, local) -> Verdict:
        return _require(cyc, base, checked, bool(rp.conditions), rp)
    return judge


def _require(cyc, base, checked: str, conditions: bool, rp: RulePlan | None = None) -> Verdict:
    lead, rule, cycle, owner, assignee, segment, started, zone = base
    evidence = [cyc.start_ref] + ([cyc.close_ref] if cyc.close_ref is not None else [])
    completed = None
    if cyc.closed_at is None:
        status = "pending"
        reason = f"Not handed off yet: {checked} are checked at the stop."
    elif cyc.close_kind == "breach":                    # `breach on` / `breach when` (extension)
        status = "cancelled"
        reason = (f"No handoff: the cycle was breached at {_when(cyc.closed_at, zone)} by {breach_words(rp, cyc)}, "
                  f"so {checked} were not checked.")
    elif cyc.close_kind != "stop":
        status = "cancelled"
        reason = f"The cycle closed without a stop, so {checked} were not checked."
    else:
        completed = cyc.closed_at
        missing, failed = cyc.require_missing, cyc.require_failed
        if missing or failed:
            status = "breached"
            said = [f"Handed off without {', '.join(f'`{f}`' for f in missing)}."] if missing else []
            if failed:
                said.append(reason_part(failed))
            reason = " ".join(said)
        else:
            status = "met"
            reason = ("Every required field was present and every condition held at the handoff." if conditions
                      else "Every required field was present at the handoff.")
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
        words = _day_words(line, due, started, pauses, zone) if line.due_words else ""
        completed = warn_at = None
        evidence = [a[1] for a in atts[:n]]
        nth = atts[n - 1][0] if n >= 1 and len(atts) >= n else None
        if n <= 0:
            nth = started
        elapsed = None
        if nth is not None and nth <= due:               # §13: the first of …
            status, completed = "met", nth
            if closed is None and warn is not None:     # §13: every open cycle with `warn` has one
                warn_at = clock.add_us(started, line.warn_us, pauses)
            reason = (f"{n:,} attempt{'s' if n != 1 else ''} by {_when(nth, zone)}, "
                      f"{'at' if nth == due else 'before'} the deadline {_when(due, zone)}.")
        elif closed is not None and closed <= due:
            if cyc.close_kind == "stop":
                status = "met"
                reason = (f"Stopped at {_when(closed, zone)}, {'at' if closed == due else 'before'} the deadline "
                          f"{_when(due, zone)}, "
                          f"after {len(atts):,} attempt{'s' if len(atts) != 1 else ''}.")
            else:
                status = "cancelled"
                reason = (f"The cycle was {'cancelled' if cyc.close_kind == 'cancel' else 'restarted'} at "
                          f"{_when(closed, zone)}, {'at' if closed == due else 'before'} its deadline.")
        elif due < as_of:
            status = "breached"
            completed = nth                              # §13: the Nth attempt, even late (None if not made)
            if closed is None and warn is not None:
                warn_at = clock.add_us(started, line.warn_us, pauses)
            made = bisect_right(atts, due, key=_AT)       # (attempts are in time order)
            reason = (f"Only {made:,} of {n:,} attempts by the deadline {_when(due, zone)}"
                      f"{_target_note(words, target, clock)}.")
        else:
            status, elapsed, warn_at = _open_status(rp, cyc, clock, line, pauses, due, as_of)
            reason = (f"{len(atts):,} of {n:,} attempts so far; due {_when(due, zone)}{_due_note(words)}"
                      + (" (paused)." if status == "paused" else
                         f" ({_passed_words(rp, line, elapsed)})." if status == "at_risk" and line.levels else "."))
        if elapsed is None:     # §11: from the start to the stop, the close or as_of, whatever decided it
            elapsed = clock.working_us(started, closed if closed is not None else as_of, pauses)
        if cyc.retargets:
            reason += _retargeted(rp, cyc, zone)
            # an attempt that also changed the line is cited once
            evidence = list(dict.fromkeys(ref for _, ref in sorted(
                [(a[0], a[1]) for a in atts[:n]] + [r[:2] for r in cyc.retargets], key=lambda p: p[0])))
        v = Verdict(lead, rule, "at_least_within", cycle, status, owner, assignee, segment, started, due,
                    completed, warn_at, target / 1e6, elapsed / 1e6, None, None, evidence, reason, None,
                    None, zone, closed is None and nth is None and status == "breached",
                    None if nth is None else clock.working_us(started, nth, pauses) / 1e6,
                    (len(atts), n) if closed is None and nth is None else None)
        if line.levels:
            v.warnings = _warnings(line, started, pauses, as_of) if warn_at is not None else ()
        return v
    return at_least_within


def _at_least_per_day_judge(c):
    """``at least N per day within D [on CAL]``: from the start, every working day of the
    first ``D`` of working time (minus pauses) holds N attempts. Day k is the slice from the
    end of day k-1 (the start, for day 1) through the instant a clock started with the cycle
    would reach k working days (at most ``D``), its end included, as a deadline's is.
    ``due_at`` is the end of the day that decided (the day running, the day that fell short,
    the last day), ``target_seconds`` the working time from the start to it."""
    key, n, clock, window = c.key, c.n, c.clock, c.duration_us
    day = int(clock.day_length.total_seconds()) * 1_000_000
    days = max(1, -(-window // day))
    own_zone = clock.tz if clock.name else None
    every = f"{n:,} attempt{'s' if n != 1 else ''} every {'working ' if clock.name else ''}day"

    def at_least_per_day(fold, cyc, due, pauses, as_of, base, local) -> Verdict:
        lead, rule, cycle, owner, assignee, segment, started, zone = base
        if own_zone is not None:                         # its own calendar's offsets
            zone = own_zone
        atts = cyc.attempts
        closed = cyc.closed_at
        i, count = 0, len(atts)
        evidence: list = []
        completed = end = None
        status = "met"
        for k in range(1, days + 1):
            begin = started if end is None else end         # day k runs after day k-1's end
            target = min(k * day, window)                   # working time from the start to day k's end
            end = clock.add_us(started, target, pauses)
            first = i
            while i < count and atts[i][0] <= end:
                i += 1
            if i - first >= n:
                evidence.extend(a[1] for a in atts[first:first + n])
                completed = atts[first + n - 1][0]
                continue
            made = i - first
            if closed is not None and closed <= end:         # closed before this day fell short
                if cyc.close_kind == "stop":                 # evidence: the days kept, and the stop
                    if cyc.close_ref not in evidence:        # (once, when the stop is an attempt too)
                        evidence.append(cyc.close_ref)
                    reason = (f"Stopped at {_when(closed, zone)} with {every} kept until then "
                              f"(day {k:,} of {days:,} had {made:,}).")
                else:
                    status, evidence = "cancelled", [cyc.close_ref]
                    reason = (f"The cycle was {'cancelled' if cyc.close_kind == 'cancel' else 'restarted'} at "
                              f"{_when(closed, zone)}, with {every} kept until then.")
                completed = None
            elif end < as_of:
                status = "breached"
                evidence = [a[1] for a in atts[first:i]] or [cyc.start_ref]
                completed = None
                reason = (f"Day {k:,} of {days:,}, to {_when(end, zone)}, had {made:,} of {n:,} "
                          f"attempt{'s' if n != 1 else ''}.")
            else:
                status = "paused" if cyc.paused else "pending"
                evidence, completed = [], None
                if as_of <= begin:                       # today's attempts are made: the next day's are owed
                    reason = (f"Day {k - 1:,} of {days:,} kept; day {k:,} runs from {_when(begin, zone)} to "
                              f"{_when(end, zone)}" + (" (paused)." if cyc.paused else "."))
                else:
                    reason = (f"Day {k:,} of {days:,}: {made:,} of {n:,} attempt{'s' if n != 1 else ''} so far, "
                              f"due {_when(end, zone)}" + (" (paused)." if cyc.paused else "."))
            break
        else:
            reason = f"{every} for {days:,} day{'s' if days != 1 else ''}, the last by {_when(completed, zone)}."
        elapsed = clock.working_us(started, closed if closed is not None else as_of, pauses)
        return Verdict(lead, rule, key, cycle, status, owner, assignee, segment, started, end, completed,
                       None, target / 1e6, elapsed / 1e6, None, None, evidence, reason, None, None,
                       zone, closed is None and status == "breached", None,
                       (made, n) if closed is None and status != "met" else None)
    return at_least_per_day


def _gap_at_most_judge(c):
    """``gap at most D [on CAL]`` (extension): from the cycle's start to its first attempt,
    between attempts, and from the last attempt to the close (or ``as_of``), never more than
    ``D`` of working time (minus pauses). The first silence that runs past ``D`` breaches it
    (``due_at``: when it ran out; ``completed_at``: the attempt or close that ended it, none
    while it goes on); an open cycle is pending with ``due_at`` the latest moment for the next
    attempt; a closed one within every ``D`` is met (a cancel or restart that came in time,
    cancelled). ``target_seconds`` is the working time from the start to ``due_at``."""
    key, clock, most = c.key, c.clock, c.duration_us
    own_zone = clock.tz if clock.name else None
    work = clock_text(most, clock)
    if c.written in ("", work) or clock.time_words != "working time":       # (the wall clock: as written)
        limit = f"{c.written or work} of {clock.time_words}"
    else:
        limit = f"{c.written} ({work} of {clock.time_words})"

    def gap_at_most(fold, cyc, due, pauses, as_of, base, local) -> Verdict:
        lead, rule, cycle, owner, assignee, segment, started, zone = base
        if own_zone is not None:                         # its own calendar's offsets
            zone = own_zone
        closed = cyc.closed_at
        last_at, last = started, None                    # the silence runs from the start …
        completed = None
        evidence: list = []
        for a in cyc.attempts:
            at = a[0]
            end = clock.add_us(last_at, most, pauses)
            if at > end:                                 # … and this attempt came too late
                status, completed, evidence = "breached", at, [a[1]]
                since = f"after {_attempt_at(last, zone)}" if last is not None else \
                    f"after the start at {_when(last_at, zone)}"
                reason = (f"No attempt for more than {limit}: {_attempt_at(a, zone)} came {since}, "
                          f"past {_when(end, zone)}.")
                break
            last_at, last = at, a
        else:
            end = clock.add_us(last_at, most, pauses)
            since = _attempt_at(last, zone) if last is not None else f"the start at {_when(last_at, zone)}"
            last_ref = last[1] if last is not None else None
            if closed is not None and closed <= end:
                if cyc.close_kind == "stop":
                    status = "met"
                    made = len(cyc.attempts)
                    reason = (f"No silence longer than {limit}: {made:,} attempt{'s' if made != 1 else ''}, "
                              f"stopped at {_when(closed, zone)}.")
                else:
                    status, evidence = "cancelled", [cyc.close_ref]
                    reason = (f"The cycle was {'cancelled' if cyc.close_kind == 'cancel' else 'restarted'} at "
                              f"{_when(closed, zone)}, within {limit} of {since}.")
            elif closed is not None or end < as_of:       # the silence ran out before the close or as_of
                status = "breached"
                completed = closed
                evidence = [last_ref] if last_ref is not None else [cyc.start_ref]
                after = (f"the cycle closed at {_when(closed, zone)}" if closed is not None
                         else f"none by {_when(as_of, zone)}")
                reason = f"No attempt for more than {limit} after {since}: due by {_when(end, zone)}, {after}."
            else:
                status = "paused" if cyc.paused else "pending"
                reason = (f"Next attempt due by {_when(end, zone)}, at most {limit} after {since}"
                          + (" (paused)." if cyc.paused else "."))
        elapsed = clock.working_us(started, closed if closed is not None else as_of, pauses)
        target = clock.working_us(started, end, pauses)   # to `due_at`, as `at_least_per_day` gives it
        return Verdict(lead, rule, key, cycle, status, owner, assignee, segment, started, end, completed,
                       None, target / 1e6, elapsed / 1e6, None, None, evidence, reason, None, None,
                       zone, closed is None and status == "breached" and completed is None)
    return gap_at_most


def _trigger_words(triggers, what) -> str:
    """What happened when an ``at least N before`` trigger fired, for its reason: a breach
    or warning as other reasons name it (``the warning of first_touch (cycle 1)``), an
    event by its type (```qualified```), a state change (``the lead entered `mql```, ``the
    lead left `new```), names in backquotes as reasons write them. ``what``: the fold's note of it (:meth:`Fold._before`), a breach record's
    tag or ``(type, entered, left)``."""
    if len(what) != 3:
        return f"the {_virtual_words(what)}"
    from slacode.texts import code

    ev_type, entered, left = what
    if any(t.kind == "event" and t.type == ev_type for t in triggers):
        return code(str(ev_type))
    if entered is not None and any(t.kind == "enter" and entered in t.states for t in triggers):
        return f"the lead entered {code(str(entered))}"
    if left is not None and any(t.kind == "leave" and left in t.states for t in triggers):
        return f"the lead left {code(str(left))}"
    return code(str(ev_type))


def _at_least_before_judge(c):
    """``at least N before TRIGGER`` (§7)."""
    key, n, triggers = c.key, c.n, c.triggers

    def at_least_before(fold, cyc, due, pauses, as_of, base, local) -> Verdict:
        lead, rule, cycle, owner, assignee, segment, started, zone = base
        hit = cyc.before.get(key)
        completed = None
        if hit is not None:
            at, ref, count, what = hit
            completed, evidence = at, [ref]
            happened = _trigger_words(triggers, what)
            if count >= n:
                status = "met"
                reason = f"{count:,} attempt{'s' if count != 1 else ''} before {happened} at {_when(at, zone)} (needed {n:,})."
            else:
                status = "breached"
                reason = (f"Only {count:,} attempt{'s' if count != 1 else ''} before {happened} at {_when(at, zone)}; "
                          f"{n:,} {'was' if n == 1 else 'were'} needed.")
        else:
            evidence = []
            if cyc.closed_at is not None:
                status = "met"
                reason = "The cycle closed without the trigger, so nothing was due."
            else:
                status = "pending"
                made = len(cyc.attempts)
                reason = f"{made:,} attempt{'s' if made != 1 else ''} so far; the trigger has not happened."
        return Verdict(lead, rule, key, cycle, status, owner, assignee, segment, started, None, completed,
                       None, None, None, None, None, evidence, reason, None, None, zone)
    return at_least_before


def _first_judge(c):
    """``first where …``: the cycle's first attempt (§7)."""
    key, pred = c.key, c.pred
    required: list = []             # the predicate's text, made at the first breach

    def requirement() -> str:
        if not required:
            from slacode.fmt import one_line
            from slacode.texts import code

            required.append(f": {code('first where ' + one_line(c.place))}" if c.place is not None else "")
        return required[0]

    def first(fold, cyc, due, pauses, as_of, base, local) -> Verdict:
        lead, rule, cycle, owner, assignee, segment, started, zone = base
        completed = None
        if cyc.attempts:
            att = cyc.attempts[0]
            at, ref, props, state, _, who = att[:6]
            completed, evidence = at, [ref]
            which = attempt_name(att, zone) if len(att) == 7 else f"{cited(ref)}, {_when(at, zone)}"
            notes = fold.notes
            now, notes.assignee = notes.assignee, who      # `== assignee`: the rep just before it
            try:
                held = pred(props, state, notes)
            finally:
                notes.assignee = now
            if held:
                status = "met"
                reason = f"The first attempt ({which}) was as required."
            else:
                status = "breached"
                reason = f"The first attempt ({which}) was not as required{requirement()}."
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
    """``at_most_per_day``, ``at_most_per_cycle``, ``gap``, ``only_during``, ``only_between``: breached from the first
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
        detail = f"more than {n:,} attempt{'s' if n != 1 else ''} on one day"
    elif kind == "at_most_per_cycle":
        n = c.n
        detail = f"more than {n:,} attempt{'s' if n != 1 else ''} in the cycle"
    elif kind == "gap":
        detail = f"attempts less than {gap_text(c.duration_us)} apart"
    elif kind == "only_during":
        detail = f"attempts outside `{c.clock.name}` working time"
    else:
        detail = f"attempts outside {window_text(c.window)} in the lead's time zone"
    violators = _violators(c)
    key = c.key
    head = f"{detail[0].upper()}{detail[1:]}: "
    met_reason = f"No {detail} in this cycle."
    open_reason = f"No {detail} so far."
    between = kind == "only_between"
    per_day = kind == "at_most_per_day"
    day_zone = c.clock.timezone if per_day else None
    per_cycle = kind == "at_most_per_cycle"
    if per_cycle:
        allowed = f"(at most {c.n:,} allowed)"

    def never(fold, cyc, due, pauses, as_of, base, local) -> Verdict:
        lead, rule, cycle, owner, assignee, segment, started, zone = base
        if between and not cyc.attempts and cyc.closed_at is not None:
            # no attempt used a zone: the one the lead had when the cycle closed
            found, used = [], [_lead_zone(cyc.close_tz, fold, c.place)[1]]
        else:
            found, used = violators(cyc.attempts, fold, local)
            if found:
                refs = [a[1] for a in found]
                named = (cited_all(refs) if all(len(a) < 7 for a in found)
                         else ", ".join(attempt_name(a, zone) for a in found))
                found = refs
        if found and per_day:                           # the days, read in the rule's zone
            status = "breached"
            reason = f"More than {c.n:,} attempt{'s' if c.n != 1 else ''} on {_and(used)} ({day_zone}): {named}."
        elif found:
            status, reason = "breached", f"{head}{named}."
        elif cyc.closed_at is not None:
            status, reason, found = "met", met_reason, []
        else:
            status, reason, found = "pending", open_reason, []
        if per_cycle and not found:
            made = len(cyc.attempts)
            reason = (f"{made:,} attempt{'s' if made != 1 else ''} in this cycle {allowed}." if status == "met"
                      else f"{made:,} attempt{'s' if made != 1 else ''} so far {allowed}.")
        if between and used:                            # which zone the times were read in
            reason = f"{reason[:-1]} (read in {', '.join(used)})."
        return Verdict(lead, rule, key, cycle, status, owner, assignee, segment, started, None, None, None,
                       None, None, None, None, found, reason, None,
                       (", ".join(used) if used else None) if between else None, zone)
    return never


_EPOCH_DATE = date(1970, 1, 1)
_AT = itemgetter(0)                 # an attempt's instant


def _violators(c):
    """``violators(atts, fold, local)`` of a "never" clause: the attempts (records of the
    cycle's ``attempts``, in their order) that break it, and what the reason names with
    them (the days of ``at most N per day``, the zones of ``only between``)."""
    kind = c.kind
    if kind == "at_most_per_day":
        return _per_day_violators(c.n, c.clock.tz)
    if kind == "at_most_per_cycle":
        return _per_cycle_violators(c.n)
    if kind == "gap":
        return _gap_violators(c.duration_us)
    if kind == "only_during":
        return _during_violators(c.clock)
    return _between_violators(c)


def first_violation(c, cyc: Cycle, fold: LeadFold) -> int | None:
    """The instant of the first attempt of ``cyc`` that breaks the "never" clause ``c``
    (`breach of RULE clause KEY`, extension), or None. Read from the attempts themselves,
    not from the evidence's refs: a counted breach cites a real event's id."""
    found, _ = _violators(c)(cyc.attempts, fold, {})
    return min(a[0] for a in found) if found else None


def _and(items: list[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def _per_day_violators(n: int, zone):
    """``at most N per day``: the attempts past the N-th of their local day, and those
    days (local dates, as text)."""
    def violators(atts, fold, local):
        found, days = [], []
        if len(atts) > n:                               # else no day can have too many
            per_day: dict = {}
            get = per_day.get
            for a, lu in zip(atts, _local_times(atts, zone, local)):
                day = lu // 86_400_000_000
                k = get(day, 0) + 1
                per_day[day] = k
                if k > n:
                    found.append(a)
                    if k == n + 1:
                        days.append(day)
        return found, [_day_text(d) for d in days]
    return violators


_DAY_TEXTS: dict = {}


def _day_text(day: int) -> str:
    """``2026-11-03`` for a local day number (days since 1970-01-01), kept."""
    text = _DAY_TEXTS.get(day)
    if text is None:
        if len(_DAY_TEXTS) > 4096:
            _DAY_TEXTS.clear()
        text = _DAY_TEXTS[day] = str(_EPOCH_DATE + timedelta(days=day))
    return text


def _per_cycle_violators(n: int):
    """``at most N per cycle``: the attempts past the N-th of the cycle."""
    def violators(atts, fold, local):
        return atts[n:], None
    return violators


def _gap_violators(least: int):
    """``gap at least D``: each attempt against the one before."""
    def violators(atts, fold, local):
        return [b for a, b in zip(atts, atts[1:]) if b[0] - a[0] < least], None
    return violators


def _during_violators(clock):
    """``only during CALENDAR``: the attempts outside its working time (one batch test)."""
    def violators(atts, fold, local):
        if not atts:
            return [], None
        return [a for a, is_open in zip(atts, clock.open_each([a[0] for a in atts])) if not is_open], None
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
        tz0 = atts[0][4]
        if all(a[4] is tz0 for a in atts):             # attempts mostly share the lead's zone
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
                found = [a for a, lu in zip(atts, times) if not lo <= lu % 86_400_000_000 < hi]
            else:                                       # the window crosses midnight
                found = [a for a, lu in zip(atts, times) if hi <= lu % 86_400_000_000 < lo]
        else:
            found = []
            for a, lu in zip(atts, times):
                minute = lu % 86_400_000_000 / 60_000_000   # of the local day
                if start_min < end_min:
                    inside = start_min <= minute < end_min
                else:                                       # the window crosses midnight
                    inside = minute >= start_min or minute < end_min
                if not inside:
                    found.append(a)
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
        fold.notes.add(("bad_zone", str(tzfield), "for its quiet hours", place))
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
