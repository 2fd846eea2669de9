import Foundation
import Recipes

/// One metric of one series: its value in the run judged and in the baseline, and the tolerance it is judged by.
public struct MetricChange: Sendable {
    public let node: String
    public let name: String
    public let unit: String?
    public let better: MetricSpec.Direction
    /// The recipe's tolerance (0 when it states none).
    public let tolerance: Double
    public let series: String
    /// The run of the value judged.
    public let run: String
    public let baseline: Double?
    public let current: Double?
    public let baselineRun: String?
    /// For a series with no earlier point: the other series of the same node it follows, and what differs
    /// (`count: 100000 -> 6`). A changed request starts a new series, and says so.
    public let follows: (series: String, differences: [String])?

    /// Relative change, current vs baseline (0.1 = +10 %).
    public var change: Double? {
        guard let b = baseline, let c = current, b != 0 else { return nil }
        return (c - b) / abs(b)
    }

    /// The tolerance a judgement uses (see `Regression.tolerance`).
    public func tolerance(override: Double?) -> (value: Double, source: String) {
        Regression.tolerance(better, stated: tolerance, override: override)
    }

    /// Better, the same or worse (nil without both values).
    public func judgement(threshold: Double? = nil) -> MetricJudgement? {
        guard let b = baseline, let c = current else { return nil }
        return better.judge(baseline: b, current: c, tolerance: tolerance(override: threshold).value)
    }

    public func regressed(threshold: Double? = nil) -> Bool { judgement(threshold: threshold) == .worse }

    public func improved(threshold: Double? = nil) -> Bool { judgement(threshold: threshold) == .better }
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

/// Metrics judged series by series: only points of the same request are ever compared.
public enum Regression {
    /// The tolerance of a `higher` or `lower` metric whose recipe states none.
    public static let defaultTolerance = 0.05

    /// The tolerance a metric is judged by, and where it comes from: an `equal` metric (a seeded value) its
    /// recipe's, always; a `higher` or `lower` one `override` (`--threshold`) when given, else its recipe's, else
    /// `defaultTolerance`.
    public static func tolerance(_ better: MetricSpec.Direction, stated: Double, override: Double?) -> (
        value: Double, source: String
    ) {
        if better == .equal { return (stated, "recipe") }
        if let override { return (override, "--threshold") }
        return stated > 0 ? (stated, "recipe") : (defaultTolerance, "default")
    }

    /// Which points to judge.
    public enum Scope: Sendable {
        /// The metrics of one run.
        case run(String)
        /// The newest point of every series a run started at or after this time touched (ISO 8601): everything a
        /// nightly batch of several `repro run`s measured.
        case since(String)
    }

    /// The points in scope, each against its baseline in its own series: `last` (the latest earlier point that
    /// was measured rather than reused from the cache), `best` (the best earlier value by the metric's
    /// direction), or a given run's point of the same series.
    public static func check(_ scope: Scope, baseline: Baseline, store: HistoryStore) throws(HistoryStore.Failure)
        -> [MetricChange]
    {
        let all = try store.points().filter { $0.value != nil }
        let series = try store.series()
        var judged: [HistoryStore.Point] = []
        switch scope {
        case .run(let id): judged = all.filter { $0.run == id }
        case .since(let start):
            // The newest point of each series and metric in the window.
            var newest: [String: HistoryStore.Point] = [:]
            for p in all where p.started >= start { newest[p.series + "\u{1}" + p.name] = p }
            judged = newest.values.sorted { ($0.started, $0.node, $0.name) < ($1.started, $1.node, $1.name) }
        }
        return judged.map { p in
            let earlier = all.filter {
                $0.series == p.series && $0.name == p.name && $0.run != p.run && $0.started <= p.started
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
            case .run(let id): base = all.first { $0.run == id && $0.series == p.series && $0.name == p.name }
            }
            var follows: (String, [String])?
            if base == nil, let mine = series[p.series] {
                // The newest earlier point of the same node in another series: what this request changed.
                let other = all.last {
                    $0.node == p.node && $0.name == p.name && $0.series != p.series && $0.started <= p.started
                        && $0.run != p.run
                }
                if let other, let theirs = series[other.series] {
                    follows = (other.series, mine.differences(from: theirs))
                }
            }
            return MetricChange(
                node: p.node, name: p.name, unit: p.unit, better: p.better, tolerance: p.tolerance, series: p.series,
                run: p.run, baseline: base?.value, current: p.value, baselineRun: base?.run, follows: follows)
        }
    }

    /// Two runs side by side, like with like: each metric of `b` against the same series' metric in `a`
    /// (`pairs`, whose `follows` says, for a series only `b` has, what differs from `a`'s series of that node), and
    /// the metrics of series only `a` has.
    public static func compare(_ a: String, _ b: String, store: HistoryStore) throws(HistoryStore.Failure) -> (
        pairs: [MetricChange], onlyInA: [MetricChange]
    ) {
        let series = try store.series()
        func differences(_ mine: MetricChange, _ others: [MetricChange]) -> MetricChange {
            guard mine.baseline == nil,
                let other = others.first(where: { $0.node == mine.node && $0.name == mine.name }),
                let s = series[mine.series], let o = series[other.series]
            else { return mine }
            return MetricChange(
                node: mine.node, name: mine.name, unit: mine.unit, better: mine.better, tolerance: mine.tolerance,
                series: mine.series, run: mine.run, baseline: nil, current: mine.current, baselineRun: nil,
                follows: (other.series, s.differences(from: o)))
        }
        let inB = try check(.run(b), baseline: .run(a), store: store)
        let inA = try check(.run(a), baseline: .run(b), store: store)
        let onlyA = inA.filter { $0.baseline == nil }
        let onlyB = inB.filter { $0.baseline == nil }
        return (inB.map { differences($0, onlyA) }, onlyA.map { differences($0, onlyB) })
    }
}
