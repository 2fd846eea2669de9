import Basics
import Foundation
import Recipes
import Workflow

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Shell steps with `container:`: checked against the digest in their key, run by that digest, with only their
/// staging folder writable and what they read mounted read-only, and removed when they are stopped.
extension LocalRunner {
    /// A name resolved longer ago than this is asked for again before the container starts.
    static let recheckAfter = 2.0

    func runInContainer(_ command: String, _ step: StepInvocation, _ container: ContainerInvocation) -> StepOutcome {
        guard let containers else {
            return .failed(StepFailure(reason: "this runner was made without container support"))
        }
        let image = container.image
        let archive = ImageArchive.path(of: image.reference)
        let pyxis = SlurmContainers.pyxis(environment: callerEnvironment, path: path)
        // With Pyxis the node may have no runtime (Enroot runs the step); else the step needs one here.
        let runtime: ContainerRuntime?
        do {
            runtime =
                pyxis == nil ? try containers.runtime(container.runtime) : try? containers.runtime(container.runtime)
            try checkDigest(image, archive: archive, runtime: runtime, containers)
        } catch {
            step.log.err("repro: \(error)")
            return .failed(error.failure)
        }
        var launch = ContainerLaunch(
            name: "repro-\(step.key.prefix(12))-\(String(UInt32.random(in: 0...UInt32.max), radix: 16))",
            image: ContainerImages.bareID(image.digest), workdir: step.staging.outDir,
            writable: [step.staging.path], readOnly: container.readOnly, environment: stepVariables(step),
            network: container.network, command: command)
        launch.secretNames = step.secretNames
        var record = image.record.mapValue ?? [:]
        record["network"] = .bool(container.network)
        if let pyxis {
            record["launcher"] = .string("pyxis")
            record["runtime"] = .string("enroot")
            record["runtime_version"] = nil
            record["network"] = .string("shared (Enroot has no network isolation)")
            return runWithPyxis(launch, pyxis, step, record: record)
        }
        guard let runtime else { return .failed(StepFailure(reason: "no container runtime")) }
        record["launcher"] = .string(runtime.kind.rawValue)
        record["runtime"] = .string(runtime.kind.rawValue)
        record["runtime_version"] = .string(runtime.version)
        if runtime.kind == .apptainer { launch.image = archive.map { "oci-archive:" + $0 } ?? image.reference }
        return runWithRuntime(launch, runtime, archive: archive, step, record: record)
    }

    /// The image must still be the one the key was computed with.
    func checkDigest(
        _ image: ResolvedImage, archive: String?, runtime: ContainerRuntime?, _ containers: ContainerImages
    )
        throws(ContainerError)
    {
        if archive == nil, Clock.monotonic() - image.resolvedAt < LocalRunner.recheckAfter { return }
        let now: String?
        do { now = try containers.digest(of: image.reference, runtime: runtime) } catch {
            if case .noImage = error { now = nil } else { throw error }
        }
        guard now == image.digest else {
            throw .digestChanged(reference: image.reference, planned: image.digest, now: now)
        }
    }

    func runWithRuntime(
        _ launch: ContainerLaunch, _ runtime: ContainerRuntime, archive: String?, _ step: StepInvocation,
        record: [String: Value]
    ) -> StepOutcome {
        let argv: [String]
        do { argv = try launch.argv(runtime) } catch { return .failed(error.failure) }
        let environment = runtimeEnvironment().merging(launch.secretEnvironment(runtime)) { _, secret in secret }
        let logSizes = [step.log.stdoutPath, step.log.stderrPath].map { LocalRunner.fileSize($0) }
        var run = runProcess(argv, step, environment: environment)
        // Exit 125 is the runtime's own failure; a missing image is loaded from its archive, once, and run again.
        if case .success(let (end, false)) = run, end.exitCode == 125, runtime.kind != .apptainer,
            let containers, !containers.exists(launch.image, runtime: runtime)
        {
            guard let archive else {
                let failure = ContainerError.digestChanged(
                    reference: record["image"]?.stringValue ?? launch.image, planned: "sha256:" + launch.image,
                    now: nil)
                return .failed(failure.failure)
            }
            do { try containers.load(archive, digest: launch.image, runtime: runtime) } catch {
                step.log.err("repro: \(error)")
                return .failed(error.failure)
            }
            for (path, size) in zip([step.log.stdoutPath, step.log.stderrPath], logSizes) {
                truncate(path, off_t(size))
            }
            run = runProcess(argv, step, environment: environment)
        }
        let outcome: StepOutcome
        switch run {
        case .failure(let f): outcome = .failed(f)
        case .success(let (end, timedOut)):
            outcome = self.outcome(end, timedOut: timedOut, step)
            if end.exitCode == 125, case .failed(var f) = outcome {
                f.reason =
                    "\(runtime.kind) could not run the container (exit status 125): "
                    + Command.display(argv)
                return .failed(f)
            }
        }
        switch outcome {
        case .succeeded(let outputs, var execution):
            execution["container"] = .map(record)
            return .succeeded(outputs: outputs, execution: execution)
        case .failed(var f):
            // A stopped runtime client can leave its container running: remove it.
            if runtime.kind != .apptainer {
                _ = Command.run(
                    [runtime.executable, "rm", "-f", "-t", "0", launch.name], environment: environment, timeout: 60)
            }
            f.execution["container"] = .map(record)
            return .failed(f)
        }
    }

    /// The environment of the runtime program itself: PATH, HOME, a locale, and the variables runtimes read for
    /// their own settings. The step's environment goes into the container by `--env`, not through this.
    func runtimeEnvironment() -> [String: String] {
        var env = ["PATH": path, "HOME": home, "LANG": "C.UTF-8"]
        let own = [
            "XDG_RUNTIME_DIR", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "TMPDIR", "CONTAINERS_CONF",
            "CONTAINERS_STORAGE_CONF", "CONTAINERS_REGISTRIES_CONF", "CONTAINER_HOST", "CONTAINER_CONNECTION",
            "DOCKER_HOST", "DOCKER_CONFIG", "DOCKER_CONTEXT", "APPTAINER_CACHEDIR", "APPTAINER_TMPDIR",
        ]
        for name in own { if let v = callerEnvironment[name] { env[name] = v } }
        for (k, v) in callerEnvironment where k.hasPrefix("SLURM_") || k.hasPrefix("ENROOT_") { env[k] = v }
        return env
    }

    static func fileSize(_ path: String) -> Int {
        var st = stat()
        return stat(path, &st) == 0 ? Int(st.st_size) : 0
    }
}
