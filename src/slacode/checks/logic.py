"""Conservative reasoning about predicates: does one always imply another?

:func:`implies` answers True only when every lead (or event) that satisfies ``p`` also
satisfies ``q``, whatever its fields; False means "not proven". It follows the semantics of
LANGUAGE.md §9: a missing field makes every comparison false, so any comparison that
holds proves that its field exists. Segment names are expanded (a circle of segments is
cut off, never followed forever).
"""
from __future__ import annotations

from typing import Mapping

_MAX_DEPTH = 40


def same(a, b) -> bool:
    """Structural equality of two model nodes, ignoring where they were written."""
    return type(a) is type(b) and plain(a) == plain(b)


def plain(node):
    """What ``node.model_dump()`` gives (fields marked ``exclude``, the spans, left out),
    read from the fields directly: dumping would make pydantic build every model's
    serializer, a tenth of a second when an agreement is first loaded."""
    fields = getattr(type(node), "model_fields", None)
    if fields is not None:
        return {k: plain(getattr(node, k)) for k, f in fields.items() if not f.exclude}
    if isinstance(node, tuple):
        return tuple(plain(x) for x in node)
    if isinstance(node, list):
        return [plain(x) for x in node]
    if isinstance(node, dict):
        return {k: plain(v) for k, v in node.items()}
    return node


def _field_key(field) -> tuple:
    return (field.name, field.is_state)


def _expand(pred, segments: Mapping, depth: int):
    while pred.kind == "segment" and depth < _MAX_DEPTH:
        decl = segments.get(pred.name.value)
        if decl is None:
            return pred
        pred = decl.predicate
        depth += 1
    return pred


def is_false(pred, segments: Mapping | None = None) -> bool:
    """Whether ``pred`` can be seen never to hold (the literal `false`, possibly through
    segments, `and` with a false part, `or` of false parts, `not true`)."""
    segments = segments or {}
    return _is_const(pred, False, segments, 0)


def _is_const(pred, value: bool, segments: Mapping, depth: int) -> bool:
    if depth > _MAX_DEPTH:
        return False
    pred = _expand(pred, segments, depth)
    kind = pred.kind
    if kind == "bool":
        return pred.value is value
    if kind == "not":
        return _is_const(pred.item, not value, segments, depth + 1)
    if kind == "and":
        parts = [_is_const(i, value, segments, depth + 1) for i in pred.items]
        return any(parts) if value is False else all(parts)
    if kind == "or":
        parts = [_is_const(i, value, segments, depth + 1) for i in pred.items]
        return all(parts) if value is False else any(parts)
    return False


def implies(p, q, segments: Mapping | None = None, _depth: int = 0) -> bool:
    """True when ``p`` holding proves that ``q`` holds (``q`` of None means "always")."""
    if q is None:
        return True
    if p is None:
        return _is_const(q, True, segments or {}, 0)
    segments = segments or {}
    if _depth > _MAX_DEPTH:
        return False
    p = _expand(p, segments, _depth)
    q = _expand(q, segments, _depth)
    if same(p, q) or _is_const(q, True, segments, _depth) or _is_const(p, False, segments, _depth):
        return True
    d = _depth + 1
    if p.kind == "or":
        return all(implies(i, q, segments, d) for i in p.items)
    if q.kind == "and":
        return all(implies(p, i, segments, d) for i in q.items)
    if p.kind == "and" and any(implies(i, q, segments, d) for i in p.items):
        return True
    if q.kind == "or" and any(implies(p, i, segments, d) for i in q.items):
        return True
    return _atom_implies(p, q)


def _atom_implies(p, q) -> bool:
    field_p = getattr(p, "field", None)
    field_q = getattr(q, "field", None)
    if field_p is None or field_q is None or _field_key(field_p) != _field_key(field_q):
        return False
    # any test that holds proves its field is present (except `missing`)
    if q.kind == "exists" and not q.negated:
        return not (p.kind == "exists" and p.negated)
    if p.kind == "member":
        if p.negated or not p.values:
            return False
        return all(_compare_implies("==", v, q) for v in p.values)
    if p.kind == "compare":
        return _compare_implies(p.op, p.value, q)
    return False


def _compare_implies(op: str, value, q) -> bool:
    """Whether ``field op value`` proves the test ``q`` of the same field."""
    if q.kind == "member":
        return not q.negated and op == "==" and any(_equal(value, w) for w in q.values)
    if q.kind != "compare":
        return False
    if q.op == "==":
        return op == "==" and _equal(value, q.value)
    if q.op == "!=":
        return op == "==" and value.kind == q.value.kind and value.value != q.value.value
    a, b = _number(value), _number(q.value)
    if a is None or b is None or op == "!=":
        return False
    return _bound_implies(op, a, q.op, b)


def _equal(a, b) -> bool:
    """Whether two written values are the same value (a state name and the same text too)."""
    if a.kind == b.kind:
        return a.value == b.value
    return {a.kind, b.kind} == {"name", "string"} and a.value == b.value


def _number(v) -> float | None:
    if v.kind == "number" and not isinstance(v.value, bool):
        return float(v.value)
    return None


def _bound_implies(op_p: str, a: float, op_q: str, b: float) -> bool:
    """Whether ``x op_p a`` proves ``x op_q b`` for every number x."""
    if op_q == ">=":
        return op_p in (">=", ">", "==") and a >= b
    if op_q == ">":
        return (op_p in (">=", "==") and a > b) or (op_p == ">" and a >= b)
    if op_q == "<=":
        return op_p in ("<=", "<", "==") and a <= b
    if op_q == "<":
        return (op_p in ("<=", "==") and a < b) or (op_p == "<" and a <= b)
    return False
