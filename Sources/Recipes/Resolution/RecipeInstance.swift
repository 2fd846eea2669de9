/// A value handed to an input: its real value, the form that enters keys, and where it was written.
///
/// The two differ when the value reads a place on disk (`${{ recipe.dir }}/x`): the key keeps the text, so
/// the same recipe in another folder has the same key.
public struct ProvidedInput: Sendable {
    public var value: Value
    public var keyValue: Value
    public var location: SourceLocation?
    /// Relative `path` inputs are resolved against this folder (the working directory for the command line).
    public var baseDirectory: String?

    public init(value: Value, keyValue: Value? = nil, location: SourceLocation? = nil, baseDirectory: String? = nil) {
        self.value = value
        self.keyValue = keyValue ?? value
        self.location = location
        self.baseDirectory = baseDirectory
    }
}

/// A recipe with its variations chosen and its inputs resolved: everything planning needs to make a node.
public struct RecipeInstance: Sendable {
    public let recipe: Recipe
    /// Every variation that applies (chosen ones and group defaults), sorted.
    public let variations: [String]
    public let inputs: [String: Value]
    public let keyInputs: [String: Value]
    public let env: [EnvSpec]
    public let needs: [Need]
    public let resources: Resources
    public let host: Value

    /// Applies variations and defaults, checks and converts every input.
    /// - Parameters:
    ///   - at: where the request was written (a need in another recipe), for errors.
    public static func resolve(
        _ recipe: Recipe, variations requested: [String], provided: [String: ProvidedInput],
        host: Value, at: SourceLocation?
    ) throws(RecipeError) -> RecipeInstance {
        let chosen = try chooseVariations(recipe, requested: requested, at: at)
        for (name, given) in provided where recipe.input(named: name) == nil {
            throw .unknownInput(
                name: name, recipe: recipe.name, at: given.location ?? at,
                known: recipe.inputs.map(\.name))
        }
        var overlay: [String: TemplateValue] = [:]
        var env: [EnvSpec] = recipe.env
        var needs: [Need] = recipe.needs
        var resources = recipe.resources
        for v in chosen {
            for (k, value) in v.inputs { overlay[k] = value }
            for e in v.env {
                env.removeAll { $0.name == e.name }
                env.append(e)
            }
            for n in v.needs {
                needs.removeAll { $0.name == n.name }
                needs.append(n)
            }
            if let r = v.resources { resources = r }
        }

        var values: [String: Value] = [:]
        var keyValues: [String: Value] = [:]
        for spec in recipe.inputs {
            var real: Value
            var key: Value
            var location: SourceLocation?
            var base: String? = recipe.source.directory
            if let given = provided[spec.name] {
                (real, key, location, base) = (given.value, given.keyValue, given.location ?? at, given.baseDirectory)
            } else if let template = overlay[spec.name] ?? spec.defaultValue {
                let applied = chosen.map(\.name).sorted()
                let realScope = scope(recipe, inputs: values, host: host, keyMode: false, variations: applied)
                let keyScope = scope(recipe, inputs: keyValues, host: host, keyMode: true, variations: applied)
                let field = "the default of input '\(spec.name)'"
                real = try template.evaluate(in: realScope, late: .error(field: field))
                key = try template.evaluate(in: keyScope, late: .sourceText)
                location = template.location ?? spec.location
            } else {
                throw .missingInput(name: spec.name, recipe: recipe.name, at: at, declared: spec.location)
            }
            let sameForm = real == key
            real = try InputCoercion.coerce(real, to: spec, recipe: recipe.name, at: location, baseDirectory: base)
            if sameForm { key = real }
            values[spec.name] = real
            keyValues[spec.name] = key
        }
        return RecipeInstance(
            recipe: recipe, variations: chosen.map(\.name).sorted(), inputs: values,
            keyInputs: keyValues, env: env, needs: needs, resources: resources, host: host)
    }

    /// The variations that apply: those asked for, plus each group's default where none of the group was asked.
    static func chooseVariations(_ recipe: Recipe, requested: [String], at: SourceLocation?) throws(RecipeError)
        -> [Variation]
    {
        var chosen: [Variation] = []
        var byGroup: [String: [String]] = [:]
        for name in requested {
            guard let v = recipe.variation(named: name) else {
                throw .unknownVariation(name: name, recipe: recipe.name, at: at, known: recipe.variations.map(\.name))
            }
            if chosen.contains(where: { $0.name == name }) { continue }
            chosen.append(v)
            if let g = v.group { byGroup[g, default: []].append(name) }
        }
        for (group, names) in byGroup where names.count > 1 {
            throw .conflictingVariations(group: group, recipe: recipe.name, chosen: names, at: at)
        }
        for v in recipe.variations where v.isDefault && byGroup[v.group!] == nil {
            chosen.append(v)
        }
        return chosen
    }

    /// The scope of a recipe's static fields: inputs, `recipe` (its `name`, the `variations` that apply, `dir`),
    /// `host` (and `env` once evaluated). In key mode `recipe.dir` is late, so templates that read it enter keys as
    /// their text.
    public static func scope(
        _ recipe: Recipe, inputs: [String: Value], host: Value, keyMode: Bool,
        env: [String: Value]? = nil, variations: [String] = []
    ) -> Scope {
        var recipeInfo: [String: Value] = [
            "name": .string(recipe.name), "variations": .list(variations.map { .string($0) }),
        ]
        var late: [[String]] = [["needs"], ["run"], ["node"], ["matrix"]]
        if keyMode { late.append(["recipe", "dir"]) } else { recipeInfo["dir"] = .string(recipe.source.directory) }
        var roots: [String: Value] = ["inputs": .map(inputs), "recipe": .map(recipeInfo), "host": host]
        if let env { roots["env"] = .map(env) } else { late.append(["env"]) }
        return Scope(roots: roots, latePrefixes: late)
    }

    /// The static scope of this instance (see `scope(_:inputs:host:keyMode:env:)`).
    public func scope(keyMode: Bool, env: [String: Value]? = nil) -> Scope {
        RecipeInstance.scope(
            recipe, inputs: keyMode ? keyInputs : inputs, host: host, keyMode: keyMode, env: env,
            variations: variations)
    }
}
