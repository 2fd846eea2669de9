import Basics
import Foundation
import Recipes
import Synchronization
import Workflow

/// Runs steps on this machine: shell steps as a process group with a clean environment, actions on the
/// calling thread; both stopped on cancellation and at their timeout.
public struct LocalRunner: StepRunner {
    public let name = "local"
    /// The invoking environment's PATH, handed to steps (not part of keys; detect tools with `detect`).
    let path: String
    let home: String
    /// The action worker executable (`repro-step`).
    let worker: String
    /// Container runtimes and images, for steps with `container:` (without it they fail, saying so).
    let containers: ContainerImages?
    /// The caller's environment: container runtimes read their own settings from it (never the step).
    let callerEnvironment: [String: String]

    public init(environment: [String: String], containers: ContainerImages? = nil) {
        path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        home = environment["HOME"] ?? "/root"
        // Absolute: steps run in folders of their own, where a relative REPRO_STEP would name another file.
        worker = FileSystemPath.absolute(
            environment["REPRO_STEP"] ?? FileSystemPath.parent(CommandLine.executablePath) + "/repro-step")
        self.containers = containers
        callerEnvironment = environment
    }

    public func run(_ step: StepInvocation) -> StepOutcome {
        switch step.work {
        case .shell(let command): return runShell(command, step)
        case .action(let spec, let with):
            if let action = spec as? any Action { return runInProcess(action, with: with, step) }
            return runInWorker(spec, with: with, step)
        }
    }

    /// The environment of a shell step: PATH, HOME, a locale, TMPDIR, the REPRO_* variables, and the declared
    /// environment (which wins).
    func environment(for step: StepInvocation) -> [String: String] {
        var env = stepVariables(step)
        env["PATH"] = env["PATH"] ?? path
        env["HOME"] = env["HOME"] ?? home
        return env
    }

    /// What a step gets wherever it runs (a container keeps its image's own PATH and HOME): a locale, TMPDIR, the
    /// REPRO_* variables, thread counts, and the declared environment (which wins).
    func stepVariables(_ step: StepInvocation) -> [String: String] {
        var env: [String: String] = [
            "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TMPDIR": step.staging.workDir,
            "REPRO_OUT": step.staging.outDir, "REPRO_OUTPUTS": step.outputsFile, "REPRO_NODE": step.nodeID,
            "REPRO_KEY": step.key, "REPRO_CPUS": String(step.resources.cpus),
            // Native math libraries take their thread count from the step's CPUs unless the recipe says otherwise.
            "OPENBLAS_NUM_THREADS": String(step.resources.cpus), "OMP_NUM_THREADS": String(step.resources.cpus),
        ]
        for (k, v) in step.environment { env[k] = v }
        return env
    }

    /// Longer shell text than this goes to the step through a file: Linux limits one argument to 128 KiB.
    static let longestArgument = 64 * 1024

    func runShell(_ command: String, _ step: StepInvocation) -> StepOutcome {
        if let container = step.container { return runInContainer(command, step, container) }
        let bash = FileManager.default.isExecutableFile(atPath: "/bin/bash")
        var argv = bash ? ["/bin/bash", "-e", "-o", "pipefail", "-c", command] : ["/bin/sh", "-e", "-c", command]
        if command.utf8.count > LocalRunner.longestArgument {
            let script = step.staging.workDir + "/repro-step.sh"
            do { try FileOps.write(command, to: script) } catch {
                return .failed(StepFailure(reason: "cannot write the step's script \(script): \(error)"))
            }
            argv.removeLast()
            argv.removeAll { $0 == "-c" }
            argv.append(script)
        }
        let end: ChildProcess.Termination
        let timedOut: Bool
        switch runProcess(argv, step) {
        case .failure(let f): return .failed(f)
        case .success(let (e, t)): (end, timedOut) = (e, t)
        }
        return outcome(end, timedOut: timedOut, step)
    }

    /// Starts a process for the step in its own group, stops it on cancellation or timeout, and waits.
    func runProcess(
        _ argv: [String], _ step: StepInvocation, extra: [(parent: Int32, child: Int32)] = [],
        environment: [String: String]? = nil
    ) -> Result<(ChildProcess.Termination, Bool), StepFailure> {
        let child: ChildProcess
        do {
            child = try ChildProcess(
                argv: argv, environment: environment ?? self.environment(for: step), directory: step.staging.outDir,
                stdoutPath: step.log.stdoutPath, stderrPath: step.log.stderrPath, extra: extra)
        } catch {
            return .failure(StepFailure(reason: "\(error)"))
        }
        ProcessGroups.record(pgid: child.pid, in: step.staging.path + "/pgid")
        step.cancellation.onCancel { child.terminate() }
        let watchdog = Watchdog(timeout: step.timeout) { child.terminate() }
        let end = child.wait()
        return .success((end, watchdog.stop()))
    }

    /// A finished process as a step outcome, with the reason in words.
    func outcome(_ end: ChildProcess.Termination, timedOut: Bool, _ step: StepInvocation) -> StepOutcome {
        let tail = StepLog.tail(step.log.stderrPath)
        if timedOut {
            return .failed(
                StepFailure(
                    reason: "timed out after \(TextOutput.duration(step.timeout ?? 0))",
                    signal: end.signal, timedOut: true, stderrTail: tail))
        }
        if step.cancellation.isCancelled && end.exitCode != 0 {
            return .failed(StepFailure(reason: "stopped", signal: end.signal, cancelled: true, stderrTail: tail))
        }
        if let code = end.exitCode {
            if code == 0 { return .succeeded(outputs: [:], execution: ["host": .string(HostInfo.hostname)]) }
            return .failed(StepFailure(reason: "exited with status \(code)", exitCode: code, stderrTail: tail))
        }
        let signal = end.signal ?? 0
        return .failed(StepFailure(reason: "killed by \(SignalName.of(signal))", signal: signal, stderrTail: tail))
    }
}

/// Calls `fire` once if `timeout` seconds pass before `stop()`.
final class Watchdog: Sendable {
    private let state = Mutex<(stopped: Bool, fired: Bool)>((false, false))

    init(timeout: Double?, fire: @escaping @Sendable () -> Void) {
        guard let timeout else { return }
        let deadline = Clock.monotonic() + timeout
        let thread = Thread { [self] in
            while Clock.monotonic() < deadline {
                if state.withLock({ $0.stopped }) { return }
                Clock.sleep(min(0.05, max(0.001, deadline - Clock.monotonic())))
            }
            let shouldFire = state.withLock { s -> Bool in
                if s.stopped { return false }
                s.fired = true
                return true
            }
            if shouldFire { fire() }
        }
        thread.start()
    }

    /// Stops watching; true when the timeout had already fired.
    func stop() -> Bool {
        state.withLock { s in
            s.stopped = true
            return s.fired
        }
    }
}
