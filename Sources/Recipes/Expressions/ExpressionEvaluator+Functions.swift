import Basics

/// The built-in functions of the expression language.
extension ExpressionEvaluator {
    /// The longest list `range()` may make: a guard against a typo that would plan millions of nodes.
    static let rangeLimit = 1_000_000

    static func call(_ f: ExpressionFunction, _ args: [Value]) throws(EvaluationFailure) -> Value {
        switch f {
        case .len:
            switch args[0] {
            case .list(let l): return .int(l.count)
            case .map(let m): return .int(m.count)
            case .string(let s): return .int(s.count)
            case let v: throw .type(problem: "len() takes a list, map or string, found a \(v.typeName)")
            }
        case .range:
            guard let first = args[0].intValue, args.count == 1 || args[1].intValue != nil else {
                throw .type(problem: "range() takes integers")
            }
            let (lo, hi) = args.count == 1 ? (0, first) : (first, args[1].intValue!)
            guard hi - lo <= rangeLimit else { throw .type(problem: "range() of more than \(rangeLimit) numbers") }
            return .list(hi > lo ? (lo..<hi).map { .int($0) } : [])
        case .join:
            guard case .list(let l) = args[0] else { throw .type(problem: "join() takes a list first") }
            let separator = args.count > 1 ? args[1].interpolated : " "
            return .string(l.map(\.interpolated).joined(separator: separator))
        case .contains:
            switch args[0] {
            case .list(let l): return .bool(l.contains { equal($0, args[1]) })
            case .string(let s): return .bool(s.contains(args[1].interpolated))
            case .map(let m): return .bool(m[args[1].interpolated] != nil)
            case let v: throw .type(problem: "contains() takes a list, string or map, found a \(v.typeName)")
            }
        case .str:
            return .string(args[0].interpolated)
        case .int:
            switch args[0] {
            case .int: return args[0]
            case .double(let d) where d.isFinite: return .int(Int(d))
            case .bool(let b): return .int(b ? 1 : 0)
            case .string(let s):
                guard let i = Int(s.trimmingSpaces) else { throw .type(problem: "int() cannot read '\(s)'") }
                return .int(i)
            case let v: throw .type(problem: "int() cannot convert a \(v.typeName)")
            }
        case .float:
            switch args[0] {
            case .int(let i): return .double(Double(i))
            case .double: return args[0]
            case .string(let s):
                guard let d = Double(s.trimmingSpaces) else { throw .type(problem: "float() cannot read '\(s)'") }
                return .double(d)
            case let v: throw .type(problem: "float() cannot convert a \(v.typeName)")
            }
        case .quote:
            return .string(ShellQuoting.quote(args[0].interpolated))
        case .min, .max:
            let items = args.count == 1 ? (args[0].listValue ?? args) : args
            guard !items.isEmpty else { throw .type(problem: "\(f.rawValue)() of nothing") }
            var best = items[0]
            for item in items.dropFirst() {
                guard let a = item.doubleValue, let b = best.doubleValue else {
                    throw .type(problem: "\(f.rawValue)() takes numbers")
                }
                if f == .min ? a < b : a > b { best = item }
            }
            return best
        case .choose:
            return args[0].isTruthy ? args[1] : args[2]
        case .basename:
            return .string(FileSystemPath.lastComponent(args[0].interpolated))
        case .dirname:
            return .string(FileSystemPath.parent(args[0].interpolated))
        }
    }
}

extension String {
    var trimmingSpaces: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
