"""A verdict (LANGUAGE.md §11): one per (lead, rule, clause, cycle), or per (rule, period)
for aggregates, and how it is written (``to_dict``: RFC 3339 instants in the zone that applied).
"""
from __future__ import annotations

from dataclasses import MISSING, dataclass, field, fields
from datetime import datetime, timezone
from numbers import Number
from typing import Any, Literal

from slacode import instants
from slacode.texts import int_digits

UTC = timezone.utc

VERDICT_KEYS = ("lead", "rule", "clause", "cycle", "period", "status", "owner", "assignee", "segment",
                "started_at", "due_at", "completed_at", "warn_at", "target_seconds", "elapsed_seconds",
                "value", "threshold", "evidence", "reason")



_INSTANT_KEYS = ("started_at", "due_at", "completed_at", "warn_at")

#: a verdict's status (LANGUAGE.md §11)
Status = Literal["met", "breached", "pending", "at_risk", "paused", "cancelled"]


@dataclass(slots=True, repr=False)
class Verdict:
    """One verdict: per (lead, rule, clause, cycle), or per (rule, period) for aggregates.

    Instants are epoch microseconds (:meth:`instant` gives them as datetimes, and the repr
    writes them as RFC 3339 text); ``zone`` is the zone they are written in (the calendar
    that applied, else the agreement's). :meth:`to_dict` is the verdict as ``check --format
    json`` writes it, and what pydantic (a FastAPI ``response_model``) serialises it as.
    """

    lead: str | None
    rule: str
    clause: str
    cycle: int | None
    status: Status
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
    # attempts made and needed, for an open (or overdue) `at_least_within` or `at_least_per_day`
    # clock (the day running): what `slacode due` shows a rep
    attempts: tuple | None = None
    # a `by FIELD` target's or quota's verdict: {field: the group's value} (the value null for
    # the leads without one); None on every other verdict, and then not written
    group: dict | None = None
    # a rule with several warning levels (extension): ((level as written, instant, passed), …)
    # for an open cycle, in time order; ``()`` where ``warn_at`` is null (written as null);
    # None on the verdicts of every other rule, and then not written
    warnings: tuple | None = None
    # a cycle started or closed by a breach (extension, `breach of RULE`): {"rule", "clause",
    # "cycle", "role"} of that breach (role: `start`, or the close: `stop`, `cancel`, `restart`,
    # `breach` (`breach on breach of RULE`);
    # the start's when both), and "event": "warning" besides when it was a warning (`warning
    # of RULE`); None on every other verdict, and then not written
    escalates: dict | None = None
    # a `sum PROP of …` quota's verdict (extension): how many events were added up in the
    # period (and group); None on every other verdict, and then not written
    count: int | None = None
    # the cycle was still open as of `as_of`: set only by plans with `breach of` (`warning
    # of`) triggers (extension), for `due`'s `escalates_to` and `warns_to` (a rule with an
    # open cycle ignores a start);
    # never written
    cycle_open: bool = False
    # that open cycle has reached its warning as of `as_of` (escalate.warning_instant): set
    # only on the open cycles of rules a `warning of` trigger names (extension), for `due`'s
    # `warns_to` (after a `retarget` the line's `warn_at` may be ahead of a warning that
    # happened on an earlier line: it will not happen again); never written
    warned: bool = False
    # `report --by FIELD`: the group keys (:func:`slacode.groups.group_key`) of lead fields
    # at the cycle's start, after the start event's own fields ({field: key}, key None for
    # the missing group; the `flow` verdict's at the lead's first state event), as `by FIELD`
    # targets take them; set only by an evaluation asked to group by a field (``group_by``),
    # None on every other verdict; never written
    start_groups: dict | None = None
    # a target's or quota's verdict judged by aggregates asked for it (`slacode changes`):
    # ``(decided, after, reached, transition)``: the instant the period was decided (a
    # quota's: its end; a target's: its end, or the later instant its last undecided cycle
    # was decided), ``after`` True when that happens just after it (a deadline's breach);
    # ``reached``: the instant an `at least` quota's goal was first reached (``transition``
    # ``"met"``) or an `at most` quota's first exceeded (``"breached"``), else both None;
    # None on every other verdict; never written
    timeline: tuple | None = None

    def __repr__(self) -> str:
        """The fields that are set (not at their defaults), instants as RFC 3339 text in the
        verdict's zone rather than epoch microseconds."""
        parts = []
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in ("lead", "rule", "clause", "cycle", "status") or value != _DEFAULTS[f.name]:
                if f.name in _INSTANT_KEYS and value is not None:
                    parts.append(f"{f.name}={iso(value, self.zone or UTC)}")
                else:
                    parts.append(f"{f.name}={value!r}")
        return f"Verdict({', '.join(parts)})"

    @classmethod
    def __get_pydantic_core_schema__(cls, source, handler):
        """A verdict in a pydantic model or a FastAPI ``response_model``: an instance is
        taken as it is and serialised as :meth:`to_dict` gives it."""
        return to_dict_schema(cls)

    @classmethod
    def __get_pydantic_json_schema__(cls, core, handler) -> dict:
        return published_schema("verdicts", "verdict")

    def instant(self, key: str) -> datetime | None:
        """The instant ``key`` (``started_at``, ``due_at``, ``completed_at``, ``warn_at``) as an
        aware datetime in the verdict's zone, or None."""
        if key not in _INSTANT_KEYS:
            raise ValueError(f"{key!r} is not an instant of a verdict: use one of {', '.join(_INSTANT_KEYS)}")
        us = getattr(self, key)
        return None if us is None else from_us(us, self.zone or UTC)

    def to_dict(self) -> dict:
        """The verdict as ``check --format json`` writes it (``slacode schema verdicts``,
        ``#/$defs/verdict``): instants as RFC 3339 text in the zone that applied."""
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
        if self.group is not None:
            out["group"] = dict(self.group)
        if self.count is not None:
            out["count"] = self.count
        if self.warnings is not None:
            out["warnings"] = [{"level": words, "at": iso(at, zone), "passed": passed}
                               for words, at, passed in self.warnings] or None
        if self.escalates is not None:
            out["escalates"] = dict(self.escalates)
        return out


_DEFAULTS = {f.name: (f.default_factory() if f.default_factory is not MISSING else f.default)
             for f in fields(Verdict)}


def to_dict_schema(cls):
    """The pydantic core schema of a class whose instances pydantic takes as they are and
    serialises with their ``to_dict()`` (a verdict, a result)."""
    from pydantic_core import core_schema

    return core_schema.is_instance_schema(
        cls, serialization=core_schema.plain_serializer_function_ser_schema(lambda obj: obj.to_dict()))


def published_schema(name: str, definition: str) -> dict:
    """The definition ``definition`` of the JSON schema ``name`` (``slacode schema NAME``)
    with every reference inside it written out, so that it stands alone in another
    schema (pydantic's, FastAPI's OpenAPI document)."""
    import json

    from slacode.schemas import schema_text

    defs = json.loads(schema_text(name))["$defs"]

    def inline(node):
        if isinstance(node, list):
            return [inline(n) for n in node]
        if not isinstance(node, dict):
            return node
        out = {k: inline(v) for k, v in node.items() if k != "$ref"}
        ref = node.get("$ref")
        if ref is None:
            return out
        target = inline(defs[ref.rpartition("/")[2]])
        return {"allOf": [target], **out} if out else target

    return inline(defs[definition])


# The last start written by Verdict.to_dict, as (us, zone, text): a lead's verdicts are
# written one after the other, and most of its rules start on the same event (every clause
# of a cycle shares its start), so its text is usually the previous verdict's. One tuple,
# replaced whole, so a reader never sees a text with another instant.
_last_start: tuple = (None, None, None)


def as_text(value) -> str | None:
    """A property value as people read it (None stays None): an assignee may be any JSON
    value the input gave (a CSV rep id such as ``1234`` is read as a number)."""
    if value is None or value.__class__ is str:
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):                          # a str subclass (an enum of text): its text
        return str.__str__(value)
    if isinstance(value, Number):                       # int subclasses, Decimal, numpy: as Python's own
        from slacode.compile import _plain_num

        plain = _plain_num(value)
        if plain is not None:                           # (an int of any size exactly)
            return int_digits(plain) if plain.__class__ is int else repr(plain)
    if isinstance(value, (bytes, bytearray)):           # (the library's caller's) text as UTF-8, not "b'…'"
        try:
            return bytes(value).decode("utf-8")
        except UnicodeDecodeError:
            pass
    import json

    try:
        if isinstance(value, (set, frozenset)):          # a JSON array, in a stable order
            value = sorted(value, key=repr)
        return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)
    except ValueError:                                  # an int past Python's digit limit in it
        from slacode.output import json_text

        if isinstance(value, (set, frozenset)):
            value = sorted(value, key=lambda v: json_text(v, sort_keys=True, default=str))
        return json_text(value, sort_keys=True, ensure_ascii=False, default=str)


def from_us(us: int, zone) -> datetime:
    seconds, micro = divmod(us, 1_000_000)
    t = datetime.fromtimestamp(seconds, zone)
    return t.replace(microsecond=micro) if micro else t


iso = instants.iso          # RFC 3339 text of an instant in a zone
_when = instants.when      # ``2026-11-10 09:20 -03:00``: an instant for people


#: the statuses of verdicts, in the order summaries list them
STATUS_ORDER = ("met", "breached", "at_risk", "paused", "pending", "cancelled")


def summary_of(statuses, leads: int, written: int, diagnostics, agreement_count: int, ignored: int = 0) -> dict:
    """The ``summary`` of ``check --format json`` and of ``Result.to_dict()``: what the
    table's last line says, as numbers. ``statuses`` counts every verdict (a mapping from
    status to count); ``leads`` the leads with verdicts; ``written`` the verdicts written
    (``--status`` filters them); ``diagnostics`` every diagnostic written, the agreement's
    own (``agreement_count`` of them) first: ``input_problems`` counts the errors and
    warnings after those; ``ignored`` those ``--ignore`` left out."""
    severities: dict = {"error": 0, "warning": 0, "info": 0}
    problems = 0
    for i, d in enumerate(diagnostics):
        severities[d.severity] = severities.get(d.severity, 0) + 1
        if i >= agreement_count and d.severity != "info":
            problems += 1
    return {"verdicts": sum(statuses.values()), "leads": leads,
            "statuses": {st: statuses.get(st, 0) for st in STATUS_ORDER},
            "written": written, "input_problems": problems, "diagnostics": severities, "ignored": ignored}
