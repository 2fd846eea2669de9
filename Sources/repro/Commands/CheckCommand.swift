import ArgumentParser
import Recipes
import Submission

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Check an MLPerf Inference submission tree against a round's rules, whoever made it.",
        discussion: """
            TREE is the folder holding open/, closed/ or network/: a tree from repro
            submit, from another tool, or downloaded from MLCommons' results
            repositories. The rules of each round (v5.1, v6.0, v6.1) are data that
            follow MLCommons' checker of that round: the folder layout, the seeds, the
            benchmarks' scenarios, accuracy targets and sample counts, the compliance
            tests (TEST01, TEST04) of the closed division, the files and fields a tree
            must hold. Problems are listed in the official checker's words. Results of
            the round's benchmarks whose rules repro does not hold (the LLMs, dlrm,
            ...) are listed as not checked, not as problems. MLCommons' checker
            remains the authority (repro submit --official-checker).

            Examples:
              repro check submission/submission
              repro check ~/inference_results_v5.1 --version v5.1
              repro check short/submission --short-runs    # relaxations listed
              repro check submission/submission --json

            --short-runs applies every rule but those a short run cannot meet, and
            lists them.
            Exit status: 0 no problem, 1 problems (listed), 2 bad input (no tree
            there, an unknown round). `repro --version` shows repro's version.
            """)

    @Argument(help: "The submission tree (the folder that holds open/, closed/ or network/).", completion: .directory)
    var tree: String

    @Option(help: ArgumentHelp("The MLPerf round whose rules apply (default: v6.1).", valueName: "round"))
    var version: String = Rules.newest

    @Flag(help: "Do not apply the rules a short run cannot meet (the 600 s minimum duration); they are listed.")
    var shortRuns = false

    @Flag(help: "One JSON object: round, results, problems, relaxations.")
    var json = false

    func run() throws {
        let rules: Rules
        let report: CheckReport
        do {
            rules = try Rules.load(version)
            report = try TreeChecker.check(root: tree, rules: rules, shortRuns: shortRuns)
        } catch { throw fail("\(error)") }
        if json {
            var object = CheckCommand.json(report)
            object["round"] = .string(rules.round)
            Output.json(.map(object))
        } else {
            if !report.relaxations.isEmpty {
                Output.line("short-run profile; not required:")
                for r in report.relaxations { Output.line("  - " + r) }
            }
            if !report.notChecked.isEmpty {
                Output.line("not checked (repro's rules of \(rules.round) do not cover these benchmarks):")
                for n in report.notChecked { Output.line("  - " + n) }
            }
            for p in report.problems { Output.line(p) }
        }
        var results = "\(report.results) result\(report.results == 1 ? "" : "s")"
        if !report.notChecked.isEmpty {
            let n = report.notChecked.count
            results += "; \(n) benchmark folder\(n == 1 ? "" : "s") not checked"
        }
        guard report.problems.isEmpty else {
            Output.error(
                "repro check: \(report.problems.count) problem\(report.problems.count == 1 ? "" : "s") in \(results) "
                    + "(rules of \(rules.round))")
            throw ExitCode(1)
        }
        Output.error("repro check: no problems in \(results) (rules of \(rules.round))")
    }

    /// The built-in checker's report as `--json` shows it, here and in `submit`'s `builtin_checker`: the results
    /// checked, the problems, the rules a short run was excused from and the benchmark folders not checked.
    static func json(_ report: CheckReport) -> [String: Value] {
        [
            "results": .int(report.results), "problems": .list(report.problems.map(Value.string)),
            "relaxations": .list(report.relaxations.map(Value.string)),
            "not_checked": .list(report.notChecked.map(Value.string)),
        ]
    }
}
