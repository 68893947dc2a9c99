"""slacode.lexer.StateLexer gives exactly the tokens of Lark's own contextual lexer.

Three comparisons, each against Lark's lexers on the same grammar:

* every ``.sla`` text of the repository (specs, test fixtures, golden files, the ``sla``
  blocks of the documentation, and the shared agreements when they are beside the checkout)
  is parsed twice, once with each lexer: the same tokens reach the parser and the same
  tree and diagnostics come out;
* for every distinct per-state lexer (and the root lexer), at the token boundaries and
  line starts of those texts: the same token, exception and line counter afterwards;
* hypothesis: token soups and mutated agreements, parsed both ways, and random states
  lexed at random places.
"""
from __future__ import annotations

import bisect
import functools

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lark.exceptions import UnexpectedCharacters
from lark.lexer import LexerState, LineCounter
from lark.utils import TextSlice

from slacode import parse as P
from tests.conftest import ROOT, SHARED, language_example
from tests.test_docs import all_blocks
from tests.test_fuzz import MUTATIONS, TOKENS, mutate


def _read(path: Path) -> str | None:
    """The text of a file as slacode reads it (None for the fixtures that are not text)."""
    return P.decode(path.read_bytes(), str(path))[0]


def corpus() -> dict[str, str]:
    texts = {}
    for path in sorted(ROOT.glob("specs/**/*.sla")) + sorted(ROOT.glob("tests/**/*.sla")):
        texts[str(path.relative_to(ROOT))] = _read(path)
    for block in all_blocks("sla"):
        texts[block.where] = block.text
    if SHARED.is_dir():
        texts["LANGUAGE.md §1"] = language_example()
        for path in sorted(SHARED.rglob("*.sla")):
            texts[str(path)] = _read(path)
    return {name: text for name, text in texts.items() if text is not None}


CORPUS = corpus()


class _LarkLexers:
    """Lark's contextual lexer behind the interface of StateLexer."""

    def __init__(self):
        self.contextual = P.parser().lexer

    def next_token(self, lex_state, parser_state):
        return self.contextual.lexers[parser_state.position].next_token(lex_state, parser_state)

    def root_token(self, lex_state, parser_state):
        return self.contextual.root_lexer.next_token(lex_state, parser_state)

    def token_or_root(self, lex_state, parser_state):
        # what the parser did before StateLexer.token_or_root: the two calls in turn
        try:
            return self.next_token(lex_state, parser_state)
        except UnexpectedCharacters:
            return self.root_token(lex_state, parser_state)


class _Recording:
    """Records every token (or exception) a lexer gives the parse loop."""

    def __init__(self, inner):
        self.inner, self.seen = inner, []

    def _call(self, kind, lex_state, parser_state):
        try:
            tok = getattr(self.inner, kind)(lex_state, parser_state)
        except (EOFError, UnexpectedCharacters) as e:
            self.seen.append((kind, parser_state.position, type(e).__name__, _counter(lex_state)))
            raise
        self.seen.append((kind, parser_state.position, _token(tok), _counter(lex_state)))
        return tok

    def next_token(self, lex_state, parser_state):
        return self._call("next_token", lex_state, parser_state)

    def root_token(self, lex_state, parser_state):
        return self._call("root_token", lex_state, parser_state)

    def token_or_root(self, lex_state, parser_state):
        return self._call("token_or_root", lex_state, parser_state)


def _token(tok):
    return (tok.type, tok.value, tok.start_pos, tok.line, tok.column, tok.end_line, tok.end_column, tok.end_pos,
            type(tok).__name__)


def _counter(lex_state):
    c = lex_state.line_ctr
    return c.char_pos, c.line, c.column, c.line_start_pos


def parse_with(lexer, text):
    run = P._Run(text, "t.sla")
    run.state_lexer = rec = _Recording(lexer)
    tree, diags = run.run()
    return rec.seen, tree, [(d.code, d.message, d.span, d.hint) for d in diags]


def assert_same_parse(text):
    mine = parse_with(P.state_lexer(), text)
    lark = parse_with(_LarkLexers(), text)
    assert mine[0] == lark[0]                    # tokens (and failures), in order
    assert mine[1] == lark[1]
    assert mine[2] == lark[2]


@pytest.mark.parametrize("name", sorted(CORPUS))
def test_every_agreement_parses_the_same(name):
    assert_same_parse(CORPUS[name])


# -------------------------------------------------------------- one lexer, one place

class _ParserState:
    def __init__(self, position):
        self.position = position


_NEWLINES: dict = {}        # id(text) -> (text, offsets of its line breaks)


def _counter_at(text, pos):
    """A line counter at ``pos`` (the line found by bisection: the corpus is large)."""
    got = _NEWLINES.get(id(text))
    if got is None or got[0] is not text:
        got = _NEWLINES[id(text)] = (text, [i for i, ch in enumerate(text) if ch == "\n"])
    breaks = got[1]
    before = bisect.bisect_left(breaks, pos)            # line breaks before pos
    counter = LineCounter("\n")
    counter.char_pos = pos
    counter.line = before + 1
    counter.line_start_pos = breaks[before - 1] + 1 if before else 0
    counter.column = pos - counter.line_start_pos + 1
    return counter


def _lex_once(call, text, pos, position):
    counter = _counter_at(text, pos)
    lex_state = LexerState(TextSlice(text, 0, len(text)), counter)
    try:
        got = _token(call(lex_state, _ParserState(position)))
    except EOFError:
        got = "EOF"
    except UnexpectedCharacters as e:
        got = ("UnexpectedCharacters", e.pos_in_stream, e.line, e.column, sorted(e.allowed))
    last = lex_state.last_token
    return got, _counter(lex_state), last is not None and _token(last)


def _places(text):
    """Every token boundary (root lexer) and every line start of ``text``."""
    places = {0} | {i + 1 for i, ch in enumerate(text) if ch == "\n"}
    lark = _LarkLexers()
    counter = LineCounter("\n")
    lex_state = LexerState(TextSlice(text, 0, len(text)), counter)
    while counter.char_pos < len(text):
        places.add(counter.char_pos)
        try:
            lark.root_token(lex_state, _ParserState(0))
        except EOFError:
            break
        except UnexpectedCharacters:
            counter.feed(text[counter.char_pos])
    return sorted(p for p in places if p <= len(text))


def _one_state_per_lexer():
    contextual = P.parser().lexer
    first = {}
    for position, basic in contextual.lexers.items():
        first.setdefault(id(basic), position)
    return sorted(first.values())


def compare(text, position, places):
    """One state's lexer (None: the root lexer) at each of ``places``."""
    mine, lark = P.state_lexer(), _LarkLexers()
    for pos in places:
        if position is None:
            assert _lex_once(mine.root_token, text, pos, 0) == _lex_once(lark.root_token, text, pos, 0), pos
        else:
            assert (_lex_once(mine.next_token, text, pos, position)
                    == _lex_once(lark.next_token, text, pos, position)), (pos, position)
            assert (_lex_once(mine.token_or_root, text, pos, position)
                    == _lex_once(lark.token_or_root, text, pos, position)), (pos, position)


@functools.cache
def _corpus_places() -> tuple[str, list[int]]:
    """The whole corpus as one text, and its places (computed once for the parts below)."""
    text = "\n".join(CORPUS.values())
    return text, _places(text)


def test_the_root_lexer_lexes_the_corpus_the_same():
    text, places = _corpus_places()
    compare(text, None, places)


#: The distinct lexers are compared in this many parts (the i-th lexer in part i % PARTS),
#: so that the parts spread over the test workers rather than one test holding one for
#: half a minute; together they are every lexer on the same places as before.
PARTS = 6


@pytest.mark.parametrize("part", range(PARTS))
def test_every_state_lexes_the_corpus_the_same(part):
    text, places = _corpus_places()
    # every distinct lexer on its own spread of places (a few of them on many)
    for i, position in enumerate(_one_state_per_lexer()):
        if i % PARTS == part:
            compare(text, position, places[i % 89::(7 if i % 29 == 0 else 89)])


def test_error_places_lex_the_same():
    text = 'agreement "x { \n  within 4h ` \n  “quoted” @ é\x0c\t- 1_0 -2 2026-1-1 9:00 ;; ##\n"'
    compare(text, None, range(len(text) + 1))
    for position in _one_state_per_lexer():
        compare(text, position, range(len(text) + 1))


# ------------------------------------------------------------------------- hypothesis

@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(TOKENS), max_size=80), st.sampled_from([" ", "", "\n"]))
def test_token_soup_parses_the_same(tokens, sep):
    assert_same_parse(sep.join(tokens))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MUTATIONS)
def test_mutated_agreement_parses_the_same(mutations):
    assert_same_parse(mutate(mutations, pad=""))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_state_at_random_place(data):
    text = data.draw(st.one_of(st.text(max_size=60),
                               st.lists(st.sampled_from(TOKENS), max_size=20).map("".join)))
    positions = sorted(P.parser().lexer.lexers)
    position = data.draw(st.sampled_from(positions))
    pos = data.draw(st.integers(0, len(text)))
    mine, lark = P.state_lexer(), _LarkLexers()
    assert _lex_once(mine.next_token, text, pos, position) == _lex_once(lark.next_token, text, pos, position)
    assert _lex_once(mine.root_token, text, pos, 0) == _lex_once(lark.root_token, text, pos, 0)
    assert (_lex_once(mine.token_or_root, text, pos, position)
            == _lex_once(lark.token_or_root, text, pos, position))


def test_the_packaged_grammar_is_the_one_lexed():
    # the state lexer is built from the parser, whichever grammar file that was read from
    assert Path(P.grammar_path()).name == "slacode.lark"
    assert P.state_lexer() is P.state_lexer()
