"""The documentation runs: every code example in docs/ (and README.md) is executed or checked.

For every Markdown file under ``docs/`` (recursively) and ``README.md``:

* ```` ```python ```` blocks are executed in order, in one namespace per file (a later block
  may use names an earlier one defined), and must not raise;
* ```` ```sla ```` blocks must parse without a syntax error (no ``SLA1xx``), and outside
  ``docs/rules/`` must lint without errors;
* in ```` ```console ```` blocks, every line ``$ slacode …`` is run and must exit 0 or 1
  (a documented command must exist and must not crash; 2 means usage or I/O error).

Python blocks and commands run in the repository root. A page may create files for its
own examples (``getting-started.md`` writes ``acme.sla``); then its blocks run in a
scratch folder that holds those files next to links to everything in the repository root,
so ``specs/northwind.sla`` still resolves and the checkout is never written to.

Markers: an HTML comment on the line(s) just above a fence changes how the block is
treated (several markers may stand on consecutive lines):

``<!-- invalid -->``
    an ``sla`` example of a mistake: it is not required to lint clean, and it must produce
    at least one error or warning (so the example keeps showing what it claims);
``<!-- syntax-error -->``
    an ``sla`` example that must *fail* to parse (it must produce an ``SLA1xx``);
``<!-- excerpt -->``
    an ``sla`` block that is a piece of a larger agreement: it must parse, but it is not
    linted (it may name teams, segments or calendars declared elsewhere);
``<!-- file: NAME -->`` / ``<!-- append: NAME -->``
    the block's text is written to (appended to) ``NAME`` in the page's scratch folder
    before the blocks after it run; an appended ``sla`` block is linted as part of the
    whole file.
"""
from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
RULES = DOCS / "rules"

#: pages other people are writing; a link to one of them is only checked once it exists
PENDING_PAGES = {DOCS / "time.md", DOCS / "events.md"}

_FENCE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>[^`\n]*)$")
_MARKER = re.compile(r"^\s*<!--\s*(?P<body>.*?)\s*-->\s*$")


# ------------------------------------------------------------------------ reading pages

@dataclass
class Block:
    page: Path
    line: int                       # 1-based line of the opening fence
    lang: str
    text: str
    markers: list[str] = field(default_factory=list)

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"

    def marker(self, name: str) -> str | None:
        """The argument of marker ``name`` (``""`` for a bare marker), or None."""
        for m in self.markers:
            key, _, arg = m.partition(":")
            if key.strip() == name:
                return arg.strip()
        return None


def pages() -> list[Path]:
    found = sorted(DOCS.rglob("*.md")) if DOCS.is_dir() else []
    readme = ROOT / "README.md"
    return found + ([readme] if readme.is_file() else [])


def blocks(page: Path) -> list[Block]:
    """The fenced code blocks of a Markdown page, with the markers just above each."""
    lines = page.read_text(encoding="utf-8").splitlines()
    out: list[Block] = []
    i = 0
    while i < len(lines):
        m = _FENCE.match(lines[i])
        if not m:
            i += 1
            continue
        indent, fence = m.group("indent"), m.group("fence")
        lang = (m.group("info").strip().split() or [""])[0].lower()
        markers = []
        j = i - 1
        while j >= 0 and _MARKER.match(lines[j]):
            markers.insert(0, _MARKER.match(lines[j]).group("body"))
            j -= 1
        body = []
        k = i + 1
        while k < len(lines):
            line = lines[k]
            if line.strip().startswith(fence[0] * len(fence)) and line.strip().strip(fence[0]) == "":
                break
            body.append(line[len(indent):] if line.startswith(indent) else line.lstrip())
            k += 1
        out.append(Block(page, i + 1, lang, "\n".join(body) + "\n", markers))
        i = k + 1
    return out


def all_blocks(lang: str) -> list[Block]:
    return [b for p in pages() for b in blocks(p) if b.lang == lang]


def _id(block: Block) -> str:
    return block.where


def page_files(page: Path, upto: Block | None = None) -> dict[str, str]:
    """The files a page creates with ``file:`` / ``append:`` markers (up to a block)."""
    files: dict[str, str] = {}
    for b in blocks(page):
        name = b.marker("file")
        if name:
            files[name] = b.text
        name = b.marker("append")
        if name:
            files[name] = files.get(name, "") + b.text
        if upto is not None and b.line == upto.line:
            break
    return files


# ----------------------------------------------------------------------------- sla

SLA_BLOCKS = all_blocks("sla")


def _sla_text(block: Block) -> tuple[str, str]:
    """The text to check and a file name for it (an appended block: the whole file)."""
    name = block.marker("append")
    if name:
        return page_files(block.page, block)[name], name
    return block.text, block.marker("file") or "example.sla"


def _show(diags) -> str:
    return "\n".join(f"  {d.line}:{d.column} {d.code} [{d.severity}] {d.message}" for d in diags)


@pytest.mark.parametrize("block", SLA_BLOCKS, ids=_id)
def test_sla_block_parses(block: Block):
    from slacode.parse import parse

    text, name = _sla_text(block)
    _, diags = parse(text, name)
    syntax = [d for d in diags if d.code.startswith("SLA1")]
    if block.marker("syntax-error") is not None:
        assert syntax, f"{block.where}: marked as a syntax error, but it parses"
    else:
        assert not syntax, f"{block.where}: syntax errors in the example:\n{_show(syntax)}"


@pytest.mark.parametrize("block", [b for b in SLA_BLOCKS if not b.page.is_relative_to(RULES)], ids=_id)
def test_sla_block_lints(block: Block):
    import slacode

    if block.marker("syntax-error") is not None:
        pytest.skip("a syntax-error example")
    if block.marker("excerpt") is not None:
        pytest.skip("an excerpt of a larger agreement: parsed, not linted")
    text, name = _sla_text(block)
    diags = slacode.lint(text, name)
    errors = [d for d in diags if d.severity == "error"]
    if block.marker("invalid") is not None:
        findings = [d for d in diags if d.severity in ("error", "warning")]
        assert findings, f"{block.where}: marked <!-- invalid -->, but lint finds nothing wrong"
    else:
        assert not errors, (f"{block.where}: the example does not lint clean (mark a deliberate "
                            f"mistake with <!-- invalid -->):\n{_show(errors)}")


# ----------------------------------------------------------------- python and console

def _workdir(page: Path, tmp_path: Path) -> Path:
    """The repository root, or a scratch mirror of it when the page creates files."""
    if not page_files(page):
        return ROOT
    work = tmp_path / "work"
    work.mkdir()
    for entry in ROOT.iterdir():
        if entry.name.startswith(".") and entry.name != ".github":
            continue
        (work / entry.name).symlink_to(entry, target_is_directory=entry.is_dir())
    return work


def _materialise(block: Block, work: Path) -> None:
    for key, mode in (("file", "w"), ("append", "a")):
        name = block.marker(key)
        if name:
            target = work / name
            if target.is_symlink():
                raise AssertionError(f"{block.where}: {name} would overwrite a file of the repository")
            with open(target, mode, encoding="utf-8") as f:
                f.write(block.text)


def console_steps(block: Block) -> list[tuple[str, list[str]]]:
    """The ``$ slacode …`` commands of a console block (``\\`` continues a line), each with
    the lines the block shows after it (until the next ``$`` line; ``[]`` for none)."""
    out: list[tuple[str, list[str]]] = []
    current: list[str] | None = None
    lines = block.text.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("$ "):
            cmd = line[2:]
            while cmd.endswith("\\") and i + 1 < len(lines):
                i += 1
                cmd = cmd[:-1] + " " + lines[i].strip()
            current = None
            if cmd.split() and cmd.split()[0] == "slacode":
                current = []
                out.append((cmd, current))
        elif current is not None:
            current.append(line)
        i += 1
    return out


def commands(block: Block) -> list[str]:
    """The ``$ slacode …`` commands of a console block."""
    return [cmd for cmd, _ in console_steps(block)]


def output_matches(shown: list[str], got: list[str]) -> bool:
    """Whether the lines a page shows are the lines printed (right-stripped): a line that is
    only ``…`` stands for any number of lines, and ``…`` inside a line for any text."""
    pattern = []
    for line in shown:
        line = line.rstrip()
        if line.strip() in ("…", "..."):
            pattern.append(r"(?:[^\n]*\n)*?")
        else:
            pattern.append(".*?".join(re.escape(part) for part in line.split("…")) + r"\n")
    text = "".join(line.rstrip() + "\n" for line in got)
    return re.fullmatch("".join(pattern), text) is not None


def test_shown_output_is_compared_with_elisions():
    assert output_matches(["a", "…", "d"], ["a", "b", "c", "d  "])
    assert output_matches(["x … z"], ["x y y z"])
    assert not output_matches(["a", "d"], ["a", "b", "d"])
    assert not output_matches(["a"], ["a", "b"])


def _run_command(cmd: str, cwd: Path, where: str, shown: list[str] | None = None) -> None:
    invocation = f"{shlex.quote(sys.executable)} -m slacode" + cmd[len("slacode"):]
    env = dict(os.environ, NO_COLOR="1", PYTHONIOENCODING="utf-8", COLUMNS="200")
    env.pop("FORCE_COLOR", None)
    proc = subprocess.run(["bash", "-o", "pipefail", "-c", invocation], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL)
    detail = f"{where}: `{cmd}` exited {proc.returncode}\nstdout:\n{proc.stdout[-2000:]}\nstderr:\n{proc.stderr[-2000:]}"
    assert proc.returncode in (0, 1), detail
    assert "Traceback (most recent call last)" not in proc.stderr, detail
    if shown:       # the page shows standard output, then standard error
        got = (proc.stdout + proc.stderr).splitlines()
        if not output_matches(shown, got):
            import difflib

            diff = difflib.unified_diff([line.rstrip() for line in shown], [line.rstrip() for line in got],
                                        "the page", "the command", lineterm="")
            raise AssertionError(f"{where}: `{cmd}` prints what the page does not show:\n" + "\n".join(diff))


RUNNABLE_PAGES = [p for p in pages() if any(b.lang in ("python", "console") for b in blocks(p))]


@pytest.mark.parametrize("page", RUNNABLE_PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_page_examples_run(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Python blocks (one namespace per page) and ``$ slacode`` commands, in page order."""
    work = _workdir(page, tmp_path)
    monkeypatch.chdir(work)
    namespace: dict = {"__name__": "__docs__"}
    for block in blocks(page):
        if work != ROOT:
            _materialise(block, work)
        if block.lang == "python":
            code = compile(block.text, block.where, "exec")
            exec(code, namespace)  # noqa: S102 - the documentation's own examples
        elif block.lang == "console":
            for cmd, shown in console_steps(block):
                _run_command(cmd, work, block.where, shown)


# --------------------------------------------------------------------------- links

_LINK = re.compile(r"(?<!!)\[[^\]]*\]\((?P<target>[^)\s]+)\)")


def _links(page: Path):
    text = page.read_text(encoding="utf-8")
    text = re.sub(r"```.*?```", "", text, flags=re.S)        # not inside code blocks
    for m in _LINK.finditer(text):
        target = m.group("target")
        if re.match(r"^[a-z]+:", target) or target.startswith("#"):
            continue
        yield target.split("#", 1)[0]


@pytest.mark.parametrize("page", [p for p in pages() if not p.is_relative_to(RULES)],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_relative_links_resolve(page: Path):
    missing = []
    for target in _links(page):
        path = (page.parent / target).resolve()
        if path.exists():
            continue
        if path in PENDING_PAGES:
            continue                                     # written by someone else, not yet
        missing.append(target)
    assert not missing, f"{page.relative_to(ROOT)}: links to missing files: {missing}"


def _anchors(page: Path) -> set[str]:
    """The ``#anchors`` of a page's headings, as GitHub makes them: lower case, punctuation
    dropped (hyphens and underscores kept), spaces as hyphens, ``-1``, ``-2`` … for repeats."""
    text = re.sub(r"^(`{3,}|~{3,}).*?^\1", "", page.read_text(encoding="utf-8"), flags=re.S | re.M)
    found: set[str] = set()
    for m in re.finditer(r"^#{1,6}\s+(.+?)\s*#*\s*$", text, re.M):
        slug = re.sub(r"[^\w\- ]", "", m.group(1).strip().lower()).replace(" ", "-")
        n, candidate = 0, slug
        while candidate in found:
            n += 1
            candidate = f"{slug}-{n}"
        found.add(candidate)
    return found


@pytest.mark.parametrize("page", [p for p in pages() if not p.is_relative_to(RULES)],
                         ids=lambda p: str(p.relative_to(ROOT)))
def test_anchors_name_headings(page: Path):
    text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
    broken = []
    for m in _LINK.finditer(text):
        target = m.group("target")
        if re.match(r"^[a-z]+:", target) or "#" not in target:
            continue
        file, anchor = target.split("#", 1)
        path = (page.parent / file).resolve() if file else page
        if path.suffix == ".md" and path.is_file() and anchor not in _anchors(path):
            broken.append(target)
    assert not broken, f"{page.relative_to(ROOT)}: links to headings that do not exist: {broken}"


def test_anchors_follow_githubs_rules(tmp_path: Path):
    page = tmp_path / "p.md"
    page.write_text("# Title\n## `check`: the verdicts!\n```\n# not a heading\n```\n## Title\n### A_b c-d\n",
                    encoding="utf-8")
    assert _anchors(page) == {"title", "check-the-verdicts", "title-1", "a_b-c-d"}


# --------------------------------------------------------------------- the harness

def test_harness_finds_blocks_and_markers(tmp_path: Path):
    """The block reader sees fences, languages, markers and continuation lines."""
    page = tmp_path / "page.md"
    page.write_text(
        "Intro\n\n<!-- file: a.sla -->\n<!-- invalid -->\n```sla\nagreement \"x\" {}\n```\n\n"
        "```console\n$ slacode lint \\\n  a.sla\nAll checks passed\n$ echo hi\n```\n"
        "  ```python\n  x = 1\n  ```\n", encoding="utf-8")
    found = blocks(page)
    assert [(b.lang, b.line) for b in found] == [("sla", 5), ("console", 9), ("python", 15)]
    assert found[0].marker("file") == "a.sla" and found[0].marker("invalid") == ""
    assert found[0].marker("append") is None
    assert commands(found[1]) == ["slacode lint  a.sla"]
    assert found[2].text == "x = 1\n"


def test_every_page_is_reachable_from_the_index():
    index = DOCS / "index.md"
    linked = {(DOCS / t).resolve() for t in _links(index)}
    ours = [p for p in DOCS.glob("*.md") if p.name != "index.md"]
    unlinked = [p.name for p in ours if p.resolve() not in linked]
    assert not unlinked, f"docs/index.md does not link to {unlinked}"
