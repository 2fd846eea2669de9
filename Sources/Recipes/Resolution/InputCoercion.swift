/// Turns a given value into the type an input declares, or says in words why it cannot.
public enum InputCoercion {
    public static func coerce(
        _ value: Value, to spec: InputSpec, recipe: String, at: SourceLocation?,
        baseDirectory: String?
    ) throws(RecipeError) -> Value {
        try coerce(value, kind: spec.kind, spec: spec, recipe: recipe, at: at, baseDirectory: baseDirectory)
    }

    static func coerce(
        _ value: Value, kind: InputSpec.Kind, spec: InputSpec, recipe: String, at: SourceLocation?,
        baseDirectory: String?
    ) throws(RecipeError) -> Value {
        func mismatch(_ expected: String) -> RecipeError {
            .inputType(
                name: spec.name, recipe: recipe, expected: expected, found: found(value), at: at,
                declared: at == nil ? spec.location : nil)
        }
        switch kind {
        case .string:
            switch value {
            case .string, .int, .double, .bool: return .string(value.interpolated)
            default: throw mismatch("a string")
            }
        case .int:
            if let i = value.intValue, value.boolValue == nil { return .int(i) }
            if case .string(let s) = value, let i = Int(s.trimmingSpaces) { return .int(i) }
            throw mismatch("an int")
        case .float:
            if let d = value.doubleValue { return .double(d) }
            if case .string(let s) = value, let d = Double(s.trimmingSpaces) { return .double(d) }
            throw mismatch("a float")
        case .bool:
            switch value {
            case .bool: return value
            case .int(let i) where i == 0 || i == 1: return .bool(i == 1)
            case .string(let s):
                switch s.lowercased() {
                case "true", "yes", "on", "1": return .bool(true)
                case "false", "no", "off", "0": return .bool(false)
                default: throw mismatch("a bool (true or false)")
                }
            default: throw mismatch("a bool (true or false)")
            }
        case .path:
            guard case .string(let s) = value, !s.isEmpty else { throw mismatch("a path") }
            if s.contains("://") || s.hasPrefix("/") || baseDirectory == nil { return .string(s) }
            return .string(FileSystemPath.absolute(s, relativeTo: baseDirectory))
        case .choice:
            let text: String
            switch value {
            case .string(let s): text = s
            case .int, .double, .bool: text = value.interpolated
            default: throw mismatch("one of \(spec.choices.map { "'\($0)'" }.joined(separator: ", "))")
            }
            guard spec.choices.contains(text) else {
                throw .badChoice(name: spec.name, recipe: recipe, value: text, choices: spec.choices, at: at)
            }
            return .string(text)
        case .list:
            let items: [Value]
            switch value {
            case .list(let l): items = l
            case .string(let s):
                items = s.isEmpty ? [] : s.split(separator: ",").map { .string(String($0).trimmingSpaces) }
            default: throw mismatch("a list")
            }
            var out: [Value] = []
            for item in items {
                out.append(
                    try coerce(
                        item, kind: spec.itemKind, spec: spec, recipe: recipe, at: at,
                        baseDirectory: baseDirectory))
            }
            return .list(out)
        }
    }

    static func found(_ v: Value) -> String {
        switch v {
        case .string(let s): "the string '\(s)'"
        case .int, .double: "the number \(v.interpolated)"
        case .bool(let b): "the bool \(b)"
        case .null: "nothing"
        case .list: "a list"
        case .map: "a map"
        }
    }
}
