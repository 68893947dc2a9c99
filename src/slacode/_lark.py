"""Import the parts of Lark that parsing with a cached parser uses, and nothing else.

``import lark`` runs the package's ``__init__``, which imports what only *building* a parser
needs: the grammar loader, the Earley and CYK parsers, the front ends (``lark.lark``,
``lark.load_grammar``, ``lark.parser_frontends`` …, about 10 ms), and through them ``regex``
(when installed, about 8 ms, for ``Lark(regex=True)``, which slacode does not use) and
``interegular`` (about 7 ms, to check terminal collisions when a grammar is built with
``strict=True``). A cold ``slacode.load`` reads its parser from a pickle (see
:func:`slacode.parse.parser`) and uses only the lexer, the LALR parser and the trees.

Importing this module therefore imports only those submodules, under a ``lark`` package
whose ``__init__`` has not run yet (:class:`_LazyPackage`): the first time anything asks the
package for a name it does not hold yet (``lark.Lark``, ``from lark import Tree``,
``lark.__version__``), the real ``__init__`` runs in it, and from then on it is the ordinary,
complete package, with the submodules already imported being the same objects. While those
submodules are imported, ``regex`` and ``interegular`` are stand-ins (:class:`_Deferred`)
that import the real module the first time Lark uses one of their attributes (so a parser
built later still runs the strict checks, and ``Lark(regex=True)`` still works). The
stand-ins are in ``sys.modules`` only meanwhile, and only for modules that are installed and
not yet imported: afterwards ``import regex`` anywhere is the ordinary import.

Nothing of this happens when Lark was imported already. One consequence: the ``__init__``
runs from the files on disk when it is first asked for, so a process in which Lark is
replaced by another version meanwhile (``pip install`` in a running notebook) gets that
version's ``__init__`` over the first one's submodules; restart such a process.
"""
from __future__ import annotations

import importlib
import importlib.util
import sys
import threading
import types

_DEFERRED = ("regex", "interegular")

#: What :mod:`slacode.parse` and :mod:`slacode.build` use of Lark.
PARTS = ("lark.exceptions", "lark.lexer", "lark.tree", "lark.parse_tree_builder",
         "lark.parsers.lalr_parser", "lark.parsers.lalr_interactive_parser")

_INIT_LOCK = threading.RLock()


class _Deferred(types.ModuleType):
    """Stands for a module Lark holds a reference to; imports it on first attribute use."""

    def __getattr__(self, attr: str):
        real = self.__dict__.get("_slacode_real")
        if real is None:
            real = self.__dict__["_slacode_real"] = _import_real(self.__name__, self)
        return getattr(real, attr)


def _import_real(name: str, stand_in: _Deferred) -> types.ModuleType:
    if sys.modules.get(name) is stand_in:          # used while Lark is being imported
        del sys.modules[name]
    return importlib.import_module(name)


class _LazyPackage(types.ModuleType):
    """The ``lark`` package before its ``__init__`` has run: it has its path (so submodules
    import as usual) and the submodules imported so far; asking it for any other name runs
    the ``__init__`` in it, once."""

    def __getattr__(self, attr: str):
        self._slacode_complete()
        try:
            return self.__dict__[attr]
        except KeyError:
            raise AttributeError(f"module {self.__name__!r} has no attribute {attr!r}") from None

    def __dir__(self):
        """Every name of the package (``dir``, ``inspect``, tab completion), not only the
        submodules imported so far."""
        self._slacode_complete()
        return sorted(self.__dict__)

    def _slacode_complete(self) -> None:
        with _INIT_LOCK:
            if not self.__dict__.get("_slacode_init_ran"):
                _run_init(self)


def _run_init(package: _LazyPackage) -> None:
    """Run the real ``lark/__init__.py`` in ``package`` (the caller holds the lock). While it
    runs, a name it asks of its own package is simply missing, as in any package being
    imported, so that ``from . import x`` imports the submodule."""
    package.__dict__["_slacode_init_ran"] = True
    try:
        package.__spec__.loader.exec_module(package)
    except BaseException:
        package.__dict__["_slacode_init_ran"] = False
        raise


def _lazy_package(name: str) -> _LazyPackage | None:
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None or spec.submodule_search_locations is None:
        return None
    package = importlib.util.module_from_spec(spec)
    package.__class__ = _LazyPackage
    return package


def _import_lark_parts() -> None:
    if "lark" in sys.modules:                       # imported already, by slacode or anyone
        for part in PARTS:
            importlib.import_module(part)
        return
    package = _lazy_package("lark")
    if package is None:                             # not a package we know how to defer
        importlib.import_module("lark")
        return
    placed = []
    for name in _DEFERRED:
        if name not in sys.modules and importlib.util.find_spec(name) is not None:
            sys.modules[name] = stand_in = _Deferred(name)
            placed.append((name, stand_in))
    sys.modules["lark"] = package
    try:
        for part in PARTS:
            importlib.import_module(part)
    except ImportError:
        # a Lark laid out otherwise: the package stays whole (its __init__ run in the same
        # module object), and the part that is missing is the error
        with _INIT_LOCK:
            if not package.__dict__.get("_slacode_init_ran"):
                _run_init(package)
        raise
    finally:
        for name, stand_in in placed:
            if sys.modules.get(name) is stand_in:
                del sys.modules[name]


_import_lark_parts()
