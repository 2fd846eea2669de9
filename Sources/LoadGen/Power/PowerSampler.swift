import Basics
import Foundation
import Synchronization

/// Samples the machine's power draw on a background thread while a test runs and summarises the samples inside
/// LoadGen's power window (`power_begin` .. `power_end`). Readings are written to a CSV (Unix time, watts).
public final class PowerSampler: @unchecked Sendable {
    public struct Summary: Sendable {
        public let source: String
        /// Readings inside the window.
        public let samples: Int
        /// Nil when no reading fell inside the window: unavailable, never 0 W.
        public let averageWatts: Double?
        public let energyJoules: Double?
        public let seconds: Double
        /// Why there is no average (`averageWatts` is nil), in words for the result.
        public var unavailable: String? {
            averageWatts == nil
                ? "power: unavailable (\(source) gave no reading inside the \(String(format: "%.2f", seconds)) s window)"
                : nil
        }
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
    let wake = DispatchSemaphore(value: 0)
    let finished = DispatchSemaphore(value: 0)
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
                        command: command, description: "`\(Command.display(command))`",
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
                // Wakes early when stopped, so stop() never waits a whole interval.
                if self.wake.wait(timeout: .now() + self.interval) == .success { continue }
                if let w = self.reader.read() {
                    let now = Clock.now()
                    self.readings.withLock { $0.append((now, w)) }
                }
            }
            self.finished.signal()
        }
        t.name = "repro-power"
        thread = t
        t.start()
    }

    /// Stops sampling (and waits for the sampling thread to end), writes the readings to `csvPath`, and summarises
    /// those inside `window` (Unix seconds). With no reading inside the window the average is unavailable (nil).
    public func stop(window: ClosedRange<Double>?, csvPath: String) throws -> Summary {
        if thread != nil {
            running.store(false, ordering: .releasing)
            wake.signal()
            finished.wait()
            thread = nil
        }
        let all = readings.withLock { $0 }
        var csv = "time_unix_s,watts\n"
        for r in all { csv += String(format: "%.3f,%.3f\n", r.time, r.watts) }
        try csv.write(toFile: csvPath, atomically: true, encoding: .utf8)
        // A reading covers the interval before it, so keep those that end inside the window.
        let inside =
            window.map { w in all.filter { $0.time >= w.lowerBound && $0.time <= w.upperBound + interval } } ?? all
        let average = inside.isEmpty ? nil : inside.reduce(0) { $0 + $1.watts } / Double(inside.count)
        let seconds = window.map { $0.upperBound - $0.lowerBound } ?? Double(all.count) * interval
        return Summary(
            source: source, samples: inside.count, averageWatts: average, energyJoules: average.map { $0 * seconds },
            seconds: seconds)
    }
}
