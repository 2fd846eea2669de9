/// What an expression can name: root namespaces (`inputs`, `needs`, `env`, `recipe`, `matrix`, `run`, `node`,
/// `host`) holding values, plus the paths that exist but are not known yet at this stage.
///
/// "Late" paths are what planning cannot know: outputs of needs, of the run itself, the node's folder, and
/// where the recipe lives. When a key is computed, a template that reads a late path enters the key as its own
/// text, so the key never depends on where things are on disk.
public struct Scope: Sendable {
    public var roots: [String: Value]
    public var latePrefixes: [[String]]
    /// What `host.secret.NAME` reads here (only a step's `env:` may read a secret).
    public var secrets: Secrets = .forbidden

    /// `host.secret.NAME`: a variable of the invoking environment that is a secret. It reaches the step's
    /// environment and nowhere else: keys hold a placeholder that says only that it was given, and every other
    /// field that reads it is an error.
    public enum Secrets: Sendable {
        /// Not readable here (inputs, needs, outputs, `if:`, the run's text and parameters).
        case forbidden
        /// Planning a step's `env:`: `<secret NAME>` for each variable that is set (so rotating a secret
        /// rebuilds nothing); an unset one is an error.
        case placeholder(given: Set<String>)
        /// Running the step: the values.
        case values([String: String])
    }

    public init(roots: [String: Value] = [:], latePrefixes: [[String]] = []) {
        self.roots = roots
        self.latePrefixes = latePrefixes
    }

    func isLate(_ path: [String]) -> Bool {
        latePrefixes.contains { prefix in path.count >= prefix.count && Array(path.prefix(prefix.count)) == prefix }
    }
}

/// Why an evaluation failed, before the template adds where.
public enum EvaluationFailure: Error, Sendable {
    case unknown(path: String, known: [String])
    case late(path: String)
    case type(problem: String)
}

/// Evaluates expressions against a scope.
public enum ExpressionEvaluator {
    public static func evaluate(_ e: Expression, in scope: Scope) throws(EvaluationFailure) -> Value {
        switch e {
        case .literal(let v): return v
        case .reference(let path): return try resolve(path, in: scope)
        case .member(let base, let name):
            let v = try evaluate(base, in: scope)
            guard case .map(let m) = v else { throw .type(problem: "cannot read '.\(name)' of a \(v.typeName)") }
            guard let found = m[name] else { throw .unknown(path: name, known: m.keys.sorted()) }
            return found
        case .index(let base, let index):
            return try subscriptValue(try evaluate(base, in: scope), try evaluate(index, in: scope))
        case .unary(.not, let x): return .bool(!(try evaluate(x, in: scope)).isTruthy)
        case .unary(.negate, let x):
            switch try evaluate(x, in: scope) {
            case .int(let i): return .int(-i)
            case .double(let d): return .double(-d)
            case let other: throw .type(problem: "cannot negate a \(other.typeName)")
            }
        case .binary(.or, let l, let r):
            let lv = try evaluate(l, in: scope)
            return lv.isTruthy ? lv : try evaluate(r, in: scope)
        case .binary(.and, let l, let r):
            let lv = try evaluate(l, in: scope)
            return lv.isTruthy ? try evaluate(r, in: scope) : lv
        case .binary(let op, let l, let r):
            return try binary(op, try evaluate(l, in: scope), try evaluate(r, in: scope))
        case .call(let name, let args):
            var values: [Value] = []
            for a in args { values.append(try evaluate(a, in: scope)) }
            return try call(ExpressionFunction(rawValue: name)!, values)
        case .list(let items):
            var values: [Value] = []
            for a in items { values.append(try evaluate(a, in: scope)) }
            return .list(values)
        }
    }

    static func resolve(_ path: [String], in scope: Scope) throws(EvaluationFailure) -> Value {
        if path.count >= 2 && path[0] == "host" && path[1] == "secret" { return try secret(path, in: scope) }
        if scope.isLate(path) { throw .late(path: path.joined(separator: ".")) }
        guard let root = scope.roots[path[0]] else {
            if scope.latePrefixes.contains(where: { $0.first == path[0] }) {
                throw .late(path: path.joined(separator: "."))
            }
            throw .unknown(path: path.joined(separator: "."), known: scope.roots.keys.sorted())
        }
        var current = root
        for (depth, component) in path.enumerated().dropFirst() {
            guard case .map(let m) = current, let next = m[component] else {
                let prefix = path[..<depth].joined(separator: ".")
                let known = (current.mapValue?.keys.sorted() ?? []).map { "\(prefix).\($0)" }
                throw .unknown(path: path[...depth].joined(separator: "."), known: known)
            }
            current = next
        }
        return current
    }

    static func secret(_ path: [String], in scope: Scope) throws(EvaluationFailure) -> Value {
        guard path.count == 3 else {
            throw .type(
                problem: "read one secret by its name, as host.secret.NAME (found '\(path.joined(separator: "."))')")
        }
        let name = path[2]
        switch scope.secrets {
        case .forbidden:
            throw .type(
                problem: "'host.secret.\(name)' can be read only in a step's 'env:' (a secret reaches the step's "
                    + "environment and nowhere else)")
        case .placeholder(let given):
            guard given.contains(name) else {
                throw .type(problem: "the secret 'host.secret.\(name)' is not given: set \(name) in the environment")
            }
            return .string("<secret \(name)>")
        case .values(let values):
            guard let value = values[name] else {
                throw .type(problem: "the secret 'host.secret.\(name)' is not given: set \(name) in the environment")
            }
            return .string(value)
        }
    }

    static func subscriptValue(_ base: Value, _ index: Value) throws(EvaluationFailure) -> Value {
        switch (base, index) {
        case (.list(let l), .int(let i)):
            let k = i < 0 ? l.count + i : i
            guard l.indices.contains(k) else { throw .type(problem: "index \(i) is out of range (\(l.count) items)") }
            return l[k]
        case (.map(let m), .string(let key)):
            guard let v = m[key] else { throw .unknown(path: key, known: m.keys.sorted()) }
            return v
        default:
            throw .type(problem: "cannot index a \(base.typeName) with a \(index.typeName)")
        }
    }

    static func binary(_ op: Expression.BinaryOperator, _ l: Value, _ r: Value) throws(EvaluationFailure) -> Value {
        switch op {
        case .equal: return .bool(equal(l, r))
        case .notEqual: return .bool(!equal(l, r))
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            let order: Int
            if let a = l.doubleValue, let b = r.doubleValue {
                order = a < b ? -1 : (a > b ? 1 : 0)
            } else if case .string(let a) = l, case .string(let b) = r {
                order = a < b ? -1 : (a > b ? 1 : 0)
            } else {
                throw .type(problem: "cannot compare a \(l.typeName) with a \(r.typeName)")
            }
            switch op {
            case .less: return .bool(order < 0)
            case .lessOrEqual: return .bool(order <= 0)
            case .greater: return .bool(order > 0)
            default: return .bool(order >= 0)
            }
        case .add:
            switch (l, r) {
            case (.string(let a), _): return .string(a + r.interpolated)
            case (_, .string(let b)): return .string(l.interpolated + b)
            case (.list(let a), .list(let b)): return .list(a + b)
            default: return try arithmetic(op, l, r)
            }
        case .subtract, .multiply, .divide, .remainder: return try arithmetic(op, l, r)
        case .and, .or: fatalError("short-circuit operators are evaluated by the caller")
        }
    }

    static func equal(_ l: Value, _ r: Value) -> Bool {
        if let a = l.doubleValue, let b = r.doubleValue { return a == b }
        return l == r
    }

    static func arithmetic(_ op: Expression.BinaryOperator, _ l: Value, _ r: Value) throws(EvaluationFailure) -> Value {
        if case .int(let a) = l, case .int(let b) = r {
            switch op {
            case .add:
                let (v, o) = a.addingReportingOverflow(b)
                if !o { return .int(v) }
            case .subtract:
                let (v, o) = a.subtractingReportingOverflow(b)
                if !o { return .int(v) }
            case .multiply:
                let (v, o) = a.multipliedReportingOverflow(by: b)
                if !o { return .int(v) }
            case .divide:
                guard b != 0 else { throw .type(problem: "division by zero") }
                if a % b == 0 { return .int(a / b) }
                return .double(Double(a) / Double(b))
            case .remainder:
                guard b != 0 else { throw .type(problem: "division by zero") }
                return .int(a % b)
            default: break
            }
            throw .type(problem: "integer overflow")
        }
        guard let a = l.doubleValue, let b = r.doubleValue else {
            throw .type(problem: "cannot apply '\(op.rawValue)' to a \(l.typeName) and a \(r.typeName)")
        }
        switch op {
        case .add: return .double(a + b)
        case .subtract: return .double(a - b)
        case .multiply: return .double(a * b)
        case .divide:
            guard b != 0 else { throw .type(problem: "division by zero") }
            return .double(a / b)
        default:
            guard b != 0 else { throw .type(problem: "division by zero") }
            return .double(a.truncatingRemainder(dividingBy: b))
        }
    }
}
