import Basics
import Foundation
import Recipes

/// Starting a step on a thread of its own.
extension Executor {
    func launch(_ index: Int) {
        let node = plan.nodes[index]
        let runnerName = (node.runner ?? options.defaultRunner).rawValue
        let builder = NodeBuilder(
            node: node, key: results[index].key!, dependencyKeys: results[index].dependencyKeys,
            image: results[index].image, needs: needsScope(node), cache: cache,
            runner: runners[runnerName], runnerName: runnerName, actions: actions,
            replace: options.noCache || options.isFresh(node) || damaged.contains(index), events: events,
            log: folder.log(for: node.id),
            cancellation: cancellation, repro: repro, secrets: secrets)
        let mailbox = self.mailbox
        let thread = Thread {
            mailbox.post(.done(index: index, result: builder.build()))
        }
        thread.stackSize = 8 << 20
        thread.start()
    }
}

/// Builds one node under its key's lock: stage, run (with retries), record, and move into the cache.
struct NodeBuilder: Sendable {
    func actionName(_ work: StepInvocation.Work) -> String {
        if case .action(let spec, _) = work { return spec.name }
        return "shell"
    }

    let node: PlanNode
    let key: String
    let dependencyKeys: [String: [String]]
    let image: ResolvedImage?
    let needs: Value
    let cache: CacheStore
    let runner: (any StepRunner)?
    let runnerName: String
    let actions: ActionCatalog
    let replace: Bool
    let events: any EventSink
    let log: StepLog
    let cancellation: Cancellation
    let repro: ReproBuild
    /// The secrets the step's `env:` may read; masked in its logs and outputs.
    let secrets: [String: String]

    func build() -> Executor.BuildResult {
        let started = Clock.now()
        let t0 = Clock.monotonic()
        func failed(_ f: StepFailure) -> Executor.BuildResult {
            .failed(f, seconds: Clock.monotonic() - t0, started: started)
        }

        let lock: FileLock?
        do {
            lock = try FileLock.acquire(cache.lockPath(key), cancellation: cancellation) { holder in
                events.emit(.waitingForLock(node: node.id, holder: holder))
            }
        } catch {
            return failed(StepFailure(reason: "\(error)"))
        }
        guard let lock else { return failed(StepFailure(reason: "stopped before it started", cancelled: true)) }
        defer { lock.unlock() }

        // Another process may have built it while we waited for the lock.
        if node.policy == .reuse, !replace, cache.hasEntry(key), let meta = cache.meta(key) {
            return .foundAfterWait(meta: meta, outputs: meta.outputs(outDir: cache.outPath(key)))
        }
        let staging: CacheStore.Staging
        do {
            staging = try cache.stage(key)
        } catch {
            return failed(StepFailure(reason: "\(error)"))
        }
        switch runAttempts(staging: staging) {
        case .failure(var failure):
            cache.discard(staging)
            failure.logPath = log.stderrPath
            return failed(failure)
        case .success(let (runOutputs, execution)):
            do {
                let (outputs, metrics) = try evaluate(staging: staging, runOutputs: runOutputs)
                let (repeated, spread) = try repetitions(after: metrics, staging: staging)
                let (meta, stored) = try record(
                    staging: staging, outputs: outputs, metrics: repeated, spread: spread, execution: execution,
                    started: started, seconds: Clock.monotonic() - t0)
                return .built(meta: meta, outputs: stored, seconds: Clock.monotonic() - t0, started: started)
            } catch {
                cache.discard(staging)
                return failed(error)
            }
        }
    }

    /// A measured step with `repeat` > 1 runs again, each time in a staging folder of its own that is removed
    /// after its metrics are read; the entry keeps the first run's files and outputs, and for each numeric metric
    /// the median of all runs, with their min, max and count. One failed repetition fails the step.
    func repetitions(after first: [String: Value], staging: CacheStore.Staging) throws(StepFailure) -> (
        [String: Value], [String: MetricSpread]
    ) {
        let count = node.repeatCount
        guard count > 1 else { return (first, [:]) }
        var samples = [first]
        for i in 2...count {
            let repetition = CacheStore.Staging(path: staging.path + "/repeat-\(i)")
            defer { FileOps.removeTree(repetition.path) }
            do {
                for dir in [repetition.outDir, repetition.workDir, repetition.logDir] {
                    try FileOps.makeDirectories(dir)
                }
            } catch {
                throw StepFailure(reason: "\(error)")
            }
            log.err("--- repro: repetition \(i) of \(count) ---")
            switch runAttempts(staging: repetition) {
            case .failure(var failure):
                failure.reason = "repetition \(i) of \(count): " + failure.reason
                throw failure
            case .success(let (runOutputs, _)):
                samples.append(try evaluate(staging: repetition, runOutputs: runOutputs).metrics)
            }
        }
        return MetricSpread.combine(samples)
    }

    /// The scope of run-time fields: the static scope plus `needs`, `node` and, once evaluated, `env`.
    func runtimeScope(staging: CacheStore.Staging, env: [String: Value]?) -> Scope {
        var scope = node.instance.scope(keyMode: false, env: env)
        scope.roots["needs"] = needs
        scope.roots["node"] = .map(["out": .string(staging.outDir), "id": .string(node.id)])
        scope.latePrefixes = [["run"]] + (env == nil ? [["env"]] : [])
        return scope
    }

    func runAttempts(staging: CacheStore.Staging) -> Result<([String: Value], [String: Value]), StepFailure> {
        var environment: [String: String] = [:]
        var env: [String: Value] = [:]
        let work: StepInvocation.Work?
        do {
            var bare = runtimeScope(staging: staging, env: nil)
            bare.secrets = .values(secrets)
            for e in node.instance.env {
                let v = try e.value.evaluate(in: bare, late: .error(field: "'env'"))
                env[e.name] = v
                environment[e.name] = v.interpolated
            }
            let scope = runtimeScope(staging: staging, env: env)
            switch node.recipe.run {
            case .none: work = nil
            case .shell(let template, _)?:
                work = .shell(
                    command: try template.evaluate(in: scope, late: .error(field: "'run.shell'")).interpolated)
            case .action(let name, let with, _)?:
                var values: [String: Value] = [:]
                for (k, v) in with { values[k] = try v.evaluate(in: scope, late: .error(field: "'run.with'")) }
                guard let action = actions.spec(named: name) else {
                    return .failure(StepFailure(reason: "no built-in action '\(name)' in this build of repro"))
                }
                work = .action(action, with: values)
            }
        } catch {
            return .failure(StepFailure(reason: "cannot evaluate the step: \(error)"))
        }
        guard let work else { return .success(([:], [:])) }
        guard let runner else { return .failure(StepFailure(reason: "no runner named '\(runnerName)'")) }
        let container = image.map { image in
            ContainerInvocation(
                image: image, runtime: node.recipe.container?.runtime ?? .auto,
                network: node.recipe.container?.network ?? false,
                readOnly: node.containerReadOnlyPaths(
                    dependencyEntries: dependencyKeys.values.flatMap { $0 }, cache: cache))
        }

        let attempts = node.recipe.retries + 1
        var last = StepFailure(reason: "did not run")
        for attempt in 1...attempts {
            if cancellation.isCancelled { return .failure(StepFailure(reason: "stopped", cancelled: true)) }
            if attempt > 1 {
                FileOps.removeTree(staging.outDir)
                FileOps.removeTree(staging.workDir)
                try? FileOps.makeDirectories(staging.outDir)
                try? FileOps.makeDirectories(staging.workDir)
                log.err("--- repro: attempt \(attempt) of \(attempts) ---")
            }
            events.emit(.started(node: node.id, key: key, attempt: attempt, of: attempts))
            let outputsFile = staging.path + "/outputs.env"
            let nodeID = node.id
            let events = self.events
            var invocation = StepInvocation(
                nodeID: node.id, key: key, work: work, environment: environment, staging: staging,
                persistentDir: cache.root + "/actions/" + actionName(work), log: log,
                outputsFile: outputsFile, timeout: node.recipe.timeout, resources: node.instance.resources,
                cancellation: cancellation, container: container,
                progress: { events.emit(.progress(node: nodeID, $0)) })
            let mask = SecretMask(secrets)
            invocation.secretNames = Set(environment.filter { mask.mask($0.value) != $0.value }.keys)
            let outcome = runner.run(invocation)
            // What the step printed or reported may hold a secret it was given: masked before anyone reads it.
            if !mask.isEmpty { for path in [log.stdoutPath, log.stderrPath] { mask.mask(file: path) } }
            switch outcome {
            case .succeeded(let outputs, let execution):
                var merged = OutputsFile.read(outputsFile)
                for (k, v) in outputs { merged[k] = v }
                if !mask.isEmpty { merged = merged.mapValues(mask.mask) }
                // The declared outputs are what planning checks recipes against: one returned but not declared
                // is a bug in repro's action, said where the tests see it.
                if case .action(let spec, _) = work, let declared = spec.outputs {
                    let extra = outputs.keys.filter { !declared.contains($0) }.sorted()
                    if !extra.isEmpty {
                        events.emit(
                            .warning(
                                "action '\(spec.name)' returned outputs it does not declare: "
                                    + "\(extra.joined(separator: ", ")) (a bug in repro)"))
                    }
                }
                return .success((merged, execution))
            case .failed(var failure):
                if !mask.isEmpty {
                    failure.reason = mask.mask(failure.reason)
                    failure.stderrTail = failure.stderrTail.map(mask.mask)
                }
                last = failure
                if failure.cancelled || attempt == attempts { break }
                let delay = min(30, Double(1 << (attempt - 1)))
                events.emit(.retrying(node: node.id, attempt: attempt, reason: failure.reason, delay: delay))
                let until = Clock.monotonic() + delay
                while Clock.monotonic() < until && !cancellation.isCancelled { Clock.sleep(0.05) }
            }
        }
        return .failure(last)
    }
}
