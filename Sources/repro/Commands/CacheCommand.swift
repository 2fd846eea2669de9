import ArgumentParser
import Basics
import Recipes
import Runners
import Workflow

struct CacheCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "cache",
        abstract: "Look after the cache: list, show, remove, collect garbage, verify.",
        discussion: """
            Examples:
              repro cache ls
              repro cache show demo       # a node's newest entry (or give a key prefix)
              repro cache rm --recipe demo-shard
              repro cache gc --dry-run
              repro cache verify
            """,
        subcommands: [CacheList.self, CacheShow.self, CacheRemove.self, CacheGC.self, CacheVerify.self])
}

struct CacheList: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ls",
        abstract: "List cache entries: key, node, policy, size, when made, and the variations and inputs.",
        discussion: "Examples:\n  repro cache ls\n  repro cache ls --recipe demo-shard --json")

    @OptionGroup var location: LocationOptions
    @Option(help: "Only entries of this recipe.") var recipe: String?
    @Flag(help: "Print as JSON.") var json = false

    func run() throws {
        let cache = location.workspace.cache
        var rows: [[String]] = [["KEY", "NODE", "POLICY", "SIZE", "MADE", "VARIATIONS AND INPUTS"]]
        var list: [Value] = []
        var total = 0
        for key in cache.entryKeys() {
            guard let meta = cache.meta(key) else {
                rows.append([String(key.prefix(12)), "(unreadable or incomplete)", "", "", "", ""])
                continue
            }
            if let recipe, meta.recipe != recipe { continue }
            let size = meta.files.reduce(0) { $0 + $1.size }
            total += size
            rows.append([
                String(key.prefix(12)), meta.nodeID, meta.policy.rawValue,
                TextOutput.bytes(Double(size)), String(Clock.iso8601(meta.created).prefix(19)),
                CacheList.request(meta),
            ])
            list.append(
                .map([
                    "key": .string(key), "recipe": .string(meta.recipe), "node": .string(meta.nodeID),
                    "policy": .string(meta.policy.rawValue), "bytes": .int(size),
                    "created": .string(Clock.iso8601(meta.created)),
                    "variations": .list(meta.variations.map { .string($0) }), "inputs": .map(meta.inputs),
                ]))
        }
        if json {
            Output.json(.list(list))
            return
        }
        Output.line(Output.table(rows))
        Output.line("\(rows.count - 1) entries, \(TextOutput.bytes(Double(total))) in \(DisplayPath.of(cache.root))")
    }

    /// `_small count=10 seed=3`: what made this entry differ from the recipe's other entries, in 60 columns.
    static func request(_ meta: EntryMeta) -> String {
        let words =
            meta.variations.map { "_" + $0 }
            + meta.inputs.keys.sorted().map { "\($0)=\(RunReport.brief(meta.inputs[$0]!))" }
        let text = words.joined(separator: " ")
        return text.count <= 60 ? text : String(text.prefix(59)) + "…"
    }
}

struct CacheShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show one entry's record (meta.json) and where its files are.",
        discussion: "Examples:\n  repro cache show demo\n  repro cache show demo-numbers --json")

    @Argument(help: "A key or its first characters (at least 4), or a node id or recipe name (its newest entry).")
    var key: String
    @OptionGroup var location: LocationOptions
    @Flag(help: "Print meta.json as it is.") var json = false

    func run() throws {
        let cache = location.workspace.cache
        let full: String
        do { full = try cache.resolveEntry(key) } catch { throw fail(error) }
        guard let meta = cache.meta(full) else { throw fail("error: entry \(full) has no readable meta.json") }
        if json {
            Output.json(meta.json)
            return
        }
        Output.line("entry    \(full)")
        Output.line("node     \(meta.nodeID) (recipe \(meta.recipe), \(meta.policy.rawValue))")
        Output.line(
            "made     \(Clock.iso8601(meta.created)) in \(TextOutput.duration(meta.duration)) on \(meta.host["hostname"]?.interpolated ?? "?") by repro \(meta.repro.description)"
        )
        Output.line("folder   \(DisplayPath.of(cache.entryPath(full)))")
        if !meta.inputs.isEmpty {
            Output.line("inputs")
            for k in meta.inputs.keys.sorted() { Output.line("  \(k) = \(meta.inputs[k]!.interpolated)") }
        }
        Output.line("outputs")
        let outputs = meta.outputs(outDir: cache.outPath(full))
        for k in outputs.keys.sorted() { Output.line("  \(k) = \(outputs[k]!.interpolated)") }
        if !meta.metrics.isEmpty {
            Output.line("metrics")
            for k in meta.metrics.keys.sorted() { Output.line("  \(k) = \(meta.metrics[k]!.interpolated)") }
        }
        Output.line("files (\(meta.files.count))")
        for f in meta.files.prefix(50) {
            Output.line("  \(f.sha256.prefix(12))  \(TextOutput.bytes(Double(f.size)))  \(f.path)")
        }
        if meta.files.count > 50 { Output.line("  … and \(meta.files.count - 50) more") }
    }
}

struct CacheRemove: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rm", abstract: "Remove entries by key (prefix) or by recipe.",
        discussion: "Examples:\n  repro cache rm demo\n  repro cache rm --recipe demo-shard --json")

    @Argument(help: "Keys or key prefixes, or node ids or recipe names (their newest entry).") var keys: [String] = []
    @Option(help: "Remove every entry of this recipe.") var recipe: String?
    @Flag(help: "Print the keys removed as a JSON list.") var json = false
    @OptionGroup var location: LocationOptions

    func run() throws {
        let cache = location.workspace.cache
        var targets: [String] = []
        do { for k in keys { targets.append(try cache.resolveEntry(k)) } } catch { throw fail(error) }
        guard !keys.isEmpty || recipe != nil else {
            throw fail("error: name entries to remove (keys, or --recipe NAME)")
        }
        if let recipe {
            let ofRecipe = cache.entryKeys().filter { cache.meta($0)?.recipe == recipe }
            if ofRecipe.isEmpty && !json { Output.line("no entries of recipe '\(recipe)'") }
            targets += ofRecipe
        }
        for key in targets {
            do { try cache.remove(key) } catch { throw fail(error, code: 1) }
            if !json { Output.line("removed \(key.prefix(16))") }
        }
        if json { Output.json(.list(targets.map(Value.string))) }
    }
}

struct CacheGC: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gc", abstract: "Remove what is no longer needed: abandoned builds, old unreferenced results.",
        discussion: """
            Always removed: staging folders of builds that died, incomplete entries, and old idle lock files;
            volatile and measured entries that are no longer the newest for their node, after --keep-days.
            With --older-than, also every entry not used for that many days. Each removal is listed.
            Examples:
              repro cache gc
              repro cache gc --older-than 30 --dry-run    # list; remove nothing
              repro cache gc --dry-run --json
            """)

    @OptionGroup var location: LocationOptions
    @Option(help: "Days to keep superseded volatile and measured entries.") var keepDays: Double = 30
    @Option(help: "Also remove any entry not used for this many days.") var olderThan: Double?
    @Flag(help: "List what would be removed; remove nothing.") var dryRun = false
    @Flag(help: "One JSON object on stdout: each removal (kind, key, node, reason, bytes) and the totals.")
    var json = false

    func run() throws {
        let report = location.workspace.cache.gc(unreferencedDays: keepDays, olderThanDays: olderThan, dryRun: dryRun)
        if json {
            let removed: [Value] = report.removed.map { r in
                .map([
                    "kind": .string(r.kind.rawValue), "key": .string(r.key), "node": r.node.map(Value.string) ?? .null,
                    "reason": .string(r.reason), "bytes": .int(Int(r.bytes)),
                ])
            }
            let v: Value = .map([
                "dry_run": .bool(dryRun), "removed": .list(removed), "entries": .int(report.entries),
                "staging": .int(report.staging), "locks": .int(report.locks), "bytes": .int(Int(report.bytes)),
            ])
            Output.json(v)
            return
        }
        let verb = dryRun ? "would remove" : "removed"
        for r in report.removed {
            Output.line(
                "\(verb) \(r.kind.rawValue) \(r.key.prefix(12))\(r.node.map { " (\($0))" } ?? ""): \(r.reason)"
                    + (r.bytes > 0 ? ", \(TextOutput.bytes(Double(r.bytes)))" : ""))
        }
        Output.line(
            "\(verb) \(report.entries) entries, \(report.staging) abandoned builds, \(report.locks) lock files; "
                + "\(dryRun ? "would free" : "freed") \(TextOutput.bytes(Double(report.bytes)))")
    }
}

struct CacheVerify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify", abstract: "Re-hash every entry's files against its record; exit 1 on any difference.",
        discussion: """
            Every file of an entry is hashed again and compared with its meta.json; a file missing, changed or
            added is a problem. With --repair each damaged entry is removed, so the next run that needs it builds
            it again (a run also rebuilds, with a warning, an entry it finds changed when it would reuse it).
            Examples:
              repro cache verify
              repro cache verify demo
              repro cache verify --repair
              repro cache verify --json
            """)

    @Argument(help: "Keys or prefixes (default: every entry).") var keys: [String] = []
    @Flag(help: "Remove each damaged entry, so the next run that needs it builds it again.") var repair = false
    @Flag(help: "One JSON object on stdout: the entries verified, each problem, and what --repair removed.")
    var json = false
    @OptionGroup var location: LocationOptions

    func run() throws {
        let cache = location.workspace.cache
        var targets: [String]? = nil
        if !keys.isEmpty {
            do {
                var resolved: [String] = []
                for k in keys { resolved.append(try cache.resolveEntry(k)) }
                targets = resolved
            } catch { throw fail(error) }
        }
        let problems = cache.verify(targets)
        let count = targets?.count ?? cache.entryKeys().count
        let stale = cache.staleStaging()
        // --repair: each damaged entry removed (node, key), or the one that could not be.
        var removed: [(node: String, key: String)] = []
        var unremovable: (node: String, key: String, error: String)?
        if repair {
            for key in Set(problems.map(\.key)).sorted() {
                let node = cache.meta(key)?.nodeID ?? "an unreadable entry"
                do { try cache.remove(key) } catch {
                    unremovable = (node, key, "\(error)")
                    break
                }
                removed.append((node, key))
            }
        }
        if json {
            let v: Value = .map([
                "entries": .int(count), "abandoned_builds": .int(stale.count),
                "problems": .list(
                    problems.map { .map(["key": .string($0.key), "message": .string($0.message)]) }),
                "removed": .list(removed.map { .map(["key": .string($0.key), "node": .string($0.node)]) }),
                "not_removed": unremovable.map { .map(["key": .string($0.key), "error": .string($0.error)]) } ?? .null,
            ])
            Output.json(v)
            if !problems.isEmpty && (!repair || unremovable != nil) { throw ExitCode(1) }
            return
        }
        if !stale.isEmpty {
            Output.line(
                "note: \(stale.count) abandoned build folder(s) in \(DisplayPath.of(cache.stagingDir)); "
                    + "'repro cache gc' removes them")
        }
        if problems.isEmpty {
            Output.line("verified \(count) entries: all files match their records")
            return
        }
        for p in problems { Output.line("problem: \(p)") }
        Output.line("verified \(count) entries: \(problems.count) problem(s)")
        guard repair else { throw ExitCode(1) }
        if let unremovable {
            Output.line(
                "repair: \(unremovable.key.prefix(12)) (\(unremovable.node)) could not be removed: \(unremovable.error)"
            )
            throw ExitCode(1)
        }
        Output.line(
            "repaired: removed \(removed.count) damaged entr\(removed.count == 1 ? "y" : "ies"): "
                + removed.map { "\($0.node) (\($0.key.prefix(12)))" }.joined(separator: ", ")
                + "; the next run that needs them builds them again")
    }
}
