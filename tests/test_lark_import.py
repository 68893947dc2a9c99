"""slacode._lark: only the parts of Lark that parsing uses are imported, and nothing is lost
by it (the rest of Lark, regex and interegular all work when someone asks for them).

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


def test_a_cold_load_leaves_out_what_only_building_a_parser_needs():
    out = run("""
        import sys
        import slacode
        slacode.load("specs/northwind.sla").plan
        lark = sys.modules["lark"]
        print(sorted(n for n in ("lark.lark", "lark.load_grammar", "lark.parser_frontends", "lark.parsers.earley")
                     if n in sys.modules), "Lark" in vars(lark))
    """)
    assert out.strip() == "[] False"


def test_the_rest_of_lark_is_there_when_asked_for_after_a_load():
    out = run("""
        import sys
        import slacode
        slacode.load("specs/northwind.sla").plan
        import lark
        import lark.lexer, lark.tree
        assert lark.Tree is lark.tree.Tree and lark.Token is lark.lexer.Token
        assert lark.__version__ and lark.Lark.__module__ == "lark.lark"
        from lark import Lark, Transformer, UnexpectedInput, v_args
        from lark.lark import Lark as Same
        assert Lark is Same
        tree = Lark('start: WORD+\\n%import common.WORD\\n%ignore " "', parser="lalr").parse("a b")
        assert isinstance(tree, lark.tree.Tree)
        ns = {}
        exec("from lark import *", ns)
        assert ns["Lark"] is Lark and ns["Tree"] is lark.Tree
        # the slacode parser goes on working, with the same classes
        assert slacode.loads(open("specs/northwind.sla", encoding="utf-8").read()).plan is not None
        print([str(c) for c in tree.children])
    """)
    assert out.strip() == "['a', 'b']"


def test_slacode_uses_a_lark_imported_before_it():
    out = run("""
        import lark
        import slacode
        from slacode import parse
        a = slacode.load("specs/northwind.sla")
        assert type(lark) is type(lark.lexer)                 # the ordinary package, left alone
        assert isinstance(parse.parser().lexer, lark.lexer.Lexer)
        print(a.plan is not None)
    """)
    assert out.strip() == "True"


def test_threads_that_ask_for_lark_at_once_all_get_it():
    out = run("""
        import threading
        import slacode
        slacode.load("specs/northwind.sla")
        import lark
        start, got = threading.Barrier(8), []
        def ask():
            start.wait()
            got.append(lark.Lark)
        threads = [threading.Thread(target=ask) for _ in range(8)]
        for t in threads: t.start()
        for t in threads: t.join()
        print(len(got), len({id(c) for c in got}))
    """)
    assert out.strip() == "8 1"


def test_a_name_lark_does_not_have_is_an_attribute_error():
    out = run("""
        import slacode
        slacode.load("specs/northwind.sla")
        import lark
        print(hasattr(lark, "no_such_name"), hasattr(lark, "Lark"), hasattr(lark, "no_such_name"))
    """)
    assert out.strip() == "False True False"


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


def test_dir_of_lark_after_a_load_lists_every_name():
    """review 15-a: `dir(lark)` (inspect, tab completion) listed only the submodules."""
    out = run("""
        import slacode
        slacode.load("specs/northwind.sla")
        import lark
        names = dir(lark)
        print(all(n in names for n in ("Lark", "Tree", "Token", "__version__", "__all__", "lexer")))
    """)
    assert out.strip() == "True"


def test_no_usable_temporary_folder_still_parses():
    """review 15-a: on a read-only file system `tempfile.gettempdir()` raises, and `lint`
    failed with an internal error; the parser is then built without the caches."""
    out = run("""
        import tempfile
        def nowhere():
            raise FileNotFoundError(2, "No usable temporary directory found")
        tempfile.gettempdir = nowhere
        import slacode
        print([d.code for d in slacode.lint(open("specs/northwind.sla", encoding="utf-8").read())])
    """)
    assert out.strip() == "[]"


def test_a_lark_whose_files_cannot_be_read_gets_no_parser_pickle(monkeypatch):
    """review 15-a: in a zip or frozen install, opening lark/__init__.py failed and every Lark
    version shared one pickle name; now the loader reads it, and without it there is no pickle."""
    import sys
    import types

    from slacode import parse

    lark = sys.modules["lark"]

    class Frozen:
        pass

    monkeypatch.setattr(lark, "__spec__", types.SimpleNamespace(loader=Frozen()))
    with pytest.raises(OSError):
        parse._ParserPickle(parse.grammar_text(), {"parser": "lalr"})
