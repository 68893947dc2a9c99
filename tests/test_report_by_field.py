"""`slacode report --by FIELD`: compliance grouped by a lead field's value at each cycle's start.

The groups are those of a `by FIELD` target (slacode.groups): checked here by hand on small
histories, and against a `by country` target of the same rule on the example data.
"""
from __future__ import annotations

import csv
import io
import json
import re

import pytest

import slacode
from slacode import parallel
from slacode.cli import main
from slacode.report import compliance
from slacode.report.tables import grouping, render_csv, render_text
from tests.conftest import ROOT

AS_OF = "2026-11-24T10:30:00-03:00"

DESK = '''
agreement "desk" {
  version "1"
  timezone "America/Sao_Paulo"
  teams marketing, sales
}

states {
  lead
  mql
  won final
}

flow {
  lead -> mql, won
  mql -> won
}

deadline first_touch {
  owner sales
  start on assigned
  stop on contact_attempt
  within 2h
}
'''


def ev(n: int, lead: str, at: str, kind: str, **extra) -> dict:
    out = {"id": f"e{n}", "lead": lead, "at": f"2026-11-{at}-03:00", "type": kind}
    out.update(extra)
    return out


# L1: APAC at its first start, EMEA mid-cycle (the cycle stays APAC), EMEA for its second cycle.
# L2: an earlier event says "X"; the start event's own fields say "Y": the start sees "Y".
# L3: 1; L4: 1.0 (one group with 1); L5: "1" (another); L6: true; L7: nothing; L8: set, then null.
HISTORY = [
    ev(1, "L1", "16T09:00:00", "assigned", owner="ana", fields={"region": "APAC"}),
    ev(2, "L1", "16T09:30:00", "note", fields={"region": "EMEA"}),
    ev(3, "L1", "16T12:00:00", "contact_attempt"),                      # 3h: breached, in APAC
    ev(4, "L1", "17T09:00:00", "assigned", owner="ana"),
    ev(5, "L1", "17T09:10:00", "contact_attempt"),                      # met, in EMEA
    ev(6, "L2", "16T08:00:00", "note", fields={"region": "X"}),
    ev(7, "L2", "16T10:00:00", "assigned", owner="bo", fields={"region": "Y"}),
    ev(8, "L2", "16T10:20:00", "contact_attempt", fields={"region": "X"}),
    ev(9, "L3", "16T10:00:00", "assigned", owner="bo", fields={"region": 1}),
    ev(10, "L3", "16T10:05:00", "contact_attempt"),
    ev(11, "L4", "16T11:00:00", "assigned", owner="bo", fields={"region": 1.0}),
    ev(12, "L4", "16T15:00:00", "contact_attempt"),
    ev(13, "L5", "16T11:00:00", "assigned", owner="ana", fields={"region": "1"}),
    ev(14, "L5", "16T11:30:00", "contact_attempt"),
    ev(15, "L6", "16T11:00:00", "assigned", owner="ana", fields={"vip": True, "region": True}),
    ev(16, "L6", "16T11:30:00", "contact_attempt"),
    ev(17, "L7", "24T09:30:00", "assigned", owner="ana"),
    ev(18, "L8", "23T08:00:00", "note", fields={"region": "APAC"}),
    ev(19, "L8", "24T09:00:00", "assigned", owner="bo", fields={"region": None}),
]


@pytest.fixture()
def desk(tmp_path):
    spec = tmp_path / "desk.sla"
    spec.write_text(DESK, encoding="utf-8")
    events = tmp_path / "events.jsonl"
    events.write_text("".join(json.dumps(e) + "\n" for e in HISTORY), encoding="utf-8")
    return spec, events


def cli(capsys, *argv) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def by_region(period: str = "week"):
    agreement = slacode.loads(DESK)
    result = agreement.evaluate(HISTORY, as_of=AS_OF, group_by="region")
    return compliance(result, by="region", period=period, plan=agreement.plan)


def counts(comp, group: str) -> tuple[int, int, int]:
    c = comp.group_total(group)
    return c.met, c.breached, c.open


# ------------------------------------------------------------------------ the groups

def test_a_verdict_is_grouped_by_the_value_at_its_cycle_start():
    comp = by_region()
    # L1's first cycle started in APAC and stays there though the lead moved to EMEA
    assert counts(comp, 'region "APAC"') == (0, 1, 0)
    assert counts(comp, 'region "EMEA"') == (1, 0, 0)               # L1's second cycle
    # the start event's own fields are in place when the cycle starts; a later change is not
    assert counts(comp, 'region "Y"') == (1, 0, 0)
    assert 'region "X"' not in comp.groups


def test_numbers_by_value_text_apart_and_the_missing_group_last():
    comp = by_region()
    assert comp.groups == ["region true", "region 1", 'region "1"', 'region "APAC"', 'region "EMEA"',
                           'region "Y"', "(no region)"]
    assert counts(comp, "region 1") == (1, 1, 0)                    # 1 (met) and 1.0 (4h: breached)
    assert counts(comp, 'region "1"') == (1, 0, 0)
    assert counts(comp, "region true") == (1, 0, 0)
    # L7 never had a region, L8's was set to null by its start event: both open, no region
    assert counts(comp, "(no region)") == (0, 0, 2)
    total = comp.total
    assert (total.met, total.breached, total.open) == (5, 2, 2)      # every verdict in exactly one group


def test_the_flow_verdict_is_grouped_by_the_value_at_the_first_state_event():
    history = [ev(1, "F1", "16T09:00:00", "state", state="lead", fields={"region": "APAC"}),
               ev(2, "F1", "16T10:00:00", "state", state="won", fields={"region": "EMEA"}),
               ev(3, "F2", "16T09:00:00", "note", fields={"region": "EMEA"}),
               ev(4, "F2", "16T11:00:00", "state", state="mql", fields={"region": "LATAM"})]
    agreement = slacode.loads(DESK)
    result = agreement.evaluate(history, as_of=AS_OF, group_by="region")
    comp = compliance(result, by="region", plan=agreement.plan)
    assert {v.lead: v.status for v in result.verdicts} == {"F1": "met", "F2": "pending"}
    assert comp.groups == ['region "APAC"', 'region "LATAM"']
    assert counts(comp, 'region "APAC"') == (1, 0, 0) and counts(comp, 'region "LATAM"') == (0, 0, 1)


def test_a_field_named_like_a_grouping_is_field_colon_name():
    assert grouping("owner") == ("owner", None)
    assert grouping("field:owner") == ("field:owner", "owner")
    assert grouping("region") == ("field:region", "region")
    assert grouping("field:field:x") == ("field:field:x", "field:x")
    with pytest.raises(ValueError, match="names no lead field"):
        grouping("field:")
    history = [ev(1, "L1", "16T09:00:00", "assigned", owner="ana", fields={"owner": "web"}),
               ev(2, "L1", "16T09:10:00", "contact_attempt")]
    agreement = slacode.loads(DESK)
    result = agreement.evaluate(history, as_of=AS_OF, group_by="owner")
    assert compliance(result, by="owner").groups == ["sales"]                    # the rule's team
    assert compliance(result, by="field:owner").groups == ['owner "web"']       # the lead field


def test_verdicts_carry_the_groups_only_when_asked():
    agreement = slacode.loads(DESK)
    plain = agreement.evaluate(HISTORY, as_of=AS_OF)
    assert all(v.start_groups is None for v in plain.verdicts)
    assert all("start_groups" not in v.to_dict() for v in plain.verdicts)
    with pytest.raises(ValueError, match="group_by='region'"):
        compliance(plain, by="region")
    grouped = agreement.evaluate(HISTORY, as_of=AS_OF, group_by="region")
    assert [v.to_dict() for v in grouped.verdicts] == [v.to_dict() for v in plain.verdicts]
    with pytest.raises(ValueError, match="group_by='country'"):
        compliance(grouped, by="country")


# ------------------------------------------------------------------------ the formats

def test_table_csv_and_json(desk, capsys):
    spec, events = desk
    args = ("report", str(spec), str(events), "--as-of", AS_OF, "--by", "region")
    code, table, err = cli(capsys, *args)
    assert code == 0 and "note" not in err
    lines = table.splitlines()
    assert lines[0].split()[:2] == ["group", "period"]
    firsts = [ln.split("  ")[0] for ln in lines[1:] if ln and not ln.startswith(" ")]
    assert firsts[:7] == ["region true", "region 1", 'region "1"', 'region "APAC"', 'region "EMEA"',
                          'region "Y"', "(no region)"]
    assert table == render_text(by_region())

    code, out, _ = cli(capsys, *args, "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert out.splitlines()[0].startswith("group,period,")
    assert [json.loads(r["group"]) for r in rows if r["period"] == "2026-W47"] == [
        {"region": True}, {"region": 1}, {"region": "1"}, {"region": "APAC"}, {"region": "EMEA"},
        {"region": "Y"}, {"region": None}]
    one = [r for r in rows if r["group"] == '{"region":1}' and r["period"] == "2026-W47"]
    assert (one[0]["met"], one[0]["breached"]) == ("1", "1")
    assert out == render_csv(by_region())

    code, out, _ = cli(capsys, *args, "--format", "json")
    doc = json.loads(out)
    assert doc["by"] == "field:region" and doc["field"] == "region"
    assert [g["group"] for g in doc["groups"]] == [{"region": True}, {"region": 1}, {"region": "1"},
                                                   {"region": "APAC"}, {"region": "EMEA"}, {"region": "Y"},
                                                   {"region": None}]
    assert all(set(r) >= {"group", "period", "met"} and "region" not in r for r in doc["rows"])
    missing = next(g for g in doc["groups"] if g["group"] == {"region": None})
    assert (missing["met"], missing["pending"] + missing["at_risk"]) == (0, 2)
    from tests.test_schemas_outputs import problems, valid

    assert problems("report", doc) == []
    bad = json.loads(out)
    bad["rows"][0]["region"] = bad["rows"][0].pop("group")       # the group is under `group`
    assert not valid("report", bad)
    bad = json.loads(out)
    del bad["field"]
    assert not valid("report", bad)


def test_the_html_dashboard_groups_by_the_field(desk, capsys, tmp_path):
    spec, events = desk
    page = tmp_path / "r.html"
    code, _, _ = cli(capsys, "report", str(spec), str(events), "--as-of", AS_OF, "--by", "region",
                     "--html", str(page), "--format", "csv")
    html = page.read_text(encoding="utf-8")
    assert code == 0 and "Compliance by region and week" in html
    heads = re.findall(r'<th class="rowhead">([^<]*)</th>', html)
    assert heads[-8:] == ["region true", "region 1", "region &quot;1&quot;", "region &quot;APAC&quot;",
                          "region &quot;EMEA&quot;", "region &quot;Y&quot;", "(no region)", "all"]


# ------------------------------------------------------------------------ a misspelt field

def test_a_field_no_event_sets_is_one_note_with_a_suggestion(desk, capsys):
    spec, events = desk
    code, out, err = cli(capsys, "report", str(spec), str(events), "--as-of", AS_OF, "--by", "regoin")
    assert code == 0
    assert err.count("note:") == 1
    assert "no event sets a lead field 'regoin'" in err and "(no regoin)" in err
    assert "did you mean --by region?" in err
    assert out.splitlines()[1].startswith("(no regoin)")
    _, _, err = cli(capsys, "report", str(spec), str(events), "--as-of", AS_OF, "--by", "nothing_like_it")
    assert "note:" in err and "did you mean" not in err
    _, _, err = cli(capsys, "report", str(spec), str(events), "--as-of", AS_OF, "--by", "assignees")
    assert "did you mean --by assignee?" in err                    # the built-in grouping
    _, _, err = cli(capsys, "report", str(spec), str(events), "--as-of", AS_OF, "--by", "field:assignees")
    assert "note:" in err and "did you mean" not in err            # field: means no built-in one
    _, _, err = cli(capsys, "report", str(spec), str(events), "--as-of", AS_OF, "--by", "onwer")
    assert "did you mean --by owner?" in err                       # nearer than any field
    _, _, err = cli(capsys, "report", str(spec), str(events), "--as-of", AS_OF, "--by", "vip")
    assert "note:" not in err                                      # L6 had it at its start


def test_a_field_set_only_after_the_starts_is_said_so(tmp_path, capsys):
    spec = tmp_path / "desk.sla"
    spec.write_text(DESK, encoding="utf-8")
    events = tmp_path / "late.jsonl"
    late = [ev(1, "L1", "16T09:00:00", "assigned", owner="ana"),
            ev(2, "L1", "16T09:10:00", "contact_attempt", fields={"region": "APAC"})]
    events.write_text("".join(json.dumps(e) + "\n" for e in late), encoding="utf-8")
    code, _, err = cli(capsys, "report", str(spec), str(events), "--as-of", AS_OF, "--by", "region")
    assert code == 0 and err.count("note:") == 1
    assert "events set the lead field 'region', but no cycle had it when it started" in err


def test_an_empty_field_name_is_a_usage_error(desk, capsys):
    spec, events = desk
    code, out, err = cli(capsys, "report", str(spec), str(events), "--by", "field:")
    assert code == 2 and out == "" and "--by" in err


def test_help_lists_the_groupings_and_says_any_other_name_is_a_field(capsys):
    assert main(["report", "--help"]) == 0
    out = " ".join(capsys.readouterr().out.split())
    assert "rule|owner|assignee|segment|FIELD" in out and "any other name is a lead field" in out
    assert "field:NAME" in out


# ------------------------------------------------------------------------ one process or many

SPEC = ROOT / "specs" / "northwind.sla"
EVENTS = ROOT / "specs" / "events.jsonl"
NW_AS_OF = "2026-11-20T18:00:00-03:00"


@pytest.mark.skipif(not parallel.can_fork(), reason="needs fork")
@pytest.mark.parametrize("fmt", ["table", "csv", "json"])
def test_jobs_give_the_same_report(capsys, monkeypatch, tmp_path, fmt):
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 0)
    used = []
    real = parallel.run_parallel
    monkeypatch.setattr(parallel, "run_parallel", lambda *a, **k: used.append(k.get("group_by")) or real(*a, **k))
    lines = EVENTS.read_text(encoding="utf-8").splitlines()
    shuffled = tmp_path / "shuffled.jsonl"               # not grouped by lead: partitions by lead hash
    shuffled.write_text("\n".join(lines[1::2] + lines[::2]) + "\n", encoding="utf-8")
    for events in (EVENTS, shuffled):
        outs = []
        for jobs in ("1", "2", "3"):
            code, out, err = cli(capsys, "report", str(SPEC), str(events), "--as-of", NW_AS_OF, "--by", "country",
                                 "--format", fmt, "--jobs", jobs)
            assert code == 0 and "Traceback" not in err
            outs.append(out)
        assert outs[0] == outs[1] == outs[2]
        assert "BR" in outs[0]
    assert used == ["country"] * 4                       # --jobs 2 and 3 ran in processes, twice each


def test_the_groups_are_those_of_a_by_field_target():
    """The report's rate per country and week is the `by country` target's value on the same rule."""
    text = SPEC.read_text(encoding="utf-8") + '''
target first_touch_per_country {
  owner sales
  rule first_touch
  by country
  at least 90% met per week
}
'''
    agreement = slacode.loads(text)
    rule = next(t for t in agreement.plan.targets if t.name == "first_touch_per_country").rule
    result = agreement.evaluate(slacode.read_events(str(EVENTS)), as_of=NW_AS_OF, group_by="country")
    comp = compliance(result, by="country", plan=agreement.plan, rules=[rule])
    from slacode.groups import group_key, group_text

    seen = 0
    for v in result.verdicts:
        if v.rule != "first_touch_per_country":
            continue
        (value,) = v.group.values()
        label = group_text("country", group_key(value))
        cell = comp.cell(label, v.period)
        assert (cell.rate if cell.judged else None) == v.value, (label, v.period)
        seen += 1
    assert seen > 3 and len(comp.groups) > 2


def test_a_group_is_shown_as_text_in_a_terminal_table():
    from slacode.report.tables import render_rich

    history = [ev(1, "L1", "16T09:00:00", "assigned", owner="ana", fields={"tier": "[bold]x"}),
               ev(2, "L1", "16T09:10:00", "contact_attempt")]
    agreement = slacode.loads(DESK)
    result = agreement.evaluate(history, as_of=AS_OF, group_by="tier")
    drawn = render_rich(compliance(result, by="tier"), width=160, color=False)
    assert 'tier "[bold]x"' in drawn                    # not read as rich markup


@pytest.mark.parametrize("bad", ["", 3, ["region"]])
def test_group_by_must_name_a_field(bad):
    agreement = slacode.loads(DESK)
    with pytest.raises(TypeError, match="group_by"):
        agreement.evaluate(HISTORY, as_of=AS_OF, group_by=bad)
    with pytest.raises(TypeError, match="group_by"):
        agreement.evaluate_many(HISTORY, as_of=AS_OF, group_by=bad, jobs=1)
