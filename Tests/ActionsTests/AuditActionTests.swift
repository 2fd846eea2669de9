import Foundation
import Kernels
import Recipes
import Submission
import Testing
import Workflow

@testable import Actions

/// The audit action on hand-made runs. TEST01: responses that equal the accuracy run's pass; responses that differ
/// (a non-deterministic system) take the fallback, whose accuracies must agree within 1 %. TEST04: one-sided, the
/// run may be at most 10 % faster than the performance run.
@Suite struct AuditActionTests {
    let dir = NSTemporaryDirectory() + "repro-audit-\(UUID().uuidString.prefix(8))"

    func write(_ text: String, to path: String) throws {
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: true, encoding: .utf8)
    }

    /// An int32 class as the accuracy log's hex.
    func hex(_ c: Int) -> String { String(format: "%02X%02X0000", c & 255, c >> 8) }

    func log(_ entries: [(index: Int, cls: Int)]) -> String {
        let lines = entries.enumerated().map { i, e in
            "{ \"seq_id\" : \(i), \"qsl_idx\" : \(e.index), \"data\" : \"\(hex(e.cls))\" }"
        }
        return "[\n" + lines.joined(separator: ",\n") + "\n]\n"
    }

    /// A loadgen folder: an Offline detail log and summary at `rate`, and an accuracy log.
    func run(_ name: String, rate: Double, entries: [(index: Int, cls: Int)]) throws -> String {
        let folder = dir + "/" + name
        let meta =
            "\"time_ms\": 0.0, \"namespace\": \"mlperf::logging\", \"event_type\": \"POINT_IN_TIME\", "
            + "\"metadata\": {\"is_error\": false, \"is_warning\": false, \"file\": \"x\", \"line_no\": 0, "
            + "\"pid\": 1, \"tid\": 1}"
        let values = [
            ("effective_scenario", "\"Offline\""), ("result_validity", "\"VALID\""),
            ("result_samples_per_second", "\(rate)"),
        ]
        let detail = values.map { ":::MLLOG {\"key\": \"\($0.0)\", \"value\": \($0.1), \(meta)}" }
        try write(detail.joined(separator: "\n") + "\n", to: folder + "/mlperf_log_detail.txt")
        let summary = "Scenario : Offline\nSamples per second: \(rate)\nResult is : VALID\n"
        try write(summary, to: folder + "/mlperf_log_summary.txt")
        try write(log(entries), to: folder + "/mlperf_log_accuracy.json")
        // What the loadgen step would have recorded for the audit step (typed, as the step writes it).
        let record = LoadGenRunRecord(
            benchmark: "resnet", scenario: .offline, mode: .performanceOnly, sutName: "hand-made", derating: nil)
        try write(String(decoding: try StepRecord.json(record), as: UTF8.self), to: folder + "/result.json")
        return folder
    }

    func audit(_ with: [String: Value], out: String) throws -> [String: Value] {
        let action = try #require(ActionWorker.implementations.first { $0.name == "audit" })
        try FileManager.default.createDirectory(atPath: out + "/work", withIntermediateDirectories: true)
        let context = ActionContext(
            with: with, outDir: out, workDir: out + "/work", nodeID: "audit", environment: [:],
            persistentDir: out + "/persistent", cpus: 1,
            log: StepLog(stdoutPath: out + "/stdout.log", stderrPath: out + "/stderr.log"),
            cancellation: Cancellation(), progress: { _ in })
        return try action.run(context)
    }

    @Test func differingResponsesTakeTheFallback() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // 400 samples, each labelled with its index % 10; the accuracy run answers every one right.
        let labels = (0..<400).map { Int32($0 % 10) }
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try TensorFile.write(labels, shape: [400], to: dir + "/labels.rpt")
        let accuracy = try run("accuracy", rate: 1000, entries: (0..<400).map { ($0, $0 % 10) })
        let performance = try run("performance", rate: 1000, entries: [])
        // The same answers: TEST PASS, no fallback.
        let same = try run("same", rate: 1010, entries: (0..<200).map { ($0 * 2, ($0 * 2) % 10) })
        let pass = try audit(
            [
                "test": .string("TEST01"), "run": .string(same), "performance": .string(performance),
                "accuracy": .string(accuracy), "dtype": .string("int32"), "labels": .string(dir + "/labels.rpt"),
            ], out: dir + "/out-same")
        #expect(pass["passed"] == .bool(true) && pass["fallback"] == .bool(false), "\(pass)")
        let verify = try String(contentsOfFile: dir + "/out-same/TEST01/verify_accuracy.txt", encoding: .utf8)
        #expect(verify.contains("\nTEST PASS\n"))
        // One answer of 200 differs: TEST FAIL, then the fallback's accuracies (99.5 % and 100 %) agree within 1 %.
        var answers = (0..<200).map { ($0 * 2, ($0 * 2) % 10) }
        answers[7].1 = 9
        let other = try run("other", rate: 990, entries: answers)
        let fallback = try audit(
            [
                "test": .string("TEST01"), "run": .string(other), "performance": .string(performance),
                "accuracy": .string(accuracy), "dtype": .string("int32"), "labels": .string(dir + "/labels.rpt"),
            ], out: dir + "/out-other")
        #expect(fallback["fallback"] == .bool(true) && fallback["accuracy_passed"] == .bool(true), "\(fallback)")
        let folder = dir + "/out-other/TEST01"
        #expect(try String(contentsOfFile: folder + "/verify_accuracy.txt", encoding: .utf8).contains("TEST FAIL"))
        #expect(
            try String(contentsOfFile: folder + "/accuracy/baseline_accuracy.txt", encoding: .utf8)
                == "accuracy=100.000%, good=200, total=200\n")
        #expect(
            try String(contentsOfFile: folder + "/accuracy/compliance_accuracy.txt", encoding: .utf8)
                == "accuracy=99.500%, good=199, total=200\n")
        #expect(
            Set(try FileManager.default.contentsOfDirectory(atPath: folder + "/accuracy")) == [
                "accuracy.txt", "baseline_accuracy.txt", "compliance_accuracy.txt", "mlperf_log_accuracy.json",
            ])
        #expect(fallback["performance_passed"] == .bool(true))
    }

    @Test func test04IsOneSided() throws {
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let performance = try run("performance", rate: 1000, entries: [])
        // 5 % faster and 40 % slower pass; 15 % faster (more than the 10 % allowed) fails.
        for (rate, passes) in [(1050.0, true), (600.0, true), (1150.0, false)] {
            let name = "test04-\(Int(rate))"
            let test = try run(name, rate: rate, entries: [])
            let outputs = try audit(
                ["test": .string("TEST04"), "run": .string(test), "performance": .string(performance)],
                out: dir + "/out-" + name)
            #expect(outputs["passed"] == .bool(passes), "\(rate): \(outputs)")
            let folder = dir + "/out-" + name + "/TEST04"
            let verify = try String(contentsOfFile: folder + "/verify_performance.txt", encoding: .utf8)
            #expect(verify.hasSuffix(passes ? "\nTEST PASS\n" : "\nTEST FAIL: Test score invalid\n"), "\(verify)")
            let files = Set(try FileManager.default.contentsOfDirectory(atPath: folder))
            #expect(files == ["performance", "verify_performance.txt"])
            #expect(
                Set(try FileManager.default.contentsOfDirectory(atPath: folder + "/performance/run_1")) == [
                    "mlperf_log_detail.txt", "mlperf_log_summary.txt",
                ])
        }
    }
}
