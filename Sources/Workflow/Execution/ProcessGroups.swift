import Basics
import Recipes

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Stopping process groups of steps: on cancel, on timeout, and orphans of a `repro` that was killed.
public enum ProcessGroups {
    /// SIGTERM to the group, then SIGKILL after `grace` seconds if any member is still alive.
    public static func terminate(_ pgid: pid_t, grace: Double = 3) {
        guard pgid > 1 else { return }
        kill(-pgid, SIGTERM)
        let deadline = Clock.monotonic() + grace
        while Clock.monotonic() < deadline {
            if kill(-pgid, 0) != 0 { return }
            Clock.sleep(0.02)
        }
        kill(-pgid, SIGKILL)
    }

    /// Records a running step's group and its leader's start time, so a later run can tell it is the same.
    public static func record(pgid: pid_t, in file: String) {
        try? FileOps.write("\(pgid) \(startTime(of: pgid) ?? 0) \(HostInfo.hostname)\n", to: file)
    }

    /// Stops a group recorded by `record` if it still runs on this host with the same leader (pids are reused).
    public static func stopOrphan(recordedIn file: String) {
        guard let text = try? FileSystemPath.readText(file) else { return }
        let parts = text.split(separator: " ").map { String($0).trimmingCharacters(in: "\n") }
        guard parts.count == 3, let pgid = pid_t(parts[0]), let start = UInt64(parts[1]), parts[2] == HostInfo.hostname,
            startTime(of: pgid) == start
        else { return }
        terminate(pgid, grace: 1)
    }

    /// Field 22 of /proc/PID/stat: the start time in clock ticks since boot.
    static func startTime(of pid: pid_t) -> UInt64? {
        guard let text = try? FileSystemPath.readText("/proc/\(pid)/stat"),
            let close = text.lastIndex(of: ")")
        else { return nil }
        let fields = text[text.index(after: close)...].split(separator: " ")
        // After the command name, field 3 (state) is at index 0, so field 22 is at index 19.
        guard fields.count > 19 else { return nil }
        return UInt64(fields[19])
    }
}
