"""Inputs that fuzzing found mishandled: each must give a clear, located error (or be
processed), never a traceback, and never lose or rewrite what the user gave silently."""
from __future__ import annotations

import pytest

from slacode.cli import main
from slacode.events import EventInputError, read_events

SPEC = """agreement "fz" { version "1"; timezone "UTC"; teams marketing, sales }
deadline first_touch { owner sales; start on assigned; stop on call; within 2h }
"""
UNFORMATTED = 'agreement "fz" { version "1"; timezone "UTC"; teams marketing, sales }\n' \
              "deadline first_touch {owner sales\n start on assigned; stop on call; within 2h }\n"
EVENTS = '{"lead": "A", "at": "2026-11-24T10:00:00Z", "type": "assigned"}\n'
AS_OF = "2026-11-25T00:00:00Z"


@pytest.fixture
def folder(tmp_path, monkeypatch):
    (tmp_path / "a.sla").write_text(UNFORMATTED)
    (tmp_path / "events.jsonl").write_text(EVENTS)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.mark.parametrize("argv", [
    ["fmt", ""], ["lint", ""], ["test", ""], ["fmt", "a.sla", ""],
    ["check", "", "events.jsonl", "--as-of", AS_OF],
    ["check", "a.sla", "", "--as-of", AS_OF],
    ["diff", "", "a.sla"], ["diff", "a.sla", ""],
])
def test_an_empty_path_is_a_usage_error_not_the_current_folder(folder, capsys, argv):
    # `slacode fmt "$FILE"` with FILE unset used to reformat every agreement of the folder
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert "an empty path names no" in err and "is a folder" not in err
    assert (folder / "a.sla").read_text() == UNFORMATTED


def test_read_events_refuses_an_empty_path():
    with pytest.raises(EventInputError, match="empty path"):
        read_events([""])


@pytest.mark.parametrize("argv, shown", [
    (["check", "a.sla", "events.jsonl", "--csv-delimiter", "\n"], "--csv-delimiter \\n:"),
    (["check", "a.sla", "events.jsonl", "--as-of", "2026-11-24\x00"], "--as-of 2026-11-24\\x00:"),
    (["check", "a.sla", "events.jsonl", "--as-of", AS_OF, "--tz", "UTC\r"], "--tz UTC\\r:"),
])
def test_a_usage_error_stays_one_line_whatever_the_value(folder, capsys, argv, shown):
    # a control character in an option's value used to be echoed raw: the line broke in two
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("slacode: ") and shown in err
    assert "\x00" not in err and "\r" not in err


def test_a_long_csv_cell_is_read_like_a_long_json_line(tmp_path):
    # cells over 131,072 characters (the csv module's default limit) were refused with a hint
    # about an unclosed quote, and a long cell over several lines was reported three times
    long = "x" * 200_000
    export = tmp_path / "notes.csv"
    export.write_text("lead,at,type,note\n"
                      f'A,2026-11-24T10:00:00Z,assigned,"{long}"\n'
                      "B,2026-11-24T11:00:00Z,assigned,short\n"
                      f'C,2026-11-24T12:00:00Z,assigned,"first line\n{long}\nlast line"\n'
                      "D,2026-11-24T13:00:00Z,assigned,short\n")
    batch = read_events(export)
    assert batch.diagnostics == []
    assert [r.lead for r in batch.records] == ["A", "B", "C", "D"]
    assert batch.records[0].props["note"] == long
    assert batch.records[2].props["note"] == f"first line\n{long}\nlast line"


def test_a_linked_folder_inside_a_folder_of_events_is_said_not_skipped(tmp_path):
    """(fuzz 22) os.walk does not enter a link to a folder, so a day's exports linked into
    the folder (`exports/daily -> /data/daily`) were left out without a word."""
    (tmp_path / "daily").mkdir()
    (tmp_path / "daily" / "d1.jsonl").write_text(EVENTS)
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "a.jsonl").write_text(EVENTS.replace('"A"', '"B"'))
    (tmp_path / "exports" / "daily").symlink_to(tmp_path / "daily")
    batch = read_events(tmp_path / "exports")
    assert [r.lead for r in batch.records] == ["B"]
    [said] = batch.diagnostics
    assert (said.code, said.severity, said.path, said.line) == ("SLA518", "warning", str(tmp_path / "exports" / "daily"), 1)
    assert "link to a folder" in said.message and str(tmp_path / "daily") in said.hint


def test_a_folder_of_only_a_linked_folder_names_it(tmp_path):
    (tmp_path / "daily").mkdir()
    (tmp_path / "daily" / "d1.jsonl").write_text(EVENTS)
    (tmp_path / "exports").mkdir()
    (tmp_path / "exports" / "daily").symlink_to(tmp_path / "daily")
    with pytest.raises(EventInputError, match=r"no event files in it \(it has daily, a link to a folder"):
        read_events(tmp_path / "exports")


def test_a_named_pipe_in_a_folder_of_events_is_said_not_waited_on(tmp_path):
    """(fuzz 22) a FIFO named like an event file in a folder made the run wait forever."""
    import os

    (tmp_path / "a.jsonl").write_text(EVENTS)
    os.mkfifo(tmp_path / "feed.jsonl")
    batch = read_events(tmp_path)
    assert [r.lead for r in batch.records] == ["A"]
    [said] = batch.diagnostics
    assert (said.code, said.path) == ("SLA518", str(tmp_path / "feed.jsonl"))
    assert "not a regular file" in said.message


def test_a_file_name_with_control_characters_keeps_a_diagnostic_on_one_line(tmp_path, capsys):
    """(fuzz 22) an event file named with a newline or an escape sequence broke the
    `file:line:col:` line of its problems in two (or recoloured the terminal)."""
    (tmp_path / "a.sla").write_text(SPEC)
    events = tmp_path / "day\n1\x1b[31m.jsonl"
    events.write_text("{broken\n")
    assert main(["check", str(tmp_path / "a.sla"), str(events), "--as-of", AS_OF]) == 0
    shown = capsys.readouterr()
    [said] = [line for line in shown.out.splitlines() if "SLA501" in line]
    assert said.startswith(str(tmp_path / "day\\n1\\x1b[31m.jsonl") + ":1:2: SLA501")
    assert "\x1b" not in shown.out + shown.err
    (tmp_path / "lint\n.sla").write_text(SPEC + "bogus\n")
    assert main(["lint", str(tmp_path / "lint\n.sla")]) == 1
    [said] = [line for line in capsys.readouterr().out.splitlines() if "SLA101" in line]
    assert said.startswith(str(tmp_path / "lint\\n.sla") + ":3:1: SLA101")


def test_utf16_without_a_byte_order_mark_is_named_not_called_windows_1252(tmp_path):
    """(fuzz 22) a JSON Lines file in UTF-16 without its byte order mark got, on every line,
    SLA508 "probably Windows-1252" (a line with an accent) or SLA501 with no hint at all."""
    text = EVENTS + EVENTS.replace('"assigned"', '"assigned", "name": "José"')
    for encoding in ("utf-16-le", "utf-16-be"):
        path = tmp_path / f"{encoding}.jsonl"
        path.write_bytes(text.encode(encoding))
        problems = read_events(path).diagnostics
        assert problems and {d.code for d in problems} <= {"SLA501", "SLA508"}
        for d in problems:
            assert "UTF-16" in (d.hint or "") and "Windows-1252" not in (d.hint or ""), (encoding, d)
            assert "iconv -f UTF-16" in d.hint
        path = tmp_path / f"{encoding}.csv"
        path.write_bytes("lead,at,type\nA,2026-11-24T10:00:00Z,assigned\n".encode(encoding))
        [header] = read_events(path).diagnostics
        assert header.code == "SLA509" and "UTF-16 without a byte order mark" in header.hint


@pytest.mark.parametrize("mtime", [None, 0, 0x0A, 0x0A00, 0x0A0000, 0x0A000000])
def test_data_compressed_twice_is_named(tmp_path, mtime):
    """Whatever the inner gzip header's time: its NUL bytes (flags, a time with zeros, a
    newline byte among them ending the "line" early) once read as UTF-16 text."""
    import gzip

    path = tmp_path / "events.jsonl"
    path.write_bytes(gzip.compress(gzip.compress(EVENTS.encode(), mtime=mtime)))
    first = read_events(path).diagnostics[0]
    assert (first.code, first.line) == ("SLA508", 1) and "gzip" in first.hint and "Windows-1252" not in first.hint
    assert "UTF-16" not in first.hint


def test_explains_heading_shows_a_lead_id_with_control_characters_escaped(tmp_path, capsys):
    """(fuzz 22) `Lead ID under agreement …` wrote the id as it is: a newline in it broke
    the heading in two and an escape sequence reached the terminal."""
    import json

    (tmp_path / "a.sla").write_text(SPEC)
    lead = "L\n1\x1b[2J"
    (tmp_path / "e.jsonl").write_text(json.dumps({"lead": lead, "at": "2026-11-24T10:00:00Z", "type": "assigned"}) + "\n")
    assert main(["explain", str(tmp_path / "a.sla"), str(tmp_path / "e.jsonl"), "--lead", lead, "--as-of", AS_OF]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == 'Lead L\\n1\\x1b[2J under agreement fz (version 1):'


def test_fmt_check_names_a_file_with_a_newline_in_its_name_on_one_line(tmp_path, capsys):
    """fuzz 22 (left then): `fmt --check` split "would reformat a⏎b.sla" over two lines."""
    (tmp_path / "a\nb.sla").write_text('agreement "x" {  timezone "UTC" ; teams sales }\n')
    assert main(["fmt", "--check", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert out == f"would reformat {tmp_path}/a\\nb.sla\n"


def test_a_batch_of_read_events_says_its_late_events_as_check_does(tmp_path, capsys):
    """(fuzz 24) `evaluate(read_events(files))` said "first at event 'e2', line 2" (and
    "event '3'" for an event without an id, as if the line were an id) in one info for
    every file, where `slacode check` says "first at line 2" once per file."""
    import json

    import slacode

    (tmp_path / "a.sla").write_text(SPEC)
    at = "2026-11-24T{}:00Z".format
    for name, lead in (("one.jsonl", "A"), ("two.jsonl", "B")):
        (tmp_path / name).write_text("".join(json.dumps(e) + "\n" for e in [
            {"lead": lead, "at": at("09:00"), "type": "assigned", "id": lead + "1"},
            {"lead": lead, "at": at("11:00"), "type": "call", "id": lead + "2"},
            {"lead": lead, "at": at("12:00"), "type": "call"}]))
    files = [str(tmp_path / "one.jsonl"), str(tmp_path / "two.jsonl")]
    as_of = at("10:00")
    assert main(["check", str(tmp_path / "a.sla"), *files, "--as-of", as_of, "--format", "json"]) == 0
    cli = [d for d in json.loads(capsys.readouterr().out)["diagnostics"] if d["code"] == "SLA506"]
    batch = slacode.load(tmp_path / "a.sla").evaluate(slacode.read_events(files), as_of=as_of)
    lib = [d.to_dict() for d in batch.diagnostics if d.code == "SLA506"]
    assert [(d["file"], d["line"], d["message"]) for d in lib] == [(d["file"], d["line"], d["message"]) for d in cli]
    assert [d["message"][-len("(first at line 2)"):] for d in lib] == ["(first at line 2)"] * 2


def test_a_warning_at_the_start_of_a_cycle_an_attempt_stops_at_once_settles():
    """(fuzz 24) An event that starts `r2` and is the 1st attempt of `r1` (which stops `r2`),
    with `r2` warning at its start (`warn at 0%`) and `warning of r2` counted by a quota:
    the folds never settled and `evaluate` raised EscalationLoopError, though no rule
    waits for its own breach or warning (no SLA345): the virtual warning record, which
    carries the instant and the ref of r2's start event, was taken for r1's 1st attempt
    again and stopped r2. An event is the Nth attempt only if its own pass made it."""
    import slacode

    spec = slacode.loads("""agreement "fz" { version "1"; timezone "UTC"; teams sales }
attempts r1 { owner sales; start on enter on_hold; count call; at least 2 within 3d }
deadline r2 { owner sales; start on call; stop on 1st attempt of r1; within 30m; warn at 0% }
quota q { owner sales; count warning of r2; at most 5 per day }
""")
    events = [{"lead": "L", "at": "2026-11-09T02:07:00Z", "type": "state", "state": "on_hold"},
              {"lead": "L", "at": "2026-11-09T02:07:00Z", "type": "call"}]
    verdicts = spec.evaluate(events, as_of="2026-11-12T07:50:00Z").verdicts
    assert [v.rule for v in verdicts if v.lead == "L"] == ["r1", "r2"]
    got = {(v.rule, v.period): v for v in verdicts}
    # the call is r1's 1st attempt before it starts r2 (stop before start, §6): r2 stays open
    assert got["r2", None].status == "breached" and got["r2", None].completed_at is None
    assert got["q", "2026-11-09"].value == 1             # r2 warned at its start
