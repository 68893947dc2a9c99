"""SLA625: the lead's zone sent under another field name (`hs_timezone`, `time_zone`, `tz` …)
while the agreement reads it from `timezone` and no lead has that (review 28, F8)."""
from __future__ import annotations

import json

import pytest

import slacode
from slacode.evaluate import zone_field_name

QUIET = ('agreement "ty" { version "1"; timezone "UTC"; teams sales }\n'
         "attempts quiet {\n  owner sales\n  start on assigned\n  stop on won\n  count contact_attempt\n"
         "  only between 08:00-21:00 in lead timezone\n}\n")

LEAD_DAY = ('agreement "g" { version "1"; timezone "America/New_York"; teams sales }\n'
            "calendar lead_day {\n  timezone lead\n  hours mon-fri 09:00-18:00\n}\n"
            "deadline first_touch {\n  owner sales\n  start on assigned\n  stop on contact_attempt\n"
            "  within 2h on lead_day\n}\n")

AS_OF = "2026-11-02T23:00:00Z"


def _assigned(lead: str, **fields) -> dict:
    event = {"lead": lead, "at": "2026-11-02T09:00:00Z", "type": "assigned", "owner": "ana"}
    if fields:
        event["fields"] = fields
    return event


def _found(text: str, events: list) -> list:
    return [d for d in slacode.loads(text).evaluate(events, as_of=AS_OF).diagnostics if d.code == "SLA625"]


@pytest.mark.parametrize("name", ["hs_timezone", "time_zone", "tz", "timeZone", "lead_timezone", "Time Zone",
                                  "TimeZone", "lead_tz"])
def test_zone_field_names(name):
    assert zone_field_name(name)


@pytest.mark.parametrize("name", ["timezone", "zone", "sales_zone", "tzar", "utz", "region", "time"])
def test_not_zone_field_names(name):
    assert not zone_field_name(name)


def test_quiet_hours_in_lead_timezone_with_hs_timezone_warns_once_naming_the_field():
    events = [_assigned("T4", hs_timezone="Asia/Tokyo"),
              {"lead": "T4", "at": "2026-11-02T14:00:00Z", "type": "contact_attempt"},     # 23:00 in Tokyo
              _assigned("T5", hs_timezone="Europe/Lisbon"), _assigned("T6", tz="America/Chicago")]
    result = slacode.loads(QUIET).evaluate(events, as_of=AS_OF)
    diag, = [d for d in result.diagnostics if d.code == "SLA625"]
    assert diag.severity == "warning" and (diag.line, diag.column) == (7, 3) and diag.lead is None
    assert diag.message == ("`only between … in lead timezone` of attempts `quiet` reads the lead's time zone from "
                            "its field `timezone`, which no lead of the input had, while 2 leads had a field "
                            "`hs_timezone` (the first, lead 'T4': 'Asia/Tokyo') (also `tz`): the agreement's zone "
                            "(UTC) was used for every lead")
    assert '("fields": {"timezone": "Asia/Tokyo"})' in diag.hint
    assert "--column fields.timezone=HEADER" in diag.hint and "--ignore SLA625" in diag.hint
    # (the verdict is as written: the agreement's zone)
    assert {v.to_dict().get("timezone") for v in result.verdicts if v.lead == "T4"} == {"UTC"}


@pytest.mark.parametrize("name", ["time_zone", "tz", "timeZone", "lead_timezone"])
def test_each_usual_name_is_caught(name):
    assert len(_found(QUIET, [_assigned("A", **{name: "Asia/Tokyo"})])) == 1


def test_a_timezone_calendar_reads_the_zone_too():
    diag, = _found(LEAD_DAY, [_assigned("A", time_zone="Europe/Lisbon")])
    assert (diag.line, diag.column) == (3, 3)
    assert diag.message.startswith("calendar `lead_day` (`timezone lead`) reads the lead's time zone")
    assert "the agreement's zone (America/New_York)" in diag.message


def test_nothing_when_a_lead_has_timezone_or_the_agreement_reads_no_zone_or_no_such_field():
    mixed = [_assigned("A", timezone="Asia/Tokyo"), _assigned("B", hs_timezone="Asia/Tokyo")]
    assert _found(QUIET, mixed) == []
    assert _found(QUIET, [_assigned("A", region="EMEA", zone="north")]) == []
    assert _found(QUIET, [_assigned("A", tz=5)]) == []                          # not text
    assert _found(QUIET, []) == []
    plain = QUIET.replace("  only between 08:00-21:00 in lead timezone\n", "  at least 1 within 1d\n")
    assert _found(plain, [_assigned("A", hs_timezone="Asia/Tokyo")]) == []
    unused = LEAD_DAY.replace("within 2h on lead_day", "within 2h")
    assert _found(unused, [_assigned("A", hs_timezone="Asia/Tokyo")]) == []
    # a `timezone` set to null is a field the lead had
    assert _found(QUIET, [_assigned("A", timezone=None, hs_timezone="Asia/Tokyo")]) == []


def test_check_says_it_once_per_run_and_fail_on_input_counts_it(tmp_path, capsys):
    from slacode.cli import main

    sla = tmp_path / "q.sla"
    sla.write_text(QUIET)
    ev = tmp_path / "e.jsonl"
    ev.write_text("".join(json.dumps(_assigned(f"L{i}", hs_timezone="Asia/Tokyo")) + "\n" for i in range(4)))
    code = main(["check", str(sla), str(ev), "--as-of", AS_OF, "--fail-on", "input"])
    out = capsys.readouterr()
    assert (out.out + out.err).count("SLA625 [warning]") == 1 and code == 1
    assert main(["check", str(sla), str(ev), "--as-of", AS_OF, "--fail-on", "input", "--ignore", "SLA625"]) == 0
    capsys.readouterr()
    main(["check", str(sla), str(ev), "--as-of", AS_OF, "--lead", "L2"])
    out = capsys.readouterr()
    assert (out.out + out.err).count("SLA625 [warning]") == 1
