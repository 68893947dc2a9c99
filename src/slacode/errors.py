"""The base of every exception slacode raises for what it was given.

``except slacode.SlacodeError`` catches them all: an agreement with errors
(:class:`~slacode.diagnostics.SpecError`), a file that cannot be read
(:class:`FileReadError`), events that cannot be read at all
(:class:`~slacode.timestamps.EventInputError`, and its unknown zone), ``as_of`` without an
offset or zone, or an event's ``at`` given as a naive ``datetime``
(:class:`~slacode.timestamps.MissingOffsetError`), events that could not be used, from
``Result.raise_for_errors()`` (:class:`~slacode.evaluate.EventErrors`, an
``EventInputError``), calendar arithmetic asked
what it cannot do (:class:`~slacode.calendar.CalendarError`), a selection of codes that
matches none (:class:`~slacode.suppress.SelectionError`). Those of a value (a calendar, an
``as_of``, a zone, a selection) are also ``ValueError``s, so existing ``except ValueError``
clauses still work; a file that cannot be read is also the ``OSError`` of its cause
(``FileNotFoundError``, ``IsADirectoryError``, ``PermissionError``); ``SpecError`` and
``EventInputError`` derive from ``Exception`` only.
Arguments of the wrong type (a path where events belong) raise ``TypeError``: a mistake in
the calling code, not in its input.
"""
from __future__ import annotations


class SlacodeError(Exception):
    """What slacode was given cannot be used; the message says what and where."""


class FileReadError(SlacodeError, OSError):
    """A file slacode was asked to read cannot be read: missing, a folder, not allowed.

    It is raised as the class that also matches its cause, so ``except FileNotFoundError``
    (``IsADirectoryError``, ``PermissionError``, ``OSError``) catches it as well as
    ``except SlacodeError``; ``errno`` and ``filename`` are the cause's.
    """

    def __str__(self) -> str:
        return str(self.args[0]) if self.args else super().__str__()


class MissingFileError(FileReadError, FileNotFoundError):
    """A file that does not exist."""


class FolderGivenError(FileReadError, IsADirectoryError):
    """A folder where a file was expected."""


class NotAllowedError(FileReadError, PermissionError):
    """A file this process may not read."""


_BY_CAUSE: tuple[tuple[type[OSError], type[FileReadError]], ...] = (
    (FileNotFoundError, MissingFileError), (IsADirectoryError, FolderGivenError), (PermissionError, NotAllowedError))


def file_read_error(cause: OSError, message: str,
                    kinds: tuple[tuple[type[OSError], type[FileReadError]], ...] = _BY_CAUSE,
                    default: type[FileReadError] = FileReadError) -> FileReadError:
    """The :class:`FileReadError` for ``cause`` (its errno and filename kept), saying ``message``."""
    cls = next((kind for base, kind in kinds if isinstance(cause, base)), default)
    error = cls(message)
    error.errno, error.strerror, error.filename = cause.errno, cause.strerror, cause.filename
    return error
