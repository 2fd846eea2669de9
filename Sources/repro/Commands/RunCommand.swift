import ArgumentParser
import Recipes
import Runners
import Workflow

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a recipe and everything it needs, reusing what the cache holds.",
        discussion: """
            The outputs of the asked-for node go to stdout; progress, warnings and the summary to stderr.

            Examples:
              repro run demo
              repro run demo count=1000 shards=8       # inputs as name=value
              repro run dataset,digits                 # by tags
              repro run train-digits,_resnet8          # with a variation
              repro run demo --fresh demo-shard        # rebuild these even if cached
              repro run demo demo-numbers.count=500    # NODE.name=value: a dependency's
              repro run demo --json                    # the last event holds the outputs
              repro run demo --quiet                   # only the outputs (and errors)

            Every run writes runs/<id>/manifest.json and the logs of its steps (see 'repro show').
            Exit status: 0 when everything succeeded, 1 when a step failed, 2 for bad input, 130 when stopped.
            """)

    @OptionGroup var request: RequestArguments
    @OptionGroup var location: LocationOptions
    @OptionGroup var flags: RunFlags

    @Flag(help: "Print events as JSON lines on stdout; the last ('summary') holds the outputs and metrics.")
    var json = false

    @Flag(name: .shortAndLong, help: "Print only the outputs, warnings and failures (no progress, no summary line).")
    var quiet = false

    func run() throws {
        let workspace = location.workspace
        let planRequest: PlanRequest
        do { planRequest = try request.request() } catch { throw fail(error) }
        let session = RunSession(workspace: workspace, options: flags.options, command: CommandLine.arguments)
        let output: RunOutput = json ? .json : quiet ? .quiet : .text
        let outcome = try planAndRun(session, [planRequest], workspace: workspace, output: output)
        if !json { RunReport.print(outcome.summary, quiet: quiet) }
        // Freeing a large plan and its results can cost more than a cached run itself: keep them to the end.
        KeptUntilExit.keep(outcome)
        switch outcome.summary.status {
        case .succeeded: return
        case .failed: throw ExitCode(1)
        case .cancelled: throw ExitCode(130)
        }
    }
}

/// The lines printed after a run: what the asked-for nodes produced (stdout), and the counts (stderr).
enum RunReport {
    /// A value on one line: numbers at a readable precision, long lists and maps by their size (the manifest has
    /// them all).
    static func brief(_ v: Value) -> String {
        if case .double(let d) = v { return TextOutput.number(d) }
        let text = v.interpolated
        // A text of several lines (a results table) is shown whole, below its name.
        if case .string(let s) = v, s.contains("\n"), s.count <= 20_000 {
            return "\n"
                + s.split(separator: "\n", omittingEmptySubsequences: false).map { "    " + $0 }.joined(separator: "\n")
        }
        if text.count <= 160 { return text }
        switch v {
        case .list(let l): return "(a list of \(l.count); see the manifest)"
        case .map(let m): return "(a map of \(m.count) keys; see the manifest)"
        default: return String(text.prefix(157)) + "..."
        }
    }

    /// `NAME:` then `  key = value` lines for outputs and `  metric key = value` lines for metrics.
    static func lines(node: String, outputs: [String: Value], metrics: [String: Value]) -> [String] {
        let shown = outputs.keys.sorted().filter { $0 != "dir" || outputs.count == 1 }
        var out: [String] = []
        for k in shown { out.append("  \(k) = \(brief(outputs[k]!))") }
        for k in metrics.keys.sorted() { out.append("  metric \(k) = \(brief(metrics[k]!))") }
        return out.isEmpty ? [] : ["\(node):"] + out
    }

    static func print(_ s: RunSummary, quiet: Bool = false) {
        for root in s.roots where root.status == .hit || root.status == .built {
            for line in lines(node: root.node, outputs: root.outputs, metrics: root.metrics) { Output.line(line) }
        }
        if quiet && s.status == .succeeded { return }
        var parts = ["\(s.hits) cached", "\(s.built) built"]
        if s.failed > 0 { parts.append("\(s.failed) failed") }
        if s.notRun > 0 { parts.append("\(s.notRun) not run") }
        if s.skipped > 0 { parts.append("\(s.skipped) skipped") }
        Output.error(
            "repro: run \(s.id) \(s.status.rawValue): \(parts.joined(separator: ", ")) in "
                + "\(TextOutput.duration(s.seconds)) (manifest: \(DisplayPath.of(s.manifestPath)))")
    }
}

/// Values kept alive until the process exits, so the run's last step is not spent freeing them.
enum KeptUntilExit {
    final class Box<T> {
        let value: T
        init(_ value: T) { self.value = value }
    }

    static func keep<T>(_ value: T) { _ = Unmanaged.passRetained(Box(value)) }
}
