/// A string from a recipe that may hold `${{ expression }}` parts, parsed once when the recipe is read.
///
/// A template that is exactly one expression evaluates to that expression's value with its type (an int stays
/// an int); any other template evaluates to a string. `$${{` writes a literal `${{`.
public struct Template: Sendable, Hashable {
    public enum Segment: Sendable, Hashable {
        case text(String)
        case expression(Expression, source: String)
    }

    public let segments: [Segment]
    /// The text as written in the recipe.
    public let source: String
    public let location: SourceLocation?

    /// Parses `text`; a syntax error names the expression and where it is.
    public init(_ text: String, at location: SourceLocation? = nil) throws(RecipeError) {
        self.source = text
        self.location = location
        var segments: [Segment] = []
        var rest = Substring(text)
        var literal = ""
        while let open = rest.range(of: "${{") {
            if open.lowerBound > rest.startIndex, rest[rest.index(before: open.lowerBound)] == "$" {
                literal += rest[..<rest.index(before: open.lowerBound)] + "${{"
                rest = rest[open.upperBound...]
                continue
            }
            literal += rest[..<open.lowerBound]
            guard let close = rest[open.upperBound...].range(of: "}}") else {
                throw .expressionSyntax(
                    at: location, expression: String(rest[open.lowerBound...]),
                    problem: "'${{' is not closed by '}}'")
            }
            let source = String(rest[open.upperBound..<close.lowerBound])
            let expression: Expression
            do {
                expression = try ExpressionParser.parse(source)
            } catch {
                throw .expressionSyntax(at: location, expression: source.trimmingSpaces, problem: error.problem)
            }
            if !literal.isEmpty {
                segments.append(.text(literal))
                literal = ""
            }
            segments.append(.expression(expression, source: source.trimmingSpaces))
            rest = rest[close.upperBound...]
        }
        literal += rest
        if !literal.isEmpty || segments.isEmpty { segments.append(.text(literal)) }
        self.segments = segments
    }

    /// A template that is plain text, with no expression.
    public init(literal text: String) {
        self.source = text
        self.location = nil
        self.segments = [.text(text)]
    }

    public var isLiteral: Bool { segments.allSatisfy { if case .text = $0 { true } else { false } } }

    /// Every reference any expression in it reads.
    public var references: [[String]] {
        segments.flatMap { segment -> [[String]] in
            if case .expression(let e, _) = segment { return e.references }
            return []
        }
    }

    /// What to do when an expression reads a value that is not known yet.
    public enum LateHandling: Sendable {
        /// It is an error, naming the field being evaluated.
        case error(field: String)
        /// The whole template evaluates to its own source text (for keys: stable, location-free).
        case sourceText
    }

    public func evaluate(in scope: Scope, late: LateHandling = .error(field: "this field")) throws(RecipeError)
        -> Value
    {
        if segments.count == 1, case .text(let t) = segments[0] { return .string(t) }
        do {
            if segments.count == 1, case .expression(let e, _) = segments[0] {
                return try ExpressionEvaluator.evaluate(e, in: scope)
            }
            var out = ""
            for segment in segments {
                switch segment {
                case .text(let t): out += t
                case .expression(let e, _): out += try ExpressionEvaluator.evaluate(e, in: scope).interpolated
                }
            }
            return .string(out)
        } catch {
            switch error {
            case .late(let path):
                switch late {
                case .sourceText: return .string(source)
                case .error(let field): throw .lateReference(at: location, path: path, field: field)
                }
            case .unknown(let path, let known):
                throw .unknownReference(at: location, path: path, known: known)
            case .type(let problem):
                throw .expressionType(at: location, expression: expressionText, problem: problem)
            }
        }
    }

    private var expressionText: String {
        let exprs = segments.compactMap { if case .expression(_, let s) = $0 { s } else { nil } }
        return exprs.count == 1 ? exprs[0] : source
    }
}

/// A YAML value from a recipe whose strings may be templates: defaults, `with:` maps, overlays.
public indirect enum TemplateValue: Sendable, Hashable {
    case value(Value, at: SourceLocation? = nil)
    case template(Template)
    case list([TemplateValue])
    case map([String: TemplateValue])

    public func evaluate(in scope: Scope, late: Template.LateHandling = .error(field: "this field"))
        throws(RecipeError) -> Value
    {
        switch self {
        case .value(let v, _): return v
        case .template(let t): return try t.evaluate(in: scope, late: late)
        case .list(let items):
            var out: [Value] = []
            out.reserveCapacity(items.count)
            for item in items { out.append(try item.evaluate(in: scope, late: late)) }
            return .list(out)
        case .map(let m):
            var out: [String: Value] = [:]
            for (k, v) in m { out[k] = try v.evaluate(in: scope, late: late) }
            return .map(out)
        }
    }

    public var references: [[String]] {
        switch self {
        case .value: []
        case .template(let t): t.references
        case .list(let items): items.flatMap(\.references)
        case .map(let m): m.values.flatMap(\.references)
        }
    }

    public var location: SourceLocation? {
        switch self {
        case .template(let t): t.location
        case .list(let items): items.lazy.compactMap(\.location).first
        case .map(let m): m.values.lazy.compactMap(\.location).first
        case .value(_, let at): at
        }
    }
}

extension TemplateValue {
    /// As written, for people: `[1, 2, 3]`, `{a: 1}`, an expression as its text.
    public var text: String {
        switch self {
        case .value(let v, _): TemplateValue.text(of: v)
        case .template(let t): t.source
        case .list(let items): "[" + items.map(\.text).joined(separator: ", ") + "]"
        case .map(let m): "{" + m.keys.sorted().map { "\($0): \(m[$0]!.text)" }.joined(separator: ", ") + "}"
        }
    }

    static func text(of v: Value) -> String {
        switch v {
        case .string(let s): s
        case .list(let items): "[" + items.map { text(of: $0) }.joined(separator: ", ") + "]"
        case .map(let m): "{" + m.keys.sorted().map { "\($0): \(text(of: m[$0]!))" }.joined(separator: ", ") + "}"
        default: v.canonicalJSON
        }
    }
}
