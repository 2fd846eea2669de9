import Foundation
import LoadGen
import Recipes
import Submission

/// The LoadGen settings of a published run and how a reproduction sets each of them.
///
/// The detail log's `requested_*` entries are what the published LoadGen ran with; `user.conf` is what the submitter
/// published beside it. The reproduction passes `user.conf` through as published and sets the recipe's inputs
/// (`target_qps` or `expected_latency_ms`, `min_duration_ms`, `min_query_count`) to the published values: from
/// `user.conf` where it agrees with the log (its text is more precise than the log's six digits), else from the
/// log. Every other requested setting the log holds is then compared with what repro's `mlperf.conf`, the round's
/// seeds and that `user.conf` give; where they differ (a `user.conf` that is not the one the run read, another
/// round's `mlperf.conf`), a line with the log's value is appended to the `user.conf` text, which LoadGen reads
/// last-line-wins, and said.
public struct PublishedSettings: Sendable, Equatable {
    /// A setting as the reproduction gives it, and where its value comes from.
    public struct Setting: Sendable, Equatable {
        public var name: String
        public var value: String
        public var source: String
    }

    /// The seeds: a round repro has rules for, or the log's own.
    public enum Seeds: Sendable, Equatable {
        case round(String)
        case given([UInt64])
    }

    public var scenario: TestScenario
    /// The recipe's inputs, with their sources.
    public var inputs: [Setting]
    public var seeds: Seeds
    /// The `user.conf` text the reproduction passes: as published, then any corrections.
    public var userConf: String
    /// The lines appended to `user.conf`, each with why.
    public var corrections: [Setting]
    /// How many of the log's requested settings were compared.
    public var checked: Int

    /// `model` is the benchmark's name in settings files.
    public static func derive(_ result: MLCommonsResult, model: String) throws(PublishedReproductionError)
        -> PublishedSettings
    {
        let log = result.performance
        guard let scenario = TestScenario.allCases.first(where: { $0.rawValue == log.string("effective_scenario") })
        else {
            throw .unusable(
                path: log.path, problem: "unknown scenario '\(log.string("effective_scenario") ?? "")'")
        }
        var published: ConfigFile?
        if let conf = result.userConf {
            do { published = try ConfigFile(path: conf.path, text: conf.text) } catch {
                throw .userConf(
                    error.description
                        + " (the published LoadGen ignored keys it does not know; give user_conf=FILE with the "
                        + "settings to run with)")
            }
        }
        let seeds = try seeds(log)
        var inputs: [Setting] = []
        func fromLog(_ key: String, scale: Double = 1) throws(PublishedReproductionError) -> Double {
            guard let v = log.number(key) else { throw .unusable(path: log.path, problem: "no '\(key)' entry") }
            return v * scale
        }
        // The recipe's inputs: the published user.conf's text where it agrees with the log.
        func input(_ name: String, confKey: String, logKey: String, logToConf: Double, divide: Double = 1)
            throws(PublishedReproductionError)
        {
            let logged = try fromLog(logKey, scale: logToConf)
            if let e = published?.entry(model: model, scenario: scenario.rawValue, key: confKey),
                let v = Double(e.value), agrees(v, logged)
            {
                inputs.append(
                    Setting(
                        name: name, value: text(v / divide),
                        source: "user.conf:\(e.line)\(divide == 1 ? "" : " ÷ \(text(divide))") "
                            + "(the detail log: \(log.string(logKey) ?? ""))"))
            } else {
                inputs.append(
                    Setting(
                        name: name, value: text(logged / divide),
                        source: "the detail log's \(logKey)\(divide == 1 ? "" : " ÷ \(text(divide))")"))
            }
        }
        switch scenario {
        case .offline:
            try input("target_qps", confKey: "target_qps", logKey: "requested_offline_expected_qps", logToConf: 1)
        case .server:
            try input("target_qps", confKey: "target_qps", logKey: "requested_server_target_qps", logToConf: 1)
        case .singleStream:
            try input(
                "expected_latency_ms", confKey: "target_latency",
                logKey: "requested_single_stream_expected_latency_ns", logToConf: 1e-6)
        case .multiStream:
            // The recipe's input is one image's latency; it sets the query's (8 images) to 8 times it.
            try input(
                "expected_latency_ms", confKey: "target_latency",
                logKey: "requested_multi_stream_expected_latency_ns", logToConf: 1e-6, divide: 8)
        }
        inputs.append(
            Setting(
                name: "min_duration_ms", value: text(try fromLog("requested_min_duration_ms")),
                source: "the detail log's requested_min_duration_ms"))
        inputs.append(
            Setting(
                name: "min_query_count", value: text(try fromLog("requested_min_query_count")),
                source: "the detail log's requested_min_query_count"))

        var settings = PublishedSettings(
            scenario: scenario, inputs: inputs, seeds: seeds, userConf: result.userConf?.text ?? "",
            corrections: [], checked: 0)
        let (corrections, checked) = try settings.corrections(log, model: model, published: published)
        settings.checked = checked
        if !corrections.isEmpty {
            var conf = settings.userConf
            if !conf.isEmpty && !conf.hasSuffix("\n") { conf += "\n" }
            conf += "# repro reproduce: what the published run used, by its detail log\n"
            conf += corrections.map { $0.name + " = " + $0.value + "\n" }.joined()
            settings.userConf = conf
            settings.corrections = corrections
        }
        return settings
    }

    /// The round whose seeds the log's effective seeds are, or the seeds themselves.
    static func seeds(_ log: DetailLog) throws(PublishedReproductionError) -> Seeds {
        let keys = ["qsl_rng_seed", "sample_index_rng_seed", "schedule_rng_seed"]
        let logged = keys.compactMap { log.integer("effective_" + $0) }
        guard logged.count == 3 else {
            throw .unusable(path: log.path, problem: "no effective seeds (effective_qsl_rng_seed, …)")
        }
        for round in Rules.rounds.reversed() {
            guard let rules = try? Rules.load(round) else { continue }
            if rules.seeds.map(\.value) == logged { return .round(round) }
        }
        return .given(logged)
    }

    /// The recipe's `settings:` overrides these inputs make (see recipes/resnet50/mlperf-inference-resnet50.yaml).
    func recipeOverrides(model: String) -> [(String, String)] {
        var out: [(String, String)] = []
        for s in inputs {
            switch s.name {
            case "min_duration_ms": out.append(("min_duration", s.value))
            case "min_query_count" where s.value != "0": out.append(("min_query_count", s.value))
            case "target_qps":
                out.append(("\(model).Offline.target_qps", s.value))
                out.append(("\(model).Server.target_qps", s.value))
            case "expected_latency_ms":
                let v = Double(s.value) ?? 0
                out.append(("\(model).SingleStream.target_latency", PublishedSettings.text(v)))
                out.append(("\(model).MultiStream.target_latency", PublishedSettings.text(v * 8)))
            default: break
            }
        }
        return out
    }

    /// What repro's settings would request against what the log says was requested: a `user.conf` line for each
    /// setting that differs, and how many were compared.
    func corrections(_ log: DetailLog, model: String, published: ConfigFile?) throws(PublishedReproductionError)
        -> ([Setting], Int)
    {
        let requested: TestSettings
        do {
            let seedValues: MLPerfConf.Seeds
            switch seeds {
            case .given(let s): seedValues = .init(qsl: s[0], sampleIndex: s[1], schedule: s[2])
            case .round(let r):
                let s = ((try? Rules.load(r))?.seeds ?? []).map(\.value)
                seedValues = .init(qsl: s.first ?? 0, sampleIndex: s.dropFirst().first ?? 0, schedule: s.last ?? 0)
            }
            requested = try SettingsLoader.settings(
                model: model, scenario: scenario, mode: .performanceOnly,
                mlperf: try MLPerfConf.file(round: "published", seeds: seedValues), user: published,
                overrides: try ConfigFile(overrides: recipeOverrides(model: model), source: "the recipe's inputs"))
        } catch {
            throw .userConf(error.description)
        }
        var out: [Setting] = []
        var checked = 0
        for field in PublishedSettings.fields where field.scenario == nil || field.scenario == scenario {
            guard let logged = log.number(field.logKey) ?? log.bool(field.logKey).map({ $0 ? 1 : 0 }) else { continue }
            checked += 1
            let ours = field.value(requested)
            if PublishedSettings.agrees(ours, logged) { continue }
            let conf = PublishedSettings.text(logged * field.logToConf)
            let said =
                published?.entry(model: model, scenario: scenario.rawValue, key: field.confKey).map {
                    "user.conf:\($0.line) says \($0.value)"
                } ?? "repro's mlperf.conf gives \(PublishedSettings.text(ours * field.logToConf))"
            out.append(
                Setting(
                    name: "\(model).\(scenario.rawValue).\(field.confKey)", value: conf,
                    source: "the detail log's \(field.logKey) is \(log.string(field.logKey) ?? ""); \(said)"))
        }
        return (out, checked)
    }

    /// A requested setting: its key in settings files, its entry in the detail log, and the unit factor from the
    /// log (ns, fractions) to the files (ms, percent).
    struct Field: Sendable {
        var confKey: String
        var logKey: String
        var scenario: TestScenario?
        var logToConf: Double = 1
        var value: @Sendable (TestSettings) -> Double
    }

    static let fields: [Field] = [
        Field(
            confKey: "target_latency", logKey: "requested_single_stream_expected_latency_ns", scenario: .singleStream,
            logToConf: 1e-6, value: { $0.singleStreamExpectedLatencyNs }),
        Field(
            confKey: "target_latency_percentile", logKey: "requested_single_stream_target_latency_percentile",
            scenario: .singleStream, logToConf: 100, value: { $0.singleStreamTargetLatencyPercentile }),
        Field(
            confKey: "target_latency", logKey: "requested_multi_stream_expected_latency_ns", scenario: .multiStream,
            logToConf: 1e-6, value: { $0.multiStreamExpectedLatencyNs }),
        Field(
            confKey: "target_latency_percentile", logKey: "requested_multi_stream_target_latency_percentile",
            scenario: .multiStream, logToConf: 100, value: { $0.multiStreamTargetLatencyPercentile }),
        Field(
            confKey: "samples_per_query", logKey: "requested_multi_stream_samples_per_query", scenario: .multiStream,
            value: { Double($0.multiStreamSamplesPerQuery) }),
        Field(
            confKey: "target_qps", logKey: "requested_server_target_qps", scenario: .server,
            value: { $0.serverTargetQPS }),
        Field(
            confKey: "target_latency", logKey: "requested_server_target_latency_ns", scenario: .server,
            logToConf: 1e-6, value: { Double($0.serverTargetLatencyNs) }),
        Field(
            confKey: "target_latency_percentile", logKey: "requested_server_target_latency_percentile",
            scenario: .server, logToConf: 100, value: { $0.serverTargetLatencyPercentile }),
        Field(
            confKey: "coalesce_queries", logKey: "requested_server_coalesce_queries", scenario: .server,
            value: { $0.serverCoalesceQueries ? 1 : 0 }),
        Field(
            confKey: "max_async_queries", logKey: "requested_server_max_async_queries", scenario: .server,
            value: { Double($0.serverMaxAsyncQueries) }),
        Field(
            confKey: "target_qps", logKey: "requested_offline_expected_qps", scenario: .offline,
            value: { $0.offlineExpectedQPS }),
        Field(confKey: "min_duration", logKey: "requested_min_duration_ms", value: { Double($0.minDurationMs) }),
        Field(confKey: "max_duration", logKey: "requested_max_duration_ms", value: { Double($0.maxDurationMs) }),
        Field(confKey: "min_query_count", logKey: "requested_min_query_count", value: { Double($0.minQueryCount) }),
        Field(confKey: "max_query_count", logKey: "requested_max_query_count", value: { Double($0.maxQueryCount) }),
        Field(
            confKey: "accuracy_log_rng_seed", logKey: "requested_accuracy_log_rng_seed",
            value: { Double($0.accuracyLogRNGSeed) }),
        Field(
            confKey: "accuracy_log_probability", logKey: "requested_accuracy_log_probability", logToConf: 100,
            value: { $0.accuracyLogProbability }),
        Field(
            confKey: "accuracy_log_sampling_target", logKey: "requested_accuracy_log_sampling_target",
            value: { Double($0.accuracyLogSamplingTarget) }),
        Field(
            confKey: "print_timestamps", logKey: "requested_print_timestamps",
            value: { $0.printTimestamps ? 1 : 0 }),
        Field(
            confKey: "performance_issue_unique", logKey: "requested_performance_issue_unique",
            value: { $0.performanceIssueUnique ? 1 : 0 }),
        Field(
            confKey: "performance_issue_same", logKey: "requested_performance_issue_same",
            value: { $0.performanceIssueSame ? 1 : 0 }),
        Field(
            confKey: "performance_issue_same_index", logKey: "requested_performance_issue_same_index",
            value: { Double($0.performanceIssueSameIndex) }),
        Field(
            confKey: "performance_sample_count_override", logKey: "requested_performance_sample_count_override",
            value: { Double($0.performanceSampleCountOverride) }),
        Field(
            confKey: "sample_concatenate_permutation", logKey: "requested_sample_concatenate_permutation",
            value: { $0.sampleConcatenatePermutation ? 1 : 0 }),
    ]

    /// Equal to the six significant digits LoadGen prints decimals with.
    static func agrees(_ a: Double, _ b: Double) -> Bool {
        a == b || abs(a - b) <= 5e-6 * max(abs(a), abs(b))
    }

    /// A number as a settings file takes it: whole numbers without a point, others in the shortest exact form.
    static func text(_ v: Double) -> String {
        if v == v.rounded(), abs(v) < 1e15 { return String(Int64(v)) }
        return "\(v)"
    }
}
