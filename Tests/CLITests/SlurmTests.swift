import Foundation
import Testing

/// The slurm runner against a real single-node Slurm (scripts/slurm-local, started by `make test`).
/// When the cluster is not running these tests fail and say why; they never pass without it.
@Suite("slurm runner", .serialized)
struct SlurmTests {
    static let recipes: [(String, String)] = [
        (
            "base",
            "summary: b\ninputs:\n  n: {type: int, default: 5}\nrun: seq 1 ${{ inputs.n }} > n.txt\noutputs:\n  file: ${{ node.out }}/n.txt\n"
        ),
        (
            "part",
            """
            summary: p
            inputs:
              i: {type: int}
            needs:
              base: {recipe: base}
            run: |
              awk -v i=${{ inputs.i }} '{ s += $1 * i } END { print s }' ${{ needs.base.outputs.file }} > v.txt
              echo "v=$(cat v.txt)" >> "$REPRO_OUTPUTS"
            """
        ),
        (
            "fan",
            """
            summary: f
            needs:
              p:
                recipe: part
                matrix: {i: [1, 2, 3]}
                with: {i: "${{ matrix.i }}"}
            run: echo "total=$(( ${{ join(needs.p.outputs.v, ' + ') }} ))" >> "$REPRO_OUTPUTS"
            """
        ),
        ("bad", "summary: fails\nneeds:\n  b: {recipe: base}\nrun: |\n  echo 'bad input on line 3' >&2\n  exit 3\n"),
        ("after-bad", "summary: a\nneeds:\n  b: {recipe: bad}\nrun: echo never\n"),
        ("mixed", "summary: m\nneeds:\n  f: {recipe: fan}\n  a: {recipe: after-bad}\n"),
        (
            "gate",
            """
            summary: waits for a file
            inputs:
              go: {type: string}
              log: {type: string}
            run: |
              echo started >> ${{ inputs.log }}
              while [ ! -f ${{ inputs.go }} ]; do sleep 0.1; done
              echo ok > ok.txt
            """
        ),
    ]

    /// The cluster's config, or a recorded issue saying why there is none.
    func cluster() -> [String: String]? {
        let conf = ProcessInfo.processInfo.environment["SLURM_CONF"] ?? "/tmp/repro-slurm/slurm.conf"
        let status = Process()
        status.executableURL = URL(fileURLWithPath: CLI.packageRoot + "/scripts/slurm-local")
        status.arguments = ["status"]
        status.standardOutput = FileHandle.nullDevice
        try? status.run()
        status.waitUntilExit()
        guard status.terminationStatus == 0, FileManager.default.fileExists(atPath: conf) else {
            let log =
                (try? String(contentsOfFile: "/tmp/repro-slurm/log/slurmctld.log", encoding: .utf8))?
                .split(separator: "\n").suffix(10).joined(separator: "\n") ?? "(no slurmctld log)"
            Issue.record(
                """
                the single-node Slurm is not running (start it with 'scripts/slurm-local start', as 'make test' does); \
                these tests cannot run without it. slurmctld log:
                \(log)
                """)
            return nil
        }
        return ["SLURM_CONF": conf]
    }

    func setUp() throws -> (CLI, [String: String])? {
        guard let env = cluster() else { return nil }
        let cli = try CLI()
        for (n, t) in SlurmTests.recipes { try cli.recipe(n, t) }
        return (cli, env)
    }

    func nodes(_ cli: CLI) throws -> [String: [String: Any]] { try cli.lastManifestNodes() }

    @Test func aFanOutRunsAsJobsAndItsEntriesAreHitsLocally() throws {
        guard let (cli, env) = try setUp() else { return }
        defer { cli.cleanUp() }
        let r = try cli.run(["run", "fan", "--runner", "slurm"], env: env, timeout: 180)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("total = 90"))
        let n = try nodes(cli)
        for id in ["base", "part[i=1]", "part[i=2]", "part[i=3]", "fan"] {
            #expect(n[id]?["status"] as? String == "built", "\(id)")
            #expect(n[id]?["runner"] as? String == "slurm")
            #expect((n[id]?["job"] as? String)?.isEmpty == false)
            #expect((n[id]?["execution"] as? [String: Any])?["host"] as? String != nil)
        }
        // The three parts are one array job.
        let arrayJobs = Set(
            ["part[i=1]", "part[i=2]", "part[i=3]"].compactMap {
                (n[$0]?["job"] as? String)?.split(separator: "_").first
            })
        #expect(arrayJobs.count == 1)
        #expect(cli.entries().count == 5)
        // Keys do not depend on the runner: the same run locally reuses everything.
        let local = try cli.run(["run", "fan"], env: env)
        #expect(local.status == 0)
        #expect(try nodes(cli).values.allSatisfy { $0["status"] as? String == "hit" })
    }

    @Test func aFailedJobIsAFailedNodeWithItsExitCodeAndStderr() throws {
        guard let (cli, env) = try setUp() else { return }
        defer { cli.cleanUp() }
        let r = try cli.run(["run", "mixed", "--runner", "slurm"], env: env, timeout: 180)
        #expect(r.status == 1)
        #expect(r.stderr.contains("failed   bad: exited with status 3"), "\(r.stderr)")
        #expect(r.stderr.contains("| bad input on line 3"))
        let n = try nodes(cli)
        #expect(n["bad"]?["status"] as? String == "failed")
        #expect((n["bad"]?["failure"] as? [String: Any])?["exit_code"] as? Int == 3)
        #expect(n["after-bad"]?["status"] as? String == "not-run")
        #expect(n["fan"]?["status"] as? String == "built")
    }

    @Test func ctrlCCancelsTheJobs() throws {
        guard let (cli, env) = try setUp() else { return }
        defer { cli.cleanUp() }
        let go = cli.root + "/go"
        let log = cli.root + "/gate.log"
        let (p, out, err) = try cli.start(["run", "gate", "go=\(go)", "log=\(log)", "--runner", "slurm"], env: env)
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: log) && Date() < deadline { usleep(50_000) }
        #expect(FileManager.default.fileExists(atPath: log), "the gate job never started")
        let job = try String(
            contentsOfFile: cli.root + "/runs/"
                + (try FileManager.default.contentsOfDirectory(atPath: cli.root + "/runs").sorted().last!)
                + "/jobs.json", encoding: .utf8)
        kill(p.processIdentifier, SIGINT)
        let r = try CLI.wait(p, out, err, timeout: 60)
        #expect(r.status == 130, "\(r.stderr)")
        #expect(try cli.lastManifest()["status"] as? String == "cancelled")
        // The job is gone from the queue and nothing was cached.
        let jobID = try #require(
            (try JSONSerialization.jsonObject(with: Data(job.utf8)) as? [String: [String: String]])?.values.first?[
                "job"])
        let squeue = Process()
        squeue.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        squeue.arguments = ["squeue", "-h", "-j", jobID, "-o", "%T"]
        squeue.environment = ProcessInfo.processInfo.environment.merging(env) { _, b in b }
        let pipe = Pipe()
        squeue.standardOutput = pipe
        squeue.standardError = FileHandle.nullDevice
        try squeue.run()
        squeue.waitUntilExit()
        let state = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(!state.contains("RUNNING") && !state.contains("PENDING"), "job \(jobID) is still \(state)")
        #expect(cli.entries().isEmpty)
    }

    @Test func aRestartedRunAdoptsItsJobsInsteadOfSubmittingThemAgain() throws {
        guard let (cli, env) = try setUp() else { return }
        defer { cli.cleanUp() }
        let go = cli.root + "/go"
        let log = cli.root + "/gate.log"
        let args = ["run", "gate", "go=\(go)", "log=\(log)", "--runner", "slurm"]
        let (p, out, err) = try cli.start(args, env: env)
        let deadline = Date().addingTimeInterval(60)
        while !FileManager.default.fileExists(atPath: log) && Date() < deadline { usleep(50_000) }
        kill(p.processIdentifier, SIGKILL)
        _ = try CLI.wait(p, out, err)
        let (p2, out2, err2) = try cli.start(args, env: env)
        usleep(1_500_000)
        try "".write(toFile: go, atomically: true, encoding: .utf8)
        let r = try CLI.wait(p2, out2, err2, timeout: 120)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("adopted  gate"), "\(r.stderr)")
        #expect(try String(contentsOfFile: log, encoding: .utf8) == "started\n")
        #expect(cli.entries().count == 1)
    }
}
