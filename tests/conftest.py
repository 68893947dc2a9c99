"""Shared test helpers."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def language_example() -> str:
    """The complete agreement of LANGUAGE.md §1 (without ../shared beside the checkout, the
    test or module that asks for it is skipped, as :data:`needs_shared` skips; in CI it fails)."""
    path = SHARED / "LANGUAGE.md"
    if not path.is_file() and not os.environ.get("CI"):
        pytest.skip("../shared is not beside the checkout", allow_module_level=True)
    text = path.read_text(encoding="utf-8")
    return re.search(r"```\n(# Acme.*?)```", text, re.S).group(1)


def shared_agreements() -> list[Path]:
    return sorted((SHARED / "conformance" / "cases").glob("*/agreement.sla")) + [SHARED / "bench" / "bench.sla"]


def run_fresh(code: str) -> str:
    """Run ``code`` (dedented) in a fresh interpreter with this checkout's ``src`` first on
    the path; its standard output (the test fails with its stderr if it fails)."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True,
                          env=env, cwd=str(ROOT))
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.fixture
def root() -> Path:
    return ROOT


#: Tests that read ../shared (the language's conformance runner, the benchmark data) are
#: skipped without it, except in CI (``CI`` set), where its absence must fail them loudly.
needs_shared = pytest.mark.skipif(not SHARED.is_dir() and not os.environ.get("CI"),
                                  reason="../shared is not beside the checkout")
