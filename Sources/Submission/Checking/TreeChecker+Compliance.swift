import Foundation

extension TreeChecker {
    /// The compliance tests a closed result needs (TEST01, TEST04): each folder with its verification files and
    /// `TEST PASS`, its performance log checked as a performance run, and exactly the files it may hold.
    mutating func checkCompliance(_ dir: String, _ r: Result, _ b: Rules.Benchmark) {
        for test in b.audits where test == "TEST01" || test == "TEST04" {
            let testDir = dir + "/" + test
            let verifyAccuracy = testDir + "/verify_accuracy.txt"
            let verifyPerformance = testDir + "/verify_performance.txt"
            let detail = testDir + "/performance/run_1/mlperf_log_detail.txt"
            guard TreeChecker.isDirectory(at(testDir)) else {
                problems.append("Missing \(test) in compliance dir \(show(dir))")
                continue
            }
            if test == "TEST01", !FileManager.default.fileExists(atPath: at(verifyAccuracy)) {
                problems.append("Missing accuracy file in compliance dir. Needs file \(show(verifyAccuracy))")
            }
            if !FileManager.default.fileExists(atPath: at(verifyPerformance)) {
                problems.append("Missing performance file in compliance dir. Needs file \(show(verifyPerformance))")
            }
            if !FileManager.default.fileExists(atPath: at(detail)) {
                problems.append("Missing perfomance file in compliance dir. Needs file \(show(detail))")
            } else {
                checkPerformance(detail, shownAs: testDir, r, b)
            }
            if test == "TEST01" { checkTest01Accuracy(testDir, b) }
            if let text = try? String(contentsOfFile: at(verifyPerformance), encoding: .utf8),
                !text.contains("TEST PASS")
            {
                problems.append("Compliance test performance check in \(show(testDir)) failed")
            }
            let run = testDir + "/performance/run_1"
            if !TreeChecker.isDirectory(at(run)) {
                problems.append("\(show(testDir)) has no performance/run_1 directory")
            } else {
                let mismatch = TreeChecker.fileListMismatch(
                    at(run), required: rules.files.compliancePerformance,
                    optional: ["mlperf_log_accuracy.json", "mlperf_log_trace.json", "results.json", ".gitkeep"])
                if !mismatch.isEmpty {
                    problems.append("\(show(run)) has file list mismatch (\(TreeChecker.pythonSet(mismatch)))")
                }
            }
        }
    }

    /// TEST01's accuracy: `TEST PASS` in `verify_accuracy.txt`, or, when the responses differ (a non-deterministic
    /// system), the baseline and compliance accuracies within the benchmark's delta.
    mutating func checkTest01Accuracy(_ testDir: String, _ b: Rules.Benchmark) {
        guard let text = try? String(contentsOfFile: at(testDir + "/verify_accuracy.txt"), encoding: .utf8) else {
            return
        }
        let lines = text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        if lines.contains("TEST PASS") { return }
        let accuracyDir = testDir + "/accuracy"
        guard TreeChecker.isDirectory(at(accuracyDir)) else {
            problems.append("\(show(testDir)) has no accuracy directory")
            return
        }
        let mismatch = TreeChecker.fileListMismatch(
            at(accuracyDir), required: rules.files.test01AccuracyFallback, optional: [])
        if !mismatch.isEmpty {
            problems.append("\(show(accuracyDir)) has file list mismatch (\(TreeChecker.pythonSet(mismatch)))")
            return
        }
        func read(_ name: String) -> [String] {
            ((try? String(contentsOfFile: at(accuracyDir + "/" + name), encoding: .utf8)) ?? "")
                .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        }
        for target in b.accuracy {
            let baseline = accuracy(target.metric, in: read("baseline_accuracy.txt")) ?? 0
            let compliance = accuracy(target.metric, in: read("compliance_accuracy.txt")) ?? 0
            guard baseline != 0, compliance != 0 else {
                problems.append(
                    "\(show(accuracyDir)): baseline_accuracy.txt or compliance_accuracy.txt gives no \(target.metric)")
                return
            }
            if abs(1 - baseline / compliance) * 100 > b.accuracyDeltaPercent {
                problems.append("Compliance test accuracy check (non-deterministic mode) in \(show(testDir)) failed")
                return
            }
        }
    }
}
