import Recipes

/// How a run treats the cache and the machine.
public struct RunOptions: Sendable {
    /// Do not reuse any entry (results are still stored).
    public var noCache = false
    /// Node ids or recipe names to rebuild even when cached.
    public var fresh: [String] = []
    /// Reuse the newest measurement of measured nodes instead of measuring again.
    public var reuseMeasured = false
    /// CPUs the local executor may keep busy at once.
    public var cpus: Int = HostInfo.cpus
    /// The runner for nodes whose recipe does not name one.
    public var defaultRunner = RunnerKind.local
    /// `--repeat N`: run every measured step N times (the entry keeps the median, min and max of each metric).
    public var repeatMeasured: Int?
    /// Seconds between polls of a batch system's queue.
    public var pollInterval = 0.5

    public init() {}

    func isFresh(_ node: PlanNode) -> Bool {
        fresh.contains { $0 == node.id || $0 == node.recipe.name }
    }
}
