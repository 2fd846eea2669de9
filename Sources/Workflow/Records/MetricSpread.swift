import Recipes

/// The spread of a metric over the repetitions of a measured step (`repeat:`, `--repeat N`): what a reproduction
/// is judged against, so a published timing carries its own noise.
public struct MetricSpread: Sendable, Equatable {
    public var median: Double
    public var min: Double
    public var max: Double
    /// The values, in the order the repetitions ran.
    public var values: [Double]
    public var count: Int { values.count }

    public init(values: [Double]) {
        let sorted = values.sorted()
        let mid = sorted.count / 2
        self.median = sorted.count % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2
        self.min = sorted.first ?? 0
        self.max = sorted.last ?? 0
        self.values = values
    }

    /// The metrics of several runs as one set: a numeric metric becomes the median of its values (and has a
    /// spread); any other keeps the first run's value.
    public static func combine(_ runs: [[String: Value]]) -> ([String: Value], [String: MetricSpread]) {
        guard var metrics = runs.first else { return ([:], [:]) }
        var spread: [String: MetricSpread] = [:]
        for name in metrics.keys {
            let values = runs.compactMap { $0[name]?.doubleValue }
            guard values.count == runs.count else { continue }
            let s = MetricSpread(values: values)
            spread[name] = s
            metrics[name] = .double(s.median)
        }
        return (metrics, spread)
    }

    public var json: Value {
        .map([
            "median": .double(median), "min": .double(min), "max": .double(max), "n": .int(count),
            "values": .list(values.map { .double($0) }),
        ])
    }

    /// Reads the form `json` writes; nil when it is not one.
    public init?(json: Value) {
        guard let values = json["values"]?.listValue?.compactMap(\.doubleValue), !values.isEmpty else { return nil }
        self.init(values: values)
    }
}
