import Yams

/// `container:`: an image name (or an expression) alone, or a mapping with `image`, `runtime` and `network`.
extension RecipeDecoder {
    static func decodeContainer(_ node: Node, _ reader: YAMLReader) throws(RecipeError) -> ContainerSpec {
        if case .scalar = node {
            return ContainerSpec(
                image: try reader.template(node, "'container'"), runtime: .auto, network: false,
                location: reader.location(node))
        }
        let fields = try reader.mapping(node, "'container'", known: ["image", "runtime", "network"])
        guard let imageNode = fields.first(where: { $0.key == "image" })?.value else {
            throw .missingField(at: reader.location(node), field: "image", context: "'container'")
        }
        var spec = ContainerSpec(
            image: try reader.template(imageNode, "'container.image'"), runtime: .auto, network: false,
            location: reader.location(node))
        for (key, _, value) in fields {
            switch key {
            case "runtime":
                let text = try reader.string(value, "'container.runtime'")
                let names = ContainerRuntimeChoice.allCases.map(\.rawValue)
                guard let runtime = ContainerRuntimeChoice(rawValue: text) else {
                    throw .invalidValue(
                        at: reader.location(value), what: "'container.runtime'",
                        problem: "expected \(names.joined(separator: ", ")), found '\(text)'"
                            + Suggestions.hint(for: text, in: names))
                }
                spec.runtime = runtime
            case "network": spec.network = try reader.bool(value, "'container.network'")
            default: break
            }
        }
        return spec
    }

    /// A container runs a shell step, and its image is known before the step runs.
    static func validateContainer(_ recipe: Recipe, reader: YAMLReader) {
        guard let container = recipe.container else { return }
        switch recipe.run {
        case .none:
            reader.problems.list.append(
                .missingField(at: container.location, field: "run", context: "a recipe with 'container'"))
        case .action(let name, _, let location)?:
            reader.problems.list.append(
                .invalidValue(
                    at: location, what: "'container'",
                    problem: "runs a shell step, not the built-in action '\(name)' (actions run inside repro itself)"))
        case .shell?: break
        }
        for ref in container.image.references where ["node", "run", "env"].contains(ref.first ?? "") {
            reader.problems.list.append(
                .invalidValue(
                    at: container.image.location ?? container.location, what: "'container.image'",
                    problem: "'\(ref.joined(separator: "."))' is not known when the image is chosen "
                        + "(it may read inputs, needs, recipe and host)"))
        }
    }
}
