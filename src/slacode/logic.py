"""Predicates compared by meaning (LANGUAGE.md §9): a normal form, a sound implication
test and disjointness. One engine serves the checks (a `for` line that never applies, a
trigger that both starts and stops a rule) and the diff (a segment widened or narrowed).

Predicates are compared by meaning where that is easy to be sure of: a normal form
(segments inlined, a circle of segments cut off, `==` as a one-value `in`, a state name as
the same text, nested and/or flattened, `true`/`false` folded away) and a sound but
incomplete implication test. ``implies(a, b)`` is True only when every lead that satisfies
``a`` satisfies ``b``, whatever its fields; False means "cannot tell". It follows §9: a
missing field makes every comparison false, so any comparison that holds proves that its
field exists; a number never equals a string.
"""
from __future__ import annotations

from typing import Mapping

from slacode import model as m

_TRUE = ("bool", True)
_FALSE = ("bool", False)


def pred_implies(p, q, segments: Mapping | None = None) -> bool:
    """:func:`implies` of two predicates (model nodes); None stands for "always"."""
    if q is None:
        return True
    segments = segments or {}
    a = _TRUE if p is None else normal_pred(p, segments)
    return implies(a, normal_pred(q, segments))


def never_holds(pred, segments: Mapping | None = None) -> bool:
    """Whether ``pred`` can be seen never to hold (the literal `false`, possibly through
    segments, `and` with a false part, `or` of false parts, `not true`)."""
    return normal_pred(pred, segments or {}) == _FALSE


def always_holds(pred, segments: Mapping | None = None) -> bool:
    """Whether ``pred`` can be seen always to hold (the literal `true`, possibly through
    segments, `or` with a true part or with a part and its negation, `x exists or x
    missing`, `and` of true parts, `not false`)."""
    return normal_pred(pred, segments or {}) == _TRUE


def _norm_value(v: m.Value):
    if v.kind == "number":          # int or float as written: Python compares them exactly
        return ("num", v.value)     # (as floats, 10**20 and 10**20 + 1 would be equal)
    if v.kind == "name":            # `state == on_hold` is `state == "on_hold"`
        return ("string", v.value)
    return (v.kind, v.value)


def _field_key(f: m.FieldRef):
    return ("state",) if f.is_state else ("field", f.name)


def normal_pred(p, segments: Mapping, _stack: tuple = ()):
    """The normal form of a predicate (a nested tuple), with segment references inlined."""
    kind = p.kind
    if kind in ("or", "and"):
        return _join(kind, (normal_pred(i, segments, _stack) for i in p.items))
    if kind == "not":
        return negation(normal_pred(p.item, segments, _stack))
    if kind == "bool":
        return ("bool", bool(p.value))
    if kind == "segment":
        name = p.name.value
        decl = segments.get(name)
        if decl is None or name in _stack:
            return ("segment?", name)
        return normal_pred(decl.predicate, segments, _stack + (name,))
    if kind == "seen":                                  # (extension) `seen T where P` implies `seen T`
        where = normal_pred(p.where, segments, _stack) if p.where is not None else None
        return ("seen", p.type.value, where)
    if kind == "awaiting":                              # (extension) an atom of its own
        return ("awaiting", p.type.value, p.since.value)
    f = _field_key(p.field)
    if kind == "compare" and p.value.kind == "name" and p.value.value == m.ASSIGNEE and not p.field.is_state:
        return ("rep", f, p.op)                         # against the lead's rep: no constant (extension)
    if kind == "compare":
        if p.op == "==":
            return ("in", f, frozenset({_norm_value(p.value)}), False)
        if p.op == "!=":
            return ("ne", f, _norm_value(p.value))
        return ("cmp", f, p.op, _norm_value(p.value))
    if kind == "member":
        if not p.values and not p.negated:         # `x in []`: no value is one of none
            return _FALSE
        return ("in", f, frozenset(_norm_value(v) for v in p.values), p.negated)
    if kind == "exists":
        return ("exists", f, p.negated)
    if kind == "text":
        return ("text", f, p.op, p.text.value)
    raise ValueError(kind)  # pragma: no cover


def _join(kind: str, normals) -> tuple:
    """The normal form of the `and` (or `or`) of parts already in normal form: nested ones
    flattened, repeats dropped, `true`/`false` folded; an `and` of two parts that cannot
    both hold is `false`, an `or` of a part and its negation is `true`."""
    absorbing, neutral = (_TRUE, _FALSE) if kind == "or" else (_FALSE, _TRUE)
    items: list = []
    for n in normals:
        if n == absorbing:
            return absorbing
        if n != neutral:
            items.extend(n[1] if n[0] == kind else [n])
    items = list(dict.fromkeys(items))
    if not items:
        return neutral
    if kind == "and" and _some_disjoint(items):
        return _FALSE                                   # two parts that cannot both hold
    if kind == "or":
        present = set(items)
        if any(negation(x) in present for x in items):
            return _TRUE                                # `x exists or x missing`, `P or not P`
    return items[0] if len(items) == 1 else (kind, tuple(items))


#: the most parts about one field that one `and` compares pair by pair (see _some_disjoint)
MAX_SAME_FIELD = 200


def _some_disjoint(items: list) -> bool:
    """Whether two of the parts of an `and` cannot both hold (:func:`_disjoint`), in about
    linear time: only a part and its negation, or two parts about the same field, can
    exclude each other, so parts are grouped by field and compared within their group.
    Of a field compared more than :data:`MAX_SAME_FIELD` times in one `and` (generated
    input only), the first that many are compared with each other, so the work stays
    bounded; a contradiction among the others is not seen (the check says less, never
    something false)."""
    present = set(items)
    groups: dict = {}
    for x in items:
        if x[0] == "not" and x[1] in present:
            return True
        if x[0] in _NEEDS_VALUE or x[0] == "exists":
            group = groups.setdefault(x[1], [])
            if len(group) < MAX_SAME_FIELD:
                group.append(x)
    for group in groups.values():
        for i, x in enumerate(group):
            for y in group[i + 1:]:
                if _disjoint(x, y):
                    return True
    return False


def conjunction(normals) -> tuple:
    """The normal form of the `and` of parts already in normal form (``true`` for none)."""
    return _join("and", normals)


def negation(n) -> tuple:
    """The normal form of `not` of a normal form: `not not P` is P, `not (x exists)` is
    `x missing`, `not true` is `false`; anything else is wrapped."""
    if n[0] == "not":
        return n[1]
    if n[0] == "exists":
        return ("exists", n[1], not n[2])
    if n[0] == "bool":
        return ("bool", not n[1])
    return ("not", n)


def filled(name: str) -> tuple:
    """The normal form of "field ``name`` is present and not empty": what a field listed
    by `require` promises at the handoff (§6; `""` counts as missing there, although
    `exists` holds for it, §9). It implies `name exists` and excludes `name == ""`."""
    return ("filled", ("field", name))


def _push_not(n) -> tuple:
    """De Morgan, one level: `not (P or Q)` as `not P and not Q`, `not (P and Q)` as
    `not P or not Q` (any other form unchanged)."""
    if n[0] == "not" and n[1][0] in ("or", "and"):
        return (("and" if n[1][0] == "or" else "or"), tuple(negation(x) for x in n[1][1]))
    return n


def implies(a, b) -> bool:
    """True when every lead satisfying normal form ``a`` satisfies ``b`` (sound, not
    complete: False also means "cannot tell")."""
    if a == b:
        return True
    if b == ("bool", True) or a == ("bool", False):
        return True
    pa, pb = _push_not(a), _push_not(b)
    if pa is not a or pb is not b:
        return implies(pa, pb)
    if a[0] == "or":
        return all(implies(x, b) for x in a[1])
    if b[0] == "and":
        return all(implies(a, y) for y in b[1])
    if a[0] == "and" and any(implies(x, b) for x in a[1]):
        return True
    if b[0] == "or" and any(implies(a, y) for y in b[1]):
        return True
    if a[0] == "not" and b[0] == "not":
        return implies(b[1], a[1])
    if b[0] == "not":
        return _disjoint(a, b[1])
    if a[0] == "seen" and b[0] == "seen":               # the same type, a narrower condition on it
        return a[1] == b[1] and (b[2] is None or (a[2] is not None and implies(a[2], b[2])))
    return _atom_implies(a, b)


def _interval(atom):
    """The numbers (or texts) an order comparison or a finite `in` allows:
    ``(kind, low, low_incl, high, high_incl)`` or a finite set, or None."""
    if atom[0] == "cmp":
        op, (vk, v) = atom[2], atom[3]
        if vk not in ("num", "string"):
            return None
        if op in (">", ">="):
            return (vk, v, op == ">=", None, False)
        return (vk, None, False, v, op == "<=")
    return None


def _in_interval(kind, x, iv) -> bool:
    vk, lo, lo_inc, hi, hi_inc = iv
    if kind != vk:
        return False
    if lo is not None and (x < lo or (x == lo and not lo_inc)):
        return False
    if hi is not None and (x > hi or (x == hi and not hi_inc)):
        return False
    return True


def _interval_within(a, b) -> bool:
    """Interval ``a`` inside interval ``b`` (same kind of value)."""
    if a[0] != b[0]:
        return False
    _, alo, alo_inc, ahi, ahi_inc = a
    _, blo, blo_inc, bhi, bhi_inc = b
    if blo is not None:
        if alo is None or alo < blo or (alo == blo and alo_inc and not blo_inc):
            return False
    if bhi is not None:
        if ahi is None or ahi > bhi or (ahi == bhi and ahi_inc and not bhi_inc):
            return False
    return True


_NEEDS_VALUE = ("cmp", "in", "ne", "text", "rep", "filled")


def _atom_implies(a, b) -> bool:
    if a[0] not in _NEEDS_VALUE + ("exists",) or b[0] not in _NEEDS_VALUE + ("exists",):
        return False
    if a[1] != b[1]:
        return False
    if b[0] == "exists":
        if b[2]:                                        # `missing`
            return a[0] == "exists" and a[2]
        return a[0] in _NEEDS_VALUE or (a[0] == "exists" and not a[2])
    if b[0] == "filled":                                # a value that is not `""`
        return a[0] == "filled" or (a[0] == "in" and not a[3] and ("string", "") not in a[2]) \
            or (a[0] == "cmp" and a[3][0] == "num")
    if a[0] == "in" and not a[3]:
        values = a[2]
        if b[0] == "in" and not b[3]:
            return values <= b[2]
        if b[0] == "cmp":
            iv = _interval(b)
            return iv is not None and all(_in_interval(k, v, iv) for k, v in values)
        if b[0] == "text":
            return all(k == "string" and _text_holds(b[2], b[3], v) for k, v in values)
        if b[0] == "ne":                                # a number never equals a string (§9)
            return all(k == b[2][0] and v != b[2][1] for k, v in values)
        return False
    if a[0] == "in" and a[3] and b[0] == "in" and b[3]:
        return b[2] <= a[2]
    if a[0] == "cmp" and b[0] == "cmp":
        ia, ib = _interval(a), _interval(b)
        return ia is not None and ib is not None and _interval_within(ia, ib)
    if a[0] == "text" and b[0] == "text":
        if b[2] == "contains":
            return b[3] in a[3]
        return a[2] == "starts_with" and a[3].startswith(b[3])
    return False


def _text_holds(op: str, text: str, value: str) -> bool:
    return text in value if op == "contains" else value.startswith(text)


def _disjoint(a, b) -> bool:
    """No lead satisfies both (sound, not complete)."""
    if a == ("not", b) or b == ("not", a):
        return True
    if a[0] == "exists" and a[2]:                       # `missing` vs anything needing a value
        return b[0] in _NEEDS_VALUE and a[1] == b[1] or b == ("exists", a[1], False)
    if b[0] == "exists" and b[2]:
        return _disjoint(b, a)
    if a[0] not in _NEEDS_VALUE or b[0] not in _NEEDS_VALUE or a[1] != b[1]:
        return False
    if a[0] == "rep" and b[0] == "rep":                 # `x == assignee` and `x != assignee`
        return a[2] != b[2]
    if a[0] == "in" and not a[3]:
        return _values_excluded(a[2], b)
    if b[0] == "in" and not b[3]:
        return _values_excluded(b[2], a)
    if a[0] == "cmp" and b[0] == "cmp":
        ia, ib = _interval(a), _interval(b)
        return ia is not None and ib is not None and not _intervals_meet(ia, ib)
    return False


def _values_excluded(values, atom) -> bool:
    """Whether ``atom`` (of the same field) is false for each of these values."""
    if atom[0] == "filled":
        return values <= {("string", "")}
    if atom[0] == "in" and not atom[3]:
        return not (values & atom[2])
    if atom[0] == "ne":
        # `x != w` is false for w itself and where a number meets a text (§9); a boolean is
        # unequal to any number or text, so `!=` holds for it
        wk, w = atom[2]
        return all((k == wk and v == w) or {k, wk} == {"num", "string"} for k, v in values)
    if atom[0] == "cmp":
        iv = _interval(atom)
        return iv is not None and not any(_in_interval(k, v, iv) for k, v in values)
    return False


def _intervals_meet(a, b) -> bool:
    """Whether two intervals share a value (a number never meets a text)."""
    if a[0] != b[0]:
        return False
    _, alo, alo_inc, ahi, ahi_inc = a
    _, blo, blo_inc, bhi, bhi_inc = b
    if alo is None or (blo is not None and blo > alo):
        lo, lo_inc = blo, blo_inc
    elif blo is not None and blo == alo:
        lo, lo_inc = alo, alo_inc and blo_inc
    else:
        lo, lo_inc = alo, alo_inc
    if ahi is None or (bhi is not None and bhi < ahi):
        hi, hi_inc = bhi, bhi_inc
    elif bhi is not None and bhi == ahi:
        hi, hi_inc = ahi, ahi_inc and bhi_inc
    else:
        hi, hi_inc = ahi, ahi_inc
    if lo is None or hi is None:
        return True
    return lo < hi or (lo == hi and lo_inc and hi_inc)


def compare_preds(old_pred, old_segments, new_pred, new_segments) -> str | None:
    """``None`` when equivalent, else ``widened``, ``narrowed`` or ``changed``."""
    a = normal_pred(old_pred, old_segments)
    b = normal_pred(new_pred, new_segments)
    forward, backward = implies(a, b), implies(b, a)
    if forward and backward:
        return None
    if forward:
        return "widened"
    if backward:
        return "narrowed"
    return "changed"
