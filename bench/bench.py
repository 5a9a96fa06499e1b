#!/usr/bin/env python3
"""whatif benchmark harness: times whole-process runs of whatif and of the numpy peer
(../shared/peers/numpy_walk.py) on the same scenario files, in one invocation, and
prints runs per second and their ratios. Speed is reported, never asserted.

usage: python3 bench/bench.py [--runs N] [--peer-runs N] [--memory] [--repeat K]
                              [--baseline REV [--pairs K]] [--scaling [THREADS]]
                              [--no-build]

  --runs N          runs per whatif measurement (default 10,000,000)
  --peer-runs N     runs per peer measurement (default 1,000,000; the peer is slower)
  --memory          also measure peak RSS at 10,000,000 and 100,000,000 runs of both
                    scenarios (slow: about four minutes)
  --repeat K        take the best of K timings per cell (default 3)
  --baseline REV    also build git revision REV (in a worktree under target/, kept for
                    the next time) and time the same whatif cells with it, for ratios
                    of today's engine against it measured in the same invocation: the
                    two builds' timings of a cell alternate (which goes first swaps
                    each round), so that a machine that slows down for a while slows
                    both; the ratio is given between the bests and as the median of
                    the rounds' ratios
  --pairs K         with --baseline: only the default run against REV, on one thread
                    and on the default threads, in K alternating rounds per cell (say
                    20 or 30: the most precise ratio this harness gives); no peer, no
                    walk probe
  --scaling [LIST]  only time `whatif run` (default options) on both files at each
                    thread count of LIST (default 1,2,4,...,cores) and print the speed
                    against one thread; no peer. Then the machine's own ceiling: as many
                    one-thread processes at once as the most threads, against one
                    alone (a tenth of the runs each). This is the script for a many-core
                    machine: with --no-build it uses the binary in target/release as is.
  --no-build        do not run cargo (the binaries in target/release must exist)

The last lines give the share of a run spent where threads take turns
(examples/merge_share.rs): the in-order merge of chunk results, and the path summary's
stops; N threads cannot go faster than one thread divided by that share.

"walk and counts" is examples/walk_probe.rs: the walk with branch and outcome counts
only, in-process, one thread; on bench/chain_14x4.yaml (no conditions, no effects) it
gives the fixed cost of a step. It needs python3 with numpy and pyyaml for the peer
(installed with pip if missing) and builds whatif in release mode first.
OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE are unset for the peer only, so that numpy runs
at full speed.
"""
import argparse
import os
import shutil
import statistics
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


def alternating(k, cmd, old_cmd):
    """Times `cmd` and `old_cmd` in k rounds, one of each per round, the first swapping
    each round; returns (best wall of cmd, best wall of old_cmd, median of the rounds'
    old/new ratios)."""
    new, old = [], []
    for i in range(k):
        order = [(cmd, new), (old_cmd, old)]
        if i % 2:
            order.reverse()
        for c, into in order:
            into.append(run(c)[0])
    return min(new), min(old), statistics.median(o / n for o, n in zip(old, new))


def against_row(name, k, runs, cells, old_binary):
    """One scenario's default run (`cells(binary)` is its command line, `runs` runs)
    timed against the baseline binary in k alternating rounds, on one thread and on the
    default threads: (name, then and now runs/s on one thread, median ratio, then and
    now on the default threads, median ratio)."""
    t1, o1, m1 = alternating(k, cells(str(WHATIF)) + ["--threads", "1"], cells(old_binary) + ["--threads", "1"])
    td, od, md = alternating(k, cells(str(WHATIF)), cells(old_binary))
    return (name, runs / o1, runs / t1, m1, runs / od, runs / td, md)


def print_against(rev, k, rows):
    print()
    print(f"against {rev}, timed alternately ({k} rounds): the ratio between the bests, and the median of the rounds' ratios")
    header = f"{'scenario':<18} {'then 1 thr':>11} {'now 1 thr':>11} {'ratio':>7} {'median':>7} {'then default':>13} {'now default':>12} {'ratio':>7} {'median':>7}"
    print(header)
    print("-" * len(header))
    for name, o1, n1, m1, od, nd, md in rows:
        print(f"{name:<18} {o1:>11,.0f} {n1:>11,.0f} {n1 / o1:>6.2f}x {m1:>6.2f}x {od:>13,.0f} {nd:>12,.0f} {nd / od:>6.2f}x {md:>6.2f}x")


def pairs_only(a, scenarios, tmp):
    """--pairs: only today's default run against the baseline's, in many rounds."""
    rev, old_binary = baseline_binary(a.baseline)
    print(f"whatif runs {a.runs:,} per timing; `whatif run FILE --threads T` (paths, exact, every CSV)")
    rows = []
    for name, path in scenarios:
        cells = lambda binary, path=path: [binary, "run", str(path), "--quiet", "--out", str(tmp / "p"), "--runs", str(a.runs)]
        rows.append(against_row(name, a.pairs, a.runs, cells, str(old_binary)))
    print_against(rev, a.pairs, rows)


def ensure_peer_deps():
    try:
        import numpy  # noqa: F401
        import yaml  # noqa: F401
    except ImportError:
        subprocess.run([sys.executable, "-m", "pip", "install", "-q", "numpy", "pyyaml"], check=True)


def layered_file(tmp):
    """The 12x4 layered benchmark file: from the peers' generator, or the copy that
    --scaling runs carry with them (bench/layered_12x4.yaml, identical)."""
    gen = PEERS / "gen_layered.py"
    if gen.exists():
        text = subprocess.run([sys.executable, str(gen), "12", "4"], capture_output=True, text=True, check=True).stdout
    else:
        text = (ROOT / "bench" / "layered_12x4.yaml").read_text()
    path = tmp / "layered_12x4.yaml"
    path.write_text(text)
    return path


def baseline_binary(rev):
    """Builds `rev` in a worktree under target/ and returns its whatif binary."""
    sha = subprocess.run(["git", "rev-parse", "--short", rev], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    tree = ROOT / "target" / f"baseline-{sha}"
    if not tree.exists():
        subprocess.run(["git", "worktree", "add", "--detach", str(tree), sha], cwd=ROOT, check=True)
    subprocess.run(["cargo", "build", "--release", "--locked", "--bins"], cwd=tree, check=True)
    return sha, tree / "target" / "release" / "whatif"


def walk_probe(repeat, path, runs):
    """Best walk-and-counts rate of examples/walk_probe, one thread."""
    probe = ROOT / "target" / "release" / "examples" / "walk_probe"
    rates = [float(run([str(probe), str(path), str(runs), "walk_and_counts"])[2].split()[3]) for _ in range(repeat)]
    return max(rates)


def merge_share(path, runs, threads):
    """examples/merge_share: the share of a simulation spent in the in-order merge and at
    the path summary's stops (where one thread holds every shard of it)."""
    probe = ROOT / "target" / "release" / "examples" / "merge_share"
    lines = [l.split() for l in run([str(probe), str(path), str(runs), str(threads)])[2].splitlines()]
    merge, wall_ms = float(lines[0][8]), float(lines[0][6])
    stops, reductions, stop_share = int(lines[1][3]), int(lines[1][5]), float(lines[1][9])
    census_share = float(lines[1][11]) / wall_ms if len(lines[1]) > 11 else 0.0
    return merge, stops, reductions, stop_share, census_share


def print_merge_shares(scenarios, runs, threads):
    print()
    print(f"the parts of a simulation no two threads share ({runs:,} runs, {threads} thread(s), examples/merge_share):")
    for name, path in scenarios:
        merge, stops, reductions, stop_share, census_share = merge_share(path, runs, threads)
        print(f"  {name}: in-order merge {100 * merge:.2f}% of the run; path summary stops {stops} ({reductions} reductions): every shard held by one thread {100 * stop_share:.2f}% of the run, shard censuses (in parallel) {100 * census_share:.2f}%")


def together(cmds):
    """Starts every command at once; returns the wall time until the last one ends."""
    start = time.perf_counter()
    procs = [subprocess.Popen(c, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) for c in cmds]
    for p, c in zip(procs, cmds):
        if p.wait() != 0:
            sys.exit(f"failed: {' '.join(map(str, c))}\n{p.stderr.read().decode()}")
    return time.perf_counter() - start


def machine_ceiling(a, scenarios, tmp, n):
    """What the machine gives work that shares nothing: n one-thread processes at once
    against one alone. Per-core speed drops when every core is busy (clock, shared
    caches and memory), and no thread count can beat that."""
    print()
    print(f"the machine's own ceiling: {n} independent one-thread `whatif run` processes at once against one alone ({a.runs // 10:,} runs each, best of {a.repeat}):")
    for name, path in scenarios:
        for label, extra in [("default", []), ("--no-exact --max-paths 0", ["--no-exact", "--max-paths", "0"])]:
            cmd = lambda i: [str(WHATIF), "run", str(path), "--quiet", "--out", str(tmp / f"c{i}"), "--runs", str(a.runs // 10), "--threads", "1"] + extra
            alone = min(together([cmd(0)]) for _ in range(a.repeat))
            many = min(together([cmd(i) for i in range(n)]) for _ in range(a.repeat))
            print(f"  {name} ({label}): each at {alone / many:.2f} of its speed alone, {n * alone / many:.2f}x one alone together")


def scaling(a, scenarios, tmp):
    counts = [int(t) for t in a.scaling.split(",")] if a.scaling != "auto" else None
    cores = os.cpu_count()
    if counts is None:
        counts = [1]
        while counts[-1] * 2 <= cores:
            counts.append(counts[-1] * 2)
        if counts[-1] != cores:
            counts.append(cores)
    print(f"machine: {cores} cores; whatif runs {a.runs:,} per cell, best of {a.repeat}; `whatif run FILE --threads T` (paths, exact, every CSV)")
    print()
    header = f"{'scenario':<18} {'threads':>7} {'runs/s':>13} {'vs 1 thread':>11}"
    print(header)
    print("-" * len(header))
    for name, path in scenarios:
        one = None
        for t in counts:
            wall, _, _ = best(a.repeat, [str(WHATIF), "run", str(path), "--quiet", "--out", str(tmp / "s"), "--runs", str(a.runs), "--threads", str(t)])
            rate = a.runs / wall
            one = one or rate
            print(f"{name:<18} {t:>7} {rate:>13,.0f} {rate / one:>10.2f}x")
    for t in sorted({1, counts[-1]}):
        print_merge_shares(scenarios, a.runs, t)
    if counts[-1] > 1:
        machine_ceiling(a, scenarios, tmp, counts[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=10_000_000)
    ap.add_argument("--peer-runs", type=int, default=1_000_000)
    ap.add_argument("--memory", action="store_true")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--baseline")
    ap.add_argument("--pairs", type=int)
    ap.add_argument("--scaling", nargs="?", const="auto")
    ap.add_argument("--no-build", action="store_true")
    a = ap.parse_args()
    if a.pairs and not a.baseline:
        ap.error("--pairs needs --baseline REV (the build to time against)")

    if not a.no_build:
        subprocess.run(["cargo", "build", "--release", "--locked", "--examples", "--bins"], cwd=ROOT, check=True)
    tmp = Path(tempfile.mkdtemp(prefix="whatif-bench-"))
    layered = layered_file(tmp)
    scenarios = [("bundled baseline", ROOT / "scenarios" / "putin_north_korea_visit.yaml"), ("layered 12x4", layered)]
    if a.scaling:
        scaling(a, scenarios, tmp)
        shutil.rmtree(tmp)
        return
    if a.pairs:
        pairs_only(a, scenarios, tmp)
        shutil.rmtree(tmp)
        return
    ensure_peer_deps()
    old = baseline_binary(a.baseline) if a.baseline else None
    peer_env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")}
    cores = os.cpu_count()
    print(f"machine: {cores} cores; whatif runs {a.runs:,}, peer runs {a.peer_runs:,}, best of {a.repeat}")
    print()
    header = f"{'scenario':<18} {'numpy peer':>11} {'walk+counts':>12} {'1 thread':>11} {'2 threads':>11} {'default':>11} {'2 thr/numpy':>11} {'2 vs 1 thr':>10} {'exact share':>11}"
    print(header)
    print("-" * len(header))
    rows = []
    for name, path in scenarios:
        peer_wall, _, _ = best(a.repeat, [sys.executable, str(PEERS / "numpy_walk.py"), str(path), "--runs", str(a.peer_runs)], peer_env)
        peer_rps = a.peer_runs / peer_wall
        out = tmp / "out"
        cells = lambda binary: [binary, "run", str(path), "--quiet", "--out", str(out), "--runs", str(a.runs)]
        base = cells(str(WHATIF))
        walk = walk_probe(a.repeat, path, a.runs)
        if old:
            row = against_row(name, a.repeat, a.runs, cells, str(old[1]))
            rows.append(row)
            t1, td = a.runs / row[2], a.runs / row[5]
        else:
            t1, _, _ = best(a.repeat, base + ["--threads", "1"])
            td, _, _ = best(a.repeat, base)
        t2, _, _ = best(a.repeat, base + ["--threads", "2"])
        # The exact analysis timed on its own (the difference of two whole-process timings
        # drowns in this machine's noise), with the budget `whatif run` uses.
        probe = [str(ROOT / "target" / "release" / "examples" / "exact_probe"), str(path), "default"]
        te = min(float(run(probe)[2].split()[-2]) for _ in range(a.repeat))
        exact_share = te / td
        rps = lambda t: a.runs / t
        print(f"{name:<18} {peer_rps:>11,.0f} {walk:>12,.0f} {rps(t1):>11,.0f} {rps(t2):>11,.0f} {rps(td):>11,.0f} {rps(t2) / peer_rps:>10.1f}x {t1 / t2:>9.2f}x {100 * exact_share:>10.1f}%")
    if old:
        print_against(old[0], a.repeat, rows)
    print()
    floor_out = subprocess.run([str(ROOT / "target" / "release" / "examples" / "rng_floor"), "20000000", "14"], capture_output=True, text=True, check=True).stdout
    floor = float(floor_out.split()[2])
    t1, _, _ = best(a.repeat, [str(WHATIF), "run", "--quiet", "--no-exact", "--max-paths", "0", "--threads", "1", "--out", str(tmp / "o"), "--runs", str(a.runs)])
    chain = walk_probe(a.repeat, ROOT / "bench" / "chain_14x4.yaml", a.runs)
    print(f"random-number floor (bundled baseline, 14 branch draws per run, one thread): {floor:,.0f} runs/s")
    print(f"walk and counts on the fixed chain (bench/chain_14x4.yaml: 14 steps, no conditions, no effects): {chain:,.0f} runs/s = {1e9 / chain / 14:.1f} ns per step")
    print(f"simulation without exact analysis and paths (bundled, one thread, --no-exact --max-paths 0): {a.runs / t1:,.0f} runs/s = {100 * (a.runs / t1) / floor:.1f}% of the floor")
    print_merge_shares(scenarios, a.runs, 1)
    if a.memory:
        print()
        for name, path in scenarios:
            for runs in (10_000_000, 100_000_000):
                wall, rss, _ = run([str(WHATIF), "run", str(path), "--quiet", "--out", str(tmp / "m"), "--runs", str(runs)])
                print(f"{name}, {runs:,} runs: {wall:.1f} s, peak RSS {rss:.1f} MB")
    shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
