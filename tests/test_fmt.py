"""slacode fmt: canonical layout, comments kept, idempotent, and never a change of meaning.

Golden files: ``tests/golden/fmt/NAME.in.sla`` is formatted and compared with
``NAME.out.sla``. Regenerate them on purpose only (then read the diff):
``SLACODE_UPDATE_GOLDEN=1 python3 -m pytest tests/test_fmt.py -k golden``.
"""
from __future__ import annotations

import io
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import slacode
from slacode import fmt
from slacode import model as m
from slacode.build import build
from slacode.cli import main
from slacode.diagnostics import SpecError
from slacode.parse import parse
from slacode.syntax_words import INVISIBLE
from tests.conftest import ROOT, language_example, needs_shared, shared_agreements

GOLDEN = Path(__file__).parent / "golden" / "fmt"
GOLDEN_INPUTS = sorted(GOLDEN.glob("*.in.sla"))


def model_of(text: str) -> m.Agreement:
    tree, diags = parse(text)
    assert tree is not None, diags
    agreement, more = build(tree)
    assert agreement is not None and not [d for d in more if d.severity == "error"], more
    return agreement


def comment_texts(text: str) -> list[str]:
    return [c.text for c in fmt.comments(text)]


def assert_formats_well(text: str) -> str:
    """Format ``text`` and check the three promises: same model, every comment, idempotent."""
    out = slacode.format(text)
    assert model_of(out).model_dump() == model_of(text).model_dump()
    assert comment_texts(out) == comment_texts(text)
    assert slacode.format(out) == out
    return out


# ------------------------------------------------------------------------- golden files

def test_there_are_golden_files():
    assert len(GOLDEN_INPUTS) >= 5
    for path in GOLDEN_INPUTS:
        assert path.with_name(path.name.replace(".in.sla", ".out.sla")).is_file(), path


@pytest.mark.parametrize("source", GOLDEN_INPUTS, ids=lambda p: p.name.replace(".in.sla", ""))
def test_golden(source):
    expected_path = source.with_name(source.name.replace(".in.sla", ".out.sla"))
    text = source.read_text(encoding="utf-8")
    out = assert_formats_well(text)
    if os.environ.get("SLACODE_UPDATE_GOLDEN"):
        expected_path.write_text(out, encoding="utf-8", newline="\n")
    expected = expected_path.read_text(encoding="utf-8")
    assert out == expected
    assert out != text, "a golden input should need formatting"
    assert slacode.format(expected) == expected


def test_golden_inputs_cover_every_kind_of_statement():
    """Every model class that is a statement, predicate, trigger or expression appears in
    some golden input, so the golden files exercise the whole printer."""
    seen: set[str] = set()

    def walk(node):
        if isinstance(node, m.Node):
            seen.add(type(node).__name__)
            for name in type(node).model_fields:
                walk(getattr(node, name))
        elif isinstance(node, (tuple, list)):
            for item in node:
                walk(item)

    for path in GOLDEN_INPUTS:
        walk(model_of(path.read_text(encoding="utf-8")))
    wanted = {cls.__name__ for cls in list(fmt._STATEMENTS) + list(fmt._HEADERS)}
    wanted |= {"Or", "And", "Not", "Compare", "Member", "Exists", "TextTest", "SegmentRef", "BoolConst",
               "Trigger", "Number", "Constant", "Binary", "Negate", "Call", "Assignment"}
    assert wanted - seen == set()


def test_golden_inputs_are_messy_in_the_ways_that_matter():
    text = "\n".join(p.read_text(encoding="utf-8") for p in GOLDEN_INPUTS)
    assert ";" in text                                      # several statements on a line
    assert re.search(r"(,|or|and|=|->|\{)[ \t]*\n", text)   # wrapped lines
    assert re.search(r"\d+ (minutes|hours?|days)", text)   # spelled durations
    assert "test " in text and "let " in text
    assert re.search(r"\S[ \t]*#", text) and re.search(r"^[ \t]*#", text, re.M)


# ----------------------------------------------------------------- the project's agreements

@needs_shared
def test_language_example_keeps_its_model_and_is_idempotent():
    text = language_example()
    out = assert_formats_well(text)
    assert out.startswith("# Acme inbound leads")


@needs_shared
@pytest.mark.parametrize("path", shared_agreements(), ids=lambda p: p.parent.name)
def test_shared_agreements(path):
    text = path.read_text(encoding="utf-8")
    out = assert_formats_well(text)
    assert out == text, "the shared agreements are already in the canonical layout"


def test_northwind():
    text = (ROOT / "specs" / "northwind.sla").read_text(encoding="utf-8")
    out = assert_formats_well(text)
    assert len(fmt.comments(out)) == len(fmt.comments(text)) > 100


@pytest.mark.parametrize("path", sorted((ROOT / "specs").glob("*.sla")), ids=lambda p: p.name)
def test_every_bundled_spec(path):
    assert_formats_well(path.read_text(encoding="utf-8"))


def _doc_blocks():
    for page in sorted((ROOT / "docs").rglob("*.md")):
        for i, block in enumerate(re.findall(r"```sla\n(.*?)```", page.read_text(encoding="utf-8"), re.S)):
            if parse(block)[0] is not None:
                yield pytest.param(block, id=f"{page.relative_to(ROOT)}#{i}")


@pytest.mark.parametrize("text", list(_doc_blocks()))
def test_every_docs_example(text):
    assert_formats_well(text)


# ----------------------------------------------------------------------------- comments

def test_comment_scanner_skips_strings_and_backquoted_names():
    text = 'segment s = `a#b` == "c#d \\" #e" or x == 1  # real one\n# own line\n'
    found = fmt.comments(text)
    assert [(c.line, c.column, c.text, c.own_line) for c in found] == [
        (1, text.index("# real") + 1, "# real one", False), (2, 1, "# own line", True)]


def test_comment_after_semicolon_only_counts_as_own_line():
    found = fmt.comments("deadline r {\n  ;  # x\n}\n")
    assert found[0].own_line


@pytest.mark.parametrize("text, expected", [
    # trailing comments stay at the end of their statement's line
    ('agreement "a" { version "1"  # v\n}\n', 'agreement "a" {\n  version "1"  # v\n}\n'),
    # after `{`
    ('states {   # s\n  a\n}\n', 'states {  # s\n  a\n}\n'),
    # after `}`
    ('states { a }  # s\n', 'states {\n  a\n}  # s\n'),
    # at the end of a block, before `}`
    ('states {\n  a\n# end\n}\n', 'states {\n  a\n  # end\n}\n'),
    # in an empty block
    ('flow {\n  # nothing yet\n}\n', 'flow {\n  # nothing yet\n}\n'),
    # inside a wrapped statement: moved above it, in order
    ('segment s = a or  # one\n  # two\n  b  # three\n', '# one\n# two\nsegment s = a or b  # three\n'),
    # at the end of the file
    ('segment s = a\n\n# bye\n', 'segment s = a\n\n# bye\n'),
    # a comments-only file
    ('   # just\n\n\n\n# words  \n', '# just\n\n# words\n'),
])
def test_comment_placement(text, expected):
    assert assert_formats_well(text) == expected


def test_end_of_line_comments_in_a_run_are_aligned():
    text = "states {\n  lead # a\n  customer final # b\n  x\n  y # c\n}\n"
    assert slacode.format(text) == ("states {\n  lead            # a\n  customer final  # b\n"
                                    "  x\n  y  # c\n}\n")


# ----------------------------------------------------------------------- layout rules

def test_blank_lines():
    text = ("\n\nsegment a = x\nsegment b = y\n\n\n\nsegment c = z\nstates {\n\n  s\n\n\n  t\n\n}"
            "\nlet k = 1\n\n\n")
    assert slacode.format(text) == ("segment a = x\nsegment b = y\n\nsegment c = z\n\nstates {\n  s\n\n  t\n}"
                                    "\n\nlet k = 1\n")


def test_semicolons_and_wrapped_lines_become_one_statement_a_line():
    text = 'agreement "a" { version "1"; teams x,\n   y }\nflow { a ->\n b,\n c; b -> c }\n'
    assert slacode.format(text) == 'agreement "a" {\n  version "1"\n  teams x, y\n}\n\nflow {\n  a -> b, c\n  b -> c\n}\n'


@pytest.mark.parametrize("written, canonical", [
    ("90 minutes", "90m"), ("1 hour 30 minutes", "1h30m"), ("2 days", "2d"), ("1 day 4 hours", "1d4h"),
    ("4h0m", "4h"), ("0m", "0m"), ("1h90m", "1h90m"),
])
def test_durations_are_compact(written, canonical):
    out = slacode.format(f"deadline r {{\n  within {written}\n}}\n")
    assert out == f"deadline r {{\n  within {canonical}\n}}\n"


@pytest.mark.parametrize("written, canonical", [
    ("(a or b) and c", "(a or b) and c"),
    ("a or (b and c)", "a or b and c"),
    ("((a))", "a"),
    ("(a or b) or c", "(a or b) or c"),       # a different tree: the parentheses stay
    ("a and (b and c)", "a and (b and c)"),
    ("not (x == 1)", "not (x == 1)"),
    ("not (a)", "not a"),
    ("not not (a or b)", "not not (a or b)"),
    ("x in [ 1,2 ,\"t\" ]", 'x in [1, 2, "t"]'),
    ('s == "a\\"b\\\\c\\d"', 's == "a\\"b\\\\c\\\\d"'),
    ("n > 1_000 and m > 1000 and o > 1__0 and p > 007 and q > 0.50", "n > 1_000 and m > 1000 and o > 10 and p > 7 and q > 0.50"),
])
def test_predicates(written, canonical):
    assert slacode.format(f"segment s = {written}\n") == f"segment s = {canonical}\n"


@pytest.mark.parametrize("written, canonical", [
    ("call where (x == 1)", "call where x == 1"),
    ("call where x == 1 or y == 2", "call where x == 1 or y == 2"),
    ("call where ((a or b) and c)", "call where ((a or b) and c)"),
    ("call where (a or b) and c", "call where ((a or b) and c)"),
    ("call where ((a or b) or hot)", "call where ((a or b) or hot)"),
    ("call where (a or b) or c == 1 or hot", "call where ((a or b) or c == 1 or hot)"),
    ("call where (x == 1) or mail", "call where (x == 1) or mail"),
    ("call where (x == 1) or y == 2 or mail", "call where x == 1 or y == 2 or mail"),
    ("call where (x == 1) or not (y == 2)", "call where x == 1 or not (y == 2)"),
    ("mail or call where (x == 1) and y exists", "mail or call where x == 1 and y exists"),
    ("enter a,b or leave c", "enter a, b or leave c"),
])
def test_triggers(written, canonical):
    assert slacode.format(f"deadline r {{\n  stop on {written}\n}}\n") == f"deadline r {{\n  stop on {canonical}\n}}\n"


@pytest.mark.parametrize("written, canonical", [
    ("(1 + 2) * 3", "(1 + 2) * 3"), ("1 + (2 * 3)", "1 + 2 * 3"), ("1 - (2 - 3)", "1 - (2 - 3)"),
    ("(1 - 2) - 3", "1 - 2 - 3"), ("- (1 + 2)", "-(1 + 2)"), ("- - 3", "-(-3)"), ("ceil( a/3 )", "ceil(a / 3)"),
])
def test_expressions(written, canonical):
    assert slacode.format(f"let x = {written}\n") == f"let x = {canonical}\n"


NUMBERS_AS_WRITTEN = """\
agreement "money" {
  version "1"
  timezone "UTC"
  teams sales
}

let fee = 0.10
let neg = -0.10
let twice = (0.50 + 1_250.250) * 2.0
segment cheap = price <= 0.10 and ratio in [0.50, -1.50, 2.0, 2] and `n` != 1.000

deadline d {
  owner sales
  start on deal where amount > 0.10
  stop on won
  within 1h
  warn at 50.0%
  warn at 80.50%
}

quota q {
  owner sales
  sum amount of deal where amount >= 1.50
  at least 2.50 per day
}

quota q2 {
  owner sales
  sum amount of deal
  at least fee * 2.0 per day
}

target t {
  owner sales
  rule d
  at least 95.50% met per week
}

test "t" {
  as of 2026-11-09T16:00:00Z
  at 2026-11-09T10:00:00Z deal with amount = 1.50, n = -2.10
  expect d met
  expect q period "2026-11-09" group 1.0 met
}
"""


def test_decimals_keep_the_digits_the_author_wrote():
    # review M4: `0.10` stayed `0.1` in every place a decimal is written
    assert slacode.format(NUMBERS_AS_WRITTEN) == NUMBERS_AS_WRITTEN
    messy = NUMBERS_AS_WRITTEN.replace("warn at 50.0%\n  warn at 80.50%", "warn at 50.0 %, 80.50 %")
    assert slacode.format(messy) == NUMBERS_AS_WRITTEN
    # the same values as the plain spelling (fmt checks that too): only the text differs
    plain = NUMBERS_AS_WRITTEN
    for written, value in [("0.10", "0.1"), ("0.50", "0.5"), ("1_250.250", "1_250.25"), ("1.000", "1.0"),
                           ("1.50", "1.5"), ("2.50", "2.5"), ("95.50", "95.5"), ("80.50", "80.5"),
                           ("2.10", "2.1")]:
        plain = plain.replace(written, value)
    assert plain != NUMBERS_AS_WRITTEN
    assert fmt._read(plain, None).model_dump() == fmt._read(NUMBERS_AS_WRITTEN, None).model_dump()


@pytest.mark.parametrize("written, canonical", [
    ("0.10", "0.10"), ("1_000.50", "1_000.50"), ("1.0", "1.0"), ("100", "100"), ("0.0", "0.0"),
    ("00.10", "0.10"), ("1_0.10", "10.10"), ("007.50", "7.50"), ("-0.10", "-0.10"),
])
def test_a_number_is_kept_unless_its_spelling_is_odd(written, canonical):
    assert slacode.format(f"segment s = x > {written}\n") == f"segment s = x > {canonical}\n"


def test_windows_line_endings_become_unix():
    assert slacode.format('states {\r\n  a  # x\r\n}\r\n') == "states {\n  a  # x\n}\n"


@pytest.mark.parametrize("written, canonical", [
    ("warn at 30m before", "warn 30m before"),
    ("warn   1 hour 30 minutes   before", "warn 1h30m before"),
    ("warn at 62.5%", "warn at 62.5%"),
])
def test_warn_lines(written, canonical):
    text = f"deadline r {{\n  within 4h\n  {written}\n}}\n"
    assert slacode.format(text) == f"deadline r {{\n  within 4h\n  {canonical}\n}}\n"


def test_syntax_errors_raise_spec_error():
    with pytest.raises(SpecError) as e:
        slacode.format("deadline r {\n  within on\n}\n")
    assert e.value.errors[0].code.startswith("SLA1")


def test_format_is_public():
    assert "format" in slacode.__all__ and slacode.format is fmt.format


# --------------------------------------------------------------------------- refusal

def test_refuses_when_the_printer_changes_the_meaning(monkeypatch):
    monkeypatch.setattr(fmt, "_duration", lambda d: "1m")
    with pytest.raises(fmt.FormatError, match=r"declarations\[0\]\.clauses\[0\]\.duration"):
        slacode.format("deadline r {\n  within 4h\n}\n")


def test_refuses_when_the_printer_drops_a_statement(monkeypatch):
    original = dict(fmt._STATEMENTS)
    monkeypatch.setitem(fmt._STATEMENTS, m.Warn, lambda p, c: "")
    with pytest.raises(fmt.FormatError, match="does not mean the same"):
        slacode.format("deadline r {\n  warn at 50%\n}\n")
    assert original[m.Warn] is not fmt._STATEMENTS[m.Warn]


def test_refuses_when_a_comment_would_be_lost(monkeypatch):
    real = fmt._join

    def drop_comments(lines):
        return real([fmt._Line(ln.depth, ln.code) if ln is not None and ln.code else ln for ln in lines])

    monkeypatch.setattr(fmt, "_join", drop_comments)
    with pytest.raises(fmt.FormatError, match="comments"):
        slacode.format("states {\n  a  # keep me\n}\n")


def test_refuses_when_the_output_does_not_parse(monkeypatch):
    monkeypatch.setitem(fmt._STATEMENTS, m.Owner, lambda p, c: "owner")
    with pytest.raises(fmt.FormatError, match="does not parse"):
        slacode.format("deadline r {\n  owner sales\n}\n")


def test_cli_refusal_exits_2_and_leaves_the_file(monkeypatch, tmp_path, capsys):
    path = tmp_path / "a.sla"
    text = "deadline r { within 4h }\n"
    path.write_text(text)
    monkeypatch.setattr(fmt, "_duration", lambda d: "1m")
    assert main(["fmt", str(path)]) == 2
    assert path.read_text() == text
    err = capsys.readouterr().err
    assert f"{path}: refused to reformat" in err and "duration.hours differs" in err and "left as it was" in err


# -------------------------------------------------------------------------------- CLI

MESSY = 'agreement "a" { version "1"; teams sales }\n'
CLEAN = 'agreement "a" {\n  version "1"\n  teams sales\n}\n'


def test_cli_writes_in_place(tmp_path, capsys):
    messy, clean = tmp_path / "messy.sla", tmp_path / "clean.sla"
    messy.write_text(MESSY)
    clean.write_text(CLEAN)
    before = clean.stat().st_mtime_ns
    assert main(["fmt", str(tmp_path)]) == 0
    assert messy.read_text() == CLEAN and clean.read_text() == CLEAN
    assert clean.stat().st_mtime_ns == before
    captured = capsys.readouterr()
    assert captured.out == "" and "1 file reformatted, 1 file left unchanged." in captured.err


def test_cli_check(tmp_path, capsys):
    path = tmp_path / "a.sla"
    path.write_text(MESSY)
    assert main(["fmt", "--check", str(path)]) == 1
    assert path.read_text() == MESSY
    assert capsys.readouterr().out == f"would reformat {path}\n"
    path.write_text(CLEAN)
    assert main(["fmt", "--check", str(path)]) == 0
    assert capsys.readouterr().out == ""


def test_cli_keeps_the_line_ends_of_a_windows_checkout(tmp_path, capsys):
    path = tmp_path / "a.sla"
    path.write_bytes(CLEAN.replace("\n", "\r\n").encode())
    assert main(["fmt", "--check", str(path)]) == 0          # canonical, in CRLF
    path.write_bytes(MESSY.replace("\n", "\r\n").encode())
    assert main(["fmt", str(path)]) == 0
    assert path.read_bytes() == CLEAN.replace("\n", "\r\n").encode()
    path.write_bytes(MESSY.encode())                          # LF stays LF
    assert main(["fmt", str(path)]) == 0 and path.read_bytes() == CLEAN.encode()
    capsys.readouterr()


def test_cli_diff(tmp_path, capsys):
    path = tmp_path / "a.sla"
    path.write_text(MESSY)
    assert main(["fmt", "--diff", str(path)]) == 1
    out = capsys.readouterr().out
    assert path.read_text() == MESSY
    assert out.startswith(f"--- {path}\n+++ {path} (formatted)\n")
    assert "-agreement \"a\" { version \"1\"; teams sales }\n" in out and "+  teams sales\n" in out
    path.write_text(CLEAN)
    assert main(["fmt", "--diff", str(path)]) == 0
    assert capsys.readouterr().out == ""


def test_cli_error_exit_2(tmp_path, capsys):
    bad, good = tmp_path / "bad.sla", tmp_path / "good.sla"
    bad.write_text("deadline r {\n  within on\n}\n")
    good.write_text(MESSY)
    assert main(["fmt", "--check", str(bad), str(good)]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:2:10: SLA101" in err and "not formatted" in err
    assert main(["fmt", str(tmp_path / "missing.sla")]) == 2


def _stdin(monkeypatch, text: str) -> None:
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(text.encode("utf-8")), encoding="utf-8"))


def test_cli_stdin_to_stdout(monkeypatch, capsysbinary):
    _stdin(monkeypatch, MESSY + "# é\n")
    assert main(["fmt", "-"]) == 0
    captured = capsysbinary.readouterr()
    assert captured.out.decode("utf-8") == CLEAN + "# é\n" and captured.err == b""


def test_cli_stdin_check(monkeypatch, capsys):
    _stdin(monkeypatch, MESSY)
    assert main(["fmt", "--check", "-"]) == 1
    _stdin(monkeypatch, CLEAN)
    assert main(["fmt", "--check", "-"]) == 0
    _stdin(monkeypatch, "segment s =\n")
    assert main(["fmt", "-"]) == 2


def test_console_script(tmp_path):
    path = tmp_path / "a.sla"
    path.write_text(MESSY)
    cmd = [sys.executable, "-m", "slacode", "fmt"]
    proc = subprocess.run(cmd + ["--check", str(path)], capture_output=True, text=True)
    assert proc.returncode == 1, proc.stderr
    proc = subprocess.run(cmd + ["-"], input=MESSY, capture_output=True, text=True)
    assert (proc.returncode, proc.stdout) == (0, CLEAN)
    assert subprocess.run(cmd + [str(path)], capture_output=True).returncode == 0
    assert path.read_text() == CLEAN


# ------------------------------------------------------------------ generated agreements

KEYWORDS = set("""
agreement version timezone teams calendar hours daily holidays closed open day days states final
flow segment let handoff deadline attempts owner start stop cancel restart pause while when on for
within warn at require count least most per before gap first where only during between in lead
enter leave not and or exists missing contains starts with state true false null target rule clause
met quota test as of set expect period cycle due breached cancelled paused at_risk pending week month
quarter mon tue wed thu fri sat sun minute minutes hour hours
""".split())

# (a carriage return is a line break, as in an editor: no text or name holds one)
_text_chars = st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r\x00")
# Texts and names as the reader builds them: in Unicode's composed form (NFC), which a text
# written otherwise is read as (docs/extensions.md "Names and texts in either Unicode form")
texts = st.text(_text_chars, max_size=10).map(lambda s: unicodedata.normalize("NFC", s))
# (characters that look like a space or nothing are refused inside a backquoted name: SLA102)
qnames = st.text(st.characters(blacklist_categories=("Cs", "Cf"), blacklist_characters="\n\r\x00`" + "".join(INVISIBLE)),
                 min_size=1, max_size=8).map(lambda s: unicodedata.normalize("NFC", s))
idents = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,6}", fullmatch=True).filter(lambda s: s not in KEYWORDS)
names = idents.map(lambda s: m.Name(value=s))
strings = texts.map(lambda s: m.StringLit(value=s))
naturals = st.one_of(st.integers(0, 10**7), st.floats(0, 1e7, allow_nan=False, allow_infinity=False))
numbers = st.one_of(st.integers(-10**7, 10**7), st.floats(-1e7, 1e7, allow_nan=False, allow_infinity=False))
durations = st.builds(m.Duration, days=st.integers(0, 40), hours=st.integers(0, 99), minutes=st.integers(0, 999))
times = st.builds(m.TimeOfDay, hour=st.integers(0, 99), minute=st.integers(0, 99))
ranges = st.builds(m.TimeRange, start=times, end=times)
dates = st.builds(m.DateLit, year=st.integers(0, 9999), month=st.integers(0, 99), day=st.integers(0, 99))
timestamps = st.from_regex(r"\d{4}-\d\d-\d\d[Tt]\d\d:\d\d(:\d\d(\.\d{1,9})?)?([Zz]|[+-]\d\d:\d\d)?",
                           fullmatch=True).map(lambda t: m.TimestampLit(text=t))
statuses = st.sampled_from(["met", "breached", "cancelled", "paused", "at_risk", "pending"])
periods = st.sampled_from(["day", "week", "month", "quarter"])


def tuples(strategy, lo=1, hi=3):
    return st.lists(strategy, min_size=lo, max_size=hi).map(tuple)


field_names = st.one_of(idents.map(lambda s: m.FieldRef(name=s)),
                        qnames.map(lambda s: m.FieldRef(name=s, quoted=True)))
operands = st.one_of(field_names, st.just(m.FieldRef(name="state", is_state=True)))
values = st.one_of(texts.map(lambda s: m.Value(kind="string", value=s)),
                   numbers.map(lambda n: m.Value(kind="number", value=n)),
                   st.booleans().map(lambda b: m.Value(kind="bool", value=b)),
                   idents.map(lambda s: m.Value(kind="name", value=s)))
literals = st.one_of(texts.map(lambda s: m.Value(kind="string", value=s)),
                     numbers.map(lambda n: m.Value(kind="number", value=n)),
                     st.booleans().map(lambda b: m.Value(kind="bool", value=b)),
                     st.just(m.Value(kind="null", value=None)))
tests_ = st.one_of(
    st.builds(m.Compare, field=operands, op=st.sampled_from(["==", "!=", "<", "<=", ">", ">="]), value=values),
    st.builds(m.Member, field=operands, values=tuples(values, 0, 3), negated=st.booleans()),
    st.builds(m.Exists, field=operands, negated=st.booleans()),
    st.builds(m.TextTest, field=operands, op=st.sampled_from(["contains", "starts_with"]), text=strings),
    st.builds(m.SegmentRef, name=names),
    st.builds(m.BoolConst, value=st.booleans()),
)
preds = st.recursive(tests_, lambda inner: st.one_of(
    st.builds(m.Or, items=tuples(inner, 2, 3)),
    st.builds(m.And, items=tuples(inner, 2, 3)),
    st.builds(m.Not, item=inner)), max_leaves=6)
triggers = tuples(st.one_of(
    st.builds(m.Trigger, kind=st.sampled_from(["enter", "leave"]), states=tuples(names)),
    st.builds(m.Trigger, kind=st.just("event"), type=names, where=st.none() | preds)))
exprs = st.recursive(
    st.one_of(naturals.map(lambda n: m.Number(value=n)), st.builds(m.Constant, name=names)),
    lambda inner: st.one_of(
        # as the parser builds it: `(a + b) + c` is the flat chain `a + b + c` (m.arithmetic)
        st.builds(m.arithmetic, op=st.sampled_from(["+", "-", "*", "/"]), left=inner, right=inner),
        st.builds(m.Negate, item=inner),
        st.builds(m.Call, func=names, args=tuples(inner))), max_leaves=6)
maybe_names = st.none() | names

clauses = st.one_of(
    st.builds(m.Owner, team=names),
    st.builds(m.StartOn, triggers=triggers, once=st.booleans()),
    st.builds(m.StartWhen, predicate=preds, once=st.booleans()),
    st.builds(m.StopOn, triggers=triggers), st.builds(m.CancelOn, triggers=triggers),
    st.builds(m.RestartOn, triggers=triggers), st.builds(m.PauseWhile, predicate=preds),
    st.builds(m.Within, duration=durations, calendar=maybe_names, segment=maybe_names),
    st.builds(m.Warn, percent=naturals), st.builds(m.Require, fields=tuples(field_names)),
    st.builds(m.Count, triggers=triggers),
    st.builds(m.AtLeastWithin, n=naturals, duration=durations, calendar=maybe_names, segment=maybe_names),
    st.builds(m.AtLeastBefore, n=naturals, triggers=triggers),
    st.builds(m.AtMostPerDay, n=naturals, calendar=maybe_names),
    st.builds(m.Gap, duration=durations), st.builds(m.First, predicate=preds),
    st.builds(m.OnlyDuring, calendar=names), st.builds(m.OnlyBetween, window=ranges),
)
day_items = st.one_of(st.just(m.DayItem(daily=True)),
                      st.builds(m.DayItem, first=st.integers(0, 6)),
                      st.builds(m.DayItem, first=st.integers(0, 6), last=st.integers(0, 6)))
timezones = st.builds(m.Timezone, value=strings)
assignments = st.builds(m.Assignment, key=field_names, value=literals)
test_items = st.one_of(
    st.builds(m.TestAsOf, at=timestamps), st.builds(m.TestLead, lead=strings),
    st.builds(m.TestEvent, at=timestamps, type=names, props=tuples(assignments, 0, 2), sets=tuples(assignments, 0, 2)),
    st.builds(m.TestEvent, at=timestamps, type=st.just(m.Name(value="state")), state=names,
              sets=tuples(assignments, 0, 2)),
    st.builds(m.Expect, rule=names, clause=maybe_names, period=st.none() | strings,
              cycle=st.none() | naturals, status=statuses, due=st.none() | timestamps),
)
declarations = st.one_of(
    st.builds(m.AgreementDecl, id=strings, items=tuples(st.one_of(
        st.builds(m.Version, value=strings), timezones, st.builds(m.Teams, names=tuples(names))), 0, 3)),
    st.builds(m.CalendarDecl, name=names, items=tuples(st.one_of(
        timezones, st.builds(m.Hours, days=tuples(day_items), ranges=tuples(ranges, 1, 2)),
        st.builds(m.Holidays, regions=tuples(strings, 1, 2), picks=tuples(st.one_of(
            idents.map(lambda s: m.HolidayPick(value=s, category=True)),
            texts.map(lambda s: m.HolidayPick(value=s, category=False))), 0, 3)),
        st.builds(m.Closed, dates=tuples(dates, 1, 2)),
        st.builds(m.Open, date=dates, ranges=tuples(ranges, 1, 2)),
        st.builds(m.DayLength, duration=durations)), 0, 4)),
    st.builds(m.StatesDecl, states=tuples(st.builds(m.StateDecl, name=names, final=st.booleans()), 0, 3)),
    st.builds(m.FlowDecl, lines=tuples(st.builds(m.FlowLine, source=names, targets=tuples(names)), 0, 3)),
    st.builds(m.SegmentDecl, name=names, predicate=preds),
    st.builds(m.LetDecl, name=names, expr=exprs),
    st.builds(m.Rule, rule_kind=st.sampled_from(["handoff", "deadline", "attempts"]), name=names,
              clauses=tuples(clauses, 0, 5)),
    st.builds(m.TargetDecl, name=names, items=tuples(st.one_of(
        st.builds(m.Owner, team=names),
        st.builds(m.TargetRule, rule=names, clause=maybe_names, segment=maybe_names),
        st.builds(m.TargetGoal, percent=exprs, period=periods)), 0, 3)),
    st.builds(m.QuotaDecl, name=names, items=tuples(st.one_of(
        st.builds(m.Owner, team=names), st.builds(m.Count, triggers=triggers),
        st.builds(m.Sum, prop=field_names, triggers=triggers, segment=maybe_names),
        st.builds(m.QuotaGoal, bound=st.sampled_from(["least", "most"]), amount=exprs, period=periods)), 0, 3)),
    st.builds(m.TestDecl, name=strings, items=tuples(test_items, 0, 4)),
)
agreements = st.builds(m.Agreement, declarations=tuples(declarations, 0, 5))

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FUZZ
@given(agreements)
def test_generated_agreement_round_trips(agreement):
    text = fmt.print_agreement(agreement)
    assert model_of(text).model_dump() == agreement.model_dump(), text
    assert slacode.format(text) == text


@FUZZ
@given(agreements, st.data())
def test_generated_comments_survive(agreement, data):
    lines = fmt.print_agreement(agreement).split("\n")[:-1] or [""]
    out = []
    for i, line in enumerate(lines):
        if data.draw(st.booleans(), label="own-line comment above"):
            out.append(f"{' ' * data.draw(st.integers(0, 4))}# above {i} \"`")
        trailing = line.strip() and data.draw(st.booleans(), label="end-of-line comment")
        out.append(line + (f"   # after {i}" if trailing else ""))
    text = "\n".join(out) + "\n"
    formatted = slacode.format(text)      # checks the model and the comments itself ...
    assert comment_texts(formatted) == comment_texts(text)   # ... and so does the test
    assert slacode.format(formatted) == formatted


@FUZZ
@given(agreements, st.data())
def test_generated_relayout_formats_back(agreement, data):
    """Statements run together with `;` and re-indented at random format back to the
    canonical text (blank lines aside: they are the author's)."""
    canonical = fmt.print_agreement(agreement)
    pieces = []
    for line in canonical.split("\n"):
        pieces.append(" " * data.draw(st.integers(0, 3)) + line)
        pieces.append(data.draw(st.sampled_from(["\n", ";", " ; ", "\n\n"])))
    text = "".join(pieces)
    # a text without a line feed but with a carriage return (in a string) is read as a
    # classic Mac file, whose carriage returns end lines: not the text meant here
    assume("\n" in text or "\r" not in text)
    formatted = slacode.format(text)
    assert [ln for ln in formatted.split("\n") if ln] == [ln for ln in canonical.split("\n") if ln]


def test_cli_undecodable_file_exit_2(tmp_path, capsys):
    path = tmp_path / "latin1.sla"
    path.write_bytes(b'segment s = x == "\xe9"\n')
    assert main(["fmt", str(path)]) == 2
    assert "SLA104" in capsys.readouterr().err
    assert path.read_bytes() == b'segment s = x == "\xe9"\n'


def test_cli_formats_through_a_symbolic_link(tmp_path):
    real = tmp_path / "real.sla"
    real.write_text(MESSY)
    link = tmp_path / "link.sla"
    link.symlink_to(real)
    assert main(["fmt", str(link)]) == 0
    assert link.is_symlink() and real.read_text() == CLEAN
