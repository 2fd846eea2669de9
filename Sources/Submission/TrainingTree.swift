import Basics
import Foundation

/// An MLPerf Training submission tree: `<division>/<submitter>/systems/<system>.json`,
/// `benchmarks/<benchmark>/implementations/<implementation>/README.md`, and
/// `results/<system>/<benchmark>/result_<i>.txt` (one `:::MLLOG` log per run).
public enum TrainingTree {
    public static func write(
        logs: [String], benchmark: String, division: String, submitter: String, system: String,
        systemDescription: [String: String], implementation: String = "repro", readme: String,
        treeReadme: String? = nil, to root: String
    ) throws -> String {
        let fm = FileManager.default
        let base = "\(root)/\(division)/\(submitter)"
        try fm.createDirectory(atPath: base + "/systems", withIntermediateDirectories: true)
        if let treeReadme { try treeReadme.write(toFile: root + "/README.md", atomically: true, encoding: .utf8) }
        try SystemDescription.json(systemDescription).write(
            toFile: "\(base)/systems/\(system).json", atomically: true, encoding: .utf8)
        let impl = "\(base)/benchmarks/\(benchmark)/implementations/\(implementation)"
        try fm.createDirectory(atPath: impl, withIntermediateDirectories: true)
        try readme.write(toFile: impl + "/README.md", atomically: true, encoding: .utf8)
        let results = "\(base)/results/\(system)/\(benchmark)"
        try fm.createDirectory(atPath: results, withIntermediateDirectories: true)
        for (i, log) in logs.enumerated() { try InferenceTree.copy(log, to: "\(results)/result_\(i).txt") }
        return base
    }

    /// Structure and completeness: enough result files, each a finished run whose submission_* keys match the tree.
    /// `logBenchmark` is the logs' `submission_benchmark` (whose mlperf-logging rules they follow), the folder's name
    /// unless a practice tree says otherwise.
    public static func check(
        base: String, benchmark: String, logBenchmark: String? = nil, system: String, required: Int = 5
    ) -> [String] {
        let logBenchmark = logBenchmark ?? benchmark
        var problems: [String] = []
        let results = "\(base)/results/\(system)/\(benchmark)"
        let files = ((try? FileManager.default.contentsOfDirectory(atPath: results)) ?? []).filter {
            $0.hasPrefix("result_") && $0.hasSuffix(".txt")
        }.sorted()
        if files.count < required {
            problems.append("\(results) has \(files.count) result files, \(benchmark) needs \(required)")
        }
        if !FileManager.default.fileExists(atPath: "\(base)/systems/\(system).json") {
            problems.append("\(base)/systems/\(system).json is missing")
        }
        let submitter = (base as NSString).lastPathComponent
        for f in files {
            guard let text = try? String(contentsOfFile: "\(results)/\(f)", encoding: .utf8) else { continue }
            var status: String?
            var org: String?
            var bench: String?
            for entry in text.split(separator: "\n").compactMap(MLLogLine.init) {
                if entry.key == "run_stop" { status = entry.metadata["status"] as? String }
                if entry.key == "submission_org" { org = entry.value as? String }
                if entry.key == "submission_benchmark" { bench = entry.value as? String }
            }
            if status == nil {
                problems.append("\(results)/\(f) has no run_stop")
            } else if status != "success" {
                problems.append("\(results)/\(f) did not converge (run_stop status \(status!))")
            }
            if let org, org != submitter {
                problems.append("\(results)/\(f) has submission_org \(org), directory has \(submitter)")
            }
            if let bench, bench != logBenchmark {
                problems.append("\(results)/\(f) has submission_benchmark \(bench), expected \(logBenchmark)")
            }
        }
        return problems
    }
}
