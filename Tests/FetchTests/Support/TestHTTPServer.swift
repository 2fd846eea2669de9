import Foundation
import Synchronization

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// A small HTTP/1.1 server on 127.0.0.1 for the download tests, over real sockets, with the faults a
/// download must survive. Paths:
/// - `/files/NAME` — the file, with `Range: bytes=N-` answered by 206;
/// - `/cut/NAME` — a request without Range gets the full length announced but the connection is closed after
///   half the body; a Range request is answered normally (so a resumed download completes);
/// - `/slow/NAME` — the body at 200 bytes per second;
/// - `/status/CODE` — that status and a short body;
/// - `/norange/NAME` — the file, always whole (200), ignoring Range.
/// It counts the body bytes it sent, per path.
final class TestHTTPServer: @unchecked Sendable {
    let port: UInt16
    private let listener: Int32
    private let files: [String: [UInt8]]
    private let sent = Mutex<[String: Int]>([:])
    private let requests = Mutex<[String]>([])
    private let stopped = Atomic<Bool>(false)

    init(files: [String: [UInt8]]) throws {
        self.files = files
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        let bound = withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 64) == 0 else { throw POSIXError(.EADDRINUSE) }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) }
        }
        listener = fd
        port = UInt16(bigEndian: addr.sin_port)
        Thread { [self] in acceptLoop() }.start()
    }

    var base: String { "http://127.0.0.1:\(port)" }

    func bytesSent(_ path: String) -> Int { sent.withLock { $0[path] ?? 0 } }
    var requestLines: [String] { requests.withLock { $0 } }

    func stop() {
        stopped.store(true, ordering: .releasing)
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func acceptLoop() {
        while !stopped.load(ordering: .acquiring) {
            let client = accept(listener, nil, nil)
            if client < 0 { if stopped.load(ordering: .acquiring) { return } else { continue } }
            Thread { [self] in handle(client) }.start()
        }
    }

    private func handle(_ fd: Int32) {
        defer { close(fd) }
        var one: Int32 = 1
        setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        var head = [UInt8]()
        var byte = [UInt8](repeating: 0, count: 1)
        while !(head.count >= 4 && head.suffix(4) == [13, 10, 13, 10]) {
            guard recv(fd, &byte, 1, 0) == 1 else { return }
            head.append(byte[0])
        }
        let lines = String(decoding: head, as: UTF8.self).split(separator: "\r\n").map(String.init)
        guard let first = lines.first else { return }
        requests.withLock { $0.append(lines.joined(separator: " | ")) }
        let parts = first.split(separator: " ")
        guard parts.count >= 2 else { return }
        let path = String(parts[1])
        var rangeStart: Int?
        for line in lines.dropFirst() where line.lowercased().hasPrefix("range: bytes=") {
            rangeStart = Int(line.dropFirst("range: bytes=".count).split(separator: "-").first ?? "")
        }
        let segments = path.split(separator: "/").map(String.init)
        guard segments.count == 2 else { return respond(fd, path, 404, [], extra: "") }
        let (kind, name) = (segments[0], segments[1])
        if kind == "status" { return respond(fd, path, Int(name) ?? 500, Array("status \(name)\n".utf8), extra: "") }
        guard let body = files[name] else { return respond(fd, path, 404, Array("no such file\n".utf8), extra: "") }
        switch kind {
        case "files", "cut", "slow":
            if let start = rangeStart {
                guard start < body.count else {
                    return respond(fd, path, 416, [], extra: "Content-Range: bytes */\(body.count)\r\n")
                }
                return respond(
                    fd, path, 206, Array(body[start...]),
                    extra: "Content-Range: bytes \(start)-\(body.count - 1)/\(body.count)\r\n",
                    slow: kind == "slow")
            }
            if kind == "cut" {
                return respond(fd, path, 200, body, extra: "Accept-Ranges: bytes\r\n", cutAfter: body.count / 2)
            }
            respond(fd, path, 200, body, extra: "Accept-Ranges: bytes\r\n", slow: kind == "slow")
        case "norange":
            respond(fd, path, 200, body, extra: "")
        default:
            respond(fd, path, 404, [], extra: "")
        }
    }

    private func respond(
        _ fd: Int32, _ path: String, _ status: Int, _ body: [UInt8], extra: String,
        cutAfter: Int? = nil, slow: Bool = false
    ) {
        let header = "HTTP/1.1 \(status) X\r\nContent-Length: \(body.count)\r\n\(extra)Connection: close\r\n\r\n"
        guard writeAll(fd, Array(header.utf8)) else { return }
        let limit = cutAfter ?? body.count
        var offset = 0
        let chunk = slow ? 20 : 64 * 1024
        while offset < limit && !stopped.load(ordering: .acquiring) {
            let n = min(chunk, limit - offset)
            guard writeAll(fd, Array(body[offset..<offset + n])) else { break }
            offset += n
            sent.withLock { $0[path, default: 0] += n }
            if slow { usleep(100_000) }
        }
    }

    private func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }
}
