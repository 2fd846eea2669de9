import Synchronization

/// Finds recipes by name or tags in an ordered list of folders, reading each file only when it is needed.
///
/// A recipe is `NAME.yaml` (or `.yml`), or a folder `NAME/recipe.yaml` whose other files are its assets.
/// Folders without a `recipe.yaml` group recipes and are searched inside. When two folders of the search path
/// hold the same name, the earlier one wins (as with `PATH`), so `--recipes DIR` can override a shipped recipe.
public final class RecipeRegistry: Sendable {
    public struct Location: Sendable {
        public var name: String
        public var file: String
        public var directory: String
        public var isFolder: Bool
        /// Later locations of the same name that this one hides.
        public var shadows: [String]
    }

    public let searchPath: [String]
    public let locations: [String: Location]
    private let loaded = Mutex<[String: Recipe]>([:])

    /// Scans the folders (names only; no file is parsed yet). Missing folders are skipped.
    public init(searchPath: [String]) throws(RecipeError) {
        self.searchPath = searchPath.map { FileSystemPath.absolute($0) }
        var found: [String: Location] = [:]
        for dir in self.searchPath {
            var inThisDir: [String: Location] = [:]
            try RecipeRegistry.scan(dir, depth: 0, into: &inThisDir)
            for (name, location) in inThisDir {
                if found[name] != nil { found[name]!.shadows.append(location.file) } else { found[name] = location }
            }
        }
        self.locations = found
    }

    private static func scan(_ dir: String, depth: Int, into found: inout [String: Location]) throws(RecipeError) {
        for entry in FileSystemPath.list(dir) where !entry.hasPrefix(".") {
            let path = dir + "/" + entry
            var location: Location?
            switch FileSystemPath.kind(path) {
            case .file:
                for ext in [".yaml", ".yml"] where entry.hasSuffix(ext) {
                    location = Location(
                        name: String(entry.dropLast(ext.count)), file: path, directory: dir,
                        isFolder: false, shadows: [])
                }
            case .directory:
                let recipeFile = path + "/recipe.yaml"
                if FileSystemPath.kind(recipeFile) == .file {
                    location = Location(name: entry, file: recipeFile, directory: path, isFolder: true, shadows: [])
                } else if depth < 3 {
                    try scan(path, depth: depth + 1, into: &found)
                }
            default: break
            }
            if let location {
                if let other = found[location.name] {
                    throw .duplicateRecipe(
                        name: location.name, first: DisplayPath.of(other.file),
                        second: DisplayPath.of(location.file))
                }
                found[location.name] = location
            }
        }
    }

    public var names: [String] { locations.keys.sorted() }

    /// The recipe of that name, parsed on first use.
    public func recipe(named name: String, at: SourceLocation? = nil) throws(RecipeError) -> Recipe {
        if let r = loaded.withLock({ $0[name] }) { return r }
        guard let location = locations[name] else {
            throw .unknownRecipe(name: name, at: at, candidates: names)
        }
        let text: String
        do {
            text = try FileSystemPath.readText(location.file)
        } catch {
            throw .unreadable(file: DisplayPath.of(location.file), reason: error.reason)
        }
        let recipe = try RecipeDecoder.decode(
            text: text, file: location.file, directory: location.directory,
            isFolder: location.isFolder, expectedName: name)
        loaded.withLock { $0[name] = recipe }
        return recipe
    }

    /// Every recipe, parsed (for tag searches and listings). The first bad file stops it with its error.
    public func allRecipes() throws(RecipeError) -> [Recipe] {
        var out: [Recipe] = []
        for name in names { out.append(try recipe(named: name)) }
        return out
    }

    /// The one recipe a selection names: by name when there is one term naming a recipe, else by tags
    /// (a recipe's name counts as one of its tags); several matches narrowed by the variations asked for.
    public func select(_ selection: Selection, at: SourceLocation? = nil) throws(RecipeError) -> Recipe {
        if selection.terms.isEmpty {
            throw .noMatch(selection: selection.description, at: at, candidates: [])
        }
        if selection.terms.count == 1, locations[selection.terms[0]] != nil {
            return try recipe(named: selection.terms[0], at: at)
        }
        return try select(tags: selection.terms, variations: selection.variations, text: selection.description, at: at)
    }

    /// The one recipe carrying every tag.
    public func select(tags: [String], variations: [String], text: String, at: SourceLocation?) throws(RecipeError)
        -> Recipe
    {
        let all = try allRecipes()
        var matches = all.filter { r in tags.allSatisfy { r.tags.contains($0) || r.name == $0 } }
        if matches.count > 1, !variations.isEmpty {
            let narrowed = matches.filter { r in variations.allSatisfy { r.variation(named: $0) != nil } }
            if !narrowed.isEmpty { matches = narrowed }
        }
        if matches.count == 1 { return matches[0] }
        if matches.isEmpty {
            let knownTags = Set(all.flatMap { $0.tags + [$0.name] })
            let near = tags.compactMap { t in knownTags.contains(t) ? nil : Suggestions.nearest(to: t, in: knownTags) }
            if tags.count == 1, let n = near.first {
                throw .unknownRecipe(name: tags[0], at: at, candidates: [n])
            }
            let partial = all.filter { r in tags.contains { r.tags.contains($0) || r.name == $0 } }.map(\.name)
            throw .noMatch(selection: text, at: at, candidates: partial.isEmpty ? names : partial)
        }
        throw .ambiguousSelection(selection: text, at: at, matches: matches.map(\.name).sorted())
    }
}
