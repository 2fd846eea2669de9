import Recipes

/// One node on its own, as a batch job runs it (`repro exec-node`): its dependencies must already be in the
/// shared cache (the batch system started the job after theirs succeeded).
extension Executor {
    /// Resolves the node's ancestors from the cache, then reuses or builds the node itself.
    /// `runner` names where it ran in the records (e.g. `slurm`); the step itself runs on the local runner.
    public func runOne(_ index: Int, recordAs runner: String) -> NodeResult {
        var needed = Set<Int>()
        var stack = [index]
        while let i = stack.popLast() {
            for d in plan.nodes[i].dependencyIndices where needed.insert(d).inserted { stack.append(d) }
        }
        // Plan indices are in dependency order, so ancestors settle before their dependants.
        for a in needed.sorted() {
            let node = plan.nodes[a]
            guard node.enabled else {
                results[a].status = .skipped
                continue
            }
            var deps: [String: [String]] = [:]
            for edge in node.needs {
                deps[edge.name] = edge.nodes.map {
                    results[$0].status == .skipped ? "skipped" : results[$0].entryKey ?? "?"
                }
            }
            let image: ResolvedImage?
            do { image = try node.containerImage(needs: needsScope(node), resolver: images) } catch {
                results[index].status = .notRun
                results[index].note = "the image of its dependency '\(node.id)' cannot be found: \(error.reason)"
                return results[index]
            }
            let key = node.keyMaterial.key(dependencies: deps, imageDigest: image?.digest)
            let entry = node.policy == .reuse ? key : cache.ref(key)
            guard let entry, let meta = cache.meta(entry) else {
                results[index].status = .notRun
                results[index].note = "its dependency '\(node.id)' is not in the cache (key \(key.prefix(12)))"
                return results[index]
            }
            results[a].status = .hit
            results[a].key = key
            results[a].entryKey = entry
            results[a].meta = meta
            results[a].outputs = meta.outputs(outDir: cache.outPath(entry))
        }
        _ = resolve(index)
        guard results[index].status == .ready else { return results[index] }
        ready.removeAll()
        toSubmit.removeAll()
        let node = plan.nodes[index]
        let builder = NodeBuilder(
            node: node, key: results[index].key!, dependencyKeys: results[index].dependencyKeys,
            image: results[index].image, needs: needsScope(node), cache: cache, runner: runners["local"],
            runnerName: runner, actions: actions,
            replace: options.noCache || options.isFresh(node) || damaged.contains(index), events: events,
            log: folder.log(for: node.id),
            cancellation: cancellation, repro: repro, secrets: secrets)
        running.insert(index)
        finish(index, builder.build())
        return results[index]
    }
}
