import ArgumentParser
import Basics
import Foundation
import History
import Recipes
import Runners
import Workflow

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Show recorded metrics over time, series by series (from cache/history.sqlite).",
        discussion: """
            A series is one request: the same recipe, variations and inputs, needing the same requests. Where a node
            has several, the REQUEST column tells them apart by what differs (count=6).
            Examples:
              repro history                          # every metric of every run
              repro history demo --metric sum_of_squares
              repro history --json
              repro history --rebuild        # set it aside, re-read runs/*/manifest.json
            Exit status: 0, or 2 for bad input (a metric the history does not hold).
            """)

    @Argument(help: "Only this recipe's metrics.", completion: .custom(RecipeCompletion.names)) var recipe: String?
    @Option(help: "Only this metric.") var metric: String?
    @Flag(help: "JSON lines on stdout.") var json = false
    @Flag(help: "Rebuild the database from the run manifests (a damaged one is renamed, not deleted).") var rebuild =
        false
    @OptionGroup var location: LocationOptions

    func run() throws {
        let w = location.workspace
        if rebuild {
            do {
                let r = try HistoryRecorder.rebuild(cacheDirectory: w.cacheDirectory, runsDirectory: w.runsDirectory)
                Output.line(
                    "history: \(r.runs) runs recorded again from \(DisplayPath.of(w.runsDirectory))"
                        + (r.setAside.map { "; the old database is at \(DisplayPath.of($0))" } ?? ""))
            } catch { throw fail(error) }
            return
        }
        let points: [HistoryStore.Point]
        let series: [String: Series]
        do {
            let store = try HistoryRecorder.open(cacheDirectory: w.cacheDirectory)
            points = try HistoryQuery.points(store, recipe: recipe, metric: metric)
            series = try store.series()
        } catch { throw fail(error) }
        if json {
            for p in points {
                Output.jsonLine(HistoryQuery.record(p, series: p.seriesID.flatMap { series[$0] }))
            }
            return
        }
        if points.isEmpty {
            Output.line("no metrics recorded yet\(recipe.map { " for \($0)" } ?? "")")
            return
        }
        let labels = HistoryQuery.labels(points, series)
        var rows = [["STARTED", "RUN", "NODE", "REQUEST", "METRIC", "VALUE", "", "CACHED"]]
        for p in points {
            rows.append([
                String(p.started.prefix(19)), p.run, p.node, labels[p.series] ?? "", p.name,
                p.value.map(TextOutput.number) ?? (p.text ?? "-"), p.unit ?? "", p.cached ? "yes" : "",
            ])
        }
        Output.line(Output.table(rows))
    }
}
