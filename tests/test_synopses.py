"""Every synopsis of a command in the docs (a ```text block starting `slacode CMD`) names
every option the command takes (its `--help`), so a page does not fall behind the code."""
from __future__ import annotations

import re

import click
import pytest

from slacode.cli import cli
from tests.conftest import ROOT

PAGES = sorted((ROOT / "docs").glob("*.md"))


def _synopses():
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        for block in re.findall(r"```text\n(slacode [a-z]+ .*?)```", text, re.S):
            if "[--" in block:                  # (a synopsis, not an example command line)
                yield page.name, block.split()[1], block


SYNOPSES = list(_synopses())


def _options(name: str) -> list:
    """Each option of the command, as the tuple of its names (`--match`, `-k`)."""
    ctx = click.Context(cli)
    command = cli.get_command(ctx, name)
    return [tuple(p.opts) for p in command.params
            if isinstance(p, click.Option) and not p.hidden and "--help" not in p.opts]


@pytest.mark.parametrize(("page", "name", "block"), SYNOPSES, ids=[f"{p}:{n}" for p, n, _ in SYNOPSES])
def test_a_synopsis_names_every_option(page, name, block):
    written = set(re.findall(r"(?<![\w-])(--?[a-z][a-z-]*)", block))
    assert [names[0] for names in _options(name) if not written & set(names)] == []


def test_there_are_synopses():
    assert len({n for _, n, _ in SYNOPSES}) >= 10
