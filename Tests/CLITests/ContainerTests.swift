import Foundation
import Testing

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// Container steps with the real podman (runc) and a Debian image built by the shipped `debian-image` recipe.
/// Not serialized: each test has its own project and image names (those that run in the test image's cache take
/// its locks, as concurrent runs do), so they run beside each other and the other suites, not one after another.
@Suite("container steps")
struct ContainerTests {
    /// A step that shows what it sees inside: the os, its mounts, its environment and its network.
    static func boxed(image: String, runtime: String = "auto") -> String {
        """
        summary: looks around inside the image
        inputs:
          file: {type: path}
          tag: {type: string, default: one}
        needs:
          data: {recipe: data}
        env:
          DECLARED: yes-${{ inputs.tag }}
        container:
          image: \(image)
          runtime: \(runtime)
        run: |
          . /etc/os-release
          echo "os=$ID-$VERSION_ID" >> "$REPRO_OUTPUTS"
          echo "dep=$(cat ${{ needs.data.outputs.file }})" >> "$REPRO_OUTPUTS"
          echo "input=$(cat ${{ inputs.file }})" >> "$REPRO_OUTPUTS"
          if touch ${{ needs.data.outputs.dir }}/intruder 2>/dev/null; then echo dep_writable=yes; else echo dep_writable=no; fi >> "$REPRO_OUTPUTS"
          echo "secret=${REPRO_TEST_SECRET:-unset}" >> "$REPRO_OUTPUTS"
          echo "declared=$DECLARED" >> "$REPRO_OUTPUTS"
          echo "interfaces=$(ls /sys/class/net | tr '\\n' ' ')" >> "$REPRO_OUTPUTS"
          echo scratch > "$TMPDIR/s.txt"
          echo "inside" > result.txt
        outputs:
          result: ${{ node.out }}/result.txt
          os: ${{ run.outputs.os }}
          dep: ${{ run.outputs.dep }}
          input: ${{ run.outputs.input }}
          dep_writable: ${{ run.outputs.dep_writable }}
          secret: ${{ run.outputs.secret }}
          declared: ${{ run.outputs.declared }}
          interfaces: ${{ run.outputs.interfaces }}
        """
    }

    static let data = "summary: d\nrun: echo from-the-host > data.txt\noutputs:\n  file: ${{ node.out }}/data.txt\n"

    func node(_ cli: CLI, _ id: String) throws -> [String: Any] { try #require(try cli.lastManifestNodes()[id]) }

    @Test func containerSelftestReportsDebian12FromInsideTheImageAndRecordsItsDigest() throws {
        guard let image = TestImage.get() else { return }
        let cli = try CLI()
        defer { cli.cleanUp() }
        let env = ["REPRO_CACHE": image.cache]
        let args = ["run", "container-selftest", "--recipes", TestImage.recipes, "--fresh", "container-selftest"]
        let r = try cli.run(args, env: env, timeout: 300)
        #expect(r.status == 0, "\(r.stderr)")
        // Printed at the end of the run, as every recipe's outputs are.
        #expect(r.stdout.contains("os = Debian GNU/Linux 12 (bookworm)"), "\(r.stderr)")
        #expect(r.stdout.contains("interfaces = lo\n"))
        let selftest = try node(cli, "container-selftest")
        #expect(selftest["status"] as? String == "built")
        let container = (selftest["execution"] as? [String: Any])?["container"] as? [String: Any]
        #expect(container?["digest"] as? String == image.digest)
        #expect(container?["runtime"] as? String == "podman")
        #expect(container?["network"] as? Bool == false)
        let entry = try #require(selftest["entry"] as? String)
        let key = try String(contentsOfFile: image.cache + "/entries/\(entry)/key.json", encoding: .utf8)
        #expect(key.contains("\"image_digest\": \"\(image.digest)\""))
        // The environment inside: the step's variables and the image's own; none of the caller's.
        let names = try String(contentsOfFile: image.cache + "/entries/\(entry)/out/environment.txt", encoding: .utf8)
        #expect(names.contains("REPRO_OUT\n") && names.contains("PATH\n"))
        #expect(!names.contains("REPRO_CACHE") && !names.contains("TERM\n") && !names.contains("SLURM"))
    }

    @Test func theStepReadsItsInputsAndWritesOnlyItsOutputWithACleanEnvironmentAndNoNetwork() throws {
        guard let image = TestImage.get() else { return }
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.recipe("data", ContainerTests.data)
        try cli.recipe("boxed", ContainerTests.boxed(image: image.archive))
        try "given".write(toFile: cli.root + "/input.txt", atomically: true, encoding: .utf8)
        let r = try cli.run(["run", "boxed", "file=input.txt"], env: ["REPRO_TEST_SECRET": "leaked"], timeout: 300)
        #expect(r.status == 0, "\(r.stderr)")
        let outputs = try #require(try node(cli, "boxed")["outputs"] as? [String: Any])
        #expect(outputs["os"] as? String == "debian-12")
        #expect(outputs["dep"] as? String == "from-the-host")
        #expect(outputs["input"] as? String == "given")
        #expect(outputs["dep_writable"] as? String == "no")
        #expect(outputs["secret"] as? String == "unset")
        #expect(outputs["declared"] as? String == "yes-one")
        #expect((outputs["interfaces"] as? String)?.trimmingCharacters(in: .whitespaces) == "lo")
        #expect(
            try cli.read("cache/entries/\(try node(cli, "boxed")["entry"] as! String)/out/result.txt") == "inside\n")
        // Run again: a hit.
        let again = try cli.run(["run", "boxed", "file=input.txt"])
        #expect(again.status == 0)
        #expect(try node(cli, "boxed")["status"] as? String == "hit")
    }

    @Test func aChangedImageRebuildsAndTheOldOneIsAHitAgain() throws {
        guard let image = TestImage.get() else { return }
        let moving = try MovingImage(image)
        defer { moving.remove() }
        let cli = moving.cli
        func run() throws -> [String: Any] {
            let r = try cli.run(["run", "boxed", "file=input.txt"], timeout: 300)
            #expect(r.status == 0, "\(r.stderr)")
            return try node(cli, "boxed")
        }
        #expect(moving.point(at: moving.first))
        let first = try run()
        #expect(first["status"] as? String == "built")
        #expect(moving.point(at: moving.second.id))
        let second = try run()
        #expect(second["status"] as? String == "built")
        #expect(second["key"] as? String != first["key"] as? String)
        #expect(
            ((second["execution"] as? [String: Any])?["container"] as? [String: Any])?["digest"] as? String
                == "sha256:" + moving.second.id)
        let why = try cli.run(["why", "boxed"])
        #expect(why.stdout.contains("the container image changed: 'sha256:"), "\(why.stdout)\n\(why.stderr)")
        #expect(moving.point(at: moving.first))
        let third = try run()
        #expect(third["status"] as? String == "hit")
        #expect(third["key"] as? String == first["key"] as? String)
    }

    @Test func anImageThatChangesBetweenPlanAndRunStopsTheStepAndLeavesNothing() throws {
        guard let image = TestImage.get() else { return }
        let moving = try MovingImage(image)
        defer { moving.remove() }
        let (cli, tag, other) = (moving.cli, moving.tag, moving.second)
        #expect(moving.point(at: moving.first))
        #expect(try cli.run(["run", "data"]).status == 0)
        // The node's key (with the image's digest) from the plan; hold its lock so the step waits after planning.
        let plan = try cli.run(["plan", "boxed", "file=input.txt", "--json"])
        let nodes = try #require(
            (try JSONSerialization.jsonObject(with: Data(plan.stdout.utf8)) as? [String: Any])?["nodes"]
                as? [[String: Any]])
        let key = try #require(nodes.first { $0["id"] as? String == "boxed" }?["key"] as? String)
        try FileManager.default.createDirectory(atPath: cli.root + "/cache/locks", withIntermediateDirectories: true)
        let fd = open(cli.root + "/cache/locks/\(key).lock", O_RDWR | O_CREAT, 0o644)
        #expect(flock(fd, LOCK_EX) == 0)
        let (p, out, err) = try cli.start(["run", "boxed", "file=input.txt"])
        usleep(3_000_000)
        #expect(try Podman.run(["tag", other.id, tag]).status == 0)
        close(fd)
        let r = try CLI.wait(p, out, err, timeout: 120)
        #expect(r.status == 1)
        #expect(
            r.stderr.contains(
                "failed   boxed: the image '\(tag)' changed between plan and run: its key was computed with "
                    + "\(image.digest), and it is now sha256:\(other.id); nothing was run"), "\(r.stderr)")
        #expect(cli.entries().count == 1)
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: cli.root + "/cache/tmp")) ?? []).isEmpty)
    }

    @Test func aMissingImageOrRuntimeIsAClearErrorBeforeAnythingRuns() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.recipe("data", ContainerTests.data)
        try cli.recipe("boxed", ContainerTests.boxed(image: "localhost/repro-test/no-such-image:1"))
        try cli.recipe(
            "apptainer-step", "summary: a\ncontainer: {image: /images/x.sif, runtime: apptainer}\nrun: 'true'\n")
        try "given".write(toFile: cli.root + "/input.txt", atomically: true, encoding: .utf8)
        let missing = try cli.run(["run", "boxed", "file=input.txt"])
        #expect(missing.status == 1)
        #expect(
            missing.stderr.contains(
                "failed   boxed: the image 'localhost/repro-test/no-such-image:1' does not exist in podman's store on "),
            "\(missing.stderr)")
        #expect(missing.stderr.contains("image not known"))
        // No runtime on PATH: the error says what to install.
        let empty = cli.root + "/empty-bin"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        let none = try cli.run(["run", "boxed", "file=input.txt"], env: ["PATH": empty])
        #expect(none.status == 1)
        #expect(none.stderr.contains("no container runtime works on "), "\(none.stderr)")
        #expect(none.stderr.contains("install podman and runc (Debian and Ubuntu: apt-get install podman runc"))
        let apptainer = try cli.run(["run", "apptainer-step"], env: ["PATH": empty])
        #expect(
            apptainer.stderr.contains("the container runtime 'apptainer' is not installed on ")
                && apptainer.stderr.contains("install Apptainer (https://apptainer.org/"), "\(apptainer.stderr)")
        // Only the host step ran; nothing half-made is left.
        #expect(cli.entries().count == 1)
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: cli.root + "/cache/tmp")) ?? []).isEmpty)
    }

    @Test func anImageArchiveIsKeyedWithoutARuntimeAndTheStepSaysWhatToInstall() throws {
        guard let image = TestImage.get() else { return }
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.recipe("boxed", "summary: b\ncontainer: {image: \(image.archive), runtime: podman}\nrun: 'true'\n")
        // The archive is read by repro itself, so a host without podman (a login node, a Pyxis node) plans the
        // same key as one with it.
        let empty = cli.root + "/empty-bin"
        try FileManager.default.createDirectory(atPath: empty, withIntermediateDirectories: true)
        let withPodman = try cli.run(["plan", "boxed"])
        let without = try cli.run(["plan", "boxed"], env: ["PATH": empty])
        #expect(withPodman.status == 0 && without.status == 0, "\(withPodman.stderr)\n\(without.stderr)")
        let key = try #require(
            withPodman.stdout.split(separator: "\n").first { $0.contains(" boxed") }?
                .split(separator: " ", omittingEmptySubsequences: true).dropFirst().first)
        #expect(without.stdout.contains("build   \(key)  boxed"), "\(without.stdout)")
        // Running it there needs the runtime: the step says what to install, and leaves nothing.
        let r = try cli.run(["run", "boxed"], env: ["PATH": empty])
        #expect(r.status == 1)
        #expect(
            r.stderr.contains("failed   boxed: the container runtime 'podman' is not installed on ")
                && r.stderr.contains("install podman and runc"), "\(r.stderr)")
        #expect(cli.entries().isEmpty)
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: cli.root + "/cache/tmp")) ?? []).isEmpty)
    }

    /// A one-file recipe's assets (one beside it, one in a folder its group shares) are mounted read-only at their
    /// places, so the step reads them inside the image as on the host.
    @Test func declaredAssetsAreReadableInsideTheImage() throws {
        guard let image = TestImage.get() else { return }
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.recipe(
            "recipes/group/boxed.yaml",
            """
            summary: reads its assets inside the image
            assets: [tool.sh, ../lib]
            container: {image: \(image.archive), runtime: podman}
            run: |
              echo "beside=$(sh ${{ recipe.dir }}/tool.sh)" >> "$REPRO_OUTPUTS"
              echo "shared=$(cat ${{ recipe.dir }}/../lib/module.txt)" >> "$REPRO_OUTPUTS"
              if touch ${{ recipe.dir }}/../lib/intruder 2>/dev/null; then echo writable=yes; else echo writable=no; fi >> "$REPRO_OUTPUTS"
            outputs:
              beside: ${{ run.outputs.beside }}
              shared: ${{ run.outputs.shared }}
              writable: ${{ run.outputs.writable }}
            """)
        try "echo from-the-script".write(
            toFile: cli.root + "/recipes/group/tool.sh", atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: cli.root + "/recipes/lib", withIntermediateDirectories: true)
        try "from-the-module".write(toFile: cli.root + "/recipes/lib/module.txt", atomically: true, encoding: .utf8)
        let r = try cli.run(["run", "boxed"])
        #expect(r.status == 0, "\(r.stdout)\(r.stderr)")
        let outputs = try #require(try node(cli, "boxed")["outputs"] as? [String: Any])
        #expect(outputs["beside"] as? String == "from-the-script", "\(outputs)")
        #expect(outputs["shared"] as? String == "from-the-module", "\(outputs)")
        #expect(outputs["writable"] as? String == "no", "\(outputs)")
    }

    @Test func aDockerArchiveOfTheImageHasTheSameDigestAndRuns() throws {
        guard let image = TestImage.get() else { return }
        let cli = try CLI()
        defer { cli.cleanUp() }
        let archive = cli.root + "/image.docker.tar"
        let save = try Podman.run(["save", "--quiet", "--format", "docker-archive", "-o", archive, image.digest])
        try #require(save.status == 0, "\(save.err)")
        try cli.recipe("data", ContainerTests.data)
        try cli.recipe("boxed", ContainerTests.boxed(image: "docker-archive:" + archive))
        try "given".write(toFile: cli.root + "/input.txt", atomically: true, encoding: .utf8)
        let r = try cli.run(["run", "boxed", "file=input.txt"], timeout: 300)
        #expect(r.status == 0, "\(r.stderr)")
        let container = (try node(cli, "boxed")["execution"] as? [String: Any])?["container"] as? [String: Any]
        #expect(container?["digest"] as? String == image.digest)
    }

    @Test func aCacheCopiedToAnotherMachineLoadsItsImageThere() throws {
        guard let image = TestImage.get() else { return }
        let cli = try CLI()
        defer { cli.cleanUp() }
        // "Another machine": a copy of the cache, and a podman store of its own that has never seen the image.
        let copy = cli.root + "/copied-cache"
        try FileManager.default.createDirectory(atPath: copy + "/entries", withIntermediateDirectories: true)
        let entry = URL(fileURLWithPath: image.archive).deletingLastPathComponent().deletingLastPathComponent()
        try FileManager.default.copyItem(atPath: entry.path, toPath: copy + "/entries/" + entry.lastPathComponent)
        let store = cli.root + "/store"
        let conf = cli.root + "/storage.conf"
        try "[storage]\ndriver = \"overlay\"\ngraphroot = \"\(store)/graph\"\nrunroot = \"\(store)/run\"\n"
            .write(toFile: conf, atomically: true, encoding: .utf8)
        let env = ["CONTAINERS_STORAGE_CONF": conf, "REPRO_CACHE": copy]
        defer {
            Podman.try(["rmi", "--all", "--force"], env: ["CONTAINERS_STORAGE_CONF": conf])
        }
        #expect(try Podman.run(["image", "exists", image.digest.dropFirst(7).description], env: env).status == 1)
        let r = try cli.run(["run", "container-selftest", "--recipes", TestImage.recipes], env: env, timeout: 300)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("cached   debian-image"))
        #expect(r.stdout.contains("os = Debian GNU/Linux 12 (bookworm)"))
        #expect(try Podman.run(["image", "exists", image.digest.dropFirst(7).description], env: env).status == 0)
    }
}

/// A project whose `boxed` step names its image by a tag that the test moves between the test image and a second.
struct MovingImage {
    let cli: CLI
    let tag = "localhost/repro-test/moving:" + UUID().uuidString.prefix(8).lowercased()
    /// The test image's ID (bare hex, as podman takes it).
    let first: String
    let second: SecondImage

    init(_ image: TestImage.Built) throws {
        cli = try CLI()
        first = image.digest.replacingOccurrences(of: "sha256:", with: "")
        second = try SecondImage()
        try cli.recipe("data", ContainerTests.data)
        try cli.recipe("boxed", ContainerTests.boxed(image: tag))
        try "given".write(toFile: cli.root + "/input.txt", atomically: true, encoding: .utf8)
    }

    func point(at id: String) -> Bool { (try? Podman.run(["tag", id, tag]).status) == 0 }

    func remove() {
        Podman.try(["rmi", tag])
        second.remove()
        cli.cleanUp()
    }
}

/// A second image (the test image with one more file), for an image name that moves.
struct SecondImage {
    let id: String
    let name: String

    /// podman's environment: another store's `CONTAINERS_STORAGE_CONF`, or none for the default store.
    let env: [String: String]

    init(env: [String: String] = [:]) throws {
        guard let image = TestImage.get() else { throw CocoaError(.featureUnsupported) }
        self.env = env
        let suffix = UUID().uuidString.prefix(8).lowercased()
        name = "localhost/repro-test/second:" + suffix
        let container = "repro-test-second-" + suffix
        let base = image.digest.replacingOccurrences(of: "sha256:", with: "")
        let made = try Podman.run(
            ["run", "--name", container, "--network", "none", base, "sh", "-c", "echo b > /second"], env: env)
        let commit = try Podman.run(["commit", "--quiet", container, name], env: env)
        try Podman.run(["rm", "-f", container], env: env)
        guard made.status == 0, commit.status == 0 else {
            throw TestImage.Failure(description: "cannot make a second image: \(made.err)\n\(commit.err)")
        }
        id = String(commit.out.split(separator: "\n").last ?? "").replacingOccurrences(of: "sha256:", with: "")
    }

    func remove() { Podman.try(["rmi", "--force", name], env: env) }
}

extension Podman {
    /// Runs podman for clean-up, whatever happens.
    static func `try`(_ args: [String], env: [String: String] = [:]) { _ = try? run(args, env: env) }
}
