import Foundation
import LoadGen

/// What later steps need of a `loadgen` step, typed: the step writes these fields into its `result.json` (beside
/// the rest of its outputs) from this one type, and the `audit` and `submission` actions read them back through it.
/// Nothing is guessed: a missing or unknown field is an error that names it.
public struct LoadGenRunRecord: StepRecordFields {
    public static let step = "loadgen"

    /// The MLPerf benchmark it is filed under (`resnet`, or the model's own name).
    public var benchmark: String
    public var scenario: TestScenario
    public var mode: TestMode
    /// The system under test's name.
    public var sutName: String
    /// Server only: the fraction of the target QPS it ran at (1: not derated).
    public var derating: Double?

    enum CodingKeys: String, CodingKey {
        case benchmark, scenario, mode, derating
        case sutName = "sut_name"
    }

    public init(benchmark: String, scenario: TestScenario, mode: TestMode, sutName: String, derating: Double?) {
        self.benchmark = benchmark
        self.scenario = scenario
        self.mode = mode
        self.sutName = sutName
        self.derating = derating
    }
}

/// What the `submission` action needs of an `audit` step, typed as `LoadGenRunRecord` is.
public struct AuditRecord: StepRecordFields {
    public static let step = "audit"

    public var test: AuditConfig.Test
    /// The benchmark and scenario of the result the test belongs to.
    public var benchmark: String
    public var scenario: TestScenario
    public var passed: Bool
    /// The audited run's derating (Server), as its `LoadGenRunRecord` has it.
    public var derating: Double?

    public init(test: AuditConfig.Test, benchmark: String, scenario: TestScenario, passed: Bool, derating: Double?) {
        self.test = test
        self.benchmark = benchmark
        self.scenario = scenario
        self.passed = passed
        self.derating = derating
    }

    /// The folder to file as the result's `TEST0x`.
    public static func folder(stepOutput dir: String, test: AuditConfig.Test) -> String { dir + "/" + test.rawValue }
}

/// The fields a step of kind `step` writes into its `result.json` for later steps.
public protocol StepRecordFields: Codable, Sendable, Equatable {
    static var step: String { get }
}

extension StepRecordFields {
    /// The record of the step whose output folder is `dir`.
    public static func read(stepOutput dir: String) throws(SubmissionError) -> Self {
        try StepRecord.read(Self.self, from: dir, step: step)
    }
}

/// Reading and writing a step record in a step's `result.json`.
public enum StepRecord {
    /// The record's fields as JSON, to merge into the step's outputs.
    public static func json(_ record: some Encodable) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return try encoder.encode(record)
    }

    static func read<T: Decodable>(_ type: T.Type, from dir: String, step: String) throws(SubmissionError) -> T {
        let path = dir + "/result.json"
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SubmissionError("\(dir) is not a \(step) step's output: it has no result.json")
        }
        do { return try JSONDecoder().decode(type, from: data) } catch let error as DecodingError {
            throw SubmissionError("\(path) is not a \(step) step's result: \(explain(error))")
        } catch {
            throw SubmissionError("\(path) is not a \(step) step's result: \(error)")
        }
    }

    /// A decoding error in words: the field, and what is wrong with it.
    static func explain(_ error: DecodingError) -> String {
        func field(_ path: [any CodingKey]) -> String { path.map(\.stringValue).joined(separator: ".") }
        switch error {
        case .keyNotFound(let key, let c): return "it has no '\(field(c.codingPath + [key]))'"
        case .valueNotFound(_, let c): return "'\(field(c.codingPath))' is null"
        case .typeMismatch(let type, let c): return "'\(field(c.codingPath))' is not a \(type)"
        case .dataCorrupted(let c):
            return c.codingPath.isEmpty ? "it is not JSON" : "'\(field(c.codingPath))': \(c.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}
