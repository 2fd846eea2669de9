import Foundation
import Recipes
import Workflow

/// `repro report`: one self-contained HTML page (inline CSS and SVG, no script, no network) with the latest value of
/// every metric and its change, regressions in red, the latency percentiles of each LoadGen scenario of the latest
/// run, and every tracked metric over time.
public enum ReportPage {
    /// Latency percentiles of one LoadGen test (from its `mlperf_log_summary.txt`).
    public struct Percentiles: Sendable {
        public let scenario: String
        public let node: String
        public let values: [(String, Double)]  // percentile label -> ms
    }

    /// The percentile lines of a LoadGen summary ("90.00 percentile latency (ns)   : 123"), in ms.
    public static func percentiles(summary path: String, scenario: String, node: String) -> Percentiles? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        var values: [(String, Double)] = []
        let perQuery = text.contains("Per-query latency")
        var inQuery = false
        for line in text.split(separator: "\n") {
            if line.hasPrefix("Per-query latency") { inQuery = true }
            guard let r = line.range(of: " percentile latency (ns)") else { continue }
            if perQuery && !inQuery { continue }
            let pct = line[..<r.lowerBound].trimmingCharacters(in: .whitespaces)
            guard let v = Double(line.split(separator: ":").last?.trimmingCharacters(in: .whitespaces) ?? ""),
                Double(pct) != nil
            else { continue }
            values.append(("p" + pct.replacingOccurrences(of: ".00", with: ""), v / 1e6))
        }
        return values.isEmpty ? nil : Percentiles(scenario: scenario, node: node, values: values)
    }

    public static func html(
        store: HistoryStore, latestRun: String?, percentiles: [Percentiles], threshold: Double?,
        title: String = "repro results"
    ) throws(HistoryStore.Failure) -> String {
        let points = try store.points().filter { $0.value != nil }
        let runs = try store.runs()
        let latest = latestRun ?? runs.last
        var changes: [MetricChange] = []
        if let latest { changes = try Regression.check(.run(latest), baseline: .last, store: store) }
        let regressions = changes.filter { $0.regressed(threshold: threshold) }
        let rule =
            threshold.map { "more than \(TextOutput.number($0 * 100))% worse" }
            ?? "worse than each metric's tolerance (its recipe's, else \(Int(Regression.defaultTolerance * 100))%)"

        var body = "<h1>\(SVGChart.escape(title))</h1>"
        body +=
            "<p class=\"meta\">\(runs.count) runs recorded; latest \(SVGChart.escape(latest ?? "none")); "
            + "generated \(SVGChart.escape(ISO8601DateFormatter().string(from: Date()))). Regressions: \(rule) than "
            + "the previous measurement of the same request.</p>"
        body +=
            regressions.isEmpty
            ? "<p class=\"ok\">No regressions in the latest run.</p>"
            : "<p class=\"bad\">\(regressions.count) regression\(regressions.count == 1 ? "" : "s") in the latest run.</p>"

        body +=
            "<h2>Latest results</h2><table><tr><th>node</th><th>metric</th><th>value</th><th>unit</th><th>previous</th><th>change</th><th>better</th></tr>"
        for c in changes.sorted(by: { ($0.node, $0.name) < ($1.node, $1.name) }) {
            let bad = c.regressed(threshold: threshold)
            let good = c.improved(threshold: threshold)
            body +=
                "<tr class=\"\(bad ? "regression" : good ? "improvement" : "")\"><td>\(SVGChart.escape(c.node))</td><td>\(SVGChart.escape(c.name))</td>"
                + "<td class=\"num\">\(c.current.map(SVGChart.label) ?? "-")</td><td>\(SVGChart.escape(c.unit ?? ""))</td>"
                + "<td class=\"num\">\(c.baseline.map(SVGChart.label) ?? "-")</td>"
                + "<td class=\"num\">\(c.change.map { String(format: "%+.1f%%", $0 * 100) } ?? "-")</td><td>\(c.better.rawValue)</td></tr>"
        }
        body += "</table>"

        if !percentiles.isEmpty {
            body += "<h2>Latency percentiles per scenario (latest run)</h2>"
            // One chart per scenario: Offline's latencies (the whole query) dwarf the stream scenarios'.
            for p in percentiles {
                body += SVGChart.bars(
                    title: "\(p.scenario): latency percentiles", unit: "ms",
                    groups: p.values.map { ($0.0, [($0.0, $0.1)]) }, height: 220)
            }
        }

        // Every metric with a direction, over time (regressions as large red points).
        body += "<h2>Over time</h2>"
        let tracked = Dictionary(grouping: points.filter { $0.better != .equal }) { "\($0.recipe)\u{1}\($0.name)" }
        let known = try store.series()
        for key in tracked.keys.sorted() {
            let ps = tracked[key]!
            // One line per series (request); several of a node are told apart by what differs between them.
            let bySeries = Dictionary(grouping: ps, by: \.series)
            let labels = Series.labels(bySeries.keys.compactMap { known[$0] })
            let names = Dictionary(
                uniqueKeysWithValues: bySeries.map { id, points in
                    (id, [points[0].node, labels[id] ?? ""].filter { !$0.isEmpty }.joined(separator: " "))
                })
            let series = bySeries.keys.sorted { names[$0]! < names[$1]! }.prefix(8).map {
                id -> (String, [(String, Double, Bool)]) in
                let nodePoints = bySeries[id]!
                var previous: Double?
                let values = nodePoints.map { p -> (String, Double, Bool) in
                    let v = p.value!
                    var bad = false
                    if let prev = previous, prev != 0 {
                        let tolerance = Regression.tolerance(p.better, stated: p.tolerance, override: threshold).value
                        bad = p.better.judge(baseline: prev, current: v, tolerance: tolerance) == .worse
                    }
                    previous = v
                    return (String(p.started.prefix(16)), v, bad)
                }
                return (names[id]!, values)
            }
            let first = ps[0]
            body += SVGChart.lines(
                title: "\(first.recipe): \(first.name)", unit: first.unit ?? "", series: Array(series))
        }
        return """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>\(SVGChart.escape(title))</title>
            <style>
            body { font-family: sans-serif; margin: 2em; color: #222; max-width: 1000px; }
            table { border-collapse: collapse; margin: 1em 0; font-size: 14px; }
            th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: left; }
            td.num { text-align: right; font-variant-numeric: tabular-nums; }
            tr.regression { background: #fdd; color: #900; font-weight: bold; }
            tr.improvement { background: #dfd; }
            .meta { color: #666; } .ok { color: #060; } .bad { color: #900; font-weight: bold; }
            svg.chart { display: block; margin: 1em 0; background: #fafafa; border: 1px solid #eee; }
            svg .title { font: bold 14px sans-serif; } svg .axis { font: 11px sans-serif; fill: #555; }
            svg .legend { font: 12px sans-serif; } svg .grid { stroke: #e5e5e5; }
            </style></head><body>
            \(body)
            </body></html>

            """
    }
}
