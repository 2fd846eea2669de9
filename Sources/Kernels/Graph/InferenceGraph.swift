/// A feed-forward inference network over NHWC activations: what a model importer (module `ONNX`) builds and what
/// `CompiledGraph` runs. Batch-norm is already folded into the convolutions, and ReLU and residual sums are flags
/// of the operation that produces them, so the kernels apply them as they store.
///
/// Values are per-sample shapes (`[h, w, c]` for images, `[c]` for vectors); the batch is chosen when the graph
/// is planned. Nodes are in an order where every input is made before it is read.
public struct InferenceGraph: Sendable {
    public typealias ValueID = Int

    public struct Value: Sendable, Equatable {
        /// The name in the model file (for outputs and errors).
        public var name: String
        public var shape: [Int]
        /// ArgMax's output: class indices (stored as floats holding whole numbers).
        public var isIndex: Bool

        public init(name: String, shape: [Int], isIndex: Bool = false) {
            self.name = name
            self.shape = shape
            self.isIndex = isIndex
        }

        public var count: Int { shape.reduce(1, *) }
    }

    public enum Operation: Sendable {
        /// inputs: [x] or [x, residual]; y = conv(x) + bias (+ residual), then ReLU if `relu`.
        case conv(ConvLayer)
        /// inputs: [x]; ONNX MaxPool (padding taps ignored).
        case maxPool(kernel: Int, stride: Int, padTop: Int, padLeft: Int)
        /// inputs: [x] of [h, w, c]; output [c].
        case globalAveragePool
        /// inputs: [a, b] of the same shape; a + b, then ReLU if `relu`.
        case add(relu: Bool)
        case relu
        /// inputs: [x] of [inputs]; x · weight + bias.
        case linear(LinearLayer)
        /// inputs: [x] of [c]; the softmax over c.
        case softmax
        /// inputs: [x] of [c]; output [1], the index of the largest element (the first of equals).
        case argMax
    }

    public struct Node: Sendable {
        /// The node's name in the model file (per-layer tables, errors).
        public var name: String
        public var operation: Operation
        public var inputs: [ValueID]
        public var output: ValueID

        public init(name: String, operation: Operation, inputs: [ValueID], output: ValueID) {
            self.name = name
            self.operation = operation
            self.inputs = inputs
            self.output = output
        }
    }

    public var values: [Value] = []
    public var nodes: [Node] = []
    public var input: ValueID = 0
    public var outputs: [ValueID] = []

    public init() {}

    /// Adds a value and returns its id.
    public mutating func add(_ value: Value) -> ValueID {
        values.append(value)
        return values.count - 1
    }

    /// Floating-point operations of one sample's forward pass through convolutions and linear layers
    /// (a multiply-add counts 2).
    public var flopsPerSample: Int { nodes.reduce(0) { $0 + flops(of: $1) } }

    /// The floating-point operations of one node for one sample (convolutions and linear layers; 0 otherwise).
    public func flops(of node: Node) -> Int {
        switch node.operation {
        case .conv(let c):
            let out = values[node.output].shape
            return 2 * out[0] * out[1] * c.geometry.patch * c.geometry.outChannels
        case .linear(let l): return 2 * l.inputs * l.outputs
        default: return 0
        }
    }
}

/// A convolution with its batch-norm folded in: weights HWIO `[k·k·in, out]`, a bias per output channel.
///
/// Sendable by hand (tensors are not): a graph's weights are written while it is built and only read after, when
/// threads share it.
public struct ConvLayer: @unchecked Sendable {
    public var geometry: ConvGeometry
    public var weight: Tensor
    public var bias: Tensor
    public var relu: Bool

    public init(geometry: ConvGeometry, weight: Tensor, bias: Tensor, relu: Bool) {
        precondition(weight.count == geometry.patch * geometry.outChannels && bias.count == geometry.outChannels)
        self.geometry = geometry
        self.weight = weight
        self.bias = bias
        self.relu = relu
    }
}

/// A fully connected layer: weight `[inputs, outputs]`, bias `[outputs]`. Sendable by hand, as `ConvLayer` is.
public struct LinearLayer: @unchecked Sendable {
    public var inputs: Int
    public var outputs: Int
    public var weight: Tensor
    public var bias: Tensor
    public var relu: Bool

    public init(inputs: Int, outputs: Int, weight: Tensor, bias: Tensor, relu: Bool = false) {
        precondition(weight.count == inputs * outputs && bias.count == outputs)
        self.inputs = inputs
        self.outputs = outputs
        self.weight = weight
        self.bias = bias
        self.relu = relu
    }
}
