import ArgumentParser
import Basics
import Recipes
import Runners
import Workflow

struct WhyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "why",
        abstract: "Explain why a node was reused or built: what in its key changed since its last entry.",
        discussion: """
            Compares the key of the node in a run (default: the last) with the newest other cache entry of the
            same node, field by field: inputs, recipe text, environment, the keys of its dependencies.
            Examples:
              repro why shard[i=3]
              repro why digits-preprocess --run last~1
            """)

    @Argument(help: "A node id as 'repro show' prints it, or a recipe name with one node.") var node: String
    @Option(name: .customLong("run"), help: "The run (default: last).") var runName: String = "last"
    @OptionGroup var location: LocationOptions

    func run() throws {
        let workspace = location.workspace
        let store = RunStore(directory: workspace.runsDirectory)
        let manifest: Manifest
        do { manifest = try store.manifest(try store.resolve(runName)) } catch { throw fail(error) }
        let nodes = manifest.nodes
        let matches =
            nodes.contains { $0.id == node } ? nodes.filter { $0.id == node } : nodes.filter { $0.recipe == node }
        guard matches.count == 1, let entry = matches.first else {
            if matches.count > 1 {
                throw fail(
                    "error: recipe '\(node)' has \(matches.count) nodes in this run; name one: "
                        + matches.prefix(5).map(\.id).joined(separator: ", "))
            }
            throw fail(WorkflowError.noSuchNode(node, candidates: nodes.map(\.id)))
        }
        let id = entry.id
        let cache = workspace.cache
        guard let entryKey = entry.entry ?? entry.key else {
            Output.line("\(id) has no key in this run (status \(entry.status.rawValue)): \(entry.note ?? "")")
            return
        }
        switch entry.status {
        case .hit: Output.line("\(id) was reused from the cache (entry \(entryKey.prefix(12))).")
        case .built:
            if entry.policy == .volatile {
                Output.line("\(id) is volatile: it runs every time.")
            } else if entry.policy == .measured {
                Output.line("\(id) is a measurement: it runs every time unless --reuse-measured.")
            } else if manifest.request.noCache {
                Output.line("\(id) was built because the run used --no-cache.")
            } else if manifest.request.fresh.contains(where: { $0 == id || $0 == entry.recipe }) {
                Output.line("\(id) was built because the run asked for it with --fresh.")
            } else {
                Output.line("\(id) was built: the cache had no entry with its key \(entryKey.prefix(12)).")
            }
        default:
            Output.line("\(id): \(entry.status.rawValue) \(entry.note ?? entry.failure?.reason ?? "")")
        }
        guard let current = keyComponents(cache, entryKey) else {
            Output.line("(its key.json is not in the cache any more)")
            return
        }
        let previous = cache.entryKeys().compactMap { k -> (String, EntryMeta)? in
            guard k != entryKey, let m = cache.meta(k),
                m.nodeID == id || (m.recipe == entry.recipe && nodes.count == 1)
            else { return nil }
            return (k, m)
        }.filter { $0.1.recipe == entry.recipe }.max { $0.1.created < $1.1.created }
        guard let (oldKey, oldMeta) = previous, let old = keyComponents(cache, oldKey) else {
            Output.line("No other entry of \(id) is in the cache, so there is nothing to compare with.")
            return
        }
        let changes = ValueDiff.changes(old, current)
        Output.line("Compared with entry \(oldKey.prefix(12)) made \(Clock.iso8601(oldMeta.created)):")
        if changes.isEmpty { Output.line("  the key fields are the same") }
        for c in changes { Output.line("  " + explain(c)) }
    }

    func keyComponents(_ cache: CacheStore, _ key: String) -> Value? {
        guard let text = try? FileSystemPath.readText(cache.entryPath(key) + "/key.json") else { return nil }
        return try? Value.parseJSON(text)
    }

    func explain(_ change: ValueDiff.Change) -> String {
        switch change.path {
        case "recipe_sha256": return "the recipe file was edited (\(change))"
        case "assets_sha256": return "a file beside the recipe changed (\(change))"
        case let p where p.hasPrefix("needs."): return "dependency '\(p.dropFirst(6))' has another result: \(change)"
        case let p where p.hasPrefix("run.version"): return "the action's version changed: \(change)"
        default: return change.description
        }
    }
}
