import Recipes

/// A runner that hands nodes to a batch system (Slurm) instead of running them itself.
///
/// Submitted nodes may wait for other submitted nodes (the batch system holds the order), and independent
/// nodes of one recipe go in as one array. Each job runs `repro exec-node`, which builds the node against the
/// shared cache and writes a result file into the run folder (`BatchResultFile`).
public protocol BatchScheduler: Sendable {
    var name: String { get }
    /// Nodes with equal keys that wait for the same jobs may go in as one array job: the key holds all the scheduler
    /// would be told about a node besides its identity (for Slurm: the recipe and the `sbatch` options).
    func arrayKey(for node: BatchNode) -> String
    /// Submits nodes as one job (or one array job when there are several) that starts after `after` succeeded.
    /// Returns one job id per node, in order (`123`, or `123_0`, `123_1`… for an array).
    func submit(_ nodes: [BatchNode], after: [String], folder: RunFolder) throws(BatchError) -> [String]
    /// The state of each job, polled.
    func poll(_ jobs: [String]) -> [String: BatchJobState]
    /// Cancels jobs (queued or running).
    func cancel(_ jobs: [String])
    /// Whether a job of an earlier, interrupted run is still queued or running (so it is adopted, not resubmitted).
    func isAlive(_ job: String) -> Bool
    /// The last lines the job itself wrote (its batch output file), for failures that left no result file.
    func outputTail(job: String, node: String, folder: RunFolder) -> [String]
    /// How a job that wrote no result ended, in words, from the state and exit code `poll` reported: only the
    /// scheduler knows what its states mean (which one is a time limit, which a lost node).
    func describeEnd(job: String, state: String, exitCode: Int32?, host: String?) -> BatchJobEnd
}

/// How a batch job that wrote no result ended: the reason in words, and whether it ran out of time or was lost with
/// its node (then the next run builds it again).
public struct BatchJobEnd: Sendable, Equatable {
    public var reason: String
    public var timedOut: Bool
    public var lost: Bool

    public init(reason: String, timedOut: Bool = false, lost: Bool = false) {
        self.reason = reason
        self.timedOut = timedOut
        self.lost = lost
    }
}

/// What a batch scheduler needs to know about a node.
public struct BatchNode: Sendable {
    public var id: String
    public var identity: String
    public var recipe: String
    public var resources: Resources
    public var timeout: Double?

    public init(id: String, identity: String, recipe: String, resources: Resources, timeout: Double?) {
        self.id = id
        self.identity = identity
        self.recipe = recipe
        self.resources = resources
        self.timeout = timeout
    }
}

public enum BatchJobState: Sendable, Equatable {
    case queued
    case running(host: String)
    /// Ended; `exitCode` and `state` as the batch system reports them (e.g. FAILED, CANCELLED, TIMEOUT).
    case ended(state: String, exitCode: Int32?)
}

public struct BatchError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

/// The file `repro exec-node` writes for each node it ran: how it ended, the entry, where it ran.
public enum BatchResultFile {
    public static func path(folder: RunFolder, node: String) -> String {
        folder.path + "/results/" + RunFolder.safeName(node) + ".json"
    }

    public static func write(_ result: Executor.NodeResult, node: String, folder: RunFolder, execution: [String: Value])
    {
        var m: [String: Value] = ["status": .string(result.status.rawValue), "execution": .map(execution)]
        if let e = result.entryKey { m["entry"] = .string(e) }
        if let f = result.failure {
            m["reason"] = .string(f.reason)
            m["stderr_tail"] = .list(f.stderrTail.map { .string($0) })
            if let c = f.exitCode { m["exit_code"] = .int(Int(c)) }
            if f.timedOut { m["timed_out"] = .bool(true) }
        }
        if let note = result.note { m["note"] = .string(note) }
        try? FileOps.makeDirectories(folder.path + "/results")
        try? FileOps.writeAtomically(Value.map(m).prettyJSON(), to: path(folder: folder, node: node))
    }

    public static func read(folder: RunFolder, node: String) -> Value? {
        guard let bytes = try? FileSystemPath.readBytes(path(folder: folder, node: node)) else { return nil }
        return try? Value.parseJSON(bytes: bytes)
    }
}
