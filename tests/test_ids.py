"""The compact table of event ids: the same answers as a dict, in both of its forms."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from slacode import ids
from slacode.ids import IdTable


class Clashing(str):
    """An id whose hash equals every other Clashing id's (hash collisions on demand)."""

    def __hash__(self) -> int:
        return 7


@pytest.fixture(params=[1 << 16, 3], ids=["dict", "arrays"])
def dict_ids(request, monkeypatch):
    monkeypatch.setattr(ids, "DICT_IDS", request.param)
    return request.param


def test_first_use_wins_and_is_found(dict_ids):
    t = IdTable()
    assert t.first("a", 10) is None
    assert t.first("b", 11) is None
    assert t.first("a", 12) == 10, "a second use gives the first place and changes nothing"
    for i in range(2000):
        assert t.first(f"id-{i}", 100 + i) is None
    assert t.first("b", 99) == 11
    assert t.first("id-1999", 1) == 2099
    assert len(t) == 2002
    assert t["a"] == 10 and "id-7" in t and "nope" not in t
    with pytest.raises(KeyError):
        t["nope"]
    assert list(t)[:3] == ["a", "b", "id-0"]


def test_equal_hashes_are_told_apart_by_the_ids(dict_ids):
    t = IdTable()
    for i in range(50):
        assert t.first(Clashing(f"x{i}"), i) is None
    assert t.first(Clashing("x17"), 1000) == 17
    assert t.first(Clashing("y"), 1000) is None
    assert len(t) == 51


def test_ids_beyond_ascii_and_lone_surrogates(dict_ids):
    t = IdTable()
    names = ["é", "e\u0301", "日本", "\ud800", "a" * 300, ""]
    for i, n in enumerate(names):
        assert t.first(n, i) is None
    for _ in range(10):
        t.first(f"pad{_}", -1)
    assert [t.get(n) for n in names] == list(range(len(names)))
    assert list(t)[: len(names)] == names


@settings(max_examples=80, deadline=None)
@given(st.lists(st.text(max_size=4), max_size=300), st.integers(1, 40))
def test_like_a_dict(keys, limit):
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ids, "DICT_IDS", limit)
        t, d = IdTable(), {}
        for place, key in enumerate(keys):
            assert t.first(key, place) == d.get(key)
            d.setdefault(key, place)
        assert len(t) == len(d)
        assert list(t) == list(d)
        assert all(t[k] == v for k, v in d.items())


def test_the_reader_reports_the_same_duplicates_from_arrays(tmp_path):
    """Reading with the table in arrays from its 4th id gives the dict's records and reports."""
    import json

    from slacode.events import iter_records

    lines = []
    for i in range(60):
        lines.append(json.dumps({"lead": f"L{i % 7}", "at": f"2026-03-0{1 + i % 9}T10:00:00Z", "type": "note",
                                 "id": f"e{i % 45}"}))
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_text("\n".join(lines[:30]) + "\n")
    b.write_text("\n".join(lines[30:]) + "\n")

    def read():
        diags: list = []
        recs = list(iter_records([str(a), str(b)], diagnostics=diags))
        return [tuple(r) for r in recs], [d.message for d in diags]

    want_records, want_diags = read()
    assert len(want_diags) == 15 and "a.jsonl:1 (its lead differs); this event is ignored" in want_diags[0]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ids, "DICT_IDS", 3)
        assert read() == (want_records, want_diags)


# -- SpilledIds: a window held exactly, the rest as hashes on disk ------------------------

@pytest.fixture
def small_window(monkeypatch):
    monkeypatch.setattr(ids, "WINDOW_IDS", 4)
    monkeypatch.setattr(ids, "CHECK_HASHES", 8)       # the end check in several groups too


def test_spilled_ids_judge_the_window_exactly(small_window):
    t = ids.SpilledIds()
    assert [t.first(k, i) for i, k in enumerate("abcab")] == [None, None, None, 0, 1]
    assert t["a"] == 0 and "c" in t and "z" not in t
    with pytest.raises(KeyError):
        t["z"]
    for i in range(100):                               # many generations, no id used twice
        assert t.first(f"n{i}", 10 + i) is None
    assert t.repeats() is False
    t.close()


def test_an_id_used_again_after_leaving_the_window_is_owned_up_to(small_window):
    t = ids.SpilledIds()
    t.first("early", 0)
    for i in range(20):
        t.first(f"n{i}", 1 + i)
    assert t.first("early", 99) is None, "out of the window: not recognised…"
    assert t.repeats() is True, "…but the end check says the judgements cannot be trusted"
    t.close()


def test_equal_hashes_make_the_check_cautious(small_window):
    t = ids.SpilledIds()
    for i in range(10):
        assert t.first(Clashing(f"x{i}"), i) is None
    assert t.repeats() is True, "two ids of one hash are indistinguishable on disk"


def test_nothing_spilled_is_exact_without_a_file():
    t = ids.SpilledIds()
    for i in range(1000):
        t.first(f"n{i}", i)
    assert t._file is None and t.repeats() is False


@settings(max_examples=120, deadline=None)
@given(st.lists(st.sampled_from([f"k{i}" for i in range(30)]) | st.text(max_size=3), max_size=200),
       st.integers(1, 12), st.integers(1, 50))
def test_spilled_ids_are_exact_or_say_so(keys, window, check):
    """Whatever the window: if the end check finds no repeat, every answer was the exact
    table's; and input without any id used twice never raises a false alarm."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ids, "WINDOW_IDS", window)
        mp.setattr(ids, "CHECK_HASHES", check)
        t, exact = ids.SpilledIds(), IdTable()
        answers = [(t.first(k, p), exact.first(k, p)) for p, k in enumerate(keys)]
        repeats = t.repeats()
        t.close()
    if not repeats:
        assert all(got == want for got, want in answers)
    if len(set(keys)) == len(keys):
        assert repeats is False


def test_spills_of_several_tables_are_checked_together(tmp_path, small_window):
    """What the workers of one run leave: each table's hashes in its file, compared across
    the files (an id in two files is a repeat even if each file alone has none)."""
    def spill(name, keys):
        t = ids.SpilledIds(str(tmp_path / name))
        for p, k in enumerate(keys):
            assert t.first(k, p) is None
        return str(tmp_path / name), t.spilled()

    a = spill("a", [f"a{i}" for i in range(30)])
    b = spill("b", [f"b{i}" for i in range(3)])           # never left its window: spilled all the same
    c = spill("c", ["z", "a17"])
    assert ids.any_repeated([a]) is False and ids.any_repeated([a, b]) is False
    assert ids.any_repeated([a, b, c]) is True
    assert ids.any_repeated([]) is False
