internal import CKernels
import Dispatch
import Foundation

/// The buffers of one `CompiledGraph` for one batch size, planned once and reused by every call: each
/// activation gets a buffer that is free again after its last reader, so ResNet-50 at batch 8 needs a few
/// buffers of the largest activation rather than one per layer. One caller at a time.
public final class GraphPlan: @unchecked Sendable {
    public let compiled: CompiledGraph
    /// The largest batch a call may pass.
    public let batch: Int
    public let threads: Int
    let buffers: [Tensor]
    /// The buffer of each value (nil: the caller's input).
    let slots: [Int?]
    let scratch: Tensor
    var currentBatch = 0

    init(_ compiled: CompiledGraph, batch: Int, threads: Int) {
        self.compiled = compiled
        self.batch = max(1, batch)
        self.threads = max(1, threads)
        let graph = compiled.graph
        var lastUse = Array(repeating: -1, count: graph.values.count)
        for (i, node) in graph.nodes.enumerated() { for v in node.inputs { lastUse[v] = i } }
        for v in graph.outputs { lastUse[v] = Int.max }
        // Best fit among the free buffers, growing one when none is large enough.
        var sizes: [Int] = []
        var owner: [Int?] = []
        var slots = Array(repeating: Int?.none, count: graph.values.count)
        for (i, node) in graph.nodes.enumerated() {
            for (b, v) in owner.enumerated() { if let v, lastUse[v] < i { owner[b] = nil } }
            let need = graph.values[node.output].count * self.batch
            let free = owner.indices.filter { owner[$0] == nil }
            let fit = free.filter { sizes[$0] >= need }.min { sizes[$0] < sizes[$1] }
            let chosen = fit ?? free.max { sizes[$0] < sizes[$1] } ?? sizes.count
            if chosen == sizes.count {
                sizes.append(need)
                owner.append(nil)
            }
            sizes[chosen] = max(sizes[chosen], need)
            owner[chosen] = node.output
            slots[node.output] = chosen
        }
        buffers = sizes.map { Tensor([$0]) }
        self.slots = slots
        scratch = Tensor([GraphPlan.scratchFloats(compiled, batch: self.batch, threads: self.threads)])
    }

    /// The largest scratch any convolution needs at this batch and thread count.
    static func scratchFloats(_ compiled: CompiledGraph, batch: Int, threads: Int) -> Int {
        let graph = compiled.graph
        var most = 1
        for (i, node) in graph.nodes.enumerated() {
            guard case .conv(let c) = node.operation, let kernel = compiled.convKernels[i] else { continue }
            let g = c.geometry
            let x = graph.values[node.inputs[0]].shape
            let floats: Int
            switch kernel {
            case .winograd(let u):
                floats = WinogradConv.scratchFloats(g, u: u, threads: threads)
            case .packed:
                floats = PackedConv.scratchFloats(g, n: batch, h: x[0], w: x[1])
            case .general:
                let (oh, ow) = g.outputSize(x[0], x[1])
                floats = g.imagesPerChunk(n: batch, oh: oh, ow: ow) * oh * ow * g.patch
            }
            most = max(most, floats)
        }
        return most
    }

    /// Buffers in bytes (activations and scratch), for the record.
    public var bytes: Int { (buffers.reduce(0) { $0 + $1.capacity } + scratch.capacity) * 4 }

    /// The value's data after `run` (`batch` rows of its per-sample count).
    public func output(_ value: InferenceGraph.ValueID) -> UnsafePointer<Float> {
        UnsafePointer(buffers[slots[value]!].data)
    }

    /// Runs the graph on `count` ≤ `batch` samples of NHWC input. `timing`, when given, receives each node's index
    /// and its wall time in nanoseconds.
    public func run(_ input: UnsafePointer<Float>, count: Int, timing: ((Int, UInt64) -> Void)? = nil) {
        precondition(count >= 1 && count <= batch, "batch \(count) is outside the plan's 1...\(batch)")
        let graph = compiled.graph
        func pointer(_ v: InferenceGraph.ValueID) -> UnsafePointer<Float> {
            v == graph.input ? input : UnsafePointer(buffers[slots[v]!].data)
        }
        for (i, node) in graph.nodes.enumerated() {
            let start = timing == nil ? 0 : DispatchTime.now().uptimeNanoseconds
            let y = buffers[slots[node.output]!].data
            let x = pointer(node.inputs[0])
            let inShape = graph.values[node.inputs[0]].shape
            let outShape = graph.values[node.output].shape
            switch node.operation {
            case .conv(let c):
                let residual = node.inputs.count > 1 ? pointer(node.inputs[1]) : nil
                conv(
                    c, kernel: compiled.convKernels[i]!, x, count: count, h: inShape[0], w: inShape[1],
                    residual: residual, into: y)
            case .maxPool(let kernel, let stride, let padTop, let padLeft):
                ck_max_pool(
                    x, Int32(count), Int32(inShape[0]), Int32(inShape[1]), Int32(inShape[2]), Int32(kernel),
                    Int32(stride), Int32(padTop), Int32(padLeft), Int32(outShape[0]), Int32(outShape[1]), y,
                    Int32(threads))
            case .globalAveragePool:
                ck_channel_means(x, Int32(count), Int32(inShape[0] * inShape[1]), Int32(inShape[2]), y)
            case .add(let relu):
                let n = count * outShape.reduce(1, *)
                let b = pointer(node.inputs[1])
                if relu {
                    ck_add_relu(x, b, y, n)
                } else {
                    y.update(from: x, count: n)
                    ck_add(y, b, n)
                }
            case .relu: ck_relu(x, y, count * outShape.reduce(1, *))
            case .linear(let l):
                // A few rows of a wide layer (the classifier at small batches): its weights read once, in order.
                let done = Linear.applyToFewRows(
                    x, n: count, inputs: l.inputs, outputs: l.outputs, weight: l.weight.data, bias: l.bias.data,
                    relu: l.relu, into: y, threads: threads)
                if !done {
                    Linear.apply(
                        x, n: count, inputs: l.inputs, outputs: l.outputs, weight: l.weight.data, bias: l.bias.data,
                        relu: l.relu, into: y, threads: threads)
                }
            case .softmax: GraphPlan.softmax(x, rows: count, columns: inShape[0], into: y)
            case .argMax:
                for r in 0..<count {
                    let row = x + r * inShape[0]
                    var best = 0
                    for j in 1..<inShape[0] where row[j] > row[best] { best = j }
                    y[r] = Float(best)
                }
            }
            if let timing { timing(i, DispatchTime.now().uptimeNanoseconds - start) }
        }
    }

    func conv(
        _ c: ConvLayer, kernel: CompiledGraph.ConvKernel, _ x: UnsafePointer<Float>, count: Int, h: Int, w: Int,
        residual: UnsafePointer<Float>?, into y: UnsafeMutablePointer<Float>
    ) {
        let g = c.geometry
        switch kernel {
        case .winograd(let u):
            _ = WinogradConv.forward(
                g, x, n: count, h: h, w: w, u: u, bias: c.bias.data, residual: residual, relu: c.relu, into: y,
                scratch: scratch, threads: threads)
        case .packed(let packed):
            PackedConv.forward(
                g, x, n: count, h: h, w: w, packed: packed, bias: c.bias.data, residual: residual, relu: c.relu,
                into: y, scratch: scratch, threads: threads)
        case .general:
            _ = g.forward(
                x, n: count, h: h, w: w, weight: c.weight.data, bias: c.bias.data, residual: residual,
                relu: c.relu, into: y, scratch: scratch, threads: threads)
        }
    }

    /// Row-wise softmax, in double for the sum.
    static func softmax(_ x: UnsafePointer<Float>, rows: Int, columns: Int, into y: UnsafeMutablePointer<Float>) {
        for r in 0..<rows {
            let row = x + r * columns
            let out = y + r * columns
            var top = row[0]
            for j in 1..<columns { top = max(top, row[j]) }
            var sum = 0.0
            for j in 0..<columns {
                let e = Foundation.exp(row[j] - top)
                out[j] = e
                sum += Double(e)
            }
            let scale = Float(1 / sum)
            for j in 0..<columns { out[j] *= scale }
        }
    }
}
