import Foundation

/// The outcome of a performance run, as LoadGen's `PerformanceSummary` computes it: latency statistics, the
/// scenario's metric, and validity (minimum duration, minimum queries, latency bound, early stopping).
public struct PerformanceSummary: Sendable {
    public struct Percentile: Sendable {
        public var percentile: Double
        public var sampleLatency: UInt64
        public var queryLatency: UInt64
    }

    public let sutName: String
    public let settings: EffectiveSettings
    public var sampleCount = 0
    public var queryCount = 0
    public var sampleLatencyMin: UInt64 = 0
    public var sampleLatencyMax: UInt64 = 0
    public var sampleLatencyMean: UInt64 = 0
    public var queryLatencyMin: UInt64 = 0
    public var queryLatencyMax: UInt64 = 0
    public var queryLatencyMean: UInt64 = 0
    public var target: Percentile
    public var percentiles: [Percentile]
    public var overlatencyQueryCount = 0
    public var maxLatency: Double
    public var finalQueryScheduledTime: Double
    public var finalQueryIssuedTime: Double
    public var finalQueryAllSamplesDoneTime: Double

    public var minDurationMet = false
    public var minDurationRecommendation = ""
    public var minQueriesMet = false
    public var perfConstraintsMet = true
    public var perfConstraintsRecommendation = ""
    public var earlyStoppingMet = true
    public var earlyStoppingRecommendation = ""
    public var earlyStoppingLatencySS: UInt64 = 0
    public var earlyStoppingLatencyMS: UInt64 = 0
    /// Problems repro found that LoadGen has no rule for (a SUT that never answered); they make the run INVALID.
    public var extraProblems: [String] = []

    public var isValid: Bool {
        minDurationMet && minQueriesMet && perfConstraintsMet && earlyStoppingMet && extraProblems.isEmpty
    }

    init(sutName: String, settings: EffectiveSettings, result r: IssueResult, extraProblems: [String]) {
        self.sutName = sutName
        self.settings = settings
        self.extraProblems = extraProblems
        maxLatency = r.maxLatency
        finalQueryScheduledTime = r.finalQueryScheduledTime
        finalQueryIssuedTime = r.finalQueryIssuedTime
        finalQueryAllSamplesDoneTime = r.finalQueryAllSamplesDoneTime
        target = Percentile(percentile: settings.targetLatencyPercentile, sampleLatency: 0, queryLatency: 0)
        percentiles = [0.5, 0.9, 0.95, 0.97, 0.99, 0.999].map {
            Percentile(percentile: $0, sampleLatency: 0, queryLatency: 0)
        }
        queryCount = r.queriesIssued
        let latencies = r.sampleLatencies.sorted()
        let queryLatencies = r.queryLatencies.sorted()
        process(latencies, queryLatencies)
        judge(latencies, queryLatencies, r)
    }

    mutating func process(_ l: [UInt64], _ q: [UInt64]) {
        sampleCount = l.count
        guard !l.isEmpty else { return }
        sampleLatencyMean = UInt64(l.reduce(0.0) { $0 + Double($1) } / Double(l.count))
        sampleLatencyMin = l.first!
        sampleLatencyMax = l.last!
        target.sampleLatency = l[min(l.count - 1, Int(Double(l.count) * target.percentile))]
        for i in percentiles.indices {
            percentiles[i].sampleLatency = l[min(l.count - 1, Int(Double(l.count) * percentiles[i].percentile))]
        }
        if settings.scenario == .server {
            overlatencyQueryCount = l.count - (l.firstIndex { $0 > settings.targetLatencyNs } ?? l.count)
        }
        guard settings.scenario == .multiStream, !q.isEmpty else { return }
        queryLatencyMean = UInt64(q.reduce(0.0) { $0 + Double($1) } / Double(q.count))
        queryLatencyMin = q.first!
        queryLatencyMax = q.last!
        target.queryLatency = q[min(q.count - 1, Int(Double(q.count) * target.percentile))]
        for i in percentiles.indices {
            percentiles[i].queryLatency = q[min(q.count - 1, Int(Double(q.count) * percentiles[i].percentile))]
        }
    }

    mutating func judge(_ l: [UInt64], _ q: [UInt64], _ r: IssueResult) {
        let minDuration = Double(settings.minDurationMs) / 1000
        switch settings.scenario {
        case .offline:
            minDurationMet = r.maxLatency >= minDuration
            minDurationRecommendation = "Increase expected QPS so the loadgen pre-generates a larger (coalesced) query."
        case .server:
            minDurationMet = r.finalQueryScheduledTime >= minDuration
            minDurationRecommendation = "Increase the target QPS so the loadgen pre-generates more queries."
        case .singleStream, .multiStream:
            minDurationMet = r.finalQueryIssuedTime >= minDuration
            minDurationRecommendation = "Decrease the expected latency so the loadgen pre-generates more queries."
        }
        minQueriesMet = r.queriesIssued >= Int(settings.minQueryCount) && UInt64(sampleCount) >= settings.minSampleCount
        if settings.scenario == .server, target.sampleLatency > settings.targetLatencyNs {
            perfConstraintsMet = false
            perfConstraintsRecommendation = "Reduce target QPS to improve latency."
        }
        earlyStop(l, q)
    }

    mutating func earlyStop(_ l: [UInt64], _ q: [UInt64]) {
        let n = queryCount
        func pct(_ p: Double) -> String { String(format: "%.1f", p * 100) }
        switch settings.scenario {
        case .singleStream:
            let finder = EarlyStopping(percentile: target.percentile)
            guard let (hMin, t) = finder.discardCount(queries: min(n, l.count)) else {
                let need = finder.minimumPassing(1) + 1
                earlyStoppingRecommendation =
                    " * Only processed \(n) queries.\n * Need to process at least \(need) queries for early stopping."
                earlyStoppingMet = false
                return
            }
            let estimate = l[l.count - t]
            earlyStoppingLatencySS = estimate
            earlyStoppingRecommendation =
                " * Processed at least \(hMin + 1) queries (\(n)).\n * Would discard \(t - 1) highest latency queries.\n"
                + " * Early stopping \(pct(target.percentile))th percentile estimate: \(estimate)"
            // The 99th percentile estimate as well (for inferring multi-stream from single-stream).
            let finder99 = EarlyStopping(percentile: 0.99)
            if let (_, t99) = finder99.discardCount(queries: min(n, l.count)) {
                let e99 = l[l.count - t99]
                earlyStoppingLatencyMS = e99
                earlyStoppingRecommendation += "\n * Early stopping 99.0th percentile estimate: \(e99)"
            } else {
                earlyStoppingRecommendation +=
                    "\n * Not enough queries processed for 99.0th percentile\n early stopping estimate (would need to process at\n least \(finder99.minimumPassing(1) + 1) total queries)."
            }
        case .multiStream:
            let finder = EarlyStopping(percentile: target.percentile)
            guard let (hMin, t) = finder.discardCount(queries: min(n, q.count)) else {
                earlyStoppingRecommendation =
                    " * Only processed \(n) queries.\n * Need to process at least \(finder.minimumPassing(1) + 1) queries for early stopping."
                earlyStoppingMet = false
                return
            }
            let estimate = q[q.count - t]
            earlyStoppingLatencyMS = estimate
            earlyStoppingRecommendation =
                " * Processed at least \(hMin + 1) queries (\(n)).\n * Would discard \(t - 1) highest latency queries.\n"
                + " * Early stopping \(pct(target.percentile))th percentile estimate: \(estimate)"
        case .server:
            let finder = EarlyStopping(percentile: target.percentile)
            let t = l.reduce(0) { $0 + ($1 > settings.targetLatencyNs ? 1 : 0) }
            let h = finder.minimumPassing(t)
            if n >= h + t {
                earlyStoppingRecommendation = " * Run successful."
            } else {
                earlyStoppingRecommendation =
                    " * Run unsuccessful.\n * Processed \(n) queries.\n * Would need to run at least \(h + t - n) more queries,\n with the run being successful if every additional\n query were under latency."
                earlyStoppingMet = false
            }
        case .offline:
            break
        }
    }

    /// The scenario's headline metric: samples/s (Offline), completed samples/s (Server), or the target
    /// percentile latency in ns (single and multi stream).
    public var metric: (name: String, value: Double) {
        switch settings.scenario {
        case .offline: ("samples_per_second", maxLatency > 0 ? Double(sampleCount) / maxLatency : 0)
        case .server:
            (
                "completed_samples_per_second",
                finalQueryAllSamplesDoneTime > 0 ? Double(sampleCount - 1) / finalQueryAllSamplesDoneTime : 0
            )
        case .singleStream: ("latency_ns", Double(target.sampleLatency))
        case .multiStream: ("latency_ns", Double(target.queryLatency))
        }
    }

    /// Server: scheduled samples per second, the figure MLPerf reports.
    public var scheduledSamplesPerSecond: Double {
        finalQueryScheduledTime > 0 ? Double(sampleCount - 1) / finalQueryScheduledTime : 0
    }

    /// Why the run is INVALID, one line.
    public var invalidReason: String {
        var reasons: [String] = []
        if !perfConstraintsMet { reasons.append(perfConstraintsRecommendation) }
        if !minDurationMet { reasons.append(minDurationRecommendation) }
        if !minQueriesMet { reasons.append("The test exited early, before enough queries were issued.") }
        if !earlyStoppingMet { reasons.append("Early stopping not satisfied.") }
        reasons += extraProblems
        return reasons.joined(separator: " ")
    }
}
