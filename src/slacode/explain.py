"""A lead's timeline: each event, what it did to every rule's clock, and why each verdict
is what it is. Built by replaying the lead through the same fold that evaluation uses and
describing what changed after each event, so it can never disagree with ``check``.
"""
from __future__ import annotations

from slacode.calendar import CalendarError, from_us
from slacode.evaluate import LeadFold, _line_for, applying_line, target_segments
from slacode.instants import when as _when
from slacode.model import default_clause_of
from slacode.notes import LeadNotes, unknown_state_diagnostics
from slacode.compile import line_due_us, same_line
from slacode.judges import line_target, line_words, moved_words
from slacode.refs import LineRef, PositionRef, cited
from slacode.far_events import far_event_diagnostics
from slacode.texts import clock_text, code


def _default_clause(plan, rule: str) -> str | None:
    """The clause `breach of RULE` (`warning of RULE`) means without `clause` (None for a
    rule not in ``plan``)."""
    for rp in plan.rules if plan is not None else ():
        if rp.name == rule:
            return default_clause_of(rp.kind)
    return None


def _describe_event(rec, plan=None) -> str:
    escalates = getattr(rec, "escalates", None)
    if escalates is not None:                       # `breach of` / `warning of` (extension): a virtual event
        rule, clause, cycle = escalates
        word = getattr(rec, "event", "breach")
        trigger = f"{word} of {rule}" + ("" if clause == _default_clause(plan, rule) else f" clause {clause}")
        return (f"{word.upper()} of {rule}.{clause}, cycle {cycle}{' (met)' if word == 'success' else ''}  "
                f"(virtual: not an input event; "
                f"the trigger `{trigger}`)")
    parts = [rec.type if rec.type != "state" else f"state → {rec.state}"]
    if rec.id:
        parts.append(f"[{rec.id}]")
    else:                                           # `[line 12]`, `[a.jsonl:12]`, `[event 12]`: as reasons cite it
        ref = rec.ref
        parts.append(f"[{cited(ref)}]" if ref.__class__ is LineRef or ref.__class__ is PositionRef
                     else f"[line {ref}]")
    if rec.props:
        parts.append(_pairs(rec.props))
    if rec.fields:
        parts.append("sets " + _pairs(rec.fields))
    return "  ".join(parts)


def _pairs(values: dict, most: int = 8) -> str:
    """``owner="ana", score=83``; past ``most`` pairs, how many more."""
    shown = ", ".join(f"{k}={_json(v)}" for k, v in list(values.items())[:most])
    return shown + (f", … ({len(values) - most} more)" if len(values) > most else "")


def _json(value) -> str:
    """A value as the event wrote it (JSON: `null`, `true`, `"EST"`), shortened past 60 characters."""
    import orjson

    try:
        text = orjson.dumps(value).decode()
    except TypeError:                               # a value of a library event that JSON has no form for
        text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _snapshot(fold: LeadFold):
    snap = []
    for rf in fold.rules:
        cyc = rf.open
        snap.append((len(rf.cycles), cyc, cyc.paused if cyc else False, len(cyc.attempts) if cyc else 0,
                     rf.untracked, cyc.line if cyc else None, rf.once_skipped))
    return snap


def _has_deadline(rp) -> bool:
    """Whether the rule's cycles have a deadline: an `attempts` rule without `at least …
    within` has none (its cycles only group attempts for its other clauses)."""
    return rp.kind != "attempts" or any(c.kind == "at_least_within" for c in rp.clauses)


def _due(cyc, until: int, lead: str, rule: str, line=None) -> int:
    """The cycle's deadline on ``line`` (its own by default), with its pauses as known at
    ``until`` (one past the years calendars cover is named with its lead, rule and cycle,
    as `check` names it)."""
    line = line or cyc.line
    try:
        return line_due_us(line, cyc.start, cyc.pause_list(until))
    except CalendarError as e:
        raise CalendarError(f"lead {lead!r}, rule `{rule}`, cycle {cyc.number} (started "
                            f"{_when(cyc.start, line.clock.tz)}): {e}") from e


def _line_without_pick(rp, fold):
    """The line (written `on CHOICE`) that applies to the lead but whose choice picks no
    calendar for it, or None."""
    ln = applying_line(rp, fold.fields, fold.state, fold.notes)
    return ln if ln is not None and ln.choose else None


def _silence(rp):
    """The rule's first `gap at most` clause, or None."""
    return next((c for c in rp.clauses if c.kind == "gap_at_most"), None)


def _closed_between(clock, start, due) -> str:
    """The working days a deadline skips, as explain adds them to its due date: the dates
    from the start to the due date that the calendar's regular hours open but a holiday or
    a `closed` date closes ("" for none, or for a clock that is not a calendar's)."""
    if due is None or not hasattr(clock, "closed_days_between"):
        return ""
    days = clock.closed_days_between(start, due)
    if not days:
        return ""
    shown = "; ".join(f"{d.strftime('%a')} {d.isoformat()} {why}" for d, why in days[:4])
    more = f"; and {len(days) - 4} more" if len(days) > 4 else ""
    return f" (closed days skipped: {shown}{more})"


def _next_attempt(rp, cyc, since: int) -> str:
    """`gap at most D`: when the next attempt is due, counted from ``since`` (the start or
    the attempt just made)."""
    c = _silence(rp)
    due = c.clock.add_us(since, c.duration_us, cyc.pause_list(since))
    on = f" on {c.clock.name}" if getattr(c.clock, "name", None) else ""
    paused = " unless paused" if rp.pause is not None else ""
    return f"next attempt due by {_when(due, c.clock.tz)}{paused} (gap at most {c.written}{on})"


def _line_text(rp, cyc, line=None, due: int | None = None) -> str:
    """A cycle's line (``line``, by default its own) in words; by the working day with its
    deadline, said as reasons say it when pauses moved ``due`` (the deadline shown beside)."""
    line = line or cyc.line
    kind = "at least %d within" % line.n if rp.kind == "attempts" else "within"
    where = f" on {line.clock.name}" if getattr(line.clock, "name", None) else ""
    if getattr(line.clock, "home", None) is not None:      # `timezone lead` (extension): the zone it was read in
        where += f" ({line.clock.zone_words})"
    seg = f" for {line.segment}" if line.segment else ", the default line"
    if line.field is not None:              # `due at FIELD` (extension): the field's instant for this cycle
        text = f"due {line_target(line)}{seg}"
        if line.template is None:
            return text
        moved = " before pauses moved it" if due is not None and line.due_us is not None and due != line.due_us else ""
        return f"{text}: {line.due_when}{moved}, {clock_text(line.target_us, line.clock)} of {line.clock.time_words}"
    if line.day is not None:                # by the working day: its deadline for this cycle in words
        text = f"{kind} {line_target(line)}{seg}"
        if line.template is None:           # a line the lead falls under, not worked out for a cycle
            return text
        words = moved_words(line.due_words, due is not None and line.due_us is not None and due != line.due_us)
        return f"{text}: {words}, {clock_text(line.target_us, line.clock)} of {line.clock.time_words}"
    work = clock_text(line.target_us, line.clock)
    if not line.written or line.written == work or line.clock.time_words != "working time":
        return f"{kind} {line.written or work}{where}{seg}"
    return f"{kind} {line.written}{where}{seg}: {work} of {line.clock.time_words}"    # `10d` on a calendar


def _fact_lines(before: frozenset, after, since: dict, at: int, zone) -> list[str]:
    """What an event did to the lead's `seen` / `awaiting` facts (extension), one line per fact
    that began or ceased to hold at it (``since`` keeps when each began)."""
    out = []
    for key in sorted(set(after) - before):
        since[key] = at
        out.append(f"    {key}: holds from this event on")
    for key in sorted(before - set(after)):
        began = since.pop(key, None)
        when = f" (it held from {_when(began, zone)})" if began is not None else ""
        out.append(f"    {key}: no longer holds: this event ends the wait{when}")
    return out


def timeline(plan, lead: str, records, as_of: int, notes: LeadNotes | None = None,
             problems: list | None = None, sources=None) -> list[str]:
    """The text lines of a lead's timeline (records: the lead's, any order). ``notes``
    collects what the evaluation noted (a :class:`~slacode.notes.LeadNotes`; see
    :func:`slacode.notes.note_diagnostics`);
    ``problems`` gets the diagnostics about the lead's events (SLA601, SLA604), their files
    named by ``sources``."""
    zone = plan.zone
    fold = LeadFold(plan, lead, notes, target_segments(plan))
    out: list[str] = []
    early_stops: dict[int, int] = {}        # rule -> the line of its first stop before any start
    ordered = sorted(records, key=lambda r: (r.at, r.seq))
    if plan.breach_watch:                   # `breach of` / `warning of` (extension): virtual events
        ordered = _with_breaches(plan, lead, ordered, as_of)
    stamps: dict[int, int] = {}             # line of each event -> its instant (deadlines go between)
    fact_since: dict[str, int] = {}         # `seen` / `awaiting` (extension): when each fact began to hold
    limits: dict = {}                       # (cycle, clause) -> what a "never" clause knew of its attempts
    for rec in ordered:
        if fold.recur_at is not None and rec.at > fold.recur_at:    # `recur sequential` (extension)
            _recurring(out, stamps, fold, rec.at, False, lead)
        before = _snapshot(fold)
        held_before = [_when_held(rf.plan, fold) for rf in fold.rules]     # `… when` true before it
        pending_before = [rf.pending for rf in fold.rules] if fold.recur_at is not None else None
        state_before, assignee_before = fold.state, fold.notes.assignee
        breaches = len(fold.flow_evidence)
        hits = len(fold.quota_hits)
        facts_before = fold.notes.facts if plan.facts else None
        if facts_before is not None:
            facts_before = frozenset(facts_before)
        fold.feed(rec)
        stamps[len(out)] = rec.at
        out.append(f"{_when(rec.at, zone)}  {_describe_event(rec, plan)}")
        if facts_before is not None:                # `seen` / `awaiting` (extension) that turned here
            out.extend(_fact_lines(facts_before, fold.notes.facts, fact_since, rec.at, zone))
        if rec.type == "state" and fold.state == state_before and rec.state == state_before:
            out.append(f"    (already in `{rec.state}`: not a state change)")
        if rec in fold.unknown_states:
            effect = "counts against `flow`, changes nothing else" if plan.flow is not None else "changes nothing"
            out.append(f"    `{rec.state}` is not a declared state: {effect} (its fields apply)")
        elif len(fold.flow_evidence) > breaches:
            out.append(f"    flow: `{state_before}` -> `{rec.state}` is not an allowed transition (a flow breach)")
        left_out = _where_left_out(plan, rec, fold) if plan.where_reads else []
        out.extend(left_out)
        for rf, held, (n_before, open_before, paused_before, att_before, untracked_before, line_before,
                       once_before) in zip(fold.rules, held_before, before):
            rp = rf.plan
            name = rp.name
            if open_before is not None and open_before.closed_at == rec.at and open_before.close_kind:
                text = f"    {name}: " + _closing_text(rp, open_before, lead, held)
                if att_before == 0 and open_before.attempts:    # its first attempt was this event
                    text += _first_where(rp, open_before, fold)
                out.append(text)
                if open_before.close_kind == "stop" and rp.require:
                    out.append(f"    {name}: " + _require_text(rp, open_before))
                elif open_before.close_kind == "breach" and rp.require:
                    out.append(f"    {name}: require not checked: no handoff happened (the cycle was breached)")
                if open_before.close_kind == "stop" and rp.recur is not None and rp.recur[0]:
                    out.extend(_next_occurrence(rp, rf, open_before, rec, n_before, fold, zone))
            if len(rf.cycles) > n_before:
                for cyc in rf.cycles[n_before:]:
                    _opening(out, rp, rf, cyc, lead)
                    if cyc.by_when and cyc.closed_at == rec.at:     # `stop when` held already: closed at once
                        out.append(f"    {name}: " + _closing_text(rp, cyc, lead))
                        if cyc.close_kind == "stop" and rp.require:
                            out.append(f"    {name}: " + _require_text(rp, cyc))
                        elif cyc.close_kind == "breach" and rp.require:
                            out.append(f"    {name}: require not checked: no handoff happened (the cycle was "
                                       "breached)")
            elif pending_before and pending_before[fold.rules.index(rf)] is not None and \
                    rf.pending is pending_before[fold.rules.index(rf)] and rp.stop_fn is not None and \
                    _stops(rp, rec, fold, state_before, assignee_before):      # `recur sequential`
                out.append(f"    {name}: this event would stop it, but it comes before the next occurrence opens "
                           f"at {_when(rf.pending[0], zone)} (`recur sequential`, after the deadline of cycle "
                           f"{rf.pending[1].number}): it counts for nothing")
            elif n_before == 0 and open_before is None and rp.stop_fn is not None and \
                    _stops(rp, rec, fold, state_before, assignee_before):
                if id(rf) not in early_stops:       # said once; dropped below if the rule never starts
                    early_stops[id(rf)] = len(out)
                    out.append(f"    {name}: this event would stop it, but no cycle has started yet: a stop "
                               "before the start counts for nothing")
            elif rf.untracked > untracked_before:
                kind = "at least … within" if rp.kind == "attempts" else "within"
                line = _line_without_pick(rp, fold)
                if line is not None:                # its line is on a choice with no calendar for the lead
                    out.append(f"    {name}: a start, but calendar choice `{line.clock.name}` of its line "
                               f"`{line_words(rp.kind, line)}` has no calendar for the lead (it is in none of the "
                               "picks' segments, and the choice has no calendar without `for`): not tracked")
                else:
                    out.append(f"    {name}: a start, but no `{kind}` line applies (the lead is in none of its "
                               "`for` segments, and it has no line without one): not tracked")
            elif rf.once_skipped > once_before:
                first = rf.cycles[0]
                out.append(f"    {name}: a start, but the rule starts once per lead (`start once`) and cycle "
                           f"{first.number} opened at {_when(first.start, zone)}: no new cycle")
            elif open_before is not None and rf.open is open_before and _breach_starts(rp, rec, fold):
                # `breach of` / `warning of` (extension): a start while a cycle is open is ignored (§6)
                out.append(f"    {name}: start ignored, cycle {open_before.number} still open")
            cyc = rf.open
            if cyc is not None and cyc is open_before:
                if cyc.paused and not paused_before:
                    out.append(f"    {name}: cycle {cyc.number} paused (the pause condition holds)")
                elif paused_before and not cyc.paused:
                    text = f"    {name}: cycle {cyc.number} resumes"
                    if _has_deadline(rp):           # the deadline, now that the clock runs again
                        clock = cyc.line.clock
                        due = _due(cyc, rec.at, lead, name)
                        text += f"; due {_when(due, clock.tz)} unless paused again{_closed_between(clock, rec.at, due)}"
                    out.append(text)
                if len(cyc.attempts) > att_before:      # counted on the line it had (then `retarget`)
                    line = line_before or cyc.line
                    n = line.n
                    text = f"    {name}: attempt {len(cyc.attempts)}" + (f" of {n} needed" if n else "") \
                        + f" in cycle {cyc.number}"
                    if n and len(cyc.attempts) == n:        # the Nth: on time or not
                        clock = line.clock
                        due = _due(cyc, rec.at, lead, name, line)
                        made = "the attempt is made" if n == 1 else f"the {n:g} attempts are made"
                        text += (f": {made}, by the deadline {_when(due, clock.tz)}" if rec.at <= due
                                 else f": {made}, after the deadline {_when(due, clock.tz)}")
                    if _silence(rp) is not None and cyc.closed_at is None:
                        text += f"; {_next_attempt(rp, cyc, rec.at)}"
                    if att_before == 0:                     # the first: what `first where` asks of it
                        text += _first_where(rp, cyc, fold)
                    out.append(text + _limits_broken(rp, cyc, fold, limits))
                elif (rp.kind == "attempts" and _where_refused(rp, rec.type)
                      and not any(ln.startswith(f"    {name}: the `where` of `count") for ln in left_out)):
                    out.append(f"    {name}: a `{rec.type}`, but not an attempt: the `where` of its `count` does not "
                               "hold for it")
                if rp.retarget:
                    out.extend(_retarget_lines(rp, cyc, line_before, fold, rec.at, lead))
                if rp.restarts and cyc.closed_at is None:
                    out.extend(_restart_refused(rp, rec, fold, assignee_before, left_out))
        if plan.quotas:
            out.extend(_quota_lines(plan, rec, fold, fold.quota_hits[hits:], left_out))
    # a rule that never started for this lead: its stops are no news (a call under every rule
    # the lead was never in), only a stop before a start that came is
    idle = {early_stops[id(rf)] for rf in fold.rules if id(rf) in early_stops and not rf.cycles}
    if fold.recur_at is not None:                   # `recur sequential`: openings due as of as_of
        _recurring(out, stamps, fold, as_of, True, lead)
    verdicts = fold.verdicts(as_of)
    early = {(rf.plan.name, cyc.number): cyc.closed_at for rf in fold.rules for cyc in rf.cycles
             if cyc.close_kind == "breach"}
    out = _with_deadlines([(text, stamps.get(i)) for i, text in enumerate(out) if i not in idle], verdicts, zone,
                          early)
    out.append("")
    out.append(f"Verdicts as of {_when(as_of, zone)}:")
    if not verdicts:
        out.append("  (none: no rule opened a cycle for this lead)")
    for v in verdicts:
        cycle = f" cycle {v.cycle}" if v.cycle is not None else ""
        out.append(f"  {v.rule}.{v.clause}{cycle}: {v.status.upper()}. {v.reason}")
    if problems is not None:
        problems.extend(unknown_state_diagnostics(fold, sources))
        problems.extend(far_event_diagnostics(fold, as_of, sources))
    return out


def _quota_lines(plan, rec, fold, hits, left_out: list) -> list[str]:
    """A line per quota that counted the event just fed (``hits``: the hits it added), as an
    attempt is said, with what a `sum` quota added; and per quota that counts its type but
    left it out: by the `count`'s `where` (unless ``left_out`` already said why: a missing
    property) or because the lead is not in the quota's segment."""
    out = []
    counted = {hit[0]: hit for hit in hits}
    for i, q in enumerate(plan.quotas):
        hit = counted.get(i)
        if hit is not None:
            added = ""
            if q.prop is not None:                  # `sum PROP of …`: (i, at, group, value, …)
                added = f", adding {_amount(hit[3])}" if hit[3] is not None else \
                    f", adding nothing: `{q.prop}` is no number (see the problems below)"
            out.append(f"    {q.name}: counted by the quota{added}")
        elif getattr(rec, "escalates", None) is None and any(
                t.kind == "event" and t.type == rec.type for t in q.counts):
            # one reason, in the quota's own order: its `where` first, then its segment (judged
            # on the lead as the event left it, as the quota judged it)
            scratch = LeadNotes()                   # (the timeline's notes are the evaluation's)
            scratch.assignee = fold.notes.assignee
            scratch.facts = fold.notes.facts        # `seen` / `awaiting` (extension)
            held = any(t.kind == "event" and t.matches(rec.type, rec.props or {}, fold.state, None, None, scratch)
                       for t in q.counts)
            if not held:
                if not any(ln.startswith(f"    {q.name}: the `where` of `") for ln in left_out):
                    out.append(f"    {q.name}: a `{rec.type}`, but not counted: the `where` of its "
                               f"`{'count' if q.prop is None else 'sum … of'}` does not hold for it")
            elif q.segment is not None and not q.segment(fold.fields, fold.state, fold.notes):
                out.append(f"    {q.name}: a `{rec.type}`, but not counted: the lead is not in segment "
                           f"`{q.segment_name}`")
    return out


def _amount(value) -> str:
    """What a `sum` quota added, as written (a decimal of a NUMERIC column as its digits)."""
    from decimal import Decimal

    return str(value) if isinstance(value, Decimal) else _json(value)


def _where_refused(rp, ev_type: str) -> bool:
    """Whether an event of ``ev_type`` that was not counted was left out by a `count`'s
    `where` (its type is counted only with a condition), not by its type (``rp``: a rule's
    or a quota's plan)."""
    conditional = False
    for t in rp.counts:
        if t.kind == "event" and t.type == ev_type:
            if t.where is None:
                return False
            conditional = True
    return conditional


def _first_where(rp, cyc, fold) -> str:
    """``; `first where channel == "phone"` holds for it`` (or does not) for a cycle's first
    attempt, judged as the `first` verdict judges it (its properties, the rep just before
    it); "" for a rule without `first where`."""
    clause = next((c for c in rp.clauses if c.kind == "first"), None)
    if clause is None or clause.place is None or not cyc.attempts:
        return ""
    from slacode.fmt import one_line

    _, _, props, state, _, who = cyc.attempts[0][:6]
    notes = fold.notes
    now, notes.assignee = notes.assignee, who
    try:
        held = clause.pred(props, state, notes)
    finally:
        notes.assignee = now
    return f"; {code(f'first where {one_line(clause.place)}')} {'holds' if held else 'does not hold'} for it"


def _opening(out: list, rp, rf, cyc, lead: str) -> None:
    """The timeline's line for a cycle that opened at the event just fed."""
    name = rp.name
    opens = "opens" if cyc.recurred is None else (      # `recur` (extension): how it came
        "opens by recurrence, at the previous deadline" if cyc.recurred[0] == "deadline"
        else f"opens by recurrence, at the stop of cycle {cyc.recurred[1]}")
    if not _has_deadline(rp) and _silence(rp) is not None:     # `gap at most`
        out.append(f"    {name}: cycle {cyc.number} {opens}; {_next_attempt(rp, cyc, cyc.start)}")
        return
    if not _has_deadline(rp):
        out.append(f"    {name}: cycle {cyc.number} {opens} (no deadline: its attempts are judged "
                   "by the rule's other clauses)")
        return
    clock = cyc.line.clock
    if cyc.paused and cyc is rf.open:   # paused from its start: no deadline yet
        out.append(f"    {name}: cycle {cyc.number} {opens} ({_line_text(rp, cyc)}), paused "
                   "(the pause condition holds): its clock starts when the pause ends")
        return
    due = _due(cyc, cyc.start, lead, name)
    at_once = cyc.by_when and cyc.closed_at == cyc.start
    tail = "" if at_once else \
        f"{' unless paused' if rp.pause is not None else ''}{_closed_between(clock, cyc.start, due)}"
    out.append(f"    {name}: cycle {cyc.number} {opens} ({_line_text(rp, cyc)}); "
               f"due {_when(due, clock.tz)}{tail}")


def _recurring(out: list, stamps: dict, fold: LeadFold, t: int, inclusive: bool, lead: str) -> None:
    """`recur sequential` (extension): the timeline's lines for the openings that waited for
    a deadline before ``t`` (at or before it when ``inclusive``), each at its own instant:
    the cycle that opens, or why none does (its `while` does not hold then)."""
    zone = fold.plan.zone
    waiting = sorted(((rf.pending[0], k) for k, rf in enumerate(fold.rules) if rf.pending is not None))
    counts = [len(rf.cycles) for rf in fold.rules]
    before = [rf.pending for rf in fold.rules]
    fold.open_recurring(t, inclusive)
    for at, k in waiting:
        rf = fold.rules[k]
        if rf.pending is not None:                  # still waiting
            continue
        rp = rf.plan
        stamps[len(out)] = at
        out.append(f"{_when(at, zone)}  deadline of {rp.name} cycle {before[k][1].number}, stopped before it: "
                   f"the next occurrence is due (`{_recur_words(rp)}`)")
        if len(rf.cycles) > counts[k]:
            cyc = rf.cycles[-1]
            _opening(out, rp, rf, cyc, lead)
            if cyc.by_when and cyc.closed_at == at:     # a `… when` held already: closed at once
                out.append(f"    {rp.name}: " + _closing_text(rp, cyc, lead))
        else:
            why = f"`while {rp.recur[2]}` does not hold" if rp.recur[1] is not None else "no `within` line applies"
            out.append(f"    {rp.name}: no new cycle: {why} (only a start opens one now)")


def _recur_words(rp) -> str:
    """A rule's `recur` line as written (canonical)."""
    sequential, holds, text = rp.recur
    return "recur" + (" sequential" if sequential else "") + (f" while {text}" if holds is not None else "")


def _where_left_out(plan, rec, fold) -> list[str]:
    """A line per `where` (of a trigger or a count, not `first where`) of this event's type
    that left the event out while it lacks a property the `where` reads (SLA617, SLA618): a
    missing property makes every comparison false (LANGUAGE.md §9)."""
    from slacode.notes import _field_written
    from slacode.texts import code

    props = rec.props or {}
    clauses: dict = {}
    for owner, role, ev_type, prop, _, _, fn in plan.where_reads:
        if ev_type == rec.type and role != "first where" and props.get(prop) is None:
            clauses.setdefault((owner, role), [fn, []])[1].append(prop)
    out = []
    for (owner, role), (fn, missing) in clauses.items():
        scratch = LeadNotes()                       # (the timeline's notes are the evaluation's)
        scratch.assignee = fold.notes.assignee
        scratch.facts = fold.notes.facts            # `seen` / `awaiting` (extension)
        if fn(props, fold.state, scratch):
            continue                                # it matched all the same
        names = " or ".join(code(_field_written(p)) for p in missing)
        fields = rec.fields or {}
        set_here = [p for p in missing if fields.get(p[7:] if p.startswith("fields.") else p) is not None]
        sets = (" (it sets the lead field" + ("s " if len(set_here) > 1 else " ")
                + ", ".join(code(_field_written(p[7:] if p.startswith("fields.") else p)) for p in set_here)
                + ", which a `where` does not read)") if set_here else ""
        name = owner.split("`")[1] if "`" in owner else owner
        out.append(f"    {name}: the `where` of `{role}` left this event out: it has no property {names}{sets}, and "
                   "a missing property makes every comparison false, `!=` included")
    return out


def _with_deadlines(rows: list, verdicts: list, zone, breached: dict | None = None) -> list[str]:
    """The timeline's lines with one more at each deadline that passed with its cycle still
    open (a `within` or `at least … within` breached by the clock, not by a late stop made
    already): after the events of its instant (a stop at the deadline is on time), before
    the first later one. ``rows``: (text, the instant of an event's line or None);
    ``breached``: (rule, cycle) -> the close of the cycles `breach on` / `breach when`
    closed (extension), whose deadline passed with the cycle open only if before the close."""
    breached = breached or {}
    passed = sorted((v.due_at, v.rule, v.clause, v.cycle) for v in verdicts
                    if v.clause in ("within", "at_least_within") and v.status == "breached"
                    and v.due_at is not None and (v.completed_at is None or v.completed_at > v.due_at)
                    and breached.get((v.rule, v.cycle), v.due_at + 1) > v.due_at)
    if not passed:
        return [text for text, _ in rows]
    out: list[str] = []
    waiting = list(reversed(passed))
    for text, at in rows:
        while waiting and at is not None and at > waiting[-1][0]:
            out.append(_deadline_line(waiting.pop(), zone))
        out.append(text)
    out.extend(_deadline_line(item, zone) for item in reversed(waiting))
    return out


def _deadline_line(item: tuple, zone) -> str:
    due, rule, clause, cycle = item
    return f"{_when(due, zone)}  deadline of {rule}.{clause} cycle {cycle} passes with the cycle open: breached"


def _with_breaches(plan, lead: str, ordered: list, as_of: int) -> list:
    """A lead's records (sorted) with the virtual records of its breaches and warnings among
    them, in processing order, as evaluation folds them (:mod:`slacode.escalate`)."""
    import heapq

    from slacode.escalate import escalated_fold

    segs = target_segments(plan)
    first = LeadFold(plan, lead, None, segs)
    for rec in ordered:
        first.feed(rec)
    _, virtual = escalated_fold(first, ordered, as_of, lambda: LeadFold(plan, lead, None, segs))
    return list(heapq.merge(ordered, virtual, key=lambda r: (r.at, r.seq)))


def _retarget_lines(rp, cyc, line_before, fold: LeadFold, at: int, lead: str) -> list[str]:
    """`retarget when segment changes`: the cycle's new line and deadline, or why a line
    the lead now falls under does not replace a line whose outcome is decided."""
    name = rp.name
    if cyc.line is not line_before:
        due = _due(cyc, at, lead, name)
        when = "if it resumed now" if cyc.paused else "already past" if due < at else ""
        return [f"    {name}: cycle {cyc.number} retargeted ({_line_text(rp, cyc, due=due)}, was "
                f"{_line_text(rp, cyc, line_before)}); {'paused, ' if cyc.paused else ''}due "
                f"{_when(due, cyc.line.clock.tz)}" + (f" {when}" if cyc.paused else f", {when}" if when else "")]
    now = _line_for(rp, fold.fields, fold.state, fold.notes, fold.lead)
    if now is None or same_line(now, cyc.line) or cyc.closed_at is not None:
        return []
    due = _due(cyc, at, lead, name)
    why = (f"its deadline {_when(due, cyc.line.clock.tz)} has passed (a breach stays)" if due < at
           else "its attempts were made in time")
    return [f"    {name}: the lead now falls under {_line_text(rp, cyc, now)}, but cycle {cyc.number} keeps "
            f"its line: {why}"]


def _breach_starts(rp, rec, fold: LeadFold) -> bool:
    """Whether ``rec`` (just fed) is a breach or a warning (a virtual record) that ``rp``'s
    `start on` names (it changes no state: no `enter` / `leave` to test)."""
    if getattr(rec, "escalates", None) is None or rp.start_fn is None:
        return False
    return bool(rp.start_fn(rec.type, rec.props, fold.state, None, None, fold.notes))


#: the clauses one attempt can break (the "never" clauses of LANGUAGE.md §7 and extensions)
_LIMITS = frozenset(("at_most_per_day", "at_most_per_cycle", "gap", "only_during", "only_between"))


def _limits_broken(rp, cyc, fold: LeadFold, memo: dict | None = None) -> str:
    """``; the 3rd on 2026-11-10 (UTC), over `at most 2 per day``` for each clause the
    attempt just counted (the cycle's last) breaks, judged as its verdict judges the cycle's
    attempts so far (its evidence will cite this attempt); "" when it breaks none.
    ``memo`` (one per timeline) keeps what each clause knew of the cycle's earlier attempts,
    so that each attempt costs the same however many came before it (judging the whole
    cycle again at each attempt made `explain` quadratic in one lead's attempts)."""
    atts = cyc.attempts
    said = ""
    for i, c in enumerate(rp.clauses):
        if c.kind in _LIMITS:
            key = (id(cyc), i)
            state = None if memo is None else memo.get(key)
            if state is None or state.atts is not atts or state.seen != len(atts) - 1:
                state = _LimitState(c, atts, fold)          # first attempt, or a list it did not see grow
                if memo is not None:
                    memo[key] = state
            words = state.add(fold)
            if words:
                said += f"; {words}"
    return said


class _LimitState:
    """One "never" clause's view of a cycle's attempts judged so far: the attempts per local
    day (`at most N per day`), the zones read (`only between … in lead timezone`), so that
    whether the next attempt breaks the clause, and how, is found from it alone. The same
    judgement as :func:`slacode.judges._violators` of the whole list, attempt by attempt."""
    __slots__ = ("c", "atts", "seen", "per_day", "used", "last_field")

    def __init__(self, c, atts: list, fold: LeadFold) -> None:
        self.c, self.atts, self.seen = c, atts, 0
        self.per_day: dict[int, int] = {}
        self.used: list[str] = []
        self.last_field = _NO_FIELD
        for _ in range(len(atts) - 1):                  # the attempts before the last: counted only
            self._count(fold)

    def _count(self, fold: LeadFold) -> int:
        """Take in the next attempt; for `at most N per day`, how many its local day now has."""
        from slacode import instants
        from slacode.judges import _lead_zone

        c, a = self.c, self.atts[self.seen]
        self.seen += 1
        if c.kind == "at_most_per_day":
            day = instants.local_us(a[0], c.clock.tz) // 86_400_000_000
            k = self.per_day[day] = self.per_day.get(day, 0) + 1
            return k
        if c.kind == "only_between" and a[4] is not self.last_field:    # the zones, in the order read
            name = _lead_zone(a[4], fold, c.place)[1]
            self.last_field = a[4]
            if name not in self.used:
                self.used.append(name)
        return 0

    def add(self, fold: LeadFold) -> str:
        """Take in the cycle's last attempt: how it breaks the clause, or "" when it does not."""
        from slacode.judges import _violators

        c, atts = self.c, self.atts
        k = self._count(fold)
        kind = c.kind
        if kind == "at_most_per_day":
            broken = k > c.n
        elif kind == "at_most_per_cycle":
            broken = len(atts) > c.n
        else:           # gap: against the attempt before; only during / between: the attempt alone
            found, _ = _violators(c)(atts[-2:] if kind == "gap" else atts[-1:], fold, {})
            broken = bool(found) and found[-1] is atts[-1]
        return _limit_words(c, atts, self.used, k) if broken else ""


_NO_FIELD = object()


def _ordinal(n: int) -> str:
    return f"{n}{'th' if 10 <= n % 100 <= 20 else {1: 'st', 2: 'nd', 3: 'rd'}.get(n % 10, 'th')}"


def _limit_words(c, atts: list, used, k: int = 0) -> str:
    """How the last of ``atts`` breaks the clause ``c`` (``used``: the zones an `only
    between` read the times in; ``k``: for `at most N per day`, the attempts of the last
    one's local day)."""
    from slacode.texts import gap_text, span_text, window_text

    last = atts[-1]
    if c.kind == "at_most_per_day":
        zone = c.clock.tz
        on = f" on {c.clock.name}" if getattr(c.clock, "name", None) else ""
        return (f"the {_ordinal(k)} on {from_us(last[0], zone).date().isoformat()} ({c.clock.timezone}), "
                f"over `at most {c.n:,} per day{on}`")
    if c.kind == "at_most_per_cycle":
        return f"the {_ordinal(len(atts))} of the cycle, over `at most {c.n:,} per cycle`"
    if c.kind == "gap":
        return (f"{span_text(last[0] - atts[-2][0])} after the attempt before, under "
                f"`gap at least {gap_text(c.duration_us)}`")
    if c.kind == "only_during":
        return f"outside `{c.clock.name}` working time, against `only during {c.clock.name}`"
    return (f"outside `only between {window_text(c.window)} in lead timezone`"
            + (f" (read in {', '.join(used)})" if used else ""))


def _restart_refused(rp, rec, fold: LeadFold, assignee_before, left_out: list) -> list[str]:
    """A line when ``rec`` (just fed) is of the type of a `restart on TYPE where P` of
    ``rp`` whose open cycle it did not close: P did not hold for it, so the clock kept
    running; said with the `where` as written and the values it read (the rep just before
    the event for `assignee`). Nothing when ``left_out`` says already that the `where` left
    the event out for a property it lacks."""
    from slacode.requirement import seen, why_not
    from slacode.texts import code

    if getattr(rec, "escalates", None) is not None:
        return []
    props = rec.props or {}
    owner = f"{rp.kind} `{rp.name}`"
    role = f"restart on {rec.type}"
    if any(ln.startswith(f"    {rp.name}: the `where` of `{role}`") for ln in left_out):
        return []
    written = next((pred for o, r, _, _, _, pred, _ in fold.plan.where_reads if o == owner and r == role), None)
    notes = LeadNotes()                             # (the timeline's notes are the evaluation's)
    notes.assignee = assignee_before
    out = []
    for t in rp.restarts:
        if t.kind != "event" or t.type != rec.type or t.where is None or t.where(props, fold.state, notes):
            continue
        if written is None:
            out.append(f"    {rp.name}: restart not taken: the `where` of `{role}` does not hold for this event")
            break
        from slacode.fmt import one_line

        why = why_not(written, props, fold.state, {})
        if "assignee" in _names_compared(written):
            why += f", the assignee is {seen(assignee_before)}" if assignee_before else ", no assignee before it"
        out.append(f"    {rp.name}: restart not taken: {code(f'{role} where {one_line(written)}')} is false for "
                   f"this event ({why})")
        break
    return out


def _names_compared(pred) -> set:
    """The names (``assignee``) a predicate compares fields with."""
    from slacode.requirement import _leaves

    return {leaf.value.value for leaf in _leaves(pred, {}, ()) if leaf.kind == "compare"
            and getattr(leaf.value, "kind", None) == "name"}


def _stops(rp, rec, fold: LeadFold, state_before, assignee_before) -> bool:
    """Whether ``rec`` (just fed) matches ``rp``'s stop triggers, as the fold judged them:
    with the lead's assignee before the event (`== assignee`)."""
    moved = rec.type == "state" and fold.state != state_before
    entered, left = (fold.state, state_before) if moved else (None, None)
    notes = fold.notes
    now, notes.assignee = notes.assignee, assignee_before
    try:
        return bool(rp.stop_fn(rec.type, rec.props, fold.state, entered, left, notes))
    finally:
        notes.assignee = now


def _closing_text(rp, cyc, lead: str, held: frozenset = frozenset()) -> str:
    """What closing ``cyc`` meant for its deadline (the cycle closed at the event just fed;
    ``held``: the kinds of `… when` that held before that event, :func:`_when_held`)."""
    word = {"stop": "stopped", "cancel": "cancelled", "restart": "restarted", "breach": "breached"}[cyc.close_kind]
    if not _has_deadline(rp):
        return f"cycle {cyc.number} {word}" + _because(rp, cyc, held)
    clock = cyc.line.clock
    due = _due(cyc, cyc.closed_at, lead, rp.name)
    worked = clock.working_us(cyc.start, cyc.closed_at, cyc.pause_list(cyc.closed_at))
    counted = f"{clock_text(worked, clock)} of {clock.time_words} counted, due was {_when(due, clock.tz)}"
    n = cyc.line.n
    if rp.kind == "attempts" and n and len(cyc.attempts) >= n and cyc.attempts[n - 1][0] <= due:
        # `at least N within` was kept by its Nth attempt: what closes the cycle later is no delay
        nth = cyc.attempts[n - 1][0]
        return (f"cycle {cyc.number} {word}; {'its attempt was' if n == 1 else f'its {n} attempts were'} made by "
                f"{_when(nth, clock.tz)}, {'at' if nth == due else 'before'} the deadline ({counted})"
                + _because(rp, cyc, held))
    late = cyc.closed_at > due
    if cyc.close_kind == "breach":                  # `breach on` / `breach when` (extension)
        verdict = ("after the deadline, which had passed first" if late else
                   "at the deadline" if cyc.closed_at == due else "before the deadline")
    else:
        verdict = ("after the deadline" if late else "on time") if cyc.close_kind == "stop" else (
            "after the deadline (breached)" if late else "at the deadline" if cyc.closed_at == due
            else "before the deadline")
    return f"cycle {cyc.number} {word} {verdict}; {counted}" + _because(rp, cyc, held)


def _when_held(rp, fold) -> frozenset:
    """The kinds (``stop``, ``breach``, ``cancel``) of a rule's `… when` predicates
    (extensions) that hold for the lead as it stands (before the next event is fed)."""
    if not rp.whens:
        return frozenset()
    fields, state, notes = fold.fields, fold.state, fold.notes
    return frozenset(kind for kind, fn in (("stop", rp.stop_when), ("breach", rp.breach_when),
                                           ("cancel", rp.cancel_when)) if fn is not None and fn(fields, state, notes))


def _next_occurrence(rp, rf, stopped, rec, n_before: int, fold, zone) -> list[str]:
    """`recur sequential` (extension): after ``stopped`` was stopped by ``rec``, when the next
    occurrence opens (the opening waits for the deadline), or that a `cancel when` holding
    after the stop dropped it."""
    pending = rf.pending
    if pending is not None and pending[1] is stopped:
        how = f", if `while {rp.recur[2]}` holds then" if rp.recur[1] is not None else " (`recur sequential`)"
        return [f"    {rp.name}: the next occurrence opens at {_when(pending[0], zone)}, the deadline of cycle "
                f"{stopped.number}{how}"]
    if (pending is None and len(rf.cycles) == n_before and rp.cancel_when is not None
            and not (stopped.start == rec.at and stopped.start_ref == rec.ref)
            and rp.cancel_when(fold.fields, fold.state, fold.notes)):
        return [f"    {rp.name}: no next occurrence: {code(f'cancel when {rp.when_texts[1]}')} holds after this "
                "event (a cancel drops the opening)"]
    return []


def _because(rp, cyc, held: frozenset = frozenset()) -> str:
    """`` (`stop when P` became true at this event)`` for a cycle closed by `stop when` /
    `cancel when` / `breach when` (extensions), ``… already holds`` when it closed as it
    opened; `` (breached by `breach on enter lost`)`` for one `breach on` closed; "" otherwise."""
    if cyc.close_kind == "breach" and not cyc.by_when:
        return f" (breached by {code(f'breach on {cyc.breach_by}')})"
    if not cyc.by_when:
        return ""
    kind = cyc.close_kind
    clause = code(f"{kind} when {rp.when_texts[{'stop': 0, 'cancel': 1, 'breach': 2}[kind]]}")
    by = "breached by " if kind == "breach" else ""
    if cyc.closed_at == cyc.start and cyc.recurred is not None and cyc.recurred[0] == "deadline":
        return f" ({by}{clause}, which already holds as it opens at the previous deadline)" if by else \
            f" ({clause} already holds as it opens at the previous deadline)"
    if cyc.closed_at == cyc.start and cyc.close_ref == cyc.start_ref:
        return f" ({by}{clause}, which already holds after this event, which opened it)" if by else \
            f" ({clause} already holds after this event, which opened it)"
    if kind in held:                        # it held before this event too (nothing closed the cycle then)
        return f" ({by}{clause}, which holds after this event as before it)" if by else \
            f" ({clause} holds after this event, as it did before it)"
    return f" ({by}{clause}, which became true at this event)" if by else f" ({clause} became true at this event)"


def _require_text(rp, cyc) -> str:
    """What the handoff's `require` lines found at the stop (the fields, and the conditions
    of `require … where`, an extension)."""
    conditions = len(rp.conditions)
    checked = f"{len(rp.require)} required field{'s' if len(rp.require) != 1 else ''}" + (
        f" and {conditions} condition{'s' if conditions != 1 else ''}" if conditions else "")
    missing, failed = cyc.require_missing or (), cyc.require_failed or ()
    if not missing and not failed:
        return f"require met: {checked} checked at the stop, all present" + (" and holding" if conditions else "")
    said = [f"without {', '.join(f'`{f}`' for f in missing)}"] if missing else []
    said += [f"{code(text)} does not hold ({why})" for text, why in failed]
    return f"require breached: {checked} checked at the stop; " + "; ".join(said)


def lead_problems(diagnostics: list, lead: str, lines: dict) -> tuple[list, int]:
    """The input problems (errors and warnings) on lines that name ``lead``, and how many
    other problems the read had. ``lines``: the text of each problem's line, by
    ``(file, line)`` (a line not given counts as another lead's)."""
    import csv

    import orjson

    quoted = orjson.dumps(lead).decode()
    mine, others = [], 0
    for d in diagnostics:
        if d.severity == "info":
            continue
        text = lines.get((d.path, d.line))
        names = False
        if d.lead is not None:                       # a diagnostic of the evaluation, about a lead
            names = d.lead == lead
        elif text is not None and lead in text:
            try:
                obj = orjson.loads(text)
            except orjson.JSONDecodeError:
                obj = None
            if obj.__class__ is dict:                # a JSON event: its own `lead`
                names = obj.get("lead") == lead
            elif quoted in text:                     # a JSON line that cannot be read
                names = True
            else:                                    # a CSV row: the lead is one of its cells
                try:
                    names = lead in next(csv.reader([text]))
                except (csv.Error, StopIteration):
                    names = False
        if names:
            mine.append(d)
        else:
            others += 1
    return mine, others
