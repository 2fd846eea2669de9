import Recipes

/// The manifest's JSON: written with the canonical writer (sorted keys), read back field by field. A field that
/// is missing or of the wrong type is a `Manifest.Problem` naming it; fields this repro does not know are ignored.
extension Manifest {
    /// What is wrong with a manifest's JSON.
    public struct Problem: Error, Sendable, CustomStringConvertible {
        public let description: String
        public init(_ description: String) { self.description = description }
    }

    public var json: Value {
        var m: [String: Value] = [
            "format": .int(format), "id": .string(id), "command": .list(command.map { .string($0) }),
            "status": .string(status.rawValue), "started": .string(started), "finished": .string(finished),
            "seconds": .double(seconds), "repro_version": .string(repro.version), "host": .map(host.fields),
            "cache": .string(cache), "request": request.json,
            "recipes": .map(recipes.mapValues(\.json)), "roots": .list(roots.map { .string($0) }),
            "nodes": .list(nodes.map(\.json)), "counts": .map(counts.mapValues { .int($0) }),
            "warnings": .list(warnings.map { .string($0) }),
        ]
        if let commit = repro.commit { m["repro_commit"] = .string(commit) }
        if let dirty = repro.dirty { m["repro_dirty"] = .bool(dirty) }
        return .map(m)
    }

    public init(json: Value) throws(Problem) {
        let m = try Fields(json, "the manifest")
        format = try m.int("format")
        id = try m.string("id")
        command = try m.strings("command")
        let statusText = try m.string("status")
        guard let status = RunSummary.Status(rawValue: statusText) else {
            throw Problem("the manifest's 'status' is '\(statusText)', not succeeded, failed or cancelled")
        }
        self.status = status
        started = try m.string("started")
        finished = m.optionalString("finished") ?? started
        seconds = m.value["seconds"]?.doubleValue ?? 0
        repro = ReproBuild(
            version: m.optionalString("repro_version") ?? "?", commit: m.optionalString("repro_commit"),
            dirty: m.value["repro_dirty"]?.boolValue)
        host = HostRecord(fields: m.value["host"]?.mapValue ?? [:])
        cache = m.optionalString("cache") ?? ""
        request = try Request(json: try m.required("request"))
        var recipes: [String: RecipeRecord] = [:]
        for (name, r) in m.value["recipes"]?.mapValue ?? [:] {
            recipes[name] = try RecipeRecord(json: r, name: name)
        }
        self.recipes = recipes
        roots = m.value["roots"]?.listValue?.compactMap(\.stringValue) ?? []
        var nodes: [Node] = []
        for (i, n) in (m.value["nodes"]?.listValue ?? []).enumerated() { nodes.append(try Node(json: n, index: i)) }
        self.nodes = nodes
        counts = (m.value["counts"]?.mapValue ?? [:]).compactMapValues(\.intValue)
        warnings = m.value["warnings"]?.listValue?.compactMap(\.stringValue) ?? []
    }
}

extension Manifest.Request {
    var json: Value {
        .map([
            "requests": .list(
                requests.map {
                    .map([
                        "selection": .string($0.selection), "inputs": .map($0.inputs),
                        "overrides": .map($0.overrides.mapValues { .map($0) }),
                    ])
                }),
            "no_cache": .bool(noCache), "fresh": .list(fresh.map { .string($0) }),
            "reuse_measured": .bool(reuseMeasured), "cpus": .int(cpus), "runner": .string(runner.rawValue),
            "repeat": repeatMeasured.map { .int($0) } ?? .null,
        ])
    }

    init(json: Value) throws(Manifest.Problem) {
        let m = try Fields(json, "the manifest's 'request'")
        var items: [Item] = []
        for r in m.value["requests"]?.listValue ?? [] {
            let item = try Fields(r, "a request")
            items.append(
                Item(
                    selection: try item.string("selection"), inputs: item.value["inputs"]?.mapValue ?? [:],
                    overrides: (item.value["overrides"]?.mapValue ?? [:]).mapValues { $0.mapValue ?? [:] }))
        }
        let runnerText = m.optionalString("runner") ?? "local"
        guard let runner = RunnerKind(rawValue: runnerText) else {
            throw Manifest.Problem("the manifest's request names the runner '\(runnerText)', which this repro lacks")
        }
        self.init(
            requests: items, noCache: m.value["no_cache"]?.boolValue ?? false,
            fresh: m.value["fresh"]?.listValue?.compactMap(\.stringValue) ?? [],
            reuseMeasured: m.value["reuse_measured"]?.boolValue ?? false, cpus: m.value["cpus"]?.intValue ?? 1,
            runner: runner, repeatMeasured: m.value["repeat"]?.intValue)
    }
}

extension Manifest.RecipeRecord {
    var json: Value {
        var m: [String: Value] = ["sha256": .string(sha256), "file": .string(file), "text": .string(text)]
        if let assetsSHA256 { m["assets_sha256"] = .string(assetsSHA256) }
        return .map(m)
    }

    init(json: Value, name: String) throws(Manifest.Problem) {
        let m = try Fields(json, "recipe '\(name)'")
        self.init(
            sha256: try m.string("sha256"), file: m.optionalString("file") ?? "", text: try m.string("text"),
            assetsSHA256: m.optionalString("assets_sha256"))
    }
}

extension Manifest.Node {
    public var json: Value {
        var m: [String: Value] = [
            "id": .string(id), "recipe": .string(recipe), "identity": .string(identity),
            "policy": .string(policy.rawValue), "status": .string(status.rawValue),
            "variations": .list(variations.map { .string($0) }), "inputs": .map(inputs),
            "needs": .map(needs.mapValues { .list($0.map { .string($0) }) }), "runner": .string(runner.rawValue),
        ]
        if let key { m["key"] = .string(key) }
        if let entry { m["entry"] = .string(entry) }
        if let r = result {
            m["outputs"] = .map(r.outputs)
            m["metrics"] = .map(r.metrics)
            if !r.metricSpecs.isEmpty { m["metric_specs"] = .map(r.metricSpecs.mapValues(\.json)) }
            m["outputs_sha256"] = .string(r.outputsSHA256)
            m["files"] = .list(
                r.files.map { f in
                    var fm: [String: Value] = [
                        "path": .string(f.path), "sha256": .string(f.sha256), "size": .int(f.size),
                    ]
                    if f.executable { fm["executable"] = .bool(true) }
                    if let t = f.linkTarget { fm["link"] = .string(t) }
                    return .map(fm)
                })
            m["built"] = .string(r.built)
            m["build_seconds"] = .double(r.buildSeconds)
            if !r.execution.isEmpty { m["execution"] = .map(r.execution) }
            if !r.spread.isEmpty { m["spread"] = .map(r.spread.mapValues(\.json)) }
        }
        if let started { m["started"] = .string(started) }
        if let seconds { m["seconds"] = .double(seconds) }
        if let f = failure {
            var fm: [String: Value] = [
                "reason": .string(f.reason), "stderr_tail": .list(f.stderrTail.map { .string($0) }),
            ]
            if let c = f.exitCode { fm["exit_code"] = .int(c) }
            if let s = f.signal { fm["signal"] = .int(s) }
            if f.timedOut { fm["timed_out"] = .bool(true) }
            if !f.execution.isEmpty { fm["execution"] = .map(f.execution) }
            m["failure"] = .map(fm)
        }
        if let note { m["note"] = .string(note) }
        if let job { m["job"] = .string(job) }
        return .map(m)
    }

    init(json: Value, index: Int) throws(Manifest.Problem) {
        let m = try Fields(json, "node \(index + 1)")
        id = try m.string("id")
        let what = "node '\(id)'"
        recipe = try m.string("recipe")
        identity = m.optionalString("identity") ?? ""
        let policyText = m.optionalString("policy") ?? "reuse"
        guard let policy = CachePolicy(rawValue: policyText) else {
            throw Manifest.Problem("\(what) has the cache policy '\(policyText)', which this repro does not know")
        }
        self.policy = policy
        let statusText = try m.string("status")
        guard let status = Executor.Status(rawValue: statusText) else {
            throw Manifest.Problem("\(what) has the status '\(statusText)', which this repro does not know")
        }
        self.status = status
        variations = m.value["variations"]?.listValue?.compactMap(\.stringValue) ?? []
        inputs = m.value["inputs"]?.mapValue ?? [:]
        needs = (m.value["needs"]?.mapValue ?? [:]).mapValues { $0.listValue?.compactMap(\.stringValue) ?? [] }
        let runnerText = m.optionalString("runner") ?? "local"
        guard let runner = RunnerKind(rawValue: runnerText) else {
            throw Manifest.Problem("\(what) ran on the runner '\(runnerText)', which this repro lacks")
        }
        self.runner = runner
        key = m.optionalString("key")
        entry = m.optionalString("entry")
        if let outputs = m.value["outputs"]?.mapValue {
            var specs: [String: Manifest.MetricRecord] = [:]
            for (name, s) in m.value["metric_specs"]?.mapValue ?? [:] {
                specs[name] = try Manifest.MetricRecord(json: s, what: "\(what), metric '\(name)'")
            }
            var files: [Digests.FileRecord] = []
            for f in m.value["files"]?.listValue ?? [] {
                guard let path = f["path"]?.stringValue, let sha = f["sha256"]?.stringValue else {
                    throw Manifest.Problem("\(what) lists a file without 'path' or 'sha256'")
                }
                files.append(
                    Digests.FileRecord(
                        path: path, sha256: sha, size: f["size"]?.intValue ?? 0,
                        executable: f["executable"]?.boolValue ?? false, linkTarget: f["link"]?.stringValue))
            }
            result = Result(
                outputs: outputs, metrics: m.value["metrics"]?.mapValue ?? [:], metricSpecs: specs,
                outputsSHA256: m.optionalString("outputs_sha256") ?? "", files: files,
                built: m.optionalString("built") ?? "", buildSeconds: m.value["build_seconds"]?.doubleValue ?? 0,
                execution: m.value["execution"]?.mapValue ?? [:],
                spread: (m.value["spread"]?.mapValue ?? [:]).compactMapValues { MetricSpread(json: $0) })
        } else {
            result = nil
        }
        started = m.optionalString("started")
        seconds = m.value["seconds"]?.doubleValue
        if let f = m.value["failure"] {
            let fm = try Fields(f, "the failure of \(what)")
            failure = Failure(
                reason: fm.optionalString("reason") ?? "", stderrTail: try fm.strings("stderr_tail", default: []),
                exitCode: fm.value["exit_code"]?.intValue, signal: fm.value["signal"]?.intValue,
                timedOut: fm.value["timed_out"]?.boolValue ?? false, execution: fm.value["execution"]?.mapValue ?? [:])
        } else {
            failure = nil
        }
        note = m.optionalString("note")
        job = m.optionalString("job")
    }
}

extension Manifest.MetricRecord {
    var json: Value {
        .map([
            "better": .string(better.rawValue), "tolerance": .double(tolerance),
            "unit": unit.map { .string($0) } ?? .null,
        ])
    }

    init(json: Value, what: String) throws(Manifest.Problem) {
        let m = try Fields(json, what)
        let text = m.optionalString("better") ?? "equal"
        guard let better = MetricSpec.Direction(rawValue: text) else {
            throw Manifest.Problem("\(what) has 'better: \(text)', expected higher, lower or equal")
        }
        self.init(better: better, tolerance: m.value["tolerance"]?.doubleValue ?? 0, unit: m.optionalString("unit"))
    }
}

/// Reading one JSON object's fields with errors that name the object and the field.
struct Fields {
    let value: Value
    let what: String

    init(_ value: Value, _ what: String) throws(Manifest.Problem) {
        guard case .map = value else { throw Manifest.Problem("\(what) is not an object") }
        self.value = value
        self.what = what
    }

    func required(_ name: String) throws(Manifest.Problem) -> Value {
        guard let v = value[name], v != .null else { throw Manifest.Problem("\(what) has no '\(name)'") }
        return v
    }

    func string(_ name: String) throws(Manifest.Problem) -> String {
        let v = try required(name)
        guard let s = v.stringValue else { throw Manifest.Problem("\(what): '\(name)' is \(v.typeName), not a string") }
        return s
    }

    func int(_ name: String) throws(Manifest.Problem) -> Int {
        let v = try required(name)
        guard let i = v.intValue else { throw Manifest.Problem("\(what): '\(name)' is \(v.typeName), not a number") }
        return i
    }

    func strings(_ name: String, default fallback: [String]? = nil) throws(Manifest.Problem) -> [String] {
        guard let v = value[name], v != .null else {
            if let fallback { return fallback }
            throw Manifest.Problem("\(what) has no '\(name)'")
        }
        guard let list = v.listValue else { throw Manifest.Problem("\(what): '\(name)' is \(v.typeName), not a list") }
        return list.map(\.interpolated)
    }

    func optionalString(_ name: String) -> String? { value[name]?.stringValue }
}

/// Any Swift coder reads and writes the same fields as `manifest.json` (through `json` and `init(json:)`).
extension Manifest: Codable {
    public init(from decoder: any Decoder) throws {
        try self.init(json: try Value(from: decoder))
    }

    public func encode(to encoder: any Encoder) throws {
        try json.encode(to: encoder)
    }
}
