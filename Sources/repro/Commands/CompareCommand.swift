import ArgumentParser
import Basics
import Foundation
import History
import Recipes
import Runners
import Workflow

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare the metrics of two runs, like with like: each series of one run with the same in the other.",
        discussion: """
            A metric is compared only with the same request's (recipe, variations, inputs); one that only a run
            has is listed with what differs from the other run's request of that node.
            Examples:
              repro compare last~1 last
              repro compare last~1 last --threshold 10%
              repro compare last~1 last --json
            """)

    @Argument(help: "The baseline run (an id, a unique prefix, last, last~N).") var runA: String
    @Argument(help: "The run to compare with it.") var runB: String
    @Option(help: "Changes beyond this count as better or worse (default: each metric's tolerance).")
    var threshold: Share?
    @Flag(help: "One JSON object on stdout: the pairs, and the metrics only the first run has.") var json = false
    @OptionGroup var location: LocationOptions

    func run() throws {
        let w = location.workspace
        let store = RunStore(directory: w.runsDirectory)
        let result: (pairs: [MetricChange], onlyInA: [MetricChange])
        let (a, b): (String, String)
        do {
            (a, b) = (try store.resolve(runA), try store.resolve(runB))
            result = try Regression.compare(a, b, store: HistoryRecorder.open(cacheDirectory: w.cacheDirectory))
        } catch { throw fail(error) }
        if json {
            let t = threshold?.value
            let v: Value = .map([
                "a": .string(a), "b": .string(b),
                "pairs": .list(result.pairs.map { HistoryText.json($0, threshold: t) }),
                "only_in_a": .list(result.onlyInA.map { HistoryText.json($0, threshold: t) }),
            ])
            Output.json(v)
            return
        }
        if result.pairs.isEmpty && result.onlyInA.isEmpty {
            Output.line("neither \(a) nor \(b) has recorded metrics")
            return
        }
        var rows = [["NODE", "METRIC", a, b, "CHANGE", "VERDICT"]]
        for c in result.pairs {
            let verdict: String
            if c.baseline == nil {
                verdict = "only in \(b)" + (c.follows.map { " (\($0.differences.joined(separator: ", ")))" } ?? "")
            } else {
                verdict = c.judgement(threshold: threshold?.value).map(HistoryText.verdict) ?? "-"
            }
            rows.append([
                c.node, c.name, HistoryText.number(c.baseline), HistoryText.number(c.current),
                HistoryText.percent(c.change), verdict,
            ])
        }
        for c in result.onlyInA {
            rows.append([
                c.node, c.name, HistoryText.number(c.current), "-", "-",
                "only in \(a)" + (c.follows.map { " (\($0.differences.joined(separator: ", ")))" } ?? ""),
            ])
        }
        Output.line(Output.table(rows))
    }
}
