import Foundation
import Testing

/// Stopping repro (Ctrl-C, kill -9) and running two at once never leaves a partial entry or builds twice.
@Suite("interruption and concurrency", .serialized)
struct InterruptionTests {
    /// Three quick nodes and one that waits for a file to appear (so a test decides when it may finish).
    static let recipes: [(String, String)] = [
        ("quick", "summary: q\ninputs:\n  i: {type: int}\nrun: echo ${{ inputs.i }} > v.txt\n"),
        (
            "gate",
            """
            summary: waits for a file
            inputs:
              go: {type: string}
            run: |
              echo $$ > "${{ inputs.go }}.pid"
              while [ ! -f "${{ inputs.go }}" ]; do sleep 0.05; done
              echo done > done.txt
            """
        ),
        (
            "all",
            """
            summary: a
            inputs:
              go: {type: string}
            needs:
              q:
                recipe: quick
                matrix: {i: [1, 2, 3]}
                with: {i: "${{ matrix.i }}"}
              g: {recipe: gate, with: {go: "${{ inputs.go }}"}}
            run: echo all > all.txt
            """
        ),
    ]

    func waitFor(_ what: String, timeout: Double = 30, _ condition: () -> Bool) {
        let deadline = Date().addingTimeInterval(timeout)
        while !condition() && Date() < deadline { usleep(20_000) }
        #expect(condition(), "timed out waiting for \(what)")
    }

    func processAlive(_ pidFile: String) -> Bool {
        guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8),
            let pid = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
        else { return false }
        return kill(pid, 0) == 0
    }

    @Test func killNineThenRerunReusesFinishedNodesAndRebuildsTheKilledOne() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        for (n, t) in InterruptionTests.recipes { try cli.recipe(n, t) }
        let go = cli.root + "/go"
        let (p, out, err) = try cli.start(["run", "all", "go=\(go)"])
        waitFor("the quick nodes and the gate to start") {
            cli.entries().count == 3 && FileManager.default.fileExists(atPath: go + ".pid")
        }
        kill(p.processIdentifier, SIGKILL)
        _ = try CLI.wait(p, out, err)
        #expect(cli.entries().count == 3)
        // The re-run stops the step the killed repro left behind, then builds it again.
        try "".write(toFile: go, atomically: true, encoding: .utf8)
        let orphanPidFile = go + ".pid"
        let r = try cli.run(["run", "all", "go=\(go)"])
        #expect(r.status == 0, "\(r.stderr)")
        let nodes = try cli.lastManifest()["nodes"] as! [[String: Any]]
        let statuses = Dictionary(uniqueKeysWithValues: nodes.map { ($0["id"] as! String, $0["status"] as! String) })
        #expect(
            statuses == [
                "quick[i=1]": "hit", "quick[i=2]": "hit", "quick[i=3]": "hit", "gate": "built", "all": "built",
            ])
        #expect(!processAlive(orphanPidFile))
        let verify = try cli.run(["cache", "verify"])
        #expect(verify.status == 0)
        #expect(verify.stdout.contains("verified 5 entries: all files match their records"))
        #expect(!verify.stdout.contains("abandoned"))
    }

    @Test func ctrlCStopsTheStepsAndCachesNothingPartial() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        for (n, t) in InterruptionTests.recipes { try cli.recipe(n, t) }
        let go = cli.root + "/go"
        let (p, out, err) = try cli.start(["run", "all", "go=\(go)"])
        // The quick steps run beside the gate: wait until they are cached too, so what Ctrl-C stops is the gate.
        waitFor("the gate to start and the quick steps to finish") {
            FileManager.default.fileExists(atPath: go + ".pid") && cli.entries().count == 3
        }
        kill(p.processIdentifier, SIGINT)
        let r = try CLI.wait(p, out, err, timeout: 30)
        #expect(r.status == 130)
        #expect(r.stderr.contains("repro: stopping"))
        #expect(!processAlive(go + ".pid"))
        let manifest = try cli.lastManifest()
        #expect(manifest["status"] as? String == "cancelled")
        #expect(cli.entries().count == 3)
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: cli.root + "/cache/tmp")) ?? []).isEmpty)
    }

    @Test func twoRunsAtOnceBuildEachSharedNodeOnce() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let log = cli.root + "/builds.log"
        try cli.recipe(
            "slow-shared",
            """
            summary: slow
            inputs:
              log: {type: string}
              i: {type: int}
            run: |
              echo "built ${{ inputs.i }}" >> ${{ inputs.log }}
              sleep 0.5
              echo ${{ inputs.i }} > v.txt
            """)
        try cli.recipe(
            "top",
            """
            summary: top
            inputs:
              log: {type: string}
            needs:
              s:
                recipe: slow-shared
                matrix: {i: [1, 2, 3, 4]}
                with: {i: "${{ matrix.i }}", log: "${{ inputs.log }}"}
            run: echo ${{ join(needs.s.outputs.dir) }} > dirs.txt
            """)
        let a = try cli.start(["run", "top", "log=\(log)"])
        let b = try cli.start(["run", "top", "log=\(log)"])
        let ra = try CLI.wait(a.0, a.1, a.2)
        let rb = try CLI.wait(b.0, b.1, b.2)
        #expect(ra.status == 0, "\(ra.stderr)")
        #expect(rb.status == 0, "\(rb.stderr)")
        let lines = try String(contentsOfFile: log, encoding: .utf8).split(separator: "\n").sorted()
        #expect(lines == ["built 1", "built 2", "built 3", "built 4"])
        #expect(cli.entries().count == 5)
        #expect(try cli.run(["cache", "verify"]).status == 0)
    }
}
