"""A spinner and a counter of events read, on standard error, for long runs.

:class:`Progress` wraps the record iterator handed to the evaluation: each record passes
through unchanged while a line such as ``⠹ reading events… 1,204,311`` is redrawn at most
ten times a second. It is meant for people: the commands turn it on only when standard
error is a terminal and the output format is not machine readable, so logs and pipes
never see it. :meth:`Progress.close` erases the line.
"""
from __future__ import annotations

import sys
import time
from typing import Iterable, Iterator, TextIO

#: output formats meant for people; every other format is machine readable
HUMAN_FORMATS = frozenset({"table", "text"})

_FRAMES_UNICODE = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
_FRAMES_ASCII = "|/-\\"
_CHECK_EVERY = 256                     # records between two looks at the clock


def wanted(fmt: str, stream: TextIO | None = None) -> bool:
    """Whether to show progress: a human format and a terminal on ``stream`` (stderr)."""
    stream = stream if stream is not None else sys.stderr
    isatty = getattr(stream, "isatty", None)
    return fmt in HUMAN_FORMATS and bool(isatty and isatty())


class Progress:
    """A counter of records on ``stream``; a no-op when ``enabled`` is false."""

    def __init__(self, stream: TextIO | None = None, *, enabled: bool = True, interval: float = 0.1,
                 clock=time.monotonic) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled
        self.interval = interval
        self.clock = clock
        self.count = 0
        self.drawn = False
        self._frame = 0
        self._next = 0.0
        encoding = (getattr(self.stream, "encoding", None) or "").lower()
        self.frames = _FRAMES_UNICODE if encoding.replace("-", "") == "utf8" else _FRAMES_ASCII

    def wrap(self, records: Iterable, label: str = "reading events") -> Iterator:
        """Yield ``records`` unchanged, counting them and redrawing the line now and then."""
        if not self.enabled:
            yield from records
            return
        self._next = self.clock() + self.interval
        n = 0
        for rec in records:
            yield rec
            n += 1
            if n % _CHECK_EVERY == 0:
                now = self.clock()
                if now >= self._next:
                    self.count = n
                    self._draw(f"{label}… {n:,}")
                    self._next = now + self.interval
        self.count = n
        if self.drawn:
            self._draw(f"{label}: {n:,} done; working out the verdicts…")

    def note(self, text: str) -> None:
        """Show a one-off status (e.g. while the verdicts are computed)."""
        if self.enabled:
            self._draw(text)

    def _draw(self, text: str) -> None:
        frame = self.frames[self._frame % len(self.frames)]
        self._frame += 1
        self.stream.write(f"\r\x1b[2K{frame} {text}")
        self.stream.flush()
        self.drawn = True

    def close(self) -> None:
        """Erase the line (if anything was drawn)."""
        if self.enabled and self.drawn:
            self.stream.write("\r\x1b[2K")
            self.stream.flush()
            self.drawn = False

    def __enter__(self) -> "Progress":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
