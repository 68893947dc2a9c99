"""checks.logic.plain reads a model node as model_dump() would, without building serializers."""
from __future__ import annotations

from pathlib import Path

import pytest

import slacode
from slacode.checks.logic import plain

ROOT = Path(__file__).resolve().parents[1]
AGREEMENTS = [ROOT / "specs" / "northwind.sla", ROOT / "specs" / "northwind_v2.sla",
              ROOT.parent / "shared" / "bench" / "bench.sla"]


def nodes(x):
    if hasattr(type(x), "model_fields"):
        yield x
        for k in type(x).model_fields:
            yield from nodes(getattr(x, k))
    elif isinstance(x, (list, tuple)):
        for item in x:
            yield from nodes(item)


@pytest.mark.parametrize("path", [p for p in AGREEMENTS if p.exists()], ids=lambda p: p.name)
def test_plain_equals_model_dump_on_every_node(path):
    count = 0
    for node in nodes(slacode.load(path)):
        assert plain(node) == node.model_dump(), type(node).__name__
        count += 1
    assert count > 100
