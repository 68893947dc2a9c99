"""`slacode report` and `slacode due`: the managers' view and the reminder queue.

Both read events as `check` does (same options, same diagnostics) and evaluate them with
the streaming evaluator; the record iterator is wrapped by a progress counter that shows
on standard error only when it is a terminal and the output format is for people.
"""
from __future__ import annotations

import sys

import click

from slacode.cli import (EXIT_OK, _as_of_option, _color, _event_options, _fail, _jobs_option, load_agreement,
                         output_option, refuse_compressed, writing_output)


def _evaluate(agreement, events, as_of, tz, input_format, show_progress: bool, jobs: int = 1,
              group_by: str | None = None, read=None, csv_options=None, sink=None, fold_hook=None):
    """Read (through the progress counter) and evaluate: the :class:`Result` (``read``: the
    :class:`~slacode.cli.EventReader` to read with, made here if None; ``sink``: takes each
    lead's verdicts in turn, which the result then does not hold, as
    :func:`slacode.stream.result_of` says)."""
    from slacode.cli import evaluate_events
    from slacode.report.progress import Progress

    progress = Progress(sys.stderr, enabled=show_progress)

    def wrap(records, passes: int):
        label = "reading events" if passes == 1 else "re-reading out-of-order leads"
        return progress.wrap(records, label)

    if read is not None:
        read.wrap = wrap
    with progress:
        return evaluate_events(agreement, events, as_of, tz, input_format, wrap, jobs, group_by=group_by, read=read,
                               csv_options=csv_options, sink=sink, fold_hook=fold_hook)


def _reader(agreement, events, as_of, tz, input_format, csv_options):
    """The :class:`~slacode.cli.EventReader` of the events: made before the evaluation, whose
    ``as_of`` (now, when not given) the sinks judge the clocks by."""
    from slacode.cli import EventReader, resolve_as_of

    return EventReader(events, resolve_as_of(as_of, tz, agreement.plan.timezone), tz, input_format,
                       zone=agreement.plan.zone, csv_options=csv_options)


def _input_problems(result, agreement) -> None:
    """The count of the events' problems (the agreement's own warnings, which come first in
    ``result.diagnostics``, are not the events')."""
    from collections import Counter

    own = len(agreement.diagnostics)
    codes = Counter(d.code for d in result.diagnostics[own:] if d.severity != "info")
    problems = sum(codes.values())
    if problems:
        which = ", ".join(f"{code} ×{n}" if n > 1 else code for code, n in sorted(codes.items())[:6])
        more = ", …" if len(codes) > 6 else ""
        click.echo(f"{problems} input problem{'s' if problems != 1 else ''} ({which}{more}) reported while reading "
                   "or evaluating the events; `slacode check` lists them, `slacode rule CODE` explains one.",
                   err=True)


# --------------------------------------------------------------------------- report

@click.command()
@click.argument("spec")
@click.argument("events", nargs=-1, required=True)
@_as_of_option
@click.option("--by", default="rule", show_default=True, metavar="rule|owner|assignee|segment|FIELD",
              help="Group the verdicts by rule (rule.clause), owning team, assignee or segment; any other "
                   "name is a lead field (its value at each cycle's start, as `by FIELD` targets group "
                   "cycles); field:NAME for a lead field named like one of the four.")
@click.option("--period", type=click.Choice(["day", "week", "month", "quarter"]), default="week",
              show_default=True, help="Count verdicts per period of the agreement's time zone (by cycle start).")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--html", "html_file", metavar="FILE", help="Also write a self-contained HTML dashboard to FILE.")
@click.option("--rule", "rules", multiple=True, metavar="NAME",
              help="Only this rule's verdicts (repeatable); targets and quotas are always shown.")
@click.option("--owner", "owners", multiple=True, metavar="TEAM",
              help="Only the verdicts of the rules, targets and quotas this team owns (repeatable): a "
                   "sales leaderboard without marketing's handoffs.")
@click.option("--rank", type=click.Choice(["points", "rate", "met", "median", "breached"]), default="points",
              show_default=True,
              help="Order the reps' leaderboard (the HTML page, the JSON's recognition) by points, rate, promises "
                   "kept, median response (fastest first) or breaches (most first).")
@_event_options
@_jobs_option
@output_option
def report(spec, events, as_of, by, period, fmt, html_file, rules, owners, rank, tz, input_format, jobs,
           csv_options, output_file):
    """Compliance per group and period: met, breached, rate, response times, open clocks;
    targets and quotas; optionally an HTML dashboard."""
    refuse_compressed(events)
    with writing_output(output_file, spec, events, html_file):
        return _report(spec=spec, events=events, as_of=as_of, by=by, period=period, fmt=fmt, html_file=html_file,
                       rules=rules, owners=owners, rank=rank, tz=tz, input_format=input_format, jobs=jobs,
                       csv_options=csv_options)


def _report(spec, events, as_of, by, period, fmt, html_file, rules, owners, rank, tz, input_format, jobs,
            csv_options):
    """The body of `report` (its output to standard output)."""
    from slacode.report import tables
    from slacode.report.progress import wanted

    try:
        by_text = by
        by, lead_field = tables.grouping(by)
    except ValueError as e:
        _fail(f"--by: {e}")
    if html_file is not None:
        _check_writable(html_file)
        from slacode.writer import input_among

        taken = input_among(html_file, [spec, *events])
        if taken is not None:
            what = "the agreement" if taken == spec else "an event file"
            _fail(f"--html {html_file}: that is {what} of this run ({taken}); writing the dashboard there would "
                  "replace it: give the page another name (dashboard.html)")
    agreement = load_agreement(spec, events)
    selected = _selected_rules(agreement.plan, rules, owners)
    # (kept, to look the field names up if none has the field; and its as_of, for the due cards)
    read = _reader(agreement, events, as_of, tz, input_format, csv_options)
    from slacode.report.sinks import ReportSink

    sink = ReportSink(agreement.plan, read.as_of, by=by, period=period, rules=selected, board=fmt == "json",
                      html=html_file is not None)   # the verdicts, counted lead by lead
    result = _evaluate(agreement, events, as_of, tz, input_format, wanted(fmt), jobs, group_by=lead_field, read=read,
                       csv_options=csv_options, sink=sink)
    comp = sink.finish(result, owners)          # (--owner: and the targets and quotas they own)
    from slacode.report import teams

    standings = teams.team_standings(comp, agreement.plan, owners)     # goals met, per team (article 004)
    if fmt == "json":
        board = [s.to_dict() for s in sink.board.standings(result.as_of, rank)]
        click.echo(tables.render_json(comp, {"recognition": board, "rank": rank,
                                             "team_standings": standings.to_dict()}), nl=False)
    elif fmt == "csv":
        click.echo(tables.render_csv(comp), nl=False)
    else:
        if _rich_ok():
            click.echo(tables.render_rich(comp, width=_width(), color=True), nl=False, color=True)
        else:
            click.echo(tables.render_text(comp), nl=False)
        if by == "owner":                       # a table of teams: their standings by goals met follow
            click.echo(teams.render_text(standings), nl=False)
    if html_file:
        _write_html(html_file, agreement, result, comp, by, period, selected, sink.dashboard, rank, standings)
    _rank_unseen(rank, fmt, html_file)
    _rank_fallback(rank, sink.board, comp.response)
    if lead_field is not None:
        _all_missing_note(comp, read, forced=by_text.startswith("field:"))
    _input_problems(result, agreement)
    return EXIT_OK


def _selected_rules(plan, rules: tuple, owners: tuple) -> list | None:
    """The rules ``--rule`` and ``--owner`` select (None: every rule); exit 2 for a name
    the agreement does not have, with the closest one."""
    known = {r.name for r in plan.rules} | ({"flow"} if plan.flow else set())
    unknown = [r for r in rules if r not in known]
    if unknown:
        goals = {x.name: kind for kind, xs in (("target", plan.targets), ("quota", plan.quotas)) for x in xs}
        if unknown[0] in goals:             # a target or quota: no clock of its own, always reported
            _fail(f"--rule {unknown[0]}: that is a {goals[unknown[0]]}, not a rule; --rule picks rules "
                  f"({', '.join(sorted(known))}): `report` always shows the targets and quotas (--owner picks a "
                  "team's), `due` lists the rules' clocks only")
        _fail(f"--rule {unknown[0]}: the agreement has no rule of that name{_meant(unknown[0], known)} "
              f"(rules: {', '.join(sorted(known))})")
    teams = {x.owner for x in (*plan.rules, *plan.targets, *plan.quotas) if x.owner}
    strange = [t for t in owners if t not in teams]
    if strange:
        _fail(f"--owner {strange[0]}: no rule, target or quota of the agreement is owned by that team"
              f"{_meant(strange[0], teams)} (owners: {', '.join(sorted(teams))})")
    selected = list(rules) or None
    if owners:                                  # the rules those teams own, within --rule's
        selected = [rp.name for rp in plan.rules if rp.owner in owners and (not rules or rp.name in rules)]
        if rules and not selected:
            _fail("--owner and --rule select no rule together")
    return selected


def _meant(name: str, names) -> str:
    """``; did you mean `first_touch`?`` for a name given to a filter that is close to one of
    ``names`` (as `check --lead` and the agreement's own names do), else nothing."""
    from slacode.checks.context import did_you_mean

    hint = did_you_mean(name, sorted(names))
    return f"; {hint}" if hint else ""


def _all_missing_note(comp, read, forced: bool = False) -> None:
    """When every counted verdict is in the missing group of ``--by FIELD`` (a misspelt
    field, a property that is no lead field): a note on standard error, once, naming a
    lead field of the events that is close, or a built-in grouping (not when the field was
    named with ``field:``, which says that no built-in one is meant)."""
    name = comp.lead_field
    if not comp.groups or any(comp.keys[g] is not None for g in comp.groups):
        return
    import difflib

    names = _field_names(read)
    missing = f"(no {name})"
    if name in names:
        click.echo(f"slacode: note: every verdict is in the group {missing}: events set the lead field "
                   f"{name!r}, but no cycle had it when it started (a verdict is grouped by the field's value "
                   "at its cycle's start)", err=True)
        return
    from slacode.report.tables import GROUPINGS

    def best(word: str, choices) -> tuple[float, str | None]:
        scored = [(difflib.SequenceMatcher(None, word, c).ratio(), c) for c in sorted(choices)]
        return max(scored, default=(0.0, None), key=lambda sc: sc[0])

    field_score, field = best(name, names)
    grouping_score, grouping = (0.0, None) if forced else best(name.lower(), GROUPINGS)
    if field is not None and field_score >= 0.7 and field_score >= grouping_score:
        hint = f"; did you mean --by {_by_text(field)}?"
    elif grouping is not None and grouping_score >= 0.7:
        hint = f"; did you mean --by {grouping}?"
    else:
        hint = ""
    click.echo(f"slacode: note: no event sets a lead field {name!r}, so every verdict is in the group "
               f"{missing}{hint} (--by groups by a lead field, set in an event's `fields`)", err=True)


def _by_text(name: str) -> str:
    """How ``--by`` names lead field ``name``: bare, or ``field:NAME`` for a built-in's name."""
    from slacode.report.tables import FIELD_PREFIX, GROUPINGS

    return FIELD_PREFIX + name if name in GROUPINGS or name.startswith(FIELD_PREFIX) else name


def _field_names(read) -> set:
    """The lead field names the events set (read once more: only when a note needs them)."""
    read.wrap = None
    names: set = set()
    for rec in read([]):
        if rec.fields:
            names.update(k for k in rec.fields if k.__class__ is str)
    return names


def _rich_ok() -> bool:
    """rich draws the table when it is installed and standard output is a terminal."""
    import importlib.util

    return _color() and importlib.util.find_spec("rich") is not None


def _width() -> int | None:
    import shutil

    return shutil.get_terminal_size((120, 24)).columns


def _check_writable(path) -> None:
    """Refuse an ``--html`` file that cannot be written before the work, not after the
    report was printed: a missing folder, a folder given as the file, no permission."""
    import os

    if not path:
        _fail("--html needs the name of the file to write the dashboard to")
    if path == "-":
        _fail("--html writes a file beside the table: give its name (`-`, standard output, holds the table)")
    folder = os.path.dirname(os.path.abspath(path))
    if os.path.isdir(path):
        _fail(f"{path}: is a folder; give the file to write the dashboard to")
    if not os.path.isdir(folder):
        _fail(f"{path}: cannot write: the folder {folder} does not exist")
    if not os.access(folder, os.W_OK) or (os.path.exists(path) and not os.access(path, os.W_OK)):
        _fail(f"{path}: cannot write: permission denied")


def _rank_unseen(rank: str, fmt: str, html_file) -> None:
    """A note on standard error when ``--rank`` orders a board that this run does not show
    (the table and the CSV have none: the HTML page and the JSON do)."""
    if rank != "points" and fmt != "json" and not html_file:
        click.echo(f"slacode: note: --rank {rank} orders the reps' leaderboard, which only the HTML page (--html) "
                   "and --format json (recognition) show; the table keeps its order", err=True)


def _rank_fallback(rank: str, board, response: str | None) -> None:
    """A note on standard error when ``--rank median`` orders a board (JSON, the page) on
    which no rep has a median response: it is then in the order of points."""
    from slacode.report.scoring import no_median

    if rank != "median" or board is None or not no_median(board.board.values()):
        return
    why = (f"no verdict of {response} has a response time yet" if response is not None else
           "the rules counted have no one timed clause to time them by; --rule NAME picks a deadline")
    click.echo(f"slacode: note: --rank median: no rep has a median response ({why}), so the board is ranked by "
               "points", err=True)


def _write_html(path, agreement, result, comp, by, period, rules, facts=None, rank: str = "points",
                teams=None) -> None:
    from slacode.report.html import render_html

    page = render_html(agreement, result, by=by, period=period, rules=rules, compliance_table=comp, facts=facts,
                       rank=rank, teams=teams)
    from slacode.writer import atomic_file

    try:                # atomically: a failed write leaves yesterday's page as it was (review 31b H5)
        with atomic_file(path) as f:
            f.write(page.encode("utf-8"))
    except OSError as e:
        _fail(f"{path}: cannot write: {e.strerror or e}")
    click.echo(f"wrote {path}", err=True)


# ------------------------------------------------------------------------------ due

def _once(param, values: tuple):
    """The value of an option that may be given once (click keeps the last of several
    silently): a usage error when it is given more than once."""
    if len(values) > 1:
        shown = " ".join(f"{param.opts[0]} {v}" for v in values)
        raise click.BadParameter(f"given {len(values)} times ({shown}); give it once", param=param)
    return values[0] if values else None


@click.command()
@click.argument("spec")
@click.argument("events", nargs=-1, required=True)
@_as_of_option
@click.option("--within", "window", metavar="DURATION|today|tomorrow", multiple=True,
              callback=lambda c, p, v: _once(p, v),
              help="Only clocks whose next moment (warning, else deadline) is after as_of and at most this "
                   "far ahead: 30m, 2h, 1h30m, 1d, 2w (wall clock), or today / tomorrow (until the midnight "
                   "that ends the day, in --tz or the agreement's time zone). Default: every open clock.")
@click.option("--assignee", "assignees", multiple=True, metavar="NAME", help="Only this rep's clocks (repeatable).")
@click.option("--rule", "rules", multiple=True, metavar="NAME", help="Only this rule's clocks (repeatable).")
@click.option("--owner", "owners", multiple=True, metavar="TEAM",
              help="Only the clocks of the rules this team owns (repeatable).")
@click.option("--segment", "segments", multiple=True, metavar="NAME",
              help="Only the clocks of cycles whose target is the `for NAME` line (repeatable): the hot leads.")
@click.option("--overdue", is_flag=True,
              help="Also the clocks already past their deadline and still unfulfilled (breached, open), first.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "jsonl", "csv"]), default="table",
              show_default=True)
@_event_options
@_jobs_option
@output_option
def due(spec, events, as_of, window, assignees, rules, owners, segments, overdue, fmt, tz, input_format, jobs,
        csv_options, output_file):
    """Open clocks that will warn or fall due soon, soonest first (for reminders and task queues)."""
    refuse_compressed(events)
    with writing_output(output_file, spec, events):
        return _due(spec=spec, events=events, as_of=as_of, window=window, assignees=assignees, rules=rules,
                    owners=owners, segments=segments, overdue=overdue, fmt=fmt, tz=tz, input_format=input_format,
                    jobs=jobs, csv_options=csv_options)


def _due(spec, events, as_of, window, assignees, rules, owners, segments, overdue, fmt, tz, input_format, jobs,
         csv_options):
    """The body of `due` (its output to standard output)."""
    from slacode.report import due as up
    from slacode.report.progress import wanted

    if window is not None and not up.is_day_window(window):
        try:                                    # refused before the events are read
            up.parse_window(window)
        except ValueError as e:
            _fail(f"--within {up.brief_window(window)}: {e}")
    agreement = load_agreement(spec, events)
    keep = set(assignees) if assignees else None
    only = _due_filter(agreement.plan, rules, owners, segments)
    read = _reader(agreement, events, as_of, tz, input_format, csv_options)
    within = None if window is None else _due_window(window, read.as_of, tz, agreement)
    from slacode.report.sinks import DueSink

    sink = DueSink(read.as_of, within, overdue, up.escalations(agreement.plan), keep, only)    # lead by lead
    result = _evaluate(agreement, events, as_of, tz, input_format, wanted(fmt), jobs, read=read,
                       csv_options=csv_options, sink=sink)
    items = sink.finish(result)
    if keep is not None:
        for name in sorted(keep - sink.known):       # a typo would silently send no reminder
            meant = _near_assignee(name, sink.known)
            click.echo(f"slacode: no lead is assigned to {name!r}" + (f" (did you mean {meant!r}?)" if meant else "")
                       + "; assignee names are matched exactly", err=True)
    click.echo(_render_due(items, result, fmt, within), nl=False)
    if fmt == "table" and items:                # (none: the table's line says so, once)
        paused = sum(d.paused for d in items)
        late = sum(d.next == "overdue" for d in items)
        parts = [f"{n} {word}" for n, word in ((late, "overdue"), (paused, "paused")) if n]
        tail = f" ({', '.join(parts)})" if parts else ""
        click.echo(f"{len(items):,} open clock{'s' if len(items) != 1 else ''}{tail}.", err=True)
    if fmt == "table" and not overdue:
        missed = sink.missed
        if missed:
            click.echo(f"{missed} more clock{'s are' if missed != 1 else ' is'} past {'their' if missed != 1 else 'its'} "
                       "deadline and still open; --overdue lists them.", err=True)
    _input_problems(result, agreement)
    return EXIT_OK


def _due_filter(plan, rules: tuple, owners: tuple, segments: tuple):
    """Which verdicts ``--rule``, ``--owner`` and ``--segment`` keep (None: all), checked
    against the agreement's names first (exit 2, with the closest, for one it lacks)."""
    selected = _selected_rules(plan, rules, owners)
    known = set(plan.segments)
    strange = [s for s in segments if s not in known]
    if strange:
        _fail(f"--segment {strange[0]}: the agreement has no segment of that name{_meant(strange[0], known)}"
              + (f" (segments: {', '.join(sorted(known))})" if known else " (it has none)"))
    if selected is None and not segments:
        return None
    names = None if selected is None else frozenset(selected)
    wanted = frozenset(segments) or None
    return lambda v: (names is None or v.rule in names) and (wanted is None or _in_segments(v.segment, wanted))


def _in_segments(segment: str | None, wanted: frozenset) -> bool:
    """Whether a verdict's ``segment`` is one of ``wanted``: for a line `for a and b`
    (extension), whose verdicts say `a and b`, when any of its segments is."""
    if segment is None:
        return False
    return segment in wanted or any(s in wanted for s in segment.split(" and "))


def _due_window(window: str, as_of: int, tz: str | None, agreement):
    """``--within`` as a window from ``as_of`` (epoch µs): a duration, or `today` /
    `tomorrow`, up to the midnight ending that day in ``--tz``, else the agreement's zone;
    exit 2 for one that cannot be read or would end after the year 9999, saying what is
    accepted."""
    from slacode.report import due as up

    zone = agreement.plan.zone
    if tz is not None:
        from zoneinfo import ZoneInfo

        zone = ZoneInfo(tz)
    try:
        return up.window_of(window, as_of, zone)
    except ValueError as e:
        _fail(f"--within {up.brief_window(window)}: {e}")


def _near_assignee(name: str, known: set) -> str | None:
    """The assignee probably meant by a ``--assignee`` no lead has: one differing only in case
    or spaces around it, as ``check --lead`` suggests lead ids, else the closest spelling."""
    from slacode.cli import _near_leads
    from slacode.output import lead_key

    near = _near_leads([name], known).get(name)
    if near is not None:
        return near
    import difflib

    folded = {}
    for k in sorted(known):
        folded.setdefault(lead_key(k), k)
    close = difflib.get_close_matches(lead_key(name), list(folded), n=1)
    return folded[close[0]] if close else None


DUE_COLUMNS = ("next_at", "next", "lead", "assignee", "rule", "clause", "cycle", "status", "paused", "owner",
               "segment", "started_at", "warn_at", "due_at", "time_left_seconds", "working_left_seconds",
               "attempts_made", "attempts_needed", "warn_level")


def _render_due(items, result, fmt: str, within) -> str:
    import orjson

    from slacode.output import dumps

    if fmt == "json":
        doc = {"agreement": {"id": result.agreement_id, "version": result.version},
               "as_of": _iso(result.as_of, result.zone),
               "within_seconds": None if within is None else within.total_seconds(),
               "due": [d.to_dict() for d in items],
               "diagnostics": [d.to_dict() for d in result.diagnostics]}
        return dumps(doc, orjson.OPT_INDENT_2).decode() + "\n"
    if fmt == "jsonl":
        return "".join(dumps(d.to_dict()).decode() + "\n" for d in items)
    if fmt == "csv":
        from slacode.output import csv_rows

        def row(d) -> dict:
            out = d.to_dict()
            out["paused"] = "true" if out["paused"] else "false"
            return out

        return csv_rows(DUE_COLUMNS, (row(d) for d in items))
    return _due_table(items, within)


def _iso(us, zone) -> str:
    from slacode.verdict import iso

    return iso(us, zone)


def _due_table(items, within=None) -> str:
    from slacode.report.tables import display_width
    from slacode.texts import visible

    if not items:
        return "No open clock in that window.\n" if within is not None else "No open clock.\n"
    # `in` and `time left` are wall-clock spans (a day is 24 hours), `working left` the clock's
    # working time (hours, never days): the headings say which, as on a calendar `1d` would
    # read as a working day
    head = ["next", "", "in (wall clock)", "lead", "assignee", "rule", "cycle", "status", "due", "wall-clock left",
            "working left"]
    counted = any(d.attempts_needed is not None for d in items)
    if counted:
        head.append("attempts")
    escalating = any(d.escalates_to for d in items)     # `breach of RULE` (extension)
    if escalating:
        head.append("escalates to")
    warning = any(d.warns_to for d in items)            # `warning of RULE` (extension)
    if warning:
        head.append("warns to")
    rows = []
    for d in items:
        row = [_short(d.next_at), d.next_words, _wall(d.until_next), visible(d.lead),
               visible(d.assignee or ""), f"{d.rule}.{d.clause}", str(d.cycle),
               d.status, _short(d.due_at), _wall(d.time_left),
               _wall(d.working_left, days=False)]
        if counted:
            row.append("" if d.attempts_needed is None else f"{d.attempts_made} of {d.attempts_needed}")
        if escalating:
            row.append(", ".join(d.escalates_to))
        if warning:
            row.append(", ".join(d.warns_to))
        rows.append(row)
    widths = [max(display_width(r[i]) for r in [head] + rows) for i in range(len(head))]
    right = {2, 6, 9, 10, 11} if counted else {2, 6, 9, 10}     # (attempts: column 11)

    def line(cells):
        pads = [" " * (widths[i] - display_width(c)) for i, c in enumerate(cells)]
        return "  ".join(pads[i] + c if i in right else c + pads[i] for i, c in enumerate(cells)).rstrip()

    out = [line(head)] + [line(r) for r in rows]
    if any(d.paused for d in items):
        out.append("")
        out.append("paused clocks: due if the pause ended now")
    return "\n".join(out) + "\n"


def _short(t) -> str:
    off = t.strftime("%z")
    return t.strftime("%Y-%m-%d %H:%M") + (f" {off[:3]}:{off[3:]}" if off else "")


def _wall(delta, days: bool = True) -> str:
    """A span rounded down to the minute: 2d 3h, 4h 05m, 12m (no days for working time,
    whose days depend on the calendar)."""
    seconds = int(delta.total_seconds())
    minutes = abs(seconds) // 60
    sign = "-" if seconds < 0 and minutes else ""      # less than a minute ago is 0m, not -0m
    d, rem = divmod(minutes, 1440) if days else (0, minutes)
    h, m = divmod(rem, 60)
    if d:
        return f"{sign}{d}d {h}h"
    if h:
        return f"{sign}{h}h {m:02d}m"
    return f"{sign}{m}m"
