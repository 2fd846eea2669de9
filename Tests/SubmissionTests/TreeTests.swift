import Foundation
import Submission
import Testing

/// Both layouts from runs' folders, and the built-in checker on a clean tree and on one with problems.
struct TreeTests {

    func line(_ key: String, _ value: String) -> String {
        ":::MLLOG {\"key\": \"\(key)\", \"value\": \(value), \"time_ms\": 0.000000, \"namespace\": \"mlperf::logging\", "
            + "\"event_type\": \"POINT_IN_TIME\", \"metadata\": {\"is_error\": false, \"is_warning\": false, \"file\": \"x\", \"line_no\": 0, \"pid\": 1, \"tid\": 1}}"
    }

    /// A loadgen step's folder as repro writes it: performance (a 600 s valid run) or accuracy (the whole data set).
    func run(_ dir: String, accuracy: Bool, rules: Rules) throws {
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        var detail = rules.seeds.map { line("effective_\($0.key)", "\($0.value)") }
        detail += [
            line("effective_min_duration_ms", "600000"), line("effective_performance_sample_count", "1024"),
            line("result_validity", "\"VALID\""), line("early_stopping_met", "true"),
            line("effective_accuracy_sample_count", "50000"), line("num_errors", "0"),
        ]
        try (detail.joined(separator: "\n") + "\n").write(
            toFile: dir + "/mlperf_log_detail.txt", atomically: true, encoding: .utf8)
        try "Result is : VALID\n".write(toFile: dir + "/mlperf_log_summary.txt", atomically: true, encoding: .utf8)
        try "resnet50.Offline.target_qps = 1000\n".write(toFile: dir + "/user.conf", atomically: true, encoding: .utf8)
        let entries = (0..<(accuracy ? 3000 : 0)).map {
            "{ \"seq_id\" : \($0), \"qsl_idx\" : \($0), \"data\" : \"00000000\" }"
        }
        try (entries.isEmpty ? "[\n]\n" : "[\n" + entries.joined(separator: ",\n") + "\n]\n")
            .write(toFile: dir + "/mlperf_log_accuracy.json", atomically: true, encoding: .utf8)
        if accuracy {
            try "accuracy=0.000%, good=0, total=50000\n".write(
                toFile: dir + "/accuracy.txt", atomically: true, encoding: .utf8)
        }
    }

    static let measurements = [
        "input_data_types": "fp32", "retraining": "No", "starting_weights_filename": "weights.bin",
        "weight_data_types": "fp32", "weight_transformations": "none",
    ]

    func submission(_ root: String, round: String, measurements: [String: String] = TreeTests.measurements)
        throws -> InferenceSubmission
    {
        let rules = try Rules.load(round)
        try run(root + "/runs/perf", accuracy: false, rules: rules)
        try run(root + "/runs/acc", accuracy: true, rules: rules)
        let host = SystemDescription.Host(
            cpu: "Test CPU", cpus: 2, memoryGiB: 24, os: "Debian GNU/Linux 12", kernel: "6.1")
        return InferenceSubmission(
            division: "open", submitter: "Team", system: "box",
            systemDescription: SystemDescription.fromMachine(
                host,
                declarations: .init(division: .open, submitter: "Team", status: .available, systemType: .edge),
                systemName: "box", framework: "repro"),
            implementationReadme: "how\n", rules: rules,
            results: [
                InferenceResult(
                    benchmark: "resnet", scenario: .offline, performance: root + "/runs/perf",
                    accuracy: root + "/runs/acc",
                    readme: "# Offline\n", measurements: measurements)
            ])
    }

    func problems(_ root: String, _ round: String) throws -> [String] {
        try TreeChecker.check(root: root, rules: try Rules.load(round), shownAs: "").problems
    }

    func folder() throws -> String {
        let dir = NSTemporaryDirectory() + "repro-tree-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    @Test func theCurrentLayoutIsCleanAndEveryProblemIsListed() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let base = try InferenceTree.write(try submission(dir, round: "v6.1"), to: dir + "/tree")
        let result = base + "/results/box/resnet/Offline"
        for f in [
            "measurements.json", "user.conf", "README.md", "performance/run_1/mlperf_log_detail.txt",
            "accuracy/accuracy.txt",
        ] {
            #expect(FileManager.default.fileExists(atPath: "\(result)/\(f)"), "\(f)")
        }
        #expect(FileManager.default.fileExists(atPath: base + "/src/resnet/README.md"))
        #expect(try problems(dir + "/tree", "v6.1") == [])
        let system = try String(contentsOfFile: base + "/systems/box.json", encoding: .utf8)
        #expect(system.contains("\"accelerators_per_node\": \"0\""))
        #expect(system.contains("\"host_processor_core_count\": 2"))

        // Break three things: all three are listed, with the official checker's words.
        #expect(system.contains("\"status\": \"available\"") && system.contains("\"system_type\": \"edge\""))
        #expect(system.contains("\"cooling\": \"\(SystemDescription.unknown)\""))
        try system.replacingOccurrences(
            of: "\"cooling\": \"\(SystemDescription.unknown)\"", with: "\"cooling\": \"\""
        )
        .write(toFile: base + "/systems/box.json", atomically: true, encoding: .utf8)
        try FileManager.default.removeItem(atPath: result + "/user.conf")
        try FileManager.default.removeItem(atPath: result + "/accuracy/accuracy.txt")
        let found = try problems(dir + "/tree", "v6.1")
        #expect(
            found == [
                "open/Team/systems/box.json, field cooling requires a meaningful response but is empty",
                "open/Team/results/box/resnet/Offline/accuracy/accuracy.txt is missing",
                "open/Team/results/box/resnet/Offline is missing user.conf",
            ], "\(found)")
    }

    @Test func theOlderLayoutKeepsMeasurementsApart() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let base = try InferenceTree.write(try submission(dir, round: "v5.1"), to: dir + "/tree")
        let measurements = base + "/measurements/box/resnet/Offline"
        #expect(FileManager.default.fileExists(atPath: measurements + "/box_repro_Offline.json"))
        #expect(FileManager.default.fileExists(atPath: measurements + "/user.conf"))
        #expect(FileManager.default.fileExists(atPath: base + "/code/resnet/README.md"))
        #expect(!FileManager.default.fileExists(atPath: base + "/results/box/resnet/Offline/measurements.json"))
        #expect(
            FileManager.default.fileExists(
                atPath: base + "/results/box/resnet/Offline/performance/run_1/mlperf_log_summary.txt"))
        #expect(try problems(dir + "/tree", "v5.1") == [])
    }

    /// What a submitter declares about the model is never filled in for them: fields the recipe did not give are
    /// missing, and the checker says so.
    @Test func measurementsHoldOnlyWhatTheRecipeGave() throws {
        let dir = try folder()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try InferenceTree.write(
            try submission(dir, round: "v6.1", measurements: ["input_data_types": "fp32"]), to: dir + "/tree")
        let path = "open/Team/results/box/resnet/Offline/measurements.json"
        #expect(
            try problems(dir + "/tree", "v6.1")
                == [
                    "retraining", "starting_weights_filename", "weight_data_types", "weight_transformations",
                ].map { "\(path), field \($0) is missing" })
    }
}
