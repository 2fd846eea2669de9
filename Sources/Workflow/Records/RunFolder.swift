import Basics
import Recipes

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// The folder of one invocation: `runs/<id>/manifest.json` and `runs/<id>/logs/<node>.{stdout,stderr}`.
public struct RunFolder: Sendable {
    public let id: String
    public let path: String
    public var logsDir: String { path + "/logs" }
    public var manifestPath: String { path + "/manifest.json" }

    /// A new folder named by the UTC time to the millisecond and a random suffix: names sort in the order runs
    /// started, and two processes never pick the same one.
    public static func create(in runsDir: String) throws(FileOps.Failure) -> RunFolder {
        let dir = FileSystemPath.absolute(runsDir)
        try FileOps.makeDirectories(dir)
        while true {
            let now = Clock.now()
            let millis = String(Int((now - now.rounded(.down)) * 1000))
            let suffix = String(UInt8.random(in: 0...UInt8.max), radix: 16)
            let id =
                Clock.compactStamp(now) + "." + String(repeating: "0", count: 3 - millis.count) + millis + "-"
                + String(repeating: "0", count: 2 - suffix.count) + suffix
            let path = dir + "/" + id
            if mkdir(path, 0o755) == 0 {
                try FileOps.makeDirectories(path + "/logs")
                return RunFolder(id: id, path: path)
            }
            guard errno == EEXIST else { throw FileOps.fail("create run folder", path) }
        }
    }

    public init(id: String, path: String) {
        self.id = id
        self.path = path
    }

    /// The logs of a node; ids are made safe for file names.
    public func log(for nodeID: String) -> StepLog {
        let safe = RunFolder.safeName(nodeID)
        return StepLog(stdoutPath: "\(logsDir)/\(safe).stdout", stderrPath: "\(logsDir)/\(safe).stderr")
    }

    /// A node id as a file name: letters, digits and `._@=,-` kept, anything else `_`.
    public static func safeName(_ nodeID: String) -> String {
        String(
            nodeID.map { c -> Character in c.isASCII && (c.isLetter || c.isNumber || "._@=,-".contains(c)) ? c : "_" })
    }

    /// Run ids in a runs folder, oldest first.
    public static func list(in runsDir: String) -> [String] {
        FileSystemPath.list(FileSystemPath.absolute(runsDir)).filter {
            FileSystemPath.kind(FileSystemPath.absolute(runsDir) + "/" + $0 + "/manifest.json") == .file
        }
    }
}
