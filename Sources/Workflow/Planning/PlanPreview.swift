import Recipes

/// What a run would do, without running anything: each node's key where it is known already, and whether
/// the cache has it.
public struct PlanPreview: Sendable {
    public enum Status: String, Sendable, CaseIterable {
        case cached
        /// Not in the cache: it will be built.
        case build
        /// Runs every time (its recipe or action says so).
        case volatile
        /// A measurement: runs unless `--reuse-measured` and one exists.
        case measure
        /// Its key depends on a volatile or measured node's results, known only once that has run.
        case pending = "after-dependency"
        case skipped

        /// How a count of them reads in a summary (`3 cached, 2 to build`).
        public var phrase: String {
            switch self {
            case .build: "to build"
            case .pending: "after a dependency"
            default: rawValue
            }
        }
    }

    public var keys: [String?]
    public var statuses: [Status]

    /// - Complexity: O(N + E) with one `stat` per node whose key is known.
    public init(plan: Plan, cache: CacheStore, options: RunOptions) {
        keys = Array(repeating: nil, count: plan.nodes.count)
        statuses = Array(repeating: .build, count: plan.nodes.count)
        var entryKeys = [String?](repeating: nil, count: plan.nodes.count)
        for node in plan.nodes {
            let i = node.index
            guard node.enabled else {
                statuses[i] = .skipped
                entryKeys[i] = "skipped"
                continue
            }
            var deps: [String: [String]] = [:]
            var known = true
            for edge in node.needs {
                var list: [String] = []
                for d in edge.nodes {
                    guard let k = entryKeys[d] else {
                        known = false
                        break
                    }
                    list.append(k)
                }
                if !known { break }
                deps[edge.name] = list
            }
            guard known else {
                statuses[i] = .pending
                continue
            }
            let key = node.keyMaterial.key(dependencies: deps)
            keys[i] = key
            let fresh = options.noCache || options.isFresh(node)
            switch node.policy {
            case .reuse:
                entryKeys[i] = key
                statuses[i] = !fresh && cache.hasEntry(key) ? .cached : .build
            case .volatile:
                statuses[i] = .volatile
            case .measured:
                if options.reuseMeasured, !fresh, let ref = cache.ref(key), cache.hasEntry(ref) {
                    statuses[i] = .cached
                    entryKeys[i] = ref
                } else {
                    statuses[i] = .measure
                }
            }
        }
    }
}
