import Recipes
import Workflow

/// One request over time: the same recipe with the same variations and inputs, needing the same requests. Metrics
/// are compared only within a series, so `repro run demo count=6` is never judged against `repro run demo`, while a
/// changed recipe or code (what a nightly run is there to catch) stays in its series.
public struct Series: Sendable, Equatable {
    /// A digest of what makes the request (16 hex digits).
    public var id: String
    public var recipe: String
    /// The node id it had when first recorded.
    public var node: String
    public var variations: [String]
    public var inputs: [String: Value]
    /// Per need, the series of the nodes it named.
    public var needs: [String: [String]]

    public init(
        id: String, recipe: String, node: String, variations: [String], inputs: [String: Value],
        needs: [String: [String]]
    ) {
        self.id = id
        self.recipe = recipe
        self.node = node
        self.variations = variations
        self.inputs = inputs
        self.needs = needs
    }

    /// The series of every node of a run, by node id. Nodes come in dependency order, so each node's needs are
    /// known when it is reached.
    /// - Complexity: O(N + E).
    public static func of(_ manifest: Manifest) -> [String: Series] {
        var out: [String: Series] = [:]
        for node in manifest.nodes {
            var needs: [String: [String]] = [:]
            for (name, ids) in node.needs { needs[name] = ids.map { out[$0]?.id ?? "?" } }
            let material: Value = .map([
                "recipe": .string(node.recipe), "variations": .list(node.variations.map { .string($0) }),
                "inputs": .map(node.inputs), "needs": .map(needs.mapValues { .list($0.map { .string($0) }) }),
            ])
            let id = String(Digests.text(material.canonicalJSON).prefix(16))
            out[node.id] = Series(
                id: id, recipe: node.recipe, node: node.id, variations: node.variations, inputs: node.inputs,
                needs: needs)
        }
        return out
    }

    /// What differs from another series of the same recipe, in words: `count: 100000 -> 6`, `_large -> _small`,
    /// `need 'numbers' is another request`.
    public func differences(from other: Series) -> [String] {
        var out: [String] = []
        if variations != other.variations {
            out.append(
                "\(other.variations.map { "_" + $0 }.joined(separator: ",")) -> "
                    + variations.map { "_" + $0 }.joined(separator: ","))
        }
        for key in Set(inputs.keys).union(other.inputs.keys).sorted() where inputs[key] != other.inputs[key] {
            out.append(
                "\(key): \(other.inputs[key].map(Series.text) ?? "(none)") -> \(inputs[key].map(Series.text) ?? "(none)")"
            )
        }
        for name in Set(needs.keys).union(other.needs.keys).sorted() where needs[name] != other.needs[name] {
            out.append("need '\(name)' is another request")
        }
        return out
    }

    /// Short labels that tell apart several series of one node: the inputs (and variations) that differ between
    /// them (`count=6`); empty when there is one series.
    public static func labels(_ series: [Series]) -> [String: String] {
        guard series.count > 1, let first = series.first else {
            return Dictionary(series.map { ($0.id, "") }) { a, _ in a }
        }
        let keys = Set(series.flatMap(\.inputs.keys)).filter { k in series.contains { $0.inputs[k] != first.inputs[k] }
        }
        let variationsDiffer = series.contains { $0.variations != first.variations }
        let needsDiffer = series.contains { $0.needs != first.needs }
        var out: [String: String] = [:]
        for s in series {
            var words = variationsDiffer ? s.variations.map { "_" + $0 } : []
            words += keys.sorted().map { "\($0)=\(s.inputs[$0].map(Series.text) ?? "-")" }
            if words.isEmpty && needsDiffer { words = ["needs@" + s.id.prefix(6)] }
            out[s.id] = words.joined(separator: " ")
        }
        return out
    }

    static func text(_ v: Value) -> String {
        if case .double(let d) = v { return TextOutput.number(d) }
        return v.interpolated
    }
}
