/// The scenarios of MLPerf Inference. As a dictionary key it reads and writes a JSON object's keys (the submission
/// rules' minimum queries and latency bounds per scenario).
public enum TestScenario: String, Sendable, CaseIterable, Codable, CodingKeyRepresentable {
    case singleStream = "SingleStream"
    case multiStream = "MultiStream"
    case server = "Server"
    case offline = "Offline"
}

/// What a run measures.
public enum TestMode: String, Sendable, CaseIterable, Codable {
    /// Accuracy then performance (two runs, as MLCommons' submission mode).
    case submissionRun = "SubmissionRun"
    case accuracyOnly = "AccuracyOnly"
    case performanceOnly = "PerformanceOnly"
    /// Server only: LoadGen's `FindPeakPerformance` (mode 3), the highest target QPS that meets the latency bound.
    case findPeakPerformance = "FindPeakPerformance"
}

/// The settings a run asks for, with LoadGen's names, units and defaults (`TestSettings` in loadgen/test_settings.h).
/// Latencies are in nanoseconds, durations in milliseconds, percentiles as fractions.
public struct TestSettings: Sendable, Equatable {
    public var scenario: TestScenario = .singleStream
    public var mode: TestMode = .performanceOnly

    public var singleStreamExpectedLatencyNs: Double = 1_000_000
    public var singleStreamTargetLatencyPercentile: Double = 0.90
    public var multiStreamExpectedLatencyNs: Double = 8_000_000
    public var multiStreamTargetLatencyPercentile: Double = 0.99
    public var multiStreamSamplesPerQuery: UInt64 = 8
    public var serverTargetQPS: Double = 1
    public var serverTargetLatencyNs: UInt64 = 100_000_000
    public var serverTargetLatencyPercentile: Double = 0.99
    public var serverCoalesceQueries = false
    /// 0: no limit.
    public var serverMaxAsyncQueries: UInt64 = 0
    public var offlineExpectedQPS: Double = 1

    public var minDurationMs: UInt64 = 10_000
    /// 0: no limit.
    public var maxDurationMs: UInt64 = 0
    public var minQueryCount: UInt64 = 100
    /// 0: no limit.
    public var maxQueryCount: UInt64 = 0

    public var qslRNGSeed: UInt64 = 0
    public var sampleIndexRNGSeed: UInt64 = 0
    public var scheduleRNGSeed: UInt64 = 0
    public var accuracyLogRNGSeed: UInt64 = 0
    public var accuracyLogProbability: Double = 0
    public var accuracyLogSamplingTarget: UInt64 = 0

    public var printTimestamps = false
    public var performanceIssueUnique = false
    public var performanceIssueSame = false
    public var performanceIssueSameIndex: UInt64 = 0
    /// 0: the QSL's performance sample count.
    public var performanceSampleCountOverride: UInt64 = 0
    /// 0: the QSL's total sample count.
    public var accuracySampleCountOverride: UInt64 = 0
    public var sampleConcatenatePermutation = false
    /// Server find-peak: decimals of the QPS the search resolves, and the factor by which the upper bound grows
    /// (`target_qps * (1 + step)`), as LoadGen's defaults.
    public var serverFindPeakQPSDecimalsOfPrecision = 1
    public var serverFindPeakQPSBoundaryStepSize = 1.0

    /// The audit configuration applied on top of the settings files (`audit.config`), when there was one; LoadGen
    /// says so in the detail log.
    public var auditConfig: String?

    /// repro's own guard (not a LoadGen key): seconds to wait for the SUT to complete what was issued before the
    /// run is stopped as INVALID. 0 waits forever.
    public var sutTimeoutSeconds: Double = 60

    public init() {}
}
