import Foundation
import LoadGen
import Recipes
import Submission
import Testing

@testable import Reproduction

/// Published MLPerf results of MLCommons' results repositories (Tests/Fixtures/mlcommons-results: three submitters,
/// two rounds, three tools) read, and the request that reproduces them derived with every setting as published.
@Suite("published MLCommons results")
struct PublishedResultTests {
    static let fixtures =
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().path
        + "/Fixtures/mlcommons-results"
    static let gate = fixtures + "/inference_results_v5.1/closed/GATEOverflow"
    static let gateSystem = "GATEOverflow_AMD_AM5-reference-cpu-onnxruntime_v1.22.1-default_config"
    static let krai = fixtures + "/inference_results_v4.1/open/Krai"
    static let lenovo = fixtures + "/inference_results_v5.1/closed/Lenovo"
    static let neuralMagic = fixtures + "/inference_results_v4.1/closed/NeuralMagic"

    /// The published machine of the GATEOverflow result, as this host would describe it.
    static let gateHost = HostFacts(
        processor: "AMD Ryzen 9 7950X 16-Core Processor", processors: 1, cpus: 16, memoryGiB: 125,
        operatingSystem: "Ubuntu 22.04 (linux-6.14.0-27-generic-glibc2.35)")
    static let smallHost = HostFacts(
        processor: "Some Other CPU", processors: 1, cpus: 2, memoryGiB: 24, operatingSystem: "Debian 12 (6.1.0)")

    func prepare(
        _ path: String, _ picks: PublishedFolder.Fixed = .init(), given: [(String, String)] = [],
        host: HostFacts = smallHost
    ) throws -> PublishedReproduction {
        try PublishedReproduction.prepare(path, picks: picks, given: given, host: host, baseDirectory: "/")
    }

    /// A copy of a fixture submitter folder to break.
    func scratchCopy(_ folder: String) throws -> String {
        let root = NSTemporaryDirectory() + "repro-published-" + UUID().uuidString.prefix(8)
        let copy = root + "/closed/" + (folder as NSString).lastPathComponent
        try FileManager.default.createDirectory(atPath: root + "/closed", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: folder, toPath: copy)
        return copy
    }

    @Test func anMLCFlowResultOfV51IsReadWhole() throws {
        let location = try PublishedReproduction.locate(Self.gate, picks: .init(scenario: "Offline"))
        #expect(location.system == Self.gateSystem)
        #expect(location.scenarioFolder == "offline")
        let r = try MLCommonsResult.read(location)
        #expect(r.system["framework"] == "onnxruntime v1.22.1")
        #expect(r.system["host_processor_model_name"] == "AMD Ryzen 9 7950X 16-Core Processor")
        #expect(r.userConf?.text == "resnet50.Offline.target_qps = 184.28662\n")
        #expect(r.accuracy?.percent == 76.456)
        #expect(r.accuracy?.good == 38228 && r.accuracy?.total == 50000)
        #expect(r.model["starting_weights_filename"] == "https://armi.in/files/resnet50_v1_op11/resnet50_v1.onnx")
        #expect(r.tool?.name == "MLCFlow")
        #expect(r.tool?.inferenceSource != nil)
        #expect(r.packages["onnxruntime"] == "1.22.1")
        #expect(r.console?.text.hasPrefix("python3 python/main.py --profile resnet50-onnxruntime") == true)
        #expect(r.compliance["TEST01"] == "TEST PASS")
        #expect(r.performance.string("result_validity") == "VALID")
        #expect(r.performance.number("requested_offline_expected_qps") == 184.287)
        #expect(r.performance.integer("effective_qsl_rng_seed") == 1_780_908_523_862_526_354)
    }

    @Test func anyFolderInsideTheSubmitterFolderNamesTheResult() throws {
        let inside = [
            Self.gate + "/results/\(Self.gateSystem)/resnet50/offline",
            Self.gate + "/measurements/\(Self.gateSystem)/resnet50",
            Self.gate + "/results/\(Self.gateSystem)",
            Self.gate,
        ]
        for path in inside {
            #expect(try PublishedReproduction.locate(path, picks: .init()).name.hasSuffix("resnet50/offline"))
        }
        let picked = try PublishedReproduction.locate(
            Self.gate, picks: .init(system: Self.gateSystem, benchmark: "resnet50", scenario: "offline"))
        #expect(picked.scenarioFolder == "offline")
        let error = #expect(throws: PublishedReproductionError.self) {
            try PublishedReproduction.locate(Self.gate, picks: .init(scenario: "Server"))
        }
        #expect(error?.description.contains("has no result for scenario=Server; it has:") == true)
        #expect(error?.description.contains("system=\(Self.gateSystem) benchmark=resnet50 scenario=offline") == true)
        let contradicts = #expect(throws: PublishedReproductionError.self) {
            try PublishedReproduction.locate(
                Self.gate + "/results/\(Self.gateSystem)/resnet50/offline", picks: .init(scenario: "Server"))
        }
        #expect(contradicts?.description.contains("is of scenario 'offline'") == true)
    }

    /// The request of the v5.1 reference onnxruntime result: the settings as published, the published framework
    /// at its version, the model the published address mirrors.
    @Test func thePlanOfAV51ResultHasThePublishedSettings() throws {
        let p = try prepare(Self.gate)
        #expect(p.settings.scenario == .offline)
        #expect(p.inputs["scenario"] == .string("Offline"))
        // user.conf's digits (the log prints six: 184.287), with where they came from.
        #expect(p.inputs["target_qps"] == .double(184.28662))
        #expect(p.settings.inputs.first?.source == "user.conf:1 (the detail log: 184.287)")
        #expect(p.inputs["min_duration_ms"] == .int(600_000))
        #expect(p.inputs["min_query_count"] == .int(24576))
        #expect(p.inputs["round"] == .string("v5.1"))
        #expect(p.inputs["seeds"] == nil)
        #expect(p.inputs["user_conf"] == .string("resnet50.Offline.target_qps = 184.28662\n"))
        #expect(p.settings.corrections.isEmpty, "\(p.settings.corrections)")
        #expect(p.settings.checked == 14)
        #expect(p.inputs["sut"] == .string("onnxruntime"))
        #expect(p.inputs["onnxruntime"] == .string("1.22.1"))
        #expect(p.sut.publishedThreads == 32)
        #expect(p.inputs["threads"] == .int(2), "the published 32, at most this host's CPUs")
        #expect(p.selection == "mlperf-inference-resnet50,_opset11")
        #expect(p.model.weights == .same)
        #expect(p.inputs["count"] == .int(50000))
        #expect(p.modes == ["accuracy", "performance"])
        #expect(p.missing.count == 1 && p.missing[0].hasPrefix("imagenet=DIR"))
        #expect(p.timedMetric.name == "samples_per_second" && p.timedMetric.published == 187.369)
        #expect(!p.machine.sameSystem)
        #expect(p.timingNotComparable.contains("different system"))
    }

    @Test func onThePublishedMachineTheTimingIsJudged() throws {
        let p = try prepare(Self.gate, host: Self.gateHost)
        #expect(p.machine.sameSystem, "\(p.machine.rows)")
        #expect(p.inputs["threads"] == .int(16))
        // The published run used 32 threads on 16 cores; fewer here is said.
        #expect(p.timingNotComparable == ["16 threads (published 32)"])
        let given = try prepare(Self.gate, given: [("threads", "32")], host: Self.gateHost)
        #expect(given.timingNotComparable == ["settings given: threads=32"])
    }

    @Test func givenInputsOverrideWhatWasDerivedAndAreListed() throws {
        let p = try prepare(
            Self.gate,
            given: [("imagenet", "/data/imagenet"), ("count", "16"), ("min_duration_ms", "500"), ("sut", "builtin")])
        #expect(p.missing.isEmpty)
        #expect(p.inputs["count"] == .int(16))
        #expect(p.inputs["min_duration_ms"] == .int(500))
        #expect(p.inputs["sut"] == .string("builtin"))
        #expect(p.inputs["onnxruntime"] == nil)
        #expect(p.overrides.contains(.init(name: "count", value: "16", replaces: "50000")))
        #expect(p.overrides.contains(.init(name: "min_duration_ms", value: "500", replaces: "600000")))
        #expect(!p.sut.sameFramework)
        let unknown = #expect(throws: PublishedReproductionError.self) {
            try prepare(Self.gate, given: [("colour", "red")])
        }
        #expect(unknown?.description.hasPrefix("error: unknown input 'colour' (known: model, imagenet,") == true)
        let bad = #expect(throws: PublishedReproductionError.self) { try prepare(Self.gate, given: [("count", "x")]) }
        #expect(bad?.description == "error: input 'count': expected a whole number, found 'x'")
    }

    /// v4.1, another tool (KILT), the open division, SingleStream: the seeds of a round repro has no rules for are
    /// given as they are; the TensorFlow file's ONNX conversion is fetched.
    @Test func thePlanOfAnOlderRoundsResult() throws {
        let p = try prepare(Self.krai)
        #expect(p.settings.scenario == .singleStream)
        #expect(p.inputs["expected_latency_ms"] == .double(10))
        #expect(p.inputs["min_duration_ms"] == .int(600_000))
        #expect(p.inputs["min_query_count"] == .int(100))
        #expect(
            p.inputs["seeds"]
                == .list([
                    .string("3066443479025735752"), .string("10688027786191513374"), .string("14962580496156340209"),
                ]))
        #expect(p.inputs["round"] == nil)
        #expect(p.selection == "mlperf-inference-resnet50")
        #expect(p.model.weights == .converted)
        #expect(p.timedMetric.name == "latency_ms" && p.timedMetric.published == 11.345184)
        #expect(p.inputs["user_conf"]?.stringValue?.hasPrefix("resnet50.SingleStream.performance_sample_count") == true)
    }

    @Test func aFolderThatIsNotAResultsFolderIsNamed() throws {
        let error = #expect(throws: PublishedReproductionError.self) { try prepare(NSTemporaryDirectory()) }
        #expect(error?.description.contains("is not a results folder") == true)
    }

    @Test func aBenchmarkReproCannotRunSaysWhatItWouldNeed() throws {
        let error = #expect(throws: PublishedReproductionError.self) { try prepare(Self.neuralMagic) }
        let text = try #require(error?.description)
        #expect(text.hasPrefix("cannot reproduce here: closed/NeuralMagic/results/"), "\(text)")
        #expect(text.contains("llama2-70b-99, which would need Llama-2-70B"), "\(text)")
        #expect(text.contains("repro has a recipe for resnet50 (mlperf-inference-resnet50) only"), "\(text)")
    }

    @Test func aUserConfWithAnUnknownKeyIsLocated() throws {
        // Lenovo's published user.conf names a key LoadGen does not know (its LoadGen ignored it).
        let error = #expect(throws: PublishedReproductionError.self) { try prepare(Self.lenovo) }
        let text = try #require(error?.description)
        #expect(text.contains("user.conf:4"), "\(text)")
        #expect(text.contains("multi_stream_samples_per_query"), "\(text)")
        #expect(text.contains("give user_conf=FILE"), "\(text)")
    }

    @Test func aDetailLogThatDoesNotParseIsLocated() throws {
        let copy = try scratchCopy(Self.gate)
        defer { try? FileManager.default.removeItem(atPath: (copy as NSString).deletingLastPathComponent) }
        let log = copy + "/results/\(Self.gateSystem)/resnet50/offline/performance/run_1/mlperf_log_detail.txt"
        var lines = try String(contentsOfFile: log, encoding: .utf8).components(separatedBy: "\n")
        lines[2] = ":::MLLOG {\"key\": \"broken"
        try lines.joined(separator: "\n").write(toFile: log, atomically: true, encoding: .utf8)
        let error = #expect(throws: PublishedReproductionError.self) { try prepare(copy) }
        let text = try #require(error?.description)
        #expect(text.contains("mlperf_log_detail.txt:3"), "\(text)")
        #expect(text.contains("expected LoadGen's mlperf_log_detail.txt"), "\(text)")
    }

    @Test func aSystemDescriptionWithMissingFieldsIsNamed() throws {
        let copy = try scratchCopy(Self.gate)
        defer { try? FileManager.default.removeItem(atPath: (copy as NSString).deletingLastPathComponent) }
        let file = copy + "/systems/\(Self.gateSystem).json"
        let text = try String(contentsOfFile: file, encoding: .utf8).components(separatedBy: "\n")
            .filter { !$0.contains("\"framework\"") && !$0.contains("\"host_processor_model_name\"") }
            .joined(separator: "\n")
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        let error = #expect(throws: PublishedReproductionError.self) { try prepare(copy) }
        #expect(
            error?.description
                == "error: \(file): the system description lacks 'host_processor_model_name', 'framework' (a "
                + "reproduction compares them with this machine)")
    }

    @Test func theImportedRecipeReadsAsARecipe() throws {
        let p = try prepare(Self.gate, given: [("imagenet", "/data/imagenet")])
        let text = p.recipeText(source: "closed/GATEOverflow")
        #expect(text.contains("    recipe: mlperf-inference-resnet50\n    variations: [opset11]\n"))
        #expect(text.contains("target_qps: 184.28662"))
        #expect(text.contains("Source: closed/GATEOverflow"))
        #expect(text.contains("Published: samples_per_second 187.369, VALID, accuracy=76.456%"))
        let recipe = try RecipeDecoder.decode(
            text: text, file: "/tmp/imported.yaml", directory: "/tmp", isFolder: false, expectedName: "imported")
        #expect(recipe.input(named: "imagenet") != nil)
    }
}
