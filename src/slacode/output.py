"""Renderers of evaluation results: table, JSON, JSON Lines, CSV."""
from __future__ import annotations

import csv
import io
from collections import Counter

import orjson

from slacode.evaluate import VERDICT_KEYS


def _json(obj) -> str:
    return orjson.dumps(obj).decode()


def render_check(result, rows, fmt: str, color: bool = False) -> str:
    if fmt == "json":
        doc = result.to_dict()
        doc["verdicts"] = [v.to_dict() for v in rows]
        return orjson.dumps(doc, option=orjson.OPT_INDENT_2).decode() + "\n"
    if fmt == "jsonl":
        lines = [_json({"record": "verdict", **v.to_dict()}) for v in rows]
        lines += [_json({"record": "diagnostic", **d.to_dict()}) for d in result.diagnostics]
        return "".join(line + "\n" for line in lines)
    if fmt == "csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(VERDICT_KEYS)
        for v in rows:
            d = v.to_dict()
            d["evidence"] = " ".join(str(x) for x in d["evidence"])
            w.writerow(["" if d[k] is None else d[k] for k in VERDICT_KEYS])
        return buf.getvalue()
    return table(result, rows, color)


_STATUS_COLOR = {"met": "32", "breached": "1;31", "at_risk": "33", "paused": "36", "pending": "37",
                 "cancelled": "2"}


def table(result, rows, color: bool = False) -> str:
    head = ["lead", "rule", "clause", "cycle", "period", "status", "assignee", "due", "reason"]
    data = []
    for v in rows:
        d = v.to_dict()
        due = d["due_at"] or ""
        data.append([d["lead"] or "", d["rule"], d["clause"], "" if d["cycle"] is None else str(d["cycle"]),
                     d["period"] or "", d["status"], d["assignee"] or "", due, d["reason"]])
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
                text = f"\x1b[{_STATUS_COLOR.get(cell, '0')}m{text}\x1b[0m"
            parts.append(text)
        return "  ".join(parts + [cells[-1]]).rstrip()

    lines = [fmt_row(head)] + [fmt_row(r, True) for r in data]
    for d in result.diagnostics:
        where = f"{d.path or '<events>'}:{d.line}" if d.line else (d.path or "<events>")
        lines.append(f"{where}: {d.code} [{d.severity}] {d.message}")
    return "\n".join(lines) + "\n"


def check_summary(result, rows) -> str:
    counts = Counter(v.status for v in rows)
    order = ["met", "breached", "at_risk", "paused", "pending", "cancelled"]
    parts = [f"{counts[s]} {s}" for s in order if counts[s]]
    leads = len({v.lead for v in rows if v.lead is not None})
    text = f"{len(rows)} verdicts for {leads} leads: " + (", ".join(parts) if parts else "none")
    problems = sum(1 for d in result.diagnostics if d.severity != "info")
    if problems:
        text += f"; {problems} input problem{'s' if problems != 1 else ''} reported"
    return text + "."
