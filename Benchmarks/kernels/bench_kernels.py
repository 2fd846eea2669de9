#!/usr/bin/env python3
"""Kernels: conv2d against sgemm, inference against onnxruntime (same weights, outputs checked first), and
training against PyTorch (same initial weights, data order, batch and optimiser; eager and compiled; the losses
compared), all measured in this run; prints ratios.

onnxruntime is driven from Python (`session.run` per batch) while repro's loop is native: the cost of one call
through the Python binding is measured with a model that returns its input, and shown beside each ratio, with the
ratio against onnxruntime's time less that cost.
Usage: bench_kernels.py REPRO_BENCH DIGITS_CSV [--skip-torch] [--quick]
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
import machine  # noqa: E402

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


def ort_seconds_per_call(session, x, batch):
    feed = {"input": np.ascontiguousarray(x[:batch])}
    session.run(None, feed)
    calls, start = 0, time.perf_counter()
    while time.perf_counter() - start < 1.0:
        session.run(None, feed)
        calls += 1
    return (time.perf_counter() - start) / calls


def identity_session(ort, shape, threads):
    """A model that returns its input: what one session.run costs through the Python binding, doing nothing."""
    import onnx
    from onnx import TensorProto, helper
    c, h, w = shape[2], shape[0], shape[1]
    graph = helper.make_graph([helper.make_node("Identity", ["input"], ["output"])], "identity",
                              [helper.make_tensor_value_info("input", TensorProto.FLOAT, ["N", c, h, w])],
                              [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["N", c, h, w])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    return ort.InferenceSession(model.SerializeToString(), opts, providers=["CPUExecutionProvider"])


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
    print("kernels: repro against sgemm, onnxruntime and PyTorch, in this run")
    print(machine.start_line())
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

    print(f"\ninference, repro / onnxruntime images per second, best of {rounds} (same weights; outputs compared first;")
    print(f"onnxruntime {ort.__version__} through its Python binding, repro's native loop):")
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
            noop = identity_session(ort, shape, t)
            many = np.concatenate([nchw] * (1 + 256 // len(nchw)))
            print(f"  {arch} on {t} thread(s), outputs max |diff| {diff:.1e}:")
            for batch in [1, 8, 32, 256]:
                # Best of `rounds`, the two taking turns: a shared 2-CPU VM's noise only ever slows a run down.
                r, o, n = 0.0, float("inf"), float("inf")
                for _ in range(rounds):
                    r = max(r, bench("infer", model, f"{work}/{data}/val-images.rpt", batch, t)["images_per_second"])
                    o = min(o, ort_seconds_per_call(session, many, batch))
                    n = min(n, ort_seconds_per_call(noop, many, batch))
                ort_rate, net_rate = batch / o, batch / max(o - n, 1e-9)
                print(f"    batch {batch:3d}: {r / ort_rate:5.2f}x ({r / net_rate:5.2f}x without the binding's call)"
                      f"   repro {r:9.0f}/s   onnxruntime {ort_rate:9.0f}/s   {o * 1e6:8.1f} us per call, of which the"
                      f" binding's empty call {n * 1e6:5.1f} us ({n / o:4.0%})")

    if args.skip_torch:
        print(machine.end_line())
        return
    train_against_torch(work, threads, rounds)
    print(machine.end_line())


def torch_model(arch, weights):
    """The same network in PyTorch, with repro's initial weights (HWIO -> OIHW, [in, out] -> [out, in])."""
    import torch
    import torch.nn as nn

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

    def conv(module, prefix):
        w = weights[prefix + ".weight"]
        k = module.kernel_size[0]
        cin = w.shape[0] // (k * k)
        module.weight.data = torch.from_numpy(np.ascontiguousarray(w.reshape(k, k, cin, w.shape[1]).transpose(3, 2, 0, 1)))
        if module.bias is not None:
            module.bias.data = torch.from_numpy(np.array(weights[prefix + ".bias"]))

    def bn(module, prefix):
        module.weight.data = torch.from_numpy(np.array(weights[prefix + ".gamma"]))
        module.bias.data = torch.from_numpy(np.array(weights[prefix + ".beta"]))

    def linear(module, prefix):
        module.weight.data = torch.from_numpy(np.ascontiguousarray(weights[prefix + ".weight"].T))
        module.bias.data = torch.from_numpy(np.array(weights[prefix + ".bias"]))

    if arch == "mlp":
        net = nn.Sequential(nn.Flatten(), nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10))
        for i, layer in ((1, net[1]), (2, net[3]), (3, net[5])):
            linear(layer, f"fc{i}")
        return net
    net = nn.Sequential(nn.Conv2d(1, 16, 3, 1, 1, bias=False), nn.BatchNorm2d(16), nn.ReLU(), Block(16, 16, 1),
                        Block(16, 32, 2), Block(32, 64, 2), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(64, 10))
    conv(net[0], "stem.conv")
    bn(net[1], "stem.bn")
    for block, name in ((net[3], "block1"), (net[4], "block2"), (net[5], "block3")):
        conv(block.c1, name + ".conv1")
        bn(block.b1, name + ".bn1")
        conv(block.c2, name + ".conv2")
        bn(block.b2, name + ".bn2")
        if block.s is not None:
            conv(block.s, name + ".shortcut")
    linear(net[8], "fc")
    return net


def compiled(net, example):
    """torch.compile where it works here, else TorchScript (a trace); and which it was."""
    import torch
    try:
        fast = torch.compile(net)
        fast(example)
        return fast, "torch.compile"
    except Exception as e:  # no C compiler, an unsupported op …: say so and use TorchScript
        print(f"    (torch.compile failed here: {str(e).splitlines()[0][:100]}; TorchScript instead)")
        return torch.jit.trace(net, example), "TorchScript"


def train_against_torch(work, threads, rounds):
    import torch
    import torch.nn as nn
    print(f"\ntraining images per second on 8x8 digits, batch 32, SGD(lr 0.05, momentum 0.9, weight decay 1e-4 on weights),"
          f" best of {rounds};")
    print(f"PyTorch {torch.__version__} CPU, eager and compiled, from repro's initial weights and on the same batches in"
          " the same order; each side's mean loss over its last epoch:")
    x = torch.from_numpy(np.array(read_tensor(f"{work}/d8/train-images.rpt").transpose(0, 3, 1, 2)))
    y = torch.from_numpy(read_tensor(f"{work}/d8/train-labels.rpt").astype(np.int64))
    n = len(x) // 32 * 32
    for arch, epochs in [("mlp", 20), ("resnet8", 3)]:
        model = f"{work}/{arch}-8x8.rpw"
        bench("model", arch, 8, 8, 1, model)
        _, weights = read_weights(model)
        for t in threads:
            torch.set_num_threads(t)
            mine, losses = 0.0, []
            for _ in range(rounds):
                r = bench("train", arch, work + "/d8", 32, epochs, t)
                mine = max(mine, r["images_per_second"])
                losses = r["epoch_losses"]
            line = f"  {arch:8s} {t} thread(s): repro {mine:8.0f}/s, last-epoch loss {losses[-1]:.4f}"
            for kind in ("eager", "compiled"):
                theirs, their_loss = 0.0, None
                for _ in range(rounds):
                    net = torch_model(arch, weights)
                    decay = [p for name, p in net.named_parameters() if p.dim() > 1]
                    rest = [p for name, p in net.named_parameters() if p.dim() <= 1]
                    opt = torch.optim.SGD([{"params": decay, "weight_decay": 1e-4}, {"params": rest, "weight_decay": 0}],
                                          lr=0.05, momentum=0.9)
                    run = net
                    if kind == "compiled":
                        run, how = compiled(net, x[:32])
                    loss_fn = nn.CrossEntropyLoss()

                    def epoch():
                        total = 0.0
                        for i in range(0, n, 32):
                            opt.zero_grad()
                            loss = loss_fn(run(x[i:i + 32]), y[i:i + 32])
                            loss.backward()
                            opt.step()
                            total += loss.item()
                        return total / (n // 32)
                    epoch()  # warm up (and, compiled, the compilation), as repro's first epoch is
                    start = time.perf_counter()
                    for _ in range(epochs):
                        their_loss = epoch()
                    theirs = max(theirs, n * epochs / (time.perf_counter() - start))
                label = "PyTorch eager" if kind == "eager" else f"PyTorch {how}"
                line += f"\n      {mine / theirs:5.2f}x {label}: {theirs:8.0f}/s, last-epoch loss {their_loss:.4f}"
            print(line)


if __name__ == "__main__":
    main()
