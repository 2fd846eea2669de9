import ArgumentParser
import Runners
import Workflow

struct ActionsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "actions",
        abstract: "List the built-in actions (run: {action: NAME, with: ...}) and their parameters.",
        discussion: "Examples:\n  repro actions\n  repro actions fetch")

    @Argument(help: "Only this action.") var name: String?

    func run() throws {
        let catalog = BuiltinActions.catalog
        let names = name.map { [$0] } ?? catalog.names
        for n in names {
            guard let spec = catalog.spec(named: n) else {
                throw fail("error: no built-in action '\(n)' (actions: \(catalog.names.joined(separator: ", ")))")
            }
            Output.line("\(spec.name) (version \(spec.version)): \(spec.summary)")
            Output.line(
                Output.table(
                    spec.parameters.map { p in
                        [p.name, p.kind.rawValue, p.required ? "required" : "optional", p.doc]
                    }, indent: "  "))
        }
    }
}
