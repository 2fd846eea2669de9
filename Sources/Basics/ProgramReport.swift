#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

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

    public var commandLine: String { Command.display(result.argv) }

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

/// A signal's name (`SIGKILL`), for messages about how a program ended.
public enum SignalName {
    public static func of(_ s: Int32) -> String {
        let names: [Int32: String] = [
            SIGHUP: "SIGHUP", SIGINT: "SIGINT", SIGQUIT: "SIGQUIT", SIGILL: "SIGILL",
            SIGABRT: "SIGABRT", SIGFPE: "SIGFPE", SIGKILL: "SIGKILL", SIGSEGV: "SIGSEGV",
            SIGPIPE: "SIGPIPE", SIGALRM: "SIGALRM", SIGTERM: "SIGTERM", SIGBUS: "SIGBUS",
        ]
        return names[s] ?? "signal \(s)"
    }
}
