import Recipes
import Testing
import Workflow

@testable import Runners

/// Which nodes the Slurm runner lets share an array job: those it would submit with the same options.
@Suite struct SlurmArrayTests {
    func node(_ id: String, recipe: String = "train", _ change: (inout Resources) -> Void = { _ in }) -> BatchNode {
        var r = Resources()
        r.cpus = 2
        change(&r)
        return BatchNode(id: id, identity: id, recipe: recipe, resources: r, timeout: 600)
    }

    @Test func nodesWithTheSameOptionsShareAnArray() {
        let slurm = SlurmScheduler(reproPath: "/usr/bin/repro", environment: [:])
        #expect(slurm.arrayKey(for: node("a")) == slurm.arrayKey(for: node("b")))
        #expect(slurm.options(for: node("a")) == ["--cpus-per-task=2", "--time=11"])
    }

    @Test func anyOptionThatDiffersKeepsThemApart() {
        let slurm = SlurmScheduler(reproPath: "/usr/bin/repro", environment: [:])
        let base = slurm.arrayKey(for: node("a"))
        let changes: [(inout Resources) -> Void] = [
            { $0.cpus = 4 }, { $0.memory = "4G" }, { $0.time = "10:00" }, { $0.partition = "gpu" },
            { $0.gres = "gpu:1" }, { $0.account = "ml" }, { $0.slurmOptions = ["--qos=low"] },
        ]
        for change in changes { #expect(slurm.arrayKey(for: node("b", change)) != base) }
        #expect(slurm.arrayKey(for: node("b", recipe: "other")) != base)
    }
}
