import Recipes

/// Errors of planning, the cache and the run records.
public enum WorkflowError: Error, Sendable {
    case recipe(RecipeError)
    case cycle(path: [String], at: SourceLocation?)
    case tooManyNodes(limit: Int, recipe: String)
    case recursionTooDeep(chain: [String], limit: Int, at: SourceLocation?)
    case noSuchOverrideTarget(String, recipes: [String])
    case unknownAction(name: String, at: SourceLocation, known: [String])
    case unknownActionParameter(action: String, name: String, at: SourceLocation?, known: [String])
    case missingActionParameter(action: String, name: String, at: SourceLocation)
    case matrixNotAList(need: String, axis: String, found: String, at: SourceLocation?)
    case pathInput(name: String, recipe: String, problem: String)
    case cache(String)
    case noSuchRun(String, known: [String])
    case noSuchNode(String, candidates: [String])
    case ambiguousNode(String, run: String, candidates: [String])
    case manifest(path: String, problem: String)
    case io(String)
}

extension WorkflowError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .recipe(let e): return e.description
        case .cycle(let path, let at):
            return "\(at.map { "\($0): " } ?? "")error: the recipes depend on each other in a cycle: "
                + path.joined(separator: " -> ")
        case .tooManyNodes(let limit, let recipe):
            return "error: the plan grew past \(limit) nodes, most of them of recipe '\(recipe)'; "
                + "is there a need that recurses without end (an 'if:' that never turns false)?"
        case .recursionTooDeep(let chain, let limit, let at):
            return "\(at.map { "\($0): " } ?? "")error: needs go more than \(limit) levels deep, a recursion "
                + "without end? (does its 'if:' ever turn false?): \(chain.joined(separator: " -> "))"
        case .noSuchOverrideTarget(let name, let recipes):
            return "error: no recipe '\(name)' in this request to set an input of (\(name).NAME=VALUE)"
                + "\(Suggestions.hint(for: name, in: recipes)) (its recipes: \(recipes.joined(separator: ", ")))"
        case .unknownAction(let name, let at, let known):
            return "\(at): error: no built-in action '\(name)'\(Suggestions.hint(for: name, in: known)) "
                + "(actions: \(known.joined(separator: ", ")))"
        case .unknownActionParameter(let action, let name, let at, let known):
            let p = at.map { "\($0): error: " } ?? "error: "
            return "\(p)action '\(action)' has no parameter '\(name)'\(Suggestions.hint(for: name, in: known)) "
                + "(parameters: \(known.joined(separator: ", ")))"
        case .missingActionParameter(let action, let name, let at):
            return "\(at): error: action '\(action)' needs the parameter '\(name)'"
        case .matrixNotAList(let need, let axis, let found, let at):
            let p = at.map { "\($0): error: " } ?? "error: "
            return "\(p)matrix axis '\(axis)' of need '\(need)' must be a list, found \(found)"
        case .pathInput(let name, let recipe, let problem):
            return "error: input '\(name)' of recipe '\(recipe)': \(problem)"
        case .cache(let message): return "error: cache: \(message)"
        case .noSuchRun(let id, let known):
            let shown =
                known.isEmpty ? " (there are no runs yet)" : " (latest: \(known.suffix(5).joined(separator: ", ")))"
            return "error: no run '\(id)'\(shown)"
        case .noSuchNode(let name, let candidates):
            return "error: no node '\(name)'\(Suggestions.hint(for: name, in: candidates))"
        case .ambiguousNode(let name, let run, let candidates):
            return "error: recipe '\(name)' has \(candidates.count) nodes in run \(run); name one: "
                + candidates.prefix(5).joined(separator: ", ") + (candidates.count > 5 ? ", ..." : "")
        case .manifest(let path, let problem): return "error: \(path): \(problem)"
        case .io(let message): return "error: \(message)"
        }
    }
}
