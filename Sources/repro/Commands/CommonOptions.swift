import ArgumentParser
import Runners

/// Where recipes, the cache and run records are; shared by every command.
struct LocationOptions: ParsableArguments {
    @Option(
        name: .customLong("recipes"),
        help: ArgumentHelp("A folder of recipes, searched before the others (repeatable).", valueName: "dir"))
    var recipeDirectories: [String] = []

    @Option(help: ArgumentHelp("The cache folder (default: $REPRO_CACHE, else ./cache).", valueName: "dir"))
    var cache: String?

    @Option(help: ArgumentHelp("Where run records go (default: $REPRO_RUNS, else ./runs).", valueName: "dir"))
    var runs: String?

    var workspace: Workspace { Workspace(recipes: recipeDirectories, cache: cache, runs: runs) }
}

/// A problem a command found in what it was asked, in words.
struct CommandProblem: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
