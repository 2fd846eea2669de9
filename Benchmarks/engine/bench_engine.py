#!/usr/bin/env python3
"""Engine overhead: repro plan and fully cached repro run on generated DAGs, against Snakemake.

For a chain and a wide fan-in of N nodes (1,000 by default), and for a single cached recipe, it measures the wall
time of whole processes (start-up included, output read through a pipe): `repro plan`, a fully cached `repro run`,
and Snakemake's no-op re-run of the same DAG. repro and Snakemake take turns, so a busy machine slows both alike;
it prints medians, the ratio Snakemake / repro, the machine and how loaded it was.
Usage: bench_engine.py REPRO_BINARY [--snakemake PATH] [--sizes 1000] [--repeat 7] [--json FILE]
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

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import machine  # noqa: E402

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


def version(cmd):
    try:
        return subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True).stdout.strip().splitlines()[0]
    except (OSError, IndexError):
        return "?"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("repro")
    ap.add_argument("--snakemake")
    ap.add_argument("--sizes", default="1000")
    ap.add_argument("--repeat", type=int, default=7)
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
    snake_version = version([args.snakemake, "--version"]) if args.snakemake else None
    print(f"engine overhead: whole processes, median of {args.repeat}, repro and Snakemake taking turns")
    print(machine.start_line())
    print(f"  repro {version([repro, '--version'])}" + (f"; Snakemake {snake_version}" if snake_version else ""))
    print(f"{'DAG':<14} {'nodes':>6} {'Snakemake / repro':>18} {'repro run (cached)':>19} {'snakemake no-op':>16} {'repro plan':>11}")

    timed([repro, "run", "single"], work, env)
    single = median_of(args.repeat, lambda: timed([repro, "run", "single"], work, env, "1 cached"))
    print(f"{'single recipe':<14} {1:>6} {'':>18} {single * 1000:>16.1f} ms")
    results.append({"dag": "single", "nodes": 1, "repro_cached_run_s": single})

    goals = []
    for n in [int(s) for s in args.sizes.split(",")]:
        for kind in ["chain", "fanin"]:
            sel = ["chain", f"i={n - 1}"] if kind == "chain" else ["fanin", f"n={n}"]
            nodes = n if kind == "chain" else n + 1
            timed([repro, "run", *sel], work, env)  # build everything once
            plan = median_of(args.repeat, lambda: timed([repro, "plan", *sel], work, env))
            cmd = None
            if args.snakemake:
                sroot = os.path.join(work, f"snake-{kind}-{n}")
                os.makedirs(sroot)
                with open(os.path.join(sroot, "Snakefile"), "w") as f:
                    f.write(SNAKEFILES[kind])
                make_snakemake_outputs(kind, n, sroot)
                cmd = [args.snakemake, "-c1", "--config", f"size={n}"]
                timed(cmd, sroot, check_text="Nothing to be done")  # first run: Snakemake's own caches
            mine, theirs = [], []
            for _ in range(args.repeat):
                mine.append(timed([repro, "run", *sel], work, env, f"{nodes} cached"))
                if cmd:
                    theirs.append(timed(cmd, sroot, check_text="Nothing to be done"))
            cached = statistics.median(mine)
            row = {"dag": kind, "nodes": nodes, "repro_plan_s": plan, "repro_cached_run_s": cached}
            text = f"{kind:<14} {nodes:>6} "
            if theirs:
                snake = statistics.median(theirs)
                row["snakemake_noop_s"] = snake
                row["ratio_snakemake_over_repro"] = snake / cached
                text += f"{snake / cached:>17.1f}x {cached * 1000:>16.0f} ms {snake * 1000:>13.0f} ms"
                if n == 1000:
                    goals.append(cached < 0.1 and snake / cached >= 15)
            else:
                text += f"{'':>18} {cached * 1000:>16.0f} ms {'':>16}"
            print(text + f" {plan * 1000:>8.0f} ms")
            results.append(row)
    print(machine.end_line())
    print("ratio = Snakemake's no-op re-run time / repro's fully cached run time (higher is better for repro)")
    if goals:
        print("goal (1,000 nodes: cached run under 100 ms and at least 15x Snakemake): " + ("met" if all(goals) else "NOT met"))
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
