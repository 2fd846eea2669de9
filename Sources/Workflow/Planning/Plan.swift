import Recipes

/// The DAG a request resolves to: concrete nodes, deduplicated, in dependency order (dependencies first).
public struct Plan: Sendable {
    public var nodes: [PlanNode]
    /// Indices of the nodes that were asked for.
    public var roots: [Int]
    /// Warnings found while planning (e.g. a fetch without a checksum).
    public var warnings: [String]

    /// Nodes that depend on each node.
    public var dependants: [[Int]] {
        var out = Array(repeating: [Int](), count: nodes.count)
        for node in nodes { for d in node.dependencyIndices { out[d].append(node.index) } }
        return out
    }

    /// Every recipe used, by name, once.
    public var recipes: [Recipe] {
        var seen = Set<String>()
        return nodes.compactMap { seen.insert($0.recipe.name).inserted ? $0.recipe : nil }
    }
}

/// One edge group: a node's need, which points at one node, or at several for a matrix.
public struct NeedEdge: Sendable {
    public var name: String
    public var isMatrix: Bool
    public var nodes: [Int]
    /// The outputs the needed recipe declares: a matrix with no combination still has them, as empty lists.
    public var declaredOutputs: [String] = []
}

/// A concrete step: a recipe instance with everything static resolved.
public struct PlanNode: Sendable {
    public var index: Int
    /// Unique in the plan, readable: the recipe name, with the inputs that tell its nodes apart.
    public var id: String
    public var instance: RecipeInstance
    /// Digest of what makes this node distinct (recipe, variations, inputs); equal identities are one node.
    public var identity: String
    public var needs: [NeedEdge]
    public var policy: CachePolicy
    /// False when the recipe's `if:` was false: the node is skipped and exports no outputs.
    public var enabled: Bool
    /// The runner that executes it (recipe `runner:`, else the run's default).
    public var runner: RunnerKind?
    /// Key material that does not depend on dependencies' results (see `KeyMaterial`).
    public var keyMaterial: KeyMaterial
    /// How many times the step runs: more than once only for a measured step (`repeat:`, `--repeat`).
    public var repeatCount: Int = 1

    public var recipe: Recipe { instance.recipe }
    public var dependencyIndices: [Int] { needs.flatMap(\.nodes) }

    /// The `needs` root of the node's run-time scope: each need's outputs; lists, in order, for a matrix.
    /// `outputs` gives a dependency's outputs by node index; nil when one is not known (then the result is nil).
    public func needsValue(outputs: (Int) -> [String: Value]?) -> Value? {
        var needs: [String: Value] = [:]
        for edge in self.needs {
            var each: [[String: Value]] = []
            for d in edge.nodes {
                guard let o = outputs(d) else { return nil }
                each.append(o)
            }
            if edge.isMatrix {
                // An empty matrix still has its declared outputs, as empty lists.
                var names: [String] = edge.nodes.isEmpty ? edge.declaredOutputs : []
                for o in each { for k in o.keys where !names.contains(k) { names.append(k) } }
                var merged: [String: Value] = [:]
                for name in names { merged[name] = .list(each.map { $0[name] ?? .null }) }
                needs[edge.name] = .map(["outputs": .map(merged)])
            } else {
                needs[edge.name] = .map(["outputs": .map(each.first ?? [:])])
            }
        }
        return .map(needs)
    }
}
