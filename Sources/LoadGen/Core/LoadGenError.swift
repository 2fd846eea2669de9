/// What can go wrong in a LoadGen run, in words.
public enum LoadGenError: Error, Sendable, CustomStringConvertible {
    case config(path: String, line: Int, problem: String)
    case settings(String)
    case io(String)
    case sut(String)

    public var description: String {
        switch self {
        case .config(let path, let line, let problem): "\(path):\(line): \(problem)"
        case .settings(let m), .io(let m), .sut(let m): m
        }
    }
}
