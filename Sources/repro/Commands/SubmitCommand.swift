import ArgumentParser
import Basics
import Foundation
import Recipes
import Runners
import Submission
import Workflow

struct SubmitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Run a submission recipe, then copy its checked tree, tarball and SHA-256 out of the cache.",
        discussion: """
            The recipe's last step is a `submission` action; everything it needs runs
            first, in parallel where the recipes allow (timed steps are exclusive), and
            what is already in the cache is reused, so a run that failed half-way
            resumes where it stopped.

            Examples:
              repro submit mlperf-submission-resnet-null         # 600 s per scenario
              repro submit mlperf-submission-resnet-null min_duration_ms=10000 \\
                --out short-tree --short-runs
              repro submit mlperf-submission-resnet-null \\
                --matrix scenario=SingleStream,Offline
              repro submit mlperf-submission-digits --matrix model=mlp,resnet8
              repro submit mlperf-submission-resnet-null \\
                --official-checker ~/src/inference --version v6.1
              repro submit mlperf-submission-digits --json   # one JSON object

            --matrix AXIS=V1,V2 sets the recipe's list input AXIS (or AXISs, e.g.
            scenario -> scenarios), or, when AXIS names a variation group, runs one
            request per variation (trees in OUT/1, OUT/2, ...).
            --official-checker runs the MLCommons checker
            (tools/submission/submission_checker/main.py of an mlcommons/inference
            checkout) on each tree; its whole output is saved as
            OUT/official-checker.log.
            Exit status: 0 when the tree was made and every checker passed it, 1 when
            a checker found problems or could not run (the reason is the last line),
            2 for bad input. `repro --version` shows repro's version.
            --json prints one JSON object on stdout (run, nodes, and per tree its
            paths, sha256 and checker verdicts; see docs/command-line.md), with
            the same exit status; progress is reduced to warnings on stderr. A
            submit that fails prints one too: status, error, exit_status, and the
            run, manifest and nodes when the run did not finish.
            """)

    @Argument(help: "A submission recipe (its run is a `submission` action).")
    var selection: String

    @Argument(help: "Inputs of the recipe, as name=value.")
    var inputs: [String] = []

    @OptionGroup var location: LocationOptions

    @Option(help: ArgumentHelp("An axis of the submission: AXIS=V1,V2,... (repeatable).", valueName: "axis=values"))
    var matrix: [String] = []

    @Option(help: "Where to copy the tree, the tarball and its SHA-256.")
    var out: String = "submission"

    @Option(
        help: ArgumentHelp(
            "An mlcommons/inference checkout whose official checker to run on the tree.", valueName: "path"))
    var officialChecker: String?

    @Option(
        help: ArgumentHelp(
            "The MLPerf round: the tree's layout and seeds (the recipe's 'round' input) and the checkers' rules "
                + "(default: the newest, v6.1).", valueName: "round"))
    var version: String?

    @Flag(
        help: "Check with the short-run profile: rules a short tree cannot meet are not applied, and are listed.")
    var shortRuns = false

    @Flag(help: "Reuse the newest measurement of measured steps instead of measuring again.")
    var reuseMeasured = false

    @Option(
        name: .customLong("repeat"),
        help: ArgumentHelp("Run every measured step N times (its median, min, max and N are kept).", valueName: "N"))
    var repeatCount: Int?

    @Flag(help: "Print one JSON object on stdout: the run, its nodes, and each tree, tarball, digest and verdict.")
    var json = false

    func validate() throws {
        if let repeatCount, repeatCount < 1 {
            throw ValidationError("--repeat must be 1 or more, found \(repeatCount)")
        }
    }

    func run() throws {
        let workspace = location.workspace
        let requests: [PlanRequest]
        let rules: Rules
        do {
            let recipe = try workspace.registry().select(Selection(parsing: selection))
            var (provided, overrides) = try InputArguments.parse(inputs).pair
            let round = try SubmissionMatrix.round(recipe: recipe, inputs: &provided, version: version)
            rules = try Rules.load(round)
            requests = try SubmissionMatrix.requests(
                recipe: recipe, selection: selection, inputs: provided, overrides: overrides, axes: matrix)
        } catch { throw fail("\(error)") }
        var options = RunOptions()
        options.reuseMeasured = reuseMeasured
        options.repeatMeasured = repeatCount
        let session = RunSession(workspace: workspace, options: options, command: CommandLine.arguments)
        let outcome = try planAndRun(session, requests, workspace: workspace, output: json ? .quiet : .text)
        // With --json, a failure after the run says which run it was, as the result object would.
        let ran: [String: Value] = [
            "run": .string(outcome.summary.id), "manifest": .string(outcome.summary.manifestPath),
            "run_status": .string(outcome.summary.status.rawValue),
            "nodes": .map([
                "run": .int(outcome.summary.built), "reused": .int(outcome.summary.hits),
                "skipped": .int(outcome.summary.skipped), "failed": .int(outcome.summary.failed),
                "not_run": .int(outcome.summary.notRun),
            ]),
        ]
        guard outcome.summary.status == .succeeded else {
            if !json { RunReport.print(outcome.summary) }
            throw fail(
                "repro submit: the run did not finish; run the same command again to resume (finished steps are "
                    + "cached)", code: 1, details: ran)
        }
        var failures: [String] = []
        var delivered: [Value] = []
        let say: (String) -> Void = json ? { _ in } : { Output.line($0) }
        for (i, root) in outcome.plan.roots.enumerated() {
            let outputs = outcome.results[root].outputs
            guard let tree = outputs["tree"]?.stringValue, let tarball = outputs["tarball"]?.stringValue else {
                throw fail(
                    "error: \(outcome.plan.nodes[root].id) is not a submission step (it has no 'tree' and 'tarball' "
                        + "outputs)", details: ran)
            }
            let dest = outcome.plan.roots.count == 1 ? out : "\(out)/\(i + 1)"
            let copied: String
            do { copied = try SubmissionDelivery.copyOut(tree: tree, tarball: tarball, to: dest) } catch {
                throw fail("error: \(error)", details: ran)
            }
            say(
                "\(dest): submission tree, \(dest)/submission.tar.gz (sha256 \(outputs["sha256"]?.interpolated ?? "?"))"
            )
            let report: CheckReport
            do { report = try TreeChecker.check(root: copied, rules: rules, shortRuns: shortRuns, shownAs: "") } catch {
                throw fail("\(error)", details: ran)
            }
            let problems = report.problems
            if shortRuns {
                say("built-in checker, short-run profile; not required:")
                for r in report.relaxations { say("  - " + r) }
            }
            if problems.isEmpty {
                say("built-in checker: no problems")
            } else {
                say("built-in checker: \(problems.count) problem\(problems.count == 1 ? "" : "s"):")
                for p in problems { say("  " + p) }
                failures.append("\(dest): the built-in checker found \(problems.count) problem(s)")
            }
            var verdict: OfficialChecker.Verdict?
            if let checkout = officialChecker {
                let v = OfficialChecker(checkout: checkout).check(tree: copied, version: rules.round)
                if !json { SubmitCommand.print(v) }
                if v.outcome != .passed { failures.append("\(dest): \(v.reason)") }
                verdict = v
            }
            delivered.append(
                SubmitCommand.json(
                    out: dest, tree: copied, sha256: outputs["sha256"] ?? .null, report: report, official: verdict))
        }
        if json {
            Output.json(
                Value.map([
                    "run": .string(outcome.summary.id), "manifest": .string(outcome.summary.manifestPath),
                    "round": .string(rules.round), "short_runs": .bool(shortRuns),
                    "nodes": .map([
                        "run": .int(outcome.summary.built), "reused": .int(outcome.summary.hits),
                        "skipped": .int(outcome.summary.skipped),
                    ]),
                    "submissions": .list(delivered), "passed": .bool(failures.isEmpty),
                ]))
        }
        guard failures.isEmpty else {
            Output.error("repro submit: exit 1: " + failures.joined(separator: "; "))
            throw ExitCode(1)
        }
        if json { return }
        Output.error(
            "repro submit: "
                + (officialChecker == nil
                    ? "the built-in checker passed (add --official-checker DIR to run MLCommons' checker as well)"
                    : "the built-in and the official checker passed"))
    }

    /// One tree of `--json`: where it was copied, its digest and both checkers' verdicts (the official one is null
    /// when `--official-checker` was not given).
    static func json(
        out: String, tree: String, sha256: Value, report: CheckReport, official: OfficialChecker.Verdict?
    ) -> Value {
        let verdict: Value =
            official.map { v in
                let outcome: String =
                    switch v.outcome {
                    case .passed: "passed"
                    case .problems: "problems"
                    case .failed: "failed"
                    }
                return .map([
                    "outcome": .string(outcome), "reason": .string(v.reason),
                    "lines": .list(v.lines.map(Value.string)),
                    "command": .string(v.report.commandLine), "log": v.report.logPath.map(Value.string) ?? .null,
                ])
            } ?? .null
        var builtin = CheckCommand.json(report)
        builtin["passed"] = .bool(report.problems.isEmpty)
        return .map([
            "out": .string(out), "tree": .string(tree),
            "tarball": .string(FileSystemPath.parent(tree) + "/submission.tar.gz"),
            "sha256": sha256, "builtin_checker": .map(builtin), "official_checker": verdict,
        ])
    }

    /// The official checker's verdict: its error and summary lines, or, when it did not run to a verdict, its
    /// command, exit status and last lines.
    static func print(_ verdict: OfficialChecker.Verdict) {
        Output.line("official checker: \(verdict.report.commandLine)")
        for l in verdict.lines { Output.line("  " + l) }
        if verdict.outcome == .failed {
            Output.line("  \(verdict.reason):")
            Output.line(verdict.report.details.split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        } else if let log = verdict.report.logPath {
            Output.line("  its whole output: \(log)")
        }
    }
}
