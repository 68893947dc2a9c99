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


#: ``SLACODE_TEST_SUBPROCESS=1`` makes :func:`run_slacode` start a real ``python -m slacode``
#: every time (as the suite did before it ran the command line in-process), for a run that
#: also checks every case through a fresh interpreter.
ALWAYS_SUBPROCESS = bool(os.environ.get("SLACODE_TEST_SUBPROCESS"))


def run_slacode(args, *, stdin: str | bytes | None = None, cwd=None, env=None, text: bool = True,
                subprocess_: bool = False) -> subprocess.CompletedProcess:
    """``slacode ARGS`` as ``subprocess.run(..., capture_output=True, text=True)`` gives it
    (return code, stdout, stderr), run in this process through :func:`slacode.cli.main`.

    A fresh interpreter costs 150-300 ms of start-up and imports a test about a command's
    behaviour does not need; what only a real process shows (the console script, signals,
    a closed pipe, a cold start) stays with the tests that start one. ``env`` is applied
    on top of ``os.environ`` (as a whole environment, like ``subprocess.run(env=...)``: the
    variables it does not name are removed while the command runs), ``cwd`` by
    ``os.chdir`` for the duration. ``subprocess_=True`` (or :data:`ALWAYS_SUBPROCESS`)
    starts ``python -m slacode`` instead. ``text=False``: stdout and stderr as bytes."""
    args = [str(a) for a in args]
    if subprocess_ or ALWAYS_SUBPROCESS:
        return subprocess.run([sys.executable, "-m", "slacode", *args], capture_output=True, text=text,
                              input=stdin, cwd=cwd, env=env)
    from click.testing import CliRunner

    from slacode.cli import main

    overrides = None
    if env is not None:
        overrides = {k: None for k in os.environ if k not in env}
        overrides.update(env)
    before = os.getcwd()
    with CliRunner().isolation(input=stdin, env=overrides) as (out, err, _both):
        try:
            if cwd is not None:
                os.chdir(cwd)
            code = main(args)
        finally:
            os.chdir(before)
            sys.stdout.flush()
            sys.stderr.flush()
    if not text:
        return subprocess.CompletedProcess(["slacode", *args], code, out.getvalue(), err.getvalue())
    return subprocess.CompletedProcess(["slacode", *args], code, _text(out.getvalue()), _text(err.getvalue()))


def _text(data: bytes) -> str:
    """Bytes as ``subprocess.run(text=True)`` decodes them (universal newlines)."""
    return data.decode().replace("\r\n", "\n").replace("\r", "\n")


@pytest.fixture
def root() -> Path:
    return ROOT


#: Tests that read ../shared (the language's conformance runner, the benchmark data) are
#: skipped without it, except in CI (``CI`` set), where its absence must fail them loudly.
needs_shared = pytest.mark.skipif(not SHARED.is_dir() and not os.environ.get("CI"),
                                  reason="../shared is not beside the checkout")
