import ArgumentParser
import Recipes
import Runners
import Workflow

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List the recipes repro can find, with their tags.",
        discussion: """
            YAML files that are not recipes (no top-level 'summary:') are skipped with a note; a recipe with errors
            is listed as broken, its errors on stderr ('repro lint' shows them all).
            Examples:
              repro list
              repro list --tag demo
              repro list --recipes recipes --json
            """)

    @OptionGroup var location: LocationOptions

    @Option(help: "Only recipes with this tag (repeatable).")
    var tag: [String] = []

    @Flag(help: "Print as JSON.")
    var json = false

    func run() throws {
        let registry: RecipeRegistry
        do { registry = try location.workspace.registry() } catch { throw fail(error) }
        let scan = registry.scan()
        let recipes = scan.recipes.filter { r in tag.allSatisfy { r.tags.contains($0) } }
        let broken = scan.broken.filter { b in tag.allSatisfy { b.tags?.contains($0) ?? true } }
        if json {
            let listed: [Value] = recipes.map { r in
                .map([
                    "name": .string(r.name), "summary": .string(r.summary), "tags": .list(r.tags.map { .string($0) }),
                    "file": .string(r.source.displayFile), "variations": .list(r.variations.map { .string($0.name) }),
                ])
            }
            let failing: [Value] = broken.map { b in
                .map([
                    "name": .string(b.name), "file": .string(DisplayPath.of(b.file)),
                    "errors": .list(b.error.description.split(separator: "\n").map { .string(String($0)) }),
                ])
            }
            let skipped: [Value] = scan.skipped.map { s in
                .map(["file": .string(DisplayPath.of(s.file)), "reason": .string(s.reason)])
            }
            Output.json(.map(["recipes": .list(listed), "broken": .list(failing), "skipped": .list(skipped)]))
            return
        }
        if recipes.isEmpty && broken.isEmpty {
            Output.line("no recipes found in: " + registry.searchPath.map(DisplayPath.of).joined(separator: ", "))
        } else {
            var rows: [[String]] = [["NAME", "TAGS", "SUMMARY"]]
            for r in recipes { rows.append([r.name, r.tags.joined(separator: ","), r.summary]) }
            for b in broken {
                rows.append([b.name, b.tags?.joined(separator: ",") ?? "?", "(broken: see the errors below)"])
            }
            Output.line(Output.table(rows))
        }
        for name in registry.names {
            if let shadows = registry.locations[name]?.shadows, !shadows.isEmpty {
                Output.error(
                    "note: '\(name)' from \(DisplayPath.of(registry.locations[name]!.file)) hides "
                        + shadows.map(DisplayPath.of).joined(separator: ", "))
            }
        }
        for s in scan.skipped { Output.error("note: \(DisplayPath.of(s.file)) skipped: not a recipe: \(s.reason)") }
        for b in broken { Output.error(b.error.description) }
    }
}
