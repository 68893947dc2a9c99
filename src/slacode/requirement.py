"""The conditions of `require FIELD, … where PREDICATE` (an extension of LANGUAGE.md §6).

A handoff's `require` lines list fields that must be present and non-empty at the stop; a
line may add `where PREDICATE`, a §9 predicate over the lead's fields (segments and `state`
included) as they are at the stop. Each line's predicate is split at its top-level `and`
into **conditions**, so that a verdict can name the one that failed: `email contains "@"
and budget > 0` is two conditions. The `require` verdict is `met` when every listed field
is present and every condition of every line holds.

This module compiles the conditions (:func:`compile_conditions`), judges them at a stop
(:func:`failed_conditions`) and says in words why one did not hold, with the values seen
(:func:`why_not`). Pure: no clock, no I/O.
"""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Callable, Iterator, Mapping, NamedTuple

from slacode import model as m


class Condition(NamedTuple):
    """One condition of a `require … where` line, as the plan holds it."""

    text: str                           # its canonical text (what `fmt` writes)
    holds: Callable                     # pred(fields, state, notes) -> bool (compile.compile_pred)
    node: Any                           # the model predicate, for explanations
    segments: Mapping                   # the agreement's segments (name -> declaration)


def conjuncts(pred) -> tuple:
    """The parts of ``pred`` joined by its top-level `and` (``(pred,)`` for any other)."""
    if pred.kind == "and":
        return tuple(p for item in pred.items for p in conjuncts(item))
    return (pred,)


def conditions_of(rule: m.Rule) -> tuple:
    """The model predicates of a rule's conditions, in the order written (every `require`
    line's `where`, split at `and`), each canonical text once: a condition written twice
    (on two lines, or twice in one `and`) is judged and named once, as a field listed twice
    is."""
    preds = tuple(p for c in rule.of("require") if c.predicate is not None for p in conjuncts(c.predicate))
    if not preds:
        return ()
    from slacode.fmt import one_line

    first: dict = {}
    for p in preds:
        first.setdefault(one_line(p), p)
    return tuple(first.values())


def compile_conditions(rule: m.Rule, segments: Mapping) -> tuple[Condition, ...]:
    """The plan's conditions of ``rule`` (empty without any `where`)."""
    preds = conditions_of(rule)
    if not preds:
        return ()
    from slacode.compile import compile_pred
    from slacode.fmt import one_line

    return tuple(Condition(one_line(p), compile_pred(p, segments), p, segments) for p in preds)


def failed_conditions(conditions, fields: dict, state, notes) -> list[tuple[str, str]]:
    """``(text, why)`` of each condition that does not hold for these fields and state.

    Every condition is judged (none is skipped because an earlier one failed), so a
    number compared with a string is noted in each place it happens (§9, SLA602)."""
    failed = []
    for c in conditions:
        if not c.holds(fields, state, notes):
            failed.append((c.text, why_not(c.node, fields, state, c.segments)))
    return failed


# ------------------------------------------------------------------------------ words

def seen(value) -> str:
    """A field's value as a reason shows it: JSON-like (`"jo.example.com"`, `0`, `true`),
    shortened past 60 characters."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, str):
        text = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    elif isinstance(value, (int, float, Decimal)):
        text = str(value)
    else:
        import orjson

        try:
            text = orjson.dumps(value).decode()
        except TypeError:               # a library caller's value that JSON has no form for
            text = repr(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _name(f: m.FieldRef) -> str:
    return f.text()


def _is_num(v) -> bool:
    from slacode.compile import _is_num as is_num

    return is_num(v)


def _has(f: m.FieldRef, fields: dict, state) -> tuple[bool, Any]:
    """Whether the field (or `state`) has a value, and the value."""
    v = state if f.is_state else fields.get(f.name)
    return v is not None, v


def _is(f: m.FieldRef, fields: dict, state) -> str:
    """``budget is 0``, ``budget is missing``, ``state is `sal```, ``no state yet``."""
    present, v = _has(f, fields, state)
    if f.is_state:
        return f"state is `{v}`" if present else "no state yet"
    return f"{_name(f)} is {seen(v)}" if present else f"{_name(f)} is missing"


def _mismatch(f: m.FieldRef, v, consts) -> str | None:
    """``budget is "abc": text, compared with a number`` where a number meets a string."""
    nums = [c for c in consts if _is_num(c)]
    texts = [c for c in consts if isinstance(c, str)]
    if isinstance(v, str) and nums and not texts:
        return f"{_name(f)} is {seen(v)}: text, compared with a number"
    if _is_num(v) and texts and not nums:
        return f"{_name(f)} is {seen(v)}: a number, compared with text"
    return None


def why_not(pred, fields: dict, state, segments: Mapping) -> str:
    """Why ``pred`` (known not to hold) does not hold, in words, with the values seen: a
    missing field is said to be missing rather than a comparison to have failed."""
    kind = pred.kind
    if kind == "seen":                                  # (extension) facts of the lead's events
        return f"no `{pred.type.value}` event" + (" for which its `where` held" if pred.where is not None else "") \
            + " so far"
    if kind == "awaiting":
        return f"no `{pred.since.value}` event since the last `{pred.type.value}`"
    if kind == "not" and pred.item.kind in m.FACT_KINDS:
        from slacode.fmt import one_line

        return f"`{one_line(pred.item)}` holds"
    if kind == "text":
        f = pred.field
        present, v = _has(f, fields, state)
        if not present:
            return _is(f, fields, state)
        if not isinstance(v, str):
            return f"{_name(f)} is {seen(v)}, not text"
        word = "does not contain" if pred.op == "contains" else "does not start with"
        from slacode.fmt import string

        return f"{_name(f)} {seen(v)} {word} {string(pred.text.value)}"
    if kind in ("compare", "member"):
        f = pred.field
        present, v = _has(f, fields, state)
        if present and not f.is_state:
            consts = (pred.value.value,) if kind == "compare" else tuple(x.value for x in pred.values)
            odd = _mismatch(f, v, consts)
            if odd is not None:
                return odd
        return _is(f, fields, state)
    if kind == "exists":
        return _is(pred.field, fields, state)
    if kind == "bool":
        return "`false` never holds"
    refs = list(_fields_read(pred, segments))
    said = ", ".join(_seen_in(f, fields, state, pred, segments) for f in refs)
    if kind == "segment":
        lead = f"the lead is not in segment `{pred.name.value}`"
        return f"{lead}: {said}" if said else lead
    return said or "it does not hold"


def _seen_in(f: m.FieldRef, fields: dict, state, pred, segments: Mapping) -> str:
    """A field read by a compound condition (`or`, `not`, a segment), as :func:`_is` says
    it, or with the note that its value is of the other type than every constant the
    condition compares it with (``budget is "500": text, compared with a number``)."""
    present, v = _has(f, fields, state)
    if present and not f.is_state:
        consts = tuple(c for atom in _walk_atoms(pred, segments, ()) if atom.field.name == f.name
                       and not atom.field.is_state for c in _constants(atom))
        odd = _mismatch(f, v, consts) if consts else None
        if odd is not None:
            return odd
    return _is(f, fields, state)


def _constants(atom) -> tuple:
    """The constants a comparison, `in` or text test holds its field against."""
    if atom.kind == "compare":
        return () if atom.value.kind == "name" else (atom.value.value,)
    if atom.kind == "member":
        return tuple(x.value for x in atom.values)
    return (atom.text.value,)


def _leaves(pred, segments: Mapping, stack: tuple) -> Iterator:
    """The leaves of a predicate (comparisons, `in`, text tests, `exists`/`missing`,
    `true`/`false`), segments followed (each once along a path; an undeclared one has none)."""
    kind = pred.kind
    if kind in ("or", "and"):
        for item in pred.items:
            yield from _leaves(item, segments, stack)
    elif kind == "not":
        yield from _leaves(pred.item, segments, stack)
    elif kind == "segment":
        name = pred.name.value
        decl = segments.get(name)
        if decl is not None and name not in stack:
            yield from _leaves(decl.predicate, segments, stack + (name,))
    else:
        yield pred


def _walk_atoms(pred, segments: Mapping, stack: tuple) -> Iterator:
    """The comparisons, `in` and text tests of a predicate, segments followed."""
    return (leaf for leaf in _leaves(pred, segments, stack) if leaf.kind in ("compare", "member", "text"))


def _fields_read(pred, segments: Mapping, _stack: tuple = ()) -> Iterator[m.FieldRef]:
    """The fields (and `state`) a predicate reads, segments followed, each once, in the
    order they first appear."""
    done: set = set()
    for ref in _walk_fields(pred, segments, _stack):
        key = ("state",) if ref.is_state else ("field", ref.name)
        if key not in done:
            done.add(key)
            yield ref


def _walk_fields(pred, segments: Mapping, stack: tuple) -> Iterator[m.FieldRef]:
    return (leaf.field for leaf in _leaves(pred, segments, stack) if leaf.kind != "bool" and leaf.kind not in m.FACT_KINDS)


def reason_part(failed: list[tuple[str, str]]) -> str:
    """The sentence of a `require` reason about its failed conditions (a condition that
    holds a backquoted name is fenced with two backquotes: `` `utm-source` == "ads" ``)."""
    from slacode.texts import code

    return "Not as required at the handoff: " + "; ".join(f"{code(text)} ({why})" for text, why in failed) + "."
