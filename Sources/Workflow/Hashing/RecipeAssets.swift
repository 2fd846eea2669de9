import Recipes

#if canImport(Glibc)
    @preconcurrency import Glibc
#endif

/// The files a recipe's keys hold besides its text: a folder recipe's other files, and what its `assets:` names
/// (relative to the recipe's folder; a folder is taken whole). Records carry the paths as written, so a key does
/// not depend on where the project is. Planning (keys) and reproduction (the published recipes' verdicts) both
/// read them from here.
public enum RecipeAssets {
    /// The asset files, sorted by path; empty for a one-file recipe without `assets:`.
    public static func records(of recipe: Recipe) throws(Digests.Failure) -> [Digests.FileRecord] {
        var records: [Digests.FileRecord] = []
        if recipe.source.isFolder {
            records += try Digests.tree(recipe.source.directory).filter { $0.path != "recipe.yaml" }
        }
        for asset in recipe.assets {
            let full = path(of: asset, in: recipe)
            switch FileSystemPath.kind(full) {
            case .directory:
                records += try Digests.tree(full).map { r in
                    var r = r
                    r.path = asset.path + "/" + r.path
                    return r
                }
            case .file:
                let (sha256, size) = try Digests.file(full)
                records.append(
                    Digests.FileRecord(
                        path: asset.path, sha256: sha256, size: size, executable: access(full, X_OK) == 0,
                        linkTarget: nil))
            case .missing:
                throw Digests.Failure(path: full, reason: "no such file or folder (\(described(asset)))")
            case .other:
                throw Digests.Failure(path: full, reason: "not a regular file or folder (\(described(asset)))")
            }
        }
        // A declared asset inside a folder recipe is one of its files already: counted once.
        var seen = Set<String>()
        return records.sorted { $0.path < $1.path }.filter { seen.insert($0.path).inserted }
    }

    /// One digest of them all; nil when the recipe has none.
    public static func digest(of recipe: Recipe) throws(Digests.Failure) -> String? {
        guard recipe.source.isFolder || !recipe.assets.isEmpty else { return nil }
        return Digests.treeDigest(try records(of: recipe))
    }

    /// Where a declared asset is on disk.
    public static func path(of asset: RecipeAsset, in recipe: Recipe) -> String {
        FileSystemPath.absolute(asset.path, relativeTo: recipe.source.directory)
    }

    static func described(_ asset: RecipeAsset) -> String {
        "named under 'assets:'" + (asset.location.map { " at \($0)" } ?? "")
    }
}
