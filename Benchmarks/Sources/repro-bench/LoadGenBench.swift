import Foundation
import LoadGen

/// LoadGen's own cost: a null SUT that answers every sample at once, on the issuing thread, so the time is
/// LoadGen's (query generation, issuing, completion bookkeeping, statistics and logs).
enum LoadGenBench {
    final class Instant: SystemUnderTest, QuerySampleLibrary {
        let name = "Instant"
        let totalSampleCount = 50_000
        let performanceSampleCount = 1024
        func loadSamples(_ indices: [Int]) throws {}
        func unloadSamples(_ indices: [Int]) {}
        func issueQuery(_ samples: [QuerySample], sink: ResponseSink) {
            for s in samples { sink.complete(id: s.id, data: nil) }
        }
        func flushQueries() {}
    }

    /// The same user.conf as Benchmarks/loadgen/official_null.py: the query count decides the length.
    static func userConf(queries: Int) -> String {
        """
        *.SingleStream.min_duration = 0
        *.SingleStream.min_query_count = \(queries)
        resnet50.SingleStream.target_latency = 0.001
        *.Offline.min_duration = 0
        resnet50.Offline.min_query_count = \(queries)
        *.Server.min_duration = 0
        *.Server.min_query_count = \(queries)
        resnet50.Server.target_qps = 1000000
        """
    }

    static func run(scenario name: String, queries: Int, output: String) throws -> [String: Any] {
        let scenario = TestScenario(rawValue: name)!
        let settings = try SettingsLoader.settings(
            model: "resnet50", scenario: scenario, mode: .performanceOnly, mlperf: MLPerfConf.file(),
            user: ConfigFile(path: "user.conf", text: userConf(queries: queries)))
        let sut = Instant()
        let t0 = Date()
        let outcome = try LoadGen.run(settings: settings, sut: sut, qsl: sut, outputDirectory: output, trace: false)
        let seconds = Date().timeIntervalSince(t0)
        return [
            "seconds": seconds, "queries": outcome.performance?.queryCount ?? 0,
            "samples": outcome.performance?.sampleCount ?? 0,
        ]
    }
}
