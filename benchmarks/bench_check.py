#!/usr/bin/env python3
"""`slacode check` throughput and memory on generated lead events, against baselines.

Every configuration runs in a fresh process on the same file, in the same run:

* parse floor: only reading the file and parsing each line with orjson plus the timestamp
  conversion (the least any evaluator must do);
* hand-written fold: ../shared/bench/reference_fold.py, the Python a user would write by
  hand for the benchmark agreement (streaming, sorted input);
* DuckDB: ../shared/bench/baseline_duckdb.py with 1 thread and with one thread per core
  (when duckdb is installed);
* slacode: `slacode check ../shared/bench/bench.sla EVENTS --as-of T --format jsonl
  --jobs N` (every verdict written, to a file or /dev/null), in lead order and in time
  order (leads interleaved), each with 1 process and one per core; and in lead order on
  files a fifth and half of the size, to see whether peak memory grows with the file.

It checks that slacode's verdict counts equal the hand-written fold's and DuckDB's
(correctness at scale), then prints a table of events/s, ratios and peak RSS (bytes/event;
for several processes, the parent's peak plus jobs x the largest worker's), and each goal
of issue #7 that these runs measure, with the figure reached.

usage: python3 benchmarks/bench_check.py [--leads 100000] [--quick] [--data DIR] [--jobs N]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SHARED = HERE.parent.parent / "shared" / "bench"
AS_OF = "2027-01-01T00:00:00Z"

FLOOR = r"""
import sys, time, resource, datetime as dt, orjson
path = sys.argv[1]
t0 = time.perf_counter()
n = 0
fromiso, loads = dt.datetime.fromisoformat, orjson.loads
with open(path, "rb") as f:
    for line in f:
        e = loads(line)
        t = fromiso(e["at"]).timestamp()
        n += 1
secs = time.perf_counter() - t0
print(orjson.dumps({"events": n, "elapsed_s": secs,
                    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}).decode())
"""

SLACODE = r"""
import sys, time, resource, collections, orjson
t0 = time.perf_counter()
from slacode.cli import main
import slacode.parallel
slacode.parallel.MIN_PARALLEL_BYTES = 0     # small --quick files are split too
out = open(sys.argv[3], "w") if sys.argv[3] != "-" else open(__import__("os").devnull, "w")
sys.stdout = out
code = main(["check", sys.argv[1], sys.argv[2], "--as-of", sys.argv[4], "--format", "jsonl",
             "--jobs", sys.argv[5]])
sys.stdout = sys.__stdout__
out.close()
secs = time.perf_counter() - t0
me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss if sys.argv[5] != "1" else 0
# several processes: the parent's peak plus jobs x the largest worker's (a bound on the sum)
print(orjson.dumps({"code": code, "elapsed_s": secs,
                    "peak_rss_mb": (me + int(sys.argv[5]) * kids) / 1024}).decode())
"""


def run_json(argv: list[str]) -> dict:
    proc = subprocess.run(argv, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"failed: {' '.join(argv)}\n{proc.stderr[-2000:]}")
    try:
        return json.loads(proc.stdout)
    except json.JSONDecodeError:
        return json.loads(proc.stdout.strip().splitlines()[-1])


def counts_of(jsonl: Path) -> dict:
    counts: dict = {}
    with open(jsonl, "rb") as f:
        for line in f:
            v = json.loads(line)
            if v.get("record") != "verdict" or v.get("lead") is None:
                continue
            key = f"{v['rule']}/{v['clause']}"
            counts.setdefault(key, {"met": 0, "breached": 0, "pending": 0})
            counts[key][v["status"]] = counts[key].get(v["status"], 0) + 1
    return counts


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--leads", type=int, default=100_000, help="leads to generate (about 10 events each)")
    ap.add_argument("--quick", action="store_true", help="small file, correctness check only (for CI)")
    ap.add_argument("--data", default="/tmp/slacode-bench")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="processes / threads for the all-cores rows")
    a = ap.parse_args(argv)
    if a.quick:
        a.leads = 2_000
    data = Path(a.data)
    data.mkdir(parents=True, exist_ok=True)
    files = {}
    for order in ("lead", "time"):
        path = data / f"events_{a.leads}_s42_{order}.jsonl"
        if not path.exists():
            subprocess.run([sys.executable, str(SHARED / "gen_events.py"), str(a.leads), str(path),
                            "--seed", "42", "--order", order], check=True, capture_output=True)
        files[order] = path
    spec = SHARED / "bench.sla"
    py = sys.executable
    fold = run_json([py, str(SHARED / "reference_fold.py"), str(files["lead"]), "--as-of", AS_OF])
    n = fold["events"]
    want = {k: {s: c for s, c in v.items()} for k, v in fold["counts"].items()}
    runs = {}
    for label, order, jobs in (("1 process", "lead", 1), (f"{a.jobs} processes", "lead", a.jobs),
                               ("1 process", "time", 1), (f"{a.jobs} processes", "time", a.jobs)):
        out = data / f"slacode_{order}_{jobs}.jsonl"
        runs[(order, jobs)] = r = run_json([py, "-c", SLACODE, str(spec), str(files[order]), str(out), AS_OF,
                                            str(jobs)])
        got = counts_of(out)
        out.unlink()
        if got != want:
            print(f"VERDICT COUNTS DIFFER from the hand-written fold ({order} order, --jobs {jobs}):",
                  file=sys.stderr)
            print(json.dumps({"slacode": got, "fold": want}, indent=1), file=sys.stderr)
            return 1
    duck = {}
    try:
        import duckdb  # noqa: F401
    except ImportError:
        print("duckdb is not installed: no DuckDB rows")
    else:
        for threads in (1, a.jobs):
            duck[threads] = run_json([py, str(SHARED / "baseline_duckdb.py"), str(files["lead"]), "--as-of", AS_OF,
                                      "--threads", str(threads)])
            if duck[threads]["counts"] != fold["counts"]:
                print(f"DuckDB ({threads} threads) counts differ from the fold's", file=sys.stderr)
                return 1
    total = sum(sum(v.values()) for v in want.values())
    print(f"verdict counts equal the hand-written fold's{' and DuckDB' + chr(39) + 's' if duck else ''} "
          f"({total:,} verdicts; slacode in lead order and in time order, with 1 and {a.jobs} processes)")
    if a.quick:
        return 0
    floor = run_json([py, "-c", FLOOR, str(files["lead"])])
    rows = [("parse floor (orjson + timestamps)", "lead", floor),
            ("hand-written fold, streaming", "lead", fold)]
    rows += [(f"DuckDB SQL, {t} thread{'s' if t > 1 else ''}", "lead", r) for t, r in duck.items()]
    rows += [("slacode check --jobs 1", "lead", runs[("lead", 1)]),
             (f"slacode check --jobs {a.jobs}", "lead", runs[("lead", a.jobs)]),
             ("slacode check --jobs 1", "time", runs[("time", 1)]),
             (f"slacode check --jobs {a.jobs}", "time", runs[("time", a.jobs)])]
    print(f"\n{n:,} events ({a.leads:,} leads), {os.path.getsize(files['lead']) / 1e6:,.0f} MB; as of {AS_OF}\n")
    head = "| run | input order | s | events/s | vs parse floor | vs fold |"
    if duck:
        head += f" vs DuckDB {a.jobs} threads |"
    print(head + " peak RSS MB | bytes/event |")
    print("|---|---|---:|---:|---:|---:|" + ("---:|" if duck else "") + "---:|---:|")
    for label, order, r in rows:
        eps = n / r["elapsed_s"]
        rss = r["peak_rss_mb"]
        line = (f"| {label} | {order} | {r['elapsed_s']:.2f} | {eps:,.0f} | {floor['elapsed_s'] / r['elapsed_s']:.2f}x"
                f" | {fold['elapsed_s'] / r['elapsed_s']:.2f}x |")
        if duck:
            line += f" {duck[a.jobs]['elapsed_s'] / r['elapsed_s']:.2f}x |"
        print(line + f" {rss:.0f} | {rss * 1048576 / n:,.0f} |")

    # Streaming: the sorted run's peak memory on files a fifth and half of the size (same
    # generator). Bounded caches (texts of instants per zone and hour) fill up over the first
    # few hundred thousand events, so the slope from half to full size is what says whether
    # memory still follows the file; both slopes are printed. Peak RSS varies by a MB or two
    # from one run to the next (where the allocator's arenas happen to lie when the ids'
    # window spills), so each point is the median of three runs.
    def peak(path: Path) -> float:
        return run_json([py, "-c", SLACODE, str(spec), str(path), "-", AS_OF, "1"])["peak_rss_mb"]

    points = []
    for part in (5, 2):
        small_leads = max(a.leads // part, 1)
        small = data / f"events_{small_leads}_s42_lead.jsonl"
        if not small.exists():
            subprocess.run([sys.executable, str(SHARED / "gen_events.py"), str(small_leads), str(small),
                            "--seed", "42", "--order", "lead"], check=True, capture_output=True)
        small_n = sum(1 for _ in open(small, "rb"))
        points.append((small_n, statistics.median(peak(small) for _ in range(3))))
    points.append((n, statistics.median([runs[("lead", 1)]["peak_rss_mb"], peak(files["lead"]), peak(files["lead"])])))
    (n5, m5), (n2, m2), (n1, m1) = points
    growth_all = (m1 - m5) / ((n1 - n5) / 1e6)
    growth = (m1 - m2) / ((n1 - n2) / 1e6)
    print(f"\nsorted input, --jobs 1: peak RSS {m5:.0f} MB at {n5:,} events, {m2:.0f} MB at {n2:,}, "
          f"{m1:.0f} MB at {n1:,} ({growth_all:+.1f} MB per million events from a fifth to the full "
          f"size, {growth:+.1f} from half to full)")

    fold_eps, floor_eps = n / fold["elapsed_s"], n / floor["elapsed_s"]
    one, time1 = runs[("lead", 1)], runs[("time", 1)]
    goals = [
        ("check, sorted, 1 core vs hand-written fold", "≥ 0.70x", fold["elapsed_s"] / one["elapsed_s"], 0.7),
        ("check, sorted, 1 core vs parse floor", "≥ 0.50x", floor["elapsed_s"] / one["elapsed_s"], 0.5),
    ]
    if duck:
        goals.append((f"check, all cores (--jobs {a.jobs}) vs DuckDB, {a.jobs} threads", "≥ 1.00x",
                      duck[a.jobs]["elapsed_s"] / runs[("lead", a.jobs)]["elapsed_s"], 1.0))
    goals.append(("check, time order, 1 core vs parse floor", "≥ 0.35x", floor["elapsed_s"] / time1["elapsed_s"], 0.35))
    print("\n| goal (issue #7) | target | measured | met |")
    print("|---|---:|---:|---|")
    for label, target, got, need in goals:
        print(f"| {label} | {target} | {got:.2f}x | {'yes' if got >= need else 'no'} |")
    per_event = time1["peak_rss_mb"] * 1048576 / n
    print(f"| check, time order: peak memory per event | ≤ 150 B | {per_event:,.0f} B | "
          f"{'yes' if per_event <= 150 else 'no'} |")
    print(f"| check, sorted: peak memory independent of file size (slope from half to full size) | "
          f"0 MB per million events | {growth:+.1f} MB per million ({growth_all:+.1f} from a fifth) | "
          f"{'yes' if growth < 2 else 'no'} |")
    print(f"\n(fold {fold_eps:,.0f} events/s, parse floor {floor_eps:,.0f} events/s; the service-style "
          "goals are measured by benchmarks/bench_service.py)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
