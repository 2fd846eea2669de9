import Basics
import Foundation
import Recipes
import Synchronization
import Workflow

/// Hands nodes to Slurm: each submitted node is a job (or a task of an array job) that runs
/// `repro exec-node` against the shared cache; dependencies are `--dependency=afterok:…` with
/// `--kill-on-invalid-dep=yes`, so Slurm holds the order and drops the dependants of a failed job.
///
/// Settings: `resources` of the recipe (`cpus` → `--cpus-per-task`, `memory` → `--mem`, `time` → `--time`, else
/// the recipe's `timeout`, `partition`, `gres`, `account`, `slurm` → extra options), then the environment:
/// `REPRO_SLURM_PARTITION`, `REPRO_SLURM_ACCOUNT`, `REPRO_SLURM_OPTIONS` (extra options, space-separated).
public final class SlurmScheduler: BatchScheduler {
    public let name = "slurm"
    let reproPath: String
    let environment: [String: String]
    private let arrays = Mutex(0)

    public init(reproPath: String, environment: [String: String]) {
        self.reproPath = reproPath
        self.environment = environment
    }

    /// Whether `sbatch` and `squeue` are on PATH (a clear error beats a failed submission per node).
    public static func available(environment: [String: String]) -> String? {
        for tool in ["sbatch", "squeue", "scontrol", "scancel"] {
            if Command.run(["sh", "-c", "command -v \(tool)"], environment: environment).stdout.isEmpty {
                return "'\(tool)' is not on PATH: the slurm runner needs the Slurm client commands"
            }
        }
        return nil
    }

    public func submit(_ nodes: [BatchNode], after: [String], folder: RunFolder) throws(BatchError) -> [String] {
        let dir = folder.path + "/slurm"
        let group = arrays.withLock { n -> Int in
            n += 1
            return n
        }
        let list = "\(dir)/group-\(group).nodes"
        do {
            try FileOps.makeDirectories(dir)
            try FileOps.write(nodes.map(\.id).joined(separator: "\n") + "\n", to: list)
        } catch {
            throw BatchError("\(error)")
        }
        var args = [
            "sbatch", "--parsable", "--job-name=repro:\(nodes[0].recipe)", "--kill-on-invalid-dep=yes",
            // A job lost with its node is reported (and built by the next run), not started again behind repro's back.
            "--no-requeue", "--chdir=\(folder.path)",
        ]
        if nodes.count > 1 {
            args += ["--array=0-\(nodes.count - 1)", "--output=\(dir)/%A_%a.out"]
        } else {
            args.append("--output=\(dir)/%j.out")
        }
        if !after.isEmpty { args.append("--dependency=afterok:" + after.map { $0 }.joined(separator: ":")) }
        args += options(for: nodes[0])
        let command =
            "exec \(ShellQuoting.quote(reproPath)) exec-node --run-folder \(ShellQuoting.quote(folder.path)) "
            + "--node-list \(ShellQuoting.quote(list)) --index ${SLURM_ARRAY_TASK_ID:-0}"
        args.append("--wrap=\(command)")
        let r = Command.run(args, environment: environment)
        guard r.succeeded,
            let job = r.stdout.split(separator: "\n").first?.split(separator: ";").first.map(String.init),
            !job.isEmpty
        else {
            throw BatchError("sbatch did not submit the job:\n\(ProgramReport(r))")
        }
        return nodes.count > 1 ? (0..<nodes.count).map { "\(job)_\($0)" } : [job]
    }

    /// The recipe (the job's name) and the `sbatch` options: nodes that agree on both may be tasks of one array.
    public func arrayKey(for node: BatchNode) -> String {
        ([node.recipe] + options(for: node)).joined(separator: "\u{1}")
    }

    /// The `sbatch` options for a node's resources.
    func options(for node: BatchNode) -> [String] {
        let r = node.resources
        var out = ["--cpus-per-task=\(r.cpus)"]
        if let m = r.memory { out.append("--mem=\(m)") }
        if let t = r.time {
            out.append("--time=\(t)")
        } else if let timeout = node.timeout {
            out.append("--time=\(Int((timeout / 60).rounded(.up)) + 1)")
        }
        if let p = r.partition ?? environment["REPRO_SLURM_PARTITION"] { out.append("--partition=\(p)") }
        if let a = r.account ?? environment["REPRO_SLURM_ACCOUNT"] { out.append("--account=\(a)") }
        if let g = r.gres { out.append("--gres=\(g)") }
        out += r.slurmOptions
        if let extra = environment["REPRO_SLURM_OPTIONS"] { out += extra.split(separator: " ").map(String.init) }
        return out
    }

    public func poll(_ jobs: [String]) -> [String: BatchJobState] {
        var states: [String: BatchJobState] = [:]
        let r = Command.run(["squeue", "-h", "-r", "-o", "%i|%T|%N"], environment: environment)
        var live: [String: (String, String)] = [:]
        if r.succeeded {
            for line in r.stdout.split(separator: "\n") {
                let f = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
                if f.count >= 3 { live[f[0]] = (f[1], f[2]) }
            }
        } else {
            // squeue failing says nothing about the jobs: ask again at the next poll.
            return [:]
        }
        for job in jobs {
            if let (state, host) = live[job] {
                switch state {
                case "PENDING", "CONFIGURING", "REQUEUED", "RESIZING", "SUSPENDED": states[job] = .queued
                case "RUNNING", "COMPLETING": states[job] = .running(host: host)
                default: states[job] = ended(job)
                }
            } else {
                states[job] = ended(job)
            }
        }
        return states
    }

    /// How a job that left the queue ended: scontrol while Slurm remembers it, then sacct, then sacct -c.
    func ended(_ job: String) -> BatchJobState {
        let s = Command.run(["scontrol", "show", "job", "-o", job], environment: environment)
        if s.succeeded, let state = field("JobState", in: s.stdout) {
            if ["PENDING", "RUNNING", "CONFIGURING", "COMPLETING"].contains(state) {
                return state == "PENDING" ? .queued : .running(host: field("NodeList", in: s.stdout) ?? "")
            }
            return .ended(state: state, exitCode: exitCode(field("ExitCode", in: s.stdout)))
        }
        for args in [
            ["sacct", "-n", "-P", "-X", "-j", job, "-o", "State,ExitCode"],
            ["sacct", "-c", "-n", "-P", "-j", job, "-o", "State,ExitCode"],
        ] {
            let a = Command.run(args, environment: environment)
            if a.succeeded, let line = a.stdout.split(separator: "\n").first {
                let f = line.split(separator: "|").map(String.init)
                if let state = f.first?.split(separator: " ").first.map(String.init) {
                    return .ended(state: state, exitCode: exitCode(f.count > 1 ? f[1] : nil))
                }
            }
        }
        return .ended(state: "UNKNOWN", exitCode: nil)
    }

    func field(_ name: String, in text: String) -> String? {
        for part in text.split(separator: " ") where part.hasPrefix(name + "=") {
            return String(part.dropFirst(name.count + 1))
        }
        return nil
    }

    /// `3:0` → 3; a job killed by a signal `0:9` → 128+9.
    func exitCode(_ text: String?) -> Int32? {
        guard let parts = text?.split(separator: ":"), let code = Int32(parts.first ?? "") else { return nil }
        if code == 0, parts.count > 1, let sig = Int32(parts[1]), sig != 0 { return 128 + sig }
        return code
    }

    public func cancel(_ jobs: [String]) {
        guard !jobs.isEmpty else { return }
        _ = Command.run(["scancel"] + jobs, environment: environment)
    }

    public func isAlive(_ job: String) -> Bool {
        let r = Command.run(["squeue", "-h", "-r", "-j", job, "-o", "%T"], environment: environment)
        return r.succeeded
            && ["PENDING", "RUNNING", "CONFIGURING", "COMPLETING"].contains(
                r.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    public func outputTail(job: String, node: String, folder: RunFolder) -> [String] {
        StepLog.tail(folder.path + "/slurm/\(job).out")
    }
}
