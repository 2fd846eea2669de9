import Foundation
import Synchronization

/// Samples the machine's power draw on a background thread while a test runs and summarises the samples inside
/// LoadGen's power window (`power_begin` .. `power_end`). Readings are written to a CSV (Unix time, watts).
public final class PowerSampler: @unchecked Sendable {
    public struct Summary: Sendable {
        public let source: String
        public let samples: Int
        public let averageWatts: Double
        public let energyJoules: Double
        public let seconds: Double
    }

    /// Why no source could be used, one reason per source tried.
    public struct Unavailable: Error, Sendable, CustomStringConvertible {
        public let reasons: [String]
        public var description: String { "power: unavailable (" + reasons.joined(separator: "; ") + ")" }
    }

    public let source: String
    let interval: Double
    var reader: any PowerReader
    let readings = Mutex<[(time: Double, watts: Double)]>([])
    let running = Atomic<Bool>(false)
    private var thread: Thread?

    /// Finds a source. `root` prefixes the sysfs paths (tests point it at a prepared folder); `command` is the
    /// user's reading command for `.command`.
    public init(kind: PowerSourceKind, interval: Double = 0.25, root: String = "", command: [String] = [])
        throws(Unavailable)
    {
        var why: [String] = []
        var found: (any PowerReader)?
        let kinds: [PowerSourceKind] = kind == .auto ? [.rapl, .hwmon, .ipmi, .nvidia] : [kind]
        for k in kinds where found == nil {
            switch k {
            case .rapl: found = RAPLReader(root: root, why: &why)
            case .hwmon: found = HwmonReader(root: root, why: &why)
            case .ipmi:
                if PowerFiles.onPath("ipmitool") {
                    found = CommandReader(
                        command: ["ipmitool", "dcmi", "power", "reading"], description: "ipmitool dcmi power reading",
                        parse: CommandReader.ipmi, why: &why)
                } else {
                    why.append("ipmi: ipmitool is not installed")
                }
            case .nvidia:
                if PowerFiles.onPath("nvidia-smi") {
                    found = CommandReader(
                        command: ["nvidia-smi", "--query-gpu=power.draw", "--format=csv,noheader,nounits"],
                        description: "nvidia-smi power.draw", parse: CommandReader.sumOfNumbers, why: &why)
                } else {
                    why.append("nvidia: nvidia-smi is not installed")
                }
            case .command:
                if command.isEmpty {
                    why.append("command: no power command given")
                } else {
                    found = CommandReader(
                        command: command, description: "`\(command.joined(separator: " "))`",
                        parse: CommandReader.sumOfNumbers, why: &why)
                }
            case .none: why.append("power measurement was not asked for")
            case .auto: break
            }
        }
        guard let found else { throw Unavailable(reasons: why) }
        reader = found
        source = found.description
        self.interval = interval
    }

    public func start() {
        running.store(true, ordering: .releasing)
        _ = reader.read()  // an energy counter's first read sets its baseline
        let t = Thread {  // strong: the loop ends once stopped
            while self.running.load(ordering: .acquiring) {
                Thread.sleep(forTimeInterval: self.interval)
                if let w = self.reader.read() {
                    let now = Date().timeIntervalSince1970
                    self.readings.withLock { $0.append((now, w)) }
                }
            }
        }
        t.name = "repro-power"
        thread = t
        t.start()
    }

    /// Stops sampling, writes the readings to `csvPath`, and summarises those inside `window` (Unix seconds).
    public func stop(window: ClosedRange<Double>?, csvPath: String) throws -> Summary {
        running.store(false, ordering: .releasing)
        Thread.sleep(forTimeInterval: interval * 1.5)
        let all = readings.withLock { $0 }
        var csv = "time_unix_s,watts\n"
        for r in all { csv += String(format: "%.3f,%.3f\n", r.time, r.watts) }
        try csv.write(toFile: csvPath, atomically: true, encoding: .utf8)
        // A reading covers the interval before it, so keep those that end inside the window.
        let inside =
            window.map { w in all.filter { $0.time >= w.lowerBound && $0.time <= w.upperBound + interval } } ?? all
        let average = inside.isEmpty ? 0 : inside.reduce(0) { $0 + $1.watts } / Double(inside.count)
        let seconds = window.map { $0.upperBound - $0.lowerBound } ?? Double(all.count) * interval
        return Summary(
            source: source, samples: inside.count, averageWatts: average, energyJoules: average * seconds,
            seconds: seconds)
    }
}
