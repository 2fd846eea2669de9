import ArgumentParser
import Recipes
import Runners
import Workflow

struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Describe a recipe: its inputs, variations, needs and what it runs.",
        discussion: """
            Examples:
              repro info demo
              repro info dataset,digits
            """)

    @Argument(help: "A recipe name, or tags separated by commas.")
    var selection: String

    @OptionGroup var location: LocationOptions

    func run() throws {
        let recipe: Recipe
        do { recipe = try location.workspace.registry().select(Selection(parsing: selection)) } catch {
            throw fail(error)
        }
        Output.line("\(recipe.name): \(recipe.summary)")
        Output.line("  file: \(recipe.source.displayFile)")
        if !recipe.tags.isEmpty { Output.line("  tags: \(recipe.tags.joined(separator: ", "))") }
        Output.line("  cache: \(recipe.cache?.rawValue ?? "reuse (unless its action says otherwise)")")
        if !recipe.inputs.isEmpty {
            Output.line("inputs:")
            var rows: [[String]] = []
            for i in recipe.inputs {
                let type = i.kind == .choice ? "choice(\(i.choices.joined(separator: "|")))" : i.kind.rawValue
                let def =
                    i.defaultValue.map { d -> String in
                        if case .value(let v, _) = d { return "default \(v.interpolated)" }
                        if case .template(let t) = d { return "default \(t.source)" }
                        return "default given"
                    } ?? "required"
                rows.append([i.name, type, def, i.doc])
            }
            Output.line(Output.table(rows, indent: "  "))
        }
        if !recipe.variations.isEmpty {
            Output.line("variations (select with _name):")
            var rows: [[String]] = []
            for v in recipe.variations {
                rows.append([
                    "_" + v.name, v.group.map { "group \($0)" + (v.isDefault ? " (default)" : "") } ?? "", v.doc,
                ])
            }
            Output.line(Output.table(rows, indent: "  "))
        }
        if !recipe.needs.isEmpty {
            Output.line("needs:")
            for n in recipe.needs {
                let target: String
                switch n.target {
                case .recipe(let r): target = r
                case .tags(let t), .select(let t): target = t.joined(separator: ",")
                }
                Output.line(
                    "  \(n.name): \(target)\(n.variations.map { ",_" + $0 }.joined())\(n.isMatrix ? " (matrix)" : "")")
            }
        }
        switch recipe.run {
        case .action(let name, _, _)?: Output.line("run: action '\(name)'")
        case .shell(let t, _)?:
            Output.line("run: shell\n" + t.source.split(separator: "\n").map { "  | \($0)" }.joined(separator: "\n"))
        case nil: Output.line("run: nothing (gathers its needs)")
        }
        if !recipe.outputs.isEmpty { Output.line("outputs: \(recipe.outputs.map(\.name).joined(separator: ", "))") }
        if !recipe.metrics.isEmpty { Output.line("metrics: \(recipe.metrics.map(\.name).joined(separator: ", "))") }
    }
}
