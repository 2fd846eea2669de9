import Recipes

/// The run records in a runs folder: find a run by id, prefix or `last`, and read its manifest.
public struct RunStore: Sendable {
    public let directory: String

    public init(directory: String) { self.directory = FileSystemPath.absolute(directory) }

    /// Run ids, oldest first.
    public var ids: [String] { RunFolder.list(in: directory) }

    /// `last`, `last~1`…, a full id, or a unique prefix.
    public func resolve(_ name: String) throws(WorkflowError) -> String {
        let all = ids
        if name == "last" || name.hasPrefix("last~") {
            let back = name == "last" ? 0 : Int(name.dropFirst(5)) ?? -1
            guard back >= 0, back < all.count else { throw .noSuchRun(name, known: all) }
            return all[all.count - 1 - back]
        }
        if all.contains(name) { return name }
        let matches = all.filter { $0.hasPrefix(name) }
        if matches.count == 1 { return matches[0] }
        throw .noSuchRun(name, known: matches.isEmpty ? all : matches)
    }

    public func manifestPath(_ id: String) -> String { directory + "/" + id + "/manifest.json" }

    public func manifest(_ id: String) throws(WorkflowError) -> Manifest {
        try Manifest.read(manifestPath(id))
    }
}
