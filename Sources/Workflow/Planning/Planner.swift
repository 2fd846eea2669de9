import Recipes

/// What a user asks for: a selection, the inputs given for it, and inputs of other recipes in its DAG.
public struct PlanRequest: Sendable {
    public var selection: Selection
    public var inputs: [String: ProvidedInput]
    /// Recipe name → inputs: set on every node of that recipe in the plan, over what its dependants' `with:`
    /// gave (`repro run mlperf-inference-digits train-digits.max_epochs=3`).
    public var overrides: [String: [String: ProvidedInput]]

    public init(
        selection: Selection, inputs: [String: ProvidedInput] = [:],
        overrides: [String: [String: ProvidedInput]] = [:]
    ) {
        self.selection = selection
        self.inputs = inputs
        self.overrides = overrides
    }
}

/// Turns requests into a `Plan`: resolves each recipe instance, expands needs (with matrices) breadth-first
/// without recursion, merges identical instances, rejects cycles, and computes the static key material.
///
/// - Complexity: O(N + E) instances and edges, plus the evaluation of each need's templates.
public final class Planner {
    /// More nodes than this is taken to be a recursion without end.
    public static let defaultNodeLimit = 1_000_000
    /// A chain of needs deeper than this is taken to be a recursion without end (a recipe that needs itself with
    /// an `if:` that never turns false); it is stopped early, with the chain printed.
    public static let defaultDepthLimit = 25_000
    let nodeLimit: Int
    let depthLimit: Int

    let registry: RecipeRegistry
    let actions: ActionCatalog
    let host: Value
    let defaultRunner: RunnerKind?
    /// `--repeat N`: how many times every measured step runs, over what recipes say.
    let measuredRepeat: Int?
    /// The variables of the invoking environment a step's `env:` may read as `host.secret.NAME`.
    let secretNames: Set<String>
    var assetDigests: [String: String] = [:]
    var pathDigests: [String: String] = [:]

    public init(
        registry: RecipeRegistry, actions: ActionCatalog, host: Value, defaultRunner: RunnerKind? = nil,
        measuredRepeat: Int? = nil, secretNames: Set<String> = [], nodeLimit: Int = Planner.defaultNodeLimit,
        depthLimit: Int = Planner.defaultDepthLimit
    ) {
        self.measuredRepeat = measuredRepeat
        self.secretNames = secretNames
        self.nodeLimit = nodeLimit
        self.depthLimit = depthLimit
        self.registry = registry
        self.actions = actions
        self.host = host
        self.defaultRunner = defaultRunner
    }

    struct Draft {
        var instance: RecipeInstance
        var identity: String
        var needs: [NeedEdge] = []
        var enabled = true
        /// The draft that first needed this one, and through which need (nil for a root).
        var parent: (index: Int, need: Need)?
        var depth = 0
    }

    public func plan(_ requests: [PlanRequest]) throws(WorkflowError) -> Plan {
        var drafts: [Draft] = []
        var byIdentity: [String: Int] = [:]
        var queue: [Int] = []
        var roots: [Int] = []

        let overrides = try mergedOverrides(requests)

        func intern(_ instance: RecipeInstance, parent: (index: Int, need: Need)? = nil) throws(WorkflowError) -> Int {
            let identity = Planner.identity(of: instance)
            if let existing = byIdentity[identity] { return existing }
            let depth = parent.map { drafts[$0.index].depth + 1 } ?? 0
            if depth > depthLimit, let parent {
                throw recursionError(drafts, from: parent.index, next: instance, need: parent.need)
            }
            guard drafts.count < nodeLimit else {
                var counts: [String: Int] = [:]
                for d in drafts { counts[d.instance.recipe.name, default: 0] += 1 }
                throw .tooManyNodes(limit: nodeLimit, recipe: counts.max { $0.value < $1.value }?.key ?? "?")
            }
            drafts.append(Draft(instance: instance, identity: identity, parent: parent, depth: depth))
            byIdentity[identity] = drafts.count - 1
            queue.append(drafts.count - 1)
            return drafts.count - 1
        }

        do {
            for request in requests {
                let recipe = try registry.select(request.selection)
                let instance = try RecipeInstance.resolve(
                    recipe, variations: request.selection.variations,
                    provided: request.inputs.merging(overrides[recipe.name] ?? [:]) { _, override in override },
                    host: host, at: nil)
                let index = try intern(instance)
                if !roots.contains(index) { roots.append(index) }
            }
            while let index = queue.popLast() {
                let instance = drafts[index].instance
                let scope = instance.scope(keyMode: false)
                if let condition = instance.recipe.condition {
                    drafts[index].enabled = try condition.evaluate(in: scope, late: .error(field: "'if'")).isTruthy
                }
                guard drafts[index].enabled else { continue }
                var edges: [NeedEdge] = []
                for need in instance.needs {
                    if let condition = need.condition,
                        !(try condition.evaluate(in: scope, late: .error(field: "the 'if' of a need")).isTruthy)
                    {
                        continue
                    }
                    let target = try resolveTarget(need)
                    var edge = NeedEdge(
                        name: need.name, isMatrix: need.isMatrix, nodes: [],
                        declaredOutputs: target.outputs.map(\.name))
                    for combination in try matrixCombinations(need, scope: scope) {
                        let child = try childInstance(
                            need, target: target, parent: instance,
                            combination: combination, overrides: overrides[target.name] ?? [:])
                        edge.nodes.append(try intern(child, parent: (index, need)))
                    }
                    edges.append(edge)
                }
                drafts[index].needs = edges
            }
        } catch let error as WorkflowError {
            throw error
        } catch let error as RecipeError {
            throw .recipe(error)
        } catch {
            throw .io("\(error)")
        }

        let used = Set(drafts.map(\.instance.recipe.name))
        for name in overrides.keys.sorted() where !used.contains(name) {
            throw .noSuchOverrideTarget(name, recipes: used.sorted())
        }
        try checkOutputReferences(drafts)
        let order = try Planner.dependencyOrder(drafts)
        var plan = try finish(drafts: drafts, order: order, roots: roots)
        plan.warnings += registry.notes.map { "note: \($0)" }
        return plan
    }

    /// What makes an instance distinct; equal identities are merged into one node.
    static func identity(of instance: RecipeInstance) -> String {
        let material: Value = .list([
            .string(instance.recipe.name), .string(instance.recipe.source.digest),
            .list(instance.variations.map { .string($0) }), .map(instance.keyInputs),
        ])
        return Digests.bytes(material.canonicalJSONBytes)
    }

    func resolveTarget(_ need: Need) throws(RecipeError) -> Recipe {
        switch need.target {
        case .recipe(let name): return try registry.recipe(named: name, at: need.location)
        case .tags(let tags):
            return try registry.select(
                tags: tags, variations: need.variations,
                text: (tags + need.variations.map { "_" + $0 }).joined(separator: ","),
                at: need.location)
        case .select(let terms):
            return try registry.select(Selection(terms: terms, variations: need.variations), at: need.location)
        }
    }

    /// Every combination of the matrix axes, in order (the last axis varies fastest); one empty one if none.
    func matrixCombinations(_ need: Need, scope: Scope) throws(WorkflowError) -> [[String: Value]] {
        var combinations: [[String: Value]] = [[:]]
        for (axis, template) in need.matrix {
            let values: Value
            do {
                values = try template.evaluate(in: scope, late: .error(field: "a matrix"))
            } catch {
                throw .recipe(error)
            }
            guard case .list(let items) = values else {
                throw .matrixNotAList(
                    need: need.name, axis: axis, found: "\(values.typeName) \(values)",
                    at: template.location ?? need.location)
            }
            var next: [[String: Value]] = []
            next.reserveCapacity(combinations.count * items.count)
            for c in combinations {
                for item in items {
                    var n = c
                    n[axis] = item
                    next.append(n)
                }
            }
            combinations = next
        }
        return combinations
    }

    func childInstance(
        _ need: Need, target: Recipe, parent: RecipeInstance, combination: [String: Value],
        overrides: [String: ProvidedInput]
    ) throws(RecipeError) -> RecipeInstance {
        var realScope = parent.scope(keyMode: false)
        var keyScope = parent.scope(keyMode: true)
        if need.isMatrix {
            for s in [0, 1] {
                var scope = s == 0 ? realScope : keyScope
                scope.roots["matrix"] = .map(combination)
                scope.latePrefixes.removeAll { $0 == ["matrix"] }
                if s == 0 { realScope = scope } else { keyScope = scope }
            }
        }
        var provided: [String: ProvidedInput] = [:]
        for (name, template) in need.with {
            let real = try template.evaluate(in: realScope, late: .error(field: "the 'with' of need '\(need.name)'"))
            let key = try template.evaluate(in: keyScope, late: .sourceText)
            provided[name] = ProvidedInput(
                value: real, keyValue: key, location: template.location ?? need.location,
                baseDirectory: parent.recipe.source.directory)
        }
        for (name, given) in overrides { provided[name] = given }
        return try RecipeInstance.resolve(
            target, variations: need.variations, provided: provided, host: host,
            at: need.location)
    }
}
