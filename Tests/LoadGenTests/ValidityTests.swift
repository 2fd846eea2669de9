import Foundation
import LoadGen
import Testing

/// Validity as LoadGen judges it, settings files, and SUTs that fail.
struct ValidityTests {
    @Test func theShippedMLPerfConfHasTheRoundsSeedsAndDurations() throws {
        let s = try resnetSettings(.offline, "")
        #expect(s.qslRNGSeed == 2_085_463_073_848_966_840)
        #expect(s.sampleIndexRNGSeed == 2_747_215_439_041_700_203)
        #expect(s.scheduleRNGSeed == 16_159_082_839_903_944_936)
        #expect(s.minDurationMs == 600_000)
        #expect(s.minQueryCount == 24576)
        #expect(s.performanceSampleCountOverride == 1024)
        let server = try resnetSettings(.server, "")
        #expect(server.serverTargetLatencyNs == 15_000_000)
        #expect(server.serverTargetLatencyPercentile == 0.99)
        #expect(try resnetSettings(.singleStream, "").singleStreamTargetLatencyPercentile == 0.9)
    }

    @Test func userConfOverridesByLoadGensPrecedenceButNotTheSeeds() throws {
        let s = try resnetSettings(
            .server,
            """
            *.*.min_duration = 1000
            resnet50.*.min_duration = 2000
            *.Server.min_duration = 3000
            *.*.qsl_rng_seed = 1
            resnet50.Server.target_qps = 123.5
            """)
        #expect(s.minDurationMs == 3000)
        #expect(s.qslRNGSeed == 2_085_463_073_848_966_840, "seeds count only from mlperf.conf")
        #expect(s.serverTargetQPS == 123.5)
    }

    @Test func badSettingsFilesSayWhereAndWhat() {
        func error(_ text: String) -> String? {
            #expect(throws: LoadGenError.self) { try ConfigFile(path: "user.conf", text: text) }.map { "\($0)" }
        }
        #expect(
            error("# a comment\n*.Offline.target_qsp = 5")
                == "user.conf:2: unknown key 'target_qsp' in '*.Offline.target_qsp'; did you mean 'target_qps'?")
        #expect(
            error("*.Ofline.target_qps = 5")?.hasPrefix(
                "user.conf:1: unknown scenario 'Ofline' in '*.Ofline.target_qps'; did you mean 'Offline'?") == true)
        #expect(
            error("*.Offline.target_qps = fast")
                == "user.conf:1: the value of '*.Offline.target_qps' must be an integer or a decimal number, "
                + "found 'fast'")
        #expect(error("target_qps 5") == "user.conf:1: expected 'model.scenario.key = value', found 'target_qps 5'")
    }

    @Test func anOverloadedServerIsInvalidWithLoadGensReason() throws {
        let s = try resnetSettings(
            .server,
            """
            resnet50.Server.target_qps = 400
            *.Server.min_duration = 300
            *.Server.min_query_count = 50
            resnet50.Server.target_latency = 5
            """)
        let dir = try Fixture.temporaryDirectory()
        let outcome = try LoadGen.run(
            settings: s, sut: SlowSUT(delay: 0.02), qsl: CountingQSL(total: 500, performance: 100), outputDirectory: dir
        )
        let p = try #require(outcome.performance)
        #expect(!p.isValid)
        #expect(!p.perfConstraintsMet)
        let summary = try String(contentsOfFile: dir + "/mlperf_log_summary.txt", encoding: .utf8)
        #expect(summary.contains("Result is : INVALID"))
        #expect(summary.contains("  Performance constraints satisfied : NO"))
        #expect(summary.contains(" * Reduce target QPS to improve latency."))
        let detail = try DetailEntries(path: dir + "/mlperf_log_detail.txt")
        #expect(detail.text("result_validity") == "INVALID")
        #expect(
            detail.text("result_perf_constraints_met") == "0" || detail.text("result_perf_constraints_met") == "false")
    }

    @Test func aShortRunIsInvalidForItsDuration() throws {
        let s = try resnetSettings(
            .singleStream,
            "resnet50.SingleStream.target_latency = 50\n*.SingleStream.min_duration = 400\n*.SingleStream.min_query_count = 5\n"
        )
        let dir = try Fixture.temporaryDirectory()
        // Expected 50 ms but answers at once: the pre-generated 16 queries run out long before 400 ms.
        let outcome = try LoadGen.run(
            settings: s, sut: NullSUT(), qsl: CountingQSL(total: 100, performance: 50), outputDirectory: dir)
        #expect(outcome.performance?.minDurationMet == false)
        #expect(
            try String(contentsOfFile: dir + "/mlperf_log_summary.txt", encoding: .utf8)
                .contains(" * Decrease the expected latency so the loadgen pre-generates more queries."))
    }

    @Test func aSUTThatNeverAnswersEndsAtTheTimeoutWithAnError() throws {
        let s = try resnetSettings(
            .singleStream,
            "*.SingleStream.min_duration = 100\n*.SingleStream.min_query_count = 10\n*.*.sut_timeout = 0.5\n")
        let dir = try Fixture.temporaryDirectory()
        let started = Date()
        let outcome = try LoadGen.run(
            settings: s, sut: SlowSUT(delay: nil), qsl: CountingQSL(total: 100, performance: 50), outputDirectory: dir)
        #expect(Date().timeIntervalSince(started) < 5)
        #expect(outcome.errors.first == "the SUT did not complete a query within 0.5 s")
        #expect(!outcome.isValid)
        let detail = try DetailEntries(path: dir + "/mlperf_log_detail.txt")
        #expect(detail.errors >= 1)
        #expect(
            try String(contentsOfFile: dir + "/mlperf_log_summary.txt", encoding: .utf8).contains("ERRORS encountered"))
    }

    @Test func theAccuracyScriptCountsTopOneOncePerSample() throws {
        let dir = try Fixture.temporaryDirectory()
        let log = """
            [
            { "seq_id" : 0, "qsl_idx" : 2, "data" : "01000000" },
            { "seq_id" : 1, "qsl_idx" : 0, "data" : "03000000" },
            { "seq_id" : 2, "qsl_idx" : 1, "data" : "05000000" },
            { "seq_id" : 3, "qsl_idx" : 2, "data" : "01000000" }
            ]
            """
        try log.write(toFile: dir + "/acc.json", atomically: true, encoding: .utf8)
        let r = try AccuracyScript.evaluate(accuracyLog: dir + "/acc.json", labels: [3, 4, 1])
        #expect(r.good == 2 && r.total == 3)
        #expect(r.line == "accuracy=66.667%, good=2, total=3")
        #expect(
            try AccuracyScript.evaluate(accuracyLog: dir + "/acc.json", labels: nil).line
                == "accuracy=0.000%, good=0, total=3")
        #expect(throws: LoadGenError.self) { try AccuracyScript.evaluate(accuracyLog: dir + "/acc.json", labels: [1]) }
    }
}
