import Basics
import Recipes

/// Nodes on a batch runner (Slurm): submitted as soon as their dependencies are settled or submitted
/// themselves (the batch system holds the order), polled, and settled from the result file their job wrote.
extension Executor {
    /// A dependency of `d` was submitted, or settled without a job.
    func noteSubmittedOrSettled(_ d: Int) {
        unsubmitted[d] -= 1
        guard unsubmitted[d] == 0, remaining[d] > 0, isBatch(d), results[d].status == .waiting, plan.nodes[d].enabled
        else { return }
        results[d].status = .ready
        toSubmit.append(d)
    }

    /// Submits what is waiting: nodes that their scheduler says may share an array (`arrayKey`) and that wait for
    /// the same jobs go in as one array.
    func submitPending() {
        while !toSubmit.isEmpty {
            let batchNodes = toSubmit
            toSubmit = []
            var groups: [String: [Int]] = [:]
            var order: [String] = []
            for i in batchNodes {
                let node = plan.nodes[i]
                if let failedDep = node.dependencyIndices.first(where: {
                    [.failed, .notRun].contains(results[$0].status)
                }) {
                    results[i].status = .notRun
                    results[i].note = "'\(plan.nodes[failedDep].id)' did not succeed"
                    events.emit(.notRun(node: node.id, reason: results[i].note!))
                    continue
                }
                if let old = adoptable[node.identity], batch[runnerName(i)]!.isAlive(old.job) {
                    adopt(i, job: old.job, folder: old.folder)
                    continue
                }
                let runner = runnerName(i)
                let group =
                    runner + "\u{1}" + batch[runner]!.arrayKey(for: batchNode(i)) + "\u{1}"
                    + afterJobs(i).joined(separator: ",")
                if groups[group] == nil { order.append(group) }
                groups[group, default: []].append(i)
            }
            for g in order {
                let members = groups[g]!
                submit(members, after: afterJobs(members[0]))
            }
        }
    }

    func runnerName(_ i: Int) -> String { (plan.nodes[i].runner ?? options.defaultRunner).rawValue }

    /// What the batch scheduler is told about a node.
    func batchNode(_ i: Int) -> BatchNode {
        let node = plan.nodes[i]
        return BatchNode(
            id: node.id, identity: node.identity, recipe: node.recipe.name, resources: node.instance.resources,
            timeout: node.recipe.timeout)
    }

    /// The jobs in flight among a node's dependencies.
    func afterJobs(_ i: Int) -> [String] {
        Array(Set(plan.nodes[i].dependencyIndices.compactMap { inFlight[$0]?.job })).sorted()
    }

    func submit(_ members: [Int], after: [String]) {
        let scheduler = batch[runnerName(members[0])]!
        let nodes = members.map(batchNode)
        let jobs: [String]
        do {
            jobs = try scheduler.submit(nodes, after: after, folder: folder)
        } catch {
            for i in members {
                results[i].status = .failed
                results[i].failure = StepFailure(reason: "cannot submit to \(scheduler.name): \(error)")
                events.emit(.failed(node: plan.nodes[i].id, failure: results[i].failure!))
            }
            propagate(members)
            return
        }
        for (i, job) in zip(members, jobs) {
            results[i].status = .submitted
            results[i].jobID = job
            results[i].started = Clock.now()
            inFlight[i] = (job, folder)
            events.emit(.submitted(node: plan.nodes[i].id, job: job, adopted: false))
        }
        recordJobs()
        for i in members { for d in dependants[i] { noteSubmittedOrSettled(d) } }
    }

    func adopt(_ i: Int, job: String, folder old: RunFolder) {
        results[i].status = .submitted
        results[i].jobID = job
        results[i].started = Clock.now()
        inFlight[i] = (job, old)
        events.emit(.submitted(node: plan.nodes[i].id, job: job, adopted: true))
        recordJobs()
        for d in dependants[i] { noteSubmittedOrSettled(d) }
    }

    /// `jobs.json` in the run folder: node identity → job, so a restarted run can adopt jobs still alive.
    func recordJobs() {
        var jobs: [String: Value] = [:]
        for (i, flight) in inFlight {
            jobs[plan.nodes[i].identity] = ["job": .string(flight.job), "folder": .string(flight.folder.path)]
        }
        for (i, r) in results.enumerated() where r.jobID != nil && jobs[plan.nodes[i].identity] == nil {
            jobs[plan.nodes[i].identity] = ["job": .string(r.jobID!), "folder": .string(folder.path)]
        }
        try? FileOps.writeAtomically(Value.map(jobs).prettyJSON(), to: folder.path + "/jobs.json")
    }

    /// Polls every scheduler once; settles the nodes whose jobs ended and returns them.
    func pollBatchJobs() -> [Int] {
        var settled: [Int] = []
        var byScheduler: [String: [Int]] = [:]
        for i in inFlight.keys { byScheduler[runnerName(i), default: []].append(i) }
        for (name, members) in byScheduler {
            let states = batch[name]!.poll(members.map { inFlight[$0]!.job })
            for i in members {
                guard let state = states[inFlight[i]!.job] else { continue }
                switch state {
                case .queued: break
                case .running(let host):
                    if !host.isEmpty { jobHosts[i] = host }
                    if results[i].status == .submitted {
                        results[i].status = .running
                        events.emit(.started(node: plan.nodes[i].id, key: host, attempt: 1, of: 1))
                    }
                case .ended(let state, let exitCode):
                    finishJob(i, state: state, exitCode: exitCode, scheduler: batch[name]!)
                    settled.append(i)
                }
            }
        }
        return settled
    }

    /// Settles a node from its job's result file, or from what the batch system says when there is none.
    func finishJob(_ i: Int, state: String, exitCode: Int32?, scheduler: any BatchScheduler) {
        let (job, jobFolder) = inFlight.removeValue(forKey: i)!
        let node = plan.nodes[i]
        results[i].seconds = Clock.now() - (results[i].started ?? Clock.now())
        var dependencies: [String: [String]] = [:]
        for edge in node.needs { dependencies[edge.name] = edge.nodes.map { results[$0].entryKey ?? "?" } }
        results[i].dependencyKeys = dependencies
        results[i].key = node.keyMaterial.key(dependencies: dependencies)
        let file = BatchResultFile.read(folder: jobFolder, node: node.id)
        let status = file?["status"]?.stringValue
        if status == "built" || status == "hit", let entry = file?["entry"]?.stringValue, let meta = cache.meta(entry) {
            // The job computed the key (a container step's includes the image digest it found there).
            results[i].key = meta.nodeKey
            results[i].status = status == "hit" ? .hit : .built
            results[i].meta = meta
            results[i].entryKey = entry
            results[i].outputs = meta.outputs(outDir: cache.outPath(entry))
            if status == "hit" {
                events.emit(.hit(node: node.id, key: entry))
            } else {
                events.emit(.succeeded(node: node.id, key: entry, seconds: results[i].seconds))
            }
            return
        }
        if let failedDep = node.dependencyIndices.first(where: { [.failed, .notRun].contains(results[$0].status) }) {
            results[i].status = .notRun
            results[i].note = "'\(plan.nodes[failedDep].id)' did not succeed (job \(job) \(state.lowercased()))"
            events.emit(.notRun(node: node.id, reason: results[i].note!))
            return
        }
        var failure: StepFailure
        if status == "failed" {
            failure = StepFailure(
                reason: file?["reason"]?.stringValue ?? "failed",
                exitCode: file?["exit_code"]?.intValue.map { Int32($0) },
                timedOut: file?["timed_out"]?.boolValue ?? false,
                stderrTail: file?["stderr_tail"]?.listValue?.compactMap(\.stringValue) ?? [])
            failure.logPath = jobFolder.log(for: node.id).stderrPath
        } else if status == "not-run" {
            results[i].status = .notRun
            results[i].note = file?["note"]?.stringValue ?? "not run"
            events.emit(.notRun(node: node.id, reason: results[i].note!))
            return
        } else {
            let end = scheduler.describeEnd(job: job, state: state, exitCode: exitCode, host: jobHosts[i])
            failure = StepFailure(
                reason: end.reason, exitCode: exitCode, timedOut: end.timedOut, cancelled: cancellation.isCancelled,
                stderrTail: scheduler.outputTail(job: job, node: node.id, folder: jobFolder))
            if end.lost { failure.execution["lost"] = .bool(true) }
        }
        failure.execution["job"] = .string(job)
        failure.execution["runner"] = .string(scheduler.name)
        if let host = jobHosts[i] { failure.execution["host"] = .string(host) }
        results[i].status = .failed
        results[i].failure = failure
        events.emit(.failed(node: node.id, failure: failure))
    }

    /// On cancellation: cancel every job in flight (the loop then polls until they have ended).
    func cancelBatchJobs() {
        var byScheduler: [String: [String]] = [:]
        for (i, flight) in inFlight { byScheduler[runnerName(i), default: []].append(flight.job) }
        for (name, jobs) in byScheduler { batch[name]!.cancel(jobs) }
        for i in toSubmit { results[i].status = .waiting }
        toSubmit = []
    }

    /// At the end of a run: the jobs lost with a failed node, by node, and what to do.
    func reportLostJobs() {
        var byHost: [String: [String]] = [:]
        for (i, r) in results.enumerated() where r.failure?.execution["lost"]?.boolValue == true {
            byHost[jobHosts[i] ?? "an unknown node", default: []].append("\(plan.nodes[i].id) (job \(r.jobID ?? "?"))")
        }
        for (host, jobs) in byHost.sorted(by: { $0.key < $1.key }) {
            events.emit(
                .warning(
                    "\(jobs.count) job\(jobs.count == 1 ? " was" : "s were") lost with node \(host): "
                        + jobs.joined(separator: ", ") + "; run again to build what is missing"))
        }
    }
}
