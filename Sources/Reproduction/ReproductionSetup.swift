import Recipes
import Workflow

/// What a reproduction runs: the published requests, with nothing reused, and the recipes as published.
///
/// A local recipe whose text has the published digest is used where it is (with its assets). Any other is
/// written from the manifest into `folder`, which is searched first; a recipe's assets (a folder recipe's other
/// files, what `assets:` names) come from the local recipe. Each recipe gets a verdict: as published, the published
/// text used, a text edited after publishing (its digest no longer matches), assets that differ.
public struct ReproductionSetup: Sendable {
    public var requests: [PlanRequest]
    public var options: RunOptions
    /// Verdicts about the recipes, before anything runs.
    public var verdicts: [Verdict]

    /// `registry` is the local search path; `folder` an empty scratch folder for the published texts.
    public static func prepare(
        _ published: PublishedResult, registry: RecipeRegistry?, folder: String, baseDirectory: String
    ) -> ReproductionSetup {
        var verdicts: [Verdict] = []
        for (name, record) in published.manifest.recipes.sorted(by: { $0.key < $1.key }) {
            verdicts += recipe(name, record, registry: registry, folder: folder)
        }
        let request = published.manifest.request
        let requests = request.requests.map { r in
            PlanRequest(
                selection: Selection(parsing: r.selection),
                inputs: r.inputs.mapValues { ProvidedInput(value: $0, location: nil, baseDirectory: baseDirectory) },
                overrides: r.overrides.mapValues { inputs in
                    inputs.mapValues { ProvidedInput(value: $0, location: nil, baseDirectory: baseDirectory) }
                })
        }
        var options = RunOptions()
        options.noCache = true
        // Measured steps run as often as they did when published, so their spreads compare like with like.
        options.repeatMeasured = request.repeatMeasured
        return ReproductionSetup(requests: requests, options: options, verdicts: verdicts)
    }

    static func recipe(
        _ name: String, _ record: Manifest.RecipeRecord, registry: RecipeRegistry?, folder: String
    ) -> [Verdict] {
        var out: [Verdict] = []
        let textDigest = Digests.text(record.text)
        if textDigest != record.sha256 {
            out.append(
                Verdict(
                    kind: .recipe, subject: name, name: "text", published: String(record.sha256.prefix(12)),
                    reproduced: String(textDigest.prefix(12)), difference: "differs", outcome: .failed,
                    note: "the text in the manifest does not have its recorded digest: it was edited after publishing"
                ))
        }
        let local = try? registry?.recipe(named: name)
        if let local, local.source.digest == record.sha256 {
            if let assets = record.assetsSHA256 {
                out.append(assetsVerdict(name, published: assets, local: local))
            } else {
                out.append(
                    Verdict(
                        kind: .recipe, subject: name, name: "text", published: String(record.sha256.prefix(12)),
                        reproduced: String(local.source.digest.prefix(12)), outcome: .ok))
            }
            return out
        }
        // The published text runs.
        let note = local == nil ? "not here: the published text was used" : "differs here: the published text was used"
        do {
            // A text that reads `recipe.dir` is written as a folder recipe with the local recipe's assets beside it
            // (a folder recipe's own files are its assets; a one-file text published before `assets:` existed gets
            // the files beside the local recipe).
            if record.assetsSHA256 != nil || record.text.contains("recipe.dir") {
                let dir = folder + "/" + name
                try FileOps.makeDirectories(dir)
                try FileOps.write(record.text, to: dir + "/recipe.yaml")
                // At the same places relative to the text (a `..` asset lands beside its folder, inside `folder`);
                // one that would land outside is left out.
                if let local {
                    for path in try assetPaths(local) {
                        let target = FileSystemPath.absolute(path, relativeTo: dir)
                        guard target.hasPrefix(FileSystemPath.absolute(folder) + "/") else { continue }
                        try FileOps.makeDirectories(FileSystemPath.parent(target))
                        let source = FileSystemPath.absolute(path, relativeTo: local.source.directory)
                        try FileOps.copyFile(source, to: target)
                    }
                }
            } else {
                try FileOps.write(record.text, to: folder + "/" + name + ".yaml")
            }
        } catch {
            out.append(
                Verdict(
                    kind: .recipe, subject: name, name: "text", published: String(record.sha256.prefix(12)),
                    reproduced: "not written", outcome: .failed, note: "\(error)"))
            return out
        }
        out.append(
            Verdict(
                kind: .recipe, subject: name, name: "text", published: String(record.sha256.prefix(12)),
                reproduced: local.map { String($0.source.digest.prefix(12)) } ?? "missing", difference: "differs",
                outcome: .note, note: note))
        if let assets = record.assetsSHA256 {
            if let local, local.source.isFolder || !local.assets.isEmpty {
                out.append(assetsVerdict(name, published: assets, local: local))
            } else {
                out.append(
                    Verdict(
                        kind: .recipe, subject: name, name: "assets", published: String(assets.prefix(12)),
                        reproduced: "missing", difference: "differs", outcome: .failed,
                        note: "the recipe's other files are not here, and the manifest does not hold them"))
            }
        }
        return out
    }

    /// The files a written text takes from the local recipe, relative to its folder.
    static func assetPaths(_ local: Recipe) throws -> [String] {
        if local.source.isFolder || !local.assets.isEmpty { return try RecipeAssets.records(of: local).map(\.path) }
        let dir = local.source.directory
        return FileSystemPath.list(dir).filter { name in
            FileSystemPath.kind(dir + "/" + name) == .file && !name.hasSuffix(".yaml") && !name.hasSuffix(".yml")
        }
    }

    static func assetsVerdict(_ name: String, published: String, local: Recipe) -> Verdict {
        let here: String
        do {
            here = try RecipeAssets.digest(of: local) ?? "none"
        } catch {
            return Verdict(
                kind: .recipe, subject: name, name: "assets", published: String(published.prefix(12)),
                reproduced: "unreadable", outcome: .failed, note: "\(error)")
        }
        return Verdict(
            kind: .recipe, subject: name, name: "assets", published: String(published.prefix(12)),
            reproduced: String(here.prefix(12)), difference: here == published ? "" : "differs",
            outcome: here == published ? .ok : .failed,
            note: here == published ? "" : "the files beside the recipe differ from the published ones")
    }
}
