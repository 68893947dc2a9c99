"""Details of the contract found by a review with hand-worked cases (LANGUAGE.md §4, §6, §7,
§11, §13). Every expected value was worked out by hand from the contract."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

import slacode

HEAD = '''agreement "d" {
  version "1"
  timezone "UTC"
  teams sales
}
'''


def at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def ev(lead, when, typ, i, **props):
    return {"lead": lead, "at": when, "type": typ, "id": f"{lead}-{i}", **props}


def verdicts(rules: str, events: list, as_of: str, clause: str | None = None):
    agreement = slacode.loads(HEAD + rules)
    got = agreement.evaluate(events, as_of=at(as_of)).verdicts
    return [v for v in got if clause is None or v.clause == clause]


def iso(v, key: str) -> str | None:
    """The verdict's instant ``key`` as written in the output, in UTC to the microsecond."""
    text = v.to_dict()[key]
    return None if text is None else at(text).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%f")


@pytest.mark.parametrize("percent, target, warn_at", [
    ("55", "1h", "2026-11-09T09:33:00.000000"),        # 0.55 * 3.6e9 is 1980000000.0000002 as floats
    ("29", "1h", "2026-11-09T09:17:24.000000"),        # … and 0.29 * 3.6e9 is 1043999999.9999999
    ("57", "4h", "2026-11-09T11:16:48.000000"),
    ("62.5", "1h", "2026-11-09T09:37:30.000000"),
])
def test_warn_at_is_exactly_the_share_of_the_target(percent, target, warn_at):
    rules = f'''deadline touch {{
  owner sales
  start on assigned
  stop on contact_attempt
  within {target}
  warn at {percent}%
}}
'''
    events = [ev("A", "2026-11-09T09:00:00Z", "assigned", 1)]
    (v,) = verdicts(rules, events, warn_at[:19] + "Z")
    assert iso(v, 'warn_at') == warn_at
    assert v.status == "at_risk", "§6: it has reached P% of its target at that very instant"
    assert f"warning at {percent}%" in v.reason
    (before,) = verdicts(rules, events, "2026-11-09T09:00:01Z")
    assert before.status == "pending" and iso(before, 'warn_at') == warn_at


ATTEMPTS = '''attempts fu {
  owner sales
  start on assigned
  stop on won
  at least @N@ within @T@
}
'''


def test_at_least_within_elapsed_runs_to_the_stop_or_as_of_not_the_nth_attempt():
    """§11: elapsed_seconds is the working time from the start to the stop, the close or
    as_of, for at_least_within as for within."""
    rules = ATTEMPTS.replace("@N@", "1").replace("@T@", "4h")
    events = [ev("A", "2026-11-09T09:00:00Z", "assigned", 1), ev("A", "2026-11-09T09:30:00Z", "contact_attempt", 2),
              ev("B", "2026-11-09T09:00:00Z", "assigned", 1), ev("B", "2026-11-09T09:30:00Z", "contact_attempt", 2),
              ev("B", "2026-11-09T10:00:00Z", "won", 3)]
    a, b = verdicts(rules, events, "2026-11-09T11:00:00Z", "at_least_within")
    assert (a.lead, a.status, iso(a, 'completed_at'), a.to_dict()['elapsed_seconds']) == ("A", "met", "2026-11-09T09:30:00.000000", 7200)
    assert (b.lead, b.status, iso(b, 'completed_at'), b.to_dict()['elapsed_seconds']) == ("B", "met", "2026-11-09T09:30:00.000000", 3600)


def test_a_late_nth_attempt_is_the_completed_at_of_a_breach():
    """§13: completed_at is the Nth attempt; made after the deadline, the clause is breached
    and still says when the Nth attempt came. Fewer than N attempts: null."""
    rules = ATTEMPTS.replace("@N@", "2").replace("@T@", "2h")
    events = [ev("A", "2026-11-09T09:00:00Z", "assigned", 1), ev("A", "2026-11-09T09:10:00Z", "contact_attempt", 2),
              ev("A", "2026-11-09T11:30:00Z", "contact_attempt", 3),
              ev("B", "2026-11-09T09:00:00Z", "assigned", 1), ev("B", "2026-11-09T09:10:00Z", "contact_attempt", 2)]
    a, b = verdicts(rules, events, "2026-11-09T12:00:00Z", "at_least_within")
    assert (a.status, iso(a, 'completed_at'), iso(a, 'due_at')) == ("breached", "2026-11-09T11:30:00.000000",
                                                             "2026-11-09T11:00:00.000000")
    assert (b.status, iso(b, 'completed_at')) == ("breached", None)


def test_an_assigned_event_without_owner_unassigns_the_lead():
    """§4: the assignee is the owner property of the latest assigned event."""
    rules = '''deadline touch {
  owner sales
  start on mql
  stop on contact_attempt
  within 8h
}
'''
    events = [ev("A", "2026-11-09T09:00:00Z", "mql", 1), ev("A", "2026-11-09T09:05:00Z", "assigned", 2, owner="rep-1"),
              ev("A", "2026-11-09T09:10:00Z", "assigned", 3),
              ev("B", "2026-11-09T09:00:00Z", "mql", 1), ev("B", "2026-11-09T09:05:00Z", "assigned", 2, owner="rep-2")]
    a, b = verdicts(rules, events, "2026-11-09T10:00:00Z")
    assert (a.lead, a.assignee) == ("A", None)
    assert (b.lead, b.assignee) == ("B", "rep-2")


def test_a_date_both_closed_and_open_has_the_special_hours_and_a_warning():
    """§3/§13: `open` replaces a date's hours and overrides `closed`; the linter warns."""
    text = HEAD + '''calendar short {
  timezone "UTC"
  hours mon-fri 09:00-17:00
  closed 2026-11-11
  open 2026-11-11 13:00-14:00
}

deadline touch {
  owner sales
  start on assigned
  stop on contact_attempt
  within 3h on short
}
'''
    found = [(d.code, d.severity) for d in slacode.lint(text)]
    assert ("SLA304", "warning") in found and not any(sev == "error" for _, sev in found), found
    agreement = slacode.loads(text)
    (v,) = agreement.evaluate([ev("A", "2026-11-10T15:00:00Z", "assigned", 1)], as_of=at("2026-11-10T16:00:00Z")).verdicts
    assert iso(v, "due_at") == "2026-11-11T14:00:00.000000", "2 h on Tuesday, the third in Wednesday's 13:00-14:00"


def test_only_between_says_which_zone_applies_even_without_an_attempt():
    """§7/§13: the verdict's timezone key says which zone the window is read in: the lead's
    `timezone` field, else the agreement's (with no attempt: the one in effect)."""
    rules = '''attempts quiet {
  owner sales
  start on assigned
  stop on won
  only between 08:00-21:00 in lead timezone
}
'''
    events = [{"lead": "N", "at": "2026-11-09T09:00:00Z", "type": "assigned", "id": "n1",
               "fields": {"timezone": "Asia/Tokyo"}},
              ev("M", "2026-11-09T09:00:00Z", "assigned", 1), ev("M", "2026-11-09T10:00:00Z", "won", 2)]
    got = {v.lead: (v.status, v.to_dict()["timezone"]) for v in verdicts(rules, events, "2026-11-09T12:00:00Z")}
    assert got == {"N": ("pending", "Asia/Tokyo"), "M": ("met", "UTC")}


@pytest.mark.parametrize("percent, share", [(55, (55, 100)), (62.5, (125, 200)), (33.3, (333, 1000)),
                                            (0.00001, (1, 10_000_000)), (100, (100, 100))])
def test_a_warn_percent_is_kept_as_the_exact_decimal_written(percent, share):
    from slacode.compile import _share

    assert _share(percent) == share


@pytest.mark.parametrize("calendar", [True, False])
def test_a_placeholder_year_is_an_unusable_timestamp_not_a_crash(calendar, tmp_path):
    """§4: an event that cannot be used yields a diagnostic at its line and the rest is
    evaluated. 0001-01-01 (a "no date" placeholder of CRM exports) is outside the years
    evaluated: refused at its line, in files and in the library, with or without a calendar."""
    import json
    import subprocess
    import sys

    cal = '''calendar biz {
  timezone "UTC"
  hours mon-fri 09:00-17:00
}
''' if calendar else ""
    text = HEAD.replace('"UTC"', '"America/Sao_Paulo"') + cal + f'''deadline touch {{
  owner sales
  start on assigned
  stop on contact_attempt
  within 4h{" on biz" if calendar else ""}
}}
'''
    events = [{"lead": "Z", "at": "0001-01-01T00:00:00Z", "type": "assigned", "id": "z1"},
              ev("A", "2026-11-09T10:00:00Z", "assigned", 1),
              {"lead": "Y", "at": "9999-12-31T23:00:00Z", "type": "assigned", "id": "y1"}]
    spec, data = tmp_path / "a.sla", tmp_path / "e.jsonl"
    spec.write_text(text)
    data.write_text("".join(json.dumps(e) + "\n" for e in events))
    done = subprocess.run([sys.executable, "-m", "slacode", "check", str(spec), str(data), "--as-of",
                           "2026-11-09T12:00:00Z", "--format", "json"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    doc = json.loads(done.stdout)
    assert [v["lead"] for v in doc["verdicts"]] == ["A"]
    bad = [(d["code"], d["line"]) for d in doc["diagnostics"] if d["severity"] == "error"]
    assert bad == [("SLA503", 1), ("SLA503", 3)]
    result = slacode.loads(text).evaluate(events[:2] + [dict(events[0], id="z2", at=datetime(1, 1, 1, tzinfo=timezone.utc))],
                                          as_of=at("2026-11-09T12:00:00Z"))
    assert [v.lead for v in result.verdicts] == ["A"]
    assert [d.code for d in result.diagnostics if d.severity == "error"] == ["SLA503", "SLA503"]


def test_an_as_of_outside_the_years_evaluated_is_a_usage_error():
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "slacode", "check", "specs/northwind.sla", "specs/events.jsonl",
                           "--as-of", "9999-12-31T23:59:59-03:00"], capture_output=True, text=True,
                          cwd=__import__("pathlib").Path(__file__).resolve().parents[1])
    assert done.returncode == 2 and "outside the years slacode evaluates" in done.stderr
    with pytest.raises(ValueError, match="outside the years"):
        slacode.loads(HEAD).evaluate([], as_of=datetime(9999, 1, 1, tzinfo=timezone.utc))


def test_a_target_longer_than_a_century_is_refused_by_lint_not_a_crash():
    rules = '''deadline d {
  owner sales
  start on assigned
  stop on won
  within @D@
}
'''
    found = [(d.code, d.severity, d.span.line, d.span.column) for d in slacode.lint(HEAD + rules.replace("@D@", "3000000d"))
             if d.severity == "error"]
    assert found == [("SLA108", "error", 10, 10)]          # the duration on line 10 of the text
    longest = slacode.loads(HEAD + rules.replace("@D@", "36525d"))
    (v,) = longest.evaluate([ev("A", "2026-11-09T09:00:00Z", "assigned", 1)], as_of=at("2026-11-10T00:00:00Z")).verdicts
    assert v.status == "pending" and iso(v, "due_at") == "2126-11-10T09:00:00.000000"   # 36,524 days is 100 years here


def test_aggregate_verdicts_have_no_start_or_deadline_in_the_output():
    """§11: every key present, null where it does not apply; due_at is for timed clauses."""
    rules = '''deadline touch {
  owner sales
  start on assigned
  stop on contact_attempt
  within 1h
}

target t {
  owner sales
  rule touch
  at least 50% met per day
}
'''
    got = verdicts(rules, [ev("A", "2026-11-09T09:00:00Z", "assigned", 1),
                           ev("A", "2026-11-09T09:30:00Z", "contact_attempt", 2)], "2026-11-10T12:00:00Z")
    aggregate = [v.to_dict() for v in got if v.period is not None]
    assert [(d["period"], d["status"], d["started_at"], d["due_at"], d["completed_at"]) for d in aggregate] == \
        [("2026-11-09", "met", None, None, None), ("2026-11-10", "pending", None, None, None)]


STATE_PROPERTY = '''deadline dl {
  owner sales
  start on assigned
  stop on update where `state` == "SP"
  within 2h
}
'''


@pytest.mark.parametrize("shape", ["dict", "Event", "jsonl", "csv"])
def test_state_key_of_another_event_type_is_a_property(shape, tmp_path):
    """§4: `state` is the state a `state` event enters; on any other event it is one more
    key, so a property (`where` reads it with backquotes) — never dropped, never an error."""
    raw = [ev("A", "2026-11-02T09:00:00Z", "assigned", 1, owner="r"),
           ev("A", "2026-11-02T09:30:00Z", "update", 2, state="RJ"),
           ev("A", "2026-11-02T10:00:00Z", "update", 3, state="SP")]
    agreement = slacode.loads(HEAD + STATE_PROPERTY)
    if shape in ("dict", "Event"):
        events = raw if shape == "dict" else [slacode.Event(**e) for e in raw]
        result = agreement.evaluate(events, as_of=at("2026-11-03T00:00:00Z"))
    else:
        path = tmp_path / f"events.{shape}"
        if shape == "jsonl":
            import json
            raw[1]["state"] = 5                     # any value: a property, not a lifecycle state
            path.write_text("".join(json.dumps(e) + "\n" for e in raw))
        else:
            path.write_text("lead,at,type,id,state,owner\n" + "".join(
                f"{e['lead']},{e['at']},{e['type']},{e['id']},{e.get('state', '')},{e.get('owner', '')}\n"
                for e in raw))
        result = agreement.evaluate_many([str(path)], as_of=at("2026-11-03T00:00:00Z"), jobs=1)
    (v,) = result.verdicts
    assert v.status == "met" and v.evidence == ["A-1", "A-3"]
    assert iso(v, "completed_at") == "2026-11-02T10:00:00.000000"
    assert [d.code for d in result.diagnostics if d.severity == "error"] == []


def test_only_between_without_attempts_names_the_zone_the_lead_had_at_the_close():
    rules = '''attempts calls {
  owner sales
  start on assigned
  stop on enter done
  only between 08:00-21:00 in lead timezone
}
'''
    events = [ev("A", "2026-11-02T09:00:00Z", "assigned", 1, owner="r", fields={"timezone": "Asia/Tokyo"}),
              ev("A", "2026-11-02T10:00:00Z", "state", 2, state="done"),
              ev("A", "2026-11-03T10:00:00Z", "update", 3, fields={"timezone": "Europe/Lisbon"}),
              ev("A", "2026-11-04T09:00:00Z", "assigned", 4, owner="r")]              # cycle 2, open
    got = verdicts(rules, events, "2026-11-05T00:00:00Z", clause="only_between")
    assert [(v.cycle, v.status, v.to_dict()["timezone"]) for v in got] == [
        (1, "met", "Asia/Tokyo"),           # closed with no attempt: the zone when it closed
        (2, "pending", "Europe/Lisbon")]    # open: the zone as of as_of


def test_reasons_name_wall_clock_time_without_a_calendar():
    rules = '''calendar office {
  timezone "UTC"
  hours mon-fri 09:00-18:00
}
deadline wall {
  owner sales
  start on assigned
  stop on contact_attempt
  within 2h
}
deadline work {
  owner sales
  start on assigned
  stop on contact_attempt
  within 2h on office
}
'''
    events = [ev("A", "2026-11-02T09:00:00Z", "assigned", 1, owner="r"),
              ev("A", "2026-11-02T09:30:00Z", "contact_attempt", 2)]
    wall, work = verdicts(rules, events, "2026-11-03T00:00:00Z")
    assert "after 30m of wall-clock time" in wall.reason and "after 30m of working time" in work.reason
    (open_wall, _) = verdicts(rules, events[:1], "2026-11-02T10:00:00Z")
    assert "1h of wall-clock time left" in open_wall.reason
