import Foundation
import Recipes

/// Metric by metric, a run against a baseline: which got better, which worse, by how much.
public struct MetricChange: Sendable {
    public let node: String
    public let name: String
    public let unit: String?
    public let better: MetricSpec.Direction
    /// The recipe's tolerance: for `equal` metrics, how far they may move (0: not at all).
    public let tolerance: Double
    public let baseline: Double?
    public let current: Double?
    public let baselineRun: String?
    /// Relative change, current vs baseline (0.1 = +10 %).
    public var change: Double? {
        guard let b = baseline, let c = current, b != 0 else { return nil }
        return (c - b) / abs(b)
    }

    /// The judgement with `threshold` as the tolerance of `higher` and `lower` metrics; an `equal` metric (a seeded
    /// value) is judged by its own tolerance, whatever the threshold. Nil without both values.
    public func judgement(threshold: Double) -> MetricJudgement? {
        guard let b = baseline, let c = current else { return nil }
        return better.judge(baseline: b, current: c, tolerance: better == .equal ? tolerance : threshold)
    }

    /// Worse than the threshold in the metric's bad direction.
    public func regressed(threshold: Double) -> Bool { judgement(threshold: threshold) == .worse }

    public func improved(threshold: Double) -> Bool { judgement(threshold: threshold) == .better }
}

public enum Baseline: Sendable, Equatable, CustomStringConvertible {
    case last, best
    case run(String)

    public var description: String {
        switch self {
        case .last: "last"
        case .best: "best"
        case .run(let id): id
        }
    }

    public init(_ text: String) {
        switch text {
        case "last": self = .last
        case "best": self = .best
        default: self = .run(text)
        }
    }
}

public enum Regression {
    /// The metrics of `run` against the baseline: `last` (the latest earlier measurement of the same node and
    /// metric that was measured, not reused from the cache), `best` (the best earlier value by the metric's
    /// direction), or a given run.
    public static func compare(run: String, baseline: Baseline, store: HistoryStore) throws(HistoryStore.Failure)
        -> [MetricChange]
    {
        let all = try store.points()
        let current = all.filter { $0.run == run && $0.value != nil }
        guard let runStart = current.first?.started ?? all.first(where: { $0.run == run })?.started else { return [] }
        var out: [MetricChange] = []
        for p in current {
            let earlier = all.filter {
                $0.node == p.node && $0.name == p.name && $0.value != nil && $0.run != p.run && $0.started <= runStart
            }
            var base: HistoryStore.Point?
            switch baseline {
            case .last: base = earlier.last { !$0.cached } ?? earlier.last
            case .best:
                switch p.better {
                case .higher: base = earlier.max { $0.value! < $1.value! }
                case .lower: base = earlier.min { $0.value! < $1.value! }
                case .equal: base = earlier.last
                }
            case .run(let id): base = all.first { $0.run == id && $0.node == p.node && $0.name == p.name }
            }
            out.append(
                MetricChange(
                    node: p.node, name: p.name, unit: p.unit, better: p.better, tolerance: p.tolerance,
                    baseline: base?.value,
                    current: p.value, baselineRun: base?.run))
        }
        return out
    }
}
