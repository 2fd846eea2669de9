import Basics
import Foundation
import Recipes
import Workflow

/// Recipe repositories added with `repro pull URL[@REV]`: cloned into `<cache>/repos/<name>`, whose
/// `recipes/` folder joins the search path (after the user's own folders), and recorded with the commit in
/// `<cache>/repos.json`. A pinned repository stays at its commit when the others are updated.
public struct RecipeRepositories {
    public struct Entry: Sendable {
        public var name: String
        public var url: String
        /// What was asked for (a branch, tag or commit; nil for the default branch).
        public var revision: String?
        public var commit: String
        /// Kept at `commit` by `repro pull` (a full commit id asked for is pinned by nature).
        public var pinned = false

        /// The folder of its recipes, under the cache.
        public func recipesFolder(cacheDirectory: String) -> String { cacheDirectory + "/repos/" + name + "/recipes" }
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
            return Entry(
                name: name, url: url, revision: e["revision"]?.stringValue, commit: commit,
                pinned: e["pinned"]?.boolValue ?? false)
        }
    }

    func save(_ entries: [Entry]) throws(FileOps.Failure) {
        var m: [String: Value] = [:]
        for e in entries {
            m[e.name] = .map([
                "url": .string(e.url), "revision": e.revision.map { .string($0) } ?? .null,
                "commit": .string(e.commit), "pinned": .bool(e.pinned),
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
        /// The repository or revision asked for could not be fetched (bad input: a wrong URL or revision).
        case git(String)
        /// A repository name that is not recorded.
        case unknown(name: String, known: [String])
        case io(String)
        public var description: String {
            switch self {
            case .git(let m): "error: \(m)"
            case .unknown(let name, let known):
                "error: no pulled repository '\(name)'\(Suggestions.hint(for: name, in: known))"
                    + (known.isEmpty ? " (none is pulled)" : " (pulled: \(known.joined(separator: ", ")))")
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
        let fresh = old == nil && !FileSystemPath.exists(cacheDirectory + "/repos/" + name)
        let commit: String
        do { commit = try sync(url: url, revision: revision, name: name) } catch {
            // A first pull that failed leaves nothing behind (its half clone would join the search path).
            if fresh { FileOps.removeTree(cacheDirectory + "/repos/" + name) }
            throw error
        }
        let entry = Entry(
            name: name, url: url, revision: revision, commit: commit,
            pinned: old?.pinned ?? false || RecipeRepositories.isCommitID(revision))
        all.removeAll { $0.name == name }
        all.append(entry)
        do { try save(all) } catch { throw .io("\(error)") }
        return (old?.commit, entry)
    }

    /// Updates every recorded repository to its recorded revision (a branch moves to its newest commit); a
    /// pinned one is checked out at its commit again.
    public func update() throws(Failure) -> [(old: String, entry: Entry)] {
        var out: [(String, Entry)] = []
        var all = entries()
        for (i, e) in all.enumerated() {
            let commit = try sync(url: e.url, revision: e.pinned ? e.commit : e.revision, name: e.name)
            all[i].commit = commit
            out.append((e.commit, all[i]))
        }
        do { try save(all) } catch { throw .io("\(error)") }
        return out
    }

    /// Removes a repository: its folder and its record.
    public func remove(_ name: String) throws(Failure) -> Entry {
        var all = entries()
        guard let entry = all.first(where: { $0.name == name }) else {
            throw .unknown(name: name, known: all.map(\.name))
        }
        FileOps.removeTree(cacheDirectory + "/repos/" + name)
        all.removeAll { $0.name == name }
        do { try save(all) } catch { throw .io("\(error)") }
        return entry
    }

    /// Pins a repository at its current commit, or lets it follow its revision again.
    public func setPinned(_ name: String, _ pinned: Bool) throws(Failure) -> Entry {
        var all = entries()
        guard let i = all.firstIndex(where: { $0.name == name }) else {
            throw .unknown(name: name, known: all.map(\.name))
        }
        all[i].pinned = pinned
        do { try save(all) } catch { throw .io("\(error)") }
        return all[i]
    }

    /// A full hexadecimal commit id (a revision that cannot move).
    static func isCommitID(_ revision: String?) -> Bool {
        guard let r = revision else { return false }
        return r.count == 40 && r.allSatisfy(\.isHexDigit)
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
