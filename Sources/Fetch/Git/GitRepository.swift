internal import CGit2

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// A libgit2 repository handle, owned and freed here.
///
/// The corresponding C functions are `git_clone`, `git_repository_open`, `git_remote_fetch`,
/// `git_revparse_single`, `git_checkout_tree` and `git_repository_set_head_detached`. libgit2 is initialised
/// once per process. A handle is used by one thread at a time.
final class GitRepository {
    private static let initialised: Int32 = git_libgit2_init()

    let handle: OpaquePointer
    let path: String

    private init(handle: OpaquePointer, path: String) {
        self.handle = handle
        self.path = path
    }

    deinit { git_repository_free(handle) }

    /// libgit2's last error in words.
    static func lastError(_ what: String) -> FetchError {
        let message = git_error_last().map { String(cString: $0.pointee.message) } ?? "unknown error"
        return .git("\(what): \(message)")
    }

    static func open(_ path: String) throws(FetchError) -> GitRepository {
        _ = initialised
        var repo: OpaquePointer?
        guard git_repository_open(&repo, path) == 0, let repo else {
            throw lastError("cannot open the repository at \(path)")
        }
        return GitRepository(handle: repo, path: path)
    }

    /// Clones `url` into `path`; `bare` keeps no work tree.
    static func clone(_ url: String, into path: String, bare: Bool, progress: GitProgress?) throws(FetchError)
        -> GitRepository
    {
        _ = initialised
        var options = git_clone_options()
        git_clone_options_init(&options, UInt32(GIT_CLONE_OPTIONS_VERSION))
        options.bare = bare ? 1 : 0
        options.fetch_opts.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_ALL
        options.checkout_opts.checkout_strategy = UInt32(GIT_CHECKOUT_SAFE.rawValue)
        let box = progress.map { Unmanaged.passRetained($0) }
        defer { box?.release() }
        if let box {
            options.fetch_opts.callbacks.transfer_progress = gitTransferProgress
            options.fetch_opts.callbacks.payload = box.toOpaque()
        }
        var repo: OpaquePointer?
        guard git_clone(&repo, url, path, &options) == 0, let repo else {
            if progress?.cancelled == true { throw .cancelled }
            throw lastError("cannot clone \(url)")
        }
        return GitRepository(handle: repo, path: path)
    }

    /// Fetches every branch and tag from `origin`.
    func fetch(progress: GitProgress?) throws(FetchError) {
        var remote: OpaquePointer?
        guard git_remote_lookup(&remote, handle, "origin") == 0, let remote else {
            throw GitRepository.lastError("the repository at \(path) has no remote 'origin'")
        }
        defer { git_remote_free(remote) }
        var options = git_fetch_options()
        git_fetch_options_init(&options, UInt32(GIT_FETCH_OPTIONS_VERSION))
        options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_ALL
        options.prune = GIT_FETCH_PRUNE
        let box = progress.map { Unmanaged.passRetained($0) }
        defer { box?.release() }
        if let box {
            options.callbacks.transfer_progress = gitTransferProgress
            options.callbacks.payload = box.toOpaque()
        }
        guard git_remote_fetch(remote, nil, &options, nil) == 0 else {
            if progress?.cancelled == true { throw .cancelled }
            throw GitRepository.lastError("cannot fetch into \(path)")
        }
    }

    /// The commit a revision names: a remote branch, a tag, a commit id (full or abbreviated), or nil for the
    /// remote's default branch.
    func resolve(_ revision: String?) throws(FetchError) -> String {
        let candidates: [String]
        if let revision {
            candidates = ["refs/remotes/origin/\(revision)", "refs/tags/\(revision)", revision]
        } else {
            candidates = ["refs/remotes/origin/HEAD", "HEAD"]
        }
        for spec in candidates {
            var object: OpaquePointer?
            guard git_revparse_single(&object, handle, spec) == 0, let object else { continue }
            defer { git_object_free(object) }
            var commit: OpaquePointer?
            guard git_object_peel(&commit, object, GIT_OBJECT_COMMIT) == 0, let commit else { continue }
            defer { git_object_free(commit) }
            return GitRepository.hex(git_object_id(commit))
        }
        throw .git("no branch, tag or commit '\(revision ?? "HEAD")' in \(path)")
    }

    /// The id and object of a commit (the caller frees the object).
    func lookup(commit: String) throws(FetchError) -> (git_oid, OpaquePointer) {
        var oid = git_oid()
        guard git_oid_fromstr(&oid, commit) == 0 else { throw .git("'\(commit)' is not a commit id") }
        var object: OpaquePointer?
        guard git_object_lookup(&object, handle, &oid, GIT_OBJECT_COMMIT) == 0, let object else {
            throw GitRepository.lastError("commit \(commit) is not in \(path)")
        }
        return (oid, object)
    }

    /// Checks out a commit into the work tree (discarding local changes) and detaches HEAD there.
    func checkout(commit: String) throws(FetchError) {
        var (oid, object) = try lookup(commit: commit)
        defer { git_object_free(object) }
        var options = git_checkout_options()
        git_checkout_options_init(&options, UInt32(GIT_CHECKOUT_OPTIONS_VERSION))
        options.checkout_strategy = UInt32(GIT_CHECKOUT_FORCE.rawValue | GIT_CHECKOUT_REMOVE_UNTRACKED.rawValue)
        guard git_checkout_tree(handle, object, &options) == 0 else {
            throw GitRepository.lastError("cannot check out \(commit)")
        }
        guard git_repository_set_head_detached(handle, &oid) == 0 else {
            throw GitRepository.lastError("cannot move HEAD to \(commit)")
        }
    }

    /// Writes the files of a commit's tree into `directory` (no `.git`), as `git archive` would; works on a
    /// bare repository too.
    func export(commit: String, to directory: String) throws(FetchError) {
        let (_, object) = try lookup(commit: commit)
        defer { git_object_free(object) }
        try FileTools.makeDirectories(directory)
        var options = git_checkout_options()
        git_checkout_options_init(&options, UInt32(GIT_CHECKOUT_OPTIONS_VERSION))
        options.checkout_strategy = UInt32(GIT_CHECKOUT_FORCE.rawValue | GIT_CHECKOUT_DONT_UPDATE_INDEX.rawValue)
        let result = directory.withCString { dir -> Int32 in
            options.target_directory = dir
            return git_checkout_tree(handle, object, &options)
        }
        guard result == 0 else { throw GitRepository.lastError("cannot write commit \(commit) to \(directory)") }
    }

    static func hex(_ oid: UnsafePointer<git_oid>?) -> String {
        guard let oid else { return "" }
        var buffer = [CChar](repeating: 0, count: 41)
        git_oid_tostr(&buffer, 41, oid)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The version of libgit2.
    static var version: String {
        var major: Int32 = 0
        var minor: Int32 = 0
        var rev: Int32 = 0
        git_libgit2_version(&major, &minor, &rev)
        return "\(major).\(minor).\(rev)"
    }
}

/// Progress of a clone or fetch, and the way to stop one.
final class GitProgress {
    let report: (Int, Int) -> Void
    let isCancelled: () -> Bool
    var cancelled = false

    init(report: @escaping (Int, Int) -> Void, isCancelled: @escaping () -> Bool) {
        self.report = report
        self.isCancelled = isCancelled
    }
}

/// libgit2's transfer progress callback: reports objects received and aborts when cancelled.
let gitTransferProgress: git_indexer_progress_cb = { stats, payload in
    guard let payload else { return 0 }
    let progress = Unmanaged<GitProgress>.fromOpaque(payload).takeUnretainedValue()
    if progress.isCancelled() {
        progress.cancelled = true
        return -1
    }
    if let stats { progress.report(Int(stats.pointee.received_objects), Int(stats.pointee.total_objects)) }
    return 0
}
