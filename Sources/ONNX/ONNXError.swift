/// What can be wrong with an ONNX file, each with the file and, for a node, its name and operator.
public enum ONNXError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file cannot be read or is not an ONNX model.
    case file(path: String, problem: String)
    /// Something about the graph as a whole: its inputs, outputs or initializers.
    case graph(path: String, problem: String)
    /// A node repro cannot run as the file asks: an operator or attribute it does not support, or inputs that do
    /// not fit.
    case node(path: String, node: String, operator: String, problem: String)

    public var description: String {
        switch self {
        case .file(let path, let problem): "\(path): error: \(problem)"
        case .graph(let path, let problem): "\(path): error: \(problem)"
        case .node(let path, let node, let op, let problem): "\(path): error: node '\(node)' (\(op)): \(problem)"
        }
    }
}
