"""The groups of a `by FIELD` target or quota (extension): a lead field's value as a key.

A key tells values apart as the language compares them (LANGUAGE.md §9): numbers by value
(``1`` and ``1.0`` are one group), text by its exact characters (``"1"`` is another group,
``"APAC"`` and ``"apac"`` are two), booleans on their own (``true`` is neither ``1`` nor
``"true"``). A missing field and ``null`` are one group, whose key is ``None``. Any other
JSON value (a list, an object) is a group by its JSON text, keys sorted.

A key is ``(rank, value)``: rank 0 booleans, 1 numbers, 2 text, 3 anything else; keys sort
by rank, then value, and the missing group sorts last (:func:`order`).
"""
from __future__ import annotations

import json
import math
from numbers import Number

from slacode.texts import composed, int_digits

_BIG = 2 ** 53      # integral floats below this are written as integers: 2.0 is the group 2


def group_key(value) -> tuple | None:
    """The key of the group of leads whose field holds ``value`` (None: missing or null)."""
    cls = value.__class__
    if cls is str:
        return (2, composed(value))         # `São Paulo` in either Unicode form: one group
    if value is None:
        return None
    if cls is int:
        return (1, value)
    if cls is bool:
        return (0, value)
    if cls is float:
        return _float_key(value)
    return _other_key(value)


def _float_key(value: float) -> tuple:
    if not math.isfinite(value):
        return (3, "NaN" if value != value else ("Infinity" if value > 0 else "-Infinity"))
    if value.is_integer() and -_BIG < value < _BIG:
        return (1, int(value))
    return (1, value)


def _other_key(value) -> tuple:
    """Subclasses of the plain types, other numbers (``Decimal``), lists and objects."""
    if isinstance(value, bool):
        return (0, bool(value))
    if isinstance(value, str):
        return (2, str.__str__(value))
    if isinstance(value, Number):
        from slacode.compile import _plain_num

        plain = _plain_num(value)
        if plain is None:
            return (3, "NaN")
        return (1, plain) if plain.__class__ is int else _float_key(plain)
    try:
        if isinstance(value, (set, frozenset)):
            value = sorted(value, key=repr)
        return (3, json.dumps(value, sort_keys=True, ensure_ascii=False, default=str, allow_nan=True))
    except ValueError:                  # an int past Python's digit limit in it: its digits
        from slacode.output import json_text

        if isinstance(value, (set, frozenset)):
            value = sorted(value, key=lambda v: json_text(v, sort_keys=True, default=str))
        return (3, json_text(value, sort_keys=True, ensure_ascii=False, default=str, allow_nan=True))


def group_value(key: tuple | None):
    """The group's value as the output writes it (JSON): text, number, boolean, the list or
    object again, ``null`` for the missing group; a number no JSON can hold (NaN) as text."""
    if key is None:
        return None
    rank, value = key
    if rank < 3:
        return value
    if value in ("NaN", "Infinity", "-Infinity"):
        return value
    from slacode.output import read_int         # (an int of any size: its digits were written)

    return json.loads(value, parse_int=read_int)


def group_text(field: str, key: tuple | None) -> str:
    """The group as the reason names it: ``region "APAC"``, ``employees 500``, ``vip
    true``, ``(no region)``."""
    if key is None:
        return f"(no {field})"
    rank, value = key
    if rank == 2:
        return f"{field} {json.dumps(value, ensure_ascii=False)}"
    if rank == 0:
        return f"{field} {'true' if value else 'false'}"
    if rank == 1:                                       # (an int of any size exactly)
        return f"{field} {int_digits(value) if value.__class__ is int else repr(value)}"
    return f"{field} {value}"


def order(key: tuple | None) -> tuple:
    """The sort key of a group: by kind of value, then value; the missing group last."""
    return (1, ()) if key is None else (0, key)
