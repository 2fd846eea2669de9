import Basics
import Foundation
import History
import Recipes
import Testing
import Workflow

/// What the history commands ask of the history, without the command line: `--since` windows, an unknown
/// metric, and the labels that tell a node's series apart.
struct HistoryQueryTests {
    let regression = RegressionTests()

    @Test func sinceNamesADurationADateOrARun() throws {
        let dir = NSTemporaryDirectory() + "repro-since-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let runs = RunStore(directory: dir)
        let now = 1_796_000_000.0  // 2026-11-30T...Z
        #expect(try HistoryQuery.start(since: "12h", runs: runs, now: now) == Clock.iso8601(now - 12 * 3600))
        #expect(try HistoryQuery.start(since: "90m", runs: runs, now: now) == Clock.iso8601(now - 90 * 60))
        #expect(try HistoryQuery.start(since: "2d", runs: runs, now: now) == Clock.iso8601(now - 2 * 86400))
        #expect(try HistoryQuery.start(since: "2026-12-06", runs: runs, now: now) == "2026-12-06")
        #expect(try HistoryQuery.start(since: "2026-12-06T03:00", runs: runs, now: now) == "2026-12-06T03:00")
        // A run: its start.
        try FileManager.default.createDirectory(
            atPath: dir + "/20261120-030000.000-aa", withIntermediateDirectories: true)
        try regression.manifest("20261120-030000.000-aa", "2026-11-20T03:00:00Z", [("qps", 1, "higher")])
            .write(to: runs.manifestPath("20261120-030000.000-aa"))
        #expect(try HistoryQuery.start(since: "last", runs: runs, now: now) == "2026-11-20T03:00:00Z")
        #expect(try HistoryQuery.start(since: "20261120", runs: runs, now: now) == "2026-11-20T03:00:00Z")
        // Neither a duration, nor a time, nor a run.
        #expect(throws: WorkflowError.self) { try HistoryQuery.start(since: "yesterday", runs: runs, now: now) }
        #expect(throws: WorkflowError.self) { try HistoryQuery.start(since: "2026-1-6", runs: runs, now: now) }
        #expect(throws: WorkflowError.self) { try HistoryQuery.start(since: "-3h", runs: runs, now: now) }
    }

    @Test func anUnknownMetricNamesTheKnownOnes() throws {
        let dir = NSTemporaryDirectory() + "repro-query-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try HistoryStore(path: dir + "/history.sqlite")
        let empty = #expect(throws: HistoryStore.Failure.self) {
            try HistoryQuery.points(store, recipe: nil, metric: "qps")
        }
        #expect(empty?.description.contains("no metrics are recorded yet") == true)
        #expect(try HistoryQuery.points(store, recipe: nil, metric: nil).isEmpty)
        try store.record(
            manifest: regression.manifest("r1", "2026-11-20T03:00:00Z", [("qps", 1000, "higher"), ("acc", 1, "equal")]))
        #expect(try HistoryQuery.points(store, recipe: nil, metric: "qps").map(\.value) == [1000])
        let failure = #expect(throws: HistoryStore.Failure.self) {
            try HistoryQuery.points(store, recipe: nil, metric: "qsp")
        }
        #expect(failure?.description.contains("did you mean 'qps'?") == true)
        #expect(failure?.description.contains("(metrics: acc, qps)") == true)
        #expect(throws: HistoryStore.Failure.self) { try HistoryQuery.points(store, recipe: "other", metric: "qps") }
    }

    @Test func labelsTellANodesSeriesApart() throws {
        let dir = NSTemporaryDirectory() + "repro-labels-\(UUID().uuidString.prefix(8))"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let store = try HistoryStore(path: dir + "/history.sqlite")
        try store.record(
            manifest: regression.manifest(
                "r1", "2026-11-20T03:00:00Z", [("qps", 1000, "higher")], inputs: ["count": .int(100)]))
        let one = try store.points()
        #expect(HistoryQuery.labels(one, try store.series()).values.allSatisfy(\.isEmpty))
        try store.record(
            manifest: regression.manifest(
                "r2", "2026-11-21T03:00:00Z", [("qps", 900, "higher")], inputs: ["count": .int(6)]))
        let points = try store.points()
        let labels = HistoryQuery.labels(points, try store.series())
        #expect(Set(points.map { labels[$0.series] ?? "?" }) == ["count=100", "count=6"])
        let record = HistoryQuery.record(points[1], series: try store.series()[points[1].series])
        #expect(record.mapValue?["inputs"] == .map(["count": .int(6)]))
        #expect(record.mapValue?["better"] == .string("higher"))
        #expect(record.mapValue?["value"] == .double(900))
    }
}
