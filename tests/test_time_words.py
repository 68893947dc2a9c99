"""Which time a duration in a reason is (review words25, UX-4): on a calendar `1d` is a
working day, so a span written next to working-time figures says whether it is working
time or wall-clock time. The convention (docs/semantics.md, `reason`): on a calendar the
working time first, as targets are written there, then the wall-clock span when it differs;
without a calendar, the wall-clock span as before.

Every expected value was worked out by hand. `br` is open Monday–Friday 09:00–18:00 in São
Paulo (-03:00, 9-hour days); 2026-11-10 is a Tuesday, 2026-11-16 a Monday.
"""
from __future__ import annotations

import subprocess
import sys

import slacode
from slacode.texts import apart_text
from tests.conftest import ROOT

HEAD = '''agreement "c" { version "1"; timezone "America/Sao_Paulo"; teams marketing, sales }
calendar br { timezone "America/Sao_Paulo"; hours mon-fri 09:00-18:00 }
'''
CAL = HEAD + '''deadline d { owner sales; start on assigned; stop on touch; breach on lost; within 1d on br; warn 1d before }
deadline w { owner sales; start on assigned; stop on touch; within 1d; warn 1d before }
'''
LEVELS = HEAD + '''deadline d { owner sales; start on assigned; stop on touch; within 2d on br; warn 1d before; warn at 90% }
'''


def _verdicts(text: str, events: list, as_of: str) -> dict:
    got = slacode.loads(text).evaluate(events, as_of=as_of).verdicts
    return {(v.lead, v.rule): v.to_dict() for v in got}


def _ev(lead: str, at: str, kind: str) -> dict:
    return {"lead": lead, "at": at, "type": kind}


ASSIGNED = "2026-11-10T09:45:00-03:00"           # Tue: due Wed 09:45 (8h 15m Tue + 45m Wed)


def test_apart_text():
    hour = 3_600_000_000
    assert apart_text(26 * hour) == "1d 2h"                                 # no calendar: as before
    assert apart_text(2 * hour, 2 * hour) == "2h of working time"           # the same: said once
    assert apart_text(5 * 24 * hour + hour // 4, 27 * hour + hour // 4) == \
        "27h 15m of working time (5d 15m by the wall clock)"
    assert apart_text(16 * hour, 0) == "16h by the wall clock (no working time)"       # a night, a lunch break


def test_a_late_open_cycle_on_a_calendar_says_working_time_first():
    got = _verdicts(CAL, [_ev("A", ASSIGNED, "assigned")], "2026-11-16T10:00:00-03:00")
    d = got[("A", "d")]
    # Wed 09:45-18:00 8h 15m, Thu and Fri 9h each, Mon 09:00-10:00 1h: 27h 15m; 5 days 15 minutes of wall clock
    assert d["reason"] == ("Not done: the deadline 2026-11-11 09:45 -03:00 passed 27h 15m of working time "
                           "(5d 15m by the wall clock) before 2026-11-16 10:00 -03:00 (target 9h of working time).")
    # the figures stay as they were: working time in seconds
    assert (d["target_seconds"], d["elapsed_seconds"]) == (9 * 3600, (27.25 + 9) * 3600)
    w = got[("A", "w")]                       # no calendar: 1d is 24 hours, and both spans say days
    assert w["reason"] == ("Not done: the deadline 2026-11-11 09:45 -03:00 passed 5d 15m before "
                           "2026-11-16 10:00 -03:00 (target 1d of wall-clock time).")


def test_on_the_wall_clock_every_span_of_a_reason_says_days():
    # review 25c: `passed 1d 1h 30m before …` beside `target 24h` read as two different clocks
    wall = ("agreement \"w\" { version \"1\"; timezone \"UTC\"; teams sales }\n"
            "deadline c {\n owner sales\n start on assigned\n stop on touch\n within 24h\n}\n")
    events = [_ev("A", "2026-11-02T11:00:00Z", "assigned"), _ev("B", "2026-11-02T11:00:00Z", "assigned"),
              _ev("B", "2026-11-05T12:30:00Z", "touch"), _ev("C", "2026-11-02T11:00:00Z", "assigned"),
              _ev("C", "2026-11-03T10:00:00Z", "touch")]
    got = _verdicts(wall, events, "2026-11-03T12:30:00Z")
    assert got[("A", "c")]["reason"].endswith("passed 1h 30m before 2026-11-03 12:30 +00:00 (target 1d of wall-clock time).")
    later = _verdicts(wall, events, "2026-11-06T00:00:00Z")
    assert later[("B", "c")]["reason"] == ("Stopped at 2026-11-05 12:30 +00:00, 2d 1h 30m after the deadline "
                                           "2026-11-03 11:00 +00:00 (target 1d of wall-clock time).")
    assert later[("C", "c")]["reason"] == ("Stopped at 2026-11-03 10:00 +00:00 after 23h of wall-clock time, "
                                           "within the 1d target (due 2026-11-03 11:00 +00:00).")


def test_a_late_stop_and_a_late_breach_on_a_calendar():
    events = [_ev("B", ASSIGNED, "assigned"), _ev("B", "2026-11-12T10:00:00-03:00", "touch"),
              _ev("C", ASSIGNED, "assigned"), _ev("C", "2026-11-11T11:00:00-03:00", "lost")]
    got = _verdicts(CAL, events, "2026-11-16T10:00:00-03:00")
    # Wed 09:45 -> Thu 10:00: 8h 15m + 1h of working time, 1 day 15 minutes of wall clock
    assert got[("B", "d")]["reason"] == (
        "Stopped at 2026-11-12 10:00 -03:00, 9h 15m of working time (1d 15m by the wall clock) after the "
        "deadline 2026-11-11 09:45 -03:00 (target 9h of working time).")
    # Wed 09:45 -> 11:00, all working time: said once
    assert got[("C", "d")]["reason"].endswith("1h 15m of working time after it.")


def test_a_stop_after_the_close_counts_working_time_to_the_close():
    # a stop after the close: the working time late stops at 18:00, the wall clock runs on
    events = [_ev("D", "2026-11-13T17:00:00-03:00", "assigned"),      # Fri 17:00: 1h Fri + 8h Mon: due Mon 17:00
              _ev("D", "2026-11-16T19:30:00-03:00", "touch")]
    got = _verdicts(CAL, events, "2026-11-17T00:00:00-03:00")
    assert got[("D", "d")]["reason"].startswith(
        "Stopped at 2026-11-16 19:30 -03:00, 1h of working time (2h 30m by the wall clock) after the deadline "
        "2026-11-16 17:00 -03:00")


def test_a_warning_before_the_deadline_on_a_calendar_is_in_working_time():
    # `within 1d on br; warn 1d before`: at risk from the start; the warning is 9h of working time
    got = _verdicts(CAL, [_ev("A", ASSIGNED, "assigned")], "2026-11-10T17:00:00-03:00")
    assert got[("A", "d")]["reason"] == (
        "Open with 7h 15m of 9h of working time used (warning 9h of working time before the deadline); "
        "due 2026-11-11 09:45 -03:00.")
    # on the wall clock `1d` is 24 hours, said in days as the warning is written
    assert got[("A", "w")]["reason"] == (
        "Open with 7h 15m of 1d of wall-clock time used (warning 1d before the deadline); "
        "due 2026-11-11 09:45 -03:00.")


def test_a_warning_level_before_the_deadline_on_a_calendar_is_in_working_time():
    # 2d on br = 18h; `warn 1d before` at 9h, `warn at 90%` at 16h 12m; Tue 09:45 + 9h = Wed 09:45
    got = _verdicts(LEVELS, [_ev("A", ASSIGNED, "assigned")], "2026-11-11T10:00:00-03:00")
    d = got[("A", "d")]
    assert d["status"] == "at_risk"
    assert "(past the warning 9h of working time before the deadline)" in d["reason"]
    assert [w["level"] for w in d["warnings"]] == ["1d before", "90%"]          # the keys stay as written


def _cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "slacode", *args], cwd=cwd, capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"})


def test_the_due_table_names_wall_clock_columns(tmp_path):
    (tmp_path / "c.sla").write_text(CAL)
    (tmp_path / "e.jsonl").write_text('{"lead": "A", "at": "2026-11-10T12:45:00Z", "type": "assigned"}\n')
    proc = _cli("due", "c.sla", "e.jsonl", "--as-of", "2026-11-10T20:00:00Z", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr
    head = proc.stdout.splitlines()[0].split("  ")
    assert "in (wall clock)" in [h.strip() for h in head]
    assert "wall-clock left" in [h.strip() for h in head] and "working left" in [h.strip() for h in head]
    assert "time left" not in proc.stdout.splitlines()[0].replace("wall-clock left", "")


def test_a_deadline_moved_by_one_working_hour_is_said_so_in_a_diff(tmp_path):
    # started Tue 17:00: `within 2h on br` is due Wed 10:00, `within 1h on br` Tue 18:00: 16 hours
    # earlier by the wall clock, one hour of working time
    old = HEAD + "deadline d { owner sales; start on assigned; stop on touch; within 2h on br }\n"
    (tmp_path / "old.sla").write_text(old)
    (tmp_path / "new.sla").write_text(old.replace('version "1"', 'version "2"').replace("within 2h", "within 1h"))
    (tmp_path / "e.jsonl").write_text('{"lead": "A", "at": "2026-11-10T20:00:00Z", "type": "assigned"}\n')
    proc = _cli("diff", "old.sla", "new.sla", "--events", "e.jsonl", "--as-of", "2026-11-10T20:30:00Z",
                cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    lines = proc.stdout.splitlines()
    assert ("Due dates move for 1 verdict (1 earlier, up to 16h by the wall clock); it is open." in lines), lines
    assert lines[-1] == ("  A  d/within cycle 1: due 2026-11-11 10:00 -03:00 → 2026-11-10 18:00 -03:00 "
                         "(1h of working time (16h by the wall clock) earlier; pending)")


def test_a_wall_clock_move_in_a_diff_is_said_as_before(tmp_path):
    old = '''agreement "w" { version "1"; timezone "UTC"; teams sales }
deadline d { owner sales; start on assigned; stop on touch; within 2d }
'''
    (tmp_path / "old.sla").write_text(old)
    (tmp_path / "new.sla").write_text(old.replace('version "1"', 'version "2"').replace("within 2d", "within 1d"))
    (tmp_path / "e.jsonl").write_text('{"lead": "A", "at": "2026-11-10T20:00:00Z", "type": "assigned"}\n')
    proc = _cli("diff", "old.sla", "new.sla", "--events", "e.jsonl", "--as-of", "2026-11-10T20:30:00Z",
                cwd=tmp_path)
    lines = proc.stdout.splitlines()
    assert "Due dates move for 1 verdict (1 earlier, up to 1d); it is open." in lines, lines
    assert lines[-1].endswith("(1d earlier; pending)")
