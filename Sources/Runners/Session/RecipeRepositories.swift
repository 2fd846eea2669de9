import Foundation
import Recipes
import Workflow

/// Recipe repositories added with `repro pull URL[@REV]`: cloned into `<cache>/repos/<name>`, whose
/// `recipes/` folder joins the search path, and recorded with the commit in `<cache>/repos.json`.
public struct RecipeRepositories {
    public struct Entry: Sendable {
        public var name: String
        public var url: String
        /// What was asked for (a branch, tag or commit; nil for the default branch).
        public var revision: String?
        public var commit: String
    }

    public let cacheDirectory: String
    let worker: String
    let environment: [String: String]

    public init(cacheDirectory: String, environment: [String: String]) {
        self.cacheDirectory = cacheDirectory
        self.environment = environment
        worker = FileSystemPath.absolute(
            environment["REPRO_STEP"] ?? FileSystemPath.parent(CommandLine.executablePath) + "/repro-step")
    }

    var recordPath: String { cacheDirectory + "/repos.json" }

    public func entries() -> [Entry] {
        guard let bytes = try? FileSystemPath.readBytes(recordPath), let v = try? Value.parseJSON(bytes: bytes),
            case .map(let m) = v
        else { return [] }
        return m.keys.sorted().compactMap { name in
            guard let e = m[name], let url = e["url"]?.stringValue, let commit = e["commit"]?.stringValue else {
                return nil
            }
            return Entry(name: name, url: url, revision: e["revision"]?.stringValue, commit: commit)
        }
    }

    func save(_ entries: [Entry]) throws(FileOps.Failure) {
        var m: [String: Value] = [:]
        for e in entries {
            m[e.name] = .map([
                "url": .string(e.url), "revision": e.revision.map { .string($0) } ?? .null,
                "commit": .string(e.commit),
            ])
        }
        try FileOps.makeDirectories(cacheDirectory)
        try FileOps.writeAtomically(Value.map(m).prettyJSON(), to: recordPath)
    }

    /// `URL@REV` → (URL, REV); an `@` inside `user@host:` of an scp-style URL is not a revision.
    public static func split(_ spec: String) -> (url: String, revision: String?) {
        guard let at = spec.lastIndex(of: "@") else { return (spec, nil) }
        let rev = String(spec[spec.index(after: at)...])
        if rev.contains(":") || rev.contains("/") && !rev.hasPrefix("refs/") { return (spec, nil) }
        return (String(spec[..<at]), rev.isEmpty ? nil : rev)
    }

    /// The folder name for a repository URL: its last part without `.git`.
    public static func name(of url: String) -> String {
        var last = url.split(separator: "/").last.map(String.init) ?? url
        if last.hasSuffix(".git") { last.removeLast(4) }
        if let colon = last.lastIndex(of: ":") { last = String(last[last.index(after: colon)...]) }
        return last.isEmpty ? "repo" : last
    }

    public enum Failure: Error, CustomStringConvertible {
        case git(String)
        case io(String)
        public var description: String {
            switch self {
            case .git(let m): "error: \(m)"
            case .io(let m): "error: \(m)"
            }
        }
    }

    /// Adds (or moves to a new revision) one repository; returns the old commit, if any, and the new entry.
    public func pull(url: String, revision: String?) throws(Failure) -> (old: String?, entry: Entry) {
        let name = RecipeRepositories.name(of: url)
        var all = entries()
        let old = all.first { $0.name == name }
        if let old, old.url != url {
            throw .io(
                "a repository named '\(name)' is already pulled from \(old.url); remove \(cacheDirectory)/repos/\(name) first"
            )
        }
        let commit = try sync(url: url, revision: revision, name: name)
        let entry = Entry(name: name, url: url, revision: revision, commit: commit)
        all.removeAll { $0.name == name }
        all.append(entry)
        do { try save(all) } catch { throw .io("\(error)") }
        return (old?.commit, entry)
    }

    /// Updates every recorded repository to its recorded revision (a branch moves to its newest commit).
    public func update() throws(Failure) -> [(old: String, entry: Entry)] {
        var out: [(String, Entry)] = []
        var all = entries()
        for (i, e) in all.enumerated() {
            let commit = try sync(url: e.url, revision: e.revision, name: e.name)
            all[i].commit = commit
            out.append((e.commit, all[i]))
        }
        do { try save(all) } catch { throw .io("\(error)") }
        return out
    }

    func sync(url: String, revision: String?, name: String) throws(Failure) -> String {
        guard FileManager.default.isExecutableFile(atPath: worker) else {
            throw .git("the action worker '\(worker)' is missing; build it with 'swift build --product repro-step'")
        }
        let path = cacheDirectory + "/repos/" + name
        let r = Command.run([worker, "git-sync", url, revision ?? "-", path], environment: environment, timeout: 3600)
        guard r.succeeded, let v = try? Value.parseJSON(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)),
            let commit = v["commit"]?.stringValue
        else {
            throw .git(r.stderr.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return commit
    }
}
