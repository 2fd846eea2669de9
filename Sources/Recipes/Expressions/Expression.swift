/// The syntax tree of a `${{ ... }}` expression.
///
/// The language is small and total: literals, dotted references into the scope, indexing, arithmetic,
/// comparisons, `&&`/`||`/`!`, and a fixed set of functions. No loops, no assignment, no user functions.
public indirect enum Expression: Sendable, Hashable {
    case literal(Value)
    case reference([String])
    case index(Expression, Expression)
    case member(Expression, String)
    case unary(UnaryOperator, Expression)
    case binary(BinaryOperator, Expression, Expression)
    case call(String, [Expression])
    case list([Expression])

    public enum UnaryOperator: String, Sendable {
        case not = "!"
        case negate = "-"
    }

    public enum BinaryOperator: String, Sendable {
        case or = "||"
        case and = "&&"
        case equal = "=="
        case notEqual = "!="
        case less = "<"
        case lessOrEqual = "<="
        case greater = ">"
        case greaterOrEqual = ">="
        case add = "+"
        case subtract = "-"
        case multiply = "*"
        case divide = "/"
        case remainder = "%"
    }

    /// Every dotted reference the expression reads, outermost first (for dependency checks and `repro why`).
    public var references: [[String]] {
        var found: [[String]] = []
        collect(into: &found)
        return found
    }

    private func collect(into found: inout [[String]]) {
        switch self {
        case .literal: break
        case .reference(let path): found.append(path)
        case .index(let base, let index):
            base.collect(into: &found)
            index.collect(into: &found)
        case .member(let base, _): base.collect(into: &found)
        case .unary(_, let e): e.collect(into: &found)
        case .binary(_, let l, let r):
            l.collect(into: &found)
            r.collect(into: &found)
        case .call(_, let args), .list(let args): for a in args { a.collect(into: &found) }
        }
    }
}

/// The functions expressions may call, with their arity; documented in docs/recipes.md.
public enum ExpressionFunction: String, CaseIterable, Sendable {
    case len, range, join, contains, str, int, float, quote, min, max, basename, dirname, choose

    var arity: ClosedRange<Int> {
        switch self {
        case .range: 1...2
        case .join: 1...2
        case .contains: 2...2
        case .choose: 3...3
        case .min, .max: 1...8
        default: 1...1
        }
    }
}
