import Basics
import Foundation
import Recipes
import Synchronization
import Workflow

/// Finds container runtimes and the digests of images, for keys (`ImageResolver`) and for the runner.
///
/// An image named by a path (an OCI or Docker archive, such as an image recipe's `archive` output) is read from
/// the file, with no runtime call, and loaded into the runtime only where it is missing; an image named by its
/// name is looked up in the runtime's store (podman's answers are kept while its store is unchanged:
/// `PodmanNameCache`). Results are remembered for the run, so every node of a run that names one image agrees on
/// its digest.
public final class ContainerImages: ImageResolver {
    /// The PATH where runtimes are looked for (the PATH steps get).
    let path: String
    let versions: RuntimeVersions
    /// Where image locks live (`<cache>/locks`), so one process loads an archive and the others wait.
    let locksDir: String
    let cacheRoot: String
    /// podman's answers for names, reused while its store is unchanged.
    let podmanNames: PodmanNameCache
    private let resolved = Mutex<[String: ResolvedImage]>([:])
    private let runtimes = Mutex<[ContainerRuntimeChoice: ContainerRuntime]>([:])

    public init(environment: [String: String], cacheRoot: String) {
        path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        versions = RuntimeVersions(cacheRoot: cacheRoot)
        locksDir = cacheRoot + "/locks"
        self.cacheRoot = cacheRoot
        podmanNames = PodmanNameCache(cacheRoot: cacheRoot)
    }

    public func resolve(_ reference: String, runtime choice: ContainerRuntimeChoice) throws(StepFailure)
        -> ResolvedImage
    {
        let memoKey = "\(choice.rawValue)|\(reference)"
        if let known = resolved.withLock({ $0[memoKey] }) { return known }
        let image: ResolvedImage
        do {
            // An image archive is read without a runtime, so keys can be computed where none is installed (a
            // login node; a Pyxis node); the step then needs one where it runs. A name needs the runtime's store.
            let runtime: ContainerRuntime?
            if let file = ImageArchive.path(of: reference), !file.hasSuffix(".sif") {
                runtime = try? self.runtime(choice)
            } else {
                runtime = try self.runtime(choice)
            }
            image = ResolvedImage(
                reference: reference, digest: try digest(of: reference, runtime: runtime),
                runtime: runtime?.kind.rawValue ?? "none on \(HostInfo.hostname)",
                runtimeVersion: runtime?.version ?? "", resolvedAt: Clock.monotonic())
        } catch {
            throw error.failure
        }
        resolved.withLock { $0[memoKey] = image }
        return image
    }

    /// The runtime for a choice, found once per run.
    func runtime(_ choice: ContainerRuntimeChoice) throws(ContainerError) -> ContainerRuntime {
        if let known = runtimes.withLock({ $0[choice] }) { return known }
        let found = try ContainerRuntime.find(choice, path: path, versions: versions)
        runtimes.withLock { $0[choice] = found }
        return found
    }

    /// The image's digest as it is now: read from its archive, or asked of the runtime (which a name needs).
    func digest(of reference: String, runtime given: ContainerRuntime?) throws(ContainerError) -> String {
        if let file = ImageArchive.path(of: reference) {
            if let runtime = given, runtime.kind == .apptainer, file.hasSuffix(".sif") {
                do { return "sha256:" + (try Digests.path(file)) } catch {
                    throw .noImage(reference: reference, runtime: runtime, detail: error.reason)
                }
            }
            do { return try ImageArchive.read(file).digest } catch { throw .archive(error) }
        }
        // A name is looked up in a store; where no runtime was found (a Pyxis node), podman's, which Enroot
        // imports from, and its error says what to install.
        let runtime: ContainerRuntime
        if let given { runtime = given } else { runtime = try self.runtime(.podman) }
        guard runtime.kind != .apptainer else {
            throw .unsupported(
                runtime: .apptainer,
                what: "run '\(reference)' here: give it a .sif file or an OCI archive (no registry)")
        }
        func inspect() throws(ContainerError) -> String {
            let r = Command.run(
                [runtime.executable, "image", "inspect", "--format", "{{.Id}}", reference], timeout: 60)
            let id = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            guard r.succeeded, !id.isEmpty else {
                throw .noImage(
                    reference: reference, runtime: runtime,
                    detail: ContainerError.lastLine(r.stderr, or: "exit status \(r.status)"))
            }
            return id
        }
        let id =
            runtime.kind == .podman ? try podmanNames.id(of: reference, podman: runtime, ask: inspect) : try inspect()
        return id.hasPrefix("sha256:") ? id : "sha256:" + id
    }

    /// Whether the runtime's store holds the image with this digest.
    func exists(_ digest: String, runtime: ContainerRuntime) -> Bool {
        let argv: [String] =
            runtime.kind == .podman
            ? [runtime.executable, "image", "exists", ContainerImages.bareID(digest)]
            : [runtime.executable, "image", "inspect", "--format", "{{.Id}}", digest]
        return Command.run(argv, timeout: 60).succeeded
    }

    /// Loads an archive into the runtime's store (once: concurrent steps wait for the first), and checks that
    /// the store then holds the digest the key was computed with.
    func load(_ archive: String, digest: String, runtime: ContainerRuntime) throws(ContainerError) {
        let lockPath = locksDir + "/image-" + ContainerImages.bareID(digest) + ".lock"
        let lock = try? FileLock.acquire(lockPath)
        defer { lock?.unlock() }
        if exists(digest, runtime: runtime) { return }
        let r = Command.run([runtime.executable, "load", "-i", archive], timeout: 3600)
        guard r.succeeded else {
            // Debian 12's Docker (20.10) loads Docker archives only; `docker load` of an OCI one fails obscurely.
            if runtime.kind == .docker, (try? ImageArchive.read(archive))?.format == .oci {
                throw .command(
                    what: "loading the OCI image archive into Docker \(runtime.version) (Docker 20.10, as Debian 12 "
                        + "ships it, loads Docker archives only: name one saved with 'podman save --format "
                        + "docker-archive' or 'docker save', or run the step with podman)",
                    report: ProgramReport(r))
            }
            throw .command(what: "loading the image archive", report: ProgramReport(r))
        }
        guard exists(digest, runtime: runtime) else {
            throw .archiveMismatch(path: archive, expected: digest, found: "another image")
        }
    }

    /// The hex of a `sha256:` digest (podman's image ID form).
    static func bareID(_ digest: String) -> String {
        digest.hasPrefix("sha256:") ? String(digest.dropFirst(7)) : digest
    }
}
