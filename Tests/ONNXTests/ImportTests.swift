import Foundation
import Kernels
import Testing

@testable import ONNX

/// Generated models (PyPI onnx + numpy, random weights with BatchNormalization nodes) imported and run on repro's
/// kernels against onnxruntime on the same input: top-1 identical and logits within 1e-3 of the largest.
@Suite("ONNX import against onnxruntime", .serialized)
struct ImportTests {
    @Test(
        "small models: torchvision and TensorFlow export shapes, opset 8 and 11, 1 and 2 threads",
        arguments: ["small_op11", "small_op8", "small_tf_op11", "small_tf_op8"])
    func smallModels(name: String) throws {
        let dir = try GeneratedModels.folder("small")
        for threads in [1, 2] {
            let a = try Agreement.measure(model: name, in: dir, threads: threads)
            print("\(name), \(threads) thread(s): \(a)")
            #expect(a.top1Agrees)
            #expect(a.relative <= 1e-3, "\(a)")
        }
    }

    @Test("ResNet-50 v1.5 (random weights, 224x224, batch 2) against onnxruntime")
    func resnet50() throws {
        let dir = try GeneratedModels.folder("resnet50")
        let model = try ONNXModel.load("\(dir)/resnet50_op11.onnx")
        #expect(model.inputName == "input_tensor:0")
        #expect(model.inputShape == [3, 224, 224])
        #expect(model.outputNames == ["ArgMax:0", "softmax_tensor:0", "logits"])
        let convolutions = model.graph.nodes.filter { if case .conv = $0.operation { true } else { false } }
        #expect(convolutions.count == 53)
        #expect(model.graph.flopsPerSample > 8_000_000_000 && model.graph.flopsPerSample < 8_300_000_000)
        let a = try Agreement.measure(model: "resnet50_op11", in: dir, threads: 2)
        print("resnet50_op11, 2 threads: \(a)")
        #expect(a.top1Agrees)
        #expect(a.relative <= 1e-3, "\(a)")
    }

    @Test("the folds: batch-norm into convolutions, ReLU and residual sums into them, Pad into the stem")
    func folds() throws {
        let dir = try GeneratedModels.folder("small")
        let model = try ONNXModel.load("\(dir)/small_tf_op11.onnx")
        let kinds = model.graph.nodes.map { node -> String in
            switch node.operation {
            case .conv(let c): "conv\(c.geometry.kernel)\(c.relu ? "+relu" : "")\(node.inputs.count > 1 ? "+res" : "")"
            case .maxPool: "maxpool"
            case .globalAveragePool: "gap"
            case .linear: "linear"
            case .softmax: "softmax"
            case .argMax: "argmax"
            case .add: "add"
            case .relu: "relu"
            }
        }
        // The stem's Pad became its padding, no Add or Relu is left, and each block ends in one fused convolution.
        #expect(!kinds.contains("add") && !kinds.contains("relu"))
        #expect(kinds.first == "conv7+relu")
        #expect(kinds.filter { $0.hasSuffix("+res") } == ["conv1+relu+res", "conv1+relu+res"])
        if case .conv(let stem) = model.graph.nodes[0].operation { #expect(stem.geometry.padding == 3) }
    }
}
