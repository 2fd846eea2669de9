/// What a user (or a `needs:` entry) asks for: a recipe name, or tags, plus `_variations`.
///
/// `repro run dataset,digits,_small` is the tags `dataset` and `digits` with the variation `small`.
public struct Selection: Sendable, Equatable, CustomStringConvertible {
    public var terms: [String]
    public var variations: [String]

    public init(terms: [String], variations: [String] = []) {
        self.terms = terms
        self.variations = variations
    }

    /// Parses `a,b,_v`; spaces around commas are ignored.
    public init(parsing text: String) {
        var terms: [String] = []
        var variations: [String] = []
        for part in text.split(separator: ",") {
            let p = String(part).trimmingSpaces
            if p.isEmpty { continue }
            if p.hasPrefix("_") { variations.append(String(p.dropFirst())) } else { terms.append(p) }
        }
        self.init(terms: terms, variations: variations)
    }

    public var description: String { (terms + variations.map { "_" + $0 }).joined(separator: ",") }
}
