import Yams

/// Reads Yams nodes into typed values, with an error at the node's file, line and column for every surprise.
///
/// Problems that do not stop the reading (an unknown field, a bad value of one field) are collected in `problems`,
/// so a recipe with three typos reports all three at once.
struct YAMLReader {
    let file: String
    let problems = Problems()

    /// The problems found so far, in the order found.
    final class Problems {
        var list: [RecipeError] = []
    }

    /// Runs one part of the reading; a problem in it is kept and the reading goes on.
    func attempt(_ body: () throws(RecipeError) -> Void) {
        do { try body() } catch { problems.list.append(error) }
    }

    func location(_ node: Node) -> SourceLocation {
        let mark = node.mark
        return SourceLocation(file: file, line: mark?.line ?? 1, column: mark?.column ?? 1)
    }

    /// What a node is, for "expected X, found Y" messages.
    func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let s):
            switch tagName(s) {
            case .int: return "the number \(s.string)"
            case .float: return "the number \(s.string)"
            case .bool: return "the boolean \(s.string)"
            case .null: return "nothing (null)"
            default: return "the string '\(s.string)'"
            }
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    /// A mapping's entries in order, keys as strings; an entry whose key is not one of `known` is a problem (kept)
    /// and left out.
    func mapping(_ node: Node, _ what: String, known: [String]? = nil) throws(RecipeError) -> [(
        key: String, keyNode: Node, value: Node
    )] {
        guard case .mapping(let m) = node else {
            throw .wrongType(at: location(node), what: what, expected: "a mapping", found: describe(node))
        }
        var entries: [(key: String, keyNode: Node, value: Node)] = []
        for (k, v) in m {
            guard case .scalar(let s) = k else {
                throw .wrongType(at: location(k), what: "a key in \(what)", expected: "a string", found: describe(k))
            }
            if let known, !known.contains(s.string) {
                problems.list.append(.unknownField(at: location(k), field: s.string, context: what, known: known))
                continue
            }
            entries.append((s.string, k, v))
        }
        return entries
    }

    func isNull(_ node: Node) -> Bool {
        if case .scalar(let s) = node, tagName(s) == .null { return true }
        return false
    }

    func string(_ node: Node, _ what: String) throws(RecipeError) -> String {
        guard case .scalar(let s) = node, tagName(s) != .null else {
            throw .wrongType(at: location(node), what: what, expected: "a string", found: describe(node))
        }
        return s.string
    }

    func bool(_ node: Node, _ what: String) throws(RecipeError) -> Bool {
        guard case .scalar(let s) = node, tagName(s) == .bool, let b = Bool(s.string.lowercased()) else {
            throw .wrongType(at: location(node), what: what, expected: "true or false", found: describe(node))
        }
        return b
    }

    func int(_ node: Node, _ what: String, atLeast minimum: Int? = nil) throws(RecipeError) -> Int {
        guard case .scalar(let s) = node, tagName(s) == .int, let i = Int(s.string) else {
            throw .wrongType(at: location(node), what: what, expected: "a whole number", found: describe(node))
        }
        if let minimum, i < minimum {
            throw .invalidValue(at: location(node), what: what, problem: "must be at least \(minimum), found \(i)")
        }
        return i
    }

    func number(_ node: Node, _ what: String) throws(RecipeError) -> Double {
        guard case .scalar(let s) = node, tagName(s) == .int || tagName(s) == .float, let d = Double(s.string) else {
            throw .wrongType(at: location(node), what: what, expected: "a number", found: describe(node))
        }
        return d
    }

    /// A list of strings; a single string, or a comma-separated one, is accepted as a list.
    func stringList(_ node: Node, _ what: String) throws(RecipeError) -> [String] {
        switch node {
        case .sequence(let seq):
            var out: [String] = []
            for item in seq { out.append(try string(item, "an item of \(what)")) }
            return out
        case .scalar:
            return try string(node, what).split(separator: ",").map { String($0).trimmingSpaces }.filter {
                !$0.isEmpty
            }
        default:
            throw .wrongType(at: location(node), what: what, expected: "a list of strings", found: describe(node))
        }
    }

    /// A plain value (no templates).
    func value(_ node: Node) throws(RecipeError) -> Value {
        switch node {
        case .scalar(let s):
            switch tagName(s) {
            case .null: return .null
            case .bool: return .bool(s.string.lowercased() == "true")
            case .int:
                if let i = Int(s.string) { return .int(i) }
                return .double(Double(s.string) ?? 0)
            case .float:
                let lowered = s.string.lowercased()
                if lowered.hasSuffix(".inf") { return .double(lowered.hasPrefix("-") ? -.infinity : .infinity) }
                if lowered == ".nan" { return .double(.nan) }
                return .double(Double(s.string) ?? 0)
            default: return .string(s.string)
            }
        case .sequence(let seq):
            var out: [Value] = []
            for item in seq { out.append(try value(item)) }
            return .list(out)
        case .mapping:
            var out: [String: Value] = [:]
            for entry in try mapping(node, "a map") { out[entry.key] = try value(entry.value) }
            return .map(out)
        case .alias:
            throw .invalidValue(at: location(node), what: "an alias", problem: "YAML aliases are not supported")
        }
    }

    /// A value whose strings may hold `${{ }}` expressions, parsed now so syntax errors surface at load time.
    func templateValue(_ node: Node) throws(RecipeError) -> TemplateValue {
        switch node {
        case .scalar(let s) where tagName(s) == .str && s.string.contains("${{"):
            return .template(try Template(s.string, at: location(node)))
        case .scalar:
            return .value(try value(node), at: location(node))
        case .sequence(let seq):
            var out: [TemplateValue] = []
            for item in seq { out.append(try templateValue(item)) }
            return .list(out)
        case .mapping:
            var out: [String: TemplateValue] = [:]
            for entry in try mapping(node, "a map") { out[entry.key] = try templateValue(entry.value) }
            return .map(out)
        case .alias:
            throw .invalidValue(at: location(node), what: "an alias", problem: "YAML aliases are not supported")
        }
    }

    /// A string that may hold expressions (`shell:`, `if:`).
    func template(_ node: Node, _ what: String) throws(RecipeError) -> Template {
        if case .scalar(let s) = node, tagName(s) == .bool {
            return Template(literal: s.string.lowercased())
        }
        return try Template(try string(node, what), at: location(node))
    }

    /// A name that expressions can spell: letters, digits, `_` and `-`, not starting with a digit or `-`.
    func identifier(_ name: String, _ node: Node, _ what: String) throws(RecipeError) -> String {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic),
            name.unicodeScalars.allSatisfy({
                $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-")
            }), !name.hasSuffix("-")
        else {
            throw .invalidValue(
                at: location(node), what: "\(what) '\(name)'",
                problem: "use letters, digits, '_' and '-', starting with a letter or '_'")
        }
        return name
    }

    /// Seconds from `90`, `30s`, `5m`, `2h`, `1h30m` or `1d`.
    func duration(_ node: Node, _ what: String) throws(RecipeError) -> Double {
        if case .scalar(let s) = node, tagName(s) == .int || tagName(s) == .float, let d = Double(s.string), d > 0 {
            return d
        }
        let text = try string(node, what)
        var total = 0.0
        var digits = ""
        for c in text {
            if c.isNumber || c == "." {
                digits.append(c)
                continue
            }
            let unit: Double? = ["s": 1, "m": 60, "h": 3600, "d": 86400][String(c)]
            guard let unit, let amount = Double(digits) else {
                throw .invalidValue(
                    at: location(node), what: what,
                    problem: "expected a duration such as 90, 30s, 5m or 1h30m, found '\(text)'")
            }
            total += amount * unit
            digits = ""
        }
        if !digits.isEmpty {
            guard let amount = Double(digits) else {
                throw .invalidValue(at: location(node), what: what, problem: "bad duration '\(text)'")
            }
            total += amount
        }
        guard total > 0 else {
            throw .invalidValue(at: location(node), what: what, problem: "must be longer than zero, found '\(text)'")
        }
        return total
    }
}

/// The resolved tag of a scalar (`str`, `int`, `float`, `bool`, `null`), as the default resolver reads it.
func tagName(_ scalar: Node.Scalar) -> Tag.Name {
    Tag.Name(rawValue: Node.scalar(scalar).tag.rawValue)
}
