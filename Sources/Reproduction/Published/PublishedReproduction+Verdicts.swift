import Foundation
import LoadGen
import Recipes
import Submission
import Workflow

extension PublishedReproduction {
    /// MLPerf's tolerance for a timed result run again (TEST01's `verify_performance.py`: ±10 %).
    public static let timedTolerance = 0.10

    /// The reproduction's run against the published result, with the verdict engine's judgements:
    ///
    /// - accuracy: exactly (to the three decimals MLPerf prints) when the same weights ran in the published
    ///   framework and version, else against the closed division's target (closed results) or exactly (open ones);
    ///   not comparable on a part of the data set or with other weights;
    /// - VALID/INVALID: exactly;
    /// - the scenario's metric (samples per second, or the percentile latency): within ±10 %, two-sided, when the
    ///   system, the framework and the settings are the published ones; otherwise said, with why, not judged;
    /// - every effective LoadGen setting of the published detail log against the reproduction's: as published, a
    ///   difference the given inputs explain (said), or one they do not (failed).
    public func judge(_ reproduced: Manifest, cache: CacheStore, runStatus: RunSummary.Status) -> ReproductionReport {
        var verdicts: [Verdict] = []
        let scenario = settings.scenario.rawValue
        func node(_ mode: String) -> Manifest.Node? {
            reproduced.nodes.first { $0.recipe == benchmark.recipe && $0.inputs["mode"]?.stringValue == mode }
        }
        func outputs(_ n: Manifest.Node?) -> [String: Value] {
            guard let n, let r = n.result, let entry = n.entry else { return n?.outputs ?? [:] }
            return r.outputs(outDir: cache.outPath(entry))
        }
        if let published = result.accuracy {
            verdicts.append(accuracyVerdict(published, reproduced: outputs(node("accuracy")), scenario: scenario))
        }
        let performance = outputs(node("performance"))
        let validity = result.performance.string("result_validity") ?? "?"
        let valid = performance["result"]?.stringValue ?? "missing"
        verdicts.append(
            Verdict(
                kind: .validity, subject: "\(scenario) performance", name: "result", published: validity,
                reproduced: valid, difference: validity == valid ? "" : "differs",
                outcome: validity == valid ? .ok : .failed))
        verdicts.append(timedVerdict(performance, scenario: scenario))
        if let logs = performance["logs"]?.stringValue {
            verdicts += settingVerdicts(logs + "/mlperf_log_detail.txt")
        }
        return ReproductionReport(verdicts: verdicts, machine: machine.differences, runStatus: runStatus)
    }

    func accuracyVerdict(_ published: MLCommonsResult.Accuracy, reproduced: [String: Value], scenario: String)
        -> Verdict
    {
        let subject = "\(scenario) accuracy"
        let shown = PublishedSettings.text(published.percent)
        guard let percent = reproduced["accuracy"]?.doubleValue else {
            return Verdict(
                kind: .metric, subject: subject, name: "accuracy", published: shown, reproduced: "missing",
                outcome: .failed, note: "the reproduction did not report it")
        }
        // As accuracy-imagenet.py prints it: three decimals.
        let rounded = (percent * 1000).rounded() / 1000
        let line = reproduced["accuracy_line"]?.stringValue ?? ""
        let total = line.components(separatedBy: "total=").last.flatMap { Int($0.prefix { $0.isNumber }) }
        var why: [String] = []
        if model.weights == .other { why.append("another model") }
        if let p = publishedTotal, total != p { why.append("\(total.map(String.init) ?? "?") of \(p) images") }
        if !why.isEmpty {
            return Verdict(
                kind: .metric, subject: subject, name: "accuracy", published: shown,
                reproduced: PublishedSettings.text(rounded), allowed: "not comparable", outcome: .note,
                note: "not comparable: " + why.joined(separator: ", "))
        }
        if model.weights == .same && sut.sameFramework || result.location.division != "closed" {
            return Reproduction.metric(
                subject, "accuracy", .double(published.percent), spread: nil, reproduced: .double(rounded),
                reproducedSpread: nil, spec: .init(better: .equal, tolerance: 0, unit: "%"), acceptBetter: false)
        }
        let target = closedTarget
        let met = rounded >= target
        return Verdict(
            kind: .metric, subject: subject, name: "accuracy", published: shown,
            reproduced: PublishedSettings.text(rounded),
            difference: rounded == published.percent ? "" : Reproduction.percent((rounded - published.percent) / 100),
            allowed: "≥ \(PublishedSettings.text(target)) (closed target)", outcome: met ? .ok : .failed,
            note: (rounded == published.percent ? "the same" : "not the same digits")
                + " (\(model.weights == .same ? "another framework" : "the same weights in another file"))")
    }

    /// The closed division's accuracy target of the benchmark (the newest round's rules: ResNet-50's has not
    /// changed since v0.7).
    var closedTarget: Double {
        let rules = try? Rules.load(Rules.newest)
        return rules?.benchmark(benchmark.rawValue)?.rules.accuracy.first?.target ?? 0
    }

    /// The scenario's metric, and the published value of it.
    public var timedMetric: (name: String, published: Double?, better: MetricSpec.Direction) {
        let log = result.performance
        switch settings.scenario {
        case .offline: return ("samples_per_second", log.number("result_samples_per_second"), .higher)
        case .server: return ("samples_per_second", log.number("result_completed_samples_per_sec"), .higher)
        case .singleStream:
            return ("latency_ms", log.number("result_90.00_percentile_latency_ns").map { $0 / 1e6 }, .lower)
        case .multiStream:
            return (
                "latency_ms", log.number("result_99.00_percentile_per_query_latency_ns").map { $0 / 1e6 }, .lower
            )
        }
    }

    func timedVerdict(_ performance: [String: Value], scenario: String) -> Verdict {
        let (name, published, better) = timedMetric
        let subject = "\(scenario) performance"
        let reproduced = performance[name]
        let why = timingNotComparable
        guard let published, why.isEmpty else {
            return Verdict(
                kind: .metric, subject: subject, name: name,
                published: published.map { PublishedSettings.text(($0 * 1000).rounded() / 1000) } ?? "absent",
                reproduced: reproduced?.doubleValue.map { TextOutput.number($0) } ?? "missing",
                allowed: "not comparable", outcome: reproduced?.doubleValue == nil ? .failed : .note,
                note: published == nil
                    ? "the published log does not give it" : "not comparable: " + why.joined(separator: "; "))
        }
        return Reproduction.metric(
            subject, name, .double(published), spread: nil, reproduced: reproduced, reproducedSpread: nil,
            spec: .init(better: better, tolerance: PublishedReproduction.timedTolerance, unit: nil), acceptBetter: false
        )
    }

    /// The inputs that can change each effective setting.
    static let settingInputs: [String: [String]] = [
        "effective_min_duration_ms": ["min_duration_ms", "user_conf"],
        "effective_target_duration_ms": ["min_duration_ms", "user_conf"],
        "effective_min_query_count": ["min_query_count", "user_conf"],
        "effective_samples_per_query": ["min_duration_ms", "min_query_count", "target_qps", "user_conf"],
        "effective_min_sample_count": ["min_duration_ms", "min_query_count", "target_qps", "user_conf"],
        "effective_target_qps": ["target_qps", "expected_latency_ms", "user_conf"],
        "effective_performance_sample_count": ["count", "user_conf"],
    ]

    /// Every effective setting of the published log against the reproduction's log.
    func settingVerdicts(_ reproducedLog: String) -> [Verdict] {
        guard let ours = try? DetailLog(path: reproducedLog) else {
            return [
                Verdict(
                    kind: .setting, subject: "LoadGen settings", name: "detail log", published: "read",
                    reproduced: "unreadable", outcome: .failed, note: "\(reproducedLog) does not read")
            ]
        }
        let given = Set(overrides.map(\.name))
        var out: [Verdict] = []
        let published = result.performance
        for key in published.keys
        where key.hasPrefix("effective_") && !["effective_scenario", "effective_test_mode"].contains(key) {
            let p = published.string(key) ?? ""
            guard let r = ours.string(key) else { continue }
            let same =
                p == r
                || (published.number(key).flatMap { a in ours.number(key).map { PublishedSettings.agrees(a, $0) } }
                    ?? false)
            let explained = (Self.settingInputs[key] ?? []).filter(given.contains)
            let givenValues = explained.map { name in
                "\(name)=" + (overrides.first { $0.name == name }?.value ?? "")
            }
            out.append(
                Verdict(
                    kind: .setting, subject: "LoadGen settings", name: key, published: p, reproduced: r,
                    difference: same ? "" : "differs", outcome: same ? .ok : (explained.isEmpty ? .failed : .note),
                    note: same
                        ? ""
                        : explained.isEmpty
                            ? "not as published"
                            : "as given: " + givenValues.joined(separator: ", ")))
        }
        return out
    }

    /// Everything that could be compared agreed (and something could be), and the run succeeded.
    public func reproduced(_ report: ReproductionReport) -> Bool {
        report.runStatus == .succeeded && report.failed.isEmpty
            && report.verdicts.contains { ($0.kind == .metric || $0.kind == .validity) && $0.outcome == .ok }
    }

    /// What reproduced and what did not, in words: the last line of the report.
    public func conclusion(_ report: ReproductionReport) -> String {
        let values = report.verdicts.filter { $0.kind == .metric || $0.kind == .validity }
        let agreed = values.filter { $0.outcome == .ok }.map(\.name)
        let failed = values.filter { $0.outcome == .failed }.map(\.name)
        let notJudged = values.filter { $0.outcome == .note }.map {
            "\($0.name) (\($0.note.replacingOccurrences(of: "not comparable: ", with: "")))"
        }
        let settings = report.verdicts.filter { $0.kind == .setting }
        let settingsFailed = settings.filter { $0.outcome == .failed }.count
        var parts: [String] = []
        if !agreed.isEmpty { parts.append(agreed.joined(separator: " and ") + " as published") }
        if !failed.isEmpty { parts.append(failed.joined(separator: " and ") + " not as published") }
        if settingsFailed > 0 { parts.append("\(settingsFailed) LoadGen settings not as published") }
        if !notJudged.isEmpty { parts.append("not judged: " + notJudged.joined(separator: ", ")) }
        let head: String
        if report.runStatus != .succeeded {
            head = "NOT reproduced: the run did not succeed"
        } else if failed.isEmpty && settingsFailed == 0 && !agreed.isEmpty {
            head = "reproduced"
        } else if agreed.isEmpty && failed.isEmpty {
            head = "NOT reproduced: nothing could be compared"
        } else {
            head = "NOT reproduced"
        }
        return head + (parts.isEmpty ? "" : ": " + parts.joined(separator: "; "))
    }
}
