import Foundation

/// The value axis of a chart: round ticks (1, 2 or 5 × 10ⁿ apart), or a log axis with a tick per decade when the
/// values span two decades or more (a latency of 5 µs beside one of 50 ms would otherwise be a flat line at 0).
struct ChartAxis: Equatable {
    let lo: Double
    let hi: Double
    let ticks: [Double]
    let isLog: Bool

    /// - Parameter fromZero: a linear axis starts at 0 (bars; lines of positive values).
    init(values: [Double], fromZero: Bool = true) {
        let finite = values.filter(\.isFinite)
        let minimum = finite.min() ?? 0
        let maximum = finite.max() ?? 1
        if minimum > 0, maximum / minimum >= 100 {
            let first = floor(log10(minimum))
            let last = ceil(log10(maximum))
            isLog = true
            lo = pow(10, first)
            hi = pow(10, max(last, first + 1))
            ticks = stride(from: first, through: max(last, first + 1), by: 1).map { pow(10, $0) }
            return
        }
        isLog = false
        let low = fromZero ? min(0, minimum) : minimum
        var high = maximum
        if high == low { high = low + (low == 0 ? 1 : abs(low) * 0.1) }
        let step = ChartAxis.niceStep((high - low) / 5)
        let first = Int((low / step).rounded(.down))
        let last = Int((high / step).rounded(.up))
        // A tick is i × step, computed as i / (1 / step) below 1 so that 3 × 0.2 reads 0.6.
        let inverse = (1 / step).rounded()
        ticks = (first...last).map { step < 1 ? Double($0) / inverse : Double($0) * step }
        lo = ticks.first!
        hi = ticks.last!
    }

    /// 1, 2 or 5 times a power of ten, at least `raw`.
    static func niceStep(_ raw: Double) -> Double {
        guard raw > 0, raw.isFinite else { return 1 }
        let power = pow(10, floor(log10(raw)))
        for m in [1.0, 2, 5, 10] where m * power >= raw * 0.999 { return m * power }
        return 10 * power
    }

    /// Where a value falls, from 0 (bottom) to 1 (top).
    func fraction(_ v: Double) -> Double {
        if isLog { return (log10(max(v, lo)) - log10(lo)) / (log10(hi) - log10(lo)) }
        return (v - lo) / (hi - lo)
    }

    /// A tick's text: round numbers without noise (`0.5`, `20`, `1000`, `1e-05` on a log axis of small values).
    static func label(_ v: Double) -> String {
        if v != 0 && (abs(v) >= 1e6 || abs(v) < 1e-3) {
            let exponent = Int(floor(log10(abs(v))))
            let mantissa = v / pow(10, Double(exponent))
            let m = abs(mantissa - mantissa.rounded()) < 1e-9 ? String(Int(mantissa.rounded())) : String(mantissa)
            return "\(m)e\(exponent)"
        }
        if abs(v - v.rounded()) < 1e-9 * max(1, abs(v)) { return String(Int(v.rounded())) }
        var text = String(format: "%.6f", v)
        while text.hasSuffix("0") { text.removeLast() }
        return text
    }
}
