import Foundation

/// What a published MLPerf Inference result of an MLCommons results repository holds, read from its folders:
/// the system description, the measurements (`user.conf`, the model's description, the console output and the
/// tool's records where the submitter's tool wrote them), the performance run's detail log, the accuracy run's
/// `accuracy.txt` and the compliance tests' verdicts.
///
/// Layouts differ by round and tool: MLCFlow (v5.x) writes `model-info.json`, `mlc-version-info.json`,
/// `pip_freeze.json` and lower-case scenario folders; CM (v4.x) `cm-version-info.json`; other tools only the
/// `<system>…json` of the measurements and `user.conf`. What a layout lacks is nil or empty here, never invented.
public struct MLCommonsResult: Sendable {
    /// A text file as published.
    public struct TextFile: Sendable, Equatable {
        public var path: String
        public var text: String

        public init(path: String, text: String) {
            self.path = path
            self.text = text
        }
    }

    /// `accuracy.txt`'s first line: `accuracy=76.456%, good=38228, total=50000`.
    public struct Accuracy: Sendable, Equatable {
        public var path: String
        public var line: String
        /// Top-1 in percent.
        public var percent: Double
        public var good: Int?
        public var total: Int?
    }

    /// The automation that made the result, from its version record (`mlc-version-info.json`, `cm-version-info.json`).
    public struct Tool: Sendable, Equatable {
        /// `MLCFlow` or `CM`.
        public var name: String
        public var file: String
        /// The version of mlcommons/inference it resolved (`custom-git-091d51f0…`), when it says.
        public var inferenceSource: String?
    }

    public var location: PublishedLocation
    /// `systems/<system>.json`, every value as text.
    public var system: [String: String]
    /// The measurements' description of the model (`starting_weights_filename`, data types, …) and its file.
    public var model: [String: String]
    public var modelFile: String?
    public var userConf: TextFile?
    /// The performance run's `mlperf_log_detail.txt`.
    public var performance: DetailLog
    public var accuracy: Accuracy?
    /// `performance_console.out`: its first line is the harness command (MLCFlow, CM).
    public var console: TextFile?
    public var tool: Tool?
    /// `pip_freeze.json`: package → version.
    public var packages: [String: String]
    /// The commands of the measurements' README (`cm run script …`, `mlc pull repo …`).
    public var readmeCommands: [String]
    /// Each compliance test's verdict line (`TEST01` → `TEST PASS`).
    public var compliance: [String: String]

    /// The fields of the system description a reproduction compares with the machine it runs on.
    public static let requiredSystemFields = [
        "division", "submitter", "system_name", "number_of_nodes", "host_processor_model_name",
        "host_processors_per_node", "host_processor_core_count", "host_memory_capacity", "accelerators_per_node",
        "accelerator_model_name", "framework", "operating_system",
    ]

    /// The entries of the performance log a reproduction reads.
    public static let requiredLogEntries = ["effective_scenario", "result_validity"]

    /// Reads the result at `location`; what a reproduction cannot do without (the system description, the
    /// performance log) is an error naming the file.
    public static func read(_ location: PublishedLocation) throws(PublishedResultError) -> MLCommonsResult {
        let system = try readSystem(location.systemFile)
        let log = location.resultFolder + "/performance/run_1/mlperf_log_detail.txt"
        guard FileManager.default.fileExists(atPath: log) else {
            throw .missingFile(path: log, what: "the performance run's LoadGen detail log")
        }
        let performance = try DetailLog(path: log)
        let missing = requiredLogEntries.filter { performance.string($0) == nil }
        guard missing.isEmpty else { throw .incompleteLog(path: log, missing: missing) }
        let logged = performance.string("effective_scenario") ?? ""
        guard logged.lowercased() == location.scenarioFolder.lowercased() else {
            throw .scenarioMismatch(path: log, folder: location.scenarioFolder, logged: logged)
        }
        let measurements = location.measurementsFolder
        let (model, modelFile) = try readModel(measurements)
        return MLCommonsResult(
            location: location, system: system, model: model, modelFile: modelFile,
            userConf: textFile(measurements + "/user.conf"), performance: performance,
            accuracy: readAccuracy(location.resultFolder + "/accuracy/accuracy.txt"),
            console: textFile(measurements + "/performance_console.out"), tool: readTool(measurements),
            packages: readPackages(measurements + "/pip_freeze.json"),
            readmeCommands: readmeCommands(measurements + "/README.md"),
            compliance: readCompliance(location.complianceFolders))
    }

    /// `systems/<system>.json` with the fields a reproduction needs.
    public static func readSystem(_ path: String) throws(PublishedResultError) -> [String: String] {
        let object = try jsonObject(path, what: "the system description")
        let system = object.mapValues(text)
        let missing = requiredSystemFields.filter { system[$0] == nil }
        guard missing.isEmpty else { throw .missingFields(path: path, fields: missing) }
        return system
    }

    /// The model's description: `model-info.json` (MLCFlow), else the JSON of the folder that has
    /// `starting_weights_filename` (`<system>.json`, `<system>_<implementation>_<scenario>.json`).
    static func readModel(_ folder: String) throws(PublishedResultError) -> ([String: String], String?) {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter {
            $0.hasSuffix(".json")
        }.sorted()
        for name in ["model-info.json"] + names.filter({ $0 != "model-info.json" }) where names.contains(name) {
            let path = folder + "/" + name
            guard let object = try? jsonObject(path, what: "") else { continue }
            if object["starting_weights_filename"] != nil { return (object.mapValues(text), path) }
        }
        return ([:], nil)
    }

    static func jsonObject(_ path: String, what: String) throws(PublishedResultError) -> [String: Any] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .missingFile(path: path, what: what)
        }
        let parsed: Any
        do { parsed = try JSONSerialization.jsonObject(with: data) } catch {
            throw .notJSON(path: path, problem: "\(error.localizedDescription)")
        }
        guard let object = parsed as? [String: Any] else { throw .notJSON(path: path, problem: "not an object") }
        return object
    }

    /// A JSON value as text (numbers as written, lists joined).
    static func text(_ value: Any) -> String {
        switch value {
        case let s as String: return s
        case let n as NSNumber: return n.stringValue
        case let a as [Any]: return a.map(text).joined(separator: ", ")
        case is NSNull: return ""
        default: return "\(value)"
        }
    }

    static func textFile(_ path: String) -> TextFile? {
        guard let data = FileManager.default.contents(atPath: path) else { return nil }
        return TextFile(path: path, text: String(decoding: data, as: UTF8.self))
    }

    static func readAccuracy(_ path: String) -> Accuracy? {
        guard let file = textFile(path),
            let line = file.text.split(separator: "\n").first(where: { $0.hasPrefix("accuracy=") })
        else { return nil }
        var fields: [String: String] = [:]
        for part in line.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            if pair.count == 2 { fields[pair[0]] = pair[1] }
        }
        guard let percent = fields["accuracy"].flatMap({ Double($0.replacingOccurrences(of: "%", with: "")) }) else {
            return nil
        }
        return Accuracy(
            path: path, line: String(line), percent: percent, good: fields["good"].flatMap { Int($0) },
            total: fields["total"].flatMap { Int($0) })
    }

    static func readTool(_ folder: String) -> Tool? {
        for (file, name) in [("mlc-version-info.json", "MLCFlow"), ("cm-version-info.json", "CM")] {
            let path = folder + "/" + file
            guard let data = FileManager.default.contents(atPath: path),
                let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any]
            else { continue }
            return Tool(name: name, file: path, inferenceSource: inferenceSource(object))
        }
        return nil
    }

    /// The version the record gives the mlcommons/inference source (`get,mlcommons,inference,src`).
    static func inferenceSource(_ record: [String: Any]) -> String? {
        for steps in record.values {
            for step in steps as? [[String: Any]] ?? [] {
                for (tags, info) in step where tags.contains("inference,src") {
                    if let version = (info as? [String: Any])?["version"] as? String, !version.isEmpty {
                        return version
                    }
                }
            }
        }
        return nil
    }

    static func readPackages(_ path: String) -> [String: String] {
        guard let data = FileManager.default.contents(atPath: path),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let packages = object["pip_freeze"] as? [String: Any]
        else { return [:] }
        return packages.mapValues(text)
    }

    /// The lines of the README's code blocks that run the submitter's tool.
    static func readmeCommands(_ path: String) -> [String] {
        guard let file = textFile(path) else { return [] }
        var out: [String] = []
        var inBlock = false
        var current = ""
        for raw in file.text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("```") {
                inBlock.toggle()
                continue
            }
            guard inBlock else { continue }
            if current.isEmpty {
                guard ["cm ", "mlc ", "mlcr ", "cmr "].contains(where: { line.hasPrefix($0) }) else { continue }
            }
            current +=
                (current.isEmpty ? "" : " ")
                + line.replacingOccurrences(of: "\\", with: "")
                .trimmingCharacters(in: .whitespaces)
            if !line.hasSuffix("\\") {
                out.append(current)
                current = ""
            }
        }
        return out
    }

    static func readCompliance(_ folders: [String]) -> [String: String] {
        var out: [String: String] = [:]
        for folder in folders {
            for test in ["TEST01", "TEST04"] where out[test] == nil {
                let verdicts = ["verify_accuracy.txt", "verify_performance.txt"].compactMap {
                    textFile(folder + "/\(test)/" + $0)?.text
                }
                guard !verdicts.isEmpty else { continue }
                let lines = verdicts.flatMap { $0.split(separator: "\n") }.filter { $0.contains("TEST ") }
                let failed = lines.first { $0.contains("TEST FAIL") }
                out[test] = String(failed ?? lines.last ?? "no verdict")
                    .trimmingCharacters(in: .whitespaces)
            }
        }
        return out
    }
}
