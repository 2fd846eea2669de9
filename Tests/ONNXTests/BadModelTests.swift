import Foundation
import Testing

@testable import ONNX

/// Files repro must refuse, each with an error that names the file (and the node and operator).
@Suite("ONNX files repro refuses")
struct BadModelTests {
    func error(_ name: String) throws -> String {
        let dir = try GeneratedModels.folder("bad")
        do {
            _ = try ONNXModel.load("\(dir)/\(name)")
            return "no error"
        } catch {
            return error.description.replacingOccurrences(of: dir + "/", with: "")
        }
    }

    @Test func unsupportedOperator() throws {
        #expect(
            try error("bad_operator.onnx").hasPrefix(
                "bad_operator.onnx: error: node 'the_sigmoid' (Sigmoid): operator 'Sigmoid' is not supported"))
    }

    @Test func unsupportedAttribute() throws {
        #expect(
            try error("bad_attribute.onnx")
                == "bad_attribute.onnx: error: node 'grouped_conv_2' (Conv): group 3 is not supported (only 1)")
    }

    @Test func truncatedAndForeignFiles() throws {
        #expect(try error("truncated.onnx").hasPrefix("truncated.onnx: error: not an ONNX model"))
        #expect(try error("not_onnx.onnx").hasPrefix("not_onnx.onnx: error: not an ONNX model"))
        #expect(try error("missing.onnx").hasPrefix("missing.onnx: error: cannot read"))
    }
}
