import ArgumentParser
import Recipes
import Runners
import Workflow

struct ActionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "actions",
        abstract: "List the built-in actions (run: {action: NAME, with: ...}) and their parameters.",
        discussion: "Examples:\n  repro actions\n  repro actions fetch\n  repro actions loadgen --json")

    @Argument(help: "Only this action.") var name: String?
    @Flag(help: "Print as JSON: each action's name, version, summary, outputs and parameters.") var json = false

    func run() throws {
        let catalog = BuiltinActions.catalog
        let names = name.map { [$0] } ?? catalog.names
        var specs: [any ActionSpec] = []
        for n in names {
            guard let spec = catalog.spec(named: n) else {
                throw fail(
                    "error: no built-in action '\(n)'" + Suggestions.hint(for: n, in: catalog.names)
                        + " (actions: \(catalog.names.joined(separator: ", ")))")
            }
            specs.append(spec)
        }
        if json {
            let listed: [Value] = specs.map { spec in
                .map([
                    "name": .string(spec.name), "version": .string(spec.version), "summary": .string(spec.summary),
                    "outputs": spec.outputs.map { .list($0.map(Value.string)) } ?? .null,
                    "parameters": .list(
                        spec.parameters.map { p in
                            .map([
                                "name": .string(p.name), "type": .string(p.kind.rawValue),
                                "required": .bool(p.required),
                                "doc": .string(p.doc),
                            ])
                        }),
                ])
            }
            Output.json(.list(listed))
            return
        }
        for spec in specs {
            Output.line("\(spec.name) (version \(spec.version)): \(spec.summary)")
            Output.line(
                Output.table(
                    spec.parameters.map { p in
                        [p.name, p.kind.rawValue, p.required ? "required" : "optional", p.doc]
                    }, indent: "  "))
        }
    }
}
