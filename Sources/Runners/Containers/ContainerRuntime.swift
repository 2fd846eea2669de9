import Basics
import Foundation
import Recipes
import Workflow

/// A container runtime found on this machine: which one, where, and its version.
public struct ContainerRuntime: Sendable {
    public enum Kind: String, Sendable, CaseIterable {
        case podman, docker, apptainer
    }

    public let kind: Kind
    /// Its absolute path.
    public let executable: String
    public let version: String

    /// What to install when a runtime is missing (the words of the error).
    static func installHint(_ kind: Kind) -> String {
        switch kind {
        case .podman:
            "install podman and runc (Debian and Ubuntu: apt-get install podman runc; where crun fails, set "
                + "runtime = \"runc\" under [engine] and default_ulimits = [] under [containers] in "
                + "/etc/containers/containers.conf; see docs/containers.md)"
        case .docker: "install Docker Engine (https://docs.docker.com/engine/install/) and start dockerd"
        case .apptainer: "install Apptainer (https://apptainer.org/docs/admin/main/installation.html)"
        }
    }

    /// The runtime a step asked for, found on `path` (the PATH steps get). `auto` takes podman, then docker when
    /// its engine answers, then apptainer.
    static func find(_ choice: ContainerRuntimeChoice, path: String, versions: RuntimeVersions)
        throws(ContainerError) -> ContainerRuntime
    {
        let kinds: [Kind] =
            switch choice {
            case .auto: Kind.allCases
            case .podman: [.podman]
            case .docker: [.docker]
            case .apptainer: [.apptainer]
            }
        var problems: [String] = []
        for kind in kinds {
            guard let executable = locate(kind.rawValue, path: path) else {
                problems.append("'\(kind.rawValue)' is not on PATH")
                continue
            }
            if kind == .docker {
                // The docker command alone is a client: without a reachable engine nothing runs.
                let r = Command.run([executable, "version", "--format", "{{.Server.Version}}"], timeout: 20)
                guard r.succeeded else {
                    problems.append(
                        "the docker command (\(executable)) is installed but its engine does not answer: "
                            + ContainerError.lastLine(r.stderr, or: "exit status \(r.status)"))
                    continue
                }
                return ContainerRuntime(
                    kind: kind, executable: executable,
                    version: r.stdout.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            return ContainerRuntime(kind: kind, executable: executable, version: versions.version(of: executable))
        }
        throw .noRuntime(choice: choice, problems: problems, path: path)
    }

    /// The first executable file `name` in the folders of `path`.
    static func locate(_ name: String, path: String) -> String? {
        for dir in path.split(separator: ":") where dir.hasPrefix("/") {
            let candidate = dir + "/" + name
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}

/// Runtime versions, kept in the cache folder by executable (path, size, modification time): asking podman for
/// its version takes a tenth of a second or more, a price a step should not pay every run.
final class RuntimeVersions: Sendable {
    let file: String

    init(cacheRoot: String) { file = cacheRoot + "/containers/runtimes.json" }

    func version(of executable: String) -> String {
        var st = stat()
        guard stat(executable, &st) == 0 else { return "unknown" }
        let stamp = "\(executable)|\(st.st_size)|\(st.st_mtim.tv_sec)"
        let known = (try? FileSystemPath.readBytes(file)).flatMap { try? Value.parseJSON(bytes: $0) }?.mapValue ?? [:]
        if let v = known[stamp]?.stringValue { return v }
        let r = Command.run([executable, "--version"], timeout: 20)
        // "podman version 4.3.1", "apptainer version 1.2.5"
        let version =
            r.succeeded
            ? (r.stdout.split(separator: " ").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
                ?? "unknown") : "unknown"
        var updated = known
        updated[stamp] = .string(version)
        try? FileOps.makeDirectories(FileSystemPath.parent(file))
        try? FileOps.writeAtomically(Value.map(updated).prettyJSON(), to: file)
        return version
    }
}
