internal import CKernels

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
        let src = x.data
        let dst = y.data
        let g = gamma.value.data
        let b = beta.value.data
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
        var variance = [Double](repeating: 0, count: c)
        ck_batchnorm_statistics(src, rows, Int32(c), &mean, &variance)
        let xh = Tensor.reuse(xhat, x.shape)
        xhat = xh
        var meanF = [Float](repeating: 0, count: c)
        for ch in 0..<c {
            invStd[ch] = Float(1 / (variance[ch] + Double(epsilon)).squareRoot())
            meanF[ch] = Float(mean[ch])
            let unbiased = rows > 1 ? variance[ch] * Double(rows) / Double(rows - 1) : variance[ch]
            runningMean[ch] = (1 - momentum) * runningMean[ch] + momentum * Float(mean[ch])
            runningVar[ch] = (1 - momentum) * runningVar[ch] + momentum * Float(unbiased)
        }
        ck_batchnorm_normalise(src, rows, Int32(c), meanF, invStd, g, b, xh.data, dst)
        return y
    }

    public func backward(_ dy: Tensor) -> Tensor {
        let c = channels
        let rows = dy.count / c
        let dx = Tensor.reuse(gradInput, dy.shape)
        gradInput = dx
        ck_batchnorm_backward(
            dy.data, xhat!.data, rows, Int32(c), gamma.value.data, invStd, gamma.grad.data,
            beta.grad.data, dx.data)
        return dx
    }

    public var parameters: [Parameter] { [gamma, beta] }

    /// The inference transform as `y = x · scale + shift` per channel.
    public var inferenceScaleShift: (scale: [Float], shift: [Float]) {
        var scale = [Float](repeating: 0, count: channels)
        var shift = scale
        for ch in 0..<channels {
            scale[ch] = gamma.value[ch] / (runningVar[ch] + epsilon).squareRoot()
            shift[ch] = beta.value[ch] - runningMean[ch] * scale[ch]
        }
        return (scale, shift)
    }
}
