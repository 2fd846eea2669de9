import Foundation
import Testing

/// A short MLPerf Inference submission for resnet from repro's LoadGen and the paced external null SUT: the tree
/// has the v6.1 layout and the built-in checker reports exactly the minimum-duration problems (the official
/// checker, run by hand on such a tree, reports the same three and nothing else).
@Suite("submission", .serialized)
struct SubmissionTests {
    @Test func aShortNullSUTTreeHasOnlyTheDurationProblems() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let r = try cli.run([
            "run", "mlperf-submission-resnet-null", "--recipes", CLI.packageRoot + "/recipes",
            "min_duration_ms=1000", "rate=20000",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let tree = try #require(r.stdout.split(separator: "\n").first { $0.hasPrefix("  tree = ") }).dropFirst(9)
        let base = "\(tree)/open/ReproTeam"
        let fm = FileManager.default
        #expect(fm.fileExists(atPath: base + "/systems/2xCPU_nullsut.json"))
        #expect(fm.fileExists(atPath: base + "/src/resnet/README.md"))
        for scenario in ["SingleStream", "MultiStream", "Offline"] {
            let dir = base + "/results/2xCPU_nullsut/resnet/\(scenario)"
            for f in [
                "measurements.json", "user.conf", "README.md", "performance/run_1/mlperf_log_summary.txt",
                "performance/run_1/mlperf_log_detail.txt", "accuracy/accuracy.txt", "accuracy/mlperf_log_accuracy.json",
            ] {
                #expect(fm.fileExists(atPath: "\(dir)/\(f)"), "\(scenario)/\(f)")
            }
            let size = try fm.attributesOfItem(atPath: dir + "/accuracy/mlperf_log_accuracy.json")[.size] as! Int
            #expect(size <= 10 * 1024)
            let accuracy = try String(contentsOfFile: dir + "/accuracy/accuracy.txt", encoding: .utf8)
            #expect(accuracy.hasPrefix("accuracy=0.000%, good=0, total=50000\n\nhash="), "\(accuracy)")
        }
        let problems = try String(contentsOfFile: "\(tree)/../problems.txt", encoding: .utf8).split(separator: "\n")
            .map(String.init)
        #expect(
            problems
                == ["MultiStream", "Offline", "SingleStream"].map {
                    "open/ReproTeam/results/2xCPU_nullsut/resnet/\($0)/performance/run_1/mlperf_log_detail.txt Test duration less than 600s in user config. expected=600000, found=1000"
                })
        #expect(fm.fileExists(atPath: "\(tree)/../submission.tar.gz.sha256"))
    }

    @Test func theTrainingTreeHoldsEveryRunsLogAndTheyPassTheMLPerfChecker() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let r = try cli.run([
            "run", "mlperf-training-submission-digits", "--recipes", CLI.packageRoot + "/recipes", "runs=3",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        let tree = try #require(r.stdout.split(separator: "\n").first { $0.hasPrefix("  tree = ") }).dropFirst(9)
        let system = "\(ProcessInfo.processInfo.activeProcessorCount)xCPU_repro_kernels"
        // The digits model is filed under its own name; the logs follow mlperf-logging's resnet rules.
        #expect(!FileManager.default.fileExists(atPath: "\(tree)/open/repro/results/\(system)/resnet"))
        let results = "\(tree)/open/repro/results/\(system)/digits-mlp"
        let files = try FileManager.default.contentsOfDirectory(atPath: results).sorted()
        #expect(files == ["result_0.txt", "result_1.txt", "result_2.txt"])
        #expect(
            FileManager.default.fileExists(
                atPath: "\(tree)/open/repro/benchmarks/digits-mlp/implementations/repro/README.md"))
        let readme = try String(contentsOfFile: "\(tree)/README.md", encoding: .utf8)
        #expect(readme.hasPrefix("# A practice tree, not an MLPerf result\n"), "\(readme)")
        #expect(readme.contains("    repro submit mlperf-training-submission-digits,_mlp "), "\(readme)")
        let problems = try String(contentsOfFile: "\(tree)/../problems.txt", encoding: .utf8)
        #expect(problems == "open/repro/results/\(system)/digits-mlp has 3 result files, digits-mlp needs 5\n")
        for f in files {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            p.arguments = [
                "python3", "-m", "mlperf_logging.compliance_checker", "--usage", "training", "--ruleset", "4.0.0",
                "--config", "training_4.0.0/common.yaml", "\(results)/\(f)",
            ]
            p.currentDirectoryURL = URL(fileURLWithPath: cli.root)  // the checker writes compliance_checker.log here
            let out = Pipe()
            p.standardOutput = out
            p.standardError = out
            try p.run()
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            #expect(p.terminationStatus == 0, "\(f): \(text)")
        }
    }

    @Test func aMatrixValueThatNamesNothingIsAClearError() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let recipes = ["--recipes", CLI.packageRoot + "/recipes"]
        let badVariation = try cli.run(
            ["submit", "mlperf-submission-digits", "--matrix", "model=mlp,resnet50"] + recipes)
        #expect(badVariation.status == 2)
        #expect(
            badVariation.stderr.contains(
                "'resnet50' is not a variation of group 'model' of mlperf-submission-digits (its variations: mlp, resnet8)"
            ),
            "\(badVariation.stderr)")
        let badAxis = try cli.run(["submit", "mlperf-submission-digits", "--matrix", "gpu=a100"] + recipes)
        #expect(badAxis.status == 2)
        #expect(
            badAxis.stderr.contains(
                "the matrix axis 'gpu' names no input or variation group of mlperf-submission-digits"),
            "\(badAxis.stderr)")
        #expect(cli.entries().isEmpty)
    }

    @Test func aMatrixOfVariationsAndScenariosMakesOneTreePerVariation() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let r = try cli.run([
            "submit", "mlperf-submission-digits", "--recipes", CLI.packageRoot + "/recipes", "min_duration_ms=300",
            "--matrix", "model=mlp,resnet8", "--matrix", "scenario=Offline", "--out", cli.root + "/out",
        ])
        #expect(r.status == 1, "the checker lists the short runs and the data set: \(r.stdout)\(r.stderr)")
        for i in [1, 2] {
            let results = cli.root + "/out/\(i)/submission/open/repro/results"
            let system = try #require(try FileManager.default.contentsOfDirectory(atPath: results).first)
            let model = i == 1 ? "digits-mlp" : "digits-resnet8"
            #expect(try FileManager.default.contentsOfDirectory(atPath: "\(results)/\(system)") == [model])
            #expect(try FileManager.default.contentsOfDirectory(atPath: "\(results)/\(system)/\(model)") == ["Offline"])
            let tree = cli.root + "/out/\(i)/submission"
            let readme = try String(contentsOfFile: tree + "/README.md", encoding: .utf8)
            #expect(readme.contains("are not MLPerf benchmarks") && readme.contains("(\(model))"), "\(readme)")
            // The measurements README carries the exact command; the user.conf names the model's own name.
            let command =
                "repro submit mlperf-submission-digits,_\(i == 1 ? "mlp" : "resnet8") availability=available "
                + "division=open min_duration_ms=300 round=v6.1 scenarios=Offline seed=1 submitter=repro "
                + "system_type=edge"
            let result = try String(
                contentsOfFile: "\(results)/\(system)/\(model)/Offline/README.md", encoding: .utf8)
            #expect(result.contains("\n    \(command)\n"), "\(result)")
            let userConf = try String(
                contentsOfFile: "\(results)/\(system)/\(model)/Offline/user.conf", encoding: .utf8)
            #expect(!userConf.contains("resnet50") && userConf.contains("\(model).Offline.min_duration"), "\(userConf)")
            #expect(FileManager.default.fileExists(atPath: cli.root + "/out/\(i)/submission.tar.gz.sha256"))
        }
        #expect(r.stdout.contains("built-in checker: 2 problems:"), "\(r.stdout)")
        #expect(r.stdout.contains("digits-mlp is not a benchmark of v6.1 that this checker knows"), "\(r.stdout)")
    }
}
