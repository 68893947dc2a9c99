"""Quotas that add up an amount: `sum PROP of TRIGGER… [for SEGMENT]` (extension).

Worked by hand: exact sums (ints stay ints, floats are added as the decimals they are
written as, exactly, and rounded once; goals are decimal too), values that are not added (missing, null, text, booleans, NaN),
SLA615, the `count` key, grouping, periods, lint, fmt, diff, test blocks, schemas, the
same output for any `--jobs`; and a hypothesis property against an independent sum.
"""
from __future__ import annotations

import json
import random
import subprocess
import sys
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

import slacode
from slacode import parallel
from slacode.cli import main
from slacode.diff import semantic_diff
from slacode.testing import run_test
from tests.test_schemas import problems, validator

ROOT = Path(__file__).resolve().parents[1]
CASES = ROOT / "tests" / "cases"

HEAD = 'agreement "s" { version "1"; timezone "UTC"; teams marketing }\n'
PIPELINE = HEAD + """
quota pipeline {
  owner marketing
  sum amount of deal where stage != "test"
  at least 1_000 per month
}
"""


def _ev(lead, day, amount=..., type_="deal", month=11, **extra):
    e = {"lead": lead, "at": f"2026-{month:02d}-{day:02d}T12:00:00Z", "type": type_, **extra}
    if amount is not ...:
        e["amount"] = amount
    return e


def _sums(result, rule="pipeline"):
    return [(v.period, v.status, v.value, v.count) for v in result.verdicts if v.rule == rule]


def _run(text, events, as_of="2026-12-01T00:00:00Z"):
    return slacode.loads(text).evaluate(events, as_of=as_of)


# --------------------------------------------------------------------------- language

def test_a_sum_quota_parses_and_formats_back():
    text = HEAD + ("quota q { owner marketing; sum   `deal-value` of enter won or deal where x > 1 for big\n"
                   "  by assignee; at most 2_500.5 per quarter }\nsegment big = size > 3\n")
    agreement = slacode.loads(text)
    q = agreement.quotas[0]
    assert q.count is None and q.sum is q.measure
    assert q.sum.prop.name == "deal-value" and q.sum.prop.quoted and q.sum.segment.value == "big"
    assert [t.kind for t in q.sum.triggers] == ["enter", "event"]
    out = slacode.format(text)
    assert "  sum `deal-value` of enter won or deal where x > 1 for big\n" in out
    again = slacode.loads(out).quotas[0]
    assert (again.sum.prop.text(), again.sum.segment.value, again.goal.bound) == ("`deal-value`", "big", "most")
    assert slacode.format(out) == out


def test_sum_stays_usable_as_a_field_and_constant_name():
    text = HEAD + """
let sum = 10
segment s = sum > 3
quota q {
  owner marketing
  sum sum of deal where sum > 2 for s
  by sum
  at least sum per day
}
test "t" {
  as of 2026-11-02T00:00:00Z
  at 2026-11-01T10:00:00Z deal with sum = 4 set sum = 5
  expect q period "2026-11-01" group 5 breached
}
"""
    agreement = slacode.loads(text)
    q = agreement.quotas[0]
    assert q.sum.prop.name == "sum" and q.by_field == "sum"
    assert [d.code for d in slacode.lint(text) if d.severity == "error"] == []
    result = run_test(agreement, agreement.tests[0])
    assert result.passed, result


def test_count_and_sum_together_or_neither_are_errors():
    both = HEAD + "quota q {\n  owner marketing\n  count deal\n  sum amount of deal\n  at least 1 per day\n}\n"
    (dup,) = [d for d in slacode.lint(both) if d.code == "SLA205"]
    assert (dup.line, dup.column) == (5, 3)
    assert "`sum … of` and `count` (line 3) both say what quota `q` measures" in dup.message.replace("(line 4)", "(line 3)")
    neither = HEAD + "quota q {\n  owner marketing\n  at least 1 per day\n}\n"
    (missing,) = [d for d in slacode.lint(neither) if d.code == "SLA310"]
    assert missing.message == "quota `q` has no `count` or `sum` line"


def test_a_sum_goal_may_be_decimal_or_negative_a_count_goal_may_not():
    def codes(line):
        return [d.code for d in slacode.lint(HEAD + f"quota q {{ owner marketing; {line}; at least 2.5 per day }}\n")]

    assert "SLA312" not in codes("sum amount of deal")
    assert "SLA312" in codes("count deal")
    negative = HEAD + "quota q { owner marketing; sum amount of deal; at least -100 per day }\n"
    assert not [d for d in slacode.lint(negative) if d.severity == "error"]


def test_grouping_by_a_segment_name_hints_the_sum_line():
    text = HEAD + "segment big = size > 3\nquota q { owner marketing; sum amount of deal; by big; at least 1 per day }\n"
    (d,) = [d for d in slacode.lint(text) if d.code == "SLA343"]
    assert "`sum … for big`" in d.hint


def test_an_expectation_names_the_sum_clause():
    text = PIPELINE + ('test "t" {\n  as of 2026-12-01T00:00:00Z\n'
                       '  at 2026-11-02T10:00:00Z deal with amount = 700, stage = "new"\n'
                       '  at 2026-11-03T10:00:00Z deal with amount = 300.5, stage = "new"\n'
                       '  expect pipeline period "2026-11" met\n'
                       '  expect pipeline.sum period "2026-12" pending\n}\n')
    assert not [d for d in slacode.lint(text) if d.severity == "error"]
    wrong = text.replace("pipeline.sum", "pipeline.count")
    (d,) = [d for d in slacode.lint(wrong) if d.code == "SLA211"]
    assert "`sum`" in d.hint


def test_slacode_test_runs_expectations_on_sum_quotas(tmp_path, capsys):
    path = tmp_path / "a.sla"
    path.write_text(PIPELINE + ('test "t" {\n  as of 2026-12-01T00:00:00Z\n'
                                '  at 2026-11-02T10:00:00Z deal with amount = 700, stage = "new"\n'
                                '  at 2026-11-03T10:00:00Z deal with amount = 299.5, stage = "new"\n'
                                '  expect pipeline period "2026-11" met\n}\n'))
    assert main(["test", str(path)]) == 1                   # 999.5 < 1000
    assert "999.5 of at least 1,000" in capsys.readouterr().out
    path.write_text(path.read_text().replace("299.5", "300"))
    assert main(["test", str(path)]) == 0


# ------------------------------------------------------------------------- evaluation

def test_ints_stay_ints_and_a_float_makes_the_sum_a_float():
    r = _run(PIPELINE, [_ev("A", 2, 600, stage="x"), _ev("B", 3, 400, stage="x"), _ev("C", 4, 9_999, stage="test"),
                        _ev("A", 2, 0.5, month=12, stage="x"), _ev("B", 3, 1, month=12, stage="x")],
             as_of="2026-12-31T00:00:00Z")
    assert _sums(r) == [("2026-11", "met", 1000, 2), ("2026-12", "pending", 1.5, 2)]
    nov, dec = (v for v in r.verdicts if v.rule == "pipeline")
    assert type(nov.value) is int and type(dec.value) is float
    assert nov.clause == dec.clause == "sum"
    d = nov.to_dict()
    assert d["count"] == 2 and d["value"] == 1000 and d["threshold"] == 1000
    assert nov.reason == "1,000 of at least 1,000 (`amount` of 2 events) in 2026-11."


def test_floats_are_added_exactly_whatever_their_order():
    values = [0.1, 0.2, 0.3, 1e16, 1.0, -1e16, 2 ** -40]
    exact = float(sum(Fraction(v) for v in values))
    assert exact == 1.6 + 2 ** -40                     # worked out by hand: 0.6 + 1 + 2^-40
    got = set()
    for seed in range(20):
        order = values[:]
        random.Random(seed).shuffle(order)
        r = _run(PIPELINE, [_ev(f"L{i}", 1 + i, v, stage="x") for i, v in enumerate(order)],
                 as_of="2026-11-30T00:00:00Z")
        (value,) = [v.value for v in r.verdicts]
        got.add(value)
    assert got == {exact}
    assert sum(values) != exact                        # (floats added in order would differ)


def test_big_ints_decimals_and_numpy_like_numbers_are_exact():
    r = _run(PIPELINE, [_ev("A", 2, 2 ** 70, stage="x"), _ev("A", 3, 1, stage="x"),
                        _ev("B", 4, Decimal("19.99"), stage="x")], as_of="2026-11-30T00:00:00Z")
    (v,) = [v for v in r.verdicts]
    assert v.value == float(Fraction(2 ** 70 + 1) + Fraction("19.99")) and v.count == 3
    only_ints = _run(PIPELINE, [_ev("A", 2, 2 ** 70, stage="x"), _ev("A", 3, 1, stage="x")],
                     as_of="2026-11-30T00:00:00Z")
    assert only_ints.verdicts[0].value == 2 ** 70 + 1


def test_values_without_a_number_are_not_added_and_are_reported():
    events = [_ev("A", 2, 600, stage="x"), _ev("A", 3, "500", stage="x"), _ev("B", 4, stage="x"),
              _ev("B", 5, None, stage="x"), _ev("C", 6, True, stage="x"), _ev("C", 7, float("nan"), stage="x"),
              _ev("D", 8, "7", stage="x"), _ev("D", 9, [1], stage="x"), _ev("E", 10, float("inf"), stage="x")]
    r = _run(PIPELINE, events)
    nov = r.verdicts[0]
    assert (nov.value, nov.count, nov.status) == (600, 1, "breached")
    assert nov.reason == ("600 of at least 1,000 (`amount` of 1 event; 8 more without a number in `amount`, "
                          "not added) in 2026-11.")
    found = [(d.code, d.line, d.lead, d.severity) for d in r.diagnostics]
    # once per kind of value, at the first lead's first such event (positions are 1-based)
    assert found == [("SLA615", 2, "A", "warning"), ("SLA615", 3, "B", "warning"), ("SLA615", 4, "B", "warning"),
                     ("SLA615", 5, "C", "warning"), ("SLA615", 6, "C", "warning"), ("SLA615", 8, "D", "warning")]
    messages = [d.message for d in r.diagnostics]
    assert messages[0] == ("lead 'A': an event of type `deal` has `amount` \"500\" (text), so quota `pipeline` "
                           "did not add it; 2 leads have such an event")
    assert "has no `amount`" in messages[1] and "`amount` null" in messages[2]
    assert "(a boolean)" in messages[3] and "not finite" in messages[4] and "(a list)" in messages[5]


def test_an_event_the_trigger_or_segment_leaves_out_is_neither_added_nor_reported():
    text = HEAD + ("segment big = size >= 10\n"
                   "quota q { owner marketing; sum amount of deal where stage == \"won\" for big; at least 1 per month }\n")
    r = _run(text, [_ev("A", 2, "x", stage="lost", fields={"size": 50}), _ev("B", 3, None, stage="won"),
                    _ev("C", 4, 5, stage="won", fields={"size": 10})])
    assert _sums(r, "q")[0] == ("2026-11", "met", 5, 1)
    assert not r.diagnostics


def test_the_event_property_is_added_not_the_lead_field():
    r = _run(PIPELINE, [_ev("A", 2, 300, stage="x", fields={"amount": 999}), _ev("A", 3, stage="x")])
    assert r.verdicts[0].value == 300 and r.verdicts[0].count == 1


def test_at_most_is_breached_before_the_period_ends_and_negative_amounts_subtract():
    text = HEAD + "quota refunds { owner marketing; sum amount of deal; at most 100 per month }\n"
    r = _run(text, [_ev("A", 2, 150), _ev("A", 3, -60)], as_of="2026-11-20T00:00:00Z")
    assert _sums(r, "refunds") == [("2026-11", "pending", 90, 2)]
    r = _run(text, [_ev("A", 2, 150)], as_of="2026-11-20T00:00:00Z")
    assert _sums(r, "refunds") == [("2026-11", "breached", 150, 1)]
    assert r.verdicts[0].reason == "150, at most 100 allowed (`amount` of 1 event) in 2026-11 so far (the period has " \
                                   "not ended)."


def test_periods_are_the_agreements_zone():
    text = PIPELINE.replace('timezone "UTC"', 'timezone "America/Sao_Paulo"')
    r = _run(text, [{"lead": "A", "at": "2026-11-01T02:59:59Z", "type": "deal", "amount": 7, "stage": "x"},
                    {"lead": "A", "at": "2026-11-01T03:00:00Z", "type": "deal", "amount": 5, "stage": "x"}],
             as_of="2026-11-02T00:00:00Z")
    assert [(p, v) for p, _, v, _ in _sums(r)] == [("2026-10", 7), ("2026-11", 5)]


def test_by_assignee_and_by_field_give_each_group_its_sum():
    text = HEAD + ("quota reps { owner marketing; sum amount of deal; by assignee; at least 10 per month }\n"
                   "quota regions { owner marketing; sum amount of deal; by region; at least 10 per month }\n")
    r = _run(text, [{"lead": "A", "at": "2026-11-01T10:00:00Z", "type": "assigned", "owner": "ana"},
                    _ev("A", 2, 4, fields={"region": "BR"}), _ev("A", 3, 6.5),
                    _ev("B", 4, 3, fields={"region": "MX"}), _ev("C", 5, 2)],
             as_of="2026-11-30T00:00:00Z")
    reps = [(v.assignee, v.value, v.count, v.status) for v in r.verdicts if v.rule == "reps"]
    assert reps == [("ana", 10.5, 2, "met"), (None, 5, 2, "pending")]
    regions = [(v.group, v.value, v.count) for v in r.verdicts if v.rule == "regions"]
    assert regions == [({"region": "BR"}, 10.5, 2), ({"region": "MX"}, 3, 1), ({"region": None}, 2, 1)]


def test_case_963_per_rep_verdicts():
    """tests/cases/963-sum-by-assignee: every verdict of the per-rep quota, matched by period
    and rep (the shared runner matches aggregates by period only), through the command line."""
    case = CASES / "963-sum-by-assignee"
    expected = json.loads((case / "expected.json").read_text())
    out = subprocess.run([sys.executable, "-m", "slacode", "check", str(case / "agreement.sla"),
                          str(case / "events.jsonl"), "--as-of", expected["as_of"], "--format", "json"],
                         capture_output=True, text=True, check=True)
    wants = expected["grouped_verdicts"]
    got = [v for v in json.loads(out.stdout)["verdicts"] if v["rule"] == "booked_hours"]
    assert [(v["period"], v["assignee"]) for v in got] == [(w["period"], w["assignee"]) for w in wants]
    for w, g in zip(wants, got):
        assert {k: g[k] for k in w} == w


def test_case_961_bits():
    """tests/cases/961-sum-floats-exact: the runner compares to 1e-6; these are the bits."""
    case = CASES / "961-sum-floats-exact"
    agreement = slacode.load(case / "agreement.sla")
    events = [json.loads(line) for line in (case / "events.jsonl").read_text().splitlines()]
    expected = json.loads((case / "expected.json").read_text())
    got = [v.value for v in agreement.evaluate(events, as_of=expected["as_of"]).verdicts]
    assert [repr(v) for v in got] == ["0.6", "1.0", "2.5"]


# ------------------------------------------------------------------------- outputs

@pytest.fixture()
def files(tmp_path):
    spec = tmp_path / "a.sla"
    spec.write_text(PIPELINE + "quota deals { owner marketing; count deal; at least 1 per month }\n")
    rnd = random.Random(3)
    lines = []
    for i in range(400):
        amount = rnd.choice([rnd.randint(-50, 900), round(rnd.uniform(0, 500), 2), rnd.random() / 7, None, "12"])
        e = {"lead": f"L{i % 97}", "at": f"2026-{rnd.randint(9, 11):02d}-{rnd.randint(1, 28):02d}T"
             f"{rnd.randint(0, 23):02d}:00:00Z", "type": "deal", "stage": "x"}
        if amount is not None:
            e["amount"] = amount
        lines.append(json.dumps(e))
    events = tmp_path / "e.jsonl"
    events.write_text("\n".join(lines) + "\n")
    return spec, events


@pytest.mark.skipif(not parallel.can_fork(), reason="parallel evaluation needs fork")
@pytest.mark.parametrize("fmt", ["json", "csv"])
def test_check_output_is_byte_identical_for_any_job_count(files, capsys, monkeypatch, fmt):
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 0)
    monkeypatch.setattr(parallel, "MIN_PARALLEL_RECORDS", 0)
    spec, events = files
    outs = []
    for jobs in ("1", "2", "3"):
        code = main(["check", str(spec), str(events), "--as-of", "2026-12-01T00:00:00Z", "--format", fmt,
                     "--jobs", jobs])
        outs.append((code, capsys.readouterr().out))
    assert outs[0][0] in (0, 1) and outs[1] == outs[0] and outs[2] == outs[0]
    if fmt == "json":
        doc = json.loads(outs[0][1])
        sums = [v for v in doc["verdicts"] if v["clause"] == "sum"]
        assert len(sums) == 4 and any(isinstance(v["value"], float) for v in sums)
        assert problems(validator("verdicts"), doc) == []
        assert [d["code"] for d in doc["diagnostics"]] == ["SLA615", "SLA615"]
    else:
        head, *rows = outs[0][1].splitlines()
        assert head.split(",")[-1] == "count"
        assert rows[0].startswith(",pipeline,sum,,2026-09,")
        assert [r.split(",")[-1] for r in rows if ",deals,count," in r] == ["", "", "", ""]


def test_the_schema_refuses_a_sum_verdict_without_its_count():
    r = _run(PIPELINE, [_ev("A", 2, 600, stage="x")])
    v = validator("verdicts", "/$defs/verdict")
    d = r.verdicts[0].to_dict()
    assert problems(v, d) == []
    assert problems(v, {k: x for k, x in d.items() if k != "count"})
    counted = _run(HEAD + "quota q { owner marketing; count deal; at least 1 per month }\n", [_ev("A", 2)])
    c = counted.verdicts[0].to_dict()
    assert "count" not in c and problems(v, c) == [] and problems(v, dict(c, count=1))


def test_report_text_and_html_show_amounts(files, capsys, tmp_path):
    spec, events = files
    assert main(["report", str(spec), str(events), "--as-of", "2026-12-01T00:00:00Z"]) == 0
    out = capsys.readouterr().out
    assert "or their sum" in out and ">= 1,000" in out
    html = tmp_path / "r.html"
    assert main(["report", str(spec), str(events), "--as-of", "2026-12-01T00:00:00Z", "--html", str(html)]) == 0
    assert "at least 1,000 of amount per month" in html.read_text()


def test_diff_says_what_a_quota_now_measures():
    old = slacode.loads(HEAD + "quota q { owner marketing; count deal; at least 1 per month }\n")
    new = slacode.loads(HEAD + "quota q { owner marketing; sum amount of deal; at least 1 per month }\n")
    other = slacode.loads(HEAD + "quota q { owner marketing; sum value of deal or won; at least 1 per month }\n")

    def said(a, b):
        return [c.message for c in semantic_diff(a, b) if c.kind != "restated"]

    assert said(old, new) == ["now adds up `amount` of its events instead of counting them"]
    assert said(new, old) == ["now counts its events instead of adding up `amount`"]
    assert said(new, other) == ["now adds up `value`, not `amount`", "now also adds up `value` of `won`"]
    assert said(new, new) == []


# ------------------------------------------------------------------------- property

_AMOUNTS = st.one_of(st.integers(-10 ** 6, 10 ** 6), st.integers(-2 ** 80, 2 ** 80),
                     st.floats(allow_nan=False, allow_infinity=False, width=64, min_value=-1e12, max_value=1e12),
                     st.sampled_from([None, "5", True, ...]))
_EVENT = st.tuples(st.sampled_from("ABCDE"), st.integers(0, 89), st.sampled_from(["deal", "deal", "note"]),
                   st.sampled_from(["new", "test"]), _AMOUNTS)


def _independent(events) -> dict:
    """Per month: the exact sum of the numbers of the matching events, its count, and
    whether a float was among them (nothing shared with slacode's code)."""
    out: dict = {}
    for lead, day, type_, stage, amount in events:
        if type_ != "deal" or stage == "test":
            continue
        month = ("2026-09", "2026-10", "2026-11")[day // 30]
        row = out.setdefault(month, [Fraction(0), 0, False])
        if type(amount) in (int, float):
            row[0] += Fraction(repr(amount)) if type(amount) is float else amount   # the decimal written
            row[1] += 1
            row[2] |= type(amount) is float
    return out


def _objects(events) -> list[dict]:
    out = []
    for lead, day, type_, stage, amount in events:
        month, dom = 9 + day // 30, 1 + day % 30
        e = {"lead": lead, "at": f"2026-{month:02d}-{dom:02d}T10:00:00Z", "type": type_, "stage": stage}
        if amount is not ...:
            e["amount"] = amount
        out.append(e)
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(_EVENT, min_size=1, max_size=40), st.randoms(use_true_random=False))
def test_the_sum_is_the_exact_sum_of_the_matching_values_in_any_order(events, rnd):
    agreement = slacode.loads(PIPELINE)
    objects = _objects(events)
    result = agreement.evaluate(objects, as_of="2026-11-30T23:00:00Z")
    want = _independent(events)
    for v in result.verdicts:
        total, count, floats = want.get(v.period, (Fraction(0), 0, False))
        assert v.count == count
        assert v.value == (float(total) if floats else total)
        assert type(v.value) is (float if floats else int)
    # any order of the leads (each lead's events kept in their order): the same output
    by_lead: dict = {}
    for e in objects:
        by_lead.setdefault(e["lead"], []).append(e)
    leads = list(by_lead)
    rnd.shuffle(leads)
    shuffled = [e for lead in leads for e in by_lead[lead]]
    again = agreement.evaluate(shuffled, as_of="2026-11-30T23:00:00Z")
    assert [v.to_dict() for v in again.verdicts if v.lead is None] == \
        [v.to_dict() for v in result.verdicts if v.lead is None]


def test_a_property_that_is_a_lead_field_elsewhere_gets_an_info():
    text = HEAD + "segment big = amount > 5\nquota q { owner marketing; sum amount of deal for big; at least 1 per day }\n"
    (d,) = [d for d in slacode.lint(text) if d.code == "SLA326"]
    assert (d.line, d.column, d.severity) == (3, 32, "info")
    assert "quota `q` adds up the matching events' own property `amount`" in d.message
    given_in_a_test = text + ('test "t" {\n  as of 2026-11-02T00:00:00Z\n'
                              '  at 2026-11-01T10:00:00Z deal with amount = 9 set amount = 9\n'
                              '  expect q period "2026-11-01" met\n}\n')
    assert not [d for d in slacode.lint(given_in_a_test) if d.code == "SLA326"]


def test_report_and_diff_json_validate_with_sum_quotas(files, capsys, tmp_path):
    spec, events = files
    assert main(["report", str(spec), str(events), "--as-of", "2026-12-01T00:00:00Z", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [v["clause"] for v in doc["quotas"]].count("sum") == 4
    assert problems(validator("report"), doc) == []
    old = tmp_path / "old.sla"
    old.write_text(spec.read_text().replace("sum amount of deal", "count deal"))
    code = main(["diff", str(old), str(spec), "--events", str(events), "--as-of", "2026-12-01T00:00:00Z",
                 "--format", "json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 1 and problems(validator("diff"), out) == []
    assert "now adds up `amount` of its events instead of counting them" in json.dumps(out)


# ------------------------------------------------------------- review 17b fixes

BIG = HEAD + """
quota wei {
  owner marketing
  sum amount of deal
  at least 1 per month
}

let big = 999_999_999_999_999 * 100_000

quota deals {
  owner marketing
  count deal
  at most big per month
}
"""


@pytest.fixture()
def big_files(tmp_path):
    spec = tmp_path / "big.sla"
    spec.write_text(BIG)
    events = tmp_path / "e.jsonl"
    events.write_text("".join(json.dumps(_ev(lead, 2, 9_000_000_000_000_000_000)) + "\n" for lead in "ABC"))
    return spec, events


@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "table"])
def test_sums_and_goals_beyond_64_bits_are_written_exactly(big_files, capsys, monkeypatch, fmt):
    spec, events = big_files
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 0)
    monkeypatch.setattr(parallel, "MIN_PARALLEL_RECORDS", 0)
    outs = []
    for jobs in ("1", "2") if parallel.can_fork() else ("1",):
        code = main(["check", str(spec), str(events), "--as-of", "2026-12-01T00:00:00Z", "--format", fmt,
                     "--jobs", jobs])
        outs.append((code, capsys.readouterr().out))
    assert outs[0][0] == 0 and all(o == outs[0] for o in outs)
    out = outs[0][1]
    assert "27000000000000000000" in out or "27,000,000,000,000,000,000" in out
    if fmt == "json":
        doc = json.loads(out)
        wei, deals = [v for v in doc["verdicts"] if v["lead"] is None and v["period"] == "2026-11"]
        assert wei["value"] == 27 * 10 ** 18 and type(wei["value"]) is int
        assert deals["threshold"] == 99_999_999_999_999_900_000 and deals["value"] == 3
        assert problems(validator("verdicts"), doc) == []
    if fmt == "csv":
        assert ",wei,sum,,2026-11,met,marketing,,,,,,,,,27000000000000000000,1," in out
        assert ",99999999999999900000," in out


def test_report_json_writes_sums_beyond_64_bits(big_files, capsys):
    spec, events = big_files
    assert main(["report", str(spec), str(events), "--as-of", "2026-12-01T00:00:00Z", "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert 27 * 10 ** 18 in [v["value"] for v in doc["quotas"]]
    assert problems(validator("report"), doc) == []


def _quota(goal, bound="at most", prop="amount"):
    return HEAD + f"quota pipeline {{ owner marketing; sum {prop} of deal; {bound} {goal} per month }}\n"


def test_amounts_and_goals_are_decimals():
    r = _run(_quota("0.3"), [_ev("A", 2, 0.1), _ev("B", 3, 0.2)])
    assert _sums(r)[:1] == [("2026-11", "met", 0.3, 2)]
    assert r.verdicts[0].reason.startswith("0.3, at most 0.3 allowed")
    r = _run(_quota("0.8", "at least"), [_ev("A", 2, 0.7), _ev("B", 3, 0.1)])
    assert _sums(r)[:1] == [("2026-11", "met", 0.8, 2)]
    r = _run(_quota("0.3"), [_ev("A", 2, Decimal("0.1")), _ev("B", 3, Decimal("0.2"))])
    assert _sums(r)[:1] == [("2026-11", "met", 0.3, 2)]
    # the status is judged on the exact sum; the value written is its nearest float
    r = _run(_quota("1", "at least"), [_ev("A", 2, 1), _ev("B", 3, -1e-17)])
    assert _sums(r)[:1] == [("2026-11", "breached", 1.0, 2)]


def test_let_goals_are_computed_exactly():
    text = HEAD + """
let share = 0.1
let per_rep = 1_000 / 3
quota tenth { owner marketing; sum amount of deal; at least share * 3 per month }
quota all { owner marketing; sum amount of deal; at most per_rep * 3 per month }
quota huge { owner marketing; count deal; at most 999_999_999_999_999 * 1000 per month }
"""
    r = _run(text, [_ev("A", 2, 0.1), _ev("B", 3, 0.2), _ev("C", 4, 999.7)])
    tenth, every, huge = [v for v in r.verdicts if v.lead is None and v.period == "2026-11"]
    assert (tenth.threshold, tenth.status) == (0.3, "met") and "of at least 0.3 " in tenth.reason
    assert (every.threshold, every.value, every.status) == (1000, 1000.0, "met")
    assert huge.threshold == 999_999_999_999_999_000 and type(huge.threshold) is int


def test_a_sum_past_the_largest_float_is_written_as_the_whole_number_it_is():
    r = _run(_quota("1"), [_ev("A", 2, 1.7e308), _ev("B", 3, 1.7e308), _ev("C", 4, Decimal("1E+400"))])
    (v,) = [v for v in r.verdicts if v.lead is None and v.period == "2026-11"]
    assert v.value == 34 * 10 ** 307 + 10 ** 400 and v.status == "breached"
    assert problems(validator("verdicts", "/$defs/verdict"), v.to_dict()) == []
    assert not r.diagnostics                             # (Decimal("1E+400") is a finite number)


def _check_json(spec, events, capsys) -> dict:
    main(["check", str(spec), str(events), "--as-of", "2026-12-01T00:00:00Z", "--format", "json"])
    return json.loads(capsys.readouterr().out)


def test_json_lines_ints_beyond_64_bits_are_reported_not_silently_rounded(tmp_path, capsys):
    spec = tmp_path / "a.sla"
    spec.write_text(_quota("1", "at least"))
    jsonl = tmp_path / "e.jsonl"
    jsonl.write_text('{"lead":"A","at":"2026-11-02T12:00:00Z","type":"deal","amount":1}\n'
                     '{"lead":"B","at":"2026-11-02T12:00:00Z","type":"deal","amount":18446744073709551616}\n')
    doc = _check_json(spec, jsonl, capsys)
    (d,) = doc["diagnostics"]
    assert (d["code"], d["line"], d["lead"]) == ("SLA615", 2, "B") and d["file"].endswith("e.jsonl")
    assert "beyond 64 bits read as a float" in d["message"] and "CSV" in d["hint"]
    csv_file = tmp_path / "e.csv"
    csv_file.write_text("lead,at,type,amount\nA,2026-11-02T12:00:00Z,deal,1\nB,2026-11-02T12:00:00Z,deal,"
                        "18446744073709551616\n")
    doc = _check_json(spec, csv_file, capsys)
    assert doc["diagnostics"] == [] and doc["verdicts"][0]["value"] == 2 ** 64 + 1


def test_sla615_tells_lists_objects_and_amounts_in_fields_apart():
    r = _run(_quota("1", "at least"), [_ev("A", 2, [1]), _ev("B", 2, {"value": 5}),
                                       _ev("C", 2, fields={"amount": 5})])
    found = {d.lead: d for d in r.diagnostics}
    assert "(a list)" in found["A"].message and "(an object)" in found["B"].message
    assert "currency" in found["B"].hint
    assert "only in `fields`" in found["C"].message and "beside `type`" in found["C"].hint


def test_a_sum_of_a_breach_or_of_an_events_own_key_is_an_error():
    text = HEAD + """
deadline first_touch { owner marketing; start on assigned; stop on contact_attempt; within 4h }
quota lost { owner marketing; sum amount of breach of first_touch; at most 1 per day }
quota ids { owner marketing; sum id of deal; at least 1 per day }
"""
    found = [(d.code, d.line, d.severity) for d in slacode.lint(text) if d.code in ("SLA360", "SLA361")]
    assert found == [("SLA360", 4, "error"), ("SLA361", 5, "error")]


@pytest.mark.parametrize("line, message, hint", [
    ("sum of deal", "`sum` needs the name of the property to add up", "`sum amount of deal`"),
    ("sum of amount of deal", "`sum` needs the name of the property to add up", "`sum amount of deal`"),
    ("sum demo-hours of deal", "expected `of`", "backquotes: sum `demo-hours` of"),
    ("sum fields.amount of deal", "expected `of`", "top-level property"),
])
def test_likely_mistakes_in_a_sum_line_get_a_message_that_says_what_to_do(line, message, hint):
    text = HEAD + f"quota q {{\n  owner marketing\n  {line}\n  at least 5 per day\n}}\n"
    d = slacode.lint(text)[0]
    assert d.code == "SLA101" and d.line == 4 and message in d.message and hint in d.hint


def test_a_percent_goal_in_a_quota_hints_at_a_target():
    text = HEAD + "quota q {\n  owner marketing\n  count deal\n  at least 95% per day\n}\n"
    d = slacode.lint(text)[0]
    assert d.line == 5 and "`target`" in d.hint


def test_many_amounts_add_up_to_the_exact_sum_of_their_decimals():
    """Each amount is added as the decimal it is written as (its cost is measured in
    docs/performance.md, not here: no timed unit tests)."""
    from slacode.aggregate import Sum

    rnd = random.Random(1)
    values = [rnd.uniform(0, 1e6) for _ in range(20_000)]
    s = Sum()
    for v in values:
        s.add(v)
    assert s.value() == float(sum(Fraction(repr(v)) for v in values))


def test_a_float_sum_past_the_largest_float_is_written_in_every_format(tmp_path, capsys):
    """(review 17c P1) The exact whole number such a sum is written as is read back, for
    the table and CSV, as the JSON it is: orjson cannot read it."""
    spec, events = tmp_path / "q.sla", tmp_path / "e.jsonl"
    spec.write_text(_quota("1"))
    events.write_text("".join(json.dumps(_ev(lead, 2, 1.5e308)) + "\n" for lead in "AB"))
    digits = str(3 * 10 ** 308)
    for fmt in ("csv", "table", "jsonl", "json"):
        assert main(["check", str(spec), str(events), "--as-of", "2026-12-01T00:00:00Z", "--format", fmt]) == 0
        assert digits in capsys.readouterr().out.replace(",", "")


def test_a_group_beyond_64_bits_is_the_same_in_every_format(tmp_path, capsys):
    """(review 17c P4) A `by FIELD` group holding a big integer keeps its digits in CSV."""
    spec, events = tmp_path / "q.sla", tmp_path / "e.csv"          # (CSV reads big ints exactly)
    spec.write_text(HEAD + "quota q { owner marketing; count deal; by acct; at least 1 per month }\n")
    big = 123456789012345678901234
    events.write_text(f"lead,at,type,fields.acct\nA,2026-11-02T10:00:00Z,deal,{big}\n")
    assert main(["check", str(spec), str(events), "--as-of", "2026-12-01T00:00:00Z", "--format", "csv"]) == 0
    out = capsys.readouterr().out
    assert f'{{""acct"":{big}}}' in out and "e+23" not in out


def test_diff_and_lint_work_out_goals_exactly_as_the_plan_does():
    """(review 17c P2, P3) `diff` and SLA312 compare the goals `check` uses, exactly."""
    lets = HEAD + "let a = 999_999_999_999_999\nlet tenth = 0.1\n"
    old = lets + "quota q { owner marketing; count deal; at most a * 100_000 per month }\n"
    new = old.replace("a * 100_000", "a * 100_000 + 1")
    (change,) = [c for c in semantic_diff(slacode.loads(old), slacode.loads(new)) if c.subject == "q"]
    assert change.message == "loosened from at most 99999999999999900000 to at most 99999999999999900001"
    plain = lets + "quota s { owner marketing; sum amount of deal; at most 0.3 per month }\n"
    same = plain.replace("at most 0.3", "at most tenth * 3")
    assert [c for c in semantic_diff(slacode.loads(plain), slacode.loads(same)) if c.kind == "changed"
            and c.subject == "s"] == []
    whole = lets + "quota c { owner marketing; count deal; at least tenth * 30 per month }\n"
    assert [d.code for d in slacode.lint(whole) if d.severity == "error"] == []
    half = lets + "quota c { owner marketing; count deal; at most a * 10 + 0.5 per month }\n"
    (d,) = [d for d in slacode.lint(half) if d.code == "SLA312"]
    assert d.message == "a quota of 9999999999999990.5 events is not a whole number"


def test_fmt_keeps_digit_separators_in_a_decimal_goal_as_in_an_integer():
    from slacode.fmt import format as format_text

    text = _quota("1_000.50", "at least") + "quota n { owner marketing; count deal; at least 1_000 per day }\n"
    out = format_text(text)
    assert "at least 1_000.50 per month" in out and "at least 1_000 per day" in out
    assert format_text(out) == out


def test_the_html_chart_hangs_a_negative_sum_below_zero_and_draws_a_huge_one():
    import re

    from slacode.report.html import quota_chart

    r = _run(_quota("100", "at least"), [_ev("A", 2, 50), _ev("B", 2, 60, month=10), _ev("C", 3, -80, month=10),
                                         _ev("D", 2, 10 ** 400, month=12)], as_of="2026-12-20T00:00:00Z")
    vs = [v for v in r.verdicts if v.lead is None]
    assert [v.value for v in vs] == [-20, 50, 10 ** 400]
    svg = quota_chart(vs[:2], 100, "least", "month", r.as_of)
    (zero,) = re.findall(r'<line class="grid" x1="\S+" x2="\S+" y1="([\d.]+)"', svg)
    (neg_y, _), (pos_y, pos_h) = [(float(y), float(h)) for y, h in re.findall(r'<rect x="\S+" y="([\d.-]+)" '
                                                                             r'width="\S+" height="([\d.]+)"', svg)]
    assert neg_y == float(zero) and abs(pos_y + pos_h - float(zero)) < 0.11
    assert "10,000,000" in quota_chart(vs, 100, "least", "month", r.as_of)
