import Basics
import Foundation
import Recipes
import Workflow

/// The MLCommons inference submission checker (`tools/submission/submission_checker/main.py` of an
/// mlcommons/inference checkout), run on a tree.
///
/// Every path it gets is absolute, and it runs in the folder that holds the tree, so its own files (the results
/// CSV) land beside the tree and not in the user's working directory or in the checkout. Its whole output is saved
/// to `official-checker.log` there; what it concluded is a `Verdict`, and a checker that crashed or printed no
/// verdict is reported with its command, exit status and last lines.
public struct OfficialChecker: Sendable {
    /// The checkout, absolute.
    public let checkout: String

    public init(checkout: String) { self.checkout = FileSystemPath.absolute(checkout) }

    public var script: String { checkout + "/tools/submission/submission_checker/main.py" }

    public enum Outcome: Sendable, Equatable {
        /// `SUMMARY: submission looks OK`.
        case passed
        /// `SUMMARY: submission has errors`: the checker ran and listed problems.
        case problems
        /// The checker could not run, crashed, or ended without a verdict line.
        case failed
    }

    public struct Verdict: Sendable {
        public var outcome: Outcome
        /// The lines worth showing: the checker's errors and its summary counts (`Results=…`, `SUMMARY: …`).
        public var lines: [String]
        /// How the program ended, with its command line and where its output was saved.
        public var report: ProgramReport
        /// One sentence: what the verdict means.
        public var reason: String
    }

    /// Runs the checker on `tree` (the folder holding the division folders) for the round `version`; the log goes
    /// to `<folder of tree>/official-checker.log`.
    public func check(tree: String, version: String, timeout: Double = 3600) -> Verdict {
        let tree = FileSystemPath.absolute(tree)
        let folder = FileSystemPath.parent(tree)
        let log = folder + "/official-checker.log"
        let argv = [
            "python3", script, "--input", tree, "--version", version, "--csv", folder + "/official-checker-summary.csv",
        ]
        guard FileSystemPath.kind(script) == .file else {
            let result = Command.Result(
                argv: argv, status: 127, stdout: "", stderr: "\(script) does not exist")
            return Verdict(
                outcome: .failed, lines: [], report: ProgramReport(result),
                reason: "\(script) not found: give --official-checker an mlcommons/inference checkout")
        }
        let result = Command.run(argv, directory: folder, mergeOutput: true, timeout: timeout)
        let saved = (try? FileOps.write(result.stdout, to: log)) != nil
        let report = ProgramReport(result, logPath: saved ? log : nil)
        return OfficialChecker.verdict(report)
    }

    /// What the checker's output says.
    static func verdict(_ report: ProgramReport) -> Verdict {
        let output = report.result.stdout
        let lines = output.split(separator: "\n").map(String.init).filter {
            $0.contains("ERROR") || $0.contains("Results=") || $0.contains("SUMMARY:")
        }
        if report.result.succeeded, output.contains("SUMMARY: submission looks OK") {
            return Verdict(
                outcome: .passed, lines: lines, report: report, reason: "the official checker passed the tree")
        }
        if output.contains("SUMMARY: submission has errors") && report.result.signal == nil {
            let errors = lines.filter { $0.contains("ERROR") && !$0.contains("SUMMARY:") }.count
            return Verdict(
                outcome: .problems, lines: lines, report: report,
                reason: "the official checker found problems (\(errors) error line\(errors == 1 ? "" : "s"))")
        }
        let why =
            report.result.succeeded
            ? "the official checker ended without a SUMMARY line"
            : "the official checker did not run to a verdict (\(report.ending))"
        return Verdict(outcome: .failed, lines: lines, report: report, reason: why)
    }
}
