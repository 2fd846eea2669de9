import Foundation
import Recipes
import Workflow

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Actions: light ones on the runner's thread, the others in the worker process `repro-step`.
extension LocalRunner {
    func runInProcess(_ action: any Action, with: [String: Value], _ step: StepInvocation) -> StepOutcome {
        let stepCancellation = Cancellation()
        step.cancellation.onCancel { stepCancellation.cancel() }
        let watchdog = Watchdog(timeout: step.timeout) { stepCancellation.cancel() }
        let context = ActionContext(
            with: with, outDir: step.staging.outDir, workDir: step.staging.workDir, nodeID: step.nodeID,
            environment: step.environment, persistentDir: step.persistentDir, cpus: step.resources.cpus, log: step.log,
            cancellation: stepCancellation, progress: step.progress)
        let result: Result<[String: Value], any Error>
        do { result = .success(try action.run(context)) } catch { result = .failure(error) }
        let timedOut = watchdog.stop()
        if timedOut {
            return .failed(
                StepFailure(
                    reason: "timed out after \(TextOutput.duration(step.timeout ?? 0))", timedOut: true,
                    stderrTail: StepLog.tail(step.log.stderrPath)))
        }
        switch result {
        case .success(let outputs):
            return .succeeded(outputs: outputs, execution: ["host": .string(HostInfo.hostname)])
        case .failure(let error):
            if step.cancellation.isCancelled { return .failed(StepFailure(reason: "stopped", cancelled: true)) }
            step.log.err("error: \(error)")
            return .failed(StepFailure(reason: "\(error)", stderrTail: StepLog.tail(step.log.stderrPath)))
        }
    }

    func runInWorker(_ spec: any ActionSpec, with: [String: Value], _ step: StepInvocation) -> StepOutcome {
        guard FileManager.default.isExecutableFile(atPath: worker) else {
            return .failed(
                StepFailure(
                    reason: "the action worker '\(worker)' is missing; build it with "
                        + "'swift build --product repro-step' (or set REPRO_STEP)"))
        }
        let requestPath = step.staging.path + "/action-request.json"
        let resultPath = step.staging.path + "/action-result.json"
        var request = ActionWorkerProtocol.Request(
            action: spec.name, with: with, outDir: step.staging.outDir, workDir: step.staging.workDir,
            nodeID: step.nodeID, environment: environment(for: step).filter { !step.secretNames.contains($0.key) },
            persistentDir: step.persistentDir, cpus: step.resources.cpus, resultPath: resultPath)
        request.secretNames = step.secretNames.sorted()
        do { try FileOps.write(request.json.prettyJSON(), to: requestPath) } catch {
            return .failed(StepFailure(reason: "\(error)"))
        }
        defer {
            unlink(requestPath)
            unlink(resultPath)
        }
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return .failed(StepFailure(reason: "cannot make a pipe")) }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        let reader = ProgressReader(fd: fds[0], report: step.progress)
        let run = runProcess([worker, requestPath], step, extra: [(fds[1], ActionWorkerProtocol.progressDescriptor)])
        close(fds[1])
        reader.finish()
        let end: ChildProcess.Termination
        let timedOut: Bool
        switch run {
        case .failure(let f): return .failed(f)
        case .success(let (e, t)): (end, timedOut) = (e, t)
        }
        let result = (try? FileSystemPath.readBytes(resultPath)).flatMap { try? Value.parseJSON(bytes: $0) }
        if !timedOut, end.exitCode == 0, let outputs = result?["outputs"]?.mapValue {
            return .succeeded(outputs: outputs, execution: ["host": .string(HostInfo.hostname)])
        }
        if !timedOut, !step.cancellation.isCancelled, let message = result?["error"]?.stringValue {
            return .failed(
                StepFailure(
                    reason: message, exitCode: end.exitCode, signal: end.signal,
                    stderrTail: StepLog.tail(step.log.stderrPath)))
        }
        return outcome(end, timedOut: timedOut, step)
    }
}

/// Reads progress lines from the worker's pipe on a thread of its own.
final class ProgressReader: Sendable {
    private let done = DispatchSemaphore(value: 0)

    init(fd: Int32, report: @escaping @Sendable (StepProgress) -> Void) {
        let done = self.done
        let thread = Thread {
            var pending = [UInt8]()
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                pending += buffer[0..<n]
                while let newline = pending.firstIndex(of: 10) {
                    let line = String(decoding: pending[..<newline], as: UTF8.self)
                    pending.removeSubrange(...newline)
                    if let p = ActionWorkerProtocol.parseProgress(line) { report(p) }
                }
            }
            close(fd)
            done.signal()
        }
        thread.start()
    }

    /// Waits until the worker's end of the pipe is closed (it has exited).
    func finish() { done.wait() }
}
