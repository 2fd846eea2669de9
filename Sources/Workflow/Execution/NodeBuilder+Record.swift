import Recipes

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// After a step succeeded: evaluate outputs and metrics, hash every file, write `meta.json` and `key.json`,
/// and move the staging folder into the cache.
extension NodeBuilder {
    /// The step's outputs and metrics, evaluated from what it reported in `staging`.
    func evaluate(staging: CacheStore.Staging, runOutputs: [String: Value]) throws(StepFailure) -> (
        outputs: [String: Value], metrics: [String: Value]
    ) {
        var outputs: [String: Value]
        var metrics: [String: Value] = [:]
        do {
            var scope = runtimeScope(staging: staging, env: nil)
            scope.roots["run"] = .map(["outputs": .map(runOutputs)])
            scope.latePrefixes = [["env"]]
            if node.recipe.outputs.isEmpty {
                outputs = runOutputs
            } else {
                outputs = [:]
                for o in node.recipe.outputs {
                    outputs[o.name] = try o.value.evaluate(in: scope, late: .error(field: "'outputs'"))
                }
            }
            if outputs["dir"] == nil { outputs["dir"] = .string(staging.outDir) }
            scope.roots["outputs"] = .map(outputs)
            for m in node.recipe.metrics {
                metrics[m.name] = try m.value.evaluate(in: scope, late: .error(field: "'metrics'"))
            }
        } catch {
            throw StepFailure(reason: "the step ran, but its outputs cannot be evaluated: \(error)")
        }
        return (outputs, metrics)
    }

    /// Stores the entry: the outputs of the first run, and the metrics (with their spread when it ran several times).
    func record(
        staging: CacheStore.Staging, outputs: [String: Value], metrics: [String: Value],
        spread: [String: MetricSpread], execution: [String: Value], started: Double, seconds: Double
    ) throws(StepFailure) -> (EntryMeta, [String: Value]) {
        let stored = outputs.mapValues { OutputPaths.relocatable($0, outDir: staging.outDir) }
        let files: [Digests.FileRecord]
        do {
            files = try Digests.tree(staging.outDir)
        } catch {
            throw StepFailure(reason: "\(error)")
        }
        let outputsDigest = Digests.text(Value.map(stored).canonicalJSON + "\n" + Digests.treeDigest(files))
        let entryKey = node.policy == .reuse ? key : Digests.text(key + "\n" + outputsDigest)
        let meta = EntryMeta(
            entryKey: entryKey, nodeKey: key, recipe: node.recipe.name, nodeID: node.id, policy: node.policy,
            inputs: node.instance.inputs, variations: node.instance.variations, storedOutputs: stored,
            metrics: metrics, files: files, outputsDigest: outputsDigest, created: started, duration: seconds,
            runner: runnerName, host: HostInfo.description, repro: repro, execution: execution, spread: spread)
        do {
            for path in [log.stdoutPath, log.stderrPath] where FileSystemPath.exists(path) {
                try FileOps.copyFile(path, to: staging.logDir + "/" + FileSystemPath.lastComponent(path))
            }
            let components = node.keyMaterial.components(dependencies: dependencyKeys, imageDigest: image?.digest)
            try FileOps.write(components.prettyJSON(), to: staging.path + "/key.json")
            unlink(staging.path + "/outputs.env")
            // meta.json last: an entry counts as present only once it is there.
            try FileOps.write(meta.json.prettyJSON(), to: staging.path + "/meta.json")
            cache.seal(staging)
            try cache.commit(staging, entryKey: entryKey, replace: replace && node.policy == .reuse)
            if node.policy != .reuse { try cache.setRef(key, to: entryKey) }
        } catch {
            throw StepFailure(reason: "cannot store the result in the cache: \(error)")
        }
        return (meta, meta.outputs(outDir: cache.outPath(entryKey)))
    }
}
