import ArgumentParser
import Recipes
import Runners
import Workflow

struct PlanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plan",
        abstract: "Print the DAG a selection resolves to, with each node's key and whether the cache has it.",
        discussion: """
            Nothing is run. It takes the same words as 'repro run', so it can stand in for any run. A key shows
            as '?' when it depends on the result of a volatile or measured node, which is known only once that
            node has run.

            Examples:
              repro plan demo
              repro plan train-digits,_resnet8 max_epochs=3 --json
              repro plan mlperf-inference-digits train-digits.max_epochs=3
            """)

    @OptionGroup var request: RequestArguments
    @OptionGroup var location: LocationOptions
    @OptionGroup var flags: RunFlags

    @Flag(help: "Print the plan as JSON.")
    var json = false

    func run() throws {
        let options = flags.options
        let session = RunSession(workspace: location.workspace, options: options, command: CommandLine.arguments)
        let planRequest: PlanRequest
        let plan: Plan
        do {
            planRequest = try request.request()
            plan = try session.plan([planRequest])
        } catch { throw fail(error) }
        let preview = PlanPreview(
            plan: plan, cache: location.workspace.cache, options: options, images: location.workspace.containerImages)
        if json {
            Output.json(PlanCommand.json(plan, preview))
            return
        }
        for w in plan.warnings { Output.error(w.hasPrefix("note: ") ? w : "warning: \(w)") }
        var counts: [PlanPreview.Status: Int] = [:]
        for s in preview.statuses { counts[s, default: 0] += 1 }
        let summary = PlanPreview.Status.allCases.compactMap { s in counts[s].map { "\($0) \(s.phrase)" } }
        Output.line(
            "plan for '\(request.selection)': \(plan.nodes.count) node\(plan.nodes.count == 1 ? "" : "s") "
                + "(\(summary.joined(separator: ", ")))")
        for (recipe, inputs) in planRequest.overrides.sorted(by: { $0.key < $1.key }) {
            let nodes = plan.nodes.filter { $0.recipe.name == recipe }.count
            for (name, given) in inputs.sorted(by: { $0.key < $1.key }) {
                Output.line(
                    "override \(recipe).\(name) = \(given.value.interpolated) (\(nodes) node\(nodes == 1 ? "" : "s"))")
            }
        }
        var rows: [[String]] = [["STATUS", "KEY", "NODE", "NEEDS"]]
        for node in plan.nodes {
            rows.append([
                preview.statuses[node.index].rawValue, preview.keys[node.index].map { String($0.prefix(12)) } ?? "?",
                node.id, PlanCommand.needsText(node, plan),
            ])
        }
        Output.line(Output.table(rows, indent: "  "))
        for (index, note) in preview.notes.sorted(by: { $0.key < $1.key }) {
            Output.error("\(plan.nodes[index].id): \(note)")
        }
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
                        "note": preview.notes[node.index].map { .string($0) } ?? .null,
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
