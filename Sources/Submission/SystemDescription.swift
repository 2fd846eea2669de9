import Basics
import Foundation

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// `systems/<system>.json`: every field the MLCommons system-description schema requires. What only the submitter can
/// declare (division, submitter, availability status, system type) comes from the `Declarations` the recipe gives,
/// never from a default. What repro reads from this machine (processor, cores, memory, storage, operating system)
/// is filled in; accelerators are `"0"` and their fields "N/A" when there are none; the fields the machine cannot
/// tell (interconnects, cooling, memory configuration) say so (`Self.unknown`). `overrides` replace anything.
public enum SystemDescription {
    /// The fields of the official checker's SYSTEM_DESC_REQUIRED_FIELDS, in its order.
    public static let requiredFields = [
        "division", "submitter", "status", "system_name", "number_of_nodes", "host_processor_model_name",
        "host_processors_per_node", "host_processor_core_count", "host_memory_capacity", "host_storage_capacity",
        "host_storage_type", "accelerators_per_node", "accelerator_model_name", "accelerator_memory_capacity",
        "framework", "operating_system", "system_type", "other_software_stack", "host_processor_frequency",
        "host_processor_caches", "host_memory_configuration", "host_processor_interconnect", "host_networking",
        "host_networking_topology", "accelerator_frequency", "accelerator_host_interconnect",
        "accelerator_interconnect", "accelerator_interconnect_topology", "accelerator_memory_configuration",
        "accelerator_on-chip_memories", "cooling", "hw_notes", "sw_notes", "host_network_card_count",
        "system_type_detail",
    ]

    /// The fields that must not be empty (SYSTEM_DESC_MEANINGFUL_RESPONSE_REQUIRED_FIELDS).
    public static let meaningfulFields: Set<String> = [
        "division", "submitter", "system_type", "status", "system_name", "number_of_nodes", "host_processor_model_name",
        "host_processors_per_node", "host_processor_core_count", "host_memory_capacity", "host_memory_configuration",
        "host_storage_capacity", "host_storage_type", "host_networking", "host_network_card_count",
        "host_networking_topology", "accelerators_per_node", "accelerator_model_name", "accelerator_memory_capacity",
        "accelerator_host_interconnect", "accelerator_memory_configuration", "accelerator_interconnect", "cooling",
        "framework", "operating_system", "other_software_stack",
    ]

    /// The text of a field repro cannot read from the machine.
    public static let unknown = "unknown (repro cannot read this from the machine)"

    /// MLPerf's divisions.
    public enum Division: String, Sendable, CaseIterable {
        case open, closed
    }

    /// A system's status, as the submitter declares it.
    public enum Availability: String, Sendable, CaseIterable {
        case available, preview, rdi
    }

    /// A system's category: edge, datacenter or both.
    public enum SystemType: String, Sendable, CaseIterable {
        case edge, datacenter
        case datacenterAndEdge = "datacenter,edge"

        /// Also `edge,datacenter` (the other order), as MLPerf's checker takes it.
        public init?(declared text: String) {
            self.init(rawValue: text == "edge,datacenter" ? "datacenter,edge" : text)
        }
    }

    /// The statements only a submitter can make; a submission recipe gives each of them explicitly.
    public struct Declarations: Sendable {
        public var division: Division
        public var submitter: String
        public var status: Availability
        public var systemType: SystemType

        public init(division: Division, submitter: String, status: Availability, systemType: SystemType) {
            (self.division, self.submitter, self.status, self.systemType) = (division, submitter, status, systemType)
        }
    }

    /// What the run already knows of the machine (repro's host description).
    public struct Host: Sendable {
        public var cpu: String, cpus: Int, memoryGiB: Double, os: String, kernel: String
        public init(cpu: String, cpus: Int, memoryGiB: Double, os: String, kernel: String) {
            (self.cpu, self.cpus, self.memoryGiB, self.os, self.kernel) = (cpu, cpus, memoryGiB, os, kernel)
        }
    }

    public static func fromMachine(
        _ host: Host, declarations: Declarations, systemName: String, framework: String,
        overrides: [String: String] = [:]
    ) -> [String: String] {
        var d: [String: String] = [:]
        d["division"] = declarations.division.rawValue
        d["submitter"] = declarations.submitter
        d["status"] = declarations.status.rawValue
        d["system_name"] = systemName
        d["system_type"] = declarations.systemType.rawValue
        d["system_type_detail"] = unknown
        d["number_of_nodes"] = "1"
        let cpu = CPUInfo.current
        d["host_processor_model_name"] = host.cpu
        d["host_processors_per_node"] = "\(cpu.sockets)"
        d["host_processor_core_count"] = "\(host.cpus)"
        d["host_processor_frequency"] = cpu.mhz.map { String(format: "%.0f MHz", $0) } ?? unknown
        d["host_processor_caches"] = cpu.cache ?? unknown
        for k in [
            "host_processor_interconnect", "host_memory_configuration", "host_storage_type", "host_networking",
            "host_networking_topology", "host_network_card_count", "cooling",
        ] { d[k] = unknown }
        d["host_memory_capacity"] = String(format: "%.0f GB", host.memoryGiB)
        d["host_storage_capacity"] = storage()
        // No accelerators: their fields do not apply.
        d["accelerators_per_node"] = "0"
        for k in [
            "accelerator_model_name", "accelerator_memory_capacity", "accelerator_host_interconnect",
            "accelerator_interconnect", "accelerator_memory_configuration",
        ] { d[k] = "N/A" }
        for k in [
            "accelerator_frequency", "accelerator_interconnect_topology", "accelerator_on-chip_memories", "hw_notes",
            "sw_notes",
        ] {
            d[k] = ""
        }
        d["framework"] = framework
        d["operating_system"] = host.os
        d["other_software_stack"] = "Linux \(host.kernel)"
        for (k, v) in overrides { d[k] = v }
        return d
    }

    /// The JSON text, fields in the schema's order, then any extra fields sorted.
    public static func json(_ d: [String: String]) -> String {
        let numeric: Set<String> = ["number_of_nodes", "host_processors_per_node", "host_processor_core_count"]
        var keys = requiredFields.filter { d[$0] != nil }
        keys += d.keys.filter { !requiredFields.contains($0) }.sorted()
        let lines = keys.map { k -> String in
            let v = d[k]!
            let value = numeric.contains(k) && Int(v) != nil ? v : JSONString.quoted(v)
            return "  \(JSONString.quoted(k)): \(value)"
        }
        return "{\n" + lines.joined(separator: ",\n") + "\n}\n"
    }

    static func storage() -> String {
        var s = statvfs()
        guard statvfs("/", &s) == 0 else { return unknown }
        return String(format: "%.0f GB", Double(s.f_blocks) * Double(s.f_frsize) / 1e9)
    }
}
