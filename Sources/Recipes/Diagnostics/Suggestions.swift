/// "did you mean" suggestions: the nearest known name by edit distance, when it is near enough.
public enum Suggestions {
    /// The candidate closest to `name`, if it is within a third of the name's length (at least 1, at most 3 edits).
    public static func nearest(to name: String, in candidates: some Sequence<String>) -> String? {
        let limit = max(1, min(3, name.count / 3 + 1))
        var best: (String, Int)?
        let lowered = name.lowercased()
        for candidate in candidates {
            let c = candidate.lowercased()
            var d = distance(lowered, c)
            // A word cut short or run on ('int' for 'integer') is a near miss whatever the distance.
            if min(c.count, lowered.count) >= 3, c.hasPrefix(lowered) || lowered.hasPrefix(c) { d = min(d, limit) }
            // Replacing every letter ('a' for 'c') is no suggestion.
            if d <= limit, d < lowered.count, best == nil || d < best!.1 { best = (candidate, d) }
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
        let a = Array(a.unicodeScalars)
        let b = Array(b.unicodeScalars)
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
