import Basics
import Recipes

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// A description of the machine, for manifests, entries and `host` in expressions.
public enum HostInfo {
    public static let hostname: String = {
        var buffer = [CChar](repeating: 0, count: 256)
        gethostname(&buffer, buffer.count - 1)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }()

    /// Online CPUs.
    public static let cpus: Int = max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))

    public static let arch: String = {
        var u = utsname()
        uname(&u)
        return withUnsafeBytes(of: u.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }()

    public static let kernel: String = {
        var u = utsname()
        uname(&u)
        let sys = withUnsafeBytes(of: u.sysname) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        let rel = withUnsafeBytes(of: u.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        return "\(sys) \(rel)"
    }()

    /// The `host` root of expressions: cpus, arch, os, and the invoking environment (`host.env.NAME`).
    /// Whatever a template reads from it enters the key through the evaluated text.
    public static func expressionValue(environment: [String: String]) -> Value {
        .map([
            "cpus": .int(cpus), "arch": .string(arch), "os": .string("linux"), "name": .string(hostname),
            "env": .map(environment.mapValues { .string($0) }),
        ])
    }

    /// CPU model, cores, memory and OS, read from /proc and /etc (cheap: read once per process).
    public static let description: Value = {
        let cpuModel = CPUInfo.current.model ?? "unknown"
        var memoryKiB = 0
        if let text = try? FileSystemPath.readText("/proc/meminfo") {
            for line in text.split(separator: "\n") where line.hasPrefix("MemTotal:") {
                memoryKiB = Int(line.split(separator: " ").dropFirst().first ?? "") ?? 0
            }
        }
        var os = "Linux"
        if let text = try? FileSystemPath.readText("/etc/os-release") {
            for line in text.split(separator: "\n") where line.hasPrefix("PRETTY_NAME=") {
                os = String(line.dropFirst("PRETTY_NAME=".count)).trimmingCharacters(in: "\"")
            }
        }
        return .map([
            "hostname": .string(hostname), "cpu": .string(cpuModel), "cpus": .int(cpus), "arch": .string(arch),
            "memory_gib": .double((Double(memoryKiB) / 1_048_576 * 10).rounded() / 10), "os": .string(os),
            "kernel": .string(kernel),
        ])
    }()
}
