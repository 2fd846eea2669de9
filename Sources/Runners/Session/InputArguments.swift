import Recipes

/// `name=value` words from the command line: inputs of the selected recipe, and `NODE.name=value` overrides of
/// an input of every node of recipe NODE anywhere in the request (as CM's `--adr.*`).
public enum InputArguments {
    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    public struct Parsed: Sendable {
        public var inputs: [String: ProvidedInput] = [:]
        /// Recipe name → input name → value.
        public var overrides: [String: [String: ProvidedInput]] = [:]
        public var pair: ([String: ProvidedInput], [String: [String: ProvidedInput]]) { (inputs, overrides) }
    }

    public static func parse(_ words: [String]) throws(Problem) -> Parsed {
        var out = Parsed()
        for word in words {
            guard let eq = word.firstIndex(of: "="), eq != word.startIndex else {
                throw Problem(
                    description: "error: expected an input as name=value (or NODE.name=value), found '\(word)'")
            }
            let name = String(word[..<eq])
            let given = ProvidedInput(
                value: .string(String(word[word.index(after: eq)...])), location: nil,
                baseDirectory: FileSystemPath.currentDirectory)
            // Input names cannot hold a dot, recipe names can: the last dot splits NODE from the input.
            if let dot = name.lastIndex(of: ".") {
                let recipe = String(name[..<dot])
                let input = String(name[name.index(after: dot)...])
                guard !recipe.isEmpty, !input.isEmpty else {
                    throw Problem(description: "error: expected NODE.name=value, found '\(word)'")
                }
                out.overrides[recipe, default: [:]][input] = given
            } else {
                out.inputs[name] = given
            }
        }
        return out
    }
}
