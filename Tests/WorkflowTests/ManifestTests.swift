import Foundation
import Recipes
import Testing

@testable import Workflow

/// The typed manifest: made from a real run, written, read back field for field, and read by any Swift coder.
@Suite("manifest")
struct ManifestTests {
    static let recipes = [
        "leaf":
            "summary: l\ninputs:\n  i: {type: int}\nrun: echo\nmetrics:\n  i: {value: \"${{ inputs.i }}\", better: equal}\n",
        "top":
            "summary: t\nneeds:\n  l:\n    recipe: leaf\n    matrix: {i: [1, 2]}\n    with: {i: \"${{ matrix.i }}\"}\nrun: echo\n",
    ]

    func run(_ s: Sandbox) throws -> Manifest {
        let plan = try s.plan("top")
        let cache = s.cache
        try cache.prepare()
        let executor = Executor(
            plan: plan, cache: cache, runners: ["local": CountingRunner()], actions: ActionCatalog([]),
            options: RunOptions(), events: NullSink(), folder: try RunFolder.create(in: s.root + "/runs"),
            cancellation: Cancellation(), repro: ReproBuild(version: "9.9.9", commit: "abc", dirty: true))
        let status = executor.run()
        let context = Manifest.Context(
            runID: "r1", command: ["repro", "run", "top"],
            requests: [PlanRequest(selection: Selection(parsing: "top"), inputs: [:])], options: RunOptions(),
            repro: executor.repro, started: 1_000, finished: 1_001.5, cacheRoot: cache.root)
        return Manifest(plan: plan, results: executor.results, status: status, context: context)
    }

    @Test func aManifestReadsBackAsItWasWritten() throws {
        let s = try Sandbox(ManifestTests.recipes)
        defer { s.cleanUp() }
        let manifest = try run(s)
        #expect(manifest.status == .succeeded)
        #expect(manifest.nodes.count == 3)
        #expect(manifest.repro == ReproBuild(version: "9.9.9", commit: "abc", dirty: true))
        let leaf = try #require(manifest.node("leaf[i=1]"))
        #expect(leaf.metrics["i"] == .int(1))
        #expect(leaf.result?.metricSpecs["i"]?.better == .equal)
        #expect(manifest.node("top")?.needs["l"] == ["leaf[i=1]", "leaf[i=2]"])

        let path = s.root + "/manifest.json"
        try manifest.write(to: path)
        #expect(try Manifest.read(path) == manifest)
        // Any Swift coder sees the same fields.
        let viaFoundation = try JSONDecoder().decode(Manifest.self, from: JSONEncoder().encode(manifest))
        #expect(viaFoundation == manifest)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(text.contains("\"repro_commit\": \"abc\""))
        #expect(text.contains("\"repro_dirty\": true"))
    }

    @Test func aBrokenOrNewerManifestIsAnErrorThatSaysWhat() throws {
        let s = try Sandbox(ManifestTests.recipes)
        defer { s.cleanUp() }
        let good = try run(s).json.prettyJSON()
        func read(_ text: String) -> String {
            let path = s.root + "/m.json"
            try? text.write(toFile: path, atomically: true, encoding: .utf8)
            do {
                _ = try Manifest.read(path)
                return "read"
            } catch { return "\(error)".replacingOccurrences(of: path, with: "m.json") }
        }
        #expect(read(good) == "read")
        #expect(read("[1]").contains("not a repro manifest"))
        #expect(
            read(good.replacingOccurrences(of: "\"format\": 1", with: "\"format\": 7")).contains(
                "written by a newer repro"))
        #expect(
            read(good.replacingOccurrences(of: "\"status\": \"succeeded\"", with: "\"status\": \"fine\""))
                == "error: m.json: the manifest's 'status' is 'fine', not succeeded, failed or cancelled")
        #expect(
            read(good.replacingOccurrences(of: "\"better\": \"equal\"", with: "\"better\": \"up\""))
                .contains("metric 'i' has 'better: up', expected higher, lower or equal"))
    }

    /// The published result in the repository was written by an earlier repro: it still reads.
    @Test func thePublishedManifestReads() throws {
        var root = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { root.deleteLastPathComponent() }
        let manifest = try Manifest.read(root.path + "/published/mlperf-digits/manifest.json")
        #expect(!manifest.nodes.isEmpty)
        #expect(manifest.hasMetrics)
        #expect(!manifest.request.requests.isEmpty)
    }
}
