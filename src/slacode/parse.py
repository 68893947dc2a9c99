"""Text → syntax tree, with every problem turned into a slacode diagnostic.

The grammar (``grammar/slacode.lark``) is loaded once, LALR(1) with ``strict=True``. This
module drives Lark's interactive parser itself, token by token, so that it can

* apply the line rules of the language: runs of line breaks (and ``;``) count as one, and a
  line break after ``{ , or and = ->`` is a continuation, not the end of a statement;
* recover from a syntax error: report it, drop the broken statement (up to the next line
  break at the same brace depth, a whole block if the statement opened one) and go on, so
  one run reports every independent problem;
* name what was expected in words ("expected a duration such as `4h`"; the words and the
  hints are in :mod:`slacode.syntax_words`).

No Lark exception escapes: :func:`parse` returns ``(tree | None, diagnostics)``.
"""
from __future__ import annotations

import re
import threading
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

from slacode import diagnostics as dg
from slacode.codes import syntax as codes
from slacode.diagnostics import Diagnostic, Span
from slacode.texts import code
from slacode.syntax_words import INVISIBLE, character_hint, describe_expected, describe_token, hint_for, \
    required_field, sum_without_property, without_comment

MAX_BYTES = 16 * 1024 * 1024
MAX_NESTING = 100
MAX_SYNTAX_ERRORS = 10_000

#: The grammar's declarations: trees that no later reduction changes (see ``_copy``).
_DECLARATIONS = frozenset({"agreement", "calendar", "calendar_choice", "states", "flow", "segment", "let", "rule",
                           "target", "quota", "test"})

#: tokens that end the reach of the `not`s and signs before them (see ``_Run.depth``)
_ENDS_PREFIX = frozenset({"AND", "OR", "ADD_OP", "MUL_OP", "COMMA"})
#: tokens after which a `-` is a sign (counted towards the nesting limit)
_PREFIX = frozenset({"MINUS", "NOT", "LPAR", "ADD_OP", "MUL_OP", "EQUAL", "COMMA"})

#: tokens after which a line break does not end the statement
_CONTINUES = frozenset({"LBRACE", "COMMA", "OR", "AND", "EQUAL", "ARROW", "WITH"})


class GrammarNotFound(RuntimeError):
    pass


def grammar_path() -> Path:
    """Where the grammar is: inside the installed package (wheel), else the source tree."""
    packaged = Path(__file__).resolve().parent / "grammar" / "slacode.lark"
    if packaged.is_file():
        return packaged
    source = Path(__file__).resolve().parents[2] / "grammar" / "slacode.lark"
    if source.is_file():
        return source
    raise GrammarNotFound(f"slacode grammar not found (looked in {packaged} and {source})")


def grammar_text() -> str:
    return grammar_path().read_text(encoding="utf-8")


class Parser(NamedTuple):
    """What parsing uses of the ``Lark`` object for the grammar: its LALR parser (the parse
    table and the callbacks that build the trees), its contextual lexer (whose states and
    terminals :class:`slacode.lexer.StateLexer` follows) and its terminals. Kept apart from
    the ``Lark`` object so that a process that reads them from the pickle needs neither
    ``lark.lark`` nor the modules it imports (see :mod:`slacode._lark`)."""

    lalr: Any
    lexer: Any
    terminals: tuple

    def interactive(self, text: str):
        """Lark's interactive parser at the start of ``text``, as ``Lark.parse_interactive``
        makes it."""
        from lark.lexer import LexerThread

        return self.lalr.parse(LexerThread.from_text(self.lexer, text), "start", start_interactive=True)

    @classmethod
    def of(cls, lark) -> "Parser":
        return cls(lark.parser.parser.parser, lark.parser.lexer, tuple(lark.terminals))


_PARSER: Parser | None = None
_PARSER_LOCK = threading.Lock()


def parser() -> Parser:
    """The LALR parser, made once per process, by one thread: two builds number Lark's parser
    states differently, and each parse pairs this parser with the :func:`state_lexer` made
    from the first (threads that parsed for the first time at once reported errors that were
    not there). ``strict`` only acts when the parser is built; a parser read from a cache
    skips its checks.

    Two caches on disk hold the grammar's parser (never an agreement), both in a folder of
    the user's own (:func:`_cache_folder`): Lark's (its tables, from which ``Lark`` remakes
    some 3,000 objects one attribute at a time, ~12 ms, after importing all of Lark) and, in
    front of it, :class:`_ParserPickle`, the :class:`Parser` as ``pickle`` stores it (~5 ms
    to read, with only the parts of Lark that parsing uses)."""
    global _PARSER
    found = _PARSER
    if found is None:
        with _PARSER_LOCK:
            if _PARSER is None:
                _PARSER = _make_parser()
            found = _PARSER
    return found


def _make_parser() -> Parser:
    import slacode._lark  # noqa: F401  (only the parts of Lark that parsing uses, see there)

    text = grammar_text()
    options = dict(parser="lalr", lexer="contextual", strict=True, propagate_positions=True,
                   maybe_placeholders=True, start="start")
    try:
        cache = _ParserPickle(text, options)
    except OSError:  # no folder of our own (a read-only file system, someone else's folder)
        cache = None
    found = cache.load() if cache is not None else None
    if found is not None:
        return found
    from lark import Lark

    if cache is None:                # never Lark's cache in the shared temporary folder: a
        return Parser.of(Lark(text, **options))     # pickle anyone could have put there
    try:
        lark = Lark(text, cache=cache.lark_path, **options)
    except OSError:  # an unwritable folder: build without the caches
        return Parser.of(Lark(text, **options))
    if cache is not None:
        cache.save(lark)             # before its first use: no lexer state in the pickle
    return Parser.of(lark)


@lru_cache(maxsize=1)
def _keywords() -> frozenset[str]:
    """The grammar's keywords written as plain strings (`stop`, `on`, `or` …): the
    terminals that :meth:`_Run._whole_word` keeps from matching the start of a longer word
    (the others, such as the day names, say so in their own patterns)."""
    return frozenset(t.name for t in parser().terminals
                     if t.pattern.type == "str" and _WORD.fullmatch(t.pattern.value))


def is_keyword(word: str) -> bool:
    """Whether a terminal of the grammar other than a name reads ``word`` (`enter`, `final`,
    `state`, `met`, `mon`, `hours` …): a backquoted event type or state of that text keeps its
    backquotes in ``fmt``, since the plain word may read as the keyword."""
    words, patterns = _keyword_terminals()
    return word in words or any(p.fullmatch(word) for p in patterns)


@lru_cache(maxsize=1)
def _keyword_terminals() -> tuple[frozenset[str], tuple]:
    """The plain-string keywords, and the other terminals' patterns (but a name's)."""
    terminals = [t for t in parser().terminals if t.name not in ("NAME", "QNAME")]
    words = frozenset(t.pattern.value for t in terminals if t.pattern.type == "str")
    patterns = tuple(re.compile(t.pattern.to_regexp()) for t in terminals if t.pattern.type == "re")
    return words, patterns


_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_ESCAPE_SEQ = re.compile(r"\\(.)")
_UNIT_OF = re.compile(r"\d+([mhd])")


def _summed(text: str) -> str:
    """``4h4h`` → ``8h``: a compact duration's parts added up, written largest unit first
    (days as written: their length depends on the calendar)."""
    total = {"d": 0, "h": 0, "m": 0}
    for n, unit in re.findall(r"(\d+)([mhd])", text):
        total[unit] += int(n)
    h, m = divmod(total["m"], 60)
    total["h"] += h
    total["m"] = m
    return "".join(f"{total[u]}{u}" for u in "dhm" if total[u]) or "0m"
_WORD_CHAR = re.compile(r"[A-Za-z0-9_]")


def _cache_folder() -> str:
    """The folder of the parser caches: ``slacode-<uid>`` in the temporary folder, made
    readable and writable by its owner alone (0700) when missing, so that nobody else can put
    a file there for a later process to unpickle. ``OSError`` when there is no temporary
    folder, or the name is taken by anything but a folder of the current user's that nobody
    else can write (a link, a file, someone else's folder made first): then no cache is
    read or written, and the parser is built each time (some 100 ms more per process)."""
    import os
    import stat
    import tempfile

    uid = os.getuid() if hasattr(os, "getuid") else None
    if uid is None:         # (no POSIX owners: the user's name, as Lark's cache does)
        import getpass

        try:
            name = getpass.getuser()
        except Exception:
            name = "unknown"
        owner = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in name)
    else:
        owner = str(uid)
    folder = os.path.join(tempfile.gettempdir(), f"slacode-{owner}")
    try:
        os.mkdir(folder, 0o700)
    except FileExistsError:
        pass
    st = os.lstat(folder)
    if not stat.S_ISDIR(st.st_mode) or uid is not None and (st.st_uid != uid or st.st_mode & 0o022):
        raise OSError(f"{folder} is not a folder of the current user's that only it can write")
    return folder


class _ParserPickle:
    """The grammar's :class:`Parser`, pickled in the user's own cache folder
    (:func:`_cache_folder`), beside Lark's cache of the same grammar (:attr:`lark_path`).

    The file's name holds a hash of everything the parser depends on: the grammar text, the
    options, Lark's ``__init__.py`` (which names its version), Python's version and
    :data:`FORMAT`. Lark's two actions are stored as the call that returns them, since its
    parser tells them apart by identity (``action is Shift``), and so are modules (the lexer
    holds ``re``). It is a pickle, so besides living in a folder only its user can write, a
    file is only read when it belongs to the current user and nobody else can write it. Any
    failure (no file, an unreadable or foreign one, a folder that cannot be written, an
    object that does not pickle) leaves the caller on Lark's cache, as if this one did not
    exist. No folder of our own (``OSError`` here): the caller builds the parser without
    either cache.
    """

    FORMAT = "5"

    def __init__(self, text: str, options: dict):
        import os
        import sys

        import lark      # the package's file, not its names: they would run its __init__
        try:             # as `random` does: `hashlib` loads OpenSSL (~2.5 ms), `tempfile` this
            from _sha512 import sha512
        except ImportError:
            try:
                from _sha2 import sha512        # Python 3.12 and later
            except ImportError:
                from hashlib import sha512

        # through the loader, which reads a file in a zip (zipapp, pex) as well; without the
        # bytes that name Lark's version, no pickle: another Lark's parser must never be read
        try:
            version = lark.__spec__.loader.get_data(lark.__file__)
        except Exception as exc:    # a frozen Lark, a loader without files: the caller goes without
            raise OSError("the bytes of Lark's __init__ cannot be read") from exc
        key = "\n".join([self.FORMAT, sys.version, repr(sorted(options.items())), text])
        digest = sha512(version + b"\n" + key.encode("utf-8")).hexdigest()[:32]
        folder = _cache_folder()
        self.path = os.path.join(folder, f"parser_{digest}.pickle")
        #: Lark's own cache of the grammar (``Lark(cache=path)``), in the same folder
        self.lark_path = os.path.join(folder, f"lark_{digest}.tmp")

    def load(self) -> Parser | None:
        """The pickled :class:`Parser`, or None."""
        import os
        import pickle

        from lark.lexer import Lexer
        from lark.parsers.lalr_parser import _Parser

        try:
            # not through a link (someone else's link to a file of ours is not our cache)
            fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
            with os.fdopen(fd, "rb") as f:
                st = os.fstat(f.fileno())
                if hasattr(os, "getuid") and (st.st_uid != os.getuid() or st.st_mode & 0o022):
                    return None
                found = pickle.load(f)
        except Exception:  # missing, damaged, or made by another Lark: build it again
            return None
        if (isinstance(found, tuple) and len(found) == 3 and isinstance(found[0], _Parser)
                and isinstance(found[1], Lexer) and isinstance(found[2], tuple)):
            return Parser(*found)
        return None

    def save(self, lark) -> None:
        """Write the parts of the ``Lark`` object ``lark`` that parsing uses (atomically: a
        reader sees the old file or the whole new one).

        Not those of a parser Lark has just built rather than read from its cache: that one
        also holds the grammar's definitions (a quarter more to pickle, read and keep, for
        nothing), so the next process, which reads Lark's cache, writes the file instead."""
        import os
        import pickle
        import tempfile

        if "grammar" in vars(lark):
            return
        try:
            fd, tmp = tempfile.mkstemp(prefix=".slacode_parser_", suffix=".tmp",
                                       dir=os.path.dirname(self.path))
        except OSError:
            return
        try:
            found = Parser.of(lark)
            _share_alike(found)
            with os.fdopen(fd, "wb") as f:
                _pickler(pickle, f).dump(tuple(found))
            os.replace(tmp, self.path)
        except Exception:  # an object that does not pickle, a full disk: no cache
            try:
                os.unlink(tmp)
            except OSError:
                pass
            return
        _forget_stale(os.path.dirname(self.path), keep=(self.path, self.lark_path))


#: Caches of other grammars (another version of slacode, Lark or Python) unused this long are
#: removed when a new one is written: the folder does not grow with every upgrade, and two
#: versions installed side by side keep theirs.
STALE_AFTER_S = 30 * 86_400


def _forget_stale(folder: str, keep: tuple[str, ...]) -> None:
    """Remove the caches of ``folder`` but ``keep`` not read or written for
    :data:`STALE_AFTER_S` seconds (best effort: any failure leaves them)."""
    import os
    import time

    cutoff = time.time() - STALE_AFTER_S
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        path = os.path.join(folder, name)
        if path in keep or not name.startswith(("parser_", "lark_", ".slacode_parser_")):
            continue
        try:
            st = os.lstat(path)
            if max(st.st_atime, st.st_mtime) < cutoff:
                os.unlink(path)
        except OSError:
            pass


def _share_alike(found: Parser) -> None:
    """Make the equal parts of the parse table one object each, in place, before pickling.

    Lark gives every occurrence of a symbol in a rule its own ``Terminal`` or
    ``NonTerminal`` (with a ``__dict__`` for a terminal), every rule its own ``RuleOptions``
    and every cell of the table its own ``(action, argument)`` pair: some 8,000 objects for
    this grammar, of which a few hundred differ. Each object the pickle holds is made again
    in every process that parses and walked by the interpreter's last garbage collection
    when the process ends, so the file keeps one of each (so does the contextual lexer's
    table per parser state: its sets and tables, equal in every state, are shared too; no
    code changes them after the lexer is built). Nothing parsing reads changes:
    symbols compare by kind and name (a terminal's ``filter_out`` too, kept in the key),
    ``Rule`` keeps its hash, its origin and the length of its expansion, and the table the
    same actions in the same cells."""
    from lark.parsers.lalr_analysis import Reduce

    symbols: dict = {}
    options: dict = {}
    expansions: dict = {}
    actions: dict = {}

    def one(symbol):
        key = (symbol.__class__, symbol.name, getattr(symbol, "filter_out", None))
        return symbols.setdefault(key, symbol)

    rules = {id(rule): rule for rule in found.lalr.callbacks}
    for row in found.lalr.parse_table.states.values():
        for token, action in row.items():
            kind, arg = action
            if kind is Reduce:
                rules.setdefault(id(arg), arg)
            row[token] = actions.setdefault((kind, id(arg) if kind is Reduce else arg), action)
    for rule in rules.values():
        rule.origin = one(rule.origin)
        expansion = [one(symbol) for symbol in rule.expansion]
        rule.expansion = expansions.setdefault(tuple(map(id, expansion)), expansion)
        o = rule.options
        key = (o.keep_all_tokens, o.expand1, o.priority, o.template_source, tuple(o.empty_indices))
        rule.options = options.setdefault(key, o)
    # The contextual lexer: one BasicLexer per distinct set of terminals (some 200), each with
    # its own copy of the same sets and of the table of every terminal by name.
    shared: dict = {}
    for basic in {id(b): b for b in (*found.lexer.lexers.values(), found.lexer.root_lexer)}.values():
        for name in ("newline_types", "ignore_types", "terminals_by_name", "user_callbacks"):
            value = getattr(basic, name, None)
            if isinstance(value, frozenset):
                setattr(basic, name, shared.setdefault((name, value), value))
            elif isinstance(value, dict):
                key = (name, tuple((k, id(v)) for k, v in value.items()))
                setattr(basic, name, shared.setdefault(key, value))


def _pickler(pickle, f):
    """A pickler that stores Lark's two actions and any module as the call that gives them
    back (each once: pickle's memo serves the other references)."""
    import importlib
    import types

    from lark.parsers.lalr_analysis import Reduce, Shift

    class Pickler(pickle.Pickler):
        def reducer_override(self, obj):
            if obj is Shift or obj is Reduce:
                return _lark_action, (str(obj),)
            if isinstance(obj, types.ModuleType):
                return importlib.import_module, (obj.__name__,)
            return NotImplemented

    return Pickler(f, protocol=pickle.HIGHEST_PROTOCOL)


def _lark_action(name: str):
    """Lark's ``Shift`` or ``Reduce`` action by name (its parser compares them by identity)."""
    from lark.parsers.lalr_analysis import Reduce, Shift

    return {"Shift": Shift, "Reduce": Reduce}[name]


@lru_cache(maxsize=1)
def state_lexer():
    """The lexer used for each parser state: the same tokens as Lark's contextual lexer
    without compiling one regular expression per state (see :mod:`slacode.lexer`)."""
    from slacode.lexer import StateLexer

    return StateLexer(parser().lexer)


# ------------------------------------------------------------------------ decoding

def decode(data: bytes, file: str | None = None, lenient: bool = False) -> tuple[str | None, list[Diagnostic]]:
    """UTF-8 text of ``data``, or None with a diagnostic locating the first bad byte.

    ``lenient`` (for `lint`, which reports every problem): the text with each byte that is
    not UTF-8 read as U+FFFD, and a diagnostic (an error) for each line that has one, so
    that the rest of the file is still checked. A UTF-16 file is refused either way."""
    if len(data) > MAX_BYTES:
        return None, [dg.make(codes.TOO_LARGE, f"the file is {len(data):,} bytes; agreements are read up to {MAX_BYTES:,}",
                              Span(1, 1, file=file), file=file)]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        if _utf16_marked(data) or _alternating_nuls(data):
            return None, [dg.make(codes.NOT_TEXT, "the file is UTF-16 text, not UTF-8", Span(1, 1, 1, 2, file),
                                  file=file, hint="save it as UTF-8 (`iconv -f utf-16 -t utf-8` converts it)")]
        if _many_nuls(data):                                 # an ELF, a PNG …: not text at all
            at = data.index(b"\x00")
            line = data.count(b"\n", 0, at) + 1
            col = at - (data.rfind(b"\n", 0, at) + 1) + 1
            return None, [_binary_file(Span(line, col, line, col + 1, file), file)]
        legacy = _legacy_encoding(data)
        if not lenient:
            return None, [_not_utf8(data, e.start, 0, 0, file, legacy)]
        diags = []
        offset = 0
        for number, raw in enumerate(data.split(b"\n"), 1):     # one pass: a diagnostic per line
            try:
                raw.decode("utf-8")
            except UnicodeDecodeError as bad:
                diags.append(_not_utf8(data, offset + bad.start, number, offset, file, legacy,
                                       "; the rest of the file was checked with this byte read as `\ufffd`"))
            offset += len(raw) + 1
        text = data.decode("utf-8", "replace")
        return line_ends(text[1:] if text.startswith("\ufeff") else text), diags
    if text.startswith("\ufeff"):
        text = text[1:]
    return line_ends(text), []


def _alternating_nuls(data) -> bool:
    """Whether every other byte (or character) of the start is NUL and the bytes between
    are mostly text, as in UTF-16 text of Latin letters. A binary file (an ELF or PNG
    header) has runs of NULs too, but the bytes between are control bytes, not text."""
    head = data[:200]
    nul = b"\x00" if isinstance(head, bytes) else "\x00"
    for half, other in ((head[0::2], head[1::2]), (head[1::2], head[0::2])):
        if len(half) >= 8 and half.count(nul) >= 0.9 * len(half):
            return _mostly_text(other)
    return False


def _many_nuls(data) -> bool:
    """Whether ``data`` (bytes or text) has more NULs than a damaged text file would: a
    binary file."""
    nul = b"\x00" if isinstance(data, bytes) else "\x00"
    return data.count(nul) > max(8, len(data) // 1000)


def _binary_file(span: Span, file: str | None) -> Diagnostic:
    """SLA104 for a file that is not text at all (NULs that are not UTF-16's)."""
    return dg.make(codes.NOT_TEXT, "the file contains NUL characters, so it is not a text file", span, file=file,
                   hint="check that this is the agreement, not a binary file")


def _utf16_marked(data: bytes) -> bool:
    """Whether ``data`` starts with a UTF-16 byte-order mark and reads as text after it
    (a binary file that happens to start with the bytes FF FE is not taken for text)."""
    if data[:2] not in (b"\xff\xfe", b"\xfe\xff"):
        return False
    codec = "utf-16-le" if data[:2] == b"\xff\xfe" else "utf-16-be"
    head = data[2:402]
    head = head[:len(head) // 2 * 2]
    return _mostly_text(head.decode(codec, "replace"))


def _mostly_text(chars) -> bool:
    """Whether at least 90% of ``chars`` (bytes or characters) are printable or white
    space: bytes from 0x20 up except DEL, tab and line ends (a byte ≥ 0xA0 may be half of
    a letter); characters that are printable or white space."""
    if not chars:
        return True
    if isinstance(chars, bytes):
        good = sum(1 for b in chars if b in (9, 10, 13) or 0x20 <= b < 0x7f or b >= 0xa0)
    else:
        good = sum(1 for c in chars if c.isprintable() or c in "\t\n\r")
    return good >= 0.9 * len(chars)


def _legacy_encoding(data: bytes) -> bool:
    """Whether a text that is not UTF-8 reads as Windows-1252 (an editor's Latin text): it
    decodes so, and has no valid UTF-8 sequence of several bytes (a UTF-8 file with one stray
    byte would be spoilt by converting it whole)."""
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return False
    return not any(_valid_utf8(m.group(0)) for m in re.finditer(rb"[\xc2-\xf4][\x80-\xbf]+", data))


def _valid_utf8(chunk: bytes) -> bool:
    try:
        chunk.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _not_utf8(data: bytes, at: int, line: int, start: int, file: str | None, legacy: bool,
              more: str = "") -> Diagnostic:
    """SLA104 for the byte at ``at``, on ``line`` that starts at ``start`` (0, 0: found here)."""
    if not line:
        line = data.count(b"\n", 0, at) + 1
        start = data.rfind(b"\n", 0, at) + 1
    col = len(data[start:at].decode("utf-8", "replace")) + 1
    hint = "save the file as UTF-8"
    if legacy:
        char = data[at:at + 1].decode("cp1252")
        hint += f" (it reads as Windows-1252, `{char}`: `iconv -f windows-1252 -t utf-8` converts it)"
    return dg.make(codes.NOT_TEXT, f"the file is not UTF-8 text: byte 0x{data[at]:02x} cannot be decoded",
                   Span(line, col, line, col + 1, file), file=file, hint=hint + more)


_LONE_CR = re.compile("\r(?!\n)")


def line_ends(text: str) -> str:
    """``text`` with every carriage return that no line feed follows (a lone CR) read as a
    line feed: a file whose lines end with CR alone (classic Mac OS) and a CRLF or LF file
    with a stray CR (a bad merge, a paste) are read as an editor shows them, so each line is
    a line (else a comment would run on, or two clauses would share a line). The text keeps
    its length, so line and column numbers stay those an editor shows. As in any file, a
    string ends on its line."""
    return _LONE_CR.sub("\n", text) if "\r" in text else text


_NUL = re.compile("\x00")

#: what :meth:`_Run.next_token` returns for text it skipped; compared by identity, since a
#: Lark token equals any string of its text (a name `skip` is not skipped text)
_SKIP = object()
#: what it returns for a character it reported and read as a space (the statement goes on)
_AGAIN = object()


# ------------------------------------------------------------------------- parsing

def parse(text: str, file: str | None = None, partial: bool = False):
    """Parse ``text``; returns ``(tree or None, diagnostics)``. Never raises for bad input.

    With syntax errors the tree is None, unless ``partial``: then it is the tree of the
    statements that parsed (the broken ones skipped), for checks that do not depend on them."""
    tree, diags, _ = _parse(text, file, partial)
    return tree, diags


def parse_partial(text: str, file: str | None = None):
    """``parse(text, file, partial=True)``, and the syntax errors recovered from without
    skipping anything (a `}` missing at the end, a `{` on the next line, a `}` that closed
    its block early …) as ``(code, line, column)``: ``(tree, diagnostics, harmless)``."""
    return _parse(text, file, True)


def _parse(text: str, file: str | None, partial: bool):
    if len(text) > MAX_BYTES:
        return None, [dg.make(codes.TOO_LARGE, f"the text is {len(text):,} characters; agreements are read up to {MAX_BYTES:,}",
                              Span(1, 1, file=file), file=file)], set()
    nul = _NUL.search(text)
    stray: list = []
    if nul is not None:
        line = text.count("\n", 0, nul.start()) + 1
        col = nul.start() - (text.rfind("\n", 0, nul.start()) + 1) + 1
        utf16 = _alternating_nuls(text)                        # every other character: UTF-16 without its mark
        if utf16:
            return None, [dg.make(codes.NOT_TEXT, "the file is UTF-16 text, not UTF-8",
                                  Span(line, col, line, col + 1, file), file=file,
                                  hint="save it as UTF-8 (`iconv -f utf-16 -t utf-8` converts it)")], set()
        if _many_nuls(text):
            return None, [_binary_file(Span(line, col, line, col + 1, file), file)], set()
        # a few NULs in a text (a bad paste, a damaged copy): each said, the rest still read
        for m in _NUL.finditer(text):
            at = m.start()
            line = text.count("\n", 0, at) + 1
            col = at - (text.rfind("\n", 0, at) + 1) + 1
            stray.append(dg.make(codes.NOT_TEXT, "a NUL character (byte 0x00) is not text; the rest of the file "
                                 "was checked with it read as a space", Span(line, col, line, col + 1, file),
                                 file=file, hint="delete the character (an editor may show it as `^@` or `␀`)"))
        text = text.replace("\x00", " ")
    text, moved = _zero_width_words(text)
    run = _Run(text, file, partial, moved)
    tree, diags = run.run()
    if stray:
        diags = stray + diags
        tree = None if tree is not None and not partial else tree    # an error: no agreement from it
    return tree, diags, run.harmless


class _Run:
    """One parse of one text: the token loop, checkpoints and recovery."""

    def __init__(self, text: str, file: str | None, partial: bool = False, moved: dict | None = None):
        import slacode._lark  # noqa: F401  (only the parts of Lark that parsing uses, see there)
        from lark.exceptions import UnexpectedCharacters, UnexpectedToken
        from lark.lexer import Token

        self.Token, self.UnexpectedToken, self.UnexpectedCharacters = Token, UnexpectedToken, UnexpectedCharacters
        self.text, self.file, self.partial = text, file, partial
        self.moved = moved or {}                         # see _zero_width_words
        grammar = parser()
        self.ip = grammar.interactive(text)
        self.state_lexer = state_lexer()                 # for Lark's contextual lexer
        self.lstate = self.ip.lexer_thread.state
        self.terminals = {t.name: t for t in grammar.terminals}
        self.diags: list[Diagnostic] = []
        self.levels: list[list[int]] = [[0, 0]]          # per open `(`: its `not`s and signs, for MAX_NESTING
        self.parens: list = []                           # the open `(` tokens (a line break inside goes on)
        self.braces: list[int] = []                      # lines of the open `{` …
        self.headers: dict[int, str] = {}                # … the header each opens (`flow`) …
        self.last_closed: tuple[int, int] | None = None  # … and the last block closed: its `{` and `}` lines
        self.checkpoint_braces: list[int] = []           # … and as of the checkpoint
        self.last_error_at = None
        self.harmless: set = set()                      # (code, line, column) of errors that skipped nothing
        self.early = None                                # before a `}` that may close too early
        self.after_close = None                          # the state where a declaration after closed blocks starts
        self.after_close_braces: list[int] = []          # … and the blocks still open there

    def _copy(self, pstate, values: bool = True):
        """A copy of a parser state to go back to; with ``values``, of its value stack too
        (the trees), as ``pstate.copy(deepcopy_values=True)`` but keeping each token as it is:
        Lark's ``Token.__deepcopy__`` drops a token's end, and the spans built from the copy
        would then have none. (Tokens are immutable, so sharing them is safe.)"""
        if not values:
            return pstate.copy(deepcopy_values=False)
        from copy import copy, deepcopy

        from lark.tree import Tree

        # A whole declaration's tree, once reduced, is never changed again (a reduction only
        # changes the trees it takes as its first children, and those of `?` rules): shared,
        # like tokens. The file's list of declarations (Lark's `__start_star_…` node, which
        # every new declaration extends in place) is copied as a new list of them. Without
        # this, every statement boundary after an error copied every declaration before it:
        # one typo in a file of 2,000 segments took 40 s to lint.
        memo: dict = {}
        todo = list(pstate.value_stack)
        while todo:
            value = todo.pop()
            if isinstance(value, self.Token):
                memo[id(value)] = value
            elif isinstance(value, Tree):
                if value.data in _DECLARATIONS:
                    memo[id(value)] = value
                elif value.data.startswith("__") and all(
                        isinstance(c, self.Token) or (isinstance(c, Tree) and c.data in _DECLARATIONS)
                        for c in value.children):
                    memo[id(value)] = Tree(value.data, list(value.children), meta=value._meta)
                else:
                    todo.extend(value.children)
        return type(pstate)(pstate.parse_conf, pstate.lexer, copy(pstate.state_stack),
                            deepcopy(pstate.value_stack, memo))

    # -- diagnostics ---------------------------------------------------------------
    def _span(self, tok) -> Span:
        if tok.type == "$END" or getattr(tok, "line", None) is None:
            # just after the last character that is not white space
            body = self.text.rstrip()
            lines = body.split("\n")
            return Span(len(lines), len(lines[-1]) + 1, file=self.file)
        if tok.type == "_NL":  # point at the line break itself (its `\r`, which is read as white space)
            back = 0
            while tok.start_pos - back > 0 and self.text[tok.start_pos - back - 1] == "\r":
                back += 1
            return Span(tok.line, tok.column - back, tok.line, tok.column - back + 1, self.file)
        return Span(tok.line, tok.column, tok.end_line, tok.end_column, self.file)

    def _harmless(self) -> None:
        """The error just reported was recovered from without skipping anything: the checks
        may trust the declaration it is in (see ``api._independent``)."""
        d = self.diags[-1]
        self.harmless.add((d.code, d.line, d.column))

    def _stopped(self, tok) -> None:
        """Say that reading stops at ``tok`` (too many syntax errors) and what is left unread."""
        line = getattr(tok, "line", None) or 1
        last = self.text.count("\n", 0, len(self.text.rstrip("\n"))) + 1
        rest = f"lines {line + 1}–{last} were not checked" if last > line else "nothing after it was checked"
        self.error(codes.TOO_MANY_ERRORS, f"stopped reading after {MAX_SYNTAX_ERRORS:,} syntax errors at line {line}; "
                   f"{rest}", self._span(tok),
                   hint="fix the first errors (often one slip, repeated) and run slacode lint again")

    def error(self, code: str, message: str, span: Span, hint: str | None = None) -> None:
        self.diags.append(dg.make(code, message, span, hint=hint, file=self.file))

    # -- tokens --------------------------------------------------------------------
    def next_token(self, pstate):
        """The next token for the parser state, or None at the end; lexer errors are
        reported and skipped (returns :data:`_SKIP` so the caller resynchronises)."""
        # A token of the state, or if none matches, a token valid elsewhere (then it is an
        # unexpected token) ...
        try:
            tok = self.state_lexer.token_or_root(self.lstate, pstate)
            if tok.type in _keywords() and _WORD_CHAR.match(self.text, tok.end_pos):
                return self._whole_word(tok, pstate)
            if tok.type == "STRING" and "\\" in tok.value:
                self._escapes(tok)
            elif tok.type == "DURATION":
                self._duration_parts(tok)
            elif tok.type == "QNAME" and not tok.value.isascii():
                self._invisible_in_name(tok)
            return tok
        except EOFError:
            return None
        except self.UnexpectedCharacters:
            pass
        # ... or no token at all.
        pos = self.lstate.line_ctr.char_pos
        line, col = self.lstate.line_ctr.line, self.lstate.line_ctr.column
        ch = self.text[pos]
        if ch == "`" and self.text.startswith("``", pos):
            self.error(codes.UNTERMINATED_STRING, "this backquoted name is empty",
                       Span(line, col, line, col + 2, self.file),
                       hint="write the name between the backquotes: a field (`utm-source`), an event type "
                            "(`form-fill`) or a state (`Open - Not Contacted`)")
            self.lstate.line_ctr.feed("``")
        elif ch in "\"`":
            end = self.text.find("\n", pos)
            end = len(self.text) if end < 0 else end
            if end > pos and self.text[end - 1] == "\r":      # (a CRLF line: its `\r` is no part of it)
                end -= 1
            what = "string" if ch == '"' else "backquoted name"
            rest = self.text[pos:end].rstrip()
            line_start = self.text.rfind("\n", 0, pos) + 1
            opens = (ch == '"' and len(rest) > 1 and rest.endswith("{")      # a header's name: `test "x {`
                     and re.fullmatch(r"[ \t]*(test|agreement)[ \t]+", self.text[line_start:pos]) is not None)
            self.error(codes.UNTERMINATED_STRING, f"this {what} is not closed on its line",
                       Span(line, col, line, col + (end - pos), self.file),
                       hint=f"add the closing {ch} before the {'`{`' if opens else 'end of the line'}")
            if opens:
                self._harmless()
                # `test "name {`: the string ends before the line's `{`, which opens the block
                # (else every line of the block would be an error outside it)
                cut = pos + len(rest) - 1
                value = self.text[pos:cut].rstrip() + '"'
                self.lstate.line_ctr.feed(self.text[pos:cut])
                counter = self.lstate.line_ctr
                return self.Token("STRING", value, pos, line, col, counter.line, counter.column, counter.char_pos)
            self.lstate.line_ctr.feed(self.text[pos:end])
        elif ch in INVISIBLE:                  # reported once per run, then read as a space
            run = pos + 1
            while run < len(self.text) and self.text[run] == ch:
                run += 1
            hint = character_hint(ch)
            if pos in self.moved:               # it was inside a word, which reads as if it were not there
                col, word = self.moved[pos]
                hint = f"this is {INVISIBLE[ch]}, which looks like nothing: delete it (the word is read as `{word}`)"
                side = pos + 1                  # a run is the characters that stood side by side
                while side < run and self.moved.get(side, (None,))[0] == col + (side - pos):
                    side += 1
                run = side
            self.error(codes.UNEXPECTED_CHARACTER, f"unexpected character `U+{ord(ch):04X}`"
                       + (f" ({run - pos} of them)" if run - pos > 1 else ""),
                       Span(line, col, line, col + (run - pos), self.file), hint=hint)
            self.lstate.line_ctr.feed(self.text[pos:run])
            self._harmless()
            return _AGAIN
        else:
            shown = ch if ch.isprintable() else f"U+{ord(ch):04X}"
            line_start = self.text.rfind("\n", 0, pos) + 1
            line_end = self.text.find("\n", pos)
            after = self.text[pos + 1:] if line_end < 0 else self.text[pos + 1:line_end]
            self.error(codes.UNEXPECTED_CHARACTER, f"unexpected character `{shown}`",
                       Span(line, col, line, col + 1, self.file),
                       hint=character_hint(ch, self.text[line_start:pos], after))
            self.lstate.line_ctr.feed(ch)
        return _SKIP

    def _escapes(self, tok) -> None:
        """A warning for each backslash in a string that escapes neither `"` nor itself (§2:
        those are the only escapes; any other is kept as written)."""
        for m in _ESCAPE_SEQ.finditer(tok.value, 1, len(tok.value) - 1):
            if m.group(1) not in ('"', "\\"):
                col = tok.column + m.start()
                shown = m.group(0)
                self.diags.append(dg.make(
                    codes.UNKNOWN_ESCAPE, f"`{shown}` is not an escape: it is kept as a backslash and "
                    f"`{m.group(1)}`", Span(tok.line, col, tok.line, col + 2, self.file), file=self.file,
                    hint='only \\" and \\\\ are escapes; write \\\\ for a backslash'))

    def _duration_parts(self, tok) -> None:
        """A warning for a compact duration whose units repeat or are not largest first."""
        units = _UNIT_OF.findall(tok.value)
        ranks = ["dhm".index(u) for u in units]
        if any(b <= a for a, b in zip(ranks, ranks[1:])):
            total = _summed(tok.value)
            self.diags.append(dg.make(
                codes.DURATION_PARTS, f"`{tok.value}` repeats a unit or gives its units out of order: it is "
                f"read as {total}", self._span(tok), file=self.file,
                hint=f"write each unit once, largest first: `{total}`"))

    def _whole_word(self, tok, pstate):
        """A keyword is a whole word (§2: a name runs on through letters, digits and `_`):
        where Lark's lexer took the keyword `or` from the start of `order_won` (the state
        allows the keyword and no name), the token is the whole word instead, which the
        parser then reports as unexpected (`stop on sent order_won` is not
        `stop on sent or der_won`)."""
        self._rewind(tok)
        return self.state_lexer.root_token(self.lstate, pstate)

    def _invisible_in_name(self, tok) -> None:
        """SLA102 for a character inside a backquoted name that looks like nothing or like a
        plain space: `` `\u200bscore` `` is another field than `score`, so its comparisons would
        silently be false. (The joiners of Persian words and emoji sequences are letters' own.)"""
        for i, ch in enumerate(tok.value):
            if ch in _LOOKALIKE:
                col = tok.column + i
                spacelike = ch in _SPACELIKE
                fix = "type a plain space instead" if spacelike else "delete it"
                self.error(codes.UNEXPECTED_CHARACTER, f"unexpected character `U+{ord(ch):04X}` in a backquoted name",
                           Span(tok.line, col, tok.line, col + 1, self.file),
                           hint=f"this is {INVISIBLE.get(ch, f'the control character U+{ord(ch):04X}')}, which "
                                f"looks like {'a space' if spacelike else 'nothing'}: {fix}, or the name is "
                                "another field than the one it shows")
                self._harmless()
                return

    def skip_statement(self, pstate, first) -> object:
        """Drop tokens from ``first`` to the end of the broken statement. Returns the token
        that ends it (a line break or an enclosing ``}``) or None at the end of the text."""
        depth = 0
        tok = first
        while True:
            if tok is None:
                return None
            if tok is not _SKIP:
                if tok.type == "LBRACE":
                    depth += 1
                elif tok.type == "RBRACE":
                    if depth == 0:
                        return tok
                    depth -= 1
                elif tok.type == "_NL" and depth == 0:
                    return tok
            tok = self._raw_next(pstate)

    def _raw_next(self, pstate):
        """Any token at all (root lexer), unknown characters skipped silently."""
        while True:
            try:
                return self.state_lexer.root_token(self.lstate, pstate)
            except EOFError:
                return None
            except self.UnexpectedCharacters:
                pos = self.lstate.line_ctr.char_pos
                self.lstate.line_ctr.feed(self.text[pos])

    # -- the loop --------------------------------------------------------------------
    def run(self):
        pstate = self.ip.parser_state
        checkpoint = self._copy(pstate, self.partial)
        prev = None           # type of the last token fed (for line continuation)
        last_error_at = None
        tok = None
        statement: list = []  # the tokens fed since the checkpoint
        syntax_errors = 0
        while True:
            tok = self.next_token(pstate)
            if tok is None:
                break
            if tok is _AGAIN:
                continue
            if tok is _SKIP:
                tok = self.skip_statement(pstate, _SKIP)
                pstate, prev = self._resume(checkpoint, tok)
                if tok is None:
                    break
                continue
            if tok.type == "_NL" and (prev is None or prev == "_NL" or prev in _CONTINUES or self.parens):
                continue                            # (inside parentheses a line always goes on)
            if self._too_deep(tok, prev):
                return None, self.diags
            if tok.type == "LPAR":
                self.parens.append(tok)
            elif tok.type == "RPAR":
                if self.parens:
                    self.parens.pop()
            elif (tok.type == "RBRACE" and prev not in (None, "_NL", "LBRACE") and self.braces
                    and self.braces[-1] != tok.line):
                # `start on assigned }`: if the lines below turn out to be the block's, this
                # `}` was a slip (see _reopen)
                self.early = (self._copy(pstate), list(self.braces), tok)
            if tok.type == "NAME" and tok.value == "where" and prev in ("REQUIRE", "COMMA") and statement \
                    and statement[0].type == "REQUIRE":
                self._where_as_field(tok, prev, statement)     # `require where …`, `require a, where …`
                syntax_errors += 1
                if syntax_errors >= MAX_SYNTAX_ERRORS:
                    self._stopped(tok)
                    break
                end = self.skip_statement(pstate, tok)
                pstate, prev = self._resume(checkpoint, end)
                self.depth, self.parens = 0, []
                if end is None:
                    break
                continue
            try:
                pstate.feed_token(tok)
            except self.UnexpectedToken as e:
                if self.parens and tok.line is not None and tok.line > self.parens[-1].line and \
                        self._line_start(tok) and (tok.column == 1 or str(tok.value) in _STATEMENT_WORDS) \
                        and ")" not in self._rest_of_line(tok):     # (a line closing it goes on with it)
                    # a `(` left open ran into the next line's statement: the broken one is the
                    # `(`'s; the next line is read again as a statement of its own
                    self._unclosed_paren(e, tok)
                    pstate, prev = self._resume(checkpoint, None)
                    self.depth, self.parens, statement = 0, [], []
                    self._rewind(tok)                   # lexed again, for the state it starts
                    continue
                reopened = self._reopen(statement, tok)
                if reopened is not None:            # a `}` closed its block too early
                    pstate, prev, statement = reopened, tok.type, []
                    continue
                closed = self._close_blocks(pstate, tok)
                if closed is None and statement:    # the declaration word was read as a name
                    closed = self._close_before(checkpoint, statement, tok)
                if closed is not None:              # a block left open before a declaration
                    pstate = closed
                    prev = tok.type
                    # an error later in this statement resumes outside the closed blocks
                    checkpoint, self.checkpoint_braces = self.after_close, list(self.after_close_braces)
                    statement = []
                    continue
                opened = self._open_block(pstate, tok, e)
                if opened is not None:              # `attempts follow_up` without its `{`
                    pstate, prev = opened, "LBRACE"
                    continue
                key = (tok.type, tok.start_pos)
                self.last_error_at = key
                before = len(self.diags)
                self._report(e, tok)
                syntax_errors += sum(1 for d in self.diags[before:] if d.code.startswith("SLA1"))
                if syntax_errors >= MAX_SYNTAX_ERRORS:
                    self._stopped(tok)
                    break
                if key == last_error_at or (tok.type == "RBRACE" and checkpoint is None):
                    tok = self._raw_next(pstate)   # the same token failed twice: drop it
                last_error_at = key
                end = self.skip_statement(pstate, tok)
                pstate, prev = self._resume(checkpoint, end)
                self.depth = 0
                self.parens = []
                if end is None:
                    break
                continue
            prev = tok.type
            statement.append(tok)
            if tok.type == "LBRACE":
                self.braces.append(tok.line)
                self._header(tok)
                self.early = None
            elif tok.type == "RBRACE" and self.braces:
                self.last_closed = (self.braces.pop(), tok.line)
            if tok.type in ("_NL", "LBRACE", "RBRACE"):
                checkpoint = self._copy(pstate, self.partial)
                self.checkpoint_braces = list(self.braces)
                self.depth = 0
                statement = []
        return self._finish(pstate, checkpoint)

    @property
    def depth(self) -> int:
        """How deep the expression being read is nested: its open parentheses, and the
        `not`s and `-` signs in force at each (a prefix's reach ends at the next `and`,
        `or`, `+`, `-`, `*`, `/` or `,` of its level)."""
        return len(self.levels) - 1 + sum(n + s for n, s in self.levels)

    @depth.setter
    def depth(self, value: int) -> None:
        """``depth = 0``: a new statement starts, nothing is open."""
        self.levels = [[0, 0]]

    def _too_deep(self, tok, prev) -> bool:
        """Count ``tok`` towards the nesting limit (SLA106); True when it goes past it (the
        error is reported, naming what the line nests: parentheses, `not`, `-` signs)."""
        kind = tok.type
        if kind == "LPAR":
            self.levels.append([0, 0])
        elif kind == "RPAR":
            if len(self.levels) > 1:
                self.levels.pop()
            return False
        elif kind == "NOT":
            self.levels[-1][0] += 1
        elif kind == "MINUS" and prev in _PREFIX:
            self.levels[-1][1] += 1
        elif kind in _ENDS_PREFIX or kind == "MINUS":          # (a `-` after an operand subtracts)
            self.levels[-1] = [0, 0]
            return False
        else:
            return False
        if self.depth <= MAX_NESTING:
            return False
        parts = []
        if len(self.levels) > 1:
            parts.append("parentheses")
        if any(n for n, _ in self.levels):
            parts.append("`not`")
        if any(s for _, s in self.levels):
            parts.append("`-` signs")
        what = parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]
        if parts == ["`-` signs"]:
            hint = "a number takes one sign: `- - 5` is `5` and `- - - 5` is `-5`; write it so"
        elif "`-` signs" in parts:
            hint = "name parts of the expression as `let` constants"
        else:
            hint = "name parts of the predicate as segments"
        self.error(codes.TOO_DEEP, f"{what} nested more than {MAX_NESTING} deep", self._span(tok), hint=hint)
        return True

    def _closed_at_end(self, pstate, end):
        """The tree of a text that ends inside blocks (their `}` missing), with the blocks
        closed where the text ends, or None when its last statement is unfinished too. The
        closing tokens stand at the end of the last line, so the blocks' spans reach it."""
        body = self.text.rstrip()
        line = body.count("\n") + 1
        column = len(body) - (body.rfind("\n") + 1) + 1
        at = self.Token("$END", "", len(body), line, column, line, column, len(body))
        for first in (("_NL",), ()):                # the last line may end without a break
            trial = self._copy(pstate)
            try:
                for kind in first:
                    trial.feed_token(self.Token.new_borrow_pos(kind, "\n", at))
                for _ in self.braces:
                    trial.feed_token(self.Token.new_borrow_pos("RBRACE", "}", at))
                    trial.feed_token(self.Token.new_borrow_pos("_NL", "\n", at))
                return trial.feed_token(end, True)
            except self.UnexpectedToken:
                continue
        return None

    def _resume(self, checkpoint, end):
        """Continue from the last statement boundary, feeding the token that ended the
        broken statement when the grammar wants it there (a closing brace, or the line
        break after a closed block)."""
        pstate = self._copy(checkpoint, self.partial)
        self.ip.parser_state = pstate
        self.braces = list(self.checkpoint_braces)
        prev = "_NL"
        if end is None or end is _SKIP:
            return pstate, prev
        if end.type == "RBRACE" or (end.type == "_NL" and "_NL" in self._accepts(pstate)):
            try:
                pstate.feed_token(end)
                prev = end.type
            except self.UnexpectedToken as e:
                if (end.type, end.start_pos) != self.last_error_at:
                    self._report(e, end)
        return pstate, prev

    def _close_blocks(self, pstate, tok):
        """A declaration keyword at the start of a line inside an open block: the block's
        `}` is missing. Report that once, close the open blocks and go on with the
        declaration (instead of an error for every line up to the end of the file).
        Returns the parser state with ``tok`` fed, or None when that is not the case."""
        if tok.column != 1 or str(tok.value) not in _DECLARATION_WORDS or not self.braces:
            return None
        trial = self._copy(pstate)
        opened = list(self.braces)
        # the lexer read the word for the block it was in (as a name, say): as a declaration
        word = str(tok.value)
        tok = self.Token.new_borrow_pos("RULE_KIND" if word in ("handoff", "deadline", "attempts")
                                        else word.upper(), word, tok)
        try:
            while opened:
                opened.pop()
                trial.feed_token(self.Token.new_borrow_pos("RBRACE", "}", tok))
                trial.feed_token(self.Token.new_borrow_pos("_NL", "\n", tok))
                before = self._copy(trial)
                try:
                    trial.feed_token(tok)
                    self.after_close = before       # where the declaration starts: a checkpoint
                    break
                except self.UnexpectedToken:
                    if not opened:
                        return None
        except self.UnexpectedToken:
            return None
        line = self.braces[len(opened)]
        self.error(codes.UNEXPECTED_TOKEN,
                   f"the block opened on line {line} is not closed before this `{tok.value}`",
                   self._span(tok), hint=f"add the block's closing `}}` (the `{{` is on line {line})")
        self._harmless()
        self.braces = opened
        self.after_close_braces = list(opened)      # the blocks open where the declaration starts
        self.ip.parser_state = trial
        return trial

    def _rewind(self, tok) -> None:
        """Move the lexer back to the start of ``tok``."""
        counter = self.lstate.line_ctr
        counter.char_pos, counter.line, counter.column = tok.start_pos, tok.line, tok.column
        counter.line_start_pos = tok.start_pos - tok.column + 1

    def _rest_of_line(self, tok) -> str:
        """The text from ``tok`` to the end of its line, strings and comment left out."""
        end = self.text.find("\n", tok.start_pos)
        line = self.text[tok.start_pos:len(self.text) if end < 0 else end]
        return re.sub(r'"(?:[^"\\\n]|\\.)*"', '""', without_comment(line))

    def _line_start(self, tok) -> bool:
        """Whether ``tok`` is the first thing on its line."""
        return not self.text[self.text.rfind("\n", 0, tok.start_pos) + 1:tok.start_pos].strip()

    def _unclosed_paren(self, e, tok) -> None:
        paren = self.parens[-1]
        self.error(codes.UNEXPECTED_TOKEN, f"this `(` is not closed (line {tok.line} begins another statement)",
                   self._span(paren), hint="add its `)`: a line goes on until its parentheses are closed")

    def _reopen(self, statement: list, tok):
        """An indented line that fails outside any block, after a `}` that ended another
        line's content (`start on assigned }`) and closed a block opened further up: that
        `}` closed the block too early, and the lines below are the block's. Report the `}`
        once and read on inside the block (instead of an error for each line below, and a
        block missing the clauses written after its `}`). Returns the parser state, or None
        when that is not the case."""
        if self.early is None or self.braces or tok.column == 1:
            return None
        state, braces, brace = self.early
        self.early = None
        trial = self._copy(state)
        try:
            trial.feed_token(self.Token.new_borrow_pos("_NL", "\n", brace))
            for t in statement + [tok]:
                trial.feed_token(t)
        except self.UnexpectedToken:
            return None
        self.error(codes.UNEXPECTED_TOKEN,
                   f"this `}}` closes the block opened on line {braces[-1]}, but the lines below belong to it",
                   self._span(brace), hint="remove this `}`: the block ends at its own `}` further down")
        self._harmless()
        self.braces = braces
        self.ip.parser_state = trial
        return trial

    def _close_before(self, checkpoint, statement: list, tok):
        """A declaration word at the start of a line inside an open block that the block
        read as a name (`flow` or `segment` inside `states { …` whose `}` is missing), the
        error coming later on the line: as :meth:`_close_blocks` for that word, from the
        line's start, then the line's tokens again up to ``tok``. Returns the parser state,
        or None when that is not the case."""
        first = statement[0]
        if first.column != 1 or str(first.value) not in _DECLARATION_WORDS or not self.checkpoint_braces:
            return None
        saved = (self.ip.parser_state, self.braces, len(self.diags))
        self.braces = list(self.checkpoint_braces)
        trial = self._close_blocks(self._copy(checkpoint), first)
        if trial is not None:
            try:
                for t in statement[1:] + [tok]:
                    trial.feed_token(t)
                    if t.type == "LBRACE":
                        self.braces.append(t.line)
                return trial
            except self.UnexpectedToken:
                pass
        self.ip.parser_state, self.braces = saved[0], saved[1]
        for d in self.diags[saved[2]:]:
            self.harmless.discard((d.code, d.line, d.column))
        del self.diags[saved[2]:]
        return None

    def _open_block(self, pstate, tok, e):
        """A declaration's header ends its line without the `{` its block needs: report it,
        and read the lines below as the block (instead of an error for each of them).
        Returns the parser state with the `{` supplied, or None when that is not the case."""
        if tok.type != "_NL" or "LBRACE" not in set(e.accepts or e.expected):
            return None
        trial = self._copy(pstate)
        try:
            trial.feed_token(self.Token.new_borrow_pos("LBRACE", "{", tok))
        except self.UnexpectedToken:
            return None
        below = re.match(r"[ \t\f\r\n]*\{", self.text[tok.end_pos:]) if tok.end_pos is not None else None
        if below is not None:              # the `{` on a line of its own (Allman style): one error
            self.error(codes.UNEXPECTED_TOKEN, "a block's `{` goes at the end of its header line",
                       self._span(tok), hint="move the `{` up to the end of this line")
            self._harmless()
            self.lstate.line_ctr.feed(self.text[tok.end_pos:tok.end_pos + below.end()])
        else:
            self._report(e, tok)
        self.braces.append(tok.line)
        self._header(tok)
        self.ip.parser_state = trial
        return trial

    def _header(self, tok) -> None:
        """Keep the header of the block whose `{` (or missing `{`) is ``tok``: its line's text
        before it (`calendar desk`), for messages about the block."""
        if tok.line is None or tok.start_pos is None:
            return
        start = self.text.rfind("\n", 0, tok.start_pos) + 1
        head = " ".join(without_comment(self.text[start:tok.start_pos]).split())
        if head:
            self.headers[tok.line] = head if len(head) <= 40 else head[:39] + "…"

    def _block(self, line: int) -> str:
        """``the `flow` block (line 24)``, or ``the block of line 24`` when its header is unknown."""
        head = self.headers.get(line)
        return f"the {code(head)} block (line {line})" if head else f"the block of line {line}"

    def _accepts(self, pstate) -> set:
        return set(pstate.parse_conf.parse_table.states[pstate.position].keys())

    def _possible(self, e) -> set:
        """The terminals that can really come next where ``e`` was raised: LALR merges states,
        so a state's table may list a terminal that fails after the reductions it leads to
        (`hours mon-fri 09:00-12:00 13:00-18:00` listed `in`). Each is tried on a copy of the
        parser state, without callbacks, as Lark's ``InteractiveParser.accepts`` does."""
        expected = set(e.accepts or e.expected)
        state = getattr(e, "state", None)
        if state is None or not hasattr(state, "copy"):
            return expected
        from copy import copy

        conf = copy(state.parse_conf)
        conf.callbacks = {}
        possible = set()
        for term in expected:
            if term == "$END":
                if not self.braces:             # (inside a block the file cannot end)
                    possible.add(term)
                continue
            trial = state.copy(deepcopy_values=False)
            trial.parse_conf = conf
            try:
                trial.feed_token(self.Token(term, ""))
            except self.UnexpectedToken:
                continue
            possible.add(term)
        return possible or expected

    def _where_as_field(self, tok, prev: str, statement: list) -> None:
        """`where` right after `require` or after a comma of its list (extension): the
        keyword that ends the list, not a field (a field named `where` is backquoted, §2)."""
        end = self.text.find("\n", tok.end_pos)
        rest = without_comment(self.text[tok.end_pos:len(self.text) if end < 0 else end]).strip()
        if prev == "REQUIRE":
            field = required_field(rest, self.text)
            shown = field or "FIELD"
            example = f"require {shown} where {rest}" if rest and len(rest) <= 50 else f"require {shown} where …"
            message = "`require` lists its fields before `where`: `where` here is not a field"
            hint = "list the fields before `where`: " + code(example)
            if field is None and rest:
                hint = ("list the fields that every handoff must carry before `where`: " + code(example)
                        + "; a listed field is required whatever the condition says, so `state`, segments and "
                        "fields needed only in some cases stay in the condition")
        else:
            fields = " ".join(str(t.value) for t in statement[1:-1]).replace(" ,", ",")
            shown = f"{fields} where {rest}" if rest and len(fields) + len(rest) <= 60 else f"{fields} where …"
            message = "`where` after a comma: the list of fields ends before `where`, which is not a field"
            hint = "drop the comma before `where`: " + code(f"require {shown}")
        self.error(codes.UNEXPECTED_TOKEN, message, self._span(tok),
                   hint=hint + " (a field named `where` goes in backquotes: `` `where` ``)")

    def _report(self, e, tok) -> None:
        possible = self._possible(e)
        expected = describe_expected(possible, self.terminals)
        if tok.type == "$END":
            hint = None
            message = f"the file ends here, but {expected} was expected"
            if "`}`" in expected and self.braces:
                inner = self.braces[-1]
                head = self.headers.get(inner)
                block = f"the {code(head)} block" if head else "the block"
                message = f"the file ends here, inside {block} opened on line {inner}: {expected} was expected"
                lines = [str(n) for n in reversed(self.braces)]
                hint = (f"add the closing `}}` of the block opened on line {inner}" if len(lines) == 1 else
                        f"add the closing `}}` of the blocks opened on lines {', '.join(lines[:-1])} and {lines[-1]}, "
                        "innermost first")
            elif "`}`" in expected:
                hint = "a block is probably missing its closing `}`"
            self.error(codes.UNEXPECTED_END, message, self._span(tok), hint=hint)
            return
        found = describe_token(tok)
        end = getattr(tok, "end_pos", None)
        span = self._span(tok)
        if tok.value in ("=", "<", ">") and end is not None and self.text[end:end + 1] == "=":
            found = f"`{tok.value}=`"               # a comparison where none can stand: lexed as `=` alone
        elif end is not None and str(tok.value).isalnum() and self.text[end:end + 1].isalpha() \
                and not self.text[end].isascii():
            # a word the lexer cut at a letter it does not read (`días` lexed `d`): the whole word
            rest = end
            while rest < len(self.text) and (self.text[rest].isalnum() or self.text[rest] == "_"):
                rest += 1
            word = self.text[tok.start_pos:rest]
            found = f"`{word if len(word) <= 40 else word[:37] + '…'}`"
            if span.end_line == span.line and span.end_column is not None:
                span = Span(span.line, span.column, span.end_line, span.end_column + (rest - end), self.file)
        hint = hint_for(tok, expected, possible, self.text)
        if self.parens and getattr(tok, "line", None) and tok.line > self.parens[-1].line:
            hint = (f"the `(` on line {self.parens[-1].line} is still open, so this line goes on its statement: "
                    "close the `(` with `)`, or join the lines with `and` / `or`")
        message = f"expected {expected}, found {found}"
        if tok.type == "RBRACE" and not self.braces and hint is None:      # a `}` that closes nothing
            hint = ("no block is open here: " + (
                f"{self._block(self.last_closed[0])} was already closed on line {self.last_closed[1]}; "
                if self.last_closed is not None and self.last_closed[1] <= (tok.line or 0) else "")
                + "remove this `}`, or add the `{` of the block it should close")
        missing = sum_without_property(tok, expected, self.text)
        if missing is not None:
            message, hint = missing
        self.error(codes.UNEXPECTED_TOKEN, message, span, hint=hint)

    def _finish(self, pstate, checkpoint=None):
        end = self.Token("$END", "", len(self.text), None, None)
        try:
            tree = pstate.feed_token(end, True)
        except self.UnexpectedToken as e:
            self._report(e, end)
            if self.partial and self.braces:        # blocks left open at the end: close them
                tree = self._closed_at_end(pstate, end)
                if tree is not None:            # (the last block's checks that a cut-off file
                    return tree, self.diags     # could explain stay hidden: see api._independent)
            if self.partial and checkpoint is not None:
                # the last statement is cut off (`segment warm = a and` at the end): the tree
                # without it, as a broken statement anywhere else is skipped, so the other
                # declarations are still checked
                self.braces = list(self.checkpoint_braces)
                tree = self._closed_at_end(self._copy(checkpoint), end)
                if tree is not None:
                    return tree, self.diags
            return None, self.diags
        if any(d.severity == dg.ERROR for d in self.diags) and not self.partial:
            return None, self.diags
        return tree, self.diags


#: Characters that make a backquoted name another one than it shows: spaces that are not
#: spaces, characters of no width, and the controls that reorder text.
_SPACELIKE = frozenset("\u00a0\u2007\u202f")
_LOOKALIKE = _SPACELIKE | frozenset("\u200b\u2060\ufeff\u00ad\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
                                    "\u2066\u2067\u2068\u2069")

#: Invisible characters of no width: inside a word, the word reads as if they were not there.
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_SPLIT_WORD = re.compile(f"[{_ZERO_WIDTH}\"#`]")
_NUMBER_CHAR = re.compile(r"[A-Za-z0-9_:.+%-]")


def _zero_width_words(text: str) -> tuple[str, dict[int, tuple[int, str]]]:
    """``text`` with every run of zero-width characters that splits a word (outside strings,
    backquoted names and comments) moved to just after the word, so the word reads whole:
    ``first<U+200B>_touch`` is read as ``first_touch<U+200B>``. The run is still reported
    (as the invisible character it is) where it was written. Also returns, by the moved
    character's new offset, its original column and the word. Only that word's own columns
    move."""
    if not any(c in text for c in _ZERO_WIDTH):
        return text, {}
    moved: dict[int, tuple[int, str]] = {}
    out, offset = [], 0
    for line in text.split("\n"):
        out.append(_join_words(line, offset, moved))
        offset += len(line) + 1
    return "\n".join(out), moved


def _join_words(line: str, offset: int, moved: dict) -> str:
    """One line of :func:`_zero_width_words`."""
    i, n = 0, len(line)
    word_char = _WORD_CHAR.match
    while True:
        m = _SPLIT_WORD.search(line, i)
        if m is None:
            return line
        ch, start = m.group(), m.start()
        if ch == "#":
            return line
        if ch in '"`':                                    # skip the string or backquoted name
            end = start + 1
            while end < n and line[end] != ch:
                end += 2 if ch == '"' and line[end] == "\\" else 1
            i = end + 1
            continue
        if start == 0 or not word_char(line, start - 1):
            i = start + 1                                 # not inside a word: read as a space
            continue
        word_start = start
        while word_start > 0 and word_char(line, word_start - 1):
            word_start -= 1
        # a number, time, date or timestamp goes on over `:`, `-`, `.`, `+`, `%` (its
        # invisible character moves past all of it, not into its middle); a name does not
        goes_on = _NUMBER_CHAR.match if line[word_start].isdigit() else word_char
        letters, hidden, j = [line[word_start:start]], [], start
        while j < n:
            if line[j] in _ZERO_WIDTH:
                k = j
                while k < n and line[k] in _ZERO_WIDTH:
                    k += 1
                if k == n or not goes_on(line, k):
                    break                                 # after the word: read as a space
                hidden.extend((c, at + 1) for at, c in enumerate(line[j:k], j))
                j = k
            elif goes_on(line, j):
                letters.append(line[j])
                j += 1
            else:
                break
        if not hidden:
            i = start + 1
            continue
        word = "".join(letters)
        line = line[:word_start] + word + "".join(c for c, _ in hidden) + line[j:]
        for at, (_, column) in enumerate(hidden, offset + word_start + len(word)):
            moved[at] = (column, word)
        i = j


#: Words that begin a clause of a block: on a line of its own after a `(` left open, such a
#: word begins a statement of its own (a continuation line begins with an operand).
_STATEMENT_WORDS = frozenset(("owner", "start", "stop", "cancel", "restart", "breach", "pause", "within", "warn",
                              "retarget", "recur", "require", "count", "sum", "gap", "first", "only", "hours",
                              "holidays", "closed", "open", "day", "timezone", "version", "teams", "expect", "}"))

_DECLARATION_WORDS = frozenset(("agreement", "calendar", "states", "flow", "segment", "handoff", "deadline",
                                "attempts", "target", "quota", "let", "test"))


