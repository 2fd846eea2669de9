import Basics
import Foundation
import Synchronization

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// A system under test in another process, driven over its stdin and stdout with one line per message, so a SUT
/// can be written in any language (docs/loadgen.md has the protocol):
///
///     SUT  -> repro   READY [name]                     once, when it can take work
///     repro -> SUT    LOAD idx idx ...                 bring samples into memory; the SUT answers LOADED
///     repro -> SUT    UNLOAD idx idx ...
///     repro -> SUT    ISSUE id:idx id:idx ...          one query
///     SUT  -> repro   DONE id[:HEX] [id[:HEX] ...]     completed samples, with their result bytes in hex
///     repro -> SUT    FLUSH                            no more queries for now
///     repro -> SUT    END                              the test is over: exit
///     SUT  -> repro   LOG text                         a line for repro's log
///
/// A SUT that exits, closes its output or says something else ends the run with an error that quotes the exit
/// status and the last lines of its standard error.
public final class ExternalSUT: SystemUnderTest, QuerySampleLibrary, @unchecked Sendable {
    /// "external" until the SUT names itself in its READY line (written by the reading thread, hence the lock).
    public var name: String { state.withLock { $0.name } }
    public let totalSampleCount: Int
    public let performanceSampleCount: Int
    let command: [String]
    let process = Process()
    let input: Int32
    let stderrPath: String
    let state = Mutex<State>(State())
    let loaded = DispatchSemaphore(value: 0)
    /// Set when the process has ended (Foundation's termination handler).
    let exited = Flag()
    let log: @Sendable (String) -> Void
    private var reader: Thread?

    struct State {
        var name = "external"
        var sink: ResponseSink?
        var failure: String?
        var ended = false
        var ready = false
    }

    /// Starts `command` and waits up to `startupTimeout` seconds for its READY line.
    public init(
        command: [String], totalSampleCount: Int, performanceSampleCount: Int, workingDirectory: String? = nil,
        environment: [String: String]? = nil, stderrPath: String, startupTimeout: Double = 60,
        log: @escaping @Sendable (String) -> Void = { _ in }
    ) throws(LoadGenError) {
        guard let first = command.first else { throw .sut("the external SUT command is empty") }
        self.command = command
        self.totalSampleCount = totalSampleCount
        self.performanceSampleCount = performanceSampleCount
        self.stderrPath = stderrPath
        self.log = log
        signal(SIGPIPE, SIG_IGN)
        let stdinPipe = Pipe().closingOnExec()
        let stdoutPipe = Pipe().closingOnExec()
        _ = FileManager.default.createFile(atPath: stderrPath, contents: nil)
        guard let errors = FileHandle(forWritingAtPath: stderrPath) else { throw .io("cannot write \(stderrPath)") }
        // A relative program path is resolved against the SUT's own working directory, as its relative arguments are.
        let program =
            first.hasPrefix("/") || !first.contains("/")
            ? first
            : URL(fileURLWithPath: first, relativeTo: URL(fileURLWithPath: workingDirectory ?? ".", isDirectory: true))
                .standardizedFileURL.path
        process.executableURL = URL(fileURLWithPath: first.contains("/") ? program : "/usr/bin/env")
        process.arguments = first.contains("/") ? Array(command.dropFirst()) : command
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        process.standardError = errors
        if let workingDirectory { process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory) }
        if let environment { process.environment = environment }
        let exited = self.exited
        process.terminationHandler = { _ in exited.set() }
        do { try process.run() } catch {
            throw .sut("cannot start the SUT '\(command.joined(separator: " "))': \(error.localizedDescription)")
        }
        try? errors.close()
        input = stdinPipe.fileHandleForWriting.fileDescriptor
        let output = stdoutPipe.fileHandleForReading.fileDescriptor
        let thread = Thread { self.readLoop(output) }  // strong: it ends at end of output, when the SUT exits
        thread.name = "repro-external-sut"
        reader = thread
        thread.start()
        let deadline = Clock.monotonic() + startupTimeout
        while true {
            let (ready, failure) = state.withLock { ($0.ready, $0.failure) }
            if ready { break }
            if let failure { throw .sut(failure) }
            if Clock.monotonic() > deadline {
                process.terminate()
                throw .sut(
                    "the SUT `\(Command.display(command))` did not say READY within "
                        + String(format: "%g", startupTimeout) + " s" + stderrTail())
            }
            usleep(2_000)
        }
    }

    deinit { if process.isRunning { process.terminate() } }

    // MARK: QuerySampleLibrary

    public func loadSamples(_ indices: [Int]) throws {
        try send("LOAD " + indices.map(String.init).joined(separator: " "))
        while loaded.wait(timeout: .now() + 0.05) == .timedOut {
            if let failure = state.withLock({ $0.failure }) { throw LoadGenError.sut(failure) }
        }
    }

    public func unloadSamples(_ indices: [Int]) {
        try? send("UNLOAD " + indices.map(String.init).joined(separator: " "))
    }

    // MARK: SystemUnderTest

    public func issueQuery(_ samples: [QuerySample], sink: ResponseSink) {
        let failure = state.withLock { s -> String? in
            s.sink = sink
            return s.failure
        }
        if let failure {
            sink.fail(failure)
            return
        }
        var line = "ISSUE"
        line.reserveCapacity(samples.count * 14 + 6)
        for s in samples { line += " \(s.id):\(s.index)" }
        do { try send(line) } catch { sink.fail("\(error)") }
    }

    public func flushQueries() { try? send("FLUSH") }

    /// Tells the SUT the test is over and waits (up to `grace` seconds) for it to exit; returns its exit status.
    @discardableResult
    public func finish(grace: Double = 10) -> Int32 {
        state.withLock { $0.ended = true }
        try? send("END")
        close(input)
        let deadline = Clock.monotonic() + grace
        while process.isRunning && Clock.monotonic() < deadline { usleep(5_000) }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        return process.terminationStatus
    }

    func send(_ line: String) throws(LoadGenError) {
        var bytes = Array((line + "\n").utf8)
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeMutableBytes { write(input, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                let reason = String(cString: strerror(errno))
                throw .sut(died(ending(within: 2) ?? "its input closed (\(reason))"))
            }
            offset += n
        }
        bytes.removeAll()
    }

    func readLoop(_ fd: Int32) {
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        var pending: [UInt8] = []
        while true {
            // The end of the output is normally the end of the SUT; but a program started elsewhere in this process
            // meanwhile may hold the pipe open, so an exit with nothing left to read ends the loop too.
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, 100)
            if ready == 0 {
                if exited.isSet { break }
                continue
            }
            if ready < 0 && errno == EINTR { continue }
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress!, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            var start = 0
            for i in 0..<n where buffer[i] == 10 {
                pending += buffer[start..<i]
                handle(pending)
                pending.removeAll(keepingCapacity: true)
                start = i + 1
            }
            pending += buffer[start..<n]
        }
        let ended = state.withLock { $0.ended }
        if !ended {
            fail(died(ending(within: .infinity) ?? "it closed its output"))
        }
    }

    func handle(_ line: [UInt8]) {
        let text = String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if text.hasPrefix("DONE ") {
            let sink = state.withLock { $0.sink }
            for token in text.dropFirst(5).split(separator: " ") {
                let parts = token.split(separator: ":", maxSplits: 1)
                guard let id = UInt64(parts[0]) else {
                    return fail("the SUT sent a bad DONE entry '\(token)' (expected id or id:HEX)")
                }
                let data = parts.count > 1 ? ExternalSUT.bytes(hex: parts[1]) : []
                guard let data else { return fail("the SUT sent a bad DONE entry '\(token)' (the data is not hex)") }
                sink?.complete(id: id, bytes: data)
            }
        } else if text == "LOADED" {
            loaded.signal()
        } else if text == "READY" || text.hasPrefix("READY ") {
            let given = text.dropFirst(5).trimmingCharacters(in: .whitespaces)
            state.withLock {
                if !given.isEmpty { $0.name = given }
                $0.ready = true
            }
        } else if text.hasPrefix("LOG ") {
            log(String(text.dropFirst(4)))
        } else if !text.isEmpty {
            fail("the SUT said '\(text.prefix(120))' (expected READY, LOADED, DONE or LOG)")
        }
    }

    func fail(_ reason: String) {
        let sink = state.withLock { s -> ResponseSink? in
            if s.failure == nil { s.failure = reason }
            return s.sink
        }
        sink?.fail(reason)
        loaded.signal()
    }

    /// How the process ended (exit status or signal), once it has, waiting up to `seconds`.
    func ending(within seconds: Double) -> String? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(2_000) }
        guard !process.isRunning else { return nil }
        return process.terminationReason == .uncaughtSignal
            ? "it was killed by signal \(process.terminationStatus)"
            : "it exited with status \(process.terminationStatus)"
    }

    func died(_ how: String) -> String {
        "the SUT '\(command.joined(separator: " "))' stopped answering: \(how)" + stderrTail()
    }

    func stderrTail(lines: Int = 20) -> String {
        guard let text = try? String(contentsOfFile: stderrPath, encoding: .utf8), !text.isEmpty else {
            return "; it wrote nothing on its standard error (\(stderrPath))"
        }
        let tail = text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines + 1).joined(
            separator: "\n")
        return "; the end of its standard error (\(stderrPath)):\n" + tail
    }

    static func bytes(hex: Substring) -> [UInt8]? {
        let u = Array(hex.utf8)
        guard u.count % 2 == 0 else { return nil }
        var out = [UInt8]()
        out.reserveCapacity(u.count / 2)
        func v(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: c - 48
            case 65...70: c - 55
            case 97...102: c - 87
            default: nil
            }
        }
        var i = 0
        while i < u.count {
            guard let hi = v(u[i]), let lo = v(u[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            i += 2
        }
        return out
    }
}

extension ExternalSUT {
    /// A flag set on one thread and read on another.
    final class Flag: Sendable {
        private let value = Atomic<Bool>(false)
        func set() { value.store(true, ordering: .releasing) }
        var isSet: Bool { value.load(ordering: .acquiring) }
    }
}
