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
        assert sorted(t.hashes()) == sorted(hash(k) for k in d)


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
    assert len(want_diags) == 15 and "a.jsonl:1; this event is ignored" in want_diags[0]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(ids, "DICT_IDS", 3)
        assert read() == (want_records, want_diags)
