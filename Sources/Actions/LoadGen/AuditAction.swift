import Foundation
import LoadGen
import Recipes
import Runners
import Submission
import Workflow

/// `audit` (see `AuditSpec`): verifies a compliance test's run against the submission's runs and writes the
/// result's `TEST0x` folder as MLPerf's checker wants it:
///
///     TEST01/verify_accuracy.txt  verify_performance.txt  performance/run_1/{summary,detail}
///            accuracy/{mlperf_log_accuracy.json (truncated), accuracy.txt}  (+ baseline_accuracy.txt and
///            compliance_accuracy.txt when the responses differ: TEST01's fallback)
///     TEST04/verify_performance.txt  performance/run_1/{summary,detail}
///
/// and `result.json` (the test, the result's benchmark and scenario, the verdicts, the run's derating).
struct AuditAction: Implementation {
    let spec = AuditSpec()

    func run(_ context: ActionContext) throws -> [String: Value] {
        let name = try context.string("test")
        guard let test = AuditConfig.Test(rawValue: name) else {
            throw ActionError.badParameter(name: "test", problem: "expected TEST01 or TEST04, found '\(name)'")
        }
        let run = try context.string("run")
        let performance = try context.string("performance")
        let info: LoadGenRunRecord
        do { info = try LoadGenRunRecord.read(stepOutput: run) } catch { throw ActionError.failed(error.description) }
        let folder = context.outDir + "/" + test.rawValue
        try FileOps.makeDirectories(folder + "/performance/run_1")
        for f in ["mlperf_log_summary.txt", "mlperf_log_detail.txt"] {
            try InferenceTree.copy(run + "/" + f, to: folder + "/performance/run_1/" + f)
        }
        var outputs: [String: Value] = [
            "dir": .string(context.outDir), "folder": .string(folder), "test": .string(test.rawValue),
            "sampled": .null,
            "fallback": .bool(false), "accuracy_passed": .null,
        ]
        let verdict: AuditVerification.Outcome
        switch test {
        case .test01:
            verdict = AuditVerification.test01Performance(
                reference: performance + "/mlperf_log_detail.txt", test: run + "/mlperf_log_detail.txt")
            let accuracy = try AuditAction.test01Accuracy(context, run: run, folder: folder)
            outputs["accuracy_passed"] = .bool(accuracy.passed)
            outputs["sampled"] = .int(accuracy.sampled)
            outputs["fallback"] = .bool(accuracy.fallback)
            outputs["passed"] = .bool(accuracy.passed && verdict.passed)
        case .test04:
            verdict = AuditVerification.test04Performance(
                reference: performance + "/mlperf_log_summary.txt", test: run + "/mlperf_log_summary.txt")
            outputs["passed"] = .bool(verdict.passed)
        }
        try FileOps.write(verdict.text, to: folder + "/verify_performance.txt")
        outputs["performance_passed"] = .bool(verdict.passed)
        context.log.out(verdict.text.trimmingCharacters(in: .whitespacesAndNewlines))
        let passed = outputs["passed"]?.boolValue == true
        let record = AuditRecord(
            test: test, benchmark: info.benchmark, scenario: info.scenario, passed: passed, derating: info.derating)
        outputs["derating"] = .null
        outputs.merge(try StepRecord.outputs(record)) { _, recorded in recorded }
        try FileOps.write(Value.map(outputs).prettyJSON(), to: context.outDir + "/result.json")
        context.log.out("\(test.rawValue): \(passed ? "TEST PASS" : "TEST FAIL")")
        return outputs
    }

    /// TEST01's accuracy: the sampled responses against the accuracy run's; when they differ, the fallback scores
    /// the accuracy run's responses for the same samples (the baseline) and the sampled ones with the accuracy
    /// script, for the checker to compare.
    static func test01Accuracy(_ context: ActionContext, run: String, folder: String) throws -> (
        passed: Bool, sampled: Int, fallback: Bool
    ) {
        guard let accuracy = try context.optionalString("accuracy") else {
            throw ActionError.missingParameter(action: context.nodeID, name: "accuracy")
        }
        let log = run + "/mlperf_log_accuracy.json"
        let test = try AuditVerification.entries(log)
        guard !test.isEmpty else {
            throw ActionError.failed(
                "the TEST01 run logged no responses (\(log) is empty): its settings must sample the accuracy log "
                    + "(accuracy_log_sampling_target, as audit: TEST01 sets it)")
        }
        let reference = try AuditVerification.entries(accuracy + "/mlperf_log_accuracy.json")
        let dtypeName = try context.optionalString("dtype") ?? "byte"
        guard let dtype = AuditVerification.DataType(rawValue: dtypeName) else {
            throw ActionError.badParameter(
                name: "dtype", problem: "expected byte, int32, int64 or float32, found '\(dtypeName)'")
        }
        let verdict = AuditVerification.test01Accuracy(reference: reference, test: test, dtype: dtype)
        try FileOps.write(verdict.text, to: folder + "/verify_accuracy.txt")
        context.log.out(verdict.text.trimmingCharacters(in: .whitespacesAndNewlines))
        try FileOps.makeDirectories(folder + "/accuracy")
        try AccuracyLogTruncation.write(log: log, accuracyText: "", into: folder + "/accuracy")
        if verdict.passed { return (true, test.count, false) }
        // The fallback: both accuracies, to be within the benchmark's delta.
        guard let labelsPath = try context.optionalString("labels"), labelsPath != "none" else {
            return (false, test.count, false)
        }
        let labels = try LoadGenAction.readLabels(labelsPath)
        let baselineLog = context.workDir + "/mlperf_log_accuracy_baseline.json"
        let baseline = AuditVerification.baseline(reference: reference, test: test)
        try FileOps.write(
            "[\n"
                + baseline.map { "{ \"seq_id\" : \($0.seq), \"qsl_idx\" : \($0.index), \"data\" : \"\($0.data)\" }" }
                .joined(separator: ",\n") + "\n]\n", to: baselineLog)
        let base = try AccuracyScript.evaluate(accuracyLog: baselineLog, labels: labels)
        let compliance = try AccuracyScript.evaluate(accuracyLog: log, labels: labels)
        try FileOps.write(base.line + "\n", to: folder + "/accuracy/baseline_accuracy.txt")
        try FileOps.write(compliance.line + "\n", to: folder + "/accuracy/compliance_accuracy.txt")
        context.log.out("TEST01 fallback: baseline \(base.line); compliance \(compliance.line)")
        let delta = compliance.accuracy == 0 ? 100 : abs(1 - base.accuracy / compliance.accuracy) * 100
        return (delta <= 1, test.count, true)
    }
}
