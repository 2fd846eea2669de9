import Foundation

/// `mlperf_log_trace.json`: the run in Chrome's trace-event format (open it in chrome://tracing or Perfetto). One
/// complete event per query from its scheduled time to its last sample's completion; capped at `limit` queries so
/// a ten-minute run does not write hundreds of megabytes.
final class TraceLog {
    let enabled: Bool
    let limit = 20_000
    private var events: [String] = []
    private var offset: UInt64 = 0

    init(enabled: Bool) { self.enabled = enabled }

    func record(queries: GeneratedQueries, result: IssueResult) {
        guard enabled else { return }
        let n = min(result.queriesIssued, limit)
        for q in 0..<n {
            let start = result.queryScheduled[q]
            let done = max(result.queryDone[q], start)
            let samples = queries.queryStart[q + 1] - queries.queryStart[q]
            events.append(
                "{\"name\":\"Query\",\"ph\":\"X\",\"pid\":0,\"tid\":0,\"ts\":\(Double(offset + start) / 1000),"
                    + "\"dur\":\(Double(done - start) / 1000),\"args\":{\"query\":\(q),\"samples\":\(samples)}}")
        }
        if result.queriesIssued > limit {
            events.append(
                "{\"name\":\"truncated: \(result.queriesIssued - limit) more queries\",\"ph\":\"i\",\"pid\":0,\"tid\":0,\"ts\":\(Double(offset) / 1000)}"
            )
        }
        offset += result.activeDuration
    }

    func write(to path: String) throws(LoadGenError) {
        let body = "{\"traceEvents\":[\n" + events.joined(separator: ",\n") + "\n]}\n"
        try LoadGen.write(body, to: path)
    }
}
