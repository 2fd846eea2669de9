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
        /// A container step whose image cannot be found now (see `notes`).
        case noImage = "image-missing"
        case skipped

        /// How a count of them reads in a summary (`3 cached, 2 to build`).
        public var phrase: String {
            switch self {
            case .build: "to build"
            case .pending: "after a dependency"
            case .noImage: "without their image"
            default: rawValue
            }
        }
    }

    public var keys: [String?]
    public var statuses: [Status]
    /// Why a node's status is what it is, where words help (a missing image).
    public var notes: [Int: String] = [:]

    /// - Complexity: O(N + E) with one `stat` per node whose key is known.
    public init(plan: Plan, cache: CacheStore, options: RunOptions, images: (any ImageResolver)? = nil) {
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
            var imageDigest: String?
            if node.recipe.container != nil {
                // The image may be a dependency's output: known when that dependency is in the cache.
                guard let needs = PlanPreview.needsScope(node, entryKeys: entryKeys, cache: cache) else {
                    statuses[i] = .pending
                    continue
                }
                do { imageDigest = try node.containerImage(needs: needs, resolver: images)?.digest } catch {
                    statuses[i] = .noImage
                    notes[i] = error.reason
                    continue
                }
            }
            let key = node.keyMaterial.key(dependencies: deps, imageDigest: imageDigest)
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

    /// The `needs` root of a node from its dependencies' cache entries; nil when one is not in the cache.
    static func needsScope(_ node: PlanNode, entryKeys: [String?], cache: CacheStore) -> Value? {
        node.needsValue { d in
            guard let key = entryKeys[d], let meta = cache.meta(key) else { return nil }
            return meta.outputs(outDir: cache.outPath(key))
        }
    }
}
