import Foundation

/// A version requirement such as `>=3.8,<4`, `==1.5.1`, `!=2.0` or `3.11` (same as `==3.11`, which
/// accepts 3.11.x), checked component by component (missing components count as 0).
public struct VersionConstraint: Sendable, CustomStringConvertible {
    enum Op: String {
        case ge = ">="
        case le = "<="
        case gt = ">"
        case lt = "<"
        case eq = "=="
        case ne = "!="
        case prefix = ""
    }
    let clauses: [(Op, [Int])]
    public let description: String

    public init(_ text: String) throws(FetchError) {
        description = text
        var clauses: [(Op, [Int])] = []
        for raw in text.split(separator: ",") {
            let part = raw.trimmingCharacters(in: .whitespaces)
            var op = Op.prefix
            var rest = Substring(part)
            for candidate in [Op.ge, .le, .eq, .ne, .gt, .lt] where rest.hasPrefix(candidate.rawValue) {
                op = candidate
                rest = rest.dropFirst(candidate.rawValue.count)
                break
            }
            guard let version = VersionConstraint.components(rest.trimmingCharacters(in: .whitespaces)) else {
                throw .badConstraint(
                    "cannot read the version constraint '\(text)': '\(part)' is not a version "
                        + "(write e.g. '>=3.8,<4')")
            }
            clauses.append((op == .eq ? .prefix : op, version))
        }
        guard !clauses.isEmpty else { throw .badConstraint("the version constraint is empty") }
        self.clauses = clauses
    }

    /// `3.11.4` → [3, 11, 4]; nil when it is not a version.
    static func components(_ text: String) -> [Int]? {
        let parts = text.split(separator: ".")
        guard !parts.isEmpty else { return nil }
        var out: [Int] = []
        for p in parts {
            guard let n = Int(p) else { return nil }
            out.append(n)
        }
        return out
    }

    static func compare(_ a: [Int], _ b: [Int]) -> Int {
        for i in 0..<max(a.count, b.count) {
            let x = i < a.count ? a[i] : 0
            let y = i < b.count ? b[i] : 0
            if x != y { return x < y ? -1 : 1 }
        }
        return 0
    }

    public func isSatisfied(by version: String) -> Bool {
        guard let v = VersionConstraint.components(version) else { return false }
        return clauses.allSatisfy { op, want in
            let c = VersionConstraint.compare(v, want)
            switch op {
            case .ge: return c >= 0
            case .le: return c <= 0
            case .gt: return c > 0
            case .lt: return c < 0
            case .ne: return c != 0
            case .eq, .prefix: return Array(v.prefix(want.count)) == want
            }
        }
    }
}
