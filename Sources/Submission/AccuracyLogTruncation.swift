import Crypto
import Foundation

/// The MLPerf rule for accuracy logs in a submission (the official `truncate_accuracy_log.py`): `accuracy.txt`
/// gets `hash=<sha256 of the full log>` after a blank line, and a log of 4 KiB or more keeps its first and last
/// 4 KiB with "\n\n...\n\n" between them (8 KiB + 7 bytes, under the 10 KiB limit).
public enum AccuracyLogTruncation {
    public static let viewableSize = 4096
    public static let maximumSize = 10 * 1024

    /// Copies `log` and `accuracyText` into `directory` as the rules require; returns the full log's SHA-256.
    @discardableResult
    public static func write(log: String, accuracyText: String, into directory: String) throws -> String {
        let data = try Data(contentsOf: URL(fileURLWithPath: log))
        let hash = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        var kept = data
        if data.count >= viewableSize {
            kept = data.prefix(viewableSize) + Data("\n\n...\n\n".utf8) + data.suffix(viewableSize)
        }
        try kept.write(to: URL(fileURLWithPath: directory + "/mlperf_log_accuracy.json"))
        var text = accuracyText
        if !text.hasSuffix("\n") { text += "\n" }
        text += "\nhash=\(hash)\n"
        try text.write(toFile: directory + "/accuracy.txt", atomically: true, encoding: .utf8)
        return hash
    }
}
