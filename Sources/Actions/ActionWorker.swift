import Dispatch
import Fetch
import Recipes
import Runners
import Workflow

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// The body of `repro-step`: runs one built-in action as `ActionWorkerProtocol` describes, in a process of
/// its own (started by the local runner, or by a Slurm job through `repro exec-node`).
public enum ActionWorker {
    /// Every action this worker can run.
    public static var implementations: [any Action] {
        [
            WriteFileAction(), TableAction(), SubmissionAction(), TrainingSubmissionAction(), FetchAction(),
            GitAction(), ExtractAction(), DetectAction(), PreprocessAction(), ModelAction(),
            TrainAction(), LoadGenAction(), AccuracyAction(), AuditAction(), PowerAction(), ImageNetPreprocessAction(),
        ]
    }

    public static func main(_ arguments: [String]) -> Int32 {
        if arguments.count == 5 && arguments[1] == "git-sync" {
            return gitSync(url: arguments[2], revision: arguments[3], path: arguments[4])
        }
        guard arguments.count == 2 else {
            TextOutput.stderr("usage: repro-step REQUEST.json (started by repro to run one built-in action)\n")
            return 2
        }
        let request: ActionWorkerProtocol.Request
        do {
            let json = try Value.parseJSON(bytes: try FileSystemPath.readBytes(arguments[1]))
            guard let r = ActionWorkerProtocol.Request(json: json) else {
                TextOutput.stderr("repro-step: '\(arguments[1])' is not an action request\n")
                return 2
            }
            request = r
        } catch {
            TextOutput.stderr("repro-step: \(error)\n")
            return 2
        }
        func finish(_ result: Value, _ status: Int32) -> Int32 {
            do { try FileOps.writeAtomically(result.canonicalJSON, to: request.resultPath) } catch {
                TextOutput.stderr("repro-step: \(error)\n")
                return 1
            }
            return status
        }
        guard let action = implementations.first(where: { $0.name == request.action }) else {
            return finish(["error": .string("this repro-step has no action '\(request.action)'")], 1)
        }
        let cancellation = Cancellation()
        SignalTrap.install(cancellation, exitOnSecond: false)
        let progressOpen = fcntl(ActionWorkerProtocol.progressDescriptor, F_GETFD) != -1
        let context = ActionContext(
            with: request.with, outDir: request.outDir, workDir: request.workDir, nodeID: request.nodeID,
            environment: environment(request), persistentDir: request.persistentDir, cpus: request.cpus,
            log: StepLog(stdoutPath: "/dev/stdout", stderrPath: "/dev/stderr"), cancellation: cancellation,
            progress: { p in
                if progressOpen {
                    TextOutput.write(ActionWorkerProtocol.progressLine(p), to: ActionWorkerProtocol.progressDescriptor)
                }
            })
        do {
            let outputs = try action.run(context)
            return finish(["outputs": .map(outputs)], 0)
        } catch {
            TextOutput.stderr("error: \(error)\n")
            return finish(["error": .string("\(error)")], 1)
        }
    }

    /// The step's environment: the request's, and the secrets it names from this process's own environment
    /// (the runner set them there and kept them out of the request file).
    static func environment(_ request: ActionWorkerProtocol.Request) -> [String: String] {
        var env = request.environment
        for name in request.secretNames {
            if let value = getenv(name) { env[name] = String(cString: value) }
        }
        return env
    }

    /// `repro-step git-sync URL REV PATH`: clones or updates a work tree to a revision (for `repro pull`) and
    /// prints `{"commit": ...}`, or the error and status 1. REV `-` means the default branch.
    static func gitSync(url: String, revision: String, path: String) -> Int32 {
        do {
            let result = try GitCheckout.cloneOrUpdate(url: url, revision: revision == "-" ? nil : revision, path: path)
            TextOutput.stdout(Value.map(["commit": .string(result.commit)]).canonicalJSON + "\n")
            return 0
        } catch {
            TextOutput.stderr("\(error)\n")
            return 1
        }
    }
}
