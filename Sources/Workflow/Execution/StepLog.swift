#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// The two log files of a step (`<node>.stdout`, `<node>.stderr`) in the run folder; shell steps write them
/// directly, actions through `out` and `err`.
public struct StepLog: Sendable {
    public let stdoutPath: String
    public let stderrPath: String

    public init(stdoutPath: String, stderrPath: String) {
        self.stdoutPath = stdoutPath
        self.stderrPath = stderrPath
    }

    public func out(_ line: String) { StepLog.append(line + "\n", to: stdoutPath) }
    public func err(_ line: String) { StepLog.append(line + "\n", to: stderrPath) }

    static func append(_ text: String, to path: String) {
        let fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o644)
        guard fd >= 0 else { return }
        defer { close(fd) }
        var bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n <= 0 {
                if errno == EINTR { continue }
                return
            }
            offset += n
        }
    }

    /// The last `lines` lines of a log file (for failure reports).
    public static func tail(_ path: String, lines: Int = 20, maxBytes: Int = 64 * 1024) -> [String] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        let size = Int(lseek(fd, 0, SEEK_END))
        let start = max(0, size - maxBytes)
        lseek(fd, off_t(start), SEEK_SET)
        var buffer = [UInt8](repeating: 0, count: size - start)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { return [] }
        let text = String(decoding: buffer[0..<n], as: UTF8.self)
        var all = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if all.last == "" { all.removeLast() }
        if start > 0, !all.isEmpty { all.removeFirst() }
        return Array(all.suffix(lines))
    }
}
