import Basics
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

    /// A test with `userConf` (the file Benchmarks/loadgen/run writes for every LoadGen it compares), timed from the
    /// call to its return, logs written.
    static func run(scenario name: String, userConf path: String, output: String) throws -> [String: Any] {
        let scenario = TestScenario(rawValue: name)!
        let settings = try SettingsLoader.settings(
            model: "resnet50", scenario: scenario, mode: .performanceOnly, mlperf: MLPerfConf.file(),
            user: ConfigFile(path: path, text: try String(contentsOfFile: path, encoding: .utf8)))
        let sut = Instant()
        let t0 = Clock.monotonic()
        let outcome = try LoadGen.run(settings: settings, sut: sut, qsl: sut, outputDirectory: output, trace: false)
        let seconds = Clock.monotonic() - t0
        return [
            "seconds": seconds, "queries": outcome.performance?.queryCount ?? 0,
            "samples": outcome.performance?.sampleCount ?? 0,
        ]
    }
}
