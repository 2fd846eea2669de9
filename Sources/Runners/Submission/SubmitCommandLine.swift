import Basics
import Recipes

/// The exact `repro submit` command that makes a tree again, from what its recipe knows of itself
/// (`${{ recipe.name }}`, `${{ recipe.variations }}`, `${{ inputs }}`): the selection with every variation that
/// applied, then every input with its value, sorted by name and shell-quoted.
public enum SubmitCommandLine {
    /// `request` is the `reproduce` parameter of a submission step: `{recipe, variations, inputs}`.
    public static func render(_ request: [String: Value]) -> String? {
        guard let recipe = request["recipe"]?.stringValue else { return nil }
        let variations = request["variations"]?.listValue?.map(\.interpolated) ?? []
        let selection = ([recipe] + variations.map { "_" + $0 }).joined(separator: ",")
        var words = ["repro", "submit", selection]
        for (name, value) in (request["inputs"]?.mapValue ?? [:]).sorted(by: { $0.key < $1.key }) {
            let text =
                switch value {
                case .list(let items): items.map(\.interpolated).joined(separator: ",")
                case .null: ""
                default: value.interpolated
                }
            words.append(ShellQuoting.quote("\(name)=\(text)"))
        }
        return words.joined(separator: " ")
    }
}
