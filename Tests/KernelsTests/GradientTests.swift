import Testing

@testable import Kernels

/// Every op's backward pass against central finite differences of L = Σ r·y for a random r.
@Suite("gradients against finite differences")
struct GradientTests {
    func random(_ shape: [Int], seed: UInt64, scale: Double = 1) -> Tensor {
        var rng = SeededRandom(seed: seed)
        let t = Tensor(shape)
        for i in 0..<t.count { t[i] = Float(rng.normal() * scale) }
        return t
    }

    /// Checks dL/dx and dL/dparameters at a few coordinates.
    func check(
        _ layer: any Layer, input: Tensor, training: Bool = true, tolerance: Double = 2e-2, probes: Int = 12,
        eps: Float = 1e-2
    ) {
        let y0 = layer.forward(input, training: training)
        let r = random(y0.shape, seed: 99)
        func loss() -> Double {
            let y = layer.forward(input, training: training)
            var s = 0.0
            for i in 0..<y.count { s += Double(y[i]) * Double(r[i]) }
            return s
        }
        _ = layer.forward(input, training: training)
        let dx = layer.backward(r).clone()
        let grads = layer.parameters.map { $0.grad.clone() }
        func compare(_ analytic: Float, _ tensor: Tensor, _ i: Int, _ what: String) {
            let saved = tensor[i]
            tensor[i] = saved + eps
            let plus = loss()
            tensor[i] = saved - eps
            let minus = loss()
            tensor[i] = saved
            let numeric = (plus - minus) / Double(2 * eps)
            let error = abs(numeric - Double(analytic)) / max(1, abs(numeric), abs(Double(analytic)))
            #expect(error < tolerance, "\(what)[\(i)]: analytic \(analytic), numeric \(numeric)")
        }
        var rng = SeededRandom(seed: 7)
        for _ in 0..<probes {
            let i = Int(rng.next() % UInt64(input.count))
            compare(dx[i], input, i, "dx")
        }
        for (p, g) in zip(layer.parameters, grads) {
            for _ in 0..<probes {
                let i = Int(rng.next() % UInt64(p.value.count))
                compare(g[i], p.value, i, p.name)
            }
        }
    }

    /// Random parameters; batch-norm scales near 1 and shifts near 0, as in a real network (a scale near 0 would
    /// put a whole channel at the next ReLU's kink).
    func initialised(_ layer: any Layer, seed: UInt64) -> any Layer {
        for (k, p) in layer.parameters.enumerated() {
            let r = random(
                p.value.shape, seed: seed + UInt64(k),
                scale: p.name.hasSuffix(".gamma") || p.name.hasSuffix(".beta") ? 0.1 : 0.5)
            if p.name.hasSuffix(".gamma") { for i in 0..<r.count { r[i] += 1 } }
            p.value.copy(from: r)
        }
        return layer
    }

    @Test func linear() { check(initialised(Linear(7, 5), seed: 1), input: random([4, 7], seed: 2)) }

    @Test(arguments: [
        (3, 1, 1, 5, 7), (3, 2, 1, 7, 6), (3, 2, 0, 9, 7), (1, 1, 0, 5, 5), (1, 2, 0, 6, 5), (2, 1, 0, 5, 6),
    ])
    func conv2d(kernel: Int, stride: Int, padding: Int, h: Int, w: Int) {
        let conv = initialised(Conv2D(3, 4, kernel: kernel, stride: stride, padding: padding, bias: true), seed: 3)
        check(conv, input: random([2, h, w, 3], seed: 4))
    }

    @Test func batchNormInTraining() {
        check(initialised(BatchNorm(3), seed: 5), input: random([4, 3, 2, 3], seed: 6), tolerance: 3e-2)
    }

    @Test func reluAndPooling() {
        check(ReLU(), input: random([2, 4, 4, 3], seed: 8))
        check(Pool2D(.max, kernel: 2), input: random([2, 4, 6, 3], seed: 9))
        check(Pool2D(.average, kernel: 2), input: random([2, 4, 6, 3], seed: 10))
        check(Pool2D(.average, kernel: 3, stride: 2), input: random([1, 7, 5, 2], seed: 11))
        check(GlobalAveragePool(), input: random([2, 3, 4, 5], seed: 12))
    }

    /// A small step: a batch-norm shift moves a whole channel, and a larger one would carry some of it across
    /// the ReLU's kink, where finite differences are wrong.
    @Test func residualBlocks() {
        check(
            initialised(ResidualBlock(3, 3, stride: 1, name: "a"), seed: 13), input: random([2, 5, 5, 3], seed: 14),
            tolerance: 3e-2, eps: 1e-3)
        check(
            initialised(ResidualBlock(3, 4, stride: 2, name: "b"), seed: 15), input: random([2, 6, 6, 3], seed: 16),
            tolerance: 3e-2, eps: 1e-3)
    }

    @Test func softmaxCrossEntropy() {
        let logits = random([3, 5], seed: 17)
        let labels: [Int32] = [1, 4, 0]
        let grad = Tensor([3, 5])
        _ = labels.withUnsafeBufferPointer {
            SoftmaxCrossEntropy.lossAndGradient(logits: logits, labels: $0.baseAddress!, grad: grad)
        }
        for i in 0..<logits.count {
            let saved = logits[i]
            let eps: Float = 1e-2
            let scratch = Tensor([3, 5])
            logits[i] = saved + eps
            let plus = labels.withUnsafeBufferPointer {
                SoftmaxCrossEntropy.lossAndGradient(logits: logits, labels: $0.baseAddress!, grad: scratch)
            }
            logits[i] = saved - eps
            let minus = labels.withUnsafeBufferPointer {
                SoftmaxCrossEntropy.lossAndGradient(logits: logits, labels: $0.baseAddress!, grad: scratch)
            }
            logits[i] = saved
            #expect(abs(Double((plus - minus) / (2 * eps)) - Double(grad[i])) < 1e-3)
        }
    }
}
