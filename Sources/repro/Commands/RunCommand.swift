import ArgumentParser
import Recipes
import Runners
import Workflow

#if canImport(Glibc)
    import Glibc
#endif

struct RunCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a recipe and everything it needs, reusing what the cache holds.",
        discussion: """
            Examples:
              repro run demo
              repro run dataset,digits,_small           # by tags, with a variation
              repro run train-digits epochs=5 seed=3    # inputs as name=value
              repro run demo --fresh shard              # rebuild the 'shard' nodes even if cached
              repro run demo --json | jq .              # events as JSON lines

            Every run writes runs/<id>/manifest.json and the logs of its steps (see 'repro show').
            Exit status: 0 when everything succeeded, 1 when a step failed, 2 for bad input, 130 when stopped.
            """)

    @Argument(help: "A recipe name, or tags and _variations separated by commas.")
    var selection: String

    @Argument(help: "Inputs of the selected recipe, as name=value.")
    var inputs: [String] = []

    @OptionGroup var location: LocationOptions

    @Option(
        name: .customLong("fresh"),
        help: ArgumentHelp("Rebuild this node (id or recipe name) even if cached (repeatable).", valueName: "node"))
    var fresh: [String] = []

    @Flag(help: "Reuse nothing from the cache (results are still stored).")
    var noCache = false

    @Flag(help: "Reuse the newest measurement of measured steps instead of measuring again.")
    var reuseMeasured = false

    @Option(help: "CPUs to keep busy at once (default: all).")
    var cpus: Int?

    @Option(help: "The runner for steps whose recipe names none: local or slurm.")
    var runner: String = "local"

    @Flag(help: "Print events as JSON lines on stdout.")
    var json = false

    func run() throws {
        let workspace = location.workspace
        var options = RunOptions()
        options.noCache = noCache
        options.fresh = fresh
        options.reuseMeasured = reuseMeasured
        if let cpus {
            guard cpus > 0 else { throw fail("error: --cpus must be at least 1") }
            options.cpus = cpus
        }
        options.defaultRunner = runner
        let provided: [String: ProvidedInput]
        do { provided = try InputArguments.parse(inputs) } catch { throw fail(error) }
        let requests = [PlanRequest(selection: Selection(parsing: selection), inputs: provided)]
        let session = RunSession(workspace: workspace, options: options, command: CommandLine.arguments)
        let outcome = try planAndRun(session, requests, workspace: workspace, json: json)
        if !json { RunReport.print(outcome) }
        // Exit here rather than unwinding: freeing a large plan and its results costs more than the run itself
        // when everything was cached.
        switch outcome.summary.status {
        case .succeeded: Glibc.exit(0)
        case .failed: Glibc.exit(1)
        case .cancelled: Glibc.exit(130)
        }
    }
}

/// The lines printed after a run: what the asked-for nodes produced, and the counts.
enum RunReport {
    /// A value on one line: scalars whole, long lists and maps by their size (the manifest has them all).
    static func brief(_ v: Value) -> String {
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

    static func print(_ outcome: RunSession.Outcome) {
        let s = outcome.summary
        for root in outcome.plan.roots {
            let node = outcome.plan.nodes[root]
            let result = outcome.results[root]
            guard result.status == .hit || result.status == .built else { continue }
            let shown = result.outputs.keys.sorted().filter { $0 != "dir" || result.outputs.count == 1 }
            if !shown.isEmpty {
                Output.error("\(node.id):")
                for k in shown { Output.error("  \(k) = \(RunReport.brief(result.outputs[k]!))") }
            }
            if let metrics = result.meta?.metrics, !metrics.isEmpty {
                for k in metrics.keys.sorted() { Output.error("  metric \(k) = \(metrics[k]!.interpolated)") }
            }
        }
        var parts = ["\(s.hits) cached", "\(s.built) built"]
        if s.failed > 0 { parts.append("\(s.failed) failed") }
        if s.notRun > 0 { parts.append("\(s.notRun) not run") }
        if s.skipped > 0 { parts.append("\(s.skipped) skipped") }
        Output.error(
            "repro: run \(s.id) \(s.status.rawValue): \(parts.joined(separator: ", ")) in "
                + "\(TextOutput.duration(s.seconds)) (manifest: \(DisplayPath.of(s.manifestPath)))")
    }
}
