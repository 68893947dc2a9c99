"""explain.py: a lead's timeline (the command's text is also tested in test_cli.py)."""
from __future__ import annotations

import slacode
from slacode.events import records_from_objects
from slacode.evaluate import as_of_us
from slacode.explain import timeline

HEAD = '''agreement "t" { timezone "UTC"; teams sales }
segment hot = score >= 80
'''


def _timeline(text: str, events: list[dict], as_of: str) -> list[str]:
    agreement = slacode.loads(text)
    records = records_from_objects(events, diagnostics=[])
    return timeline(agreement.plan, events[0]["lead"], records, as_of_us(as_of))


def _lines_under(lines: list[str]) -> dict[str, list[str]]:
    """A timeline's indented lines under each event, keyed by the event's place (`[m1]`)."""
    under: dict[str, list[str]] = {}
    key = ""
    for ln in lines:
        if not ln.startswith(" "):
            key = ln.split("[")[1].split("]")[0] if "[" in ln else ln
            under[key] = []
        else:
            under.setdefault(key, []).append(ln.strip())
    return under


def test_every_kind_of_start_that_no_line_takes_is_shown_as_untracked():
    """A start on `enter`, on an event type and by `start when` alike (a `for` line only,
    and the lead is not hot): each is named at its event, and no verdict is a "not started"."""
    text = HEAD + '''
handoff h { owner sales; start on enter mql; stop on assigned; within 1h for hot }
deadline d { owner sales; start on assigned; stop on call; within 1h for hot }
deadline w { owner sales; start when score >= 50; stop on call; within 1h for hot }
'''
    lines = _timeline(text, [
        {"lead": "A", "at": "2026-11-02T10:00:00Z", "type": "state", "state": "mql", "fields": {"score": 60}},
        {"lead": "A", "at": "2026-11-02T10:30:00Z", "type": "assigned", "owner": "ana"},
    ], "2026-11-02T12:00:00Z")
    untracked = [ln.split(":")[0].strip() for ln in lines if ln.endswith("not tracked")]
    assert untracked == ["h", "w", "d"]
    assert "  (none: no rule opened a cycle for this lead)" in lines


def test_an_undeclared_state_counts_against_flow_only_where_there_is_a_flow():
    events = [{"lead": "A", "at": "2026-11-02T10:00:00Z", "type": "state", "state": "bogus"}]
    states = HEAD + "states { mql\n sql final }\n"
    without = _timeline(states, events, "2026-11-02T12:00:00Z")
    assert "    `bogus` is not a declared state: changes nothing (its fields apply)" in without
    with_flow = _timeline(states + "flow { mql -> sql }\n", events, "2026-11-02T12:00:00Z")
    assert "    `bogus` is not a declared state: counts against `flow`, changes nothing else (its fields apply)" \
        in with_flow
    hints = {flow: slacode.loads(states + flow).evaluate(events, as_of="2026-11-02T12:00:00Z").diagnostics[0].hint
             for flow in ("", "flow { mql -> sql }\n")}
    assert "flow violation" in hints["flow { mql -> sql }\n"] and "flow" not in hints[""]


def test_explain_shows_the_leads_evaluation_notes_flow_breaches_json_values_and_later_events(tmp_path):
    """review 9-a: a lead's unknown time zone (SLA603, which points at the agreement) is
    shown for that lead; a transition the flow forbids is marked at its event; values are
    written as JSON; the lead's events after as_of are counted."""
    import subprocess
    import sys

    spec = tmp_path / "a.sla"
    spec.write_text('agreement "m" { timezone "UTC"; teams sales }\nstates {\n  mql\n  sal\n  won final\n}\n'
                    "flow {\n  mql -> sal\n  sal -> won\n}\n"
                    "attempts calls {\n  owner sales\n  start on assigned\n  stop on enter won\n"
                    "  at least 1 within 4h\n  only between 08:00-20:00 in lead timezone\n}\n")
    events = tmp_path / "e.jsonl"
    events.write_text(
        '{"lead":"Z1","at":"2026-11-24T09:00:00Z","type":"state","state":"mql","fields":{"timezone":"EST","vip":null}}\n'
        '{"lead":"Z1","at":"2026-11-24T09:05:00Z","type":"assigned","ok":true}\n'
        '{"lead":"Z1","at":"2026-11-24T09:10:00Z","type":"state","state":"won"}\n'
        '{"lead":"Z1","at":"2026-11-25T09:10:00Z","type":"contact_attempt"}\n'
        '{"lead":"Z2","at":"2026-11-24T09:00:00Z","type":"state","state":"mql","fields":{"timezone":"PST"}}\n')

    def explain(lead):
        return subprocess.run([sys.executable, "-m", "slacode", "explain", str(spec), str(events), "--lead", lead,
                               "--as-of", "2026-11-24T12:00:00Z"], capture_output=True, text=True)

    out = explain("Z1").stdout
    assert 'sets timezone="EST", vip=null' in out and "ok=true" in out
    assert "flow: `mql` -> `won` is not an allowed transition" in out
    assert "1 later event of lead Z1 (after as_of" in out
    assert "Problems for lead Z1" in out and "SLA603" in out and "'EST'" in out
    assert "'PST'" not in out
    assert "SLA603" not in explain("Z2").stdout     # Z2 opens no cycle: no quiet hours judged


def test_explain_lists_the_leads_undeclared_states_and_odd_owners(tmp_path):
    """review 9-e: SLA601 and SLA604 were listed by `check --lead`, not by explain."""
    import subprocess
    import sys

    spec = tmp_path / "a.sla"
    spec.write_text('agreement "m" { timezone "UTC"; teams sales }\nstates {\n  mql\n  won final\n}\n'
                    "deadline d {\n  owner sales\n  start on assigned\n  stop on call\n  within 4h\n}\n")
    events = tmp_path / "e.jsonl"
    events.write_text('{"lead":"A","at":"2026-11-24T09:00:00Z","type":"state","state":"bogus"}\n'
                      '{"lead":"A","at":"2026-11-24T09:05:00Z","type":"assigned","owner":["ana"]}\n')
    out = subprocess.run([sys.executable, "-m", "slacode", "explain", str(spec), str(events), "--lead", "A",
                          "--as-of", "2026-11-24T12:00:00Z"], capture_output=True, text=True).stdout
    assert out.index("e.jsonl:1:1: SLA601") < out.index("e.jsonl:2:1: SLA604"), out


def test_explain_says_how_many_more_fields_an_event_sets_than_it_shows():
    from slacode.explain import _pairs

    assert _pairs({f"f{i}": i for i in range(10)}) == ", ".join(f"f{i}={i}" for i in range(8)) + ", … (2 more)"
    assert _pairs({"owner": "ana"}) == 'owner="ana"'


def test_a_stop_before_the_first_start_is_pointed_out_once():
    """A call logged seconds before the assignment (a CRM export's order) stops nothing: the
    timeline says so at that event, and not for the calls after the cycle closed."""
    text = HEAD + '''
deadline d { owner sales; start on assigned; stop on call or enter sql; within 1h }
'''
    lines = _timeline(text, [
        {"lead": "A", "at": "2026-11-02T10:00:00Z", "type": "call"},
        {"lead": "A", "at": "2026-11-02T10:00:01Z", "type": "state", "state": "sql"},
        {"lead": "A", "at": "2026-11-02T10:00:02Z", "type": "assigned", "owner": "ana"},
        {"lead": "A", "at": "2026-11-02T10:10:00Z", "type": "call"},
        {"lead": "A", "at": "2026-11-02T10:20:00Z", "type": "call"},
    ], "2026-11-02T12:00:00Z")
    notes = [i for i, ln in enumerate(lines) if "a stop before the start counts for nothing" in ln]
    assert notes == [1]             # under the first call, not again (`enter sql`) nor after the close


def test_stops_of_a_rule_that_never_starts_for_the_lead_are_not_pointed_out():
    """Calls of a lead the rule never applies to (review 14-b): no note under each of them."""
    text = HEAD + '''
deadline demo { owner sales; start on assigned where demo == true; stop on call; within 5m }
deadline d { owner sales; start on enter mql; stop on call; within 1h }
'''
    lines = _timeline(text, [
        {"lead": "A", "at": "2026-11-02T10:00:00Z", "type": "call"},
        {"lead": "A", "at": "2026-11-02T10:00:01Z", "type": "assigned", "owner": "ana"},
        {"lead": "A", "at": "2026-11-02T10:05:00Z", "type": "state", "state": "mql"},
        {"lead": "A", "at": "2026-11-02T10:10:00Z", "type": "call"},
    ], "2026-11-02T12:00:00Z")
    notes = [ln.split(":")[0].strip() for ln in lines if "a stop before the start counts for nothing" in ln]
    assert notes == ["d"], lines    # `demo` never started for A: its stops are no news


def test_the_timeline_shows_each_deadline_that_passed_with_its_cycle_open():
    """review 19k #6: a breach by the clock had no line of its own in the timeline."""
    text = HEAD + '''
deadline d { owner sales; start on assigned; stop on call; within 1h }
deadline e { owner sales; start on assigned; stop on note; within 30m }
deadline f { owner sales; start on assigned; stop on won; within 2h }
attempts a { owner sales; start on assigned; stop on won; count call; at least 2 within 3h }
'''
    lines = _timeline(text, [
        {"lead": "A", "at": "2026-11-02T10:00:00Z", "type": "assigned", "owner": "ana"},
        {"lead": "A", "at": "2026-11-02T10:30:00Z", "type": "note"},        # e: on time, at its deadline
        {"lead": "A", "at": "2026-11-02T11:20:00Z", "type": "call"},        # d: 20m late
    ], "2026-11-02T14:00:00Z")
    rows = [ln for ln in lines if not ln.startswith("    ")]
    assert rows[:6] == [
        "2026-11-02 10:00 +00:00  assigned  [event 1]  owner=\"ana\"",
        "2026-11-02 10:30 +00:00  note  [event 2]",
        "2026-11-02 11:00 +00:00  deadline of d.within cycle 1 passes with the cycle open: breached",
        "2026-11-02 11:20 +00:00  call  [event 3]",
        "2026-11-02 12:00 +00:00  deadline of f.within cycle 1 passes with the cycle open: breached",
        "2026-11-02 13:00 +00:00  deadline of a.at_least_within cycle 1 passes with the cycle open: breached",
    ]
    assert "deadline of e." not in "\n".join(lines)                  # a stop at the deadline is on time


def test_a_due_date_names_the_holidays_and_closed_dates_it_skips():
    text = '''agreement "t" { timezone "America/New_York"; teams sales }
calendar ny { timezone "America/New_York"; hours mon-fri 09:00-17:00; holidays "US"; closed 2026-11-30 }
deadline d { owner sales; start on assigned; stop on call; within 12h on ny }
deadline w { owner sales; start on assigned; stop on call; within 30h }
'''
    lines = _timeline(text, [{"lead": "A", "at": "2026-11-25T16:00:00-05:00", "type": "assigned"}],
                      "2026-12-04T12:00:00-05:00")
    # Wed 16:00 + 12 working hours: 1h Wed, Thu a holiday, 8h Fri, the weekend, Mon closed, 3h Tue
    (opens,) = [ln for ln in lines if "d: cycle 1 opens" in ln]
    assert opens.endswith("due 2026-12-01 12:00 -05:00 (closed days skipped: "
                          "Thu 2026-11-26 Thanksgiving Day (US); Mon 2026-11-30 closed)"), opens
    (wall,) = [ln for ln in lines if "w: cycle 1 opens" in ln]
    assert wall.endswith("-05:00")                          # wall-clock time skips nothing


def test_the_first_attempt_says_whether_first_where_holds_for_it():
    text = HEAD + '''
attempts touch {
  owner sales
  start on assigned
  stop on sal
  count contact_attempt
  at least 2 within 2d
  first where channel == "phone" and owner != assignee
}
attempts plain { owner sales; start on assigned; stop on sal; count contact_attempt; at least 1 within 2d }
'''
    events = [{"lead": "A", "at": "2026-11-02T09:00:00Z", "type": "assigned", "owner": "ana"},
              {"lead": "A", "at": "2026-11-02T10:00:00Z", "type": "contact_attempt", "channel": "phone",
               "owner": "bo"},
              {"lead": "A", "at": "2026-11-02T11:00:00Z", "type": "contact_attempt", "channel": "email"}]
    lines = _timeline(text, events, "2026-11-03T00:00:00Z")
    first = [ln for ln in lines if "attempt 1 of" in ln]
    assert first == ['    touch: attempt 1 of 2 needed in cycle 1; `first where channel == "phone" and owner != '
                     'assignee` holds for it', "    plain: attempt 1 of 1 needed in cycle 1: the attempt is made, by "
                     "the deadline 2026-11-04 09:00 +00:00"]
    assert not any("first where" in ln for ln in lines if "attempt 2" in ln)
    events[1]["channel"] = "email"
    lines = _timeline(text, events, "2026-11-03T00:00:00Z")
    assert any(ln.endswith("` does not hold for it") for ln in lines if "touch: attempt 1" in ln)


def test_an_event_a_count_where_leaves_out_is_said_once():
    text = HEAD + '''
attempts touch {
  owner sales
  start on assigned
  stop on sal
  count meeting or contact_attempt where outcome == "connected"
  at least 2 within 2d
}
'''
    lines = _timeline(text, [
        {"lead": "A", "at": "2026-11-02T09:00:00Z", "type": "assigned", "owner": "ana"},
        {"lead": "A", "at": "2026-11-02T10:00:00Z", "type": "contact_attempt", "outcome": "no_answer"},
        {"lead": "A", "at": "2026-11-02T10:30:00Z", "type": "meeting"},
        {"lead": "A", "at": "2026-11-02T11:00:00Z", "type": "contact_attempt"},       # no outcome: SLA618's words
        {"lead": "A", "at": "2026-11-02T11:30:00Z", "type": "note"}],                 # not counted by type: quiet
        "2026-11-03T00:00:00Z")
    said = [ln for ln in lines if "not an attempt" in ln or "left this event out" in ln]
    assert said == ["    touch: a `contact_attempt`, but not an attempt: the `where` of its `count` does not hold "
                    "for it",
                    "    touch: the `where` of `count contact_attempt` left this event out: it has no property "
                    "`outcome`, and a missing property makes every comparison false, `!=` included"]


def test_a_first_attempt_that_also_stops_the_cycle_says_whether_first_where_holds():
    """review 21e: the closing line carries the note when the first attempt closes the cycle."""
    text = HEAD + '''
attempts touch {
  owner sales
  start on assigned
  stop on contact_attempt where outcome == "connected"
  count contact_attempt
  at least 1 within 2d
  first where channel == "phone"
}
'''
    lines = _timeline(text, [
        {"lead": "A", "at": "2026-11-02T09:00:00Z", "type": "assigned", "owner": "ana"},
        {"lead": "A", "at": "2026-11-02T10:00:00Z", "type": "contact_attempt", "channel": "email",
         "outcome": "connected"}], "2026-11-03T00:00:00Z")
    [closing] = [ln for ln in lines if "stopped" in ln]
    assert closing.startswith("    touch: cycle 1 stopped; its attempt was made by 2026-11-02 10:00 +00:00")
    assert closing.endswith('; `first where channel == "phone"` does not hold for it')


def test_a_quota_says_which_events_it_counted_and_which_its_where_left_out():
    """review 21e (F10): as attempts are said, a quota's counted events are said, and so is one
    of a counted type that its `count`'s `where` leaves out — not only for a missing property."""
    text = HEAD + '''
quota meetings {
  owner sales
  count meeting_booked where kind == "discovery"
  at least 2 per week
}
quota hot_calls { owner sales; count call for hot; at least 1 per day }
quota revenue { owner sales; sum amount of deal; at least 100 per month }
'''
    lines = _timeline(text, [
        {"lead": "Q", "at": "2026-11-09T10:00:00Z", "type": "meeting_booked", "id": "m1", "kind": "demo"},
        {"lead": "Q", "at": "2026-11-09T11:00:00Z", "type": "meeting_booked", "id": "m2", "kind": "discovery"},
        {"lead": "Q", "at": "2026-11-09T12:00:00Z", "type": "meeting_booked", "id": "m3"},
        {"lead": "Q", "at": "2026-11-09T13:00:00Z", "type": "call", "id": "c1"},
        {"lead": "Q", "at": "2026-11-09T14:00:00Z", "type": "call", "id": "c2", "fields": {"score": 90}},
        {"lead": "Q", "at": "2026-11-09T15:00:00Z", "type": "deal", "id": "d1", "amount": 40},
        {"lead": "Q", "at": "2026-11-09T16:00:00Z", "type": "note", "id": "n1"}],
        "2026-11-20T00:00:00Z")
    under = _lines_under(lines)
    assert under["m1"] == ["meetings: a `meeting_booked`, but not counted: the `where` of its `count` does not "
                           "hold for it"]
    assert under["m2"] == ["meetings: counted by the quota"]
    assert under["m3"] == ["meetings: the `where` of `count meeting_booked` left this event out: it has no "
                           "property `kind`, and a missing property makes every comparison false, `!=` included"]
    assert under["c1"] == ["hot_calls: a `call`, but not counted: the lead is not in segment `hot`"]
    assert under["c2"] == ["hot_calls: counted by the quota"]
    assert under["d1"] == ["revenue: counted by the quota, adding 40"]
    assert under["n1"] == []


def test_an_event_a_quota_leaves_out_gets_one_reason_its_where_first():
    """review 22d F4: an event that both the `where` and the segment would leave out got two
    reasons; the quota judges its `where` first (so SLA618 counts the event), and so does explain."""
    text = HEAD + (
        "\nquota hot_calls {\n  owner sales\n  count call where channel == \"phone\" for hot\n"
        "  at least 1 per day\n}\n")
    lines = _timeline(text, [
        {"lead": "Q", "at": "2026-11-09T13:00:00Z", "type": "call", "id": "c1", "channel": "phone"},
        {"lead": "Q", "at": "2026-11-09T14:00:00Z", "type": "call", "id": "c2"},
        {"lead": "Q", "at": "2026-11-09T15:00:00Z", "type": "call", "id": "c3", "channel": "email"}],
        "2026-11-20T00:00:00Z")
    under = _lines_under(lines)
    assert under["c1"] == ["hot_calls: a `call`, but not counted: the lead is not in segment `hot`"]
    assert under["c2"] == ["hot_calls: the `where` of `count call` left this event out: it has no property "
                           "`channel`, and a missing property makes every comparison false, `!=` included"]
    assert under["c3"] == ["hot_calls: a `call`, but not counted: the `where` of its `count` does not hold for it"]


def test_the_attempt_that_breaks_a_limit_says_so_on_its_line():
    """review 24 UX-5: the timeline said only "attempt 3 of 6 needed" at the attempt that
    broke `at most 2 per day`; the breach showed only in the verdicts."""
    text = HEAD + '''
calendar office { timezone "UTC"; hours mon-fri 09:00-17:00 }
attempts calls {
  owner sales
  start on assigned
  stop on won
  count call
  at least 6 within 10d
  at most 2 per day
  at most 3 per cycle
  gap at least 2h
  only during office
  only between 08:00-16:00 in lead timezone
}
'''
    at = "2026-11-{}Z".format
    lines = _timeline(text, [
        {"lead": "A", "at": at("09T08:00:00"), "type": "assigned", "owner": "ana"},
        {"lead": "A", "at": at("09T09:00:00"), "type": "call", "id": "c1"},
        {"lead": "A", "at": at("09T12:00:00"), "type": "call", "id": "c2"},
        {"lead": "A", "at": at("09T13:30:00"), "type": "call", "id": "c3"},   # 3rd of the day, 1h 30m after c2
        {"lead": "A", "at": at("10T16:30:00"), "type": "call", "id": "c4"},   # 4th of the cycle, past 16:00
        {"lead": "A", "at": at("11T10:00:00"), "type": "call", "id": "c5"},
    ], "2026-11-12T00:00:00Z")
    under = _lines_under(lines)
    calls = {key: [ln for ln in rows if ln.startswith("calls: attempt")] for key, rows in under.items()}
    assert calls["c1"] == ["calls: attempt 1 of 6 needed in cycle 1"]
    assert calls["c2"] == ["calls: attempt 2 of 6 needed in cycle 1"]
    assert calls["c3"] == ["calls: attempt 3 of 6 needed in cycle 1; the 3rd on 2026-11-09 (UTC), over "
                             "`at most 2 per day`; 1h 30m after the attempt before, under `gap at least 2h`"]
    assert calls["c4"] == ["calls: attempt 4 of 6 needed in cycle 1; the 4th of the cycle, over `at most 3 per "
                             "cycle`; outside `only between 08:00-16:00 in lead timezone` (read in UTC)"]
    assert calls["c5"] == ["calls: attempt 5 of 6 needed in cycle 1; the 5th of the cycle, over `at most 3 per "
                             "cycle`"]
    outside = _timeline(text, [
        {"lead": "B", "at": at("09T08:00:00"), "type": "assigned", "owner": "ana"},
        {"lead": "B", "at": at("09T18:00:00"), "type": "call", "id": "b1"},
    ], "2026-11-12T00:00:00Z")
    assert ("    calls: attempt 1 of 6 needed in cycle 1; outside `office` working time, against `only during office`; "
            "outside `only between 08:00-16:00 in lead timezone` (read in UTC)") in outside
    # the verdicts cite the attempts the timeline names
    assert "  calls.at_most_per_day cycle 1: BREACHED. More than 2 attempts on 2026-11-09 (UTC): c3." in lines


def test_a_restart_whose_where_is_false_says_it_was_not_taken():
    """review 24 UX-5: an `assigned` to the same rep printed nothing under a rule with
    `restart on assigned where owner != assignee`: why did the clock not restart?"""
    text = HEAD + '''
deadline first_touch {
  owner sales
  start on assigned
  stop on call
  restart on assigned where owner != assignee
  within 4h
}
'''
    lines = _timeline(text, [
        {"lead": "R", "at": "2026-11-10T09:10:00Z", "type": "assigned", "owner": "ana", "id": "a1"},
        {"lead": "R", "at": "2026-11-10T09:20:00Z", "type": "assigned", "owner": "ana", "id": "a2"},
        {"lead": "R", "at": "2026-11-10T10:00:00Z", "type": "assigned", "owner": "bo", "id": "a3"},
        {"lead": "R", "at": "2026-11-10T10:30:00Z", "type": "assigned", "id": "a4"},     # no owner
    ], "2026-11-10T12:00:00Z")
    under = _lines_under(lines)
    assert under["a2"] == ['first_touch: restart not taken: `restart on assigned where owner != assignee` is '
                             'false for this event (owner is "ana", the assignee is "ana")']
    assert any("cycle 1 restarted" in ln for ln in under["a3"])
    assert [ln for ln in under["a4"] if "restart" in ln] == [   # said once: the property it lacks
        "first_touch: the `where` of `restart on assigned` left this event out: it has no property `` `owner` ``, and "
        "a missing property makes every comparison false, `!=` included"]
    assert not any("restart not taken" in ln for ln in under["a1"] + under["a3"])
