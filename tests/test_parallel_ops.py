"""A parallel run as an unattended job sees it (review 31b): signals, workers that die or
fail, the run's folder in the temporary folder, the CPU quota of a container."""
from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import slacode
from slacode import parallel, stream
from slacode.cli import main

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "specs" / "northwind.sla"
EVENTS = ROOT / "specs" / "events.jsonl"
AS_OF = "2026-11-20T18:00:00-03:00"

pytestmark = pytest.mark.skipif(not parallel.can_fork(), reason="parallel evaluation needs fork")
linux = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc; PR_SET_PDEATHSIG is Linux's")


@pytest.fixture(autouse=True)
def small_inputs_in_parallel(monkeypatch):
    monkeypatch.setattr(parallel, "MIN_PARALLEL_BYTES", 0)
    monkeypatch.setattr(parallel, "MIN_PARALLEL_RECORDS", 0)


def check(*extra: str) -> int:
    return main(["check", str(SPEC), str(EVENTS), "--as-of", AS_OF, "--format", "jsonl", *extra])


def worker_number(kwargs) -> int:
    """The partition of a worker, from the spool path :func:`parallel._share` gives run_stream."""
    return int(os.path.basename(kwargs["spool_path"]).split("-")[1])


# ------------------------------------------------------------------ signals (subprocesses)

#: A `slacode` whose workers, once started, write their pid in READY/<k> and wait: the
#: test then signals the run at a known point, however loaded the machine is.
RUNNER = """
import os, signal, sys, time
signal.signal(signal.SIGINT, signal.default_int_handler)   # not ignored, as under a terminal
from slacode import cli, parallel
parallel.MIN_PARALLEL_BYTES = 0
ready = sys.argv.pop(1)

def waiting(*args, **kwargs):
    k = os.path.basename(kwargs["spool_path"]).split("-")[1]
    with open(os.path.join(ready, k + ".tmp"), "w") as f:
        f.write(str(os.getpid()))
    os.rename(os.path.join(ready, k + ".tmp"), os.path.join(ready, k))
    time.sleep(120)

parallel.run_stream = waiting
cli.console()
"""


def start_waiting_run(tmp_path: Path):
    """``(process, worker pids, TMPDIR)`` of a `check --jobs 2` whose two workers are waiting."""
    runner, ready, tmp = tmp_path / "runner.py", tmp_path / "ready", tmp_path / "tmp"
    runner.write_text(RUNNER, encoding="utf-8")
    ready.mkdir()
    tmp.mkdir()
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"), TMPDIR=str(tmp))
    env.pop("SLACODE_TRACEBACK", None)
    proc = subprocess.Popen([sys.executable, str(runner), str(ready), "check", str(SPEC), str(EVENTS),
                             "--as-of", AS_OF, "--format", "jsonl", "--jobs", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    deadline = time.monotonic() + 60
    while len([p for p in ready.iterdir() if not p.name.endswith(".tmp")]) < 2:
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail(f"the workers did not start: {proc.communicate()[1]}")
        time.sleep(0.02)
    return proc, [int((ready / k).read_text()) for k in ("0", "1")], tmp


def alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie, dead but not yet reaped by its new parent, does not)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return False
    return state not in ("Z", "X")


def gone(pids: list[int], within: float = 20.0) -> bool:
    deadline = time.monotonic() + within
    while any(alive(p) for p in pids):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@linux
@pytest.mark.parametrize(("signum", "status", "word"), [(signal.SIGTERM, 143, "terminated"),
                                                        (signal.SIGINT, 130, "interrupted"),
                                                        (signal.SIGHUP, 129, "hung up")])
def test_a_signal_to_the_parent_stops_the_workers_and_removes_the_runs_folder(tmp_path, signum, status, word):
    """H1: SIGTERM (a timeout, `docker stop`) and SIGHUP (the SSH session closed) are handled
    as SIGINT is: the workers are stopped,
    `slacode-jobs-*` removed, one line said (L5: with no empty line before it), 128 + signal."""
    proc, workers, tmp = start_waiting_run(tmp_path)
    assert [p.name for p in tmp.iterdir() if p.name.startswith("slacode-jobs-")], "the run's folder"
    proc.send_signal(signum)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == status, err
    assert err == f"slacode: {word}\n"
    assert gone(workers), "a worker outlived its parent"
    assert not [p.name for p in tmp.iterdir() if p.name.startswith("slacode-jobs-")]


@linux
def test_workers_die_with_a_killed_parent_and_a_later_run_removes_its_folder(tmp_path):
    """H1: SIGKILL (the OOM killer, kill -9) gives the parent no chance to clean up: its
    workers die with it (PR_SET_PDEATHSIG), and its folder, whose lock nobody holds any
    more, is removed by the next run."""
    proc, workers, tmp = start_waiting_run(tmp_path)
    proc.kill()
    proc.communicate(timeout=60)
    assert gone(workers), "a worker outlived its parent"
    left = [p for p in tmp.iterdir() if p.name.startswith("slacode-jobs-")]
    assert len(left) == 1 and (left[0] / "lock").exists()
    assert parallel.remove_stale_workdirs(str(tmp)) == [str(left[0])]
    assert not left[0].exists()


def test_a_live_runs_folder_is_never_removed(tmp_path):
    """The lock tells a live run (this process, or its forked workers, which share the lock)
    from a dead one; a folder without a lock is left unless nothing changed in it for a day."""
    live = parallel.Workdir(str(tmp_path))
    pid = os.fork()
    if pid == 0:                                # a worker: holds the lock after the parent lets it go
        try:
            time.sleep(1.5)
        finally:
            os._exit(0)
    try:
        live._fd, fd = None, live._fd
        os.close(fd)                            # the parent's copy closed: the child still holds it
        assert parallel.remove_stale_workdirs(str(tmp_path)) == []
        assert os.path.isdir(live.path)
    finally:
        os.waitpid(pid, 0)
    assert parallel.remove_stale_workdirs(str(tmp_path)) == [live.path]   # now nobody holds it

    held = parallel.Workdir(str(tmp_path))
    fresh = tmp_path / "slacode-jobs-old"
    fresh.mkdir()
    (fresh / "spool-0").write_bytes(b"x")
    other = tmp_path / "not-slacode"
    other.mkdir()
    assert parallel.remove_stale_workdirs(str(tmp_path)) == []            # no lock, but recent
    day_ago = time.time() - 2 * 24 * 3600
    for p in (fresh / "spool-0", fresh):
        os.utime(p, (day_ago, day_ago))
    assert parallel.remove_stale_workdirs(str(tmp_path)) == [str(fresh)]
    assert os.path.isdir(held.path) and other.is_dir()
    held.remove()
    assert not os.path.exists(held.path)


# ------------------------------------------------------------ failures of the workers

def test_a_full_temporary_folder_in_a_worker_is_said_as_such(monkeypatch, capfd):
    """H3: a worker that cannot write its files (ENOSPC) makes the parent name the temporary
    folder and TMPDIR, and say what to do; no traceback of multiprocessing, no "bug"."""
    def full(self, *args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(stream.Spool, "write", full)
    monkeypatch.delenv("SLACODE_TRACEBACK", raising=False)
    for jobs in ("2", "1"):
        assert check("--jobs", jobs) == 2
        err = capfd.readouterr().err
        assert err.startswith("slacode: the temporary folder "), (jobs, err)
        assert "is full: No space left on device" in err and "set TMPDIR" in err
        assert "Traceback" not in err and "internal error" not in err and "bug" not in err


@pytest.mark.parametrize(("failure", "said", "hint"), [
    (OSError(errno.EMFILE, "Too many open files"), "slacode: Too many open files", "ulimit -n"),
    (MemoryError(), "slacode: out of memory", "fewer --jobs"),
])
def test_a_workers_os_error_or_memory_error_is_said_as_in_one_process(monkeypatch, capfd, failure, said, hint):
    """M2: not "internal error … a bug in slacode", but what it is, with what to do."""
    def failing(*args, **kwargs):
        raise failure

    monkeypatch.setattr(parallel, "run_stream", failing)
    monkeypatch.delenv("SLACODE_TRACEBACK", raising=False)
    assert check("--jobs", "2") == 2
    err = capfd.readouterr().err
    assert err.startswith(said) and hint in err and "--jobs" in err, err
    assert "internal error" not in err and "bug" not in err and "Traceback" not in err


def test_a_killed_worker_is_named_with_its_signal_and_the_others_are_not_waited_for(monkeypatch, capfd):
    """M3: a worker killed by SIGKILL (the OOM killer) is said as such, and the run stops at
    once rather than after the other workers finish their share."""
    def work(*args, **kwargs):
        if worker_number(kwargs) == 0:
            os.kill(os.getpid(), signal.SIGKILL)
        time.sleep(60)

    monkeypatch.setattr(parallel, "run_stream", work)
    started = time.monotonic()
    assert check("--jobs", "2") == 2
    assert time.monotonic() - started < 30, "waited for the other worker"
    err = capfd.readouterr().err
    assert err == ("slacode: evaluation worker 0 was killed by signal 9 (SIGKILL) — often the out-of-memory "
                   "killer: give the job more memory or fewer --jobs\n")


def test_the_first_workers_input_error_is_the_one_said_whatever_the_order_they_end(monkeypatch):
    """The error one process would meet first (the lowest partition's) is raised, even when
    a later worker fails sooner; the workers after a failed one are not waited for."""
    from slacode.events import EventInputError

    def work(*args, **kwargs):
        k = worker_number(kwargs)
        if k == 0:
            time.sleep(0.5)
        if k == 2:
            time.sleep(60)                      # after a failed worker: stopped, not waited for
        raise EventInputError(f"problem of worker {k}")

    monkeypatch.setattr(parallel, "run_stream", work)
    plan = slacode.load(SPEC).plan
    files = [str(EVENTS)]
    started = time.monotonic()
    with pytest.raises(EventInputError, match="problem of worker 0"):
        parallel._run(plan, 0, [], 3, files, None, files=(files, None, None, (), None))
    assert time.monotonic() - started < 30


# ------------------------------------------------------------------- --jobs 0: cores

def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="ascii")


@pytest.mark.parametrize(("files", "own", "cores"), [
    ({"cpu.max": "150000 100000\n"}, "0::/\n", 2),                 # cgroup v2: 1.5 cores -> 2
    ({"cpu.max": "max 100000\n"}, "0::/\n", None),
    ({"cpu.max": "20000 100000\n"}, "0::/\n", 1),                  # at least 1
    ({"cpu.max": "max 100000\n", "a/b/cpu.max": "max 100000\n", "a/cpu.max": "300000 100000\n"},
     "0::/a/b\n", 3),                                             # a limit above the process's group
    ({"a/cpu.max": "100000 100000\n"}, "0::/elsewhere/x\n", None),   # not visible here: the root only
    ({"cpu/cpu.cfs_quota_us": "-1\n", "cpu/cpu.cfs_period_us": "100000\n"}, "2:cpu,cpuacct:/\n", None),
    ({"cpu/cpu.cfs_quota_us": "250000\n", "cpu/cpu.cfs_period_us": "100000\n"}, "2:cpu,cpuacct:/\n", 3),
    ({"cpu/k8s/cpu.cfs_quota_us": "100000\n", "cpu/k8s/cpu.cfs_period_us": "100000\n",
      "cpu/cpu.cfs_quota_us": "-1\n", "cpu/cpu.cfs_period_us": "100000\n"}, "3:cpu:/k8s\n", 1),
    ({"cpu.max": "garbage\n"}, "0::/\n", None),
    ({}, "0::/\n", None),
])
def test_the_cpu_quota_of_the_control_group_bounds_the_cores(tmp_path, files, own, cores):
    """M4: `--jobs 0` in a container limited to N CPUs (docker --cpus, a Kubernetes limit)
    starts ceil(quota / period) workers, not one per core of the host."""
    root = tmp_path / "cgroup"
    root.mkdir()
    for name, text in files.items():
        write(root / name, text)
    write(tmp_path / "self", own)
    assert parallel.cgroup_cpu_limit(str(root), str(tmp_path / "self")) == cores
    affinity = parallel.available_cores(str(tmp_path / "none"), str(tmp_path / "none"))
    expected = affinity if cores is None else min(cores, affinity)
    assert parallel.available_cores(str(root), str(tmp_path / "self")) == expected


def test_a_quota_above_the_affinity_does_not_raise_the_count(tmp_path):
    write(tmp_path / "cg" / "cpu.max", "6400000 100000\n")
    write(tmp_path / "self", "0::/\n")
    affinity = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    assert parallel.available_cores(str(tmp_path / "cg"), str(tmp_path / "self")) == affinity
