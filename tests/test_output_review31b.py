"""Review 31b (a nightly batch job's output): the table streamed through a spool (H2),
`--output FILE` (M5), the summary's run facts (M6), an empty input (M7), compressed files
slacode does not read (L2)."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

import slacode
from slacode import output
from slacode.texts import visible
from slacode.verdict import as_text
from tests.conftest import ROOT

SPEC = ROOT / "specs" / "northwind.sla"
EVENTS = ROOT / "specs" / "events.jsonl"
AS_OF = "2026-11-20T22:00:00-03:00"


def run(*args, env=None, cwd=ROOT):
    environment = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    environment.pop("FORCE_COLOR", None)
    environment.update(env or {})
    return subprocess.run([sys.executable, "-m", "slacode", *map(str, args)], capture_output=True,
                          env=environment, cwd=cwd)


def copies(path: Path, n: int) -> Path:
    """specs/events.jsonl ``n`` times over, each copy's leads and ids renamed (``L1~3``):
    ``n`` times the leads, the same kinds of lines (the broken ones too)."""
    lines = EVENTS.read_text(encoding="utf-8").splitlines()
    out = []
    for k in range(n):
        for line in lines:
            out.append(line.replace('"lead": "', f'"lead": "c{k}~').replace('"lead":"', f'"lead":"c{k}~')
                       .replace('"id": "', f'"id": "c{k}~').replace('"id":"', f'"id":"c{k}~'))
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path


# ------------------------------------------------------------------ H2: the table, spooled

_COLOR = {"met": "32", "breached": "1;31", "at_risk": "33", "paused": "36", "pending": "37", "cancelled": "2"}


def reference_table(rows: list[dict], diagnostics, color: bool = False) -> str:
    """The table as `check` wrote it before review 31b, every row in memory: the oracle."""
    head = ["lead", "rule", "clause", "cycle", "period", "status", "assignee", "group", "due", "reason"]
    data = []
    lossy = output.lossy_leads(diagnostics)
    marked = False
    for d in rows:
        lead = d["lead"] or ""
        if lead and lead in lossy:
            lead, marked = lead + " !", True
        data.append([output._cell(lead), d["rule"], d["clause"], "" if d["cycle"] is None else str(d["cycle"]),
                     d["period"] or "", d["status"], output._cell(as_text(d["assignee"]) or ""),
                     output._cell(output._group_cell(d.get("group"))), d["due_at"] or "",
                     output._cell(d["reason"], None)])
    if not any(r[7] for r in data):
        head.pop(7)
        data = [r[:7] + r[8:] for r in data]
    if not any(r[4] for r in data):
        head.pop(4)
        data = [r[:4] + r[5:] for r in data]
    widths = [max([len(h)] + [len(r[i]) for r in data]) for i, h in enumerate(head[:-1])]
    status_col = head.index("status")

    def fmt_row(cells, paint=False):
        parts = []
        for i, cell in enumerate(cells[:-1]):
            text = cell.ljust(widths[i])
            if paint and color and i == status_col:
                text = f"\x1b[{_COLOR.get(cell, '0')}m{text}\x1b[0m"
            parts.append(text)
        return "  ".join(parts + [cells[-1]]).rstrip()

    lines = [fmt_row(head)] + [fmt_row(r, True) for r in data]
    if marked:
        lines.append("! the lead has an event that could not be used or that counts for nothing (the problems "
                     "below say which): its verdicts leave it out")
    for d in diagnostics:
        where = visible(d.path) if d.path else "<events>"
        if d.line:
            where += f":{d.line}:{d.column}" if d.column else f":{d.line}"
        tag = "" if d.severity == "error" else f" [{d.severity}]"
        lines.append(f"{where}: {d.code}{tag} {d.message}")
        if d.hint:
            lines.append(f"  = hint: {d.hint}")
    return "\n".join(lines) + "\n"


class _Result:
    def __init__(self, diagnostics):
        self.diagnostics = diagnostics


class _Row:
    def __init__(self, d):
        self.d = d

    def to_dict(self):
        return self.d


@pytest.fixture(scope="module")
def northwind():
    agreement = slacode.load(SPEC)
    return agreement.evaluate_many([str(EVENTS)], as_of=AS_OF, jobs=1)


@pytest.mark.parametrize("color", [False, True])
def test_spooled_table_is_the_in_memory_table(northwind, color):
    rows = [v.to_dict() for v in northwind.verdicts]
    assert output.lossy_leads(northwind.diagnostics)            # (some leads get the ! mark)
    got = output.table(northwind, [_Row(d) for d in rows], color)
    assert got == reference_table(rows, northwind.diagnostics, color)
    assert " !  " in got and "\x1b[" in got if color else "\x1b[" not in got


_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=80)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.fixed_dictionaries({
    "lead": st.one_of(st.none(), _text), "rule": st.sampled_from(["first_touch", "r", "a_long_rule_name"]),
    "clause": st.sampled_from(["within", "ratio", "gap_2"]), "cycle": st.one_of(st.none(), st.integers(1, 300)),
    "period": st.one_of(st.none(), st.sampled_from(["2026-W45", "2026-11"])),
    "status": st.sampled_from(sorted(_COLOR) + ["odd"]), "assignee": st.one_of(st.none(), _text),
    "group": st.one_of(st.none(), st.builds(lambda v: {"region": v}, _text)),
    "due_at": st.one_of(st.none(), st.just("2026-11-20T10:00:00-03:00")), "reason": _text}), max_size=25),
    st.booleans())
def test_spooled_table_equals_the_reference_for_any_rows(rows, color):
    got = output.table(_Result([]), [_Row(d) for d in rows], color)
    assert got == reference_table(rows, [], color)


def test_table_is_the_same_for_one_and_two_processes_and_for_a_bigger_input(tmp_path):
    big = copies(tmp_path / "big.jsonl", 3)
    for events in (EVENTS, big):
        one = run("check", SPEC, events, "--as-of", AS_OF, "--jobs", "1")
        two = run("check", SPEC, events, "--as-of", AS_OF, "--jobs", "2")
        assert one.returncode == two.returncode == 0, one.stderr
        assert one.stdout == two.stdout and one.stdout.count(b"\n") > 2000
    lead = run("check", SPEC, big, "--as-of", AS_OF, "--lead", "c1~nw-0092", "--status", "met", "--status", "breached")
    assert lead.returncode == 0 and b"c1~nw-0092" in lead.stdout and b"c0~nw-0092" not in lead.stdout


def _peak_kb(*args) -> int:
    code = ("import resource, sys; from slacode.cli import main; sys.stdout = open(__import__('os').devnull, 'w'); "
            f"rc = main({[str(a) for a in args]!r}); "
            "sys.stderr.write(str(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=str(ROOT / "src")), cwd=ROOT)
    return int(done.stderr.strip().splitlines()[-1])


def test_table_memory_does_not_grow_with_the_input(tmp_path):
    """Before review 31b the table held every row: about 1 KB more memory an event (14 MB
    more here for 5 times the events); now the rows wait on disk."""
    small, large = copies(tmp_path / "s.jsonl", 2), copies(tmp_path / "l.jsonl", 10)
    growth = {}
    for fmt in ("table", "jsonl"):
        a = _peak_kb("check", SPEC, small, "--as-of", AS_OF, "--jobs", "1", "--format", fmt)
        b = _peak_kb("check", SPEC, large, "--as-of", AS_OF, "--jobs", "1", "--format", fmt)
        growth[fmt] = b - a
    assert growth["table"] < growth["jsonl"] + 6_000, growth
