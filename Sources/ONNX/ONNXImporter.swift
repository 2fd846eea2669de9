import Kernels

/// Turns an ONNX graph into an `InferenceGraph`, node by node in the file's order, folding as it goes:
/// BatchNormalization into the convolution before it, Relu into the operation before it, an Add of a
/// convolution's output and another activation into that convolution (as its residual), a Pad into the
/// convolution after it, and an Add of a constant into the bias of the MatMul before it. Shapes are checked as
/// they are inferred. Anything else it cannot run exactly is an `ONNXError` naming the node.
struct ONNXImporter {
    /// An activation of the ONNX graph: its value in repro's graph (NHWC), and the rank the file sees (4 for
    /// N×C×H×W, 2 for N×C, 1 for ArgMax without keepdims).
    struct Activation {
        var id: InferenceGraph.ValueID
        var rank: Int
        /// Zero padding a Pad node asked for, [top, left, bottom, right], still to be applied by the next Conv.
        var pads: [Int]?
    }

    struct Imported {
        var graph: InferenceGraph
        var inputName: String
        var inputShape: [Int]
        var batchDimension: String
        var outputNames: [String]
    }

    let path: String
    let proto: Onnx_GraphProto
    let opset: Int
    var graph = InferenceGraph()
    var constants: [String: ONNXConstant] = [:]
    var activations: [String: Activation] = [:]
    /// How many node inputs (and graph outputs) read each value: a value read once may be folded into its reader.
    var readers: [String: Int] = [:]

    init(path: String, graph: Onnx_GraphProto, opset: Int) {
        self.path = path
        self.proto = graph
        self.opset = opset
    }

    mutating func run() throws(ONNXError) -> Imported {
        for t in proto.initializer {
            do { constants[t.name] = try ONNXConstant(t) } catch {
                throw .graph(path: path, problem: "initializer '\(t.name)': \(error.problem)")
            }
        }
        for node in proto.node { for name in node.input where !name.isEmpty { readers[name, default: 0] += 1 } }
        for output in proto.output { readers[output.name, default: 0] += 1 }

        let (inputName, inputShape, batch) = try graphInput()
        graph.input = graph.add(.init(name: inputName, shape: [inputShape[1], inputShape[2], inputShape[0]]))
        activations[inputName] = Activation(id: graph.input, rank: 4)

        for node in proto.node { try importNode(node) }

        var outputNames: [String] = []
        for output in proto.output {
            guard let a = activations[output.name] else {
                throw .graph(
                    path: path,
                    problem: constants[output.name] == nil
                        ? "output '\(output.name)' is made by no node" : "output '\(output.name)' is a constant")
            }
            graph.outputs.append(a.id)
            outputNames.append(output.name)
        }
        guard !outputNames.isEmpty else { throw .graph(path: path, problem: "the graph has no outputs") }
        return Imported(
            graph: graph, inputName: inputName, inputShape: inputShape, batchDimension: batch,
            outputNames: outputNames)
    }

    /// The one graph input that is not an initializer: float32, N×C×H×W with C, H and W fixed.
    func graphInput() throws(ONNXError) -> (String, [Int], String) {
        let inputs = proto.input.filter { constants[$0.name] == nil }
        guard inputs.count == 1, let input = inputs.first else {
            throw .graph(
                path: path,
                problem: "expected one input (an N×C×H×W image batch), found \(inputs.count)"
                    + (inputs.isEmpty ? "" : ": " + inputs.map { "'\($0.name)'" }.joined(separator: ", ")))
        }
        let tensor = input.type.tensorType
        guard tensor.elemType == Int32(Onnx_TensorProto.DataType.float.rawValue) else {
            throw .graph(path: path, problem: "input '\(input.name)' is not float32 (element type \(tensor.elemType))")
        }
        let dims = tensor.shape.dim
        let shown = dims.map { d in d.dimParam.isEmpty ? String(d.dimValue) : d.dimParam }
        guard dims.count == 4, dims.dropFirst().allSatisfy({ $0.dimParam.isEmpty && $0.dimValue > 0 }) else {
            throw .graph(
                path: path,
                problem: "input '\(input.name)' has shape [\(shown.joined(separator: ", "))]; "
                    + "expected N×C×H×W with C, H and W fixed")
        }
        return (input.name, dims.dropFirst().map { Int($0.dimValue) }, shown[0].isEmpty ? "?" : shown[0])
    }

    // MARK: - Reading a node's inputs

    func fail(_ node: Onnx_NodeProto, _ problem: String) -> ONNXError {
        .node(
            path: path, node: node.name.isEmpty ? node.output.first ?? "?" : node.name, operator: node.opType,
            problem: problem)
    }

    /// Input `index` as an activation of rank `rank` (any rank when nil); a padded value only where `padded`.
    func activation(_ node: Onnx_NodeProto, _ index: Int, rank: Int? = nil, padded: Bool = false)
        throws(ONNXError) -> Activation
    {
        guard index < node.input.count, !node.input[index].isEmpty else {
            throw fail(node, "input \(index + 1) is missing")
        }
        let name = node.input[index]
        guard let a = activations[name] else {
            throw fail(
                node,
                constants[name] != nil
                    ? "input '\(name)' is a constant where repro needs an activation"
                    : "input '\(name)' is made by no earlier node")
        }
        if let rank, a.rank != rank {
            throw fail(node, "input '\(name)' has rank \(a.rank), expected \(rank) (\(shape(of: a)))")
        }
        if a.pads != nil && !padded {
            throw fail(node, "input '\(name)' comes from a Pad; repro folds a Pad only into the Conv that reads it")
        }
        return a
    }

    /// Input `index` as a constant (an initializer or a Constant node's value).
    func constant(_ node: Onnx_NodeProto, _ index: Int) throws(ONNXError) -> ONNXConstant {
        guard index < node.input.count, !node.input[index].isEmpty else {
            throw fail(node, "input \(index + 1) is missing")
        }
        guard let c = constants[node.input[index]] else {
            throw fail(node, "input '\(node.input[index])' must be a constant (an initializer) for repro")
        }
        return c
    }

    func optionalConstant(_ node: Onnx_NodeProto, _ index: Int) throws(ONNXError) -> ONNXConstant? {
        index < node.input.count && !node.input[index].isEmpty ? try constant(node, index) : nil
    }

    /// The ONNX shape of an activation, for messages.
    func shape(of a: Activation) -> String {
        let s = graph.values[a.id].shape
        switch a.rank {
        case 4 where s.count == 3: return "N×\(s[2])×\(s[0])×\(s[1])"
        case 2: return "N×\(s.reduce(1, *))"
        default: return "N"
        }
    }

    // MARK: - Building

    /// Adds a node making a new value named after the ONNX output `name`.
    mutating func emit(
        _ node: Onnx_NodeProto, _ operation: InferenceGraph.Operation, inputs: [InferenceGraph.ValueID],
        shape: [Int], rank: Int, isIndex: Bool = false
    ) {
        let id = graph.add(.init(name: node.output[0], shape: shape, isIndex: isIndex))
        graph.nodes.append(.init(name: nodeName(node), operation: operation, inputs: inputs, output: id))
        activations[node.output[0]] = Activation(id: id, rank: rank)
    }

    func nodeName(_ node: Onnx_NodeProto) -> String { node.name.isEmpty ? node.output.first ?? "?" : node.name }

    /// The index of the node that makes `value`, when only one reader reads it (so it may be folded into it).
    func soleProducer(ofInput name: String) -> Int? {
        guard readers[name] == 1, let a = activations[name], a.pads == nil else { return nil }
        return graph.nodes.lastIndex { $0.output == a.id }
    }
}
