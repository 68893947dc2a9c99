"""Texts of verdict reasons and explanations: durations, targets, shares and windows as
people read them (instants are :func:`slacode.instants.when`, not imported here: the checks
of a load use these texts, and the instants' tables are for evaluating).

Targets and gaps repeat on every cycle, so their texts are kept (bounded caches whose
entries depend only on their keys)."""
from __future__ import annotations

__all__ = ["apart_text", "code", "composed", "decomposed", "name_code", "name_snippet", "gap_text", "grouped", "int_digits",
           "percent_text", "plural", "rate_text", "span_text", "visible", "window_text", "work_text"]


def code(text: str) -> str:
    """``text`` as inline code in Markdown, as reasons and hints write it: in single
    backquotes, or fenced with two (and a space inside) when it holds a backquote itself (a
    backquoted field name): ``require `utm-source` `` is written `` `` require `utm-source` `` ``."""
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def name_code(written: str) -> str:
    """A name as an agreement writes it, for a message: one in backquotes already (`` `região` ``,
    a field with other characters) as it is, so plain text shows it once; any other text as
    :func:`code` writes it."""
    return written if len(written) > 2 and written[0] == written[-1] == "`" and "`" not in written[1:-1] \
        and "\n" not in written else code(written)


def name_snippet(written: str, rest: str) -> str:
    """``written`` (a name as an agreement writes it) followed by ``rest`` (`` missing``), as
    inline code: a backquoted name unfenced, followed by the rest (`` `região` missing``), so
    plain text shows no doubled backquotes; else as :func:`code` writes it."""
    return f"{written}{rest}" if name_code(written) == written else code(written + rest)


def int_digits(n: int) -> str:
    """The digits of an int, exactly, however many. Python's ``str()`` refuses an int of
    more than ``sys.get_int_max_str_digits()`` digits (4,300 by default): a sum of big
    amounts, a value of an event given to the library may pass that; the decimal module
    writes it."""
    try:
        return str(int(n))
    except ValueError:
        from decimal import Decimal

        return format(Decimal(int(n)), "f")


def grouped(n) -> str:
    """A number with thousands separators, as reasons write counts and amounts:
    ``1,250,000``, ``1,234.5``, ``-20``; an int of any size exactly (:func:`int_digits`)."""
    try:
        return f"{n:,}"
    except ValueError:          # an int past Python's digit limit
        from decimal import Decimal

        return format(Decimal(int(n)), ",")


def plural(n: int, word: str) -> str:
    """``1 file``, ``2 files``, ``20,000 verdicts``."""
    return f"{n:,} {word}{'' if n == 1 else 's'}"


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


def clock_text(us: int, clock) -> str:
    """A duration counted on ``clock``, for a text that names the clock's time after it
    (``… of working time``, ``… of wall-clock time``): on a calendar in hours and minutes, as
    :func:`work_text` (a working day's length varies); on the wall clock with days of 24
    hours (``1d 1h 30m``), so that a target and a lateness in one reason read alike."""
    if clock.time_words == "working time":
        return work_text(us)
    return span_text(us)


def apart_text(wall_us: int, work_us: int | None = None) -> str:
    """How far apart two instants are, for a reason that also writes working-time figures
    (how late a stop came, how far a deadline moved). Without a calendar (``work_us`` None)
    the wall-clock span, as :func:`span_text` writes it (``1d 2h``: a day is 24 hours there,
    as in the target). On a calendar, where ``1d`` is a working day, the working time
    between them first, as targets are written, then the wall-clock span when it differs,
    named: ``27h 15m of working time (5d 15m by the wall clock)``; ``2h of working time``;
    ``15m by the wall clock (no working time)`` when no working time lies between them."""
    if work_us is None:
        return span_text(wall_us)
    if not work_us and wall_us:                 # (after the close, in a break: no working time went by)
        return f"{span_text(wall_us if wall_us >= 0 else -wall_us)} by the wall clock (no working time)"
    work = f"{work_text(work_us if work_us >= 0 else -work_us)} of working time"
    if abs(work_us) == abs(wall_us):
        return work
    return f"{work} ({span_text(wall_us if wall_us >= 0 else -wall_us)} by the wall clock)"


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
    """``text`` as one line that reads as it is: each character that reorders text shown by
    name, ``[U+202E]``, and control characters escaped, ``\\n``, ``\\x00``."""
    if text.isprintable() and (text.isascii() or not any(ord(c) in _BIDI for c in text)):
        return text
    return "".join(f"[U+{ord(c):04X}]" if ord(c) in _BIDI else c if c.isprintable() else repr(c)[1:-1]
                   for c in text)


def window_text(window: tuple) -> str:
    """``08:00-21:00``: an `only between` window as written."""
    def hhmm(minutes) -> str:
        h, m = divmod(int(minutes), 60)
        return f"{h:02d}:{m:02d}"
    return f"{hhmm(window[0])}-{hhmm(window[1])}"


def same_type(word: str, other: str) -> bool:
    """Whether two event types differ only in case or in how words are joined
    (``Contact Attempt``, ``contact-attempt`` and ``contact_attempt``)."""
    return _joined(word) == _joined(other)


def _joined(word: str) -> str:
    return "_".join(word.replace("-", " ").replace(".", " ").replace("_", " ").lower().split())


def typo_of(word: str, choices) -> str | None:
    """The one of ``choices`` that ``word`` most likely misspells: the same words written
    otherwise (:func:`same_type`), or one edit away (a letter added, left out, changed or
    two swapped) for a word of 6 letters or more, but for a digit (``call2`` numbers
    another event); None when no choice, or more than one equally near, is. Stricter than
    a name's "did you mean": event types such as ``email_sent`` and ``email_open``, or
    ``assigned`` and ``reassigned``, are different events, not typos."""
    choices = [c for c in dict.fromkeys(choices) if c != word]
    letters = _letters(word)
    same = [c for c in choices if _letters(c) == letters and same_type(word, c)]
    if same:
        return same[0]                  # all spell the same words: the first (a known type, say)
    if len(word) < 6:                   # `stage` is no `state`, nor `calls` a `call`
        return None
    most = 1
    bare, low = _undigited(word), word.lower()
    head, tail = _halves(low)
    found = [(d, c) for c in choices if abs(len(c) - len(word)) <= most
             and (c.lower().startswith(head) or c.lower().endswith(tail)) and _undigited(c) != bare
             for d in (_edits(low, c.lower(), most),) if d <= most]
    if not found:
        return None
    found = list({_joined(c): (d, c) for d, c in reversed(found)}.values())   # the first spelling of each
    found.sort()
    if len(found) > 1 and found[1][0] == found[0][0]:
        return None
    return found[0][1]


#: endings that make one event type of another as an export may write it (SLA612)
_TYPE_ENDINGS = ("s", "es", "d", "ed", "ing")


def near_types(word: str, other: str) -> bool:
    """Whether two event types (both read by an agreement) are most likely one event written
    two ways: :func:`typo_of` says one misspells the other, or one is the other with an
    ending (`disposition` and `dispositioned`, `email_open` and `email_opened`), the shorter
    of four letters or more."""
    if word == other:
        return False
    if typo_of(word, [other]) == other:
        return True
    short, long = sorted((_joined(word), _joined(other)), key=len)
    return len(short) >= 4 and long.startswith(short) and long[len(short):] in _TYPE_ENDINGS


def state_typo_of(word: str, choices) -> str | None:
    """The one of ``choices`` (states the agreement names) that the state ``word`` of an
    event most likely misspells: :func:`typo_of` (the same words written otherwise: `MQL`
    for `mql`), or one edit away (a letter added, left out, changed or two neighbours
    swapped) for a word of four letters or more (`mqll`, `sqll` for `mql`, `sql`); None when
    no choice, or more than one equally near, is. States are few and short, so one letter
    counts, but not in a name of three letters or fewer: `sal`, `pql`, `mql` and `sql` are
    distinct stages of a funnel, not one another misspelt. A state is judged only when
    nothing in the agreement names it."""
    got = typo_of(word, choices)
    if got is not None or len(word) < 4:
        return got
    near = _one_edit(word, choices, 3)
    return near[0] if len(near) == 1 else None


def _one_edit(word: str, choices, shortest: int) -> list:
    """The ``choices`` of ``shortest`` letters or more one edit from ``word`` (a letter
    added, left out, changed or two neighbours swapped, case aside), not differing from it
    only in digits."""
    low, bare = word.lower(), _undigited(word)
    head, tail = _halves(low)
    return [c for c in dict.fromkeys(choices) if c != word and len(c) >= shortest and abs(len(c) - len(word)) <= 1
            and (c.lower().startswith(head) or c.lower().endswith(tail))
            and _undigited(c) != bare and _edits(low, c.lower(), 1) <= 1]


def _halves(low: str) -> tuple[str, str]:
    """What a text one edit from ``low`` (:func:`_edits`, case aside) surely begins or ends
    with: an edit at or after the middle leaves the first half as it was, one before it
    leaves all but the half and one letter after it (a swap of two neighbours takes two).
    A cheap test that spares the edit count nearly every name of a wide event (a CRM's
    thousands of properties)."""
    half = len(low) // 2
    return low[:half], low[len(low) - max(len(low) - half - 1, 0):]


#: the characters :func:`_joined` turns into a break between words
_BREAKS = str.maketrans("-._", "   ")
#: every character ``str.split()`` splits at, left out
_SPACES = dict.fromkeys(map(ord, "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004"
                                 "\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000"))


def _letters(word: str) -> str:
    """``word``'s :func:`_joined` form without its breaks (``lead_score`` and ``Lead Score``
    give ``leadscore``): names that :func:`same_type` calls one have the same letters, and a
    name whose words are a run of another's has letters within the other's. Three calls in
    C, where :func:`_joined` makes a list of words, to pass over most names at once."""
    return word.translate(_BREAKS).lower().translate(_SPACES)


def field_typo_of(word: str, choices, words: bool = True) -> str | None:
    """The one of ``choices`` (lead field names) that ``word`` most likely misspells: as
    :func:`typo_of` judges event types, and also one edit away (a letter added, left out,
    changed or two neighbours swapped) when both names have four letters or more, or the
    choice's words among more words (`lead_score`, `Lead Score` for `score`; not with
    ``words`` false); None when no choice, or more than one equally near, is. Looser than
    for types, since a field is reported only when the lead never had the field it may
    misspell (and, for the words among more, when no lead of the input had it)."""
    got = typo_of(word, choices)
    if got is not None or len(word) < 4:
        return got
    near = _one_edit(word, choices, 4)
    if len(near) == 1:
        return near[0]
    if near or not words:
        return None
    # the read name's words among more words (`lead_score`, `Lead Score` for `score`)
    words, letters = _joined(word).split("_"), _letters(word)
    within = [c for c in dict.fromkeys(choices) if c != word and _letters(c) in letters
              and _words_within(_joined(c).split("_"), words)]
    return within[0] if len(within) == 1 else None


class FieldTypos:
    """:func:`field_typo_of` for many names against the same ``choices`` (the fields an
    agreement reads), equal to it for every name: a name that no choice could be near (no
    choice of its letters, of about its length and beginning or end, or within its letters)
    is answered without the full tests. An event with 100,000 properties of its own costs
    about a microsecond per property that way, not some twenty."""

    __slots__ = ("choices", "letters", "by_length")

    def __init__(self, choices) -> None:
        self.choices = list(dict.fromkeys(choices))
        self.letters = {_letters(c): None for c in self.choices}
        self.by_length: dict[int, list[str]] = {}
        for c in self.choices:
            self.by_length.setdefault(len(c), []).append(c.lower())

    def __call__(self, word: str) -> str | None:
        if self._may_be_near(word):
            return field_typo_of(word, self.choices)
        return None

    def _may_be_near(self, word: str) -> bool:
        letters = _letters(word)
        if letters in self.letters or any(c in letters for c in self.letters):
            return True                         # the same words, or a run of its words
        n = len(word)
        if n < 4:
            return False
        low = word.lower()
        head, tail = _halves(low)
        by_length = self.by_length
        return any(c.startswith(head) or c.endswith(tail)
                   for k in (n - 1, n, n + 1) for c in by_length.get(k, ()))


def _words_within(part: list, words: list) -> bool:
    """Whether ``part`` (a name's words, each of three letters or more) is a run of
    ``words``, which has more of them."""
    n = len(part)
    if not n or n >= len(words) or any(len(w) < 3 for w in part):
        return False
    return any(words[i:i + n] == part for i in range(len(words) - n + 1))


def _undigited(word: str) -> str:
    return "".join(c for c in word.lower() if not c.isdigit())


def _edits(a: str, b: str, most: int) -> int:
    """Edits (insert, delete, replace, swap of neighbours) from ``a`` to ``b``; ``most + 1``
    as soon as it is sure to be more than ``most``."""
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        cur = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        if min(cur) > most:
            return most + 1
        prev2, prev = prev, cur
    return prev[-1]


def composed(text: str) -> str:
    """``text`` in Unicode's composed form (NFC): `ã` written as `a` and a combining tilde
    (NFD, as some exports, editors and file systems write it) is the same name or text. The
    agreement's names and texts are read composed (:mod:`slacode.build`), and so are the
    names and texts of events where they meet the agreement's (the fold, groups, compiled
    predicates). ASCII text, nearly all of it, is returned as it is."""
    if text.isascii():
        return text
    from unicodedata import normalize

    return normalize("NFC", text)


def decomposed(text: str) -> str:
    """``text`` decomposed (NFD): the other form an agreement's name may arrive in."""
    if text.isascii():
        return text
    from unicodedata import normalize

    return normalize("NFD", text)
