#!/usr/bin/env python3
"""whatif benchmark harness: times whole-process runs of whatif and of the numpy peer
(../shared/peers/numpy_walk.py) on the same scenario files, in one invocation, and
prints runs per second and their ratios. Speed is reported, never asserted.

usage: python3 bench/bench.py [--runs N] [--peer-runs N] [--memory] [--repeat K]

  --runs N        runs per whatif measurement (default 10,000,000)
  --peer-runs N   runs per peer measurement (default 1,000,000; the peer is slower)
  --memory        also measure peak RSS at 10,000,000 and 100,000,000 runs of both
                  scenarios (slow: about four minutes)
  --repeat K      take the best of K timings per cell (default 3)

It needs python3 with numpy and pyyaml for the peer (installed with pip if missing)
and builds whatif in release mode first. OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are
unset for the peer only, so that numpy runs at full speed.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PEERS = ROOT.parent / "shared" / "peers"
WHATIF = ROOT / "target" / "release" / "whatif"


def run(cmd, env=None):
    """Runs a command; returns (wall seconds, peak RSS in MB, stdout)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    out = proc.stdout.read()
    err = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if status != 0:
        sys.exit(f"failed: {' '.join(map(str, cmd))}\n{err.decode()}")
    return wall, usage.ru_maxrss / 1024.0, out.decode()


def best(k, cmd, env=None):
    results = [run(cmd, env) for _ in range(k)]
    return min(results, key=lambda r: r[0])


def ensure_peer_deps():
    try:
        import numpy  # noqa: F401
        import yaml  # noqa: F401
    except ImportError:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "numpy", "pyyaml"], check=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=10_000_000)
    ap.add_argument("--peer-runs", type=int, default=1_000_000)
    ap.add_argument("--memory", action="store_true")
    ap.add_argument("--repeat", type=int, default=3)
    a = ap.parse_args()

    ensure_peer_deps()
    subprocess.run(["cargo", "build", "--release", "--locked", "--examples", "--bins"], cwd=ROOT, check=True)
    tmp = Path(tempfile.mkdtemp(prefix="whatif-bench-"))
    layered = tmp / "layered_12x4.yaml"
    layered.write_text(subprocess.run([sys.executable, str(PEERS / "gen_layered.py"), "12", "4"], capture_output=True, text=True, check=True).stdout)
    scenarios = [("bundled baseline", ROOT / "scenarios" / "putin_north_korea_visit.yaml"), ("layered 12x4", layered)]
    peer_env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    cores = os.cpu_count()
    print(f"machine: {cores} cores; whatif runs {a.runs:,}, peer runs {a.peer_runs:,}, best of {a.repeat}")
    print()
    header = f"{'scenario':<18} {'numpy peer':>12} {'whatif 1 thr':>13} {'whatif 2 thr':>13} {'default':>12} {'x numpy':>8} {'2 vs 1 thr':>10} {'exact share':>11}"
    print(header)
    print("-" * len(header))
    for name, path in scenarios:
        peer_wall, _, _ = best(a.repeat, [sys.executable, str(PEERS / "numpy_walk.py"), str(path), "--runs", str(a.peer_runs)], peer_env)
        peer_rps = a.peer_runs / peer_wall
        out = tmp / "out"
        base = [str(WHATIF), "run", str(path), "--quiet", "--out", str(out), "--runs", str(a.runs)]
        t1, _, _ = best(a.repeat, base + ["--threads", "1"])
        t2, _, _ = best(a.repeat, base + ["--threads", "2"])
        td, _, _ = best(a.repeat, base)
        # The exact analysis timed on its own (the difference of two whole-process timings
        # drowns in this machine's noise), with the budget `whatif run` uses.
        probe = [str(ROOT / "target" / "release" / "examples" / "exact_probe"), str(path), "default"]
        te = min(float(run(probe)[2].split()[-2]) for _ in range(a.repeat))
        exact_share = te / td
        rps = lambda t: a.runs / t
        print(f"{name:<18} {peer_rps:>12,.0f} {rps(t1):>13,.0f} {rps(t2):>13,.0f} {rps(td):>12,.0f} {rps(td) / peer_rps:>7.1f}x {t1 / t2:>9.2f}x {100 * exact_share:>10.1f}%")
    print()
    manifest = (tmp / "out" / "manifest.csv").read_text()
    floor_out = subprocess.run([str(ROOT / "target" / "release" / "examples" / "rng_floor"), "20000000", "11.338"], capture_output=True, text=True, check=True).stdout
    floor = float(floor_out.split()[2])
    t1, _, _ = best(a.repeat, [str(WHATIF), "run", "--quiet", "--no-exact", "--max-paths", "0", "--threads", "1", "--out", str(tmp / "o"), "--runs", str(a.runs)])
    print(f"random-number floor (bundled baseline, 11.338 draws per run, one thread): {floor:,.0f} runs/s")
    print(f"simulation without exact analysis and paths (bundled, one thread, --no-exact --max-paths 0): {a.runs / t1:,.0f} runs/s = {100 * (a.runs / t1) / floor:.1f}% of the floor")
    if a.memory:
        print()
        for name, path in scenarios:
            for runs in (10_000_000, 100_000_000):
                wall, rss, _ = run([str(WHATIF), "run", str(path), "--quiet", "--out", str(tmp / "m"), "--runs", str(runs)])
                print(f"{name}, {runs:,} runs: {wall:.1f} s, peak RSS {rss:.1f} MB")
    shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
