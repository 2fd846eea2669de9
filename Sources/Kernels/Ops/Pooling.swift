/// Max or average pooling over NHWC images (no padding).
public final class Pool2D: Layer {
    public enum Kind: Sendable { case max, average }
    public let kind: Kind
    public let kernel: Int
    public let stride: Int
    var input: Tensor?
    var output: Tensor?
    var gradInput: Tensor?
    /// For max pooling: the index (into the input) each output came from.
    var argmax: [Int32] = []

    public init(_ kind: Kind, kernel: Int, stride: Int? = nil) {
        self.kind = kind
        self.kernel = kernel
        self.stride = stride ?? kernel
    }

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        let (n, h, w, c) = (x.shape[0], x.shape[1], x.shape[2], x.shape[3])
        let oh = (h - kernel) / stride + 1
        let ow = (w - kernel) / stride + 1
        let y = Tensor.reuse(output, [n, oh, ow, c])
        output = y
        input = x
        if kind == .max && argmax.count != y.count { argmax = Array(repeating: 0, count: y.count) }
        let src = x.data
        let dst = y.data
        let area = Float(kernel * kernel)
        for b in 0..<n {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    let o = ((b * oh + oy) * ow + ox) * c
                    for ch in 0..<c {
                        var best = -Float.infinity
                        var at = 0
                        var sum: Float = 0
                        for ky in 0..<kernel {
                            for kx in 0..<kernel {
                                let i = ((b * h + oy * stride + ky) * w + ox * stride + kx) * c + ch
                                let v = src[i]
                                sum += v
                                if v > best {
                                    best = v
                                    at = i
                                }
                            }
                        }
                        if kind == .max {
                            dst[o + ch] = best
                            argmax[o + ch] = Int32(at)
                        } else {
                            dst[o + ch] = sum / area
                        }
                    }
                }
            }
        }
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        let x = input!
        let dx = Tensor.reuse(gradInput, x.shape)
        gradInput = dx
        dx.fill(0)
        let (h, w, c) = (x.shape[1], x.shape[2], x.shape[3])
        let (oh, ow) = (dy.shape[1], dy.shape[2])
        let g = dy.data
        let d = dx.data
        if kind == .max {
            for i in 0..<dy.count { d[Int(argmax[i])] += g[i] }
            return dx
        }
        let area = Float(kernel * kernel)
        for b in 0..<x.shape[0] {
            for oy in 0..<oh {
                for ox in 0..<ow {
                    let o = ((b * oh + oy) * ow + ox) * c
                    for ky in 0..<kernel {
                        for kx in 0..<kernel {
                            let i = ((b * h + oy * stride + ky) * w + ox * stride + kx) * c
                            for ch in 0..<c { d[i + ch] += g[o + ch] / area }
                        }
                    }
                }
            }
        }
        return dx
    }

    public var parameters: [Parameter] { [] }
}

/// The mean over the pixels of each channel: [N, H, W, C] → [N, C].
public final class GlobalAveragePool: Layer {
    var inputShape: [Int] = []
    var output: Tensor?
    var gradInput: Tensor?

    public init() {}

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        inputShape = x.shape
        let (n, pixels, c) = (x.shape[0], x.shape[1] * x.shape[2], x.shape[3])
        let y = Tensor.reuse(output, [n, c])
        output = y
        GlobalAveragePool.apply(x.data, n: n, pixels: pixels, channels: c, into: y.data)
        return y
    }

    static func apply(
        _ x: UnsafePointer<Float>, n: Int, pixels: Int, channels c: Int, into y: UnsafeMutablePointer<Float>
    ) {
        let scale = 1 / Float(pixels)
        for b in 0..<n {
            let out = y + b * c
            out.update(repeating: 0, count: c)
            for p in 0..<pixels {
                let row = x + (b * pixels + p) * c
                for ch in 0..<c { out[ch] += row[ch] }
            }
            for ch in 0..<c { out[ch] *= scale }
        }
    }

    public func backward(_ dy: Tensor) -> Tensor {
        let dx = Tensor.reuse(gradInput, inputShape)
        gradInput = dx
        let (n, pixels, c) = (inputShape[0], inputShape[1] * inputShape[2], inputShape[3])
        let scale = 1 / Float(pixels)
        for b in 0..<n {
            for p in 0..<pixels {
                let row = dx.data + (b * pixels + p) * c
                for ch in 0..<c { row[ch] = dy.data[b * c + ch] * scale }
            }
        }
        return dx
    }

    public var parameters: [Parameter] { [] }
}
