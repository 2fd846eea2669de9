import Foundation
import Testing

/// `make test` reproduces a short published result from a clean cache, so a change that alters a published result
/// (a seeded accuracy, LoadGen's validity, a file of the submission tree) cannot land unnoticed. Timed values are
/// judged against the published spread and printed, but not counted (`--exact-only`): a test machine shared with
/// other work times nothing reliably.
@Suite("published result", .serialized)
struct PublishedResultTests {
    static let folder = CLI.packageRoot + "/published/mlperf-digits-short"

    @Test func theShortPublishedResultReproducesFromACleanCache() throws {
        let cli = try CLI()
        defer { cli.cleanUp() }
        // The shipped recipes are searched (the digits' folder recipe brings its data file).
        let r = try cli.run(
            ["reproduce", PublishedResultTests.folder, "--exact-only"], env: ["REPRO_SHIPPED_RECIPES": "shipped"],
            timeout: 600)
        #expect(r.status == 0, "\(r.stdout)\n\(r.stderr.suffix(3000))")
        #expect(r.stdout.contains("reproduced: all "), "\(r.stdout)")
        // It compared what must not move: the seeded accuracy, LoadGen's validity and the tree's files.
        #expect(r.stdout.contains("train-digits") && r.stdout.contains("accuracy"), "\(r.stdout)")
        #expect(r.stdout.contains(" result ") && r.stdout.contains("VALID"), "\(r.stdout)")
        #expect(r.stdout.contains("tree: "), "\(r.stdout)")
        #expect(!r.stdout.contains("FAILED"), "\(r.stdout)")
    }
}
