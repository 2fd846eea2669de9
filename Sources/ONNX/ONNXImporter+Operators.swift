import Kernels

/// The operators repro imports (docs/onnx.md lists them with their limits).
extension ONNXImporter {
    mutating func importNode(_ node: Onnx_NodeProto) throws(ONNXError) {
        guard node.domain.isEmpty || node.domain == "ai.onnx" else {
            throw fail(node, "operator domain '\(node.domain)' is not supported (only the default ONNX domain)")
        }
        guard !node.output.isEmpty, !node.output[0].isEmpty else { throw fail(node, "the node has no output") }
        switch node.opType {
        case "Conv": try conv(node)
        case "BatchNormalization": try batchNormalization(node)
        case "Relu": try relu(node)
        case "Add", "Sum": try add(node)
        case "MaxPool": try maxPool(node)
        case "GlobalAveragePool":
            _ = try attributes(node, [])
            let x = try activation(node, 0, rank: 4)
            emit(node, .globalAveragePool, inputs: [x.id], shape: [1, 1, channels(x)], rank: 4)
        case "ReduceMean": try reduceMean(node)
        case "Flatten", "Reshape", "Squeeze": try flatten(node)
        case "Gemm", "MatMul": try linear(node)
        case "Softmax":
            let a = try attributes(node, ["axis"])
            let x = try activation(node, 0, rank: 2)
            guard [1, -1].contains(a.int("axis", default: opset < 13 ? 1 : -1)) else {
                throw fail(node, "axis \(a.int("axis", default: -1)) is not supported (only the class axis, 1)")
            }
            emit(node, .softmax, inputs: [x.id], shape: graph.values[x.id].shape, rank: 2)
        case "ArgMax":
            let a = try attributes(node, ["axis", "keepdims", "select_last_index"])
            let x = try activation(node, 0, rank: 2)
            guard [1, -1].contains(a.int("axis", default: 0)), a.int("select_last_index", default: 0) == 0 else {
                throw fail(node, "only axis 1 (the classes) and select_last_index 0 are supported")
            }
            let keep = a.int("keepdims", default: 1) != 0
            emit(node, .argMax, inputs: [x.id], shape: [1], rank: keep ? 2 : 1, isIndex: true)
        case "Identity", "Dropout":
            _ = try attributes(node, node.opType == "Dropout" ? ["ratio", "seed", "is_test"] : [])
            guard node.output.dropFirst().allSatisfy({ $0.isEmpty || readers[$0] == nil }) else {
                throw fail(node, "its mask output is read; repro runs Dropout only as the identity of inference")
            }
            activations[node.output[0]] = try activation(node, 0, padded: true)
        case "Constant":
            let a = try attributes(node, ["value"])
            guard let t = a.tensor("value") else { throw fail(node, "only a tensor 'value' is supported") }
            do { constants[node.output[0]] = try ONNXConstant(t) } catch { throw fail(node, error.problem) }
        case "Pad": try pad(node)
        default:
            throw fail(
                node,
                "operator '\(node.opType)' is not supported (repro imports Conv, BatchNormalization, Relu, MaxPool, "
                    + "Add, GlobalAveragePool, ReduceMean, Flatten, Reshape, Squeeze, Gemm, MatMul, Softmax, ArgMax, "
                    + "Pad, Identity, Dropout, Constant)")
        }
    }

    func attributes(_ node: Onnx_NodeProto, _ known: Set<String>) throws(ONNXError) -> ONNXAttributes {
        do { return try ONNXAttributes(node, known: known) } catch { throw fail(node, error.problem) }
    }

    func channels(_ a: Activation) -> Int { graph.values[a.id].shape.last! }

    /// A square kernel's stride and padding [top, left, bottom, right] from ONNX's attributes (pads, strides,
    /// auto_pad, dilations) for an input of h × w; also checks that the kernel is square.
    func window(_ node: Onnx_NodeProto, _ a: ONNXAttributes, kernel: [Int], h: Int, w: Int) throws(ONNXError)
        -> (stride: Int, pads: [Int])
    {
        guard kernel.count == 2, kernel[0] == kernel[1] else {
            throw fail(node, "kernel \(kernel) is not supported (square 2-D kernels only)")
        }
        if let d = a.ints("dilations"), d.contains(where: { $0 != 1 }) {
            throw fail(node, "dilations \(d) are not supported (only 1)")
        }
        let strides = a.ints("strides") ?? [1, 1]
        guard strides.count == 2, strides[0] == strides[1], strides[0] > 0 else {
            throw fail(node, "strides \(strides) are not supported (equal strides only)")
        }
        let s = strides[0]
        let k = kernel[0]
        switch a.string("auto_pad", default: "NOTSET") {
        case "NOTSET":
            let pads = a.ints("pads") ?? [0, 0, 0, 0]
            guard pads.count == 4, pads.allSatisfy({ $0 >= 0 }) else { throw fail(node, "pads \(pads) are not valid") }
            // ONNX orders them [top, left, bottom, right].
            return (s, pads)
        case "VALID": return (s, [0, 0, 0, 0])
        case let mode where mode == "SAME_UPPER" || mode == "SAME_LOWER":
            func split(_ size: Int) -> (Int, Int) {
                let out = (size + s - 1) / s
                let total = max(0, (out - 1) * s + k - size)
                return mode == "SAME_UPPER" ? (total / 2, total - total / 2) : (total - total / 2, total / 2)
            }
            let (t, b) = split(h)
            let (l, r) = split(w)
            return (s, [t, l, b, r])
        case let other: throw fail(node, "auto_pad '\(other)' is not supported")
        }
    }

    mutating func conv(_ node: Onnx_NodeProto) throws(ONNXError) {
        let a = try attributes(node, ["auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"])
        let x = try activation(node, 0, rank: 4, padded: true)
        let w = try constant(node, 1)
        let bias = try optionalConstant(node, 2)
        guard a.int("group", default: 1) == 1 else {
            throw fail(node, "group \(a.int("group", default: 1)) is not supported (only 1)")
        }
        let ic = channels(x)
        guard w.dims.count == 4, w.dims[1] == ic, w.floats.count == w.count else {
            throw fail(node, "weights of shape \(w.dims) do not fit an input of \(ic) channels (float32 O×I×kH×kW)")
        }
        let oc = w.dims[0]
        let kernel = a.ints("kernel_shape") ?? [w.dims[2], w.dims[3]]
        guard kernel == [w.dims[2], w.dims[3]] else {
            throw fail(node, "kernel_shape \(kernel) does not match the weights \(w.dims)")
        }
        if let bias, bias.count != oc || bias.floats.count != oc {
            throw fail(node, "bias of shape \(bias.dims) does not fit \(oc) output channels")
        }
        let inShape = graph.values[x.id].shape
        let (stride, own) = try window(node, a, kernel: kernel, h: inShape[0], w: inShape[1])
        let extra = x.pads ?? [0, 0, 0, 0]
        let pads = (0..<4).map { own[$0] + extra[$0] }
        let k = kernel[0]
        let oh = (inShape[0] + pads[0] + pads[2] - k) / stride + 1
        let ow = (inShape[1] + pads[1] + pads[3] - k) / stride + 1
        // The kernels pad each side alike; a smaller bottom or right padding is the same when no output reads it.
        let g = ConvGeometry(inChannels: ic, outChannels: oc, kernel: k, stride: stride, padding: pads[0])
        guard oh > 0, ow > 0, pads[0] == pads[1], pads[0] < k, g.outputSize(inShape[0], inShape[1]) == (oh, ow)
        else {
            throw fail(
                node,
                "padding \(pads) with kernel \(k) and stride \(stride) on \(inShape[0])×\(inShape[1]) is not "
                    + "supported (equal top and left padding, smaller than the kernel, that the bottom and right match)"
            )
        }
        // O×I×kH×kW → HWIO [(kh·k + kw)·ic + c, o].
        let weight = Tensor([k * k * ic, oc])
        for o in 0..<oc {
            for c in 0..<ic {
                for kh in 0..<k {
                    for kw in 0..<k {
                        weight[((kh * k + kw) * ic + c) * oc + o] = w.floats[((o * ic + c) * k + kh) * k + kw]
                    }
                }
            }
        }
        let b = Tensor([oc], values: bias?.floats ?? Array(repeating: 0, count: oc))
        emit(
            node, .conv(ConvLayer(geometry: g, weight: weight, bias: b, relu: false)), inputs: [x.id],
            shape: [oh, ow, oc], rank: 4)
    }

    /// Folded into the convolution before it: W'[·, o] = W[·, o]·s[o], b'[o] = (b[o] − mean[o])·s[o] + beta[o],
    /// with s = gamma / √(var + epsilon), in double.
    mutating func batchNormalization(_ node: Onnx_NodeProto) throws(ONNXError) {
        let a = try attributes(node, ["epsilon", "momentum", "spatial", "training_mode", "is_test"])
        guard a.int("spatial", default: 1) == 1, a.int("training_mode", default: 0) == 0 else {
            throw fail(node, "only inference with per-channel statistics (spatial 1, training_mode 0) is supported")
        }
        guard node.output.dropFirst().allSatisfy(\.isEmpty) else {
            throw fail(node, "outputs beyond Y (training statistics) are not supported")
        }
        _ = try activation(node, 0, rank: 4)
        guard let at = soleProducer(ofInput: node.input[0]), case .conv(var layer) = graph.nodes[at].operation,
            !layer.relu, graph.nodes[at].inputs.count == 1
        else {
            throw fail(
                node, "repro runs BatchNormalization only folded into the Conv whose output it alone reads")
        }
        let oc = layer.geometry.outChannels
        var parts: [[Float]] = []
        for i in 1...4 {
            let c = try constant(node, i)
            guard c.floats.count == oc else {
                throw fail(node, "input '\(node.input[i])' has \(c.floats.count) values for \(oc) channels")
            }
            parts.append(c.floats)
        }
        let epsilon = Double(a.float("epsilon", default: 1e-5))
        let weight = layer.weight.clone()
        let bias = Tensor([oc])
        var scale = [Float](repeating: 0, count: oc)
        for o in 0..<oc {
            let s = Double(parts[0][o]) / (Double(parts[3][o]) + epsilon).squareRoot()
            scale[o] = Float(s)
            bias[o] = Float((Double(layer.bias[o]) - Double(parts[2][o])) * s + Double(parts[1][o]))
        }
        for r in 0..<(weight.count / oc) {
            for o in 0..<oc { weight[r * oc + o] = Float(Double(weight[r * oc + o]) * Double(scale[o])) }
        }
        layer.weight = weight
        layer.bias = bias
        graph.nodes[at].operation = .conv(layer)
        activations[node.output[0]] = activations[node.input[0]]
    }

    mutating func relu(_ node: Onnx_NodeProto) throws(ONNXError) {
        _ = try attributes(node, [])
        let x = try activation(node, 0)
        if let at = soleProducer(ofInput: node.input[0]) {
            switch graph.nodes[at].operation {
            case .conv(var c) where !c.relu:
                c.relu = true
                graph.nodes[at].operation = .conv(c)
                activations[node.output[0]] = x
                return
            case .add(relu: false):
                graph.nodes[at].operation = .add(relu: true)
                activations[node.output[0]] = x
                return
            case .linear(var l) where !l.relu:
                l.relu = true
                graph.nodes[at].operation = .linear(l)
                activations[node.output[0]] = x
                return
            default: break
            }
        }
        emit(node, .relu, inputs: [x.id], shape: graph.values[x.id].shape, rank: x.rank)
    }

    mutating func add(_ node: Onnx_NodeProto) throws(ONNXError) {
        _ = try attributes(node, [])
        guard node.input.count == 2 else { throw fail(node, "only two inputs are supported") }
        // An activation plus a constant: the bias of the MatMul or Gemm before it.
        if let ci = (0..<2).first(where: { constants[node.input[$0]] != nil }) {
            let c = try constant(node, ci)
            let x = try activation(node, 1 - ci, rank: 2)
            guard let at = soleProducer(ofInput: node.input[1 - ci]), case .linear(var l) = graph.nodes[at].operation,
                !l.relu, c.floats.count == l.outputs
            else {
                throw fail(node, "an Add of a constant is supported only as the bias of the MatMul or Gemm before it")
            }
            let bias = l.bias.clone()
            for o in 0..<l.outputs { bias[o] += c.floats[o] }
            l.bias = bias
            graph.nodes[at].operation = .linear(l)
            activations[node.output[0]] = x
            return
        }
        let a = try activation(node, 0)
        let b = try activation(node, 1)
        guard graph.values[a.id].shape == graph.values[b.id].shape, a.rank == b.rank else {
            throw fail(node, "inputs of shapes \(shape(of: a)) and \(shape(of: b)) (broadcasting is not supported)")
        }
        // Folded as the residual of a convolution that only this Add reads; that convolution moves to the end of
        // the list so the other input is ready before it runs.
        for (i, other) in [(0, b), (1, a)] {
            guard let at = soleProducer(ofInput: node.input[i]), case .conv(let c) = graph.nodes[at].operation,
                !c.relu, graph.nodes[at].inputs.count == 1
            else { continue }
            var conv = graph.nodes.remove(at: at)
            conv.inputs.append(other.id)
            graph.nodes.append(conv)
            activations[node.output[0]] = activations[node.input[i]]
            return
        }
        emit(node, .add(relu: false), inputs: [a.id, b.id], shape: graph.values[a.id].shape, rank: a.rank)
    }

    mutating func maxPool(_ node: Onnx_NodeProto) throws(ONNXError) {
        let a = try attributes(
            node, ["auto_pad", "ceil_mode", "dilations", "kernel_shape", "pads", "storage_order", "strides"])
        guard node.output.dropFirst().allSatisfy({ $0.isEmpty || readers[$0] == nil }) else {
            throw fail(node, "the Indices output is not supported")
        }
        guard a.int("ceil_mode", default: 0) == 0, a.int("storage_order", default: 0) == 0 else {
            throw fail(node, "ceil_mode and storage_order other than 0 are not supported")
        }
        let x = try activation(node, 0, rank: 4)
        let s = graph.values[x.id].shape
        guard let kernel = a.ints("kernel_shape") else { throw fail(node, "kernel_shape is missing") }
        let (stride, pads) = try window(node, a, kernel: kernel, h: s[0], w: s[1])
        let k = kernel[0]
        let oh = (s[0] + pads[0] + pads[2] - k) / stride + 1
        let ow = (s[1] + pads[1] + pads[3] - k) / stride + 1
        guard oh > 0, ow > 0, pads.allSatisfy({ $0 < k }) else {
            throw fail(node, "kernel \(k), stride \(stride) and pads \(pads) do not fit an input of \(s[0])×\(s[1])")
        }
        emit(
            node, .maxPool(kernel: k, stride: stride, padTop: pads[0], padLeft: pads[1]), inputs: [x.id],
            shape: [oh, ow, s[2]], rank: 4)
    }

    /// ReduceMean over the two spatial axes is a global average pool.
    mutating func reduceMean(_ node: Onnx_NodeProto) throws(ONNXError) {
        let a = try attributes(node, ["axes", "keepdims", "noop_with_empty_axes"])
        let x = try activation(node, 0, rank: 4)
        var axes = a.ints("axes")
        if axes == nil, let c = try optionalConstant(node, 1) { axes = c.ints.map { Int($0) } }
        let normalised = Set((axes ?? []).map { $0 < 0 ? $0 + 4 : $0 })
        guard normalised == [2, 3] else {
            throw fail(node, "axes \(axes ?? []) are not supported (only the spatial axes, [2, 3])")
        }
        let keep = a.int("keepdims", default: 1) != 0
        let c = channels(x)
        emit(node, .globalAveragePool, inputs: [x.id], shape: keep ? [1, 1, c] : [c], rank: keep ? 4 : 2)
    }

    /// Flatten, Reshape and Squeeze of an N×C×1×1 image to N×C (the same floats in NHWC), or a Reshape to the
    /// shape it already has.
    mutating func flatten(_ node: Onnx_NodeProto) throws(ONNXError) {
        let known: Set<String> =
            node.opType == "Flatten" ? ["axis"] : node.opType == "Squeeze" ? ["axes"] : ["allowzero"]
        let a = try attributes(node, known)
        let x = try activation(node, 0)
        let s = graph.values[x.id].shape
        let count = s.reduce(1, *)
        var target: [Int]
        switch node.opType {
        case "Flatten":
            guard a.int("axis", default: 1) == 1 else { throw fail(node, "only axis 1 is supported") }
            target = [-1, count]
        case "Squeeze":
            var axes = a.ints("axes")
            if axes == nil, let c = try optionalConstant(node, 1) { axes = c.ints.map { Int($0) } }
            guard x.rank == 4, Set((axes ?? [2, 3]).map { $0 < 0 ? $0 + 4 : $0 }) == [2, 3] else {
                throw fail(node, "only squeezing the spatial axes [2, 3] of an N×C×1×1 image is supported")
            }
            target = [-1, count]
        default:
            let dims = try constant(node, 1).ints.map { Int($0) }
            guard dims.count == 2 else {
                throw fail(node, "reshaping to \(dims) is not supported (only N×C×1×1 to N×C)")
            }
            // 0 copies the input's dimension (C), -1 takes what is left; the first dimension is the batch.
            let second = dims[1] == 0 ? (x.rank == 4 ? s[2] : count) : dims[1]
            target = [-1, second == -1 ? count : second]
        }
        guard target.count == 2, target[1] == count, x.rank != 4 || (s[0] == 1 && s[1] == 1) else {
            throw fail(
                node,
                "reshaping \(shape(of: x)) to N×\(target[1]) is not supported (only N×C×1×1 to N×C; repro keeps "
                    + "images NHWC)")
        }
        activations[node.output[0]] = Activation(id: x.id, rank: 2)
    }

    /// Gemm (A·B·alpha + C·beta, B constant, A not transposed) and MatMul with a constant B: a linear layer.
    mutating func linear(_ node: Onnx_NodeProto) throws(ONNXError) {
        let isGemm = node.opType == "Gemm"
        let a = try attributes(node, isGemm ? ["alpha", "beta", "transA", "transB"] : [])
        let x = try activation(node, 0, rank: 2)
        let w = try constant(node, 1)
        guard a.int("transA", default: 0) == 0 else { throw fail(node, "transA 1 is not supported") }
        let transB = a.int("transB", default: 0) != 0
        let inputs = graph.values[x.id].shape.reduce(1, *)
        guard w.dims.count == 2, w.floats.count == w.count, w.dims[transB ? 1 : 0] == inputs else {
            throw fail(node, "weights of shape \(w.dims) do not fit \(inputs) inputs\(transB ? " (transB)" : "")")
        }
        let outputs = w.dims[transB ? 0 : 1]
        let alpha = a.float("alpha", default: 1)
        let beta = a.float("beta", default: 1)
        let weight = Tensor([inputs, outputs])
        for i in 0..<inputs {
            for o in 0..<outputs {
                weight[i * outputs + o] = alpha * w.floats[transB ? o * inputs + i : i * outputs + o]
            }
        }
        let bias = Tensor([outputs])
        if isGemm, let c = try optionalConstant(node, 2) {
            guard c.floats.count == outputs || c.floats.count == 1 else {
                throw fail(node, "bias C of shape \(c.dims) does not fit \(outputs) outputs")
            }
            for o in 0..<outputs { bias[o] = beta * c.floats[c.floats.count == 1 ? 0 : o] }
        }
        emit(
            node, .linear(LinearLayer(inputs: inputs, outputs: outputs, weight: weight, bias: bias)),
            inputs: [x.id], shape: [outputs], rank: 2)
    }

    /// A zero Pad of the spatial axes, kept until the Conv that reads it folds it into its own padding.
    mutating func pad(_ node: Onnx_NodeProto) throws(ONNXError) {
        let a = try attributes(node, ["mode", "pads", "value"])
        var x = try activation(node, 0, rank: 4)
        guard a.string("mode", default: "constant") == "constant" else {
            throw fail(node, "mode '\(a.string("mode", default: ""))' is not supported (only constant zeros)")
        }
        var pads = a.ints("pads")
        if pads == nil, let c = try optionalConstant(node, 1) { pads = c.ints.map { Int($0) } }
        var value = a.float("value", default: 0)
        if let c = try optionalConstant(node, 2), let v = c.floats.first { value = v }
        // ONNX orders them [n, c, h, w begins, n, c, h, w ends].
        guard let p = pads, p.count == 8, p[0] == 0, p[1] == 0, p[4] == 0, p[5] == 0, p.allSatisfy({ $0 >= 0 }),
            value == 0
        else {
            throw fail(node, "only zero padding of the spatial axes is supported (pads \(pads ?? []), value \(value))")
        }
        guard readers[node.output[0]] == 1 else { throw fail(node, "a Pad must be read by one Conv only") }
        let old = x.pads ?? [0, 0, 0, 0]
        x.pads = [old[0] + p[2], old[1] + p[3], old[2] + p[6], old[3] + p[7]]
        activations[node.output[0]] = x
    }
}
