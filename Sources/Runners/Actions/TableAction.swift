import Recipes
import Workflow

/// `table`: prints rows of values as an aligned text table (and writes it to `table.txt`), the results table at
/// the end of a benchmark flow. Rows are maps; `columns` picks and orders their keys and gives headers.
public struct TableAction: Action {
    public let name = "table"
    public let outputs: [String]? = ["table", "text"]
    public let version = "1"
    public var implementation: [String] { ["Sources/Runners/Actions/TableAction.swift"] }
    public let summary = "print rows (maps) as an aligned table; writes table.txt"
    public let parameters = [
        ActionParameter("rows", .list, doc: "a list of maps, one per row"),
        ActionParameter("columns", .list, doc: "[[key, header], ...] or [key, ...]: which keys, in order"),
        ActionParameter("title", .string, doc: "a line above the table"),
        ActionParameter("notes", .list, doc: "lines below the table"),
    ]

    public init() {}

    public func run(_ context: ActionContext) throws -> [String: Value] {
        let rows = context.with["rows"]?.listValue ?? []
        var keys: [String] = []
        var headers: [String] = []
        for c in context.with["columns"]?.listValue ?? [] {
            if let pair = c.listValue, pair.count == 2 {
                keys.append(pair[0].interpolated)
                headers.append(pair[1].interpolated)
            } else {
                keys.append(c.interpolated)
                headers.append(c.interpolated)
            }
        }
        guard !keys.isEmpty || rows.isEmpty else {
            throw ActionError.badParameter(name: "columns", problem: "rows need at least one column")
        }
        var cells: [[String]] = keys.isEmpty ? [] : [headers]
        for (i, row) in rows.enumerated() {
            guard let map = row.mapValue else {
                throw ActionError.badParameter(
                    name: "rows", problem: "row \(i + 1) is a \(row.typeName), expected a map")
            }
            cells.append(keys.map { TableAction.cell(map[$0] ?? .null) })
        }
        let widths = keys.indices.map { c in cells.map { $0[c].count }.max() ?? 0 }
        var lines: [String] = []
        if let title = try context.optionalString("title") { lines.append(title) }
        for (r, row) in cells.enumerated() {
            lines.append(
                row.enumerated().map { c, text in
                    let pad = String(repeating: " ", count: widths[c] - text.count)
                    return TableAction.isNumber(text) && r > 0 ? pad + text : text + pad
                }.joined(separator: "  ").trimmingTrailingSpaces())
            if r == 0 { lines.append(widths.map { String(repeating: "-", count: $0) }.joined(separator: "  ")) }
        }
        lines += (context.with["notes"]?.listValue ?? []).map(\.interpolated)
        let text = lines.joined(separator: "\n") + "\n"
        try FileOps.write(text, to: context.outDir + "/table.txt")
        for line in lines { context.log.out(line) }
        return ["table": .string(context.outDir + "/table.txt"), "text": .string(text)]
    }

    static func cell(_ v: Value) -> String {
        switch v {
        case .null: "-"
        case .double(let d):
            d.magnitude >= 1000 || d == d.rounded()
                ? String(format: "%.0f", d)
                : d.magnitude >= 10 ? String(format: "%.1f", d) : String(format: "%.3f", d)
        case .bool(let b): b ? "yes" : "no"
        default: v.interpolated
        }
    }

    static func isNumber(_ s: String) -> Bool { Double(s) != nil }
}

extension String {
    func trimmingTrailingSpaces() -> String {
        var s = self
        while s.hasSuffix(" ") { s.removeLast() }
        return s
    }
}
