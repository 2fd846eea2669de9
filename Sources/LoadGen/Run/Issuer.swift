import Basics

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// What one pass of issuing measured (LoadGen's `PerformanceResult`).
struct IssueResult {
    /// Latency of every completed sample, ns (scheduled time of its query to its completion).
    var sampleLatencies: [UInt64]
    /// MultiStream: latency of every query (scheduled time to its last sample's completion).
    var queryLatencies: [UInt64]
    /// Per issued query: when it was scheduled and when its last sample completed (ns since issuing started).
    var queryScheduled: [UInt64]
    var queryDone: [UInt64]
    var queriesIssued: Int
    var samplesIssued: Int
    /// The largest sample latency, seconds.
    var maxLatency: Double
    var finalQueryScheduledTime: Double
    var finalQueryIssuedTime: Double
    var finalQueryAllSamplesDoneTime: Double
    /// The last completion, ns since issuing started (the end of the power window).
    var activeDuration: UInt64
    /// Why issuing stopped, as LoadGen words it in the detail log.
    var endMessage: String
    var errors: [String]
    /// Wall-clock time issuing started (for `power_begin`).
    var wallStart: Double
    var timedOut: Bool
}

/// Issues pre-generated queries to the SUT with each scenario's timing and LoadGen's stopping rules.
struct Issuer {
    let settings: EffectiveSettings
    let queries: GeneratedQueries
    let accuracy: Bool
    /// Called about twice a second with the samples completed and issued so far, the seconds since issuing
    /// started, and whether issuing has stopped (the run waits for the last samples).
    var progress: ((_ completed: Int, _ issued: Int, _ elapsed: Double, _ draining: Bool) -> Void)?

    /// Runs the queries; `firstID` numbers the samples (sequence ids continue across sets in accuracy mode); `log`
    /// says whose responses the accuracy log takes.
    func run(sut: any SystemUnderTest, firstID: UInt64, log: AccuracyLogSampling.Selection) -> (
        IssueResult, ResponseSink
    ) {
        let s = settings
        let origin = Clock.monotonicNanoseconds()
        var wall = timespec()
        clock_gettime(CLOCK_REALTIME, &wall)
        let wallStart = Double(wall.tv_sec) + Double(wall.tv_nsec) / 1e9
        let sink = ResponseSink(
            base: firstID, count: queries.sampleIndices.count, origin: origin, log: log)
        let timeout = s.requested.sutTimeoutSeconds > 0 ? UInt64(s.requested.sutTimeoutSeconds * 1e9) : 0
        var scheduled = [UInt64](repeating: 0, count: queries.count)
        var issued = [UInt64](repeating: 0, count: queries.count)
        var queriesIssued = 0
        var errors: [String] = []
        var endMessage = ""
        var ranOut = s.scenario != .server
        var timedOut = false
        let targetDuration = s.targetDurationMs * 1_000_000
        let waitsForQueries = s.scenario != .server
        var nextReport: UInt64 = 0

        for q in 0..<queries.count {
            // Wait as the scenario says: for the previous query (single/multi stream), or for the scheduled time.
            var now = Clock.monotonicNanoseconds() - origin
            switch s.scenario {
            case .singleStream, .multiStream:
                if q > 0 && !sink.waitForQuery(deadline: timeout == 0 ? 0 : now + timeout) {
                    timedOut = true
                    errors.append(
                        sink.failureReason
                            ?? "the SUT did not complete a query within \(LoadGenFormat.number(s.requested.sutTimeoutSeconds)) s"
                    )
                    ranOut = false
                    break
                }
                now = Clock.monotonicNanoseconds() - origin
                scheduled[q] = now
            case .server:
                let at = queries.scheduledDelta[q]
                scheduled[q] = at
                if now < at {
                    // Sleep most of the way, then spin for precision.
                    if at - now > 200_000 { usleep(UInt32((at - now - 100_000) / 1000)) }
                    while Clock.monotonicNanoseconds() - origin < at {}
                    now = Clock.monotonicNanoseconds() - origin
                }
            case .offline:
                scheduled[q] = 0
            }
            if sink.failed.load(ordering: .acquiring) {
                timedOut = true
                errors.append(sink.failureReason ?? "the SUT failed")
            }
            if timedOut { break }
            issued[q] = now
            let first = queries.queryStart[q]
            let end = queries.queryStart[q + 1]
            var samples: [QuerySample] = []
            samples.reserveCapacity(end - first)
            for slot in first..<end {
                samples.append(QuerySample(id: firstID + UInt64(slot), index: queries.sampleIndices[slot]))
            }
            if waitsForQueries { sink.expect(end - first) }
            sut.issueQuery(samples, sink: sink)
            queriesIssued += 1
            if let progress, now >= nextReport {
                nextReport = now + 500_000_000
                progress(
                    sink.completed.load(ordering: .relaxed), queries.queryStart[queriesIssued], Double(now) / 1e9, false
                )
            }
            if accuracy { continue }
            let duration = now
            if s.scenario == .server {
                if s.maxAsyncQueries != 0 {
                    let outstanding = queriesIssued - sink.completed.load(ordering: .relaxed)
                    if outstanding > Int(s.maxAsyncQueries) {
                        errors.append(
                            "Ending early: Too many outstanding queries. issued \(queriesIssued) outstanding \(outstanding)"
                        )
                        break
                    }
                }
            } else if queriesIssued >= Int(s.minQueryCount) && duration >= targetDuration {
                endMessage = "Ending naturally: Minimum query count and test duration met."
                ranOut = false
                break
            }
            if s.maxQueryCount != 0 && queriesIssued >= Int(s.maxQueryCount) {
                errors.append("Ending early: Max query count reached. query_count \(queriesIssued)")
                ranOut = false
                break
            }
            if s.maxDurationMs != 0 && duration > s.maxDurationMs * 1_000_000 {
                errors.append("Ending early: Max test duration reached. duration_ns \(duration)")
                ranOut = false
                break
            }
        }
        sut.flushQueries()
        if !accuracy && ranOut && !timedOut {
            errors.append(
                "Ending early: Ran out of generated queries to issue before the minimum query count and test "
                    + "duration were reached. Please update the relevant expected latency or target qps in the "
                    + "TestSettings so they are more accurate.")
        }
        let samplesIssued = queriesIssued == 0 ? 0 : queries.queryStart[queriesIssued]
        let report = progress.map { p in
            { (done: Int) in p(done, samplesIssued, Double(Clock.monotonicNanoseconds() - origin) / 1e9, true) }
        }
        if !timedOut && !sink.waitForAll(samplesIssued, stall: timeout, progress: report) {
            timedOut = true
            let missing = samplesIssued - sink.completed.load(ordering: .acquiring)
            errors.append(
                sink.failureReason
                    ?? "the SUT completed no sample for \(LoadGenFormat.number(s.requested.sutTimeoutSeconds)) s; \(missing) of \(samplesIssued) samples were still pending"
            )
        }
        let invalid = sink.invalid.load(ordering: .relaxed)
        if invalid > 0 {
            errors.append("the SUT completed \(invalid) samples that were not pending (unknown or repeated ids)")
        }

        // Latencies from each sample's completion and its query's scheduled time.
        var latencies: [UInt64] = []
        latencies.reserveCapacity(samplesIssued)
        var queryLatencies: [UInt64] = []
        var queryDone = [UInt64](repeating: 0, count: queriesIssued)
        var lastDone: UInt64 = 0
        var finalDone: UInt64 = 0
        for q in 0..<queriesIssued {
            var done: UInt64 = 0
            var complete = true
            for slot in queries.queryStart[q]..<queries.queryStart[q + 1] {
                guard let t = sink.completionTime(slot: slot) else {
                    complete = false
                    continue
                }
                latencies.append(t >= scheduled[q] ? t - scheduled[q] : 0)
                done = max(done, t)
            }
            queryDone[q] = done
            lastDone = max(lastDone, done)
            if q == queriesIssued - 1 { finalDone = done }
            if s.scenario == .multiStream && complete { queryLatencies.append(done - scheduled[q]) }
        }
        let maxLatency = Double(latencies.max() ?? 0) / 1e9
        let last = max(queriesIssued - 1, 0)
        let result = IssueResult(
            sampleLatencies: latencies, queryLatencies: queryLatencies,
            queryScheduled: Array(scheduled.prefix(queriesIssued)), queryDone: queryDone, queriesIssued: queriesIssued,
            samplesIssued: samplesIssued, maxLatency: maxLatency,
            finalQueryScheduledTime: queriesIssued == 0 ? 0 : Double(scheduled[last]) / 1e9,
            finalQueryIssuedTime: queriesIssued == 0 ? 0 : Double(issued[last]) / 1e9,
            finalQueryAllSamplesDoneTime: Double(finalDone) / 1e9, activeDuration: lastDone,
            endMessage: endMessage, errors: errors, wallStart: wallStart, timedOut: timedOut)
        return (result, sink)
    }
}
