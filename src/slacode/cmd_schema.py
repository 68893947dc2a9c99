"""``slacode schema NAME``: print the JSON Schema of a machine-readable format."""
from __future__ import annotations

import click

from slacode.schemas import SCHEMAS, schema_text


@click.command()
@click.argument("name", required=False, metavar="[NAME]", type=click.Choice(list(SCHEMAS)))
def schema(name):
    """Print the JSON Schema (draft 2020-12) of a machine-readable format: events,
    verdicts (check --format json|jsonl), diagnostics (lint --format json), report
    (report --format json), due (due --format json|jsonl), diff (diff --format json) or
    tests (test --format json). Without NAME, list them."""
    if name is None:
        for key, what in SCHEMAS.items():
            click.echo(f"{key:<12} {what}")
        return 0
    click.echo(schema_text(name), nl=False)
    return 0
