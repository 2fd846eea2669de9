/// Why a folder of an MLCommons results repository cannot be read as a published result. Each names the file.
public enum PublishedResultError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No submitter folder (one holding `systems/` and `results/`) at or above the path.
    case notAResultsFolder(path: String)
    /// No result matches what was asked; `available` lists the results there are.
    case noResult(folder: String, asked: String, available: [String])
    /// Several results match; one must be picked.
    case severalResults(folder: String, candidates: [String])
    case missingFile(path: String, what: String)
    case notJSON(path: String, problem: String)
    /// A system description without the fields a reproduction compares with this machine.
    case missingFields(path: String, fields: [String])
    /// A detail log that does not parse: the file and line.
    case detailLog(problem: String)
    /// A detail log without an entry a reproduction needs.
    case incompleteLog(path: String, missing: [String])
    /// The detail log says another scenario than its folder.
    case scenarioMismatch(path: String, folder: String, logged: String)

    public var description: String {
        switch self {
        case .notAResultsFolder(let path):
            "error: \(path) is not a results folder: no submitter folder (one holding systems/ and results/) at or "
                + "above it; give a submitter folder of an MLCommons results repository (closed/ORG), a system, "
                + "benchmark or scenario folder inside one, or a folder made by scripts/publish"
        case .noResult(let folder, let asked, let available):
            "error: \(folder) has no result \(asked)"
                + (available.isEmpty ? " (it has no results)" : "; it has:\n" + list(available))
        case .severalResults(let folder, let candidates):
            "error: \(folder) holds \(candidates.count) results; pick one with system=, benchmark= and scenario=:\n"
                + list(candidates)
        case .missingFile(let path, let what): "error: \(path): missing (\(what))"
        case .notJSON(let path, let problem): "error: \(path): not a JSON object: \(problem)"
        case .missingFields(let path, let fields):
            "error: \(path): the system description lacks "
                + fields.map { "'\($0)'" }.joined(separator: ", ")
                + " (a reproduction compares them with this machine)"
        case .detailLog(let problem): "error: \(problem) (expected LoadGen's mlperf_log_detail.txt)"
        case .incompleteLog(let path, let missing):
            "error: \(path): no " + missing.map { "'\($0)'" }.joined(separator: ", ")
                + " entry (a LoadGen detail log of a performance run has them)"
        case .scenarioMismatch(let path, let folder, let logged):
            "error: \(path): the log is of scenario \(logged), but its folder says \(folder)"
        }
    }

    private func list(_ items: [String]) -> String {
        let shown = items.prefix(20).map { "  " + $0 }
        return (shown + (items.count > 20 ? ["  … and \(items.count - 20) more"] : [])).joined(separator: "\n")
    }
}
