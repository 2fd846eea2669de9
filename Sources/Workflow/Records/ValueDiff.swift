import Recipes

/// The differences between two values, as `path: old -> new` lines (for `repro why` and `repro compare`).
public enum ValueDiff {
    public struct Change: Sendable, CustomStringConvertible {
        public var path: String
        public var old: Value?
        public var new: Value?

        public var description: String {
            "\(path): \(old.map(ValueDiff.short) ?? "(absent)") -> \(new.map(ValueDiff.short) ?? "(absent)")"
        }
    }

    public static func changes(_ old: Value, _ new: Value, path: String = "") -> [Change] {
        if old == new { return [] }
        if case .map(let a) = old, case .map(let b) = new {
            var out: [Change] = []
            for key in Set(a.keys).union(b.keys).sorted() {
                let p = path.isEmpty ? key : path + "." + key
                switch (a[key], b[key]) {
                case (let x?, let y?): out += changes(x, y, path: p)
                case (let x, let y): out.append(Change(path: p, old: x, new: y))
                }
            }
            return out
        }
        return [Change(path: path, old: old, new: new)]
    }

    static func short(_ v: Value) -> String {
        let text = v.description
        return text.count > 72 ? String(text.prefix(69)) + "..." : text
    }
}
