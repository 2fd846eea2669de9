import Basics
import Foundation

/// The values of a LoadGen `mlperf_log_detail.txt`, as the official checker reads them: the first value of each
/// key, and the entries marked as errors.
struct DetailLogReader {
    var values: [String: Any] = [:]
    var errors: [String] = []

    init(path: String) throws(SubmissionError) {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw SubmissionError("\(path) cannot be read")
        }
        for (i, line) in text.split(separator: "\n").enumerated() {
            guard let entry = MLLogLine(line) else { throw SubmissionError("\(path):\(i + 1): not a :::MLLOG line") }
            if values[entry.key] == nil { values[entry.key] = entry.value }
            if entry.isError { errors.append("\(entry.value)") }
        }
    }

    func number(_ key: String) -> Double? { (values[key] as? NSNumber)?.doubleValue }
    func integer(_ key: String) -> UInt64? { (values[key] as? NSNumber)?.uint64Value }
    func string(_ key: String) -> String? { values[key].map { "\($0)" } }
    func bool(_ key: String) -> Bool? { (values[key] as? NSNumber)?.boolValue ?? values[key] as? Bool }
}
