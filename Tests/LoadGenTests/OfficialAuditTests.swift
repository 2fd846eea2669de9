import Foundation
import LoadGen
import Testing

/// The compliance tests' settings against the official LoadGen (PyPI mlcommons-loadgen 6.0.17): an `audit.config`
/// in the official LoadGen's working directory, and the same file given to repro's settings loader. The samples a
/// performance run writes to the accuracy log (TEST01's sampling) and the samples a run issues (TEST04's
/// `performance_issue_same`) must be the same, sequence id for sequence id.
@Suite(.serialized) struct OfficialAuditTests {
    static let userConf = OfficialComparisonTests.userConf
    static let total = OfficialComparisonTests.total
    static let performance = OfficialComparisonTests.performance

    /// (seq_id, qsl_idx) of every entry of an accuracy log.
    func entries(_ path: String) throws -> Set<String> {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let list = try JSONSerialization.jsonObject(with: data) as! [[String: Any]]
        return Set(list.map { "\($0["seq_id"]!):\($0["qsl_idx"]!)" })
    }

    func runBoth(_ scenario: TestScenario, audit: String) throws -> (official: String, ours: String) {
        let dir = try Fixture.temporaryDirectory()
        let conf = dir + "/user.conf"
        try OfficialAuditTests.userConf.write(toFile: conf, atomically: true, encoding: .utf8)
        // The official LoadGen reads audit.config from its working directory.
        try audit.write(toFile: dir + "/audit.config", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: dir + "/official", withIntermediateDirectories: true)
        _ = try Fixture.runOfficial(
            scenario: scenario.rawValue, mode: TestMode.performanceOnly.rawValue, userConf: conf,
            out: dir + "/official", total: OfficialAuditTests.total, performance: OfficialAuditTests.performance,
            workingDirectory: dir)
        let settings = try SettingsLoader.settings(
            model: "resnet50", scenario: scenario, mode: .performanceOnly, mlperf: MLPerfConf.file(),
            user: ConfigFile(path: conf, text: OfficialAuditTests.userConf),
            audit: ConfigFile(path: dir + "/audit.config", text: audit))
        _ = try LoadGen.run(
            settings: settings, sut: NullSUT(),
            qsl: CountingQSL(total: OfficialAuditTests.total, performance: OfficialAuditTests.performance),
            outputDirectory: dir + "/repro")
        return (dir + "/official", dir + "/repro")
    }

    @Test(arguments: TestScenario.allCases)
    func accuracyLogSamplingChoosesTheOfficialSamples(_ scenario: TestScenario) throws {
        // TEST01's settings with a sampling target small enough that only some samples are logged.
        let audit = """
            *.*.mode = 2
            *.*.accuracy_log_rng_seed = 720381539243781796
            *.*.accuracy_log_sampling_target = 40
            """
        let (official, ours) = try runBoth(scenario, audit: audit)
        let expected = try entries(official + "/mlperf_log_accuracy.json")
        let sampled = try entries(ours + "/mlperf_log_accuracy.json")
        #expect(!expected.isEmpty)
        #expect(sampled == expected, "\(scenario): \(sampled.count) sampled, the official LoadGen \(expected.count)")
        let detail = try DetailEntries(path: ours + "/mlperf_log_detail.txt")
        #expect(detail.text("effective_accuracy_log_sampling_target") == "40")
        #expect(detail.text("effective_accuracy_log_rng_seed") == "720381539243781796")
        // Fewer than all the samples issued.
        let queries = Int(detail.text("result_query_count") ?? "0") ?? 0
        let perQuery = Int(detail.text("effective_samples_per_query") ?? "0") ?? 0
        #expect(sampled.count < queries * perQuery, "\(scenario)")
        // LoadGen says it found the audit file, as a warning.
        #expect(detail.keys.contains("warning_generic_message"))
    }

    /// A sampling target above the sample count logs every response: every sample a performance run issues is the
    /// one the official LoadGen issues under the same sequence id.
    @Test(arguments: TestScenario.allCases)
    func everyIssuedSampleIsTheOfficialOne(_ scenario: TestScenario) throws {
        let audit = """
            *.*.mode = 2
            *.*.accuracy_log_rng_seed = 720381539243781796
            *.*.accuracy_log_sampling_target = 1000000000
            """
        let (official, ours) = try runBoth(scenario, audit: audit)
        let expected = try entries(official + "/mlperf_log_accuracy.json")
        #expect(expected.count >= 100)
        #expect(try entries(ours + "/mlperf_log_accuracy.json") == expected, "\(scenario)")
    }

    @Test(arguments: TestScenario.allCases)
    func performanceIssueSameIssuesTheOfficialSamples(_ scenario: TestScenario) throws {
        // TEST04's settings; a sampling target above the sample count logs every response, so the logs show every
        // sample issued.
        let audit = """
            *.*.mode = 2
            *.*.performance_issue_unique = 0
            *.*.performance_issue_same = 1
            *.*.performance_issue_same_index = 3
            *.*.accuracy_log_rng_seed = 720381539243781796
            *.*.accuracy_log_sampling_target = 1000000000
            """
        let (official, ours) = try runBoth(scenario, audit: audit)
        let expected = try entries(official + "/mlperf_log_accuracy.json")
        #expect(!expected.isEmpty)
        #expect(try entries(ours + "/mlperf_log_accuracy.json") == expected, "\(scenario)")
        let indices = Set(expected.map { $0.split(separator: ":")[1] })
        #expect(indices.count == (scenario == .multiStream ? 8 : 1), "\(scenario): one sample (MultiStream: 8 from it)")
        let a = try DetailEntries(path: official + "/mlperf_log_detail.txt")
        let b = try DetailEntries(path: ours + "/mlperf_log_detail.txt")
        for key in ["effective_performance_issue_same", "effective_performance_issue_same_index", "loaded_qsl_set"] {
            #expect(b.text(key) == a.text(key), "\(scenario) \(key)")
        }
    }

    @Test func anAuditConfigWithAnUnknownKeyIsALocatedError() throws {
        #expect {
            _ = try ConfigFile(
                path: "audit.config", text: "*.*.mode = 2\n*.*.accuracy_log_sampling_targte = 4096\n")
        } throws: { error in
            "\(error)" == "audit.config:2: unknown key 'accuracy_log_sampling_targte' in "
                + "'*.*.accuracy_log_sampling_targte'; did you mean 'accuracy_log_sampling_target'?"
        }
    }
}
