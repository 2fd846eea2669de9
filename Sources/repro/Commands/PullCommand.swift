import ArgumentParser
import Recipes
import Runners
import Workflow

struct PullCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pull",
        abstract: "Add a recipe repository at a revision, update, list, pin or remove the ones added.",
        discussion: """
            The repository is cloned (libgit2) into <cache>/repos/<name>; its recipes/ folder joins the search path
            after your own folders (yours win: see 'repro list'), and the commit is recorded in <cache>/repos.json.
            Without URL, every repository is brought to its revision again (a branch to its newest commit); a
            pinned one (--pin, or added at a full commit id) stays at its commit.
            Examples:
              repro pull https://github.com/example/mlperf-recipes@v1.2
              repro pull file:///srv/git/recipes.git@main
              repro pull                                   # update them all
              repro pull --list
              repro pull --list --json
              repro pull https://github.com/example/mlperf-recipes@v1.2 --json
              repro pull --pin mlperf-recipes              # keep it at its commit
              repro pull --remove mlperf-recipes
            Exit status: 0, 1 when the cache cannot be written, 2 for a URL or revision that cannot be fetched, or
            a repository name that is not pulled.
            """)

    @Argument(help: "URL[@REVISION] (a commit, tag or branch; default: the default branch).") var repository: String?
    @Flag(help: "List the pulled repositories: revision, commit, whether pinned, how many recipes.") var list = false
    @Option(help: ArgumentHelp("Remove a pulled repository (its folder and its record).", valueName: "name"))
    var remove: String?
    @Option(help: ArgumentHelp("Keep a pulled repository at its current commit.", valueName: "name")) var pin: String?
    @Option(help: ArgumentHelp("Let a pinned repository follow its revision again.", valueName: "name"))
    var unpin: String?
    @Flag(help: "Print as JSON: the list, or what was added, updated, pinned or removed (see docs/command-line.md).")
    var json = false
    @OptionGroup var location: LocationOptions

    func validate() throws {
        let chosen = [repository != nil, list, remove != nil, pin != nil, unpin != nil].filter { $0 }.count
        if chosen > 1 { throw ValidationError("give one of URL, --list, --remove, --pin and --unpin") }
    }

    func run() throws {
        let workspace = location.workspace
        let repos = RecipeRepositories(cacheDirectory: workspace.cacheDirectory, environment: workspace.environment)
        do {
            if list {
                printList(repos)
            } else if let name = remove {
                let e = try repos.remove(name)
                report((.removed, e.commit, e)) {
                    "\(e.name): removed (was at \(e.commit.prefix(12)) from \(e.url))"
                }
            } else if let name = pin ?? unpin {
                let e = try repos.setPinned(name, pin != nil)
                report((e.pinned ? .pinned : .unpinned, e.commit, e)) {
                    "\(e.name): \(e.pinned ? "pinned at" : "follows \(e.revision ?? "its default branch"), now at") "
                        + "\(e.commit.prefix(12))"
                }
            } else if let repository {
                let (url, revision) = RecipeRepositories.split(repository)
                let (old, entry) = try repos.pull(url: url, revision: revision)
                let change = old.map { $0 == entry.commit ? "unchanged at" : "\($0.prefix(12)) ->" } ?? "added at"
                report((old == nil ? .added : old == entry.commit ? .unchanged : .updated, old, entry)) {
                    let at = revision.map { "@" + $0 } ?? ""
                    return "\(entry.name): \(change) \(entry.commit.prefix(12)) (\(entry.url)\(at))"
                        + (entry.pinned ? ", pinned" : "")
                }
            } else {
                let updated = try repos.update()
                if json {
                    printJSON(updated.map { (old, e) in (old == e.commit ? .unchanged : .updated, old, e) })
                    return
                }
                if updated.isEmpty { Output.line("no recipe repositories yet; add one with 'repro pull URL[@REV]'") }
                for (old, e) in updated {
                    Output.line(
                        "\(e.name): \(old == e.commit ? "unchanged at" : "\(old.prefix(12)) ->") \(e.commit.prefix(12))"
                            + (e.pinned ? " (pinned)" : ""))
                }
            }
        } catch {
            if case .io = error { throw fail(error, code: 1) }
            throw fail(error)
        }
    }

    /// What one repository went through, for `--json`: added, updated, unchanged, pinned, unpinned or removed;
    /// the commit it was at before (null when it was new) and its record now.
    typealias Change = (change: ChangeKind, previous: String?, entry: RecipeRepositories.Entry)
    enum ChangeKind: String { case added, updated, unchanged, pinned, unpinned, removed }

    /// The text line of one change, or with `--json` the object of `printJSON`.
    func report(_ change: Change, _ text: () -> String) {
        if json { printJSON([change]) } else { Output.line(text()) }
    }

    /// `--json` for a pull, update, pin, unpin or remove: `{"repositories": [...]}`, each with its name, URL,
    /// revision, the commit now and before, whether pinned, and the change.
    func printJSON(_ changes: [Change]) {
        let listed: [Value] = changes.map { c in
            .map([
                "name": .string(c.entry.name), "url": .string(c.entry.url),
                "revision": c.entry.revision.map(Value.string) ?? .null, "commit": .string(c.entry.commit),
                "previous_commit": c.previous.map(Value.string) ?? .null, "pinned": .bool(c.entry.pinned),
                "change": .string(c.change.rawValue),
            ])
        }
        Output.json(.map(["repositories": .list(listed)]))
    }

    func printList(_ repos: RecipeRepositories) {
        let entries = repos.entries()
        func recipeCount(_ e: RecipeRepositories.Entry) -> Int? {
            try? RecipeRegistry(searchPath: [e.recipesFolder(cacheDirectory: repos.cacheDirectory)]).names.count
        }
        if json {
            let listed: [Value] = entries.map { e in
                .map([
                    "name": .string(e.name), "url": .string(e.url), "revision": e.revision.map(Value.string) ?? .null,
                    "commit": .string(e.commit), "pinned": .bool(e.pinned),
                    "recipes": recipeCount(e).map(Value.int) ?? .null,
                ])
            }
            Output.json(.list(listed))
            return
        }
        if entries.isEmpty {
            Output.line("no recipe repositories yet; add one with 'repro pull URL[@REV]'")
            return
        }
        var rows = [["NAME", "REVISION", "COMMIT", "PINNED", "RECIPES", "URL"]]
        for e in entries {
            let count = recipeCount(e).map(String.init) ?? "?"
            rows.append([
                e.name, e.revision ?? "(default)", String(e.commit.prefix(12)), e.pinned ? "yes" : "", count, e.url,
            ])
        }
        Output.line(Output.table(rows))
    }
}
