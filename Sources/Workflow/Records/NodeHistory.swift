import Recipes

/// A node across the runs that planned it, newest first, with why it was reused or built each time and what in
/// its key changed when it got a new one (`repro why`). It looks beyond one run: the node need not be in the
/// last run, and the key it is compared with is the one of the run before that held another.
public struct NodeHistory: Sendable {
    /// One run in which the node was planned.
    public struct Appearance: Sendable {
        public var run: String
        public var started: String
        public var node: Manifest.Node
        /// Why it was reused, built or not run, in words.
        public var reason: String
        /// When its key differs from the one of the run before that planned it: what changed (empty when a key
        /// file is no longer in the cache).
        public var changes: [String]
        /// The run whose key it was compared with, and whether both key files were found.
        public var comparedWith: String?
        public var keyFilesMissing: Bool
    }

    public var id: String
    public var appearances: [Appearance]

    /// The node named `name` (a node id, or a recipe with one node in a run) in up to `limit` runs, newest first,
    /// starting at the run `from` (default: the newest). Runs that cannot be read are skipped.
    public static func find(
        _ name: String, runs: RunStore, cache: CacheStore, from: String? = nil, limit: Int = 10
    ) throws(WorkflowError) -> NodeHistory {
        var ids = runs.ids
        if let from {
            let start = try runs.resolve(from)
            ids = Array(ids.prefix { $0 != start }) + [start]
        }
        var found: [(run: String, manifest: Manifest, node: Manifest.Node)] = []
        var id: String?
        var candidates: Set<String> = []
        for run in ids.reversed() {
            guard found.count < limit + 1, let manifest = try? runs.manifest(run) else { continue }
            let node: Manifest.Node?
            if let id {
                node = manifest.node(id)
            } else {
                let exact = manifest.nodes.filter { $0.id == name }
                let byRecipe = manifest.nodes.filter { $0.recipe == name }
                if exact.count == 1 {
                    node = exact[0]
                } else if byRecipe.count == 1 {
                    node = byRecipe[0]
                } else if byRecipe.count > 1 {
                    throw .ambiguousNode(name, run: run, candidates: byRecipe.map(\.id))
                } else {
                    candidates.formUnion(manifest.nodes.map(\.id))
                    node = nil
                }
                id = node?.id
            }
            if let node { found.append((run, manifest, node)) }
        }
        guard let id else { throw .noSuchNode(name, candidates: candidates.sorted()) }
        var appearances: [Appearance] = []
        for (i, f) in found.enumerated() where i < limit {
            var a = Appearance(
                run: f.run, started: f.manifest.started, node: f.node, reason: reason(f.node, f.manifest),
                changes: [], comparedWith: nil, keyFilesMissing: false)
            // Where the key changed from the run before, say what changed.
            if i + 1 < found.count, let key = f.node.key, let entry = f.node.entry ?? f.node.key,
                let olderKey = found[i + 1].node.key, olderKey != key
            {
                let older = found[i + 1]
                let olderEntry = older.node.entry ?? olderKey
                a.comparedWith = older.run
                if let new = keyComponents(cache, entry), let old = keyComponents(cache, olderEntry) {
                    a.changes = KeyChanges.explain(old: old, new: new)
                } else {
                    a.keyFilesMissing = true
                }
            }
            appearances.append(a)
        }
        return NodeHistory(id: id, appearances: appearances)
    }

    /// Why a node of a run was reused or built.
    public static func reason(_ node: Manifest.Node, _ manifest: Manifest) -> String {
        switch node.status {
        case .hit: return "reused from the cache"
        case .built:
            if node.policy == .volatile { return "built: it is volatile and runs every time" }
            if node.policy == .measured { return "built: a measurement runs every time unless --reuse-measured" }
            if manifest.request.noCache { return "built: the run used --no-cache" }
            if manifest.request.fresh.contains(where: { $0 == node.id || $0 == node.recipe }) {
                return "built: the run asked for it with --fresh"
            }
            return "built: the cache had no entry with its key"
        case .failed: return "failed: " + (node.failure?.reason ?? "")
        case .notRun: return "not run: " + (node.note ?? "")
        case .skipped: return "skipped (its 'if:' was false)"
        default: return node.status.rawValue
        }
    }

    /// The key fields an entry was made from (`key.json`), if the entry is still in the cache.
    public static func keyComponents(_ cache: CacheStore, _ entry: String) -> Value? {
        guard let bytes = try? FileSystemPath.readBytes(cache.entryPath(entry) + "/key.json") else { return nil }
        return try? Value.parseJSON(bytes: bytes)
    }
}
