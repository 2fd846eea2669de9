/// How a metric's new value compares with an earlier one.
public enum MetricJudgement: String, Sendable {
    /// Moved beyond the tolerance in the good direction.
    case better
    /// Within the tolerance (for `equal` metrics: did not move more than allowed).
    case same
    /// Moved beyond the tolerance in the bad direction (for `equal` metrics: in either).
    case worse
}

extension MetricSpec.Direction {
    /// Judges `current` against `baseline`, allowing a relative `tolerance` (0.1 = ±10 %; 0 = exact for `equal`).
    ///
    /// The one rule behind `repro regress`, `repro report` and `repro reproduce`: `higher` and `lower` metrics are
    /// better or worse by the sign of their change, `equal` metrics (a seeded accuracy) can only stay or be worse.
    public func judge(baseline: Double, current: Double, tolerance: Double) -> MetricJudgement {
        let change = MetricSpec.Direction.relativeChange(from: baseline, to: current)
        switch self {
        case .higher: return change < -tolerance ? .worse : change > tolerance ? .better : .same
        case .lower: return change > tolerance ? .worse : change < -tolerance ? .better : .same
        case .equal:
            if tolerance == 0 { return current == baseline ? .same : .worse }
            return abs(change) <= tolerance ? .same : .worse
        }
    }

    /// (current − baseline) / |baseline|; from 0, ±infinity by the sign of the new value (0 when it stayed 0).
    public static func relativeChange(from baseline: Double, to current: Double) -> Double {
        if baseline != 0 { return (current - baseline) / abs(baseline) }
        return current > 0 ? .infinity : current < 0 ? -.infinity : 0
    }

    /// The direction a stored text names (`higher`, `lower`, `equal`); `equal` for anything else, the safe reading
    /// of a record that says nothing.
    public init(recorded text: String?) { self = text.flatMap(Self.init(rawValue:)) ?? .equal }
}
