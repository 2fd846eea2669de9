import Foundation
import LoadGen
import Submission
import Testing

/// The records the loadgen and audit steps leave for the submission: typed both ways, and a clear error, naming the
/// field, for a result.json that lacks one or has one of the wrong kind (nothing is guessed, e.g. the benchmark).
struct StepRecordTests {
    func folder(_ json: String?) throws -> String {
        let dir = NSTemporaryDirectory() + "repro-record-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        if let json { try json.write(toFile: dir + "/result.json", atomically: true, encoding: .utf8) }
        return dir
    }

    @Test func aRecordReadsBackAsWritten() throws {
        let record = LoadGenRunRecord(
            benchmark: "digits-mlp", scenario: .server, mode: .performanceOnly, sutName: "kernels", derating: 0.96)
        // The step's other outputs sit beside the record's fields in result.json.
        var fields = try JSONSerialization.jsonObject(with: StepRecord.json(record)) as! [String: Any]
        #expect(fields["scenario"] as? String == "Server")
        #expect(fields["sut_name"] as? String == "kernels")
        fields["value"] = 123.4
        let text = String(decoding: try JSONSerialization.data(withJSONObject: fields), as: UTF8.self)
        let dir = try folder(text)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(try LoadGenRunRecord.read(stepOutput: dir) == record)

        let audit = AuditRecord(test: .test04, benchmark: "resnet", scenario: .offline, passed: true, derating: nil)
        let auditDir = try folder(String(decoding: try StepRecord.json(audit), as: UTF8.self))
        defer { try? FileManager.default.removeItem(atPath: auditDir) }
        #expect(try AuditRecord.read(stepOutput: auditDir) == audit)
        #expect(AuditRecord.folder(stepOutput: auditDir, test: .test04) == auditDir + "/TEST04")
    }

    @Test func whatIsMissingOrWrongIsNamed() throws {
        let cases: [(String?, String)] = [
            (nil, "it has no result.json"),
            ("{", "is not a loadgen step's result: it is not JSON"),
            (#"{"scenario": "Offline", "mode": "PerformanceOnly", "sut_name": "x"}"#, "it has no 'benchmark'"),
            (
                #"{"benchmark": "resnet", "scenario": "Offlien", "mode": "PerformanceOnly", "sut_name": "x"}"#,
                "'scenario': "
            ),
            (#"{"benchmark": 3, "scenario": "Offline", "mode": "PerformanceOnly", "sut_name": "x"}"#, "'benchmark' is"),
            (#"{"benchmark": null, "scenario": "Offline", "mode": "PerformanceOnly", "sut_name": "x"}"#, "'benchmark'"),
        ]
        for (json, expected) in cases {
            let dir = try folder(json)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let error = #expect(throws: SubmissionError.self) { try LoadGenRunRecord.read(stepOutput: dir) }
            #expect(error?.description.contains(expected) == true, "\(error?.description ?? "")")
            #expect(error?.description.contains(dir) == true)
        }
    }
}
