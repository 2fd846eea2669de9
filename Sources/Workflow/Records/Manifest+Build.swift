import Basics
import Recipes

/// Making a manifest from a finished run, and reading and writing `manifest.json`.
extension Manifest {
    /// What a manifest needs beyond the plan and the results.
    public struct Context: Sendable {
        public var runID: String
        public var command: [String]
        public var requests: [PlanRequest]
        public var options: RunOptions
        public var repro: ReproBuild
        public var started: Double
        public var finished: Double
        public var cacheRoot: String

        public init(
            runID: String, command: [String], requests: [PlanRequest], options: RunOptions, repro: ReproBuild,
            started: Double, finished: Double, cacheRoot: String
        ) {
            self.runID = runID
            self.command = command
            self.requests = requests
            self.options = options
            self.repro = repro
            self.started = started
            self.finished = finished
            self.cacheRoot = cacheRoot
        }
    }

    public init(
        plan: Plan, results: [Executor.NodeResult], status: RunSummary.Status, context: Context
    ) {
        var recipes: [String: RecipeRecord] = [:]
        for r in plan.recipes {
            let assets = plan.nodes.first(where: { $0.recipe.name == r.name })?.keyMaterial.fields["assets_sha256"]
            recipes[r.name] = RecipeRecord(
                sha256: r.source.digest, file: r.source.displayFile, text: r.source.text,
                assetsSHA256: assets?.stringValue)
        }
        var nodes: [Node] = []
        nodes.reserveCapacity(plan.nodes.count)
        var counts: [String: Int] = [:]
        for node in plan.nodes {
            let r = results[node.index]
            counts[r.status.rawValue, default: 0] += 1
            nodes.append(Node(node: node, result: r, plan: plan, defaultRunner: context.options.defaultRunner))
        }
        let o = context.options
        self.init(
            format: Manifest.formatVersion, id: context.runID, command: context.command, status: status,
            started: Clock.iso8601(context.started), finished: Clock.iso8601(context.finished),
            seconds: ((context.finished - context.started) * 1000).rounded() / 1000, repro: context.repro,
            host: HostRecord(fields: HostInfo.description.mapValue ?? [:]), cache: context.cacheRoot,
            request: Request(
                requests: context.requests.map {
                    .init(
                        selection: $0.selection.description, inputs: $0.inputs.mapValues(\.value),
                        overrides: $0.overrides.mapValues { $0.mapValues(\.value) })
                }, noCache: o.noCache, fresh: o.fresh, reuseMeasured: o.reuseMeasured, cpus: o.cpus,
                runner: o.defaultRunner, repeatMeasured: o.repeatMeasured),
            recipes: recipes, roots: plan.roots.map { plan.nodes[$0].id }, nodes: nodes, counts: counts,
            warnings: plan.warnings)
    }

    /// Reads a manifest; a newer format than this repro knows is an error that says so.
    public static func read(_ path: String) throws(WorkflowError) -> Manifest {
        let bytes: [UInt8]
        do { bytes = try FileSystemPath.readBytes(path) } catch { throw .manifest(path: path, problem: error.reason) }
        let value: Value
        do { value = try Value.parseJSON(bytes: bytes) } catch { throw .manifest(path: path, problem: "\(error)") }
        guard let format = value["format"]?.intValue else {
            throw .manifest(path: path, problem: "not a repro manifest (no 'format')")
        }
        guard format <= formatVersion else {
            throw .manifest(
                path: path,
                problem: "written by a newer repro (\(value["repro_version"]?.stringValue ?? "?"), "
                    + "manifest format \(format)); this repro reads format \(formatVersion) — update repro")
        }
        do { return try Manifest(json: value) } catch { throw .manifest(path: path, problem: error.description) }
    }

    /// Writes the manifest (atomically: a reader sees the old file or the new one).
    public func write(to path: String) throws(FileOps.Failure) {
        try FileOps.writeAtomically(json.prettyJSON(), to: path)
    }
}

extension Manifest.Node {
    init(node: PlanNode, result r: Executor.NodeResult, plan: Plan, defaultRunner: RunnerKind) {
        var needs: [String: [String]] = [:]
        for edge in node.needs { needs[edge.name] = edge.nodes.map { plan.nodes[$0].id } }
        var result: Result?
        if let meta = r.meta {
            var specs: [String: Manifest.MetricRecord] = [:]
            for spec in node.recipe.metrics {
                specs[spec.name] = Manifest.MetricRecord(
                    better: spec.better, tolerance: spec.tolerance, unit: spec.unit)
            }
            result = Result(
                outputs: meta.storedOutputs, metrics: meta.metrics, metricSpecs: specs,
                outputsSHA256: meta.outputsDigest, files: meta.files.map(\.withoutTime),
                built: Clock.iso8601(meta.created),
                buildSeconds: meta.duration, execution: meta.execution, spread: meta.spread)
        }
        var failure: Failure?
        if let f = r.failure {
            failure = Failure(
                reason: f.reason, stderrTail: f.stderrTail, exitCode: f.exitCode.map { Int($0) },
                signal: f.signal.map { Int($0) }, timedOut: f.timedOut, execution: f.execution)
        }
        self.init(
            id: node.id, recipe: node.recipe.name, identity: node.identity, policy: node.policy, status: r.status,
            variations: node.instance.variations, inputs: node.instance.inputs, needs: needs,
            runner: node.runner ?? defaultRunner, key: r.key, entry: r.meta?.entryKey, result: result,
            started: r.started.map { Clock.iso8601($0) },
            seconds: r.started == nil ? nil : (r.seconds * 1000).rounded() / 1000, failure: failure, note: r.note,
            job: r.jobID)
    }
}

extension Digests.FileRecord {
    /// The record without its modification time: a fact of one cache, not of the result.
    var withoutTime: Digests.FileRecord {
        var copy = self
        copy.modified = nil
        return copy
    }
}
