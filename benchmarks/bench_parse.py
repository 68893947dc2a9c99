#!/usr/bin/env python3
"""Parse and check a generated agreement of N rules (default 2,000); print throughput.

The baseline, measured in the same run on the same text, is Lark alone parsing it with the
same grammar (no recovery, no model, no checks): the ratio says what slacode's front end
costs on top of the parser it is built on.

usage: python3 benchmarks/bench_parse.py [--rules 2000] [--repeats 3]
"""
from __future__ import annotations

import argparse
import statistics
import time


def agreement_text(rules: int) -> str:
    """A realistic agreement with ``rules`` rules over a few calendars and segments."""
    out = ['# generated for the parse benchmark', 'agreement "bench-parse" {', '  version "1"',
           '  timezone "America/Sao_Paulo"', '  teams marketing, sales', '}', '']
    for i in range(4):
        out += [f"calendar cal_{i} {{", '  timezone "America/Sao_Paulo"', "  hours mon-fri 09:00-18:00",
                "  hours sat 09:00-12:00", "  closed 2026-12-24, 2026-12-31", "}", ""]
    out += ["states {", "  lead", "  mql", "  sal", "  sql", "  nurture", "  on_hold",
            "  customer final", "  disqualified final", "}", "",
            "flow {", "  lead -> mql, disqualified", "  mql -> sal, nurture, disqualified",
            "  sal -> sql, on_hold, nurture, disqualified", "  on_hold -> sal, disqualified",
            "  sql -> customer, disqualified", "  nurture -> mql, disqualified", "}", ""]
    for i in range(8):
        out.append(f'segment seg_{i} = score >= {50 + i} and country in ["BR", "AR"] or source == "s{i}"')
    out.append("")
    for i in range(rules):
        cal, seg = f"cal_{i % 4}", f"seg_{i % 8}"
        kind = i % 3
        if kind == 0:
            out += [f"deadline rule_{i} {{", "  owner sales", "  start on assigned",
                    "  stop on contact_attempt where channel == \"phone\"", "  cancel on enter disqualified",
                    f"  within {1 + i % 8}h on {cal}", f"  within 30m on {cal} for {seg}", "  warn at 75%", "}", ""]
        elif kind == 1:
            out += [f"attempts rule_{i} {{", "  owner sales", "  start on assigned", "  stop on enter sql",
                    "  count contact_attempt", f"  at least 6 within 10d on {cal}", f"  at most 3 per day on {cal}",
                    "  gap at least 2h", '  first where channel == "phone"', "}", ""]
        else:
            out += [f"handoff rule_{i} {{", "  owner marketing", "  start on enter mql", "  stop on assigned",
                    f"  within 30m on {cal}", f"  within 5m on {cal} for {seg}", "  require name, email",
                    "  pause while state == on_hold", "}", ""]
    return "\n".join(out)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rules", type=int, default=2000)
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args(argv)
    from lark import Lark

    from slacode.api import lint, loads
    from slacode.parse import grammar_text

    text = agreement_text(a.rules)
    lines = text.count("\n") + 1
    lark = Lark(grammar_text(), parser="lalr", lexer="contextual", propagate_positions=True,
                maybe_placeholders=True, start="start", cache=True)
    lint(text)  # warm up caches (grammar, registry)

    def timed(fn):
        times = []
        for _ in range(a.repeats):
            t0 = time.perf_counter()
            fn()
            times.append(time.perf_counter() - t0)
        return statistics.median(times)

    # Lark alone needs the text in the shape its grammar sees after slacode's line rules:
    # no line break right after "{" and none before the first declaration.
    import re

    raw = re.sub(r"\{\s*\n\s*", "{ ", text.split("\n", 1)[1])
    base = timed(lambda: lark.parse(raw))
    diags = lint(text)
    errors = [d for d in diags if d.severity == "error"]
    assert not errors, errors[:3]
    full = timed(lambda: lint(text))
    load = timed(lambda: loads(text))
    print(f"agreement: {a.rules:,} rules, {lines:,} lines, {len(text) / 1024:,.0f} KiB "
          f"({len(diags)} warnings/info)")
    print("| stage | median s | rules/s | lines/s | ratio to Lark alone |")
    print("|---|---:|---:|---:|---:|")
    for name, secs in (("Lark parse alone (baseline)", base), ("slacode.lint (parse+model+checks)", full),
                       ("slacode.loads", load)):
        print(f"| {name} | {secs:.3f} | {a.rules / secs:,.0f} | {lines / secs:,.0f} | {secs / base:.2f}x |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
