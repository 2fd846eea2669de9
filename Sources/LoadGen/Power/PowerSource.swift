import Basics
import Foundation

/// Where power readings come from. `auto` tries, in order: RAPL energy counters (`/sys/class/powercap`), hwmon power
/// sensors (`/sys/class/hwmon`), `ipmitool dcmi power reading`, and `nvidia-smi`; the first that gives a reading is
/// used. Nothing is ever estimated: when no source works, power is "unavailable" with the reasons.
public enum PowerSourceKind: String, Sendable, CaseIterable {
    case auto, rapl, hwmon, ipmi, nvidia, command, none
}

/// One way of reading the machine's power draw.
protocol PowerReader {
    var description: String { get }
    /// Watts now (or averaged since the last call, for energy counters); nil when the reading failed.
    mutating func read() -> Double?
}

/// RAPL package energy counters: watts from the change in micro-joules between two reads (wraps handled).
struct RAPLReader: PowerReader {
    struct Zone {
        let path: String
        let maxRange: Double
        var last: Double
    }
    var zones: [Zone]
    var lastTime: Double
    let description: String

    init?(root: String, why: inout [String]) {
        let base = root + "/sys/class/powercap"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: base) else {
            why.append("rapl: no \(base)")
            return nil
        }
        // Package zones only (intel-rapl:0, intel-rapl:1 ...); sub-zones (intel-rapl:0:0) are inside them.
        let packages = names.filter { $0.hasPrefix("intel-rapl:") && $0.split(separator: ":").count == 2 }.sorted()
        var zones: [Zone] = []
        for p in packages {
            let energy = "\(base)/\(p)/energy_uj"
            guard let e = PowerFiles.number(energy) else {
                why.append("rapl: \(energy) is not readable (reading it usually needs root)")
                continue
            }
            zones.append(
                Zone(path: energy, maxRange: PowerFiles.number("\(base)/\(p)/max_energy_range_uj") ?? 0, last: e))
        }
        guard !zones.isEmpty else {
            if packages.isEmpty { why.append("rapl: no intel-rapl package zones in \(base)") }
            return nil
        }
        self.zones = zones
        lastTime = Clock.monotonic()
        description = "RAPL package energy (\(zones.map(\.path).joined(separator: ", ")))"
    }

    mutating func read() -> Double? {
        let t = Clock.monotonic()
        var joules = 0.0
        for i in zones.indices {
            guard let e = PowerFiles.number(zones[i].path) else { return nil }
            var delta = e - zones[i].last
            if delta < 0 { delta += zones[i].maxRange }
            zones[i].last = e
            joules += delta / 1e6
        }
        defer { lastTime = t }
        let dt = t - lastTime
        return dt > 0 ? joules / dt : nil
    }
}

/// hwmon power sensors (`power1_input` or `power1_average`, micro-watts), summed.
struct HwmonReader: PowerReader {
    let paths: [String]
    let description: String

    init?(root: String, why: inout [String]) {
        let base = root + "/sys/class/hwmon"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: base) else {
            why.append("hwmon: no \(base)")
            return nil
        }
        var paths: [String] = []
        for n in names.sorted() {
            for f in ["power1_input", "power1_average"] where PowerFiles.number("\(base)/\(n)/\(f)") != nil {
                paths.append("\(base)/\(n)/\(f)")
                break
            }
        }
        guard !paths.isEmpty else {
            why.append("hwmon: no power1_input or power1_average sensor in \(base)")
            return nil
        }
        self.paths = paths
        description = "hwmon power sensors (\(paths.joined(separator: ", ")))"
    }

    mutating func read() -> Double? {
        var watts = 0.0
        for p in paths {
            guard let v = PowerFiles.number(p) else { return nil }
            watts += v / 1e6
        }
        return watts
    }
}

/// A command whose output holds the watts: `ipmitool dcmi power reading`, `nvidia-smi`, or the user's own.
struct CommandReader: PowerReader {
    let command: [String]
    let description: String
    let parse: @Sendable (String) -> Double?

    init?(command: [String], description: String, parse: @escaping @Sendable (String) -> Double?, why: inout [String]) {
        self.command = command
        self.description = description
        self.parse = parse
        let probe = Command.run(command, timeout: 10)
        guard probe.succeeded else {
            let report = ProgramReport(probe, tailLines: 1)
            why.append("\(description): \(report.ending)" + (report.tail.first.map { " (\($0))" } ?? ""))
            return nil
        }
        guard parse(probe.stdout) != nil else {
            why.append("\(description): `\(Command.display(command))` gave no reading")
            return nil
        }
    }

    mutating func read() -> Double? {
        let r = Command.run(command, timeout: 10)
        return r.succeeded ? parse(r.stdout) : nil
    }

    /// `Instantaneous power reading:   212 Watts`.
    static func ipmi(_ text: String) -> Double? {
        for line in text.split(separator: "\n") where line.contains("Instantaneous power reading") {
            return line.split(separator: ":").last.flatMap { Double($0.split(separator: " ").first ?? "") }
        }
        return nil
    }

    /// One number per GPU (`nvidia-smi --query-gpu=power.draw --format=csv,noheader,nounits`), summed.
    static func sumOfNumbers(_ text: String) -> Double? {
        let values = text.split(whereSeparator: { $0 == "\n" || $0 == "," }).compactMap {
            Double($0.trimmingCharacters(in: .whitespaces))
        }
        return values.isEmpty ? nil : values.reduce(0, +)
    }
}

enum PowerFiles {
    static func number(_ path: String) -> Double? {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return Double(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    static func onPath(_ program: String) -> Bool {
        (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":").contains {
            FileManager.default.isExecutableFile(atPath: "\($0)/\(program)")
        }
    }
}
