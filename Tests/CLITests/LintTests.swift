import Foundation
import Testing

/// Finding recipes, and finding what is wrong with them before anything runs: `repro lint`, other YAML beside
/// recipes, folders that do not exist, outputs read but never returned.
@Suite("lint and discovery", .serialized)
struct LintTests {
    static let broken: [(String, String)] = [
        (
            "typos",
            """
            summary: three typos
            tag: [demo]
            inputs:
              n: {type: itn, default: 3}
            run: echo ${{ inputs.m }}
            """
        ),
        (
            "bad-need",
            """
            summary: a need that names nothing
            needs:
              data: {recipe: numbrs, with: {count: 3}}
              other: {recipe: numbers, variations: [huge], with: {cuont: 3}}
            run: cat ${{ needs.data.outputs.file }}
            """
        ),
        (
            "bad-output",
            """
            summary: outputs that the step never returns
            run:
              action: write-file
              with: {path: a.txt, text: hi, mdoe: "644"}
            outputs:
              weights: ${{ run.outputs.pth }}
            metrics:
              size: ${{ outputs.size }}
            """
        ),
        ("numbers", "summary: numbers\ninputs:\n  count: {type: int, default: 5}\nrun: seq ${{ inputs.count }}\n"),
    ]

    @Test func lintReportsEveryProblemOfEveryRecipeAtOnce() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        for (name, text) in LintTests.broken { try cli.recipe(name, text) }
        let r = try cli.run(["lint", "recipes"])
        #expect(r.status == 2)
        let expected = """
            recipes/bad-need.yaml:3:3: error: no recipe named 'numbrs'; did you mean 'numbers'?
            recipes/bad-need.yaml:4:3: error: recipe 'numbers' has no variation 'huge' (it has none)
            recipes/bad-need.yaml:4:62: error: recipe 'numbers' has no input 'cuont'; did you mean 'count'? (inputs: count)
            recipes/bad-output.yaml:4:39: error: action 'write-file' has no parameter 'mdoe'; did you mean 'mode'? \
            (parameters: path, text, mode)
            recipes/bad-output.yaml:6:12: error: expression names nothing: 'run.outputs.pth'; did you mean \
            'run.outputs.path'? (known here: run.outputs.path)
            recipes/bad-output.yaml:8:9: error: expression names nothing: 'outputs.size'; did you mean 'outputs.dir'? \
            (known here: outputs.weights, outputs.dir)
            recipes/typos.yaml:2:1: error: unknown field 'tag' in recipe; did you mean 'tags'? (known fields: name, \
            summary, doc, tags, inputs, variations, needs, run, container, outputs, metrics, env, cache, if, resources, \
            timeout, retries, repeat, runner, assets)
            recipes/typos.yaml:4:13: error: 'type' of input 'n': expected one of string, int, float, bool, path, \
            choice, list, found 'itn'; did you mean 'int'?
            recipes/typos.yaml:5:6: error: expression names nothing: 'inputs.m'; did you mean 'inputs.n'? (known \
            here: inputs.n)

            """
        #expect(r.stdout == expected, "\(r.stdout)")
        #expect(r.stderr == "lint: 4 recipes, 9 problems in 3 of them\n", "\(r.stderr)")
        // A clean file lints clean.
        let clean = try cli.run(["lint", "recipes/numbers.yaml"])
        #expect(clean.status == 0 && clean.stderr == "lint: 1 recipe, no problems\n", "\(clean.stderr)")
    }

    @Test func anOutputThatTheActionNeverReturnsFailsAtPlanTimeBeforeAnythingRuns() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.recipe(
            "slow",
            "summary: s\nrun: sleep 30; echo done\n")
        try cli.recipe(
            "after",
            """
            summary: a write-file step read wrongly, after a slow one
            needs:
              slow: {recipe: slow}
            run:
              action: write-file
              with: {path: a.txt, text: "${{ needs.slow.outputs.dir }}"}
            outputs:
              weights: ${{ run.outputs.pth }}
            """)
        let started = Date()
        let r = try cli.run(["run", "after"])
        #expect(r.status == 2)
        #expect(
            r.stderr
                == "recipes/after.yaml:8:12: error: expression names nothing: 'run.outputs.pth'; did you mean "
                + "'run.outputs.path'? (known here: run.outputs.path)\n")
        #expect(Date().timeIntervalSince(started) < 10)
        #expect(cli.entries().isEmpty)
    }

    @Test func otherYAMLIsSkippedWithANoteAndABrokenRecipeBreaksOnlySelectionsThatCouldMatchIt() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.recipe(
            "numbers", LintTests.broken[3].1.replacingOccurrences(of: "summary:", with: "tags: [data]\nsummary:"))
        try cli.recipe("training-config", "learning_rate: 0.1\nbatch: 32\n")
        try cli.recipe("model", "summary: a model\ntags: [net, mlp]\nrun: {action: write-file, with: {pat: x}}\n")
        try cli.recipe("mangled", "summary: x\ntags: [net]\ninputs: {a: 1\n")
        let list = try cli.run(["list"])
        #expect(list.status == 0)
        #expect(list.stdout.contains("numbers  data     numbers"), "\(list.stdout)")
        #expect(list.stdout.contains("mangled  net      (broken: see the errors below)"))
        #expect(
            list.stderr.contains(
                "note: recipes/training-config.yaml skipped: not a recipe: it has no top-level 'summary:'"))
        #expect(list.stderr.contains("recipes/mangled.yaml:4:1: error: malformed YAML"))
        // A selection that no broken recipe could match works; one that could stops with the reason.
        #expect(try cli.run(["run", "data"]).status == 0)
        let mlp = try cli.run(["plan", "net,mlp"])
        #expect(mlp.stderr.contains("recipes/model.yaml:3:39: error: action 'write-file' has no parameter 'pat'"))
        let net = try cli.run(["plan", "net"])
        #expect(net.status == 2)
        #expect(net.stderr.hasPrefix("recipes/mangled.yaml:4:1: error: malformed YAML"), "\(net.stderr)")
        let named = try cli.run(["plan", "training-config"])
        #expect(named.status == 2)
        #expect(
            named.stderr
                == "recipes/training-config.yaml: error: not a recipe: it has no top-level 'summary:' (every recipe "
                + "has a one-line 'summary:'; see docs/recipes.md)\n")
    }

    @Test func aRecipeFolderThatDoesNotExistIsAnError() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let r = try cli.run(["list", "--recipes", "/nonexistent/recipes"])
        #expect(r.status == 2)
        #expect(r.stderr == "error: the recipe folder '/nonexistent/recipes' (given with --recipes) does not exist\n")
        let env = try cli.run(["list"], env: ["REPRO_RECIPES": cli.root + "/missing"])
        #expect(env.status == 2)
        #expect(env.stderr.contains("(given with REPRO_RECIPES) does not exist"))
    }
}
