import Recipes
import Workflow

/// A published result: a manifest, and when it is a folder made by `scripts/publish`, the SHA-256 of the
/// submission tarball it made (`submission.tar.gz.sha256`) and the SHA-256 of every file of that tree
/// (`tree.sha256`, lines `SHA256  PATH` as `sha256sum` writes them).
public struct PublishedResult: Sendable {
    public var manifestPath: String
    public var manifest: Manifest
    public var tarballSHA256: String?
    /// Path inside the tree → SHA-256.
    public var treeFiles: [String: String]?

    /// Reads a manifest file, or a folder that holds `manifest.json` (and perhaps the tarball's and the tree's
    /// digests). A manifest that cannot be read — missing, not JSON, from a newer repro — is an error that says so.
    public static func read(_ source: String) throws(ReproductionError) -> PublishedResult {
        var path = source
        switch FileSystemPath.kind(source) {
        case .directory: path = source + "/manifest.json"
        case .file: break
        default: throw .notFound(path: source)
        }
        guard FileSystemPath.exists(path) else { throw .notFound(path: path) }
        let manifest: Manifest
        do { manifest = try Manifest.read(path) } catch { throw .manifest(error) }
        guard !manifest.request.requests.isEmpty else { throw .noRequests(path: path) }
        var result = PublishedResult(manifestPath: path, manifest: manifest)
        guard FileSystemPath.kind(source) == .directory else { return result }
        if let text = try? FileSystemPath.readText(source + "/submission.tar.gz.sha256"),
            let digest = text.split(whereSeparator: { $0 == " " || $0 == "\n" }).first
        {
            result.tarballSHA256 = String(digest)
        }
        if let text = try? FileSystemPath.readText(source + "/tree.sha256") {
            result.treeFiles = PublishedResult.parseDigests(text)
        }
        return result
    }

    init(manifestPath: String, manifest: Manifest) {
        self.manifestPath = manifestPath
        self.manifest = manifest
    }

    /// `sha256sum` lines: 64 hex digits, two spaces, a path (`./` dropped).
    static func parseDigests(_ text: String) -> [String: String] {
        var out: [String: String] = [:]
        for line in text.split(separator: "\n") where line.count > 66 {
            var path = String(line.dropFirst(66))
            if path.hasPrefix("./") { path.removeFirst(2) }
            out[path] = String(line.prefix(64))
        }
        return out
    }
}
