import Foundation

/// An initializer or a `Constant` node's tensor, decoded: float32 for weights, int64 for shapes and axes.
struct ONNXConstant {
    var dims: [Int]
    var floats: [Float]
    var ints: [Int64]

    var count: Int { dims.reduce(1, *) }

    /// Decodes a tensor, refusing what repro cannot use (external data, other element types) with the reason.
    init(_ t: Onnx_TensorProto) throws(ONNXConstantError) {
        dims = t.dims.map { Int($0) }
        floats = []
        ints = []
        if t.dataLocation == .external || !t.externalData.isEmpty {
            throw .unsupported("its data is stored in an external file, which repro does not read")
        }
        let count = dims.reduce(1, *)
        switch Onnx_TensorProto.DataType(rawValue: Int(t.dataType)) {
        case .float:
            if !t.rawData.isEmpty {
                guard t.rawData.count == count * 4 else {
                    throw .malformed("raw data of \(t.rawData.count) bytes for \(count) float32 values")
                }
                floats = t.rawData.withUnsafeBytes { raw in
                    (0..<count).map {
                        Float(
                            bitPattern: UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self))
                        )
                    }
                }
            } else {
                guard t.floatData.count == count else {
                    throw .malformed("\(t.floatData.count) float values for dimensions \(dims)")
                }
                floats = t.floatData
            }
        case .int64:
            if !t.rawData.isEmpty {
                guard t.rawData.count == count * 8 else {
                    throw .malformed("raw data of \(t.rawData.count) bytes for \(count) int64 values")
                }
                ints = t.rawData.withUnsafeBytes { raw in
                    (0..<count).map { Int64(littleEndian: raw.loadUnaligned(fromByteOffset: $0 * 8, as: Int64.self)) }
                }
            } else {
                guard t.int64Data.count == count else {
                    throw .malformed("\(t.int64Data.count) int64 values for dimensions \(dims)")
                }
                ints = t.int64Data
            }
        default:
            let name = Onnx_TensorProto.DataType(rawValue: Int(t.dataType)).map { "\($0)" } ?? "\(t.dataType)"
            throw .unsupported("element type \(name) is not supported (float32 weights, int64 shapes)")
        }
    }
}

enum ONNXConstantError: Error {
    case unsupported(String)
    case malformed(String)

    var problem: String {
        switch self {
        case .unsupported(let p), .malformed(let p): p
        }
    }
}
