import Foundation
import GRDB
import Recipes
import Workflow

/// The history of metrics, in SQLite (`cache/history.sqlite`): one row per run, one per metric of a node in a run,
/// with the recipe, the node's key, its series (the request: recipe, variations, inputs, needs), the host and the
/// time. Every run's manifest is the source; the database can be rebuilt from the manifests (`repro history
/// --rebuild`), so a damaged database never costs a result.
public final class HistoryStore {
    public let path: String
    let queue: DatabaseQueue

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    public init(path: String) throws(Failure) {
        self.path = path
        var config = Configuration()
        config.busyMode = .timeout(5)
        // Write-ahead logging: a reader (repro report) never blocks a run that records, and commits are cheap.
        config.journalMode = .wal
        do {
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            queue = try DatabaseQueue(path: path, configuration: config)
            try HistoryStore.migrator.migrate(queue)
        } catch {
            throw HistoryStore.explain(error, path: path)
        }
    }

    static var migrator: DatabaseMigrator {
        var m = DatabaseMigrator()
        m.registerMigration("v1") { db in
            try db.create(table: "run") { t in
                t.primaryKey("id", .text)
                t.column("started", .text).notNull()
                t.column("finished", .text)
                t.column("status", .text).notNull()
                t.column("command", .text).notNull()
                t.column("hostname", .text)
                t.column("cpu", .text)
                t.column("host", .text)
            }
            try db.create(table: "metric") { t in
                t.column("run_id", .text).notNull().references("run", onDelete: .cascade)
                t.column("node", .text).notNull()
                t.column("recipe", .text).notNull()
                t.column("key", .text)
                t.column("name", .text).notNull()
                t.column("value", .double)
                t.column("text", .text)
                t.column("unit", .text)
                t.column("better", .text).notNull()
                t.column("tolerance", .double).notNull()
                t.column("cached", .boolean).notNull()
                t.primaryKey(["run_id", "node", "name"])
            }
            try db.create(index: "metric_by_name", on: "metric", columns: ["recipe", "name", "node"])
        }
        // Series: points of one request. Rows recorded before have none (each is a series of its own) until
        // `repro history --rebuild` reads their manifests again.
        m.registerMigration("v2 series") { db in
            try db.create(table: "series") { t in
                t.primaryKey("id", .text)
                t.column("recipe", .text).notNull()
                t.column("node", .text).notNull()
                t.column("variations", .text).notNull()
                t.column("inputs", .text).notNull()
                t.column("needs", .text).notNull()
            }
            try db.alter(table: "metric") { t in t.add(column: "series", .text) }
            try db.create(index: "metric_by_series", on: "metric", columns: ["series", "name"])
        }
        return m
    }

    static func explain(_ error: any Error, path: String) -> Failure {
        if let e = error as? DatabaseError {
            switch e.resultCode {
            case .SQLITE_BUSY, .SQLITE_LOCKED:
                return Failure(
                    description:
                        "the history database \(path) is locked by another process (waited 5 s); try again when it is done"
                )
            case .SQLITE_CORRUPT, .SQLITE_NOTADB:
                return Failure(
                    description: "the history database \(path) is damaged (\(e.message ?? "not a database")); "
                        + "`repro history --rebuild` sets it aside and rebuilds it from the run manifests")
            default:
                return Failure(description: "the history database \(path): \(e.message ?? "\(e)")")
            }
        }
        return Failure(description: "the history database \(path): \(error)")
    }

    /// Records a run from its manifest (a second record of the same run replaces the first).
    public func record(manifest m: Manifest) throws(Failure) {
        let host = Value.map(m.host.fields)
        let series = Series.of(m)
        do {
            try queue.write { db in
                try db.execute(sql: "DELETE FROM run WHERE id = ?", arguments: [m.id])
                try db.execute(
                    sql:
                        "INSERT INTO run (id, started, finished, status, command, hostname, cpu, host) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    arguments: [
                        m.id, m.started, m.finished, m.status.rawValue, m.command.joined(separator: " "),
                        m.host.hostname, m.host.cpu, host.canonicalJSON,
                    ])
                for n in m.nodes {
                    guard let result = n.result, !result.metrics.isEmpty, let s = series[n.id] else { continue }
                    try db.execute(
                        sql:
                            "INSERT OR IGNORE INTO series (id, recipe, node, variations, inputs, needs) VALUES (?, ?, ?, ?, ?, ?)",
                        arguments: [
                            s.id, s.recipe, s.node, Value.list(s.variations.map { .string($0) }).canonicalJSON,
                            Value.map(s.inputs).canonicalJSON,
                            Value.map(s.needs.mapValues { .list($0.map { .string($0) }) }).canonicalJSON,
                        ])
                    for (name, value) in result.metrics {
                        let spec = result.metricSpecs[name]
                        try db.execute(
                            sql: """
                                INSERT INTO metric (run_id, node, recipe, key, name, value, text, unit, better, tolerance, cached, series)
                                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                                """,
                            arguments: [
                                m.id, n.id, n.recipe, n.key, name,
                                value.doubleValue, value.doubleValue == nil ? value.interpolated : nil,
                                spec?.unit, spec?.better.rawValue ?? "equal", spec?.tolerance ?? 0, n.status == .hit,
                                s.id,
                            ])
                    }
                }
            }
        } catch {
            throw HistoryStore.explain(error, path: path)
        }
    }

    public struct Point: Sendable {
        public let run: String
        public let started: String
        public let node: String
        public let recipe: String
        public let name: String
        public let value: Double?
        public let text: String?
        public let unit: String?
        public let better: MetricSpec.Direction
        public let tolerance: Double
        public let cached: Bool
        public let cpu: String?
        /// The request it measured (nil for a point recorded before series existed: a series of its own).
        public let seriesID: String?

        /// The series to compare it within.
        public var series: String { seriesID ?? "legacy:\(run)/\(node)" }
    }

    /// Metric points, oldest first, optionally of one recipe / metric / run.
    public func points(recipe: String? = nil, metric: String? = nil, run: String? = nil) throws(Failure) -> [Point] {
        var sql = """
            SELECT m.run_id, r.started, m.node, m.recipe, m.name, m.value, m.text, m.unit, m.better, m.tolerance, m.cached,
                r.cpu, m.series
            FROM metric m JOIN run r ON r.id = m.run_id WHERE 1
            """
        var args: [any DatabaseValueConvertible] = []
        if let recipe {
            sql += " AND m.recipe = ?"
            args.append(recipe)
        }
        if let metric {
            sql += " AND m.name = ?"
            args.append(metric)
        }
        if let run {
            sql += " AND m.run_id = ?"
            args.append(run)
        }
        sql += " ORDER BY r.started, m.run_id, m.node, m.name"
        do {
            return try queue.read { db in
                try Row.fetchAll(db, sql: sql, arguments: StatementArguments(args)).map { r in
                    Point(
                        run: r[0], started: r[1], node: r[2], recipe: r[3], name: r[4], value: r[5], text: r[6],
                        unit: r[7],
                        better: MetricSpec.Direction(recorded: r[8]), tolerance: r[9], cached: r[10], cpu: r[11],
                        seriesID: r[12])
                }
            }
        } catch {
            throw HistoryStore.explain(error, path: path)
        }
    }

    /// Every series recorded, by id.
    public func series() throws(Failure) -> [String: Series] {
        do {
            return try queue.read { db in
                var out: [String: Series] = [:]
                for r in try Row.fetchAll(db, sql: "SELECT id, recipe, node, variations, inputs, needs FROM series") {
                    func parse(_ text: String) -> Value { (try? Value.parseJSON(text)) ?? .null }
                    let id: String = r[0]
                    out[id] = Series(
                        id: id, recipe: r[1], node: r[2],
                        variations: parse(r[3]).listValue?.compactMap(\.stringValue) ?? [],
                        inputs: parse(r[4]).mapValue ?? [:],
                        needs: (parse(r[5]).mapValue ?? [:]).mapValues { $0.listValue?.compactMap(\.stringValue) ?? [] }
                    )
                }
                return out
            }
        } catch {
            throw HistoryStore.explain(error, path: path)
        }
    }

    /// Run ids, oldest first.
    public func runs() throws(Failure) -> [String] {
        do {
            return try queue.read { db in try String.fetchAll(db, sql: "SELECT id FROM run ORDER BY started, id") }
        } catch {
            throw HistoryStore.explain(error, path: path)
        }
    }

    /// Sets a damaged database aside (renamed, never deleted) and records every manifest again.
    public static func rebuild(path: String, manifests: [String]) throws(Failure) -> (
        store: HistoryStore, runs: Int, setAside: String?
    ) {
        var aside: String?
        if FileManager.default.fileExists(atPath: path) {
            var target = path + ".damaged-\(Int(Date().timeIntervalSince1970))"
            var n = 1
            while FileManager.default.fileExists(atPath: target) {
                n += 1
                target = path + ".damaged-\(Int(Date().timeIntervalSince1970))-\(n)"
            }
            do { try FileManager.default.moveItem(atPath: path, toPath: target) } catch {
                throw Failure(description: "cannot set \(path) aside: \(error.localizedDescription)")
            }
            for suffix in ["-wal", "-shm"] {
                try? FileManager.default.moveItem(atPath: path + suffix, toPath: target + suffix)
            }
            aside = target
        }
        let store = try HistoryStore(path: path)
        var count = 0
        for file in manifests {
            guard let manifest = try? Manifest.read(file) else { continue }
            try store.record(manifest: manifest)
            count += 1
        }
        return (store, count, aside)
    }
}
