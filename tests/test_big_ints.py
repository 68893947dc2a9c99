"""Integers past Python's int/str conversion limit (4,300 digits, review M3).

Python refuses to turn an int of more than ``sys.get_int_max_str_digits()`` digits into
text (and text into such an int): ``ValueError: Exceeds the limit (4300 digits)``. Such
integers reach slacode in event files (a CSV cell is read as an int up to the limit; a sum
of such amounts passes it), in events given to the library (any size), and in agreements
(a `let` goal). Each place gives a diagnostic with its place, or handles the number
exactly; none a traceback.
"""
from __future__ import annotations

import json
import sys

import pytest

import slacode
from slacode import output, parallel
from slacode.cli import main
from slacode.texts import grouped, int_digits

LIMIT = sys.get_int_max_str_digits() or 4300
HEAD = 'agreement "big" { version "1"; timezone "UTC"; teams sales }\n'
SUM = HEAD + "quota pipeline { owner sales; sum amount of deal; at least 1 per month }\n"
AS_OF = "2026-12-01T00:00:00Z"
NINES = 10 ** LIMIT - 1                       # the largest int Python writes: LIMIT nines


def _digits(n: int) -> str:
    """``n``'s digits worked out without str() (which refuses them)."""
    out = []
    while n:
        n, d = divmod(n, 10 ** 1000)
        out.append(f"{d:01000d}" if n else f"{d}")
    return "".join(reversed(out)) or "0"


def test_int_digits_and_grouped_write_any_int():
    big = 2 * 10 ** (LIMIT + 10) + 7
    assert int_digits(big) == "2" + "0" * (LIMIT + 9) + "7" == _digits(big)
    assert int_digits(-big) == "-" + int_digits(big)
    assert int_digits(12) == "12" and grouped(1234567) == "1,234,567" and grouped(1234.5) == "1,234.5"
    text = grouped(big)
    assert text.replace(",", "") == int_digits(big) and 1 <= len(text.split(",")[0]) <= 3
    assert all(len(g) == 3 for g in text.split(",")[1:])
    assert grouped(-big) == "-" + text


# ----------------------------------------------------------------- event files (CLI)

@pytest.fixture()
def csv_nines(tmp_path):
    """Two CSV amounts of LIMIT digits each: each read exactly, their sum one digit past."""
    spec, events = tmp_path / "q.sla", tmp_path / "e.csv"
    spec.write_text(SUM)
    events.write_text("lead,at,type,amount\n" + "".join(f"{lead},2026-11-02T10:00:00Z,deal,{NINES}\n"
                                                        for lead in "AB"))
    return spec, events


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "table"])
def test_a_sum_past_the_limit_is_written_exactly_in_every_format(csv_nines, capsys, monkeypatch, fmt):
    spec, events = csv_nines
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 0)
    monkeypatch.setattr(parallel, "MIN_PARALLEL_RECORDS", 0)
    total = 2 * NINES
    outs = []
    for jobs in ("1", "2") if parallel.can_fork() else ("1",):
        code = main(["check", str(spec), str(events), "--as-of", AS_OF, "--format", fmt, "--jobs", jobs])
        captured = capsys.readouterr()
        assert "internal error" not in captured.err and "Traceback" not in captured.err
        outs.append((code, captured.out))
    assert outs[0][0] == 0 and all(o == outs[0] for o in outs)
    out = outs[0][1]
    if fmt in ("csv", "jsonl", "json"):
        assert _digits(total) in out
    if fmt == "table":                          # the reason, with thousands separators
        assert _digits(total) in out.replace(",", "")
    if fmt == "json":
        doc = output.loads(out)
        (nov,) = [v for v in doc["verdicts"] if v["period"] == "2026-11"]
        assert nov["value"] == total and nov["count"] == 2


@pytest.mark.parametrize("how", [[], ["--format", "json"], ["--format", "csv"], ["--html", "r.html"]])
def test_report_takes_a_sum_past_the_limit(csv_nines, capsys, tmp_path, how):
    spec, events = csv_nines
    how = [str(tmp_path / h) if h.endswith(".html") else h for h in how]
    assert main(["report", str(spec), str(events), "--as-of", AS_OF, *how]) == 0
    captured = capsys.readouterr()
    assert "internal error" not in captured.err
    if how[:2] == ["--format", "json"]:
        assert 2 * NINES in [q["value"] for q in output.loads(captured.out)["quotas"]]


def test_a_csv_cell_past_the_limit_is_text_and_said_so(tmp_path, capsys):
    spec, events = tmp_path / "q.sla", tmp_path / "e.csv"
    spec.write_text(SUM)
    events.write_text("lead,at,type,amount\nA,2026-11-02T10:00:00Z,deal,7\n"
                      f"B,2026-11-02T10:00:00Z,deal,{'1' * (LIMIT + 700)}\n")
    assert main(["check", str(spec), str(events), "--as-of", AS_OF, "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    (d,) = doc["diagnostics"]
    assert (d["code"], d["line"], d["lead"]) == ("SLA615", 3, "B") and d["file"].endswith("e.csv")
    assert f"a whole number of {LIMIT + 700:,} digits" in d["message"] and "read as text" in d["message"]
    assert f"{LIMIT:,} digits" in d["hint"] and "exponent" not in d["hint"]
    assert [v["value"] for v in doc["verdicts"] if v["period"] == "2026-11"] == [7]


@pytest.mark.parametrize("digits", [400, LIMIT + 700])
def test_a_json_lines_integer_past_the_largest_float_is_said_for_what_it_is(tmp_path, capsys, digits):
    spec, events = tmp_path / "q.sla", tmp_path / "e.jsonl"
    spec.write_text(SUM)
    line = '{"lead":"B","at":"2026-11-02T10:00:00Z","type":"deal","amount":%s}' % ("9" * digits)
    events.write_text('{"lead":"A","at":"2026-11-02T10:00:00Z","type":"deal","amount":7}\n' + line + "\n")
    assert main(["check", str(spec), str(events), "--as-of", AS_OF, "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    (d,) = doc["diagnostics"]
    assert (d["code"], d["line"], d["column"]) == ("SLA501", 2, line.index(":9") + 2)
    assert f"an integer of {digits:,} digits" in d["message"], d["message"]
    assert "infinite" not in d["hint"] and "CSV" in d["hint"]


# ----------------------------------------------------------------- the library

def test_library_events_with_ints_past_the_limit_do_not_crash():
    huge = 3 * 10 ** (LIMIT + 50)
    text = HEAD + """
deadline touch { owner sales; start on assigned; stop on call where channel == "phone"; within 1h }
quota pipeline { owner sales; sum amount of deal; at least 1 per month }
quota accounts { owner sales; count deal; by acct; at least 1 per month }
"""
    events = [{"lead": "A", "at": "2026-11-02T10:00:00Z", "type": "assigned", "owner": huge},
              {"lead": "A", "at": "2026-11-02T10:10:00Z", "type": "call", "channel": huge},
              {"lead": "A", "at": "2026-11-02T11:00:00Z", "type": "deal", "amount": huge, "fields": {"acct": huge}},
              {"lead": "B", "at": "2026-11-02T11:00:00Z", "type": "deal", "amount": 1, "fields": {"acct": [huge]}}]
    result = slacode.loads(text).evaluate(events, as_of=AS_OF)
    docs = [v.to_dict() for v in result.verdicts]
    (touch,) = [d for d in docs if d["rule"] == "touch"]
    assert touch["assignee"] == int_digits(huge)
    (pipeline,) = [d for d in docs if d["rule"] == "pipeline" and d["period"] == "2026-11"]
    assert pipeline["value"] == huge + 1 and grouped(huge + 1) in pipeline["reason"]
    groups = [d for d in docs if d["rule"] == "accounts" and d["period"] == "2026-11"]
    assert len(groups) == 2 and any(int_digits(huge) in d["reason"] for d in groups)
    # a number compared with a string: the warning shows the value, cut
    (d,) = result.diagnostics
    assert d.code == "SLA602" and "lead 'A' has 3000000000" in d.message and "…" in d.message
    back = [output.loads(output.dumps(d)) for d in docs]
    assert back == docs


# ----------------------------------------------------------------- agreements

BIG_LETS = HEAD + """
let a = 999_999_999_999_999
let b = a * a * a * a * a
let c = b * b * b * b * b
let d = c * c * c * c * c
let e = d * d * d * d
"""


@pytest.mark.parametrize("line, where", [
    ("quota q { owner sales; sum amount of deal; at least e per day }", "e"),
    ("quota q { owner sales; count deal; at most e + 0.5 per day }", "e + 0.5"),
    ("quota q { owner sales; count deal; at most -e per day }", "-e"),
])
def test_a_goal_past_the_limit_is_an_error_at_the_goal(line, where):
    text = BIG_LETS + line + "\n"
    errors = [d for d in slacode.lint(text) if d.severity == "error"]
    assert [d.code for d in errors] == ["SLA348"], errors
    (d,) = errors
    assert (d.line, d.column) == (8, line.index(f" {where} per") + 2)
    assert f"{LIMIT:,}" in d.message and "digits" in d.message
    with pytest.raises(slacode.SpecError):
        slacode.loads(text)


def test_a_let_past_the_limit_that_no_goal_uses_whole_is_fine():
    text = BIG_LETS + "quota q { owner sales; count deal; at least e / e * 3 per day }\n"
    assert [d for d in slacode.lint(text) if d.severity == "error"] == []
    (v, *_) = slacode.loads(text).evaluate([], as_of=AS_OF).verdicts or [None]
    assert v is None


def test_a_target_far_past_100_percent_is_said_without_a_crash():
    text = BIG_LETS + """
deadline r { owner sales; start on deal; stop on won; within 1h }
target t { owner sales; rule r; at least c% met per week }
target u { owner sales; rule r; at least e% met per week }
"""
    found = {d.line: d for d in slacode.lint(text) if d.severity == "error"}
    assert [(d.code, line) for line, d in found.items()] == [("SLA311", 10), ("SLA311", 11)]
    assert found[10].message == "a target of 1e+375% is outside 0–100%"
    assert found[11].message == "a target of 1e+7500% is outside 0–100%"


@pytest.mark.parametrize("command", ["check", "lint", "fmt", "diff", "test", "report", "explain"])
def test_the_commands_say_so_with_exit_2_not_a_traceback(tmp_path, capsys, command):
    spec = tmp_path / "q.sla"
    spec.write_text(BIG_LETS + "quota q { owner sales; sum amount of deal; at least e per day }\n")
    events = tmp_path / "e.csv"
    events.write_text("lead,at,type,amount\nA,2026-11-02T10:00:00Z,deal,1\n")
    args = {"check": ["check", str(spec), str(events), "--as-of", AS_OF],
            "lint": ["lint", str(spec)], "fmt": ["fmt", "--check", str(spec)],
            "diff": ["diff", str(spec), str(spec)], "test": ["test", str(spec)],
            "report": ["report", str(spec), str(events), "--as-of", AS_OF],
            "explain": ["explain", str(spec), str(events), "--lead", "A", "--as-of", AS_OF]}[command]
    code = main(args)
    captured = capsys.readouterr()
    assert "internal error" not in captured.err + captured.out and "Traceback" not in captured.err
    assert code in (1, 2) if command in ("lint", "fmt") else code == 2
    assert "SLA348" in captured.err + captured.out or command == "fmt"


def test_a_literal_past_the_limit_is_sla108_and_fmt_says_so(tmp_path, capsys):
    spec = tmp_path / "q.sla"
    spec.write_text(HEAD + f"segment s = x > {'7' * (LIMIT + 1)}\n")
    assert [d.code for d in slacode.lint(spec.read_text())] == ["SLA108"]
    assert main(["fmt", str(spec)]) == 2
    captured = capsys.readouterr()
    assert "internal error" not in captured.err and "SLA108" in captured.err + captured.out


def test_a_library_event_id_past_the_limit_is_a_diagnostic_and_odd_keys_are_no_crash():
    spec = slacode.loads(HEAD + "deadline d { owner sales; start on assigned; stop on call; within 1h }\n")
    events = [{"lead": "A", "at": "2026-11-02T10:00:00Z", "type": "assigned", "id": 10 ** (LIMIT + 1)},
              {"lead": "B", "at": "2026-11-02T10:00:00Z", "type": "assigned", 7: 1}]   # (a key no JSON has)
    result = spec.evaluate(events, as_of=AS_OF)
    d, key = result.diagnostics
    assert (d.code, d.line) == ("SLA507", 1) and "'id' is an integer of more digits" in d.message
    # a key that is not text is SLA507 too (review 30b H2), as in `fields`: the event is left out
    assert (key.code, key.line) == ("SLA507", 2) and "the keys of an event are names: text, not a number (7)" in \
        key.message
    assert result.verdicts == []
