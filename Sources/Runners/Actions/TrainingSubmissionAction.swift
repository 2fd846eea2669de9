import Foundation
import Recipes
import Submission
import Workflow

/// `training-submission`: an MLPerf Training submission tree from `train` runs' logs, checked and tarred.
public struct TrainingSubmissionAction: Action {
    public let name = "training-submission"
    public let outputs: [String]? = ["tree", "problems", "problem_count", "tarball", "sha256"]
    public let version = "1"
    public var implementation: [String] {
        ImplementationSources.submission + ["Sources/Runners/Actions/TrainingSubmissionAction.swift"]
    }
    public let summary = "build and check an MLPerf Training submission tree from train logs (+ tarball, sha256)"
    public let parameters =
        [
            ActionParameter(
                "logs", .list, required: true, doc: "the :::MLLOG logs of the runs (a train step's `logs`)"),
            ActionParameter("benchmark", .string, required: true, doc: "the benchmark's folder name"),
            ActionParameter(
                "log-benchmark", .string,
                doc: "the logs' submission_benchmark: whose mlperf-logging rules they follow (default: benchmark)"),
        ] + SubmissionAction.declarationParameters + [
            ActionParameter("system", .string, doc: "the system's folder name (default: <cpus>xCPU)"),
            ActionParameter("system-fields", .map, doc: "fields of systems/<system>.json to set"),
            ActionParameter("implementation", .string, doc: "the implementation's README.md"),
            ActionParameter(
                "reproduce", .map, doc: "{recipe, variations, inputs} of the submission recipe, for the README"),
        ]

    /// MLPerf Training's benchmarks (mlperf-logging 4.0's closed rules); any other tree is a practice tree.
    static let mlperfBenchmarks: Set<String> = [
        "resnet", "ssd", "stable_diffusion", "maskrcnn", "gpt3", "dlrm_dcnv2", "bert", "rnnt", "unet3d", "gnn",
        "llama2_70b_lora",
    ]

    public init() {}

    public func run(_ context: ActionContext) throws -> [String: Value] {
        let benchmark = try context.string("benchmark")
        let logBenchmark = try context.optionalString("log-benchmark") ?? benchmark
        let declarations = try SubmissionAction.declarations(context)
        let system = try context.optionalString("system") ?? "\(HostInfo.cpus)xCPU"
        var fields: [String: String] = [:]
        for (k, v) in context.with["system-fields"]?.mapValue ?? [:] { fields[k] = v.interpolated }
        let description = SystemDescription.fromMachine(
            .current, declarations: declarations, systemName: system,
            framework: "repro \(ReproVersion.current) built-in kernels (OpenBLAS)", overrides: fields)
        let command = context.with["reproduce"]?.mapValue.flatMap(SubmitCommandLine.render)
        let root = context.outDir + "/submission"
        let base = try TrainingTree.write(
            logs: try context.strings("logs"), benchmark: benchmark, division: declarations.division.rawValue,
            submitter: declarations.submitter, system: system, systemDescription: description,
            readme: try context.optionalString("implementation") ?? "repro's train action on its built-in kernels.\n",
            treeReadme: TrainingSubmissionAction.mlperfBenchmarks.contains(benchmark)
                ? nil
                : SubmissionAction.practiceReadme([benchmark], command: command, kind: "Training"),
            to: root)
        let prefix = root + "/"
        let problems = TrainingTree.check(
            base: base, benchmark: benchmark, logBenchmark: logBenchmark, system: system
        ).map {
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
