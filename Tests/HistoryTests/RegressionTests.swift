import Foundation
import History
import Recipes
import Testing
import Workflow

/// The history store on a real SQLite file, and regressions judged by each metric's direction.
struct RegressionTests {
    func manifest(_ id: String, _ started: String, _ metrics: [(String, Double, String)], cached: Bool = false)
        -> Manifest
    {
        var values: [String: Value] = [:]
        var specs: [String: Manifest.MetricRecord] = [:]
        for (name, v, better) in metrics {
            values[name] = .double(v)
            specs[name] = Manifest.MetricRecord(
                better: MetricSpec.Direction(rawValue: better)!, tolerance: 0, unit: nil)
        }
        let result = Manifest.Node.Result(
            outputs: [:], metrics: values, metricSpecs: specs, outputsSHA256: "", files: [], built: started,
            buildSeconds: 0, execution: [:])
        return Manifest(
            id: id, command: [], status: .succeeded, started: started, finished: started, seconds: 0,
            repro: ReproBuild(version: "test"), host: .init(fields: ["hostname": "h", "cpu": "c"]), cache: "",
            request: .init(requests: []), recipes: [:], roots: ["bench"],
            nodes: [.init(id: "bench", recipe: "bench", status: cached ? .hit : .built, result: result)],
            counts: [:], warnings: [])
    }

    @Test func directionDecidesWhatIsWorse() throws {
        let dir = NSTemporaryDirectory() + "repro-history-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try HistoryStore(path: dir + "/history.sqlite")
        try store.record(
            manifest: manifest(
                "r1", "2026-11-20T03:00:00Z",
                [("qps", 1000, "higher"), ("latency", 10, "lower"), ("acc", 0.97, "equal")]))
        try store.record(
            manifest: manifest(
                "r2", "2026-11-21T03:00:00Z",
                [("qps", 1100, "higher"), ("latency", 9, "lower"), ("acc", 0.97, "equal")]))
        // Reused from the cache: not a baseline for `last` when a measured one exists.
        try store.record(
            manifest: manifest(
                "r3", "2026-11-22T03:00:00Z",
                [("qps", 1100, "higher"), ("latency", 9, "lower"), ("acc", 0.97, "equal")], cached: true))
        try store.record(
            manifest: manifest(
                "r4", "2026-11-23T03:00:00Z",
                [("qps", 990, "higher"), ("latency", 9.3, "lower"), ("acc", 0.96, "equal")]))

        let last = try Regression.compare(run: "r4", baseline: .last, store: store)
        let worse = Set(last.filter { $0.regressed(threshold: 0.05) }.map(\.name))
        #expect(worse == ["qps", "acc"])  // -10% throughput, a seeded value moved; latency +3.3% is within 5%
        #expect(
            last.first { $0.name == "qps" }?.baselineRun == "r3" || last.first { $0.name == "qps" }?.baselineRun == "r2"
        )
        let best = try Regression.compare(run: "r4", baseline: .best, store: store)
        #expect(best.first { $0.name == "latency" }?.baseline == 9)
        #expect(best.first { $0.name == "qps" }?.baseline == 1100)
        let first = try Regression.compare(run: "r4", baseline: .run("r1"), store: store)
        #expect(Set(first.filter { $0.regressed(threshold: 0.05) }.map(\.name)) == ["acc"])
        // Recording a run again replaces it.
        try store.record(manifest: manifest("r4", "2026-11-23T03:00:00Z", [("qps", 1200, "higher")]))
        #expect(try store.points(run: "r4").count == 1)
        #expect(try store.runs() == ["r1", "r2", "r3", "r4"])
    }
}
