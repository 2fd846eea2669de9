import Foundation
import LoadGen
import Synchronization
import Testing

/// The detail log says where its entries came from: repro's own source files and lines, the real ids of the process
/// and of the thread that logged them, and no counters of machinery repro does not have.
@Suite struct DetailLogProvenanceTests {
    @Test func entriesNameReprosSourceAndTheLoggingThread() throws {
        let dir = try Fixture.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let settings = try resnetSettings(.offline, "*.Offline.min_duration = 0\n*.Offline.min_query_count = 100\n")
        // Run the test on a thread of its own, whose kernel id differs from the process id.
        let tid = Mutex<Int?>(nil)
        let failure = Mutex<String?>(nil)
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            let link = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/thread-self")) ?? ""
            tid.withLock { $0 = Int(link.split(separator: "/").last ?? "") }
            do {
                _ = try LoadGen.run(
                    settings: settings, sut: NullSUT(), qsl: CountingQSL(total: 500, performance: 100),
                    outputDirectory: dir)
            } catch { failure.withLock { $0 = "\(error)" } }
            done.signal()
        }
        thread.start()
        done.wait()
        let failed = failure.withLock { $0 }
        #expect(failed == nil, "\(failed ?? "")")
        let threadID = try #require(tid.withLock { $0 })
        #expect(threadID != Int(getpid()))
        let text = try String(contentsOfFile: dir + "/mlperf_log_detail.txt", encoding: .utf8)
        #expect(!text.contains(".cc\", \"line_no\""), "no C++ file of the official LoadGen is named")
        #expect(!text.contains("logger_"), "no counters of a logger repro does not have")
        for line in text.split(separator: "\n") {
            let entry = try JSONSerialization.jsonObject(with: Data(line.dropFirst(9).utf8)) as! [String: Any]
            let meta = entry["metadata"] as! [String: Any]
            let file = meta["file"] as! String
            #expect(file.hasPrefix("LoadGen/") && file.hasSuffix(".swift"), "\(file)")
            // #fileID: the module and the file's name.
            let name = String(file.split(separator: "/").last!)
            let path = try #require(
                FileManager.default.enumerator(atPath: Fixture.packageRoot + "/Sources/LoadGen")?.allObjects
                    .compactMap { $0 as? String }.first { $0.hasSuffix("/" + name) || $0 == name })
            let source = try String(
                contentsOfFile: Fixture.packageRoot + "/Sources/LoadGen/" + path, encoding: .utf8
            ).split(separator: "\n", omittingEmptySubsequences: false)
            let lineNumber = meta["line_no"] as! Int
            let key = entry["key"] as! String
            // The named line (or the call it belongs to, a line or two above) logs this key, or a key built there.
            let around = source[max(0, lineNumber - 3)..<min(source.count, lineNumber)].joined(separator: "\n")
            #expect(around.contains("log("), "\(key) at \(file):\(lineNumber)")
            #expect(meta["pid"] as? Int == Int(getpid()))
            #expect(meta["tid"] as? Int == threadID, "\(key)")
        }
        #expect(text.contains("\"value\": \"repro LoadGen (MLCommons LoadGen 6.0.17 rules)\""))
    }
}
