import ArgumentParser
import Runners
import Workflow

struct PullCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pull",
        abstract: "Add a recipe repository at a revision, or update the ones added before.",
        discussion: """
            The repository is cloned (libgit2) into <cache>/repos/<name>; its recipes/ folder joins the search
            path, and the commit is recorded in <cache>/repos.json. Without URL, every recorded repository is
            brought to its recorded revision again (a branch to its newest commit).
            Examples:
              repro pull https://github.com/example/mlperf-recipes@v1.2
              repro pull file:///srv/git/recipes.git@main
              repro pull
            """)

    @Argument(help: "URL[@REVISION] (a commit, tag or branch; default: the default branch).") var repository: String?
    @OptionGroup var location: LocationOptions

    func run() throws {
        let workspace = location.workspace
        let repos = RecipeRepositories(cacheDirectory: workspace.cacheDirectory, environment: workspace.environment)
        do {
            if let repository {
                let (url, revision) = RecipeRepositories.split(repository)
                let (old, entry) = try repos.pull(url: url, revision: revision)
                let change = old.map { $0 == entry.commit ? "unchanged at" : "\($0.prefix(12)) ->" } ?? "added at"
                Output.line(
                    "\(entry.name): \(change) \(entry.commit.prefix(12)) (\(entry.url)\(revision.map { "@" + $0 } ?? ""))"
                )
            } else {
                let updated = try repos.update()
                if updated.isEmpty { Output.line("no recipe repositories yet; add one with 'repro pull URL[@REV]'") }
                for (old, e) in updated {
                    Output.line(
                        "\(e.name): \(old == e.commit ? "unchanged at" : "\(old.prefix(12)) ->") \(e.commit.prefix(12))"
                    )
                }
            }
        } catch {
            throw fail(error, code: 1)
        }
    }
}
