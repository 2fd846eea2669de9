/// What can be wrong with an image or an image folder, with the file (and the line of a list).
public enum ImagingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A JPEG that does not decode.
    case jpeg(path: String, problem: String)
    /// A line of `val_map.txt` that is not `NAME LABEL`, names a missing file, or has a label out of range.
    case list(path: String, line: Int, problem: String)
    /// A file or folder that cannot be read or written.
    case file(path: String, problem: String)
    /// More images asked for than the folder lists.
    case count(path: String, requested: Int, available: Int)

    public var description: String {
        switch self {
        case .jpeg(let path, let problem): "\(path): error: not a JPEG image repro can decode: \(problem)"
        case .list(let path, let line, let problem): "\(path):\(line): error: \(problem)"
        case .file(let path, let problem): "\(path): error: \(problem)"
        case .count(let path, let requested, let available):
            "\(path): error: count \(requested) is larger than the \(available) images it lists"
        }
    }
}
