"""Hints for times of day written otherwise than HH:MM on a 24-hour clock: in a target by
the working day (`by midnight`, `by 15.00`, `after 3pm`, `by 15h`; docs/extensions.md
"Deadlines by the working day") and in the time ranges of a calendar's `hours` and `open`
lines and of `only between` (`09:00-18.00`, `9h-18h`, `noon-18:00`, `09:00-midnight`)."""
from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import slacode

HEAD = '''agreement "wd" { version "1"; timezone "America/Sao_Paulo"; teams sales }
calendar office {
  timezone "America/Sao_Paulo"
  hours mon-fri 09:00-18:00
}
'''
CUT_BY = "within same working day on office, after 15:00 by 12:00 next working day"
CUT = "within same working day on office, after 15:00 next working day"
NEXT = "within next working day on office"


def rule(line: str) -> str:
    return HEAD + f"deadline r {{\n  owner sales\n  start on assigned\n  stop on call\n  {line}\n}}\n"


def calendar(hours_line: str) -> str:
    return ('agreement "c" { version "1"; timezone "UTC"; teams sales }\n'
            f'calendar office {{\n  timezone "UTC"\n  {hours_line}\n}}\n')


def syntax_error(text: str):
    (found,) = [d for d in slacode.lint(text) if d.code.startswith("SLA1")]
    return found


def errors(text: str) -> list:
    return [d for d in slacode.lint(text) if d.severity == "error"]


_WORKING = [    # (as written, the token the parser stops at, the line written the right way)
    ("within same working day on office, after 15.00 by 12:00 next working day", "15.00", CUT_BY),
    ("within same working day on office, after 15:00 by 12.00 next working day", "12.00", CUT_BY),
    ("within same working day on office, after 15h by 12h next working day", "15h", CUT_BY),
    ("within same working day on office, after 3pm by 12:00 next working day", "3", CUT_BY),
    ("within next working day by 9.30 on office", "9.30", "within next working day by 09:30 on office"),
    ("within next working day by midnight on office", "midnight", NEXT),
    ("within next working day by 12 midnight on office", "12", NEXT),
    ("within next working day by midnight on office for hot", "midnight", NEXT + " for hot"),
    ("within next working day by 24.00 on office", "24.00", NEXT),
    ("within same working day on office, after 15:00 by midnight next working day", "midnight", CUT),
    ("within same working day on office, after 15:00 next working day by midnight", "midnight", CUT),
    ("within same working day on office, after midnight by 12:00 next working day", "midnight",
     "within same working day on office, after 00:00 by 12:00 next working day"),
]


@pytest.mark.parametrize("written, token, right", _WORKING)
def test_time_near_misses_on_a_working_day_line_get_the_line_written_the_right_way(written, token, right):
    text = HEAD + "segment hot = score >= 80\n" + rule(written)[len(HEAD):]
    found = syntax_error(text)
    line = text.splitlines()[found.span.line - 1]
    assert line[found.span.column - 1:].startswith(token), (line, found.span)
    assert f"write `{right}`" in (found.hint or ""), found.hint
    assert not errors(HEAD + "segment hot = score >= 80\n" + rule(right)[len(HEAD):])


def test_by_midnight_says_the_end_of_a_working_day_is_its_close():
    """`by midnight` is not `by 00:00` (the midnight that starts the day) nor `by 24:00`
    (refused, SLA108): the end of the day is its close, which the line says without `by`."""
    hint = syntax_error(rule("within next working day by midnight on office")).hint
    assert hint.startswith(f"write `{NEXT}`: the end of a working day is its close, which the line says without `by`")
    assert "`24:00` only ends an interval" in hint and "`by 00:00` is the midnight that starts the day" in hint
    assert "by 00:00" not in hint.split(":", 1)[0]          # the line shown has no `by 00:00`
    # `by 24:00` reads, and is refused with the same advice
    (refused,) = [d for d in slacode.lint(rule("within next working day by 24:00 on office")) if d.code == "SLA108"]
    assert "drop `by 24:00`" in refused.hint


def test_one_digit_hours_are_read_and_written_with_two():
    """`by 9:30` is no error: it reads as 09:30, and `slacode fmt` writes two digits."""
    text = rule("within next working day by 9:30 on office")
    assert not errors(text)
    assert "within next working day by 09:30 on office" in slacode.format(text)


@given(st.integers(0, 23), st.integers(0, 59), st.sampled_from([".", "h"]))
@settings(max_examples=40, deadline=None)
def test_a_dotted_or_h_time_is_hinted_as_the_same_time(hour, minute, sep):
    written = f"within next working day by {hour}{sep}{minute:02d} on office"
    hint = syntax_error(rule(written)).hint or ""
    right = re.search(r"write `([^`]*)`", hint)
    assert right, hint
    assert right.group(1) == f"within next working day by {hour:02d}:{minute:02d} on office"
    assert not errors(rule(right.group(1)))


_HOURS = [      # (as written, the line written the right way)
    ("hours mon-fri 09:00-18.00", "hours mon-fri 09:00-18:00"),
    ("hours mon-fri 9h-18h", "hours mon-fri 09:00-18:00"),
    ("hours mon-fri 9h30-18h", "hours mon-fri 09:30-18:00"),
    ("hours mon-fri noon-18:00", "hours mon-fri 12:00-18:00"),
    ("hours mon-fri 09:00-midnight", "hours mon-fri 09:00-24:00"),
    ("hours mon-fri midnight-06:00", "hours mon-fri 00:00-06:00"),
    ("hours mon-fri 09:00-12.00, 13.00-18:00", "hours mon-fri 09:00-12:00, 13:00-18:00"),
    ("hours mon-fri 09:00-18:00\n  open 2026-12-24 10:00-13.00", "open 2026-12-24 10:00-13:00"),
]


@pytest.mark.parametrize("written, right", _HOURS)
def test_time_near_misses_in_hours_get_the_line_written_the_right_way(written, right):
    hint = syntax_error(calendar(written)).hint or ""
    assert hint.startswith(f"write `{right}`: times of day are written HH:MM on a 24-hour clock"), hint
    assert ("midnight starts a day as `00:00` and ends one as `24:00`" in hint) == ("midnight" in written)
    assert not errors(calendar(written.replace(written.splitlines()[-1].strip(), right)))


@pytest.mark.parametrize("written, right", [
    ("9am-6pm", "09:00-18:00"), ("9am-5pm", "09:00-17:00"), ("9pm-12am", "21:00-24:00"),
    ("9 am - 5 pm", "09:00-17:00"), ("09:00-6pm", "09:00-18:00"),
])
def test_am_pm_ranges_are_shown_on_a_24_hour_clock(written, right):
    hint = syntax_error(calendar(f"hours mon-fri {written}")).hint
    assert hint == f"write times of day on a 24-hour clock: `{right}`, not `{written}`"
    assert not errors(calendar(f"hours mon-fri {right}"))


def test_only_between_gets_the_same_hint():
    text = ('agreement "a" { version "1"; timezone "UTC"; teams sales }\n'
            "attempts a {\n  owner sales\n  start on assigned\n  stop on enter won\n"
            "  only between 9.00-midnight in lead timezone\n  at least 2 within 1d\n}\n")
    hint = syntax_error(text).hint
    assert hint.startswith("write `only between 09:00-24:00 in lead timezone`"), hint


def test_no_hint_for_what_is_no_time_of_day():
    assert syntax_error(calendar("hours mon-fri 25.00-26.00")).hint is None
    assert not (syntax_error(rule("within next working day by 25.00 on office")).hint or "").startswith("write `")
