"""Wording of reasons and hints (review 24c, LOW items 3, 4, 5, 7, 9, 10), each worked out by
hand: a breach by another rule's breach said once, the rules a clause word belongs to, the
SLA352 hint worded for what the clause does, a word the lexer cut quoted whole, a clause
with backquoted names quoted readably, and `diff --events` pairing an escalation's cycle
whose start moved."""
from __future__ import annotations

import subprocess
import sys

import pytest

import slacode
from tests.conftest import ROOT

ESCALATING = '''agreement "e" { version "1"; timezone "UTC"; teams sales }
deadline a { owner sales; start on assigned; stop on touch; within 1h; warn at 50% }
deadline b { owner sales; start on assigned; stop on touch; breach on breach of a; within 4h }
deadline w { owner sales; start on assigned; stop on touch; breach on warning of a; within 4h }
'''


def _reasons(text: str, events: list, as_of: str) -> dict:
    return {(v.lead, v.rule, v.clause): v.reason
            for v in slacode.loads(text).evaluate(events, as_of=as_of).verdicts}


def test_a_breach_by_another_rules_breach_or_warning_says_its_cause_once():
    got = _reasons(ESCALATING, [{"lead": "A", "at": "2026-11-10T10:00:00Z", "type": "assigned"}],
                   "2026-11-10T20:00:00Z")
    # a's deadline 11:00 breaches b; its warning at 10:30 (50% of 1h) breaches w
    assert got[("A", "b", "within")] == ("Breached at 2026-11-10 11:00 +00:00 by `breach on breach of a` (cycle 1 "
                                         "of a), before the deadline 2026-11-10 14:00 +00:00.")
    assert got[("A", "w", "within")] == ("Breached at 2026-11-10 10:30 +00:00 by `breach on warning of a` (cycle 1 "
                                         "of a), before the deadline 2026-11-10 14:00 +00:00.")


def test_a_stop_by_another_rules_breach_still_says_so():
    text = ESCALATING + "deadline s { owner sales; start on assigned; stop on breach of a; within 4h }\n"
    got = _reasons(text, [{"lead": "A", "at": "2026-11-10T10:00:00Z", "type": "assigned"}], "2026-11-10T20:00:00Z")
    assert got[("A", "s", "within")].endswith("Stopped by the breach of a (cycle 1) at 2026-11-10 11:00 +00:00.")


def _diagnostics(text: str) -> list:
    from slacode.api import lint

    return lint(text)


SLA352 = '''agreement "s" {{ version "1"; timezone "UTC"; teams sales }}
deadline d {{
  owner sales
  start when score >= 80
  {clause}
  within 4h
}}
'''


@pytest.mark.parametrize("clause, hint", [
    ("stop when score >= 50", "stop on what the work changes, not on what started the clock"),
    ("breach when score >= 50", 'breach on what shows the promise was broken (`sal_status == "Rejected"`), not on '
                                "what started the clock"),
    ("cancel when score >= 50", "cancel on what ends the need for the work, not on what started the clock"),
])
def test_sla352_hint_for_a_condition_that_holds_at_every_start_fits_the_clause(clause, hint):
    body = SLA352.format(clause=clause if clause.startswith("stop") else clause + "\n  stop on touch")
    found = [d for d in _diagnostics(body) if d.code == "SLA352"]
    assert [d.hint for d in found] == [hint]


@pytest.mark.parametrize("written, word", [("2 días", "días"), ("3 horas", "horas"), ("2 zile", "zile")])
def test_a_unit_the_lexer_cut_is_quoted_whole(written, word):
    text = ('agreement "h" { version "1"; timezone "UTC"; teams sales }\n'
            f"deadline d {{\n  owner sales\n  start on assigned\n  stop on call\n  within {written}\n}}\n")
    (d,) = [d for d in _diagnostics(text) if d.code == "SLA101"]
    assert d.message.endswith(f"found `{word}`"), d.message
    assert (d.span.column, d.span.end_column) == (12, 12 + len(word))


BACKQUOTED = '''agreement "u" { version "1"; timezone "UTC"; teams sales }
handoff h {
  owner sales
  start on assigned
  stop when `situação` == "Aceitação"
  breach when `situação` == "Rejeição"
  within 4h
}
'''


def test_a_clause_with_backquoted_names_is_quoted_readably_in_reasons():
    events = [{"lead": "A", "at": "2026-11-09T10:00:00Z", "type": "assigned", "id": "a1"},
              {"lead": "A", "at": "2026-11-09T10:40:00Z", "type": "update", "id": "a2",
               "fields": {"situação": "Rejeição"}},
              {"lead": "B", "at": "2026-11-09T10:00:00Z", "type": "assigned", "id": "b1"},
              {"lead": "B", "at": "2026-11-09T10:20:00Z", "type": "update", "id": "b2",
               "fields": {"situação": "Aceitação"}}]
    got = _reasons(BACKQUOTED, events, "2026-11-09T20:00:00Z")
    # Markdown's way: a code span with a backquote inside is fenced with two, spaces inside
    assert got[("A", "h", "within")] == ('Breached at 2026-11-09 10:40 +00:00 by `` breach when `situação` == '
                                         '"Rejeição" `` (held after event a2), before the deadline 2026-11-09 '
                                         '14:00 +00:00.')
    assert got[("B", "h", "within")].endswith('`` stop when `situação` == "Aceitação" `` held after event b2, so '
                                              'the cycle was stopped then.')


def _cli(*args, cwd):
    return subprocess.run([sys.executable, "-m", "slacode", *args], cwd=cwd, capture_output=True, text=True,
                          env={"PYTHONPATH": str(ROOT / "src"), "PATH": "/usr/bin:/bin"})


ESCALATION_V1 = '''agreement "b2" { version "1"; timezone "UTC"; teams marketing, sales }
states { mql; sal; disqualified final }
handoff h {
  owner marketing
  start on enter mql
  stop on assigned
  within 4h
  warn at 50%
}
deadline esc {
  owner sales
  start on breach of h
  stop on reassigned
  within 1h
}
'''


def test_diff_pairs_an_escalation_whose_start_moved(tmp_path):
    # h: 4h -> 3h. Each lead's h cycle breaches at 14:00, then at 13:00: the esc cycle it starts moves
    # with it (due 15:00 -> 14:00) and is breached in both: no status changes, two due dates move each
    (tmp_path / "old.sla").write_text(ESCALATION_V1)
    (tmp_path / "new.sla").write_text(ESCALATION_V1.replace('version "1"', 'version "2"').replace("within 4h",
                                                                                                  "within 3h"))
    (tmp_path / "e.jsonl").write_text(
        '{"lead":"A","at":"2026-11-10T10:00:00Z","type":"state","state":"mql","id":"a1"}\n'
        '{"lead":"B","at":"2026-11-10T10:00:00Z","type":"state","state":"mql","id":"b1"}\n')
    proc = _cli("diff", "old.sla", "new.sla", "--events", "e.jsonl", "--as-of", "2026-11-10T20:00:00Z",
                "--format", "json", cwd=tmp_path)
    assert proc.returncode == 1, proc.stderr
    import json

    doc = json.loads(proc.stdout)["impact"]
    assert doc["changed"] == 0 and doc["by_clause"] == []
    moved = sorted((m["lead"], m["rule"], m["due_old"], m["due_new"]) for m in doc["due_moves"]["listed"])
    assert moved == [("A", "esc", "2026-11-10T15:00:00+00:00", "2026-11-10T14:00:00+00:00"),
                     ("A", "h", "2026-11-10T14:00:00+00:00", "2026-11-10T13:00:00+00:00"),
                     ("B", "esc", "2026-11-10T15:00:00+00:00", "2026-11-10T14:00:00+00:00"),
                     ("B", "h", "2026-11-10T14:00:00+00:00", "2026-11-10T13:00:00+00:00")]


def test_diff_still_counts_an_escalation_that_comes_or_goes(tmp_path):
    # the new version stops h at 13:30 for A (a `touch` stop): no breach of h, so no esc cycle: breached -> none
    (tmp_path / "old.sla").write_text(ESCALATION_V1)
    (tmp_path / "new.sla").write_text(ESCALATION_V1.replace('version "1"', 'version "2"').replace(
        "stop on assigned", "stop on assigned or touch"))
    (tmp_path / "e.jsonl").write_text(
        '{"lead":"A","at":"2026-11-10T10:00:00Z","type":"state","state":"mql","id":"a1"}\n'
        '{"lead":"A","at":"2026-11-10T13:30:00Z","type":"touch","id":"a2"}\n')
    proc = _cli("diff", "old.sla", "new.sla", "--events", "e.jsonl", "--as-of", "2026-11-10T20:00:00Z",
                "--format", "json", cwd=tmp_path)
    import json

    doc = json.loads(proc.stdout)["impact"]
    got = {(c["rule"], t["from"], t["to"], t["count"]) for c in doc["by_clause"] for t in c["transitions"]}
    assert got == {("h", "breached", "met", 1), ("esc", "breached", None, 1)}
