import Foundation

/// repro's built-in submission checker: the structure and completeness rules of the official MLCommons checker
/// (`tools/submission/submission_checker`, v6.1) that can be applied without it, with its messages, every problem
/// listed at once. It does not replace the official checker (`repro submit --official-checker`).
public enum InferenceChecker {
    public static let validDivisions = ["open", "closed", "network"]
    public static let validStatuses = ["available", "preview", "rdi"]
    public static let validSystemTypes = ["datacenter", "edge", "datacenter,edge", "edge,datacenter"]
    static let measurementsFields = [
        "input_data_types", "retraining", "starting_weights_filename", "weight_data_types",
        "weight_transformations",
    ]
    static let accuracyFiles = [
        "mlperf_log_summary.txt", "mlperf_log_detail.txt", "accuracy.txt", "mlperf_log_accuracy.json",
    ]

    /// What the round knows of a benchmark: its name in mlperf.conf, dataset size, the smallest performance sample
    /// count, and (closed division) the accuracy target in percent.
    struct Benchmark {
        let model: String
        let datasetSize: UInt64
        let performanceSampleCount: UInt64
        let accuracyTarget: Double
    }
    static let benchmarks: [String: Benchmark] = [
        "resnet": Benchmark(
            model: "resnet50", datasetSize: 50_000, performanceSampleCount: 1024, accuracyTarget: 76.46 * 0.99)
    ]
    /// Whether `benchmark` is an MLPerf benchmark this checker knows.
    public static func knows(_ benchmark: String) -> Bool { benchmarks[benchmark] != nil }

    static let edgeScenarios = ["SingleStream", "MultiStream", "Offline"]
    static let seeds: [(String, UInt64)] = [
        ("qsl_rng_seed", 2_085_463_073_848_966_840), ("sample_index_rng_seed", 2_747_215_439_041_700_203),
        ("schedule_rng_seed", 16_159_082_839_903_944_936),
    ]

    /// What the short-run profile (`shortRuns`) does not require, in words: a short tree is checked by every other
    /// rule, and the relaxations are listed rather than passed silently.
    public static let shortRunRelaxations = [
        "the minimum test duration of 600 s (effective_min_duration_ms) is not required of performance runs"
    ]

    /// Every problem in the tree under `root` (which holds the division folders), paths relative to it. With
    /// `shortRuns`, the rules in `shortRunRelaxations` are not applied.
    public static func check(root: String, shortRuns: Bool = false) -> [String] {
        let prefix = root.hasSuffix("/") ? root : root + "/"
        return checkTree(root: root, shortRuns: shortRuns).map { $0.replacingOccurrences(of: prefix, with: "") }
    }

    static func checkTree(root: String, shortRuns: Bool) -> [String] {
        var problems: [String] = []
        let fm = FileManager.default
        func list(_ path: String) -> [String] {
            ((try? fm.contentsOfDirectory(atPath: path)) ?? []).filter { !$0.hasPrefix(".") }.sorted()
        }
        func isDir(_ path: String) -> Bool {
            var d: ObjCBool = false
            return fm.fileExists(atPath: path, isDirectory: &d) && d.boolValue
        }
        let divisions = list(root).filter { isDir(root + "/" + $0) }
        if divisions.isEmpty { problems.append("\(root) holds no division folder (open, closed or network)") }
        for division in divisions {
            guard validDivisions.contains(division) else {
                problems.append("\(root)/\(division) is not a valid division (open, closed, network)")
                continue
            }
            for submitter in list("\(root)/\(division)") where isDir("\(root)/\(division)/\(submitter)") {
                let base = "\(root)/\(division)/\(submitter)"
                let systems = list(base + "/results").filter { isDir("\(base)/results/\($0)") }
                if systems.isEmpty { problems.append("\(base)/results has no system folder") }
                for system in systems {
                    problems += checkSystem(base: base, division: division, submitter: submitter, system: system)
                    for benchmark in list("\(base)/results/\(system)") {
                        let scenarios = list("\(base)/results/\(system)/\(benchmark)")
                        if !isDir("\(base)/src/\(benchmark)") && !isDir("\(base)/code/\(benchmark)") {
                            problems.append("\(base)/src/\(benchmark) src directory does not exist")
                        }
                        guard let b = benchmarks[benchmark] else {
                            problems.append(
                                "\(base)/results/\(system)/\(benchmark): \(benchmark) is not a benchmark of v6.1 this checker knows (known: \(benchmarks.keys.sorted().joined(separator: ", ")))"
                            )
                            continue
                        }
                        if division == "closed" {
                            let missing = edgeScenarios.filter { !scenarios.contains($0) }
                            if !missing.isEmpty {
                                problems.append(
                                    "\(base)/results/\(system)/\(benchmark) does not have all required scenarios, missing \(missing)"
                                )
                            }
                        }
                        for scenario in scenarios {
                            let dir = "\(base)/results/\(system)/\(benchmark)/\(scenario)"
                            problems += checkResult(
                                dir, base: base, system: system, benchmark: benchmark, scenario: scenario,
                                division: division, b: b, shortRuns: shortRuns)
                        }
                    }
                }
            }
        }
        return problems
    }

    static func checkSystem(base: String, division: String, submitter: String, system: String) -> [String] {
        let path = "\(base)/systems/\(system).json"
        guard let data = FileManager.default.contents(atPath: path) else {
            return ["\(path) system json file not found"]
        }
        guard let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            return ["\(path) is not a JSON object"]
        }
        var problems: [String] = []
        if let status = json["status"] as? String, !validStatuses.contains(status.lowercased()) {
            problems.append("\(path) has invalid status (\(status))")
        }
        if let type = json["system_type"] as? String, !validSystemTypes.contains(type) {
            problems.append("\(path) has invalid system type (\(type))")
        }
        for k in SystemDescription.requiredFields {
            guard let v = json[k] else {
                problems.append("\(path), field \(k) is missing")
                continue
            }
            if SystemDescription.meaningfulFields.contains(k), "\(v)".trimmingCharacters(in: .whitespaces).isEmpty {
                problems.append("\(path), field \(k) requires a meaningful response but is empty")
            }
        }
        if let s = json["submitter"] as? String, s != submitter {
            problems.append("\(path) has submitter \(s), directory has \(submitter)")
        }
        if let d = json["division"] as? String, d != division {
            problems.append("\(path) has division \(d), directory has \(division)")
        }
        return problems
    }

    static func checkResult(
        _ dir: String, base: String, system: String, benchmark: String, scenario: String, division: String,
        b: Benchmark, shortRuns: Bool
    ) -> [String] {
        var problems: [String] = []
        let fm = FileManager.default
        // Measurements: beside the results (v6.1) or under measurements/ (earlier rounds).
        let legacy = "\(base)/measurements/\(system)/\(benchmark)/\(scenario)"
        let measurementsDir = fm.fileExists(atPath: legacy) ? legacy : dir
        let measurements =
            fm.fileExists(atPath: legacy)
            ? ((try? fm.contentsOfDirectory(atPath: legacy)) ?? []).first { $0.hasSuffix(".json") }.map {
                legacy + "/" + $0
            }
            : dir + "/measurements.json"
        if let m = measurements, let data = fm.contents(atPath: m),
            let json = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        {
            for k in measurementsFields {
                if json[k] == nil {
                    problems.append("\(m), field \(k) is missing")
                } else if "\(json[k]!)".isEmpty {
                    problems.append("\(m), field \(k) is missing meaningful value")
                }
            }
        } else {
            problems.append("\(measurements ?? dir + "/measurements.json") measurements json file not found")
        }
        for f in ["user.conf", "README.md"] {
            let p = "\(measurementsDir)/\(f)"
            if !fm.fileExists(atPath: p) {
                problems.append("\(measurementsDir) is missing \(f)")
            } else if (try? fm.attributesOfItem(atPath: p)[.size] as? Int) == 0 {
                problems.append("\(measurementsDir) is having empty \(f)")
            }
        }
        problems += checkPerformance(
            dir + "/performance/run_1", scenario: scenario, division: division, b: b, shortRuns: shortRuns)
        problems += checkAccuracy(dir + "/accuracy", division: division, b: b)
        return problems
    }

    static func checkPerformance(_ path: String, scenario: String, division: String, b: Benchmark, shortRuns: Bool)
        -> [String]
    {
        let fm = FileManager.default
        guard fm.fileExists(atPath: path + "/mlperf_log_summary.txt"),
            fm.fileExists(atPath: path + "/mlperf_log_detail.txt")
        else {
            return ["Performance log missing at \(path)"]
        }
        let log: DetailLogReader
        do { log = try DetailLogReader(path: path + "/mlperf_log_detail.txt") } catch { return ["\(error)"] }
        let path = path + "/mlperf_log_detail.txt"  // the file the official checker names in its messages
        var problems: [String] = []
        if !log.errors.isEmpty {
            problems.append("\(path) contains errors:")
            problems += log.errors
            problems.append("\(path) has loadgen errors, number of errors: \(log.errors.count)")
        }
        if let found = log.integer("effective_performance_sample_count"), found < b.performanceSampleCount {
            problems.append(
                "\(path) performance_sample_count, found \(found), needs to be >= \(b.performanceSampleCount)")
        }
        for (key, expected) in seeds {
            let found = log.integer("effective_\(key)")
            if found != expected {
                problems.append(
                    "\(path) \(key) is wrong, expected=\(expected), found=\(found.map(String.init) ?? "none")")
            }
        }
        if log.string("result_validity") != "VALID" {
            problems.append(
                "\(path) has result_validity \(log.string("result_validity") ?? "missing")"
                    + (log.string("result_invalid_reason").map { ": \($0)" } ?? ""))
        }
        if scenario != "Offline", log.values["early_stopping_met"] as? Bool == false {
            problems.append("Early stopping condition was not met, msg=\(log.string("early_stopping_result") ?? "")")
        }
        if scenario == "Offline", division == "closed", let spq = log.integer("effective_samples_per_query"),
            spq < 24576
        {
            problems.append(
                "\(path) Required minimum samples per query not met by user config, Expected=24576, Found=\(spq)")
        }
        if !shortRuns, let minDuration = log.integer("effective_min_duration_ms"), minDuration < 600_000 {
            problems.append(
                "\(path) Test duration less than 600s in user config. expected=600000, found=\(minDuration)")
        }
        return problems
    }

    static func checkAccuracy(_ path: String, division: String, b: Benchmark) -> [String] {
        let fm = FileManager.default
        var problems: [String] = []
        for f in accuracyFiles where !fm.fileExists(atPath: "\(path)/\(f)") {
            problems.append("\(path)/\(f) is missing")
        }
        if let size = (try? fm.attributesOfItem(atPath: path + "/mlperf_log_accuracy.json"))?[.size] as? Int,
            size > AccuracyLogTruncation.maximumSize
        {
            problems.append("\(path)/mlperf_log_accuracy.json is not truncated")
        }
        if let text = try? String(contentsOfFile: path + "/accuracy.txt", encoding: .utf8) {
            let lines = text.split(separator: "\n")
            let accuracy = lines.lazy.compactMap { line -> Double? in
                guard
                    let r = line.range(
                        of: #"^(?:\{"accuracy|accuracy)[": ]*=?\s*([\d\.]+)"#, options: .regularExpression)
                else { return nil }
                return Double(line[r].drop { !$0.isNumber })
            }.first
            if accuracy == nil { problems.append("\(path) accuracy score not found") }
            if !lines.contains(where: { $0.range(of: #"^hash=[\w\d]+$"#, options: .regularExpression) != nil }) {
                problems.append("\(path) not hash value for accuracy.txt")
            }
            if division == "closed", let a = accuracy, a < b.accuracyTarget {
                problems.append("\(path) accuracy not met: expected=\(b.accuracyTarget), found=\(a)")
            }
        }
        if let log = try? DetailLogReader(path: path + "/mlperf_log_detail.txt") {
            let path = path + "/mlperf_log_detail.txt"
            if !log.errors.isEmpty {
                problems.append("\(path) has loadgen errors, number of errors: \(log.errors.count)")
            }
            let count = log.integer("effective_accuracy_sample_count") ?? log.integer("qsl_reported_total_count") ?? 0
            if count != b.datasetSize {
                problems.append(
                    "\(path) accurcy run does not cover all dataset, accuracy samples: \(count), dataset size: \(b.datasetSize)"
                )
            }
        }
        return problems
    }
}
