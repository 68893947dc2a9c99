"""The command line's exit statuses under failure, as a nightly job relies on them (review
31b): a crash is 2 whatever happens while saying it, never 1 (findings); I/O errors say
which side failed; an unusable TMPDIR is said."""
from __future__ import annotations

import builtins
import errno
import io
import os
import sys
import tempfile
from pathlib import Path

import pytest

from slacode import cli

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "specs" / "northwind.sla"
EVENTS = ROOT / "specs" / "events.jsonl"
AS_OF = "2026-11-20T18:00:00-03:00"
CHECK = ["check", str(SPEC), str(EVENTS), "--as-of", AS_OF, "--format", "jsonl", "--jobs", "1"]


def test_a_failing_import_in_the_crash_handler_is_still_exit_2(monkeypatch, capfd):
    """H4: out of memory, the handler's own imports fail too (`from slacode.calendar import
    …` raised MemoryError, which escaped to Python's status 1, the status of findings)."""
    real_import = builtins.__import__

    def no_memory(*args, **kwargs):
        raise MemoryError

    def load(*args, **kwargs):
        builtins.__import__ = no_memory         # from here on, nothing imports
        raise MemoryError

    monkeypatch.setattr(cli, "load_agreement", load)
    monkeypatch.delenv("SLACODE_TRACEBACK", raising=False)
    try:
        code = cli.main(CHECK)
    finally:
        builtins.__import__ = real_import
    assert code == 2
    assert "slacode: out of memory" in capfd.readouterr().err


def test_a_crash_while_saying_a_crash_is_exit_2_with_the_least_said(monkeypatch, capfd):
    def load(*args, **kwargs):
        raise RuntimeError("boom")

    def echo(*args, **kwargs):
        raise OSError(errno.EIO, "Input/output error")              # standard error itself broken

    monkeypatch.setattr(cli, "load_agreement", load)
    monkeypatch.setattr(cli.click, "echo", echo)
    assert cli.main(CHECK) == 2
    assert capfd.readouterr().err == "slacode: internal error: RuntimeError\n"


class _Odd(BaseException):
    """Not an Exception: what `except Exception` in main() lets through."""


@pytest.mark.parametrize("raised", [_Odd("escaped"), MemoryError(), GeneratorExit()])
def test_the_program_ends_in_a_last_resort_that_exits_2(monkeypatch, capfd, raised):
    """H4: whatever escapes main() (or happens after it), `slacode` exits 2, not 1."""
    def broken():
        raise raised

    monkeypatch.setattr(cli, "main", broken)
    monkeypatch.setattr(sys, "stderr", sys.stderr)                   # console() wraps it; put it back after
    with pytest.raises(SystemExit) as exit_:
        cli.console()
    assert exit_.value.code == 2
    assert capfd.readouterr().err.startswith("slacode: ")


@pytest.mark.parametrize("code", [0, 1, 5, None])
def test_system_exit_keeps_its_meaning(monkeypatch, code):
    def exits():
        raise SystemExit(code)

    monkeypatch.setattr(cli, "main", exits)
    monkeypatch.setattr(sys, "stderr", sys.stderr)
    with pytest.raises(SystemExit) as exit_:
        cli.console()
    assert exit_.value.code == code


def test_the_program_puts_the_signal_handlers_back(monkeypatch):
    import signal

    before = (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT))
    seen = []
    monkeypatch.setattr(cli, "main", lambda: seen.append(signal.getsignal(signal.SIGTERM)) or 0)
    monkeypatch.setattr(sys, "stderr", sys.stderr)
    with pytest.raises(SystemExit):
        cli.console()
    assert seen[0] is not before[0]                                  # SIGTERM was the program's
    assert (signal.getsignal(signal.SIGTERM), signal.getsignal(signal.SIGINT)) == before


def test_an_ignored_hangup_stays_ignored_and_a_default_one_is_the_programs(monkeypatch):
    """Under `nohup` SIGHUP is ignored, and the run must go on when the session closes;
    otherwise the program stops on it as on SIGTERM (129, the run's files removed)."""
    import signal

    monkeypatch.setattr(sys, "stderr", sys.stderr)
    for given, program_s in ((signal.SIG_IGN, False), (signal.SIG_DFL, True)):
        before = signal.signal(signal.SIGHUP, given)
        try:
            seen = []
            monkeypatch.setattr(cli, "main", lambda: seen.append(signal.getsignal(signal.SIGHUP)) or 0)
            with pytest.raises(SystemExit):
                cli.console()
            assert (seen[0] not in (signal.SIG_IGN, signal.SIG_DFL)) is program_s
            assert signal.getsignal(signal.SIGHUP) is given                    # put back
        finally:
            signal.signal(signal.SIGHUP, before)


class _FullStdout(io.StringIO):
    def flush(self):
        raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_disk_at_the_last_flush_of_standard_output_is_exit_2(monkeypatch, capfd):
    """Not the interpreter's "Exception ignored … stdout" and status 120 (or 0 / 1)."""
    monkeypatch.setattr(cli, "main", lambda: 1)
    monkeypatch.setattr(sys, "stdout", _FullStdout())
    monkeypatch.setattr(sys, "stderr", sys.stderr)
    with pytest.raises(SystemExit) as exit_:
        cli.console()
    assert exit_.value.code == 2
    err = capfd.readouterr().err
    assert err.startswith("slacode: standard output: No space left on device\n  = hint: ")


def test_a_full_temporary_folder_in_one_process_names_it(monkeypatch, capsys):
    """M2: the spool's ENOSPC says the temporary folder (and TMPDIR), not only the errno."""
    from slacode import stream

    def full(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(stream.Spool, "write", full)
    monkeypatch.setenv("TMPDIR", tempfile.gettempdir())
    assert cli.main(CHECK) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"slacode: the temporary folder {tempfile.gettempdir()} (TMPDIR) is full: "
                          "No space left on device\n  = hint: ")
    assert "set TMPDIR to a folder with more space" in err


def test_too_many_open_files_says_the_limit_and_jobs(monkeypatch, capsys):
    """M2: EMFILE says what to do (`ulimit -n`, fewer --jobs), not a random temporary file's name."""
    from slacode import stream

    def no_file(self, *args, **kwargs):
        raise OSError(errno.EMFILE, "Too many open files", "/tmp/tmpabcdef")

    monkeypatch.setattr(stream.Spool, "__init__", no_file)
    assert cli.main(CHECK) == 2
    err = capsys.readouterr().err
    assert err.startswith("slacode: Too many open files (opening a temporary file)\n")
    assert "ulimit -n" in err and "fewer --jobs" in err and "/tmp/tmpabcdef" not in err


class _FullDisk(io.RawIOBase):
    def writable(self):
        return True

    def write(self, data):
        raise OSError(errno.ENOSPC, "No space left on device")


def test_an_io_error_of_standard_output_says_so(monkeypatch, capsys):
    """M2: a write to standard output that fails (a full disk, /dev/full) names it."""
    full = io.TextIOWrapper(io.BufferedWriter(_FullDisk(), buffer_size=16), encoding="utf-8")
    monkeypatch.setattr(sys, "stdout", full)
    assert cli.main(CHECK) == 2
    err = capsys.readouterr().err
    assert err.startswith("slacode: standard output: No space left on device\n  = hint: ")


@pytest.mark.parametrize(("value", "why"), [("", "is set but empty"), ("{tmp}/missing", "does not exist"),
                                            ("{tmp}/file", "is not a folder")])
def test_an_unusable_tmpdir_is_said_once_where_the_files_go_instead(tmp_path, monkeypatch, capsys, value, why):
    """L1: Python falls back to another folder without a word; slacode says it, for a
    command that keeps temporary files, and the output is unchanged."""
    (tmp_path / "file").write_text("x")
    assert cli.main(CHECK) == 0
    expected = capsys.readouterr().out
    monkeypatch.setenv("TMPDIR", value.format(tmp=tmp_path))
    assert cli.main(CHECK) == 0
    captured = capsys.readouterr()
    assert captured.out == expected
    lines = [line for line in captured.err.splitlines() if "TMPDIR" in line]
    named = f"({value.format(tmp=tmp_path)}) " if value else ""
    assert lines == [f"slacode: warning: TMPDIR {named}{why}: temporary files go to {tempfile.gettempdir()} instead"]
    assert cli.main(["lint", str(SPEC)]) in (0, 1)                     # lint keeps no temporary file
    assert "TMPDIR" not in capsys.readouterr().err


def test_a_usable_tmpdir_is_not_mentioned(monkeypatch, capsys):
    monkeypatch.setenv("TMPDIR", tempfile.gettempdir() + os.sep)
    assert cli.main(CHECK) == 0
    assert "TMPDIR" not in capsys.readouterr().err


def test_an_extension_module_that_cannot_be_mapped_is_out_of_memory(monkeypatch, capsys):
    """Under a memory limit (`ulimit -v`), the dynamic loader fails before Python can raise
    MemoryError: that ImportError is no bug either."""
    def load(*args, **kwargs):
        raise ImportError("/x/_pydantic_core.so: failed to map segment from shared object")

    monkeypatch.setattr(cli, "load_agreement", load)
    assert cli.main(CHECK) == 2
    err = capsys.readouterr().err
    assert err.startswith("slacode: out of memory") and "bug" not in err


def test_a_signal_while_a_crash_is_said_is_the_signals_status(monkeypatch):
    def broken():
        raise RuntimeError("boom")

    def stopped(exc):
        raise cli._Stopped(15)

    monkeypatch.setattr(cli, "main", broken)
    monkeypatch.setattr(cli, "_say_internal_error", stopped)
    monkeypatch.setattr(sys, "stderr", sys.stderr)
    with pytest.raises(SystemExit) as exit_:
        cli.console()
    assert exit_.value.code == 143
