#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Small POSIX helpers the Fetch module needs.
enum FileTools {
    static func errnoText() -> String { String(cString: strerror(errno)) }

    static func makeParent(of path: String) throws(FetchError) {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return }
        try makeDirectories(String(path[..<slash]))
    }

    static func makeDirectories(_ path: String) throws(FetchError) {
        var st = stat()
        if stat(path, &st) == 0 && st.st_mode & S_IFMT == S_IFDIR { return }
        if let slash = path.lastIndex(of: "/"), slash != path.startIndex { try makeDirectories(String(path[..<slash])) }
        if mkdir(path, 0o755) != 0 && errno != EEXIST { throw .io("cannot create '\(path)': \(errnoText())") }
    }

    static func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    static func isExecutable(_ path: String) -> Bool {
        var st = stat()
        return stat(path, &st) == 0 && st.st_mode & S_IFMT == S_IFREG && access(path, X_OK) == 0
    }

    static func size(_ path: String) -> Int? {
        var st = stat()
        return stat(path, &st) == 0 ? Int(st.st_size) : nil
    }
}

/// Pieces of a URL, without Foundation.
enum URLParts {
    static func host(of url: String) -> String? {
        guard let scheme = url.range(of: "://") else { return nil }
        var rest = url[scheme.upperBound...]
        if let at = rest.firstIndex(of: "@"), rest[..<at].firstIndex(of: "/") == nil {
            rest = rest[rest.index(after: at)...]
        }
        let end = rest.firstIndex { $0 == "/" || $0 == ":" || $0 == "?" } ?? rest.endIndex
        return String(rest[..<end])
    }
}
