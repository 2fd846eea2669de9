import ArgumentParser
import Basics
import Foundation
import History
import Recipes
import Runners
import Workflow

struct RegressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "regress",
        abstract: "Exit 1 when a metric got worse than its baseline, series by series.",
        discussion: """
            Each metric is compared with earlier runs of the same request only (recipe, variations, inputs; a
            changed input starts a new series, and says so), and judged by its recipe's `better:` and
            `tolerance:` (a higher/lower metric without one: 5%); --threshold sets it for every higher/lower metric
            (a seeded `equal` metric keeps its own). --since
            checks every series a nightly batch of several runs touched. Run it after the nightly `repro run`s.
            Examples:
              repro regress                # the latest run against the last measurement
              repro regress --since 12h    # every series measured in the last 12 hours
              repro regress --baseline best --threshold 10%
              repro regress --baseline last~1 --run last
              repro regress --json
            Exit status: 0 no regression, 1 regressions (listed), 2 bad input.
            """)

    @Option(help: "last, best, or a run (an id, a unique prefix, last~N).") var baseline: Baseline = .last
    @Option(help: "How much worse counts, for every metric (5% or 0.05; default: each metric's tolerance).")
    var threshold: Share?
    @Option(name: .customLong("run"), help: "The run to judge (default: the latest).") var judged: String = "last"
    @Option(
        help: ArgumentHelp(
            "Judge every series measured since then: a duration (90m, 12h, 2d), a UTC time or a run.",
            valueName: "when"))
    var since: Since?
    @Flag(help: "One JSON object on stdout: every metric judged, and the regressions.") var json = false
    @OptionGroup var location: LocationOptions

    func run() throws {
        let w = location.workspace
        let runs = RunStore(directory: w.runsDirectory)
        let scope: Regression.Scope
        let what: String
        let changes: [MetricChange]
        var base = baseline
        do {
            if let since {
                let start = try since.start(runs: runs)
                scope = .since(start)
                what = "series measured since \(start.prefix(19))"
            } else {
                let id = try runs.resolve(judged)
                scope = .run(id)
                what = id
            }
            if case .run(let name) = base { base = .run(try runs.resolve(name)) }
            changes = try Regression.check(
                scope, baseline: base, store: HistoryRecorder.open(cacheDirectory: w.cacheDirectory))
        } catch { throw fail(error) }
        let t = threshold?.value
        let regressions = changes.filter { $0.regressed(threshold: t) }
        let compared = changes.filter { $0.baseline != nil }.count
        let rule = threshold.map { "\($0)" } ?? "its tolerance"
        let summary = "\(compared) compared, \(changes.count - compared) without a baseline"
        if json {
            let v: Value = .map([
                "judged": .string(what), "baseline": .string("\(baseline)"),
                "threshold": t.map(Value.double) ?? .null, "compared": .int(compared),
                "regressions": .int(regressions.count),
                "metrics": .list(changes.map { HistoryText.json($0, threshold: t) }),
            ])
            Output.json(v)
            if !regressions.isEmpty { throw ExitCode(1) }
            return
        }
        for c in changes where c.baseline == nil {
            if let follows = c.follows {
                Output.line(
                    "note: \(c.node) \(c.name): a new series (\(follows.differences.joined(separator: ", "))); "
                        + "nothing earlier of this request to compare with")
            }
        }
        if regressions.isEmpty {
            Output.line("repro regress: \(what): no metric worse than \(rule) against \(baseline) (\(summary))")
            return
        }
        var rows = [["NODE", "METRIC", "BASELINE", "NOW", "CHANGE", "TOLERANCE", "BETTER", "BASELINE RUN", "RUN"]]
        for c in regressions {
            let tolerance = c.tolerance(override: t)
            rows.append([
                c.node, c.name, HistoryText.number(c.baseline), HistoryText.number(c.current),
                HistoryText.percent(c.change), "±\(TextOutput.number(tolerance.value * 100))% (\(tolerance.source))",
                c.better.rawValue, c.baselineRun ?? "-", c.run,
            ])
        }
        Output.line(
            "repro regress: \(what): \(regressions.count) metric\(regressions.count == 1 ? "" : "s") worse than "
                + "\(rule) against \(baseline) (\(summary)):")
        Output.line(Output.table(rows))
        throw ExitCode(1)
    }
}
