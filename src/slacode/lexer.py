"""The contextual lexer's tokens, without compiling a regular expression per parser state.

Lark's contextual lexer gives every LALR state its own ``BasicLexer``, and each of those
compiles one alternation of the state's terminals the first time the state is visited:
about a hundred compilations for an ordinary agreement, most of the cost of a first parse.
:class:`StateLexer` yields exactly the same tokens from one alternation of *all* terminals,
compiled once.

Why that is exact: a ``BasicLexer`` sorts its terminals by one key,
``(-priority, -max_width, -len(pattern source), name)``, which orders all terminals totally,
so a state's list is the global list with terminals left out; and Python's ``|`` takes the
first alternative that matches. The first match of the global alternation is therefore the
state's answer whenever the state has that terminal. When it has not, every terminal before
it failed as well, so the answer is the first of the state's later terminals that matches;
those are tried one by one (only the ones that can start with the character at hand). That
happens on keywords where a name is not allowed, and on line breaks where none is.

The rest mirrors ``BasicLexer``: ignored terminals are skipped, and a string terminal that
a regular-expression terminal of the same priority also matches in full ("unless": the
keyword ``within`` and ``NAME``) is not tried on its own; it renames the token afterwards.
Both are worked out from each state's own terminals, as Lark does.

The same machinery stands in for the root lexer (all terminals), which the parser uses to
name a token that is not valid where it stands. ``tests/test_lexer.py`` compares both with
Lark's own lexers token by token.
"""
from __future__ import annotations

import re


class _Terminals:
    """Matchers for every terminal, made on first use: a string terminal without flags is
    compared as text (what its escaped pattern does), anything else is compiled."""

    def __init__(self, terminals, flags: int):
        self.by_name = {t.name: t for t in terminals}
        self.flags = flags
        self.rank = {t.name: i for i, t in enumerate(terminals)}
        self._match: dict = {}
        self._full: dict = {}

    def literal(self, name: str) -> str | None:
        """The text of a plain string terminal, None for anything else."""
        p = self.by_name[name].pattern
        return p.value if p.type == "str" and not p.flags and not self.flags else None

    def compiled(self, name: str):
        c = self._full.get(name)
        if c is None:
            c = self._full[name] = re.compile(self.by_name[name].pattern.to_regexp(), self.flags)
        return c

    def matcher(self, name: str):
        """``f(text, pos, end)`` -> the text the terminal matches at ``pos``, or None."""
        f = self._match.get(name)
        if f is None:
            s = self.literal(name)
            if s is not None:
                def f(text, pos, end, s=s):
                    return s if text.startswith(s, pos, end) else None
            else:
                match = self.compiled(name).match

                def f(text, pos, end, match=match):
                    m = match(text, pos, end)
                    return None if m is None else m.group(0)
            self._match[name] = f
        return f

    def fullmatches(self, name: str, value: str) -> bool:
        s = self.literal(name)
        if s is not None:
            return value == s
        return self.compiled(name).fullmatch(value) is not None

    def covers(self, retok, strtok) -> bool:
        """Lark's test for "unless": the regular expression matches all of the string."""
        m = self.compiled(retok.name).match(strtok.pattern.value)
        return m is not None and m.group(0) == strtok.pattern.value


class _State:
    """What one Lark ``BasicLexer`` does, precomputed from its (sorted) terminals."""

    __slots__ = ("names", "order", "unless", "ignore", "newlines", "terminals_by_name", "_after", "_t")

    def __init__(self, basic, terms: _Terminals, covers: dict):
        terminals = basic.terminals
        unless, embedded = _unless(terminals, covers)
        self.order = [t.name for t in terminals if t.name not in embedded]
        self.names = frozenset(self.order)
        self.unless = unless
        self.ignore = basic.ignore_types
        self.newlines = basic.newline_types
        self.terminals_by_name = basic.terminals_by_name
        self._after: dict = {}
        self._t = terms

    def candidates(self, first: str, char: str) -> list:
        """The state's terminals after ``first`` in Lark's order that may start with ``char``."""
        key = (first, char)
        found = self._after.get(key)
        if found is None:
            t = self._t
            r = t.rank[first]
            found = []
            for n in self.order:
                if t.rank[n] > r:
                    s = t.literal(n)
                    if s is None or s[:1] == char:
                        found.append((n, t.matcher(n)))
            self._after[key] = found
        return found


def _unless(terminals, covers: dict) -> tuple[dict, set]:
    """Lark's ``_create_unless`` for one state: for each regular-expression terminal, the
    state's string terminals of its priority that it matches in full (in order: they rename
    its tokens), and those string terminals that are therefore not tried on their own."""
    present = {t.name for t in terminals}
    unless: dict[str, list] = {}
    embedded: set[str] = set()
    for retok in terminals:
        if retok.pattern.type != "re":
            continue
        found = [s for s in covers[retok.name] if s.name in present]
        for strtok in found:
            if strtok.pattern.flags <= retok.pattern.flags:
                embedded.add(strtok.name)
        if found:
            unless[retok.name] = [s.name for s in found]
    return unless, embedded


def _covers(terminals, terms: _Terminals) -> dict:
    """For each regular-expression terminal, every string terminal it covers (all states)."""
    strings = [t for t in terminals if t.pattern.type == "str"]
    return {r.name: [s for s in strings if s.priority == r.priority and terms.covers(r, s)]
            for r in terminals if r.pattern.type == "re"}


class StateLexer:
    """Stands in for a Lark ``ContextualLexer``'s ``lexers[state].next_token`` and
    ``root_lexer.next_token`` (see the module documentation)."""

    def __init__(self, contextual):
        from lark.exceptions import UnexpectedCharacters
        from lark.lexer import Token

        self._Token, self._Unexpected = Token, UnexpectedCharacters
        root = contextual.root_lexer
        if any(getattr(b, "user_callbacks", None) for b in [root, *contextual.lexers.values()]):
            raise ValueError("lexer callbacks are not supported")  # slacode sets none
        terminals = root.terminals                       # all of them, in Lark's order
        self._terms = _Terminals(terminals, root.g_regex_flags)
        self._covers = _covers(terminals, self._terms)
        self._master = re.compile("|".join(f"(?P<{t.name}>{t.pattern.to_regexp()})" for t in terminals),
                                  root.g_regex_flags)
        self._lexers = contextual.lexers
        self._by_lexer: dict[int, _State] = {}           # Lark shares a lexer between states
        self._by_position: dict[int, _State] = {}
        self._root = _State(root, self._terms, self._covers)

    def _state(self, position: int) -> _State:
        basic = self._lexers[position]
        st = self._by_lexer.get(id(basic))
        if st is None:
            st = self._by_lexer[id(basic)] = _State(basic, self._terms, self._covers)
        self._by_position[position] = st
        return st

    def next_token(self, lex_state, parser_state):
        """The token Lark's lexer for the parser's state returns: raises ``EOFError`` at
        the end and ``UnexpectedCharacters`` where none of the state's terminals match."""
        st = self._by_position.get(parser_state.position) or self._state(parser_state.position)
        t = self._next(st, lex_state)
        if t is None:
            raise self._error(st, lex_state, parser_state)
        return t

    def root_token(self, lex_state, parser_state):
        """The token Lark's root lexer (all terminals) returns."""
        t = self._next(self._root, lex_state)
        if t is None:
            raise self._error(self._root, lex_state, parser_state)
        return t

    def token_or_root(self, lex_state, parser_state):
        """:meth:`next_token`, or where that would raise ``UnexpectedCharacters``, what
        :meth:`root_token` gives from there (the token is valid elsewhere in the grammar):
        the parser's usual pair of calls without making an exception in between (a line
        break where the state allows none happens on every wrapped line)."""
        st = self._by_position.get(parser_state.position) or self._state(parser_state.position)
        t = self._next(st, lex_state)
        if t is None:
            t = self._next(self._root, lex_state)
            if t is None:
                raise self._error(self._root, lex_state, parser_state)
        return t

    def _next(self, st: _State, lex_state):
        """The next token of state ``st``; None (after the ignored text before it) where
        none of its terminals match; ``EOFError`` at the end."""
        line_ctr = lex_state.line_ctr
        text, end = lex_state.text.text, lex_state.text.end
        master = self._master
        while line_ctr.char_pos < end:
            pos = line_ctr.char_pos
            m = master.match(text, pos, end)
            if m is None:
                return None
            type_ = m.lastgroup
            if type_ in st.names:
                value = m.group(0)
            else:
                for type_, match in st.candidates(type_, text[pos]):
                    value = match(text, pos, end)
                    if value is not None:
                        break
                else:
                    return None
            line, column = line_ctr.line, line_ctr.column
            line_ctr.feed(value, type_ in st.newlines)
            if type_ in st.ignore:
                continue                                 # (a renaming would not show)
            renames = st.unless.get(type_)
            if renames is not None:
                for name in renames:
                    if self._terms.fullmatches(name, value):
                        type_ = name
                        break
            t = self._Token(type_, value, pos, line, column, line_ctr.line, line_ctr.column, line_ctr.char_pos)
            lex_state.last_token = t
            return t
        raise EOFError(self)

    def _error(self, st: _State, lex_state, parser_state):
        line_ctr = lex_state.line_ctr
        allowed = set(st.names - st.ignore) or {"<END-OF-FILE>"}
        last = lex_state.last_token
        return self._Unexpected(lex_state.text.text, line_ctr.char_pos, line_ctr.line, line_ctr.column,
                                allowed=allowed, token_history=last and [last], state=parser_state,
                                terminals_by_name=st.terminals_by_name)
