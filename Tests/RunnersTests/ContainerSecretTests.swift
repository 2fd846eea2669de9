import Testing

@testable import Runners

/// A secret goes into a container by name: its value is in the runtime's own environment, never on a command line
/// (which every user of the machine can read in the process table, and which a failure message may print).
@Suite("container secrets")
struct ContainerSecretTests {
    var launch: ContainerLaunch {
        var l = ContainerLaunch(
            name: "repro-abc-1", image: "890d93ee", workdir: "/c/out", writable: ["/c"], readOnly: [],
            environment: ["HF_TOKEN": "hf_secret_value", "MODE": "fast"], network: false, command: "true")
        l.secretNames = ["HF_TOKEN"]
        return l
    }

    func runtime(_ kind: ContainerRuntime.Kind) -> ContainerRuntime {
        ContainerRuntime(kind: kind, executable: "/usr/bin/\(kind.rawValue)", version: "1")
    }

    @Test func podmanAndDockerReadTheValueFromTheirEnvironment() throws {
        for kind in [ContainerRuntime.Kind.podman, .docker] {
            let argv = try launch.argv(runtime(kind))
            #expect(!argv.joined(separator: " ").contains("hf_secret_value"))
            #expect(argv.contains("HF_TOKEN") && argv.contains("MODE=fast"))
            #expect(launch.secretEnvironment(runtime(kind)) == ["HF_TOKEN": "hf_secret_value"])
        }
    }

    @Test func apptainerTakesItAsAnApptainerenvVariable() throws {
        let argv = try launch.argv(runtime(.apptainer))
        #expect(!argv.joined(separator: " ").contains("hf_secret_value"))
        #expect(!argv.contains("HF_TOKEN"))
        #expect(launch.secretEnvironment(runtime(.apptainer)) == ["APPTAINERENV_HF_TOKEN": "hf_secret_value"])
    }
}
