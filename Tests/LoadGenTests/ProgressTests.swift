import Foundation
import LoadGen
import Synchronization
import Testing

/// Progress against what ends a test: the minimum duration while a timed scenario issues, the samples it will issue
/// in accuracy runs and in Offline's one query.
struct ProgressTests {
    func run(_ scenario: TestScenario, _ mode: TestMode, _ user: String, sut: any SystemUnderTest) throws
        -> [LoadGenProgress]
    {
        let seen = Mutex<[LoadGenProgress]>([])
        _ = try LoadGen.run(
            settings: try resnetSettings(scenario, mode, user), sut: sut,
            qsl: CountingQSL(total: 200, performance: 100), outputDirectory: try Fixture.temporaryDirectory()
        ) { p in seen.withLock { $0.append(p) } }
        return seen.withLock { $0 }
    }

    @Test func aTimedScenarioReportsSecondsOfItsMinimumDuration() throws {
        let reports = try run(
            .singleStream, .performanceOnly,
            "*.SingleStream.min_duration = 1200\n*.SingleStream.min_query_count = 10\n"
                + "resnet50.SingleStream.target_latency = 1\n",
            sut: SlowSUT(delay: 0.001))
        let timed = reports.filter { $0.minimumSeconds != nil }
        #expect(timed.count >= 2, "\(reports)")
        #expect(timed.allSatisfy { $0.minimumSeconds == 1.2 && $0.expected == nil })
        #expect(timed.last!.elapsed > timed.first!.elapsed && timed.last!.completed > 0)
    }

    @Test func anAccuracyRunReportsSamplesOfTheWholeDataSet() throws {
        let reports = try run(
            .offline, .accuracyOnly, "resnet50.Offline.target_qps = 1000\n", sut: SlowSUT(delay: 0.004))
        #expect(!reports.isEmpty)
        #expect(reports.allSatisfy { $0.expected == 200 && $0.minimumSeconds == nil }, "\(reports)")
    }
}
