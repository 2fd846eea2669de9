import Foundation
import Submission
import Testing

/// The scenario rules on broken copies of the published v5.1 tree (an edge system; 3D-UNet needs SingleStream and
/// Offline): folder names whatever their case, missing and unknown scenarios, results filed under another scenario
/// than their log's, and a scenario's minimum query count. The messages are the official checker's.
@Suite struct ScenarioFolderTests {
    static let system = CheckerTests.system
    let shown = "closed/Lenovo/results/\(ScenarioFolderTests.system)/3d-unet-99"

    func check(_ breaking: (String) throws -> Void) throws -> CheckReport {
        let dir = try CheckerTests().copy()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try breaking(dir + "/closed/Lenovo")
        return try TreeChecker.check(root: dir, rules: try Rules.load("v5.1"), shownAs: "")
    }

    func rename(_ tree: String, _ parts: [String], _ from: String, _ to: String) throws {
        for part in parts {
            let benchmark = "\(tree)/\(part)/\(ScenarioFolderTests.system)/3d-unet-99/"
            try FileManager.default.moveItem(atPath: benchmark + from, toPath: benchmark + to)
        }
    }

    @Test func aScenarioFolderCountsWhateverItsCase() throws {
        let report = try check { try rename($0, ["results", "measurements", "compliance"], "Offline", "offline") }
        #expect(report.problems == [] && report.results == 2, "\(report.problems)")
    }

    @Test func aMissingAndAnUnknownScenarioAreNamedAndAnOfflineLogCannotBeMultiStream() throws {
        let report = try check { try rename($0, ["results"], "Offline", "MultiStream") }
        for line in [
            "\(shown) does not have all required scenarios, missing ['Offline']",
            "\(shown) has all unknown scenarios for this benchmark ['MultiStream']",
            "Result for scenario MultiStream can not be inferred from Offline for: "
                + "\(shown)/MultiStream/performance/run_1/mlperf_log_detail.txt",
        ] {
            #expect(report.problems.contains(line), "\(line) in \(report.problems)")
        }
    }

    @Test func anEdgeSingleStreamLogMayBeFiledAsMultiStream() throws {
        let report = try check { try rename($0, ["results"], "SingleStream", "multistream") }
        #expect(report.problems.contains("\(shown) does not have all required scenarios, missing ['SingleStream']"))
        #expect(report.problems.contains("\(shown) has all unknown scenarios for this benchmark ['multistream']"))
        #expect(!report.problems.contains { $0.contains("can not be inferred") }, "\(report.problems)")
    }

    @Test func anOfflineRunBelowTheMinimumQueryCountIsAProblem() throws {
        let report = try check { tree in
            let log =
                "\(tree)/results/\(ScenarioFolderTests.system)/3d-unet-99/Offline/performance/run_1/"
                + "mlperf_log_detail.txt"
            let text = try String(contentsOfFile: log, encoding: .utf8)
            let key = #""key": "effective_min_query_count", "value": "#
            #expect(text.contains(key + "1,"))
            try text.replacingOccurrences(of: key + "1,", with: key + "0,").write(
                toFile: log, atomically: true, encoding: .utf8)
        }
        #expect(
            report.problems == [
                "\(shown)/Offline/performance/run_1/mlperf_log_detail.txt Required minimum Query Count not met by "
                    + "user config, Expected=1, Found=0"
            ])
    }
}
