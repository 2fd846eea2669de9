import Foundation
import History
import Recipes
import Testing
import Workflow

/// The history store on a real SQLite file, and regressions judged by each metric's direction.
struct RegressionTests {
    func manifest(
        _ id: String, _ started: String, _ metrics: [(String, Double, String)], cached: Bool = false,
        inputs: [String: Value] = [:], tolerance: Double = 0
    ) -> Manifest {
        var values: [String: Value] = [:]
        var specs: [String: Manifest.MetricRecord] = [:]
        for (name, v, better) in metrics {
            values[name] = .double(v)
            specs[name] = Manifest.MetricRecord(
                better: MetricSpec.Direction(rawValue: better)!, tolerance: tolerance, unit: nil)
        }
        let result = Manifest.Node.Result(
            outputs: [:], metrics: values, metricSpecs: specs, outputsSHA256: "", files: [], built: started,
            buildSeconds: 0, execution: [:])
        return Manifest(
            id: id, command: [], status: .succeeded, started: started, finished: started, seconds: 0,
            repro: ReproBuild(version: "test"), host: .init(fields: ["hostname": "h", "cpu": "c"]), cache: "",
            request: .init(requests: []), recipes: [:], roots: ["bench"],
            nodes: [
                .init(id: "bench", recipe: "bench", status: cached ? .hit : .built, inputs: inputs, result: result)
            ],
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

        let last = try Regression.check(.run("r4"), baseline: .last, store: store)
        let worse = Set(last.filter { $0.regressed(threshold: 0.05) }.map(\.name))
        #expect(worse == ["qps", "acc"])  // -10% throughput, a seeded value moved; latency +3.3% is within 5%
        #expect(
            last.first { $0.name == "qps" }?.baselineRun == "r3" || last.first { $0.name == "qps" }?.baselineRun == "r2"
        )
        let best = try Regression.check(.run("r4"), baseline: .best, store: store)
        #expect(best.first { $0.name == "latency" }?.baseline == 9)
        #expect(best.first { $0.name == "qps" }?.baseline == 1100)
        let first = try Regression.check(.run("r4"), baseline: .run("r1"), store: store)
        #expect(Set(first.filter { $0.regressed(threshold: 0.05) }.map(\.name)) == ["acc"])
        // Recording a run again replaces it.
        try store.record(manifest: manifest("r4", "2026-11-23T03:00:00Z", [("qps", 1200, "higher")]))
        #expect(try store.points(run: "r4").count == 1)
        #expect(try store.runs() == ["r1", "r2", "r3", "r4"])
    }

    func store() throws -> (HistoryStore, String) {
        let dir = NSTemporaryDirectory() + "repro-history-\(UUID().uuidString.prefix(8))"
        return (try HistoryStore(path: dir + "/history.sqlite"), dir)
    }

    @Test func anotherRequestIsAnotherSeriesAndSaysWhatChanged() throws {
        let (store, dir) = try store()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try store.record(manifest: manifest("r1", "2026-11-20T03:00:00Z", [("sum", 91, "equal")], inputs: ["n": 6]))
        try store.record(
            manifest: manifest("r2", "2026-11-21T03:00:00Z", [("sum", 338350, "equal")], inputs: ["n": 100]))
        let changes = try Regression.check(.run("r2"), baseline: .last, store: store)
        #expect(changes.count == 1 && changes[0].baseline == nil && !changes[0].regressed())
        #expect(changes[0].follows?.differences == ["n: 6 -> 100"])
        try store.record(manifest: manifest("r3", "2026-11-22T03:00:00Z", [("sum", 92, "equal")], inputs: ["n": 6]))
        let again = try Regression.check(.run("r3"), baseline: .last, store: store)
        #expect(again[0].baselineRun == "r1" && again[0].regressed())
    }

    @Test func theRecipesToleranceDecidesUnlessAThresholdIsGiven() throws {
        let (store, dir) = try store()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try store.record(manifest: manifest("r1", "2026-11-20T03:00:00Z", [("qps", 1000, "higher")], tolerance: 0.2))
        try store.record(manifest: manifest("r2", "2026-11-21T03:00:00Z", [("qps", 850, "higher")], tolerance: 0.2))
        let c = try Regression.check(.run("r2"), baseline: .last, store: store)[0]
        #expect(!c.regressed())  // -15% within the recipe's 20%
        #expect(c.tolerance(override: nil) == (0.2, "recipe"))
        #expect(c.regressed(threshold: 0.1))
        // A higher/lower metric whose recipe states no tolerance gets the default 5%.
        let none = Regression.tolerance(.lower, stated: 0, override: nil)
        #expect(none == (Regression.defaultTolerance, "default"))
        #expect(Regression.tolerance(.equal, stated: 0, override: nil) == (0, "recipe"))
    }

    @Test func sinceChecksTheNewestPointOfEverySeriesInTheWindow() throws {
        let (store, dir) = try store()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // Night 1: two requests; night 2: both again, one slower.
        try store.record(manifest: manifest("a1", "2026-11-20T03:00:00Z", [("t", 10, "lower")], inputs: ["s": "A"]))
        try store.record(manifest: manifest("b1", "2026-11-20T03:10:00Z", [("t", 20, "lower")], inputs: ["s": "B"]))
        try store.record(manifest: manifest("a2", "2026-11-21T03:00:00Z", [("t", 10.1, "lower")], inputs: ["s": "A"]))
        try store.record(manifest: manifest("b2", "2026-11-21T03:10:00Z", [("t", 30, "lower")], inputs: ["s": "B"]))
        let night = try Regression.check(.since("2026-11-21T00:00:00Z"), baseline: .last, store: store)
        #expect(night.map(\.run) == ["a2", "b2"])
        #expect(night.filter { $0.regressed() }.map(\.run) == ["b2"])
        #expect(night.map(\.baselineRun) == ["a1", "b1"])
        // The latest run alone sees only one of them.
        #expect(try Regression.check(.run("b2"), baseline: .last, store: store).count == 1)
        // compare pairs like with like: a2 against b2 shares no series.
        let (pairs, onlyInA) = try Regression.compare("a2", "b2", store: store)
        #expect(pairs.count == 1 && pairs[0].baseline == nil && pairs[0].follows?.differences == ["s: A -> B"])
        #expect(onlyInA.count == 1 && onlyInA[0].follows?.differences == ["s: B -> A"])
    }
}
