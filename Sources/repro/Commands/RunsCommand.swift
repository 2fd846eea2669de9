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
            let counts = m["counts"]?.mapValue ?? [:]
            let selection =
                m["request"]?["requests"]?.listValue?.compactMap { $0["selection"]?.stringValue }.joined(separator: " ")
                ?? ""
            let nodes = m["nodes"]?.listValue?.count ?? 0
            rows.append([
                id, m["status"]?.stringValue ?? "?", selection, String(nodes),
                String(counts["hit"]?.intValue ?? 0), String(counts["built"]?.intValue ?? 0),
                String(counts["failed"]?.intValue ?? 0), TextOutput.duration(m["seconds"]?.doubleValue ?? 0),
            ])
            list.append(
                .map([
                    "id": .string(id), "status": m["status"] ?? .null, "selection": .string(selection),
                    "nodes": .int(nodes), "counts": .map(counts), "seconds": m["seconds"] ?? .null,
                    "started": m["started"] ?? .null,
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
        let manifest: Value
        let id: String
        do {
            id = try store.resolve(runName)
            manifest = try store.manifest(id)
        } catch { throw fail(error) }
        if json {
            TextOutput.stdout(manifest.prettyJSON())
            return
        }
        Output.line(
            "run      \(id) \(manifest["status"]?.stringValue ?? "?") in \(TextOutput.duration(manifest["seconds"]?.doubleValue ?? 0))"
        )
        Output.line("command  \(manifest["command"]?.listValue?.map(\.interpolated).joined(separator: " ") ?? "")")
        Output.line(
            "host     \(manifest["host"]?["hostname"]?.interpolated ?? "?"), \(manifest["host"]?["cpu"]?.interpolated ?? "?"), repro \(manifest["repro_version"]?.interpolated ?? "?")"
        )
        var rows: [[String]] = [["STATUS", "KEY", "TIME", "NODE"]]
        var failures: [String] = []
        for node in manifest["nodes"]?.listValue ?? [] {
            let nodeID = node["id"]?.stringValue ?? "?"
            let status = node["status"]?.stringValue ?? "?"
            rows.append([
                status, String((node["entry"] ?? node["key"])?.stringValue?.prefix(12) ?? "?"),
                node["seconds"].map { TextOutput.duration($0.doubleValue ?? 0) } ?? "", nodeID,
            ])
            if let f = node["failure"] {
                var text = "\(nodeID): \(f["reason"]?.interpolated ?? "")"
                for line in f["stderr_tail"]?.listValue ?? [] { text += "\n  | \(line.interpolated)" }
                failures.append(text)
            } else if let note = node["note"]?.stringValue, status == "not-run" {
                failures.append("\(nodeID): not run: \(note)")
            }
        }
        Output.line(Output.table(rows, indent: "  "))
        for f in failures { Output.line(f) }
        Output.line("logs     \(DisplayPath.of(store.directory + "/" + id + "/logs"))")
    }
}
