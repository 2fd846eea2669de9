#!/usr/bin/env python3
"""ResNet-50 v1.5 on repro's kernels against onnxruntime (pinned, PyPI), the same ONNX file (random weights with
BatchNormalization nodes, made by Tests/ONNXTests/Fixtures/make_models.py), batch 1 and 8, 1 and 2 threads.
Outputs are compared first. Both sides are timed the same way: the best of REPEAT calls of one batch on
already-loaded weights, measured inside the process (repro-bench around `GraphPlan.run`; onnxruntime around
`session.run`, whose Python binding costs microseconds against ~100 ms per image), and the two take turns ROUNDS
times. Then each convolution's GFLOP/s beside OpenBLAS sgemm's on the same product shape.
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


def main():
    p = argparse.ArgumentParser()
    p.add_argument("bench")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--repeat", type=int, default=3)
    args = p.parse_args()
    work = tempfile.mkdtemp(prefix="repro-resnet50-bench-")
    model = os.path.join(work, "resnet50_v15.onnx")
    onnx.save(make_models.resnet50(11), model)
    rng = np.random.default_rng(7)
    print(f"ResNet-50 v1.5, 224x224, random weights ({os.path.getsize(model) / 1e6:.0f} MB ONNX, opset 11); "
          f"onnxruntime {ort.__version__}; load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    print(f"best of {args.repeat} calls per turn, {args.rounds} turns each side, taking turns\n")
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
            theirs = session.run(["softmax_tensor:0", "logits"], {"input_tensor:0": x})
            ours_best, theirs_best, diff, agree = float("inf"), float("inf"), None, None
            for _ in range(args.rounds):
                command = [args.bench, "onnx-infer", model, path, str(batch), str(threads), str(args.repeat)]
                out = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout
                r = json.loads(out)
                ours_best = min(ours_best, r["seconds"])
                ours = np.array(r["softmax"], dtype=np.float32).reshape(batch, -1)
                diff = float(np.abs(ours - theirs[0]).max())
                agree = bool((ours.argmax(1) == theirs[0].argmax(1)).all())
                for _ in range(args.repeat):
                    t0 = time.perf_counter()
                    session.run(["softmax_tensor:0"], {"input_tensor:0": x})
                    theirs_best = min(theirs_best, time.perf_counter() - t0)
            rows.append((batch, threads, batch / ours_best, batch / theirs_best, diff, agree))
    print("| batch | threads | repro images/s | onnxruntime images/s | repro ÷ onnxruntime | outputs |")
    print("|---|---|---|---|---|---|")
    for batch, threads, ours, theirs, diff, agree in rows:
        print(f"| {batch} | {threads} | {ours:.2f} | {theirs:.2f} | {ours / theirs:.2f}x | "
              f"top-1 {'same' if agree else 'DIFFERENT'}, max |softmax diff| {diff:.1e} |")
    layers_env = sgemm_environment()
    for threads in (1, 2):
        out = subprocess.run([args.bench, "onnx-layers", model, "1", str(threads), str(args.repeat)], check=True,
                             stdout=subprocess.PIPE, text=True, env=layers_env).stdout
        layers = json.loads(out)
        total = sum(r["seconds"] for r in layers)
        print(f"\nConvolutions at batch 1, {threads} thread(s): {total * 1000:.1f} ms of convolutions per image")
        print("| layer (k/stride in->out HxW) | n | kernel | ms each | GFLOP/s | sgemm GFLOP/s (same M,N,K) | ratio |")
        print("|---|---|---|---|---|---|---|")
        for r in layers:
            each = r["seconds"] / r["count"] * 1000
            print(f"| {r['layer']} | {r['count']} | {r['kernel']} | {each:.2f} | {r['gflops']:.1f} | "
                  f"{r['sgemm_gflops']:.1f} | {r['gflops'] / r['sgemm_gflops']:.2f} |")
    print(f"\nload average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
