import Recipes
import Workflow

/// Printing for commands: results on stdout, diagnostics on stderr.
enum Output {
    static func line(_ text: String = "") { TextOutput.stdout(text + "\n") }
    static func error(_ text: String) { TextOutput.stderr(text.hasSuffix("\n") ? text : text + "\n") }
    /// A `--json` result: one indented object (or list) with sorted keys.
    static func json(_ value: Value) { TextOutput.stdout(value.prettyJSON()) }
    /// One line of a `--json` that prints JSON lines (`run`, `history`).
    static func jsonLine(_ value: Value) { TextOutput.stdout(value.canonicalJSON + "\n") }

    /// Rows padded into columns.
    static func table(_ rows: [[String]], indent: String = "") -> String {
        guard let width = rows.map(\.count).max() else { return "" }
        var widths = Array(repeating: 0, count: width)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        return rows.map { row in
            indent
                + row.enumerated().map { i, cell in
                    i == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[i] - cell.count)
                }.joined(separator: "  ")
        }.joined(separator: "\n")
    }
}
