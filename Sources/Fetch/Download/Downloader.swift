import Basics
internal import CCurl
import Crypto

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// What to download and how patiently.
public struct DownloadRequest: Sendable {
    /// The sources, tried in order: the URL, then its mirrors (http, https or file).
    public var urls: [String]
    /// Where the verified file ends up.
    public var destination: String
    /// Where the partial file is kept between attempts (and between runs, to resume).
    public var partialPath: String
    /// The expected SHA-256 (hex); nil to accept any content (the digest is still computed and returned).
    public var sha256: String?
    public var connectTimeout: Double = 30
    /// Abort when slower than `lowSpeedLimit` bytes/s for `lowSpeedTime` seconds.
    public var lowSpeedLimit: Int = 1024
    public var lowSpeedTime: Double = 30
    /// Further attempts per source after a transient failure (a cut connection, a timeout, HTTP 5xx), each
    /// resuming where the last stopped.
    public var retries: Int = 3
    /// Seconds before the first retry; doubled each time.
    public var backoff: Double = 1
    public var headers: [String] = []

    public init(urls: [String], destination: String, partialPath: String? = nil, sha256: String?) {
        self.urls = urls
        self.destination = destination
        self.partialPath = partialPath ?? destination + ".part"
        self.sha256 = sha256?.lowercased()
    }
}

/// What a download did.
public struct DownloadResult: Sendable {
    public var path: String
    public var sha256: String
    public var size: Int
    /// The source that delivered it.
    public var url: String
    /// Bytes already on disk from an interrupted transfer, not fetched again.
    public var resumedBytes: Int
    /// Bytes fetched over the network (or read from a file URL) by this call.
    public var transferredBytes: Int
    public var attempts: Int
}

/// Progress of a transfer, for a bar or periodic lines.
public struct DownloadProgress: Sendable {
    public var bytes: Int
    public var total: Int?
    public var bytesPerSecond: Double
    public var url: String

    /// Seconds left at the current rate, when known.
    public var eta: Double? {
        guard let total, bytesPerSecond > 0 else { return nil }
        return Double(total - bytes) / bytesPerSecond
    }
}

/// Downloads over libcurl with the SHA-256 computed while the bytes stream to disk, resume by HTTP Range,
/// retries with backoff, mirrors, timeouts, progress and cancellation. The file appears at its destination
/// only once its digest is right.
public final class Downloader {
    let progress: ((DownloadProgress) -> Void)?
    let isCancelled: () -> Bool

    public init(progress: ((DownloadProgress) -> Void)? = nil, isCancelled: @escaping () -> Bool = { false }) {
        self.progress = progress
        self.isCancelled = isCancelled
    }

    public func download(_ request: DownloadRequest) throws(FetchError) -> DownloadResult {
        guard !request.urls.isEmpty else { throw .setup("no URL to download") }
        var errors: [FetchError] = []
        var attempts = 0
        for url in request.urls {
            var attempt = 0
            while true {
                attempt += 1
                attempts += 1
                if isCancelled() { throw .cancelled }
                do throws(FetchError) {
                    var result = try transfer(url, request)
                    if let expected = request.sha256, expected != result.sha256 {
                        // Bad bytes must not be resumed from: start the next source from nothing.
                        unlink(request.partialPath)
                        errors.append(.checksumMismatch(url: url, expected: expected, actual: result.sha256))
                        break
                    }
                    try FileTools.makeParent(of: request.destination)
                    guard rename(request.partialPath, request.destination) == 0 else {
                        throw .io("cannot move the download to '\(request.destination)': \(FileTools.errnoText())")
                    }
                    result.attempts = attempts
                    return result
                } catch {
                    if case .cancelled = error { throw error }
                    if error.isTransient && attempt <= request.retries {
                        let delay = request.backoff * Double(1 << (attempt - 1))
                        let until = Clock.monotonic() + delay
                        while Clock.monotonic() < until {
                            if isCancelled() { throw .cancelled }
                            Clock.sleep(0.02)
                        }
                        continue
                    }
                    errors.append(error)
                    break
                }
            }
        }
        throw .everySourceFailed(errors)
    }

    /// One attempt from one source: resumes the partial file if there is one.
    func transfer(_ url: String, _ request: DownloadRequest) throws(FetchError) -> DownloadResult {
        let context = try TransferContext(
            partialPath: request.partialPath, url: url, progress: progress,
            isCancelled: isCancelled)
        defer { context.close() }
        let curl = try CurlEasy()
        curl.set(CURLOPT_URL, url)
        curl.set(CURLOPT_FOLLOWLOCATION, 1)
        curl.set(CURLOPT_MAXREDIRS, 10)
        curl.set(CURLOPT_FAILONERROR, 1)
        curl.set(CURLOPT_NOSIGNAL, 1)
        curl.set(CURLOPT_CONNECTTIMEOUT_MS, Int(request.connectTimeout * 1000))
        curl.set(CURLOPT_LOW_SPEED_LIMIT, request.lowSpeedLimit)
        curl.set(CURLOPT_LOW_SPEED_TIME, max(1, Int(request.lowSpeedTime.rounded())))
        curl.set(CURLOPT_USERAGENT, "repro/0.1 (libcurl)")
        curl.set(CURLOPT_BUFFERSIZE, 512 * 1024)
        if !request.headers.isEmpty { curl.setHeaders(request.headers) }
        if context.resumeOffset > 0 { curl.set(CURLOPT_RESUME_FROM_LARGE, offset: Int64(context.resumeOffset)) }
        let pointer = Unmanaged.passUnretained(context).toOpaque()
        curl.set(CURLOPT_WRITEDATA, pointer: pointer)
        curl.set(CURLOPT_XFERINFODATA, pointer: pointer)
        curl.set(CURLOPT_NOPROGRESS, 0)
        _ = repro_curl_setopt_write(curl.handle, downloadWrite)
        _ = repro_curl_setopt_xferinfo(curl.handle, downloadProgress)
        context.curl = curl.handle

        let (code, message) = curl.perform()
        if let failure = context.failure { throw failure }
        if code != 0 {
            let status = curl.responseCode
            if code == Int(CURLE_ABORTED_BY_CALLBACK.rawValue) && isCancelled() { throw .cancelled }
            if code == Int(CURLE_RANGE_ERROR.rawValue) && context.resumeOffset > 0 {
                // The server does not do ranges: fetch it whole.
                context.close()
                unlink(request.partialPath)
                return try transfer(url, request)
            }
            if code == Int(CURLE_HTTP_RETURNED_ERROR.rawValue) && status == 416 && context.resumeOffset > 0 {
                // The partial file is not a prefix the server can continue: start over.
                unlink(request.partialPath)
                throw .transfer(message: "the server refused to resume (HTTP 416); starting over", url: url)
            }
            throw FetchError.from(curlCode: code, message: message, status: status, url: url)
        }
        try context.finish()
        return DownloadResult(
            path: request.destination, sha256: context.digest, size: context.written,
            url: url, resumedBytes: context.reusedBytes, transferredBytes: context.received,
            attempts: 1)
    }
}

extension FetchError {
    /// A libcurl result code in words.
    static func from(curlCode code: Int, message: String, status: Int, url: String) -> FetchError {
        switch code {
        case Int(CURLE_HTTP_RETURNED_ERROR.rawValue): return .http(status: status, url: url)
        case Int(CURLE_COULDNT_RESOLVE_HOST.rawValue):
            return .hostNotFound(host: URLParts.host(of: url) ?? url, url: url)
        case Int(CURLE_COULDNT_CONNECT.rawValue): return .connectionRefused(url: url)
        case Int(CURLE_OPERATION_TIMEDOUT.rawValue): return .timedOut(what: message, url: url)
        case Int(CURLE_SSL_CONNECT_ERROR.rawValue), Int(CURLE_PEER_FAILED_VERIFICATION.rawValue),
            Int(CURLE_SSL_CERTPROBLEM.rawValue), Int(CURLE_SSL_CIPHER.rawValue), Int(CURLE_SSL_CACERT_BADFILE.rawValue):
            return .tls(message: message, url: url)
        case Int(CURLE_FILE_COULDNT_READ_FILE.rawValue): return .io("cannot read \(url): \(message)")
        case Int(CURLE_UNSUPPORTED_PROTOCOL.rawValue), Int(CURLE_URL_MALFORMAT.rawValue):
            return .setup("cannot fetch '\(url)': \(message)")
        default: return .transfer(message: message, url: url)
        }
    }
}
