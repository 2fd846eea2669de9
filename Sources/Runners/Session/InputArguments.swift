import Recipes

/// `name=value` words from the command line, as inputs of the selected recipe.
public enum InputArguments {
    public struct Problem: Error, CustomStringConvertible {
        public let description: String
    }

    public static func parse(_ words: [String]) throws(Problem) -> [String: ProvidedInput] {
        var out: [String: ProvidedInput] = [:]
        for word in words {
            guard let eq = word.firstIndex(of: "="), eq != word.startIndex else {
                throw Problem(description: "error: expected an input as name=value, found '\(word)'")
            }
            let name = String(word[..<eq])
            let value = String(word[word.index(after: eq)...])
            out[name] = ProvidedInput(
                value: .string(value), location: nil,
                baseDirectory: FileSystemPath.currentDirectory)
        }
        return out
    }
}
