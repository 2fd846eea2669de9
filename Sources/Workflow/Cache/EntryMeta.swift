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
    public var host: Value
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
    public init?(json: Value) {
        guard case .map(let m) = json, m["format"]?.intValue == EntryMeta.formatVersion,
            let entry = m["entry"]?.stringValue, let nodeKey = m["node_key"]?.stringValue,
            let recipe = m["recipe"]?.stringValue, let policy = CachePolicy(rawValue: m["policy"]?.stringValue ?? ""),
            let outputs = m["outputs"]?.mapValue, let digest = m["outputs_sha256"]?.stringValue,
            let files = m["files"]?.listValue
        else { return nil }
        self.entryKey = entry
        self.nodeKey = nodeKey
        self.recipe = recipe
        self.nodeID = m["node"]?.stringValue ?? recipe
        self.policy = policy
        self.inputs = m["inputs"]?.mapValue ?? [:]
        self.variations = m["variations"]?.listValue?.compactMap(\.stringValue) ?? []
        self.storedOutputs = outputs
        self.metrics = m["metrics"]?.mapValue ?? [:]
        var records: [Digests.FileRecord] = []
        for f in files {
            guard let path = f["path"]?.stringValue, let sha = f["sha256"]?.stringValue else { return nil }
            records.append(
                Digests.FileRecord(
                    path: path, sha256: sha, size: f["size"]?.intValue ?? 0,
                    executable: f["executable"]?.boolValue ?? false,
                    linkTarget: f["link"]?.stringValue, modified: f["mtime_ns"]?.intValue.map { Int64($0) }))
        }
        self.files = records
        self.outputsDigest = digest
        self.created = m["created_epoch"]?.doubleValue ?? 0
        self.duration = m["duration_s"]?.doubleValue ?? 0
        self.runner = m["runner"]?.stringValue ?? "local"
        self.host = m["host"] ?? .null
        self.repro = ReproBuild(
            version: m["repro_version"]?.stringValue ?? "?", commit: m["repro_commit"]?.stringValue,
            dirty: m["repro_dirty"]?.boolValue)
        self.execution = m["execution"]?.mapValue ?? [:]
        self.spread = (m["spread"]?.mapValue ?? [:]).compactMapValues { MetricSpread(json: $0) }
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
        self.host = host
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
