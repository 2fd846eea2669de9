/// The entries LoadGen writes to the detail log and the text of `mlperf_log_summary.txt`, field for field and in
/// LoadGen's order.
enum Reports {
    static func logRequested(_ d: DetailLog, _ s: TestSettings) {
        d.log("requested_scenario", .string(s.scenario.rawValue))
        d.log("requested_test_mode", .string(s.mode.rawValue))
        switch s.scenario {
        case .singleStream:
            d.log("requested_single_stream_expected_latency_ns", .double(s.singleStreamExpectedLatencyNs))
            d.log(
                "requested_single_stream_target_latency_percentile", .double(s.singleStreamTargetLatencyPercentile))
        case .multiStream:
            d.log("requested_multi_stream_expected_latency_ns", .double(s.multiStreamExpectedLatencyNs))
            d.log(
                "requested_multi_stream_target_latency_percentile", .double(s.multiStreamTargetLatencyPercentile))
            d.log("requested_multi_stream_samples_per_query", .uint(s.multiStreamSamplesPerQuery))
        case .server:
            d.log("requested_server_target_qps", .double(s.serverTargetQPS))
            d.log("requested_server_target_latency_ns", .uint(s.serverTargetLatencyNs))
            d.log("requested_server_target_latency_percentile", .double(s.serverTargetLatencyPercentile))
            d.log("requested_server_coalesce_queries", .bool(s.serverCoalesceQueries))
            d.log(
                "requested_server_find_peak_qps_decimals_of_precision",
                .int(Int64(s.serverFindPeakQPSDecimalsOfPrecision)))
            d.log("requested_server_find_peak_qps_boundary_step_size", .double(s.serverFindPeakQPSBoundaryStepSize))
            d.log("requested_server_max_async_queries", .uint(s.serverMaxAsyncQueries))
            d.log("requested_server_num_issue_query_threads", .int(0))
        case .offline:
            d.log("requested_offline_expected_qps", .double(s.offlineExpectedQPS))
        }
        d.log("requested_min_duration_ms", .uint(s.minDurationMs))
        d.log("requested_max_duration_ms", .uint(s.maxDurationMs))
        d.log("requested_min_query_count", .uint(s.minQueryCount))
        d.log("requested_max_query_count", .uint(s.maxQueryCount))
        d.log("requested_qsl_rng_seed", .uint(s.qslRNGSeed))
        d.log("requested_sample_index_rng_seed", .uint(s.sampleIndexRNGSeed))
        d.log("requested_schedule_rng_seed", .uint(s.scheduleRNGSeed))
        d.log("requested_accuracy_log_rng_seed", .uint(s.accuracyLogRNGSeed))
        d.log("requested_accuracy_log_probability", .double(s.accuracyLogProbability))
        d.log("requested_accuracy_log_sampling_target", .uint(s.accuracyLogSamplingTarget))
        d.log("requested_print_timestamps", .bool(s.printTimestamps))
        d.log("requested_performance_issue_unique", .bool(s.performanceIssueUnique))
        d.log("requested_performance_issue_same", .bool(s.performanceIssueSame))
        d.log("requested_performance_issue_same_index", .uint(s.performanceIssueSameIndex))
        d.log("requested_performance_sample_count_override", .uint(s.performanceSampleCountOverride))
        d.log("requested_accuracy_sample_count_override", .uint(s.accuracySampleCountOverride))
        d.log("requested_sample_concatenate_permutation", .bool(s.sampleConcatenatePermutation))
    }

    static func logEffective(_ d: DetailLog, _ s: EffectiveSettings) {
        d.log("effective_scenario", .string(s.scenario.rawValue))
        d.log("effective_test_mode", .string(s.mode.rawValue))
        d.log("effective_samples_per_query", .uint(s.samplesPerQuery))
        d.log("effective_target_qps", .double(s.targetQPS))
        d.log("effective_target_latency_ns", .uint(s.targetLatencyNs))
        d.log("effective_target_latency_percentile", .double(s.targetLatencyPercentile))
        d.log("effective_max_async_queries", .uint(s.maxAsyncQueries))
        d.log("effective_target_duration_ms", .uint(s.targetDurationMs))
        d.log("effective_min_duration_ms", .uint(s.minDurationMs))
        d.log("effective_max_duration_ms", .uint(s.maxDurationMs))
        d.log("effective_min_query_count", .uint(s.minQueryCount))
        d.log("effective_max_query_count", .uint(s.maxQueryCount))
        d.log("effective_min_sample_count", .uint(s.minSampleCount))
        d.log("effective_qsl_rng_seed", .uint(s.requested.qslRNGSeed))
        d.log("effective_sample_index_rng_seed", .uint(s.requested.sampleIndexRNGSeed))
        d.log("effective_schedule_rng_seed", .uint(s.requested.scheduleRNGSeed))
        d.log("effective_accuracy_log_rng_seed", .uint(s.requested.accuracyLogRNGSeed))
        d.log("effective_accuracy_log_probability", .double(s.requested.accuracyLogProbability))
        d.log("effective_accuracy_log_sampling_target", .uint(s.requested.accuracyLogSamplingTarget))
        d.log("effective_print_timestamps", .bool(s.requested.printTimestamps))
        d.log("effective_performance_issue_unique", .bool(s.requested.performanceIssueUnique))
        d.log("effective_performance_issue_same", .bool(s.requested.performanceIssueSame))
        d.log("effective_performance_issue_same_index", .uint(s.requested.performanceIssueSameIndex))
        d.log("effective_performance_sample_count", .uint(s.performanceSampleCount))
        d.log("effective_accuracy_sample_count", .uint(s.accuracySampleCount))
        d.log("effective_sample_concatenate_permutation", .bool(s.requested.sampleConcatenatePermutation))
    }

    static func logResults(_ d: DetailLog, _ p: PerformanceSummary) {
        d.log("result_validity", .string(p.isValid ? "VALID" : "INVALID"))
        if p.settings.scenario == .server { d.log("result_perf_constraints_met", .bool(p.perfConstraintsMet)) }
        d.log("result_min_duration_met", .bool(p.minDurationMet))
        d.log("result_min_queries_met", .bool(p.minQueriesMet))
        d.log("early_stopping_met", .bool(p.earlyStoppingMet))
        if !p.isValid {
            var reason = ""
            if !p.perfConstraintsMet { reason += p.perfConstraintsRecommendation + " " }
            if !p.minDurationMet { reason += p.minDurationRecommendation + " " }
            if !p.minQueriesMet { reason += "The test exited early, before enough queries were issued." }
            for extra in p.extraProblems { reason += (reason.isEmpty ? "" : " ") + extra }
            d.log("result_invalid_reason", .string(reason))
        }
        d.log(
            "early_stopping_result", .string(p.earlyStoppingRecommendation.replacingAll("\n", " ")))
        d.log("result_query_count", .int(Int64(p.queryCount)))
        if p.settings.scenario == .server {
            d.log("result_overlatency_query_count", .int(Int64(p.overlatencyQueryCount)))
        }
        let n = Double(p.sampleCount)
        switch p.settings.scenario {
        case .singleStream:
            d.log(
                "result_qps_with_loadgen_overhead",
                .double(p.finalQueryIssuedTime > 0 ? (n - 1) / p.finalQueryIssuedTime : 0))
            d.log(
                "result_qps_without_loadgen_overhead",
                .double(p.sampleLatencyMean > 0 ? 1e9 / Double(p.sampleLatencyMean) : 0))
            d.log("early_stopping_latency_ss", .uint(p.earlyStoppingLatencySS))
            d.log("early_stopping_latency_ms", .uint(p.earlyStoppingLatencyMS))
        case .multiStream:
            d.log("result_min_query_latency_ns", .uint(p.queryLatencyMin))
            d.log("result_max_query_latency_ns", .uint(p.queryLatencyMax))
            d.log("result_mean_query_latency_ns", .uint(p.queryLatencyMean))
            for lp in p.percentiles {
                d.log(
                    "result_\(LoadGenFormat.fixed(lp.percentile * 100))_percentile_per_query_latency_ns",
                    .uint(lp.queryLatency))
            }
            d.log("early_stopping_latency_ms", .uint(p.earlyStoppingLatencyMS))
        case .server:
            d.log("result_scheduled_samples_per_sec", .double(p.scheduledSamplesPerSecond))
            d.log("result_completed_samples_per_sec", .double(p.metric.value))
        case .offline:
            d.log("result_samples_per_second", .double(p.metric.value))
        }
        d.log("result_min_latency_ns", .uint(p.sampleLatencyMin))
        d.log("result_max_latency_ns", .uint(p.sampleLatencyMax))
        d.log("result_mean_latency_ns", .uint(p.sampleLatencyMean))
        for lp in p.percentiles {
            d.log(
                "result_\(LoadGenFormat.fixed(lp.percentile * 100))_percentile_latency_ns", .uint(lp.sampleLatency))
        }
    }

    /// The text of `mlperf_log_summary.txt` for a performance run.
    static func summary(_ p: PerformanceSummary, warnings: Int, errors: Int) -> String {
        var out: [String] = []
        func line(_ s: String) { out.append(s) }
        let s = p.settings
        line(
            "================================================\nMLPerf Results Summary\n================================================"
        )
        line("SUT name : \(p.sutName)")
        line("Scenario : \(s.scenario.rawValue)")
        line("Mode     : \(s.mode.rawValue)")
        let pct = LoadGenFormat.fixed(p.target.percentile * 100, 1)
        switch s.scenario {
        case .singleStream: line("\(pct)th percentile latency (ns) : \(p.target.sampleLatency)")
        case .multiStream: line("\(pct)th percentile latency (ns) : \(p.target.queryLatency)")
        case .server: line("Completed samples per second    : \(LoadGenFormat.fixed(p.metric.value))")
        case .offline: line("Samples per second: \(LoadGenFormat.number(p.metric.value))")
        }
        line("Result is : \(p.isValid ? "VALID" : "INVALID")")
        if s.scenario == .server {
            line("  Performance constraints satisfied : \(p.perfConstraintsMet ? "Yes" : "NO")")
        }
        line("  Min duration satisfied : \(p.minDurationMet ? "Yes" : "NO")")
        line("  Min queries satisfied : \(p.minQueriesMet ? "Yes" : "NO")")
        line("  Early stopping satisfied: \(p.earlyStoppingMet ? "Yes" : "NO")")
        if !p.isValid {
            line("Recommendations:")
            if !p.perfConstraintsMet { line(" * " + p.perfConstraintsRecommendation) }
            if !p.minDurationMet { line(" * " + p.minDurationRecommendation) }
            if !p.minQueriesMet {
                line(
                    " * The test exited early, before enough queries were issued.\n   See the detailed log for why this may have occurred."
                )
            }
            for extra in p.extraProblems { line(" * " + extra) }
        }
        if s.scenario != .offline {
            line("Early Stopping Result:")
            line(p.earlyStoppingRecommendation)
        }
        line(
            "\n================================================\nAdditional Stats\n================================================"
        )
        let n = Double(p.sampleCount)
        switch s.scenario {
        case .singleStream:
            line(
                "QPS w/ loadgen overhead         : "
                    + LoadGenFormat.fixed(p.finalQueryIssuedTime > 0 ? (n - 1) / p.finalQueryIssuedTime : 0))
            line(
                "QPS w/o loadgen overhead        : "
                    + LoadGenFormat.fixed(p.sampleLatencyMean > 0 ? 1e9 / Double(p.sampleLatencyMean) : 0))
            line("")
        case .server:
            line("Scheduled samples per second : " + LoadGenFormat.fixed(p.scheduledSamplesPerSecond))
        case .multiStream:
            line("Per-query latency:  ")
            line("Min latency (ns)                : \(p.queryLatencyMin)")
            line("Max latency (ns)                : \(p.queryLatencyMax)")
            line("Mean latency (ns)               : \(p.queryLatencyMean)")
            for lp in p.percentiles {
                line("\(LoadGenFormat.fixed(lp.percentile * 100)) percentile latency (ns)   : \(lp.queryLatency)")
            }
        case .offline:
            break
        }
        if s.scenario != .multiStream {
            line("Min latency (ns)                : \(p.sampleLatencyMin)")
            line("Max latency (ns)                : \(p.sampleLatencyMax)")
            line("Mean latency (ns)               : \(p.sampleLatencyMean)")
            for lp in p.percentiles {
                line("\(LoadGenFormat.fixed(lp.percentile * 100)) percentile latency (ns)   : \(lp.sampleLatency)")
            }
        }
        line(
            "\n================================================\nTest Parameters Used\n================================================"
        )
        line("samples_per_query : \(s.samplesPerQuery)")
        line("target_qps : \(LoadGenFormat.number(s.targetQPS))")
        line("target_latency (ns): \(s.targetLatencyNs)")
        line("max_async_queries : \(s.maxAsyncQueries)")
        line("min_duration (ms): \(s.minDurationMs)")
        line("max_duration (ms): \(s.maxDurationMs)")
        line("min_query_count : \(s.minQueryCount)")
        line("max_query_count : \(s.maxQueryCount)")
        let r = s.requested
        line("qsl_rng_seed : \(r.qslRNGSeed)")
        line("sample_index_rng_seed : \(r.sampleIndexRNGSeed)")
        line("schedule_rng_seed : \(r.scheduleRNGSeed)")
        line("accuracy_log_rng_seed : \(r.accuracyLogRNGSeed)")
        line("accuracy_log_probability : \(LoadGenFormat.number(r.accuracyLogProbability))")
        line("accuracy_log_sampling_target : \(r.accuracyLogSamplingTarget)")
        line("print_timestamps : \(r.printTimestamps ? 1 : 0)")
        line("performance_issue_unique : \(r.performanceIssueUnique ? 1 : 0)")
        line("performance_issue_same : \(r.performanceIssueSame ? 1 : 0)")
        line("performance_issue_same_index : \(r.performanceIssueSameIndex)")
        line("performance_sample_count : \(s.performanceSampleCount)")
        line("accuracy_sample_count : \(s.accuracySampleCount)")
        return out.joined(separator: "\n") + "\n" + trailer(warnings: warnings, errors: errors)
    }

    /// The warnings and errors lines that end every summary (and are the whole summary of an accuracy run).
    static func trailer(warnings: Int, errors: Int) -> String {
        let w =
            warnings == 0
            ? "No warnings encountered during test.\n" : "\(warnings) warnings encountered. See detailed log.\n"
        let e =
            errors == 0 ? "No errors encountered during test.\n" : "\(errors) ERRORS encountered. See detailed log.\n"
        return "\n" + w + "\n" + e
    }
}

extension String {
    func replacingAll(_ target: Character, _ replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
