import Foundation
import Testing

/// Container steps with a real Docker engine (Debian 12's docker.io 20.10, a private dockerd per test) in the test
/// image: the same image has the same digest under Docker as under podman.
@Suite("docker steps")
struct DockerTests {
    @Test func aDockerStepRunsInTheImageByItsDockerArchiveAndAnOCIArchiveSaysWhatDockerNeeds() throws {
        guard let image = TestImage.get() else { return }
        let docker: PrivateDocker
        do { docker = try PrivateDocker() } catch {
            Issue.record("no Docker engine for the test: \(error)")
            return
        }
        defer { docker.stop() }
        let cli = try CLI()
        defer { cli.cleanUp() }
        let env = ["PATH": PrivateDocker.path, "DOCKER_HOST": docker.host]
        try cli.recipe("data", ContainerTests.data)
        try "given".write(toFile: cli.root + "/input.txt", atomically: true, encoding: .utf8)

        // The OCI archive debian-image makes: this Docker cannot load it, and the error says what to do instead.
        try cli.recipe("oci", ContainerTests.boxed(image: image.archive, runtime: "docker"))
        let oci = try cli.run(["run", "oci", "file=input.txt"], env: env, timeout: 300)
        #expect(oci.status == 1)
        #expect(
            oci.stderr.contains("failed   oci: loading the OCI image archive into Docker 20.10")
                && oci.stderr.contains("name one saved with 'podman save --format docker-archive'")
                && oci.stderr.contains("docker load -i \(image.archive)"), "\(oci.stderr)")
        #expect(cli.entries().count == 1)

        // A Docker archive of the same image: loaded where missing, run with the step's mounts and no network.
        let archive = cli.root + "/image.docker.tar"
        let save = try Podman.run(["save", "--quiet", "--format", "docker-archive", "-o", archive, image.digest])
        try #require(save.status == 0, "\(save.err)")
        try cli.recipe("boxed", ContainerTests.boxed(image: "docker-archive:" + archive, runtime: "docker"))
        let r = try cli.run(["run", "boxed", "file=input.txt"], env: env, timeout: 300)
        #expect(r.status == 0, "\(r.stderr)")
        let node = try #require(try cli.lastManifestNodes()["boxed"])
        let outputs = node["outputs"] as? [String: Any] ?? [:]
        #expect(outputs["os"] as? String == "debian-12")
        #expect(outputs["dep"] as? String == "from-the-host")
        #expect(outputs["input"] as? String == "given")
        #expect(outputs["dep_writable"] as? String == "no")
        #expect(outputs["declared"] as? String == "yes-one")
        #expect((outputs["interfaces"] as? String)?.trimmingCharacters(in: .whitespaces) == "lo")
        let container = (node["execution"] as? [String: Any])?["container"] as? [String: Any]
        #expect(container?["launcher"] as? String == "docker")
        #expect((container?["runtime_version"] as? String)?.hasPrefix("20.10") == true)
        // Docker gives the image podman's ID: the configuration's digest.
        #expect(container?["digest"] as? String == image.digest)
        #expect(docker.docker(["image", "inspect", image.digest]).status == 0)
        #expect(cli.entries().count == 2)
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: cli.root + "/cache/tmp")) ?? []).isEmpty)
    }
}
