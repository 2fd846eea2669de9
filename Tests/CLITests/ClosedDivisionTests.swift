import Foundation
import Testing

/// A short closed-division tree of the resnet null SUT in the v5.1 layout: TEST01 and TEST04 run, verified and filed
/// under compliance/; repro check lists only the short durations and the null SUT's accuracy (which is 0), and
/// names what a broken copy lacks. Runs on repro's built-in paced null SUT, whose pacing keeps throughput steady.
///
/// The single- and multi-stream compliance runs are judged by latencies of tens of microseconds, which a machine
/// busy with other work stretches at random (its threads wait milliseconds for a core): their performance
/// verifications may say TEST FAIL by noise. What the test requires of them is that the verdict is written and that
/// repro check reports it; the accuracy verifications and the Offline runs (throughput) must pass.
@Suite("closed division", .serialized)
struct ClosedDivisionTests {
    static let system = "2xCPU_nullsut"

    @Test func aShortClosedTreeHasPassingAuditsAndOnlyTheExpectedProblems() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let r = try cli.run(
            [
                "submit", "mlperf-submission-resnet-null", "--recipes", CLI.packageRoot + "/recipes",
                "division=closed", "min_duration_ms=1000", "rate=20000", "sut=builtin", "--version", "v5.1",
                "--short-runs", "--out", "closed",
            ], timeout: 600)
        let accuracyProblems = ["MultiStream", "Offline", "SingleStream"].map {
            "closed/ReproTeam/results/\(ClosedDivisionTests.system)/resnet/\($0)/accuracy/mlperf_log_detail.txt "
                + "accuracy not met: expected=75.695400, found=0.000"
        }
        #expect(r.status == 1, "the null SUT's accuracy is 0: \(r.stdout)\(r.stderr)")
        let tree = cli.root + "/closed/submission"
        let compliance = tree + "/closed/ReproTeam/compliance/\(ClosedDivisionTests.system)/resnet"
        var noise: [String] = []
        for scenario in ["SingleStream", "MultiStream", "Offline"] {
            for test in ["TEST01", "TEST04"] {
                let verify = try String(
                    contentsOfFile: "\(compliance)/\(scenario)/\(test)/verify_performance.txt", encoding: .utf8)
                let passed = verify.split(separator: "\n").contains("TEST PASS")
                if scenario == "Offline" {
                    #expect(passed, "\(scenario) \(test): \(verify)")
                } else if !passed {
                    #expect(verify.contains("TEST FAIL: Test score invalid"), "\(verify)")
                    noise.append(
                        "Compliance test performance check in closed/ReproTeam/compliance/\(ClosedDivisionTests.system)/resnet/\(scenario)/\(test) failed"
                    )
                }
                #expect(
                    FileManager.default.fileExists(
                        atPath: "\(compliance)/\(scenario)/\(test)/performance/run_1/mlperf_log_detail.txt"))
            }
            let accuracy = try String(
                contentsOfFile: "\(compliance)/\(scenario)/TEST01/verify_accuracy.txt", encoding: .utf8)
            #expect(accuracy.split(separator: "\n").contains("TEST PASS"), "\(scenario): \(accuracy)")
            // The round's seeds, from its mlperf.conf.
            let detail = try String(
                contentsOfFile:
                    "\(tree)/closed/ReproTeam/results/\(ClosedDivisionTests.system)/resnet/\(scenario)/performance/run_1/mlperf_log_detail.txt",
                encoding: .utf8)
            #expect(detail.contains("\"key\": \"effective_qsl_rng_seed\", \"value\": 1780908523862526354,"))
        }
        let expected = (accuracyProblems + noise).sorted()
        let listed = r.stdout.split(separator: "\n").filter {
            $0.hasPrefix("  closed/") || $0.hasPrefix("  Compliance")
        }
        .map { String($0.dropFirst(2)) }.sorted()
        #expect(listed == expected, "\(r.stdout)")
        // v5.1's layout: code/ and measurements/ beside results/.
        #expect(FileManager.default.fileExists(atPath: tree + "/closed/ReproTeam/code/resnet/README.md"))
        let readme = try String(
            contentsOfFile: tree
                + "/closed/ReproTeam/measurements/\(ClosedDivisionTests.system)/resnet/Offline/README.md",
            encoding: .utf8)
        #expect(readme.contains("TEST01: TEST PASS.\nTEST04: TEST PASS.\n"), "\(readme)")
        #expect(readme.contains(" division=closed min_duration_ms=1000 rate=20000.0 round=v5.1 "), "\(readme)")

        // repro check: without the short-run profile, the nine short runs as well.
        let full = try cli.run(["check", "closed/submission", "--version", "v5.1"])
        #expect(full.status == 1)
        let lines = full.stdout.split(separator: "\n").map(String.init)
        #expect(lines.filter { $0.contains("Test duration less than 600s") }.count == 9, "\(full.stdout)")
        #expect(lines.count == 12 + noise.count, "\(full.stdout)")
        let short = try cli.run(["check", "closed/submission", "--version", "v5.1", "--short-runs"])
        #expect(short.status == 1)
        #expect(short.stdout.contains("short-run profile; not required:\n  - the minimum test duration of 600 s"))
        #expect(short.stdout.split(separator: "\n").filter { $0.contains("accuracy not met") }.count == 3)
        #expect(
            short.stderr.hasSuffix("repro check: \(3 + noise.count) problems in 3 results (rules of v5.1)\n"),
            "\(short.stderr)")

        // A broken copy: a TEST04 folder gone, an extra file in performance/run_1.
        try FileManager.default.removeItem(atPath: compliance + "/Offline/TEST04")
        try "x\n".write(
            toFile: tree
                + "/closed/ReproTeam/results/\(ClosedDivisionTests.system)/resnet/Offline/performance/run_1/x.txt",
            atomically: true, encoding: .utf8)
        let broken = try cli.run(["check", "closed/submission", "--version", "v5.1", "--short-runs"])
        #expect(broken.status == 1)
        #expect(
            broken.stdout.contains(
                "Missing TEST04 in compliance dir closed/submission/closed/ReproTeam/compliance/\(ClosedDivisionTests.system)/resnet/Offline\n"
            ), "\(broken.stdout)")
        #expect(broken.stdout.contains("/Offline/performance/run_1 has file list mismatch ({'x.txt'})"))
    }

    /// The digits practice tree in the closed division: the same compliance folders, from mlperf-audit-digits (TEST01
    /// with repro's audit.config for a model MLPerf has no TEST01 folder for). Their performance verdicts on 300 ms
    /// runs of a busy machine are noise; the responses are deterministic, so TEST01's accuracy must pass.
    @Test func aClosedDigitsTreeHasItsComplianceFolders() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let r = try cli.run(
            [
                "submit", "mlperf-submission-digits", "--recipes", CLI.packageRoot + "/recipes", "division=closed",
                "min_duration_ms=300", "--version", "v5.1", "--out", "digits",
            ], timeout: 600)
        #expect(r.status == 1, "digits-mlp is no MLPerf benchmark: \(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("digits-mlp is not a benchmark of v5.1 that this checker knows"), "\(r.stdout)")
        let tree = cli.root + "/digits/submission/closed/repro"
        let system = try ComplianceFolders.system(tree)
        let scenarios = ["SingleStream", "MultiStream", "Offline"]
        for readme in try ComplianceFolders.check(
            tree: tree, system: system, benchmark: "digits-mlp", scenarios: scenarios)
        {
            #expect(readme.contains("TEST01: TEST "), "\(readme)")
            #expect(readme.contains(" division=closed min_duration_ms=300 round=v5.1 "), "\(readme)")
        }
    }

    @Test func badRoundsAndTreesAreBadInput() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let round = try cli.run(["check", ".", "--version", "v9.9"])
        #expect(round.status == 2)
        #expect(round.stderr.contains("error: repro has no rules for the round 'v9.9' (known: v5.1, v6.0, v6.1)"))
        let missing = try cli.run(["check", "nowhere"])
        #expect(missing.status == 2 && missing.stderr.contains("error: nowhere does not exist"))
        let submit = try cli.run([
            "submit", "mlperf-submission-resnet-null", "--recipes", CLI.packageRoot + "/recipes", "--version", "v9.9",
        ])
        #expect(submit.status == 2 && submit.stderr.contains("no rules for the round 'v9.9'"), "\(submit.stderr)")
        #expect(cli.entries().isEmpty, "nothing half-done")
        let twice = try cli.run([
            "submit", "mlperf-submission-resnet-null", "--recipes", CLI.packageRoot + "/recipes", "round=v6.0",
            "--version", "v5.1",
        ])
        #expect(twice.status == 2 && twice.stderr.contains("round=v6.0 and --version v5.1 name two rounds"))
    }

    @Test func aTest01RunThatSampledNothingIsAClearError() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        // The "TEST01 run" here is a plain performance run: its accuracy log is empty.
        try cli.recipe(
            "bad-audit",
            """
            summary: TEST01 verified against a run that did not sample the accuracy log
            needs:
              run: {recipe: loadgen-null-resnet, with: {scenario: Offline, sut: builtin, rate: 20000, min_duration_ms: 500}}
              acc: {recipe: loadgen-null-resnet, with: {scenario: Offline, sut: builtin, rate: 20000, mode: accuracy}}
            run:
              action: audit
              with: {test: TEST01, run: "${{ needs.run.outputs.logs }}", performance: "${{ needs.run.outputs.logs }}", accuracy: "${{ needs.acc.outputs.logs }}"}
            """)
        let r = try cli.run(["run", "bad-audit", "--recipes", CLI.packageRoot + "/recipes"], timeout: 300)
        #expect(r.status == 1)
        #expect(r.stderr.contains("the TEST01 run logged no responses"), "\(r.stderr)")
        #expect(r.stderr.contains("accuracy_log_sampling_target, as audit: TEST01 sets it"))
    }
}
