import Foundation
import LoadGen

/// The submission rules of one MLPerf Inference round, as data (`Rules/<round>.json`, one file per round): the
/// folder layout, the seeds, the benchmarks with their scenarios per system type, accuracy targets, sample counts,
/// minimum queries and required audits, and the files and fields a tree must hold. They follow the official
/// checker's constants of the same round (`tools/submission/submission_checker/constants.py` in
/// mlcommons/inference); code holds no rule of its own.
public struct Rules: Decodable, Sendable {
    /// Where things are, as templates of `{division}`, `{submitter}`, `{system}`, `{benchmark}`, `{scenario}` and
    /// `{implementation}`.
    public struct Paths: Decodable, Sendable {
        /// `{division}/{submitter}/systems/{system}.json`.
        public let systemDescription: String
        /// A result's folder: `{division}/{submitter}/results/{system}/{benchmark}/{scenario}`.
        public let results: String
        /// `{division}/{submitter}/src` (v6) or `…/code` (v5).
        public let code: String
        /// The folder of `user.conf`, `README.md` and the measurements JSON.
        public let measurements: String
        /// `measurements.json` (v6) or `{system}_{implementation}_{scenario}.json` (v5).
        public let measurementsFile: String
        /// The folder holding a result's `TEST0x` folders.
        public let compliance: String

        enum CodingKeys: String, CodingKey {
            case code, measurements, compliance, results
            case measurementsFile = "measurements_file"
            case systemDescription = "system_description"
        }

        /// `template` with its placeholders filled.
        public static func fill(_ template: String, _ values: [String: String]) -> String {
            var out = template
            for (k, v) in values { out = out.replacingOccurrences(of: "{\(k)}", with: v) }
            return out
        }
    }

    public struct AccuracyTarget: Decodable, Sendable {
        /// The kind of figure (`acc`, `mAP`, `F1`, `DICE`), which names its pattern in `accuracyPatterns`.
        public let metric: String
        public let target: Double
    }

    public struct Benchmark: Decodable, Sendable {
        /// The model's name in mlperf.conf and in the compliance tests' files (`resnet50` for `resnet`).
        public let mlperfConfModel: String
        /// Per system type (`edge`, `datacenter`, `datacenter,edge`).
        public let requiredScenarios: [String: [TestScenario]]
        public let optionalScenarios: [String: [TestScenario]]?
        public let accuracy: [AccuracyTarget]
        public let datasetSize: UInt64
        public let accuracySampleCount: UInt64?
        public let performanceSampleCount: UInt64
        public let minQueries: [TestScenario: UInt64]
        public let offlineMinSamplesPerQuery: UInt64
        public let latencyConstraintNs: [TestScenario: UInt64]?
        /// The compliance tests a closed result needs (`TEST01`, `TEST04`).
        public let audits: [String]
        /// How far TEST01's baseline and compliance accuracies may differ, in percent.
        public let accuracyDeltaPercent: Double

        enum CodingKeys: String, CodingKey {
            case accuracy, audits
            case mlperfConfModel = "mlperf_conf_model"
            case requiredScenarios = "required_scenarios"
            case optionalScenarios = "optional_scenarios"
            case datasetSize = "dataset_size"
            case accuracySampleCount = "accuracy_sample_count"
            case performanceSampleCount = "performance_sample_count"
            case minQueries = "min_queries"
            case offlineMinSamplesPerQuery = "offline_min_samples_per_query"
            case latencyConstraintNs = "latency_constraint_ns"
            case accuracyDeltaPercent = "accuracy_delta_percent"
        }
    }

    public struct System: Decodable, Sendable {
        public let requiredFields: [String]
        public let meaningfulFields: [String]

        enum CodingKeys: String, CodingKey {
            case requiredFields = "required_fields"
            case meaningfulFields = "meaningful_fields"
        }
    }

    public struct Files: Decodable, Sendable {
        public let performance: [String]
        public let performanceOptional: [String]
        public let accuracy: [String]
        public let measurements: [String]
        public let compliancePerformance: [String]
        public let test01AccuracyFallback: [String]

        enum CodingKeys: String, CodingKey {
            case performance, accuracy, measurements
            case performanceOptional = "performance_optional"
            case compliancePerformance = "compliance_performance"
            case test01AccuracyFallback = "test01_accuracy_fallback"
        }
    }

    public let round: String
    public let paths: Paths
    let seedTexts: [String: String]
    public let testDurationMs: UInt64
    public let validDivisions: [String]
    public let validStatuses: [String]
    public let validSystemTypes: [String]
    public let system: System
    public let measurementsFields: [String]
    public let files: Files
    public let maxAccuracyLogBytes: Int
    /// Other names of benchmarks (`resnet50` → `resnet`).
    public let modelMapping: [String: String]
    public let benchmarks: [String: Benchmark]
    /// The round's other benchmarks (the official checker's list), whose rules repro does not hold: their results
    /// are reported as not checked, not as problems.
    public let uncheckedBenchmarks: [String]
    /// The regular expression of each accuracy figure, applied from the start of a line of `accuracy.txt`.
    public let accuracyPatterns: [String: String]

    enum CodingKeys: String, CodingKey {
        case round, paths, system, files, benchmarks
        case seedTexts = "seeds"
        case testDurationMs = "test_duration_ms"
        case validDivisions = "valid_divisions"
        case validStatuses = "valid_statuses"
        case validSystemTypes = "valid_system_types"
        case measurementsFields = "measurements_fields"
        case maxAccuracyLogBytes = "max_accuracy_log_bytes"
        case modelMapping = "model_mapping"
        case accuracyPatterns = "accuracy_patterns"
        case uncheckedBenchmarks = "unchecked_benchmarks"
    }

    /// The rounds repro has rules for, oldest first.
    public static let rounds = ["v5.1", "v6.0", "v6.1"]
    public static let newest = "v6.1"

    /// The seeds a round's LoadGen runs with (`qsl_rng_seed`, `sample_index_rng_seed`, `schedule_rng_seed`).
    public var seeds: [(key: String, value: UInt64)] {
        ["qsl_rng_seed", "sample_index_rng_seed", "schedule_rng_seed"].map { ($0, UInt64(seedTexts[$0] ?? "") ?? 0) }
    }

    /// The benchmark a folder name stands for, by name or by the round's other names for it.
    public func benchmark(_ folder: String) -> (name: String, rules: Benchmark)? {
        if let b = benchmarks[folder] { return (folder, b) }
        if let name = modelMapping[folder], let b = benchmarks[name] { return (name, b) }
        return nil
    }

    /// Whether a folder names one of the round's benchmarks whose rules repro does not hold.
    public func isUnchecked(_ folder: String) -> Bool {
        uncheckedBenchmarks.contains(modelMapping[folder] ?? folder)
    }

    /// The rules of `round`, from the copy of `Rules/<round>.json` compiled into the binary
    /// (Plugins/GeneratedSourcesPlugin), so that a `repro` copied alone to another machine has them.
    public static func load(_ round: String) throws(RulesError) -> Rules {
        guard rounds.contains(round) else { throw .unknownRound(round, known: rounds) }
        let name = round + ".json"
        guard let text = EmbeddedRules.base64[name], let data = Data(base64Encoded: text) else {
            throw .missingData(round: round)
        }
        do { return try JSONDecoder().decode(Rules.self, from: data) } catch {
            throw .malformed(path: "Sources/Submission/Rules/" + name, problem: "\(error)")
        }
    }
}

/// Why the rules of a round cannot be had.
public enum RulesError: Error, Sendable, CustomStringConvertible {
    case unknownRound(String, known: [String])
    case missingData(round: String)
    case malformed(path: String, problem: String)

    public var description: String {
        switch self {
        case .unknownRound(let round, let known):
            "error: repro has no rules for the round '\(round)' (known: \(known.joined(separator: ", ")))"
        case .missingData(let round):
            "error: this build of repro holds no rules file for the round '\(round)' (Rules/\(round).json)"
        case .malformed(let path, let problem):
            "error: \(path) is not a rules file: \(problem)"
        }
    }
}
