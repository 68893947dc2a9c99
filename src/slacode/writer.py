"""Verdicts streamed to a file from the library: what `slacode check --format jsonl` writes.

:meth:`Agreement.evaluate_many <slacode.model.Agreement.evaluate_many>` returns every verdict
in a :class:`~slacode.evaluate.Result`; a nightly job over a whole CRM export wants them in a
file, and memory that follows one lead rather than the export. :func:`write_verdicts` runs the
command's path (:func:`slacode.parallel.run_files`, the lead outcomes spooled with their
verdicts already written as JSON Lines, then :func:`slacode.output.check_pieces`), so its
output is the command's, byte for byte, for any number of processes. :func:`iter_verdicts`
gives the same records as dicts, read back a piece (about a MB of lines) at a time.
"""
from __future__ import annotations

import contextlib
import errno
import io
import os
import sys
from typing import Any, Iterable, Iterator

#: The formats :func:`write_verdicts` writes: ``check --format jsonl`` and ``--format json``.
FORMATS = ("jsonl", "json")


def _event_paths(events) -> list:
    """``events`` as a list of paths (files or folders); TypeError for anything else (event
    dicts, :class:`slacode.Event`, an ``EventBatch``: those are in memory already, and
    :meth:`evaluate_many` takes them)."""
    if isinstance(events, (str, os.PathLike)):
        return [events]
    if events is None or isinstance(events, (bytes, dict)) or not hasattr(events, "__iter__"):
        raise TypeError(f"events must be event files or folders (paths), not {type(events).__name__}")
    paths = list(events)
    for e in paths:
        if not isinstance(e, (str, os.PathLike)):
            raise TypeError(f"events must be event files or folders (paths), not {type(e).__name__}: events "
                            "already in memory (dicts, slacode.Event, read_events) are held whole anyway; "
                            "give them to agreement.evaluate_many(…) and write its Result")
    return paths


def _check_format(format: str) -> None:
    if format not in FORMATS:
        raise ValueError(f"format must be 'jsonl' or 'json' (what `slacode check --format …` writes), not "
                         f"{format!r}; for a table or CSV, run `slacode check` or use evaluate_many")


def _start(agreement, events, *, as_of, jobs, default_tz, input_format, csv_delimiter, csv_columns, call: str,
           timestamp_formats=None, type_map=None):
    """Check the arguments as :meth:`evaluate_many` does, then read the events (both passes):
    ``(run, diagnostics, cutoff)``, the verdicts still to be streamed from the run."""
    from slacode.evaluate import public_as_of
    from slacode.events import csv_options_of, type_map_pairs_of
    from slacode.output import count_events, serialize_verdicts
    from slacode.parallel import checked_jobs, run_files
    from slacode.timestamps import timestamp_formats as _timestamp_formats

    csv_options_of(csv_delimiter, csv_columns)      # (checked before anything is read)
    timestamp_formats = _timestamp_formats(timestamp_formats, default_tz)
    type_map_pairs_of(type_map)
    plan = agreement.plan
    cutoff = public_as_of(as_of, default_tz)
    asked, n, reason = checked_jobs(jobs)
    paths = _event_paths(events)
    # the verdicts serialized and each lead's events counted, as `check` runs it: the same summary
    run, diagnostics = run_files(plan, paths, cutoff, n, asked=asked, reason=reason, default_tz=default_tz,
                                 input_format=input_format, csv_delimiter=csv_delimiter, csv_columns=csv_columns,
                                 serialize=serialize_verdicts, fold_hook=count_events, call=call,
                                 timestamp_formats=timestamp_formats, type_map=type_map)
    return run, diagnostics, cutoff


def _pieces(agreement, run, diagnostics: list, cutoff: int, format: str):
    """The generator of the output's pieces (:func:`slacode.output.check_pieces`), given the
    arguments ``slacode check`` gives it for this format (no --lead, --status or --ignore)."""
    from slacode.output import check_pieces
    from slacode.verdict import iso

    plan = agreement.plan
    own = list(agreement.diagnostics)
    return check_pieces(run, format, agreement_meta={"id": agreement.id, "version": agreement.version},
                        as_of_text=iso(cutoff, plan.zone), diagnostics=own + diagnostics,
                        agreement_diagnostics=len(own))


def write_verdicts(agreement, events: Any, out: Any, *, as_of, jobs: int | None = None, default_tz=None,
                   input_format: str | None = None, csv_delimiter: str | None = None,
                   csv_columns: Any = None, format: str = "jsonl", timestamp_formats: Any = None,
                   type_map: Any = None) -> dict:
    """Write the verdicts of event files to ``out`` as `slacode check --format jsonl` writes
    them (``format="json"``: as ``--format json``): the verdict records lead by lead, the
    diagnostic records, the summary record; byte for byte the command's output, for any
    ``jobs``. Memory follows one lead (the verdicts wait in spool files), not the input.

    ``events``: event files or folders (paths), read as :meth:`evaluate_many` reads them, with
    its ``jobs``, ``default_tz``, ``input_format``, ``csv_delimiter``, ``csv_columns``,
    ``timestamp_formats`` and ``type_map``;
    events in memory raise TypeError (:meth:`evaluate_many` takes them). ``out``: a path,
    written atomically (a temporary file beside it, renamed over it once complete: no
    reader ever sees half a file, and a failed run leaves the old file as it was), or a
    binary file object (written to, neither flushed nor closed). Returns the summary record
    as a dict, as ``Result.summary()`` gives it (the record written also says the run:
    ``as_of``, ``agreement``, ``slacode`` and ``events``, :data:`RUN_KEYS`). The errors are :meth:`evaluate_many`'s
    (:class:`~slacode.timestamps.InvalidAsOfError`, :class:`~slacode.events.EventInputError`,
    …), raised before anything is written."""
    _check_format(format)
    if isinstance(out, (str, os.PathLike)):
        taken = input_among(out, [events] if isinstance(events, (str, os.PathLike)) else events)
        if taken is not None:
            raise ValueError(f"out is {os.fspath(out)!r}, which is also one of the event files to read ({taken!r}): "
                             "writing the verdicts there would replace the events; give another path")
    target = _Target(out)
    run, diagnostics, cutoff = _start(agreement, events, as_of=as_of, jobs=jobs, default_tz=default_tz,
                                      input_format=input_format, csv_delimiter=csv_delimiter,
                                      csv_columns=csv_columns, call="write_verdicts",
                                      timestamp_formats=timestamp_formats, type_map=type_map)
    try:
        with target as stream:
            pieces = _pieces(agreement, run, diagnostics, cutoff, format)
            write = stream.write
            while True:
                try:
                    write(next(pieces))
                except StopIteration as done:
                    return result_summary(done.value.summary)
    finally:
        run.close()


#: the keys of the summary record that say the run (review 31b M6), which ``Result.summary()``
#: does not have: :func:`write_verdicts` writes them and returns the others
RUN_KEYS = ("as_of", "agreement", "slacode", "events")


def result_summary(summary: dict) -> dict:
    """The summary record written, without its :data:`RUN_KEYS`: what ``Result.summary()`` gives."""
    return {k: v for k, v in summary.items() if k not in RUN_KEYS}


def input_among(path, inputs) -> str | None:
    """The one of ``inputs`` (a list or tuple of paths; anything else is passed over) that is
    the file ``path`` names, or None: an output that would be written over what the run reads (the same path,
    another name of it, a link to it)."""
    for item in inputs if isinstance(inputs, (list, tuple)) else ():     # (never consume an iterator)
        if not isinstance(item, (str, os.PathLike)) or os.fspath(item) == "-":
            continue
        try:
            if os.path.samefile(path, item):
                return os.fspath(item)
        except (OSError, ValueError):           # (either missing: compare what they name)
            if os.path.realpath(path) == os.path.realpath(item):
                return os.fspath(item)
    return None


def iter_verdicts(agreement, events: Any, *, as_of, jobs: int | None = None, default_tz=None,
                  input_format: str | None = None, csv_delimiter: str | None = None,
                  csv_columns: Any = None, timestamp_formats: Any = None, type_map: Any = None) -> Iterator[dict]:
    """The records :func:`write_verdicts` writes, as dicts, one at a time: each verdict
    (``{"record": "verdict", …}``, leads in order, then the targets' and quotas'), then each
    diagnostic (``"record": "diagnostic"``), then the summary (``"record": "summary"``).

    The events are read (both passes) when this is called, so its errors are raised here, as
    :func:`write_verdicts` raises them; the verdicts are then made and read back a piece of
    output (about a MB of lines) at a time as the iterator is consumed. An iterator dropped
    before its end removes the run's temporary files when it is closed or collected."""
    run, diagnostics, cutoff = _start(agreement, events, as_of=as_of, jobs=jobs, default_tz=default_tz,
                                      input_format=input_format, csv_delimiter=csv_delimiter,
                                      csv_columns=csv_columns, call="iter_verdicts",
                                      timestamp_formats=timestamp_formats, type_map=type_map)
    return _records(run, _pieces(agreement, run, diagnostics, cutoff, "jsonl"))


def _records(run, pieces: Iterable[bytes]) -> Iterator[dict]:
    from slacode.output import loads

    try:
        for piece in pieces:
            for line in piece.splitlines():
                yield loads(line)
    finally:
        run.close()


def atomic_file(path) -> "_Target":
    """A context giving a binary stream that lands at ``path`` only when the block ends
    without an error: a temporary file in the same folder, flushed, fsync'd and renamed
    over ``path``; on an error (or an interruption) it is removed and ``path`` stays as it
    was. What :func:`write_verdicts` writes to a path with; ``report --html`` and
    ``--output`` too."""
    return _Target(os.fspath(path))


@contextlib.contextmanager
def stdout_to(path) -> Iterator[None]:
    """Standard output (``sys.stdout``, text and its binary ``buffer``) written to
    :func:`atomic_file` ``(path)`` for the block: renamed into place when the block ends
    normally, thrown away when it raises (an exit 2, ``KeyboardInterrupt``), standard output
    restored either way. A command's ``--output FILE``."""
    target = atomic_file(path)
    stream = target.__enter__()
    text = io.TextIOWrapper(stream, encoding="utf-8", newline="\n")
    saved = sys.stdout
    sys.stdout = text
    try:
        yield
    except BaseException:
        sys.stdout = saved
        try:
            text.detach()
        except Exception:           # noqa: BLE001 - (a flush that fails again: the file goes anyway)
            pass
        target.__exit__(*sys.exc_info())
        raise
    sys.stdout = saved
    try:
        text.flush()
        text.detach()
    except BaseException:
        target.__exit__(*sys.exc_info())
        raise
    target.__exit__(None, None, None)


class _Target:
    """``out`` of :func:`write_verdicts` as a context giving a binary stream: a path is
    written to a temporary file in its folder (made on entering: a folder that does not
    exist fails at once), renamed over the path when the block ends without an error, and
    removed when it ends with one; a file object is used as it is."""

    def __init__(self, out):
        self.path = self.tmp = self.file = None
        if isinstance(out, (str, os.PathLike)):
            path = os.fspath(out)
            if isinstance(path, bytes):
                path = os.fsdecode(path)
            if not path:
                raise ValueError("out is an empty path; give the file to write")
            if os.path.isdir(path):
                raise IsADirectoryError(f"out: {path} is a folder; give the file to write")
            folder = os.path.dirname(os.path.abspath(path))
            if not os.path.isdir(folder):      # said before the events are read, naming the path given
                raise FileNotFoundError(errno.ENOENT, f"out: the folder {folder} does not exist; make it, "
                                        f"or give a file in a folder that does", path)
            self.path = path
        elif isinstance(out, io.TextIOBase):
            raise TypeError("out is a text stream; open the file in binary mode (open(path, 'wb')) or give its path")
        elif not callable(getattr(out, "write", None)):
            raise TypeError(f"out must be a path or a binary file object, not {type(out).__name__}")
        else:
            self.file = out

    def __enter__(self):
        if self.path is None:
            return self.file
        import tempfile

        folder, name = os.path.split(os.path.abspath(self.path))
        fd, self.tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}.", suffix=".tmp")
        try:
            os.chmod(self.tmp, 0o666 & ~_umask())   # as open() would make it (mkstemp: 0600)
            self.file = os.fdopen(fd, "wb", buffering=1 << 20)
        except BaseException:
            os.close(fd)
            os.unlink(self.tmp)
            raise
        return self.file

    def __exit__(self, kind, error, trace) -> None:
        if self.path is None:
            return
        try:
            if kind is None:
                self.file.flush()
                os.fsync(self.file.fileno())
            self.file.close()
            if kind is None:
                os.replace(self.tmp, self.path)
                self.tmp = None
        finally:
            if self.tmp is not None:
                try:
                    os.unlink(self.tmp)
                except OSError:
                    pass


def _umask() -> int:
    """This process's umask, read without changing it where Linux tells it (changing it,
    the only portable way, races with other threads creating files)."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)
    os.umask(mask)
    return mask
