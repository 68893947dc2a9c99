"""Checks: model → diagnostics (placeholder registry; filled by the lint rules)."""
from __future__ import annotations


def check(agreement) -> list:
    return []
