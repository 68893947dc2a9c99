"""How deep a predicate is once the segments it names are read in (SLA106).

A segment that names a segment that names a segment … is nested as deep as the chain is
long: the checks, the compiled plan and the evaluator read a segment's predicate where its
name stands. :data:`MAX_DEPTH` bounds that depth for every predicate of the agreement (a
segment's, a `where`, `start when`, `pause while` …), counting each `and`, `or`, `not`,
`seen … where` and segment name on the way, so that no stage can run out of stack. No
agreement written by a person comes near it: a chain of 100 segments each naming the next
with one `and` is 200 deep.

The depths are worked out without recursion through the segment names (a segment's depth
is computed once, after those it names), so the check itself copes with any chain; within
one predicate the parser's limit (100 levels of parentheses, `not` and signs) bounds it.
A circle of segments is SLA314's; here a segment in a circle counts as one level.
"""
from __future__ import annotations

from typing import Iterator

from slacode import diagnostics as dg
from slacode.codes import syntax as codes
from slacode.diagnostics import Diagnostic

#: the deepest a predicate may be with the segments it names read in
MAX_DEPTH = 200


def _children(node) -> tuple:
    kind = node.kind
    if kind in ("or", "and"):
        return tuple(node.items)
    if kind == "not":
        return (node.item,)
    if kind == "seen" and node.where is not None:
        return (node.where,)
    return ()


def _refs(pred) -> Iterator:
    """The segment references of a predicate (its SegmentRef nodes), in file order."""
    stack = [pred]
    while stack:
        node = stack.pop()
        if node.kind == "segment":
            yield node
        stack.extend(reversed(_children(node)))


def _own_depth(pred, depths: dict) -> tuple[int, object]:
    """``(depth, ref)``: the depth of ``pred`` with each segment name counted as its
    segment's depth (``depths``; one level for a name not in it), and the segment reference
    on the deepest path (None when there is none)."""
    # post-order without recursion: (node, children done?)
    best: dict[int, tuple[int, object]] = {}
    stack = [(pred, False)]
    while stack:
        node, done = stack.pop()
        if node.kind == "segment":
            best[id(node)] = (1 + depths.get(node.name.value, 0), node)
            continue
        kids = _children(node)
        if not done and kids:
            stack.append((node, True))
            stack.extend((k, False) for k in kids)
            continue
        deepest, ref = 0, None
        for k in kids:
            d, r = best[id(k)]
            if d > deepest:
                deepest, ref = d, r
        best[id(node)] = (1 + deepest, ref)
    return best[id(pred)]


def segment_depths(segments: dict) -> dict[str, tuple[int, object]]:
    """Each segment's ``(depth, deepest reference)``, those it names worked out first."""
    out: dict[str, tuple[int, object]] = {}
    depths: dict[str, int] = {}
    state: dict[str, int] = {}                 # 1: being worked out (a circle stops here), 2: done
    for root in segments:
        if root in state:
            continue
        state[root] = 1
        stack = [(root, _refs(segments[root].predicate))]
        while stack:
            name, refs = stack[-1]
            ref = next(refs, None)
            if ref is None:
                stack.pop()
                out[name] = _own_depth(segments[name].predicate, depths)
                depths[name] = out[name][0]
                state[name] = 2
                continue
            target = ref.name.value
            if target in segments and target not in state:
                state[target] = 1
                stack.append((target, _refs(segments[target].predicate)))
    return out


def too_deep(agreement, file: str | None) -> list[Diagnostic]:
    """SLA106 for each predicate deeper than :data:`MAX_DEPTH` with its segments read in:
    one per chain (at the segment that starts it, or at the predicate that names it)."""
    from slacode.checks.context import _pred_roots

    segments = agreement.segments
    if not segments:
        return []
    depths = segment_depths(segments)
    over = {name for name, (d, _) in depths.items() if d > MAX_DEPTH}
    named = {ref.name.value for name in over for ref in _refs(segments[name].predicate)}
    out = []
    for name in segments:                      # the heads of the chains: not named by another one over
        if name in over and name not in named:
            out.append(_report(name, segments[name].predicate, depths, segments, file))
    if over and not out:                       # a circle of segments each over: one report
        name = min(over, key=lambda n: segments[n].predicate.span.line if segments[n].predicate.span else 0)
        out.append(_report(name, segments[name].predicate, depths, segments, file))
    plain = {n: d for n, (d, _) in depths.items()}
    own = {id(decl.predicate) for decl in agreement.of("segment")}
    for root in _pred_roots(agreement):
        if id(root) in own:
            continue
        depth, ref = _own_depth(root, plain)
        if depth > MAX_DEPTH and (ref is None or ref.name.value not in over):
            out.append(_report(None, root, depths, segments, file))
    return out


def _report(name: str | None, pred, depths: dict, segments: dict, file: str | None) -> Diagnostic:
    depth, ref = _own_depth(pred, {n: d for n, (d, _) in depths.items()})
    chain = [name] if name else []
    seen = set(chain)
    while ref is not None and ref.name.value in segments and ref.name.value not in seen:
        chain.append(ref.name.value)
        seen.add(ref.name.value)
        ref = depths[ref.name.value][1]
    shown = chain if len(chain) <= 6 else chain[:3] + ["…"] + chain[-2:]
    path = " → ".join(n if n == "…" else f"`{n}`" for n in shown)
    what = f"segment `{name}`" if name else "this predicate"
    where = _first_ref(pred, chain[1] if name and len(chain) > 1 else (chain[0] if chain else None)) or pred
    return dg.make(codes.TOO_DEEP,
                   f"{what} is nested more than {MAX_DEPTH} deep once the segments it names are read in "
                   f"({path}: {len(chain)} segments, each naming the next)" if chain else
                   f"{what} is nested more than {MAX_DEPTH} deep",
                   where.span, file=file,
                   hint="segments may name segments, but not in chains this long: name the fields each "
                        "segment tests directly, or combine a few segments in one")


def _first_ref(pred, target: str | None):
    if target is None:
        return None
    for ref in _refs(pred):
        if ref.name.value == target:
            return ref
    return None
