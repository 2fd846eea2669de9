#!/usr/bin/env python3
"""Kernels: conv2d against sgemm, inference against onnxruntime (same weights, outputs checked first), and
training against PyTorch (same model, batch and optimiser), all measured in this run; prints ratios.
Usage: bench_kernels.py REPRO_BENCH DIGITS_CSV [--skip-torch] [--quick]
"""
import argparse
import json
import os
import subprocess
import tempfile
import time

import numpy as np

BENCH = None


def bench(*args):
    out = subprocess.run([BENCH, *map(str, args)], check=True, stdout=subprocess.PIPE, text=True).stdout
    return json.loads(out) if out.strip() else None


def read_tensor(path):
    """A repro tensor file (see Sources/Kernels/Data/TensorFile.swift)."""
    raw = open(path, "rb").read()
    assert raw[:8] == b"REPROTNS"
    kind, rank, header = np.frombuffer(raw[12:24], dtype="<u4")
    dims = np.frombuffer(raw[24:24 + 8 * rank], dtype="<u8").astype(int)
    return np.frombuffer(raw[header:], dtype="<f4" if kind == 1 else "<i4").reshape(dims)


def read_weights(path):
    """A repro weights file (see Sources/Kernels/Models/ModelFile.swift)."""
    raw = open(path, "rb").read()
    assert raw[:8] == b"REPROWTS"
    length = int(np.frombuffer(raw[12:16], dtype="<u4")[0])
    header = json.loads(raw[16:16 + length])
    data = np.frombuffer(raw[(16 + length + 63) // 64 * 64:], dtype="<f4")
    tensors = {t["name"]: data[t["offset"]:t["offset"] + int(np.prod(t["shape"]))].reshape(t["shape"])
               for t in header["tensors"]}
    return header, tensors


def onnx_model(header, w):
    """The same network as an ONNX graph on NCHW input (weights HWIO -> OIHW)."""
    import onnx
    from onnx import TensorProto, helper, numpy_helper
    nodes, inits = [], []

    def const(name, array):
        inits.append(numpy_helper.from_array(np.ascontiguousarray(array, dtype=np.float32), name))
        return name

    def node(op, inputs, output, **attrs):
        nodes.append(helper.make_node(op, inputs, [output], **attrs))
        return output

    h, wid, c = header["input_shape"]
    if header["architecture"] == "mlp":
        x = node("Flatten", ["input"], "flat")
        for i in (1, 2, 3):
            x = node("Gemm", [x, const(f"w{i}", w[f"fc{i}.weight"]), const(f"b{i}", w[f"fc{i}.bias"])], f"fc{i}")
            if i < 3:
                x = node("Relu", [x], f"relu{i}")
    else:
        def conv(x, prefix, stride, pad, kernel, bias=False):
            weight = w[prefix + ".weight"]
            cin = weight.shape[0] // (kernel * kernel)
            oihw = weight.reshape(kernel, kernel, cin, weight.shape[1]).transpose(3, 2, 0, 1)
            inputs = [x, const(prefix + ".w", oihw)] + ([const(prefix + ".b", w[prefix + ".bias"])] if bias else [])
            return node("Conv", inputs, prefix + ".y", strides=[stride, stride], pads=[pad] * 4, kernel_shape=[kernel, kernel])

        def bn(x, prefix):
            return node("BatchNormalization", [x, const(prefix + ".g", w[prefix + ".gamma"]), const(prefix + ".b", w[prefix + ".beta"]),
                                               const(prefix + ".m", w[prefix + ".running_mean"]),
                                               const(prefix + ".v", w[prefix + ".running_var"])], prefix + ".y", epsilon=1e-5)

        x = node("Relu", [bn(conv("input", "stem.conv", 1, 1, 3), "stem.bn")], "stem.r")
        for name, stride in [("block1", 1), ("block2", 2), ("block3", 2)]:
            y = node("Relu", [bn(conv(x, name + ".conv1", stride, 1, 3), name + ".bn1")], name + ".r1")
            y = bn(conv(y, name + ".conv2", 1, 1, 3), name + ".bn2")
            s = conv(x, name + ".shortcut", stride, 0, 1, bias=True) if name + ".shortcut.weight" in w else x
            x = node("Relu", [node("Add", [y, s], name + ".sum")], name + ".out")
        x = node("Flatten", [node("GlobalAveragePool", [x], "gap")], "flat")
        x = node("Gemm", [x, const("fc.w", w["fc.weight"]), const("fc.b", w["fc.bias"])], "logits")
    graph = helper.make_graph(nodes, header["architecture"],
                              [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", c, h, wid])],
                              [helper.make_tensor_value_info(x, TensorProto.FLOAT, ["N", 10])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def ort_rate(session, x, batch):
    feed = {"input": np.ascontiguousarray(x[:batch])}
    session.run(None, feed)
    calls, start = 0, time.perf_counter()
    while time.perf_counter() - start < 1.0:
        session.run(None, feed)
        calls += 1
    return batch * calls / (time.perf_counter() - start)


def main():
    global BENCH
    ap = argparse.ArgumentParser()
    ap.add_argument("bench")
    ap.add_argument("csv")
    ap.add_argument("--skip-torch", action="store_true")
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    BENCH = os.path.abspath(args.bench)
    import onnxruntime as ort
    work = tempfile.mkdtemp(prefix="repro-bench-kernels-")
    bench("preprocess", args.csv, work + "/d8", 8, 1)
    bench("preprocess", args.csv, work + "/d32", 32, 3)
    threads = [1] if args.quick else [1, 2]
    rounds = 1 if args.quick else 3

    print("conv2d forward, ResNet-8 on 32x32x3 at batch 32, 1 thread (sgemm: a square product of the same work;")
    print("Winograd: the direct convolution's FLOPs over Winograd's time, as inference runs stride-1 3x3 layers):")
    for r in bench("conv-layers", 1):
        line = f"  {r['layer']:32s} {r['conv_gflops']:6.1f} GFLOP/s   sgemm {r['sgemm_gflops']:6.1f}   ratio {r['conv_gflops'] / r['sgemm_gflops']:.2f}"
        if "winograd_gflops" in r:
            line += f"   Winograd {r['winograd_gflops']:6.1f} effective, ratio {r['winograd_gflops'] / r['sgemm_gflops']:.2f}"
        print(line)

    print(f"\ninference, repro / onnxruntime images per second, best of {rounds} (same weights; outputs compared first):")
    for arch, data, shape in [("mlp", "d8", (8, 8, 1)), ("resnet8", "d32", (32, 32, 3))]:
        model = f"{work}/{arch}.rpw"
        bench("model", arch, *shape, model)
        header, weights = read_weights(model)
        images = read_tensor(f"{work}/{data}/val-images.rpt")
        nchw = np.ascontiguousarray(images.transpose(0, 3, 1, 2))
        bench("logits", model, f"{work}/{data}/val-images.rpt", 64, work + "/logits.bin")
        mine = np.fromfile(work + "/logits.bin", dtype="<f4").reshape(64, 10)
        proto = onnx_model(header, weights)
        for t in threads:
            opts = ort.SessionOptions()
            opts.intra_op_num_threads = t
            opts.inter_op_num_threads = 1
            opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
            session = ort.InferenceSession(proto.SerializeToString(), opts, providers=["CPUExecutionProvider"])
            theirs = session.run(None, {"input": nchw[:64]})[0]
            diff = float(np.abs(theirs - mine).max())
            assert diff <= 1e-4, f"{arch}: repro's and onnxruntime's outputs differ by {diff}"
            row = []
            many = np.concatenate([nchw] * (1 + 256 // len(nchw)))
            for batch in [1, 8, 32, 256]:
                # Best of `rounds`, the two taking turns: a shared 2-CPU VM's noise only ever slows a run down.
                r = o = 0.0
                for _ in range(rounds):
                    r = max(r, bench("infer", model, f"{work}/{data}/val-images.rpt", batch, t)["images_per_second"])
                    o = max(o, ort_rate(session, many, batch))
                row.append(f"b{batch}: {r:8.0f}/{o:8.0f} = {r / o:4.2f}x")
            print(f"  {arch:8s} {t} thread(s), max |diff| {diff:.1e}   " + "   ".join(row))

    if args.skip_torch:
        return
    import torch
    import torch.nn as nn
    torch.manual_seed(1)
    print(f"\ntraining images per second on 8x8 digits, batch 32, SGD(lr 0.05, momentum 0.9, wd 1e-4), best of {rounds}, repro / PyTorch:")

    class Block(nn.Module):
        def __init__(self, cin, cout, stride):
            super().__init__()
            self.c1 = nn.Conv2d(cin, cout, 3, stride, 1, bias=False)
            self.b1 = nn.BatchNorm2d(cout)
            self.c2 = nn.Conv2d(cout, cout, 3, 1, 1, bias=False)
            self.b2 = nn.BatchNorm2d(cout)
            self.s = nn.Conv2d(cin, cout, 1, stride, 0) if stride != 1 or cin != cout else None

        def forward(self, x):
            y = self.b2(self.c2(torch.relu(self.b1(self.c1(x)))))
            return torch.relu(y + (self.s(x) if self.s is not None else x))

    def make(arch):
        if arch == "mlp":
            return nn.Sequential(nn.Flatten(), nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10))
        return nn.Sequential(nn.Conv2d(1, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU(), Block(16, 16, 1),
                             Block(16, 32, 2), Block(32, 64, 2), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10))

    x = torch.from_numpy(np.array(read_tensor(f"{work}/d8/train-images.rpt").transpose(0, 3, 1, 2)))
    y = torch.from_numpy(read_tensor(f"{work}/d8/train-labels.rpt").astype(np.int64))
    for arch, epochs in [("mlp", 20), ("resnet8", 3)]:
        for t in threads:
            torch.set_num_threads(t)
            net = make(arch)
            opt = torch.optim.SGD(net.parameters(), lr=0.05, momentum=0.9, weight_decay=1e-4)
            loss = nn.CrossEntropyLoss()
            n = len(x) // 32 * 32

            def epoch():
                for i in range(0, n, 32):
                    opt.zero_grad()
                    loss(net(x[i:i + 32]), y[i:i + 32]).backward()
                    opt.step()
            epoch()
            theirs = mine = 0.0
            for _ in range(rounds):
                start = time.perf_counter()
                for _ in range(epochs):
                    epoch()
                theirs = max(theirs, n * epochs / (time.perf_counter() - start))
                mine = max(mine, bench("train", arch, work + "/d8", 32, epochs, t)["images_per_second"])
            print(f"  {arch:8s} {t} thread(s): repro {mine:9.0f}   PyTorch {theirs:9.0f}   ratio {mine / theirs:.2f}x (goal >= 2x)")


if __name__ == "__main__":
    main()
