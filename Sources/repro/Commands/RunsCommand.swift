import ArgumentParser
import Recipes
import Runners
import Workflow

struct RunsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "runs", abstract: "List past runs, newest last.",
        discussion: "Examples:\n  repro runs\n  repro runs --last 5 --json")

    @OptionGroup var location: LocationOptions
    @Option(help: "Only the newest N runs.") var last: Int = 20
    @Flag(help: "Print as JSON.") var json = false

    func run() throws {
        let store = RunStore(directory: location.workspace.runsDirectory)
        var rows: [[String]] = [["RUN", "STATUS", "SELECTION", "NODES", "CACHED", "BUILT", "FAILED", "TIME"]]
        var list: [Value] = []
        for id in store.ids.suffix(max(1, last)) {
            guard let m = try? store.manifest(id) else { continue }
            let selection = m.request.requests.map(\.selection).joined(separator: " ")
            rows.append([
                id, m.status.rawValue, selection, String(m.nodes.count), String(m.counts["hit"] ?? 0),
                String(m.counts["built"] ?? 0), String(m.counts["failed"] ?? 0), TextOutput.duration(m.seconds),
            ])
            list.append(
                .map([
                    "id": .string(id), "status": .string(m.status.rawValue), "selection": .string(selection),
                    "nodes": .int(m.nodes.count), "counts": .map(m.counts.mapValues { .int($0) }),
                    "seconds": .double(m.seconds), "started": .string(m.started),
                ]))
        }
        if json {
            Output.json(.list(list))
            return
        }
        if rows.count == 1 {
            Output.line("no runs in \(DisplayPath.of(store.directory))")
            return
        }
        Output.line(Output.table(rows))
    }
}

struct ShowCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract:
            "Show one run: each node's status, key and time, the outputs it was asked for, failures; or one node.",
        discussion: """
            With NODE (a node id as the table shows it, or a recipe name with one node in the run): that node's
            status, entry, variations, inputs, outputs, metrics, timing, failure and logs.
            Examples:
              repro show
              repro show last~1
              repro show last demo
              repro show last demo-numbers --json
            """)

    @Argument(help: "A run id, a unique prefix, or last (last~1 for the one before).") var runName: String = "last"
    @Argument(help: "One node of the run (its id, or a recipe name with one node).") var node: String?
    @OptionGroup var location: LocationOptions
    @Flag(help: "Print the manifest (or the node's part of it) as it is.") var json = false

    func run() throws {
        let store = RunStore(directory: location.workspace.runsDirectory)
        let manifest: Manifest
        let id: String
        do {
            id = try store.resolve(runName)
            manifest = try store.manifest(id)
        } catch { throw fail(error) }
        let cacheRoot = manifest.cache.isEmpty ? location.workspace.cacheDirectory : manifest.cache
        if let node {
            let entry: Manifest.Node
            do { entry = try ShowCommand.find(node, in: manifest) } catch { throw fail(error) }
            if json {
                Output.json(entry.json)
                return
            }
            printNode(entry, cacheRoot: cacheRoot, logs: store.directory + "/" + id + "/logs")
            return
        }
        if json {
            Output.json(manifest.json)
            return
        }
        Output.line("run      \(id) \(manifest.status.rawValue) in \(TextOutput.duration(manifest.seconds))")
        Output.line("command  \(manifest.command.joined(separator: " "))")
        Output.line(
            "host     \(manifest.host.hostname ?? "?"), \(manifest.host.cpu ?? "?"), repro \(manifest.repro.description)"
        )
        var rows: [[String]] = [["STATUS", "KEY", "TIME", "NODE"]]
        var failures: [String] = []
        for node in manifest.nodes {
            rows.append([
                node.status.word, String((node.entry ?? node.key)?.prefix(12) ?? "?"),
                node.seconds.map { TextOutput.duration($0) } ?? "", node.id,
            ])
            if let f = node.failure {
                var text = "\(node.id): \(f.reason)"
                for line in f.stderrTail { text += "\n  | \(line)" }
                failures.append(text)
            } else if let note = node.note, node.status == .notRun {
                failures.append("\(node.id): not run: \(note)")
            }
        }
        Output.line(Output.table(rows, indent: "  "))
        for node in manifest.nodes where manifest.roots.contains(node.id) {
            let lines = RunReport.lines(
                node: node.id, outputs: ShowCommand.outputs(node, cacheRoot: cacheRoot), metrics: node.metrics)
            for line in lines { Output.line(line) }
        }
        for f in failures { Output.line(f) }
        Output.line("logs     \(DisplayPath.of(store.directory + "/" + id + "/logs"))")
    }

    func printNode(_ node: Manifest.Node, cacheRoot: String, logs: String) {
        Output.line("node     \(node.id) (recipe \(node.recipe), \(node.policy.rawValue))")
        var status = node.status.word
        if let seconds = node.seconds { status += " in \(TextOutput.duration(seconds))" }
        if let job = node.job { status += ", Slurm job \(job)" }
        Output.line("status   \(status)")
        if let entry = node.entry {
            Output.line("entry    \(entry) (\(DisplayPath.of(cacheRoot + "/entries/" + entry)))")
        } else if let key = node.key {
            Output.line("key      \(key)")
        }
        if !node.variations.isEmpty {
            Output.line("variations  \(node.variations.map { "_" + $0 }.joined(separator: " "))")
        }
        for (title, values) in [
            ("inputs", node.inputs), ("outputs", ShowCommand.outputs(node, cacheRoot: cacheRoot)),
            ("metrics", node.metrics),
        ] where !values.isEmpty {
            Output.line(title)
            for k in values.keys.sorted() { Output.line("  \(k) = \(RunReport.brief(values[k]!))") }
        }
        if let f = node.failure {
            Output.line("failure  \(f.reason)")
            for line in f.stderrTail { Output.line("  | \(line)") }
        } else if let note = node.note {
            Output.line("note     \(note)")
        }
        let logFiles = FileSystemPath.list(logs).filter { $0.hasPrefix(node.id + ".") }
        if !logFiles.isEmpty {
            Output.line("logs     " + logFiles.map { DisplayPath.of(logs + "/" + $0) }.joined(separator: ", "))
        }
    }

    /// A node's outputs with paths inside its entry made absolute again.
    static func outputs(_ node: Manifest.Node, cacheRoot: String) -> [String: Value] {
        guard let result = node.result, let entry = node.entry else { return [:] }
        return result.outputs(outDir: cacheRoot + "/entries/" + entry + "/out")
    }

    /// The node named by its id, or by a recipe name that has one node in the run.
    static func find(_ name: String, in manifest: Manifest) throws -> Manifest.Node {
        if let exact = manifest.node(name) { return exact }
        let ofRecipe = manifest.nodes.filter { $0.recipe == name }
        if ofRecipe.count == 1 { return ofRecipe[0] }
        if ofRecipe.count > 1 {
            throw CommandProblem(
                "error: recipe '\(name)' has \(ofRecipe.count) nodes in this run; name one: "
                    + ofRecipe.prefix(5).map(\.id).joined(separator: ", "))
        }
        throw WorkflowError.noSuchNode(name, candidates: manifest.nodes.map(\.id))
    }
}
