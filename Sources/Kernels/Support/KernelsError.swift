/// What can be wrong with data, weights and settings of the kernels, naming the file and the problem.
public enum KernelsError: Error, Sendable, CustomStringConvertible {
    case file(path: String, problem: String)
    case data(path: String, line: Int, problem: String)
    case setting(String)
    case cancelled

    public var description: String {
        switch self {
        case .file(let path, let problem): "\(path): \(problem)"
        case .data(let path, let line, let problem): "\(path):\(line): \(problem)"
        case .setting(let m): m
        case .cancelled: "cancelled"
        }
    }
}
