import Basics
import Foundation
import Recipes
import Synchronization
import Workflow

/// How a container step runs inside a Slurm job: with Pyxis (`srun --container-image`, Enroot) when the cluster
/// has it, else by the container runtime on the node, like a local step.
///
/// `REPRO_SLURM_CONTAINERS`: `auto` (the default: Pyxis when this node's `srun --help` lists
/// `--container-image`), `pyxis` (always; an error where it is missing) or `runtime`.
enum SlurmContainers {
    struct Pyxis: Sendable {
        let srun: String
    }

    private static let detected = Mutex<[String: Bool]>([:])

    /// The Pyxis launcher to use, or nil to run the runtime. Only inside a Slurm job.
    static func pyxis(environment: [String: String], path: String) -> Pyxis? {
        guard environment["SLURM_JOB_ID"] != nil else { return nil }
        let mode = environment["REPRO_SLURM_CONTAINERS"] ?? "auto"
        guard mode != "runtime", let srun = ContainerRuntime.locate("srun", path: path) else { return nil }
        if mode == "pyxis" { return Pyxis(srun: srun) }
        if let known = detected.withLock({ $0[srun] }) { return known ? Pyxis(srun: srun) : nil }
        let help = Command.run([srun, "--help"], environment: environment, timeout: 30)
        let has = help.stdout.contains("--container-image")
        detected.withLock { $0[srun] = has }
        return has ? Pyxis(srun: srun) : nil
    }
}

extension LocalRunner {
    /// Runs the step as a job step in an Enroot container made by Pyxis from the image's squashfs file, which is
    /// made once per image in the shared cache (`containers/enroot/<digest>.sqsh`, by `enroot import`).
    func runWithPyxis(
        _ launch: ContainerLaunch, _ pyxis: SlurmContainers.Pyxis, _ step: StepInvocation, record: [String: Value]
    )
        -> StepOutcome
    {
        let help = Command.run([pyxis.srun, "--help"], environment: runtimeEnvironment(), timeout: 30)
        guard help.stdout.contains("--container-image") else {
            return .failed(
                StepFailure(
                    reason: "REPRO_SLURM_CONTAINERS=pyxis, but srun on \(HostInfo.hostname) has no --container-image "
                        + "option: Pyxis (and Enroot) are not installed there; install them "
                        + "(https://github.com/NVIDIA/pyxis) or set REPRO_SLURM_CONTAINERS=runtime"))
        }
        let argv: [String]
        do {
            let squashfs = try enrootImage(digest: "sha256:" + launch.image, record: record)
            argv = try launch.srunArgv(srun: pyxis.srun, squashfs: squashfs)
        } catch {
            step.log.err("repro: \(error)")
            return .failed(error.failure)
        }
        // srun hands its own environment to the task: the step's, plus what srun needs of the job.
        var environment = launch.environment
        for (k, v) in runtimeEnvironment() where environment[k] == nil { environment[k] = v }
        switch runProcess(argv, step, environment: environment) {
        case .failure(let f): return .failed(f)
        case .success(let (end, timedOut)):
            switch outcome(end, timedOut: timedOut, step) {
            case .succeeded(let outputs, var execution):
                execution["container"] = .map(record)
                return .succeeded(outputs: outputs, execution: execution)
            case .failed(var f):
                f.execution["container"] = .map(record)
                return .failed(f)
            }
        }
    }

    /// The image as a squashfs file Enroot can start, made from the runtime's store (the image is loaded from its
    /// archive first where missing) by `enroot import podman://ID`.
    func enrootImage(digest: String, record: [String: Value]) throws(ContainerError) -> String {
        guard let containers else { throw .unsupported(runtime: .podman, what: "prepare images here") }
        let hex = ContainerImages.bareID(digest)
        let dir = containers.cacheRoot + "/containers/enroot"
        let file = dir + "/" + hex + ".sqsh"
        if FileSystemPath.exists(file) { return file }
        let lock = try? FileLock.acquire(containers.locksDir + "/enroot-" + hex + ".lock")
        defer { lock?.unlock() }
        if FileSystemPath.exists(file) { return file }
        guard let enroot = ContainerRuntime.locate("enroot", path: path) else {
            throw .noRuntime(
                choice: .podman, problems: ["'enroot' is not on PATH on \(HostInfo.hostname)"], path: path)
        }
        let runtime = try containers.runtime(.podman)
        if !containers.exists(digest, runtime: runtime) {
            guard let archive = record["image"]?.stringValue.flatMap(ImageArchive.path(of:)) else {
                throw .digestChanged(reference: record["image"]?.stringValue ?? digest, planned: digest, now: nil)
            }
            try containers.load(archive, digest: digest, runtime: runtime)
        }
        try? FileOps.makeDirectories(dir)
        let partial = file + ".partial.\(getpid())"
        let r = Command.run(
            [enroot, "import", "--output", partial, "podman://" + hex], environment: runtimeEnvironment(), timeout: 3600
        )
        guard r.succeeded, (try? FileOps.move(partial, to: file)) != nil else {
            FileOps.removeTree(partial)
            throw .command(what: "making the Enroot image", report: ProgramReport(r))
        }
        return file
    }
}
