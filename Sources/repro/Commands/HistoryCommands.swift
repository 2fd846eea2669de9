import ArgumentParser
import Foundation
import History
import Recipes
import Runners
import Workflow

/// A share on the command line: `5%` or `0.05`.
struct Share: ExpressibleByArgument, CustomStringConvertible {
    let value: Double
    let description: String

    init?(argument: String) {
        let v = argument.hasSuffix("%") ? Double(argument.dropLast()).map { $0 / 100 } : Double(argument)
        guard let v, v >= 0, v.isFinite else { return nil }
        value = v
        description = argument
    }

    static var defaultCompletionKind: CompletionKind { .list(["5%", "10%"]) }
}

extension Baseline: ExpressibleByArgument {
    public init?(argument: String) { self.init(argument) }
    public static var defaultCompletionKind: CompletionKind { .list(["last", "best"]) }
}

/// Numbers and changes as the history commands print them.
enum HistoryText {
    static func number(_ v: Double?) -> String { v.map(TextOutput.number) ?? "-" }
    static func percent(_ c: Double?) -> String { c.map { String(format: "%+.1f%%", $0 * 100) } ?? "-" }
}

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Show recorded metrics over time (from cache/history.sqlite).",
        discussion: """
            Every run's metrics are recorded with the recipe, the node's key, the host and the time.
            Examples:
              repro history                          # every metric of every run
              repro history demo --metric sum_of_squares
              repro history --json
              repro history --rebuild        # set it aside, re-read runs/*/manifest.json
            Exit status: 0, or 2 for bad input (a metric or recipe the history does not hold).
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
        do {
            let store = try HistoryRecorder.open(cacheDirectory: w.cacheDirectory)
            points = try store.points(recipe: recipe, metric: metric)
            if points.isEmpty, let metric {
                let known = Set(try store.points(recipe: recipe).map(\.name)).sorted()
                throw HistoryStore.Failure(
                    description: "error: no metric '\(metric)' in the history\(recipe.map { " of '\($0)'" } ?? "")"
                        + Suggestions.hint(for: metric, in: known)
                        + (known.isEmpty
                            ? " (no metrics are recorded yet)" : " (metrics: \(known.joined(separator: ", ")))"))
            }
        } catch { throw fail(error) }
        if json {
            for p in points {
                let v: Value = .map([
                    "run": .string(p.run), "started": .string(p.started), "node": .string(p.node),
                    "recipe": .string(p.recipe),
                    "metric": .string(p.name), "value": p.value.map { .double($0) } ?? .string(p.text ?? ""),
                    "unit": p.unit.map { .string($0) } ?? .null, "better": .string(p.better.rawValue),
                    "cached": .bool(p.cached),
                ])
                Output.line(v.canonicalJSON)
            }
            return
        }
        if points.isEmpty {
            Output.line("no metrics recorded yet\(recipe.map { " for \($0)" } ?? "")")
            return
        }
        var rows = [["STARTED", "RUN", "NODE", "METRIC", "VALUE", "", "CACHED"]]
        for p in points {
            rows.append([
                p.started, p.run, p.node, p.name, p.value.map(TextOutput.number) ?? (p.text ?? "-"), p.unit ?? "",
                p.cached ? "yes" : "",
            ])
        }
        Output.line(Output.table(rows))
    }
}

struct CompareCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "compare",
        abstract: "Compare the metrics of two runs, metric by metric.",
        discussion: """
            Examples:
              repro compare last~1 last
              repro compare last~1 last --threshold 10%
            """)

    @Argument(help: "The baseline run (an id, a unique prefix, last, last~N).") var runA: String
    @Argument(help: "The run to compare with it.") var runB: String
    @Option(help: "Changes beyond this count as better or worse (5% or 0.05).") var threshold = Share(argument: "5%")!
    @OptionGroup var location: LocationOptions

    func run() throws {
        let w = location.workspace
        let store = RunStore(directory: w.runsDirectory)
        let changes: [MetricChange]
        let (a, b): (String, String)
        do {
            (a, b) = (try store.resolve(runA), try store.resolve(runB))
            changes = try Regression.compare(
                run: b, baseline: .run(a), store: HistoryRecorder.open(cacheDirectory: w.cacheDirectory))
        } catch { throw fail(error) }
        if changes.isEmpty {
            Output.line("\(b) has no recorded metrics")
            return
        }
        let t = threshold.value
        var rows = [["NODE", "METRIC", a, b, "CHANGE", "VERDICT"]]
        for c in changes {
            let verdict = c.baseline == nil ? "new" : c.judgement(threshold: t)?.rawValue ?? "same"
            rows.append([
                c.node, c.name, HistoryText.number(c.baseline), HistoryText.number(c.current),
                HistoryText.percent(c.change), verdict,
            ])
        }
        Output.line(Output.table(rows))
    }
}

struct RegressCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "regress",
        abstract: "Exit 1 when a metric of the latest run got worse than a baseline by more than a threshold.",
        discussion: """
            Direction comes from each metric's `better:` in its recipe (throughput higher, latency lower; `equal`
            metrics such as a seeded accuracy must not move). Run it after the nightly `repro run`.
            Examples:
              repro regress                # the latest run against the last measurement
              repro regress --baseline best --threshold 10%
              repro regress --baseline last~1 --run last
            Exit status: 0 no regression, 1 regressions (listed), 2 bad input.
            """)

    @Option(help: "last, best, or a run (an id, a unique prefix, last~N).") var baseline: Baseline = .last
    @Option(help: "How much worse counts (5% or 0.05).") var threshold = Share(argument: "5%")!
    @Option(name: .customLong("run"), help: "The run to judge (default: the latest).") var judged: String = "last"
    @OptionGroup var location: LocationOptions

    func run() throws {
        let w = location.workspace
        let runs = RunStore(directory: w.runsDirectory)
        let id: String
        let changes: [MetricChange]
        var base = baseline
        do {
            id = try runs.resolve(judged)
            if case .run(let name) = base { base = .run(try runs.resolve(name)) }
            changes = try Regression.compare(
                run: id, baseline: base, store: HistoryRecorder.open(cacheDirectory: w.cacheDirectory))
        } catch { throw fail(error) }
        let t = threshold.value
        let regressions = changes.filter { $0.regressed(threshold: t) }
        let compared = changes.filter { $0.baseline != nil }.count
        if regressions.isEmpty {
            Output.line(
                "repro regress: \(id): no metric worse than \(threshold) against \(baseline) (\(compared) compared, "
                    + "\(changes.count - compared) without a baseline)")
            return
        }
        var rows = [["NODE", "METRIC", "BASELINE", "NOW", "CHANGE", "BETTER", "BASELINE RUN"]]
        for c in regressions {
            rows.append([
                c.node, c.name, HistoryText.number(c.baseline), HistoryText.number(c.current),
                HistoryText.percent(c.change), c.better.rawValue, c.baselineRun ?? "-",
            ])
        }
        Output.line(
            "repro regress: \(id): \(regressions.count) metric\(regressions.count == 1 ? "" : "s") worse than "
                + "\(threshold) against \(baseline):")
        Output.line(Output.table(rows))
        throw ExitCode(1)
    }
}

struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Write a self-contained HTML report: latest results, latency percentiles, metrics over time.",
        discussion: """
            The page has no script and loads nothing from the network: tables and SVG plots only.
            Examples:
              repro report                         # report.html
              repro report --out nightly.html --threshold 10%
            """)

    @Option(help: "The HTML file to write.") var out: String = "report.html"
    @Option(help: "Changes worse than this are highlighted as regressions.") var threshold = Share(argument: "5%")!
    @OptionGroup var location: LocationOptions

    func run() throws {
        let w = location.workspace
        do {
            let store = try HistoryRecorder.open(cacheDirectory: w.cacheDirectory)
            let html = try ReportPage.html(
                store: store, latestRun: try store.runs().last,
                percentiles: ReportPage.latestPercentiles(runsDirectory: w.runsDirectory, cache: w.cache),
                threshold: threshold.value)
            try FileOps.writeAtomically(html, to: out)
        } catch { throw fail("error: \(error)") }
        Output.line("report: \(out)")
    }
}
