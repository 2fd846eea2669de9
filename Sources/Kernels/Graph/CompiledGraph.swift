internal import CKernels

/// An `InferenceGraph` made ready to run: each convolution's kernel chosen and its weights prepared once
/// (Winograd's transformed weights). Read-only and shared; `plan(batch:threads:)` makes the buffers of one batch
/// size for one thread of callers.
public final class CompiledGraph: @unchecked Sendable {
    public let graph: InferenceGraph

    /// How a convolution runs on this CPU. Sendable by hand: the prepared weights are made in `init` and only read.
    enum ConvKernel: @unchecked Sendable {
        /// Winograd F(2×2, 3×3) or F(4×4, 3×3) with the transformed weights.
        case winograd(Tensor)
        /// The packed direct convolution (`PackedConv`) with the weights packed into panels.
        case packed(Tensor)
        /// `ConvGeometry.forward`: im2col + sgemm where the CPU has no SIMD kernels or the channels do not fit.
        case general
    }

    let convKernels: [ConvKernel?]

    public init(_ graph: InferenceGraph) {
        self.graph = graph
        convKernels = graph.nodes.map { node in
            guard case .conv(let c) = node.operation else { return nil }
            let g = c.geometry
            let out = graph.values[node.output].shape
            if let tile = PackedConv.winogradTile(g, outputSize: out[0] * out[1]),
                let u = WinogradConv.weights(g, c.weight, tile: tile)
            {
                return .winograd(u)
            }
            if let packed = PackedConv.weights(g, c.weight) { return .packed(packed) }
            return .general
        }
    }

    /// What each convolution runs as, by node index (for per-layer tables).
    public func kernelName(ofNode index: Int) -> String? {
        switch convKernels[index] {
        case .winograd(let u): WinogradConv.tile(of: u) == 4 ? "winograd 4x4" : "winograd 2x2"
        case .packed: "packed"
        case .general: "im2col+sgemm"
        case nil: nil
        }
    }

    /// The buffers for batches of up to `batch` samples on `threads` kernel threads.
    public func plan(batch: Int, threads: Int) -> GraphPlan { GraphPlan(self, batch: batch, threads: threads) }
}
