/// Builds `TestSettings` from settings files as LoadGen's `TestSettings::FromConfig` does: the MLCommons
/// `mlperf.conf` first (the only file whose RNG seeds count), then `user.conf`, then overrides, and last an
/// `audit.config` (the compliance tests'), whose lines LoadGen applies for model `*`; in each file a key is looked
/// up as `model.scenario`, `*.scenario`, `model.*`, `*.*`. Percentiles are given in percent, latencies and durations
/// in milliseconds.
public enum SettingsLoader {
    public static func settings(
        model: String, scenario: TestScenario, mode: TestMode, mlperf: ConfigFile,
        user: ConfigFile?, overrides: ConfigFile? = nil, audit: ConfigFile? = nil
    ) throws(LoadGenError) -> TestSettings {
        var s = TestSettings()
        s.scenario = scenario
        s.mode = mode
        try apply(mlperf, to: &s, model: model, isMLPerfConf: true)
        if let user { try apply(user, to: &s, model: model, isMLPerfConf: false) }
        if let overrides { try apply(overrides, to: &s, model: model, isMLPerfConf: false) }
        if let audit {
            try apply(audit, to: &s, model: "*", isMLPerfConf: false)
            s.auditConfig = audit.path
        }
        return s
    }

    static func apply(_ file: ConfigFile, to s: inout TestSettings, model: String, isMLPerfConf: Bool)
        throws(LoadGenError)
    {
        let scenario = s.scenario.rawValue
        func u64(_ key: String, scenario sc: String = scenario, scale: UInt64 = 1) -> UInt64? {
            file.lookup(model: model, scenario: sc, key: key).flatMap(ConfigFile.integer).map { $0 * scale }
        }
        func dbl(_ key: String, scenario sc: String = scenario, scale: Double = 1) -> Double? {
            file.lookup(model: model, scenario: sc, key: key).flatMap(ConfigFile.number).map { $0 * scale }
        }
        if let mode = u64("mode") {
            switch mode {
            case 0: s.mode = .submissionRun
            case 1: s.mode = .accuracyOnly
            case 2: s.mode = .performanceOnly
            case 3: s.mode = .findPeakPerformance
            default:
                throw .settings(
                    "\(file.path): mode must be 0 (submission), 1 (accuracy), 2 (performance) or 3 (find peak "
                        + "performance), found \(mode)")
            }
        }
        if isMLPerfConf {
            s.qslRNGSeed = u64("qsl_rng_seed") ?? s.qslRNGSeed
            s.sampleIndexRNGSeed = u64("sample_index_rng_seed") ?? s.sampleIndexRNGSeed
            s.scheduleRNGSeed = u64("schedule_rng_seed") ?? s.scheduleRNGSeed
            s.accuracyLogProbability = dbl("accuracy_log_probability", scale: 0.01) ?? s.accuracyLogProbability
        }
        s.singleStreamTargetLatencyPercentile =
            dbl("target_latency_percentile", scenario: "SingleStream", scale: 0.01)
            ?? s.singleStreamTargetLatencyPercentile
        s.multiStreamTargetLatencyPercentile =
            dbl("target_latency_percentile", scenario: "MultiStream", scale: 0.01)
            ?? s.multiStreamTargetLatencyPercentile
        s.multiStreamSamplesPerQuery = u64("samples_per_query", scenario: "MultiStream") ?? s.multiStreamSamplesPerQuery
        s.serverTargetLatencyPercentile =
            dbl("target_latency_percentile", scenario: "Server", scale: 0.01) ?? s.serverTargetLatencyPercentile
        s.serverTargetLatencyNs = u64("target_latency", scenario: "Server", scale: 1_000_000) ?? s.serverTargetLatencyNs
        if let v = u64("performance_issue_unique") { s.performanceIssueUnique = v != 0 }
        if let v = u64("performance_issue_same") { s.performanceIssueSame = v != 0 }
        s.performanceIssueSameIndex = u64("performance_issue_same_index") ?? s.performanceIssueSameIndex
        if let v = u64("sample_concatenate_permutation") { s.sampleConcatenatePermutation = v == 1 }
        if let v = u64("coalesce_queries", scenario: "Server") { s.serverCoalesceQueries = v != 0 }
        s.serverMaxAsyncQueries = u64("max_async_queries", scenario: "Server") ?? s.serverMaxAsyncQueries
        s.minDurationMs = u64("min_duration") ?? s.minDurationMs
        s.maxDurationMs = u64("max_duration") ?? s.maxDurationMs
        s.minQueryCount = u64("min_query_count") ?? s.minQueryCount
        s.maxQueryCount = u64("max_query_count") ?? s.maxQueryCount
        s.performanceSampleCountOverride = u64("performance_sample_count_override") ?? s.performanceSampleCountOverride
        s.accuracySampleCountOverride = u64("accuracy_sample_count_override") ?? s.accuracySampleCountOverride
        s.singleStreamExpectedLatencyNs =
            dbl("target_latency", scenario: "SingleStream", scale: 1e6) ?? s.singleStreamExpectedLatencyNs
        s.multiStreamExpectedLatencyNs =
            dbl("target_latency", scenario: "MultiStream", scale: 1e6) ?? s.multiStreamExpectedLatencyNs
        s.serverTargetQPS = dbl("target_qps", scenario: "Server") ?? s.serverTargetQPS
        s.offlineExpectedQPS = dbl("target_qps", scenario: "Offline") ?? s.offlineExpectedQPS
        if let v = u64("print_timestamps") { s.printTimestamps = v != 0 }
        s.accuracyLogRNGSeed = u64("accuracy_log_rng_seed") ?? s.accuracyLogRNGSeed
        s.accuracyLogSamplingTarget = u64("accuracy_log_sampling_target") ?? s.accuracyLogSamplingTarget
        s.sutTimeoutSeconds = dbl("sut_timeout") ?? s.sutTimeoutSeconds
    }
}
