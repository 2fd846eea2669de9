import Recipes

/// What happens during a run, in order; renderers turn these into a live view, plain lines or JSON lines.
public enum RunEvent: Sendable {
    case runStarted(id: String, nodes: Int, folder: String)
    case warning(String)
    /// A node found in the cache.
    case hit(node: String, key: String)
    case waitingForLock(node: String, holder: String)
    case started(node: String, key: String, attempt: Int, of: Int)
    /// Handed to a batch system (or an earlier run's job adopted).
    case submitted(node: String, job: String, adopted: Bool)
    case output(node: String, line: String)
    case progress(node: String, StepProgress)
    case retrying(node: String, attempt: Int, reason: String, delay: Double)
    case succeeded(node: String, key: String, seconds: Double)
    case failed(node: String, failure: StepFailure)
    /// Not run because a dependency failed or the run was stopped.
    case notRun(node: String, reason: String)
    case skipped(node: String)
    case runFinished(RunSummary)
}

/// Why a step failed, in words, with the evidence.
public struct StepFailure: Sendable, Error, CustomStringConvertible {
    public var reason: String
    public var exitCode: Int32?
    public var signal: Int32?
    public var timedOut = false
    public var cancelled = false
    /// The last lines the step wrote to stderr.
    public var stderrTail: [String] = []
    public var logPath: String?
    /// Runner details (job id, host).
    public var execution: [String: Value] = [:]

    public init(
        reason: String, exitCode: Int32? = nil, signal: Int32? = nil, timedOut: Bool = false,
        cancelled: Bool = false, stderrTail: [String] = [], logPath: String? = nil
    ) {
        self.reason = reason
        self.exitCode = exitCode
        self.signal = signal
        self.timedOut = timedOut
        self.cancelled = cancelled
        self.stderrTail = stderrTail
        self.logPath = logPath
    }

    public var description: String { reason }
}

/// The end of a run: counts and the status users and scripts act on.
public struct RunSummary: Sendable {
    public enum Status: String, Sendable { case succeeded, failed, cancelled }
    public var id: String
    public var status: Status
    public var hits: Int
    public var built: Int
    public var failed: Int
    public var notRun: Int
    public var skipped: Int
    public var seconds: Double
    public var manifestPath: String
    /// What the asked-for nodes produced.
    public var roots: [RootResult] = []

    public init(
        id: String, status: Status, hits: Int, built: Int, failed: Int, notRun: Int, skipped: Int,
        seconds: Double, manifestPath: String
    ) {
        self.id = id
        self.status = status
        self.hits = hits
        self.built = built
        self.failed = failed
        self.notRun = notRun
        self.skipped = skipped
        self.seconds = seconds
        self.manifestPath = manifestPath
    }
}

/// What an asked-for node produced: the lines a run prints on stdout, and its last JSON event.
public struct RootResult: Sendable {
    public var node: String
    public var recipe: String
    public var status: Executor.Status
    /// Paths are absolute (inside the cache entry).
    public var outputs: [String: Value]
    public var metrics: [String: Value]

    public init(
        node: String, recipe: String, status: Executor.Status, outputs: [String: Value], metrics: [String: Value]
    ) {
        self.node = node
        self.recipe = recipe
        self.status = status
        self.outputs = outputs
        self.metrics = metrics
    }
}

/// Receives events; implementations must be safe to call from any thread.
public protocol EventSink: Sendable {
    func emit(_ event: RunEvent)
    /// Called once at the end, after the last event.
    func finish()
}
