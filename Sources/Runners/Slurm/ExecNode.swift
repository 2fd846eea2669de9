import Foundation
import Recipes
import Workflow

/// `repro exec-node`: what a batch job runs. It plans the recorded request again, finds its node, and reuses
/// or builds it against the shared cache (its dependencies' jobs have succeeded, so their entries are there),
/// then writes the node's result file into the run folder for the submitting `repro` to read.
public enum ExecNode {
    public static func run(runFolder: String, nodeList: String, index: Int, environment: [String: String])
        -> Int32
    {
        let folder = RunFolder(id: FileSystemPath.lastComponent(runFolder), path: FileSystemPath.absolute(runFolder))
        guard let record = RequestRecord.read(folder) else {
            TextOutput.stderr("repro exec-node: \(RequestRecord.path(folder)) is missing or unreadable\n")
            return 2
        }
        let ids = ((try? FileSystemPath.readText(nodeList)) ?? "").split(separator: "\n").map(String.init)
        guard ids.indices.contains(index) else {
            TextOutput.stderr("repro exec-node: no node at index \(index) of \(nodeList)\n")
            return 2
        }
        let nodeID = ids[index]
        let workspace = Workspace(
            recipeDirectories: record.recipeDirectories, recipeOrigins: record.recipeOrigins,
            cacheDirectory: record.cacheDirectory,
            runsDirectory: record.runsDirectory, environment: environment)
        let session = RunSession(
            workspace: workspace, options: record.options, command: CommandLine.arguments,
            host: record.host)
        let plan: Plan
        do { plan = try session.plan(record.requests) } catch {
            TextOutput.stderr("repro exec-node: \(error)\n")
            return 2
        }
        guard let node = plan.nodes.first(where: { $0.id == nodeID }) else {
            TextOutput.stderr("repro exec-node: the plan has no node '\(nodeID)' (did the recipes change?)\n")
            return 2
        }
        var execution: [String: Value] = ["host": .string(HostInfo.hostname)]
        if let job = environment["SLURM_JOB_ID"] { execution["slurm_job"] = .string(job) }
        if let task = environment["SLURM_ARRAY_TASK_ID"], let array = environment["SLURM_ARRAY_JOB_ID"] {
            execution["slurm_job"] = .string("\(array)_\(task)")
        }
        let cache = workspace.cache
        do { try cache.prepare() } catch {
            TextOutput.stderr("repro exec-node: \(error)\n")
            return 2
        }
        let containers = workspace.containerImages
        let runner = AnnotatingRunner(
            base: LocalRunner(environment: environment, containers: containers), execution: execution)
        let executor = Executor(
            plan: plan, cache: cache, runners: ["local": runner], actions: session.actions,
            options: record.options, events: PlainRenderer(), folder: folder,
            cancellation: Cancellation(), repro: ReproVersion.build, secrets: session.secrets(for: plan),
            images: containers)
        let result = executor.runOne(node.index, recordAs: "slurm")
        BatchResultFile.write(result, node: nodeID, folder: folder, execution: execution)
        return result.status == .built || result.status == .hit ? 0 : 1
    }
}

/// A runner that adds where a step ran (host, Slurm job) to what the base runner reports.
struct AnnotatingRunner: StepRunner {
    let base: any StepRunner
    let execution: [String: Value]
    var name: String { base.name }

    func run(_ step: StepInvocation) -> StepOutcome {
        switch base.run(step) {
        case .succeeded(let outputs, let e):
            return StepOutcome.succeeded(outputs: outputs, execution: e.merging(execution) { _, new in new })
        case .failed(var f):
            f.execution = f.execution.merging(execution) { _, new in new }
            return .failed(f)
        }
    }
}
