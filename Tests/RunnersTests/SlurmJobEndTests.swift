import Testing
import Workflow

@testable import Runners

/// Slurm's job states in words: the executor only reads the reason and whether the job timed out or was lost.
@Suite struct SlurmJobEndTests {
    let slurm = SlurmScheduler(reproPath: "/usr/bin/repro", environment: [:])

    @Test func aTimeLimitIsATimeOut() {
        let end = slurm.describeEnd(job: "12", state: "TIMEOUT", exitCode: nil, host: "n1")
        let expected = BatchJobEnd(
            reason: "timed out: job 12 on n1 ran past its Slurm time limit (--time)", timedOut: true)
        #expect(end == expected)
    }

    @Test func aFailedNodeLosesTheJob() {
        let end = slurm.describeEnd(job: "12_3", state: "NODE_FAIL", exitCode: nil, host: "n2")
        #expect(end == BatchJobEnd(reason: "lost: its node n2 failed while job 12_3 ran", lost: true))
    }

    @Test func otherStatesAreNamedWithTheirExitCode() {
        let end = slurm.describeEnd(job: "7", state: "FAILED", exitCode: 137, host: nil)
        #expect(end == BatchJobEnd(reason: "job 7 ended FAILED, exit code 137 before repro could record a result"))
        #expect(!end.timedOut && !end.lost)
        let oom = slurm.describeEnd(job: "8", state: "OUT_OF_MEMORY", exitCode: nil, host: nil)
        #expect(oom.reason == "out of memory: job 8 went past its Slurm memory limit (--mem)")
    }
}
