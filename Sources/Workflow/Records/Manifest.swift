import Basics
import Recipes

/// `runs/<id>/manifest.json`: the whole resolved DAG of one invocation, with keys, inputs, outputs and their
/// digests, cache hits, timings, the exact recipe texts, the build of repro that ran it and a description of the
/// machine. `repro show`, `repro why`, `repro reproduce`, the history and the report read it back as this type.
///
/// The JSON is written and read by hand (`Manifest+JSON.swift`) over `Value`, the fast canonical writer keys
/// already use, so a 1,000-node run pays no `JSONEncoder`; `Codable` goes through the same mapping, so any Swift
/// reader gets the same fields.
public struct Manifest: Sendable, Equatable {
    /// Bump when a field changes meaning or disappears; added fields keep the format.
    public static let formatVersion = 1

    public var format: Int
    /// The run id (`runs/<id>/`).
    public var id: String
    public var command: [String]
    public var status: RunSummary.Status
    /// ISO 8601 times, and the run's length in seconds.
    public var started: String
    public var finished: String
    public var seconds: Double
    /// The build of repro that ran it.
    public var repro: ReproBuild
    public var host: HostRecord
    /// The cache folder, as the run saw it.
    public var cache: String
    public var request: Request
    /// The recipes of the plan, by name: their exact text and digests.
    public var recipes: [String: RecipeRecord]
    /// The node ids the requests asked for.
    public var roots: [String]
    public var nodes: [Node]
    /// Nodes per status (`hit`, `built`, `failed`, `not-run`, `skipped`).
    public var counts: [String: Int]
    public var warnings: [String]

    public init(
        format: Int = Manifest.formatVersion, id: String, command: [String], status: RunSummary.Status,
        started: String, finished: String, seconds: Double, repro: ReproBuild, host: HostRecord, cache: String,
        request: Request, recipes: [String: RecipeRecord], roots: [String], nodes: [Node], counts: [String: Int],
        warnings: [String]
    ) {
        self.format = format
        self.id = id
        self.command = command
        self.status = status
        self.started = started
        self.finished = finished
        self.seconds = seconds
        self.repro = repro
        self.host = host
        self.cache = cache
        self.request = request
        self.recipes = recipes
        self.roots = roots
        self.nodes = nodes
        self.counts = counts
        self.warnings = warnings
    }

    /// What was asked for: the requests as given, and the run's options.
    public struct Request: Sendable, Equatable {
        public struct Item: Sendable, Equatable {
            /// A recipe name or tags and `_variations`, as typed.
            public var selection: String
            public var inputs: [String: Value]
            /// `NODE.name=value`: inputs set on every node of a recipe, by recipe name.
            public var overrides: [String: [String: Value]]

            public init(selection: String, inputs: [String: Value], overrides: [String: [String: Value]] = [:]) {
                self.selection = selection
                self.inputs = inputs
                self.overrides = overrides
            }
        }

        public var requests: [Item]
        public var noCache: Bool
        public var fresh: [String]
        public var reuseMeasured: Bool
        public var cpus: Int
        public var runner: RunnerKind
        /// `--repeat N`: measured steps ran N times.
        public var repeatMeasured: Int?

        public init(
            requests: [Item], noCache: Bool = false, fresh: [String] = [], reuseMeasured: Bool = false,
            cpus: Int = 1, runner: RunnerKind = .local, repeatMeasured: Int? = nil
        ) {
            self.repeatMeasured = repeatMeasured
            self.requests = requests
            self.noCache = noCache
            self.fresh = fresh
            self.reuseMeasured = reuseMeasured
            self.cpus = cpus
            self.runner = runner
        }
    }

    /// One recipe as it was used.
    public struct RecipeRecord: Sendable, Equatable {
        public var sha256: String
        /// The file as the run displayed it (relative to where repro ran, when inside it).
        public var file: String
        public var text: String
        /// A folder recipe's other files, one digest over all of them.
        public var assetsSHA256: String?

        public init(sha256: String, file: String, text: String, assetsSHA256: String? = nil) {
            self.sha256 = sha256
            self.file = file
            self.text = text
            self.assetsSHA256 = assetsSHA256
        }
    }

    /// One node of the DAG and what became of it.
    public struct Node: Sendable, Equatable {
        public var id: String
        public var recipe: String
        public var identity: String
        public var policy: CachePolicy
        public var status: Executor.Status
        public var variations: [String]
        public var inputs: [String: Value]
        /// Per need, the ids of the nodes it names.
        public var needs: [String: [String]]
        public var runner: RunnerKind
        /// The node key (absent when the node never got one: a dependency failed first).
        public var key: String?
        /// The cache entry that holds its result (the key for `reuse` nodes).
        public var entry: String?
        /// The result, when there is one; paths inside the entry in the relocatable `{"$out": ...}` form.
        public var result: Result?
        public var started: String?
        public var seconds: Double?
        public var failure: Failure?
        public var note: String?
        /// The batch job that ran it (Slurm).
        public var job: String?

        public init(
            id: String, recipe: String, identity: String = "", policy: CachePolicy = .reuse,
            status: Executor.Status, variations: [String] = [], inputs: [String: Value] = [:],
            needs: [String: [String]] = [:], runner: RunnerKind = .local, key: String? = nil, entry: String? = nil,
            result: Result? = nil, started: String? = nil, seconds: Double? = nil, failure: Failure? = nil,
            note: String? = nil, job: String? = nil
        ) {
            self.id = id
            self.recipe = recipe
            self.identity = identity
            self.policy = policy
            self.status = status
            self.variations = variations
            self.inputs = inputs
            self.needs = needs
            self.runner = runner
            self.key = key
            self.entry = entry
            self.result = result
            self.started = started
            self.seconds = seconds
            self.failure = failure
            self.note = note
            self.job = job
        }

        /// The outputs of an entry and how it was made.
        public struct Result: Sendable, Equatable {
            public var outputs: [String: Value]
            public var metrics: [String: Value]
            /// How each metric is judged over time and on reproduction.
            public var metricSpecs: [String: MetricRecord]
            /// One digest over the outputs and every file.
            public var outputsSHA256: String
            public var files: [Digests.FileRecord]
            /// When the entry was built (it may be older than the run: a cache hit) and how long it took.
            public var built: String
            public var buildSeconds: Double
            /// Runner details (Slurm job, the host it ran on).
            public var execution: [String: Value]
            /// For a measured step run several times: each numeric metric's spread (`metrics` holds the median).
            public var spread: [String: MetricSpread]

            public init(
                outputs: [String: Value], metrics: [String: Value], metricSpecs: [String: MetricRecord],
                outputsSHA256: String, files: [Digests.FileRecord], built: String, buildSeconds: Double,
                execution: [String: Value], spread: [String: MetricSpread] = [:]
            ) {
                self.outputs = outputs
                self.metrics = metrics
                self.metricSpecs = metricSpecs
                self.outputsSHA256 = outputsSHA256
                self.files = files
                self.built = built
                self.buildSeconds = buildSeconds
                self.execution = execution
                self.spread = spread
            }

            /// The outputs with their paths inside an entry whose `out/` is at `outDir`.
            public func outputs(outDir: String) -> [String: Value] {
                outputs.mapValues { OutputPaths.materialize($0, outDir: outDir) }
            }
        }

        /// Why a step failed.
        public struct Failure: Sendable, Equatable {
            public var reason: String
            public var stderrTail: [String]
            public var exitCode: Int?
            public var signal: Int?
            public var timedOut: Bool
            public var execution: [String: Value]

            public init(
                reason: String, stderrTail: [String] = [], exitCode: Int? = nil, signal: Int? = nil,
                timedOut: Bool = false, execution: [String: Value] = [:]
            ) {
                self.reason = reason
                self.stderrTail = stderrTail
                self.exitCode = exitCode
                self.signal = signal
                self.timedOut = timedOut
                self.execution = execution
            }
        }

        public var outputs: [String: Value] { result?.outputs ?? [:] }
        public var metrics: [String: Value] { result?.metrics ?? [:] }
    }

    /// A metric's direction, unit and tolerance as the recipe stated them.
    public struct MetricRecord: Sendable, Equatable {
        public var better: MetricSpec.Direction
        /// Relative (0.1 = ±10 %); 0 for exact.
        public var tolerance: Double
        public var unit: String?

        public init(better: MetricSpec.Direction, tolerance: Double, unit: String?) {
            self.better = better
            self.tolerance = tolerance
            self.unit = unit
        }
    }

    /// The machine, as `HostInfo.description` reads it. Kept as the map it was written as, so a manifest from
    /// another repro keeps every field it had (the machine comparison lists them all).
    public struct HostRecord: Sendable, Equatable {
        public var fields: [String: Value]

        public init(fields: [String: Value]) { self.fields = fields }

        public var hostname: String? { fields["hostname"]?.stringValue }
        public var cpu: String? { fields["cpu"]?.stringValue }
        public var cpus: Int? { fields["cpus"]?.intValue }
    }

    /// The node with this id.
    public func node(_ id: String) -> Node? { nodes.first { $0.id == id } }

    /// True when some node recorded a metric.
    public var hasMetrics: Bool { nodes.contains { !$0.metrics.isEmpty } }
}

/// The build of repro that made a manifest or an entry: its version, the git commit its sources were built from,
/// and whether that tree had uncommitted changes (nil when not known: a build outside a git checkout).
public struct ReproBuild: Sendable, Equatable {
    public var version: String
    public var commit: String?
    public var dirty: Bool?

    public init(version: String, commit: String? = nil, dirty: Bool? = nil) {
        self.version = version
        self.commit = commit
        self.dirty = dirty
    }

    /// `0.1.0 (commit 1a2b3c4d5e6f, uncommitted changes)`.
    public var description: String {
        guard let commit else { return version + " (commit unknown)" }
        return version + " (commit \(commit.prefix(12))\(dirty == true ? ", uncommitted changes" : ""))"
    }
}
