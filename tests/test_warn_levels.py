"""Several warning levels in a timed rule (extension, docs/extensions.md "Several warning
levels"): several `warn` lines and `warn at 50%, 80%`, the verdict key `warnings`, the
at_risk reason, `slacode due`, `fmt`, lint and `diff`. Worked out by hand."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

import slacode

HEAD = '''agreement "w" { version "1"; timezone "UTC"; teams sales }
calendar biz {
  timezone "UTC"
  hours mon-fri 09:00-17:00
}
'''


def rule(warns: str, kind: str = "deadline", target: str = "within 4h on biz") -> str:
    body = "count call\n  " if kind == "attempts" else ""
    stop = "" if kind == "attempts" else "  stop on call\n"
    return (HEAD + f"{kind} r {{\n  owner sales\n  start on assigned\n{stop}  restart on reassigned\n"
            f"  pause while status == \"waiting\"\n  {body}{target}\n  {warns}\n}}\n")


def verdict(text: str, events: list, as_of: str, cycle: int = 1) -> dict:
    result = slacode.loads(text).evaluate(events, as_of=as_of)
    return next(v.to_dict() for v in result.verdicts if v.cycle == cycle)


def ev(at: str, type_: str, **fields) -> dict:
    e = {"lead": "L", "at": f"2026-11-09T{at}:00Z", "type": type_}
    if fields:
        e["fields"] = fields
    return e


def test_levels_in_time_order_whatever_order_written():
    v = verdict(rule("warn 30m before\n  warn at 75%, 50%"), [ev("09:00", "assigned")], "2026-11-09T12:15:00Z")
    assert [(w["level"], w["at"][11:16], w["passed"]) for w in v["warnings"]] == [
        ("50%", "11:00", True), ("75%", "12:00", True), ("30m before", "12:30", False)]
    assert v["status"] == "at_risk" and v["warn_at"] == "2026-11-09T11:00:00+00:00"
    assert "(past the 75% warning)" in v["reason"]
    later = verdict(rule("warn 30m before\n  warn at 75%, 50%"), [ev("09:00", "assigned")], "2026-11-09T12:40:00Z")
    assert "(past the warning 30m of working time before the deadline)" in later["reason"]


def test_before_any_level_pending_and_no_level_passed():
    v = verdict(rule("warn at 50%, 80%"), [ev("09:00", "assigned")], "2026-11-09T10:59:00Z")
    assert v["status"] == "pending"
    assert [w["passed"] for w in v["warnings"]] == [False, False]
    assert v["warnings"][1]["at"] == "2026-11-09T12:12:00+00:00"          # 80% of 4h = 3h12m


def test_a_level_exactly_at_as_of_is_passed():
    v = verdict(rule("warn at 50%, 80%"), [ev("09:00", "assigned")], "2026-11-09T12:12:00Z")
    assert [w["passed"] for w in v["warnings"]] == [True, True]
    assert "(past the 80% warning)" in v["reason"]


def test_a_pause_moves_the_levels_after_it():
    events = [ev("09:00", "assigned"), ev("10:30", "note", status="waiting"), ev("11:30", "note", status="open")]
    v = verdict(rule("warn at 25%, 75%"), events, "2026-11-09T12:00:00Z")
    # 25% (1h) came before the pause at 10:00; 75% (3h): 1h30m before, 1h30m after 11:30
    assert [(w["at"][11:16], w["passed"]) for w in v["warnings"]] == [("10:00", True), ("13:00", False)]
    assert v["status"] == "at_risk" and "(past the 25% warning)" in v["reason"]


def test_paused_at_as_of_levels_assume_the_pause_ends_then():
    events = [ev("09:00", "assigned"), ev("10:00", "note", status="waiting")]
    v = verdict(rule("warn at 50%, 75%"), events, "2026-11-09T12:00:00Z")
    assert v["status"] == "paused"
    assert [w["at"][11:16] for w in v["warnings"]] == ["13:00", "14:00"]     # 1h used, resumes 12:00
    assert v["warn_at"] == v["warnings"][0]["at"]


def test_restart_closed_cycle_has_none_the_new_one_starts_over():
    events = [ev("09:00", "assigned"), ev("11:00", "reassigned")]
    closed = verdict(rule("warn at 50%, 75%"), events, "2026-11-09T12:00:00Z", cycle=1)
    new = verdict(rule("warn at 50%, 75%"), events, "2026-11-09T12:00:00Z", cycle=2)
    assert closed["status"] == "cancelled" and closed["warnings"] is None and closed["warn_at"] is None
    assert [w["at"][11:16] for w in new["warnings"]] == ["13:00", "14:00"]


def test_a_stopped_cycle_has_null_warnings():
    v = verdict(rule("warn at 50%, 75%"), [ev("09:00", "assigned"), ev("09:30", "call")], "2026-11-09T12:00:00Z")
    assert v["status"] == "met" and "warnings" in v and v["warnings"] is None


def test_one_warn_writes_no_warnings_key():
    v = verdict(rule("warn at 50%"), [ev("09:00", "assigned")], "2026-11-09T12:00:00Z")
    assert "warnings" not in v and v["reason"].endswith("(warning at 50%); due 2026-11-09 13:00 +00:00.")


def test_the_same_level_in_other_units_counts_once():
    # `1h before` and `60m before` are one level (SLA344 says so): one warn, as written first
    v = verdict(rule("warn 1h before\n  warn 60m before"), [ev("09:00", "assigned")], "2026-11-09T12:30:00Z")
    assert "warnings" not in v and "(warning 1h of working time before the deadline)" in v["reason"]
    v = verdict(rule("warn 90 minutes before\n  warn 1h30m before\n  warn at 25%"), [ev("09:00", "assigned")],
                "2026-11-09T12:30:00Z")
    assert [w["level"] for w in v["warnings"]] == ["25%", "90m before"]      # as written first


def test_attempts_levels_concern_at_least_within():
    text = rule("warn at 50%, 90%", kind="attempts", target="at least 2 within 4h on biz")
    v = verdict(text, [ev("09:00", "assigned"), ev("09:10", "call")], "2026-11-09T12:40:00Z")
    assert v["clause"] == "at_least_within" and v["status"] == "at_risk"
    assert [w["at"][11:16] for w in v["warnings"]] == ["11:00", "12:36"]
    assert v["reason"].endswith("(past the 90% warning).")


def test_shorthand_and_lines_are_one_model_and_fmt_writes_lines():
    short = rule("warn at 50%, 80%  # two levels")
    lines = rule("warn at 50%\n  warn at 80%")
    assert model_of(short).model_dump() == model_of(lines).model_dump()
    warns = [c for c in model_of(short).rules[0].clauses if c.kind == "warn"]
    assert [(c.percent, c.span.line, c.span.column, c.span.end_column) for c in warns] == [
        (50, 13, 3, 14), (80, 13, 16, 19)]
    out = slacode.format(short)
    assert "  warn at 50%\n  warn at 80%  # two levels\n" in out
    assert slacode.format(out) == out


def model_of(text: str):
    from slacode.build import build
    from slacode.parse import parse

    tree, diags = parse(text)
    agreement, _ = build(tree)
    return agreement


def codes_of(text: str) -> list[tuple[str, int, int]]:
    return [(d.code, d.span.line, d.span.column) for d in slacode.lint(text)]


def test_lint_same_level_twice_is_sla344_not_sla205():
    found = codes_of(rule("warn at 80%\n  warn at 50%, 80%"))
    assert ("SLA344", 14, 16) in found and not any(c == "SLA205" for c, _, _ in found)
    assert not codes_of(rule("warn at 50%, 80%\n  warn 30m before"))


def test_lint_each_level_beyond_the_target():
    found = codes_of(rule("warn at 50%, 120%\n  warn 5h before"))
    assert found == [("SLA311", 13, 16), ("SLA321", 14, 3)]


def test_due_reminds_at_the_next_level_not_yet_passed():
    from slacode.report import upcoming

    agreement = slacode.loads(rule("warn at 50%, 75%\n  warn 30m before"))
    events = [ev("09:00", "assigned")]
    at = datetime(2026, 11, 9, 11, 30, tzinfo=timezone.utc)
    (item,) = upcoming(agreement, events, as_of=at)
    assert (item.next, item.next_at.hour, item.next_at.minute) == ("warn", 12, 0)
    assert item.warn_at.hour == 11                                 # warn_at stays the earliest
    (item,) = upcoming(agreement, events, as_of=at + timedelta(minutes=59))
    assert (item.next, item.next_at.hour, item.next_at.minute) == ("warn", 12, 30)
    (item,) = upcoming(agreement, events, as_of=at + timedelta(hours=1))     # the last level, passed
    assert (item.next, item.next_at.hour) == ("due", 13)


def test_due_names_the_level_it_reminds_at():
    """`warn_level` (JSON, CSV) and the table's `next` (`warn 75%`, `warn 30m before`) say
    which level `next_at` is; `null` for a deadline, and with one level (`warn_at` is it)."""
    from slacode.report import upcoming

    agreement = slacode.loads(rule("warn at 50%, 75%\n  warn 30m before"))
    events = [ev("09:00", "assigned")]
    at = datetime(2026, 11, 9, 10, 0, tzinfo=timezone.utc)
    said = []
    for minutes in (0, 90, 149, 150, 179):           # 11:00 50%, 12:00 75%, 12:30 30m before, 13:00 due
        (item,) = upcoming(agreement, events, as_of=at + timedelta(minutes=minutes))
        said.append((item.next_at.strftime("%H:%M"), item.warn_level, item.next_words, item.to_dict()["warn_level"]))
    assert said == [("11:00", "50%", "warn 50%", "50%"), ("12:00", "75%", "warn 75%", "75%"),
                    ("12:30", "30m before", "warn 30m before", "30m before"),
                    ("13:00", None, "due", None), ("13:00", None, "due", None)]
    (one,) = upcoming(slacode.loads(rule("warn at 50%")), events, as_of=at)
    assert (one.next, one.warn_level, one.next_words, one.to_dict()["warn_level"]) == ("warn", None, "warn", None)


def test_due_cli_writes_the_level(tmp_path, capsys):
    import csv
    import io
    import json

    from slacode.cli import main
    from slacode.schemas import load_schema
    from slacode.cmd_report import DUE_COLUMNS

    (tmp_path / "w.sla").write_text(rule("warn at 50%, 75%\n  warn 30m before"), encoding="utf-8")
    (tmp_path / "e.jsonl").write_text(
        '{"lead": "A", "at": "2026-11-09T09:00:00Z", "type": "assigned"}\n'
        '{"lead": "B", "at": "2026-11-09T11:00:00Z", "type": "assigned"}\n', encoding="utf-8")
    args = ["due", str(tmp_path / "w.sla"), str(tmp_path / "e.jsonl"), "--as-of", "2026-11-09T11:30:00Z"]

    def out(*more: str) -> str:
        assert main(args + list(more)) == 0
        return capsys.readouterr().out

    table = out()
    rows = [line.split("  ")[1] for line in table.splitlines()[1:3]]
    assert rows == ["warn 75%", "warn 50%"], table
    doc = json.loads(out("--format", "json"))
    assert [(d["lead"], d["next"], d["warn_level"]) for d in doc["due"]] == [("A", "warn", "75%"), ("B", "warn", "50%")]
    from jsonschema import Draft202012Validator

    assert not list(Draft202012Validator(load_schema("due")).iter_errors(doc))
    doc["due"][0]["next"] = "due"                 # a level on a deadline: refused
    assert list(Draft202012Validator(load_schema("due")).iter_errors(doc))
    got = list(csv.DictReader(io.StringIO(out("--format", "csv"))))
    assert tuple(got[0]) == DUE_COLUMNS and DUE_COLUMNS[-1] == "warn_level"
    assert [(r["lead"], r["next"], r["warn_level"]) for r in got] == [("A", "warn", "75%"), ("B", "warn", "50%")]


def test_diff_names_levels_added_and_removed():
    from slacode.cli import main

    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as d:
        a, b = Path(d, "a.sla"), Path(d, "b.sla")
        a.write_text(rule("warn at 50%, 80%"))
        b.write_text(rule("warn at 50%, 90%"))
        assert main(["diff", str(a), str(b)]) == 1
        b.write_text(rule("warn at 50%\n  warn at 80%"))
        assert main(["diff", str(a), str(b)]) == 0


_LEVELS = st.lists(st.one_of(st.integers(1, 100).map(lambda p: f"warn at {p}%"),
                             st.integers(1, 239).map(lambda m: f"warn {m}m before")), min_size=2, max_size=4, unique=True)


@settings(max_examples=40, deadline=None)
@given(_LEVELS, st.integers(0, 300), st.integers(0, 60), st.booleans(), st.integers(0, 400))
def test_status_and_warn_at_are_those_of_the_earliest_level_alone(levels, start_min, pause_len, stop, as_of_min):
    """With several levels, status and warn_at are those of the same rule with only its
    earliest level (on a 4h target, the earliest is the least working time)."""
    def us(line: str) -> int:
        if line.endswith("%"):
            return -(-4 * 3600 * int(line.split()[2][:-1]) // 100)
        return 4 * 3600 - int(line.split()[1][:-1]) * 60
    earliest = min(levels, key=us)
    base = datetime(2026, 11, 9, 9, tzinfo=timezone.utc)

    def at(minutes: int) -> str:
        return (base + timedelta(minutes=minutes)).isoformat()
    events = [{"lead": "L", "at": at(start_min), "type": "assigned"}]
    if pause_len:
        events += [{"lead": "L", "at": at(start_min + 30), "type": "note", "fields": {"status": "waiting"}},
                   {"lead": "L", "at": at(start_min + 30 + pause_len), "type": "note", "fields": {"status": "open"}}]
    if stop:
        events.append({"lead": "L", "at": at(start_min + 200), "type": "call"})
    as_of = at(start_min + as_of_min)
    events = [e for e in events if e["at"] <= as_of]
    many = verdict(rule("\n  ".join(levels)), events, as_of)
    one = verdict(rule(earliest), events, as_of)
    assert (many["status"], many["warn_at"]) == (one["status"], one["warn_at"])
    assert "warnings" in many and "warnings" not in one
    if many["warn_at"] is None:
        assert many["warnings"] is None
    else:
        assert many["warnings"][0]["at"] == many["warn_at"]
        assert [w["passed"] for w in many["warnings"]] == sorted([w["passed"] for w in many["warnings"]],
                                                                  reverse=True)
