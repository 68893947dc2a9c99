#!/usr/bin/env python3
"""Where one process spends its time in `check`: a profile by pipeline stage.

On the benchmark agreement and a generated file grouped by lead, each stage is timed
alone, in memory, best of several runs (no profiler overhead, the collector frozen):

* read: JSON Lines → records (orjson, timestamps, ids judged as `check` does, as_of);
* fold: records → per-lead folds (triggers, predicates, cycles);
* verdicts: folds → verdicts (calendar arithmetic, reason text);
* serialize: each lead's verdicts → JSON Lines bytes (instants written, orjson).

usage: python3 benchmarks/bench_stages.py [--leads 20000] [--data DIR] [--repeats 3]
"""
from __future__ import annotations

import argparse
import gc
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared" / "bench"
AS_OF = "2027-01-01T00:00:00Z"


def best(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--leads", type=int, default=20_000)
    ap.add_argument("--data", default="/tmp/slacode-bench")
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args(argv)
    path = Path(a.data) / f"events_{a.leads}_s42_lead.jsonl"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, str(SHARED / "gen_events.py"), str(a.leads), str(path), "--seed", "42"],
                       check=True, capture_output=True)

    import slacode
    from slacode.evaluate import LeadFold, as_of_us
    from slacode.events import iter_records
    from slacode.ids import SpilledIds
    from slacode.output import serialize_verdicts

    plan = slacode.load(SHARED / "bench.sla").plan
    as_of = as_of_us(AS_OF)

    def read():                     # ids judged as `check` judges them (a window, hashes spilled)
        ids = SpilledIds()
        for _ in iter_records([str(path)], diagnostics=[], as_of_us=as_of, ids=ids):
            pass
        assert not ids.repeats()
        ids.close()

    t_read = best(read, a.repeats)
    groups: dict = {}
    for r in iter_records([str(path)], diagnostics=[], as_of_us=as_of):
        groups.setdefault(r.lead, []).append(r)
    events = sum(len(g) for g in groups.values())
    gc.freeze()

    def fold():
        for lead, recs in groups.items():
            f = LeadFold(plan, lead)
            for r in recs:
                f.feed(r)

    t_fold = best(fold, a.repeats)
    folds = []
    for lead, recs in groups.items():
        f = LeadFold(plan, lead)
        for r in recs:
            f.feed(r)
        folds.append(f)
    gc.freeze()
    t_verdicts = best(lambda: [f.verdicts(as_of) for f in folds], a.repeats)
    per_lead = [f.verdicts(as_of) for f in folds]
    verdicts = [v for vs in per_lead for v in vs]
    gc.freeze()

    def serialize():
        for vs in per_lead:
            serialize_verdicts(vs)

    t_ser = best(serialize, a.repeats)
    total = t_read + t_fold + t_verdicts + t_ser
    print(f"{events:,} events, {len(verdicts):,} verdicts ({a.leads:,} leads)\n")
    print("| stage | µs per event | µs per verdict | share |")
    print("|---|---:|---:|---:|")
    for name, t in (("read", t_read), ("fold", t_fold), ("verdicts", t_verdicts), ("serialize", t_ser)):
        print(f"| {name} | {t / events * 1e6:.2f} | {t / len(verdicts) * 1e6:.2f} | {t / total:.0%} |")
    print(f"| total | {total / events * 1e6:.2f} | | |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
