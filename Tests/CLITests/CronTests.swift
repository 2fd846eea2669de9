import Foundation
import Testing

/// The nightly regression run as cron would drive it: a script that runs two requests of one recipe and then
/// `repro regress --since` the night began. Two requests are two series; the recipe's tolerance decides.
@Suite("cron", .serialized)
struct CronTests {
    /// A measured score (read from a file the key does not see, so the test sets it) and a seeded sum that depends
    /// on the input.
    static let recipe = """
        summary: a nightly benchmark
        inputs:
          count: {type: int, default: 100}
          score_file: {type: path}
        cache: measured
        run: |
          echo "score=$(cat ${{ inputs.score_file }})" >> "$REPRO_OUTPUTS"
          echo "sum=$(seq 1 ${{ inputs.count }} | awk '{ s += $1 } END { print s }')" >> "$REPRO_OUTPUTS"
        metrics:
          score: {value: "${{ run.outputs.score }}", better: higher, tolerance: 50%}
          sum: {value: "${{ run.outputs.sum }}", better: equal}
        """

    /// One night: both requests, then regress over everything the night measured (as a crontab line would).
    func night(_ cli: CLI, score: Int, regress: String = "") throws -> CLI.Result {
        try "\(score)".write(toFile: cli.root + "/score", atomically: true, encoding: .utf8)
        try """
        set -e
        start=$(date -u +%Y-%m-%dT%H:%M:%S)
        repro run nightly score_file=score >> nightly.log 2>&1
        repro run nightly count=6 score_file=score >> nightly.log 2>&1
        sleep 1.1
        repro regress --since "$start" \(regress)
        """.write(toFile: cli.root + "/night.sh", atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/bash")
        p.arguments = ["night.sh"]
        p.currentDirectoryURL = URL(fileURLWithPath: cli.root)
        var env = cli.environment([:])
        env["PATH"] = URL(fileURLWithPath: CLI.binary).deletingLastPathComponent().path + ":" + (env["PATH"] ?? "")
        p.environment = env
        let (out, err) = (Pipe(), Pipe())
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // The next night starts at a later second than this one's last run.
        defer { Thread.sleep(forTimeInterval: 1.1) }
        return try CLI.wait(p, out, err)
    }

    @Test func twoRequestsAreTwoSeriesAndTheRecipesToleranceDecides() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.recipe("nightly", CronTests.recipe)
        // Night 1: nothing to compare with; the second request is a new series, and the run says so.
        let first = try night(cli, score: 100)
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        #expect(first.stdout.contains("note: nightly sum: a new series (count: 100 -> 6)"), "\(first.stdout)")
        #expect(first.stdout.contains("no metric worse than its tolerance against last (0 compared, 4 without"))
        let log = try cli.read("nightly.log")
        #expect(log.contains("note: nightly starts a new history series (count: 100 -> 6)"), "\(log)")
        // Night 2: 20% slower, within the recipe's 50%; the sums (5050 and 21) are each compared with their own.
        let second = try night(cli, score: 80)
        #expect(second.status == 0, "\(second.stdout)\(second.stderr)")
        #expect(second.stdout.contains("no metric worse than its tolerance against last (4 compared, 0 without"))
        #expect(!second.stdout.contains("new series"))
        // With a threshold for all, 20% is too much.
        let strict = try night(cli, score: 80, regress: "--threshold 10%")
        #expect(strict.status == 0, "the same score again: \(strict.stdout)")
        // Night 4: 60% slower than the night before, beyond the 50%: both series regressed, each against itself.
        let bad = try night(cli, score: 32)
        #expect(bad.status == 1, "\(bad.stdout)\(bad.stderr)")
        #expect(bad.stdout.contains("2 metrics worse than its tolerance against last (4 compared, 0 without"))
        let rows = bad.stdout.split(separator: "\n").filter { $0.hasPrefix("nightly") }
        #expect(rows.count == 2 && rows.allSatisfy { $0.contains("score") && $0.contains("±50% (recipe)") })
        #expect(!bad.stdout.contains("sum"))
        // compare pairs like with like: the night's two runs are two requests, not a change.
        let compare = try cli.run(["compare", "last~1", "last"])
        #expect(compare.stdout.contains("only in"), "\(compare.stdout)")
        #expect(!compare.stdout.contains("worse"), "\(compare.stdout)")
        #expect(compare.stdout.contains("(count: 100 -> 6)"))
        let history = try cli.run(["history", "nightly", "--metric", "sum"])
        #expect(history.stdout.contains("count=6"), "\(history.stdout)")
        #expect(history.stdout.contains("count=100"))
    }

    @Test func aThresholdForAllOverridesTheRecipesTolerance() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.recipe("nightly", CronTests.recipe)
        #expect(try night(cli, score: 100).status == 0)
        let r = try night(cli, score: 80, regress: "--threshold 10%")
        #expect(r.status == 1, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("2 metrics worse than 10% against last"))
        #expect(r.stdout.contains("±10% (--threshold)"))
    }
}
