import Basics
import Foundation
import Recipes
import Workflow

/// One `repro run`: plan the requests, run the plan, write the manifest. The CLI only parses and prints.
public struct RunSession {
    public let workspace: Workspace
    public var options: RunOptions
    public var command: [String]
    public let actions: ActionCatalog
    /// The `host` root of expressions (a Slurm job uses the submitter's, so keys agree).
    public var host: Value

    public init(
        workspace: Workspace, options: RunOptions, command: [String], actions: ActionCatalog = BuiltinActions.catalog,
        host: Value? = nil
    ) {
        self.workspace = workspace
        self.options = options
        self.command = command
        self.actions = actions
        self.host = host ?? workspace.hostValue
    }

    /// Errors before anything runs: recipes, planning, options.
    public enum Failure: Error, CustomStringConvertible {
        case recipe(RecipeError)
        case workflow(WorkflowError)
        case setup(String)

        public var description: String {
            switch self {
            case .recipe(let e): e.description
            case .workflow(let e): e.description
            case .setup(let s): "error: \(s)"
            }
        }
    }

    public func plan(_ requests: [PlanRequest]) throws(Failure) -> Plan {
        let registry: RecipeRegistry
        do { registry = try workspace.registry() } catch { throw .recipe(error) }
        let planner = Planner(
            registry: registry, actions: actions, host: host, measuredRepeat: options.repeatMeasured,
            secretNames: Set(workspace.environment.keys))
        let plan: Plan
        do { plan = try planner.plan(requests) } catch { throw .workflow(error) }
        for name in options.fresh where !plan.nodes.contains(where: { $0.id == name || $0.recipe.name == name }) {
            throw .workflow(.noSuchNode(name, candidates: plan.nodes.map(\.id) + plan.recipes.map(\.name)))
        }
        return plan
    }

    public struct Outcome {
        public var summary: RunSummary
        public var plan: Plan
        public var results: [Executor.NodeResult]
        public var folder: RunFolder
        public var manifest: Manifest
    }

    /// The secrets the plan's recipes read (`host.secret.NAME`) that the invoking environment gives.
    public func secrets(for plan: Plan) -> [String: String] {
        var out: [String: String] = [:]
        for name in plan.namesRead(as: "host.secret") { out[name] = workspace.environment[name] }
        return out
    }

    /// The `host` value as `request.json` keeps it for batch jobs, which plan with it: everything but the invoking
    /// environment, of which only the variables the plan's recipes read as `host.env.NAME` (a job needs them to
    /// compute the same keys). The rest of the environment — tokens among it — is nobody's business.
    static func recordedHost(_ host: Value, _ plan: Plan) -> Value {
        guard case .map(var m) = host, let env = m["env"]?.mapValue else { return host }
        let read = plan.namesRead(as: "host.env")
        m["env"] = .map(env.filter { read.contains($0.key) })
        return .map(m)
    }

    /// Runs a plan to the end and records it. Returns even when steps failed (see `summary.status`).
    public func execute(
        _ plan: Plan, requests: [PlanRequest], events: any EventSink,
        cancellation: Cancellation
    ) throws(Failure) -> Outcome {
        let cache = workspace.cache
        let folder: RunFolder
        do {
            try cache.prepare()
            folder = try RunFolder.create(in: workspace.runsDirectory)
        } catch {
            throw .setup("\(error)")
        }
        let started = Clock.now()
        let t0 = Clock.monotonic()
        events.emit(.runStarted(id: folder.id, nodes: plan.nodes.count, folder: folder.path))
        for w in plan.warnings { events.emit(.warning(w)) }
        let record = RequestRecord(
            requests: requests, options: options, workspace: workspace, host: RunSession.recordedHost(host, plan))
        try? FileOps.write(record.json.prettyJSON(), to: RequestRecord.path(folder))
        let containers = workspace.containerImages
        let runners: [String: any StepRunner] = [
            "local": LocalRunner(environment: workspace.environment, containers: containers)
        ]
        var batch: [String: any BatchScheduler] = [:]
        if plan.nodes.contains(where: { ($0.runner ?? options.defaultRunner) == .slurm }) {
            if let problem = SlurmScheduler.available(environment: workspace.environment) { throw .setup(problem) }
            batch["slurm"] = SlurmScheduler(reproPath: CommandLine.executablePath, environment: workspace.environment)
        }
        let adoptable =
            batch.isEmpty ? [:] : InterruptedRun.jobs(matching: record, in: workspace.runsDirectory, except: folder)
        let executor = Executor(
            plan: plan, cache: cache, runners: runners, actions: actions, options: options,
            events: events, folder: folder, cancellation: cancellation,
            repro: ReproVersion.build, secrets: secrets(for: plan), batch: batch, adoptable: adoptable,
            images: containers)
        let status = executor.run()
        let context = Manifest.Context(
            runID: folder.id, command: command, requests: requests, options: options,
            repro: ReproVersion.build, started: started, finished: Clock.now(), cacheRoot: cache.root)
        let manifest = Manifest(plan: plan, results: executor.results, status: status, context: context)
        do {
            try manifest.write(to: folder.manifestPath)
        } catch {
            events.emit(.warning("cannot write the manifest: \(error)"))
        }
        var summary = RunSummary(
            id: folder.id, status: status, hits: 0, built: 0, failed: 0, notRun: 0, skipped: 0,
            seconds: Clock.monotonic() - t0, manifestPath: folder.manifestPath)
        for r in executor.results {
            switch r.status {
            case .hit: summary.hits += 1
            case .built: summary.built += 1
            case .failed: summary.failed += 1
            case .skipped: summary.skipped += 1
            default: summary.notRun += 1
            }
        }
        summary.roots = plan.roots.map { i in
            let r = executor.results[i]
            return RootResult(
                node: plan.nodes[i].id, recipe: plan.nodes[i].recipe.name, status: r.status, outputs: r.outputs,
                metrics: r.meta?.metrics ?? [:])
        }
        events.emit(.runFinished(summary))
        events.finish()
        return Outcome(summary: summary, plan: plan, results: executor.results, folder: folder, manifest: manifest)
    }
}
