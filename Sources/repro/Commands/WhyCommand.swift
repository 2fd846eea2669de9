import ArgumentParser
import Basics
import Recipes
import Runners
import Workflow

struct WhyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "why",
        abstract: "Explain why a node was reused or built, over the runs that planned it.",
        discussion: """
            Finds the node in the newest run that planned it (or in --run and the runs before it), says why it was
            reused or built, and compares its key with the key it had in the run before that held another: the
            inputs, the recipe text and its assets, the environment, the implementation of its action (the
            digests of the sources repro was built from), the keys of its dependencies. Then the earlier runs,
            newest first, each with what changed when the key changed.
            Examples:
              repro why demo
              repro why 'demo-shard[index=3]'
              repro why demo-numbers --run last~1 --runs-back 3
              repro why demo --json
            """)

    @Argument(help: "A node id as 'repro show' prints it, or a recipe name with one node.") var node: String
    @Option(name: .customLong("run"), help: "Look from this run back (default: the newest run with the node).")
    var runName: String?
    @Option(help: "How many runs with the node to show.") var runsBack: Int = 5
    @Flag(help: "One JSON object on stdout: the node and each run that planned it, newest first.") var json = false
    @OptionGroup var location: LocationOptions

    func validate() throws {
        guard runsBack >= 1 else { throw ValidationError("--runs-back must be 1 or more, found \(runsBack)") }
    }

    func run() throws {
        let workspace = location.workspace
        let store = RunStore(directory: workspace.runsDirectory)
        let history: NodeHistory
        do {
            history = try NodeHistory.find(node, runs: store, cache: workspace.cache, from: runName, limit: runsBack)
        } catch { throw fail(error) }
        if json {
            let runs: [Value] = history.appearances.map { a in
                .map([
                    "run": .string(a.run), "started": .string(a.started), "reason": .string(a.reason),
                    "status": .string(a.node.status.word),
                    "entry": (a.node.entry ?? a.node.key).map(Value.string) ?? .null,
                    "compared_with": a.comparedWith.map(Value.string) ?? .null,
                    "key_files_missing": .bool(a.keyFilesMissing), "changes": .list(a.changes.map(Value.string)),
                ])
            }
            Output.json(.map(["node": .string(history.id), "runs": .list(runs)]))
            return
        }
        guard let latest = history.appearances.first else { return }
        let newestRun = store.ids.last
        if runName == nil, latest.run != newestRun {
            Output.line("\(history.id) is not in the last run; the newest run that planned it is \(latest.run).")
        }
        for (i, a) in history.appearances.enumerated() {
            let key = (a.node.entry ?? a.node.key).map { " (entry \($0.prefix(12)))" } ?? ""
            if i == 0 {
                Output.line("\(history.id) in run \(a.run): \(a.reason)\(key).")
            } else {
                if i == 1 { Output.line("Earlier runs:") }
                Output.line("  \(a.run)  \(a.reason)\(key)")
            }
            let indent = i == 0 ? "  " : "    "
            if let other = a.comparedWith {
                if a.keyFilesMissing {
                    Output.line("\(indent)its key differs from run \(other)'s; a key.json is no longer in the cache")
                } else {
                    Output.line("\(indent)compared with its key in run \(other):")
                    if a.changes.isEmpty { Output.line("\(indent)  the key fields are the same") }
                    for c in a.changes { Output.line("\(indent)  \(c)") }
                }
            } else if i == 0 && history.appearances.count == 1 {
                Output.line("  no earlier run planned it with another key")
            }
        }
    }
}
