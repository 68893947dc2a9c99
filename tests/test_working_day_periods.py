"""Targets and quotas `per working day on CAL` (extension, docs/extensions.md "Goals per
working day"): the periods are the calendar's working dates, midnight to midnight in the
calendar's zone; an event (a cycle's start) on any other date counts in no period (SLA619)."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import slacode
from slacode.diff import semantic_diff
from slacode.fmt import format as fmt

HEAD = 'agreement "wd" { version "1"; timezone "UTC"; teams sales }\n'
OFFICE = """calendar office {
  timezone "America/Sao_Paulo"
  hours mon-fri 09:00-18:00
  holidays "BR"
  open 2026-11-21 09:00-13:00
}
"""
CALLS = "quota calls {{ owner sales; count call; at {bound} per working day on office }}\n"


def _sp(day: int, hhmm: str) -> str:
    """An instant of November 2026 in São Paulo (no daylight saving time)."""
    return f"2026-11-{day:02d}T{hhmm}:00-03:00"


def _call(lead, day, hhmm, **props):
    return {"lead": lead, "at": _sp(day, hhmm), "type": "call", **props}


def _aggregates(result, rule=None):
    return [(v.period, v.status, v.value) for v in result.verdicts
            if v.lead is None and (rule is None or v.rule == rule)]


def _notes(result):
    return [d for d in result.diagnostics if d.code == "SLA619"]


# the week of Mon 2026-11-16: Fri 20 is a holiday in Brazil, Sat 21 opens 09:00-13:00
WEEK = [_call("L1", 16, "10:00"), _call("L1", 16, "15:00"), _call("L2", 17, "10:00"),
        _call("L3", 19, "23:30"),            # Thu 23:30 in São Paulo: Friday 02:30 UTC
        _call("L3", 20, "10:00"),            # the holiday: no period
        _call("L4", 21, "10:00"),            # the Saturday `open` date: a period
        _call("L4", 22, "10:00")]            # Sunday: no period
AS_OF = _sp(23, "12:00")


# ------------------------------------------------------------------ syntax, fmt, lint

def test_goals_per_working_day_parse_and_format_back_unchanged():
    text = fmt(HEAD + OFFICE + """
deadline first_touch { owner sales; start on assigned; stop on call; within 2h on office }
target touches { owner sales; rule first_touch; by assignee; at least 90% met per working day on office }
quota calls { owner sales; count call; at least 50 per working day on office }
quota amounts { owner sales; sum amount of deal; at most 1_000 per working day on office }
""")
    assert "  at least 90% met per working day on office\n" in text
    assert "  at least 50 per working day on office\n" in text
    assert "  at most 1_000 per working day on office\n" in text
    assert fmt(text) == text
    goal = slacode.loads(text).plan.quotas[0]
    assert goal.period == "working day" and goal.calendar.name == "office"
    assert not [d for d in slacode.lint(text) if d.severity != "info"]


def test_per_working_day_without_a_calendar_is_sla374_with_the_calendars_in_the_hint():
    text = HEAD + OFFICE + CALLS.format(bound="least 2").replace(" on office", "")
    (d,) = [d for d in slacode.lint(text) if d.severity == "error"]
    assert (d.code, d.line) == ("SLA374", 8)
    assert "`per working day on office`" in d.hint
    bare = HEAD + CALLS.format(bound="least 2").replace(" on office", "")
    (d,) = [d for d in slacode.lint(bare) if d.severity == "error"]
    assert d.code == "SLA374" and "declare a calendar" in d.hint


def test_an_undeclared_calendar_is_sla208_and_a_declared_one_is_used():
    text = HEAD + OFFICE + CALLS.format(bound="least 2").replace("on office", "on ofice")
    (d,) = [d for d in slacode.lint(text) if d.severity == "error"]
    assert (d.code, d.message) == ("SLA208", "calendar `ofice` is not declared") and "office" in d.hint
    # a calendar that only a goal names is used (no SLA207)
    assert not [d for d in slacode.lint(HEAD + OFFICE + CALLS.format(bound="least 2")) if d.code == "SLA207"]


def test_per_day_and_per_week_on_a_calendar_fail_with_hints_naming_per_working_day():
    for goal, start in [("at least 2 per day on office", "for the working dates of a calendar"),
                        ("at least 2 per week on office", "only `per working day` takes a calendar")]:
        (d,) = [d for d in slacode.lint(HEAD + OFFICE + f"quota q {{ owner sales; count call; {goal} }}\n")
                if d.severity == "error"]
        assert d.code == "SLA101" and d.hint.startswith(start) and "`per working day on office`" in d.hint
    target = (HEAD + "calendar br { timezone \"America/Sao_Paulo\"; hours mon-fri 09:00-18:00 }\n"
              "deadline d { owner sales; start on assigned; stop on call; within 1h on br }\n"
              "target t { owner sales; rule d; at least 90% met per day on br }\n")
    (d,) = [d for d in slacode.lint(target) if d.severity == "error"]
    assert d.code == "SLA101" and "`per working day on br`" in d.hint


def test_a_change_of_period_or_of_its_calendar_is_a_change():
    base = HEAD + OFFICE + 'calendar other { timezone "UTC"; hours mon-fri 09:00-17:00 }\n'
    old = slacode.loads(base + CALLS.format(bound="least 2"))
    for period, after in [("per day", "day"), ("per working day on other", "working day on other")]:
        new = slacode.loads(base + CALLS.format(bound="least 2").replace("per working day on office", period))
        changes = [c for c in semantic_diff(old, new) if c.area == "quota"]
        assert [(c.before, c.after) for c in changes] == [("working day on office", after)]


# ------------------------------------------------------------------ quotas

def test_a_quota_at_least_is_judged_on_working_dates_only():
    """Mon 16: 2 calls (met); Tue 17: 1; Wed 18: none; Thu 19: 1 (23:30 local, Friday in
    UTC); Fri 20 (holiday) and Sun 22: no period, their calls left out; Sat 21 (`open`): 1;
    Mon 23 as of noon: 0 so far."""
    result = slacode.loads(HEAD + OFFICE + CALLS.format(bound="least 2")).evaluate(WEEK, as_of=AS_OF)
    assert _aggregates(result) == [("2026-11-16", "met", 2), ("2026-11-17", "breached", 1),
                                   ("2026-11-18", "breached", 0), ("2026-11-19", "breached", 1),
                                   ("2026-11-21", "breached", 1), ("2026-11-23", "pending", 0)]
    monday = next(v for v in result.verdicts if v.period == "2026-11-16")
    d = monday.to_dict()
    assert (d["period"], d["status"]) == ("2026-11-16", "met")
    assert (monday.started_at, monday.due_at) == (_us(_sp(16, "00:00")), _us(_sp(17, "00:00")))
    assert monday.zone.key == "America/Sao_Paulo"
    (note,) = _notes(result)
    assert note.severity == "info" and note.lead == "L3" and note.line == 5     # the holiday's call
    assert note.message == ("quota `calls` is set per working day on `office`: 2 matching events fell on dates "
                            "that are not working dates of `office` and count in no period (the first: lead "
                            "'L3' on Fri 2026-11-20)")
    assert "`per day`" in note.hint and "`open 2026-11-20" in note.hint


def test_a_quota_at_most_is_breached_once_over_and_met_when_the_date_ends():
    result = slacode.loads(HEAD + OFFICE + CALLS.format(bound="most 1")).evaluate(WEEK, as_of=AS_OF)
    assert _aggregates(result) == [("2026-11-16", "breached", 2), ("2026-11-17", "met", 1),
                                   ("2026-11-18", "met", 0), ("2026-11-19", "met", 1),
                                   ("2026-11-21", "met", 1), ("2026-11-23", "pending", 0)]


def test_a_working_date_in_progress_is_pending_unless_already_decided():
    two = [_call("L1", 16, "10:00"), _call("L1", 16, "11:00")]
    for bound, events, status in [("least 2", two[:1], "pending"), ("least 2", two, "met"),
                                  ("most 1", two, "breached"), ("most 1", two[:1], "pending")]:
        result = slacode.loads(HEAD + OFFICE + CALLS.format(bound=bound)).evaluate(events, as_of=_sp(16, "12:00"))
        assert [s for _, s, _ in _aggregates(result)] == [status], (bound, len(events))


def test_the_calendar_zone_not_the_agreement_zone_makes_the_dates():
    """23:30 UTC on Monday is Tuesday 08:30 in Tokyo; 02:30 UTC on Saturday is Friday 23:30
    in São Paulo (the agreement's zone is UTC for both)."""
    tokyo = HEAD + 'calendar tokyo { timezone "Asia/Tokyo"; hours mon-fri 09:00-18:00 }\n' + \
        "quota calls { owner sales; count call; at least 1 per working day on tokyo }\n"
    result = slacode.loads(tokyo).evaluate([{"lead": "A", "at": "2026-11-16T23:30:00Z", "type": "call"}],
                                           as_of="2026-11-17T10:00:00Z")
    (v,) = [v for v in result.verdicts if v.lead is None]
    assert (v.period, v.status, v.value) == ("2026-11-17", "met", 1)
    assert (v.started_at, v.due_at) == (_us("2026-11-16T15:00:00Z"), _us("2026-11-17T15:00:00Z"))
    assert "due_at=2026-11-18T00:00:00+09:00" in repr(v)          # written in the calendar's zone
    sp = slacode.loads(HEAD + OFFICE + CALLS.format(bound="least 2"))
    result = sp.evaluate([{"lead": "A", "at": "2026-11-13T23:30:00Z", "type": "call"},
                          {"lead": "B", "at": "2026-11-14T02:30:00Z", "type": "call"}], as_of="2026-11-16T12:00:00Z")
    assert _aggregates(result) == [("2026-11-13", "met", 2), ("2026-11-16", "pending", 0)]
    assert not _notes(result)


def test_an_open_date_is_a_working_date_and_a_closed_one_is_not():
    text = HEAD + OFFICE.replace("  open", "  closed 2026-11-18\n  open") + CALLS.format(bound="least 1")
    events = [_call("A", 18, "10:00"), _call("A", 21, "10:00")]
    result = slacode.loads(text).evaluate(events, as_of=_sp(21, "20:00"))
    assert _aggregates(result) == [("2026-11-19", "breached", 0), ("2026-11-21", "met", 1)]
    (note,) = _notes(result)
    assert "1 matching event fell on a date that is not a working date" in note.message
    assert "Wed 2026-11-18" in note.message


def test_a_sum_quota_per_working_day_adds_up_per_working_date():
    text = HEAD + OFFICE + "quota deals { owner sales; sum amount of deal; at least 100 per working day on office }\n"
    events = [{"lead": "A", "at": _sp(16, "10:00"), "type": "deal", "amount": 60},
              {"lead": "B", "at": _sp(16, "11:00"), "type": "deal", "amount": 50},
              {"lead": "C", "at": _sp(15, "11:00"), "type": "deal", "amount": 500}]       # a Sunday
    result = slacode.loads(text).evaluate(events, as_of=_sp(17, "09:00"))
    assert _aggregates(result) == [("2026-11-16", "met", 110), ("2026-11-17", "pending", 0)]
    (note,) = _notes(result)
    assert "lead 'C' on Sun 2026-11-15" in note.message


def test_by_assignee_per_working_day():
    text = HEAD + OFFICE + "quota dials { owner sales; count call; by assignee; at least 1 per working day on office }\n"
    events = [{"lead": "L1", "at": _sp(16, "09:00"), "type": "assigned", "owner": "ana"}, _call("L1", 16, "10:00"),
              _call("L1", 14, "10:00") | {"at": _sp(16, "11:00")},
              {"lead": "L2", "at": _sp(16, "09:30"), "type": "assigned", "owner": "bruno"},
              _call("L2", 17, "10:00")]
    events.append({"lead": "L1", "at": _sp(22, "10:00"), "type": "call"})     # Sunday: ana's, left out
    result = slacode.loads(text).evaluate(events, as_of=_sp(23, "08:00"))
    got = [(v.assignee, v.period, v.status, v.value) for v in result.verdicts if v.lead is None]
    ana = [("ana", f"2026-11-{d}", "breached", 0) for d in (17, 18, 19, 21)]
    bruno = [("bruno", f"2026-11-{d}", "breached", 0) for d in (18, 19, 21)]
    assert sorted(got) == sorted([("ana", "2026-11-16", "met", 2), ("ana", "2026-11-23", "pending", 0),
                                  ("bruno", "2026-11-17", "met", 1), ("bruno", "2026-11-23", "pending", 0)]
                                 + ana + bruno)
    assert [d.lead for d in _notes(result)] == ["L1"]


# ------------------------------------------------------------------ targets

TARGET = HEAD + OFFICE + """
deadline first_touch { owner sales; start on assigned; stop on contact; within 2h on office }
target touches { owner sales; rule first_touch; at least 50% met per working day on office }
"""


def test_a_target_per_working_day_counts_cycles_by_their_start_date():
    """Mon 16: L1 met, L2 breached (1 of 2, 50%: met); L3 assigned on Saturday 14 (met on
    Monday morning) started on no working date: left out; Tue 17: L4 still open."""
    events = [{"lead": "L1", "at": _sp(16, "10:00"), "type": "assigned"},
              {"lead": "L1", "at": _sp(16, "11:00"), "type": "contact"},
              {"lead": "L2", "at": _sp(16, "11:00"), "type": "assigned"},
              {"lead": "L3", "at": _sp(14, "10:00"), "type": "assigned"},
              {"lead": "L3", "at": _sp(16, "10:30"), "type": "contact"},
              {"lead": "L4", "at": _sp(17, "17:00"), "type": "assigned"}]
    result = slacode.loads(TARGET).evaluate(events, as_of=_sp(17, "17:30"))
    assert _aggregates(result, "touches") == [("2026-11-16", "met", 0.5), ("2026-11-17", "pending", None)]
    (note,) = _notes(result)
    assert note.lead == "L3" and note.message.startswith("target `touches` is set per working day on `office`: "
                                                         "1 cycle started on a date that is not a working date")
    assert "`first_touch` cycle 1, started on Sat 2026-11-14" in note.message


def test_evaluations_streamed_and_in_parallel_agree(tmp_path):
    import json

    from slacode.evaluate import as_of_us
    from slacode.events import iter_records
    from slacode.stream import evaluate_stream

    agreement = slacode.loads(HEAD + OFFICE + CALLS.format(bound="least 2"))
    path = tmp_path / "e.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in WEEK))
    as_of = as_of_us(AS_OF)
    want = _aggregates(agreement.evaluate(WEEK, as_of=AS_OF))
    diags: list = []
    got = evaluate_stream(agreement.plan, lambda d: iter_records([str(path)], diagnostics=d, as_of_us=as_of),
                          as_of, diags, [str(path)])
    assert _aggregates(got) == want
    assert [(d.code, d.line) for d in diags if d.code == "SLA619"] == [("SLA619", 5)]
    for jobs in (1, 2):
        got = agreement.evaluate_many([str(path)], as_of=AS_OF, jobs=jobs)
        assert _aggregates(got) == want
        assert [(d.code, d.line, d.lead) for d in _notes(got)] == [("SLA619", 5, "L3")]


# ------------------------------------------------------------------ a property

_START = date(2026, 11, 2)                  # a Monday


@st.composite
def _calendars_and_events(draw):
    weekdays = draw(st.sets(st.integers(0, 6), min_size=1))
    closed = draw(st.sets(st.integers(0, 27), max_size=4))
    opened = draw(st.sets(st.integers(0, 27), max_size=3))
    minutes = draw(st.lists(st.integers(0, 28 * 1440 - 1), min_size=1, max_size=40))
    kinds = draw(st.lists(st.sampled_from(["call", "note"]), min_size=len(minutes), max_size=len(minutes)))
    as_of = draw(st.integers(max(minutes), 30 * 1440))
    return weekdays, closed - opened, opened, list(zip(minutes, kinds)), as_of


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_calendars_and_events())
def test_counted_plus_left_out_is_every_matching_event_and_every_period_is_a_working_date(case):
    weekdays, closed, opened, events, as_of = case
    names = "mon tue wed thu fri sat sun".split()
    tz = timezone(timedelta(hours=9))       # Asia/Tokyo has had no daylight saving time since 1951
    day = lambda k: (_START + timedelta(days=k)).isoformat()      # noqa: E731
    lines = [f"  hours {','.join(names[w] for w in sorted(weekdays))} 10:00-16:00"]
    lines += [f"  closed {day(k)}" for k in sorted(closed)] + [f"  open {day(k)} 08:00-09:00" for k in sorted(opened)]
    text = (HEAD + 'calendar tokyo {\n  timezone "Asia/Tokyo"\n' + "\n".join(lines) + "\n}\n"
            + "quota calls { owner sales; count call; at least 1 per working day on tokyo }\n")
    start = datetime(2026, 11, 2, tzinfo=tz)
    at = lambda m: (start + timedelta(minutes=m)).isoformat()     # noqa: E731
    given_events = [{"lead": f"L{i % 3}", "at": at(m), "type": kind} for i, (m, kind) in enumerate(events)]
    result = slacode.loads(text).evaluate(given_events, as_of=at(as_of))
    working = {day(k) for k in range(31) if (k % 7 in weekdays and k not in closed) or k in opened}
    verdicts = [v for v in result.verdicts if v.lead is None]
    counted = sum(v.value for v in verdicts)
    left = 0
    for note in _notes(result):
        left += int(re.search(r": (\d+) matching events? fell", note.message).group(1))
    assert counted + left == sum(1 for _, kind in events if kind == "call")
    assert all(v.period in working for v in verdicts)
    first, last = min(m for m, _ in events) // 1440, as_of // 1440
    assert [v.period for v in verdicts] == sorted(d for d in working if day(first) <= d <= day(last))


def _us(text: str) -> int:
    return int(datetime.fromisoformat(text).timestamp()) * 1_000_000


def test_the_hand_worked_case_per_rep():
    """tests/cases/986-…: the `by assignee` target's verdicts, matched by period and rep
    (the shared runner matches aggregates by period only), through the command line."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    case = Path(__file__).parent / "cases" / "986-target-per-working-day-tokyo-by-assignee"
    expected = json.loads((case / "expected.json").read_text())
    out = subprocess.run([sys.executable, "-m", "slacode", "check", str(case / "agreement.sla"),
                          str(case / "events.jsonl"), "--as-of", expected["as_of"], "--format", "json"],
                         capture_output=True, text=True)
    wants = expected["grouped_verdicts"]
    got = [v for v in json.loads(out.stdout)["verdicts"] if v["rule"] == "touches_per_rep"]
    assert [{k: g[k] for k in w} for w, g in zip(wants, got)] == wants and len(got) == len(wants)


def test_a_failing_test_labels_sla619_as_information():
    """review 21d: the notes under a failing test carry their code's severity."""
    import slacode
    from slacode import testing

    text = ('agreement "wd4" { version "1"; timezone "UTC"; teams sales }\n'
            'calendar office { timezone "America/Sao_Paulo"; hours mon-fri 09:00-18:00 }\n'
            'quota calls { owner sales; count contact_attempt; at least 2 per working day on office }\n'
            'test "weekend" {\n  as of 2026-11-23T12:00:00-03:00\n  lead "a"\n'
            '  at 2026-11-21T10:00:00-03:00 contact_attempt\n'
            '  at 2026-11-20T10:00:00-03:00 contact_attempt\n'
            '  expect calls period "2026-11-20" met\n}\n')
    [r] = testing.run_tests(slacode.loads(text))
    shown = testing.render_text([r])
    assert not r.passed and "    info: SLA619 " in shown and "warning: SLA619" not in shown


@pytest.mark.parametrize("hours, day, proposed", [
    ("hours mon-fri 08:00-12:00, 13:00-17:00", 22, "08:00-12:00, 13:00-17:00"),   # Sunday: the longest day's
    ("hours mon-fri 09:00-18:00\n  hours sat 09:00-12:00", 22, "09:00-18:00"),
    ("hours tue-sat 10:00-19:00\n  hours sun 12:00-16:00", 23, "10:00-19:00"),    # Monday, closed
    ("hours mon-fri 07:30-16:30\n  closed 2026-11-18", 18, "07:30-16:30"),         # a closed Wednesday: its own
    ("hours mon-thu 09:00-18:00\n  hours fri 09:00-14:00\n  closed 2026-11-20", 20, "09:00-14:00"),
    ("hours mon-fri 22:00-06:00", 22, "22:00-06:00"),                                # overnight
])
def test_the_opening_proposed_for_a_date_left_out_is_the_calendars_own(hours, day, proposed):
    """fuzz 23: SLA619's hint proposed `open DATE 09:00-13:00` whatever the calendar; it proposes
    the date's weekday's own hours (a holiday, a closed date), else the calendar's longest day's;
    and following it counts the event."""
    cal = f'calendar office {{\n  timezone "America/Sao_Paulo"\n  {hours}\n}}\n'
    events = [_call("L1", 17, "10:00"), _call("L2", day, "23:00" if "22:00" in hours else "11:00")]
    result = slacode.loads(HEAD + cal + CALLS.format(bound="least 1")).evaluate(events, as_of=AS_OF)
    (note,) = _notes(result)
    line = f"open 2026-11-{day} {proposed}"
    assert f"(`{line}`)" in note.hint
    opened = cal.replace("\n}", f"\n  {line}\n}}")
    fixed = slacode.loads(HEAD + opened + CALLS.format(bound="least 1")).evaluate(events, as_of=AS_OF)
    assert not _notes(fixed) and (f"2026-11-{day}", "met", 1) in _aggregates(fixed)
