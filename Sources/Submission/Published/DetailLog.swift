import Foundation

/// A LoadGen `mlperf_log_detail.txt` as a value: the first value of each entry (as the official checker reads
/// them), read with the checker's `DetailLogReader`, kept as text, numbers and flags.
public struct DetailLog: Sendable {
    public let path: String
    /// The entries LoadGen marked as errors.
    public let errors: [String]
    var texts: [String: String] = [:]
    var numbers: [String: Double] = [:]
    var integers: [String: UInt64] = [:]
    var flags: [String: Bool] = [:]

    /// Reads the log; a line that is not a `:::MLLOG` entry is an error naming the file and line.
    public init(path: String) throws(PublishedResultError) {
        self.path = path
        let reader: DetailLogReader
        do { reader = try DetailLogReader(path: path) } catch { throw .detailLog(problem: error.description) }
        errors = reader.errors
        for key in reader.values.keys {
            texts[key] = reader.string(key)
            if let n = reader.number(key) { numbers[key] = n }
            if let i = reader.integer(key) { integers[key] = i }
            if let b = reader.bool(key) { flags[key] = b }
        }
    }

    public var keys: [String] { texts.keys.sorted() }
    public func string(_ key: String) -> String? { texts[key] }
    public func number(_ key: String) -> Double? { numbers[key] }
    public func integer(_ key: String) -> UInt64? { integers[key] }
    public func bool(_ key: String) -> Bool? { flags[key] }
}
