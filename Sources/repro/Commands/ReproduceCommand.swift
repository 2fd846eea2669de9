import ArgumentParser
import Foundation
import Recipes
import Runners
import Workflow

#if canImport(Glibc)
    import Glibc
#endif

struct ReproduceCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reproduce",
        abstract: "Run a published result again from its manifest and compare it metric by metric.",
        discussion: """
            The manifest holds the exact recipe texts, the requests and their inputs, every node's metrics and the
            machine. repro runs the same requests with nothing reused from the cache, then prints, metric by
            metric: published value, reproduced value, difference, tolerance and verdict. Values that must not move
            (`better: equal`, such as a seeded accuracy) must match exactly; measurements must be within the
            recipe's tolerance (±10% when it states none); LoadGen VALID/INVALID must agree. A different machine
            (CPU, CPU count, OpenBLAS build or threads) is named as a likely cause of a mismatch.

            Examples:
              repro reproduce published/mlperf-digits/manifest.json
              repro reproduce published/mlperf-digits        # a folder with manifest.json
              repro reproduce "runs/$(ls runs | tail -n 1)"  # a run of your own
            Exit status: 0 when every value reproduced, 1 otherwise, 2 for bad input.
            """)

    @Argument(help: "A manifest.json, or a folder holding one (a published result).") var source: String
    @OptionGroup var location: LocationOptions

    func run() throws {
        var path = source
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw fail("error: \(source) does not exist (expected a manifest.json or a folder with one)")
        }
        if isDirectory.boolValue { path += "/manifest.json" }
        let published: Manifest
        do { published = try Manifest.read(path) } catch { throw fail(error) }
        let requestList = published.request.requests
        guard !requestList.isEmpty else {
            throw fail("error: \(path) has no requests to run again")
        }
        var workspace = location.workspace
        // The published recipe texts: a local recipe with the same digest is used as it is (with its assets);
        // any other is written out from the manifest and searched first.
        let override = NSTemporaryDirectory() + "repro-reproduce-\(getpid())"
        try? FileManager.default.removeItem(atPath: override)
        try FileManager.default.createDirectory(atPath: override, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: override) }
        let registry = try? workspace.registry()
        for (name, entry) in published.recipes {
            if let local = try? registry?.recipe(named: name), local.source.digest == entry.sha256 { continue }
            try entry.text.write(toFile: "\(override)/\(name).yaml", atomically: true, encoding: .utf8)
            Output.error(
                "repro reproduce: \(name): the local recipe differs from the published one (or is missing); using the published text"
            )
        }
        workspace.recipeDirectories.insert(override, at: 0)
        let requests = requestList.map { r in
            PlanRequest(
                selection: Selection(parsing: r.selection),
                inputs: r.inputs.mapValues {
                    ProvidedInput(value: $0, location: nil, baseDirectory: FileSystemPath.currentDirectory)
                },
                overrides: r.overrides.mapValues { inputs in
                    inputs.mapValues {
                        ProvidedInput(value: $0, location: nil, baseDirectory: FileSystemPath.currentDirectory)
                    }
                })
        }
        var options = RunOptions()
        options.noCache = true
        let session = RunSession(workspace: workspace, options: options, command: CommandLine.arguments)
        let outcome = try planAndRun(session, requests, workspace: workspace)
        let verdicts = Reproduction.compare(published: published, reproduced: outcome.manifest)
        Output.line(Reproduction.table(verdicts))
        let failed = verdicts.filter { !$0.ok }
        let machine = Reproduction.machineDifferences(published: published, reproduced: outcome.manifest)
        if !machine.isEmpty {
            Output.line(
                "machine: " + machine.joined(separator: "; ")
                    + (failed.isEmpty ? "" : " — a likely cause of the differences above"))
        }
        if outcome.summary.status != .succeeded {
            Output.line(
                "repro reproduce: the run did not succeed (\(outcome.summary.status.rawValue)); see \(DisplayPath.of(outcome.summary.manifestPath))"
            )
        }
        let ok = failed.isEmpty && outcome.summary.status == .succeeded && !verdicts.isEmpty
        Output.line(
            ok
                ? "reproduced: all \(verdicts.count) values agree"
                : "NOT reproduced: \(failed.count) of \(verdicts.count) values differ")
        if !ok { throw ExitCode(1) }
    }
}

/// Published against reproduced, value by value.
enum Reproduction {
    struct Verdict {
        let node: String
        let name: String
        let published: String
        let reproduced: String
        let difference: String
        let tolerance: String
        let ok: Bool
        let note: String
    }

    static func nodes(_ manifest: Manifest) -> [String: Manifest.Node] {
        Dictionary(manifest.nodes.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
    }

    static func compare(published: Manifest, reproduced: Manifest) -> [Verdict] {
        let now = nodes(reproduced)
        var out: [Verdict] = []
        for (id, node) in nodes(published).sorted(by: { $0.key < $1.key }) {
            let again = now[id]
            for (name, value) in node.metrics.sorted(by: { $0.key < $1.key }) {
                let spec = node.result?.metricSpecs[name]
                let better = spec?.better ?? .equal
                let stated = spec?.tolerance ?? 0
                let tolerance = stated > 0 ? stated : (better == .equal ? 0 : 0.10)
                let r = again?.metrics[name]
                if value == .null && (r == nil || r == .null) { continue }  // not measured in this mode, then or now
                out.append(judge(id, name, value, r, better: better, tolerance: tolerance))
            }
            // LoadGen's verdict must agree.
            if let p = node.outputs["result"]?.stringValue {
                let r = again?.outputs["result"]?.stringValue ?? "missing"
                out.append(
                    Verdict(
                        node: id, name: "result", published: p, reproduced: r, difference: p == r ? "" : "differs",
                        tolerance: "exact", ok: p == r, note: ""))
            }
        }
        return out
    }

    static func judge(
        _ id: String, _ name: String, _ p: Value, _ r: Value?, better: MetricSpec.Direction, tolerance: Double
    )
        -> Verdict
    {
        let tol = tolerance == 0 ? "exact" : String(format: "±%.0f%%", tolerance * 100)
        guard let r else {
            return Verdict(
                node: id, name: name, published: p.interpolated, reproduced: "missing", difference: "", tolerance: tol,
                ok: false, note: "")
        }
        guard let a = p.doubleValue, let b = r.doubleValue else {
            return Verdict(
                node: id, name: name, published: p.interpolated, reproduced: r.interpolated,
                difference: p == r ? "" : "differs",
                tolerance: tol, ok: p == r, note: "")
        }
        let change = MetricSpec.Direction.relativeChange(from: a, to: b)
        let judgement = better.judge(baseline: a, current: b, tolerance: tolerance)
        let ok = judgement != .worse
        let note = judgement == .better ? "better" : ""
        return Verdict(
            node: id, name: name, published: HistoryText.number(a), reproduced: HistoryText.number(b),
            difference: HistoryText.percent(change.isFinite ? change : nil), tolerance: tol, ok: ok, note: note)
    }

    static func table(_ verdicts: [Verdict]) -> String {
        var rows = [["NODE", "METRIC", "PUBLISHED", "REPRODUCED", "DIFFERENCE", "TOLERANCE", "VERDICT"]]
        for v in verdicts {
            rows.append([
                v.node, v.name, v.published, v.reproduced, v.difference, v.tolerance,
                v.ok ? (v.note.isEmpty ? "ok" : "ok (\(v.note))") : "FAILED",
            ])
        }
        return Output.table(rows)
    }

    /// What differs between the machines: the host, and the thread counts and OpenBLAS builds the steps report.
    static func machineDifferences(published: Manifest, reproduced: Manifest) -> [String] {
        var out: [String] = []
        for key in ["cpu", "cpus", "arch", "os"] {
            let a = published.host.fields[key]?.interpolated ?? "?"
            let b = reproduced.host.fields[key]?.interpolated ?? "?"
            if a != b { out.append("\(key) \(a) → \(b)") }
        }
        let now = nodes(reproduced)
        var seen = Set<String>()
        for (id, node) in nodes(published) {
            guard let env = node.outputs["environment"]?.mapValue,
                let env2 = now[id]?.outputs["environment"]?.mapValue
            else { continue }
            for key in ["threads", "blas_threads", "blas_core", "blas_config", "convolution", "workers"] {
                guard let a = env[key]?.interpolated, let b = env2[key]?.interpolated, a != b, seen.insert(key).inserted
                else { continue }
                out.append("\(key) \(a) → \(b)")
            }
        }
        return out
    }
}
