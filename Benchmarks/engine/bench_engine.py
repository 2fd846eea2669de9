#!/usr/bin/env python3
"""Engine overhead: repro plan and fully cached repro run on generated DAGs, against Snakemake.

For a chain and a wide fan-in of 1,000 and 10,000 nodes, and for a single cached recipe, it measures the
wall time of whole processes (start-up included): `repro plan`, a fully cached `repro run`, and Snakemake's
no-op re-run of the same DAG, all in this run, and prints medians and the ratio Snakemake / repro.
Usage: bench_engine.py REPRO_BINARY [--snakemake PATH] [--sizes 1000,10000] [--repeat 5] [--json FILE]
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

RECIPES = {
    "chain": """summary: one link of a generated chain
inputs:
  i: {type: int}
needs:
  prev: {recipe: chain, with: {i: "${{ inputs.i - 1 }}"}, if: "${{ inputs.i > 0 }}"}
run:
  action: write-file
  with: {path: v.txt, text: "${{ inputs.i }}"}
""",
    "leaf": """summary: one leaf of a generated fan-in
inputs:
  i: {type: int}
run:
  action: write-file
  with: {path: v.txt, text: "${{ inputs.i }}"}
""",
    "fanin": """summary: gathers N leaves
inputs:
  n: {type: int}
needs:
  leaf:
    recipe: leaf
    matrix: {i: "${{ range(inputs.n) }}"}
    with: {i: "${{ matrix.i }}"}
run:
  action: write-file
  with: {path: count.txt, text: "${{ len(needs.leaf.outputs.dir) }}"}
""",
    "single": """summary: one cached step
run: echo hello > hello.txt
""",
}

SNAKEFILES = {
    "chain": """N = int(config["size"])
rule all:
    input: f"out/{N - 1}.txt"
rule step:
    output: "out/{i}.txt"
    input: lambda w: [] if int(w.i) == 0 else [f"out/{int(w.i) - 1}.txt"]
    shell: "echo {wildcards.i} > {output}"
""",
    "fanin": """N = int(config["size"])
rule all:
    input: "out/count.txt"
rule leaf:
    output: "out/leaf/{i}.txt"
    shell: "echo {wildcards.i} > {output}"
rule count:
    input: expand("out/leaf/{i}.txt", i=range(N))
    output: "out/count.txt"
    shell: "ls out/leaf | wc -l > {output}"
""",
}


def timed(cmd, cwd, env=None, check_text=None):
    start = time.perf_counter()
    r = subprocess.run(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    elapsed = time.perf_counter() - start
    if r.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({r.returncode}):\n{r.stdout[-2000:]}")
    if check_text and check_text not in r.stdout:
        raise RuntimeError(f"{' '.join(cmd)}: expected '{check_text}' in its output:\n{r.stdout[-2000:]}")
    return elapsed


def median_of(repeat, fn):
    return statistics.median(fn() for _ in range(repeat))


def make_snakemake_outputs(kind, n, root):
    """Writes the outputs oldest-first, as a finished Snakemake run would leave them."""
    t = time.time() - 3600
    paths = [f"out/{i}.txt" for i in range(n)] if kind == "chain" else [f"out/leaf/{i}.txt" for i in range(n)] + ["out/count.txt"]
    for k, p in enumerate(paths):
        full = os.path.join(root, p)
        os.makedirs(os.path.dirname(full), exist_ok=True)
        with open(full, "w") as f:
            f.write("x\n")
        os.utime(full, (t + k * 0.001, t + k * 0.001))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("repro")
    ap.add_argument("--snakemake")
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--json")
    args = ap.parse_args()
    repro = os.path.abspath(args.repro)
    work = tempfile.mkdtemp(prefix="repro-bench-engine-")
    env = dict(os.environ, REPRO_SHIPPED_RECIPES="none", REPRO_CACHE=os.path.join(work, "cache"),
               REPRO_RUNS=os.path.join(work, "runs"), TERM="dumb")
    os.makedirs(os.path.join(work, "recipes"))
    for name, text in RECIPES.items():
        with open(os.path.join(work, "recipes", name + ".yaml"), "w") as f:
            f.write(text)
    results = []
    print(f"engine overhead, whole processes, median of {args.repeat} (machine: {os.cpu_count()} cpus)")
    print(f"{'DAG':<16} {'nodes':>6} {'repro plan':>11} {'repro run (cached)':>19} {'snakemake no-op':>16} {'ratio':>7}")

    timed([repro, "run", "single"], work, env)
    single = median_of(args.repeat, lambda: timed([repro, "run", "single"], work, env, "1 cached"))
    print(f"{'single recipe':<16} {1:>6} {'':>11} {single * 1000:>16.1f} ms")
    results.append({"dag": "single", "nodes": 1, "repro_cached_run_s": single})

    for n in [int(s) for s in args.sizes.split(",")]:
        for kind in ["chain", "fanin"]:
            sel = ["chain", f"i={n - 1}"] if kind == "chain" else ["fanin", f"n={n}"]
            nodes = n if kind == "chain" else n + 1
            timed([repro, "run", *sel], work, env)  # build everything once
            plan = median_of(args.repeat, lambda: timed([repro, "plan", *sel], work, env))
            cached = median_of(args.repeat, lambda: timed([repro, "run", *sel], work, env, f"{nodes} cached"))
            row = {"dag": kind, "nodes": nodes, "repro_plan_s": plan, "repro_cached_run_s": cached}
            snake_text = ""
            if args.snakemake:
                sroot = os.path.join(work, f"snake-{kind}-{n}")
                os.makedirs(sroot)
                with open(os.path.join(sroot, "Snakefile"), "w") as f:
                    f.write(SNAKEFILES[kind])
                make_snakemake_outputs(kind, n, sroot)
                cmd = [args.snakemake, "-c1", "--config", f"size={n}"]
                try:
                    timed(cmd, sroot, check_text="Nothing to be done")
                    snake = median_of(max(1, args.repeat // 2), lambda: timed(cmd, sroot, check_text="Nothing to be done"))
                    row["snakemake_noop_s"] = snake
                    row["ratio_snakemake_over_repro"] = snake / cached
                    snake_text = f"{snake * 1000:>13.0f} ms {snake / cached:>6.1f}x"
                except RuntimeError as e:
                    row["snakemake_error"] = str(e).splitlines()[-1][:200]
                    snake_text = f"{'failed':>16}"
            print(f"{kind:<16} {nodes:>6} {plan * 1000:>8.0f} ms {cached * 1000:>16.0f} ms {snake_text}")
            results.append(row)
    print("ratio = Snakemake's no-op re-run time / repro's fully cached run time (higher is better for repro)")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
