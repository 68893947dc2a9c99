"""`slacode changes`: the transitions in (T0, T1], checked against judging at T0 and at T1."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st

import slacode
from slacode.report.changes import changes

SPEC = """
agreement "c" {
  version "1"
  timezone "UTC"
  teams sales, mgmt
}
calendar office {
  timezone "UTC"
  hours mon-fri 09:00-17:00
}
states {
  new
  hold
  done final
}
flow {
  new -> hold, done
  hold -> new, done
}
deadline ft {
  owner sales
  start on assigned
  stop on contact_attempt
  cancel on dropped
  breach on rejected
  pause while state == hold
  within 2h on office
  warn at 50%
}
deadline boss {
  owner mgmt
  start on breach of ft
  stop on reassigned
  within 1h on office
}
attempts fu {
  owner sales
  start on assigned
  stop on won
  cancel on dropped
  count contact_attempt
  at least 2 within 4h on office
  warn at 50%
  gap at least 30m
}
handoff ho {
  owner sales
  start on enter new
  stop on assigned
  within 1h on office
  require email
}
target t {
  owner sales
  rule ft
  at least 80% met per day
}
quota q {
  owner sales
  count assigned
  at least 2 per day
}
quota qm {
  owner sales
  count contact_attempt
  at most 2 per day
}
quota qs {
  owner mgmt
  sum amount of paid
  at least 5 per day
}
"""
AGREEMENT = slacode.loads(SPEC)
BASE = datetime(2026, 1, 5, 8, 0, tzinfo=timezone.utc)      # a Monday, before the office opens
KINDS = ["assigned", "contact_attempt", "dropped", "rejected", "won", "reassigned", "new", "hold", "unhold", "done",
         "lost", "paid", "refund"]
#: the transitions a change of status between T0 and T1 shows, and the status it ends in
STATUS_OF = {"met": "met", "breached": "breached", "cancelled": "cancelled"}


def _event(lead: str, minutes: int, kind: str) -> dict:
    at = (BASE + timedelta(minutes=minutes)).isoformat()
    if kind in ("new", "hold", "done", "lost"):          # (`lost`: a state the agreement does not declare)
        return {"lead": lead, "at": at, "type": "state", "state": kind}
    if kind in ("paid", "refund"):                          # a sum that can fall back below its goal
        return {"lead": lead, "at": at, "type": "paid", "amount": 3 if kind == "paid" else -4}
    if kind == "unhold":
        return {"lead": lead, "at": at, "type": "state", "state": "new"}
    if kind == "new_email":
        return {"lead": lead, "at": at, "type": "state", "state": "new", "fields": {"email": "a@b.c"}}
    return {"lead": lead, "at": at, "type": kind}


def _statuses(events: list, as_of: datetime) -> dict:
    result = AGREEMENT.evaluate(events, as_of=as_of, aggregates=False)
    return {(v.lead, v.rule, v.clause, v.cycle): v.status for v in result.verdicts if v.rule != "flow"}


#: events, and the windows' ends, on a half-hour grid (the calendar's hours and the clocks'
#: targets and warnings are whole hours): instants coincide often, as a deadline with a
#: run's T0, and no status changes between two steps of the grid
GRID = 30
histories = st.lists(st.tuples(st.sampled_from(["A", "B"]), st.integers(0, 2 * 30).map(lambda n: n * GRID),
                               st.sampled_from(KINDS + ["new_email"])), max_size=12)
instants = st.integers(0, 2 * 36).map(lambda n: n * GRID)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories, instants, instants)
@example(history=[("A", 450, "assigned"), ("A", 540, "hold"), ("A", 570, "new")], a=540, b=570)
def test_transitions_agree_with_judging_twice(history, a, b):
    """For each status-changing transition: listed in (T0, T1] exactly when the verdict's
    status as of T0 and as of T1 say it happened (a warning: pending or paused, then at risk)."""
    events = [_event(lead, m, kind) for lead, m, kind in history]
    t0, t1 = BASE + timedelta(minutes=min(a, b)), BASE + timedelta(minutes=max(a, b))
    before, after = _statuses(events, t0), _statuses(events, t1)
    listed = changes(AGREEMENT, events, since=t0, as_of=t1)
    got = {(c.lead, c.rule, c.clause, c.cycle, c.transition) for c in listed if c.lead is not None}
    for key, status in after.items():
        was = before.get(key)
        for transition, end in STATUS_OF.items():
            expected = status == end and was != end
            assert ((*key, transition) in got) == expected, (key, transition, was, status, listed)
        # (paused then at risk says no warning in between: the clock may have passed its warning
        # before the pause, and be at risk again when it resumes)
        if key[2] in ("within", "at_least_within") and status == "at_risk" and was in (None, "pending"):
            assert (*key, "warned") in got, (key, was, status)
        if (*key, "warned") in got:
            assert was in (None, "pending", "paused"), (key, was, status)
    cycles_after = {(k[0], k[1], k[3]) for k in after}
    cycles_before = {(k[0], k[1], k[3]) for k in before}
    opened = {(c.lead, c.rule, c.cycle) for c in listed if c.transition == "opened"}
    assert opened == cycles_after - cycles_before
    for c in listed:
        assert t0 <= datetime.fromisoformat(c.to_dict()["at"]) <= t1
    assert [c.sort_key() for c in listed] == sorted(c.sort_key() for c in listed)
    assert len({c.key for c in listed}) == len(listed)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories, instants, instants, instants)
@example(history=[("A", 450, "assigned")], a=0, b=1500, c=1560)        # a target's period decided after its end
@example(history=[("A", 0, "new"), ("A", 60, "done"), ("A", 90, "lost")], a=0, b=60, c=120)    # the flow
@example(history=[("A", 60, "assigned"), ("B", 120, "assigned"), ("A", 150, "contact_attempt"),
                  ("B", 150, "contact_attempt"), ("B", 180, "contact_attempt")], a=0, b=150, c=300)  # quotas
def test_consecutive_windows_list_each_transition_once(history, a, b, c):
    """Runs over (T0, T1] and (T1, T2] list what one run over (T0, T2] lists, each once
    (the exactly-once recipe), once every event is in."""
    events = [_event(lead, m, kind) for lead, m, kind in history]
    t0, t1, t2 = (BASE + timedelta(minutes=m) for m in sorted((a, b, c)))
    whole = changes(AGREEMENT, events, since=t0, as_of=t2)
    split = changes(AGREEMENT, events, since=t0, as_of=t1) + changes(AGREEMENT, events, since=t1, as_of=t2)
    # (a transition of a cycle still open at T1 that ends before T2 is listed with the
    # status of each run's T1: compare what happened, not the status it left): the flow's,
    # the quotas' met mid-period and the targets' periods decided after their end included
    def kept(items):
        return sorted((x.key, x.at) for x in items)

    assert kept(split) == kept(whole)
    assert len({x.key for x in split}) == len(split)


#: the aggregates' transitions a status change shows: a quota's goal reached (`at least`) or
#: exceeded (`at most`) mid-period
REACHED = {"q": "met", "qs": "met", "qm": "breached"}


def _all_statuses(events: list, as_of: datetime) -> dict:
    """Every verdict's status as of ``as_of`` (the flow's and the aggregates' too), and for
    each target's or quota's period whether it is decided then (ended, met or breached)."""
    result = AGREEMENT.evaluate(events, as_of=as_of)
    out = {}
    for v in result.verdicts:
        if v.lead is None:
            settled = v.status in ("met", "breached") and v.due_at <= _us(as_of)
            out[(None, v.rule, v.clause, v.period)] = (v.status, settled)
        else:
            out[(v.lead, v.rule, v.clause, v.cycle)] = (v.status, None)
    return out


def _us(when: datetime) -> int:
    return int(when.timestamp()) * 1_000_000


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories, st.lists(instants, min_size=2, max_size=5))
@example(history=[("A", 450, "assigned")], ends=[0, 1530, 1560])           # a day's ft cycle decided the next day
@example(history=[("A", 0, "new"), ("A", 60, "done"), ("A", 90, "hold")], ends=[0, 120])       # met, then breached
@example(history=[("A", 60, "paid"), ("B", 90, "paid"), ("A", 120, "refund"), ("B", 150, "paid"), ("B", 180, "paid")],
         ends=[0, 240])                                                  # a sum reaches its goal, falls back, again
def test_status_changes_are_listed_when_they_first_happen(history, ends):
    """Judged at every grid step from the first instant: each `met`, `breached`, `cancelled`
    (the flow's and the quotas' mid-period `met` / `breached` too) and `decided` is listed
    by the window that holds the first step at which it holds (a target's period: decided
    after its end when a cycle was still open then), in windows that follow each other."""
    events = [_event(lead, m, kind) for lead, m, kind in history]
    last = max(ends)
    steps = [_all_statuses(events, BASE + timedelta(minutes=m)) for m in range(0, last + GRID, GRID)]
    first: dict = {}                                # (key, transition) -> the first step it holds
    for k in range(1, len(steps)):
        for key, (status, settled) in steps[k].items():
            was, was_settled = steps[k - 1].get(key, (None, None))
            if key[0] is None:
                if settled and not was_settled:
                    first.setdefault((key, "decided"), k)
                reached = REACHED.get(key[1])
                if reached is not None and status == reached and was != reached:
                    first.setdefault((key, reached), k)
            elif status in ("met", "breached", "cancelled") and was != status:
                first.setdefault((key, status), k)
    cuts = sorted(set(ends))
    listed: set = set()
    for a, b in zip(cuts, cuts[1:]):
        got = changes(AGREEMENT, events, since=BASE + timedelta(minutes=a), as_of=BASE + timedelta(minutes=b))
        mine = {((c.lead, c.rule, c.clause, c.period if c.lead is None else c.cycle), c.transition) for c in got
                if c.transition in ("met", "breached", "cancelled", "decided")}
        expected = {what for what, k in first.items() if a < k * GRID <= b}
        assert mine == expected, (a, b, mine ^ expected)
        assert not listed & mine
        listed |= mine


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(histories, instants, st.integers(1, 16).map(lambda n: n * GRID))
def test_warnings_agree_with_judging_at_every_step(history, a, span):
    """`warned` is listed exactly for the clocks that were not yet at risk (nor decided) as
    of T0 and were at risk as of some instant of the window: judged at every grid step (no
    status changes between two steps, every instant being on the grid)."""
    events = [_event(lead, m, kind) for lead, m, kind in history]
    t0 = BASE + timedelta(minutes=a)
    t1 = t0 + timedelta(minutes=span)
    before = _statuses(events, t0)
    risky: set = set()
    step = t0
    while step < t1:
        step += timedelta(minutes=GRID)
        risky.update(k for k, status in _statuses(events, step).items() if status == "at_risk")
    expected = {k for k in risky if before.get(k) in (None, "pending", "paused")}
    got = {(c.lead, c.rule, c.clause, c.cycle) for c in changes(AGREEMENT, events, since=t0, as_of=t1)
           if c.transition == "warned"}
    assert got == expected


def _at(hhmm: str) -> str:
    return f"2026-01-05T{hhmm}:00Z"


def _lead(*items) -> list:
    return [{"lead": "L", "at": _at(t), "type": k} if k not in ("new", "hold") else
            {"lead": "L", "at": _at(t), "type": "state", "state": k} for t, k in items]


def _listed(events, since, as_of):
    return [(c.to_dict()["at"][11:16], c.transition, c.rule, c.clause) for c in
            changes(AGREEMENT, events, since=_at(since), as_of=_at(as_of))]


def test_hand_cases():
    late = _lead(("09:00", "assigned"), ("12:00", "contact_attempt"))
    assert _listed(late, "08:00", "13:00") == [
        ("09:00", "opened", "ft", None), ("09:00", "opened", "fu", None),
        ("10:00", "warned", "ft", "within"), ("11:00", "opened", "boss", None),     # (by at, then key)
        ("11:00", "breached", "ft", "within"), ("11:00", "warned", "fu", "at_least_within"),
        ("12:00", "breached", "boss", "within"), ("12:00", "completed_late", "ft", "within")]
    # a deadline's breach happens just after it: in the window that starts at it
    assert ("11:00", "breached", "ft", "within") not in _listed(late, "08:00", "11:00")
    assert ("11:00", "breached", "ft", "within") in _listed(late, "11:00", "11:30")
    # `breach on`: the event's instant; a cancel's too
    assert ("09:30", "breached", "ft", "within") in _listed(_lead(("09:00", "assigned"), ("09:30", "rejected")),
                                                            "09:10", "09:30")
    assert ("09:20", "cancelled", "ft", "within") in _listed(_lead(("09:00", "assigned"), ("09:20", "dropped")),
                                                             "09:10", "09:30")
    # a pause holds the warning until the clock runs again
    held = _lead(("09:00", "new"), ("09:00", "assigned"), ("09:30", "hold"), ("10:30", "new"))
    assert ("11:00", "warned", "ft", "within") in _listed(held, "09:00", "11:30")


def test_breach_escalates_to_the_rule_it_starts():
    got = changes(AGREEMENT, _lead(("09:00", "assigned")), since=_at("10:30"), as_of=_at("12:00"))
    breach = next(c for c in got if c.transition == "breached" and c.rule == "ft")
    assert breach.escalates_to == ("boss",)
    assert json.loads(breach.key) == ["L", "ft", "within", 1, "breached", None]


def test_decided_periods():
    events = _lead(("09:00", "assigned"), ("09:10", "contact_attempt"))
    got = changes(AGREEMENT, events, since="2026-01-05T20:00:00Z", as_of="2026-01-06T01:00:00Z")
    decided = {(c.rule, c.period, c.status) for c in got if c.transition == "decided"}
    assert decided == {("t", "2026-01-05", "met"), ("q", "2026-01-05", "breached"), ("qm", "2026-01-05", "met"),
                       ("qs", "2026-01-05", "breached")}
    assert not [c for c in changes(AGREEMENT, events, since="2026-01-06T00:00:00Z", as_of="2026-01-06T01:00:00Z")
                if c.transition == "decided"]


def test_since_after_as_of_is_refused():
    with pytest.raises(ValueError, match="since"):
        changes(AGREEMENT, [], since=_at("10:00"), as_of=_at("09:00"))


# ---------------------------------------------------------------------------- the command

def _run(*args):
    import subprocess
    import sys

    from tests.conftest import ROOT

    return subprocess.run([sys.executable, "-m", "slacode", "changes", *map(str, args)], capture_output=True,
                          text=True, cwd=ROOT)


NORTHWIND = ("specs/northwind.sla", "specs/events.jsonl")


def test_the_command_lists_the_library_s_changes_and_its_json_fits_the_schema():
    from jsonschema import Draft202012Validator

    from slacode.schemas import load_schema
    from tests.conftest import ROOT

    since, as_of = "2026-11-10T08:00:00-03:00", "2026-11-10T12:00:00-03:00"
    proc = _run(*NORTHWIND, "--since", since, "--as-of", as_of, "--format", "json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    Draft202012Validator(load_schema("changes")).validate(doc)
    agreement = slacode.load(ROOT / NORTHWIND[0])
    batch = slacode.read_events(ROOT / NORTHWIND[1])
    want = [c.to_dict() for c in changes(agreement, batch, since=since, as_of=as_of)]
    assert doc["changes"] == want and len(want) > 5
    assert {c["transition"] for c in want} >= {"opened", "warned", "met", "breached"}
    lines = _run(*NORTHWIND, "--since", since, "--as-of", as_of, "--format", "jsonl").stdout.splitlines()
    assert [json.loads(line) for line in lines] == want
    assert doc["since"] == since and doc["as_of"] == as_of


def test_rule_owner_and_csv():
    since, as_of = "2026-11-10T08:00:00-03:00", "2026-11-10T12:00:00-03:00"
    rows = _run(*NORTHWIND, "--since", since, "--as-of", as_of, "--rule", "first_touch", "--format", "csv").stdout
    head, *body = rows.splitlines()
    assert head.startswith("at,transition,lead,rule,") and body
    assert all(",first_touch," in line for line in body)
    owned = _run(*NORTHWIND, "--since", "2026-11-30T12:00:00-03:00", "--as-of", "2026-12-01T00:00:00-03:00",
                 "--owner", "marketing", "--format", "jsonl").stdout.splitlines()
    assert owned and {json.loads(line)["owner"] for line in owned} == {"marketing"}
    assert any(json.loads(line)["transition"] == "decided" for line in owned)


def test_usage_errors():
    late = _run(*NORTHWIND, "--since", "2026-11-11T00:00:00Z", "--as-of", "2026-11-10T00:00:00Z")
    assert late.returncode == 2 and "after --as-of" in late.stderr
    bad = _run(*NORTHWIND, "--since", "yesterday", "--as-of", "2026-11-10T00:00:00Z")
    assert bad.returncode == 2 and "--since yesterday" in bad.stderr
    missing = _run(*NORTHWIND, "--as-of", "2026-11-10T00:00:00Z")
    assert missing.returncode == 2 and "--since" in missing.stderr
    empty = _run(*NORTHWIND, "--since", "2026-11-10T00:00:00Z", "--as-of", "2026-11-10T00:00:00Z")
    assert empty.returncode == 0 and empty.stdout == "Nothing happened in that window.\n"


def test_jobs_give_the_same_changes_as_one_process(monkeypatch):
    from click.testing import CliRunner

    from slacode import parallel
    from slacode.cli import cli
    from tests.conftest import ROOT

    if not parallel.can_fork():
        pytest.skip("no fork here: --jobs runs in one process")
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 0)       # the example is small: split it anyway
    hooks = []
    real = parallel.run_parallel

    def spy(*args, **kwargs):
        hooks.append(kwargs.get("fold_hook"))
        return real(*args, **kwargs)

    monkeypatch.setattr(parallel, "run_parallel", spy)
    args = [str(ROOT / NORTHWIND[0]), str(ROOT / NORTHWIND[1]), "--since", "2026-11-10T00:00:00-03:00",
            "--as-of", "2026-11-20T18:00:00-03:00", "--format", "jsonl"]
    runner = CliRunner()
    one = runner.invoke(cli, ["changes", *args, "--jobs", "1"])
    assert hooks == []
    two = runner.invoke(cli, ["changes", *args, "--jobs", "2"])
    assert len(hooks) == 1 and hooks[0] is not None              # the workers ran the hook
    assert one.exit_code == two.exit_code == 0
    assert one.output == two.output and one.output.count("\n") > 1000
    # the workers' leads give the transitions the aggregates need: a flow's breach, a quota
    # met mid-period, a target's period decided after its end (a cycle open at the month's end)
    listed = [json.loads(line) for line in one.output.splitlines() if line.startswith("{")]     # (not stderr)
    assert any(c["rule"] == "flow" and c["transition"] == "breached" for c in listed)
    assert any(c["rule"] == "sql_volume" and c["transition"] == "met" for c in listed)
    assert any(c["rule"] == "cadence_persistence" and c["period"] == "2026-10" and c["transition"] == "decided"
               and c["at"] > "2026-11-02" for c in listed)


GROUPED = slacode.loads("""
agreement "g" { version "1"; timezone "UTC"; teams sales }
quota calls {
  owner sales
  count contact_attempt
  by assignee
  at least 2 per day
}
quota regions {
  owner sales
  count contact_attempt
  by region
  at most 1 per day
}
""")


def test_a_grouped_goal_s_changes_name_their_group():
    """Each rep's (each region's) period is its own: `met` when that group reached the goal,
    with the group in the key, so keys stay unique."""
    events = [{"lead": "A", "at": _at("09:00"), "type": "assigned", "owner": "ana", "fields": {"region": "N"}},
              {"lead": "B", "at": _at("09:00"), "type": "assigned", "owner": "bo", "fields": {"region": "S"}}]
    events += [{"lead": lead, "at": _at(t), "type": "contact_attempt"}
               for lead, t in (("A", "10:00"), ("B", "10:30"), ("A", "11:00"), ("B", "12:00"), ("A", "13:00"))]
    got = changes(GROUPED, events, since=_at("09:00"), as_of="2026-01-06T01:00:00Z")
    reached = [(c.to_dict()["at"][11:16], c.rule, c.transition, json.loads(c.key)[-1]) for c in got
               if c.transition != "decided"]
    assert reached == [("11:00", "calls", "met", ["assignee", "ana"]), ("11:00", "regions", "breached", ["region", "N"]),
                       ("12:00", "calls", "met", ["assignee", "bo"]), ("12:00", "regions", "breached", ["region", "S"])]
    assert len({c.key for c in got}) == len(got) == 8       # and each group's period decided at midnight


def test_the_table_titles_the_status_as_the_status_now():
    since, as_of = "2026-11-10T09:00:00-03:00", "2026-11-10T11:00:00-03:00"
    table = _run(*NORTHWIND, "--since", since, "--as-of", as_of, "--rule", "first_touch").stdout
    head = table.splitlines()[0].split("  ")
    assert [h.strip() for h in head if h.strip()][-1] == "status now"
    rows = _run(*NORTHWIND, "--since", since, "--as-of", as_of, "--rule", "first_touch", "--format", "csv").stdout
    assert ",status," in rows.splitlines()[0]          # the csv and json keys stay `status`
