"""Import Lark without paying for two optional modules it imports eagerly.

``import lark`` imports ``regex`` (when installed, about 8 ms, for ``Lark(regex=True)``, which
slacode does not use) and ``interegular`` (about 7 ms, to check terminal collisions when a
grammar is *built*, i.e. with ``strict=True`` and no cached parser). A cold ``slacode.load``
reads the parser from Lark's cache and uses neither.

Importing this module imports Lark with a stand-in for each of them that imports the real
module the first time Lark uses an attribute of it (so a cache miss still runs the strict
checks, and ``Lark(regex=True)`` still works). The stand-ins are only in ``sys.modules``
while Lark is imported, and only for modules that are installed and not yet imported:
afterwards ``import regex`` anywhere else is the ordinary import of the real module.
Nothing happens when Lark was imported already.
"""
from __future__ import annotations

import importlib
import importlib.util
import sys
import types

_DEFERRED = ("regex", "interegular")


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


def _import_lark() -> None:
    if "lark" in sys.modules:
        return
    placed = []
    for name in _DEFERRED:
        if name not in sys.modules and importlib.util.find_spec(name) is not None:
            sys.modules[name] = stand_in = _Deferred(name)
            placed.append((name, stand_in))
    try:
        import lark  # noqa: F401
    finally:
        for name, stand_in in placed:
            if sys.modules.get(name) is stand_in:
                del sys.modules[name]


_import_lark()
