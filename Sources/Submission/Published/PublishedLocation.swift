import Foundation

/// One published MLPerf Inference result inside a submitter's folder of an MLCommons results repository
/// (`<division>/<submitter>/{systems,measurements,results,compliance}`): its system, benchmark and scenario
/// folders, and the paths of its parts.
public struct PublishedLocation: Sendable, Equatable {
    /// The submitter's folder (`…/closed/GATEOverflow`), as the user named it or found above it.
    public var submitterFolder: String
    public var division: String
    public var submitter: String
    public var system: String
    /// The benchmark's folder name (`resnet50`, `resnet`, `llama2-70b-99`).
    public var benchmark: String
    /// The scenario's folder name as written (`offline` in CM and MLCFlow trees, `Offline` in others).
    public var scenarioFolder: String

    public var systemFile: String { submitterFolder + "/systems/\(system).json" }
    public var resultFolder: String { submitterFolder + "/results/\(system)/\(benchmark)/\(scenarioFolder)" }
    public var measurementsFolder: String {
        submitterFolder + "/measurements/\(system)/\(benchmark)/\(scenarioFolder)"
    }
    /// v5 trees keep the `TEST0x` folders under `compliance/`, v6 trees beside `performance/` in the result.
    public var complianceFolders: [String] {
        [submitterFolder + "/compliance/\(system)/\(benchmark)/\(scenarioFolder)", resultFolder]
    }
    /// `division/submitter/results/system/benchmark/scenario`: how the result is named in messages.
    public var name: String { "\(division)/\(submitter)/results/\(system)/\(benchmark)/\(scenarioFolder)" }
}

/// Finds results in a folder of an MLCommons results repository: a submitter folder, or a system, benchmark or
/// scenario folder inside it (under `results/`, `measurements/` or `compliance/`), or its `systems/` file.
public enum PublishedFolder {
    /// The parts a path below the submitter folder fixes.
    public struct Fixed: Sendable, Equatable {
        public var system: String?
        public var benchmark: String?
        public var scenario: String?

        public init(system: String? = nil, benchmark: String? = nil, scenario: String? = nil) {
            self.system = system
            self.benchmark = benchmark
            self.scenario = scenario
        }
    }

    /// The submitter folder at or above `path` (a folder holding `systems/` and `results/`), and what the part of
    /// `path` below it fixes; nil when there is none.
    public static func locate(_ path: String) -> (submitterFolder: String, fixed: Fixed)? {
        var folder = URL(fileURLWithPath: path).standardizedFileURL.path
        var below: [String] = []
        for _ in 0..<8 {
            if isSubmitterFolder(folder) { return (folder, fixed(below, submitterFolder: folder)) }
            let parent = (folder as NSString).deletingLastPathComponent
            if parent == folder || parent.isEmpty { break }
            below.insert((folder as NSString).lastPathComponent, at: 0)
            folder = parent
        }
        return nil
    }

    static func isSubmitterFolder(_ path: String) -> Bool {
        isDirectory(path + "/results") && isDirectory(path + "/systems")
    }

    static func fixed(_ below: [String], submitterFolder: String) -> Fixed {
        guard let first = below.first else { return Fixed() }
        switch first {
        case "results", "measurements", "compliance":
            let rest = Array(below.dropFirst())
            return Fixed(
                system: rest.first, benchmark: rest.count > 1 ? rest[1] : nil, scenario: rest.count > 2 ? rest[2] : nil)
        case "systems":
            return Fixed(system: below.count > 1 ? (below[1] as NSString).deletingPathExtension : nil)
        default:
            return Fixed()
        }
    }

    /// Every result of the submitter folder whose system, benchmark and scenario match the given ones (a scenario
    /// is matched without regard to case: `offline` is `Offline`).
    public static func results(in submitterFolder: String, system: String?, benchmark: String?, scenario: String?)
        -> [PublishedLocation]
    {
        let division = ((submitterFolder as NSString).deletingLastPathComponent as NSString).lastPathComponent
        let submitter = (submitterFolder as NSString).lastPathComponent
        var out: [PublishedLocation] = []
        for s in directories(submitterFolder + "/results") where system == nil || s == system {
            for b in directories(submitterFolder + "/results/" + s) where benchmark == nil || b == benchmark {
                for c in directories(submitterFolder + "/results/\(s)/\(b)")
                where scenario == nil || c.lowercased() == scenario!.lowercased() {
                    out.append(
                        PublishedLocation(
                            submitterFolder: submitterFolder, division: division, submitter: submitter, system: s,
                            benchmark: b, scenarioFolder: c))
                }
            }
        }
        return out
    }

    static func isDirectory(_ path: String) -> Bool { TreeChecker.isDirectory(path) }
    static func directories(_ path: String) -> [String] { TreeChecker.directories(path) }
}
