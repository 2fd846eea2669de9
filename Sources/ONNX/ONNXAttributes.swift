/// A node's attributes by name, checked against the ones its operator's handler understands: an attribute it
/// does not know is an error, never silently ignored.
struct ONNXAttributes {
    let byName: [String: Onnx_AttributeProto]

    init(_ node: Onnx_NodeProto, known: Set<String>) throws(ONNXAttributeError) {
        var byName: [String: Onnx_AttributeProto] = [:]
        for a in node.attribute {
            guard known.contains(a.name) else { throw .unknown(a.name, known: known) }
            byName[a.name] = a
        }
        self.byName = byName
    }

    func int(_ name: String, default value: Int) -> Int { byName[name].map { Int($0.i) } ?? value }

    func float(_ name: String, default value: Float) -> Float { byName[name]?.f ?? value }

    func ints(_ name: String) -> [Int]? { byName[name].map { $0.ints.map { Int($0) } } }

    func string(_ name: String, default value: String) -> String {
        byName[name].map { String(decoding: $0.s, as: UTF8.self) } ?? value
    }

    func tensor(_ name: String) -> Onnx_TensorProto? { byName[name]?.t }

    func has(_ name: String) -> Bool { byName[name] != nil }
}

enum ONNXAttributeError: Error {
    case unknown(String, known: Set<String>)

    var problem: String {
        switch self {
        case .unknown(let name, let known):
            "attribute '\(name)' is not supported"
                + (known.isEmpty ? "" : " (repro reads \(known.sorted().map { "'\($0)'" }.joined(separator: ", ")))")
        }
    }
}
