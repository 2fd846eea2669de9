import Recipes

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// File operations the cache and the run records need, over POSIX calls, with errors in words.
public enum FileOps {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let operation: String
        public let path: String
        public let reason: String
        public var description: String { "cannot \(operation) '\(path)': \(reason)" }
    }

    static func fail(_ operation: String, _ path: String) -> Failure {
        Failure(operation: operation, path: path, reason: String(cString: strerror(errno)))
    }

    /// `mkdir -p`.
    public static func makeDirectories(_ path: String) throws(Failure) {
        if FileSystemPath.kind(path) == .directory { return }
        let parent = FileSystemPath.parent(path)
        if parent != path, parent != "/", FileSystemPath.kind(parent) != .directory { try makeDirectories(parent) }
        if mkdir(path, 0o755) != 0 && errno != EEXIST { throw fail("create folder", path) }
    }

    /// `rm -rf`; symbolic links are removed, not followed.
    public static func removeTree(_ path: String) {
        var st = stat()
        guard lstat(path, &st) == 0 else { return }
        if st.st_mode & S_IFMT == S_IFDIR {
            // A read-only folder (e.g. extracted archives) must be writable to remove its children.
            chmod(path, 0o755)
            for name in FileSystemPath.list(path) { removeTree(path + "/" + name) }
            rmdir(path)
        } else {
            unlink(path)
        }
    }

    /// Writes bytes to a temporary file beside `path` and renames it into place.
    public static func writeAtomically(_ text: String, to path: String) throws(Failure) {
        let tmp = "\(path).tmp.\(getpid())"
        let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw fail("write", tmp) }
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                let e = fail("write", tmp)
                close(fd)
                unlink(tmp)
                throw e
            }
            offset += n
        }
        close(fd)
        guard rename(tmp, path) == 0 else {
            let e = fail("rename into", path)
            unlink(tmp)
            throw e
        }
    }

    public static func write(_ text: String, to path: String) throws(Failure) {
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw fail("write", path) }
        defer { close(fd) }
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw fail("write", path)
            }
            offset += n
        }
    }

    public static func move(_ from: String, to: String) throws(Failure) {
        guard rename(from, to) == 0 else { throw fail("move '\(from)' to", to) }
    }

    /// Copies a file (for logs kept with entries); a hard link when possible.
    public static func copyFile(_ from: String, to: String) throws(Failure) {
        if link(from, to) == 0 { return }
        let bytes: [UInt8]
        do { bytes = try FileSystemPath.readBytes(from) } catch {
            throw Failure(operation: "copy", path: from, reason: error.reason)
        }
        try write(String(decoding: bytes, as: UTF8.self), to: to)
    }

    /// Modification time in seconds, or nil.
    public static func modificationTime(_ path: String) -> Double? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return Double(st.st_mtim.tv_sec) + Double(st.st_mtim.tv_nsec) / 1e9
    }

    /// Total size in bytes of the files below a path.
    public static func treeSize(_ path: String) -> Int {
        var st = stat()
        guard lstat(path, &st) == 0 else { return 0 }
        if st.st_mode & S_IFMT == S_IFDIR {
            return FileSystemPath.list(path).reduce(0) { $0 + treeSize(path + "/" + $1) }
        }
        return Int(st.st_size)
    }

    /// Sets the modification time to now (marks an entry as used, for `cache gc`).
    public static func touch(_ path: String) {
        utimensat(AT_FDCWD, path, nil, 0)
    }
}
