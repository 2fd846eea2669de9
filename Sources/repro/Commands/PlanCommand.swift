import ArgumentParser
import Recipes
import Runners
import Workflow

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Print the DAG a selection resolves to, with each node's key and whether the cache has it.",
        discussion: """
            Nothing is run. A key shows as '?' when it depends on the result of a volatile or measured
            node, which is known only once that node has run.

            Examples:
              repro plan demo
              repro plan train-digits,_resnet8 epochs=3 --json
            """)

    @Argument(help: "A recipe name, or tags and _variations separated by commas.")
    var selection: String

    @Argument(help: "Inputs of the selected recipe, as name=value.")
    var inputs: [String] = []

    @OptionGroup var location: LocationOptions

    @Option(
        name: .customLong("fresh"), help: ArgumentHelp("Treat this node as not cached (repeatable).", valueName: "node")
    )
    var fresh: [String] = []

    @Flag(help: "Treat nothing as cached.")
    var noCache = false

    @Flag(help: "Print the plan as JSON.")
    var json = false

    func run() throws {
        var options = RunOptions()
        options.fresh = fresh
        options.noCache = noCache
        let provided: [String: ProvidedInput]
        do { provided = try InputArguments.parse(inputs) } catch { throw fail(error) }
        let session = RunSession(workspace: location.workspace, options: options, command: CommandLine.arguments)
        let plan: Plan
        do {
            plan = try session.plan([PlanRequest(selection: Selection(parsing: selection), inputs: provided)])
        } catch { throw fail(error) }
        let preview = PlanPreview(plan: plan, cache: location.workspace.cache, options: options)
        if json {
            TextOutput.stdout(PlanCommand.json(plan, preview).prettyJSON())
            return
        }
        for w in plan.warnings { Output.error("warning: \(w)") }
        var counts: [PlanPreview.Status: Int] = [:]
        for s in preview.statuses { counts[s, default: 0] += 1 }
        let summary = [PlanPreview.Status.cached, .run, .volatile, .measure, .pending, .skipped]
            .compactMap { s in counts[s].map { "\($0) \(s == .pending ? "after a dependency" : s.rawValue)" } }
        Output.line(
            "plan for '\(selection)': \(plan.nodes.count) node\(plan.nodes.count == 1 ? "" : "s") "
                + "(\(summary.joined(separator: ", ")))")
        var rows: [[String]] = [["STATUS", "KEY", "NODE", "NEEDS"]]
        for node in plan.nodes {
            rows.append([
                preview.statuses[node.index].rawValue, preview.keys[node.index].map { String($0.prefix(12)) } ?? "?",
                node.id, PlanCommand.needsText(node, plan),
            ])
        }
        Output.line(Output.table(rows, indent: "  "))
    }

    /// `a, b[i=1], shard ×100`: a need with many nodes is shown by count.
    static func needsText(_ node: PlanNode, _ plan: Plan) -> String {
        node.needs.map { edge in
            edge.nodes.count > 3
                ? "\(plan.nodes[edge.nodes[0]].recipe.name) ×\(edge.nodes.count)"
                : edge.nodes.map { plan.nodes[$0].id }.joined(separator: ", ")
        }.joined(separator: ", ")
    }

    static func json(_ plan: Plan, _ preview: PlanPreview) -> Value {
        .map([
            "roots": .list(plan.roots.map { .string(plan.nodes[$0].id) }),
            "warnings": .list(plan.warnings.map { .string($0) }),
            "nodes": .list(
                plan.nodes.map { node in
                    .map([
                        "id": .string(node.id), "recipe": .string(node.recipe.name),
                        "key": preview.keys[node.index].map { .string($0) } ?? .null,
                        "status": .string(preview.statuses[node.index].rawValue),
                        "policy": .string(node.policy.rawValue),
                        "inputs": .map(node.instance.inputs),
                        "variations": .list(node.instance.variations.map { .string($0) }),
                        "needs": .map(
                            Dictionary(
                                node.needs.map { e in (e.name, Value.list(e.nodes.map { .string(plan.nodes[$0].id) }))
                                },
                                uniquingKeysWith: { a, _ in a })),
                    ])
                }),
        ])
    }
}
