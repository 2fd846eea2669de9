/// Reads the text between `${{` and `}}` into an `Expression`.
///
/// Grammar, lowest precedence first:
/// `or := and ('||' and)*`, `and := not ('&&' not)*`, `not := '!' not | cmp`,
/// `cmp := sum (op sum)?`, `sum := term (('+'|'-') term)*`, `term := unary (('*'|'/'|'%') unary)*`,
/// `unary := '-' unary | postfix`, `postfix := primary ('.' name | '[' or ']')*`,
/// `primary := number | 'string' | "string" | true | false | null | name | name '(' args ')' | '(' or ')' | '[' args ']'`.
public struct ExpressionParser {
    enum Token: Equatable {
        case name(String)
        case number(Value)
        case string(String)
        case op(String)
        case end
    }

    private let text: String
    private var tokens: [Token] = []
    private var position = 0

    /// Parses `text`; errors carry the text and the problem, the caller adds the location.
    public static func parse(_ text: String) throws(ExpressionSyntaxError) -> Expression {
        var parser = ExpressionParser(text: text)
        try parser.tokenize()
        let e = try parser.parseOr()
        guard parser.current == .end else { throw parser.fail("unexpected \(parser.describe(parser.current))") }
        return e
    }

    private init(text: String) { self.text = text }

    private var current: Token { tokens[position] }

    private func fail(_ problem: String) -> ExpressionSyntaxError { ExpressionSyntaxError(problem: problem) }

    private func describe(_ t: Token) -> String {
        switch t {
        case .name(let n): "'\(n)'"
        case .number(let v): "number \(v)"
        case .string(let s): "string '\(s)'"
        case .op(let o): "'\(o)'"
        case .end: "end of expression"
        }
    }

    private mutating func tokenize() throws(ExpressionSyntaxError) {
        let chars = Array(text.unicodeScalars)
        var i = 0
        func isNameStart(_ c: Unicode.Scalar) -> Bool { c == "_" || (c.properties.isAlphabetic && c.isASCII) }
        func isNameChar(_ c: Unicode.Scalar) -> Bool { isNameStart(c) || ("0"..."9").contains(c) || c == "-" }
        while i < chars.count {
            let c = chars[i]
            if c == " " || c == "\t" || c == "\n" || c == "\r" {
                i += 1
                continue
            }
            if isNameStart(c) {
                var j = i + 1
                // '-' is allowed inside names (recipe-style names) only when followed by a letter: `a-b` is a
                // name, `a - b` and `a-1` are subtractions.
                while j < chars.count, isNameChar(chars[j]) {
                    if chars[j] == "-" && !(j + 1 < chars.count && isNameStart(chars[j + 1])) { break }
                    j += 1
                }
                tokens.append(.name(String(String.UnicodeScalarView(chars[i..<j]))))
                i = j
                continue
            }
            if ("0"..."9").contains(c) {
                var j = i
                var isDouble = false
                while j < chars.count, ("0"..."9").contains(chars[j]) || chars[j] == "." || chars[j] == "_" {
                    if chars[j] == "." {
                        // `a.0` style member access is not a number; a second dot ends the number.
                        if isDouble || !(j + 1 < chars.count && ("0"..."9").contains(chars[j + 1])) { break }
                        isDouble = true
                    }
                    j += 1
                }
                if j < chars.count, chars[j] == "e" || chars[j] == "E" {
                    var k = j + 1
                    if k < chars.count, chars[k] == "+" || chars[k] == "-" { k += 1 }
                    if k < chars.count, ("0"..."9").contains(chars[k]) {
                        isDouble = true
                        j = k
                        while j < chars.count, ("0"..."9").contains(chars[j]) { j += 1 }
                    }
                }
                let literal = String(String.UnicodeScalarView(chars[i..<j])).replacingAll("_", with: "")
                if isDouble {
                    guard let d = Double(literal) else { throw fail("bad number '\(literal)'") }
                    tokens.append(.number(.double(d)))
                } else {
                    guard let n = Int(literal) else { throw fail("bad number '\(literal)'") }
                    tokens.append(.number(.int(n)))
                }
                i = j
                continue
            }
            if c == "'" || c == "\"" {
                var j = i + 1
                var s = String.UnicodeScalarView()
                while j < chars.count, chars[j] != c {
                    if chars[j] == "\\", j + 1 < chars.count {
                        j += 1
                        switch chars[j] {
                        case "n": s.append("\n")
                        case "t": s.append("\t")
                        default: s.append(chars[j])
                        }
                    } else {
                        s.append(chars[j])
                    }
                    j += 1
                }
                guard j < chars.count else { throw fail("unterminated string") }
                tokens.append(.string(String(s)))
                i = j + 1
                continue
            }
            let two = i + 1 < chars.count ? String(String.UnicodeScalarView([c, chars[i + 1]])) : ""
            if ["==", "!=", "<=", ">=", "&&", "||"].contains(two) {
                tokens.append(.op(two))
                i += 2
                continue
            }
            if "!<>+-*/%().,[]".unicodeScalars.contains(c) {
                tokens.append(.op(String(c)))
                i += 1
                continue
            }
            if c == "=" { throw fail("'=' is not an operator; compare with '=='") }
            throw fail("unexpected character '\(c)'")
        }
        tokens.append(.end)
    }

    private mutating func advance() { position += 1 }

    private mutating func accept(_ op: String) -> Bool {
        if current == .op(op) {
            advance()
            return true
        }
        return false
    }

    private mutating func expect(_ op: String) throws(ExpressionSyntaxError) {
        guard accept(op) else { throw fail("expected '\(op)', found \(describe(current))") }
    }

    private mutating func parseOr() throws(ExpressionSyntaxError) -> Expression {
        var e = try parseAnd()
        while accept("||") { e = .binary(.or, e, try parseAnd()) }
        return e
    }

    private mutating func parseAnd() throws(ExpressionSyntaxError) -> Expression {
        var e = try parseNot()
        while accept("&&") { e = .binary(.and, e, try parseNot()) }
        return e
    }

    private mutating func parseNot() throws(ExpressionSyntaxError) -> Expression {
        if accept("!") { return .unary(.not, try parseNot()) }
        return try parseComparison()
    }

    private mutating func parseComparison() throws(ExpressionSyntaxError) -> Expression {
        let left = try parseSum()
        for op in ["==", "!=", "<=", ">=", "<", ">"] where accept(op) {
            let right = try parseSum()
            if case .op(let next) = current, ["==", "!=", "<=", ">=", "<", ">"].contains(next) {
                throw fail("comparisons do not chain; use '&&'")
            }
            return .binary(Expression.BinaryOperator(rawValue: op)!, left, right)
        }
        return left
    }

    private mutating func parseSum() throws(ExpressionSyntaxError) -> Expression {
        var e = try parseTerm()
        while true {
            if accept("+") {
                e = .binary(.add, e, try parseTerm())
            } else if accept("-") {
                e = .binary(.subtract, e, try parseTerm())
            } else {
                return e
            }
        }
    }

    private mutating func parseTerm() throws(ExpressionSyntaxError) -> Expression {
        var e = try parseUnary()
        while true {
            if accept("*") {
                e = .binary(.multiply, e, try parseUnary())
            } else if accept("/") {
                e = .binary(.divide, e, try parseUnary())
            } else if accept("%") {
                e = .binary(.remainder, e, try parseUnary())
            } else {
                return e
            }
        }
    }

    private mutating func parseUnary() throws(ExpressionSyntaxError) -> Expression {
        if accept("-") { return .unary(.negate, try parseUnary()) }
        if accept("!") { return .unary(.not, try parseUnary()) }
        return try parsePostfix()
    }

    private mutating func parsePostfix() throws(ExpressionSyntaxError) -> Expression {
        var e = try parsePrimary()
        while true {
            if accept(".") {
                switch current {
                case .name(let n):
                    advance()
                    if case .reference(let path) = e { e = .reference(path + [n]) } else { e = .member(e, n) }
                case .number(.int(let n)):
                    advance()
                    e = .index(e, .literal(.int(n)))
                default: throw fail("expected a name after '.', found \(describe(current))")
                }
            } else if accept("[") {
                let index = try parseOr()
                try expect("]")
                e = .index(e, index)
            } else {
                return e
            }
        }
    }

    private mutating func parseArguments(closing: String) throws(ExpressionSyntaxError) -> [Expression] {
        var args: [Expression] = []
        if accept(closing) { return args }
        repeat { args.append(try parseOr()) } while accept(",")
        try expect(closing)
        return args
    }

    private mutating func parsePrimary() throws(ExpressionSyntaxError) -> Expression {
        let token = current
        switch token {
        case .number(let v):
            advance()
            return .literal(v)
        case .string(let s):
            advance()
            return .literal(.string(s))
        case .name(let n):
            advance()
            switch n {
            case "true": return .literal(.bool(true))
            case "false": return .literal(.bool(false))
            case "null": return .literal(.null)
            default: break
            }
            if accept("(") {
                guard let f = ExpressionFunction(rawValue: n) else {
                    let known = ExpressionFunction.allCases.map(\.rawValue)
                    throw fail("unknown function '\(n)'\(Suggestions.hint(for: n, in: known))")
                }
                let args = try parseArguments(closing: ")")
                guard f.arity.contains(args.count) else {
                    throw fail(
                        "\(n)() takes \(f.arity.lowerBound == f.arity.upperBound ? "\(f.arity.lowerBound)" : "\(f.arity.lowerBound) to \(f.arity.upperBound)") argument(s), found \(args.count)"
                    )
                }
                return .call(n, args)
            }
            return .reference([n])
        case .op("("):
            advance()
            let e = try parseOr()
            try expect(")")
            return e
        case .op("["):
            advance()
            return .list(try parseArguments(closing: "]"))
        default:
            throw fail(token == .end ? "the expression is empty or ends too soon" : "unexpected \(describe(token))")
        }
    }
}

/// A syntax problem in an expression; the template layer adds the text and the location.
public struct ExpressionSyntaxError: Error, Sendable {
    public let problem: String
}

extension String {
    func replacingAll(_ target: Character, with replacement: String) -> String {
        var out = ""
        for c in self { if c == target { out += replacement } else { out.append(c) } }
        return out
    }
}
