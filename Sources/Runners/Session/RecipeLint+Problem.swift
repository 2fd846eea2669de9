import Foundation
import Recipes

extension RecipeLint {
    /// One problem of a lint report, in parts: `file:LINE:COL: error: message` gives a file, a line, a column, a
    /// severity and the message; a line without a place keeps it all as its message.
    public struct Problem: Sendable, Equatable {
        public var file: String?
        public var line: Int?
        public var column: Int?
        public var severity: String
        public var message: String

        public init(parsing text: String) {
            let parts = text.split(separator: ":", maxSplits: 4, omittingEmptySubsequences: false)
            if parts.count == 5, let l = Int(parts[1]), let c = Int(parts[2]) {
                file = String(parts[0])
                line = l
                column = c
                severity = parts[3].trimmingCharacters(in: .whitespaces)
                message = parts[4].trimmingCharacters(in: .whitespaces)
            } else {
                severity = text.hasPrefix("warning:") ? "warning" : "error"
                message = text.hasPrefix("\(severity):") ? String(text.dropFirst(severity.count + 1)) : text
                message = message.trimmingCharacters(in: .whitespaces)
            }
        }

        /// As `repro lint --json` prints it.
        public var json: Value {
            .map([
                "file": file.map(Value.string) ?? .null, "line": line.map(Value.int) ?? .null,
                "column": column.map(Value.int) ?? .null, "severity": .string(severity), "message": .string(message),
            ])
        }
    }
}
