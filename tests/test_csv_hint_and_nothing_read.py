"""The SLA509 hint maps the usual state headers and names the columns it leaves (review 27b,
M1); `check` says plainly when not one event could be read (M2)."""
from __future__ import annotations

from click.testing import CliRunner

from slacode.cli import cli
from slacode.events import iter_records
from slacode.events_csv import _field_name

_AGREEMENT = ('agreement "x" { timezone "UTC"; teams sales }\nsegment hot = score >= 80\n'
              "deadline d {\n  owner sales\n  start on enter mql\n  stop on call\n"
              "  within 15m for hot\n  within 4h\n}\n")
_CRM = ("Lead ID;Created Date;Activity Type;Status;Lead Score;Owner\n"
        "C-1;2026-11-24T09:10:00-03:00;state;mql;85;carla\n")


def _hint(tmp_path, text: str) -> str:
    path = tmp_path / "crm.csv"
    path.write_text(text)
    diags: list = []
    list(iter_records([str(path)], diagnostics=diags))
    (d,) = [d for d in diags if d.code == "SLA509"]
    return d.hint


def test_field_name_of_a_header():
    assert _field_name("Lead Score") == "score" and _field_name("Region") == "region"
    assert _field_name("Annual Revenue") == "annual_revenue" and _field_name("leadScore") == "score"


def test_the_semicolon_hint_maps_status_and_names_lead_score(tmp_path):
    hint = _hint(tmp_path, _CRM)
    assert "--column state=Status" in hint
    assert ('not mapped (read as properties of the events): Lead Score — map it to a lead field with '
            '--column fields.score="Lead Score" if the agreement reads it') in hint


def test_the_comma_hint_maps_lead_status_and_lists_the_rest(tmp_path):
    hint = _hint(tmp_path, "Lead ID,Created Date,Activity Type,Lead Status,Lead Score,Region\n"
                           "C-1,2026-11-24T09:10:00-03:00,state,mql,85,SP\n")
    assert '--column state="Lead Status"' in hint
    assert "Lead Score, Region — map one to a lead field with" in hint
    assert "--column fields.region=Region" in hint


def test_no_unmapped_words_when_every_column_is_mapped(tmp_path):
    hint = _hint(tmp_path, "Lead ID,Created Date,Activity Type\nC-1,2026-11-24T09:10:00-03:00,call\n")
    assert "not mapped" not in hint


def test_following_the_hint_reads_the_events_with_their_state_and_score(tmp_path):
    sla = tmp_path / "a.sla"
    sla.write_text(_AGREEMENT)
    csv = tmp_path / "crm.csv"
    csv.write_text(_CRM)
    out = CliRunner().invoke(cli, ["check", str(sla), str(csv), "--as-of", "2026-11-24T12:00:00-03:00",
                                   "--csv-delimiter", ";", "--column", "lead=Lead ID", "--column", "at=Created Date",
                                   "--column", "type=Activity Type", "--column", "state=Status",
                                   "--column", "fields.score=Lead Score"])
    assert "1 verdict for 1 lead: 1 breached" in out.output, out.output      # hot: the 15m line


def _check(tmp_path, capsys, events: str, *more: str) -> tuple[int, str]:
    from slacode.cli import main

    sla = tmp_path / "a.sla"
    sla.write_text(_AGREEMENT)
    ev = tmp_path / "e.jsonl"
    ev.write_text(events)
    status = main(["check", str(sla), str(ev), "--as-of", "2026-11-24T12:00:00Z", *more])
    got = capsys.readouterr()
    return status, got.out + got.err


def test_check_says_when_no_event_could_be_read_and_keeps_exit_0(tmp_path, capsys):
    bad = '{"lead": "A", "at": "2026-11-24T10:00:00", "type": "call"}\n{"lead": "B"}\n'
    for jobs in ("1", "2"):
        status, text = _check(tmp_path, capsys, bad, "--jobs", jobs)
        assert status == 0
        assert ("no event of the input could be read (3 input errors); the exit status is still 0: pass "
                "--fail-on input to make this fail CI") in text, text
    status, text = _check(tmp_path, capsys, bad, "--fail-on", "input")
    assert status == 1 and "could be read" not in text and "exit 1: 3 input problems" in text


def test_no_such_note_when_some_event_was_read_or_nothing_went_wrong(tmp_path, capsys):
    one_good = '{"lead": "A", "at": "2026-11-24T10:00:00Z", "type": "call"}\n{"lead": "B"}\n'
    assert "could be read" not in _check(tmp_path, capsys, one_good)[1]
    fine = '{"lead": "A", "at": "2026-11-24T10:00:00Z", "type": "x"}\n'
    status, text = _check(tmp_path, capsys, fine)
    assert status == 0 and "could be read" not in text
