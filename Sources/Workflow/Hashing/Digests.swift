import Crypto
import Recipes

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// SHA-256 of files and folders, streamed in large reads.
public enum Digests {
    /// One file or folder that could not be hashed.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public let path: String
        public let reason: String
        public var description: String { "cannot hash '\(path)': \(reason)" }
    }

    /// SHA-256 (hex) and size of a file's bytes.
    public static func file(_ path: String) throws(Failure) -> (sha256: String, size: Int) {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        var hasher = SHA256()
        var size = 0
        let bufferSize = 1 << 20
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bufferSize, alignment: 64)
        defer { buffer.deallocate() }
        while true {
            let n = read(fd, buffer.baseAddress, bufferSize)
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(path: path, reason: String(cString: strerror(errno)))
            }
            if n == 0 { break }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            size += n
        }
        return (hasher.finalize().hexString, size)
    }

    /// One file of a tree, as entries record it.
    public struct FileRecord: Sendable, Equatable {
        public var path: String
        public var sha256: String
        public var size: Int
        public var executable: Bool
        /// For symbolic links: where the link points (then `sha256` is of that text).
        public var linkTarget: String?
        /// The file's modification time when it was hashed (nanoseconds since 1970), so a reuse can tell cheaply
        /// that it has not changed since; nil where it is not recorded (manifests, older entries).
        public var modified: Int64? = nil
    }

    /// Every file below `root` (sorted by relative path), with digests. Symbolic links are recorded, not followed.
    public static func tree(_ root: String) throws(Failure) -> [FileRecord] {
        var records: [FileRecord] = []
        try walk(root, relative: "", into: &records)
        return records.sorted { $0.path < $1.path }
    }

    private static func walk(_ root: String, relative: String, into records: inout [FileRecord]) throws(Failure) {
        let dir = relative.isEmpty ? root : root + "/" + relative
        for name in FileSystemPath.list(dir) {
            let rel = relative.isEmpty ? name : relative + "/" + name
            let full = root + "/" + rel
            var st = stat()
            guard lstat(full, &st) == 0 else { throw Failure(path: full, reason: String(cString: strerror(errno))) }
            switch st.st_mode & S_IFMT {
            case S_IFDIR: try walk(root, relative: rel, into: &records)
            case S_IFREG:
                let (sha, size) = try file(full)
                records.append(
                    FileRecord(
                        path: rel, sha256: sha, size: size,
                        executable: st.st_mode & 0o111 != 0, linkTarget: nil, modified: Digests.nanoseconds(st.st_mtim))
                )
            case S_IFLNK:
                var buffer = [CChar](repeating: 0, count: 4096)
                let n = readlink(full, &buffer, buffer.count - 1)
                let target = n >= 0 ? String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : ""
                records.append(
                    FileRecord(
                        path: rel, sha256: SHA256.hex(of: Array(target.utf8)), size: 0,
                        executable: false, linkTarget: target))
            default: continue
            }
        }
    }

    /// A `timespec` as nanoseconds since 1970.
    static func nanoseconds(_ t: timespec) -> Int64 { Int64(t.tv_sec) * 1_000_000_000 + Int64(t.tv_nsec) }

    /// One digest for a whole tree: paths, modes and contents.
    public static func treeDigest(_ records: [FileRecord]) -> String {
        var hasher = SHA256()
        for r in records {
            let line = "\(r.path)\0\(r.executable ? "x" : "-")\0\(r.linkTarget ?? "")\0\(r.sha256)\n"
            hasher.update(data: Array(line.utf8))
        }
        return hasher.finalize().hexString
    }

    /// SHA-256 of a file or of a whole folder (then the tree digest).
    public static func path(_ path: String) throws(Failure) -> String {
        switch FileSystemPath.kind(path) {
        case .file: return try file(path).sha256
        case .directory: return treeDigest(try tree(path))
        case .missing: throw Failure(path: path, reason: "no such file or folder")
        case .other: throw Failure(path: path, reason: "not a regular file or folder")
        }
    }

    /// SHA-256 (hex) of a string.
    public static func text(_ s: String) -> String { SHA256.hex(of: Array(s.utf8)) }

    /// SHA-256 (hex) of bytes.
    public static func bytes(_ b: [UInt8]) -> String { SHA256.hex(of: b) }
}
