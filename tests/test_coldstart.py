"""Cold start: what ``import slacode`` + load + compile leaves out, and that nothing is lost.

Each test runs in a fresh interpreter (this one imported everything long ago), with this
checkout's ``src`` first on the path.
"""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from tests.conftest import ROOT, run_fresh as run


def test_a_cold_load_does_not_import_asyncio():
    out = run("""
        import sys
        import slacode
        slacode.load("specs/northwind.sla").plan
        print(sorted(n for n in sys.modules if n == "asyncio" or n.startswith("asyncio.")))
    """)
    assert out.strip() == "[]"


def test_prepare_leaves_nothing_for_the_first_evaluation_to_import_or_build():
    """review 13-b: the first request after a load paid ~100 ms (the `holidays` package
    and the year's holiday tables); `prepare` pays it at start-up, with the same verdicts."""
    out = run("""
        import sys
        import slacode
        from slacode import calendar

        agreement = slacode.load("specs/northwind.sla")
        assert "holidays" not in sys.modules
        assert agreement.prepare(as_of="2026-11-20T12:00:00-03:00") is agreement
        before, built = set(sys.modules), calendar._holiday_ordinals.cache_info().currsize
        event = {"lead": "L", "at": "2026-11-20T10:00:00-03:00", "type": "state", "state": "mql",
                 "fields": {"score": 90, "source": "web", "company": "x", "email": "e", "country": "BR"}}
        result = agreement.evaluate([event], as_of="2026-11-20T12:00:00-03:00")
        print(sorted(set(sys.modules) - before), calendar._holiday_ordinals.cache_info().currsize == built,
              "holidays" in sys.modules, len(result.verdicts) > 0)
    """)
    assert out.split() == ["[]", "True", "True", "True"]


def test_a_load_imports_the_suppressions_only_for_a_file_with_a_directive_and_never_the_test_runner(tmp_path):
    plain = tmp_path / "plain.sla"
    plain.write_text(textwrap.dedent("""\
        # checked by `slacode check`, nightly
        agreement "a" {
          version "1"
          timezone "UTC"
          teams sales
        }
        deadline d {
          owner sales
          start on assigned
          stop on qualified
          within 1h
        }
    """))
    directive = tmp_path / "directive.sla"
    directive.write_text(plain.read_text().replace("nightly", "nightly  # noqa"))
    probe = """
        import sys
        import slacode
        slacode.load({path!r}).plan
        print("slacode.suppress" in sys.modules, "slacode.testing" in sys.modules)
    """
    assert run(probe.format(path=str(plain))).split() == ["False", "False"]
    assert run(probe.format(path=str(directive))).split() == ["True", "False"]
    assert run(probe.format(path="specs/northwind.sla")).split() == ["False", "False"]  # tests, no directive


def test_a_later_import_asyncio_is_the_complete_package():
    out = run("""
        import sys
        import slacode
        slacode.load("specs/northwind.sla")
        import asyncio
        import asyncio.coroutines

        async def three():
            return 3

        assert sys.modules["asyncio.coroutines"] is asyncio.coroutines
        assert asyncio.iscoroutinefunction(three)
        print(asyncio.run(three()))
    """)
    assert out.strip() == "3"


def test_deprecated_coroutines_are_still_coroutine_functions_after_slacode():
    out = run("""
        import slacode.model
        import asyncio
        from typing_extensions import deprecated

        @deprecated("old")
        async def old():
            return 1

        print(asyncio.iscoroutinefunction(old))
    """)
    assert out.strip() == "True"


def test_pydantic_validates_slacode_models_without_the_asyncio_import():
    out = run("""
        import sys
        from slacode import model as m
        d = m.Duration.model_validate({"hours": 4})
        print(d.compact(), "asyncio" in sys.modules)
    """)
    assert out.strip() == "4h False"


def test_asyncio_imported_first_is_left_alone():
    out = run("""
        import asyncio
        import slacode.model
        import sys
        print(sys.modules["asyncio"] is asyncio, type(asyncio).__name__)
    """)
    assert out.strip() == "True module"


def test_a_name_spelt_skip_is_parsed_as_a_name():
    # The parse loop once told "text skipped" from a token by ``tok == "skip"``; a Lark token
    # equals a plain string of the same text, so a name `skip` dropped its whole statement.
    from slacode import lint, loads

    text = 'agreement "x" {\n  version "1"\n}\nsegment skip = score >= 80\nsegment hot = skip and score < 99\n'
    agreement = loads(text)
    assert [s.name.value for s in agreement.of("segment")] == ["skip", "hot"]
    assert [d.code for d in lint(text) if d.severity == "error"] == []


# ----------------------------------------------------------------- the parser's pickle

def _pickle_at(path):
    from slacode import parse

    cache = parse._ParserPickle(parse.grammar_text(), {"parser": "lalr"})
    cache.path = str(path)
    return cache


def _fresh_lark(cache: bool = True):
    """A parser as :func:`slacode.parse.parser` gets it from Lark: read from Lark's cache
    (written first when missing), or with ``cache=False`` built from the grammar."""
    import slacode._lark  # noqa: F401
    from lark import Lark

    from slacode import parse

    options = dict(parser="lalr", lexer="contextual", propagate_positions=True, maybe_placeholders=True,
                   start="start")
    if not cache:
        return Lark(parse.grammar_text(), **options)
    Lark(parse.grammar_text(), cache=True, **options)
    return Lark(parse.grammar_text(), cache=True, **options)


_TREES = """
    import sys
    from lark import Token, Tree
    from slacode import parse
    {patch}
    def dump(t):
        if isinstance(t, Tree):
            m = t.meta
            return (str(t.data), None if m.empty else (m.line, m.column, m.end_line, m.end_column),
                    [dump(c) for c in t.children])
        if isinstance(t, Token):
            return (t.type, str(t), t.line, t.column, t.end_line, t.end_column)
        return t
    out = []
    for path in sys.argv[1:]:
        text = open(path, encoding="utf-8", errors="replace").read()
        tree, diags = parse.parse(text, path)
        out.append((path, dump(tree), [(d.code, d.message, str(d.span)) for d in diags]))
    print(repr(out))
"""


def test_a_pickled_parser_parses_as_the_parser_lark_makes():
    files = [str(p) for p in sorted((ROOT / "specs").glob("*.sla"))]
    files += [str(p) for p in sorted((ROOT / "tests").rglob("*.sla"))][:40]
    assert len(files) > 5
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))

    def trees(patch: str) -> str:
        code = textwrap.dedent(_TREES).replace("{patch}", patch)
        done = subprocess.run([sys.executable, "-c", code, *files], capture_output=True, text=True,
                              env=env, cwd=str(ROOT))
        assert done.returncode == 0, done.stderr[-3000:]
        return done.stdout

    run("from slacode import parse; parse.parser()")          # the pickle exists from here on
    check = "assert parse._ParserPickle(parse.grammar_text(), OPTIONS).load() is not None"
    options = ('dict(parser="lalr", lexer="contextual", strict=True, propagate_positions=True, '
               'maybe_placeholders=True, start="start")')
    pickled = trees(check.replace("OPTIONS", options))
    built = trees("parse._ParserPickle.load = lambda self: None")
    assert pickled == built
    assert "Tree" not in pickled and "'start'" in pickled


def test_the_pickle_keeps_larks_actions_as_the_same_objects(tmp_path):
    from lark.parsers.lalr_analysis import Reduce, Shift

    cache = _pickle_at(tmp_path / "p.pickle")
    cache.save(_fresh_lark())
    states = cache.load().lalr.parse_table.states
    actions = {id(a) for row in states.values() for a, _ in row.values()}
    assert actions == {id(Shift), id(Reduce)}


def test_the_pickle_keeps_one_object_for_equal_parts_of_the_table(tmp_path):
    # every symbol, rule option and table cell that is equal to another is the same object
    # (fewer objects to unpickle and for the last garbage collection to walk)
    from lark.parsers.lalr_analysis import Reduce

    cache = _pickle_at(tmp_path / "p.pickle")
    cache.save(_fresh_lark())
    found = cache.load()
    states = found.lalr.parse_table.states
    cells = [cell for row in states.values() for cell in row.values()]
    keys = {(kind, id(arg) if kind is Reduce else arg) for kind, arg in cells}
    assert len({id(cell) for cell in cells}) == len(keys) < len(cells) / 2
    rules = list(found.lalr.callbacks)
    symbols = [s for r in rules for s in (r.origin, *r.expansion)]
    assert len({id(s) for s in symbols}) == len({(s.__class__, s.name, getattr(s, "filter_out", None))
                                                 for s in symbols}) < len(symbols) / 4
    assert all(r.expansion == list(r.expansion) and hash(r) == hash((r.origin, tuple(r.expansion)))
               for r in rules)
    lexers = {id(b): b for b in found.lexer.lexers.values()}.values()
    assert len({id(b.terminals_by_name) for b in lexers}) == 1 and len(lexers) > 100


def test_a_damaged_pickle_is_ignored_and_a_missing_one_is_none(tmp_path):
    cache = _pickle_at(tmp_path / "p.pickle")
    assert cache.load() is None
    (tmp_path / "p.pickle").write_bytes(b"\x80\x05not a pickle at all")
    assert cache.load() is None
    (tmp_path / "p.pickle").write_bytes(b"")
    assert cache.load() is None


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="file ownership is a POSIX notion here")
def test_a_pickle_others_can_write_is_not_read(tmp_path):
    cache = _pickle_at(tmp_path / "p.pickle")
    cache.save(_fresh_lark())
    assert cache.load() is not None
    os.chmod(cache.path, 0o666)
    assert cache.load() is None
    os.chmod(cache.path, 0o600)
    assert cache.load() is not None


@pytest.mark.skipif(not hasattr(os, "O_NOFOLLOW"), reason="needs O_NOFOLLOW")
def test_a_pickle_reached_through_a_link_is_not_read(tmp_path):
    """Someone else's link in the shared temporary folder may point at a file of ours that
    holds anything: the cache is read only where it is a file itself."""
    real = _pickle_at(tmp_path / "real.pickle")
    real.save(_fresh_lark())
    assert real.load() is not None
    os.symlink(tmp_path / "real.pickle", tmp_path / "link.pickle")
    assert _pickle_at(tmp_path / "link.pickle").load() is None


def test_the_pickle_names_the_grammar_options_and_versions():
    from slacode import parse

    text = parse.grammar_text()
    a = parse._ParserPickle(text, {"parser": "lalr"}).path
    assert a == parse._ParserPickle(text, {"parser": "lalr"}).path
    assert a != parse._ParserPickle(text + "\n", {"parser": "lalr"}).path
    assert a != parse._ParserPickle(text, {"parser": "lalr", "strict": True}).path


def test_an_unwritable_folder_leaves_no_pickle_and_no_error(tmp_path):
    cache = _pickle_at(tmp_path / "missing" / "p.pickle")
    cache.save(_fresh_lark())
    assert cache.load() is None


def test_a_parser_lark_has_just_built_is_not_pickled(tmp_path):
    # it also holds the grammar's definitions; the next process pickles the one Lark reads
    cache = _pickle_at(tmp_path / "p.pickle")
    cache.save(_fresh_lark(cache=False))
    assert cache.load() is None
    cache.save(_fresh_lark())
    assert cache.load() is not None


def test_a_cold_load_leaves_out_what_only_evaluating_needs():
    """The instants' text tables, the event readers and `json` are for evaluating and
    writing verdicts; the holiday countries' list is read once, with `marshal`."""
    out = run("""
        import sys
        before = set(sys.modules)           # what the interpreter's start-up imported (site, .pth files)
        import slacode
        slacode.load("specs/northwind.sla").plan
        print(sorted(n for n in ("slacode.instants", "slacode.events", "slacode.evaluate", "slacode.notes", "json",
                                 "orjson", "lark.lark") if n in set(sys.modules) - before))
    """)
    assert out.strip() == "[]"


# ------------------------------------------------- the caches' folder (review 30b H3)

def _load_in(tmpdir, patch: str = "") -> str:
    """Load the example agreement in a fresh process whose temporary folder is ``tmpdir``."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), TMPDIR=str(tmpdir))
    code = textwrap.dedent(patch) + "\nimport slacode\nslacode.load('specs/northwind.sla').plan\nprint('loaded')\n"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=str(ROOT))
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="file ownership is a POSIX notion here")
def test_the_caches_live_in_a_folder_only_the_user_can_write(tmp_path):
    # Lark's cache used to be read from the shared temporary folder by a predictable name,
    # with no check of who wrote it: a pickle anyone could plant ran inside slacode.load
    spy = """
        import lark, slacode._lark
        from lark import Lark
        given = []
        real = Lark.__init__
        def init(self, *a, **kw):
            given.append(kw.get("cache"))
            return real(self, *a, **kw)
        Lark.__init__ = init
        import atexit
        atexit.register(lambda: print("cache", given))
    """
    first = _load_in(tmp_path, spy)
    folder = tmp_path / f"slacode-{os.getuid()}"
    assert sorted(p.name for p in tmp_path.iterdir()) == [folder.name]     # nothing else in the shared folder
    assert oct(folder.stat().st_mode & 0o777) == oct(0o700)
    (given,) = [line for line in first.splitlines() if line.startswith("cache")]
    assert given.startswith(f"cache ['{folder}/lark_") and given.endswith(".tmp']")
    _load_in(tmp_path)                      # the second process reads Lark's cache, writes the pickle
    assert sorted(p.name.split("_")[0] for p in folder.iterdir()) == ["lark", "parser"]
    assert "cache []" in _load_in(tmp_path, spy)      # the third reads the pickle: no Lark at all


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="file ownership is a POSIX notion here")
@pytest.mark.parametrize("taken", ["open folder", "link", "file"])
def test_a_folder_name_someone_else_took_means_no_cache_at_all(tmp_path, taken):
    folder = tmp_path / f"slacode-{os.getuid()}"
    elsewhere = tmp_path / "planted"
    elsewhere.mkdir()
    marker = tmp_path / "ran"
    if taken == "open folder":
        folder.mkdir()
        os.chmod(folder, 0o777)             # anyone could write it: as good as someone else's
    elif taken == "link":
        os.symlink(elsewhere, folder)
    else:
        folder.write_text("")
    # whatever a planted cache holds is never read: build the parser each time
    import pickle

    class Planted:
        def __reduce__(self):
            return (open, (str(marker), "w"))

    for target in (folder, elsewhere) if taken != "file" else (elsewhere,):
        for name in ("parser_x.pickle", "lark_x.tmp"):
            (target / name).write_bytes(pickle.dumps(Planted()))
    assert "loaded" in _load_in(tmp_path)
    assert not marker.exists()
    if taken == "open folder":
        assert sorted(p.name for p in folder.iterdir()) == ["lark_x.tmp", "parser_x.pickle"]   # nothing added


def test_old_caches_of_other_grammars_are_removed_when_a_new_one_is_written(tmp_path, monkeypatch):
    import tempfile

    from slacode import parse

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    cache = parse._ParserPickle(parse.grammar_text(), {"parser": "lalr"})
    folder = os.path.dirname(cache.path)
    old, recent, other = (os.path.join(folder, n) for n in ("parser_old.pickle", "lark_recent.tmp", "notes.txt"))
    for path in (old, recent, other):
        with open(path, "w") as f:
            f.write("x")
    long_ago = 1_000_000_000
    os.utime(old, (long_ago, long_ago))
    os.utime(other, (long_ago, long_ago))
    cache.save(_fresh_lark())
    assert cache.load() is not None
    assert not os.path.exists(old)                       # 30 days unused, another grammar's
    assert os.path.exists(recent) and os.path.exists(other)     # recent, or not a cache
