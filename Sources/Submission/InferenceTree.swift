import Basics
import Foundation

/// One benchmark × scenario of an inference submission: the folders of its performance and accuracy runs (each a
/// `loadgen` step's output: LoadGen's files, `user.conf`, and `accuracy.txt` for the accuracy run).
public struct InferenceResult: Sendable {
    public var benchmark: String
    public var scenario: String
    public var performance: String
    public var accuracy: String
    public var readme: String
    public var measurements: [String: String]

    public init(
        benchmark: String, scenario: String, performance: String, accuracy: String, readme: String,
        measurements: [String: String]
    ) {
        self.benchmark = benchmark
        self.scenario = scenario
        self.performance = performance
        self.accuracy = accuracy
        self.readme = readme
        self.measurements = measurements
    }
}

/// The submission's folder layout: the current round's (v6.1: `measurements.json` beside `performance/` and
/// `accuracy/` under `results/`, code in `src/`) or the one before v5.1 (`code/`, and `measurements/<system>/...`
/// with `<system>_<implementation>_<scenario>.json`).
public enum SubmissionLayout: String, Sendable, CaseIterable {
    case current = "v6.1"
    case legacy = "v5.0"
}

public struct InferenceSubmission: Sendable {
    public var division: String
    public var submitter: String
    public var system: String
    public var systemDescription: [String: String]
    public var implementation: String
    public var implementationReadme: String
    public var layout: SubmissionLayout
    public var results: [InferenceResult]
    /// `README.md` at the root of the tree (beside the division folders), when the tree needs one to say what it is.
    public var treeReadme: String?

    public init(
        division: String, submitter: String, system: String, systemDescription: [String: String],
        implementation: String = "repro", implementationReadme: String, layout: SubmissionLayout = .current,
        results: [InferenceResult], treeReadme: String? = nil
    ) {
        self.treeReadme = treeReadme
        self.division = division
        self.submitter = submitter
        self.system = system
        self.systemDescription = systemDescription
        self.implementation = implementation
        self.implementationReadme = implementationReadme
        self.layout = layout
        self.results = results
    }
}

public struct SubmissionError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ d: String) { description = d }
}

/// Writes an MLPerf Inference submission tree from the runs' folders.
public enum InferenceTree {
    static let performanceFiles = ["mlperf_log_summary.txt", "mlperf_log_detail.txt", "mlperf_log_accuracy.json"]

    /// Writes `root/<division>/<submitter>/...`; returns that submitter folder.
    @discardableResult
    public static func write(_ s: InferenceSubmission, to root: String) throws -> String {
        let fm = FileManager.default
        let base = "\(root)/\(s.division)/\(s.submitter)"
        try fm.createDirectory(atPath: base + "/systems", withIntermediateDirectories: true)
        if let readme = s.treeReadme {
            try readme.write(toFile: root + "/README.md", atomically: true, encoding: .utf8)
        }
        try SystemDescription.json(s.systemDescription).write(
            toFile: "\(base)/systems/\(s.system).json", atomically: true, encoding: .utf8)
        let code = s.layout == .current ? "src" : "code"
        for benchmark in Set(s.results.map(\.benchmark)).sorted() {
            try fm.createDirectory(atPath: "\(base)/\(code)/\(benchmark)", withIntermediateDirectories: true)
            try s.implementationReadme.write(
                toFile: "\(base)/\(code)/\(benchmark)/README.md", atomically: true, encoding: .utf8)
        }
        for r in s.results {
            let dir = "\(base)/results/\(s.system)/\(r.benchmark)/\(r.scenario)"
            let measurementsDir =
                s.layout == .current ? dir : "\(base)/measurements/\(s.system)/\(r.benchmark)/\(r.scenario)"
            try fm.createDirectory(atPath: dir + "/performance/run_1", withIntermediateDirectories: true)
            try fm.createDirectory(atPath: dir + "/accuracy", withIntermediateDirectories: true)
            try fm.createDirectory(atPath: measurementsDir, withIntermediateDirectories: true)
            let measurementsName =
                s.layout == .current ? "measurements.json" : "\(s.system)_\(s.implementation)_\(r.scenario).json"
            try measurementsJSON(r.measurements).write(
                toFile: "\(measurementsDir)/\(measurementsName)", atomically: true, encoding: .utf8)
            try copy(r.performance + "/user.conf", to: measurementsDir + "/user.conf")
            try r.readme.write(toFile: measurementsDir + "/README.md", atomically: true, encoding: .utf8)
            for f in performanceFiles { try copy("\(r.performance)/\(f)", to: "\(dir)/performance/run_1/\(f)") }
            for f in ["mlperf_log_summary.txt", "mlperf_log_detail.txt"] {
                try copy("\(r.accuracy)/\(f)", to: "\(dir)/accuracy/\(f)")
            }
            guard let line = try? String(contentsOfFile: r.accuracy + "/accuracy.txt", encoding: .utf8) else {
                throw SubmissionError(
                    "\(r.accuracy)/accuracy.txt is missing: the accuracy run of \(r.benchmark) \(r.scenario) was not an accuracy run"
                )
            }
            try AccuracyLogTruncation.write(
                log: r.accuracy + "/mlperf_log_accuracy.json", accuracyText: line, into: dir + "/accuracy")
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
