import Workflow

/// Why a published result cannot be read at all (everything else about it is a verdict line).
public enum ReproductionError: Error, Sendable, CustomStringConvertible {
    case notFound(path: String)
    case manifest(WorkflowError)
    case noRequests(path: String)

    public var description: String {
        switch self {
        case .notFound(let path): "error: \(path) does not exist (expected a manifest.json or a folder with one)"
        case .manifest(let e): e.description
        case .noRequests(let path): "error: \(path) has no requests to run again"
        }
    }
}
