import Recipes

/// Executes one step somewhere: the local machine, a Slurm job. Runners live in the Runners module.
///
/// `run` is called on a thread of its own and may block until the step ends. A non-zero exit is a
/// `.failed` outcome, never a thrown error.
public protocol StepRunner: Sendable {
    var name: String { get }
    func run(_ step: StepInvocation) -> StepOutcome
}

/// Everything a runner needs to execute one attempt of a step.
public struct StepInvocation: Sendable {
    public enum Work: Sendable {
        /// `bash -e -o pipefail -c COMMAND` in `staging.outDir`.
        case shell(command: String)
        /// In this process when the spec is an `Action`, else in the action worker process.
        case action(any ActionSpec, with: [String: Value])
    }

    public var nodeID: String
    public var key: String
    public var work: Work
    /// The declared environment (the runner adds PATH, HOME, TMPDIR and the REPRO_* variables).
    public var environment: [String: String]
    /// The names in `environment` whose values hold a secret: a runner passes them to the step's process
    /// environment only, never into a file (an action worker's request names them instead).
    public var secretNames: Set<String> = []
    public var staging: CacheStore.Staging
    /// Where actions keep state that outlives a step (see `ActionContext.persistentDir`).
    public var persistentDir: String
    public var log: StepLog
    /// A file where shell steps write `name=value` lines to set `run.outputs`.
    public var outputsFile: String
    public var timeout: Double?
    public var resources: Resources
    public var cancellation: Cancellation
    public var progress: @Sendable (StepProgress) -> Void
    /// Set for a shell step that runs inside an image (`container:`).
    public var container: ContainerInvocation?

    public init(
        nodeID: String, key: String, work: Work, environment: [String: String],
        staging: CacheStore.Staging, persistentDir: String, log: StepLog, outputsFile: String, timeout: Double?,
        resources: Resources, cancellation: Cancellation, container: ContainerInvocation? = nil,
        progress: @escaping @Sendable (StepProgress) -> Void
    ) {
        self.container = container
        self.nodeID = nodeID
        self.key = key
        self.work = work
        self.environment = environment
        self.staging = staging
        self.persistentDir = persistentDir
        self.log = log
        self.outputsFile = outputsFile
        self.timeout = timeout
        self.resources = resources
        self.cancellation = cancellation
        self.progress = progress
    }
}

/// How an attempt ended.
public enum StepOutcome: Sendable {
    /// `outputs` are the step's own (`run.outputs`); `execution` describes where it ran (host, job id).
    case succeeded(outputs: [String: Value], execution: [String: Value])
    case failed(StepFailure)
}

/// Reads the `name=value` lines a shell step wrote to `$REPRO_OUTPUTS`; numbers and booleans keep their type.
public enum OutputsFile {
    public static func read(_ path: String) -> [String: Value] {
        guard let text = try? FileSystemPath.readText(path) else { return [:] }
        var out: [String: Value] = [:]
        for line in text.split(separator: "\n") {
            guard let eq = line.firstIndex(of: "=") else { continue }
            let name = String(line[..<eq]).trimmingCharacters(in: " \t")
            let raw = String(line[line.index(after: eq)...])
            guard !name.isEmpty else { continue }
            if let i = Int(raw) {
                out[name] = .int(i)
            } else if let d = Double(raw), raw.contains(".") || raw.contains("e") {
                out[name] = .double(d)
            } else if raw == "true" || raw == "false" {
                out[name] = .bool(raw == "true")
            } else {
                out[name] = .string(raw)
            }
        }
        return out
    }
}
