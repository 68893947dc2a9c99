"""review29d: deep agreements (H4, M7), binary files (M4) and line ends (L1).

Each shape below crashed with RecursionError, took quadratic time or said the wrong thing
before; sizes are well past the old thresholds (a sum crashed at 1,000 terms, a chain of
`let`s at 600, a chain of segments at 300, an `and` of 8,000 parts took 12 s to lint).
"""
from __future__ import annotations

import datetime as dt
import time

import pytest

import slacode
from slacode.cli import main
from slacode.parse import decode

HEADER = 'agreement "x" { version "1"; timezone "UTC"; teams sales }\n'
QUOTA = "quota q { owner sales; count won; at least a0 per day }\n"
RULE = "deadline d { owner sales; start on assigned; stop on won; within 1h for s0; within 2h }\n"
AS_OF = dt.datetime(2026, 11, 3, tzinfo=dt.timezone.utc)
EVENTS = [{"lead": "L", "at": "2026-11-02T10:00:00Z", "type": "assigned", "fields": {"f": 5, "f0": 5}},
          {"lead": "L", "at": "2026-11-02T10:30:00Z", "type": "won"}]


def long_sum(n: int) -> str:
    return HEADER + "let a0 = " + " + ".join(["1"] * n) + "\n" + QUOTA


def let_chain(n: int) -> str:
    return HEADER + "".join(f"let a{i} = a{i + 1} + 1\n" for i in range(n)) + f"let a{n} = 1\n" + QUOTA


def segment_chain(n: int) -> str:
    return (HEADER + "".join(f"segment s{i} = s{i + 1} and f{i} > 1\n" for i in range(n))
            + f"segment s{n} = f > 1\n" + RULE)


def goal(agreement) -> object:
    (verdict,) = [v for v in agreement.evaluate([EVENTS[1]], as_of=AS_OF).verdicts if v.rule == "q"][:1]
    return verdict.threshold


# ------------------------------------------------------------------- H4: long sums

def test_a_sum_of_5000_terms_lints_loads_formats_and_evaluates():
    text = long_sum(5000)
    started = time.perf_counter()
    assert slacode.lint(text) == []
    assert goal(slacode.loads(text)) == 5000
    assert slacode.format(text) == text.replace("{ version", "{\n  version").replace('"1"; ', '"1"\n  ') \
        .replace('"UTC"; ', '"UTC"\n  ').replace("sales }\nlet", "sales\n}\n\nlet").replace(
        "quota q { owner sales; count won; at least a0 per day }\n",
        "\nquota q {\n  owner sales\n  count won\n  at least a0 per day\n}\n")
    assert time.perf_counter() - started < 20          # (about 2 s; linear, not a hang)


def test_mixed_operators_in_long_chains_keep_their_meaning():
    # `2 * 3 / 1 - 1` is 5; 2,000 of them added up, and a chain of divisions
    text = HEADER + "let a0 = " + " + ".join(["2 * 3 / 1 - 1"] * 2000) + "\n" + QUOTA
    assert slacode.lint(text) == [] and goal(slacode.loads(text)) == 10_000
    text = HEADER + "let a0 = 1000 " + "/ 2 * 2 " * 1500 + "- (8 - 4 - 2)\n" + QUOTA
    assert goal(slacode.loads(text)) == 998
    assert "let a0 = 1000 / 2 * 2 / 2" in slacode.format(text) and "- (8 - 4 - 2)" in slacode.format(text)


def test_division_by_zero_in_a_chain_points_at_the_division():
    (d,) = slacode.lint(HEADER + "let a0 = 1 + 6 / 3 / 0 * 2\n" + QUOTA)
    assert d.code == "SLA313" and (d.line, d.column, d.span.end_column) == (2, 14, 23)


def test_parenthesised_sums_are_the_same_model_as_flat_ones():
    flat = slacode.loads(HEADER + "let a0 = 1 + 2 + 3 - 4\n" + QUOTA)
    grouped = slacode.loads(HEADER + "let a0 = ((1 + 2) + 3) - 4\n" + QUOTA)
    assert goal(flat) == goal(grouped) == 2
    assert slacode.format(HEADER + "let a0 = ((1 + 2) + 3) - (4 - 1)\n" + QUOTA).count("1 + 2 + 3 - (4 - 1)") == 1


# ------------------------------------------------------------------ H4: let chains

def test_a_chain_of_3000_lets_each_naming_the_next_has_a_value():
    text = let_chain(3000)
    started = time.perf_counter()
    assert slacode.lint(text) == []
    assert goal(slacode.loads(text)) == 3001
    assert slacode.format(text).count("\nlet ") == 3001
    assert time.perf_counter() - started < 20          # (each constant is worked out once)


def test_a_circle_through_a_long_chain_of_lets_is_still_sla314():
    text = let_chain(1500).replace("let a1500 = 1", "let a1500 = a0")
    codes = {d.code for d in slacode.lint(text)}
    assert codes == {"SLA314"}


def test_diff_of_long_sums_and_let_chains_is_quick_and_right():
    from slacode.diff import semantic_diff

    started = time.perf_counter()
    changes = semantic_diff(slacode.loads(let_chain(1500)),
                            slacode.loads(let_chain(1500).replace("let a1500 = 1", "let a1500 = 2")))
    assert len([c for c in changes if c.area == "let"]) == 1501          # each value moved by one
    (change,) = [c for c in semantic_diff(slacode.loads(long_sum(3000)), slacode.loads(long_sum(3001)))
                 if c.area == "let"]
    assert change.subject == "a0"
    assert time.perf_counter() - started < 20          # (was 13 s for the lets alone)


# -------------------------------------------------------------- H4: segment chains

def test_a_segment_chain_too_deep_is_sla106_with_its_place():
    text = segment_chain(600)
    (d,) = slacode.lint(text)
    assert d.code == "SLA106" and (d.line, d.column) == (2, 14)
    assert "segment `s0` is nested more than 200 deep" in d.message
    assert "`s0` → `s1` → `s2` → … → `s599` → `s600`: 601 segments" in d.message
    with pytest.raises(slacode.SpecError) as e:
        slacode.loads(text)
    assert [x.code for x in e.value.diagnostics] == ["SLA106"]
    assert slacode.format(text).startswith('agreement "x" {')     # formatting does not read segments in


def test_a_segment_chain_within_the_limit_is_evaluated():
    agreement = slacode.loads(segment_chain(99))       # 199 deep with its segments read in
    (v,) = [v for v in agreement.evaluate(EVENTS, as_of=AS_OF).verdicts if v.rule == "d"]
    assert v.status == "met" and v.segment is None      # f1 … f98 are missing: s0 does not hold
    assert [d.code for d in slacode.lint(segment_chain(100))] == ["SLA106"]


def test_a_predicate_naming_a_deep_segment_is_reported_at_the_predicate():
    text = (HEADER + "".join(f"segment s{i} = " + "not " * 40 + f"s{i + 1}\n" for i in range(4))
            + "segment s4 = f > 1\n"
            + "deadline d { owner sales; start when " + "not " * 40 + "s0; stop on won; within 1h }\n")
    (d,) = slacode.lint(text)
    assert d.code == "SLA106" and d.line == 7 and "this predicate" in d.message


def test_cli_lint_and_check_on_the_repro_shapes(tmp_path, capsys):
    events = tmp_path / "ev.jsonl"
    events.write_text('{"lead":"L","at":"2026-11-02T10:00:00Z","type":"won"}\n')
    for name, text, status in (("sum", long_sum(3000), 0), ("lets", let_chain(1200), 0),
                               ("segments", segment_chain(400), 1)):
        path = tmp_path / f"{name}.sla"
        path.write_text(text)
        assert main(["lint", str(path)]) == status, name
        assert main(["check", str(path), str(events), "--as-of", "2026-11-03T00:00:00Z",
                     "--format", "jsonl"]) == (0 if status == 0 else 2), name
    out = capsys.readouterr()
    assert "internal error" not in out.err and "RecursionError" not in out.err + out.out


# ------------------------------------------------------- H4: the nesting limit's words

def test_signs_are_named_when_they_nest_too_deep():
    (d,) = slacode.lint(HEADER + "let a0 = " + "- " * 150 + "5\n" + QUOTA)
    assert d.code == "SLA106" and d.message == "`-` signs nested more than 100 deep"
    assert "`- - 5` is `5`" in d.hint
    (d,) = slacode.lint(HEADER + "let a0 = " + "-(" * 80 + "5" + ")" * 80 + "\n" + QUOTA)
    assert d.message == "parentheses and `-` signs nested more than 100 deep"
    (d,) = slacode.lint(HEADER + "segment s0 = " + "not " * 60 + "(" * 50 + "x > 1" + ")" * 50 + "\n")
    assert d.message == "parentheses and `not` nested more than 100 deep"


def test_a_not_or_sign_in_each_term_of_a_long_chain_is_not_nesting():
    # each `not` / `-` reaches only to the next `and` / `+`: 300 of them in a row nest 1 deep
    text = HEADER + "segment s0 = " + " and ".join(f"not f{i} > 1" for i in range(300)) + "\n" + RULE
    assert slacode.lint(text) == []
    assert goal(slacode.loads(HEADER + "let a0 = 400 " + "- -1 " * 300 + "+ -1" * 100 + "\n" + QUOTA)) == 600


# ----------------------------------------------------------- M7: long `and` chains

def test_a_long_and_compares_only_parts_about_the_same_field(monkeypatch):
    import slacode.logic as logic

    calls = []
    real = logic._disjoint
    monkeypatch.setattr(logic, "_disjoint", lambda a, b: calls.append(1) or real(a, b))
    text = HEADER + "segment s0 = " + " and ".join(f"f{i} > 1" for i in range(4000)) + "\n" + RULE
    assert slacode.lint(text) == []
    assert len(calls) < 1000                            # (was 8 million pairs)


def test_a_contradiction_far_apart_in_a_long_and_is_still_seen():
    parts = [f"f{i} > 1" for i in range(3000)]
    parts[10], parts[2900] = "x > 5", "x < 3"
    text = (HEADER + "segment s0 = " + " and ".join(parts) + "\n"
            + "deadline d { owner sales; start on assigned; stop on won; within 1h for s0; within 2h }\n")
    assert "SLA320" in {d.code for d in slacode.lint(text)}
    parts[2900] = "not x > 5"
    assert "SLA320" in {d.code for d in slacode.lint(HEADER + "segment s0 = " + " and ".join(parts) + "\n"
                                                     + RULE)}


def test_the_same_field_compared_thousands_of_times_stays_bounded():
    from slacode import logic

    many = [("cmp", ("field", "x"), ">", ("num", i)) for i in range(5000)]
    started = time.perf_counter()
    assert logic.conjunction(many)[0] == "and"
    assert time.perf_counter() - started < 10
    clash = many[:5] + [("cmp", ("field", "x"), "<", ("num", 0))]
    assert logic.conjunction(clash) == ("bool", False)


# ---------------------------------------------------------------- M4: binary files

ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 8 + b"\x03\x00\x3e\x00\x01\x00\x00\x00" + bytes(range(256)) * 4
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR\x00\x00\x01\x00\x00\x00\x01\x00\x08\x06\x00\x00\x00" * 20


@pytest.mark.parametrize("data", [ELF, PNG, b"\xff\xfe" + bytes(range(32)) * 20], ids=["elf", "png", "mark"])
def test_a_binary_file_is_not_called_utf16(data, tmp_path, capsys):
    for lenient in (False, True):
        text, (d,) = decode(data, "a.sla", lenient=lenient)
        assert text is None and d.code == "SLA104" and "UTF-16" not in d.message
        assert "not a text file" in d.message and "binary file" in d.hint and "iconv" not in d.hint
    path = tmp_path / "a.sla"
    path.write_bytes(data)
    assert main(["lint", str(path)]) == 1
    err = capsys.readouterr()
    assert "UTF-16" not in err.out + err.err and "not a text file" in err.out + err.err


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be"])
def test_real_utf16_is_still_called_utf16(codec):
    data = (HEADER + "segment s0 = f > 1 # café\n").encode(codec)
    for lenient in (False, True):
        text, (d,) = decode(data, "a.sla", lenient=lenient)
        assert text is None and "UTF-16" in d.message and "iconv -f utf-16" in d.hint


# ----------------------------------------------------------------- L1: a lone CR

MIXED = (HEADER.replace("\n", "\r\n") + "deadline d {\r\n  owner sales\r  start on assigned\r\n"
         "  stop on won\r\n  within 1h\r\n  warn at 150%\r\n}\r\n")


def test_a_lone_cr_in_a_crlf_file_is_a_line_break():
    agreement = slacode.loads(MIXED.replace("  warn at 150%\r\n", ""))
    assert [r.name.value for r in agreement.rules] == ["d"]
    (d,) = slacode.lint(MIXED)          # lines counted as an editor shows them: the stray CR ends line 3
    assert d.code == "SLA311" and (d.line, d.column) == (7, 3), d


def test_a_string_ends_at_a_lone_cr():
    (d, *_) = slacode.lint(HEADER + 'segment s0 = f == "a\rb"\n')
    assert d.code == "SLA105" and d.line == 2


def test_fmt_writes_a_lone_cr_as_the_files_line_end(tmp_path, capsys):
    path = tmp_path / "a.sla"
    text = MIXED.replace("  warn at 150%\r\n", "")
    path.write_bytes(text.encode())
    assert main(["fmt", str(path)]) == 0
    out = path.read_bytes()
    assert b"\r\n  start on assigned\r\n" in out and out.count(b"\r") == out.count(b"\r\n")
    path.write_bytes(text.replace("\r\n", "\n").encode())           # an LF file with a stray CR: LF
    assert main(["fmt", str(path)]) == 0
    assert b"\r" not in path.read_bytes() and b"\n  start on assigned\n" in path.read_bytes()
    capsys.readouterr()
