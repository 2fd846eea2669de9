import Foundation
import Recipes

/// Runs a short command (sbatch, squeue, tar, the official checker …) and collects its output.
public enum Command {
    public struct Result: Sendable {
        /// The command line as run (the program and its arguments).
        public var argv: [String]
        /// The exit status; with `signal` set, the signal's number (Foundation's convention).
        public var status: Int32
        /// The signal that ended the program, when one did.
        public var signal: Int32?
        public var stdout: String
        public var stderr: String
        /// Set when the program was stopped because it ran past its time limit.
        public var timedOut = false
        public var succeeded: Bool { status == 0 && signal == nil && !timedOut }
    }

    /// Runs `argv` (looked up on PATH when not absolute); a program that cannot start is status 127.
    /// `directory` is the program's working directory (else repro's own); with `mergeOutput` its standard error
    /// goes into `stdout` as well, in the order written.
    public static func run(
        _ argv: [String], environment: [String: String]? = nil, directory: String? = nil, mergeOutput: Bool = false,
        timeout: Double = 60
    ) -> Result {
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
        let out = Pipe()
        let err = mergeOutput ? out : Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = FileHandle.nullDevice
        do { try p.run() } catch {
            return Result(argv: argv, status: 127, stdout: "", stderr: "cannot run \(argv[0]): \(error)")
        }
        let outData = Collector(out.fileHandleForReading)
        let errData = mergeOutput ? nil : Collector(err.fileHandleForReading)
        let deadline = Date().addingTimeInterval(timeout)
        while p.isRunning && Date() < deadline { usleep(2_000) }
        let timedOut = p.isRunning
        if timedOut { p.terminate() }
        p.waitUntilExit()
        let signal = p.terminationReason == .uncaughtSignal ? p.terminationStatus : nil
        return Result(
            argv: argv, status: p.terminationStatus, signal: signal, stdout: outData.text(),
            stderr: errData?.text() ?? "", timedOut: timedOut)
    }

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

/// How an external program ended, in words, so that a failed program is never silent: the command line it ran,
/// its exit status or the signal that ended it, the last lines of its output, and where the whole output was
/// saved.
public struct ProgramReport: Sendable, CustomStringConvertible {
    public var result: Command.Result
    /// The file that holds the program's whole output, when it was saved.
    public var logPath: String?
    public var tailLines: Int

    public init(_ result: Command.Result, logPath: String? = nil, tailLines: Int = 20) {
        self.result = result
        self.logPath = logPath
        self.tailLines = tailLines
    }

    /// `exit status 1`, `killed by SIGKILL`, `stopped after 600 s`.
    public var ending: String {
        if result.timedOut { return "stopped: it did not finish in time" }
        if let signal = result.signal { return "killed by \(SignalName.of(signal))" }
        return "exit status \(result.status)"
    }

    /// The last `tailLines` non-empty-ended lines of the output (standard output, then standard error).
    public var tail: [String] {
        let text = [result.stdout, result.stderr].filter { !$0.isEmpty }.joined(separator: "\n")
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while lines.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { lines.removeLast() }
        return Array(lines.suffix(tailLines))
    }

    public var commandLine: String { result.argv.map(ShellQuoting.quote).joined(separator: " ") }

    public var description: String { "command: \(commandLine)\n" + details }

    /// How it ended, its last lines and where its output is (without the command line).
    public var details: String {
        var text = ending
        let tail = self.tail
        if tail.isEmpty {
            text += "; it printed nothing"
        } else {
            text += "; the last \(tail.count) line\(tail.count == 1 ? "" : "s") of its output:\n"
            text += tail.map { "  | " + $0 }.joined(separator: "\n")
        }
        if let logPath { text += "\nits whole output: \(logPath)" }
        return text
    }
}
