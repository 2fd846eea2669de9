import Foundation
import Testing

/// Metrics over time: recorded after every run, compared, and a slowdown caught by `repro regress`.
@Suite("history", .serialized)
struct HistoryTests {
    /// A measured step whose speed the test controls through a file the key does not see.
    static let timed = """
        summary: a timed step
        inputs:
          delay_file: {type: string}
        cache: measured
        run: |
          start=$(date +%s.%N)
          sleep $(cat ${{ inputs.delay_file }})
          end=$(date +%s.%N)
          echo "rate=$(echo "1 / ($end - $start)" | bc -l)" >> "$REPRO_OUTPUTS"
          echo "checksum=42" >> "$REPRO_OUTPUTS"
        metrics:
          rate: {value: "${{ run.outputs.rate }}", unit: runs/s, better: higher}
          checksum: {value: "${{ run.outputs.checksum }}", better: equal}
        """

    @Test func anInjectedSlowdownIsCaughtAndTheHistoryShowsIt() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.recipe("timed", HistoryTests.timed)
        let delay = cli.root + "/delay"
        func run(_ seconds: String) throws {
            try seconds.write(toFile: delay, atomically: true, encoding: .utf8)
            let r = try cli.run(["run", "timed", "delay_file=\(delay)"])
            #expect(r.status == 0, "\(r.stderr)")
        }
        try run("0.1")
        try run("0.1")
        let steady = try cli.run(["regress", "--threshold", "30%"])
        #expect(steady.status == 0, "\(steady.stdout)\(steady.stderr)")
        #expect(steady.stdout.contains("no metric worse than 30% against last (2 compared"))
        try run("0.4")
        let slow = try cli.run(["regress", "--threshold", "30%"])
        #expect(slow.status == 1)
        #expect(
            slow.stdout.contains("1 metric worse than 30% against last (2 compared, 0 without a baseline):"),
            "\(slow.stdout)")
        #expect(slow.stdout.contains("timed  rate"))
        #expect(!slow.stdout.contains("checksum"))
        let best = try cli.run(["regress", "--baseline", "best", "--threshold", "30%"])
        #expect(best.status == 1)
        let history = try cli.run(["history", "timed", "--metric", "rate"])
        #expect(history.stdout.split(separator: "\n").count == 4, "\(history.stdout)")
        let compare = try cli.run(["compare", "last~1", "last"])
        #expect(compare.stdout.contains("worse"), "\(compare.stdout)")
        #expect(try cli.run(["regress", "--threshold", "lots"]).status == 2)
    }

    @Test func aDamagedHistoryIsNamedAndRebuiltFromTheManifests() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.recipe("timed", HistoryTests.timed)
        try "0.01".write(toFile: cli.root + "/delay", atomically: true, encoding: .utf8)
        for _ in 0..<2 { #expect(try cli.run(["run", "timed", "delay_file=\(cli.root)/delay"]).status == 0) }
        let db = cli.root + "/cache/history.sqlite"
        try Data(repeating: 0x42, count: 8192).write(to: URL(fileURLWithPath: db))
        let damaged = try cli.run(["history"])
        #expect(damaged.status == 2)
        #expect(damaged.stderr.contains("is damaged"), "\(damaged.stderr)")
        #expect(damaged.stderr.contains("repro history --rebuild"))
        // A run still succeeds; its metrics wait in its manifest.
        let r = try cli.run(["run", "timed", "delay_file=\(cli.root)/delay"])
        #expect(r.status == 0)
        #expect(r.stderr.contains("warning: the run's metrics were not added to the history"))
        let rebuilt = try cli.run(["history", "--rebuild"])
        #expect(rebuilt.status == 0)
        #expect(rebuilt.stdout.contains("history: 3 runs recorded again"), "\(rebuilt.stdout)")
        #expect(rebuilt.stdout.contains("the old database is at"))
        #expect(try cli.run(["history", "--metric", "rate"]).stdout.split(separator: "\n").count == 4)
    }

    @Test func aLockedHistoryIsAClearError() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.recipe("timed", HistoryTests.timed)
        try "0.01".write(toFile: cli.root + "/delay", atomically: true, encoding: .utf8)
        #expect(try cli.run(["run", "timed", "delay_file=\(cli.root)/delay"]).status == 0)
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        holder.arguments = [
            "python3", "-c",
            """
            import sqlite3, sys, time
            c = sqlite3.connect(sys.argv[1], isolation_level=None)
            c.execute("BEGIN EXCLUSIVE")
            print("locked", flush=True)
            time.sleep(12)
            """, cli.root + "/cache/history.sqlite",
        ]
        let out = Pipe()
        holder.standardOutput = out
        try holder.run()
        defer { holder.terminate() }
        _ = out.fileHandleForReading.availableData  // "locked"
        let r = try cli.run(["history"])
        #expect(r.status == 2)
        #expect(r.stderr.contains("is locked by another process"), "\(r.stderr)")
    }
}

extension HistoryTests {
    /// The report opened in headless Chromium (Debian's, installed by scripts/bootstrap --test): its DOM after
    /// rendering has the plots, and a screenshot is kept in .build/test-artifacts/report.png.
    @Test func theReportRendersInChromium() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.recipe("timed", HistoryTests.timed)
        let delay = cli.root + "/delay"
        for seconds in ["0.05", "0.05", "0.2"] {
            try seconds.write(toFile: delay, atomically: true, encoding: .utf8)
            #expect(try cli.run(["run", "timed", "delay_file=\(delay)"]).status == 0)
        }
        let r = try cli.run(["report", "--out", cli.root + "/report.html"])
        #expect(r.status == 0, "\(r.stderr)")
        let html = try String(contentsOfFile: cli.root + "/report.html", encoding: .utf8)
        #expect(!html.contains("<script"))
        #expect(
            !html.contains("http://")
                || !html.replacingOccurrences(of: "http://www.w3.org/2000/svg", with: "").contains("http://"))
        #expect(html.contains("class=\"regression\""))
        let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
            FileManager.default.isExecutableFile(atPath: $0)
        }
        let browser = try #require(
            chromium, "Chromium is not installed: scripts/bootstrap --test installs Debian's chromium")
        func chrome(_ args: [String]) throws -> String {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: browser)
            p.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--user-data-dir=\(cli.root)/chrome"] + args
            let out = Pipe()
            p.standardOutput = out
            p.standardError = FileHandle.nullDevice
            try p.run()
            let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            return text
        }
        let dom = try chrome(["--dump-dom", "file://\(cli.root)/report.html"])
        #expect(dom.contains("<svg"), "the rendered page has no SVG")
        #expect(dom.contains("<polyline"))
        #expect(dom.contains("timed: rate"))
        let artifacts = CLI.packageRoot + "/.build/test-artifacts"
        try FileManager.default.createDirectory(atPath: artifacts, withIntermediateDirectories: true)
        try? FileManager.default.removeItem(atPath: artifacts + "/report.png")
        _ = try chrome([
            "--window-size=1000,1200", "--screenshot=\(artifacts)/report.png", "file://\(cli.root)/report.html",
        ])
        let size = (try FileManager.default.attributesOfItem(atPath: artifacts + "/report.png")[.size] as? Int) ?? 0
        #expect(size > 10_000, "the screenshot is \(size) bytes")
    }
}
