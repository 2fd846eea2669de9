import Recipes

/// Command-line overrides of inputs deep in the DAG, and the bound on how deep needs may go.
extension Planner {
    /// The overrides of every request, as one map (the words of one command line apply to all its requests).
    /// An override of an input its recipe does not have is an error before anything is planned.
    func mergedOverrides(_ requests: [PlanRequest]) throws(WorkflowError) -> [String: [String: ProvidedInput]] {
        var out: [String: [String: ProvidedInput]] = [:]
        for request in requests {
            for (recipe, inputs) in request.overrides { out[recipe, default: [:]].merge(inputs) { _, new in new } }
        }
        for (name, inputs) in out {
            guard let recipe = try? registry.recipe(named: name) else { continue }
            for input in inputs.keys.sorted() where recipe.input(named: input) == nil {
                throw .recipe(.unknownInput(name: input, recipe: name, at: nil, known: recipe.inputs.map(\.name)))
            }
        }
        return out
    }

    /// Output references checked against what the recipes they name export, once per recipe of the plan, so a
    /// misspelt output fails now and not after a long step ran.
    func checkOutputReferences(_ drafts: [Draft]) throws(WorkflowError) {
        var seen = Set<String>()
        var problems: [RecipeError] = []
        for d in drafts where seen.insert(d.instance.recipe.name).inserted {
            problems += RecipeCheck.outputReferences(d.instance.recipe, actions: actions) { need in
                (try? resolveTarget(need)).map { [$0] } ?? []
            }
        }
        if problems.count == 1 { throw .recipe(problems[0]) }
        if problems.count > 1 { throw .recipe(.several(problems)) }
    }

    /// The error for a need chain past `depthLimit`: the chain from its root, its first and last links shown.
    func recursionError(_ drafts: [Draft], from last: Int, next: RecipeInstance, need: Need) -> WorkflowError {
        var chain = [next]
        var cursor: Int? = last
        while let i = cursor {
            chain.append(drafts[i].instance)
            cursor = drafts[i].parent?.index
        }
        chain.reverse()
        // Name each link by the inputs that change along the chain (`up[i=3]`).
        let names = chain[0].recipe.inputs.map(\.name).filter { input in
            chain.contains { $0.keyInputs[input] != chain[0].keyInputs[input] }
        }.prefix(2)
        let links = chain.map { instance in
            names.isEmpty
                ? instance.recipe.name
                : instance.recipe.name + "["
                    + names.map { "\($0)=\(instance.keyInputs[$0]?.interpolated ?? "")" }.joined(separator: ",") + "]"
        }
        let shown = links.count <= 7 ? links : links.prefix(3) + ["… \(links.count - 6) more …"] + links.suffix(3)
        return .recursionTooDeep(chain: Array(shown), limit: depthLimit, at: need.location)
    }
}
