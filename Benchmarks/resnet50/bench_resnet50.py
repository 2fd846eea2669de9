#!/usr/bin/env python3
"""ResNet-50 v1.5 on repro's kernels against onnxruntime (pinned, PyPI), the same ONNX file (random weights with
BatchNormalization nodes, made by Tests/ONNXTests/Fixtures/make_models.py), batch 1 and 8, 1 and 2 threads.
Outputs are compared first. Both sides are timed the same way, inside their process around one call of one batch on
already-loaded weights (repro-bench onnx-serve around `GraphPlan.run`; onnxruntime around `session.run`, whose
Python binding costs microseconds against tens of milliseconds per image), and they take turns a few calls at a
time (BLOCK measured calls after one unmeasured, the order swapped every turn), so a minute in which this VM is
slow falls on both. Printed: each
side's best and median, the ratio of the bests and the median of the per-pair ratios with its middle half. Then each
convolution's milliseconds and GFLOP/s beside onnxruntime's same node (its profiler, best of a few calls) and
OpenBLAS sgemm's GFLOP/s on the same product shape.
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx
import onnxruntime as ort

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "../../Tests/ONNXTests/Fixtures"))
import make_models  # noqa: E402


def openblas_core(env):
    """The kernel OpenBLAS (Debian's, the one repro-bench links) picks under `env`."""
    code = ("import ctypes; lib = ctypes.CDLL('libopenblas.so.0'); "
            "lib.openblas_get_corename.restype = ctypes.c_char_p; print(lib.openblas_get_corename().decode())")
    return subprocess.run([sys.executable, "-c", code], env=env, check=True, stdout=subprocess.PIPE,
                          text=True).stdout.strip()


def sgemm_environment():
    """The environment of the per-layer run. OpenBLAS 0.3.21 does not know some newer CPUs (a VM's 'Intel Xeon
    Processor' with AVX-512) and falls back to its generic Prescott kernel, 5-15x slower than its AVX-512 ones: a
    baseline that weak says nothing, so the sgemm column then uses the AVX-512 kernel named by OPENBLAS_CORETYPE.
    repro's convolutions do not use OpenBLAS, so only the sgemm column changes."""
    env = dict(os.environ)
    core = openblas_core(env)
    with open("/proc/cpuinfo") as f:
        flags = next((line.split() for line in f if line.startswith("flags")), [])
    if core == "Prescott" and "avx512f" in flags and "OPENBLAS_CORETYPE" not in env:
        env["OPENBLAS_CORETYPE"] = "Cooperlake" if "avx512_bf16" in flags else "SkylakeX"
        print(f"\nOpenBLAS picks its generic {core} kernel on this CPU; the sgemm columns below use "
              f"OPENBLAS_CORETYPE={env['OPENBLAS_CORETYPE']} ({openblas_core(env)}), its best for it")
    else:
        print(f"\nsgemm: OpenBLAS kernel {core}")
    return env


def interleaved(bench, model, session, x, path, batch, threads, pairs, block):
    """PAIRS calls each side, taking turns a block at a time: each side runs one unmeasured call and then BLOCK
    measured ones, so every measured call follows a call of its own engine (after the other engine's turn, the
    first call pays for it: onnxruntime's threads still spin for a while after its call, which took up to half of
    repro's two-thread rate when the turns were single calls). Returns (repro seconds, onnxruntime seconds) per
    pair, the largest |softmax difference| and whether top-1 agrees on every row."""
    server = subprocess.Popen([bench, "onnx-serve", model, path, str(batch), str(threads)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)

    def ask(line):
        server.stdin.write(line + "\n")
        server.stdin.flush()
        return json.loads(server.stdout.readline())

    if not json.loads(server.stdout.readline()).get("ready"):
        sys.exit("repro-bench onnx-serve did not start")
    theirs = session.run(["softmax_tensor:0"], {"input_tensor:0": x})[0]
    ask("run")
    ours = np.array(ask("output")["softmax"], dtype=np.float32).reshape(batch, -1)
    diff = float(np.abs(ours - theirs).max())
    agree = bool((ours.argmax(1) == theirs.argmax(1)).all())

    def ours_once():
        return ask("run")["seconds"]

    def theirs_once():
        t0 = time.perf_counter()
        session.run(["softmax_tensor:0"], {"input_tensor:0": x})
        return time.perf_counter() - t0

    def turn(once):
        once()
        return [once() for _ in range(block)]

    times = []
    for i in range((pairs + block - 1) // block):
        if i % 2 == 0:
            ours_s = turn(ours_once)
            theirs_s = turn(theirs_once)
        else:
            theirs_s = turn(theirs_once)
            ours_s = turn(ours_once)
        times += list(zip(ours_s, theirs_s))
    server.stdin.close()
    server.wait()
    return times[:pairs], diff, agree


def onnxruntime_layers(model, threads, calls):
    """onnxruntime's best milliseconds per convolution shape at batch 1 (its profiler; all nodes of a shape summed),
    keyed like repro-bench's rows: "KxK/S IN->OUT HxW"."""
    options = ort.SessionOptions()
    options.intra_op_num_threads = threads
    options.inter_op_num_threads = 1
    options.enable_profiling = True
    options.profile_file_prefix = os.path.join(tempfile.mkdtemp(prefix="repro-ort-profile-"), "ort")
    session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
    x = np.zeros((1, 3, 224, 224), dtype=np.float32)
    for _ in range(calls):
        session.run(["softmax_tensor:0"], {"input_tensor:0": x})
    with open(session.end_profiling()) as f:
        events = json.load(f)
    best, shape = {}, {}
    for e in events:
        args = e.get("args", {})
        if e.get("cat") != "Node" or args.get("op_name") != "Conv" or not e["name"].endswith("_kernel_time"):
            continue
        xs, ws = args["input_type_shape"][0]["float"], args["input_type_shape"][1]["float"]
        ys = args["output_type_shape"][0]["float"]
        stride = xs[2] // ys[2] if xs[2] > ys[2] else 1
        shape[e["name"]] = f"{ws[2]}x{ws[3]}/{stride} {ws[1]}->{ws[0]} {xs[2]}x{xs[3]}"
        best[e["name"]] = min(best.get(e["name"], float("inf")), e["dur"] / 1000)
    totals = {}
    for name, ms in best.items():
        totals[shape[name]] = totals.get(shape[name], 0) + ms
    return totals


def main():
    p = argparse.ArgumentParser()
    p.add_argument("bench")
    p.add_argument("--pairs", type=int, default=30, help="measured calls each side (default 30)")
    p.add_argument("--block", type=int, default=3, help="measured calls per turn, after one unmeasured (default 3)")
    p.add_argument("--repeat", type=int, default=5, help="calls per layer measurement (default 5)")
    args = p.parse_args()
    work = tempfile.mkdtemp(prefix="repro-resnet50-bench-")
    model = os.path.join(work, "resnet50_v15.onnx")
    onnx.save(make_models.resnet50(11), model)
    rng = np.random.default_rng(7)
    print(f"ResNet-50 v1.5, 224x224, random weights ({os.path.getsize(model) / 1e6:.0f} MB ONNX, opset 11); "
          f"onnxruntime {ort.__version__}, numpy {np.__version__}; load average before: {os.getloadavg()[0]:.2f} "
          f"on {os.cpu_count()} CPUs")
    print(f"{args.pairs} measured calls each side per row, taking turns {args.block} at a time (each turn after one "
          f"unmeasured call)\n")
    rows = []
    for threads in (1, 2):
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        session = ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
        for batch in (1, 8):
            x = (rng.uniform(0, 255, (batch, 3, 224, 224)) - 117).astype(np.float32)
            path = os.path.join(work, f"input{batch}.bin")
            x.tofile(path)
            times, diff, agree = interleaved(args.bench, model, session, x, path, batch, threads, args.pairs,
                                             args.block)
            rows.append((batch, threads, times, diff, agree))
    print("| batch | threads | repro images/s (best, median) | onnxruntime images/s (best, median) | "
          "ratio of bests | median pair ratio (middle half) | outputs |")
    print("|---|---|---|---|---|---|---|")
    for batch, threads, times, diff, agree in rows:
        ours = sorted(t[0] for t in times)
        theirs = sorted(t[1] for t in times)
        ratios = sorted(t[1] / t[0] for t in times)
        q = len(ratios) // 4
        print(f"| {batch} | {threads} | {batch / ours[0]:.2f}, {batch / ours[len(ours) // 2]:.2f} | "
              f"{batch / theirs[0]:.2f}, {batch / theirs[len(theirs) // 2]:.2f} | {theirs[0] / ours[0]:.2f}x | "
              f"{ratios[len(ratios) // 2]:.2f}x ({ratios[q]:.2f}-{ratios[-1 - q]:.2f}) | "
              f"top-1 {'same' if agree else 'DIFFERENT'}, max |softmax diff| {diff:.1e} |")
    layers_env = sgemm_environment()
    for threads in (1, 2):
        out = subprocess.run([args.bench, "onnx-layers", model, "1", str(threads), str(args.repeat)], check=True,
                             stdout=subprocess.PIPE, text=True, env=layers_env).stdout
        layers = json.loads(out)
        theirs = onnxruntime_layers(model, threads, args.repeat + 1)
        total = sum(r["seconds"] for r in layers)
        print(f"\nConvolutions at batch 1, {threads} thread(s): {total * 1000:.1f} ms of convolutions per image "
              f"(onnxruntime's: {sum(theirs.values()):.1f} ms)")
        print("| layer (k/stride in->out HxW) | n | kernel | ms each | onnxruntime ms each | GFLOP/s | "
              "sgemm GFLOP/s (same M,N,K) | ÷ sgemm |")
        print("|---|---|---|---|---|---|---|---|")
        for r in layers:
            each = r["seconds"] / r["count"] * 1000
            ort_each = f"{theirs[r['layer']] / r['count']:.2f}" if r["layer"] in theirs else "-"
            print(f"| {r['layer']} | {r['count']} | {r['kernel']} | {each:.2f} | {ort_each} | {r['gflops']:.1f} | "
                  f"{r['sgemm_gflops']:.1f} | {r['gflops'] / r['sgemm_gflops']:.2f} |")
    print(f"\nload average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
