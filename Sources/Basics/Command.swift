import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Runs a short external program (sbatch, squeue, tar, the official checker, a power meter, a version probe …) and
/// collects its output.
///
/// The one way repro starts such a program, so that a failure always reads the same (`ProgramReport`): the command
/// line, its exit status or signal, and its last lines. A non-zero exit is a result, not a thrown error.
public enum Command {
    public struct Result: Sendable {
        /// The command line as run (the program and its arguments).
        public var argv: [String]
        /// The exit status; with `signal` set, the signal's number (Foundation's convention); 127 when the program
        /// could not start.
        public var status: Int32
        /// The signal that ended the program, when one did.
        public var signal: Int32?
        public var stdout: String
        public var stderr: String
        /// Set when the program was stopped because it ran past its time limit.
        public var timedOut = false

        public init(
            argv: [String], status: Int32, signal: Int32? = nil, stdout: String, stderr: String, timedOut: Bool = false
        ) {
            self.argv = argv
            self.status = status
            self.signal = signal
            self.stdout = stdout
            self.stderr = stderr
            self.timedOut = timedOut
        }

        public var succeeded: Bool { status == 0 && signal == nil && !timedOut }

        /// Standard output, then standard error (some tools print their version on one, some on the other).
        public var output: String { [stdout, stderr].filter { !$0.isEmpty }.joined(separator: "\n") }
    }

    /// Runs `argv` (looked up on PATH when not absolute); a program that cannot start is status 127.
    /// `directory` is the program's working directory (else repro's own); with `mergeOutput` its standard error
    /// goes into `stdout` as well, in the order written. After `timeout` seconds (nil: no limit) it gets SIGTERM,
    /// and SIGKILL two seconds later.
    public static func run(
        _ argv: [String], environment: [String: String]? = nil, directory: String? = nil, mergeOutput: Bool = false,
        timeout: Double? = 60
    ) -> Result {
        precondition(!argv.isEmpty, "an empty command")
        let p = Process()
        if argv[0].hasPrefix("/") {
            p.executableURL = URL(fileURLWithPath: argv[0])
            p.arguments = Array(argv.dropFirst())
        } else {
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = argv
        }
        if let environment { p.environment = environment }
        if let directory { p.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe().closingOnExec()
        let err = mergeOutput ? out : Pipe().closingOnExec()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        let exited = DispatchSemaphore(value: 0)
        p.terminationHandler = { _ in exited.signal() }
        do { try p.run() } catch {
            return Result(argv: argv, status: 127, stdout: "", stderr: "cannot run \(argv[0]): \(error)")
        }
        let outData = Collector(out.fileHandleForReading)
        let errData = mergeOutput ? nil : Collector(err.fileHandleForReading)
        var timedOut = false
        if let timeout, exited.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            p.terminate()
            if exited.wait(timeout: .now() + 2) == .timedOut { kill(p.processIdentifier, SIGKILL) }
        }
        p.waitUntilExit()
        let signal = p.terminationReason == .uncaughtSignal ? p.terminationStatus : nil
        return Result(
            argv: argv, status: p.terminationStatus, signal: signal, stdout: outData.text(),
            stderr: errData?.text() ?? "", timedOut: timedOut)
    }

    /// The command line as a user could paste it into a shell.
    public static func display(_ argv: [String]) -> String { argv.map(ShellQuoting.quote).joined(separator: " ") }

    /// Reads a pipe to its end on a thread of its own (so a full pipe never blocks the child).
    final class Collector: @unchecked Sendable {
        private var data = Data()
        private let done = DispatchSemaphore(value: 0)

        init(_ handle: FileHandle) {
            Thread {
                self.data = handle.readDataToEndOfFile()
                self.done.signal()
            }.start()
        }

        func text() -> String {
            done.wait()
            return String(decoding: data, as: UTF8.self)
        }
    }
}

extension Pipe {
    /// Marks both ends close-on-exec in this process: the child that gets them as its standard descriptors still
    /// does (dup2 clears the flag), but no other program started meanwhile inherits them. An inherited write end
    /// keeps the reader from ever seeing the end of the output (a test saw a dead SUT go unnoticed for a minute).
    public func closingOnExec() -> Pipe {
        _ = fcntl(fileHandleForReading.fileDescriptor, F_SETFD, FD_CLOEXEC)
        _ = fcntl(fileHandleForWriting.fileDescriptor, F_SETFD, FD_CLOEXEC)
        return self
    }
}
