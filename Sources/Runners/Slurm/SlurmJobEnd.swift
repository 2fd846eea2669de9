import Workflow

/// What Slurm's job states mean for a job that wrote no result: its node failed, it ran out of time or memory, it
/// was preempted (the executor knows none of these names).
extension SlurmScheduler {
    public func describeEnd(job: String, state: String, exitCode: Int32?, host: String?) -> BatchJobEnd {
        let on = host.map { " on \($0)" } ?? ""
        switch state {
        case "NODE_FAIL":
            let node = host.map { " " + $0 } ?? ""
            return BatchJobEnd(reason: "lost: its node\(node) failed while job \(job) ran", lost: true)
        case "TIMEOUT":
            return BatchJobEnd(
                reason: "timed out: job \(job)\(on) ran past its Slurm time limit (--time)", timedOut: true)
        case "OUT_OF_MEMORY":
            return BatchJobEnd(reason: "out of memory: job \(job)\(on) went past its Slurm memory limit (--mem)")
        case "PREEMPTED":
            return BatchJobEnd(reason: "preempted: Slurm stopped job \(job)\(on) for another job")
        default:
            let code = exitCode.map { ", exit code \($0)" } ?? ""
            return BatchJobEnd(reason: "job \(job)\(on) ended \(state)\(code) before repro could record a result")
        }
    }
}
