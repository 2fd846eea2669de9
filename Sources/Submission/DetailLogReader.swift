import Foundation

/// The values of a LoadGen `mlperf_log_detail.txt`, as the official checker reads them: the last value of each key,
/// and the entries marked as errors.
struct DetailLogReader {
    var values: [String: Any] = [:]
    var errors: [String] = []

    init(path: String) throws {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw SubmissionError("\(path) cannot be read")
        }
        for (i, line) in text.split(separator: "\n").enumerated() {
            guard line.hasPrefix(":::MLLOG "),
                let object = try? JSONSerialization.jsonObject(
                    with: Data(line.dropFirst(9).utf8), options: [.fragmentsAllowed]),
                let entry = object as? [String: Any], let key = entry["key"] as? String
            else {
                throw SubmissionError("\(path):\(i + 1): not a :::MLLOG line")
            }
            values[key] = entry["value"] ?? NSNull()
            if let meta = entry["metadata"] as? [String: Any], meta["is_error"] as? Bool == true {
                errors.append("\(entry["value"] ?? "")")
            }
        }
    }

    func number(_ key: String) -> Double? { (values[key] as? NSNumber)?.doubleValue }
    func integer(_ key: String) -> UInt64? { (values[key] as? NSNumber)?.uint64Value }
    func string(_ key: String) -> String? { values[key].map { "\($0)" } }
}
