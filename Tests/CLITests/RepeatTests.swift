import Foundation
import Testing

/// `repeat:` and `--repeat N`: a measured step runs N times and its entry keeps the median, min, max and N.
@Suite("repeat", .serialized)
struct RepeatTests {
    /// Each run reads the next value from a list the test wrote (3, 1, 2, 5, ...), so the spread is known.
    static func recipe(counter: String, repeatLine: String = "repeat: 3") -> String {
        """
        summary: a measurement that gives the next value of a list each time it runs
        cache: measured
        \(repeatLine)
        run: |
          n=$(cat \(counter)/n 2>/dev/null || echo 0); n=$((n + 1)); echo $n > \(counter)/n
          echo "rate=$(sed -n "${n}p" \(counter)/values)" >> "$REPRO_OUTPUTS"
          echo "label=fixed" >> "$REPRO_OUTPUTS"
        metrics:
          rate: {value: "${{ run.outputs.rate }}", better: higher, tolerance: 10%}
          label: {value: "${{ run.outputs.label }}"}
        """
    }

    func setUp(_ cli: CLI, repeatLine: String = "repeat: 3") throws -> String {
        let counter = cli.root + "/counter"
        try FileManager.default.createDirectory(atPath: counter, withIntermediateDirectories: true)
        try "3\n1\n2\n5\n8\n4\n".write(toFile: counter + "/values", atomically: true, encoding: .utf8)
        try cli.recipe("bench", RepeatTests.recipe(counter: counter, repeatLine: repeatLine))
        return counter
    }

    func node(_ cli: CLI) throws -> [String: Any] {
        let nodes = try cli.lastManifest()["nodes"] as! [[String: Any]]
        return try #require(nodes.first { $0["id"] as? String == "bench" })
    }

    @Test func aRecipesRepeatKeepsTheMedianAndTheSpread() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let counter = try setUp(cli)
        let run = try cli.run(["run", "bench"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(try String(contentsOfFile: counter + "/n", encoding: .utf8) == "3\n")
        let n = try node(cli)
        let metrics = n["metrics"] as! [String: Any]
        #expect(metrics["rate"] as? Double == 2)
        #expect(metrics["label"] as? String == "fixed")
        let spread = (n["spread"] as! [String: Any])["rate"] as! [String: Any]
        #expect(spread["median"] as? Double == 2)
        #expect(spread["min"] as? Double == 1)
        #expect(spread["max"] as? Double == 3)
        #expect(spread["n"] as? Int == 3)
        #expect(spread["values"] as? [Double] == [3, 1, 2])
        // The entry holds it too, and the log says which repetition wrote what.
        let entry = try #require(n["entry"] as? String)
        #expect(try cli.read("cache/entries/\(entry)/meta.json").contains("\"median\": 2"))
        #expect(try cli.read("cache/entries/\(entry)/log/bench.stderr").contains("repetition 3 of 3"))
    }

    @Test func theFlagOverridesTheRecipeAndOnlyMeasuredStepsRepeat() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let counter = try setUp(cli)
        try cli.recipe("plain", "summary: reused\nrun: echo plain\n")
        let run = try cli.run(["run", "bench", "--repeat", "4"])
        #expect(run.status == 0, "\(run.stderr)")
        let spread = (try node(cli)["spread"] as! [String: Any])["rate"] as! [String: Any]
        #expect(spread["values"] as? [Double] == [3, 1, 2, 5])
        #expect(spread["median"] as? Double == 2.5)
        let plain = try cli.run(["run", "plain", "--repeat", "4"])
        #expect(plain.status == 0)
        #expect((try cli.lastManifest()["nodes"] as! [[String: Any]])[0]["spread"] == nil)
        _ = counter
    }

    @Test func zeroOrNegativeRepeatIsALocatedError() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        _ = try setUp(cli, repeatLine: "repeat: 0")
        let recipe = try cli.run(["run", "bench"])
        #expect(recipe.status == 2)
        #expect(
            recipe.stderr.contains("bench.yaml:3:9: error: 'repeat': must be at least 1, found 0"), "\(recipe.stderr)")
        let flag = try cli.run(["run", "bench", "--repeat", "0"])
        #expect(flag.status == 2)
        #expect(flag.stderr.contains("--repeat must be 1 or more, found 0"), "\(flag.stderr)")
        let negative = try cli.run(["run", "bench", "--repeat=-2"])
        #expect(negative.status == 2)
        #expect(negative.stderr.contains("--repeat must be 1 or more, found -2"), "\(negative.stderr)")
    }
}
