"""Every diagnostic code: a fixture that triggers it at exact places, a docs page, and
documentation whose examples do what they say.

Fixtures live in tests/fixtures/codes/ and are named by code (``SLA207.sla``). Their first
lines are comments ``# expect: SLA207 14:15``, one per expected occurrence; the table test
requires exactly those occurrences of that code (other codes may appear too). A line
``# patch: module.NAME=value`` lowers a limit for the run (the 16 MiB file limit, say).
Codes of event files and evaluation (5xx, 6xx) have ``.jsonl``/``.csv`` fixtures run by
their own tests; the meta-test only requires that a fixture exists for every code.
"""
from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path

import pytest

import slacode.api
from slacode.codes import CODES
from slacode.checks import registry

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "codes"
RULES_DOCS = ROOT / "docs" / "rules"

_EXPECT = re.compile(r"^# expect: (SLA\d{3}) (\d+):(\d+)\s*$")
_PATCH = re.compile(r"^# patch: ([\w.]+)\.(\w+)=(\d+)\s*$")
_SLA_BLOCK = re.compile(r"```sla\n(.*?)```", re.S)

SLA_FIXTURES = sorted(FIXTURES.glob("SLA*.sla"))
ALL_CODES = sorted(CODES)
LINT_CODES = [c for c in ALL_CODES if c[3] in "234"]


def _header(path: Path) -> tuple[list[tuple[str, int, int]], list[tuple[str, str, int]]]:
    """The ``# expect:`` and ``# patch:`` lines at the top of a fixture."""
    expected, patches = [], []
    text = path.read_bytes().decode("utf-8", "replace")
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        if m := _EXPECT.match(line):
            expected.append((m[1], int(m[2]), int(m[3])))
        elif m := _PATCH.match(line):
            patches.append((m[1], m[2], int(m[3])))
    return expected, patches


def lint_file(path: Path, monkeypatch) -> list:
    """Diagnostics of a file as `slacode lint` sees it: bytes → text → diagnostics."""
    _, patches = _header(path)
    for module, name, value in patches:
        monkeypatch.setattr(importlib.import_module(module), name, value)
    text, diags = slacode.api.read_source(path)
    if text is None:
        return diags
    return slacode.api.lint(text, str(path))


@pytest.mark.parametrize("path", SLA_FIXTURES, ids=lambda p: p.stem)
def test_fixture_triggers_its_code_exactly(path: Path, monkeypatch):
    code = path.stem
    expected, _ = _header(path)
    assert expected, f"{path.name} has no `# expect:` lines"
    assert {c for c, _, _ in expected} == {code}, f"{path.name} must expect only {code}"
    diags = lint_file(path, monkeypatch)
    got = sorted((d.line, d.column) for d in diags if d.code == code)
    want = sorted((line, col) for _, line, col in expected)
    assert got == want, "\n".join(f"{d.code} {d.line}:{d.column} {d.message}" for d in diags)
    for d in diags:
        if d.code == code:
            assert d.severity == CODES[code].severity
            assert d.message and d.message[0].islower() or d.message[0] in "`'\"0123456789", d.message
            assert not d.message.endswith("."), "messages are one sentence without a final stop"


def test_every_code_has_a_fixture_listing_the_missing_ones():
    missing = [f"{c} {CODES[c].name}" for c in ALL_CODES if not any(FIXTURES.glob(f"{c}.*"))]
    assert not missing, "codes without a fixture in tests/fixtures/codes/:\n  " + "\n  ".join(missing)


def test_fixtures_name_registered_codes():
    unknown = sorted({p.stem for p in FIXTURES.iterdir() if p.is_file()} - set(CODES))
    assert not unknown, f"fixtures for unregistered codes: {unknown}"


@pytest.mark.parametrize("code", ALL_CODES)
def test_code_has_its_docs_page(code: str):
    page = RULES_DOCS / f"{code}.md"
    assert page.is_file(), f"docs/rules/{code}.md is missing: run python3 tools/gen_rule_docs.py"
    assert page.read_text(encoding="utf-8") == CODES[code].page(), \
        f"docs/rules/{code}.md is out of date: run python3 tools/gen_rule_docs.py"


def test_docs_generator_is_up_to_date():
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        gen = importlib.import_module("gen_rule_docs")
    finally:
        sys.path.remove(str(ROOT / "tools"))
    assert gen.stale() == [], "run python3 tools/gen_rule_docs.py"
    index = (RULES_DOCS / "index.md").read_text(encoding="utf-8")
    for code, info in CODES.items():
        assert f"[{code}]({code}.md) | `{info.name}` | {info.severity} |" in index


@pytest.mark.parametrize("code", ALL_CODES)
def test_doc_has_summary_why_avoid_prefer(code: str):
    doc = CODES[code].doc
    assert not doc.startswith("#"), "the doc starts with its one-line summary"
    positions = [doc.find(f"\n## {section}\n") for section in ("Why", "Avoid", "Prefer")]
    assert all(p > 0 for p in positions) and positions == sorted(positions), doc


def _section(doc: str, name: str) -> str:
    return re.search(rf"\n## {name}\n(.*?)(?=\n## |\Z)", doc, re.S).group(1)


@pytest.mark.parametrize("code", LINT_CODES)
def test_doc_examples_avoid_triggers_and_prefer_does_not(code: str):
    doc = CODES[code].doc
    avoid = _SLA_BLOCK.findall(_section(doc, "Avoid"))
    prefer = _SLA_BLOCK.findall(_section(doc, "Prefer"))
    assert avoid and prefer, f"{code}: give ```sla examples under Avoid and Prefer"
    for text in avoid + prefer:
        syntax = [d for d in slacode.api.lint(text) if d.code[3] == "1"]
        assert not syntax, f"{code}: an example does not parse: {syntax}"
    for text in avoid:
        assert code in {d.code for d in slacode.api.lint(text)}, f"{code}: the Avoid example does not trigger it"
    for text in prefer:
        got = [d for d in slacode.api.lint(text) if d.code == code]
        assert not got, f"{code}: the Prefer example triggers it: {got}"


@pytest.mark.parametrize("code", LINT_CODES)
def test_every_lint_code_has_a_check(code: str):
    slacode.api.lint("")  # loads the checks
    assert code in registry.codes_checked(), f"{code} is registered but no check reports it"
