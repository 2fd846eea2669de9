import Yams

/// A folder of the search path and where it comes from: the user's own folders win over shipped and pulled ones.
public struct SearchFolder: Sendable, Equatable {
    public enum Origin: Sendable, Equatable {
        /// `--recipes`, `REPRO_RECIPES`, `./recipes`.
        case own
        /// The `recipes/` of the checkout repro was built in.
        case shipped
        /// A repository added with `repro pull` (its name).
        case pulled(String)

        var rank: Int {
            switch self {
            case .own: 0
            case .shipped: 1
            case .pulled: 2
            }
        }

        public var description: String {
            switch self {
            case .own: "your folders"
            case .shipped: "the recipes shipped with repro"
            case .pulled(let name): "pulled repository '\(name)'"
            }
        }
    }

    public var path: String
    public var origin: Origin

    public init(path: String, origin: Origin) {
        self.path = path
        self.origin = origin
    }
}

extension RecipeRegistry {
    /// Every file of the search path read once: the recipes, the broken ones with their errors, and the YAML files
    /// that are not recipes.
    public struct Scan: Sendable {
        public struct Broken: Sendable {
            public var name: String
            public var file: String
            public var error: RecipeError
            /// Its tags as far as they can be read (nil: not at all, so it could match any tag selection).
            public var tags: [String]?
        }

        public struct Skipped: Sendable {
            public var file: String
            public var reason: String
        }

        public var recipes: [Recipe] = []
        public var broken: [Broken] = []
        public var skipped: [Skipped] = []
    }

    /// Parses every file of the search path (once per registry).
    public func scan() -> Scan {
        if let done = scanned.withLock({ $0 }) { return done }
        var scan = Scan()
        for name in names {
            do {
                scan.recipes.append(try recipe(named: name))
            } catch {
                let file = locations[name]!.file
                if case .notARecipe(_, let reason) = error {
                    scan.skipped.append(Scan.Skipped(file: file, reason: reason))
                } else {
                    scan.broken.append(Scan.Broken(name: name, file: file, error: error, tags: readableTags(file)))
                }
            }
        }
        scanned.withLock { $0 = scan }
        return scan
    }

    /// The `tags:` of a file whose recipe has errors: from its YAML if that parses, else from a `tags:` line (none:
    /// no tags). Nil only when the file cannot be read.
    func readableTags(_ file: String) -> [String]? {
        guard let text = try? FileSystemPath.readText(file) else { return nil }
        func terms(_ s: Substring) -> [String] {
            s.trimmingCharacters(in: " []").split(separator: ",").map { $0.trimmingCharacters(in: " '\"") }
        }
        if let node = try? Yams.compose(yaml: text), case .mapping(let m) = node {
            guard let tags = m.first(where: { $0.key.string == "tags" })?.value else { return [] }
            if case .sequence(let s) = tags { return s.compactMap(\.string) }
            return tags.string.map { terms(Substring($0)) }
        }
        guard let line = text.split(separator: "\n").first(where: { $0.hasPrefix("tags:") }) else { return [] }
        return terms(line.dropFirst(5))
    }

    /// Among several matches of a tag selection, those from the most trusted origin (the user's own folders, then
    /// shipped, then pulled); the others are noted.
    func preferOwn(_ matches: [Recipe], selection: String) -> [Recipe] {
        let rank = { (r: Recipe) in self.locations[r.name]?.origin.rank ?? 0 }
        guard let best = matches.map(rank).min() else { return matches }
        let kept = matches.filter { rank($0) == best }
        let dropped = matches.filter { rank($0) != best }
        if !dropped.isEmpty, kept.count == 1 {
            note(
                "'\(selection)' also matches "
                    + dropped.map { "'\($0.name)' from \(locations[$0.name]!.origin.description)" }.joined(
                        separator: ", ")
                    + "; '\(kept[0].name)' from \(locations[kept[0].name]!.origin.description) wins")
        }
        return kept
    }

    func note(_ text: String) { noted.withLock { if !$0.contains(text) { $0.append(text) } } }

    /// Notes about the selections made so far (for a plan's warnings).
    public var notes: [String] { noted.withLock { $0 } }
}
