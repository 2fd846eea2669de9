/// The mean softmax cross-entropy of logits [N, K] against integer labels, and its gradient.
public struct SoftmaxCrossEntropy {
    /// Returns the loss and writes dL/dlogits into `grad` (same shape).
    public static func lossAndGradient(logits: Tensor, labels: UnsafePointer<Int32>, grad: Tensor) -> Float {
        let n = logits.shape[0]
        let k = logits.count / logits.shape[0]
        var total: Double = 0
        let scale = 1 / Float(n)
        for i in 0..<n {
            let row = logits.data + i * k
            let g = grad.data + i * k
            var m = row[0]
            for j in 1..<k { m = max(m, row[j]) }
            var sum: Float = 0
            for j in 0..<k {
                let e = expf(row[j] - m)
                g[j] = e
                sum += e
            }
            let label = Int(labels[i])
            total += Double(logf(sum) - (row[label] - m))
            let inv = 1 / sum
            for j in 0..<k { g[j] = g[j] * inv * scale }
            g[label] -= scale
        }
        return Float(total / Double(n))
    }

    /// The index of the largest logit of each row.
    public static func predictions(_ logits: UnsafePointer<Float>, n: Int, classes k: Int) -> [Int] {
        (0..<n).map { i in
            let row = logits + i * k
            var best = 0
            for j in 1..<k where row[j] > row[best] { best = j }
            return best
        }
    }
}

#if canImport(Glibc)
    import Glibc
#endif
