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
        progress: ((_ completed: Int, _ issued: Int) -> Void)? = nil
    ) throws(LoadGenError) -> TestOutcome {
        do { try FileManager.default.createDirectory(atPath: outputDirectory, withIntermediateDirectories: true) } catch
        {
            throw .io("cannot create \(outputDirectory): \(error.localizedDescription)")
        }
        let settings = EffectiveSettings(
            requested, qslPerformanceCount: qsl.performanceSampleCount,
            qslTotalCount: qsl.totalSampleCount)
        if let problem = settings.problems.first { throw .settings(problem) }
        let detail = DetailLog()
        let accuracyLog = AccuracyLog()
        let traceLog = TraceLog(enabled: trace)
        logHeader(detail, settings: settings, sut: sut, qsl: qsl)
        Reports.logRequested(detail, requested)
        Reports.logEffective(detail, settings)

        var seq: UInt64 = 0
        var errors: [String] = []
        var performance: PerformanceSummary?
        var window: ClosedRange<Double>?
        let mode = settings.mode
        if mode == .accuracyOnly || mode == .submissionRun {
            errors += try runAccuracy(settings, sut, qsl, detail, accuracyLog, traceLog, seq: &seq, progress: progress)
        }
        if mode == .performanceOnly || mode == .submissionRun {
            let (summary, w, problems) = try runPerformance(
                settings, sut, qsl, detail, traceLog, seq: &seq, progress: progress)
            performance = summary
            window = w
            errors += problems
        }
        if let performance { Reports.logResults(detail, performance) }
        detail.log("num_errors", .int(Int64(detail.errors)))

        let summaryText =
            performance.map { Reports.summary($0, warnings: detail.warnings, errors: detail.errors) }
            ?? Reports.trailer(warnings: detail.warnings, errors: detail.errors)
        try write(summaryText, to: outputDirectory + "/mlperf_log_summary.txt")
        try detail.write(to: outputDirectory + "/mlperf_log_detail.txt")
        try accuracyLog.write(to: outputDirectory + "/mlperf_log_accuracy.json")
        if trace { try traceLog.write(to: outputDirectory + "/mlperf_log_trace.json") }
        return TestOutcome(
            settings: settings, performance: performance, accuracySamplesLogged: accuracyLog.count,
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

    static func load(_ qsl: any QuerySampleLibrary, _ set: LoadableSet) throws(LoadGenError) {
        do { try qsl.loadSamples(set.samples) } catch let e as LoadGenError { throw e } catch {
            throw .sut("the query sample library could not load \(set.samples.count) samples: \(error)")
        }
    }

    static func runPerformance(
        _ s: EffectiveSettings, _ sut: any SystemUnderTest, _ qsl: any QuerySampleLibrary,
        _ d: DetailLog, _ trace: TraceLog, seq: inout UInt64,
        progress: ((Int, Int) -> Void)?
    ) throws(LoadGenError)
        -> (PerformanceSummary, ClosedRange<Double>, [String])
    {
        d.log("generic_message", .string("Starting performance mode"))
        let sets = QueryGenerator.loadableSets(
            settings: s, count: Int(s.performanceSampleCount), qslTotal: qsl.totalSampleCount)
        guard let set = sets.first else { throw .settings("the query sample library has no samples") }
        try load(qsl, set)
        defer { qsl.unloadSamples(set.samples) }
        let queries = QueryGenerator.generate(settings: s, set: set, accuracy: false)
        logGenerated(d, set, queries)
        let (result, _) = Issuer(settings: s, queries: queries, accuracy: false, progress: progress)
            .run(sut: sut, firstID: seq, keepResponses: false)
        seq += UInt64(queries.sampleIndices.count)
        logIssueErrors(d, result)
        let window = logPower(d, result)
        trace.record(queries: queries, result: result)
        let problems = result.timedOut ? result.errors : []
        let summary = PerformanceSummary(sutName: sut.name, settings: s, result: result, extraProblems: problems)
        return (summary, window, result.errors.filter { !$0.hasPrefix("Ending early") })
    }

    static func runAccuracy(
        _ s: EffectiveSettings, _ sut: any SystemUnderTest, _ qsl: any QuerySampleLibrary,
        _ d: DetailLog, _ log: AccuracyLog, _ trace: TraceLog, seq: inout UInt64,
        progress: ((Int, Int) -> Void)?
    ) throws(LoadGenError)
        -> [String]
    {
        d.log("generic_message", .string("Starting accuracy mode"))
        var errors: [String] = []
        let sets = QueryGenerator.loadableSets(
            settings: s, count: Int(s.accuracySampleCount), qslTotal: qsl.totalSampleCount)
        for set in sets {
            try load(qsl, set)
            let queries = QueryGenerator.generate(settings: s, set: set, accuracy: true)
            logGenerated(d, set, queries)
            let done = Int(seq)
            let (result, sink) = Issuer(
                settings: s, queries: queries, accuracy: true,
                progress: progress.map { p in { c, i in p(done + c, done + i) } }
            )
            .run(sut: sut, firstID: seq, keepResponses: true)
            logIssueErrors(d, result)
            _ = logPower(d, result)
            let responses = sink.data.withLock { $0 }
            for (slot, bytes) in responses {
                log.append(seq: seq + UInt64(slot), index: queries.sampleIndices[slot], data: bytes)
            }
            seq += UInt64(queries.sampleIndices.count)
            qsl.unloadSamples(set.samples)
            errors += result.errors
            if result.timedOut { break }
        }
        return errors
    }

    static func write(_ text: String, to path: String) throws(LoadGenError) {
        do { try text.write(toFile: path, atomically: true, encoding: .utf8) } catch {
            throw .io("cannot write \(path): \(error.localizedDescription)")
        }
    }
}
