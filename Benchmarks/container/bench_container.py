#!/usr/bin/env python3
"""What repro adds to a container's start and stop: the same one-line step run by repro on the host, by repro in
the debian-image image (named by its OCI archive, and by its name), and by a bare `podman run` of the same image,
taking turns, wall time of whole processes, median of N.

repro's container overhead = container step - plain step (both pay repro's own planning and recording, so the
difference is what the container costs through repro); it is set beside the bare `podman run`'s time.
Usage: bench_container.py REPRO [--repeat 10]
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

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
STEP = "cat /etc/debian_version > v.txt"
PLAIN = "summary: on the host\nrun: " + STEP + "\noutputs:\n  v: ${{ node.out }}/v.txt\n"
BOXED = ("summary: in the image\ninputs:\n  image: {type: string}\n"
         "container: {image: \"${{ inputs.image }}\", runtime: podman}\n"
         "run: " + STEP + "\noutputs:\n  v: ${{ node.out }}/v.txt\n")


def sh(argv, env=None, cwd=None):
    r = subprocess.run(argv, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode != 0:
        raise SystemExit(f"{' '.join(argv)} failed with exit status {r.returncode}:\n{r.stdout[-3000:]}")
    return r.stdout


def image(repro):
    """The debian-image entry (built on first use): its archive, digest and name."""
    folder = os.path.join(ROOT, ".build", "bench-images")
    env = dict(os.environ, REPRO_CACHE=os.path.join(folder, "cache"), REPRO_RUNS=os.path.join(folder, "runs"),
               REPRO_SHIPPED_RECIPES="none")
    sh([repro, "run", "debian-image", "--recipes", os.path.join(ROOT, "recipes")], env=env, cwd=ROOT)
    runs = sorted(os.listdir(os.path.join(folder, "runs")))
    manifest = json.load(open(os.path.join(folder, "runs", runs[-1], "manifest.json")))
    node = next(n for n in manifest["nodes"] if n["id"] == "debian-image")
    archive = os.path.join(folder, "cache", "entries", node["entry"], "out", "image.oci.tar")
    return archive, node["outputs"]["digest"], node["outputs"]["image"]


def timed(argv, env, cwd):
    start = time.perf_counter()
    sh(argv, env=env, cwd=cwd)
    return time.perf_counter() - start


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("repro")
    ap.add_argument("--repeat", type=int, default=10)
    args = ap.parse_args()
    repro = os.path.abspath(args.repro)
    archive, digest, name = image(repro)
    work = tempfile.mkdtemp(prefix="repro-bench-container-")
    os.makedirs(os.path.join(work, "recipes"))
    open(os.path.join(work, "recipes", "plain.yaml"), "w").write(PLAIN)
    open(os.path.join(work, "recipes", "boxed.yaml"), "w").write(BOXED)
    env = dict(os.environ, REPRO_SHIPPED_RECIPES="none", REPRO_CACHE=os.path.join(work, "cache"),
               REPRO_RUNS=os.path.join(work, "runs"))
    bare = ["podman", "run", "--rm", "--network", "none", digest.removeprefix("sha256:"), "cat", "/etc/debian_version"]
    cases = {
        "plain step (host)": [repro, "run", "plain", "--fresh", "plain"],
        "container step (archive)": [repro, "run", "boxed", f"image={archive}", "--fresh", "boxed"],
        "container step (name)": [repro, "run", "boxed", f"image={name}", "--fresh", "boxed"],
        "bare podman run": bare,
    }
    # Outputs first: the step in the image and the bare podman run see the same file.
    inside = sh(bare).strip()
    sh(cases["container step (archive)"], env=env, cwd=work)
    runs = sorted(os.listdir(os.path.join(work, "runs")))
    node = json.load(open(os.path.join(work, "runs", runs[-1], "manifest.json")))["nodes"][0]
    step = open(os.path.join(work, "cache", "entries", node["entry"], "out", "v.txt")).read().strip()
    if step != inside:
        raise SystemExit(f"outputs differ: the container step read {step!r}, podman run {inside!r}")
    print(machine.start_line())
    times = {k: [] for k in cases}
    for _ in range(args.repeat):
        for k, argv in cases.items():
            times[k].append(timed(argv, env, work))
    med = {k: statistics.median(v) for k, v in times.items()}
    print(f"one step, `{STEP}`, whole processes, taking turns, median of {args.repeat} "
          f"({os.cpu_count()} cpus; podman {sh(['podman', '--version']).split()[-1]}, runc; outputs equal: {inside})")
    for k, v in med.items():
        print(f"  {k:26s} {v * 1000:7.0f} ms  (min {min(times[k]) * 1000:.0f}, max {max(times[k]) * 1000:.0f})")
    for k in ["container step (archive)", "container step (name)"]:
        overhead = med[k] - med["plain step (host)"]
        print(f"  {k}: the container costs {overhead * 1000:.0f} ms through repro, "
              f"{overhead / med['bare podman run']:.2f}x a bare podman run (goal: under 1.10x)")
    print(machine.end_line())
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
