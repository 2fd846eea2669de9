import Foundation
import Recipes
import Testing
import Workflow

@testable import Runners

final class QuietSink: EventSink {
    func emit(_ event: RunEvent) {}
    func finish() {}
}

/// A kernel source edit, end to end: the real digits flow (fetch, extract, preprocess, model, train, loadgen) runs,
/// then runs again as a build from an edited `Sources/CKernels/direct_conv.c` would (the same table with that
/// file's digest changed; rebuilding repro inside a test would take minutes). Exactly the training and inference
/// nodes and what depends on them are built again; the data and the initial weights are reused.
@Suite("source change", .serialized)
struct SourceChangeTests {
    static let root = ImplementationSourcesTests.root

    static let recipe = """
        summary: short training and inference on the digits, and a step that reads their results
        needs:
          perf:
            recipe: loadgen-digits
            with: {scenario: SingleStream, min_duration_ms: 100, min_query_count: 20, power: none}
          accuracy: {recipe: loadgen-digits, with: {scenario: SingleStream, mode: accuracy, power: none}}
        run: echo "${{ needs.perf.outputs.result }} ${{ needs.accuracy.outputs.value }}"
        """

    func session(_ dir: String, sources: SourceTable) -> RunSession {
        var env = ProcessInfo.processInfo.environment
        env["REPRO_SHIPPED_RECIPES"] = "none"
        env["REPRO_STEP"] = SourceChangeTests.root + "/.build/debug/repro-step"
        let workspace = Workspace(
            recipes: [dir + "/recipes", SourceChangeTests.root + "/recipes"], cache: dir + "/cache",
            runs: dir + "/runs", environment: env)
        var options = RunOptions()
        options.reuseMeasured = true
        return RunSession(
            workspace: workspace, options: options, command: ["test"],
            actions: ActionCatalog(BuiltinActions.all, sources: sources))
    }

    func run(_ session: RunSession) throws -> [String: Executor.Status] {
        let requests = [
            PlanRequest(
                selection: Selection(parsing: "flow"),
                overrides: ["train-digits": ["max_epochs": ProvidedInput(value: 3)]])
        ]
        let plan = try session.plan(requests)
        let outcome = try session.execute(plan, requests: requests, events: QuietSink(), cancellation: Cancellation())
        #expect(outcome.summary.status == .succeeded, "\(outcome.results.compactMap(\.failure))")
        var out: [String: Executor.Status] = [:]
        for node in plan.nodes {
            out[node.recipe.name + (node.id.contains("accuracy") ? "/accuracy" : "")] =
                outcome.results[node.index].status
        }
        return out
    }

    @Test func aKernelEditRebuildsTheTrainingAndInferenceNodesAndNothingElse() throws {
        let dir = NSTemporaryDirectory() + "repro-source-change-" + UUID().uuidString.prefix(8)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/recipes", withIntermediateDirectories: true)
        try SourceChangeTests.recipe.write(toFile: dir + "/recipes/flow.yaml", atomically: true, encoding: .utf8)

        let first = try run(session(dir, sources: .build))
        #expect(Set(first.values) == [.built], "\(first)")
        let again = try run(session(dir, sources: .build))
        #expect(Set(again.values) == [.hit], "\(again)")

        let edited = SourceTable.build.replacing(
            "Sources/CKernels/direct_conv.c", digest: String(repeating: "e", count: 64))
        let after = try run(session(dir, sources: edited))
        let built = Set(after.filter { $0.value == .built }.keys)
        let reused = Set(after.filter { $0.value == .hit }.keys)
        #expect(built == ["train-digits", "loadgen-digits", "loadgen-digits/accuracy", "flow"], "\(after)")
        #expect(reused == ["digits-download", "digits-dataset", "digits-preprocess", "model-mlp"], "\(after)")

        // `repro why` says so in words.
        let history = try NodeHistory.find(
            "train-digits", runs: RunStore(directory: dir + "/runs"), cache: CacheStore(root: dir + "/cache"))
        #expect(history.appearances.count == 3)
        #expect(
            history.appearances[0].changes == ["the implementation of action 'train' changed (Sources/CKernels)"],
            "\(history.appearances[0].changes)")
        #expect(history.appearances[1].reason == "reused from the cache")
    }
}
