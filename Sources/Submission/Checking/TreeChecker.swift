import Foundation
import LoadGen

/// What `TreeChecker` found in a tree.
public struct CheckReport: Sendable {
    /// Every problem, each a line in the official checker's words where it has words for it.
    public var problems: [String] = []
    /// The rules the short-run profile did not apply, in words (empty without it).
    public var relaxations: [String] = []
    /// The results (system × benchmark × scenario) checked.
    public var results = 0
    /// The benchmark folders of the round's other benchmarks, whose rules repro does not hold: not checked, said so.
    public var notChecked: [String] = []
}

/// A tree that cannot be checked at all (bad input rather than a problem of the tree).
public struct CheckInputError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ d: String) { description = d }
}

/// repro's submission checker: the structure, completeness and log rules of MLCommons' checker for one round,
/// read from that round's `Rules`, for any tree (repro's, another tool's, or one downloaded from MLCommons'
/// results repositories). Every problem is listed at once. MLCommons' checker remains the authority.
public struct TreeChecker {
    let root: String
    /// What messages call the root (the path as the user gave it, or "" for paths relative to the tree).
    let shown: String
    let rules: Rules
    let shortRuns: Bool
    var problems: [String] = []
    var results = 0
    var notChecked: [String] = []

    /// The short-run profile's relaxations, in words.
    public static let shortRunRelaxations = [
        "the minimum test duration of 600 s (effective_min_duration_ms) is not required of performance runs, nor of "
            + "the TEST01 and TEST04 runs"
    ]

    /// Checks the tree under `root` (the folder holding `open/`, `closed/` or `network/`). Messages name paths under
    /// `shownAs` (default: `root` as given; "" gives paths relative to the tree).
    public static func check(root: String, rules: Rules, shortRuns: Bool = false, shownAs: String? = nil)
        throws(CheckInputError) -> CheckReport
    {
        let trimmed = root.count > 1 && root.hasSuffix("/") ? String(root.dropLast()) : root
        guard FileManager.default.fileExists(atPath: trimmed) else {
            throw CheckInputError("error: \(root) does not exist")
        }
        guard isDirectory(trimmed) else { throw CheckInputError("error: \(root) is not a folder") }
        let divisions = directories(trimmed).filter { rules.validDivisions.contains($0) }
        guard !divisions.isEmpty else {
            throw CheckInputError(
                "error: \(root) holds no division folder (\(rules.validDivisions.joined(separator: ", "))): "
                    + "give the folder of a submission tree")
        }
        var checker = TreeChecker(root: trimmed, shown: shownAs ?? trimmed, rules: rules, shortRuns: shortRuns)
        for division in divisions {
            for submitter in directories(trimmed + "/" + division) {
                checker.checkSubmitter(division: division, submitter: submitter)
            }
        }
        return CheckReport(
            problems: checker.problems, relaxations: shortRuns ? shortRunRelaxations : [], results: checker.results,
            notChecked: checker.notChecked)
    }

    // MARK: The walk

    mutating func checkSubmitter(division: String, submitter: String) {
        let results = "\(division)/\(submitter)/results"
        guard TreeChecker.isDirectory(at(results)) else {
            problems.append("\(show(results)) does not exist")
            return
        }
        let systems = TreeChecker.directories(at(results))
        if systems.isEmpty { problems.append("\(show(results)) has no system folder") }
        for system in systems {
            let description = checkSystem(division: division, submitter: submitter, system: system)
            for benchmark in TreeChecker.directories(at("\(results)/\(system)")) {
                checkBenchmark(
                    division: division, submitter: submitter, system: system, benchmark: benchmark,
                    systemType: description?["system_type"] as? String)
            }
        }
    }

    mutating func checkBenchmark(
        division: String, submitter: String, system: String, benchmark folder: String, systemType: String?
    ) {
        let path = "\(division)/\(submitter)/results/\(system)/\(folder)"
        let scenarios = TreeChecker.directories(at(path))
        let benchmark = rules.benchmark(folder)
        if benchmark == nil, rules.isUnchecked(folder) {
            notChecked.append(
                "\(show(path)) (\(scenarios.count) scenario\(scenarios.count == 1 ? "" : "s")): \(folder) is a "
                    + "benchmark of \(rules.round) whose rules repro does not hold")
            return
        }
        if benchmark == nil {
            problems.append(
                "\(show(path)): \(folder) is not a benchmark of \(rules.round) that this checker knows (known: "
                    + "\(rules.benchmarks.keys.sorted().joined(separator: ", ")))")
        }
        if let (name, b) = benchmark, division != "open", let type = systemType {
            checkScenarios(path: path, benchmark: name, b, systemType: type, present: scenarios)
        }
        for scenario in scenarios {
            results += 1
            checkResult(
                Result(division: division, submitter: submitter, system: system, benchmark: folder, scenario: scenario),
                benchmark: benchmark?.rules)
        }
    }

    /// The scenarios a closed (or network) result needs for its system type, and none it may not have.
    mutating func checkScenarios(
        path: String, benchmark: String, _ b: Rules.Benchmark, systemType: String, present: [String]
    ) {
        let type = systemType == "edge,datacenter" ? "datacenter,edge" : systemType
        guard let required = b.requiredScenarios[type] else {
            problems.append("\(show(path)): \(benchmark) has no \(systemType) scenarios in \(rules.round)")
            return
        }
        let optional = b.optionalScenarios?[type] ?? []
        // A folder names a scenario whatever its case (`offline` is Offline).
        let have = Set(present.compactMap(TestScenario.init(folder:)))
        let missing = required.filter { !have.contains($0) }
        let known = Set(required + optional)
        let unknown = present.filter { TestScenario(folder: $0).map { !known.contains($0) } ?? true }
        if !missing.isEmpty {
            problems.append(
                "\(show(path)) does not have all required scenarios, missing "
                    + TreeChecker.pythonList(missing.map(\.rawValue)))
        }
        if !unknown.isEmpty {
            problems.append(
                "\(show(path)) has all unknown scenarios for this benchmark \(TreeChecker.pythonList(unknown))")
        }
    }

    /// One result: its names, and the paths of its parts.
    struct Result {
        let division: String
        let submitter: String
        let system: String
        let benchmark: String
        /// The scenario folder's name as it is in the tree (any text: `TestScenario(folder:)` reads it).
        let scenario: String

        var values: [String: String] {
            [
                "division": division, "submitter": submitter, "system": system, "benchmark": benchmark,
                "scenario": scenario,
            ]
        }
    }

    // MARK: Helpers

    func at(_ relative: String) -> String { root + "/" + relative }
    func show(_ relative: String) -> String { shown.isEmpty ? relative : shown + "/" + relative }

    static func isDirectory(_ path: String) -> Bool {
        var d: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &d) && d.boolValue
    }

    /// The folders in `path`, sorted, hidden ones left out.
    static func directories(_ path: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter {
            !$0.hasPrefix(".") && isDirectory(path + "/" + $0)
        }.sorted()
    }

    /// The files in `path`, sorted.
    static func files(_ path: String) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).filter {
            !isDirectory(path + "/" + $0)
        }.sorted()
    }

    /// `['a', 'b']`, as Python prints a list in the official checker's messages.
    static func pythonList(_ items: [String]) -> String { "[" + items.map { "'\($0)'" }.joined(separator: ", ") + "]" }

    /// `{'a', 'b'}`, as Python prints a set.
    static func pythonSet(_ items: [String]) -> String { "{" + items.map { "'\($0)'" }.joined(separator: ", ") + "}" }

    /// Files missing from `folder` or there beyond `required` and `optional`.
    static func fileListMismatch(_ folder: String, required: [String], optional: [String]) -> [String] {
        let present = Set(files(folder))
        return present.symmetricDifference(required).subtracting(optional).sorted()
    }
}

extension TestScenario {
    /// The scenario a folder of a tree names, whatever its case (`offline`, `Offline`); nil for any other name.
    init?(folder: String) {
        guard let scenario = TestScenario.allCases.first(where: { $0.rawValue.lowercased() == folder.lowercased() })
        else { return nil }
        self = scenario
    }
}
