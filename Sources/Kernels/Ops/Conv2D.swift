internal import CKernels

/// A 2-D convolution over NHWC images, any stride and padding: a direct SIMD convolution where the CPU and the
/// channel count allow (`DirectConv`), else im2col + GEMM; a 1×1 stride-1 convolution is a single GEMM over the
/// pixels (no im2col).
///
/// Weights are [k·k·inC, outC] (HWIO flattened: row `(kh·k + kw)·inC + c`). The im2col buffer is filled a few
/// images at a time, so it stays in cache, and the backward pass recomputes it instead of keeping it.
public final class Conv2D: Layer {
    public let geometry: ConvGeometry
    public let weight: Parameter
    public let bias: Parameter?
    var input: Tensor?
    var output: Tensor?
    var gradInput: Tensor?
    var col: Tensor?

    public init(
        _ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Int = 0,
        bias: Bool = false, name: String = "conv"
    ) {
        geometry = ConvGeometry(
            inChannels: inChannels, outChannels: outChannels, kernel: kernel, stride: stride,
            padding: padding)
        weight = Parameter(name + ".weight", [kernel * kernel * inChannels, outChannels], decays: true)
        self.bias = bias ? Parameter(name + ".bias", [outChannels], decays: false) : nil
    }

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        let g = geometry
        precondition(
            x.shape.count == 4 && x.shape[3] == g.inChannels,
            "conv expects NHWC with \(g.inChannels) channels, found \(x.shape)")
        let (n, h, w) = (x.shape[0], x.shape[1], x.shape[2])
        let (oh, ow) = g.outputSize(h, w)
        let y = Tensor.reuse(output, [n, oh, ow, g.outChannels])
        output = y
        if training { input = x }
        col = g.forward(
            x.data, n: n, h: h, w: w, weight: weight.value.data, bias: bias?.value.data,
            into: y.data, scratch: col)
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        let x = input!
        let g = geometry
        let dx = Tensor.reuse(gradInput, x.shape)
        gradInput = dx
        let (n, h, w) = (x.shape[0], x.shape[1], x.shape[2])
        // A stride-1 convolution's dx is itself a convolution of dy: the direct kernel does it where it applies.
        let inputGradientDone = DirectConv.inputGradient(
            g, dy: dy.data, n: n, h: h, w: w, weight: weight.value.data,
            into: dx.data, buffers: &transposedBuffers)
        col = g.backward(
            x.data, n: n, h: h, w: w, dy: dy.data, weight: weight.value.data,
            weightGrad: weight.grad.data, biasGrad: bias?.grad.data,
            dx: inputGradientDone ? nil : dx.data, scratch: col)
        return dx
    }

    /// The transposed weights and the scratch of `DirectConv.inputGradient`, kept between steps.
    var transposedBuffers: (weights: Tensor?, scratch: Tensor?) = (nil, nil)

    public var parameters: [Parameter] { [weight] + (bias.map { [$0] } ?? []) }
}

/// The shape arithmetic and the im2col + GEMM kernels of a convolution, shared by training and inference.
public struct ConvGeometry: Sendable, Equatable {
    public var inChannels: Int
    public var outChannels: Int
    public var kernel: Int
    public var stride: Int
    public var padding: Int

    public init(inChannels: Int, outChannels: Int, kernel: Int, stride: Int, padding: Int) {
        self.inChannels = inChannels
        self.outChannels = outChannels
        self.kernel = kernel
        self.stride = stride
        self.padding = padding
    }

    /// Bytes of im2col buffer to aim for per chunk of images: big enough for an efficient GEMM, small enough to
    /// stay in the L2 cache.
    static let chunkBytes = 1 << 20

    public func outputSize(_ h: Int, _ w: Int) -> (Int, Int) {
        ((h + 2 * padding - kernel) / stride + 1, (w + 2 * padding - kernel) / stride + 1)
    }

    var isPointwise: Bool { kernel == 1 && stride == 1 && padding == 0 }
    public var patch: Int { kernel * kernel * inChannels }

    func imagesPerChunk(n: Int, oh: Int, ow: Int) -> Int {
        max(1, min(n, ConvGeometry.chunkBytes / max(1, oh * ow * patch * 4)))
    }

    /// y = conv(x) (+ bias) (+ residual), then ReLU if `relu`. Returns the scratch buffer for reuse.
    ///
    /// Where `DirectConv` applies (AVX-512 or AVX2, output channels a multiple of its lanes, not a 1×1 stride-1
    /// product) it runs as a direct convolution, its rows split over the kernel threads; otherwise im2col + sgemm.
    func forward(
        _ x: UnsafePointer<Float>, n: Int, h: Int, w: Int, weight: UnsafePointer<Float>,
        bias: UnsafePointer<Float>?, residual: UnsafePointer<Float>? = nil, relu: Bool = false,
        into y: UnsafeMutablePointer<Float>, scratch: Tensor?, threads: Int = BLAS.threads
    ) -> Tensor? {
        if !isPointwise,
            let done = DirectConv.forward(
                self, x, n: n, h: h, w: w, weight: weight, bias: bias,
                residual: residual, relu: relu, into: y, scratch: scratch,
                threads: threads)
        {
            return done
        }
        let result = gemmForward(x, n: n, h: h, w: w, weight: weight, bias: bias, into: y, scratch: scratch)
        let (oh, ow) = outputSize(h, w)
        let count = n * oh * ow * outChannels
        if let residual { ck_add(y, residual, count) }
        if relu { ck_relu(y, y, count) }
        return result
    }

    /// y = conv(x) (+ bias) by im2col + sgemm.
    func gemmForward(
        _ x: UnsafePointer<Float>, n: Int, h: Int, w: Int, weight: UnsafePointer<Float>,
        bias: UnsafePointer<Float>?, into y: UnsafeMutablePointer<Float>, scratch: Tensor?
    ) -> Tensor? {
        let (oh, ow) = outputSize(h, w)
        let rowsPerImage = oh * ow
        let oc = outChannels
        if let bias {
            for r in 0..<(n * rowsPerImage) { (y + r * oc).update(from: bias, count: oc) }
        }
        let beta: Float = bias == nil ? 0 : 1
        if isPointwise {
            BLAS.gemm(
                m: n * rowsPerImage, n: oc, k: inChannels, a: x, lda: inChannels, b: weight, ldb: oc, beta: beta,
                c: y, ldc: oc)
            return scratch
        }
        let chunk = imagesPerChunk(n: n, oh: oh, ow: ow)
        let col = Tensor.reuse(scratch, [chunk * rowsPerImage, patch])
        var start = 0
        while start < n {
            let count = min(chunk, n - start)
            for i in 0..<count {
                im2col(
                    x + (start + i) * h * w * inChannels, h: h, w: w, oh: oh, ow: ow,
                    into: col.data + i * rowsPerImage * patch)
            }
            BLAS.gemm(
                m: count * rowsPerImage, n: oc, k: patch, a: col.data, lda: patch, b: weight, ldb: oc, beta: beta,
                c: y + start * rowsPerImage * oc, ldc: oc)
            start += count
        }
        return col
    }

    /// Writes dW (and db) and, unless `dx` is nil, dx from dy.
    func backward(
        _ x: UnsafePointer<Float>, n: Int, h: Int, w: Int, dy: UnsafePointer<Float>,
        weight: UnsafePointer<Float>, weightGrad: UnsafeMutablePointer<Float>,
        biasGrad: UnsafeMutablePointer<Float>?, dx: UnsafeMutablePointer<Float>?, scratch: Tensor?
    ) -> Tensor? {
        let (oh, ow) = outputSize(h, w)
        let rowsPerImage = oh * ow
        let oc = outChannels
        if let biasGrad { ck_channel_sums(dy, n * rowsPerImage, Int32(oc), biasGrad) }
        if isPointwise {
            BLAS.gemm(
                transA: true, m: inChannels, n: oc, k: n * rowsPerImage, a: x, lda: inChannels, b: dy, ldb: oc,
                c: weightGrad, ldc: oc)
            if let dx {
                BLAS.gemm(
                    transB: true, m: n * rowsPerImage, n: inChannels, k: oc, a: dy, lda: oc, b: weight, ldb: oc,
                    c: dx, ldc: inChannels)
            }
            return scratch
        }
        dx?.update(repeating: 0, count: n * h * w * inChannels)
        let chunk = imagesPerChunk(n: n, oh: oh, ow: ow)
        let col = Tensor.reuse(scratch, [chunk * rowsPerImage, patch])
        var start = 0
        while start < n {
            let count = min(chunk, n - start)
            let rows = count * rowsPerImage
            for i in 0..<count {
                im2col(
                    x + (start + i) * h * w * inChannels, h: h, w: w, oh: oh, ow: ow,
                    into: col.data + i * rowsPerImage * patch)
            }
            let dyChunk = dy + start * rowsPerImage * oc
            // dW += colᵀ · dy
            BLAS.gemm(
                transA: true, m: patch, n: oc, k: rows, a: col.data, lda: patch, b: dyChunk, ldb: oc,
                beta: start == 0 ? 0 : 1, c: weightGrad, ldc: oc)
            // dcol = dy · Wᵀ, then scattered back into dx
            guard let dx else {
                start += count
                continue
            }
            BLAS.gemm(
                transB: true, m: rows, n: patch, k: oc, a: dyChunk, lda: oc, b: weight, ldb: oc, c: col.data,
                ldc: patch)
            for i in 0..<count {
                col2im(
                    col.data + i * rowsPerImage * patch, h: h, w: w, oh: oh, ow: ow,
                    into: dx + (start + i) * h * w * inChannels)
            }
            start += count
        }
        return col
    }

    /// One image's patches as rows: row `oy·ow + ox` holds, for each tap (kh, kw), the tap's channels.
    func im2col(_ x: UnsafePointer<Float>, h: Int, w: Int, oh: Int, ow: Int, into col: UnsafeMutablePointer<Float>) {
        let c = inChannels
        let k = kernel
        let run = k * c
        var dst = col
        for oy in 0..<oh {
            for ox in 0..<ow {
                let x0 = ox * stride - padding
                for kh in 0..<k {
                    let iy = oy * stride - padding + kh
                    if iy < 0 || iy >= h {
                        dst.update(repeating: 0, count: run)
                    } else if x0 >= 0 && x0 + k <= w {
                        // The whole row of taps is inside the image: one contiguous copy.
                        dst.update(from: x + (iy * w + x0) * c, count: run)
                    } else {
                        for kw in 0..<k {
                            let ix = x0 + kw
                            if ix < 0 || ix >= w {
                                (dst + kw * c).update(repeating: 0, count: c)
                            } else {
                                (dst + kw * c).update(from: x + (iy * w + ix) * c, count: c)
                            }
                        }
                    }
                    dst += run
                }
            }
        }
    }

    /// The adjoint of `im2col`: adds every patch entry back to the pixel it came from.
    func col2im(_ col: UnsafePointer<Float>, h: Int, w: Int, oh: Int, ow: Int, into dx: UnsafeMutablePointer<Float>) {
        ck_col2im(
            col, Int32(h), Int32(w), Int32(inChannels), Int32(kernel), Int32(stride), Int32(padding), Int32(oh),
            Int32(ow), dx)
    }
}
