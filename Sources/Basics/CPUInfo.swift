#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// What `/proc/cpuinfo` (Linux) says about the processor, read once: for manifests, entries and MLPerf system
/// descriptions.
public struct CPUInfo: Sendable, Equatable {
    /// `model name` of the first processor; nil when the file has none (some ARM kernels).
    public var model: String?
    /// Distinct `physical id`s; at least 1.
    public var sockets = 1
    /// `cpu MHz` of the first processor.
    public var mhz: Double?
    /// `cache size` of the first processor, as written (`1024 KB`).
    public var cache: String?

    public init() {}

    /// The machine's, read once per process; empty where there is no `/proc/cpuinfo`.
    public static let current: CPUInfo = {
        guard let file = fopen("/proc/cpuinfo", "r") else { return CPUInfo() }
        defer { fclose(file) }
        var text: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = fread(&buffer, 1, buffer.count, file)
            if n <= 0 { break }
            text += buffer[0..<n]
        }
        return CPUInfo(parsing: String(decoding: text, as: UTF8.self))
    }()

    /// Reads the text of a `/proc/cpuinfo`: `field<tabs>: value` lines, one block per processor.
    public init(parsing text: String) {
        var sockets = Set<Substring>()
        for line in text.split(separator: "\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].trimmingWhitespace
            let value = line[line.index(after: colon)...].trimmingWhitespace
            switch name {
            case "model name": model = model ?? String(value)
            case "physical id": sockets.insert(value)
            case "cpu MHz": mhz = mhz ?? Double(value)
            case "cache size": cache = cache ?? String(value)
            default: break
            }
        }
        self.sockets = max(1, sockets.count)
    }
}

extension Substring {
    fileprivate var trimmingWhitespace: Substring {
        var s = self
        while let f = s.first, f == " " || f == "\t" { s.removeFirst() }
        while let l = s.last, l == " " || l == "\t" { s.removeLast() }
        return s
    }
}
