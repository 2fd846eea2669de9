import Foundation
import Imaging
import Kernels
import LoadGen
import ONNX
import Workflow

/// `sut: onnx`: an ONNX image classifier (ResNet-50) on repro's kernels, answering from an `imagenet-preprocess`
/// folder (uint8 crops, turned into the network's float input as each batch is taken).
extension SUTSetup {
    static func onnx(_ context: ActionContext, scenario: TestScenario) throws -> SUTSetup {
        let (workers, batch, threads) = try workerSettings(context, scenario: scenario)
        let path = try context.string("model")
        let model = try ONNXModel.load(path)
        let data = try context.string("data")
        let images = try MappedTensor(path: data + "/images.rpt")
        try images.expect(.uint8, rank: 4)
        let size = MLPerfPreprocess.size
        guard model.inputShape == [3, size, size] else {
            throw ActionError.badParameter(
                name: "model",
                problem:
                    "\(path): the input '\(model.inputName)' is N×\(model.inputShape.map(String.init).joined(separator: "×")); "
                    + "expected N×3×\(size)×\(size)")
        }
        guard Array(images.shape.dropFirst()) == [size, size, 3] else {
            throw ActionError.badParameter(
                name: "data", problem: "\(data)/images.rpt is not a set of 224×224 RGB crops")
        }
        let answer = try ClassAnswer(model)
        let compiled = CompiledGraph(model.graph)
        let sampleSize = size * size * 3
        let sut = KernelsSUT(
            name: "repro-kernels-onnx", model: URL(fileURLWithPath: path).lastPathComponent,
            sampleCount: images.shape[0], workers: workers, maxBatch: batch
        ) {
            let plan = compiled.plan(batch: batch, threads: threads)
            let input = UnsafeMutablePointer<Float>.allocate(capacity: batch * sampleSize)
            return { indices in
                for (i, index) in indices.enumerated() {
                    MLPerfPreprocess.floats(images.bytes + index * sampleSize, into: input + i * sampleSize)
                }
                plan.run(input, count: indices.count)
                return answer.classes(plan, count: indices.count)
            }
        }
        context.log.out(
            "\(path): \(model.producer.isEmpty ? "" : model.producer + ", ")opset \(model.opsets[""] ?? 0), "
                + "\(model.graph.nodes.count) operations after folding, \(model.graph.flopsPerSample) FLOP per image; "
                + "answers \(answer.description)")
        return kernelsSetup(
            sut, kind: .onnx, workers: workers, batch: batch, threads: threads,
            extra: ["model": .string(path), "class_offset": .int(answer.offset), "output": .string(answer.output)])
    }
}

/// How a classifier's outputs become MLPerf's answer: the ArgMax output if the model has one, else the arg max of
/// its first output; minus 1 when there are 1001 classes (class 0 is "background" in MLPerf's ResNet-50, whose
/// labels are 0…999), as the reference's `PostProcessCommon(offset=-1)` does.
struct ClassAnswer: CustomStringConvertible {
    let value: InferenceGraph.ValueID
    let output: String
    let classCount: Int
    let isIndex: Bool
    let offset: Int

    init(_ model: ONNXModel) throws {
        let graph = model.graph
        let index = model.outputNames.indices.first { graph.values[graph.outputs[$0]].isIndex }
        let at = index ?? 0
        value = graph.outputs[at]
        output = model.outputNames[at]
        isIndex = index != nil
        // The class count: the input of the ArgMax, or the first output's width.
        let producer = graph.nodes.first { [value] node in node.output == value }
        classCount = isIndex ? producer.map { graph.values[$0.inputs[0]].count } ?? 0 : graph.values[value].count
        offset = classCount == 1001 ? -1 : 0
    }

    func classes(_ plan: GraphPlan, count: Int) -> [Int] {
        let y = plan.output(value)
        return (0..<count).map { i in
            if isIndex { return Int(y[i]) + offset }
            let row = y + i * classCount
            var best = 0
            for j in 1..<classCount where row[j] > row[best] { best = j }
            return best + offset
        }
    }

    var description: String {
        "the class of output '\(output)' (\(classCount) classes\(offset == 0 ? "" : ", minus 1 for the background class"))"
    }
}
