import Foundation
import Submission
import Testing

/// The checker's rules as data, on a real published closed tree of another submitter (Lenovo's 3D-UNet of round
/// v5.1, made by NVIDIA's harness; see Fixtures/inference_results_v5.1/README.md) and on broken copies of it.
@Suite struct CheckerTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent(
        "Fixtures/inference_results_v5.1"
    ).path
    static let system = "SE100_RTX2000E_Ada_16GBx1_TRT"

    /// A copy of the published tree to break.
    func copy() throws -> String {
        let dir = NSTemporaryDirectory() + "repro-check-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: CheckerTests.fixture + "/closed", toPath: dir + "/closed")
        return dir
    }

    @Test(arguments: Rules.rounds)
    func everyRoundsRulesLoadAndTheirPatternsCompile(_ round: String) throws {
        let rules = try Rules.load(round)
        #expect(rules.round == round)
        #expect(rules.benchmark("resnet50")?.name == "resnet")
        #expect(rules.benchmark("resnet")?.rules.audits == ["TEST01", "TEST04"])
        #expect(rules.seeds.count == 3 && rules.seeds.allSatisfy { $0.value != 0 })
        for (metric, pattern) in rules.accuracyPatterns {
            #expect((try? NSRegularExpression(pattern: pattern)) != nil, "\(round) \(metric)")
        }
    }

    @Test func anUnknownRoundIsAnError() {
        #expect {
            _ = try Rules.load("v4.0")
        } throws: { "\($0)" == "error: repro has no rules for the round 'v4.0' (known: v5.1, v6.0, v6.1)" }
    }

    @Test func thePublishedTreeHasNoProblem() throws {
        let report = try TreeChecker.check(root: CheckerTests.fixture, rules: try Rules.load("v5.1"))
        #expect(report.problems == [], "\(report.problems)")
        #expect(report.results == 2)
        #expect(report.relaxations == [])
    }

    @Test func theChecksReallyRun() throws {
        // The same tree under the next round's rules: another layout and other seeds.
        let report = try TreeChecker.check(root: CheckerTests.fixture, rules: try Rules.load("v6.0"), shownAs: "")
        let detail =
            "closed/Lenovo/results/\(CheckerTests.system)/3d-unet-99/Offline/performance/run_1/mlperf_log_detail.txt"
        #expect(
            report.problems.contains(
                "\(detail) qsl_rng_seed is wrong, expected=2465351861681999779, found=1780908523862526354"))
        #expect(report.problems.contains("closed/Lenovo/src src directory does not exist"))
        #expect(
            report.problems.contains(
                "Missing TEST01 in compliance dir closed/Lenovo/results/\(CheckerTests.system)/3d-unet-99/Offline"))
    }

    @Test func aMissingTestFolderAndAnExtraFileAreNamed() throws {
        let dir = try copy()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let system = CheckerTests.system
        try FileManager.default.removeItem(
            atPath: dir + "/closed/Lenovo/compliance/\(system)/3d-unet-99/SingleStream/TEST01")
        try "notes\n".write(
            toFile: dir + "/closed/Lenovo/results/\(system)/3d-unet-99/Offline/performance/run_1/notes.txt",
            atomically: true, encoding: .utf8)
        let report = try TreeChecker.check(root: dir, rules: try Rules.load("v5.1"), shownAs: "")
        #expect(
            report.problems == [
                "closed/Lenovo/results/\(system)/3d-unet-99/Offline/performance/run_1 has file list mismatch ({'notes.txt'})",
                "Missing TEST01 in compliance dir closed/Lenovo/compliance/\(system)/3d-unet-99/SingleStream",
            ])
    }

    @Test func accuracyAndCompliancePerformanceAreJudged() throws {
        let dir = try copy()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let system = CheckerTests.system
        let accuracy = dir + "/closed/Lenovo/results/\(system)/3d-unet-99/Offline/accuracy/accuracy.txt"
        let text = try String(contentsOfFile: accuracy, encoding: .utf8)
        let low = try #require(text.range(of: #"mean = [\d.]+"#, options: .regularExpression))
        try text.replacingCharacters(in: low, with: "mean = 0.50000").write(
            toFile: accuracy, atomically: true, encoding: .utf8)
        let verify = dir + "/closed/Lenovo/compliance/\(system)/3d-unet-99/Offline/TEST01/verify_performance.txt"
        try "TEST FAIL\n".write(toFile: verify, atomically: true, encoding: .utf8)
        let report = try TreeChecker.check(root: dir, rules: try Rules.load("v5.1"), shownAs: "")
        #expect(
            report.problems == [
                "closed/Lenovo/results/\(system)/3d-unet-99/Offline/accuracy/mlperf_log_detail.txt accuracy not met: "
                    + "expected=0.853083, found=0.50000",
                "Compliance test performance check in closed/Lenovo/compliance/\(system)/3d-unet-99/Offline/TEST01 failed",
            ])
    }

    @Test func theRoundsOtherBenchmarksAreNotCheckedAndSaySo() throws {
        let dir = try copy()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let results = dir + "/closed/Lenovo/results/\(CheckerTests.system)"
        for folder in ["llama2-70b-99/Offline", "llama3_1-8b/Offline", "llama3_1-8b/Server", "digits-mlp/Offline"] {
            try FileManager.default.createDirectory(
                atPath: results + "/" + folder + "/performance/run_1", withIntermediateDirectories: true)
        }
        let report = try TreeChecker.check(root: dir, rules: try Rules.load("v5.1"), shownAs: "")
        let shown = "closed/Lenovo/results/\(CheckerTests.system)"
        let why = "is a benchmark of v5.1 whose rules repro does not hold"
        #expect(
            report.notChecked == [
                "\(shown)/llama2-70b-99 (1 scenario): llama2-70b-99 \(why)",
                "\(shown)/llama3_1-8b (2 scenarios): llama3_1-8b \(why)",
            ])
        // A name that is no benchmark of the round is a problem; the published results stay clean.
        #expect(report.problems.first?.hasPrefix("\(shown)/digits-mlp: digits-mlp is not a benchmark of v5.1") == true)
        #expect(report.problems.allSatisfy { $0.contains("/digits-mlp") }, "\(report.problems)")
        #expect(report.results == 3)
    }

    @Test func shortRunsListTheirRelaxations() throws {
        let report = try TreeChecker.check(root: CheckerTests.fixture, rules: try Rules.load("v5.1"), shortRuns: true)
        #expect(report.relaxations == TreeChecker.shortRunRelaxations)
        #expect(report.relaxations.first?.contains("600 s") == true)
    }

    @Test func somethingThatIsNotATreeIsBadInput() throws {
        #expect {
            _ = try TreeChecker.check(root: "/nonexistent-tree", rules: try Rules.load("v6.1"))
        } throws: { "\($0)" == "error: /nonexistent-tree does not exist" }
        let empty = NSTemporaryDirectory() + "repro-empty-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: empty) }
        #expect {
            _ = try TreeChecker.check(root: empty, rules: try Rules.load("v6.1"))
        } throws: {
            "\($0)".hasSuffix("holds no division folder (open, closed, network): give the folder of a submission tree")
        }
    }
}

/// The compliance tests' verifications against what MLCommons' scripts wrote for a published tree.
@Suite struct AuditVerificationTests {
    @Test func test01PerformanceOfThePublishedTreePasses() throws {
        let base = CheckerTests.fixture + "/closed/Lenovo"
        let system = CheckerTests.system
        for scenario in ["Offline", "SingleStream"] {
            let outcome = AuditVerification.test01Performance(
                reference: "\(base)/results/\(system)/3d-unet-99/\(scenario)/performance/run_1/mlperf_log_detail.txt",
                test:
                    "\(base)/compliance/\(system)/3d-unet-99/\(scenario)/TEST01/performance/run_1/mlperf_log_detail.txt"
            )
            #expect(outcome.passed, "\(outcome.text)")
            // The same scores as the published verify_performance.txt.
            let published = try String(
                contentsOfFile: "\(base)/compliance/\(system)/3d-unet-99/\(scenario)/TEST01/verify_performance.txt",
                encoding: .utf8)
            for line in published.split(separator: "\n") where line.contains("score = ") {
                let value = try #require(Double(line.split(separator: "=").last!.trimmingCharacters(in: .whitespaces)))
                #expect(outcome.text.contains(" = \(value)\n"), "\(scenario): \(line) in \(outcome.text)")
            }
        }
    }

    @Test func test01AccuracyComparesTheFirstValue() {
        let reference = (0..<10).map {
            AuditVerification.Entry(seq: $0, index: $0, data: String(format: "%02X000000", $0))
        }
        let same = [reference[3], reference[7]].map {
            AuditVerification.Entry(seq: 100 + $0.seq, index: $0.index, data: $0.data)
        }
        let pass = AuditVerification.test01Accuracy(reference: reference, test: same, dtype: .int32)
        #expect(
            pass.passed && pass.text.contains("num_perf_log_qsl_idx_match = 2\n") && pass.text.contains("\nTEST PASS\n")
        )
        var other = same
        other[1].data = "FF000000"
        let fail = AuditVerification.test01Accuracy(reference: reference, test: other, dtype: .int32)
        #expect(
            !fail.passed && fail.text.contains("num_perf_log_data_mismatch = 1\n") && fail.text.contains("TEST FAIL"))
        // Nothing matched: not a pass.
        #expect(!AuditVerification.test01Accuracy(reference: reference, test: [], dtype: .int32).passed)
    }

    @Test func test04IsOneSided() throws {
        let dir = NSTemporaryDirectory() + "repro-t04-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func summary(_ name: String, _ samplesPerSecond: Double) throws -> String {
            let path = dir + "/" + name
            try "Scenario : Offline\nSamples per second: \(samplesPerSecond)\nResult is : VALID\n".write(
                toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        let reference = try summary("ref.txt", 1000)
        #expect(AuditVerification.test04Performance(reference: reference, test: try summary("slower.txt", 500)).passed)
        #expect(AuditVerification.test04Performance(reference: reference, test: try summary("same.txt", 1099)).passed)
        let faster = AuditVerification.test04Performance(reference: reference, test: try summary("faster.txt", 1100))
        #expect(!faster.passed && faster.text.hasSuffix("TEST FAIL: Test score invalid\n"))
    }
}
