/// One recipe: one kind of node in a workflow, read from a YAML file.
///
/// Fields are documented in docs/recipes.md. A recipe knows nothing of how it is run; `Workflow` plans and
/// executes it.
public struct Recipe: Sendable {
    public var name: String
    public var summary: String
    public var tags: [String]
    /// Inputs in the order they were declared (defaults may read earlier inputs).
    public var inputs: [InputSpec]
    public var variations: [Variation]
    public var needs: [Need]
    /// What the node does; nil for a node that only gathers its needs.
    public var run: RunSpec?
    /// The image a shell step runs in; nil to run it on the host.
    public var container: ContainerSpec?
    public var outputs: [OutputSpec]
    public var metrics: [MetricSpec]
    public var env: [EnvSpec]
    /// The cache policy as written; nil when the recipe does not say (the action's default, else `reuse`).
    public var cache: CachePolicy?
    public var condition: Template?
    public var resources: Resources
    /// Seconds before a run is stopped; nil for no limit.
    public var timeout: Double?
    public var retries: Int
    /// How many times a measured step runs (`repeat:`); nil when the recipe does not say (once, or `--repeat`).
    public var repeatCount: Int? = nil
    /// Where `repeat:` is written, for errors about it.
    public var repeatLocation: SourceLocation? = nil
    /// Which runner executes it; nil for the run's default.
    public var runner: RunnerKind?
    /// Files and folders beside the recipe that its steps read (`assets:`); their content enters every key.
    public var assets: [RecipeAsset] = []
    public var source: RecipeSource

    public func input(named name: String) -> InputSpec? { inputs.first { $0.name == name } }
    public func variation(named name: String) -> Variation? { variations.first { $0.name == name } }
}

/// A file or folder a recipe's steps read, as `assets:` names it: relative to the recipe's folder (`..` allowed,
/// so recipes of a group can share a module), its content in every key made from the recipe.
public struct RecipeAsset: Sendable {
    public var path: String
    public var location: SourceLocation?

    public init(path: String, location: SourceLocation?) {
        self.path = path
        self.location = location
    }
}

/// Where a recipe came from and the digests of its bytes, which enter every key made from it.
public struct RecipeSource: Sendable {
    /// The recipe file's absolute path.
    public var file: String
    /// The folder that holds the recipe and its assets (`recipe.dir`).
    public var directory: String
    /// True when the recipe is a folder (`NAME/recipe.yaml`) whose other files are its assets.
    public var isFolder: Bool
    /// The exact text, kept for manifests (`repro reproduce` replays it).
    public var text: String
    /// SHA-256 of `text`, hex.
    public var digest: String

    public init(file: String, directory: String, isFolder: Bool, text: String, digest: String) {
        self.file = file
        self.directory = directory
        self.isFolder = isFolder
        self.text = text
        self.digest = digest
    }

    /// The file as diagnostics print it.
    public var displayFile: String { DisplayPath.of(file) }
}

/// Where a step runs: on this machine, or as a Slurm job.
public enum RunnerKind: String, Sendable, CaseIterable {
    case local
    case slurm
}

/// How the cache treats a recipe's nodes.
public enum CachePolicy: String, Sendable, CaseIterable {
    /// Reused whenever the key matches (the default).
    case reuse
    /// Run every time (detection, a moving branch); dependants are keyed by its outputs, so they re-run only
    /// when those changed.
    case volatile
    /// A measurement (a timed run): run every time unless reuse of measurements is asked for.
    case measured
}

/// Per-step needs of the machine: the executor honours `cpus` and `exclusive`; Slurm gets all of them.
public struct Resources: Sendable, Equatable {
    public var cpus: Int = 1
    /// Run with nothing else running (timed runs).
    public var exclusive: Bool = false
    public var memory: String?
    /// Slurm time limit (`--time`), as written.
    public var time: String?
    public var partition: String?
    public var gres: String?
    public var account: String?
    /// Extra `sbatch` options, passed as written.
    public var slurmOptions: [String] = []

    public init() {}
}

/// A named value the node exports to its dependants (`needs.X.outputs.NAME`).
public struct OutputSpec: Sendable {
    public var name: String
    public var value: TemplateValue
    public var location: SourceLocation
}

/// A declared environment variable for the step; its value enters the key.
public struct EnvSpec: Sendable {
    public var name: String
    public var value: TemplateValue
    public var location: SourceLocation
}

/// A number the node reports, tracked over time and checked by `repro reproduce` and `repro regress`.
public struct MetricSpec: Sendable {
    public enum Direction: String, Sendable { case higher, lower, equal }
    public var name: String
    public var value: TemplateValue
    public var unit: String?
    /// Which way is better; `equal` for values that must not move (accuracy with a fixed seed).
    public var better: Direction
    /// Allowed relative difference when reproducing (0.1 = ±10 %); 0 for exact.
    public var tolerance: Double
    public var location: SourceLocation
}
