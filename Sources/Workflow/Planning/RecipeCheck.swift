import Recipes

/// Checks of a recipe that need the built-in actions and the recipes it needs: made when planning (before
/// anything runs) and by `repro lint`.
public enum RecipeCheck {
    /// The outputs a node of `recipe` exports, when known before it runs: its `outputs:`, else its action's
    /// declared outputs; nil for a shell step without `outputs:` (it may write any name to `$REPRO_OUTPUTS`).
    /// `dir` is always there.
    public static func exportedOutputs(of recipe: Recipe, actions: ActionCatalog) -> [String]? {
        if !recipe.outputs.isEmpty { return recipe.outputs.map(\.name) + ["dir"] }
        switch recipe.run {
        case .none: return ["dir"]
        case .shell?: return nil
        case .action(let name, _, _)?: return actions.spec(named: name)?.outputs.map { $0 + ["dir"] }
        }
    }

    /// A `run: {action: …}` that names no built-in action, a parameter the action does not take, or a required
    /// parameter missing.
    public static func actionProblems(_ recipe: Recipe, actions: ActionCatalog) -> [WorkflowError] {
        guard case .action(let name, let with, let location)? = recipe.run else { return [] }
        guard let action = actions.spec(named: name) else {
            return [.unknownAction(name: name, at: location, known: actions.names)]
        }
        let known = action.parameters.map(\.name)
        var problems: [WorkflowError] = []
        for param in with.keys.sorted() where !known.contains(param) {
            problems.append(
                .unknownActionParameter(action: name, name: param, at: with[param]!.location ?? location, known: known))
        }
        for p in action.parameters where p.required && with[p.name] == nil {
            problems.append(.missingActionParameter(action: name, name: p.name, at: location))
        }
        return problems
    }

    /// What is wrong with the needs of a recipe before any is planned: a recipe or tag selection that finds
    /// nothing (or too much), a variation or an input the needed recipe does not have.
    public static func needProblems(_ recipe: Recipe, registry: RecipeRegistry) -> [RecipeError] {
        var problems: [RecipeError] = []
        for need in recipe.needs + recipe.variations.flatMap(\.needs) {
            let target: Recipe
            do {
                switch need.target {
                case .recipe(let name): target = try registry.recipe(named: name, at: need.location)
                case .tags(let tags):
                    target = try registry.select(
                        tags: tags, variations: need.variations,
                        text: (tags + need.variations.map { "_" + $0 }).joined(separator: ","), at: need.location)
                case .select(let terms):
                    target = try registry.select(
                        Selection(terms: terms, variations: need.variations), at: need.location)
                }
            } catch {
                // A selection that finds nothing or too much is this recipe's problem; the needed recipe's own
                // errors are reported with it.
                switch error {
                case .unknownRecipe, .noMatch, .ambiguousSelection: problems.append(error)
                default: break
                }
                continue
            }
            for v in need.variations where target.variation(named: v) == nil {
                problems.append(
                    .unknownVariation(
                        name: v, recipe: target.name, at: need.location, known: target.variations.map(\.name)))
            }
            for name in need.with.keys.sorted() where target.input(named: name) == nil {
                problems.append(
                    .unknownInput(
                        name: name, recipe: target.name, at: need.with[name]!.location ?? need.location,
                        known: target.inputs.map(\.name)))
            }
        }
        return problems
    }

    /// Every reference to an output that cannot exist: `run.outputs.X` its action does not declare, `outputs.X`
    /// (in metrics) the node does not export, `needs.N.outputs.X` that no recipe need N can name exports.
    /// - Parameter targets: the recipes a need can name (several when variations replace it); empty when unknown.
    public static func outputReferences(
        _ recipe: Recipe, actions: ActionCatalog, targets: (Need) -> [Recipe]
    ) -> [RecipeError] {
        var problems: [RecipeError] = []
        var runOutputs: [String]?
        if case .action(let name, _, _)? = recipe.run { runOutputs = actions.spec(named: name)?.outputs }
        let exported = exportedOutputs(of: recipe, actions: actions)
        var needs: [String: [Need]] = [:]
        for n in recipe.needs + recipe.variations.flatMap(\.needs) { needs[n.name, default: []].append(n) }
        var needExports: [String: [String]?] = [:]
        func exports(of need: String) -> [String]? {
            if let known = needExports[need] { return known }
            let recipes = (needs[need] ?? []).flatMap(targets)
            var names: Set<String>? = recipes.isEmpty ? nil : []
            for r in recipes {
                guard let e = exportedOutputs(of: r, actions: actions) else {
                    names = nil
                    break
                }
                names?.formUnion(e)
            }
            needExports[need] = names.map { $0.sorted() }
            return names.map { $0.sorted() }
        }
        func check(_ refs: [[String]], at: SourceLocation?, run: Bool, own: Bool) {
            for ref in refs {
                var prefix: [String]
                var known: [String]?
                switch ref.first {
                case "run" where run && ref.count >= 3 && ref[1] == "outputs":
                    (prefix, known) = (Array(ref.prefix(2)), runOutputs)
                case "outputs" where own && ref.count >= 2:
                    (prefix, known) = (["outputs"], exported)
                case "needs" where ref.count >= 4 && ref[2] == "outputs":
                    (prefix, known) = (Array(ref.prefix(3)), exports(of: ref[1]))
                default: continue
                }
                guard let known, let name = ref.dropFirst(prefix.count).first, !known.contains(name) else { continue }
                let base = prefix.joined(separator: ".")
                problems.append(
                    .unknownReference(at: at, path: "\(base).\(name)", known: known.map { "\(base).\($0)" }))
            }
        }
        switch recipe.run {
        case .shell(let t, _)?: check(t.references, at: t.location, run: false, own: false)
        case .action(_, let with, _)?:
            for key in with.keys.sorted() {
                check(with[key]!.references, at: with[key]!.location, run: false, own: false)
            }
        case nil: break
        }
        for e in recipe.env { check(e.value.references, at: e.value.location ?? e.location, run: false, own: false) }
        for o in recipe.outputs { check(o.value.references, at: o.value.location ?? o.location, run: true, own: false) }
        for m in recipe.metrics { check(m.value.references, at: m.value.location ?? m.location, run: true, own: true) }
        return problems
    }
}
