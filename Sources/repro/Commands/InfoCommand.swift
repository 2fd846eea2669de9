import ArgumentParser
import Recipes
import Runners
import Workflow

struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info",
        abstract: "Describe a recipe: its inputs and defaults, what each variation sets, needs, what it runs.",
        discussion: """
            Examples:
              repro info demo
              repro info dataset,digits
              repro info demo-shard --json
            """)

    @Argument(help: "A recipe name, or tags separated by commas.", completion: .custom(RecipeCompletion.names))
    var selection: String

    @OptionGroup var location: LocationOptions

    @Flag(help: "Print as JSON.")
    var json = false

    func run() throws {
        let recipe: Recipe
        do { recipe = try location.workspace.registry().select(Selection(parsing: selection)) } catch {
            throw fail(error)
        }
        if json {
            Output.json(InfoCommand.json(recipe))
            return
        }
        Output.line("\(recipe.name): \(recipe.summary)")
        Output.line("  file: \(recipe.source.displayFile)")
        if !recipe.tags.isEmpty { Output.line("  tags: \(recipe.tags.joined(separator: ", "))") }
        Output.line("  cache: \(recipe.cache?.rawValue ?? "reuse (unless its action says otherwise)")")
        if !recipe.inputs.isEmpty {
            Output.line("inputs:")
            let rows = recipe.inputs.map { i in
                [i.name, InfoCommand.type(i), i.defaultValue.map { "default \($0.text)" } ?? "required", i.doc]
            }
            Output.line(Output.table(rows, indent: "  "))
        }
        if !recipe.variations.isEmpty {
            Output.line("variations (select with _name):")
            var rows: [[String]] = []
            for v in recipe.variations {
                rows.append([
                    "_" + v.name, v.group.map { "group \($0)" + (v.isDefault ? " (default)" : "") } ?? "",
                    InfoCommand.sets(v).joined(separator: ", "), v.doc,
                ])
            }
            Output.line(Output.table(rows, indent: "  "))
        }
        if !recipe.needs.isEmpty {
            Output.line("needs:")
            for n in recipe.needs { Output.line("  \(n.name): \(InfoCommand.target(n))") }
        }
        switch recipe.run {
        case .action(let name, _, _)?: Output.line("run: action '\(name)'")
        case .shell(let t, _)?:
            Output.line("run: shell\n" + t.source.split(separator: "\n").map { "  | \($0)" }.joined(separator: "\n"))
        case nil: Output.line("run: nothing (gathers its needs)")
        }
        if !recipe.outputs.isEmpty { Output.line("outputs: \(recipe.outputs.map(\.name).joined(separator: ", "))") }
        if !recipe.metrics.isEmpty {
            Output.line(
                "metrics: " + recipe.metrics.map { "\($0.name) (better \($0.better.rawValue))" }.joined(separator: ", ")
            )
        }
    }

    static func type(_ i: InputSpec) -> String {
        switch i.kind {
        case .choice: "choice(\(i.choices.joined(separator: "|")))"
        case .list: "list of \(i.itemKind.rawValue)"
        default: i.kind.rawValue
        }
    }

    static func target(_ n: Need) -> String {
        let target: String
        switch n.target {
        case .recipe(let r): target = r
        case .tags(let t), .select(let t): target = t.joined(separator: ",")
        }
        return target + n.variations.map { ",_" + $0 }.joined() + (n.isMatrix ? " (matrix)" : "")
    }

    /// What a variation changes: `count=100`, `env LOG_LEVEL=debug`, `needs data`, `cpus 2`.
    static func sets(_ v: Variation) -> [String] {
        var out = v.inputs.keys.sorted().map { "\($0)=\(v.inputs[$0]!.text)" }
        out += v.env.map { "env \($0.name)=\($0.value.text)" }
        out += v.needs.map { "needs \($0.name): \(target($0))" }
        if let r = v.resources {
            out.append("cpus \(r.cpus)" + (r.exclusive ? ", exclusive" : ""))
        }
        return out
    }

    static func json(_ recipe: Recipe) -> Value {
        var m: [String: Value] = [
            "name": .string(recipe.name), "summary": .string(recipe.summary),
            "file": .string(recipe.source.displayFile),
            "tags": .list(recipe.tags.map { .string($0) }),
            "cache": recipe.cache.map { .string($0.rawValue) } ?? .null,
            "inputs": .list(
                recipe.inputs.map { i in
                    .map([
                        "name": .string(i.name), "type": .string(i.kind.rawValue),
                        "items": i.kind == .list ? .string(i.itemKind.rawValue) : .null,
                        "choices": .list(i.choices.map { .string($0) }),
                        "default": i.defaultValue.map { .string($0.text) } ?? .null, "required": .bool(i.isRequired),
                        "doc": .string(i.doc),
                    ])
                }),
            "variations": .list(
                recipe.variations.map { v in
                    .map([
                        "name": .string(v.name), "group": v.group.map { .string($0) } ?? .null,
                        "default": .bool(v.isDefault), "sets": .list(sets(v).map { .string($0) }),
                        "doc": .string(v.doc),
                    ])
                }),
            "needs": .map(Dictionary(uniqueKeysWithValues: recipe.needs.map { ($0.name, Value.string(target($0))) })),
            "outputs": .list(recipe.outputs.map { .string($0.name) }),
            "metrics": .list(
                recipe.metrics.map { .map(["name": .string($0.name), "better": .string($0.better.rawValue)]) }),
        ]
        switch recipe.run {
        case .action(let name, _, _)?: m["run"] = .map(["action": .string(name)])
        case .shell(let t, _)?: m["run"] = .map(["shell": .string(t.source)])
        case nil: m["run"] = .null
        }
        return .map(m)
    }
}
