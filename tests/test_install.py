"""The grammar loads from an installed wheel and from an editable install (source tree)."""
from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.conftest import ROOT

PROBE = """
import sys, slacode, slacode.parse as p
print(p.grammar_path())
print(slacode.__file__)
a = slacode.loads('agreement "x" {\\n  teams sales\\n}\\n')
print(a.id)
"""


def test_editable_or_source_install_reads_the_grammar_folder():
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, cwd="/",
                         check=True).stdout.split("\n")
    assert Path(out[0]) == ROOT / "grammar" / "slacode.lark"
    assert Path(out[1]).is_relative_to(ROOT / "src")
    assert out[2] == "x"


@pytest.mark.slow
def test_wheel_ships_and_loads_the_grammar(tmp_path):
    build = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
                            "-w", str(tmp_path / "dist"), str(ROOT)], capture_output=True, text=True)
    assert build.returncode == 0, build.stderr[-2000:]
    wheel = next((tmp_path / "dist").glob("slacode-*.whl"))
    with zipfile.ZipFile(wheel) as zf:
        names = zf.namelist()
        assert "slacode/grammar/slacode.lark" in names
        assert "slacode/py.typed" in names          # type checkers read the package's hints
        zf.extractall(tmp_path / "site")
    site = tmp_path / "site"
    probe = f"import sys; sys.path.insert(0, {str(site)!r})\n" + PROBE
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=str(tmp_path),
                         check=True).stdout.split("\n")
    assert Path(out[0]).is_relative_to(site)
    assert Path(out[1]).is_relative_to(site)
    assert out[2] == "x"


def _sh_blocks(text: str) -> list[str]:
    blocks, inside = [], None
    for line in text.splitlines():
        if inside is None and line.strip() == "```sh":
            inside = []
        elif inside is not None and line.strip() == "```":
            blocks.append("\n".join(inside))
            inside = None
        elif inside is not None:
            inside.append(line)
    return blocks


def test_ci_runs_exactly_the_readmes_test_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = [b.strip() for b in _sh_blocks(readme) if "pytest" in b]
    assert len(commands) == 1, commands                 # one test command, the one CI runs
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()]
    assert commands[0] in ci_lines
