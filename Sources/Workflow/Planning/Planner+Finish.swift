import Recipes

/// The last planning stage: renumber in dependency order, name nodes, and compute their static key material.
extension Planner {
    func finish(drafts: [Draft], order: [Int], roots: [Int]) throws(WorkflowError) -> Plan {
        var position = [Int](repeating: 0, count: drafts.count)
        for (i, d) in order.enumerated() { position[d] = i }
        let ids = Planner.displayIDs(drafts: drafts, order: order)
        var nodes: [PlanNode] = []
        nodes.reserveCapacity(drafts.count)
        var warnings: [String] = []
        for (i, d) in order.enumerated() {
            let draft = drafts[d]
            let needs = draft.needs.map {
                NeedEdge(
                    name: $0.name, isMatrix: $0.isMatrix, nodes: $0.nodes.map { position[$0] },
                    declaredOutputs: $0.declaredOutputs)
            }
            let (material, policy, nodeWarnings, repeatCount) = try keyMaterial(for: draft.instance, id: ids[d])
            warnings += nodeWarnings
            nodes.append(
                PlanNode(
                    index: i, id: ids[d], instance: draft.instance, identity: draft.identity,
                    needs: needs, policy: policy, enabled: draft.enabled,
                    runner: draft.instance.recipe.runner ?? defaultRunner, keyMaterial: material,
                    repeatCount: repeatCount))
        }
        return Plan(nodes: nodes, roots: roots.map { position[$0] }, warnings: warnings)
    }

    /// Readable unique names: the recipe name alone when it has one node; else the name with the inputs and
    /// variations that differ between its nodes (`shard[i=3]`); else the name and an identity prefix.
    static func displayIDs(drafts: [Draft], order: [Int]) -> [String] {
        var byRecipe: [String: [Int]] = [:]
        for d in order { byRecipe[drafts[d].instance.recipe.name, default: []].append(d) }
        var ids = [String](repeating: "", count: drafts.count)
        for (name, members) in byRecipe {
            if members.count == 1 {
                ids[members[0]] = name
                continue
            }
            let first = drafts[members[0]].instance
            let differing = first.recipe.inputs.map(\.name).filter { input in
                members.contains { drafts[$0].instance.inputs[input] != first.inputs[input] }
            }
            let variationsDiffer = members.contains { drafts[$0].instance.variations != first.variations }
            var labels: [String] = []
            var usable = true
            for m in members {
                let instance = drafts[m].instance
                var parts = differing.map { "\($0)=\(instance.inputs[$0]?.interpolated ?? "")" }
                if variationsDiffer { parts += instance.variations.map { "_" + $0 } }
                let label = "\(name)[\(parts.joined(separator: ","))]"
                if label.count > 80 || parts.isEmpty {
                    usable = false
                    break
                }
                labels.append(label)
            }
            if usable, Set(labels).count == labels.count {
                for (m, label) in zip(members, labels) { ids[m] = label }
            } else {
                for m in members { ids[m] = "\(name)@\(drafts[m].identity.prefix(8))" }
            }
        }
        return ids
    }

    /// The key fields of an instance, its cache policy, plan-time warnings from its action, and how many times it
    /// runs (a measured step: `--repeat`, else the recipe's `repeat:`, else once; any other step: once).
    func keyMaterial(for instance: RecipeInstance, id: String) throws(WorkflowError) -> (
        KeyMaterial, CachePolicy, [String], Int
    ) {
        let recipe = instance.recipe
        var fields: [String: Value] = [
            "format": .int(KeyMaterial.formatVersion),
            "recipe": .string(recipe.name),
            "recipe_sha256": .string(recipe.source.digest),
            "variations": .list(instance.variations.map { .string($0) }),
        ]
        if let assets = try assetsDigest(recipe) { fields["assets_sha256"] = .string(assets) }
        var inputs = instance.keyInputs
        for spec in recipe.inputs where spec.kind == .path || (spec.kind == .list && spec.itemKind == .path) {
            guard let real = instance.inputs[spec.name], real == instance.keyInputs[spec.name] else { continue }
            inputs[spec.name] = try pathKey(real, input: spec.name, recipe: recipe.name)
        }
        fields["inputs"] = .map(inputs)

        var keyScope = instance.scope(keyMode: true)
        // A secret enters the key as a placeholder that says only that it was given.
        keyScope.secrets = .placeholder(given: secretNames)
        var env: [String: Value] = [:]
        do {
            for e in instance.env { env[e.name] = try e.value.evaluate(in: keyScope, late: .sourceText) }
        } catch {
            throw .recipe(error)
        }
        fields["env"] = .map(env)

        var policy = recipe.cache
        var warnings: [String] = []
        let runScope = instance.scope(keyMode: true, env: env)
        do {
            switch recipe.run {
            case .none:
                fields["run"] = .null
            case .shell(let template, _)?:
                fields["run"] = .map(["shell": try template.evaluate(in: runScope, late: .sourceText)])
            case .action(let name, let with, _)?:
                if let problem = RecipeCheck.actionProblems(recipe, actions: actions).first { throw problem }
                guard let action = actions.spec(named: name) else { break }
                var evaluated: [String: Value] = [:]
                for (param, value) in with { evaluated[param] = try value.evaluate(in: runScope, late: .sourceText) }
                fields["run"] = .map([
                    "action": .string(name), "version": .string(action.version),
                    "implementation": .map(actions.implementation(of: name).mapValues { .string($0) }),
                    "with": .map(evaluated),
                ])
                if policy == nil { policy = action.defaultPolicy(with: evaluated) }
                warnings += action.warnings(with: evaluated).map { "\(id): \($0)" }
            }
        } catch let error as WorkflowError {
            throw error
        } catch let error as RecipeError {
            throw .recipe(error)
        } catch {
            throw .io("\(error)")
        }
        if let container = recipe.container {
            // The image enters as its digest when the key is computed; here, what the recipe asked for.
            let image: Value
            do { image = try container.image.evaluate(in: keyScope, late: .sourceText) } catch { throw .recipe(error) }
            fields["container"] = .map([
                "image": image, "runtime": .string(container.runtime.rawValue), "network": .bool(container.network),
            ])
        }
        let finalPolicy = policy ?? .reuse
        fields["policy"] = .string(finalPolicy.rawValue)
        // Repetitions change what the entry's metrics are (a median of N), so they enter the key; once is absent,
        // so keys made before `repeat` existed stay the same.
        let repeatCount = finalPolicy == .measured ? (measuredRepeat ?? recipe.repeatCount ?? 1) : 1
        if repeatCount > 1 { fields["repeat"] = .int(repeatCount) }
        return (KeyMaterial(fields: fields), finalPolicy, warnings, repeatCount)
    }

    /// A folder recipe's other files, hashed once per run.
    func assetsDigest(_ recipe: Recipe) throws(WorkflowError) -> String? {
        if let d = assetDigests[recipe.name] { return d }
        do {
            let d = try RecipeAssets.digest(of: recipe)
            assetDigests[recipe.name] = d
            return d
        } catch {
            throw .io("recipe '\(recipe.name)': \(error)")
        }
    }

    /// A path input enters keys by its content, not its name: `{"sha256": ...}` (or a list of them).
    func pathKey(_ value: Value, input: String, recipe: String) throws(WorkflowError) -> Value {
        switch value {
        case .list(let items):
            var out: [Value] = []
            for item in items { out.append(try pathKey(item, input: input, recipe: recipe)) }
            return .list(out)
        case .string(let path) where !path.contains("://"):
            if let d = pathDigests[path] { return ["sha256": .string(d)] }
            do {
                let d = try Digests.path(path)
                pathDigests[path] = d
                return ["sha256": .string(d)]
            } catch {
                throw .pathInput(name: input, recipe: recipe, problem: error.reason + " ('\(path)')")
            }
        default:
            return value
        }
    }
}
