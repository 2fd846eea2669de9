import Synchronization

/// Finds recipes by name or tags in an ordered list of folders, reading each file only when it is needed.
///
/// A recipe is `NAME.yaml` (or `.yml`) with a top-level `summary:`, or a folder `NAME/recipe.yaml` whose other
/// files are its assets; other YAML files are skipped with a note. Folders without a `recipe.yaml` group recipes
/// and are searched inside. When two folders of the search path hold the same name, the earlier one wins (as with
/// `PATH`), so `--recipes DIR` can override a shipped recipe.
public final class RecipeRegistry: Sendable {
    public struct Location: Sendable {
        public var name: String
        public var file: String
        public var directory: String
        public var isFolder: Bool
        /// Later locations of the same name that this one hides.
        public var shadows: [String]
        public var origin: SearchFolder.Origin = .own

        public init(name: String, file: String, directory: String, isFolder: Bool, shadows: [String] = []) {
            self.name = name
            self.file = file
            self.directory = directory
            self.isFolder = isFolder
            self.shadows = shadows
        }
    }

    public let searchPath: [String]
    public let folders: [SearchFolder]
    public let locations: [String: Location]
    let loaded = Mutex<[String: Recipe]>([:])
    let scanned = Mutex<Scan?>(nil)
    /// Things worth saying about selections made so far (a pulled recipe that lost to one of the user's own).
    let noted = Mutex<[String]>([])

    /// Scans the folders (names only; no file is parsed yet). Missing folders are skipped.
    public convenience init(searchPath: [String]) throws(RecipeError) {
        try self.init(folders: searchPath.map { SearchFolder(path: $0, origin: .own) })
    }

    public init(folders: [SearchFolder]) throws(RecipeError) {
        self.folders = folders.map { SearchFolder(path: FileSystemPath.absolute($0.path), origin: $0.origin) }
        self.searchPath = self.folders.map(\.path)
        var found: [String: Location] = [:]
        for folder in self.folders {
            var inThisDir: [String: Location] = [:]
            try RecipeRegistry.scan(folder.path, depth: 0, into: &inThisDir)
            for (name, var location) in inThisDir {
                location.origin = folder.origin
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

    /// Every recipe, parsed (for tag searches and listings). The first bad file stops it with its error; other YAML
    /// is left out.
    public func allRecipes() throws(RecipeError) -> [Recipe] {
        let scan = self.scan()
        if let first = scan.broken.first { throw first.error }
        return scan.recipes
    }

    /// The one recipe a selection names: by name when there is one term naming a recipe, else by tags
    /// (a recipe's name counts as one of its tags); several matches narrowed by the variations asked for.
    public func select(_ selection: Selection, at: SourceLocation? = nil) throws(RecipeError) -> Recipe {
        if selection.terms.isEmpty {
            throw .noMatch(selection: selection.description, at: at, candidates: [])
        }
        if selection.terms.count == 1, let location = locations[selection.terms[0]] {
            for hidden in location.shadows {
                guard let folder = folders.first(where: { hidden.hasPrefix($0.path + "/") }),
                    case .pulled = folder.origin, folder.origin != location.origin
                else { continue }
                note(
                    "'\(location.name)' from \(DisplayPath.of(location.file)) (\(location.origin.description)) hides "
                        + "the one in \(folder.origin.description)")
            }
            return try recipe(named: selection.terms[0], at: at)
        }
        return try select(tags: selection.terms, variations: selection.variations, text: selection.description, at: at)
    }

    /// The one recipe carrying every tag. A broken recipe stops the selection only when it could match it (its
    /// tags, as far as they can be read, include every term); among several matches, those from the user's own
    /// folders win over shipped and pulled ones, with a note.
    public func select(tags: [String], variations: [String], text: String, at: SourceLocation?) throws(RecipeError)
        -> Recipe
    {
        let scan = self.scan()
        let all = scan.recipes
        let blocking = scan.broken.filter { b in
            b.tags.map { t in tags.allSatisfy { t.contains($0) || b.name == $0 } } ?? true
        }
        if !blocking.isEmpty {
            let errors = blocking.map(\.error)
            throw errors.count == 1 ? errors[0] : .several(errors)
        }
        var matches = all.filter { r in tags.allSatisfy { r.tags.contains($0) || r.name == $0 } }
        if matches.count > 1, !variations.isEmpty {
            let narrowed = matches.filter { r in variations.allSatisfy { r.variation(named: $0) != nil } }
            if !narrowed.isEmpty { matches = narrowed }
        }
        if matches.count > 1 { matches = preferOwn(matches, selection: text) }
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
