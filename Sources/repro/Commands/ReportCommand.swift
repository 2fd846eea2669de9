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
            """)

    @Option(help: "The HTML file to write.") var out: String = "report.html"
    @Option(help: "Changes worse than this are regressions (default: each metric's tolerance).") var threshold: Share?
    @OptionGroup var location: LocationOptions

    func run() throws {
        let w = location.workspace
        do {
            let store = try HistoryRecorder.open(cacheDirectory: w.cacheDirectory)
            let html = try ReportPage.html(
                store: store, latestRun: try store.runs().last,
                percentiles: ReportPage.latestPercentiles(runsDirectory: w.runsDirectory, cache: w.cache),
                threshold: threshold?.value)
            try FileOps.writeAtomically(html, to: out)
        } catch { throw fail("error: \(error)") }
        Output.line("report: \(out)")
    }
}
