import Recipes
import Workflow

/// `runs/<id>/request.json`: everything needed to plan the same DAG again elsewhere — the requests, the run
/// options, the recipe search path and cache, and the `host` value the keys were computed with. A Slurm job
/// (`repro exec-node`) plans from it, so its keys are the submitter's.
public struct RequestRecord: Sendable {
    public var requests: [PlanRequest]
    public var options: RunOptions
    public var recipeDirectories: [String]
    public var recipeOrigins: [String: SearchFolder.Origin]
    public var cacheDirectory: String
    public var runsDirectory: String
    public var host: Value

    public var json: Value {
        .map([
            "requests": .list(
                requests.map { r in
                    .map([
                        "selection": .string(r.selection.description),
                        "inputs": RequestRecord.encode(r.inputs),
                        "overrides": .map(r.overrides.mapValues(RequestRecord.encode)),
                    ])
                }),
            "options": .map([
                "no_cache": .bool(options.noCache), "fresh": .list(options.fresh.map { .string($0) }),
                "reuse_measured": .bool(options.reuseMeasured), "cpus": .int(options.cpus),
                "repeat": options.repeatMeasured.map { .int($0) } ?? .null,
                "runner": .string(options.defaultRunner.rawValue),
            ]),
            "recipes": .list(recipeDirectories.map { .string($0) }), "cache": .string(cacheDirectory),
            "recipe_origins": .map(
                recipeOrigins.mapValues { o in
                    switch o {
                    case .own: "own"
                    case .shipped: "shipped"
                    case .pulled(let name): .string("pulled:" + name)
                    }
                }),
            "runs": .string(runsDirectory), "host": host,
        ])
    }

    public init(requests: [PlanRequest], options: RunOptions, workspace: Workspace, host: Value) {
        self.requests = requests
        self.options = options
        self.recipeDirectories = workspace.recipeDirectories
        self.recipeOrigins = workspace.recipeOrigins
        self.cacheDirectory = workspace.cacheDirectory
        self.runsDirectory = workspace.runsDirectory
        self.host = host
    }

    public init?(json: Value) {
        guard let list = json["requests"]?.listValue, let cache = json["cache"]?.stringValue,
            let runs = json["runs"]?.stringValue
        else { return nil }
        requests = list.map { r in
            PlanRequest(
                selection: Selection(parsing: r["selection"]?.stringValue ?? ""),
                inputs: RequestRecord.decode(r["inputs"]),
                overrides: (r["overrides"]?.mapValue ?? [:]).mapValues(RequestRecord.decode))
        }
        var o = RunOptions()
        let m = json["options"]
        o.noCache = m?["no_cache"]?.boolValue ?? false
        o.fresh = m?["fresh"]?.listValue?.compactMap(\.stringValue) ?? []
        o.reuseMeasured = m?["reuse_measured"]?.boolValue ?? false
        o.repeatMeasured = m?["repeat"]?.intValue
        o.cpus = m?["cpus"]?.intValue ?? HostInfo.cpus
        o.defaultRunner = m?["runner"]?.stringValue.flatMap(RunnerKind.init(rawValue:)) ?? .local
        options = o
        recipeDirectories = json["recipes"]?.listValue?.compactMap(\.stringValue) ?? []
        recipeOrigins = (json["recipe_origins"]?.mapValue ?? [:]).compactMapValues { v in
            guard let s = v.stringValue else { return nil }
            if s == "shipped" { return .shipped }
            return s.hasPrefix("pulled:") ? .pulled(String(s.dropFirst(7))) : .own
        }
        cacheDirectory = cache
        runsDirectory = runs
        host = json["host"] ?? .map([:])
    }

    static func encode(_ inputs: [String: ProvidedInput]) -> Value {
        .map(
            inputs.mapValues { i in
                .map(["value": i.value, "key": i.keyValue, "base": i.baseDirectory.map { .string($0) } ?? .null])
            })
    }

    static func decode(_ inputs: Value?) -> [String: ProvidedInput] {
        (inputs?.mapValue ?? [:]).mapValues { i in
            ProvidedInput(
                value: i["value"] ?? .null, keyValue: i["key"], location: nil, baseDirectory: i["base"]?.stringValue)
        }
    }

    public static func path(_ folder: RunFolder) -> String { folder.path + "/request.json" }

    public static func read(_ folder: RunFolder) -> RequestRecord? {
        guard let bytes = try? FileSystemPath.readBytes(path(folder)), let v = try? Value.parseJSON(bytes: bytes)
        else { return nil }
        return RequestRecord(json: v)
    }

    /// What makes two records the same request (for adopting the jobs of an interrupted run).
    public var fingerprint: String {
        var j = json
        if case .map(var m) = j {
            m["host"] = nil
            j = .map(m)
        }
        return Digests.text(j.canonicalJSON)
    }
}
