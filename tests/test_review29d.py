"""Review 29d (a crash and silent-loss hunt): the exit status through a pipe both streams
go to, outputs that would overwrite an input, errors that name the wrong thing."""
from __future__ import annotations

import subprocess
import sys

import pytest

from tests.conftest import ROOT

BAD = 'agreement "x" { version "1"; timezone "UTC"; teams sales }\ndeadline d {\n  owner sales\n  start on a\n' \
      '  stop on b\n  within 1h on nowhere\n}\n'


def _status_with_the_reader_gone(args, cwd) -> int:
    """The exit status of ``slacode ARGS`` when standard output and standard error go to one
    pipe whose reader has gone before anything was written (`2>&1 | head -0`)."""
    proc = subprocess.Popen([sys.executable, "-m", "slacode", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, cwd=cwd)
    proc.stdout.close()
    return proc.wait(timeout=120)


@pytest.mark.parametrize("args", [["lint", "bad.sla"], ["fmt", "--check", "ugly.sla"],
                                  ["check", str(ROOT / "specs" / "northwind.sla"), str(ROOT / "specs" / "events.jsonl"),
                                   "--as-of", "2026-11-20T18:00:00-03:00", "--fail-on", "breached", "--format", "jsonl"]])
def test_a_closed_pipe_on_both_streams_keeps_the_status(tmp_path, args):
    (tmp_path / "bad.sla").write_text(BAD)
    (tmp_path / "ugly.sla").write_text('agreement "x" {version "1"; timezone "UTC"; teams sales}\n')
    unpiped = subprocess.run([sys.executable, "-m", "slacode", *args], capture_output=True, cwd=tmp_path).returncode
    assert unpiped == 1
    assert _status_with_the_reader_gone(args, tmp_path) == 1


@pytest.mark.parametrize("which", ["spec", "events", "link"])
def test_the_dashboard_is_never_written_over_an_input(tmp_path, which):
    import os
    import shutil

    spec, events = tmp_path / "desk.sla", tmp_path / "events.jsonl"
    shutil.copy(ROOT / "specs" / "northwind.sla", spec)
    shutil.copy(ROOT / "specs" / "events.jsonl", events)
    before = spec.read_bytes(), events.read_bytes()
    target = {"spec": "./desk.sla", "events": str(events), "link": "view.html"}[which]
    if which == "link":
        os.symlink(events, tmp_path / "view.html")
    done = subprocess.run([sys.executable, "-m", "slacode", "report", "desk.sla", "events.jsonl", "--as-of",
                           "2026-11-20T18:00:00-03:00", "--html", target], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 2 and "writing the dashboard there would replace it" in done.stderr
    assert (spec.read_bytes(), events.read_bytes()) == before


def test_write_verdicts_refuses_to_write_over_its_events(tmp_path):
    import shutil

    import slacode

    events = tmp_path / "events.jsonl"
    shutil.copy(ROOT / "specs" / "events.jsonl", events)
    before = events.read_bytes()
    agreement = slacode.load(ROOT / "specs" / "northwind.sla")
    for given in (events, [str(events)], (tmp_path / "." / "events.jsonl",)):
        with pytest.raises(ValueError, match="also one of the event files to read"):
            agreement.write_verdicts(given, events, as_of="2026-11-20T18:00:00-03:00")
    assert events.read_bytes() == before
    summary = agreement.write_verdicts([events], tmp_path / "verdicts.jsonl", as_of="2026-11-20T18:00:00-03:00")
    assert summary["verdicts"] > 0


def test_paths_that_name_nothing_are_said_so(tmp_path):
    import os

    os.symlink("b.sla", tmp_path / "a.sla")
    os.symlink("a.sla", tmp_path / "b.sla")
    (tmp_path / "desk.sla").write_text((ROOT / "specs" / "northwind.sla").read_text())
    loop = subprocess.run([sys.executable, "-m", "slacode", "check", "a.sla", str(ROOT / "specs" / "events.jsonl")],
                          capture_output=True, text=True, cwd=tmp_path)
    assert loop.returncode == 2 and "a.sla: a link to b.sla, in a loop of links that reaches no file" in loop.stderr
    typo = subprocess.run([sys.executable, "-m", "slacode", "check", "desk.sla", "events_typo"],
                          capture_output=True, text=True, cwd=tmp_path)
    assert typo.returncode == 2 and "events_typo: no such file or folder" in typo.stderr


def test_the_library_names_the_argument_it_refuses():
    import slacode
    from slacode.report import compliance, standings
    from slacode.report.changes import changes

    agreement = slacode.load(ROOT / "specs" / "northwind.sla")
    with pytest.raises(TypeError, match="^since must be"):
        changes(agreement, [], since=None, as_of="2026-11-20T18:00:00Z")
    with pytest.raises(ValueError, match="^since: 'yesterday'"):
        changes(agreement, [], since="yesterday", as_of="2026-11-20T18:00:00Z")
    with pytest.raises(ValueError, match="^as_of: 'yesterday'"):
        changes(agreement, [], since="2026-11-20T10:00:00Z", as_of="yesterday")
    for call in (compliance, standings):
        for wrong in (None, []):
            with pytest.raises(TypeError, match="counts a slacode.Result"):
                call(wrong)


_PIECES = ["lines 3, 4", "line 12", "ev-1", " ", ".", ":", "a", "ev-10", ",", "x.ev-1", "ev-1.", "ev-1:",
           "events 2, 3", "f.jsonl:4", "lines 4,5", "3", "ev 1", "a/b", "ev-1.x", "ev_1", "-", "é"]


def test_the_citations_of_a_reason_judged_at_once_are_judged_as_one_by_one():
    """`check --format github` names the evidence a reason does not cite; a verdict citing
    thousands of events is judged in one pass over its reason (16,000 attempts of one lead:
    69 s before, under 2 s), with exactly the answers of the search per ref."""
    from hypothesis import given, settings
    from hypothesis import strategies as st

    from slacode.refs import LineRef, PositionRef
    from slacode.reporters import _Citations, _named

    refs = st.one_of(st.sampled_from(["ev-1", "ev-10", "a", "1", "a/b", "ev 1", "x.", "ev-1.x", "-", "é"]),
                     st.sampled_from(["3", "4", "12", "5", "f.jsonl:4"]).map(LineRef),
                     st.sampled_from(["2", "3"]).map(PositionRef))

    @settings(max_examples=400, deadline=None)
    @given(st.lists(st.sampled_from(_PIECES), max_size=9).map("".join), st.lists(refs, max_size=6))
    def same(reason, cited):
        judge = _Citations(reason)
        assert [judge(r) for r in cited] == [_named(r, reason) for r in cited]

    same()
