import Basics
internal import CCurl
import Crypto

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// The state of one transfer that libcurl's callbacks write into: the partial file, the running SHA-256,
/// counts for progress, and the first error.
final class TransferContext {
    let url: String
    let partialPath: String
    private(set) var fd: Int32
    var hasher = SHA256()
    /// Created at the first byte of the body, from the hash of what was on disk already.
    var stream: StreamHasher?
    /// Bytes of the partial file that were on disk before this transfer (its resume point).
    var resumeOffset: Int
    var reusedBytes: Int
    var written: Int
    var received = 0
    var failure: FetchError?
    var curl: UnsafeMutableRawPointer?
    var checkedStatus = false
    let started = Clock.monotonic()
    var lastReport = 0.0
    let progress: ((DownloadProgress) -> Void)?
    let isCancelled: () -> Bool
    private(set) var digest = ""

    init(partialPath: String, url: String, progress: ((DownloadProgress) -> Void)?, isCancelled: @escaping () -> Bool)
        throws(FetchError)
    {
        self.url = url
        self.partialPath = partialPath
        self.progress = progress
        self.isCancelled = isCancelled
        try FileTools.makeParent(of: partialPath)
        fd = open(partialPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw .io("cannot write '\(partialPath)': \(FileTools.errnoText())") }
        // The part already on disk is hashed once now; the rest is hashed as it arrives.
        var offset = 0
        let size = 1 << 20
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
        defer { buffer.deallocate() }
        while true {
            let n = read(fd, buffer, size)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            hasher.update(bufferPointer: UnsafeRawBufferPointer(start: buffer, count: n))
            offset += n
        }
        resumeOffset = offset
        reusedBytes = offset
        written = offset
    }

    func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
        stream?.abandon()
        stream = nil
    }

    /// Bytes from libcurl; returns how many were taken (fewer aborts the transfer).
    func write(_ data: UnsafeRawBufferPointer) -> Int {
        if !checkedStatus {
            checkedStatus = true
            var status = 0
            if let curl { _ = repro_curl_getinfo_long(curl, CURLINFO_RESPONSE_CODE, &status) }
            if resumeOffset > 0 && status == 200 {
                // The server ignored the Range request and sends the whole file: start the file over.
                ftruncate(fd, 0)
                lseek(fd, 0, SEEK_SET)
                hasher = SHA256()
                written = 0
                reusedBytes = 0
                resumeOffset = 0
            }
        }
        var offset = 0
        while offset < data.count {
            let n = Glibc.write(fd, data.baseAddress! + offset, data.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                failure = .io("cannot write '\(partialPath)': \(FileTools.errnoText())")
                return 0
            }
            offset += n
        }
        if stream == nil { stream = StreamHasher(initial: hasher) }
        stream!.append(data)
        written += data.count
        received += data.count
        return data.count
    }

    /// Progress from libcurl; returns false to abort (cancelled).
    func report(total: Int64, now: Int64) -> Bool {
        if isCancelled() { return false }
        let t = Clock.monotonic()
        // Nothing to say before the first byte arrives (a report then would read "0 B, 0 B/s").
        if let progress, received > 0, t - lastReport >= 0.1 {
            lastReport = t
            let elapsed = max(t - started, 0.001)
            progress(
                DownloadProgress(
                    bytes: written, total: total > 0 ? Int(total) + resumeOffset : nil,
                    bytesPerSecond: Double(received) / elapsed, url: url))
        }
        return true
    }

    /// Fixes the digest. (No fsync: like curl, the file is left to the page cache; the rename that publishes
    /// it is atomic, and a crash before the data reaches the disk is caught by `repro cache verify`.)
    func finish() throws(FetchError) {
        if let stream {
            digest = stream.finish()
            self.stream = nil
        } else {
            digest = hasher.finalize().map { String(format2: $0) }.joined()
        }
    }
}

/// libcurl's write callback: hands the bytes to the transfer's context.
let downloadWrite: repro_curl_write_callback = { pointer, size, count, userdata in
    guard let pointer, let userdata else { return 0 }
    let context = Unmanaged<TransferContext>.fromOpaque(userdata).takeUnretainedValue()
    return context.write(UnsafeRawBufferPointer(start: pointer, count: size * count))
}

/// libcurl's progress callback: reports progress and aborts when cancelled.
let downloadProgress: repro_curl_xferinfo_callback = { userdata, total, now, _, _ in
    guard let userdata else { return 0 }
    let context = Unmanaged<TransferContext>.fromOpaque(userdata).takeUnretainedValue()
    return context.report(total: Int64(total), now: Int64(now)) ? 0 : 1
}

extension String {
    /// Two lower-case hex digits.
    init(format2 byte: UInt8) {
        let digits = Array("0123456789abcdef")
        self = String([digits[Int(byte >> 4)], digits[Int(byte & 15)]])
    }
}
