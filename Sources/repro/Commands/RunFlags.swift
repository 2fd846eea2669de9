import ArgumentParser
import Recipes
import Runners
import Workflow

extension RunnerKind: ExpressibleByArgument {}

/// The options `repro run` and `repro plan` share, so a plan can stand in for any run (same words, nothing run).
struct RunFlags: ParsableArguments {
    @Option(
        name: .customLong("fresh"),
        help: ArgumentHelp(
            "Rebuild this node (a node id or a recipe name) even if cached (repeatable).", valueName: "node"))
    var fresh: [String] = []

    @Flag(help: "Reuse nothing from the cache (results are still stored).")
    var noCache = false

    @Flag(help: "Reuse the newest measurement of measured steps instead of measuring again.")
    var reuseMeasured = false

    @Option(help: "CPUs to keep busy at once (default: all).")
    var cpus: Int?

    @Option(help: "The runner for steps whose recipe names none.")
    var runner: RunnerKind = .local

    @Option(
        name: .customLong("repeat"),
        help: ArgumentHelp(
            "Run every measured step N times; its metrics are the median, with min, max and N kept.",
            valueName: "N"))
    var repeatCount: Int?

    func validate() throws {
        if let cpus, cpus < 1 { throw ValidationError("--cpus must be at least 1, found \(cpus)") }
        if let repeatCount, repeatCount < 1 {
            throw ValidationError("--repeat must be 1 or more, found \(repeatCount)")
        }
    }

    var options: RunOptions {
        var o = RunOptions()
        o.fresh = fresh
        o.noCache = noCache
        o.reuseMeasured = reuseMeasured
        if let cpus { o.cpus = cpus }
        o.defaultRunner = runner
        o.repeatMeasured = repeatCount
        return o
    }
}

/// The selection and its `name=value` words, as `repro run`, `plan` and `submit` take them.
struct RequestArguments: ParsableArguments {
    @Argument(
        help: ArgumentHelp("A recipe name, or tags and _variations separated by commas.", valueName: "selection"),
        completion: .custom(RecipeCompletion.names))
    var selection: String

    @Argument(
        help: ArgumentHelp(
            "Inputs as name=value; NODE.name=value sets an input of every node of recipe NODE in the request.",
            valueName: "name=value"))
    var inputs: [String] = []

    /// The request these words make; a malformed word is bad input (exit 2).
    func request() throws(InputArguments.Problem) -> PlanRequest {
        let parsed = try InputArguments.parse(inputs)
        return PlanRequest(selection: Selection(parsing: selection), inputs: parsed.inputs, overrides: parsed.overrides)
    }
}
