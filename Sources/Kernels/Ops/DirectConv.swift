internal import CKernels

/// The direct convolution of `Sources/CKernels` (AVX-512 or AVX2, NHWC, bias, residual and ReLU fused into the store,
/// rows split over the kernel threads), used where it applies and im2col + sgemm is slow: the narrow 3×3 and
/// strided 1×1 layers of small CNNs, and linear layers of a batch (a 1×1 convolution over the batch's rows).
enum DirectConv {
    /// The SIMD kernels this CPU runs: 2 AVX-512 (direct and Winograd), 1 AVX2 (direct), 0 none
    /// (`REPRO_KERNELS=portable` or `avx2` lowers it).
    static let level = Int(ck_kernels_level())

    /// Output channels per register (16 or 8): a direct convolution's output channels are a multiple of it.
    static let lanes = Int(ck_direct_conv_lanes())

    /// Whether this CPU runs the direct convolution.
    static var available: Bool { level > 0 }

    /// What the convolutions run as on this CPU, for the record of a result.
    static var description: String {
        switch level {
        case 2: "direct + Winograd (AVX-512)"
        case 1: "direct (AVX2)"
        default: "im2col + sgemm"
        }
    }

    /// Whether `geometry` goes through the direct convolution on this CPU.
    static func applies(to geometry: ConvGeometry) -> Bool {
        available && geometry.outChannels % lanes == 0 && geometry.padding < geometry.kernel
    }

    /// Runs the convolution and returns the scratch buffer, or returns nil when it does not apply.
    static func forward(
        _ g: ConvGeometry, _ x: UnsafePointer<Float>, n: Int, h: Int, w: Int,
        weight: UnsafePointer<Float>, bias: UnsafePointer<Float>?, residual: UnsafePointer<Float>?,
        relu: Bool, into y: UnsafeMutablePointer<Float>, scratch: Tensor?,
        threads: Int = BLAS.threads
    ) -> Tensor?? {
        guard applies(to: g) else { return nil }
        let perThread = ck_direct_conv_scratch_floats(Int32(h), Int32(w), Int32(g.inChannels), Int32(g.padding))
        let buffer = Tensor.reuse(scratch, [max(1, threads * perThread)])
        let status = ck_direct_conv(
            x, Int32(n), Int32(h), Int32(w), Int32(g.inChannels), weight, bias,
            Int32(g.outChannels), Int32(g.kernel), Int32(g.stride), Int32(g.padding), residual,
            relu ? 1 : 0, y, buffer.data, Int32(threads))
        precondition(status == 0, "direct convolution refused a shape it was chosen for: \(g)")
        return .some(buffer)
    }

    /// dx of a stride-1 convolution as the convolution of dy with the flipped, transposed weights (kernel k,
    /// padding k−1−p), when the direct kernel applies to that (in channels a multiple of `lanes`). `buffers`
    /// keeps the transposed weights and the scratch between calls. False when it does not apply.
    static func inputGradient(
        _ g: ConvGeometry, dy: UnsafePointer<Float>, n: Int, h: Int, w: Int,
        weight: UnsafePointer<Float>, into dx: UnsafeMutablePointer<Float>,
        buffers: inout (weights: Tensor?, scratch: Tensor?)
    ) -> Bool {
        let t = ConvGeometry(
            inChannels: g.outChannels, outChannels: g.inChannels, kernel: g.kernel, stride: 1,
            padding: g.kernel - 1 - g.padding)
        guard g.stride == 1, g.kernel > 1, applies(to: t) else { return false }
        let (oh, ow) = g.outputSize(h, w)
        let weights = Tensor.reuse(buffers.weights, [g.patch, g.outChannels])
        ck_transposed_weights(weight, Int32(g.kernel), Int32(g.inChannels), Int32(g.outChannels), weights.data)
        buffers.weights = weights
        buffers.scratch =
            forward(
                t, dy, n: n, h: oh, w: ow, weight: weights.data, bias: nil, residual: nil,
                relu: false, into: dx, scratch: buffers.scratch) ?? buffers.scratch
        return true
    }

    /// y[n×out] = x[n×in] · W[in×out] + b (+ residual[n×out]), then ReLU if `relu`; false when it does not apply
    /// (outputs not a multiple of `lanes`, or no SIMD kernels). Serves linear layers of a batch and 1×1 stride-1
    /// convolutions (n = the pixels of the batch).
    static func linear(
        _ x: UnsafePointer<Float>, n: Int, inputs: Int, outputs: Int, weight: UnsafePointer<Float>,
        bias: UnsafePointer<Float>?, residual: UnsafePointer<Float>? = nil, relu: Bool,
        into y: UnsafeMutablePointer<Float>, threads: Int = BLAS.threads
    ) -> Bool {
        guard available, outputs % lanes == 0 else { return false }
        // The batch as an image of one row per thread (the rows are what the threads share), then the few
        // vectors left over as one more row. Within a row the kernel reuses each block of weights for every pixel.
        let rows = max(1, min(threads, n))
        let perRow = n / rows
        let rest = n - rows * perRow
        var status = ck_direct_conv(
            x, 1, Int32(rows), Int32(perRow), Int32(inputs), weight, bias, Int32(outputs),
            1, 1, 0, residual, relu ? 1 : 0, y, nil, Int32(threads))
        if rest > 0 {
            let done = rows * perRow
            status |= ck_direct_conv(
                x + done * inputs, 1, 1, Int32(rest), Int32(inputs), weight, bias,
                Int32(outputs), 1, 1, 0, residual.map { $0 + done * outputs }, relu ? 1 : 0, y + done * outputs,
                nil, 1)
        }
        return status == 0
    }
}

/// Winograd F(m×m, 3×3), m = 2 or 4, from `Sources/CKernels/winograd.c`: (m+2)² multiplications per m×m output tile
/// and channel pair instead of 9·m² (16 instead of 36 for F(2×2), 36 instead of 144 for F(4×4)), for 3×3 stride-1
/// padding-1 convolutions with channel counts that are multiples of 16. The weights are transformed once
/// (`weights`), so it serves inference, where they do not change; their shape [(m+2)², in, out] names the tile.
public enum WinogradConv {
    public static func applies(to g: ConvGeometry) -> Bool {
        DirectConv.level == 2 && g.kernel == 3 && g.stride == 1 && g.padding == 1 && g.inChannels % 16 == 0
            && g.outChannels % 16 == 0
    }

    /// The transformed weights [(tile+2)², in, out] (packed into panels above 64 channels) of HWIO weights
    /// [9·in, out] for output tiles of `tile` × `tile` (2 or 4), or nil when Winograd does not apply.
    public static func weights(_ g: ConvGeometry, _ weight: Tensor, tile: Int = 2) -> Tensor? {
        precondition(tile == 2 || tile == 4, "Winograd tiles are 2×2 or 4×4, not \(tile)×\(tile)")
        guard applies(to: g) else { return nil }
        let u = Tensor([(tile + 2) * (tile + 2), g.inChannels, g.outChannels])
        ck_winograd_weights(weight.data, Int32(g.inChannels), Int32(g.outChannels), Int32(tile), u.data)
        return u
    }

    /// The output tile of weights made by `weights`.
    static func tile(of u: Tensor) -> Int { u.shape[0] == 36 ? 4 : 2 }

    /// The scratch floats `forward` needs for `g` with weights `u` on `threads` threads.
    static func scratchFloats(_ g: ConvGeometry, u: Tensor, threads: Int) -> Int {
        ck_winograd_scratch_floats(Int32(g.inChannels), Int32(g.outChannels), Int32(tile(of: u)), Int32(threads))
    }

    /// y = conv(x) + bias (+ residual), then ReLU if `relu`, with weights from `weights`. Returns the scratch.
    public static func forward(
        _ g: ConvGeometry, _ x: UnsafePointer<Float>, n: Int, h: Int, w: Int, u: Tensor,
        bias: UnsafePointer<Float>?, residual: UnsafePointer<Float>?, relu: Bool,
        into y: UnsafeMutablePointer<Float>, scratch: Tensor?, threads: Int = BLAS.threads
    ) -> Tensor {
        let buffer = Tensor.reuse(scratch, [scratchFloats(g, u: u, threads: threads)])
        let status = ck_winograd_conv(
            x, Int32(n), Int32(h), Int32(w), Int32(g.inChannels), u.data, bias,
            Int32(g.outChannels), residual, relu ? 1 : 0, y, buffer.data, Int32(threads), Int32(tile(of: u)))
        precondition(status == 0, "Winograd convolution refused a shape it was chosen for: \(g)")
        return buffer
    }
}
