import ArgumentParser
import Recipes
import Runners
import Workflow

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the recipes repro can find, with their tags.",
        discussion: """
            Examples:
              repro list
              repro list --tag mlperf
              repro list --recipes ./my-recipes --json
            """)

    @OptionGroup var location: LocationOptions

    @Option(help: "Only recipes with this tag (repeatable).")
    var tag: [String] = []

    @Flag(help: "Print as JSON.")
    var json = false

    func run() throws {
        let registry: RecipeRegistry
        let recipes: [Recipe]
        do {
            registry = try location.workspace.registry()
            recipes = try registry.allRecipes().filter { r in tag.allSatisfy { r.tags.contains($0) } }
        } catch { throw fail(error) }
        if json {
            TextOutput.stdout(
                Value.list(
                    recipes.map { r in
                        .map([
                            "name": .string(r.name), "summary": .string(r.summary),
                            "tags": .list(r.tags.map { .string($0) }),
                            "file": .string(r.source.displayFile),
                            "variations": .list(r.variations.map { .string($0.name) }),
                        ])
                    }
                ).prettyJSON())
            return
        }
        if recipes.isEmpty {
            Output.line("no recipes found in: " + registry.searchPath.map(DisplayPath.of).joined(separator: ", "))
            return
        }
        var rows: [[String]] = [["NAME", "TAGS", "SUMMARY"]]
        for r in recipes { rows.append([r.name, r.tags.joined(separator: ","), r.summary]) }
        Output.line(Output.table(rows))
        for name in registry.names {
            if let shadows = registry.locations[name]?.shadows, !shadows.isEmpty {
                Output.error(
                    "note: '\(name)' from \(DisplayPath.of(registry.locations[name]!.file)) hides "
                        + shadows.map(DisplayPath.of).joined(separator: ", "))
            }
        }
    }
}
