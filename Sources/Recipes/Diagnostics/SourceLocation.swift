/// Where in a recipe file something was written: the file as the user would type it, line and column from 1.
public struct SourceLocation: Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
}

/// Shortens absolute paths under the working directory so diagnostics read `recipes/x.yaml:3:5`.
public enum DisplayPath {
    public static func of(_ path: String) -> String {
        let cwd = FileSystemPath.currentDirectory
        if path.hasPrefix(cwd + "/") { return String(path.dropFirst(cwd.count + 1)) }
        return path
    }
}
