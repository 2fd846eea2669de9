import ArgumentParser
import Foundation
import Runners

struct ExecNodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "exec-node",
        abstract: "Run one node of a recorded run against the shared cache (what a Slurm job runs).",
        discussion: """
            Internal: started by the slurm runner inside each job, not meant to be
            typed, and not listed by `repro --help`. It plans the request recorded in
            RUN_FOLDER/request.json, takes the node on line INDEX of the node list,
            reuses or builds it, and writes RUN_FOLDER/results/<node>.json.
            It has no --json: that file is its result for machines, read by the repro
            that submitted the job (status, entry, host and Slurm job, and for a failed
            step its reason, exit code and last stderr lines); its stdout and stderr
            go to the job's log, which that repro shows when the job fails.
            Example:
              repro exec-node --run-folder runs/20261123-040000.000-ab \\
                --node-list runs/20261123-040000.000-ab/slurm/group-1.nodes --index 0
            Exit status: 0 the node was built or reused, 1 its step failed, 2 the
            recorded request, the node list, the node or the cache cannot be read or
            used here (no results file is written then).
            """,
        shouldDisplay: false)

    @Option(help: "The run folder of the submitting repro.") var runFolder: String
    @Option(help: "A file with one node id per line.") var nodeList: String
    @Option(help: "Which line (0-based; an array job passes its task id).") var index: Int = 0

    func run() throws {
        let status = ExecNode.run(
            runFolder: runFolder, nodeList: nodeList, index: index,
            environment: ProcessInfo.processInfo.environment)
        if status != 0 { throw ExitCode(status) }
    }
}
