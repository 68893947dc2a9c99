"""Arbitrary text and mutated agreements give slacode diagnostics, never an exception."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import slacode
from slacode.diagnostics import Diagnostic, SpecError
from slacode.parse import decode
from tests.conftest import language_example

EXAMPLE = language_example()
LINES = EXAMPLE.splitlines()
TOKENS = ["{", "}", "(", ")", "[", "]", ",", ";", "\n", "->", "==", "=", "or", "and", "not", "within",
          "4h", "2d", "09:00", "09:00-18:00", "2026-12-24", "2026-11-02T10:00:00-03:00", '"x"', "`y`",
          "at", "least", "most", "per", "day", "where", "enter", "%", "80", "-", "state", "test", "expect",
          "#", '"', "`", "\t", "\x0c", "é", "let", "ceil", "/", "*"]


def _only_ours(text: str) -> None:
    diags = slacode.lint(text, "fuzz.sla")
    assert all(isinstance(d, Diagnostic) and d.code.startswith("SLA") for d in diags)
    for d in diags:
        assert d.span is None or (d.span.line >= 1 and d.span.column >= 1)
    try:
        slacode.loads(text, "fuzz.sla")
    except SpecError as e:
        assert e.diagnostics


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_arbitrary_text(text):
    _only_ours(text)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_arbitrary_bytes(data):
    text, diags = decode(data, "fuzz.sla")
    if text is None:
        assert diags and diags[0].code == "SLA104"
    else:
        _only_ours(text)


MUTATIONS = st.lists(st.tuples(st.integers(0, len(LINES)), st.sampled_from(["drop", "dup", "insert", "cut"]),
                               st.sampled_from(TOKENS), st.integers(0, 60)), max_size=6)


def mutate(mutations, pad: str = " ") -> str:
    """The example agreement with lines dropped, doubled, cut, or given a token (with
    ``pad`` either side of it)."""
    lines = list(LINES)
    for index, action, token, pos in mutations:
        i = min(index, len(lines) - 1) if lines else 0
        if not lines:
            lines = [token]
        elif action == "drop":
            del lines[i]
        elif action == "dup":
            lines.insert(i, lines[i])
        elif action == "insert":
            line = lines[i]
            lines[i] = line[:pos] + pad + token + pad + line[pos:]
        else:
            lines[i] = lines[i][:pos]
    return "\n".join(lines)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(MUTATIONS)
def test_mutated_agreement(mutations):
    _only_ours(mutate(mutations))


@settings(max_examples=100, deadline=None)
@given(st.lists(st.sampled_from(TOKENS), max_size=80))
def test_token_soup(tokens):
    _only_ours(" ".join(tokens))
