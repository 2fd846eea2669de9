import Basics
import Foundation
import Workflow

/// This machine as a reproduction compares it with a published system description.
public struct HostFacts: Sendable, Equatable {
    public var processor: String
    public var processors: Int
    /// Online logical CPUs.
    public var cpus: Int
    public var memoryGiB: Double
    public var operatingSystem: String
    public var accelerators: Int

    public init(
        processor: String, processors: Int, cpus: Int, memoryGiB: Double, operatingSystem: String,
        accelerators: Int = 0
    ) {
        self.processor = processor
        self.processors = processors
        self.cpus = cpus
        self.memoryGiB = memoryGiB
        self.operatingSystem = operatingSystem
        self.accelerators = accelerators
    }

    /// This machine, from repro's host description (`HostInfo`, `/proc/cpuinfo`). repro runs on CPUs only, so it
    /// counts no accelerator.
    public static var current: HostFacts {
        let h = HostInfo.description
        return HostFacts(
            processor: h["cpu"]?.stringValue ?? "unknown", processors: CPUInfo.current.sockets, cpus: HostInfo.cpus,
            memoryGiB: h["memory_gib"]?.doubleValue ?? 0,
            operatingSystem: "\(h["os"]?.stringValue ?? "Linux") (\(h["kernel"]?.stringValue ?? ""))")
    }
}

/// The published machine (its `systems/<system>.json`) beside this one, field by field.
///
/// The systems are the same when the fields that decide performance agree: the processor model, processors per
/// node, cores, accelerators and nodes. Memory and the operating system are shown, and listed when they differ,
/// but do not decide. MLPerf's ±10 % applies only between the same systems.
public struct MachineComparison: Sendable, Equatable {
    public struct Row: Sendable, Equatable {
        public var field: String
        public var published: String
        public var here: String
        public var differs: Bool
        /// Whether a difference makes the systems different.
        public var decides: Bool
    }

    public var rows: [Row]

    public var sameSystem: Bool { !rows.contains { $0.decides && $0.differs } }

    /// The rows that differ, as the verdict engine lists machine differences.
    public var differences: [MachineDifference] {
        rows.filter(\.differs).map {
            MachineDifference(key: $0.field, published: $0.published, reproduced: $0.here, nodes: [])
        }
    }

    public static func compare(_ system: [String: String], host: HostFacts) -> MachineComparison {
        func value(_ key: String) -> String { (system[key] ?? "").trimmingCharacters(in: .whitespaces) }
        let processors = Int(value("host_processors_per_node")) ?? 0
        let cores = Int(value("host_processor_core_count")) ?? 0
        let accelerators = Int(value("accelerators_per_node")) ?? 0
        let acceleratorModel = value("accelerator_model_name")
        var rows: [Row] = []
        rows.append(
            Row(
                field: "processor", published: value("host_processor_model_name"), here: host.processor,
                differs: normalized(value("host_processor_model_name")) != normalized(host.processor), decides: true))
        rows.append(
            Row(
                field: "processors per node", published: value("host_processors_per_node"),
                here: "\(host.processors)", differs: processors != host.processors, decides: true))
        // The description counts cores per processor; repro sees online CPUs (threads): the same machine has as
        // many CPUs as cores × processors × threads per core, which the description does not give, so the counts
        // are compared as written.
        rows.append(
            Row(
                field: "cores per processor", published: value("host_processor_core_count"),
                here: "\(host.cpus) online CPUs", differs: cores != host.cpus, decides: true))
        rows.append(
            Row(
                field: "accelerators", published: accelerators == 0 ? "0" : "\(accelerators) × \(acceleratorModel)",
                here: "\(host.accelerators)", differs: accelerators != host.accelerators, decides: true))
        rows.append(
            Row(
                field: "nodes", published: value("number_of_nodes"), here: "1",
                differs: (Int(value("number_of_nodes")) ?? 1) != 1, decides: true))
        let memory = gibibytes(value("host_memory_capacity"))
        rows.append(
            Row(
                field: "memory", published: value("host_memory_capacity"),
                here: String(format: "%.1f GiB", host.memoryGiB),
                differs: memory.map { abs($0 - host.memoryGiB) > 0.1 * max($0, host.memoryGiB) } ?? true,
                decides: false))
        rows.append(
            Row(
                field: "operating system", published: value("operating_system"), here: host.operatingSystem,
                differs: normalized(value("operating_system")) != normalized(host.operatingSystem), decides: false))
        return MachineComparison(rows: rows)
    }

    static func normalized(_ s: String) -> String {
        s.lowercased().split(whereSeparator: { $0 == " " || $0 == "\t" }).joined(separator: " ")
    }

    /// `125G`, `1024GB`, `96 GB`, `1.5T`, `16 GiB` → GiB (a gigabyte and a gibibyte are not told apart: the
    /// descriptions do not either).
    static func gibibytes(_ text: String) -> Double? {
        let scanner = Scanner(string: text)
        guard let number = scanner.scanDouble() else { return nil }
        let unit = text[scanner.currentIndex...].trimmingCharacters(in: .whitespaces).lowercased()
        switch unit.first {
        case "t": return number * 1024
        case "g", nil: return number
        case "m": return number / 1024
        default: return nil
        }
    }
}
