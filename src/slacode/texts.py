"""Texts of verdict reasons and explanations: durations, targets, shares and windows as
people read them (instants are :func:`slacode.instants.when`).

Targets and gaps repeat on every cycle, so their texts are kept (bounded caches whose
entries depend only on their keys)."""
from __future__ import annotations

from slacode.instants import when

__all__ = ["gap_text", "percent_text", "plural", "rate_text", "span_text", "visible", "when", "window_text",
           "work_text"]


def plural(n: int, word: str) -> str:
    """``1 file``, ``2 files``."""
    return f"{n} {word}{'' if n == 1 else 's'}"


def work_text(us: int) -> str:
    """Working time in hours and minutes (never days: a working day's length varies).
    Targets repeat on every cycle, so the texts are kept."""
    text = _WORK_TEXTS.get(us)
    if text is None:
        if len(_WORK_TEXTS) > 4096:
            _WORK_TEXTS.clear()
        text = _WORK_TEXTS[us] = span_text(us, days=False)
    return text


_WORK_TEXTS: dict = {}


def gap_text(us: int) -> str:
    """:func:`span_text` of a `gap` clause's least gap (one per clause: kept)."""
    text = _GAP_TEXTS.get(us)
    if text is None:
        if len(_GAP_TEXTS) > 1024:
            _GAP_TEXTS.clear()
        text = _GAP_TEXTS[us] = span_text(us)
    return text


_GAP_TEXTS: dict = {}


def span_text(us: int, days: bool = True) -> str:
    """A duration in words: 1d 2h 5m style (days of 24 hours, wall clock; seconds only under
    a day; under a second, milliseconds, or microseconds under a millisecond; ``0m`` for
    nothing). Written piece by piece, without a list to join: verdicts write one or two per
    cycle (how late, how much working time was used)."""
    total = (-us if us < 0 else us) // 1_000_000
    if days and total >= 86_400:
        d, rem = divmod(total, 86_400)
        h, rem = divmod(rem, 3600)
        text = f"{d}d"
        if h:
            text += f" {h}h"
        if rem >= 60:
            text += f" {rem // 60}m"
    else:
        h, rem = divmod(total, 3600)
        m, s = divmod(rem, 60)
        text = f"{h}h" if h else ""
        if m:
            text = f"{text} {m}m" if text else f"{m}m"
        if s:
            text = f"{text} {s}s" if text else f"{s}s"
        if not text:                        # under a second: in ms (µs under a ms), never "0m"
            part = -us if us < 0 else us
            text = "0m" if not part else f"{part // 1000}ms" if part >= 1000 else f"{part}µs"
    return "-" + text if us < 0 else text


def percent_text(share: tuple[int, int]) -> str:
    """``55%``, ``62.5%``: a warn share as the agreement wrote it."""
    return f"{share[0] * 100 / share[1]:g}%"


def rate_text(rate: float, decimals: int = 1) -> str:
    """``87.5%``: a share of kept promises, rounded, but never shown as 100% when some were
    broken, nor as 0% when some were kept (``>99.9%``, ``<0.1%``)."""
    text = f"{rate:.{decimals}%}"
    step = 10 ** -decimals
    if rate < 1 and float(text[:-1]) >= 100:
        return f">{100 - step:.{decimals}f}%"
    if rate > 0 and float(text[:-1]) <= 0:
        return f"<{step:.{decimals}f}%"
    return text


#: Characters that reorder the text around them (right-to-left overrides, isolates, marks):
#: in a rep's name or a lead id they would make "evil" read "live" in a table.
_BIDI = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F])


def visible(text: str) -> str:
    """``text`` with each character that reorders text shown by name, ``[U+202E]``."""
    if text.isascii():
        return text
    return "".join(f"[U+{ord(c):04X}]" if ord(c) in _BIDI else c for c in text)


def window_text(window: tuple) -> str:
    """``08:00-21:00``: an `only between` window as written."""
    def hhmm(minutes) -> str:
        h, m = divmod(int(minutes), 60)
        return f"{h:02d}:{m:02d}"
    return f"{hhmm(window[0])}-{hhmm(window[1])}"
