import Foundation
import LoadGen

/// The verifications of MLPerf's compliance tests, with the rules, thresholds and pass strings of
/// mlcommons/inference's `compliance/TEST01/verify_accuracy.py`, `TEST01/verify_performance.py` and
/// `TEST04/verify_performance.py`. Each returns the text of its `verify_*.txt` (the first line says repro wrote it)
/// and whether it printed `TEST PASS`.
public enum AuditVerification {
    public struct Outcome: Sendable {
        public var text: String
        public var passed: Bool
    }

    /// How the first value of a response is read when responses are compared (verify_accuracy.py's `--dtype`).
    public enum DataType: String, Sendable, CaseIterable {
        case byte, int32, int64, float32

        var size: Int {
            switch self {
            case .byte: 1
            case .int32, .float32: 4
            case .int64: 8
            }
        }
    }

    /// One entry of an accuracy log.
    public struct Entry: Sendable {
        public var seq: Int
        public var index: Int
        public var data: String

        public init(seq: Int, index: Int, data: String) {
            (self.seq, self.index, self.data) = (seq, index, data)
        }
    }

    /// The entries of `mlperf_log_accuracy.json`.
    public static func entries(_ path: String) throws(SubmissionError) -> [Entry] {
        guard let data = FileManager.default.contents(atPath: path) else { throw SubmissionError("\(path) is missing") }
        guard let list = (try? JSONSerialization.jsonObject(with: data)) as? [[String: Any]] else {
            throw SubmissionError("\(path) is not an accuracy log (a JSON list of {seq_id, qsl_idx, data})")
        }
        return list.compactMap { e in
            guard let seq = (e["seq_id"] as? NSNumber)?.intValue, let index = (e["qsl_idx"] as? NSNumber)?.intValue
            else { return nil }
            return Entry(seq: seq, index: index, data: e["data"] as? String ?? "")
        }
    }

    /// TEST01's accuracy: every response the performance run logged must equal the accuracy run's response for the
    /// same sample, compared by its first value (`dtype`), as verify_accuracy.py does.
    public static func test01Accuracy(reference: [Entry], test: [Entry], dtype: DataType = .byte) -> Outcome {
        var results: [Int: String] = [:]
        var duplicates = 0
        var referenceMismatch = 0
        for e in reference {
            if let known = results[e.index] {
                duplicates += 1
                if known != e.data { referenceMismatch += 1 }
            } else {
                results[e.index] = e.data
            }
        }
        var matched = 0
        var mismatch = 0
        var missing = 0
        for e in test {
            if let known = results[e.index] {
                matched += 1
                let a = firstValue(e.data, dtype)
                let b = firstValue(known, dtype)
                if a == nil || b == nil {
                    if (a == nil) != (b == nil) { mismatch += 1 }
                } else if a != b {
                    mismatch += 1
                }
            } else {
                missing += 1
            }
            results[e.index] = e.data
        }
        let passed = mismatch == 0 && matched > 0
        let text = """
            Verifying accuracy (repro's TEST01 verification, the rules of compliance/TEST01/verify_accuracy.py).
            num_acc_log_entries = \(reference.count)
            num_acc_log_duplicate_keys = \(duplicates)
            num_acc_log_data_mismatch = \(referenceMismatch)
            num_perf_log_entries = \(test.count)
            num_perf_log_qsl_idx_match = \(matched)
            num_perf_log_data_mismatch = \(mismatch)
            num_missing_qsl_idxs = \(missing)
            \(passed ? "TEST PASS" : "TEST FAIL")

            """
        return Outcome(text: text, passed: passed)
    }

    /// The first value of a hex response as bytes of its type (nil when the response is shorter than one).
    static func firstValue(_ hex: String, _ dtype: DataType) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count >= dtype.size * 2 else { return nil }
        return (0..<dtype.size).map { i in
            UInt8(String(decoding: digits[2 * i..<2 * i + 2], as: UTF8.self), radix: 16) ?? 0
        }
    }

    /// The entries of the accuracy run for the samples the performance run logged (create_accuracy_baseline.sh):
    /// the baseline TEST01's fallback scores.
    public static func baseline(reference: [Entry], test: [Entry]) -> [Entry] {
        let wanted = Set(test.map(\.index))
        return reference.filter { wanted.contains($0.index) }
    }

    // MARK: Performance

    /// The score each scenario is judged by in TEST01 (detail log keys).
    static let test01Fields: [TestScenario: String] = [
        .offline: "result_samples_per_second", .singleStream: "early_stopping_latency_ss",
        .multiStream: "early_stopping_latency_ms", .server: "result_completed_samples_per_sec",
    ]

    /// How far a compliance run's score may be from the submission run's: 10 %, or 20 % for single-stream scores
    /// up to 200,000 and multistream ones up to 1,600,000 (ns, or queries per second for TEST04).
    static func threshold(_ scenario: TestScenario, score: Double) -> Double {
        switch scenario {
        case .singleStream where score <= 200_000, .multiStream where score <= 1_600_000: 0.20
        default: 0.10
        }
    }

    /// TEST01's performance: the audited run within ±10 % of the submission run's score (±20 % for single-stream
    /// latencies up to 0.2 ms and multistream ones up to 1.6 ms); both VALID; a Server run with the same latency
    /// bound. Reads the detail logs.
    public static func test01Performance(reference: String, test: String) -> Outcome {
        var text = "Verifying performance (repro's TEST01 verification, the rules of compliance/TEST01/"
        text += "verify_performance.py).\n"
        func fail(_ why: String) -> Outcome { Outcome(text: text + "TEST FAIL: \(why)\n", passed: false) }
        guard let ref = try? DetailLogReader(path: reference) else { return fail("cannot read \(reference)") }
        guard let run = try? DetailLogReader(path: test) else { return fail("cannot read \(test)") }
        for (log, path) in [(ref, reference), (run, test)] where log.string("result_validity") != "VALID" {
            return fail("Invalid results in \(path)")
        }
        let named = ref.string("effective_scenario") ?? ""
        guard let scenario = TestScenario(rawValue: named) else {
            return fail("no known scenario in \(reference) (effective_scenario '\(named)')")
        }
        guard run.string("effective_scenario") == scenario.rawValue else {
            return fail("Test and reference scenarios do not match!")
        }
        if scenario == .server,
            ref.integer("effective_target_latency_ns") != run.integer("effective_target_latency_ns")
        {
            return fail("Server target latency mismatch")
        }
        guard let field = test01Fields[scenario], let refScore = ref.number(field), let testScore = run.number(field)
        else { return fail("no score in the logs") }
        text += "Reference score = \(refScore)\nTest score = \(testScore)\n"
        let threshold = AuditVerification.threshold(scenario, score: refScore)
        let passed = refScore * (1 - threshold) <= testScore && testScore <= refScore * (1 + threshold)
        return Outcome(text: text + (passed ? "TEST PASS\n" : "TEST FAIL: Test score invalid\n"), passed: passed)
    }

    /// TEST04's performance, one-sided: issuing one sample over and over may make a run at most 10 % faster than the
    /// submission run (20 % for single-stream rates up to 200,000 and multistream ones up to 1,600,000 queries per
    /// second). Reads the summaries; latencies count as their inverse (queries per second).
    public static func test04Performance(reference: String, test: String) -> Outcome {
        var text = "Verifying performance (repro's TEST04 verification, the rules of compliance/TEST04/"
        text += "verify_performance.py).\n"
        func fail(_ why: String) -> Outcome { Outcome(text: text + "TEST FAIL: \(why)\n", passed: false) }
        guard let ref = summaryScore(reference) else { return fail("cannot read a score in \(reference)") }
        guard let run = summaryScore(test) else { return fail("cannot read a score in \(test)") }
        if !ref.valid { return fail("Reference results are invalid") }
        if !run.valid { return fail("Test results are invalid") }
        if ref.scenario == .server, ref.targetLatency != run.targetLatency {
            return fail("Server target latency mismatch")
        }
        if ref.scenario != run.scenario { return fail("Test and reference scenarios do not match!") }
        text += "reference score = \(ref.score)\ntest score = \(run.score)\n"
        let threshold = AuditVerification.threshold(ref.scenario, score: ref.score)
        let passed = run.score < ref.score * (1 + threshold)
        return Outcome(text: text + (passed ? "TEST PASS\n" : "TEST FAIL: Test score invalid\n"), passed: passed)
    }

    struct SummaryScore {
        var scenario: TestScenario
        var score: Double
        var valid: Bool
        var targetLatency: String?
    }

    /// The scenario, score and validity a `mlperf_log_summary.txt` states.
    static func summaryScore(_ path: String) -> SummaryScore? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        var scenario: TestScenario?
        var score = 0.0
        var valid = true
        var targetLatency: String?
        func value(_ line: Substring) -> String? {
            line.range(of: ": ").map { String(line[$0.upperBound...]).trimmingCharacters(in: .whitespaces) }
        }
        for line in text.split(separator: "\n") {
            if line.hasPrefix("Scenario") {
                scenario = value(line).flatMap(TestScenario.init(rawValue:))
            } else if line.hasPrefix("Result is"), value(line) == "INVALID" {
                valid = false
            } else if scenario == .singleStream,
                line.range(of: "Early stopping (90th|90.0th|99.9th) percentile estimate", options: .regularExpression)
                    != nil, let v = value(line).flatMap(Double.init), v > 0
            {
                score = 1e9 / v
            } else if scenario == .multiStream,
                line.range(of: "Early stopping (99th|99.0th) percentile estimate", options: .regularExpression) != nil,
                let v = value(line).flatMap(Double.init), v > 0
            {
                score = 1e9 / v
            } else if scenario == .server, line.hasPrefix("Completed samples per second") {
                score = value(line).flatMap(Double.init) ?? 0
            } else if scenario == .server, line.hasPrefix("target_latency (ns)") {
                targetLatency = value(line)
            } else if scenario == .offline, line.hasPrefix("Samples per second") {
                score = value(line).flatMap(Double.init) ?? 0
            }
        }
        return scenario.map { SummaryScore(scenario: $0, score: score, valid: valid, targetLatency: targetLatency) }
    }
}
