import Basics
import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// `mlperf_log_detail.txt`: one `:::MLLOG {json}` line per entry from the first line, with LoadGen's key order
/// (key, value, time_ms, namespace, event_type, metadata) and its metadata fields. The metadata say where each entry
/// really came from: the file and line of repro's own source that logged it (`LoadGen/Reports.swift`), and the id
/// of the thread that logged it.
final class DetailLog {
    enum Value {
        case string(String)
        case int(Int64)
        case uint(UInt64)
        case double(Double)
        case bool(Bool)
        case list([Int])
        case raw(String)
    }

    private var lines: [String] = []
    let origin = Clock.monotonicNanoseconds()
    let pid = getpid()
    private(set) var errors = 0
    private(set) var warnings = 0

    func log(
        _ key: String, _ value: Value, error: Bool = false, warning: Bool = false, event: String = "POINT_IN_TIME",
        file: String = #fileID, line: Int = #line
    ) {
        if error { errors += 1 }
        if warning { warnings += 1 }
        let t = Clock.monotonicNanoseconds() - origin
        let ms = "\(t / 1_000_000)." + String(format: "%06llu", t % 1_000_000)
        lines.append(
            ":::MLLOG {\"key\": \(JSONString.quoted(key)), \"value\": \(DetailLog.render(value)), \"time_ms\": \(ms), "
                + "\"namespace\": \"mlperf::logging\", \"event_type\": \"\(event)\", \"metadata\": {\"is_error\": \(error), "
                + "\"is_warning\": \(warning), \"file\": \"\(file)\", \"line_no\": \(line), \"pid\": \(pid), "
                + "\"tid\": \(ThreadID.current())}}"
        )
    }

    static func render(_ v: Value) -> String {
        switch v {
        case .string(let s): return JSONString.quoted(s)
        case .int(let i): return String(i)
        case .uint(let u): return String(u)
        case .double(let d): return LoadGenFormat.number(d)
        case .bool(let b): return b ? "true" : "false"
        case .list(let l): return "[" + l.map(String.init).joined(separator: ",") + "]"
        case .raw(let r): return r
        }
    }

    func write(to path: String) throws(LoadGenError) {
        try LoadGen.write(lines.joined(separator: "\n") + "\n", to: path)
    }
}

/// The kernel's id of the calling thread (`gettid`, looked up at run time: the Swift Glibc module does not import it).
enum ThreadID {
    typealias GetTID = @convention(c) () -> Int32
    static let gettid: GetTID? = dlopen(nil, RTLD_NOW).flatMap { dlsym($0, "gettid") }.map {
        unsafeBitCast($0, to: GetTID.self)
    }

    static func current() -> Int32 {
        if let gettid { return gettid() }
        // Older C libraries: /proc/thread-self is a link to <pid>/task/<tid>.
        let link = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/thread-self")) ?? ""
        return Int32(link.split(separator: "/").last ?? "") ?? getpid()
    }
}

/// Number formatting as LoadGen's C++ streams print it.
enum LoadGenFormat {
    /// `std::ostream << double` (6 significant digits, shortest of fixed and scientific).
    static func number(_ d: Double) -> String { String(format: "%g", d) }

    /// LoadGen's `DoubleToString(value, precision)`: fixed with that many decimals.
    static func fixed(_ d: Double, _ precision: Int = 2) -> String { String(format: "%.\(precision)f", d) }

    /// `11-23-2026 00:18:28.345` (UTC), the power log's time format.
    static func powerTime(_ seconds: Double) -> String {
        var t = time_t(seconds.rounded(.down))
        var parts = tm()
        gmtime_r(&t, &parts)
        let ms = Int((seconds - seconds.rounded(.down)) * 1000)
        return String(
            format: "%02d-%02d-%04d %02d:%02d:%02d.%03d", parts.tm_mon + 1, parts.tm_mday, parts.tm_year + 1900,
            parts.tm_hour, parts.tm_min, parts.tm_sec, ms)
    }

    /// `2026-11-23T00:18:28Z`.
    static func isoTime(_ seconds: Double) -> String {
        var t = time_t(seconds.rounded(.down))
        var parts = tm()
        gmtime_r(&t, &parts)
        return String(
            format: "%04d-%02d-%02dT%02d:%02d:%02dZ", parts.tm_year + 1900, parts.tm_mon + 1, parts.tm_mday,
            parts.tm_hour, parts.tm_min, parts.tm_sec)
    }
}
