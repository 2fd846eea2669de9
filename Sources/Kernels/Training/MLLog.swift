import Basics
import Foundation

/// Writes `:::MLLOG {json}` lines in the format of the mlperf-logging library (key order: namespace, time_ms,
/// event_type, key, value, metadata), which its compliance checker reads.
public final class MLLog {
    public enum EventType: String {
        case point = "POINT_IN_TIME"
        case start = "INTERVAL_START"
        case end = "INTERVAL_END"
    }

    let handle: FileHandle
    public let path: String
    /// A clock that can be replaced in tests; milliseconds since the epoch.
    let now: () -> Int

    public init(path: String, now: @escaping () -> Int = { Int(Clock.now() * 1000) })
        throws(KernelsError)
    {
        self.path = path
        self.now = now
        guard FileManager.default.createFile(atPath: path, contents: nil), let h = FileHandle(forWritingAtPath: path)
        else {
            throw .file(path: path, problem: "cannot create the log")
        }
        handle = h
    }

    deinit { try? handle.close() }

    /// One line; `value` is a JSON value (String, number, Bool, nil); metadata keys keep their order.
    public func log(
        _ type: EventType, _ key: String, _ value: Any? = nil, metadata: [(String, Any)] = [],
        line: Int = #line
    ) {
        var meta = "{\"file\": \"repro/Kernels/Trainer.swift\", \"lineno\": \(line)"
        for (k, v) in metadata { meta += ", \(JSONString.quoted(k)): \(MLLog.json(v))" }
        meta += "}"
        let text =
            ":::MLLOG {\"namespace\": \"\", \"time_ms\": \(now()), \"event_type\": \"\(type.rawValue)\", "
            + "\"key\": \(JSONString.quoted(key)), \"value\": \(MLLog.json(value)), \"metadata\": \(meta)}\n"
        handle.write(Data(text.utf8))
    }

    static func json(_ v: Any?) -> String {
        switch v {
        case nil: return "null"
        case let b as Bool: return b ? "true" : "false"
        case let i as Int: return String(i)
        case let u as UInt64: return String(u)
        case let d as Double: return d.isFinite ? "\(d)" : "null"
        case let f as Float: return Double(f).isFinite ? "\(Double(f))" : "null"
        case let s as String: return JSONString.quoted(s)
        default: return JSONString.quoted("\(v!)")
        }
    }
}
