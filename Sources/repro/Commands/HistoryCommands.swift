import ArgumentParser
import Basics
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

/// Numbers, changes and series as the history commands print them.
enum HistoryText {
    static func number(_ v: Double?) -> String { v.map(TextOutput.number) ?? "-" }
    static func percent(_ c: Double?) -> String { c.map { String(format: "%+.1f%%", $0 * 100) } ?? "-" }

    static func verdict(_ j: MetricJudgement) -> String {
        switch j {
        case .better: "better"
        case .same: "same"
        case .worse: "worse"
        }
    }

    /// Per series, what tells it apart from the other series of its node (`count=6`); nothing when a node has one.
    static func labels(_ points: [HistoryStore.Point], _ series: [String: Series]) -> [String: String] {
        var byNode: [String: Set<String>] = [:]
        for p in points { byNode[p.node, default: []].insert(p.series) }
        var out: [String: String] = [:]
        for ids in byNode.values {
            for (id, label) in Series.labels(ids.compactMap { series[$0] }) { out[id] = label }
        }
        return out
    }
}

/// `--since`: a duration back from now (`90m`, `12h`, `2d`), a time (`2026-12-06T03:00`, UTC) or a run
/// (`last~3`, an id or prefix).
struct Since: ExpressibleByArgument {
    let text: String

    init?(argument: String) { text = argument }

    /// The ISO 8601 time it names: a run's start, or now less the duration.
    func start(runs: RunStore) throws -> String {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86400]
        if let unit = text.last.flatMap({ units[$0] }), let amount = Double(text.dropLast()), amount >= 0 {
            return Clock.iso8601(Clock.now() - amount * unit)
        }
        if text.count >= 10, text.first?.isNumber == true, text.contains("-"), text.dropFirst(10).first == "T" {
            return text
        }
        return try runs.manifest(try runs.resolve(text)).started
    }
}

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
            points = try store.points(recipe: recipe, metric: metric)
            series = try store.series()
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
                let s = p.seriesID.flatMap { series[$0] }
                let v: Value = .map([
                    "run": .string(p.run), "started": .string(p.started), "node": .string(p.node),
                    "recipe": .string(p.recipe), "series": .string(p.series),
                    "variations": .list((s?.variations ?? []).map { .string($0) }), "inputs": .map(s?.inputs ?? [:]),
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
        let labels = HistoryText.labels(points, series)
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
            """)

    @Argument(help: "The baseline run (an id, a unique prefix, last, last~N).") var runA: String
    @Argument(help: "The run to compare with it.") var runB: String
    @Option(help: "Changes beyond this count as better or worse (default: each metric's tolerance).")
    var threshold: Share?
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
