import Foundation
import Testing
import Workflow

/// `repro run` end to end: a fan-out and fan-in pipeline, the cache, volatile steps, failures.
@Suite("run", .serialized)
struct RunTests {
    static let pipeline: [(String, String)] = [
        (
            "numbers",
            """
            summary: numbers
            inputs:
              count: {type: int, default: 20}
            run: seq 1 ${{ inputs.count }} > numbers.txt
            outputs:
              file: ${{ node.out }}/numbers.txt
            """
        ),
        (
            "shard",
            """
            summary: one shard
            inputs:
              index: {type: int}
              shards: {type: int, default: 3}
            needs:
              numbers: {recipe: numbers}
            run: |
              awk -v i=${{ inputs.index }} -v n=${{ inputs.shards }} 'NR % n == i { s += $1 } END { print s }' \\
                ${{ quote(needs.numbers.outputs.file) }} > sum.txt
              echo "sum=$(cat sum.txt)" >> "$REPRO_OUTPUTS"
            """
        ),
        (
            "probe",
            """
            summary: volatile
            cache: volatile
            run: echo "value=stable" >> "$REPRO_OUTPUTS"
            """
        ),
        (
            "total",
            """
            summary: fan-in
            inputs:
              shards: {type: int, default: 3}
            needs:
              part:
                recipe: shard
                matrix: {index: "${{ range(inputs.shards) }}"}
                with: {index: "${{ matrix.index }}", shards: "${{ inputs.shards }}"}
              probe: {recipe: probe}
            run: |
              t=0; for s in ${{ join(needs.part.outputs.sum) }}; do t=$((t + s)); done
              echo "total=$t" >> "$REPRO_OUTPUTS"
              echo "probe said ${{ needs.probe.outputs.value }}"
            outputs:
              total: ${{ run.outputs.total }}
            """
        ),
    ]

    func makeCLI(_ recipes: [(String, String)] = pipeline) throws -> CLI {
        let cli = try CLI()
        for (name, text) in recipes { try cli.recipe(name, text) }
        return cli
    }

    func nodeStatuses(_ cli: CLI) throws -> [String: String] {
        let nodes = try cli.lastManifest()["nodes"] as! [[String: Any]]
        return Dictionary(uniqueKeysWithValues: nodes.map { ($0["id"] as! String, $0["status"] as! String) })
    }

    @Test func fanOutFanInThenEverythingButTheVolatileStepIsReused() throws {
        let cli = try makeCLI()
        defer { cli.cleanUp() }
        let first = try cli.run(["run", "total"])
        #expect(first.status == 0, "\(first.stderr)")
        #expect(first.stdout.contains("total = 210"))
        #expect(
            try nodeStatuses(cli) == [
                "numbers": "built", "shard[index=0]": "built", "shard[index=1]": "built",
                "shard[index=2]": "built", "probe": "built", "total": "built",
            ])
        let second = try cli.run(["run", "total"])
        #expect(second.status == 0)
        #expect(second.stdout.contains("total = 210"))
        // The volatile probe runs again; its output did not change, so 'total' is still a hit.
        #expect(
            try nodeStatuses(cli) == [
                "numbers": "hit", "shard[index=0]": "hit", "shard[index=1]": "hit",
                "shard[index=2]": "hit", "probe": "built", "total": "hit",
            ])
        let verify = try cli.run(["cache", "verify"])
        #expect(verify.status == 0, "\(verify.stdout)")
    }

    @Test func aChangedInputChangesOnlyTheKeysItReaches() throws {
        let cli = try makeCLI()
        defer { cli.cleanUp() }
        try cli.run(["run", "total"])
        let r = try cli.run(["run", "total", "shards=2"])
        #expect(r.status == 0)
        #expect(r.stdout.contains("total = 210"))
        let statuses = try nodeStatuses(cli)
        #expect(statuses["numbers"] == "hit")
        #expect(statuses["shard[index=0]"] == "built")
        #expect(statuses["total"] == "built")
    }

    @Test func keysDoNotDependOnWhereTheProjectIs() throws {
        let a = try makeCLI()
        let b = try makeCLI()
        defer {
            a.cleanUp()
            b.cleanUp()
        }
        let planA = try a.run(["plan", "total", "--json"])
        let planB = try b.run(["plan", "total", "--json"])
        #expect(planA.status == 0 && planB.status == 0)
        func keys(_ text: String) throws -> [String] {
            let json = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
            return (json["nodes"] as! [[String: Any]]).compactMap { $0["key"] as? String }
        }
        #expect(try keys(planA.stdout) == keys(planB.stdout))
        #expect(try keys(planA.stdout).count == 5)
    }

    @Test func aVolatileStepWhoseOutputChangesRerunsItsDependants() throws {
        let cli = try makeCLI([
            (
                "watch",
                "summary: w\ncache: volatile\ninputs:\n  file: {type: string}\nrun: echo \"v=$(cat ${{ inputs.file }})\" >> \"$REPRO_OUTPUTS\"\n"
            ),
            (
                "use",
                "summary: u\ninputs:\n  file: {type: string}\nneeds:\n  w: {recipe: watch, with: {file: \"${{ inputs.file }}\"}}\nrun: echo ${{ needs.w.outputs.v }} > v.txt\n"
            ),
        ])
        defer { cli.cleanUp() }
        let marker = cli.root + "/marker"
        try "one".write(toFile: marker, atomically: true, encoding: .utf8)
        #expect(try cli.run(["run", "use", "file=\(marker)"]).status == 0)
        #expect(try cli.run(["run", "use", "file=\(marker)"]).status == 0)
        #expect(try nodeStatuses(cli)["use"] == "hit")
        try "two".write(toFile: marker, atomically: true, encoding: .utf8)
        #expect(try cli.run(["run", "use", "file=\(marker)"]).status == 0)
        #expect(try nodeStatuses(cli)["use"] == "built")
    }

    @Test func aFailedStepShowsItsStatusAndStderrAndLeavesNoEntry() throws {
        var recipes = RunTests.pipeline
        recipes.append(
            (
                "broken",
                """
                summary: fails
                needs:
                  numbers: {recipe: numbers}
                run: |
                  echo "reading the numbers"
                  echo "cannot parse line 7: bad digit" >&2
                  exit 3
                """
            ))
        recipes.append(("after-broken", "summary: a\nneeds:\n  b: {recipe: broken}\nrun: echo never\n"))
        recipes.append(("both", "summary: both\nneeds:\n  t: {recipe: total}\n  a: {recipe: after-broken}\n"))
        let cli = try makeCLI(recipes)
        defer { cli.cleanUp() }
        let r = try cli.run(["run", "both"])
        #expect(r.status == 1)
        #expect(r.stderr.contains("failed   broken: exited with status 3"))
        #expect(r.stderr.contains("| cannot parse line 7: bad digit"))
        #expect(r.stderr.contains("not run  after-broken: 'broken' failed"))
        let statuses = try nodeStatuses(cli)
        #expect(statuses["broken"] == "failed")
        #expect(statuses["after-broken"] == "not-run")
        #expect(statuses["both"] == "not-run")
        // The independent branch finished.
        #expect(statuses["total"] == "built")
        let nodes = try cli.lastManifest()["nodes"] as! [[String: Any]]
        let broken = nodes.first { $0["id"] as? String == "broken" }!
        let failure = broken["failure"] as! [String: Any]
        #expect(failure["exit_code"] as? Int == 3)
        let key = broken["key"] as! String
        #expect(!cli.entries().contains(key))
        #expect(((try? FileManager.default.contentsOfDirectory(atPath: cli.root + "/cache/tmp")) ?? []).isEmpty)
        #expect(try cli.read("runs/\(try lastRun(cli))/logs/broken.stdout") == "reading the numbers\n")
    }

    func lastRun(_ cli: CLI) throws -> String {
        try FileManager.default.contentsOfDirectory(atPath: cli.root + "/runs").sorted().last!
    }

    @Test func freshAndNoCacheRebuild() throws {
        let cli = try makeCLI()
        defer { cli.cleanUp() }
        try cli.run(["run", "total"])
        #expect(try cli.run(["run", "total", "--fresh", "shard"]).status == 0)
        var s = try nodeStatuses(cli)
        #expect(s["shard[index=1]"] == "built" && s["numbers"] == "hit" && s["total"] == "hit")
        #expect(try cli.run(["run", "total", "--no-cache"]).status == 0)
        s = try nodeStatuses(cli)
        #expect(s.values.allSatisfy { $0 == "built" })
        let bad = try cli.run(["run", "total", "--fresh", "shrad"])
        #expect(bad.status == 2)
        #expect(bad.stderr.contains("error: no node 'shrad'; did you mean 'shard'?"))
        #expect(try cli.run(["cache", "verify"]).status == 0)
    }

    @Test func aStepThatRunsTooLongIsStoppedAtItsTimeout() throws {
        let cli = try makeCLI([("slow", "summary: s\ntimeout: 1s\nrun: sleep 30\n")])
        defer { cli.cleanUp() }
        let start = Date()
        let r = try cli.run(["run", "slow"], timeout: 25)
        #expect(r.status == 1)
        #expect(r.stderr.contains("failed   slow: timed out after 1.0s"))
        #expect(Date().timeIntervalSince(start) < 15)
        #expect(cli.entries().isEmpty)
    }

    @Test func retriesRunAFlakyStepAgain() throws {
        let cli = try makeCLI([
            (
                "flaky",
                """
                summary: fails once
                retries: 2
                inputs:
                  counter: {type: string}
                run: |
                  echo x >> ${{ inputs.counter }}
                  [ "$(wc -l < ${{ inputs.counter }})" -ge 2 ] || { echo "first attempt fails" >&2; exit 1; }
                  echo ok > ok.txt
                """
            )
        ])
        defer { cli.cleanUp() }
        let counter = cli.root + "/counter"
        let r = try cli.run(["run", "flaky", "counter=\(counter)"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stderr.contains("retry    flaky: attempt 1 failed (exited with status 1)"))
        #expect(try String(contentsOfFile: counter, encoding: .utf8) == "x\nx\n")
    }

    @Test func shellStepsGetACleanDeclaredEnvironment() throws {
        let cli = try makeCLI([
            (
                "env",
                """
                summary: prints its environment
                env:
                  GREETING: hello ${{ inputs.who }}
                inputs:
                  who: {default: world}
                run: env | cut -d= -f1 | sort > names.txt; echo "$GREETING" > greeting.txt; pwd > pwd.txt
                """
            )
        ])
        defer { cli.cleanUp() }
        let r = try cli.run(["run", "env"], env: ["SECRET_TOKEN": "do-not-leak"])
        #expect(r.status == 0, "\(r.stderr)")
        let entry = cli.entries().first!
        let names = try cli.read("cache/entries/\(entry)/out/names.txt").split(separator: "\n").map(String.init)
        #expect(!names.contains("SECRET_TOKEN"))
        #expect(
            Set(names).isSubset(of: [
                "PATH", "HOME", "LANG", "LC_ALL", "TMPDIR", "REPRO_OUT", "REPRO_OUTPUTS",
                "REPRO_NODE", "REPRO_KEY", "REPRO_CPUS", "OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "GREETING",
                "PWD", "SHLVL", "_", "OLDPWD",
            ]))
        #expect(try cli.read("cache/entries/\(entry)/out/greeting.txt") == "hello world\n")
    }

    @Test func planShowsKeysAndCacheState() throws {
        let cli = try makeCLI()
        defer { cli.cleanUp() }
        let before = try cli.run(["plan", "total"])
        #expect(before.status == 0)
        #expect(before.stdout.contains("plan for 'total': 6 nodes (4 to build, 1 volatile, 1 after a dependency)"))
        try cli.run(["run", "total"])
        let after = try cli.run(["plan", "total"])
        #expect(after.stdout.contains("plan for 'total': 6 nodes (4 cached, 1 volatile, 1 after a dependency)"))
        #expect(
            after.stdout.contains("shard ×3") || after.stdout.contains("shard[index=0], shard[index=1], shard[index=2]")
        )
    }

    @Test func showRunsAndWhyExplainTheRecord() throws {
        let cli = try makeCLI()
        defer { cli.cleanUp() }
        try cli.run(["run", "total"])
        try cli.run(["run", "total", "shards=2"])
        let runs = try cli.run(["runs"])
        #expect(runs.stdout.split(separator: "\n").count == 3)
        let show = try cli.run(["show", "last"])
        #expect(show.status == 0)
        #expect(show.stdout.contains("shard[index=1]"))
        let why = try cli.run(["why", "numbers"])
        #expect(why.stdout.contains("reused from the cache"), "\(why.stdout)")
        let whyTotal = try cli.run(["why", "total"])
        #expect(whyTotal.stdout.contains("built: the cache had no entry with its key"), "\(whyTotal.stdout)")
        #expect(whyTotal.stdout.contains("input 'shards': 3 -> 2"), "\(whyTotal.stdout)")
        // Beyond the last run: a node the last run did not plan is found in the runs before it.
        try cli.run(["run", "numbers"])
        let earlier = try cli.run(["why", "total"])
        #expect(earlier.stdout.contains("total is not in the last run; the newest run that planned it is"))
        #expect(earlier.stdout.contains("input 'shards': 3 -> 2"), "\(earlier.stdout)")
        #expect(earlier.stdout.contains("Earlier runs:"))
        let unknown = try cli.run(["why", "totl"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("did you mean 'total'?"), "\(unknown.stderr)")
        let missing = try cli.run(["show", "nope"])
        #expect(missing.status == 2)
    }

    /// Every manifest and entry names the build of repro that made it: version, commit, uncommitted changes.
    @Test func manifestsAndEntriesNameTheBuild() throws {
        let cli = try makeCLI()
        defer { cli.cleanUp() }
        try cli.run(["run", "numbers"])
        // The commit this build was made from (the tests and repro are built together), a full id in a checkout.
        let head = try #require(ReproVersion.build.commit)
        #expect(head.count == 40 && head.allSatisfy(\.isHexDigit))
        let manifest = try cli.lastManifest()
        #expect(manifest["repro_version"] as? String == "0.1.0")
        #expect(manifest["repro_commit"] as? String == head, "built from \(head)")
        #expect(manifest["repro_dirty"] is Bool)
        let meta =
            try JSONSerialization.jsonObject(
                with: Data(try cli.read("cache/entries/\(cli.entries()[0])/meta.json").utf8)) as! [String: Any]
        #expect(meta["repro_commit"] as? String == head)
        let version = try cli.run(["--version"])
        #expect(version.stdout.hasPrefix("repro 0.1.0 (commit \(head.prefix(12))"), "\(version.stdout)")
    }

    @Test func cacheCommandsFindAndReportDamage() throws {
        let cli = try makeCLI()
        defer { cli.cleanUp() }
        try cli.run(["run", "numbers"])
        let entry = cli.entries().first!
        let ls = try cli.run(["cache", "ls"])
        #expect(ls.stdout.contains(String(entry.prefix(12))))
        #expect(ls.stdout.contains("numbers"))
        let show = try cli.run(["cache", "show", String(entry.prefix(8))])
        #expect(show.stdout.contains("numbers.txt"))
        try "tampered\n".write(
            toFile: cli.root + "/cache/entries/\(entry)/out/numbers.txt", atomically: true, encoding: .utf8)
        let verify = try cli.run(["cache", "verify"])
        #expect(verify.status == 1)
        #expect(verify.stdout.contains("out/numbers.txt changed"))
        #expect(try cli.run(["cache", "rm", String(entry.prefix(8))]).status == 0)
        #expect(cli.entries().isEmpty)
        #expect(try cli.run(["cache", "gc"]).status == 0)
    }
}
