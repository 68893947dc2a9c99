"""`slacode due --rule / --owner / --segment` (review 24s UX-7: "notify the reps of the hot
leads" needed the JSON and jq): the filters keep only the clocks asked for, refuse a name the
agreement lacks with the closest one, and change nothing else about a clock listed (its
escalations are still worked out from all of the lead's rules)."""
from __future__ import annotations

import json
import subprocess
import sys

from tests.conftest import run_slacode

SPEC = '''agreement "desk" { version "1"; timezone "UTC"; teams marketing, sales }
segment hot = score >= 80
handoff mql_handoff {
  owner marketing
  start on enter mql
  stop on assigned
  within 1h
}
deadline first_touch {
  owner sales
  start on assigned
  stop on contact_attempt
  within 15m for hot
  within 4h
}
deadline manager_call {
  owner sales
  start on breach of first_touch
  stop on manager_call
  within 1h
}
'''

EVENTS = [
    {"lead": "H", "at": "2026-11-24T09:00:00Z", "type": "state", "state": "mql", "fields": {"score": 90}},
    {"lead": "H", "at": "2026-11-24T09:10:00Z", "type": "assigned", "owner": "ana"},
    {"lead": "C", "at": "2026-11-24T09:00:00Z", "type": "state", "state": "mql", "fields": {"score": 10}},
    {"lead": "C", "at": "2026-11-24T09:20:00Z", "type": "assigned", "owner": "bob"},
    {"lead": "M", "at": "2026-11-24T09:05:00Z", "type": "state", "state": "mql", "fields": {"score": 50}},
]


def _due(tmp_path, *args: str) -> subprocess.CompletedProcess:
    spec, events = tmp_path / "desk.sla", tmp_path / "events.jsonl"
    spec.write_text(SPEC)
    events.write_text("".join(json.dumps(e) + "\n" for e in EVENTS))
    return run_slacode(["due", spec, events, "--as-of", "2026-11-24T09:12:00Z", "--format", "json", *args])


def _clocks(done) -> list[tuple]:
    assert done.returncode == 0, done.stderr
    return [(d["lead"], d["rule"], d["segment"], tuple(d.get("escalates_to", ()))) for d in json.loads(done.stdout)["due"]]


def test_the_filters_keep_only_the_clocks_asked_for(tmp_path):
    every = _clocks(_due(tmp_path))
    # (C is assigned at 09:20, after as_of: its handoff is still open)
    assert {(lead, rule) for lead, rule, _, _ in every} == {("H", "first_touch"), ("M", "mql_handoff"), ("C", "mql_handoff")}
    assert _clocks(_due(tmp_path, "--rule", "first_touch")) == [c for c in every if c[1] == "first_touch"]
    assert _clocks(_due(tmp_path, "--owner", "marketing")) == [c for c in every if c[1] == "mql_handoff"]
    assert _clocks(_due(tmp_path, "--segment", "hot")) == [c for c in every if c[2] == "hot"]
    assert _clocks(_due(tmp_path, "--rule", "mql_handoff", "--segment", "hot")) == []
    assert _clocks(_due(tmp_path, "--rule", "first_touch", "--rule", "mql_handoff")) == every


def test_a_clock_listed_keeps_its_escalations(tmp_path):
    # H's hot first touch (due 09:25) would start manager_call: still said with --rule first_touch
    hot = [c for c in _clocks(_due(tmp_path, "--rule", "first_touch")) if c[0] == "H"]
    assert hot == [("H", "first_touch", "hot", ("manager_call",))]


def test_a_name_the_agreement_lacks_is_refused_with_the_closest(tmp_path):
    for args, said in ((("--rule", "first_tuch"), "did you mean `first_touch`?"),
                       (("--owner", "sale"), "did you mean `sales`?"),
                       (("--segment", "hott"), "did you mean `hot`?")):
        done = _due(tmp_path, *args)
        assert done.returncode == 2 and said in done.stderr and not done.stdout


def test_overdue_clocks_of_other_rules_are_not_counted_as_missed(tmp_path):
    spec, events = tmp_path / "desk.sla", tmp_path / "events.jsonl"
    _due(tmp_path)
    late = [sys.executable, "-m", "slacode", "due", str(spec), str(events), "--as-of", "2026-11-24T12:00:00Z"]
    every = subprocess.run(late, capture_output=True, text=True)
    assert "past its deadline" in every.stderr or "past their deadline" in every.stderr
    marketing = subprocess.run([*late, "--owner", "marketing"], capture_output=True, text=True)
    # M's handoff (due 10:05) is the one overdue marketing clock; the sales ones are not counted
    assert "1 more clock is past its deadline" in marketing.stderr


def test_a_quota_or_target_given_to_rule_is_said_to_be_one(tmp_path):
    spec = tmp_path / "q.sla"
    spec.write_text(SPEC + "quota calls { owner sales; count contact_attempt; at least 1 per day }\n")
    events = tmp_path / "e.jsonl"
    events.write_text("".join(json.dumps(e) + "\n" for e in EVENTS))
    for command in ("due", "report"):
        done = subprocess.run([sys.executable, "-m", "slacode", command, str(spec), str(events), "--rule", "calls",
                               "--as-of", "2026-11-24T12:00:00Z"], capture_output=True, text=True)
        assert done.returncode == 2 and "that is a quota, not a rule" in done.stderr, done.stderr
