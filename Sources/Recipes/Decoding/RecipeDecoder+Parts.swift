import Yams

/// Inputs, variations and needs: the parts of a recipe with structure of their own.
extension RecipeDecoder {
    static func decodeInputs(_ node: Node, _ reader: YAMLReader, recipe: String) throws(RecipeError) -> [InputSpec] {
        var out: [InputSpec] = []
        for entry in try reader.mapping(node, "'inputs'") {
            reader.attempt { () throws(RecipeError) in
                let name = try reader.identifier(entry.key, entry.keyNode, "input")
                var spec = InputSpec(
                    name: name, kind: .string, defaultValue: nil, doc: "", choices: [],
                    itemKind: .string, location: reader.location(entry.keyNode))
                let fields =
                    reader.isNull(entry.value)
                    ? []
                    : try reader.mapping(
                        entry.value, "input '\(name)'",
                        known: ["type", "default", "doc", "choices", "items"])
                var explicitKind = false
                var defaultNode: Node?
                for (key, _, v) in fields {
                    reader.attempt { () throws(RecipeError) in
                        switch key {
                        case "type":
                            let text = try reader.string(v, "'type' of input '\(name)'")
                            guard let kind = InputSpec.Kind(rawValue: text) else {
                                let known = InputSpec.Kind.allCases.map(\.rawValue)
                                throw .invalidValue(
                                    at: reader.location(v), what: "'type' of input '\(name)'",
                                    problem: "expected one of \(known.joined(separator: ", ")), found '\(text)'"
                                        + Suggestions.hint(for: text, in: known))
                            }
                            spec.kind = kind
                            explicitKind = true
                        case "default":
                            defaultNode = v
                            spec.defaultValue = try reader.templateValue(v)
                        case "doc": spec.doc = try reader.string(v, "'doc' of input '\(name)'")
                        case "choices": spec.choices = try reader.stringList(v, "'choices' of input '\(name)'")
                        case "items":
                            let text = try reader.string(v, "'items' of input '\(name)'")
                            guard let kind = InputSpec.Kind(rawValue: text), kind != .list, kind != .choice else {
                                throw .invalidValue(
                                    at: reader.location(v), what: "'items' of input '\(name)'",
                                    problem: "expected string, int, float, bool or path, found '\(text)'")
                            }
                            spec.itemKind = kind
                        default: break
                        }
                    }
                }
                if !explicitKind {
                    if !spec.choices.isEmpty {
                        spec.kind = .choice
                    } else if case .value(let v, _)? = spec.defaultValue {
                        switch v {
                        case .int: spec.kind = .int
                        case .double: spec.kind = .float
                        case .bool: spec.kind = .bool
                        case .list: spec.kind = .list
                        default: spec.kind = .string
                        }
                    }
                }
                out.append(spec)
                if spec.kind == .choice, spec.choices.isEmpty {
                    throw .missingField(at: spec.location, field: "choices", context: "choice input '\(name)'")
                }
                // A literal default is checked now, so a typo in a recipe fails when it is loaded, not when used.
                if case .value(let v, let at)? = spec.defaultValue, let defaultNode, !reader.isNull(defaultNode) {
                    _ = try InputCoercion.coerce(
                        v, to: spec, recipe: recipe,
                        at: at, baseDirectory: nil)
                }
            }
        }
        return out
    }

    static func decodeVariations(_ node: Node, _ reader: YAMLReader) throws(RecipeError) -> [Variation] {
        var out: [Variation] = []
        for entry in try reader.mapping(node, "'variations'") {
            reader.attempt { () throws(RecipeError) in
                let name = try reader.identifier(entry.key, entry.keyNode, "variation")
                var v = Variation(
                    name: name, group: nil, isDefault: false, doc: "", inputs: [:], env: [], needs: [],
                    resources: nil, location: reader.location(entry.keyNode))
                if !reader.isNull(entry.value) {
                    let known = ["group", "default", "doc", "inputs", "env", "needs", "resources"]
                    for (key, _, value) in try reader.mapping(entry.value, "variation '\(name)'", known: known) {
                        reader.attempt { () throws(RecipeError) in
                            switch key {
                            case "group": v.group = try reader.string(value, "'group' of variation '\(name)'")
                            case "default": v.isDefault = try reader.bool(value, "'default' of variation '\(name)'")
                            case "doc": v.doc = try reader.string(value, "'doc' of variation '\(name)'")
                            case "inputs":
                                for e in try reader.mapping(value, "'inputs' of variation '\(name)'") {
                                    v.inputs[e.key] = try reader.templateValue(e.value)
                                }
                            case "env": v.env = try decodeEnv(value, reader, context: "'env' of variation '\(name)'")
                            case "needs":
                                v.needs = try decodeNeeds(value, reader, context: "'needs' of variation '\(name)'")
                            case "resources": v.resources = try decodeResources(value, reader, base: Resources())
                            default: break
                            }
                        }
                    }
                }
                out.append(v)
                if v.isDefault && v.group == nil {
                    throw .invalidValue(
                        at: v.location, what: "variation '\(name)'",
                        problem: "'default: true' needs a 'group' (the default is per group)")
                }
            }
        }
        var defaults: [String: String] = [:]
        for v in out where v.isDefault && v.group != nil {
            if let other = defaults[v.group!] {
                throw .invalidValue(
                    at: v.location, what: "variation '\(v.name)'",
                    problem: "group '\(v.group!)' already has the default '\(other)'")
            }
            defaults[v.group!] = v.name
        }
        return out
    }

    static func decodeNeeds(_ node: Node, _ reader: YAMLReader, context: String) throws(RecipeError) -> [Need] {
        var out: [Need] = []
        for entry in try reader.mapping(node, context) {
            reader.attempt { () throws(RecipeError) in
                let name = try reader.identifier(entry.key, entry.keyNode, "need")
                var need = Need(
                    name: name, target: .recipe(""), variations: [], with: [:], condition: nil, matrix: [],
                    location: reader.location(entry.keyNode))
                if case .scalar = entry.value {
                    // Shorthand: `data: digits-dataset` or `data: dataset,digits,_small`.
                    let terms = try reader.stringList(entry.value, "need '\(name)'")
                    need.variations = terms.filter { $0.hasPrefix("_") }.map { String($0.dropFirst()) }
                    need.target = .select(terms.filter { !$0.hasPrefix("_") })
                    out.append(need)
                    return
                }
                var sawTarget = false
                let known = ["recipe", "tags", "variations", "with", "if", "matrix"]
                for (key, _, value) in try reader.mapping(entry.value, "need '\(name)'", known: known) {
                    reader.attempt { () throws(RecipeError) in
                        switch key {
                        case "recipe", "tags":
                            if sawTarget {
                                throw .invalidValue(
                                    at: reader.location(value), what: "need '\(name)'",
                                    problem: "give either 'recipe' or 'tags', not both")
                            }
                            sawTarget = true
                            if key == "recipe" {
                                need.target = .recipe(try reader.string(value, "'recipe' of need '\(name)'"))
                            } else {
                                let terms = try reader.stringList(value, "'tags' of need '\(name)'")
                                need.variations += terms.filter { $0.hasPrefix("_") }.map { String($0.dropFirst()) }
                                need.target = .tags(terms.filter { !$0.hasPrefix("_") })
                            }
                        case "variations":
                            need.variations += try reader.stringList(value, "'variations' of need '\(name)'").map {
                                $0.hasPrefix("_") ? String($0.dropFirst()) : $0
                            }
                        case "with":
                            if reader.isNull(value) { return }
                            for e in try reader.mapping(value, "'with' of need '\(name)'") {
                                need.with[e.key] = try reader.templateValue(e.value)
                            }
                        case "if": need.condition = try reader.template(value, "'if' of need '\(name)'")
                        case "matrix":
                            for e in try reader.mapping(value, "'matrix' of need '\(name)'") {
                                let axis = try reader.identifier(e.key, e.keyNode, "matrix axis")
                                need.matrix.append((axis, try reader.templateValue(e.value)))
                            }
                        default: break
                        }
                    }
                }
                guard sawTarget else {
                    throw .missingField(at: need.location, field: "recipe' or 'tags", context: "need '\(name)'")
                }
                out.append(need)
            }
        }
        return out
    }

    /// `assets:`: a list of paths relative to the recipe's folder, written literally (they are hashed when the
    /// recipe is planned, before any expression could be evaluated).
    static func decodeAssets(_ node: Node, _ reader: YAMLReader) throws(RecipeError) -> [RecipeAsset] {
        guard case .sequence(let items) = node else {
            throw .wrongType(
                at: reader.location(node), what: "'assets'", expected: "a list of paths relative to the recipe",
                found: reader.describe(node))
        }
        var out: [RecipeAsset] = []
        for item in items {
            reader.attempt { () throws(RecipeError) in
                let path = try reader.string(item, "an item of 'assets'")
                let at = reader.location(item)
                let found = assetPathProblem(path)
                if let found {
                    throw .invalidValue(
                        at: at, what: "asset '\(path)'",
                        problem: "expected a literal path relative to the recipe's folder (such as run.py or ../lib), "
                            + "found \(found)")
                }
                out.append(RecipeAsset(path: path, location: at))
            }
        }
        return out
    }

    /// What makes `path` not a literal path relative to the recipe's folder, or nil when it is one.
    static func assetPathProblem(_ path: String) -> String? {
        if path.isEmpty { return "an empty one" }
        if path.contains("${{") { return "an expression" }
        if path.hasPrefix("/") { return "an absolute one" }
        if path.hasPrefix("~") { return "one in a home folder" }
        return nil
    }

    /// Checks that need the whole recipe: references in expressions name things that exist.
    static func validate(_ recipe: Recipe, reader: YAMLReader, root: Node) {
        let inputNames = Set(recipe.inputs.map(\.name))
        var needNames = Set(recipe.needs.map(\.name))
        for v in recipe.variations { for n in v.needs { needNames.insert(n.name) } }
        for v in recipe.variations {
            for (name, value) in v.inputs where !inputNames.contains(name) {
                reader.problems.list.append(
                    .unknownInput(
                        name: name, recipe: recipe.name, at: value.location ?? v.location,
                        known: recipe.inputs.map(\.name)))
            }
        }
        // `needs.X` must name a declared need; other roots are checked when evaluated.
        func check(_ refs: [[String]], at: SourceLocation?) {
            for ref in refs where ref.first == "needs" {
                guard ref.count >= 2 else { continue }
                if !needNames.contains(ref[1]) {
                    reader.problems.list.append(
                        .unknownReference(
                            at: at, path: ref.prefix(2).joined(separator: "."),
                            known: needNames.sorted().map { "needs.\($0)" }))
                } else if ref.count >= 3, ref[2] != "outputs" {
                    reader.problems.list.append(
                        .unknownReference(
                            at: at, path: ref.prefix(3).joined(separator: "."), known: ["needs.\(ref[1]).outputs"]))
                }
            }
        }
        if case .action(_, let with, _)? = recipe.run {
            for key in with.keys.sorted() { check(with[key]!.references, at: with[key]!.location) }
        }
        if case .shell(let t, _)? = recipe.run { check(t.references, at: t.location) }
        if let c = recipe.container { check(c.image.references, at: c.image.location ?? c.location) }
        validateContainer(recipe, reader: reader)
        for o in recipe.outputs { check(o.value.references, at: o.value.location ?? o.location) }
        for m in recipe.metrics { check(m.value.references, at: m.value.location ?? m.location) }
        for e in recipe.env { check(e.value.references, at: e.value.location ?? e.location) }
        checkInputReferences(recipe, reader: reader)
        checkRecipeDirAssets(recipe, reader: reader)
    }

    /// Every expression of the recipe with where it is written: `visit(references, location)`.
    static func eachReference(_ recipe: Recipe, _ visit: ([[String]], SourceLocation?) -> Void) {
        func check(_ value: TemplateValue?, _ fallback: SourceLocation?) {
            if let value { visit(value.references, value.location ?? fallback) }
        }
        func check(_ needs: [Need]) {
            for n in needs {
                for key in n.with.keys.sorted() { check(n.with[key], n.location) }
                for axis in n.matrix { check(axis.values, n.location) }
                if let c = n.condition { visit(c.references, c.location ?? n.location) }
            }
        }
        switch recipe.run {
        case .action(_, let with, let at)?: for key in with.keys.sorted() { check(with[key], at) }
        case .shell(let t, let at)?: visit(t.references, t.location ?? at)
        case nil: break
        }
        for o in recipe.outputs { check(o.value, o.location) }
        for m in recipe.metrics { check(m.value, m.location) }
        for e in recipe.env { check(e.value, e.location) }
        for i in recipe.inputs { check(i.defaultValue, i.location) }
        if let c = recipe.condition { visit(c.references, c.location) }
        if let c = recipe.container { visit(c.image.references, c.image.location ?? c.location) }
        check(recipe.needs)
        for v in recipe.variations {
            for key in v.inputs.keys.sorted() { check(v.inputs[key], v.location) }
            for e in v.env { check(e.value, e.location) }
            check(v.needs)
        }
    }

    /// `inputs.X` must name a declared input, wherever it is written.
    static func checkInputReferences(_ recipe: Recipe, reader: YAMLReader) {
        let names = recipe.inputs.map(\.name)
        eachReference(recipe) { refs, at in
            for ref in refs where ref.first == "inputs" && ref.count >= 2 && !names.contains(ref[1]) {
                reader.problems.list.append(
                    .unknownReference(at: at, path: "inputs.\(ref[1])", known: names.map { "inputs.\($0)" }))
            }
        }
    }

    /// A one-file recipe that reads `recipe.dir` reads files beside it that its text does not hold: unless it names
    /// them under `assets:`, a changed script would still match the cached result of the old one. (A folder
    /// recipe's files are its assets already.)
    static func checkRecipeDirAssets(_ recipe: Recipe, reader: YAMLReader) {
        guard !recipe.source.isFolder, recipe.assets.isEmpty else { return }
        var first: SourceLocation??
        eachReference(recipe) { refs, at in
            if first == nil, refs.contains(where: { $0.count >= 2 && $0[0] == "recipe" && $0[1] == "dir" }) {
                first = .some(at)
            }
        }
        guard let at = first else { return }
        reader.problems.list.append(
            .invalidValue(
                at: at ?? SourceLocation(file: reader.file, line: 1, column: 1), what: "'recipe.dir'",
                problem: "this recipe reads files beside it but declares no 'assets:', so their content would not "
                    + "enter its key and a changed file could be served from the cache; list them (for example "
                    + "'assets: [run.py]'), or make the recipe a folder NAME/recipe.yaml"))
    }
}
