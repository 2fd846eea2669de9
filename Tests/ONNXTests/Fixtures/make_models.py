"""Writes the ONNX models of the ONNX tests with PyPI's onnx helper API and numpy (random weights from a seed),
an input batch, and onnxruntime's outputs for each model, so the Swift tests can compare repro's kernels with it.

    python3 make_models.py OUT [small|resnet50|bad|all] [--batch N]

Files in OUT: NAME.onnx; input32.bin and input224.bin (float32 N×3×S×S, little-endian, uniform in [-117, 138));
NAME.OUTPUT.bin, onnxruntime's output OUTPUT (float32, ArgMax as float32) for the input.
"""
import json
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(2026)


class Builder:
    def __init__(self, opset):
        self.nodes, self.inits, self.opset, self.count = [], [], opset, 0

    def name(self, prefix):
        self.count += 1
        return f"{prefix}_{self.count}"

    def const(self, array, prefix="w"):
        n = self.name(prefix)
        self.inits.append(numpy_helper.from_array(np.asarray(array), n))
        return n

    def node(self, op, inputs, prefix=None, outputs=1, **attrs):
        n = self.name(prefix or op.lower())
        outs = [n] if outputs == 1 else [f"{n}:{i}" for i in range(outputs)]
        self.nodes.append(helper.make_node(op, inputs, outs, name=n, **attrs))
        return outs[0] if outputs == 1 else outs

    def conv(self, x, cin, cout, k, stride=1, pad=None, bn=True, relu=True, bias=False):
        pad = k // 2 if pad is None else pad
        w = (rng.standard_normal((cout, cin, k, k)) * np.sqrt(2.0 / (cin * k * k))).astype(np.float32)
        inputs = [x, self.const(w)]
        if bias:
            inputs.append(self.const((rng.standard_normal(cout) * 0.1).astype(np.float32), "b"))
        y = self.node("Conv", inputs, kernel_shape=[k, k], strides=[stride, stride], pads=[pad] * 4)
        if bn:
            gamma = rng.uniform(0.5, 1.0, cout).astype(np.float32)
            beta = (rng.standard_normal(cout) * 0.1).astype(np.float32)
            mean = (rng.standard_normal(cout) * 0.1).astype(np.float32)
            var = rng.uniform(0.5, 1.5, cout).astype(np.float32)
            attrs = {"epsilon": 1.001e-5}
            if self.opset < 9:
                attrs["spatial"] = 1
            y = self.node(
                "BatchNormalization",
                [y, self.const(gamma, "g"), self.const(beta, "b"), self.const(mean, "m"), self.const(var, "v")],
                **attrs)
        return self.node("Relu", [y]) if relu else y

    def bottleneck(self, x, cin, width, stride):
        cout = width * 4
        y = self.conv(x, cin, width, 1)
        y = self.conv(y, width, width, 3, stride=stride)  # v1.5: the stride is in the 3×3
        y = self.conv(y, width, cout, 1, relu=False)
        shortcut = x
        if stride != 1 or cin != cout:
            shortcut = self.conv(x, cin, cout, 1, stride=stride, pad=0, relu=False)
        return self.node("Relu", [self.node("Add", [y, shortcut])]), cout

    def head(self, x, channels, classes, style):
        if style == "torchvision":
            x = self.node("GlobalAveragePool", [x])
            x = self.node("Flatten", [x], axis=1)
            w = (rng.standard_normal((classes, channels)) * np.sqrt(1.0 / channels)).astype(np.float32)
            b = (rng.standard_normal(classes) * 0.1).astype(np.float32)
            logits = self.node("Gemm", [x, self.const(w), self.const(b, "b")], transB=1)
        else:  # the shapes of MLPerf's TensorFlow export: ReduceMean, Reshape, MatMul + Add
            x = self.node("ReduceMean", [x], axes=[2, 3], keepdims=1)
            x = self.node("Reshape", [x, self.const(np.array([-1, channels], dtype=np.int64), "shape")])
            w = (rng.standard_normal((channels, classes)) * np.sqrt(1.0 / channels)).astype(np.float32)
            logits = self.node("MatMul", [x, self.const(w)])
            logits = self.node("Add", [logits, self.const((rng.standard_normal(classes) * 0.1).astype(np.float32))])
        # The logits as an output of their own (MLPerf's model has only the two below), for the comparison.
        self.nodes.append(helper.make_node("Identity", [logits], ["logits"], name="logits"))
        self.nodes.append(helper.make_node("Softmax", [logits], ["softmax_tensor:0"], name="softmax", axis=1))
        self.nodes.append(helper.make_node("ArgMax", [logits], ["ArgMax:0"], name="argmax", axis=1, keepdims=0))

    def model(self, size, producer):
        inp = helper.make_tensor_value_info("input_tensor:0", TensorProto.FLOAT, ["N", 3, size, size])
        outs = [
            helper.make_tensor_value_info("ArgMax:0", TensorProto.INT64, ["N"]),
            helper.make_tensor_value_info("softmax_tensor:0", TensorProto.FLOAT, ["N", None]),
        ]
        if any(n.output[0] == "logits" for n in self.nodes):
            outs.append(helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", None]))
        graph = helper.make_graph(self.nodes, "g", [inp], outs, self.inits)
        m = helper.make_model(graph, producer_name=producer, opset_imports=[helper.make_opsetid("", self.opset)])
        m.ir_version = 4 if self.opset < 9 else 7
        return m


def resnet50(opset=11, style="torchvision", classes=1001):
    b = Builder(opset)
    if style == "torchvision":
        x = b.conv("input_tensor:0", 3, 64, 7, stride=2, pad=3)
        x = b.node("MaxPool", [x], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    else:  # explicit Pad before the stem, as MLPerf's TensorFlow export has, and a SAME max pool
        x = b.node("Pad", ["input_tensor:0"], mode="constant", pads=[0, 0, 3, 3, 0, 0, 3, 3]) if opset < 11 else \
            b.node("Pad", ["input_tensor:0", b.const(np.array([0, 0, 3, 3, 0, 0, 3, 3], dtype=np.int64), "pads")])
        x = b.conv(x, 3, 64, 7, stride=2, pad=0)
        x = b.node("MaxPool", [x], kernel_shape=[3, 3], strides=[2, 2], auto_pad="SAME_UPPER")
    c = 64
    for width, blocks, stride in [(64, 3, 1), (128, 4, 2), (256, 6, 2), (512, 3, 2)]:
        for i in range(blocks):
            x, c = b.bottleneck(x, c, width, stride if i == 0 else 1)
    b.head(x, c, classes, style)
    return b.model(224, "repro tests: ResNet-50 v1.5, random weights")


def small(opset=11, style="torchvision", size=32):
    """A stem, a max pool, two bottlenecks (one with a strided projection), the head: every operator, fast."""
    b = Builder(opset)
    x = b.conv("input_tensor:0", 3, 16, 7, stride=2, pad=3)
    if style == "torchvision":
        x = b.node("MaxPool", [x], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    else:
        x = b.node("MaxPool", [x], kernel_shape=[3, 3], strides=[2, 2], auto_pad="SAME_UPPER")
    x, c = b.bottleneck(x, 16, 16, 1)
    x, c = b.bottleneck(x, c, 32, 2)
    b.head(x, c, 10, style)
    return b.model(size, "repro tests: small ResNet")


def bad_models(out):
    """Models repro must refuse, each with the reason the test expects."""
    b = Builder(11)
    x = b.conv("input_tensor:0", 3, 16, 3)
    b.nodes.append(helper.make_node("Sigmoid", [x], ["sig"], name="the_sigmoid"))
    b.nodes.append(helper.make_node("GlobalAveragePool", ["sig"], ["gap"], name="gap"))
    b.nodes.append(helper.make_node("Flatten", ["gap"], ["ArgMax:0"], name="flat"))
    m = b.model(32, "bad")
    del m.graph.output[1]
    onnx.save(m, f"{out}/bad_operator.onnx")

    b = Builder(11)
    w = rng.standard_normal((16, 1, 3, 3)).astype(np.float32)
    y = b.node("Conv", ["input_tensor:0", b.const(w)], prefix="grouped_conv", kernel_shape=[3, 3], group=3, pads=[1] * 4)
    b.nodes.append(helper.make_node("GlobalAveragePool", [y], ["ArgMax:0"], name="gap"))
    m = b.model(32, "bad")
    del m.graph.output[1]
    onnx.save(m, f"{out}/bad_attribute.onnx")

    onnx.save(small(size=64), f"{out}/input_64.onnx")
    data = small().SerializeToString()
    with open(f"{out}/truncated.onnx", "wb") as f:
        f.write(data[: len(data) // 2])
    with open(f"{out}/not_onnx.onnx", "wb") as f:
        f.write(b"\xff\xd8\xff\xe0 this is a JPEG header, not a model\n" * 4)


def outputs(model_path, x):
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.intra_op_num_threads = 1
    session = ort.InferenceSession(model_path, options, providers=["CPUExecutionProvider"])
    return {o.name: v for o, v in zip(session.get_outputs(), session.run(None, {"input_tensor:0": x}))}


def main():
    out, what = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else "all")
    batch = int(sys.argv[sys.argv.index("--batch") + 1]) if "--batch" in sys.argv else 2
    models = {}
    if what in ("small", "all"):
        models.update({
            "small_op11": small(11), "small_op8": small(8), "small_tf_op11": small(11, "tf"),
            "small_tf_op8": small(8, "tf"),
        })
    if what == "resnet50":
        models["resnet50_op11"] = resnet50(11)
    if what == "resnet50_tf":
        models["resnet50_tf_op8"] = resnet50(8, "tf")
    if what in ("bad", "all"):
        bad_models(out)
    inputs = {}
    for size in (32, 224):
        x = (rng.uniform(0, 255, (batch, 3, size, size)) - 117).astype(np.float32)
        x.tofile(f"{out}/input{size}.bin")
        inputs[size] = x
    for name, m in models.items():
        onnx.checker.check_model(m)
        onnx.save(m, f"{out}/{name}.onnx")
        size = m.graph.input[0].type.tensor_type.shape.dim[2].dim_value
        for output, value in outputs(f"{out}/{name}.onnx", inputs[size]).items():
            np.asarray(value, dtype=np.float32).tofile(f"{out}/{name}.{output}.bin")
    print(json.dumps(sorted(models)))


if __name__ == "__main__":
    main()
