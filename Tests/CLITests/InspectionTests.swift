import Foundation
import Testing

/// Looking at what ran and what the cache holds: `show RUN [NODE]`, `cache ls | show | gc`, `info`.
@Suite("inspection", .serialized)
struct InspectionTests {
    func makeCLI() throws -> CLI {
        let cli = try CLI()
        for (name, text) in RunTests.pipeline { try cli.recipe(name, text) }
        try cli.recipe(
            "sized",
            """
            summary: variations and a list input
            inputs:
              count: {type: int, default: 3}
              seeds: {type: list, items: int, default: [1, 2, 3]}
            variations:
              small: {group: size, default: true, inputs: {count: 10}}
              large: {group: size, inputs: {count: 1000}, env: {MODE: big}, resources: {cpus: 2}}
            run: echo "n=${{ inputs.count }}" >> "$REPRO_OUTPUTS"
            """)
        return cli
    }

    @Test func showPrintsTheOutputsOfARunAndOneNode() throws {
        let cli = try makeCLI()
        defer { cli.cleanUp() }
        #expect(try cli.run(["run", "total"]).status == 0)
        let run = try cli.run(["show"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("\ntotal:\n  total = 210\n"), "\(run.stdout)")
        #expect(run.stdout.contains("  built   "))
        #expect(try cli.run(["run", "total"]).stdout == "total:\n  total = 210\n")
        #expect(try cli.run(["show", "last"]).stdout.contains("  cached  "))
        let node = try cli.run(["show", "last~1", "shard[index=1]"])
        #expect(node.status == 0, "\(node.stderr)")
        #expect(node.stdout.hasPrefix("node     shard[index=1] (recipe shard, reuse)\nstatus   built in "))
        #expect(node.stdout.contains("inputs\n  index = 1\n  shards = 3\n"))
        #expect(node.stdout.contains("outputs\n  dir = \(cli.root)/cache/entries/"))
        #expect(node.stdout.contains("  sum = 70\n"), "\(node.stdout)")
        let many = try cli.run(["show", "last", "shard"])
        #expect(many.status == 2)
        #expect(
            many.stderr
                == "error: recipe 'shard' has 3 nodes in this run; name one: shard[index=0], shard[index=1], "
                + "shard[index=2]\n")
        let json = try cli.run(["show", "last", "total", "--json"])
        let parsed = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        #expect(parsed["id"] as? String == "total")
    }

    @Test func cacheListsVariationsAndInputsAndGcSaysWhatItWouldRemove() throws {
        let cli = try makeCLI()
        defer { cli.cleanUp() }
        #expect(try cli.run(["run", "sized,_large", "count=7"]).status == 0)
        let ls = try cli.run(["cache", "ls"])
        #expect(ls.stdout.contains("_large count=7 seeds=[1,2,3]"), "\(ls.stdout)")
        let show = try cli.run(["cache", "show", "sized"])
        #expect(show.status == 0 && show.stdout.contains("node     sized (recipe sized, reuse)"), "\(show.stderr)")
        let dry = try cli.run(["cache", "gc", "--older-than", "0", "--dry-run"])
        #expect(dry.stdout.hasPrefix("would remove entry "), "\(dry.stdout)")
        #expect(dry.stdout.contains(" (sized): not used for 0 days"))
        #expect(dry.stdout.contains("would remove 1 entries, 0 abandoned builds, 0 lock files; would free "))
        #expect(cli.entries().count == 1)
        let gc = try cli.run(["cache", "gc", "--older-than", "0"])
        #expect(gc.stdout.hasPrefix("removed entry "))
        #expect(cli.entries().isEmpty)
    }

    @Test func infoShowsListDefaultsAndWhatEachVariationSets() throws {
        let cli = try makeCLI()
        defer { cli.cleanUp() }
        let r = try cli.run(["info", "sized"])
        #expect(r.stdout.contains("  seeds  list of int  default [1, 2, 3]"), "\(r.stdout)")
        #expect(r.stdout.contains("  _small  group size (default)  count=10"))
        #expect(r.stdout.contains("  _large  group size            count=1000, env MODE=big, cpus 2"))
        let json = try cli.run(["info", "sized", "--json"])
        let info = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as! [String: Any]
        let inputs = info["inputs"] as! [[String: Any]]
        #expect(inputs.first { $0["name"] as? String == "seeds" }?["default"] as? String == "[1, 2, 3]")
        let variations = info["variations"] as! [[String: Any]]
        #expect(
            variations.first { $0["name"] as? String == "large" }?["sets"] as? [String] == [
                "count=1000", "env MODE=big", "cpus 2",
            ])
    }
}
