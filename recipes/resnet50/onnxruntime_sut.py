#!/usr/bin/env python3
"""onnxruntime as an external SUT of repro's LoadGen (docs/loadgen.md has the protocol): it runs an ONNX image
classifier on the crops of an `imagenet-preprocess` folder, made into the network's input as MLPerf's reference
makes it (float32 minus the means [123.68, 116.78, 103.94], NCHW), in batches of up to --batch samples. Its answer
for a sample is the class as int32 little-endian: the model's ArgMax output if it has one, else the arg max of its
first output, minus 1 when there are 1001 classes (MLPerf's background class), as the reference does.

usage: onnxruntime_sut.py --model M.onnx --data DIR [--threads N] [--batch B]
"""
import argparse
import os
import struct
import sys

import numpy as np
import onnxruntime as ort

sys.dont_write_bytecode = True  # no __pycache__ in the recipes folder
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "lib"))
import external_sut  # recipes/lib, put on the path above

parser = argparse.ArgumentParser()
parser.add_argument("--model", required=True)
parser.add_argument("--data", required=True)
parser.add_argument("--threads", type=int, default=1)
parser.add_argument("--batch", type=int, default=1)
args = parser.parse_args()


def read_tensor(path):
    """repro's tensor file (docs/kernels.md): REPROTNS, version, type, rank, header length, dims, data."""
    with open(path, "rb") as f:
        head = f.read(24)
        magic, version, kind, rank, length = struct.unpack("<8sIIII", head)
        if magic != b"REPROTNS" or version != 1 or kind != 3:
            sys.exit(f"{path}: not a uint8 repro tensor file")
        dims = struct.unpack("<%dQ" % rank, f.read(8 * rank))
    return np.memmap(path, dtype=np.uint8, mode="r", offset=length, shape=dims)


images = read_tensor(args.data + "/images.rpt")
options = ort.SessionOptions()
options.intra_op_num_threads = args.threads
options.inter_op_num_threads = 1
session = ort.InferenceSession(args.model, options, providers=["CPUExecutionProvider"])
input_name = session.get_inputs()[0].name
outputs = session.get_outputs()
argmax = [o.name for o in outputs if o.type == "tensor(int64)"]
output = argmax[0] if argmax else outputs[0].name
means = np.array([123.68, 116.78, 103.94], dtype=np.float32)
# The class count: the widest float output of one image (the scores beside the ArgMax).
probe = session.run(None, {input_name: np.zeros((1,) + images.shape[3:] + images.shape[1:3], np.float32)})
classes_count = max(v.shape[-1] for v in probe if v.dtype == np.float32 and v.ndim >= 2)
offset = 1 if classes_count == 1001 else 0


def classify(indices):
    x = (images[indices].astype(np.float32) - means).transpose(0, 3, 1, 2)
    y = session.run([output], {input_name: np.ascontiguousarray(x)})[0]
    classes = y.reshape(len(indices)) if argmax else y.reshape(len(indices), -1).argmax(axis=1)
    return [int(c) - offset for c in classes]


def worker(sut):
    while True:
        batch = sut.take(lambda pending: [pending.popleft() for _ in range(min(args.batch, len(pending)))])
        if batch is None:
            return
        classes = classify([index for _, index in batch])
        sut.answer([(i, struct.pack("<i", c)) for (i, _), c in zip(batch, classes)])


external_sut.ExternalSUT("onnxruntime-" + ort.__version__).serve(worker)
