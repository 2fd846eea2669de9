import Foundation
import Testing

/// The command line as a script sees it: results on stdout, everything else on stderr, a JSON summary, usage
/// errors exit 2, inputs of dependencies set from the command line.
@Suite("command line", .serialized)
struct CommandLineTests {
    func makeCLI() throws -> CLI {
        let cli = try CLI()
        for (name, text) in RunTests.pipeline { try cli.recipe(name, text) }
        try cli.recipe(
            "scored",
            """
            summary: a step with a float output and a metric
            run: echo "accuracy=0.9665738161559888" >> "$REPRO_OUTPUTS"
            metrics:
              accuracy: {value: "${{ run.outputs.accuracy }}", better: higher}
            """)
        return cli
    }

    @Test func theOutputsGoToStdoutAndEverythingElseToStderr() throws {
        let cli = try makeCLI()
        defer { cli.cleanUp() }
        let r = try cli.run(["run", "total"])
        #expect(r.status == 0)
        #expect(r.stdout == "total:\n  total = 210\n", "\(r.stdout)")
        #expect(r.stderr.contains("repro: run ") && r.stderr.contains("succeeded: 0 cached, 6 built"))
        #expect(!r.stderr.contains("total = 210"))
        let quiet = try cli.run(["run", "total", "--quiet"])
        #expect(quiet.stdout == "total:\n  total = 210\n")
        #expect(quiet.stderr.isEmpty, "\(quiet.stderr)")
    }

    @Test func floatsPrintAtAReadablePrecisionAndTheManifestKeepsEveryDigit() throws {
        let cli = try makeCLI()
        defer { cli.cleanUp() }
        let r = try cli.run(["run", "scored"])
        #expect(r.stdout.contains("  accuracy = 0.9666\n"), "\(r.stdout)")
        #expect(r.stdout.contains("  metric accuracy = 0.9666\n"))
        let nodes = try cli.lastManifest()["nodes"] as! [[String: Any]]
        #expect((nodes[0]["metrics"] as! [String: Any])["accuracy"] as? Double == 0.9665738161559888)
    }

    @Test func jsonEndsWithASummaryThatHoldsTheOutputsAndMetrics() throws {
        let cli = try makeCLI()
        defer { cli.cleanUp() }
        let r = try cli.run(["run", "scored", "--json"])
        #expect(r.status == 0)
        let lines = r.stdout.split(separator: "\n")
        let last = try JSONSerialization.jsonObject(with: Data(lines.last!.utf8)) as! [String: Any]
        #expect(last["event"] as? String == "summary")
        #expect(last["status"] as? String == "succeeded")
        let results = last["results"] as! [[String: Any]]
        #expect(results.count == 1 && results[0]["node"] as? String == "scored")
        #expect((results[0]["outputs"] as! [String: Any])["accuracy"] as? Double == 0.9665738161559888)
        #expect((results[0]["metrics"] as! [String: Any])["accuracy"] as? Double == 0.9665738161559888)
        #expect(results[0]["status"] as? String == "built")
        for line in lines { _ = try JSONSerialization.jsonObject(with: Data(line.utf8)) }
    }

    @Test(arguments: [
        ["run", "--no-such-option", "total"], ["run"], ["no-such-command"], ["run", "total", "--runner", "moon"],
        ["run", "total", "--cpus", "0"], ["history", "--metric"], ["regress", "--threshold", "lots"],
    ])
    func usageErrorsExit2(_ args: [String]) throws {
        let cli = try makeCLI()
        defer { cli.cleanUp() }
        let r = try cli.run(args)
        #expect(r.status == 2, "\(args): \(r.stderr)")
        #expect(r.stderr.contains("Error: ") || r.stderr.contains("error: "), "\(r.stderr)")
        #expect(r.stdout.isEmpty)
    }

    @Test func anInputOfADependencyIsSetFromTheCommandLineShownInThePlanAndRecorded() throws {
        let cli = try makeCLI()
        defer { cli.cleanUp() }
        let plan = try cli.run(["plan", "total", "numbers.count=10"])
        #expect(plan.status == 0, "\(plan.stderr)")
        #expect(plan.stdout.contains("override numbers.count = 10 (1 node)"), "\(plan.stdout)")
        let r = try cli.run(["run", "total", "numbers.count=10"])
        #expect(r.stdout.contains("total = 55"), "\(r.stdout)")
        let request = try cli.lastManifest()["request"] as! [String: Any]
        let first = (request["requests"] as! [[String: Any]])[0]
        #expect(((first["overrides"] as! [String: Any])["numbers"] as! [String: Any])["count"] as? String == "10")
        let nodes = try cli.lastManifest()["nodes"] as! [[String: Any]]
        let numbers = nodes.first { $0["id"] as? String == "numbers" }!
        #expect((numbers["inputs"] as! [String: Any])["count"] as? Int == 10)
        // Every node of the recipe takes it: the three matrix nodes given one index are one node.
        let merged = try cli.run(["plan", "total", "shard.index=0", "--json"])
        let nodesAfter = (try JSONSerialization.jsonObject(with: Data(merged.stdout.utf8)) as! [String: Any])["nodes"]
        #expect((nodesAfter as! [[String: Any]]).filter { ($0["recipe"] as? String) == "shard" }.count == 1)
        let typo = try cli.run(["plan", "total", "numbrs.count=10"])
        #expect(typo.status == 2)
        #expect(
            typo.stderr
                == "error: no recipe 'numbrs' in this request to set an input of (numbrs.NAME=VALUE); did you mean "
                + "'numbers'? (its recipes: numbers, probe, shard, total)\n")
        let badInput = try cli.run(["plan", "total", "numbers.cont=10"])
        #expect(
            badInput.stderr == "error: recipe 'numbers' has no input 'cont'; did you mean 'count'? (inputs: count)\n")
    }

    @Test func historyOfAMetricItDoesNotHoldIsAnError() throws {
        let cli = try makeCLI()
        defer { cli.cleanUp() }
        let empty = try cli.run(["history", "--metric", "nosuch"])
        #expect(empty.status == 2)
        #expect(empty.stderr == "error: no metric 'nosuch' in the history (no metrics are recorded yet)\n")
        #expect(try cli.run(["run", "scored"]).status == 0)
        let r = try cli.run(["history", "--metric", "acuracy"])
        #expect(r.status == 2)
        #expect(r.stderr == "error: no metric 'acuracy' in the history; did you mean 'accuracy'? (metrics: accuracy)\n")
        #expect(try cli.run(["history", "--metric", "accuracy"]).status == 0)
    }

    @Test func aShellStepLongerThanTheArgumentLimitRuns() throws {
        let cli = try makeCLI()
        defer { cli.cleanUp() }
        // 200 KiB of shell text: more than Linux passes as one argument (128 KiB).
        let line = String(repeating: "x", count: 99)
        let body = Array(repeating: line, count: 2048).joined(separator: "\n")
        try cli.recipe(
            "long",
            "summary: a long script\nrun: |\n  cat > big.txt <<'END'\n"
                + body.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n")
                + "\n  END\n  echo \"bytes=$(wc -c < big.txt)\" >> \"$REPRO_OUTPUTS\"\n")
        let r = try cli.run(["run", "long"])
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("  bytes = 204800\n"), "\(r.stdout)")
    }

    @Test func aDownloadShowsItsBytesAndRateWhileItRuns() throws {
        let cli = try makeCLI()
        defer { cli.cleanUp() }
        // A loopback server that sends 3 MiB at about 600 KiB/s (5 s), so the plain progress line (after 3 s) comes.
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        server.arguments = [
            "python3", "-c",
            """
            import http.server, socketserver, sys, time
            class H(http.server.BaseHTTPRequestHandler):
                def do_GET(self):
                    self.send_response(200)
                    self.send_header("Content-Length", str(3 << 20))
                    self.end_headers()
                    for _ in range(48):
                        self.wfile.write(b"x" * 65536)
                        self.wfile.flush()
                        time.sleep(0.1)
                def log_message(self, *a): pass
            s = socketserver.TCPServer(("127.0.0.1", 0), H)
            print(s.server_address[1], flush=True)
            s.serve_forever()
            """,
        ]
        let out = Pipe()
        server.standardOutput = out
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { server.terminate() }
        let port = String(decoding: out.fileHandleForReading.availableData, as: UTF8.self)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        try cli.recipe(
            "slow-get",
            "summary: a slow download\nrun:\n  action: fetch\n  with: {url: \"http://127.0.0.1:\(port)/data\", sha256: none}\n"
        )
        let r = try cli.run(["run", "slow-get"])
        #expect(r.status == 0, "\(r.stderr)")
        let progress = r.stderr.split(separator: "\n").filter { $0.hasPrefix("  ...      slow-get: ") }
        #expect(!progress.isEmpty, "\(r.stderr)")
        // `1.8 MiB of 3.0 MiB (60%), 612.4 KiB/s, 2s left`: bytes and a rate, never nothing.
        for line in progress {
            #expect(line.contains(" of 3.0 MiB (") && line.contains("/s"), "\(line)")
            #expect(!line.contains(": 0 B") && !line.contains(" 0 B/s"), "\(line)")
        }
    }
}
