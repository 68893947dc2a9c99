"""Review 29d (a crash and silent-loss hunt): the exit status through a pipe both streams
go to, outputs that would overwrite an input, errors that name the wrong thing."""
from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT

BAD = 'agreement "x" { version "1"; timezone "UTC"; teams sales }\ndeadline d {\n  owner sales\n  start on a\n' \
      '  stop on b\n  within 1h on nowhere\n}\n'


def _status_with_the_reader_gone(args, cwd) -> int:
    """The exit status of ``slacode ARGS`` when standard output and standard error go to one
    pipe whose reader has gone before anything was written (`2>&1 | head -0`)."""
    proc = subprocess.Popen([sys.executable, "-m", "slacode", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, cwd=cwd)
    proc.stdout.close()
    return proc.wait(timeout=120)


@pytest.mark.parametrize("args", [["lint", "bad.sla"], ["fmt", "--check", "ugly.sla"],
                                  ["check", str(ROOT / "specs" / "northwind.sla"), str(ROOT / "specs" / "events.jsonl"),
                                   "--as-of", "2026-11-20T18:00:00-03:00", "--fail-on", "breached", "--format", "jsonl"]])
def test_a_closed_pipe_on_both_streams_keeps_the_status(tmp_path, args):
    (tmp_path / "bad.sla").write_text(BAD)
    (tmp_path / "ugly.sla").write_text('agreement "x" {version "1"; timezone "UTC"; teams sales}\n')
    unpiped = subprocess.run([sys.executable, "-m", "slacode", *args], capture_output=True, cwd=tmp_path).returncode
    assert unpiped == 1
    assert _status_with_the_reader_gone(args, tmp_path) == 1
