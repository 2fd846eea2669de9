#!/usr/bin/env python3
"""What repro adds to Slurm: a fan-out of N trivial steps and the step that gathers them, from an empty cache,
run three ways in this run, taking turns:
  - repro's local runner (no Slurm at all);
  - repro's slurm runner (the N leaves go in as one job array, the gatherer as one job after it);
  - the same jobs submitted by hand with sbatch (one array of N tasks that each write a file, one job that
    depends on it and counts them), waited for by polling squeue every 0.1 s.
The difference between the last two is repro's own overhead on Slurm (its planning, its result files, its
0.5 s squeue poll); the difference between raw sbatch and the local runner is Slurm's.
Usage: bench_slurm.py REPRO [--nodes 100] [--repeat 3]   (SLURM_CONF must point at a running cluster)
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import machine  # noqa: E402

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


def run_repro(repro, work, runner, n):
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


def sbatch(args, cwd):
    r = subprocess.run(["sbatch", "--parsable", *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                       text=True)
    if r.returncode != 0:
        raise SystemExit(f"sbatch {' '.join(args)} failed ({r.returncode}): {r.stderr.strip()}")
    return r.stdout.strip().split(";")[0]


def run_raw(work, n):
    """The same work as plain Slurm jobs: one array of n tasks, then one job after it; poll until both are gone."""
    folder = tempfile.mkdtemp(prefix="raw-", dir=work)
    start = time.perf_counter()
    array = sbatch([f"--array=0-{n - 1}", "--output=/dev/null", "--wrap=echo $SLURM_ARRAY_TASK_ID > v.$SLURM_ARRAY_TASK_ID.txt"], folder)
    last = sbatch([f"--dependency=afterok:{array}", "--kill-on-invalid-dep=yes", "--output=/dev/null",
                   "--wrap=ls v.*.txt | wc -l > count.txt"], folder)
    while True:
        q = subprocess.run(["squeue", "-h", "-j", f"{array},{last}", "-o", "%i"], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, text=True)
        if q.returncode == 0 and not q.stdout.strip():
            break
        time.sleep(0.1)
    elapsed = time.perf_counter() - start
    count = open(os.path.join(folder, "count.txt")).read().strip() if os.path.exists(os.path.join(folder, "count.txt")) else "none"
    if count != str(n):
        raise SystemExit(f"the raw sbatch jobs did not finish as expected (count.txt: {count}, expected {n})")
    shutil.rmtree(folder, ignore_errors=True)
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
    print(f"fan-out of {n} trivial steps + 1 that gathers them, empty cache, median of {args.repeat}, the three taking turns")
    print(machine.start_line())
    local, slurm, raw = [], [], []
    for _ in range(args.repeat):
        local.append(run_repro(repro, work, "local", n))
        slurm.append(run_repro(repro, work, "slurm", n))
        raw.append(run_raw(work, n))
    local, slurm, raw = (statistics.median(x) for x in (local, slurm, raw))
    nodes = n + 1
    print(f"  repro slurm / raw sbatch: {slurm / raw:.2f}x   repro's overhead on Slurm {(slurm - raw) / nodes * 1000:.1f} ms per node")
    print(f"  repro, local runner:  {local:6.2f} s")
    print(f"  raw sbatch jobs:      {raw:6.2f} s (an array of {n} tasks and one job after it; squeue polled every 0.1 s)")
    print(f"  repro, slurm runner:  {slurm:6.2f} s (the same two jobs; squeue polled every 0.5 s)")
    print(machine.end_line())
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
