import Basics
import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// What a LoadGen test produced: the performance summary (absent in an accuracy-only run), the power window,
/// the files written and the errors counted in the detail log.
public struct TestOutcome: Sendable {
    public let settings: EffectiveSettings
    public let performance: PerformanceSummary?
    /// Samples written to the accuracy log.
    public let accuracySamplesLogged: Int
    /// Wall-clock seconds (Unix time) of the performance run's power window: the first issue to the last completion.
    public let powerWindow: ClosedRange<Double>?
    public let errors: [String]
    public let outputDirectory: String

    /// VALID in performance runs; in accuracy runs, every sample answered and no errors.
    public var isValid: Bool { errors.isEmpty && (performance?.isValid ?? true) }
}

/// The LoadGen entry point: `StartTest` of MLCommons LoadGen, with the same settings, the same query generation
/// and stop rules, and the same four files in `outputDirectory`.
public enum LoadGen {
    /// The MLCommons LoadGen release whose behaviour and log format this module follows.
    public static let referenceVersion = "6.0.17"
    /// What the detail log's `loadgen_version` says: that repro's LoadGen wrote it, and whose rules it follows.
    public static let versionString = "repro LoadGen (MLCommons LoadGen \(referenceVersion) rules)"

    public static func run(
        settings requested: TestSettings, sut: any SystemUnderTest, qsl: any QuerySampleLibrary,
        outputDirectory: String, trace: Bool = true,
        progress: ((LoadGenProgress) -> Void)? = nil
    ) throws(LoadGenError) -> TestOutcome {
        do { try FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true) } catch
        {
            throw .io("cannot create \(outputDirectory): \(error.localizedDescription)")
        }
        let settings = EffectiveSettings(
            requested, qslPerformanceCount: qsl.performanceSampleCount,
            qslTotalCount: qsl.totalSampleCount)
        if let problem = settings.problems.first { throw .settings(problem) }
        var test = Test(
            sut: sut, qsl: qsl, detail: DetailLog(), accuracyLog: AccuracyLog(), trace: TraceLog(enabled: trace),
            sampling: AccuracyLogSampling(settings), progress: progress)
        logHeader(test.detail, settings: settings, sut: sut, qsl: qsl)
        if let audit = requested.auditConfig {
            test.detail.log(
                "warning_generic_message",
                .string(
                    "Found Audit Config file (\((audit as NSString).lastPathComponent)). Overriding TestSettings from audit.config file."
                ), warning: true)
        }
        Reports.logRequested(test.detail, requested)
        Reports.logEffective(test.detail, settings)

        var errors: [String] = []
        var performance: PerformanceSummary?
        var window: ClosedRange<Double>?
        switch settings.mode {
        case .accuracyOnly:
            errors += try test.accuracy(settings)
        case .submissionRun:
            errors += try test.accuracy(settings)
            (performance, window, errors) = try test.reportedPerformance(settings, errors)
        case .performanceOnly:
            (performance, window, errors) = try test.reportedPerformance(settings, errors)
        case .findPeakPerformance:
            (performance, window, errors) = try test.findPeak(settings, errors)
        }
        let detail = test.detail
        detail.log("num_errors", .int(Int64(detail.errors)))

        let summaryText =
            performance.map { Reports.summary($0, warnings: detail.warnings, errors: detail.errors) }
            ?? Reports.trailer(warnings: detail.warnings, errors: detail.errors)
        try write(summaryText, to: outputDirectory + "/mlperf_log_summary.txt")
        try detail.write(to: outputDirectory + "/mlperf_log_detail.txt")
        try test.accuracyLog.write(to: outputDirectory + "/mlperf_log_accuracy.json")
        if trace { try test.trace.write(to: outputDirectory + "/mlperf_log_trace.json") }
        return TestOutcome(
            settings: settings, performance: performance, accuracySamplesLogged: test.accuracyLog.count,
            powerWindow: window, errors: errors, outputDirectory: outputDirectory)
    }

    static func logHeader(
        _ d: DetailLog, settings: EffectiveSettings, sut: any SystemUnderTest, qsl: any QuerySampleLibrary
    ) {
        d.log("loadgen_version", .string(versionString))
        d.log("test_datetime", .string(LoadGenFormat.isoTime(Date().timeIntervalSince1970)))
        let t0 = Clock.monotonicNanoseconds()
        let name = sut.name
        let took = Clock.monotonicNanoseconds() - t0
        d.log("sut_name", .string(name))
        d.log("get_sut_name_duration_ns", .uint(took))
        d.log("qsl_name", .string(qsl.name))
        d.log("qsl_reported_total_count", .int(Int64(qsl.totalSampleCount)))
        d.log("qsl_reported_performance_count", .int(Int64(qsl.performanceSampleCount)))
    }

    static func logGenerated(_ d: DetailLog, _ set: LoadableSet, _ queries: GeneratedQueries) {
        d.log("loaded_qsl_set", .list(set.samples))
        let perQuery = queries.count == 0 ? 0 : queries.queryStart[1]
        d.log("generated_query_count", .int(Int64(queries.count)))
        d.log("generated_samples_per_query", .int(Int64(perQuery)))
        d.log("generated_query_duration", .uint(queries.duration))
    }

    static func logPower(_ d: DetailLog, _ r: IssueResult) -> ClosedRange<Double> {
        let begin = r.wallStart
        let end = r.wallStart + Double(r.activeDuration) / 1e9
        d.log("power_begin", .string(LoadGenFormat.powerTime(begin)), event: "INTERVAL_START")
        d.log("power_end", .string(LoadGenFormat.powerTime(end)), event: "INTERVAL_END")
        return begin...max(begin, end)
    }

    static func logIssueErrors(_ d: DetailLog, _ r: IssueResult) {
        if !r.endMessage.isEmpty {
            d.log("generic_message", .string(r.endMessage))
        }
        for e in r.errors { d.log("error_runtime", .string(e), error: true) }
    }

    static func write(_ text: String, to path: String) throws(LoadGenError) {
        do { try text.write(toFile: path, atomically: true, encoding: .utf8) } catch {
            throw .io("cannot write \(path): \(error.localizedDescription)")
        }
    }
}
