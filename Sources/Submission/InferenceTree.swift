import Basics
import Foundation
import LoadGen

/// One benchmark × scenario of an inference submission: the folders of its performance and accuracy runs (each a
/// `loadgen` step's output: LoadGen's files, `user.conf`, and `accuracy.txt` for the accuracy run), and of its
/// compliance tests (each an `audit` step's `TEST0x` folder).
public struct InferenceResult: Sendable {
    public var benchmark: String
    public var scenario: TestScenario
    public var performance: String
    public var accuracy: String
    public var readme: String
    public var measurements: [String: String]
    /// Test → the folder to file as the result's `TEST01` or `TEST04`.
    public var audits: [AuditConfig.Test: String]

    public init(
        benchmark: String, scenario: TestScenario, performance: String, accuracy: String, readme: String,
        measurements: [String: String], audits: [AuditConfig.Test: String] = [:]
    ) {
        self.benchmark = benchmark
        self.scenario = scenario
        self.performance = performance
        self.accuracy = accuracy
        self.readme = readme
        self.measurements = measurements
        self.audits = audits
    }
}

public struct InferenceSubmission: Sendable {
    public var division: String
    public var submitter: String
    public var system: String
    public var systemDescription: [String: String]
    public var implementation: String
    public var implementationReadme: String
    /// The round whose layout the tree has.
    public var rules: Rules
    public var results: [InferenceResult]
    /// `README.md` at the root of the tree (beside the division folders), when the tree needs one to say what it is.
    public var treeReadme: String?

    public init(
        division: String, submitter: String, system: String, systemDescription: [String: String],
        implementation: String = "repro", implementationReadme: String, rules: Rules,
        results: [InferenceResult], treeReadme: String? = nil
    ) {
        self.division = division
        self.submitter = submitter
        self.system = system
        self.systemDescription = systemDescription
        self.implementation = implementation
        self.implementationReadme = implementationReadme
        self.rules = rules
        self.results = results
        self.treeReadme = treeReadme
    }
}

public struct SubmissionError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ d: String) { description = d }
}

/// Writes an MLPerf Inference submission tree from the runs' folders, in the layout of the round its rules are of
/// (v6: `src/`, and `measurements.json` and the `TEST0x` folders beside `performance/` and `accuracy/`; v5: `code/`,
/// `measurements/…/<system>_<implementation>_<scenario>.json` and `compliance/…/TEST0x`).
public enum InferenceTree {
    static let performanceFiles = ["mlperf_log_summary.txt", "mlperf_log_detail.txt", "mlperf_log_accuracy.json"]

    /// Writes `root/<division>/<submitter>/...`; returns that submitter folder.
    @discardableResult
    public static func write(_ s: InferenceSubmission, to root: String) throws -> String {
        let fm = FileManager.default
        let paths = s.rules.paths
        let base = "\(root)/\(s.division)/\(s.submitter)"
        func path(_ template: String, _ r: InferenceResult? = nil) -> String {
            var values = [
                "division": s.division, "submitter": s.submitter, "system": s.system,
                "implementation": s.implementation,
            ]
            if let r {
                values["benchmark"] = r.benchmark
                values["scenario"] = r.scenario.rawValue
            }
            return root + "/" + Rules.Paths.fill(template, values)
        }
        try fm.createDirectory(atPath: base + "/systems", withIntermediateDirectories: true)
        if let readme = s.treeReadme {
            try readme.write(toFile: root + "/README.md", atomically: true, encoding: .utf8)
        }
        try SystemDescription.json(s.systemDescription).write(
            toFile: path(paths.systemDescription), atomically: true, encoding: .utf8)
        for benchmark in Set(s.results.map(\.benchmark)).sorted() {
            let code = path(paths.code) + "/" + benchmark
            try fm.createDirectory(atPath: code, withIntermediateDirectories: true)
            try s.implementationReadme.write(toFile: code + "/README.md", atomically: true, encoding: .utf8)
        }
        for r in s.results {
            let dir = path(paths.results, r)
            let measurementsDir = path(paths.measurements, r)
            try fm.createDirectory(atPath: dir + "/performance/run_1", withIntermediateDirectories: true)
            try fm.createDirectory(atPath: dir + "/accuracy", withIntermediateDirectories: true)
            try fm.createDirectory(atPath: measurementsDir, withIntermediateDirectories: true)
            let measurementsFile = (path(paths.measurementsFile, r) as NSString).lastPathComponent
            try measurementsJSON(r.measurements).write(
                toFile: "\(measurementsDir)/\(measurementsFile)", atomically: true, encoding: .utf8)
            try copy(r.performance + "/user.conf", to: measurementsDir + "/user.conf")
            try r.readme.write(toFile: measurementsDir + "/README.md", atomically: true, encoding: .utf8)
            for f in performanceFiles { try copy("\(r.performance)/\(f)", to: "\(dir)/performance/run_1/\(f)") }
            for f in ["mlperf_log_summary.txt", "mlperf_log_detail.txt"] {
                try copy("\(r.accuracy)/\(f)", to: "\(dir)/accuracy/\(f)")
            }
            guard let line = try? String(contentsOfFile: r.accuracy + "/accuracy.txt", encoding: .utf8) else {
                throw SubmissionError(
                    "\(r.accuracy)/accuracy.txt is missing: the accuracy run of \(r.benchmark) \(r.scenario.rawValue) was not an accuracy run"
                )
            }
            try AccuracyLogTruncation.write(
                log: r.accuracy + "/mlperf_log_accuracy.json", accuracyText: line, into: dir + "/accuracy")
            let compliance = path(paths.compliance, r)
            for (test, folder) in r.audits.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
                try fm.createDirectory(atPath: compliance, withIntermediateDirectories: true)
                try? fm.removeItem(atPath: compliance + "/" + test.rawValue)
                try fm.copyItem(atPath: folder, toPath: compliance + "/" + test.rawValue)
            }
        }
        return base
    }

    /// The fields the recipe gives, and only those: what the submitter declares about the model (retraining, weight
    /// transformations) is never filled in on their behalf; a missing field is a problem the checker lists.
    static func measurementsJSON(_ fields: [String: String]) -> String {
        "{\n"
            + fields.keys.sorted().map { "  \(JSONString.quoted($0)): \(JSONString.quoted(fields[$0]!))" }
            .joined(separator: ",\n") + "\n}\n"
    }

    public static func copy(_ from: String, to: String) throws {
        guard FileManager.default.fileExists(atPath: from) else { throw SubmissionError("\(from) is missing") }
        try? FileManager.default.removeItem(atPath: to)
        try FileManager.default.copyItem(atPath: from, toPath: to)
    }
}
