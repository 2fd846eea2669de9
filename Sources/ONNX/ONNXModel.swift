import Foundation
import Kernels
internal import SwiftProtobuf

/// An ONNX model read into repro's inference graph (`Kernels.InferenceGraph`), with the names the file gives its
/// input and outputs. The file's input is NCHW; the graph takes the same samples as NHWC (see docs/onnx.md).
public struct ONNXModel: Sendable {
    public let path: String
    public let graph: InferenceGraph
    /// The input's name in the file (MLPerf's model: `input_tensor:0`).
    public let inputName: String
    /// One sample of the input as the file declares it: [channels, height, width].
    public let inputShape: [Int]
    /// The batch dimension the file declares: a number, or the name of a symbolic dimension.
    public let batchDimension: String
    /// The outputs' names in the file, in its order (MLPerf's model: `ArgMax:0`, `softmax_tensor:0`).
    public let outputNames: [String]
    /// Operator set versions by domain ("" is the default ONNX domain).
    public let opsets: [String: Int]
    public let irVersion: Int
    public let producer: String

    /// Reads and imports an ONNX file; any problem is an `ONNXError` naming the file (and the node).
    public static func load(_ path: String) throws(ONNXError) -> ONNXModel {
        let data: Data
        do { data = try Data(contentsOf: URL(fileURLWithPath: path), options: .mappedIfSafe) } catch {
            throw .file(path: path, problem: "cannot read: \(error.localizedDescription)")
        }
        return try read(data, path: path)
    }

    /// Imports the bytes of an ONNX file; `path` names it in errors.
    public static func read(_ data: Data, path: String) throws(ONNXError) -> ONNXModel {
        let proto: Onnx_ModelProto
        do { proto = try Onnx_ModelProto(serializedBytes: data) } catch {
            throw .file(path: path, problem: "not an ONNX model (\(ONNXModel.describe(error)))")
        }
        guard proto.irVersion > 0, proto.hasGraph, !proto.graph.node.isEmpty else {
            throw .file(
                path: path,
                problem: "not an ONNX model (no IR version or no graph: \(data.count) bytes, is it truncated?)")
        }
        var opsets: [String: Int] = [:]
        for o in proto.opsetImport { opsets[o.domain == "ai.onnx" ? "" : o.domain] = Int(o.version) }
        var importer = ONNXImporter(path: path, graph: proto.graph, opset: opsets[""] ?? 1)
        let imported = try importer.run()
        return ONNXModel(
            path: path, graph: imported.graph, inputName: imported.inputName, inputShape: imported.inputShape,
            batchDimension: imported.batchDimension, outputNames: imported.outputNames, opsets: opsets,
            irVersion: Int(proto.irVersion),
            producer: [proto.producerName, proto.producerVersion].filter { !$0.isEmpty }.joined(separator: " "))
    }

    /// The value of the output named `name`.
    public func output(named name: String) -> InferenceGraph.ValueID? {
        outputNames.firstIndex(of: name).map { graph.outputs[$0] }
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case BinaryDecodingError.truncated: "the protobuf data is truncated"
        case BinaryDecodingError.malformedProtobuf: "malformed protobuf data"
        default: "\(error)"
        }
    }
}
