import Foundation
import Recipes

/// Runs a plan: resolves keys as dependencies finish, reuses cache entries, and runs the rest in parallel up
/// to the CPU budget, honouring `resources.cpus` and `exclusive`.
///
/// One scheduler thread (the caller's) owns all run state; each running step has a thread of its own and
/// reports back through a mailbox. A failed step stops only its dependants: independent branches finish.
/// On cancellation no new step starts, running steps are stopped by their runners, and nothing partial
/// reaches the cache.
public final class Executor {
    public enum Status: String, Sendable {
        case waiting, ready, running, submitted, hit, built, failed
        case notRun = "not-run"
        case skipped
    }

    /// Per-node results, for the manifest and the summary.
    public struct NodeResult: Sendable {
        public var status: Status = .waiting
        public var key: String?
        /// The entry keys of its dependencies, per need (what entered the key besides its own fields).
        public var dependencyKeys: [String: [String]] = [:]
        public var entryKey: String?
        public var meta: EntryMeta?
        public var outputs: [String: Value] = [:]
        public var failure: StepFailure?
        public var note: String?
        public var started: Double?
        public var seconds: Double = 0
        /// The batch job that ran it (Slurm), if any.
        public var jobID: String?
        /// A container step's image, resolved when its key was computed.
        public var image: ResolvedImage?
    }

    enum Completion: Sendable {
        case done(index: Int, result: BuildResult)
        case wake
    }

    enum BuildResult: Sendable {
        case built(meta: EntryMeta, outputs: [String: Value], seconds: Double, started: Double)
        case foundAfterWait(meta: EntryMeta, outputs: [String: Value])
        case failed(StepFailure, seconds: Double, started: Double)
    }

    public let plan: Plan
    public let cache: CacheStore
    public let runners: [String: any StepRunner]
    /// Runners that submit to a batch system, by name (`slurm`).
    public let batch: [String: any BatchScheduler]
    /// Jobs of an earlier, interrupted run of the same request, by node identity: adopted while still alive.
    public let adoptable: [String: (job: String, folder: RunFolder)]
    public let actions: ActionCatalog
    public let options: RunOptions
    public let events: any EventSink
    public let folder: RunFolder
    public let cancellation: Cancellation
    /// The build of repro, recorded in every entry.
    public let repro: ReproBuild
    /// Finds the digests of container steps' images (nil: container steps fail, saying so).
    public let images: (any ImageResolver)?
    /// The secrets the plan's steps read (`host.secret.NAME`), by name: for their environments, and masked in
    /// their logs and outputs.
    public let secrets: [String: String]

    public internal(set) var results: [NodeResult]
    let dependants: [[Int]]
    var remaining: [Int]
    var ready: [Int] = []
    var runningCPUs = 0
    var running: Set<Int> = []
    var exclusiveRunning = false
    let mailbox = Mailbox<Completion>()
    /// Per node: dependencies neither settled nor submitted (a batch node can be submitted when it is 0).
    var unsubmitted: [Int]
    /// Batch nodes waiting to be submitted, and the jobs in flight (node → job, and the folder of its result).
    var toSubmit: [Int] = []
    var inFlight: [Int: (job: String, folder: RunFolder)] = [:]
    /// Nodes whose entry was found changed or unreadable: their rebuild replaces it.
    var damaged: Set<Int> = []
    /// Where each batch job was seen running (a job lost with its node is reported with the node).
    var jobHosts: [Int: String] = [:]

    public init(
        plan: Plan, cache: CacheStore, runners: [String: any StepRunner], actions: ActionCatalog,
        options: RunOptions, events: any EventSink, folder: RunFolder, cancellation: Cancellation,
        repro: ReproBuild, secrets: [String: String] = [:], batch: [String: any BatchScheduler] = [:],
        adoptable: [String: (job: String, folder: RunFolder)] = [:], images: (any ImageResolver)? = nil
    ) {
        self.images = images
        self.plan = plan
        self.cache = cache
        self.runners = runners
        self.batch = batch
        self.adoptable = adoptable
        self.actions = actions
        self.options = options
        self.events = events
        self.folder = folder
        self.cancellation = cancellation
        self.repro = repro
        self.secrets = secrets
        self.results = Array(repeating: NodeResult(), count: plan.nodes.count)
        var dependants = Array(repeating: [Int](), count: plan.nodes.count)
        var remaining = Array(repeating: 0, count: plan.nodes.count)
        for node in plan.nodes {
            let deps = Set(node.dependencyIndices)
            remaining[node.index] = deps.count
            for d in deps { dependants[d].append(node.index) }
        }
        self.dependants = dependants
        self.remaining = remaining
        self.unsubmitted = remaining
    }

    func isBatch(_ index: Int) -> Bool {
        batch[(plan.nodes[index].runner ?? options.defaultRunner).rawValue] != nil
    }

    /// Runs to the end (or until cancelled) and returns the status of the whole run.
    public func run() -> RunSummary.Status {
        let mailbox = self.mailbox
        cancellation.onCancel { mailbox.post(.wake) }
        var settled: [Int] = []
        for node in plan.nodes where remaining[node.index] == 0 { settled += resolve(node.index) }
        propagate(settled)
        var cancelledJobs = false
        while !running.isEmpty || !inFlight.isEmpty
            || ((!ready.isEmpty || !toSubmit.isEmpty) && !cancellation.isCancelled)
        {
            if cancellation.isCancelled {
                if !cancelledJobs {
                    cancelBatchJobs()
                    cancelledJobs = true
                }
            } else {
                startReady()
                submitPending()
            }
            if running.isEmpty && inFlight.isEmpty { break }
            let messages = inFlight.isEmpty ? mailbox.takeAll() : mailbox.takeAll(timeout: options.pollInterval)
            for message in messages {
                guard case .done(let index, let result) = message else { continue }
                finish(index, result)
                propagate([index])
            }
            if !inFlight.isEmpty { propagate(pollBatchJobs()) }
        }
        var status: RunSummary.Status = .succeeded
        for i in results.indices {
            switch results[i].status {
            case .waiting, .ready:
                results[i].status = .notRun
                results[i].note = cancellation.isCancelled ? "the run was stopped" : "not reached"
                events.emit(.notRun(node: plan.nodes[i].id, reason: results[i].note!))
                if status == .succeeded { status = cancellation.isCancelled ? .cancelled : .failed }
            case .failed, .notRun, .submitted, .running:
                status = cancellation.isCancelled ? .cancelled : .failed
            default: break
            }
        }
        if cancellation.isCancelled { status = .cancelled }
        reportLostJobs()
        return status
    }

    /// After nodes settle, resolve every dependant whose dependencies are now all settled (iteratively).
    func propagate(_ settled: [Int]) {
        var work = settled
        while let i = work.popLast() {
            let wasSubmitted = results[i].jobID != nil
            for d in dependants[i] {
                remaining[d] -= 1
                if !wasSubmitted { noteSubmittedOrSettled(d) }
                if remaining[d] == 0 && results[d].status == .waiting { work += resolve(d) }
            }
        }
    }

    /// Starts ready steps while CPUs allow; an exclusive step waits for an idle machine and runs alone.
    func startReady() {
        var i = 0
        while i < ready.count {
            let index = ready[i]
            let node = plan.nodes[index]
            let cpus = min(max(1, node.instance.resources.cpus), options.cpus)
            if exclusiveRunning { return }
            if node.instance.resources.exclusive {
                if !running.isEmpty { return }
                exclusiveRunning = true
            } else if runningCPUs + cpus > options.cpus && !running.isEmpty {
                i += 1
                continue
            }
            ready.remove(at: i)
            runningCPUs += cpus
            running.insert(index)
            results[index].status = .running
            launch(index)
        }
    }

    func finish(_ index: Int, _ result: BuildResult) {
        running.remove(index)
        let node = plan.nodes[index]
        runningCPUs -= min(max(1, node.instance.resources.cpus), options.cpus)
        if node.instance.resources.exclusive { exclusiveRunning = false }
        switch result {
        case .built(let meta, let outputs, let seconds, let started):
            results[index].status = .built
            results[index].meta = meta
            results[index].entryKey = meta.entryKey
            results[index].outputs = outputs
            results[index].seconds = seconds
            results[index].started = started
            events.emit(.succeeded(node: node.id, key: meta.entryKey, seconds: seconds))
        case .foundAfterWait(let meta, let outputs):
            results[index].status = .hit
            results[index].meta = meta
            results[index].entryKey = meta.entryKey
            results[index].outputs = outputs
            events.emit(.hit(node: node.id, key: meta.entryKey))
        case .failed(let failure, let seconds, let started):
            results[index].status = .failed
            results[index].failure = failure
            results[index].seconds = seconds
            results[index].started = started
            events.emit(.failed(node: node.id, failure: failure))
        }
    }
}
