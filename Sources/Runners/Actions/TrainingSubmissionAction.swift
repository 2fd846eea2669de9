import Foundation
import Recipes
import Submission
import Workflow

/// `training-submission`: an MLPerf Training submission tree from `train` runs' logs, checked and tarred.
public struct TrainingSubmissionAction: Action {
    public let name = "training-submission"
    public let outputs: [String]? = ["tree", "problems", "problem_count", "tarball", "sha256"]
    public let version = "1"
    public let summary = "build and check an MLPerf Training submission tree from train logs (+ tarball, sha256)"
    public let parameters = [
        ActionParameter("logs", .list, required: true, doc: "the :::MLLOG logs of the runs (a train step's `logs`)"),
        ActionParameter("benchmark", .string, doc: "the benchmark folder (default resnet, as the logs say)"),
        ActionParameter("division", .string, doc: "open (default) or closed"),
        ActionParameter("submitter", .string, doc: "the organisation (default repro, as the logs say)"),
        ActionParameter("system", .string, doc: "the system's folder name (default: <cpus>xCPU)"),
        ActionParameter("system-fields", .map, doc: "fields of systems/<system>.json to set"),
        ActionParameter("implementation", .string, doc: "the implementation's README.md"),
    ]

    public init() {}

    public func run(_ context: ActionContext) throws -> [String: Value] {
        let benchmark = try context.optionalString("benchmark") ?? "resnet"
        let division = try context.optionalString("division") ?? "open"
        let submitter = try context.optionalString("submitter") ?? "repro"
        let system = try context.optionalString("system") ?? "\(HostInfo.cpus)xCPU"
        var fields: [String: String] = [:]
        for (k, v) in context.with["system-fields"]?.mapValue ?? [:] { fields[k] = v.interpolated }
        let description = SystemDescription.fromMachine(
            .current, division: division, submitter: submitter, systemName: system,
            framework: "repro \(ReproVersion.current) built-in kernels (OpenBLAS)", overrides: fields)
        let root = context.outDir + "/submission"
        let base = try TrainingTree.write(
            logs: try context.strings("logs"), benchmark: benchmark, division: division, submitter: submitter,
            system: system, systemDescription: description,
            readme: try context.optionalString("implementation") ?? "repro's train action on its built-in kernels.\n",
            to: root)
        let prefix = root + "/"
        let problems = TrainingTree.check(base: base, benchmark: benchmark, system: system).map {
            $0.replacingOccurrences(of: prefix, with: "")
        }
        let (tarball, sha) = try SubmissionAction.pack(root, problems: problems, into: context.outDir)
        context.log.out(
            "training submission: \(base); \(problems.isEmpty ? "no problems" : "\(problems.count) problems")")
        for p in problems { context.log.out("  " + p) }
        return [
            "tree": .string(root), "problems": .list(problems.map { .string($0) }),
            "problem_count": .int(problems.count),
            "tarball": .string(tarball), "sha256": .string(sha),
        ]
    }
}
