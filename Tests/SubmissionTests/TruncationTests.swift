import Crypto
import Foundation
import Submission
import Testing

/// The accuracy-log rule of MLPerf submissions, compared with what the official truncate_accuracy_log.py made in
/// the reference tree: first and last 4 KiB, a hash line in accuracy.txt.
struct TruncationTests {
    @Test func aLongLogKeepsItsEndsAndTheHashOfTheWhole() throws {
        let dir = NSTemporaryDirectory() + "repro-trunc-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir + "/out", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        var lines = ["["]
        for i in 0..<2000 {
            lines.append(
                "{ \"seq_id\" : \(i), \"qsl_idx\" : \(i * 7 % 2000), \"data\" : \"00010203\" }" + (i < 1999 ? "," : ""))
        }
        lines.append("]")
        let text = lines.joined(separator: "\n") + "\n"
        try text.write(toFile: dir + "/log.json", atomically: true, encoding: .utf8)
        let hash = try AccuracyLogTruncation.write(
            log: dir + "/log.json", accuracyText: "accuracy=0.000%, good=0, total=2000\n", into: dir + "/out")
        #expect(hash == SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined())
        let kept = try String(contentsOfFile: dir + "/out/mlperf_log_accuracy.json", encoding: .utf8)
        #expect(kept.utf8.count == 4096 * 2 + 7)
        #expect(kept.hasPrefix(String(decoding: Array(text.utf8.prefix(4096)), as: UTF8.self) + "\n\n...\n\n"))
        #expect(
            try String(contentsOfFile: dir + "/out/accuracy.txt", encoding: .utf8)
                == "accuracy=0.000%, good=0, total=2000\n\nhash=\(hash)\n")
    }
}
