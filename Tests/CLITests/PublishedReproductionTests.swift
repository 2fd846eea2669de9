import Foundation
import Testing

/// `repro reproduce` and `repro import` on published MLCommons results (Tests/Fixtures/mlcommons-results): the
/// plan with the published settings, bad input named with nothing run, and a reproduction end to end with a
/// generated model and JPEGs standing in for ResNet-50 and ImageNet.
@Suite("reproduce published MLCommons results", .serialized)
struct PublishedReproductionTests {
    static let fixtures = CLI.packageRoot + "/Tests/Fixtures/mlcommons-results"
    static let gate = fixtures + "/inference_results_v5.1/closed/GATEOverflow"
    static let krai = fixtures + "/inference_results_v4.1/open/Krai"
    static let recipes = ["--recipes", CLI.packageRoot + "/recipes"]

    @Test func thePlanShowsThePublishedSettingsExactly() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let r = try cli.run(["reproduce", Self.gate, "--plan"] + Self.recipes)
        #expect(r.status == 0, "\(r.stderr)")
        let out = r.stdout
        let squeezed = out.replacingOccurrences(of: " +", with: " ", options: .regularExpression)
        for line in [
            "benchmark         resnet50, scenario Offline",
            "recipe            mlperf-inference-resnet50,_opset11: mode=accuracy, then mode=performance",
            "  published       samples_per_second 187.369, VALID, accuracy=76.456%, good=38228, total=50000",
        ] {
            #expect(out.contains(line), "\(line)\n\(out)")
        }
        #expect(squeezed.contains(" target_qps 184.28662 user.conf:1 (the detail log: 184.287)\n"), "\(out)")
        #expect(squeezed.contains(" min_duration_ms 600000 the detail log's requested_min_duration_ms\n"), "\(out)")
        #expect(squeezed.contains(" min_query_count 24576 the detail log's requested_min_query_count\n"), "\(out)")
        #expect(squeezed.contains(" seeds round v5.1 the detail log's effective seeds are v5.1's\n"), "\(out)")
        #expect(squeezed.contains("14 requested settings of the detail log checked; all as"), "\(out)")
        #expect(out.contains("SUT               onnxruntime 1.22.1"), "\(out)")
        #expect(out.contains("published --threads 32"), "\(out)")
        #expect(out.contains("AMD Ryzen 9 7950X 16-Core Processor"), "\(out)")
        #expect(squeezed.contains(" framework onnxruntime v1.22.1 onnxruntime 1.22.1 (repro's SUT) same\n"), "\(out)")
        #expect(out.contains("to run, give      imagenet=DIR"), "\(out)")
        #expect(cli.entries().isEmpty, "a plan runs nothing")

        let older = try cli.run(
            ["reproduce", Self.krai + "/results", "--plan", "count=500", "imagenet=\(cli.root)"] + Self.recipes)
        #expect(older.status == 0, "\(older.stderr)")
        let olderSqueezed = older.stdout.replacingOccurrences(of: " +", with: " ", options: .regularExpression)
        #expect(
            olderSqueezed.contains(" seeds 3066443479025735752, 10688027786191513374, 14962580496156340209 "),
            "\(older.stdout)")
        #expect(
            olderSqueezed.contains(" expected_latency_ms 10 the detail log's requested_single_stream"),
            "\(older.stdout)")
        #expect(olderSqueezed.contains("\n count=500 (instead of 50000)\n"), "\(older.stdout)")
        #expect(older.stdout.contains("ready to run"), "\(older.stdout)")
    }

    @Test func badInputIsNamedAndNothingRuns() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let notResults = try cli.run(["reproduce", cli.root + "/recipes", "--plan"])
        #expect(notResults.status == 2)
        #expect(notResults.stderr.contains("recipes is not a results folder"), "\(notResults.stderr)")
        let llama = try cli.run(["reproduce", Self.fixtures + "/inference_results_v4.1/closed/NeuralMagic"])
        #expect(llama.status == 2)
        #expect(llama.stderr.contains("cannot reproduce here: closed/NeuralMagic/results/"), "\(llama.stderr)")
        let lenovo = try cli.run(["reproduce", Self.fixtures + "/inference_results_v5.1/closed/Lenovo", "--plan"])
        #expect(lenovo.status == 2)
        #expect(lenovo.stderr.contains("user.conf:4"), "\(lenovo.stderr)")
        let missing = try cli.run(["reproduce", Self.gate] + Self.recipes)
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("error: cannot run yet; give imagenet=DIR"), "\(missing.stderr)")
        #expect(cli.entries().isEmpty)
        #expect(!FileManager.default.fileExists(atPath: cli.root + "/runs"))
    }

    /// The v5.1 result reproduced with a generated 11-class model and 16 generated JPEGs on repro's kernels:
    /// the verdict table, the machine differences and the conclusion; then the same request imported as a recipe
    /// that `repro run` runs.
    @Test func aReproductionEndToEndAndItsImportedRecipe() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try ResNet50Tests().makeInputs(cli.root)
        // 64 queries of one image each take longer than 50 ms on any CPU these tests run on: VALID.
        let inputs = [
            "model=small224.onnx", "imagenet=imagenet", "count=16", "min_duration_ms=50", "min_query_count=64",
            "sut=builtin", "threads=1",
        ]
        let r = try cli.run(["reproduce", Self.gate] + inputs + Self.recipes, timeout: 600)
        // Columns are as wide as their values: compare with single spaces.
        let out = r.stdout.replacingOccurrences(of: " +", with: " ", options: .regularExpression)
        #expect(out.contains("RESULT METRIC PUBLISHED REPRODUCED DIFFERENCE ALLOWED VERDICT"), "\(out)\(r.stderr)")
        #expect(
            out.contains(
                "Offline accuracy accuracy 76.456 12.5 not comparable not comparable: another model, 16 of 50000"),
            "\(out)")
        #expect(out.contains("Offline performance result VALID VALID exact ok"), "\(out)")
        #expect(out.contains("Offline performance samples_per_second 187.369 "), "\(out)")
        #expect(out.contains("not comparable: different system; another SUT (repro's kernels, published"), "\(out)")
        #expect(out.contains("LoadGen settings: 20 of 23 effective settings as published"), "\(out)")
        #expect(out.contains("effective_min_duration_ms: 600000 → 50: as given: min_duration_ms=50"), "\(out)")
        #expect(out.contains("published system → this host:"), "\(out)")
        #expect(out.contains("processor AMD Ryzen 9 7950X 16-Core Processor → "), "\(out)")
        let last = try #require(out.split(separator: "\n").last.map(String.init))
        #expect(last.hasPrefix("reproduced: result as published; not judged: accuracy (another model"), "\(last)")
        #expect(r.status == 0, "everything comparable agreed")
        let json = try cli.run(["reproduce", Self.gate, "--json"] + inputs + Self.recipes, timeout: 600)
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any], "\(json.stdout)")
        #expect(object["reproduced"] as? Bool == true && json.status == 0, "\(json.stdout)")
        #expect((object["conclusion"] as? String)?.hasPrefix("reproduced: result as published") == true)
        #expect((object["verdicts"] as? [[String: Any]])?.contains { $0["kind"] as? String == "setting" } == true)

        let imported = try cli.run(
            ["import", Self.gate, "--out", "imported/mlperf-gate-offline.yaml"] + inputs)
        #expect(imported.status == 0, "\(imported.stderr)")
        let text = try cli.read("imported/mlperf-gate-offline.yaml")
        #expect(text.contains("Result: closed/GATEOverflow/results/"), "\(text)")
        #expect(text.contains("Given at import: count=16 (instead of 50000)"), "\(text)")
        let again = try cli.run(["import", Self.gate, "--out", "imported/mlperf-gate-offline.yaml"])
        #expect(again.status == 2 && again.stderr.contains("exists; --force replaces it"))
        let run = try cli.run(
            ["run", "mlperf-gate-offline", "--recipes", cli.root + "/imported"] + Self.recipes, timeout: 600)
        #expect(run.status == 0, "\(run.stderr)")
        let table = run.stdout.replacingOccurrences(of: " +", with: " ", options: .regularExpression)
        #expect(table.contains("offline: published and reproduced (not judged: repro reproduce judges)"), "\(table)")
        #expect(table.contains("accuracy 76.456 12.5"), "\(table)")
        #expect(table.contains("samples_per_second 187.369 "), "\(table)")
    }

    /// v4.1's Krai SingleStream result (seeds of a round repro has no rules for, given outright) on repro's
    /// kernels: the seeds and every other setting not given are as published.
    @Test func importPrintsTheRecipeItWroteAsJSON() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let r = try cli.run(["import", Self.gate, "--out", "imported/mlperf-gate-offline.yaml", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "\(r.stdout)")
        let recipe = try #require(object["recipe"] as? String)
        #expect(recipe.hasSuffix("/imported/mlperf-gate-offline.yaml"))
        #expect(FileManager.default.fileExists(atPath: recipe))
        #expect(object["name"] as? String == "mlperf-gate-offline")
        #expect((object["missing"] as? [String])?.contains { $0.hasPrefix("imagenet=DIR") } == true, "\(object)")
        let again = try cli.run(["import", Self.gate, "--out", "imported/mlperf-gate-offline.yaml", "--json"])
        #expect(again.status == 2 && again.stderr.contains("exists; --force replaces it"))
        #expect(try JSONFailureTests.failure(again, status: 2, "exists; --force replaces it")["status"] != nil)
    }

    @Test func anOlderRoundsResultRunsWithItsOwnSeeds() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try ResNet50Tests().makeInputs(cli.root)
        let r = try cli.run(
            [
                "reproduce", Self.krai, "model=small224.onnx", "imagenet=imagenet", "count=16", "min_duration_ms=50",
                "min_query_count=64", "sut=builtin", "threads=1",
            ] + Self.recipes, timeout: 600)
        let out = r.stdout.replacingOccurrences(of: " +", with: " ", options: .regularExpression)
        #expect(out.contains("SingleStream performance result VALID VALID exact ok"), "\(out)\(r.stderr)")
        #expect(out.contains("SingleStream performance latency_ms 11.345 "), "\(out)")
        #expect(out.contains("LoadGen settings: 18 of 22 effective settings as published"), "\(out)")
        #expect(!out.contains("rng_seed"), "the published seeds: \(out)")
        #expect(out.contains("effective_min_query_count: 100 → 64: as given: min_query_count=64"), "\(out)")
        #expect(r.status == 0)
    }

    /// imagenet= may be the URL of an archive of the folder: fetched, checked against its SHA-256, unpacked.
    @Test func anImageNetArchiveByURLIsCheckedAndUnpacked() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try ResNet50Tests().makeInputs(cli.root)
        let tar = Process()
        tar.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        tar.arguments = ["tar", "czf", "imagenet.tgz", "imagenet"]
        tar.currentDirectoryURL = URL(fileURLWithPath: cli.root)
        try tar.run()
        tar.waitUntilExit()
        let base = [
            "run", "imagenet-preprocess", "folder=file://\(cli.root)/imagenet.tgz", "strip_components=1", "count=4",
        ]
        let sum = Process()
        sum.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        sum.arguments = ["sha256sum", cli.root + "/imagenet.tgz"]
        let pipe = Pipe()
        sum.standardOutput = pipe
        try sum.run()
        sum.waitUntilExit()
        let digest = String(String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).prefix(64))
        let wrong = try cli.run(base + ["sha256=" + String(repeating: "0", count: 64)] + Self.recipes)
        #expect(wrong.status != 0)
        #expect(wrong.stderr.contains("checksum mismatch"), "\(wrong.stderr)")
        #expect(wrong.stderr.contains("got \(digest)"), "\(wrong.stderr)")
        #expect(!wrong.stdout.contains("count = "))
        let good = try cli.run(base + ["sha256=\(digest)"] + Self.recipes)
        #expect(good.status == 0, "\(good.stderr)")
        #expect(good.stdout.contains("count = 4"), "\(good.stdout)")
    }
}
