import ArgumentParser
import Recipes
import Runners
import Workflow

struct LintCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "lint",
        abstract: "Check recipes without running anything: every problem in every recipe at once, with locations.",
        discussion: """
            It reports what planning would find one problem at a time — unknown fields, wrong types, bad
            expressions, unknown recipes, variations, inputs and action parameters in needs and steps — and
            outputs that an expression reads but no step returns. YAML files that are not recipes are noted.
            Examples:
              repro lint                      # every folder of the search path
              repro lint recipes/demo         # a folder
              repro lint recipes/demo/demo.yaml
              repro lint --json               # problems with file, line, column
            Exit status: 0 when no problem was found, 2 otherwise.
            """)

    @Argument(help: "Recipe files or folders (default: every folder of the search path).", completion: .file())
    var paths: [String] = []

    @Flag(help: "One JSON object on stdout: each problem with its file, line and column, and the skipped files.")
    var json = false

    @OptionGroup var location: LocationOptions

    func run() throws {
        let report: RecipeLint.Report
        do { report = try RecipeLint.run(paths: paths, workspace: location.workspace) } catch { throw fail(error) }
        if json {
            let v: Value = .map([
                "recipes": .int(report.recipes), "failing": .int(report.failing),
                "problems": .list(report.problems.map { RecipeLint.Problem(parsing: $0).json }),
                "skipped": .list(
                    report.skipped.map { .map(["file": .string($0.file), "reason": .string($0.reason)]) }),
            ])
            Output.json(v)
            if !report.problems.isEmpty { throw ExitCode(2) }
            return
        }
        for p in report.problems { Output.line(p) }
        for s in report.skipped { Output.error("note: \(s.file) skipped: not a recipe: \(s.reason)") }
        let files = "\(report.recipes) recipe\(report.recipes == 1 ? "" : "s")"
        if report.problems.isEmpty {
            Output.error("lint: \(files), no problems")
            return
        }
        Output.error(
            "lint: \(files), \(report.problems.count) problem\(report.problems.count == 1 ? "" : "s") in "
                + "\(report.failing) of them")
        throw ExitCode(2)
    }
}
