"""`slacode changes`: the transitions in (T0, T1], checked against judging at T0 and at T1."""
from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st

import slacode
from slacode.report.changes import changes
from tests.conftest import run_slacode

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
@example(history=[("B", 30, "done"), ("B", 30, "new")], ends=[0, 30])   # final and out of it at one instant: breached
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
    from tests.conftest import ROOT

    return run_slacode(["changes", *args], cwd=ROOT)      # in this process (tests.conftest)


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


# ------------------------------------------- retarget, reassignment, several warning levels

#: `ft` retargets between a 1h hot line and a 3h line, with three warning levels and a pause;
#: `boss` escalates its breach, `heads` its warning; `fu` retargets its `at least … within`;
#: the targets count per rep (reassignment while a cycle is open, across midnight)
RETARGETED_TEXT = """
agreement "r" { version "1"; timezone "UTC"; teams sales, mgmt }
segment hot = score >= 80
deadline ft {
  owner sales
  start on assigned
  stop on contact_attempt
  cancel on dropped
  pause while state == hold
  retarget when segment changes
  within 1h for hot
  within 3h
  warn at 50%, 80%
  warn 30m before
}
deadline boss {
  owner mgmt
  start on breach of ft
  stop on contact_attempt
  within 30m
}
deadline heads {
  owner mgmt
  start on warning of ft
  stop on contact_attempt or dropped
  within 15m
}
attempts fu {
  owner sales
  start on assigned
  stop on won
  cancel on dropped
  count contact_attempt
  retarget when segment changes
  at least 1 within 1h for hot
  at least 2 within 4h
  warn at 50%, 90%
}
target ft_rep {
  owner sales
  rule ft
  by assignee
  at least 80% met per day
}
target fu_rep {
  owner sales
  rule fu clause at_least_within
  by assignee
  at least 50% met per day
}
target boss_all {
  owner mgmt
  rule boss
  at least 50% met per day
}
"""
RETARGETED = slacode.loads(RETARGETED_TEXT)
#: 20:00 on a Monday: the days end four hours in
LATE = datetime(2026, 1, 5, 20, 0, tzinfo=timezone.utc)
R_KINDS = ["ana", "bob", "hot", "cold", "contact_attempt", "dropped", "won", "hold", "unhold"]


def _r_event(lead: str, minutes: int, kind: str) -> dict:
    at = (LATE + timedelta(minutes=minutes)).isoformat()
    if kind in ("ana", "bob"):                      # a start, or a reassignment of an open cycle
        return {"lead": lead, "at": at, "type": "assigned", "owner": kind}
    if kind in ("hot", "cold"):
        return {"lead": lead, "at": at, "type": "scored", "fields": {"score": 90 if kind == "hot" else 10}}
    if kind in ("hold", "unhold"):
        return {"lead": lead, "at": at, "type": "state", "state": "hold" if kind == "hold" else "open"}
    return {"lead": lead, "at": at, "type": kind}


r_histories = st.lists(st.tuples(st.sampled_from(["A", "B"]), st.integers(0, 8 * 12).map(lambda n: n * 5),
                                 st.sampled_from(R_KINDS)), max_size=14)
r_instants = st.integers(0, 10 * 12).map(lambda n: n * 5)


def _kept(items) -> list:
    return sorted((x.key, x.at) for x in items)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(r_histories, r_instants, r_instants, r_instants)
# review28 F1: hot 90m in, past the hot line's deadline: the breach (and `boss`) at the change
@example(history=[("A", 0, "ana"), ("A", 90, "hot")], a=0, b=75, c=240)
# review28 F2: reassigned while open across midnight, decided after it
@example(history=[("A", 200, "bob"), ("A", 250, "ana"), ("A", 280, "contact_attempt")], a=0, b=245, c=400)
@example(history=[("A", 210, "ana"), ("A", 245, "hot"), ("A", 300, "bob")], a=0, b=290, c=480)
# review28 F3: several levels, cut between two of them
@example(history=[("A", 0, "ana"), ("A", 170, "contact_attempt")], a=0, b=150, c=240)
def test_consecutive_windows_with_retargets_reassignments_and_levels(history, a, b, c):
    """As above, on an agreement where a retarget breaches (and escalates) at a change, a
    cycle changes hands while it is open (also across a period's end of `by assignee`
    targets), and a rule has several warning levels: consecutive windows list exactly what
    one window lists, with the same keys, and a run's keys are unique."""
    events = [_r_event(lead, m, kind) for lead, m, kind in history]
    t0, t1, t2 = (LATE + timedelta(minutes=m) for m in sorted((a, b, c)))
    whole = changes(RETARGETED, events, since=t0, as_of=t2)
    first = changes(RETARGETED, events, since=t0, as_of=t1)
    second = changes(RETARGETED, events, since=t1, as_of=t2)
    assert _kept(first + second) == _kept(whole)
    for run in (whole, first, second):
        assert len({x.key for x in run}) == len(run)
    for x in whole:
        if x.rule in ("ft", "fu") and x.transition == "warned":
            assert x.level is not None          # several levels: always the level's own text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(r_histories, r_instants, r_instants)
@example(history=[("A", 0, "ana"), ("A", 90, "hot")], a=75, b=90)
def test_retargeted_transitions_agree_with_judging_twice(history, a, b):
    """A lead's `met`, `breached`, `cancelled` is listed in (T0, T1] exactly when its status
    as of T0 and as of T1 say it happened: a breach a retarget makes known is listed by the
    window that holds the change, whatever its deadline; `opened` likewise."""
    events = [_r_event(lead, m, kind) for lead, m, kind in history]
    t0, t1 = LATE + timedelta(minutes=min(a, b)), LATE + timedelta(minutes=max(a, b))

    def statuses(as_of):
        result = RETARGETED.evaluate(events, as_of=as_of, aggregates=False)
        return {(v.lead, v.rule, v.clause, v.cycle): v.status for v in result.verdicts}

    before, after = statuses(t0), statuses(t1)
    listed = changes(RETARGETED, events, since=t0, as_of=t1)
    got = {(c.lead, c.rule, c.clause, c.cycle, c.transition) for c in listed if c.lead is not None}
    for key, status in after.items():
        for transition in ("met", "breached", "cancelled"):
            expected = status == transition and before.get(key) != transition
            assert ((*key, transition) in got) == expected, (key, transition, before.get(key), status)
    opened = {(c.lead, c.rule, c.cycle) for c in listed if c.transition == "opened"}
    assert opened == {(k[0], k[1], k[3]) for k in after} - {(k[0], k[1], k[3]) for k in before}


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(r_histories, st.lists(r_instants, min_size=2, max_size=4))
@example(history=[("A", 200, "bob"), ("A", 250, "ana"), ("A", 280, "contact_attempt")], ends=[245, 400])
# bob's day is met at its end; ana's hot cycle of it, open then, goes to bob and is touched late
@example(history=[("B", 0, "bob"), ("B", 10, "contact_attempt"), ("A", 200, "hot"), ("A", 200, "ana"),
                  ("A", 250, "bob"), ("A", 270, "contact_attempt")], ends=[245, 300])
def test_a_rep_s_period_once_decided_stays_so(history, ends):
    """A `by assignee` target's period, once decided (met or breached) as of some instant,
    is there as of every later one for the same rep, with the same status (its groups are
    fixed at its end): consecutive runs list its `decided` once, under one key."""
    events = [_r_event(lead, m, kind) for lead, m, kind in history]
    seen: dict = {}
    for t in sorted(set(ends)):
        verdicts = RETARGETED.evaluate(events, as_of=LATE + timedelta(minutes=t)).verdicts
        now = {(v.rule, v.period, v.assignee): v.status for v in verdicts if v.rule in ("ft_rep", "fu_rep")}
        for key, status in seen.items():
            assert now.get(key) == status, (key, t, now.get(key), status)
        seen.update((k, status) for k, status in now.items() if status != "pending")


# --------------------------------------------------- review28's reproducers, as examples

def _keyed(spec, events, since, as_of) -> list:
    return [(json.loads(c.key), c.to_dict()["at"][11:16], c.status)
            for c in changes(spec, events, since=since, as_of=as_of)]


RT = slacode.loads("""
agreement "grid" { version "1"; timezone "UTC"; teams sales }
segment hot = score >= 80
segment emea = region in ["EMEA", "UK"]
deadline first_touch {
  owner sales
  start on assigned
  stop on contact_attempt
  retarget when segment changes
  within 15m for hot and emea
  within 2h for emea
  within 4h
  warn at 50%
}
deadline escalate {
  owner sales
  start on breach of first_touch
  stop on contact_attempt
  within 30m
}
""")


def test_review28_f1_a_retarget_breach_is_listed_at_the_change_with_its_escalation():
    """Hot at 10:30 on a line due 10:15: the breach becomes known at 10:30; it and the
    escalation it opens are listed then (by the window that holds the change), the
    verdict's `due_at` staying 10:15."""
    events = [{"lead": "L", "at": "2026-11-02T10:00:00Z", "type": "assigned", "owner": "ana",
               "fields": {"score": 50, "region": "UK"}},
              {"lead": "L", "at": "2026-11-02T10:30:00Z", "type": "update", "fields": {"score": 90}}]
    day = "2026-11-02T{}:00Z".format
    whole = _keyed(RT, events, day("09:00"), day("12:00"))
    assert [(k[1], k[4], at) for k, at, _ in whole] == [
        ("first_touch", "opened", "10:00"), ("escalate", "opened", "10:30"), ("first_touch", "breached", "10:30"),
        ("first_touch", "warned", "10:30"), ("escalate", "breached", "11:00")]
    split = _keyed(RT, events, day("09:00"), day("10:20")) + _keyed(RT, events, day("10:20"), day("12:00"))
    assert [(k, at) for k, at, _ in split] == [(k, at) for k, at, _ in whole]
    assert not [k for k, _, _ in _keyed(RT, events, day("09:00"), day("10:29")) if k[4] == "breached"]
    first, escalation = RT.evaluate(events, as_of=day("12:00")).verdicts
    assert first.to_dict()["due_at"] == "2026-11-02T10:15:00+00:00"
    assert escalation.to_dict()["started_at"] == "2026-11-02T10:30:00+00:00"
    assert escalation.to_dict()["due_at"] == "2026-11-02T11:00:00+00:00"


PER_REP_TEXT = """
agreement "ba" { version "1"; timezone "UTC"; teams sales }
deadline first_touch {
  owner sales
  start on assigned
  stop on contact_attempt
  within 4h
}
target ft_rep {
  owner sales
  rule first_touch
  by assignee
  at least 90% met per day
}
"""


def test_review28_f2_a_rep_s_decided_period_is_neither_lost_nor_rekeyed():
    """X is bob's at the day's end (assigned 23:00), ana's from 01:00, touched at 02:00: it
    counts in bob's 2026-11-02, decided at 02:00, in every run."""
    spec = slacode.loads(PER_REP_TEXT)
    events = [{"lead": "Y", "at": "2026-11-02T10:00:00Z", "type": "assigned", "owner": "bob"},
              {"lead": "Y", "at": "2026-11-02T10:30:00Z", "type": "contact_attempt"},
              {"lead": "X", "at": "2026-11-02T23:00:00Z", "type": "assigned", "owner": "bob"},
              {"lead": "X", "at": "2026-11-03T01:00:00Z", "type": "assigned", "owner": "ana"},
              {"lead": "X", "at": "2026-11-03T02:00:00Z", "type": "contact_attempt"}]
    t0, cut, t2 = "2026-11-02T09:00:00Z", "2026-11-03T00:30:00Z", "2026-11-03T12:00:00Z"
    decided = [(k, at) for k, at, _ in _keyed(spec, events, t0, t2) if k[4] == "decided"]
    assert decided == [([None, "ft_rep", "ratio", "2026-11-02", "decided", None, ["assignee", "bob"]], "02:00")]
    split = _keyed(spec, events, t0, cut) + _keyed(spec, events, cut, t2)
    assert [(k, at) for k, at, _ in split if k[4] == "decided"] == decided
    verdicts = spec.evaluate(events, as_of=t2).verdicts
    # the lead's own verdict still names the rep who held it just before the close
    assert next(v.assignee for v in verdicts if v.lead == "X") == "ana"
    assert {(v.period, v.assignee): v.value for v in verdicts if v.lead is None} == {
        ("2026-11-02", "bob"): 1.0, ("2026-11-03", "bob"): None}          # (nobody's cycle for ana)
    # before the day ends, X is the rep's who holds it as of then
    evening = spec.evaluate(events[:3], as_of="2026-11-02T23:30:00Z").verdicts
    assert {(v.assignee, v.status) for v in evening if v.lead is None} == {("bob", "pending")}


def test_review28_f2b_a_breach_before_a_reassignment_keeps_its_rep():
    """Breached at 00:30 while ana held it, given to bob at 02:00: ana's day, in every run."""
    spec = slacode.loads(PER_REP_TEXT.replace("start on assigned", "start on enter mql").replace("4h", "1h"))
    events = [{"lead": "L", "at": "2026-11-02T10:00:00Z", "type": "assigned", "owner": "ana"},
              {"lead": "L", "at": "2026-11-02T23:30:00Z", "type": "state", "state": "mql"},
              {"lead": "L", "at": "2026-11-03T02:00:00Z", "type": "assigned", "owner": "bob"}]
    t0, cut, t2 = "2026-11-02T09:00:00Z", "2026-11-03T01:00:00Z", "2026-11-03T12:00:00Z"
    want = [([None, "ft_rep", "ratio", "2026-11-02", "decided", None, ["assignee", "ana"]], "00:30", "breached")]
    for since, as_of in ((t0, t2), (t0, cut)):
        assert [x for x in _keyed(spec, events, since, as_of) if x[0][4] == "decided"] == want
    assert not [x for x in _keyed(spec, events, cut, t2) if x[0][4] == "decided"]


LEVELS_TEXT = """
agreement "lv" { version "1"; timezone "UTC"; teams sales }
deadline first_touch {
  owner sales
  start on assigned
  stop on contact_attempt
  within 1h
  warn at 50%, 80%
}
"""


def test_review28_f3_each_warning_level_is_listed_once_under_its_own_text():
    levels = slacode.loads(LEVELS_TEXT)
    events = [{"lead": "L", "at": "2026-11-02T10:00:00Z", "type": "assigned"},
              {"lead": "L", "at": "2026-11-02T10:55:00Z", "type": "contact_attempt"}]
    day = "2026-11-02T{}:00Z".format
    whole = [(k[4], k[5], at) for k, at, _ in _keyed(levels, events, day("09:00"), day("12:00"))]
    assert whole == [("opened", None, "10:00"), ("warned", "50%", "10:30"), ("warned", "80%", "10:48"),
                     ("met", None, "10:55")]
    split = [(k[4], k[5], at) for k, at, _ in _keyed(levels, events, day("09:00"), day("10:50"))
             + _keyed(levels, events, day("10:50"), day("12:00"))]
    assert split == whole
    # a level the cycle closed before is never listed; the first level is the one that escalates
    early = [events[0], {"lead": "L", "at": "2026-11-02T10:40:00Z", "type": "contact_attempt"}]
    assert [(k[4], k[5]) for k, _, _ in _keyed(levels, early, day("09:00"), day("12:00"))] == [
        ("opened", None), ("warned", "50%"), ("met", None)]
    # a rule with one `warn` keeps level null
    one = slacode.loads(LEVELS_TEXT.replace("warn at 50%, 80%", "warn at 50%"))
    assert [k[5] for k, _, _ in _keyed(one, events, day("09:00"), day("12:00"))] == [None, None, None]


def test_the_first_level_is_the_warning_that_escalates():
    spec = slacode.loads(LEVELS_TEXT + """
deadline heads_up {
  owner sales
  start on warning of first_touch
  stop on contact_attempt
  within 10m
}
""")
    events = [{"lead": "L", "at": "2026-11-02T10:00:00Z", "type": "assigned"}]
    got = changes(spec, events, since="2026-11-02T09:00:00Z", as_of="2026-11-02T12:00:00Z")
    warned = [(c.level, c.escalates_to) for c in got if c.transition == "warned" and c.rule == "first_touch"]
    assert warned == [("50%", ("heads_up",)), ("80%", ())]


def test_jobs_give_the_same_changes_with_retargets_and_reps(monkeypatch, tmp_path):
    """`--jobs 2` lists what one process lists on the agreement above (each lead's reps are
    read where the lead is folded)."""
    import random

    from click.testing import CliRunner

    from slacode import parallel
    from slacode.cli import cli

    if not parallel.can_fork():
        pytest.skip("no fork here: --jobs runs in one process")
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 0)
    rng = random.Random(28)
    events = [_r_event(f"L{n}", rng.randrange(0, 480, 5), rng.choice(R_KINDS)) for n in range(60) for _ in range(6)]
    events.sort(key=lambda e: e["at"])
    spec, path = tmp_path / "r.sla", tmp_path / "r.jsonl"
    spec.write_text(RETARGETED_TEXT)
    path.write_text("".join(json.dumps(e) + "\n" for e in events))
    args = [str(spec), str(path), "--since", LATE.isoformat(), "--as-of", (LATE + timedelta(hours=10)).isoformat(),
            "--format", "jsonl"]
    runner = CliRunner()
    one = runner.invoke(cli, ["changes", *args, "--jobs", "1"])
    two = runner.invoke(cli, ["changes", *args, "--jobs", "2"])
    assert one.exit_code == two.exit_code == 0, one.output
    assert one.output == two.output
    listed = [json.loads(line) for line in one.output.splitlines() if line.startswith("{")]
    assert any(c["rule"] == "ft_rep" and c["transition"] == "decided" for c in listed)
    assert any(c["transition"] == "warned" and c["level"] == "80%" for c in listed)
