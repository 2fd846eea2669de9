/// Everything that can be wrong with recipes, their selection and their expressions.
///
/// Each case carries where it happened; `description` is the message users see, in the compiler's
/// `file:line:col: error: ...` shape so editors can jump to it.
public enum RecipeError: Error, Sendable {
    case unreadable(file: String, reason: String)
    case malformedYAML(at: SourceLocation, problem: String)
    case unknownField(at: SourceLocation, field: String, context: String, known: [String])
    case wrongType(at: SourceLocation, what: String, expected: String, found: String)
    case missingField(at: SourceLocation, field: String, context: String)
    case invalidValue(at: SourceLocation, what: String, problem: String)
    case nameMismatch(at: SourceLocation, name: String, fileName: String)
    case duplicateRecipe(name: String, first: String, second: String)
    /// A YAML file in a search folder that is not a recipe (no top-level `summary:`): skipped, with a note.
    case notARecipe(file: String, reason: String)
    /// A recipe folder the user named (`--recipes`, `REPRO_RECIPES`) that does not exist.
    case missingFolder(path: String, namedBy: String)
    /// Every problem of one recipe file, in the order found.
    case several([RecipeError])

    case unknownRecipe(name: String, at: SourceLocation?, candidates: [String])
    case noMatch(selection: String, at: SourceLocation?, candidates: [String])
    case ambiguousSelection(selection: String, at: SourceLocation?, matches: [String])
    case unknownVariation(name: String, recipe: String, at: SourceLocation?, known: [String])
    case conflictingVariations(group: String, recipe: String, chosen: [String], at: SourceLocation?)

    case unknownInput(name: String, recipe: String, at: SourceLocation?, known: [String])
    case missingInput(name: String, recipe: String, at: SourceLocation?, declared: SourceLocation?)
    case inputType(
        name: String, recipe: String, expected: String, found: String, at: SourceLocation?,
        declared: SourceLocation? = nil)
    case badChoice(name: String, recipe: String, value: String, choices: [String], at: SourceLocation?)

    case expressionSyntax(at: SourceLocation?, expression: String, problem: String)
    case unknownReference(at: SourceLocation?, path: String, known: [String])
    case expressionType(at: SourceLocation?, expression: String, problem: String)
    case lateReference(at: SourceLocation?, path: String, field: String)
}

extension RecipeError: CustomStringConvertible {
    public var description: String {
        func prefix(_ at: SourceLocation?) -> String { at.map { "\($0): error: " } ?? "error: " }
        func list(_ names: [String]) -> String { names.map { "'\($0)'" }.joined(separator: ", ") }
        switch self {
        case .unreadable(let file, let reason):
            return "\(file): error: cannot read recipe: \(reason)"
        case .malformedYAML(let at, let problem):
            return "\(prefix(at))malformed YAML: \(problem)"
        case .unknownField(let at, let field, let context, let known):
            return "\(prefix(at))unknown field '\(field)' in \(context)\(Suggestions.hint(for: field, in: known))"
                + (known.isEmpty ? "" : " (known fields: \(known.joined(separator: ", ")))")
        case .wrongType(let at, let what, let expected, let found):
            return "\(prefix(at))\(what) must be \(expected), found \(found)"
        case .missingField(let at, let field, let context):
            return "\(prefix(at))\(context) is missing the required field '\(field)'"
        case .invalidValue(let at, let what, let problem):
            return "\(prefix(at))\(what): \(problem)"
        case .nameMismatch(let at, let name, let fileName):
            return "\(prefix(at))recipe name '\(name)' does not match its file name '\(fileName)'"
        case .notARecipe(let file, let reason):
            return
                "\(file): error: not a recipe: \(reason) (every recipe has a one-line 'summary:'; see docs/recipes.md)"
        case .missingFolder(let path, let namedBy):
            return "error: the recipe folder '\(path)' (given with \(namedBy)) does not exist"
        case .several(let errors):
            return errors.map(\.description).joined(separator: "\n")
        case .duplicateRecipe(let name, let first, let second):
            return "error: recipe '\(name)' is defined twice: in \(first) and in \(second)"
        case .unknownRecipe(let name, let at, let candidates):
            return "\(prefix(at))no recipe named '\(name)'\(Suggestions.hint(for: name, in: candidates))"
        case .noMatch(let selection, let at, let candidates):
            let shown = candidates.isEmpty ? "" : " (recipes: \(candidates.joined(separator: ", ")))"
            return "\(prefix(at))no recipe matches '\(selection)'\(shown)"
        case .ambiguousSelection(let selection, let at, let matches):
            return "\(prefix(at))'\(selection)' matches \(matches.count) recipes: \(list(matches)); "
                + "add a tag or use a name to choose one"
        case .unknownVariation(let name, let recipe, let at, let known):
            let shown = known.isEmpty ? " (it has none)" : " (variations: \(known.joined(separator: ", ")))"
            return "\(prefix(at))recipe '\(recipe)' has no variation '\(name)'"
                + "\(Suggestions.hint(for: name, in: known))\(shown)"
        case .conflictingVariations(let group, let recipe, let chosen, let at):
            return "\(prefix(at))variations \(list(chosen)) of recipe '\(recipe)' are both in group '\(group)'; "
                + "choose one"
        case .unknownInput(let name, let recipe, let at, let known):
            let shown = known.isEmpty ? " (it takes none)" : " (inputs: \(known.joined(separator: ", ")))"
            return "\(prefix(at))recipe '\(recipe)' has no input '\(name)'\(Suggestions.hint(for: name, in: known))"
                + shown
        case .missingInput(let name, let recipe, let at, let declared):
            let hint = at == nil ? "; give it as \(name)=VALUE" : ""
            return "\(prefix(at))recipe '\(recipe)' needs a value for input '\(name)' (it has no default)\(hint)"
                + (declared.map { "\n\($0): note: '\(name)' is declared here" } ?? "")
        case .inputType(let name, let recipe, let expected, let found, let at, let declared):
            return "\(prefix(at))input '\(name)' of recipe '\(recipe)' expects \(expected), found \(found)"
                + (declared.map { "\n\($0): note: '\(name)' is declared here" } ?? "")
        case .badChoice(let name, let recipe, let value, let choices, let at):
            return "\(prefix(at))input '\(name)' of recipe '\(recipe)' must be one of \(list(choices)), "
                + "found '\(value)'\(Suggestions.hint(for: value, in: choices))"
        case .expressionSyntax(let at, let expression, let problem):
            return "\(prefix(at))in expression '\(expression)': \(problem)"
        case .unknownReference(let at, let path, let known):
            let shown = known.isEmpty ? "" : " (known here: \(known.joined(separator: ", ")))"
            return "\(prefix(at))expression names nothing: '\(path)'\(Suggestions.hint(for: path, in: known))\(shown)"
        case .expressionType(let at, let expression, let problem):
            return "\(prefix(at))in expression '\(expression)': \(problem)"
        case .lateReference(let at, let path, let field):
            return "\(prefix(at))'\(path)' is not known yet where \(field) is evaluated "
                + "(only inputs, env, matrix and recipe values are)"
        }
    }
}
