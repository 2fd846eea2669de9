import Basics
import Recipes
import Workflow

/// What the history commands ask of the history: points of a recipe or metric (an unknown metric is an error
/// that names the ones there are), the label that tells a node's series apart, a point as a JSON record, and the
/// start of a `--since` window. The command line only parses its arguments and prints these.
public enum HistoryQuery {
    /// Points, oldest first, of a recipe and/or a metric. A metric the history does not hold (of that recipe) is
    /// an error naming the metrics it does hold, and the closest one.
    public static func points(_ store: HistoryStore, recipe: String?, metric: String?) throws(HistoryStore.Failure)
        -> [HistoryStore.Point]
    {
        let points = try store.points(recipe: recipe, metric: metric)
        guard points.isEmpty, let metric else { return points }
        let known = Set(try store.points(recipe: recipe).map(\.name)).sorted()
        throw HistoryStore.Failure(
            description: "error: no metric '\(metric)' in the history\(recipe.map { " of '\($0)'" } ?? "")"
                + Suggestions.hint(for: metric, in: known)
                + (known.isEmpty ? " (no metrics are recorded yet)" : " (metrics: \(known.joined(separator: ", ")))"))
    }

    /// Per series id, what tells it apart from the other series of its node (`count=6`); empty when a node has
    /// one series.
    public static func labels(_ points: [HistoryStore.Point], _ series: [String: Series]) -> [String: String] {
        var byNode: [String: Set<String>] = [:]
        for p in points { byNode[p.node, default: []].insert(p.series) }
        var out: [String: String] = [:]
        for ids in byNode.values {
            for (id, label) in Series.labels(ids.sorted().compactMap { series[$0] }) { out[id] = label }
        }
        return out
    }

    /// A point as `repro history --json` prints it: the run, the node, its request (variations, inputs) and the
    /// metric with its unit and direction.
    public static func record(_ p: HistoryStore.Point, series: Series?) -> Value {
        .map([
            "run": .string(p.run), "started": .string(p.started), "node": .string(p.node),
            "recipe": .string(p.recipe), "series": .string(p.series),
            "variations": .list((series?.variations ?? []).map { .string($0) }), "inputs": .map(series?.inputs ?? [:]),
            "metric": .string(p.name), "value": p.value.map { .double($0) } ?? .string(p.text ?? ""),
            "unit": p.unit.map { .string($0) } ?? .null, "better": .string(p.better.rawValue),
            "cached": .bool(p.cached),
        ])
    }

    /// The ISO 8601 time a `--since` value names: a duration back from `now` (`90s`, `90m`, `12h`, `2d`), a UTC
    /// date or time (`2026-12-06`, `2026-12-06T03:00`), or a run (`last~3`, an id or a unique prefix: its start).
    public static func start(since text: String, runs: RunStore, now: Double = Clock.now()) throws(WorkflowError)
        -> String
    {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        if let unit = text.last.flatMap({ units[$0] }), let amount = Double(text.dropLast()), amount >= 0,
            amount.isFinite
        {
            return Clock.iso8601(now - amount * unit)
        }
        if isUTCTime(text) { return text }
        return try runs.manifest(try runs.resolve(text)).started
    }

    /// `YYYY-MM-DD`, optionally followed by `T` and a time: compared as text with recorded ISO 8601 starts.
    static func isUTCTime(_ text: String) -> Bool {
        let chars = Array(text.utf8)
        guard chars.count >= 10 else { return false }
        for (i, c) in chars.prefix(10).enumerated() {
            let isDigit = c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")
            if i == 4 || i == 7 ? c != UInt8(ascii: "-") : !isDigit { return false }
        }
        return chars.count == 10 || chars[10] == UInt8(ascii: "T")
    }
}
