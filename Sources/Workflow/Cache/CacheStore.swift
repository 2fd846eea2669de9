import Recipes

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// The content-addressed cache: finished entries, refs to the newest entry of volatile and measured nodes,
/// per-key locks, and staging folders where entries are built.
///
/// Layout under the root: `entries/<key>/{meta.json,key.json,out/,log/}`, `refs/<node key>`,
/// `locks/<key>.lock`, `tmp/<key>.<host>.<pid>.<n>/`. An entry appears only by an atomic rename of a complete
/// staging folder, so a failed or killed step never leaves a partial entry.
public final class CacheStore: Sendable {
    public let root: String

    public init(root: String) {
        self.root = FileSystemPath.absolute(root)
    }

    public var entriesDir: String { root + "/entries" }
    public var refsDir: String { root + "/refs" }
    public var locksDir: String { root + "/locks" }
    public var stagingDir: String { root + "/tmp" }

    public func entryPath(_ key: String) -> String { entriesDir + "/" + key }
    public func outPath(_ key: String) -> String { entriesDir + "/" + key + "/out" }

    /// Creates the folders (cheap when they exist).
    public func prepare() throws(FileOps.Failure) {
        for dir in [entriesDir, refsDir, locksDir, stagingDir] { try FileOps.makeDirectories(dir) }
    }

    /// True when a complete entry exists (its `meta.json` is written last, inside the staging folder).
    public func hasEntry(_ key: String) -> Bool {
        access(entriesDir + "/" + key + "/meta.json", F_OK) == 0
    }

    /// What the cache holds for a key: no complete entry, an entry whose record cannot be read, or the record.
    public enum Lookup: Sendable {
        case missing
        case unreadable
        case entry(EntryMeta)
    }

    /// The entry of a key, in one open of its `meta.json` (written last, so present only for a complete entry):
    /// a fully cached run looks up every node.
    public func lookup(_ key: String) -> Lookup {
        let bytes: [UInt8]
        do { bytes = try FileSystemPath.readBytes(entriesDir + "/" + key + "/meta.json") } catch {
            return error.code == ENOENT ? .missing : .unreadable
        }
        return EntryMeta(jsonBytes: bytes).map(Lookup.entry) ?? .unreadable
    }

    /// The entry's record, or nil when missing or unreadable.
    public func meta(_ key: String) -> EntryMeta? {
        guard let bytes = try? FileSystemPath.readBytes(entriesDir + "/" + key + "/meta.json") else { return nil }
        return EntryMeta(jsonBytes: bytes)
    }

    /// The newest entry made for a volatile or measured node key.
    public func ref(_ nodeKey: String) -> String? {
        guard let text = try? FileSystemPath.readText(refsDir + "/" + nodeKey) else { return nil }
        let key = text.trimmingCharacters(in: "\n ")
        return key.isEmpty ? nil : key
    }

    public func setRef(_ nodeKey: String, to entryKey: String) throws(FileOps.Failure) {
        try FileOps.writeAtomically(entryKey + "\n", to: refsDir + "/" + nodeKey)
    }

    public func lockPath(_ key: String) -> String { locksDir + "/" + key + ".lock" }

    /// A folder to build one entry in.
    public struct Staging: Sendable {
        public let path: String
        public var outDir: String { path + "/out" }
        public var workDir: String { path + "/work" }
        public var logDir: String { path + "/log" }
    }

    /// Makes a fresh staging folder for a key. Call with the key's lock held.
    public func stage(_ key: String) throws(FileOps.Failure) -> Staging {
        removeStaleStaging(for: key)
        let staging = Staging(
            path: "\(stagingDir)/\(key).\(HostInfo.hostname).\(getpid()).\(UInt32.random(in: 0...UInt32.max))")
        try FileOps.makeDirectories(staging.outDir)
        try FileOps.makeDirectories(staging.workDir)
        try FileOps.makeDirectories(staging.logDir)
        try FileOps.write("{\"host\":\"\(HostInfo.hostname)\",\"pid\":\(getpid())}\n", to: staging.path + "/owner.json")
        return staging
    }

    /// Removes staging folders of a key left by a process that died (the caller holds the key's lock, so no
    /// live process is building them). A step's process group still running from a killed `repro` on this
    /// host is stopped first.
    public func removeStaleStaging(for key: String) {
        for name in FileSystemPath.list(stagingDir) where name.hasPrefix(key + ".") {
            let path = stagingDir + "/" + name
            ProcessGroups.stopOrphan(recordedIn: path + "/pgid")
            FileOps.removeTree(path)
        }
    }

    /// Moves a finished staging folder into `entries/<entryKey>`. When an entry of that key exists already
    /// (a volatile node whose outputs did not change, or a `--fresh` rebuild), `replace` decides.
    /// Returns the entry's path.
    @discardableResult
    public func commit(_ staging: Staging, entryKey: String, replace: Bool) throws(FileOps.Failure) -> String {
        let target = entryPath(entryKey)
        FileOps.removeTree(staging.workDir)
        unlink(staging.path + "/owner.json")
        unlink(staging.path + "/pgid")
        if FileSystemPath.exists(target) {
            if !replace && hasEntry(entryKey) {
                FileOps.removeTree(staging.path)
                FileOps.touch(target)
                return target
            }
            let trash = "\(stagingDir)/\(entryKey).replaced.\(getpid())"
            try FileOps.move(target, to: trash)
            FileOps.removeTree(trash)
        }
        try FileOps.move(staging.path, to: target)
        return target
    }

    public func discard(_ staging: Staging) {
        FileOps.removeTree(staging.path)
    }
}
