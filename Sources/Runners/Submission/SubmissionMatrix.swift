import Recipes
import Submission
import Workflow

/// `repro submit --matrix AXIS=V1,V2`: one axis either sets a list input of the recipe (`AXIS`, or `AXISs`, so
/// `scenario` fills `scenarios`), or names a variation group, in which case each value becomes a request of its own
/// (`mlperf-submission-digits,_mlp` and `…,_resnet8`). Axes combine: two variation axes give every pair.
public enum SubmissionMatrix {
    /// A matrix axis that names nothing, or a value that is not a variation of its group.
    public enum Problem: Error, Sendable, CustomStringConvertible {
        case malformed(axis: String)
        case unknownAxis(name: String, recipe: String, inputs: [String], groups: [String])
        case unknownVariation(value: String, group: String, recipe: String, variations: [String])
        case roundTwice(input: String, option: String)
        case noRoundInput(recipe: String, version: String)

        public var description: String {
            switch self {
            case .malformed(let axis):
                "error: --matrix expects AXIS=V1,V2, found '\(axis)'"
            case .unknownAxis(let name, let recipe, let inputs, let groups):
                "error: the matrix axis '\(name)' names no input or variation group of \(recipe) "
                    + "(inputs: \(inputs.joined(separator: ", ")); groups: \(groups.joined(separator: ", ")))"
            case .unknownVariation(let value, let group, let recipe, let variations):
                "error: '\(value)' is not a variation of group '\(group)' of \(recipe) (its variations: "
                    + "\(variations.joined(separator: ", ")))"
            case .roundTwice(let input, let option):
                "error: round=\(input) and --version \(option) name two rounds; give one"
            case .noRoundInput(let recipe, let version):
                "error: \(recipe) has no 'round' input, so its tree has one layout: --version \(version) cannot apply"
            }
        }
    }

    /// The round of the submission: `--version` (set as the recipe's `round` input), the `round` input given on the
    /// command line, or the recipe's default; the newest round for a recipe without one.
    public static func round(recipe: Recipe, inputs: inout [String: ProvidedInput], version: String?) throws(Problem)
        -> String
    {
        let declared = recipe.inputs.first { $0.name == "round" }
        let given = inputs["round"]?.value.stringValue
        if let version, let given, version != given { throw .roundTwice(input: given, option: version) }
        if let version {
            guard declared != nil else {
                if version == Rules.newest { return version }
                throw .noRoundInput(recipe: recipe.name, version: version)
            }
            inputs["round"] = ProvidedInput(value: .string(version))
            return version
        }
        if let given { return given }
        if case .value(let v, _)? = declared?.defaultValue, let round = v.stringValue { return round }
        return Rules.newest
    }

    /// The requests the matrix makes of `recipe`, selected as `selection` with `inputs` given on the command line.
    /// `overrides` are the `NODE.name=value` inputs for dependencies, given to every request.
    public static func requests(
        recipe: Recipe, selection: String, inputs: [String: ProvidedInput],
        overrides: [String: [String: ProvidedInput]] = [:], axes: [String]
    ) throws(Problem) -> [PlanRequest] {
        var provided = inputs
        var selections = [selection]
        for axis in axes {
            guard let eq = axis.firstIndex(of: "="), eq != axis.startIndex else { throw .malformed(axis: axis) }
            let name = String(axis[..<eq])
            let values = axis[axis.index(after: eq)...].split(separator: ",").map(String.init)
            if let input = recipe.inputs.first(where: { $0.name == name || $0.name == name + "s" }) {
                provided[input.name] = ProvidedInput(
                    value: .list(values.map { .string($0) }), location: nil,
                    baseDirectory: FileSystemPath.currentDirectory)
                continue
            }
            let group = recipe.variations.filter { $0.group == name }
            guard !group.isEmpty else {
                throw .unknownAxis(
                    name: name, recipe: recipe.name, inputs: recipe.inputs.map(\.name),
                    groups: Set(recipe.variations.compactMap(\.group)).sorted())
            }
            for v in values where !group.contains(where: { $0.name == v }) {
                throw .unknownVariation(
                    value: v, group: name, recipe: recipe.name, variations: group.map(\.name))
            }
            selections = selections.flatMap { s in values.map { "\(s),_\($0)" } }
        }
        return selections.map {
            PlanRequest(selection: Selection(parsing: $0), inputs: provided, overrides: overrides)
        }
    }
}
