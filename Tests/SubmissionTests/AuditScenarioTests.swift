import Foundation
import Submission
import Testing

/// TEST04's verification reads the scenario of each summary as LoadGen's scenario type: an unknown one is no score,
/// and the single-stream allowance (20 % up to 200,000 queries per second) follows the scenario.
struct AuditScenarioTests {
    func summary(_ dir: String, _ name: String, _ text: String) throws -> String {
        let path = dir + "/" + name
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    @Test func scenariosAreLoadGensOwn() throws {
        let dir = NSTemporaryDirectory() + "repro-audit-scenario-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        func singleStream(_ ns: Int) -> String {
            "Scenario : SingleStream\nResult is : VALID\nEarly stopping 90th percentile estimate (ns): \(ns)\n"
        }
        // 10,000 ns is 100,000 queries per second: within the 20 % allowance, 15 % faster passes.
        let reference = try summary(dir, "ref.txt", singleStream(10_000))
        let faster = try summary(dir, "fast.txt", singleStream(8_700))
        #expect(AuditVerification.test04Performance(reference: reference, test: faster).passed)
        let muchFaster = try summary(dir, "faster.txt", singleStream(8_000))
        #expect(!AuditVerification.test04Performance(reference: reference, test: muchFaster).passed)

        let unknown = try summary(dir, "unknown.txt", "Scenario : Offlien\nResult is : VALID\nSamples per second: 10\n")
        let outcome = AuditVerification.test04Performance(reference: unknown, test: faster)
        #expect(!outcome.passed && outcome.text.contains("cannot read a score in \(unknown)"), "\(outcome.text)")
        let mixed = try summary(dir, "offline.txt", "Scenario : Offline\nResult is : VALID\nSamples per second: 10\n")
        let other = AuditVerification.test04Performance(reference: mixed, test: faster)
        #expect(!other.passed && other.text.contains("scenarios do not match"), "\(other.text)")
    }
}
