"""The semantic diff: two agreement models compared declaration by declaration, each
difference a :class:`Change` in plain words (see :mod:`slacode.diff`)."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Iterable

from slacode import model as m
from slacode.logic import compare_preds, conjunction, filled, implies, normal_pred
from slacode.fmt import name_text, one_line, string as _string   # the formatter's printer renders every line

DAY_SECONDS = 86_400


# =========================================================================== changes

@dataclass(frozen=True)
class Change:
    """One difference in meaning between two versions of an agreement.

    ``area`` is the kind of declaration (``agreement``, ``calendar``, ``states``, ``flow``,
    ``segment``, ``let``, ``handoff``/``deadline``/``attempts``, ``target``, ``quota``,
    ``test``, or ``file`` for the order of declarations) and ``subject`` its name (None for
    the singletons). ``kind`` is ``added``, ``removed``, ``changed`` or ``restated`` (same
    meaning, written differently: not a semantic change). ``message`` is a phrase about the
    subject; ``before``/``after`` hold the old and new text where one applies;
    ``direction`` says which way a limit moved: ``tightened``/``loosened`` (a promise),
    ``widened``/``narrowed`` (a predicate), ``longer``/``shorter`` (opening hours),
    ``earlier``/``later`` (a warning). ``block`` asks renderers to show before/after as
    lines of their own (long texts such as predicates and whole declarations).
    """

    area: str
    subject: str | None
    kind: str
    message: str
    before: str | None = None
    after: str | None = None
    direction: str | None = None
    block: bool = False

    @property
    def semantic(self) -> bool:
        """False for a restatement (the text changed, the meaning did not)."""
        return self.kind != "restated"

    @property
    def title(self) -> str:
        return f"{self.area} {self.subject}" if self.subject else self.area

    @property
    def text(self) -> str:
        """The change as one sentence, with its subject."""
        return f"{self.title}: {self.message}"

    def to_dict(self) -> dict:
        return {"area": self.area, "subject": self.subject, "kind": self.kind,
                "message": self.message, "text": self.text, "before": self.before,
                "after": self.after, "direction": self.direction}


def semantic_diff(old: m.Agreement, new: m.Agreement) -> list[Change]:
    """Every difference in meaning between ``old`` and ``new`` (empty when only the layout
    differs), in file order of the kinds: header, calendars, states, flow, segments,
    constants, rules, targets, quotas, tests; then the restatements."""
    if old.model_dump() == new.model_dump():
        return []
    ctx = _Context(old, new)
    changes: list[Change] = []
    for part in (_header, _calendars, _calendar_choices, _states, _flow, _segments, _constants, _rules, _targets,
                 _quotas, _tests):
        changes.extend(part(ctx))
    changes.extend(_restated(ctx, changes))
    return changes


class _Context:
    """The two agreements and what the comparisons look up in them."""

    def __init__(self, old: m.Agreement, new: m.Agreement):
        self.old, self.new = old, new
        self.old_segments, self.new_segments = old.segments, new.segments
        self.old_constants, self.new_constants = old.constants, new.constants

    def day_seconds(self, which: str, calendar: m.Name | None) -> int | None:
        """The length of `1d` on ``calendar`` (24h without one); on a calendar choice, that of
        its calendars when they agree, else None (it depends on the calendar picked)."""
        agreement = self.old if which == "old" else self.new
        if calendar is None:
            return DAY_SECONDS
        decl = agreement.calendar_decls.get(calendar.value)
        if decl is not None:
            return day_seconds(decl)
        choice = agreement.calendar_choices.get(calendar.value)
        if choice is None:
            return DAY_SECONDS
        days = {day_seconds(d) for d in (agreement.calendar_decls.get(p.calendar.value) for p in choice.picks)
                if d is not None}
        return days.pop() if len(days) == 1 else None


# ------------------------------------------------------------------------ rendering


def _num(v) -> str:
    """A number as verdicts write it; a goal or constant worked out exactly (a fraction, as
    :func:`_goal_value` gives it) as a quota's ``threshold`` is written."""
    if isinstance(v, Fraction):
        from slacode.compile import _written

        v = _written(v)
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if v.__class__ is int:                  # every digit, however many (past Python's str() limit)
        from slacode.texts import int_digits

        return int_digits(v)
    return str(v)


def pred_text(p) -> str:
    """A predicate as ``fmt`` writes it."""
    return one_line(p)


def expr_text(e) -> str:
    return one_line(e)


def clause_text(c) -> str:
    """One clause of a rule, target or quota, or an agreement/calendar line, as ``fmt``
    writes it."""
    return one_line(c)


def _read_options(item) -> str:
    """An `events from` block's lines on one line (`` { delimiter ";"; timezone "UTC" }``)."""
    return " { " + "; ".join(one_line(o) for o in item.options) + " }" if item.options else ""


def decl_text(d) -> str:
    """A declaration as (canonical) text; a ``test`` block is summarised in its header."""
    k = d.kind
    if k == "segment":
        return f"segment {d.name.value} = {pred_text(d.predicate)}"
    if k == "let":
        return f"let {d.name.value} = {expr_text(d.expr)}"
    if k == "calendar_choice":
        return one_line(d)
    if k == "test":
        events = sum(1 for i in d.items if i.kind == "event")
        expects = sum(1 for i in d.items if i.kind == "expect")
        files = "".join(f"events from {_string(i.path.value)}{_read_options(i)}, "
                        for i in d.items if i.kind == "events_from")
        return f"test {_string(d.name.value)} {{ {events} events, {files}{expects} expectations }}"
    if k == "agreement":
        head, items = f"agreement {_string(d.id.value)}", [clause_text(i) for i in d.items]
    elif k == "calendar":
        head, items = f"calendar {d.name.value}", [clause_text(i) for i in d.items]
    elif k == "states":
        head, items = "states", [_n(s.name) + (" final" if s.final else "") for s in d.states]
    elif k == "flow":
        head = "flow"
        items = [f"{_n(ln.source)} -> " + ", ".join(_n(t) for t in ln.targets) for ln in d.lines]
    elif k == "rule":
        head, items = f"{d.rule_kind} {d.name.value}", [clause_text(c) for c in d.clauses]
    else:                                               # target, quota
        head, items = f"{k} {d.name.value}", [clause_text(i) for i in d.items]
    return head + " {\n" + "".join(f"  {i}\n" for i in items) + "}"


# -------------------------------------------------------------------- the header

def _header(ctx: _Context) -> list[Change]:
    old, new = ctx.old, ctx.new
    out = []
    area = "agreement"
    if old.id != new.id:
        out.append(Change(area, None, "changed", f"id changed from {old.id!r} to {new.id!r}",
                          old.id, new.id))
    if old.version != new.version:
        out.append(Change(area, None, "changed",
                          f"version {_quoted(old.version)} → {_quoted(new.version)}",
                          old.version, new.version))
    if old.timezone != new.timezone:
        out.append(Change(area, None, "changed",
                          f"timezone {old.timezone} → {new.timezone} (days of `per day`, target and "
                          "quota periods, and rules without a calendar follow it)",
                          old.timezone, new.timezone))
    out.extend(_set_changes(area, None, set(old.teams), set(new.teams), "team"))
    return out


def _quoted(v) -> str:
    return "(none)" if v is None else f'"{v}"'


def _set_changes(area, subject, old: set, new: set, word: str, fmt=lambda x: f"`{x}`") -> list[Change]:
    out = []
    added, removed = sorted(new - old), sorted(old - new)
    if added:
        out.append(Change(area, subject, "changed", f"{_plural_word(word, len(added))} added: "
                          + ", ".join(fmt(x) for x in added), None, ", ".join(map(str, added))))
    if removed:
        out.append(Change(area, subject, "changed", f"{_plural_word(word, len(removed))} removed: "
                          + ", ".join(fmt(x) for x in removed), ", ".join(map(str, removed)), None))
    return out


def _plural_word(word: str, n: int) -> str:
    return word if n == 1 else word + "s"


# --------------------------------------------------------------------- calendars

def _week(decl: m.CalendarDecl) -> dict[int, tuple]:
    """Weekday → the sorted (start, end) minute intervals of that day's hours."""
    out: dict[int, list] = {d: [] for d in range(7)}
    for h in decl.of("hours"):
        for day in h.weekdays:
            out[day].extend((r.start.minutes, r.end.minutes) for r in h.ranges)
    return {d: _merged(sorted(set(v))) for d, v in out.items()}


def _merged(ranges: list) -> tuple:
    """Intervals of one day with those that touch joined: `09:00-13:00, 13:00-18:00` is
    `09:00-18:00` (the same working time; an overnight interval is left as it is)."""
    out: list = []
    for s, e in ranges:
        if out and e > s and out[-1][1] > out[-1][0] and out[-1][1] == s:
            out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return tuple(out)


def _interval_minutes(start: int, end: int) -> int:
    return end - start if end > start else end + 1440 - start


def day_seconds(decl: m.CalendarDecl) -> int:
    """The length of ``1d`` on a calendar (:meth:`~slacode.model.CalendarDecl.day_minutes`)."""
    return decl.day_minutes() * 60


def _ranges_text(ranges) -> str:
    return ", ".join(f"{s // 60:02d}:{s % 60:02d}-{e // 60:02d}:{e % 60:02d}" for s, e in ranges)


def days_text(days: Iterable[int]) -> str:
    """Weekdays as the language writes them: ``mon-fri``, ``sat, sun``, ``daily``."""
    days = sorted(set(days))
    if len(days) == 7:
        return "daily"
    runs: list[list[int]] = []
    for d in days:
        if runs and d == runs[-1][-1] + 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    parts = []
    for run in runs:
        if len(run) >= 3:
            parts.append(f"{m.DAY_NAMES[run[0]]}-{m.DAY_NAMES[run[-1]]}")
        else:
            parts.extend(m.DAY_NAMES[d] for d in run)
    return ", ".join(parts)


def _target_words(line) -> str:
    """A target line's target in words (without its calendar), as docs/extensions.md says
    it: ``4h``, ``the close of the working day it arrives on (in at 15:00 or later: 12:00 on
    the next working day)``. The working day a lead arrives on is its arrival day (the
    working date whose hours hold the start, else the start's date); "next" is the first
    working date after it."""
    day = line.day
    if day is None:
        return line.duration.compact()
    if day.first == "next":
        return _next_day_words(day.by)
    if day.late and day.cutoff is not None:
        late = _next_day_words(day.late_by)
        return f"the close of the working day it arrives on (in at {day.cutoff.text()} or later: {late})"
    return "the close of the working day it arrives on"


def _next_day_words(by) -> str:
    return "the close of the next working day" if by is None else f"{by.text()} on the next working day"


_WHOLE_DAY = ((((0, 1440),), False),)         # the wall clock: every date 00:00-24:00


def _day_shapes(agreement: m.Agreement, calendar) -> tuple | None:
    """The working days a line on ``calendar`` may meet, per calendar (each pick of a calendar
    choice): ``(((first opening, last close), …), has days off)``, in minutes of the date
    (an overnight close past 1440), from the weekly hours and the `open` dates. None when a
    calendar is unknown or has no hours."""
    from slacode.checks.workday import _week

    if calendar is None:
        return _WHOLE_DAY
    name = calendar.value
    choice = agreement.calendar_choices.get(name)
    names = [p.calendar.value for p in choice.picks] if choice is not None else [name]
    out = []
    for n in dict.fromkeys(names):
        decl = agreement.calendar_decls.get(n)
        if decl is None:
            return None
        week = _week(decl)
        shapes = set(week.values())
        for item in decl.of("open"):
            spans = [(r.start.minutes, r.end.minutes if r.end.minutes > r.start.minutes else r.end.minutes + 1440)
                     for r in item.ranges if r.start.valid and r.end.valid and r.start.minutes != r.end.minutes]
            if spans:
                shapes.add((min(x for x, _ in spans), max(y for _, y in spans)))
        if not shapes:
            return None
        off = len(week) < 7 or bool(decl.of("holidays") or decl.of("closed"))
        out.append((tuple(sorted(shapes)), off))
    return tuple(out)


def _pos(minutes: int, shape: tuple) -> int:
    """A time of day on a working day of ``shape``, as evaluation reads it: on a night shift
    (hours past midnight) a time before the opening is the next morning's."""
    first, last = shape
    return minutes + 1440 if last > 1440 and minutes < first else minutes


def _on_next(by, shape: tuple) -> int:
    return shape[1] if by is None else _pos(by.minutes, shape)


def _deadline_at(day, p: int, sd: tuple, sn: tuple) -> tuple[str, int]:
    """Where a line's deadline falls for a start at minute ``p`` of a working arrival day of
    shape ``sd``, the next working day having shape ``sn``: ``("D", minute of the arrival
    day)`` or ``("N", minute of the next working day)``."""
    if day.first == "next":
        return "N", _on_next(day.by, sn)
    after = p >= sd[1]
    cut = day.cutoff if day.late and day.cutoff is not None and day.cutoff.valid else None
    if cut is not None and (after or p >= _pos(cut.minutes, sd)):
        return "N", _on_next(day.late_by, sn)
    return ("N", sn[1]) if after else ("D", sd[1])


def _compare(x: tuple[str, int], y: tuple[str, int]) -> int | None:
    """The sign of ``y``'s deadline minus ``x``'s whatever the gap to the next working day
    (one day or more); None when it depends on that gap."""
    (kx, vx), (ky, vy) = x, y
    if kx == ky:
        return (vy > vx) - (vy < vx)
    if kx == "D":                          # y on the next working day: 1440 or more minutes on
        return None if 1440 + vy < vx else 1
    return None if 1440 + vx < vy else -1


def _passes_over(shapes) -> bool:
    """Whether a `by` time can be passed over on these day shapes: a lead in on a night
    shift's morning may find the next working date's `by` (on a day shift, read on its own
    date) already behind it, and is then due a working day later (extension docs), which the
    comparison below does not model."""
    return any(sh[1] > 1440 for sh in shapes) and any(sh[1] <= 1440 for sh in shapes)


def _later_day(a, b, calendars) -> int | None:
    """1 when ``b``'s deadline is never earlier than ``a``'s and sometimes later, for the
    same start on each working day ``calendars`` (:func:`_day_shapes`) has, -1 the other way
    round, 0 when they are always the same, None when neither holds (or it cannot be told)."""
    if calendars is None:
        return None
    bys = [d.by if d.first == "next" else d.late_by for d in (a, b)]
    signs = set()
    for shapes, off in calendars:
        if any(by is not None for by in bys) and _passes_over(shapes):
            return None
        for sd in shapes:
            cuts = {_pos(d.cutoff.minutes, sd) for d in (a, b)
                    if d.first == "same" and d.late and d.cutoff is not None and d.cutoff.valid}
            starts = [-1] + sorted(p for p in cuts | {sd[1]} if p < max(1440, sd[1]))
            for sn in shapes:
                for p in starts:
                    signs.add(_compare(_deadline_at(a, p, sd, sn), _deadline_at(b, p, sd, sn)))
        if off:                            # in on no working date: the close of the next one, W,
            for sw in shapes:              # or `next working day [by]` on W
                va = sw[1] if a.first == "same" else _on_next(a.by, sw)
                vb = sw[1] if b.first == "same" else _on_next(b.by, sw)
                signs.add((vb > va) - (vb < va))
    if None in signs:
        return None
    signs.discard(0)
    if not signs:
        return 0
    return signs.pop() if len(signs) == 1 else None


def _duration_words(seconds: int) -> str:
    h, rem = divmod(abs(seconds), 3600)
    mins = rem // 60
    text = (f"{h}h" if h else "") + (f"{mins}m" if mins else "")
    return text or "0m"


def _minute_set(ranges) -> set[int]:
    out: set[int] = set()
    for s, e in ranges:
        out |= set(range(s, s + _interval_minutes(s, e)))
    return out


def _calendars(ctx: _Context) -> list[Change]:
    olds, news = ctx.old.calendar_decls, ctx.new.calendar_decls
    out = []
    for name in _ordered_names(olds, news):
        a, b = olds.get(name), news.get(name)
        if a is None:
            out.append(Change("calendar", name, "added", "added", None, decl_text(b), block=True))
        elif b is None:
            out.append(Change("calendar", name, "removed", "removed", decl_text(a), None, block=True))
        elif a.model_dump() != b.model_dump():
            out.extend(_calendar_changes(ctx, name, a, b))
    return out


def _calendar_choices(ctx: _Context) -> list[Change]:
    """``calendar NAME = CAL for SEGMENT, …`` added, removed or changed (its picks, in order)."""
    olds, news = ctx.old.calendar_choices, ctx.new.calendar_choices
    out = []
    for name in _ordered_names(olds, news):
        a, b = olds.get(name), news.get(name)
        before = decl_text(a).split(" = ", 1)[1] if a is not None else None
        after = decl_text(b).split(" = ", 1)[1] if b is not None else None
        if a is None:
            out.append(Change("calendar", name, "added", f"added: a choice of {after}", None, after))
        elif b is None:
            out.append(Change("calendar", name, "removed", f"removed (was a choice of {before})", before, None))
        elif before != after:
            out.append(Change("calendar", name, "changed", f"picks {before} → {after}", before, after))
    return out


def _ordered_names(olds: dict, news: dict) -> list[str]:
    """Names in the new file's order, then the removed ones in the old file's order."""
    return list(news) + [n for n in olds if n not in news]


def _calendar_changes(ctx: _Context, name: str, a: m.CalendarDecl, b: m.CalendarDecl) -> list[Change]:
    out = []
    area = "calendar"
    tz_a = a.timezone.value if a.timezone is not None else ctx.old.timezone
    tz_b = b.timezone.value if b.timezone is not None else ctx.new.timezone
    if a.lead_zone:                 # `timezone lead` (extension): each lead's zone
        tz_a = f"the lead's (else {tz_a})"
    if b.lead_zone:
        tz_b = f"the lead's (else {tz_b})"
    if tz_a != tz_b:
        out.append(Change(area, name, "changed", f"timezone {tz_a} → {tz_b}", tz_a, tz_b))
    week_a, week_b = _week(a), _week(b)
    groups: dict[tuple, list[int]] = {}
    for d in range(7):
        if week_a[d] != week_b[d]:
            groups.setdefault((week_a[d], week_b[d]), []).append(d)
    for (ra, rb), days in groups.items():
        when = days_text(days)
        if not ra:
            out.append(Change(area, name, "changed", f"now open on {when}: {_ranges_text(rb)}",
                              None, _ranges_text(rb), "longer"))
        elif not rb:
            out.append(Change(area, name, "changed", f"no longer open on {when} (was {_ranges_text(ra)})",
                              _ranges_text(ra), None, "shorter"))
        else:
            ma, mb = _minute_set(ra), _minute_set(rb)
            delta = (len(mb) - len(ma)) * 60
            direction = "longer" if ma < mb else "shorter" if mb < ma else None
            more = ""
            if delta:
                more = f" ({_duration_words(delta)} {'longer' if delta > 0 else 'shorter'} each day)"
            out.append(Change(area, name, "changed",
                              f"hours on {when}: {_ranges_text(ra)} → {_ranges_text(rb)}{more}",
                              _ranges_text(ra), _ranges_text(rb), direction))
    day_a, day_b = day_seconds(a), day_seconds(b)
    if day_a != day_b:
        out.append(Change(area, name, "changed",
                          f"a working day (`1d` on this calendar) is {_duration_words(day_b)}, "
                          f"was {_duration_words(day_a)}",
                          _duration_words(day_a), _duration_words(day_b),
                          "longer" if day_b > day_a else "shorter"))
    hol_a = {r.value for h in a.of("holidays") for r in h.regions}
    hol_b = {r.value for h in b.of("holidays") for r in h.regions}
    written = {r.value: _with_text(h) for d in (a, b) for h in d.of("holidays") for r in h.regions if h.picks}
    out.extend(_set_changes(area, name, hol_a, hol_b, "holiday region", fmt=lambda x: f'"{x}"{written.get(x, "")}'))
    out.extend(_holiday_pick_changes(area, name, a, b, hol_a & hol_b))
    closed_a = {d.text() for c in a.of("closed") for d in c.dates}
    closed_b = {d.text() for c in b.of("closed") for d in c.dates}
    if closed_b - closed_a:
        dates = ", ".join(sorted(closed_b - closed_a))
        out.append(Change(area, name, "changed", f"now closed on {dates}", None, dates, "shorter"))
    if closed_a - closed_b:
        dates = ", ".join(sorted(closed_a - closed_b))
        out.append(Change(area, name, "changed", f"no longer closed on {dates}", dates, None, "longer"))
    open_a, open_b = _openings(a), _openings(b)
    for date in sorted(set(open_a) | set(open_b)):
        ra, rb = open_a.get(date), open_b.get(date)
        if ra == rb:
            continue
        if ra is None:
            out.append(Change(area, name, "changed", f"special opening added: {date} {_ranges_text(rb)}",
                              None, f"{date} {_ranges_text(rb)}"))
        elif rb is None:
            out.append(Change(area, name, "changed", f"special opening removed: {date} {_ranges_text(ra)}",
                              f"{date} {_ranges_text(ra)}", None))
        else:
            out.append(Change(area, name, "changed",
                              f"special opening on {date}: {_ranges_text(ra)} → {_ranges_text(rb)}",
                              _ranges_text(ra), _ranges_text(rb)))
    return out


def _with_text(line: m.Holidays) -> str:
    """`` with optional, "Carnival"``: what a holidays line adds to its codes."""
    return " with " + ", ".join(p.value if p.category else f'"{p.value}"' for p in line.picks)


def _holiday_picks(decl: m.CalendarDecl) -> dict[str, tuple[set, set]]:
    """Code -> (categories, folded holiday names) its `with` adds (extension)."""
    from slacode.holiday_days import fold_name

    out: dict[str, tuple[set, set]] = {}
    for h in decl.of("holidays"):
        for r in h.regions:
            cats, names = out.setdefault(r.value, (set(), {}))
            for p in h.picks:
                if p.category:
                    cats.add(p.value)
                else:
                    names.setdefault(fold_name(p.value), p.value)
    return out


def _holiday_pick_changes(area, subject, a: m.CalendarDecl, b: m.CalendarDecl, codes: set) -> list[Change]:
    """The categories and holiday names a `with` adds to a code both versions keep: more of
    them close more days (shorter working time), fewer open them again."""
    if not any(h.picks for d in (a, b) for h in d.of("holidays")):
        return []
    picks_a, picks_b = _holiday_picks(a), _holiday_picks(b)
    out = []
    for code in sorted(codes):
        (cats_a, names_a), (cats_b, names_b) = picks_a[code], picks_b[code]
        for words, old, new, fmt in ((("category", "categories"), cats_a, cats_b, lambda x: f"`{x}`"),
                                     (("holiday", "holidays"), set(names_a), set(names_b), None)):
            shown = {**names_a, **names_b}
            say = fmt or (lambda x: f'"{shown[x]}"')
            added, removed = sorted(new - old), sorted(old - new)
            if added:
                text = ", ".join(say(x) for x in added)
                out.append(Change(area, subject, "changed", f'holidays "{code}": {words[len(added) > 1]} '
                                  f"added: {text}", None, text, "shorter"))
            if removed:
                text = ", ".join(say(x) for x in removed)
                out.append(Change(area, subject, "changed", f'holidays "{code}": {words[len(removed) > 1]} '
                                  f"removed: {text}", text, None, "longer"))
    return out


def _openings(decl: m.CalendarDecl) -> dict[str, tuple]:
    out: dict[str, list] = {}
    for o in decl.of("open"):
        out.setdefault(o.date.text(), []).extend((r.start.minutes, r.end.minutes) for r in o.ranges)
    return {d: tuple(sorted(v)) for d, v in out.items()}


# ----------------------------------------------------------------- states & flow

def _states(ctx: _Context) -> list[Change]:
    old_has, new_has = bool(ctx.old.of("states")), bool(ctx.new.of("states"))
    a = {s.name.value: s.final for s in ctx.old.state_decls}
    b = {s.name.value: s.final for s in ctx.new.state_decls}
    area = "states"
    if old_has != new_has:
        if new_has:
            effect = ("count against `flow` and change nothing else" if ctx.new.of("flow")
                      else "change nothing (no trigger, no state)")
            return [Change(area, None, "added", f"a `states` block was added: events into any other state "
                           f"now {effect}", None, decl_text(ctx.new.of("states")[0]), block=True)]
        return [Change(area, None, "removed", "the `states` block was removed: every state is now known",
                       decl_text(ctx.old.of("states")[0]), None, block=True)]
    out = _set_changes(area, None, set(a), set(b), "state")
    for name in b:
        if name in a and a[name] != b[name]:
            out.append(Change(area, None, "changed",
                              f"`{name}` is {'now' if b[name] else 'no longer'} final",
                              str(a[name]).lower(), str(b[name]).lower()))
    return out


def _flow(ctx: _Context) -> list[Change]:
    old_has, new_has = bool(ctx.old.of("flow")), bool(ctx.new.of("flow"))
    area = "flow"
    if old_has != new_has:
        if new_has:
            return [Change(area, None, "added", "a `flow` block was added: the built-in `flow` rule now "
                           "judges every lead's state changes", None, decl_text(ctx.new.of("flow")[0]),
                           block=True)]
        return [Change(area, None, "removed", "the `flow` block was removed: no more `flow` verdicts",
                       decl_text(ctx.old.of("flow")[0]), None, block=True)]
    pairs_a = {(ln.source.value, t.value) for ln in ctx.old.flow_lines for t in ln.targets}
    pairs_b = {(ln.source.value, t.value) for ln in ctx.new.flow_lines for t in ln.targets}
    out = []
    for pairs, word, direction in ((pairs_b - pairs_a, "now allowed", "loosened"),
                                   (pairs_a - pairs_b, "no longer allowed", "tightened")):
        if pairs:
            text = ", ".join(f"{name_text(s)} -> {name_text(t)}" for s, t in sorted(pairs))
            before, after = (None, text) if word == "now allowed" else (text, None)
            out.append(Change(area, None, "changed", f"{word}: {text}", before, after, direction))
    return out


# ------------------------------------------------------------ segments & constants

def _segments(ctx: _Context) -> list[Change]:
    olds, news = ctx.old_segments, ctx.new_segments
    out = []
    for name in _ordered_names(olds, news):
        a, b = olds.get(name), news.get(name)
        if a is None:
            out.append(Change("segment", name, "added", f"added: {pred_text(b.predicate)}",
                              None, pred_text(b.predicate)))
            continue
        if b is None:
            out.append(Change("segment", name, "removed", f"removed (was {pred_text(a.predicate)})",
                              pred_text(a.predicate), None))
            continue
        how = compare_preds(a.predicate, olds, b.predicate, news)
        if how is None:
            continue
        before, after = pred_text(a.predicate), pred_text(b.predicate)
        if before == after:
            message = f"{how} through {_used_segments(ctx, b.predicate)}, which it uses (its own text is unchanged)"
            out.append(Change("segment", name, "changed", message, before, after, _direction(how)))
        else:
            out.append(Change("segment", name, "changed", how, before, after, _direction(how), block=True))
    return out


def _direction(how: str) -> str | None:
    return how if how in ("widened", "narrowed") else None


_LEADS = {"widened": "more", "narrowed": "fewer", "changed": "other", "removed": "no"}


def _segment_change(ctx: _Context, name: str | None) -> str | None:
    """How segment ``name`` changed its meaning (``widened``, ``narrowed``, ``changed``,
    ``removed``), or None when it did not (or a segment of that name is new)."""
    if name is None:
        return None
    olds, news = ctx.old_segments, ctx.new_segments
    names = name.split(" and ")             # `for a and b` (extension): the conjunction as written
    if any(n not in olds for n in names):
        return None
    if any(n not in news for n in names):
        return "removed"
    if len(names) == 1:
        return compare_preds(olds[name].predicate, olds, news[name].predicate, news)
    both = m.And.model_construct(items=tuple(m.SegmentRef.model_construct(name=m.Name.model_construct(value=n))
                                             for n in names))
    return compare_preds(both, olds, both, news)


def _used_segments(ctx: _Context, pred) -> str:
    """The changed segments that ``pred`` names, as text (`` `hot`, `warm` ``)."""
    used = sorted(_segment_refs(pred) & _changed_segments(ctx))
    return ", ".join(f"`{u}`" for u in used) or "the segments it uses"


def _triggers_through(ctx: _Context, old_triggers, new_triggers, words: str) -> list[tuple[str, str]]:
    """``(text, message)`` for each trigger written the same in both versions whose `where`
    now matches other events because a segment it names changed (``words``: the clause,
    ``start on``, ``count`` …)."""
    olds = {k: t for k, t in _keyed_triggers(old_triggers)}
    out = []
    for key, t in _keyed_triggers(new_triggers):
        before = olds.get(key)
        if before is None or t.where is None:
            continue
        how = compare_preds(before.where, ctx.old_segments, t.where, ctx.new_segments)
        if how is not None:
            text = one_line((t,))
            used = ", ".join(f"`{seg}` {_segment_change(ctx, seg)}"
                             for seg in sorted(_segment_refs(t.where) & _changed_segments(ctx)))
            out.append((text, f"`{words} {text}` now matches {_EVENTS[how]} events: {used or 'a segment it uses changed'}"))
    return out


_EVENTS = {"widened": "more", "narrowed": "fewer", "changed": "other"}


def _segment_refs(p) -> set[str]:
    if p.kind in ("or", "and"):
        return set().union(*(_segment_refs(i) for i in p.items))
    if p.kind == "not":
        return _segment_refs(p.item)
    if p.kind == "segment":
        return {p.name.value}
    return set()


def _changed_segments(ctx: _Context) -> set[str]:
    olds, news = ctx.old_segments, ctx.new_segments
    return {n for n in set(olds) | set(news)
            if n not in olds or n not in news
            or compare_preds(olds[n].predicate, olds, news[n].predicate, news) is not None}


def _const_value(decl, constants, memo: dict | None = None) -> Fraction | None:
    """A constant's value, exactly (as quota goals are computed), or None. ``memo`` (one
    per side) keeps the constants worked out, so a long chain of `let`s stays linear."""
    from slacode.checks.expr import evaluate_expr

    try:
        return evaluate_expr(decl.expr, constants, exact=True, memo=memo)
    except Exception:  # noqa: BLE001 - an expression without a value shows as text only
        return None


def _constants(ctx: _Context) -> list[Change]:
    olds, news = ctx.old_constants, ctx.new_constants
    old_memo: dict = {}
    new_memo: dict = {}
    out = []
    for name in _ordered_names(olds, news):
        a, b = olds.get(name), news.get(name)
        if a is None:
            out.append(Change("let", name, "added", f"added: {expr_text(b.expr)}", None, expr_text(b.expr)))
        elif b is None:
            out.append(Change("let", name, "removed", f"removed (was {expr_text(a.expr)})",
                              expr_text(a.expr), None))
        else:
            va, vb = _const_value(a, olds, old_memo), _const_value(b, news, new_memo)
            ta, tb = expr_text(a.expr), expr_text(b.expr)
            if va == vb and va is not None:
                continue                                # same value: a restatement at most
            if ta == tb and (va is None or vb is None):
                continue
            shown_a = ta if va is None or ta == _num(va) else f"{ta} (= {_num(va)})"
            shown_b = tb if vb is None or tb == _num(vb) else f"{tb} (= {_num(vb)})"
            out.append(Change("let", name, "changed", f"{shown_a} → {shown_b}", ta, tb))
    return out


# -------------------------------------------------------------------------- rules

def _rules(ctx: _Context) -> list[Change]:
    olds = {r.name.value: r for r in ctx.old.rules}
    news = {r.name.value: r for r in ctx.new.rules}
    out = []
    for name in _ordered_names(olds, news):
        a, b = olds.get(name), news.get(name)
        if a is None:
            out.append(Change(b.rule_kind, name, "added", f"added (owner {_owner(b)})", None,
                              decl_text(b), block=True))
        elif b is None:
            out.append(Change(a.rule_kind, name, "removed", f"removed (owner {_owner(a)})",
                              decl_text(a), None, block=True))
        else:       # its own text unchanged, a calendar's day or a segment it uses may still change it
            out.extend(_RuleDiff(ctx, a, b).changes())
    return out


def _owner(r) -> str:
    owner = r.owner
    return owner.value if owner is not None else "none"


_TRIGGER_WORDS = {
    "start_on": ("now also starts on", "no longer starts on"),
    "stop_on": ("now also stops on", "no longer stops on"),
    "cancel_on": ("now also cancelled on", "no longer cancelled on"),
    "restart_on": ("now restarts on", "no longer restarts on"),
    "breach_on": ("now also breached on", "no longer breached on"),
    "count": ("now also counts", "no longer counts"),
}

#: a `require` condition that holds for fewer leads asks more of a handoff
_REQUIRE_DIRECTION = {"narrowed": "tightened", "widened": "loosened"}


def _paired(removed: list, added: list, old: dict, new: dict) -> list[tuple[str, str]]:
    """Removed and added `require` conditions that are one condition changed: the only
    removed one and the only added one that read the same fields (`budget > 0` and
    `budget >= 100`), or the only one of each."""
    if len(removed) == 1 and len(added) == 1:
        return [(removed[0], added[0])]

    def reads(p) -> frozenset:
        return frozenset(("state",) if n.field.is_state else ("field", n.field.name)
                         for n in _walk(p) if getattr(n, "field", None) is not None)
    ra = {t: reads(old[t]) for t in removed}
    rb = {t: reads(new[t]) for t in added}
    pairs = []
    for t, fields in ra.items():
        mine = [u for u, f in rb.items() if f == fields]
        if len(mine) == 1 and [x for x, f in ra.items() if f == fields] == [t]:
            pairs.append((t, mine[0]))
    return pairs


def _unneeded_dropped(candidates: list, normals: dict, listed: set) -> list:
    """``candidates`` (texts of conditions) less those that the other conditions of
    ``normals`` (and the ``listed`` fields) kept so far ensure, dropped one at a time."""
    kept = dict(normals)
    out = []
    for t in candidates:
        rest = [n for u, n in kept.items() if u != t]
        if implies(conjunction([filled(f) for f in sorted(listed)] + rest), kept[t]):
            del kept[t]
        else:
            out.append(t)
    return out


def _listed(rule: m.Rule) -> set[str]:
    """The fields a rule's `require` lines list (present and not empty at the handoff)."""
    return {f.name for c in rule.of("require") for f in c.fields}


def _walk(p):
    yield p
    if p.kind in ("or", "and"):
        for i in p.items:
            yield from _walk(i)
    elif p.kind == "not":
        yield from _walk(p.item)

_SINGLE_KINDS = ("at_least_before", "at_least_per_day", "at_most_per_day", "at_most_per_cycle", "gap", "gap_at_most",
                 "first", "only_during", "only_between")


class _RuleDiff:
    """The changes between two versions of one rule."""

    def __init__(self, ctx: _Context, a: m.Rule, b: m.Rule):
        self.ctx, self.a, self.b = ctx, a, b
        self.area = b.rule_kind
        self.name = b.name.value
        self.out: list[Change] = []

    def add(self, message, before=None, after=None, direction=None, block=False):
        self.out.append(Change(self.area, self.name, "changed", message, before, after, direction, block))

    def changes(self) -> list[Change]:
        a, b = self.a, self.b
        if a.rule_kind != b.rule_kind:
            self.add(f"is now a {b.rule_kind} (was a {a.rule_kind})", a.rule_kind, b.rule_kind)
        if _owner(a) != _owner(b):
            self.add(f"owner {_owner(a)} → {_owner(b)}", _owner(a), _owner(b))
        for kind in ("start_on", "stop_on", "cancel_on", "restart_on", "breach_on", "count"):
            self._triggers(kind)
        self._predicate("start_when", "start when")
        self._predicate("pause_while", "pause while")
        self._predicate("stop_when", "stop when")
        self._predicate("cancel_when", "cancel when")
        self._predicate("breach_when", "breach when")
        line_kind = m.default_clause_of(b.rule_kind)
        self._lines("within")
        self._lines("at_least_within")
        self._order(line_kind)
        self._warn()
        self._retarget()
        self._recur()
        self._once()
        self._require()
        for kind in _SINGLE_KINDS:
            self._singles(kind)
        return self.out

    # -- triggers ----------------------------------------------------------------------
    def _trigger_set(self, rule: m.Rule, kind: str) -> dict:
        triggers = rule.triggers(kind)
        if kind == "count" and rule.rule_kind == "attempts" and not rule.of("count"):
            return {("event", "contact_attempt", None): "contact_attempt"}   # the default attempt (§7)
        return _trigger_keys(triggers, self.ctx.old if rule is self.a else self.ctx.new)

    def _triggers(self, kind: str) -> None:
        ta, tb = self._trigger_set(self.a, kind), self._trigger_set(self.b, kind)
        added = [t for k, t in tb.items() if k not in ta]
        removed = [t for k, t in ta.items() if k not in tb]
        yes, no = _TRIGGER_WORDS[kind]
        if added:
            self.add(f"{yes} " + ", ".join(_code(t) for t in added), None, ", ".join(added))
        if removed:
            self.add(f"{no} " + ", ".join(_code(t) for t in removed), ", ".join(removed), None)
        words = "count" if kind == "count" else kind.replace("_", " ")
        for text, message in _triggers_through(self.ctx, self.a.triggers(kind), self.b.triggers(kind), words):
            self.add(message, text, text)

    # -- predicates --------------------------------------------------------------------
    def _predicate(self, kind: str, words: str) -> None:
        ca, cb = self.a.of(kind), self.b.of(kind)
        attr = "predicate"
        self._compare_predicates(ca[0] if ca else None, cb[0] if cb else None, words, attr)

    def _compare_predicates(self, ca, cb, words: str, attr: str) -> None:
        ctx = self.ctx
        if ca is None and cb is None:
            return
        if ca is None:
            text = pred_text(getattr(cb, attr))
            self.add(f"added `{words} {text}`", None, text)
        elif cb is None:
            text = pred_text(getattr(ca, attr))
            self.add(f"removed `{words} {text}`", text, None)
        else:
            pa, pb = getattr(ca, attr), getattr(cb, attr)
            how = compare_preds(pa, ctx.old_segments, pb, ctx.new_segments)
            if how is None:
                return
            before, after = pred_text(pa), pred_text(pb)
            if before == after:
                self.add(f"`{words} {after}` {how} through {_used_segments(ctx, pb)}, which it uses "
                         "(its own text is unchanged)", before, after, _direction(how))
            else:
                self.add(f"`{words}` {how}", before, after, _direction(how), block=True)

    # -- target lines ------------------------------------------------------------------
    def _lines(self, kind: str) -> None:
        la, lb = _keyed(self.a.of(kind), _line_key), _keyed(self.b.of(kind), _line_key)
        for key in list(lb) + [k for k in la if k not in lb]:
            ca, cb = la.get(key), lb.get(key)
            label = _line_label(key)
            seg = key[0][0] if isinstance(key[0], tuple) else key[0]
            if ca is None:
                self.add(f"added the line `{clause_text(cb)}`", None, clause_text(cb), "tightened"
                         if key[0] is None else None)
            elif cb is None:
                self.add(f"removed the line `{clause_text(ca)}`", clause_text(ca), None, "loosened"
                         if key[0] is None else None)
            else:
                self._line_pair(label, ca, cb)
                self._through_segment(seg, ca, cb)

    def _through_segment(self, seg: str | None, ca, cb) -> None:
        """A `for SEG` line whose text is the same, whose segment changed its meaning: the
        line now holds for other leads."""
        how = _segment_change(self.ctx, seg)
        if how is not None and clause_text(ca) == clause_text(cb):
            self.add(f"the line `{clause_text(cb)}` now applies to {_LEADS[how]} leads: `{seg}` {how}",
                     clause_text(ca), clause_text(cb))

    def _line_pair(self, label: str, ca, cb) -> None:
        if getattr(ca, "due", None) is not None:        # `due at FIELD` (extension): the same field on both
            cal_a = ca.calendar.value if ca.calendar else None
            cal_b = cb.calendar.value if cb.calendar else None
            if cal_a != cal_b:                          # (the deadline is the same instant; its working time differs)
                self.add(f"{label}: calendar {cal_a or '(wall clock)'} → {cal_b or '(wall clock)'}", cal_a, cal_b)
            return
        if ca.day is not None or cb.day is not None:     # a target by the working day (extension)
            self._day_pair(label, ca, cb)
            return
        ctx = self.ctx
        da, db = ca.duration, cb.duration
        cal_a = ca.calendar.value if ca.calendar else None
        cal_b = cb.calendar.value if cb.calendar else None
        na, nb = getattr(ca, "n", None), getattr(cb, "n", None)
        day_a, day_b = ctx.day_seconds("old", ca.calendar), ctx.day_seconds("new", cb.calendar)
        # on a choice of calendars with days of different lengths, `1d` has no one length
        unknown = (day_a is None and da.days) or (day_b is None and db.days)
        sa, sb = da.seconds(day_a or DAY_SECONDS), db.seconds(day_b or DAY_SECONDS)
        if unknown and da.compact() != db.compact():
            sa, sb = da.compact(), db.compact()             # unequal, and no direction
        if cal_a != cal_b:
            self.add(f"{label}: calendar {cal_a or '(wall clock)'} → {cal_b or '(wall clock)'}",
                     cal_a, cal_b)
        # the same working time written another way (`90m`, `1h30m`; `2d` and `16h` on an 8-hour
        # calendar) is a restatement; the calendar itself is compared above
        if na != nb or sa != sb:
            what_a = f"{_num(na)} within {da.compact()}" if na is not None else da.compact()
            what_b = f"{_num(nb)} within {db.compact()}" if nb is not None else db.compact()
            direction = None
            if cal_a == cal_b and not unknown:
                more_time = (sb > sa) - (sb < sa)
                more_work = 0 if na is None else (nb > na) - (nb < na)
                if more_time <= 0 and more_work >= 0 and (more_time, more_work) != (0, 0):
                    direction = "tightened"
                elif more_time >= 0 and more_work <= 0 and (more_time, more_work) != (0, 0):
                    direction = "loosened"
            verb = direction or "changed"
            texts = f"`{clause_text(ca)}` → `{clause_text(cb)}` ({label})"
            if what_a == what_b:                     # same text, the calendar's day changed
                self.add(f"{what_a} on {cal_b or 'the wall clock'} {verb}: now {_duration_words(sb)} of "
                         f"working time, was {_duration_words(sa)} ({label})",
                         clause_text(ca), clause_text(cb), direction)
            else:
                self.add(f"target {verb} from {what_a} to {what_b}: {texts}", clause_text(ca), clause_text(cb),
                         direction)

    def _day_pair(self, label: str, ca, cb) -> None:
        """Two lines of one key, one or both by the working day: the calendar, and the target
        in words, loosened or tightened where one deadline is never earlier than the other
        (on the same calendar, for every start)."""
        cal_a = ca.calendar.value if ca.calendar else None
        cal_b = cb.calendar.value if cb.calendar else None
        if cal_a != cal_b:
            self.add(f"{label}: calendar {cal_a or '(wall clock)'} → {cal_b or '(wall clock)'}", cal_a, cal_b)
        na, nb = getattr(ca, "n", None), getattr(cb, "n", None)
        wa, wb = _target_words(ca), _target_words(cb)
        if wa == wb and na == nb:
            return
        direction = None
        if cal_a == cal_b and ca.day is not None and cb.day is not None:
            shapes = _day_shapes(self.ctx.new, cb.calendar)
            same_hours = shapes == _day_shapes(self.ctx.old, ca.calendar)
            later = _later_day(ca.day, cb.day, shapes) if same_hours else None
            more_work = 0 if na is None else (nb > na) - (nb < na)
            if later is not None and (later, more_work) != (0, 0):
                if later <= 0 and more_work >= 0:
                    direction = "tightened"
                elif later >= 0 and more_work <= 0:
                    direction = "loosened"
        what_a = f"{_num(na)} within {wa}" if na is not None else wa
        what_b = f"{_num(nb)} within {wb}" if nb is not None else wb
        self.add(f"target {direction or 'changed'} from {what_a} to {what_b}: `{clause_text(ca)}` → "
                 f"`{clause_text(cb)}` ({label})", clause_text(ca), clause_text(cb), direction)

    def _order(self, kind: str) -> None:
        seq_a = [c.segment.value for c in self.a.of(kind) if c.segment is not None]
        seq_b = [c.segment.value for c in self.b.of(kind) if c.segment is not None]
        common = set(seq_a) & set(seq_b)
        ra = list(dict.fromkeys(s for s in seq_a if s in common))
        rb = list(dict.fromkeys(s for s in seq_b if s in common))
        if ra != rb:
            self.add(f"the `for` lines are tried in another order: {', '.join(ra)} → {', '.join(rb)} "
                     "(the first whose segment holds applies)", ", ".join(ra), ", ".join(rb))

    # -- warn, require -----------------------------------------------------------------
    def _warn(self) -> None:
        wa, wb = self.a.of("warn"), self.b.of("warn")
        if len(wa) > 1 or len(wb) > 1:             # several warning levels: which came, which went
            self._warn_levels(wa, wb)
            return
        pa = wa[0].percent if wa else None
        pb = wb[0].percent if wb else None
        if (wa and wa[0].before is not None) or (wb and wb[0].before is not None):
            ta, tb = (wa[0].text() if wa else None), (wb[0].text() if wb else None)
            sa = wa[0].before.seconds(DAY_SECONDS) if wa and wa[0].before is not None else None
            sb = wb[0].before.seconds(DAY_SECONDS) if wb and wb[0].before is not None else None
            if ta == tb or (sa is not None and sa == sb):
                return
            if ta is None:
                self.add(f"now warns: `{tb}`", None, tb)
            elif tb is None:
                self.add(f"no longer warns (was `{ta}`)", ta, None)
            elif sa is not None and sb is not None:
                direction = "earlier" if sb > sa else "later"
                self.add(f"warns `{tb}`, was `{ta}` ({direction})", ta, tb, direction)
            else:
                self.add(f"warns `{tb}`, was `{ta}`", ta, tb)
            return
        if pa == pb:
            return
        if pa is None:
            self.add(f"now warns at {_num(pb)}%", None, f"{_num(pb)}%")
        elif pb is None:
            self.add(f"no longer warns (was at {_num(pa)}%)", f"{_num(pa)}%", None)
        else:
            direction = "earlier" if pb < pa else "later"
            self.add(f"warns at {_num(pb)}%, was {_num(pa)}% ({direction})", f"{_num(pa)}%", f"{_num(pb)}%",
                     direction)

    def _warn_levels(self, wa: list, wb: list) -> None:
        """The warning levels added and removed, where either side has several (a level is
        the same when its share, or its time before the deadline, is)."""
        def levels(ws: list) -> dict:
            found: dict = {}
            for w in ws:
                key = ("%", w.percent) if w.before is None else ("before", w.before.seconds(DAY_SECONDS))
                found.setdefault(key, w.text())
            return found
        la, lb = levels(wa), levels(wb)
        for key, text in la.items():
            if key not in lb:
                self.add(f"no longer warns `{text}`", text, None)
        for key, text in lb.items():
            if key not in la:
                self.add(f"now also warns `{text}`" if la else f"now warns: `{text}`", None, text)

    def _retarget(self) -> None:
        ra, rb = bool(self.a.of("retarget")), bool(self.b.of("retarget"))
        if rb and not ra:
            self.add("now chooses an open cycle's target line again when the lead's segment changes "
                     "(`retarget when segment changes`)", None, "retarget when segment changes")
        elif ra and not rb:
            self.add("no longer chooses an open cycle's target line again: the line chosen at the start "
                     "stays (was `retarget when segment changes`)", "retarget when segment changes", None)

    def _recur(self) -> None:
        """`recur [sequential] [while P]` (extension) added, dropped or changed: more cycles or
        fewer, with no direction."""
        from slacode.fmt import one_line

        ta, tb = (one_line(r.of("recur")[0]) if r.of("recur") else None for r in (self.a, self.b))
        if ta == tb:
            return
        if ta is None:
            self.add(f"now opens the next cycle by itself after each stop (`{tb}`)", None, tb)
        elif tb is None:
            self.add(f"no longer opens the next cycle by itself after a stop: only a start opens one (was `{ta}`)",
                     ta, None)
        else:
            self.add(f"now recurs as `{tb}` (was `{ta}`)", ta, tb)

    def _once(self) -> None:
        """`start once` (extension) on or off: fewer cycles or more, with no direction (a
        target's share of met cycles may go either way)."""
        oa, ob = (any(c.once for c in r.of("start_on") + r.of("start_when")) for r in (self.a, self.b))
        if ob and not oa:
            self.add("now starts once per lead: a start after the lead's first cycle opens no new one "
                     "(`start once`)", None, "start once")
        elif oa and not ob:
            self.add("now starts a new cycle at every start after the last one closed (was `start once`: "
                     "one cycle per lead)", "start once", None)

    def _require(self) -> None:
        fa = {f.name for c in self.a.of("require") for f in c.fields}
        fb = {f.name for c in self.b.of("require") for f in c.fields}
        if fb - fa:
            names = ", ".join(f"`{f}`" for f in sorted(fb - fa))
            self.add(f"now requires {names}", None, ", ".join(sorted(fb - fa)), "tightened")
        if fa - fb:
            names = ", ".join(f"`{f}`" for f in sorted(fa - fb))
            self.add(f"no longer requires {names}", ", ".join(sorted(fa - fb)), None, "loosened")
        self._conditions()

    def _conditions(self) -> None:
        """`require … where` (extension): the requirement is compared as a whole first (the
        `and` of every condition of every line, with the fields both versions list as
        present): equivalent, nothing changed. Otherwise the conditions (parts joined by
        `and`) added, removed or changed are named, leaving out those the other version's
        requirement already ensures, and one written the same but changed through a segment.
        A direction is claimed where implication holds one way."""
        from slacode.requirement import conditions_of

        ctx = self.ctx
        ta = {pred_text(p): p for p in conditions_of(self.a)}
        tb = {pred_text(p): p for p in conditions_of(self.b)}
        if not ta and not tb:
            return
        na = {t: normal_pred(p, ctx.old_segments) for t, p in ta.items()}
        nb = {t: normal_pred(p, ctx.new_segments) for t, p in tb.items()}
        listed = _listed(self.a) & _listed(self.b)
        whole_a = conjunction([filled(f) for f in sorted(listed)] + list(na.values()))
        whole_b = conjunction([filled(f) for f in sorted(listed)] + list(nb.values()))
        looser, stricter = implies(whole_a, whole_b), implies(whole_b, whole_a)
        if looser and stricter:
            return                              # the same requirement, written otherwise
        overall = "tightened" if stricter else "loosened" if looser else None

        def told(direction):                    # no direction against the whole's
            return direction if overall is None or direction == overall else None

        ensured_by_new = {t for t in ta if implies(whole_b, na[t])}
        ensured_by_old = {u for u in tb if implies(whole_a, nb[u])}
        removed = [t for t in ta if t not in tb]
        added = [t for t in tb if t not in ta]
        for t in list(removed):                 # written otherwise, the same meaning (`x in [1]`, `x == 1`)
            same = next((u for u in added if implies(na[t], nb[u]) and implies(nb[u], na[t])), None)
            if same is not None:
                removed.remove(t)
                added.remove(same)
        # a condition its own version's other conditions ensure says nothing: left out
        removed = _unneeded_dropped(removed, na, listed)
        added = _unneeded_dropped(added, nb, listed)
        said = len(self.out)
        for before, after in _paired(removed, added, ta, tb):
            removed.remove(before)
            added.remove(after)
            if before in ensured_by_new and after in ensured_by_old:
                continue
            how = compare_preds(ta[before], ctx.old_segments, tb[after], ctx.new_segments)
            direction = told(_REQUIRE_DIRECTION.get(how))
            self.add(f"the `require` condition {_code(before)} became {_code(after)}"
                     + (f" ({direction})" if direction else ""),
                     before, after, direction)
        for t in added:
            if t not in ensured_by_old:
                self.add(f"now requires the condition {_code(t)} at the handoff", None, t, told("tightened"))
        for t in removed:
            if t not in ensured_by_new:
                self.add(f"no longer requires the condition {_code(t)} at the handoff", t, None, told("loosened"))
        for t in ta:
            if t in tb:
                how = compare_preds(ta[t], ctx.old_segments, tb[t], ctx.new_segments)
                if how is not None:
                    self.add(f"the `require` condition {_code(t)} now holds for {_LEADS[how]} leads: "
                             f"{_used_segments(ctx, tb[t])} {how} (its own text is unchanged)", t, t,
                             told(_REQUIRE_DIRECTION.get(how)))
        if len(self.out) == said:               # no one condition to name: the whole changed
            before, after = " and ".join(ta), " and ".join(tb)
            self.add("the `require` conditions changed" + (f" ({overall})" if overall else ""),
                     before or None, after or None, overall, block=True)

    # -- attempts clauses --------------------------------------------------------------
    def _singles(self, kind: str) -> None:
        ca, cb = self.a.of(kind), self.b.of(kind)
        for i in range(max(len(ca), len(cb))):
            key = kind if i == 0 else f"{kind}_{i + 1}"
            x = ca[i] if i < len(ca) else None
            y = cb[i] if i < len(cb) else None
            if x is None:
                self.add(f"added `{clause_text(y)}` ({key})", None, clause_text(y), "tightened")
            elif y is None:
                self.add(f"removed `{clause_text(x)}` ({key})", clause_text(x), None, "loosened")
            elif kind == "first":
                self._compare_predicates(x, y, "first where", "predicate")
            else:
                if x.model_dump() != y.model_dump():
                    self._single_pair(kind, key, x, y)
                if kind == "at_least_before":           # its trigger's `where` through a segment
                    for text, message in _triggers_through(self.ctx, x.triggers, y.triggers,
                                                           f"at least {_num(y.n)} before"):
                        self.add(f"{key}: {message}", text, text)

    def _single_pair(self, kind: str, key: str, x, y) -> None:
        before, after = clause_text(x), clause_text(y)
        direction = None
        if kind == "at_least_before":
            ka, kb = _trigger_keys(x.triggers, self.ctx.old), _trigger_keys(y.triggers, self.ctx.new)
            ta, tb = list(ka.values()), list(kb.values())
            if set(ka) != set(kb):
                self.add(f"{key}: trigger `{' or '.join(ta)}` → `{' or '.join(tb)}`", before, after)
            if x.n == y.n:
                return
            direction = "tightened" if y.n > x.n else "loosened"
            self.add(f"{key}: {direction} from {_num(x.n)} to {_num(y.n)} attempts before the trigger",
                     before, after, direction)
            return
        if kind == "at_most_per_day":
            ca, cb = (x.calendar.value if x.calendar else None), (y.calendar.value if y.calendar else None)
            if ca != cb:
                self.add(f"{key}: days counted on {ca or 'the agreement timezone'} → "
                         f"{cb or 'the agreement timezone'}", before, after)
            if x.n != y.n:
                direction = "tightened" if y.n < x.n else "loosened"
                self.add(f"{key}: {direction} from at most {_num(x.n)} to at most {_num(y.n)} a day",
                         before, after, direction)
            return
        if kind == "at_least_per_day":
            ca, cb = (x.calendar.value if x.calendar else None), (y.calendar.value if y.calendar else None)
            if ca != cb:
                self.add(f"{key}: days counted on {ca or 'wall-clock time'} → {cb or 'wall-clock time'}",
                         before, after)
            if x.n != y.n:
                direction = "tightened" if y.n > x.n else "loosened"
                self.add(f"{key}: {direction} from at least {_num(x.n)} to at least {_num(y.n)} a day",
                         before, after, direction)
            sa, sb = x.duration.seconds(DAY_SECONDS), y.duration.seconds(DAY_SECONDS)
            if sa != sb:
                direction = "tightened" if sb > sa else "loosened"
                self.add(f"{key}: {direction}: every day for {x.duration.compact()} → {y.duration.compact()}",
                         before, after, direction)
            return
        if kind == "at_most_per_cycle":
            if x.n != y.n:
                direction = "tightened" if y.n < x.n else "loosened"
                self.add(f"{key}: {direction} from at most {_num(x.n)} to at most {_num(y.n)} attempts a cycle",
                         before, after, direction)
            return
        if kind == "gap":
            sa, sb = x.duration.seconds(DAY_SECONDS), y.duration.seconds(DAY_SECONDS)
            if sa != sb:
                direction = "tightened" if sb > sa else "loosened"
                self.add(f"{key}: {direction} from {x.duration.compact()} to {y.duration.compact()} "
                         "between attempts", before, after, direction)
            return
        if kind == "gap_at_most":
            ca, cb = (x.calendar.value if x.calendar else None), (y.calendar.value if y.calendar else None)
            if ca != cb:
                self.add(f"{key}: silence counted on {ca or 'wall-clock time'} → {cb or 'wall-clock time'}",
                         before, after)
            # `1d` is a working day of the calendar (`1d` and `8h` on an 8h day mean the same);
            # across two calendars (8 working hours can span a weekend) there is no direction
            sa = x.duration.seconds(self.ctx.day_seconds("old", x.calendar) or DAY_SECONDS)
            sb = y.duration.seconds(self.ctx.day_seconds("new", y.calendar) or DAY_SECONDS)
            if ca != cb:
                if x.duration.compact() != y.duration.compact():
                    self.add(f"{key}: changed from at most {x.duration.compact()} to at most {y.duration.compact()} "
                             "without an attempt", before, after)
            elif sa != sb:
                direction = "tightened" if sb < sa else "loosened"
                self.add(f"{key}: {direction} from at most {x.duration.compact()} to at most "
                         f"{y.duration.compact()} without an attempt", before, after, direction)
            return
        if kind == "only_during":
            self.add(f"{key}: calendar {x.calendar.value} → {y.calendar.value}", before, after)
            return
        if kind == "only_between":
            wa = _minute_set([(x.window.start.minutes, x.window.end.minutes)])
            wb = _minute_set([(y.window.start.minutes, y.window.end.minutes)])
            if wa != wb:
                direction = "tightened" if wb < wa else "loosened" if wa < wb else None
                self.add(f"{key}: window {x.window.text()} → {y.window.text()}"
                         + (f" ({direction})" if direction else ""), before, after, direction)


def _n(name: m.Name) -> str:
    """An event type or a state as ``fmt`` writes it (in backquotes where it needs them)."""
    return name_text(name.value, name.quoted)


def _trigger_items(triggers) -> Iterable[str]:
    """One text per trigger, with `enter a, b` split into `enter a`, `enter b`."""
    for t in triggers:
        if t.kind in ("enter", "leave"):
            for s in t.states:
                yield f"{t.kind} {_n(s)}"
        else:
            yield one_line((t,))


def _trigger_keys(triggers, agreement: m.Agreement | None = None) -> dict:
    """Each trigger's text (as :func:`_trigger_items`) by what it means: a `where` by its
    normal form, so `a == 1 and b in ["x"]` and `b == "x" and a == 1` are one trigger; a
    `breach of RULE` (`warning of RULE`, `success of RULE`) by the clause it names, the default filled in from
    ``agreement`` (so `breach of r` and `breach of r clause within` are one trigger)."""
    out: dict = {}
    for t in triggers:
        if t.breach is not None:
            rule, clause = t.breach
            key = clause.value if clause is not None else None
            decl = agreement.rule(rule.value) if agreement is not None and key is None else None
            if decl is not None:
                key = m.default_clause_of(decl.rule_kind)
            out.setdefault(("breach", rule.value, key), one_line((t,)))
        elif t.warning is not None or t.success is not None:    # `warning of` / `success of RULE`: keyed
            word = "warning" if t.warning is not None else "success"    # as a breach is
            rule, clause = t.warning if t.warning is not None else t.success
            key = clause.value if clause is not None else None
            decl = agreement.rule(rule.value) if agreement is not None and key is None else None
            if decl is not None:
                key = m.default_clause_of(decl.rule_kind)
            out.setdefault((word, rule.value, key), one_line((t,)))
        elif t.kind in ("enter", "leave"):
            for s in t.states:
                out.setdefault((t.kind, s.value), f"{t.kind} {_n(s)}")
        else:
            where = None if t.where is None else _unordered(normal_pred(t.where, {}))
            out.setdefault(("event", t.type.value if t.type else None, where), one_line((t,)))
    return out


def _keyed_triggers(triggers) -> list[tuple]:
    """``(key, trigger)`` of each event trigger with a `where`, keyed as :func:`_trigger_keys`
    keys it (segments by name)."""
    return [(("event", t.type.value if t.type else None, _unordered(normal_pred(t.where, {}))), t)
            for t in triggers if t.kind not in ("enter", "leave") and t.where is not None]


def _unordered(n):
    """A normal form whose `and` / `or` items are a set (their order means nothing)."""
    if isinstance(n, tuple) and n and n[0] in ("and", "or"):
        return (n[0], frozenset(_unordered(i) for i in n[1]))
    if isinstance(n, tuple) and n and n[0] == "not":
        return ("not", _unordered(n[1]))
    return n


def _segment_key(c) -> str | None:
    return c.segment.value if c.segment is not None else None


def _keyed(clauses, key_of) -> dict[tuple, Any]:
    """Clauses by (key, occurrence), so a repeated key pairs in order."""
    out: dict[tuple, Any] = {}
    seen: Counter = Counter()
    for c in clauses:
        k = key_of(c)
        out[(k, seen[k])] = c
        seen[k] += 1
    return out


def _line_key(c):
    """A target line's key: its segment, and for a `due at FIELD` line (extension) its field
    too (``(segment, field)``), so that it pairs with the same field's line."""
    due = getattr(c, "due", None)
    return _segment_key(c) if due is None else (_segment_key(c), due.name)


def _line_label(key: tuple) -> str:
    seg, n = key
    if isinstance(seg, tuple):                  # `due at FIELD` (extension)
        seg, field = seg
        name = f"the `due at {field}` line" + (f" for `{seg}`" if seg is not None else "")
        return name if n == 0 else f"{name} (#{n + 1})"
    name = "the default line" if seg is None else f"the line for `{seg}`"
    return name if n == 0 else f"{name} (#{n + 1})"


# --------------------------------------------------------------- targets & quotas

def _goal_value(expr, constants) -> Fraction | None:
    """A goal's value, exactly (as a quota's goal is computed), or None."""
    from slacode.compile import evaluate_expr

    try:
        return evaluate_expr(expr, constants, exact=True)
    except Exception:  # noqa: BLE001
        return None


def _aggregate_pairs(ctx: _Context, kind: str):
    olds = {d.name.value: d for d in ctx.old.of(kind)}
    news = {d.name.value: d for d in ctx.new.of(kind)}
    for name in _ordered_names(olds, news):
        yield name, olds.get(name), news.get(name)


def _aggregate_common(kind, name, a, b) -> list[Change]:
    if a is None:
        return [Change(kind, name, "added", f"added (owner {_owner(b)})", None, decl_text(b), block=True)]
    if b is None:
        return [Change(kind, name, "removed", f"removed (owner {_owner(a)})", decl_text(a), None, block=True)]
    out = []
    if _owner(a) != _owner(b):
        out.append(Change(kind, name, "changed", f"owner {_owner(a)} → {_owner(b)}", _owner(a), _owner(b)))
    by_a, by_b = _by(a), _by(b)
    if by_a != by_b:
        if by_b is None:
            words = ("no longer one goal per rep: one for the whole team" if a.by_assignee
                     else f"no longer one goal per `{a.by_field}`: one for all leads")
        elif b.by_assignee:
            words = "now one goal per rep (`by assignee`)"
        else:
            words = f"now one goal per value of `{b.by_field}` ({_code(by_b)})"
        if by_a is not None and by_b is not None:           # regrouped: say what it was
            words += f", was {_code(by_a)}"
        out.append(Change(kind, name, "changed", words, by_a, by_b))
    return out


def _code(text: str) -> str:
    """``text`` as inline code in Markdown: fenced with two backquotes when it holds one."""
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def _by(goal) -> str | None:
    """A goal's `by` line as written (`by assignee`, `` by `utm-source` ``), or None."""
    if goal.by_assignee:
        return "by assignee"
    by = goal._first("by_field")
    return None if by is None else "by " + ", ".join(f.text() for f in by.fields)


def _measured(agreement: m.Agreement, line) -> tuple | None:
    """What a target's `rule` line measures: (rule, clause, segment), its clause the rule's
    main one when not written (`rule r` is `rule r clause within` for a deadline)."""
    if line is None:
        return None
    name = line.rule.value
    clause = line.clause.value if line.clause is not None else None
    if clause is None:
        rule = agreement.rule(name)
        clause = ("transition" if name == "flow" else
                  m.default_clause_of(rule.rule_kind if rule is not None else None))
    return name, clause, line.segment.value if line.segment is not None else None


def _targets(ctx: _Context) -> list[Change]:
    out = []
    for name, a, b in _aggregate_pairs(ctx, "target"):
        out.extend(_aggregate_common("target", name, a, b))
        if a is None or b is None:      # (an unchanged text still reads constants that may change)
            continue
        ra, rb = a.rule, b.rule
        ta = clause_text(ra) if ra else "(none)"
        tb = clause_text(rb) if rb else "(none)"
        if _measured(ctx.old, ra) != _measured(ctx.new, rb):
            out.append(Change("target", name, "changed", f"measures `{tb}`, was `{ta}`", ta, tb))
        elif rb is not None and rb.segment is not None:
            seg = rb.segment.value
            how = _segment_change(ctx, seg)
            if how is not None:
                out.append(Change("target", name, "changed",
                                  f"`{tb}` now measures the cycles of {_LEADS[how]} leads: `{seg}` {how}", ta, tb))
        ga, gb = a.goal, b.goal
        if ga is None or gb is None:
            if (ga is None) != (gb is None):
                out.append(Change("target", name, "changed", "goal " + ("added" if gb else "removed"),
                                  clause_text(ga) if ga else None, clause_text(gb) if gb else None))
            continue
        va, vb = _goal_value(ga.percent, ctx.old_constants), _goal_value(gb.percent, ctx.new_constants)
        if va != vb or (va is None and expr_text(ga.percent) != expr_text(gb.percent)):
            direction = None
            if va is not None and vb is not None:
                direction = "tightened" if vb > va else "loosened"
            shown_a = _num(va) if va is not None else expr_text(ga.percent)
            shown_b = _num(vb) if vb is not None else expr_text(gb.percent)
            out.append(Change("target", name, "changed",
                              f"{direction or 'changed'} from {shown_a}% to {shown_b}% met",
                              clause_text(ga), clause_text(gb), direction))
        if ga.period_text() != gb.period_text():      # (`per working day on CAL`: its calendar too)
            out.append(Change("target", name, "changed", f"period per {ga.period_text()} → per {gb.period_text()}",
                              ga.period_text(), gb.period_text()))
    return out


def _quotas(ctx: _Context) -> list[Change]:
    out = []
    for name, a, b in _aggregate_pairs(ctx, "quota"):
        out.extend(_aggregate_common("quota", name, a, b))
        if a is None or b is None:      # (an unchanged text still reads constants that may change)
            continue
        ma, mb = a.measure, b.measure
        out.extend(_measure_change(name, ma, mb))
        verb = f"adds up `{mb.prop.name}` of" if mb is not None and mb.kind == "sum" else "counts"
        ta = _trigger_keys(ma.triggers, ctx.old) if ma else {}
        tb = _trigger_keys(mb.triggers, ctx.new) if mb else {}
        added = [t for k, t in tb.items() if k not in ta]
        removed = [t for k, t in ta.items() if k not in tb]
        if added:
            out.append(Change("quota", name, "changed", f"now also {verb} " + ", ".join(_code(t) for t in added),
                              None, ", ".join(added)))
        if removed:
            out.append(Change("quota", name, "changed", f"no longer {verb} " + ", ".join(_code(t) for t in removed),
                              ", ".join(removed), None))
        if ma and mb:
            for text, message in _triggers_through(ctx, ma.triggers, mb.triggers, "count"):
                out.append(Change("quota", name, "changed", message, text, text))
            sa = ma.segment.value if ma.segment else None
            sb = mb.segment.value if mb.segment else None
            if sa != sb:
                whose = "counts" if verb == "counts" else "adds up"
                message = (f"now {whose} only the events of leads in `{sb}`" if sa is None else
                           f"now {whose} the events of leads in any segment, not only `{sa}`" if sb is None else
                           f"now {whose} the events of leads in `{sb}`, not `{sa}`")
                at_least = b.goal is None or b.goal.bound == "least"   # fewer events counted: harder
                direction = None
                if sa is None or sb is None:
                    fewer = sa is None
                    direction = "tightened" if fewer == at_least else "loosened"
                out.append(Change("quota", name, "changed", message, sa, sb, direction))
        out.extend(_pace_change(name, a.pace, b.pace))
        ga, gb = a.goal, b.goal
        if ga is None or gb is None:
            if (ga is None) != (gb is None):
                out.append(Change("quota", name, "changed", "goal " + ("added" if gb else "removed"),
                                  clause_text(ga) if ga else None, clause_text(gb) if gb else None))
            continue
        va, vb = _goal_value(ga.amount, ctx.old_constants), _goal_value(gb.amount, ctx.new_constants)
        if ga.bound != gb.bound or va != vb or (va is None and expr_text(ga.amount) != expr_text(gb.amount)):
            direction = None
            if ga.bound == gb.bound and va is not None and vb is not None:
                higher = vb > va
                direction = "tightened" if higher == (ga.bound == "least") else "loosened"
            shown_a = f"at {ga.bound} {_num(va) if va is not None else expr_text(ga.amount)}"
            shown_b = f"at {gb.bound} {_num(vb) if vb is not None else expr_text(gb.amount)}"
            out.append(Change("quota", name, "changed", f"{direction or 'changed'} from {shown_a} to {shown_b}",
                              clause_text(ga), clause_text(gb), direction))
        if ga.period_text() != gb.period_text():      # (`per working day on CAL`: its calendar too)
            out.append(Change("quota", name, "changed", f"period per {ga.period_text()} → per {gb.period_text()}",
                              ga.period_text(), gb.period_text()))
    return out


def _pace_change(name: str, a, b) -> list[Change]:
    """A quota's `warn behind pace [on CAL]` (extension) added, removed, or measured on
    another clock (wall-clock time, or a calendar's working time)."""
    ta, tb = (a.text() if a is not None else None), (b.text() if b is not None else None)
    if ta == tb:
        return []
    if a is None:
        return [Change("quota", name, "changed", f"now warns behind pace: `{tb}`", None, tb)]
    if b is None:
        return [Change("quota", name, "changed", f"no longer warns behind pace (was `{ta}`)", ta, None)]

    def clock(line) -> str:
        return "wall-clock time" if line.calendar is None else f"`{line.calendar.value}`'s working time"

    return [Change("quota", name, "changed", f"its pace is now measured in {clock(b)}, was {clock(a)}", ta, tb)]


def _measure_change(name: str, a, b) -> list[Change]:
    """A quota that now adds up a property where it counted events, or the other way round,
    or adds up another property (`sum PROP of …`, extension): its values mean something
    else, so the change has no direction."""
    if a is None or b is None:
        return []
    pa = a.prop.name if a.kind == "sum" else None
    pb = b.prop.name if b.kind == "sum" else None
    if pa == pb:
        return []
    if pa is None:
        message = f"now adds up `{pb}` of its events instead of counting them"
    elif pb is None:
        message = f"now counts its events instead of adding up `{pa}`"
    else:
        message = f"now adds up `{pb}`, not `{pa}`"
    return [Change("quota", name, "changed", message, clause_text(a), clause_text(b))]


def _tests(ctx: _Context) -> list[Change]:
    olds = {d.name.value: d for d in ctx.old.tests}
    news = {d.name.value: d for d in ctx.new.tests}
    out = []
    for name in _ordered_names(olds, news):
        a, b = olds.get(name), news.get(name)
        label = f'"{name}"'
        if a is None:
            out.append(Change("test", label, "added", "added", None, decl_text(b)))
        elif b is None:
            out.append(Change("test", label, "removed", "removed", decl_text(a), None))
        elif a.model_dump() != b.model_dump():
            out.append(Change("test", label, "changed", "events or expectations changed",
                              decl_text(a), decl_text(b)))
    return out


# --------------------------------------------------------------------- restated

def _decl_key(d) -> tuple[str, str | None]:
    if d.kind == "rule":
        return ("rule", d.name.value)
    if d.kind == "test":
        return ("test", f'"{d.name.value}"')
    name = getattr(d, "name", None)
    return (d.kind, name.value if name is not None else None)


def _restated(ctx: _Context, changes: list[Change]) -> list[Change]:
    """Declarations whose text changed with no change found in their meaning."""
    def grouped(agreement):
        out: dict[tuple, list] = {}
        for d in agreement.declarations:
            out.setdefault(_decl_key(d), []).append(d.model_dump())
        return out

    ga, gb = grouped(ctx.old), grouped(ctx.new)
    touched = {(c.area, c.subject) for c in changes}
    rule_kinds = {"handoff", "deadline", "attempts"}
    touched |= {("rule", s) for a, s in touched if a in rule_kinds}
    touched |= {("calendar_choice", s) for a, s in touched if a == "calendar"}     # area `calendar` too
    out = []
    for key in list(gb) + [k for k in ga if k not in gb]:
        if key in ga and key in gb and ga[key] != gb[key] and key not in touched:
            kind, name = key
            area = kind
            if kind == "rule":
                area = next(d.rule_kind for d in ctx.new.rules if d.name.value == name)
            elif kind == "calendar_choice":
                area = "calendar"
            out.append(Change(area, name, "restated", "written differently, same meaning"))
    if not out and ga == gb and not changes:
        out.append(Change("file", None, "restated", "declarations in another order, same meaning"))
    return out
