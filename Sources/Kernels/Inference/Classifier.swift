/// A trained network made ready for inference: batch-norm folded into the preceding convolution's weights and
/// bias, ReLU and the residual sum fused into one pass over each output.
///
/// The weights are read-only and shared; each thread that classifies needs its own `Workspace` (buffers kept
/// between calls, so classifying allocates nothing once warm).
///
/// Sendable by hand: its tensors (not Sendable themselves) are copies made in `init` that nothing writes afterwards,
/// so threads may share them.
public final class Classifier: @unchecked Sendable {
    public let architecture: Architecture
    public let inputShape: [Int]
    public let classes: Int
    let ops: [Op]
    let tileImages: Int

    indirect enum Op {
        /// `winograd`: the weights transformed for `WinogradConv`, where it applies.
        case conv(ConvGeometry, weight: Tensor, bias: Tensor, relu: Bool, winograd: Tensor?)
        case block(conv1: Op, conv2: Op, projection: Op?)
        case globalAveragePool
        case linear(inputs: Int, outputs: Int, weight: Tensor, bias: Tensor, relu: Bool)
    }

    /// Buffers of one thread: not Sendable, so a workspace cannot be handed to another thread by mistake.
    public final class Workspace {
        var buffers: [Tensor?] = []
        public init() {}

        func ensure(_ slots: Int) { while buffers.count < slots { buffers.append(nil) } }
    }

    public init(_ network: Network) {
        architecture = network.architecture
        inputShape = network.inputShape
        classes = network.classes
        var ops: [Op] = []
        let layers = network.body.layers
        var i = 0
        while i < layers.count {
            let layer = layers[i]
            if let conv = layer as? Conv2D, i + 1 < layers.count, let bn = layers[i + 1] as? BatchNorm {
                let relu = i + 2 < layers.count && layers[i + 2] is ReLU
                ops.append(Classifier.folded(conv, bn, relu: relu))
                i += relu ? 3 : 2
                continue
            }
            switch layer {
            case let b as ResidualBlock:
                ops.append(
                    .block(
                        conv1: Classifier.folded(b.conv1, b.bn1, relu: true),
                        conv2: Classifier.folded(b.conv2, b.bn2, relu: false),
                        projection: b.projection.map { p in
                            .conv(
                                p.geometry, weight: p.weight.value.clone(), bias: p.bias!.value.clone(), relu: false,
                                winograd: nil)
                        }))
            case is GlobalAveragePool: ops.append(.globalAveragePool)
            case let l as Linear:
                let relu = i + 1 < layers.count && layers[i + 1] is ReLU
                ops.append(
                    .linear(
                        inputs: l.inputs, outputs: l.outputs, weight: l.weight.value.clone(),
                        bias: l.bias.value.clone(), relu: relu))
                if relu { i += 1 }
            default: break
            }
            i += 1
        }
        self.ops = ops
        tileImages = Classifier.tileImages(ops, inputShape: inputShape)
    }

    /// Convolution then batch-norm as one convolution: W'[·, o] = W[·, o]·s[o], b'[o] = t[o] (+ b[o]·s[o]).
    static func folded(_ conv: Conv2D, _ bn: BatchNorm, relu: Bool) -> Op {
        let (scale, shift) = bn.inferenceScaleShift
        let w = conv.weight.value.clone()
        let oc = conv.geometry.outChannels
        for r in 0..<(w.count / oc) { for o in 0..<oc { w[r * oc + o] *= scale[o] } }
        let b = Tensor([oc])
        for o in 0..<oc { b[o] = shift[o] + (conv.bias?.value[o] ?? 0) * scale[o] }
        return .conv(conv.geometry, weight: w, bias: b, relu: relu, winograd: WinogradConv.weights(conv.geometry, w))
    }

    /// Logits [batch, classes] for a batch of samples (NHWC floats, contiguous). The result lives in the
    /// workspace until its next use.
    public func logits(_ input: UnsafePointer<Float>, batch: Int, workspace: Workspace) -> Tensor {
        let tile = tileImages
        if batch <= tile { return logits(input, batch: batch, workspace: workspace, firstSlot: 0) }
        // Tile by tile through the whole network, so each tile's activations stay in the L2 cache (a whole batch
        // of 32 images of 32×32×16 floats is 2 MB per layer).
        workspace.ensure(1)
        let out = Tensor.reuse(workspace.buffers[0], [batch, classes])
        workspace.buffers[0] = out
        let sample = inputShape.reduce(1, *)
        var start = 0
        while start < batch {
            let n = min(tile, batch - start)
            let y = logits(input + start * sample, batch: n, workspace: workspace, firstSlot: 1)
            (out.data + start * classes).update(from: y.data, count: n * classes)
            start += n
        }
        return out
    }

    /// Images per tile: as many as keep one layer's output within about 1 MB, the L2 cache (at least 1, at most 256).
    static func tileImages(_ ops: [Op], inputShape: [Int]) -> Int {
        var (h, w) = (inputShape[0], inputShape[1])
        var widest = inputShape.reduce(1, *)
        func visit(_ op: Op) {
            switch op {
            case .conv(let g, _, _, _, _):
                (h, w) = g.outputSize(h, w)
                widest = max(widest, h * w * g.outChannels)
            case .block(let conv1, let conv2, _):
                visit(conv1)
                visit(conv2)
            case .globalAveragePool: (h, w) = (1, 1)
            case .linear(_, let outputs, _, _, _): widest = max(widest, outputs)
            }
        }
        ops.forEach(visit)
        return max(1, min(256, (1 << 20) / 4 / widest))
    }

    func logits(_ input: UnsafePointer<Float>, batch: Int, workspace: Workspace, firstSlot: Int) -> Tensor {
        var h = inputShape[0]
        var w = inputShape[1]
        var c = inputShape[2]
        var x = input
        var slot = firstSlot
        var last: Tensor?
        func buffer(_ shape: [Int]) -> Tensor {
            workspace.ensure(slot + 2)
            let t = Tensor.reuse(workspace.buffers[slot], shape)
            workspace.buffers[slot] = t
            slot += 1
            return t
        }
        func conv(
            _ op: Op, _ x: UnsafePointer<Float>, _ h: Int, _ w: Int,
            residual: UnsafePointer<Float>? = nil, reluAfter: Bool = false
        ) -> (Tensor, Int, Int) {
            guard case .conv(let g, let weight, let bias, let relu, let winograd) = op else {
                fatalError("not a convolution")
            }
            let (oh, ow) = g.outputSize(h, w)
            let y = buffer([batch, oh, ow, g.outChannels])
            let scratchIndex = slot
            let old = workspace.buffers[scratchIndex]
            if let winograd {
                workspace.buffers[scratchIndex] = WinogradConv.forward(
                    g, x, n: batch, h: h, w: w, u: winograd, bias: bias.data, residual: residual,
                    relu: relu || reluAfter, into: y.data, scratch: old)
            } else {
                workspace.buffers[scratchIndex] = g.forward(
                    x, n: batch, h: h, w: w, weight: weight.data, bias: bias.data, residual: residual,
                    relu: relu || reluAfter, into: y.data, scratch: old)
            }
            slot += 1
            return (y, oh, ow)
        }
        for op in ops {
            switch op {
            case .conv(let g, _, _, _, _):
                let (y, oh, ow) = conv(op, x, h, w)
                (h, w, c) = (oh, ow, g.outChannels)
                last = y
            case .block(let conv1, let conv2, let projection):
                // The shortcut first, so the second convolution adds it and applies ReLU as it stores.
                let shortcut = projection.map { UnsafePointer(conv($0, x, h, w).0.data) } ?? x
                let (a, oh, ow) = conv(conv1, x, h, w)
                let (b, _, _) = conv(conv2, UnsafePointer(a.data), oh, ow, residual: shortcut, reluAfter: true)
                (h, w, c) = (oh, ow, b.shape[3])
                last = b
            case .globalAveragePool:
                let y = buffer([batch, c])
                GlobalAveragePool.apply(x, n: batch, pixels: h * w, channels: c, into: y.data)
                (h, w) = (1, 1)
                last = y
            case .linear(let inputs, let outputs, let weight, let bias, let relu):
                let y = buffer([batch, outputs])
                Linear.apply(
                    x, n: batch, inputs: inputs, outputs: outputs, weight: weight.data, bias: bias.data,
                    relu: relu, into: y.data)
                (h, w, c) = (1, 1, outputs)
                last = y
            }
            x = UnsafePointer(last!.data)
        }
        return last!
    }

    /// The predicted class of each sample.
    public func classify(_ input: UnsafePointer<Float>, batch: Int, workspace: Workspace) -> [Int] {
        let y = logits(input, batch: batch, workspace: workspace)
        return SoftmaxCrossEntropy.predictions(y.data, n: batch, classes: classes)
    }

    /// Top-1 accuracy over a set of samples, in batches.
    public func accuracy(images: UnsafePointer<Float>, labels: UnsafePointer<Int32>, count: Int, batch: Int = 256)
        -> Double
    {
        let sample = inputShape.reduce(1, *)
        let workspace = Workspace()
        var correct = 0
        var start = 0
        while start < count {
            let n = min(batch, count - start)
            let predicted = classify(images + start * sample, batch: n, workspace: workspace)
            for i in 0..<n where predicted[i] == Int(labels[start + i]) { correct += 1 }
            start += n
        }
        return Double(correct) / Double(count)
    }
}
