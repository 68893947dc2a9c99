"""The diff as people and programs read it: text and JSON."""
from __future__ import annotations


from slacode import model as m
from slacode.diff.changes import Change
from slacode.diff.impact import Impact


# ======================================================================= rendering

def _indent(text: str, prefix: str) -> str:
    return "\n".join(prefix + line for line in text.splitlines())


def render_changes(changes: list[Change]) -> list[str]:
    """Text lines of the changes, grouped under each declaration."""
    lines: list[str] = []
    current = None
    for c in changes:
        if c.area == "test":                            # one short line per test block
            if current != "test blocks":
                lines.append("test blocks")
                current = "test blocks"
            lines.append(f"  {c.kind} {c.subject}" + (f": {c.message}" if c.kind == "changed" else ""))
            continue
        if c.kind in ("added", "removed") and c.block:
            sign = "+" if c.kind == "added" else "-"
            lines.append(f"{sign} {c.title} {c.message}")
            lines.append(_indent(c.after if c.kind == "added" else c.before, f"    {sign} "))
            current = None
            continue
        if c.title != current:
            lines.append(c.title)
            current = c.title
        lines.append(f"  {c.message}")
        if c.block:
            lines.append(f"    before: {c.before}")
            lines.append(f"    after:  {c.after}")
    return lines


def render_impact(imp: Impact, leads_limit: int = 10, events: str | None = None) -> list[str]:
    from slacode.instants import when as _when

    where = f" of {events}" if events else ""
    leads = f"{imp.leads_evaluated:,} lead{'s' if imp.leads_evaluated != 1 else ''}"
    lines = [f"Impact on {imp.records:,} event{'s' if imp.records != 1 else ''}{where} ({leads}) as of "
             f"{_when(imp.as_of, imp.zone)}: "
             + (f"{imp.changed:,} verdict{'s change' if imp.changed != 1 else ' changes'} status "
                f"({imp.old_verdicts:,} verdict{'s' if imp.old_verdicts != 1 else ''} before, {imp.new_verdicts:,} after)."
                if imp.changed else f"no verdict changes status ({imp.old_verdicts:,} "
                f"verdict{'s' if imp.old_verdicts != 1 else ''}).")]
    for c in imp.clauses:
        if c.changed:
            lines.append(f"  {c.text()}")
    if imp.leads:
        names = sorted(imp.leads)
        shown = names[:leads_limit]
        head = f"Leads whose verdicts change: {len(names):,}"
        if len(shown) < len(names):
            head += f" (showing {len(shown)}; --leads-limit N to see more)"
        lines.append(head + ":" if shown else head + ".")
        width = max((len(n) for n in shown), default=0)
        for n in shown:
            lines.append(f"  {n:<{width}}  " + "; ".join(ch.text() for ch in imp.leads[n]))
    lines.extend(_render_moves(imp, leads_limit))
    return lines


def _render_moves(imp: Impact, leads_limit: int) -> list[str]:
    """The due dates (and warnings) that move, then the first of those verdicts: nothing when
    none moves."""
    lines: list[str] = []
    if imp.due_moves:
        text = imp.due_summary.text("due dates")
        lines.append(text[0].upper() + text[1:] + ".")
    if imp.warn_moves:
        text = imp.warn_summary.text("warnings")
        lines.append(text[0].upper() + text[1:] + ".")
    if imp.due_moves:
        moves = imp.due_moves
        shown = moves[:leads_limit]
        head = f"Verdicts whose due date moves: {len(moves):,}"
        if len(shown) < len(moves):
            head += f" (showing {len(shown)}, open ones first; --leads-limit N to see more)"
        lines.append(head + ":" if shown else head + ".")
        width = max((len(mv.lead) for mv in shown), default=0)
        for mv in shown:
            lines.append(f"  {mv.lead:<{width}}  {mv.text()}")
    return lines


def render_text(changes: list[Change], imp: Impact | None = None, *, leads_limit: int = 10,
                events: str | None = None) -> str:
    """The whole report as text (empty when nothing changed and no impact was asked for)."""
    lines = render_changes(changes)
    if imp is not None:
        if lines:
            lines.append("")
        lines.extend(render_impact(imp, leads_limit, events))
    return "\n".join(lines) + ("\n" if lines else "")


def to_json_dict(old: m.Agreement, new: m.Agreement, changes: list[Change], imp: Impact | None,
                 *, old_source: str | None = None, new_source: str | None = None,
                 leads_limit: int | None = None, diagnostics: list | None = None) -> dict:
    """The report as a JSON-ready dict; ``diagnostics``: those of reading the events."""
    semantic = [c for c in changes if c.semantic]
    # test blocks are part of the review, but change no verdict: not a difference in meaning
    meaning = [c for c in semantic if c.area != "test"]
    return {"old": {"source": old_source, "id": old.id, "version": old.version},
            "new": {"source": new_source, "id": new.id, "version": new.version},
            "differs": bool(meaning) or bool(imp and imp.changed),
            "semantic_changes": len(meaning),
            "test_changes": len(semantic) - len(meaning),
            "changes": [c.to_dict() for c in changes],
            "impact": imp.to_dict(leads_limit) if imp is not None else None,
            "diagnostics": [d.to_dict() for d in diagnostics or ()]}
