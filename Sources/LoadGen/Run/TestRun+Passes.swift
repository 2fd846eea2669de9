/// One LoadGen test in progress (one `StartTest`): the SUT and QSL, the logs it writes, the sequence ids and the
/// accuracy-log draws that run on across its passes (accuracy, performance, and the find-peak trials).
struct Test {
    let sut: any SystemUnderTest
    let qsl: any QuerySampleLibrary
    let detail: DetailLog
    let accuracyLog: AccuracyLog
    let trace: TraceLog
    var sampling: AccuracyLogSampling
    let progress: ((LoadGenProgress) -> Void)?
    /// The next sample's sequence id.
    var seq: UInt64 = 0

    init(
        sut: any SystemUnderTest, qsl: any QuerySampleLibrary, detail: DetailLog, accuracyLog: AccuracyLog,
        trace: TraceLog, sampling: AccuracyLogSampling, progress: ((LoadGenProgress) -> Void)?
    ) {
        (self.sut, self.qsl, self.detail, self.accuracyLog) = (sut, qsl, detail, accuracyLog)
        (self.trace, self.sampling, self.progress) = (trace, sampling, progress)
    }

    /// What one performance pass measured.
    struct PerformancePass {
        var summary: PerformanceSummary
        var window: ClosedRange<Double>
        /// Errors of the SUT (not LoadGen's own "Ending early" notes).
        var problems: [String]
    }

    func load(_ set: LoadableSet) throws(LoadGenError) {
        do { try qsl.loadSamples(set.samples) } catch let e as LoadGenError { throw e } catch {
            throw .sut("the query sample library could not load \(set.samples.count) samples: \(error)")
        }
    }

    /// One performance pass at `s` (LoadGen's `IssueQueries` in performance mode), its sampled responses written to
    /// the accuracy log.
    mutating func performancePass(_ s: EffectiveSettings) throws(LoadGenError) -> PerformancePass {
        let sets = QueryGenerator.loadableSets(
            settings: s, count: Int(s.performanceSampleCount), qslTotal: qsl.totalSampleCount)
        guard let set = sets.first else { throw .settings("the query sample library has no samples") }
        try load(set)
        defer { qsl.unloadSamples(set.samples) }
        let queries = QueryGenerator.generate(settings: s, set: set, accuracy: false)
        LoadGen.logGenerated(detail, set, queries)
        let selection = sampling.selection(count: queries.sampleIndices.count, settings: s, accuracy: false)
        // Timed by the minimum duration while issuing; Offline's one query, and the tail, by samples.
        let minimum = Double(s.targetDurationMs) / 1000
        let report = progress.map { p in
            { (c: Int, i: Int, t: Double, draining: Bool) in
                let timed = s.scenario != .offline && !draining
                p(
                    LoadGenProgress(
                        completed: c, expected: timed ? nil : i, elapsed: t, minimumSeconds: timed ? minimum : nil))
            }
        }
        let (result, sink) = Issuer(settings: s, queries: queries, accuracy: false, progress: report)
            .run(sut: sut, firstID: seq, log: selection)
        if case .slots = selection { record(sink, queries) }
        seq += UInt64(queries.sampleIndices.count)
        LoadGen.logIssueErrors(detail, result)
        let window = LoadGen.logPower(detail, result)
        trace.record(queries: queries, result: result)
        let problems = result.timedOut ? result.errors : []
        let summary = PerformanceSummary(sutName: sut.name, settings: s, result: result, extraProblems: problems)
        return PerformancePass(
            summary: summary, window: window, problems: result.errors.filter { !$0.hasPrefix("Ending early") })
    }

    /// The performance mode: one pass, whose results the logs report.
    mutating func reportedPerformance(_ s: EffectiveSettings, _ errors: [String]) throws(LoadGenError) -> (
        PerformanceSummary?, ClosedRange<Double>?, [String]
    ) {
        detail.log("generic_message", .string("Starting performance mode"))
        let pass = try performancePass(s)
        Reports.logResults(detail, pass.summary)
        return (pass.summary, pass.window, errors + pass.problems)
    }

    /// The accuracy mode: every sample of the accuracy set once, set after set, every response logged.
    mutating func accuracy(_ s: EffectiveSettings) throws(LoadGenError) -> [String] {
        detail.log("generic_message", .string("Starting accuracy mode"))
        var errors: [String] = []
        let sets = QueryGenerator.loadableSets(
            settings: s, count: Int(s.accuracySampleCount), qslTotal: qsl.totalSampleCount)
        for set in sets {
            try load(set)
            let queries = QueryGenerator.generate(settings: s, set: set, accuracy: true)
            LoadGen.logGenerated(detail, set, queries)
            let done = Int(seq)
            let selection = sampling.selection(count: queries.sampleIndices.count, settings: s, accuracy: true)
            let (result, sink) = Issuer(
                settings: s, queries: queries, accuracy: true,
                progress: progress.map { p in
                    { c, _, t, _ in
                        p(
                            LoadGenProgress(
                                completed: done + c, expected: Int(s.accuracySampleCount), elapsed: t,
                                minimumSeconds: nil))
                    }
                }
            )
            .run(sut: sut, firstID: seq, log: selection)
            LoadGen.logIssueErrors(detail, result)
            _ = LoadGen.logPower(detail, result)
            record(sink, queries)
            seq += UInt64(queries.sampleIndices.count)
            qsl.unloadSamples(set.samples)
            errors += result.errors
            if result.timedOut { break }
        }
        return errors
    }

    /// Writes the responses the sink kept to the accuracy log, in the order they came.
    func record(_ sink: ResponseSink, _ queries: GeneratedQueries) {
        for (slot, bytes) in sink.data.withLock({ $0 }) {
            accuracyLog.append(seq: seq + UInt64(slot), index: queries.sampleIndices[slot], data: bytes)
        }
    }
}
