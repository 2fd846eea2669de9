import Recipes

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Entries that cannot change behind the cache's back: their files are made read-only when they are committed,
/// and each reuse checks every file's size and modification time against `meta.json`, re-hashing only a file
/// whose size or time moved. (Read-only does not stop the root user or a `chmod`; the check is what holds.)
extension CacheStore {
    /// Makes a finished build's files read-only (`out/` and its folders, `meta.json`, `key.json`, `log/`) before
    /// it is renamed into place. The entry's own folder stays writable, so it can still be renamed and removed.
    public func seal(_ staging: Staging) {
        CacheStore.makeReadOnly(staging.outDir)
        for name in ["meta.json", "key.json"] { CacheStore.makeReadOnly(staging.path + "/" + name) }
        for name in FileSystemPath.list(staging.logDir) { CacheStore.makeReadOnly(staging.logDir + "/" + name) }
    }

    static func makeReadOnly(_ path: String) {
        var st = stat()
        guard lstat(path, &st) == 0 else { return }
        switch st.st_mode & S_IFMT {
        case S_IFDIR:
            for name in FileSystemPath.list(path) { makeReadOnly(path + "/" + name) }
            chmod(path, 0o555)
        case S_IFREG: chmod(path, st.st_mode & 0o555)  // every write bit off, the rest (x for programs) kept
        default: break
        }
    }

    /// How an entry's files differ from its record, or nil when they do not: each file's size and modification
    /// time are compared with `meta.json` (one `lstat` each); a file whose size or time moved is hashed again,
    /// and only a different digest counts. Files added to `out/` are not looked for here (`repro cache verify`
    /// finds them).
    public func changeSinceRecorded(_ meta: EntryMeta) -> String? {
        let out = outPath(meta.entryKey)
        for record in meta.files {
            let path = out + "/" + record.path
            var st = stat()
            guard lstat(path, &st) == 0 else { return "out/\(record.path) is missing" }
            if let target = record.linkTarget {
                var buffer = [CChar](repeating: 0, count: 4096)
                let n = readlink(path, &buffer, buffer.count - 1)
                let now = n >= 0 ? String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
                if now != target { return "out/\(record.path) points elsewhere (\(now), recorded \(target))" }
                continue
            }
            let size = Int(st.st_size)
            if size == record.size, let modified = record.modified, Digests.nanoseconds(st.st_mtim) == modified {
                continue
            }
            if size == record.size && record.modified == nil { continue }  // an entry made before times were kept
            guard let now = try? Digests.file(path) else { return "out/\(record.path) cannot be read" }
            if now.sha256 != record.sha256 {
                return "out/\(record.path) changed (\(record.size) bytes recorded, \(now.size) now; sha256 "
                    + "\(now.sha256.prefix(12)), recorded \(record.sha256.prefix(12)))"
            }
        }
        return nil
    }
}
