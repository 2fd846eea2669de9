import Foundation
import Recipes
import Workflow

/// Where a command finds recipes and keeps the cache and run records, from flags, environment and defaults.
///
/// - cache: `--cache DIR`, else `REPRO_CACHE`, else `./cache`
/// - runs: `--runs DIR`, else `REPRO_RUNS`, else `./runs`
/// - recipes: every `--recipes DIR`, then `REPRO_RECIPES` (colon-separated), then `./recipes`, then the
///   `recipes/` of the checkout this repro was built in, then the `recipes/` of repositories added with
///   `repro pull`. Earlier folders win when two hold the same recipe name; a folder named with `--recipes` or
///   `REPRO_RECIPES` that does not exist is an error.
public struct Workspace: Sendable {
    public var recipeDirectories: [String]
    /// Where each folder comes from (missing: the user's own), for choosing among matches of a tag selection.
    public var recipeOrigins: [String: SearchFolder.Origin] = [:]
    /// Folders the user named that do not exist, and how they were named.
    public var missingRecipeFolders: [(path: String, namedBy: String)] = []
    public var cacheDirectory: String
    public var runsDirectory: String
    public var environment: [String: String]

    /// Exactly these folders, as recorded by an earlier run (`RequestRecord`).
    public init(
        recipeDirectories: [String], recipeOrigins: [String: SearchFolder.Origin] = [:], cacheDirectory: String,
        runsDirectory: String, environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.recipeDirectories = recipeDirectories
        self.recipeOrigins = recipeOrigins
        self.cacheDirectory = cacheDirectory
        self.runsDirectory = runsDirectory
        self.environment = environment
    }

    public init(
        recipes: [String] = [], cache: String? = nil, runs: String? = nil,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) {
        self.environment = environment
        cacheDirectory = FileSystemPath.absolute(cache ?? environment["REPRO_CACHE"] ?? "cache")
        runsDirectory = FileSystemPath.absolute(runs ?? environment["REPRO_RUNS"] ?? "runs")
        var named = recipes.map { (FileSystemPath.absolute($0), "--recipes") }
        if let extra = environment["REPRO_RECIPES"] {
            named += extra.split(separator: ":").map { (FileSystemPath.absolute(String($0)), "REPRO_RECIPES") }
        }
        missingRecipeFolders = named.filter { FileSystemPath.kind($0.0) != .directory }.map { ($0.0, $0.1) }
        var dirs: [(String, SearchFolder.Origin)] = named.map { ($0.0, .own) }
        dirs.append((FileSystemPath.absolute("recipes"), .own))
        // REPRO_SHIPPED_RECIPES=none leaves them out (tests that want only their own recipes).
        if environment["REPRO_SHIPPED_RECIPES"] != "none", let shipped = Workspace.shippedRecipes() {
            dirs.append((shipped, .shipped))
        }
        for repo in FileSystemPath.list(cacheDirectory + "/repos") {
            dirs.append((cacheDirectory + "/repos/" + repo + "/recipes", .pulled(repo)))
        }
        var seen = Set<String>()
        let kept = dirs.filter { seen.insert($0.0).inserted && FileSystemPath.kind($0.0) == .directory }
        recipeDirectories = kept.map(\.0)
        for (dir, origin) in kept where origin != .own { recipeOrigins[dir] = origin }
    }

    /// The `recipes/` folder of the checkout the running executable was built in (`<checkout>/.build/…/repro`).
    static func shippedRecipes() -> String? {
        var dir = FileSystemPath.parent(CommandLine.executablePath)
        for _ in 0..<5 {
            let candidate = dir + "/recipes"
            if FileSystemPath.kind(candidate) == .directory, FileSystemPath.exists(dir + "/Package.swift") {
                return candidate
            }
            let up = FileSystemPath.parent(dir)
            if up == dir { break }
            dir = up
        }
        return nil
    }

    public func registry() throws(RecipeError) -> RecipeRegistry {
        if let missing = missingRecipeFolders.first {
            throw .missingFolder(path: DisplayPath.of(missing.path), namedBy: missing.namedBy)
        }
        return try RecipeRegistry(
            folders: recipeDirectories.map { SearchFolder(path: $0, origin: recipeOrigins[$0] ?? .own) })
    }

    public var cache: CacheStore { CacheStore(root: cacheDirectory) }

    /// Container runtimes and image digests, for container steps (one per run: it remembers what it found).
    public var containerImages: ContainerImages { ContainerImages(environment: environment, cacheRoot: cacheDirectory) }

    /// The `host` root of expressions.
    public var hostValue: Value { HostInfo.expressionValue(environment: environment) }
}

extension CommandLine {
    /// The absolute path of the running executable.
    static var executablePath: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? arguments[0]
    }
}
