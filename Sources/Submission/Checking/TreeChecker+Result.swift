import Foundation
import LoadGen

extension TreeChecker {
    /// One result: its performance run, accuracy run, measurements, and (closed and network divisions) the
    /// compliance tests its benchmark needs.
    mutating func checkResult(_ r: Result, benchmark b: Rules.Benchmark?) {
        let dir = Rules.Paths.fill(rules.paths.results, r.values)
        let run = dir + "/performance/run_1"
        if TreeChecker.isDirectory(at(run)) {
            let extra = TreeChecker.fileListMismatch(
                at(run), required: rules.files.performance, optional: rules.files.performanceOptional)
            if !extra.isEmpty {
                problems.append("\(show(run)) has file list mismatch (\(TreeChecker.pythonSet(extra)))")
            }
        }
        checkPerformance(run + "/mlperf_log_detail.txt", shownAs: run + "/mlperf_log_detail.txt", r, b)
        checkAccuracy(dir + "/accuracy", r, b)
        checkMeasurements(r)
        if r.division != "open", let b {
            checkCompliance(Rules.Paths.fill(rules.paths.compliance, r.values), r, b)
        }
    }

    /// The performance log of a result (or of a compliance test, whose messages name its folder).
    mutating func checkPerformance(_ relative: String, shownAs name: String, _ r: Result, _ b: Rules.Benchmark?) {
        let path = show(name)
        guard FileManager.default.fileExists(atPath: at(relative)) else {
            problems.append("Performance log missing at \(path)")
            return
        }
        let log: DetailLogReader
        do { log = try DetailLogReader(path: at(relative)) } catch {
            problems.append("\(error)")
            return
        }
        if !log.errors.isEmpty {
            problems.append("\(path) contains errors:")
            problems += log.errors
            problems.append("\(path) has loadgen errors, number of errors: \(log.errors.count)")
        }
        let logScenario = log.string("effective_scenario") ?? r.scenario
        // LoadGen's name, exactly (a log naming no scenario of it gets the Offline-like checks and no limits).
        let scenario = TestScenario(rawValue: logScenario)
        if let b, let found = log.integer("effective_performance_sample_count"), found < b.performanceSampleCount {
            problems.append(
                "\(path) performance_sample_count, found \(found), needs to be >= \(b.performanceSampleCount)")
        }
        for (key, expected) in rules.seeds {
            let found = log.integer("effective_\(key)")
            if found != expected {
                problems.append(
                    "\(path) \(key) is wrong, expected=\(expected), found=\(found.map(String.init) ?? "None")")
            }
        }
        let latencyLimit = scenario.flatMap { b?.latencyConstraintNs?[$0] }
        switch scenario {
        case .server, .singleStream, .multiStream:
            if log.bool("early_stopping_met") == false {
                problems.append(
                    "Early stopping condition was not met, msg=\(log.string("early_stopping_result") ?? "")")
            } else if let limit = latencyLimit, let found = log.integer("effective_target_latency_ns"), found > limit {
                problems.append(
                    "\(path) Latency constraint with early stopping not met, expected=\(limit), found=\(found)")
            }
        case .offline, nil:
            if let limit = latencyLimit, let found = log.integer("result_99.00_percentile_latency_ns"), found > limit {
                problems.append("\(path) Latency constraint not met, expected=\(limit), found=\(found)")
            }
            if let required = scenario.flatMap({ b?.minQueries[$0] }),
                let found = log.integer("effective_min_query_count"),
                found < required
            {
                problems.append(
                    "\(path) Required minimum Query Count not met by user config, Expected=\(required), Found=\(found)")
            }
        }
        if scenario == .offline, r.division == "closed", let b, let spq = log.integer("effective_samples_per_query"),
            spq < b.offlineMinSamplesPerQuery
        {
            problems.append(
                "\(path) Required minimum samples per query not met by user config, Expected=\(b.offlineMinSamplesPerQuery), Found=\(spq)"
            )
        }
        if !shortRuns, let minDuration = log.integer("effective_min_duration_ms"), minDuration < rules.testDurationMs {
            problems.append(
                "\(path) Test duration less than 600s in user config. expected=\(rules.testDurationMs), found=\(minDuration)"
            )
        }
        // repro's own rule: the official checker reads the metric of an INVALID run as any other.
        if log.string("result_validity") != "VALID" {
            problems.append(
                "\(path) has result_validity \(log.string("result_validity") ?? "missing")"
                    + (log.string("result_invalid_reason").map { ": \($0)" } ?? ""))
        }
        checkInferred(path: path, logScenario: logScenario, folder: r.scenario, r)
    }

    /// A result filed under another scenario than its log's is allowed only for edge systems, from single stream
    /// to multistream or offline, and from multistream to offline.
    mutating func checkInferred(path: String, logScenario: String, folder: String, _ r: Result) {
        let run = logScenario.lowercased()
        let fixed = folder.lowercased()
        // A Server log filed under an Interactive folder (the LLMs' scenario, not a TestScenario) passes.
        guard run != fixed, (run, fixed) != ("server", "interactive") else { return }
        let description =
            (try? Data(
                contentsOf: URL(
                    fileURLWithPath: at(
                        Rules.Paths.fill(
                            rules.paths.systemDescription, r.values)))))
            .flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
        let type = "\(description?["system_type"] ?? "")"
        if !type.lowercased().contains("edge") {
            problems.append(
                "Result can not be inferred for \(type) suite for: \(path). Scenario: \(logScenario), Scenario fixed: \(folder)"
            )
            return
        }
        let allowed: [(TestScenario, TestScenario)] = [
            (.singleStream, .multiStream), (.multiStream, .offline), (.singleStream, .offline),
        ]
        let from = TestScenario(folder: logScenario)
        let to = TestScenario(folder: folder)
        if !allowed.contains(where: { $0.0 == from && $0.1 == to }) {
            problems.append("Result for scenario \(folder) can not be inferred from \(logScenario) for: \(path)")
        }
    }

    /// The accuracy run: its files, the accuracy line against the target (closed), the hash line, the truncated
    /// log, LoadGen's errors and the whole data set covered.
    mutating func checkAccuracy(_ dir: String, _ r: Result, _ b: Rules.Benchmark?) {
        let detail = dir + "/mlperf_log_detail.txt"
        for f in rules.files.accuracy where !FileManager.default.fileExists(atPath: at(dir + "/" + f)) {
            problems.append("\(show(dir + "/" + f)) is missing")
        }
        let json = dir + "/mlperf_log_accuracy.json"
        if let size = (try? FileManager.default.attributesOfItem(atPath: at(json)))?[.size] as? Int,
            size > rules.maxAccuracyLogBytes
        {
            problems.append("\(show(json)) is not truncated")
        }
        if let text = try? String(contentsOfFile: at(dir + "/accuracy.txt"), encoding: .utf8) {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for target in b?.accuracy ?? [] {
                guard let (value, text) = accuracyFigure(target.metric, in: lines) else {
                    problems.append("\(show(detail)) accuracy score not found")
                    continue
                }
                if r.division != "open", value < target.target {
                    problems.append(
                        "\(show(detail)) accuracy not met: expected=\(String(format: "%f", target.target)), found=\(text)"
                    )
                }
            }
            if !lines.contains(where: { $0.range(of: #"^hash=[\w\d]+$"#, options: .regularExpression) != nil }) {
                problems.append("\(show(detail)) not hash value for accuracy.txt")
            }
        }
        guard let log = try? DetailLogReader(path: at(detail)) else { return }
        if !log.errors.isEmpty {
            problems.append("\(show(detail)) contains errors:")
            problems += log.errors
            problems.append("\(show(detail)) has loadgen errors, number of errors: \(log.errors.count)")
        }
        if let b {
            let expected = b.accuracySampleCount ?? b.datasetSize
            let count = log.integer("effective_accuracy_sample_count") ?? log.integer("qsl_reported_total_count") ?? 0
            if count != expected {
                problems.append(
                    "\(show(detail)) accurcy run does not cover all dataset, accuracy samples: \(count), dataset size: \(expected)"
                )
            }
        }
    }

    /// The figure a line of `lines` gives for `metric`, by the round's pattern (matched from the line's start).
    func accuracy(_ metric: String, in lines: [String]) -> Double? { accuracyFigure(metric, in: lines)?.value }

    /// The figure and its text as written.
    func accuracyFigure(_ metric: String, in lines: [String]) -> (value: Double, text: String)? {
        guard let pattern = rules.accuracyPatterns[metric], let regex = try? NSRegularExpression(pattern: pattern)
        else { return nil }
        for line in lines {
            let range = NSRange(line.startIndex..., in: line)
            if let m = regex.firstMatch(in: line, options: .anchored, range: range), m.numberOfRanges > 1,
                let r = Range(m.range(at: 1), in: line), let value = Double(line[r])
            {
                return (value, String(line[r]))
            }
        }
        return nil
    }

    /// The measurements: the JSON with every field, `user.conf` and `README.md` (not empty), and the code folder.
    mutating func checkMeasurements(_ r: Result) {
        let dir = Rules.Paths.fill(rules.paths.measurements, r.values)
        var file = Rules.Paths.fill(
            rules.paths.measurementsFile, r.values.merging(["implementation": "*"]) { a, _ in a })
        if file.contains("*") {
            // The older layout names the file after the system (`<system>_<implementation>_<scenario>.json`).
            let candidates = TreeChecker.files(at(dir)).filter { $0.hasPrefix(r.system) && $0.hasSuffix(".json") }
            file = candidates.first { $0.hasSuffix("_\(r.scenario).json") } ?? candidates.first ?? file
        }
        let json = dir + "/" + file
        if let data = FileManager.default.contents(atPath: at(json)),
            let fields = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
        {
            for k in rules.measurementsFields {
                if let v = fields[k] {
                    if TreeChecker.isEmpty(v) {
                        problems.append("\(show(json)), field \(k) is missing meaningful value")
                    }
                } else {
                    problems.append("\(show(json)), field \(k) is missing")
                }
            }
        } else {
            problems.append("\(show(json)) measurements json file not found")
        }
        let code = Rules.Paths.fill(rules.paths.code, r.values)
        if !TreeChecker.isDirectory(at(code)) { problems.append("\(show(code)) src directory does not exist") }
        let present = TreeChecker.files(at(dir))
        for f in rules.files.measurements {
            if !present.contains(f) {
                problems.append("\(show(dir)) is missing \(f)")
            } else if (try? FileManager.default.attributesOfItem(atPath: at(dir + "/" + f)))?[.size] as? Int == 0 {
                problems.append("\(show(dir)) is having empty \(f)")
            }
        }
    }
}
