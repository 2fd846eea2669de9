import Recipes
import Workflow

/// `repro lint`: every problem of every recipe under some paths at once, with locations — what planning would
/// find one at a time (and what only a run would find: an output that no step returns).
public enum RecipeLint {
    public struct Report: Sendable {
        public var recipes = 0
        /// Every problem, in the compiler's `file:line:col: error: …` shape, one per entry.
        public var problems: [String] = []
        /// YAML files that are not recipes.
        public var skipped: [(file: String, reason: String)] = []
        /// Recipe files with at least one problem.
        public var failing = 0
    }

    /// Lints the recipes under `paths` (files or folders; none: every folder of the search path). Needs are
    /// resolved against the paths first, then the rest of the search path.
    public static func run(paths: [String], workspace: Workspace, actions: ActionCatalog = BuiltinActions.catalog)
        throws(RecipeError) -> Report
    {
        var report = Report()
        var files: [RecipeRegistry.Location] = []
        var folders: [String] = []
        for path in paths.map({ FileSystemPath.absolute($0) }) {
            switch FileSystemPath.kind(path) {
            case .directory where FileSystemPath.kind(path + "/recipe.yaml") == .file:
                files.append(location(path + "/recipe.yaml"))
            case .directory: folders.append(path)
            case .file: files.append(location(path))
            default: throw .unreadable(file: DisplayPath.of(path), reason: "no such file or folder")
            }
        }
        let base = try workspace.registry()
        if paths.isEmpty { folders = base.searchPath }
        let scope = try RecipeRegistry(
            folders: (folders + files.map(\.directory)).map { SearchFolder(path: $0, origin: .own) } + base.folders)
        var seen = Set<String>()
        for folder in folders {
            do {
                let inFolder = try RecipeRegistry(searchPath: [folder])
                for name in inFolder.names { files.append(inFolder.locations[name]!) }
            } catch {
                report.problems.append(error.description)
            }
        }
        for file in files where seen.insert(file.file).inserted {
            let problems: [any Error]
            do {
                let text = try read(file.file)
                let recipe = try RecipeDecoder.decode(
                    text: text, file: file.file, directory: file.directory, isFolder: file.isFolder,
                    expectedName: file.name)
                report.recipes += 1
                problems =
                    RecipeCheck.needProblems(recipe, registry: scope)
                    + RecipeCheck.actionProblems(recipe, actions: actions)
                    + RecipeCheck.outputReferences(recipe, actions: actions) { need in targets(need, scope) }
            } catch {
                if case .notARecipe(_, let reason) = error {
                    report.skipped.append((DisplayPath.of(file.file), reason))
                    continue
                }
                report.recipes += 1
                problems = [error]
            }
            if !problems.isEmpty { report.failing += 1 }
            report.problems += sortedByPlace(problems.flatMap { "\($0)".split(separator: "\n").map(String.init) })
        }
        return report
    }

    /// One file's problems from top to bottom (`file:LINE:COL: …`); those without a place keep their order, last.
    static func sortedByPlace(_ lines: [String]) -> [String] {
        func place(_ line: String) -> (Int, Int) {
            let parts = line.split(separator: ":", maxSplits: 3)
            guard parts.count == 4, let l = Int(parts[1]), let c = Int(parts[2]) else { return (Int.max, Int.max) }
            return (l, c)
        }
        return lines.enumerated().sorted { a, b in
            let (pa, pb) = (place(a.element), place(b.element))
            return pa != pb ? pa < pb : a.offset < b.offset
        }.map(\.element)
    }

    static func location(_ file: String) -> RecipeRegistry.Location {
        func last(_ path: String) -> String { path.split(separator: "/").last.map(String.init) ?? path }
        let isFolder = last(file) == "recipe.yaml"
        let directory = FileSystemPath.parent(file)
        let name = isFolder ? last(directory) : last(file).split(separator: ".").dropLast().joined(separator: ".")
        return RecipeRegistry.Location(name: name, file: file, directory: directory, isFolder: isFolder, shadows: [])
    }

    static func read(_ file: String) throws(RecipeError) -> String {
        do { return try FileSystemPath.readText(file) } catch {
            throw .unreadable(file: DisplayPath.of(file), reason: error.reason)
        }
    }

    static func targets(_ need: Need, _ registry: RecipeRegistry) -> [Recipe] {
        switch need.target {
        case .recipe(let name): return (try? registry.recipe(named: name)).map { [$0] } ?? []
        case .tags(let tags), .select(let tags):
            return (try? registry.select(Selection(terms: tags, variations: need.variations))).map { [$0] } ?? []
        }
    }
}
