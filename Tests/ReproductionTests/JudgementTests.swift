import Recipes
import Testing
import Workflow

@testable import Reproduction

/// The rules of a verdict, one value at a time.
@Suite("judgement")
struct JudgementTests {
    let timed = Manifest.MetricRecord(better: .higher, tolerance: 0.1, unit: nil)
    let latency = Manifest.MetricRecord(better: .lower, tolerance: 0.2, unit: "ms")
    let exact = Manifest.MetricRecord(better: .equal, tolerance: 0, unit: nil)

    func judge(
        _ p: Value, _ r: Value?, _ spec: Manifest.MetricRecord, spread: [Double]? = nil, acceptBetter: Bool = false,
        tolerance: Double? = nil
    ) -> Verdict {
        Reproduction.metric(
            "n", "m", p, spread: spread.map { MetricSpread(values: $0) }, reproduced: r, reproducedSpread: nil,
            spec: spec, acceptBetter: acceptBetter, timedTolerance: tolerance)
    }

    @Test func timedValuesAreJudgedOnBothSides() {
        #expect(judge(1000, 1090, timed).outcome == .ok)
        #expect(judge(1000, 910, timed).outcome == .ok)
        #expect(judge(1000, 1200, timed).outcome == .failed)
        #expect(judge(1000, 1200, timed).note == "higher than published: better, but not what was published")
        #expect(judge(1000, 800, timed).note == "lower than published")
        #expect(judge(1000, 1200, timed, acceptBetter: true).outcome == .ok)
        #expect(judge(1000, 800, timed, acceptBetter: true).outcome == .failed)
        // Lower is better for a latency: twice as fast is still not what was published.
        #expect(judge(10, 5, latency).note == "lower than published: better, but not what was published")
        #expect(judge(10, 13, latency).note == "higher than published")
        #expect(judge(10, 1200, timed, tolerance: 200).outcome == .ok)
    }

    @Test func thePublishedSpreadWidensWhatIsAllowed() {
        // 900..1,200 ±10%: 810..1,320.
        let v = judge(1000, 1300, timed, spread: [900, 1000, 1200])
        #expect(v.outcome == .ok)
        #expect(v.allowed == "810–1320 (spread ±10%)")
        #expect(judge(1000, 1330, timed, spread: [900, 1000, 1200]).outcome == .failed)
        #expect(judge(1000, 800, timed, spread: [900, 1000, 1200]).outcome == .failed)
        // A value that is not the median of its own spread was edited.
        #expect(judge(1100, 1000, timed, spread: [900, 1000, 1200]).outcome == .failed)
    }

    @Test func exactValuesMustBeEqualToTheLastDigit() {
        #expect(judge(0.9665738161559888, 0.9665738161559888, exact).outcome == .ok)
        let moved = judge(0.9665738161559888, 0.9665738161559889, exact)
        #expect(moved.outcome == .failed)
        #expect(moved.reproduced == "0.9665738161559889")
        #expect(judge("VALID", "VALID", exact).outcome == .ok)
        #expect(judge(3, .int(3), exact).outcome == .ok)
        #expect(judge(3, .double(3), exact).outcome == .ok)
        #expect(judge(3, nil, exact).note == "the reproduction did not report it")
        // A seeded value with a stated tolerance is judged within it, on both sides.
        let near = Manifest.MetricRecord(better: .equal, tolerance: 0.01, unit: nil)
        #expect(judge(100, 100.5, near).outcome == .ok)
        #expect(judge(100, 98, near).outcome == .failed)
    }

    @Test func treeFilesAreClassifiedByWhatTheyHold() {
        typealias F = Reproduction.TreeFile
        #expect(F(path: "open/repro/results/s/digits-mlp/Offline/performance/run_1/mlperf_log_detail.txt") == .timed)
        #expect(F(path: "open/repro/results/s/digits-mlp/Offline/accuracy/mlperf_log_summary.txt") == .timed)
        let accuracy = "open/repro/results/s/digits-mlp/Offline/accuracy/"
        #expect(F(path: accuracy + "mlperf_log_accuracy.json") == .completionOrder)
        #expect(F(path: accuracy + "accuracy.txt") == .completionOrder)
        #expect(F(path: "open/repro/systems/2xCPU.json") == .machine)
        #expect(F(path: "README.md") == .exact)
    }

    @Test func theMachineComparisonListsKeysOnOneSideToo() {
        func manifest(_ host: [String: Value], commit: String, env: [String: Value]) -> Manifest {
            let result = Manifest.Node.Result(
                outputs: ["environment": .map(env)], metrics: [:], metricSpecs: [:], outputsSHA256: "", files: [],
                built: "", buildSeconds: 0, execution: [:])
            return Manifest(
                id: "r", command: [], status: .succeeded, started: "", finished: "", seconds: 0,
                repro: ReproBuild(version: "0.1.0", commit: commit, dirty: false), host: .init(fields: host),
                cache: "", request: .init(requests: []), recipes: [:], roots: [],
                nodes: [.init(id: "train", recipe: "train", status: .built, result: result)], counts: [:],
                warnings: [])
        }
        let a = manifest(
            ["cpu": "A", "cpus": 2, "hostname": "x"], commit: "c1", env: ["blas_core": "Zen", "threads": 1])
        let b = manifest(["cpu": "B", "cpus": 2, "gpu": "none", "hostname": "y"], commit: "c2", env: ["threads": 1])
        let lines = Reproduction.machineDifferences(a, b).map(\.description)
        #expect(
            lines == [
                "cpu A → B", "gpu (absent) → none", "repro commit c1 → c2", "blas_core Zen → (absent) (train)",
            ])
    }
}
