"""The list of what a syntax error expected (review 27b L7): whole when it is short enough,
else its first names and how many more, never a bare "or …"."""
from __future__ import annotations

import slacode
from slacode.parse import parser
from slacode.syntax_words import _LISTED, describe_expected

TERMINALS = {t.name: t for t in parser().terminals}


def test_the_comparison_slip_lists_every_alternative():
    diag, = [d for d in slacode.lint('agreement "x" { version "1"; timezone "UTC"; teams sales }\n'
                                     "segment hot = score => 80\n") if d.code == "SLA101"]
    assert "…" not in diag.message
    assert diag.message.endswith("`starts`, the end of the file or the end of the line, found `=`"), diag.message


def test_a_short_list_is_whole():
    names = ["AND", "OR", "CONTAINS", "_NL"]
    assert describe_expected(names, TERMINALS) == "`and`, `contains`, `or` or the end of the line"


def test_a_long_list_counts_what_it_leaves_out():
    words = sorted(n for n, t in TERMINALS.items() if t.pattern.type == "str" and n.isupper()
                   and n not in ("COMPARATOR",))[:20]
    text = describe_expected(words + ["_NL"], TERMINALS)
    assert "…" not in text
    assert text.endswith(f", the end of the line or {21 - (_LISTED - 1)} more"), text
    assert text.count(", ") == _LISTED - 2


def test_the_limit_is_inclusive():
    words = sorted(n for n, t in TERMINALS.items() if t.pattern.type == "str" and n.isupper()
                   and n not in ("COMPARATOR",))[:_LISTED]
    text = describe_expected(words, TERMINALS)
    assert " more" not in text and text.count(", ") == _LISTED - 2
