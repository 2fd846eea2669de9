import Basics
import Foundation
import Recipes
import Workflow

/// The command line that runs one step inside its image: `podman run` or `docker run`, `apptainer exec`, or,
/// in a Slurm job on a cluster with Pyxis, `srun --container-image`.
///
/// Every path is absolute and mounted at the same path inside, so the paths in the step's text (its output
/// folder, its dependencies' outputs, its `path` inputs) mean the same inside and outside.
struct ContainerLaunch: Sendable {
    /// The container's name (to stop and remove it when the step is stopped).
    var name: String
    /// What the runtime runs: an image ID, or for apptainer a file.
    var image: String
    var workdir: String
    /// Mounted writable: the step's staging folder (output, scratch, outputs file).
    var writable: [String]
    var readOnly: [String]
    /// Exactly the step's environment; nothing else of the caller's reaches the container.
    var environment: [String: String]
    /// Variables of `environment` that hold secrets: named on the command line, their values handed to the
    /// runtime through its own environment (`secretEnvironment`), so no process listing shows them.
    var secretNames: Set<String> = []
    var network: Bool
    var command: String

    /// Runs the command with bash when the image has it (as on the host: `-e -o pipefail`), else with sh.
    static let shell =
        "if [ -x /bin/bash ]; then exec /bin/bash -e -o pipefail -c \"$1\"; fi; exec /bin/sh -e -c \"$1\""

    /// The paths mounted, each once, read-only ones inside a writable one left out.
    var mounts: [(path: String, readOnly: Bool)] {
        let ro = readOnly.filter { p in !writable.contains { p == $0 || p.hasPrefix($0 + "/") } }
        return writable.map { ($0, false) } + ro.map { ($0, true) }
    }

    func checkPaths(forbidden: String, runtime: String) throws(ContainerError) {
        for (path, _) in mounts where path.contains(where: { forbidden.contains($0) }) {
            throw .unsupported(
                runtime: .podman,
                what: "be handed '\(path)' by \(runtime): a mounted path may not contain "
                    + forbidden.map { "'\($0)'" }.joined(separator: " or "))
        }
    }

    func argv(_ runtime: ContainerRuntime) throws(ContainerError) -> [String] {
        let env = environment.sorted { $0.key < $1.key }
        switch runtime.kind {
        case .podman, .docker:
            try checkPaths(forbidden: ",", runtime: runtime.kind.rawValue)
            var argv = [
                runtime.executable, "run", "--rm", "--pull=never", "--name", name, "--hostname", "repro",
                "--log-driver", "none", "--workdir", workdir, "--entrypoint", "/bin/sh",
            ]
            // Without a network the container has only its loopback; with one, the runtime's default network.
            if !network { argv += ["--network", "none"] }
            // Docker runs the step as the caller (files it writes stay the caller's); rootful podman runs as root
            // and rootless podman maps root to the caller.
            if runtime.kind == .docker, let user = ContainerLaunch.callerUser { argv += ["--user", user] }
            if runtime.kind == .podman { argv += ["--unsetenv", "TERM"] }
            for (path, readOnly) in mounts {
                argv += ["--mount", "type=bind,source=\(path),target=\(path)" + (readOnly ? ",readonly" : "")]
            }
            for (k, v) in env { argv += ["--env", secretNames.contains(k) ? k : "\(k)=\(v)"] }
            return argv + [image, "-c", ContainerLaunch.shell, "sh", command]
        case .apptainer:
            try checkPaths(forbidden: ",:", runtime: "apptainer")
            var argv = [runtime.executable, "exec", "--cleanenv", "--contain", "--no-home", "--pwd", workdir]
            if !network { argv += ["--net", "--network", "none"] }
            for (path, readOnly) in mounts { argv += ["--bind", "\(path):\(path)" + (readOnly ? ":ro" : "")] }
            for (k, v) in env where !secretNames.contains(k) { argv += ["--env", "\(k)=\(v)"] }
            return argv + [image, "/bin/sh", "-c", ContainerLaunch.shell, "sh", command]
        }
    }

    /// `srun` inside the job's allocation, with Pyxis putting the step in an Enroot container made from a squashfs
    /// file. Enroot shares the host's network: the step's environment goes to srun, which hands it to the task.
    func srunArgv(srun: String, squashfs: String) throws(ContainerError) -> [String] {
        try checkPaths(forbidden: ",:", runtime: "Pyxis")
        let mounts = self.mounts.map { $0.path + ":" + $0.path + ($0.readOnly ? ":ro" : "") }
        return [
            srun, "--ntasks=1", "--nodes=1", "--container-image=\(squashfs)",
            "--container-mounts=\(mounts.joined(separator: ","))", "--container-workdir=\(workdir)",
            "--no-container-mount-home", "--no-container-entrypoint", "/bin/sh", "-c", ContainerLaunch.shell, "sh",
            command,
        ]
    }

    /// The secrets as the runtime program reads them from its own environment: podman and docker take the value
    /// of `--env NAME` from there, apptainer passes `APPTAINERENV_NAME` into the container.
    func secretEnvironment(_ runtime: ContainerRuntime) -> [String: String] {
        var out: [String: String] = [:]
        for name in secretNames {
            guard let value = environment[name] else { continue }
            out[runtime.kind == .apptainer ? "APPTAINERENV_" + name : name] = value
        }
        return out
    }

    /// `uid:gid` of this process when it is not root.
    static var callerUser: String? {
        let uid = getuid()
        return uid == 0 ? nil : "\(uid):\(getgid())"
    }
}
