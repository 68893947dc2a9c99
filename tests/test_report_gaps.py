"""A date far from the others (a placeholder year) must not make `report` print every week or
day since it (review 23b F1): runs of more than LONGEST_GAP empty periods are left out of the
report's periods, said in the table's notes and in the JSON's `left_out`, and the stderr line
names the codes of the input problems (SLA611, SLA610 …)."""
from __future__ import annotations

import json
import subprocess
import sys

from hypothesis import given
from hypothesis import strategies as st

from slacode.report.tables import LONGEST_GAP, Period, without_long_gaps
from tests.conftest import run_slacode

# (in UTC: in 1001 São Paulo kept local mean time, -03:06:28, whose instants are written
# with the offset truncated to -03:06, docs/time.md; UTC keeps the expected texts plain)
AGREEMENT = '''agreement "gaps" {
  version "1"
  timezone "UTC"
  teams sales
}

deadline first_touch {
  owner sales
  start on assigned
  stop on contact_attempt
  within 4h
}

quota touches {
  owner sales
  count contact_attempt
  at least 1 per day
}
'''
EVENTS = [
    {"lead": "A", "at": "1001-11-13T13:00:00-03:00", "type": "assigned", "owner": "ana"},
    {"lead": "B", "at": "2026-11-16T13:00:00-03:00", "type": "assigned", "owner": "bob"},
    {"lead": "B", "at": "2026-11-16T14:00:00-03:00", "type": "contact_attempt"},
]
AS_OF = "2026-11-18T12:00:00-03:00"


def report(tmp_path, *args):
    (tmp_path / "a.sla").write_text(AGREEMENT)
    (tmp_path / "e.jsonl").write_text("".join(json.dumps(e) + "\n" for e in EVENTS))
    return run_slacode(["report", "a.sla", "e.jsonl", "--as-of", AS_OF, *args], cwd=tmp_path)   # in this process


def test_a_placeholder_year_leaves_out_the_empty_weeks_and_says_so(tmp_path):
    proc = report(tmp_path)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert len(lines) < 40                              # not a line per week since 1001
    assert lines[1].split()[:2] == ["first_touch.within", "1001-W46"] and lines[2].split()[0] == "2026-W47"
    assert any(line.startswith("53,48") and "weeks in a row with nothing counted, 1001-W47 to 2026-W46, are left out"
               in line for line in lines)
    # the quota of more than 100,000 days is SLA611, named with its count on standard error
    assert "(SLA611)" in proc.stderr and "slacode rule CODE" in proc.stderr


def test_the_json_says_what_was_left_out_and_validates(tmp_path):
    from jsonschema import Draft202012Validator

    proc = report(tmp_path, "--period", "day", "--format", "json")
    doc = json.loads(proc.stdout)
    assert [p["period"] for p in doc["periods"]][:2] == ["1001-11-13", "2026-11-16"]
    assert doc["left_out"] == [{"periods": doc["left_out"][0]["periods"], "from": "1001-11-14", "to": "2026-11-15"}]
    assert doc["left_out"][0]["periods"] > 300_000
    schema = json.loads(subprocess.run([sys.executable, "-m", "slacode", "schema", "report"],
                                       capture_output=True, text=True).stdout)
    assert Draft202012Validator(schema).is_valid(doc)


def test_an_ordinary_history_leaves_nothing_out(tmp_path):
    EVENTS[0]["at"] = "2026-10-01T13:00:00-03:00"
    try:
        doc = json.loads(report(tmp_path, "--period", "day", "--format", "json").stdout)
    finally:
        EVENTS[0]["at"] = "1001-11-13T13:00:00-03:00"
    assert doc["left_out"] == [] and len(doc["periods"]) == 49


@given(st.lists(st.booleans(), min_size=1, max_size=60), st.integers(1, 6))
def test_without_long_gaps_keeps_every_used_period_and_short_gaps(used_flags, longest):
    spans = [Period(f"p{i}", i, i + 1, True) for i in range(len(used_flags))]
    used = {p.label for p, u in zip(spans, used_flags) if u}
    kept, gaps = without_long_gaps(spans, used, longest)
    labels = [p.label for p in kept]
    assert labels == sorted(labels, key=lambda s: int(s[1:]))          # in order
    assert used <= set(labels) and labels[-1] == spans[-1].label       # every used one, and the last
    assert len(kept) + sum(n for n, _, _ in gaps) == len(spans)        # nothing lost unsaid
    for n, a, b in gaps:
        assert n > longest and int(b[1:]) - int(a[1:]) + 1 == n
        assert not {f"p{i}" for i in range(int(a[1:]), int(b[1:]) + 1)} & used
    # a run of empty periods that was kept is no longer than `longest`
    run = 0
    for p in kept[:-1]:
        run = 0 if p.label in used else run + 1
        assert run <= longest


def test_the_limit_is_more_than_a_year_of_days():
    assert LONGEST_GAP >= 366
