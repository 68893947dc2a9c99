"""Odd input read and explained (review29d): keys of `fields` that are not text, a stream of
indented JSON objects, two events on one line, values that are not numbers compared with a
number, blank lead ids, and the speed of `explain` and of a wide CSV header."""
from __future__ import annotations

import pytest

import slacode

AS_OF = "2026-11-25T00:00:00Z"
_DEADLINE = ('agreement "x" { version "1"; timezone "UTC"; teams sales }\n'
             'deadline d { owner sales; start on assigned; stop on won; within 1h }\n')


def _two(bad: dict) -> list[dict]:
    return [{"lead": "L", "at": "2026-11-24T10:00:00Z", "type": "assigned", **bad},
            {"lead": "M", "at": "2026-11-24T10:00:00Z", "type": "assigned"}]


@pytest.mark.parametrize("key, kind", [(1, "a number"), (None, "null"), ((1, 2), "an array"), (2.5, "a number")])
@pytest.mark.parametrize("jobs", [None, 1, 2])
def test_a_fields_key_that_is_not_text_is_sla507_and_the_event_is_skipped(key, kind, jobs):
    ag = slacode.loads(_DEADLINE)
    events = _two({"fields": {"score": 1, key: 2}})
    if jobs is None:
        result = ag.evaluate(events, as_of=AS_OF)
    else:
        result = ag.evaluate_many(events, as_of=AS_OF, jobs=jobs)
    assert [v.lead for v in result.verdicts] == ["M"]
    (d,) = result.diagnostics
    assert d.code == "SLA507" and d.line == 1
    assert f"the keys of 'fields' are field names: text, not {kind}" in d.message


def test_fields_keys_of_text_are_read_as_before():
    ag = slacode.loads(_DEADLINE.replace("within 1h", "within 1h for hot\n within 2h")
                       .replace("deadline", "segment hot = score >= 80\ndeadline"))
    result = ag.evaluate(_two({"fields": {"score": 90}}), as_of=AS_OF)
    assert not [d for d in result.diagnostics if d.code == "SLA507"]
    assert {v.lead: v.target_seconds for v in result.verdicts} == {"L": 3600.0, "M": 7200.0}


# -- H5: `explain` judges each attempt against what came before it, once ---------------------------

_NEVER = '''agreement "n" { version "1"; timezone "America/Santiago"; teams sales }
calendar office { timezone "America/Santiago"; hours mon-fri 09:00-18:00 }
calendar allday { timezone "America/Santiago"; hours daily 00:00-24:00 }
attempts a {
  owner sales
  start on assigned
  stop on won
  count contact_attempt
  at most 2 per day on allday
  at most 5 per cycle
  gap at least 3h
  only during office
  only between 09:00-17:00 in lead timezone
  only between 22:00-06:00 in lead timezone
}
'''


def _old_limits_broken(rp, cyc, fold, memo=None) -> str:
    """The judgement before the fix (the whole cycle again at each attempt), as reference."""
    from slacode import instants
    from slacode.explain import _LIMITS, _limit_words
    from slacode.judges import _violators

    last, said = cyc.attempts[-1], ""
    for c in rp.clauses:
        if c.kind in _LIMITS:
            found, used = _violators(c)(cyc.attempts, fold, {})
            if found and found[-1] is last:
                k = 0
                if c.kind == "at_most_per_day":
                    day = instants.local_us(last[0], c.clock.tz) // 86_400_000_000
                    k = sum(1 for a in cyc.attempts
                            if instants.local_us(a[0], c.clock.tz) // 86_400_000_000 == day)
                said += f"; {_limit_words(c, cyc.attempts, used, k)}"
    return said


def _spammed_lead(seed: int) -> list[dict]:
    """Attempts at random moments across Chile's DST end (2026-04-05 00:00 -> 04-04 23:00),
    the lead's `timezone` field changing (a bad zone and null among them), cycles reopened."""
    import random
    from datetime import datetime, timedelta, timezone

    rnd = random.Random(seed)
    t = datetime(2026, 4, 2, 12, tzinfo=timezone.utc)
    events = [{"lead": "L", "at": t.isoformat(), "type": "assigned", "fields": {"timezone": "Europe/Lisbon"}}]
    for _ in range(160):
        t += timedelta(minutes=rnd.choice([5, 30, 61, 190, 400]))
        kind = rnd.random()
        if kind < 0.06:
            events.append({"lead": "L", "at": t.isoformat(), "type": "won"})
        elif kind < 0.12:
            events.append({"lead": "L", "at": t.isoformat(), "type": "assigned"})
        elif kind < 0.2:
            zone = rnd.choice(["Asia/Kolkata", "Not/AZone", None, "America/Santiago", "Europe/Lisbon"])
            events.append({"lead": "L", "at": t.isoformat(), "type": "update", "fields": {"timezone": zone}})
        else:
            events.append({"lead": "L", "at": t.isoformat(), "type": "contact_attempt"})
    return events


@pytest.mark.parametrize("seed", range(6))
def test_explain_says_the_same_limits_as_judging_the_whole_cycle_at_each_attempt(seed, monkeypatch):
    from slacode import explain
    from slacode.evaluate import as_of_us
    from slacode.events import records_from_objects

    ag = slacode.loads(_NEVER)
    records = records_from_objects(_spammed_lead(seed), diagnostics=[])
    now = explain.timeline(ag.plan, "L", records, as_of_us("2026-05-01T00:00:00Z"))
    monkeypatch.setattr(explain, "_limits_broken", _old_limits_broken)
    before = explain.timeline(ag.plan, "L", records, as_of_us("2026-05-01T00:00:00Z"))
    assert now == before
    said = "\n".join(now)       # every clause is broken somewhere (the comparison is not empty)
    for words in ("per day on allday", "per cycle", "gap at least", "only during office",
                  "only between 09:00-17:00", "only between 22:00-06:00", "(read in "):
        assert words in said


# -- M1: a wide CSV header is read in one pass ------------------------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet='ab,;"\n\r ', max_size=40), st.sampled_from([",", ";"]))
def test_csv_places_is_csv_place_of_every_cell(text, sep):
    from slacode.events_csv import csv_place, csv_places

    places = csv_places(text, sep)
    for i in range(len(places) + 3):
        assert csv_place(text, i, sep) == (places[i] if i < len(places) else (0, 1))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["a", "b", "c", "", "lead", "at", "type"]), min_size=1, max_size=12))
def test_the_first_repeated_column_is_the_one_the_old_scan_named(headers):
    from slacode.events_csv import _first_repeat

    repeated = sorted({n for n in headers if n and headers.count(n) > 1})     # the old, quadratic way
    if repeated:
        old = min(i for i, n in enumerate(headers) if n in repeated and headers.index(n) < i)
        assert _first_repeat(headers, set(repeated)) == old


def test_a_wide_header_with_repeats_and_slips_says_what_it_said(tmp_path):
    """Repeated columns (SLA509 names them all, at the first repeat) and misspelt reserved
    columns (SLA521 at each one's column) of a header of many columns."""
    from slacode.events import read_events

    names = [f"c{i % 50}" for i in range(120)]
    path = tmp_path / "wide.csv"
    path.write_text("lead,at,type," + ",".join(names) + "\nL,2026-11-24T10:00:00Z,assigned," + ",".join("1" * 120) + "\n")
    (d,) = read_events([str(path)]).diagnostics
    assert d.code == "SLA509" and "repeated columns 'c0', 'c1', 'c10'" in d.message
    assert d.column == len("lead,at,type,") + len(",".join(names[:50])) + 2
    slips = ["field.x", "Fields.y", "ID"]
    path.write_text("lead,at,type," + ",".join(slips) + "\nL,2026-11-24T10:00:00Z,assigned,1,2,3\n")
    got = [(d.code, d.column) for d in read_events([str(path)]).diagnostics]
    assert got == [("SLA521", 14), ("SLA521", 22), ("SLA521", 31)]


# -- M2: indented objects one after another ------------------------------------------------------


def _pretty(events: list[dict]) -> str:
    import json

    return "".join(json.dumps(e, indent=2) + "\n" for e in events)


@pytest.mark.parametrize("count", [1, 2, 3])
def test_indented_objects_one_after_another_are_one_sla514_with_jq_dot(tmp_path, count):
    from slacode.events import read_events

    events = [{"lead": f"L{i}", "at": "2026-11-24T10:00:00Z", "type": "assigned"} for i in range(count)]
    path = tmp_path / "pretty.json"
    path.write_text(_pretty(events))
    batch = read_events([str(path)])
    (d,) = batch.diagnostics
    assert (d.code, d.line, d.column) == ("SLA514", 1, 1) and not batch.records
    assert d.hint == "convert it with `jq -c '.' FILE > events.jsonl`"
    assert ("an indented JSON object," if count == 1 else f"{count} indented JSON objects one after another,") \
        in d.message


def test_an_indented_array_keeps_its_hint_and_a_broken_indented_file_its_lines(tmp_path):
    from slacode.events import read_events

    events = [{"lead": "L", "at": "2026-11-24T10:00:00Z", "type": "assigned"}]
    path = tmp_path / "array.json"
    path.write_text(_pretty([events])[:-1] + "\n")
    (d,) = read_events([str(path)]).diagnostics
    assert d.code == "SLA514" and "'.[]'" in d.hint
    path.write_text(_pretty(events) + "{\n  \"lead\": \n")          # cut short: not a stream of objects
    said = read_events([str(path)]).diagnostics
    assert len(said) > 1 and all(d.code == "SLA501" for d in said)
    assert all("`jq -c . FILE > events.jsonl`" in d.hint for d in said if d.hint and "jq" in d.hint)


def test_indented_objects_on_standard_input_are_told_jq_dot_on_each_line():
    import io

    from slacode.events import read_events

    text = _pretty([{"lead": "L", "at": "2026-11-24T10:00:00Z", "type": "assigned"}])
    hints = [d.hint for d in read_events(io.BytesIO(text.encode())).diagnostics if d.hint]
    assert hints and all("indented objects one after another convert with `jq -c . FILE" in h for h in hints)


# -- M3: a list, an object or a boolean compared with a number is said, as text is ------------------

_HOT = ('agreement "x" { version "1"; timezone "UTC"; teams sales }\n'
        'segment hot = score OP\n'
        'deadline d { owner sales; start on assigned; stop on won; within 1h for hot\n within 2h }\n')


@pytest.mark.parametrize("op", [">= 80", "== 90", "in [90, 91]", "< 100"])
@pytest.mark.parametrize("value, kind", [([90], "a list"), ({"v": 90}, "an object"), (True, "a boolean")])
def test_a_value_no_number_compares_with_is_sla602_naming_its_kind(op, value, kind):
    ag = slacode.loads(_HOT.replace("OP", op))
    events = [{"lead": "L", "at": "2026-11-24T10:00:00Z", "type": "assigned", "fields": {"score": value}},
              {"lead": "M", "at": "2026-11-24T10:00:00Z", "type": "assigned", "fields": {"score": [1]}}]
    result = ag.evaluate(events, as_of=AS_OF)
    said = [d for d in result.diagnostics if d.code == "SLA602"]
    assert len(said) == 1, said                         # once per place, the first lead named
    (d,) = said
    assert (d.line, d.column) == (2, 15)
    assert d.message.startswith(f"`score` held {kind} where this comparison needs a number (lead 'L' has ")
    assert "2 leads in all" in d.message
    assert [v.target_seconds for v in result.verdicts] == [7200.0, 7200.0]     # still false: not hot


def test_text_is_said_as_before_and_a_number_or_not_equal_is_not_said():
    ag = slacode.loads(_HOT.replace("OP", ">= 80"))
    events = [{"lead": "M", "at": "2026-11-24T10:00:00Z", "type": "assigned", "fields": {"score": "90"}}]
    (d,) = [d for d in ag.evaluate(events, as_of=AS_OF).diagnostics if d.code == "SLA602"]
    assert "`score` held text where this comparison needs a number" in d.message
    events[0]["fields"]["score"] = 90
    assert not [d for d in ag.evaluate(events, as_of=AS_OF).diagnostics if d.code == "SLA602"]
    ag = slacode.loads(_HOT.replace("OP", "!= 80"))     # true for a list: nothing silently false
    events[0]["fields"]["score"] = [80]
    assert not [d for d in ag.evaluate(events, as_of=AS_OF).diagnostics if d.code == "SLA602"]


# -- L2: two events on one line ------------------------------------------------------------------


@pytest.mark.parametrize("gap", ["", "  "])
def test_two_objects_on_one_line_are_told_where_the_line_break_is_missing(gap):
    import io

    from slacode.events import read_events

    first = '{"lead":"L","at":"2026-11-24T10:00:00Z","type":"assigned"}'
    text = f'{first}{gap}{{"lead":"M","at":"2026-11-24T10:00:00Z","type":"assigned"}}\n{first} trailing\n'
    one, two = read_events(io.BytesIO(text.encode())).diagnostics
    column = len(first) + len(gap) + 1
    assert (one.code, one.line, one.column) == ("SLA501", 1, column)
    assert one.hint.startswith(f"a line break is missing at column {column}: two events on this line")
    assert two.code == "SLA501" and (two.hint is None or "line break" not in two.hint)


# -- L4: a lead id is any text that is not empty (LANGUAGE.md §4) ------------------------------------


@pytest.mark.parametrize("lead", [" L1", "L1 ", "L\u00a0", "Ana\u200dB", "ação", " ", "\u00a0\t", "\u0000", "L\n1"])
def test_odd_lead_ids_are_read_as_written(lead):
    ag = slacode.loads(_DEADLINE)
    result = ag.evaluate([{"lead": lead, "at": "2026-11-24T10:00:00Z", "type": "assigned"}], as_of=AS_OF)
    assert [v.lead for v in result.verdicts] == [lead] and not result.diagnostics
