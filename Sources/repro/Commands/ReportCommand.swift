import ArgumentParser
import Basics
import Foundation
import History
import Recipes
import Runners
import Workflow

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a self-contained HTML report: latest results, latency percentiles, metrics over time.",
        discussion: """
            The page has no script and loads nothing from the network: tables and SVG plots only, one line per
            series (request).
            Examples:
              repro report                         # report.html
              repro report --out nightly.html --threshold 10%
              repro report --json                  # and its rows as JSON
            """)

    @Option(help: "The HTML file to write.") var out: String = "report.html"
    @Option(help: "Changes worse than this are regressions (default: each metric's tolerance).") var threshold: Share?
    @Flag(help: "Also print the page's rows as one JSON object on stdout (see docs/command-line.md).") var json = false
    @OptionGroup var location: LocationOptions

    func run() throws {
        let w = location.workspace
        do {
            let store = try HistoryRecorder.open(cacheDirectory: w.cacheDirectory)
            let runs = try store.runs()
            let percentiles = ReportPage.latestPercentiles(runsDirectory: w.runsDirectory, cache: w.cache)
            let html = try ReportPage.html(
                store: store, latestRun: runs.last, percentiles: percentiles, threshold: threshold?.value)
            try FileOps.writeAtomically(html, to: out)
            if json {
                let rows = try runs.last.map { try Regression.check(.run($0), baseline: .last, store: store) } ?? []
                Output.json(
                    ReportCommand.json(
                        out: out, runs: runs, rows: rows, percentiles: percentiles, threshold: threshold?.value
                    ))
                return
            }
        } catch { throw fail("error: \(error)") }
        Output.line("report: \(out)")
    }

    /// `--json`: the page's file, the runs it covers, its latest-results rows (as `regress --json` prints a
    /// metric) and the latest run's latency percentiles in ms.
    static func json(
        out: String, runs: [String], rows: [MetricChange], percentiles: [ReportPage.Percentiles], threshold: Double?
    ) -> Value {
        let sorted = rows.sorted { ($0.node, $0.name) < ($1.node, $1.name) }
        return .map([
            "report": .string(FileSystemPath.absolute(out)), "runs": .int(runs.count),
            "latest_run": runs.last.map(Value.string) ?? .null,
            "regressions": .int(rows.filter { $0.regressed(threshold: threshold) }.count),
            "rows": .list(sorted.map { HistoryText.json($0, threshold: threshold) }),
            "percentiles": .list(
                percentiles.map { p in
                    .map([
                        "scenario": .string(p.scenario), "node": .string(p.node),
                        "ms": .map(Dictionary(p.values.map { ($0.0, Value.double($0.1)) }) { a, _ in a }),
                    ])
                }),
        ])
    }
}
