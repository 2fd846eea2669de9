/// The settings a run actually uses, derived from the requested ones as LoadGen's `TestSettingsInternal` does
/// (logged under `effective_*`): the target QPS of each scenario, samples per query (Offline coalesces everything
/// into one query of `max(min_query_count, 1.1 · min_duration · target_qps)` samples), sample counts.
public struct EffectiveSettings: Sendable {
    public let requested: TestSettings
    public var scenario: TestScenario
    public var mode: TestMode
    public var samplesPerQuery: UInt64 = 1
    public var targetQPS: Double = 1
    public var targetLatencyNs: UInt64 = 0
    public var targetLatencyPercentile: Double = 0.99
    public var maxAsyncQueries: UInt64 = 0
    public var targetDurationMs: UInt64
    public var minDurationMs: UInt64
    public var maxDurationMs: UInt64
    public var minQueryCount: UInt64
    public var maxQueryCount: UInt64
    public var minSampleCount: UInt64 = 0
    public var performanceSampleCount: UInt64
    public var accuracySampleCount: UInt64

    public init(_ r: TestSettings, qslPerformanceCount: Int, qslTotalCount: Int) {
        requested = r
        scenario = r.scenario
        mode = r.mode
        targetDurationMs = r.minDurationMs
        minDurationMs = r.minDurationMs
        maxDurationMs = r.maxDurationMs
        minQueryCount = r.minQueryCount
        maxQueryCount = r.maxQueryCount
        switch r.scenario {
        case .singleStream:
            targetQPS = 1e9 / r.singleStreamExpectedLatencyNs
            maxAsyncQueries = 1
            targetLatencyPercentile = r.singleStreamTargetLatencyPercentile
        case .multiStream:
            targetQPS = 1e9 / r.multiStreamExpectedLatencyNs
            maxAsyncQueries = 1
            targetLatencyPercentile = r.multiStreamTargetLatencyPercentile
        case .server:
            targetQPS = r.serverTargetQPS >= 0 ? r.serverTargetQPS : 1
            targetLatencyNs = r.serverTargetLatencyNs
            targetLatencyPercentile = r.serverTargetLatencyPercentile
            maxAsyncQueries = r.serverMaxAsyncQueries
        case .offline:
            targetLatencyPercentile = 0.99
            targetQPS = r.offlineExpectedQPS >= 0 ? r.offlineExpectedQPS : 1
            maxAsyncQueries = 1
        }
        performanceSampleCount =
            r.performanceSampleCountOverride == 0
            ? UInt64(qslPerformanceCount) : r.performanceSampleCountOverride
        accuracySampleCount = r.accuracySampleCountOverride == 0 ? UInt64(qslTotalCount) : r.accuracySampleCountOverride
        if r.scenario == .multiStream { samplesPerQuery = r.multiStreamSamplesPerQuery }
        if r.scenario == .offline {
            // 10% slack so the SUT keeps busy past the minimum duration.
            let target = UInt64(1.1 * Double(targetDurationMs) / 1000 * targetQPS)
            samplesPerQuery = r.performanceIssueUnique ? performanceSampleCount : max(minQueryCount, target)
            minQueryCount = 1
            targetDurationMs = 0
        }
        minSampleCount = minQueryCount * samplesPerQuery
    }

    /// Problems with the combination, as LoadGen would report them.
    public var problems: [String] {
        var out: [String] = []
        if requested.performanceIssueSame && requested.performanceIssueSameIndex >= performanceSampleCount {
            out.append(
                "performance_issue_same_index \(requested.performanceIssueSameIndex) is not below the performance sample count \(performanceSampleCount)"
            )
        }
        if requested.mode == .findPeakPerformance && requested.scenario != .server {
            out.append("Finding peak performance is only supported in Server scenarios.")
        }
        if requested.performanceIssueUnique && requested.performanceIssueSame {
            out.append("performance_issue_unique and performance_issue_same cannot both be set")
        }
        return out
    }
}
