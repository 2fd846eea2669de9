/// A typed input of a recipe.
public struct InputSpec: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case string, int, float, bool, path, choice, list
    }

    public var name: String
    public var kind: Kind
    /// The default, which may read earlier inputs, `env` and `recipe` (e.g. `${{ recipe.dir }}/data.csv`).
    public var defaultValue: TemplateValue?
    public var doc: String
    /// The allowed values of a `choice`.
    public var choices: [String]
    /// For `list`: the type of its items (string when not given).
    public var itemKind: Kind
    public var location: SourceLocation

    /// An input is required when it has no default.
    public var isRequired: Bool { defaultValue == nil }
}

/// A named overlay selected with `_name`; within a group exactly one applies.
public struct Variation: Sendable {
    public var name: String
    public var group: String?
    public var isDefault: Bool
    public var doc: String
    /// Input values the variation sets (the request's own values still win).
    public var inputs: [String: TemplateValue]
    public var env: [EnvSpec]
    /// Needs the variation adds or replaces (by name).
    public var needs: [Need]
    public var resources: Resources?
    public var location: SourceLocation
}

/// A dependency on another recipe.
public struct Need: Sendable {
    public enum Target: Sendable, Equatable {
        /// A recipe by name.
        case recipe(String)
        /// The one recipe carrying all these tags.
        case tags([String])
        /// As on the command line: a recipe of that name if there is one, else the recipe with all these tags.
        case select([String])
    }

    /// The name dependants use: `needs.NAME.outputs.X`.
    public var name: String
    public var target: Target
    public var variations: [String]
    public var with: [String: TemplateValue]
    public var condition: Template?
    /// Fan-out: one node per combination of these lists; the need's outputs become lists, in that order.
    public var matrix: [(name: String, values: TemplateValue)]
    public var location: SourceLocation

    public var isMatrix: Bool { !matrix.isEmpty }
}

/// What a node does.
public enum RunSpec: Sendable {
    /// A built-in action, versioned; `with` is its parameters.
    case action(name: String, with: [String: TemplateValue], location: SourceLocation)
    /// A command run by `bash -e -o pipefail -c` in the node's output folder, with a clean environment.
    case shell(Template, location: SourceLocation)

    public var location: SourceLocation {
        switch self {
        case .action(_, _, let at), .shell(_, let at): at
        }
    }
}
