import Foundation
import Testing

/// `repro reproduce`: a run's manifest run again and compared value by value.
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

    @Test func aRunReproducesAndAnEditedValueDoesNot() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.recipe("squares", ReproduceTests.recipe)
        let first = try cli.run(["run", "squares", "n=30"])
        #expect(first.status == 0)
        let path = try ReproduceTests.latestManifest(cli)
        let again = try cli.run(["reproduce", path])
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        #expect(again.stdout.contains("reproduced: all 2 values agree"), "\(again.stdout)")
        #expect(again.stdout.contains("checksum  9455       9455"), "\(again.stdout)")

        // Someone edits the published checksum: the table says which value and by how much.
        let text = try String(contentsOfFile: path, encoding: .utf8)
        try text.replacingOccurrences(of: "\"checksum\": 9455", with: "\"checksum\": 9456")
            .write(toFile: cli.root + "/edited.json", atomically: true, encoding: .utf8)
        let edited = try cli.run(["reproduce", cli.root + "/edited.json"])
        #expect(edited.status == 1)
        #expect(
            edited.stdout.contains("checksum  9456       9455        -0.0%       exact      FAILED"), "\(edited.stdout)"
        )
        #expect(edited.stdout.contains("NOT reproduced: 1 of 2 values differ"))

        // A manifest from a newer repro, and a missing one, are clear errors.
        try text.replacingOccurrences(of: "\"format\": 1", with: "\"format\": 99").write(
            toFile: cli.root + "/newer.json", atomically: true, encoding: .utf8)
        let newer = try cli.run(["reproduce", cli.root + "/newer.json"])
        #expect(newer.status == 2)
        #expect(newer.stderr.contains("written by a newer repro"), "\(newer.stderr)")
        let missing = try cli.run(["reproduce", cli.root + "/published/none"])
        #expect(missing.status == 2)
        #expect(missing.stderr.contains("does not exist"))
    }

    @Test func theRecipeTextOfTheManifestIsUsedWhenTheLocalOneChanged() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        try cli.recipe("squares", ReproduceTests.recipe)
        let first = try cli.run(["run", "squares"])
        #expect(first.status == 0)
        let manifest = try ReproduceTests.latestManifest(cli)
        // The local recipe now computes something else; the published text is what runs.
        try cli.recipe("squares", ReproduceTests.recipe.replacingOccurrences(of: "$1 * $1", with: "$1"))
        let again = try cli.run(["reproduce", manifest])
        #expect(again.status == 0, "\(again.stdout)\(again.stderr)")
        #expect(again.stderr.contains("squares: the local recipe differs from the published one"))
    }
}
