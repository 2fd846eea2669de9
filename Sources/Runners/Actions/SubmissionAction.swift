import Basics
import Foundation
import Recipes
import Submission
import Workflow

/// `submission`: an MLPerf Inference submission tree from `loadgen` steps' folders, checked by the built-in
/// checker, packed as a tarball with its SHA-256.
public struct SubmissionAction: Action {
    public let name = "submission"
    public let outputs: [String]? = ["tree", "problems", "problem_count", "tarball", "sha256", "results"]
    public let version = "1"
    public var implementation: [String] { ImplementationSources.submission }
    public let summary = "build and check an MLPerf Inference submission tree from loadgen runs (+ tarball, sha256)"
    public let parameters =
        [
            ActionParameter("performance", .list, required: true, doc: "loadgen output folders of performance runs"),
            ActionParameter(
                "accuracy", .list, required: true,
                doc: "loadgen output folders of accuracy runs (paired by benchmark and scenario)"),
        ] + declarationParameters + [
            ActionParameter("system", .string, doc: "the system's folder name (default: <cpus>xCPU)"),
            ActionParameter(
                "system-fields", .map, doc: "fields of systems/<system>.json to set (the rest come from the machine)"),
            ActionParameter(
                "framework", .string, doc: "the system description's framework (default: repro and its LoadGen)"),
            ActionParameter(
                "measurements", .map,
                doc: "every field of measurements.json (input_data_types, retraining, starting_weights_filename …)"),
            ActionParameter("implementation", .string, doc: "src/<benchmark>/README.md: how the results were made"),
            ActionParameter(
                "reproduce", .map,
                doc: "{recipe, variations, inputs} of the submission recipe: the command written into every README"),
            ActionParameter(
                "audits", .list,
                doc: "audit output folders (TEST01, TEST04), filed with the results of the same scenario"),
            ActionParameter(
                "round", .string, doc: "the MLPerf round whose layout and rules the tree follows (v5.1, v6.0, v6.1)"),
        ]

    public init() {}

    /// A declaration the recipe must make, one of the values MLPerf allows.
    static func declaration<T: RawRepresentable & CaseIterable>(
        _ context: ActionContext, _ name: String, parse: (String) -> T? = T.init(rawValue:)
    ) throws -> T where T.RawValue == String {
        let value = try context.string(name)
        guard let declared = parse(value) else {
            throw ActionError.badParameter(
                name: name,
                problem: "expected \(T.allCases.map(\.rawValue).joined(separator: " or ")), found '\(value)'")
        }
        return declared
    }

    /// The parameters that carry the submitter's declarations (shared with `training-submission`).
    static let declarationParameters = [
        ActionParameter("division", .string, required: true, doc: "the submitter's declaration: open or closed"),
        ActionParameter("submitter", .string, required: true, doc: "the submitter's declaration: the organisation"),
        ActionParameter(
            "availability", .string, required: true,
            doc: "the submitter's declaration of the system's status: available, preview or rdi"),
        ActionParameter(
            "system-type", .string, required: true,
            doc: "the submitter's declaration of the system's category: edge, datacenter or datacenter,edge"),
    ]

    /// The declarations a submission recipe made, each checked against the values MLPerf allows.
    static func declarations(_ context: ActionContext) throws -> SystemDescription.Declarations {
        SystemDescription.Declarations(
            division: try declaration(context, "division"),
            submitter: try context.string("submitter"),
            status: try declaration(context, "availability"),
            systemType: try declaration(context, "system-type", parse: SystemDescription.SystemType.init(declared:)))
    }

    public func run(_ context: ActionContext) throws -> [String: Value] {
        let declarations = try SubmissionAction.declarations(context)
        let system = try context.optionalString("system") ?? "\(HostInfo.cpus)xCPU"
        let rules: Rules
        do { rules = try Rules.load(try context.optionalString("round") ?? Rules.newest) } catch {
            throw ActionError.badParameter(name: "round", problem: "\(error)")
        }
        let framework =
            try context.optionalString("framework")
            ?? "repro \(ReproVersion.current) (LoadGen following MLCommons LoadGen 6.0.17)"
        var fields: [String: String] = [:]
        for (k, v) in context.with["system-fields"]?.mapValue ?? [:] { fields[k] = v.interpolated }
        var measurements: [String: String] = [:]
        for (k, v) in context.with["measurements"]?.mapValue ?? [:] { measurements[k] = v.interpolated }
        let command = context.with["reproduce"]?.mapValue.flatMap(SubmitCommandLine.render)

        let accuracyRuns = try context.strings("accuracy").map { dir in (dir, try SubmissionAction.runRecord(dir)) }
        let audits = try context.strings("audits").map { dir in (dir, try SubmissionAction.auditRecord(dir)) }
        var results: [InferenceResult] = []
        for dir in try context.strings("performance") {
            let perf = try SubmissionAction.runRecord(dir)
            guard
                let acc = accuracyRuns.first(where: {
                    $0.1.benchmark == perf.benchmark && $0.1.scenario == perf.scenario
                })
            else {
                throw ActionError.failed(
                    "no accuracy run for \(perf.benchmark) \(perf.scenario.rawValue) among 'accuracy'")
            }
            let own = audits.filter { $0.1.benchmark == perf.benchmark && $0.1.scenario == perf.scenario }
            results.append(
                InferenceResult(
                    benchmark: perf.benchmark, scenario: perf.scenario, performance: dir, accuracy: acc.0,
                    readme: SubmissionAction.resultReadme(perf, command: command, audits: own.map(\.1)),
                    measurements: measurements,
                    audits: Dictionary(
                        own.map { ($0.1.test, AuditRecord.folder(stepOutput: $0.0, test: $0.1.test)) },
                        uniquingKeysWith: { a, _ in a })))
        }
        let description = SystemDescription.fromMachine(
            .current, declarations: declarations, systemName: system, framework: framework, overrides: fields)
        let implementation =
            try context.optionalString("implementation")
            ?? "repro's LoadGen driving the system under test; see the README of each result for the command.\n"
        let foreign = Set(results.map(\.benchmark)).filter { rules.benchmark($0) == nil }.sorted()
        let submission = InferenceSubmission(
            division: declarations.division.rawValue, submitter: declarations.submitter, system: system,
            systemDescription: description, implementationReadme: implementation, rules: rules, results: results,
            treeReadme: foreign.isEmpty
                ? nil : SubmissionAction.practiceReadme(foreign, command: command, kind: "Inference"))
        let root = context.outDir + "/submission"
        try InferenceTree.write(submission, to: root)
        let problems = try TreeChecker.check(root: root, rules: rules, shownAs: "").problems
        let (tarball, sha) = try SubmissionAction.pack(root, problems: problems, into: context.outDir)
        context.log.out(
            "submission: \(results.count) results in \(root) (\(rules.round) layout); tarball sha256 \(sha)")
        context.log.out(
            problems.isEmpty ? "built-in checker: no problems" : "built-in checker: \(problems.count) problems:")
        for p in problems { context.log.out("  " + p) }
        return [
            "tree": .string(root), "problems": .list(problems.map { .string($0) }),
            "problem_count": .int(problems.count),
            "tarball": .string(tarball), "sha256": .string(sha), "results": .int(results.count),
        ]
    }

    /// The README of one result: what made it, its compliance tests (and any derating), and the command that makes
    /// the tree again.
    static func resultReadme(_ run: LoadGenRunRecord, command: String?, audits: [AuditRecord]) -> String {
        var text = """
            # \(run.benchmark) \(run.scenario.rawValue)

            Made by repro \(ReproVersion.current): a `loadgen` step (repro's LoadGen, following the rules of MLCommons \
            LoadGen 6.0.17), scenario \(run.scenario.rawValue), system under test \(run.sutName).


            """
        for a in audits.sorted(by: { $0.test.rawValue < $1.test.rawValue }) {
            text += "\(a.test.rawValue): \(a.passed ? "TEST PASS" : "TEST FAIL")"
            if let derating = a.derating, derating != 1 {
                text += ", run at \(derating) × the Server target QPS (derated, as submitters do)"
            }
            text += ".\n"
        }
        if !audits.isEmpty { text += "\n" }
        if let command {
            text += "To make this tree again:\n\n    \(command)\n\n"
            text += "`repro reproduce` on the run's manifest (`runs/<id>/manifest.json`) compares a new run with it, "
            text += "value by value.\n"
        } else {
            text += "The submission step was not told the command that made it (its `reproduce` parameter).\n"
        }
        return text
    }

    /// The README at the root of a tree whose benchmarks are not MLPerf's.
    static func practiceReadme(_ benchmarks: [String], command: String?, kind: String) -> String {
        var text = """
            # A practice tree, not an MLPerf result

            This tree has the layout of an MLPerf \(kind) submission, but its benchmarks \
            (\(benchmarks.joined(separator: ", "))) are not MLPerf benchmarks: the models and the data set are repro's \
            own practice material. It is not an MLPerf result and cannot be submitted as one; use it to learn the \
            layout, and to try the checkers.

            """
        if let command { text += "\nMade by repro \(ReproVersion.current) with:\n\n    \(command)\n" }
        return text
    }

    /// A `loadgen` step's record (its `result.json`), typed; an output folder that is not one is a clear error.
    static func runRecord(_ dir: String) throws -> LoadGenRunRecord {
        do { return try LoadGenRunRecord.read(stepOutput: dir) } catch { throw ActionError.failed(error.description) }
    }

    /// An `audit` step's record (its `result.json`), typed.
    static func auditRecord(_ dir: String) throws -> AuditRecord {
        do { return try AuditRecord.read(stepOutput: dir) } catch { throw ActionError.failed(error.description) }
    }

    /// Writes `problems.txt`, `submission.tar.gz` (of the tree) and its `.sha256` into `outDir`.
    static func pack(_ root: String, problems: [String], into outDir: String) throws -> (
        tarball: String, sha256: String
    ) {
        try FileOps.write(problems.map { $0 + "\n" }.joined(), to: outDir + "/problems.txt")
        let tarball = outDir + "/submission.tar.gz"
        try DeterministicTarball.write(root, to: tarball)
        let sha = try Digests.file(tarball).sha256
        try FileOps.write("\(sha)  submission.tar.gz\n", to: tarball + ".sha256")
        return (tarball, sha)
    }
}

extension SystemDescription.Host {
    /// The machine as repro's host description (`HostInfo`) has it.
    static var current: SystemDescription.Host {
        let h = HostInfo.description
        return SystemDescription.Host(
            cpu: h["cpu"]?.stringValue ?? "unknown", cpus: HostInfo.cpus,
            memoryGiB: h["memory_gib"]?.doubleValue ?? 0, os: h["os"]?.stringValue ?? "Linux",
            kernel: h["kernel"]?.stringValue ?? "")
    }
}
