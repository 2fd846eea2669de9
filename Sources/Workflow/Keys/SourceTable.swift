import BuildInfo
import Crypto

/// The SHA-256 of each of repro's own source files, from which built-in actions get the code identity that
/// enters their keys.
///
/// An action names the files and folders that implement it (`ActionSpec.implementation`); each named path gets one
/// digest over the files below it (their paths and digests, sorted), and the map of those digests is the
/// `implementation` field of the key. Changing a file an action names changes the keys of every node using the
/// action, and so of their dependants; a file no action names (the command line's printing, the docs) changes
/// none. The table is made at build time (`BuildInfo`), so it is always the table of the running binary.
public struct SourceTable: Sendable {
    /// Path relative to the package (`Sources/Kernels/Ops/Conv2D.swift`) → SHA-256 (hex).
    public let files: [String: String]

    public init(files: [String: String]) { self.files = files }

    /// The sources this binary was built from.
    public static let build = SourceTable(files: BuildInfo.sourceDigests)

    /// The files at or below a path (a file, or a folder without the trailing slash), sorted.
    public func files(under path: String) -> [String] {
        files.keys.filter { $0 == path || $0.hasPrefix(path + "/") }.sorted()
    }

    /// One digest per named path, over the paths and digests of the files below it; a path that names no file
    /// maps to "none" (a test checks that every built-in action's paths name files).
    public func digests(of paths: [String]) -> [String: String] {
        var out: [String: String] = [:]
        for path in paths {
            let names = files(under: path)
            guard !names.isEmpty else {
                out[path] = "none"
                continue
            }
            var hasher = SHA256()
            for name in names { hasher.update(data: Array("\(files[name]!)  \(name)\n".utf8)) }
            out[path] = hasher.finalize().hexString
        }
        return out
    }

    /// The same table with one file's digest replaced (or the file added): what a source edit looks like, for
    /// tests that cannot rebuild repro.
    public func replacing(_ path: String, digest: String) -> SourceTable {
        var copy = files
        copy[path] = digest
        return SourceTable(files: copy)
    }
}
