/// What went wrong getting something, in words a user can act on.
public enum FetchError: Error, Sendable {
    case setup(String)
    case http(status: Int, url: String)
    case hostNotFound(host: String, url: String)
    case connectionRefused(url: String)
    case tls(message: String, url: String)
    case timedOut(what: String, url: String)
    case transfer(message: String, url: String)
    case checksumMismatch(url: String, expected: String, actual: String)
    case everySourceFailed([FetchError])
    case io(String)
    case cancelled
    case git(String)
    case unsafeEntry(archive: String, entry: String, reason: String)
    case archive(archive: String, problem: String)
    case notFound(what: String, searched: [String])
    case versionMismatch(tool: String, path: String, found: String, required: String)
    case badConstraint(String)
}

extension FetchError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .setup(let m): return m
        case .http(let status, let url): return "HTTP \(status) (\(FetchError.reason(status))) from \(url)"
        case .hostNotFound(let host, let url): return "host not found: '\(host)' (\(url))"
        case .connectionRefused(let url): return "could not connect to \(url) (connection refused or unreachable)"
        case .tls(let m, let url): return "TLS failure talking to \(url): \(m)"
        case .timedOut(let what, let url): return "timed out (\(what)) fetching \(url)"
        case .transfer(let m, let url): return "transfer of \(url) failed: \(m)"
        case .checksumMismatch(let url, let expected, let actual):
            return "checksum mismatch for \(url): expected sha256 \(expected), got \(actual)"
        case .everySourceFailed(let errors):
            if errors.count == 1 { return errors[0].description }
            return "every source failed:\n"
                + errors.enumerated().map { "  \($0.offset + 1)) \($0.element)" }.joined(separator: "\n")
        case .io(let m): return m
        case .cancelled: return "cancelled"
        case .git(let m): return m
        case .unsafeEntry(let archive, let entry, let reason):
            return
                "refusing to extract '\(entry)' from \(archive): \(reason); nothing was written outside the destination"
        case .archive(let archive, let problem): return "cannot extract \(archive): \(problem)"
        case .notFound(let what, let searched):
            return "\(what) not found (searched: \(searched.isEmpty ? "nothing" : searched.joined(separator: ", ")))"
        case .versionMismatch(let tool, let path, let found, let required):
            return "\(tool) at \(path) is version \(found), but \(required) is required"
        case .badConstraint(let m): return m
        }
    }

    /// Transient failures are worth another try from the same source.
    var isTransient: Bool {
        switch self {
        case .http(let status, _): return status >= 500 || status == 408 || status == 429
        case .timedOut, .transfer: return true
        default: return false
        }
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 400: "bad request"
        case 401: "unauthorized"
        case 403: "forbidden"
        case 404: "not found"
        case 408: "request timeout"
        case 410: "gone"
        case 416: "range not satisfiable"
        case 429: "too many requests"
        case 500: "internal server error"
        case 502: "bad gateway"
        case 503: "service unavailable"
        case 504: "gateway timeout"
        default: status >= 500 ? "server error" : "client error"
        }
    }
}
