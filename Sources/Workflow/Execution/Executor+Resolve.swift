import Recipes

/// Deciding each node once its dependencies have settled: skip, not run, cache hit, or ready to run.
extension Executor {
    /// Settles the node if it can be settled without running it; returns it then (for propagation).
    func resolve(_ index: Int) -> [Int] {
        let node = plan.nodes[index]
        guard node.enabled else {
            results[index].status = .skipped
            events.emit(.skipped(node: node.id))
            return [index]
        }
        var dependencies: [String: [String]] = [:]
        for edge in node.needs {
            var keys: [String] = []
            for d in edge.nodes {
                switch results[d].status {
                case .failed, .notRun:
                    let reason = "'\(plan.nodes[d].id)' " + (results[d].status == .failed ? "failed" : "did not run")
                    results[index].status = .notRun
                    results[index].note = reason
                    events.emit(.notRun(node: node.id, reason: reason))
                    return [index]
                case .skipped: keys.append("skipped")
                default: keys.append(results[d].entryKey ?? "?")
                }
            }
            dependencies[edge.name] = keys
        }
        results[index].dependencyKeys = dependencies
        if node.recipe.container != nil {
            do { results[index].image = try node.containerImage(needs: needsScope(node), resolver: images) } catch {
                results[index].status = .failed
                results[index].failure = error
                events.emit(.failed(node: node.id, failure: error))
                return [index]
            }
        }
        let key = node.keyMaterial.key(dependencies: dependencies, imageDigest: results[index].image?.digest)
        results[index].key = key
        if cancellation.isCancelled {
            results[index].status = .notRun
            results[index].note = "the run was stopped"
            events.emit(.notRun(node: node.id, reason: "the run was stopped"))
            return [index]
        }
        if let meta = reusableEntry(node, key: key) {
            results[index].status = .hit
            results[index].meta = meta
            results[index].entryKey = meta.entryKey
            results[index].outputs = meta.outputs(outDir: cache.outPath(meta.entryKey))
            events.emit(.hit(node: node.id, key: meta.entryKey))
            return [index]
        }
        results[index].status = .ready
        if isBatch(index) { toSubmit.append(index) } else { ready.append(index) }
        return []
    }

    /// The entry this node may reuse under its policy and the run's options, if the cache has it.
    /// A corrupt entry is a miss with a warning.
    func reusableEntry(_ node: PlanNode, key: String) -> EntryMeta? {
        if options.noCache || options.isFresh(node) { return nil }
        let entryKey: String
        switch node.policy {
        case .reuse: entryKey = key
        case .measured:
            guard options.reuseMeasured, let ref = cache.ref(key) else { return nil }
            entryKey = ref
        case .volatile: return nil
        }
        let meta: EntryMeta
        switch cache.lookup(entryKey) {
        case .missing: return nil
        case .unreadable:
            events.emit(.warning("cache entry \(entryKey.prefix(12)) of '\(node.id)' is unreadable; building it again"))
            damaged.insert(node.index)
            return nil
        case .entry(let found): meta = found
        }
        if let change = cache.changeSinceRecorded(meta) {
            events.emit(
                .warning(
                    "cache entry \(entryKey.prefix(12)) of '\(node.id)' was changed after it was made: \(change); "
                        + "building it again"))
            damaged.insert(node.index)
            return nil
        }
        return meta
    }

    /// The `needs` root of a node's run-time scope: each need's outputs; lists, in order, for a matrix.
    func needsScope(_ node: PlanNode) -> Value {
        node.needsValue { results[$0].outputs } ?? .map([:])
    }
}
