import Recipes
import Workflow

/// `fetch`: a file over http(s) or from a file URL, verified by SHA-256 as it streams to disk, and by MD5 where
/// that is what the publisher gives (MLPerf's model files).
public struct FetchSpec: ActionSpec {
    public let name = "fetch"
    public let outputs: [String]? = ["path", "sha256", "md5", "size", "url"]
    public let version = "1"
    public var implementation: [String] { ImplementationSources.getting }
    public let summary = "download a file (http, https, file), verify its sha256 and/or md5, resume, retry, try mirrors"
    public let parameters = [
        ActionParameter("url", .string, required: true, doc: "where to get it"),
        ActionParameter(
            "sha256", .string, required: true,
            doc: "the expected SHA-256 (hex); 'none' accepts any content and makes the step volatile (unless md5)"),
        ActionParameter(
            "md5", .string,
            doc:
                "the expected MD5 (hex), for files published with one; the output's sha256 is still what keys dependants"
        ),
        ActionParameter("mirrors", .list, doc: "more URLs, tried in order after 'url'"),
        ActionParameter("filename", .string, doc: "the file name in the output folder (default: the URL's last part)"),
        ActionParameter("retries", .int, doc: "further attempts per source after a transient failure (default 3)"),
        ActionParameter("connect-timeout", .float, doc: "seconds to connect (default 30)"),
        ActionParameter(
            "low-speed-limit", .int, doc: "bytes per second below which the transfer is too slow (default 1024)"),
        ActionParameter("low-speed-time", .float, doc: "seconds of too slow before giving up (default 30)"),
        ActionParameter("headers", .list, doc: "extra HTTP headers, 'Name: value'"),
    ]

    public init() {}

    public static func noChecksum(_ with: [String: Value]) -> Bool {
        with["sha256"]?.stringValue?.lowercased() == "none" && (with["md5"] ?? .null) == .null
    }

    public func defaultPolicy(with: [String: Value]) -> CachePolicy? { FetchSpec.noChecksum(with) ? .volatile : nil }

    public func warnings(with: [String: Value]) -> [String] {
        guard FetchSpec.noChecksum(with) else { return [] }
        return [
            "fetch of \(with["url"]?.interpolated ?? "?") has 'sha256: none': its content is not verified, "
                + "and it is fetched again on every run"
        ]
    }
}

/// `git`: the files of a repository at a revision, through a mirror kept in the cache.
public struct GitSpec: ActionSpec {
    public let name = "git"
    public let outputs: [String]? = ["commit", "path"]
    public let version = "1"
    public var implementation: [String] { ImplementationSources.getting }
    public let summary = "check out a git repository at a commit, tag or branch (libgit2); output its commit id"
    public let parameters = [
        ActionParameter("url", .string, required: true, doc: "the repository (https, ssh or file URL, or a path)"),
        ActionParameter("revision", .string, doc: "a commit id, tag or branch (default: the remote's default branch)"),
        ActionParameter("path", .string, doc: "the folder in the output (default 'src')"),
    ]

    public init() {}

    /// A full commit id cannot move: reuse it. A branch or tag can: look again every run, and let the resolved
    /// commit decide whether dependants run again.
    public func defaultPolicy(with: [String: Value]) -> CachePolicy? {
        let rev = with["revision"]?.stringValue ?? ""
        let isCommit = rev.count == 40 && rev.allSatisfy { $0.isHexDigit }
        return isCommit ? nil : .volatile
    }
}

/// `extract`: an archive unpacked with libarchive, refusing entries that would leave the destination.
public struct ExtractSpec: ActionSpec {
    public let name = "extract"
    public let outputs: [String]? = ["path", "entries", "bytes"]
    public let version = "1"
    public var implementation: [String] { ImplementationSources.getting }
    public let summary = "unpack .tar(.gz|.xz|.bz2|.zst), .zip, or a lone .gz/.xz/.bz2 file (libarchive)"
    public let parameters = [
        ActionParameter("archive", .path, required: true, doc: "the archive file"),
        ActionParameter("into", .string, doc: "the folder in the output (default: the output folder itself)"),
        ActionParameter("strip-components", .int, doc: "leading path components to drop, as tar does (default 0)"),
    ]

    public init() {}
}

/// `detect`: a program or library on this machine, its version checked against a constraint.
public struct DetectSpec: ActionSpec {
    public let name = "detect"
    public let outputs: [String]? = ["path", "version"]
    public let version = "1"
    public var implementation: [String] { ImplementationSources.getting }
    public let summary = "find a program (PATH or given folders) or a library (pkg-config) and check its version"
    public let parameters = [
        ActionParameter("program", .string, doc: "a program name (or path); give this or 'library'"),
        ActionParameter("library", .string, doc: "a pkg-config package name"),
        ActionParameter("version", .string, doc: "a constraint such as '>=3.8,<4'"),
        ActionParameter("places", .list, doc: "folders to search instead of PATH"),
        ActionParameter(
            "version-args", .list, doc: "arguments that make the program print its version (default --version)"),
    ]

    public init() {}

    /// A tool can change under repro's feet: look every time; dependants re-run only when path or version changed.
    public func defaultPolicy(with: [String: Value]) -> CachePolicy? { .volatile }
}
