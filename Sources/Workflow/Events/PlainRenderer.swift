import Basics
import Recipes
import Synchronization

/// One line per event on stderr, for logs and pipes (no terminal control codes).
public final class PlainRenderer: EventSink {
    /// Per running node: when its last progress line was printed (its start time until the first one).
    private let lastProgress = Mutex<[String: Double]>([:])
    private let verbose: Bool
    private let quiet: Bool
    /// "cached" lines not yet written, and when the first of them was held: a fully cached run reports every node
    /// at once, and one write per line was a visible share of its time. They are written within 0.1 s, before any
    /// other line, and at the end.
    private let held = Mutex<(text: String, since: Double)>(("", 0))

    /// - Parameter quiet: only warnings and failures.
    public init(verbose: Bool = false, quiet: Bool = false) {
        self.verbose = verbose
        self.quiet = quiet
    }

    public func emit(_ event: RunEvent) {
        if quiet {
            switch event {
            case .warning, .failed: break
            default: return
            }
        }
        if case .started(let node, _, _, _) = event {
            lastProgress.withLock { $0[node] = Clock.monotonic() - 7 }
        }
        // A progress line once a step has run 3 s, then every 10 s: a quick step shows none, a slow one shows
        // where it is (a line taken at its very start would say nothing).
        let due: (String) -> Bool = { node in
            let now = Clock.monotonic()
            return self.lastProgress.withLock { last -> Bool in
                if let t = last[node], now - t < 10 { return false }
                last[node] = now
                return true
            }
        }
        guard let line = PlainRenderer.line(for: event, verbose: verbose, progressDue: due) else { return }
        let now = Clock.monotonic()
        let text = held.withLock { held -> String in
            if case .hit = event {
                if held.text.isEmpty { held.since = now }
                held.text += line + "\n"
                guard held.text.utf8.count >= 1 << 16 || now - held.since >= 0.1 else { return "" }
                defer { held.text = "" }
                return held.text
            }
            defer { held.text = "" }
            return held.text + line + "\n"
        }
        if !text.isEmpty { TextOutput.stderr(text) }
    }

    public func finish() {
        let text = held.withLock { held -> String in
            defer { held.text = "" }
            return held.text
        }
        if !text.isEmpty { TextOutput.stderr(text) }
    }

    /// The text of an event, shared with the live view for lines that stay on screen.
    static func line(for event: RunEvent, verbose: Bool, progressDue: ((String) -> Bool)?) -> String? {
        switch event {
        case .runStarted(let id, let nodes, _): return "repro: run \(id): \(nodes) node\(nodes == 1 ? "" : "s")"
        case .warning(let text): return text.hasPrefix("note: ") ? text : "warning: \(text)"
        case .hit(let node, let key): return "  cached   \(node)  \(key.prefix(12))"
        case .waitingForLock(let node, let holder):
            return "  waiting  \(node): another repro is building it (\(holder.isEmpty ? "lock held" : holder))"
        case .started(let node, let key, let attempt, let of):
            return "  running  \(node)  \(key.prefix(12))"
                + (of > 1 && attempt > 1 ? "  (attempt \(attempt) of \(of))" : "")
        case .submitted(let node, let job, let adopted):
            return "  \(adopted ? "adopted " : "queued  ") \(node)  job \(job)"
        case .output(let node, let line): return verbose ? "  | \(node): \(line)" : nil
        case .progress(let node, let p):
            // Plain output gets a progress line at most every 10 seconds per node.
            if let progressDue, !progressDue(node) { return nil }
            return "  ...      \(node): \(ProgressText.describe(p))"
        case .retrying(let node, let attempt, let reason, let delay):
            return "  retry    \(node): attempt \(attempt) failed (\(reason)); again in \(TextOutput.duration(delay))"
        case .succeeded(let node, _, let seconds): return "  built    \(node)  \(TextOutput.duration(seconds))"
        case .failed(let node, let failure): return FailureText.describe(node: node, failure: failure)
        case .notRun(let node, let reason): return "  not run  \(node): \(reason)"
        case .skipped(let node): return verbose ? "  skipped  \(node) ('if' is false)" : nil
        case .runFinished: return nil
        }
    }
}

/// How a failed step is shown: status, reason, the tail of its stderr and where the full log is.
public enum FailureText {
    public static func describe(node: String, failure: StepFailure) -> String {
        var lines = ["  failed   \(node): \(failure.reason)"]
        if !failure.stderrTail.isEmpty {
            lines.append("           last lines of stderr:")
            lines += failure.stderrTail.map { "           | \($0)" }
        }
        if let log = failure.logPath, !failure.cancelled { lines.append("           log: \(DisplayPath.of(log))") }
        return lines.joined(separator: "\n")
    }
}

/// Progress as text: `12.0 MiB of 200.0 MiB (6%), 95.1 MiB/s, 2s left`.
public enum ProgressText {
    public static func describe(_ p: StepProgress) -> String {
        let isBytes = p.unit == "bytes"
        func amount(_ v: Double) -> String { isBytes ? TextOutput.bytes(v) : "\(Int(v)) \(p.unit)" }
        var text = amount(p.done)
        if let total = p.total, total > 0 {
            text += " of \(amount(total)) (\(Int(100 * p.done / total))%)"
        }
        if !p.detail.isEmpty { text += ", \(p.detail)" }
        return text
    }
}
