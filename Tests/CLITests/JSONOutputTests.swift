import Foundation
import Testing

/// `--json` on the commands a script reads: regress, compare, report, lint, actions, pull --list and the cache's gc,
/// verify and rm each print JSON on stdout that holds what their text holds, with the same exit status.
@Suite("json output", .serialized)
struct JSONOutputTests {
    func object(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "\(text)")
    }

    func list(_ text: String) throws -> [Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [Any], "\(text)")
    }

    @Test func historyCommandsPrintTheirJudgementsAsJSON() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.recipe(
            "scored",
            """
            summary: a measured step with a declared tolerance
            inputs:
              value: {type: float, default: 100}
            run: echo "rate=${{ inputs.value }}" >> "$REPRO_OUTPUTS"
            cache: measured
            metrics:
              rate: {value: "${{ run.outputs.rate }}", better: higher, tolerance: 10%}
            """)
        #expect(try cli.run(["run", "scored"]).status == 0)
        #expect(try cli.run(["run", "scored", "value=80"]).status == 0)  // another request: a new series
        #expect(try cli.run(["run", "scored", "value=100"]).status == 0)
        #expect(try cli.run(["run", "scored"]).status == 0)  // measured again: the same value in its series

        let regress = try cli.run(["regress", "--json"])
        #expect(regress.status == 0, "\(regress.stderr)")
        let judged = try object(regress.stdout)
        #expect(judged["regressions"] as? Int == 0)
        let metrics = try #require(judged["metrics"] as? [[String: Any]])
        #expect(metrics.count == 1 && metrics[0]["metric"] as? String == "rate")
        #expect(metrics[0]["tolerance"] as? Double == 0.1 && metrics[0]["tolerance_from"] as? String == "recipe")

        let compare = try cli.run(["compare", "last~2", "last~1", "--json"])
        #expect(compare.status == 0, "\(compare.stderr)")
        let pairs = try #require(try object(compare.stdout)["pairs"] as? [[String: Any]])
        // value=80 against value=100's run: not the same request, so not paired; what differs is named.
        #expect(pairs.count == 1 && pairs[0]["baseline"] is NSNull)
        #expect((pairs[0]["new_series"] as? [String])?.first?.contains("value") == true, "\(pairs)")
    }

    @Test func aRegressionIsExitOneWithJSONToo() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try runMeasuredRate(cli, rates: ["100", "80"])
        let regress = try cli.run(["regress", "--json"])
        #expect(regress.status == 1, "\(regress.stdout)\(regress.stderr)")
        let judged = try object(regress.stdout)
        #expect(judged["regressions"] as? Int == 1)
        let metric = try #require((judged["metrics"] as? [[String: Any]])?.first)
        #expect(metric["verdict"] as? String == "worse" && metric["baseline"] as? Double == 100)
        #expect(metric["value"] as? Double == 80)
    }

    @Test func theReportPrintsItsRowsAsJSON() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try runMeasuredRate(cli, rates: ["100", "80"])
        let r = try cli.run(["report", "--out", cli.root + "/page.html", "--json"])
        #expect(r.status == 0, "\(r.stderr)")
        let report = try object(r.stdout)
        #expect(report["report"] as? String == cli.root + "/page.html")
        #expect(FileManager.default.fileExists(atPath: cli.root + "/page.html"))
        #expect(report["runs"] as? Int == 2 && report["regressions"] as? Int == 1 && report["latest_run"] is String)
        let rows = try #require(report["rows"] as? [[String: Any]])
        #expect(rows.count == 1 && rows[0]["metric"] as? String == "rate", "\(rows)")
        #expect(rows[0]["value"] as? Double == 80 && rows[0]["baseline"] as? Double == 100)
        #expect(rows[0]["verdict"] as? String == "worse")
        #expect((report["percentiles"] as? [Any])?.isEmpty == true)
    }

    @Test func lintActionsPullAndCachePrintJSON() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.recipe("good", "summary: fine\nrun: echo hi\n")
        try cli.recipe("bad", "summary: broken\nrun: echo hi\nnedds: []\nsumary: x\n")
        try cli.recipe("settings", "learning_rate: 0.1\n")
        let lint = try cli.run(["lint", "recipes", "--json"])
        #expect(lint.status == 2)
        let report = try object(lint.stdout)
        let problems = try #require(report["problems"] as? [[String: Any]])
        #expect(problems.count == 2)
        #expect(problems.map { $0["line"] as? Int } == [3, 4])
        #expect(problems.allSatisfy { ($0["file"] as? String)?.hasSuffix("bad.yaml") == true })
        #expect(problems.allSatisfy { $0["column"] as? Int == 1 && $0["severity"] as? String == "error" })
        #expect((problems[0]["message"] as? String)?.contains("did you mean 'needs'?") == true)
        #expect((report["skipped"] as? [[String: Any]])?.count == 1)
        try FileManager.default.removeItem(atPath: cli.root + "/recipes/bad.yaml")
        let clean = try cli.run(["lint", "recipes", "--json"])
        #expect(clean.status == 0)
        let none = try object(clean.stdout)["problems"] as? [Any]
        #expect(none?.isEmpty == true)

        let actions = try list(try cli.run(["actions", "write-file", "--json"]).stdout)
        let action = try #require(actions.first as? [String: Any])
        #expect(action["name"] as? String == "write-file")
        #expect((action["parameters"] as? [[String: Any]])?.contains { $0["name"] as? String == "path" } == true)
        #expect(try cli.run(["actions", "nosuch", "--json"]).status == 2)

        #expect(try list(try cli.run(["pull", "--list", "--json"]).stdout).isEmpty)
        #expect(try object(try cli.run(["pull", "--json"]).stdout)["repositories"] as? [Any] != nil)  // none to update

        #expect(try cli.run(["run", "good"]).status == 0)
        let verify = try object(try cli.run(["cache", "verify", "--json"]).stdout)
        #expect(verify["entries"] as? Int == 1 && (verify["problems"] as? [Any])?.isEmpty == true)
        let gc = try object(try cli.run(["cache", "gc", "--dry-run", "--json"]).stdout)
        #expect(gc["dry_run"] as? Bool == true && gc["removed"] is [Any])
        let removed = try list(try cli.run(["cache", "rm", "--recipe", "good", "--json"]).stdout)
        #expect(removed.count == 1)
        #expect(try object(try cli.run(["cache", "verify", "--json"]).stdout)["entries"] as? Int == 0)
    }

    /// `check --json` and `submit`'s `builtin_checker` share one shape: results, problems, relaxations and the
    /// benchmark folders not checked (check adds the round, submit whether it passed).
    @Test func checkPrintsItsReportAsJSON() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let fixture = CLI.packageRoot + "/Tests/SubmissionTests/Fixtures/inference_results_v5.1"
        let clean = try cli.run(["check", fixture, "--version", "v5.1", "--json"])
        #expect(clean.status == 0, "\(clean.stderr)")
        let report = try object(clean.stdout)
        #expect(Set(report.keys) == ["round", "results", "problems", "relaxations", "not_checked"], "\(report)")
        #expect(report["round"] as? String == "v5.1" && report["results"] as? Int == 2)
        #expect((report["problems"] as? [String])?.isEmpty == true && report["not_checked"] is [String])
        let newer = try cli.run(["check", fixture, "--version", "v6.1", "--short-runs", "--json"])
        #expect(newer.status == 1, "the v5.1 tree breaks v6.1's seeds: \(newer.stderr)")
        let problems = try #require(try object(newer.stdout)["problems"] as? [String])
        #expect(problems.contains { $0.contains("qsl_rng_seed is wrong") }, "\(problems)")
        #expect(newer.stderr.contains("repro check: \(problems.count) problem"), "\(newer.stderr)")
    }

    @Test func reproduceAndWhyPrintJSON() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let (text, reproduce) = try ReproduceTests().published(cli)
        let again = try reproduce(text, ["--json"])
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        let report = try object(again.stdout)
        #expect(report["reproduced"] as? Bool == true && report["failed"] as? Int == 0)
        let verdicts = try #require(report["verdicts"] as? [[String: Any]])
        let checksum = try #require(verdicts.first { $0["name"] as? String == "checksum" })
        #expect(checksum["published"] as? String == "9455" && checksum["allowed"] as? String == "exact")
        #expect(checksum["outcome"] as? String == "ok")
        let edited = try reproduce(
            text.replacingOccurrences(of: "\"checksum\": 9455", with: "\"checksum\": 9456"), ["--json"])
        #expect(edited.status == 1)
        #expect(try object(edited.stdout)["reproduced"] as? Bool == false)

        let why = try cli.run(["why", "squares", "--json"])
        #expect(why.status == 0, "\(why.stderr)")
        let history = try object(why.stdout)
        #expect(history["node"] as? String == "squares")
        let runs = try #require(history["runs"] as? [[String: Any]])
        #expect(runs.count >= 2 && runs.allSatisfy { $0["reason"] is String && $0["changes"] is [Any] })
        #expect(
            runs.allSatisfy { ["cached", "built", "failed", "not run", "skipped"].contains($0["status"] as? String) })
    }
}

/// With `--json`, a command that fails still prints one JSON object on stdout (`status`, `error`, `exit_status`),
/// one line of its own for the commands that print JSON lines, beside the same message on stderr and exit status.
@Suite("json failures", .serialized)
struct JSONFailureTests {
    /// The one object a failure printed, after checking it says what stderr says.
    static func failure(_ r: CLI.Result, status: Int32, _ words: String) throws -> [String: Any] {
        #expect(r.status == status, "\(r.stdout)\(r.stderr)")
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "stdout: \(r.stdout)")
        #expect(object["status"] as? String == "failed" && object["exit_status"] as? Int == Int(status), "\(object)")
        let error = try #require(object["error"] as? String)
        #expect(error.contains(words) && r.stderr.contains(words), "\(error) / \(r.stderr)")
        return object
    }

    @Test func everyCommandWithJSONPrintsAnObjectWhenItFails() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let missing = cli.root + "/no-such-folder"
        _ = try Self.failure(try cli.run(["check", missing, "--json"]), status: 2, missing)
        _ = try Self.failure(try cli.run(["check", missing, "--version", "v0.1", "--json"]), status: 2, "v0.1")
        _ = try Self.failure(
            try cli.run(["report", "--out", missing + "/report.html", "--json"]), status: 2, "report.html")
        _ = try Self.failure(try cli.run(["pull", "file://" + missing, "--json"]), status: 2, "cannot clone")
        _ = try Self.failure(try cli.run(["import", missing, "--out", "x.yaml", "--json"]), status: 2, missing)
        _ = try Self.failure(try cli.run(["reproduce", missing, "--json"]), status: 2, "cannot reproduce")
        _ = try Self.failure(try cli.run(["plan", "nosuch", "--json"]), status: 2, "no recipe matches 'nosuch'")
        // A usage error: the words did not parse, `--json` among them still asks for an object.
        let usage = try Self.failure(try cli.run(["cache", "ls", "--bogus", "--json"]), status: 2, "'--bogus'")
        #expect((usage["error"] as? String)?.contains("Usage:") == false, "the usage lines stay on stderr")
        #expect(try cli.run(["cache", "ls", "--bogus"]).stdout.isEmpty, "no JSON without --json")

        // exec-node (internal, what a Slurm job runs) has no --json, and says why: its results file is its JSON.
        let help = try cli.run(["exec-node", "--help"])
        #expect(help.stdout.contains("Internal:") && help.stdout.contains("It has no --json"), "\(help.stdout)")
        #expect(help.stdout.contains("RUN_FOLDER/results/<node>.json"))
        let execNode = try cli.run(["exec-node", "--run-folder", missing, "--node-list", missing, "--json"])
        #expect(execNode.status == 2 && execNode.stdout.isEmpty && execNode.stderr.contains("'--json'"))

        // run and history print JSON lines: the failure is one line, an `error` event.
        for args in [["run", "nosuch", "--json"], ["run", "nosuch", "--runner", "moon", "--json"]] {
            let r = try cli.run(args)
            let lines = r.stdout.split(separator: "\n")
            #expect(r.status == 2 && lines.count == 1, "\(r.stdout)")
            let event = try #require(
                try JSONSerialization.jsonObject(with: Data(lines[0].utf8)) as? [String: Any], "\(r.stdout)")
            #expect(event["event"] as? String == "error" && event["status"] as? String == "failed", "\(event)")
        }
    }
}

/// `repro submit --json`: one object on stdout with the run, its nodes and each tree's paths, digest and verdicts;
/// the checker's problems still exit 1, and a second submit reports what it reused.
@Suite("submit json", .serialized)
struct SubmitJSONTests {
    @Test func submitPrintsEachTreeItsDigestAndTheCheckersVerdictAsOneObject() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let args = [
            "submit", "mlperf-submission-digits", "--recipes", CLI.packageRoot + "/recipes", "min_duration_ms=300",
            "--matrix", "model=mlp", "--matrix", "scenario=Offline", "--out", cli.root + "/out", "--json",
        ]
        for pass in [1, 2] {
            let r = try cli.run(args)
            #expect(r.status == 1, "the checker lists the short run and the data set: \(r.stderr)")
            #expect(r.stderr.contains("repro submit: exit 1: "), "\(r.stderr)")
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "\(r.stdout)")
            #expect(object["passed"] as? Bool == false && object["round"] as? String == "v6.1")
            let manifest = try #require(object["manifest"] as? String)
            #expect(FileManager.default.fileExists(atPath: manifest), "\(manifest)")
            let nodes = try #require(object["nodes"] as? [String: Int])
            // The second submit reuses what the first built; its measured steps (LoadGen runs) measure again.
            #expect(pass == 1 ? nodes["run"]! > 0 : nodes["reused"]! > 0, "\(nodes)")
            let trees = try #require(object["submissions"] as? [[String: Any]])
            try #require(trees.count == 1)
            #expect(trees[0]["tree"] as? String == cli.root + "/out/submission")
            #expect(trees[0]["tarball"] as? String == cli.root + "/out/submission.tar.gz")
            let digest = try String(contentsOfFile: cli.root + "/out/submission.tar.gz.sha256", encoding: .utf8)
            let sha256 = try #require(trees[0]["sha256"] as? String)
            #expect(sha256.count == 64 && digest.hasPrefix(sha256), "\(sha256) \(digest)")
            let builtin = try #require(trees[0]["builtin_checker"] as? [String: Any])
            #expect(builtin["passed"] as? Bool == false && builtin["not_checked"] is [String], "\(builtin)")
            let problems = try #require(builtin["problems"] as? [String])
            #expect(problems.count == 2 && problems.contains { $0.contains("digits-mlp is not a benchmark") })
            #expect(trees[0]["official_checker"] is NSNull)
        }
    }

    /// A submit that does not get to a tree still prints one object: a bad input before the run (exit 2), and a
    /// run whose measurement fails (exit 1) with the run's id, manifest and node counts.
    @Test func aSubmitThatFailsPrintsOneObject() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let bad = try cli.run([
            "submit", "mlperf-submission-digits", "--recipes", CLI.packageRoot + "/recipes", "scenarios=Someday",
            "--out", cli.root + "/out", "--json",
        ])
        _ = try JSONFailureTests.failure(bad, status: 2, "found 'Someday'")
        try cli.recipe("broken-measurement", "summary: a measurement that breaks\nrun: echo broke >&2; exit 3\n")
        try cli.recipe(
            "broken-submission",
            """
            summary: a submission whose measurement breaks
            inputs:
              round: {type: choice, choices: [v6.1], default: v6.1}
            needs:
              perf: {recipe: broken-measurement}
            run:
              action: submission
              with:
                performance: ${{ needs.perf.outputs.dir }}
                accuracy: ${{ needs.perf.outputs.dir }}
                division: open
                submitter: repro
                availability: available
                system-type: edge
            outputs:
              tree: ${{ run.outputs.tree }}
              tarball: ${{ run.outputs.tarball }}
            """)
        let r = try cli.run(["submit", "broken-submission", "--out", cli.root + "/out", "--json"])
        let object = try JSONFailureTests.failure(r, status: 1, "the run did not finish")
        #expect(object["run_status"] as? String == "failed", "\(object)")
        let manifest = try #require(object["manifest"] as? String)
        #expect(FileManager.default.fileExists(atPath: manifest) && object["run"] is String, "\(object)")
        let nodes = try #require(object["nodes"] as? [String: Int])
        #expect(nodes["failed"] == 1 && nodes["not_run"] == 1, "\(nodes)")
        #expect(!FileManager.default.fileExists(atPath: cli.root + "/out"))
    }
}

/// Runs a measured recipe whose rate metric reads `rates` in turn (higher is better, 10 % tolerance).
private func runMeasuredRate(_ cli: CLI, rates: [String]) throws {
    try cli.recipe(
        "rate",
        """
        summary: a measured rate read from a file the test changes
        assets: [rate.txt]
        run: echo "rate=$(cat "${{ recipe.dir }}/rate.txt")" >> "$REPRO_OUTPUTS"
        cache: measured
        metrics:
          rate: {value: "${{ run.outputs.rate }}", better: higher, tolerance: 10%}
        """)
    for rate in rates {
        try "\(rate)\n".write(toFile: cli.root + "/recipes/rate.txt", atomically: true, encoding: .utf8)
        #expect(try cli.run(["run", "rate"]).status == 0)
    }
}
