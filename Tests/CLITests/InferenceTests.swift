import Foundation
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// The MLPerf Inference flow through the CLI: the digits model trained, then tested under LoadGen in the four
/// scenarios and in accuracy mode, with LoadGen's files in each entry and a results table.
@Suite("inference", .serialized)
struct InferenceTests {
    func outputs(_ text: String, _ name: String) -> String? {
        text.split(separator: "\n").first { $0.hasPrefix("  \(name) = ") }.map { String($0.dropFirst(name.count + 5)) }
    }

    @Test func theFourScenariosAndAnAccuracyRunMakeATable() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let r = try cli.run([
            "run", "mlperf-inference-digits", "--recipes", CLI.packageRoot + "/recipes", "min_duration_ms=300",
        ])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(!r.stderr.contains("does not declare"), "every output an action returns is declared: \(r.stderr)")
        for scenario in ["SingleStream", "MultiStream", "Server", "Offline"] {
            #expect(r.stdout.contains("    \(scenario) "), "a table row for \(scenario)")
        }
        #expect(r.stdout.contains("accuracy run (Offline, top-1 on the validation split): accuracy="))
        #expect(r.stdout.contains("power: unavailable (") || r.stdout.contains(" W average"))
        // Every loadgen entry holds LoadGen's files; the accuracy run has accuracy.txt in the reference format.
        let entries = cli.entries()
        var summaries = 0
        for e in entries {
            let out = cli.root + "/cache/entries/\(e)/out"
            guard FileManager.default.fileExists(atPath: out + "/mlperf_log_detail.txt") else { continue }
            summaries += 1
            #expect(FileManager.default.fileExists(atPath: out + "/mlperf_log_summary.txt"))
            #expect(FileManager.default.fileExists(atPath: out + "/mlperf_log_accuracy.json"))
            let detail = try String(contentsOfFile: out + "/mlperf_log_detail.txt", encoding: .utf8)
            #expect(detail.split(separator: "\n").allSatisfy { $0.hasPrefix(":::MLLOG {") })
            #expect(detail.contains("\"key\": \"effective_qsl_rng_seed\", \"value\": 2085463073848966840"))
            if FileManager.default.fileExists(atPath: out + "/accuracy.txt") {
                let line = try String(contentsOfFile: out + "/accuracy.txt", encoding: .utf8)
                #expect(
                    line.range(of: #"^accuracy=\d+\.\d{3}%, good=\d+, total=359\n$"#, options: .regularExpression)
                        != nil, "\(line)")
            }
        }
        #expect(summaries == 5)
        // Performance runs are measurements: run again, they are measured again; accuracy and the rest are reused.
        let again = try cli.run([
            "run", "mlperf-inference-digits", "--recipes", CLI.packageRoot + "/recipes", "min_duration_ms=300",
            "--reuse-measured",
        ])
        #expect(again.status == 0)
        #expect(again.stderr.contains("11 cached, 0 built"), "\(again.stderr)")
    }

    @Test func aBrokenExternalSUTFailsTheStepWithItsWords() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.recipe(
            "bad-sut",
            """
            summary: an external SUT that crashes at once
            run:
              action: loadgen
              with:
                scenario: SingleStream
                sut: external
                command: [sh, -c, "echo READY; echo 'segmentation fault in the driver' >&2; exit 139"]
                settings: {min_duration: 100, min_query_count: 10}
                power: none
            """)
        let r = try cli.run(["run", "bad-sut"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("stopped answering"), "\(r.stderr)")
        #expect(r.stderr.contains("segmentation fault in the driver"), "\(r.stderr)")
        #expect(cli.entries().isEmpty)
    }

    @Test func thePowerActionMeasuresACommandOrSaysWhyNot() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try "#!/bin/sh\necho 42.5\n".write(toFile: cli.root + "/meter.sh", atomically: true, encoding: .utf8)
        chmod(cli.root + "/meter.sh", 0o755)
        try FileManager.default.createDirectory(atPath: cli.root + "/empty", withIntermediateDirectories: true)
        try cli.recipe(
            "measured",
            """
            summary: power while a command runs
            run:
              action: power
              with: {during: "sleep 0.6", source: command, command: ["\(cli.root)/meter.sh"], interval: 0.1}
            """)
        let r = try cli.run(["run", "measured"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("average_watts = 42.5"), "\(r.stdout)")
        try cli.recipe(
            "nothing",
            """
            summary: no sensors
            run:
              action: power
              with: {seconds: 0.1, root: "\(cli.root)/empty"}
            """)
        let n = try cli.run(["run", "nothing"])
        #expect(n.status == 0, "\(n.stderr)")
        #expect(
            n.stdout.contains("power = power: unavailable (rapl: no \(cli.root)/empty/sys/class/powercap;"),
            "\(n.stdout)")
        // No reading: the output is null (shown empty), never a number of watts.
        #expect(
            n.stdout.split(separator: "\n").contains { $0.trimmingCharacters(in: .whitespaces) == "average_watts =" },
            "\(n.stdout)")
    }
}
