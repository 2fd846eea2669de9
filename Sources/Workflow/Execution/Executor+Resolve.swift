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
        let key = node.keyMaterial.key(dependencies: dependencies)
        results[index].key = key
        results[index].dependencyKeys = dependencies
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
        guard cache.hasEntry(entryKey) else { return nil }
        guard let meta = cache.meta(entryKey) else {
            events.emit(.warning("cache entry \(entryKey.prefix(12)) of '\(node.id)' is unreadable; building it again"))
            damaged.insert(node.index)
            return nil
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
        var needs: [String: Value] = [:]
        for edge in node.needs {
            if edge.isMatrix {
                var names: [String] = edge.nodes.isEmpty ? edge.declaredOutputs : []
                for d in edge.nodes { for k in results[d].outputs.keys where !names.contains(k) { names.append(k) } }
                var outputs: [String: Value] = [:]
                for name in names { outputs[name] = .list(edge.nodes.map { results[$0].outputs[name] ?? .null }) }
                needs[edge.name] = .map(["outputs": .map(outputs)])
            } else {
                needs[edge.name] = .map(["outputs": .map(results[edge.nodes[0]].outputs)])
            }
        }
        return .map(needs)
    }
}
