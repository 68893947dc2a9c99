"""slacode._lark: Lark imported without regex/interegular, and nothing lost by it.

Each test runs in a fresh interpreter (this one has imported Lark long ago), with this
checkout's ``src`` first on the path.
"""
from __future__ import annotations

import importlib.util

import pytest

from tests.conftest import run_fresh as run


def test_a_cold_load_imports_neither_regex_nor_interegular():
    out = run("""
        import sys
        import slacode
        slacode.load("specs/northwind.sla").plan
        print(sorted(n for n in ("regex", "interegular") if n in sys.modules))
    """)
    assert out.strip() == "[]"


@pytest.mark.skipif(importlib.util.find_spec("regex") is None, reason="regex is not installed (optional for Lark)")
def test_a_later_import_regex_is_the_real_module_and_lark_still_uses_it():
    out = run("""
        import types
        import slacode
        slacode.load("specs/northwind.sla")
        import regex
        assert type(regex) is types.ModuleType and regex.compile(r"\\p{L}+").fullmatch("é")
        import lark.utils
        assert lark.utils.regex.compile is regex.compile
        from lark import Lark
        tree = Lark('start: WORD\\nWORD: /\\\\p{L}+/', parser="lalr", regex=True).parse("état")
        print(tree.children[0])
    """)
    assert out.strip() == "état"


def test_the_grammar_passes_lark_strict_checks_when_built():
    # no cache: Lark builds the parser, with shift/reduce and terminal-collision checks
    out = run("""
        import sys
        from slacode import parse
        parse.parser()                                      # lark imported the slacode way
        from lark import Lark
        Lark(parse.grammar_text(), parser="lalr", lexer="contextual", strict=True,
             propagate_positions=True, maybe_placeholders=True, start="start")
        print("interegular" in sys.modules)
    """)
    assert out.strip() == "True"                        # the collision check did run


def test_strict_still_refuses_colliding_terminals():
    out = run("""
        from slacode import parse
        parse.parser()
        from lark import Lark
        from lark.exceptions import LexError
        grammar = parse.grammar_text().replace('owner: "owner" NAME', 'owner: "owner" (NAME | WORDISH)')
        grammar += "\\nWORDISH: /[a-z]+x/\\n"      # where NAME is allowed, and NAME matches it
        try:
            Lark(grammar, parser="lalr", lexer="contextual", strict=True, start="start")
        except LexError as e:
            print("refused", "collision" in str(e).lower())
    """)
    assert out.strip() == "refused True"
