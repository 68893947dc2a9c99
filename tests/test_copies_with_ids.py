"""SLA620 (review 29b): the same event read from a source with ids (a webhook log) and from one
without (a CRM export). Only an `id` makes two events one (LANGUAGE.md §4, §13), so both are
evaluated, and the run says so once (a warning, so `--fail-on input` fails), whichever source
comes first, in one process or several."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

import slacode
from slacode import parallel
from slacode.cli import main

HERE = Path(__file__).resolve().parent
CASE = HERE / "fixtures" / "copies29"

SPEC = ('agreement "x" { timezone "UTC"; teams sales }\n'
        "attempts cadence {\n  owner sales\n  start on assigned\n  count call\n  at most 3 per day\n}\n"
        "quota calls {\n  owner sales\n  count call\n  at least 100 per day\n}\n")
AS_OF = "2026-11-20T23:00:00Z"
ASSIGNED = {"lead": "A", "at": "2026-11-20T10:00:00Z", "type": "assigned", "owner": "ana"}
CALL = {"lead": "A", "at": "2026-11-20T11:00:00Z", "type": "call", "outcome": "no answer"}


def calls_counted(events) -> tuple[int, list]:
    """How many `call` events the quota counted, and the run's SLA620 diagnostics."""
    result = slacode.loads(SPEC).evaluate(events, as_of=AS_OF)
    (quota,) = [v for v in result.verdicts if v.rule == "calls"]
    return quota.value, [d for d in result.diagnostics if d.code == "SLA620"]


def test_a_copy_without_an_id_of_an_event_with_one_is_evaluated_and_said():
    counted, (found,) = calls_counted([ASSIGNED, {**CALL, "id": "c1"}, CALL])
    assert counted == 2                                  # §4: only ids make two events one
    assert (found.line, found.severity, found.lead) == (3, "warning", "A")
    assert found.message.startswith("lead 'A' has an event without an `id` that is a copy of event 2 (id 'c1': ")
    assert "both were evaluated, as two events" in found.message
    assert "--column id=HEADER" in found.hint


def test_the_event_with_the_id_after_its_copy_without_one_is_said_too():
    counted, (found,) = calls_counted([ASSIGNED, CALL, {**CALL, "id": "c1"}])
    assert counted == 2
    assert found.line == 3
    assert found.message.startswith("lead 'A' has an event with the id 'c1' that is a copy of event 2, "
                                    "which has no `id`")


def test_two_events_with_different_ids_are_no_copies():
    assert calls_counted([ASSIGNED, {**CALL, "id": "c1"}, {**CALL, "id": "c2"}]) == (2, [])
    counted, (found,) = calls_counted([ASSIGNED, {**CALL, "id": "c1"}, {**CALL, "id": "c2"}, CALL])
    assert counted == 3 and found.line == 4


@pytest.mark.parametrize("other", [
    {"outcome": "voicemail"}, {"at": "2026-11-20T11:00:01Z"}, {"fields": {"x": 1}}, {"channel": "phone"}])
def test_an_event_with_an_id_and_one_without_that_differ_are_two(other):
    assert calls_counted([ASSIGNED, {**CALL, "id": "c1"}, {**CALL, **other}]) == (2, [])


def test_the_instant_is_compared_not_its_text_and_keys_in_any_order():
    copy = {"type": "call", "outcome": "no answer", "at": "2026-11-20T08:00:00-03:00", "lead": "A"}
    counted, found = calls_counted([ASSIGNED, {**CALL, "id": 7}, copy])
    assert counted == 2 and len(found) == 1


@settings(max_examples=60, deadline=None)
@given(ids=st.integers(0, 3), bare=st.integers(0, 3), order=st.randoms(use_true_random=False))
def test_every_event_counts_and_a_copy_is_said_in_any_order(ids, bare, order):
    """n events with ids and m copies without one are n + m calls (only ids make events one),
    and the run says so whenever a copy without an id meets another event of its content."""
    same = [{**CALL, "id": f"c{i}"} for i in range(ids)] + [dict(CALL) for _ in range(bare)]
    order.shuffle(same)
    counted, found = calls_counted([ASSIGNED, *same])
    assert counted == ids + bare
    assert bool(found) == (bare >= 1 and ids + bare >= 2)


# -- the command line: review 29b's files, either order, any number of processes ---------

def check(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_the_review_files_either_order_fail_on_input(capsys):
    """What review 29b saw: the webhook log and the export of the same calls, read together,
    counted each call twice and nothing was said; now `--fail-on input` fails and says why."""
    spec, webhook, export = CASE / "revops.sla", CASE / "overlap.jsonl", CASE / "overlap.csv"
    args = ["--as-of", "2026-12-01T18:00:00-05:00", "--fail-on", "input", "--ignore", "SLA217", "--format", "json"]
    runs = []
    for files in ((webhook, export), (export, webhook)):
        code, out, _ = check(capsys, "check", str(spec), *map(str, files), *args)
        assert code == 1                                    # the copies are an input problem
        doc = json.loads(out)
        (said,) = [d for d in doc["diagnostics"] if d["code"] == "SLA620"]
        assert "both were evaluated" in said["message"]
        runs.append((said["file"], said["line"]))
    assert runs == [(str(export), 2), (str(webhook), 1)]


@pytest.mark.skipif(not parallel.can_fork(), reason="parallel evaluation needs fork")
def test_the_same_with_any_number_of_processes(tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 0)
    monkeypatch.setattr(parallel, "MIN_PARALLEL_RECORDS", 0)
    spec = tmp_path / "a.sla"
    spec.write_text(SPEC)
    webhook, export = tmp_path / "webhook.jsonl", tmp_path / "export.jsonl"
    hooks, rows = [], []
    for n in range(40):
        lead = f"L{n:03d}"
        hooks.append({**ASSIGNED, "lead": lead, "id": f"{lead}-a"})
        for k in range(3):
            call = {**CALL, "lead": lead, "at": f"2026-11-20T1{k + 1}:00:00Z"}
            hooks.append({**call, "id": f"{lead}-{k}"})
            if (n + k) % 3:
                rows.append(call)                         # most calls exported again, without an id
    webhook.write_text("".join(json.dumps(e) + "\n" for e in hooks))
    export.write_text("".join(json.dumps(e) + "\n" for e in rows))
    for files in ((webhook, export), (export, webhook)):
        seen = []
        for jobs in ("1", "2", "3"):
            code, out, err = check(capsys, "check", str(spec), *map(str, files), "--as-of", AS_OF,
                                   "--format", "json", "--jobs", jobs)
            assert code == 0, err
            seen.append(out)
        assert seen[1] == seen[0] and seen[2] == seen[0]
        doc = json.loads(seen[0])
        (quota,) = [v for v in doc["verdicts"] if v["rule"] == "calls"]
        assert quota["value"] == 120 + len(rows)
        (said,) = [d for d in doc["diagnostics"] if d["code"] == "SLA620"]
        assert said["message"].endswith(f"; {len({r['lead'] for r in rows})} leads have such a copy")
