import Basics
import Recipes

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// `repro cache ls | rm | gc | verify`.
extension CacheStore {
    /// Every entry key, sorted.
    public func entryKeys() -> [String] {
        FileSystemPath.list(entriesDir).filter { !$0.hasPrefix(".") }
    }

    /// The keys that start with a prefix (at least 4 characters), or an error listing what matched.
    public func resolve(prefix: String) throws(WorkflowError) -> String {
        guard prefix.count >= 4 else { throw .cache("give at least 4 characters of a key, found '\(prefix)'") }
        let matches = entryKeys().filter { $0.hasPrefix(prefix) }
        if matches.count == 1 { return matches[0] }
        if matches.isEmpty { throw .cache("no entry starts with '\(prefix)'") }
        throw .cache(
            "'\(prefix)' matches \(matches.count) entries: \(matches.prefix(5).map { String($0.prefix(16)) }.joined(separator: ", "))"
        )
    }

    /// Removes an entry under its lock (waits for a build in progress of the same key).
    public func remove(_ key: String) throws(WorkflowError) {
        let lock: FileLock?
        do { lock = try FileLock.acquire(lockPath(key)) } catch { throw .cache("\(error)") }
        defer { lock?.unlock() }
        let trash = "\(stagingDir)/\(key).removed.\(getpid())"
        do { try FileOps.move(entryPath(key), to: trash) } catch { throw .cache("\(error)") }
        FileOps.removeTree(trash)
    }

    /// What `gc` removed (or, in a dry run, would remove).
    public struct GCReport: Sendable {
        public struct Removed: Sendable {
            public enum Kind: String, Sendable {
                case staging = "abandoned build"
                case entry
                case lock = "lock file"
            }

            public var kind: Kind
            public var key: String
            /// The entry's node and recipe, when its record is readable.
            public var node: String?
            public var bytes: Int
            public var reason: String
        }

        public var removed: [Removed] = []
        public var staging: Int { removed.filter { $0.kind == .staging }.count }
        public var entries: Int { removed.filter { $0.kind == .entry }.count }
        public var locks: Int { removed.filter { $0.kind == .lock }.count }
        public var bytes: Int { removed.reduce(0) { $0 + $1.bytes } }
    }

    /// Removes staging folders nobody is building, lock files nobody holds, volatile and measured entries no
    /// ref points to that were not used for `unreferencedDays`, and any entry unused for `olderThanDays`.
    /// A dry run removes nothing (and stops no process) and reports what it would remove.
    public func gc(unreferencedDays: Double = 30, olderThanDays: Double? = nil, dryRun: Bool = false) -> GCReport {
        var report = GCReport()
        let now = Clock.now()
        for name in FileSystemPath.list(stagingDir) {
            let key = String(name.prefix { $0 != "." })
            guard let lock = FileLock.tryAcquire(lockPath(key)) else { continue }
            let path = stagingDir + "/" + name
            report.removed.append(
                .init(
                    kind: .staging, key: key, node: nil, bytes: FileOps.treeSize(path),
                    reason: "nobody is building it"))
            if !dryRun {
                ProcessGroups.stopOrphan(recordedIn: path + "/pgid")
                FileOps.removeTree(path)
            }
            lock.unlock()
        }
        let referenced = Set(FileSystemPath.list(refsDir).compactMap { ref($0) })
        for key in entryKeys() {
            let path = entryPath(key)
            let age = (now - (FileOps.modificationTime(path) ?? now)) / 86400
            let m = meta(key)
            var reason: String?
            if let olderThanDays, age > olderThanDays { reason = "not used for \(Int(age)) days" }
            if reason == nil, !referenced.contains(key), age > unreferencedDays, let m, m.policy != .reuse {
                reason = "a superseded \(m.policy.rawValue) result, \(Int(age)) days old"
            }
            if !hasEntry(key) { reason = "incomplete (no meta.json)" }
            guard let reason, let lock = FileLock.tryAcquire(lockPath(key)) else { continue }
            report.removed.append(
                .init(kind: .entry, key: key, node: m?.nodeID, bytes: FileOps.treeSize(path), reason: reason))
            if !dryRun { FileOps.removeTree(path) }
            lock.unlock()
        }
        if dryRun { return report }
        for ref in FileSystemPath.list(refsDir) where !(self.ref(ref).map(hasEntry) ?? false) {
            unlink(refsDir + "/" + ref)
        }
        // Lock files of gone entries, once idle for a day: a process that opened one just before it was removed
        // could otherwise lock a file nobody else sees (harmless, but it would build twice).
        for name in FileSystemPath.list(locksDir) where name.hasSuffix(".lock") {
            let key = String(name.dropLast(5))
            let path = locksDir + "/" + name
            if FileSystemPath.exists(entryPath(key)) || now - (FileOps.modificationTime(path) ?? now) < 86400 {
                continue
            }
            guard let lock = FileLock.tryAcquire(locksDir + "/" + name) else { continue }
            unlink(locksDir + "/" + name)
            lock.unlock()
            report.removed.append(.init(kind: .lock, key: key, node: nil, bytes: 0, reason: "its entry is gone"))
        }
        return report
    }

    /// A problem `verify` found in an entry.
    public struct Problem: Sendable, CustomStringConvertible {
        public var key: String
        public var message: String
        public var description: String { "\(key.prefix(16)): \(message)" }
    }

    /// Re-hashes the files of entries against their `meta.json`.
    public func verify(_ keys: [String]? = nil, progress: ((Int, Int) -> Void)? = nil) -> [Problem] {
        var problems: [Problem] = []
        let all = keys ?? entryKeys()
        for (n, key) in all.enumerated() {
            progress?(n, all.count)
            guard hasEntry(key) else {
                problems.append(
                    Problem(key: key, message: "no meta.json (an incomplete entry; 'repro cache gc' removes it)"))
                continue
            }
            guard let meta = meta(key) else {
                problems.append(Problem(key: key, message: "meta.json is unreadable or from another version"))
                continue
            }
            if meta.entryKey != key {
                problems.append(
                    Problem(key: key, message: "meta.json names another entry (\(meta.entryKey.prefix(16)))"))
            }
            let actual: [Digests.FileRecord]
            do { actual = try Digests.tree(outPath(key)) } catch {
                problems.append(Problem(key: key, message: "\(error)"))
                continue
            }
            let expected = Dictionary(meta.files.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
            let found = Dictionary(actual.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
            for (path, record) in expected.sorted(by: { $0.key < $1.key }) {
                guard let f = found[path] else {
                    problems.append(Problem(key: key, message: "out/\(path) is missing"))
                    continue
                }
                if f.sha256 != record.sha256 {
                    problems.append(
                        Problem(
                            key: key,
                            message:
                                "out/\(path) changed (sha256 \(f.sha256.prefix(12)), recorded \(record.sha256.prefix(12)))"
                        ))
                }
            }
            for path in found.keys.sorted() where expected[path] == nil {
                problems.append(Problem(key: key, message: "out/\(path) was added after the entry was made"))
            }
        }
        return problems
    }

    /// Staging folders left by processes that died (nobody holds their key's lock).
    public func staleStaging() -> [String] {
        FileSystemPath.list(stagingDir).filter { name in
            let key = String(name.prefix { $0 != "." })
            guard let lock = FileLock.tryAcquire(lockPath(key)) else { return false }
            lock.unlock()
            return true
        }
    }
}
