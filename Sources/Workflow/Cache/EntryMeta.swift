import Basics
import Recipes

/// What `meta.json` records about an entry: where it came from, its outputs and the digest of every file.
public struct EntryMeta: Sendable {
    public static let formatVersion = 1

    /// The entry's folder name: the node key for `reuse` entries, a digest of key and outputs otherwise.
    public var entryKey: String
    /// The node key the entry was built for.
    public var nodeKey: String
    public var recipe: String
    public var nodeID: String
    public var policy: CachePolicy
    public var inputs: [String: Value]
    public var variations: [String]
    /// Outputs with paths inside `out/` stored as `{"$out": "relative/path"}`.
    public var storedOutputs: [String: Value]
    public var metrics: [String: Value]
    public var files: [Digests.FileRecord]
    /// One digest over the outputs and every file: what dependants of volatile nodes are keyed by.
    public var outputsDigest: String
    public var created: Double
    public var duration: Double
    public var runner: String
    /// The machine that made it, parsed when asked (a cache hit does not need it).
    public var host: Value { (try? Value.parseJSON(bytes: hostJSON)) ?? .null }
    /// `host` as it is stored: JSON text.
    var hostJSON: [UInt8]
    /// The build of repro that made it.
    public var repro: ReproBuild
    /// Runner details (Slurm job id, host it ran on).
    public var execution: [String: Value]
    /// For a measured step run several times: each numeric metric's spread (its value in `metrics` is the median).
    public var spread: [String: MetricSpread] = [:]

    public var json: Value {
        .map([
            "format": .int(EntryMeta.formatVersion), "entry": .string(entryKey), "node_key": .string(nodeKey),
            "recipe": .string(recipe), "node": .string(nodeID), "policy": .string(policy.rawValue),
            "inputs": .map(inputs), "variations": .list(variations.map { .string($0) }),
            "outputs": .map(storedOutputs), "metrics": .map(metrics),
            "files": .list(
                files.map { f in
                    var m: [String: Value] = [
                        "path": .string(f.path), "sha256": .string(f.sha256), "size": .int(f.size),
                    ]
                    if f.executable { m["executable"] = .bool(true) }
                    if let t = f.linkTarget { m["link"] = .string(t) }
                    if let t = f.modified { m["mtime_ns"] = .int(Int(t)) }
                    return .map(m)
                }),
            "outputs_sha256": .string(outputsDigest), "created": .string(Clock.iso8601(created)),
            "created_epoch": .double(created), "duration_s": .double(duration), "runner": .string(runner),
            "host": host, "repro_version": .string(repro.version), "execution": .map(execution),
            "repro_commit": repro.commit.map { .string($0) } ?? .null,
            "repro_dirty": repro.dirty.map { .bool($0) } ?? .null,
            "spread": .map(spread.mapValues(\.json)),
        ])
    }

    /// Reads a `meta.json`; nil when it is not one (a corrupt entry is a miss, never a crash).
    ///
    /// Field by field from the bytes, without a `Value` tree of the whole file: a fully cached run reads one of
    /// these per node.
    public init?(jsonBytes: [UInt8]) {
        var m = Fields()
        do {
            try Value.readJSON(bytes: jsonBytes) { r throws(JSONParseError) in
                try r.members { r, key throws(JSONParseError) in try m.read(key, from: &r) }
            }
        } catch {
            return nil
        }
        guard m.format == EntryMeta.formatVersion, let entry = m.entry, let nodeKey = m.nodeKey,
            let recipe = m.recipe, let policy = m.policy, let outputs = m.outputs, let digest = m.outputsDigest,
            let files = m.files
        else { return nil }
        self.entryKey = entry
        self.nodeKey = nodeKey
        self.recipe = recipe
        self.nodeID = m.node ?? recipe
        self.policy = policy
        self.inputs = m.inputs
        self.variations = m.variations
        self.storedOutputs = outputs
        self.metrics = m.metrics
        self.files = files
        self.outputsDigest = digest
        self.created = m.created
        self.duration = m.duration
        self.runner = m.runner
        self.hostJSON = m.hostJSON
        self.repro = ReproBuild(version: m.reproVersion, commit: m.reproCommit, dirty: m.reproDirty)
        self.execution = m.execution
        self.spread = m.spread
    }

    /// The fields of a `meta.json` as they are read (the keys `json` writes).
    struct Fields {
        var format: Int?
        var entry, nodeKey, recipe, node, outputsDigest, reproCommit: String?
        var policy: CachePolicy?
        var inputs: [String: Value] = [:]
        var variations: [String] = []
        var outputs: [String: Value]?
        var metrics: [String: Value] = [:]
        var files: [Digests.FileRecord]?
        var created = 0.0
        var duration = 0.0
        var runner = "local"
        var hostJSON = Array("null".utf8)
        var reproVersion = "?"
        var reproDirty: Bool?
        var execution: [String: Value] = [:]
        var spread: [String: MetricSpread] = [:]

        mutating func read(_ key: String, from r: inout JSONReader) throws(JSONParseError) {
            switch key {
            case "format": format = try r.value().intValue
            case "entry": entry = try r.string()
            case "node_key": nodeKey = try r.string()
            case "recipe": recipe = try r.string()
            case "node": node = try r.string()
            case "policy": policy = try r.value().stringValue.flatMap(CachePolicy.init(rawValue:))
            case "inputs": inputs = try r.value().mapValue ?? [:]
            case "variations": variations = try r.value().listValue?.compactMap(\.stringValue) ?? []
            case "outputs": outputs = try r.value().mapValue
            case "metrics": metrics = try r.value().mapValue ?? [:]
            case "files": files = try Fields.files(&r)
            case "outputs_sha256": outputsDigest = try r.string()
            case "created_epoch": created = try r.value().doubleValue ?? 0
            case "duration_s": duration = try r.value().doubleValue ?? 0
            case "runner": runner = try r.value().stringValue ?? "local"
            case "host": hostJSON = try r.rawValue()
            case "repro_version": reproVersion = try r.value().stringValue ?? "?"
            case "repro_commit": reproCommit = try r.value().stringValue
            case "repro_dirty": reproDirty = try r.value().boolValue
            case "execution": execution = try r.value().mapValue ?? [:]
            case "spread": spread = (try r.value().mapValue ?? [:]).compactMapValues { MetricSpread(json: $0) }
            default: try r.skip()
            }
        }

        /// The file records; nil when one lacks its path or digest.
        static func files(_ r: inout JSONReader) throws(JSONParseError) -> [Digests.FileRecord]? {
            var records: [Digests.FileRecord] = []
            var complete = true
            try r.elements { r throws(JSONParseError) in
                var path: String?
                var sha: String?
                var size = 0
                var executable = false
                var link: String?
                var modified: Int64?
                try r.members { r, key throws(JSONParseError) in
                    switch key {
                    case "path": path = try r.string()
                    case "sha256": sha = try r.string()
                    case "size": size = try r.value().intValue ?? 0
                    case "executable": executable = try r.value().boolValue ?? false
                    case "link": link = try r.value().stringValue
                    case "mtime_ns": modified = try r.value().intValue.map { Int64($0) }
                    default: try r.skip()
                    }
                }
                guard let path, let sha else {
                    complete = false
                    return
                }
                records.append(
                    Digests.FileRecord(
                        path: path, sha256: sha, size: size, executable: executable, linkTarget: link,
                        modified: modified))
            }
            return complete ? records : nil
        }
    }

    public init(
        entryKey: String, nodeKey: String, recipe: String, nodeID: String, policy: CachePolicy,
        inputs: [String: Value], variations: [String], storedOutputs: [String: Value],
        metrics: [String: Value], files: [Digests.FileRecord], outputsDigest: String, created: Double,
        duration: Double, runner: String, host: Value, repro: ReproBuild, execution: [String: Value],
        spread: [String: MetricSpread] = [:]
    ) {
        self.entryKey = entryKey
        self.nodeKey = nodeKey
        self.recipe = recipe
        self.nodeID = nodeID
        self.policy = policy
        self.inputs = inputs
        self.variations = variations
        self.storedOutputs = storedOutputs
        self.metrics = metrics
        self.files = files
        self.outputsDigest = outputsDigest
        self.created = created
        self.duration = duration
        self.runner = runner
        self.hostJSON = host.canonicalJSONBytes
        self.repro = repro
        self.execution = execution
        self.spread = spread
    }

    /// Outputs with relocatable paths made absolute for an entry whose `out/` is at `outDir`.
    public func outputs(outDir: String) -> [String: Value] {
        storedOutputs.mapValues { OutputPaths.materialize($0, outDir: outDir) }
    }
}

/// Converts paths inside an entry's `out/` to and from the relocatable `{"$out": "rel"}` form, so an entry
/// stays valid when the cache moves or is mounted elsewhere.
public enum OutputPaths {
    public static func relocatable(_ value: Value, outDir: String) -> Value {
        switch value {
        case .string(let s):
            if s == outDir { return .map(["$out": .string("")]) }
            if s.hasPrefix(outDir + "/") { return .map(["$out": .string(String(s.dropFirst(outDir.count + 1)))]) }
            return value
        case .list(let items): return .list(items.map { relocatable($0, outDir: outDir) })
        case .map(let m): return .map(m.mapValues { relocatable($0, outDir: outDir) })
        default: return value
        }
    }

    public static func materialize(_ value: Value, outDir: String) -> Value {
        switch value {
        case .map(let m):
            if m.count == 1, let rel = m["$out"]?.stringValue {
                return .string(rel.isEmpty ? outDir : outDir + "/" + rel)
            }
            return .map(m.mapValues { materialize($0, outDir: outDir) })
        case .list(let items): return .list(items.map { materialize($0, outDir: outDir) })
        default: return value
        }
    }
}
