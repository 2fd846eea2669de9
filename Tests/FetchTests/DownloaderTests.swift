import Crypto
import Foundation
import Testing

@testable import Fetch

@Suite("downloads over libcurl")
struct DownloaderTests {
    static let payload: [UInt8] = (0..<1_000_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 7) }
    static let digest = SHA256.hash(data: payload).map { String(format: "%02x", $0) }.joined()

    let server: TestHTTPServer
    let dir: String

    init() throws {
        server = try TestHTTPServer(files: ["data.bin": DownloaderTests.payload, "small.txt": Array("hello\n".utf8)])
        dir = NSTemporaryDirectory() + "repro-fetch-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    }

    func cleanUp() {
        server.stop()
        try? FileManager.default.removeItem(atPath: dir)
    }

    func request(_ urls: [String], sha256: String? = DownloaderTests.digest) -> DownloadRequest {
        var r = DownloadRequest(
            urls: urls, destination: dir + "/out/data.bin", partialPath: dir + "/partial/data.part",
            sha256: sha256)
        r.backoff = 0.05
        r.connectTimeout = 5
        return r
    }

    @Test func aNormalDownloadIsVerifiedAndMovedIntoPlace() throws {
        defer { cleanUp() }
        let result = try Downloader().download(request([server.base + "/files/data.bin"]))
        #expect(result.sha256 == DownloaderTests.digest)
        #expect(result.size == DownloaderTests.payload.count)
        #expect(try Data(contentsOf: URL(fileURLWithPath: dir + "/out/data.bin")) == Data(DownloaderTests.payload))
        #expect(!FileManager.default.fileExists(atPath: dir + "/partial/data.part"))
    }

    @Test func aChecksumMismatchNamesBothDigestsAndLeavesNoFile() throws {
        defer { cleanUp() }
        let wrong = String(repeating: "0", count: 64)
        do {
            _ = try Downloader().download(request([server.base + "/files/data.bin"], sha256: wrong))
            Issue.record("accepted a wrong checksum")
        } catch {
            #expect(
                "\(error)"
                    == "checksum mismatch for \(server.base)/files/data.bin: expected sha256 \(wrong), got \(DownloaderTests.digest)"
            )
        }
        #expect(!FileManager.default.fileExists(atPath: dir + "/out/data.bin"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/partial/data.part"))
    }

    @Test func httpErrorsAreReportedAndServerErrorsRetried() throws {
        defer { cleanUp() }
        do {
            _ = try Downloader().download(request([server.base + "/status/404"]))
            Issue.record("404 succeeded")
        } catch {
            #expect("\(error)" == "HTTP 404 (not found) from \(server.base)/status/404")
        }
        var r = request([server.base + "/status/500"])
        r.retries = 2
        do {
            _ = try Downloader().download(r)
            Issue.record("500 succeeded")
        } catch {
            #expect("\(error)" == "HTTP 500 (internal server error) from \(server.base)/status/500")
        }
        #expect(server.requestLines.filter { $0.contains("/status/500") }.count == 3)
    }

    @Test func aCutConnectionIsResumedAndOnlyTheMissingBytesAreFetched() throws {
        defer { cleanUp() }
        let result = try Downloader().download(request([server.base + "/cut/data.bin"]))
        #expect(result.sha256 == DownloaderTests.digest)
        #expect(result.attempts == 2)
        #expect(server.bytesSent("/cut/data.bin") == DownloaderTests.payload.count)
        #expect(server.requestLines.last?.lowercased().contains("range: bytes=500000-") == true)
    }

    @Test func aPartialFileFromAnEarlierRunIsResumed() throws {
        defer { cleanUp() }
        try FileManager.default.createDirectory(atPath: dir + "/partial", withIntermediateDirectories: true)
        try Data(DownloaderTests.payload.prefix(300_000)).write(to: URL(fileURLWithPath: dir + "/partial/data.part"))
        let result = try Downloader().download(request([server.base + "/files/data.bin"]))
        #expect(result.sha256 == DownloaderTests.digest)
        #expect(result.resumedBytes == 300_000)
        #expect(result.transferredBytes == 700_000)
        #expect(server.bytesSent("/files/data.bin") == 700_000)
    }

    @Test func aServerThatIgnoresRangeStartsOver() throws {
        defer { cleanUp() }
        try FileManager.default.createDirectory(atPath: dir + "/partial", withIntermediateDirectories: true)
        try Data(DownloaderTests.payload.prefix(1000)).write(to: URL(fileURLWithPath: dir + "/partial/data.part"))
        let result = try Downloader().download(request([server.base + "/norange/data.bin"]))
        #expect(result.sha256 == DownloaderTests.digest)
        #expect(result.resumedBytes == 0)
    }

    @Test func theNextMirrorIsTriedWhenTheFirstIsDown() throws {
        defer { cleanUp() }
        let down = "http://127.0.0.1:1/data.bin"
        let result = try Downloader().download(request([down, server.base + "/files/data.bin"]))
        #expect(result.url == server.base + "/files/data.bin")
        #expect(result.sha256 == DownloaderTests.digest)
    }

    @Test func everyFailedSourceIsListed() throws {
        defer { cleanUp() }
        let error = #expect(throws: FetchError.self) {
            try Downloader().download(request(["http://127.0.0.1:1/x", server.base + "/status/404"]))
        }
        #expect(
            error?.description == """
                every source failed:
                  1) could not connect to http://127.0.0.1:1/x (connection refused or unreachable)
                  2) HTTP 404 (not found) from \(server.base)/status/404
                """)
    }

    @Test func aSlowServerHitsTheLowSpeedTimeout() throws {
        defer { cleanUp() }
        var r = request([server.base + "/slow/data.bin"])
        r.lowSpeedLimit = 10_000
        r.lowSpeedTime = 1
        r.retries = 0
        let start = Date()
        do {
            _ = try Downloader().download(r)
            Issue.record("a slow download succeeded")
        } catch {
            #expect("\(error)".hasPrefix("timed out (Operation too slow."), "\(error)")
        }
        #expect(Date().timeIntervalSince(start) < 10)
    }

    @Test func fileURLsAndAMissingHostSayWhatHappened() throws {
        defer { cleanUp() }
        let source = dir + "/source.bin"
        try Data(DownloaderTests.payload).write(to: URL(fileURLWithPath: source))
        #expect(try Downloader().download(request(["file://" + source])).sha256 == DownloaderTests.digest)
        let error = #expect(throws: FetchError.self) {
            try Downloader().download(request(["http://no-such-host.invalid/x"]))
        }
        #expect(error?.description == "host not found: 'no-such-host.invalid' (http://no-such-host.invalid/x)")
    }

    @Test func cancellationStopsATransfer() throws {
        defer { cleanUp() }
        let start = Date()
        let cancelAt = Date().addingTimeInterval(0.5)
        do {
            _ = try Downloader(isCancelled: { Date() > cancelAt }).download(request([server.base + "/slow/data.bin"]))
            Issue.record("not cancelled")
        } catch {
            #expect("\(error)" == "cancelled")
        }
        #expect(Date().timeIntervalSince(start) < 5)
    }
}
