#if canImport(Glibc)
    @preconcurrency import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Small POSIX helpers for paths and files, without Foundation on hot paths.
public enum FileSystemPath {
    /// The process's working directory when first asked.
    public static let currentDirectory: String = {
        var buffer = [CChar](repeating: 0, count: 4096)
        guard getcwd(&buffer, buffer.count) != nil else { return "." }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }()

    /// `path` made absolute against `base` (or the working directory), with `.` and `..` folded.
    public static func absolute(_ path: String, relativeTo base: String? = nil) -> String {
        let joined = path.hasPrefix("/") ? path : (base ?? currentDirectory) + "/" + path
        var parts: [Substring] = []
        for part in joined.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                if !parts.isEmpty { parts.removeLast() }
                continue
            }
            parts.append(part)
        }
        return "/" + parts.joined(separator: "/")
    }

    public static func join(_ a: String, _ b: String) -> String {
        if b.hasPrefix("/") { return b }
        return a.hasSuffix("/") ? a + b : a + "/" + b
    }

    public static func lastComponent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return path }
        return String(path[path.index(after: slash)...])
    }

    public static func parent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        if slash == path.startIndex { return "/" }
        return String(path[..<slash])
    }

    public enum Kind: Sendable { case missing, file, directory, other }

    public static func kind(_ path: String) -> Kind {
        var st = stat()
        guard stat(path, &st) == 0 else { return .missing }
        switch st.st_mode & S_IFMT {
        case S_IFREG: return .file
        case S_IFDIR: return .directory
        default: return .other
        }
    }

    public static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    /// The whole file as bytes, or an error in words.
    public static func readBytes(_ path: String) throws(FileReadError) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw FileReadError(path: path, reason: String(cString: strerror(errno)), code: errno) }
        defer { close(fd) }
        // Straight into the result. Most files read here are small (a fully cached run reads one `meta.json` per
        // node), so fstat sizes the buffer only for a file that fills the first 8 KiB; a file that grows still
        // doubles it.
        var result = [UInt8](repeating: 0, count: 8192)
        var used = 0
        var sized = false
        while true {
            if used == result.count {
                var st = stat()
                let size = !sized && fstat(fd, &st) == 0 ? Int(st.st_size) + 1 : 0
                sized = true
                result += [UInt8](repeating: 0, count: max(result.count, size - result.count))
            }
            let n = result.withUnsafeMutableBytes { read(fd, $0.baseAddress! + used, $0.count - used) }
            if n < 0 {
                if errno == EINTR { continue }
                throw FileReadError(path: path, reason: String(cString: strerror(errno)), code: errno)
            }
            if n == 0 { break }
            used += n
        }
        result.removeLast(result.count - used)
        return result
    }

    public static func readText(_ path: String) throws(FileReadError) -> String {
        String(decoding: try readBytes(path), as: UTF8.self)
    }

    /// Names in a directory (not `.` or `..`), sorted; empty when it cannot be read.
    public static func list(_ path: String) -> [String] {
        guard let dir = opendir(path) else { return [] }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                $0.withMemoryRebound(to: CChar.self, capacity: 256) { String(cString: $0) }
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }
}

public struct FileReadError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let reason: String
    /// The C library's `errno` (`ENOENT`: there is no such file).
    public var code: Int32 = 0
    public var description: String { "cannot read '\(path)': \(reason)" }
}
