/// Batch normalisation over the channels of NHWC (or [N, C]) tensors.
///
/// Training uses the batch's statistics and updates running averages; inference uses the running averages,
/// and `folded(into:)` turns it into a per-channel scale and shift that a convolution absorbs.
public final class BatchNorm: Layer {
    public let channels: Int
    public let gamma: Parameter
    public let beta: Parameter
    public let runningMean: Tensor
    public let runningVar: Tensor
    public var momentum: Float = 0.1
    public var epsilon: Float = 1e-5
    var xhat: Tensor?
    var invStd: [Float]
    var output: Tensor?
    var gradInput: Tensor?

    public init(_ channels: Int, name: String = "bn") {
        self.channels = channels
        gamma = Parameter(name + ".gamma", [channels], decays: false)
        beta = Parameter(name + ".beta", [channels], decays: false)
        gamma.value.fill(1)
        runningMean = Tensor([channels])
        runningVar = Tensor([channels])
        runningVar.fill(1)
        invStd = Array(repeating: 1, count: channels)
    }

    public func forward(_ x: Tensor, training: Bool) -> Tensor {
        let c = channels
        let rows = x.count / c
        let y = Tensor.reuse(output, x.shape)
        output = y
        let src = x.data, dst = y.data
        let g = gamma.value.data, b = beta.value.data
        if !training {
            for ch in 0..<c {
                let scale = g[ch] / (runningVar[ch] + epsilon).squareRoot()
                invStd[ch] = scale
            }
            for r in 0..<rows {
                let o = r * c
                for ch in 0..<c { dst[o + ch] = (src[o + ch] - runningMean[ch]) * invStd[ch] + b[ch] }
            }
            return y
        }
        // Two passes (mean, then variance) for accuracy; sums in Double so the result does not depend on order
        // effects of large batches.
        var mean = [Double](repeating: 0, count: c)
        for r in 0..<rows {
            let o = r * c
            for ch in 0..<c { mean[ch] += Double(src[o + ch]) }
        }
        for ch in 0..<c { mean[ch] /= Double(rows) }
        var variance = [Double](repeating: 0, count: c)
        for r in 0..<rows {
            let o = r * c
            for ch in 0..<c {
                let d = Double(src[o + ch]) - mean[ch]
                variance[ch] += d * d
            }
        }
        let xh = Tensor.reuse(xhat, x.shape)
        xhat = xh
        var meanF = [Float](repeating: 0, count: c)
        for ch in 0..<c {
            variance[ch] /= Double(rows)
            invStd[ch] = Float(1 / (variance[ch] + Double(epsilon)).squareRoot())
            meanF[ch] = Float(mean[ch])
            let unbiased = rows > 1 ? variance[ch] * Double(rows) / Double(rows - 1) : variance[ch]
            runningMean[ch] = (1 - momentum) * runningMean[ch] + momentum * Float(mean[ch])
            runningVar[ch] = (1 - momentum) * runningVar[ch] + momentum * Float(unbiased)
        }
        let xhd = xh.data
        for r in 0..<rows {
            let o = r * c
            for ch in 0..<c {
                let v = (src[o + ch] - meanF[ch]) * invStd[ch]
                xhd[o + ch] = v
                dst[o + ch] = v * g[ch] + b[ch]
            }
        }
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        let c = channels
        let rows = dy.count / c
        let xh = xhat!.data, g = dy.data
        var sumDy = [Float](repeating: 0, count: c)
        var sumDyXhat = [Float](repeating: 0, count: c)
        for r in 0..<rows {
            let o = r * c
            for ch in 0..<c {
                sumDy[ch] += g[o + ch]
                sumDyXhat[ch] += g[o + ch] * xh[o + ch]
            }
        }
        let dGamma = gamma.grad.data, dBeta = beta.grad.data, gam = gamma.value.data
        for ch in 0..<c {
            dGamma[ch] = sumDyXhat[ch]
            dBeta[ch] = sumDy[ch]
        }
        let dx = Tensor.reuse(gradInput, dy.shape)
        gradInput = dx
        let d = dx.data
        let m = Float(rows)
        var k = [Float](repeating: 0, count: c)
        for ch in 0..<c { k[ch] = gam[ch] * invStd[ch] / m }
        for r in 0..<rows {
            let o = r * c
            for ch in 0..<c {
                d[o + ch] = k[ch] * (m * g[o + ch] - sumDy[ch] - xh[o + ch] * sumDyXhat[ch])
            }
        }
        return dx
    }

    public var parameters: [Parameter] { [gamma, beta] }

    /// The inference transform as `y = x · scale + shift` per channel.
    public var inferenceScaleShift: (scale: [Float], shift: [Float]) {
        var scale = [Float](repeating: 0, count: channels), shift = scale
        for ch in 0..<channels {
            scale[ch] = gamma.value[ch] / (runningVar[ch] + epsilon).squareRoot()
            shift[ch] = beta.value[ch] - runningMean[ch] * scale[ch]
        }
        return (scale, shift)
    }
}
