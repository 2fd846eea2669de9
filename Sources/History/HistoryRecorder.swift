import Recipes
import Workflow

/// The history database of a cache (`<cache>/history.sqlite`): recording a run's metrics, and rebuilding the
/// database from the run manifests. The command line only calls these.
public enum HistoryRecorder {
    public static func path(cacheDirectory: String) -> String { cacheDirectory + "/history.sqlite" }

    public static func open(cacheDirectory: String) throws(HistoryStore.Failure) -> HistoryStore {
        try HistoryStore(path: path(cacheDirectory: cacheDirectory))
    }

    /// After a run: its metrics go into the history. A run without metrics leaves the database alone (and costs
    /// nothing). The caller decides what a failure means (for a run, a warning: its manifest keeps everything).
    /// Returns a note for each node whose request changed since its last run: it starts a new series.
    @discardableResult
    public static func record(_ manifest: Manifest, cacheDirectory: String) throws(HistoryStore.Failure) -> [String] {
        guard manifest.hasMetrics else { return [] }
        let store = try open(cacheDirectory: cacheDirectory)
        try store.record(manifest: manifest)
        var notes: [String] = []
        var seen = Set<String>()
        for c in try Regression.check(.run(manifest.id), baseline: .last, store: store) {
            guard c.baseline == nil, let follows = c.follows, seen.insert(c.node).inserted else { continue }
            notes.append(
                "\(c.node) starts a new history series (\(follows.differences.joined(separator: ", "))): its metrics "
                    + "are compared only with runs of the same request")
        }
        return notes
    }

    /// Sets the database aside (renamed, never deleted) and records every run's manifest again.
    public static func rebuild(cacheDirectory: String, runsDirectory: String) throws(HistoryStore.Failure) -> (
        runs: Int, setAside: String?
    ) {
        let store = RunStore(directory: runsDirectory)
        let r = try HistoryStore.rebuild(
            path: path(cacheDirectory: cacheDirectory), manifests: store.ids.map(store.manifestPath))
        return (r.runs, r.setAside)
    }
}

extension ReportPage {
    /// The latency percentiles of the newest run that has LoadGen performance tests, in scenario order.
    public static func latestPercentiles(runsDirectory: String, cache: CacheStore) -> [Percentiles] {
        let runs = RunStore(directory: runsDirectory)
        var found: [Percentiles] = []
        for id in runs.ids.reversed() {
            guard let manifest = try? runs.manifest(id) else { continue }
            for n in manifest.nodes {
                guard let entry = n.entry, let outputs = n.result?.outputs(outDir: cache.outPath(entry)),
                    outputs["mode"]?.stringValue == "PerformanceOnly",
                    let logs = outputs["logs"]?.stringValue, let scenario = outputs["scenario"]?.stringValue,
                    let p = percentiles(summary: logs + "/mlperf_log_summary.txt", scenario: scenario, node: n.id)
                else { continue }
                found.append(p)
            }
            if !found.isEmpty { break }
        }
        let order = ["SingleStream", "MultiStream", "Server", "Offline"]
        return found.sorted {
            (order.firstIndex(of: $0.scenario) ?? 9, $0.node) < (order.firstIndex(of: $1.scenario) ?? 9, $1.node)
        }
    }
}
