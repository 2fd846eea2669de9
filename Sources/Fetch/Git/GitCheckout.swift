import Crypto

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// A repository checked out at a revision.
public struct GitCheckoutResult: Sendable {
    /// The resolved commit id (40 hex digits).
    public var commit: String
    public var path: String
}

/// Clones or updates repositories with libgit2 and checks out pinned revisions.
public enum GitCheckout {
    /// Brings a work tree at `path` to `revision` of `url`: clones it when it is not there, else fetches and
    /// checks out (local changes are discarded). Returns the commit.
    public static func cloneOrUpdate(
        url: String, revision: String?, path: String,
        progress: ((Int, Int) -> Void)? = nil,
        isCancelled: @escaping () -> Bool = { false }
    ) throws(FetchError) -> GitCheckoutResult {
        let tracker = GitProgress(report: progress ?? { _, _ in }, isCancelled: isCancelled)
        let repo: GitRepository
        if FileTools.exists(path + "/.git") {
            repo = try GitRepository.open(path)
            try repo.fetch(progress: tracker)
        } else {
            try FileTools.makeParent(of: path)
            repo = try GitRepository.clone(url, into: path, bare: false, progress: tracker)
        }
        let commit = try repo.resolve(revision)
        try repo.checkout(commit: commit)
        return GitCheckoutResult(commit: commit, path: path)
    }

    /// Writes the files of `revision` of `url` into `destination` (without `.git`), going through a bare
    /// mirror kept in `mirrors` so that a second checkout fetches only what is new. Returns the commit.
    public static func checkout(
        url: String, revision: String?, destination: String, mirrors: String,
        progress: ((Int, Int) -> Void)? = nil,
        isCancelled: @escaping () -> Bool = { false }
    ) throws(FetchError) -> GitCheckoutResult {
        let tracker = GitProgress(report: progress ?? { _, _ in }, isCancelled: isCancelled)
        let mirrorPath =
            mirrors + "/" + SHA256.hash(data: Array(url.utf8)).prefix(12).map { String(format2: $0) }.joined()
        let mirror: GitRepository
        if FileTools.exists(mirrorPath + "/HEAD") {
            mirror = try GitRepository.open(mirrorPath)
            try mirror.fetch(progress: tracker)
        } else {
            try FileTools.makeDirectories(mirrors)
            // Clone into a temporary name and rename, so a killed clone leaves no half mirror.
            let temporary = mirrorPath + ".tmp.\(getpid())"
            _ = try GitRepository.clone(url, into: temporary, bare: true, progress: tracker)
            if rename(temporary, mirrorPath) != 0 && !FileTools.exists(mirrorPath + "/HEAD") {
                throw .io("cannot move the mirror of \(url) into place: \(FileTools.errnoText())")
            }
            mirror = try GitRepository.open(mirrorPath)
        }
        let commit = try mirror.resolve(revision)
        try mirror.export(commit: commit, to: destination)
        return GitCheckoutResult(commit: commit, path: destination)
    }

    /// The libgit2 version.
    public static var libraryVersion: String { GitRepository.version }
}
