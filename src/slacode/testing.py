"""Running the ``test`` blocks of an agreement: inline events, ``as of``, expectations.

A test's events belong to the lead named by the latest ``lead "ID"`` line (``"lead"`` before
any). ``expect RULE[.CLAUSE] [period "P"] [cycle N] STATUS [due T]`` is checked against the
verdicts of the current lead (of the aggregate, with ``period``):

* without a clause, the rule's main clause: ``within`` (handoff, deadline),
  ``at_least_within`` (attempts), ``transition`` (flow), ``ratio`` / ``count`` (target, quota);
* without ``cycle``, the rule must have exactly one cycle for the lead (else the test says
  which cycles exist and asks to name one).
"""
from __future__ import annotations

import re

from dataclasses import dataclass, field
from typing import Iterable

from slacode import model as m
from slacode.calendar import to_us
from slacode.checks.context import main_clause


@dataclass
class Outcome:
    """One expectation's result."""

    line: int | None
    text: str
    passed: bool
    expected: str
    actual: str
    lead: str | None = None
    column: int | None = None


@dataclass
class TestResult:
    """The result of one ``test`` block: its ``name``, where it is (``file``, ``line``),
    each expectation's :class:`Outcome`, the ``error`` that kept it from running, if any,
    and ``passed``. ``str()`` of it is what ``slacode test`` prints for it (a failure with
    each expectation that failed, expected and actual), for an assertion's message."""

    __test__ = False            # a class pytest would otherwise try to collect where it is imported

    name: str
    file: str | None
    line: int | None
    outcomes: list[Outcome] = field(default_factory=list)
    error: str | None = None
    timelines: dict[str, list[str]] = field(default_factory=dict)
    #: warnings of the evaluation (a number compared with text, SLA602 …), shown with a failure
    notes: list[str] = field(default_factory=list)
    #: for coverage: (rule, clause, status) of each expectation (of a test that could not
    #: run too: what it asks for is written), (rule, clause, segment, status) of every verdict
    #: the test's evaluation gave, and (rule, segment) of every target line a cycle had (the
    #: one it started on and each it was retargeted to)
    expected: set = field(default_factory=set)
    judged: set = field(default_factory=set)
    lines: set = field(default_factory=set)

    @property
    def passed(self) -> bool:
        """Whether the test ran and every expectation held."""
        return self.error is None and all(o.passed for o in self.outcomes)

    def __str__(self) -> str:
        return render_text([self]).rstrip("\n")


def _value(v: m.Value):
    return v.value


def events_of(test: m.TestDecl) -> tuple[list[dict], list[tuple[str | None, m.Expect]]]:
    """The inline events (dicts of the §4 shape) and the expectations with their lead."""
    lead = "lead"
    events: list[dict] = []
    expects: list[tuple[str | None, m.Expect]] = []
    for item in test.items:
        if item.kind == "lead":
            lead = item.lead.value
        elif item.kind == "event":
            ev: dict = {"lead": lead, "at": item.at.text, "type": item.type.value}
            if item.state is not None:
                ev["state"] = item.state.value
            for a in item.props:
                if a.key.name == "id":
                    ev["id"] = str(_value(a.value))
                else:
                    ev[a.key.name] = _value(a.value)
            if item.sets:
                ev["fields"] = {a.key.name: _value(a.value) for a in item.sets}
            events.append(ev)
        elif item.kind == "expect":
            expects.append((None if item.period is not None else lead, item))
    return events, expects


#: Lint's findings about a test block that make the test fail (see run_test).
_TEST_SLIPS = frozenset(("SLA328", "SLA329", "SLA330"))


def run_test(agreement: m.Agreement, test: m.TestDecl) -> TestResult:
    from slacode.codes.evaluation import UNKNOWN_STATE
    from slacode.calendar import CalendarError
    from slacode.evaluate import as_of_us, evaluate_records
    from slacode.verdict import iso
    from slacode.explain import timeline

    span = test.span
    result = TestResult(test.name.value, agreement.file, span.line if span else None)
    for item in test.items:
        if item.kind == "expect":
            clause = item.clause.value if item.clause else main_clause(agreement, item.rule.value)
            result.expected.add((item.rule.value, clause, item.status))
    as_of_items = [i for i in test.items if i.kind == "as_of"]
    if not as_of_items or as_of_items[-1].at.value is None:
        result.error = "the test has no valid `as of TIMESTAMP` line"
        return result
    # what lint found wrong in this test block (SLA328-330 are warnings, so that a slip in a
    # test never stops `check`): the test fails with it rather than judge something else
    # An expectation that can never match (SLA330) fails on its own line, and the test's
    # other expectations are still judged and shown; a slip in its events fails it whole.
    never: dict = {}
    if span is not None:
        end = span.end_line or span.line
        slips = [d for d in getattr(agreement, "diagnostics", ()) if d.code in _TEST_SLIPS
                 and d.span is not None and span.line <= d.span.line <= end]
        never = {id(i): d for d in slips if d.code == "SLA330" for i in test.items
                 if i.kind == "expect" and _within(d.span, i.span)}
        slips = [d for d in slips if d.code != "SLA330"
                 or not any(i.kind == "expect" and _within(d.span, i.span) for i in test.items)]
        if slips:
            result.error = "; ".join(f"line {d.span.line}: {d.message} ({d.code})" for d in slips)
            return result
    events, expects = events_of(test)
    as_of = as_of_us(as_of_items[-1].at.value)     # RFC 3339 text (checked by the linter)
    try:
        records, problems, diags, sources = _test_records(agreement, test, events, as_of)
    except _Unreadable as e:
        result.error = str(e)
        return result
    # an event the test cannot use as written (a repeated id is ignored, §4) is a mistake
    # in the test: it fails with the reason, never passes without that event
    if problems:
        result.error = "; ".join(problems)
        return result
    try:
        outcome = evaluate_records(agreement.plan, list(records), as_of, diags, sources=sources)
    except CalendarError as e:                  # a deadline past the years calendars cover
        result.error = str(e)
        return result
    # (an event of an `events from` file into a state the agreement does not declare: written
    # in the test itself, the same event is an error of the agreement, SLA207)
    problems = [_where(d, sources) + d.message + (f" ({d.code})" if sources else "")
                for d in outcome.diagnostics if _is_problem(d) or (sources and d.code == UNKNOWN_STATE)]
    if problems:
        result.error = "; ".join(problems)
        return result
    verdicts = outcome.verdicts
    result.judged = {(v.rule, v.clause, v.segment if v.lead is not None else None, v.status) for v in verdicts}
    result.lines = _lines_used(agreement.plan, records, as_of)
    for lead, exp in expects:
        clause = exp.clause.value if exp.clause else main_clause(agreement, exp.rule.value)
        text = _expect_text(exp)
        line = exp.span.line if exp.span else None
        column = exp.span.column if exp.span else None
        # a goal's `assignee` picks the rep's verdict; a lead verdict's is checked (who held it)
        found = [v for v in verdicts if v.rule == exp.rule.value and v.clause == clause
                 and (v.lead == lead if lead is not None else v.lead is None)
                 and (exp.period is None or v.period == exp.period.value)
                 and (exp.assignee is None or v.lead is not None or v.assignee == exp.assignee.value)
                 and (exp.group is None or _in_group(v, exp.group.value))
                 and (exp.cycle is None or v.cycle == exp.cycle)]
        rep = exp.assignee.value if exp.assignee is not None and lead is not None else None
        expected = (exp.status + (f' assignee "{rep}"' if rep is not None else "")
                    + (f" due {exp.due.text}" if exp.due else ""))
        if id(exp) in never:                    # (two `expect`s may share a line, with `;`)
            d = never[id(exp)]
            result.outcomes.append(Outcome(line, text, False, expected, f"never matches: {d.message} ({d.code})",
                                           lead, column))
            continue
        if not found:
            others = sorted({f"{v.rule}.{v.clause}" + (f" cycle {v.cycle}" if v.cycle else "")
                             + (f" period {v.period}" if v.period else "")
                             for v in verdicts if v.rule == exp.rule.value and (lead is None or v.lead == lead)})
            actual = "no such verdict" + (f" (there are: {', '.join(others)})" if others else "")
            if exp.assignee is not None and exp.period is not None:
                reps = sorted({v.assignee or "(unassigned)" for v in verdicts
                               if v.rule == exp.rule.value and v.lead is None and v.period == exp.period.value})
                actual = (f"no verdict of rep \"{exp.assignee.value}\" in {exp.period.value}"
                          + (f" (its reps then: {', '.join(reps)})" if reps else ""))
            if exp.group is not None and exp.period is not None:
                groups = [v for v in verdicts
                          if v.rule == exp.rule.value and v.lead is None and v.period == exp.period.value]
                named = ", ".join(_group_label(v) for v in groups if v.group is not None)
                actual = (f"no verdict of the group {_value_text(exp.group.value)} in {exp.period.value}"
                          + (f" (its groups then: {named})" if named else ""))
            if exp.period is None and main_clause(agreement, exp.rule.value) in ("ratio", "count", "sum"):
                periods = sorted({v.period for v in verdicts if v.rule == exp.rule.value and v.period})
                actual = (f"no such verdict: `{exp.rule.value}` is a target or quota, judged per period; "
                          f"name one with `period \"P\"`" + (f" (its periods: {', '.join(periods)})" if periods else ""))
            result.outcomes.append(Outcome(line, text, False, expected, actual, lead, column))
            continue
        if len(found) > 1 and found[0].lead is None and found[0].group is not None:     # a `by FIELD` goal
            named = ", ".join(_group_label(v) for v in found)
            result.outcomes.append(Outcome(line, text, False, expected,
                                           f"{len(found)} verdicts, one per group ({named}); name one with "
                                           "`group VALUE` (`group null` for the leads without a value)", lead,
                                           column))
            continue
        if len(found) > 1 and found[0].lead is None:       # a `by assignee` target or quota
            reps = ", ".join(f'"{v.assignee}"' if v.assignee is not None else "(unassigned)" for v in found)
            result.outcomes.append(Outcome(line, text, False, expected,
                                           f"{len(found)} verdicts, one per rep ({reps}); name one with "
                                           '`assignee "NAME"`', lead, column))
            continue
        if len(found) > 1:
            cycles = ", ".join(str(v.cycle) for v in found)
            result.outcomes.append(Outcome(line, text, False, expected,
                                           f"{len(found)} verdicts (cycles {cycles}); name one with `cycle N`", lead,
                                           column))
            continue
        v = found[0]
        actual = v.status
        ok = v.status == exp.status
        if rep is not None:                             # the rep held responsible for the cycle
            actual += f" assignee {_quoted(v.assignee) if v.assignee is not None else '(unassigned)'}"
            ok = ok and v.assignee == rep
        if exp.due is not None:
            due = exp.due.value
            # §11: an aggregate has no deadline (the object keeps its period's end, for reports)
            got_due = v.instant("due_at") if v.period is None else None
            actual += f" due {iso(v.due_at, v.zone) if got_due is not None else 'none'}"
            # as instants: datetimes of two zones never compare equal in an hour that a
            # clock change repeats (PEP 495), though they name the same instant
            ok = ok and due is not None and got_due is not None and to_us(due) == v.due_at
        if not ok:
            actual += f" — {v.reason}"
        result.outcomes.append(Outcome(line, text, ok, expected, actual, lead, column))
    if not result.passed:
        for lead in sorted({o.lead for o in result.outcomes if not o.passed and o.lead}):
            mine = [r for r in records if r.lead == lead]
            result.timelines[lead] = timeline(agreement.plan, lead, mine, as_of)
        # what the evaluation warned about may be why (`set score = "90"` against `score >= 80`)
        # (SLA602, SLA603 and SLA609 point at the agreement; the others at the events, whose
        # records carry their line in the agreement's file or in an `events from` file)
        # (not SLA614, a lead field no lead had: a test sets only the fields it is about)
        result.notes = [f"{d.code} " + _where(d, sources) + d.message
                        for d in outcome.diagnostics if d.code.startswith("SLA6") and d.code != "SLA614"]
    return result


class _Unreadable(Exception):
    """A test's `events from` file that cannot be read at all (the test's error)."""


def _is_problem(d) -> bool:
    """Whether a diagnostic about a test's events fails the test: an event it cannot use as
    written (an error, a reading warning) or one after its `as of`, never evaluated."""
    from slacode.codes.events import AFTER_AS_OF

    return d.severity == "error" or (d.severity == "warning" and d.code.startswith("SLA5")) or d.code == AFTER_AS_OF


def _test_records(agreement: m.Agreement, test: m.TestDecl, events: list[dict],
                  as_of: int) -> tuple[list, list[str], list]:
    """The records a test evaluates, the problems that fail it (as text) and the other
    diagnostics of reading its events.

    Its own events are cited by their line in the agreement's file (not their place in the
    test). With `events from "PATH"` lines (a relative path is from the agreement's folder),
    each file's records come where its line stands, keeping their own line, and the ids of
    all of them are judged together (§13: the first wins, a repeat is a problem). Events of
    a file after the test's `as of` are left out without failing it: one export serves
    tests at several dates."""
    from slacode.events import records_from_objects
    from slacode.refs import LineRef

    zone = agreement.plan.zone
    first: list = []
    lines = [i.span.line if i.span else None for i in test.items if i.kind == "event"]
    own = [r._replace(line=lines[r.line - 1], ref=r.ref if r.id else LineRef(lines[r.line - 1]))
           for r in records_from_objects(events, diagnostics=first, as_of_us=as_of, as_of_zone=zone)]
    inline = [None if n is None else f"line {n}" for n in lines]
    problems = [_cited(d, inline, "line", code=False) for d in first if _is_problem(d)]
    others = [d for d in first if not _is_problem(d)]
    if problems or not any(i.kind == "events_from" for i in test.items):
        return own, problems, others, None
    import os

    given: list = []
    labels: list[str] = []              # per record given: where it was written
    # the inputs, as the diagnostics of the evaluation name them: the agreement's file (the
    # test's own events), then each `events from` line's file
    sources = [os.path.basename(agreement.file) if agreement.file else "the test"]
    mine = iter(own)
    for item in test.items:
        if item.kind == "event":
            r = next(mine)
            given.append(r)
            labels.append(f"{sources[0]}:{r.line}" if agreement.file else f"line {r.line}")
        elif item.kind == "events_from":
            name = item.path.value
            batch = _read_fixture(agreement, item)
            index = len(sources)
            sources.append(name)
            kept = [r._replace(source=index) for r in batch.records if r.at <= as_of]
            given.extend(kept)
            labels.extend(f"{name}:{r.line}" for r in kept)
            problems += [f"{name}:{d.line}: {_in_a_test(d.message)} ({d.code}){_block_hint(d)}" if d.line
                         else f"{name}: {_in_a_test(d.message)} ({d.code}){_block_hint(d)}"
                         for d in batch.diagnostics if d.severity != "info"]
    if problems:
        return [], problems, others, None
    second: list = []
    records = records_from_objects(given, diagnostics=second, as_of_us=as_of, as_of_zone=zone)
    problems = [_cited(d, labels) for d in second if _is_problem(d)]
    return records, problems, others + [d for d in second if not _is_problem(d)], tuple(sources)


def _read_fixture(agreement: m.Agreement, item: m.TestEventsFrom):
    """The :class:`~slacode.events.EventBatch` of an `events from` line's file (all of it:
    the caller leaves out what is after the test's `as of`)."""
    import os

    from slacode.events import EventInputError, read_events

    where = f"line {item.span.line}: " if item.span else ""
    name = item.path.value
    if not name.strip():
        raise _Unreadable(f"{where}`events from` names no file")
    base = os.path.dirname(os.path.abspath(agreement.file)) if agreement.file else os.getcwd()
    path = os.path.join(base, name)
    if os.path.isdir(path):
        raise _Unreadable(f"{where}\"{name}\" is a folder: `events from` reads one file (a line per file)")
    try:
        return read_events(path, **read_options(item))
    except (EventInputError, OSError, ValueError) as e:
        raise _Unreadable(f"{where}cannot read the events of \"{name}\": {_in_a_test(str(e))}") from None


def read_options(item: m.TestEventsFrom) -> dict:
    """The keyword arguments of :func:`slacode.read_events` that an ``events from`` block
    gives: ``csv_delimiter``, ``csv_columns``, ``default_tz`` (the last of each wins; lint
    reports one given twice, SLA328), ``type_map`` and ``timestamp_formats`` (in the block's
    order, as repeated options)."""
    options: dict = {}
    for o in item.options:
        if o.key == "delimiter":
            options["csv_delimiter"] = o.value.value
        elif o.key == "timezone":
            options["default_tz"] = o.value.value
        elif o.key == "type":
            options.setdefault("type_map", []).append((o.name, o.value.value))
        elif o.key == "timestamp format":
            options.setdefault("timestamp_formats", []).append(o.value.value)
        else:
            options.setdefault("csv_columns", []).append((o.name, o.value.value))
    return options


#: The parts of reading messages that name what only `check` has: a test names the zone of
#: timestamps without an offset, the CSV delimiter and columns in its `events from` block,
#: and no input format (its files are named by extension).
_CHECK_ONLY = ((", or name a default time zone)", ", or give the `events from` line a `timezone` in its block)"),
               (", or give the input format: --input-format jsonl|csv)", ")"),
               ("leave out --csv-delimiter", "leave out the `delimiter` line"))
#: `--csv-delimiter ';'` and `--column lead="Lead ID"` as the command line writes them
_DELIMITER_FLAG = re.compile(r"--csv-delimiter (tab|'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\")")
#: a mapping as the hints of a header write it, `lead="Lead ID"`, where it stands for a block line
_MAPPING = re.compile(r"(write |^)([A-Za-z_][\w.]*)=(\"(?:[^\"\\]|\\.)*\"|[^\s;)]+)(?= \(a header| names no column)")
_COLUMN_FLAG = re.compile(r"--column ([^=\s]+)=(\"(?:[^\"\\]|\\.)*\"|[^\s;)]+)")


def _in_a_test(message: str) -> str:
    """A reading message with the command line's words put as an `events from` block says them."""
    for said, meant in _CHECK_ONLY:
        message = message.replace(said, meant)
    message = _DELIMITER_FLAG.sub(lambda f: f"`delimiter {_unshelled(f.group(1))}`", message)
    message = _COLUMN_FLAG.sub(lambda f: f"`column {f.group(1)} = {_unshelled(f.group(2))}`", message)
    return _MAPPING.sub(lambda f: f"{f.group(1)}`column {f.group(2)} = {_unshelled(f.group(3))}`", message)


def _unshelled(word: str) -> str:
    """A shell's or Python's word (`'x'`, `"a b"`, `tab`, `Activity`) as the language's string."""
    from slacode.fmt import string

    if len(word) >= 2 and word[0] == word[-1] and word[0] in "'\"":
        word = re.sub(r"\\(.)", r"\1", word[1:-1])
    return string(word)


def _block_hint(d) -> str:
    """What to write in the `events from` block for a file read with the wrong delimiter or
    columns: the reading hint, when it names the command line's CSV options."""
    if d.hint and (d.code == "SLA509" or "--csv-delimiter" in d.hint or "--column" in d.hint):
        return f"; in the `events from` block: {_in_a_test(d.hint)}"
    return ""


def _severity_of(note: str) -> str:
    """The severity of the code a note starts with (``warning`` when it names none)."""
    from slacode.codes import CODES

    info = CODES.get(note.split(" ", 1)[0])
    return info.severity if info is not None else "warning"


def _where(d, sources) -> str:
    """Where a diagnostic of a test's evaluation is: ``line N: `` in the agreement's file,
    ``FILE:N: `` in an `events from` file (``sources``: the names of the inputs, the
    agreement's file first)."""
    if not d.line:
        return ""
    return f"{d.file}:{d.line}: " if sources and d.file and d.file in sources[1:] else f"line {d.line}: "


def _cited(d, labels: list, otherwise: str = "position", code: bool = True) -> str:
    """A diagnostic about a test's events, citing where each was written: the reader
    numbers the events it is given (``event 2: …``, ``the event at position 1``), and
    ``labels`` says, per position, where that event is (``line 12``, ``fixtures/nov.jsonl:3``;
    a position without one is cited as ``{otherwise} N``)."""
    import re

    def label(n: int) -> str:
        got = labels[n - 1] if 0 < n <= len(labels) else None
        return got if got is not None else f"{otherwise} {n}"

    message = re.sub(r"^event \d+: ", "", d.message)
    message = re.sub(r"position (\d+)", lambda mt: label(int(mt.group(1))), message)
    text = f"{label(d.line)}: {message}" if d.line else message
    return f"{text} ({d.code})" if code else text


def _lines_used(plan, records, as_of: int) -> set:
    """(rule, segment) of each target line some cycle of the test had: the line it started
    on and each `retarget` gave it (a verdict names only the last)."""
    from slacode.evaluate import fold_lead, group_by_lead, target_segments

    used = set()
    for lead, mine in group_by_lead(records).items():
        fold = fold_lead(plan, lead, list(mine), target_segments(plan), as_of)
        for rf in fold.rules:
            for cyc in rf.cycles:
                used.add((rf.plan.name, cyc.line.segment))
                used.update((rf.plan.name, line.segment) for _, _, line in cyc.retargets)
    return used


def _within(inner, outer) -> bool:
    """Whether span ``inner`` starts inside span ``outer`` (an expectation's)."""
    if inner is None or outer is None:
        return False
    start = (inner.line, inner.column or 0)
    end = (outer.end_line or outer.line, outer.end_column or 1 << 30)
    return (outer.line, outer.column or 0) <= start <= end


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _in_group(v, value) -> bool:
    """Whether ``v`` is the verdict of the group of ``value`` (a `by FIELD` goal's; the
    group is told apart as the evaluation tells it: 1 and 1.0 are one, "1" another)."""
    from slacode.groups import group_key

    return v.group is not None and group_key(next(iter(v.group.values()))) == group_key(value)


def _group_label(v) -> str:
    """A `by FIELD` verdict's group as its reason names it: ``region "APAC"``, ``(no region)``."""
    from slacode.groups import group_key, group_text

    (field_name, value), = v.group.items()
    return group_text(field_name, group_key(value))


def _value_text(value) -> str:
    """A test value as written: ``"APAC"``, ``1``, ``true``, ``null``."""
    import json

    return json.dumps(value, ensure_ascii=False)


def _expect_text(exp: m.Expect) -> str:
    """The expectation as `fmt` writes it (a period with a quote in it escaped)."""
    from slacode.fmt import one_line

    return one_line(exp)


def run_tests(agreement: m.Agreement,
              match: str | m.Name | m.StringLit | Iterable[str | m.Name | m.StringLit] | None = ()
              ) -> list[TestResult]:
    """Run ``agreement``'s test blocks (what ``slacode test`` does) and return their
    :class:`TestResult` in file order. ``match``: a text, or several, to run only the tests
    whose name contains one of them (case-insensitive; None or none: every test); a test's
    own name (``agreement.tests[0].name``) may be given as it is."""
    if match is None:
        match = ()
    if isinstance(match, (str, m.Name, m.StringLit)):
        match = (match,)
    if isinstance(match, (bytes, bytearray)) or not hasattr(match, "__iter__"):
        raise TypeError(f"match is a text (or several) that test names contain, not {type(match).__name__}")
    wanted = []
    for text in match:
        if not isinstance(text, (str, m.Name, m.StringLit)):
            raise TypeError(f"match is a text (or several) that test names contain, not {type(text).__name__}")
        wanted.append(str(text).casefold())
    return [run_test(agreement, t) for t in agreement.tests
            if not wanted or any(w in t.name.value.casefold() for w in wanted)]


# ---------------------------------------------------------------------------- coverage

@dataclass
class Coverage:
    """What an agreement's tests cover: each clause that gives verdicts (a rule's clause
    keys, ``flow.transition``, each target's ratio and quota's count), with the statuses the
    tests expect of it and those its verdicts had in the tests; and each target line of a
    rule (``within … for SEGMENT``, the default line) with whether a test's cycle used it."""

    file: str | None
    tests: int
    clauses: list[dict]
    lines: list[dict]
    not_run: int = 0            # tests that could not run (their expectations still count)

    @property
    def expected(self) -> int:
        return sum(1 for c in self.clauses if c["expected"])

    @property
    def percent(self) -> float:
        """The share of clauses with an expectation, 0–100, to one decimal, as shown and as
        ``--fail-under`` compares it (100 for an agreement with none)."""
        return round(100.0 * self.expected / len(self.clauses), 1) if self.clauses else 100.0

    def to_dict(self) -> dict:
        return {"file": self.file, "tests": self.tests, "not_run": self.not_run, "clauses": self.clauses,
                "lines": self.lines, "expected": self.expected, "total": len(self.clauses),
                "percent": self.percent}


_STATUS_ORDER = ("met", "breached", "cancelled", "paused", "at_risk", "pending")


def coverage(agreement: m.Agreement, results: list[TestResult]) -> Coverage:
    """The coverage of ``agreement`` by ``results`` (its tests' results: the expectations of
    each count, and the verdicts and target lines of those that ran)."""
    from slacode.judges import line_words

    plan = agreement.plan
    expected: set = set().union(*(r.expected for r in results)) if results else set()
    judged: set = set().union(*(r.judged for r in results)) if results else set()
    lines_used: set = set().union(*(r.lines for r in results)) if results else set()

    def statuses(found: set, rule: str, clause: str) -> list[str]:
        got = {item[-1] for item in found if item[0] == rule and item[1] == clause}
        return [s for s in _STATUS_ORDER if s in got]

    keys: list[tuple[str, str, str]] = []          # (rule, clause, kind) in output order
    by_index = {}
    for rp in plan.rules:
        by_index[rp.index] = [(rp.name, c.key, rp.kind) for c in rp.clauses]
    if plan.flow is not None:
        by_index[plan.flow.index] = [("flow", "transition", "flow")]
    for order in sorted(by_index):
        keys.extend(by_index[order])
    keys += [(t.name, "ratio", "target") for t in plan.targets]
    keys += [(q.name, "count" if q.prop is None else "sum", "quota") for q in plan.quotas]
    clauses = [{"rule": rule, "clause": clause, "kind": kind,
                "expected": statuses(expected, rule, clause), "judged": statuses(judged, rule, clause)}
               for rule, clause, kind in keys]
    lines = []
    for rp in plan.rules:
        clause = m.default_clause_of(rp.kind)
        if not any(c.key == clause for c in rp.clauses):
            continue                                # an attempts rule with no `at least … within`
        for ln in rp.lines:
            used = (rp.name, ln.segment) in lines_used
            lines.append({"rule": rp.name, "segment": ln.segment, "line": line_words(rp.kind, ln), "applied": used})
    not_run = sum(1 for r in results if r.error is not None)
    return Coverage(agreement.file, len(results), clauses, lines, not_run)


def render_coverage_text(reports: list[Coverage]) -> str:
    out = []
    for cov in reports:
        broken = f" ({cov.not_run} could not run: only their expectations count)" if cov.not_run else ""
        out.append(f"Coverage of {cov.file or 'the agreement'} by {cov.tests} test{'s' if cov.tests != 1 else ''}"
                   f"{broken}:")
        names = [f"{c['rule']}.{c['clause']}" if c["kind"] not in ("target", "quota") else f"{c['rule']} ({c['kind']})"
                 for c in cov.clauses]
        width = max([len(n) for n in names] + [6])
        exp_width = max([len(", ".join(c["expected"])) for c in cov.clauses] + [8])
        out.append(f"  {'clause':<{width}}  {'expected':<{exp_width}}  judged in the tests")
        for name, c in zip(names, cov.clauses):
            out.append(f"  {name:<{width}}  {', '.join(c['expected']) or '-':<{exp_width}}  "
                       f"{', '.join(c['judged']) or '-'}".rstrip())
        unused = [f"{ln['rule']} `{ln['line']}`" for ln in cov.lines if not ln["applied"]]
        if unused:
            out.append(f"  target line{'s' if len(unused) != 1 else ''} no test's cycle used:")
            out.extend(f"    {u}" for u in unused)
        total = len(cov.clauses)
        out.append(f"  {cov.expected} of {total} clause{'s' if total != 1 else ''} "
                   f"{'has' if total == 1 else 'have'} an expectation ({cov.percent:g}%)")
        out.append("")
    return "\n".join(out)


def render_coverage_json(reports: list[Coverage]) -> str:
    import orjson

    return orjson.dumps([c.to_dict() for c in reports], option=orjson.OPT_INDENT_2).decode() + "\n"


# ------------------------------------------------------------------------------ output

def render_text(results: list[TestResult], color: bool = False) -> str:
    """The report ``slacode test`` prints: a ``PASS``/``FAIL`` line per test, and under a
    failure its error, each failed expectation (where, expected, actual), the evaluation's
    warnings and the timeline of each lead; ``color``: with terminal colours."""
    def paint(text, code):
        return f"\x1b[{code}m{text}\x1b[0m" if color else text

    lines = []
    for r in results:
        where = f"{r.file}:{r.line}" if r.file else f"line {r.line}"
        if r.passed:
            n = len(r.outcomes)
            lines.append(f"{paint('PASS', '32')} {r.name}  ({n} expectation{'s' if n != 1 else ''}, {where})")
            continue
        lines.append(f"{paint('FAIL', '1;31')} {r.name}  ({where})")
        if r.error:
            lines.append(f"    error: {r.error}")
        for o in r.outcomes:
            if o.passed:
                continue
            # file:line:column, as editors and CI logs make a link of it
            where = f"{r.file}:{o.line}:{o.column or 1}" if r.file and o.line else f"line {o.line}"
            lines.append(f"    {where}: {o.text}")
            lines.append(f"      expected: {o.expected}")
            lines.append(f"      actual:   {o.actual}")
        for note in r.notes:                # (each starts with its code: SLA619 is information)
            lines.append(f"    {_severity_of(note)}: {note}")
        for lead, tl in r.timelines.items():
            lines.append(f"    timeline of lead {lead!r}:")
            lines.extend("      " + x for x in tl)
    return "\n".join(lines) + ("\n" if lines else "")


def render_json(results: list[TestResult], broken: dict | None = None) -> str:
    """The results as JSON (``slacode schema tests``); ``broken``: file -> why its tests could
    not run (an agreement with errors, a link to nothing), each one failed result named `the
    agreement loads` with that error, as JUnit shows it (:func:`render_junit`)."""
    import orjson

    doc = [{"name": r.name, "file": r.file, "line": r.line, "passed": r.passed, "error": r.error,
            "warnings": r.notes,
            "expectations": [{"line": o.line, "column": o.column, "expect": o.text, "lead": o.lead,
                              "passed": o.passed, "expected": o.expected, "actual": o.actual}
                             for o in r.outcomes],
            "timelines": {lead: list(tl) for lead, tl in r.timelines.items()}} for r in results]
    doc.extend({"name": "the agreement loads", "file": file, "line": None, "passed": False, "error": why,
                "warnings": [], "expectations": [], "timelines": {}} for file, why in (broken or {}).items())
    return orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode() + "\n"


#: Characters XML 1.0 does not allow, even escaped (control characters but tab and line breaks).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_text(text: str) -> str:
    """``text`` with each character XML cannot hold written as ``\\uXXXX`` (a test name may
    hold any character a string can)."""
    return _NOT_XML.sub(lambda m: f"\\u{ord(m.group(0)):04x}", text)


def render_junit(results: list[TestResult], broken: dict | None = None) -> str:
    """JUnit XML of ``results``; ``broken``: file -> why its tests could not run (an
    agreement with errors, a link to nothing), each an errored test case so that CI shows it
    as not passing."""
    from xml.sax.saxutils import escape as _escape, quoteattr as _quoteattr

    def escape(text: str) -> str:
        return _escape(_xml_text(text))

    def quoteattr(text: str) -> str:
        return _quoteattr(_xml_text(text))

    by_file: dict = {}
    for r in results:
        by_file.setdefault(r.file or "agreement", []).append(r)
    broken = broken or {}
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           f'<testsuites tests="{len(results) + len(broken)}" failures="{sum(not r.passed for r in results)}"'
           f' errors="{len(broken)}">']
    for file, rs in by_file.items():
        fails = sum(not r.passed for r in rs)
        out.append(f'  <testsuite name={quoteattr(file)} tests="{len(rs)}" failures="{fails}">')
        for r in rs:
            out.append(f'    <testcase classname={quoteattr(file)} name={quoteattr(r.name)}>')
            if not r.passed:
                msg = r.error or "; ".join(f"{o.text}: expected {o.expected}, got {o.actual}"
                                           for o in r.outcomes if not o.passed)
                body = render_text([r])
                out.append(f'      <failure message={quoteattr(msg[:500])}>{escape(body)}</failure>')
            out.append("    </testcase>")
        out.append("  </testsuite>")
    for file, why in broken.items():
        out.append(f'  <testsuite name={quoteattr(file)} tests="1" failures="0" errors="1">')
        out.append(f'    <testcase classname={quoteattr(file)} name="the agreement loads">')
        out.append(f'      <error message={quoteattr(why[:500])}>{escape(why)}</error>')
        out.append("    </testcase>")
        out.append("  </testsuite>")
    out.append("</testsuites>")
    return "\n".join(out) + "\n"
