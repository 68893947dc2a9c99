"""Hints for an extension's line written another way (review 30): each misuse is an SLA101
at its place, with a hint that says what to write."""
from __future__ import annotations

import pytest

import slacode

HEAD = ('agreement "e" { version "1"; timezone "UTC"; teams sales }\n'
        'calendar c { timezone "UTC"; hours mon-fri 09:00-18:00 }\n'
        'segment hot = score > 80\n')


def _rule(line: str) -> str:
    return HEAD + f"deadline d {{\n  owner sales\n  start on assigned\n  stop on call\n  {line}\n}}\n"


@pytest.mark.parametrize("line, column, hint", [
    ("within same working day, after 15:00 by 12:00 next working day on c", 66,
     "write `within same working day on c, after 15:00 by 12:00 next working day`: `on CAL` comes right after "
     "`same working day`, before the comma of the cut-off"),
    ("within same working day, after 15:00 on c next working day", 40,
     "write `within same working day on c, after 15:00 next working day`: `on CAL` comes right after "),
    ("within same working day, after 15:00 next working day by 12:00 on c for hot", 66,
     "write `within same working day on c, after 15:00 next working day by 12:00 for hot`"),
    ("within next working day, after 15:00 on c", 40,
     "a cut-off splits the arrival day of `same working day`"),
    ('due at "2026-11-10T10:00:00Z"', 10, "`due at` names the lead field that holds each lead's deadline"),
    ("within 1h; warn behind pace", 19, "`warn behind pace` is a quota's warning; a rule warns a share or a time"),
    ("within 1h for hot and; within 2h", 33, "a line continues after `and`, so `;` does not end it here"),
])
def test_an_extension_line_written_otherwise_gets_a_hint(line, column, hint):
    (d,) = [d for d in slacode.lint(_rule(line)) if d.severity == "error"]
    assert (d.code, d.line, d.column) == ("SLA101", 8, column)
    assert d.hint.startswith(hint), d.hint


def test_the_fixed_lines_of_the_hints_lint_clean():
    for line in ("within same working day on c, after 15:00 by 12:00 next working day",
                 "within same working day on c, after 15:00 next working day",
                 "within same working day on c, after 15:00 next working day by 12:00 for hot"):
        assert [d for d in slacode.lint(_rule(line)) if d.severity == "error"] == []


def test_pace_in_a_quota_is_no_slip():
    text = HEAD + ("quota q {\n  owner sales\n  count assigned\n  at least 10 per month\n  warn behind pace\n}\n"
                   "deadline d {\n  owner sales\n  start on assigned\n  stop on call\n  within 1h on c for hot\n"
                   "  within 2h on c\n}\n")
    assert [d for d in slacode.lint(text) if d.severity == "error"] == []
