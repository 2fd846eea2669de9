import Foundation
import Testing

/// The slurm runner on a real multi-node cluster: `scripts/slurm-local start --nodes 4` (started by `make test`), a
/// controller and four one-CPU nodes, each in its own network namespace with its own hostname and processes, sharing
/// this machine's file systems as compute nodes share a cluster file system. node1..node3 take the runs of these
/// tests; node4 is kept for the time-limit test, which runs beside them. Without the cluster these tests fail and
/// say why; they never pass without it.
enum Cluster {
    static let base = ProcessInfo.processInfo.environment["REPRO_TEST_CLUSTER"] ?? "/tmp/repro-slurm-nodes"

    /// The environment of a run on the cluster (on node1..node3), or a recorded issue saying why there is none.
    static func environment(nodes: String = "--exclude=node4") -> [String: String]? {
        let status = script(["status"])
        guard status.status == 0 else {
            let log =
                (try? String(contentsOfFile: base + "/log/slurmctld.log", encoding: .utf8))?
                .split(separator: "\n").suffix(10).joined(separator: "\n") ?? "(no slurmctld log)"
            Issue.record(
                """
                the 4-node Slurm is not running (start it as 'make test' does: SLURM_BASE=\(base) \
                SLURM_CTLD_PORT=6927 SLURM_CPUS=1 scripts/slurm-local start --nodes 4); slurmctld log:
                \(log)
                """)
            return nil
        }
        return ["SLURM_CONF": base + "/slurm.conf", "REPRO_SLURM_OPTIONS": nodes]
    }

    /// Runs `scripts/slurm-local ARGS` for this cluster.
    @discardableResult
    static func script(_ args: [String]) -> (status: Int32, output: String) {
        Spawn.run(
            [CLI.packageRoot + "/scripts/slurm-local"] + args,
            env: ["SLURM_BASE": base, "SLURM_CTLD_PORT": "6927", "SLURM_CPUS": "1"])
    }

    /// Waits until Slurm has a node back in service.
    static func waitIdle(_ node: String, timeout: Double = 60) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            let state = script(["exec", node, "true"]).status == 0 ? sinfo(node) : ""
            if state.hasPrefix("idle") || state.hasPrefix("mixed") { return true }
            usleep(300_000)
        }
        return false
    }

    static func sinfo(_ node: String) -> String {
        let r = Spawn.run(["sinfo", "-h", "-n", node, "-o", "%T"], env: ["SLURM_CONF": base + "/slurm.conf"])
        return r.status == 0 ? r.output.trimmingCharacters(in: .whitespacesAndNewlines) : ""
    }
}

@Suite("multi-node slurm", .serialized)
struct ClusterTests {
    /// Parts that record where they start and end, and wait for a file before they finish.
    static let recipes: [(String, String)] = [
        (
            "part",
            """
            summary: one part of a fan-out
            inputs:
              i: {type: int}
              log: {type: string}
              go: {type: string, default: ""}
            run: |
              echo "start ${{ inputs.i }} $(hostname)" >> ${{ inputs.log }}
              if [ -n "${{ inputs.go }}" ]; then while [ ! -f "${{ inputs.go }}" ]; do sleep 0.1; done; else sleep 1; fi
              echo "done ${{ inputs.i }} $(hostname)" >> ${{ inputs.log }}
              echo "v=$(( ${{ inputs.i }} * 10 ))" >> "$REPRO_OUTPUTS"
            """
        ),
        (
            "fan",
            """
            summary: a fan-out and its sum
            inputs:
              n: {type: int, default: 6}
              log: {type: string}
              go: {type: string, default: ""}
            needs:
              p:
                recipe: part
                matrix: {i: "${{ range(1, inputs.n + 1) }}"}
                with: {i: "${{ matrix.i }}", log: "${{ inputs.log }}", go: "${{ inputs.go }}"}
            run: echo "total=$(( ${{ join(needs.p.outputs.v, ' + ') }} ))" >> "$REPRO_OUTPUTS"
            """
        ),
    ]

    func setUp() throws -> (CLI, [String: String])? {
        guard let env = Cluster.environment() else { return nil }
        let cli = try CLI()
        for (n, t) in ClusterTests.recipes { try cli.recipe(n, t) }
        return (cli, env)
    }

    func nodes(_ cli: CLI) throws -> [String: [String: Any]] { try cli.lastManifestNodes() }

    func lines(_ path: String) -> [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    @Test func aFanOutIsSpreadOverTheNodesAndTheManifestSaysWhere() throws {
        guard let (cli, env) = try setUp() else { return }
        defer { cli.cleanUp() }
        let log = cli.root + "/parts.log"
        let r = try cli.run(["run", "fan", "log=\(log)", "--runner", "slurm"], env: env, timeout: 180)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("total = 210"))
        let n = try nodes(cli)
        var hosts: [String: String] = [:]
        for i in 1...6 {
            let execution = n["part[i=\(i)]"]?["execution"] as? [String: Any]
            hosts["part[i=\(i)]"] = execution?["host"] as? String
            #expect((execution?["slurm_job"] as? String)?.isEmpty == false)
        }
        // Each node has one CPU: six one-CPU jobs at once go to all three nodes.
        #expect(Set(hosts.values) == ["node1", "node2", "node3"], "\(hosts)")
        // Each part ran where the manifest says it did.
        for line in lines(log) where line.hasPrefix("done ") {
            let f = line.split(separator: " ")
            #expect(hosts["part[i=\(f[1])]"] == String(f[2]))
        }
    }

    @Test func aNodeLostMidRunIsReportedAndARerunCompletesItWithNothingBuiltTwice() throws {
        guard let (cli, env) = try setUp() else { return }
        defer { cli.cleanUp() }
        let log = cli.root + "/parts.log"
        let go = cli.root + "/go"
        let args = ["run", "fan", "n=3", "log=\(log)", "go=\(go)", "--runner", "slurm"]
        let (p, out, err) = try cli.start(args, env: env)
        let deadline = Date().addingTimeInterval(90)
        while lines(log).count < 3 && Date() < deadline { usleep(100_000) }
        let started = lines(log)
        try #require(started.count == 3, "the three parts did not all start: \(started)")
        // Kill the slurmd of the node running part 2: the node fails with part 2 on it.
        let victimLine = try #require(started.first { $0.hasPrefix("start 2 ") })
        let victim = String(victimLine.split(separator: " ")[2])
        let killed = Cluster.script(["kill-node", victim])
        #expect(killed.status == 0, "\(killed.output)")
        defer {
            Cluster.script(["start-node", victim])
            #expect(Cluster.waitIdle(victim), "\(victim) did not come back")
        }
        try "".write(toFile: go, atomically: true, encoding: .utf8)
        let r = try CLI.wait(p, out, err, timeout: 180)
        #expect(r.status == 1, "\(r.stderr)")
        #expect(r.stderr.contains("failed   part[i=2]: lost: its node \(victim) failed while job "), "\(r.stderr)")
        #expect(
            r.stderr.contains("warning: 1 job was lost with node \(victim): part[i=2] (job "), "\(r.stderr)")
        #expect(r.stderr.contains("not run  fan: 'part[i=2]' did not succeed"))
        let first = try nodes(cli)
        #expect(first["part[i=1]"]?["status"] as? String == "built")
        #expect(first["part[i=3]"]?["status"] as? String == "built")
        let failure = first["part[i=2]"]?["failure"] as? [String: Any]
        #expect((failure?["execution"] as? [String: Any])?["host"] as? String == victim)
        #expect(cli.entries().count == 2)

        // Again, with the node back: only what was lost is built.
        Cluster.script(["start-node", victim])
        #expect(Cluster.waitIdle(victim), "\(victim) did not come back")
        let again = try cli.run(args, env: env, timeout: 180)
        #expect(again.status == 0, "\(again.stderr)")
        #expect(again.stdout.contains("total = 60"))
        let second = try nodes(cli)
        #expect(second["part[i=1]"]?["status"] as? String == "hit")
        #expect(second["part[i=3]"]?["status"] as? String == "hit")
        #expect(second["part[i=2]"]?["status"] as? String == "built")
        #expect(second["fan"]?["status"] as? String == "built")
        // Nothing built twice, nothing lost: each part finished once, and every entry is there.
        let done = lines(log).filter { $0.hasPrefix("done ") }.map { $0.split(separator: " ")[1] }
        #expect(done.sorted() == ["1", "2", "3"], "\(lines(log))")
        #expect(cli.entries().count == 4)
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: cli.root + "/cache/tmp")) ?? []).isEmpty)
    }

    @Test func aContainerStepRunsInItsImageOnAComputeNodeWithThePodmanThere() throws {
        guard let image = TestImage.get(), var env = Cluster.environment() else { return }
        let cli = try CLI()
        defer { cli.cleanUp() }
        env["REPRO_CACHE"] = image.cache
        env["REPRO_SLURM_CONTAINERS"] = "auto"
        let args = [
            "run", "container-selftest", "--recipes", TestImage.recipes, "--fresh", "container-selftest", "--runner",
            "slurm",
        ]
        let r = try cli.run(args, env: env, timeout: 300)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("os = Debian GNU/Linux 12 (bookworm)"), "\(r.stderr)")
        let node = try #require(try nodes(cli)["container-selftest"])
        let execution = node["execution"] as? [String: Any]
        #expect(
            ["node1", "node2", "node3"].contains(execution?["host"] as? String ?? ""),
            "\(String(describing: execution))")
        // No Pyxis here: the job ran podman itself.
        let container = execution?["container"] as? [String: Any]
        #expect(container?["launcher"] as? String == "podman")
        #expect(container?["digest"] as? String == image.digest)

        // Asked for Pyxis on a cluster without it: the job says so, in words.
        env["REPRO_SLURM_CONTAINERS"] = "pyxis"
        let pyxis = try cli.run(args, env: env, timeout: 300)
        #expect(pyxis.status == 1)
        #expect(
            pyxis.stderr.contains("REPRO_SLURM_CONTAINERS=pyxis, but srun on node")
                && pyxis.stderr.contains("has no --container-image option: Pyxis (and Enroot) are not installed there"),
            "\(pyxis.stderr)")
    }

    @Test func aContainerStepOnANodeWithoutTheRuntimeSaysWhatToInstallThere() throws {
        guard let image = TestImage.get(), var env = Cluster.environment(nodes: "--nodelist=node3") else { return }
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.recipe("boxed", "summary: b\ncontainer: {image: \(image.archive), runtime: podman}\nrun: 'true'\n")
        env["REPRO_SLURM_CONTAINERS"] = "runtime"
        // node3 loses its podman (in its own mount namespace only).
        let hide = Cluster.script(["exec", "node3", "mount", "--bind", "/dev/null", "/usr/bin/podman"])
        try #require(hide.status == 0, "\(hide.output)")
        defer { Cluster.script(["exec", "node3", "umount", "/usr/bin/podman"]) }
        let r = try cli.run(["run", "boxed", "--runner", "slurm"], env: env, timeout: 180)
        #expect(r.status == 1)
        #expect(
            r.stderr.contains("failed   boxed: the container runtime 'podman' is not installed on node3")
                && r.stderr.contains("install podman and runc"), "\(r.stderr)")
        #expect(cli.entries().isEmpty)
    }
}

@Suite("multi-node slurm time limit")
struct ClusterTimeLimitTests {
    @Test func aJobPastItsTimeLimitIsReportedAsTimedOut() throws {
        // On node4 alone, so it runs beside the other cluster tests (Slurm enforces limits in whole minutes).
        guard let env = Cluster.environment(nodes: "--nodelist=node4") else { return }
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.recipe("slow", "summary: s\nresources: {time: '1'}\nrun: sleep 600\n")
        let r = try cli.run(["run", "slow", "--runner", "slurm"], env: env, timeout: 240)
        #expect(r.status == 1)
        #expect(
            r.stderr.contains("failed   slow: timed out: job ")
                && r.stderr.contains(" on node4 ran past its Slurm time limit (--time)"), "\(r.stderr)")
        let node = try #require((try cli.lastManifest()["nodes"] as? [[String: Any]])?.first)
        #expect((node["failure"] as? [String: Any])?["timed_out"] as? Bool == true)
        #expect(cli.entries().isEmpty)
    }
}

@Suite("slurm-local")
struct SlurmLocalTests {
    @Test func aNodeCountTheMachineCannotHoldIsRefusedBeforeAnythingStarts() {
        let base = NSTemporaryDirectory() + "repro-slurm-refused-" + UUID().uuidString.prefix(8)
        for (count, words) in [
            ("100000", "--nodes 100000: this machine can hold at most "),
            ("0", "--nodes 0: a cluster needs at least one node"),
            ("two", "--nodes expects a whole number of nodes, found 'two'"),
        ] {
            let r = Spawn.run(
                [CLI.packageRoot + "/scripts/slurm-local", "start", "--nodes", count], env: ["SLURM_BASE": base])
            #expect(r.status == 1)
            #expect(r.output.contains(words) && r.output.contains("nothing was started"), "\(r.output)")
        }
        #expect(!FileManager.default.fileExists(atPath: base))
    }
}
