import Foundation

/// One line of an MLPerf log: `:::MLLOG {json}`, as LoadGen writes `mlperf_log_detail.txt` and the mlperf-logging
/// library writes training logs. The reader of every such log (the submission checkers, the tests) goes through
/// here.
public struct MLLogLine {
    /// The marker that starts every line, followed by one space and a JSON object.
    public static let prefix = ":::MLLOG "

    public let key: String
    /// The entry's value as JSONSerialization reads it (NSNumber, String, Bool, array, dictionary); NSNull for
    /// `null`.
    public let value: Any
    /// The `metadata` object; empty when the line has none.
    public let metadata: [String: Any]
    /// The whole object.
    public let fields: [String: Any]

    /// Reads one line; nil when it is not `:::MLLOG ` followed by a JSON object with a string `key`.
    public init?<Line: StringProtocol>(_ line: Line) {
        guard line.hasPrefix(MLLogLine.prefix),
            let object = try? JSONSerialization.jsonObject(
                with: Data(line.dropFirst(MLLogLine.prefix.count).utf8), options: [.fragmentsAllowed]),
            let fields = object as? [String: Any], let key = fields["key"] as? String
        else { return nil }
        self.key = key
        self.fields = fields
        value = fields["value"] ?? NSNull()
        metadata = fields["metadata"] as? [String: Any] ?? [:]
    }

    /// Whether LoadGen marked the entry as an error (`metadata.is_error`).
    public var isError: Bool { metadata["is_error"] as? Bool == true }
}
