import Foundation
import LoadGen
import Testing

/// Server find-peak (LoadGen's mode 3) against a SUT of known capacity: the paced null SUT answers 2,000 samples/s,
/// one at a time, so above that rate its queue grows and the latency bound fails.
@Suite struct FindPeakTests {
    @Test func findsTheHighestRateThatMeetsTheLatencyBound() throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var settings = try resnetSettings(
            .server,
            """
            *.*.mode = 3
            resnet50.Server.target_qps = 200
            resnet50.Server.target_latency = 20
            *.Server.min_duration = 400
            *.Server.min_query_count = 40
            """)
        settings.serverFindPeakQPSDecimalsOfPrecision = 0
        #expect(settings.mode == .findPeakPerformance)
        let sut = PacedNullSUT(samplesPerSecond: 2000, totalSampleCount: 1000, performanceSampleCount: 100)
        defer { sut.shutdown() }
        let outcome = try LoadGen.run(settings: settings, sut: sut, qsl: sut, outputDirectory: dir, trace: false)
        let peak = try #require(outcome.performance?.settings.targetQPS)
        // Above 2,000/s the queue grows without end; on a busy machine the peak found can be lower.
        #expect(peak > 400 && peak < 2400, "found \(peak)")
        #expect(outcome.performance?.perfConstraintsMet == true)
        let detail = try DetailEntries(path: dir + "/mlperf_log_detail.txt")
        let messages = (detail.values["generic_message"] ?? []).map { "\($0)" }
        #expect(messages.contains("Starting FindPeakPerformance mode"))
        // Doubling from 200: the boundaries are [200 × 2^k, 200 × 2^(k+1)).
        let boundaries = try #require(messages.first { $0.hasPrefix("FindPeakPerformance: Found boundaries: [") })
        #expect(
            ["200", "400", "800", "1600"].contains {
                boundaries.hasPrefix("FindPeakPerformance: Found boundaries: [\($0).000000, ")
            }, "\(boundaries)")
        #expect(
            messages.contains {
                $0 == "FindPeakPerformance: Found peak performance field: " + String(format: "%f", peak)
            })
        #expect(detail.text("effective_test_mode") == "FindPeakPerformance")
    }

    @Test func aLowerBoundThatFailsIsAnErrorOfTheRun() throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let settings = try resnetSettings(
            .server,
            """
            *.*.mode = 3
            resnet50.Server.target_qps = 6000
            resnet50.Server.target_latency = 5
            *.Server.min_duration = 300
            *.Server.min_query_count = 40
            """)
        let sut = PacedNullSUT(samplesPerSecond: 1000, totalSampleCount: 1000, performanceSampleCount: 100)
        defer { sut.shutdown() }
        let outcome = try LoadGen.run(settings: settings, sut: sut, qsl: sut, outputDirectory: dir, trace: false)
        let detail = try String(contentsOfFile: dir + "/mlperf_log_detail.txt", encoding: .utf8)
        #expect(detail.contains("FindPeakPerformance: Initial lower bound does not satisfy performance constraints"))
        #expect(outcome.performance?.perfConstraintsMet == false)
    }

    @Test func findPeakIsForServerOnly() throws {
        let settings = try resnetSettings(.offline, "*.*.mode = 3\n")
        #expect {
            _ = try LoadGen.run(
                settings: settings, sut: NullSUT(), qsl: CountingQSL(total: 10, performance: 10),
                outputDirectory: try Fixture.temporaryDirectory())
        } throws: { "\($0)" == "Finding peak performance is only supported in Server scenarios." }
    }
}
