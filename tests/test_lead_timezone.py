"""Calendars in the lead's own zone: `timezone lead` (extension), and SLA622 (a calendar
choice's default serving a lead in a zone none of its calendars is in)."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import slacode
from slacode.fmt import format as format_source
from tests.conftest import run_slacode

HEADER = 'agreement "g" {\n  version "1"\n  timezone "America/New_York"\n  teams sales\n}\n\n'


def _agreement(zone_line: str, target: str = "2h", extra: str = "", rule_extra: str = "") -> str:
    return (HEADER + f"calendar lead_day {{\n  {zone_line}\n  hours mon-fri 09:00-18:00\n  holidays \"US\"\n"
            f"}}\n{extra}\ndeadline first_touch {{\n  owner sales\n  start on assigned\n  stop on contact_attempt\n"
            f"  within {target} on lead_day\n{rule_extra}}}\n")


LEAD = slacode.loads(_agreement("timezone lead"))


def _assigned(lead: str, at: str, **fields) -> dict:
    return {"lead": lead, "at": at, "type": "assigned", "owner": "ana", "fields": fields}


class _Ran:
    def __init__(self, proc):
        self.exit_code, self.output = proc.returncode, proc.stdout + proc.stderr
        self.stdout = proc.stdout


def _cli(*args) -> _Ran:
    return _Ran(run_slacode(args))      # in this process (tests.conftest.run_slacode)


def _one(agreement, events, as_of="2026-11-30T00:00:00Z"):
    result = agreement.evaluate(events, as_of=as_of)
    return result.verdicts, result.diagnostics


def test_the_hours_are_read_in_the_zone_of_the_lead():
    (v,), _ = _one(LEAD, [_assigned("L", "2026-11-06T17:00:00Z", timezone="Europe/Lisbon")])
    d = v.to_dict()
    # Friday 17:00 in Lisbon: 1h that day, 1h on Monday from 09:00 Lisbon time
    assert d["due_at"] == "2026-11-09T10:00:00+00:00"
    assert d["timezone"] == "Europe/Lisbon"


def test_missing_field_falls_back_to_the_agreement_zone_silently():
    (v,), diags = _one(LEAD, [_assigned("L", "2026-11-06T16:00:00Z")])
    assert v.to_dict()["due_at"] == "2026-11-06T13:00:00-05:00"
    assert v.timezone == "America/New_York"
    assert not diags


def test_unknown_zone_falls_back_with_sla603_once_per_zone_at_the_timezone_lead_line():
    events = [_assigned("L", "2026-11-06T16:00:00Z", timezone="Mars/Olympus"),
              {"lead": "L", "at": "2026-11-06T16:30:00Z", "type": "contact_attempt"},
              _assigned("L", "2026-11-09T16:00:00Z"),
              _assigned("M", "2026-11-06T16:00:00Z", timezone="Mars/Olympus"),
              _assigned("N", "2026-11-06T16:00:00Z", timezone="EST5")]
    verdicts, diags = _one(LEAD, events)
    assert {v.timezone for v in verdicts} == {"America/New_York"}
    found = [(d.code, d.line, d.column, d.lead) for d in diags]
    # once per zone value (small27): L and M share one, N has its own
    assert sorted(found) == [("SLA603", 8, 3, "L"), ("SLA603", 8, 3, "N")]
    mars = next(d for d in diags if d.lead == "L")
    assert mars.message.startswith("2 leads ('L', 'M') have time zone 'Mars/Olympus'")
    assert "calendar `lead_day`" in mars.message
    est = next(d for d in diags if d.lead == "N")
    assert est.message.startswith("lead 'N' has time zone 'EST5'")


def test_sla603_of_many_leads_is_one_warning_naming_the_first_three():
    events = [_assigned(f"L{i:05}", "2026-11-06T16:00:00Z", timezone="Brasilia") for i in range(2000)]
    _, diags = _one(LEAD, events)
    (d,) = diags
    assert d.code == "SLA603" and (d.line, d.column, d.lead) == (8, 3, "L00000")
    assert d.message.startswith("2,000 leads ('L00000', 'L00001', 'L00002' and 1,997 more) have time zone "
                                "'Brasilia'")


def test_sla603_is_once_per_zone_and_line_when_several_lines_read_it():
    # an `only between` line and a `timezone lead` calendar both fall back: one warning each
    text = _agreement("timezone lead") + ("attempts calls {\n  owner sales\n  start on assigned\n"
                                          "  stop on won\n  count call\n  at least 1 within 1d\n"
                                          "  only between 09:00-18:00 in lead timezone\n}\n")
    agreement = slacode.loads(text)
    events = [e for lead in ("A", "B") for e in (
        _assigned(lead, "2026-11-06T16:00:00Z", timezone="Nowhere/Land"),
        {"lead": lead, "at": "2026-11-06T16:10:00Z", "type": "call"})]
    _, diags = _one(agreement, events)
    found = sorted((d.code, d.line, d.lead, d.message.split(" have")[0]) for d in diags if d.code == "SLA603")
    assert [f[0] for f in found] == ["SLA603", "SLA603"] and {f[3] for f in found} == {"2 leads ('A', 'B')"}
    assert len({f[1] for f in found}) == 2


def test_the_zone_is_read_at_the_start_with_the_start_events_fields_and_kept():
    events = [{"lead": "L", "at": "2026-11-16T14:00:00Z", "type": "note", "fields": {"timezone": "Asia/Tokyo"}},
              _assigned("L", "2026-11-16T15:00:00Z", timezone="America/Chicago"),
              {"lead": "L", "at": "2026-11-16T15:30:00Z", "type": "note", "fields": {"timezone": "Asia/Tokyo"}}]
    (v,), _ = _one(LEAD, events)
    assert (v.timezone, v.to_dict()["due_at"]) == ("America/Chicago", "2026-11-16T11:00:00-06:00")


def test_retarget_reads_the_zone_again_as_it_picks_a_choice_again():
    text = _agreement("timezone lead", rule_extra="  retarget when segment changes\n")
    assert slacode.lint(text) == []                 # (no SLA334: the zone may change)
    agreement = slacode.loads(text)
    events = [_assigned("L", "2026-11-16T15:00:00Z", timezone="America/Chicago"),       # 09:00 Chicago
              {"lead": "L", "at": "2026-11-16T15:30:00Z", "type": "note", "fields": {"timezone": "Asia/Tokyo"}}]
    (v,), _ = _one(agreement, events, as_of="2026-11-16T15:45:00Z")
    # from the start (15:00Z, Tuesday 00:00 in Tokyo) on Tokyo's hours: Tuesday 09:00-11:00 there
    assert v.timezone == "Asia/Tokyo"
    assert v.to_dict()["due_at"] == "2026-11-17T11:00:00+09:00"
    # without retarget the zone at the start stays
    (kept,), _ = _one(LEAD, events, as_of="2026-11-16T15:45:00Z")
    assert (kept.timezone, kept.to_dict()["due_at"]) == ("America/Chicago", "2026-11-16T11:00:00-06:00")


def test_one_calendar_per_zone_is_built_and_shared_by_leads_and_lines():
    agreement = slacode.loads(_agreement("timezone lead"))
    events = [_assigned(f"L{i}", "2026-11-06T16:00:00Z", timezone=z)
              for i, z in enumerate(["Europe/Lisbon", "Asia/Tokyo", "Europe/Lisbon", "America/New_York"])]
    agreement.evaluate(events, as_of="2026-11-10T00:00:00Z")
    home = agreement.calendars["lead_day"]
    assert home.timezone == "America/New_York" and home.fallback
    assert sorted(home._zones) == ["Asia/Tokyo", "Europe/Lisbon"]
    assert home.in_zone("Asia/Tokyo") is home._zones["Asia/Tokyo"]
    assert home.in_zone("America/New_York") is home
    # the lines of one zone are one object (retarget and coverage see one line)
    assert len({id(line) for _, line in home._lines.values()}) == 3


def test_fixed_calendars_carry_no_timezone_key():
    fixed = slacode.loads(_agreement('timezone "Europe/Lisbon"'))
    (v,), _ = _one(fixed, [_assigned("L", "2026-11-06T17:00:00Z", timezone="Europe/Lisbon")])
    assert "timezone" not in v.to_dict()


@pytest.mark.parametrize("where", [
    "attempts a {\n  owner sales\n  start on assigned\n  stop on call\n  at least 1 within 1d\n  only during lead_day\n}\n",
    "attempts a {\n  owner sales\n  start on assigned\n  stop on call\n  at least 1 within 1d\n"
    "  at most 2 per day on lead_day\n}\n",
    "attempts a {\n  owner sales\n  start on assigned\n  stop on call\n  at least 1 within 1d\n"
    "  gap at most 1d on lead_day\n}\n",
    "target t {\n  owner sales\n  rule first_touch\n  at least 90% met per working day on lead_day\n}\n",
    "quota q {\n  owner sales\n  count call\n  at least 10 per week\n  warn behind pace on lead_day\n}\n",
])
def test_where_one_calendar_serves_every_lead_it_is_refused_with_sla208(where):
    diags = slacode.lint(_agreement("timezone lead", extra=where))
    found = [d for d in diags if d.code == "SLA208"]
    assert len(found) == 1 and "timezone lead" in found[0].message, [d.message for d in diags]


def test_a_timezone_lead_calendar_may_be_a_pick_of_a_choice():
    text = _agreement("timezone lead").replace("on lead_day", "on desk") + (
        'segment vip = tier == "vip"\ncalendar ny {\n  timezone "America/New_York"\n  hours daily 00:00-24:00\n}\n'
        "calendar desk = ny for vip, lead_day\n")
    agreement = slacode.loads(text)
    assert not [d for d in slacode.lint(text) if d.severity == "error"]
    (v,), diags = _one(agreement, [_assigned("L", "2026-11-06T17:00:00Z", timezone="Europe/Lisbon")])
    assert (v.timezone, v.to_dict()["due_at"]) == ("Europe/Lisbon", "2026-11-09T10:00:00+00:00")
    assert not [d for d in diags if d.code == "SLA622"]      # the choice has a calendar in every zone


def test_both_timezone_lines_are_sla205_and_an_unused_one_sla218():
    text = _agreement("timezone lead\n  timezone \"Europe/Paris\"")
    codes = {d.code for d in slacode.lint(text)}
    assert "SLA205" in codes
    unused = HEADER + "calendar lead_day {\n  timezone lead\n  hours mon-fri 09:00-18:00\n}\n"
    assert [d.code for d in slacode.lint(unused)] == ["SLA224", "SLA218"]     # (and no rule at all)


def test_fmt_round_trips_and_diff_names_the_change():
    text = _agreement("timezone lead")
    assert format_source(text) == text
    from slacode.diff import semantic_diff

    changes = semantic_diff(slacode.loads(text), slacode.loads(_agreement('timezone "Europe/Paris"')))
    assert [(c.subject, c.message) for c in changes] == [
        ("lead_day", "timezone the lead's (else America/New_York) → Europe/Paris")]


def test_explain_names_the_zone_used(tmp_path):
    spec = tmp_path / "a.sla"
    spec.write_text(_agreement("timezone lead"))
    events = tmp_path / "e.jsonl"
    events.write_text(json.dumps(_assigned("L", "2026-11-06T17:00:00Z", timezone="Europe/Lisbon")) + "\n")
    out = _cli("explain", str(spec), str(events), "--lead", "L", "--as-of", "2026-11-10T00:00:00Z").output
    assert "within 2h on lead_day (Europe/Lisbon, the lead's zone)" in out


def test_calendar_command_says_it_depends_on_the_lead_and_takes_zone(tmp_path):
    spec = tmp_path / "a.sla"
    spec.write_text(_agreement("timezone lead"))
    plain = _cli("calendar", str(spec), "--year", "2026")
    assert plain.exit_code == 0 and "timezone lead: read in each lead's own zone" in plain.output
    zoned = _cli("calendar", str(spec), "--year", "2026", "--zone", "Europe/Lisbon",
                 "--at", "2026-11-06T17:00", "--add", "2h", "--format", "json")
    assert zoned.exit_code == 0, zoned.output
    cal = json.loads(zoned.stdout)["calendars"][0]
    assert cal["timezone"] == "Europe/Lisbon" and cal["lead_zone"] is True
    assert cal["sums"][0]["due"].startswith("2026-11-09T10:00:00+00:00") if "due" in cal["sums"][0] else True
    bad = _cli("calendar", str(spec), "--zone", "Mars/Olympus")
    assert bad.exit_code == 2 and "Mars/Olympus" in bad.output


def test_calendar_zone_without_a_lead_calendar_is_refused(tmp_path):
    spec = tmp_path / "a.sla"
    spec.write_text(_agreement('timezone "Europe/Paris"'))
    out = _cli("calendar", str(spec), "--zone", "Europe/Lisbon")
    assert out.exit_code == 2 and "timezone lead" in out.output


# -------------------------------------------------------------- the same as a written zone

ZONES = ["Europe/Lisbon", "America/Chicago", "Asia/Tokyo", "Australia/Sydney", "America/Sao_Paulo",
         "Europe/Berlin", "America/New_York", "Asia/Kolkata", "Pacific/Auckland"]


@settings(max_examples=60, deadline=None)
@given(zone=st.sampled_from(ZONES),
       start_min=st.integers(0, 60 * 24 * 400),
       reply_min=st.one_of(st.none(), st.integers(1, 60 * 24 * 6)),
       target=st.sampled_from(["30m", "2h", "9h", "1d", "2d4h"]),
       hours=st.sampled_from(["mon-fri 09:00-18:00", "mon-sat 08:00-12:00, 13:00-17:30", "daily 22:00-06:00"]))
def test_a_lead_zone_calendar_judges_as_a_calendar_with_that_zone_written_in(zone, start_min, reply_min, target,
                                                                            hours):
    def text(zone_line):
        return _agreement(zone_line, target).replace("hours mon-fri 09:00-18:00", f"hours {hours}")

    lead, written = slacode.loads(text("timezone lead")), slacode.loads(text(f'timezone "{zone}"'))
    start = datetime(2026, 1, 1, tzinfo=timezone.utc) + timedelta(minutes=start_min)
    events = [_assigned("L", start.isoformat(), timezone=zone)]
    if reply_min is not None:
        events.append({"lead": "L", "at": (start + timedelta(minutes=reply_min)).isoformat(),
                       "type": "contact_attempt"})
    as_of = (start + timedelta(days=7)).isoformat()
    got = [v.to_dict() for v in lead.evaluate(events, as_of=as_of).verdicts]
    want = [v.to_dict() for v in written.evaluate(events, as_of=as_of).verdicts]
    assert [g.pop("timezone") for g in got] == [zone] * len(got)
    assert got == want


# ------------------------------------------------------------------------------- SLA622

CHOICE = (HEADER + 'segment in_apac = region == "APAC"\n\n'
          'calendar apac {\n  timezone "Asia/Singapore"\n  hours mon-fri 09:00-18:00\n}\n\n'
          'calendar amer {\n  timezone "America/New_York"\n  hours mon-fri 09:00-18:00\n}\n\n'
          "calendar desk = apac for in_apac, amer\n\n"
          "deadline first_touch {\n  owner sales\n  start on assigned\n  stop on call\n  within 2h on desk\n}\n")


def test_sla622_once_per_rule_and_zone_with_the_first_lead_and_the_count():
    agreement = slacode.loads(CHOICE)
    events = [_assigned("L2", "2026-11-06T16:00:00Z", timezone="Europe/Lisbon"),
              _assigned("L1", "2026-11-06T16:00:00Z", timezone="Europe/Lisbon"),
              _assigned("T", "2026-11-06T16:00:00Z", timezone="Asia/Tokyo", region="APAC"),   # picked by segment
              _assigned("N", "2026-11-06T16:00:00Z", timezone="America/New_York"),            # the default's zone
              _assigned("X", "2026-11-06T16:00:00Z", timezone="Mars/Olympus"),                # no zone: not this
              _assigned("Z", "2026-11-06T16:00:00Z")]
    _, diags = _one(agreement, events)
    found = [d for d in diags if d.code == "SLA622"]
    assert len(found) == 1
    (d,) = found
    assert (d.severity, d.line, d.lead) == ("info", 19, "L1")
    assert "Europe/Lisbon" in d.message and "`amer`" in d.message and "2 leads" in d.message
    assert "timezone lead" in d.hint


def test_sla622_is_not_reported_for_a_lead_in_a_zone_of_a_pick_that_did_not_hold():
    agreement = slacode.loads(CHOICE)
    _, diags = _one(agreement, [_assigned("S", "2026-11-06T16:00:00Z", timezone="Asia/Singapore")])
    assert not [d for d in diags if d.code == "SLA622"]


def test_outputs_with_a_lead_zone_calendar_match_their_schemas(tmp_path):
    from tests.test_schemas import problems, validator

    spec = tmp_path / "a.sla"
    spec.write_text(_agreement("timezone lead"))
    events = tmp_path / "e.jsonl"
    events.write_text("\n".join(json.dumps(e) for e in [
        _assigned("L", "2026-11-06T17:00:00Z", timezone="Europe/Lisbon"),
        _assigned("M", "2026-11-06T17:00:00Z", timezone="Mars/Olympus")]) + "\n")
    checked = _cli("check", str(spec), str(events), "--as-of", "2026-11-10T00:00:00Z", "--format", "json")
    doc = json.loads(checked.stdout)
    assert [v["timezone"] for v in doc["verdicts"]] == ["Europe/Lisbon", "America/New_York"]
    assert problems(validator("verdicts"), doc) == []
    cal = json.loads(_cli("calendar", str(spec), "--year", "2026", "--zone", "Asia/Tokyo", "--format", "json").stdout)
    assert problems(validator("calendar"), cal) == []


# --------------------------------------------------- retarget reasons name a changed zone

RETARGET = slacode.loads(_agreement("timezone lead", rule_extra="  retarget when segment changes\n"))


def test_a_retarget_by_a_change_of_zone_names_both_zones_in_the_reason():
    events = [_assigned("Z", "2026-11-06T16:00:00Z", timezone="Europe/Lisbon"),      # Friday 16:00 Lisbon
              {"lead": "Z", "at": "2026-11-06T16:30:00Z", "type": "note", "fields": {"timezone": "Asia/Tokyo"}}]
    (v,), _ = _one(RETARGET, events, as_of="2026-11-06T17:00:00Z")
    # from the start, 16:00Z = Saturday 01:00 in Tokyo: Monday 09:00-11:00 there
    assert (v.timezone, v.to_dict()["due_at"]) == ("Asia/Tokyo", "2026-11-09T11:00:00+09:00")
    assert v.reason.endswith(" The target line changed at 2026-11-07 01:30 +09:00 "
                             "(`within 2h on lead_day (Europe/Lisbon)` → `within 2h on lead_day (Asia/Tokyo)`).")


def test_the_agreement_zone_side_of_a_zone_retarget_says_so():
    events = [_assigned("Y", "2026-11-06T16:00:00Z", timezone="America/New_York"),   # 11:00 New York
              {"lead": "Y", "at": "2026-11-06T16:30:00Z", "type": "note", "fields": {"timezone": "Europe/Lisbon"}}]
    (v,), _ = _one(RETARGET, events, as_of="2026-11-06T17:00:00Z")
    assert v.to_dict()["due_at"] == "2026-11-06T18:00:00+00:00"      # Friday 16:00-18:00 Lisbon
    assert v.reason.endswith("(`within 2h on lead_day (America/New_York, the agreement's zone)` → "
                             "`within 2h on lead_day (Europe/Lisbon)`).")


def test_a_segment_retarget_in_one_zone_names_no_zone_and_a_combined_one_names_both():
    text = _agreement("timezone lead", target="1h on lead_day for hot\n  within 4h",
                      extra="segment hot = score > 80\n", rule_extra="  retarget when segment changes\n")
    agreement = slacode.loads(text)
    same = [_assigned("S", "2026-11-06T10:00:00Z", timezone="Europe/Lisbon", score=10),
            {"lead": "S", "at": "2026-11-06T10:20:00Z", "type": "note", "fields": {"score": 90}}]
    both = [_assigned("B", "2026-11-06T10:00:00Z", timezone="Europe/Lisbon", score=10),
            {"lead": "B", "at": "2026-11-06T10:20:00Z", "type": "note",
             "fields": {"score": 90, "timezone": "Europe/Paris"}}]
    (b, s), _ = _one(agreement, same + both, as_of="2026-11-06T10:30:00Z")        # (in lead order)
    # Friday 10:00 Lisbon (= 11:00 Paris), hot from the start: 1h → 11:00Z in both zones
    assert (s.lead, s.to_dict()["due_at"]) == ("S", "2026-11-06T11:00:00+00:00")
    assert s.reason.endswith("(`within 4h on lead_day` → `within 1h on lead_day for hot`).")
    assert (b.lead, b.to_dict()["due_at"]) == ("B", "2026-11-06T12:00:00+01:00")
    assert b.reason.endswith("(`within 4h on lead_day (Europe/Lisbon)` → "
                             "`within 1h on lead_day for hot (Europe/Paris)`).")


def test_explain_and_the_reason_name_the_same_zones_for_a_zone_retarget(tmp_path):
    spec = tmp_path / "a.sla"
    spec.write_text(_agreement("timezone lead", rule_extra="  retarget when segment changes\n"))
    events = tmp_path / "e.jsonl"
    events.write_text(json.dumps(_assigned("Z", "2026-11-06T16:00:00Z", timezone="Europe/Lisbon")) + "\n"
                      + json.dumps({"lead": "Z", "at": "2026-11-06T16:30:00Z", "type": "note",
                                    "fields": {"timezone": "Asia/Tokyo"}}) + "\n")
    out = _cli("explain", str(spec), str(events), "--lead", "Z", "--as-of", "2026-11-06T17:00:00Z").output
    assert ("retargeted (within 2h on lead_day (Asia/Tokyo, the lead's zone), the default line, was within 2h "
            "on lead_day (Europe/Lisbon, the lead's zone), the default line)") in out
    assert "(`within 2h on lead_day (Europe/Lisbon)` → `within 2h on lead_day (Asia/Tokyo)`)" in out


def test_explain_does_not_call_a_lead_in_the_agreement_zone_one_without_a_zone(tmp_path):
    spec = tmp_path / "a.sla"
    spec.write_text(_agreement("timezone lead"))
    events = tmp_path / "e.jsonl"
    events.write_text(json.dumps(_assigned("N", "2026-11-06T16:00:00Z", timezone="America/New_York")) + "\n")
    out = _cli("explain", str(spec), str(events), "--lead", "N", "--as-of", "2026-11-06T17:00:00Z").output
    assert ("lead_day (America/New_York, the agreement's zone: the lead's own, or its `timezone` was missing "
            "or unknown)") in out


# ------------------------------------------------------------- SLA622 and zone links

def test_sla622_treats_an_iana_link_as_the_zone_it_links_to():
    choice = CHOICE.replace('"Asia/Singapore"', '"Europe/London"')
    agreement = slacode.loads(choice)
    events = [_assigned("E", "2026-11-06T16:00:00Z", timezone="US/Eastern"),        # → America/New_York (amer)
              _assigned("B", "2026-11-06T16:00:00Z", timezone="Europe/Belfast"),    # → Europe/London (apac here)
              _assigned("C", "2026-11-06T16:00:00Z", timezone="US/Central")]        # → America/Chicago: no calendar
    verdicts, diags = _one(agreement, events, as_of="2026-11-06T16:30:00Z")
    assert {v.lead for v in verdicts} == {"B", "C", "E"}
    found = [(d.code, d.lead) for d in diags if d.code == "SLA622"]
    assert found == [("SLA622", "C")]
    assert "US/Central" in [d for d in diags if d.code == "SLA622"][0].message


def test_sla622_is_once_per_zone_naming_the_aliases_seen():
    # `US/Eastern` links to `America/New_York`: one zone, one finding (small27), naming both
    choice = CHOICE.replace('"America/New_York"\n  hours', '"America/Chicago"\n  hours')
    agreement = slacode.loads(choice)
    events = [_assigned("A", "2026-11-06T16:00:00Z", timezone="US/Eastern"),
              _assigned("B", "2026-11-06T16:00:00Z", timezone="America/New_York"),
              _assigned("C", "2026-11-06T16:00:00Z", timezone="US/Eastern"),
              _assigned("D", "2026-11-06T16:00:00Z", timezone="Europe/Lisbon")]
    _, diags = _one(agreement, events, as_of="2026-11-06T16:30:00Z")
    found = [d for d in diags if d.code == "SLA622"]
    assert sorted(d.lead for d in found) == ["A", "D"]
    eastern = next(d for d in found if d.lead == "A")
    assert "lead 'A' is in US/Eastern (also written America/New_York: the same zone)" in eastern.message
    assert "3 leads in that zone in all" in eastern.message
    lisbon = next(d for d in found if d.lead == "D")
    assert "also written" not in lisbon.message and "in all" not in lisbon.message


def test_zone_identity_is_one_per_zone():
    from slacode.leadzone import zone_identity

    assert zone_identity("US/Eastern") == zone_identity("America/New_York")
    assert zone_identity("Europe/Lisbon") != zone_identity("Europe/London")
    assert zone_identity("Mars/Olympus") != zone_identity("Mars/Olympia")


def test_same_zone_follows_links_and_keeps_distinct_zones_apart():
    from slacode.leadzone import same_zone

    assert same_zone("US/Eastern", "America/New_York") and same_zone("America/New_York", "US/Eastern")
    assert same_zone("Europe/Belfast", "Europe/London") and same_zone("Asia/Calcutta", "Asia/Kolkata")
    assert same_zone("Europe/Lisbon", "Europe/Lisbon")
    assert not same_zone("Europe/Lisbon", "Europe/London")           # the same offset in winter, not one zone
    assert not same_zone("America/Chicago", "America/New_York")
    assert not same_zone("Mars/Olympus", "Mars/Olympia")            # no data: only the same name is the same
    assert not same_zone("../../etc/passwd", "../../etc/passwd ")


def test_a_choice_with_a_timezone_lead_pick_is_not_reported_when_its_default_serves_a_lead():
    text = _agreement("timezone lead").replace("on lead_day", "on desk") + (
        'segment eu = region == "EU"\ncalendar ny {\n  timezone "America/New_York"\n  hours mon-fri 09:00-17:00\n}\n'
        "calendar desk = lead_day for eu, ny\n")
    agreement = slacode.loads(text)
    (v,), diags = _one(agreement, [_assigned("L", "2026-11-06T12:00:00Z", timezone="Europe/Lisbon", region="XX")],
                       as_of="2026-11-06T12:30:00Z")
    # not in `eu`: the default `ny`, New York's hours: 07:00 there, so 09:00-11:00
    assert v.to_dict()["due_at"] == "2026-11-06T11:00:00-05:00"
    assert not [d for d in diags if d.code == "SLA622"]


# review 28 (F9): `EST5EDT` is in the IANA database and follows daylight saving time
@pytest.mark.parametrize("zone, words, hint", [
    ("EST5EDT", "which is a legacy zone of the IANA database, not the zone of a place",
     "usually `America/New_York` or `America/Toronto`, in the lead's `timezone` field: `EST5EDT` is a legacy "
     "rule zone, which the IANA database keeps for old systems"),
    ("CET", "which is a legacy zone of the IANA database", "`CET` is a legacy rule zone"),
    ("EST", "which is a legacy zone of the IANA database",
     "`EST` is an abbreviation, and a legacy zone at one offset all year, with no daylight saving time"),
    ("posix/Europe/Lisbon", "which is a legacy zone of the IANA database", "write the zone's own name, "
     "`Europe/Lisbon`"),
    ("localtime", "which is not the zone of a place (it depends on the machine", "IANA names such as"),
    ("CDT", "which is not an IANA zone", "`CDT` is an abbreviation, one offset all year"),
    ("Brasilia", "which is not an IANA zone", "IANA names such as"),
])
def test_sla603_says_a_legacy_zone_is_in_the_database_and_how_it_keeps_time(zone, words, hint):
    _, diags = _one(LEAD, [_assigned("L", "2026-11-06T16:00:00Z", timezone=zone)])
    (d,) = [x for x in diags if x.code == "SLA603"]
    assert f"has time zone {zone!r}, {words}" in d.message
    assert hint in d.hint
    assert "EST5EDT` is an abbreviation" not in d.hint and "one offset all year" not in d.hint or zone in ("EST", "CDT")
