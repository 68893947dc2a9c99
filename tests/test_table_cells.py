"""The table format shows each verdict on one line that reads as it is (review 21c): control
and direction-changing characters in lead ids and reps are escaped, long values cut; the
machine formats keep every value as it was sent."""
from __future__ import annotations

import json
import subprocess
import sys

SPEC = ('agreement "x" { version "1"; timezone "UTC"; teams sales }\n'
        'deadline touch { owner sales; start on assigned; stop on call; within 1h }\n')


def _check(tmp_path, fmt: str) -> str:
    (tmp_path / "a.sla").write_text(SPEC)
    events = [{"lead": "L\n9\x00", "at": "2026-11-24T09:00:00Z", "type": "assigned", "owner": "an\u202ea"},
              {"lead": "L" * 300, "at": "2026-11-24T09:00:00Z", "type": "assigned", "owner": "bo"}]
    (tmp_path / "e.jsonl").write_text("".join(json.dumps(e) + "\n" for e in events))
    done = subprocess.run([sys.executable, "-m", "slacode", "check", "a.sla", "e.jsonl", "--as-of",
                           "2026-11-24T12:00:00Z", "--format", fmt], capture_output=True, text=True, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_table_escapes_controls_and_cuts_long_values(tmp_path):
    out = _check(tmp_path, "table")
    rows = out.splitlines()
    assert rows[1].startswith("L\\n9\\x00 ") and "an[U+202E]a" in rows[1]
    assert "\x00" not in out and "\u202e" not in out
    assert rows[2].startswith("L" * 59 + "… ")
    # the header, one line per verdict (nothing split), the summary
    assert len(rows) == 4 and rows[3] == "2 verdicts for 2 leads: 2 breached."


def test_the_machine_formats_keep_the_values(tmp_path):
    verdicts = [json.loads(line) for line in _check(tmp_path, "jsonl").splitlines()
                if '"record":"verdict"' in line]
    assert [v["lead"] for v in verdicts] == ["L\n9\x00", "L" * 300]
    assert verdicts[0]["assignee"] == "an\u202ea"


def test_due_and_report_tables_escape_them_too(tmp_path):
    """review 21d: the same one-line rule for `due` and `report --by assignee`."""
    (tmp_path / "a.sla").write_text(SPEC)
    events = [{"lead": "L\n9", "at": "2026-11-24T09:00:00Z", "type": "assigned", "owner": "a\tna\x07"}]
    (tmp_path / "e.jsonl").write_text("".join(json.dumps(e) + "\n" for e in events))
    for args, said in ((["due"], "L\\n9"), (["report", "--by", "assignee"], "a\\tna\\x07")):
        done = subprocess.run([sys.executable, "-m", "slacode", *args, "a.sla", "e.jsonl", "--as-of",
                               "2026-11-24T09:30:00Z"], capture_output=True, text=True, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        assert said in done.stdout and "\x07" not in done.stdout and "\t" not in done.stdout
