import Foundation

/// LoadGen's early-stopping estimate: with `t` queries over the latency bound among `h + t`, the latency
/// percentile `p` is met with confidence `c` when the binomial probability of seeing at most `t` overlatency
/// queries, were the true share of overlatency queries `1 - p`, is below `1 - c`.
///
/// That probability is the regularised incomplete beta function I_p(h, t + 1); `minimumPassing` finds the
/// smallest `h` for which it drops below `1 - c` (a binary search between bounds LoadGen derives from earlier
/// answers, cached per (p, c)).
final class EarlyStopping {
    var cache: [Int: Int] = [:]
    let p: Double
    let confidence: Double

    init(percentile p: Double, confidence: Double = 0.99) {
        self.p = p
        self.confidence = confidence
    }

    /// ln B(a, b).
    static func logBeta(_ a: Double, _ b: Double) -> Double { lgamma(a) + lgamma(b) - lgamma(a + b) }

    /// The regularised incomplete beta function I_x(a, b), by its continued fraction (Lentz), using the symmetry
    /// I_x(a, b) = 1 - I_{1-x}(b, a) where it converges faster.
    static func regularizedBeta(_ x: Double, _ a: Double, _ b: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let front = exp(a * log(x) + b * log(1 - x) - logBeta(a, b))
        if x < (a + 1) / (a + b + 2) { return front * continuedFraction(x, a, b) / a }
        return 1 - front * continuedFraction(1 - x, b, a) / b
    }

    static func continuedFraction(_ x: Double, _ a: Double, _ b: Double) -> Double {
        let tiny = 1e-300
        var c = 1.0
        var d = 1 - (a + b) * x / (a + 1)
        if abs(d) < tiny { d = tiny }
        d = 1 / d
        var f = d
        for m in 1...100_000 {
            let mm = Double(m)
            var num = mm * (b - mm) * x / ((a + 2 * mm - 1) * (a + 2 * mm))
            d = 1 + num * d
            if abs(d) < tiny { d = tiny }
            c = 1 + num / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            f *= d * c
            num = -(a + mm) * (a + b + mm) * x / ((a + 2 * mm) * (a + 2 * mm + 1))
            d = 1 + num * d
            if abs(d) < tiny { d = tiny }
            c = 1 + num / c
            if abs(c) < tiny { c = tiny }
            d = 1 / d
            let delta = d * c
            f *= delta
            if abs(delta - 1) < 1e-15 { break }
        }
        return f
    }

    /// P(at most t overlatency in h + t queries) = I_p(h, t + 1).
    func odds(h: Int, t: Int) -> Double { EarlyStopping.regularizedBeta(p, Double(h), Double(t + 1)) }

    /// The smallest h with odds(h, t) < 1 - c. It does not decrease as t grows, so a cached smaller t bounds it
    /// from below; the upper bound doubles until it passes.
    func minimumPassing(_ t: Int) -> Int {
        if let h = cache[t] { return h }
        var lo = cache.keys.filter { $0 < t }.max().map { cache[$0]! } ?? 1
        var hi = max(lo + 1, Int(Double(t + 1) * p / (1 - p)) + 8)
        while odds(h: hi, t: t) >= 1 - confidence {
            lo = hi
            hi *= 2
        }
        while lo < hi {
            let mid = lo + (hi - lo) / 2
            if odds(h: mid, t: t) < 1 - confidence { hi = mid } else { lo = mid + 1 }
        }
        cache[t] = lo
        return lo
    }

    /// For `n` queries with latencies sorted ascending: how many of the highest LoadGen's estimate discards (t − 1
    /// where t is the largest with n ≥ h(t) + t), or nil when n is too few for any estimate (fewer than h(1) + 1).
    /// LoadGen scans t upwards; n < h(i) + i only grows with i, so a binary search finds the same t.
    func discardCount(queries n: Int) -> (minimum: Int, t: Int)? {
        let hMin = minimumPassing(1)
        guard n >= hMin + 1 else { return nil }
        var lo = 2
        var hi = n + 1
        while lo < hi {
            let mid = lo + (hi - lo) / 2
            if n < minimumPassing(mid) + mid { hi = mid } else { lo = mid + 1 }
        }
        // lo is the first i that fails; LoadGen's t is i − 1 (or 1 when none fails... it then keeps t = 1).
        let t = lo <= n ? lo - 1 : 1
        return (hMin, t)
    }
}
