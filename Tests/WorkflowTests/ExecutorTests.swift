import Foundation
import Recipes
import Synchronization
import Testing

@testable import Workflow

/// A runner that records how many steps run at once; it writes one file so entries have content.
final class CountingRunner: StepRunner {
    let name = "local"
    let state = Mutex<(running: Int, peak: Int, exclusiveOverlap: Bool, order: [String])>((0, 0, false, []))

    func run(_ step: StepInvocation) -> StepOutcome {
        state.withLock {
            $0.running += 1
            $0.peak = max($0.peak, $0.running)
            $0.order.append(step.nodeID)
            if step.resources.exclusive && $0.running > 1 { $0.exclusiveOverlap = true }
        }
        usleep(30_000)
        state.withLock {
            if $0.running > 1 && step.resources.exclusive { $0.exclusiveOverlap = true }
            $0.running -= 1
        }
        FileManager.default.createFile(atPath: step.staging.outDir + "/x", contents: Data(step.nodeID.utf8))
        return .succeeded(outputs: ["id": .string(step.nodeID)], execution: [:])
    }
}

final class NullSink: EventSink {
    func emit(_ event: RunEvent) {}
    func finish() {}
}

@Suite("executor")
struct ExecutorTests {
    func execute(_ s: Sandbox, _ selection: String, cpus: Int, runner: CountingRunner) throws -> (
        Executor, RunSummary.Status
    ) {
        let plan = try s.plan(selection)
        let cache = s.cache
        try cache.prepare()
        var options = RunOptions()
        options.cpus = cpus
        let executor = Executor(
            plan: plan, cache: cache, runners: ["local": runner], actions: ActionCatalog([]),
            options: options, events: NullSink(), folder: try RunFolder.create(in: s.root + "/runs"),
            cancellation: Cancellation(), repro: ReproBuild(version: "test"))
        return (executor, executor.run())
    }

    static let recipes = [
        "leaf": "summary: l\ninputs:\n  i: {type: int}\nrun: echo\n",
        "wide":
            "summary: w\nneeds:\n  l:\n    recipe: leaf\n    matrix: {i: \"${{ range(8) }}\"}\n    with: {i: \"${{ matrix.i }}\"}\nrun: echo\n",
        "timed": "summary: t\ninputs:\n  i: {type: int}\nresources: {exclusive: true}\nrun: echo\n",
        "mixed":
            "summary: m\nneeds:\n  l:\n    recipe: leaf\n    matrix: {i: \"${{ range(6) }}\"}\n    with: {i: \"${{ matrix.i }}\"}\n  t:\n    recipe: timed\n    matrix: {i: [1, 2]}\n    with: {i: \"${{ matrix.i }}\"}\nrun: echo\n",
    ]

    @Test func readyStepsRunInParallelUpToTheCPUBudget() throws {
        let s = try Sandbox(ExecutorTests.recipes)
        defer { s.cleanUp() }
        let runner = CountingRunner()
        let (executor, status) = try execute(s, "wide", cpus: 3, runner: runner)
        #expect(status == .succeeded)
        #expect(runner.state.withLock { $0.peak } == 3)
        #expect(executor.results.allSatisfy { $0.status == .built })
        // The second time everything is a hit and nothing runs.
        let again = CountingRunner()
        let (second, _) = try execute(s, "wide", cpus: 3, runner: again)
        #expect(again.state.withLock { $0.order.isEmpty })
        #expect(second.results.allSatisfy { $0.status == .hit })
    }

    @Test func exclusiveStepsRunAlone() throws {
        let s = try Sandbox(ExecutorTests.recipes)
        defer { s.cleanUp() }
        let runner = CountingRunner()
        let (_, status) = try execute(s, "mixed", cpus: 4, runner: runner)
        #expect(status == .succeeded)
        #expect(!runner.state.withLock { $0.exclusiveOverlap })
        #expect(runner.state.withLock { $0.peak } >= 2)
    }
}
