import Submission

/// Why a published MLPerf result cannot be planned for reproduction here. Nothing has run when one is thrown.
public enum PublishedReproductionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The folder, or a file in it, cannot be read as a published result.
    case folder(PublishedResultError)
    /// A benchmark repro has no recipe for.
    case cannotReproduce(benchmark: String, path: String, needs: String)
    /// A `user.conf` that does not read (its file, line and problem).
    case userConf(String)
    /// A file that reads but lacks what a reproduction needs.
    case unusable(path: String, problem: String)
    /// An input given as `name=value` that is not one.
    case unknownInput(name: String, known: [String])
    case badInput(name: String, problem: String)
    /// What must be given before the request can run.
    case missingInputs([String])

    public var description: String {
        switch self {
        case .folder(let e): e.description
        case .cannotReproduce(let benchmark, let path, let needs):
            "cannot reproduce here: \(path) is a result of \(benchmark), which would need \(needs)"
        case .userConf(let problem): "error: \(problem)"
        case .unusable(let path, let problem): "error: \(path): \(problem)"
        case .unknownInput(let name, let known):
            "error: unknown input '\(name)' (known: \(known.joined(separator: ", ")))"
        case .badInput(let name, let problem): "error: input '\(name)': \(problem)"
        case .missingInputs(let what):
            "error: cannot run yet; give " + what.joined(separator: "; ") + " (--plan shows the whole request)"
        }
    }
}
