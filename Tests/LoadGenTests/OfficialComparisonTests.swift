import Foundation
import LoadGen
import Testing

/// The same null SUT under repro's LoadGen and the official one (PyPI mlcommons-loadgen 6.0.17) with the same
/// settings: the query counts, the generated queries, the loaded sample set, the effective settings and the
/// summary's fields must agree. Durations are short and the minimum query counts decide when a run ends, so the
/// counts do not depend on timing.
@Suite(.serialized) struct OfficialComparisonTests {
    static let userConf = """
        # Short runs whose length is set by query counts, not by time.
        resnet50.SingleStream.target_latency = 1
        *.SingleStream.min_duration = 0
        *.SingleStream.min_query_count = 300
        *.MultiStream.min_duration = 0
        *.MultiStream.min_query_count = 120
        resnet50.Server.target_qps = 3000
        *.Server.min_duration = 150
        *.Server.min_query_count = 100
        resnet50.Offline.target_qps = 1000
        *.Offline.min_duration = 0
        """
    static let total = 3000, performance = 256

    /// Effective settings and generation figures that must be equal, scenario by scenario.
    static let keys = [
        "effective_scenario", "effective_test_mode", "effective_samples_per_query", "effective_target_qps",
        "effective_target_latency_ns", "effective_target_latency_percentile", "effective_max_async_queries",
        "effective_target_duration_ms", "effective_min_duration_ms", "effective_max_duration_ms",
        "effective_min_query_count", "effective_max_query_count", "effective_min_sample_count",
        "effective_qsl_rng_seed", "effective_sample_index_rng_seed", "effective_schedule_rng_seed",
        "effective_performance_sample_count", "effective_accuracy_sample_count",
        "qsl_reported_total_count", "qsl_reported_performance_count",
        "generated_query_count", "generated_samples_per_query", "generated_query_duration", "loaded_qsl_set",
        "result_query_count", "result_min_queries_met", "num_errors",
    ]

    func runBoth(_ scenario: TestScenario, _ mode: TestMode) throws -> (official: String, ours: String) {
        let dir = try Fixture.temporaryDirectory()
        let conf = dir + "/user.conf"
        try OfficialComparisonTests.userConf.write(toFile: conf, atomically: true, encoding: .utf8)
        let official = dir + "/official"
        let ours = dir + "/repro"
        try FileManager.default.createDirectory(atPath: official, withIntermediateDirectories: true)
        _ = try Fixture.runOfficial(
            scenario: scenario.rawValue, mode: mode.rawValue, userConf: conf, out: official,
            total: OfficialComparisonTests.total, performance: OfficialComparisonTests.performance)
        let user = try ConfigFile(path: conf, text: OfficialComparisonTests.userConf)
        let settings = try SettingsLoader.settings(
            model: "resnet50", scenario: scenario, mode: mode, mlperf: MLPerfConf.file(), user: user)
        _ = try LoadGen.run(
            settings: settings, sut: NullSUT(),
            qsl: CountingQSL(total: OfficialComparisonTests.total, performance: OfficialComparisonTests.performance),
            outputDirectory: ours)
        return (official, ours)
    }

    @Test(arguments: TestScenario.allCases)
    func performanceRunsMatchTheOfficialLoadGen(_ scenario: TestScenario) throws {
        let (official, ours) = try runBoth(scenario, .performanceOnly)
        let a = try DetailEntries(path: official + "/mlperf_log_detail.txt")
        let b = try DetailEntries(path: ours + "/mlperf_log_detail.txt")
        for key in OfficialComparisonTests.keys where a.values[key] != nil {
            #expect(b.text(key) == a.text(key), "\(scenario) \(key)")
        }
        // Every result key the official log has, ours has, in the same order.
        let resultKeys = { (e: DetailEntries) in
            e.keys.filter { $0.hasPrefix("result_") || $0.hasPrefix("early_stopping") }
        }
        #expect(resultKeys(b) == resultKeys(a))
        #expect(
            Set(a.keys.filter { $0.hasPrefix("requested_") || $0.hasPrefix("effective_") })
                == Set(b.keys.filter { $0.hasPrefix("requested_") || $0.hasPrefix("effective_") }))
        // The summary has the same fields in the same order; the parameters section has the same values.
        let fa = try summaryFields(official + "/mlperf_log_summary.txt")
        let fb = try summaryFields(ours + "/mlperf_log_summary.txt")
        #expect(fa.map(\.0) == fb.map(\.0), "summary fields")
        let parameters = Set([
            "samples_per_query", "target_qps", "target_latency (ns)", "max_async_queries", "min_duration (ms)",
            "max_duration (ms)", "min_query_count", "max_query_count", "qsl_rng_seed", "sample_index_rng_seed",
            "schedule_rng_seed", "performance_sample_count", "accuracy_sample_count", "Scenario", "Mode",
            "Min queries satisfied", "Min duration satisfied",
        ])
        for ((ka, va), (kb, vb)) in zip(fa, fb) where ka == kb && parameters.contains(ka) {
            #expect(va == vb, "\(scenario) summary \(ka)")
        }
        #expect(try String(contentsOfFile: ours + "/mlperf_log_accuracy.json", encoding: .utf8) == "[\n]\n")
    }

    @Test(arguments: [TestScenario.singleStream, .offline])
    func accuracyRunsLogTheSameSamplesAsTheOfficialLoadGen(_ scenario: TestScenario) throws {
        let (official, ours) = try runBoth(scenario, .accuracyOnly)
        let a = try String(contentsOfFile: official + "/mlperf_log_accuracy.json", encoding: .utf8)
        let b = try String(contentsOfFile: ours + "/mlperf_log_accuracy.json", encoding: .utf8)
        // The official SUT answers in order on one thread, so the logs are equal byte for byte.
        #expect(a.split(separator: "\n").count == OfficialComparisonTests.total + 2)
        #expect(a == b)
        // An accuracy run's summary is only the warnings and errors trailer (the official one counts its logger's
        // allocation warnings, which repro's logger does not have).
        let summary = try String(contentsOfFile: ours + "/mlperf_log_summary.txt", encoding: .utf8)
        #expect(summary.hasSuffix("\nNo errors encountered during test.\n"))
        #expect(
            try String(contentsOfFile: official + "/mlperf_log_summary.txt", encoding: .utf8).hasSuffix(
                "\nNo errors encountered during test.\n"))
    }
}
