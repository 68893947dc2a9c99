"""`slacode changes`: what happened to the clocks between the last run and this one.

Reads events as `check` and `due` do (same options, same diagnostics), evaluates them once
as of ``--as-of`` (streamed, lead by lead: only the transitions are kept) and lists the
transitions in ``(--since, --as-of]`` (:mod:`slacode.report.changes`).
"""
from __future__ import annotations

import click

from slacode.cli import (EXIT_OK, _as_of_option, _event_options, _fail, _jobs_option, load_agreement, output_option,
                         refuse_compressed, writing_output)
from slacode.cmd_report import _evaluate, _input_problems, _once, _reader, _selected_rules

#: the columns of ``--format csv``, in order (``escalates_to``: names joined by spaces)
COLUMNS = ("at", "transition", "lead", "rule", "clause", "cycle", "period", "level", "status", "owner", "assignee",
           "segment", "escalates_to", "key", "reason")


def _since(text: str, tz: str | None, zone: str) -> int:
    """``--since`` in epoch microseconds: an RFC 3339 instant (without an offset, read in
    ``--tz``, else the agreement's time zone); exit 2 for one that cannot be read."""
    from slacode.events import parse_timestamp

    try:
        return parse_timestamp(text.strip(), tz or zone)
    except ValueError as e:
        _fail(f"--since {text}: {e}")


@click.command()
@click.argument("spec")
@click.argument("events", nargs=-1, required=True)
@click.option("--since", "since", metavar="T", multiple=True, required=True, callback=lambda c, p, v: _once(p, v),
              help="List what happened after this RFC 3339 instant (the last run's --as-of) and at or before "
                   "--as-of.")
@_as_of_option
@click.option("--rule", "rules", multiple=True, metavar="NAME", help="Only this rule's changes (repeatable).")
@click.option("--owner", "owners", multiple=True, metavar="TEAM",
              help="Only the changes of the rules, targets and quotas this team owns (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["table", "jsonl", "json", "csv"]), default="table",
              show_default=True)
@_jobs_option
@_event_options
@output_option
def changes(spec, events, since, as_of, rules, owners, fmt, jobs, tz, input_format, csv_options, output_file):
    """What happened to the clocks since the last run: opened, warned, met, breached, cancelled."""
    refuse_compressed(events)
    with writing_output(output_file, spec, events):
        return _changes(spec, events, since, as_of, rules, owners, fmt, jobs, tz, input_format, csv_options)


def _changes(spec, events, since, as_of, rules, owners, fmt, jobs, tz, input_format, csv_options):
    """The body of `changes` (its output to standard output)."""
    from slacode.report.changes import ChangesSink, goal_groups
    from slacode.report.due import escalations
    from slacode.report.progress import wanted

    agreement = load_agreement(spec, events)
    plan = agreement.plan
    selected = _selected_rules(plan, rules, owners)       # (exit 2 for a name the agreement lacks)
    only = None
    if rules:
        names = frozenset(selected or ())
        only = lambda c: c.rule in names                    # noqa: E731
    elif owners:                                            # the team's rules, targets and quotas
        teams = frozenset(owners)
        only = lambda c: c.owner in teams                   # noqa: E731
    read = _reader(agreement, events, as_of, tz, input_format, csv_options)
    t0 = _since(since, tz, plan.timezone)
    if t0 > read.as_of:
        _fail(f"--since {since} is after --as-of: the window (since, as of] would be empty; "
              "pass the previous run's --as-of as --since")
    sink = ChangesSink(t0, read.as_of, escalations(plan), only, goal_groups(plan))
    result = _evaluate(agreement, events, as_of, tz, input_format, wanted(fmt), jobs, read=read,
                       csv_options=csv_options, sink=sink, fold_hook=sink.hook)
    items = sink.finish(result)
    click.echo(_render(items, result, fmt, t0), nl=False)
    _input_problems(result, agreement)
    return EXIT_OK


def _render(items, result, fmt: str, since: int) -> str:
    import orjson

    from slacode.output import dumps
    from slacode.verdict import iso

    if fmt == "json":
        doc = {"agreement": {"id": result.agreement_id, "version": result.version},
               "since": iso(since, result.zone), "as_of": iso(result.as_of, result.zone),
               "changes": [c.to_dict() for c in items],
               "diagnostics": [d.to_dict() for d in result.diagnostics]}
        return dumps(doc, orjson.OPT_INDENT_2).decode() + "\n"
    if fmt == "jsonl":
        return "".join(dumps(c.to_dict()).decode() + "\n" for c in items)
    if fmt == "csv":
        from slacode.output import csv_rows

        def row(c) -> dict:
            d = c.to_dict()
            d["escalates_to"] = " ".join(d.get("escalates_to", ()))
            return d

        return csv_rows(COLUMNS, (row(c) for c in items))
    return _table(items)


def _table(items) -> str:
    from slacode.cmd_report import _short
    from slacode.report.tables import display_width
    from slacode.texts import visible
    from slacode.verdict import from_us

    if not items:
        return "Nothing happened in that window.\n"
    # the verdict's status as of --as-of, not at the transition (review 27b L6): json/csv keep `status`
    head = ["at", "transition", "lead", "assignee", "rule", "cycle", "status now"]
    escalating = any(c.escalates_to for c in items)
    if escalating:
        head.append("escalates to")
    rows = []
    for c in items:
        what = c.transition if c.level is None else f"{c.transition} {c.level}"
        where = c.rule if c.clause is None else f"{c.rule}.{c.clause}"
        row = [_short(from_us(c.at, c.zone)), what, visible(c.lead or ""), visible(c.assignee or ""), where,
               str(c.cycle) if c.cycle is not None else (c.period or ""), c.status]
        if escalating:
            row.append(", ".join(c.escalates_to))
        rows.append(row)
    widths = [max(display_width(r[i]) for r in [head] + rows) for i in range(len(head))]

    def line(cells):
        return "  ".join(c + " " * (widths[i] - display_width(c)) for i, c in enumerate(cells)).rstrip()

    return "\n".join([line(head)] + [line(r) for r in rows]) + "\n"
