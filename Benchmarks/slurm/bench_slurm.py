#!/usr/bin/env python3
"""Per-node overhead of the slurm runner against the local runner: a fan-out of N trivial shell steps
(plus the step that gathers them), built from an empty cache each time, wall time of the whole `repro run`.
Usage: bench_slurm.py REPRO [--nodes 100] [--repeat 3]   (SLURM_CONF must point at a running cluster)
"""
import argparse
import os
import shutil
import statistics
import subprocess
import tempfile
import time

FAN = """summary: a fan-out of trivial steps
inputs:
  n: {type: int}
needs:
  leaf:
    recipe: leaf
    matrix: {i: "${{ range(inputs.n) }}"}
    with: {i: "${{ matrix.i }}"}
run: echo ${{ len(needs.leaf.outputs.dir) }} > count.txt
"""
LEAF = "summary: trivial\ninputs:\n  i: {type: int}\nrun: echo ${{ inputs.i }} > v.txt\n"


def run_once(repro, work, runner, n):
    cache = tempfile.mkdtemp(prefix="cache-", dir=work)
    env = dict(os.environ, REPRO_SHIPPED_RECIPES="none", REPRO_CACHE=cache, REPRO_RUNS=os.path.join(work, "runs"))
    start = time.perf_counter()
    r = subprocess.run([repro, "run", "fan", f"n={n}", "--runner", runner], cwd=work, env=env,
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    elapsed = time.perf_counter() - start
    if r.returncode != 0:
        raise SystemExit(f"repro run --runner {runner} failed:\n{r.stdout[-3000:]}")
    shutil.rmtree(cache, ignore_errors=True)
    return elapsed


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("repro")
    ap.add_argument("--nodes", type=int, default=100)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    work = tempfile.mkdtemp(prefix="repro-bench-slurm-")
    os.makedirs(os.path.join(work, "recipes"))
    open(os.path.join(work, "recipes", "fan.yaml"), "w").write(FAN)
    open(os.path.join(work, "recipes", "leaf.yaml"), "w").write(LEAF)
    repro = os.path.abspath(args.repro)
    n = args.nodes
    local = statistics.median(run_once(repro, work, "local", n) for _ in range(args.repeat))
    slurm = statistics.median(run_once(repro, work, "slurm", n) for _ in range(args.repeat))
    nodes = n + 1
    print(f"fan-out of {n} trivial steps + 1, empty cache, median of {args.repeat} ({os.cpu_count()} cpus, single-node Slurm)")
    print(f"  local runner: {local:.2f} s ({local / nodes * 1000:.1f} ms per node)")
    print(f"  slurm runner: {slurm:.2f} s ({slurm / nodes * 1000:.1f} ms per node)")
    print(f"  slurm overhead per node: {(slurm - local) / nodes * 1000:.1f} ms; slurm / local = {slurm / local:.1f}x")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
