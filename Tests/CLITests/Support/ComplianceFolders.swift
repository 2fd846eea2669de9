import Foundation
import Testing

/// What a closed tree made by repro holds for one benchmark: the system (from `systems/`), and for each scenario
/// TEST01's and TEST04's folders with exactly their files, TEST01's accuracy verification passing on the
/// deterministic answers, and the result's README (returned, for the command it carries).
enum ComplianceFolders {
    /// The system of a tree's submitter folder (`<tree>/systems/<system>.json`).
    static func system(_ tree: String) throws -> String {
        try #require(try FileManager.default.contentsOfDirectory(atPath: tree + "/systems").first)
            .replacingOccurrences(of: ".json", with: "")
    }

    /// Checks each scenario's compliance folders (v5.1 layout) and returns each scenario's measurements README.
    static func check(tree: String, system: String, benchmark: String, scenarios: [String]) throws -> [String] {
        try scenarios.map { scenario in
            let folder = "\(tree)/compliance/\(system)/\(benchmark)/\(scenario)"
            let test01 = try FileManager.default.contentsOfDirectory(atPath: folder + "/TEST01")
            #expect(Set(test01) == ["accuracy", "performance", "verify_accuracy.txt", "verify_performance.txt"])
            let accuracy = try String(contentsOfFile: folder + "/TEST01/verify_accuracy.txt", encoding: .utf8)
            #expect(accuracy.split(separator: "\n").contains("TEST PASS"), "\(scenario): \(accuracy)")
            #expect(accuracy.contains("num_perf_log_data_mismatch = 0\n"))
            let test04 = try FileManager.default.contentsOfDirectory(atPath: folder + "/TEST04")
            #expect(Set(test04) == ["performance", "verify_performance.txt"])
            return try String(
                contentsOfFile: "\(tree)/measurements/\(system)/\(benchmark)/\(scenario)/README.md", encoding: .utf8)
        }
    }
}
