import Foundation
import Testing
import Workflow

/// `repro reproduce`: a run's manifest (or a published folder) run again and compared value by value.
@Suite("reproduce", .serialized)
struct ReproduceTests {
    static let recipe = """
        summary: a deterministic value and a measurement
        inputs:
          n: {type: int, default: 20}
        cache: measured
        run: |
          echo "checksum=$(seq 1 ${{ inputs.n }} | awk '{s += $1 * $1} END {print s}')" >> "$REPRO_OUTPUTS"
          echo "rate=1000" >> "$REPRO_OUTPUTS"
        metrics:
          checksum: {value: "${{ run.outputs.checksum }}", better: equal}
          rate: {value: "${{ run.outputs.rate }}", unit: runs/s, better: higher, tolerance: 10%}
        """

    static func latestManifest(_ cli: CLI) throws -> String {
        let runs = try FileManager.default.contentsOfDirectory(atPath: cli.root + "/runs").sorted()
        return cli.root + "/runs/\(try #require(runs.last))/manifest.json"
    }

    /// The manifest of a first run, and a function that writes an edited copy and reproduces it.
    func published(_ cli: CLI, _ args: [String] = ["run", "squares", "n=30"]) throws -> (
        text: String, reproduce: (String, [String]) throws -> CLI.Result
    ) {
        try cli.recipe("squares", ReproduceTests.recipe)
        let first = try cli.run(args)
        #expect(first.status == 0, "\(first.stderr)")
        let text = try String(contentsOfFile: try ReproduceTests.latestManifest(cli), encoding: .utf8)
        var count = 0
        return (
            text,
            { edited, flags in
                count += 1
                let path = cli.root + "/edited-\(count).json"
                try edited.write(toFile: path, atomically: true, encoding: .utf8)
                return try cli.run(["reproduce", path] + flags)
            }
        )
    }

    @Test func aRunReproducesAndAnEditedExactValueDoesNot() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let (text, reproduce) = try published(cli)
        let again = try reproduce(text, [])
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        #expect(again.stdout.contains("reproduced: all 2 values agree"), "\(again.stdout)")
        #expect(again.stdout.contains("squares  checksum  9455       9455                    exact"), "\(again.stdout)")
        #expect(again.stdout.contains("900–1100 (value ±10%)"), "\(again.stdout)")
        #expect(again.stdout.contains("recipes: 1 of 1 as published"))

        // Someone edits the published checksum: the table says which value, and that it had to be exact.
        let edited = try reproduce(text.replacingOccurrences(of: "\"checksum\": 9455", with: "\"checksum\": 9456"), [])
        #expect(edited.status == 1)
        #expect(edited.stdout.contains("squares  checksum  9456       9455        differs"), "\(edited.stdout)")
        #expect(edited.stdout.contains("exact                  FAILED"), "\(edited.stdout)")
        #expect(edited.stdout.contains("NOT reproduced: 1 of 3 checks differ"), "\(edited.stdout)")
    }

    /// Timed values are judged both ways: a reproduction much faster than published did not reproduce either.
    @Test func timedValuesAreJudgedTwoSidedWithinTheSpread() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let (text, reproduce) = try published(cli)
        let slower = try reproduce(text.replacingOccurrences(of: "\"rate\": 1000", with: "\"rate\": 2000"), [])
        #expect(slower.status == 1)
        #expect(slower.stdout.contains("-50.0%"), "\(slower.stdout)")
        #expect(slower.stdout.contains("FAILED: lower than published"), "\(slower.stdout)")
        let faster = try reproduce(text.replacingOccurrences(of: "\"rate\": 1000", with: "\"rate\": 500"), [])
        #expect(faster.status == 1)
        #expect(faster.stdout.contains("FAILED: higher than published: better, but not what was published"))
        let accepted = try reproduce(
            text.replacingOccurrences(of: "\"rate\": 1000", with: "\"rate\": 500"), ["--accept-better"])
        #expect(accepted.status == 0, "\(accepted.stdout)")
        #expect(accepted.stdout.contains("ok (higher than published: better, accepted)"))
        let widened = try reproduce(
            text.replacingOccurrences(of: "\"rate\": 1000", with: "\"rate\": 2000"), ["--tolerance", "60%"])
        #expect(widened.status == 0, "\(widened.stdout)")
        // On a noisy machine: timed values judged and printed, only exact values counted.
        let exactOnly = try reproduce(
            text.replacingOccurrences(of: "\"rate\": 1000", with: "\"rate\": 2000"), ["--exact-only"])
        #expect(exactOnly.status == 0, "\(exactOnly.stdout)")
        #expect(exactOnly.stdout.contains("not judged (--exact-only): lower than published"), "\(exactOnly.stdout)")
        let exactFails = try reproduce(
            text.replacingOccurrences(of: "\"checksum\": 9455", with: "\"checksum\": 9456"), ["--exact-only"])
        #expect(exactFails.status == 1)

        // A published spread (a step that ran several times) widens what is allowed: 1,050..1,500 ±10%.
        let spread = """
            "outputs_sha256": "SPREAD",
            "spread": {"rate": {"max": 1500, "median": 1200, "min": 1050, "n": 3, "values": [1500, 1050, 1200]}},
            """
        let withSpread = text.replacingOccurrences(of: "\"rate\": 1000", with: "\"rate\": 1200")
            .replacingOccurrences(
                of: "\"outputs_sha256\":",
                with: spread.replacingOccurrences(of: "\"outputs_sha256\": \"SPREAD\",", with: "")
                    + "\"outputs_sha256\":")
        let within = try reproduce(withSpread, [])
        #expect(within.status == 0, "\(within.stdout)")
        #expect(within.stdout.contains("1200 [1050–1500, n=3]"), "\(within.stdout)")
        #expect(within.stdout.contains("945–1650 (spread ±10%)"), "\(within.stdout)")
    }

    @Test func badInputIsAClearLineNeverACrash() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let (text, reproduce) = try published(cli)
        let newer = try reproduce(text.replacingOccurrences(of: "\"format\": 1", with: "\"format\": 99"), [])
        #expect(newer.status == 2)
        #expect(newer.stdout.contains("cannot reproduce"), "\(newer.stdout)")
        #expect(newer.stdout.contains("written by a newer repro"), "\(newer.stdout)")
        let missing = try cli.run(["reproduce", cli.root + "/published/none"])
        #expect(missing.status == 2)
        #expect(missing.stdout.contains("does not exist"))
        let broken = try reproduce("{\"format\": 1", [])
        #expect(broken.status == 2)
        #expect(broken.stdout.contains("invalid JSON"), "\(broken.stdout)")
        let tolerance = try cli.run(["reproduce", try ReproduceTests.latestManifest(cli), "--tolerance=-5%"])
        #expect(tolerance.status == 2)
        #expect(tolerance.stderr.contains("--tolerance expects a share that is not negative"), "\(tolerance.stderr)")

        // A recipe text edited after publishing no longer has its recorded digest.
        let editedRecipe = try reproduce(
            text.replacingOccurrences(of: "a deterministic value", with: "a changed value"), [])
        #expect(editedRecipe.status == 1)
        #expect(editedRecipe.stdout.contains("it was edited after publishing"), "\(editedRecipe.stdout)")
        // A manifest without the recipe: the local one runs, and that is said.
        let manifest = try JSONSerialization.jsonObject(with: Data(text.utf8)) as! [String: Any]
        var noRecipes = manifest
        noRecipes["recipes"] = [String: Any]()
        let stripped = String(decoding: try JSONSerialization.data(withJSONObject: noRecipes), as: UTF8.self)
        let local = try reproduce(stripped, [])
        #expect(local.status == 1)
        #expect(local.stdout.contains("not in the published manifest: the local recipe ran"), "\(local.stdout)")
    }

    @Test func theRecipeTextOfTheManifestIsUsedWhenTheLocalOneChanged() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let (text, reproduce) = try published(cli, ["run", "squares"])
        // The local recipe now computes something else; the published text is what runs.
        try cli.recipe("squares", ReproduceTests.recipe.replacingOccurrences(of: "$1 * $1", with: "$1"))
        let again = try reproduce(text, [])
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        #expect(again.stdout.contains("differs here: the published text was used"), "\(again.stdout)")
    }

    /// A folder recipe's other files are compared by their digest; when only its text differs here, the published
    /// text runs with the local files.
    @Test func aFolderRecipesFilesAreComparedAndKeptWithThePublishedText() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let recipe = """
            summary: reads a file beside it
            cache: measured
            run: echo "lines=$(wc -l < ${{ recipe.dir }}/data.txt)" >> "$REPRO_OUTPUTS"
            metrics:
              lines: {value: "${{ run.outputs.lines }}", better: equal}
            """
        try cli.recipe("recipes/bundle/recipe.yaml", recipe)
        try "a\nb\n".write(toFile: cli.root + "/recipes/bundle/data.txt", atomically: true, encoding: .utf8)
        #expect(try cli.run(["run", "bundle"]).status == 0)
        let manifest = try ReproduceTests.latestManifest(cli)
        let same = try cli.run(["reproduce", manifest])
        #expect(same.status == 0, "\(same.stdout)")
        // The text changes here (a comment), the files do not: the published text runs beside the local files.
        try ReproduceTests.expectPublishedTextUsed(cli, manifest, file: "recipes/bundle/recipe.yaml", text: recipe)
        // A file beside the recipe changed: said, and the values tell whether it mattered.
        try "a\nb\nc\n".write(toFile: cli.root + "/recipes/bundle/data.txt", atomically: true, encoding: .utf8)
        try ReproduceTests.expectChangedAssets(cli, manifest, row: "bundle  lines   2          3")
    }

    /// With the recipe's text edited here (a comment), a reproduction runs the published text, with its assets.
    static func expectPublishedTextUsed(_ cli: CLI, _ manifest: String, file: String, text: String) throws {
        try cli.recipe(file, text + "\n# edited here\n")
        let reproduced = try cli.run(["reproduce", manifest])
        #expect(reproduced.status == 0, "\(reproduced.stdout)\(reproduced.stderr)")
        #expect(reproduced.stdout.contains("differs here: the published text was used"), "\(reproduced.stdout)")
    }

    /// A reproduction after an asset changed fails, says so, and shows the value `row` that moved.
    static func expectChangedAssets(_ cli: CLI, _ manifest: String, row: String) throws {
        let files = try cli.run(["reproduce", manifest])
        #expect(files.status == 1)
        #expect(
            files.stdout.contains("FAILED: the files beside the recipe differ from the published ones"),
            "\(files.stdout)")
        #expect(files.stdout.contains(row), "\(files.stdout)")
    }

    /// A one-file recipe's `assets:` (here one beside it and one in a folder its group shares) are kept with the
    /// published text like a folder recipe's files, and a changed one is said.
    @Test func aOneFileRecipesAssetsAreComparedAndKeptWithThePublishedText() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let recipe = """
            summary: reads files beside it
            assets: [data.txt, ../shared]
            cache: measured
            run: echo "lines=$(cat ${{ recipe.dir }}/data.txt ${{ recipe.dir }}/../shared/more.txt | wc -l)" >> "$REPRO_OUTPUTS"
            metrics:
              lines: {value: "${{ run.outputs.lines }}", better: equal}
            """
        try cli.recipe("recipes/group/counted.yaml", recipe)
        try FileManager.default.createDirectory(atPath: cli.root + "/recipes/shared", withIntermediateDirectories: true)
        try "a\nb\n".write(toFile: cli.root + "/recipes/group/data.txt", atomically: true, encoding: .utf8)
        try "c\n".write(toFile: cli.root + "/recipes/shared/more.txt", atomically: true, encoding: .utf8)
        let first = try cli.run(["run", "counted"])
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        let manifest = try ReproduceTests.latestManifest(cli)
        #expect(try cli.run(["reproduce", manifest]).status == 0)
        try ReproduceTests.expectPublishedTextUsed(cli, manifest, file: "recipes/group/counted.yaml", text: recipe)
        try "c\nd\n".write(toFile: cli.root + "/recipes/shared/more.txt", atomically: true, encoding: .utf8)
        try ReproduceTests.expectChangedAssets(cli, manifest, row: "counted  lines   3          4")
    }

    /// A negative tolerance in a recipe is an error at its place.
    @Test func aNegativeToleranceIsALocatedError() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.recipe(
            "neg", "summary: n\nrun: echo\nmetrics:\n  t: {value: 1, better: lower, tolerance: -5%}\n")
        let r = try cli.run(["run", "neg"])
        #expect(r.status == 2)
        #expect(
            r.stderr.contains("neg.yaml:4:43: error: 'tolerance' of metric 't': must not be negative, found -5%"),
            "\(r.stderr)")
    }

    /// The machine comparison lists every key that differs or exists on one side only.
    @Test func everyMachineDifferenceIsListed() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        let (text, reproduce) = try published(cli)
        let other = text.replacingOccurrences(of: "\"cpu\": \"", with: "\"gpu\": \"none\", \"cpu\": \"Other CPU, was ")
            .replacingOccurrences(of: "\"repro_commit\": \"", with: "\"repro_commit\": \"0000")
        let run = try reproduce(other, [])
        #expect(run.status == 0, "\(run.stdout)")
        #expect(run.stdout.contains("machine and build differences:"), "\(run.stdout)")
        #expect(run.stdout.contains("  cpu Other CPU, was "), "\(run.stdout)")
        #expect(run.stdout.contains("  gpu none → (absent)"), "\(run.stdout)")
        #expect(run.stdout.contains("  repro commit 0000"), "\(run.stdout)")
    }

    /// A published folder with the tarball's digest and the tree's files: exact files must match, timed logs may
    /// not, a file on one side only did not reproduce.
    @Test func aPublishedTreeIsComparedFileByFile() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.recipe(
            "pack",
            """
            summary: a tree with a fixed file, a timed log and a machine description, and a digest of the first
            cache: measured
            run: |
              out="${{ node.out }}/tree"
              mkdir -p "$out/systems" "$out/results/performance/run_1"
              echo fixed > "$out/results/accuracy.txt"
              date +%s%N > "$out/results/performance/run_1/mlperf_log_summary.txt"
              echo "{\\"cpu\\": \\"$(date +%N)\\"}" > "$out/systems/sys.json"
              echo "tree=$out" >> "$REPRO_OUTPUTS"
              echo "tarball=$out/results/accuracy.txt" >> "$REPRO_OUTPUTS"
              echo "sha256=$(date +%s%N | sha256sum | cut -c1-64)" >> "$REPRO_OUTPUTS"
            outputs:
              tree: ${{ run.outputs.tree }}
              tarball: ${{ run.outputs.tarball }}
              sha256: ${{ run.outputs.sha256 }}
            metrics:
              files: {value: 3, better: equal}
            """)
        let first = try cli.run(["run", "pack"])
        #expect(first.status == 0, "\(first.stderr)")
        let folder = cli.root + "/published/pack"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(
            atPath: try ReproduceTests.latestManifest(cli), toPath: folder + "/manifest.json")
        let manifest = try JSONSerialization.jsonObject(with: Data(try cli.read("published/pack/manifest.json").utf8))
        let node = ((manifest as! [String: Any])["nodes"] as! [[String: Any]])[0]
        let entry = node["entry"] as! String
        let tree = cli.root + "/cache/entries/\(entry)/out/tree"
        var lines: [String] = []
        for path in ["results/accuracy.txt", "results/performance/run_1/mlperf_log_summary.txt", "systems/sys.json"] {
            lines.append(try Digests.file(tree + "/" + path).sha256 + "  ./" + path)
        }
        try (lines.joined(separator: "\n") + "\n").write(
            toFile: folder + "/tree.sha256", atomically: true, encoding: .utf8)
        try "\((node["outputs"] as! [String: Any])["sha256"] as! String)  submission.tar.gz\n".write(
            toFile: folder + "/submission.tar.gz.sha256", atomically: true, encoding: .utf8)

        let again = try cli.run(["reproduce", folder])
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        #expect(again.stdout.contains("tarball sha256: "), "\(again.stdout)")
        #expect(again.stdout.contains("the tree holds timed logs; its files are below"), "\(again.stdout)")
        #expect(
            again.stdout.contains(
                "tree: 1 of 3 files the same, 1 timed logs differ (as on every run), 1 describing the machine differ"),
            "\(again.stdout)")

        // An exact file that differs, and one the published tree did not have.
        try
            (lines[1...].joined(separator: "\n") + "\n" + String(repeating: "0", count: 64)
            + "  ./results/accuracy.txt\n")
            .write(toFile: folder + "/tree.sha256", atomically: true, encoding: .utf8)
        let differs = try cli.run(["reproduce", folder])
        #expect(differs.status == 1)
        #expect(differs.stdout.contains("results/accuracy.txt: 000000000000 → "), "\(differs.stdout)")
        #expect(differs.stdout.contains("FAILED: holds no timing, so it must be the same"), "\(differs.stdout)")
        try (lines[1...].joined(separator: "\n") + "\n").write(
            toFile: folder + "/tree.sha256", atomically: true, encoding: .utf8)
        let extra = try cli.run(["reproduce", folder])
        #expect(extra.status == 1)
        #expect(extra.stdout.contains("results/accuracy.txt: absent → "), "\(extra.stdout)")
        #expect(extra.stdout.contains("FAILED: not in the published tree"), "\(extra.stdout)")
    }
}
