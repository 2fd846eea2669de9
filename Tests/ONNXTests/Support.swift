import Foundation
import Kernels
import ONNX
import Testing

/// Runs a command for test set-up; fails with its output.
@discardableResult
func run(_ arguments: [String], in dir: String? = nil) throws -> String {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = arguments
    if let dir { p.currentDirectoryURL = URL(fileURLWithPath: dir) }
    let out = Pipe()
    p.standardOutput = out
    p.standardError = out
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    let text = String(decoding: data, as: UTF8.self)
    guard p.terminationStatus == 0 else {
        throw NSError(
            domain: "run", code: Int(p.terminationStatus),
            userInfo: [NSLocalizedDescriptionKey: "\(arguments.joined(separator: " ")): \(text)"])
    }
    return text
}

func temporaryFolder(_ name: String) throws -> String {
    let dir = NSTemporaryDirectory() + "repro-\(name)-" + UUID().uuidString.prefix(8)
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
}

/// The models of `Fixtures/make_models.py` (onnx helper API + numpy, outputs from onnxruntime), made once per
/// kind and test process.
enum GeneratedModels {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().path + "/Fixtures/make_models.py"
    nonisolated(unsafe) static var folders: [String: String] = [:]
    static let lock = NSLock()

    static func folder(_ kind: String) throws -> String {
        lock.lock()
        defer { lock.unlock() }
        if let dir = folders[kind] { return dir }
        let dir = try temporaryFolder("onnx-\(kind)")
        try run(["python3", script, dir, kind])
        folders[kind] = dir
        return dir
    }

    static func floats(_ path: String) throws -> [Float] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
    }

    /// NCHW floats of `batch` samples as NHWC.
    static func nhwc(_ x: [Float], batch: Int, channels c: Int, size s: Int) -> [Float] {
        var out = [Float](repeating: 0, count: x.count)
        for b in 0..<batch {
            for ch in 0..<c {
                for y in 0..<s {
                    for xx in 0..<s { out[((b * s + y) * s + xx) * c + ch] = x[((b * c + ch) * s + y) * s + xx] }
                }
            }
        }
        return out
    }
}

/// repro's outputs for a model against onnxruntime's on the same input.
struct Agreement: CustomStringConvertible {
    var maxLogitDifference: Float
    var largestLogit: Float
    var maxProbabilityDifference: Float
    var top1Agrees: Bool
    var relative: Float { maxLogitDifference / max(largestLogit, 1e-6) }
    var description: String {
        "max |logit difference| \(maxLogitDifference) (relative \(relative)), max |probability difference| "
            + "\(maxProbabilityDifference), top-1 \(top1Agrees ? "identical" : "DIFFERENT")"
    }

    static func measure(model name: String, in dir: String, batch: Int = 2, threads: Int = 1) throws -> Agreement {
        let model = try ONNXModel.load("\(dir)/\(name).onnx")
        let size = model.inputShape[1]
        let input = GeneratedModels.nhwc(
            try GeneratedModels.floats("\(dir)/input\(size).bin"), batch: batch, channels: 3, size: size)
        let plan = CompiledGraph(model.graph).plan(batch: batch, threads: threads)
        input.withUnsafeBufferPointer { plan.run($0.baseAddress!, count: batch) }
        func ours(_ output: String) -> [Float] {
            let v = model.output(named: output)!
            return Array(UnsafeBufferPointer(start: plan.output(v), count: batch * model.graph.values[v].count))
        }
        let logits = ours("logits")
        let theirs = try GeneratedModels.floats("\(dir)/\(name).logits.bin")
        let probabilities = ours("softmax_tensor:0")
        let theirProbabilities = try GeneratedModels.floats("\(dir)/\(name).softmax_tensor:0.bin")
        return Agreement(
            maxLogitDifference: zip(logits, theirs).map { abs($0 - $1) }.max()!,
            largestLogit: theirs.map(abs).max()!,
            maxProbabilityDifference: zip(probabilities, theirProbabilities).map { abs($0 - $1) }.max()!,
            top1Agrees: ours("ArgMax:0") == (try GeneratedModels.floats("\(dir)/\(name).ArgMax:0.bin")))
    }
}
