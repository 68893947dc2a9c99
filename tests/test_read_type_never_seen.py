"""SLA612: a type the agreement reads that no event has, while a read type nearly it came
(review 27b, H4)."""
from __future__ import annotations

import slacode
from slacode.texts import near_types

_AGREEMENT = ('agreement "x" { timezone "UTC"; teams sales }\n'
              "deadline d {\n  owner sales\n  start on assigned\n  stop on disposition\n  within 4h\n}\n"
              "deadline e {\n  owner sales\n  start on assigned\n  stop on dispositioned\n  within 4h\n}\n")


def _events(*types: str, lead: str = "A") -> list:
    return [{"lead": lead, "at": "2026-11-20T10:00:00Z", "type": "assigned", "owner": "ana"}] + [
        {"lead": lead, "at": f"2026-11-20T10:0{i + 1}:00Z", "type": t} for i, t in enumerate(types)]


def _sla612(events) -> list:
    result = slacode.loads(_AGREEMENT).evaluate(events, as_of="2026-11-20T12:00:00Z")
    return [d for d in result.diagnostics if d.code == "SLA612"]


def test_near_types():
    assert near_types("disposition", "dispositioned") and near_types("email_opened", "email_open")
    assert near_types("contact_attempt", "contact_atempt") and near_types("Call Made", "call_made")
    assert not near_types("assigned", "reassigned") and not near_types("call", "callback")
    assert not near_types("call", "call") and not near_types("demo", "demos_x")


def test_the_missing_type_is_said_at_its_trigger_with_the_type_that_came():
    found = _sla612(_events("dispositioned") + _events("dispositioned", lead="B"))
    assert len(found) == 1
    d = found[0]
    assert (d.line, d.column, d.severity) == (5, 11, "warning")
    assert d.message == ("the agreement reads events of type 'disposition', but no event of the input has that "
                         "type, while events of type 'dispositioned' came (2 leads have one): did you mean "
                         "'dispositioned'?")


def test_nothing_when_both_came_or_neither_or_the_types_are_not_near():
    assert _sla612(_events("dispositioned") + _events("disposition", lead="B")) == []
    assert _sla612(_events("call")) == []
    far = _AGREEMENT.replace("dispositioned", "complaint")
    result = slacode.loads(far).evaluate(_events("complaint"), as_of="2026-11-20T12:00:00Z")
    assert [d for d in result.diagnostics if d.code == "SLA612"] == []


def test_the_cli_check_says_it_once(tmp_path):
    import json
    from click.testing import CliRunner
    from slacode.cli import cli

    sla = tmp_path / "a.sla"
    sla.write_text(_AGREEMENT)
    ev = tmp_path / "e.jsonl"
    ev.write_text("".join(json.dumps(e) + "\n" for e in _events("dispositioned") + _events("x", lead="B")))
    out = CliRunner().invoke(cli, ["check", str(sla), str(ev), "--as-of", "2026-11-20T12:00:00Z"])
    assert out.output.count("SLA612 [warning]") == 1, out.output
    assert out.exit_code == 0
