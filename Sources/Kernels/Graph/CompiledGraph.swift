internal import CKernels

/// An `InferenceGraph` made ready to run: each convolution's kernel chosen and its weights prepared once
/// (Winograd's transformed weights). Read-only and shared; `plan(batch:threads:)` makes the buffers of one batch
/// size for one thread of callers.
public final class CompiledGraph: @unchecked Sendable {
    public let graph: InferenceGraph

    /// How a convolution runs on this CPU. Sendable by hand: the Winograd weights are made in `init` and only read.
    enum ConvKernel: @unchecked Sendable {
        /// Winograd F(2×2, 3×3) with the transformed weights.
        case winograd(Tensor)
        /// A 1×1 stride-1 convolution as one product over the batch's pixels (the direct kernel, rows per thread).
        case pointwise
        /// `ConvGeometry.forward`: the direct convolution where it applies, else im2col + sgemm.
        case general
    }

    let convKernels: [ConvKernel?]

    public init(_ graph: InferenceGraph) {
        self.graph = graph
        convKernels = graph.nodes.map { node in
            guard case .conv(let c) = node.operation else { return nil }
            let g = c.geometry
            if let u = WinogradConv.weights(g, c.weight) { return .winograd(u) }
            if g.isPointwise && DirectConv.available && g.outChannels % DirectConv.lanes == 0 { return .pointwise }
            return .general
        }
    }

    /// What each convolution runs as, by node index (for per-layer tables).
    public func kernelName(ofNode index: Int) -> String? {
        switch convKernels[index] {
        case .winograd: "winograd"
        case .pointwise: "direct 1x1"
        case .general:
            if case .conv(let c) = graph.nodes[index].operation, DirectConv.applies(to: c.geometry) {
                "direct"
            } else {
                "im2col+sgemm"
            }
        case nil: nil
        }
    }

    /// The buffers for batches of up to `batch` samples on `threads` kernel threads.
    public func plan(batch: Int, threads: Int) -> GraphPlan { GraphPlan(self, batch: batch, threads: threads) }
}
