import Testing

@testable import Runners

/// The command lines repro hands to container runtimes and to srun with Pyxis, word for word. Podman runs for real in
/// the CLI tests; Docker's engine, Apptainer and Pyxis cannot run on the test machines, so their command lines are
/// checked here (and docs/containers.md says what was not run).
@Suite("container command lines")
struct ContainerLaunchTests {
    let launch = ContainerLaunch(
        name: "repro-abc-1", image: "890d93ee", workdir: "/c/tmp/k.h.1/out", writable: ["/c/tmp/k.h.1"],
        readOnly: ["/c/entries/dep", "/data/in.csv", "/c/tmp/k.h.1/out/x"], environment: ["B": "2", "A": "1 2"],
        network: false, command: "echo hi > a.txt")

    func runtime(_ kind: ContainerRuntime.Kind) -> ContainerRuntime {
        ContainerRuntime(kind: kind, executable: "/usr/bin/\(kind.rawValue)", version: "1")
    }

    @Test func podmanRunsTheDigestWithTheMountsAndOnlyTheStepsEnvironment() throws {
        #expect(
            try launch.argv(runtime(.podman)) == [
                "/usr/bin/podman", "run", "--rm", "--pull=never", "--name", "repro-abc-1", "--hostname", "repro",
                "--log-driver", "none", "--workdir", "/c/tmp/k.h.1/out", "--entrypoint", "/bin/sh", "--network",
                "none", "--unsetenv", "TERM", "--mount", "type=bind,source=/c/tmp/k.h.1,target=/c/tmp/k.h.1",
                "--mount", "type=bind,source=/c/entries/dep,target=/c/entries/dep,readonly", "--mount",
                "type=bind,source=/data/in.csv,target=/data/in.csv,readonly", "--env", "A=1 2", "--env", "B=2",
                "890d93ee", "-c", ContainerLaunch.shell, "sh", "echo hi > a.txt",
            ])
        var online = launch
        online.network = true
        #expect(try !online.argv(runtime(.podman)).contains("--network"))
    }

    @Test func apptainerAndPyxis() throws {
        var sif = launch
        sif.image = "oci-archive:/c/entries/img/out/image.oci.tar"
        #expect(
            try sif.argv(runtime(.apptainer)) == [
                "/usr/bin/apptainer", "exec", "--cleanenv", "--contain", "--no-home", "--pwd", "/c/tmp/k.h.1/out",
                "--net", "--network", "none", "--bind", "/c/tmp/k.h.1:/c/tmp/k.h.1", "--bind",
                "/c/entries/dep:/c/entries/dep:ro", "--bind", "/data/in.csv:/data/in.csv:ro", "--env", "A=1 2",
                "--env", "B=2", "oci-archive:/c/entries/img/out/image.oci.tar", "/bin/sh", "-c",
                ContainerLaunch.shell, "sh", "echo hi > a.txt",
            ])
        #expect(
            try launch.srunArgv(srun: "/usr/bin/srun", squashfs: "/c/containers/enroot/890d93ee.sqsh") == [
                "/usr/bin/srun", "--ntasks=1", "--nodes=1", "--container-image=/c/containers/enroot/890d93ee.sqsh",
                "--container-mounts=/c/tmp/k.h.1:/c/tmp/k.h.1,/c/entries/dep:/c/entries/dep:ro,"
                    + "/data/in.csv:/data/in.csv:ro",
                "--container-workdir=/c/tmp/k.h.1/out", "--no-container-mount-home", "--no-container-entrypoint",
                "/bin/sh", "-c", ContainerLaunch.shell, "sh", "echo hi > a.txt",
            ])
    }

    @Test func aPathTheMountSyntaxCannotCarryIsAnError() {
        var odd = launch
        odd.readOnly = ["/data/a,b.csv"]
        #expect(throws: ContainerError.self) { try odd.argv(runtime(.podman)) }
        odd.readOnly = ["/data/a:b.csv"]
        #expect(throws: Never.self) { try odd.argv(runtime(.podman)) }
        #expect(throws: ContainerError.self) { try odd.srunArgv(srun: "srun", squashfs: "/x.sqsh") }
    }
}
