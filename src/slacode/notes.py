"""What a run noticed in the events, said as diagnostics: the notes a lead's fold takes
(:class:`LeadNotes`: odd comparisons, bad zones, misspelt types, states and fields, copies,
ownerless `assigned` events, values a `sum` could not add, unusable `due at` fields …), the
run's notes of all its leads in lead order (:class:`RunNotes`), and what they say once a run
(:func:`note_diagnostics`: SLA602, SLA603, SLA605–SLA609, SLA612–SLA618, SLA620–SLA622,
SLA625, SLA626); with :func:`unknown_state_diagnostics`, a lead's unknown states and owners
that are no rep's id (SLA601, SLA604).

The fold (:mod:`slacode.evaluate`) writes the notes; nothing here reads an event or folds:
this module turns notes into diagnostics, a pure function of the notes, the plan and the
names of the inputs. It imports :mod:`slacode.evaluate` only inside the functions that need
the plan's :class:`~slacode.evaluate.PlanInfo` (evaluate imports this module).
"""
from __future__ import annotations

import re
import sys
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from slacode import diagnostics as dg
from slacode.codes import evaluation as _EVAL_CODES
from slacode.fmt import name_text as _name_text
from slacode.texts import code as _code
from slacode.verdict import as_text

if TYPE_CHECKING:
    from slacode.evaluate import LeadFold

_INF = float("inf")
#: A number as JSON writes one (a CSV cell like `1e999` that no float holds stays text).
_JSON_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?")


# ----------------------------------------------------------------------------- the notes

_NO_FACTS: frozenset = frozenset()


class LeadNotes:
    """A fold's notes (compile-time places of odd comparisons, bad zones), each with the
    first value met there: a dict made on the first note, since most leads have none and an
    empty dict costs 64 bytes per lead."""

    __slots__ = ("items", "assignee", "facts")

    def __init__(self):
        self.items: dict | None = None
        self.assignee: str | None = None    # the lead's, for `FIELD == assignee` (the fold sets it)
        # `seen …` / `awaiting …` (extension): the keys (compile.fact_key) of the facts that
        # hold now; the fold makes it a set at the first fact that holds
        self.facts: set | frozenset = _NO_FACTS

    def add(self, note, value=None) -> None:
        if self.items is None:
            self.items = {}
        self.items.setdefault(note, value)

    def __iter__(self):
        return iter(self.items or ())

    def __len__(self) -> int:
        return len(self.items or ())

    def __bool__(self) -> bool:
        return bool(self.items)


#: How many leads SLA603 names (the first, in lead order) of those with one unknown zone.
_ZONE_LEADS_NAMED = 3


class RunNotes:
    """The notes of a run's leads, taken in lead order: per note, how many leads have it,
    the first of them and the value it met there (the same whatever the number of
    processes, since outcomes are merged in lead order)."""

    __slots__ = ("places", "leads")

    def __init__(self):
        self.places: dict = {}
        self.leads = 0                          # the leads taken (with notes or not): SLA614

    def take(self, lead: str, notes) -> None:
        self.leads += 1
        if not notes:
            return
        places = self.places
        for note, value in notes.items.items():
            seen = places.get(note)
            kind = note[0] if note.__class__ is tuple else None
            if seen is None:
                if kind == "bad_zone":                          # SLA603 names the first few leads
                    value = (lead,)
                elif kind == "choice_zone":                     # SLA622 names each alias seen
                    value = (value,)
                elif kind == "no_start":                        # SLA626: its counts add up (copies)
                    value = tuple(dict(d) for d in value)
                places[note] = [1, lead, value]
                continue
            seen[0] += 1
            if kind == "where_prop":                    # event counts add up
                had = seen[2]                           # (the first event without the property kept)
                seen[2] = (had[0] + value[0], had[1] + value[1], had[2], had[3] or value[3], had[4] + value[4])
            elif kind == "bad_zone" and len(seen[2]) < _ZONE_LEADS_NAMED:
                seen[2] += (lead,)
            elif kind == "choice_zone" and value not in seen[2]:
                seen[2] += (value,)
            elif kind == "no_start":                    # events by type (and those with `state`, `owner`)
                for into, more in zip(seen[2], value):
                    _add_counts(into, more)
            elif kind == "fields_had":                  # the read fields leads had
                had = seen[2]
                sample = had[1] if len(had[1]) >= 5 else tuple(sorted({*had[1], *value[1]}))[:5]
                seen[2] = (had[0] if had[0] >= value[0] else had[0] | value[0], sample)

    def __bool__(self) -> bool:
        return bool(self.places)


#: How many event types SLA626's counts keep (an input of ever new types does not grow them).
_TYPES_COUNTED = 1_000


def _add_counts(into: dict, more: dict) -> None:
    """``more``'s counts added to ``into`` (a new key only while ``into`` has fewer than
    :data:`_TYPES_COUNTED`)."""
    for key, n in more.items():
        if key in into:
            into[key] += n
        elif len(into) < _TYPES_COUNTED:
            into[key] = n


# ----------------------------------------------------------------------------- the notes said

def owner_kind(owner: Any) -> str:
    """What an `owner` that is no rep's id is, for SLA604: a JSON kind (a list, an object, a
    boolean), else (from the library) the Python type it is (a tuple, a set, bytes …)."""
    if isinstance(owner, bool):
        return "a boolean"
    if owner.__class__ is list:
        return "a list"
    if isinstance(owner, Mapping):
        return "an object"
    if isinstance(owner, (set, frozenset)):
        return "a set"
    if isinstance(owner, (bytes, bytearray)):
        return "bytes"
    return f"a {type(owner).__name__}"


def unknown_state_diagnostics(fold: LeadFold, sources) -> list:
    """SLA601 for each event into a state the agreement does not declare, SLA604 for each
    `assigned` event whose owner is no rep's id (a list, an object, a boolean; from the
    library also a tuple, a set, bytes or any other object that is neither text nor a number)."""
    if not fold.unknown_states and not fold.odd_owners:
        return []
    from slacode.codes import evaluation as codes
    from slacode.fmt import name_text
    from slacode.texts import code, state_typo_of

    out = []
    for rec in fold.odd_owners:
        file = sources[rec.source] if sources else None
        owner = rec.props.get("owner")
        kind = owner_kind(owner)
        out.append(dg.make(codes.OWNER_NOT_TEXT,
                           f"lead {rec.lead!r} is assigned to an `owner` that is {kind}; it is used as the "
                           f"assignee {as_text(owner)!r}",
                           dg.Span(rec.line, 1, file=file), file=file,
                           hint='send the rep\'s id as text: "owner": "ana"', lead=rec.lead))
    effect = ("counts as a flow violation and changes nothing else" if fold.plan.flow is not None
              else "changes nothing")
    declared = sorted(s for s in fold.plan.states or () if s.__class__ is str)
    for rec in fold.unknown_states:
        file = sources[rec.source] if sources else None
        meant = state_typo_of(rec.state, declared) if rec.state.__class__ is str else None
        mean = f"; did you mean `{meant}`?" if meant is not None else ""
        out.append(dg.make(codes.UNKNOWN_STATE,
                           f"lead {rec.lead!r} enters state {rec.state!r}, which the agreement does not declare{mean}",
                           dg.Span(rec.line, 1, file=file), file=file,
                           hint=(f"fix the state where the events are made (`{meant}`), or declare "
                                 f"{code(name_text(rec.state))} in `states {{ … }}`" if meant is not None else
                                 "declare the state in `states { … }` or fix the event")
                                + f"; the event {effect} (its fields still apply)", lead=rec.lead))
    out.sort(key=lambda d: (d.path or "", d.line or 0))    # the file's order, states and owners mixed
    return out


def _note_place(note) -> tuple:
    """Where a note points in the agreement (file, line, column), then its text: the
    order of its diagnostic."""
    if isinstance(note, tuple) and note and note[0] in ("bad_zone", "field_typo", "due_field", "choice_zone"):
        span = note[4] if note[0] == "field_typo" else note[3]
    else:
        span = getattr(note, "span", None)
    place = (span.file or "", span.line or 0, span.column or 0) if span is not None else ("", 0, 0)
    return place, repr(note)


def twin_type_diagnostics(notes: RunNotes, plan) -> list:
    """SLA612 once per event type the agreement reads that no event of the run had, while
    events of a read type nearly it came (:attr:`~slacode.evaluate.PlanInfo.twins`): at the
    trigger that first names it, with the type the input has and how many leads have one.
    Only of a whole run's notes (a run of some leads cannot say that no event of the input
    has a type)."""
    if plan is None or not notes:
        return []
    from slacode.evaluate import plan_info

    info = plan_info(plan)
    if not info.twins:
        return []
    from slacode.codes import evaluation as codes

    seen = {note[1]: value for note, value in notes.places.items()
            if note.__class__ is tuple and note and note[0] == "type_seen"}
    out = []
    for missing in sorted(info.twins):
        had = [t for t in info.twins[missing] if t in seen]
        if missing in seen or not had:
            continue
        found = max(had, key=lambda t: (seen[t][0], t))    # the type most leads have
        count, lead, _ = seen[found]
        leads = f"{count:,} leads have one" if count > 1 else f"lead {lead!r} has one"
        span = info.type_places.get(missing)
        out.append(dg.make(codes.READ_TYPE_NEVER_SEEN,
                           f"the agreement reads events of type {missing!r}, but no event of the input has that "
                           f"type, while events of type {found!r} came ({leads}): did you mean {found!r}?",
                           span, file=span.file if span is not None else None,
                           hint=f"one of the two is most likely misspelt: write `{found}` here if the events have it "
                                f"right, or fix the type where the events are made (`{missing}`); if `{missing}` is "
                                "another event that has not happened yet, leave this warning out with "
                                "`--ignore SLA612`"))
    return out


def unsaid_notes(notes: RunNotes, whole_run: bool = True) -> set:
    """The SLA613 and SLA616 notes of ``notes`` that the notes themselves show to be no
    misspelling: a state one letter off a named state some lead entered (:func:`_other_state`);
    a field beside the read field it looks like, on one lead of the run (`phone` and
    `mobile_phone`: two fields); a field holding the read name's words among more
    (`employees_range` for `employees`) while some lead had the read field, or, without
    ``whole_run`` (the notes of some leads), always (no run says no lead had it)."""
    places = notes.places
    out = set()
    for note in places:
        if note.__class__ is not tuple or not note:
            continue
        if note[0] == "state_typo":
            if _other_state(note, places):
                out.add(note)
        elif note[0] == "field_typo":
            name, meant = note[1], note[2]
            if ("field_both", name, meant) in places or (
                    _words_only(name, meant) and (not whole_run or _field_had(notes, meant))):
                out.add(note)
    return out


def _words_only(name: str, meant: str) -> bool:
    """Whether the field ``name`` looks like the read field ``meant`` only by holding its
    words among more (`lead_score` for `score`), not by its spelling."""
    from slacode.texts import field_typo_of

    return field_typo_of(name, [meant], words=False) != meant


def _field_had(notes: RunNotes, name: str) -> bool:
    """Whether a lead of a whole run's ``notes`` had the read field ``name``: each lead that
    lacked a read field noted those it had (``("fields_had",)``), so a lead without that
    note had them all."""
    seen = notes.places.get(("fields_had",))
    return seen is None or seen[0] < notes.leads or name in seen[2][0]


#: The kinds of notes that :func:`note_diagnostics` says nothing of one by one: the whole
#: run's (SLA612, SLA614, SLA625, SLA626) and SLA613's and SLA616's evidence.
_UNSAID_KINDS = ("type_seen", "fields_had", "state_in", "field_both", "zone_missing", "zone_field", "no_start")


def note_diagnostics(notes: RunNotes, sources=None, plan=None, whole_run: bool = True,
                     unsaid: set | None = None) -> list:
    """SLA602 (SLA609) once per place of the agreement where a number met a string (a boolean
    its spelling as text), naming the first
    lead (in lead order) and the value it had there, and how many leads did; SLA603 once
    per zone value and `only between` line or `timezone lead` calendar, with how many leads; SLA605 once per misspelt event type, at the
    first lead's first such event (its file from ``sources``, the names of the inputs);
    SLA617/SLA618 once per `where` read of ``plan`` (the run's plan: without it, none);
    with ``whole_run`` (the notes of every lead of the input, not of some asked), those that
    only a whole run can say: SLA612. SLA613 and SLA616 but those ``unsaid`` (by default
    :func:`unsaid_notes` of ``notes``; the caller gives the whole run's for some leads)."""
    if not notes:                   # (nothing noted: no note, and nothing of a whole run, to say)
        return []
    codes, name_text, code = _EVAL_CODES, _name_text, _code      # (imported once, with this module)
    out = []
    places = notes.places
    if unsaid is None:
        unsaid = unsaid_notes(notes, whole_run)

    def order(note) -> tuple:
        """The agreement's places first, then events in the input's order."""
        if note[0] in ("typo", "no_owner", "stop_first", "state_typo"):
            source, line = places[note][2]
            return (1, source, line), repr(note)
        if note[0] == "copy":
            source, line = places[note][2][:2]
            return (1, source, line), repr(note)
        if note[0] == "sum_value":
            source, line = places[note][2][:2]
            return (1, source, line), repr(note)
        if note[0] == "where_prop":                 # at the `where` that reads the property
            span = plan.where_reads[note[1]][4] if plan is not None else None
            if span is not None:
                return (0, span.file or "", span.line or 0, span.column or 0), repr(note)
        return (0, *_note_place(note)[0]), repr(note)

    # (the whole run's notes, below, and SLA613's and SLA616's evidence say nothing here: left
    # out before sorting, which keeps the order of the others)
    said = [note for note in places if note not in unsaid and not (
        isinstance(note, tuple) and note and note[0] in _UNSAID_KINDS)]
    for note in sorted(said, key=order) if len(said) > 1 else said:
        if isinstance(note, tuple) and note and note[0] == "state_typo":
            out.append(_state_typo_diagnostic(note, places[note], sources, plan, codes))
            continue
        if isinstance(note, tuple) and note and note[0] == "field_typo":
            out.append(_field_typo_diagnostic(note, places[note], codes))
            continue
        if isinstance(note, tuple) and note and note[0] == "where_prop":
            if plan is not None:
                found = _where_prop_diagnostic(plan.where_reads[note[1]], places[note][2], sources, codes,
                                               places[note][0])
                if found is not None:
                    out.append(found)
            continue
        if isinstance(note, tuple) and note and note[0] == "typo":
            _, ev_type, meant, read_at = note
            count, lead, line, file = _first_seen(places[note], sources)
            many = f" ({count:,} leads have one)" if count > 1 else ""
            if meant == ev_type:                        # the text of a virtual event (extension)
                out.append(dg.make(codes.UNREAD_EVENT_TYPE,
                                   f"lead {lead!r} has an input event of type {ev_type!r}: that is what the "
                                   f"trigger `{ev_type}` matches, but only the rules' own "
                                   f"verdicts make those events, so this one is an ordinary event that nothing "
                                   f"reads{many}", dg.Span(line, 1, file=file), file=file,
                                   hint="leave such events out of the input (slacode works out breaches, "
                                        "warnings and attempts itself), or give them a type of their own and name it in a trigger",
                                   lead=lead))
                continue
            if read_at is None or meant in _LANGUAGE_TYPES:     # (the language's own: the events are wrong)
                mean = f"did you mean `{meant}`?"
                fix = f"fix the type where the events are made (`{meant}`)"
            else:
                where = f" ({_place_words(read_at)})"
                mean = f"did you mean `{meant}`, which the agreement reads{where}?"
                fix = (f"one of the two is misspelt: fix the type where the events are made (`{meant}`), or, if "
                       f"the events have it right, write {code(name_text(ev_type))} in the agreement{where}")
            out.append(dg.make(codes.UNREAD_EVENT_TYPE,
                               f"lead {lead!r} has an event of type {ev_type!r}, which nothing in the agreement "
                               f"reads; {mean}{many}", dg.Span(line, 1, file=file), file=file,
                               hint=f"{fix}; if `{ev_type}` is another kind of event, leave this warning out with "
                                    "`--ignore SLA605`", lead=lead))
            continue
        if isinstance(note, tuple) and note and note[0] in ("stop_first", "attempt_first"):
            count, lead, line, file = _first_seen(places[note], sources)
            many = f" (in {count:,} leads)" if count > 1 else ""
            virtual = note[2] if len(note) > 2 else None    # the start is a breach or a warning (extension)
            breach = virtual is not None
            start = f"the {virtual} that starts it" if breach else "the event that starts it"
            if note[0] == "stop_first":
                which, said = codes.STOP_BEFORE_START, (f"this event stops `{note[1]}`, but comes before {start} "
                                                        "at the same instant, so it counted for nothing")
            else:
                which, said = codes.ATTEMPT_BEFORE_START, (f"`{note[1]}` counts this event as an attempt, but it comes "
                                                           f"before {start.replace('it', 'the cycle')} at the same "
                                                           "instant, so it was not counted")
            hint = (f"a {virtual} comes after every event of its instant, whatever the input's order (as a stop "
                    "exactly at a deadline is on time; docs/extensions.md, Escalation on a "
                    f"{virtual}): this event came before the cycle existed; if it happened after the {virtual}, "
                    "give it its real time" if breach else
                    "events of one instant are taken in the input's order (docs/events.md): put the start "
                    "first, or give the events their real times (milliseconds)")
            out.append(dg.make(which, f"lead {lead!r}: {said}{many}", dg.Span(line, 1, file=file), file=file,
                               hint=hint, lead=lead))
            continue
        if isinstance(note, tuple) and note and note[0] == "no_owner":
            out.append(_ownerless_diagnostic(note[1], places[note], sources, codes))
            continue
        if isinstance(note, tuple) and note and note[0] == "copy":
            out.append(_copy_diagnostic(places[note], sources, codes, note))
            continue
        if isinstance(note, tuple) and note and note[0] == "sum_value":
            found = _sum_value_diagnostic(note, places[note], sources, codes)
            if found is not None:
                out.append(found)
            continue
        if isinstance(note, tuple) and note and note[0] == "due_field":
            out.append(_due_field_diagnostic(note, places[note], codes))
            continue
        if isinstance(note, tuple) and note and note[0] == "bad_zone":
            out.append(_bad_zone_diagnostic(note, places[note], codes))
            continue
        if isinstance(note, tuple) and note and note[0] == "choice_zone":
            out.append(_choice_zone_diagnostic(note, places[note], codes))
            continue
        count, lead, value = places[note]
        field = f"`{note.text}`" if note.text else "a field"
        wants = getattr(note, "wants", "")
        seen = _seen_words(lead, value, count)
        if wants in ("a boolean", "boolean text"):
            out.append(_boolean_text_diagnostic(note, field, seen, wants, value, codes))
            continue
        if wants == "a number" and not isinstance(value, str):     # a list, an object, a boolean
            message = (f"{field} held {_value_kind(value)} where this comparison needs a number ({seen}); "
                       "such comparisons are false")
            hint = f"send {field} as one JSON number (`\"{note.text or 'field'}\": 90`), or compare it with such a value here"
        elif wants == "a number":
            message = f"{field} held text where this comparison needs a number ({seen}); such comparisons are false"
            hint = f"send {field} as a JSON number (without quotes), or compare it with text here"
        elif wants == "text":
            message = f"{field} held a number where this comparison needs text ({seen}); such comparisons are false"
            hint = f"send {field} as text (in quotes), or compare it with a number here"
        else:
            message = (f"{field} was compared here with a value of the other type, a number with text ({seen}); "
                       "such comparisons are false")
            hint = (f"send {field} as the same type as the value here (a JSON number is written without "
                    "quotes), or compare it with the other type")
        out.append(dg.make(codes.NUMBER_STRING_COMPARISON, message, note.span,
                           file=note.span.file if note.span else None, hint=hint))
    if whole_run:
        out += twin_type_diagnostics(notes, plan)
        out += field_never_set_diagnostics(notes, plan)
        out += zone_field_diagnostics(notes, plan)
        if sources:                                     # a run of event files, not a service's leads
            out += no_start_diagnostics(notes, plan)
    return out


#: How many of the input's types SLA626 names (the most common).
_TYPES_NAMED = 5


def no_start_diagnostics(notes: RunNotes, plan) -> list:
    """SLA626 once per run: the input had usable events, but no lead had one of a type the
    agreement starts on (:func:`~slacode.evaluate._start_types`; each such lead noted its
    events by type, :func:`~slacode.evaluate.note_starts`): at the agreement's first start
    (:attr:`Plan.start_place`), naming the types it starts on, the input's most common types
    with their event counts, and the fixes (`--type-map`, backquoted names), with the type
    whose events carry a `state` value (and, for `assigned`, an `owner`). Only of a whole
    run's notes, of event files (the caller's ``sources``): a service's call with one lead's
    events is no export to warn of."""
    if plan is None or not notes.leads:
        return []
    seen = notes.places.get(("no_start",))
    if seen is None or seen[0] < notes.leads:          # a lead had an event that can start something
        return []
    from slacode.evaluate import plan_info

    starts = plan_info(plan).starts
    if starts is None:
        return []
    from slacode.codes import evaluation as codes
    from slacode.typemap import mapping_text

    counts, stated, owned = seen[2]
    total = sum(counts.values())
    common = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    listed = ", ".join(f"{t!r} ({n:,})" for t, n in common[:_TYPES_NAMED])
    more = len(common) - _TYPES_NAMED
    if more > 0:
        listed += f" and {more:,} more type{'s' if more > 1 else ''}"
    names = [f"`{t}`" for t in sorted(starts)]
    wanted = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
    where, span = plan.start_place if plan.start_place is not None else (None, None)
    events = f"its {total:,} event{'s are' if total != 1 else ' is'}"
    message = (f"the agreement starts on events of type {wanted}, and no event of the input has one of "
               f"{'those types' if len(names) > 1 else 'that type'}: {events} of type {listed}; so nothing "
               "started (no cycle, no flow verdict, nothing counted)")
    maps: list = []                         # (ours, theirs) the input's events suggest
    said = []
    if stated:
        t = min(stated, key=lambda k: (-stated[k], k))
        maps.append(("state", t))
        said.append(f"{stated[t]:,} event{'s' if stated[t] != 1 else ''} of type {t!r} carry a `state` value, "
                    "read as a plain property of an event that is not of type `state`: "
                    f"--type-map {mapping_text('state', t)} reads them as state events entering it")
    if owned and "assigned" in starts:      # (an `owner` on the events of another type: the assignments)
        t = min((k for k in owned if k not in {theirs for _, theirs in maps}), key=lambda k: (-owned[k], k),
                default=None)
        if t is not None:
            maps.append(("assigned", t))
    example = " ".join(f"--type-map {mapping_text(*m)}" for m in maps) if maps else \
        f"--type-map {mapping_text(sorted(starts)[0], common[0][0])}"
    hint = (f"read the input's types as the agreement's with --type-map OURS=THEIRS (e.g. {example}; "
            f"type_map= in Python), or name them in the agreement in backquotes (start on `{common[0][0]}`; "
            "docs/extensions.md, Names in backquotes)")
    if said:
        hint += "; " + "; ".join(said)
    hint += "; if such events are yet to come, leave this warning out with `--ignore SLA626`"
    if where is not None:
        message = f"{where}: {message}"
    return [dg.make(codes.EVENT_TYPES_UNMATCHED, message, span, file=span.file if span is not None else None,
                    hint=hint)]


def zone_field_diagnostics(notes: RunNotes, plan) -> list:
    """SLA625 once per run: the agreement reads the lead's zone from its `timezone` field
    (:attr:`Plan.zone_reads`), no lead of the run had that field, and some had a field whose
    name says it holds a zone (:func:`~slacode.evaluate.zone_field_name`): at the first place
    that reads the zone, naming the field most leads had (the first of them and its text), how
    many, and how to send it. Only of a whole run's notes (each lead without `timezone` noted
    so)."""
    if plan is None or not plan.zone_reads or not notes.leads:
        return []
    places = notes.places
    missing = places.get(("zone_missing",))
    if missing is None or missing[0] < notes.leads:         # a lead had `timezone`
        return []
    found = {note[1]: seen for note, seen in places.items()
             if note.__class__ is tuple and note and note[0] == "zone_field"}
    if not found:
        return []
    import json

    from slacode.codes import evaluation as codes
    from slacode.texts import code

    name = min(found, key=lambda n: (-found[n][0], n))    # the field most leads had (a tie: by name)
    count, lead, value = found[name]
    where, span = plan.zone_reads[0]
    more = f" and {len(plan.zone_reads) - 1} more place{'s' if len(plan.zone_reads) > 2 else ''}" \
        if len(plan.zone_reads) > 1 else ""
    others = sorted(n for n in found if n != name)
    also = (" (also " + ", ".join(f"`{n}`" for n in others[:3]) + (" …" if len(others) > 3 else "") + ")"
            if others else "")
    who = (f"{count:,} leads had a field `{name}` (the first, lead {lead!r}: {value!r})" if count > 1
           else f"lead {lead!r} had a field `{name}` ({value!r})")
    example = '"fields": {"timezone": ' + json.dumps(value, ensure_ascii=False) + "}"
    return [dg.make(codes.LEAD_ZONE_FIELD_ELSEWHERE,
                    f"{where}{more} reads the lead's time zone from its field `timezone`, which no lead of the input "
                    f"had, while {who}{also}: the agreement's zone "
                    f"({plan.timezone}) was used for every lead",
                    span, file=span.file if span is not None else None,
                    hint=f"send the zone as the lead field `timezone`: rename {code(name)} to `timezone` where the "
                         f"events are made or exported ({example}); in a CSV file, name the column "
                         f"`fields.timezone`, or map it with --column fields.timezone=HEADER; leave this warning out "
                         "with `--ignore SLA625`")]


def field_never_set_diagnostics(notes: RunNotes, plan) -> list:
    """SLA614 once per lead field the agreement reads that no lead of the run ever had,
    when no lead had a field of nearly that name either (that is SLA616): at the place that
    first reads it, naming up to five fields the leads had. Only of a whole run's notes:
    each lead that lacked a read field noted those it had (``("fields_had",)``), so a lead
    without that note had them all."""
    if plan is None or not notes.leads or not plan.field_reads:
        return []
    places = notes.places
    seen = places.get(("fields_had",))
    if seen is None or seen[0] < notes.leads:       # a lead had every field the agreement reads
        return []
    codes = _EVAL_CODES
    had, sample = seen[2]
    typos = {note[2] for note in places if note.__class__ is tuple and note and note[0] == "field_typo"}
    out = []
    for name, where, span in plan.field_reads:
        if name in had or name in typos:
            continue
        others = (", ".join(f"`{f}`" for f in sample) if sample else "")
        told = (f"the events set the lead fields {others}" + (" …" if len(sample) >= 5 else "")
                if len(sample) > 1 else f"the events set the lead field {others}" if sample
                else "no event sets any lead field")
        out.append(dg.make(codes.FIELD_NEVER_SET,
                           f"{where} reads the lead field `{name}`, which no lead of the input ever had ({told}); "
                           f"every comparison with it is false", span, file=span.file if span is not None else None,
                           hint=f"set `{name}` in the events' `fields` (`\"fields\": {{\"{name}\": …}}`; in a CSV file, "
                                f"a column `fields.{name}`, or --column fields.{name}=HEADER), or read the name the "
                                "events use; leave this note out with `--ignore SLA614`"))
    return out


#: the event types whose meaning the language gives (§4): never misspelt in an agreement
_LANGUAGE_TYPES = frozenset({"state", "assigned"})


def _place_words(span) -> str:
    """``northwind.sla:25:11``, or ``line 25, column 11`` without a file name."""
    if span.file:
        return f"{span.file}:{span.line}:{span.column}"
    return f"line {span.line}, column {span.column}"


def _other_state(note: tuple, places: dict) -> bool:
    """Whether the state of a ``("state_typo", state, meant)`` note is a state of its own
    and not ``meant`` misspelt: it is one letter off ``meant`` (not the same words written
    otherwise, as `MQL` is `mql`) while a lead of the notes (the one with it, or another)
    entered ``meant`` too, as a funnel's `sal` beside `sql`."""
    from slacode.texts import same_type

    _, state, meant = note
    return ("state_in", meant) in places and not (state.__class__ is str and same_type(state, meant))


def _state_typo_diagnostic(note: tuple, seen: list, sources, plan, codes):
    """SLA613 at the first lead's (in lead order) first event into a state that nothing in
    the agreement names (no `states` block), one letter off a state it names."""
    from slacode.evaluate import plan_info
    from slacode.fmt import name_text
    from slacode.texts import code

    _, state, meant = note
    count, lead, line, file = _first_seen(seen, sources)
    many = f" ({count:,} leads have one)" if count > 1 else ""
    span = plan_info(plan).state_places.get(meant) if plan is not None else None
    where = f" ({_place_words(span)})" if span is not None else ""
    return dg.make(codes.UNNAMED_STATE, f"lead {lead!r} enters state {state!r}, which nothing in the agreement names; "
                   f"did you mean `{meant}`, which it names{where}?{many}", dg.Span(line, 1, file=file), file=file,
                   hint=f"fix the state where the events are made (`{meant}`), or, if the events have it right, write "
                        f"{code(name_text(state))} in the agreement; such an event enters {state!r} as written, which "
                        f"nothing the agreement says of `{meant}` (`enter {meant}`, `state == {meant}` …) matches. If "
                        f"{code(name_text(state))} is a state of its own, leave this warning out with "
                        "`--ignore SLA613`", lead=lead)


def _field_typo_diagnostic(note: tuple, seen: list, codes):
    """SLA616 at the place the agreement reads a field that leads never had, while they had
    a field of nearly that name (``seen``: how many leads, the first)."""
    from slacode.texts import code

    _, name, meant, where, span = note
    count, lead, _ = seen
    others = f" ({count:,} leads have `{name}` and no `{meant}`)" if count > 1 else ""
    return dg.make(codes.MISSPELT_LEAD_FIELD,
                   f"{where} reads the lead field `{meant}`, which lead {lead!r} never had, but it had a field "
                   f"`{name}`: did you mean `{name}`?{others}", span, file=span.file if span else None,
                   hint=f"one of the two names is misspelt: write {code(_field_written(name))} here if the events "
                        f"have it right, or fix the field where the events are made (`{meant}`); if they are two "
                        "fields, leave this warning out with `--ignore SLA616`")


def _where_prop_diagnostic(read: tuple, seen: tuple, sources, codes, leads: int = 1):
    """SLA617 or SLA618 at the place a `where` reads an event property some events of its
    type lacked (``read``: its item of ``Plan.where_reads``; ``seen``: the run's counts:
    the events without the property, those of them setting a lead field of its name, the
    first of them, a property of nearly that name it had, the events the `where` judged in
    the leads that had such an event; ``leads``: how many). SLA617, a warning, when those events set the lead
    field of that name or had a property of nearly that name (the `where` was surely meant
    to read it), unless most events the `where` judged in those leads had the property (a
    lead-level `channel` beside an attempt's own: the few without it simply lack it);
    SLA618, a note, otherwise."""
    from slacode.fmt import one_line
    from slacode.texts import code, name_code, name_snippet

    owner, role, ev_type, prop, span, pred, _ = read
    lacking, set_field, first, near, judged = seen
    having = judged - lacking
    if having > lacking:                        # most events have it: the lead field is no sign
        set_field = 0
    source, line, lead = first
    file = sources[source] if sources else None
    at = f"{file}:{line}" if file else f"event {line}"          # (events given as objects: their place)
    name = name_code(_field_written(prop))
    field = name_code(_field_written(prop[7:] if prop.startswith("fields.") else prop))
    what = f"`first where` of {owner}" if role == "first where" else f"the `where` of `{role}` in {owner}"
    if role == "first where":                   # it reads the cycles' first attempts only
        events = f"{lacking:,} first attempts (`{ev_type}` events) did not have" if lacking != 1 else \
            f"one first attempt (a `{ev_type}` event) did not have"
    else:
        events = f"{lacking:,} `{ev_type}` events did not have" if lacking != 1 else \
            f"one `{ev_type}` event did not have"
    first_words = f"lead {lead!r}, {at}" if lacking == 1 else f"first: lead {lead!r}, {at}"
    if having > 0:
        first_words += (f"; {having:,} {'other' if having == 1 else 'others'} of the same "
                        f"{'lead' if leads == 1 else 'leads'} had it")
    those = "that event" if lacking == 1 else "those events"
    fields = ""
    if set_field:
        who = ("its lead has" if lacking == 1 else "the leads of all of them have" if set_field == lacking
               else f"the leads of {set_field:,} of them have")
        fields = f"; {who} a field {field} (set by the event or an earlier one), which a `where` does not read"
    elif near is not None:
        fields = f"; {'it has' if lacking == 1 else 'the first of them has'} a property {name_code(_field_written(near))}"
    message = (f"{what} reads the property {name}, which {events} ({first_words}){fields}: for {those} every "
               "comparison on it is false, `!=` included (docs/language.md, Predicates)")
    word = role.split(" ", 1)[0] if role.startswith(("start on", "stop on", "cancel on")) else None
    if set_field and word is not None:
        condition = one_line(pred)
        if prop.startswith("fields."):          # (the lead field's name as a `when` writes it)
            condition = condition.replace(f"`{prop}`", _field_written(prop[7:]))
        hint = (f"a `where` reads the event's own properties (beside `type`), not the lead's fields: to {word} when "
                f"the lead field holds, write {code(f'{word} when {condition}')}, or send {field} as a property "
                "of the event")
    elif set_field:
        hint = (f"a `where` reads the event's own properties (beside `type`), not the lead's fields: send {field} "
                "as a property of the event as well, or test the lead field where the language reads fields "
                "(a segment, `start when`)")
    elif near is not None:
        hint = f"check the name: the `where` reads {name}, the events send {name_code(_field_written(near))}"
    else:
        negated = _negated_test(pred, prop)
        if negated is not None:
            hint = (f"to let events without {name} match, write {code(negated)}; to leave them out on purpose, "
                    f"{name_snippet(_field_written(prop), ' exists and …')} says so")
        else:
            hint = (f"if those events should match, send {name} on every `{ev_type}` event, or test "
                    f"{name_snippet(_field_written(prop), ' missing')} in the `where`")
    if set_field or (near is not None and having <= lacking):
        return dg.make(codes.WHERE_PROPERTY_MISPLACED, message, span, file=span.file if span else None,
                       hint=hint + "; if the events will carry it later, leave this warning out with "
                                   "`--ignore SLA617`")
    return dg.make(codes.WHERE_PROPERTY_SOMETIMES_MISSING, message, span, file=span.file if span else None,
                   hint=hint + "; leave this note out with `--ignore SLA618`")


def _negated_test(pred, prop: str) -> str | None:
    """``not (outcome == "connected")`` for the first `outcome != "connected"` (or `not in`)
    of ``pred``: the test that holds for an event without the property; None if none."""
    from slacode import model as m
    from slacode.checks.context import walk_pred
    from slacode.fmt import one_line

    for node in walk_pred(pred):
        field = getattr(node, "field", None)
        if field is None or field.name != prop or field.is_state:
            continue
        if node.kind == "compare" and node.op == "!=":
            return f"not ({one_line(m.Compare.model_construct(field=field, op='==', value=node.value))})"
        if node.kind == "member" and node.negated:
            return f"not ({one_line(m.Member.model_construct(field=field, values=node.values, negated=False))})"
    return None


def _field_written(name: str) -> str:
    """A field's name as an agreement writes it: in backquotes unless it is a plain name
    that reads as no keyword (`` `utm-source` ``, `` `state` ``)."""
    from slacode.parse import is_keyword

    plain = name.isidentifier() and name.isascii() and not is_keyword(name)
    return name if plain else f"`{name}`"


def _boolean_text_diagnostic(note, field: str, seen: str, wants: str, value, codes):
    """SLA609: a boolean met its spelling as text (``value``, the first seen) at ``note``'s
    predicate."""
    if wants == "a boolean":
        message = (f"{field} held text where this comparison needs a boolean ({seen}): a boolean never "
                   "equals text (CSV cells are never booleans)")
        shown = value if isinstance(value, str) and len(value) <= 20 else "true"
        hint = (f"compare {field} with the text the export writes (\"{shown}\", in quotes), "
                "or send it as a JSON true/false")
    else:
        message = (f"{field} held a boolean where this comparison needs text ({seen}): a boolean never "
                   "equals text")
        hint = f"compare {field} with `{'true' if value else 'false'}`, without quotes"
    return dg.make(codes.BOOLEAN_TEXT_COMPARISON, message, note.span,
                   file=note.span.file if note.span else None, hint=hint)


def _first_seen(seen: list, sources) -> tuple:
    """``(leads, first lead, line, file)`` of a note kept with the event it was first met
    at (its file named from ``sources``, the names of the inputs, when given)."""
    count, lead, (source, line) = seen
    return count, lead, line, sources[source] if sources else None


def _bad_zone_diagnostic(note: tuple, seen: list, codes):
    """SLA603 once per zone value and place of the agreement that reads it (the `only between`
    line, or the `timezone lead` calendar): how many leads have it, the first few named."""
    _, zone, used, span = note
    count, lead, leads = seen
    if count == 1:
        who = f"lead {lead!r} has"
    else:
        named = ", ".join(repr(x) for x in leads)
        more = f" and {count - len(leads):,} more" if count > len(leads) else ""
        who = f"{count:,} leads ({named}{more}) have"
    return dg.make(codes.UNKNOWN_LEAD_ZONE,
                   f"{who} time zone {zone!r}, which {_lead_zone_words(zone)}; the agreement's zone was used {used}",
                   span, file=span.file if span else None, hint=_lead_zone_hint(zone), lead=lead)


#: the legacy zones of the IANA database at one offset all year (the others of
#: calendar._NOT_PLACES, `EST5EDT`, `CET` …, follow daylight saving rules)
_FIXED_LEGACY = frozenset(("EST", "MST", "HST"))


def _legacy_zone(zone: object) -> bool:
    """Whether ``zone`` is a name the IANA database has that is refused as no place's zone:
    a legacy zone (`EST`, `EST5EDT`, `CET`) or a file copy (`posix/…`, `localtime`)."""
    from slacode.calendar import _NOT_PLACES

    return zone.__class__ is str and (zone in _NOT_PLACES or zone.startswith(("posix/", "right/")))


def _lead_zone_words(zone: object) -> str:
    """SLA603's words for why ``zone`` was refused."""
    if zone.__class__ is str and zone in ("localtime", "posixrules", "Factory"):
        return "is not the zone of a place (it depends on the machine or is internal to the zone database)"
    if _legacy_zone(zone):
        return "is a legacy zone of the IANA database, not the zone of a place"
    return "is not an IANA zone"


def _lead_zone_hint(zone: object) -> str:
    """SLA603's hint: the zones a legacy zone (``EST5EDT``) or an abbreviation (``CST``)
    usually means, else an example."""
    from slacode.calendar import abbreviation_zones, offset_seconds, zones_at_offset

    zones = abbreviation_zones(zone)
    if zones and _legacy_zone(zone):
        listed = " or ".join(f"`{z}`" for z in zones)
        kind = ("an abbreviation, and a legacy zone at one offset all year, with no daylight saving time"
                if zone in _FIXED_LEGACY
                else "a legacy rule zone, which the IANA database keeps for old systems")
        return f"write the zone of the place, usually {listed}, in the lead's `timezone` field: `{zone}` is {kind}"
    if zone.__class__ is str and zone.startswith(("posix/", "right/")):
        return f"write the zone's own name, `{zone.split('/', 1)[1]}`, in the lead's `timezone` field"
    if zones:
        listed = " or ".join(f"`{z}`" for z in zones)
        return (f"`{str(zone).strip()}` is an abbreviation, one offset all year: write the zone of the place, "
                f"usually {listed}, in the lead's `timezone` field, which follows its daylight saving time")
    seconds = offset_seconds(zone)
    if seconds is not None:
        places = zones_at_offset(seconds)
        such_as = (" such as " + " or ".join(f"`{z}`" for z in places)) if places else ""
        return (f"`{str(zone).strip()}` is an offset, one all year: write the zone of the lead's place{such_as} "
                "in its `timezone` field, which follows its daylight saving time")
    return "use IANA names such as `America/Sao_Paulo` in the lead's `timezone` field"


def _copy_diagnostic(seen: list, sources, codes, note: tuple = ("copy",)):
    """SLA620 for the events without an id that copy an event before them (``("copy",)``),
    or for the events that are the same event as one before them, one of the two with an
    id and the other without (``("copy", "id")``), both evaluated (only ids make two events
    one): the first lead's (in lead order) first such event, the event it copies, and how
    many leads had one."""
    count, lead, place = seen
    source, line, was_source, was_line = place[:4]
    file = sources[source] if sources else None
    if not sources:
        copied = f"event {was_line}"                    # the library's events: positions
    elif was_source == source:
        copied = f"line {was_line}"
    else:
        copied = f"{sources[was_source]}:{was_line}"
    many = f"; {count:,} leads have such a copy" if count > 1 else ""
    if len(note) > 1:                                   # one with an id, one without
        eid, bare = place[4], place[5]
        if bare:
            said = (f"lead {lead!r} has an event without an `id` that is a copy of {copied} (id {eid!r}: the same "
                    f"instant, type, properties and fields): both were evaluated, as two events{many}")
        else:
            said = (f"lead {lead!r} has an event with the id {eid!r} that is a copy of {copied}, which has no "
                    f"`id` (the same instant, type, properties and fields): both were evaluated, as two "
                    f"events{many}")
        return dg.make(codes.COPIED_EVENT, said, dg.Span(line, 1, file=file), file=file,
                       hint="one source with ids (a webhook log) and one without (a CRM export) hold the same "
                            "events, and only an `id` makes two events one: give the export the CRM's id too "
                            "(--column id=HEADER), so that each is counted once, or read one of the two. Two "
                            "real events that look the same: `--ignore SLA620`",
                       lead=lead)
    return dg.make(codes.COPIED_EVENT,
                   f"lead {lead!r} has an event without an `id` that is a copy of {copied} (the same instant, "
                   f"type, properties and fields): both were evaluated, as two events{many}",
                   dg.Span(line, 1, file=file), file=file,
                   hint="give events the CRM's own id (an `id` key, or --column id=HEADER for a CSV export), so "
                        "that a copy from overlapping exports is kept once; or read exports whose dates do not "
                        "overlap. Two real events that look the same: `--ignore SLA620`",
                   lead=lead)


def _ownerless_diagnostic(why: tuple, seen: list, sources, codes):
    """SLA606 for the `assigned` events that name no rep for one reason
    (:func:`~slacode.evaluate._ownerless`)."""
    count, lead, line, file = _first_seen(seen, sources)
    many = f"; {count:,} leads have such an event" if count > 1 else ""
    after = "the lead is unassigned from then on"
    if why[0] == "empty":
        what, hint = "an empty `owner`", "send the rep's id as text in `owner` (`null`, or no `owner`, unassigns)"
        after = 'the lead has no rep from then on (its verdicts show the assignee `""`)'
    elif why[0] == "key":
        what = f"no `owner`, but a property `{why[1]}`"
        hint = f"the lead's assignee is the event's `owner` property: rename `{why[1]}` to `owner`"
        if file is not None and str(file).lower().endswith((".csv", ".csv.gz")):
            from slacode.events_csv import mapping_text

            hint += f", or read the column as it is with --column {mapping_text('owner', why[1])}"
    else:
        what = "no `owner` property, but a lead field `owner` in `fields`"
        hint = "send the rep as a property of the event, beside `type` (\"owner\": \"ana\"), not in `fields`"
    return dg.make(codes.ASSIGNED_WITHOUT_OWNER,
                   f"lead {lead!r} has an `assigned` event with {what}: {after}{many}", dg.Span(line, 1, file=file), file=file, hint=hint, lead=lead)


def _sum_value_diagnostic(note: tuple, seen: list, sources, codes):
    """SLA615 for the events of one kind (missing, null, text …) that a `sum PROP of …`
    quota matched but could not add: the first lead's event, and how many leads had one."""
    _, quota, prop, why = note
    count, lead, (source, line, ev_type, value) = seen
    file = sources[source] if sources and source is not None and source < len(sources) else None
    many = f"; {count:,} leads have such an event" if count > 1 else ""
    if why == "big":
        if file is None or str(file).lower().endswith(".csv"):
            return None             # (Python's own float, or CSV, which reads whole numbers exactly)
        return dg.make(codes.SUM_VALUE_NOT_A_NUMBER,
                       f"lead {lead!r}: an event of type `{ev_type}` has `{prop}` {value!r}, a whole number "
                       f"beyond 64 bits read as a float: quota `{quota}` added it, but if it was written as "
                       f"an integer in JSON Lines, its digits past the 17th were lost{many}",
                       dg.Span(line, 1, file=file) if line else None, file=file,
                       hint=f"send `{prop}` in a smaller unit, or the events as CSV, where an integer of any size "
                            "is read exactly", lead=lead)
    if why == "missing":
        what = f"no `{prop}`"
    elif why == "in_fields":
        what = f"no `{prop}` of its own (only in `fields`, which `sum` does not read)"
    elif why == "null":
        what = f"`{prop}` null"
    else:
        kind = {"text": "text", "boolean": "a boolean", "number": "a number that is not finite",
                "list": "a list", "object": "an object"}.get(why, "no number")
        what = f"`{prop}` {_seen_value(value)} ({kind})"
    bare = prop.isidentifier() and prop.isascii() and prop not in ("state", "not", "true", "false", "null")
    written = prop if bare else f"`{prop}`"
    huge = (why == "text" and isinstance(value, str) and _JSON_NUMBER.fullmatch(value) is not None
            and float(value) in (_INF, -_INF))
    if huge and value.lstrip("-").isdigit():    # a whole number past the digits Python reads
        limit = sys.get_int_max_str_digits() or 4300
        what = (f"`{prop}` {_seen_value(value)} (a whole number of {len(value.lstrip('-')):,} digits, more "
                f"than the {limit:,} slacode reads, read as text)")
        hint = f"send `{prop}` in a unit that keeps it to {limit:,} digits"
    elif huge:                  # `1e999` in a CSV cell: a number past the largest float, kept as text
        what = f"`{prop}` {_seen_value(value)} (a number beyond the largest float, read as text)"
        hint = f"send `{prop}` in a unit that keeps it below 1.8e308, or as a whole number without an exponent"
    elif why == "text" and _decimal_comma(value) is not None:     # `"1500,50"`, `"50.000,00"`
        hint = (f"send `{prop}` as a JSON number, with a decimal point and no thousands separators: "
                f"`{_decimal_comma(value)}` for {_seen_value(value)}")
    elif why == "text":
        hint = f"send `{prop}` as a JSON number (without quotes or thousands separators)"
    elif why == "in_fields":
        hint = (f"`sum` adds up the event's own top-level property: send \"{prop}\": 1500 beside `type`, not "
                "inside `fields`")
    elif why == "object":
        hint = (f"`sum` cannot add a nested value: send `{prop}` as a number, and a currency in a property of its "
                f"own, to add up one currency with `where currency == \"BRL\"`")
    else:
        hint = f"give every `{ev_type}` event the quota adds up a number in `{prop}`"
        if why in ("missing", "null"):
            hint += (f", or leave such events out with `where {written} exists` on that trigger (a `where` "
                     "belongs to the one trigger before it, and comes before `for SEGMENT`)")
    return dg.make(codes.SUM_VALUE_NOT_A_NUMBER,
                   f"lead {lead!r}: an event of type `{ev_type}` has {what}, so quota `{quota}` did not add "
                   f"it{many}",
                   dg.Span(line, 1, file=file) if line else None, file=file, hint=hint, lead=lead)


#: An amount written with a decimal comma: `1500,50`, `50.000,00`, `1 500,5` (not `1,500`,
#: which may be a thousand and a half or fifteen hundred).
_DECIMAL_COMMA = re.compile(r"(-?)(\d{1,3}(?:([.\s\u00a0\u202f])\d{3})(?:\3\d{3})*|\d+),(\d+)")


def _decimal_comma(value) -> str | None:
    """``"1500,50"`` as ``1500.50``: a text amount with a decimal comma as the JSON number
    it means (its thousands separators dropped); None for anything else, and for a comma
    followed by three digits alone (`1,500`: a thousands separator as often)."""
    if not isinstance(value, str):
        return None
    m = _DECIMAL_COMMA.fullmatch(value.strip())
    if m is None or (m.group(3) is None and len(m.group(4)) == 3):
        return None
    whole = re.sub(r"\D", "", m.group(2))
    return f"{m.group(1)}{whole}.{m.group(4)}"


def _due_field_diagnostic(note: tuple, seen: list, codes):
    """SLA621 at a `due at FIELD` line (extension) whose field held a value that names no
    instant (``seen``: how many leads, the first, its value and why)."""
    _, rule, name, span = note
    count, lead, (value, why) = seen
    many = f"; {count:,} leads in all" if count > 1 else ""
    return dg.make(codes.DUE_FIELD_UNUSABLE,
                   f"rule `{rule}` takes its deadline from lead field `{name}`, but lead {lead!r} has "
                   f"{_seen_value(value)} there: {why}; the line did not apply and the next line was tried{many}",
                   span, file=span.file if span else None,
                   hint=f"send `{name}` as an RFC 3339 timestamp with its offset, such as "
                        '"2026-11-10T15:00:00-03:00"')


def _choice_zone_diagnostic(note: tuple, seen: list, codes):
    """SLA622 (info) at a calendar choice whose default served a lead in a zone none of its
    calendars is in (``seen``: how many leads, the first)."""
    _, rule, _, span, choice, calendar = note
    count, lead, names = seen
    zone = names[0]
    also = ""
    if len(names) > 1:      # aliases of one zone (a link and its zone): one finding
        also = " (also written " + ", ".join(names[1:]) + ": the same zone)"
    many = f"; {count:,} leads in that zone in all" if count > 1 else ""
    return dg.make(codes.DEFAULT_CALENDAR_OTHER_ZONE,
                   f"rule `{rule}`: lead {lead!r} is in {zone}{also}, but calendar choice `{choice}` has no "
                   f"calendar in that zone and gave it its default, `{calendar}`{many}",
                   span, file=span.file if span else None, lead=lead,
                   hint=f"declare a calendar in {zone} and pick it for those leads, or use a calendar with "
                        "`timezone lead` (each lead's own zone)")


def _seen_value(value) -> str:
    """A value as JSON writes it, a long one cut."""
    import json

    try:
        shown = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        try:
            shown = repr(value)
        except ValueError:                  # an int past Python's digit limit (in a list …)
            shown = _huge_repr(value)
    return shown if len(shown) <= 40 else shown[:37] + "…"


def _huge_repr(value) -> str:
    """A value holding an int past Python's digit limit, as JSON writes it."""
    from slacode.output import json_text

    try:
        return json_text(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        return f"<{type(value).__name__}>"


def _value_kind(value) -> str:
    """``a list``, ``an object``, ``a boolean``: what a field held that no number compares with."""
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return f"a {type(value).__name__}"


def _seen_words(lead: str, value, count: int) -> str:
    """Where a comparison of a number with a string was first met: `lead 'L7' has "85"; 12
    leads in all`, the value as JSON writes it (a long text cut)."""
    return f"lead {lead!r} has {_seen_value(value)}" + (f"; {count:,} leads in all" if count > 1 else "")
