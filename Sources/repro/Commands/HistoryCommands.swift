import ArgumentParser
import Foundation
import History
import Recipes
import Runners
import Workflow

#if canImport(Glibc)
    import Glibc
#endif

/// The history database of a workspace: `<cache>/history.sqlite`.
enum HistoryDatabase {
    static func path(_ w: Workspace) -> String { w.cacheDirectory + "/history.sqlite" }

    static func open(_ w: Workspace) throws(HistoryStore.Failure) -> HistoryStore { try HistoryStore(path: path(w)) }

    /// After a run: its metrics go into the history. A failure here is a warning; the manifest keeps everything.
    static func record(_ manifest: Value, workspace: Workspace) {
        // A run without metrics leaves the database alone (and costs nothing).
        let hasMetrics = manifest["nodes"]?.listValue?.contains { !($0["metrics"]?.mapValue?.isEmpty ?? true) } ?? false
        guard hasMetrics else { return }
        do { try open(workspace).record(manifest: manifest) } catch {
            Output.error(
                "repro: warning: the run's metrics were not added to the history: \(error) (the run's manifest has them)"
            )
        }
    }

    static func number(_ v: Double?) -> String {
        guard let v else { return "-" }
        if v == v.rounded() && abs(v) < 1e15 { return String(Int(v)) }
        return abs(v) >= 100 ? String(format: "%.1f", v) : String(format: "%.4g", v)
    }

    static func percent(_ c: Double?) -> String { c.map { String(format: "%+.1f%%", $0 * 100) } ?? "-" }

    static func threshold(_ text: String) throws(HistoryStore.Failure) -> Double {
        let t = text.hasSuffix("%") ? Double(text.dropLast()).map { $0 / 100 } : Double(text)
        guard let t, t >= 0 else {
            throw HistoryStore.Failure(
                description: "error: --threshold expects a share such as 5% or 0.05, found '\(text)'")
        }
        return t
    }
}

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Show recorded metrics over time (from cache/history.sqlite).",
        discussion: """
            Every run's metrics are recorded with the recipe, the node's key, the host and the time.
            Examples:
              repro history                          # every metric of every run
              repro history loadgen-digits --metric samples_per_second
              repro history --json | jq .
              repro history --rebuild                # set a damaged database aside, re-read runs/*/manifest.json
            """)

    @Argument(help: "Only this recipe's metrics.") var recipe: String?
    @Option(help: "Only this metric.") var metric: String?
    @Flag(help: "JSON lines on stdout.") var json = false
    @Flag(help: "Rebuild the database from the run manifests (a damaged one is renamed, not deleted).") var rebuild =
        false
    @OptionGroup var location: LocationOptions

    func run() throws {
        let w = location.workspace
        if rebuild {
            let manifests = RunStore(directory: w.runsDirectory).ids.map {
                RunStore(directory: w.runsDirectory).manifestPath($0)
            }
            do {
                let r = try HistoryStore.rebuild(path: HistoryDatabase.path(w), manifests: manifests)
                Output.line(
                    "history: \(r.runs) runs recorded again from \(DisplayPath.of(w.runsDirectory))"
                        + (r.setAside.map { "; the old database is at \(DisplayPath.of($0))" } ?? ""))
            } catch { throw fail(error) }
            return
        }
        let points: [HistoryStore.Point]
        do { points = try HistoryDatabase.open(w).points(recipe: recipe, metric: metric) } catch { throw fail(error) }
        if json {
            for p in points {
                let v: Value = .map([
                    "run": .string(p.run), "started": .string(p.started), "node": .string(p.node),
                    "recipe": .string(p.recipe),
                    "metric": .string(p.name), "value": p.value.map { .double($0) } ?? .string(p.text ?? ""),
                    "unit": p.unit.map { .string($0) } ?? .null, "better": .string(p.better), "cached": .bool(p.cached),
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
                p.started, p.run, p.node, p.name, p.value.map(HistoryDatabase.number) ?? (p.text ?? "-"), p.unit ?? "",
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
              repro compare 20261123-0300 20261124-0300
            """)

    @Argument(help: "The baseline run (an id, a unique prefix, last, last~N).") var runA: String
    @Argument(help: "The run to compare with it.") var runB: String
    @Option(help: "Changes beyond this count as better or worse.") var threshold: String = "5%"
    @OptionGroup var location: LocationOptions

    func run() throws {
        let w = location.workspace
        let store = RunStore(directory: w.runsDirectory)
        let a: String
        let b: String
        do { (a, b) = (try store.resolve(runA), try store.resolve(runB)) } catch { throw fail(error) }
        let t: Double
        do { t = try HistoryDatabase.threshold(threshold) } catch { throw fail(error) }
        let changes: [MetricChange]
        do { changes = try Regression.compare(run: b, baseline: .run(a), store: HistoryDatabase.open(w)) } catch {
            throw fail(error)
        }
        if changes.isEmpty {
            Output.line("\(b) has no recorded metrics")
            return
        }
        var rows = [["NODE", "METRIC", a, b, "CHANGE", "VERDICT"]]
        for c in changes {
            let verdict =
                c.baseline == nil
                ? "new" : c.regressed(threshold: t) ? "worse" : c.improved(threshold: t) ? "better" : "same"
            rows.append([
                c.node, c.name, HistoryDatabase.number(c.baseline), HistoryDatabase.number(c.current),
                HistoryDatabase.percent(c.change), verdict,
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
              repro regress                                  # the latest run against the last measurement, 5%
              repro regress --baseline best --threshold 10%
              repro regress --baseline 20261120-030000.000-ab --run last
            Exit status: 0 no regression, 1 regressions (listed), 2 bad input.
            """)

    @Option(help: "last, best, or a run id.") var baseline: String = "last"
    @Option(help: "How much worse counts (5% or 0.05).") var threshold: String = "5%"
    @Option(name: .customLong("run"), help: "The run to judge (default: the latest).") var judged: String = "last"
    @OptionGroup var location: LocationOptions

    func run() throws {
        let w = location.workspace
        let id: String
        do { id = try RunStore(directory: w.runsDirectory).resolve(judged) } catch { throw fail(error) }
        let t: Double
        do { t = try HistoryDatabase.threshold(threshold) } catch { throw fail(error) }
        var base = Baseline(baseline)
        if case .run(let name) = base {
            do { base = .run(try RunStore(directory: w.runsDirectory).resolve(name)) } catch { throw fail(error) }
        }
        let changes: [MetricChange]
        do { changes = try Regression.compare(run: id, baseline: base, store: HistoryDatabase.open(w)) } catch {
            throw fail(error)
        }
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
                c.node, c.name, HistoryDatabase.number(c.baseline), HistoryDatabase.number(c.current),
                HistoryDatabase.percent(c.change),
                c.better, c.baselineRun ?? "-",
            ])
        }
        Output.line(
            "repro regress: \(id): \(regressions.count) metric\(regressions.count == 1 ? "" : "s") worse than \(threshold) against \(baseline):"
        )
        Output.line(Output.table(rows))
        Glibc.exit(1)
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
              repro report --out /var/www/nightly.html --threshold 10%
            """)

    @Option(help: "The HTML file to write.") var out: String = "report.html"
    @Option(help: "Changes worse than this are highlighted as regressions.") var threshold: String = "5%"
    @OptionGroup var location: LocationOptions

    func run() throws {
        let w = location.workspace
        let t: Double
        do { t = try HistoryDatabase.threshold(threshold) } catch { throw fail(error) }
        let store: HistoryStore
        do { store = try HistoryDatabase.open(w) } catch { throw fail(error) }
        let runs = RunStore(directory: w.runsDirectory)
        // The percentiles of the newest run that has LoadGen performance tests.
        var percentiles: [ReportPage.Percentiles] = []
        for id in runs.ids.reversed() {
            guard let manifest = try? runs.manifest(id), let nodes = manifest.mapValue?["nodes"]?.listValue else {
                continue
            }
            for node in nodes {
                guard let n = node.mapValue, let entry = n["entry"]?.stringValue, let stored = n["outputs"],
                    let outputs = OutputPaths.materialize(stored, outDir: w.cache.entryPath(entry) + "/out").mapValue,
                    outputs["mode"]?.stringValue == "PerformanceOnly",
                    let logs = outputs["logs"]?.stringValue, let scenario = outputs["scenario"]?.stringValue
                else { continue }
                if let p = ReportPage.percentiles(
                    summary: logs + "/mlperf_log_summary.txt", scenario: scenario, node: n["id"]?.stringValue ?? "")
                {
                    percentiles.append(p)
                }
            }
            if !percentiles.isEmpty { break }
        }
        let order = ["SingleStream", "MultiStream", "Server", "Offline"]
        percentiles.sort {
            (order.firstIndex(of: $0.scenario) ?? 9, $0.node) < (order.firstIndex(of: $1.scenario) ?? 9, $1.node)
        }
        do {
            let html = try ReportPage.html(
                store: store, latestRun: try store.runs().last, percentiles: percentiles, threshold: t)
            try html.write(toFile: out, atomically: true, encoding: .utf8)
        } catch { throw fail("error: \(error)") }
        Output.line("report: \(out)")
    }
}
