#!/usr/bin/env python3
"""Write docs/rules/SLAxxx.md for every diagnostic code, and docs/rules/index.md.

Each page is exactly ``CODES[code].page()`` (what ``slacode rule CODE`` prints); the index
is a table of code, name, severity and summary. Run it after adding or changing a code:

    python3 tools/gen_rule_docs.py          # write the pages
    python3 tools/gen_rule_docs.py --check  # exit 1 if a page is missing or out of date

Pages of codes that no longer exist are removed (a code is never reused, so this only
happens while a code is being introduced).
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RULES_DIR = ROOT / "docs" / "rules"
_PAGE = re.compile(r"^SLA\d{3}\.md$")

_GROUPS = [
    ("SLA1", "syntax: text that does not parse"),
    ("SLA2", "names and references: undefined, duplicate, unused or misused names"),
    ("SLA3", "semantics and feasibility: values without meaning, promises that cannot be kept"),
    ("SLA4", "style: naming and completeness habits"),
    ("SLA5", "event input: lines of an event file that cannot be used"),
    ("SLA6", "evaluation: what happened while judging events against the agreement"),
]


def _codes():
    src = ROOT / "src"
    if str(src) not in sys.path:
        sys.path.insert(0, str(src))
    from slacode.codes import CODES

    return dict(sorted(CODES.items()))


def summary(info) -> str:
    """The first paragraph of a code's documentation, on one line."""
    paragraph = info.doc.strip().split("\n\n", 1)[0]
    return " ".join(line.strip() for line in paragraph.splitlines())


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def index_page(codes) -> str:
    lines = [
        "# Diagnostic codes",
        "",
        "Every diagnostic slacode reports carries a code, `SLA` and three digits, grouped by",
        "hundreds. `slacode rule CODE` prints a code's page; each page says what the code means,",
        "why it matters, and shows an example to avoid and one to prefer.",
        "",
    ]
    lines += [f"- `{prefix}xx` {text}" for prefix, text in _GROUPS]
    lines += ["", "| code | name | severity | summary |", "|---|---|---|---|"]
    for code, info in codes.items():
        lines.append(f"| [{code}]({code}.md) | `{info.name}` | {info.severity} | {_cell(summary(info))} |")
    return "\n".join(lines) + "\n"


def pages() -> dict[str, str]:
    """File name → text of every page under docs/rules."""
    codes = _codes()
    out = {f"{code}.md": info.page() for code, info in codes.items()}
    out["index.md"] = index_page(codes)
    return out


def stale(directory: Path = RULES_DIR) -> list[str]:
    """Pages that are missing, different or left over (file names)."""
    wanted = pages()
    found = []
    for name, text in wanted.items():
        path = directory / name
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            found.append(name)
    if directory.is_dir():
        found += sorted(p.name for p in directory.iterdir() if _PAGE.match(p.name) and p.name not in wanted)
    return found


def write(directory: Path = RULES_DIR) -> list[str]:
    """Write every page that changed and remove pages of unknown codes; returns the names."""
    directory.mkdir(parents=True, exist_ok=True)
    changed = stale(directory)
    wanted = pages()
    for name in changed:
        path = directory / name
        if name in wanted:
            path.write_text(wanted[name], encoding="utf-8")
        else:
            path.unlink()
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="report stale pages instead of writing them")
    args = parser.parse_args(argv)
    if args.check:
        names = stale()
        for name in names:
            print(f"docs/rules/{name} is missing or out of date", file=sys.stderr)
        if names:
            print("run: python3 tools/gen_rule_docs.py", file=sys.stderr)
        return 1 if names else 0
    names = write()
    print(f"{len(names)} page(s) written" if names else "docs/rules is up to date", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
