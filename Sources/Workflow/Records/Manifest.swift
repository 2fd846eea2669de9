import Recipes

/// `runs/<id>/manifest.json`: the whole resolved DAG of one invocation, with keys, inputs, outputs and their
/// digests, cache hits, timings, the exact recipe texts, tool version and a description of the machine.
/// `repro show`, `repro why` and `repro reproduce` read it back.
public enum Manifest {
    public static let formatVersion = 1

    public struct Context: Sendable {
        public var runID: String
        public var command: [String]
        public var requests: [PlanRequest]
        public var options: RunOptions
        public var reproVersion: String
        public var started: Double
        public var finished: Double
        public var cacheRoot: String
        public var extra: [String: Value]

        public init(
            runID: String, command: [String], requests: [PlanRequest], options: RunOptions,
            reproVersion: String, started: Double, finished: Double, cacheRoot: String,
            extra: [String: Value] = [:]
        ) {
            self.runID = runID
            self.command = command
            self.requests = requests
            self.options = options
            self.reproVersion = reproVersion
            self.started = started
            self.finished = finished
            self.cacheRoot = cacheRoot
            self.extra = extra
        }
    }

    public static func build(
        plan: Plan, results: [Executor.NodeResult], status: RunSummary.Status,
        context: Context
    ) -> Value {
        var recipes: [String: Value] = [:]
        for r in plan.recipes {
            var entry: [String: Value] = [
                "sha256": .string(r.source.digest), "file": .string(r.source.displayFile),
                "text": .string(r.source.text),
            ]
            if let assets = plan.nodes.first(where: { $0.recipe.name == r.name })?.keyMaterial.fields["assets_sha256"] {
                entry["assets_sha256"] = assets
            }
            recipes[r.name] = .map(entry)
        }
        var nodes: [Value] = []
        nodes.reserveCapacity(plan.nodes.count)
        for node in plan.nodes {
            let result = results[node.index]
            var m: [String: Value] = [
                "id": .string(node.id), "recipe": .string(node.recipe.name), "identity": .string(node.identity),
                "policy": .string(node.policy.rawValue), "status": .string(result.status.rawValue),
                "variations": .list(node.instance.variations.map { .string($0) }), "inputs": .map(node.instance.inputs),
                "needs": .map(
                    Dictionary(
                        node.needs.map { edge in
                            (edge.name, Value.list(edge.nodes.map { .string(plan.nodes[$0].id) }))
                        }, uniquingKeysWith: { a, _ in a })),
                "runner": .string((node.runner ?? context.options.defaultRunner).rawValue),
            ]
            if let key = result.key { m["key"] = .string(key) }
            if let meta = result.meta {
                m["entry"] = .string(meta.entryKey)
                m["outputs"] = .map(meta.storedOutputs)
                m["metrics"] = .map(meta.metrics)
                // How each metric is judged over time (direction, unit, tolerance), for history and reproduction.
                var specs: [String: Value] = [:]
                for spec in node.recipe.metrics {
                    specs[spec.name] = .map([
                        "better": .string(spec.better.rawValue), "tolerance": .double(spec.tolerance),
                        "unit": spec.unit.map { .string($0) } ?? .null,
                    ])
                }
                if !specs.isEmpty { m["metric_specs"] = .map(specs) }
                m["outputs_sha256"] = .string(meta.outputsDigest)
                m["files"] = .list(
                    meta.files.map {
                        .map([
                            "path": .string($0.path), "sha256": .string($0.sha256),
                            "size": .int($0.size),
                        ])
                    })
                m["built"] = .string(Clock.iso8601(meta.created))
                m["build_seconds"] = .double(meta.duration)
                if !meta.execution.isEmpty { m["execution"] = .map(meta.execution) }
            }
            if let started = result.started {
                m["started"] = .string(Clock.iso8601(started))
                m["seconds"] = .double((result.seconds * 1000).rounded() / 1000)
            }
            if let f = result.failure {
                var fm: [String: Value] = [
                    "reason": .string(f.reason), "stderr_tail": .list(f.stderrTail.map { .string($0) }),
                ]
                if let c = f.exitCode { fm["exit_code"] = .int(Int(c)) }
                if let s = f.signal { fm["signal"] = .int(Int(s)) }
                if f.timedOut { fm["timed_out"] = .bool(true) }
                if !f.execution.isEmpty { fm["execution"] = .map(f.execution) }
                m["failure"] = .map(fm)
            }
            if let note = result.note { m["note"] = .string(note) }
            if let job = result.jobID { m["job"] = .string(job) }
            nodes.append(.map(m))
        }
        var counts: [String: Value] = [:]
        for r in results { counts[r.status.rawValue] = .int((counts[r.status.rawValue]?.intValue ?? 0) + 1) }
        var manifest: [String: Value] = [
            "format": .int(formatVersion), "repro_version": .string(context.reproVersion), "id": .string(context.runID),
            "command": .list(context.command.map { .string($0) }), "status": .string(status.rawValue),
            "started": .string(Clock.iso8601(context.started)), "finished": .string(Clock.iso8601(context.finished)),
            "seconds": .double(((context.finished - context.started) * 1000).rounded() / 1000),
            "host": HostInfo.description, "cache": .string(context.cacheRoot),
            "request": .map([
                "requests": .list(
                    context.requests.map { r in
                        .map([
                            "selection": .string(r.selection.description), "inputs": .map(r.inputs.mapValues(\.value)),
                            "overrides": .map(r.overrides.mapValues { .map($0.mapValues(\.value)) }),
                        ])
                    }),
                "no_cache": .bool(context.options.noCache), "fresh": .list(context.options.fresh.map { .string($0) }),
                "reuse_measured": .bool(context.options.reuseMeasured), "cpus": .int(context.options.cpus),
                "runner": .string(context.options.defaultRunner.rawValue),
            ]),
            "recipes": .map(recipes), "roots": .list(plan.roots.map { .string(plan.nodes[$0].id) }),
            "nodes": .list(nodes), "counts": .map(counts), "warnings": .list(plan.warnings.map { .string($0) }),
        ]
        for (k, v) in context.extra { manifest[k] = v }
        return .map(manifest)
    }

    /// Reads a manifest; a newer format than this repro knows is an error that says so.
    public static func read(_ path: String) throws(WorkflowError) -> Value {
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
        return value
    }
}
