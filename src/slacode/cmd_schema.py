"""``slacode schema NAME``: print the JSON Schema of a machine-readable format."""
from __future__ import annotations

import click

from slacode.schemas import SCHEMAS, schema_text


def _known(ctx, param, name):
    """NAME, one of :data:`SCHEMAS`; else a usage error that says which was meant."""
    if name is None or name in SCHEMAS:
        return name
    import difflib

    close = difflib.get_close_matches(name.lower(), list(SCHEMAS), n=1, cutoff=0.6)
    meant = f"did you mean `{close[0]}`? " if close else ""
    raise click.BadParameter(f"no schema named {name!r}; {meant}choose from {', '.join(SCHEMAS)}")


@click.command()
@click.argument("name", required=False, metavar="[NAME]", callback=_known)
def schema(name):
    """Print the JSON Schema (draft 2020-12) of a machine-readable format: events,
    verdicts (check --format json|jsonl), diagnostics (lint --format json), report
    (report --format json), due (due --format json|jsonl), diff (diff --format json),
    tests (test --format json), coverage (test --coverage --format json), changes
    (changes --format json) or calendar (calendar --format json). Without NAME, list them."""
    if name is None:
        for key, what in SCHEMAS.items():
            click.echo(f"{key:<12} {what}")
        return 0
    click.echo(schema_text(name), nl=False)
    return 0
