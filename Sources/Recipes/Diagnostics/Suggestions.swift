/// "did you mean" suggestions: the nearest known name by edit distance, when it is near enough.
public enum Suggestions {
    /// The candidate closest to `name`, if it is within a third of the name's length (at least 1, at most 3 edits).
    public static func nearest(to name: String, in candidates: some Sequence<String>) -> String? {
        let limit = max(1, min(3, name.count / 3 + 1))
        var best: (String, Int)?
        for candidate in candidates {
            let d = distance(name.lowercased(), candidate.lowercased())
            if d <= limit, best == nil || d < best!.1 { best = (candidate, d) }
        }
        return best?.0
    }

    /// "; did you mean 'x'?" or nothing.
    public static func hint(for name: String, in candidates: some Sequence<String>) -> String {
        guard let near = nearest(to: name, in: candidates) else { return "" }
        return "; did you mean '\(near)'?"
    }

    /// Levenshtein distance.
    /// - Complexity: O(m·n) time, O(n) memory.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a.unicodeScalars), b = Array(b.unicodeScalars)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            }
            swap(&previous, &current)
        }
        return previous[b.count]
    }
}
