"""slacode.logic: one implication engine for the checks and the diff; it may say "cannot
tell", never a wrong yes."""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

import slacode
from slacode.compile import compile_pred
from slacode.notes import LeadNotes
from slacode.logic import (always_holds, compare_preds, conjunction, filled, implies, never_holds, normal_pred,
                           pred_implies)

HEAD = 'agreement "x" { teams s }\nstates { mql\n sal\n on_hold }\n'


def segments(text: str) -> dict:
    return slacode.loads(HEAD + text).segments


def pred(text: str):
    return segments(f"segment s1 = {text}\n")["s1"].predicate


def test_true_and_false_fold_away():
    assert normal_pred(pred("x > 1 and true"), {}) == normal_pred(pred("x > 1"), {})
    assert normal_pred(pred("x > 1 or false"), {}) == normal_pred(pred("x > 1"), {})
    assert normal_pred(pred("x > 1 or not false"), {}) == ("bool", True)
    for never in ["x in []", "x in [] or false", "not (x exists or true)"]:
        assert never_holds(pred(never), {}), never
    assert not never_holds(pred("x not in []"), {}) and not always_holds(pred("x not in []"), {})
    for never in ["false", "x > 1 and false", "false or (y == 2 and false)", "not true", "not (x > 1 or true)"]:
        assert never_holds(pred(never), {}), never
    for never in ['c == "BR" and c == "AR"', "s > 100 and s < 50", "x > 1 and not x > 1", 'n == 4 and n != 4',
                  'x == "a" and x > 3', 'x > 3 and x > "a"', "x == true and x >= 1", "x missing and x == 1"]:
        assert never_holds(pred(never), {}), never
    for maybe in ["x > 1", "x > 1 and not false", "x > 1 or false or y == 1", "s >= 80 and s <= 80",
                  "x in [1, 2] and x >= 2", 'n == 4 and n != 4.5', "x > 1 and y < 0"]:
        assert not never_holds(pred(maybe), {}), maybe


def test_always_holds_is_true_folded_or_a_part_with_its_negation():
    for always in ["true", "x > 1 or true", "not false", "not (x > 1 and false)", "(y == 2 or true) and true",
                   "x > 1 or not x > 1", "x exists or x missing", "not (x exists) or x exists",
                   "y == 1 or (x > 1 or not (x > 1))"]:
        assert always_holds(pred(always), {}), always
    for maybe in ["x > 1", "x > 1 and true", "false", "x > 1 or x <= 1", "x != 1 or x == 1",
                  "x in [1, 2] or x not in [1, 2]", "x exists or not (x > 1 and y > 1)"]:
        assert not always_holds(pred(maybe), {}), maybe


def test_a_state_name_is_its_text():
    assert compare_preds(pred("state == on_hold"), {}, pred('state == "on_hold"'), {}) is None
    assert pred_implies(pred("state in [mql, sal]"), pred('state != "on_hold"'))


def test_de_morgan_is_the_same_meaning():
    assert compare_preds(pred("not (x > 1 or y > 1)"), {}, pred("not (x > 1) and not (y > 1)"), {}) is None
    assert compare_preds(pred("not (x > 1 and y > 1)"), {}, pred("not (x > 1) or not (y > 1)"), {}) is None
    assert compare_preds(pred("not (x > 1 or y > 1)"), {}, pred("not (x > 1)"), {}) == "widened"


def test_a_filled_field_exists_and_is_not_empty():
    x = filled("x")
    assert implies(x, normal_pred(pred("x exists"), {}))
    assert not implies(normal_pred(pred("x exists"), {}), x)         # `exists` holds for ""
    assert implies(normal_pred(pred("x > 3"), {}), x) and implies(normal_pred(pred('x == "a"'), {}), x)
    assert not implies(normal_pred(pred('x >= "a"'), {}), x)
    for never in ["x missing", "not (x exists)", 'x == ""', 'x in [""]']:
        assert conjunction([x, normal_pred(pred(never), {})]) == ("bool", False), never
    for maybe in ['x != ""', 'x in ["", "a"]', "x > 3", "y missing"]:
        assert conjunction([x, normal_pred(pred(maybe), {})]) != ("bool", False), maybe


def test_none_is_always():
    assert pred_implies(pred("x > 1"), None)
    assert pred_implies(None, pred("true"))
    assert not pred_implies(None, pred("x > 1"))


def test_equality_proves_inequality_only_with_the_same_kind_of_value():
    assert pred_implies(pred('c == "US"'), pred('c != "BR"'))
    assert pred_implies(pred("n == 4"), pred("n != 4.5"))
    assert not pred_implies(pred("n == 4"), pred("n != 4.0"))
    assert not pred_implies(pred("n == 4"), pred('n != "4"'))     # a number never equals a string: false


_VALUES = st.one_of(st.none(), st.integers(-3, 12), st.sampled_from([2.5, True, "a", "ab", "b", "mql", ""]))
_STATES = st.sampled_from([None, "mql", "sal", "on_hold"])
ATOM_TEXTS = ["x >= 3", "x > 3", "x <= 5", "x == 4", "x != 4", "x != 2.5", "x != \"a\"",
              "x in [1, 4, 9]", "x in [\"a\", 4]", "x not in [4]", "x exists", "x missing",
              "x == true", "x != false", "y == 1", "y in [1, 2]", "x contains \"a\"",
              "x starts with \"ab\"", "x < 10", "x >= 0", "y >= 1", "state == mql",
              "state != sal", "state in [mql, on_hold]", "state not in [mql]", 'state == "sal"',
              "state exists", "hot", "true", "false", "x in []", "x not in []"]
_ATOMS = st.sampled_from(ATOM_TEXTS)


@st.composite
def _preds(draw, depth=2):
    if depth == 0 or draw(st.booleans()):
        return draw(_ATOMS)
    op = draw(st.sampled_from(["and", "or", "not"]))
    if op == "not":
        return f"not ({draw(_preds(depth - 1))})"
    return f"({draw(_preds(depth - 1))}) {op} ({draw(_preds(depth - 1))})"


_LEADS = st.lists(st.tuples(st.fixed_dictionaries({"x": _VALUES, "y": _VALUES}), _STATES), min_size=1, max_size=12)


_GRID_X = [None, -3, 0, 3, 4, 4.0, 5, 9, 10, 12, 2.5, True, False, "a", "ab", "b", "mql", "", "4"]
_GRID_Y = [None, 0, 1, 2, "1", 1.5]
_GRID_STATES = [None, "mql", "sal", "on_hold"]


def test_every_pair_of_atoms_and_their_negations_is_sound_on_a_grid():
    """Exhaustive where the property test samples: every pair of the atoms above (and of
    their negations) that the engine says implies one another, checked on every lead of a
    grid of values; every atom it says never holds, likewise."""
    texts = ATOM_TEXTS + [f"not ({a})" for a in ATOM_TEXTS]
    declarations = "".join(f"segment p{i} = {t}\n" for i, t in enumerate(texts))
    segs = segments("segment hot = x >= 8 and y exists\n" + declarations)
    preds = [segs[f"p{i}"].predicate for i in range(len(texts))]
    leads = [({k: v for k, v in (("x", x), ("y", y)) if v is not None}, state)
             for x in _GRID_X for y in _GRID_Y for state in _GRID_STATES]
    truth = [[bool(fn(fields, state, LeadNotes())) for fields, state in leads]
             for fn in (compile_pred(p, segs) for p in preds)]
    proven = 0
    for i, p in enumerate(preds):
        if never_holds(p, segs):
            assert not any(truth[i]), texts[i]
        if always_holds(p, segs):
            assert all(truth[i]), texts[i]
        for j, q in enumerate(preds):
            if i != j and pred_implies(p, q, segs):
                proven += 1
                wrong = [lead for lead, a, b in zip(leads, truth[i], truth[j]) if a and not b]
                assert not wrong, (texts[i], texts[j], wrong[:3])
    assert proven > 300                                 # the engine does prove things here
    # two parts that cannot both hold: `and` of every pair said never to hold
    from slacode.model import And

    never = 0
    for i, p in enumerate(preds):
        for j in range(i + 1, len(preds)):
            if never_holds(And.model_construct(items=(p, preds[j])), segs):
                never += 1
                both = [lead for lead, a, b in zip(leads, truth[i], truth[j]) if a and b]
                assert not both, (texts[i], texts[j], both[:3])
    assert never > 100


@settings(max_examples=400, deadline=None)
@given(_preds(), _preds(), _LEADS)
def test_implication_and_never_are_sound(a, b, leads):
    segs = segments(f"segment hot = x >= 8 and y exists\nsegment p = {a}\nsegment q = {b}\n")
    pa, pb = segs["p"].predicate, segs["q"].predicate
    fa, fb = compile_pred(pa, segs), compile_pred(pb, segs)
    proven, never = pred_implies(pa, pb, segs), never_holds(pa, segs)
    for values, state in leads:
        fields = {k: v for k, v in values.items() if v is not None}
        if fa(fields, state, LeadNotes()):
            assert not never, (a, fields, state)
            if proven:
                assert fb(fields, state, LeadNotes()), (a, b, fields, state)
