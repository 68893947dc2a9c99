"""Shared test helpers."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def language_example() -> str:
    """The complete agreement of LANGUAGE.md §1."""
    text = (SHARED / "LANGUAGE.md").read_text(encoding="utf-8")
    return re.search(r"```\n(# Acme.*?)```", text, re.S).group(1)


def shared_agreements() -> list[Path]:
    return sorted((SHARED / "conformance" / "cases").glob("*/agreement.sla")) + [SHARED / "bench" / "bench.sla"]


@pytest.fixture
def root() -> Path:
    return ROOT


needs_shared = pytest.mark.skipif(not SHARED.is_dir(), reason="../shared is not beside the checkout")
