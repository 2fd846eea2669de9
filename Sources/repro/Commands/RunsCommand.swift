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
            TextOutput.stdout(Value.list(list).prettyJSON())
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
        abstract: "Show one run: each node's status, key, time and outputs; failures with their stderr.",
        discussion: "Examples:\n  repro show last\n  repro show 20261123-0330 --json")

    @Argument(help: "A run id, a unique prefix, or last (last~1 for the one before).") var runName: String = "last"
    @OptionGroup var location: LocationOptions
    @Flag(help: "Print the manifest as it is.") var json = false

    func run() throws {
        let store = RunStore(directory: location.workspace.runsDirectory)
        let manifest: Manifest
        let id: String
        do {
            id = try store.resolve(runName)
            manifest = try store.manifest(id)
        } catch { throw fail(error) }
        if json {
            TextOutput.stdout(manifest.json.prettyJSON())
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
                node.status.rawValue, String((node.entry ?? node.key)?.prefix(12) ?? "?"),
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
        for f in failures { Output.line(f) }
        Output.line("logs     \(DisplayPath.of(store.directory + "/" + id + "/logs"))")
    }
}
